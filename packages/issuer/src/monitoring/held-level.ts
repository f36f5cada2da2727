/**
 * A creep of every request at once: the records a family's requests read, all of them, climbing
 * steadily far above anything the family has held before. The drift test (drift-cusum.ts) looks
 * for a share of larger requests and lets the level follow the whole distribution (a step is the
 * baseline's to learn), so a creep of the whole distribution is followed by the level like a slow
 * step and never adds up there. This test keeps a reference that does not follow it within a day.
 *
 * What is compared. The family's quick level (the running median that follows the last dozen
 * requests: one export, or a few, barely moves it; a step of the whole distribution moves it to
 * the new median, not to its tail) against the highest quick level the family *held* a day or
 * more ago. Quick levels are kept per six hours of the agent's clock and become held once four
 * such periods have passed (24 to 30 hours): a family read in two regimes (a nightly batch ten
 * times the daytime requests, a weekly report) has held its larger regime before, and its return
 * is ordinary; a creep reaches new heights every day. What it lets through: a creep slower than
 * the threshold a day (four times by default) is followed, as a step is; a new regime more than
 * four times anything held (a report ten times larger from one day on) is alerted, and held a
 * day later.
 *
 * The held level fades like activity habits (5% a day of its excess over the level): a regime not
 * seen for months is forgotten. Plain numbers in the family's baseline (and in the store).
 */

/** What the test keeps per (agent, family); part of {@link FamilyStats}. */
export interface HeldLevel {
  /** The highest quick level held a day or more ago, natural log (-1: none yet), and when it last faded. */
  held: number
  heldAt: number
  /** The highest quick level of each of the last four six-hour periods, newest first (-1: none), and the period of the first. */
  pend: number[]
  pendAt: number
}

export const HELD_LEVEL = {
  /** Six hours a period; four periods before a level is held (a day to a day and a quarter). */
  periodMs: 6 * 3_600_000,
  periods: 4,
  /** A quick level this many times the held one (natural log) is a creep, at sensitivity 1. */
  ratio: Math.log(4),
  /** Beyond this many times: high. */
  highRatio: Math.log(16),
  /** The held level's excess over the level keeps this much a day. */
  fadePerDay: 0.95,
} as const

export function newHeldLevel(): HeldLevel {
  return { held: -1, heldAt: 0, pend: [-1, -1, -1, -1], pendAt: 0 }
}

/**
 * Takes the family's quick level after one request (`quick`, natural log of records, at `at`;
 * `level`, the family's slow level, towards which the held level fades).
 */
export function noteQuick(s: HeldLevel, quick: number, level: number, at: number): void {
  const period = Math.floor(at / HELD_LEVEL.periodMs)
  if (s.pendAt === 0) s.pendAt = period
  if (period > s.pendAt) {
    // Periods passed: the oldest pending levels become held.
    const shift = Math.min(period - s.pendAt, HELD_LEVEL.periods)
    for (let i = 0; i < shift; i++) {
      const oldest = s.pend[HELD_LEVEL.periods - 1]!
      for (let j = HELD_LEVEL.periods - 1; j > 0; j--) s.pend[j] = s.pend[j - 1]!
      s.pend[0] = -1
      if (oldest >= 0) {
        fade(s, level, at)
        s.held = Math.max(s.held, oldest)
        if (s.heldAt === 0) s.heldAt = at
      }
    }
    s.pendAt = period
  }
  s.pend[0] = Math.max(s.pend[0]!, quick)
}

/** How far (natural log) the quick level is above what the family held, faded to `at`; undefined when nothing is held yet. */
export function aboveHeld(s: HeldLevel, quick: number, level: number, at: number): number | undefined {
  if (s.held < 0) return undefined
  // Faded at most once an hour: nothing is lost, a power a request is saved.
  if (at - s.heldAt >= 3_600_000) fade(s, level, at)
  return quick - s.held
}

/** An operator accepted the level `lr` (natural log) as benign: it is held from now on. */
export function holdLevel(s: HeldLevel, lr: number, at: number): void {
  s.held = Math.max(s.held, lr)
  s.heldAt = at
}

function fade(s: HeldLevel, level: number, at: number): void {
  if (s.held < 0 || s.heldAt === 0 || at <= s.heldAt) return
  if (s.held > level) s.held = level + (s.held - level) * HELD_LEVEL.fadePerDay ** ((at - s.heldAt) / 86_400_000)
  s.heldAt = at
}
