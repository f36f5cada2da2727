// The issuer key and the key-encryption key: rotations and the statements that announce them.
import { rename, rm } from 'node:fs/promises'
import { agentIdError, CREDENTIALS_CONTEXT_V1, parseDidKey } from '@agentid/core'
import { ISSUER_ROTATION_TYPE } from '@agentid/verifier'
import { verifyAuditSinceCheckpoint } from '../audit/checkpoints.js'
import type { Principal } from '../governance/principal.js'
import { kekFromEnv, writeSecretFile } from '../home.js'
import { generateKek } from '../keys/key-encryption.js'
import { checkpoint } from './audit.js'
import { auditKeysOf, rotations } from './rotations.js'
import type { IssuerContext } from './context.js'
import { requireRole } from './rules.js'

/**
 * Rotates the issuer key: a new issuer did:key signs everything issued from now on, announced by
 * a rotation statement the previous key signs (a VC-JWT `IssuerRotationCredential` whose
 * subject is the new DID). The previous key keeps signing the status lists of the credentials it
 * issued; new lists begin for the new DID. Verifiers that trust the previous DID accept the new
 * one once given the statement (`issuerRotations`). Stop the service first, then restart it.
 * @throws AgentIdError ERR_FORBIDDEN, ERR_AUDIT_BROKEN (the log does not hold: nothing changed), ERR_STORE
 */
export async function rotateIssuerKey(ctx: Pick<IssuerContext, 'did' | 'now' | 'publicUrl' | 'signer' | 'store'>, by: string | Principal): Promise<{ previous: string; did: string; statement: string }> {
  const principal = requireRole(by, 'admin', 'rotate the issuer key')
  // A new key must not vouch for a log that does not hold: checked before anything changes.
  const previousKeys = await auditKeysOf(ctx, ctx.did)
  const log = await verifyAuditSinceCheckpoint(ctx.store, previousKeys)
  if (!log.ok) throw agentIdError('ERR_AUDIT_BROKEN', `the issuer key was not rotated: the audit log is broken at entry ${log.seq}: ${log.reason}`)
  const lists = await ctx.store.currentStatusLists()
  const generation = (await rotations(ctx)).length + 2
  const identifier = await (await ctx.signer.veramo()).didManagerCreate({ provider: 'did:key', alias: `issuer-${generation}`, options: { keyType: 'Ed25519' } })
  const did = parseDidKey(identifier.did).did
  const now = Math.floor(ctx.now() / 1000)
  const statement = await ctx.signer.signVc(ctx.did, 'rotation statement', {
    '@context': [CREDENTIALS_CONTEXT_V1],
    type: ['VerifiableCredential', ISSUER_ROTATION_TYPE],
    issuanceDate: new Date(now * 1000).toISOString(),
    credentialSubject: { id: did, predecessor: ctx.did },
  })
  const created = ctx.now()
  await ctx.store.rotateIssuer({
    previous: ctx.did, did, statement,
    lists: lists.map((l) => ({ id: `${l.purpose === 'revocation' ? 'rev' : 'sus'}-${generation}`, purpose: l.purpose, size: l.size, createdAt: created })),
  }, { actor: principal.id, action: 'issuer.rotate', target: did, details: { previous: ctx.did } })
  // The new key signs the log's head at once, so that a restart anchors its readiness on a
  // checkpoint of its own key rather than verifying the whole log (an earlier key's checkpoint is
  // held to, never an anchor). Checked first from the previous key's newest checkpoint, as above:
  // by the new key alone that would be the whole log again.
  await checkpoint({ ...ctx, did }, previousKeys)
  return { previous: ctx.did, did, statement }
}

export { rotations } from './rotations.js'

/**
 * Rotates the key-encryption key: every sealed private key and webhook secret is re-encrypted
 * with a new key in one transaction. With a `kek` file, the new key is written beside it first
 * (`kek.next`, 0600) and replaces it after the commit (a crash in between is finished at the
 * next open). With `AGENTID_KEK`, the new key is returned: set it before the next start.
 * @throws AgentIdError ERR_FORBIDDEN, ERR_STORE
 */
export async function rotateKek(ctx: Pick<IssuerContext, 'did' | 'home' | 'store'>, by: string | Principal, env: NodeJS.ProcessEnv = process.env): Promise<{ reencrypted: number; newKek?: string; kekFile?: string }> {
  const principal = requireRole(by, 'admin', 'rotate the key-encryption key')
  const next = generateKek()
  const fromEnv = kekFromEnv(env)
  const nextFile = `${ctx.home.kekFile}.next`
  if (!fromEnv) {
    await rm(nextFile, { force: true })
    await writeSecretFile(nextFile, `${next.toString('base64url')}\n`)
  }
  const reencrypted = await ctx.store.rotateKek(next, (count) => ({ actor: principal.id, action: 'kek.rotate', target: ctx.did, details: { reencrypted: count, source: fromEnv ? 'AGENTID_KEK' : 'file' } }))
  if (fromEnv) return { reencrypted, newKek: next.toString('base64url') }
  await rename(nextFile, ctx.home.kekFile)
  return { reencrypted, kekFile: ctx.home.kekFile }
}
