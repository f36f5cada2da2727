// The policy in force and role templates: reading, replacing and checking them.
import { createHash } from 'node:crypto'
import { agentIdError, entitlementToJson, parseEntitlements } from '@agentid/core'
import { assessEntitlements, DEFAULT_POLICY, parsePolicy, policyToJson } from '../governance/policy.js'
import type { Principal } from '../governance/principal.js'
import type { IssuerStore, RoleTemplate } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'
import { checkTtl, dutyGuard, requireRole } from './rules.js'
import { MAX_GRANT_TTL, type PolicyInForce, type RoleInput } from './types.js'

/** Reads the policy in force, parsed once per stored version. */
export class PolicyReader {
  #cache: PolicyInForce | undefined

  constructor(readonly store: IssuerStore) {}

  /** The policy in force: the newest stored version, else the built-in default (version 0). */
  async current(): Promise<PolicyInForce> {
    const stored = await this.store.currentPolicy()
    if (!stored) return { version: 0, policy: DEFAULT_POLICY }
    if (this.#cache?.version !== stored.version) this.#cache = { version: stored.version, policy: parsePolicy(stored.document) }
    return this.#cache
  }
}

/**
 * Replaces the policy with a new version (audited with the whole document).
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
 */
export async function setPolicy(ctx: Pick<IssuerContext, 'store'>, document: unknown, by: string | Principal): Promise<PolicyInForce> {
  const principal = requireRole(by, 'admin', 'change the policy')
  const policy = parsePolicy(document)
  const json = policyToJson(policy)
  const text = JSON.stringify(json)
  const stored = await ctx.store.putPolicy(text, principal.id, (version) => ({
    actor: principal.id, action: 'policy.update', target: `policy:${version}`, details: { version, sha256: createHash('sha256').update(text).digest('hex'), document: json },
  }))
  return { version: stored.version, policy }
}

/**
 * Creates or replaces a role template. Its entitlements must fit the policy's TTL and must not
 * hold both sides of a duty conflict.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_SOD_CONFLICT, ERR_FORBIDDEN, ERR_STORE
 */
export async function putRole(ctx: Pick<IssuerContext, 'policy' | 'store'>, input: RoleInput, by: string | Principal): Promise<RoleTemplate> {
  const principal = requireRole(by, 'admin', 'manage role templates')
  if (typeof input.description !== 'string' || input.description.length > 256 || /[\u0000-\u001f\u007f]/.test(input.description)) {
    throw agentIdError('ERR_INPUT_INVALID', '"description" must be at most 256 printable characters')
  }
  const role: RoleTemplate = { name: parseRoleTemplateName(input.name), description: input.description, entitlements: parseEntitlements(input.entitlements, 'entitlements'), ttlSeconds: input.ttlSeconds }
  const { policy } = await ctx.policy()
  checkTtl(role.ttlSeconds, Math.min(assessEntitlements(policy, role.entitlements).maxTtlSeconds, MAX_GRANT_TTL), false)
  dutyGuard(policy, role.entitlements)?.([]) // a template that holds both sides alone
  await ctx.store.putRole(role, (previous) => ({
    actor: principal.id, action: previous ? 'role.update' : 'role.create', target: `role:${role.name}`,
    details: { description: role.description, entitlements: role.entitlements.map(entitlementToJson), ttlSeconds: role.ttlSeconds },
  }))
  return role
}

/** @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE */
export async function deleteRole(ctx: Pick<IssuerContext, 'store'>, name: string, by: string | Principal): Promise<void> {
  const principal = requireRole(by, 'admin', 'manage role templates')
  await ctx.store.deleteRole(parseRoleTemplateName(name), (role) => ({ actor: principal.id, action: 'role.delete', target: `role:${role.name}`, details: {} }))
}

export const ROLE_TEMPLATE = /^[a-z][a-z0-9-]{0,63}$/

export function parseRoleTemplateName(value: unknown): string {
  if (typeof value !== 'string' || !ROLE_TEMPLATE.test(value)) throw agentIdError('ERR_INPUT_INVALID', '"name" must be 1-64 lower-case letters, digits and -, starting with a letter')
  return value
}
