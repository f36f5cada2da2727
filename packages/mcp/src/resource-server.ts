import type { IncomingMessage, ServerResponse } from 'node:http'
import { agentIdError, isAgentIdError, matchEntitlements, parseStrictJson, type AccessRequest, type ErrorCode, type RequestContext } from '@agentid/core'
import {
  checkAccessToken,
  checkDpopProof,
  ReplayCache,
  type AccessTokenClaims,
  type EventSink,
  type StatusSource,
  type VerifiedCredential,
} from '@agentid/verifier'

/** How one tool's call maps to an agentid request. */
export interface ToolRule {
  /** The resource the call touches: fixed, or from the call's arguments. */
  readonly resource: string | ((args: Record<string, unknown>) => string)
  readonly action: string
  readonly purpose?: string
  /** Request context from the arguments (`records: args.limit`, ...), for entitlement constraints. */
  readonly context?: (args: Record<string, unknown>) => RequestContext
}

/** Options of {@link createMcpGuard}. */
export interface McpGuardOptions {
  /** This MCP server's resource identifier (RFC 9728 `resource`), e.g. `https://tools.example/mcp`: tokens must name it as `aud`. */
  readonly resource: string
  /** The agentid issuer's authorization server: its issuer identifier (URL) and the DIDs whose keys sign its tokens. */
  readonly authorizationServer: { readonly issuer: string; readonly signers: readonly string[] }
  /** Where credential status is read: `httpStatusLists()` of @agentid/verifier, push-updated with `subscribeStatusEvents`. Fails closed. */
  readonly statusLists: StatusSource
  /** Every tool agents may call, by name; a tool not listed is refused. */
  readonly tools: Readonly<Record<string, ToolRule>>
  /** A name for people (RFC 9728 `resource_name`). */
  readonly resourceName?: string
  /** Reports each decision for monitoring (`httpEventSink` to the issuer). */
  readonly events?: EventSink
  /** Clock in milliseconds (default Date.now). */
  readonly now?: () => number
  /** Largest request body read, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number
}

/** What the MCP SDK's transport receives as `req.auth` (its AuthInfo), with agentid's claims. */
export interface AgentAuthInfo {
  readonly token: string
  /** The agent's DID. */
  readonly clientId: string
  readonly scopes: string[]
  readonly expiresAt: number
  readonly resource: URL
  readonly extra: { readonly agentid: AccessTokenClaims }
}

/** A refusal, as the HTTP answer it becomes. */
export class GuardRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 413 | 503,
    readonly code: ErrorCode,
    message: string,
    /** The WWW-Authenticate challenge. */
    readonly challenge: string,
  ) {
    super(message)
  }
}

/** The kit's guard for one MCP server. */
export interface McpGuard {
  /** Path of the RFC 9728 metadata (`/.well-known/oauth-protected-resource` + the resource's path). */
  readonly metadataPath: string
  metadata(): Record<string, unknown>
  /**
   * Checks the request's DPoP-bound access token: signature by the issuer, `iss`, `aud`, time,
   * the DPoP proof (this method and URL, the token's key, `ath`, single use), and the status of
   * every credential behind it.
   * @throws GuardRefusal (401)
   */
  authenticate(request: IncomingMessage, url: string): Promise<AgentAuthInfo>
  /**
   * Decides one JSON-RPC message: `tools/call` against the token's entitlements through the
   * tool map; other methods (initialize, tools/list, notifications) need only a valid token.
   * @throws GuardRefusal (403)
   */
  authorize(auth: AgentAuthInfo, message: unknown, peer?: string): void
  /**
   * A Node HTTP handler: serves the metadata, then authenticates and authorizes each request and
   * passes it on with `req.auth` set and the parsed body (what the SDK's
   * `StreamableHTTPServerTransport.handleRequest(req, res, body)` takes).
   */
  handler(next: (request: IncomingMessage & { auth: AgentAuthInfo }, response: ServerResponse, body: unknown) => Promise<void>): (request: IncomingMessage, response: ServerResponse) => Promise<void>
}

/**
 * The resource-server kit (docs/mcp.md): an MCP server on the official SDK's Streamable HTTP
 * transport accepts agentid's DPoP-bound access tokens and decides every tool call with the
 * verifier's matching rules, offline but for the status lists.
 */
export function createMcpGuard(options: McpGuardOptions): McpGuard {
  const now = options.now ?? Date.now
  const resource = new URL(options.resource)
  const metadataPath = `/.well-known/oauth-protected-resource${resource.pathname === '/' ? '' : resource.pathname}`
  const metadataUrl = `${resource.origin}${metadataPath}`
  const proofs = new ReplayCache(100_000)
  const maxBody = options.maxBodyBytes ?? 1024 * 1024
  // Bearer first: the MCP SDK reads resource_metadata and error only from a Bearer challenge.
  // Only DPoP-bound tokens are accepted (a Bearer token is refused).
  const challenge = (error?: string, description?: string, extra = '') =>
    `Bearer resource_metadata="${metadataUrl}"${error ? `, error="${error}"` : ''}${description ? `, error_description="${quoted(description)}"` : ''}${extra}, DPoP algs="EdDSA"`

  const guard: McpGuard = {
    metadataPath,
    metadata: () => ({
      resource: options.resource,
      authorization_servers: [options.authorizationServer.issuer],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['EdDSA'],
      dpop_bound_access_tokens_required: true,
      authorization_details_types_supported: ['agentid_entitlement'],
      ...(options.resourceName !== undefined ? { resource_name: options.resourceName } : {}),
    }),

    async authenticate(request, url) {
      const refuse = (code: ErrorCode, message: string, error = 'invalid_token') => new GuardRefusal(401, code, message, challenge(error, `${code}: ${message}`))
      const header = request.headers.authorization
      if (header === undefined) throw new GuardRefusal(401, 'ERR_UNAUTHORIZED', 'this MCP server needs an agentid access token (DPoP)', challenge())
      if (!header.startsWith('DPoP ')) throw refuse('ERR_DPOP_PROOF', 'tokens must be presented as Authorization: DPoP <token>, with a DPoP proof', 'invalid_request')
      const token = header.slice(5).trim()
      const nowMs = now()
      let claims: AccessTokenClaims
      try {
        claims = checkAccessToken(token, { issuer: options.authorizationServer.issuer, signers: options.authorizationServer.signers, audience: options.resource, nowSeconds: Math.floor(nowMs / 1000) })
        const dpop = request.headers.dpop
        if (Array.isArray(dpop) || (typeof dpop === 'string' && dpop.includes(','))) throw agentIdError('ERR_DPOP_PROOF', 'send exactly one DPoP header')
        const proof = checkDpopProof(dpop, { method: request.method ?? 'GET', url, nowSeconds: Math.floor(nowMs / 1000), accessToken: token, replay: proofs })
        if (proof.jkt !== claims.jkt) throw agentIdError('ERR_DPOP_PROOF', 'the DPoP proof is not signed with the key the token is bound to')
      } catch (error) {
        if (isAgentIdError(error)) throw refuse(error.code, error.message)
        throw error
      }
      // Revoked or suspended anywhere in its lineage: the token is dead at once.
      for (const [id, entries] of Object.entries(claims.credentialStatus)) {
        for (const entry of entries) {
          const outcome = await options.statusLists.check(entry, { id, issuer: claims.signer } as VerifiedCredential, nowMs)
          if (!outcome.ok) {
            if (outcome.code === 'ERR_STATUS_UNAVAILABLE') throw new GuardRefusal(503, outcome.code, outcome.message, challenge())
            throw refuse(outcome.code, `credential ${id} behind this token: ${outcome.message}`)
          }
        }
      }
      return { token, clientId: claims.clientId, scopes: [], expiresAt: claims.expires, resource, extra: { agentid: claims } }
    },

    authorize(auth, message, peer) {
      const call = toolCall(message)
      if (call === undefined) return
      const claims = auth.extra.agentid
      const deny = (code: ErrorCode, text: string, request?: AccessRequest) => {
        report(options.events, claims, request, { allow: false, code }, peer, now(), options.resource)
        const wanted = request ? `, agentid_resource="${quoted(request.resource)}", agentid_action="${quoted(request.action)}", agentid_request_uri="${options.authorizationServer.issuer}/requests"` : ''
        return new GuardRefusal(403, code, text, challenge('insufficient_scope', `${code}: ${text}`, wanted))
      }
      const rule = Object.hasOwn(options.tools, call.name) ? options.tools[call.name] : undefined
      if (rule === undefined) throw deny('ERR_NOT_ENTITLED', `tool ${call.name.slice(0, 64)} is not offered to agents`)
      let request: AccessRequest
      try {
        request = {
          resource: typeof rule.resource === 'function' ? rule.resource(call.args) : rule.resource,
          action: rule.action,
          ...(rule.purpose !== undefined ? { purpose: rule.purpose } : {}),
          context: { ...rule.context?.(call.args), ...(peer !== undefined ? { ip: peer } : {}) },
        }
      } catch (error) {
        throw deny('ERR_INPUT_INVALID', `the arguments of ${call.name} do not map to a request: ${(error as Error).message}`)
      }
      const match = matchEntitlements(claims.entitlements.map((e) => e.entitlement), request, now())
      if (!match.allow) throw deny(match.code, match.message, request)
      report(options.events, claims, request, { allow: true, credentialId: claims.entitlements[match.index]!.credentials.at(-1)! }, peer, now(), options.resource)
    },

    handler(next) {
      return async (request, response) => {
        const url = new URL(request.url ?? '/', resource.origin)
        if (request.method === 'GET' && url.pathname === metadataPath) {
          response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(JSON.stringify(guard.metadata()))
          return
        }
        try {
          const auth = await guard.authenticate(request, `${resource.origin}${url.pathname}`)
          const body = request.method === 'POST' ? await readJson(request, maxBody) : undefined
          guard.authorize(auth, body, request.socket.remoteAddress?.replace(/^::ffff:/, ''))
          await next(Object.assign(request, { auth }), response, body)
        } catch (error) {
          if (!(error instanceof GuardRefusal)) throw error
          response.writeHead(error.status, { 'content-type': 'application/json', 'www-authenticate': error.challenge, 'cache-control': 'no-store' })
            .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `${error.code}: ${error.message}`, data: { code: error.code } } }))
        }
      }
    },
  }
  return guard
}

function toolCall(message: unknown): { name: string; args: Record<string, unknown> } | undefined {
  // A batch (older protocol versions) is decided call by call: one refused call refuses it.
  if (Array.isArray(message)) throw new GuardRefusal(400, 'ERR_INPUT_INVALID', 'JSON-RPC batches are not accepted', 'Bearer error="invalid_request"')
  if (typeof message !== 'object' || message === null) return undefined
  const m = message as { method?: unknown; params?: { name?: unknown; arguments?: unknown } }
  if (m.method !== 'tools/call') return undefined
  const name = m.params?.name
  const args = m.params?.arguments ?? {}
  if (typeof name !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) throw new GuardRefusal(400, 'ERR_INPUT_INVALID', 'tools/call needs a name and object arguments', 'Bearer error="invalid_request"')
  return { name, args: args as Record<string, unknown> }
}

async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw new GuardRefusal(413, 'ERR_INPUT_INVALID', `request body is larger than ${maxBytes} bytes`, 'Bearer error="invalid_request"')
    chunks.push(chunk as Buffer)
  }
  try {
    return parseStrictJson(Buffer.concat(chunks).toString('utf8'), { maxLength: maxBytes, maxDepth: 32 }, 'ERR_INPUT_INVALID', 'JSON-RPC message')
  } catch (error) {
    throw new GuardRefusal(400, 'ERR_INPUT_INVALID', (error as Error).message, 'Bearer error="invalid_request"')
  }
}

function report(events: EventSink | undefined, claims: AccessTokenClaims, request: AccessRequest | undefined, outcome: { allow: true; credentialId: string } | { allow: false; code: ErrorCode }, peer: string | undefined, nowMs: number, verifier: string): void {
  if (!events || !request) return
  events.emit({
    at: nowMs,
    agent: claims.clientId,
    decision: outcome.allow ? 'allow' : 'deny',
    ...(outcome.allow ? { credential: outcome.credentialId } : { code: outcome.code }),
    resource: request.resource,
    action: request.action,
    ...(request.purpose !== undefined ? { purpose: request.purpose } : {}),
    ...(typeof request.context?.records === 'number' ? { records: request.context.records } : {}),
    ...(peer !== undefined ? { ip: peer } : {}),
    verifier,
  })
}

// A quoted-string of RFC 9110: no quotes or backslashes, no control characters.
function quoted(text: string): string {
  return text.replace(/[\\"\u0000-\u001f\u007f]/g, ' ').slice(0, 300)
}
