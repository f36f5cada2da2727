import { agentIdError, ERROR_CODES, isAgentIdError, parseStrictJson, type AgentIdError } from '@agentid/core'
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifySchemaValidationError } from 'fastify'
import { Ajv, type ValidateFunction } from 'ajv'
import type { Socket } from 'node:net'
import type { Issuer } from '../issuer.js'
import type { Principal } from '../governance/principal.js'
import { openApiDocument } from './openapi.js'
import { APPROVER, mayCall, ROUTES, type Access, type Route } from './routes.js'
import { RateLimiter, type RateLimit } from './rate-limit.js'
import { StatusEventHub, type StatusEventLimits } from './status-events.js'
import { clientAddressKey } from './client-address.js'
import { limitConnectionsPerAddress } from './connection-limit.js'
import { WebhookDispatcher } from './webhooks.js'
import { EventMonitor, type EventMonitorOptions } from '../monitoring/event-monitor.js'
import { StatusListPublisher } from './status-publisher.js'
import { agentAuthenticator } from './agent-auth.js'
import { OAUTH_ROUTE_DOCS, registerOAuthRoutes } from './oauth-routes.js'
import type { AuthorizationServerOptions } from '../oauth/authorization-server.js'
import { AGENT_ROLE } from '../governance/principal.js'
import { eventBatchReader } from './event-batch.js'
import { eventsBody, feedbackBody, idParam, monitoringControlsBody, suppressionBody } from './schemas.js'
import type { VerificationEvent } from '../monitoring/anomaly-detector.js'
import type { SuppressionRecord } from '../store/issuer-store.js'
import { accessLogLine } from './access-log.js'
import type { ServiceMetrics } from './metrics.js'
import { ReadinessProbe } from './readiness.js'
import { listeningUrl, publicUrlMismatch } from '../public-url.js'
import { ConsoleEvents, DEFAULT_CONSOLE_DIR, changeTopic, consoleRoutes } from './console-routes.js'
import { ConsoleSessions, SESSION_COOKIE, checkCsrf, cookieValue, sessionCookie } from './console-session.js'

/** Options of {@link createService} and {@link startService}. */
export interface ServiceOptions {
  /** Address to listen on (default 127.0.0.1: exposing the issuer is a decision, not a default). */
  readonly host?: string
  /** Port (default 8470; 0 picks a free one). */
  readonly port?: number
  /** Largest request body in bytes (default 64 KiB). */
  readonly bodyLimit?: number
  /**
   * Slow clients: milliseconds a connection has to send a request's headers (default 10 s) and
   * the whole request, body included (default 30 s; not less than the headers'); an idle
   * keep-alive connection is closed `keepAliveTimeoutMs` after its last answer (default 72 s,
   * fastify's: above the idle timeout of common load balancers, which would otherwise reuse a
   * connection the service is closing). A client past a limit gets `408 ERR_INPUT_INVALID` and its
   * connection is closed. Streams the service sends (`/status/events`) are not cut.
   * @throws AgentIdError ERR_USAGE (from createService) for a limit that is not a positive whole number
   */
  readonly headersTimeoutMs?: number
  readonly requestTimeoutMs?: number
  readonly keepAliveTimeoutMs?: number
  /** Milliseconds between sweeps (expiries, overdue reviews); 0 disables (default 30 s). */
  readonly sweepIntervalMs?: number
  /** Validity of a served status list in seconds (default 3600). */
  readonly statusListTtlSeconds?: number
  /** `Cache-Control: max-age` of a served status list in seconds (default 60). */
  readonly statusMaxAgeSeconds?: number
  /** Seconds after which an unchanged status list is signed again (default 60): keep it well under verifiers' maximum age. */
  readonly statusResignSeconds?: number
  /** Milliseconds between looks for status changes made by other processes on the same database, and keep-alive pings (default 5000; 0 disables). */
  readonly statusCheckIntervalMs?: number
  /** A signed audit checkpoint after this many new entries, or after `checkpointEveryMs` with any (defaults 1000 and 60 s); looked at every `statusCheckIntervalMs`. */
  readonly checkpointEveryEntries?: number
  readonly checkpointEveryMs?: number
  /** Where failures of the background sweeper and unexpected errors are reported (default stderr). */
  readonly log?: (line: string) => void
  /**
   * The principal of a call that carries no token. Only for the CLI's in-process use of the API
   * on the local database (its operator already holds the database and its key): never set it
   * on a service that listens.
   */
  readonly localPrincipal?: Principal
  /** Announce status changes (events, webhooks); default true. The CLI's in-process use turns it off. */
  readonly push?: boolean
  /**
   * Rate limits (429 ERR_RATE_LIMITED with Retry-After): per client address on every route
   * (default 200/s, burst 400) and per authenticated principal (default 100/s, burst 200);
   * `false` turns them off (benches, the CLI's in-process use).
   */
  readonly rateLimits?: false | { readonly perAddress?: RateLimit; readonly perPrincipal?: RateLimit }
  /**
   * Monitoring of verification events (`POST /events`): its clock, the window of event dates it
   * accepts, and what an automatic suspension needs (by default two reporters, or one reporter's
   * evidence over ten minutes of the issuer's clock). See docs/governance.md, Monitoring.
   * @throws AgentIdError ERR_USAGE (from createService) for settings out of range
   */
  readonly monitor?: EventMonitorOptions
  /**
   * Event streams (`GET /status/events`): anonymous ones in all (default 1000) and per client
   * address (default 8), and those of verifiers that send a principal's bearer token, which get
   * in when the anonymous slots are full (default 1000). Past a limit: 429 ERR_RATE_LIMITED for
   * this address, 503 ERR_STATUS_UNAVAILABLE for every slot.
   */
  readonly statusEvents?: StatusEventLimits
  /**
   * Connections one client address (an IPv6 client by its /64) may hold open at once (default
   * 64; 0 turns the cap off, behind a proxy through which every client has one address). One
   * more is answered `429 ERR_RATE_LIMITED` and closed before any request on it is read.
   * @throws AgentIdError ERR_USAGE (from createService) for a value that is not a whole number >= 0
   */
  readonly maxConnectionsPerAddress?: number
  /** The OAuth authorization server for agents (docs/mcp.md): DPoP nonces, token lifetime, clock. */
  readonly oauth?: AuthorizationServerOptions
  /**
   * TLS: a PEM certificate (chain) and its private key. The service then speaks https only.
   * Reading the files, and refusing a key others can read, is the caller's (`agentid serve`).
   */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  /**
   * Start even when the issuer's public URL (written into every credential's status entry) is
   * not how this service is reached: behind a proxy that forwards the public URL here. Default
   * false: {@link startService} refuses with ERR_PUBLIC_URL_MISMATCH.
   */
  readonly publicUrlMismatchOk?: boolean
  /**
   * Receives one JSON line per answered request (see AccessLogEntry: time, method, route
   * pattern, status, duration, client address, principal id; never a token, header, body,
   * query or path). Default: none.
   */
  readonly accessLog?: (line: string) => void
  /**
   * Who may read `GET /metrics` (Prometheus text format): `local` (default) lets a client on a
   * loopback address in without a token, and a principal with the admin, security, auditor or
   * metrics role from anywhere; `token` only such a principal; `off` serves no metrics at all
   * (the route answers 404). Behind a reverse proxy on the same host every client looks local:
   * use `token` there. The CLI's in-process use turns them off.
   */
  readonly metrics?: MetricsAccess
  /**
   * The web console's built files, served at `/console` (default packages/console/dist, built by
   * `npm run build`); `false` serves none (the routes answer 404).
   */
  readonly consoleDir?: string | false
}

/** Who may read `GET /metrics`: see {@link ServiceOptions.metrics}. */
export type MetricsAccess = 'local' | 'token' | 'off'

/** Roles that may read `GET /metrics` with a token. */
export const METRICS_ROLES: readonly string[] = ['admin', 'security', 'auditor', 'metrics']

/** A service that listens. */
export interface RunningService {
  readonly url: string
  readonly app: FastifyInstance
  /** The issuer's public URL (what credentials name), which may differ from `url` behind a proxy. */
  readonly publicUrl: string
  /** Resolves once the audit log's verification at start (from its newest signed checkpoint) is done: `/readyz` waits for it. */
  readonly auditChecked: Promise<void>
  /** Resolves once the full verification of the audit log, which runs in the background after start, is done. */
  readonly auditVerified: Promise<void>
  /** Stops accepting, finishes in-flight requests and the running sweep. The issuer stays open. */
  close(): Promise<void>
}

export const SERVICE_VERSION = '0.1.0'

// Refusals by a governance rule (not malformed input, not a race lost): each is audited.
const AUDITED_REFUSALS: ReadonlySet<string> = new Set(['ERR_FORBIDDEN', 'ERR_SOD_CONFLICT', 'ERR_DELEGATION', 'ERR_APPROVAL_REQUIRED'])
const DEFAULT_BODY_LIMIT = 64 * 1024
const DEFAULT_CONNECTIONS_PER_ADDRESS = 64

interface RouteConfig { readonly access: Access; readonly loopbackWithoutToken?: boolean }

/**
 * Builds the issuer's HTTP service (fastify): bearer-token principals with roles, checked before a
 * body is read; strict JSON (duplicate members, `__proto__`, depth) and JSON Schema with unknown
 * fields refused; errors as `{"error":{"code","message"}}` with each code's status.
 */
export function createService(issuer: Issuer, options: ServiceOptions = {}): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  const maxConnections = options.maxConnectionsPerAddress ?? DEFAULT_CONNECTIONS_PER_ADDRESS
  if (!Number.isSafeInteger(maxConnections) || maxConnections < 0) throw agentIdError('ERR_USAGE', 'maxConnectionsPerAddress must be a whole number >= 0')
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const metricsAccess = options.metrics ?? 'local'
  if (!['local', 'token', 'off'].includes(metricsAccess)) throw agentIdError('ERR_USAGE', 'metrics must be local, token or off')
  // prom-client is loaded only when metrics are served (the CLI's in-process calls never pay
  // for it); startService waits for it before it listens, so no request goes uncounted.
  let metrics: ServiceMetrics | undefined
  const metricsLoaded = metricsAccess === 'off' ? Promise.resolve() : import('./metrics.js').then((m) => {
    metrics = new m.ServiceMetrics({
      webhookDeliveriesPending: () => webhooks.pending,
      storeWritesPending: () => issuer.pendingWrites(),
      statusSubscribers: () => events.subscribers,
    })
  })
  const stopTimingIssuance = issuer.onIssued((seconds) => metrics?.issued(seconds))
  const readiness = new ReadinessProbe(issuer, log)
  const publisher = new StatusListPublisher(issuer, { ttlSeconds: options.statusListTtlSeconds ?? 3600, resignAfterSeconds: options.statusResignSeconds ?? 60 })
  const webhooks = new WebhookDispatcher(issuer, log)
  // The web console: its sessions, and the change notices its open pages listen to.
  const sessions = new ConsoleSessions(Date.now, issuer.cluster.sessions ? { table: issuer.cluster.sessions, key: issuer.sharedSecret('console-session') } : undefined)
  const consoleEvents = new ConsoleEvents()
  // This service's origins: the public URL's (what browsers name behind a TLS proxy) and how the
  // service listens (an operator's browser on loopback). Never the Host header: a rebinding page
  // names whatever host it likes.
  const ownOrigins = (): string[] => {
    const origins = [new URL(issuer.publicUrl).origin]
    const address = app.server.address()
    if (typeof address === 'object' && address) {
      const protocol = options.tls ? 'https' : 'http'
      const host = options.host ?? '127.0.0.1'
      origins.push(`${protocol}://${host.includes(':') ? `[${host}]` : host}:${address.port}`)
      // On loopback, or on every interface (which includes it), the names an operator's own
      // browser or curl uses on this machine.
      if (isLoopbackHost(host) || /^(0\.0\.0\.0|::)$/.test(host)) origins.push(`${protocol}://localhost:${address.port}`, `${protocol}://127.0.0.1:${address.port}`, `${protocol}://[::1]:${address.port}`)
    }
    return origins
  }
  const secureCookie = (): boolean => options.tls !== undefined || issuer.publicUrl.startsWith('https:')
  const monitor = new EventMonitor(issuer, log, (alert) => {
    void webhooks.deliver('alert', { id: alert.id, kind: alert.kind, severity: alert.severity, subject: alert.subject, details: alert.details })
    consoleEvents.publish('alerts')
  }, options.monitor)
  const refreshMonitor = () => void monitor.refreshRetired().catch(() => undefined)
  // A changed list, whichever process changed it (the CLI retiring an agent on the same
  // database included), is also when the monitor looks again at who is retired.
  const events = new StatusEventHub(issuer, publisher, log, (event) => {
    void webhooks.deliver('status', event)
    // A status change made by another process (the CLI) shows on open consoles too.
    consoleEvents.publish('agents')
    refreshMonitor()
  }, options.statusEvents)
  refreshMonitor()
  const maxAge = options.statusMaxAgeSeconds ?? 60
  const { headersTimeout, requestTimeout, keepAliveTimeout } = clientTimeouts(options)
  const serverOptions = { headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 10))), requireHostHeader: false }
  const app = Fastify({
    logger: false,
    bodyLimit,
    requestTimeout,
    keepAliveTimeout,
    // Node looks for connections past these timeouts only every `connectionsCheckingInterval`
    // (30 s by default, which would let a 10 s limit run to 40 s): look often enough that a limit
    // is enforced within a tenth of it, at most a second late.
    // Host is required below, in the error format (Node's own refusal has an empty body).
    ...(options.tls ? { https: { ...serverOptions, cert: options.tls.cert, key: options.tls.key } } : { http: serverOptions }),
    clientErrorHandler: answerClientError,
    // Refusals fastify would answer in its own format (a malformed or too long URL, a request
    // during shutdown) are answered in ours: `frameworkErrors` here, the drain in `onRequest`.
    frameworkErrors: (error, _request, reply) => {
      const body = JSON.stringify({ error: { code: 'ERR_INPUT_INVALID', message: error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is too long' : 'the request URL is malformed (percent-encoding)' } })
      reply.raw.writeHead(ERROR_CODES.ERR_INPUT_INVALID.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' }).end(body)
    },
    return503OnClosing: false,
    // Validation must not change what it validates: no coercion, no defaults, nothing removed.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  })
  // Route schemas are compiled at their route's first request, not at start: compiling the ~60
  // of them is about a third of what a restart costs, and few are called in its first second.
  // The options are fastify's own, with the ones above (nothing coerced, added or removed); the
  // schemas are ours and fixed, so they are not checked against the meta-schema each start.
  const ajv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, addUsedSchema: false, validateSchema: false })
  // `POST /events` bodies in the form reporters send are read from their bytes (event-batch.ts,
  // measured there): such a body is valid against the route's schema, and is not validated again.
  const readEventBatch = eventBatchReader(eventsBody)
  const readAsValid = new WeakSet<object>()
  app.setValidatorCompiler(({ schema }) => {
    let compiled: ValidateFunction | undefined
    const validate = Object.assign((data: unknown) => {
      if (typeof data === 'object' && data !== null && readAsValid.has(data)) {
        validate.errors = null
        return true
      }
      compiled ??= ajv.compile(schema)
      const ok = compiled(data)
      validate.errors = compiled.errors ?? null
      return ok
    }, { errors: null as FastifySchemaValidationError[] | null })
    return validate
  })
  // A refused connection has the headers timeout to read its answer and go.
  if (maxConnections > 0) limitConnectionsPerAddress(app.server, maxConnections, headersTimeout)
  const principals = new WeakMap<FastifyRequest, Principal>()
  const agents = agentAuthenticator(issuer)
  const consolePing = setInterval(() => consoleEvents.ping(), 15_000)
  consolePing.unref()
  // Push: every committed status change is announced to subscribed verifiers at once.
  // (A retirement in this process is looked at even when it changed no list: no credentials.)
  // The other replicas hear of it too (startService listens for theirs).
  const unsubscribe = options.push === false ? () => undefined : issuer.onStatusChange(() => {
    void events.check()
    refreshMonitor()
    void issuer.cluster.announce('status').catch((error: unknown) => log(`agentid serve: could not tell the other replicas of a status change: ${(error as Error).message}`))
  })
  app.decorate('statusEvents', events)
  app.decorate('agentidMonitor', monitor)
  app.decorate('agentidStartup', { metricsLoaded, readiness })
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
    unsubscribe()
    stopTimingIssuance()
    events.closeAll()
    clearInterval(consolePing)
    consoleEvents.closeAll()
  })
  // Every answer counted and logged once it is sent: its route pattern (never its path), status
  // and duration, the client's address and who it was. Event streams, which fastify no longer
  // sees once they are taken over, are counted when they end (see the route handler below).
  const answered = (request: FastifyRequest, status: number, ms: number) => {
    const route = request.is404 ? undefined : request.routeOptions.url
    metrics?.request(request.method, route, status, ms / 1000)
    if (options.accessLog) {
      const principal = principals.get(request)?.id
      options.accessLog(accessLogLine({ time: new Date().toISOString(), method: request.method, route: route ?? null, status, ms: Math.round(ms * 10) / 10, client: request.ip, ...(principal !== undefined ? { principal } : {}) }))
    }
  }
  app.addHook('onResponse', async (request, reply) => {
    answered(request, reply.statusCode, reply.elapsedTime)
    // Open consoles hear that something changed (a topic, no record) and read again what they may see.
    if (request.method !== 'GET' && reply.statusCode < 400 && !request.is404) {
      const topic = changeTopic(request.routeOptions.url ?? '')
      if (topic) consoleEvents.publish(topic)
    }
  })
  // While draining, every answer closes its connection: one that turns idle after its request is
  // answered would otherwise hold the stop for the keep-alive timeout (72 s).
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close')
  })
  // Node answers these itself, with an empty body, unless told otherwise: CONNECT (no route is a
  // proxy) and an Expect other than 100-continue.
  app.server.on('connect', (request: { method?: string; url?: string }, socket: Socket) => writeRawError(socket, 404, 'Not Found', 'ERR_NOT_FOUND', `no route ${request.method ?? 'CONNECT'} ${request.url ?? ''}`))
  app.server.on('checkExpectation', (request: { headers: Record<string, unknown> }, response: { writeHead(status: number, headers: Record<string, string>): { end(body: string): void } }) => {
    const body = JSON.stringify({ error: { code: 'ERR_INPUT_INVALID', message: `Expect: ${String(request.headers.expect)} is not supported` } })
    response.writeHead(ERROR_CODES.ERR_INPUT_INVALID.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).end(body)
  })

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      // JSON is UTF-8 (RFC 8259), and bodies are not compressed: anything else is refused, not guessed at.
      const encoding = request.headers['content-encoding']
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') throw agentIdError('ERR_INPUT_INVALID', `Content-Encoding ${encoding} is not supported; send the body uncompressed`)
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]
      if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') throw agentIdError('ERR_INPUT_INVALID', `JSON is UTF-8; charset ${charset} is not supported`)
      const limit = request.routeOptions.bodyLimit ?? bodyLimit
      const bytes = body as Buffer
      if (bytes.length === 0) return done(null, undefined)
      if (request.method === 'POST' && request.routeOptions.url === '/events') {
        const batch = bytes.length <= limit ? readEventBatch(bytes) : undefined
        metrics?.eventBody(batch ? 'bytes' : 'general')
        if (batch) {
          readAsValid.add(batch)
          return done(null, batch)
        }
      }
      done(null, parseStrictJson(bytes.toString('utf8'), { maxLength: limit, maxDepth: 16 }, 'ERR_INPUT_INVALID', 'request body'))
    } catch (error) {
      done(error as Error, undefined)
    }
  })

  const limits = options.rateLimits === false ? undefined : {
    address: new RateLimiter(options.rateLimits?.perAddress ?? { perSecond: 200, burst: 400 }),
    principal: new RateLimiter(options.rateLimits?.perPrincipal ?? { perSecond: 100, burst: 200 }),
  }
  const limited = (reply: { header(name: string, value: string): unknown }, wait: number, who: string) => {
    reply.header('retry-after', String(wait))
    return agentIdError('ERR_RATE_LIMITED', `too many requests from ${who}; retry in ${wait} s`)
  }
  // Every authenticated caller, principal or agent speaking for itself, has its own bucket.
  const limitPrincipal = (reply: { header(name: string, value: string): unknown }, principal: Principal) => {
    const wait = limits ? limits.principal.take(principal.id, Date.now()) : 0
    if (wait > 0) throw limited(reply, wait, principal.id)
  }

  // Rate limits, authentication and roles come first, before any body is read or validated.
  app.addHook('onRequest', async (request, reply) => {
    // A request that arrives while the service drains: told to go elsewhere, in our format.
    if (closing) {
      reply.header('connection', 'close').header('retry-after', '1')
      throw agentIdError('ERR_STATUS_UNAVAILABLE', 'the issuer service is stopping; retry in a moment')
    }
    if (request.raw.httpVersion !== '1.0' && typeof request.headers.host !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'an HTTP/1.1 request needs a Host header')
    const access = (request.routeOptions.config as Partial<RouteConfig> | undefined)?.access
    if (limits) {
      const wait = limits.address.take(request.ip, Date.now())
      if (wait > 0) throw limited(reply, wait, 'this address')
    }
    if (access === undefined || access === 'public') return
    const header = request.headers.authorization
    // An agent speaks for itself with a presentation, on the routes that name the agent role.
    if (typeof header === 'string' && header.startsWith('VP ')) {
      if (access === 'any' || !access.includes(AGENT_ROLE)) {
        reply.header('www-authenticate', 'Bearer realm="agentid"')
        throw agentIdError('ERR_UNAUTHORIZED', `${request.method} ${request.routeOptions.url} takes a principal's bearer token, not an agent's presentation`)
      }
      const started = performance.now()
      const agent = await agents.authenticate(header.slice(3).trim()).catch((error: unknown) => {
        metrics?.verified(false, (performance.now() - started) / 1000)
        throw error
      })
      metrics?.verified(true, (performance.now() - started) / 1000)
      limitPrincipal(reply, agent)
      principals.set(request, agent)
      return
    }
    const config = request.routeOptions.config as Partial<RouteConfig> | undefined
    // Only for a client that names this service: a DNS-rebinding page also comes from loopback,
    // but under the host it rebound.
    if (header === undefined && config?.loopbackWithoutToken === true && metricsAccess === 'local' && isLoopbackAddress(request.socket.remoteAddress) &&
      ownOrigins().some((origin) => new URL(origin).host === request.headers.host)) return
    // The console's session cookie stands for a token, checked again here on every request; a
    // state change sent with it needs the session's CSRF token and this origin.
    // An ended session, or two session cookies (one planted from a sibling origin), clear the
    // cookie with the refusal: the browser is signed out, never into someone else's session.
    const clearCookie = () => void reply.header('set-cookie', sessionCookie('', 0, secureCookie()))
    let sessionId: string | undefined
    try {
      sessionId = header === undefined ? cookieValue(request.headers.cookie, SESSION_COOKIE) : undefined
    } catch (error) {
      clearCookie()
      throw error
    }
    const session = sessionId !== undefined ? await sessions.get(sessionId) : undefined
    if (sessionId !== undefined && !session) {
      clearCookie()
      throw agentIdError('ERR_UNAUTHORIZED', 'the console session has ended; sign in again')
    }
    const token = session ? session.token : typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined
    const principal = token ? await issuer.authenticate(token) : header === undefined ? options.localPrincipal : undefined
    if (!principal) {
      if (session) {
        await sessions.close(sessionId!)
        consoleEvents.endSession(sessionId!)
        throw agentIdError('ERR_UNAUTHORIZED', 'the console session has ended: its principal is disabled or its token was replaced; sign in again')
      }
      reply.header('www-authenticate', `Bearer realm="agentid"${token ? ', error="invalid_token"' : ''}`)
      throw agentIdError('ERR_UNAUTHORIZED', token ? 'the bearer token is not valid, or its principal is disabled' : 'this route needs Authorization: Bearer <token>')
    }
    limitPrincipal(reply, principal)
    // Known before its role is checked: a refusal is recorded with who tried.
    principals.set(request, principal)
    // A state change sent with the cookie needs the session's CSRF token and one of this
    // service's origins; a refusal is on record with the principal whose session it was.
    if (session && request.method !== 'GET' && request.method !== 'HEAD') {
      try {
        checkCsrf(session, request.headers, ownOrigins())
      } catch (error) {
        await issuer.recordRefusal(principal, `${request.method} ${request.routeOptions.url ?? request.url}`, undefined, error as AgentIdError)
        throw error
      }
    }
    if (access !== 'any') {
      // The policy (a read) only where it matters: routes open to its approver roles.
      const approverRoles = access.includes(APPROVER) ? (await issuer.policy()).policy.approverRoles : []
      if (!mayCall(principal, access, approverRoles)) throw agentIdError('ERR_FORBIDDEN', `${principal.id} (${principal.roles.join(', ')}) may not ${request.method} ${request.routeOptions.url}: needs ${access.join(' or ')}`)
    }
    principals.set(request, principal)
  })

  // A route that takes no body refuses one, whatever the method (fastify does not even read the
  // body of a GET, which would otherwise pass unnoticed).
  app.addHook('preParsing', async (request) => {
    if (request.routeOptions.schema?.body !== undefined || request.routeOptions.url === undefined) return
    const length = request.headers['content-length']
    if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined) {
      throw agentIdError('ERR_INPUT_INVALID', `${request.method} ${request.routeOptions.url} takes no body`)
    }
  })

  // An action whose body has no required field may be sent without one: it means `{}`.
  app.addHook('preValidation', async (request) => {
    const body = request.routeOptions.schema?.body as { required?: unknown } | undefined
    if (request.body === undefined && body !== undefined && body.required === undefined) request.body = {}
  })

  app.setErrorHandler(async (error, request, reply) => {
    const e = asServiceError(error, bodyLimit)
    if (e.code === 'ERR_STORE') log(`agentid serve: ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`)
    // A governance rule refusing an authenticated caller is on record, with who tried, before the answer.
    const principal = principals.get(request)
    if (principal && AUDITED_REFUSALS.has(e.code)) {
      await issuer.recordRefusal(principal, `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`, request.url.split('?')[0], e)
        .catch((failure: unknown) => log(`agentid serve: could not record a refusal: ${(failure as Error).message}`))
    }
    return reply.status(ERROR_CODES[e.code].status).header('cache-control', 'no-store').send({ error: { code: e.code, message: e.message } })
  })
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } })
  })

  const register = (route: Route) => {
    app.route({
      method: route.method,
      url: route.url,
      ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
      config: { access: route.access, ...(route.loopbackWithoutToken ? { loopbackWithoutToken: true } : {}) } satisfies RouteConfig,
      schema: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : { querystring: { type: 'object', additionalProperties: false, maxProperties: 0 } }),
        ...(route.body ? { body: route.body } : {}),
      },
      handler: async (request, reply) => {
        if (!route.body && request.body !== undefined) throw agentIdError('ERR_INPUT_INVALID', `${route.method} ${route.url} takes no body`)
        const result = await route.handler({
          issuer,
          principal: principals.get(request) as Principal,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | undefined>,
          body: request.body as Record<string, unknown> | undefined,
          headers: request.headers,
        })
        void reply.status(result.status ?? 200)
        if (result.stream) {
          reply.raw.once('close', () => answered(request, reply.raw.statusCode, reply.elapsedTime))
          reply.hijack()
          return result.stream(reply.raw)
        }
        for (const [name, value] of Object.entries(result.headers ?? {})) void reply.header(name, value)
        if (result.contentType) return reply.type(result.contentType).send(result.body)
        return reply.header('cache-control', 'no-store').send(result.body)
      },
    })
  }

  const consoleDir = options.consoleDir === false ? undefined : options.consoleDir ?? DEFAULT_CONSOLE_DIR
  const routes: Route[] = [
    ...ROUTES,
    ...consoleRoutes({
      sessions, events: consoleEvents, secureCookie, origins: ownOrigins, dir: consoleDir,
      auditState: async () => {
        const { audit } = (await readiness.check(closing)).checks
        return { ok: audit.ok, ...(audit.detail !== undefined ? { detail: audit.detail } : {}) }
      },
    }),
    {
      method: 'POST', url: '/events', summary: "verification events from verifiers (at most 1,000 per call; a reporter principal, trusted for what it reports, not for time: dates are clamped to the issuer's clock): anomaly detection, alerts, corroborated containment", tag: 'monitoring',
      access: ['admin', 'reporter'], body: eventsBody, success: [200], bodyLimit: 1024 * 1024,
      handler: async ({ body, principal }) => {
        const { observed, skipped, clamped, alerts } = await monitor.ingest((body as { events: VerificationEvent[] }).events, principal.id)
        return { body: { observed, skipped, clamped, alerts: alerts.map((a) => a.id) } }
      },
    },
    {
      method: 'GET', url: '/monitoring/controls', summary: "monitoring's controls in force: learning period, maturity, sensitivity per anomaly kind", tag: 'monitoring',
      access: ['admin', 'security', 'auditor'], success: [200],
      handler: async () => ({ body: { controls: await monitor.controls() } }),
    },
    {
      method: 'PUT', url: '/monitoring/controls', summary: "replace monitoring's controls (learnMinutes, learnEvents, matureHours, sensitivity per kind: 0 off, 1 default, up to 4); audited", tag: 'monitoring',
      access: ['admin', 'security'], body: monitoringControlsBody, success: [200],
      handler: async ({ body, principal }) => ({ body: { controls: await monitor.setControls(body, principal.id) } }),
    },
    {
      method: 'GET', url: '/monitoring/suppressions', summary: 'suppressions of monitoring findings, newest first', tag: 'monitoring',
      access: ['admin', 'security', 'auditor'], success: [200],
      handler: async () => ({ body: { suppressions: (await monitor.suppressions()).map(suppressionView) } }),
    },
    {
      method: 'POST', url: '/monitoring/suppressions', summary: 'suppress findings about an agent, a kind or a subject for a while (at most 30 days, with a reason); never the use of a suspended or retired agent; audited', tag: 'monitoring',
      access: ['admin', 'security'], body: suppressionBody, success: [201],
      handler: async ({ body, principal }) => ({ status: 201, body: { suppression: suppressionView(await monitor.suppress(body, principal)) } }),
    },
    {
      method: 'DELETE', url: '/monitoring/suppressions/:id', summary: 'end a suppression now; audited', tag: 'monitoring',
      access: ['admin', 'security'], params: idParam('id', 64), success: [200],
      handler: async ({ params, principal }) => ({ body: { suppression: suppressionView(await monitor.endSuppression(params.id!, principal.id)) } }),
    },
    {
      method: 'POST', url: '/alerts/:id/feedback', summary: "an operator's verdict on an alert, once: benign (monitoring learns what it was about) or confirmed; audited", tag: 'monitoring',
      access: ['admin', 'security'], params: idParam('id', 12), body: feedbackBody, success: [200],
      handler: async ({ params, body, principal }) => {
        if (!/^[1-9][0-9]{0,11}$/.test(params.id!)) throw agentIdError('ERR_INPUT_INVALID', '"id" must be an alert number')
        const { alert, verdict, learned } = await monitor.feedback(Number(params.id), body, principal)
        return { body: { alert: alert.id, verdict, learned } }
      },
    },
    {
      method: 'GET', url: '/challenge', summary: "a single-use challenge (2 minutes) for an agent's presentation to this issuer (Authorization: VP <jwt>)",
      tag: 'agents', access: 'public', success: [200],
      handler: async () => ({ body: { challenge: agents.challenge(), audience: issuer.did, expiresIn: 120 } }),
    },
    {
      method: 'GET', url: '/status/events', summary: 'server-sent events: "status" events { list, url, etag } when a status list changes (the current versions first); public, no credential ids; anonymous streams are limited per address (429), a principal\'s bearer token gets slots of its own',
      tag: 'status', access: 'public', success: [200], produces: 'text/event-stream',
      handler: async ({ headers }) => {
        // Public, but a verifier that sends a principal's token has slots of its own: anonymous
        // clients, one address or many, cannot lock it out. A token that does not authenticate
        // is refused rather than taken as anonymous.
        const header = headers.authorization
        const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined
        const principal = token ? await issuer.authenticate(token) : undefined
        if (header !== undefined && !principal) throw agentIdError('ERR_UNAUTHORIZED', 'the bearer token is not valid, or its principal is disabled; subscribe without one, or with a valid one')
        return {
          body: undefined,
          stream: async (response) => {
            const client = { address: clientAddressKey(response.req.socket.remoteAddress), ...(principal ? { principal: principal.id } : {}) }
            const added = await events.add(response, client)
            if (added === true) return
            const [status, code, message] = added === 'address'
              ? [429, 'ERR_RATE_LIMITED', 'too many event streams from this address; share one, or poll the lists']
              : [503, 'ERR_STATUS_UNAVAILABLE', 'too many event subscribers; poll the lists instead']
            response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '10' }).end(JSON.stringify({ error: { code, message } }))
          },
        }
      },
    },
    {
      method: 'GET', url: '/status/:list', summary: 'a status list as a signed BitstringStatusListCredential (VC-JWT); public and cacheable, with ETag and conditional GET',
      tag: 'status', access: 'public', params: idParam('list', 64), success: [200, 304], produces: 'application/vc+jwt',
      handler: async ({ params, headers }) => {
        const list = await publisher.get(params.list!)
        const cacheHeaders = { etag: list.etag, 'cache-control': `public, max-age=${maxAge}` }
        if (headers['if-none-match'] === list.etag) return { status: 304, body: '', headers: cacheHeaders, contentType: 'application/vc+jwt' }
        return { body: list.jwt, headers: cacheHeaders, contentType: 'application/vc+jwt' }
      },
    },
    {
      method: 'GET', url: '/livez', summary: 'liveness: the process is up and answers (nothing else is looked at; restart it when this fails)', tag: 'service', access: 'public', success: [200],
      handler: async () => ({ body: { ok: true } }),
    },
    {
      method: 'GET', url: '/readyz', summary: "readiness: 200 when the store answers, the issuer's key decrypts, the audit chain holds (verified from its newest signed checkpoint at start, in full in the background after, then as it grows) and the service is not stopping; else 503 with the checks and the first failing code (ERR_STORE, ERR_KEK_MISMATCH, ERR_AUDIT_BROKEN, ERR_STATUS_UNAVAILABLE)", tag: 'service', access: 'public', success: [200],
      handler: async () => {
        const state = await readiness.check(closing)
        const failing = Object.values(state.checks).find((c) => !c.ok)
        return {
          status: state.ready ? 200 : 503,
          body: { ready: state.ready, checks: state.checks, ...(state.code && failing ? { error: { code: state.code, message: failing.detail } } : {}) },
        }
      },
    },
    ...(metricsAccess === 'off' ? [] : [{
      method: 'GET', url: '/metrics', summary: 'Prometheus metrics (text format): requests by route and status, request, issuance and agent-verification latencies, webhook and store-write queues, status stream subscribers. A loopback client needs no token (unless the service runs with --metrics token); from elsewhere, a principal with one of these roles', tag: 'service',
      access: METRICS_ROLES, loopbackWithoutToken: true, success: [200], produces: 'text/plain; version=0.0.4',
      handler: async () => {
        const scraped = await metrics!.scrape()
        return { body: scraped.body, contentType: scraped.contentType, headers: { 'cache-control': 'no-store' } }
      },
    } satisfies Route]),
    {
      // The document describes every route, itself included; it is built once, below.
      method: 'GET', url: '/openapi.json', summary: 'this document', tag: 'service', access: 'public', success: [200],
      handler: async () => ({ body: document, contentType: 'application/json' }),
    },
  ]
  const document = openApiDocument([...routes, ...OAUTH_ROUTE_DOCS], SERVICE_VERSION)
  for (const route of routes) register(route)
  registerOAuthRoutes(app, issuer, agents, { ...options.oauth, log })
  return app
}

/**
 * Starts the service and its sweeper.
 * @throws when the address cannot be bound
 */
export async function startService(issuer: Issuer, options: ServiceOptions = {}): Promise<RunningService> {
  if (options.localPrincipal) throw agentIdError('ERR_USAGE', 'localPrincipal is for in-process calls only; a listening service authenticates every call')
  const app = createService(issuer, options)
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const startup = (app as unknown as { agentidStartup: { metricsLoaded: Promise<void>; readiness: ReadinessProbe } }).agentidStartup
  await startup.metricsLoaded
  const host = options.host ?? '127.0.0.1'
  await app.listen({ host, port: options.port ?? 8470 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port ?? 8470
  const listening = { protocol: options.tls ? 'https' as const : 'http' as const, host, port }
  const url = listeningUrl(listening)
  // Checked on the port actually bound (0 picks one): the public URL is what every credential
  // names for its status; a service that cannot be reached there breaks them all, silently.
  const mismatch = publicUrlMismatch(issuer.publicUrl, listening)
  if (mismatch !== undefined && options.publicUrlMismatchOk !== true) {
    await app.close()
    // On every interface, the listening address is no URL anyone reaches: do not suggest it.
    const suggestion = /^(0\.0\.0\.0|::|\[::\])$/.test(host) ? 'an address verifiers reach' : url
    throw agentIdError('ERR_PUBLIC_URL_MISMATCH', `the issuer's public URL ${issuer.publicUrl} (stored in ${issuer.home.dir}; every credential names it for its status) is not how this service is reached at ${url}: ${mismatch}. Serve where it points; or change it with --public-url <${suggestion}> (credentials issued before keep the old URL); or, behind a proxy that forwards ${issuer.publicUrl} here, pass --public-url-mismatch-ok`)
  }
  // Behind a proxy on the same host every client comes from loopback: local metrics are then public.
  if (options.publicUrlMismatchOk === true && (options.metrics ?? 'local') === 'local') {
    log('agentid serve: warning: behind a proxy (--public-url-mismatch-ok), every client may look local and read /metrics without a token; use --metrics token')
  }
  // OAuth 2.1 and the MCP authorization spec require https for an authorization server's
  // endpoints; over plain http only loopback is safe (a proxy in front may add TLS: say so).
  const publicUrl = new URL(issuer.publicUrl)
  if (publicUrl.protocol === 'http:' && !isLoopbackHost(publicUrl.hostname)) {
    log(`agentid serve: warning: the public URL ${issuer.publicUrl} is plain http: agents' tokens and assertions would cross the network in clear; serve https (--tls-cert) or put a TLS proxy in front (docs/mcp.md)`)
  }
  // The audit log is verified in the background: readiness waits for the part from the newest
  // checkpoint, answers do not; the full verification follows, at low priority.
  const auditChecked = startup.readiness.start()
  const auditVerified = startup.readiness.verified()
  // The sweeper and the checkpoints are duties: with replicas, one of them at a time does each
  // (the others skip their turn), and another takes over when it dies (ClusterBus.lead).
  const { cluster } = issuer
  let sweeping: Promise<unknown> = Promise.resolve()
  const interval = options.sweepIntervalMs ?? 30_000
  const timer = interval > 0 ? setInterval(() => {
    sweeping = sweeping.then(() => cluster.lead('sweeper', () => issuer.sweep())).catch((error: unknown) => log(`agentid serve: sweep failed: ${(error as Error).message}`))
  }, interval) : undefined
  timer?.unref()
  // Changes made by other processes on the same database (the CLI), re-signing, keep-alive.
  const events = (app as unknown as { statusEvents: StatusEventHub }).statusEvents
  const monitor = (app as unknown as { agentidMonitor: EventMonitor }).agentidMonitor
  // Status changes at the other replicas reach this one's streams at once, not at the next check.
  const stopHearing = options.push === false ? () => undefined : await cluster.subscribe(() => {
    void events.check()
    void monitor.refreshRetired().catch(() => undefined)
  }).catch(async (error: unknown) => {
    if (timer) clearInterval(timer)
    await app.close()
    throw error
  })
  const checkInterval = options.statusCheckIntervalMs ?? 5000
  const checkpoints = { everyEntries: options.checkpointEveryEntries ?? 1000, everyMs: options.checkpointEveryMs ?? 60_000 }
  // A checkpoint at start for whatever the last run left unsigned: a service that is restarted
  // more often than the interval would otherwise never sign one.
  let checkpointing: Promise<unknown> = checkInterval > 0
    ? cluster.lead('checkpoints', () => issuer.checkpoint()).catch((error: unknown) => log(`agentid serve: audit checkpoint failed: ${(error as Error).message}`))
    : Promise.resolve()
  const checker = checkInterval > 0 ? setInterval(() => {
    void events.check()
    events.ping()
    checkpointing = checkpointing.then(() => cluster.lead('checkpoints', () => issuer.maybeCheckpoint(checkpoints))).catch((error: unknown) => log(`agentid serve: audit checkpoint failed: ${(error as Error).message}`))
  }, checkInterval) : undefined
  checker?.unref()
  // Findings monitoring held a few minutes for the agents' groups are said when due, events or not.
  const releasing = setInterval(() => {
    void monitor.releaseHeld().catch((error: unknown) => log(`agentid serve: held monitoring findings: ${(error as Error).message}`))
  }, 5000)
  releasing.unref()
  return {
    url,
    app,
    publicUrl: issuer.publicUrl,
    auditChecked,
    auditVerified,
    async close() {
      if (timer) clearInterval(timer)
      if (checker) clearInterval(checker)
      clearInterval(releasing)
      stopHearing()
      await app.close()
      // What monitoring learned since its last write survives the restart.
      await monitor.flush()
      await sweeping
      await checkpointing
      await events.settled()
      await startup.readiness.settled()
    },
  }
}

// A socket address on the loopback network: 127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6.
function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

// The slow-client limits, checked: 0 would mean "no limit" to Node, which is no default to fall into.
function clientTimeouts(options: ServiceOptions): { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number } {
  const limit = (name: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback
    if (!Number.isSafeInteger(value) || value <= 0) throw agentIdError('ERR_USAGE', `${name} must be a positive whole number of milliseconds`)
    return value
  }
  const headersTimeout = limit('headersTimeoutMs', options.headersTimeoutMs, 10_000)
  const requestTimeout = limit('requestTimeoutMs', options.requestTimeoutMs, Math.max(30_000, headersTimeout))
  if (headersTimeout > requestTimeout) throw agentIdError('ERR_USAGE', 'the headers timeout cannot be longer than the request timeout (the headers are part of the request)')
  return { headersTimeout, requestTimeout, keepAliveTimeout: limit('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 72_000) }
}

// Errors Node raises before a request reaches fastify (timeouts, malformed HTTP, oversized
// headers), answered in the service's own error format before the connection is closed; not
// while an answer is already under way on it (a pipelined request behind an event stream), where
// the bytes would land inside that answer.
function answerClientError(error: Error & { code?: string }, socket: Socket & { _httpMessage?: { headersSent?: boolean } }): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (socket._httpMessage?.headersSent) {
    socket.destroy()
    return
  }
  const [status, reason, message] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'Request Timeout', 'the request did not arrive in time; the connection is closed']
    : error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'the request headers are too large']
      : [400, 'Bad Request', 'malformed HTTP request']
  const body = JSON.stringify({ error: { code: 'ERR_INPUT_INVALID', message } })
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  socket.destroy()
}

// An answer in the error format written straight on a socket that no request object owns.
function writeRawError(socket: Socket, status: number, reason: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } })
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  socket.destroy()
}

// Every failure as one of our codes; anything unexpected is ERR_STORE without its details.
function asServiceError(error: unknown, bodyLimit: number): AgentIdError {
  if (isAgentIdError(error)) return error
  const e = error as { code?: string; statusCode?: number; validation?: unknown; validationContext?: string; message?: string }
  if (e.validation) return agentIdError('ERR_INPUT_INVALID', `${e.validationContext ?? 'request'} ${e.message ?? 'is invalid'}`.replace(/^(\w+) \1/, '$1'))
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return agentIdError('ERR_INPUT_INVALID', `request body is larger than ${bodyLimit} bytes`)
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return agentIdError('ERR_INPUT_INVALID', 'send the body as application/json')
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return agentIdError('ERR_INPUT_INVALID', e.message ?? 'bad request')
  return agentIdError('ERR_STORE', 'internal error; nothing was changed')
}

// 127.0.0.0/8, ::1 and localhost: where plain http does not leave the machine.
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

// A suppression as the API shows it: times as ISO strings.
function suppressionView(s: SuppressionRecord): Record<string, unknown> {
  return {
    id: s.id, ...(s.agent !== undefined ? { agent: s.agent } : {}), ...(s.kind !== undefined ? { kind: s.kind } : {}), ...(s.about !== undefined ? { about: s.about } : {}),
    reason: s.reason, createdBy: s.createdBy, createdAt: new Date(s.createdAt).toISOString(), expiresAt: new Date(s.expiresAt).toISOString(),
    ...(s.endedAt !== undefined ? { endedAt: new Date(s.endedAt).toISOString(), endedBy: s.endedBy } : {}),
  }
}
