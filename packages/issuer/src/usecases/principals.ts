// Principals (people and services with a bearer token): creation, enabling, token rotation,
// roles, and authentication.
import { agentIdError, parseDidKey, parsePrincipalId } from '@agentid/core'
import { asPrincipal, hasRole, isTokenShaped, newToken, parsePrincipalRoles, type Principal, tokenHash } from '../governance/principal.js'
import type { PrincipalChange, PrincipalRecord, VoidedApproval } from '../store/issuer-store.js'
import { recordRefusal } from './audit.js'
import type { IssuerContext } from './context.js'
import { isoSeconds, requireRole } from './rules.js'

/**
 * Creates a principal and returns its bearer token, once: only its hash is stored. With
 * `ttlSeconds`, the token is refused after that long.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
 */
export async function createPrincipal(ctx: Pick<IssuerContext, 'now' | 'policy' | 'store'>, input: { id: string; roles: readonly string[]; did?: string; ttlSeconds?: number }, by: string | Principal): Promise<{ principal: PrincipalRecord; token: string }> {
  const principal = requireRole(by, 'admin', 'create principals')
  const { policy } = await ctx.policy()
  const token = newToken()
  const id = parsePrincipalId(input.id, 'id')
  // A principal named by a DID is that person; it cannot also claim another DID.
  const did = input.did !== undefined ? parseDidKey(input.did).did : id.startsWith('did:') ? id : undefined
  if (did !== undefined && id.startsWith('did:') && id !== did) throw agentIdError('ERR_INPUT_INVALID', `principal ${id} is a DID and cannot be given another DID`)
  if (did !== undefined) await refuseRetiredPerson(ctx, did)
  const now = ctx.now()
  const record: PrincipalRecord = {
    id,
    roles: parsePrincipalRoles(input.roles, policy.approverRoles),
    tokenSha256: tokenHash(token),
    ...(did !== undefined ? { did } : {}),
    createdAt: now,
    ...(input.ttlSeconds !== undefined ? { expiresAt: now + tokenTtl(input.ttlSeconds) * 1000 } : {}),
  }
  await ctx.store.createPrincipal(record, {
    actor: principal.id, action: 'principal.create', target: record.id,
    details: { roles: record.roles, ...(record.did ? { did: record.did } : {}), ...(record.expiresAt !== undefined ? { expiresAt: isoSeconds(record.expiresAt) } : {}) },
  })
  return { principal: record, token }
}

/**
 * Disables a principal: its token is refused at once, and the approvals it gave to requests not
 * issued yet stop counting (with every later level of those requests). `enable` undoes it.
 * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (already so; the last enabled admin; another principal speaks for the same person), ERR_FORBIDDEN, ERR_STORE
 */
export async function setPrincipalEnabled(ctx: Pick<IssuerContext, 'now' | 'store'>, id: string, enabled: boolean, by: string | Principal): Promise<{ principal: PrincipalRecord; voided: readonly VoidedApproval[] }> {
  const actor = requireRole(by, 'admin', `${enabled ? 'enable' : 'disable'} principals`)
  const current = await ctx.store.getPrincipal(id)
  if (enabled && current?.did !== undefined) await refuseRetiredPerson(ctx, current.did)
  return changePrincipal(ctx, id, actor, enabled ? 'principal.enable' : 'principal.disable', (p) => {
    if ((p.disabledAt === undefined) === enabled) throw agentIdError('ERR_CONFLICT', `principal ${id} is ${enabled ? 'enabled' : 'disabled'} already`)
    return { disabledAt: enabled ? null : ctx.now() }
  })
}

/**
 * Replaces a principal's token: the old one is refused at once. An admin rotates any principal's
 * token (the first admin's included), and every principal its own. The expiry stays as it was;
 * an admin's `ttlSeconds` sets a new one, a principal's own can only bring it closer.
 * @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE
 */
export async function rotatePrincipalToken(ctx: Pick<IssuerContext, 'now' | 'store'>, id: string, by: string | Principal, options: { ttlSeconds?: number } = {}): Promise<{ principal: PrincipalRecord; token: string }> {
  const actor = asPrincipal(by)
  const admin = hasRole(actor, 'admin')
  if (!admin && actor.id !== id) throw agentIdError('ERR_FORBIDDEN', `${actor.id} may rotate only its own token: admin only for others`)
  const token = newToken()
  const asked = options.ttlSeconds !== undefined ? ctx.now() + tokenTtl(options.ttlSeconds) * 1000 : undefined
  const { principal } = await changePrincipal(ctx, id, actor, 'principal.rotate', (current) => {
    // A token's expiry is the admin's to set: rotating keeps it, and a principal rotating its
    // own token can only bring it closer, never lift or push it back.
    if (admin) return { tokenSha256: tokenHash(token), ...(asked !== undefined ? { expiresAt: asked } : {}) }
    const kept = current.expiresAt
    return { tokenSha256: tokenHash(token), ...(asked !== undefined ? { expiresAt: kept === undefined ? asked : Math.min(kept, asked) } : {}) }
  })
  return { principal, token }
}

/**
 * Replaces a principal's roles. Approvals it gave in a role it no longer holds stop counting.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT (the last enabled admin), ERR_FORBIDDEN, ERR_STORE
 */
export async function setPrincipalRoles(ctx: Pick<IssuerContext, 'policy' | 'store'>, id: string, roles: readonly string[], by: string | Principal): Promise<{ principal: PrincipalRecord; voided: readonly VoidedApproval[] }> {
  const actor = requireRole(by, 'admin', 'change roles')
  const parsed = parsePrincipalRoles(roles, (await ctx.policy()).policy.approverRoles)
  return changePrincipal(ctx, id, actor, 'principal.update', () => ({ roles: parsed }))
}

export function changePrincipal(ctx: Pick<IssuerContext, 'store'>, id: string, actor: Principal, action: string, change: (current: PrincipalRecord) => PrincipalChange): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }> {
  return ctx.store.updatePrincipal(id, change, (p, voided) => ({
    actor: actor.id, action, target: id,
    details: {
      roles: p.roles, ...(p.disabledAt !== undefined ? { disabledAt: isoSeconds(p.disabledAt) } : {}), ...(p.expiresAt !== undefined ? { expiresAt: isoSeconds(p.expiresAt) } : {}),
      ...(voided.length > 0 ? { approvalsVoided: voided } : {}),
    },
  }))
}

// A retired person signs in no more: no principal is made or enabled for their DID.
export async function refuseRetiredPerson(ctx: Pick<IssuerContext, 'store'>, did: string): Promise<void> {
  if ((await ctx.store.getAgent(did))?.status === 'retired') throw agentIdError('ERR_CONFLICT', `${did} is retired: no principal may speak for them`)
}

/**
 * The enabled, unexpired principal a bearer token belongs to, or `undefined`. A token of a
 * disabled or expired principal is refused like an unknown one, and the attempt is recorded
 * with that principal's id.
 */
export async function authenticate(ctx: Pick<IssuerContext, 'now' | 'staleTokenSeen' | 'store'>, token: string): Promise<Principal | undefined> {
  if (!isTokenShaped(token)) return undefined
  const record = await ctx.store.principalByToken(tokenHash(token))
  if (!record) {
    const stale = await ctx.store.principalByTokenAnyState(tokenHash(token))
    // Once a minute per principal at most: a leaked old token must not let anyone fill the log.
    const now = ctx.now()
    if (stale && now - (ctx.staleTokenSeen.get(stale.id) ?? -Infinity) >= 60_000) {
      ctx.staleTokenSeen.set(stale.id, now)
      await recordRefusal(ctx, { id: stale.id, roles: stale.roles }, 'authenticate', stale.id, { code: 'ERR_UNAUTHORIZED', message: stale.disabledAt !== undefined ? 'a disabled principal\'s token' : 'an expired token' })
    }
    return undefined
  }
  return { id: record.id, roles: record.roles, ...(record.did ? { did: record.did } : {}), ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}) }
}

// A principal's token lives from a minute to a year.
export function tokenTtl(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > 366 * 86400) throw agentIdError('ERR_INPUT_INVALID', 'a token ttl must be from 1m to 366d')
  return seconds
}
