import { createHash, randomUUID } from 'node:crypto'
import { agentIdError, encodeBase64url } from '@agentid/core'
import { decodeJwt, jwtSignatureValid, type ResolvedKey } from '@agentid/verifier'
import { signCompact, type AgentKey } from '../key/agent-key.js'

/** `typ` of a request proof. */
export const PROOF_TYPE = 'agentid-proof+jwt'
// The same for every proof: encoded once. (No kid: the session already names the peer's key.)
const PROOF_HEADER = encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: PROOF_TYPE }))

/** What a request proof covers. */
export interface ProofClaims {
  /** Session id. */
  readonly sid: string
  /** HTTP method, upper case (or the message kind on another channel). */
  readonly htm: string
  /** Target: path and query (or the channel's address). */
  readonly htu: string
  /** base64url(SHA-256(body)); of the empty string when there is none. */
  readonly bh: string
  /** Seconds. */
  readonly iat: number
  readonly jti: string
}

// Most requests in a session (GET, HEAD) have no body: its hash is computed once.
const EMPTY_BODY_HASH = createHash('sha256').digest('base64url')

/** base64url SHA-256 of a body. */
export function bodyHash(body: string | Uint8Array | undefined): string {
  if (body === undefined || body.length === 0) return EMPTY_BODY_HASH
  return createHash('sha256').update(body).digest('base64url')
}

/** A request proof: a compact JWS over the claims, signed with the sender's key (one signature). */
export function signProof(key: AgentKey, claims: Omit<ProofClaims, 'jti' | 'iat'> & { iat?: number; jti?: string }): string {
  return signCompact(key, PROOF_HEADER, { ...claims, iat: claims.iat ?? Math.floor(Date.now() / 1000), jti: claims.jti ?? randomUUID() })
}

const PROOF_LIMITS = { maxLength: 2048, maxDepth: 2 }

/**
 * Checks a proof's form and signature by `signer` and returns its claims (the caller checks them
 * against the request, the session and the clock).
 * @throws AgentIdError ERR_JWS_*, ERR_SIGNATURE, ERR_INPUT_INVALID
 */
export function readProof(proof: unknown, signer: ResolvedKey): ProofClaims {
  const decoded = decodeJwt(proof, PROOF_LIMITS, 'request proof')
  if (decoded.header.typ !== PROOF_TYPE) throw agentIdError('ERR_JWS_HEADER', `request proof must have typ ${PROOF_TYPE}`)
  if (!jwtSignatureValid(decoded, signer)) throw agentIdError('ERR_SIGNATURE', "request proof is not signed by the session's peer")
  const p = decoded.payload
  for (const name of ['sid', 'htm', 'htu', 'bh', 'jti'] as const) {
    if (typeof p[name] !== 'string' || (p[name] as string).length === 0 || (p[name] as string).length > 1024) throw agentIdError('ERR_INPUT_INVALID', `request proof "${name}" is missing or malformed`)
  }
  if (!Number.isSafeInteger(p.iat)) throw agentIdError('ERR_INPUT_INVALID', 'request proof "iat" must be whole seconds')
  return p as unknown as ProofClaims
}
