import { agentIdError, CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { resolveDidKey } from '../crypto/ed25519.js'
import { decodeJwt, jwtSignatureValid } from '../jws/decode-jwt.js'
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
  readonly expires?: number
}

const LIMITS = { maxLength: 4 * 1024 * 1024, maxDepth: 8 }

/**
 * Checks a BitstringStatusListCredential as a VC-JWT (Bitstring Status List v1.0, section 2.2).
 * Any defect makes the list unusable: ERR_STATUS_UNAVAILABLE, so callers fail closed.
 * @throws AgentIdError ERR_STATUS_UNAVAILABLE
 */
export function checkStatusListJwt(jwt: unknown): CheckedStatusList {
  try {
    const decoded = decodeJwt(jwt, LIMITS, 'status list')
    const { header, payload } = decoded
    if (typeof payload.iss !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'status list "iss" is required')
    const issuer = resolveDidKey(payload.iss)
    if (header.kid !== undefined && resolveDidKey(header.kid).did !== issuer.did) throw agentIdError('ERR_JWS_HEADER', 'status list kid does not belong to iss')
    if (!jwtSignatureValid(decoded, issuer)) throw agentIdError('ERR_SIGNATURE', 'status list signature does not verify')
    const vc = payload.vc as Record<string, unknown> | undefined
    if (typeof vc !== 'object' || vc === null || !Array.isArray(vc['@context']) || vc['@context'][0] !== CREDENTIALS_CONTEXT_V1 ||
      !Array.isArray(vc.type) || !vc.type.includes('BitstringStatusListCredential')) {
      throw agentIdError('ERR_TYPE_CONFUSION', 'not a BitstringStatusListCredential')
    }
    const subject = vc.credentialSubject as Record<string, unknown> | undefined
    if (typeof subject !== 'object' || subject === null || subject.type !== 'BitstringStatusList' || typeof subject.statusPurpose !== 'string') {
      throw agentIdError('ERR_INPUT_INVALID', 'status list credentialSubject must be a BitstringStatusList with a statusPurpose')
    }
    const url = typeof payload.jti === 'string' ? payload.jti : vc.id
    if (typeof url !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'status list needs an id (jti): the URL credentials point to')
    const issuedAt = numericDate(payload, 'iat', 'status list', false) ?? numericDate(payload, 'nbf', 'status list', true)
    const expires = numericDate(payload, 'exp', 'status list', false)
    return { url, issuer: issuer.did, purpose: subject.statusPurpose, bits: decodeEncodedList(subject.encodedList), issuedAt, ...(expires !== undefined ? { expires } : {}) }
  } catch (error) {
    const e = error as { code?: string; message?: string }
    if (e.code === 'ERR_STATUS_UNAVAILABLE') throw error
    throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list is unusable: ${e.code ?? ''} ${e.message ?? String(error)}`.trim(), { cause: error })
  }
}
