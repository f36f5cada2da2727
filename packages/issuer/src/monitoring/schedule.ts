/**
 * An agent's own week and own hours (issue 21), beyond the hour of the day its team shares:
 * - days: an agent that works on working days and has never been used on a weekend (a whole
 *   weekend seen, five working days or more) used on a weekend day;
 * - a narrow schedule: an agent that does nearly everything within a few hours (a nightly batch)
 *   is judged by its own hours, not its team's, far outside them.
 *
 * The detector sees UTC only, so an agent's days are its own: each starts in the agent's quietest
 * hours, which puts a working day back in one piece whatever the time zone (a US employee's
 * Friday evening is Saturday in UTC, an Australian's Monday morning Sunday). Cached per agent and refreshed once a day (not kept in the store: it
 * is read from the hours, which are).
 */
import { DAY_MS, HOUR_MS, hourShare, type AgentBaseline, type GroupBaseline } from './baseline.js'

/** Working days of its own before a weekend use of a weekday agent is judged. */
export const WORK_DAYS = 5
/** Share of activity within the window that makes a schedule narrow, and the widest such window. */
const NARROW_SHARE = 0.95
const NARROW_HOURS = 4
/**
 * Hours outside its window an agent with a narrow schedule may be active without alarm: a
 * daylight-saving shift (1 h), a run an hour or two late after an outage, a backlog running on.
 */
export const SCHEDULE_SLACK_HOURS = 4
/** Share of activity at most in the nine hours around its quietest hour that make its night. */
const NIGHT_SHARE = 0.02
/** Days of activity before a schedule counts as regular. */
const SCHEDULE_DAYS = 5
/** A session is activity without a gap this long; one that started within the slack may run on. */
export const SESSION_GAP_MS = 30 * 60_000
const SESSION_MAX_MS = 12 * HOUR_MS

export interface Schedule {
  /** The UTC day it was computed for. */
  day: number
  /** Hours added to UTC to name the agent's own day (its day starts in its quietest hours). */
  shift: number
  /** Whether it has a night (nine quiet hours): its days are told apart only then. */
  night: boolean
  /** Narrow: the window's first UTC hour and its width (0: not narrow). */
  from: number
  width: number
}

/** The agent's schedule for `day` (UTC), recomputed from its hours once a day. */
export function schedule(b: AgentBaseline, day: number): Schedule {
  const s = b.schedule
  if (s && s.day === day) return s
  // Its day starts in the middle of its quietest hours (the least activity within 3 hours, then
  // 6, then 9: the middle of the longest lull): an Australian's Monday from 13:00 UTC on Sunday,
  // a US employee's Friday from 7:00 UTC on Friday until 7:00 UTC on Saturday.
  let quiet = 0
  let best = [Infinity, Infinity, Infinity]
  for (let q = 0; q < 24; q++) {
    const sums = [hourShare(b.hod, 1, q, 3), hourShare(b.hod, 1, q, 6), hourShare(b.hod, 1, q, 9)]
    if (sums[0]! < best[0]! || (sums[0] === best[0] && (sums[1]! < best[1]! || (sums[1] === best[1] && sums[2]! < best[2]!)))) {
      best = sums
      quiet = q
    }
  }
  // Local midnight taken to be there: the agent's time zone, within those people work in (UTC-10
  // to UTC+13): a day of 20:00-04:00 UTC is an Australian's (+11), not a Pacific islander's (-13).
  const offset = (24 - quiet) % 24
  // Its days can be told apart only when it has a night: nine hours with next to nothing (not a
  // bot with a day's work and a nightly run, whose days have no clear end).
  const night = b.hodTotal > 0 && hourShare(b.hod, b.hodTotal, quiet, 4) < NIGHT_SHARE
  const out: Schedule = { day, shift: offset >= 14 ? offset - 24 : offset, night, from: 0, width: 0 }
  if (b.hodTotal >= 30 && b.activeDays >= SCHEDULE_DAYS) {
    for (let w = 1; w <= NARROW_HOURS && out.width === 0; w++) {
      for (let start = 0; start < 24; start++) {
        let sum = 0
        for (let k = 0; k < w; k++) sum += b.hod[(start + k) % 24]!
        if (sum >= NARROW_SHARE * b.hodTotal) {
          out.from = start
          out.width = w
          break
        }
      }
    }
  }
  b.schedule = out
  return out
}

/** The agent's own day of `at` (days since 1970), its middle of activity at noon. */
export function ownDay(s: Schedule, at: number): number {
  return Math.floor((at + s.shift * HOUR_MS) / DAY_MS)
}

/** Saturday or Sunday (day 0 of 1970 was a Thursday). */
export function weekend(day: number): boolean {
  const wd = (day + 4) % 7
  return wd === 0 || wd === 6
}

/** Hours from `hour` (UTC) to the narrow window (0 within it). */
export function hoursOutside(s: Schedule, hour: number): number {
  const into = (hour - s.from + 24) % 24
  if (into < s.width) return 0
  return Math.min(into - s.width + 1, 24 - into)
}

/**
 * Counts the agent's own day once, on its first allowed event: a working day, a weekend day, or a
 * weekend day said to be unusual; and a whole weekend passed without activity since the day before.
 */
export function countDay(b: AgentBaseline, day: number, flagged: boolean): void {
  if (day === b.activeDay) return
  if (b.activeDay >= 0) {
    const saturday = b.activeDay + 1 + ((6 - ((b.activeDay + 5) % 7) + 7) % 7)
    if (saturday + 1 < day) b.quietWeekends++
  }
  b.activeDay = day
  b.activeDays++
  if (!weekend(day)) b.workDays++
  else if (flagged) b.weekendFlagged++
  else b.weekendDays++
}

/** The start of the session `at` belongs to (a gap of SESSION_GAP_MS starts one); call with the event before's time. */
export function noteSession(b: AgentBaseline, previous: number, at: number): void {
  if (at - previous > SESSION_GAP_MS || at - b.sessionStart > SESSION_MAX_MS) b.sessionStart = at
}

/**
 * Members of its groups that work weekdays (a whole weekend without activity, or weekend days at
 * most a sixth of their working days: not a service running every day) and did weekend work on an earlier weekend (two days or
 * more before `at`), within `withinMs`: weekend work is then the group's (an on-call rotation).
 * `seen`: whether the member's weekend work counts (the caller's reporter saw it lately).
 */
export function weekendPeers(groups: readonly GroupBaseline[], agents: ReadonlyMap<string, AgentBaseline>, agent: string, at: number, withinMs: number, seen: (member: string) => boolean): number {
  let most = 0
  for (const g of groups) {
    const u = g.weekend
    if (!u || at - u.last > withinMs) continue
    let n = 0
    for (let i = 0; i < u.members.length; i++) {
      const m = u.members[i]!
      if (m === agent || at - u.firsts[i]! < 2 * DAY_MS || !seen(m)) continue
      const p = agents.get(m)
      if (p && p.weekendDays >= 2 && p.workDays >= WORK_DAYS && (p.quietWeekends >= 1 || 6 * p.weekendDays <= p.workDays)) n++
    }
    most = Math.max(most, n)
  }
  return most
}

/** Notes a member's weekend work with a group (the first time it did, and the group's latest). */
export function noteWeekend(g: GroupBaseline, member: string, at: number, cap: number): void {
  const u = g.weekend
  u.last = Math.max(u.last, at)
  if (u.members.length >= cap || u.members.includes(member)) return
  u.members.push(member)
  u.firsts.push(at)
}
