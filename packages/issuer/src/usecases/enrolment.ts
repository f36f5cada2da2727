// An agent's life at the issuer: enrolment (with its role's credential or request), retirement
// with its cascades, and a new owner.
import { agentIdError, entitlementToJson, parseAgentKind, parseAgentName, parseDidKey, parseOwner, parseSegment } from '@agentid/core'
import { assessEntitlements } from '../governance/policy.js'
import { asPrincipal, hasRole, type Principal } from '../governance/principal.js'
import type { AccessRequestRecord, AgentRecord, Holding, Issuance, PendingRequest, RetirementStep, VoidedApproval } from '../store/issuer-store.js'
import { newRequest, requestAudit } from './access-requests.js'
import type { IssuerContext } from './context.js'
import { type IssuingContext, prepareIssuance } from './issuance.js'
import { checkTtl, dutyGuard, requireRole } from './rules.js'
import { type GrantInput, type IssuedCredential, MAX_GRANT_TTL, type RegisterAgentInput } from './types.js'

/**
 * Enrols an agent by its did:key. With a role, issues the role's entitlements in the same
 * transaction: the agent is enrolled with its credential, or not at all.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_DID_*, ERR_NOT_FOUND (role), ERR_CONFLICT, ERR_STORE
 */
export async function registerAgent(ctx: IssuingContext & Pick<IssuerContext, 'events' | 'policy' | 'store'>, input: RegisterAgentInput, by: string | Principal): Promise<{ agent: AgentRecord; credentials: IssuedCredential[]; request?: AccessRequestRecord }> {
  const principal = asPrincipal(by)
  if (!hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not enrol agents: admin only`)
  const agent: AgentRecord = {
    did: parseDidKey(input.did).did,
    name: parseAgentName(input.name),
    kind: parseAgentKind(input.kind),
    owner: parseOwner(input.owner),
    ...(input.segment !== undefined ? { segment: parseSegment(input.segment) } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
    status: 'active',
    createdAt: ctx.now(),
  }
  // An employee's assistant acts for one person: its owner is that person's DID, the only key
  // that can delegate the employee's rights to it (the store checks the rest in its transaction).
  if (agent.kind === 'employee' && !agent.owner.startsWith('did:')) throw agentIdError('ERR_INPUT_INVALID', "an employee agent's --owner must be the employee's did:key")
  const role = input.role === undefined ? undefined : await ctx.store.getRole(input.role)
  if (input.role !== undefined && role === undefined) throw agentIdError('ERR_NOT_FOUND', `no role template "${input.role}"`)
  // A role template is onboarding an admin wrote (audited): issued at once when the policy in
  // force needs no approval for it, else enrolled with a request that walks its chain. Its TTL
  // and separation of duties are checked against the policy in force, not the one it was saved under.
  let initial: Issuance | PendingRequest | undefined
  let pending: AccessRequestRecord | undefined
  if (role) {
    const { policy, version } = await ctx.policy()
    const assessment = assessEntitlements(policy, role.entitlements)
    const input: GrantInput = { subject: agent.did, entitlements: role.entitlements.map(entitlementToJson), ttlSeconds: role.ttlSeconds, task: { id: `role:${role.name}` } }
    checkTtl(role.ttlSeconds, Math.min(assessment.maxTtlSeconds, MAX_GRANT_TTL), false)
    if (assessment.chain.length === 0) {
      initial = prepareIssuance(ctx, agent, input, principal.id, { policy, assessment, requestedBy: principal.id })
    } else {
      // Refused now, against what the new agent's party holds, rather than after the approvers' work.
      dutyGuard(policy, role.entitlements)?.(await ctx.store.dutyGroupHoldings(agent))
      pending = newRequest(ctx, agent, input, role.entitlements, principal, { policy, version, assessment })
      initial = { request: pending, audit: requestAudit(pending) }
    }
  }
  const { did: _did, ...details } = agent
  const issued = await ctx.events.timed(ctx.store.registerAgent(agent, { actor: principal.id, action: 'agent.register', target: agent.did, details }, initial), (r) => r !== undefined)
  return { agent, credentials: issued ? [{ id: issued.record.id, jwt: issued.jwt, record: issued.record }] : [], ...(pending ? { request: pending } : {}) }
}

/**
 * Deprovisions, in one transaction: retires the agent (if `did` is one) and every agent `did`
 * owns, of any kind (suspended pending a new owner instead when the policy's `onOwnerRetired`
 * says so), revokes every credential of the retired (and so every delegation below them),
 * closes the requests pending for or filed by any of them, and disables the principals of that
 * DID, voiding their approvals. Each step is audited.
 * @throws AgentIdError ERR_DID_*, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
 */
export async function retireAgent(ctx: Pick<IssuerContext, 'events' | 'policy' | 'store'>, did: string, by: string | Principal): Promise<RetirementStep[]> {
  const principal = asPrincipal(by)
  if (!hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not retire agents: admin only`)
  const target = parseDidKey(did).did
  const { policy } = await ctx.policy()
  return ctx.events.changesStatus(ctx.store.retireAgent(target, (step) => ({
    actor: principal.id, action: 'agent.retire', target: step.agent,
    details: {
      outcome: step.outcome, revoked: step.revoked.map((r) => r.id), ...(step.cascadeFrom ? { cascadeFrom: step.cascadeFrom } : {}),
      ...(step.principalsDisabled.length > 0 ? { principalsDisabled: step.principalsDisabled } : {}), ...(step.requestsClosed.length > 0 ? { requestsClosed: step.requestsClosed } : {}),
      ...(step.approvalsVoided.length > 0 ? { approvalsVoided: step.approvalsVoided } : {}),
    },
  }), { ownedAgents: policy.onOwnerRetired }))
}

/**
 * Gives an agent a new owner (a person's DID, or a team); an agent its owner's retirement
 * suspended waits for one, then is resumed (`setSuspended`). Audited with both owners.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
 */
export async function transferAgent(ctx: Pick<IssuerContext, 'policy' | 'store'>, did: string, owner: string, by: string | Principal): Promise<{ agent: AgentRecord; voided: readonly VoidedApproval[] }> {
  const principal = requireRole(by, 'admin', 'give agents a new owner')
  const target = parseDidKey(did).did
  const newOwner = parseOwner(owner)
  const { policy } = await ctx.policy()
  // What moves must not give the party it joins both sides of a duty (checked in the transaction).
  const guard = (moving: readonly Holding[], joining: readonly Holding[]) => {
    for (const held of moving) dutyGuard(policy, held.entitlements)?.(joining)
  }
  return ctx.store.transferAgent(target, newOwner, (previous, voided) => ({
    actor: principal.id, action: 'agent.transfer', target, details: { from: previous.owner, to: newOwner, ...(voided.length > 0 ? { approvalsVoided: voided } : {}) },
  }), guard)
}
