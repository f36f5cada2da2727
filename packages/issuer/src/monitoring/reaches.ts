/**
 * An agent's reaches (first uses of families, segments and actions nobody explains, kept for the
 * hour: AgentBaseline.reaches) and strays (a refused reach a person's assistant makes now and
 * then, within a daily allowance): the bookkeeping the detector's lateral-movement, reach and
 * stray rules (anomaly-detector.ts, #reach, #lateral, #stray, #soleRefusal) read.
 */
import { HOUR_MS as HOUR, KEPT_UP_MS, SOLE_KEPT, STRAY_DAYS, STRAY_FAMILIES, STRAY_RATE, STRAY_TAIL, STRAY_TRIES, STRAY_TRY_MS, type AgentBaseline, type Reach, type ReachRun } from './baseline.js'

// A refused reach gone on for KEPT_UP_MS, with this many uses, is graver: it is the spread one
// reporter's evidence needs for automatic containment (corroboration.ts's default).
const KEPT_UP_USES = 3

// Notes a use of a reach on its run (a new run after an hour without; the stalest run makes room).
export function noteRun(runs: Map<string, ReachRun>, what: string, at: number, by: string): void {
  const run = runs.get(what)
  if (run && at - run.last <= HOUR && at >= run.since) {
    run.last = Math.max(run.last, at)
    run.uses++
    if (by !== run.by) run.others = true
    return
  }
  if (!run && runs.size >= 32) {
    let stalest: string | undefined
    let oldest = Infinity
    for (const [k, r] of runs) if (r.last < oldest) [stalest, oldest] = [k, r.last]
    runs.delete(stalest!)
  }
  runs.set(what, { since: at, last: at, uses: 1, by, others: false })
}

// Whether a reach was seen by another reporter too, or has gone on for KEPT_UP_MS with KEPT_UP_USES
// uses (a link followed twice, ten minutes apart, is not kept up).
export function keptUp(run: ReachRun | undefined, at: number): boolean {
  return run !== undefined && (run.others || (at - run.since >= KEPT_UP_MS && run.uses >= KEPT_UP_USES))
}

// Whether the reaches for `what` (in time order) are one attempt: at most STRAY_TRIES requests,
// each within STRAY_TRY_MS of the one before (a refused search and a read of what it named).
export function oneAttempt(reaches: ReadonlyArray<Reach>, what: string): boolean {
  let n = 0
  let last = -Infinity
  for (const r of reaches) {
    if (r.what !== what) continue
    if (++n > STRAY_TRIES || (n > 1 && r.at - last > STRAY_TRY_MS)) return false
    last = r.at
  }
  return true
}

// Distinct unexplained reaches from `from` to `to` that make lateral movement (three, with a
// family and a segment among them, or four), or 0.
export function lateralReaches(reaches: ReadonlyArray<Reach>, from: number, to: number): number {
  // (Most events come with none: no set for them.)
  if (reaches.length < 3) return 0
  let family = false
  let segment = false
  const seen = new Set<string>()
  for (const r of reaches) {
    if (r.at < from || r.at > to) continue
    seen.add(r.what)
    if (r.what.startsWith('family:')) family = true
    else if (r.what.startsWith('segment:')) segment = true
  }
  return seen.size >= 3 && family && (segment || seen.size >= 4) ? seen.size : 0
}

// Marks the reach just noted (#reach), for `what` at `at`, as a stray's.
export function markStray(b: AgentBaseline, at: number, what: string): void {
  const r = b.reaches[b.reaches.length - 1]
  if (r !== undefined && r.at === at && r.what === what) r.stray = true
}

// Withdraws the reaches for `what` that `reporters` reported: their group explained them.
export function withdraw(b: AgentBaseline, what: string, reporters: readonly string[]): void {
  b.reaches = b.reaches.filter((r) => {
    const gone = r.what === what && reporters.includes(r.reporter)
    if (gone) r.withdrawn = true
    return !gone
  })
}

// The strays an agent making `requests` requests is allowed among them: the most that STRAY_RATE
// of them makes no likelier than STRAY_TAIL (the Poisson tail), at least one and at most
// SOLE_KEPT. (Counted up from none: past about 745,000 requests e^-expected is 0 and the tail
// never closes, so the cap also ends the count.)
export function strayAllowance(requests: number): number {
  const expected = requests * STRAY_RATE
  let k = 0
  let term = Math.exp(-expected)
  let below = term
  while (k < SOLE_KEPT && 1 - below >= STRAY_TAIL) {
    k++
    term *= expected / k
    below += term
  }
  return Math.max(1, k)
}

// The family's entry when the agent strayed into it on an earlier day, within STRAY_DAYS.
export function knownStray(b: AgentBaseline, fam: string, day: number): [string, number, number, number] | undefined {
  const e = b.strayFamilies.find((x) => x[0] === fam)
  return e !== undefined && e[1] < day && e[2] <= day && day - e[2] <= STRAY_DAYS ? e : undefined
}

// Notes a stray into `fam` on `day` (AgentBaseline.strayFamilies): the entry of the family, or a
// new one in place of the one met longest ago.
export function noteStray(strays: Array<[string, number, number, number]>, fam: string, day: number): void {
  const e = strays.find((x) => x[0] === fam)
  if (e) {
    e[3] = e[2] === day ? e[3] + 1 : 1
    e[2] = day
    return
  }
  if (strays.length >= STRAY_FAMILIES) strays.splice(strays.reduce((oldest, x, i) => (x[2] < strays[oldest]![2] ? i : oldest), 0), 1)
  strays.push([fam, day, day, 1])
}
