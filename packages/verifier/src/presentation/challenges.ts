import { randomBytes } from 'node:crypto'
import { LruMap } from '../internal/lru.js'

/** Outcome of consuming a challenge. */
export type ChallengeUse = 'ok' | 'unknown' | 'expired' | 'used'

/**
 * Single-use challenges with a time to live, bounded in memory: the oldest are forgotten first,
 * so a flood of challenge requests can only make old challenges fail, never grow memory.
 */
export class ChallengeStore {
  readonly #ttlMs: number
  readonly #issued: LruMap<string, { expiresAt: number; used: boolean }>

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs
    this.#issued = new LruMap(max)
  }

  issue(nowMs: number, random: (size: number) => Buffer = randomBytes): string {
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
 * Presentations already accepted, remembered until they expire, so that the same VP is refused a
 * second time even when its challenge came from elsewhere. Bounded: when full, the entries that
 * expire first are forgotten (they would be refused as expired anyway soon after).
 */
export class ReplayCache {
  readonly #seen: LruMap<string, number>

  constructor(max: number) {
    this.#seen = new LruMap(max)
  }

  /** True when `key` was seen and has not expired; otherwise records it until `expiresAtMs`. */
  seenBefore(key: string, expiresAtMs: number, nowMs: number): boolean {
    const until = this.#seen.get(key)
    if (until !== undefined && until > nowMs) return true
    this.#seen.set(key, expiresAtMs)
    return false
  }
}
