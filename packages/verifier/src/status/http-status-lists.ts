import { agentIdError } from '@agentid/core'
import type { CredentialStatusEntry, VerifiedCredential } from '../credential/verify-credential.js'
import { statusFromList } from './static-status-lists.js'
import { checkStatusListJwt, type CheckedStatusList } from './status-list-credential.js'
import { unavailable, type StatusOutcome, type StatusSource } from './status-source.js'

/** Options of {@link httpStatusLists}. */
export interface HttpStatusListOptions {
  /** Seconds after its publication that a list is still trusted as current (default 300). */
  readonly maxAge?: number
  /** Seconds after its publication at which a list is refetched in the background (default maxAge / 2). */
  readonly refreshAfter?: number
  /** Milliseconds a fetch may take (default 2000). */
  readonly timeoutMs?: number
  /** Largest list response accepted, in bytes (default 4 MiB). */
  readonly maxBytes?: number
  /**
   * Origins (`https://issuer.example`) lists may be fetched from. Default: any http(s) origin.
   * A list URL is named by a trusted issuer's signed credential; this bounds where that can lead.
   */
  readonly allowedOrigins?: readonly string[]
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch
}

/** A status source that fetches lists over HTTP and keeps them; `refresh` forces a fetch. */
export interface HttpStatusSource extends StatusSource {
  /** Fetches the list at `url` now (a conditional GET when it is cached). */
  refresh(url: string): Promise<void>
  /** True when the list at `url` is cached: the lists this verifier uses. */
  knows(url: string): boolean
  /** The URLs of the cached lists. */
  urls(): string[]
}

interface Cached {
  list: CheckedStatusList
  etag?: string
}

/**
 * A status source that fetches Bitstring Status List credentials over HTTP(S) (Bitstring Status
 * List v1.0, section 3.2), verifies them like any list, and caches them by URL. A list is used
 * while younger than `maxAge`; past `refreshAfter` it is refetched in the background (conditional
 * GET with its ETag) while the cached copy still answers; past `maxAge`, or when no list can be
 * had, the check fails closed with ERR_STATUS_UNAVAILABLE. Concurrent checks share one fetch.
 * @throws AgentIdError ERR_USAGE for bad options
 */
export function httpStatusLists(options: HttpStatusListOptions = {}): HttpStatusSource {
  const maxAge = options.maxAge ?? 300
  const refreshAfter = options.refreshAfter ?? maxAge / 2
  const timeoutMs = options.timeoutMs ?? 2000
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024
  if (!(maxAge > 0) || !(refreshAfter >= 0 && refreshAfter <= maxAge) || !(timeoutMs > 0) || !(maxBytes > 0)) {
    throw agentIdError('ERR_USAGE', 'maxAge, refreshAfter (at most maxAge), timeoutMs and maxBytes must be positive numbers')
  }
  const allowed = options.allowedOrigins?.map((o) => new URL(o).origin)
  const doFetch = options.fetch ?? fetch
  const cache = new Map<string, Cached>()
  const inFlight = new Map<string, Promise<void>>()

  async function load(url: string): Promise<void> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch (cause) {
      throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list URL ${url} is not a URL`, { cause })
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list URL ${url} is not http(s)`)
    if (allowed && !allowed.includes(parsed.origin)) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list origin ${parsed.origin} is not allowed`)
    const known = cache.get(url)
    let response: Response
    try {
      response = await doFetch(url, {
        headers: { accept: 'application/vc+jwt, application/jwt, text/plain', ...(known?.etag ? { 'if-none-match': known.etag } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      })
    } catch (cause) {
      throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} could not be fetched: ${(cause as Error).message}`, { cause })
    }
    if (response.status === 304 && known) return
    if (response.status !== 200) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} answered HTTP ${response.status}`)
    const length = Number(response.headers.get('content-length') ?? 0)
    if (length > maxBytes) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is larger than ${maxBytes} bytes`)
    const body = await response.text()
    if (body.length > maxBytes) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is larger than ${maxBytes} bytes`)
    const list = checkStatusListJwt(body.trim())
    // The list must be the one the credential points to, not another the server chose to send.
    if (list.url !== url) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list fetched from ${url} says it is ${list.url}`)
    if (known && known.list.issuedAt > list.issuedAt) return // never go back to an older version
    const etag = response.headers.get('etag')
    cache.set(url, { list, ...(etag ? { etag } : {}) })
  }

  function fetchOnce(url: string): Promise<void> {
    let pending = inFlight.get(url)
    if (!pending) {
      pending = load(url).finally(() => inFlight.delete(url))
      inFlight.set(url, pending)
    }
    return pending
  }

  return {
    refresh: fetchOnce,
    knows: (url) => cache.has(url),
    urls: () => [...cache.keys()],

    async check(entry: CredentialStatusEntry, credential: VerifiedCredential, nowMs: number): Promise<StatusOutcome> {
      const url = entry.statusListCredential
      let cached = cache.get(url)
      const age = cached ? nowMs / 1000 - cached.list.issuedAt : Infinity
      if (age > maxAge) {
        try {
          await fetchOnce(url)
        } catch (error) {
          return unavailable((error as Error).message)
        }
        cached = cache.get(url)
      } else if (age > refreshAfter) {
        // Still fresh enough to answer; fetch the next version without making this caller wait.
        fetchOnce(url).catch(() => undefined)
      }
      return statusFromList(cached?.list, entry, credential, nowMs, maxAge)
    },
  }
}
