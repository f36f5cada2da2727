import { BoundedCache } from '../internal/bounded-cache.js'

/** Outcome of consuming a challenge. */
export type ChallengeUse = 'ok' | 'unknown' | 'expired' | 'used'

/**
 * Single-use challenges with a time to live, bounded in memory: the oldest are forgotten first,
 * so a flood of challenge requests can only make old challenges fail, never grow memory.
 */
export class ChallengeStore {
  readonly #ttlMs: number
  readonly #issued: BoundedCache<string, { expiresAt: number; used: boolean }>

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs
    this.#issued = new BoundedCache(max)
  }

  issue(nowMs: number, random: (size: number) => Buffer): string {
    const nonce = random(16).toString('base64url')
    this.#issued.set(nonce, { expiresAt: nowMs + this.#ttlMs, used: false })
    return nonce
  }

  consume(nonce: string, nowMs: number): ChallengeUse {
    const entry = this.#issued.get(nonce)
    if (!entry) return 'unknown'
    if (entry.used) return 'used'
    entry.used = true
    return nowMs >= entry.expiresAt ? 'expired' : 'ok'
  }
}

/**
 * Presentations in use, remembered until they expire, so that the same VP is refused a second time
 * even when its challenge came from elsewhere. Entries are never evicted while they live: when
 * the cache is full of live entries it refuses new presentations (fails closed) rather than forget
 * one and let it be replayed.
 */
export class ReplayCache {
  readonly #max: number
  readonly #until = new Map<string, number>()
  #lastSweep = -Infinity

  constructor(max: number) {
    this.#max = max
  }

  /**
   * Reserves `key` until `expiresAtMs`: 'ok', 'replay' when it is reserved already, or 'full'.
   */
  reserve(key: string, expiresAtMs: number, nowMs: number): 'ok' | 'replay' | 'full' {
    const until = this.#until.get(key)
    if (until !== undefined && until > nowMs) return 'replay'
    // Expired entries are swept only when the cache is full, and at most once a second, so that a
    // flood of refused presentations cannot make every request pay for a sweep.
    if (this.#until.size >= this.#max && nowMs - this.#lastSweep >= 1000) {
      this.#lastSweep = nowMs
      for (const [old, oldUntil] of this.#until) if (oldUntil <= nowMs) this.#until.delete(old)
    }
    if (this.#until.size >= this.#max) return 'full'
    this.#until.set(key, expiresAtMs)
    return 'ok'
  }

  /** Forgets a reservation whose presentation was refused, so that it cannot crowd out others. */
  release(key: string): void {
    this.#until.delete(key)
  }
}
