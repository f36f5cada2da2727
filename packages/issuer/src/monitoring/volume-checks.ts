/**
 * Volume per family (issue 21): the records an agent reads a request from one family of resources,
 * against that family's own level and sizes (records are baselined per family, not per agent: a
 * bulk read must not hide behind the agent's routine warehouse volumes). Three findings:
 * `records-jump` (a request far beyond anything regular), `volume-drift` (a share of larger
 * requests that keeps coming back, or every request creeping up). The statistics live in the
 * family's baseline (baseline.ts, drift-cusum.ts, held-level.ts, size-histogram.ts).
 */
import type { RiskLevel } from '@agentid/core'
import { acceptedLevel, BASELINE_CAPS, copySizes, DAY_MS, JUMP_DAYS, newFamilyStats, type AgentBaseline, type FamilyStats, type FleetJump, type GroupBaseline, type JumpDay, type Resize } from './baseline.js'
import { GROUP_CHANGE_MS, tookPart } from './group-adoption.js'
import { addToDrift, clearDrift, DRIFT_CUSUM, driftMargin, driftRatio, driftSpread, isDrift, STEP } from './drift-cusum.js'
import { acceptDay, daysOfReads, medianOf, readsOverUsual } from './day-volume.js'
import { aboveHeld, HELD_LEVEL, noteQuick } from './held-level.js'
import type { Say, Scope, Sens } from './scope.js'
import { learnSize, lightFloor, lightReach, reachBefore, sizeQ99, sizeReach, sizeReady, tailExcess } from './size-histogram.js'

const HOUR = 3_600_000
// A habitual jump (habitualJump): earlier days looked at, and how far (natural log) beyond the
// largest said on them it may go.
const HABIT = { days: 14, growth: Math.log(1.25) } as const
// A jump said on each of two earlier days (habitualJump, readBefore) counts for one up to four
// times as large (natural log), into a family whose level is at least a quarter of the earlier
// one's: a person's exports vary tenfold, a warm-up's reads several times from one deploy to the next.
const READ_BEFORE = Math.log(4)
// A fleet's day: at least `others` other members of one of its groups (its team or segment, not
// its role: an organisation-wide one) said jumps on the day too, as the same reporter saw them (a
// deploy rolled out to a segment's workers warms every cache up on one day). The agent's next
// day of jumps after its first, up to twice as large as its own and, on a fleet's day, its peers'
// that day (`growth`, natural log), is said low unless corroborated (secondDay). Members' days
// kept per group at most `kept`.
const FLEET = { others: 2, growth: Math.log(2), kept: 256 } as const
// Steps of the two running medians of log(records): the slow one is the level a jump is measured
// from; the quick one follows a step change within a dozen requests, so that only a sustained
// share of larger requests (a drift) stays above it.
const SLOW_STEP = 0.015
const FAST_STEP = 0.08
// The level a jump is measured from is at least a quarter of the family's reach (its 99th
// percentile of sizes): about a single mode's median; a wide mix's largest regular requests
// (exports) are then not a jump.
const JUMP_REACH = Math.log(4)
// Before its sizes are learned, a family is judged for jumps only after this many requests;
// before, from its second, only a jump this far (natural log) beyond the usual limit: twenty
// times (a request four hundred times its level; from its eighth, when higher, a hundred times
// the largest its agent's busiest family regularly reads, placed at its level), and beyond four
// times the largest request the agent regularly makes (largestRegular). A family read
// every other day had read fewer than eight after three weeks, and a thief's first read of
// 100,000 records among its lookups of one was learned as one of its sizes: its light reach then
// made a read a day of that size no jump, and a few lookups around each drained the drift test.
export const JUMP_UNSIZED_N = 24
const JUMP_UNSIZED_BEYOND = Math.log(20)
// Before any sizes judge it, a drift's typical request must go this far (natural log) beyond the
// largest the family had read when the run began.
const UNSIZED_BEYOND = Math.log(1.5)

/**
 * Records per request from one family, judged against the sizes of its action once they are
 * learned (checkRecords). A list page and a read of one record are different requests: a ticket
 * bot reads a ticket (one record) and lists its queue (a few, dozens on a Monday backlog), and
 * in the family's mix every longer list is a share of larger requests (workload-e: a drift, or a
 * jump, said on most ticket bots). A bulk read by queries, among exports of a hundred thousand
 * records, is judged against the queries. The family's own sizes learn every request and judge an
 * action until its sizes have ACTION_JUDGES requests and are learned (sizeReady): a new action's
 * requests (a verb the agent never used, a new version's `search`) are no less watched than
 * before. Until a family has records from two actions, its own sizes are its action's; the first
 * action's start as a copy of them when the second comes; at most BASELINE_CAPS.actionSizes
 * actions (the others' requests are judged by the family's).
 */
export function checkSizes(s: Scope, f: FamilyStats, fam: string, records: number, action: string | undefined, sensitivity: Sens, say: Say): void {
  noteOrdinary(s, f, fam, records, say)
  const own = actionSizes(f, action, s.at)
  if (own === undefined) {
    checkRecords(s, f, fam, records, sensitivity, say)
  } else if (own.n >= ACTION_JUDGES && sizeReady(own)) {
    // The action's sizes judge, never more leniently than the family's: a jump is measured from
    // at most the family's reference (a tight mode of exports has a high median, and twenty
    // times it is far beyond five times the largest export). The family's sizes still say a
    // creep of every request (held level): more of the family's larger action at its usual size
    // moves the family's mix, not the action's sizes (an adversarial review: three times the
    // exports a day, each ordinary, were said before the split and not after).
    // So is a share the family has been adding up since before the action's sizes took it in: a
    // thief's longer lists begun amid a weekend's backlog are learned by the lists' sizes, whose
    // spread then widens to hold them on weekdays (a second review); the family's run measures
    // them from before, and says those half as large again as the largest lists before the run,
    // three within the hour (beyondAgain).
    const familyRef = checkRecords(s, f, fam, records, sensitivity, say, 'mix', Infinity, own)
    checkRecords(s, own, fam, records, sensitivity, say, 'judge', familyRef)
  } else {
    checkRecords(s, f, fam, records, sensitivity, say)
    checkRecords(s, own, fam, records, sensitivity, say, 'learn')
  }
}

// An action's sizes judge its requests from this many on: its level starts from its first few
// requests and moves a small step a request (a weekly delete's first request split a tasker's
// reads off; eighty reads later their level was still four times too high, and a bulk read hid
// in their spread).
const ACTION_JUDGES = 200

// The sizes of `action` in family `f` (created on its first request; the first action's are a
// copy of the family's when the second comes), or undefined while the family's are its one
// action's, or for an action beyond BASELINE_CAPS.actionSizes.
function actionSizes(f: FamilyStats, action: string | undefined, at: number): FamilyStats | undefined {
  if (action === undefined) return undefined
  if (f.acts === undefined) {
    if (f.recAction === '' || f.recAction === action) {
      f.recAction = action
      return undefined
    }
    f.acts = new Map([[f.recAction, copySizes(f, Math.floor(at / DAY_MS))]])
  }
  let own = f.acts.get(action)
  if (own === undefined && f.acts.size < BASELINE_CAPS.actionSizes) f.acts.set(action, (own = newFamilyStats(at)))
  return own
}

/**
 * The largest request the agent regularly makes (natural log; -Infinity when none): over the
 * families part of its baseline, the 99th percentile of those whose sizes are learned, or four
 * times the level of those with two dozen requests (not fewer: a few bulk reads on a family are
 * no jump yet, and must not lift this). A family not yet part of the baseline (its first use
 * unexplained) lifts nothing: a thief's new family read large for a few days must not make the
 * agent's scale its own.
 */
export function largestRegular(b: AgentBaseline): number {
  let largest = -Infinity
  for (const f of b.families.values()) {
    if (f.learned && sizeReady(f)) largest = Math.max(largest, sizeQ99(f))
    else if (f.learned && f.n >= JUMP_UNSIZED_N) largest = Math.max(largest, f.med + JUMP_REACH)
  }
  return largest
}

/**
 * Records per request from one family's sizes (`f`: the family's, or one action's; an allowed
 * request's `records`, at least 1): a jump from the level, a drift (a lasting share of larger
 * requests, drift-cusum.ts) or a creep of every request (held-level.ts); and what the request
 * teaches the levels and sizes. `mode`: `judge` says all three; `mix` (the family's sizes
 * beside the sizes of the request's action, `judging`, that judge it) the creep, and a drift
 * on a request half as large again as the largest that action regularly read before the run,
 * the third such within the hour;
 * `learn` nothing (an action's sizes not yet judging). `refCap`: the most a jump's reference may
 * be. Returns the jump's reference (natural log).
 */
export function checkRecords(s: Scope, f: FamilyStats, fam: string, records: number, sensitivity: Sens, say: Say, mode: 'judge' | 'mix' | 'learn' = 'judge', refCap = Infinity, judging?: FamilyStats): number {
  const quiet = mode !== 'judge'
  const { at, learning, mature } = s
  const lr = Math.log(records)
  if (f.n === 0) {
    f.med = lr
    f.fast = lr
    f.dev = 0.3
    f.n = 1
    return lr
  }
  const dev = Math.max(f.dev, 0.15)
  const z = lr - f.med
  const jumpSens = sensitivity['records-jump']
  // The sizes the family has regularly had (size-histogram.ts), moved up with its level when
  // that rose above their median (a step, organic growth: the level's to follow; the shape is
  // the histogram's). A mode seen regularly (a task bot's exports) is ordinary.
  // `sized`: the family whose sizes judge this one (its own, or another's), and their reach.
  const own = sizeReady(f)
  let sized: FamilyStats | undefined = own ? f : undefined
  let reach = sized ? sizeReach(f, at) : 0
  let lift = sized ? Math.max(0, f.med - f.histQ50) : 0
  // Until its own sizes are learned, a family is judged by the shape of the agent's most used
  // family whose sizes are, placed at this family's level: an agent reads its families by the
  // same tasks (a task bot re-organised into new families keeps its mix).
  if (!sized && f.n >= 8) {
    let best: FamilyStats | undefined
    for (const other of s.b.families.values()) if (other !== f && sizeReady(other) && (!best || other.histTotal > best.histTotal)) best = other
    if (best) {
      sized = best
      reach = sizeReach(best, at)
      lift = f.med - best.histQ50
    }
  }
  // A jump is measured from the family's level, or, when its sizes are learned, from a quarter
  // of its reach if that is higher (its 99th percentile, held back for a ramp: sizeReach in
  // size-histogram.ts). A single mode's 99th percentile is about four times its median, so
  // nothing changes there; a wide mix's exports are within its reach, and a jump must go 20
  // times beyond the level it implies (five times beyond the largest requests it regularly
  // makes). Until sizes are learned, beyond 7 spreads as well, and, once the family's own weigh
  // enough for that, beyond a quarter of the largest it regularly read before the day (its
  // light reach, rather than another family's shape: an assistant's query of a hundred among
  // its lookups of one is not a jump, whatever its other families read).
  const light = own ? undefined : lightReach(f, at)
  const jumpRef = Math.min(refCap, light !== undefined ? Math.max(f.med, light - JUMP_REACH) : sized ? Math.max(f.med, lift + reach - JUMP_REACH) : f.med)
  const zj = lr - jumpRef
  const jumpLimit = Math.max(Math.log(20), sized ? 0 : 7 * dev) / Math.max(jumpSens, 1e-9)
  const jump = !learning && jumpSens > 0 && zj > jumpLimit && ((f.n >= 8 && (own || f.n >= JUMP_UNSIZED_N)) || (zj > jumpLimit + JUMP_UNSIZED_BEYOND && lr > largestRegular(s.b) + JUMP_REACH))
  // A jump its reporter said on two earlier days is a habit (a cache warmed up after each
  // deploy): not said, and, as any jump, not learned. (Sizes learning quietly note no jumps: the
  // days of jumps are what the judging sizes said or excused.)
  const before = jump && !quiet ? saidBefore(s, f, lr) : undefined
  if (before !== undefined && !habitualJump(s, f, lr, before)) {
    while (f.jumps.length > 0 && at - f.jumps[0]! > HOUR) f.jumps.shift()
    f.jumps.push(at)
    if (f.jumps.length > 8) f.jumps.shift()
    const ratio = Math.exp(zj)
    // One large read now and then is an export; several within the hour, or one beyond any
    // export, is a bulk read. One or two within the hour no more than four times a jump said on
    // each of two earlier days are the agent's own now and then (an assistant listing a hundred
    // records of one family or another every few days, a person's export of a ledger, ten times
    // larger one day than another): a third within the hour is said.
    const repeated = f.jumps.length
    const read = repeated <= 2 && (repeated === 2 || ratio >= 50) ? readBefore(before) : undefined
    const said = repeated >= 3 || ((repeated === 2 || ratio >= 50) && read === undefined)
    if (said) {
      const score = Math.min(1, zj / (2 * jumpLimit) + 0.1 * repeated)
      const expected = jumpRef > f.med ? `at most about ${Math.round(Math.exp(jumpRef + JUMP_REACH))} records a request from ${fam}, the largest it regularly reads` : `about ${Math.round(Math.exp(jumpRef))} records a request from ${fam}`
      // A second day of jumps like the first (a fleet's, or the agent's own) is said low unless
      // another aspect of the agent's behaviour comes within the hour (the detector's say), and
      // counts for the habit as said (workers warming their caches up after the second deploy they
      // have known); it makes no first day (said low, it must not excuse the next one).
      const second = secondDay(before, lr)
      const severity: RiskLevel = ratio >= 100 || repeated >= 3 || (repeated >= 2 && ratio >= 50) ? 'high' : 'medium'
      const details = { expected, seen: records, records, usual: Math.round(Math.exp(jumpRef)), ratio: Math.round(ratio), withinHour: repeated, jumpsToday: before.todayAll + 1 }
      // Its group's change of the family's sizes is not learned (a fleet's caches warmed up on a
      // deploy day are no lasting size), nor noted as a day of its own jumps (an excused day must
      // not make the next one's a habit or a second day, nor its size their bar).
      if (!groupsChange(s, fam, lr, 'records-jump', score, details, say)) {
        const reported = say(s, 'records-jump', fam, score, { ...details, ...(second === 'fleet' ? { fleetDay: true } : second === 'own' ? { secondDay: true } : {}) }, undefined, severity)
        // A weekly run's (said low: alert-days.ts) is a jump excused, as a habit's is: its days
        // must not make the read a habit at any hour, a second day, nor a fleet's or group's change.
        const weekly = saidWeekly(s, 'records-jump')
        noteResize(s, fam, lr, reported && !weekly)
        // A said one at its size, an excused one at the size said before (lone jumps growing a
        // quarter a day are said); one below what is said is not noted (it excuses nothing).
        if (weekly) noteJumpDay(f, lr, at, s.reporter, false)
        else noteJumpDay(f, lr, at, s.reporter, true, reported)
        if (second === undefined && !weekly) noteFleetJump(s.holdGroups, s.agent, at, s.reporter, lr)
      }
    } else if (read !== undefined) noteJumpDay(f, Math.min(lr, read), at, s.reporter, false)
  }
  // Drift: excess beyond the family's spread that keeps coming back, summed across days
  // (drift-cusum.ts). It is measured from the level, or from just under the quick level when
  // that is higher: a step of the whole distribution lifts the quick level (the median of the
  // last dozen requests) within a few requests, a share of larger requests barely does; or from
  // the size an operator accepted as benign on a drift alert, while it lasts.
  f.aboveBits = ((f.aboveBits << 1) | (z > 0 ? 1 : 0)) & 0xffff
  // Nearly all recent requests above the level, or the quick level well above it: the whole
  // distribution moved (a share of larger requests leaves a third or more below).
  const shifted = f.fast - f.med > Math.max(0.5, 1.5 * dev) || popcount(f.aboveBits) >= 14
  const spread = driftSpread(dev)
  // A share of larger requests an operator accepted as benign: not evidence, only what goes
  // beyond it is; and its requests are not the ordinary ones (they do not widen the spread).
  const accepted = acceptedLevel(f, at)
  const ofAccepted = accepted - f.med > driftMargin(spread) && lr - f.med > driftMargin(spread)
  let high = false
  // Beyond the spread and the sizes that judge it, its evidence bounded by a light family's own
  // floor (ownFloor): it teaches the level and spread no more than before the floor bounded it.
  let floored = false
  let beyond = false
  if (!jump) {
    const level = Math.max(f.med, f.fast - 0.7 * spread, accepted)
    // Beyond the spread of the level, and as rare as that in the learned distribution: a
    // request counts by the lesser of the two (a single mode: about the same; a wide mix: its
    // regular modes add nothing; a share of requests beyond anything regular: both large).
    let excess = (lr - level - driftMargin(spread)) / spread
    if (sized && excess > 0) excess = Math.min(excess, tailExcess(sized, lr - lift - Math.max(0, level - f.med), sized.histQ90))
    // A light family's own sizes bound it too, once it has days of its own (ownFloor).
    const floor = !own && excess > 0 ? ownFloor(f, at) : undefined
    if (floor !== undefined) {
      floored = true
      excess = Math.min(excess, OWN_FLOOR_SCALE * Math.max(0, lr - floor))
    }
    // Evidence piled up before any sizes could judge it is dropped once they can (see cusumBlind).
    if (sized && f.cusumBlind > 0) clearDrift(f)
    if (f.cusumHits === 0) f.cusumTop = f.top
    excess = addToDrift(f, lr, level, spread, at, excess)
    if (floor !== undefined && f.cusumHits === 1 && excess > 0) f.cusumOwn = 1
    high = excess > 0
    // (Noted whether or not the run is a drift yet: the evidence of its first hour counts.)
    if (high && mode === 'mix') beyond = beyondAgain(f, judging, lr, at)
    if (!sized && excess > 0) f.cusumBlind++
    // A step: the level catches up with the quick one at once, but never beyond where the run's
    // ordinary requests were (addToDrift leaves their mean in cusumLevel): a drained share of
    // larger requests lifts the quick level (the median of the last dozen) with it, and a level
    // lifted so, its spread with it, hides the share growing on. (For a wide mix the quick level,
    // a median, is the lower of the two.)
    if (excess === STEP) f.med = Math.max(f.med, Math.min(f.fast, f.cusumLevel))
    if (learning) clearDrift(f)
  }
  const driftSens = sensitivity['volume-drift']
  // A drift is said where sizes judge the family (its own or, until it has them, the agent's most
  // used family's), or where its run's typical request is half as large again as any it read
  // before the run: a level and spread alone take a two-mode family's list pages for a drift.
  if (mode !== 'learn' && mature && high && f.n >= 24 && (sized || f.cusumLevel + Math.log(driftRatio(f)) > f.cusumTop + UNSIZED_BEYOND) && isDrift(f, at, driftSens) && (mode === 'judge' || beyond)) {
    const ratio = driftRatio(f)
    // High: eight times the level, and, for a family whose sizes are learned, beyond the largest it
    // regularly read before the run began. A task bot's level is its lookups' (its mix: lookups,
    // summaries, exports a hundred times apart): its summaries growing with a period close are
    // tens of times "the level" and still within the sizes of its exports, a drift worth a look.
    // Its sizes as they were before the run, so that a thief's own reads, learned since, never
    // raise the bar (an adversarial review's probe: measured against the current reach, they did).
    // `typical`: the run's typical request (natural log of the geometric mean).
    const typical = f.cusumLevel + Math.log(ratio)
    const largest = own ? reachBefore(f, f.cusumSince) : undefined
    const score = Math.min(1, 0.4 + f.cusum / (4 * DRIFT_CUSUM.threshold))
    const expected = `about ${Math.round(Math.exp(f.med))} records a request from ${fam}`
    if (!groupsChange(s, fam, typical, 'volume-drift', score, { expected, seen: records, records, usual: Math.round(Math.exp(f.med)), typical: Math.round(Math.exp(typical)) }, say)) {
      noteResize(s, fam, typical, say(s, 'volume-drift', fam, score, {
        expected, seen: records, records, usual: Math.round(Math.exp(f.med)),
        share: `${f.cusumHits} requests beyond its spread since ${new Date(f.cusumSince).toISOString()}, about ${Math.round(ratio * 10) / 10} times the level`,
        excess: Math.round(f.cusum * 10) / 10, requests: f.cusumHits, since: f.cusumSince,
        // The run's typical request (geometric mean): what a benign verdict accepts, rather than the
        // one request that tripped the test, which may be the largest of them.
        typical: Math.round(Math.exp(typical)),
        ...(largest !== undefined ? { largestBefore: Math.round(Math.exp(largest)) } : {}),
      }, undefined, ratio >= 8 && (largest === undefined || typical > largest) ? 'high' : 'medium') && !saidWeekly(s, 'volume-drift'))
    }
  }
  // Outliers barely move a running median: a jump is not learned, anything else moves the
  // levels one step towards it; a shift of the whole distribution is followed faster.
  f.n++
  // Requests beyond the spread are not learned either (a drifting share must not carry the
  // level along with it), nor those of a share accepted as benign; a step is learned from the
  // requests within it, and at once when the drift test finds one.
  // The sizes learn every request but jumps (and a share accepted as benign). Leaving out the
  // requests that add to a run locks a wide mix out of its own tail (its exports, never learned,
  // keep adding); a drifting share is learned at a twentieth of the weight a day (the histogram
  // holds about twenty days), and a growing one keeps going beyond what was learned of it.
  if (!jump) f.top = Math.max(f.top, lr)
  if (!jump && !ofAccepted) {
    learnSize(f, lr, at)
    // Sizes learned from now on: a run added up by the level and spread alone (a wide mix's
    // ordinary exports among its first few dozen requests) is judged afresh against them.
    if (!own && sizeReady(f)) clearDrift(f)
  }
  if (!jump && !high && !floored && !ofAccepted) {
    const step = shifted ? 4 * SLOW_STEP : SLOW_STEP
    f.med += lr > f.med ? step : lr < f.med ? -step : 0
  }
  // The spread is learned from every request but jumps, each counting at most three spreads,
  // slowly once known, and not while a run of larger requests is under way: a drifting share
  // must not widen the band it is measured against, and leaving out the ordinary tail would
  // narrow it.
  if (!jump && !ofAccepted && !floored && f.cusumHits < 2) f.dev += (f.n < 200 ? 0.05 : 0.005) * (Math.min(Math.abs(lr - f.med), 3 * dev) - f.dev)
  f.fast += lr > f.fast ? FAST_STEP : lr < f.fast ? -FAST_STEP : 0
  if (f.n < 8) {
    // The first few set the level directly.
    f.med += (lr - f.med) / f.n
    f.fast = f.med
  }
  // A creep of every request at once (held-level.ts): the quick level far above the highest
  // the family held a day or more before. The drift test above lets the level follow the whole
  // distribution (a step is learned), so such a creep never adds up there. Said on a request
  // itself that far above: a creep makes this one large too, while an ordinary request after a
  // burst (a client paging a hundred times in a minute), before the quick level has come back
  // down, says nothing of every request (it was said high, alone and kept up, for hours).
  noteQuick(f, f.fast, f.med, at)
  if (mode !== 'learn' && mature && f.n >= 24 && driftSens > 0) {
    const above = aboveHeld(f, f.fast, f.med, at)
    const bar = HELD_LEVEL.ratio / driftSens
    if (above !== undefined && above >= bar && lr - f.held >= bar && !(daysKnown(f, at) < WEEK_DAYS && withHeldRegime(s.b, f, above, at))) {
      const held = Math.round(Math.exp(f.held))
      const typical = Math.round(Math.exp(f.fast))
      const ratio = Math.round(Math.exp(above) * 10) / 10
      const score = Math.min(1, 0.4 + 0.15 * above)
      const expected = `at most about ${held} records a request from ${fam}, the most it held a day or more before`
      if (!groupsChange(s, fam, f.fast, 'volume-drift', score, { expected, seen: records, records, usual: Math.round(Math.exp(f.med)), typical }, say)) {
        noteResize(s, fam, f.fast, say(s, 'volume-drift', fam, score, {
          expected, seen: records, records, usual: Math.round(Math.exp(f.med)),
          share: `every request: about ${typical} records a request lately, ${ratio} times the most it held`,
          held, ratio, typical,
        }, undefined, above >= HELD_LEVEL.highRatio ? 'high' : 'medium') && !saidWeekly(s, 'volume-drift'))
      }
    }
  }
  return jumpRef
}

/**
 * The floor a light family's own sizes put under its drift evidence now (natural log), or
 * undefined: a request then counts only by how far it goes beyond what the family regularly read
 * all week (lightFloor in size-histogram.ts), OWN_FLOOR_SCALE a natural log (twice it: 1.4;
 * four times: the most one request adds). Until its sizes weigh enough to judge it alone (weeks,
 * for a few requests a day), a family is judged by the shape of the agent's most used family,
 * placed at its level, where a person's list pages among its lookups of one record are rare: a
 * stationary mix added up over days and was said day after day (workload-h's largest benign
 * cause). None before the family has OWN_DAYS days of reads (a thief there from its first days
 * is judged by the other family's shape for a week, as before, not taken at once for its mix), nor
 * on a day of more than OWN_BUSY times its usual requests (a thief's many reads of its usual sizes
 * are not its usual day). A run under way that began before the floor is cleared, as one begun
 * before any sizes judged it (cusumBlind): its evidence came from the other family's shape alone.
 */
function ownFloor(f: FamilyStats, at: number): number | undefined {
  const floor = lightFloor(f, at)
  const day = Math.floor(at / DAY_MS)
  if (floor === undefined || daysOfReads(f, day) < OWN_DAYS || readsOverUsual(f, day) > OWN_BUSY) return undefined
  if (f.cusumHits > 0 && f.cusumOwn === 0) clearDrift(f)
  return floor
}
const OWN_FLOOR_SCALE = 2
const OWN_BUSY = 3
// Three days of reads, a habit (five, until December 2026, left people who read the warehouse on
// three or four days a week to the other family's shape: ten of workload-h's 29 benign drifts).
const OWN_DAYS = 3

// A family known for less than a week has held no weekly regime of its own yet: one renamed
// midweek meets its first weekend batch.
const WEEK_DAYS = 7

// How much further than the old family the young one may rise (natural log): quick levels are
// medians of a dozen requests, and what the young family held is measured by its highest, the old
// one's ordinary by its lowest.
const MOVES_WITH = Math.log(1.5)

/**
 * Whether a young family's rise (`above`, natural log over what it held: its ordinary days) moves
 * with the agent's most used family known for a week, now in a regime that family held before
 * (within the held test's ratio) and at least as far above its own ordinary quick level (the
 * lowest of its last four six-hour periods' highest; within MOVES_WITH): the same task, as an
 * agent reads its families by the same tasks. Only while that regime is under way: a rise of the
 * young family that outlasts it is said.
 */
function withHeldRegime(b: AgentBaseline, f: FamilyStats, above: number, at: number): boolean {
  let best: FamilyStats | undefined
  for (const other of b.families.values()) if (other !== f && other.held >= 0 && daysKnown(other, at) >= WEEK_DAYS && (!best || other.n > best.n)) best = other
  if (best === undefined || best.fast - best.held >= HELD_LEVEL.ratio) return false
  let ordinary = Infinity
  for (const q of best.pend) if (q >= 0) ordinary = Math.min(ordinary, q)
  return best.fast - ordinary + MOVES_WITH >= above
}

// Days since the first of the family's active days kept (DayVolume.volDays: a fortnight and more).
function daysKnown(f: FamilyStats, at: number): number {
  const first = f.volDays[0]
  return first === undefined ? 0 : Math.floor(at / DAY_MS) - first[0]
}

// Whether a request adding to the family's run (`lr`, natural log) is half as large again as the
// largest the judging action's sizes regularly read before the run began. (The request, not the
// run's typical one: a run begun amid a weekend's backlog holds the backlog's lists too.)
function beyondAction(f: FamilyStats, judging: FamilyStats | undefined, lr: number): boolean {
  return judging !== undefined && sizeReady(judging) && lr > reachBefore(judging, f.cusumSince) + UNSIZED_BEYOND
}

// BEYOND_TIMES requests beyond their action's sizes (beyondAction) within BEYOND_MS, this one
// the last: a run's drained share, not the tail of the action's own sizes. (A version's new verb
// judged by its own sizes meets one such request a day or two: a queue bot's searches, twelve
// records typically, eighty now and then, said every day by the family's run, which its reads of
// one record keep from ever ending.)
const BEYOND_TIMES = 3
const BEYOND_MS = HOUR
function beyondAgain(f: FamilyStats, judging: FamilyStats | undefined, lr: number, at: number): boolean {
  if (!beyondAction(f, judging, lr)) return false
  const times = f.beyond
  while (times.length > 0 && (at - times[0]! > BEYOND_MS || times[0]! < f.cusumSince)) times.shift()
  times.push(at)
  if (times.length > BEYOND_TIMES) times.shift()
  return times.length >= BEYOND_TIMES
}

// Whether a jump of `lr` into family `f` is a habit, by what its reporter said before (`h`): jumps
// at least a quarter as large on two earlier days within the fortnight, one of them about as large
// (within a quarter), into any of the agent's families of about this one's level or below (a
// deploy's cache warm-up reads a few hundred records a request, some days more than others, from
// whichever of its families it picks), and today's jumps into those families are fewer than twice
// the most said on one of those days. A habit's day is noted at the size of the said ones, never
// larger: excused jumps can grow neither the habit's size nor its count, and a habit lasts a
// fortnight from the days it was said. Only the reporter's own said jumps count: a hostile
// reporter's made-up bulk reads, or a thief's jumps below what is said (one under 50 times), make
// nothing a habit. A bulk read once a day is said on its first two days; one growing beyond a
// quarter a day, every day.
function habitualJump(s: Scope, f: FamilyStats, lr: number, h: SaidBefore): boolean {
  if (h.days < 2 || h.largest < lr - HABIT.growth || h.today >= 2 * h.most) return false
  noteJumpDay(f, Math.min(lr, h.largest), s.at, s.reporter, false)
  return true
}

// The largest jump the agent's reporter said on two earlier days within the fortnight, when on
// both it said one at least a quarter of the jump's size, and today's jumps are fewer than twice
// the most said on one of those days; else undefined. Said jumps only, as for a habit (a thief's
// reads below what is said, and the jumps excused since, set neither the size nor the count), and
// from families of about this one's level or below (a warehouse's bulk read must not excuse one
// four times as large from a family whose requests are one record); never a family's routine
// volumes.
function readBefore(h: SaidBefore): number | undefined {
  return h.days >= 2 && h.today < 2 * h.most ? h.largest : undefined
}

// Whether a jump of `lr` is of a second day like the first, and whose first: its reporter said
// jumps on only one earlier day within the fortnight, in any of the agent's families, a first day
// (firstDay: said as any, not as a second day's); it is at most twice the largest the agent read
// that day and, on a fleet's day, twice its peers' (their median), and four times the largest its
// alerts told of that day, in families of about its level or below (one of them reported as an
// alert: a day an operator suppressed is none); and today's jumps, in all its families, are fewer
// than twice as many as that day's said. A thief's bulk read, many jumps within the hour, or one
// more than twice what the first day read, is said as ever, and a ramp from its third day. From
// three adversarial reviews of the fleet's: four times the day's largest let a bulk read timed
// after a deploy be said low; each day's low jump, the next one's only earlier day, made a read
// growing fourfold a day low every day; so did a read each day in a family of a smaller level
// (only families near its level were counted), a low day every fortnight (a low day made a first
// day), and reads split between families of levels far apart (today's counted near its level
// only); and a bulk read slipped in among the agent's own warm-up set the bar (the peers' median
// bounds it too, and now what its alerts told).
// The agent's own second day, with no peers' (a lone worker's second deploy, a person's second
// export of a kind, each said medium on its first day), is said low as a fleet's is: workload-c's
// queue workers and indexers, warming their caches on deploy days twice a week, were said medium
// on every second deploy they knew (11 of 540 benign agents on seeds 1-5). What a thief gains is
// a day of jumps no larger than four times what an alert told of (and twice the day's largest),
// and fewer than twice as many as that day's; after it, as after any two days of said jumps, the
// habit's (habitualJump).
function secondDay(h: SaidBefore, lr: number): 'fleet' | 'own' | undefined {
  if (h.first === undefined || h.todayAll >= 2 * h.most) return undefined
  if (lr > Math.min(h.largest, h.first.peers) + FLEET.growth || lr > h.first.told + TOLD_GROWTH) return undefined
  return Number.isFinite(h.first.peers) ? 'fleet' : 'own'
}

// How far (natural log) a second day's jump may go beyond the largest the first day's alerts
// told of: a warm-up's reads vary about fourfold from the one that opened the day's incident to
// its largest (workload-c). Twice let a fleet's larger reads on its second deploy be said, and
// that control-week alert masked a slow exfiltration on workload-c seed 4; unbounded by it, reads
// slipped in among the agent's own warm-up (no alert of their own) set the bar.
const TOLD_GROWTH = Math.log(4)

// A first day of jumps (saidBefore), natural log: `peers`, on a fleet's day, the median of the
// other members' largest that day (firstDay), else Infinity; `told`, the largest of the agent's
// jumps reported as alerts that day in the families its largest is taken from (-Infinity: none).
interface FirstDay {
  peers: number
  told: number
}

// What the agent's reporter said of its jumps before (saidBefore).
interface SaidBefore {
  days: number
  first: FirstDay | undefined
  most: number
  largest: number
  today: number
  todayAll: number
}

/**
 * The agent's said jumps as its reporter saw them, over its families whose level is at most four
 * times `f`'s: on how many earlier days within the fortnight it said one at least a quarter of
 * `lr` (READ_BEFORE), the most said on one of those days, and the largest; when the only earlier
 * day within the fortnight with a said jump, in any family and of any size, is one of those and a
 * first day, what its peers read that day (firstDay) and the largest its alerts told of in those
 * families; and how many jumps it made today in those families, said or excused, and in all its
 * families (`todayAll`).
 */
function saidBefore(s: Scope, f: FamilyStats, lr: number): SaidBefore {
  const { b, at, reporter } = s
  const day = Math.floor(at / DAY_MS)
  const perDay = new Map<number, number>()
  // Every earlier day within the fortnight with a said jump, whatever its size.
  const saidDays = new Set<number>()
  let largest = -Infinity
  let told = -Infinity
  let today = 0
  let todayAll = 0
  // The days of each family's sizes, and of each action's where they are kept apart.
  const count = (fam: FamilyStats): void => {
    const near = fam.med <= f.med + READ_BEFORE
    for (const e of fam.jumpDays) {
      if (e[2] !== reporter) continue
      if (e[0] === day) {
        todayAll += e[3] + e[4]
        if (near) today += e[3] + e[4]
      } else if (e[3] > 0 && e[0] < day && day - e[0] <= HABIT.days) {
        saidDays.add(e[0])
        if (!near || e[1] < lr - READ_BEFORE) continue
        perDay.set(e[0], (perDay.get(e[0]) ?? 0) + e[3])
        largest = Math.max(largest, e[1])
        told = Math.max(told, e[5])
      }
    }
  }
  for (const family of b.families.values()) {
    count(family)
    if (family.acts !== undefined) for (const a of family.acts.values()) count(a)
  }
  let most = 0
  for (const n of perDay.values()) most = Math.max(most, n)
  const only = saidDays.size === 1 && perDay.size === 1 ? perDay.keys().next().value : undefined
  const peers = only !== undefined ? firstDay(s.holdGroups, s.agent, only, reporter) : undefined
  return { days: perDay.size, first: peers !== undefined ? { peers, told } : undefined, most, largest, today, todayAll }
}

// Notes a member's said jump of `lr` with its groups (its team and wider groups, not its role: an
// organisation-wide one): one entry a day per member and reporter, with its largest that day.
function noteFleetJump(groups: readonly GroupBaseline[], agent: string, at: number, reporter: string, lr: number): void {
  const day = Math.floor(at / DAY_MS)
  for (const g of groups) {
    const kept = (g.jumpers ??= [])
    const known = kept.find((e) => e[0] === day && e[1] === agent && e[2] === reporter)
    if (known !== undefined) {
      known[3] = Math.max(known[3], lr)
      continue
    }
    while (kept.length > 0 && (day - kept[0]![0] > HABIT.days || kept.length >= FLEET.kept)) kept.shift()
    kept.push([day, agent, reporter, lr] satisfies FleetJump)
  }
}

/**
 * Whether a jump or drift in `fam`, of requests of `lr` records (natural log), is its group's
 * change of the family's sizes (groupResize): then it is found explained, low (evidence, no
 * alert), counted in the agent's part in the change (noteOrdinary), and the agent takes part in
 * a group change (tookPart: its drifts of medium within the day are the change's, said low: a
 * new version's lists ramp up, and read its other families differently too). Otherwise the
 * caller says it, and notes it for the group (noteResize).
 */
function groupsChange(s: Scope, fam: string, lr: number, kind: 'records-jump' | 'volume-drift', score: number, details: { records: number } & Record<string, unknown>, say: Say): boolean {
  const family = s.f
  if (family === undefined) return false
  const peers = groupResize(s, family, fam, lr)
  if (peers === undefined) return false
  say(s, kind, fam, score, { ...details, peers: Math.round(Math.exp(peers.typical)), explained: "its group's change of the family's sizes", groupChange: fam }, undefined, 'low')
  // Its days at the peers' typical size, its usual number of requests, are expected for a
  // fortnight (as a benign verdict on a drift of that size would have it); its requests' sizes
  // are not learned from the change (a thief replacing its reads with lists must not make
  // them its own).
  acceptDay(family, s.at, { records: Math.exp(peers.typical) })
  const part = (family.resize ??= { from: s.at, by: s.reporter, ordinary: family.med + driftMargin(driftSpread(Math.max(family.dev, 0.15))), shut: false, excused: 0, records: 0 })
  part.excused++
  part.records += details.records
  tookPart(s.b, fam, s.at, [s.reporter])
  return true
}

/**
 * A release of one kind of agent on its instances at once (a portal assistant's new version
 * listing a family it read record by record) is its group's change of the family's sizes, not an
 * intrusion per instance. A jump or drift of requests of `lr` records (natural log) in `family`
 * is the group's when at least FLEET.others other members of one of its groups (its team or
 * segment, not its role: an organisation-wide one) were alerted for jumps or drifts in the same
 * family (reported: not suppressed, not explained), as the same reporter saw them (a family is
 * one service's: a hostile reporter's made-up findings explain only what it reports itself),
 * their first within the hour of each other and within GROUP_CHANGE_MS, their last within the
 * hour (the change is under way: two thieves' bulk reads in a team must not excuse a third's the
 * next day, as they did in workload.mjs; while the agent's part in it is under way, as that
 * reporter saw it, within GROUP_CHANGE_MS: a new day's first lists come before theirs); when it
 * is alike theirs (from a quarter of their typical request, the median of each one's alerts'
 * geometric mean, to twice the median of their largest alert, the agent's quick level at most
 * twice their typical); and when the agent's own requests changed as a release changes them:
 * - none of its ordinary size since its part in the change began (noteOrdinary: a thief's reads
 *   beside the agent's own ordinary ones are no new version's);
 * - no more of them today than RESIZE_BUSY times its usual day (a new version reads differently,
 *   not more often).
 * Returns their typical (natural log), or undefined. As for a group's first use of a family, the
 * first members are always said: only alerts count, so the change is known from those of at
 * least two members, and only those alerts bound it (an incident's unreported repeats do not
 * grow it). What it lets through: a member replacing its requests with ones alike the alerted
 * members' (a thief during a real release, or after two colluders paid their alerts); its quick
 * level learns them as a step, as a released member's does. Kept in memory (after a restart, the
 * change's next findings are said).
 */
function groupResize(s: Scope, family: FamilyStats, fam: string, lr: number): { typical: number } | undefined {
  const { agent, at, reporter } = s
  const part = family.resize?.by === reporter ? family.resize : undefined
  if (part?.shut === true || readsOverUsual(family, Math.floor(at / DAY_MS)) > RESIZE_BUSY) return undefined
  // (Its part under way, the members' last findings may be of the day before: a new day's first
  // lists come before theirs.)
  const recent = part !== undefined ? GROUP_CHANGE_MS : HOUR
  let peers: { typical: number } | undefined
  for (const g of s.holdGroups) {
    const others: Resize[] = []
    for (const e of g.resized?.values() ?? []) if (e.member !== agent && e.reporter === reporter && e.family === fam && e.first <= at && at - e.last <= recent) others.push(e)
    if (others.length < FLEET.others) continue
    others.sort((x, y) => x.first - y.first)
    for (let i = 0, j = 0; j < others.length; j++) {
      while (others[j]!.first - others[i]!.first > HOUR) i++
      if (j - i + 1 < FLEET.others || at - others[j]!.first > GROUP_CHANGE_MS) continue
      const change = others.slice(i, j + 1)
      const typical = medianOf(change.map((e) => e.sum / e.count))
      const alike = lr >= typical - RESIZE_BELOW && lr <= medianOf(change.map((e) => e.largest)) + FLEET.growth && family.fast <= typical + FLEET.growth
      if (alike && typical > (peers?.typical ?? -Infinity)) peers = { typical }
    }
  }
  return peers
}

const RESIZE_BUSY = 2
// How far below the alerted members' typical request (natural log) one of the same change may
// be: a quarter (a worker's cache warm-up of two hundred records beside two team mates' reads
// of thirty thousand is no part of theirs).
const RESIZE_BELOW = Math.log(4)

// A request of `records` in the family while the agent takes part in its group's change of the
// family's sizes: one within the spread of the level when its part began (the ordinary size
// before the change; the level learns the new sizes since), seen by the reporter its part was
// excused to, shuts its part (groupResize), and what the part excused is said: requests beside
// the agent's ordinary ones are no new version's (a thief's burst between two of its own reads).
// (Another reporter's ordinary request shuts nothing: a hostile reporter's made-up part must not
// pin an alert on an honest verifier's reads.) Two days on, the part is over either way.
function noteOrdinary(s: Scope, f: FamilyStats, fam: string, records: number, say: Say): void {
  const part = f.resize
  if (part === undefined) return
  if (s.at - part.from > GROUP_CHANGE_MS) {
    f.resize = undefined
    return
  }
  if (part.shut || s.reporter !== part.by || Math.log(records) > part.ordinary) return
  part.shut = true
  say(s, 'records-jump', fam, 0.5, {
    expected: `requests of its group's new sizes from ${fam}, none of its ordinary ones`, seen: records, records: part.records, excusedRequests: part.excused,
    since: part.from, share: `${part.excused} requests (${part.records} records) taken for its group's change since ${new Date(part.from).toISOString()}, then one of its ordinary size`,
  }, undefined, 'medium')
}

// Notes a member's jump or drift in `fam`, of requests of `lr` records (natural log), with its
// groups (groupResize), once `reported` (an alert: not suppressed, not explained): its first and
// last, and, of its alerts, the largest and their sizes' sum and count; the incident's later
// occurrences (not reported again) keep it going, and bound nothing. Not within a day of a group
// change it took part in (tookPart): its findings then are the change's, and must not explain the
// others' in turn. At most FLEET.kept a group: those over GROUP_CHANGE_MS go first, then the
// oldest.
function noteResize(s: Scope, fam: string, lr: number, reported: boolean): void {
  const { agent, at, reporter } = s
  const c = s.b.groupChange
  if (c !== undefined && at >= c.at && at - c.at <= DAY_MS) return
  const key = `${reporter}\u0000${fam}\u0000${agent}`
  for (const g of s.holdGroups) {
    const kept = (g.resized ??= new Map())
    const known = kept.get(key)
    if (known !== undefined && at - known.last <= GROUP_CHANGE_MS) {
      known.last = Math.max(known.last, at)
      if (reported) {
        known.largest = Math.max(known.largest, lr)
        known.sum += lr
        known.count++
      }
      continue
    }
    if (!reported) continue
    kept.delete(key)
    if (kept.size >= FLEET.kept) {
      for (const [k, e] of kept) if (at - e.last > GROUP_CHANGE_MS) kept.delete(k)
      if (kept.size >= FLEET.kept) kept.delete(kept.keys().next().value!)
    }
    kept.set(key, { member: agent, reporter, family: fam, first: at, last: at, largest: lr, sum: lr, count: 1 })
  }
}

// When the agent's jumps on `day` were noted with one of its groups (said as any, not as a second
// day's), as `reporter` saw them: Infinity, or, when at least FLEET.others other members of that
// group said jumps that day (a fleet's day), the median of their largest (natural log; of the
// group where it is highest); else undefined (not noted: a second day, or no groups). (A third
// review: a low day counted as a fleet's day whenever two team mates an attacker controls paid a
// medium each, and the thieves beside them were low at every event, growing without end.)
// Members' days are kept in memory: after a restart, a second day is said as a first.
function firstDay(groups: readonly GroupBaseline[], agent: string, day: number, reporter: string): number | undefined {
  let peers: number | undefined
  for (const g of groups) {
    const largest: number[] = []
    let own = false
    for (const e of g.jumpers ?? []) {
      if (e[0] !== day || e[2] !== reporter) continue
      if (e[1] === agent) own = true
      else largest.push(e[3])
    }
    if (!own) continue
    peers ??= Infinity
    if (largest.length < FLEET.others) continue
    largest.sort((x, y) => x - y)
    const median = largest[(largest.length - 1) >> 1]!
    peers = Number.isFinite(peers) ? Math.max(peers, median) : median
  }
  return peers
}

// Notes a jump of `reporter` on the day of `at`, said or excused: the day's largest, how many, and
// the largest `reported` as an alert (not one of an incident already said, nor suppressed).
function noteJumpDay(f: FamilyStats, lr: number, at: number, reporter: string, said: boolean, reported = false): void {
  const day = Math.floor(at / DAY_MS)
  const told = reported ? lr : -Infinity
  for (const e of f.jumpDays) {
    if (e[0] === day && e[2] === reporter) {
      e[1] = Math.max(e[1], lr)
      e[5] = Math.max(e[5], told)
      if (said) e[3]++
      else e[4]++
      return
    }
  }
  addJumpDay(f, [day, lr, reporter, said ? 1 : 0, said ? 0 : 1, told])
}

// Keeps a fortnight of days with jumps (older ones judge nothing); beyond JUMP_DAYS, the busiest
// reporter's oldest goes: made-up jumps of one reporter must not push out another's habit.
function addJumpDay(f: FamilyStats, entry: JumpDay): void {
  const days = f.jumpDays
  while (days.length > 0 && entry[0] - days[0]![0] > HABIT.days) days.shift()
  days.push(entry)
  if (days.length <= JUMP_DAYS) return
  const count = new Map<string, number>()
  for (const e of days) count.set(e[2], (count.get(e[2]) ?? 0) + 1)
  let busiest = entry[2]
  for (const [reporter, n] of count) if (n > count.get(busiest)!) busiest = reporter
  days.splice(days.findIndex((e) => e[2] === busiest), 1)
}

// Whether the finding of `kind` just said on this event was its weekly run's (said low, an alert
// still: alert-days.ts): no alert of the agent's for its group's change (noteResize), and its
// jump no day said (noteJumpDay).
function saidWeekly(s: Scope, kind: string): boolean {
  const last = s.found[s.found.length - 1]
  return last !== undefined && last.kind === kind && last.details.weekly === true
}

function popcount(x: number): number {
  let n = 0
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++
  return n
}
