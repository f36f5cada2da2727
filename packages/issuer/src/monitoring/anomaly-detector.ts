import { parseIpAddress, type RiskLevel } from '@agentid/core'
import type { VerificationEvent } from '@agentid/verifier'

/** One verification decision, as verifiers report it (`POST /events`); the verifier library's type. */
export type { VerificationEvent }

export const ANOMALY_KINDS = ['new-resource', 'new-segment', 'rate-spike', 'off-hours', 'denial-burst', 'records-jump', 'new-network', 'retired-agent'] as const
export type AnomalyKind = (typeof ANOMALY_KINDS)[number]

/** What the detector found. */
export interface Anomaly {
  readonly kind: AnomalyKind
  readonly agent: string
  /** When the event that tripped the check happened (its `at`). */
  readonly at: number
  /** 0..1: how far outside the baseline. */
  readonly score: number
  readonly severity: RiskLevel
  readonly details: Readonly<Record<string, unknown>>
  /**
   * The reporters whose own events alone support the finding: the reporter of the event for a
   * check on one event; for a burst or a spike, only a reporter whose share alone trips it (one
   * reporter's denials must not make another's single denial look like a burst).
   */
  readonly evidence: readonly string[]
}

/** A finding, said (`reported`) or held back because the same thing was said within the quiet period. */
export interface Finding extends Anomaly {
  readonly reported: boolean
}

/** Who reported an event and when the issuer received it. */
export interface ObserveContext {
  /** The issuer's clock when the event arrived (default: the event's `at`). */
  readonly receivedAt?: number
  /** The principal that reported it (default `unknown`). */
  readonly reporter?: string
}

/** Tuning; the defaults are what the workload tests are run with. */
export interface DetectorOptions {
  /** Events per agent that only build its baseline (default 60). */
  readonly learnEvents?: number
  /** Minutes of the issuer's clock (receipt time) since the agent's first event that must also have passed (default 30). */
  readonly learnMinutes?: number
  /** Denials within `denialWindowMs` that make a burst (default 10, in 60 s). */
  readonly denialBurst?: number
  readonly denialWindowMs?: number
  /** The same finding (agent, kind, what it is about, allowed or refused) is said once within this time of the issuer's clock (default 10 minutes). */
  readonly quietMs?: number
  /** True when the agent is retired (its credentials should not be in use). */
  readonly isRetired?: (agent: string) => boolean
  /** Most agents with a baseline (default 20,000); see {@link AnomalyDetector}. */
  readonly maxAgents?: number
  /** A baseline without events for this long (issuer's clock) may make room for a new agent (default 7 days). */
  readonly idleMs?: number
}

/** Caps on what one agent's baseline holds: memory per agent is bounded whatever is reported. */
export const BASELINE_CAPS = { families: 64, segments: 16, networks: 64, findings: 64, reportersPerMinute: 16 } as const

interface Baseline {
  events: number
  /** Issuer's clock: first and last receipt. */
  firstReceived: number
  lastReceived: number
  /** The newest event time seen: events are taken in time order per agent, never backwards. */
  lastAt: number
  families: Set<string>
  segments: Set<string>
  networks: Set<string>
  hours: Uint32Array
  minute: number
  minuteCount: number
  minuteByReporter: Map<string, number>
  rateMean: number
  rateVar: number
  rateMinutes: number
  recordsMean: number
  recordsVar: number
  recordsMax: number
  recordsN: number
  denials: Array<{ at: number; reporter: string }>
  /** Finding key -> when it was last said (issuer's clock) and its score then. */
  said: Map<string, { at: number; score: number }>
}

const SEVERITY: Readonly<Record<AnomalyKind, RiskLevel>> = {
  'retired-agent': 'critical', 'new-resource': 'high', 'new-segment': 'high', 'denial-burst': 'high', 'records-jump': 'high',
  'rate-spike': 'medium', 'new-network': 'medium', 'off-hours': 'medium',
}

// scheme and first path segment: `db:customers/eu/1` → `db:customers`. Finer paths (one record or
// another) are ordinary; another family of data is what a compromised agent reaches for.
function family(resource: string): string {
  const slash = resource.indexOf('/')
  return slash < 0 ? resource : resource.slice(0, slash)
}

// /24 for IPv4 (IPv4-mapped IPv6 included), /48 for IPv6: the network, not the host.
function network(ip: string): string | undefined {
  const bytes = parseIpAddress(ip)
  if (!bytes) return undefined
  return bytes.length === 4 ? `${bytes[0]}.${bytes[1]}.${bytes[2]}` : Buffer.from(bytes.subarray(0, 6)).toString('hex')
}

function addCapped(set: Set<string>, value: string, cap: number): void {
  // A full set learns nothing more: what it has not seen stays unusual (the safe direction).
  if (set.size < cap) set.add(value)
}

const EWMA = 0.1

/**
 * Learns each agent's ordinary behaviour from its verification events and reports what falls
 * outside it: a family of resources or a segment it never touched (the sales agent reaching for
 * HR), a rate of requests far above its usual (EWMA mean and variance per minute), activity at
 * hours it is never active, a burst of denials, a jump in records requested, a new source network,
 * any use of an agent that was retired. Each finding has a score, a severity and the reporters
 * whose own events support it.
 *
 * Against hostile reporters: the learning period is counted on the issuer's clock (when events
 * were received), so a burst of backdated events cannot end it; a finding is said once per quiet
 * period only when it says the same thing (same kind, same family, segment, network, denial code
 * or credential, same decision), and a jump or spike twice as strong is said, so a harmless-looking decoy
 * cannot hold back the alert that follows it; quiet periods run on the issuer's clock. Memory is
 * bounded: at most `maxAgents` baselines, each with capped sets ({@link BASELINE_CAPS}). A
 * baseline is never evicted while its agent is active: a new agent takes the place of one idle
 * for `idleMs`, or is not tracked (counted in {@link stats}), so reporting about other agents
 * cannot reset an agent's baseline.
 */
export class AnomalyDetector {
  readonly #agents = new Map<string, Baseline>()
  readonly #learnEvents: number
  readonly #learnMs: number
  readonly #denialBurst: number
  readonly #denialWindowMs: number
  readonly #quietMs: number
  readonly #isRetired: (agent: string) => boolean
  readonly #maxAgents: number
  readonly #idleMs: number
  #untracked = 0
  // When the table was last found full of active baselines: none can be idle before this time
  // (last receipts only move forward), so no scan is made for a newcomer until then.
  #noRoomUntil = -Infinity

  constructor(options: DetectorOptions = {}) {
    this.#learnEvents = options.learnEvents ?? 60
    this.#learnMs = (options.learnMinutes ?? 30) * 60_000
    this.#denialBurst = options.denialBurst ?? 10
    this.#denialWindowMs = options.denialWindowMs ?? 60_000
    this.#quietMs = options.quietMs ?? 600_000
    this.#isRetired = options.isRetired ?? (() => false)
    this.#maxAgents = options.maxAgents ?? 20_000
    this.#idleMs = options.idleMs ?? 7 * 86_400_000
  }

  /** Takes one event (in time order per agent); returns what it reports, usually nothing. */
  observe(event: VerificationEvent, context: ObserveContext = {}): Anomaly[] {
    return this.inspect(event, context).filter((f) => f.reported).map(({ reported: _, ...anomaly }) => anomaly)
  }

  /** Baselines held, and events left out because the table was full of active agents. */
  stats(): { agents: number; untracked: number } {
    return { agents: this.#agents.size, untracked: this.#untracked }
  }

  /**
   * Like {@link observe}, but returns every finding, with `reported: false` for those held back
   * within the quiet period: they still count as evidence (two reporters seeing the same thing).
   */
  inspect(event: VerificationEvent, context: ObserveContext = {}): Finding[] {
    const receivedAt = context.receivedAt ?? event.at
    const reporter = context.reporter ?? 'unknown'
    const b = this.#baseline(event.agent, receivedAt, event.at)
    if (!b) return []
    const at = Math.max(event.at, b.lastAt)
    b.lastAt = at
    b.lastReceived = receivedAt
    const found: Finding[] = []
    // Set whenever a check trips, said or not: such an event is never learned.
    let flagged = false
    const report = (kind: AnomalyKind, about: string, score: number, details: Record<string, unknown>, evidence: readonly string[] = [reporter]) => {
      flagged = true
      const clamped = Math.min(1, Math.max(0, score))
      const key = `${kind}\u0000${about}\u0000${event.decision}`
      const last = b.said.get(key)
      // A jump or a spike twice as strong is said even within the quiet period: a small decoy
      // must not cover the large one that follows.
      const stronger = (kind === 'records-jump' || kind === 'rate-spike') && last !== undefined && clamped >= 2 * last.score
      const reported = last === undefined || receivedAt - last.at >= this.#quietMs || receivedAt < last.at || stronger
      if (reported) this.#remember(b, key, receivedAt, clamped)
      found.push({ kind, agent: event.agent, at, score: clamped, severity: SEVERITY[kind], details, evidence, reported })
    }
    if (this.#isRetired(event.agent)) report('retired-agent', event.credential ?? '', 1, { credential: event.credential, resource: event.resource })

    const learning = b.events < this.#learnEvents || receivedAt - b.firstReceived < this.#learnMs
    const hour = new Date(at).getUTCHours()
    const fam = event.resource !== undefined ? family(event.resource) : undefined
    const net = event.ip !== undefined ? network(event.ip) : undefined

    // Rate: requests per minute, against the EWMA of past minutes (a new minute folds the last in,
    // with zeros for the minutes without any request).
    const minute = Math.floor(at / 60_000)
    if (minute !== b.minute) {
      const idle = Math.min(minute - b.minute - 1, 60)
      this.#foldMinute(b, b.minuteCount)
      for (let i = 0; i < idle; i++) this.#foldMinute(b, 0)
      b.minute = minute
      b.minuteCount = 0
      b.minuteByReporter.clear()
    }
    b.minuteCount++
    const mine = (b.minuteByReporter.get(reporter) ?? 0) + 1
    if (b.minuteByReporter.has(reporter) || b.minuteByReporter.size < BASELINE_CAPS.reportersPerMinute) b.minuteByReporter.set(reporter, mine)

    if (!learning) {
      if (fam !== undefined && !b.families.has(fam)) report('new-resource', fam, 0.8, { resource: event.resource, known: [...b.families] })
      if (event.segment !== undefined && b.segments.size > 0 && !b.segments.has(event.segment)) report('new-segment', event.segment, 0.8, { segment: event.segment, known: [...b.segments] })
      if (net !== undefined && b.networks.size > 0 && !b.networks.has(net)) report('new-network', net, 0.6, { ip: event.ip, known: [...b.networks] })
      const near = b.hours[hour]! + b.hours[(hour + 1) % 24]! + b.hours[(hour + 23) % 24]!
      if (near === 0) report('off-hours', String(hour), 0.5, { hourUtc: hour })
      const sd = Math.sqrt(b.rateVar)
      const threshold = Math.max(b.rateMean + 6 * sd, 3 * b.rateMean + 10)
      if (b.rateMinutes >= 5 && b.minuteCount > threshold) {
        const own = [...b.minuteByReporter].filter(([, count]) => count > threshold).map(([r]) => r)
        report('rate-spike', '', Math.min(1, b.minuteCount / (threshold * 2)), { perMinute: b.minuteCount, usual: Math.round(b.rateMean * 10) / 10 }, own)
      }
      if (event.records !== undefined && b.recordsN >= 10) {
        const limit = Math.max(b.recordsMean + 8 * Math.sqrt(b.recordsVar), 3 * b.recordsMax, 10)
        if (event.records > limit) report('records-jump', fam ?? '', Math.min(1, event.records / (limit * 4)), { records: event.records, usual: Math.round(b.recordsMean), max: b.recordsMax })
      }
    }
    if (event.decision === 'deny') {
      b.denials.push({ at, reporter })
      while (b.denials.length > 0 && at - b.denials[0]!.at > this.#denialWindowMs) b.denials.shift()
      if (b.denials.length >= this.#denialBurst) {
        const byReporter = new Map<string, number>()
        for (const d of b.denials) byReporter.set(d.reporter, (byReporter.get(d.reporter) ?? 0) + 1)
        const own = [...byReporter].filter(([, count]) => count >= this.#denialBurst).map(([r]) => r)
        // Said per denial code: a harmless run (an expired credential retried) must not hide probing.
        report('denial-burst', event.code ?? '', Math.min(1, b.denials.length / (this.#denialBurst * 2)), { denials: b.denials.length, windowSeconds: this.#denialWindowMs / 1000, lastCode: event.code }, own)
      }
      if (b.denials.length > this.#denialBurst * 4) b.denials.splice(0, b.denials.length - this.#denialBurst * 4)
    }

    // Only what was allowed teaches the baseline: refused attempts are not ordinary behaviour.
    if (event.decision === 'allow' && (learning || !flagged)) {
      if (fam !== undefined) addCapped(b.families, fam, BASELINE_CAPS.families)
      if (event.segment !== undefined) addCapped(b.segments, event.segment, BASELINE_CAPS.segments)
      if (net !== undefined) addCapped(b.networks, net, BASELINE_CAPS.networks)
      b.hours[hour]!++
      if (event.records !== undefined) {
        b.recordsN++
        const delta = event.records - b.recordsMean
        b.recordsMean += b.recordsN < 20 ? delta / b.recordsN : EWMA * delta
        b.recordsVar = b.recordsN < 20 ? b.recordsVar + (delta * (event.records - b.recordsMean) - b.recordsVar) / b.recordsN : (1 - EWMA) * (b.recordsVar + EWMA * delta * delta)
        b.recordsMax = Math.max(b.recordsMax, event.records)
      }
    }
    b.events++
    return found
  }

  // The agent's baseline, made when there is room: the table is full only of agents active within
  // `idleMs`, and those are never pushed out (that would restart their learning on demand).
  #baseline(agent: string, receivedAt: number, at: number): Baseline | undefined {
    const known = this.#agents.get(agent)
    if (known) return known
    if (this.#agents.size >= this.#maxAgents) {
      if (receivedAt < this.#noRoomUntil) {
        this.#untracked++
        return undefined
      }
      let idlest: [string, number] | undefined
      for (const [did, b] of this.#agents) if (idlest === undefined || b.lastReceived < idlest[1]) idlest = [did, b.lastReceived]
      if (idlest === undefined || receivedAt - idlest[1] < this.#idleMs) {
        this.#noRoomUntil = (idlest?.[1] ?? receivedAt) + this.#idleMs
        this.#untracked++
        return undefined
      }
      this.#agents.delete(idlest[0])
    }
    const b: Baseline = {
      events: 0, firstReceived: receivedAt, lastReceived: receivedAt, lastAt: at, families: new Set(), segments: new Set(), networks: new Set(), hours: new Uint32Array(24),
      minute: Math.floor(at / 60_000), minuteCount: 0, minuteByReporter: new Map(), rateMean: 0, rateVar: 0, rateMinutes: 0,
      recordsMean: 0, recordsVar: 0, recordsMax: 0, recordsN: 0, denials: [], said: new Map(),
    }
    this.#agents.set(agent, b)
    return b
  }

  // Remembers when a finding was said. Past the cap, what is past its quiet period goes first,
  // then the oldest: forgetting can only make a finding be said again, never held back.
  #remember(b: Baseline, key: string, at: number, score: number): void {
    b.said.delete(key)
    if (b.said.size >= BASELINE_CAPS.findings) {
      for (const [k, v] of b.said) if (at - v.at >= this.#quietMs) b.said.delete(k)
      if (b.said.size >= BASELINE_CAPS.findings) b.said.delete(b.said.keys().next().value!)
    }
    b.said.set(key, { at, score })
  }

  #foldMinute(b: Baseline, count: number): void {
    b.rateMinutes++
    const delta = count - b.rateMean
    if (b.rateMinutes <= 10) {
      b.rateMean += delta / b.rateMinutes
      b.rateVar += (delta * (count - b.rateMean) - b.rateVar) / b.rateMinutes
    } else {
      b.rateMean += EWMA * delta
      b.rateVar = (1 - EWMA) * (b.rateVar + EWMA * delta * delta)
    }
  }
}
