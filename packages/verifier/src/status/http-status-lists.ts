import { agentIdError, isAgentIdError } from '@agentid/core'
import type { CredentialStatusEntry, VerifiedCredential } from '../credential/verify-credential.js'
import { datedInFuture, statusFromList } from './static-status-lists.js'
import { checkStatusListJwt, type CheckedStatusList } from './status-list-credential.js'
import { unavailable, type StatusOutcome, type StatusSource } from './status-source.js'

/** Options of {@link httpStatusLists}. */
export interface HttpStatusListOptions {
  /** Seconds after its publication that a list is still trusted as current (default 300). */
  readonly maxAge?: number
  /** Seconds after its publication at which a list is refetched in the background (default maxAge / 2). */
  readonly refreshAfter?: number
  /** Milliseconds a fetch may take, the whole body included (default 2000). */
  readonly timeoutMs?: number
  /** Largest list response accepted, in bytes (default 4 MiB): the fetch is aborted as soon as the body passes it. */
  readonly maxBytes?: number
  /**
   * Origins (`https://issuer.example`) lists may be fetched from. Default: any http(s) origin.
   * A list URL is named by a trusted issuer's signed credential; this bounds where that can lead.
   */
  readonly allowedOrigins?: readonly string[]
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch
  /** Seconds a fetched list may be dated ahead of this clock (`iat`, `nbf`, `validFrom`; default 60, at most 300). */
  readonly clockTolerance?: number
  /** Clock in milliseconds for fetches that no check started (`refresh`; default `Date.now`). */
  readonly now?: () => number
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

/** What a fetched list must be to take a cached list's place (or the first for a credential). */
interface Expected {
  /** The issuer of the credentials that point to the list: a list is only ever its issuer's own. */
  readonly issuer: string
  /** What it must say: the purpose a credential's entry names, or every purpose of the cached list it replaces. */
  readonly purposes: readonly string[]
}

/**
 * A status source that fetches Bitstring Status List credentials over HTTP(S) (Bitstring Status
 * List v1.0, section 3.2), verifies them like any list, and caches them by URL and issuer. A list
 * is used while younger than `maxAge`; past `refreshAfter` it is refetched in the background
 * (conditional GET with its ETag) while the cached copy still answers; past `maxAge`, or when no
 * list can be had, the check fails closed with ERR_STATUS_UNAVAILABLE. Concurrent checks share
 * one fetch.
 *
 * A fetched list takes the place of a cached one only if it is signed by the issuer of the
 * credentials that use it, at the URL they name, for the same purpose, and is not dated in the
 * future (`iat`, `nbf` or `validFrom` past now + `clockTolerance`) or older: anything
 * else is refused (ERR_STATUS_UNAVAILABLE) and the cached list keeps answering. The body is read
 * as it arrives, up to `maxBytes` (the fetch is aborted past it), and `timeoutMs` covers the whole
 * response, body included.
 * @throws AgentIdError ERR_USAGE for bad options
 */
export function httpStatusLists(options: HttpStatusListOptions = {}): HttpStatusSource {
  const maxAge = options.maxAge ?? 300
  const refreshAfter = options.refreshAfter ?? maxAge / 2
  const timeoutMs = options.timeoutMs ?? 2000
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024
  const tolerance = options.clockTolerance ?? 60
  if (!(maxAge > 0) || !(refreshAfter >= 0 && refreshAfter <= maxAge) || !(timeoutMs > 0) || !(maxBytes > 0) || !(tolerance >= 0 && tolerance <= 300)) {
    throw agentIdError('ERR_USAGE', 'maxAge, refreshAfter (at most maxAge), timeoutMs and maxBytes must be positive numbers, clockTolerance 0 to 300')
  }
  const allowed = options.allowedOrigins?.map((o) => new URL(o).origin)
  const doFetch = options.fetch ?? fetch
  const now = options.now ?? Date.now
  // URL -> issuer -> its list: a list signed by anyone else for the same URL never displaces it.
  const cache = new Map<string, Map<string, Cached>>()
  const inFlight = new Map<string, Promise<void>>()

  async function load(url: string, expected: Expected | undefined, nowMs: number): Promise<void> {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch (cause) {
      throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list URL ${url} is not a URL`, { cause })
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list URL ${url} is not http(s)`)
    if (allowed && !allowed.includes(parsed.origin)) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list origin ${parsed.origin} is not allowed`)
    const known = expected ? cache.get(url)?.get(expected.issuer) : undefined
    // One deadline for the whole exchange: headers fast and a body dripped forever still ends.
    const signal = AbortSignal.timeout(timeoutMs)
    let body: string
    let etag: string | null
    try {
      const response = await doFetch(url, {
        headers: { accept: 'application/vc+jwt, application/jwt, text/plain', ...(known?.etag ? { 'if-none-match': known.etag } : {}) },
        signal,
        redirect: 'error',
      })
      if (response.status === 304 && known) {
        await response.body?.cancel()
        return
      }
      if (response.status !== 200) {
        await response.body?.cancel()
        throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} answered HTTP ${response.status}`)
      }
      etag = response.headers.get('etag')
      body = await readCapped(response, maxBytes, signal, url)
    } catch (cause) {
      if (isAgentIdError(cause)) throw cause
      const reason = signal.aborted ? `took longer than ${timeoutMs} ms` : (cause as Error).message
      throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} could not be fetched: ${reason}`, { cause })
    }
    const list = checkStatusListJwt(body.trim())
    // The list must be the one the credential points to, not another the server chose to send.
    if (list.url !== url) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list fetched from ${url} says it is ${list.url}`)
    if (expected && list.issuer !== expected.issuer) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is signed by ${list.issuer}, not by ${expected.issuer}, the issuer of the credentials that use it`)
    if (expected && !expected.purposes.every((p) => list.purposes.includes(p))) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is for ${list.purposes.join(', ')}, not ${expected.purposes.join(', ')}`)
    if (datedInFuture(list, nowMs / 1000, tolerance)) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is dated in the future`)
    const current = cache.get(url)?.get(list.issuer)
    if (current && current.list.issuedAt > list.issuedAt) return // never go back to an older version
    const lists = cache.get(url) ?? new Map<string, Cached>()
    lists.set(list.issuer, { list, ...(etag ? { etag } : {}) })
    cache.set(url, lists)
  }

  function fetchOnce(url: string, expected: Expected | undefined, nowMs: number): Promise<void> {
    const key = `${expected?.issuer ?? ''} ${expected?.purposes.join(',') ?? ''} ${url}`
    let pending = inFlight.get(key)
    if (!pending) {
      pending = load(url, expected, nowMs).finally(() => inFlight.delete(key))
      inFlight.set(key, pending)
    }
    return pending
  }

  return {
    // Each list cached for the URL is refetched for its own issuer; a URL not cached yet is
    // fetched and kept under whoever signed it (only that issuer's credentials will look there).
    async refresh(url) {
      const lists = [...(cache.get(url)?.values() ?? [])]
      if (lists.length === 0) return fetchOnce(url, undefined, now())
      await Promise.all(lists.map(({ list }) => fetchOnce(url, { issuer: list.issuer, purposes: list.purposes }, now())))
    },
    knows: (url) => cache.has(url),
    urls: () => [...cache.keys()],

    async check(entry: CredentialStatusEntry, credential: VerifiedCredential, nowMs: number): Promise<StatusOutcome> {
      const url = entry.statusListCredential
      const expected = { issuer: credential.issuer, purposes: [entry.statusPurpose] }
      let cached = cache.get(url)?.get(credential.issuer)
      const age = cached ? nowMs / 1000 - cached.list.issuedAt : Infinity
      if (age > maxAge) {
        try {
          await fetchOnce(url, expected, nowMs)
        } catch (error) {
          return unavailable((error as Error).message)
        }
        cached = cache.get(url)?.get(credential.issuer)
      } else if (age > refreshAfter) {
        // Still fresh enough to answer; fetch the next version without making this caller wait.
        fetchOnce(url, expected, nowMs).catch(() => undefined)
      }
      return statusFromList(cached?.list, entry, credential, nowMs, maxAge)
    },
  }
}

/**
 * The body as text, read chunk by chunk: past `maxBytes` the read is cancelled (the connection
 * closes) instead of the whole body being buffered first; `signal` (the fetch's deadline) also
 * ends a body that is still arriving.
 */
async function readCapped(response: Response, maxBytes: number, signal: AbortSignal, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is larger than ${maxBytes} bytes`)
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  // A fetch other than undici's may not end its body when the signal fires: end it here.
  const stop = () => void reader.cancel(signal.reason).catch(() => undefined)
  signal.addEventListener('abort', stop, { once: true })
  try {
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      const { done, value } = await reader.read()
      signal.throwIfAborted()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel()
        throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list ${url} is larger than ${maxBytes} bytes`)
      }
      chunks.push(value)
    }
    return Buffer.concat(chunks).toString('utf8')
  } finally {
    signal.removeEventListener('abort', stop)
  }
}
