/**
 * Slow drift in the records an agent reads from one family: a one-sided CUSUM (Page's cumulative
 * sum) of how far requests go beyond the family's ordinary spread, kept across days.
 *
 * Why this shape. Data drained slowly rides on an agent's own traffic: some requests grow while
 * the ordinary ones stay where they were, so the median barely moves and no single request is far
 * out. What gives it away is excess that keeps coming back. Each request adds how far it goes
 * beyond `margin` spreads (at least twice the level), capped, so one export or one odd request adds
 * little; each ordinary request takes a little off, so scattered noise never adds up. The sum is
 * not reset at night or between days: an assistant reading a family a dozen times a day adds up
 * evidence over its working days, from few readings. A step of the whole distribution (a bigger
 * report from one day on) puts nearly every request above the level the run began at (a share of
 * larger requests leaves the ordinary ones on both sides of it): that change is the baseline's to
 * learn, so the sum is cleared, and never alarms.
 *
 * Plain numbers kept in the family's baseline (and in the store), no allocation per request.
 */

/** What the test keeps per (agent, family); part of {@link FamilyStats}. */
export interface DriftState {
  /** The cumulative excess, in spreads (0 when nothing accumulates). */
  cusum: number
  /** When the first request of the current run added to it (0: no run). */
  cusumSince: number
  /** Requests that added to the current run. */
  cusumHits: number
  /**
   * The level when the current run began (once a step cleared the run: the level the step puts
   * the family at, see addToDrift), and the sum over its requests of natural log of records over the level.
   */
  cusumLevel: number
  cusumLog: number
  /** Requests since the run began, and those above the level it began at: nearly all of them is a step, not a share. */
  cusumReads: number
  cusumAbove: number
  /** Of those, the ordinary ones (that added nothing), and the sum of natural log of their records: where a step puts the level. */
  cusumCalm: number
  cusumCalmLog: number
  /**
   * Requests that added to the run while the family had no sizes to judge them by (its own or
   * another family's): evidence from a level and spread alone, which a two-mode family (lookups
   * and list pages) piles up from its own list pages. The run is cleared once sizes judge it.
   */
  cusumBlind: number
  /** The largest request (natural log) the family had read when the run began. */
  cusumTop: number
  /** 1 when the run's evidence has been bounded by the family's own sizes since it began (volume-checks.ts, ownFloor). */
  cusumOwn: number
}

/** The test's constants, chosen on the evaluation's seeds 1-10 together (docs/monitoring-history.md): one request never a drift, four over an hour may be. */
export const DRIFT_CUSUM = {
  /** Within this many spreads of the level (and within twice it) a request is ordinary. */
  margin: 1.5,
  floor: Math.log(2),
  /** One request adds at most this many spreads: no outlier is a drift alone. */
  cap: 2.5,
  /** Each ordinary request takes this off. */
  slack: 0.25,
  /** Cumulative excess that makes a drift, at sensitivity 1. */
  threshold: 8,
  /** Requests, and time, the evidence must span: several requests, not a burst of one minute. */
  minHits: 4,
  minSpanMs: 3_600_000,
  /** A run is not reported while this share or more of its requests sit above the level it began at: it may be a step. */
  stepShare: 0.85,
  /**
   * The step test: a step moves every request (a bigger report from one day on: nine in ten or
   * more above the level the run began at), a drifting share leaves the ordinary requests on both
   * sides of it (a third larger: about two thirds above). The run is a step once its requests are
   * `stepOdds` times likelier under the first than under the second (a sequential test).
   */
  stepAbove: 0.9,
  shareAbove: 2 / 3,
  stepOdds: 20,
} as const

// Evidence per request for a step against a share (sequential probability ratio, in natural log).
const STEP_IF_ABOVE = Math.log(DRIFT_CUSUM.stepAbove / DRIFT_CUSUM.shareAbove)
const STEP_IF_BELOW = Math.log((1 - DRIFT_CUSUM.stepAbove) / (1 - DRIFT_CUSUM.shareAbove))
const STEP_DECIDED = Math.log(DRIFT_CUSUM.stepOdds)

/** The spread used: a family whose records barely vary must not turn every small change into evidence. */
export function driftSpread(dev: number): number {
  return Math.max(1.25 * dev, 0.2)
}

/** How far beyond the level a request must go to count (1.5 spreads, and at least twice the level). */
export function driftMargin(spread: number): number {
  return Math.max(DRIFT_CUSUM.margin * spread, DRIFT_CUSUM.floor)
}

/** What {@link addToDrift} returns when the run turned out to be a step of the whole distribution (the run is cleared). */
export const STEP = -1

/**
 * Adds one request (natural log of its records, `lr`) against the family's level and spread, at
 * `at` (or its excess in spreads `given`, when the caller measured it otherwise). Returns the request's excess in spreads (0 for an ordinary request), or {@link STEP}
 * when nearly every request of the run sits above the level it began at: the caller then lets
 * the level catch up, no further than the mean of the run's ordinary requests, left in
 * `cusumLevel` (the run's larger requests are no measure of where the whole distribution went).
 */
export function addToDrift(s: DriftState, lr: number, level: number, spread: number, at: number, given?: number): number {
  if (s.cusumHits > 0) {
    s.cusumReads++
    if (lr > s.cusumLevel) s.cusumAbove++
    if (isStep(s)) {
      const to = s.cusumCalm > 0 ? s.cusumCalmLog / s.cusumCalm : lr
      clearDrift(s)
      s.cusumLevel = to
      return STEP
    }
  }
  const excess = given ?? (lr - level - driftMargin(spread)) / spread
  if (excess > 0) {
    if (s.cusumHits === 0) {
      s.cusumSince = at
      s.cusumLevel = level
      s.cusumReads = 1
      s.cusumAbove = 1
    }
    s.cusum += Math.min(excess, DRIFT_CUSUM.cap)
    s.cusumHits++
    s.cusumLog += lr - level
    return excess
  }
  if (s.cusumHits > 0) {
    s.cusumCalm++
    s.cusumCalmLog += lr
  }
  s.cusum = Math.max(0, s.cusum - DRIFT_CUSUM.slack)
  if (s.cusum === 0) clearDrift(s)
  return 0
}

// Nearly every request of the run above the level it began at: the whole distribution moved. A
// fixed share over a few requests (seven of eight) is not enough: a drifting third of the requests
// with the ordinary ones above the level by chance gets there in one run of five, and clearing it
// then throws away the evidence and lifts the level towards the drift (a service drained in its
// hourly jobs lost half a day's evidence that way in the evaluation). Counted as a sequential
// test, a step with every request above is decided after ten of them; with one below, after
// fourteen of fifteen.
function isStep(s: DriftState): boolean {
  return s.cusumAbove * STEP_IF_ABOVE + (s.cusumReads - s.cusumAbove) * STEP_IF_BELOW >= STEP_DECIDED
}

/** The typical size of the current run's requests, as a multiple of the level (geometric mean). */
export function driftRatio(s: DriftState): number {
  return s.cusumHits > 0 ? Math.exp(s.cusumLog / s.cusumHits) : 1
}

/** Whether the evidence makes a drift at sensitivity `sens` (2: half the threshold). */
export function isDrift(s: DriftState, at: number, sens: number): boolean {
  return sens > 0 && s.cusum >= DRIFT_CUSUM.threshold / sens && s.cusumHits >= DRIFT_CUSUM.minHits && at - s.cusumSince >= DRIFT_CUSUM.minSpanMs && s.cusumAbove < DRIFT_CUSUM.stepShare * s.cusumReads
}

export function clearDrift(s: DriftState): void {
  s.cusum = 0
  s.cusumSince = 0
  s.cusumHits = 0
  s.cusumLevel = 0
  s.cusumLog = 0
  s.cusumReads = 0
  s.cusumAbove = 0
  s.cusumCalm = 0
  s.cusumCalmLog = 0
  s.cusumBlind = 0
  s.cusumTop = 0
  s.cusumOwn = 0
}
