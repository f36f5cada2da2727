import type { IncomingMessage, ServerResponse } from 'node:http'
import { agentIdError, ERROR_CODES, parseStrictJson, type AccessRequest } from '@agentid/core'
import { mutualHttpHandler, type MutualAgent, type MutualHttpOptions, type Session } from '@agentid/agent'
import { AGENTID_EXTENSION_URI } from '../card/extension.js'

/** The A2A header where a client names the extensions it uses and a server those it applied. */
export const A2A_EXTENSIONS_HEADER = 'A2A-Extensions'
/** Where A2A serves the Agent Card (A2A spec 8.2), public: the guard lets a GET of it through. */
export const AGENT_CARD_PATH = '/.well-known/agent-card.json'
const MAX_JSON = 1024 * 1024

/** Options of {@link a2aMutualGuard}. */
export interface A2aGuardOptions extends MutualHttpOptions {
  /**
   * What the caller must be entitled to for a request, decided per request from its session and
   * parsed JSON body (the JSON-RPC method, the message): `undefined` lets it through; a refusal is
   * `403 ERR_NOT_ENTITLED` (or the decision's code).
   */
  readonly require?: AccessRequest | ((session: Session, body: unknown) => AccessRequest | undefined)
}

/** The request shape the guard needs from express (or any node:http framework). */
type GuardRequest = IncomingMessage & { originalUrl?: string; body?: unknown; _body?: boolean }

const sessions = new WeakMap<IncomingMessage, Session>()

/** The verified session of a request the guard let through; `undefined` for any other request. */
export function a2aSessionOf(req: IncomingMessage): Session | undefined {
  return sessions.get(req)
}

/** The user an `@a2a-js/sdk` server sees for a request the guard let through: the peer's DID. */
export interface AgentIdUser {
  readonly isAuthenticated: boolean
  /** The peer agent's DID ("" when unauthenticated). */
  readonly userName: string
  readonly session: Session | undefined
}

/**
 * A `userBuilder` for `@a2a-js/sdk`'s `jsonRpcHandler` / `restHandler`: the caller is the peer
 * agent the guard verified (its DID as `userName`, its session with its entitlements).
 */
export async function agentIdUserBuilder(req: IncomingMessage): Promise<AgentIdUser> {
  const session = sessions.get(req)
  return { isAuthenticated: session !== undefined, userName: session?.peer ?? '', session }
}

function refuse(res: ServerResponse, code: keyof typeof ERROR_CODES, message: string): void {
  res.writeHead(ERROR_CODES[code].status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ error: { code, message } }))
}

/**
 * Express middleware (any `(req, res, next)` framework on node:http) that puts the agentid mutual
 * handshake in front of an `@a2a-js/sdk` server: it answers handshakes at
 * `/.well-known/agentid/handshake`, lets a GET of the Agent Card through, and lets any other
 * request reach the A2A handlers only with a valid proof in an established session (method,
 * target, exact body; replay, expiry, the peer's credentials' status checked now). Refusals are
 * those of `mutualHttpHandler` (docs/protocol.md): `401` with `WWW-Authenticate: AgentID …` and
 * `{"error":{"code","message"}}`, `403` for a peer that is not entitled, `429` for too many hellos.
 * Mount it before `jsonRpcHandler`/`restHandler` and before any body parser (the proof covers the
 * raw body), and use {@link agentIdUserBuilder} there.
 * The body it read is handed on parsed (`req.body`), as `express.json()` would.
 * @throws AgentIdError ERR_USAGE for hello limits that are not positive whole numbers
 */
export function a2aMutualGuard(mutual: MutualAgent, options: A2aGuardOptions = {}): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const pending = new WeakMap<IncomingMessage, { next: (error?: unknown) => void; url: string | undefined }>()
  const listener = mutualHttpHandler(mutual, (req, res, { session, body }) => {
    const r = req as GuardRequest
    const entry = pending.get(req)
    if (entry === undefined) throw agentIdError('ERR_UNAUTHORIZED', 'request did not come through the guard')
    let parsed: unknown
    if (body.length > 0 && /\bjson\b/i.test(req.headers['content-type'] ?? '')) parsed = parseStrictJson(body.toString('utf8'), { maxLength: MAX_JSON, maxDepth: 64 })
    const required = typeof options.require === 'function' ? options.require(session, parsed) : options.require
    if (required !== undefined) {
      const decision = mutual.authorize(session, required)
      if (!decision.allow) {
        refuse(res, decision.code, decision.message)
        return
      }
    }
    sessions.set(req, session)
    // The body is consumed: hand it on parsed, as express.json() does (it skips a read request).
    if (parsed !== undefined) {
      r.body = parsed
      r._body = true
    }
    const asked = String(req.headers[A2A_EXTENSIONS_HEADER.toLowerCase()] ?? '').split(',').map((s) => s.trim())
    if (asked.includes(AGENTID_EXTENSION_URI)) res.setHeader(A2A_EXTENSIONS_HEADER, AGENTID_EXTENSION_URI)
    req.url = entry.url
    entry.next()
  }, options)
  return (req, res, next) => {
    const r = req as GuardRequest
    // Mounted under a path, express rewrites req.url: the proof covers the target as sent.
    const target = r.originalUrl ?? req.url ?? '/'
    if (req.method === 'GET' && new URL(target, 'http://x').pathname === AGENT_CARD_PATH) {
      next()
      return
    }
    pending.set(req, { next, url: req.url })
    req.url = target
    listener(req, res)
  }
}
