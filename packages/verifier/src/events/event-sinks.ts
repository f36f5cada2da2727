import { appendFile } from 'node:fs/promises'

/** One decision of a verifier, reported for monitoring (what the issuer's `POST /events` takes). */
export interface VerificationEvent {
  /** Milliseconds since the epoch. */
  readonly at: number
  /** The holder the decision was about. */
  readonly agent: string
  readonly decision: 'allow' | 'deny'
  readonly code?: string
  readonly credential?: string
  readonly resource?: string
  readonly action?: string
  readonly purpose?: string
  readonly records?: number
  readonly ip?: string
  /** The verifier's own segment. */
  readonly segment?: string
  readonly verifier?: string
}

/**
 * Where a verifier's events go. `emit` never blocks and never throws: events wait in a bounded
 * queue, and past it they are dropped and counted, so monitoring can never slow a verification.
 */
export interface EventSink {
  emit(event: VerificationEvent): void
  /** Events dropped because the queue was full (or a delivery failed for good). */
  readonly dropped: number
  /** Sends what is queued now. */
  flush(): Promise<void>
  /** Flushes, then stops. */
  close(): Promise<void>
}

interface QueueOptions {
  /** Most events waiting (default 10,000). */
  readonly maxQueue?: number
  /** Milliseconds between flushes (default 1000). */
  readonly flushMs?: number
  /** Most events per write or request (default 500). */
  readonly batchSize?: number
}

// The queue, the timer and the counting that both sinks share; `send` delivers one batch.
function queuedSink(send: (batch: VerificationEvent[]) => Promise<void>, options: QueueOptions): EventSink {
  const maxQueue = options.maxQueue ?? 10_000
  const batchSize = options.batchSize ?? 500
  const queue: VerificationEvent[] = []
  let dropped = 0
  let sending: Promise<void> = Promise.resolve()
  const flush = (): Promise<void> => {
    sending = sending.then(async () => {
      while (queue.length > 0) {
        const batch = queue.splice(0, batchSize)
        try {
          await send(batch)
        } catch {
          dropped += batch.length
        }
      }
    })
    return sending
  }
  const timer = setInterval(() => void flush(), options.flushMs ?? 1000)
  timer.unref()
  return {
    emit(event) {
      if (queue.length >= maxQueue) dropped++
      else queue.push(event)
    },
    get dropped() {
      return dropped
    },
    flush,
    async close() {
      clearInterval(timer)
      await flush()
    },
  }
}

/** Appends events to a JSON Lines file. */
export function jsonlEventSink(path: string, options: QueueOptions = {}): EventSink {
  return queuedSink((batch) => appendFile(path, batch.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 }), options)
}

/**
 * Posts events in batches to an issuer's `POST /events`, with a principal token (role
 * `reporter`). A batch that cannot be delivered (after one attempt, 5 s timeout) is dropped and
 * counted.
 */
export function httpEventSink(url: string, options: QueueOptions & { readonly token: string; readonly fetch?: typeof fetch }): EventSink {
  const doFetch = options.fetch ?? fetch
  return queuedSink(async (events) => {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(5000),
    })
    await response.body?.cancel()
    if (!response.ok) throw new Error(`events answered HTTP ${response.status}`)
  }, options)
}
