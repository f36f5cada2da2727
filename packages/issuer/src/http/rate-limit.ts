/** Requests per second and the burst a client may spend at once. */
export interface RateLimit {
  readonly perSecond: number
  readonly burst: number
}

/**
 * Token buckets by key (a client address, a principal): each request takes one token; tokens come
 * back at `perSecond`, up to `burst`. A key with no token left gets the seconds to wait. At most
 * `maxKeys` buckets are kept; past that the oldest are forgotten (a forgotten key starts full).
 */
export class RateLimiter {
  readonly #limit: RateLimit
  readonly #maxKeys: number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(limit: RateLimit, maxKeys = 100_000) {
    this.#limit = limit
    this.#maxKeys = maxKeys
  }

  /** 0 when the request may go, else the seconds until it may. */
  take(key: string, nowMs: number): number {
    const { perSecond, burst } = this.#limit
    let bucket = this.#buckets.get(key)
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string)
      bucket = { tokens: burst, at: nowMs }
      this.#buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond)
    bucket.at = nowMs
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil((1 - bucket.tokens) / perSecond)
  }
}
