import { createHash } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import type { Issuer } from '../issuer.js'

/** A signed status list as served: the VC-JWT, its entity tag and the URL it says it is at. */
export interface PublishedList {
  readonly id: string
  readonly url: string
  readonly jwt: string
  readonly etag: string
}

interface Signed extends PublishedList {
  readonly bitsKey: string
  readonly refreshAfter: number
}

/**
 * Serves status lists without signing one per request: a list is signed again when its set bits
 * change, or once `resignAfterSeconds` have passed, so that what verifiers fetch is always young
 * (they judge freshness by when a list was signed, against their own maximum age).
 * Concurrent requests share one signature.
 */
export class StatusListPublisher {
  readonly #issuer: Issuer
  readonly #ttlSeconds: number
  readonly #resignAfterMs: number
  readonly #now: () => number
  readonly #signed = new Map<string, Signed>()
  readonly #pending = new Map<string, Promise<Signed>>()

  constructor(issuer: Issuer, options: { ttlSeconds: number; resignAfterSeconds: number; now?: () => number }) {
    this.#issuer = issuer
    this.#ttlSeconds = options.ttlSeconds
    this.#resignAfterMs = Math.min(options.resignAfterSeconds, options.ttlSeconds / 2) * 1000
    this.#now = options.now ?? Date.now
  }

  /** @throws AgentIdError ERR_NOT_FOUND, ERR_STORE */
  async get(listId: string): Promise<PublishedList> {
    const state = await this.#issuer.statusListState(listId)
    if (!state) throw agentIdError('ERR_NOT_FOUND', `no status list ${listId}`)
    const bitsKey = createHash('sha256').update(state.setIndexes.join(',')).digest('hex')
    const known = this.#signed.get(listId)
    if (known && known.bitsKey === bitsKey && this.#now() < known.refreshAfter) return known
    const pendingKey = `${listId} ${bitsKey}`
    let pending = this.#pending.get(pendingKey)
    if (!pending) {
      pending = this.#sign(listId, bitsKey).finally(() => this.#pending.delete(pendingKey))
      this.#pending.set(pendingKey, pending)
    }
    return pending
  }

  async #sign(listId: string, bitsKey: string): Promise<Signed> {
    const { jwt, url } = await this.#issuer.publishStatusList(listId, this.#ttlSeconds)
    const signed = { id: listId, url, jwt, etag: `"${createHash('sha256').update(jwt).digest('base64url').slice(0, 27)}"`, bitsKey, refreshAfter: this.#now() + this.#resignAfterMs }
    this.#signed.set(listId, signed)
    return signed
  }
}
