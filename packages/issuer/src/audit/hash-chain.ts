import { createHash } from 'node:crypto'
import type { AuditEntry, AuditInput } from '../store/issuer-store.js'

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every level: one byte string per value, for hashing. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`
}

/** The hash of an entry: SHA-256 over the previous hash and the entry's canonical JSON. */
export function auditEntryHash(prevHash: string, seq: number, at: number, input: AuditInput): string {
  const body = canonicalJson({ seq, at, actor: input.actor, action: input.action, target: input.target, details: input.details })
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex')
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
