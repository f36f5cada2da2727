/**
 * The days of an agent's alerts, and two habits read from them (issue 21: seasonal by hour of
 * week; habits that change). Each alert of a kind marksDay names notes its day
 * (AgentBaseline.alertDays, per kind, what it is about and reporter; kept in the store): when
 * first and last, how large, how often (noteAlertDay). Then:
 * - a weekly run: a job that runs once a week (workload-g's research cohort finders' Monday-night
 *   bulk searches and cohort writes) trips the same checks every week at the same hour, and each
 *   week's findings corroborated one another to high. What its reporter said a week before, begun
 *   within WEEKLY_SLACK_MS of the hour it began then, not later than it ended then, no larger and
 *   no more often than twice, is its weekly run's (weeklyRunOf);
 * - a pool's peaks: an autoscaled pool's rate spikes, and its everyday requests refused by a rate
 *   limiter, every few days at no set hour (workload-h), like one said on one of the eight days
 *   before, no larger than twice (peakHabitOf).
 * Either is said low by the detector's #say, an alert still (what an alert said before and left
 * unanswered may be a thief's), and is no evidence for what follows. What a lowered day hands on
 * never grows beyond what lowered it: a run twice as large, or begun two hours earlier, every
 * week is said every other week; a lowered peak makes no habit. Marks are their reporter's own: a
 * hostile reporter's made-up run or peak lowers only what it reports itself.
 */
import type { AgentBaseline } from './baseline.js'

/**
 * What its reporter said as alerts of one kind about one thing (a family, an action on it) on one
 * day: when first and last, the largest size they told of (natural log, sizeOf), how often
 * (`seen`, the last counted at `seenAt`), what the day hands on as its count (noteAlertDay), and
 * whether any of it was lowered (a weekly run's, a peak's).
 */
export interface AlertDay {
  kind: string
  about: string
  reporter: string
  day: number
  first: number
  last: number
  size: number
  count: number
  seen: number
  seenAt: number
  lowered: boolean
}

/** Days of alerts kept per agent (AgentBaseline.alertDays; the oldest goes first). */
export const ALERT_DAYS = 24

const MINUTE = 60_000
const HOUR_MS = 60 * MINUTE
const DAY_MS = 24 * HOUR_MS
const WEEK = 7 * DAY_MS
// How far from the hour a week later a run may begin, as a weekly duty's (baseline.ts WEEKLY_SLACK_MS).
const WEEKLY_SLACK_MS = 2 * HOUR_MS
// The kinds a weekly run trips: how much it reads, how fast, the actions it uses that day only,
// and the hour (a run at night, where the agent works by day).
export const WEEKLY_KINDS: ReadonlySet<string> = new Set(['records-jump', 'volume-drift', 'new-action', 'rate-spike', 'off-hours'])
// How much (natural log) a run's finding may go beyond the largest of its kind a week before.
const GROWTH = Math.log(2)

/** Whether an alert of this finding is noted on its day (noteAlertDay): a weekly kind's, or a peak's (peakOf). */
export function marksDay(kind: string, about: string, details: Record<string, unknown>): boolean {
  return WEEKLY_KINDS.has(kind) || peakOf(kind, about, details)
}

/**
 * A finding of the agent's peak: its requests in a minute beyond its busiest, or a burst of its
 * everyday requests refused by a rate limiter (no other family or action asked), not shared with
 * the organisation. An autoscaled pool at its peak, every few days at no set hour, has both
 * (workload-h: five benign pools a seed said medium every few days).
 */
export function peakOf(kind: string, about: string, details: Record<string, unknown>): boolean {
  return (kind === 'rate-spike' && about === '') || (kind === 'denial-burst' && about === 'ERR_RATE_LIMITED' && details.everyday === true && details.orgWide === undefined)
}

// A peak is short: a day whose findings of it came in more than this many minutes was a flood,
// and makes no habit (a third review: a thief's own hour-long flood, alerted once, let floods as
// long and twice as large through on each of the next eight days).
const PEAK_MINUTES = 3

// Whether a peak's finding measures it: a burst counted at as many refusals as the agent keeps
// (`capped`: rate-checks.ts) may be any flood, and lowers nothing (a review: a mark of 35 let a
// flood of 80 refused a minute through, counted at 64).
function measured(kind: string, details: Record<string, unknown>): boolean {
  return kind !== 'denial-burst' || details.capped !== true
}

/**
 * The earlier day's mark that makes a finding of the agent's peak (peakOf) a habit, for each of its
 * reporters: a peak of the same kind said as an alert (medium or above, none of it lowered, in at
 * most PEAK_MINUTES minutes) on one of the eight days before, at least half as large (requests or refusals in its minute), and the
 * day's findings of that kind no more than twice that day's; the first reporter's, undefined
 * unless every reporter has one. A day lowered so is no habit's day: the habit lapses eight days
 * after the last peak said (a review: each lowered day's mark lowered the next, and one alert
 * let a flood through every day for a month).
 */
export function peakHabitOf(b: AgentBaseline, kind: string, about: string, details: Record<string, unknown>, reporters: readonly string[], at: number, size: number): AlertDay | undefined {
  if (!measured(kind, details)) return undefined
  const day = Math.floor(at / DAY_MS)
  let first: AlertDay | undefined
  for (const r of reporters) {
    const seen = occurrences(dayOf(b, kind, about, r, day), at)
    let found: AlertDay | undefined
    for (const m of b.alertDays ?? []) if (m.kind === kind && m.about === about && m.reporter === r && !m.lowered && m.seen <= PEAK_MINUTES && m.day < day && day - m.day <= 8 && size <= m.size + GROWTH && seen <= 2 * m.seen && (!found || m.size > found.size)) found = m
    if (found === undefined) return undefined
    first ??= found
  }
  return first
}

/**
 * How many of its kind the agent made that day as the finding tells (a jump: its jumps today, said
 * or excused as a habit's, as its reporter saw them); undefined when it tells of none (counted by
 * its findings then).
 */
export function countOf(kind: string, details: Record<string, unknown>): number | undefined {
  return kind === 'records-jump' && typeof details.jumpsToday === 'number' ? details.jumpsToday : undefined
}

/**
 * The size a finding tells of (natural log), as the marks compare it: the records of a jump, the
 * typical request of a drift, the requests a minute of a spike, the uses a day of a rare action,
 * the refusals of a burst; 0 for a first use or an hour off, which tell of none. Undefined where
 * it tells of another measure (a day's volume) or of its beginning only (a half hour's flood,
 * said once as it goes on: a review's flood, sized by its first quarter hour at twice last
 * week's, grew to fifteen times it unsaid): such a finding is neither marked nor lowered.
 */
export function sizeOf(kind: string, about: string, details: Record<string, unknown>): number | undefined {
  const v = kind === 'records-jump' ? details.records
    : kind === 'volume-drift' ? (details.perDay === undefined ? details.typical : undefined)
    : kind === 'rate-spike' ? (about === '' ? details.perMinute : undefined)
    : kind === 'denial-burst' ? details.denials
    : kind === 'new-action' ? (typeof details.seen === 'string' ? 1 : details.seen)
    : kind === 'off-hours' ? 1 : undefined
  return typeof v === 'number' && v >= 0 ? Math.log(Math.max(1, v)) : undefined
}

/**
 * The mark of a week before that makes a finding of `kind` about `about` at `at`, seen by
 * `reporter`, its weekly run's; undefined when none does. A drift is also its run's when that
 * run's jumps in the family were lowered today within the hour before it, no smaller than it (a
 * jump and the drift it leaves are one line of evidence: the run's large requests lift the
 * family's quick level).
 */
function weeklyRun(b: AgentBaseline, kind: string, about: string, reporter: string, at: number, size: number, count: number | undefined): AlertDay | undefined {
  const day = Math.floor(at / DAY_MS)
  const today = dayOf(b, kind, about, reporter, day)
  const before = dayOf(b, kind, about, reporter, day - 7)
  if (before !== undefined && Math.abs((today?.first ?? at) - before.first - WEEK) <= WEEKLY_SLACK_MS && at <= before.last + WEEK + WEEKLY_SLACK_MS && size <= before.size + GROWTH && (count ?? occurrences(today, at)) <= 2 * before.count) return before
  if (kind !== 'volume-drift') return undefined
  const jumps = dayOf(b, 'records-jump', about, reporter, day)
  return jumps?.lowered === true && at - jumps.last <= HOUR_MS && size <= jumps.size ? jumps : undefined
}

/** The mark that makes a finding its weekly run's for each of its reporters (the first's); undefined unless every one has one. */
export function weeklyRunOf(b: AgentBaseline, kind: string, about: string, reporters: readonly string[], at: number, size: number, count: number | undefined): AlertDay | undefined {
  about = markedAbout(kind, about)
  let first: AlertDay | undefined
  for (const r of reporters) {
    const m = weeklyRun(b, kind, about, r, at, size, count)
    if (m === undefined) return undefined
    first ??= m
  }
  return first
}

/**
 * Notes a finding of a kind marksDay names, at `at`, on its day, when it was said as an
 * alert (medium or above as its check graded it, not suppressed, not explained away): the first
 * and last time, the largest size, how often (`seen`, by the minute: occurrences). `lowered`: the
 * mark that made it its weekly run's or its peak's; what the day hands on (`count`, `size`, and
 * for a weekly run when it began and ended) then never goes beyond that mark, so that no chain of
 * lowered days grows.
 */
export function noteAlertDay(b: AgentBaseline, kind: string, about: string, reporter: string, at: number, size: number, count: number | undefined, lowered?: { by: AlertDay; weekly: boolean }): void {
  about = markedAbout(kind, about)
  const day = Math.floor(at / DAY_MS)
  const marks = (b.alertDays ??= [])
  const by = lowered?.by
  // (A weekly run's times are those of the run it repeats; a drift lowered by the day's own jumps has none.)
  const anchor = lowered?.weekly === true && by!.day < day ? by! : undefined
  let m = dayOf(b, kind, about, reporter, day)
  const seen = count ?? occurrences(m, at)
  if (m === undefined) {
    while (marks.length > 0 && (day - marks[0]!.day > 8 || marks.length >= ALERT_DAYS)) marks.shift()
    m = { kind, about, reporter, day, first: Infinity, last: -Infinity, size, count: 0, seen: 0, seenAt: at, lowered: false }
    marks.push(m)
  }
  if (count === undefined && seen > m.seen) m.seenAt = at
  m.first = Math.min(m.first, anchor !== undefined ? anchor.first + WEEK : at)
  m.last = Math.max(m.last, anchor !== undefined ? anchor.last + WEEK : at)
  m.size = Math.max(m.size, by !== undefined ? Math.min(size, by.size) : size)
  m.seen = Math.max(m.seen, seen)
  m.count = Math.max(m.count, by !== undefined ? Math.min(seen, by.count) : seen)
  if (by !== undefined) m.lowered = true
}

// How often the day's findings of a mark occurred, with one at `at`: by the minute (a spike's every
// request beyond its threshold, an hour off's every request, are one occurrence).
function occurrences(m: AlertDay | undefined, at: number): number {
  return m === undefined ? 1 : m.seen + (at - m.seenAt >= MINUTE ? 1 : 0)
}

// What a mark is about: the hour said for `off-hours` is not (a run at 22:40 this week said at
// 23:00, last week's at 22:00: its night is one mark, whichever hours it crossed).
function markedAbout(kind: string, about: string): string {
  return kind === 'off-hours' ? '' : about
}

function dayOf(b: AgentBaseline, kind: string, about: string, reporter: string, day: number): AlertDay | undefined {
  for (const m of b.alertDays ?? []) if (m.day === day && m.kind === kind && m.about === about && m.reporter === reporter) return m
  return undefined
}

// The most a stored day may hold: a billion records, once a minute all day.
const MAX_SIZE = Math.log(1e9)
const DAY_MINUTES = 1440

// The kinds whose alerts note their days: the weekly kinds and a peak's refusal bursts.
const MARKED_KINDS: ReadonlySet<string> = new Set([...WEEKLY_KINDS, 'denial-burst'])

/** The alert days for the store (rows of numbers and strings). */
export function snapshotAlertDays(days: readonly AlertDay[]): unknown[] {
  return days.map((m) => [m.kind, m.about, m.reporter, m.day, m.first, m.last, Math.round(m.size * 1000) / 1000, m.count, m.seen, m.seenAt, m.lowered ? 1 : 0])
}

/**
 * The alert days of a stored row: none where rows hold none (written before they were kept: a
 * weekly run or a peak is said as before once more). Days after the agent's last event (a row
 * dated ahead), of another kind, or too old to judge anything are dropped.
 */
export function restoreAlertDays(v: unknown, lastAt: number): AlertDay[] {
  const out: AlertDay[] = []
  if (!Array.isArray(v)) return out
  for (const e of v.slice(-ALERT_DAYS)) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string' || typeof e[2] !== 'string' || ![e[3], e[4], e[5], e[6], e[7], e[8], e[9]].every(Number.isFinite)) continue
    if (!MARKED_KINDS.has(e[0]) || e[5] > lastAt || lastAt - e[5] > 9 * DAY_MS || e[4] > e[5] || e[3] !== Math.floor(e[4] / DAY_MS) || e[3] !== Math.floor(e[5] / DAY_MS)) continue
    // (Sizes and counts no finding tells of are clamped: a crafted row must not widen a bound.)
    out.push({ kind: e[0], about: e[1], reporter: e[2], day: e[3], first: e[4], last: e[5], size: Math.min(e[6], MAX_SIZE), count: Math.min(e[7], DAY_MINUTES), seen: Math.min(e[8], DAY_MINUTES), seenAt: Math.min(e[9], lastAt), lowered: e[10] === 1 })
  }
  return out
}
