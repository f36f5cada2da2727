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
  readonly at: number
  /** 0..1: how far outside the baseline. */
  readonly score: number
  readonly severity: RiskLevel
  readonly details: Readonly<Record<string, unknown>>
}

/** Tuning; the defaults are what the workload tests are run with. */
export interface DetectorOptions {
  /** Events per agent that only build its baseline (default 60). */
  readonly learnEvents?: number
  /** Minutes of activity that must also have passed (default 30). */
  readonly learnMinutes?: number
  /** Denials within `denialWindowMs` that make a burst (default 10, in 60 s). */
  readonly denialBurst?: number
  readonly denialWindowMs?: number
  /** One alert per agent and kind within this time (default 10 minutes). */
  readonly quietMs?: number
  /** True when the agent is retired (its credentials should not be in use). */
  readonly isRetired?: (agent: string) => boolean
}

interface Baseline {
  events: number
  firstAt: number
  families: Set<string>
  segments: Set<string>
  networks: Set<string>
  hours: Uint32Array
  minute: number
  minuteCount: number
  rateMean: number
  rateVar: number
  rateMinutes: number
  recordsMean: number
  recordsVar: number
  recordsMax: number
  recordsN: number
  denials: number[]
  lastAlert: Map<AnomalyKind, number>
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

const EWMA = 0.1

/**
 * Learns each agent's ordinary behaviour from its verification events and reports what falls
 * outside it: a family of resources or a segment it never touched (the sales agent reaching for
 * HR), a rate of requests far above its usual (EWMA mean and variance per minute), activity at
 * hours it is never active, a burst of denials, a jump in records requested, a new source network,
 * any use of an agent that was retired. Each finding has a score and a severity; one alert per
 * agent and kind within `quietMs`. In memory, a few hundred bytes per agent.
 */
export class AnomalyDetector {
  readonly #agents = new Map<string, Baseline>()
  readonly #learnEvents: number
  readonly #learnMs: number
  readonly #denialBurst: number
  readonly #denialWindowMs: number
  readonly #quietMs: number
  readonly #isRetired: (agent: string) => boolean

  constructor(options: DetectorOptions = {}) {
    this.#learnEvents = options.learnEvents ?? 60
    this.#learnMs = (options.learnMinutes ?? 30) * 60_000
    this.#denialBurst = options.denialBurst ?? 10
    this.#denialWindowMs = options.denialWindowMs ?? 60_000
    this.#quietMs = options.quietMs ?? 600_000
    this.#isRetired = options.isRetired ?? (() => false)
  }

  /** Takes one event (in time order per agent); returns what it found, usually nothing. */
  observe(event: VerificationEvent): Anomaly[] {
    const found: Anomaly[] = []
    // Set whenever a check trips, reported or not (quiet period): such an event is never learned.
    let flagged = false
    const report = (kind: AnomalyKind, score: number, details: Record<string, unknown>) => {
      flagged = true
      const b = this.#agents.get(event.agent)
      const last = b?.lastAlert.get(kind)
      if (last !== undefined && event.at - last < this.#quietMs) return
      b?.lastAlert.set(kind, event.at)
      found.push({ kind, agent: event.agent, at: event.at, score: Math.min(1, Math.max(0, score)), severity: SEVERITY[kind], details })
    }
    let b = this.#agents.get(event.agent)
    if (!b) {
      b = {
        events: 0, firstAt: event.at, families: new Set(), segments: new Set(), networks: new Set(), hours: new Uint32Array(24),
        minute: Math.floor(event.at / 60_000), minuteCount: 0, rateMean: 0, rateVar: 0, rateMinutes: 0,
        recordsMean: 0, recordsVar: 0, recordsMax: 0, recordsN: 0, denials: [], lastAlert: new Map(),
      }
      this.#agents.set(event.agent, b)
    }
    if (this.#isRetired(event.agent)) report('retired-agent', 1, { credential: event.credential, resource: event.resource })

    const learning = b.events < this.#learnEvents || event.at - b.firstAt < this.#learnMs
    const hour = new Date(event.at).getUTCHours()
    const fam = event.resource !== undefined ? family(event.resource) : undefined
    const net = event.ip !== undefined ? network(event.ip) : undefined

    // Rate: requests per minute, against the EWMA of past minutes (a new minute folds the last in,
    // with zeros for the minutes without any request).
    const minute = Math.floor(event.at / 60_000)
    if (minute !== b.minute) {
      const idle = Math.min(minute - b.minute - 1, 60)
      this.#foldMinute(b, b.minuteCount)
      for (let i = 0; i < idle; i++) this.#foldMinute(b, 0)
      b.minute = minute
      b.minuteCount = 0
    }
    b.minuteCount++

    if (!learning) {
      if (fam !== undefined && !b.families.has(fam)) report('new-resource', 0.8, { resource: event.resource, known: [...b.families] })
      if (event.segment !== undefined && b.segments.size > 0 && !b.segments.has(event.segment)) report('new-segment', 0.8, { segment: event.segment, known: [...b.segments] })
      if (net !== undefined && b.networks.size > 0 && !b.networks.has(net)) report('new-network', 0.6, { ip: event.ip, known: [...b.networks] })
      const near = b.hours[hour]! + b.hours[(hour + 1) % 24]! + b.hours[(hour + 23) % 24]!
      if (near === 0) report('off-hours', 0.5, { hourUtc: hour })
      const sd = Math.sqrt(b.rateVar)
      const threshold = Math.max(b.rateMean + 6 * sd, 3 * b.rateMean + 10)
      if (b.rateMinutes >= 5 && b.minuteCount > threshold) report('rate-spike', Math.min(1, b.minuteCount / (threshold * 2)), { perMinute: b.minuteCount, usual: Math.round(b.rateMean * 10) / 10 })
      if (event.records !== undefined && b.recordsN >= 10) {
        const limit = Math.max(b.recordsMean + 8 * Math.sqrt(b.recordsVar), 3 * b.recordsMax, 10)
        if (event.records > limit) report('records-jump', Math.min(1, event.records / (limit * 4)), { records: event.records, usual: Math.round(b.recordsMean), max: b.recordsMax })
      }
    }
    if (event.decision === 'deny') {
      b.denials.push(event.at)
      while (b.denials.length > 0 && event.at - b.denials[0]! > this.#denialWindowMs) b.denials.shift()
      if (b.denials.length >= this.#denialBurst) report('denial-burst', Math.min(1, b.denials.length / (this.#denialBurst * 2)), { denials: b.denials.length, windowSeconds: this.#denialWindowMs / 1000, lastCode: event.code })
      if (b.denials.length > this.#denialBurst * 4) b.denials.splice(0, b.denials.length - this.#denialBurst * 4)
    }

    // Only what was allowed teaches the baseline: refused attempts are not ordinary behaviour.
    if (event.decision === 'allow' && (learning || !flagged)) {
      if (fam !== undefined) b.families.add(fam)
      if (event.segment !== undefined) b.segments.add(event.segment)
      if (net !== undefined) b.networks.add(net)
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
