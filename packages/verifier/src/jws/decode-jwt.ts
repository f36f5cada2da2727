import { isUtf8 } from 'node:buffer'
import { agentIdError, decodeBase64url, isStrictBase64url, parseStrictJson } from '@agentid/core'
import { verifyEd25519, type ResolvedKey } from '../crypto/ed25519.js'
import { BoundedCache } from '../internal/bounded-cache.js'

/** A compact JWS split and decoded, before its signature is checked. */
export interface DecodedJwt {
  readonly header: JwtHeader
  readonly payload: Record<string, unknown>
  /** The compact token itself. */
  readonly token: string
  readonly signature: Buffer
}

/** The only header members agentid accepts. */
export interface JwtHeader {
  readonly alg: 'EdDSA'
  readonly typ?: string
  readonly kid?: string
}

/** Caps applied before anything is decoded. */
export interface JwtLimits {
  readonly maxLength: number
  readonly maxDepth: number
}

// One scratch buffer for decoding and for the bytes a signature covers. Decoding and signature
// checks are synchronous, so nothing else can use it in between; the hot path then allocates no
// memory outside the V8 heap per token (that churn, not live data, set the verifier's RSS).
let scratch = Buffer.allocUnsafe(16 * 1024)

function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2))
  return scratch
}

// Base64url text decoded as UTF-8. Node's decoder is lax (padding, the standard alphabet, white
// space, non-zero unused bits all decode), so the text must first be canonical (the alphabet, the
// length and the unused bits checked): one spelling per token, without encoding it again. Invalid
// UTF-8 is refused, never replaced by U+FFFD: two different byte strings would read the same.
function decodeText(part: string, what: string): string {
  if (!isStrictBase64url(part)) throw agentIdError('ERR_JWS_MALFORMED', `${what} is not canonical base64url`)
  const buffer = scratchOf(part.length)
  const length = buffer.write(part, 'base64url')
  const bytes = buffer.subarray(0, length)
  if (!isUtf8(bytes)) throw agentIdError('ERR_JWS_MALFORMED', `${what} is not valid UTF-8`)
  return bytes.toString('utf8')
}

/**
 * True when `decoded.signature` is the signer's strict Ed25519 signature over the token's first
 * two parts.
 */
export function jwtSignatureValid(decoded: Pick<DecodedJwt, 'token' | 'signature'>, key: ResolvedKey): boolean {
  const end = decoded.token.lastIndexOf('.')
  const buffer = scratchOf(end)
  buffer.write(decoded.token, 0, end, 'latin1')
  return verifyEd25519(key, buffer.subarray(0, end), decoded.signature)
}

const ALLOWED_HEADER = new Set(['alg', 'typ', 'kid', 'cty'])
// Header members that would let the token choose its own key, change how the payload is read, or
// demand extensions we do not implement. Named for a clearer message; any other member is refused
// too.
const FORBIDDEN_HEADER = new Set(['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64', 'zip', 'enc'])
// agentid-proof+jwt: the per-request proof of a mutual session (docs/protocol.md); a verifier of
// credentials and presentations refuses it as the wrong kind (typ is neither vc+ nor vp+).
// at+jwt: an OAuth access token (RFC 9068) of agentid's authorization server, refused as a
// credential or presentation for the same reason.
const ALLOWED_TYP = new Set(['JWT', 'vc+jwt', 'vp+jwt', 'agentid-proof+jwt', 'at+jwt', 'openid4vci-proof+jwt'])

// Every token one signer makes carries the same header, so a header checked once is kept, by
// its exact text (bounded; an entry is only ever a header that passed every check below). The key
// is stored as a copy: a V8 slice would keep the whole token it was cut from alive.
const checkedHeaders = new BoundedCache<string, Record<string, unknown>>(1024)

function checkedHeader(headerPart: string, what: string): Record<string, unknown> {
  const known = checkedHeaders.get(headerPart)
  if (known !== undefined) return known
  const header = parseStrictJson(decodeText(headerPart, `${what} header`), { maxLength: 1024, maxDepth: 2 }, 'ERR_JWS_MALFORMED', `${what} header`)
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw agentIdError('ERR_JWS_MALFORMED', `${what} header must be a JSON object`)
  const h = header as Record<string, unknown>
  if (h.alg !== 'EdDSA') throw agentIdError('ERR_JWS_ALG', `${what} alg must be EdDSA, not ${JSON.stringify(h.alg) ?? 'missing'}`)
  for (const name of Object.keys(h)) {
    if (FORBIDDEN_HEADER.has(name)) throw agentIdError('ERR_JWS_HEADER', `${what} header must not carry "${name}"`)
    if (!ALLOWED_HEADER.has(name)) throw agentIdError('ERR_JWS_HEADER', `${what} header member "${name}" is not accepted`)
  }
  if (h.typ !== undefined && (typeof h.typ !== 'string' || !ALLOWED_TYP.has(h.typ))) throw agentIdError('ERR_JWS_HEADER', `${what} typ ${JSON.stringify(h.typ)} is not accepted`)
  if (h.kid !== undefined && typeof h.kid !== 'string') throw agentIdError('ERR_JWS_HEADER', `${what} kid must be a string`)
  // VC-JOSE-COSE's content type, on its own tokens only: `vc` under vc+jwt, `vp` under vp+jwt.
  if (h.cty !== undefined && !((h.cty === 'vc' && h.typ === 'vc+jwt') || (h.cty === 'vp' && h.typ === 'vp+jwt'))) throw agentIdError('ERR_JWS_HEADER', `${what} cty ${JSON.stringify(h.cty)} is not accepted${typeof h.typ === 'string' ? ` under typ ${h.typ}` : ''}`)
  checkedHeaders.set(Buffer.from(headerPart, 'latin1').toString('latin1'), Object.freeze(h))
  return h
}

/**
 * Splits and decodes a compact JWS under agentid's strict rules (DESIGN.md, "Verifier contract"):
 * three canonical base64url parts, a header with only `alg: EdDSA`, `typ` and `kid`, and JSON
 * without duplicate members or `__proto__`, within size and depth caps.
 * @throws AgentIdError ERR_JWS_MALFORMED, ERR_JWS_ALG, ERR_JWS_HEADER
 */
export function decodeJwt(token: unknown, limits: JwtLimits, what: string): DecodedJwt {
  return decodeCompact(token, limits, what, checkedHeader) as unknown as DecodedJwt
}

/**
 * {@link decodeJwt} with another header rule, for tokens whose header carries more than `alg`,
 * `typ` and `kid` (a DPoP proof carries its public key): `readHeader` gets the header text,
 * decoded from canonical base64url, and must parse and check it strictly.
 * @throws AgentIdError ERR_JWS_MALFORMED, and whatever `readHeader` throws
 */
export function decodeJwtWithHeader<H>(token: unknown, limits: JwtLimits, what: string, readHeader: (headerText: string) => H): { header: H; payload: Record<string, unknown>; token: string; signature: Buffer } {
  return decodeCompact(token, limits, what, (part) => readHeader(decodeText(part, `${what} header`)))
}

function decodeCompact<H>(token: unknown, limits: JwtLimits, what: string, header: (part: string, what: string) => H): { header: H; payload: Record<string, unknown>; token: string; signature: Buffer } {
  if (typeof token !== 'string') throw agentIdError('ERR_JWS_MALFORMED', `${what} must be a compact JWS string`)
  if (token.length > limits.maxLength) throw agentIdError('ERR_JWS_MALFORMED', `${what} is longer than ${limits.maxLength} characters`)
  const dot1 = token.indexOf('.')
  const dot2 = token.indexOf('.', dot1 + 1)
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) throw agentIdError('ERR_JWS_MALFORMED', `${what} must have exactly three parts`)
  const headerPart = token.slice(0, dot1)
  const payloadPart = token.slice(dot1 + 1, dot2)
  const signature = decodeBase64url(token.slice(dot2 + 1), 'ERR_JWS_MALFORMED', `${what} signature`)
  const h = header(headerPart, what)
  if (signature.length !== 64) throw agentIdError('ERR_SIGNATURE', `${what} signature must be 64 bytes`)

  const payloadText = decodeText(payloadPart, `${what} payload`)
  const payload = parseStrictJson(payloadText, limits, 'ERR_JWS_MALFORMED', `${what} payload`)
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw agentIdError('ERR_JWS_MALFORMED', `${what} payload must be a JSON object`)
  return {
    header: h,
    payload: payload as Record<string, unknown>,
    token,
    signature,
  }
}
