import { agentIdError } from '@agentid/core'
import { decodeJwt, jwtSignatureValid, resolveDidKey } from '@agentid/verifier'
import type { AuditEntry, IssuerStore } from '../store/issuer-store.js'
import { findChainBreak, GENESIS_HASH } from './hash-chain.js'

/** `type` of the VC-JWT an audit checkpoint is signed as. */
export const AUDIT_CHECKPOINT_TYPE = 'AuditCheckpointCredential'

/** What a checkpoint says: the entry it covers, that entry's hash, when. */
export interface CheckpointClaim {
  readonly seq: number
  readonly head: string
  /** Milliseconds since the epoch. */
  readonly at: number
}

/**
 * Checks a checkpoint's signature (by `issuerDid`, strict Ed25519) and reads its claim.
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_VC_ISSUER_UNTRUSTED, ERR_INPUT_INVALID
 */
export function checkCheckpointJwt(jwt: string, issuerDid: string): CheckpointClaim {
  const { signer, claim, check } = readCheckpoint(jwt)
  if (signer !== issuerDid) throw agentIdError('ERR_VC_ISSUER_UNTRUSTED', `audit checkpoint is signed by ${signer}, not this issuer`)
  check()
  return claim
}

// A checkpoint's signer and claim as it states them, and the check of its signature by that
// signer (the caller decides whether that signer counts).
function readCheckpoint(jwt: string): { signer: string; claim: CheckpointClaim; check: () => void } {
  const decoded = decodeJwt(jwt, { maxLength: 16 * 1024, maxDepth: 8 }, 'audit checkpoint')
  const signer = decoded.payload.iss
  if (typeof signer !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'audit checkpoint names no signer')
  const vc = decoded.payload.vc as { type?: unknown; credentialSubject?: { seq?: unknown; head?: unknown; at?: unknown } } | undefined
  const subject = vc?.credentialSubject
  if (!Array.isArray(vc?.type) || !vc.type.includes(AUDIT_CHECKPOINT_TYPE) || !subject) throw agentIdError('ERR_INPUT_INVALID', 'not an audit checkpoint')
  const { seq, head, at } = subject
  if (!Number.isSafeInteger(seq) || (seq as number) < 1 || typeof head !== 'string' || !/^[0-9a-f]{64}$/.test(head) || !Number.isSafeInteger(at)) {
    throw agentIdError('ERR_INPUT_INVALID', 'audit checkpoint claims are malformed')
  }
  const check = () => {
    if (!jwtSignatureValid(decoded, resolveDidKey(signer))) throw agentIdError('ERR_SIGNATURE', 'audit checkpoint signature does not verify')
  }
  return { signer, claim: { seq: seq as number, head, at: at as number }, check }
}

/**
 * The checkpoints that count, from `jwts` (stored ones and any kept elsewhere): those signed by
 * `issuerDid`, each verified. One signed by another key (an earlier issuer key, before a
 * rotation) is passed over when a checkpoint of this key covers a later entry: that one pins the
 * whole log up to it (every hash before it is chained into it), so the earlier one adds nothing;
 * nothing vouches for the other key, so it is never trusted on its own. Any other checkpoint
 * that does not hold is a break, reported by its position.
 */
function countedCheckpoints(jwts: readonly string[], issuerDid: string): { ok: true; own: CheckpointClaim[] } | { ok: false; seq: 0; reason: string } {
  const own: CheckpointClaim[] = []
  const foreign: Array<{ i: number; signer: string; seq: number }> = []
  for (const [i, jwt] of jwts.entries()) {
    try {
      const read = readCheckpoint(jwt)
      if (read.signer === issuerDid) {
        read.check()
        own.push(read.claim)
      } else foreign.push({ i, signer: read.signer, seq: read.claim.seq })
    } catch (error) {
      return { ok: false, seq: 0, reason: `checkpoint ${i + 1} is not valid: ${(error as Error).message} (forged or damaged)` }
    }
  }
  const newestOwn = Math.max(0, ...own.map((c) => c.seq))
  const uncovered = foreign.find((f) => f.seq > newestOwn)
  if (uncovered) {
    return { ok: false, seq: 0, reason: `checkpoint ${uncovered.i + 1} is not valid: audit checkpoint is signed by ${uncovered.signer}, not this issuer, and no checkpoint of this issuer covers a later entry (forged or damaged)` }
  }
  return { ok: true, own }
}

/** Outcome of {@link verifyAuditLog}. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly head: string; readonly checkpoints: number }
  | { readonly ok: false; readonly seq: number; readonly reason: string }

const PAGE = 5000

/**
 * Checks the whole log: every entry chained to the one before (an edit, deletion, insertion or
 * reordering breaks it at the first bad entry), then every signed checkpoint (the stored ones and
 * any kept elsewhere): it must verify, and the entry it covers must still exist with the hash it
 * signed. A truncated tail, or a log rewritten and re-hashed from some entry on, passes the first
 * test and fails the second. `onProgress` is awaited after each page of `pageSize` entries: a
 * caller that runs it in the background yields there.
 */
export async function verifyAuditLog(store: IssuerStore, issuerDid: string, externalCheckpoints: readonly string[] = [], onProgress?: (entries: number) => void | Promise<void>, pageSize = PAGE): Promise<AuditVerification> {
  const counted = countedCheckpoints([...(await store.listCheckpoints()).map((c) => c.jwt), ...externalCheckpoints], issuerDid)
  if (!counted.ok) return counted
  const checkpoints = counted.own
  const wanted = new Map(checkpoints.map((c) => [c.seq, c]))
  const seen = new Map<number, AuditEntry>()
  const chain = await verifyChainFrom(store, 0, GENESIS_HASH, pageSize, async (entries) => {
    for (const e of entries) if (wanted.has(e.seq)) seen.set(e.seq, e)
    await onProgress?.(entries[entries.length - 1]!.seq)
  })
  if (!chain.ok) return chain
  const { last, head: prev } = chain
  // The earliest checkpoint that no longer holds names where the damage starts: after the last
  // one that still holds.
  let good = 0
  for (const c of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    const when = new Date(c.at).toISOString()
    if (c.seq > last) {
      return { ok: false, seq: last + 1, reason: `the log ends at entry ${last}, but the checkpoint signed at ${when} covers entries up to ${c.seq}: entries ${last + 1} to ${c.seq} were removed (truncated)` }
    }
    if (seen.get(c.seq)?.hash !== c.head) {
      return { ok: false, seq: good + 1, reason: `entry ${c.seq} is not the one the checkpoint signed at ${when} covers: the log was rewritten and re-hashed at or after entry ${good + 1} and at or before entry ${c.seq}` }
    }
    good = c.seq
  }
  return { ok: true, entries: last, head: prev, checkpoints: checkpoints.length }
}

/** Outcome of {@link verifyAuditSinceCheckpoint}. */
export type AuditTailVerification =
  | { readonly ok: true; readonly entries: number; readonly head: string; readonly from: number }
  | { readonly ok: false; readonly seq: number; readonly reason: string }

/**
 * Checks the log from its newest signed checkpoint to its head, what a start-up can afford on a
 * log of millions of entries: the checkpoint must verify (signed by `issuerDid`), the stored
 * entry it covers must still have the hash it signed, and every entry after it must chain to
 * that one. With no checkpoint, this is {@link verifyAuditLog} from entry 1. What it does not
 * see (an entry before the checkpoint edited, or a checkpoint other than the newest forged) is
 * left to a full {@link verifyAuditLog}.
 */
export async function verifyAuditSinceCheckpoint(store: IssuerStore, issuerDid: string): Promise<AuditTailVerification> {
  const [newest] = await store.listCheckpoints(1)
  if (!newest) {
    const full = await verifyAuditLog(store, issuerDid)
    return full.ok ? { ok: true, entries: full.entries, head: full.head, from: 0 } : full
  }
  let claim: CheckpointClaim
  try {
    claim = checkCheckpointJwt(newest.jwt, issuerDid)
  } catch (error) {
    return { ok: false, seq: 0, reason: `the newest checkpoint is not valid: ${(error as Error).message} (forged or damaged)` }
  }
  const when = new Date(claim.at).toISOString()
  // The row's own columns are not signed: only the claim inside the JWT counts.
  if (claim.seq !== newest.seq || claim.head !== newest.head) {
    return { ok: false, seq: 0, reason: `the newest checkpoint's record does not say what its signature covers (entry ${newest.seq} stored, entry ${claim.seq} signed at ${when}): forged or damaged` }
  }
  const [covered] = await store.readAudit(claim.seq, 1)
  if (covered?.seq !== claim.seq) {
    return { ok: false, seq: claim.seq, reason: `the checkpoint signed at ${when} covers entries up to ${claim.seq}, but entry ${claim.seq} is missing (truncated)` }
  }
  if (covered.hash !== claim.head) {
    return { ok: false, seq: claim.seq, reason: `entry ${claim.seq} is not the one the checkpoint signed at ${when} covers: the log was rewritten and re-hashed at or before entry ${claim.seq}` }
  }
  const chain = await verifyChainFrom(store, claim.seq, claim.head)
  return chain.ok ? { ok: true, entries: chain.last, head: chain.head, from: claim.seq } : chain
}

/**
 * Checks that the entries after `seq` (whose hash is `hash`; 0 and the genesis hash for the
 * whole log) chain to it and to each other, a page at a time; `onPage` sees each page once it
 * holds, and is awaited.
 */
export async function verifyChainFrom(log: Pick<IssuerStore, 'readAudit'>, seq: number, hash: string, pageSize = PAGE, onPage?: (entries: readonly AuditEntry[]) => void | Promise<void>): Promise<{ readonly ok: true; readonly last: number; readonly head: string } | { readonly ok: false; readonly seq: number; readonly reason: string }> {
  let prev = hash
  let next = seq + 1
  for (;;) {
    const entries = await log.readAudit(next, pageSize)
    if (entries.length === 0) break
    const broken = findChainBreak(entries, next, prev)
    if (broken) return { ok: false, ...broken }
    prev = entries[entries.length - 1]!.hash
    next += entries.length
    await onPage?.(entries)
  }
  return { ok: true, last: next - 1, head: prev }
}
