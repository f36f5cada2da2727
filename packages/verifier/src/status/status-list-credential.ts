import { agentIdError } from '@agentid/core'
import { verifyJwt, envelope } from '../jws/verify-jwt.js'
import { numericDate } from '../jws/time-claims.js'
import { decodeEncodedList } from './bitstring.js'

/** A status list credential whose signature and content are checked. */
export interface CheckedStatusList {
  /** The URL credentials name in `statusListCredential`. */
  readonly url: string
  readonly issuer: string
  readonly purpose: string
  readonly bits: Uint8Array
  /** When the issuer published this version (seconds). */
  readonly issuedAt: number
  /** Not valid before (seconds): the later of `nbf` and `vc.validFrom`, when either is present. */
  readonly notBefore?: number
  readonly expires?: number
}

const LIMITS = { maxLength: 4 * 1024 * 1024, maxDepth: 8 }
// An XML Schema dateTime with a zone (VC Data Model 2.0 validFrom), e.g. 2026-11-30T09:00:00Z.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

// A dateTime as whole seconds (rounded up: "not before" errs late), when present.
function dateTime(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  const ms = typeof value === 'string' && DATE_TIME.test(value) ? Date.parse(value) : Number.NaN
  if (!Number.isFinite(ms)) throw agentIdError('ERR_INPUT_INVALID', `status list "${field}" must be a dateTime with a time zone`)
  return Math.ceil(ms / 1000)
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b)
}

/**
 * Checks a BitstringStatusListCredential as a VC-JWT (Bitstring Status List v1.0, section 2.2).
 * Any defect makes the list unusable: ERR_STATUS_UNAVAILABLE, so callers fail closed.
 * @throws AgentIdError ERR_STATUS_UNAVAILABLE
 */
export function checkStatusListJwt(jwt: unknown): CheckedStatusList {
  try {
    const { payload, signer: issuer } = verifyJwt(jwt, LIMITS, 'status list', 'vc')
    const vc = envelope(payload, 'vc', 'status list')
    if (!(vc.type as unknown[]).includes('BitstringStatusListCredential')) throw agentIdError('ERR_TYPE_CONFUSION', 'not a BitstringStatusListCredential')
    const subject = vc.credentialSubject as Record<string, unknown> | undefined
    if (typeof subject !== 'object' || subject === null || subject.type !== 'BitstringStatusList' || typeof subject.statusPurpose !== 'string') {
      throw agentIdError('ERR_INPUT_INVALID', 'status list credentialSubject must be a BitstringStatusList with a statusPurpose')
    }
    const url = typeof payload.jti === 'string' ? payload.jti : vc.id
    if (typeof url !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'status list needs an id (jti): the URL credentials point to')
    const issuedAt = numericDate(payload, 'iat', 'status list', false) ?? numericDate(payload, 'nbf', 'status list', true)
    const expires = numericDate(payload, 'exp', 'status list', false)
    const notBefore = latest(numericDate(payload, 'nbf', 'status list', false), dateTime(vc.validFrom, 'vc.validFrom'))
    return {
      url, issuer: issuer.did, purpose: subject.statusPurpose, bits: decodeEncodedList(subject.encodedList), issuedAt,
      ...(notBefore !== undefined ? { notBefore } : {}), ...(expires !== undefined ? { expires } : {}),
    }
  } catch (error) {
    const e = error as { code?: string; message?: string }
    if (e.code === 'ERR_STATUS_UNAVAILABLE') throw error
    throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list is unusable: ${e.code ?? ''} ${e.message ?? String(error)}`.trim(), { cause: error })
  }
}
