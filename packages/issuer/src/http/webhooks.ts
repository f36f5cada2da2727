import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '@agentid/verifier'
import type { Issuer } from '../issuer.js'
import { postWebhook, RefusedDestinationError, type ResolveHost } from '../webhooks/post-webhook.js'

const ATTEMPTS = [0, 500, 2000, 8000]
const TIMEOUT_MS = 5000
const MAX_PENDING = 1000

/**
 * Posts signed events to the registered webhooks, in the background: a slow or dead receiver
 * never holds up the issuer. Each post is retried after 0.5 s, 2 s and 8 s; past 1,000
 * undelivered posts, new ones are dropped, and each drop is logged. The signature
 * (`x-agentid-signature: t=<seconds>,v1=<HMAC-SHA256>`) is checked by receivers with
 * `verifyWebhookSignature` from `@agentid/verifier`. Each attempt resolves the URL's host, refuses
 * it when any of its addresses is loopback, private or link-local (unless the issuer allows
 * private webhooks) and connects to the address it checked.
 */
export class WebhookDispatcher {
  readonly #issuer: Issuer
  readonly #log: (line: string) => void
  readonly #resolve: ResolveHost | undefined
  #pending = 0

  constructor(issuer: Issuer, log: (line: string) => void, resolve?: ResolveHost) {
    this.#issuer = issuer
    this.#log = log
    this.#resolve = resolve
  }

  /** Posts not yet delivered, retries included (a metric). */
  get pending(): number {
    return this.#pending
  }

  async deliver(type: string, event: Record<string, unknown>): Promise<void> {
    let hooks
    try {
      hooks = await this.#issuer.webhookDeliveries()
    } catch (error) {
      this.#log(`agentid serve: webhooks: ${(error as Error).message}`)
      return
    }
    const body = JSON.stringify({ type, ...event, at: new Date().toISOString() })
    for (const { webhook, secret } of hooks) {
      if (!webhook.events.includes(type)) continue
      if (this.#pending >= MAX_PENDING) {
        this.#log(`agentid serve: webhook ${webhook.id}: ${MAX_PENDING} posts undelivered, this ${type} event dropped`)
        continue
      }
      this.#pending++
      void this.#post(webhook.url, secret, type, body).finally(() => this.#pending--)
    }
  }

  async #post(url: string, secret: string, type: string, body: string): Promise<void> {
    for (const [attempt, delay] of ATTEMPTS.entries()) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref())
      try {
        const headers = { 'content-type': 'application/json', 'x-agentid-event': type, [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(Date.now() / 1000)) }
        const status = await postWebhook(url, headers, body, { allowPrivate: this.#issuer.allowPrivateWebhooks, timeoutMs: TIMEOUT_MS, ...(this.#resolve ? { resolve: this.#resolve } : {}) })
        if (status >= 200 && status < 300) return
        if (attempt === ATTEMPTS.length - 1) this.#log(`agentid serve: webhook ${url} answered ${status}; gave up`)
      } catch (error) {
        if (error instanceof RefusedDestinationError) {
          this.#log(`agentid serve: webhook ${url} refused: ${error.message}; not posted`)
          return
        }
        if (attempt === ATTEMPTS.length - 1) this.#log(`agentid serve: webhook ${url}: ${(error as Error).message}; gave up`)
      }
    }
  }
}
