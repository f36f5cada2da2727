import { hash } from 'node:crypto'
import {
  agentIdError,
  decodeBase64url,
  didKeyFromPublicKey,
  ENTITLEMENT_VCT,
  KB_JWT_TYPE,
  parseAgentKind,
  parseAgentName,
  parseApprovals,
  parseEntitlement,
  parseOwner,
  parseSegment,
  parseStrictJson,
  parseTaskRef,
  RISK_LEVELS,
  SD_JWT_BITSTRING_STATUS,
  SD_JWT_DIGEST_ALG,
  SD_JWT_VC_TYPE,
  type AgentKind,
  type ApprovalEvidence,
  type Entitlement,
  type RiskLevel,
  type TaskRef,
} from '@agentid/core'
import { resolveDidKey, resolveKeyId, type ResolvedKey } from '../crypto/ed25519.js'
import { decodeJwtWithHeader, jwtSignatureValid } from '../jws/decode-jwt.js'
import { numericDate } from '../jws/time-claims.js'
import type { CheckedCredentialFields, CredentialStatusEntry } from '../credential/verify-credential.js'
import { MAX_PRESENTATION_LIFETIME } from '../presentation/verify-presentation.js'
import { BoundedCache } from '../internal/bounded-cache.js'
import { resolveDisclosures } from './disclosures.js'

/** The agent's descriptive fields as disclosed: `kind` is always shown, the rest only when disclosed. */
export interface DisclosedAgentProfile {
  readonly kind: AgentKind
  readonly name?: string
  readonly owner?: string
  readonly segment?: string
}

/** What an SD-JWT VC entitlement credential says, limited to what the holder disclosed. */
export interface DisclosedEntitlementSubject {
  readonly agent: DisclosedAgentProfile
  /** Only the disclosed entitlements: an undisclosed one is unknown to the verifier. */
  readonly entitlements: readonly Entitlement[]
  readonly task?: TaskRef
  readonly risk?: RiskLevel
  readonly approvals?: readonly ApprovalEvidence[]
}

/** An SD-JWT VC entitlement credential whose signature, disclosures and shape have been checked. */
export interface VerifiedSdJwtCredential extends CheckedCredentialFields {
  readonly kind: 'entitlement'
  readonly format: typeof SD_JWT_VC_TYPE
  /** Its subject's key is `cnf.jwk`; `jwt` is `<issuer-signed JWT>~<disclosure>~…~`. */
  readonly claims: DisclosedEntitlementSubject
}

/** An SD-JWT VC presentation whose every part has been checked but trust, time and status. */
export interface CheckedSdJwtPresentation {
  readonly credential: VerifiedSdJwtCredential
  readonly holder: string
  readonly nonce: string
  /** When the replay entry may be forgotten, seconds. */
  readonly expires: number
  /** The KB-JWT signature (base64): unique to this presentation, the key of the replay cache. */
  readonly replayKey: string
}

/** Caps applied before anything is decoded. */
export const SD_JWT_LIMITS = { maxLength: 64 * 1024, issuerJwtLength: 16 * 1024, kbJwtLength: 2048, maxDepth: 12 } as const

// SD-JWT VC draft, section 3.2.2.2: these are never selectively disclosed. `sub` and `iat` may be,
// but agentid's holder binding and ids need them in the clear, so they are refused too.
const NEVER_DISCLOSED = new Set(['iss', 'sub', 'nbf', 'exp', 'iat', 'jti', 'cnf', 'vct', 'vct#integrity', 'status'])

// Every token of one signer carries the same header text, and every credential of one agent the
// same cnf key: both are kept once checked (bounded), as decode-jwt keeps checked headers.
const checkedHeaders = new BoundedCache<string, { kid?: string }>(1024)
const confirmationKeys = new BoundedCache<string, ResolvedKey>(4096)

function readHeader(text: string, typ: string, allowKid: boolean, what: string): { kid?: string } {
  const key = `${typ}\u0000${text}`
  const known = checkedHeaders.get(key)
  if (known !== undefined) return known
  const checked = Object.freeze(readHeaderUncached(text, typ, allowKid, what))
  checkedHeaders.set(key, checked)
  return checked
}

function readHeaderUncached(text: string, typ: string, allowKid: boolean, what: string): { kid?: string } {
  const header = parseStrictJson(text, { maxLength: 1024, maxDepth: 2 }, 'ERR_JWS_MALFORMED', `${what} header`)
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw agentIdError('ERR_JWS_MALFORMED', `${what} header must be a JSON object`)
  const h = header as Record<string, unknown>
  if (h.alg !== 'EdDSA') throw agentIdError('ERR_JWS_ALG', `${what} alg must be EdDSA, not ${JSON.stringify(h.alg) ?? 'missing'}`)
  for (const name of Object.keys(h)) {
    if (name !== 'alg' && name !== 'typ' && !(allowKid && name === 'kid')) throw agentIdError('ERR_JWS_HEADER', `${what} header member "${name}" is not accepted`)
  }
  // Explicit typing is what keeps an SD-JWT VC, a KB-JWT and a VC-JWT apart (RFC 9901, section 9.9).
  if (h.typ !== typ) throw agentIdError('ERR_TYPE_CONFUSION', `${what} typ must be ${typ}, not ${JSON.stringify(h.typ) ?? 'missing'}`)
  if (h.kid !== undefined && typeof h.kid !== 'string') throw agentIdError('ERR_JWS_HEADER', `${what} kid must be a string`)
  return h.kid === undefined ? {} : { kid: h.kid }
}

// cnf.jwk: an Ed25519 OKP key and nothing else, turned into the did:key it is (checked for weak keys).
function confirmationKey(cnf: unknown): ResolvedKey {
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) throw agentIdError('ERR_VP_HOLDER_BINDING', 'SD-JWT VC "cnf" with the holder\'s key is required')
  const c = cnf as Record<string, unknown>
  const jwk = c.jwk
  if (Object.keys(c).length !== 1 || typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw agentIdError('ERR_VP_HOLDER_BINDING', '"cnf" must hold exactly one member, "jwk"')
  const k = jwk as Record<string, unknown>
  for (const name of Object.keys(k)) if (name !== 'kty' && name !== 'crv' && name !== 'x') throw agentIdError('ERR_VP_HOLDER_BINDING', `"cnf.jwk" member "${name}" is not accepted`)
  if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string') throw agentIdError('ERR_VP_HOLDER_BINDING', '"cnf.jwk" must be an Ed25519 OKP key')
  const known = confirmationKeys.get(k.x)
  if (known !== undefined) return known
  const x = decodeBase64url(k.x, 'ERR_VP_HOLDER_BINDING', 'cnf.jwk.x')
  if (x.length !== 32) throw agentIdError('ERR_VP_HOLDER_BINDING', '"cnf.jwk.x" must be 32 bytes')
  const resolved = resolveDidKey(didKeyFromPublicKey(x).did)
  confirmationKeys.set(k.x, resolved)
  return resolved
}

function parseStatusClaim(value: unknown): CredentialStatusEntry[] {
  if (value === undefined) return []
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', 'SD-JWT VC "status" must be an object')
  const members = Object.keys(value)
  // A mechanism this verifier cannot check (Token Status List's `status_list`) fails closed.
  if (members.length !== 1 || members[0] !== SD_JWT_BITSTRING_STATUS) {
    throw agentIdError('ERR_STATUS_UNAVAILABLE', `SD-JWT VC "status" must carry only "${SD_JWT_BITSTRING_STATUS}"; ${members.join(', ')} cannot be checked here`)
  }
  const entries = (value as Record<string, unknown>)[SD_JWT_BITSTRING_STATUS]
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > 4) throw agentIdError('ERR_INPUT_INVALID', `status.${SD_JWT_BITSTRING_STATUS} must hold 1 to 4 entries`)
  return entries.map((entry, i) => {
    const e = entry as Record<string, unknown>
    if (typeof e !== 'object' || e === null || e.type !== 'BitstringStatusListEntry' || typeof e.statusPurpose !== 'string' ||
      typeof e.statusListIndex !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(e.statusListIndex) || typeof e.statusListCredential !== 'string') {
      throw agentIdError('ERR_INPUT_INVALID', `status.${SD_JWT_BITSTRING_STATUS}[${i}] must be a BitstringStatusListEntry with statusPurpose, statusListIndex (decimal string) and statusListCredential`)
    }
    return e as unknown as CredentialStatusEntry
  })
}

function parseDisclosedSubject(claims: Record<string, unknown>): DisclosedEntitlementSubject {
  const agent = claims.agent
  if (typeof agent !== 'object' || agent === null || Array.isArray(agent)) throw agentIdError('ERR_INPUT_INVALID', '"agent" must be an object')
  const a = agent as Record<string, unknown>
  const profile: { -readonly [K in keyof DisclosedAgentProfile]: DisclosedAgentProfile[K] } = { kind: parseAgentKind(a.kind, 'agent.kind') }
  if (a.name !== undefined) profile.name = parseAgentName(a.name, 'agent.name')
  if (a.owner !== undefined) profile.owner = parseOwner(a.owner, 'agent.owner')
  if (a.segment !== undefined) profile.segment = parseSegment(a.segment, 'agent.segment')
  // After selective disclosure the list may be empty: nothing is granted, which is allowed.
  const list = claims.entitlements
  if (!Array.isArray(list) || list.length > 64) throw agentIdError('ERR_INPUT_INVALID', '"entitlements" must be a list of at most 64 entitlements')
  const out: { -readonly [K in keyof DisclosedEntitlementSubject]: DisclosedEntitlementSubject[K] } = {
    agent: profile,
    entitlements: list.map((e, i) => parseEntitlement(e, `entitlements[${i}]`, { allowUnknownConstraints: true })),
  }
  if (claims.task !== undefined) out.task = parseTaskRef(claims.task, 'task')
  if (claims.risk !== undefined) {
    if (typeof claims.risk !== 'string' || !(RISK_LEVELS as readonly string[]).includes(claims.risk)) throw agentIdError('ERR_INPUT_INVALID', `"risk" must be one of ${RISK_LEVELS.join(', ')}`)
    out.risk = claims.risk as RiskLevel
  }
  if (claims.approvals !== undefined) out.approvals = parseApprovals(claims.approvals, 'approvals')
  return out
}

// Splits `<issuer-signed JWT>~<disclosure>~…~<KB-JWT or nothing>` under the length cap.
function split(token: unknown, what: string): { parts: string[]; last: string; presented: string } {
  if (typeof token !== 'string') throw agentIdError('ERR_JWS_MALFORMED', `${what} must be a string`)
  if (token.length > SD_JWT_LIMITS.maxLength) throw agentIdError('ERR_JWS_MALFORMED', `${what} is longer than ${SD_JWT_LIMITS.maxLength} characters`)
  const parts = token.split('~')
  if (parts.length < 2) throw agentIdError('ERR_JWS_MALFORMED', 'an SD-JWT is "<issuer-signed JWT>~<disclosures>~<KB-JWT>"')
  const last = parts[parts.length - 1]!
  return { parts, last, presented: token.slice(0, token.length - last.length) }
}

// The issuer-signed JWT and the claims it carries: everything but the disclosures' contents.
function checkIssuerSigned(jwt: string) {
  // Its signature holds before any claim or disclosure is looked at.
  const issued = decodeJwtWithHeader(jwt, { maxLength: SD_JWT_LIMITS.issuerJwtLength, maxDepth: SD_JWT_LIMITS.maxDepth }, 'SD-JWT VC', (text) => readHeader(text, SD_JWT_VC_TYPE, true, 'SD-JWT VC'))
  const payload = issued.payload
  if (typeof payload.iss !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'SD-JWT VC "iss" is required')
  const issuerKey = resolveDidKey(payload.iss)
  if (issued.header.kid !== undefined && resolveKeyId(issued.header.kid).did !== issuerKey.did) throw agentIdError('ERR_JWS_HEADER', 'SD-JWT VC kid does not belong to iss')
  if (!jwtSignatureValid(issued, issuerKey)) throw agentIdError('ERR_SIGNATURE', 'SD-JWT VC signature does not verify')

  if (payload.vct !== ENTITLEMENT_VCT) throw agentIdError('ERR_TYPE_CONFUSION', `SD-JWT VC vct must be ${ENTITLEMENT_VCT}`)
  // RFC 9901, section 4.1.1: absent means sha-256; agentid accepts no other.
  if (payload._sd_alg !== undefined && payload._sd_alg !== SD_JWT_DIGEST_ALG) throw agentIdError('ERR_SD_JWT_DISCLOSURE', `_sd_alg must be ${SD_JWT_DIGEST_ALG}`)
  const holderKey = confirmationKey(payload.cnf)
  if (typeof payload.sub !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'SD-JWT VC "sub" (the agent) is required')
  const subject = resolveDidKey(payload.sub).did
  if (subject !== holderKey.did) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'SD-JWT VC cnf.jwk is not the key of sub')
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'SD-JWT VC "jti" (its id) is required')
  const expires = numericDate(payload, 'exp', 'SD-JWT VC', true)
  const notBefore = numericDate(payload, 'nbf', 'SD-JWT VC', false)
  numericDate(payload, 'iat', 'SD-JWT VC', false)
  if (notBefore !== undefined && notBefore >= expires) throw agentIdError('ERR_INPUT_INVALID', 'SD-JWT VC nbf is not before exp')
  const status = parseStatusClaim(payload.status)
  return { payload, id: payload.jti, issuer: issuerKey.did, subject, holderKey, expires, notBefore, status }
}

function disclosed(issued: ReturnType<typeof checkIssuerSigned>, disclosures: readonly string[], presented: string): VerifiedSdJwtCredential {
  const { claims } = resolveDisclosures(issued.payload, disclosures, NEVER_DISCLOSED)
  const subjectClaims = parseDisclosedSubject(claims)
  return {
    kind: 'entitlement', format: SD_JWT_VC_TYPE, id: issued.id, issuer: issued.issuer, subject: issued.subject, expires: issued.expires,
    ...(issued.notBefore !== undefined ? { notBefore: issued.notBefore } : {}),
    entitlements: subjectClaims.entitlements, status: issued.status, claims: subjectClaims, jwt: presented,
  }
}

/**
 * Checks an SD-JWT VC entitlement credential as issued (`<issuer-signed JWT>~<disclosure>~…~`, no
 * Key Binding JWT): what the issuer checks before handing it out, and a holder on receipt. Same
 * rules as {@link checkSdJwtPresentation} but Key Binding; trust, time and status are the caller's.
 * @throws AgentIdError as checkSdJwtPresentation, ERR_INPUT_INVALID when a KB-JWT is attached
 */
export function checkSdJwtCredential(sdJwt: unknown): VerifiedSdJwtCredential {
  const { parts, last, presented } = split(sdJwt, 'SD-JWT VC')
  if (last !== '') throw agentIdError('ERR_INPUT_INVALID', 'an SD-JWT VC as issued ends with "~" and carries no Key Binding JWT')
  return disclosed(checkIssuerSigned(parts[0]!), parts.slice(1, -1), presented)
}

/**
 * Checks an SD-JWT VC entitlement credential presented with Key Binding
 * (`<issuer-signed JWT>~<disclosure>~…~<KB-JWT>`; RFC 9901, sections 4 and 7.1 to 7.3; SD-JWT VC
 * draft, section 3): the issuer-signed JWT under agentid's strict JWS rules with `typ`
 * `dc+sd-jwt`, `iss` an Ed25519 did:key (and `kid` its key), `vct` agentid's entitlement type,
 * `_sd_alg` sha-256, `cnf.jwk` the key of `sub`; the disclosures strictly
 * ({@link resolveDisclosures}); a KB-JWT (`kb+jwt`) signed by `cnf.jwk`, for `audience`, with a
 * nonce, a fresh `iat` and the `sd_hash` of exactly what precedes it. Trust, credential time,
 * status and the challenge are the caller's checks.
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_TYPE_CONFUSION,
 *   ERR_SD_JWT_DISCLOSURE, ERR_VP_HOLDER_BINDING, ERR_VP_AUDIENCE, ERR_VP_NONCE, ERR_VP_EXPIRED,
 *   ERR_VC_CLAIMS_MISMATCH, ERR_STATUS_UNAVAILABLE, ERR_INPUT_INVALID
 */
export function checkSdJwtPresentation(token: unknown, audience: string, nowSec: number, toleranceSec: number): CheckedSdJwtPresentation {
  const { parts, last: kbJwt, presented } = split(token, 'SD-JWT presentation')
  if (kbJwt === '') throw agentIdError('ERR_VP_HOLDER_BINDING', 'SD-JWT presentation has no Key Binding JWT')
  const issued = checkIssuerSigned(parts[0]!)
  const holderKey = issued.holderKey

  // Key Binding before the disclosures' contents are used (RFC 9901, section 7.3).
  const kb = decodeJwtWithHeader(kbJwt, { maxLength: SD_JWT_LIMITS.kbJwtLength, maxDepth: 2 }, 'Key Binding JWT', (text) => readHeader(text, KB_JWT_TYPE, false, 'Key Binding JWT'))
  if (!jwtSignatureValid(kb, holderKey)) throw agentIdError('ERR_VP_HOLDER_BINDING', 'Key Binding JWT is not signed by the key in cnf')
  const sdHash = hash('sha256', presented, 'base64url')
  if (kb.payload.sd_hash !== sdHash) throw agentIdError('ERR_VP_HOLDER_BINDING', 'Key Binding JWT sd_hash does not cover this SD-JWT and its disclosures')
  const aud = Array.isArray(kb.payload.aud) && kb.payload.aud.length === 1 ? kb.payload.aud[0] : kb.payload.aud
  if (typeof aud !== 'string') throw agentIdError('ERR_VP_AUDIENCE', 'Key Binding JWT must name exactly one audience')
  if (aud !== audience) throw agentIdError('ERR_VP_AUDIENCE', 'Key Binding JWT is addressed to another verifier')
  if (typeof kb.payload.nonce !== 'string' || kb.payload.nonce.length === 0) throw agentIdError('ERR_VP_NONCE', 'Key Binding JWT has no nonce')
  const issuedAt = numericDate(kb.payload, 'iat', 'Key Binding JWT', true)
  // A KB-JWT answers one challenge: it is as short-lived as a VP-JWT.
  let kbExpires = issuedAt + MAX_PRESENTATION_LIFETIME
  const kbExp = numericDate(kb.payload, 'exp', 'Key Binding JWT', false)
  if (kbExp !== undefined) {
    if (kbExp - issuedAt > MAX_PRESENTATION_LIFETIME) throw agentIdError('ERR_VP_EXPIRED', `Key Binding JWT may live at most ${MAX_PRESENTATION_LIFETIME} seconds`)
    kbExpires = kbExp
  }
  if (nowSec >= kbExpires + toleranceSec) throw agentIdError('ERR_VP_EXPIRED', 'Key Binding JWT has expired')
  if (nowSec < issuedAt - toleranceSec) throw agentIdError('ERR_VP_EXPIRED', 'Key Binding JWT is issued in the future')

  const credential = disclosed(issued, parts.slice(1, -1), presented)
  return { credential, holder: holderKey.did, nonce: kb.payload.nonce, expires: kbExpires, replayKey: kb.signature.toString('base64') }
}

/** True when `token` has the shape of an SD-JWT (a `~` never occurs in a compact JWS). */
export function isSdJwt(token: unknown): token is string {
  return typeof token === 'string' && token.includes('~')
}
