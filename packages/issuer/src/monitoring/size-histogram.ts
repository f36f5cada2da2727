/**
 * The sizes a family's requests have regularly had: a decayed histogram of natural log of records
 * per request, per (agent, family). The level and spread (running median, mean absolute
 * deviation) describe one mode well; a tool-using assistant or a task bot reads by task (lookups
 * of a few records, summaries, exports a hundred times larger), drawn request by request from a
 * stationary mix. Against one level and spread its exports are far out every day, and a drift or
 * jump test built on them adds up its own ordinary mix. Judged against the learned distribution,
 * a mode seen regularly is ordinary, whatever the shape.
 *
 * What the tests take from it. The tail probability of a request (the share of the family's
 * requests at least as large, shifted to the family's current level so that a step or organic
 * growth is the level's to follow): a request counts as evidence of drift only by how much rarer
 * it is than the family's largest tenth (natural log of the ratio, comparable to spreads: the
 * rarest tenth of an unchanged distribution adds on average one, and the drift test's slack takes
 * more off the other nine tenths, so a stationary mix, of any shape, never adds up); and a jump
 * must go well beyond the family's 99th percentile. Plain numbers (an array of 64 bins), kept in
 * the store.
 */

/** Bins of a quarter of natural log (28% wide) from 1 record to about 9 million; larger ones fall in the last. */
export const HIST = {
  bins: 64,
  width: 0.25,
  /** What the bins keep a day: the same as activity habits (half in two weeks). */
  decayPerDay: 0.95,
  /** Weight before the histogram is used (a few days of a light family). */
  minWeight: 40,
  /** Weight at a day's start before it judges the family's jumps that day (see lightReach). */
  jumpWeight: 20,
  /** Weight at a day's start before its 90th percentile bounds the family's drift evidence that day (see lightFloor): two or three working days of a person's few requests. */
  floorWeight: 12,
  /** How far (natural log) a light family's floor may rise above its first, and how much further a week. */
  floorRoom: Math.log(2),
  floorRise: Math.log(1.1),
  /** The tail a request must be rarer than to add to the drift test. */
  tail: 0.1,
  /** Quantiles are recomputed after this many requests (or a day's decay). */
  refreshEvery: 16,
  /**
   * The days whose starting 99th percentile is kept, and how far (natural log) the reach a jump
   * is measured from may be above the lowest of them: three times, so the reach rises at most three
   * times in a week (and within a day not at all: it is at most the starts of the day and the day
   * before). Twice alerted a benign task bot's noisy 99th percentile on workload-b.
   */
  reachDays: 7,
  reachRise: Math.log(3),
} as const

const DAY_MS = 86_400_000

export interface SizeHistogram {
  /** Weights per bin (empty until the first request), their sum, and the day (since 1970) they were last decayed to. */
  hist: number[]
  histTotal: number
  histDay: number
  /** Cached (not stored): median, 90th and 99th percentiles (natural log), and requests since they were computed (-1: stale). */
  histQ50: number
  histQ90: number
  histQ99: number
  histSince: number
  /**
   * Stored: the 99th percentile when each of the last seven days began ([day, natural log], oldest
   * first; days without requests have none). A jump is measured from at most three times the lowest
   * of those (and at most the current one and the last two): a mode growing step by step is learned (a share's evidence is the drift test's),
   * but the reach a jump is measured from follows a step only a week after it, so a mode whose
   * steps come within a week of each other is measured from the sizes before them.
   */
  histStarts: Array<[number, number]>
  /** A light family's 99th percentile at the start of each of its last seven days of requests ([day, natural log], oldest first; see lightReach). */
  lightStarts: Array<[number, number]>
  /** A light family's 90th percentile at the start of each of its last seven days of requests (from `floorWeight`; [day, natural log], oldest first; see lightFloor). */
  lightFloors: Array<[number, number]>
  /** The most its floor may be (natural log; -Infinity before its first): twice its first, rising at most `floorRise` a week since (see lightFloor). */
  floorCap: number
}

// Every field present from the start (in the order restoreSizes gives them): one object shape,
// which the engine reads fastest.
export function newSizeHistogram(): SizeHistogram {
  return { hist: [], histTotal: 0, histDay: 0, histQ50: 0, histQ90: 0, histQ99: 0, histSince: -1, histStarts: [], lightStarts: [], lightFloors: [], floorCap: -Infinity }
}

/** Learns one request (natural log of records) at `at`, with `weight`. */
export function learnSize(h: SizeHistogram, lr: number, at: number, weight = 1): void {
  if (h.hist.length !== HIST.bins) h.hist = new Array<number>(HIST.bins).fill(0)
  decay(h, at)
  h.hist[bin(lr)]! += weight
  h.histTotal += weight
  h.histSince = h.histSince < 0 ? -1 : h.histSince + 1
}

/** Whether enough has been learned to judge by it. */
export function sizeReady(h: SizeHistogram): boolean {
  return h.histTotal >= HIST.minWeight && h.hist.length === HIST.bins
}

/**
 * The reach a light family's jumps are measured from (natural log), or undefined: once its sizes
 * weigh `jumpWeight` at the start of the day (fewer than `minWeight`, which its drift needs), the
 * 99th percentile they had then, at most three times the lowest of the week's starts. A jump goes
 * five times beyond the largest it regularly reads, a drift adds an excess up: a few days of an
 * assistant's lookups of one record with a query of a hundred now and then are enough to say its
 * queries are no jump. Held back as the sized reach is: the day's own requests cannot raise it,
 * and reads made larger day by day (each learned, a ramp) raise it at most threefold in a week (an
 * adversarial review: taken from the day's start alone, it let a ramp grow fivefold a day and then
 * a drain through). Before its first such day, its jumps were measured from its level, and those
 * are not learned: what the first day starts from is within twenty times the level.
 */
export function lightReach(h: SizeHistogram, at: number): number | undefined {
  decay(h, at)
  const starts = h.lightStarts
  const today = starts[starts.length - 1]
  if (today === undefined || today[0] !== h.histDay) return undefined
  let lowest = today[1]
  for (const [, q] of starts) lowest = Math.min(lowest, q)
  return Math.min(today[1], lowest + HIST.reachRise)
}

/**
 * What a light family regularly read all week (natural log), or undefined: the lowest of the 90th
 * percentiles its sizes began its last seven days of requests with (they weighed `floorWeight` at
 * least, `minWeight` not yet), today's among them, and at most twice the first, a tenth more a
 * week since (`floorCap`). A day's own requests cannot raise it; larger reads raise it only once
 * they are a tenth of the family's requests at the start of every kept day, a week later, and
 * one read (a primer) never does; nor does a share growing faster than a tenth a week for long
 * (an adversarial review: three lists a week, a fifth larger each week, were the family's floor
 * a week later, for good). See volume-checks.ts, ownFloor.
 */
export function lightFloor(h: SizeHistogram, at: number): number | undefined {
  decay(h, at)
  const starts = h.lightFloors
  const today = starts[starts.length - 1]
  if (today === undefined || today[0] !== h.histDay || h.floorCap === -Infinity) return undefined
  let lowest = today[1]
  for (const [, q] of starts) lowest = Math.min(lowest, q)
  return Math.min(lowest, h.floorCap)
}

/**
 * Refreshes the median, 90th and 99th percentiles (natural log: `histQ50`, `histQ90`, `histQ99`)
 * every few requests, and returns the reach a jump is measured from (the least of the 99th
 * percentile now and at the start of each of the last seven days). A number, not an object: it
 * is called for most requests.
 */
export function sizeReach(h: SizeHistogram, at: number): number {
  decay(h, at)
  if (h.histSince < 0 || h.histSince >= HIST.refreshEvery) {
    h.histQ50 = quantile(h, 0.5)
    h.histQ90 = quantile(h, 0.9)
    h.histQ99 = quantile(h, 0.99)
    h.histSince = 0
    // The first day it is ready (or a row stored without them): the day starts where it is now.
    if (h.histStarts.length === 0) h.histStarts = [[h.histDay, h.histQ99]]
  }
  const q99 = h.histQ99
  const starts = h.histStarts
  let lowest = q99
  for (let i = 0; i < starts.length; i++) lowest = Math.min(lowest, starts[i]![1])
  let reach = Math.min(q99, lowest + HIST.reachRise)
  for (let i = Math.max(0, starts.length - 2); i < starts.length; i++) reach = Math.min(reach, starts[i]![1])
  return reach
}

/**
 * The largest size the family regularly read before `at` (natural log): the highest 99th
 * percentile at the start of the kept days up to `at`'s (a light family's is noisy from day to
 * day), at most three times the lowest of them, as for the reach (reads made larger for a few
 * days before a run, quietly, must not make the run's size ordinary); the oldest kept when `at`
 * is older, the current one when none are kept. What a run of larger requests began against: its
 * own requests, learned since, cannot raise it.
 */
export function reachBefore(h: SizeHistogram, at: number): number {
  const day = Math.floor(at / DAY_MS)
  const starts = h.histStarts
  if (starts.length === 0) return h.histQ99
  let highest = -Infinity
  let lowest = Infinity
  for (const [d, q] of starts) {
    if (d > day) continue
    highest = Math.max(highest, q)
    lowest = Math.min(lowest, q)
  }
  return Number.isFinite(highest) ? Math.min(highest, lowest + HIST.reachRise) : starts[0]![1]
}

/** The 99th percentile of the sizes learned (natural log), computed now: nothing refreshed or decayed (the stored rows keep no quantiles). */
export function sizeQ99(h: SizeHistogram): number {
  return quantile(h, 0.99)
}

/**
 * How much rarer than the family's largest tenth a request of `lr` is: natural log of the tail
 * share over the tail probability of `lr` (0 within the largest tenth's start or below). Beyond
 * anything seen the probability is taken as half a request's weight: large, and bounded.
 */
export function tailExcess(h: SizeHistogram, lr: number, q90: number): number {
  if (lr <= q90) return 0
  const i = bin(lr)
  let above = 0
  for (let j = i + 1; j < HIST.bins; j++) above += h.hist[j]!
  // Within the bin, its weight spread evenly, and at least half of it counted: sizes pile up at
  // exact values (a page size, an API's cap of 500 a request), and a request at the pile is as
  // common as the pile, not a seventh of it because the pile sits at the top of its bin.
  const within = Math.min(1, Math.max(0.5, (i + 1) - lr / HIST.width))
  above += h.hist[i]! * within
  const p = Math.max(above, 0.5) / h.histTotal
  return Math.max(0, Math.log(HIST.tail / p))
}

function bin(lr: number): number {
  return Math.min(HIST.bins - 1, Math.max(0, Math.floor(lr / HIST.width)))
}

function quantile(h: SizeHistogram, q: number): number {
  const target = q * h.histTotal
  let sum = 0
  for (let i = 0; i < HIST.bins; i++) {
    const w = h.hist[i]!
    if (w > 0 && sum + w >= target) return (i + (target - sum) / w) * HIST.width
    sum += w
  }
  return HIST.bins * HIST.width
}

function decay(h: SizeHistogram, at: number): void {
  const day = Math.floor(at / DAY_MS)
  if (h.histDay === 0 || h.histTotal === 0) {
    h.histDay = day
    return
  }
  if (day <= h.histDay) return
  // A new day: the 99th percentile it begins with (those of the last seven days are kept), and a
  // light family's 90th.
  if (h.histTotal >= HIST.minWeight) {
    const starts = h.histStarts.filter(([d]) => d > day - HIST.reachDays)
    starts.push([day, quantile(h, 0.99)])
    h.histStarts = starts
  } else {
    if (h.histTotal >= HIST.jumpWeight) {
      const starts = h.lightStarts.filter(([d]) => d > day - HIST.reachDays)
      starts.push([day, quantile(h, 0.99)])
      h.lightStarts = starts
    }
    if (h.histTotal >= HIST.floorWeight) {
      const q90 = quantile(h, 0.9)
      const last = h.lightFloors[h.lightFloors.length - 1]
      h.floorCap = h.floorCap === -Infinity ? q90 + HIST.floorRoom : Math.min(Math.max(h.floorCap, q90 + HIST.floorRoom), h.floorCap + (HIST.floorRise * (day - (last?.[0] ?? day))) / 7)
      const floors = h.lightFloors.filter(([d]) => d > day - HIST.reachDays)
      floors.push([day, q90])
      h.lightFloors = floors
    }
  }
  const factor = HIST.decayPerDay ** Math.min(day - h.histDay, 365)
  for (let i = 0; i < h.hist.length; i++) h.hist[i]! *= factor
  h.histTotal *= factor
  h.histDay = day
  h.histSince = -1
}

/** The stored form: bins rounded to a thousandth (and the day and total), the days' starting 99th percentiles to a thousandth. */
export function snapshotSizes(h: SizeHistogram): { hist: number[]; histTotal: number; histDay: number; histStarts: Array<[number, number]>; lightStarts?: Array<[number, number]>; lightFloors?: Array<[number, number]>; floorCap?: number } {
  const round = (starts: Array<[number, number]>) => starts.map(([d, q]): [number, number] => [d, Math.round(q * 1000) / 1000])
  return {
    hist: h.hist.map((w) => Math.round(w * 1000) / 1000), histTotal: Math.round(h.histTotal * 1000) / 1000, histDay: h.histDay,
    histStarts: round(h.histStarts),
    // (Only for a family that was light within the week: most never are, past their first days.)
    ...(h.lightStarts.length > 0 ? { lightStarts: round(h.lightStarts) } : {}),
    ...(h.lightFloors.length > 0 ? { lightFloors: round(h.lightFloors) } : {}),
    ...(Number.isFinite(h.floorCap) ? { floorCap: Math.round(h.floorCap * 1000) / 1000 } : {}),
  }
}

/** Read back; rows written before sizes were kept start with none (learned afresh, the level and spread judging meanwhile). */
export function restoreSizes(o: Record<string, unknown>): SizeHistogram {
  const raw = Array.isArray(o.hist) && o.hist.length === HIST.bins ? o.hist : undefined
  const hist = raw ? raw.map((v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0)) : []
  const histTotal = hist.reduce((s, w) => s + w, 0)
  // Rows written before the days' starts were kept: none (the first day ready starts afresh).
  const starts = (v: unknown): Array<[number, number]> => {
    const out: Array<[number, number]> = []
    if (raw && Array.isArray(v)) {
      for (const e of v.slice(-HIST.reachDays)) {
        if (Array.isArray(e) && typeof e[0] === 'number' && Number.isFinite(e[0]) && typeof e[1] === 'number' && Number.isFinite(e[1])) out.push([e[0], e[1]])
      }
    }
    return out
  }
  return { hist, histTotal, histDay: typeof o.histDay === 'number' && Number.isFinite(o.histDay) ? o.histDay : 0, histQ50: 0, histQ90: 0, histQ99: 0, histSince: -1, histStarts: starts(o.histStarts), lightStarts: starts(o.lightStarts), lightFloors: starts(o.lightFloors),
    // (Rows written before the cap: no floor until the next day's start sets it afresh.)
    floorCap: typeof o.floorCap === 'number' && Number.isFinite(o.floorCap) ? o.floorCap : -Infinity }
}
