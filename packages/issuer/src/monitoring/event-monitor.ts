import { randomUUID } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import { assertNotOwnDecision, samePartyNow } from '../governance/party.js'
import type { Principal } from '../governance/principal.js'
import type { Issuer } from '../issuer.js'
import type { AgentRecord, AlertRecord, CredentialRecord, SuppressionRecord } from '../store/issuer-store.js'
import { ANOMALY_KINDS, AnomalyDetector, isStatusKind, SEVERITY_LEVELS, type AgentContext, type AnomalyKind, type DetectorControls, type DetectorOptions, type Finding, type VerificationEvent } from './anomaly-detector.js'
import { family } from './baseline.js'
import { Corroboration, type ContainmentLevel, type CorroborationOptions } from './corroboration.js'
import { CONTROLS_SETTING, parseControls, parseFeedback, parseSuppression } from './monitor-controls.js'

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
  /** The detector's tuning (learning period, quiet period, caps); the operator's stored controls apply over it. */
  readonly detector?: Omit<DetectorOptions, 'isRetired' | 'context' | 'suppressed'>
  /** Baselines are written to the store at most this often, on the issuer's clock (default 60 s), and at close. */
  readonly persistEveryMs?: number
  /** What the issuer knows about an agent (groups, status, entitlements) is looked up again after this long (default 60 s). */
  readonly contextTtlMs?: number
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

// What a control not given stands for (the detector's defaults, over the service's own tuning).
const DEFAULT_CONTROLS: DetectorControls = { learnMinutes: 30, learnEvents: 60, matureHours: 48, sensitivity: {} }

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
 * reporter flagged by a `reporter.clock-skew` alert).
 *
 * What the issuer knows is the detector's context: the agent's peer groups (its owner's team of
 * its kind, its segment, its role), whether it is suspended or retired, and which families it holds
 * entitlements to since when. Baselines are written to the store (migration 8) and read back at
 * start, so a restart does not forget them. Operators' controls (learning period, sensitivity per
 * kind), suppressions with an expiry and feedback on alerts are stored and audited; feedback
 * `benign` teaches the baseline what the alert was about.
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
  // What the issuer knows about enrolled agents, looked up at most once per `contextTtlMs` (a few
  // thousand remembered). Only the yeses are kept: an agent enrolled after its first events must
  // count from then on.
  readonly #contexts = new Map<string, { context: AgentContext; at: number }>()
  readonly #contextTtlMs: number
  readonly #persistEveryMs: number
  #lastPersist: number
  #suppressions: SuppressionRecord[] = []
  #controls: DetectorControls = {}
  #storedControls: string | undefined
  // The service's own tuning: what a control not given returns to.
  readonly #baseControls: DetectorControls
  #lastReload: number
  readonly #ready: Promise<void>
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
    this.#contextTtlMs = options.contextTtlMs ?? 60_000
    this.#persistEveryMs = options.persistEveryMs ?? 60_000
    this.#lastPersist = this.#now()
    this.#lastReload = this.#lastPersist
    const d = options.detector ?? {}
    this.#baseControls = {
      ...DEFAULT_CONTROLS, ...(d.learnMinutes !== undefined ? { learnMinutes: d.learnMinutes } : {}), ...(d.learnEvents !== undefined ? { learnEvents: d.learnEvents } : {}),
      ...(d.matureHours !== undefined ? { matureHours: d.matureHours } : {}), ...(d.sensitivity !== undefined ? { sensitivity: d.sensitivity } : {}),
    }
    this.#detector = new AnomalyDetector({
      ...options.detector,
      isRetired: (agent) => this.#retired.has(agent),
      context: (agent) => this.#contexts.get(agent)?.context,
      suppressed: (agent, kind, about, at) => this.#suppressed(agent, kind, about, at),
    })
    this.#corroboration = new Corroboration(options.corroboration)
    // A held finding's evidence counts from when its event came: held longer than the window, it
    // would count for nothing when said (two verifiers' refusals no longer corroborating).
    if (this.#detector.longestHoldMs >= this.#corroboration.windowMs) throw agentIdError('ERR_USAGE', `corroboration.windowMinutes must be longer than the longest hold of a finding (${this.#detector.longestHoldMs / 60_000} minutes: 10 times detector.holdMinutes)`)
    // Baselines, controls and suppressions from the store; ingesting waits for them.
    this.#ready = this.#load().catch((error: unknown) => this.#log(`agentid serve: monitoring starts without stored baselines: ${(error as Error).message}`))
  }

  async #load(): Promise<void> {
    await this.#reloadControls()
    this.#detector.load(await this.#issuer.store.loadBaselines())
  }

  async #reloadControls(): Promise<void> {
    const stored = await this.#issuer.store.getSetting(CONTROLS_SETTING)
    if (stored !== undefined && stored !== this.#storedControls) {
      this.#storedControls = stored
      try {
        this.#controls = parseControls(JSON.parse(stored))
        this.#detector.configure({ ...this.#baseControls, ...this.#controls })
      } catch (error) {
        this.#log(`agentid serve: stored monitoring controls ignored: ${(error as Error).message}`)
      }
    }
    this.#suppressions = await this.#issuer.store.listSuppressions()
  }

  /** Reloads the retired agents and forgets what is known of agents (after a status change, and at start). */
  async refreshRetired(): Promise<void> {
    this.#retired = new Set(await this.#issuer.store.retiredAgents())
    this.#contexts.clear()
  }

  // Whether the agent's context is known and fresh: most events are about agents seen a moment
  // ago, and answered without a trip through the event loop.
  #known(did: string, now: number): boolean {
    const known = this.#contexts.get(did)
    return known !== undefined && now - known.at < this.#contextTtlMs && now >= known.at
  }

  // Whether the agent is enrolled, its context looked up and kept.
  async #enrolled(did: string, now: number): Promise<boolean> {
    const agent = await this.#issuer.store.getAgent(did)
    if (agent === undefined) return false
    if (this.#contexts.size >= 10_000) this.#contexts.clear()
    this.#contexts.set(did, { context: contextOf(agent, await this.#issuer.store.listCredentials({ subject: did }), now), at: now })
    return true
  }

  #suppressed(agent: string, kind: AnomalyKind, about: string, at: number): boolean {
    // The use of a suspended or retired agent is always reported: no suppression covers it, not
    // even one by agent or subject alone.
    if (isStatusKind(kind)) return false
    for (const s of this.#suppressions) {
      if (s.endedAt !== undefined || s.expiresAt <= at || s.createdAt > at) continue
      if ((s.agent === undefined || s.agent === agent) && (s.kind === undefined || s.kind === kind) && (s.about === undefined || s.about === about)) return true
    }
    return false
  }

  /** The operator's controls in force. */
  async controls(): Promise<DetectorControls> {
    await this.#ready
    return this.#controls
  }

  /**
   * Replaces the operator's controls (learning period, maturity, sensitivity per kind), audited as
   * `monitoring.controls`.
   * @throws AgentIdError ERR_INPUT_INVALID
   */
  async setControls(input: unknown, actor: string): Promise<DetectorControls> {
    const controls = parseControls(input)
    await this.#ready
    const stored = JSON.stringify(controls)
    await this.#issuer.store.setSetting(CONTROLS_SETTING, stored, { actor, action: 'monitoring.controls', details: { ...controls } })
    this.#controls = controls
    this.#storedControls = stored
    // What is not given returns to the default.
    this.#detector.configure({ ...this.#baseControls, ...controls })
    return controls
  }

  /** Suppressions, newest first (ended and expired ones included). */
  async suppressions(): Promise<SuppressionRecord[]> {
    await this.#ready
    return [...this.#suppressions]
  }

  /**
   * Suppresses matching findings until the expiry (at most 30 days), audited as
   * `monitoring.suppress`. Suppressed findings are not alerted and are no evidence for containment.
   * @throws AgentIdError ERR_INPUT_INVALID
   */
  async suppress(input: unknown, by: Principal): Promise<SuppressionRecord> {
    const parsed = parseSuppression(input)
    const actor = by.id
    // Silencing an agent's alerts is a decision about that agent: never by its own party. One
    // that names no agent silences every agent, the suppressor's own among them: refused to a
    // principal who owns any (another may make it, or they name the agents).
    if (parsed.agent !== undefined) await this.#assertNotOwn(by, parsed.agent, `suppress alerts of ${parsed.agent}`)
    else if ((await this.#issuer.store.pageAgentsAfter({ visibleTo: [by.id, ...(by.did ? [by.did] : [])] }, 1)).agents.length > 0) {
      throw agentIdError('ERR_FORBIDDEN', `${by.id} may not suppress alerts of every agent: agents of their own would be among them (name the agent, or have someone of another party do it)`)
    }
    await this.#ready
    const now = this.#now()
    const record: SuppressionRecord = {
      id: `sup-${randomUUID()}`, ...(parsed.agent !== undefined ? { agent: parsed.agent } : {}), ...(parsed.kind !== undefined ? { kind: parsed.kind } : {}),
      ...(parsed.about !== undefined ? { about: parsed.about } : {}), reason: parsed.reason, createdBy: actor, createdAt: now, expiresAt: now + parsed.minutes * 60_000,
    }
    const { id: _, ...details } = record
    await this.#issuer.store.addSuppression(record, { actor, action: 'monitoring.suppress', target: record.id, details })
    this.#suppressions = [record, ...this.#suppressions].slice(0, 1000)
    return record
  }

  /** Ends a suppression now, audited as `monitoring.unsuppress`. @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT */
  async endSuppression(id: string, actor: string): Promise<SuppressionRecord> {
    await this.#ready
    const ended = await this.#issuer.store.endSuppression(id, actor, this.#now(), { actor, action: 'monitoring.unsuppress', target: id, details: {} })
    this.#suppressions = this.#suppressions.map((s) => (s.id === id ? ended : s))
    return ended
  }

  // The four-eyes rule across a party (governance/party.ts), for what monitoring decides about one agent.
  async #assertNotOwn(by: Principal, agent: string, what: string): Promise<void> {
    const sameParty = await samePartyNow(this.#issuer.store, [by.id, ...(by.did ? [by.did] : []), agent])
    assertNotOwnDecision(by, [agent], sameParty, what)
  }

  /**
   * Records an operator's verdict on an alert, once, audited as `alert.feedback`. A `benign`
   * verdict on an anomaly teaches the agent's baseline what it was about (the family, network,
   * hour, level), so that it is not alerted again.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT
   */
  async feedback(alertId: number, input: unknown, by: Principal): Promise<{ alert: AlertRecord; verdict: 'benign' | 'confirmed'; learned: boolean }> {
    const { verdict, note } = parseFeedback(input)
    const actor = by.id
    await this.#ready
    const alert = await this.#issuer.store.getAlert(alertId)
    if (!alert) throw agentIdError('ERR_NOT_FOUND', `no alert ${alertId}`)
    // A benign verdict teaches the baseline to accept what was seen (a drift's size for weeks):
    // never by the agent's own party, as certifying access never is. Confirming takes nothing away.
    if (verdict === 'benign' && alert.subject !== undefined) await this.#assertNotOwn(by, alert.subject, `call alert ${alertId} benign`)
    const kind = alert.kind.startsWith('anomaly.') ? alert.kind.slice(8) : undefined
    const d = alert.details
    // A drift's typical request is what a benign verdict accepts (older drift alerts name only the
    // one seen); a day's volume (`perDay`), that day's totals.
    const perDay = kind === 'volume-drift' && typeof d.perDay === 'string' && typeof d.records === 'number' && typeof d.requests === 'number' ? { records: d.records, requests: d.requests } : undefined
    const records = perDay !== undefined ? undefined : kind === 'volume-drift' && typeof d.typical === 'number' ? d.typical : d.records
    const accepts = verdict === 'benign' && kind === 'volume-drift' && (perDay !== undefined || typeof records === 'number') ? { accepts: { family: d.about, ...(perDay !== undefined ? { perDay } : { records }) } } : {}
    await this.#issuer.store.addAlertFeedback({ alertId, verdict, ...(note !== undefined ? { note } : {}), decidedBy: actor, decidedAt: this.#now() },
      { actor, action: 'alert.feedback', target: String(alertId), details: { verdict, ...(note !== undefined ? { note } : {}), kind: alert.kind, subject: alert.subject, ...accepts } })
    let learned = false
    if (verdict === 'benign' && kind !== undefined && (ANOMALY_KINDS as readonly string[]).includes(kind) && alert.subject !== undefined && typeof d.about === 'string') {
      learned = this.#detector.teach(alert.subject, kind as AnomalyKind, d.about as string, {
        ...(typeof records === 'number' ? { records } : {}), ...(perDay !== undefined ? { perDay } : {}), ...(typeof d.perMinute === 'number' ? { perMinute: d.perMinute } : {}),
        ...(typeof d.perHour === 'number' ? { perHour: d.perHour } : {}),
        ...(typeof d.run === 'number' ? { run: d.run } : {}), ...(typeof d.denials === 'number' ? { denials: d.denials } : {}),
        // The `low` alert of a finding held for the agent's groups (stored before 2026-12-06, when
        // a held finding was said so at once): what is held is not said again.
        ...(typeof d.held === 'string' && typeof d.eventAt === 'number' ? { heldSince: d.eventAt } : {}),
      })
      if (learned) await this.#persist(this.#now(), true)
    }
    return { alert, verdict, learned }
  }

  /** Writes what the detector learned since the last write (at close, and every `persistEveryMs`). */
  async flush(): Promise<void> {
    await this.#ready
    await this.releaseHeld(true)
    await this.#persist(this.#now(), true)
  }

  async #persist(now: number, force: boolean): Promise<void> {
    if (!force && now - this.#lastPersist < this.#persistEveryMs && now >= this.#lastPersist) return
    this.#lastPersist = now
    try {
      await this.#issuer.store.saveBaselines(this.#detector.takeDirty())
    } catch (error) {
      this.#log(`agentid serve: could not save monitoring baselines: ${(error as Error).message}`)
    }
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
    await this.#ready
    const now = this.#now()
    // Another process on the same database (the CLI on the local home) may have changed the
    // controls or suppressions: look again once a minute.
    if (now - this.#lastReload >= 60_000 || now < this.#lastReload) {
      this.#lastReload = now
      await this.#reloadControls()
    }
    const usable: Array<{ event: VerificationEvent; reportedAt?: number }> = []
    let skipped = 0
    let untracked = 0
    let clamped = 0
    let worstSkewMs = 0
    for (const event of events) {
      if (!this.#known(event.agent, now) && !(await this.#enrolled(event.agent, now))) {
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

    const found: Array<{ finding: Finding; reportedAt?: number }> = []
    const context = { receivedAt: now, reporter }
    for (const { event, reportedAt } of usable) {
      const before = this.#detector.untracked
      // (A finding held earlier and said now is not about this event: not its date either.)
      for (const finding of this.#detector.inspect(event, context)) found.push({ finding, ...(reportedAt !== undefined && finding.details.heldSince === undefined ? { reportedAt } : {}) })
      if (this.#detector.untracked > before) untracked++
    }
    const drafts: Array<Omit<AlertRecord, 'id'>> = []
    if (clamped > 0 && now - (this.#skewFlagged.get(reporter) ?? -Infinity) >= SKEW_QUIET_MS) {
      if (this.#skewFlagged.size >= 1000) this.#skewFlagged.clear()
      this.#skewFlagged.set(reporter, now)
      drafts.push({ at: now, kind: 'reporter.clock-skew', severity: 'medium', subject: reporter, details: { reporter, clamped, of: events.length, worstSkewSeconds: Math.round(worstSkewMs / 1000) } })
    }
    await this.#persist(now, false)
    // The answer names only this reporter's alerts: a finding held from another reporter's event
    // and said during this batch is stored and announced, not told to this reporter.
    const alerts = (await this.#raise(found, reporter, now, drafts)).filter((a) => a.details.reporter === reporter)
    return { observed: usable.length - untracked, skipped: skipped + untracked, clamped, alerts }
  }

  /**
   * Says the findings the detector held for the agents' groups that are due (see
   * `DetectorOptions.holdMinutes`), as alerts: for when no events come to say them. The service
   * calls it every few seconds; `all` says every held finding (at close: none is lost).
   */
  releaseHeld(all = false): Promise<AlertRecord[]> {
    const run = this.#queue.then(async () => {
      await this.#ready
      const now = this.#now()
      const found = this.#detector.release(now, all).map((finding) => ({ finding }))
      return found.length === 0 ? [] : this.#raise(found, 'system:monitor', now, [])
    })
    this.#queue = run.catch(() => undefined)
    return run
  }

  // Evidence, containment and alerts for what the detector found. A finding it held is the
  // evidence of the reporter of its event (named in the alert and its audit entry), not of
  // whichever batch happened to say it.
  async #raise(found: ReadonlyArray<{ finding: Finding; reportedAt?: number }>, reporter: string, now: number, drafts: Array<Omit<AlertRecord, 'id'>>): Promise<AlertRecord[]> {
    const { policy } = await this.#issuer.policy()
    const level = containmentLevel(policy.autoSuspend)
    const reported: Array<{ finding: Finding; reportedAt?: number }> = []
    const touched = new Set<string>()
    for (const { finding, reportedAt } of found) {
      if (finding.suppressed) continue
      // (The use of a suspended or retired agent is no evidence for suspending it: it is contained
      // already, and a resumed agent must not be suspended again by its retries while it was not.)
      const severity = finding.severity
      if (grave(severity) && !isStatusKind(finding.kind)) {
        // (A held finding's evidence counts from when its events came: see Finding.evidenceAt.)
        finding.evidence.forEach((r, i) => this.#corroboration.add(finding.agent, r, severity, finding.evidenceAt?.[i] ?? now))
        touched.add(finding.agent)
      }
      if (finding.reported) reported.push({ finding, ...(reportedAt !== undefined ? { reportedAt } : {}) })
    }

    // Containment is decided before the alerts are written, so that each alert says what follows.
    const suspend = new Map<string, { reporters: readonly string[] }>()
    if (level) {
      for (const agent of touched) {
        const verdict = this.#corroboration.verdict(agent, level, now)
        if (verdict.corroborated) suspend.set(agent, verdict)
      }
    }
    // A suspension is said by an alert: when the finding that completed the evidence was part of
    // an incident already said (not said again), its strongest high finding here says it.
    for (const agent of suspend.keys()) {
      const says = (f: Finding) => f.agent === agent && grave(f.severity) && containmentNote(level, f, true) === 'suspending'
      if (reported.some(({ finding }) => says(finding))) continue
      let strongest: { finding: Finding; reportedAt?: number } | undefined
      for (const item of found) {
        const f = item.finding
        if (f.suppressed || f.reported || !says(f)) continue
        const rank = SEVERITY_LEVELS.indexOf(f.severity) - (strongest ? SEVERITY_LEVELS.indexOf(strongest.finding.severity) : -1)
        if (rank > 0 || (rank === 0 && f.score > strongest!.finding.score)) strongest = item
      }
      if (strongest) reported.push(strongest)
    }
    const anomalies = reported.map(({ finding: f, reportedAt }) => {
      const by = f.details.heldSince !== undefined && f.evidence.length > 0 ? f.evidence[0]! : reporter
      return {
        at: now, kind: `anomaly.${f.kind}`, severity: f.severity, subject: f.agent,
        details: {
          score: f.score, reporter: by, eventAt: f.at, ...(reportedAt !== undefined ? { reportedAt, clamped: true } : {}),
          // (A stopped agent's use says it is contained already at any severity.)
          ...(grave(f.severity) || isStatusKind(f.kind) ? { containment: containmentNote(level, f, suspend.has(f.agent)) } : {}),
          ...f.details,
        },
      }
    })
    drafts = [...anomalies, ...drafts]
    if (drafts.length === 0 && suspend.size === 0) return []
    const actorOf = (alert: AlertRecord): string => (typeof alert.details.reporter === 'string' ? alert.details.reporter : reporter)
    const alerts = drafts.length === 0 ? [] : await this.#issuer.store.addAlerts(drafts, (alert) => ({
      actor: actorOf(alert), action: 'alert.raise', ...(alert.subject !== undefined ? { target: alert.subject } : {}),
      details: { alert: alert.id, kind: alert.kind, severity: alert.severity },
    }))
    for (const alert of alerts) {
      if (alert.kind.startsWith('anomaly.') && alert.subject !== undefined && grave(alert.severity)) this.#corroboration.attach(alert.subject, actorOf(alert), alert.id)
      this.#announce(alert)
    }
    for (const agent of suspend.keys()) await this.#contain(agent, level!, now)
    // Written in the order of their events (ids follow time); returned ranked by the weight of
    // the evidence, then severity, so that the reporter's answer leads with the strongest.
    return alerts.sort((x, y) => scoreOf(y) - scoreOf(x) || SEVERITY_LEVELS.indexOf(y.severity) - SEVERITY_LEVELS.indexOf(x.severity))
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

// High or critical: evidence for containment, and an alert that says what follows it.
function grave(severity: string): severity is ContainmentLevel {
  return severity === 'high' || severity === 'critical'
}

// An alert's score (anomalies carry one in their details; others rank after them).
function scoreOf(alert: AlertRecord): number {
  const score = alert.details.score
  return typeof score === 'number' ? score : -1
}

// The policy's `autoSuspend`, read defensively: anything but the two levels means never.
function containmentLevel(value: unknown): ContainmentLevel | undefined {
  return value === 'high' || value === 'critical' ? value : undefined
}

// What follows an alert: a suspended or retired agent in use is contained already (its use is
// the finding), whatever the policy.
function containmentNote(level: ContainmentLevel | undefined, finding: Finding, suspending: boolean): string {
  if (finding.kind === 'suspended-agent') return 'suspended already'
  if (finding.kind === 'retired-agent') return 'retired'
  if (finding.kind === 'credential-misuse') return finding.details.status === 'retired' ? 'retired' : 'suspended already'
  if (level === undefined || (level === 'critical' && finding.severity !== 'critical')) return 'off'
  return suspending ? 'suspending' : 'awaiting corroboration'
}

// The detector's context from the agent's record and credentials: its peer groups (its owner's
// team of agents of its kind, its segment, its role), its status, and the families of resources
// its live credentials name, each with when it was first granted.
function contextOf(agent: AgentRecord, credentials: readonly CredentialRecord[], now: number): AgentContext {
  const entitlements = new Map<string, number>()
  for (const c of credentials) {
    if (c.status !== 'active' || c.expires * 1000 <= now) continue
    for (const e of c.entitlements) {
      const fam = family(e.resource)
      entitlements.set(fam, Math.min(entitlements.get(fam) ?? Infinity, c.issuedAt))
    }
  }
  const groups = [`team:${agent.owner}/${agent.kind}`, ...(agent.segment !== undefined ? [`segment:${agent.segment}`] : []), `role:${agent.role ?? agent.kind}`]
  const status = agent.status === 'retired' ? 'retired' : agent.suspendedAt !== undefined ? 'suspended' : 'active'
  return { groups, status, entitlements }
}
