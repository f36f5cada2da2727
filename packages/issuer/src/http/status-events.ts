import type { ServerResponse } from 'node:http'
import type { Issuer } from '../issuer.js'
import type { StatusListPublisher } from './status-publisher.js'

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
  readonly #log: (line: string) => void
  readonly #clients = new Set<ServerResponse>()
  readonly #lastEtags = new Map<string, string>()
  #sequence = 0
  #checking: Promise<void> = Promise.resolve()
  #recheck = false

  readonly #onChange: (event: { list: string; url: string; etag: string }) => void

  /** `onChange` hears every announced change too (the webhooks). */
  constructor(issuer: Issuer, publisher: StatusListPublisher, log: (line: string) => void, onChange: (event: { list: string; url: string; etag: string }) => void, maxClients = 1000) {
    this.#issuer = issuer
    this.#publisher = publisher
    this.#log = log
    this.#onChange = onChange
    this.#maxClients = maxClients
  }

  /**
   * Takes over a response as an event stream and sends the current version of every list, so a
   * verifier that reconnects learns what it missed. Returns false when there are too many clients.
   */
  async add(response: ServerResponse): Promise<boolean> {
    if (this.#clients.size >= this.#maxClients) return false
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    response.write('retry: 2000\n\n')
    this.#clients.add(response)
    response.on('close', () => this.#clients.delete(response))
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
  }

  #send(client: ServerResponse, event: { list: string; url: string; etag: string }): void {
    client.write(`id: ${++this.#sequence}\nevent: status\ndata: ${JSON.stringify(event)}\n\n`)
  }
}
