import { verifyChainFrom } from '../audit/checkpoints.js'
import { GENESIS_HASH } from '../audit/hash-chain.js'
import type { Issuer } from '../issuer.js'

/** One check of `GET /readyz`: ok, or why not. */
export interface ReadinessCheck {
  readonly ok: boolean
  readonly detail: string
}

/** What `GET /readyz` answers (503 when `ready` is false). */
export interface Readiness {
  readonly ready: boolean
  readonly checks: { readonly store: ReadinessCheck; readonly keys: ReadinessCheck; readonly audit: ReadinessCheck; readonly draining: ReadinessCheck }
  /** The stable code of the first failing check, when not ready. */
  readonly code?: 'ERR_STORE' | 'ERR_KEK_MISMATCH' | 'ERR_AUDIT_BROKEN' | 'ERR_STATUS_UNAVAILABLE'
}

// The background verification reads this many entries, then lets the event loop run: a page
// costs tens of milliseconds of hashing, which requests should not wait behind.
const BACKGROUND_PAGE = 1000

/**
 * Readiness of the service: the store answers, the issuer's key still decrypts, the audit log's
 * chain holds, and the service is not stopping. At start the chain is verified from its newest
 * signed checkpoint (its signature, the stored entry it covers, every entry after it): not ready
 * until that is done, and never if it fails. Then, once ready, the whole chain from entry 1 (and
 * every checkpoint) is verified in the background, a page at a time between requests; a break
 * it finds makes the service not ready, as a failed start would. After that each call checks the
 * entries appended since, chained to the last one verified. An edit deep in the log made while
 * the service runs is caught by `agentid audit verify`, not here. Nothing it answers names a
 * record or a secret.
 */
export class ReadinessProbe {
  readonly #issuer: Issuer
  readonly #log: (line: string) => void
  #audit: { state: 'checking' } | { state: 'ok'; seq: number; hash: string } | { state: 'broken'; detail: string } = { state: 'checking' }
  #started: Promise<void> | undefined
  #full: Promise<void> | undefined
  #stopping = false
  // One tail check at a time: concurrent probes share it.
  #tail: Promise<ReadinessCheck> | undefined
  readonly #pause: () => Promise<void>

  /**
   * @param pause what the background verification waits for before each page (default: the
   * event loop's next turn, so that requests waiting run first).
   */
  constructor(issuer: Issuer, log: (line: string) => void, pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))) {
    this.#issuer = issuer
    this.#log = log
    this.#pause = pause
  }

  /**
   * Starts the verification of the audit log (once): resolves when the part readiness waits for
   * (from the newest checkpoint) is done; the full verification then goes on in the background
   * ({@link verified}).
   */
  start(): Promise<void> {
    this.#started ??= this.#issuer.verifyAuditSinceCheckpoint().then((result) => {
      if (!result.ok) return this.#broken(`audit log is broken at entry ${result.seq}: ${result.reason}`)
      this.#audit = { state: 'ok', seq: result.entries, hash: result.head }
      // With no checkpoint, the start was the full verification already.
      if (result.from > 0) this.#full = this.#verifyAll()
    }, (error: unknown) => {
      this.#audit = { state: 'broken', detail: `the audit log could not be read: ${(error as Error).message}` }
    })
    return this.#started
  }

  /** Resolves once the full verification in the background is done (at once when there is none). */
  async verified(): Promise<void> {
    await this.#started
    await this.#full
  }

  /** Stops the background verification at its next page, and resolves once all is settled. */
  settled(): Promise<void> {
    this.#stopping = true
    return this.verified()
  }

  async #verifyAll(): Promise<void> {
    const stopped = new Error('stopped')
    const yieldToRequests = async () => {
      await this.#pause()
      if (this.#stopping) throw stopped
    }
    await yieldToRequests().then(() => this.#issuer.verifyAudit([], yieldToRequests, BACKGROUND_PAGE)).then((result) => {
      if (!result.ok) this.#broken(`audit log is broken at entry ${result.seq}: ${result.reason} (found by the full verification after start)`)
    }, (error: unknown) => {
      if (error !== stopped) this.#broken(`the audit log could not be read: ${(error as Error).message}`)
    })
  }

  #broken(detail: string): void {
    this.#audit = { state: 'broken', detail }
    this.#log(`agentid serve: not ready: ${detail}`)
  }

  async check(draining: boolean): Promise<Readiness> {
    const store = await this.#issuer.probeStore().then(
      () => ({ ok: true, detail: 'reads' }),
      (error: unknown) => ({ ok: false, detail: (error as Error).message }),
    )
    let kekWrong = false
    const keys = await this.#issuer.checkKeys().then(
      () => ({ ok: true, detail: "the issuer's key decrypts" }),
      (error: unknown) => {
        kekWrong = (error as { code?: string }).code === 'ERR_KEK_MISMATCH'
        return { ok: false, detail: (error as Error).message }
      },
    )
    const audit = store.ok ? await this.#auditCheck() : { ok: false, detail: 'not checked: the store does not answer' }
    const drain = draining ? { ok: false, detail: 'stopping: finishing the requests in flight' } : { ok: true, detail: 'serving' }
    const ready = store.ok && keys.ok && audit.ok && drain.ok
    const code = ready ? undefined : !store.ok ? 'ERR_STORE' : !keys.ok ? (kekWrong ? 'ERR_KEK_MISMATCH' : 'ERR_STORE') : !audit.ok && this.#audit.state === 'broken' ? 'ERR_AUDIT_BROKEN' : 'ERR_STATUS_UNAVAILABLE'
    return { ready, checks: { store, keys, audit, draining: drain }, ...(code ? { code } : {}) }
  }

  #auditCheck(): Promise<ReadinessCheck> {
    this.#tail ??= this.#checkTail().finally(() => (this.#tail = undefined))
    return this.#tail
  }

  async #checkTail(): Promise<ReadinessCheck> {
    const audit = this.#audit
    if (audit.state === 'checking') return { ok: false, detail: 'the audit log is being verified (at start, from its newest signed checkpoint)' }
    if (audit.state === 'broken') return { ok: false, detail: audit.detail }
    const chain = await verifyChainFrom(this.#issuer, audit.seq, audit.seq === 0 ? GENESIS_HASH : audit.hash)
    if (!chain.ok) {
      const detail = `audit log is broken at entry ${chain.seq}: ${chain.reason}`
      this.#broken(detail)
      return { ok: false, detail }
    }
    // The background verification may have found a break meanwhile: that stands.
    if (this.#audit.state === 'broken') return { ok: false, detail: this.#audit.detail }
    this.#audit = { state: 'ok', seq: chain.last, hash: chain.head }
    // No count: how many entries there are says how busy the issuer is, and /readyz is public.
    return { ok: true, detail: 'the chain holds' }
  }
}
