import { createHmac, randomBytes } from 'node:crypto'
import { agentIdError, isAgentIdError, type AgentIdError } from '@agentid/core'
import {
  ACCESS_TOKEN_TYPE,
  checkDpopProof,
  decodeJwt,
  jwtSignatureValid,
  ReplayCache,
  resolveDidKey,
  resolveKeyId,
} from '@agentid/verifier'
import type { Issuer } from '../issuer.js'
import { vcFormatOf } from '../usecases/issuance.js'
import { configurationOf, ENTITLEMENT_CONFIGURATION, ENTITLEMENT_CONFIGURATION_VC2, isConfiguration, MAX_OFFER_CREDENTIALS, sha256 } from './offers.js'
import { oauthText } from '../oauth/oauth-text.js'
import { spendDpopProof } from '../oauth/spend-dpop-proof.js'

/** RFC 9396 `authorization_details` type of OpenID4VCI. */
export const OPENID_CREDENTIAL = 'openid_credential'
/** `typ` of an OpenID4VCI key proof (Appendix F.1). */
export const PROOF_TYPE = 'openid4vci-proof+jwt'
/** Paths of the credential issuer under the issuer's public URL. */
export const OID4VCI_PATHS = {
  metadata: '/.well-known/openid-credential-issuer',
  credential: '/oid4vci/credential',
  nonce: '/oid4vci/nonce',
} as const

/** An OpenID4VCI error answer (section 8.3.1.2), for an agentid error. */
export class CredentialRequestError extends Error {
  constructor(readonly error: string, readonly reason: AgentIdError, readonly status = 400, public agent?: string) {
    super(`${error}: ${reason.code}: ${reason.message}`)
  }

  get description(): string {
    return oauthText(`${this.reason.code}: ${this.reason.message}`)
  }
}

/** A token request refused with an OAuth error other than `invalid_grant` (the authorization server answers it as given). */
export class TokenRequestRefusal extends Error {
  constructor(readonly error: string, readonly reason: AgentIdError) {
    super(`${error}: ${reason.message}`)
  }
}

/** Who may ask the credential endpoint for what: an agent, for its grants (credential ids). */
export interface CredentialGrant {
  readonly agent: string
  readonly credentials: readonly string[]
}

/** Options of the credential issuer. */
export interface CredentialIssuerOptions {
  /** Clock in milliseconds (default the issuer's). */
  readonly now?: () => number
  /** The authorization server's DPoP nonce check, when it requires nonces: the credential endpoint asks the same. */
  readonly dpopNonce?: () => ((nonce: string | undefined) => boolean) | undefined
}

/** Wrong transaction codes (or proofs of the wrong key) that burn an offer. */
export const MAX_OFFER_ATTEMPTS = 5
const NONCE_LIFETIME = 300
const PROOF_MAX_AGE = 300
const CLOCK_TOLERANCE = 5
const TOKEN_LIFETIME = 300
const PROOF_LIMITS = { maxLength: 2048, maxDepth: 3 }
const TOKEN_LIMITS = { maxLength: 16 * 1024, maxDepth: 5 }

/**
 * agentid's OpenID4VCI 1.0 credential issuer (docs/issuance.md): metadata, a nonce endpoint, a
 * credential endpoint that answers with the agent's current credential of a grant (renewed from
 * half its life on, while the grant stands), and pre-authorized credential offers. Access tokens
 * come from the issuer's authorization server, DPoP-bound to the agent's did:key, for this
 * endpoint alone; key proofs are signed with that same key over a fresh `c_nonce`.
 */
export class CredentialIssuer {
  readonly #issuer: Issuer
  readonly #now: () => number
  readonly #dpopNonce: () => ((nonce: string | undefined) => boolean) | undefined
  // The MAC key of c_nonces, the same at every replica (a nonce from one is good at another).
  readonly #nonceKey: Buffer
  // Single use of nonces and DPoP proofs: in memory here, and across replicas through the issuer's useOnce.
  readonly #nonces = new ReplayCache(100_000)
  readonly #proofs = new ReplayCache(100_000)

  constructor(issuer: Issuer, options: CredentialIssuerOptions = {}) {
    this.#issuer = issuer
    this.#nonceKey = issuer.sharedSecret('c-nonce')
    this.#now = options.now ?? (() => issuer.now())
    this.#dpopNonce = options.dpopNonce ?? (() => undefined)
  }

  /** The credential issuer identifier: the issuer's public URL, as the authorization server's. */
  get id(): string {
    return this.#issuer.publicUrl.replace(/\/$/, '')
  }

  get credentialEndpoint(): string {
    return `${this.id}${OID4VCI_PATHS.credential}`
  }

  /** Credential issuer metadata (section 12.2). */
  metadata(): Record<string, unknown> {
    return {
      credential_issuer: this.id,
      // Omitted would mean the same; said for clients that look for it.
      authorization_servers: [this.id],
      credential_endpoint: this.credentialEndpoint,
      nonce_endpoint: `${this.id}${OID4VCI_PATHS.nonce}`,
      credential_configurations_supported: {
        [ENTITLEMENT_CONFIGURATION]: configuration('jwt_vc_json', 'VC Data Model 1.1, VC-JWT'),
        [ENTITLEMENT_CONFIGURATION_VC2]: configuration('vc+jwt', 'VC Data Model 2.0, VC-JOSE-COSE'),
      },
      display: [{ name: 'agentid issuer', locale: 'en' }],
      agentid_issuer_did: this.#issuer.did,
    }
  }

  /** A fresh `c_nonce` (section 7): its time and randomness, MACed, so nothing is stored until it is used. */
  nonce(): { c_nonce: string } {
    const body = `${Math.floor(this.#now() / 1000).toString(36)}.${randomBytes(12).toString('base64url')}`
    return { c_nonce: `${body}.${this.#mac(body)}` }
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#nonceKey).update(text).digest('base64url').slice(0, 27)
  }

  /**
   * The pre-authorized code grant, at the token endpoint, once the DPoP proof checked out (`holder`
   * is its key's DID): redeems the code once, for the agent it was made for.
   * @throws AgentIdError ERR_OFFER_INVALID, ERR_TX_CODE, ERR_STORE
   */
  async redeem(params: ReadonlyMap<string, string>, holder: string): Promise<CredentialGrant> {
    const code = params.get('pre-authorized_code')
    if (code === undefined || code.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'pre-authorized_code is required')
    const txCode = params.get('tx_code')
    const redemption = await this.#issuer.store.redeemOffer(sha256(code), txCode === undefined ? undefined : sha256(txCode), {
      now: this.#now(), maxAttempts: MAX_OFFER_ATTEMPTS, holder,
      audit: (offer) => ({ actor: holder, action: 'credential.offer.redeem', target: offer.subject, details: { credentials: offer.credentials, codeSha256: offer.codeSha256 } }),
    })
    switch (redemption.outcome) {
      case 'redeemed':
        return { agent: holder, credentials: redemption.offer.credentials }
      case 'tx-code':
        throw agentIdError('ERR_TX_CODE', `the transaction code is wrong (${MAX_OFFER_ATTEMPTS - redemption.offer!.failedAttempts - 1} attempts left)`)
      // Section 6.3: a transaction code missing, or sent where none was asked, is a malformed
      // request, not a guess: it counts no attempt.
      case 'tx-code-missing':
        throw new TokenRequestRefusal('invalid_request', agentIdError('ERR_TX_CODE', 'this offer needs its transaction code (tx_code)'))
      case 'tx-code-unexpected':
        throw new TokenRequestRefusal('invalid_request', agentIdError('ERR_INPUT_INVALID', 'this offer has no transaction code: send no tx_code'))
      case 'holder':
        throw agentIdError('ERR_OFFER_INVALID', 'this offer is for another agent: redeem it with the DPoP key of the agent it names')
      default:
        throw agentIdError('ERR_OFFER_INVALID', `the pre-authorized code is ${redemption.outcome === 'unknown' ? 'not known' : redemption.outcome === 'burnt' ? 'burnt by wrong transaction codes' : redemption.outcome}`)
    }
  }

  /**
   * What the jwt-bearer grant gives an agent asking for `openid_credential`: every grant of its
   * own that it can get a current credential of (live, or renewable in its window).
   */
  async ownGrants(agent: string): Promise<CredentialGrant> {
    const nowSeconds = Math.floor(this.#now() / 1000)
    // The newest credential of each grant; those that can still give a current credential.
    const heads = await this.#issuer.store.listCredentials({ subject: agent, latestOfGrant: true })
    const usable = heads.filter((r) => r.status === 'active' && (r.expires > nowSeconds || (r.renewUntil ?? 0) > nowSeconds))
    if (usable.length > 0) return { agent, credentials: usable.slice(-MAX_OFFER_CREDENTIALS).map((r) => r.id) }
    // Nothing: say why, by the most recent grant.
    const last = heads.at(-1)
    if (last?.status === 'revoked') throw agentIdError('ERR_VC_REVOKED', `credential ${last.id}, ${agent}'s most recent, is revoked`)
    if (last?.status === 'suspended') throw agentIdError('ERR_VC_SUSPENDED', `credential ${last.id}, ${agent}'s most recent, is suspended`)
    if (last) throw agentIdError('ERR_NOT_RENEWABLE', `${agent}'s credentials have expired and their approved windows have ended; ask for access again`)
    throw agentIdError('ERR_NOT_ENTITLED', `${agent} holds no credential of this issuer`)
  }

  /** The access token for the credential endpoint (RFC 9068 shape, `openid_credential` details). */
  async accessToken(grant: CredentialGrant, jkt: string): Promise<{ token: string; expiresIn: number; details: Record<string, unknown>[] }> {
    const nowSeconds = Math.floor(this.#now() / 1000)
    // One detail per configuration: a grant is delivered, and renewed, in the format it was issued in.
    const byConfiguration = new Map<string, string[]>()
    for (const id of grant.credentials) {
      const configuration = configurationOf(vcFormatOf(await this.#issuer.store.getCredentialJwt(id), this.#issuer.credentialFormat))
      byConfiguration.set(configuration, [...(byConfiguration.get(configuration) ?? []), id])
    }
    const details = [...byConfiguration].map(([configuration, ids]) => ({ type: OPENID_CREDENTIAL, credential_configuration_id: configuration, credential_identifiers: ids }))
    const token = await this.#issuer.signJwt(ACCESS_TOKEN_TYPE, {
      iss: this.id, sub: grant.agent, aud: this.id, client_id: grant.agent, iat: nowSeconds, exp: nowSeconds + TOKEN_LIFETIME,
      jti: randomBytes(16).toString('base64url'), cnf: { jkt }, authorization_details: details,
    })
    return { token, expiresIn: TOKEN_LIFETIME, details }
  }

  /**
   * The credential endpoint (section 8): the access token (`Authorization: DPoP`), its DPoP proof,
   * and a request naming one `credential_identifier` of the token with one `jwt` key proof.
   * Answers the current credential of that grant (see {@link Issuer.currentCredential}).
   */
  async credential(authorization: string | undefined, dpop: string | undefined, body: unknown): Promise<{ agent: string; credential: string; id: string; renewed: boolean }> {
    const nowSeconds = Math.floor(this.#now() / 1000)
    const token = step('invalid_token', 401, () => {
      if (authorization === undefined || !authorization.startsWith('DPoP ')) throw agentIdError('ERR_UNAUTHORIZED', 'send the access token as Authorization: DPoP <token> (from the token endpoint)')
      return authorization.slice(5).trim()
    })
    const grant = step('invalid_token', 401, () => this.#checkToken(token, nowSeconds))
    const known = { agent: grant.agent }
    try {
      const dpopProof = step('invalid_dpop_proof', 401, () => {
        const nonce = this.#dpopNonce()
        const proof = checkDpopProof(dpop, { method: 'POST', url: this.credentialEndpoint, nowSeconds, accessToken: token, replay: this.#proofs, ...(nonce ? { nonce } : {}) })
        if (proof.jkt !== grant.jkt) throw agentIdError('ERR_DPOP_PROOF', 'the DPoP proof is not by the key the token is bound to')
        return proof
      })
      await stepAsync('invalid_dpop_proof', 401, () => spendDpopProof(this.#issuer, dpopProof, nowSeconds))
      const { id, proof } = step('invalid_credential_request', 400, () => parseCredentialRequest(body, grant.credentials))
      if (!grant.credentials.includes(id)) throw new CredentialRequestError('unknown_credential_identifier', agentIdError('ERR_NOT_FOUND', `${id} is not a credential_identifier of this access token`))
      const nonce = step('invalid_proof', 400, () => this.#checkKeyProof(proof, grant.agent, nowSeconds))
      await stepAsync('invalid_proof', 400, () => this.#issuer.useOnce(`c-nonce:${nonce.value}`, nonce.until, 'ERR_PROOF_NONCE', 'this c_nonce was used already'))
      const current = await this.#issuer.currentCredential(id, grant.agent).catch((error: unknown) => {
        throw isAgentIdError(error) && error.code !== 'ERR_STORE' ? new CredentialRequestError('credential_request_denied', error) : error
      })
      return { agent: grant.agent, credential: current.jwt, id: current.id, renewed: current.renewed }
    } catch (error) {
      if (error instanceof CredentialRequestError) error.agent ??= known.agent
      throw error
    }
  }

  #checkToken(token: string, nowSeconds: number): CredentialGrant & { readonly jkt: string } {
    const decoded = decodeJwt(token, TOKEN_LIMITS, 'access token')
    if (decoded.header.typ !== ACCESS_TOKEN_TYPE) throw agentIdError('ERR_TOKEN_INVALID', `access token typ must be ${ACCESS_TOKEN_TYPE}`)
    if (!jwtSignatureValid(decoded, resolveDidKey(this.#issuer.did))) throw agentIdError('ERR_TOKEN_INVALID', 'access token signature does not verify')
    const p = decoded.payload
    if (p.iss !== this.id || p.aud !== this.id) throw agentIdError('ERR_TOKEN_INVALID', 'the access token is not for this credential issuer')
    if (!Number.isSafeInteger(p.exp) || (p.exp as number) <= nowSeconds) throw agentIdError('ERR_TOKEN_INVALID', 'the access token has expired')
    const details = p.authorization_details
    const cnf = p.cnf as { jkt?: unknown } | undefined
    // A resource server's token for the same URL carries entitlements, never this detail.
    const all = Array.isArray(details) && details.length > 0 ? details as Array<Record<string, unknown>> : undefined
    if (!all || !all.every((d) => d.type === OPENID_CREDENTIAL && Array.isArray(d.credential_identifiers)) || typeof p.client_id !== 'string' || typeof cnf?.jkt !== 'string') {
      throw agentIdError('ERR_TOKEN_INVALID', 'the access token is not for credential requests')
    }
    return { agent: p.client_id, jkt: cnf.jkt, credentials: all.flatMap((d) => (d.credential_identifiers as unknown[]).filter((i): i is string => typeof i === 'string')) }
  }

  // Appendix F.1: typ, EdDSA, the subject's did:key as kid, this issuer as aud, a fresh c_nonce once.
  #checkKeyProof(proof: string, agent: string, nowSeconds: number): SpentNonce {
    const decoded = decodeJwt(proof, PROOF_LIMITS, 'key proof')
    if (decoded.header.typ !== PROOF_TYPE) throw agentIdError('ERR_PROOF_INVALID', `key proof typ must be ${PROOF_TYPE}`)
    if (decoded.header.kid === undefined) throw agentIdError('ERR_PROOF_INVALID', 'key proof must name its key: kid = the agent\'s did:key verification method')
    const key = resolveKeyId(decoded.header.kid)
    if (key.did !== agent) throw agentIdError('ERR_PROOF_INVALID', 'the key proof is not signed with the key of the agent the token is for')
    if (!jwtSignatureValid(decoded, key)) throw agentIdError('ERR_PROOF_INVALID', 'key proof signature does not verify')
    const p = decoded.payload
    if (p.iss !== undefined && p.iss !== agent) throw agentIdError('ERR_PROOF_INVALID', 'key proof "iss", when given, must be the agent (its client_id)')
    if (p.aud !== this.id) throw agentIdError('ERR_PROOF_INVALID', `key proof "aud" must be ${this.id}`)
    if (!Number.isSafeInteger(p.iat)) throw agentIdError('ERR_PROOF_INVALID', 'key proof "iat" is required, in whole seconds')
    if ((p.iat as number) > nowSeconds + CLOCK_TOLERANCE || (p.iat as number) < nowSeconds - PROOF_MAX_AGE) throw agentIdError('ERR_PROOF_INVALID', 'key proof "iat" is not recent')
    if (p.exp !== undefined && (!Number.isSafeInteger(p.exp) || (p.exp as number) <= nowSeconds - CLOCK_TOLERANCE)) throw agentIdError('ERR_PROOF_INVALID', 'key proof has expired')
    return this.#useNonce(p.nonce, nowSeconds)
  }

  // Checks a c_nonce and spends it here; the caller spends it at every replica (useOnce).
  #useNonce(nonce: unknown, nowSeconds: number): SpentNonce {
    // Section 8.3.1.2: no nonce at all is an invalid proof; a wrong or stale one, an invalid nonce.
    if (nonce === undefined) throw agentIdError('ERR_PROOF_INVALID', 'key proof "nonce" is required: a c_nonce from the nonce endpoint')
    if (typeof nonce !== 'string' || nonce.length > 64) throw agentIdError('ERR_PROOF_NONCE', 'key proof "nonce" must be a c_nonce from the nonce endpoint')
    const [t, random, mac, extra] = nonce.split('.')
    const issued = t !== undefined && /^[0-9a-z]{1,11}$/.test(t) ? parseInt(t, 36) : NaN
    if (extra !== undefined || mac === undefined || !Number.isSafeInteger(issued) || this.#mac(`${t}.${random}`) !== mac) throw agentIdError('ERR_PROOF_NONCE', 'key proof "nonce" is not a c_nonce of this issuer')
    if (issued > nowSeconds + CLOCK_TOLERANCE || issued + NONCE_LIFETIME <= nowSeconds) throw agentIdError('ERR_PROOF_NONCE', 'the c_nonce is stale: get a fresh one from the nonce endpoint')
    const used = this.#nonces.reserve(nonce, (issued + NONCE_LIFETIME + CLOCK_TOLERANCE) * 1000, nowSeconds * 1000)
    if (used !== 'ok') throw agentIdError('ERR_PROOF_NONCE', used === 'replay' ? 'this c_nonce was used already' : 'too many nonces in flight; retry in a moment')
    return { value: nonce, until: (issued + NONCE_LIFETIME + CLOCK_TOLERANCE) * 1000 }
  }
}

// Section 8.2: one credential_identifier (the token's), one jwt proof. Parameters it does not know
// are ignored, as the section asks; `proof` (the drafts') and response encryption are refused.
// A credential_configuration_id alone stands for the token's one identifier, when it has exactly
// one: some wallets (oid4vc-ts 0.4) send nothing else.
function parseCredentialRequest(body: unknown, identifiers: readonly string[]): { id: string; proof: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw agentIdError('ERR_INPUT_INVALID', 'the credential request must be a JSON object')
  const b = body as Record<string, unknown>
  if (b.proof !== undefined) throw agentIdError('ERR_INPUT_INVALID', 'send "proofs": OpenID4VCI 1.0 has no "proof"')
  if (b.credential_response_encryption !== undefined) throw new CredentialRequestError('invalid_encryption_parameters', agentIdError('ERR_INPUT_INVALID', 'credential responses are not encrypted by this issuer'))
  let id = b.credential_identifier
  if (id === undefined && b.credential_configuration_id !== undefined) {
    if (!isConfiguration(b.credential_configuration_id)) throw new CredentialRequestError('unknown_credential_configuration', agentIdError('ERR_NOT_FOUND', `the credential configurations of this issuer are ${ENTITLEMENT_CONFIGURATION} and ${ENTITLEMENT_CONFIGURATION_VC2}`))
    if (identifiers.length !== 1) throw agentIdError('ERR_INPUT_INVALID', 'send credential_identifier: the token names several grants')
    id = identifiers[0]
  } else if (b.credential_configuration_id !== undefined) {
    throw agentIdError('ERR_INPUT_INVALID', 'send credential_identifier or credential_configuration_id, not both')
  }
  if (typeof id !== 'string' || id.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'credential_identifier is required')
  const proofs = b.proofs as Record<string, unknown> | undefined
  if (typeof proofs !== 'object' || proofs === null || Array.isArray(proofs) || Object.keys(proofs).join() !== 'jwt' || !Array.isArray(proofs.jwt) || proofs.jwt.length !== 1 || typeof proofs.jwt[0] !== 'string') {
    throw agentIdError('ERR_PROOF_INVALID', 'proofs must be { "jwt": [ one key proof ] }: the credential is bound to the agent\'s did:key')
  }
  return { id, proof: proofs.jwt[0] }
}

/** A c_nonce spent at this replica, and until when it must be remembered. */
interface SpentNonce {
  readonly value: string
  readonly until: number
}

async function stepAsync<T>(error: string, status: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (cause) {
    return step(error, status, () => {
      throw cause
    })
  }
}

function step<T>(error: string, status: number, run: () => T): T {
  try {
    return run()
  } catch (cause) {
    if (cause instanceof CredentialRequestError) throw cause
    if (isAgentIdError(cause)) {
      // Proof problems keep their own OpenID4VCI codes, wherever they surface.
      const code = cause.code === 'ERR_PROOF_NONCE' ? 'invalid_nonce' : cause.code === 'ERR_PROOF_INVALID' ? 'invalid_proof' : cause.code === 'ERR_DPOP_NONCE' ? 'use_dpop_nonce' : error
      throw new CredentialRequestError(code, cause, status)
    }
    throw cause
  }
}

// One credential configuration of the entitlement credential (section 12.2.4, Appendix A.1.1).
function configuration(format: string, name: string): Record<string, unknown> {
  return {
    format,
    cryptographic_binding_methods_supported: ['did:key'],
    credential_signing_alg_values_supported: ['EdDSA'],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } },
    credential_definition: { type: ['VerifiableCredential', 'AgentEntitlementCredential'] },
    credential_metadata: { display: [{ name: `agentid entitlement credential (${name})`, locale: 'en' }] },
  }
}
