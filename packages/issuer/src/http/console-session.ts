import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import type { SharedSessionTable } from '../cluster/cluster-bus.js'

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

/** An open console session. */
export interface Session {
  readonly principal: string
  readonly token: string
  readonly csrf: string
  readonly expiresAt: number
}

/**
 * Console sessions: a session id (the HttpOnly cookie) stands for a principal's token, which is
 * authenticated again on every request, so that a principal disabled, stripped of a role or whose
 * token was rotated is refused at its next click.
 *
 * With one process they live in memory (a restart signs everyone out). With replicas they live in
 * the database the replicas share ({@link SharedSessionTable}), so that a browser sent to any
 * replica stays signed in and signing out ends the session everywhere: stored by the SHA-256 of
 * their id (a database reader cannot use a row as a cookie), the token and CSRF token sealed with
 * AES-256-GCM under a key every replica derives (a database reader learns no bearer token).
 */
export class ConsoleSessions {
  readonly #sessions = new Map<string, Session>()
  readonly #now: () => number
  readonly #shared: { readonly table: SharedSessionTable; readonly key: Buffer } | undefined

  constructor(now: () => number = Date.now, shared?: { readonly table: SharedSessionTable; readonly key: Buffer }) {
    this.#now = now
    this.#shared = shared
  }

  /**
   * Opens a session for a token already authenticated; answers its id and CSRF token. A principal
   * holds a few sessions at once (its own oldest ends first); when all sessions are taken, expired
   * ones go, and then nobody else's is ended for a newcomer: ERR_RATE_LIMITED.
   */
  async open(token: string, principal: string, tokenExpiresAt?: number): Promise<{ id: string; csrf: string; maxAgeSeconds: number }> {
    const id = randomBytes(32).toString('base64url')
    const csrf = randomBytes(32).toString('base64url')
    const expiresAt = Math.min(this.#now() + SESSION_TTL_MS, tokenExpiresAt ?? Infinity)
    if (this.#shared) {
      const idHash = sha256(id)
      await this.#shared.table.put(idHash, { principal, sealed: seal(this.#shared.key, idHash, JSON.stringify({ token, csrf })), expiresAt }, MAX_SESSIONS_PER_PRINCIPAL)
    } else {
      const own = [...this.#sessions].filter(([, s]) => s.principal === principal)
      for (const [old] of own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_PRINCIPAL + 1))) this.#sessions.delete(old)
      if (this.#sessions.size >= MAX_SESSIONS) for (const [old, s] of this.#sessions) if (s.expiresAt <= this.#now()) this.#sessions.delete(old)
      if (this.#sessions.size >= MAX_SESSIONS) throw agentIdError('ERR_RATE_LIMITED', 'too many console sessions are open; try again later')
      this.#sessions.set(id, { principal, token, csrf, expiresAt })
    }
    return { id, csrf, maxAgeSeconds: Math.max(1, Math.floor((expiresAt - this.#now()) / 1000)) }
  }

  /** The session of this id, unless it ended or expired. */
  async get(id: string): Promise<Session | undefined> {
    if (this.#shared) {
      const idHash = sha256(id)
      const row = await this.#shared.table.get(idHash, this.#now())
      if (!row) return undefined
      // A row that does not open under this key (tampered, or from another key-encryption key) is no session.
      const secrets = unseal(this.#shared.key, idHash, row.sealed)
      return secrets ? { principal: row.principal, token: secrets.token, csrf: secrets.csrf, expiresAt: row.expiresAt } : undefined
    }
    const session = this.#sessions.get(id)
    if (session && session.expiresAt <= this.#now()) {
      this.#sessions.delete(id)
      return undefined
    }
    return session
  }

  async close(id: string): Promise<void> {
    if (this.#shared) await this.#shared.table.delete(sha256(id))
    else this.#sessions.delete(id)
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

// AES-256-GCM, the session's id hash as associated data: a sealed value moved to another row does not open.
function seal(key: Buffer, idHash: string, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(idHash))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

function unseal(key: Buffer, idHash: string, sealed: string): { token: string; csrf: string } | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12))
    decipher.setAAD(Buffer.from(idHash))
    decipher.setAuthTag(bytes.subarray(12, 28))
    const secrets = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as { token?: unknown; csrf?: unknown }
    return typeof secrets.token === 'string' && typeof secrets.csrf === 'string' ? { token: secrets.token, csrf: secrets.csrf } : undefined
  } catch {
    return undefined
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
