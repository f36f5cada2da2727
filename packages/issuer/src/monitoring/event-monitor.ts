import type { Issuer } from '../issuer.js'
import type { AlertRecord } from '../store/issuer-store.js'
import { AnomalyDetector, type Anomaly, type VerificationEvent } from './anomaly-detector.js'

/**
 * Takes verification events from verifiers (`POST /events`), runs them through the anomaly
 * detector, stores each finding as an alert, announces it (webhooks, `alert` events), and
 * suspends the agent when the policy says so for that severity (audited as any suspension).
 * Baselines live in memory: a restarted service learns them again.
 */
export class EventMonitor {
  readonly #issuer: Issuer
  readonly #log: (line: string) => void
  readonly #announce: (alert: AlertRecord) => void
  readonly #detector: AnomalyDetector
  #retired = new Set<string>()
  ingested = 0

  constructor(issuer: Issuer, log: (line: string) => void, announce: (alert: AlertRecord) => void) {
    this.#issuer = issuer
    this.#log = log
    this.#announce = announce
    this.#detector = new AnomalyDetector({ isRetired: (agent) => this.#retired.has(agent) })
  }

  /** Reloads the retired agents (after a status change, and at start). */
  async refreshRetired(): Promise<void> {
    this.#retired = new Set(await this.#issuer.store.retiredAgents())
  }

  /** Observes a batch; returns the alerts it raised. */
  async ingest(events: readonly VerificationEvent[]): Promise<AlertRecord[]> {
    const found: Anomaly[] = []
    for (const event of events) found.push(...this.#detector.observe(event))
    this.ingested += events.length
    if (found.length === 0) return []
    const alerts = await this.#issuer.store.addAlerts(found.map((a) => ({
      at: a.at, kind: `anomaly.${a.kind}`, severity: a.severity, subject: a.agent, details: { score: a.score, ...a.details },
    })))
    for (const alert of alerts) this.#announce(alert)
    await this.#contain(alerts)
    return alerts
  }

  // Containment by policy: suspend the agents whose alert is at or above `autoSuspend`.
  async #contain(alerts: readonly AlertRecord[]): Promise<void> {
    const { policy } = await this.#issuer.policy()
    if (policy.autoSuspend === 'never') return
    const levels = policy.autoSuspend === 'critical' ? ['critical'] : ['high', 'critical']
    for (const agent of new Set(alerts.filter((a) => levels.includes(a.severity)).map((a) => a.subject!))) {
      const record = await this.#issuer.store.getAgent(agent)
      if (!record || record.status !== 'active' || record.suspendedAt !== undefined) continue
      try {
        await this.#issuer.setSuspended({ agent }, true, 'system:monitor')
      } catch (error) {
        this.#log(`agentid serve: could not suspend ${agent} after an alert: ${(error as Error).message}`)
      }
    }
  }
}
