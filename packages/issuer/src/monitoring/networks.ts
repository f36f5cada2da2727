/**
 * Where an agent works from, as the detector judges it: its networks (/24 and /48, with
 * `network`), which of them are its own (`established`), another subnet of its own site or its
 * phone's provider pool (`sameSite`), a public /16 it was allowed from on two /24s known a day
 * before its last allowed use (`allowedInBlock`, for a suspended or retired agent's refusals), the
 * organisation's private blocks (`internal`), and networks taking turns, two places using one
 * credential at once (`takeTurns`). The checks that say `new-network` and `two-networks`, which
 * also ask its groups, are the detector's (anomaly-detector.ts, #networkUse and #twoNetworks).
 */
import { BASELINE_CAPS, DAY_MS, KEPT_UP_MS, network, type AgentBaseline, type NetworkStats } from './baseline.js'

// A network new to the agent used again within this long, after another's use, takes turns with
// it: two places at once (a thief coming back every twenty minutes beside the owner's work).
// Two hours made 31 more benign agents of the fifth fleet medium (a new home network and the
// VPN, a phone that keeps its address, each used again within the morning).
export const TURN_MS = 60 * 60_000

// The network of an address (`network`). Another host of the agent's last IPv4 network (same
// prefix, a valid last byte) is that network without parsing the address again: most events
// come from the network of the one before.
export function networkOf(b: AgentBaseline, ip: string): string | undefined {
  const prefix = b.lastPrefix
  if (prefix !== undefined && ip.length > prefix.length && ip.startsWith(prefix) && lastByte(ip, prefix.length)) return b.lastNet
  const net = network(ip)
  const dot = ip.lastIndexOf('.')
  b.lastPrefix = net !== undefined && dot > 0 && ip.indexOf(':') < 0 ? ip.slice(0, dot + 1) : undefined
  b.lastNet = net
  return net
}

// A network the agent has used, learned, for over a day, or taken up in a change of its groups'
// as `reporter` saw it.
export function established(b: AgentBaseline, net: string, at: number, reporter: string): boolean {
  const s = b.networks.get(net)
  return s !== undefined && ((s.learned && at - s.first > DAY_MS) || s.kept || s.keptBy?.includes(reporter) === true)
}

// Makes room in an agent's full table of networks (BASELINE_CAPS.networks): a one-off goes (used
// on one day at most, for less than KEPT_UP_MS: a phone's carrier address, a refused probe), one
// not beside its own before one beside (the provider's pool sameSite reads: once the table is full
// no network becomes so, see the detector's #networkUse), the one used longest ago; when there is
// none, the network used longest ago of the others. Never one of its own (learned, kept, taken up
// with its groups), nor one used within TURN_MS (whose turns are being judged: a flood of new
// addresses must not push out the network a thief takes turns with, or the owner's). Returns
// whether one went. A phone handed another address at each use fills the table within weeks, and
// a network the table has no room for never takes a turn: a thief's would have been said low at
// most, for good (from an adversarial review). The order is from two more reviews: a home network
// used one day a week, the oldest in a phone user's table, went each week before its third day
// and was never learned; a phone's pool went one-off by one-off, for good. What goes is new again
// when used again, and said so.
export function forgetStalest(networks: Map<string, NetworkStats>, at: number): boolean {
  let stalest: string | undefined
  let oldest = Infinity
  let best = Infinity
  for (const [name, n] of networks) {
    const last = Math.max(n.last, n.lastUse)
    if (itsOwn(n) || at - last <= TURN_MS) continue
    const rank = n.days <= 1 && n.last - n.first < KEPT_UP_MS ? (n.beside ? 1 : 0) : 2
    if (rank > best || (rank === best && last >= oldest)) continue
    stalest = name
    oldest = last
    best = rank
  }
  if (stalest === undefined) return false
  networks.delete(stalest)
  return true
}

// A network of its own to some reporter: learned, kept from its learning period, or taken up in a
// change of its groups' (what `established` asks of one reporter, without the day's wait).
function itsOwn(n: NetworkStats): boolean {
  return n.learned || n.kept || n.keptBy !== undefined
}

// The /16 of an IPv4 network (`10.1.2` → `10.1.`, the dot kept so that a prefix test matches
// whole bytes); undefined for an IPv6 one.
export function blockOf(net: string): string | undefined {
  const cut = net.lastIndexOf('.')
  return cut < 0 ? undefined : net.slice(0, cut + 1)
}

// The private block of a network (`10.1.2`, `172.20.1`, ...): 10/8, 172.16/12, 192.168/16,
// 100.64/10 (carrier-grade NAT), fc00::/7 (IPv6 unique local); undefined for a public one.
export function privateBlock(net: string): string | undefined {
  const dot = net.indexOf('.')
  if (dot < 0) {
    const first = parseInt(net.slice(0, 2), 16)
    return (first & 0xfe) === 0xfc ? 'fc00::/7' : undefined
  }
  const a = Number(net.slice(0, dot))
  const b = Number(net.slice(dot + 1, net.indexOf('.', dot + 1)))
  if (a === 10) return '10/8'
  if (a === 172 && b >= 16 && b <= 31) return '172.16/12'
  if (a === 192 && b === 168) return '192.168/16'
  if (a === 100 && b >= 64 && b <= 127) return '100.64/10'
  return undefined
}

// A network of a private block, the organisation's own address space. (Not carrier-grade NAT,
// 100.64/10: mobile carriers, home ISPs and overlay networks share it.)
export function internal(net: string): boolean {
  const block = privateBlock(net)
  return block !== undefined && block !== '100.64/10'
}

// An internal network in the same /16 as an internal network the agent has learned, or as
// internal networks it worked from for a session (allowed requests over KEPT_UP_MS or more) first
// on two earlier days: another subnet of the same site (a VPN pool handing out an address of
// another /24 at each session, too seldom each to be learned; an office's wired and wireless
// floors, a cluster's node subnets), not a second place. A stolen credential used from inside the
// organisation's own site is not what two networks at once can tell. (A review of the first
// version, which counted any network first seen on two earlier days: one request on each of two
// days, refused or made up by a hostile reporter, planted another site's /16 in silence. Two
// allowed requests ten minutes apart on each of two days still do, as one a day on three days
// did before, when only a learned network counted: planting is no cheaper than it was.)
// A public network in a /16 where the agent was first seen on two earlier days on other
// networks, each within minutes of a network of its own, is its provider's pool (a phone on
// mobile data beside the office), not a second place either. (Networks first used alone, at
// night, count for none: an adversarial review planted a server's /16 with two requests on two
// quiet nights. A single request beside one of its own still counts, said low: a thief that
// planted its /16 so, on two days, is not told apart from a phone; nor is one that happens to
// share the agent's provider's pool. Widening the pool to neighbouring /16s, for carriers that
// hand out addresses of several, was measured and not kept: it widened that planting too.)
export function sameSite(b: AgentBaseline, net: string, at: number): boolean {
  const site = blockOf(net)
  if (site === undefined) return false
  const inside = internal(net)
  const today = Math.floor(at / DAY_MS)
  let day1 = -1
  for (const [known, n] of b.networks) {
    if (known === net || !known.startsWith(site)) continue
    if (inside ? !internal(known) || (!n.learned && (n.days === 0 || n.last - n.first < KEPT_UP_MS)) : !n.beside) continue
    if (n.learned && inside) return true
    const day = Math.floor(n.first / DAY_MS)
    if (day >= today) continue
    if (day1 < 0) day1 = day
    else if (day !== day1) return true
  }
  return false
}

// Whether the agent was allowed from two networks or more of the /16 of `net`, a public IPv4
// network, each first seen more than a day before its last allowed use (which a suspension stops),
// its uses there spanning more than a day (from the first sighting, refused or not, to the last
// allowed use): where a suspended or retired agent's own software may still be trying, refused (the
// detector's status check: medium, not high). Workload-i: a field adjuster working from the car,
// handed another /24 of its carrier's pool at each session, none used beside an office (so no pool
// sameSite knows), lost the phone; its sync, refused from yet another /24, was said high, as if
// someone elsewhere held the credential. Looser than sameSite on purpose: it grades nothing but a
// refusal of an agent already suspended or retired, which is said whatever its grade and is no
// evidence for anything else. So anyone in the owner's carrier's or home ISP's /16, and a thief
// seen there more than a day before the agent's last allowed use (or a hostile reporter making that
// up), is said medium when refused from it after; a suspended or retired agent's requests teach no
// network. Not one /24 alone (a campus's or a cloud region's /16 is many people's: an adversarial
// review), nor uses spanning a day or less (the review again: two UTC days ten minutes apart), nor
// a /24 first seen within the day before its last allowed use (a second and a third review: a
// thief's one request ten minutes before the suspension, beside the owner's home /24, then and a
// day later), nor the organisation's private networks, where everyone works (workload-e: a leaver's
// credential tried from another subnet of the VPN's /16, an insider's, stays high).
export function allowedInBlock(b: AgentBaseline, net: string, at: number): boolean {
  const block = blockOf(net)
  if (block === undefined || privateBlock(net) !== undefined) return false
  // (Not a day before `at`: a thief's one request ten minutes before the suspension was a day old
  // a day later, a third review found.)
  let allowedLast = -Infinity
  for (const [, n] of b.networks) if (n.days > 0) allowedLast = Math.max(allowedLast, n.last)
  const until = Math.min(at, allowedLast)
  let nets = 0
  let first = Infinity
  let last = -Infinity
  for (const [known, n] of b.networks) {
    if (!known.startsWith(block) || n.days === 0 || until - n.first <= DAY_MS) continue
    nets++
    first = Math.min(first, n.first)
    last = Math.max(last, n.last)
  }
  return nets >= 2 && last - first > DAY_MS
}

// A network used again within TURN_MS, after another's use, takes a turn (see takingTurns),
// unless it was the agent's on an earlier day and the others were a phone's moments (backFromMoments);
// so do the others used between, if one of them was used for KEPT_UP_MS or more (a thief's
// half hour between two of the owner's requests; a phone's few requests are a moment).
// Returns those others. (Not the time on all of them together: a phone's long session on a
// carrier handing out another address every few requests made eight more benign agents of the
// fifth fleet medium. A thief moving to another network every few minutes between two of the
// owner's requests is not told apart from it, unless three are new within a quarter hour.)
export function takeTurns(b: AgentBaseline, net: string, at: number): readonly string[] {
  const used = b.networks.get(net)
  const prev = b.prevNet
  b.prevNet = net
  if (!used) return NONE
  let away: readonly string[] = NONE
  if (prev !== undefined && prev !== net) {
    const before = used.lastUse
    if (at - before <= TURN_MS && !backFromMoments(b, used, before, at)) {
      used.turnedAt = at
      // (Only a return after KEPT_UP_MS can have a run that long between: workers taking
      // turns over their subnets, request by request, look no further.)
      if (at - before >= KEPT_UP_MS) away = longRunsSince(b.networks, used, before)
      for (const name of away) b.networks.get(name)!.turnedAt = at
    }
    used.runFrom = at
  }
  if (used.lastUse === -Infinity) used.runFrom = at
  used.lastUse = Math.max(used.lastUse, at)
  return away
}

const NONE: readonly string[] = []

// A network allowed on an earlier day, back after only moments (runs under KEPT_UP_MS) of networks
// first used that day, public and not its own: a hybrid worker's home network, used for a working
// day the week before (learned only on its third), and the phone's requests between, each from an
// address the carrier handed out that day. Nobody else held the credential for a while in
// between, and a phone's networks, each used once, take no turns of their own. (From the fifth
// fleet: 3 of its 9 benign agents said two-networks at medium on seeds 1-3 were so.) A thief
// taking turns with it still is: its network comes back itself (turned), or ran for a while
// between, or was used before that day (a network planted so is no phone's new address).
// Not when (from adversarial reviews):
// - the network was first used less than half a day before (planted a minute before midnight);
// - one between is internal or its groups' (a VPN pool's new /24, a network taken up with its
//   team): the owner's own place, beside which a thief's planted network takes turns;
// - more than FRESH_AN_HOUR networks first used that day were used within TURN_MS (a thief
//   behind a pool of proxies, an address a request, beside a home network used once: said as
//   beside an office of its own);
// - its table of networks is full (BASELINE_CAPS.networks): it makes room by forgetting
//   (forgetStalest), and a network forgotten is first used again when next used (a thief's flood
//   of new addresses the day before must not make the owner's carrier networks, or its own
//   planted one, look new that day; one it had no room for would pass unseen between).
// What it lets through: a thief whose network was allowed on an earlier day (as any reporter
// said) while the owner uses only a phone that day; a thief never coming back to one network
// within TURN_MS, at no more than FRESH_AN_HOUR addresses an hour, as beside an office network of
// its own.
function backFromMoments(b: AgentBaseline, used: NetworkStats, since: number, at: number): boolean {
  const today = Math.floor(at / DAY_MS)
  const dayStart = today * DAY_MS
  // (A network of its own takes turns as it always did: no turn of its own is judged, and workers
  // taking turns over their own subnets, request by request, read no further.)
  if (used.learned || used.kept || used.days - (used.lastDay === today ? 1 : 0) < 1 || at - used.first < DAY_MS / 2 || b.networks.size >= BASELINE_CAPS.networks) return false
  let fresh = 0
  for (const [name, n] of b.networks) {
    if (n === used) continue
    if (n.first >= dayStart && at - n.lastUse <= TURN_MS && ++fresh > FRESH_AN_HOUR) return false
    if (n.lastUse <= since) continue
    if (n.first < dayStart || itsOwn(n) || internal(name) || n.lastUse - n.runFrom >= KEPT_UP_MS) return false
  }
  return true
}

// Networks first used that day, used within TURN_MS, beyond which a return is no phone's (backFromMoments).
const FRESH_AN_HOUR = 3

// The networks other than `used` whose last run began at `since` or later, if one of them ran
// for KEPT_UP_MS or more; none otherwise.
function longRunsSince(networks: ReadonlyMap<string, NetworkStats>, used: NetworkStats, since: number): readonly string[] {
  const runs: string[] = []
  let long = false
  for (const [name, n] of networks) {
    if (n === used || n.runFrom < since) continue
    if (n.lastUse - n.runFrom >= KEPT_UP_MS) long = true
    runs.push(name)
  }
  return long ? runs : NONE
}

// Digits of one byte, canonical (no leading zero), from `from` to the end of `ip`.
function lastByte(ip: string, from: number): boolean {
  const n = ip.length - from
  if (n < 1 || n > 3 || (n > 1 && ip.charCodeAt(from) === 48)) return false
  let v = 0
  for (let i = from; i < ip.length; i++) {
    const c = ip.charCodeAt(i) - 48
    if (c < 0 || c > 9) return false
    v = v * 10 + c
  }
  return v <= 255
}
