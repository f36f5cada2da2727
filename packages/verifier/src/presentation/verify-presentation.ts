import { agentIdError } from '@agentid/core'
import type { JwtLimits } from '../jws/decode-jwt.js'
import { envelope, verifyJwt } from '../jws/verify-jwt.js'
import { numericDate } from '../jws/time-claims.js'

/** A presentation whose signature and claims are checked; its credentials are not yet. */
export interface CheckedPresentation {
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
  const { payload, signature, signer: holderKey } = verifyJwt(jwt, PRESENTATION_LIMITS, 'presentation', 'vp')
  const v = envelope(payload, 'vp', 'presentation')
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
  const credentialJwts = v.verifiableCredential
  if (!Array.isArray(credentialJwts) || credentialJwts.length === 0 || credentialJwts.length > MAX_CREDENTIALS) {
    throw agentIdError('ERR_INPUT_INVALID', `presentation must carry 1 to ${MAX_CREDENTIALS} credentials`)
  }
  for (const c of credentialJwts) if (typeof c !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'presentation credentials must be VC-JWT strings')
  return {
    holder: holderKey.did,
    audience: aud,
    nonce: payload.nonce,
    expires,
    credentialJwts: credentialJwts as string[],
    // A copy, not a slice: V8 keeps the whole token alive behind a sliced string.
    replayKey: signature.toString('base64'),
  }
}
