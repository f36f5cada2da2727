import { randomUUID } from 'node:crypto'
import { agentIdError, encodeBase64url, isAgentIdError, type AgentIdError } from '@agentid/core'
import { checkCredentialJwt } from '@agentid/verifier'
import { signCompact, type AgentKey } from '../key/agent-key.js'
import { createDpopProof, createJwtBearerAssertion } from '../oauth/dpop.js'

/** `typ` of an OpenID4VCI key proof (Appendix F.1). */
export const KEY_PROOF_TYPE = 'openid4vci-proof+jwt'
const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code'
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const CONFIGURATION = 'AgentEntitlementCredential_jwt_vc_json'

/** An OpenID4VCI `jwt` key proof (Appendix F.1): the agent's key over the issuer's `c_nonce`. */
export function createKeyProof(key: AgentKey, options: { readonly audience: string; readonly nonce: string; readonly iat?: number }): string {
  const header = encodeBase64url(JSON.stringify({ typ: KEY_PROOF_TYPE, alg: 'EdDSA', kid: key.keyId }))
  return signCompact(key, header, { iss: key.did, aud: options.audience, iat: options.iat ?? Math.floor(Date.now() / 1000), nonce: options.nonce, jti: randomUUID() })
}

/** A credential the keeper holds. */
export interface HeldCredential {
  readonly id: string
  readonly jwt: string
  /** Seconds since the epoch. */
  readonly notBefore: number
  readonly expires: number
  /** When the keeper renews it (milliseconds): a random point in the renewal window of its life. */
  readonly renewAt: number
}

/** Options of {@link createCredentialKeeper}. */
export interface CredentialKeeperOptions {
  /** The agent's key: proofs, DPoP and assertions are signed with it; credentials are for its DID. */
  readonly key: AgentKey
  /** The credential issuer (the agentid issuer's public URL). Only it is ever sent a proof or an assertion. */
  readonly issuer: string
  /** The issuer's DID: every credential received must be signed by it (default: what the issuer's metadata says; pin it). */
  readonly issuerDid?: string
  readonly fetch?: typeof fetch
  /** Clock in milliseconds (default Date.now). */
  readonly now?: () => number
  /** Random in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number
  /**
   * The part of a credential's life at which it is renewed: a random point between the two
   * (default 0.6 to 0.8; the issuer renews from 0.5 on).
   */
  readonly renewBetween?: readonly [number, number]
  /** Called with each credential newly received. */
  readonly onCredential?: (credential: HeldCredential) => void
  /** Called when a renewal fails; the keeper tries again, and keeps what it holds until it expires. */
  readonly onError?: (error: AgentIdError) => void
}

/** The agent's side of docs/issuance.md: it collects and renews its own credentials. */
export interface CredentialKeeper {
  /** Redeems a credential offer (`openid-credential-offer://…` or its JSON) once; returns what it gave. */
  redeemOffer(offer: string | Record<string, unknown>, options?: { readonly txCode?: string }): Promise<HeldCredential[]>
  /** Fetches the current credential of every grant the agent holds (renewing those due), with its key alone. */
  refresh(): Promise<HeldCredential[]>
  /** The credentials valid now (not before, not after their window). */
  credentials(): HeldCredential[]
  /** Their JWTs, for `createPresentation` and the MCP client. */
  jwts(): string[]
  /** When the next renewal is due (milliseconds), if anything is held. */
  nextRenewal(): number | undefined
  /** Renews what is due now; `start` calls it on a timer. Returns when the next one is due. */
  tick(): Promise<number | undefined>
  /** Renews in the background, each credential at its `renewAt`, retrying failures with backoff. */
  start(): void
  stop(): void
}

interface Discovery {
  readonly credentialEndpoint: string
  readonly nonceEndpoint: string
  readonly tokenEndpoint: string
  readonly issuerDid: string
}

/**
 * Creates the keeper of an agent's credentials: it redeems credential offers, renews each credential
 * before it expires (OpenID4VCI 1.0: the jwt-bearer grant with the agent's key, then a key proof
 * over a fresh `c_nonce`), and holds what is current. Every credential received is checked: signed
 * by the issuer, for this agent.
 */
export function createCredentialKeeper(options: CredentialKeeperOptions): CredentialKeeper {
  const { key } = options
  const issuer = options.issuer.replace(/\/$/, '')
  const base = options.fetch ?? fetch
  // Never followed elsewhere: a redirect would carry assertions and proofs to another origin.
  const http: typeof fetch = (input, init) => base(input, { ...init, redirect: 'error' })
  const url = new URL(issuer)
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw agentIdError('ERR_USAGE', `the issuer must be https (plain http only on loopback): ${issuer}`)
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const [from, to] = options.renewBetween ?? [0.6, 0.8]
  if (!(from >= 0.5 && to >= from && to < 1)) throw agentIdError('ERR_USAGE', 'renewBetween must lie in [0.5, 1), the first at most the second')
  const held = new Map<string, HeldCredential>()
  let discovery: Discovery | undefined
  let timer: NodeJS.Timeout | undefined
  let stopped = true
  let failures = 0
  let lastFailed = false
  const reported = new WeakSet<object>()
  let dpopNonce: string | undefined

  const discover = async (): Promise<Discovery> => {
    if (discovery) return discovery
    const metadata = await getJson(`${issuer}/.well-known/openid-credential-issuer`)
    const as = await getJson(`${issuer}/.well-known/oauth-authorization-server`)
    if (metadata.credential_issuer !== issuer || as.issuer !== issuer) throw agentIdError('ERR_INPUT_INVALID', `the metadata at ${issuer} is for another issuer`)
    const issuerDid = options.issuerDid ?? metadata.agentid_issuer_did
    if (typeof issuerDid !== 'string' || (options.issuerDid !== undefined && metadata.agentid_issuer_did !== options.issuerDid)) throw agentIdError('ERR_VC_ISSUER_UNTRUSTED', `${issuer} is not the issuer ${options.issuerDid ?? '(no DID in its metadata)'}`)
    const endpoints = [metadata.credential_endpoint, metadata.nonce_endpoint, as.token_endpoint]
    // Proofs and assertions go to the pinned issuer's own origin, never where metadata points elsewhere.
    if (!endpoints.every((e) => typeof e === 'string' && new URL(e).origin === new URL(issuer).origin)) throw agentIdError('ERR_INPUT_INVALID', `the endpoints of ${issuer} must be on its own origin`)
    discovery = { credentialEndpoint: metadata.credential_endpoint as string, nonceEndpoint: metadata.nonce_endpoint as string, tokenEndpoint: as.token_endpoint as string, issuerDid }
    return discovery
  }

  async function getJson(url: string): Promise<Record<string, unknown>> {
    const response = await http(url, { headers: { accept: 'application/json' } }).catch((cause: unknown) => {
      throw agentIdError('ERR_SERVICE_UNREACHABLE', `${url}: ${(cause as Error).message}`)
    })
    if (!response.ok) throw agentIdError('ERR_SERVICE_UNREACHABLE', `${url} answered ${response.status}`)
    return (await response.json()) as Record<string, unknown>
  }

  // A token request, once more with the server's DPoP nonce when it asks for one.
  async function token(d: Discovery, params: Record<string, string>): Promise<{ token: string; identifiers: string[] }> {
    for (let attempt = 0; ; attempt++) {
      const response = await http(d.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url: d.tokenEndpoint, iat: seconds(), ...(dpopNonce ? { nonce: dpopNonce } : {}) }) },
        body: new URLSearchParams(params).toString(),
      })
      dpopNonce = response.headers.get('dpop-nonce') ?? dpopNonce
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
      if (!response.ok && body.error === 'use_dpop_nonce' && attempt === 0) continue
      if (!response.ok) throw refusal(body, response.status)
      const details = Array.isArray(body.authorization_details) ? body.authorization_details as Array<Record<string, unknown>> : []
      const identifiers = details.flatMap((detail) => (Array.isArray(detail.credential_identifiers) ? detail.credential_identifiers.filter((i): i is string => typeof i === 'string') : []))
      // Nothing named is not "nothing held": what is held stays until it expires.
      if (identifiers.length === 0 || typeof body.access_token !== 'string') throw agentIdError('ERR_SERVICE_UNREACHABLE', 'the token response names no credential')
      return { token: body.access_token, identifiers }
    }
  }

  async function fetchCredential(d: Discovery, accessToken: string, identifier: string): Promise<HeldCredential> {
    const nonceResponse = await http(d.nonceEndpoint, { method: 'POST' })
    const { c_nonce: nonce } = (await nonceResponse.json()) as { c_nonce?: unknown }
    if (!nonceResponse.ok || typeof nonce !== 'string') throw agentIdError('ERR_SERVICE_UNREACHABLE', `${d.nonceEndpoint} gave no c_nonce`)
    const proof = createKeyProof(key, { audience: issuer, nonce, iat: seconds() })
    const response = await http(d.credentialEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `DPoP ${accessToken}`, dpop: createDpopProof(key, { method: 'POST', url: d.credentialEndpoint, accessToken, iat: seconds() }) },
      body: JSON.stringify({ credential_identifier: identifier, proofs: { jwt: [proof] } }),
    })
    const body = (await response.json().catch(() => ({}))) as { credentials?: Array<{ credential?: unknown }> } & Record<string, unknown>
    if (!response.ok) throw refusal(body, response.status)
    return accept(body.credentials?.[0]?.credential, d.issuerDid)
  }

  // A credential is held only when the issuer signed it, for this agent (either format).
  function accept(jwt: unknown, issuerDid: string): HeldCredential {
    const c = checkCredentialJwt(jwt)
    if (c.issuer !== issuerDid) throw agentIdError('ERR_VC_ISSUER_UNTRUSTED', 'the credential received is not signed by the issuer')
    if (c.subject !== key.did) throw agentIdError('ERR_VP_HOLDER_BINDING', 'the credential received is not for this agent')
    const notBefore = c.notBefore ?? Math.floor(now() / 1000)
    const life = (c.expires - notBefore) * 1000
    const renewAt = notBefore * 1000 + Math.floor(life * (from + (to - from) * random()))
    return { id: c.id, jwt: c.jwt, notBefore, expires: c.expires, renewAt }
  }

  // What it held before keeps its renewal time; only a credential it did not hold is news.
  function keep(credentials: readonly HeldCredential[], replaceAll: boolean): HeldCredential[] {
    const before = new Map(held)
    if (replaceAll) held.clear()
    for (const c of credentials) {
      const old = before.get(c.id)
      if (!old) options.onCredential?.(c)
      held.set(c.id, old ?? c)
    }
    return credentials.map((c) => held.get(c.id)!)
  }

  const seconds = () => Math.floor(now() / 1000)

  const keeper: CredentialKeeper = {
    async redeemOffer(offer, redeem = {}) {
      const parsed = parseOffer(offer)
      if (parsed.credential_issuer !== issuer) throw agentIdError('ERR_OFFER_INVALID', `the offer is from ${String(parsed.credential_issuer)}, not ${issuer}`)
      const grant = (parsed.grants as Record<string, Record<string, unknown>> | undefined)?.[PRE_AUTHORIZED_GRANT]
      const code = grant?.['pre-authorized_code']
      if (typeof code !== 'string') throw agentIdError('ERR_OFFER_INVALID', 'the offer has no pre-authorized code')
      if (grant?.tx_code !== undefined && redeem.txCode === undefined) throw agentIdError('ERR_TX_CODE', 'this offer needs its transaction code')
      const d = await discover()
      // With client_id: the key proofs name the agent as `iss` (OpenID4VCI, F.1).
      const { token: accessToken, identifiers } = await token(d, { grant_type: PRE_AUTHORIZED_GRANT, 'pre-authorized_code': code, client_id: key.did, ...(redeem.txCode !== undefined ? { tx_code: redeem.txCode } : {}) })
      const received: HeldCredential[] = []
      for (const id of identifiers) received.push(await fetchCredential(d, accessToken, id))
      return keep(received, false)
    },
    async refresh() {
      const d = await discover()
      const { token: accessToken, identifiers } = await token(d, {
        grant_type: JWT_BEARER_GRANT,
        assertion: createJwtBearerAssertion(key, { audience: issuer, iat: seconds() }),
        authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: CONFIGURATION }]),
      })
      // Each grant on its own: one refused renewal neither loses the others nor what is still
      // valid of its own; it is reported, and thrown only when no grant gave anything.
      const kept: HeldCredential[] = []
      let failure: AgentIdError | undefined
      for (const id of identifiers) {
        try {
          kept.push(await fetchCredential(d, accessToken, id))
        } catch (error) {
          failure = isAgentIdError(error) ? error : agentIdError('ERR_SERVICE_UNREACHABLE', (error as Error).message)
          options.onError?.(failure)
          reported.add(failure)
          const current = held.get(id)
          if (current && current.expires > seconds()) kept.push(current)
        }
      }
      lastFailed = failure !== undefined
      if (failure && kept.length === 0) throw failure
      return keep(kept, true)
    },
    credentials() {
      const t = seconds()
      return [...held.values()].filter((c) => c.notBefore <= t && c.expires > t)
    },
    jwts() {
      return keeper.credentials().map((c) => c.jwt)
    },
    nextRenewal() {
      const times = [...held.values()].map((c) => c.renewAt)
      return times.length > 0 ? Math.min(...times) : undefined
    },
    async tick() {
      const due = [...held.values()].some((c) => c.renewAt <= now())
      if (due || held.size === 0) {
        try {
          await keeper.refresh()
        } catch (error) {
          lastFailed = true
          if (!options.onError) throw error
          if (!reported.has(error as object)) options.onError(isAgentIdError(error) ? error : agentIdError('ERR_SERVICE_UNREACHABLE', (error as Error).message))
        }
        if (lastFailed) {
          failures += 1
          // Back off, but never past what is still held: a retry before each credential expires.
          const soonest = Math.min(...[...held.values()].map((c) => c.expires * 1000), now() + 60_000)
          return Math.min(now() + Math.min(1000 * 2 ** failures, 60_000), Math.max(now() + 1000, soonest - 1000))
        }
        failures = 0
      }
      return keeper.nextRenewal()
    },
    start() {
      if (!stopped) return
      stopped = false
      const loop = async (): Promise<void> => {
        if (stopped) return
        const next = await keeper.tick()
        if (stopped) return
        timer = setTimeout(() => void loop(), Math.max(0, (next ?? now() + 60_000) - now()))
        timer.unref?.()
      }
      void loop()
    },
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
  return keeper
}

function parseOffer(offer: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof offer !== 'string') return offer
  const text = offer.trim()
  if (text.startsWith('{')) return offerObject(text)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw agentIdError('ERR_OFFER_INVALID', 'not an openid-credential-offer:// URI or its JSON')
  }
  if (url.searchParams.has('credential_offer_uri')) throw agentIdError('ERR_OFFER_INVALID', 'offers by reference (credential_offer_uri) are not fetched: pass the offer itself')
  const value = url.searchParams.get('credential_offer')
  if (url.protocol !== 'openid-credential-offer:' || value === null) throw agentIdError('ERR_OFFER_INVALID', 'not an openid-credential-offer:// URI with a credential_offer')
  return offerObject(value)
}

function offerObject(text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw agentIdError('ERR_OFFER_INVALID', 'the credential offer is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_OFFER_INVALID', 'the credential offer must be a JSON object')
  return value as Record<string, unknown>
}

function refusal(body: Record<string, unknown>, status: number): AgentIdError {
  const description = typeof body.error_description === 'string' ? body.error_description : `${String(body.error ?? 'error')} (${status})`
  const match = /^(ERR_[A-Z_]+): (.*)$/s.exec(description)
  try {
    if (match) return agentIdError(match[1] as Parameters<typeof agentIdError>[0], match[2]!)
  } catch {
    // an unknown code: reported as the service's answer below
  }
  return agentIdError('ERR_SERVICE_UNREACHABLE', description)
}
