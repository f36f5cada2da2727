import { createDpopProof, createJwtBearerAssertion, type AgentKey } from '@agentid/agent'
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js'
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'

/** Options of {@link agentOAuth}. */
export interface AgentOAuthOptions {
  /** Only this authorization server (its issuer identifier) is ever sent an assertion: the agentid issuer's public URL. */
  readonly authorizationServer: string
  /** The fetch the SDK would use (default the global one). */
  readonly fetch?: typeof fetch
  /** Clock in milliseconds for assertions and proofs (default Date.now). */
  readonly now?: () => number
  /** A name for logs and metadata (default the agent's DID). */
  readonly clientName?: string
  /** Called when a server refuses a call for want of an entitlement, with what to request and where. */
  readonly onStepUp?: (need: StepUpHint) => void
}

/** What a server's `insufficient_scope` refusal says the agent would need (docs/mcp.md, step-up). */
export interface StepUpHint {
  /** The agentid code and message of the refusal (`ERR_NOT_ENTITLED: ...`). */
  readonly description: string
  readonly resource?: string
  readonly action?: string
  /** Where to file the access request (the issuer's `POST /requests`). */
  readonly requestUri?: string
}

/** What an MCP client needs to reach agentid-protected servers as an agent. */
export interface AgentOAuth {
  /** The SDK's OAuth client provider: jwt-bearer grants with the agent's key, no human in the loop. */
  readonly provider: OAuthClientProvider
  /**
   * A fetch that turns the SDK's `Authorization: Bearer` into `DPoP` with a proof per request
   * (and `ath`), proves the key at the token endpoint, and follows servers' DPoP nonces. Give it
   * to the transport: `new StreamableHTTPClientTransport(url, { authProvider: provider, fetch })`.
   */
  readonly fetch: typeof fetch
  /**
   * Drops the current token: the next call gets a new one, with what was approved since (after
   * a step-up request is approved).
   */
  refresh(): void
  /** The last step-up hint a server gave, if any. */
  lastStepUp(): StepUpHint | undefined
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const AS_METADATA = /^\/\.well-known\/(oauth-authorization-server|openid-configuration)(\/|$)/

/**
 * The agent's side of docs/mcp.md: an OAuth client provider for the official MCP SDK's client
 * that gets DPoP-bound tokens from the agentid issuer with an RFC 7523 assertion signed by the
 * agent's did:key, and a fetch that adds the DPoP proofs. Tokens live in memory only.
 */
export function agentOAuth(key: AgentKey, options: AgentOAuthOptions): AgentOAuth {
  const base = options.fetch ?? fetch
  const now = options.now ?? Date.now
  const issuer = options.authorizationServer.replace(/\/$/, '')
  const issuerOrigin = new URL(issuer).origin
  let tokens: OAuthTokens | undefined
  let discovery: OAuthDiscoveryState | undefined
  // The latest DPoP-Nonce each origin sent (RFC 9449, section 8).
  const nonces = new Map<string, string>()
  const information: OAuthClientInformationMixed = { client_id: key.did }

  const provider: OAuthClientProvider = {
    get redirectUrl() {
      return undefined
    },
    get clientMetadata(): OAuthClientMetadata {
      return { client_name: options.clientName ?? key.did, redirect_uris: [], grant_types: [JWT_BEARER], token_endpoint_auth_method: 'none' }
    },
    clientInformation: () => information,
    tokens: () => tokens,
    saveTokens: (saved) => {
      tokens = saved
    },
    redirectToAuthorization: () => {
      throw new Error('agentid agents have no browser flow: tokens come from the jwt-bearer grant')
    },
    saveCodeVerifier: () => undefined,
    codeVerifier: () => {
      throw new Error('agentid agents use no authorization code')
    },
    saveDiscoveryState: (state) => {
      // One token, one server: a second server gets an agentOAuth of its own.
      const was = discovery?.resourceMetadata?.resource
      if (was !== undefined && state.resourceMetadata?.resource !== undefined && state.resourceMetadata.resource !== was) {
        throw new Error(`this agentOAuth serves ${was}; make another one for ${state.resourceMetadata.resource}`)
      }
      discovery = state
    },
    discoveryState: () => discovery,
    // The assertion authenticates the agent: no client authentication beside it.
    addClientAuthentication: () => undefined,
    prepareTokenRequest: () => {
      // The assertion goes only to the trusted server: where discovery went, what its metadata
      // says it is, and where its token endpoint is must all be it (a server's metadata could
      // claim another's issuer identifier).
      const where = (discovery?.authorizationServerUrl ?? '').replace(/\/$/, '')
      const metadata = discovery?.authorizationServerMetadata
      const tokenOrigin = metadata?.token_endpoint ? new URL(metadata.token_endpoint).origin : undefined
      if (where !== issuer || metadata?.issuer?.replace(/\/$/, '') !== issuer || tokenOrigin !== new URL(issuer).origin) {
        throw new Error(`refusing to send an assertion to ${metadata?.token_endpoint ?? (where || 'an unknown server')}: this agent trusts ${issuer}`)
      }
      return new URLSearchParams({ grant_type: JWT_BEARER, assertion: createJwtBearerAssertion(key, { audience: issuer, iat: Math.floor(now() / 1000) }) })
    },
    invalidateCredentials: (scope) => {
      if (scope === 'all' || scope === 'tokens') tokens = undefined
    },
  }

  const dpopFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    const authorization = headers.get('authorization')
    const ours = authorization?.startsWith('Bearer ') && tokens?.access_token === authorization.slice(7)
    // The token goes only to the resource it was issued for; anywhere else the request goes without it.
    const accessToken = ours && withinResource(url, discovery?.resourceMetadata?.resource) ? tokens?.access_token : undefined
    if (ours && accessToken === undefined) headers.delete('authorization')
    // Authorization-server metadata is read from the trusted server only: a resource server that
    // names another one gets nothing fetched from it.
    if (AS_METADATA.test(url.pathname) && url.origin !== issuerOrigin) throw new Error(`refusing to discover an authorization server at ${url.origin}: this agent trusts ${issuer}`)
    const isTokenRequest = method === 'POST' && `${url.origin}${url.pathname}` === discovery?.authorizationServerMetadata?.token_endpoint
    if (accessToken === undefined && !isTokenRequest) return ours ? base(url, { ...init, method, headers }) : base(input, init)
    const send = (nonce: string | undefined) => {
      const proofHeaders = new Headers(headers)
      if (accessToken !== undefined) proofHeaders.set('authorization', `DPoP ${accessToken}`)
      proofHeaders.set('dpop', createDpopProof(key, { method, url, iat: Math.floor(now() / 1000), ...(accessToken !== undefined ? { accessToken } : {}), ...(nonce !== undefined ? { nonce } : {}) }))
      return base(url, { ...init, method, headers: proofHeaders })
    }
    let response = await send(nonces.get(url.origin))
    if (response.status === 403) noteStepUp(response.headers.get('www-authenticate'))
    const nonce = response.headers.get('dpop-nonce')
    if (nonce !== null && nonce !== nonces.get(url.origin)) {
      nonces.set(url.origin, nonce)
      // A request refused for want of a fresh nonce is sent once more with it.
      if (await wantsNonce(response)) response = await send(nonce)
    }
    return response
  }
  let stepUp: StepUpHint | undefined
  const noteStepUp = (challenge: string | null) => {
    if (challenge === null || !/error="insufficient_scope"/.test(challenge)) return
    const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1]
    const [resource, action, requestUri] = [param('agentid_resource'), param('agentid_action'), param('agentid_request_uri')]
    stepUp = { description: param('error_description') ?? 'insufficient_scope', ...(resource ? { resource } : {}), ...(action ? { action } : {}), ...(requestUri ? { requestUri } : {}) }
    options.onStepUp?.(stepUp)
  }
  return {
    provider,
    fetch: dpopFetch as typeof fetch,
    refresh: () => {
      tokens = undefined
    },
    lastStepUp: () => stepUp,
  }
}

// The resource's origin, and its path or one below it (as the SDK matches a server to its metadata).
function withinResource(url: URL, resource: string | undefined): boolean {
  if (resource === undefined) return false
  const r = new URL(resource)
  const base = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`
  return url.origin === r.origin && (url.pathname === r.pathname || url.pathname.startsWith(base))
}

async function wantsNonce(response: Response): Promise<boolean> {
  if (response.status === 401) return /error="use_dpop_nonce"/.test(response.headers.get('www-authenticate') ?? '')
  if (response.status !== 400) return false
  const body = await response.clone().json().catch(() => undefined) as { error?: unknown } | undefined
  return body?.error === 'use_dpop_nonce'
}
