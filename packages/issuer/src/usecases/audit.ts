// The audit log: refusals recorded with who tried, signed checkpoints of its head, and alert
// acknowledgements.
import { agentIdError, CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { AUDIT_CHECKPOINT_TYPE, checkCheckpointJwt, verifyAuditSinceCheckpoint, type AuditKeys } from '../audit/checkpoints.js'
import type { Principal } from '../governance/principal.js'
import type { AuditCheckpointRecord } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'
import { auditKeysOf } from './rotations.js'

/**
 * Records a refused attempt in the audit log, with who tried. The service records every
 * refusal of an authenticated caller by a governance rule (ERR_FORBIDDEN, ERR_SOD_CONFLICT,
 * ERR_DELEGATION, ERR_APPROVAL_REQUIRED) through this; `authenticate` a disabled or expired
 * principal's token; the routes an owner's probe for an agent it may not see.
 */
export async function recordRefusal(ctx: Pick<IssuerContext, 'store'>, by: Principal, attempt: string, target: string | undefined, error: { code: string; message: string }): Promise<void> {
  await ctx.store.recordEvent({ actor: by.id, action: 'access.refused', ...(target !== undefined ? { target } : {}), details: { attempt, code: error.code, message: error.message } })
}

/**
 * Signs the head of the audit log now (a VC-JWT `AuditCheckpointCredential` by the issuer key)
 * and stores it; nothing when no entry was added since the last checkpoint. Publish them
 * (`GET /audit/checkpoints`) or keep copies elsewhere: a copy outside the database also catches
 * someone who deletes the stored ones.
 */
export async function checkpoint(ctx: Pick<IssuerContext, 'did' | 'publicUrl' | 'signer' | 'store'>, anchor?: AuditKeys): Promise<AuditCheckpointRecord | undefined> {
  // Never sign a head the log does not reach: checked from the newest checkpoint (the whole log
  // when that is not the current key's), else a rewritten tail would be signed and pass from then on.
  // `anchor`: the keys to check with, when they are not ctx.did's (a rotation signs with the new
  // key what it has just checked from the previous key's newest checkpoint).
  const tail = await verifyAuditSinceCheckpoint(ctx.store, anchor ?? await auditKeysOf(ctx, ctx.did))
  if (!tail.ok) throw agentIdError('ERR_AUDIT_BROKEN', `no checkpoint signed: the audit log is broken at entry ${tail.seq}: ${tail.reason}`)
  return ctx.store.writeCheckpoint(async ({ seq, hash, at }) => {
    const jwt = await ctx.signer.signVc(ctx.did, 'checkpoint', {
      '@context': [CREDENTIALS_CONTEXT_V1],
      type: ['VerifiableCredential', AUDIT_CHECKPOINT_TYPE],
      issuanceDate: new Date(Math.floor(at / 1000) * 1000).toISOString(),
      credentialSubject: { id: `${ctx.publicUrl()}/audit#log`, seq, head: hash, at },
    })
    const claim = checkCheckpointJwt(jwt, ctx.did)
    if (claim.seq !== seq || claim.head !== hash) throw agentIdError('ERR_STORE', 'Veramo returned a checkpoint that does not say what was signed')
    return jwt
  })
}

/**
 * A checkpoint when `everyEntries` entries were added since the last one, or some were and the
 * last one is older than `everyMs`. The service calls it every few seconds.
 */
export async function maybeCheckpoint(ctx: Pick<IssuerContext, 'did' | 'now' | 'publicUrl' | 'signer' | 'store'>, options: { everyEntries: number; everyMs: number }): Promise<AuditCheckpointRecord | undefined> {
  const [last] = await ctx.store.listCheckpoints(1)
  const since = (last?.seq ?? 0) + 1
  // Audit sequence numbers have no gaps: two single-row reads tell "any new" and "enough new".
  if ((await ctx.store.readAudit(since, 1)).length === 0) return undefined
  const enough = (await ctx.store.readAudit(since + options.everyEntries - 1, 1)).length > 0
  if (!enough && last !== undefined && ctx.now() - last.at < options.everyMs) return undefined
  return checkpoint(ctx)
}

/** Marks an alert as seen by a responder (a setting, audited as `alert.acknowledge`). */
export async function acknowledgeAlert(ctx: Pick<IssuerContext, 'now' | 'store'>, id: number, by: Principal, note?: string): Promise<{ by: string; at: string; note?: string }> {
  const alert = await ctx.store.getAlert(id)
  if (!alert) throw agentIdError('ERR_NOT_FOUND', `no alert ${id}`)
  const ack = { by: by.id, at: new Date(ctx.now()).toISOString(), ...(note !== undefined ? { note } : {}) }
  await ctx.store.setSetting(`alert.ack.${id}`, JSON.stringify(ack), { actor: by.id, action: 'alert.acknowledge', target: String(id), details: { kind: alert.kind, ...(note !== undefined ? { note } : {}) } })
  return ack
}

/** The acknowledgement of an alert, if any. */
export async function alertAcknowledgement(ctx: Pick<IssuerContext, 'store'>, id: number): Promise<{ by: string; at: string; note?: string } | undefined> {
  const value = await ctx.store.getSetting(`alert.ack.${id}`)
  return value === undefined ? undefined : JSON.parse(value) as { by: string; at: string; note?: string }
}
