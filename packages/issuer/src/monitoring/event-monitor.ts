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
  // The DIDs known to be enrolled agents, each looked up once (a few thousand remembered). Only
  // the yeses are kept: an agent enrolled after its first events must count from then on.
  readonly #known = new Set<string>()

  constructor(issuer: Issuer, log: (line: string) => void, announce: (alert: AlertRecord) => void) {
    this.#issuer = issuer
    this.#log = log
    this.#announce = announce
    this.#detector = new AnomalyDetector({ isRetired: (agent) => this.#retired.has(agent) })
  }

  /** Reloads the retired agents (after a status change, and at start). */
  async refreshRetired(): Promise<void> {
    this.#retired = new Set(await this.#issuer.store.retiredAgents())
    this.#known.clear()
  }

  async #enrolled(did: string): Promise<boolean> {
    if (this.#known.has(did)) return true
    if ((await this.#issuer.store.getAgent(did)) === undefined) return false
    if (this.#known.size >= 10_000) this.#known.clear()
    this.#known.add(did)
    return true
  }

  /**
   * Observes a batch (in time order); returns the alerts it raised. Events about agents this issuer
   * did not enrol, or dated more than 5 minutes ahead of its clock or a week behind it, are counted
   * (`skipped`) and left out: the detector keeps state only for real agents, on real time.
   */
  async ingest(events: readonly VerificationEvent[], reporter: string): Promise<{ observed: number; skipped: number; alerts: AlertRecord[] }> {
    const found: Anomaly[] = []
    const now = Date.now()
    const usable: VerificationEvent[] = []
    for (const event of events) {
      if (event.at <= now + 300_000 && event.at >= now - 7 * 86_400_000 && (await this.#enrolled(event.agent))) usable.push(event)
    }
    usable.sort((a, b) => a.at - b.at)
    for (const event of usable) found.push(...this.#detector.observe(event))
    const result = (alerts: AlertRecord[]) => ({ observed: usable.length, skipped: events.length - usable.length, alerts })
    if (found.length === 0) return result([])
    const alerts = await this.#issuer.store.addAlerts(found.map((a) => ({
      at: a.at, kind: `anomaly.${a.kind}`, severity: a.severity, subject: a.agent, details: { score: a.score, reporter, ...a.details },
    })))
    for (const alert of alerts) this.#announce(alert)
    await this.#contain(alerts)
    return result(alerts)
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
