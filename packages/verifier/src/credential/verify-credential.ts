import {
  agentIdError,
  DELEGATION_CREDENTIAL_TYPE,
  ENTITLEMENT_CREDENTIAL_TYPE,
  parseDelegationSubject,
  parseEntitlementSubject,
  type DelegationSubject,
  type Entitlement,
  type EntitlementSubject,
} from '@agentid/core'
import { resolveDidKey } from '../crypto/ed25519.js'
import { decodeJwt, type DecodedJwt, type JwtLimits } from '../jws/decode-jwt.js'
import { envelope, formatOf, securedDocument, verifyDecodedJwt, verifySecuredJwt, type VcFormat } from '../jws/verify-jwt.js'
import { numericDate } from '../jws/time-claims.js'
import { checkDateClaim, dateTimeSeconds } from './date-claims.js'

/** A `credentialStatus` entry (Bitstring Status List v1.0, section 2.1). */
export interface CredentialStatusEntry {
  readonly id?: string
  readonly type: string
  readonly statusPurpose: string
  readonly statusListIndex: string
  readonly statusListCredential: string
  /** Bits per entry; only 1 is supported (absent means 1). */
  readonly statusSize?: number
}

/** What every checked credential has, whatever its kind and format (SD-JWT VC included). */
export interface CheckedCredentialFields {
  /** `jti` (VC 1.1, SD-JWT VC) or `id` (VC 2.0): the credential id (`urn:uuid:…`). */
  readonly id: string
  readonly issuer: string
  /** The agent the credential was issued to (`sub`). */
  readonly subject: string
  readonly notBefore?: number
  /** Expiry, seconds since epoch. */
  readonly expires: number
  /** What the credential grants its subject. */
  readonly entitlements: readonly Entitlement[]
  readonly status: readonly CredentialStatusEntry[]
  /** The VC-JWT itself (an SD-JWT VC: as presented, without its Key Binding JWT). */
  readonly jwt: string
}

/** What every checked VC-JWT credential has, whatever its kind. */
interface CheckedCredentialBase extends CheckedCredentialFields {
  /** VC 1.1 VC-JWT or VC 2.0 secured by VC-JOSE-COSE. */
  readonly format: VcFormat
}

/** An entitlement credential whose signature and shape have been checked (not its time or trust). */
export interface VerifiedCredential extends CheckedCredentialBase {
  readonly kind: 'entitlement'
  readonly claims: EntitlementSubject
}

/** A delegation credential (one link of a chain) whose signature and shape have been checked. */
export interface VerifiedDelegation extends CheckedCredentialBase {
  readonly kind: 'delegation'
  readonly delegation: DelegationSubject
}

/** Either kind of checked credential. */
export type CheckedCredential = VerifiedCredential | VerifiedDelegation

export const CREDENTIAL_LIMITS: JwtLimits = { maxLength: 16 * 1024, maxDepth: 12 }

function stringArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value]
}

function parseStatus(value: unknown): CredentialStatusEntry[] {
  if (value === undefined) return []
  const entries = stringArray(value)
  if (entries.length === 0 || entries.length > 4) throw agentIdError('ERR_INPUT_INVALID', 'credentialStatus must hold 1 to 4 entries')
  return entries.map((entry, i) => {
    const e = entry as Record<string, unknown>
    if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || typeof e.statusPurpose !== 'string' ||
      typeof e.statusListIndex !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(e.statusListIndex) || typeof e.statusListCredential !== 'string') {
      throw agentIdError('ERR_INPUT_INVALID', `credentialStatus[${i}] must have type, statusPurpose, statusListIndex (decimal string) and statusListCredential`)
    }
    return e as unknown as CredentialStatusEntry
  })
}

/**
 * Checks a credential's structure, claims and signature, in either format, each by its own rules
 * (docs/formats.md): a VC 1.1 VC-JWT (section 6.3.1 "JWT decoding": `iss`, `sub`, `jti`, `exp`,
 * `nbf` agree with `vc.issuer`, `vc.credentialSubject.id`, `vc.id`, `vc.expirationDate`,
 * `vc.issuanceDate` where those are present; `exp` is required), or a VC 2.0 credential secured by
 * VC-JOSE-COSE (`typ` `vc+jwt`: the payload is the credential; `validUntil` is required; `iss`,
 * `sub`, `jti`, `exp`, `nbf`, when present, agree with `issuer`, `credentialSubject.id`, `id`,
 * `validUntil`, `validFrom`). An AgentEntitlementCredential, or an AgentDelegationCredential
 * (which must also say when it starts, and carries no status: its chain's root does).
 * Time, trust, status and chains are the caller's checks, because they change while the result
 * of this function does not (so it can be cached: freeze it first).
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_TYPE_CONFUSION,
 *   ERR_VC_CLAIMS_MISMATCH, ERR_INPUT_INVALID
 */
export function checkAnyCredentialJwt(jwt: unknown): CheckedCredential {
  const decoded = decodeJwt(jwt, CREDENTIAL_LIMITS, 'credential')
  return formatOf(decoded, 'vc') === 'vc2.0' ? checkSecuredCredential(decoded) : checkCredential11(decoded)
}

// VC 1.1 VC-JWT: the credential in the `vc` claim, the JWT claims authoritative.
function checkCredential11(decoded: DecodedJwt): CheckedCredential {
  const { payload, signer: issuerKey } = verifyDecodedJwt(decoded, 'credential', 'vc')
  const v = envelope(payload, 'vc', 'credential')
  const isDelegation = delegationType(v)
  if (typeof payload.sub !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'credential "sub" is required')
  const subject = resolveDidKey(payload.sub).did
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'credential "jti" (its id) is required')
  const cs = subjectObject(v)
  const csId = cs.id
  if (csId !== undefined && csId !== subject) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'credentialSubject.id differs from sub')
  const vcIssuer = typeof v.issuer === 'object' && v.issuer !== null ? (v.issuer as Record<string, unknown>).id : v.issuer
  if (v.issuer !== undefined && vcIssuer !== payload.iss) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'vc.issuer differs from iss')
  if (v.id !== undefined && v.id !== payload.jti) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'vc.id differs from jti')

  const expires = numericDate(payload, 'exp', 'credential', true)
  const notBefore = isDelegation ? numericDate(payload, 'nbf', 'delegation', true) : numericDate(payload, 'nbf', 'credential', false)
  numericDate(payload, 'iat', 'credential', false)
  if (notBefore !== undefined && notBefore >= expires) throw agentIdError('ERR_INPUT_INVALID', 'credential nbf is not before exp')
  checkDateClaim(v.expirationDate, expires, 'vc.expirationDate', 'exp')
  checkDateClaim(v.issuanceDate, notBefore, 'vc.issuanceDate', 'nbf')
  checkDateClaim(v.validUntil, expires, 'vc.validUntil', 'exp')
  checkDateClaim(v.validFrom, notBefore, 'vc.validFrom', 'nbf')
  return checked('vc1.1', isDelegation, decoded.token, payload.jti, issuerKey.did, subject, expires, notBefore, cs, v.credentialStatus)
}

// VC 2.0 secured by VC-JOSE-COSE: the payload is the credential; JWT claims, when present, agree.
function checkSecuredCredential(decoded: DecodedJwt): CheckedCredential {
  const { payload: v, signer: issuerKey } = verifySecuredJwt(decoded, 'credential', 'vc')
  securedDocument(v, 'vc', 'credential')
  const isDelegation = delegationType(v)
  const cs = subjectObject(v)
  if (typeof cs.id !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'credentialSubject.id (the agent) is required')
  const subject = resolveDidKey(cs.id).did
  if (v.sub !== undefined && v.sub !== cs.id) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'credential "sub" differs from credentialSubject.id')
  if (typeof v.id !== 'string' || v.id.length === 0 || v.id.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'credential "id" is required')
  if (v.jti !== undefined && v.jti !== v.id) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'credential "jti" differs from its id')
  const expires = validitySeconds(v.validUntil, 'validUntil', 'floor')
  if (expires === undefined) throw agentIdError('ERR_INPUT_INVALID', 'credential "validUntil" is required: every credential expires')
  const notBefore = validitySeconds(v.validFrom, 'validFrom', 'ceil')
  if (isDelegation && notBefore === undefined) throw agentIdError('ERR_INPUT_INVALID', 'delegation "validFrom" is required')
  if (v.exp !== undefined && numericDate(v, 'exp', 'credential', true) !== expires) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'credential "exp" differs from validUntil')
  if (v.nbf !== undefined && numericDate(v, 'nbf', 'credential', true) !== notBefore) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'credential "nbf" differs from validFrom')
  numericDate(v, 'iat', 'credential', false)
  if (notBefore !== undefined && notBefore >= expires) throw agentIdError('ERR_INPUT_INVALID', 'credential validFrom is not before validUntil')
  if (v.issuanceDate !== undefined || v.expirationDate !== undefined) throw agentIdError('ERR_INPUT_INVALID', 'a VC 2.0 credential says validFrom and validUntil, not the 1.1 issuanceDate and expirationDate')
  return checked('vc2.0', isDelegation, decoded.token, v.id, issuerKey.did, subject, expires, notBefore, cs, v.credentialStatus)
}

function delegationType(v: Record<string, unknown>): boolean {
  const types = v.type as unknown[]
  const isDelegation = types.includes(DELEGATION_CREDENTIAL_TYPE)
  if (isDelegation === types.includes(ENTITLEMENT_CREDENTIAL_TYPE)) {
    throw agentIdError('ERR_TYPE_CONFUSION', `credential type must include exactly one of ${ENTITLEMENT_CREDENTIAL_TYPE}, ${DELEGATION_CREDENTIAL_TYPE}`)
  }
  return isDelegation
}

function subjectObject(v: Record<string, unknown>): Record<string, unknown> {
  const cs = v.credentialSubject
  if (typeof cs !== 'object' || cs === null || Array.isArray(cs)) throw agentIdError('ERR_INPUT_INVALID', 'credentialSubject must be one object')
  return cs as Record<string, unknown>
}

// A 2.0 validity date as whole seconds (a fraction of a second is dropped, as VC 1.1 dates are read).
function validitySeconds(value: unknown, field: string, round: 'floor' | 'ceil'): number | undefined {
  if (value === undefined) return undefined
  const seconds = typeof value === 'string' ? dateTimeSeconds(value) : undefined
  if (seconds === undefined) throw agentIdError('ERR_INPUT_INVALID', `credential ${field} must be a date-time with a time zone`)
  return Math[round](seconds)
}

// Object literals of one shape each (no spreads): this runs for every new credential.
function checked(format: VcFormat, isDelegation: boolean, jwt: string, id: string, issuer: string, subject: string, expires: number, notBefore: number | undefined, cs: Record<string, unknown>, status: unknown): CheckedCredential {
  let result: CheckedCredential
  if (isDelegation) {
    if (status !== undefined) throw agentIdError('ERR_INPUT_INVALID', 'a delegation carries no credentialStatus: the status of its chain is its root\'s')
    const delegation = parseDelegationSubject(cs)
    result = { kind: 'delegation', format, id, issuer, subject, expires, notBefore: notBefore!, jwt, delegation, entitlements: delegation.entitlements, status: [] }
  } else {
    const claims = parseEntitlementSubject(cs)
    result = { kind: 'entitlement', format, id, issuer, subject, expires, jwt, claims, entitlements: claims.entitlements, status: parseStatus(status) }
    if (notBefore !== undefined) (result as { notBefore?: number }).notBefore = notBefore
  }
  return result
}

/**
 * {@link checkAnyCredentialJwt} for an AgentEntitlementCredential only: a delegation cannot stand
 * alone.
 * @throws AgentIdError as checkAnyCredentialJwt, and ERR_TYPE_CONFUSION for a delegation
 */
export function checkCredentialJwt(jwt: unknown): VerifiedCredential {
  const credential = checkAnyCredentialJwt(jwt)
  if (credential.kind !== 'entitlement') throw agentIdError('ERR_TYPE_CONFUSION', `credential type must include ${ENTITLEMENT_CREDENTIAL_TYPE}`)
  return credential
}
