import { createHash } from 'node:crypto'
import { agentIdError, decodeBase64url, didKeyFromPublicKey, isAgentIdError, parseStrictJson } from '@agentid/core'
import { resolveDidKey, type ResolvedKey } from '../crypto/ed25519.js'
import { BoundedCache } from '../internal/bounded-cache.js'
import { decodeJwtWithHeader, jwtSignatureValid } from '../jws/decode-jwt.js'
import type { ReplayCache } from '../presentation/challenges.js'

/** `typ` of a DPoP proof (RFC 9449, section 4.2). */
export const DPOP_TYPE = 'dpop+jwt'

/** What a DPoP proof must match. */
export interface DpopExpectation {
  /** The request's method, upper case. */
  readonly method: string
  /** The request's URL as the client addressed it; query and fragment are ignored (RFC 9449, 4.3). */
  readonly url: string
  /** Clock, seconds. */
  readonly nowSeconds: number
  /** The access token the proof must be bound to (`ath`); absent at the token endpoint, where `ath` is refused. */
  readonly accessToken?: string
  /**
   * A server nonce: `undefined` when the server does not ask for one; otherwise a check of the
   * proof's `nonce` claim (false, or a missing nonce, is ERR_DPOP_NONCE: the caller answers
   * `use_dpop_nonce` with a fresh one).
   */
  readonly nonce?: (nonce: string | undefined) => boolean
  /** Remembers each proof's `jti` for as long as it could be accepted. */
  readonly replay: ReplayCache
  /** Seconds a proof stays acceptable after its `iat` (default 60), and the skew allowed ahead (default 5). */
  readonly maxAgeSeconds?: number
  readonly clockToleranceSeconds?: number
}

/** A checked proof: the key it was signed with. */
export interface CheckedDpopProof {
  /** The did:key of the proof's key: agentid binds tokens to agents' own keys. */
  readonly did: string
  /** RFC 7638 thumbprint of the proof's JWK, what `cnf.jkt` names. */
  readonly jkt: string
  readonly jti: string
}

const LIMITS = { maxLength: 4096, maxDepth: 3 }
const HEADER_MEMBERS = new Set(['typ', 'alg', 'jwk'])
// The public members a client may add to its key (RFC 7517, 4): checked, never a private one.
const JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'alg', 'use', 'kid'])

/**
 * RFC 7638 JWK thumbprint of an Ed25519 public key: SHA-256 of `{"crv","kty","x"}` in that
 * order, base64url.
 */
export function jwkThumbprint(publicKey: Uint8Array): string {
  const x = Buffer.from(publicKey).toString('base64url')
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url')
}

/** `ath`: base64url SHA-256 of the access token (RFC 9449, 4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url')
}

/**
 * The URL a proof's `htu` names: scheme, host and path, lower-case scheme and host, default port
 * dropped, no query or fragment.
 * @throws AgentIdError ERR_DPOP_PROOF for something that is not an absolute http(s) URL
 */
export function dpopTarget(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw agentIdError('ERR_DPOP_PROOF', 'DPoP "htu" must be an absolute URL')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw agentIdError('ERR_DPOP_PROOF', 'DPoP "htu" must be an http(s) URL')
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
}

/**
 * Checks a DPoP proof (RFC 9449, section 4.3) strictly: one proof, typ `dpop+jwt`, alg EdDSA, an
 * Ed25519 public JWK with nothing else (never a private key), a strict signature by that key,
 * `htm` and `htu` of this request, `iat` within the window, a `jti` never seen before, `ath` of
 * the access token when one is presented (and none when not), and the server's nonce when it
 * asks for one. The `jti` is reserved only once everything else holds.
 * @throws AgentIdError ERR_DPOP_PROOF, ERR_DPOP_NONCE, ERR_KEY_WEAK
 */
export function checkDpopProof(proof: unknown, expect: DpopExpectation): CheckedDpopProof {
  if (typeof proof !== 'string' || proof.length === 0) throw agentIdError('ERR_DPOP_PROOF', 'the request needs exactly one DPoP header with a proof')
  let decoded
  try {
    decoded = decodeJwtWithHeader(proof, LIMITS, 'DPoP proof', readHeader)
  } catch (error) {
    throw asProofError(error)
  }
  const { key, jkt } = decoded.header
  if (!jwtSignatureValid(decoded, key)) throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof signature does not verify with its key')
  const p = decoded.payload
  const jti = p.jti
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) throw agentIdError('ERR_DPOP_PROOF', 'DPoP "jti" must be a string of 8 to 256 characters')
  if (p.htm !== expect.method) throw agentIdError('ERR_DPOP_PROOF', `DPoP "htm" must be ${expect.method}`)
  if (typeof p.htu !== 'string' || p.htu.length > 2048 || dpopTarget(p.htu) !== dpopTarget(expect.url)) throw agentIdError('ERR_DPOP_PROOF', `DPoP "htu" must be ${dpopTarget(expect.url)}`)
  const iat = p.iat
  const maxAge = expect.maxAgeSeconds ?? 60
  const tolerance = expect.clockToleranceSeconds ?? 5
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat)) throw agentIdError('ERR_DPOP_PROOF', 'DPoP "iat" must be whole seconds')
  if (iat > expect.nowSeconds + tolerance) throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof is dated in the future')
  if (iat < expect.nowSeconds - maxAge) throw agentIdError('ERR_DPOP_PROOF', `DPoP proof is older than ${maxAge} s`)
  if (expect.accessToken !== undefined) {
    if (p.ath !== accessTokenHash(expect.accessToken)) throw agentIdError('ERR_DPOP_PROOF', 'DPoP "ath" does not match the access token')
  } else if (p.ath !== undefined) {
    throw agentIdError('ERR_DPOP_PROOF', 'DPoP "ath" is only for requests that present an access token')
  }
  if (p.nonce !== undefined && typeof p.nonce !== 'string') throw agentIdError('ERR_DPOP_PROOF', 'DPoP "nonce" must be a string')
  if (expect.nonce && !expect.nonce(p.nonce as string | undefined)) {
    throw agentIdError('ERR_DPOP_NONCE', p.nonce === undefined ? 'this server requires a DPoP nonce: use the DPoP-Nonce it sent' : 'the DPoP nonce is not current: use the DPoP-Nonce just sent')
  }
  // A proof is replayable for as long as its iat is in the window: remember it that long.
  const reserved = expect.replay.reserve(`${jkt}:${jti}`, (iat + maxAge + tolerance + 1) * 1000, expect.nowSeconds * 1000)
  if (reserved === 'replay') throw agentIdError('ERR_DPOP_PROOF', 'this DPoP proof was already used')
  if (reserved === 'full') throw agentIdError('ERR_DPOP_PROOF', 'too many DPoP proofs in flight; retry in a moment')
  return { did: key.did, jkt, jti }
}

/** A checked proof header: the key it carries, resolved, and that key's thumbprint. */
interface ProofHeader {
  readonly key: ResolvedKey
  readonly jkt: string
}

// An agent sends the same header (its key) on every proof: checked once, kept by its exact text
// (bounded; only headers that passed every check).
const checkedHeaders = new BoundedCache<string, ProofHeader>(1024)

function readHeader(text: string): ProofHeader {
  const known = checkedHeaders.get(text)
  if (known !== undefined) return known
  const header = parseStrictJson(text, { maxLength: 1024, maxDepth: 2 }, 'ERR_DPOP_PROOF', 'DPoP proof header')
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof header must be a JSON object')
  const h = header as Record<string, unknown>
  for (const name of Object.keys(h)) if (!HEADER_MEMBERS.has(name)) throw agentIdError('ERR_DPOP_PROOF', `DPoP proof header member "${name}" is not accepted`)
  if (h.typ !== DPOP_TYPE) throw agentIdError('ERR_DPOP_PROOF', `DPoP proof typ must be ${DPOP_TYPE}`)
  if (h.alg !== 'EdDSA') throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof alg must be EdDSA')
  const jwk = h.jwk
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof header must carry the public key as "jwk"')
  const k = jwk as Record<string, unknown>
  // Only the public members: a "d" would mean the client sent its private key.
  for (const name of Object.keys(k)) if (!JWK_MEMBERS.has(name)) throw agentIdError('ERR_DPOP_PROOF', `DPoP proof jwk member "${name}" is not accepted`)
  if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || typeof k.x !== 'string') throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof jwk must be an Ed25519 OKP key')
  if ((k.alg !== undefined && k.alg !== 'EdDSA') || (k.use !== undefined && k.use !== 'sig') || (k.kid !== undefined && typeof k.kid !== 'string')) throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof jwk "alg", "use" or "kid" does not fit an EdDSA signing key')
  const publicKey = decodeBase64url(k.x, 'ERR_DPOP_PROOF', 'DPoP proof jwk "x"')
  if (publicKey.length !== 32) throw agentIdError('ERR_DPOP_PROOF', 'DPoP proof jwk "x" must be 32 bytes')
  const checked = { key: resolveDidKey(didKeyFromPublicKey(publicKey).did), jkt: jwkThumbprint(publicKey) }
  checkedHeaders.set(text, checked)
  return checked
}

// Malformed JWS is a bad proof, under the proof's own code.
function asProofError(error: unknown): unknown {
  if (isAgentIdError(error) && error.code.startsWith('ERR_JWS_')) return agentIdError('ERR_DPOP_PROOF', error.message)
  if (isAgentIdError(error) && error.code === 'ERR_SIGNATURE') return agentIdError('ERR_DPOP_PROOF', error.message)
  return error
}
