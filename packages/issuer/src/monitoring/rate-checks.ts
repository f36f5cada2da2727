/**
 * Rates and refusals (issue 21): a minute far beyond the agent's busiest, or a half hour far beyond
 * its usual at that time of day and its busiest (`rate-spike`), hours
 * evenly above its usual at that time of day (`sustained-rate`, with sustained-rate.ts), a burst of
 * refusals (`denial-burst`) and refusals across families or actions (`probing`).
 */
import type { RiskLevel } from '@agentid/core'
import { BASELINE_CAPS, BURST_GAP_MINUTES, dropOldestOfBusiest, isLook, type AgentBaseline, type BurstRun } from './baseline.js'
import { checkTrickle } from './refusal-trickle.js'
import type { Hold, Say, Scope, Sens } from './scope.js'
import { busiestHour, closeQuarters, countRequest, endOf, flagWindow, lastWeeksRun, noteWindow, QUARTERS_A_DAY, remember, rememberSurge, sharedSurge, soleOf, surging, surgingLong, surgingShort, surgeNote, SHORT, SHORT_FLOOD, SUSTAINED, WEEKLY, type Window } from './sustained-rate.js'

const HOUR = 3_600_000
const MINUTE = 60_000
const RANK: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2, critical: 3 }
// The busiest minute halves in a week without one as busy.
const PEAK_DECAY_PER_MINUTE = 0.5 ** (1 / (7 * 24 * 60))

// Refusals that say the agent asked for more than it holds (as opposed to a credential that
// expired or a status list that could not be fetched: a broken client, not an intruder).
const AUTHORIZATION_CODES: ReadonlySet<string> = new Set(['ERR_NOT_ENTITLED', 'ERR_PURPOSE', 'ERR_CONSTRAINT', 'ERR_FORBIDDEN', 'ERR_DELEGATION', 'ERR_SOD_CONFLICT', 'ERR_UNAUTHORIZED'])

/**
 * Refusal bursts across the organisation, for the codes of an infrastructure's failure (`codes`):
 * when an identity provider is down, a status list cannot be fetched or a rate limiter is set too
 * low, every agent is refused at once with the same code. A burst received when `others` other
 * agents had one of that code within the `windowMs` before is the infrastructure's, said `low`.
 * The first agents of an outage of the issuer's (`held`: credentials refused as expired, status
 * lists unavailable) are said `low` at once and held as a refusal is (anomaly-detector.ts,
 * #hold): said medium then, unless `others` other agents had a burst of the code within
 * `windowMs` of theirs. A rate limiter's refusals are said as usual: a flood is refused so.
 * Never a code that says a credential was stolen or forged, suspended or revoked (a review: five
 * made-up agents' bursts of ERR_VP_HOLDER_BINDING made an honest verifier's low). At most
 * `agents` agents a code (in memory: an outage is over within hours).
 */
export const ORG_BURSTS = {
  others: 5, windowMs: 15 * MINUTE, agents: 256,
  codes: new Set(['ERR_VC_EXPIRED', 'ERR_STATUS_UNAVAILABLE', 'ERR_RATE_LIMITED']) as ReadonlySet<string>,
  held: new Set(['ERR_VC_EXPIRED', 'ERR_STATUS_UNAVAILABLE']) as ReadonlySet<string>,
} as const
/**
 * Agents with a burst of each code, and when (the detector's, across all its agents): `byCode`,
 * keyed by code; `seenBy`, keyed by code and reporter (what each reporter saw itself; at most
 * SEEN_BY_KEYS of those).
 */
export interface OrgBursts {
  readonly byCode: Map<string, Map<string, number>>
  readonly seenBy: Map<string, Map<string, number>>
}
const SEEN_BY_KEYS = 64

export function newOrgBursts(): OrgBursts {
  return { byCode: new Map(), seenBy: new Map() }
}

/** Refusals within `windowMs` that make a burst (`DetectorOptions.denialBurst`, `denialWindowMs`). */
export interface DenialLimits {
  readonly burst: number
  readonly windowMs: number
}

/** A minute far beyond the busiest the agent has had (`rate-spike`); counts the minute's requests. */
export function checkRate(s: Scope, sensitivity: Sens, say: Say): void {
  const { b, at, reporter, mature } = s
  const minute = Math.floor(at / MINUTE)
  if (minute !== b.minute) {
    const count = b.minuteCount
    const hour = Math.floor(at / HOUR)
    if (hour !== b.peakHour) {
      b.peakBefore = hour === b.peakHour + 1 ? b.peakAtHour : b.peak
      b.peakHour = hour
      b.peakAtHour = b.peak
    }
    // A busier minute raises the peak by a quarter at most: the first seconds of a flood must not
    // become the usual that hides the rest of it; a lasting rise is learned within minutes.
    b.peak = Math.max(b.peak * PEAK_DECAY_PER_MINUTE, Math.min(count, b.peak * 1.25 + 1))
    const idle = Math.min(minute - b.minute - 1, 7 * 24 * 60)
    if (idle > 0) b.peak *= PEAK_DECAY_PER_MINUTE ** idle
    b.rateMinutes += 1 + Math.max(0, idle)
    b.minute = minute
    b.minuteCount = 0
    b.minuteByReporter.clear()
  }
  b.minuteCount++
  // (A minute with a request other than a read of a family it knows makes no brief burst: BRIEF_BURST.)
  if (!isLook(s.event.action) || (s.fam !== undefined && b.families.get(s.fam)?.learned !== true)) b.burst.unusual = minute
  const mine = (b.minuteByReporter.get(reporter) ?? 0) + 1
  if (b.minuteByReporter.has(reporter) || b.minuteByReporter.size < BASELINE_CAPS.reportersPerMinute) b.minuteByReporter.set(reporter, mine)
  const sens = sensitivity['rate-spike']
  if (!mature || sens === 0) return
  // Judged against the busiest as learned, but at most twice what it was as the hour began, or
  // the hour before (a ramp begun just before the hour must not have the busiest it raised taken
  // as the usual at the hour): a flood ramped a fifth a minute (118 times in half an hour, a
  // review's probe) raised the busiest ahead of itself and was never five times it. (Learned
  // whole all the same: a weekly batch, said the first time, is within its busiest the next week.)
  const peak = Math.min(b.peak, 2 * Math.min(b.peakAtHour, b.peakBefore) + 1)
  const threshold = rateThreshold(peak) / sens
  if (b.minuteCount > threshold) {
    const own = reportersOver(b.minuteByReporter, threshold)
    const ratio = b.minuteCount / Math.max(1, peak)
    const brief = briefBurst(b.burst, minute, b.minuteCount)
    say(s, 'rate-spike', '', Math.min(1, b.minuteCount / (threshold * 3)), { expected: `at most ${Math.round(peak)} a minute (its busiest)`, seen: b.minuteCount, perMinute: b.minuteCount, usual: Math.round(peak * 10) / 10, ...(brief ? { brief: true } : {}) }, own, brief ? 'low' : ratio >= 15 ? 'high' : 'medium')
  }
}

/**
 * A burst of a minute or two (an assistant paging through a long list in a loop, a client's
 * retries, a pool's peak) is said low: minutes beyond the busiest are one run while each follows
 * the last within `gapMinutes`, and the run is brief while it has fewer than `lasting` such
 * minutes (a flood of minutes, or bursts repeated every few minutes, is not), its minutes hold
 * only reads of families the agent knows (a burst of deletes or updates is no paging loop, nor
 * is a grab of a family it never read), and the agent's brief runs have spent at most `most`
 * requests of a leaky bucket drained of `most` a week (250 a week over weeks, up to twice that
 * within one: a scrape of thousands in a minute is no client's loop, nor are bursts an hour and
 * a half apart every day, an adversarial review's thief taking 24 times an assistant's day). A
 * brief run's requests are left out of its half hour (checkShort), and out of what the half hour
 * teaches.
 */
export const BRIEF_BURST = { lasting: 3, gapMinutes: BURST_GAP_MINUTES, most: 250, weekMinutes: 7 * 24 * 60 } as const

// Counts a request of a minute beyond the busiest (the minute's `count` so far) in the agent's run
// of them; whether the run is still brief.
function briefBurst(run: BurstRun, minute: number, count: number): boolean {
  let added = 1
  if (minute - run.last > BRIEF_BURST.gapMinutes) {
    added = count
    Object.assign(run, { first: minute, firstRequests: count, last: minute, minutes: 1, requests: count })
  } else if (minute !== run.last) {
    added = count
    Object.assign(run, { last: minute, minutes: run.minutes + 1, requests: run.requests + count })
  } else {
    run.requests++
    if (minute === run.first) run.firstRequests++
  }
  if (run.unusual === minute) run.minutes = Infinity
  if (isBrief(run)) {
    run.spent = Math.max(0, run.spent - ((minute - run.spentAt) * BRIEF_BURST.most) / BRIEF_BURST.weekMinutes) + added
    run.spentAt = minute
    if (run.spent > BRIEF_BURST.most) run.minutes = Infinity
  }
  return isBrief(run)
}

function isBrief(run: BurstRun): boolean {
  return run.minutes < BRIEF_BURST.lasting
}

// A brief run's requests within the half hour that begins with quarter hour `first` (index since
// 1970): its first minute may lie before it. (None after it: the half hour is judged at the first
// request after it, which cannot be beyond the busiest, the first of its minute.)
function briefWithin(run: BurstRun, first: number): number {
  const start = first * (SUSTAINED.bucketMs / MINUTE)
  if (!isBrief(run) || run.last < start) return 0
  return run.first >= start ? run.requests : run.requests - run.firstRequests
}

/** An operator said a minute's rate benign: it is within the busiest from now on, this hour too. */
export function acceptMinute(b: AgentBaseline, perMinute: number): void {
  b.peak = Math.max(b.peak, perMinute)
  b.peakAtHour = Math.max(b.peakAtHour, perMinute)
  b.peakBefore = Math.max(b.peakBefore, perMinute)
}

// The reporters that saw more than `threshold` each. (Apart: its closure would cost checkRate an
// allocation on every call.)
function reportersOver(counts: ReadonlyMap<string, number>, threshold: number): string[] {
  return [...counts].filter(([, count]) => count > threshold).map(([r]) => r)
}

/**
 * Sustained volume (`sustained-rate`, sustained-rate.ts): the last 90 minutes against what the
 * agent usually does at that time of day, judged at the end of each quarter hour.
 */
export function checkSustained(s: Scope, sensitivity: Sens, say: Say): void {
  const { b, holdGroups, agent, at, reporter, mature } = s
  // (The half hour closing now learns the agent's busiest without a brief burst in it.)
  const closed = closeQuarters(b, at, briefWithin(b.burst, b.volBucket - SHORT.quarters + 1))
  const w = closed?.window
  let half = closed?.half
  if (w !== undefined) {
    // Noted with its groups before judging (and even before its habits are judged): members of a
    // group surging together are the group's surge. Its team and its segment, never a role
    // across the organisation (sharedSurge in sustained-rate.ts says how many make it the group's).
    // (At the window's end: a run judged at the next request after an idle spell is noted when it ran.)
    noteWindow(holdGroups, agent, endOf(w), surgeNote(w))
    const sens = sensitivity['sustained-rate']
    // The last 90 minutes, or else the last three hours by the hour: a flood paused a quarter of
    // an hour every hour is uneven by the half-hour, never by the hour (surgingLong).
    const surge = sens <= 0 ? undefined : surging(w, sens) ? w : surgingLong(b, sens)
    if (surge !== undefined) {
      // Its hours are not learned (a flood must not teach itself), whether said or not.
      flagWindow(b, surge)
      if (mature) {
        const hours = (surge.quarters * SUSTAINED.bucketMs) / HOUR
        const perHour = Math.round(surge.seen / hours)
        const usual = Math.round((surge.expected / hours) * 10) / 10
        const ratio = surge.seen / Math.max(surge.expected, 1e-9)
        // A surge far beyond its usual is its group's only when three others were in surges as
        // large, as the reporter that alone reported its window saw them (a site's mass-casualty
        // night), and never from ten times: others made to look busy by a reporter making up
        // their requests lower a flood at most to what a shared close looks like (sharedSurge).
        const by = soleOf(surge)
        const shared = sharedSurge(holdGroups, agent, endOf(surge), ratio, by)
        const quarter = Math.floor(at / SUSTAINED.bucketMs)
        // The same surge goes on when it is judged a surge again within the hour (runs with short
        // gaps between them are said once); its length counts only while no three quarter hours in
        // a row went unjudged a surge (runs apart by more than half an hour are no flood of hours).
        const last = b.surgeSaid
        const continuing = last !== undefined && quarter - last.quarter <= SUSTAINED.gapQuarters
        const since = last !== undefined && quarter - last.quarter <= SUSTAINED.onEndQuarters ? last.since : quarter
        // High: far beyond its usual at a pace well beyond the most it makes in any hour of its
        // day (a nightly run hours late, at its own pace, is worth a look, not a suspension), or
        // beyond what a group's surge excuses for three hours on end (a late run is over by then).
        const far = ratio >= SUSTAINED.highRatio && perHour > SUSTAINED.beyondBusiest * busiestHour(b)
        const long = ratio >= SUSTAINED.sharedCap && quarter - since >= SUSTAINED.longQuarters
        // No group's surge excuses one beyond six times for more than three hours of it, on end or
        // with pauses, within a day: a party's agents flooding together must not go on said low.
        // (Counted are the quarter hours since the last such surge, as far as this window reaches
        // back: a window is judged first once it is full of a flood, quarter hours without a request
        // are judged at none, and a flood in every other one, or in one of four, is one flood.)
        if (ratio >= SUSTAINED.sharedCap) {
          const gap = quarter - b.farLast
          if (gap > QUARTERS_A_DAY) b.farQuarters = 0
          b.farQuarters += Math.min(gap, surge.quarters)
          b.farLast = quarter
        }
        const group = shared > 0 && !long && (ratio < SUSTAINED.sharedCap || b.farQuarters <= SUSTAINED.longQuarters)
        // (Said as its group's, below six times over its window, it may hold a half hour of ten
        // times: a review's walk-around, with team mates' rises made up. That half hour is judged.)
        if (!group) half = undefined
        // A week after a surge said at this hour of the week, at most twice its pace, on the word
        // of the reporter that alone reported both: its weekly run (a hostile reporter's made-up
        // surge must not make an honest verifier's flood a week later one).
        const lastWeek = group ? 0 : lastWeeksRun(b, quarter, by)
        const weekly = lastWeek > 0 && perHour <= WEEKLY.growth * lastWeek
        const severity: RiskLevel = group || weekly ? 'low' : far || long ? 'high' : 'medium'
        // One surge is said once, and again when twice as large or more severe (a flood said low
        // as its group's, then ramped beyond what a group's surge excuses): judged every quarter
        // hour, a surge of hours would otherwise be said at every one (the quiet period is shorter).
        const going = continuing && ratio < 2 * last!.ratio && RANK[severity] <= last!.rank
        if (going) {
          last!.quarter = quarter
          last!.since = since
          rememberSurge(b, quarter, perHour, '', true)
        } else {
          b.surgeSaid = { quarter, since, ratio, rank: RANK[severity] }
          // (A weekly run at the pace of the one it repeats: a flood doubled every week is said every other week.)
          rememberSurge(b, quarter, weekly ? lastWeek : perHour, by)
        }
        if (!going) say(s, 'sustained-rate', '', Math.min(1, 0.3 + ratio / 20), {
          expected: `about ${usual} requests an hour at this time of day (its usual on days it is active)`,
          seen: `${perHour} requests an hour for ${Math.round(hours * 60)} minutes, evenly (${Math.round(ratio * 10) / 10} times)`,
          sustained: true, perHour, usualPerHour: usual, ratio: Math.round(ratio * 10) / 10, minutes: Math.round(hours * 60), requests: surge.seen,
          ...(group ? { sharedWith: shared } : {}), ...(weekly ? { weekly: true, lastWeekPerHour: lastWeek } : {}),
        }, surge.sole, severity)
      } else half = undefined
    }
  }
  // Too short for those windows: the half hour ending with the last quarter hour that had
  // requests, however long ago (SHORT, sustained-rate.ts).
  if (half !== undefined) checkShort(s, half, sensitivity, say)
  countRequest(b, at, reporter)
}

/** A short flood: a half hour far beyond the agent's usual and busiest (`rate-spike`, `about: half-hour`). */
function checkShort(s: Scope, short: Window, sensitivity: Sens, say: Say): void {
  const { b, mature } = s
  const sens = sensitivity['rate-spike']
  if (sens <= 0) return
  // A brief burst within it is the minute check's (BRIEF_BURST); its hours are not learned as the
  // hour's usual when it would be a short flood with the burst.
  const brief = briefWithin(b.burst, short.last - short.quarters + 1)
  if (brief > 0 && surgingShort(b, short, sens)) flagWindow(b, short)
  if (!surgingShort(b, brief > 0 ? { ...short, seen: short.seen - brief } : short, sens)) return
  // Its hours are not learned as the hour's usual, said or not.
  flagWindow(b, short)
  // Judged at each quarter hour, a flood of 45 minutes is two or three half hours: said once.
  const quarter = short.last
  const again = b.volShortAt >= 0 && quarter - b.volShortAt <= SHORT.gapQuarters
  b.volShortAt = quarter
  if (!mature || again) return
  const hours = (short.quarters * SUSTAINED.bucketMs) / HOUR
  const ratio = short.seen / Math.max(short.expected, 1e-9)
  say(s, 'rate-spike', SHORT_FLOOD, Math.min(1, 0.3 + ratio / 40), {
    expected: `about ${Math.round((short.expected / hours) * 10) / 10} requests an hour at this time of day (its busiest hour: ${Math.round(busiestHour(b))})`,
    seen: `${short.seen} requests in ${Math.round(hours * 60)} minutes (${Math.round(ratio * 10) / 10} times)`,
    perHour: Math.round(short.seen / hours), usualPerHour: Math.round((short.expected / hours) * 10) / 10, ratio: Math.round(ratio * 10) / 10, minutes: Math.round(hours * 60), requests: short.seen,
  }, short.sole, 'medium')
}

/**
 * Refusals: a burst of them (`denial-burst`), and probing (`probing`: refusals across families
 * foreign to the agent and its peers, or across actions). `familiar`: the refused family is one
 * it or its peers use (a request out of step with what it holds, not a reach); `ordinary`: the
 * request is one it makes every day (an action it uses on a family of its own).
 */
export function checkDenials(s: Scope, familiar: boolean, ordinary: boolean, limits: DenialLimits, orgBursts: OrgBursts, sensitivity: Sens, say: Say, hold: Hold): void {
  const { b, event, at, reporter } = s
  const fam = s.fam ?? ''
  const code = event.code ?? ''
  b.denials.push({ at, reporter, family: fam, familiar, ordinary, action: event.action ?? '', code })
  // Ten minutes kept for probing; the burst counts only its own window.
  while (b.denials.length > 0 && at - b.denials[0]!.at > 10 * MINUTE) b.denials.shift()
  if (b.denials.length > DENIALS_KEPT) dropOldestOfBusiest(b.denials, (d) => d.reporter)
  const sensBurst = sensitivity['denial-burst']
  if (sensBurst > 0) {
    const burst = Math.max(2, Math.round(limits.burst / sensBurst))
    const inWindow = b.denials.filter((d) => at - d.at <= limits.windowMs)
    if (inWindow.length >= burst) {
      const byReporter = new Map<string, number>()
      for (const d of inWindow) byReporter.set(d.reporter, (byReporter.get(d.reporter) ?? 0) + 1)
      const own = [...byReporter].filter(([, count]) => count >= burst).map(([r]) => r)
      // Said per denial code: a harmless run (an expired credential retried) must not hide probing.
      // Refused authorization is high when it asks for more than it has been doing (another
      // family, another action: a reader's deletes), judged from the refusals of the reporters
      // whose own burst it is (another reporter's made-up delete must not make an honest job's
      // burst high and suspend it on the honest verifier's evidence), or when two other reporters
      // saw it ask for more (a burst split across verifiers, whoever else made up a burst of
      // everyday requests of its own: then on no one reporter's evidence). Only its everyday
      // requests refused is a job out of step with what it holds (a constraint it keeps breaking,
      // a grant that lapsed): medium, however long it goes on (said again hourly while it does).
      // A thief asking with the agent's own action on its own family for what its constraints
      // exclude looks the same, and gets nothing.
      const askedMore = new Set(inWindow.filter((d) => !d.ordinary).map((d) => d.reporter))
      const others = [...askedMore].filter((r) => !own.includes(r))
      const ownMore = own.some((r) => askedMore.has(r))
      const more = ownMore || others.length >= 2
      const grave = AUTHORIZATION_CODES.has(code) && more
      // A credential refused as expired, a status list unavailable, at once across the
      // organisation: its outage, not this agent's doing.
      const orgWide = ORG_BURSTS.codes.has(code) ? noteOrgBurst(orgBursts, code, s.agent, s.receivedAt, reporter) : 0
      const shared = orgWide >= ORG_BURSTS.others
      const score = Math.min(1, inWindow.length / (burst * 2))
      const details = {
        expected: `fewer than ${burst} refusals in ${limits.windowMs / 1000} s`, seen: inWindow.length, denials: inWindow.length, windowSeconds: limits.windowMs / 1000, lastCode: event.code, ...(more ? {} : { everyday: true }),
        ...(shared ? { orgWide } : {}),
        // (Counted at the refusals kept: the burst may be any larger; alert-days.ts lowers none such.)
        ...(inWindow.length >= DENIALS_KEPT ? { capped: true } : {}),
      }
      // One of the first agents of an issuer's outage, its everyday requests refused on its own
      // reporter's evidence: held for the others (see ORG_BURSTS). Each reporter's evidence is
      // explained only by the others' bursts it saw itself: another reporter's made-up bursts,
      // before or after, explain away nothing an honest verifier saw.
      if (!grave && !more && !shared && ORG_BURSTS.held.has(code) && own.includes(reporter)) {
        const since = s.receivedAt
        hold(s, (_t, by) => burstsAround(orgBursts, code, s.agent, since, by) >= ORG_BURSTS.others, 'denial-burst', code, score, details, 'medium')
      } else say(s, 'denial-burst', code, score, details, ownMore || !more ? own : [], grave ? 'high' : shared ? 'low' : 'medium')
    }
  }
  if (familiar && AUTHORIZATION_CODES.has(code)) checkTrickle(s, code, sensitivity, say)
  const sensProbe = sensitivity['probing']
  if (sensProbe > 0 && AUTHORIZATION_CODES.has(code)) {
    const refused = b.denials.filter((d) => AUTHORIZATION_CODES.has(d.code))
    // Probing reaches across families foreign to it and its peers, or across actions.
    const families = new Set(refused.filter((d) => !d.familiar).map((d) => d.family)).size
    const actions = new Set(refused.map((d) => d.action)).size
    if (refused.length >= Math.max(3, Math.round(8 / sensProbe)) && (families >= 3 || actions >= 3)) {
      const byReporter = new Map<string, number>()
      for (const d of refused) byReporter.set(d.reporter, (byReporter.get(d.reporter) ?? 0) + 1)
      const own = [...byReporter].filter(([, count]) => count >= 8).map(([r]) => r)
      say(s, 'probing', '', Math.min(1, 0.5 + (families + actions) * 0.05), { expected: 'refusals of one kind, now and then', seen: `${refused.length} refusals across ${families} families foreign to it and its peers and ${actions} actions in 10 minutes`, families, actions }, own)
    }
  }
}

// Refusals kept per agent (ten minutes' worth at most).
const DENIALS_KEPT = 64

// Notes the agent's burst of `code` received at `now` (the issuer's clock), as `reporter` saw it;
// returns how many other agents had one within the window before.
function noteOrgBurst(bursts: OrgBursts, code: string, agent: string, now: number, reporter: string): number {
  let agents = bursts.byCode.get(code)
  if (!agents) bursts.byCode.set(code, (agents = new Map()))
  remember(agents, agent, now, ORG_BURSTS.agents)
  // (Reporters beyond the cap keep none: their held bursts are said, never explained.)
  const key = `${code}\u0000${reporter}`
  let seen = bursts.seenBy.get(key)
  if (!seen && bursts.seenBy.size < SEEN_BY_KEYS) bursts.seenBy.set(key, (seen = new Map()))
  if (seen) remember(seen, agent, now, ORG_BURSTS.agents)
  let n = 0
  for (const [other, t] of agents) if (other !== agent && t <= now && now - t <= ORG_BURSTS.windowMs) n++
  return n
}

// How many other agents `reporter` saw a burst of `code` of within the window either side of `around` (their latest).
function burstsAround(bursts: OrgBursts, code: string, agent: string, around: number, reporter: string): number {
  let n = 0
  for (const [other, t] of bursts.seenBy.get(`${code}\u0000${reporter}`) ?? []) if (other !== agent && Math.abs(t - around) <= ORG_BURSTS.windowMs) n++
  return n
}

function rateThreshold(peak: number): number {
  return Math.max(5 * peak, peak + 20)
}
