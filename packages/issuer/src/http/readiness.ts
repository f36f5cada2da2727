import { findChainBreak, GENESIS_HASH } from '../audit/hash-chain.js'
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

const PAGE = 5000

/**
 * Readiness of the service: the store answers, the issuer's key still decrypts, the audit log's
 * chain holds, and the service is not stopping. The whole chain (and its signed checkpoints) is
 * verified once, in the background from the start (not ready until it is done: a restart is
 * not delayed by it, only its readiness); after that each call checks the entries appended since,
 * chained to the last one verified. An edit deep in the log made while the service runs is
 * caught by `agentid audit verify`, not here. Nothing it answers names a record or a secret.
 */
export class ReadinessProbe {
  readonly #issuer: Issuer
  readonly #log: (line: string) => void
  #audit: { state: 'checking' } | { state: 'ok'; seq: number; hash: string } | { state: 'broken'; detail: string } = { state: 'checking' }
  #full: Promise<void> | undefined
  // One tail check at a time: concurrent probes share it.
  #tail: Promise<ReadinessCheck> | undefined

  constructor(issuer: Issuer, log: (line: string) => void) {
    this.#issuer = issuer
    this.#log = log
  }

  /** Starts the full verification of the audit log (once). */
  start(): Promise<void> {
    this.#full ??= this.#issuer.verifyAudit().then((result) => {
      if (result.ok) this.#audit = { state: 'ok', seq: result.entries, hash: result.head }
      else {
        this.#audit = { state: 'broken', detail: `audit log is broken at entry ${result.seq}: ${result.reason}` }
        this.#log(`agentid serve: not ready: ${this.#audit.detail}`)
      }
    }, (error: unknown) => {
      this.#audit = { state: 'broken', detail: `the audit log could not be read: ${(error as Error).message}` }
    })
    return this.#full
  }

  /** Resolves once the full verification started by {@link start} is done. */
  settled(): Promise<void> {
    return this.#full ?? Promise.resolve()
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
    if (audit.state === 'checking') return { ok: false, detail: 'the audit log is being verified (once, at start)' }
    if (audit.state === 'broken') return { ok: false, detail: audit.detail }
    let { seq, hash } = audit
    for (;;) {
      const entries = await this.#issuer.readAudit(seq + 1, PAGE)
      if (entries.length === 0) break
      const broken = findChainBreak(entries, seq + 1, seq === 0 ? GENESIS_HASH : hash)
      if (broken) {
        this.#audit = { state: 'broken', detail: `audit log is broken at entry ${broken.seq}: ${broken.reason}` }
        this.#log(`agentid serve: not ready: ${this.#audit.detail}`)
        return { ok: false, detail: this.#audit.detail }
      }
      seq = entries[entries.length - 1]!.seq
      hash = entries[entries.length - 1]!.hash
    }
    this.#audit = { state: 'ok', seq, hash }
    // No count: how many entries there are says how busy the issuer is, and /readyz is public.
    return { ok: true, detail: 'the chain holds' }
  }
}
