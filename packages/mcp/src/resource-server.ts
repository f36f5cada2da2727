import type { IncomingMessage, ServerResponse } from 'node:http'
import { HANDSHAKE_PATH, mutualHttpHandler, type MutualAgent, type Session } from '@agentid/agent'
import { agentIdError, isAgentIdError, matchEntitlements, parseStrictJson, type AccessRequest, type ErrorCode, type RequestContext } from '@agentid/core'
import {
  checkAccessToken,
  checkDpopProof,
  presentationNonce,
  ReplayCache,
  type AccessTokenClaims,
  type EventSink,
  type PresentationResult,
  type StatusSource,
  type Verifier,
  type VerifiedCredential,
} from '@agentid/verifier'

const MAX_CACHED_TOKENS = 4096

/** Where agents get a challenge for a presentation to this server (offline mode). */
export const CHALLENGE_PATH = '/.well-known/agentid/challenge'

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
  /**
   * Resources agents may read (`resources/read`): the rule for a URI, or undefined to refuse it.
   * Without it every read is refused. The rule's functions get `{ uri }`.
   */
  readonly resources?: (uri: string) => ToolRule | undefined
  /** Prompts agents may get (`prompts/get`), by name; one not listed is refused. */
  readonly prompts?: Readonly<Record<string, ToolRule>>
  /** A name for people (RFC 9728 `resource_name`). */
  readonly resourceName?: string
  /** Reports each decision for monitoring (`httpEventSink` to the issuer). */
  readonly events?: EventSink
  /** Clock in milliseconds (default Date.now). */
  readonly now?: () => number
  /** Largest request body read, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number
  /**
   * Offline mode, no authorization server in the path: this server's own verifier (its DID, the
   * trusted issuers, status lists). Agents then may send `Authorization: VP <presentation>` to
   * this server over a challenge from `/.well-known/agentid/challenge`, one per request.
   */
  readonly verifier?: Verifier
  /**
   * Offline mode for agents that hold sessions: this server's mutual agent. Agents shake hands at
   * `/.well-known/agentid/handshake`, then sign each request (`agentid-session`, `agentid-proof`).
   */
  readonly mutual?: MutualAgent
}

/** How a caller proved who it is and what it may do. */
export type AgentAuthority =
  | { readonly kind: 'token'; readonly claims: AccessTokenClaims }
  | { readonly kind: 'presentation'; readonly result: Extract<PresentationResult, { ok: true }> }
  | { readonly kind: 'session'; readonly session: Session }

/** What the MCP SDK's transport receives as `req.auth` (its AuthInfo), with agentid's claims. */
export interface AgentAuthInfo {
  readonly token: string
  /** The agent's DID. */
  readonly clientId: string
  readonly scopes: string[]
  readonly expiresAt: number
  readonly resource: URL
  readonly extra: { readonly agentid: AgentAuthority }
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
  const resource = checkedResource(options.resource)
  // The issuer identifier as the authorization server writes it: without a trailing slash.
  const asIssuer = options.authorizationServer.issuer.replace(/\/$/, '')
  // Events name the verifier by its DID, when this server has one (the offline modes).
  const reporter = options.verifier?.did ?? options.mutual?.did
  const metadataPath = `/.well-known/oauth-protected-resource${resource.pathname === '/' ? '' : resource.pathname}`
  const metadataUrl = `${resource.origin}${metadataPath}`
  const proofs = new ReplayCache(100_000)
  const maxBody = options.maxBodyBytes ?? 1024 * 1024
  // Bearer first: the MCP SDK reads resource_metadata and error only from a Bearer challenge.
  // Only DPoP-bound tokens are accepted (a Bearer token is refused).
  const challenge = (error?: string, description?: string, extra = '') =>
    `Bearer resource_metadata="${metadataUrl}"${error ? `, error="${error}"` : ''}${description ? `, error_description="${quoted(description)}"` : ''}${extra}, DPoP algs="EdDSA"`

  // The same matching rules whichever way the caller came: a token's entitlements, or the
  // verifier's (or the mutual agent's) decision over a presentation.
  const decide = (authority: AgentAuthority, request: AccessRequest): { allow: true; credentialId: string } | { allow: false; code: ErrorCode; message: string } => {
    if (authority.kind === 'token') {
      const entitlements = authority.claims.entitlements
      const match = matchEntitlements(entitlements.map((e) => e.entitlement), request, now())
      return match.allow ? { allow: true, credentialId: entitlements[match.index]!.credentials.at(-1)! } : match
    }
    const decision = authority.kind === 'session' ? options.mutual!.authorize(authority.session, request) : options.verifier!.authorize(authority.result, request)
    return decision.allow ? { allow: true, credentialId: decision.credentialId } : decision
  }
  // An agent sends the same token on every call for up to 5 minutes: its signature and claims are
  // checked once and kept (bounded; only tokens that passed), its time on every call.
  const tokens = new Map<string, AccessTokenClaims>()
  const checkedToken = (token: string, nowSeconds: number): AccessTokenClaims => {
    const known = tokens.get(token)
    if (known !== undefined) {
      if (known.expires > nowSeconds - 5) return known
      tokens.delete(token)
    }
    const claims = checkAccessToken(token, { issuer: asIssuer, signers: options.authorizationServer.signers, audience: options.resource, nowSeconds })
    if (tokens.size >= MAX_CACHED_TOKENS) tokens.delete(tokens.keys().next().value!)
    tokens.set(token, claims)
    return claims
  }

  const guard: McpGuard = {
    metadataPath,
    metadata: () => ({
      resource: options.resource,
      authorization_servers: [asIssuer],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['EdDSA'],
      dpop_bound_access_tokens_required: true,
      authorization_details_types_supported: ['agentid_entitlement'],
      ...(options.resourceName !== undefined ? { resource_name: options.resourceName } : {}),
    }),

    async authenticate(request, url) {
      // RFC 9449, 7.1 and 12.2: a bad proof is invalid_dpop_proof, anything else about the token invalid_token.
      const refuse = (code: ErrorCode, message: string) => new GuardRefusal(401, code, message, challenge(code === 'ERR_DPOP_PROOF' ? 'invalid_dpop_proof' : 'invalid_token', `${code}: ${message}`))
      const header = request.headers.authorization
      if (header === undefined) throw new GuardRefusal(401, 'ERR_UNAUTHORIZED', 'this MCP server needs an agentid access token (DPoP)', challenge())
      // The scheme is case-insensitive (RFC 9110, 11.1); a bearer token is refused (RFC 9449, 7.2).
      if (!/^dpop /i.test(header)) throw refuse('ERR_TOKEN_INVALID', 'tokens must be presented as Authorization: DPoP <token>, with a DPoP proof: a bearer token is not accepted')
      const token = header.slice(5).trim()
      const nowMs = now()
      let claims: AccessTokenClaims
      try {
        claims = checkedToken(token, Math.floor(nowMs / 1000))
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
      return { token, clientId: claims.clientId, scopes: [], expiresAt: claims.expires, resource, extra: { agentid: { kind: 'token', claims } } }
    },

    authorize(auth, message, peer) {
      const call = callOf(message, options)
      if (call === undefined) return
      const authority = auth.extra.agentid
      const deny = (code: ErrorCode, text: string, request?: AccessRequest) => {
        report(options.events, auth.clientId, request, { allow: false, code }, peer, now(), reporter)
        const wanted = request ? `, agentid_resource="${quoted(request.resource)}", agentid_action="${quoted(request.action)}", agentid_request_uri="${asIssuer}/requests"` : ''
        return new GuardRefusal(403, code, text, challenge('insufficient_scope', `${code}: ${text}`, wanted))
      }
      const rule = call.rule
      if (rule === undefined) throw deny('ERR_NOT_ENTITLED', `${call.what} is not offered to agents`)
      let request: AccessRequest
      try {
        request = {
          resource: typeof rule.resource === 'function' ? rule.resource(call.args) : rule.resource,
          action: rule.action,
          ...(rule.purpose !== undefined ? { purpose: rule.purpose } : {}),
          context: { ...rule.context?.(call.args), ...(peer !== undefined ? { ip: peer } : {}) },
        }
      } catch (error) {
        throw deny('ERR_INPUT_INVALID', `the arguments of ${call.what} do not map to a request: ${(error as Error).message}`)
      }
      const decision = decide(authority, request)
      if (!decision.allow) throw deny(decision.code, decision.message, request)
      report(options.events, auth.clientId, request, { allow: true, credentialId: decision.credentialId }, peer, now(), reporter)
    },

    handler(next) {
      // After authentication, whichever way: the body read, each call decided, then the SDK.
      const pass = async (request: IncomingMessage, response: ServerResponse, auth: AgentAuthInfo, raw: Buffer | undefined) => {
        try {
          const body = raw !== undefined ? parseBody(raw, maxBody) : undefined
          guard.authorize(auth, body, peerOf(request))
          await next(Object.assign(request, { auth }), response, body)
        } catch (error) {
          if (!(error instanceof GuardRefusal)) throw error
          answer(response, error)
        }
      }
      const mutual = options.mutual ? mutualHttpHandler(options.mutual, async (request, response, { session, body }) => {
        const auth: AgentAuthInfo = { token: '', clientId: session.peer, scopes: [], expiresAt: Math.floor(session.expires / 1000), resource, extra: { agentid: { kind: 'session', session } } }
        await pass(request, response, auth, body)
      }, { now }) : undefined
      return async (request, response) => {
        const url = new URL(request.url ?? '/', resource.origin)
        if (request.method === 'GET' && url.pathname === metadataPath) {
          response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(JSON.stringify(guard.metadata()))
          return
        }
        if (mutual && (url.pathname === HANDSHAKE_PATH || request.headers['agentid-session'] !== undefined)) {
          mutual(request, response)
          return
        }
        if (options.verifier && request.method === 'GET' && url.pathname === CHALLENGE_PATH) {
          response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ challenge: options.verifier.challenge(), audience: options.verifier.did }))
          return
        }
        try {
          const auth = options.verifier && request.headers.authorization?.startsWith('VP ')
            ? await presented(options.verifier, request.headers.authorization.slice(3).trim())
            : await guard.authenticate(request, `${resource.origin}${url.pathname}`)
          const body = request.method === 'POST' ? await readBody(request, maxBody) : undefined
          await pass(request, response, auth, body)
        } catch (error) {
          if (!(error instanceof GuardRefusal)) throw error
          answer(response, error)
        }
      }
    },
  }

  // Offline mode with a presentation: single use, over this server's own challenge.
  async function presented(verifier: Verifier, vp: string): Promise<AgentAuthInfo> {
    const result = await verifier.verifyPresentation(vp, { challenge: nonceOf(vp) })
    if (!result.ok) throw new GuardRefusal(result.code === 'ERR_STATUS_UNAVAILABLE' ? 503 : 401, result.code, result.message, challenge('invalid_token', `${result.code}: ${result.message}`))
    const expires = Math.min(...result.credentials.map((c) => c.expires))
    return { token: '', clientId: result.holder, scopes: [], expiresAt: expires, resource, extra: { agentid: { kind: 'presentation', result } } }
  }
  return guard
}

// Methods that return no data of the server's: any valid caller may use them. Every other method
// is refused unless a rule maps it (tools/call, resources/read, prompts/get): deny by default.
const OPEN_METHODS = new Set(['initialize', 'ping', 'tools/list', 'resources/list', 'resources/templates/list', 'prompts/list', 'logging/setLevel'])

/** The call a JSON-RPC message makes, with its rule (undefined: refused); undefined for an open method or a notification. */
function callOf(message: unknown, options: McpGuardOptions): { what: string; rule: ToolRule | undefined; args: Record<string, unknown> } | undefined {
  // A batch (older protocol versions) would have to be decided message by message: refused.
  if (Array.isArray(message)) throw new GuardRefusal(400, 'ERR_INPUT_INVALID', 'JSON-RPC batches are not accepted', 'Bearer error="invalid_request"')
  if (typeof message !== 'object' || message === null) return undefined
  const m = message as { method?: unknown; id?: unknown; params?: { name?: unknown; arguments?: unknown; uri?: unknown } }
  // A response, or a notification (by its method: a tools/call sent without an id is still a
  // call), carries no request of its own.
  if (typeof m.method !== 'string' || m.method.startsWith('notifications/') || OPEN_METHODS.has(m.method)) return undefined
  const malformed = (what: string) => new GuardRefusal(400, 'ERR_INPUT_INVALID', what, 'Bearer error="invalid_request"')
  const named = (field: string): string => {
    const value = (m.params as Record<string, unknown> | undefined)?.[field]
    if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw malformed(`${m.method} needs a ${field}`)
    return value
  }
  const args = m.params?.arguments ?? {}
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw malformed(`${m.method} needs object arguments`)
  const ruleOf = (rules: Readonly<Record<string, ToolRule>> | undefined, name: string) => (rules !== undefined && Object.hasOwn(rules, name) ? rules[name] : undefined)
  switch (m.method) {
    case 'tools/call': {
      const name = named('name')
      return { what: `tool ${name.slice(0, 64)}`, rule: ruleOf(options.tools, name), args: args as Record<string, unknown> }
    }
    case 'prompts/get': {
      const name = named('name')
      return { what: `prompt ${name.slice(0, 64)}`, rule: ruleOf(options.prompts, name), args: args as Record<string, unknown> }
    }
    case 'resources/read': {
      const uri = named('uri')
      return { what: `resource ${uri.slice(0, 128)}`, rule: options.resources?.(uri), args: { uri } }
    }
    default:
      return { what: `method ${m.method.slice(0, 64)}`, rule: undefined, args: {} }
  }
}

// The server's resource identifier (RFC 8707, RFC 9728): an absolute http(s) URL, no fragment.
function checkedResource(value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw agentIdError('ERR_USAGE', `resource ${value} is not an absolute URL`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '' || value.includes('#') || url.username !== '' || url.password !== '') {
    throw agentIdError('ERR_USAGE', 'resource must be an http(s) URL without fragment or credentials')
  }
  return url
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw new GuardRefusal(413, 'ERR_INPUT_INVALID', `request body is larger than ${maxBytes} bytes`, 'Bearer error="invalid_request"')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function parseBody(raw: Buffer, maxBytes: number): unknown {
  if (raw.length === 0) return undefined
  try {
    return parseStrictJson(raw.toString('utf8'), { maxLength: maxBytes, maxDepth: 32 }, 'ERR_INPUT_INVALID', 'JSON-RPC message')
  } catch (error) {
    throw new GuardRefusal(400, 'ERR_INPUT_INVALID', (error as Error).message, 'Bearer error="invalid_request"')
  }
}

function answer(response: ServerResponse, refusal: GuardRefusal): void {
  response.writeHead(refusal.status, { 'content-type': 'application/json', 'www-authenticate': refusal.challenge, 'cache-control': 'no-store' })
    .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `${refusal.code}: ${refusal.message}`, data: { code: refusal.code } } }))
}

// The client address as constraints read it (an IPv4 client of a dual-stack socket without its prefix).
function peerOf(request: IncomingMessage): string | undefined {
  return request.socket.remoteAddress?.replace(/^::ffff:/, '')
}

// The challenge a presentation claims to answer; the verifier checks it is its own, unused and current.
function nonceOf(vp: string): string {
  const nonce = presentationNonce(vp)
  if (nonce === undefined) throw new GuardRefusal(401, 'ERR_VP_NONCE', `the presentation carries no readable nonce: get one from ${CHALLENGE_PATH}`, 'Bearer error="invalid_token"')
  return nonce
}

function report(events: EventSink | undefined, holder: string, request: AccessRequest | undefined, outcome: { allow: true; credentialId: string } | { allow: false; code: ErrorCode }, peer: string | undefined, nowMs: number, verifier: string | undefined): void {
  if (!events || !request) return
  events.emit({
    at: nowMs,
    agent: holder,
    decision: outcome.allow ? 'allow' : 'deny',
    ...(outcome.allow ? { credential: outcome.credentialId } : { code: outcome.code }),
    resource: request.resource,
    action: request.action,
    ...(request.purpose !== undefined ? { purpose: request.purpose } : {}),
    ...(typeof request.context?.records === 'number' ? { records: request.context.records } : {}),
    ...(peer !== undefined ? { ip: peer } : {}),
    ...(verifier !== undefined ? { verifier } : {}),
  })
}

// A quoted-string of RFC 9110: no quotes or backslashes, no control characters.
function quoted(text: string): string {
  return text.replace(/[\\"\u0000-\u001f\u007f]/g, ' ').slice(0, 300)
}
