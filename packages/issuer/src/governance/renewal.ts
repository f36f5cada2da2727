import { agentIdError, type AgentIdError, type ApprovalEvidence, type ErrorCode } from '@agentid/core'
import type { AgentRecord, CredentialRecord } from '../store/issuer-store.js'

/**
 * The window a grant may be renewed in (docs/issuance.md), asked for beside its ttl: at least the
 * ttl, and within the same policy limit as the ttl, since it is the period the grant really lasts.
 */
export function checkRenewWindow(windowSeconds: number, ttlSeconds: number, max: number, tooLong: ErrorCode = 'ERR_INPUT_INVALID'): void {
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < ttlSeconds) throw agentIdError('ERR_INPUT_INVALID', `the renewal window must be whole seconds, at least the ttl (${ttlSeconds}s)`)
  if (windowSeconds > max) throw agentIdError(tooLong, `renewal window ${windowSeconds}s is longer than the limit of ${max}s the policy in force sets for this grant`)
}

/**
 * Whether a credential is due for renewal: from half its life on. Earlier, its holder gets it
 * again as it is: renewal continues access, it never multiplies credentials or status slots.
 */
export function renewalDue(record: CredentialRecord, nowSeconds: number): boolean {
  return nowSeconds >= record.notBefore + Math.floor((record.expires - record.notBefore) / 2)
}

/**
 * Why the newest credential of a grant may not be renewed now, or when the renewal must end: the
 * grant must still stand (not revoked or suspended, its agent active, inside its approved window),
 * and the policy in force must still allow it as it was granted (`needs`: the approver roles it
 * asks for these entitlements now, and the longest they may last, counted from the grant's start:
 * a tightened limit shortens a window already approved). `sameParty` says whether an approver is
 * now of the subject's party (an agent moved to them since): such an approval no longer counts.
 */
export function renewalEnd(
  record: CredentialRecord,
  agent: AgentRecord | undefined,
  nowSeconds: number,
  grant: { readonly start: number; readonly sameParty: (approver: string) => boolean },
  needs: { readonly chain: readonly string[]; readonly maxTtlSeconds: number },
): { readonly ends: number } | { readonly refusal: AgentIdError } {
  const refuse = (code: ErrorCode, message: string) => ({ refusal: agentIdError(code, message) })
  if (record.status === 'revoked') return refuse('ERR_VC_REVOKED', `credential ${record.id} is revoked`)
  if (record.status === 'suspended') return refuse('ERR_VC_SUSPENDED', `credential ${record.id} is suspended`)
  if (!agent || agent.status !== 'active') return refuse('ERR_FORBIDDEN', `agent ${record.subject} is retired`)
  if (agent.suspendedAt !== undefined) return refuse('ERR_VC_SUSPENDED', `agent ${record.subject} is suspended`)
  if (record.renewUntil === undefined) return refuse('ERR_NOT_RENEWABLE', `credential ${record.id} was granted without a renewal window; ask for access again`)
  const ends = Math.min(record.renewUntil, grant.start + needs.maxTtlSeconds)
  if (record.renewUntil <= nowSeconds) return refuse('ERR_NOT_RENEWABLE', `the approved window of credential ${record.id} ended at ${new Date(record.renewUntil * 1000).toISOString()}; ask for access again`)
  if (ends <= nowSeconds) return refuse('ERR_NOT_RENEWABLE', `the policy in force allows these entitlements for ${needs.maxTtlSeconds}s from the grant's start; ask for access again`)
  if (!approvedFor(needs.chain, record.approvals ?? [])) {
    return refuse('ERR_APPROVAL_REQUIRED', `the policy in force requires approval by ${needs.chain.join(' then ')} for these entitlements, more than this grant had; ask for access again`)
  }
  const tainted = (record.approvals ?? []).find((a) => grant.sameParty(a.approver))
  if (tainted) return refuse('ERR_APPROVAL_REQUIRED', `the approval of ${tainted.approver} no longer counts: they are of the subject's party now; ask for access again`)
  return { ends }
}

// The approvals the grant carries cover the chain the policy asks for now, level by level.
function approvedFor(chain: readonly string[], approvals: readonly ApprovalEvidence[]): boolean {
  return chain.every((role, i) => approvals[i]?.role === role)
}
