import { agentIdError } from '@agentid/core'
import { decodeJwt, type JwtLimits } from '../jws/decode-jwt.js'
import { envelope, formatOf, securedDocument, VC_JWT_TYPE, verifyDecodedJwt, verifySecuredJwt, type VcFormat } from '../jws/verify-jwt.js'
import { numericDate } from '../jws/time-claims.js'

/** A presentation whose signature and claims are checked; its credentials are not yet. */
export interface CheckedPresentation {
  /** VC 1.1 VP-JWT or VC 2.0 secured by VC-JOSE-COSE: the credentials inside must be of the same. */
  readonly format: VcFormat
  readonly holder: string
  readonly audience: string
  readonly nonce: string
  readonly expires: number
  /** The VC-JWTs it carries, unchecked. */
  readonly credentialJwts: readonly string[]
  /** The signature (base64): unique to this presentation, the key of the replay cache. */
  readonly replayKey: string
}

export const PRESENTATION_LIMITS: JwtLimits = { maxLength: 64 * 1024, maxDepth: 12 }
/** A presentation lives at most this long (DESIGN.md): it answers one challenge. */
export const MAX_PRESENTATION_LIFETIME = 300
const MAX_CREDENTIALS = 8

/**
 * Checks a VP-JWT's structure, signature, audience and time window (VC Data Model 1.1, section
 * 6.3.1). The challenge, replay and the credentials inside are the verifier's next steps.
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_TYPE_CONFUSION,
 *   ERR_VP_AUDIENCE, ERR_VP_EXPIRED, ERR_VP_NONCE, ERR_VP_HOLDER_BINDING, ERR_INPUT_INVALID
 */
export function checkPresentationJwt(jwt: unknown, audience: string, nowSec: number, toleranceSec: number): CheckedPresentation {
  const decoded = decodeJwt(jwt, PRESENTATION_LIMITS, 'presentation')
  const format = formatOf(decoded, 'vp')
  // VC 1.1: signed by `iss`, the presentation in the `vp` claim. VC 2.0 (VC-JOSE-COSE): the
  // payload is the presentation, signed by its `holder`; JWT claims (aud, nonce, iat, exp) beside.
  const { payload, signature, signer: holderKey } = format === 'vc2.0' ? verifySecuredJwt(decoded, 'presentation', 'vp') : verifyDecodedJwt(decoded, 'presentation', 'vp')
  const v = format === 'vc2.0' ? securedDocument(payload, 'vp', 'presentation') : envelope(payload, 'vp', 'presentation')
  if (v.holder !== undefined && v.holder !== holderKey.did) throw agentIdError('ERR_VP_HOLDER_BINDING', 'vp.holder differs from the signer')

  // "aud" names exactly one audience, this verifier: a VP for several could be relayed by any.
  const aud = Array.isArray(payload.aud) && payload.aud.length === 1 ? payload.aud[0] : payload.aud
  if (typeof aud !== 'string') throw agentIdError('ERR_VP_AUDIENCE', 'presentation must name exactly one audience')
  if (aud !== audience) throw agentIdError('ERR_VP_AUDIENCE', 'presentation is addressed to another verifier')

  const expires = numericDate(payload, 'exp', 'presentation', true)
  const issuedAt = numericDate(payload, 'iat', 'presentation', false)
  const notBefore = numericDate(payload, 'nbf', 'presentation', false)
  const start = issuedAt ?? notBefore
  if (start === undefined) throw agentIdError('ERR_INPUT_INVALID', 'presentation needs "iat" or "nbf"')
  if (expires - start > MAX_PRESENTATION_LIFETIME) throw agentIdError('ERR_VP_EXPIRED', `presentation may live at most ${MAX_PRESENTATION_LIFETIME} seconds`)
  if (nowSec >= expires + toleranceSec) throw agentIdError('ERR_VP_EXPIRED', 'presentation has expired')
  const earliest = Math.max(issuedAt ?? 0, notBefore ?? 0)
  if (nowSec < earliest - toleranceSec) throw agentIdError('ERR_VP_EXPIRED', 'presentation is not valid yet')

  if (typeof payload.nonce !== 'string' || payload.nonce.length === 0) throw agentIdError('ERR_VP_NONCE', 'presentation has no nonce')
  const carried = v.verifiableCredential
  if (!Array.isArray(carried) || carried.length === 0 || carried.length > MAX_CREDENTIALS) {
    throw agentIdError('ERR_INPUT_INVALID', `presentation must carry 1 to ${MAX_CREDENTIALS} credentials`)
  }
  const credentialJwts = format === 'vc2.0' ? carried.map(envelopedCredential) : carried
  for (const c of credentialJwts) if (typeof c !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'presentation credentials must be VC-JWT strings')
  return {
    format,
    holder: holderKey.did,
    audience: aud,
    nonce: payload.nonce,
    expires,
    credentialJwts: credentialJwts as string[],
    // A copy, not a slice: V8 keeps the whole token alive behind a sliced string.
    replayKey: signature.toString('base64'),
  }
}

const ENVELOPED_PREFIX = `data:application/${VC_JWT_TYPE},`

/**
 * A credential a VC 2.0 presentation carries: an EnvelopedVerifiableCredential whose `id` is a
 * `data:application/vc+jwt,` URL of the secured credential (VC Data Model 2.0, section 4.13).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
function envelopedCredential(value: unknown, i: number): string {
  const e = value as Record<string, unknown>
  if (typeof e !== 'object' || e === null || Array.isArray(e) || e.type !== 'EnvelopedVerifiableCredential' || typeof e.id !== 'string' || !e.id.startsWith(ENVELOPED_PREFIX)) {
    throw agentIdError('ERR_INPUT_INVALID', `verifiableCredential[${i}] must be an EnvelopedVerifiableCredential with a ${ENVELOPED_PREFIX} id`)
  }
  for (const key of Object.keys(e)) if (key !== '@context' && key !== 'id' && key !== 'type') throw agentIdError('ERR_INPUT_INVALID', `verifiableCredential[${i}].${key.slice(0, 64)} is not accepted`)
  return e.id.slice(ENVELOPED_PREFIX.length)
}
