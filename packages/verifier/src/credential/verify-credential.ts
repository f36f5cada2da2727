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
import type { JwtLimits } from '../jws/decode-jwt.js'
import { envelope, verifyJwt } from '../jws/verify-jwt.js'
import { numericDate } from '../jws/time-claims.js'
import { checkDateClaim } from './date-claims.js'

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

/** What every checked credential has, whatever its kind. */
interface CheckedCredentialBase {
  /** `jti`: the credential id (`urn:uuid:…`). */
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
  /** The VC-JWT itself. */
  readonly jwt: string
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
 * Checks a VC-JWT's structure, claims and signature (VC Data Model 1.1, section 6.3.1 "JWT
 * decoding"): `iss`, `sub`, `jti` agree with `vc.issuer`, `vc.credentialSubject.id`, `vc.id`,
 * and `exp`, `nbf` with `vc.expirationDate`, `vc.issuanceDate` (to the second), where those are
 * present; `exp` is required. An AgentEntitlementCredential, or an
 * AgentDelegationCredential (which must also carry `nbf` and no status: its chain's root does).
 * Time, trust, status and chains are the caller's checks, because they change while the result
 * of this function does not (so it can be cached: freeze it first).
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_TYPE_CONFUSION,
 *   ERR_VC_CLAIMS_MISMATCH, ERR_INPUT_INVALID
 */
export function checkAnyCredentialJwt(jwt: unknown): CheckedCredential {
  const { payload, signer: issuerKey } = verifyJwt(jwt, CREDENTIAL_LIMITS, 'credential', 'vc')
  const v = envelope(payload, 'vc', 'credential')
  const types = v.type as unknown[]
  const isDelegation = types.includes(DELEGATION_CREDENTIAL_TYPE)
  if (isDelegation === types.includes(ENTITLEMENT_CREDENTIAL_TYPE)) {
    throw agentIdError('ERR_TYPE_CONFUSION', `credential type must include exactly one of ${ENTITLEMENT_CREDENTIAL_TYPE}, ${DELEGATION_CREDENTIAL_TYPE}`)
  }

  if (typeof payload.sub !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'credential "sub" is required')
  const subject = resolveDidKey(payload.sub).did
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'credential "jti" (its id) is required')
  const cs = v.credentialSubject
  if (typeof cs !== 'object' || cs === null || Array.isArray(cs)) throw agentIdError('ERR_INPUT_INVALID', 'credentialSubject must be one object')
  const csId = (cs as Record<string, unknown>).id
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

  // Object literals of one shape each (no spreads): this runs for every new credential.
  let checked: CheckedCredential
  if (isDelegation) {
    if (v.credentialStatus !== undefined) throw agentIdError('ERR_INPUT_INVALID', 'a delegation carries no credentialStatus: the status of its chain is its root\'s')
    const delegation = parseDelegationSubject(cs)
    checked = { kind: 'delegation', id: payload.jti, issuer: issuerKey.did, subject, expires, notBefore: notBefore!, jwt: jwt as string, delegation, entitlements: delegation.entitlements, status: [] }
  } else {
    const claims = parseEntitlementSubject(cs)
    checked = { kind: 'entitlement', id: payload.jti, issuer: issuerKey.did, subject, expires, jwt: jwt as string, claims, entitlements: claims.entitlements, status: parseStatus(v.credentialStatus) }
    if (notBefore !== undefined) (checked as { notBefore?: number }).notBefore = notBefore
  }
  return checked
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
