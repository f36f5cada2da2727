/**
 * A suspended or retired agent used for more than its own software retrying (`credential-misuse`).
 *
 * Any use of such an agent is reported (`suspended-agent`, `retired-agent`), and most of it is its
 * own software: a lost phone syncing on, a leaver's laptop, a decommissioned job's cron. Those
 * repeat what they were doing, one request or the few a client keeps in sync (a phone's mail,
 * calendar and files). Someone who took the credential uses it: reads, lists and exports across
 * the agent's families. The evaluation's generators agree (workloads a to i, seeds 1 to 3): the
 * benign weeks' suspended and retired agents made at most four different requests (family and
 * action) after the change, their thieves two to twenty-eight, mostly five or more.
 *
 * So: five different requests within a day, since the status changed, are someone using it, said
 * `high` once (and again on a later day that reaches five anew). It is a status kind: always
 * reported, never suppressed, and no evidence for containment (the agent is stopped already; the
 * alert is for incident response: who holds its credential, and what did stale verifiers give it).
 */
// (Not imported from baseline.ts, which imports this module.)
const DAY_MS = 86_400_000

export const BEYOND_RETRY = {
  /** Different requests (family and action) within `windowMs` that are more than retrying. */
  requests: 5,
  windowMs: DAY_MS,
} as const

/** A different request a blocked agent made (its family and action) and when it last made it. */
export type BlockedUse = [what: string, at: number]

/**
 * Notes a suspended or retired agent's request (`what`: its family and action) in `uses` (kept in
 * the store, cleared when the agent is seen active again); true when this one made the different
 * requests within the day reach {@link BEYOND_RETRY}.requests.
 */
export function noteBlockedUse(uses: BlockedUse[], what: string, at: number): boolean {
  // (Those of more than a day before go: a phone's few syncs over weeks are no one's session.)
  for (let i = uses.length - 1; i >= 0; i--) if (at - uses[i]![1] > BEYOND_RETRY.windowMs) uses.splice(i, 1)
  const known = uses.find((u) => u[0] === what)
  if (known) {
    known[1] = Math.max(known[1], at)
    return false
  }
  // At most as many as it takes, the oldest going first: said once when they reach it, and again
  // only once a day has made room.
  if (uses.length >= BEYOND_RETRY.requests) {
    uses.shift()
    uses.push([what, at])
    return false
  }
  uses.push([what, at])
  return uses.length === BEYOND_RETRY.requests
}

/** Whether the different requests noted (as of the last {@link noteBlockedUse}) are more than a retry makes. */
export const beyondRetry = (uses: readonly BlockedUse[]): boolean => uses.length >= BEYOND_RETRY.requests

/** A stored list, as far as it is well formed (a time after the agent's last event, from a row dated ahead, counts for nothing). */
export function restoreBlockedUse(stored: unknown, lastAt: number): BlockedUse[] {
  if (!Array.isArray(stored)) return []
  const out: BlockedUse[] = []
  for (const u of stored.slice(-BEYOND_RETRY.requests)) if (Array.isArray(u) && typeof u[0] === 'string' && typeof u[1] === 'number' && Number.isFinite(u[1]) && u[1] <= lastAt && !out.some((x) => x[0] === u[0])) out.push([u[0], u[1]])
  return out
}
