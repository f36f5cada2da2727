import { createHmac, randomUUID } from 'node:crypto'
import {
  agentIdError,
  encodeBase64url,
  entitlementToJson,
  isAgentIdError,
  parseAction,
  parsePurpose,
  parseResource,
  parseStrictJson,
  patternCovers,
  resourceMatches,
  scopeOverlaps,
  type AgentIdError,
  type Entitlement,
  type ErrorCode,
} from '@agentid/core'
import {
  ACCESS_TOKEN_TYPE,
  checkAccessToken,
  checkDpopProof,
  decodeJwt,
  ENTITLEMENT_DETAIL_TYPE,
  jwtSignatureValid,
  MAX_ACCESS_TOKEN_DETAILS,
  MAX_ACCESS_TOKEN_LIFETIME,
  ReplayCache,
  resolveDidKey,
  resolveKeyId,
  type AccessTokenClaims,
  type ActorClaim,
  type CheckedCredential,
  type CredentialStatusEntry,
} from '@agentid/verifier'
import type { Issuer } from '../issuer.js'
import type { AgentAuthenticator } from '../http/agent-auth.js'
import { parseResourceIndicator, type ResourceServer } from '../governance/policy.js'
import type { CredentialRecord } from '../store/issuer-store.js'
import { oauthText } from './oauth-text.js'
import { spendDpopProof } from './spend-dpop-proof.js'
import { OPENID_CREDENTIAL, TokenRequestRefusal, type CredentialGrant, type CredentialIssuer } from '../oid4vci/credential-issuer.js'
import { ENTITLEMENT_CONFIGURATION, isConfiguration, PRE_AUTHORIZED_GRANT } from '../oid4vci/offers.js'

/** RFC 7523 grant type. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
/** RFC 8693 grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
/** RFC 8693 `subject_token_type` of an agentid presentation (VP-JWT) to this issuer. */
export const VP_TOKEN_TYPE = 'urn:agentid:params:oauth:token-type:vp-jwt'
const ISSUED_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

/** Paths of the authorization server under the issuer's public URL. */
export const OAUTH_PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  token: '/oauth/token',
  introspection: '/oauth/introspect',
  jwks: '/oauth/jwks',
  authorize: '/oauth/authorize',
  nonce: '/challenge',
} as const

/** Options of the authorization server. */
export interface AuthorizationServerOptions {
  /** Require DPoP proofs to carry a server nonce (RFC 9449, section 8; default false). */
  readonly requireDpopNonce?: boolean
  /** Seconds an access token lives at most (default and maximum 300). */
  readonly tokenLifetimeSeconds?: number
  /** Clock in milliseconds (default the issuer's). */
  readonly now?: () => number
}

/** An OAuth error response (RFC 6749, section 5.2) for an agentid error. */
export class OAuthError extends Error {
  constructor(
    /** The OAuth `error` code. */
    readonly error: string,
    /** The agentid error behind it, whose code leads `error_description`. */
    readonly reason: AgentIdError,
    readonly status = 400,
    /** The agent that asked, once its signature checked out: who the refusal is recorded against. */
    public agent?: string,
  ) {
    super(`${error}: ${reason.code}: ${reason.message}`)
  }

  get description(): string {
    return oauthText(`${this.reason.code}: ${this.reason.message}`)
  }
}

/** A successful token response (RFC 6749, section 5.1, with RFC 8693 and RFC 9396 members). */
export interface TokenResponse {
  readonly access_token: string
  readonly token_type: 'DPoP'
  readonly expires_in: number
  readonly issued_token_type?: string
  readonly authorization_details: readonly Record<string, unknown>[]
}

/** One entitlement the token will carry, with where it comes from. */
interface Granted {
  readonly entitlement: Entitlement
  readonly task?: string
  /** Credential ids, root first. */
  readonly chain: readonly string[]
}

/** An authority line: whose authority, through which actors, with which entitlements. */
interface Line {
  readonly subject: string
  readonly act?: ActorClaim
  readonly granted: Granted[]
  /** Every credential behind it: its status entries and expiry (seconds). */
  readonly credentials: Map<string, { readonly status: readonly CredentialStatusEntry[]; readonly expires: number }>
}

const ASSERTION_LIMITS = { maxLength: 4096, maxDepth: 4 }
const CLOCK_TOLERANCE = 5
const MAX_REQUESTED_DETAILS = 32

/**
 * agentid's OAuth 2.1 authorization server for agents (docs/mcp.md): DPoP-bound access tokens
 * (RFC 9068 JWTs, at most 5 minutes) for one resource server each (RFC 8707), carrying the
 * agent's live entitlements on that server's resources as RFC 9396 `authorization_details`,
 * granted on an RFC 7523 assertion signed with the agent's did:key, or by RFC 8693 exchange of an
 * agentid presentation (delegation chains included). A token is never wider than its credentials
 * and never outlives them; introspection (RFC 7662) answers `active: false` as soon as any of them
 * is revoked or suspended.
 */
export class AuthorizationServer {
  readonly #issuer: Issuer
  readonly #agents: AgentAuthenticator
  readonly #now: () => number
  readonly #lifetime: number
  readonly #requireNonce: boolean
  // The MAC key of DPoP nonces: the same at every replica, so that a nonce one gave is good at all.
  readonly #nonceKey: Buffer
  // Single use: assertions by (agent, jti) until they expire, DPoP proofs by (key, jti) while
  // their iat is in the window; in memory here, and across replicas through the issuer's useOnce.
  readonly #assertions = new ReplayCache(100_000)
  readonly #proofs = new ReplayCache(100_000)
  readonly #credentials: CredentialIssuer

  constructor(issuer: Issuer, agents: AgentAuthenticator, credentials: CredentialIssuer, options: AuthorizationServerOptions = {}) {
    this.#issuer = issuer
    this.#agents = agents
    this.#credentials = credentials
    this.#nonceKey = issuer.sharedSecret('dpop-nonce')
    this.#now = options.now ?? (() => issuer.now())
    const lifetime = options.tokenLifetimeSeconds ?? MAX_ACCESS_TOKEN_LIFETIME
    if (!Number.isSafeInteger(lifetime) || lifetime < 1 || lifetime > MAX_ACCESS_TOKEN_LIFETIME) throw agentIdError('ERR_USAGE', `tokenLifetimeSeconds must be from 1 to ${MAX_ACCESS_TOKEN_LIFETIME}`)
    this.#lifetime = lifetime
    this.#requireNonce = options.requireDpopNonce === true
  }

  /** The issuer identifier (RFC 8414): the issuer's public URL. */
  get issuerId(): string {
    return this.#issuer.publicUrl.replace(/\/$/, '')
  }

  get tokenEndpoint(): string {
    return `${this.issuerId}${OAUTH_PATHS.token}`
  }

  /** RFC 8414 metadata. */
  metadata(): Record<string, unknown> {
    const base = this.issuerId
    return {
      issuer: base,
      token_endpoint: this.tokenEndpoint,
      introspection_endpoint: `${base}${OAUTH_PATHS.introspection}`,
      jwks_uri: `${base}${OAUTH_PATHS.jwks}`,
      // No browser flow: agents use the two grants below. The MCP SDK's metadata schema requires
      // an authorization endpoint; this one answers unsupported_response_type.
      authorization_endpoint: `${base}${OAUTH_PATHS.authorize}`,
      response_types_supported: [],
      grant_types_supported: [JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT, PRE_AUTHORIZED_GRANT],
      // OpenID4VCI: a pre-authorized code is redeemed without client authentication (the DPoP
      // key must be the offer's agent).
      'pre-authorized_grant_anonymous_access_supported': true,
      token_endpoint_auth_methods_supported: ['none'],
      dpop_signing_alg_values_supported: ['EdDSA'],
      authorization_details_types_supported: [ENTITLEMENT_DETAIL_TYPE, OPENID_CREDENTIAL],
      agentid_issuer_did: this.#issuer.did,
      agentid_subject_token_types_supported: [VP_TOKEN_TYPE],
      agentid_presentation_challenge_endpoint: `${base}${OAUTH_PATHS.nonce}`,
    }
  }

  /** The key set tokens are signed with (RFC 7517): the issuer's Ed25519 key. */
  jwks(): { keys: Record<string, string>[] } {
    const key = resolveDidKey(this.#issuer.did)
    return { keys: [{ kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(key.publicKey), kid: key.keyId, alg: 'EdDSA', use: 'sig' }] }
  }

  /** The check of a DPoP proof's `nonce`, when nonces are required (the credential endpoint asks the same). */
  get dpopNonceCheck(): ((nonce: string | undefined) => boolean) | undefined {
    return this.#requireNonce ? this.#nonceOk : undefined
  }

  /** The DPoP nonce to send now (`DPoP-Nonce`), when nonces are required. */
  dpopNonce(): string | undefined {
    return this.#requireNonce ? this.#nonceFor(Math.floor(this.#now() / 60_000)) : undefined
  }

  // A nonce per minute, MACed: nothing to store, and the previous minute's still counts.
  #nonceFor(window: number): string {
    return createHmac('sha256', this.#nonceKey).update(String(window)).digest('base64url').slice(0, 22)
  }

  #nonceOk = (nonce: string | undefined): boolean => {
    const window = Math.floor(this.#now() / 60_000)
    return nonce !== undefined && (nonce === this.#nonceFor(window) || nonce === this.#nonceFor(window - 1))
  }

  /**
   * The token endpoint. `params` are the form's parameters (each at most once), `dpop` the DPoP
   * header. Refusals throw {@link OAuthError}; each is audited by the caller.
   */
  async token(params: ReadonlyMap<string, string>, dpop: string | undefined): Promise<{ response: TokenResponse; agent: string }> {
    const known: { agent?: string } = {}
    try {
      return await this.#token(params, dpop, known)
    } catch (error) {
      if (error instanceof OAuthError && known.agent !== undefined) error.agent ??= known.agent
      throw error
    }
  }

  async #token(params: ReadonlyMap<string, string>, dpop: string | undefined, known: { agent?: string }): Promise<{ response: TokenResponse; agent: string }> {
    const grant = params.get('grant_type')
    if (grant !== JWT_BEARER_GRANT && grant !== TOKEN_EXCHANGE_GRANT && grant !== PRE_AUTHORIZED_GRANT) {
      throw new OAuthError(grant === undefined ? 'invalid_request' : 'unsupported_grant_type', agentIdError('ERR_INPUT_INVALID', grant === undefined ? 'grant_type is required' : `grant_type ${grant.slice(0, 100)} is not supported; use ${JWT_BEARER_GRANT}, ${TOKEN_EXCHANGE_GRANT} or ${PRE_AUTHORIZED_GRANT}`))
    }
    const nowSeconds = Math.floor(this.#now() / 1000)
    // The proof first: a client without a current nonce learns it before anything else is judged.
    const proof = oauthStep('invalid_dpop_proof', () => checkDpopProof(dpop, {
      method: 'POST', url: this.tokenEndpoint, nowSeconds, replay: this.#proofs, ...(this.#requireNonce ? { nonce: this.#nonceOk } : {}),
    }))
    await oauthStepAsync('invalid_dpop_proof', () => spendDpopProof(this.#issuer, proof, nowSeconds))
    if (grant === PRE_AUTHORIZED_GRANT || (grant === JWT_BEARER_GRANT && this.#asksForCredentials(params))) {
      return this.#credentialToken(grant, params, proof, nowSeconds, known)
    }
    const server = await this.#resourceServer(params.get('resource'))
    const lines = grant === JWT_BEARER_GRANT
      ? await this.#ownLine(await this.#checkAssertion(params.get('assertion'), nowSeconds), nowSeconds)
      : await this.#exchangedLines(params)
    const agent = lines.holder
    known.agent = agent
    if (proof.did !== agent) throw new OAuthError('invalid_dpop_proof', agentIdError('ERR_DPOP_PROOF', `the DPoP proof must be signed with the key of ${agent}, the agent the token is for`))
    if (params.has('client_id') && params.get('client_id') !== agent) throw new OAuthError('invalid_client', agentIdError('ERR_UNAUTHORIZED', 'client_id must be the agent\'s DID'), 401)
    await this.#assertAgentActive(agent)
    const line = this.#pick(lines.lines, server, params.get('authorization_details'))
    if (line.granted.length > MAX_ACCESS_TOKEN_DETAILS) {
      throw new OAuthError('invalid_authorization_details', agentIdError('ERR_INPUT_INVALID', `${line.granted.length} entitlements on ${server.url} are more than one token carries (${MAX_ACCESS_TOKEN_DETAILS}): ask for the ones needed with authorization_details`))
    }
    const used = [...new Set(line.granted.flatMap((g) => g.chain))]
    // Never outlives a credential it comes from.
    const exp = Math.min(nowSeconds + this.#lifetime, ...used.map((id) => line.credentials.get(id)?.expires ?? 0))
    if (exp <= nowSeconds) throw new OAuthError('invalid_grant', agentIdError('ERR_VC_EXPIRED', 'the credentials behind this grant have expired'))
    const details = line.granted.map((g) => ({ type: ENTITLEMENT_DETAIL_TYPE, ...entitlementToJson(g.entitlement), ...(g.task !== undefined ? { task: g.task } : {}), credentials: [...g.chain] }))
    const jti = randomUUID()
    const token = await this.#issuer.signJwt(ACCESS_TOKEN_TYPE, {
      iss: this.issuerId,
      sub: line.subject,
      aud: server.url,
      client_id: agent,
      iat: nowSeconds,
      exp,
      jti,
      cnf: { jkt: proof.jkt },
      authorization_details: details,
      agentid_credential_status: Object.fromEntries(used.map((id) => [id, line.credentials.get(id)?.status ?? []])),
      ...(line.act !== undefined ? { act: line.act } : {}),
    })
    await this.#issuer.recordEvent({
      actor: agent, action: 'oauth.token', target: server.url,
      details: { grant, jti, subject: line.subject, credentials: used, expires: exp, ...(line.act !== undefined ? { act: line.act } : {}) },
    })
    return {
      agent,
      response: {
        access_token: token,
        token_type: 'DPoP',
        expires_in: exp - nowSeconds,
        ...(grant === TOKEN_EXCHANGE_GRANT ? { issued_token_type: ISSUED_TOKEN_TYPE } : {}),
        authorization_details: details,
      },
    }
  }

  // OpenID4VCI: a token for the credential endpoint, for the grants of an offer (pre-authorized
  // code) or, with the agent's assertion, for every grant it holds (renewal and fetching again).
  async #credentialToken(grant: string, params: ReadonlyMap<string, string>, proof: { did: string; jkt: string }, nowSeconds: number, known: { agent?: string }): Promise<{ response: TokenResponse; agent: string }> {
    const resource = params.get('resource')
    if (resource !== undefined && resource !== this.#credentials.id) throw new OAuthError('invalid_target', agentIdError('ERR_INPUT_INVALID', `a credential token is for ${this.#credentials.id} alone`))
    // Before anything is redeemed: a wrong client_id must not spend an offer.
    if (params.has('client_id') && params.get('client_id') !== proof.did) throw new OAuthError('invalid_client', agentIdError('ERR_UNAUTHORIZED', 'client_id must be the agent\'s DID, whose key signs the DPoP proof'), 401)
    let granted: CredentialGrant
    if (grant === PRE_AUTHORIZED_GRANT) {
      // An enrolled agent that may not be issued anything now keeps its offer for later.
      if (await this.#issuer.agentRecord(proof.did)) await this.#assertAgentActive(proof.did)
      granted = await oauthStepAsync('invalid_grant', () => this.#credentials.redeem(params, proof.did)).catch((error: unknown) => {
        throw error instanceof TokenRequestRefusal ? new OAuthError(error.error, error.reason) : error
      })
    } else {
      const agent = await this.#checkAssertion(params.get('assertion'), nowSeconds)
      known.agent = agent
      if (proof.did !== agent) throw new OAuthError('invalid_dpop_proof', agentIdError('ERR_DPOP_PROOF', `the DPoP proof must be signed with the key of ${agent}, the agent the token is for`))
      await this.#assertAgentActive(agent)
      granted = await oauthStepAsync('invalid_grant', () => this.#credentials.ownGrants(agent))
    }
    // Both branches checked the agent: a redeemed offer was for the DPoP key's enrolled agent.
    known.agent = granted.agent
    const { token, expiresIn, details } = await this.#credentials.accessToken(granted, proof.jkt)
    await this.#issuer.recordEvent({ actor: granted.agent, action: 'oauth.token', target: this.#credentials.credentialEndpoint, details: { grant, credentials: granted.credentials, expires: nowSeconds + expiresIn } })
    return { agent: granted.agent, response: { access_token: token, token_type: 'DPoP', expires_in: expiresIn, authorization_details: details } }
  }

  // authorization_details of OpenID4VCI (type openid_credential) rather than agentid entitlements.
  #asksForCredentials(params: ReadonlyMap<string, string>): boolean {
    const text = params.get('authorization_details')
    if (text === undefined) return false
    return oauthStep('invalid_authorization_details', () => {
      const value = parseStrictJson(text, { maxLength: 16 * 1024, maxDepth: 4 }, 'ERR_INPUT_INVALID', 'authorization_details')
      const types = Array.isArray(value) ? value.map((d) => (typeof d === 'object' && d !== null ? (d as Record<string, unknown>).type : undefined)) : []
      if (!types.includes(OPENID_CREDENTIAL)) return false
      const only = (value as Record<string, unknown>[])
      if (only.length !== 1 || !isConfiguration(only[0]!.credential_configuration_id) || Object.keys(only[0]!).some((k) => !['type', 'credential_configuration_id'].includes(k))) {
        throw agentIdError('ERR_INPUT_INVALID', `ask for credentials with one detail: {"type":"${OPENID_CREDENTIAL}","credential_configuration_id":"${ENTITLEMENT_CONFIGURATION}"}`)
      }
      return true
    })
  }

  /**
   * RFC 7662 introspection: `active` only while the token checks out and every credential behind
   * it is still active in this issuer's records, and its agent is neither retired nor suspended.
   */
  async introspect(token: string): Promise<Record<string, unknown>> {
    let claims: AccessTokenClaims
    try {
      claims = checkAccessToken(token, { issuer: this.issuerId, signers: [this.#issuer.did], audience: null, nowSeconds: Math.floor(this.#now() / 1000) })
    } catch {
      return { active: false }
    }
    try {
      await this.#assertAgentActive(claims.clientId)
      for (const id of Object.keys(claims.credentialStatus)) {
        const record = await this.#issuer.credentialRecord(id)
        // Delegation links are not in the records: their status is their root's.
        if (record !== undefined && record.status !== 'active') return { active: false }
      }
    } catch {
      return { active: false }
    }
    return {
      active: true,
      iss: claims.issuer,
      sub: claims.subject,
      aud: claims.audience,
      client_id: claims.clientId,
      iat: claims.issuedAt,
      exp: claims.expires,
      jti: claims.id,
      token_type: 'DPoP',
      cnf: { jkt: claims.jkt },
      authorization_details: claims.entitlements.map((e) => ({ type: ENTITLEMENT_DETAIL_TYPE, ...entitlementToJson(e.entitlement), ...(e.task !== undefined ? { task: e.task } : {}), credentials: [...e.credentials] })),
      ...(claims.act !== undefined ? { act: claims.act } : {}),
    }
  }

  async #resourceServer(resource: string | undefined): Promise<ResourceServer> {
    if (resource === undefined) throw new OAuthError('invalid_target', agentIdError('ERR_INPUT_INVALID', 'resource is required: the URL of the one resource server the token is for (RFC 8707)'))
    const url = oauthStep('invalid_target', () => parseResourceIndicator(resource, 'resource'))
    const server = (await this.#issuer.policy()).policy.resourceServers.find((s) => s.url === url)
    if (!server) throw new OAuthError('invalid_target', agentIdError('ERR_NOT_FOUND', `${url} is not a resource server of this issuer's policy (policy.resourceServers)`))
    return server
  }

  // RFC 7523, section 3: the agent asserts itself, to this server, once, briefly.
  async #checkAssertion(assertion: string | undefined, nowSeconds: number): Promise<string> {
    const { did, key, until } = oauthStep('invalid_grant', () => {
      if (assertion === undefined) throw agentIdError('ERR_INPUT_INVALID', 'assertion is required for the jwt-bearer grant')
      const decoded = decodeJwt(assertion, ASSERTION_LIMITS, 'assertion')
      if (decoded.header.typ !== undefined && decoded.header.typ !== 'JWT') throw agentIdError('ERR_TOKEN_INVALID', `assertion typ ${decoded.header.typ} is not accepted`)
      const p = decoded.payload
      if (typeof p.iss !== 'string') throw agentIdError('ERR_TOKEN_INVALID', 'assertion "iss" must be the agent\'s DID')
      const signer = resolveDidKey(p.iss)
      if (decoded.header.kid !== undefined && resolveKeyId(decoded.header.kid).did !== signer.did) throw agentIdError('ERR_TOKEN_INVALID', 'assertion kid is not the key of its iss')
      if (!jwtSignatureValid(decoded, signer)) throw agentIdError('ERR_TOKEN_INVALID', 'assertion signature does not verify')
      if (p.sub !== p.iss) throw agentIdError('ERR_TOKEN_INVALID', 'assertion "sub" must be its "iss": an agent asserts only itself')
      const audiences = Array.isArray(p.aud) ? p.aud : [p.aud]
      if (!audiences.some((a) => a === this.issuerId || a === this.tokenEndpoint)) throw agentIdError('ERR_TOKEN_INVALID', `assertion "aud" must be ${this.issuerId}`)
      const { iat, exp, jti } = p
      if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) throw agentIdError('ERR_TOKEN_INVALID', 'assertion "iat" and "exp" are required, in whole seconds')
      if ((exp as number) <= (iat as number) || (exp as number) - (iat as number) > 300) throw agentIdError('ERR_TOKEN_INVALID', 'an assertion must live at most 300 s')
      if ((iat as number) > nowSeconds + CLOCK_TOLERANCE) throw agentIdError('ERR_TOKEN_INVALID', 'assertion is dated in the future')
      if ((exp as number) <= nowSeconds - CLOCK_TOLERANCE) throw agentIdError('ERR_TOKEN_INVALID', 'assertion has expired')
      if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) throw agentIdError('ERR_TOKEN_INVALID', 'assertion "jti" must be a string of 8 to 256 characters')
      const reserved = this.#assertions.reserve(`${signer.did}:${jti}`, ((exp as number) + CLOCK_TOLERANCE + 1) * 1000, nowSeconds * 1000)
      if (reserved !== 'ok') throw agentIdError('ERR_TOKEN_INVALID', reserved === 'replay' ? 'this assertion was already used' : 'too many assertions in flight; retry in a moment')
      return { did: signer.did, key: `${signer.did}:${jti}`, until: ((exp as number) + CLOCK_TOLERANCE + 1) * 1000 }
    })
    // Used at another replica already: refused here too.
    await oauthStepAsync('invalid_grant', () => this.#issuer.useOnce(`oauth-assertion:${key}`, until, 'ERR_TOKEN_INVALID', 'this assertion was already used'))
    return did
  }

  // The jwt-bearer grant: the agent's own live credentials, as this issuer's records say now.
  async #ownLine(agent: string, nowSeconds: number): Promise<{ holder: string; lines: Line[] }> {
    const records = (await this.#issuer.store.listCredentials({ subject: agent }))
      .filter((r) => r.status === 'active' && r.notBefore <= nowSeconds + CLOCK_TOLERANCE && r.expires > nowSeconds)
    const credentials = new Map(records.map((r) => [r.id, { status: this.#statusEntries(r), expires: r.expires }]))
    const granted = records.flatMap((r) => r.entitlements.map((entitlement) => ({ entitlement, ...(r.task ? { task: r.task.id } : {}), chain: [r.id] })))
    return { holder: agent, lines: [{ subject: agent, granted, credentials }] }
  }

  // The token-exchange grant: a presentation to this issuer, checked as any verifier would
  // (signatures, holder binding, challenge, chains, status from the records).
  async #exchangedLines(params: ReadonlyMap<string, string>): Promise<{ holder: string; lines: Line[] }> {
    const type = params.get('subject_token_type')
    if (type !== VP_TOKEN_TYPE) throw new OAuthError('invalid_request', agentIdError('ERR_INPUT_INVALID', `subject_token_type must be ${VP_TOKEN_TYPE}`))
    if (params.has('actor_token')) throw new OAuthError('invalid_request', agentIdError('ERR_INPUT_INVALID', 'actor_token is not supported: the presentation\'s delegation chains say who acts for whom'))
    const subjectToken = params.get('subject_token')
    if (subjectToken === undefined) throw new OAuthError('invalid_request', agentIdError('ERR_INPUT_INVALID', 'subject_token is required'))
    const result = await this.#agents.verify(subjectToken).catch((error: unknown) => {
      throw new OAuthError('invalid_grant', isAgentIdError(error) ? error : agentIdError('ERR_INPUT_INVALID', 'the presentation is not acceptable'))
    })
    const byId = new Map(result.credentials.map((c) => [c.id, c]))
    const lines = new Map<string, Line>()
    for (const g of result.entitlements) {
      if (g.approvalsMissing !== undefined) continue
      const links = g.chain.map((id) => byId.get(id)).filter((c): c is CheckedCredential => c !== undefined)
      const subject = links[0]?.subject ?? result.holder
      // RFC 8693, 4.1: the current actor outermost, those it acts through nested below it.
      const actors = links.slice(1).map((link) => link.subject).reverse()
      const act = actors.reduceRight<ActorClaim | undefined>((inner, sub) => ({ sub, ...(inner ? { act: inner } : {}) }), undefined)
      const key = `${subject} ${actors.join(' ')}`
      const line: Line = lines.get(key) ?? { subject, ...(act ? { act } : {}), granted: [], credentials: new Map() }
      lines.set(key, line)
      const root = links[0]
      const task = root?.kind === 'entitlement' ? root.claims.task?.id : undefined
      line.granted.push({ entitlement: g.entitlement, ...(task !== undefined ? { task } : {}), chain: g.chain })
      for (const link of links) line.credentials.set(link.id, { status: link.status, expires: link.expires })
    }
    // Delegated lines first: an agent exchanging a chain means to use it.
    return { holder: result.holder, lines: [...lines.values()].sort((a, b) => Number(a.act === undefined) - Number(b.act === undefined)) }
  }

  // The first line with entitlements on the server's resources, narrowed to what was asked.
  #pick(lines: readonly Line[], server: ResourceServer, requested: string | undefined): Line {
    const wanted = requested === undefined ? undefined : parseRequestedDetails(requested)
    for (const line of lines) {
      const onServer = line.granted.flatMap((g) => withinServer(g, server))
      if (onServer.length === 0) continue
      const granted = wanted === undefined ? onServer : narrow(onServer, wanted)
      return { ...line, granted }
    }
    throw new OAuthError('invalid_grant', agentIdError('ERR_NOT_ENTITLED', `no live entitlement covers a resource of ${server.url} (${server.resources.join(', ')}); request access with POST /requests`))
  }

  async #assertAgentActive(did: string): Promise<void> {
    const agent = await this.#issuer.agentRecord(did)
    if (!agent) throw new OAuthError('invalid_grant', agentIdError('ERR_UNAUTHORIZED', `${did} is not an agent enrolled at this issuer`))
    if (agent.status === 'retired') throw new OAuthError('invalid_grant', agentIdError('ERR_FORBIDDEN', `${did} is retired`))
    if (agent.suspendedAt !== undefined) throw new OAuthError('invalid_grant', agentIdError('ERR_VC_SUSPENDED', `${did} is suspended`))
  }

  #statusEntries(record: CredentialRecord): CredentialStatusEntry[] {
    const entry = (purpose: string, list: string): CredentialStatusEntry => ({ type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(record.index), statusListCredential: `${this.#issuer.publicUrl}/status/${list}` })
    return [entry('revocation', record.listId), ...(record.suspensionListId !== undefined ? [entry('suspension', record.suspensionListId)] : [])]
  }
}

/**
 * The part of a granted entitlement that lies on a resource server: whole when one of the
 * server's scopes covers it, cut down to the scope when it is wider (an entitlement on `db:hr/*`
 * at a server of `db:hr/payroll` carries `db:hr/payroll`), nothing when they do not meet. A
 * token then never says what an agent may do beyond the server it is for.
 */
function withinServer(granted: Granted, server: ResourceServer): Granted[] {
  const resource = granted.entitlement.resource
  const out = new Map<string, Granted>()
  for (const scope of server.resources) {
    if (!scopeOverlaps(scope, resource)) continue
    const covered = scope === '*' || (scope.endsWith(':*') ? resource.startsWith(scope.slice(0, -1)) : patternCovers(scope, resource))
    const narrowed = covered ? resource : scope
    out.set(narrowed, narrowed === resource ? granted : { ...granted, entitlement: { ...granted.entitlement, resource: narrowed } })
  }
  return [...out.values()]
}

/** What a client may ask for in `authorization_details` (RFC 9396): never more than it holds. */
interface RequestedDetail {
  readonly resource: string
  readonly actions: readonly string[]
  readonly purpose?: string
}

function parseRequestedDetails(text: string): RequestedDetail[] {
  return oauthStep('invalid_authorization_details', () => {
    const value = parseStrictJson(text, { maxLength: 16 * 1024, maxDepth: 4 }, 'ERR_INPUT_INVALID', 'authorization_details')
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_REQUESTED_DETAILS) throw agentIdError('ERR_INPUT_INVALID', `authorization_details must be an array of 1 to ${MAX_REQUESTED_DETAILS} entries`)
    return value.map((item: unknown, i) => {
      const d = item as Record<string, unknown>
      if (typeof d !== 'object' || d === null || Array.isArray(d) || d.type !== ENTITLEMENT_DETAIL_TYPE) throw agentIdError('ERR_INPUT_INVALID', `authorization_details[${i}] must be an object of type ${ENTITLEMENT_DETAIL_TYPE}`)
      for (const key of Object.keys(d)) if (!['type', 'resource', 'actions', 'purpose'].includes(key)) throw agentIdError('ERR_INPUT_INVALID', `authorization_details[${i}].${key} cannot be asked for`)
      if (typeof d.resource !== 'string' || !Array.isArray(d.actions) || d.actions.length === 0 || !d.actions.every((a) => typeof a === 'string')) throw agentIdError('ERR_INPUT_INVALID', `authorization_details[${i}] needs resource and actions`)
      if (d.purpose !== undefined && typeof d.purpose !== 'string') throw agentIdError('ERR_INPUT_INVALID', `authorization_details[${i}].purpose must be a string`)
      const actions = (d.actions as unknown[]).map((action, j) => parseAction(action, `authorization_details[${i}].actions[${j}]`))
      return { resource: parseResource(d.resource, `authorization_details[${i}].resource`), actions, ...(d.purpose !== undefined ? { purpose: parsePurpose(d.purpose, `authorization_details[${i}].purpose`) } : {}) }
    })
  })
}

// Each requested detail must lie inside one granted entitlement; it then carries that
// entitlement's purpose and constraints, on the narrower resource and actions.
function narrow(granted: readonly Granted[], wanted: readonly RequestedDetail[]): Granted[] {
  return wanted.map((w) => {
    const source = granted.find((g) => resourceMatches(g.entitlement.resource, w.resource) && w.actions.every((a) => g.entitlement.actions.includes(a)) &&
      (g.entitlement.purpose === undefined || w.purpose === undefined || g.entitlement.purpose === w.purpose))
    if (!source) throw new OAuthError('invalid_authorization_details', agentIdError('ERR_NOT_ENTITLED', `no live entitlement allows ${w.actions.join(', ')} on ${w.resource}${w.purpose ? ` for ${w.purpose}` : ''}`))
    const purpose = source.entitlement.purpose ?? w.purpose
    const { delegable: _delegable, ...rest } = source.entitlement
    return { ...source, entitlement: { ...rest, resource: w.resource, actions: [...w.actions], ...(purpose !== undefined ? { purpose } : {}) } }
  })
}

// An agentid error inside one step of the grant, as that step's OAuth error.
function oauthStep<T>(error: string, step: () => T): T {
  try {
    return step()
  } catch (cause) {
    if (cause instanceof OAuthError) throw cause
    if (isAgentIdError(cause)) throw new OAuthError(cause.code === 'ERR_DPOP_NONCE' ? 'use_dpop_nonce' : error, cause)
    throw cause
  }
}

async function oauthStepAsync<T>(error: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (cause) {
    return oauthStep(error, () => {
      throw cause
    })
  }
}

/** The OAuth error of an agentid error raised outside a grant's steps. */
export function asOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error
  if (isAgentIdError(error)) {
    const byCode: Partial<Record<ErrorCode, [string, number]>> = {
      ERR_RATE_LIMITED: ['slow_down', 429],
      ERR_STATUS_UNAVAILABLE: ['temporarily_unavailable', 503],
      ERR_UNAUTHORIZED: ['invalid_client', 401],
      ERR_FORBIDDEN: ['invalid_client', 401],
      ERR_STORE: ['server_error', 500],
    }
    const [code, status] = byCode[error.code] ?? ['invalid_request', 400]
    return new OAuthError(code, error, status)
  }
  return new OAuthError('server_error', agentIdError('ERR_STORE', 'internal error; nothing was issued'), 500)
}
