import { agentIdError } from '@agentid/core'
import type { AccessRequestRecord, AgentRecord } from '../store/issuer-store.js'
import { hasRole, owns, type Principal } from './principal.js'

/** A decision a principal may record: at which level, under which role. */
export interface AllowedDecision {
  readonly level: number
  readonly role: string
  /** True when this approval completes the chain. */
  readonly completes: boolean
}

/**
 * The rules of an approval chain, checked against the request as it is inside the transaction:
 * the request is pending and not expired; the requester never decides their own request; a
 * principal decides a request at most once; levels are approved in order, each by a principal
 * holding that level's role (and naming it, when a role is given); the agent's owner is never
 * the only approver. Any principal holding the current level's role may deny.
 * @throws AgentIdError ERR_CONFLICT (not pending, expired, decided already), ERR_FORBIDDEN
 */
export function checkDecision(
  request: AccessRequestRecord,
  agent: AgentRecord,
  principal: Principal,
  decision: 'approve' | 'deny',
  nowMs: number,
  role?: string,
): AllowedDecision {
  if (request.status !== 'pending') throw agentIdError('ERR_CONFLICT', `request ${request.id} is ${request.status}`)
  if (nowMs >= request.expiresAt) throw agentIdError('ERR_CONFLICT', `request ${request.id} expired at ${new Date(request.expiresAt).toISOString()}`)
  if (principal.id === request.requester) throw agentIdError('ERR_FORBIDDEN', `${principal.id} requested ${request.id} and cannot decide it`)
  if (request.approvals.some((a) => a.principal === principal.id)) throw agentIdError('ERR_CONFLICT', `${principal.id} has already decided request ${request.id}`)
  const level = request.approvals.length
  const expected = request.chain[level]
  if (expected === undefined) throw agentIdError('ERR_CONFLICT', `request ${request.id} has no level left to decide`)
  // Someone holding several roles of the chain says which one they act in, so that an approval
  // meant for one level is never counted at another that another approver reached first.
  if (role === undefined && request.chain.filter((r) => hasRole(principal, r)).length > 1) {
    throw agentIdError('ERR_INPUT_INVALID', `${principal.id} holds several roles of this chain (${request.chain.filter((r) => hasRole(principal, r)).join(', ')}): name the one you act in (role)`)
  }
  if (role !== undefined && role !== expected) {
    throw agentIdError('ERR_FORBIDDEN', `request ${request.id} is at level ${level + 1} of ${request.chain.length}, which needs ${expected}, not ${role}`)
  }
  if (!hasRole(principal, expected)) throw agentIdError('ERR_FORBIDDEN', `level ${level + 1} of request ${request.id} needs the ${expected} role, which ${principal.id} does not hold`)
  const completes = level + 1 === request.chain.length
  if (decision === 'approve' && owns(principal, agent) && request.chain.length === 1) {
    throw agentIdError('ERR_FORBIDDEN', `${principal.id} owns ${agent.did} and cannot be the only approver of its access`)
  }
  return { level, role: expected, completes }
}
