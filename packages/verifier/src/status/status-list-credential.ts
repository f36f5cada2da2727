import { agentIdError } from '@agentid/core'
import { decodeJwt } from '../jws/decode-jwt.js'
import { envelope, formatOf, securedDocument, verifyDecodedJwt, verifySecuredJwt } from '../jws/verify-jwt.js'
import { numericDate } from '../jws/time-claims.js'
import { decodeEncodedList } from './bitstring.js'
import { dateTimeSeconds } from '../credential/date-claims.js'

/** A status list credential whose signature and content are checked. */
export interface CheckedStatusList {
  /** The URL credentials name in `statusListCredential`. */
  readonly url: string
  readonly issuer: string
  /** What its bits say (Bitstring Status List: one purpose, or several). */
  readonly purposes: readonly string[]
  readonly bits: Uint8Array
  /** When the issuer published this version (seconds). */
  readonly issuedAt: number
  /** Not valid before (seconds): the later of `nbf` and `vc.validFrom`, when either is present. */
  readonly notBefore?: number
  readonly expires?: number
}

const LIMITS = { maxLength: 4 * 1024 * 1024, maxDepth: 8 }

// A dateTime as whole seconds (the credential's strict reading: no 30 February, no 24:00, no
// offset minutes past 59; a fraction of a second dropped), when present.
function dateTime(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  const seconds = typeof value === 'string' ? dateTimeSeconds(value) : undefined
  if (seconds === undefined) throw agentIdError('ERR_INPUT_INVALID', `status list "${field}" must be a dateTime with a time zone`)
  return seconds
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b)
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b)
}

/**
 * Checks a BitstringStatusListCredential (Bitstring Status List v1.0, section 2.2) in either
 * format: a VC 1.1 VC-JWT (the list in the `vc` claim, its URL `jti` or `vc.id`), or VC 2.0 secured
 * by VC-JOSE-COSE (`typ` `vc+jwt`, the payload is the list, its URL `id`; `validFrom`,
 * `validUntil` and the JWT claims, when present, agree). `statusPurpose` is one purpose or several;
 * `ttl`, when present, is a whole number of milliseconds. Any defect makes the list unusable:
 * ERR_STATUS_UNAVAILABLE, so callers fail closed.
 * @throws AgentIdError ERR_STATUS_UNAVAILABLE
 */
export function checkStatusListJwt(jwt: unknown): CheckedStatusList {
  try {
    const decoded = decodeJwt(jwt, LIMITS, 'status list')
    const secured = formatOf(decoded, 'vc') === 'vc2.0'
    const { payload, signer: issuer } = secured ? verifySecuredJwt(decoded, 'status list', 'vc') : verifyDecodedJwt(decoded, 'status list', 'vc')
    const vc = secured ? securedDocument(payload, 'vc', 'status list') : envelope(payload, 'vc', 'status list')
    if (!(vc.type as unknown[]).includes('BitstringStatusListCredential')) throw agentIdError('ERR_TYPE_CONFUSION', 'not a BitstringStatusListCredential')
    const subject = vc.credentialSubject as Record<string, unknown> | undefined
    if (typeof subject !== 'object' || subject === null || Array.isArray(subject) || subject.type !== 'BitstringStatusList') {
      throw agentIdError('ERR_INPUT_INVALID', 'status list credentialSubject must be one BitstringStatusList')
    }
    const purposes = statusPurposes(subject.statusPurpose)
    if (subject.ttl !== undefined && (!Number.isSafeInteger(subject.ttl) || (subject.ttl as number) < 0)) throw agentIdError('ERR_INPUT_INVALID', 'status list "ttl" must be a whole number of milliseconds')
    const url = secured ? vc.id : typeof payload.jti === 'string' ? payload.jti : vc.id
    if (typeof url !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'status list needs an id: the URL credentials point to')
    if (secured && payload.jti !== undefined && payload.jti !== url) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'status list "jti" differs from its id')
    // VC 2.0 names them validFrom/validUntil; a VC 1.1 list from another stack may say
    // issuanceDate/expirationDate instead: either bounds the list.
    const validFrom = latest(dateTime(vc.validFrom, 'validFrom'), secured ? undefined : dateTime(vc.issuanceDate, 'issuanceDate'))
    const validUntil = earliest(dateTime(vc.validUntil, 'validUntil'), secured ? undefined : dateTime(vc.expirationDate, 'expirationDate'))
    const nbf = numericDate(payload, 'nbf', 'status list', false)
    const exp = numericDate(payload, 'exp', 'status list', false)
    if (secured && ((nbf !== undefined && nbf !== validFrom) || (exp !== undefined && exp !== validUntil))) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', 'status list "nbf"/"exp" differ from validFrom/validUntil')
    const issuedAt = numericDate(payload, 'iat', 'status list', false) ?? nbf ?? validFrom
    if (issuedAt === undefined) throw agentIdError('ERR_INPUT_INVALID', 'status list needs "iat", "nbf" or validFrom: when it was published')
    const expires = earliest(exp, validUntil)
    const notBefore = latest(nbf, validFrom)
    return {
      url, issuer: issuer.did, purposes, bits: decodeEncodedList(subject.encodedList), issuedAt,
      ...(notBefore !== undefined ? { notBefore } : {}), ...(expires !== undefined ? { expires } : {}),
    }
  } catch (error) {
    const e = error as { code?: string; message?: string }
    if (e.code === 'ERR_STATUS_UNAVAILABLE') throw error
    throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list is unusable: ${e.code ?? ''} ${e.message ?? String(error)}`.trim(), { cause: error })
  }
}

// One purpose, or a non-empty array of distinct ones (Bitstring Status List v1.0, section 2.2).
function statusPurposes(value: unknown): string[] {
  const purposes = typeof value === 'string' ? [value] : value
  if (!Array.isArray(purposes) || purposes.length === 0 || purposes.length > 8 || !purposes.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 64) || new Set(purposes).size !== purposes.length) {
    throw agentIdError('ERR_INPUT_INVALID', 'status list statusPurpose must be a purpose or an array of distinct purposes')
  }
  return purposes as string[]
}
