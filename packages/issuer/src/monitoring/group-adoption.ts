/**
 * Group changes (issue 21): a novelty nothing else explains (a family, a segment, an action, a
 * network) is noted with each of the agent's groups as *in adoption*. Several members taking the
 * same up at once is the group's change (a period close, a re-org, a rollout), not an intrusion
 * per member; the first members are always reported, since the change is not known yet when they
 * make it. Kept in each group's baseline (`adopting`), bounded by BASELINE_CAPS.adopting. An
 * agent's first use of a family its groups took up with it is the change it took part in
 * (tookPart): the drifts in its requests' sizes within the following day are the change's.
 */
import { BASELINE_CAPS, DAY_MS, noteUsage, type AgentBaseline, type GroupBaseline, type Usage } from './baseline.js'

// A novelty taken up by this many other members of a group within `ADOPT_MS` of their first use
// is the group's change (a period close, a re-org, a rollout), not one member's intrusion.
export const ADOPTERS = 2
export const ADOPT_MS = 3_600_000
// A change taken up by three other members within the hour stays the group's for two days (a
// period close read on Friday by those that did not on Thursday); members learn it meanwhile. Two
// members of a large group reaching somewhere within the same hour, some day of the week, happens
// by chance (and attacks on two members of one group): that alone excuses nobody later.
export const GROUP_CHANGE_MS = 2 * DAY_MS
export const GROUP_CHANGE_ADOPTERS = 3

/**
 * Which members' first uses (at `first`, as the adoption record has it) count as evidence for a
 * reporter's finding. `own`: one it reported itself within ADOPT_MS of `first`; returns when it
 * saw it, which is the time counted (whoever reported a first use first set the record's time: a
 * hostile reporter getting in first must not move a member's adoption next to others'), or
 * undefined. A sighting of an earlier adoption of the same key does not vouch for a first use
 * made up days later. First uses made up by a hostile reporter then explain nothing another
 * verifier saw. A family is one service's, so its change is seen there; a network or a segment is
 * seen by many services (a failover's members, a team moved to sales duties, reach several each),
 * so for those ({@link seenAcross}) `other` adds one member for each other reporter: counted
 * within the hour, never towards a change that lasts two days (a hostile reporter adds one
 * made-up member at most, and only two colluding reporters can make up such a change on their
 * own). Stateful (`other`): made afresh for each record counted.
 */
export interface Credible {
  own(member: string, first: number): number | undefined
  other(member: string, first: number): boolean
}

/**
 * Other members that took `key` up within ADOPT_MS of `at` (the most in any of the groups); or,
 * `sticky`, a group change: at least GROUP_CHANGE_ADOPTERS others within ADOPT_MS of each other,
 * the latest within GROUP_CHANGE_MS. With `credible`, only the members it accepts count.
 */
export function adopters(groups: readonly GroupBaseline[], key: string, agent: string, at: number, sticky = true, credible?: () => Credible): number {
  let most = 0
  for (const g of groups) {
    const u = g.adopting.get(key)
    if (u) most = Math.max(most, othersAdopting(u, agent, at, sticky, credible?.()))
  }
  return most
}

/** {@link adopters} in one record of a key (a group's, or the agents sharing a network's). */
export function othersAdopting(u: Usage, agent: string, at: number, sticky: boolean, credible?: Credible): number {
  if (at - u.last > (sticky ? GROUP_CHANGE_MS : ADOPT_MS)) return 0
  // The others' first uses, in a buffer reused from call to call (this runs on every event of an
  // agent taking part in a group change): noted in time order, so sorted only when they are not.
  let n = 0
  let now = 0
  let ordered = true
  for (let i = 0; i < u.members.length; i++) {
    const m = u.members[i]!
    if (m === agent) continue
    let t = u.firsts[i]!
    if (credible !== undefined) {
      const seen = credible.own(m, t)
      if (seen === undefined) {
        if (Math.abs(at - t) <= ADOPT_MS && credible.other(m, t)) now++
        continue
      }
      t = seen
    }
    if (Math.abs(at - t) <= ADOPT_MS) now++
    if (n > 0 && t < firsts[n - 1]!) ordered = false
    firsts[n++] = t
  }
  if (!sticky) return now
  const times = ordered ? firsts : firsts.slice(0, n).sort((x, y) => x - y)
  for (let i = 0, j = 0; j < n; j++) {
    while (times[j]! - times[i]! > ADOPT_MS) i++
    if (j - i + 1 >= GROUP_CHANGE_ADOPTERS && at - times[j]! <= GROUP_CHANGE_MS) return Math.max(now, j - i + 1)
  }
  return now
}
const firsts: number[] = []

// A change spreading through a group over days, member by member (a review season, a rollout team
// by team): this many other members took it up within SPREAD_MS before.
export const SPREAD_ADOPTERS = 3
export const SPREAD_MS = 7 * DAY_MS

/**
 * Other members that took `key` up within SPREAD_MS before `at` (the most in any of the groups),
 * each on the word of `credible` (see {@link Credible}): an adoption record lasts while members
 * keep joining within GROUP_CHANGE_MS of each other.
 */
export function spreadAdopters(groups: readonly GroupBaseline[], key: string, agent: string, at: number, credible: () => Credible): number {
  let most = 0
  for (const g of groups) {
    const u = g.adopting.get(key)
    if (!u) continue
    const c = credible()
    let n = 0
    for (let i = 0; i < u.members.length; i++) {
      const m = u.members[i]!
      if (m === agent) continue
      const t = c.own(m, u.firsts[i]!)
      if (t !== undefined && t < at && at - t <= SPREAD_MS) n++
    }
    most = Math.max(most, n)
  }
  return most
}

// Notes the agent's first use of something new to it with each group.
export function adopt(groups: readonly GroupBaseline[], key: string, agent: string, at: number): void {
  for (const g of groups) {
    let u: Usage | undefined = g.adopting.get(key)
    // An adoption with no new member for GROUP_CHANGE_MS is over: the next one starts afresh.
    if (u && at - u.last > GROUP_CHANGE_MS) {
      g.adopting.delete(key)
      u = undefined
    }
    if (!u && g.adopting.size >= BASELINE_CAPS.adopting) {
      for (const [k, v] of g.adopting) if (at - v.last > GROUP_CHANGE_MS) g.adopting.delete(k)
      if (g.adopting.size >= BASELINE_CAPS.adopting) continue
    }
    if (!u || !u.members.includes(agent)) noteUsage(g.adopting, key, agent, at, BASELINE_CAPS.adopting)
  }
}

/** Whether an adoption's key is of a place many services see: a network, a private block, a segment. */
export function seenAcross(key: string): boolean {
  return key.startsWith('net:') || key.startsWith('block:') || key.startsWith('via:') || key.startsWith('segment:') || key.startsWith('refused:segment:')
}

// The adoption a use counts towards. Refusals are an adoption of their own: a group refused at
// once (a re-org before its grants land) is a group change for its refusals, but refusals, which
// anyone can provoke or a reporter make up, never excuse a use that was allowed.
export function adoption(allowed: boolean, key: string): string {
  return allowed ? key : `refused:${key}`
}

// A group change the agent took part in (a period close: its team taking up the close's report
// family with it, each reading its own families three times as much, and larger) makes the drifts
// in its requests' sizes within the following day the change's, said low; once a fortnight at most
// (team mates an attacker controls, taking up one family after another, cover a thief's drain for
// one day, not each).
const GROUP_CHANGE_DRIFT_MS = DAY_MS
const GROUP_CHANGE_EVERY_MS = 14 * DAY_MS
// Reporters kept for a change (a gateway and the service behind it both report the same requests).
const CHANGE_REPORTERS = 4

// Notes the agent's first use of a family its groups took up with it (a group change), as
// `reporters` saw them; a new change counts once the last is a fortnight old.
export function tookPart(b: AgentBaseline, family: string, at: number, reporters: readonly string[]): void {
  const c = b.groupChange
  if (c === undefined || at - c.at > GROUP_CHANGE_EVERY_MS) {
    b.groupChange = { at, family, by: reporters.slice(0, CHANGE_REPORTERS) }
    return
  }
  // The same change, seen by another reporter too (a gateway and the service behind it), or its
  // first use explained only now (held for the groups, released after a later use).
  // (A change restored from the store has no reporters: nothing joins it.)
  if (c.by.length === 0 || c.family !== family || Math.abs(at - c.at) > GROUP_CHANGE_DRIFT_MS) return
  c.at = Math.min(c.at, at)
  for (const r of reporters) if (!c.by.includes(r) && c.by.length < CHANGE_REPORTERS) c.by.push(r)
}

// The family of the group change the agent took part in within the day before `at`, when every
// reporter of the finding saw that change (one that made up a team's take-up must not lower what
// an honest verifier reports). Only for the sizes of its requests: a day's volume has its own
// rule for a group's rise (day-volume.ts, sharedRise), and its finding is said once a day
// whoever tips it (a review: a made-up take-up and a day tipped by made-up reads left the honest
// verifier's drain that day one low finding).
export function groupChangeOf(b: AgentBaseline, at: number, evidence: readonly string[], details: Record<string, unknown>): string | undefined {
  const c = b.groupChange
  if (c === undefined || details.perDay !== undefined || at < c.at || at - c.at > GROUP_CHANGE_DRIFT_MS || evidence.length === 0) return undefined
  return evidence.every((r) => c.by.includes(r)) ? c.family : undefined
}
