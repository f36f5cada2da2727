import { agentIdError, isErrorCode } from '@agentid/core'
import type { Issuer } from '@agentid/issuer'
import { AnswerTooLargeError, httpRequest, type HttpAnswer } from './http-client.js'

/** The issuer API as the CLI uses it: the same routes, over HTTP or in-process. */
export interface IssuerApi {
  /** Where calls go, for messages: the service URL or the local home. */
  readonly target: string
  /**
   * Calls a route; answers the JSON body of a success.
   * @throws AgentIdError with the service's code for a refusal
   */
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: any }>
}

const TIMEOUT_MS = 15_000
const MAX_ANSWER = 8 * 1024 * 1024

/** A refusal (`{"error":{"code","message"}}`) as the error it stands for. */
function refusal(status: number, text: string, where: string): Error {
  let error: { code?: unknown; message?: unknown } | undefined
  try {
    error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error
  } catch {
    // not our error shape: described below
  }
  if (error && isErrorCode(error.code) && typeof error.message === 'string') return agentIdError(error.code, error.message)
  // A proxy's error page, or something that is not an agentid issuer at all.
  return agentIdError('ERR_SERVICE_UNREACHABLE', `${where} answered ${status} without an agentid error; is AGENTID_URL the issuer's address?`)
}

/**
 * The service at `url`, authenticated with `token` (without one, only public routes answer).
 * @throws AgentIdError ERR_USAGE for a URL that is not http(s)
 */
export function remoteApi(url: string, token: string | undefined): IssuerApi {
  let base: URL
  try {
    base = new URL(url)
  } catch {
    throw agentIdError('ERR_USAGE', `AGENTID_URL is not a URL: ${url}`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw agentIdError('ERR_USAGE', 'AGENTID_URL must be http:// or https://')
  const root = base.href.replace(/\/$/, '')
  return {
    target: root,
    async call(method, path, body) {
      let answer: HttpAnswer
      try {
        answer = await httpRequest(new URL(`${root}${path}`), {
          method,
          headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          timeoutMs: TIMEOUT_MS,
          maxBytes: MAX_ANSWER,
        })
      } catch (cause) {
        if (cause instanceof AnswerTooLargeError) throw agentIdError('ERR_SERVICE_UNREACHABLE', `${root} answered with more than ${MAX_ANSWER} bytes`)
        if ((cause as Error).name === 'TimeoutError') {
          throw agentIdError('ERR_SERVICE_UNREACHABLE', `the issuer at ${root} did not answer within ${TIMEOUT_MS / 1000} s: the command may or may not have taken effect; look before you retry`, { cause })
        }
        // What failed (ECONNREFUSED, a certificate not trusted) is the error's code.
        const why = (cause as { code?: string }).code ?? (cause as Error).message
        throw agentIdError('ERR_SERVICE_UNREACHABLE', `cannot reach the issuer at ${root}: ${why}; nothing was changed by this command`, { cause })
      }
      if (answer.status < 200 || answer.status > 299) throw refusal(answer.status, answer.text, root)
      try {
        return { status: answer.status, body: JSON.parse(answer.text) }
      } catch {
        throw agentIdError('ERR_SERVICE_UNREACHABLE', `${root} answered ${answer.status} with a body that is not JSON`)
      }
    },
  }
}

/**
 * The same routes, run in this process on the local database (fastify's inject: the same
 * authentication, validation and error mapping as the service, without a socket). Without a
 * token, calls act as the local operator (an admin: whoever holds the database and its key
 * already controls the issuer); with one, as that token's principal.
 */
export async function localApi(issuer: Issuer, operatorId: string, token: string | undefined): Promise<IssuerApi & { close(): Promise<void> }> {
  const { createService, operator } = await import('@agentid/issuer')
  // No push from here: a running service on the same database announces what this changes.
  const app = createService(issuer, { ...(token ? {} : { localPrincipal: operator(operatorId) }), sweepIntervalMs: 0, push: false, rateLimits: false, metrics: 'off' })
  return {
    target: issuer.home.dir,
    async call(method, path, body) {
      const response = await app.inject({
        method,
        url: path,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      })
      if (response.statusCode >= 400) throw refusal(response.statusCode, response.body, issuer.home.dir)
      return { status: response.statusCode, body: response.json() }
    },
    close: () => app.close(),
  }
}
