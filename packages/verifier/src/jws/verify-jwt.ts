import { agentIdError, CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2 } from '@agentid/core'
import { resolveDidKey, resolveKeyId, type ResolvedKey } from '../crypto/ed25519.js'
import { decodeJwt, jwtSignatureValid, type DecodedJwt, type JwtLimits } from './decode-jwt.js'

/** A JWS whose signer, named by `iss` (and `kid` when present), has been checked. */
export interface VerifiedJwt extends DecodedJwt {
  readonly signer: ResolvedKey
}

/** Which data model and securing a credential or presentation uses (docs/formats.md). */
export type VcFormat = 'vc1.1' | 'vc2.0'

/** `typ` of a VC Data Model 2.0 credential secured with JOSE (VC-JOSE-COSE, section 3.1.1). */
export const VC_JWT_TYPE = 'vc+jwt'
/** `typ` of a VC Data Model 2.0 presentation secured with JOSE. */
export const VP_JWT_TYPE = 'vp+jwt'

/**
 * The format a decoded token declares: `vc+jwt` / `vp+jwt` is VC 2.0 secured by VC-JOSE-COSE (the
 * payload is the credential itself), anything else VC 1.1 VC-JWT (a `vc` or `vp` claim). Each is
 * then held to its own rules: a 1.1 payload under a 2.0 `typ`, or the reverse, is refused.
 */
export function formatOf(decoded: DecodedJwt, kind: 'vc' | 'vp'): VcFormat {
  return decoded.header.typ === (kind === 'vc' ? VC_JWT_TYPE : VP_JWT_TYPE) ? 'vc2.0' : 'vc1.1'
}

/**
 * Decodes a compact JWS and checks that `typ` (when present) is not the other kind's, that `iss`
 * is an Ed25519 did:key, that `kid` (optional, since Veramo omits it) is that key, and that the
 * key signed the token. Claims are not parsed further
 * before the signature holds.
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_INPUT_INVALID
 */
export function verifyJwt(token: unknown, limits: JwtLimits, what: string, kind: 'vc' | 'vp'): VerifiedJwt {
  return verifyDecodedJwt(decodeJwt(token, limits, what), what, kind)
}

/** {@link verifyJwt} of a token already decoded (VC 1.1: the signer is `iss`). */
export function verifyDecodedJwt(decoded: DecodedJwt, what: string, kind: 'vc' | 'vp'): VerifiedJwt {
  // VC 1.1 says `JWT` or nothing (decodeJwt allows a `cty` only under VC 2.0's types); any other
  // type is another format's, and a document without its `vc`/`vp` claim is not VC 1.1.
  const typ = decoded.header.typ
  if (typ !== undefined && typ !== 'JWT') throw agentIdError('ERR_TYPE_CONFUSION', `${what} has typ ${typ}: not a VC 1.1 ${kind === 'vc' ? 'VC' : 'VP'}-JWT`)
  if (typeof decoded.payload[kind] !== 'object' || decoded.payload[kind] === null) throw agentIdError('ERR_TYPE_CONFUSION', `${what} has no "${kind}" claim: a VC 1.1 ${kind === 'vc' ? 'credential' : 'presentation'} carries one (VC 2.0 says typ ${kind}+jwt)`)
  const iss = decoded.payload.iss
  if (typeof iss !== 'string') throw agentIdError('ERR_INPUT_INVALID', `${what} "iss" is required`)
  return withSigner(decoded, iss, what)
}

/**
 * VC-JOSE-COSE (VC Data Model 2.0): the payload is the credential or presentation itself, signed
 * by its `issuer` (or `holder`), an Ed25519 did:key. `iss`, when present, must be that DID.
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_DID_*, ERR_KEY_WEAK, ERR_INPUT_INVALID, ERR_VC_CLAIMS_MISMATCH
 */
export function verifySecuredJwt(decoded: DecodedJwt, what: string, kind: 'vc' | 'vp'): VerifiedJwt {
  const p = decoded.payload
  if (p.vc !== undefined || p.vp !== undefined) throw agentIdError('ERR_TYPE_CONFUSION', `${what} is VC 2.0 (typ ${kind}+jwt) but carries a VC 1.1 "vc" or "vp" claim`)
  const named = kind === 'vc' ? (typeof p.issuer === 'object' && p.issuer !== null && !Array.isArray(p.issuer) ? (p.issuer as Record<string, unknown>).id : p.issuer) : p.holder
  if (typeof named !== 'string') throw agentIdError('ERR_INPUT_INVALID', `${what} "${kind === 'vc' ? 'issuer' : 'holder'}" is required: its key signs it`)
  if (p.iss !== undefined && p.iss !== named) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', `${what} "iss" differs from its ${kind === 'vc' ? 'issuer' : 'holder'}`)
  return withSigner(decoded, named, what)
}

// The key a checked header's `kid` names, kept with the header (decodeJwt hands out one frozen
// header object per distinct header text): every token of a signer, each link of a chain from
// the same key, then finds its key without parsing or looking up the DID again.
const kidKeys = new WeakMap<object, ResolvedKey>()

function withSigner(decoded: DecodedJwt, did: string, what: string): VerifiedJwt {
  const header = decoded.header
  const known = header.kid === undefined ? undefined : kidKeys.get(header)
  // The same key as resolveDidKey(did) would give: `did` is that key's DID, exactly.
  const signer = known !== undefined && known.did === did ? known : signerOf(header, did, what)
  if (!jwtSignatureValid(decoded, signer)) throw agentIdError('ERR_SIGNATURE', `${what} signature does not verify`)
  return Object.assign(decoded, { signer })
}

function signerOf(header: DecodedJwt['header'], did: string, what: string): ResolvedKey {
  const signer = resolveDidKey(did)
  if (header.kid === undefined) return signer
  const key = resolveKeyId(header.kid)
  if (Object.isFrozen(header)) kidKeys.set(header, key)
  if (key.did !== signer.did) throw agentIdError('ERR_JWS_HEADER', `${what} kid does not belong to ${header.typ === VC_JWT_TYPE || header.typ === VP_JWT_TYPE ? 'its signer' : 'iss'}`)
  return signer
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
  return checkedDocument(value as Record<string, unknown>, claim, what, CREDENTIALS_CONTEXT_V1)
}

/**
 * A VC Data Model 2.0 payload as the document it is (VC-JOSE-COSE; {@link verifySecuredJwt} has
 * refused the 1.1 `vc` and `vp` claims): the 2.0 `@context` first, and the type of its kind.
 * @throws AgentIdError ERR_TYPE_CONFUSION, ERR_INPUT_INVALID
 */
export function securedDocument(payload: Record<string, unknown>, kind: 'vc' | 'vp', what: string): Record<string, unknown> {
  return checkedDocument(payload, kind, what, CREDENTIALS_CONTEXT_V2)
}

function checkedDocument(v: Record<string, unknown>, kind: 'vc' | 'vp', what: string, context: string): Record<string, unknown> {
  const contexts = v['@context']
  if (!Array.isArray(contexts) || contexts[0] !== context) throw agentIdError('ERR_INPUT_INVALID', `${what} @context must start with ${context}`)
  const [own, foreign] = kind === 'vc' ? ['VerifiableCredential', 'VerifiablePresentation'] : ['VerifiablePresentation', 'VerifiableCredential']
  const types = v.type
  if (!Array.isArray(types) || !types.includes(own)) throw agentIdError('ERR_TYPE_CONFUSION', `${what} type must include ${own}`)
  if (types.includes(foreign)) throw agentIdError('ERR_TYPE_CONFUSION', `${what} type must not include ${foreign}`)
  return v
}
