import type { ServerResponse } from 'node:http'
import type { Issuer } from '../issuer.js'
import type { StatusListPublisher } from './status-publisher.js'

/** Who may hold the event streams (`GET /status/events`), see {@link StatusEventHub}. */
export interface StatusEventLimits {
  /** Anonymous streams in all (default 1000). */
  readonly maxClients?: number
  /** Anonymous streams per client address (an IPv6 client by its /64; default 8). */
  readonly maxPerAddress?: number
  /** Streams of authenticated verifiers (a principal's bearer token), beside the anonymous ones (default 1000). */
  readonly maxAuthenticated?: number
}

/** Who asks for a stream: its client address, and its principal when it authenticated. */
export interface StreamClient {
  readonly address: string
  readonly principal?: string
}

/** Why a stream was refused: every anonymous slot taken, or this address's, or every authenticated one. */
export type StreamRefusal = 'full' | 'address' | 'authenticated-full'

/**
 * Server-sent events for status lists (`GET /status/events`): one `status` event per list whose
 * signed version changed, `{ "list", "url", "etag" }`, and no more: never a credential id (which
 * credential was revoked is none of a watcher's business; the list itself is public). A verifier
 * refetches the list at once instead of waiting for its next poll. Events are hints: what counts
 * is the signed list fetched after them.
 */
export class StatusEventHub {
  readonly #issuer: Issuer
  readonly #publisher: StatusListPublisher
  readonly #maxClients: number
  readonly #maxPerAddress: number
  readonly #maxAuthenticated: number
  readonly #log: (line: string) => void
  readonly #clients = new Set<ServerResponse>()
  // Anonymous streams by address, and the number of authenticated streams: one address cannot
  // take every slot, and a verifier with a token gets in when the anonymous slots are full.
  readonly #perAddress = new Map<string, number>()
  #anonymous = 0
  #authenticated = 0
  readonly #lastEtags = new Map<string, string>()
  #sequence = 0
  #checking: Promise<void> = Promise.resolve()
  #recheck = false

  readonly #onChange: (event: { list: string; url: string; etag: string }) => void

  /** `onChange` hears every announced change too (the webhooks). */
  constructor(issuer: Issuer, publisher: StatusListPublisher, log: (line: string) => void, onChange: (event: { list: string; url: string; etag: string }) => void, limits: StatusEventLimits = {}) {
    this.#issuer = issuer
    this.#publisher = publisher
    this.#log = log
    this.#onChange = onChange
    this.#maxClients = limits.maxClients ?? 1000
    this.#maxPerAddress = limits.maxPerAddress ?? 8
    this.#maxAuthenticated = limits.maxAuthenticated ?? 1000
  }

  /**
   * Takes over a response as an event stream and sends the current version of every list, so a
   * verifier that reconnects learns what it missed. Returns why not, without touching the
   * response, when the client's slots are taken.
   */
  async add(response: ServerResponse, client: StreamClient): Promise<true | StreamRefusal> {
    // Gone already (it closed while its token was checked): its 'close' will not come again.
    if (response.destroyed) return true
    const release = this.#take(client)
    if (typeof release === 'string') return release
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    response.write('retry: 2000\n\n')
    this.#clients.add(response)
    response.on('close', () => {
      if (this.#clients.delete(response)) release()
    })
    for (const id of await this.#issuer.statusListIds()) {
      const list = await this.#publisher.get(id)
      if (!this.#lastEtags.has(id)) this.#lastEtags.set(id, list.etag)
      this.#send(response, { list: id, url: list.url, etag: list.etag })
    }
    return true
  }

  /**
   * Looks at every list and announces the ones whose signed version changed. Runs one at a time;
   * a call while one runs makes it run once more after.
   */
  check(): Promise<void> {
    if (this.#recheck) return this.#checking
    this.#recheck = true
    this.#checking = this.#checking.then(async () => {
      this.#recheck = false
      for (const id of await this.#issuer.statusListIds()) {
        const list = await this.#publisher.get(id)
        if (this.#lastEtags.get(id) === list.etag) continue
        this.#lastEtags.set(id, list.etag)
        const event = { list: id, url: list.url, etag: list.etag }
        for (const client of this.#clients) this.#send(client, event)
        this.#onChange(event)
      }
    }).catch((error: unknown) => this.#log(`agentid serve: status events: ${(error as Error).message}`))
    return this.#checking
  }

  /** Open streams, anonymous and authenticated (a metric). */
  get subscribers(): { anonymous: number; authenticated: number } {
    return { anonymous: this.#anonymous, authenticated: this.#authenticated }
  }

  /** Resolves when no check is running. */
  settled(): Promise<void> {
    return this.#checking
  }

  /** A comment line, so that proxies and clients see the stream is alive. */
  ping(): void {
    for (const client of this.#clients) client.write(': ping\n\n')
  }

  closeAll(): void {
    for (const client of this.#clients) client.end()
    this.#clients.clear()
    this.#perAddress.clear()
    this.#anonymous = 0
    this.#authenticated = 0
  }

  // Takes a slot for the client, or says why there is none; returns how to give it back.
  #take(client: StreamClient): (() => void) | StreamRefusal {
    if (client.principal !== undefined) {
      if (this.#authenticated >= this.#maxAuthenticated) return 'authenticated-full'
      this.#authenticated++
      return () => void this.#authenticated--
    }
    const held = this.#perAddress.get(client.address) ?? 0
    if (held >= this.#maxPerAddress) return 'address'
    if (this.#anonymous >= this.#maxClients) return 'full'
    this.#perAddress.set(client.address, held + 1)
    this.#anonymous++
    return () => {
      this.#anonymous--
      const left = (this.#perAddress.get(client.address) ?? 1) - 1
      if (left > 0) this.#perAddress.set(client.address, left)
      else this.#perAddress.delete(client.address)
    }
  }

  #send(client: ServerResponse, event: { list: string; url: string; etag: string }): void {
    client.write(`id: ${++this.#sequence}\nevent: status\ndata: ${JSON.stringify(event)}\n\n`)
  }
}
