import { DEFAULT_POLICY, policyToJson } from '@agentid/issuer'

/**
 * A policy that needs no approval for anything and allows 30-day grants: for tests about
 * issuance, credentials and verification rather than governance. Duty conflicts stay.
 */
export function noApprovalPolicy(): Record<string, unknown> {
  return {
    ...policyToJson(DEFAULT_POLICY),
    approvalChains: { low: [], medium: [], high: [], critical: [] },
    rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '30d' }],
  }
}
