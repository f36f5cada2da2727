import type { RiskLevel } from '@agentid/core'
import type { Anomaly } from '@agentid/issuer'

/**
 * A finding's severity as its check graded it: `high` also for one said `medium` because no other
 * line of evidence about the agent corroborated it within the hour (`details.uncorroborated`).
 * For tests of what a check finds; the severity said is tested in anomaly-severity.test.ts.
 */
export function graded(a: Pick<Anomaly, 'severity' | 'details'>): RiskLevel {
  return a.details.uncorroborated === true ? 'high' : a.severity
}
