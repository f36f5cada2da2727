import type { Issuer } from '../issuer.js'
import type { AlertRecord } from '../store/issuer-store.js'
import { AnomalyDetector, type DetectorOptions, type Finding, type VerificationEvent } from './anomaly-detector.js'
import { Corroboration, type ContainmentLevel, type CorroborationOptions } from './corroboration.js'

/** Options of the service's monitoring (`ServiceOptions.monitor`). */
export interface EventMonitorOptions {
  /** The issuer's clock for monitoring: receipt of events, learning, quiet periods, corroboration (default `Date.now`). */
  readonly now?: () => number
  /** An event dated more than this ahead of the issuer's clock is taken at now + this, and counted as clamped (default 60 s). */
  readonly maxAheadMs?: number
  /** An event dated more than this behind the issuer's clock is taken at now - this, and counted as clamped (default 5 minutes). */
  readonly maxBehindMs?: number
  /** What an automatic suspension needs besides one alert (defaults: 2 reporters, or one over 10 minutes, within 60). */
  readonly corroboration?: CorroborationOptions
  /** The detector's tuning (learning period, quiet period, caps). */
  readonly detector?: Omit<DetectorOptions, 'isRetired'>
}

/** What one `POST /events` call led to. */
export interface IngestResult {
  /** Events taken in. */
  readonly observed: number
  /** Events about agents this issuer did not enrol (or that the detector had no room for). */
  readonly skipped: number
  /** Events whose `at` was outside the accepted window around the issuer's clock, taken at its edge. */
  readonly clamped: number
  readonly alerts: AlertRecord[]
}

// A reporter whose clock disagrees is flagged at most once per this much of the issuer's clock.
const SKEW_QUIET_MS = 600_000

/**
 * Takes verification events from reporters (`POST /events`), runs them through the anomaly
 * detector, stores each finding as an alert with an audit entry whose actor is the reporter,
 * announces it (webhooks, `alert` events), and, when the policy's `autoSuspend` covers its
 * severity and the evidence is corroborated ({@link Corroboration}: by default two reporters, or
 * one reporter over ten minutes of the issuer's clock), suspends the agent, audited as
 * `system:monitor` naming the reporters and alerts behind it.
 *
 * A reporter is trusted to report what its verifier decided; it is not trusted for time: events
 * are placed on the issuer's clock (dates outside the window are clamped, counted, and the
 * reporter flagged by a `reporter.clock-skew` alert). Baselines live in memory: a restarted
 * service learns them again.
 */
export class EventMonitor {
  readonly #issuer: Issuer
  readonly #log: (line: string) => void
  readonly #announce: (alert: AlertRecord) => void
  readonly #detector: AnomalyDetector
  readonly #corroboration: Corroboration
  readonly #now: () => number
  readonly #maxAheadMs: number
  readonly #maxBehindMs: number
  readonly #skewFlagged = new Map<string, number>()
  #retired = new Set<string>()
  // The DIDs known to be enrolled agents, each looked up once (a few thousand remembered). Only
  // the yeses are kept: an agent enrolled after its first events must count from then on.
  readonly #known = new Set<string>()
  // One batch at a time: the detector and the evidence see events in the order they arrived.
  #queue: Promise<unknown> = Promise.resolve()

  /** @throws AgentIdError ERR_USAGE for options out of range */
  constructor(issuer: Issuer, log: (line: string) => void, announce: (alert: AlertRecord) => void, options: EventMonitorOptions = {}) {
    this.#issuer = issuer
    this.#log = log
    this.#announce = announce
    this.#now = options.now ?? Date.now
    this.#maxAheadMs = options.maxAheadMs ?? 60_000
    this.#maxBehindMs = options.maxBehindMs ?? 300_000
    this.#detector = new AnomalyDetector({ ...options.detector, isRetired: (agent) => this.#retired.has(agent) })
    this.#corroboration = new Corroboration(options.corroboration)
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
   * Observes a batch from `reporter` (a principal id); returns the alerts it raised. Events about
   * agents this issuer did not enrol are counted (`skipped`) and left out: the detector keeps
   * state only for real agents.
   */
  ingest(events: readonly VerificationEvent[], reporter: string): Promise<IngestResult> {
    const run = this.#queue.then(() => this.#ingest(events, reporter))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #ingest(events: readonly VerificationEvent[], reporter: string): Promise<IngestResult> {
    const now = this.#now()
    const usable: Array<{ event: VerificationEvent; reportedAt?: number }> = []
    let skipped = 0
    let untracked = 0
    let clamped = 0
    let worstSkewMs = 0
    for (const event of events) {
      if (!(await this.#enrolled(event.agent))) {
        skipped++
        continue
      }
      const at = Math.min(Math.max(event.at, now - this.#maxBehindMs), now + this.#maxAheadMs)
      if (at === event.at) {
        usable.push({ event })
        continue
      }
      clamped++
      worstSkewMs = Math.max(worstSkewMs, Math.abs(event.at - now))
      usable.push({ event: { ...event, at }, reportedAt: event.at })
    }
    // In time order (stable: equal times keep the reporter's order).
    usable.sort((a, b) => a.event.at - b.event.at)

    const { policy } = await this.#issuer.policy()
    const level = containmentLevel(policy.autoSuspend)
    const reported: Array<{ finding: Finding; reportedAt?: number }> = []
    const touched = new Set<string>()
    for (const { event, reportedAt } of usable) {
      const before = this.#detector.stats().untracked
      for (const finding of this.#detector.inspect(event, { receivedAt: now, reporter })) {
        if (finding.severity === 'high' || finding.severity === 'critical') {
          for (const r of finding.evidence) this.#corroboration.add(finding.agent, r, finding.severity, now)
          touched.add(finding.agent)
        }
        if (finding.reported) reported.push({ finding, ...(reportedAt !== undefined ? { reportedAt } : {}) })
      }
      if (this.#detector.stats().untracked > before) untracked++
    }

    // Containment is decided before the alerts are written, so that each alert says what follows.
    const suspend = new Map<string, { reporters: readonly string[] }>()
    if (level) {
      for (const agent of touched) {
        const verdict = this.#corroboration.verdict(agent, level, now)
        if (verdict.corroborated) suspend.set(agent, verdict)
      }
    }
    const drafts: Array<Omit<AlertRecord, 'id'>> = reported.map(({ finding: f, reportedAt }) => ({
      at: now, kind: `anomaly.${f.kind}`, severity: f.severity, subject: f.agent,
      details: {
        score: f.score, reporter, eventAt: f.at, ...(reportedAt !== undefined ? { reportedAt, clamped: true } : {}),
        ...(f.severity === 'high' || f.severity === 'critical' ? { containment: containmentNote(level, f.severity, suspend.has(f.agent)) } : {}),
        ...f.details,
      },
    }))
    if (clamped > 0 && now - (this.#skewFlagged.get(reporter) ?? -Infinity) >= SKEW_QUIET_MS) {
      if (this.#skewFlagged.size >= 1000) this.#skewFlagged.clear()
      this.#skewFlagged.set(reporter, now)
      drafts.push({ at: now, kind: 'reporter.clock-skew', severity: 'medium', subject: reporter, details: { reporter, clamped, of: events.length, worstSkewSeconds: Math.round(worstSkewMs / 1000) } })
    }
    const result = (alerts: AlertRecord[]): IngestResult => ({ observed: usable.length - untracked, skipped: skipped + untracked, clamped, alerts })
    if (drafts.length === 0 && suspend.size === 0) return result([])
    const alerts = drafts.length === 0 ? [] : await this.#issuer.store.addAlerts(drafts, (alert) => ({
      actor: reporter, action: 'alert.raise', ...(alert.subject !== undefined ? { target: alert.subject } : {}),
      details: { alert: alert.id, kind: alert.kind, severity: alert.severity },
    }))
    for (const alert of alerts) {
      if (alert.kind.startsWith('anomaly.') && alert.subject !== undefined && (alert.severity === 'high' || alert.severity === 'critical')) this.#corroboration.attach(alert.subject, reporter, alert.id)
      this.#announce(alert)
    }
    for (const agent of suspend.keys()) await this.#contain(agent, level!, now)
    return result(alerts)
  }

  // Suspends the agent, naming the reporters and alerts behind it; the evidence is then spent.
  async #contain(agent: string, level: ContainmentLevel, now: number): Promise<void> {
    const verdict = this.#corroboration.verdict(agent, level, now)
    this.#corroboration.forget(agent)
    const record = await this.#issuer.store.getAgent(agent)
    if (!record || record.status !== 'active' || record.suspendedAt !== undefined) return
    try {
      await this.#issuer.setSuspended({ agent }, true, 'system:monitor', { reason: 'monitoring', level, reporters: verdict.reporters, alerts: verdict.alerts })
    } catch (error) {
      this.#log(`agentid serve: could not suspend ${agent} after corroborated alerts: ${(error as Error).message}`)
    }
  }
}

// The policy's `autoSuspend`, read defensively: anything but the two levels means never.
function containmentLevel(value: unknown): ContainmentLevel | undefined {
  return value === 'high' || value === 'critical' ? value : undefined
}

function containmentNote(level: ContainmentLevel | undefined, severity: string, suspending: boolean): string {
  if (level === undefined || (level === 'critical' && severity !== 'critical')) return 'off'
  return suspending ? 'suspending' : 'awaiting corroboration'
}
