// The console talks only to the issuer's documented API, on the same origin. The session is an
// HttpOnly cookie the browser sends itself; the CSRF token lives in this module's memory only
// (never in localStorage), and goes with every state change.

let csrf
let onSignedOut = () => undefined

/** Called when the API says the session is over (signed out elsewhere, disabled, rotated, expired). */
export function whenSignedOut(handler) {
  onSignedOut = handler
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf
  const response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  const text = await response.text()
  let parsed
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  if (!response.ok) {
    const error = parsed?.error ?? { code: 'ERR_UNKNOWN', message: `HTTP ${response.status}` }
    if (response.status === 401 && path !== '/console/session') {
      csrf = undefined
      onSignedOut()
    }
    throw new ApiError(response.status, error.code, error.message)
  }
  return parsed
}

export const get = (path) => call('GET', path)
export const post = (path, body = {}) => call('POST', path, body)

/** Exchanges a token for a session cookie; keeps only the CSRF token, in memory. */
export async function signIn(token) {
  const answer = await call('POST', '/console/session', { token })
  csrf = answer.csrf
  return session()
}

/** The signed-in principal (after a reload, the cookie still names a session), or undefined. */
export async function session() {
  try {
    const answer = await get('/console/session')
    if (answer.csrf) csrf = answer.csrf
    return answer
  } catch (error) {
    if (error.status === 401) return undefined
    throw error
  }
}

export async function signOut() {
  try {
    await post('/console/session/end')
  } finally {
    csrf = undefined
  }
}

/** A query string from the values that are set. */
export function query(values) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '' && value !== null) params.set(key, String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}
