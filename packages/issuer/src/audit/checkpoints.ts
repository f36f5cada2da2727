import { agentIdError } from '@agentid/core'
import { decodeJwt, ISSUER_ROTATION_TYPE, jwtSignatureValid, resolveDidKey } from '@agentid/verifier'
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
 * The issuer keys whose checkpoints the log is held to: the current one, and each earlier one a
 * rotation statement names as its signer (`IssuerRotationCredential`, signed by that earlier
 * key; one that does not verify names nobody). A database writer could add a statement of a key
 * of their own, and with it checkpoints of that key: harmless, since every checkpoint counts and
 * must hold (another constraint, never a substitute); what matters is that no checkpoint of the
 * issuer's earlier keys is ever passed over, for then a log rewritten before a rotation, and
 * signed again by the new key, would verify.
 */
export interface AuditKeys {
  readonly current: string
  readonly earlier: readonly string[]
}

/** {@link AuditKeys} of an issuer whose current DID is `current`, from its rotation statements. */
export function auditKeys(current: string, rotationStatements: readonly string[]): AuditKeys {
  const earlier: string[] = []
  for (const jwt of rotationStatements) {
    try {
      const decoded = decodeJwt(jwt, { maxLength: 16 * 1024, maxDepth: 8 }, 'rotation statement')
      const signer = decoded.payload.iss
      const vc = decoded.payload.vc as { type?: unknown } | undefined
      if (typeof signer !== 'string' || !Array.isArray(vc?.type) || !vc.type.includes(ISSUER_ROTATION_TYPE)) continue
      if (jwtSignatureValid(decoded, resolveDidKey(signer))) earlier.push(signer)
    } catch {
      // Not a statement: it names no key, and that key's checkpoints (if any) will not verify.
    }
  }
  return { current, earlier }
}

// Every checkpoint (stored or kept elsewhere), each signed by one of `keys` and verified; one of
// any other key is a break, reported by its position.
function signedCheckpoints(jwts: readonly string[], keys: AuditKeys): { ok: true; claims: CheckpointClaim[] } | { ok: false; seq: 0; reason: string } {
  const claims: CheckpointClaim[] = []
  for (const [i, jwt] of jwts.entries()) {
    try {
      const read = readCheckpoint(jwt)
      if (read.signer !== keys.current && !keys.earlier.includes(read.signer)) throw agentIdError('ERR_VC_ISSUER_UNTRUSTED', `audit checkpoint is signed by ${read.signer}, not this issuer`)
      read.check()
      claims.push(read.claim)
    } catch (error) {
      return { ok: false, seq: 0, reason: `checkpoint ${i + 1} is not valid: ${(error as Error).message} (forged or damaged)` }
    }
  }
  return { ok: true, claims }
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
export async function verifyAuditLog(store: IssuerStore, keys: AuditKeys, externalCheckpoints: readonly string[] = [], onProgress?: (entries: number) => void | Promise<void>, pageSize = PAGE): Promise<AuditVerification> {
  const signed = signedCheckpoints([...(await store.listCheckpoints()).map((c) => c.jwt), ...externalCheckpoints], keys)
  if (!signed.ok) return signed
  const checkpoints = signed.claims
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
 * log of millions of entries: the checkpoint must be the current key's and verify, the stored
 * entry it covers must still have the hash it signed, and every entry after it must chain to
 * that one. With no checkpoint, or when the newest is another key's (an earlier key, before the
 * rotation signed one: an earlier key is never an anchor, since a database writer can name a
 * key of their own as one), this is {@link verifyAuditLog} from entry 1. What it does not see (an
 * entry before the checkpoint edited, or a checkpoint other than the newest forged) is left to a
 * full {@link verifyAuditLog}.
 */
export async function verifyAuditSinceCheckpoint(store: IssuerStore, keys: AuditKeys): Promise<AuditTailVerification> {
  const [newest] = await store.listCheckpoints(1)
  const whole = async (): Promise<AuditTailVerification> => {
    const full = await verifyAuditLog(store, keys)
    return full.ok ? { ok: true, entries: full.entries, head: full.head, from: 0 } : full
  }
  if (!newest) return whole()
  let claim: CheckpointClaim
  try {
    const read = readCheckpoint(newest.jwt)
    if (read.signer !== keys.current) return whole()
    read.check()
    claim = read.claim
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
