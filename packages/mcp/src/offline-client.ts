import { createPresentation, mutualFetch, type AgentKey, type MutualAgent } from '@agentid/agent'
import { CHALLENGE_PATH } from './resource-server.js'

type FetchInput = string | URL | Request

// The parts of a request the offline modes sign: method, target, headers and a text body (the
// MCP SDK sends JSON-RPC as text).
async function parts(input: FetchInput, init: RequestInit | undefined): Promise<{ url: URL; method: string; headers: Record<string, string>; body?: string }> {
  const url = new URL(input instanceof Request ? input.url : String(input))
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
  const headers: Record<string, string> = {}
  new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => {
    headers[name] = value
  })
  const raw = init?.body ?? (input instanceof Request && method !== 'GET' ? await input.text() : undefined)
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw new Error('agentid offline fetch sends text bodies only')
  return { url, method, headers, ...(typeof raw === 'string' ? { body: raw } : {}) }
}

/**
 * A fetch for the MCP SDK's client transport that reaches an agentid-guarded MCP server with no
 * authorization server in the path: a mutual handshake with the server on first contact, then a
 * proof on every request (docs/protocol.md). The server's credentials are checked again before
 * each request; `expectServer` pins its DID.
 */
export function agentMutualFetch(mutual: MutualAgent, serverUrl: string, options: { expectServer?: string; fetch?: typeof fetch } = {}): typeof fetch {
  const origin = new URL(serverUrl).origin
  const peer = mutualFetch(mutual, origin, { ...(options.expectServer !== undefined ? { expectPeer: options.expectServer } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) })
  return (async (input: FetchInput, init?: RequestInit) => {
    const { url, method, headers, body } = await parts(input, init)
    if (url.origin !== origin) throw new Error(`this fetch speaks only to ${origin}`)
    return peer(`${url.pathname}${url.search}`, { method, headers, ...(body !== undefined ? { body } : {}) })
  }) as typeof fetch
}

/**
 * A fetch that presents the agent's credentials to an agentid-guarded MCP server on every request
 * (`Authorization: VP`), over a fresh challenge of that server, addressed to `serverDid` only: a
 * server that claims another DID cannot relay the presentation elsewhere.
 */
export function agentPresentationFetch(key: AgentKey, credentials: readonly string[], serverUrl: string, options: { serverDid: string; fetch?: typeof fetch; now?: () => number }): typeof fetch {
  const origin = new URL(serverUrl).origin
  const base = options.fetch ?? fetch
  return (async (input: FetchInput, init?: RequestInit) => {
    const { url, method, headers, body } = await parts(input, init)
    if (url.origin !== origin) throw new Error(`this fetch speaks only to ${origin}`)
    const answer = await base(`${origin}${CHALLENGE_PATH}`)
    const { challenge, audience } = await answer.json() as { challenge?: unknown; audience?: unknown }
    if (typeof challenge !== 'string') throw new Error(`${origin} gave no challenge`)
    if (audience !== options.serverDid) throw new Error(`${origin} is ${String(audience)}, not ${options.serverDid}`)
    const vp = createPresentation({ key, credentials, audience: options.serverDid, challenge, ...(options.now ? { now: options.now } : {}) })
    return base(url, { method, headers: { ...headers, authorization: `VP ${vp}` }, ...(body !== undefined ? { body } : {}) })
  }) as typeof fetch
}
