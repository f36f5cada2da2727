import { agentIdError, CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { resolveDidKey, resolveKeyId, type ResolvedKey } from '../crypto/ed25519.js'
import { decodeJwt, jwtSignatureValid, type DecodedJwt, type JwtLimits } from './decode-jwt.js'

/** A JWS whose signer, named by `iss` (and `kid` when present), has been checked. */
export interface VerifiedJwt extends DecodedJwt {
  readonly signer: ResolvedKey
}

/**
 * Decodes a compact JWS and checks that `typ` (when present) is not the other kind's, that `iss`
 * is an Ed25519 did:key, that `kid` (optional, since Veramo omits it) is that key, and that the
 * key signed the token. Claims are not parsed further
 * before the signature holds.
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_INPUT_INVALID
 */
export function verifyJwt(token: unknown, limits: JwtLimits, what: string, kind: 'vc' | 'vp'): VerifiedJwt {
  const decoded = decodeJwt(token, limits, what)
  const typ = decoded.header.typ
  if (typ !== undefined && typ !== 'JWT' && !typ.startsWith(`${kind}+`)) throw agentIdError('ERR_TYPE_CONFUSION', `${what} has typ ${typ}`)
  const iss = decoded.payload.iss
  if (typeof iss !== 'string') throw agentIdError('ERR_INPUT_INVALID', `${what} "iss" is required`)
  const signer = resolveDidKey(iss)
  if (decoded.header.kid !== undefined && resolveKeyId(decoded.header.kid).did !== signer.did) throw agentIdError('ERR_JWS_HEADER', `${what} kid does not belong to iss`)
  if (!jwtSignatureValid(decoded, signer)) throw agentIdError('ERR_SIGNATURE', `${what} signature does not verify`)
  return Object.assign(decoded, { signer })
}

/**
 * The `vc` (or `vp`) claim of a payload, with a VC 1.1 `@context` and a `type` that includes
 * `type` and not the other kind: a credential where a presentation is expected, or the reverse,
 * is refused.
 * @throws AgentIdError ERR_TYPE_CONFUSION, ERR_INPUT_INVALID
 */
export function envelope(payload: Record<string, unknown>, claim: 'vc' | 'vp', what: string): Record<string, unknown> {
  const other = claim === 'vc' ? 'vp' : 'vc'
  const value = payload[claim]
  if (payload[other] !== undefined) throw agentIdError('ERR_TYPE_CONFUSION', `${what} carries a "${other}" claim`)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_TYPE_CONFUSION', `${what} has no "${claim}" claim`)
  const v = value as Record<string, unknown>
  const context = v['@context']
  if (!Array.isArray(context) || context[0] !== CREDENTIALS_CONTEXT_V1) throw agentIdError('ERR_INPUT_INVALID', `${what} @context must start with ${CREDENTIALS_CONTEXT_V1}`)
  const [own, foreign] = claim === 'vc' ? ['VerifiableCredential', 'VerifiablePresentation'] : ['VerifiablePresentation', 'VerifiableCredential']
  const types = v.type
  if (!Array.isArray(types) || !types.includes(own)) throw agentIdError('ERR_TYPE_CONFUSION', `${what} type must include ${own}`)
  if (types.includes(foreign)) throw agentIdError('ERR_TYPE_CONFUSION', `${what} type must not include ${foreign}`)
  return v
}
