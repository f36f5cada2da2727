import { agentIdError } from '@agentid/core'
import { mutualFetch, type MutualAgent, type MutualFetch } from '@agentid/agent'
import { AGENTID_EXTENSION_URI } from '../card/extension.js'
import { verifyAgentCard, type VerifiedAgentCard, type VerifyAgentCardOptions } from '../card/verify-card.js'
import { A2A_EXTENSIONS_HEADER, AGENT_CARD_PATH } from './server-guard.js'

/** Options of {@link a2aMutualFetch}. */
export interface A2aFetchOptions {
  /** The peer's DID (from its verified card): a server that proves another DID is refused. */
  readonly expectPeer?: string
  readonly fetch?: typeof fetch
}

/** A `fetch` for `@a2a-js/sdk` transports that speaks agentid to one peer: {@link a2aMutualFetch}. */
export type A2aFetch = typeof fetch & {
  /** The mutual fetch per origin (its session, `reset()`). */
  readonly peers: ReadonlyMap<string, MutualFetch>
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  new Headers(headers).forEach((value, name) => {
    out[name] = value
  })
  return out
}

/**
 * A `fetch` to give an `@a2a-js/sdk` transport (`new JsonRpcTransportFactory({ fetchImpl })`,
 * `RestTransportFactory`): on first contact with an origin it runs the agentid mutual handshake
 * (verifying the server, and `expectPeer` when given), then before each request checks the
 * server's credentials again and signs the request with a proof (`agentid-session`,
 * `agentid-proof`), naming the extension in `A2A-Extensions`. A GET of the Agent Card goes out
 * plain. A server that cannot prove who it is, or is no longer good, makes the call throw with
 * the code (ERR_VP_HOLDER_BINDING, ERR_VC_REVOKED, ...). Bodies must be text (the SDK sends JSON);
 * a request's `signal` is not passed on.
 * @throws AgentIdError ERR_USAGE for a body that is not a string
 */
export function a2aMutualFetch(mutual: MutualAgent, options: A2aFetchOptions = {}): A2aFetch {
  const doFetch = options.fetch ?? fetch
  const peers = new Map<string, MutualFetch>()
  const call = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) throw agentIdError('ERR_USAGE', 'a2aMutualFetch takes a URL and init, not a Request')
    const url = new URL(input)
    const method = (init.method ?? 'GET').toUpperCase()
    if (method === 'GET' && url.pathname === AGENT_CARD_PATH) return doFetch(url, init)
    if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw agentIdError('ERR_USAGE', 'a2aMutualFetch sends text bodies only')
    let peer = peers.get(url.origin)
    if (peer === undefined) {
      peer = mutualFetch(mutual, url.origin, { ...(options.expectPeer !== undefined ? { expectPeer: options.expectPeer } : {}), fetch: doFetch })
      peers.set(url.origin, peer)
    }
    const headers = headerRecord(init.headers)
    const named = headers[A2A_EXTENSIONS_HEADER.toLowerCase()]
    headers[A2A_EXTENSIONS_HEADER.toLowerCase()] = named ? `${named}, ${AGENTID_EXTENSION_URI}` : AGENTID_EXTENSION_URI
    return peer(`${url.pathname}${url.search}`, { method, headers, ...(typeof init.body === 'string' ? { body: init.body } : {}) })
  }
  return Object.assign(call, { peers }) as A2aFetch
}

/** Options of {@link fetchAgentCard}. */
export interface FetchAgentCardOptions extends VerifyAgentCardOptions {
  readonly fetch?: typeof fetch
  /** Path of the card at the base URL (default `/.well-known/agent-card.json`). */
  readonly path?: string
}

/**
 * Fetches an agent's card from `baseUrl` and verifies it ({@link verifyAgentCard}: the JSON text
 * parsed strictly, the signature by the DID it names, `expectDid`, and with `credentials` the
 * skills it advertises).
 * @throws AgentIdError ERR_SERVICE_UNREACHABLE (not fetched, not 200), or the card's code
 */
export async function fetchAgentCard(baseUrl: string, options: FetchAgentCardOptions = {}): Promise<VerifiedAgentCard> {
  const doFetch = options.fetch ?? fetch
  const url = new URL(options.path ?? AGENT_CARD_PATH, baseUrl)
  let text: string
  try {
    const response = await doFetch(url, { headers: { accept: 'application/json' } })
    text = await response.text()
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`)
  } catch (cause) {
    throw agentIdError('ERR_SERVICE_UNREACHABLE', `cannot fetch the Agent Card at ${url.href}: ${(cause as Error).message}`, { cause })
  }
  const result = verifyAgentCard(text, options)
  if (!result.ok) throw agentIdError(result.code, `Agent Card at ${url.href}: ${result.message}`)
  return result
}
