import { createHash } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import type { Issuer } from '../issuer.js'

/** A signed status list as served: the VC-JWT and its entity tag. */
export interface PublishedList {
  readonly jwt: string
  readonly etag: string
}

interface Signed extends PublishedList {
  readonly bitsKey: string
  readonly refreshAfter: number
}

/**
 * Serves status lists without signing one per request: a list is signed again only when its set
 * bits change or half of its validity has passed. Concurrent requests share one signature.
 */
export class StatusListPublisher {
  readonly #issuer: Issuer
  readonly #ttlSeconds: number
  readonly #now: () => number
  readonly #signed = new Map<string, Signed>()
  readonly #pending = new Map<string, Promise<Signed>>()

  constructor(issuer: Issuer, ttlSeconds: number, now: () => number = Date.now) {
    this.#issuer = issuer
    this.#ttlSeconds = ttlSeconds
    this.#now = now
  }

  /** @throws AgentIdError ERR_NOT_FOUND, ERR_STORE */
  async get(listId: string): Promise<PublishedList> {
    const state = await this.#issuer.store.statusListState(listId)
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
    const { jwt } = await this.#issuer.publishStatusList(listId, this.#ttlSeconds)
    const signed = { jwt, etag: `"${createHash('sha256').update(jwt).digest('base64url').slice(0, 27)}"`, bitsKey, refreshAfter: this.#now() + (this.#ttlSeconds * 1000) / 2 }
    this.#signed.set(listId, signed)
    return signed
  }
}
