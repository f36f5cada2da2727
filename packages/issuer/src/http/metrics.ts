import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Queue depths and subscriber counts, read at each scrape. */
export interface MetricsSources {
  /** Webhook posts not yet delivered (retries included). */
  readonly webhookDeliveriesPending: () => number
  /** Store writes waiting for their group commit. */
  readonly storeWritesPending: () => number
  /** Open `GET /status/events` streams, anonymous and authenticated. */
  readonly statusSubscribers: () => { anonymous: number; authenticated: number }
}

// Seconds: from a cached status-list read to a slow signature under load.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * The service's Prometheus metrics (prom-client), in a registry of its own (never the global
 * one: two services in one process keep their figures apart). Labels are bounded: a route is its
 * pattern (`/agents/:did`) or `unmatched`, never a path, so no caller can create series at will.
 * No figure names a principal, an agent or a credential.
 */
export class ServiceMetrics {
  readonly registry = new Registry()
  readonly #requests: Counter<'method' | 'route' | 'status'>
  readonly #duration: Histogram<'method' | 'route'>
  readonly #issuance: Histogram<never>
  readonly #verification: Histogram<'outcome'>
  readonly #eventBodies: Counter<'read'>

  constructor(sources: MetricsSources) {
    const registers = [this.registry]
    this.#requests = new Counter({ name: 'agentid_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status code', labelNames: ['method', 'route', 'status'], registers })
    this.#duration = new Histogram({ name: 'agentid_http_request_duration_seconds', help: 'Time from a request received to its answer sent, by method and route pattern', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers })
    this.#issuance = new Histogram({ name: 'agentid_issuance_duration_seconds', help: 'Time to issue one credential: signing, and the commit of its record, status slot and audit entry', buckets: LATENCY_BUCKETS, registers })
    this.#verification = new Histogram({ name: 'agentid_verification_duration_seconds', help: "Time to verify an agent's presentation (Authorization: VP), by outcome (ok, refused)", labelNames: ['outcome'], buckets: LATENCY_BUCKETS, registers })
    this.#eventBodies = new Counter({ name: 'agentid_event_bodies_total', help: 'POST /events bodies received, by how they were read: bytes (the compact form, read from its bytes) or general (any other form, or one refused: decoded, parsed, validated)', labelNames: ['read'], registers })
    new Gauge({ name: 'agentid_webhook_deliveries_pending', help: 'Webhook posts not yet delivered, retries included (at most 1,000; more are dropped)', registers, collect() { this.set(sources.webhookDeliveriesPending()) } })
    new Gauge({ name: 'agentid_store_writes_pending', help: 'Store writes waiting for their group commit', registers, collect() { this.set(sources.storeWritesPending()) } })
    new Gauge({
      name: 'agentid_status_subscribers', help: 'Open status event streams (GET /status/events), anonymous or authenticated', labelNames: ['kind'], registers,
      collect() {
        const { anonymous, authenticated } = sources.statusSubscribers()
        this.set({ kind: 'anonymous' }, anonymous)
        this.set({ kind: 'authenticated' }, authenticated)
      },
    })
  }

  /** One answered request. */
  request(method: string, route: string | undefined, status: number, seconds: number): void {
    const pattern = route ?? 'unmatched'
    this.#requests.inc({ method, route: pattern, status: String(status) })
    this.#duration.observe({ method, route: pattern }, seconds)
  }

  /** One credential issued. */
  issued(seconds: number): void {
    this.#issuance.observe(seconds)
  }

  /** One agent presentation verified. */
  verified(ok: boolean, seconds: number): void {
    this.#verification.observe({ outcome: ok ? 'ok' : 'refused' }, seconds)
  }

  /** One `POST /events` body, read from its bytes or the general way. */
  eventBody(read: 'bytes' | 'general'): void {
    this.#eventBodies.inc({ read })
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType }
  }
}
