/**
 * Findings as evidence: which aspect of an agent's behaviour each is about (a reach, an action,
 * refusals, volume, a circumstance of place and time, its status), so that a finding is raised to
 * high only by another line of evidence within the hour, never by the same line found twice; the
 * last hour's findings the detector keeps for it (AgentBaseline.recent); and the few findings that
 * are high on one line alone. The detector's #say applies them.
 */
import { dropOldestOfBusiest, KEPT_UP_MS, RECENT_KEPT, type AgentBaseline } from './baseline.js'
import type { AnomalyKind } from './anomaly-detector.js'

// A reach's finding ('new-resource', 'new-segment', 'lateral-movement') names the family reached
// (lateral movement: none); other findings are no reach.
const REACH_KINDS: ReadonlySet<string> = new Set(['new-resource', 'new-segment', 'lateral-movement'])
export function reachOf(kind: string, about: string, details: Record<string, unknown>): string | undefined {
  if (!REACH_KINDS.has(kind)) return undefined
  if (kind === 'new-resource') return about
  return typeof details.family === 'string' ? details.family : ''
}

// The aspects of behaviour a finding is evidence about, as bits: findings sharing one are one line
// of evidence, whichever check found them (a records jump and a volume drift are the same large
// requests). Refusals for going over a rate limit are both the surge and refusals: they
// corroborate neither (nor are corroborated by them). Where and when are one circumstance: a
// person working at an odd hour is often somewhere else too (on call from home, a phone beside
// the VPN at night, travelling), so an hour off and a second network are one line, not two (on
// workload-b and -c, 4 of the 8 benign agents at high were only that; no attack's high was).
const REACH = 1
const ACTION = 2
const REFUSALS = 4
export const VOLUME = 8
// (Both bits, as stored rows of the last hour's findings have one or the other.)
const CIRCUMSTANCE = 16 | 32
const STATUS = 64
const ASPECT_OF: Readonly<Record<AnomalyKind, number>> = {
  'new-resource': REACH, 'new-segment': REACH, 'lateral-movement': REACH, 'new-action': ACTION,
  'denial-burst': REFUSALS, probing: REFUSALS,
  'records-jump': VOLUME, 'volume-drift': VOLUME, 'rate-spike': VOLUME, 'sustained-rate': VOLUME, enumeration: VOLUME,
  'two-networks': CIRCUMSTANCE, 'new-network': CIRCUMSTANCE, 'off-hours': CIRCUMSTANCE, 'off-days': CIRCUMSTANCE,
  'suspended-agent': STATUS, 'retired-agent': STATUS, 'credential-misuse': STATUS,
}
export function aspectOf(kind: AnomalyKind, about: string): number {
  return kind === 'denial-burst' && about === 'ERR_RATE_LIMITED' ? VOLUME | REFUSALS : ASPECT_OF[kind]
}

// Notes a finding among the agent's last hour's (AgentBaseline.recent, for corroboration): one
// entry per kind, aspect and reach (its latest), at most RECENT_KEPT; past that, the oldest of the
// most common aspect goes. A flood of findings of one line (a hostile reporter's made-up networks)
// pushes out its own line's, never another line's evidence (an adversarial review: eight made-up
// two-networks findings pushed an honest verifier's records jump out, and its real two networks
// minutes later were said medium, uncorroborated).
export function noteRecent(recent: AgentBaseline['recent'], at: number, kind: string, aspect: number, reach: string | undefined): void {
  const same = recent.findIndex((r) => r.kind === kind && r.aspect === aspect && r.reach === reach)
  if (same >= 0) at = Math.max(at, recent.splice(same, 1)[0]!.at)
  recent.push({ at, kind, aspect, reach })
  if (recent.length > RECENT_KEPT) dropOldestOfBusiest(recent, (r) => r.aspect)
}

// Whether an earlier finding is the same evidence as one of `aspect` (a reach for `reach`) now:
// the same aspect (another hour off, another network, a jump and the drift it starts); and
// reaches, unless for different families (a first use of a family of another segment is found as
// 'new-resource' and as 'new-segment', and counted as lateral movement: one reach, which cannot
// corroborate itself, however often it is repeated; two families reached within the hour are two
// reaches).
export function sameEvidence(earlier: { aspect: number; reach: string | undefined }, aspect: number, reach: string | undefined): boolean {
  if (earlier.reach === undefined || reach === undefined) return (earlier.aspect & aspect) !== 0
  return earlier.reach === '' || reach === '' || earlier.reach === reach
}

// A finding high on one line of evidence: lateral movement and probing (reaches, or refusals,
// across families foreign to the agent and its peers: several lines already); a burst of refusals
// its check found high (asking for more than the agent does: deletes by a reader, another's
// family); and a first use its check found grave of a family the agent holds no entitlement to
// (or none the issuer can say): allowed (a verifier gave away what the issuer never granted), or
// refused and kept up (keptUp). A dormant entitlement's first use, however unusual, needs another
// line, as do sizes, rates, places and hours.
export function standsAlone(kind: AnomalyKind, details: Record<string, unknown>): boolean {
  return kind === 'lateral-movement' || kind === 'probing' || kind === 'denial-burst' || (kind === 'new-resource' && details.entitled !== true)
}

// Volume graded high is kept up across pauses shorter than this (a thief pausing between bursts,
// or moving from family to family); an hour made four more benign agents high on workload-d.
const VOLUME_RUN_GAP_MS = 20 * 60_000

// Notes a volume finding its check graded high, by each of its reporters, on the issuer's clock:
// a run of them per reporter, any family, broken by VOLUME_RUN_GAP_MS without (at most 4 reporters
// an agent). Whether one of those reporters' runs has gone on for KEPT_UP_MS: a reporter's own
// findings, so that a hostile reporter keeping a made-up incident going cannot make an honest
// verifier's one jump high (a review of the first version, which took the incident's start).
export function volumeKeptUp(b: AgentBaseline, reporters: readonly string[], now: number): boolean {
  const runs = (b.volumeRuns ??= new Map())
  let kept = false
  for (const r of reporters) {
    let run = runs.get(r)
    if (!run || now - run.last > VOLUME_RUN_GAP_MS || now < run.since) {
      if (!run && runs.size >= 4) runs.delete(runs.keys().next().value!)
      runs.set(r, (run = { since: now, last: now }))
    }
    run.last = Math.max(run.last, now)
    if (now - run.since >= KEPT_UP_MS) kept = true
  }
  return kept
}
