/**
 * A suspended or retired agent used for more than its own software retrying (`credential-misuse`).
 *
 * Any use of such an agent is reported (`suspended-agent`, `retired-agent`), and most of it is its
 * own software: a lost phone syncing on, a leaver's laptop, a decommissioned job's cron. Those
 * repeat what they were doing, one request or the few a client keeps in sync (a phone's mail,
 * calendar and files). Someone who took the credential uses it: reads, lists and exports across
 * the agent's families. The evaluation's generators agree (workloads a to i, seeds 1 to 3): the
 * benign weeks' suspended and retired agents made at most four different requests (family and
 * action) after the change, their thieves one to twenty-eight, two thirds of them five or more.
 *
 * So: five different requests within a day, since the status changed, are someone using it, said
 * `high` once a day on each reporter's word, at a request new to it (noteBlockedUse). It is a
 * status kind: always reported, never suppressed, and no evidence for containment (the agent is
 * stopped already; the alert is for incident response: who holds its credential, and what did
 * stale verifiers give it). Up to three, its requests refused for its status are retrying (the
 * detector's status branch): from a network of its own `low` (its software's retries), from
 * elsewhere `medium` (a leaver's laptop at home); from the fourth `medium` and `high`
 * (workload-h's thieves of retired services use four families from the service's own network).
 */
// (Not imported from baseline.ts, which imports this module.)
const DAY_MS = 86_400_000

export const BEYOND_RETRY = {
  /** Different requests (family and action) within `windowMs` that are someone using it. */
  requests: 5,
  /**
   * At most this many are what its software's retries make (one request, a phone's few syncs):
   * refused for its status, the status alert says them a step lower (`low` from its own network,
   * `medium` from elsewhere) than beyond.
   */
  retries: 3,
  windowMs: DAY_MS,
  /** Requests kept, each as one reporter reported it (the alert names them; see `evicted` for which goes first). */
  kept: 16,
  /** Reporters kept on whose word it was said within the day. */
  saidKept: 8,
  /** A stored request or reporter longer than this is none a verifier reported. */
  longest: 600,
} as const

// The refusals of a verifier that checked its status: retries its software makes (any other
// refusal means a verifier took the credential, its status list stale).
const STATUS_REFUSALS: ReadonlySet<string> = new Set(['ERR_VC_SUSPENDED', 'ERR_VC_REVOKED'])

/**
 * While an agent is suspended or retired: the requests it made within the last day (`what`: its
 * family and action, {@link requestOf}), each as one reporter reported it (`by`) with when it
 * last did, and the reporters on whose word `credential-misuse` was said within the day, with
 * when. Stored; emptied when the agent is active again.
 */
export interface BlockedUse {
  uses: Array<[what: string, at: number, by: string]>
  said: Array<[by: string, at: number]>
}

export const newBlockedUse = (): BlockedUse => ({ uses: [], said: [] })

/** The key of a request: its family and action (JSON: no character of theirs can make two one). */
export const requestOf = (family: string | undefined, action: string | undefined): string => JSON.stringify([family ?? '', action ?? ''])

/**
 * Notes a suspended or retired agent's request (`what`, {@link requestOf}) reported by `by`; true
 * when it is new within the day to `by`, the different requests within the day (whoever reported
 * them) are five or more, and `by` has not had it said on its word within the day. Said once a
 * day per reporter, at a request of its own: a hostile reporter's five made-up requests, said on
 * its word, must not hide what an honest verifier sees next, even when they are the requests the
 * thief then makes (two adversarial reviews: when one reaching was said once, and when only a
 * request new to all of them was said, they did).
 */
export function noteBlockedUse(u: BlockedUse, what: string, at: number, by: string): boolean {
  // (Those of more than a day before go: a phone's few syncs over weeks are no one's session.)
  forget(u.uses, at)
  forget(u.said, at)
  const known = u.uses.find((x) => x[0] === what && x[2] === by)
  if (known) {
    known[1] = Math.max(known[1], at)
    return false
  }
  if (u.uses.length >= BEYOND_RETRY.kept) u.uses.splice(evicted(u.uses), 1)
  u.uses.push([what, at, by])
  if (different(u) < BEYOND_RETRY.requests || u.said.some((x) => x[0] === by)) return false
  if (u.said.length >= BEYOND_RETRY.saidKept) u.said.shift()
  u.said.push([by, at])
  return true
}

/** Whether the different requests noted (as of the last {@link noteBlockedUse}) are more than its software's retries make. */
export const beyondRetry = (u: BlockedUse): boolean => different(u) > BEYOND_RETRY.retries

/**
 * Whether a suspended or retired agent's refusal (its `code`) is its software retrying: a verifier
 * refused its status, and it made no more different requests within the day than retries do.
 */
export const retrying = (code: string | undefined, u: BlockedUse): boolean => code !== undefined && STATUS_REFUSALS.has(code) && !beyondRetry(u)

/** The different requests noted, as the alert names them (family and action), those `by` reported first. */
export function requestsOf(u: BlockedUse, by: string): { requests: string[]; reportedBy: number } {
  const own = new Set(u.uses.filter((x) => x[2] === by).map((x) => x[0]))
  const all = [...new Set([...own, ...u.uses.map((x) => x[0])])]
  return { requests: all.map((what) => (JSON.parse(what) as string[]).join(' ').trim()), reportedBy: own.size }
}

// How many different requests are noted (whoever reported them).
function different(u: BlockedUse): number {
  return new Set(u.uses.map((x) => x[0])).size
}

// Drops the entries of more than a day before `at`.
function forget<T extends [string, number, ...string[]]>(entries: T[], at: number): void {
  for (let i = entries.length - 1; i >= 0; i--) if (at - entries[i]![1] > BEYOND_RETRY.windowMs) entries.splice(i, 1)
}

// The entry to make room: the one made longest ago of those another reporter reported too, else
// of all. (The oldest of all, a third review found, let a request reported by eight verifiers push
// a thief's other requests out, its count kept at a retry's.)
function evicted(entries: ReadonlyArray<[string, number, string]>): number {
  let copy = -1
  let any = 0
  for (let i = 0; i < entries.length; i++) {
    const [what, at] = entries[i]!
    if (at < entries[any]![1]) any = i
    if ((copy < 0 || at < entries[copy]![1]) && entries.some((x, j) => j !== i && x[0] === what)) copy = i
  }
  return copy >= 0 ? copy : any
}

/** A stored row's, as far as it is well formed (a time after the agent's last event, from a row dated ahead, counts for nothing). */
export function restoreBlockedUse(stored: unknown, lastAt: number): BlockedUse {
  const o = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {}
  const ok = (e: unknown[], strings: number[]) => strings.every((i) => typeof e[i] === 'string' && (e[i] as string).length <= BEYOND_RETRY.longest) && typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] <= lastAt
  const uses: BlockedUse['uses'] = []
  for (const e of Array.isArray(o.uses) ? o.uses.slice(-BEYOND_RETRY.kept) : []) {
    if (Array.isArray(e) && ok(e, [0, 2]) && validRequest(e[0]) && !uses.some((x) => x[0] === e[0] && x[2] === e[2])) uses.push([e[0], e[1], e[2]])
  }
  const said: BlockedUse['said'] = []
  for (const e of Array.isArray(o.said) ? o.said.slice(-BEYOND_RETRY.saidKept) : []) {
    if (Array.isArray(e) && ok(e, [0]) && !said.some((x) => x[0] === e[0])) said.push([e[0], e[1]])
  }
  return { uses, said }
}

// Whether a stored request is one requestOf wrote.
function validRequest(what: string): boolean {
  try {
    const x: unknown = JSON.parse(what)
    return Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'string')
  } catch {
    return false
  }
}
