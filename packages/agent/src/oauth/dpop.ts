import { randomUUID } from 'node:crypto'
import { encodeBase64url } from '@agentid/core'
import { accessTokenHash, DPOP_TYPE } from '@agentid/verifier'
import { signCompact, signJwt, type AgentKey } from '../key/agent-key.js'

/** What a DPoP proof covers (RFC 9449, section 4.2). */
export interface DpopProofOptions {
  /** The request's method. */
  readonly method: string
  /** The request's URL; its query and fragment are left out of `htu`. */
  readonly url: string | URL
  /** The access token the request presents (`ath`); absent at the token endpoint. */
  readonly accessToken?: string
  /** The server's latest `DPoP-Nonce`, when it asked for one. */
  readonly nonce?: string
  /** Seconds (default now). */
  readonly iat?: number
  readonly jti?: string
}

// One header per key: its public JWK is fixed.
const headers = new WeakMap<AgentKey, string>()

function dpopHeader(key: AgentKey): string {
  let header = headers.get(key)
  if (header === undefined) {
    header = encodeBase64url(JSON.stringify({ typ: DPOP_TYPE, alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(key.publicKey) } }))
    headers.set(key, header)
  }
  return header
}

/** A DPoP proof signed with the agent's own key: tokens are bound to the key of its did:key. */
export function createDpopProof(key: AgentKey, options: DpopProofOptions): string {
  const url = new URL(String(options.url))
  return signCompact(key, dpopHeader(key), {
    jti: options.jti ?? randomUUID(),
    htm: options.method.toUpperCase(),
    htu: `${url.protocol}//${url.host}${url.pathname}`,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(options.accessToken !== undefined ? { ath: accessTokenHash(options.accessToken) } : {}),
    ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
  })
}

/** Options of {@link createJwtBearerAssertion}. */
export interface JwtBearerAssertionOptions {
  /** The authorization server's issuer identifier (its metadata's `issuer`). */
  readonly audience: string
  /** Seconds the assertion is valid (default 60, at most 300). */
  readonly lifetimeSeconds?: number
  /** Seconds (default now). */
  readonly iat?: number
  readonly jti?: string
}

/**
 * An RFC 7523 assertion for the `jwt-bearer` grant: the agent asserts itself (`iss` = `sub` = its
 * DID), to one authorization server, once (`jti`), briefly.
 */
export function createJwtBearerAssertion(key: AgentKey, options: JwtBearerAssertionOptions): string {
  const iat = options.iat ?? Math.floor(Date.now() / 1000)
  return signJwt(key, { iss: key.did, sub: key.did, aud: options.audience, iat, exp: iat + Math.min(options.lifetimeSeconds ?? 60, 300), jti: options.jti ?? randomUUID() })
}
