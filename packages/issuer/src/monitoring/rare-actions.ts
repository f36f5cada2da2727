/**
 * Actions an agent uses on few days (AgentBaseline.rare): each first use of an action on a family
 * is watched until it is a habit, and a day's uses far beyond the most it made in a day are a
 * burst (the detector's #actionUse says both). Actions count by kind (actionKind: write, update
 * and patch are one change), per family: a delete learned on a scratch table says nothing of
 * deletes on payroll.
 */
import { actionKind, BASELINE_CAPS, HOUR_MS as HOUR, RARE_ESTABLISHED, type AgentBaseline, type RareAction } from './baseline.js'

// Whether `action` is of a kind the family already sees from the agent (actionKind; an action of
// no named kind is a kind of its own, `actionKind` returning it as it is).
export function sameKind(actions: readonly string[], action: string): boolean {
  const kind = actionKind(action)
  return kind !== action && actions.some((a) => a !== action && actionKind(a) === kind)
}

// Whether `actions` hold `action` or one of its kind.
export function usesKind(actions: readonly string[], action: string): boolean {
  return actions.includes(action) || sameKind(actions, action)
}

// The watch on an action's kind of use on a family (see actionKind).
export function rareOf(rare: readonly RareAction[], family: string, action: string): RareAction | undefined {
  const kind = actionKind(action)
  for (const r of rare) if (r.action === kind && r.family === family) return r
  return undefined
}

// How many uses in a day of a rare action are a burst: beyond twice the most it did in a day
// (within its limit then), five times once it is a habit of changing or adding records
// (RARE_ESTABLISHED), and beyond BURST_LEAST (CHANGE_BURST_LEAST for changing or adding records).
export function rareBurst(rare: RareAction): number {
  const change = RARE_ESTABLISHED.kinds.includes(rare.action)
  const habit = change && rare.days >= RARE_ESTABLISHED.days
  return Math.max(change ? CHANGE_BURST_LEAST : BURST_LEAST, (habit ? RARE_ESTABLISHED.times : 2) * rare.most)
}

// The fewest uses in a day that are a burst of a rare action: a bot that deletes a record a week
// deleting five. Changes and additions are a person's everyday work, done in bursts: a day of six
// to nine e-mails sent, pages edited or invoices written where one or two a day is usual was
// said medium for people on workload-c, -e and -f (five benign agents over their seeds 1-3, no
// attack lost); ten or more is still a burst (a thief's dozen updates to tamper with records).
const BURST_LEAST = 5
const CHANGE_BURST_LEAST = 10

// Whether the agent had no finding but first uses of actions within the hour before `at`.
export function quietHour(b: AgentBaseline, at: number): boolean {
  return !b.recent.some((r) => r.kind !== 'new-action' && at - r.at <= HOUR)
}

// Watches a first use of `action` on `fam` on `day` (AgentBaseline.rare): learned when used again
// on a later day, when `clean` (no other alarm) and not said only low (`lowOnly`), at its own pace.
export function watchAction(b: AgentBaseline, fam: string, action: string, day: number, clean: boolean, lowOnly: boolean, at: number, reporter: string): void {
  if (b.rare.length >= BASELINE_CAPS.actions) b.rare.shift()
  b.rare.push({ family: fam, action: actionKind(action), day, count: 1, most: 0, over: 0, clean, lowOnly, firstAt: at, days: 1, by: [reporter] })
}

// Whether a rare action's day of use teaches it (RareAction.clean, RareAction.lowOnly).
export function teaches(r: RareAction): boolean {
  return r.clean && !r.lowOnly
}
