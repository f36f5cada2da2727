/**
 * Refusals that trickle (`denial-burst`, `about: hour`): requests into families the agent or its
 * peers use, refused on an authorization code (a constraint, a purpose, a delegation), at least
 * `least` within an hour and spread over `spanMs` or more, and `beyond` times the most it had in
 * an hour on the days before: an assistant reaching, request after request, for records its
 * delegation does not cover (workload-f), too slow for a burst and on its own families, so no
 * probing. Medium: refused, nothing was given away.
 *
 * What is learned: the most such refusals in an hour of the day, of hours spread as a trickle is
 * (a burst teaches nothing), on days none was said (a thief said once must not teach its pace),
 * fading 3% a day (a lapsed grant's one bad day is forgotten within weeks; a job that breaks
 * its constraint a dozen times an hour every day keeps it). Counted in five-minute buckets over
 * the last hour, whoever reports and however fast (no list to overflow). Kept in the store.
 */
import type { Say, Scope, Sens } from './scope.js'

// (Not imported from baseline.ts, which imports this module.)
const MINUTE = 60_000
const DAY = 86_400_000

export const TRICKLE = { least: 12, spanMs: 20 * MINUTE, beyond: 2, bucketMs: 5 * MINUTE, buckets: 12, fadePerDay: 0.97 } as const
/** A trickle's `about` (a burst's is its code): its own incident, suppression and verdict. */
export const TRICKLE_ABOUT = 'hour'
// The most an hour is held to, one a second (a crafted row or a verdict on a flood must not
// switch the check off for years: from there it fades to a dozen within about six months).
const MOST_CAP = 3_600

/** Part of the agent's baseline (AgentBaseline.trickle). */
export interface TrickleState {
  /** Refusals in each five-minute bucket of the last hour (ring by bucket index), and who reported them ('' none, '*' several). */
  counts: number[]
  who: string[]
  /** The newest bucket counted (index since 1970; -1 none). */
  bucket: number
  /** The most in an hour on the days before (fading), today's so far, the day counted (days since 1970), and the last day one was said (-1 none). */
  most: number
  today: number
  day: number
  saidDay: number
}

export function newTrickle(): TrickleState {
  return { counts: new Array<number>(TRICKLE.buckets).fill(0), who: new Array<string>(TRICKLE.buckets).fill(''), bucket: -1, most: 0, today: 0, day: -1, saidDay: -1 }
}

/** A stored row's state (rows written before it was kept have none); buckets and days after `lastAt` count for none. */
export function restoreTrickle(o: unknown, lastAt: number): TrickleState {
  const t = newTrickle()
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return t
  const r = o as Record<string, unknown>
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d)
  const lastDay = Math.floor(lastAt / DAY)
  t.most = Math.min(MOST_CAP, Math.max(0, num(r.most, 0)))
  const day = num(r.day, -1)
  if (day <= lastDay) {
    t.day = day
    t.today = Math.min(MOST_CAP, Math.max(0, num(r.today, 0)))
    t.saidDay = Math.min(day, num(r.saidDay, -1))
  }
  const bucket = num(r.bucket, -1)
  if (bucket >= 0 && bucket <= Math.floor(lastAt / TRICKLE.bucketMs) && Array.isArray(r.counts) && Array.isArray(r.who) && r.counts.length === TRICKLE.buckets && r.who.length === TRICKLE.buckets) {
    t.bucket = bucket
    for (let i = 0; i < TRICKLE.buckets; i++) {
      t.counts[i] = Math.min(MOST_CAP, Math.max(0, num(r.counts[i], 0)))
      t.who[i] = typeof r.who[i] === 'string' ? (r.who[i] as string) : '*'
    }
  }
  return t
}

/** An operator said a trickle benign: an hour of as many is its own from now on. */
export function acceptTrickle(t: TrickleState, denials: number): void {
  if (Number.isFinite(denials) && denials > 0) t.most = Math.max(t.most, Math.min(MOST_CAP, denials))
}

/** Counts one refusal of the kind (see the module's comment) and says a trickle. */
export function checkTrickle(s: Scope, code: string, sensitivity: Sens, say: Say): void {
  const t = s.b.trickle
  const { at, reporter, mature } = s
  const day = Math.floor(at / DAY)
  if (day > t.day) {
    const faded = t.most * TRICKLE.fadePerDay ** Math.min(day - Math.max(t.day, 0), 365)
    t.most = t.day >= 0 && t.saidDay !== t.day ? Math.max(faded, t.today) : faded
    t.today = 0
    t.day = day
  }
  // The ring moves on to this bucket (an event dated a little before the newest counts in it).
  const bucket = Math.max(t.bucket, Math.floor(at / TRICKLE.bucketMs))
  for (let k = Math.max(t.bucket + 1, bucket - TRICKLE.buckets + 1); k <= bucket; k++) {
    t.counts[k % TRICKLE.buckets] = 0
    t.who[k % TRICKLE.buckets] = ''
  }
  t.bucket = bucket
  const slot = bucket % TRICKLE.buckets
  t.counts[slot]!++
  t.who[slot] = t.who[slot] === '' || t.who[slot] === reporter ? reporter : '*'
  // The hour's count, its first bucket with refusals, and whether one reporter alone made them.
  let n = 0
  let first = bucket
  let sole = ''
  for (let k = bucket - TRICKLE.buckets + 1; k <= bucket; k++) {
    const i = k % TRICKLE.buckets
    if (t.counts[i]! === 0) continue
    n += t.counts[i]!
    if (k < first) first = k
    sole = sole === '' || sole === t.who[i] ? t.who[i]! : '*'
  }
  // Spread: from the start of its first bucket to now (a burst teaches nothing, and is no trickle).
  if (at - first * TRICKLE.bucketMs < TRICKLE.spanMs) return
  const sens = sensitivity['denial-burst']
  const bar = Math.max(TRICKLE.least / Math.max(sens, 1e-9), TRICKLE.beyond * t.most)
  if (sens > 0 && mature && n >= bar) {
    t.saidDay = day
    say(s, 'denial-burst', TRICKLE_ABOUT, Math.min(1, n / (2 * bar)), {
      expected: `fewer than ${Math.ceil(bar)} refusals an hour of requests into its families (its most in an hour before: ${Math.round(t.most)})`,
      seen: n, denials: n, minutes: Math.round((at - first * TRICKLE.bucketMs) / MINUTE), lastCode: code, slow: true,
    }, sole !== '' && sole !== '*' ? [sole] : [], 'medium')
  } else t.today = Math.max(t.today, n)
}
