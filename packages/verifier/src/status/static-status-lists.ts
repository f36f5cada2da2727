import { agentIdError, formatDuration } from '@agentid/core'
import type { CredentialStatusEntry, VerifiedCredential } from '../credential/verify-credential.js'
import { statusAt } from './bitstring.js'
import { checkStatusListJwt, type CheckedStatusList } from './status-list-credential.js'
import { unavailable, type StatusOutcome, type StatusSource } from './status-source.js'

/** Options of {@link statusListsFromJwts}. */
export interface StaticStatusListOptions {
  /** Seconds after its publication that a list is still trusted as current (default 3600). */
  readonly maxAge?: number
}

/** Seconds a list may be dated ahead of this clock when no tolerance is configured: the verifier's cap. */
const FUTURE_TOLERANCE = 300

/** True when a list says it was published, or becomes valid, more than `toleranceSec` after `nowSec`. */
export function datedInFuture(list: CheckedStatusList, nowSec: number, toleranceSec: number): boolean {
  return Math.max(list.issuedAt, list.notBefore ?? 0) - nowSec > toleranceSec
}

/**
 * The status of one credential entry in a list the caller found for it (by issuer and URL), or
 * ERR_STATUS_UNAVAILABLE when there is none or it cannot be trusted now: expired, older than
 * `maxAge` seconds, dated in the future, for another purpose, or the index is outside it.
 */
export function statusFromList(list: CheckedStatusList | undefined, entry: CredentialStatusEntry, credential: VerifiedCredential, nowMs: number, maxAge: number): StatusOutcome {
  if (entry.statusPurpose !== 'revocation' && entry.statusPurpose !== 'suspension') return unavailable(`status purpose ${entry.statusPurpose} is not supported`)
  if (entry.statusSize !== undefined && entry.statusSize !== 1) return unavailable(`status size ${String(entry.statusSize)} is not supported`)
  if (!list) return unavailable(`no status list ${entry.statusListCredential} from ${credential.issuer} for credential ${credential.id}`)
  if (list.issuer !== credential.issuer || list.url !== entry.statusListCredential) return unavailable(`status list ${list.url} is not the credential's`)
  if (!list.purposes.includes(entry.statusPurpose)) return unavailable(`status list ${list.url} is for ${list.purposes.join(', ')}, not ${entry.statusPurpose}`)
  const nowSec = nowMs / 1000
  if (list.expires !== undefined && nowSec >= list.expires) return unavailable(`status list ${list.url} has expired`)
  if (nowSec - list.issuedAt > maxAge) return unavailable(`status list ${list.url} is older than ${Number.isSafeInteger(maxAge) ? formatDuration(maxAge) : `${maxAge} seconds`}`)
  // Published, or valid only, "in the future" by more than any sane clock skew: its age cannot be trusted.
  if (datedInFuture(list, nowSec, FUTURE_TOLERANCE)) return unavailable(`status list ${list.url} is dated in the future`)
  let value: number
  try {
    value = statusAt(list.bits, Number(entry.statusListIndex))
  } catch (error) {
    return unavailable((error as Error).message)
  }
  if (value === 0) return { ok: true }
  return entry.statusPurpose === 'revocation'
    ? { ok: false, code: 'ERR_VC_REVOKED', message: `credential ${credential.id} has been revoked` }
    : { ok: false, code: 'ERR_VC_SUSPENDED', message: `credential ${credential.id} is suspended` }
}

/**
 * A status source over status list credentials the caller already has (files, a message), for
 * fully offline verification. A list older than `maxAge`, expired, signed by another issuer than
 * the credential's, or for another purpose, is not used: the check fails closed.
 * @throws AgentIdError ERR_STATUS_UNAVAILABLE when a list is not a valid status list credential
 */
export function statusListsFromJwts(jwts: readonly string[], options: StaticStatusListOptions = {}): StatusSource {
  const maxAge = options.maxAge ?? 3600
  if (!Number.isFinite(maxAge) || maxAge <= 0) throw agentIdError('ERR_USAGE', 'maxAge must be a positive number of seconds')
  // Keyed by issuer and URL: a list signed by someone else for the same URL never displaces the
  // issuer's own. Every version is kept, newest first: one dated in the future (or not yet
  // valid) is passed over for the newest that can be used now, rather than hiding it.
  const lists = new Map<string, CheckedStatusList[]>()
  for (const jwt of jwts) {
    const list = checkStatusListJwt(jwt)
    const key = `${list.issuer} ${list.url}`
    lists.set(key, [...(lists.get(key) ?? []), list].sort((a, b) => b.issuedAt - a.issuedAt))
  }
  return {
    check(entry: CredentialStatusEntry, credential: VerifiedCredential, nowMs: number): StatusOutcome {
      const versions = lists.get(`${credential.issuer} ${entry.statusListCredential}`) ?? []
      const current = versions.find((list) => !datedInFuture(list, nowMs / 1000, FUTURE_TOLERANCE)) ?? versions[0]
      return statusFromList(current, entry, credential, nowMs, maxAge)
    },
  }
}
