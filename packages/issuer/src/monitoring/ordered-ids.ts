/**
 * Enumeration: a walk of one family's record ids in order (`crm:accounts/30001`, `/30002`,
 * `/30003`, ...), one record a request: scraping a table through an API that checks the caller
 * but not which record it asks for (IDOR), or copying it out id by id. Records read at random
 * (with whatever popularity) almost never line up: the next id exactly one stride further, again
 * and again, is a walk; a dozen in a row is not chance.
 *
 * What is kept per (agent, family). Four runs under way: the last id of each, its stride (a
 * constant step of 1 to 10, either way: every other id, descending), how many ids it has walked
 * today, and how many of the family's requests went by since it last grew; and the family's last
 * 16 ids. A run starts when an id is within a stride of one of those (the walk's previous id, with
 * the agent's ordinary reads of the family between them), and grows only by exactly its stride
 * (of two runs an id extends, the longer grows: a chance run of the ordinary reads must not take
 * the walk's next id). Unrelated requests of the family (the agent's ordinary reads, another
 * reporter's) do not end a run; 16 in a row without it growing do (reads at random would otherwise
 * line up eventually: any record is read again some day). A request for the record a run last
 * read is neither. A new run takes a free place, or that of the shortest run.
 *
 * What is learned. Jobs that page a family in order (a sync, an export by id) are ordinary for
 * the agent that runs them: the longest walk the agent made in a day on the family, on earlier
 * days, is kept (fading 5% a day, as habits do), and only a walk beyond twice that, and of at
 * least 12 ids, is said. A day on which a walk went beyond that teaches nothing (a ramp cannot
 * raise its own limit beyond doubling a day); an operator calling a walk benign has the day's
 * walks learned whatever their length. Counting by day keeps a job that pages on from a cursor,
 * one day after the other, from adding up to an ever longer walk.
 *
 * Known ground. A job that pages the same list every day (a payroll run from batch 1) walks
 * further on its busy days (a month end: two and a half times as far), over the ids it walks every
 * day and then beyond. What it re-reads of its own ground gives nothing away that its job does not
 * read anyway, so only the ids of a walk outside the ground its walks covered count against the
 * limit. The ground is the span of the day's longest walk (from a day that taught, and at least
 * half its usual length and half a dozen ids: a chance run of ordinary reads is no job), joined to
 * the one learned when they overlap (a job walking its list further), else in its place (a cursor
 * moving on): never the gap between two places. Only an allowed walk of consecutive ids (stride 1
 * either way) makes ground: a walk of every tenth id read a tenth of its span (an adversarial
 * review made a ten-id walk by ten the ground of a hundred-id scrape the next day, then grew it
 * tenfold a day). And once there is ground, a day teaches at most the limit it was judged by, as
 * a day without ground does: re-reading the ground each day must not make the new ids allowed a
 * day grow faster than a doubling. So the new ids a day stay what they were, wherever a walk
 * begins. The ground goes when the walks that made it have faded below half a dozen ids.
 *
 * A weekly walk. A job that walks further once a week (a full backup on Sundays, four times the
 * nightly one from the same first id) goes beyond the limit its nights set every week. A walk
 * beyond it is its habit, not said, when one was said a whole number of weeks before (one or two)
 * by the same reporter, and the day's walks beyond the limit come to at most half as many ids again
 * as that one; the day it was excused on is the habit's next week, at the length said (an excused
 * walk cannot grow the habit, nor teach the nightly limit). Only an allowed walk said `medium`
 * (within four times the limit) makes a habit: a thief's bulk walk, said high, or a walk of refused
 * ids, never does (an adversarial review: a made-up or refused walk bought a silent one a week
 * later).
 *
 * Plain numbers in the family's baseline (and in the store); the runs under way are not stored
 * (a restart forgets a walk in progress, not what was learned).
 */

/** What the check keeps per (agent, family); part of {@link FamilyStats}. */
export interface OrderedIds {
  /** The longest walk (ids in one run) it made in a day on the family, on earlier days, fading 5% a day; 0: none. */
  idMost: number
  /** The longest walk today (-1: one went beyond its limit today, and the day teaches nothing), and the day (UTC days since 1970) it is of (-1: none yet). */
  idToday: number
  idDay: number
  /** Walks are judged from this time on (event time): two days after walks began to be learned for a stored row that had none; 0: as the agent. */
  idSince: number
  /** The day an operator called a walk on it benign (-1: none): that day's walks are learned, whatever their length, and not said. */
  idTaught: number
  /** The last day a walk went beyond its limit, said or excused as weekly (-1: none), the longest said on the day it was said, and who reported it. */
  idWeekly: number
  idWeeklyRun: number
  idWeeklyBy: string
  /** Today's walks beyond the limit: the longest said (0: none; -1: one said that makes no habit), who reported it, and the ids of the walks excused as weekly. */
  idSaid: number
  idSaidBy: string
  idExcused: number
  /** The ground its walks covered (lowest and highest id; -1: none), and today's longest walk's span (-1: none yet). */
  idLo: number
  idHi: number
  idTodayLo: number
  idTodayHi: number
  /**
   * Not stored: runs under way, {@link RUN_WIDTH} numbers each (last id, -1: free; stride; ids
   * walked today; requests since it grew), then the family's last `recent` ids (-1: none) and
   * where the next goes.
   */
  idRuns: Float64Array | undefined
}

export const ORDERED_IDS = {
  /** A walk of this many ids (at sensitivity 1), and beyond twice the longest it made in a day, is said. */
  minWalk: 12,
  /** Strides of 1 to this many ids, either way. */
  maxStride: 10,
  /** Runs followed at once per family; the family's requests a run survives without growing; recent ids a walk's next id is looked for among. */
  runs: 4,
  patience: 16,
  recent: 16,
  /** A walk this many times beyond its limit is high. */
  highTimes: 4,
  /** A weekly walk: one said this many weeks before at most, and this much longer at most. */
  weeks: 2,
  weeklyGrowth: 1.5,
  fadePerDay: 0.95,
} as const

const RUN_WIDTH = 4
const RING = ORDERED_IDS.runs * RUN_WIDTH
const HEAD = RING + ORDERED_IDS.recent

export function newOrderedIds(): OrderedIds {
  return { idMost: 0, idToday: 0, idDay: -1, idSince: 0, idTaught: -1, idWeekly: -1, idWeeklyRun: 0, idWeeklyBy: '', idSaid: 0, idSaidBy: '', idExcused: 0, idLo: -1, idHi: -1, idTodayLo: -1, idTodayHi: -1, idRuns: undefined }
}

/**
 * The record id a resource ends with (`crm:accounts/30412` → 30412, `db:c/eu/0007` → 7,
 * `docs:q/inv-2041` → 2041), or -1: no digits after the family's `/`, or too many for an exact number.
 */
export function recordId(resource: string): number {
  // The digits at the end, read backwards (the number built as they are read), then a `/` before
  // them: usually just before, so that nothing else of the resource is read.
  const end = resource.length
  let i = end
  let v = 0
  let scale = 1
  while (i > 0) {
    const c = resource.charCodeAt(i - 1) - 48
    if (c < 0 || c > 9) break
    v += c * scale
    scale *= 10
    i--
  }
  if (i === end || end - i > 15 || resource.lastIndexOf('/', i - 1) < 0) return -1
  // A parameter (`list?page=12`), not a record: paging is no walk of records.
  if (resource.charCodeAt(i - 1) === 61 /* = */ || resource.indexOf('?') >= 0) return -1
  return v
}

/** Ids walked today beyond which a walk is said (at sensitivity `sens` > 0). */
export function walkLimit(s: OrderedIds, sens: number): number {
  return Math.max(ORDERED_IDS.minWalk - 1, 2 * s.idMost) / sens
}

/**
 * Takes one request's record id (`id` >= 0) on day `day`, reported by `reporter`, `allowed` or
 * not; returns the run it walked when that walk is to be said (`judged`, `sens` > 0, not taught
 * today, beyond {@link walkLimit}, not the weekly walk), else -1.
 */
export function noteId(s: OrderedIds, id: number, day: number, judged: boolean, sens: number, reporter: string, allowed: boolean): number {
  if (day > s.idDay) newDay(s, day)
  const i = extend(s.idRuns ??= newRuns(), id)
  if (i < 0) return -1
  const today = s.idRuns[i * RUN_WIDTH + 2]!
  const fresh = freshIds(s, i)
  const limit = walkLimit(s, sens)
  if (judged && sens > 0 && s.idTaught !== day && fresh > limit) {
    s.idToday = -1
    // The day's excused ids: a walk just beyond the limit counts whole, then one an id.
    const adds = fresh > limit + 1 ? 1 : fresh
    if (allowed && reporter === s.idWeeklyBy && weekly(s, day, fresh, adds)) {
      s.idExcused += adds
      return -1
    }
    if (!allowed || fresh > ORDERED_IDS.highTimes * limit) s.idSaid = -1
    else if (s.idSaid >= 0 && fresh > s.idSaid) {
      s.idSaid = fresh
      s.idSaidBy = reporter
    }
    return i
  }
  if (s.idToday >= 0 && today > s.idToday) {
    s.idToday = today
    spanToday(s, i, allowed)
  }
  return -1
}

/** A run's stride, the ids it walked today, and how many of those lie outside its known ground (for a finding). */
export function walkOf(s: OrderedIds, i: number): { stride: number; today: number; fresh: number } {
  return { stride: s.idRuns![i * RUN_WIDTH + 1]!, today: s.idRuns![i * RUN_WIDTH + 2]!, fresh: freshIds(s, i) }
}

// The lowest and highest id run `i` walked today: its ids are first, first + stride, ..., last
// (descending when the stride is negative).
function runSpan(s: OrderedIds, i: number): [number, number] {
  const o = i * RUN_WIDTH
  const last = s.idRuns![o]!
  const first = last - (s.idRuns![o + 2]! - 1) * s.idRuns![o + 1]!
  return [Math.min(first, last), Math.max(first, last)]
}

// The ids run `i` walked today outside the known ground [idLo, idHi].
function freshIds(s: OrderedIds, i: number): number {
  const n = s.idRuns![i * RUN_WIDTH + 2]!
  if (s.idLo < 0) return n
  const step = Math.abs(s.idRuns![i * RUN_WIDTH + 1]!)
  const [lo, hi] = runSpan(s, i)
  const below = lo < s.idLo ? Math.ceil((s.idLo - lo) / step) : 0
  const above = hi > s.idHi ? Math.ceil((hi - s.idHi) / step) : 0
  return Math.min(n, below + above)
}

// Today's longest walk is run `i`: its span, when it can be ground (allowed, consecutive ids).
function spanToday(s: OrderedIds, i: number, allowed: boolean): void {
  const ground = allowed && Math.abs(s.idRuns![i * RUN_WIDTH + 1]!) === 1
  const [lo, hi] = ground ? runSpan(s, i) : [-1, -1]
  s.idTodayLo = lo
  s.idTodayHi = hi
}

/** An operator called a walk of `run` ids benign on `day`: the day's walks are learned, and said no more. */
export function teachWalk(s: OrderedIds, day: number, run: number): void {
  if (day > s.idDay) newDay(s, day)
  let longest = 0
  let which = -1
  if (s.idRuns) {
    for (let i = 0; i < ORDERED_IDS.runs; i++) {
      if (s.idRuns[i * RUN_WIDTH]! >= 0 && s.idRuns[i * RUN_WIDTH + 2]! > longest) {
        longest = s.idRuns[i * RUN_WIDTH + 2]!
        which = i
      }
    }
  }
  s.idTaught = s.idDay
  if (which >= 0 && longest >= s.idToday) spanToday(s, which, true)
  s.idToday = Math.max(s.idToday, longest, run)
  s.idMost = Math.max(s.idMost, run)
}

// Whether a walk of `today` ids beyond the limit, adding `adds` to the day's excused ids, is the
// agent's weekly one (see the header).
function weekly(s: OrderedIds, day: number, today: number, adds: number): boolean {
  const since = day - s.idWeekly
  const most = ORDERED_IDS.weeklyGrowth * s.idWeeklyRun
  return s.idWeekly >= 0 && since > 0 && since % 7 === 0 && since <= 7 * ORDERED_IDS.weeks && today <= most && s.idExcused + adds <= most
}

function newRuns(): Float64Array {
  const runs = new Float64Array(HEAD + 1).fill(-1)
  runs[HEAD] = 0
  return runs
}

// The day's longest walk is learned (unless one went beyond the limit), the habit fades, and the
// runs under way count their ids afresh.
function newDay(s: OrderedIds, day: number): void {
  if (s.idDay >= 0) {
    const faded = s.idMost * ORDERED_IDS.fadePerDay ** Math.min(day - s.idDay, 365)
    if (s.idToday >= 0) {
      // With ground, a day teaches at most the limit its walks were judged by (whatever walk
      // re-read the ground: one by ten over it too).
      const taught = s.idLo >= 0 ? Math.min(s.idToday, walkLimit(s, 1)) : s.idToday
      learnGround(s, faded)
      s.idMost = Math.max(faded, taught)
    } else s.idMost = faded
    if (s.idMost < ORDERED_IDS.minWalk / 2) s.idLo = s.idHi = -1
    if (s.idSaid > 0) {
      s.idWeekly = s.idDay
      s.idWeeklyRun = s.idSaid
      s.idWeeklyBy = s.idSaidBy
    } else if (s.idSaid === 0 && s.idExcused > 0) s.idWeekly = s.idDay
  }
  s.idSaid = 0
  s.idSaidBy = ''
  s.idExcused = 0
  s.idToday = 0
  s.idTodayLo = -1
  s.idTodayHi = -1
  s.idDay = day
  if (s.idRuns) for (let i = 0; i < ORDERED_IDS.runs; i++) s.idRuns[i * RUN_WIDTH + 2] = 0
}

// Whether today's longest walk (its span) had ids on the known ground.
function onGround(s: OrderedIds): boolean {
  return s.idLo >= 0 && s.idTodayLo >= 0 && s.idTodayLo <= s.idHi && s.idTodayHi >= s.idLo
}

// A day that taught: its longest walk, when it is the job's (half its usual length, half a dozen
// ids or more), joins the known ground when they overlap, else takes its place.
function learnGround(s: OrderedIds, usual: number): void {
  if (s.idTodayLo < 0 || s.idToday < Math.max(ORDERED_IDS.minWalk / 2, usual / 2)) return
  if (onGround(s)) {
    s.idLo = Math.min(s.idLo, s.idTodayLo)
    s.idHi = Math.max(s.idHi, s.idTodayHi)
  } else {
    s.idLo = s.idTodayLo
    s.idHi = s.idTodayHi
  }
}

// The run `id` extends (its index), or -1 when it extends none: a run only by exactly its
// stride; otherwise a new run starts when one of the family's recent ids is within a stride of it
// (the walk's previous id, with the agent's other requests between them), in a free place or in
// place of the shortest run (of those, the longest waiting). Runs that did not grow count the
// request, and lapse after `patience` of them.
function extend(runs: Float64Array, id: number): number {
  let grown = -1
  for (let o = 0; o < RING; o += RUN_WIDTH) {
    const last = runs[o]!
    if (last === id) return -1
    if (last >= 0 && id - last === runs[o + 1] && (grown < 0 || runs[o + 2]! > runs[grown + 2]!)) grown = o
  }
  let free = -1
  for (let o = 0; o < RING; o += RUN_WIDTH) {
    if (o === grown) {
      runs[o] = id
      runs[o + 2]!++
      runs[o + 3] = 0
    } else if (runs[o]! >= 0 && ++runs[o + 3]! > ORDERED_IDS.patience) runs[o] = -1
    if (runs[o]! < 0 && free < 0) free = o
  }
  if (grown < 0) {
    // The most recent id within a stride of this one (not the same record) starts a run.
    const head = runs[HEAD]!
    let stride = 0
    for (let k = head - 1; k >= 0 && stride === 0; k--) stride = within(id, runs[RING + k]!)
    for (let k = ORDERED_IDS.recent - 1; k >= head && stride === 0; k--) stride = within(id, runs[RING + k]!)
    if (stride !== 0) {
      if (free < 0) {
        let worst = Infinity
        for (let o = 0; o < RING; o += RUN_WIDTH) {
          const keep = runs[o + 2]! * 1000 - runs[o + 3]!
          if (keep < worst) {
            worst = keep
            free = o
          }
        }
      }
      runs[free] = id
      runs[free + 1] = stride
      runs[free + 2] = 2
      runs[free + 3] = 0
    }
  }
  runs[RING + runs[HEAD]!] = id
  runs[HEAD] = runs[HEAD] === ORDERED_IDS.recent - 1 ? 0 : runs[HEAD]! + 1
  return grown < 0 ? -1 : grown / RUN_WIDTH
}

// The stride from `before` (an earlier id of the family; -1: none) to `id`, when one; else 0.
function within(id: number, before: number): number {
  const d = id - before
  return before >= 0 && d !== 0 && d >= -ORDERED_IDS.maxStride && d <= ORDERED_IDS.maxStride ? d : 0
}
