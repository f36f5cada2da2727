import { agentIdError, isAgentIdError } from '@agentid/core'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Issuer } from '../issuer.js'
import type { AgentAuthenticator } from './agent-auth.js'
import { AuthorizationServer, asOAuthError, OAUTH_PATHS, OAuthError, type AuthorizationServerOptions } from '../oauth/authorization-server.js'
import { hasRole } from '../governance/principal.js'
import { clientAddressKey } from './client-address.js'
import { CredentialIssuer, CredentialRequestError, OID4VCI_PATHS } from '../oid4vci/credential-issuer.js'
import type { RouteDoc } from './routes.js'

/** Options of the OAuth routes. */
export interface OAuthRouteOptions extends AuthorizationServerOptions {
  /** Largest token request body in bytes (default 64 KiB: a presentation with chains fits). */
  readonly bodyLimit?: number
  /** Where unexpected failures are reported. */
  readonly log: (line: string) => void
}

// Principals that may introspect tokens: the resource servers' reporters, and those who govern.
const INTROSPECTORS = ['admin', 'security', 'auditor', 'reporter']
const FORM = 'application/x-www-form-urlencoded'
const formBody = { type: 'object', additionalProperties: { type: 'string' } }

/** The OAuth routes as the OpenAPI document describes them (errors there are RFC 6749's). */
export const OAUTH_ROUTE_DOCS: readonly RouteDoc[] = [
  { method: 'GET', url: OAUTH_PATHS.metadata, summary: 'OAuth 2.0 authorization server metadata (RFC 8414)', tag: 'oauth', access: 'public', success: [200] },
  { method: 'GET', url: OAUTH_PATHS.jwks, summary: 'the key set access tokens are signed with (the issuer key)', tag: 'oauth', access: 'public', success: [200] },
  { method: 'GET', url: OAUTH_PATHS.authorize, summary: 'no browser flow: answers unsupported_response_type (published because MCP clients require an authorization endpoint)', tag: 'oauth', access: 'public', success: [400] },
  { method: 'POST', url: OAUTH_PATHS.token, summary: 'token endpoint: jwt-bearer (RFC 7523) and token exchange of a presentation (RFC 8693), DPoP required (RFC 9449), one resource per token (RFC 8707); form body', tag: 'oauth', access: 'public', success: [200], body: formBody, consumes: FORM },
  { method: 'GET', url: OID4VCI_PATHS.metadata, summary: 'OpenID4VCI credential issuer metadata (docs/issuance.md)', tag: 'oauth', access: 'public', success: [200] },
  { method: 'POST', url: OID4VCI_PATHS.nonce, summary: 'OpenID4VCI nonce endpoint: a fresh c_nonce for one key proof', tag: 'oauth', access: 'public', success: [200] },
  { method: 'POST', url: OID4VCI_PATHS.credential, summary: "OpenID4VCI credential endpoint: the agent's current credential of a grant (renewed from half its life on, within its approved window); Authorization: DPoP <token from a pre-authorized code or the jwt-bearer grant>, a jwt key proof over a c_nonce", tag: 'oauth', access: 'public', success: [200], body: { type: 'object' } },
  { method: 'POST', url: OAUTH_PATHS.introspection, summary: 'token introspection (RFC 7662): active while every credential behind the token is; form body', tag: 'oauth', access: INTROSPECTORS, success: [200], body: formBody, consumes: FORM },
]
// One audit entry per refusing actor (agent or address), code and window, with the count it stands for:
// each refusal is on record, and a flood of them cannot fill the log.
const REFUSAL_WINDOW_MS = 10_000
const MAX_REFUSERS = 10_000

/**
 * The authorization server's routes (docs/mcp.md), in their own fastify scope: form bodies
 * (`application/x-www-form-urlencoded`, each parameter at most once) and RFC 6749 error answers
 * `{ error, error_description }` whose description starts with the agentid code. The service's
 * rate limits and drain apply as on every route.
 */
export function registerOAuthRoutes(app: FastifyInstance, issuer: Issuer, agents: AgentAuthenticator, options: OAuthRouteOptions): AuthorizationServer {
  // The credential endpoint asks for the authorization server's DPoP nonces when it does.
  let server: AuthorizationServer | undefined
  const credentials = new CredentialIssuer(issuer, { ...(options.now ? { now: options.now } : {}), dpopNonce: () => server?.dpopNonceCheck })
  server = new AuthorizationServer(issuer, agents, credentials, options)
  const refusals = new Map<string, { last: number; suppressed: number }>()
  const now = options.now ?? (() => issuer.now())

  const recordRefusal = async (actor: string, attempt: string, target: string | undefined, error: OAuthError | CredentialRequestError) => {
    const key = `${actor} ${error.reason.code}`
    const seen = refusals.get(key)
    if (seen && now() - seen.last < REFUSAL_WINDOW_MS) {
      seen.suppressed += 1
      return
    }
    if (refusals.size >= MAX_REFUSERS) refusals.clear()
    refusals.set(key, { last: now(), suppressed: 0 })
    await issuer.recordEvent({
      actor, action: 'access.refused', ...(target !== undefined ? { target } : {}),
      details: { attempt, code: error.reason.code, error: error.error, message: error.reason.message, ...(seen && seen.suppressed > 0 ? { alsoRefusedBefore: seen.suppressed } : {}) },
    }).catch((failure: unknown) => options.log(`agentid serve: could not record a refusal: ${(failure as Error).message}`))
  }

  void app.register(async (scope) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: options.bodyLimit ?? 64 * 1024 }, (_request, body, done) => {
      try {
        done(null, parseForm(body as string))
      } catch (error) {
        done(error as Error, undefined)
      }
    })
    scope.setErrorHandler(async (error, request, reply) => {
      // The credential endpoint answers OpenID4VCI errors, a body it cannot read included.
      const refused = error instanceof CredentialRequestError ? error
        : request.routeOptions.url === OID4VCI_PATHS.credential ? new CredentialRequestError('invalid_credential_request', agentIdError('ERR_INPUT_INVALID', 'send the credential request as application/json'))
          : undefined
      if (refused) {
        const nonce = server!.dpopNonce()
        if (nonce !== undefined) void reply.header('dpop-nonce', nonce)
        if (refused.status === 401) void reply.header('www-authenticate', `DPoP error="${refused.error === 'invalid_dpop_proof' || refused.error === 'use_dpop_nonce' ? refused.error : 'invalid_token'}", algs="EdDSA"`)
        return reply.status(refused.status).header('cache-control', 'no-store').send({ error: refused.error, error_description: refused.description })
      }
      const e = asOAuthError(formError(error))
      if (e.status >= 500) options.log(`agentid serve: ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`)
      const nonce = server!.dpopNonce()
      if (nonce !== undefined) void reply.header('dpop-nonce', nonce)
      // Introspection takes a principal's bearer token; the token endpoint, DPoP proofs.
      if (e.status === 401) void reply.header('www-authenticate', request.routeOptions.url === OAUTH_PATHS.introspection ? `Bearer realm="agentid", error="${e.error}"` : `DPoP error="${e.error}", algs="EdDSA"`)
      return reply.status(e.status).header('cache-control', 'no-store').send({ error: e.error, error_description: e.description })
    })
    const body = { type: 'object' }

    scope.get(OAUTH_PATHS.metadata, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(server.metadata()))
    scope.get(OAUTH_PATHS.jwks, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(server.jwks()))
    // Required by the MCP SDK's metadata schema; agents have no browser to send here.
    scope.get(OAUTH_PATHS.authorize, async (_request, reply) => reply.status(400).header('cache-control', 'no-store').send({
      error: 'unsupported_response_type',
      error_description: `ERR_INPUT_INVALID: no browser flow: agents use the jwt-bearer or token-exchange grant at ${server.tokenEndpoint}`,
      iss: server.issuerId,
    }))

    scope.post(OAUTH_PATHS.token, { schema: { body } }, async (request, reply) => {
      const params = formOf(request)
      const dpop = singleHeader(request, 'dpop')
      const nonce = server.dpopNonce()
      if (nonce !== undefined) void reply.header('dpop-nonce', nonce)
      try {
        const { response } = await server.token(params, dpop)
        return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response)
      } catch (error) {
        const e = asOAuthError(error)
        // Who tried, as far as it is known: the agent whose signature checked out, else the address.
        await recordRefusal(e.agent ?? `address:${clientAddressKey(request.raw.socket.remoteAddress)}`, `POST ${OAUTH_PATHS.token} ${params.get('grant_type') ?? ''}`.trim(), params.get('resource'), e)
        throw e
      }
    })

    scope.get(OID4VCI_PATHS.metadata, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(credentials.metadata()))
    scope.post(OID4VCI_PATHS.nonce, async (_request, reply) => reply.header('cache-control', 'no-store').send(credentials.nonce()))
    scope.post(OID4VCI_PATHS.credential, { schema: { body } }, async (request, reply) => {
      const authorization = request.headers.authorization
      try {
        const issued = await credentials.credential(authorization, singleHeader(request, 'dpop'), request.body)
        return reply.header('cache-control', 'no-store').send({ credentials: [{ credential: issued.credential }] })
      } catch (error) {
        const e = error instanceof CredentialRequestError ? error : isAgentIdError(error) ? new CredentialRequestError('invalid_credential_request', error) : undefined
        if (!e) throw error
        await recordRefusal(e.agent ?? `address:${clientAddressKey(request.raw.socket.remoteAddress)}`, `POST ${OID4VCI_PATHS.credential}`, requestedCredential(request.body), e)
        throw e
      }
    })

    scope.post(OAUTH_PATHS.introspection, { schema: { body } }, async (request, reply) => {
      const header = request.headers.authorization
      const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined
      const principal = token ? await issuer.authenticate(token) : undefined
      if (!principal) throw new OAuthError('invalid_client', agentIdError('ERR_UNAUTHORIZED', 'introspection needs Authorization: Bearer <principal token>'), 401)
      if (!INTROSPECTORS.some((role) => hasRole(principal, role))) {
        const refusal = new OAuthError('invalid_client', agentIdError('ERR_FORBIDDEN', `${principal.id} may not introspect tokens: needs ${INTROSPECTORS.join(' or ')}`), 403)
        await issuer.recordRefusal(principal, `POST ${OAUTH_PATHS.introspection}`, undefined, refusal.reason)
        throw refusal
      }
      const subject = formOf(request).get('token')
      if (subject === undefined) throw new OAuthError('invalid_request', agentIdError('ERR_INPUT_INVALID', 'token is required'))
      return reply.header('cache-control', 'no-store').send(await server.introspect(subject))
    })
  })
  return server!
}

// The credential a refused request named, for the audit entry (the caller's text, bounded).
function requestedCredential(body: unknown): string | undefined {
  const id = (body as { credential_identifier?: unknown } | null | undefined)?.credential_identifier
  return typeof id === 'string' ? id.slice(0, 256) : undefined
}

function formOf(request: FastifyRequest): ReadonlyMap<string, string> {
  const params = (request.body as { [FORM_PARAMS]?: Map<string, string> } | undefined)?.[FORM_PARAMS]
  if (!params) throw new OAuthError('invalid_request', agentIdError('ERR_INPUT_INVALID', 'send the parameters as application/x-www-form-urlencoded'))
  return params
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  // Node joins repeated headers with ", ": a proof never contains one.
  const value = request.headers[name]
  if (Array.isArray(value) || (typeof value === 'string' && value.includes(','))) throw new OAuthError('invalid_dpop_proof', agentIdError('ERR_DPOP_PROOF', 'send exactly one DPoP header'))
  return value
}

const FORM_PARAMS = Symbol('form')

// RFC 6749, 3.2: parameters sent without a value are treated as omitted; none may repeat.
function parseForm(text: string): Record<string, never> & { [FORM_PARAMS]: Map<string, string> } {
  const params = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) throw agentIdError('ERR_INPUT_INVALID', `parameter ${name.slice(0, 64)} is repeated`)
    params.set(name, value)
  }
  for (const [name, value] of params) if (value === '') params.delete(name)
  return Object.assign(Object.create(null) as Record<string, never>, { [FORM_PARAMS]: params })
}

// Failures fastify raises before a handler (body too large, wrong media type) as agentid errors.
function formError(error: unknown): unknown {
  if (error instanceof OAuthError || isAgentIdError(error)) return error
  const e = error as { code?: string; statusCode?: number; message?: string }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return agentIdError('ERR_INPUT_INVALID', 'request body is too large')
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return agentIdError('ERR_INPUT_INVALID', 'send the parameters as application/x-www-form-urlencoded')
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return agentIdError('ERR_INPUT_INVALID', e.message ?? 'bad request')
  return error
}
