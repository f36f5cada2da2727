/**
 * Networks beyond one agent's groups (issue 21): the organisation's own internal networks (its
 * VPN, its offices, its data centres: used as their own by several agents, whatever their groups),
 * and moves of the agents that share a network to the same new one (a failover; for two days, for
 * the addresses of it they use: a pool grown). Both explain an
 * agent's new network in `two-networks` (anomaly-detector.ts, #switchedNetworks), each time on the
 * word of the reporter that found it (sightings.ts). In memory: the organisation's networks are
 * derived from the agents' baselines (rebuilt by the detector's load()), a move is over within
 * hours, a pool's change within two days.
 */
import { BASELINE_CAPS, DAY_MS, PEER_MS, type GroupBaseline, type Usage } from './baseline.js'
import { ADOPT_MS, ADOPTERS, GROUP_CHANGE_ADOPTERS, GROUP_CHANGE_MS, othersAdopting, type Credible } from './group-adoption.js'
import { internal } from './networks.js'
import { seenLately, type Sightings } from './sightings.js'

// Other agents, of any group, that use an internal network as their own (over days, within
// PEER_MS) and make it the organisation's: its VPN, its offices, its data centres.
const ORG_SETTLED = 3

// How long after other agents moved to a public network it is the organisation's move (a
// migration's services cut over through the day), and how many make one; networks and moves kept.
const MOVE_MS = 24 * 60 * 60_000
export const ORG_MOVERS = 3
const MOVES_KEPT = 256
const MOVERS_KEPT = 32

interface Move { agent: string; site: string; at: number; by: string }

// Take-ups of a new network by the agents sharing one (see adoptVia), and the addresses of it
// each reporter saw them use within the hour of their take-up (a pool's own): the latest
// VIA_ADDRESSES, each with the first two members seen there.
interface Seen { by: string; ip: string; members: string[] }
interface Via extends Usage { addresses: Seen[] }
const VIA_KEPT = 4 * BASELINE_CAPS.adopting
const VIA_ADDRESSES = 16

function noteAddress(u: Via, by: string, ip: string, member: string): void {
  const seen = u.addresses.find((x) => x.by === by && x.ip === ip)
  if (seen !== undefined) {
    if (seen.members.length < 2 && !seen.members.includes(member)) seen.members.push(member)
    return
  }
  if (u.addresses.length >= VIA_ADDRESSES) u.addresses.shift()
  u.addresses.push({ by, ip, members: [member] })
}

/**
 * The change of a record as `by` saw it, for `agent` at `at`: the earliest three or more others
 * whose first uses `by` itself saw within the hour of each other, the latest within
 * GROUP_CHANGE_MS (the services taking a pool's new addresses up at midnight: not the followers
 * bunched at nine, among whom a controlled agent can take its place, nor a cluster older than two
 * days kept alive by one joiner a day). Returns its members, or none. (othersAdopting's sticky
 * count asks the same of a group's record, but of any cluster, and counts it.)
 */
function theChange(u: Via, agent: string, at: number, credible: Credible): string[] {
  const seen: Array<{ m: string; t: number }> = []
  for (let i = 0; i < u.members.length; i++) {
    const m = u.members[i]!
    const t = m === agent ? undefined : credible.own(m, u.firsts[i]!)
    if (t !== undefined) seen.push({ m, t })
  }
  seen.sort((x, y) => x.t - y.t)
  for (let i = 0; i + GROUP_CHANGE_ADOPTERS <= seen.length; i++) {
    let j = i
    while (j + 1 < seen.length && seen[j + 1]!.t - seen[i]!.t <= ADOPT_MS) j++
    if (j - i + 1 >= GROUP_CHANGE_ADOPTERS && at - seen[j]!.t <= GROUP_CHANGE_MS) return seen.slice(i, j + 1).map((x) => x.m)
  }
  return []
}

// The /16 of an IPv4 network (`a.b.` of `a.b.c`), where an agent was; undefined for an IPv6 /48
// (its hex form: a move from an IPv6 network counts for none, and a quiet job coming from one
// stays medium).
function siteOf(net: string): string | undefined {
  const dot = net.lastIndexOf('.')
  return dot < 0 ? undefined : net.slice(0, dot + 1)
}

/** Whether `member` uses `net` as a network of its own (the detector's baselines say). */
export type Settled = (member: string, net: string, at: number) => boolean

export class OrgNetworks {
  // Agents that share a network and took up the same new one, by `usual\0net` (see adoptVia).
  readonly #via = new Map<string, Via>()
  // Public networks and the agents that moved to each within MOVE_MS, whatever their groups (see
  // movedTo), oldest first.
  readonly #moves = new Map<string, Move[]>()
  // Internal networks with the agents that used them, whatever their groups, noted once a day per
  // agent as its groups are, with who first reported each (see orgSettled).
  readonly #internal = new Map<string, Usage>()
  readonly #sightings: Sightings
  readonly #settled: Settled

  constructor(sightings: Sightings, settled: Settled) {
    this.#sightings = sightings
    this.#settled = settled
  }

  /**
   * Notes an agent on an internal network. Room is made for what is in use: the network used
   * longest ago among those too few agents use to count goes first (a flood of one-off subnets
   * must not push the VPN out), and on a full network a member that no longer uses it as its own
   * (one-off agents first seen there must not keep those that live there out for good).
   */
  note(net: string, agent: string, at: number): void {
    let u = this.#internal.get(net)
    if (!u) {
      if (this.#internal.size >= 4 * BASELINE_CAPS.networks) {
        let stalest: string | undefined
        let oldest = Infinity
        for (const [k, v] of this.#internal) {
          const last = v.members.length < ORG_SETTLED ? v.last - PEER_MS : v.last
          if (last < oldest) [stalest, oldest] = [k, last]
        }
        this.#internal.delete(stalest!)
      }
      this.#internal.set(net, (u = { members: [], firsts: [], last: at }))
    }
    u.last = Math.max(u.last, at)
    if (u.members.includes(agent)) return
    if (u.members.length >= BASELINE_CAPS.groupMembers) {
      const gone = u.members.findIndex((m) => !this.#settled(m, net, at))
      if (gone < 0) return
      u.members.splice(gone, 1)
      u.firsts.splice(gone, 1)
    }
    u.members.push(agent)
    u.firsts.push(at)
  }

  /**
   * Whether an internal network is the organisation's own: ORG_SETTLED or more other agents use
   * it as theirs (an on-call engineer's first night on the company VPN, beside home). Credibly:
   * each agent `by` saw there lately counts, and one for each other reporter that did (one hostile
   * reporter making up agents' days on its own private network, beside an honest agent there, or
   * one event each of agents that left it long ago, must not make a thief's use of it from there
   * ordinary to an honest verifier).
   */
  orgSettled(net: string, agent: string, at: number, by: string): boolean {
    const u = this.#internal.get(net)
    if (!internal(net) || !u || at - u.last > PEER_MS) return false
    let own = 0
    const others = new Set<string>()
    const sightings = this.#sightings.of(`uses:${net}`)
    for (const m of u.members) {
      if (m === agent || !this.#settled(m, net, at)) continue
      const seen = sightings?.get(m)
      if (seen === undefined) continue
      if (seenLately(seen, by, at, PEER_MS)) own++
      else {
        const i = seen.at.findIndex((t) => at - t <= PEER_MS)
        if (i >= 0) others.add(seen.by[i]!)
      }
    }
    return own + others.size >= ORG_SETTLED
  }

  /**
   * Members of its groups that use `net` as a network of their own: allowed on three days or
   * more, within PEER_MS, and seen there by `by` within PEER_MS (seenLately). One event of a
   * peer's (a controlled agent's, or a report about it) is not enough to make a network the
   * group's, nor is a peer's network learned from its peers; nor does a hostile reporter's one
   * made-up event of a peer there revive a network the peer left long ago.
   */
  settledPeers(groups: readonly GroupBaseline[], net: string, agent: string, at: number, by: string): number {
    return this.#peers(groups, net, agent, at, by, (m) => this.#settled(m, net, at))
  }

  /**
   * Members of its groups that used `net`, first two days or more before `at` (a habit, not a
   * first use of the same day), seen there by `by` within PEER_MS: a dormant credential's network
   * its groups use (an office's second /24, a team mate's carrier), which a hostile reporter's
   * made-up event of a mate, or a mate that left it long ago, does not make so.
   */
  usedPeers(groups: readonly GroupBaseline[], net: string, agent: string, at: number, by: string): number {
    return this.#peers(groups, net, agent, at, by, (_m, first) => at - first > 2 * DAY_MS)
  }

  /**
   * Notes an established agent's move to a public network new to it (`from`: the network it was
   * on, its own), as `reporter` saw it. Moves over for a day are dropped; past MOVES_KEPT
   * networks, the one moved to longest ago goes.
   */
  noteMove(net: string, agent: string, from: string, at: number, reporter: string): void {
    const site = siteOf(from)
    if (site === undefined) return
    let moves = this.#moves.get(net)
    if (moves === undefined) {
      if (this.#moves.size >= MOVES_KEPT) this.#moves.delete(this.#moves.keys().next().value!)
      this.#moves.set(net, (moves = []))
    }
    while (moves.length > 0 && (at - moves[0]!.at > MOVE_MS || moves.length >= MOVERS_KEPT)) moves.shift()
    moves.push({ agent, site, at, by: reporter })
  }

  /**
   * Other agents `by` itself saw move to the public network `net` within MOVE_MS before `at`, from
   * a network of the /16 of `from` (the agent's own): an organisation's move (its data centre's
   * services to a new cloud range, a region's to its standby), which the agent follows. A
   * stranger's network is not where the agent's neighbours went: a hotel's or a CI pool's
   * newcomers came from elsewhere, or were no established agents. Another reporter's made-up moves
   * count for nothing to an honest verifier.
   */
  movedTo(net: string, agent: string, from: string, at: number, by: string): number {
    const moves = this.#moves.get(net)
    const site = siteOf(from)
    let n = 0
    if (moves !== undefined && site !== undefined) for (const m of moves) if (m.agent !== agent && m.by === by && m.site === site && m.at <= at && at - m.at <= MOVE_MS) n++
    return n
  }

  /**
   * Notes that an agent sharing the network `usual` took up `net` (a failover's move, an egress
   * pool grown), from `ip`. A record lasts while agents keep taking it up within GROUP_CHANGE_MS
   * of each other, as a group's does; a full one takes a newcomer in place of the member that
   * joined first (the lasting change is its latest members'); a full table makes room (makeRoom).
   */
  adoptVia(usual: string, net: string, agent: string, at: number, reporter: string, ip: string | undefined): void {
    const key = `${usual}\u0000${net}`
    this.#sightings.note(agent, `via:${key}`, reporter, at)
    let u = this.#via.get(key)
    if (u && at - u.last > GROUP_CHANGE_MS) {
      this.#via.delete(key)
      u = undefined
    }
    if (!u) {
      if (this.#via.size >= VIA_KEPT) this.#makeRoom(at)
      this.#via.set(key, (u = { members: [], firsts: [], last: at, addresses: [] }))
    }
    u.last = Math.max(u.last, at)
    if (!u.members.includes(agent)) {
      if (u.members.length >= BASELINE_CAPS.groupMembers) {
        u.members.shift()
        u.firsts.shift()
      }
      u.members.push(agent)
      u.firsts.push(at)
    }
    // (Within the hour of its take-up as the record has it: a member whose table of networks forgot
    // this one, taking it up again later, must not add an address to the change.)
    if (ip !== undefined && at - u.firsts[u.members.indexOf(agent)]! <= ADOPT_MS) noteAddress(u, reporter, ip, agent)
  }

  /** An agent that took up `net` (sharing `usual`) uses it again within the hour, from `ip`. */
  seenVia(usual: string, net: string, agent: string, at: number, reporter: string, ip: string | undefined): void {
    const key = `${usual}\u0000${net}`
    this.#sightings.note(agent, `via:${key}`, reporter, at)
    const u = this.#via.get(key)
    const i = u === undefined ? -1 : u.members.indexOf(agent)
    if (i >= 0 && ip !== undefined && at - u!.firsts[i]! <= ADOPT_MS) noteAddress(u!, reporter, ip, agent)
  }

  /** Agents sharing `usual` that took up `net` within ADOPT_MS, as `by` saw them (see Credible). */
  viaAdopters(usual: string, net: string, agent: string, at: number, by: string, besides?: string): number {
    const key = `${usual}\u0000${net}`
    const u = this.#via.get(key)
    if (!u) return 0
    const all = othersAdopting(u, agent, at, false)
    return all < ADOPTERS ? all : othersAdopting(u, agent, at, false, this.#sightings.credibleTo(`via:${key}`, by, besides)())
  }

  /**
   * The network's lasting change for an agent using `ip` there: three agents sharing `usual` that
   * took `net` up within the hour of each other, the latest within GROUP_CHANGE_MS (theChange),
   * and `ip` an address `by` saw one of them use there in its first hour (a NAT pool grown at
   * midnight, taken up by its services at once and by a business-hours assistant on the same pool
   * at nine; not a hotel's other guests, nor a cloud's other tenants in the same /24). Each first
   * use counted as `by` itself saw it. Returns how many made the change.
   */
  lastingAdopters(usual: string, net: string, agent: string, at: number, by: string, ip: string): number {
    const key = `${usual}\u0000${net}`
    const u = this.#via.get(key)
    if (!u || u.members.length - (u.members.includes(agent) ? 1 : 0) < GROUP_CHANGE_ADOPTERS) return 0
    const change = theChange(u, agent, at, this.#sightings.credibleTo(`via:${key}`, by)())
    return u.addresses.some((x) => x.by === by && x.ip === ip && x.members.some((m) => change.includes(m))) ? change.length : 0
  }

  // Room in a full table of take-ups: those idle for two days, or for an hour and too few to be a
  // change, go; if none (a burst of made-up take-ups of three), the one joined longest ago: never a
  // lock-out of the next real change.
  #makeRoom(at: number): void {
    let stalest: string | undefined
    let oldest = Infinity
    for (const [k, v] of this.#via) {
      if (at - v.last > GROUP_CHANGE_MS || (at - v.last > ADOPT_MS && v.members.length < GROUP_CHANGE_ADOPTERS)) this.#via.delete(k)
      else if (v.last < oldest) [stalest, oldest] = [k, v.last]
    }
    if (this.#via.size >= VIA_KEPT) this.#via.delete(stalest ?? this.#via.keys().next().value!)
  }

  // Members of a group's record of `net` (the most in any of the groups) that `counts`, and that
  // `by` saw there within PEER_MS.
  #peers(groups: readonly GroupBaseline[], net: string, agent: string, at: number, by: string, counts: (member: string, first: number) => boolean): number {
    const sightings = this.#sightings.of(`uses:${net}`)
    let most = 0
    for (const g of groups) {
      const u = g.networks.get(net)
      if (!u || at - u.last > PEER_MS) continue
      let n = 0
      for (let i = 0; i < u.members.length; i++) {
        const m = u.members[i]!
        if (m !== agent && counts(m, u.firsts[i]!) && seenLately(sightings?.get(m), by, at, PEER_MS)) n++
      }
      most = Math.max(most, n)
    }
    return most
  }
}
