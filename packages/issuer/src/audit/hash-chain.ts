import { hash } from 'node:crypto'
import type { AuditEntry, AuditInput } from '../store/issuer-store.js'

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every level: one byte string per value, for hashing. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) {
    // (As `join` would: an element JSON has no text for is written as nothing.)
    let out = '['
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '' : ','}${canonicalJson(value[i]) ?? ''}`
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  let out = '{'
  for (const key of Object.keys(record).sort()) out = member(out, key, record[key])
  return `${out}}`
}

// `out`, an object's text from its `{` on, with one more member; none for an undefined value.
function member(out: string, name: string, value: unknown): string {
  return value === undefined ? out : `${out}${out.length === 1 ? '' : ','}${JSON.stringify(name)}:${canonicalJson(value)}`
}

/** The hash of an entry: SHA-256 over the previous hash and the entry's canonical JSON. */
export function auditEntryHash(prevHash: string, seq: number, at: number, input: AuditInput): string {
  // canonicalJson({ seq, at, actor, action, target, details }), its members written here in
  // their sorted order rather than sorted for every entry: `audit verify` hashes a million.
  let body = member('{', 'action', input.action)
  body = member(body, 'actor', input.actor)
  body = member(body, 'at', at)
  body = member(body, 'details', input.details)
  body = member(body, 'seq', seq)
  body = member(body, 'target', input.target)
  return hash('sha256', `${prevHash}\n${body}}`, 'hex')
}

/** Where a chain breaks, or undefined when every entry links to the one before. */
export function findChainBreak(entries: readonly AuditEntry[], expectedFirstSeq = 1, expectedPrevHash = GENESIS_HASH): { seq: number; reason: string } | undefined {
  let prev = expectedPrevHash
  let seq = expectedFirstSeq
  for (const e of entries) {
    if (e.seq !== seq) return { seq, reason: `expected entry ${seq}, found ${e.seq} (deleted or reordered)` }
    if (e.prevHash !== prev) return { seq, reason: 'prevHash does not match the entry before (inserted, deleted or edited)' }
    if (auditEntryHash(e.prevHash, e.seq, e.at, e) !== e.hash) return { seq, reason: 'entry content does not match its hash (edited)' }
    prev = e.hash
    seq++
  }
  return undefined
}
