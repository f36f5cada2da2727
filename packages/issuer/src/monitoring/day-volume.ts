/**
 * Records a day from one family (issue 21): data drained by *more requests* of the usual sizes.
 * The drift test (drift-cusum.ts) watches the records of each request; a thief that adds requests
 * of the family's ordinary sizes, a few more every few hours until it reads twenty times what the
 * agent does, leaves every request ordinary, and on a busy agent (a queue worker, a sync service)
 * the agent's own hourly count (sustained-rate.ts) barely moves when one of its families grows. The
 * family's total a day does.
 *
 * What is learned, per (agent, family): its records and its requests read on each of its last
 * active days (a fortnight, at most DAY_VOLUME.kept days). What is expected of a day, for each:
 * the median of those totals, or the total of the same weekday a week before when that is higher
 * (a Saturday's full reindex, a Monday's report), or a day an operator accepted. A median moves
 * only once half the fortnight's days have grown: a ramp over a few days does not teach itself,
 * and one busy day changes nothing.
 *
 * The check: today's total so far beyond `ratio` times what is expected, and beyond the family's
 * own day-to-day spread (`spreads`, the limit at most `maxLimit`); at least `minReads` requests
 * today; the day of use before up twice as well, and today a quarter more than it and than the
 * fortnight's busiest day today's reporter alone reported: a rise that goes on growing to where
 * the family never went, not a busy day, a task's busy days at a steady pace, or a task's days
 * growing to what an earlier task read. Said medium at most (a rise over days is worth a look,
 * not a suspension, on its own), once a day per family; low when its groups rise with it
 * (`sharedTeam`; far beyond the usual, as far: `unshared`), then medium once beyond what that
 * excuses. A day beyond it is learned like any
 * other (the operator has been told; a new workload that lasts becomes the median within a week).
 */
import type { RiskLevel } from '@agentid/core'
import type { GroupBaseline } from './baseline.js'
import type { Say, Scope, Sens } from './scope.js'
import { remember } from './sustained-rate.js'

// (Not imported from baseline.ts, which imports this module.)
const DAY_MS = 86_400_000

export const DAY_VOLUME = {
  /** Days of totals kept, and how far back they count. */
  kept: 16,
  windowDays: 14,
  /** Active days with totals before the check runs. */
  minDays: 5,
  /**
   * A day beyond this many times what is expected, and beyond `spreads` times the family's own
   * day-to-day spread (the median absolute deviation of its days' totals, in natural log): a
   * person's assistant reads a family in a few list pages one day and in thirty the next, a sync
   * service reads it the same every day.
   */
  ratio: 5,
  spreads: 3,
  /** At most this many times (a ramp widens the spread of the days it fills: it must not widen its own limit for good). */
  maxLimit: 10,
  /**
   * From this many times the usual day, a rise is its team's only when as many of them
   * (`sharedTeam`) rose in the same family the same day to at least `farShare` of it (in times
   * their usual day on that reporter's word, and in what they read), each reported by the one
   * reporter that alone reported the agent's day: an incident has a whole team read its logs
   * fifteen and twenty times a usual day, a commission run lifts every instance of a portal alike,
   * where a thief beside a team's close reads far more than its team mates. (A reporter's word
   * covers only what it reported: another reporter making team mates look busy excuses nothing
   * beyond this; nor do a wider group's members, other owners' agents.)
   */
  unshared: 15,
  farShare: 1 / 3,
  /** Requests read today before a day is judged (a handful of larger lists is no drain). */
  minReads: 20,
  /**
   * A drift goes on, and grows, over days: the agent's day of use before today (within
   * `beforeDays`) was up this many times as well, and today has gone `growth` times beyond it and
   * beyond the busiest day of the fortnight (of those today's reporter alone reported: see
   * peakDay). A task bot's busy day among ordinary ones, its busy
   * days of one task at a steady pace, or a task spread over days each busier than the last but
   * below what a task read a week before (workload-b's bots: tasks every few days, some twelve
   * times a quiet day), are not a drift. (A thief growing a quarter a day is judged by the limit
   * alone, as before: the day before is the busiest then.)
   */
  before: 2,
  beforeDays: 3,
  growth: 1.25,
  /**
   * A rise its groups share is theirs (a period's close, a sales day): members noted as rising
   * (a family's day beyond `noted` times its usual) within a day, two others of its team or four of
   * a wider group (never a role across the organisation), make it `low`, below `unshared` times the
   * usual day, on one day a fortnight per family at most (a review: team mates an attacker
   * controls, rising each day beside a thief's ramp, made every day of it low).
   */
  noted: 2,
  sharedTeam: 2,
  sharedWide: 4,
} as const

/** A family's totals a day (part of its baseline, and of its stored row). */
export interface DayVolume {
  /** The day (since 1970, UTC) being counted, its records and its requests so far, and how it was said (-1: not; 0 low, 1 medium). */
  volDay: number
  volToday: number
  volReads: number
  volSaid: number
  /** The reporter of today's requests ('' none yet, '*' more than one). */
  volBy: string
  /** Earlier active days: [day, records, requests, reporter ('*': more than one)], oldest first. */
  volDays: Array<[number, number, number, string]>
  /** A day an operator accepted as benign: [day, records, requests] (day -1: none), expected for a fortnight. */
  volAccepted: [number, number, number]
  /** The last day a rise of the family was its group's (-1: none): once a fortnight at most. */
  volExcused: number
}

export function newDayVolume(): DayVolume {
  return { volDay: -1, volToday: 0, volReads: 0, volSaid: -1, volBy: '', volDays: [], volAccepted: [-1, 0, 0], volExcused: -1 }
}

/** A stored row's totals (rows written before they were kept start with none); `lastDay`: the day of the agent's last event. */
export function restoreDayVolume(o: Record<string, unknown>, lastDay: number): DayVolume {
  const days: Array<[number, number, number, string]> = []
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0
  // (Rows written before the reporter was kept: a day of no one reporter's.)
  if (Array.isArray(o.volDays)) for (const e of o.volDays.slice(-DAY_VOLUME.kept)) if (Array.isArray(e) && Number.isFinite(e[0]) && ok(e[1]) && ok(e[2])) days.push([e[0], e[1], e[2], typeof e[3] === 'string' ? e[3] : '*'])
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d)
  const acc = Array.isArray(o.volAccepted) && Number.isFinite(o.volAccepted[0]) && ok(o.volAccepted[1]) && ok(o.volAccepted[2]) ? [o.volAccepted[0] as number, o.volAccepted[1], o.volAccepted[2]] as [number, number, number] : [-1, 0, 0] as [number, number, number]
  // A day after the agent's last event (a row dated ahead) counts for nothing.
  if (acc[0] > lastDay) acc[0] = -1
  const kept = days.filter((e) => e[0] <= lastDay)
  const volDay = num(o.volDay, -1)
  if (volDay > lastDay) return { ...newDayVolume(), volDays: kept, volAccepted: acc }
  const excused = num(o.volExcused, -1)
  return { volDay, volToday: Math.max(0, num(o.volToday, 0)), volReads: Math.max(0, num(o.volReads, 0)), volSaid: Math.min(1, Math.max(-1, Math.round(num(o.volSaid, -1)))), volBy: typeof o.volBy === 'string' ? o.volBy : '*', volDays: kept, volAccepted: acc, volExcused: excused > lastDay ? -1 : excused }
}

/**
 * An operator accepted a volume finding about the family as benign at `at`: a day's totals of
 * records and requests (`perDay`), or requests of `records` each (a drift of their size, at the
 * family's usual number of requests a day). Days up to those totals are expected for a fortnight.
 */
export function acceptDay(v: DayVolume, at: number, accepted: { perDay?: { records: number; requests: number }; records?: number }): void {
  const day = Math.floor(at / DAY_MS)
  // Exactly what the verdict was about: the alert's totals, or the size accepted at the family's
  // usual number of requests; never what the day has reached since (an adversarial review: a
  // verdict on a request's size, given at noon, accepted a thief's ten times the requests).
  const reads = expectedDay(v, day, 2, 1)?.usual ?? usualReads(v, day)
  const records = accepted.perDay?.records ?? (accepted.records ?? 0) * reads
  const requests = accepted.perDay?.requests ?? reads
  const [d0, r0, q0] = v.volAccepted
  const live = d0 >= 0 && d0 <= day && day - d0 <= DAY_VOLUME.windowDays
  v.volAccepted = [day, Math.max(records, live ? r0 : 0), Math.max(requests, live ? q0 : 0)]
  expectedCache.delete(v)
}

/**
 * What a day of the family is expected to read (records, or requests: `at` 1 or 2 of a day's
 * entry), from its earlier days, and how many times that a day may go: undefined until enough
 * days are known.
 */
export function expectedDay(v: DayVolume, day: number, at: 1 | 2, sens: number): Expected | undefined {
  // Computed once a day per family (and again after a verdict): the days behind it do not change.
  let cached = expectedCache.get(v)
  if (cached === undefined || cached.day !== day) expectedCache.set(v, (cached = { day, of: [undefined, computeExpected(v, day, 1), computeExpected(v, day, 2)] }))
  const e = cached.of[at]
  return e === undefined || sens === 1 ? e : { ...e, limit: e.limit / sens }
}

// What expectedDay found for each family today (in memory: recomputed from the stored days).
const expectedCache = new WeakMap<DayVolume, { day: number; of: [undefined, Expected | undefined, Expected | undefined] }>()
interface Expected { usual: number; limit: number }

function computeExpected(v: DayVolume, day: number, at: 1 | 2): Expected | undefined {
  const logs: number[] = []
  let weekAgo = 0
  for (const e of v.volDays) {
    if (day - e[0] > DAY_VOLUME.windowDays || e[0] >= day) continue
    logs.push(Math.log(Math.max(1, e[at])))
    if (day - e[0] === 7) weekAgo = e[at]
  }
  if (logs.length < DAY_VOLUME.minDays) return undefined
  const median = medianOf(logs)
  const spread = medianOf(logs.map((x) => Math.abs(x - median)))
  const [acceptedDay, ...accepted] = v.volAccepted
  const usual = Math.max(Math.exp(median), weekAgo, acceptedDay >= 0 && acceptedDay <= day && day - acceptedDay <= DAY_VOLUME.windowDays ? accepted[at - 1]! : 0)
  return { usual, limit: Math.min(DAY_VOLUME.maxLimit, Math.max(DAY_VOLUME.ratio, Math.exp(DAY_VOLUME.spreads * spread))) }
}

// Requests a day before enough days are known: the median of those there are (today's so far
// when none).
function usualReads(v: DayVolume, day: number): number {
  const reads = readsBefore(v, day)
  return reads.length > 0 ? medianOf(reads) : v.volReads
}

/**
 * Today's requests so far and the one at hand, over the family's usual day (the median of its
 * kept days' requests; Infinity with none kept): how busy the family is today.
 */
export function readsOverUsual(v: DayVolume, day: number): number {
  const reads = readsBefore(v, day)
  return reads.length === 0 ? Infinity : ((v.volDay === day ? v.volReads : 0) + 1) / medianOf(reads)
}

// The requests of each kept day before `day`, within the window.
function readsBefore(v: DayVolume, day: number): number[] {
  return daysBefore(v, day).filter((e) => e[0] < day && day - e[0] <= DAY_VOLUME.windowDays).map((e) => e[2])
}

/**
 * How many days of reads the family has before `day`: its kept days and, on a later day's first
 * read, the day still being counted (checkDayVolume keeps it when it counts that read, after the
 * volume checks have asked: the first read of each day was judged as if the day before had none).
 */
export function daysOfReads(v: DayVolume, day: number): number {
  return daysBefore(v, day).length
}

// The kept days, and the day being counted when it is over at `day` (not yet kept).
function daysBefore(v: DayVolume, day: number): ReadonlyArray<DayVolume['volDays'][number]> {
  return v.volDay >= 0 && v.volDay < day && v.volReads > 0 ? [...v.volDays, [v.volDay, v.volToday, v.volReads, v.volBy || '*']] : v.volDays
}

/** The median of `xs` (sorted in place). */
export function medianOf(xs: number[]): number {
  xs.sort((a, b) => a - b)
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
}

/** Counts an allowed read of `records` from the family, and says a day beyond what is expected. */
export function checkDayVolume(s: Scope, v: DayVolume, fam: string, records: number, sensitivity: Sens, say: Say): void {
  const day = Math.floor(s.at / DAY_MS)
  if (day !== v.volDay) {
    // Late events of an earlier day (a reporter's backlog) count on the current one.
    if (day < v.volDay) {
      v.volToday += records
      v.volReads++
      noteReporter(v, s.reporter)
      return
    }
    if (v.volDay >= 0 && v.volReads > 0) {
      v.volDays.push([v.volDay, v.volToday, v.volReads, v.volBy || '*'])
      if (v.volDays.length > DAY_VOLUME.kept) v.volDays.shift()
    }
    v.volDay = day
    v.volToday = 0
    v.volReads = 0
    v.volSaid = -1
    v.volBy = ''
  }
  v.volToday += records
  v.volReads++
  noteReporter(v, s.reporter)
  const sens = sensitivity['volume-drift']
  if (s.learning || !s.mature || sens <= 0 || v.volReads < DAY_VOLUME.minReads) return
  if (v.volSaid >= SAID.medium) {
    // Said, its day is still noted with its groups as far as it goes: its team mates' rises are
    // judged beside all of it, not what it had read when it was said.
    for (const at of [1, 2] as const) {
      const e = expectedDay(v, day, at, sens)
      if (e !== undefined) noteDay(s, v, fam, day, at, Math.max(e.usual, 1))
    }
    return
  }
  // Records a day (larger requests, or more of them), then requests a day (more of the usual).
  if (!judgeDay(s, v, fam, day, 1, sens, say)) judgeDay(s, v, fam, day, 2, sens, say)
}

// Notes today's records (`at` 1) or requests (2) of the family with its groups once beyond twice
// `usual`: as rising, once a day (sharedRise), and how far, again each time a quarter further
// (sharedFarRise).
function noteDay(s: Scope, v: DayVolume, fam: string, day: number, at: 1 | 2, usual: number): Noted {
  const seen = at === 1 ? v.volToday : v.volReads
  const ratio = seen / usual
  const noted = notedOn(v, day)
  if (seen > DAY_VOLUME.noted * usual && ratio >= NOTED_GROWTH * noted.ratio[at - 1]!) {
    if (!noted.rose) noteRising(s.holdGroups, s.agent, s.at)
    noted.rose = true
    noted.ratio[at - 1] = ratio
    // How far, against its usual day on the word of the one reporter of today alone (another
    // reporter's made-up reads on its other days must not make its real day look far).
    const own = v.volBy === '*' || v.volBy === '' ? undefined : usualBy(v, day, at, v.volBy)
    if (own !== undefined) noteRisen(s.holdGroups, { member: s.agent, family: fam, measure: at, day, ratio: seen / Math.max(usual, own), seen, by: v.volBy })
  }
  return noted
}

// The family's usual day (records or requests: `at`) on the word of `by`: the median of the
// fortnight's days it alone reported (undefined: fewer than `minDays` of them).
function usualBy(v: DayVolume, day: number, at: 1 | 2, by: string): number | undefined {
  const days: number[] = []
  for (const e of v.volDays) if (e[3] === by && e[0] < day && day - e[0] <= DAY_VOLUME.windowDays) days.push(e[at])
  return days.length < DAY_VOLUME.minDays ? undefined : medianOf(days)
}

// Judges today's records (`at` 1) or requests (2) of the family; true once it is said medium.
function judgeDay(s: Scope, v: DayVolume, fam: string, day: number, at: 1 | 2, sens: number, say: Say): boolean {
  const e = expectedDay(v, day, at, sens)
  if (e === undefined) return false
  const usual = Math.max(e.usual, 1)
  const seen = at === 1 ? v.volToday : v.volReads
  const ratio = seen / usual
  const noted = noteDay(s, v, fam, day, at, usual)
  const m = at - 1
  if (seen <= e.limit * usual) return false
  const before = v.volDays[v.volDays.length - 1]
  if (before === undefined || day - before[0] > DAY_VOLUME.beforeDays || before[at] < DAY_VOLUME.before * e.usual || seen < DAY_VOLUME.growth * Math.max(before[at], peakDay(v, day, at, s.reporter))) return false
  const far = ratio >= DAY_VOLUME.unshared
  // Said once a day at each severity it reaches: a rise said low as its group's is said again
  // once it goes beyond what a group's rise excuses (far beyond: beyond what its team mates' rises
  // excused when last asked, `upTo`; asked again only then).
  const low = v.volSaid >= SAID.low
  if (low && (!far || ratio <= noted.upTo[m]!)) return v.volSaid >= SAID.medium
  const excusable = v.volExcused < 0 || v.volExcused === day || day - v.volExcused > DAY_VOLUME.windowDays
  const shared = !excusable ? 0 : far ? sharedFarRise(s.holdGroups, { member: s.agent, family: fam, measure: at, day, ratio, seen, by: v.volBy }, noted) : sharedRise(s.holdGroups, s.agent, s.at)
  if (shared > 0) v.volExcused = day
  // Medium at most: a volume that rises over days is worth a look, not a suspension, on its own
  // (task bots' period closes rise twenty times and more); other evidence within the hour
  // raises it (the detector's corroboration).
  const severity = shared > 0 ? 'low' : 'medium'
  if (SAID[severity] <= v.volSaid) return v.volSaid >= SAID.medium
  v.volSaid = SAID[severity]
  say(s, 'volume-drift', fam, Math.min(1, 0.4 + ratio / (4 * DAY_VOLUME.unshared)), {
    expected: `about ${Math.round(e.usual)} ${what(at)} a day from ${fam}, at most ${Math.round(e.limit * 10) / 10} times that`, seen, records: v.volToday, requests: v.volReads, usual: Math.round(e.usual),
    share: `${seen} ${what(at)} today, ${Math.round(ratio * 10) / 10} times a usual day`, ratio: Math.round(ratio * 10) / 10, perDay: what(at), ...(shared > 0 ? { groupRising: shared } : {}),
  }, undefined, severity as RiskLevel)
  return v.volSaid >= SAID.medium
}

const what = (at: 1 | 2): string => (at === 1 ? 'records' : 'requests')

// Today's reporter: the first, until another reports a request of the day ('*').
function noteReporter(v: DayVolume, reporter: string): void {
  if (v.volBy !== reporter) v.volBy = v.volBy === '' ? reporter : '*'
}

// The busiest of the fortnight's earlier days that `reporter` alone reported (records or
// requests: `at`). A day another reporter reported, or several did, is not the agent's busy day
// to `reporter` (an adversarial review: a hostile reporter's made-up day, said only as a surge
// that day, silenced a thief's ramp through the real verifier for a fortnight). A thief's own
// busy day lifts the bar for its ramp to a quarter above it: a day that high, held flat, is no
// drift either.
function peakDay(v: DayVolume, day: number, at: 1 | 2, reporter: string): number {
  let peak = 0
  for (const e of v.volDays) if (day - e[0] <= DAY_VOLUME.windowDays && e[0] < day && e[3] === reporter) peak = Math.max(peak, e[at])
  return peak
}
// What each family's day was noted with its groups as (in memory): whether as rising, and of
// records and of requests (by measure), how far it had risen when last noted (noted again when a
// quarter higher) and up to what ratio a far rise was its team's when last asked (0: not asked).
interface Noted { day: number; rose: boolean; ratio: [number, number]; upTo: [number, number] }
const notedCache = new WeakMap<DayVolume, Noted>()
const NOTED_GROWTH = 1.25

function notedOn(v: DayVolume, day: number): Noted {
  let noted = notedCache.get(v)
  if (noted?.day !== day) notedCache.set(v, (noted = { day, rose: false, ratio: [0, 0], upTo: [0, 0] }))
  return noted
}

const SAID: Readonly<Record<'low' | 'medium', number>> = { low: 0, medium: 1 }

/**
 * A member's day of a family risen beyond twice its usual, noted with its groups: of records
 * (`measure` 1) or requests (2), the UTC day, how many times its usual day and how much it read
 * when last noted, and who reported that day ('*' more than one).
 */
export interface Rise {
  member: string
  family: string
  measure: 1 | 2
  day: number
  ratio: number
  seen: number
  by: string
}

// Notes a member rising with its groups, once a day (as sustained-rate.ts notes a surging one).
function noteRising(groups: readonly GroupBaseline[], agent: string, at: number): void {
  for (const g of groups) remember((g.rising ??= new Map()), agent, at)
}

// Notes how far a member's day of a family rose, with its team (its first group: sharedFarRise).
function noteRisen(groups: readonly GroupBaseline[], rise: Rise): void {
  const team = groups[0]
  if (team !== undefined) remember((team.risen ??= new Map()), `${rise.family}\u0000${rise.measure}\u0000${rise.member}`, rise)
}

// How many other members rose with it within the day, when that makes the rise its groups' (else 0).
function sharedRise(groups: readonly GroupBaseline[], agent: string, at: number): number {
  for (let i = 0; i < groups.length; i++) {
    let n = 0
    for (const [member, t] of groups[i]!.rising ?? []) if (member !== agent && Math.abs(at - t) <= DAY_MS) n++
    if (n >= (i === 0 ? DAY_VOLUME.sharedTeam : DAY_VOLUME.sharedWide)) return n
  }
  return 0
}

// The same for a rise far beyond the usual day (`unshared`): only members of its team (its first
// group: a segment's members are other owners' agents) whose day of the same family rose the same
// day, each to `farShare` of the agent's rise in times its usual day and in what it read (a family
// a member reads a few times a day makes a large ratio of a few reads), on the word of the one
// reporter of the agent's day. Notes up to what ratio the rise stays its team's (asked again
// beyond it).
function sharedFarRise(groups: readonly GroupBaseline[], rise: Rise, noted: Noted): number {
  const m = rise.measure - 1
  noted.upTo[m] = 0
  const team = groups[0]
  if (team === undefined || rise.by === '*' || rise.by === '') return 0
  const usual = rise.seen / rise.ratio
  // For each member, the most the agent's rise may be with it beside.
  const caps: number[] = []
  for (const r of team.risen?.values() ?? []) {
    if (r.member !== rise.member && r.family === rise.family && r.measure === rise.measure && r.day === rise.day && r.by === rise.by) caps.push(Math.min(r.ratio, r.seen / usual) / DAY_VOLUME.farShare)
  }
  if (caps.length < DAY_VOLUME.sharedTeam) return 0
  caps.sort((a, b) => b - a)
  noted.upTo[m] = caps[DAY_VOLUME.sharedTeam - 1]!
  return rise.ratio <= noted.upTo[m]! ? caps.filter((c) => c >= rise.ratio).length : 0
}

