/**
 * Sustained volume (issue 21): an agent making several times its usual number of requests, spread
 * evenly over an hour and a half or more, on its usual families and networks, allowed. A minute
 * of it is nothing like five times the agent's busiest minute (the `rate-spike` check), so that
 * check never sees it; what gives it away is the count over a longer window against what the agent
 * usually does at that time of day.
 *
 * What is learned, per agent (plain numbers in its baseline, and in the store):
 * - `level`: requests per hour at each hour of the day (UTC), the mean of its active days, where
 *   an hour counts on a day only when the agent was active within four hours of it that day (a
 *   weekend, a holiday, the far side of a UTC day split across two local days teach nothing);
 *   the first days weigh equally, then each day a tenth (older days fade);
 * - `most`: the most it made in each hour of the day, fading 3% a day (a nightly run on one day in
 *   three, a Monday report: an intermittent mode its mean would dilute);
 * - a day's hours that were in a sustained surge are not learned (a flood must not teach itself),
 *   and nothing is learned before the day is over (a flood that grows within a day, a ramp, is
 *   judged against the day before it).
 *
 * What is expected in an hour: the highest of its level in the hour and the next ones either side
 * (a daylight-saving shift, a day that started an hour early), 0.6 times its most within six
 * hours (a nightly run late by hours, a report moved), and three quarters of the busiest of its
 * levels within six hours and its usual pace when active, the median level of its active hours (a
 * long day, an evening's or a night's work: at the same pace, an hour it is seldom active in is not
 * a surge; a bot's nightly run a hundred times its daytime pace is neither near its day nor its
 * pace, and does not hide a daytime flood).
 *
 * The check, at the end of each quarter hour: the last 90 minutes, in three half-hours. A surge
 * when the count is at least `ratio` (2.75) times what was expected, beyond it by at least
 * `minExcess` (20) requests and four Poisson deviations, and spread evenly: each half-hour's excess
 * at least 0.6 of the largest's (a burst of a few minutes, a one-hour run, an on-call incident of an
 * hour: concentrated; a flood: even). So a flood at four times is said after about 90 minutes.
 * A flood paused a quarter of an hour every hour is never even by the half-hour (a pause halves
 * its half-hour), so when the 90 minutes are no surge the last three hours are judged the same
 * way, in three hours: a pause of up to about twenty minutes an hour leaves each hour even, and a
 * run of under two hours is still concentrated in one or two of them.
 * A member whose count is 1.5 times its expected (two deviations) is noted with its groups as
 * surging. The surge is the group's (a queue backlog after an outage, a period close, a holiday's
 * catch-up), said `low`, when two other members of its team were noted within the hour (or every
 * other member of its team active within the hour, at least one: a team of two), or, in its
 * segment, three others and a quarter of the members active within the hour: a segment's close
 * lifts most of it at once across teams, where two members of a large segment busier at the same
 * time is chance.
 */
import type { GroupBaseline } from './baseline.js'

// (Not imported from baseline.ts, which imports this module.)
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
// Members active, and surging, within the hour remembered per group (the share surging is of
// those active: both kept to the same number, or a large segment could never reach its share).
// Beyond it the share is of this many: with 256, 64 members of a segment of a thousand, made to
// look busy, made a flood the segment's. (Counted only when a surge is judged.)
const MEMBERS_CAP = 4096

export const SUSTAINED = {
  bucketMs: 15 * 60_000,
  /**
   * Quarter hours kept; the window is the last `window` of them, in `parts` equal parts, and the
   * long window the last `longWindow`, in as many parts (hours): a flood paused now and then.
   */
  ring: 16,
  window: 6,
  parts: 3,
  longWindow: 12,
  /**
   * A surge judged again within this many quarter hours of the last is the same surge going on
   * (not said again); its length (`longQuarters`) counts while no more than `onEndQuarters` in a
   * row went unjudged a surge.
   */
  gapQuarters: 4,
  onEndQuarters: 2,
  ratio: 2.75,
  minExcess: 20,
  deviations: 4,
  /** Each part's excess at least this share of the largest part's. */
  even: 0.6,
  /** A member up this many times its expected (two deviations) is noted as surging with its groups. */
  notedRatio: 1.5,
  notedDeviations: 2,
  /** Other members noted within this time that make a surge the group's. */
  sharedMs: HOUR_MS,
  shared: 2,
  /** In a wider group (its segment): at least this many others, and this share of the members active within `sharedMs`. */
  sharedWide: 3,
  sharedShare: 0.25,
  /** Active days learned before the check runs. */
  minDays: 3,
  /**
   * From this many times the expected, a group's surge excuses it only when three others were in
   * surges within `comparable` times as large (a site's mass-casualty night), as the reporter that
   * alone reported its window saw them, for three hours a day (`longQuarters`), never from
   * `highRatio` (sharedSurge).
   */
  sharedCap: 6,
  comparable: 1.5,
  /**
   * From this many times the expected, and `beyondBusiest` times the most it makes in any hour of
   * its day: high.
   * A bot's intermittent modes (a nightly run on a third of its days, a run hours late after a
   * backlog) reach six to ten times what was learned of them; volume alone below this is worth a
   * look, not a suspension, unless it goes on beyond `sharedCap` for `longQuarters`.
   */
  highRatio: 10,
  beyondBusiest: 1.5,
  longQuarters: 12,
} as const

// Learning: the first days weigh equally, then each day a tenth; the most fades 3% a day.
const LEARN_RATE = 0.1
const MOST_FADE = 0.97
// The most it made in a half hour fades a tenth a week (a weekly run is remembered).
const HALF_FADE_PER_DAY = 0.9 ** (1 / 7)
// An hour counts on a day when the agent was active within this many hours of it.
const ACTIVE_NEAR = 4
const LEVEL_NEAR = 1
const MOST_NEAR = 6
const MOST_SHARE = 0.6
const BUSY_SHARE = 0.75
// An hour whose level is below this is not one the agent is active in.
const ACTIVE_LEVEL = 0.5

/** What the check keeps per agent; part of {@link AgentBaseline}. */
export interface SustainedState {
  /** Requests per hour of the day (UTC): the mean on active days, and the most (fading). */
  volLevel: Float64Array
  volMost: Float64Array
  /**
   * The most it made in a half hour (two quarter hours) on the days learned, fading, and as it
   * was before the last day was learned; on the day being counted (surges' too); the quarter hour
   * a short flood was last judged (-1: none). See {@link SHORT}.
   */
  volHalfMost: number
  volHalfBefore: number
  volHalfDay: number
  volShortAt: number
  /**
   * The surges said in the last eight days, as triples (flat): the quarter hours each was first
   * and last judged a surge at, its requests an hour when said. See {@link WEEKLY}.
   */
  volWeekly: number[]
  /** For each of those, the one reporter that alone reported its window ('' none). */
  volWeeklyBy: string[]
  /** Active days learned. */
  volDays: number
  /** The UTC day being counted (days since 1970; -1: none), its requests per hour, and its hours in a surge (bits). */
  volDay: number
  volHours: Float64Array
  volFlagged: number
  /** The current quarter hour (index since 1970; -1: none), its requests, and the last quarter hours' (a ring, by index). */
  volBucket: number
  volCur: number
  volRing: Float64Array
  /** Per quarter hour of the ring: the one reporter of its requests ('' none, '*' several); not stored. */
  volWho: string[]
  volCurWho: string
  /** {@link activePace}, and the learned days it was computed at (-1: to compute); not stored. */
  volPace: number
  volPaceDays: number
}

export function newSustained(at: number): SustainedState {
  return {
    volLevel: new Float64Array(24), volMost: new Float64Array(24), volHalfMost: 0, volHalfBefore: 0, volHalfDay: 0, volShortAt: -1, volWeekly: [], volWeeklyBy: [], volDays: 0, volDay: Math.floor(at / DAY_MS), volHours: new Float64Array(24), volFlagged: 0,
    volBucket: -1, volCur: 0, volRing: new Float64Array(SUSTAINED.ring), volWho: new Array<string>(SUSTAINED.ring).fill(''), volCurWho: '', volPace: 0, volPaceDays: -1,
  }
}

export const QUARTERS_A_DAY = DAY_MS / SUSTAINED.bucketMs
const slot = (k: number): number => ((k % SUSTAINED.ring) + SUSTAINED.ring) % SUSTAINED.ring
const hourOf = (bucket: number): number => Math.floor((bucket * SUSTAINED.bucketMs) / HOUR_MS) % 24

/** Requests expected in an hour of the day (see the module's comment); `pace`: {@link activePace}. */
export function expectedPerHour(s: SustainedState, hour: number, pace: number): number {
  let level = 0
  let most = 0
  let busiest = pace
  for (let d = -LEVEL_NEAR; d <= LEVEL_NEAR; d++) level = Math.max(level, s.volLevel[(hour + d + 24) % 24]!)
  for (let d = -MOST_NEAR; d <= MOST_NEAR; d++) {
    most = Math.max(most, s.volMost[(hour + d + 24) % 24]!)
    busiest = Math.max(busiest, s.volLevel[(hour + d + 24) % 24]!)
  }
  return Math.max(level, MOST_SHARE * most, BUSY_SHARE * busiest, 0.25)
}

/** The most it makes in an hour: the highest level or most (fading) of any hour of its day. */
export function busiestHour(s: SustainedState): number {
  let most = 0
  for (let h = 0; h < 24; h++) most = Math.max(most, s.volLevel[h]!, s.volMost[h]!)
  return most
}

/**
 * The agent's usual pace when active: the median level of the hours it is active in. A long day
 * or a night's work at that pace is not a surge (the off-hours check's, if anything); a bot's
 * nightly run a hundred times its daytime pace is one or two hours of its day, and does not set
 * the pace a daytime flood is measured against.
 */
export function activePace(s: SustainedState): number {
  // The levels change once a day (and on an operator's verdict): computed once per learned day.
  if (s.volPaceDays === s.volDays) return s.volPace
  const active: number[] = []
  for (let h = 0; h < 24; h++) if (s.volLevel[h]! >= ACTIVE_LEVEL) active.push(s.volLevel[h]!)
  active.sort((x, y) => x - y)
  s.volPace = active.length === 0 ? 0 : active[active.length >> 1]!
  s.volPaceDays = s.volDays
  return s.volPace
}

// The day's last hours, not yet judged whole by the three-hour window (a flood paused now and then,
// begun late in the day, is found after midnight, when they are learned): one busy enough to be
// a surge is not learned (a review's probe: a paused night flood, said on its first night, was
// learned and never said again).
function flagLateHours(s: SustainedState): void {
  const pace = activePace(s)
  for (let h = 24 - (SUSTAINED.longWindow * SUSTAINED.bucketMs) / HOUR_MS; h < 24; h++) {
    const due = expectedPerHour(s, h, pace)
    if (s.volHours[h]! >= SUSTAINED.ratio * due && s.volHours[h]! >= due + SUSTAINED.minExcess) s.volFlagged |= 1 << h
  }
}

// The day's counts learned (its hours near activity, not in a surge), then a new day begun.
function learnDay(s: SustainedState, day: number): void {
  let total = 0
  for (let h = 0; h < 24; h++) total += s.volHours[h]!
  if (s.volDay >= 0 && total > 0 && day > s.volDay) {
    if (s.volDays >= SUSTAINED.minDays) flagLateHours(s)
    const rate = Math.max(1 / (s.volDays + 1), LEARN_RATE)
    const fade = MOST_FADE ** Math.min(day - s.volDay, 365)
    // Whole, a flood's too (see SHORT), and only once the day is over: a flood within the day
    // is judged against the days before it, never against its own first quarter hours.
    s.volHalfBefore = s.volHalfMost
    s.volHalfMost = Math.max(s.volHalfMost * HALF_FADE_PER_DAY ** Math.min(day - s.volDay, 365), s.volHalfDay)
    for (let h = 0; h < 24; h++) {
      if (s.volFlagged & (1 << h)) continue
      let near = false
      for (let d = -ACTIVE_NEAR; d <= ACTIVE_NEAR && !near; d++) near = s.volHours[(h + d + 24) % 24]! > 0
      if (!near) continue
      const x = s.volHours[h]!
      // One day raises the most at most to twice what it was, and 20 more: one hour made busy on
      // purpose (unevenly, so that it is no surge) must not hide a flood for weeks.
      const most = s.volDays === 0 ? x : Math.min(x, 2 * s.volMost[h]! + 20)
      s.volMost[h] = Math.max(s.volMost[h]! * fade, most)
      s.volLevel[h] = s.volDays === 0 ? x : s.volLevel[h]! + rate * (x - s.volLevel[h]!)
    }
    s.volDays++
  }
  s.volHours.fill(0)
  s.volFlagged = 0
  s.volHalfDay = 0
  s.volDay = day
}

/**
 * What closing quarter hours gives to judge, once the check runs: the window that ended with the
 * last of them (not after a long idle spell), and the half hour that ended with the last that had
 * requests, however long ago (a flood, then silence, is judged at the next request).
 */
export interface Closed {
  window: Window | undefined
  half: Window | undefined
}

/**
 * Closes the quarter hours before `at` (in time order per agent); returns what to judge
 * ({@link Closed}) when one closed. Call before {@link countRequest}, so that a surge's hours are
 * marked before its day is learned.
 */
export function closeQuarters(s: SustainedState, at: number, brief = 0): Closed | undefined {
  const bucket = Math.floor(at / SUSTAINED.bucketMs)
  if (s.volBucket < 0) s.volBucket = bucket
  if (bucket <= s.volBucket) return undefined
  const done = s.volBucket
  s.volRing[slot(done)] = s.volCur
  s.volWho[slot(done)] = s.volCurWho
  const judged = s.volDays >= SUSTAINED.minDays
  // (Before the idle spell clears its quarters from the ring just below.)
  const half = judged ? window(s, done, SHORT.quarters, 1) : undefined
  // The windows that end in the idle spell after `done` (no request since), which no request
  // closed: a run's last windows, judged now. A flood of an hour or so, begun past a quarter
  // hour, is uneven in every window closed while it ran (one part of each half empty), and even
  // only in one that ends after its last request (a nightly bot's, idle until the next night).
  // The best of up to five windows is judged: it must be twice the bar (a person's burst as the
  // day ends, at three or four times the hour's usual, is its own), and the run busier by the
  // half hour than any the agent made on the days before (a task bot's known runs).
  // (A run begun before midnight against the most as it was before the day it ran into was
  // learned, which holds the run's own first half hours, as for a short flood.)
  let after: Window | undefined
  if (judged && bucket - done >= 2) {
    let busiest = 0
    for (let k = done - SUSTAINED.window + 1; k < done; k++) busiest = Math.max(busiest, s.volRing[slot(k)]! + s.volRing[slot(k + 1)]!)
    const most = done - s.volDay * QUARTERS_A_DAY < SUSTAINED.window ? s.volHalfBefore : s.volHalfMost
    for (let end = done; busiest > most && end < bucket - 1 && end < done + SUSTAINED.window - 1; end++) {
      const w = window(s, end, SUSTAINED.window, SUSTAINED.parts, done)
      if (w.seen >= 2 * SUSTAINED.ratio * w.expected && (after === undefined || stronger(w, after))) after = w
    }
  }
  s.volHalfDay = Math.max(s.volHalfDay, s.volCur + s.volRing[slot(done - 1)]! - brief)
  for (let k = done + 1; k < bucket && k <= done + SUSTAINED.ring; k++) {
    s.volRing[slot(k)] = 0
    s.volWho[slot(k)] = ''
  }
  s.volBucket = bucket
  s.volCur = 0
  s.volCurWho = ''
  const last = judged && bucket - done <= SUSTAINED.window - 1 ? window(s, bucket - 1, SUSTAINED.window) : undefined
  return { window: after !== undefined && (last === undefined || stronger(after, last)) ? after : last, half }
}

// Whether window `a` is more of a surge than `b`: even where `b` is not, or as even and busier.
function stronger(a: Window, b: Window): boolean {
  if (a.even !== b.even) return a.even
  return a.seen / Math.max(a.expected, 1e-9) > b.seen / Math.max(b.expected, 1e-9)
}

/**
 * The last three hours up to the quarter hour just closed, in hours (after {@link closeQuarters}
 * returned a window), when they are a surge: a flood paused now and then, uneven by the half-hour,
 * is even by the hour.
 */
export function surgingLong(s: SustainedState, sens: number): Window | undefined {
  const w = window(s, s.volBucket - 1, SUSTAINED.longWindow)
  return surging(w, sens) ? w : undefined
}

/**
 * A short flood (`rate-spike` by the half hour): too short for the windows of hours (concentrated)
 * and, ramped, never a minute five times the agent's busiest (that learns a quarter more a
 * minute). The half hour ending with each quarter hour closed, when it is `ratio` times what the
 * agent makes at that time of day and beyond it by `minExcess` and `deviations` Poisson
 * deviations, at a pace `beyondBusiest` times the most it makes in any hour of its day, and
 * `beyondRun` times the most it made in a half hour on the days before (fading a tenth a week; a
 * half hour ending within the day's first half hour against the most as it was before midnight,
 * when the day's last half hour was learned).
 * That most is learned whole at the end of each day, a flood's too: a run an agent makes now and
 * then (a tasker's hour at 15 to 40 times its pace, some days; a Sunday's full export) is said the
 * first time, then known; a short flood repeated, or a half hour made busy first (by the agent's
 * holder, or a reporter making up its requests), hides later ones up to twice as large from this
 * check (the windows of hours, day volume and the records checks still judge them).
 */
export const SHORT = { quarters: 2, ratio: 10, minExcess: 60, deviations: 6, beyondBusiest: 3, beyondRun: 2, gapQuarters: 2 } as const
/**
 * A weekly run: a surge judged a week after one was said, within the hours that one went on (and
 * `slackQuarters` either side), at most `growth` times its pace, and reported alone by the
 * reporter that alone reported that one, is the agent's own weekly run (a model trained every
 * Saturday night, a weekly full export), said low with `weekly`. The hours of a surge are never
 * learned (a flood must not teach itself), so without it such a run was said every week, as a
 * flood. The first week's is said as any surge. A weekly run is remembered at the pace of the one
 * it repeats, so a flood doubled every week is said every other week, not its first only.
 * `kept`: surges remembered (eight days' worth at most), stored with the baseline, with their
 * reporters.
 */
export const WEEKLY = { slackQuarters: 4, growth: 2, kept: 16 } as const
const WEEK_QUARTERS = 7 * QUARTERS_A_DAY

/**
 * The pace (requests an hour) of the surge said a week before `quarter`, going on about then, that
 * `reporter` alone reported; 0 if none.
 */
export function lastWeeksRun(s: SustainedState, quarter: number, reporter: string | undefined): number {
  if (reporter === undefined || reporter === '') return 0
  const w = s.volWeekly
  const then = quarter - WEEK_QUARTERS
  let pace = 0
  for (let i = 0; i < w.length; i += 3) {
    if (s.volWeeklyBy[i / 3] === reporter && then >= w[i]! - WEEKLY.slackQuarters && then <= w[i + 1]! + WEEKLY.slackQuarters) pace = Math.max(pace, w[i + 2]!)
  }
  return pace
}

/**
 * Remembers a surge said at `quarter` at `perHour`, reported alone by `reporter` (those that
 * ended over eight days before forgotten); `going`: the last one said goes on to `quarter`.
 */
export function rememberSurge(s: SustainedState, quarter: number, perHour: number, reporter = '', going = false): void {
  const w = s.volWeekly
  if (going) {
    if (w.length >= 3 && quarter > w[w.length - 2]!) w[w.length - 2] = quarter
    return
  }
  const keep: number[] = []
  const by: string[] = []
  for (let i = 0; i < w.length; i += 3) {
    if (quarter - w[i + 1]! > WEEK_QUARTERS + QUARTERS_A_DAY) continue
    keep.push(w[i]!, w[i + 1]!, w[i + 2]!)
    by.push(s.volWeeklyBy[i / 3] ?? '')
  }
  keep.push(quarter, quarter, perHour)
  by.push(reporter)
  s.volWeekly = keep.slice(-3 * WEEKLY.kept)
  s.volWeeklyBy = by.slice(-WEEKLY.kept)
}

/**
 * Reads back stored surges and their reporters (see `volWeekly`; after `volBucket`): only one that
 * ended by the quarter hour counted last and lasted a day at most, a tampered row must not make
 * every hour a weekly run.
 */
export function restoreWeekly(s: SustainedState, stored: unknown, storedBy: unknown): void {
  if (!Array.isArray(stored)) return
  const by = Array.isArray(storedBy) ? storedBy : []
  const out: number[] = []
  const outBy: string[] = []
  for (let i = 0; i + 2 < stored.length; i += 3) {
    const [from, to, pace] = [stored[i], stored[i + 1], stored[i + 2]]
    if (!(typeof from === 'number' && typeof to === 'number' && typeof pace === 'number' && from >= 0 && from <= to && to <= s.volBucket && to - from <= QUARTERS_A_DAY && pace > 0 && Number.isFinite(pace))) continue
    const reporter = by[i / 3]
    out.push(from, to, pace)
    outBy.push(typeof reporter === 'string' ? reporter : '')
  }
  s.volWeekly = out.slice(-3 * WEEKLY.kept)
  s.volWeeklyBy = outBy.slice(-WEEKLY.kept)
}

/** A short flood's `about` (a minute's is ''): its own incident, suppression and verdict. */
export const SHORT_FLOOD = 'half-hour'

/** Whether a half hour (`Closed.half`) is a short flood at sensitivity `sens`. */
export function surgingShort(s: SustainedState, w: Window, sens: number): boolean {
  const { seen, expected } = w
  const ratio = 1 + (SHORT.ratio - 1) / sens
  const perHour = seen / ((SHORT.quarters * SUSTAINED.bucketMs) / HOUR_MS)
  // (The day's last half hour, learned at midnight, may be a flood's first quarter hour.)
  const most = w.last - s.volDay * QUARTERS_A_DAY < SHORT.quarters ? s.volHalfBefore : s.volHalfMost
  return seen >= ratio * expected && seen >= expected + Math.max(SHORT.minExcess / sens, SHORT.deviations * Math.sqrt(expected)) && perHour >= SHORT.beyondBusiest * busiestHour(s) && seen >= SHORT.beyondRun * most
}

/** Counts one request (after {@link closeQuarters}); a new UTC day learns the last one first. */
export function countRequest(s: SustainedState, at: number, reporter: string): void {
  const day = Math.floor(at / DAY_MS)
  if (day !== s.volDay) learnDay(s, day)
  s.volCur++
  s.volCurWho = s.volCurWho === '' || s.volCurWho === reporter ? reporter : '*'
  s.volHours[Math.floor(at / HOUR_MS) % 24]!++
}

/**
 * A window of quarter hours judged: requests seen and expected, its length in quarters and which
 * of them were busier than expected, and whether it was even (each part's excess at least
 * `SUSTAINED.even` of the largest's).
 */
export interface Window {
  seen: number
  expected: number
  /** Its last quarter hour (index since 1970), and its length in quarter hours. */
  last: number
  quarters: number
  busy: boolean[]
  even: boolean
  /** The reporter that alone reported every request of it (none when several did). */
  sole: string[]
}

// The last `quarters` quarter hours up to `last`, in `count` equal parts (those after `through`:
// none, the agent idle since).
function window(s: SustainedState, last: number, quarters: number, count: number = SUSTAINED.parts, through = Infinity): Window {
  const per = quarters / count
  const parts: number[] = []
  const pace = activePace(s)
  let seen = 0
  let expected = 0
  const busy: boolean[] = []
  for (let p = 0; p < count; p++) {
    let c = 0
    let e = 0
    for (let j = 0; j < per; j++) {
      const k = last - quarters + 1 + p * per + j
      const count = k > through ? 0 : s.volRing[slot(k)]!
      const due = expectedPerHour(s, hourOf(k), pace) * (SUSTAINED.bucketMs / HOUR_MS)
      busy.push(count > due)
      c += count
      e += due
    }
    parts.push(c - e)
    seen += c
    expected += e
  }
  let most = 0
  let least = Infinity
  for (const x of parts) {
    most = Math.max(most, x)
    least = Math.min(least, x)
  }
  return { seen, expected, last, quarters, busy, even: least >= SUSTAINED.even * most, sole: soleReporter(s, Math.min(last, through), quarters - Math.max(0, last - through)) }
}

/** When a window ends (the end of its last quarter hour). */
export const endOf = (w: Window): number => (w.last + 1) * SUSTAINED.bucketMs

/** The reporter that alone reported a window's requests ('' when several did). */
export const soleOf = (w: Window): string => (w.sole.length === 1 ? w.sole[0]! : '')

/** What a member's window tells its groups (noteWindow), at its end: a note when it is a surge worth noting, else none. */
export function surgeNote(w: Window): SurgeNote | undefined {
  return noted(w) ? { at: endOf(w), ratio: w.seen / Math.max(w.expected, 1e-9), surged: surging(w, 1), by: soleOf(w) } : undefined
}

/** Whether a window's count is a member's surge worth noting with its groups. */
export function noted(w: { seen: number; expected: number }): boolean {
  return w.seen >= SUSTAINED.notedRatio * w.expected && w.seen >= w.expected + Math.max(SUSTAINED.minExcess / 2, SUSTAINED.notedDeviations * Math.sqrt(w.expected))
}

/** Whether a window is a sustained surge at sensitivity `sens` (1 the default, 2 twice as sensitive). */
export function surging(w: Window, sens: number): boolean {
  const ratio = 1 + (SUSTAINED.ratio - 1) / sens
  return w.even && w.seen >= ratio * w.expected && w.seen >= w.expected + Math.max(SUSTAINED.minExcess / sens, SUSTAINED.deviations * Math.sqrt(w.expected))
}

/**
 * The hours of a surge's window that fall on the day being counted are not learned: those of its
 * quarter hours busier than expected (the long window's first hours can be the agent's own, before
 * a flood began: a made-up surge must not keep three hours from being learned).
 */
export function flagWindow(s: SustainedState, w: Window): void {
  for (let k = w.last - w.quarters + 1; k <= w.last; k++) {
    if (w.busy[k - (w.last - w.quarters + 1)] && Math.floor((k * SUSTAINED.bucketMs) / DAY_MS) === s.volDay) s.volFlagged |= 1 << hourOf(k)
  }
}

// The reporter that alone reported every request of the quarter hours up to `last` (none when several did).
function soleReporter(s: SustainedState, last: number, quarters: number): string[] {
  let who = ''
  for (let k = last - quarters + 1; k <= last; k++) {
    const w = s.volWho[slot(k)]!
    if (w === '') continue
    if (w === '*' || (who !== '' && w !== who)) return []
    who = w
  }
  return who === '' ? [] : [who]
}

/**
 * A member's window noted as a surge with its groups: when, how many times its expected, whether
 * it was a sustained surge itself (`surging` at the default sensitivity: a few requests more of a
 * quiet member, or a burst, are not), and the reporter that alone reported it ('' when several did).
 */
export interface SurgeNote {
  at: number
  ratio: number
  surged: boolean
  by: string
}

/**
 * Notes a member's window with its groups (its team first, then wider ones; kept in memory: a
 * surge is over within hours): as active, and as surging when `surge`.
 */
export function noteWindow(groups: readonly GroupBaseline[], agent: string, at: number, surge: SurgeNote | undefined): void {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!
    // (Members active: a wider group's share of them surging; a team's others all surging.)
    remember((g.windows ??= new Map()), agent, at, MEMBERS_CAP)
    if (surge) remember((g.surging ??= new Map()), agent, surge, MEMBERS_CAP)
  }
}

/**
 * How many other members surge with it when that makes the surge its groups' (else 0): two of its
 * team (the first group, as AgentContext orders them) or all of its team's others active within
 * the hour, at least one; or in a wider group three and a quarter of the members active there.
 * From `sharedCap` times its expected (below `highRatio`), only the members whose windows the one
 * reporter that alone reported its own alone reported count (for the group's share too), and
 * three of them must have been sustained surges themselves at two thirds of its ratio or more
 * (`comparable`): a mass-casualty night lifts a site's clinicians six to ten times at once, and
 * others made up by another reporter, quiet team mates' bursts (ten times nearly nothing), or a
 * thief's flood far beyond its group's, must not excuse it.
 */
export function sharedSurge(groups: readonly GroupBaseline[], agent: string, at: number, ratio: number, by: string): number {
  const far = ratio >= SUSTAINED.sharedCap
  if (far && (by === '' || ratio >= SUSTAINED.highRatio)) return 0
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!
    const surging = surgingWithin(g.surging, agent, at, far ? by : undefined)
    const shared = i === 0 ? surging >= SUSTAINED.shared || (surging >= 1 && surging >= othersWithin(g.windows, agent, at)) : surging >= SUSTAINED.sharedWide && surging >= SUSTAINED.sharedShare * othersWithin(g.windows, agent, at)
    if (shared && (!far || surgingWithin(g.surging, agent, at, by, ratio / SUSTAINED.comparable) >= SUSTAINED.sharedWide)) return surging
  }
  return 0
}

/** Notes `key` (a member) in a group's map with `value` (when, or what is noted of it), the one noted longest ago going first beyond `cap`. */
export function remember<T>(members: Map<string, T>, key: string, value: T, cap = MEMBERS_CAP): void {
  members.delete(key)
  if (members.size >= cap) members.delete(members.keys().next().value!)
  members.set(key, value)
}

// Members other than `agent` noted within `sharedMs` of `at`.
function othersWithin(members: Map<string, number> | undefined, agent: string, at: number): number {
  let n = 0
  if (members) for (const [m, t] of members) if (m !== agent && Math.abs(at - t) <= SUSTAINED.sharedMs) n++
  return n
}

// Members other than `agent` noted surging within `sharedMs` of `at`: those whose window `by`
// alone reported (any, when undefined), and with `ratio`, those of them in a sustained surge of
// that many times their expected or more.
function surgingWithin(members: Map<string, SurgeNote> | undefined, agent: string, at: number, by: string | undefined, ratio = 0): number {
  let n = 0
  if (members) for (const [m, x] of members) if (m !== agent && (by === undefined || x.by === by) && Math.abs(at - x.at) <= SUSTAINED.sharedMs && (ratio === 0 || (x.surged && x.ratio >= ratio))) n++
  return n
}

/**
 * An operator said a short flood benign: a half hour at `perHour`, or as busy as the busiest of
 * the day so far (the flood is said at its first half hour, often not yet its whole), is known.
 */
export function acceptHalfHour(s: SustainedState, perHour: number): void {
  const requests = Math.max(perHour * ((SHORT.quarters * SUSTAINED.bucketMs) / HOUR_MS), s.volHalfDay)
  s.volHalfMost = Math.max(s.volHalfMost, requests)
  s.volHalfBefore = Math.max(s.volHalfBefore, requests)
}

/** An operator said a surge benign: the hours of `at` (and either side) learn `perHour` as their level. */
export function acceptRate(s: SustainedState, at: number, perHour: number): void {
  const hour = Math.floor(at / HOUR_MS) % 24
  for (let d = -1; d <= 1; d++) {
    const h = (hour + d + 24) % 24
    s.volLevel[h] = Math.max(s.volLevel[h]!, perHour)
    s.volMost[h] = Math.max(s.volMost[h]!, perHour)
  }
  s.volPaceDays = -1
  s.volFlagged = 0
}

