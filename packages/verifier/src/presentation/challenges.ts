import { createHmac, timingSafeEqual } from 'node:crypto'

/** Outcome of consuming a challenge. */
export type ChallengeUse = 'ok' | 'unknown' | 'expired' | 'used' | 'full'

const RANDOM_BYTES = 16
const EXPIRY_BYTES = 6
const MAC_BYTES = 16
const CHALLENGE_BYTES = RANDOM_BYTES + EXPIRY_BYTES + MAC_BYTES
/** base64url length of a challenge: 38 bytes, 51 characters. */
const CHALLENGE_LENGTH = Math.ceil((CHALLENGE_BYTES * 4) / 3)

/**
 * Stateless single-use challenges: a challenge is random(16) || expiry(6, milliseconds) ||
 * HMAC-SHA256(key, random || expiry) cut to 16 bytes, base64url. Issuing one stores nothing, so
 * no number of challenge requests can push out the ones already given (a store of the newest N
 * could be flushed by one client asking N times). A challenge is checked by recomputing its MAC;
 * single use is a reservation in a {@link ReplayCache} that lasts until the challenge expires,
 * taken only for a presentation that is signed and addressed to this verifier, and given back
 * when that presentation is refused: the cache holds no more than the live accepted answers.
 */
export class ChallengeStore {
  readonly #ttlMs: number
  readonly #key: Buffer
  readonly #used: ReplayCache

  /**
   * @param key the MAC key (32 random bytes; a verifier's own, never shared)
   * @param maxUsed live answered challenges remembered; past it, new answers are refused (`'full'`)
   */
  constructor(ttlMs: number, key: Buffer, maxUsed: number) {
    this.#ttlMs = ttlMs
    this.#key = key
    this.#used = new ReplayCache(maxUsed)
  }

  issue(nowMs: number, random: (size: number) => Buffer): string {
    const body = Buffer.alloc(RANDOM_BYTES + EXPIRY_BYTES)
    random(RANDOM_BYTES).copy(body, 0, 0, RANDOM_BYTES)
    body.writeUIntBE(nowMs + this.#ttlMs, RANDOM_BYTES, EXPIRY_BYTES)
    return Buffer.concat([body, this.#mac(body)]).toString('base64url')
  }

  /** Checks a challenge and reserves it until it expires: 'ok' once, then 'used'. */
  consume(nonce: string, nowMs: number): ChallengeUse {
    if (nonce.length !== CHALLENGE_LENGTH) return 'unknown'
    const bytes = Buffer.from(nonce, 'base64url')
    // Buffer.from ignores what is not base64url: the exact text must round-trip, so that one
    // challenge has one spelling (the used-challenge cache is keyed by it).
    if (bytes.length !== CHALLENGE_BYTES || bytes.toString('base64url') !== nonce) return 'unknown'
    const body = bytes.subarray(0, RANDOM_BYTES + EXPIRY_BYTES)
    if (!timingSafeEqual(this.#mac(body), bytes.subarray(RANDOM_BYTES + EXPIRY_BYTES))) return 'unknown'
    const expiresAt = body.readUIntBE(RANDOM_BYTES, EXPIRY_BYTES)
    if (nowMs >= expiresAt) return 'expired'
    const use = this.#used.reserve(nonce, expiresAt, nowMs)
    return use === 'replay' ? 'used' : use
  }

  /** Gives back a challenge whose presentation was refused: it may be answered again until it expires. */
  release(nonce: string): void {
    this.#used.release(nonce)
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, MAC_BYTES)
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
