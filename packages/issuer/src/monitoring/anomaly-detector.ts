import type { RiskLevel } from '@agentid/core'
import type { VerificationEvent } from '@agentid/verifier'
import {
  acceptedLevel, actionKind, BASELINE_CAPS, DAY_MS, decayHours, dropOldestOfBusiest, family, hourShare, newAgentBaseline, newFamilyStats, newGroupBaseline, newPlaceStats, noteUsage, peerUse, PEER_MS, restoreBaseline, restoreGroup, sizesOf,
  snapshotBaseline, snapshotGroup, RARE_REPORTERS, READ_KIND, isLook, STRAY_TRIES, STRAY_TRY_MS, STRAY_WEEK_LEAST, touchDay, weeklyUse, type AgentBaseline, type FamilyStats, type GroupBaseline, type NetworkStats, type SaidFinding,
} from './baseline.js'
import { clearDrift, driftMargin, driftSpread } from './drift-cusum.js'
import { holdLevel } from './held-level.js'
import { noteId, ORDERED_IDS, recordId, teachWalk, walkLimit, walkOf } from './ordered-ids.js'
import { ADOPT_MS, ADOPTERS, adopt as adoptIn, adopters, adoption, GROUP_CHANGE_MS, groupChangeOf, SPREAD_ADOPTERS, spreadAdopters, tookPart } from './group-adoption.js'
import { countDay, hoursOutside, noteSession, noteWeekend, ownDay, schedule, SCHEDULE_SLACK_HOURS, weekend, weekendPeers, WORK_DAYS, type Schedule } from './schedule.js'
import { acceptHalfHour, acceptRate, SHORT_FLOOD } from './sustained-rate.js'
import { newBlockedUse, noteBlockedUse, requestOf, requestsOf, retrying } from './blocked-use.js'
import { acceptMinute, checkDenials, checkRate, checkSustained, newOrgBursts, type DenialLimits, type OrgBursts } from './rate-checks.js'
import { acceptTrickle, TRICKLE_ABOUT } from './refusal-trickle.js'
import type { Hold, Said, Say, Scope, Sens } from './scope.js'
import { checkSizes, largestRegular } from './volume-checks.js'
import { allowedInBlock, blockOf, established, forgetStalest, internal, networkOf, privateBlock, sameSite, takeTurns, TURN_MS } from './networks.js'
import { keptUp, knownStray, lateralReaches, markStray, noteRun, noteStray, oneAttempt, strayAllowance, withdraw } from './reaches.js'
import { aspectOf, noteRecent, reachOf, sameEvidence, standsAlone, VOLUME, volumeKeptUp } from './evidence.js'
import { quietHour, rareBurst, rareOf, sameKind, teaches, usesKind, watchAction } from './rare-actions.js'
import { acceptDay, checkDayVolume } from './day-volume.js'
import { seenLately, Sightings, USES_REPORTERS } from './sightings.js'
import { ORG_MOVERS, OrgNetworks } from './org-networks.js'
import { countOf, marksDay, noteAlertDay, peakHabitOf, peakOf, sizeOf, WEEKLY_KINDS, weeklyRunOf, type AlertDay } from './alert-days.js'

/** One verification decision, as verifiers report it (`POST /events`); the verifier library's type. */
export type { VerificationEvent }
export { BASELINE_CAPS }

export const ANOMALY_KINDS = [
  'new-resource', 'new-segment', 'new-action', 'rate-spike', 'sustained-rate', 'off-hours', 'off-days', 'denial-burst', 'probing', 'records-jump', 'volume-drift',
  'new-network', 'two-networks', 'lateral-movement', 'retired-agent', 'suspended-agent', 'enumeration', 'credential-misuse',
] as const
export type AnomalyKind = (typeof ANOMALY_KINDS)[number]

/** What the detector found. */
export interface Anomaly {
  readonly kind: AnomalyKind
  readonly agent: string
  /** When the event that tripped the check happened (its `at`). */
  readonly at: number
  /** 0..1: the weight of the evidence; alerts rank by it. */
  readonly score: number
  readonly severity: RiskLevel
  /** What was expected and what was seen (`expected`, `seen`), and the facts behind the finding. */
  readonly details: Readonly<Record<string, unknown>>
  /**
   * The reporters whose own events alone support the finding: the reporter of the event for a
   * check on one event; for a burst or a spike, only a reporter whose share alone trips it (one
   * reporter's denials must not make another's single denial look like a burst).
   */
  readonly evidence: readonly string[]
}

/**
 * A finding, said (`reported`) or held back: within the quiet period, `explained` (said low because
 * something explains it: evidence, not an alert), or `suppressed` by an operator.
 */
export interface Finding extends Anomaly {
  readonly reported: boolean
  readonly explained?: true
  readonly suppressed?: true
  /**
   * For a finding held for the agent's groups and said later: the issuer's clock when each of its
   * reporters' events came (parallel to `evidence`). Its evidence counts from then, not from when
   * it was said: one burst is one moment of evidence, however late the findings it held are said,
   * and a reporter repeating another's held finding is evidence of its own moment, not the first's.
   */
  readonly evidenceAt?: readonly number[]
}

/** Who reported an event and when the issuer received it. */
export interface ObserveContext {
  /** The issuer's clock when the event arrived (default: the event's `at`). */
  readonly receivedAt?: number
  /** The principal that reported it (default `unknown`). */
  readonly reporter?: string
}

/** What the issuer knows about an agent: the context that explains (or aggravates) what it does. */
export interface AgentContext {
  /**
   * Peer groups, most specific first (team, then segment, role): their use makes a member's first
   * use ordinary; hours are compared with the first; weekend work is ordinary where members of the
   * first or of a group named `role:...` did it on earlier weekends.
   */
  readonly groups?: readonly string[]
  readonly status?: 'active' | 'suspended' | 'retired'
  /** Families the agent holds live entitlements to, each with when it was granted (issuer's clock); absent: not known. */
  readonly entitlements?: ReadonlyMap<string, number>
}

/** What an operator may change at run time (audited by the issuer), see {@link AnomalyDetector.configure}. */
export interface DetectorControls {
  /** Minutes of the issuer's clock after an agent's first event before checks on one event run (default 30). */
  readonly learnMinutes?: number
  /** Events per agent that only build its baseline (default 60). */
  readonly learnEvents?: number
  /** Hours of the issuer's clock before habits (hours, rates, volumes) are judged (default 48): a day of someone's week says little. */
  readonly matureHours?: number
  /** Per kind: 1 is the default, 2 twice as sensitive (thresholds halved), 0 off. */
  readonly sensitivity?: Partial<Record<AnomalyKind, number>>
}

/** Tuning; the defaults are what the evaluation (`npm run eval:anomaly`) is run with. */
export interface DetectorOptions extends DetectorControls {
  /** Denials within `denialWindowMs` that make a burst (default 10, in 60 s). */
  readonly denialBurst?: number
  readonly denialWindowMs?: number
  /**
   * The same finding (agent, kind, what it is about, allowed or refused) back within this time of
   * its last occurrence (issuer's clock; default 10 minutes) is the same incident: said once, and
   * again once an hour while it goes on, or at once when stronger or from a reporter new to it.
   */
  readonly quietMs?: number
  /** True when the agent is retired (its credentials should not be in use). */
  readonly isRetired?: (agent: string) => boolean
  /** What the issuer knows about an agent; called once per event, so it must be cheap (cached). */
  readonly context?: (agent: string) => AgentContext | undefined
  /** True when an operator suppressed this finding (agent, kind, about) at `at` (issuer's clock). */
  readonly suppressed?: (agent: string, kind: AnomalyKind, about: string, at: number) => boolean
  /** Most agents with a baseline (default 20,000); see {@link AnomalyDetector}. */
  readonly maxAgents?: number
  /** A baseline without events for this long (issuer's clock) may make room for a new agent (default 7 days). */
  readonly idleMs?: number
  /**
   * Minutes a novelty that its groups may be taking up at the same moment (a family, a segment,
   * an action, a second network, lateral movement made of them) is said `low` and held before it
   * is said at its own severity (default 3; 0: said at once). See {@link AnomalyDetector.release}.
   */
  readonly holdMinutes?: number
}

const BASE_SEVERITY: Readonly<Record<AnomalyKind, RiskLevel>> = {
  'retired-agent': 'critical', 'suspended-agent': 'critical', 'new-resource': 'high', 'denial-burst': 'high', 'records-jump': 'high', probing: 'high',
  'two-networks': 'high', 'lateral-movement': 'high', 'volume-drift': 'medium', 'new-action': 'medium', 'new-segment': 'medium',
  'rate-spike': 'medium', 'sustained-rate': 'medium', 'off-hours': 'medium', 'off-days': 'medium', 'new-network': 'low', enumeration: 'medium',
  'credential-misuse': 'high',
}
// Kinds whose score measures a size (records, rate, drift): twice the size is said again.
const MAGNITUDES = new Set<AnomalyKind>(['records-jump', 'rate-spike', 'sustained-rate', 'volume-drift'])
const RANK: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2, critical: 3 }
const LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical']

// First use of something is learned once it has been used on this many days without other alarm.
const LEARN_DAYS = 3
// Weekday members of its team or role with weekend work on an earlier weekend that make it ordinary
// for the others (an on-call rotation, weekend work now and then in the role).
const WEEKEND_PEERS = 1
// Whole weekends without use before a weekend use is said at medium (low after one).
const WEEKEND_QUIET = 2
// An hour is one the agent (or its team) is active at when this share of its activity falls
// within three hours of it.
const OFF_HOURS_SHARE = 0.003
// Members of its team working where it works that make an office, whose hours are then used
// where they are lower than the whole team's (#officeShare).
const OFFICE_MATES = 2
// Office shares kept for an agent's hour, by place and reporter (two verifiers taking turns, a
// phone beside a laptop: each asks on every request of a night session).
const OFFICE_SHARES_KEPT = 16
// Where a network is, for telling who works where (#officeShare): a public network is its own
// place (an office's /24); the organisation's private networks are their /16's (a site's floors,
// wards and VPN pools).
const placeOf = (net: string): string => (internal(net) ? blockOf(net) ?? net : net)
const NEW_GRANT_MS = 14 * DAY_MS
const HOUR = 3_600_000
// A finding that goes on (back within the quiet period of its last occurrence) is said again once this often.
const REMIND_MS = HOUR
const MINUTE = 60_000
// Findings held at once at most: past it, they are said at once (memory stays bounded).
const HELD_CAP = 10_000
// A refusal, or a network of the organisation's own, is held this many times as long as another novelty.
const LONG_HOLD = 10
// Findings held at once for one agent at most: past it, its findings are said at once.
const HELD_PER_AGENT = 64

/**
 * Learns each agent's ordinary behaviour, and its peer groups', from verification events, and
 * reports what falls outside it, ranked by evidence. Baselines keep learning: a family, a segment
 * or a network used on three days is learned; activity by hour of the day decays
 * 5% a day; record levels are running medians per family of resources, which outliers barely move.
 * Context is evidence: a recently granted entitlement or a peer's use explains a first use, a
 * family the agent holds no entitlement to aggravates it; a suspended or retired agent in use is
 * always reported.
 *
 * Checks: first use of a family, segment or action nobody explains; a burst of refusals, and
 * probing (refusals across families or actions); a jump in records for a family, and a drift (a
 * lasting share of requests far above the family's level); a rate far above the agent's busiest;
 * activity at hours neither the agent nor its team is ever active, or far outside a narrow schedule
 * of its own, and on a weekend day by an agent of working days; two networks at once (a source
 * switching back and forth with a network new to the agent); lateral movement (reaches into several
 * unexplained families or segments within an hour). A finding is high only when another aspect of
 * the agent's behaviour was found within the hour (a reach, an action, refusals, volume, a place,
 * an hour): one its check grades high is otherwise said medium, `uncorroborated` (a few stand alone:
 * see standsAlone).
 *
 * Against hostile reporters: learning periods are counted on the issuer's clock (when events were
 * received), so a burst of backdated events cannot end one; a finding is said once per incident
 * only when it says the same thing, and said again when twice as strong or more severe, so a decoy
 * cannot hold back the alert that follows it. Memory is bounded: at most `maxAgents` baselines with
 * capped maps ({@link BASELINE_CAPS}); a baseline is never evicted while its agent is active.
 */
export class AnomalyDetector {
  readonly #agents = new Map<string, AgentBaseline>()
  // Each agent's office shares of the hour and team last asked, by place and reporter
  // (#officeShare; in memory).
  readonly #offices = new WeakMap<AgentBaseline, { hour: number; team: GroupBaseline; shares: Map<string, number | undefined> }>()
  readonly #groups = new Map<string, GroupBaseline>()
  readonly #dirty = new Set<string>()
  // Findings held for the agents' groups, in the order they are due; keys of those held.
  readonly #held: Held[] = []
  readonly #heldLong: Held[] = []
  // Holds run on the issuer's clock as it moves forward (`#elapsed`: the sum of its steps forward
  // since the first event), so that a clock stepped back keeps nothing waiting behind it.
  #elapsed = 0
  #lastReceived = NaN
  // Who saw what, and when each first did: members' first uses of a key (`family:…`, `net:…`),
  // the networks they use (`uses:<network>`), their weekend work (`weekend-work`). By key, then
  // by member (looked up member by member while a group change is counted, so no string is built
  // per member); and how many.
  readonly #sightings = new Sightings()
  // Networks shared across groups: the organisation's own, and moves of those sharing one (org-networks.ts).
  readonly #orgNets = new OrgNetworks(this.#sightings, (member, net, at) => this.#settled(member, net, at))
  readonly #pending = new Map<string, Held>()
  readonly #holdMs: number
  #learnEvents: number
  #learnMs: number
  #matureMs: number
  #sensitivity: Partial<Record<AnomalyKind, number>>
  // The sensitivity in force per kind (1 where none is set, never below 0): read on every event.
  #sensOf: Sens
  readonly #denialLimits: DenialLimits
  // Refusal bursts across all agents, per code (rate-checks.ts: an outage is the infrastructure's).
  readonly #orgBursts: OrgBursts = newOrgBursts()
  // The checks of their own modules say findings through this.
  readonly #sayOf: Say = (s, kind, about, score, details, evidence, severity) => this.#report(s, kind, about, score, details, evidence, severity)
  readonly #holdOf: Hold = (s, explained, kind, about, score, details, severity) => this.#hold(s, explained, kind, about, score, details, severity)
  readonly #quietMs: number
  readonly #isRetired: (agent: string) => boolean
  readonly #context: (agent: string) => AgentContext | undefined
  readonly #suppressed: (agent: string, kind: AnomalyKind, about: string, at: number) => boolean
  readonly #maxAgents: number
  readonly #idleMs: number
  #untracked = 0
  // When the table was last found full of active baselines: none can be idle before this time
  // (last receipts only move forward), so no scan is made for a newcomer until then.
  #noRoomUntil = -Infinity

  constructor(options: DetectorOptions = {}) {
    this.#learnEvents = options.learnEvents ?? 60
    this.#learnMs = (options.learnMinutes ?? 30) * MINUTE
    this.#matureMs = (options.matureHours ?? 48) * HOUR
    this.#sensitivity = { ...options.sensitivity }
    this.#sensOf = resolvedSensitivity(this.#sensitivity)
    this.#denialLimits = { burst: options.denialBurst ?? 10, windowMs: options.denialWindowMs ?? 60_000 }
    this.#quietMs = options.quietMs ?? 600_000
    this.#isRetired = options.isRetired ?? (() => false)
    this.#context = options.context ?? (() => undefined)
    this.#suppressed = options.suppressed ?? (() => false)
    this.#maxAgents = options.maxAgents ?? 20_000
    this.#idleMs = options.idleMs ?? 7 * DAY_MS
    this.#holdMs = (options.holdMinutes ?? 3) * MINUTE
  }

  /** How long a finding may be held for the agent's groups at most (a refusal's hold), in ms. */
  get longestHoldMs(): number {
    return LONG_HOLD * this.#holdMs
  }

  /** Changes the operator's controls from now on; what is not given stays. */
  configure(controls: DetectorControls): void {
    if (controls.learnEvents !== undefined) this.#learnEvents = controls.learnEvents
    if (controls.learnMinutes !== undefined) this.#learnMs = controls.learnMinutes * MINUTE
    if (controls.matureHours !== undefined) this.#matureMs = controls.matureHours * HOUR
    if (controls.sensitivity !== undefined) {
      this.#sensitivity = { ...controls.sensitivity }
      this.#sensOf = resolvedSensitivity(this.#sensitivity)
    }
  }

  /** Takes one event (in time order per agent); returns what it reports, usually nothing. */
  observe(event: VerificationEvent, context: ObserveContext = {}): Anomaly[] {
    const found = this.inspect(event, context)
    if (found.length === 0) return found
    return found.filter((f) => f.reported).map(({ reported: _, suppressed: __, ...anomaly }) => anomaly)
  }

  /** Baselines held, and events left out because the table was full of active agents. */
  stats(): { agents: number; untracked: number; groups: number } {
    return { agents: this.#agents.size, untracked: this.#untracked, groups: this.#groups.size }
  }

  /** Events left out so far because the table was full of active agents (as {@link stats} says). */
  get untracked(): number {
    return this.#untracked
  }

  /**
   * Like {@link observe}, but returns every finding, with `reported: false` for those held back
   * within the quiet period, explained or suppressed: held-back ones still count as evidence (two
   * reporters seeing the same thing); explained and suppressed ones are marked so.
   */
  inspect(event: VerificationEvent, context: ObserveContext = {}): Finding[] {
    const receivedAt = context.receivedAt ?? event.at
    const reporter = context.reporter ?? 'unknown'
    const agent = event.agent
    const found: Finding[] = []
    const elapsed = this.#tick(receivedAt)
    if (this.#pending.size > 0) this.#release(elapsed, receivedAt, event.at, found)
    const b = this.#baseline(agent, receivedAt, event.at)
    if (!b) return found
    const at = Math.max(event.at, b.lastAt)
    // (A refusal for an expired credential neither starts nor carries a session on: see tellsWhen.)
    const timed = tellsWhen(event)
    if (timed) {
      noteSession(b, b.sessionLast, at)
      b.sessionLast = at
    }
    b.lastAt = at
    b.lastReceived = receivedAt
    this.#dirty.add(agent)
    const ctx = this.#context(agent)
    const groups = this.#groupsOf(b, ctx, at)
    const learning = b.events < this.#learnEvents || receivedAt - b.firstReceived < this.#learnMs
    const day = Math.floor(at / DAY_MS)
    if (b.eventsDay !== day) {
      b.eventsYesterday = b.eventsDay === day - 1 ? b.eventsToday : 0
      b.eventsDay = day
      b.eventsToday = 0
    }
    const s: Scope = {
      b, agent, at, receivedAt, decision: event.decision, found, reporter, holdGroups: b.holdGroups ?? [], elapsed,
      event, ctx, groups, allowed: event.decision === 'allow', learning, mature: !learning && receivedAt - b.firstReceived >= this.#matureMs,
      fam: event.resource !== undefined ? family(event.resource) : undefined, day, hour: Math.floor(at / HOUR) % 24, f: undefined, familyExplained: true, soleRefusal: false, strayAgain: false, weekly: false,
    }

    // A suspended or retired agent in use is always reported, and teaches nothing. Allowed, it is
    // critical (a verifier's stale status let it through). Refused, two things weigh: whether it
    // came from a network it has long used (its own software: a stopped service keeps trying for
    // hours, a decommissioned job's cron fires on, a leaver's phone syncs) or from anywhere else
    // (someone may hold its credential, or its laptop is at a hotel), and whether it is retrying
    // (a verifier refused its status, and it asks for no more than a retry does: blocked-use.ts)
    // or asking for more. Low with both for it, medium with one, high with neither. (A retired
    // agent's refusals were all critical until 2026-12-06: a retired fax gateway's cron every half
    // hour, refused, was critical all week; medium from its own network and high from elsewhere
    // until 2026-12-08: its software's retries were a quarter of workload-g's benign agents
    // alerted at medium or above, and leavers' laptops retrying from home a sixth of i's at high.)
    const status = this.#isRetired(agent) ? 'retired' : ctx?.status
    if (status === 'retired' || status === 'suspended') {
      const kind = status === 'retired' ? 'retired-agent' : 'suspended-agent'
      const details = { expected: `no use (${status})`, seen: event.decision, credential: event.credential, resource: event.resource }
      const misused = noteBlockedUse(b.blockedUse, requestOf(s.fam, event.action), at, reporter)
      if (s.allowed) this.#report(s, kind, event.credential ?? '', 1, details, [reporter], 'critical')
      else {
        const own = this.#fromOwnNetwork(b, event.ip, at, reporter)
        const retry = retrying(event.code, b.blockedUse)
        const severity = own && retry ? 'low' : own || retry ? 'medium' : 'high'
        this.#report(s, kind, event.credential ?? '', own ? 0.6 : 0.8, { ...details, ...(own ? { ownNetwork: true } : {}), ...(retry ? { retrying: true } : {}) }, [reporter], severity)
      }
      if (misused) this.#misuse(s, status)
      b.events++
      return found
    }
    // (Only with a context, which says it is neither suspended nor retired: an event whose agent
    // the issuer could not look up must not forget a thief's requests; an adversarial review.)
    if (ctx !== undefined && b.blockedUse.uses.length > 0) b.blockedUse = newBlockedUse()

    const net = event.ip !== undefined ? networkOf(b, event.ip) : undefined
    decayHours(b, day)
    for (const g of groups) decayHours(g, day)

    checkRate(s, this.#sensOf, this.#sayOf)
    checkSustained(s, this.#sensOf, this.#sayOf)
    if (!s.allowed) checkDenials(s, this.#familiar(s), this.#ordinary(s), this.#denialLimits, this.#orgBursts, this.#sensOf, this.#sayOf, this.#holdOf)
    if (s.fam !== undefined) this.#familyUse(s, s.fam)
    if (event.segment !== undefined) this.#segmentUse(s, event.segment)
    this.#lateral(s)
    const n = net !== undefined ? this.#networkUse(s, net) : undefined

    // Hours and days: the agent's own (schedule.ts), and its team's.
    const sched = schedule(b, day)
    const today = ownDay(sched, at)
    // An hour outside the agent's own habits does not teach its team: one compromised member
    // working at night must not make the night ordinary for the others.
    const ownShare = b.hodTotal >= 30 ? hourShare(b.hod, b.hodTotal, s.hour) : 1
    const offHours = timed ? this.#offHours(s, sched, ownShare) : undefined
    const weekendNow = weekend(today)
    const offDays = weekendNow && timed ? this.#offDays(s, sched, today) : undefined

    if (s.f && event.resource !== undefined) this.#enumeration(s, s.f, event.resource)
    // Records, per family (and per action of it once learned, checkSizes): a jump from the
    // level, and a drift (a lasting share of requests far above it); and the day's totals.
    if (s.allowed && s.f && event.records !== undefined && Number.isFinite(event.records)) {
      checkSizes(s, s.f, s.fam!, Math.max(1, event.records), event.action, this.#sensOf, this.#sayOf)
      checkDayVolume(s, s.f, s.fam!, Math.max(1, event.records), this.#sensOf, this.#sayOf)
    }

    // What was allowed and explained teaches the baseline and the groups'. A new shift is learned,
    // slowly (a couple of weeks of it); a change of the group's (a batch rescheduled by its team, a
    // team working a weekend) at once, as acknowledging it does.
    // (An hour said unusual teaches little, and so does the rest of its session: a night's
    // session running on to within three hours of the agent's day taught that hour to it and to
    // its team, whose hours then reached three hours further for the others.)
    if (offHours === 'own') b.offSession = b.sessionStart
    const offSession = b.offSession === b.sessionStart
    if (s.allowed) {
      this.#learn(s, net, n, ownShare, today, weekendNow, offDays === 'said', offSession && offDays !== 'group' ? 0.02 : 1)
      // (Counted with its days: a suspended agent's requests, which count no day, count none.)
      b.allowed++
      b.eventsToday++
    }
    b.events++
    return found
  }

  /**
   * Feedback: an operator acknowledged a finding as benign, so the baseline learns what it was
   * about (the family, segment, action or network; the hour; the level of records or rate seen;
   * for a drift, `records` is the size of request accepted for the family, kept with the baseline
   * and fading over weeks; for a walk of record ids, `run` is its length, and the family's walks
   * that day are learned whatever their length). Returns false when the agent has no baseline here.
   */
  teach(agent: string, kind: AnomalyKind, about: string, seen: { records?: number; perDay?: { records: number; requests: number }; perMinute?: number; perHour?: number; run?: number; denials?: number; at?: number; heldSince?: number } = {}): boolean {
    const b = this.#agents.get(agent)
    if (!b) return false
    this.#dirty.add(agent)
    const at = seen.at ?? b.lastAt
    const learn = (stats: { learned: boolean; days: number } | undefined) => {
      if (stats) {
        stats.learned = true
        stats.days = Math.max(stats.days, LEARN_DAYS)
      }
    }
    switch (kind) {
      case 'new-resource': learn(b.families.get(about)); break
      case 'new-segment': learn(b.segments.get(about)); break
      case 'new-network': learn(b.networks.get(about)); break
      case 'two-networks': for (const net of about.split(' ')) learn(b.networks.get(net)); break
      case 'new-action': {
        const colon = about.lastIndexOf(':')
        const f = b.families.get(about.slice(0, colon))
        if (f && !f.actions.includes(about.slice(colon + 1)) && f.actions.length < BASELINE_CAPS.actions) f.actions.push(about.slice(colon + 1))
        break
      }
      // Weekend work acknowledged: a weekend day of its own, as if it had worked one.
      case 'off-days': b.weekendDays = Math.max(1, b.weekendDays); break
      case 'off-hours': {
        const hour = Number(about)
        if (Number.isInteger(hour) && hour >= 0 && hour < 24) {
          // As if the agent were active at that hour on a few days: enough to be within its habits.
          const add = Math.max(1, b.hodTotal * 0.01)
          b.hod[hour]! += add
          b.hodTotal += add
        }
        break
      }
      // (A request's size, accepted for the family's sizes and for each of its actions': the
      // verdict names the family, and whichever judged it.)
      case 'records-jump': {
        const f = b.families.get(about)
        if (f && seen.records !== undefined && seen.records > 0) {
          for (const sizes of sizesOf(f)) {
            sizes.med = Math.max(sizes.med, Math.log(seen.records))
            sizes.fast = Math.max(sizes.fast, sizes.med)
            clearDrift(sizes)
          }
        }
        break
      }
      case 'volume-drift': {
        // A drift is a share of larger requests, the ordinary ones staying where they were: raising
        // the level would be undone by them within days, and the same share alerted again. The
        // size given is accepted instead (fading, see acceptedLevel); beyond it is still a drift.
        const f = b.families.get(about)
        // A day's volume (day-volume.ts): that day's totals are expected from now on.
        if (f && seen.perDay !== undefined) acceptDay(f, at, { perDay: seen.perDay })
        else if (f && seen.records !== undefined && seen.records > 0) {
          acceptDay(f, at, { records: seen.records })
          const lr = Math.log(seen.records)
          for (const sizes of sizesOf(f)) {
            sizes.accepted = Math.max(acceptedLevel(sizes, at), lr)
            sizes.acceptedAt = at
            clearDrift(sizes)
            // The size accepted is what every request reads now (a creep of the whole distribution,
            // its quick level): it is held, and the level catches up with the quick one as for a
            // step. A share's size (well above the quick level) is not held: that would blind the
            // test of every request to four times the share.
            if (Math.abs(lr - sizes.fast) <= driftMargin(driftSpread(Math.max(sizes.dev, 0.15)))) {
              holdLevel(sizes, lr, at)
              sizes.med = Math.max(sizes.med, sizes.fast)
            }
          }
        }
        break
      }
      // A half hour's rate (a short flood), or a minute's.
      case 'rate-spike': {
        if (about === SHORT_FLOOD && seen.perHour !== undefined) acceptHalfHour(b, seen.perHour)
        else if (seen.perMinute !== undefined) acceptMinute(b, seen.perMinute)
        break
      }
      case 'enumeration': {
        // The family is walked in order by a job of its own: the day's walks are learned.
        const f = b.families.get(about)
        if (f) teachWalk(f, Math.floor(at / DAY_MS), seen.run !== undefined && seen.run > 0 ? seen.run : 0)
        break
      }
      case 'sustained-rate': if (seen.perHour !== undefined) acceptRate(b, at, seen.perHour); break
      // Refusals that trickled: an hour of as many is its own from now on.
      case 'denial-burst': if (about === TRICKLE_ABOUT && seen.denials !== undefined) acceptTrickle(b.trickle, seen.denials); break
      default: break
    }
    for (const key of b.said.keys()) if (key.startsWith(`${kind}\u0000${about}\u0000`)) b.said.delete(key)
    // The held finding the verdict was about (its `low` alert, given by `heldSince`) is not said
    // again at its own severity; another one held since is.
    if (seen.heldSince !== undefined) {
      for (const decision of ['allow', 'deny']) {
        const key = `${agent}\u0000${kind}\u0000${about}\u0000${decision}`
        const h = this.#pending.get(key)
        if (h && h.since === seen.heldSince) {
          this.#pending.delete(key)
          h.b.held = Math.max(0, (h.b.held ?? 1) - 1)
        }
      }
    }
    return true
  }

  /** Baselines changed since the last call, as JSON rows for the store (`agent:<did>`, `group:<name>`). */
  takeDirty(): Array<{ key: string; state: string; updatedAt: number }> {
    const out: Array<{ key: string; state: string; updatedAt: number }> = []
    const groups = new Set<string>()
    for (const agent of this.#dirty) {
      const b = this.#agents.get(agent)
      if (!b) continue
      out.push({ key: `agent:${agent}`, state: snapshotBaseline(b), updatedAt: b.lastReceived })
      for (const name of this.#context(agent)?.groups ?? []) groups.add(name)
    }
    for (const name of groups) {
      const g = this.#groups.get(name)
      if (g) out.push({ key: `group:${name}`, state: snapshotGroup(g), updatedAt: g.hodDay * DAY_MS })
    }
    this.#dirty.clear()
    return out
  }

  /** Loads baselines written by {@link takeDirty} (at start); unreadable rows are skipped. Returns how many were loaded. */
  load(rows: ReadonlyArray<{ key: string; state: string }>): number {
    let loaded = 0
    for (const { key, state } of rows) {
      if (key.startsWith('agent:')) {
        const b = restoreBaseline(state)
        if (b && this.#agents.size < this.#maxAgents) {
          this.#agents.set(key.slice(6), b)
          // (Who reported them is not kept: credible again once reported after the restart.)
          for (const [net, n] of b.networks) if (internal(net)) this.#orgNets.note(net, key.slice(6), n.last)
          loaded++
        }
      } else if (key.startsWith('group:')) {
        const g = restoreGroup(state)
        if (g && this.#groups.size < this.#maxAgents) {
          this.#groups.set(key.slice(6), g)
          loaded++
        }
      }
    }
    return loaded
  }

  // The agent's groups, resolved once per context given (the issuer's cache hands out the same
  // object until it looks the agent up again).
  #groupsOf(b: AgentBaseline, ctx: AgentContext | undefined, at: number): readonly GroupBaseline[] {
    if (b.groupsOf === ctx && b.groups !== undefined) return b.groups
    const groups: GroupBaseline[] = []
    const holdGroups: GroupBaseline[] = []
    const alike: GroupBaseline[] = []
    for (const name of ctx?.groups ?? []) {
      const g = this.#group(name, at)
      if (!g) continue
      // Agents like it (its team, its role), as opposed to a whole segment of people, bots and services.
      // (The team only: a role across owners, one made-up weekend event of any of its agents
      // would make weekend work ordinary for all of them.)
      if (groups.length === 0) alike.push(g)
      if (!name.startsWith('role:')) holdGroups.push(g)
      groups.push(g)
    }
    b.groups = groups
    b.holdGroups = holdGroups
    b.alike = alike
    b.groupsOf = ctx
    return groups
  }

  // The network of an address. Most events of an agent come from the address before: parsed once.
  // Members of its groups whose weekend work makes its own ordinary (an on-call rotation), as the
  // event's reporter saw them work lately (see seenLately).
  #weekendPeers(s: Scope): number {
    const sightings = this.#sightings.of('weekend-work')
    return weekendPeers(s.b.alike ?? s.groups, this.#agents, s.agent, s.at, PEER_MS, (m) => seenLately(sightings?.get(m), s.reporter, s.at, PEER_MS))
  }

  // Whether an address is of a network the agent has used for over a day (or took up with its
  // groups, as `reporter` saw it), or of a public /16 it was allowed from on two of its /24s,
  // each first seen more than a day before (allowedInBlock: a phone handed another /24 of its
  // carrier's pool at each session): where its own software runs.
  #fromOwnNetwork(b: AgentBaseline, ip: string | undefined, at: number, reporter: string): boolean {
    const net = ip !== undefined ? networkOf(b, ip) : undefined
    return net !== undefined && (established(b, net, at, reporter) || allowedInBlock(b, net, at))
  }

  // Whether a refused family is one it or its peers use: a request out of step with what it holds
  // (a stale role, a write it should not try); one on a family foreign to them is a reach.
  #familiar(s: Scope): boolean {
    const { b, groups, agent, at, fam } = s
    return fam !== undefined && (b.families.get(fam)?.learned === true || peerCount(groups, 'families', fam, agent, at) > 0 || this.#adopters(groups, `family:${fam}`, agent, at, s.reporter) >= ADOPTERS || this.#adopters(groups, adoption(false, `family:${fam}`), agent, at, s.reporter) >= ADOPTERS)
  }

  // Whether a refused request is one it makes every day: an action it uses on a family of its own
  // (a constraint it keeps breaking, a grant that lapsed), not a reach for more.
  #ordinary(s: Scope): boolean {
    const f = s.fam !== undefined ? s.b.families.get(s.fam) : undefined
    return s.event.action !== undefined && f?.learned === true && f.actions.includes(s.event.action)
  }

  // Families: explained by learning, a recent grant or a peer's use; otherwise reported, more
  // severely when the agent holds no entitlement to it at all. Then the action used on it.
  #familyUse(s: Scope, fam: string): void {
    const { b, ctx, groups, agent, at, receivedAt, learning, allowed, event, reporter } = s
    // A stray's attempt is its requests one after the other: another family's ends it.
    if (b.strayAttempt !== undefined && b.strayAttempt.family !== fam) b.strayAttempt = undefined
    let f = b.families.get(fam)
    if (!f && b.families.size < BASELINE_CAPS.families) {
      f = newFamilyStats(at)
      b.families.set(fam, f)
    }
    s.f = f
    if (!f?.learned) {
      const since = ctx?.entitlements?.get(fam)
      const knows = ctx?.entitlements !== undefined
      const granted = since !== undefined && receivedAt - since <= NEW_GRANT_MS
      const peers = peerCount(groups, 'families', fam, agent, at)
      // Other members that took up what this event is the first use of (adopt() says), for the finding.
      let adoptedBy = 0
      let segmentAdoptedBy = 0
      if (learning) {
        if (f && allowed) f.learned = true
      } else if (allowed ? granted || (peers > 0 && !(knows && since === undefined)) : granted || peers > 0) {
        if (f && allowed) f.learned = true
      } else if (!(allowed && knows && since === undefined) && ((adoptedBy = this.#adopt(s, groups, adoption(allowed, `family:${fam}`), agent, at)) >= ADOPTERS || (event.segment !== undefined && b.segments.get(event.segment)?.learned !== true && (segmentAdoptedBy = this.#adopters(groups, adoption(allowed, `segment:${event.segment}`), agent, at, reporter)) >= ADOPTERS))) {
        // (Never the use of a family it holds no entitlement to at all: that stays a finding of
        // its own whoever else reaches for it.)
        // Taken up by several of its groups at once: a change of the group's, said below medium.
        if (f && allowed) {
          touchDay(f, at)
          if (f.days >= LEARN_DAYS) f.learned = true
          // (The family taken up with it: not a segment new to it that its mates took up with
          // families of their own, which a lone thief's first use could ride.)
          if (adoptedBy >= ADOPTERS) tookPart(b, fam, at, [reporter])
        }
        this.#report(s, 'new-resource', fam, 0.3, { expected: learnedKeys(b.families), seen: fam, resource: event.resource, known: learnedKeys(b.families), adoptedBy, ...(adoptedBy < ADOPTERS ? { segmentAdoptedBy } : {}), explained: GROUP_CHANGE }, [reporter], 'low')
      } else if (f && allowed && since !== undefined && this.#weeklyDuty(b, f, event, at)) {
        // A family it holds an entitlement to, used last a week ago at about this hour, with an
        // action it uses on its own families and no larger than four times the most it read before
        // the day: a duty that comes round each week (a Sunday backup of every family it holds),
        // said low and no reach (its segment's likewise, #segmentUse). The week before was judged
        // as any first use; learned after LEARN_DAYS such days, as any entitled use.
        touchDay(f, at)
        s.weekly = true
        this.#report(s, 'new-resource', fam, 0.3, { expected: learnedKeys(b.families), seen: fam, resource: event.resource, known: learnedKeys(b.families), entitled: true, peers, weekly: true }, [reporter], 'low')
        if (event.action !== undefined && !f.actions.includes(event.action) && f.actions.length < BASELINE_CAPS.actions) f.actions.push(event.action)
        if (f.days >= LEARN_DAYS) f.learned = true
      } else {
        s.familyExplained = false
        const reaches = this.#reach(b, at, `family:${fam}`, reporter, !s.allowed)
        const entitled = knows ? since !== undefined : undefined
        // No entitlement at all, or no context to say: a reach for another family of data.
        // A dormant entitlement nobody near it uses: suspicious, and more so when repeated.
        const strong = entitled !== true || reaches >= 3
        // Refused, it gave nothing away: high once another verifier saw the same reach, or it
        // went on for KEPT_UP_MS (what automatic containment needs anyway); before that one
        // verifier's few minutes of it are medium (a misconfigured tool retries in a burst).
        const grave = strong && (allowed || keptUp(b.reachRuns.get(`family:${fam}`), at))
        if (f && allowed) touchDay(f, at)
        const details = { expected: learnedKeys(b.families), seen: fam, resource: event.resource, known: learnedKeys(b.families), entitled, peers, uses: reaches }
        // An allowed use of a family it holds no entitlement to is never a group change: said at once.
        if (allowed && knows && since === undefined) this.#report(s, 'new-resource', fam, 0.8, details, [reporter], 'high')
        // One refused request into a family it holds no entitlement to, and no other refused reach
        // within the day: a link followed, a tool's guess at a record. Nothing was given away:
        // held low, so that another verifier's report of the same reach (or its going on) makes
        // it the reach it is, said as below with both reporters' evidence. A second refused reach
        // within the day (that family again, or another), beyond the stray's one attempt (a
        // refused search and a read of what it named: see #stray), is a reach from the start.
        else if (!allowed && entitled !== true && (s.soleRefusal = this.#stray(s, fam))) {
          this.#hold(s, this.#takenUp(s, adoption(false, `family:${fam}`), event.segment), 'new-resource', fam, 0.3, { ...details, sole: true, ...strayExplained(s.strayAgain) }, 'low', `family:${fam}`)
        }
        // A family it holds an entitlement to, from a verifier of the segment the issuer enrolled
        // it in, with an action it uses on its own families, at most four times the largest
        // request it regularly makes: a duty that comes round (a month's close, a quarterly
        // report), said low. Elsewhere (a sales agent's forgotten grant to HR records), with an
        // action it never uses (deletes by an agent that reads) or none reported, or a bulk read,
        // it is a reach, as above. The action is noted: the family, learned after days of such
        // use, does not take whatever action comes first that day as its own. (The registry's
        // segment, not one learned: peers, a verdict, or a hostile reporter's made-up event can
        // make any segment learned.)
        else if (allowed && entitled === true && this.#ownDuty(b, ctx, event)) {
          this.#report(s, 'new-resource', fam, 0.3, { ...details, ownSegment: event.segment }, [reporter], 'low')
          if (f && event.action !== undefined && !f.actions.includes(event.action) && f.actions.length < BASELINE_CAPS.actions) f.actions.push(event.action)
        } else {
          this.#hold(s, this.#takenUp(s, adoption(allowed, `family:${fam}`), event.segment),
            'new-resource', fam, grave ? 0.8 : strong ? 0.65 : 0.55, details, grave ? 'high' : 'medium', `family:${fam}`)
        }
        // Continued use over days of what it is entitled to is a new habit, not an intrusion.
        if (f && allowed && entitled === true && f.days >= LEARN_DAYS) f.learned = true
      }
    }
    if (f?.learned && allowed && event.action !== undefined) this.#actionUse(s, f, fam, event.action)
  }

  // An action on a family it knows: a first use nobody explains, or a burst of a rare one.
  #actionUse(s: Scope, f: FamilyStats, fam: string, action: string): void {
    const { b, ctx, groups, agent, at, receivedAt, learning, mature, day, event, reporter } = s
    // An action it used on few days: its uses a day, and the earlier day it was used on.
    // Per family: a delete learned on a scratch table says nothing of deletes on payroll.
    const rare = rareOf(b.rare, fam, action)
    const earlier = rare !== undefined && rare.day < day && teaches(rare)
    if (rare && rare.day !== day) {
      // A day beyond the burst limit is said, and teaches nothing, unless the day of use before it
      // was beyond it too at a like pace (within twice either way): a new pace that holds, as an
      // action first seen late on a day and then used every day at its own pace, raises the limit
      // at most twofold a day and stops being a burst within days; one burst (a thief's) followed
      // by uses ramped up day by day teaches nothing, and the ramp is said each day.
      const limit = rareBurst(rare)
      const beyond = rare.count > limit
      if (!beyond || (rare.over > 0 && rare.count <= 2 * rare.over && 2 * rare.count >= rare.over)) rare.most = Math.max(rare.most, Math.min(rare.count, limit))
      rare.over = beyond ? rare.count : 0
      // Whether the day's first use came with no other alarm is judged afresh each day: a nightly
      // job whose first writes came amid its first nights' other findings learns them after a
      // quiet night, not never (it was said medium every night). A thief's writes still need a
      // day said medium whose first use was quiet before they are learned. Never on a day ahead
      // of the issuer's clock (a reporter's events dated ahead); a day whose uses were said only
      // low, as ones it makes elsewhere, teaches nothing either (below: `lowOnly`).
      if (day > rare.day) {
        rare.clean = day <= Math.floor(receivedAt / DAY_MS) && quietHour(b, at)
        rare.lowOnly = false
        rare.firstAt = at
      }
      rare.day = day
      rare.count = 0
      rare.days++
    }
    if (rare) {
      rare.count++
      if (!rare.by.includes(reporter) && rare.by.length < RARE_REPORTERS) rare.by.push(reporter)
    }
    if (!f.actions.includes(action)) {
      const since = ctx?.entitlements?.get(fam)
      const granted = since !== undefined && receivedAt - since <= NEW_GRANT_MS
      // Its peers' use explains an action only to an agent that already uses it elsewhere, or
      // whose habits are not known yet: an agent that never wrote starting to write is new
      // whoever else writes.
      const peers = peerCount(groups, 'actions', `${fam}\u0000${action}`, agent, at) > 0 && (!mature || this.#usesAction(b, action))
      let adoptedBy = 0
      const adoptKey = `action:${fam}\u0000${action}`
      // (The first action on a family it knows is the family's own only when it uses that action
      // elsewhere, or its habits are not known yet: a first, silent delete on a family its peers
      // use must not make deletes an action it uses.)
      if (learning || granted || peers || (f.actions.length === 0 && (!mature || this.#usesAction(b, action))) || earlier || sameKind(f.actions, action)) {
        if (f.actions.length < BASELINE_CAPS.actions) f.actions.push(action)
        f.notedDay = -1
      } else if ((adoptedBy = this.#adopt(s, groups, adoptKey, agent, at)) >= ADOPTERS) {
        this.#report(s, 'new-action', `${fam}:${action}`, 0.3, { expected: [...f.actions], seen: action, family: fam, resource: event.resource, adoptedBy, explained: GROUP_CHANGE }, [reporter], 'low')
      } else if ((adoptedBy = spreadAdopters(s.holdGroups, adoptKey, agent, at, this.#sightings.credibleTo(adoptKey, reporter))) >= SPREAD_ADOPTERS) {
        // Spreading through its team or segment over days (never a role across the organisation):
        // three others took it up this week. Still a reach for lateral movement, and watched as a
        // first use is, learned when used again on a later day with no other alarm (clean only
        // when the hour had no other finding).
        const quiet = quietHour(b, at)
        this.#reach(b, at, `action:${fam}:${action}`, reporter, !s.allowed)
        this.#report(s, 'new-action', `${fam}:${action}`, 0.3, { expected: [...f.actions], seen: action, family: fam, resource: event.resource, adoptedBy, spreading: true, explained: 'spreading through its groups' }, [reporter], 'low')
        if (!rare) watchAction(b, fam, action, day, quiet, false, at, reporter)
      } else {
        s.familyExplained = false
        // Other findings about the agent within the hour: a first use among them teaches nothing.
        const quiet = quietHour(b, at)
        const reaches = this.#reach(b, at, `action:${fam}:${action}`, reporter, !s.allowed)
        const details = { expected: [...f.actions], seen: action, family: fam, resource: event.resource }
        // An action it uses on another family of its own (a cleanup job's deletes on another of
        // its tables), used here once or twice a day: low, and it teaches nothing (or a job that
        // deletes on scratch could teach itself payroll deletes two at a time). A third use within
        // the hour, or that day, is said as any first use is.
        const elsewhere = reaches < 3 && (rare?.count ?? 1) <= 2 && this.#usesElsewhere(b, action, fam, day)
        if (elsewhere) this.#report(s, 'new-action', `${fam}:${action}`, 0.3, { ...details, usedElsewhere: true, ...(this.#usesElsewhere(b, action, fam, day, reporter) ? { explained: 'used on another family, as its reporter saw' } : {}) }, [reporter], 'low')
        else {
          this.#hold(s, this.#takenUp(s, adoptKey),
            'new-action', `${fam}:${action}`, reaches >= 3 ? 0.75 : 0.5, details, 'medium', `action:${fam}:${action}`)
        }
        // Watched from now on: learned when used again on a later day with no other alarm.
        if (!rare) watchAction(b, fam, action, day, quiet, elsewhere, at, reporter)
        else rare.lowOnly = elsewhere
      }
    }
    // (How much it reads is the volume checks' to judge: records and requests a day, day-volume.ts.)
    if (rare && f.actions.includes(action) && rare.action !== READ_KIND && rare.count > rareBurst(rare)) {
      // A rare action learned from its own earlier use, now far beyond the most it did in a day.
      this.#report(s, 'new-action', `${fam}:${action}`, 0.75, { expected: `at most ${Math.max(1, rare.most)} a day`, seen: rare.count, family: fam, resource: event.resource, rare: true })
    }
  }

  // The verifier's segment: another part of the organisation.
  #segmentUse(s: Scope, segment: string): void {
    const { b, ctx, groups, agent, at, receivedAt, learning, allowed, fam, f } = s
    let seg = b.segments.get(segment)
    if (!seg && b.segments.size < BASELINE_CAPS.segments) b.segments.set(segment, (seg = newPlaceStats(learning, false, at)))
    if (!seg || seg.learned) return
    // (Before touchDay: whether its previous day of use was a week ago.)
    const weekly = allowed && s.weekly && weeklyUse(seg, at)
    if (allowed) touchDay(seg, at)
    // A grant covering the family used there explains the segment (a re-org, a new duty), as
    // does an entitlement held when the family's use is explained otherwise.
    const since = fam !== undefined ? ctx?.entitlements?.get(fam) : undefined
    const covered = allowed && since !== undefined && (receivedAt - since <= NEW_GRANT_MS || (s.familyExplained && f?.learned === true))
    if (peerCount(groups, 'segments', segment, agent, at) > 0 || covered || (allowed && seg.days >= LEARN_DAYS && s.familyExplained)) seg.learned = true
    else if (weekly) this.#report(s, 'new-segment', segment, 0.3, { expected: learnedKeys(b.segments), seen: segment, known: learnedKeys(b.segments), family: fam, weekly: true }, [s.reporter], 'low')
    else if (b.segments.size > 1 || !learning) {
      let adoptedBy = 0
      if ((adoptedBy = this.#adopt(s, groups, adoption(allowed, `segment:${segment}`), agent, at)) >= ADOPTERS) {
        this.#report(s, 'new-segment', segment, 0.3, { expected: learnedKeys(b.segments), seen: segment, known: learnedKeys(b.segments), family: fam, adoptedBy, explained: GROUP_CHANGE }, [s.reporter], 'low')
      } else if (!allowed && (s.familyExplained ? this.#soleRefusal(b, at, 0) : s.soleRefusal)) {
        // As for the family (#familyUse): one refused request and no other within the day (its
        // family's reach, when it was one, is this request's own, judged there).
        this.#reach(b, at, `segment:${segment}`, s.reporter, true)
        markStray(b, at, `segment:${segment}`)
        this.#hold(s, this.#takenUp(s, adoption(false, `segment:${segment}`)),
          'new-segment', segment, 0.3, { expected: learnedKeys(b.segments), seen: segment, known: learnedKeys(b.segments), family: fam, sole: true, ...strayExplained(!s.familyExplained && s.strayAgain) }, 'low', `segment:${segment}`)
      } else {
        this.#reach(b, at, `segment:${segment}`, s.reporter, !allowed)
        this.#hold(s, this.#takenUp(s, adoption(allowed, `segment:${segment}`)),
          'new-segment', segment, 0.5, { expected: learnedKeys(b.segments), seen: segment, known: learnedKeys(b.segments), family: fam }, 'medium', `segment:${segment}`)
      }
    }
  }

  // Lateral movement: several unexplained reaches within the hour (reaches older are let go).
  // Held with the reaches it counts: those its groups explain meanwhile are withdrawn first.
  #lateral(s: Scope): void {
    const { b, at } = s
    while (b.reaches.length > 0 && at - b.reaches[0]!.at > HOUR) b.reaches.shift()
    const distinct = lateralReaches(b.reaches, at - HOUR, at)
    // (Strays alone, two at most within the hour, are no lateral movement: see #soleRefusal.)
    if (distinct > 0 && !b.reaches.every((r) => r.stray === true || at - r.at > HOUR || r.at > at)) this.#holdLateral(s, distinct)
  }

  // (Apart from #lateral, which runs for every event: see #takenUp.)
  #holdLateral(s: Scope, distinct: number): void {
    const { b, at } = s
    // Judged by the reaches it counted, and those that came after it (another reporter's,
    // repeating it, are judged with it): only reaches withdrawn (explained by the group) explain
    // it, not reaches aged out of the hour or pushed out of the list meanwhile. Reaches all
    // refused gave nothing away: held as long as a refusal is, whatever the event that found them
    // (a re-organised team's first members, refused until their grants land).
    const counted = b.reaches.filter((r) => at - r.at <= HOUR && r.at <= at)
    const refused = b.reaches.every((r) => r.refused)
    // Refused reaches into one or two families (and segments), each one attempt (a stray's: see
    // STRAY_TRIES), none seen by another verifier, are medium, as a refused reach's first use is:
    // an assistant whose user asks twice within the hour for what it may not read, the second ask
    // a search and a read of what it named (one request each, they are two strays: #lateral
    // holds nothing for strays alone). High once
    // allowed, into a third family or segment, tried again, or seen by another verifier; or when
    // the hour's reaches are more than two such attempts make (refusals made up to push the
    // reaches that would make it high out of the list, which keeps the last 32).
    // (A segment reached by the same request as a family is that family's attempt: two families
    // of one segment, each tried once, reach it twice.)
    const whats = new Set(counted.map((r) => r.what))
    const spread = (prefix: string) => [...whats].filter((w) => w.startsWith(prefix)).length
    const attempts = counted.filter((r) => r.what.startsWith('family:') || !counted.some((x) => x.at === r.at && x.what.startsWith('family:')))
    const grave = !refused || spread('family:') >= 3 || spread('segment:') >= 3 || counted.length > 4 * STRAY_TRIES ||
      [...new Set(attempts.map((r) => r.what))].some((what) => !oneAttempt(attempts, what) || keptUp(b.reachRuns.get(what), at))
    this.#hold(s, (t) => lateralReaches([...counted.filter((r) => !r.withdrawn), ...b.reaches.filter((r) => r.at > at)], -Infinity, t) === 0,
      'lateral-movement', '', Math.min(1, 0.6 + distinct * 0.08), { expected: 'its own families and segments', seen: [...new Set(b.reaches.map((r) => r.what))], windowMinutes: 60, ...(refused ? { refused: true } : {}) }, grave ? 'high' : 'medium', undefined, refused)
  }

  // Networks: a new one, one nobody in its groups uses for an agent with no history, two at once.
  #networkUse(s: Scope, net: string): NetworkStats | undefined {
    const { b, ctx, groups, agent, at, receivedAt, learning, allowed, event, reporter } = s
    let n = b.networks.get(net)
    const publicNet = privateBlock(net) === undefined
    // The network of its request before this one (#twoNetworks moves it on).
    const from = b.prevNet
    if (!n) {
      // A full table makes room (forgetStalest).
      const room = b.networks.size < BASELINE_CAPS.networks
      if (room || forgetStalest(b.networks, at)) {
        b.networks.set(net, (n = newPlaceStats(learning, learning, at)))
        // Taken in by making room, it is not noted with its groups nor as a move (a flood of new
        // addresses must not fill its groups' adoptions, nor the organisation's moves), and is
        // never beside its own (a thief's networks used beside the owner's on two days must not
        // make a provider's pool of a full table: sameSite), as before a full table made room.
        n.crowded = !room
        if (room && !learning) this.#adoptNetwork(s, net, true)
        // An established agent allowed from a public network new to it, straight from one of its own:
        // a move the organisation may be making (see the no-history rule below).
        if (room && publicNet && !learning && allowed && from !== undefined && b.networks.get(from)?.learned === true) this.#orgNets.noteMove(net, agent, from, at, reporter)
      }
    } else if (!n.learned && !learning && at - n.first <= ADOPT_MS) this.#adoptNetwork(s, net, false)
    // An agent with no history is judged against its groups: a credential long held and never
    // used, now used from a public network nobody in its groups uses, while the groups have been
    // known long enough to say so (not a newly enrolled agent: it holds a recent grant). Not a
    // network several established agents, whatever their groups, moved to within the day from
    // networks of the /16 it comes from: the organisation's move (a migration, a failover), which
    // a quiet job within its learning period's count (five requests a night) follows hours after
    // the others; said low, and the agent's own to that reporter from then on (keptBy: the next
    // nights come more than a day after the others moved).
    if (learning && b.events < this.#learnEvents && publicNet && this.#dormant(ctx, groups, receivedAt) && this.#orgNets.usedPeers(groups, net, agent, at, reporter) === 0) {
      const movers = n?.keptBy?.includes(reporter) ? ORG_MOVERS : from === undefined || from === net ? 0 : this.#orgNets.movedTo(net, agent, from, at, reporter)
      const moved = movers >= ORG_MOVERS
      if (moved && n && !n.keptBy?.includes(reporter) && (n.keptBy?.length ?? 0) < 4) {
        n.keptAt ??= at
        ;(n.keptBy ??= []).push(reporter)
      }
      this.#report(s, 'new-network', net, moved ? 0.3 : 0.6, { expected: 'its groups\' networks (an agent with no history)', seen: net, ip: event.ip, noHistory: true, ...(moved ? { movedWith: movers } : {}) }, [reporter], moved ? 'low' : 'medium')
    }
    if (n) {
      if (allowed) touchDay(n, at)
      if (!n.learned && !learning) {
        // A team mate's network, as this reporter saw the mate there: for a public one, the mate's
        // own (three days: not a controlled mate's one event there, nor a hostile reporter's
        // made-up one, nor one a mate left long ago; see settledPeers); for an internal one, the
        // organisation's, any use two days old (a ward's or a VPN pool's /24s, each used by a mate
        // on a day or two).
        const peers = internal(net) ? this.#orgNets.usedPeers(groups, net, agent, at, reporter) : this.#orgNets.settledPeers(groups, net, agent, at, reporter)
        if (peers > 0 || (allowed && n.days >= LEARN_DAYS)) n.learned = true
        else this.#report(s, 'new-network', net, 0.3, { expected: learnedKeys(b.networks), seen: net, ip: event.ip, known: learnedKeys(b.networks) })
      }
    }
    this.#twoNetworks(s, net)
    return n
  }

  // Hours: activity where neither the agent nor its team is ever active, or far outside a narrow
  // schedule of its own. Returns `own` when the hour is said unusual for the agent alone, `group`
  // when it is its team's change, undefined when it is within its habits.
  #offHours(s: Scope, sched: Schedule, share: number): 'own' | 'group' | undefined {
    const { b, groups, agent, at, mature, hour } = s
    const sensHours = this.#sensOf['off-hours']
    if (!mature || sensHours <= 0 || b.hodTotal < 30) return undefined
    const team = groups[0]
    const limit = OFF_HOURS_SHARE * sensHours
    // A narrow, regular schedule (a nightly batch) is the agent's own: its team's daytime bots
    // do not excuse it at lunchtime. Hours near its window are not judged so (a daylight-saving
    // shift, a late run after an outage), nor is a session that started near it running on.
    const own = sched.width > 0 && hoursOutside(sched, hour) > SCHEDULE_SLACK_HOURS && hoursOutside(sched, Math.floor(b.sessionStart / HOUR) % 24) > SCHEDULE_SLACK_HOURS
    const whole = team && team.hodTotal >= 30 ? hourShare(team.hod, team.hodTotal, hour) : 0
    // Its office's hours, where the whole team's would excuse it (#officeShare).
    const office = team && share < limit && !own && whole >= limit ? this.#officeShare(s, team) : undefined
    const teamShare = office !== undefined ? Math.min(whole, office) : whole
    const by = office !== undefined && office < whole ? 'office' : 'team'
    if (!(share < limit && (teamShare < limit || own))) return undefined
    // Several batches of its team off their schedules at the same hour: the team's rescheduling
    // (only for a narrow schedule, and only the team: people at night together, or attacks on
    // several members of a segment at the same hour, are no rescheduling).
    const mates = groups.slice(0, 1)
    const adoptedBy = own ? Math.max(this.#adopt(s, mates, `hour:${hour}`, agent, at), this.#adopters(mates, `hour:${(hour + 23) % 24}`, agent, at, s.reporter), this.#adopters(mates, `hour:${(hour + 1) % 24}`, agent, at, s.reporter)) : 0
    const expected = own
      ? `its own schedule: ${(hourShare(b.hod, b.hodTotal, (sched.from + (sched.width >> 1)) % 24, sched.width >> 1) * 100).toFixed(0)}% of its activity within ${sched.width} h from ${sched.from}:00 UTC (${by} ${(teamShare * 100).toFixed(2)}% near ${hour}:00)`
      : `${(share * 100).toFixed(2)}% of its activity (${by} ${(teamShare * 100).toFixed(2)}%) within three hours of ${hour}:00 UTC`
    if (adoptedBy >= ADOPTERS) {
      this.#report(s, 'off-hours', String(hour), 0.3, { expected, seen: `${hour}:00 UTC`, hourUtc: hour, adoptedBy, explained: GROUP_CHANGE }, [s.reporter], 'low')
      return 'group'
    }
    const recentOff = b.recent.filter((r) => r.kind === 'off-hours').length
    this.#report(s, 'off-hours', String(hour), recentOff >= 4 ? 0.75 : 0.5, { expected, seen: `${hour}:00 UTC`, hourUtc: hour, ...(own ? { ownSchedule: true } : {}) })
    return 'own'
  }

  // The share of activity near the hour of the members of its team working where it works, with its
  // own, or undefined when fewer than OFFICE_MATES do: a team spread over three time zones is awake
  // somewhere at every hour, its members in the agent's office are not (workload-h: a person's
  // assistant used at 3 a.m. was never said, its team's members in other zones were at work). Where
  // it works: the places of its own (its established networks used within PEER_MS, not an office it
  // moved away from); once two members work there, the place it is used from now as well (a visit to
  // the team's office in another zone is judged with that office's members too: an adversarial
  // review; that office's alone, or the place it is used from making an office where its own places
  // made none, put on-call engineers' nights on the VPN, whose other users work by day, at medium on
  // workload-g). A member works at a place it is allowed from (established) and used within PEER_MS
  // (not one that moved away). An agent working where no other member does (from home) is judged with
  // the whole team, as before; so is a hospital's staff, every shift on the site's private /16. The
  // caller takes the lower of this and the whole team's share. Kept for the agent's hour and team, by
  // place and reporter: every request of a night session asks (one entry an agent, a second review
  // found, was asked afresh at every request when two verifiers took turns).
  #officeShare(s: Scope, team: GroupBaseline): number | undefined {
    const { b, at, reporter, hour } = s
    const net = s.event.ip !== undefined ? networkOf(b, s.event.ip) : undefined
    const here = net !== undefined ? placeOf(net) : ''
    const hourOf = Math.floor(at / HOUR)
    let kept = this.#offices.get(b)
    if (kept === undefined || kept.hour !== hourOf || kept.team !== team) this.#offices.set(b, (kept = { hour: hourOf, team, shares: new Map() }))
    const key = `${here}\u0000${reporter}`
    if (kept.shares.has(key)) return kept.shares.get(key)
    const places = new Set<string>()
    for (const [known, n] of b.networks) if (at - n.last <= PEER_MS && established(b, known, at, reporter)) places.add(placeOf(known))
    const mates = this.#matesAt(s, team, places)
    let share: number | undefined
    if (mates.size >= OFFICE_MATES) {
      if (here !== '' && !places.has(here)) for (const m of this.#matesAt(s, team, new Set([here]))) mates.add(m)
      mates.add(b)
      let near = 0
      let total = 0
      for (const m of mates) {
        near += hourShare(m.hod, 1, hour)
        total += m.hodTotal
      }
      share = near / total
    }
    // (The oldest goes to make room: a full map cleared at once kept one share fewer, a third
    // review found, and sixteen verifiers taking turns asked afresh at every request.)
    if (kept.shares.size >= OFFICE_SHARES_KEPT) kept.shares.delete(kept.shares.keys().next().value!)
    kept.shares.set(key, share)
    return share
  }

  // The members of its team (not itself) working at one of `places` (#officeShare).
  #matesAt(s: Scope, team: GroupBaseline, places: ReadonlySet<string>): Set<AgentBaseline> {
    const mates = new Set<AgentBaseline>()
    if (places.size === 0) return mates
    for (const [net, usage] of team.networks) {
      if (!places.has(placeOf(net))) continue
      for (const m of usage.members) {
        const mb = m !== s.agent ? this.#agents.get(m) : undefined
        const used = mb?.networks.get(net)
        if (mb !== undefined && used !== undefined && mb.hodTotal >= 30 && s.at - used.last <= PEER_MS && established(mb, net, s.at, s.reporter)) mates.add(mb)
      }
    }
    return mates
  }

  // Days: an agent of working days (WORK_DAYS of its own or more, a whole weekend seen without
  // use, never a weekend day, and a night that tells its days apart) used on a weekend day of its
  // own. Weekend work is ordinary where weekday members of its groups did it on earlier weekends
  // (an on-call rotation); a team working a weekend together is the group's change. Returns
  // `said` when the day was said unusual for the agent, `group` when it is its groups' change.
  #offDays(s: Scope, sched: Schedule, today: number): 'said' | 'group' | undefined {
    const { b, groups, agent, at } = s
    if (!(sched.night && s.mature && this.#sensOf['off-days'] > 0 && b.weekendDays === 0 && b.quietWeekends >= 1 && b.workDays >= WORK_DAYS && b.weekendFlagged < 2 && this.#weekendPeers(s) < WEEKEND_PEERS)) return undefined
    const expected = `working days only: ${b.workDays} working days of its own, no weekend day, ${b.quietWeekends} whole weekend(s) without use`
    const seen = `${new Date(today * DAY_MS).toUTCString().slice(0, 3)} (its day runs from ${(24 - sched.shift) % 24}:00 UTC)`
    let adoptedBy = 0
    if ((adoptedBy = this.#adopt(s, groups, 'weekend', agent, at)) >= ADOPTERS) {
      this.#report(s, 'off-days', 'weekend', 0.3, { expected, seen, weekend: true, adoptedBy, explained: GROUP_CHANGE }, [s.reporter], 'low')
      return 'group'
    }
    // One quiet weekend says little (a tenth of people who work weekdays work some weekend
    // now and then): said low until two have passed; not learned from either way.
    const settled = b.quietWeekends >= WEEKEND_QUIET
    this.#report(s, 'off-days', 'weekend', settled ? 0.5 : 0.3, { expected, seen, weekend: true }, [s.reporter], settled ? 'medium' : 'low')
    return 'said'
  }

  // Enumeration: a walk of the family's record ids in order (ordered-ids.ts), whatever was
  // decided (a walk refused record after record is one too). Learned from the start, judged
  // once its habits are (a job that pages in order is ordinary for it).
  #enumeration(s: Scope, f: FamilyStats, resource: string): void {
    const id = recordId(resource)
    if (id < 0) return
    const sens = this.#sensOf['enumeration']
    const run = noteId(f, id, s.day, s.mature && s.at >= f.idSince, sens, s.reporter, s.allowed)
    if (run < 0) return
    const fam = s.fam!
    const { stride, today, fresh } = walkOf(f, run)
    const limit = walkLimit(f, sens)
    const usual = Math.round(f.idMost)
    // Ids its walks covered before (its job's own list) do not count: `fresh` are the others.
    const known = fresh < today ? { beyondKnown: fresh, known: [f.idLo, f.idHi] } : {}
    this.#report(s, 'enumeration', fam, Math.min(1, 0.5 + 0.25 * Math.log2(fresh / limit)), {
      expected: `at most ${Math.floor(limit)} ids of ${fam} in order a day beyond those its walks covered (the longest walk it made in a day: ${usual})`,
      seen: `${today} ids in order by ${stride}, to ${resource}${fresh < today ? `, ${fresh} of them beyond ids ${f.idLo}-${f.idHi}` : ''}`, run: today, stride, usual, resource, ...known,
    }, undefined, fresh > ORDERED_IDS.highTimes * limit ? 'high' : 'medium')
  }

  // What an allowed use teaches: its days and hours (`weight`: less for an hour said unusual),
  // and its groups what it uses.
  #learn(s: Scope, net: string | undefined, n: NetworkStats | undefined, ownShare: number, today: number, weekendNow: boolean, weekendFlag: boolean, weight: number): void {
    const { b, groups, agent, at, day, hour, fam, f, event } = s
    const team = groups[0]
    // Its own day counted once (weekend work noted with its groups unless it was said unusual).
    if (weekendNow && !weekendFlag && today !== b.activeDay) for (const g of groups) noteWeekend(g, agent, at, BASELINE_CAPS.groupMembers)
    // Who sees its weekend work (see #weekendPeers): one made-up weekend event of a member that
    // worked weekends long ago must not make the team's weekend work recent again.
    if (weekendNow && !weekendFlag) this.#sightings.note(agent, 'weekend-work', s.reporter, at)
    countDay(b, today, weekendFlag)
    b.hod[hour]! += weight
    b.hodTotal += weight
    if (team && ownShare >= 0.003) {
      team.hod[hour]! += weight
      team.hodTotal += weight
    }
    // Groups hear of a member's use once a day per thing used: what counts is who used it and
    // when last (within 30 days), not how often.
    if (groups.length === 0) return
    if (fam !== undefined && f?.learned && f.notedDay !== day) {
      f.notedDay = day
      for (const g of groups) {
        noteUsage(g.families, fam, agent, at, 4 * BASELINE_CAPS.families)
        for (const action of f.actions) noteUsage(g.actions, `${fam}\u0000${action}`, agent, at, 4 * BASELINE_CAPS.families)
      }
    }
    // A network is noted even before it is learned: a team moving office together is a
    // group change, and each member's first use is then explained by the others'.
    if (net !== undefined && n && n.notedDay !== day) {
      n.notedDay = day
      n.notedBy = []
      for (const g of groups) noteUsage(g.networks, net, agent, at, 4 * BASELINE_CAPS.networks)
      if (internal(net)) this.#orgNets.note(net, agent, at)
    }
    // Who sees it there, each reporter once a day (a service that is not the first of the day the
    // agent reaches sees it too): see OrgNetworks.settledPeers (org-networks.ts). (Bounded: a
    // flood of reporters costs a look-up each, not a note.)
    if (net !== undefined && n && !n.notedBy?.includes(s.reporter) && (n.notedBy?.length ?? 0) < 4 * USES_REPORTERS) {
      ;(n.notedBy ??= []).push(s.reporter)
      this.#sightings.note(agent, `uses:${net}`, s.reporter, at)
    }
    const seg = event.segment !== undefined ? b.segments.get(event.segment) : undefined
    if (seg?.learned && seg.notedDay !== day) {
      seg.notedDay = day
      for (const g of groups) noteUsage(g.segments, event.segment!, agent, at, 4 * BASELINE_CAPS.segments)
    }
  }

  // A suspended or retired agent's fifth different request within the day: someone using its
  // credential, not its software retrying (blocked-use.ts).
  #misuse(s: Scope, status: 'suspended' | 'retired'): void {
    const { b, event, reporter } = s
    const { requests, reportedBy } = requestsOf(b.blockedUse, reporter)
    this.#report(s, 'credential-misuse', event.credential ?? '', 0.9, {
      expected: `no use (${status}), or its own software retrying the same few requests`,
      seen: `${requests.length} different requests (family and action) within a day, ${reportedBy} of them reported by ${reporter}: ${requests.join(', ')}`,
      status, requests, reportedBy, credential: event.credential,
    })
  }

  // Says a finding about the event's agent (by default on its reporter's evidence, at the kind's severity).
  #report(s: Scope, kind: AnomalyKind, about: string, score: number, details: Record<string, unknown>, evidence: readonly string[] = [s.reporter], severity: RiskLevel = BASE_SEVERITY[kind]): boolean {
    return this.#say(s, kind, about, score, details, evidence, severity)
  }

  // Whether `member` uses `net` as a network of its own: allowed on LEARN_DAYS days or more, within PEER_MS.
  #settled(member: string, net: string, at: number): boolean {
    const s = this.#agents.get(member)?.networks.get(net)
    return s !== undefined && s.days >= LEARN_DAYS && at - s.last <= PEER_MS
  }

  // A network new to the agent, noted with its groups (`first`: on its first use; later, within
  // ADOPT_MS, only other reporters of that use are noted): several members taking up the same
  // one, or new networks of the same private block, at once is a move of the group's (a rollout
  // to new node subnets, a failover to a standby VPN concentrator).
  #adoptNetwork(s: Scope, net: string, first: boolean): void {
    const { b, groups, agent, at, reporter } = s
    const block = privateBlock(net)
    if (first) {
      this.#adopt(s, groups, `net:${net}`, agent, at)
      if (block !== undefined) this.#adopt(s, groups, `block:${block}`, agent, at)
    } else {
      this.#sightings.note(agent, `net:${net}`, reporter, at)
      if (block !== undefined) this.#sightings.note(agent, `block:${block}`, reporter, at)
    }
    // And with the agents that share a network it uses (a VPN concentrator, an office): moved
    // together to the same new one, they are the network's change (a failover).
    for (const [usual, u] of b.networks) {
      if (!u.learned || usual === net || at - u.last > DAY_MS) continue
      if (first) this.#orgNets.adoptVia(usual, net, agent, at, reporter, s.event.ip)
      else this.#orgNets.seenVia(usual, net, agent, at, reporter, s.event.ip)
    }
  }

  // Other members of its groups that took `key` up, as `reporter` saw them (see Credible).
  #adopters(groups: readonly GroupBaseline[], key: string, agent: string, at: number, reporter: string, sticky = true, besides?: string): number {
    const all = adopters(groups, key, agent, at, sticky)
    // Who reported them is asked only when it matters (this runs on the events of every agent
    // taking part in a group change): fewer than ADOPTERS explain nothing either way.
    return all < ADOPTERS ? all : adopters(groups, key, agent, at, sticky, this.#sightings.credibleTo(key, reporter, besides))
  }

  // From a verifier of the agent's enrolled segment, with an action it uses on a family it knows,
  // and no larger than four times the largest request it regularly makes (largestRegular).
  #ownDuty(b: AgentBaseline, ctx: AgentContext | undefined, event: VerificationEvent): boolean {
    if (event.segment === undefined || event.action === undefined || ctx?.groups?.includes(`segment:${event.segment}`) !== true || !this.#usesAction(b, event.action)) return false
    if (event.records === undefined) return true
    return Math.log(Math.max(1, event.records)) <= largestRegular(b) + Math.log(4)
  }

  // A weekly duty's next run (#familyUse): an action it uses on its own families, records at most
  // four times the largest it read from the family before the day (the day's own reads must not
  // raise the bar read by read: an adversarial review), its previous day of use a week ago.
  #weeklyDuty(b: AgentBaseline, f: FamilyStats, event: VerificationEvent, at: number): boolean {
    if (event.action === undefined || !this.#usesAction(b, event.action)) return false
    const today = f.weekOf === Math.floor(at / DAY_MS)
    if (event.records !== undefined && !(Math.log(Math.max(1, event.records)) <= (today ? f.weekTop : f.top) + Math.log(4))) return false
    if (today) return true
    if (!weeklyUse(f, at)) return false
    f.weekTop = f.top
    return true
  }

  // Whether the agent uses an action on any family it knows.
  #usesAction(b: AgentBaseline, action: string): boolean {
    for (const f of b.families.values()) if (f.learned && usesKind(f.actions, action)) return true
    return false
  }

  // Whether the agent uses an action on a family other than `fam`: learned there, or used there
  // on an earlier day than `day` without other alarm (a weekly cleanup not learned yet). As
  // `reporter` saw it: only such a use it reported (what is learned does not say who taught it,
  // and any reporter's made-up use on a family just granted is learned at once).
  #usesElsewhere(b: AgentBaseline, action: string, fam: string, day: number, reporter?: string): boolean {
    if (reporter === undefined) for (const [name, f] of b.families) if (name !== fam && f.learned && usesKind(f.actions, action)) return true
    for (const r of b.rare) if (r.action === actionKind(action) && r.family !== fam && r.day < day && teaches(r) && (reporter === undefined || r.by.includes(reporter))) return true
    return false
  }

  // A credential long held (no grant within NEW_GRANT_MS, entitlements known) of an agent whose
  // groups the detector has known for `matureHours`.
  #dormant(ctx: AgentContext | undefined, groups: readonly GroupBaseline[], receivedAt: number): boolean {
    const ents = ctx?.entitlements
    if (ents === undefined || ents.size === 0 || groups.length === 0) return false
    for (const since of ents.values()) if (receivedAt - since <= NEW_GRANT_MS) return false
    // A group with members' use on record (hours are kept for the team only).
    return groups.some((g) => receivedAt - g.since >= this.#matureMs && g.families.size > 0)
  }

  // Whether a refused reach at `at` (into `fam`, when it names one) is a stray (`own`: this
  // request's reaches already noted): none other in the hour's list, or it is the second of a
  // pair (below: one request each into two families, once in two hours); within the last day, none
  // before it but strays, and no more strays than its requests of a day bring (strayAllowance: a
  // slow probe, one refusal an hour, is a reach from the third for an assistant at 120 requests a
  // day); and no more new families than its requests of a week bring (one refusal a day into
  // another family each time is a probe too). A family it strayed into on an earlier day is a
  // stray again, within the day's allowance, and uses none of the week's: a bot's link into the
  // same contracts it may not read, met every day or two. Such a family's strays come with the
  // day's traffic (a storefront's busiest day meets more of them, some within the hour): the day's
  // allowance counts the requests allowed today too, and its own earlier refusals into that family
  // within the hour (and the segment reaches those same requests made) do not make it a reach.
  // (Refused, they give nothing away; a thief's tries at another family are reaches.) Notes it.
  #soleRefusal(b: AgentBaseline, at: number, own: number, fam?: string): boolean {
    const soles = b.soleRefusals
    while (soles.length > 0 && at - soles[0]! > 7 * DAY_MS) soles.shift()
    const strays = b.strayTimes
    while (strays.length > 0 && at - strays[0]! > DAY_MS) strays.shift()
    // (Its average day of allowed requests: refused ones, a thief's or made up, raise no allowance.)
    const perDay = b.allowed / Math.max(1, b.activeDays)
    const day = Math.floor(at / DAY_MS)
    const earlier = at - b.lastRefusedReach <= DAY_MS && b.lastRefusedReach !== at
    const strayBefore = b.lastRefusedReach === b.lastStray
    const known = fam === undefined ? undefined : knownStray(b, fam, day)
    const itself = known === undefined ? undefined : `family:${fam}`
    let n = 0
    // A second stray within the hour (an assistant whose user asked twice for what it may not
    // read): the hour's other refused reaches all made by one request, a stray's, into one other
    // family (and its segment), none into this family, and no other stray within two hours (the
    // stray times are in the store, the reaches are not: a restart must not make a third family
    // a second); this one is one request too (#strayRetry). A third family within the hour, the
    // first tried beyond one request, a search followed by reads of what it named, or another
    // verifier's report of the same reach, is a reach, and, with theirs, lateral movement. (This
    // request's own reaches are the last `own` of the list: #reach has just noted its family's.)
    const mine = b.reaches.length - own
    let pairAt: number | undefined
    let pairFamilies = 0
    let pair = true
    for (let i = 0; i < b.reaches.length; i++) {
      const r = b.reaches[i]!
      if (!r.refused || at - r.at > HOUR || !(r.what.startsWith('family:') || r.what.startsWith('segment:'))) continue
      if (i < mine) {
        if (r.stray !== true || r.what === `family:${fam}` || (pairAt !== undefined && r.at !== pairAt)) pair = false
        pairAt = r.at
        if (r.what.startsWith('family:')) pairFamilies++
      }
      if (r.what === itself || (itself !== undefined && r.what.startsWith('segment:') && b.reaches.some((x) => x.at === r.at && x.what === itself))) continue
      n++
    }
    // (One pair in two hours: strays every half hour, each a pair's second, are a chain of reaches.)
    let straysWithinHour = 0
    let straysWithinTwo = 0
    for (const t of strays) {
      if (t === at || at - t > 2 * HOUR) continue
      straysWithinTwo++
      if (at - t <= HOUR) straysWithinHour++
    }
    const second = pair && pairFamilies === 1 && straysWithinHour === 1 && straysWithinTwo === 1
    // (A new family after two strays within the hour is a reach, whatever a restart forgot.)
    const third = known === undefined && straysWithinHour >= 2
    // The last day's strays, new and known, count against one allowance (kept in the store: a
    // restart gives no fresh day); a known family's on the traffic of today or yesterday too (the
    // last day reaches back across midnight: a storefront's busy evening), and none of the week's.
    const busiest = known !== undefined ? Math.max(perDay, b.eventsToday, b.eventsYesterday) : perDay
    const dayAllows = strays.length < strayAllowance(busiest)
    const weekAllows = known !== undefined || soles.length < Math.max(STRAY_WEEK_LEAST, strayAllowance(7 * perDay))
    const sole = (n <= own || second) && !third && (!earlier || strayBefore) && dayAllows && weekAllows
    if (sole) {
      strays.push(at)
      if (known !== undefined) {
        known[3] = known[2] === day ? known[3] + 1 : 1
        known[2] = day
      } else {
        soles.push(at)
        if (fam !== undefined) noteStray(b.strayFamilies, fam, day)
      }
    }
    b.lastRefusedReach = Math.max(b.lastRefusedReach, at)
    if (sole) b.lastStray = at
    return sole
  }

  // Whether a refused request into `fam` (a family it holds no entitlement to) is a stray: the
  // attempt of the stray just before going on, or a sole refusal, which begins an attempt.
  #stray(s: Scope, fam: string): boolean {
    if (this.#strayRetry(s, fam)) {
      s.strayAgain = s.b.strayAttempt!.again
      return true
    }
    const { b, at, reporter, event } = s
    // (Again into a family it strayed into on an earlier day: that day's refusals, which any
    // reporter could have made up, say it is a stray.)
    const again = knownStray(b, fam, s.day) !== undefined
    const sole = this.#soleRefusal(b, at, 1, fam)
    if (sole) markStray(b, at, `family:${fam}`)
    b.strayAttempt = sole ? { family: fam, segment: event.segment, last: at, tries: 1, reporter, resource: event.resource, action: event.action, look: isLook(event.action), again } : undefined
    s.strayAgain = sole && again
    return sole
  }

  // A refusal that goes on with the stray just before: into its family, within STRAY_TRY_MS of
  // its last refusal, with no request into another family and no other refused reach since, up
  // to STRAY_TRIES in all; seen by the stray's reporter (another verifier seeing the same reach
  // makes it the reach it is); the same request again (a client's retry) or looks only (a
  // search refused, then a read of a record it named; not a delete and an export after a read).
  // One attempt, one stray.
  #strayRetry(s: Scope, fam: string): boolean {
    const { b, at, reporter, event } = s
    const a = b.strayAttempt
    if (a === undefined || a.family !== fam || a.reporter !== reporter || a.segment !== event.segment || at < a.last || at - a.last > STRAY_TRY_MS || a.tries >= STRAY_TRIES || b.lastRefusedReach !== a.last) return false
    if (!((event.resource === a.resource && event.action === a.action) || (a.look && isLook(event.action)))) return false
    // (A second stray within the hour is one request: see #soleRefusal.)
    if (b.reaches.some((r) => r.stray === true && at - r.at <= HOUR && r.what.startsWith('family:') && r.what !== `family:${fam}`)) return false
    markStray(b, at, `family:${fam}`)
    a.tries++
    a.last = b.lastRefusedReach = b.lastStray = at
    return true
  }

  #reach(b: AgentBaseline, at: number, what: string, by: string, refused: boolean): number {
    while (b.reaches.length > 0 && at - b.reaches[0]!.at > HOUR) b.reaches.shift()
    b.reaches.push({ at, what, refused, reporter: by })
    noteRun(b.reachRuns, what, at, by)
    if (b.reaches.length > 32) dropOldestOfBusiest(b.reaches, (r) => r.reporter)
    return b.reaches.filter((r) => r.what === what).length
  }

  // Two networks at once: a source switching back and forth, with a network new to the agent.
  #twoNetworks(s: Scope, net: string): void {
    const { b, at, learning } = s
    const window = 15 * MINUTE
    while (b.recentNets.length > 0 && at - b.recentNets[0]!.at > window) b.recentNets.shift()
    const lastNet = b.recentNets[b.recentNets.length - 1]
    if (lastNet && lastNet.net !== net) {
      b.switches.push(at)
      if (b.switches.length > 8) b.switches.shift()
    }
    const away = takeTurns(b, net, at)
    // Most events come from the network of the one before: moved to the end in place.
    if (lastNet?.net === net) {
      lastNet.at = at
      lastNet.ip = s.event.ip
      lastNet.by = s.reporter
    } else {
      for (let i = 0; i < b.recentNets.length; i++) {
        if (b.recentNets[i]!.net === net) {
          b.recentNets.splice(i, 1)
          break
        }
      }
      b.recentNets.push({ net, at, ip: s.event.ip, by: s.reporter })
      if (b.recentNets.length > 4) b.recentNets.shift()
    }
    // A network new to it used within minutes of one of its own (see sameSite).
    const stats = b.networks.get(net)
    if (stats && !stats.beside && !stats.crowded && b.recentNets.length > 1) {
      for (const r of b.recentNets) {
        if (r.net !== net && established(b, r.net, at, s.reporter)) {
          stats.beside = true
          break
        }
      }
    }
    if (learning || (away.length === 0 && b.recentNets.length < 2) || this.#sensOf['two-networks'] === 0) return
    let switches = 0
    for (const t of b.switches) if (at - t <= 2 * window) switches++
    // (Networks used a while between two of this one's uses, gone from the window since: judged with it.)
    const gone = away.length === 0 ? away : away.filter((x) => !b.recentNets.some((r) => r.net === x))
    if ((b.recentNets.length < 2 || switches < 1) && gone.length === 0) return
    this.#switchedNetworks(s, net, Math.max(1, switches), gone)
  }

  // An agent switching networks within the half hour (`switches` times), or back from networks
  // used a while between two of its uses and gone from the window since (`gone`): judged here,
  // apart from #twoNetworks, which runs for every event with an address. (The closures below cost an
  // allocation per call, from the first line of the function that declares them.)
  #switchedNetworks(s: Scope, net: string, switches: number, gone: readonly string[]): void {
    const { b, agent, at, groups, holdGroups } = s
    // Two established networks of its own at once is how it works (two sites, a VPN); one of
    // them new to it, switching back and forth, is someone else holding its credential.
    // (The agent that works from two of its own networks does so on every event: nothing more to do.)
    if (gone.length === 0 && b.recentNets.every((r) => established(b, r.net, at, s.reporter))) return
    const others = [...b.recentNets.filter((r) => r.net !== net).map((r) => r.net), ...gone]
    // A network its groups use, or one taken up by several of them at once (the same network, or
    // new networks of a private block the agent itself uses), is a move of the group's, as `by`
    // saw it (see Credible): this event's reporter, or each of a held finding's (`held`).
    const shared = (name: string, t: number, by: string, held: boolean, besides?: string) => {
      const took = (key: string, sticky = true) => this.#adopters(held ? holdGroups : groups, key, agent, t, by, sticky, besides) >= ADOPTERS
      if (this.#orgNets.settledPeers(groups, name, agent, t, by) > 0 || took(`net:${name}`)) return true
      for (const [usual, u] of b.networks) if (u.learned && usual !== name && this.#orgNets.viaAdopters(usual, name, agent, t, by, besides) >= ADOPTERS) return true
      const block = privateBlock(name)
      return block !== undefined && took(`block:${block}`, false) && learnedKeys(b.networks).some((x) => privateBlock(x) === block)
    }
    // The address it last used on a network of the window, as this event's reporter saw it (none
    // for one gone from it, or last seen by another reporter): a network's lasting change is for
    // its members' own addresses.
    const address = (name: string) => (name === net ? s.event.ip : b.recentNets.find((r) => r.net === name && r.by === s.reporter)?.ip)
    // Taken up in a change of its groups': its own from now on, to each reporter that sees the
    // change now (a hostile reporter's made-up team mates, and the agent's use beside them,
    // credible to itself, must not make a thief's network the agent's to an honest verifier).
    // Excused, not made its own, for two days to a reporter that saw the change at the moment
    // another said the agent took it up (keptAt: a failover's workers, a pool's agents, reach
    // many services, each seeing them on the new network hours or a day apart). That moment is
    // the word of the reporter that first saw it so (keptBy[0]), so the change then counts none
    // of that reporter's sightings (a hostile reporter picking the moment one real member moved,
    // and adding one made up, must not make it so); and its excuse lasts two days, as a change
    // does (a hostile one's made-up take-up within a real change's two days made the network the
    // agent's own for good; a day was too short for a pool's agents reaching a service a day and
    // more later). An internal network other agents use as theirs is the organisation's: excused
    // each time, as each time's reporter credits it, never made its own; so is an address of a
    // network's lasting change (#lastingChange).
    const keep = (name: string, t: number, by: string, held = false) => {
      const n = b.networks.get(name)
      if (shared(name, t, by, held)) {
        if (n) {
          n.keptAt ??= t
          if (!n.keptBy?.includes(by) && (n.keptBy?.length ?? 0) < 4) (n.keptBy ??= []).push(by)
        }
        return true
      }
      const since = n?.keptAt
      return (since !== undefined && t - since <= GROUP_CHANGE_MS && shared(name, since, by, held, n!.keptBy![0])) ||
        this.#orgNets.orgSettled(name, agent, t, by) || (!held && this.#lastingChange(b, agent, name, t, by, address(name)))
    }
    const odd = [net, ...others].filter((x) => !established(b, x, at, s.reporter) && !sameSite(b, x, at) && !keep(x, at, s.reporter))
    if (odd.length === 0) return
    // Two places take turns: a network new to it used, left for another and used again within
    // the hour, or used for a while between two uses of another; or three new to it beside its
    // own within the window (a pool of addresses). A phone's few requests between a laptop's, or
    // a move from one to the other, use each new network once: said low, as a person picking up
    // another device looks.
    const takingTurns = odd.some((x) => at - (b.networks.get(x)?.turnedAt ?? -Infinity) <= TURN_MS) ||
      (odd.length >= 3 && b.recentNets.some((r) => !odd.includes(r.net)))
    // With a network first seen within minutes, one switch from a network used minutes before
    // is judged; otherwise back and forth, or turns taken. Said low unless they take turns.
    const brandNew = odd.some((x) => at - (b.networks.get(x)?.first ?? at) <= 6 * HOUR)
    const freshSwitch = odd.includes(net) && at - (b.networks.get(net)?.first ?? at) <= 15 * MINUTE && others.some((o) => at - (b.recentNets.find((r) => r.net === o)?.at ?? -Infinity) <= 5 * MINUTE)
    if (switches < (brandNew ? 2 : 3) && !freshSwitch && !takingTurns) return
    const pair = [net, ...others].sort()
    const backAndForth = takingTurns && switches >= (brandNew ? 2 : 3)
    const [score, severity]: [number, RiskLevel] = !takingTurns ? [0.4, 'low'] : backAndForth ? [0.85, 'high'] : [0.6, 'medium']
    // Networks new to it that are all internal (the organisation's own: a failover to a standby
    // VPN concentrator, a rollout to new subnets) wait longer for the others moving with it: such
    // a change reaches its members over many minutes, each at its own pace. A public one does not.
    this.#hold(s, (t, by) => odd.every((x) => keep(x, t, by, true)),
      'two-networks', pair.join(' '), score, { expected: `one network at a time, from ${learnedKeys(b.networks).length} it knows`, seen: pair, networks: pair, newToIt: odd, switches, takingTurns, ...(takingTurns ? {} : { explained: 'one switch, not taking turns' }) }, severity, undefined, odd.every(internal))
  }

  // Whether `ip`, an address of `net` the agent uses, is one of a lasting change of the agents
  // sharing one of its networks, as `by` saw it (OrgNetworks.lastingAdopters). Judged on what
  // this event's reporter saw, never on a held finding's (its first event's address is not
  // another reporter's), and excused each time, never made its own: the agent's later use of
  // another address there is judged again.
  #lastingChange(b: AgentBaseline, agent: string, net: string, at: number, by: string, ip: string | undefined): boolean {
    if (ip === undefined) return false
    for (const [usual, u] of b.networks) if (u.learned && usual !== net && this.#orgNets.lastingAdopters(usual, net, agent, at, by, ip) >= ADOPTERS) return true
    return false
  }

  #group(name: string, at: number): GroupBaseline | undefined {
    let g = this.#groups.get(name)
    if (!g) {
      if (this.#groups.size >= this.#maxAgents) return undefined
      this.#groups.set(name, (g = newGroupBaseline(at)))
    }
    return g
  }

  // The agent's baseline, made when there is room: the table is full only of agents active within
  // `idleMs`, and those are never pushed out (that would restart their learning on demand).
  #baseline(agent: string, receivedAt: number, at: number): AgentBaseline | undefined {
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
    const b = newAgentBaseline(receivedAt, at)
    this.#agents.set(agent, b)
    return b
  }

  // What explains a first use held for the agent's groups: members credibly taking up `key`
  // meanwhile (#credible), or, with `segment`, the segment while it is new to the agent.
  // (Closures are made here, not in the checks that hold: a function whose variables a closure
  // captures allocates them on every call, and the checks run for every event.)
  #takenUp(s: Scope, key: string, segment?: string): Held['explained'] {
    const { b, holdGroups, agent, allowed } = s
    const segmentKey = segment !== undefined ? adoption(allowed, `segment:${segment}`) : undefined
    return (t, by) => this.#adopters(holdGroups, key, agent, t, by) >= ADOPTERS ||
      (segmentKey !== undefined && b.segments.get(segment!)?.learned !== true && this.#adopters(holdGroups, segmentKey, agent, t, by) >= ADOPTERS)
  }

  // A novelty its groups may be taking up at the same moment (a re-org, a rollout, a failover)
  // is said `low` at once and held a few minutes: said at its own severity then unless enough
  // members of its groups took it up meanwhile (`explained`), which makes it the group's change.
  // `long`: held LONG_HOLD times as long (see below), as a refusal is.
  #hold(s: Said, explained: Held['explained'], kind: AnomalyKind, about: string, score: number, details: Record<string, unknown>, severity: RiskLevel = BASE_SEVERITY[kind], reach?: string, long = false): void {
    const { b, agent, at, receivedAt, decision } = s
    const reporter = s.reporter ?? 'unknown'
    const key = `${agent}\u0000${kind}\u0000${about}\u0000${decision}`
    // An agent with many held already (a flood of made-up novelties) has the rest said at once:
    // it cannot fill the table and so turn the hold off for every other agent.
    if (this.#holdMs <= 0 || (s.holdGroups?.length ?? 0) === 0 || this.#pending.size >= HELD_CAP || (b.held ?? 0) >= HELD_PER_AGENT) {
      this.#say(s, kind, about, score, details, [reporter], severity)
      return
    }
    // A refusal gave nothing away: it waits longer for its groups (a team re-organised before
    // its grants land is refused for as long as they take, member after member). Lateral
    // movement waits as its reaches say (`long`: all refused), not as the event that found it:
    // a refusal finding an allowed reach among them must not hold that reach as long.
    const waitsLong = long || (decision !== 'allow' && kind !== 'lateral-movement')
    const holdMs = waitsLong ? LONG_HOLD * this.#holdMs : this.#holdMs
    const due = (s.elapsed ?? 0) + holdMs
    const pending = this.#pending.get(key)
    if (pending) {
      // Repeated meanwhile: said as the strongest of them (a third reach is high), with the
      // evidence of every reporter that saw it (two verifiers corroborate each other).
      if (RANK[severity] > RANK[pending.severity] || (severity === pending.severity && score > pending.score)) Object.assign(pending, { severity, score, details })
      if (!pending.evidence.includes(reporter)) {
        pending.evidence = [...pending.evidence, reporter]
        pending.receivedAt = [...pending.receivedAt, receivedAt]
      }
      // A repeat that waits less (lateral movement held as refused reaches, and now an allowed
      // one among them) is due when it would be: moved to the short queue (the long one's entry
      // is then skipped), which stays in order, every entry there held as long. Only on the
      // word of the reporter that held it: another's made-up allowed reach must not cut short
      // the wait of an honest team re-organised before its grants land.
      if (!waitsLong && pending.long && due < pending.due && pending.origin === reporter) {
        const moved: Held = { ...pending, due, until: receivedAt + holdMs, long: false }
        this.#pending.set(key, moved)
        this.#held.push(moved)
      }
      return
    }
    this.#say(s, kind, about, 0.3, { ...details, held: `${holdMs / MINUTE} min, for its groups`, explained: 'held for its groups' }, [reporter], 'low')
    const queue = waitsLong ? this.#heldLong : this.#held
    b.held = (b.held ?? 0) + 1
    const h: Held = { due, until: receivedAt + holdMs, receivedAt: [receivedAt], long: waitsLong, key, b, agent, since: at, decision, explained, kind, about, score, details, origin: reporter, evidence: [reporter], severity, ...(reach !== undefined ? { reach } : {}) }
    this.#pending.set(key, h)
    queue.push(h)
  }

  // Notes the agent's first use of something new with its groups, and who reported it; returns
  // the other members that took it up, as this reporter saw them (see Credible).
  #adopt(s: Scope, groups: readonly GroupBaseline[], key: string, agent: string, at: number): number {
    this.#sightings.note(agent, key, s.reporter, at)
    adoptIn(groups, key, agent, at)
    return this.#adopters(groups, key, agent, at, s.reporter)
  }

  // Says a finding about an agent: high only on two lines of evidence within the hour (or one
  // that stands alone), held back within the quiet period unless stronger, or suppressed by an
  // operator.
  #say(s: Said, kind: AnomalyKind, about: string, score: number, details: Record<string, unknown>, evidence: readonly string[], severity: RiskLevel): boolean {
    if (this.#sensitivity[kind] === 0) return false
    const { b, agent, at, receivedAt } = s
    let clamped = Math.min(1, Math.max(0, score))
    let level = severity
    // (A held finding counts from when it occurred: released late, it is not evidence of now.)
    const occurred = Math.min(at, s.occurred ?? at)
    while (b.recent.length > 0 && at - b.recent[0]!.at > HOUR) b.recent.shift()
    const reach = reachOf(kind, about, details)
    const aspect = aspectOf(kind, about)
    let uncorroborated = false
    let change: string | undefined
    let run: AlertDay | undefined
    let weekly: AlertDay | undefined
    const size = marksDay(kind, about, details) ? sizeOf(kind, about, details) : undefined
    if (RANK[level] >= RANK.medium && !isStatusKind(kind)) {
      // High is what automatic containment acts on, so one line of evidence is not enough, however
      // strong: a records jump, two networks, a burst of refusals each have an innocent cause
      // (a cache warmed, a phone beside a laptop, a stale role). Another aspect of the agent's
      // behaviour within the hour makes it high (a medium finding too, its score raised); without
      // one, a finding its check rated high is said medium and says so, unless it stands alone, or
      // is of volume its reporters have found high for KEPT_UP_MS (a bulk read kept up, however
      // paced or spread over families; a cache warms in seconds).
      const others = [...new Set(b.recent.filter((r) => at - r.at <= HOUR && !sameEvidence(r, aspect, reach)).map((r) => r.kind))]
      // Alone, what its reporter said a week before at this hour, no larger, no more often: its
      // weekly run's (a run kept up for an hour last week too is no volume kept up now); or its
      // peak, no larger than twice one its reporter said on one of the eight days before.
      const alone = others.length === 0 && size !== undefined
      weekly = alone && WEEKLY_KINDS.has(kind) ? weeklyRunOf(b, kind, about, evidence, occurred, size, countOf(kind, details)) : undefined
      const peak = alone && weekly === undefined && peakOf(kind, about, details) ? peakHabitOf(b, kind, about, details, evidence, occurred, size) : undefined
      run = weekly ?? peak
      const keptUpVolume = run === undefined && level === 'high' && (aspect & VOLUME) !== 0 && volumeKeptUp(b, evidence, receivedAt)
      if (others.length > 0) {
        if (level === 'medium') clamped = Math.min(1, 1 - (1 - clamped) * 0.6)
        level = 'high'
        details = { ...details, corroboratedBy: others }
      } else if (run !== undefined) {
        // Said low, an alert still (the same a week or a day before, left unanswered, may be a
        // thief's), and no evidence for what follows: the run's other findings are its habit too,
        // and what else the agent does within the hour is judged on its own.
        level = 'low'
        details = weekly !== undefined ? { ...details, weekly: true, weekBefore: run.first } : { ...details, peakBefore: run.first }
      } else if ((details.fleetDay === true || details.secondDay === true) && !keptUpVolume) {
        // A second day of jumps like the first, a fleet's or its own (volume-checks.ts, secondDay),
        // alone is said low; it is still evidence for what follows within the hour.
        level = 'low'
        details = { ...details, uncorroborated: true, explained: details.fleetDay === true ? "a fleet's second day" : 'a second day like its first' }
      } else if (kind === 'volume-drift' && level === 'medium' && (change = groupChangeOf(b, at, evidence, details)) !== undefined) {
        // So is a drift within a day of a group change the agent took part in (tookPart).
        level = 'low'
        details = { ...details, groupChange: change, uncorroborated: true, explained: 'a group change it took part in' }
      } else if (level === 'high' && !standsAlone(kind, details) && !keptUpVolume) {
        level = 'medium'
        details = { ...details, uncorroborated: true }
        uncorroborated = true
      }
      if (run === undefined) noteRecent(b.recent, occurred, kind, aspect, reach)
      // Nor is a first use learned from when a finding follows it within the hour (one held for
      // the agent's groups, or found on the same event by a later check).
      if (kind !== 'new-action') for (const r of b.rare) if (Math.abs(occurred - r.firstAt) <= HOUR) r.clean = false
    }
    // Explained, it is evidence (it holds, explains, adds reaches), not an alert, nor an occurrence
    // of an incident.
    const explained = level === 'low' && typeof details.explained === 'string'
    const suppressed = this.#suppressed(agent, kind, about, receivedAt)
    // (What an alert tells only: what was suppressed or explained away marks no day.)
    if (size !== undefined && RANK[severity] >= RANK.medium && !suppressed && !explained) {
      for (const r of evidence) noteAlertDay(b, kind, about, r, occurred, size, countOf(kind, details), run && { by: run, weekly: weekly !== undefined })
    }
    const key = `${kind}\u0000${about}\u0000${s.decision}`
    const last = b.said.get(key)
    // One incident, one alert: the same finding back within the quiet period of its last
    // occurrence goes on (a reach repeated every few minutes for hours), and is said again only
    // as a reminder once an hour, saying since when and how often meanwhile. Said at once: twice
    // as strong, more severe, or from a reporter with no occurrence of its own within the quiet
    // period (a small decoy, or findings made up by a hostile reporter to keep an incident going,
    // must not cover what an honest verifier reports).
    const going = last !== undefined && receivedAt >= last.seen && receivedAt - last.seen < this.#quietMs
    // (A finding its check graded high but said medium ranks between the two: said again when
    // its check grades it up, and again once corroborated.)
    const rank = RANK[level] + (uncorroborated ? 0.5 : 0)
    const stronger = last !== undefined && ((MAGNITUDES.has(kind) && clamped >= 2 * last.score) || rank > last.rank)
    const newEvidence = going && evidence.some((r) => !(receivedAt - (last!.by.get(r) ?? -Infinity) < this.#quietMs))
    const reported = !suppressed && !explained && (!going || receivedAt - last!.at >= REMIND_MS || receivedAt < last!.at || stronger || newEvidence)
    if (going && reported) details = { ...details, ongoingSince: last!.since, repeats: last!.count }
    // (An explained finding is no occurrence of the incident: a reach's held repeat after the quiet
    // period must not carry the incident on and so keep the repeat from being said when due.)
    if (reported) this.#remember(b, key, receivedAt, clamped, rank, going ? last! : undefined)
    else if (!suppressed && !explained && last !== undefined) {
      last.seen = Math.max(last.seen, receivedAt)
      last.count++
    }
    if (!suppressed && !explained) noteReporters(reported ? b.said.get(key) : last, evidence, receivedAt)
    s.found.push({ kind, agent, at, score: clamped, severity: level, details: { about, ...details }, evidence: suppressed ? [] : evidence, reported, ...(explained ? { explained: true as const } : {}), ...(suppressed ? { suppressed: true as const } : {}), ...(s.evidenceAt !== undefined && !suppressed ? { evidenceAt: s.evidenceAt } : {}) })
    return reported
  }

  // Held findings due by `now` (issuer's clock): said at their own severity, as of `at`, unless
  // their groups took the same up meanwhile; then what they added to lateral movement goes too.
  #release(elapsed: number, now: number, at: number, found: Finding[], all = false): void {
    // The two queues (each due in order: its hold is one length, on the clock moving forward)
    // merged by when each finding is due, so that findings are said in that order.
    const short = this.#held
    const long = this.#heldLong
    let i = 0
    let j = 0
    for (;;) {
      const a = i < short.length && (all || short[i]!.due <= elapsed) ? short[i] : undefined
      const b = j < long.length && (all || long[j]!.due <= elapsed) ? long[j] : undefined
      if (a === undefined && b === undefined) break
      if (a !== undefined && (b === undefined || a.due <= b.due)) {
        i++
        this.#releaseOne(a, now, at, found)
      } else {
        j++
        this.#releaseOne(b!, now, at, found)
      }
    }
    if (i > 0) short.splice(0, i)
    if (j > 0) long.splice(0, j)
  }

  // The issuer's clock moved to `receivedAt`: how far it has moved forward in all (see #elapsed).
  #tick(receivedAt: number): number {
    if (receivedAt > this.#lastReceived) this.#elapsed += receivedAt - this.#lastReceived
    this.#lastReceived = receivedAt
    return this.#elapsed
  }

  // A held finding due: said, unless acknowledged as benign meanwhile or explained by its groups.
  #releaseOne(h: Held, now: number, at: number, found: Finding[]): void {
    if (this.#pending.get(h.key) !== h) return // acknowledged as benign meanwhile
    this.#pending.delete(h.key)
    h.b.held = Math.max(0, (h.b.held ?? 1) - 1)
    // Each reporter's evidence is judged as that reporter saw the group (see Credible): said on
    // the evidence of those that did not see it take the same up. A reporter that repeats a held
    // finding, or reported it first, cannot explain away what another verifier saw with team
    // mates' first uses it made up; nor can one that makes up a repeat of an honest group change
    // have it said on the honest verifier's evidence (only on its own word, which it has anyway).
    // (Every reporter of a first use is remembered, a few of them: a gateway and the service
    // behind it report the same requests in either order.)
    const t = Math.min(h.until, now)
    const explainedTo = h.evidence.filter((r) => h.explained(t, r))
    // The reaches it added to lateral movement go with it, those its explaining reporters reported.
    if (h.reach !== undefined && explainedTo.length > 0) withdraw(h.b, h.reach, explainedTo)
    if (h.kind === 'new-resource' && h.decision === 'allow' && explainedTo.length > 0) {
      // (Those that saw the family itself taken up, as above.)
      const key = adoption(true, `family:${h.about}`)
      const sawFamily = explainedTo.filter((r) => this.#adopters(h.b.holdGroups ?? [], key, h.agent, t, r) >= ADOPTERS)
      if (sawFamily.length > 0) tookPart(h.b, h.about, h.since, sawFamily)
    }
    const kept = h.evidence.flatMap((r, i) => (explainedTo.includes(r) ? [] : [i]))
    if (kept.length === 0) return
    const evidence = kept.map((i) => h.evidence[i]!)
    // Dated when it became due, at the latest: the event that released it may be any reporter's,
    // and one dated days ahead must not move the finding out of the hour other findings are
    // measured against (a review: it lost its corroboration so).
    const due = h.since + (h.long ? LONG_HOLD : 1) * this.#holdMs
    this.#say({ b: h.b, agent: h.agent, at: Math.min(Math.max(at, h.since), due), receivedAt: now, decision: h.decision, found, occurred: h.since, evidenceAt: kept.map((i) => h.receivedAt[i]!) }, h.kind, h.about, h.score, { ...h.details, heldSince: h.since }, evidence, h.severity)
  }

  /**
   * Says the held findings due by `now` (issuer's clock), or `all` of them (at close: none is
   * lost), judged as of `now`: for a caller with no events to give, so that a quiet stream does
   * not keep a finding held. Returns them as {@link inspect} does.
   */
  release(now: number, all = false): Finding[] {
    const found: Finding[] = []
    const elapsed = this.#tick(now)
    if (this.#pending.size > 0) this.#release(elapsed, now, now, found, all)
    return found
  }

  // Remembers when a finding was said. Past the cap, what is past its quiet period goes first,
  // then the oldest: forgetting can only make a finding be said again, never held back.
  // `going`: the incident it is said again in (its start and reporters are kept).
  #remember(b: AgentBaseline, key: string, at: number, score: number, rank: number, going: SaidFinding | undefined): void {
    b.said.delete(key)
    if (b.said.size >= BASELINE_CAPS.findings) {
      for (const [k, v] of b.said) if (at - v.seen >= this.#quietMs) b.said.delete(k)
      if (b.said.size >= BASELINE_CAPS.findings) b.said.delete(b.said.keys().next().value!)
    }
    b.said.set(key, { at, score, rank, seen: at, since: going?.since ?? at, count: 0, by: going?.by ?? new Map() })
  }
}

// A finding held for its groups: `explained(at)` says whether they took the same up by then.
// Notes the reporters of an occurrence of a finding with its incident (the last 8 reporters).
function noteReporters(said: SaidFinding | undefined, evidence: readonly string[], at: number): void {
  if (!said) return
  for (const r of evidence) {
    said.by.delete(r)
    if (said.by.size >= 8) said.by.delete(said.by.keys().next().value!)
    said.by.set(r, at)
  }
}

interface Held {
  /** When it is due, on the clock moving forward (#elapsed); the issuer's clock it is judged as of. */
  readonly due: number
  readonly until: number
  /** The issuer's clock when each reporter's event came, parallel to `evidence` (Finding.evidenceAt). */
  receivedAt: readonly number[]
  /** Whether it waits in the long queue (a refusal, the organisation's own network). */
  readonly long: boolean
  readonly key: string
  readonly b: AgentBaseline
  readonly agent: string
  readonly since: number
  readonly decision: string
  /** Whether its groups took the same up by `at`, as `reporter` saw them (see Credible). */
  readonly explained: (at: number, reporter: string) => boolean
  readonly kind: AnomalyKind
  readonly about: string
  score: number
  details: Record<string, unknown>
  /** The reporter of the event that held it: only its repeats may make it due sooner. */
  readonly origin: string
  /** Its reporters: the first, and those that repeated it meanwhile (corroboration). */
  evidence: readonly string[]
  severity: RiskLevel
  /** The reach it added to lateral movement, withdrawn when the group explains it. */
  readonly reach?: string
}

function resolvedSensitivity(set: Partial<Record<AnomalyKind, number>>): Sens {
  const out = {} as Record<AnomalyKind, number>
  for (const kind of ANOMALY_KINDS) {
    const s = set[kind]
    out[kind] = s === undefined ? 1 : Math.max(0, s)
  }
  return out
}

/**
 * Whether an event tells when the agent works (its hours, days and sessions are judged by it): all
 * but a request refused because its credential had expired, which gave nothing away, whoever made
 * it. A service's renewal at rotation retries at whatever hour it falls (workload-c's payroll
 * runners, one hour a day each, were said off-hours for it); a burst of such refusals is
 * denial-burst's to say. (A review of the first version, which judged no hour by them but let them
 * carry a session on: refusals every 25 minutes from a nightly batch's window kept its session
 * going into the team's day, and a thief's allowed requests then were never judged against the
 * batch's own schedule.)
 */
function tellsWhen(event: VerificationEvent): boolean {
  return event.decision === 'allow' || event.code !== 'ERR_VC_EXPIRED'
}

/**
 * The use of a suspended or retired agent: always reported (no sensitivity, no suppression), said
 * at its own severity, and no evidence for anything else, nor for containment (an agent resumed by
 * an operator is not judged by its uses while suspended).
 */
export function isStatusKind(kind: string): boolean {
  return kind === 'suspended-agent' || kind === 'retired-agent' || kind === 'credential-misuse'
}

// A finding said low because something explains it names it (`explained`), and is evidence, not
// an alert: its groups took the same up, as its own reporters saw them (a group change is not an
// alert per agent), a stray's first attempt into a family, a hold for its groups (said at its own
// severity when due), two networks not taking turns (one switch: a move, or a phone's few
// requests between a laptop's; a network new to it is new-network's to say), a second day of jumps
// like the first (a fleet's, or its own as the finding's reporter saw it), a drift within a day of
// a group change it took part in. An alert raised on every benign day of such a change would also
// hide, for that agent and kind, whatever the same week brings. Not what rests on the agent's history or on others' counts that any reporter can make
// up (docs/monitoring.md, "Explained findings"): a surge, a day's rise or an outage's refusals
// shared with others, a stray again into a family it strayed into before, an action it uses
// elsewhere, a duty of its own segment are alerts said low.
const GROUP_CHANGE = 'its groups took it up'
function strayExplained(again: boolean): { explained?: string } {
  return again ? {} : { explained: "a stray's one attempt" }
}

// Members of its groups (the most in any) that used `key` within PEER_MS and first did two days or
// more ago: a peer's use is habit, not a first use of the same day (a member the detector knows
// nothing of yet learns whatever it first does: one made-up event of it must not excuse a thief's
// use minutes later; a change taken up together is the adoptions' business).
function peerCount(groups: readonly GroupBaseline[], what: 'families' | 'segments' | 'actions', key: string, agent: string, at: number): number {
  let most = 0
  for (const g of groups) {
    const { peers, recent } = peerUse(g[what].get(key), agent, at, PEER_MS, 2 * DAY_MS)
    most = Math.max(most, peers - recent)
  }
  return most
}

function learnedKeys(map: ReadonlyMap<string, { learned: boolean }>): string[] {
  const out: string[] = []
  for (const [k, v] of map) if (v.learned) out.push(k)
  return out
}

/** Severity levels in order, lowest first. */
export const SEVERITY_LEVELS = LEVELS
