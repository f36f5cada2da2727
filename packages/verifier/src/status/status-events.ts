import { agentIdError, parseStrictJson } from '@agentid/core'
import type { HttpStatusSource } from './http-status-lists.js'

/** Options of {@link subscribeStatusEvents}. */
export interface StatusEventOptions {
  /** Milliseconds to wait before reconnecting after the stream ends or fails (default 1000). */
  readonly reconnectMs?: number
  /** Called with each connection failure (default: ignored; the subscription keeps trying). */
  readonly onError?: (error: Error) => void
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch
  /**
   * Headers sent with the subscription, e.g. `{ authorization: 'Bearer <token>' }`: an issuer
   * keeps slots for verifiers that authenticate, beside the anonymous ones (which are limited per
   * client address).
   */
  readonly headers?: Readonly<Record<string, string>>
}

/** A running subscription. */
export interface StatusSubscription {
  /** Resolves once the first connection is open. */
  readonly ready: Promise<void>
  close(): void
}

const MAX_EVENT = 4096

/**
 * Subscribes to an issuer's status events (`GET /status/events`, server-sent events) and
 * refetches at once a cached list that an event says changed, instead of waiting for the next
 * poll: revocation reaches the verifier in about the time of one fetch. Events are hints and
 * carry nothing that is trusted: the list is fetched and verified as always, from where the
 * credential says (and `allowedOrigins` allows), and only lists this verifier already uses are
 * refetched. After every (re)connection all cached lists are refreshed, since events may have been
 * missed. Polling (`refreshAfter`, `maxAge`) remains the fallback.
 * @throws AgentIdError ERR_USAGE for a URL that is not http(s)
 */
export function subscribeStatusEvents(source: HttpStatusSource, url: string, options: StatusEventOptions = {}): StatusSubscription {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw agentIdError('ERR_USAGE', `status events URL ${url} is not a URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw agentIdError('ERR_USAGE', 'status events URL must be http(s)')
  const reconnectMs = options.reconnectMs ?? 1000
  const doFetch = options.fetch ?? fetch
  const abort = new AbortController()
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  const onEvent = (data: string) => {
    let event: unknown
    try {
      event = parseStrictJson(data, { maxLength: MAX_EVENT, maxDepth: 2 })
    } catch {
      return // not ours: ignore
    }
    const listUrl = (event as { url?: unknown } | null)?.url
    if (typeof listUrl === 'string' && source.knows(listUrl)) source.refresh(listUrl).catch(() => undefined)
  }

  async function connect(): Promise<void> {
    const response = await doFetch(url, { headers: { ...options.headers, accept: 'text/event-stream' }, signal: abort.signal, redirect: 'error' })
    if (response.status !== 200 || !response.body) throw new Error(`status events ${url} answered HTTP ${response.status}`)
    markReady()
    for (const listUrl of source.urls()) source.refresh(listUrl).catch(() => undefined)
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      if (buffer.length > 64 * MAX_EVENT) throw new Error(`status events ${url} sent an event that is too long`)
      let end: number
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '')
        const data = block.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n')
        if (data !== '') onEvent(data)
      }
    }
  }

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await connect()
      } catch (error) {
        if (abort.signal.aborted) break
        options.onError?.(error as Error)
      }
      if (abort.signal.aborted) break
      await new Promise((resolve) => setTimeout(resolve, reconnectMs).unref())
    }
  })()

  return { ready, close: () => abort.abort() }
}
