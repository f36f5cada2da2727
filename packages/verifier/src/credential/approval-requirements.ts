import { agentIdError, parseRoleName, RISK_LEVELS, type RiskLevel } from '@agentid/core'
import type { VerifiedCredential } from './verify-credential.js'

/** Approver roles required per risk level: `{ high: ['security'] }`. */
export type ApprovalRequirements = Readonly<Partial<Record<RiskLevel, readonly string[]>>>

/**
 * Checks `requireApprovals`: risk levels mapped to lists of role names.
 * @throws AgentIdError ERR_USAGE
 */
export function parseApprovalRequirements(value: unknown): ApprovalRequirements {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_USAGE', 'requireApprovals must map risk levels to role lists')
  const out: Partial<Record<RiskLevel, string[]>> = {}
  for (const [level, roles] of Object.entries(value)) {
    if (!(RISK_LEVELS as readonly string[]).includes(level)) throw agentIdError('ERR_USAGE', `requireApprovals: "${level}" is not a risk level (${RISK_LEVELS.join(', ')})`)
    if (!Array.isArray(roles)) throw agentIdError('ERR_USAGE', `requireApprovals.${level} must be a list of roles`)
    try {
      out[level as RiskLevel] = roles.map((r, i) => parseRoleName(r, `requireApprovals.${level}[${i}]`))
    } catch (error) {
      throw agentIdError('ERR_USAGE', (error as Error).message)
    }
  }
  return out
}

/**
 * Why a credential does not show the approvals its risk level requires, or `undefined` when it
 * does. A credential without a risk level is held to every role required at any level: an
 * issuer that does not say how risky a grant is gets no benefit of the doubt.
 */
export function missingApprovals(required: ApprovalRequirements, credential: VerifiedCredential): string | undefined {
  const risk = credential.claims.risk
  const roles = risk !== undefined ? required[risk] ?? [] : [...new Set(Object.values(required).flat())]
  if (roles.length === 0) return undefined
  const shown = new Set((credential.claims.approvals ?? []).map((a) => a.role))
  const missing = roles.filter((r) => !shown.has(r))
  if (missing.length === 0) return undefined
  return `credential ${credential.id} (risk ${risk ?? 'not stated'}) lacks approval by ${missing.join(', ')}`
}
