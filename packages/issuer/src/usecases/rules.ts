// Rules shared by the use cases: roles required, separation of duties, TTL limits, the policy's
// judgement of entitlements.
import { agentIdError, conflictsTouched, type Entitlement, findDutyConflict, type RiskLevel } from '@agentid/core'
import { assessEntitlements, type Assessment, maxRisk, type Policy } from '../governance/policy.js'
import { asPrincipal, hasRole, type Principal } from '../governance/principal.js'
import type { Holding } from '../store/issuer-store.js'

export function requireRole(by: string | Principal, role: string, what: string): Principal {
  const principal = asPrincipal(by)
  if (!hasRole(principal, role)) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not ${what}: ${role} only`)
  return principal
}

// Separation of duties for a grant of `entitlements`: a check of what the duty group holds, for
// the rules the grant touches, or undefined when it touches none (most grants: no look needed).
export function dutyGuard(policy: Policy, entitlements: readonly Entitlement[]): ((held: readonly Holding[]) => void) | undefined {
  const conflicts = conflictsTouched(policy.conflicts, entitlements)
  if (conflicts.length === 0) return undefined
  return (held) => {
    const conflict = findDutyConflict(conflicts, entitlements, held)
    if (conflict === undefined) return
    throw agentIdError('ERR_SOD_CONFLICT', conflict.holder === undefined
      ? `separation of duties: this grant would hold both sides of rule "${conflict.rule}"`
      : `separation of duties: rule "${conflict.rule}" forbids this grant beside ${conflict.holder.via} ${conflict.holder.id}, held by ${conflict.holder.subject} of the same party`)
  }
}

// `tooLong` is ERR_INPUT_INVALID for what a caller asks now, ERR_CONFLICT for a request whose TTL
// the policy in force no longer allows.
export function checkTtl(ttlSeconds: number, max: number, jit: boolean, tooLong: 'ERR_INPUT_INVALID' | 'ERR_CONFLICT' = 'ERR_INPUT_INVALID'): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw agentIdError('ERR_INPUT_INVALID', 'ttl must be a whole number of seconds, at least 1')
  if (ttlSeconds > max) throw agentIdError(tooLong, `ttl ${ttlSeconds}s is longer than the ${jit ? 'just-in-time ' : ''}limit of ${max}s the policy in force sets for this grant`)
}

// The policy's judgement of entitlements, with a floor for the risk (the caller's, or the one a
// pending request was opened at), and for an agent asking for itself at least the medium chain (or
// the first approver role when that one is empty): an agent never gets access without a person.
export function judgeEntitlements(policy: Policy, entitlements: readonly Entitlement[], options: { riskFloor?: RiskLevel; byAgent: boolean }): Assessment {
  const assessed = assessEntitlements(policy, entitlements)
  const risk = options.riskFloor !== undefined ? maxRisk(assessed.risk, options.riskFloor) : assessed.risk
  let chain = risk === assessed.risk ? assessed.chain : policy.approvalChains[risk]
  if (options.byAgent && chain.length === 0) {
    const floor = policy.approvalChains[maxRisk(risk, 'medium')]
    chain = floor.length > 0 ? floor : policy.approverRoles.slice(0, 1)
    if (chain.length === 0) throw agentIdError('ERR_FORBIDDEN', 'an agent may not ask for itself: the policy names no approver roles')
  }
  return { risk, chain, maxTtlSeconds: assessed.maxTtlSeconds }
}

export function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((role, i) => of[i] === role)
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}
