/**
 * The days of an agent's alerts, and two habits read from them (issue 21: seasonal by hour of
 * week; habits that change). Each alert of a marked kind notes its day (AgentBaseline.weekly, per
 * kind, what it is about and reporter; kept in the store): when first and last, how large, how
 * often. Then:
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
import { DAY_MS, HOUR_MS, WEEK_MARKS, WEEKLY_SLACK_MS, type AgentBaseline, type WeekMark } from './baseline.js'
import { DENIALS_KEPT } from './rate-checks.js'

const WEEK = 7 * DAY_MS
const MINUTE = 60_000
// The kinds a weekly run trips: how much it reads, how fast, the actions it uses that day only,
// and the hour (a run at night, where the agent works by day).
export const WEEKLY_KINDS: ReadonlySet<string> = new Set(['records-jump', 'volume-drift', 'new-action', 'rate-spike', 'off-hours'])
// How much (natural log) a run's finding may go beyond the largest of its kind a week before.
const GROWTH = Math.log(2)

/** Whether a finding is noted on its day's mark (markWeek): a weekly kind's, or a peak's (peakOf). */
export function marked(kind: string, about: string, details: Record<string, unknown>): boolean {
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

// Whether a peak's finding measures it: a burst of as many refusals as the agent keeps
// (DENIALS_KEPT) may be any flood, and lowers nothing (a review: a mark of 35 let a flood of 80
// refused a minute through, counted at 64).
function measured(kind: string, details: Record<string, unknown>): boolean {
  return kind !== 'denial-burst' || (typeof details.denials === 'number' && details.denials < DENIALS_KEPT)
}

/**
 * The earlier day's mark that makes a finding of the agent's peak (peakOf) a habit, for each of its
 * reporters: a peak of the same kind said as an alert (medium or above, none of it lowered) on one
 * of the eight days before, at least half as large (requests or refusals in its minute), and the
 * day's findings of that kind no more than twice that day's; the first reporter's, undefined
 * unless every reporter has one. A day lowered so is no habit's day: the habit lapses eight days
 * after the last peak said (a review: each lowered day's mark lowered the next, and one alert
 * let a flood through every day for a month).
 */
export function peakHabitOf(b: AgentBaseline, kind: string, about: string, details: Record<string, unknown>, reporters: readonly string[], at: number, size: number): WeekMark | undefined {
  if (!measured(kind, details)) return undefined
  const day = Math.floor(at / DAY_MS)
  let first: WeekMark | undefined
  for (const r of reporters) {
    const seen = occurrences(findMark(b, kind, about, r, day), at)
    let found: WeekMark | undefined
    for (const m of b.weekly ?? []) if (m.kind === kind && m.about === about && m.reporter === r && !m.excused && m.day < day && day - m.day <= 8 && size <= m.size + GROWTH && seen <= 2 * m.seen && (!found || m.size > found.size)) found = m
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
 * run's jumps in the family were excused today within the hour before it, no smaller than it (a
 * jump and the drift it leaves are one line of evidence: the run's large requests lift the
 * family's quick level).
 */
function weeklyRun(b: AgentBaseline, kind: string, about: string, reporter: string, at: number, size: number, count: number | undefined): WeekMark | undefined {
  const day = Math.floor(at / DAY_MS)
  const today = findMark(b, kind, about, reporter, day)
  const before = findMark(b, kind, about, reporter, day - 7)
  if (before !== undefined && Math.abs((today?.first ?? at) - before.first - WEEK) <= WEEKLY_SLACK_MS && at <= before.last + WEEK + WEEKLY_SLACK_MS && size <= before.size + GROWTH && (count ?? occurrences(today, at)) <= 2 * before.count) return before
  if (kind !== 'volume-drift') return undefined
  const jumps = findMark(b, 'records-jump', about, reporter, day)
  return jumps?.excused === true && at - jumps.last <= HOUR_MS && size <= jumps.size ? jumps : undefined
}

/** The mark that makes a finding its weekly run's for each of its reporters (the first's); undefined unless every one has one. */
export function weeklyRunOf(b: AgentBaseline, kind: string, about: string, reporters: readonly string[], at: number, size: number, count: number | undefined): WeekMark | undefined {
  about = markedAbout(kind, about)
  let first: WeekMark | undefined
  for (const r of reporters) {
    const m = weeklyRun(b, kind, about, r, at, size, count)
    if (m === undefined) return undefined
    first ??= m
  }
  return first
}

/**
 * Notes a finding of a marked kind (marked) at `at` on its day's mark, when it was said as an
 * alert (medium or above as its check graded it, not suppressed, not explained away): the first
 * and last time, the largest size, how often (`seen`, by the minute: occurrences). `excused`: the
 * mark that made it its weekly run's or its peak's; what the day hands on (`count`, `size`, and
 * for a weekly run when it began and ended) then never goes beyond that mark, so that no chain of
 * lowered days grows.
 */
export function markWeek(b: AgentBaseline, kind: string, about: string, reporter: string, at: number, size: number, count: number | undefined, excused?: { by: WeekMark; weekly: boolean }): void {
  about = markedAbout(kind, about)
  const day = Math.floor(at / DAY_MS)
  const marks = (b.weekly ??= [])
  const by = excused?.by
  // (A weekly run's times are those of the run it repeats; a drift excused by the day's own jumps is none.)
  const anchor = excused?.weekly === true && by!.day < day ? by! : undefined
  let m = findMark(b, kind, about, reporter, day)
  const seen = count ?? occurrences(m, at)
  if (m === undefined) {
    while (marks.length > 0 && (day - marks[0]!.day > 8 || marks.length >= WEEK_MARKS)) marks.shift()
    m = { kind, about, reporter, day, first: Infinity, last: -Infinity, size, count: 0, seen: 0, seenAt: at, excused: false }
    marks.push(m)
  }
  if (count === undefined && seen > m.seen) m.seenAt = at
  m.first = Math.min(m.first, anchor !== undefined ? anchor.first + WEEK : at)
  m.last = Math.max(m.last, anchor !== undefined ? anchor.last + WEEK : at)
  m.size = Math.max(m.size, by !== undefined ? Math.min(size, by.size) : size)
  m.seen = Math.max(m.seen, seen)
  m.count = Math.max(m.count, by !== undefined ? Math.min(seen, by.count) : seen)
  if (by !== undefined) m.excused = true
}

// How often the day's findings of a mark occurred, with one at `at`: by the minute (a spike's every
// request beyond its threshold, an hour off's every request, are one occurrence).
function occurrences(m: WeekMark | undefined, at: number): number {
  return m === undefined ? 1 : m.seen + (at - m.seenAt >= MINUTE ? 1 : 0)
}

// What a mark is about: the hour said for `off-hours` is not (a run at 22:40 this week said at
// 23:00, last week's at 22:00: its night is one mark, whichever hours it crossed).
function markedAbout(kind: string, about: string): string {
  return kind === 'off-hours' ? '' : about
}

function findMark(b: AgentBaseline, kind: string, about: string, reporter: string, day: number): WeekMark | undefined {
  for (const m of b.weekly ?? []) if (m.day === day && m.kind === kind && m.about === about && m.reporter === reporter) return m
  return undefined
}
