import { randomBytes, timingSafeEqual } from 'node:crypto'
import { agentIdError } from '@agentid/core'

/** The console's session cookie: an opaque id, never the principal's token. */
export const SESSION_COOKIE = 'agentid_console'
/** The header every state change sent with the session cookie carries (double-submit of the session's CSRF token). */
export const CSRF_HEADER = 'x-csrf-token'

/** How long a console session lives at most (the token's own expiry and state still apply). */
const SESSION_TTL_MS = 8 * 3600 * 1000
/** Sessions held at once (memory stays bounded whatever clients do). */
const MAX_SESSIONS = 10_000
/** Sessions one principal holds at once: its own oldest goes first, never another's. */
const MAX_SESSIONS_PER_PRINCIPAL = 10

interface Session {
  readonly principal: string
  readonly token: string
  readonly csrf: string
  readonly expiresAt: number
}

/**
 * Console sessions, in memory: a session id (the HttpOnly cookie) stands for a principal's token,
 * which is authenticated again on every request, so that a principal disabled, stripped of a role
 * or whose token was rotated is refused at its next click. A restart signs everyone out.
 */
export class ConsoleSessions {
  readonly #sessions = new Map<string, Session>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /**
   * Opens a session for a token already authenticated; answers its id and CSRF token. A principal
   * holds a few sessions at once (its own oldest ends first); when all sessions are taken, expired
   * ones go, and then nobody else's is ended for a newcomer: ERR_RATE_LIMITED.
   */
  open(token: string, principal: string, tokenExpiresAt?: number): { id: string; csrf: string; maxAgeSeconds: number } {
    const own = [...this.#sessions].filter(([, s]) => s.principal === principal)
    for (const [id] of own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_PRINCIPAL + 1))) this.#sessions.delete(id)
    if (this.#sessions.size >= MAX_SESSIONS) for (const [id, s] of this.#sessions) if (s.expiresAt <= this.#now()) this.#sessions.delete(id)
    if (this.#sessions.size >= MAX_SESSIONS) throw agentIdError('ERR_RATE_LIMITED', 'too many console sessions are open; try again later')
    const id = randomBytes(32).toString('base64url')
    const csrf = randomBytes(32).toString('base64url')
    const expiresAt = Math.min(this.#now() + SESSION_TTL_MS, tokenExpiresAt ?? Infinity)
    this.#sessions.set(id, { principal, token, csrf, expiresAt })
    return { id, csrf, maxAgeSeconds: Math.max(1, Math.floor((expiresAt - this.#now()) / 1000)) }
  }

  /** The session of this id, unless it expired. */
  get(id: string): Session | undefined {
    const session = this.#sessions.get(id)
    if (session && session.expiresAt <= this.#now()) {
      this.#sessions.delete(id)
      return undefined
    }
    return session
  }

  close(id: string): void {
    this.#sessions.delete(id)
  }
}

/**
 * The value of one cookie in a Cookie header. Two of that name are refused: a page on a sibling
 * origin (another port, a subdomain) can plant one with a longer path, which browsers send first,
 * to sign a victim into the attacker's session ("cookie tossing").
 * @throws AgentIdError ERR_UNAUTHORIZED
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  let value: string | undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      if (value !== undefined) throw agentIdError('ERR_UNAUTHORIZED', `two ${name} cookies were sent: sign in again`)
      value = part.slice(eq + 1).trim()
    }
  }
  return value
}

/** The Set-Cookie header of a session (or of its removal, with maxAge 0). */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`
}

/**
 * CSRF check of a state change sent with the session cookie: the session's token in
 * `X-CSRF-Token` (a header a cross-site form cannot set, and a cross-site script cannot read the
 * value of), and an `Origin`, when the browser sends one, that is this service's own.
 * @throws AgentIdError ERR_CSRF
 */
export function checkCsrf(session: { csrf: string }, headers: Readonly<Record<string, string | string[] | undefined>>, ownOrigins: readonly string[]): void {
  const origin = headers.origin
  if (origin !== undefined && !ownOrigins.includes(String(origin))) throw agentIdError('ERR_CSRF', `a state change from ${String(origin)} is refused: the console's session is for ${ownOrigins[0]} only`)
  const sent = headers[CSRF_HEADER]
  if (typeof sent !== 'string' || !sameSecret(sent, session.csrf)) throw agentIdError('ERR_CSRF', `a state change with the console's session cookie needs its ${CSRF_HEADER} header`)
}

/**
 * A login exchange must come from this origin too (no cross-site sign-in into another's session):
 * browsers send Origin on every POST.
 * @throws AgentIdError ERR_CSRF
 */
export function checkLoginOrigin(headers: Readonly<Record<string, string | string[] | undefined>>, ownOrigins: readonly string[]): void {
  const origin = headers.origin
  if (origin !== undefined && !ownOrigins.includes(String(origin))) throw agentIdError('ERR_CSRF', `a sign-in from ${String(origin)} is refused`)
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
