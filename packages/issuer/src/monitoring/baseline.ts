import { parseIpAddress } from '@agentid/core'
import { restoreAlertDays, snapshotAlertDays, type AlertDay } from './alert-days.js'
import { newBlockedUse, restoreBlockedUse, type BlockedUse } from './blocked-use.js'
import type { DriftState } from './drift-cusum.js'
import { newDayVolume, restoreDayVolume, type DayVolume, type Rise } from './day-volume.js'
import { newHeldLevel, type HeldLevel } from './held-level.js'
import { newOrderedIds, type OrderedIds } from './ordered-ids.js'
import { newTrickle, restoreTrickle, type TrickleState } from './refusal-trickle.js'
import type { Schedule } from './schedule.js'
import { newSizeHistogram, restoreSizes, snapshotSizes, type SizeHistogram } from './size-histogram.js'
import { newSustained, QUARTERS_A_DAY, restoreWeekly, type SurgeNote, type SustainedState } from './sustained-rate.js'

/**
 * What the detector keeps per agent and per peer group, and the small statistics they use. Plain
 * data (arrays, numbers, strings), so that a baseline can be written to the store as JSON and read
 * back after a restart ({@link snapshotBaseline}, {@link restoreBaseline}).
 */

export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS

/** Caps on what one baseline holds: memory per agent is bounded whatever is reported. */
/** Findings of the last hour kept per agent (AgentBaseline.recent). */
export const RECENT_KEPT = 8
export const BASELINE_CAPS = { families: 64, segments: 16, networks: 64, findings: 64, reportersPerMinute: 16, actions: 8, actionSizes: 4, groupMembers: 32, adopting: 256 } as const
/** Days with a said or excused jump kept per family (FamilyStats.jumpDays): a fortnight's for a few reporters. */
export const JUMP_DAYS = 32
/** Families of its strays an agent's baseline keeps (AgentBaseline.strayFamilies), and for how many days since the last. */
export const STRAY_FAMILIES = 8
export const STRAY_DAYS = 14
/**
 * Sole refused reaches (held low) an agent may have within a day, and into new families within a
 * week (AgentBaseline.strayTimes, soleRefusals); the next is a reach. A stray is a link followed
 * to what it may not read, met in proportion to its traffic: STRAY_RATE of its requests (one in a
 * thousand), so an agent is allowed as many as that rate makes no likelier than STRAY_TAIL on its
 * allowed requests of an average day, or of a week of them (a Poisson tail: an assistant at 120
 * requests a day, 2 a day and 5 a week; a bot at 1,000 a day, 5 a day). Never more than SOLE_KEPT
 * a day, nor new families a week: as many as its baseline keeps (STRAY_FAMILIES), so a thief's
 * refused tries into a new family every two hours are a reach within the week whatever the
 * agent's traffic.
 */
export const STRAY_RATE = 1 / 1000
export const STRAY_TAIL = 0.001
export const SOLE_KEPT = STRAY_FAMILIES
/** New families a week an agent is allowed however quiet it is: the two the allowance began with. */
export const STRAY_WEEK_LEAST = 2
/**
 * Refusals into a stray's family, each within STRAY_TRY_MS of the one before with no other
 * refused reach between, that are the stray's own attempt (a search then a read of what it
 * found, a client's retry): STRAY_TRIES in all, the first included.
 */
export const STRAY_TRIES = 3
export const STRAY_TRY_MS = 2 * 60_000
/**
 * A use gone on this long is more than a moment: a refused reach kept up (graver: reaches.ts,
 * keptUp), a network used between two uses of another (a second place using the credential, not
 * a phone's few requests: networks.ts, takeTurns).
 */
export const KEPT_UP_MS = 10 * 60_000
/** A peer's use counts as evidence for this long; a grant explains first use for this long. */
export const PEER_MS = 30 * DAY_MS

/** A family of resources (or a segment) as an agent uses it. */
export interface FamilyStats extends DriftState, HeldLevel, SizeHistogram, OrderedIds, DayVolume {
  /** Part of the baseline; false while its first use is unexplained (it is learned after uses on `LEARN_DAYS` days). */
  learned: boolean
  days: number
  lastDay: number
  last: number
  /** The day its use was found a week after its previous day of use ({@link weeklyUse}; -1: none), and its largest read (natural log) before that day. */
  weekOf: number
  weekTop: number
  actions: string[]
  /** Records per request, in natural log: observations, robust level (running median), its spread (mean absolute deviation), a quick level that follows step changes. */
  n: number
  med: number
  dev: number
  fast: number
  /** The last 16 observations, one bit each: above the level. */
  aboveBits: number
  /** The largest request it has read (natural log; jumps left out). */
  top: number
  /**
   * Records a request (natural log) an operator accepted as benign on a drift alert, and when
   * (0: none): the drift test counts only what goes beyond it. Its excess over the level decays
   * like the rest of the baseline ({@link acceptedLevel}).
   */
  accepted: number
  acceptedAt: number
  /** The day its groups were last told of its use (-1: not yet; not kept in the store). */
  notedDay: number
  /** Jumps within the last hour (not kept in the store). */
  jumps: number[]
  /** Requests of its run beyond the sizes of their action, within BEYOND_MS (volume-checks.ts, beyondAgain; not kept in the store). */
  beyond: number[]
  /** Its part in its group's change of the family's sizes, while under way (volume-checks.ts, groupResize; not kept in the store). */
  resize: ResizePart | undefined
  /** Days with a said or excused jump, per reporter (see volume-checks.ts, habitualJump and readBefore; at most JUMP_DAYS). */
  jumpDays: JumpDay[]
  /**
   * Sizes per action (volume-checks.ts, checkSizes): the action of every request with records so
   * far while there is one ('' none yet), then, from a request of another, each action's own
   * sizes (at most BASELINE_CAPS.actionSizes: a reporter making up verbs must not multiply an
   * agent's baseline; their own `acts` stay undefined).
   */
  recAction: string
  acts: Map<string, FamilyStats> | undefined
}

/**
 * Verbs of one kind of use: an agent that writes records of a family updating them is no new
 * capability (a client library's verb, a PATCH for a PUT), nor one that reads them listing or
 * querying them (an API version's verb; how much it reads is the volume checks' to judge).
 * Adding records is another kind (rewriting an append-only log is tampering with it); exports,
 * deletes, grants and the rest are each their own kind.
 */
export const READ_KIND = 'look'
const KIND_OF_ACTION: ReadonlyMap<string, string> = new Map([
  ...['write', 'update', 'upsert', 'patch', 'put', 'edit', 'modify'].map((a) => [a, 'change'] as const),
  ...['create', 'insert', 'append'].map((a) => [a, 'add'] as const),
  ...['read', 'get', 'list', 'search', 'query', 'find', 'lookup', 'view', 'fetch', 'browse'].map((a) => [a, READ_KIND] as const),
])

/** The kind of use an action is (KIND_OF_ACTION; the action itself for the rest). */
export function actionKind(action: string): string {
  return KIND_OF_ACTION.get(action) ?? action
}

/** Whether an action is a look (a read, a search, a list: READ_KIND). */
export function isLook(action: string | undefined): boolean {
  return action !== undefined && actionKind(action) === READ_KIND
}

/**
 * A day with jumps of a family, per reporter: [day since 1970, its largest (natural log; an
 * excused one counts at the size said before), reporter, how many were said, how many were
 * excused (a habit, or one or two within the hour as large as said before), the largest reported
 * as an alert (natural log; -Infinity when none was: stored as null)].
 */
export type JumpDay = [number, number, string, number, number, number]

/** Reporters kept with a rare action (RareAction.by). */
export const RARE_REPORTERS = 4

/**
 * An action an agent used on few days: learned once used again on a later day with no other alarm
 * (a weekly cleanup), and watched then for a burst well beyond the most it ever did in a day.
 */
export interface RareAction {
  /** The family it is used on: an action learned on one family is not learned on another. */
  family: string
  /** The kind of use (actionKind): a sibling verb must not escape the watch on its kind. */
  action: string
  /** The day it was last used, its uses that day, the most on any earlier day. */
  day: number
  count: number
  most: number
  /** The uses of the day of use before `day` when they went beyond the burst limit (0: they did not). */
  over: number
  /**
   * False when nothing is learned from its day of use: its first use (`firstAt`) came with another
   * finding about the agent (medium or above) within the hour either side, or the day was ahead of
   * the issuer's clock. Judged afresh at each day's first use (anomaly-detector.ts, #actionUse).
   */
  clean: boolean
  /**
   * Its day's uses were said only low, as ones it makes on another family (two a day at most):
   * such a day teaches nothing, or a job that deletes on scratch would teach itself payroll
   * deletes two at a time. A day on which a use was said medium teaches as any first use said so
   * does (a manager who updates the wiki, updating reviews a dozen times a day in review season,
   * was said every day: each day began with two low uses). False on rows written before it was kept.
   */
  lowOnly: boolean
  /** When the first use of its day of use came. */
  firstAt: number
  /** Days it was used on (see RARE_ESTABLISHED). */
  days: number
  /**
   * Who reported its uses (the first four): its use here explains the agent's use elsewhere only to
   * a reporter that saw it (anomaly-detector.ts, #usesElsewhere), or another reporter's made-up
   * use would. Rows written before it was kept have none.
   */
  by: string[]
}

/**
 * A rare action used on this many days is its habit: a day's uses are a burst only beyond five
 * times the most it did in a day (a queue worker's updates on a sales day, a billing run at the
 * month's close), not twice. For changing and adding records only: deletes, exports and the rest
 * stay watched at twice (a review: deletes at 2 a day ramped fivefold a day went unsaid for days).
 */
export const RARE_ESTABLISHED = { days: 5, times: 5, kinds: ['change', 'add'] as readonly string[] } as const

/** The most minutes between two minutes of one run of bursts (rate-checks.ts, BRIEF_BURST.gapMinutes). */
export const BURST_GAP_MINUTES = 30
// A run's minutes as stored once it is no brief burst (Infinity has no JSON).
const BURST_NOT_BRIEF = 99

/**
 * A run of minutes beyond the agent's busiest (rate-checks.ts, BRIEF_BURST): its first and last
 * minute (index since 1970), the requests of its first minute, how many of its minutes were
 * beyond (Infinity once it is no brief burst), and their requests; the last minute with a request
 * other than a read of a family the agent knows (`unusual`); the requests of brief runs not yet
 * drained (`spent`, as of `spentAt`).
 */
export interface BurstRun {
  first: number
  firstRequests: number
  last: number
  minutes: number
  requests: number
  unusual: number
  spent: number
  spentAt: number
}

/** A source network (/24, /48) as an agent uses it. */
export interface NetworkStats {
  learned: boolean
  /** Its own from the start (first seen while learning): no stranger's. */
  kept: boolean
  /**
   * Reporters that saw it taken up in a change of its groups' (or, by an agent with no history,
   * in the organisation's move: the detector's #networkUse), and when it first was: the agent's
   * own to each of them (at most 4; not kept in the store: it is learned after 3 days of use).
   */
  keptBy?: string[]
  keptAt?: number
  /** The day its groups were last told of its use (-1: not yet; not kept in the store). */
  notedDay: number
  /** The reporters its use there was noted for, that day (see Sightings; not kept in the store). */
  notedBy?: string[]
  days: number
  lastDay: number
  first: number
  last: number
  /** As a family's ({@link weeklyUse}). */
  weekOf: number
  /** Used within minutes of a network established as its own (a phone beside the office): what a provider's pool is made of (sameSite). */
  beside: boolean
  /** Taken in by making room in a full table (forgetStalest): never `beside` (see the detector's #networkUse). */
  crowded: boolean
  /**
   * Its last use, when its current run of uses began (after another network's), and the last
   * time it took a turn with another network (see TURN_MS; -Infinity: not yet; in memory only).
   */
  lastUse: number
  runFrom: number
  turnedAt: number
}

/**
 * Activity by hour of the day (UTC), decayed daily: an agent's, and its team's. (An hour-of-week
 * profile was learned too, but no check earned it: weekend work now and then is ordinary. The
 * narrower check that did, a weekday agent on a weekend, counts the agent's own days instead:
 * schedule.ts.)
 */
export interface HourProfile {
  hod: Float64Array
  hodTotal: number
  /** The day (days since 1970, UTC) the profile was last decayed to. */
  hodDay: number
}

export interface AgentBaseline extends HourProfile, SustainedState {
  events: number
  /** Of them, those allowed (every reporter's): what its strays' allowance is counted on. */
  allowed: number
  /** Issuer's clock: first and last receipt. */
  firstReceived: number
  lastReceived: number
  /** The newest event time seen: events are taken in time order per agent, never backwards. */
  lastAt: number
  families: Map<string, FamilyStats>
  segments: Map<string, NetworkStats>
  networks: Map<string, NetworkStats>
  minute: number
  minuteCount: number
  minuteByReporter: Map<string, number>
  /** Busiest minute, decayed: what a backlog drained at full speed looks like for this agent. */
  peak: number
  /** The hour (index since 1970) the busiest minute was last noted in, and what it was as that hour began and as the hour before began (see checkRate). */
  peakHour: number
  peakAtHour: number
  peakBefore: number
  rateMinutes: number
  /** The last run of minutes beyond the busiest (rate-checks.ts, BRIEF_BURST); stored: what brief runs spent, and a run going on. */
  burst: BurstRun
  /** Recent refusals; `familiar`: on a family the agent or its peers use; `ordinary`: an action it uses on a family of its own. */
  denials: Array<{ at: number; reporter: string; family: string; familiar: boolean; ordinary: boolean; action: string; code: string }>
  /** Its refusals that may trickle, and the most it had in an hour (refusal-trickle.ts; kept in the store). */
  trickle: TrickleState
  /** Recently unexplained reaches (families, segments), for lateral movement (32 at most within the hour). */
  reaches: Reach[]
  /** When it was last refused a reach for a family or a segment (-Infinity: never; kept in the store). */
  lastRefusedReach: number
  /** When its refused reaches into a family new to its strays were found sole (held low) within the last week, at most SOLE_KEPT (kept in the store). */
  soleRefusals: number[]
  /** When it strayed within the last day, into any family (new or strayed into before), at most SOLE_KEPT (kept in the store). */
  strayTimes: number[]
  /**
   * Families its sole refusals went into: [family, first day, last day, how many on the last day (not judged on)]
   * (days since 1970; at most STRAY_FAMILIES, kept in the store). A bot's link into the same
   * family it may not read, met again on a later day, is that stray again.
   */
  strayFamilies: Array<[string, number, number, number]>
  /** Its requests allowed on the day (days since 1970, UTC) `eventsDay`, and on the day before (in memory only: after a restart, its average day stands in). */
  eventsToday: number
  eventsYesterday: number
  eventsDay: number
  /** When its last refused reach found to be a stray was (kept in the store, as lastRefusedReach: a restart must not forget a reach earlier that day). */
  lastStray: number
  /**
   * The attempt of its last stray (see STRAY_TRIES): its family and segment, last refusal, refusals, who
   * reported it, its first request (resource, action) and whether that was a look (in memory only).
   */
  strayAttempt: { family: string; segment: string | undefined; last: number; tries: number; reporter: string; resource: string | undefined; action: string | undefined; look: boolean; again: boolean } | undefined
  /**
   * Each unexplained reach as it goes on (a gap of an hour ends it): since when, its last use, its
   * first reporter, and whether another reporter saw it too (at most 32; not kept in the store).
   */
  reachRuns: Map<string, ReachRun>
  /**
   * Networks used in the last minutes (with the address last used there and who reported it),
   * newest last, and the times the source switched between them.
   */
  recentNets: Array<{ net: string; at: number; ip: string | undefined; by: string }>
  /** The network of its last request with an address (in memory only). */
  prevNet: string | undefined
  /**
   * While it is suspended or retired, the different requests (family and action) it made within
   * the last day, and who had them said (blocked-use.ts: five are someone using it, not its
   * software retrying). Stored; emptied when the issuer looks it up and finds it neither
   * suspended nor retired.
   */
  blockedUse: BlockedUse
  switches: number[]
  /** The last IPv4 network's text prefix (`10.1.2.`) and its network: parsing every address costs more than the rest. */
  lastPrefix?: string | undefined
  lastNet?: string | undefined
  /** Actions it used on few days ({@link RareAction}): first uses waiting for another day, and those learned so. */
  rare: RareAction[]
  /** Findings at medium or above in the last hour (at most RECENT_KEPT; stored), for escalation by other evidence (`aspect`: bits, see the detector's ASPECT_OF). */
  recent: Array<{ at: number; kind: string; aspect: number; reach: string | undefined }>
  /** Findings about it held for its groups now (not kept in the store). */
  held: number
  /** Its alerts' days, which a weekly run or a peak repeats (alert-days.ts; stored). */
  alertDays?: AlertDay[]
  /**
   * The group change it last took part in: when it first used a family its groups took up with it
   * (a period close's report family), which family, and the reporters that saw them do it; a
   * drift within a day of it is the change's (group-adoption.ts, groupChangeOf). Once a
   * fortnight at most. Only its time is kept in the store: after a restart no reporter has seen
   * it (drifts are said as before), and a new change still waits out the fortnight.
   */
  groupChange?: { at: number; family: string; by: string[] }
  /** Per reporter, its run of volume findings graded high (the detector's volumeKeptUp; not kept in the store). */
  volumeRuns?: Map<string, { since: number; last: number }>
  /** The surge of requests last said (sustained-rate): its last quarter hour, when it began, its ratio and severity's rank (stored: a restart mid-flood says it once). */
  surgeSaid: { quarter: number; since: number; ratio: number; rank: number } | undefined
  /**
   * Quarter hours in surges of `sharedCap` times or more (sustained-rate), counted from the first
   * until a day passes without one, and the last of them: a group's surge excuses three hours of
   * them (a flood paused an hour every three starts its `since` afresh). Stored: a restart must
   * not give three hours more.
   */
  farQuarters: number
  farLast: number
  /** Its peer groups, resolved for the context object they came from (not stored). */
  groups: GroupBaseline[] | undefined
  /** Its groups that may explain a held finding: its team and segment, not its role (an organisation-wide group). Not kept in the store. */
  holdGroups: GroupBaseline[] | undefined
  /** Of those, the groups of agents like it (the team, first, and `role:` groups): whose weekend work makes its own ordinary (not stored). */
  alike: GroupBaseline[] | undefined
  groupsOf: unknown
  /** Finding key -> its incident (not stored: incidents start over at a restart). */
  said: Map<string, SaidFinding>
  /**
   * Its own days ({@link Schedule}): the last one active (-1: none), how many, how many working
   * days, weekend days, weekend days said to be unusual, and whole weekends passed without use.
   */
  activeDay: number
  activeDays: number
  workDays: number
  weekendDays: number
  weekendFlagged: number
  quietWeekends: number
  /**
   * When its current session (activity without a half-hour gap) started, and the time of its last
   * event that tells when it works (not a refusal for an expired credential; not stored: after a
   * restart, its last event of any kind).
   */
  sessionStart: number
  sessionLast: number
  /** The start of the last session an hour of which was said unusual for it (-1: none): the rest of it teaches little. */
  offSession: number
  /** Its days and hours read from its hour profile, once a day (not stored). */
  schedule: Schedule | undefined
}

/** What a peer group (team, segment, role) uses: the evidence that makes one member's first use ordinary. */
export interface GroupBaseline extends HourProfile {
  families: Map<string, Usage>
  networks: Map<string, Usage>
  segments: Map<string, Usage>
  actions: Map<string, Usage>
  /**
   * Novelties in adoption: who first took up something new to them (a family, a segment, an
   * action, a network or a kind of private network) without other explanation, and when. Several
   * members within the hour is a change of the group's (a period close, a re-org, a rollout).
   */
  adopting: Map<string, Usage>
  /** When the detector first knew the group (issuer's clock; 0: before this was kept). */
  since: number
  /** Members that did weekend work, each with when it first did (an on-call rotation). */
  weekend: Usage
  /**
   * Members whose requests were last judged over a window, and those noted in a surge of them, each
   * with when (sustained-rate.ts; not kept in the store: a surge is over within hours).
   */
  windows: Map<string, number> | undefined
  surging: Map<string, SurgeNote> | undefined
  /** Members whose family's day rose beyond twice its usual, and when (day-volume.ts; in memory). */
  rising: Map<string, number> | undefined
  /** How far members' days rose, by family, measure and member (a team's only: day-volume.ts, sharedFarRise; in memory). */
  risen: Map<string, Rise> | undefined
  /** Members' days with a said jump, who reported it, and the largest (volume-checks.ts, firstDay; in memory). */
  jumpers: FleetJump[] | undefined
  /** Members alerted for jumps or drifts in a family, by reporter, family and member (volume-checks.ts, groupResize; in memory). */
  resized: Map<string, Resize> | undefined
}

/** A member's day with a said jump in a group: the day (UTC days since 1970), the member, its reporter, its largest jump (natural log of records). */
export type FleetJump = [number, string, string, number]

/**
 * A member alerted for jumps or drifts in a family, as one reporter saw it: its first and last
 * finding, and of those reported (alerts), the largest and the sum and count of their sizes
 * (natural log of records).
 */
export interface Resize {
  member: string
  reporter: string
  family: string
  first: number
  last: number
  largest: number
  sum: number
  count: number
}

/**
 * An agent's part in its group's change of a family's sizes: when it began, the reporter it was
 * excused to, the largest request of the ordinary size then (natural log), whether that reporter
 * saw one since, and the requests and records it excused.
 */
export interface ResizePart {
  from: number
  by: string
  ordinary: number
  shut: boolean
  excused: number
  records: number
}

/** An unexplained reach as it goes on: since when, its last use, its uses, its first reporter, and whether another saw it too. */
export interface ReachRun {
  since: number
  last: number
  uses: number
  by: string
  others: boolean
}

/** A finding said, and the incident it belongs to (issuer's clock throughout). */
export interface SaidFinding {
  /** When it was last said, and its score and severity's rank then (a half more when its check graded it a level higher). */
  at: number
  score: number
  rank: number
  /** When it last occurred, said or not; when its incident began; occurrences since it was last said. */
  seen: number
  since: number
  count: number
  /** Its reporters' last occurrences (at most 8 reporters). */
  by: Map<string, number>
}

/** Who in a group used something, and when each first did. */
export interface Usage {
  members: string[]
  firsts: number[]
  last: number
}

export function newAgentBaseline(receivedAt: number, at: number): AgentBaseline {
  return {
    events: 0, allowed: 0, firstReceived: receivedAt, lastReceived: receivedAt, lastAt: at, families: new Map(), segments: new Map(), networks: new Map(),
    ...newHours(at),
    minute: Math.floor(at / 60_000), minuteCount: 0, minuteByReporter: new Map(), peak: 0, peakHour: -1, peakAtHour: 0, peakBefore: 0, rateMinutes: 0, burst: { first: -Infinity, firstRequests: 0, last: -Infinity, minutes: 0, requests: 0, unusual: -Infinity, spent: 0, spentAt: 0 },
    denials: [], trickle: newTrickle(), reaches: [], lastRefusedReach: -Infinity, soleRefusals: [], strayTimes: [], strayFamilies: [], eventsToday: 0, eventsYesterday: 0, eventsDay: -1, lastStray: -Infinity, reachRuns: new Map(), recentNets: [], switches: [], recent: [], said: new Map(), rare: [],
    activeDay: -1, activeDays: 0, workDays: 0, weekendDays: 0, weekendFlagged: 0, quietWeekends: 0, sessionStart: at, sessionLast: at, offSession: -1,
    ...newSustained(at),
    // Filled in as it is used, but present from the start: every baseline keeps one shape, which
    // the engine reads fastest (a property added to some agents' only made every read slower).
    held: 0, surgeSaid: undefined, farQuarters: 0, farLast: -Infinity, groups: undefined, holdGroups: undefined, alike: undefined, groupsOf: undefined, schedule: undefined,
    prevNet: undefined, strayAttempt: undefined, blockedUse: newBlockedUse(),
  }
}

export function newGroupBaseline(at: number): GroupBaseline {
  return { families: new Map(), networks: new Map(), segments: new Map(), actions: new Map(), adopting: new Map(), since: at, weekend: { members: [], firsts: [], last: 0 }, ...newHours(at), windows: undefined, surging: undefined, rising: undefined, risen: undefined, jumpers: undefined, resized: undefined }
}

// Families, networks and segments keep one shape each, whether new or read back from the store
// (the detector reads them on every event: varied shapes made those reads several times slower).

/** A family first used at `at`. */
export function newFamilyStats(at: number): FamilyStats {
  return {
    learned: false, days: 0, lastDay: -1, last: at, weekOf: -1, weekTop: 0, actions: [], n: 0, med: 0, dev: 0, fast: 0, aboveBits: 0, accepted: 0, acceptedAt: 0,
    cusum: 0, cusumSince: 0, cusumHits: 0, cusumLevel: 0, cusumLog: 0, cusumReads: 0, cusumAbove: 0, cusumCalm: 0, cusumCalmLog: 0, cusumBlind: 0, cusumTop: 0, cusumOwn: 0, top: 0,
    ...newHeldLevel(), ...newSizeHistogram(), ...newOrderedIds(), ...newDayVolume(), notedDay: -1, jumps: [], beyond: [], resize: undefined, jumpDays: [], recAction: '', acts: undefined,
  }
}

/**
 * A copy of the family's sizes (its levels, sizes, drift and held level) as the first of its
 * actions' own, when a second action comes (checkSizes in volume-checks.ts): every request with
 * records so far was of that action. Its days of jumps stay the family's (counted once).
 */
export function copySizes(f: FamilyStats, day: number): FamilyStats {
  return Object.assign(parseFamily(JSON.parse(JSON.stringify(snapshotFamily(f))), day, true)!, { jumpDays: [], recAction: '' })
}

/** The family's sizes and, where they are kept apart, each of its actions' (checkSizes in volume-checks.ts). */
export function sizesOf(f: FamilyStats): FamilyStats[] {
  return f.acts === undefined ? [f] : [f, ...f.acts.values()]
}

/** A network or segment first used at `at`; `kept` when it is the agent's own from the start. */
export function newPlaceStats(learned: boolean, kept: boolean, at: number): NetworkStats {
  return { learned, kept, notedDay: -1, days: 0, lastDay: -1, first: at, last: at, weekOf: -1, beside: false, crowded: false, lastUse: -Infinity, runFrom: -Infinity, turnedAt: -Infinity }
}

function newHours(at: number): HourProfile {
  return { hod: new Float64Array(24), hodTotal: 0, hodDay: Math.floor(at / DAY_MS) }
}

/** Activity profiles lose 5% a day: a habit dropped fades in a few weeks, a new one is learned in days. */
export const HOURS_DECAY_PER_DAY = 0.95

/**
 * The records level (natural log) the drift test accepts for a family at `at`: its level, or
 * what an operator accepted as benign, whose excess over the level loses 5% a day as activity
 * habits do (half in two weeks): a share accepted and no longer seen is forgotten in weeks.
 */
export function acceptedLevel(f: Pick<FamilyStats, 'accepted' | 'acceptedAt' | 'med'>, at: number): number {
  if (f.acceptedAt === 0 || f.accepted <= f.med) return f.med
  const days = Math.max(0, at - f.acceptedAt) / DAY_MS
  return f.med + (f.accepted - f.med) * HOURS_DECAY_PER_DAY ** days
}

export function decayHours(target: HourProfile, day: number): void {
  if (day <= target.hodDay) return
  const factor = HOURS_DECAY_PER_DAY ** Math.min(day - target.hodDay, 365)
  for (let i = 0; i < 24; i++) target.hod[i]! *= factor
  target.hodTotal *= factor
  target.hodDay = day
}

/**
 * Share of the activity within `radius` hours of `hour` (UTC). Three hours either side: a batch
 * that ran late after a backlog, or a long day, stays near the hours it is usually active.
 */
export function hourShare(hod: Float64Array, total: number, hour: number, radius = 3): number {
  if (total <= 0) return 0
  let sum = 0
  for (let d = -radius; d <= radius; d++) sum += hod[(hour + d + 24) % 24]!
  return sum / total
}

/** A group's record of one member's use of something; returns whether the member is new to it. */
/** A reach for lateral movement: what, when, whether refused, who reported it; `withdrawn` once its group explained it; `stray` once found a stray's (held low). */
export interface Reach {
  readonly at: number
  readonly what: string
  readonly refused: boolean
  readonly reporter: string
  withdrawn?: boolean
  stray?: boolean
}

/**
 * Makes room in a list kept per agent by the oldest entry of the most common key: refusals and
 * reaches by reporter (a flood of made-up entries from one reporter must not push another
 * verifier's out), the last hour's findings by aspect (a flood of one line must not push out
 * another's). With one key, the oldest.
 */
export function dropOldestOfBusiest<T>(list: T[], keyOf: (x: T) => unknown): void {
  const counts = new Map<unknown, number>()
  let busiest = keyOf(list[0]!)
  for (const x of list) {
    const key = keyOf(x)
    const n = (counts.get(key) ?? 0) + 1
    counts.set(key, n)
    if (n > counts.get(busiest)!) busiest = key
  }
  list.splice(list.findIndex((x) => keyOf(x) === busiest), 1)
}

export function noteUsage(map: Map<string, Usage>, key: string, member: string, at: number, cap: number): boolean {
  let usage = map.get(key)
  if (!usage) {
    if (map.size >= cap) return false
    map.set(key, (usage = { members: [], firsts: [], last: at }))
  }
  usage.last = Math.max(usage.last, at)
  if (usage.members.includes(member)) return false
  if (usage.members.length >= BASELINE_CAPS.groupMembers) return false
  usage.members.push(member)
  usage.firsts.push(at)
  return true
}

/** Members other than `member` that used it within `withinMs` of `at`; and how many of them first did within `recentMs`. */
export function peerUse(usage: Usage | undefined, member: string, at: number, withinMs: number, recentMs: number): { peers: number; recent: number } {
  if (!usage || at - usage.last > withinMs) return { peers: 0, recent: 0 }
  let peers = 0
  let recent = 0
  for (let i = 0; i < usage.members.length; i++) {
    if (usage.members[i] === member) continue
    peers++
    if (at - usage.firsts[i]! <= recentMs) recent++
  }
  return { peers, recent }
}

// scheme and first path segment: `db:customers/eu/1` → `db:customers`. Finer paths (one record or
// another) are ordinary; another family of data is what a compromised agent reaches for.
export function family(resource: string): string {
  const slash = resource.indexOf('/')
  return slash < 0 ? resource : resource.slice(0, slash)
}

// /24 for IPv4 (IPv4-mapped IPv6 included), /48 for IPv6: the network, not the host.
export function network(ip: string): string | undefined {
  const bytes = parseIpAddress(ip)
  if (!bytes) return undefined
  return bytes.length === 4 ? `${bytes[0]}.${bytes[1]}.${bytes[2]}` : Buffer.from(bytes.subarray(0, 6)).toString('hex')
}

/** A family's or network's use on one more day; `learnDays` distinct days of use make it part of the baseline. */
export function touchDay(stats: { days: number; lastDay: number; last: number }, at: number): void {
  const day = Math.floor(at / DAY_MS)
  if (day !== stats.lastDay) {
    stats.days++
    stats.lastDay = day
  }
  stats.last = Math.max(stats.last, at)
}

/** How far from a whole week after its previous day of use a use may come and be that use's next run. */
export const WEEKLY_SLACK_MS = 2 * HOUR_MS

/**
 * Whether a use at `at` comes a week after the previous day of use (within WEEKLY_SLACK_MS of a
 * week after its last use that day), or on a day whose first use did: a weekly duty's next run (a
 * Sunday backup reading every family it holds). Marks the day (`weekOf`) when it does: call it
 * last, once everything else about the use holds, and before {@link touchDay}.
 */
export function weeklyUse(stats: { days: number; lastDay: number; last: number; weekOf: number }, at: number): boolean {
  const day = Math.floor(at / DAY_MS)
  if (stats.weekOf === day) return true
  if (stats.days < 1 || stats.lastDay === day || Math.abs(at - stats.last - 7 * DAY_MS) > WEEKLY_SLACK_MS) return false
  stats.weekOf = day
  return true
}

/** JSON for the store: maps as entry lists, typed arrays as plain arrays. Findings said are not kept (quiet periods start over). */
export function snapshotBaseline(b: AgentBaseline): string {
  return JSON.stringify({
    v: 1, events: b.events, allowed: b.allowed, firstReceived: b.firstReceived, lastReceived: b.lastReceived, lastAt: b.lastAt,
    families: [...b.families].map(([key, f]) => [key, snapshotFamily(f)]), segments: [...b.segments].map(snapshotPlace), networks: [...b.networks].map(snapshotPlace),
    ...snapshotHours(b), peak: b.peak, peakHour: [b.peakHour, b.peakAtHour, b.peakBefore], rateMinutes: b.rateMinutes, ...(b.burst.spent > 0 ? { burstSpent: [Math.ceil(b.burst.spent), b.burst.spentAt] } : {}), ...(Number.isFinite(b.burst.last) && Math.floor(b.lastAt / 60_000) - b.burst.last <= BURST_GAP_MINUTES ? { burstRun: [b.burst.last, Number.isFinite(b.burst.minutes) ? b.burst.minutes : BURST_NOT_BRIEF] } : {}), rare: b.rare, soleRefusals: b.soleRefusals, strayTimes: b.strayTimes, strayFamilies: b.strayFamilies, refused: [b.lastRefusedReach, b.lastStray],
    trickle: b.trickle,
    recent: b.recent.map((r) => [r.at, r.kind, r.aspect, r.reach ?? '']),
    ...(b.alertDays !== undefined && b.alertDays.length > 0 ? { alertDays: snapshotAlertDays(b.alertDays) } : {}),
    ...(b.groupChange !== undefined ? { groupChangeAt: b.groupChange.at } : {}),
    ...(b.blockedUse.uses.length > 0 ? { blockedUse: b.blockedUse } : {}),
    days: [b.activeDay, b.activeDays, b.workDays, b.weekendDays, b.weekendFlagged, b.quietWeekends, b.sessionStart, b.offSession],
    vol: {
      level: round2(b.volLevel), most: round2(b.volMost), days: b.volDays, day: b.volDay, hours: [...b.volHours], flagged: b.volFlagged,
      bucket: b.volBucket, cur: b.volCur, ring: [...b.volRing], half: [b.volHalfMost, b.volHalfDay, b.volHalfBefore], short: b.volShortAt, weekly: b.volWeekly, weeklyBy: b.volWeeklyBy,
      ...(b.surgeSaid ? { surge: [b.surgeSaid.quarter, b.surgeSaid.since, Math.round(b.surgeSaid.ratio * 100) / 100, b.surgeSaid.rank] } : {}),
      ...(b.farQuarters > 0 ? { far: [b.farQuarters, b.farLast] } : {}),
    },
  })
}

const round2 = (a: Float64Array): number[] => [...a].map((x) => Math.round(x * 100) / 100)

// A family's stored form: the sizes' bins (and days' starting 99th percentiles) rounded; their
// cached quantiles, the hour's jumps and the walks under way left out (a row read back starts
// with none anyway).
function snapshotFamily(f: FamilyStats): Record<string, unknown> {
  const { histQ50: _q50, histQ90: _q90, histQ99: _q99, histSince: _since, histStarts: _starts, lightStarts: _lightStarts, lightFloors: _lightFloors, floorCap: _floorCap, notedDay: _noted, jumps: _jumps, beyond: _beyond, resize: _resize, idRuns: _runs, acts, ...kept } = f
  return { ...kept, ...snapshotSizes(f), ...(acts !== undefined ? { acts: [...acts].map(([action, a]) => [action, snapshotActionSizes(a)]) } : {}) }
}
// An action's sizes' stored form: what the per-request checks read (its days' totals and walks
// are the family's).
const ACTION_KEPT = ['n', 'med', 'dev', 'fast', 'aboveBits', 'top', 'accepted', 'acceptedAt', 'cusum', 'cusumSince', 'cusumHits', 'cusumLevel', 'cusumLog', 'cusumReads', 'cusumAbove', 'cusumCalm', 'cusumCalmLog', 'cusumBlind', 'cusumTop', 'cusumOwn', 'held', 'heldAt', 'pend', 'pendAt', 'jumpDays'] as const
function snapshotActionSizes(a: FamilyStats): Record<string, unknown> {
  const out: Record<string, unknown> = snapshotSizes(a)
  for (const key of ACTION_KEPT) out[key] = a[key]
  return out
}

// A network's or segment's stored form: `kept` only when true, as rows have always had it.
function snapshotPlace([key, { kept, crowded, notedDay: _noted, notedBy: _notedBy, keptBy: _keptBy, keptAt: _keptAt, lastUse: _lastUse, runFrom: _runFrom, turnedAt: _turnedAt, ...rest }]: [string, NetworkStats]): [string, Record<string, unknown>] {
  return [key, { ...rest, ...(kept ? { kept } : {}), ...(crowded ? { crowded } : {}) }]
}

export function snapshotGroup(g: GroupBaseline): string {
  return JSON.stringify({ v: 1, families: [...g.families], networks: [...g.networks], segments: [...g.segments], actions: [...g.actions], adopting: [...g.adopting], since: g.since, weekend: g.weekend, ...snapshotHours(g) })
}

function snapshotHours(p: HourProfile): { hod: number[]; hodTotal: number; hodDay: number } {
  return { hod: [...p.hod], hodTotal: p.hodTotal, hodDay: p.hodDay }
}

// A stored profile read back (rows written with an hour-of-week profile still read: it is ignored).
function restoreHours(target: HourProfile, o: Record<string, unknown>): void {
  target.hod = floats(o.hod, 24)
  target.hodTotal = num(o.hodTotal)
  target.hodDay = num(o.hodDay)
}

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
// A stored list of times (finite numbers), its newest `most`.
const times = (v: unknown, most: number): number[] => (Array.isArray(v) ? v.filter((t): t is number => Number.isFinite(t)).slice(-most) : [])
const entries = <T>(v: unknown, cap: number, parse: (x: unknown) => T | undefined): Map<string, T> => {
  const out = new Map<string, T>()
  if (!Array.isArray(v)) return out
  for (const e of v.slice(0, cap)) {
    if (!Array.isArray(e) || typeof e[0] !== 'string') continue
    const parsed = parse(e[1])
    if (parsed !== undefined) out.set(e[0], parsed)
  }
  return out
}
const floats = (v: unknown, n: number): Float64Array => {
  const out = new Float64Array(n)
  if (Array.isArray(v)) for (let i = 0; i < n; i++) out[i] = Math.max(0, num(v[i]))
  return out
}
const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined)
const strings = (v: unknown, cap: number): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, cap) : [])

function parseFamily(v: unknown, lastDay: number, nested = false): FamilyStats | undefined {
  const o = obj(v)
  if (!o) return undefined
  return Object.assign(newFamilyStats(0), {
    learned: o.learned === true, days: num(o.days), lastDay: num(o.lastDay), last: num(o.last), weekOf: num(o.weekOf, -1), weekTop: num(o.weekTop), actions: strings(o.actions, BASELINE_CAPS.actions),
    n: num(o.n), med: num(o.med), dev: num(o.dev), fast: num(o.fast), aboveBits: num(o.aboveBits) >>> 0, accepted: num(o.accepted), acceptedAt: Math.max(0, num(o.acceptedAt)),
    cusum: Math.max(0, num(o.cusum)), cusumSince: num(o.cusumSince), cusumHits: num(o.cusumHits), cusumLevel: num(o.cusumLevel), cusumLog: num(o.cusumLog), cusumReads: num(o.cusumReads), cusumAbove: num(o.cusumAbove), cusumCalm: num(o.cusumCalm), cusumCalmLog: num(o.cusumCalmLog), cusumBlind: num(o.cusumBlind), cusumTop: num(o.cusumTop), cusumOwn: num(o.cusumOwn) === 1 ? 1 : 0, top: num(o.top),
    // Rows written before the held level was kept start without one (held from a day later).
    held: num(o.held, -1), heldAt: Math.max(0, num(o.heldAt)), pend: pending(o.pend), pendAt: Math.max(0, num(o.pendAt)),
    // Rows written before walks were learned have NaN here: restoreBaseline judges them two days on.
    idMost: Math.max(0, num(o.idMost)), idToday: Math.max(-1, num(o.idToday)), idDay: num(o.idDay, -1), idSince: typeof o.idMost === 'number' ? num(o.idSince) : NaN, idTaught: num(o.idTaught, -1),
    idWeekly: num(o.idWeekly, -1), idWeeklyRun: Math.max(0, num(o.idWeeklyRun)), idWeeklyBy: typeof o.idWeeklyBy === 'string' ? o.idWeeklyBy : '',
    idSaid: Math.max(-1, num(o.idSaid)), idSaidBy: typeof o.idSaidBy === 'string' ? o.idSaidBy : '', idExcused: Math.max(0, num(o.idExcused)), ...ground(o), idRuns: undefined,
    jumpDays: jumpDays(o.jumpDays),
    // Rows written before sizes were kept start with none: the level and spread judge meanwhile.
    ...restoreSizes(o),
    ...restoreDayVolume(o, lastDay),
    // Rows written before sizes were kept per action start with the family's alone.
    recAction: typeof o.recAction === 'string' ? o.recAction : '', acts: nested ? undefined : actionSizes(o.acts, lastDay),
  })
}
// A family's known ground of walks (ordered-ids.ts): rows written before it, or with spans that
// are not whole ids in order, start with none.
function ground(o: Record<string, unknown>): Pick<FamilyStats, 'idLo' | 'idHi' | 'idTodayLo' | 'idTodayHi'> {
  const span = (lo: unknown, hi: unknown): [number, number] => (Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && (lo as number) >= 0 && (lo as number) <= (hi as number) ? [lo as number, hi as number] : [-1, -1])
  const [idLo, idHi] = span(o.idLo, o.idHi)
  const [idTodayLo, idTodayHi] = span(o.idTodayLo, o.idTodayHi)
  return { idLo, idHi, idTodayLo, idTodayHi }
}
// A family's sizes per action, from its stored row (one level deep; at most BASELINE_CAPS.actionSizes).
function actionSizes(v: unknown, lastDay: number): Map<string, FamilyStats> | undefined {
  if (!Array.isArray(v)) return undefined
  const out = new Map<string, FamilyStats>()
  for (const e of v.slice(0, BASELINE_CAPS.actionSizes)) {
    const f = Array.isArray(e) && typeof e[0] === 'string' ? parseFamily(e[1], lastDay, true) : undefined
    if (f) out.set(e[0], f)
  }
  return out.size > 0 ? out : undefined
}
// Rows written before jump days were kept have none (a habitual jump is said twice more); days
// written before their reported largest was kept have none (no second day is measured by them).
function jumpDays(v: unknown): JumpDay[] {
  const out: JumpDay[] = []
  if (!Array.isArray(v)) return out
  for (const e of v.slice(-JUMP_DAYS)) if (Array.isArray(e) && Number.isFinite(e[0]) && Number.isFinite(e[1]) && typeof e[2] === 'string' && Number.isFinite(e[3]) && Number.isFinite(e[4])) out.push([e[0], e[1], e[2], e[3], e[4], Number.isFinite(e[5]) ? Math.min(e[5], e[1]) : -Infinity])
  return out
}

function rareActions(v: unknown): RareAction[] {
  const out: RareAction[] = []
  if (!Array.isArray(v)) return out
  for (const x of v.slice(0, BASELINE_CAPS.actions)) {
    const o = obj(x)
    // Rows without a family (written before it was kept) are dropped: their action is watched again.
    if (o && typeof o.action === 'string' && typeof o.family === 'string') out.push({ family: o.family, action: actionKind(o.action), day: num(o.day), count: num(o.count), most: num(o.most), over: num(o.over), clean: o.clean !== false, lowOnly: o.lowOnly === true, firstAt: num(o.firstAt), days: num(o.days, 1), by: strings(o.by, RARE_REPORTERS) })
  }
  return out
}
function pending(v: unknown): number[] {
  const out = [-1, -1, -1, -1]
  if (Array.isArray(v)) for (let i = 0; i < out.length; i++) out[i] = num(v[i], -1)
  return out
}
function parseNetwork(v: unknown): NetworkStats | undefined {
  const o = obj(v)
  if (!o) return undefined
  return Object.assign(newPlaceStats(o.learned === true, o.kept === true, num(o.first)), { days: num(o.days), lastDay: num(o.lastDay), last: num(o.last), weekOf: num(o.weekOf, -1), beside: o.beside === true, crowded: o.crowded === true })
}
function parseUsage(v: unknown): Usage | undefined {
  const o = obj(v)
  if (!o) return undefined
  const members = strings(o.members, BASELINE_CAPS.groupMembers)
  const firsts = Array.isArray(o.firsts) ? o.firsts.slice(0, members.length).map((x) => num(x)) : []
  while (firsts.length < members.length) firsts.push(0)
  return { members, firsts, last: num(o.last) }
}

/**
 * Reads a stored baseline back. Stored rows are our own, but a damaged or foreign row must not
 * crash monitoring: anything unreadable gives `undefined` (the agent learns afresh).
 */
export function restoreBaseline(json: string): AgentBaseline | undefined {
  let o: Record<string, unknown> | undefined
  try { o = obj(JSON.parse(json)) } catch { return undefined }
  if (!o || o.v !== 1) return undefined
  const b = newAgentBaseline(num(o.firstReceived), num(o.lastAt))
  b.events = num(o.events)
  // (A row written before allowed requests were counted: all its requests stand in. Never more
  // than all, nor fewer than none: a crafted row must not widen a stray's allowance.)
  b.allowed = Math.min(b.events, Math.max(0, o.allowed === undefined ? b.events : num(o.allowed)))
  b.lastReceived = num(o.lastReceived)
  // Days after the agent's last event (a row dated ahead) count for nothing in a family's days.
  const lastDay = Math.floor(b.lastAt / DAY_MS)
  b.families = entries(o.families, BASELINE_CAPS.families, (f) => parseFamily(f, lastDay))
  // A family of a row written before walks were learned: nothing is known of its paging, so its
  // walks are learned for two days (the agent's maturity) before they are judged.
  for (const f of b.families.values()) if (Number.isNaN(f.idSince)) f.idSince = b.lastAt + 2 * DAY_MS
  b.segments = entries(o.segments, BASELINE_CAPS.segments, parseNetwork)
  b.networks = entries(o.networks, BASELINE_CAPS.networks, parseNetwork)
  restoreHours(b, o)
  b.peak = num(o.peak)
  // (Rows written before it was kept: the hour begins afresh at the next minute.)
  const peakHour = Array.isArray(o.peakHour) ? o.peakHour.map((x) => num(x, NaN)) : []
  if (peakHour.length === 3 && peakHour.every(Number.isFinite) && peakHour[1]! >= 0 && peakHour[2]! >= 0) [b.peakHour, b.peakAtHour, b.peakBefore] = [Math.floor(peakHour[0]!), peakHour[1]!, peakHour[2]!]
  b.rateMinutes = num(o.rateMinutes)
  // What brief bursts spent of the week's (rows written before it was kept: nothing), as of a
  // minute no later than its last event.
  const spent = Array.isArray(o.burstSpent) ? o.burstSpent.map((x) => num(x, NaN)) : []
  if (spent.length === 2 && spent[0]! > 0 && Number.isFinite(spent[1]) && spent[1]! <= Math.floor(b.lastAt / 60_000)) Object.assign(b.burst, { spent: spent[0], spentAt: spent[1] })
  // A run going on as it was stored (a restart must not split a flood into brief runs): its
  // minutes carry on; its requests, not kept, are left out of no half hour.
  const run = Array.isArray(o.burstRun) ? o.burstRun.map((x) => num(x, NaN)) : []
  if (run.length === 2 && Number.isInteger(run[0]) && run[0]! <= Math.floor(b.lastAt / 60_000) && run[1]! >= 1) Object.assign(b.burst, { first: run[0], last: run[0], minutes: run[1] })
  // (A time after the agent's last event, from a row dated ahead, counts for nothing.)
  const changeAt = num(o.groupChangeAt, NaN)
  if (Number.isFinite(changeAt) && changeAt <= b.lastAt) b.groupChange = { at: changeAt, family: '', by: [] }
  b.blockedUse = restoreBlockedUse(o.blockedUse, b.lastAt)
  // Rows written before rare actions were kept have none.
  b.rare = rareActions(o.rare)
  b.alertDays = restoreAlertDays(o.alertDays, b.lastAt)
  // Rows written before sole refusals were kept have none.
  b.soleRefusals = times(o.soleRefusals, SOLE_KEPT)
  b.strayTimes = times(o.strayTimes, SOLE_KEPT)
  // (Never: written as null, or a row written before they were kept. Never after its last event.)
  const refused = Array.isArray(o.refused) ? o.refused : []
  b.lastRefusedReach = Math.min(b.lastAt, num(refused[0], -Infinity))
  b.lastStray = Math.min(b.lastAt, num(refused[1], -Infinity))
  b.trickle = restoreTrickle(o.trickle, b.lastAt)
  // Rows written before stray families were kept have none (days dated ahead count for none: see #soleRefusal).
  b.strayFamilies = Array.isArray(o.strayFamilies)
    ? o.strayFamilies.filter((e): e is [string, number, number, number] => Array.isArray(e) && typeof e[0] === 'string' && [e[1], e[2], e[3]].every(Number.isFinite)).slice(-STRAY_FAMILIES).map((e) => [e[0], e[1], e[2], e[3]])
    : []
  // Rows written before days were kept count them from now: the day checks wait for five
  // working days and a quiet weekend of their own.
  const days = Array.isArray(o.days) ? o.days : []
  b.activeDay = num(days[0], -1)
  b.activeDays = num(days[1])
  b.workDays = num(days[2])
  b.weekendDays = num(days[3])
  b.weekendFlagged = num(days[4])
  b.quietWeekends = num(days[5])
  b.sessionStart = num(days[6], b.lastAt)
  b.sessionLast = b.lastAt
  b.offSession = num(days[7], -1)
  // Its findings of the last hour (corroboration, and whether a first use came amid another
  // finding): a restart must not make the hour after a finding quiet. Rows written before have none.
  if (Array.isArray(o.recent)) {
    for (const r of o.recent.slice(-RECENT_KEPT)) {
      if (!Array.isArray(r) || typeof r[1] !== 'string' || r[1].length > 40 || typeof r[3] !== 'string' || r[3].length > 300) continue
      const at = num(r[0], NaN)
      const aspect = num(r[2], NaN)
      if (Number.isFinite(at) && Number.isInteger(aspect) && aspect >= 0) b.recent.push({ at, kind: r[1], aspect, reach: r[3] === '' ? undefined : r[3] })
    }
  }
  // Rows written before the sustained-rate levels were kept learn them afresh (three active days).
  const vol = obj(o.vol)
  if (vol) {
    b.volLevel = floats(vol.level, 24)
    b.volMost = floats(vol.most, 24)
    b.volDays = Math.max(0, num(vol.days))
    b.volDay = num(vol.day, b.volDay)
    b.volHours = floats(vol.hours, 24)
    b.volFlagged = num(vol.flagged) >>> 0
    b.volBucket = num(vol.bucket, -1)
    b.volCur = Math.max(0, num(vol.cur))
    const half = floats(vol.half, 3)
    b.volHalfMost = half[0]!
    b.volHalfDay = half[1]!
    b.volHalfBefore = half[2]!
    // (A short flood judged at a quarter hour after the last one counted is none.)
    const short = Math.floor(num(vol.short, -1))
    b.volShortAt = short <= b.volBucket ? short : -1
    // The surges said in the last eight days (rows written before they were kept: none; a weekly
    // run is then said once more, as any surge).
    restoreWeekly(b, vol.weekly, vol.weeklyBy)
    // (A ring stored at another length holds its quarters at other places: it starts empty.)
    if (Array.isArray(vol.ring) && vol.ring.length === b.volRing.length) b.volRing = floats(vol.ring, b.volRing.length)
    // The surge last said (a restart during a flood must not say it again, nor start its hours afresh).
    const surge = Array.isArray(vol.surge) ? vol.surge.map((x) => num(x, NaN)) : []
    if (surge.length === 4 && surge.every(Number.isFinite) && surge[1]! <= surge[0]! && surge[2]! > 0 && surge[3]! >= 0 && surge[3]! <= 3) {
      b.surgeSaid = { quarter: surge[0]!, since: surge[1]!, ratio: surge[2]!, rank: surge[3]! }
    }
    // Its quarter hours beyond six times (none in rows written before; a count past a day's is spent anyway).
    const far = Array.isArray(vol.far) ? vol.far.map((x) => num(x, NaN)) : []
    if (far.length === 2 && far.every(Number.isFinite) && far[0]! > 0 && far[1]! <= b.volBucket) {
      b.farQuarters = Math.min(Math.floor(far[0]!), QUARTERS_A_DAY)
      b.farLast = Math.floor(far[1]!)
    }
  }
  return b
}

export function restoreGroup(json: string): GroupBaseline | undefined {
  let o: Record<string, unknown> | undefined
  try { o = obj(JSON.parse(json)) } catch { return undefined }
  if (!o || o.v !== 1) return undefined
  const g = newGroupBaseline(0)
  g.families = entries(o.families, 4 * BASELINE_CAPS.families, parseUsage)
  g.networks = entries(o.networks, 4 * BASELINE_CAPS.networks, parseUsage)
  g.segments = entries(o.segments, 4 * BASELINE_CAPS.segments, parseUsage)
  g.actions = entries(o.actions, 4 * BASELINE_CAPS.families, parseUsage)
  // Rows written before adoptions were kept: none in adoption, the group known from before.
  g.adopting = entries(o.adopting, BASELINE_CAPS.adopting, parseUsage)
  g.since = num(o.since)
  // Rows written before weekend work was kept: nobody's on record.
  g.weekend = parseUsage(o.weekend) ?? { members: [], firsts: [], last: 0 }
  restoreHours(g, o)
  return g
}
