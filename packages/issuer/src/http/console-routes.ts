import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerResponse } from 'node:http'
import { agentIdError } from '@agentid/core'
import { auditView, campaignView, credentialView, policyView, requestView, reviewItemView } from '../views.js'
import { parsePolicy } from '../governance/policy.js'
import { APPROVER, type Route } from './routes.js'
import { ConsoleSessions, SESSION_COOKIE, checkLoginOrigin, cookieValue, sessionCookie } from './console-session.js'
import * as schema from './schemas.js'

/**
 * Where `npm run build` puts the console's static files: this package's dist/console (built from
 * packages/console, shipped in the package), found from src/http or dist/http alike.
 */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url))

/**
 * The Content-Security-Policy of every console file: scripts, styles and connections from this
 * origin only, no inline script or style element, no framing, no plugins.
 */
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

const CONSOLE_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

const READERS = ['admin', 'auditor', 'reviewer', 'security', 'agent-owner', APPROVER]
const AUDIT_READERS = ['admin', 'auditor']
const page = schema.pageQuery as Record<string, Record<string, unknown>>
const { pageOf } = schema

/**
 * Change notices for open consoles: each names only a topic (`requests`, `agents`, `alerts`,
 * `reviews`, `policy`, `principals`, `audit`), never a record, so every signed-in principal may
 * have them; the console then reads what it may see.
 */
export class ConsoleEvents {
  readonly #streams = new Set<ServerResponse>()
  readonly #perPrincipal = new Map<string, number>()
  readonly #bySession = new Map<string, Set<ServerResponse>>()
  readonly #max: number

  constructor(max = 1000) {
    this.#max = max
  }

  get subscribers(): number {
    return this.#streams.size
  }

  /** Takes over a response as an event stream; false when the limits are reached (16 per principal, `max` in all). */
  add(response: ServerResponse, principal: string, session?: string): boolean {
    const mine = this.#perPrincipal.get(principal) ?? 0
    if (this.#streams.size >= this.#max || mine >= 16) return false
    this.#perPrincipal.set(principal, mine + 1)
    this.#streams.add(response)
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' })
    response.write('retry: 3000\n\nevent: ready\ndata: {}\n\n')
    if (session !== undefined) {
      const mine = this.#bySession.get(session) ?? new Set()
      this.#bySession.set(session, mine.add(response))
    }
    response.once('close', () => {
      this.#streams.delete(response)
      if (session !== undefined) {
        const left = this.#bySession.get(session)
        left?.delete(response)
        if (left?.size === 0) this.#bySession.delete(session)
      }
      const left = (this.#perPrincipal.get(principal) ?? 1) - 1
      if (left > 0) this.#perPrincipal.set(principal, left)
      else this.#perPrincipal.delete(principal)
    })
    return true
  }

  /** Ends the streams a console session opened (at its sign-out, or when its principal is refused). */
  endSession(session: string): void {
    for (const stream of this.#bySession.get(session) ?? []) stream.end()
    this.#bySession.delete(session)
  }

  publish(topic: string): void {
    const line = `event: change\ndata: ${JSON.stringify({ topic })}\n\n`
    for (const stream of this.#streams) stream.write(line)
  }

  /** A comment line, so that proxies and browsers keep idle streams open. */
  ping(): void {
    for (const stream of this.#streams) stream.write(': ping\n\n')
  }

  closeAll(): void {
    for (const stream of this.#streams) stream.end()
    this.#streams.clear()
  }
}

/** The topic a successful state change touches, by the first segment of its route. */
export function changeTopic(route: string): string | undefined {
  const first = route.split('/')[1]
  switch (first) {
    case 'requests': case 'tasks': return 'requests'
    case 'agents': case 'credentials': case 'delegations': return 'agents'
    // Not 'events': a report changes nothing on a page; monitoring publishes 'alerts' when it raises one.
    case 'alerts': return 'alerts'
    case 'reviews': return 'reviews'
    case 'policy': case 'roles': return 'policy'
    case 'principals': return 'principals'
    default: return undefined
  }
}

/** What the console's routes need from the service. */
export interface ConsoleDeps {
  readonly sessions: ConsoleSessions
  readonly events: ConsoleEvents
  /** Whether the cookie is Secure: the service or its public URL is https. */
  readonly secureCookie: () => boolean
  /** The origins the console is served from: the public URL's, and the listening address's. */
  readonly origins: () => readonly string[]
  /** The audit chain's state as readiness last saw it. */
  readonly auditState: () => Promise<{ ok: boolean; detail?: string }>
  /** Where the built console is; undefined when it is not served. */
  readonly dir: string | undefined
}

/** The routes of the web console: its files, its sign-in, and the reads its pages page through. */
export function consoleRoutes(deps: ConsoleDeps): Route[] {
  const files = new Map<string, { body: Buffer; type: string }>()
  const file = async (name: string) => {
    if (deps.dir === undefined) return undefined
    const cached = files.get(name)
    if (cached) return cached
    const ext = /\.[a-z0-9]+$/.exec(name)?.[0] ?? ''
    const body = await readFile(join(deps.dir, name)).catch(() => undefined)
    if (!body) return undefined
    const found = { body, type: TYPES[ext] ?? 'application/octet-stream' }
    files.set(name, found)
    return found
  }
  const serve = async (name: string) => {
    const found = await file(name)
    if (!found) {
      if (name === 'index.html') throw agentIdError('ERR_NOT_FOUND', 'the console is not built here: run npm run build (or npm install) in the agentid checkout')
      throw agentIdError('ERR_NOT_FOUND', `no console file ${name}`)
    }
    const cache = name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
    return { body: found.body, contentType: found.type, headers: { ...CONSOLE_HEADERS, 'cache-control': cache } }
  }
  return [
    {
      method: 'GET', url: '/console', summary: 'the web console (docs/console.md), under a strict Content-Security-Policy; 404 until it is built (npm install)', tag: 'console', access: 'public', success: [200], produces: 'text/html',
      handler: async () => serve('index.html'),
    },
    {
      method: 'GET', url: '/console/assets/:file', summary: "the web console's scripts and styles (content-hashed names, cached for good)", tag: 'console', access: 'public', success: [200], produces: 'text/javascript',
      params: { type: 'object', additionalProperties: false, required: ['file'], properties: { file: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*$' } } },
      handler: async ({ params }) => {
        // Only the flat names the build writes: nothing that could climb out of the folder.
        if (params.file!.includes('..')) throw agentIdError('ERR_NOT_FOUND', `no console file ${params.file}`)
        return serve(`assets/${params.file!}`)
      },
    },
    {
      method: 'POST', url: '/console/session', summary: "sign in to the console: a principal's token for a session cookie (HttpOnly, SameSite=Strict, Secure over TLS) and the session's CSRF token; the token is never stored by the browser",
      tag: 'console', access: 'public', body: schema.loginBody, success: [200],
      handler: async ({ issuer, body, headers }) => {
        checkLoginOrigin(headers, deps.origins())
        const token = (body as { token: string }).token
        const principal = await issuer.authenticate(token)
        if (!principal) throw agentIdError('ERR_UNAUTHORIZED', 'the token is not valid, or its principal is disabled')
        // Signing in again ends the session the browser had.
        const previous = cookieValue(headers.cookie as string | undefined, SESSION_COOKIE)
        if (previous !== undefined) {
          await deps.sessions.close(previous)
          deps.events.endSession(previous)
        }
        const session = await deps.sessions.open(token, principal.id, principal.expiresAt)
        return {
          body: { principal: { id: principal.id, roles: principal.roles }, csrf: session.csrf },
          headers: { 'set-cookie': sessionCookie(session.id, session.maxAgeSeconds, deps.secureCookie()), 'cache-control': 'no-store' },
        }
      },
    },
    {
      method: 'GET', url: '/console/session', summary: 'who is signed in: the principal, its roles, the approver roles of the policy, and (with the session cookie) the CSRF token state changes must carry',
      tag: 'console', access: 'any', success: [200],
      handler: async ({ issuer, principal, headers }) => {
        const id = cookieValue(headers.cookie as string | undefined, SESSION_COOKIE)
        const session = id !== undefined && headers.authorization === undefined ? await deps.sessions.get(id) : undefined
        const { policy } = await issuer.policy()
        return { body: { principal: { id: principal.id, roles: principal.roles, ...(principal.did ? { did: principal.did } : {}) }, approverRoles: policy.approverRoles, ...(session ? { csrf: session.csrf } : {}) } }
      },
    },
    {
      method: 'POST', url: '/console/session/end', summary: 'sign out: the session ends at once and its cookie is cleared', tag: 'console', access: 'any', body: schema.emptyBody, success: [200],
      handler: async ({ headers }) => {
        const id = cookieValue(headers.cookie as string | undefined, SESSION_COOKIE)
        if (id !== undefined && headers.authorization === undefined) {
          await deps.sessions.close(id)
          deps.events.endSession(id)
        }
        return { body: { signedOut: true }, headers: { 'set-cookie': sessionCookie('', 0, deps.secureCookie()) } }
      },
    },
    {
      method: 'GET', url: '/console/events', summary: 'server-sent events for open consoles: "change" events naming a topic (requests, agents, alerts, reviews, policy, principals) after each state change; no record in them',
      tag: 'console', access: 'any', success: [200], produces: 'text/event-stream',
      handler: async ({ principal, headers }) => ({
        body: undefined,
        stream: async (response) => {
          const session = headers.authorization === undefined ? cookieValue(headers.cookie as string | undefined, SESSION_COOKIE) : undefined
          if (deps.events.add(response, principal.id, session)) return
          response.writeHead(429, { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '10' })
            .end(JSON.stringify({ error: { code: 'ERR_RATE_LIMITED', message: 'too many console streams; close a tab' } }))
        },
      }),
    },
    {
      method: 'GET', url: '/queue', summary: "the requests waiting for this principal's decision (pending, at a level it holds the role of, not asked by it nor already decided by it), oldest first, with the agent, its owner and any duty conflict approving would meet; paged",
      tag: 'requests', access: [APPROVER], query: { type: 'object', additionalProperties: false, properties: page }, success: [200],
      handler: async ({ issuer, principal, query }) => {
        const { limit, offset } = pageOf(query)
        // Paged in the store, at the levels whose role this principal holds.
        const { requests: page, total } = await issuer.approvalQueue(principal, limit, offset)
        const requests = await Promise.all(page.map(async (r) => {
          const agent = await issuer.findVisibleAgent(r.subject, principal)
          const conflict = await issuer.dutyConflict(r)
          return { ...requestView(r), agent: agent ? { did: agent.did, name: agent.name, kind: agent.kind, owner: agent.owner, ...(agent.segment ? { segment: agent.segment } : {}) } : null, ...(conflict ? { dutyConflict: conflict } : {}) }
        }))
        return { body: { requests, total, limit, offset } }
      },
    },
    {
      method: 'POST', url: '/alerts/:id/acknowledge', summary: 'acknowledge an alert (a responder has seen it; audited as alert.acknowledge)', tag: 'monitoring', access: ['admin', 'security'],
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } } }, body: schema.ackBody, success: [200],
      handler: async ({ issuer, principal, params, body }) => {
        const note = (body as { note?: string } | undefined)?.note
        return { body: { alert: Number(params.id), acknowledged: await issuer.acknowledgeAlert(Number(params.id), principal, note) } }
      },
    },
    {
      method: 'GET', url: '/audit/search', summary: 'audit entries newest first, below `before` (a sequence number), by actor, action prefix or target; paged by `before` (the `next` answered)',
      tag: 'monitoring', access: AUDIT_READERS, success: [200],
      query: { type: 'object', additionalProperties: false, properties: { actor: { type: 'string', maxLength: 128 }, action: { type: 'string', maxLength: 64 }, target: { type: 'string', maxLength: 256 }, before: { type: 'string', pattern: '^[0-9]{1,10}$' }, limit: page.limit } },
      handler: async ({ issuer, query }) => {
        const { limit } = pageOf({ limit: query.limit })
        const filter = { ...(query.actor ? { actor: query.actor } : {}), ...(query.action ? { action: query.action } : {}), ...(query.target ? { target: query.target } : {}), ...(query.before ? { before: Number(query.before) } : {}) }
        const { entries, last } = await issuer.searchAudit(filter, limit)
        const oldest = entries.at(-1)
        return { body: { entries: entries.map(auditView), last, ...(entries.length === limit && oldest && oldest.seq > 1 ? { next: oldest.seq } : {}) } }
      },
    },
    {
      method: 'GET', url: '/audit/state', summary: "the audit log at a glance: its chain's verification state (checked in full at start, then as it grows), the newest entry and the latest signed checkpoint",
      tag: 'monitoring', access: AUDIT_READERS, success: [200],
      handler: async ({ issuer }) => {
        const [checkpoint] = await issuer.listCheckpoints(1)
        const { last } = await issuer.searchAudit({}, 1)
        return { body: { chain: await deps.auditState(), entries: last, lastCheckpoint: checkpoint ? { seq: checkpoint.seq, head: checkpoint.head, at: new Date(checkpoint.at).toISOString(), jwt: checkpoint.jwt } : null } }
      },
    },
    {
      method: 'GET', url: '/audit/export', summary: 'the whole audit log as JSON Lines (a download, read from the store a page at a time)', tag: 'monitoring', access: AUDIT_READERS, success: [200], produces: 'application/jsonl',
      handler: async ({ issuer }) => ({
        body: undefined,
        stream: async (response) => {
          response.writeHead(200, { 'content-type': 'application/jsonl; charset=utf-8', 'content-disposition': 'attachment; filename="agentid-audit.jsonl"', 'cache-control': 'no-store' })
          let from = 1
          for (;;) {
            const entries = await issuer.readAudit(from, 1000)
            if (entries.length === 0) break
            const ok = response.write(entries.map((e) => JSON.stringify(auditView(e))).join('\n') + '\n')
            // A client that goes away never drains: its close ends the wait too.
            if (!ok) await new Promise<void>((resolve) => {
              const done = () => {
                response.off('drain', done)
                response.off('close', done)
                resolve()
              }
              response.once('drain', done)
              response.once('close', done)
            })
            if (response.destroyed) return
            from = entries.at(-1)!.seq + 1
          }
          response.end()
        },
      }),
    },
    {
      method: 'GET', url: '/policy/history', summary: 'policy versions, newest first, with who set each and when; paged', tag: 'policy', access: READERS,
      query: { type: 'object', additionalProperties: false, properties: page }, success: [200],
      handler: async ({ issuer, query }) => {
        const { limit, offset } = pageOf(query)
        const { versions, total } = await issuer.listPolicies(limit, offset)
        return {
          body: {
            versions: versions.map((v) => ({ ...policyView({ version: v.version, policy: parsePolicy(JSON.parse(v.document)) }), createdAt: new Date(v.createdAt).toISOString(), createdBy: v.createdBy })),
            total, limit, offset,
          },
        }
      },
    },
    {
      method: 'GET', url: '/reviews/:id/items', summary: "a review campaign's items with each credential (agent, entitlements, risk), open ones first, then by risk (critical first); paged", tag: 'reviews', access: ['admin', 'reviewer', 'auditor'],
      params: schema.idParam('id'), query: { type: 'object', additionalProperties: false, properties: { status: { enum: ['open', 'decided'] }, ...page } }, success: [200],
      handler: async ({ issuer, params, query }) => {
        const { limit, offset } = pageOf(query)
        const page = await issuer.reviewItemsPage(params.id!, query.status === undefined ? {} : { status: query.status as 'open' | 'decided' }, limit, offset)
        const items = await Promise.all(page.items.map(async (i) => {
          const { credential, agent } = await issuer.reviewedAccess(i)
          return { ...reviewItemView(i), ...(credential ? { credentialRecord: credentialView(credential) } : {}), ...(agent ? { agent: { did: agent.did, name: agent.name, owner: agent.owner } } : {}) }
        }))
        const { items: _items, ...view } = campaignView(page.campaign, [])
        return { body: { campaign: { ...view, progress: page.progress }, items, total: page.total, limit, offset } }
      },
    },
  ]
}

