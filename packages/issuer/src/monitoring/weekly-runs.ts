/**
 * A weekly run's findings (issue 21: seasonal by hour of week). A job that runs once a week (a
 * research cohort finder's Monday-night export: bulk searches of the warehouse, writes of its
 * cohorts, an action it uses on no other day) trips the same checks every week at the same hour,
 * and each week's findings corroborated one another to high (workload-g: two benign agents high
 * on every seed). A finding its reporter found a week before, within WEEKLY_SLACK_MS of the hour
 * the run began then and not later than it ended then, no larger than twice that day's largest,
 * and found fewer than twice as often that day, is the run's: said low and explained, and no
 * evidence for anything else (the detector's #say).
 * What this week's run adds to the next week's marks never grows them: a run twice as large
 * every week is said every other week, and one moved two hours a week moves no further.
 *
 * Marks are per agent, kind, about and reporter (AgentBaseline.weekly, kept in the store): a
 * hostile reporter's made-up run a week before excuses only what it reports itself.
 */
import { DAY_MS, HOUR_MS, WEEK_MARKS, WEEKLY_SLACK_MS, type AgentBaseline, type WeekMark } from './baseline.js'

const WEEK = 7 * DAY_MS
// The kinds a weekly run trips: how much it reads, how fast, the actions it uses that day only,
// and the hour (a run at night, where the agent works by day).
export const WEEKLY_KINDS: ReadonlySet<string> = new Set(['records-jump', 'volume-drift', 'new-action', 'rate-spike', 'off-hours'])
// How much (natural log) a run's finding may go beyond the largest of its kind a week before.
const GROWTH = Math.log(2)

/**
 * How many of its kind the agent made that day as the finding tells (a jump: its jumps today, said
 * or excused as a habit's, as its reporter saw them); undefined when it tells of none (counted by
 * its findings then).
 */
export function countOf(kind: string, details: Record<string, unknown>): number | undefined {
  return kind === 'records-jump' && typeof details.jumpsToday === 'number' ? details.jumpsToday : undefined
}

/** The size a finding tells of (natural log), as the week's marks compare it: 0 when it tells of none. */
export function sizeOf(kind: string, details: Record<string, unknown>): number {
  const v = kind === 'records-jump' ? details.records : kind === 'volume-drift' ? details.typical : kind === 'rate-spike' ? details.perMinute : details.seen
  return typeof v === 'number' && v > 1 ? Math.log(v) : 0
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
  if (before !== undefined && Math.abs((today?.first ?? at) - before.first - WEEK) <= WEEKLY_SLACK_MS && at <= before.last + WEEK + WEEKLY_SLACK_MS && size <= before.size + GROWTH && (count ?? (today?.count ?? 0) + 1) <= 2 * before.count) return before
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
 * Notes a finding of a weekly kind at `at` (medium or above as its check found it; said, or
 * explained, or held and explained by its groups by its release) on its day's mark: the first and
 * last time, the largest size, how often.
 * `run`: the mark that made it its weekly run's; the day's mark then never goes beyond that one,
 * in size, in when it ends or in how often.
 */
export function markWeek(b: AgentBaseline, kind: string, about: string, reporter: string, at: number, size: number, count: number | undefined, run?: WeekMark): void {
  about = markedAbout(kind, about)
  const day = Math.floor(at / DAY_MS)
  const marks = (b.weekly ??= [])
  const cap = run !== undefined && run.day < day ? run : undefined
  const last = cap !== undefined ? Math.min(at, cap.last + WEEK) : at
  const largest = cap !== undefined ? Math.min(size, cap.size) : size
  let m = findMark(b, kind, about, reporter, day)
  if (m === undefined) {
    while (marks.length > 0 && (day - marks[0]!.day > 8 || marks.length >= WEEK_MARKS)) marks.shift()
    m = { kind, about, reporter, day, first: at, last, size: largest, count: 0, excused: false }
    marks.push(m)
  }
  m.count = Math.max(m.count, Math.min(count ?? m.count + 1, cap !== undefined ? cap.count : Infinity))
  m.first = Math.min(m.first, at)
  m.last = Math.max(m.last, last)
  m.size = Math.max(m.size, largest)
  if (run !== undefined) m.excused = true
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
