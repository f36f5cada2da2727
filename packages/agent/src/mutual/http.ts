import type { IncomingMessage, ServerResponse } from 'node:http'
import { agentIdError, ERROR_CODES, isAgentIdError, parseStrictJson, type AgentIdError } from '@agentid/core'
import { MUTUAL_VERSION, type MutualAgent, type Session } from './mutual-agent.js'
import { HelloLimiter, type HelloLimits } from './hello-limiter.js'

/** Where an agent's HTTP server takes handshake messages. */
export const HANDSHAKE_PATH = '/.well-known/agentid/handshake'
const MAX_BODY = 1024 * 1024
const MAX_HANDSHAKE = 64 * 1024

/** Options of {@link mutualHttpHandler}. */
export interface MutualHttpOptions {
  /**
   * Hellos answered per client address and in all, per clock minute (defaults 60 and 3000; each
   * costs a signature); past them `429 ERR_RATE_LIMITED` with `Retry-After`.
   */
  readonly hellos?: HelloLimits
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
}

/** What a handler behind {@link mutualHttpHandler} gets: the verified session and the body read. */
export interface MutualRequestContext {
  readonly session: Session
  readonly body: Buffer
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        reject(agentIdError('ERR_INPUT_INVALID', `body larger than ${max} bytes`))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

// A refusal: the code's own status for malformed input, a denial and too many handshakes; any
// other failure is 401 with a challenge that says what to do (handshake again).
const OWN_STATUS = new Set<string>(['ERR_INPUT_INVALID', 'ERR_NOT_ENTITLED', 'ERR_FORBIDDEN', 'ERR_RATE_LIMITED'])
function refuse(res: ServerResponse, error: AgentIdError, retryAfter: number): void {
  const status = OWN_STATUS.has(error.code) ? ERROR_CODES[error.code].status : 401
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' }
  if (error.code === 'ERR_RATE_LIMITED') headers['retry-after'] = String(retryAfter)
  if (status === 401) headers['www-authenticate'] = `AgentID realm="agentid", error="${error.code}", handshake="${HANDSHAKE_PATH}"`
  res.writeHead(status, headers).end(JSON.stringify({ error: { code: error.code, message: error.message } }))
}

function asError(error: unknown): AgentIdError {
  return isAgentIdError(error) ? error : agentIdError('ERR_INPUT_INVALID', (error as Error).message)
}

/**
 * A `node:http` request listener for an agent's server: answers handshakes at
 * `/.well-known/agentid/handshake`, and lets through to `handler` only requests that carry a
 * valid proof in an established session (every request is verified: zero trust). Refusals are
 * `401` with `WWW-Authenticate: AgentID ... error="<code>", handshake="<path>"` and the error as
 * JSON; a peer that is not entitled is `403`; too many hellos `429 ERR_RATE_LIMITED` (limits per
 * client address and in all that churn through many addresses cannot reset: `options.hellos`).
 * @throws AgentIdError ERR_USAGE for hello limits that are not positive whole numbers
 */
export function mutualHttpHandler(mutual: MutualAgent, handler: (req: IncomingMessage, res: ServerResponse, context: MutualRequestContext) => void | Promise<void>, options: MutualHttpOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const hellos = new HelloLimiter(options.hellos)
  const now = options.now ?? Date.now
  const REFUSED = { address: 'too many handshakes from this address this minute', total: 'too many handshakes this minute', addresses: 'too many addresses shaking hands this minute' }
  return (req, res) => {
    void (async () => {
      try {
        if (req.url === HANDSHAKE_PATH) {
          if (req.method !== 'POST') throw agentIdError('ERR_INPUT_INVALID', 'handshake messages are POSTed')
          const message = parseStrictJson((await readBody(req, MAX_HANDSHAKE)).toString('utf8'), { maxLength: MAX_HANDSHAKE, maxDepth: 4 }) as { type?: unknown }
          const refused = message?.type === 'agentid/hello' ? hellos.take(req.socket.remoteAddress ?? '', now()) : undefined
          if (refused !== undefined) throw agentIdError('ERR_RATE_LIMITED', REFUSED[refused])
          const answer = message?.type === 'agentid/hello'
            ? await mutual.respond(message)
            : await mutual.accept(message).then((s) => ({ type: 'agentid/established', v: MUTUAL_VERSION, session: s.id, expires: new Date(s.expires).toISOString() }))
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(answer))
          return
        }
        // An unknown session is refused before its body is read.
        const sessionId = req.headers['agentid-session']
        if (typeof sessionId !== 'string' || !mutual.knows(sessionId)) throw agentIdError('ERR_UNAUTHORIZED', 'unknown session: complete a handshake first')
        const body = await readBody(req, MAX_BODY)
        const verified = await mutual.verifyRequest({
          session: req.headers['agentid-session'] as string | undefined,
          proof: req.headers['agentid-proof'] as string | undefined,
          method: req.method ?? 'GET',
          target: req.url ?? '/',
          body,
        })
        if (!verified.ok) throw agentIdError(verified.code, verified.message)
        await handler(req, res, { session: verified.session, body })
      } catch (error) {
        if (!res.headersSent) refuse(res, asError(error), HelloLimiter.retryAfter(now()))
        else res.destroy()
      }
    })()
  }
}

/** Options of {@link mutualFetch}. */
export interface MutualFetchOptions {
  /** Refuse a server that is not this DID. */
  readonly expectPeer?: string
  readonly fetch?: typeof fetch
}

/** A fetch that speaks for this agent to one peer: {@link mutualFetch}. */
export interface MutualFetch {
  (path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>
  /** The current session (after the first call). */
  readonly session: Session | undefined
  /** Forgets the session: the next call shakes hands again. */
  reset(): void
}

/**
 * A `fetch` for requests to one peer agent at `baseUrl`: performs the handshake on first contact
 * (and again when the peer says the session is gone), then, before each request, checks the
 * peer's credentials again (expiry, trust, revocation, suspension) and signs the request with a
 * proof. A peer that cannot prove who it is, is not who `expectPeer` says, or is no longer good,
 * throws with the code (ERR_VC_REVOKED, ERR_VC_SUSPENDED, ERR_VC_EXPIRED, ERR_STATUS_UNAVAILABLE, ...).
 */
export function mutualFetch(mutual: MutualAgent, baseUrl: string, options: MutualFetchOptions = {}): MutualFetch {
  const doFetch = options.fetch ?? fetch
  const base = baseUrl.replace(/\/$/, '')
  let session: Session | undefined

  async function post(message: unknown): Promise<unknown> {
    const response = await doFetch(`${base}${HANDSHAKE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
    const text = await response.text()
    let body: { error?: { code?: unknown; message?: unknown } }
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      throw agentIdError('ERR_INPUT_INVALID', `peer ${base} answered the handshake with something that is not JSON (HTTP ${response.status})`)
    }
    if (!response.ok) {
      const code = typeof body.error?.code === 'string' && body.error.code in ERROR_CODES ? (body.error.code as keyof typeof ERROR_CODES) : 'ERR_UNAUTHORIZED'
      throw agentIdError(code, `peer ${base} refused the handshake: ${String(body.error?.message ?? response.status)}`)
    }
    return body
  }

  async function handshake(): Promise<Session> {
    const { hello, pending } = mutual.initiate()
    const response = await post(hello)
    if (options.expectPeer !== undefined && (response as { from?: unknown }).from !== options.expectPeer) {
      throw agentIdError('ERR_VP_HOLDER_BINDING', `peer ${base} is ${String((response as { from?: unknown }).from)}, not ${options.expectPeer}`)
    }
    const { message, session: opened } = await mutual.complete(response, pending)
    const established = (await post(message)) as { session?: unknown }
    if (established.session !== opened.id) throw agentIdError('ERR_VP_HOLDER_BINDING', 'the peer established another session than this one')
    return opened
  }

  const call = async (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}, retried = false): Promise<Response> => {
    if (!session || Date.now() >= session.expires) session = await handshake()
    // Both ways, every time: the server's credentials are checked again now, as the server checks
    // this agent's on every request; a server revoked or suspended is refused before the request
    // leaves, and the session is dropped (a new handshake would meet the same verdict).
    const peer = await mutual.checkPeer(session)
    if (!peer.ok) {
      session = undefined
      throw agentIdError(peer.code, `peer ${base}: ${peer.message}`)
    }
    const method = (init.method ?? 'GET').toUpperCase()
    // Sign the target as it will go on the wire (fetch percent-encodes and normalises the path).
    const url = new URL(`${base}${path}`)
    const target = `${url.pathname}${url.search}`
    const headers = { ...init.headers, ...mutual.signRequest(session, { method, target, ...(init.body !== undefined ? { body: init.body } : {}) }) }
    const response = await doFetch(url, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) })
    // The peer forgot or ended the session (restart, expiry): shake hands again, once.
    const challenge = response.headers.get('www-authenticate') ?? ''
    if (response.status === 401 && !retried && /error="(ERR_UNAUTHORIZED|ERR_VP_EXPIRED)"/.test(challenge)) {
      await response.body?.cancel()
      session = undefined
      return call(path, init, true)
    }
    return response
  }
  const wrapped = ((path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }) => call(path, init)) as MutualFetch
  Object.defineProperty(wrapped, 'session', { get: () => session })
  wrapped.reset = () => {
    session = undefined
  }
  return wrapped
}
