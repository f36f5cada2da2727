// Deciding an access request: the request judged again by the policy in force, the decider
// checked against it inside the store transaction, and the last approval issuing the credential.
import { agentIdError, type ApprovalEvidence, entitlementToJson } from '@agentid/core'
import { checkDecision } from '../governance/approval-chain.js'
import { assertNotOwnDecision } from '../governance/party.js'
import type { Assessment } from '../governance/policy.js'
import { asPrincipal, type Principal } from '../governance/principal.js'
import { checkRenewWindow } from '../governance/renewal.js'
import type { AccessRequestRecord, AuditInput } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'
import { type IssuingContext, prepareIssuance } from './issuance.js'
import { checkTtl, dutyGuard, isoSeconds, isPrefix, judgeEntitlements } from './rules.js'
import { type IssuedCredential, MAX_GRANT_TTL } from './types.js'

/**
 * Records an approval or a denial on an access request. The request is judged again by the
 * policy in force (risk, chain, TTL, duties): a tightened policy is never walked around by a
 * request opened under an older one. The last approval of the chain issues the credential
 * (carrying every approval as evidence) in the same transaction.
 * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (decided, expired, already decided by this principal, no longer
 *   within the policy in force), ERR_FORBIDDEN (own party's request, wrong role, out of order), ERR_SOD_CONFLICT, ERR_STORE
 */
export async function decide(ctx: IssuingContext & Pick<IssuerContext, 'events' | 'policy' | 'store'>, requestId: string, decision: 'approve' | 'deny', by: string | Principal, options: { role?: string; reason?: string } = {}): Promise<{ request: AccessRequestRecord; credential?: IssuedCredential }> {
  const principal = asPrincipal(by)
  if (options.reason !== undefined && (typeof options.reason !== 'string' || options.reason.length > 512)) throw agentIdError('ERR_INPUT_INVALID', '"reason" must be at most 512 characters')
  const { policy, version } = await ctx.policy()
  const pending = await ctx.store.getRequest(requestId)
  if (!pending) throw agentIdError('ERR_NOT_FOUND', `no access request ${requestId}`)
  const agent = await ctx.store.getAgent(pending.subject)
  if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${pending.subject} is not enrolled`)
  const judged = judgeEntitlements(policy, pending.entitlements, { riskFloor: pending.risk, byAgent: pending.requester === pending.subject })
  const guard = decision === 'approve' ? dutyGuard(policy, pending.entitlements) : undefined
  // Refused at every approval, not only the last, against what the party holds now.
  guard?.(await ctx.store.dutyGroupHoldings(agent.did))
  const result = await ctx.events.timed(ctx.store.decideRequest(requestId, (stored, facts) => {
    const now = ctx.now()
    // The principal as it is now, inside the transaction: disabled, expired or stripped of a
    // role since it was authenticated, it decides nothing.
    const current = facts.principal(principal.id)
    if (current && (current.disabledAt !== undefined || (current.expiresAt !== undefined && current.expiresAt <= now))) {
      throw agentIdError('ERR_UNAUTHORIZED', `${principal.id} is disabled or its token expired`)
    }
    const acting: Principal = current ? { ...principal, roles: current.roles } : principal
    // Who asked and for whom never decide it, whichever principal or agent of their party they
    // act through; ownership is read here, in the transaction, as it is now.
    assertNotOwnDecision(acting, [stored.requester, stored.subject], facts.sameParty, `decide request ${stored.id}`)
    // The chain the policy in force asks for; one that only shortened the stored chain keeps it.
    const chain = isPrefix(judged.chain, stored.chain) ? stored.chain : judged.chain
    const request: AccessRequestRecord = { ...stored, chain, risk: judged.risk }
    if (!stored.approvals.every((a, i) => a.role === chain[i])) {
      throw agentIdError('ERR_CONFLICT', `policy version ${version} asks request ${stored.id} for ${chain.join(' then ')}; the approvals given under the earlier chain no longer fit: deny it and file it again`)
    }
    if (decision === 'approve') {
      const maxTtl = Math.min(judged.maxTtlSeconds, stored.jit ? policy.jitMaxTtlSeconds : MAX_GRANT_TTL)
      checkTtl(stored.ttlSeconds, maxTtl, stored.jit, 'ERR_CONFLICT')
      if (stored.renewableSeconds !== undefined) checkRenewWindow(stored.renewableSeconds, stored.ttlSeconds, maxTtl, 'ERR_CONFLICT')
    }
    const allowed = checkDecision(request, agent, acting, decision, now, options.role)
    const approval = { level: allowed.level, principal: principal.id, role: allowed.role, decision, at: now, ...(options.reason !== undefined ? { reason: options.reason } : {}) }
    const changed = stored.policyVersion !== version || stored.risk !== request.risk || stored.chain.join() !== chain.join()
    const rejudged = changed ? { risk: request.risk, chain, policyVersion: version } : undefined
    const audit: AuditInput = {
      actor: principal.id, action: decision === 'approve' ? 'request.approve' : 'request.deny', target: request.id,
      details: {
        level: allowed.level + 1, of: chain.length, role: allowed.role, ...(options.reason !== undefined ? { reason: options.reason } : {}),
        ...(rejudged ? { rejudged: { policyVersion: version, risk: request.risk, chain, was: { policyVersion: stored.policyVersion, risk: stored.risk, chain: stored.chain } } } : {}),
      },
    }
    if (decision === 'deny' || !allowed.completes) return { approval, audit, ...(rejudged ? { rejudged } : {}) }
    // An earlier approval by someone who has since become of the subject's party (an agent
    // moved to them) does not count towards issuing.
    const tainted = stored.approvals.find((a) => facts.sameParty(a.principal, stored.subject) || facts.sameParty(a.principal, stored.requester))
    if (tainted) throw agentIdError('ERR_CONFLICT', `the approval of ${tainted.principal} at level ${tainted.level + 1} no longer counts: they are of the subject's party now; deny the request and file it again`)
    const approvals: ApprovalEvidence[] = [...request.approvals, approval].map((a) => ({ role: a.role, approver: a.principal, at: isoSeconds(a.at) }))
    const assessment: Assessment = { risk: request.risk, chain, maxTtlSeconds: request.ttlSeconds }
    const issuance = prepareIssuance(ctx, agent, {
      subject: request.subject, entitlements: request.entitlements.map(entitlementToJson), ttlSeconds: request.ttlSeconds,
      ...(request.task ? { task: request.task } : {}), jit: request.jit,
      ...(request.renewableSeconds !== undefined ? { renewableForSeconds: request.renewableSeconds } : {}),
    }, principal.id, { policy, assessment, approvals, requestId: request.id, requestedBy: request.requester })
    return { approval, audit, issuance, ...(rejudged ? { rejudged } : {}) }
  }), (r) => r.issued !== undefined)
  return { request: result.request, ...(result.issued ? { credential: { id: result.issued.record.id, jwt: result.issued.jwt, record: result.issued.record } } : {}) }
}
