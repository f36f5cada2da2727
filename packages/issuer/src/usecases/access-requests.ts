// Grants and access requests: who may ask for which agent, what the policy in force says, and
// issuing at once or opening a request that walks the approval chain.
import { randomUUID } from 'node:crypto'
import { type AgentIdError, agentIdError, type Entitlement, entitlementToJson, isAgentIdError, parseDidKey, parseEntitlements, parseTaskRef } from '@agentid/core'
import type { Assessment, Policy } from '../governance/policy.js'
import { AGENT_ROLE, asPrincipal, assertMayActOn, hasRole, type Principal } from '../governance/principal.js'
import { checkRenewWindow } from '../governance/renewal.js'
import type { AccessRequestRecord, AgentRecord, AuditInput } from '../store/issuer-store.js'
import { recordRefusal } from './audit.js'
import type { IssuerContext } from './context.js'
import { issueNow, type IssuingContext } from './issuance.js'
import { checkTtl, dutyGuard, judgeEntitlements } from './rules.js'
import { type AccessOutcome, type GrantInput, type IssuedCredential, MAX_GRANT_TTL } from './types.js'

/**
 * Issues an entitlement credential now, when the policy needs no approval for it. Returned only
 * once its row, status index and audit entry are committed together.
 * @throws AgentIdError ERR_APPROVAL_REQUIRED (nothing is opened: use requestAccess),
 *   ERR_SOD_CONFLICT, ERR_NOT_FOUND (agent), ERR_CONFLICT (not active), ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
 */
export async function grant(ctx: IssuingContext & Pick<IssuerContext, 'events' | 'policy' | 'store'>, input: GrantInput, by: string | Principal): Promise<IssuedCredential> {
  const { agent, policy, assessment, principal } = await judge(ctx, input, by)
  if (assessment.chain.length > 0) {
    throw agentIdError('ERR_APPROVAL_REQUIRED', `policy rates this grant ${assessment.risk} and requires approval by ${assessment.chain.join(' then ')}; open an access request`)
  }
  return issueNow(ctx, agent, input, principal, { policy, assessment })
}

/**
 * Asks for entitlements: issued at once when the policy needs no approval, else opened as an
 * access request that walks the policy's approval chain for its risk level.
 * @throws AgentIdError ERR_SOD_CONFLICT, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
 */
export async function requestAccess(ctx: IssuingContext & Pick<IssuerContext, 'events' | 'policy' | 'store'>, input: GrantInput, by: string | Principal): Promise<AccessOutcome> {
  const { agent, policy, version, assessment, principal, entitlements } = await judge(ctx, input, by)
  if (assessment.chain.length === 0) return { credential: await issueNow(ctx, agent, input, principal, { policy, assessment }) }
  // Refused now rather than after the approvers' work; checked again when issued.
  const guard = dutyGuard(policy, entitlements)
  if (guard) guard(await ctx.store.dutyGroupHoldings(agent))
  const request = newRequest(ctx, agent, input, entitlements, principal, { policy, version, assessment })
  await ctx.store.createRequest(request, requestAudit(request))
  return { request }
}

export function newRequest(ctx: Pick<IssuerContext, 'now'>, agent: AgentRecord, input: GrantInput, entitlements: readonly Entitlement[], principal: Principal, judged: { policy: Policy; version: number; assessment: Assessment }): AccessRequestRecord {
  const now = ctx.now()
  return {
    id: `req-${randomUUID()}`,
    subject: agent.did,
    requester: principal.id,
    entitlements,
    ttlSeconds: input.ttlSeconds,
    ...(input.task ? { task: input.task } : {}),
    jit: input.jit === true,
    risk: judged.assessment.risk,
    chain: judged.assessment.chain,
    policyVersion: judged.version,
    ...(input.justification !== undefined ? { justification: input.justification } : {}),
    ...(input.renewableForSeconds !== undefined ? { renewableSeconds: input.renewableForSeconds } : {}),
    status: 'pending',
    createdAt: now,
    expiresAt: now + judged.policy.requestTtlSeconds * 1000,
    approvals: [],
  }
}

export function requestAudit(r: AccessRequestRecord): AuditInput {
  return {
    actor: r.requester, action: 'request.open', target: r.id,
    details: {
      subject: r.subject, entitlements: r.entitlements.map(entitlementToJson), ttlSeconds: r.ttlSeconds, risk: r.risk, chain: r.chain, jit: r.jit, policyVersion: r.policyVersion,
      ...(r.task ? { task: r.task.id } : {}), ...(r.justification ? { justification: r.justification } : {}),
      ...(r.renewableSeconds !== undefined ? { renewableSeconds: r.renewableSeconds } : {}),
    },
  }
}

// The checks common to a grant and a request: who asks, for which agent, what the policy says.
export async function judge(ctx: Pick<IssuerContext, 'policy' | 'store'>, input: GrantInput, by: string | Principal) {
  const principal = asPrincipal(by)
  const agent = await ctx.store.getAgent(parseDidKey(input.subject).did)
  if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${input.subject} is not enrolled`)
  try {
    assertMayActOn(principal, agent, 'ask for access')
  } catch (error) {
    // The same answer as for an agent that is not enrolled, but the attempt is on record.
    await recordRefusal(ctx, principal, 'request.open', agent.did, error as AgentIdError)
    throw error
  }
  if (agent.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is ${agent.status}`)
  if (agent.suspendedAt !== undefined) throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is suspended; resume it first`)
  const entitlements = parseEntitlements(input.entitlements, 'entitlements')
  const { policy, version } = await ctx.policy()
  const assessment = judgeEntitlements(policy, entitlements, { ...(input.risk !== undefined ? { riskFloor: input.risk } : {}), byAgent: hasRole(principal, AGENT_ROLE) })
  const maxTtl = Math.min(assessment.maxTtlSeconds, input.jit ? policy.jitMaxTtlSeconds : MAX_GRANT_TTL)
  checkTtl(input.ttlSeconds, maxTtl, input.jit === true)
  if (input.renewableForSeconds !== undefined) checkRenewWindow(input.renewableForSeconds, input.ttlSeconds, maxTtl)
  if (input.task !== undefined) parseTaskRef(input.task, 'task')
  if (input.jit && !input.task) throw agentIdError('ERR_INPUT_INVALID', 'a just-in-time grant is for one task: give its id')
  if (input.justification !== undefined && (typeof input.justification !== 'string' || input.justification.length > 512)) throw agentIdError('ERR_INPUT_INVALID', '"justification" must be at most 512 characters')
  return { agent, policy, version, assessment, principal, entitlements }
}

/**
 * What separation of duties would say of approving this request now (the console flags it
 * before anyone decides): the refusal's message, or undefined when no rule is touched.
 */
export async function dutyConflict(ctx: Pick<IssuerContext, 'policy' | 'store'>, request: AccessRequestRecord): Promise<string | undefined> {
  const guard = dutyGuard((await ctx.policy()).policy, request.entitlements)
  if (!guard) return undefined
  try {
    guard(await ctx.store.dutyGroupHoldings(request.subject))
    return undefined
  } catch (error) {
    if (isAgentIdError(error) && error.code === 'ERR_SOD_CONFLICT') return error.message
    throw error
  }
}
