import { randomBytes, timingSafeEqual } from 'node:crypto'
import { agentIdError } from '@agentid/core'

/** The console's session cookie: an opaque id, never the principal's token. */
export const SESSION_COOKIE = 'agentid_console'
/** The header every state change sent with the session cookie carries (double-submit of the session's CSRF token). */
export const CSRF_HEADER = 'x-csrf-token'

/** How long a console session lives at most (the token's own expiry and state still apply). */
const SESSION_TTL_MS = 8 * 3600 * 1000
/** Sessions held at once; the oldest goes first (memory stays bounded whatever clients do). */
const MAX_SESSIONS = 10_000

interface Session {
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

  /** Opens a session for a token already authenticated; answers its id and CSRF token. */
  open(token: string, tokenExpiresAt?: number): { id: string; csrf: string; maxAgeSeconds: number } {
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value
      if (oldest === undefined) break
      this.#sessions.delete(oldest)
    }
    const id = randomBytes(32).toString('base64url')
    const csrf = randomBytes(32).toString('base64url')
    const expiresAt = Math.min(this.#now() + SESSION_TTL_MS, tokenExpiresAt ?? Infinity)
    this.#sessions.set(id, { token, csrf, expiresAt })
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

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
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
export function checkCsrf(session: { csrf: string }, headers: Readonly<Record<string, string | string[] | undefined>>, ownOrigin: string): void {
  const origin = headers.origin
  if (origin !== undefined && origin !== ownOrigin) throw agentIdError('ERR_CSRF', `a state change from ${String(origin)} is refused: the console's session is for ${ownOrigin} only`)
  const sent = headers[CSRF_HEADER]
  if (typeof sent !== 'string' || !sameSecret(sent, session.csrf)) throw agentIdError('ERR_CSRF', `a state change with the console's session cookie needs its ${CSRF_HEADER} header`)
}

/**
 * A login exchange must come from this origin too (no cross-site sign-in into another's session):
 * browsers send Origin on every POST.
 * @throws AgentIdError ERR_CSRF
 */
export function checkLoginOrigin(headers: Readonly<Record<string, string | string[] | undefined>>, ownOrigin: string): void {
  const origin = headers.origin
  if (origin !== undefined && origin !== ownOrigin) throw agentIdError('ERR_CSRF', `a sign-in from ${String(origin)} is refused`)
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
