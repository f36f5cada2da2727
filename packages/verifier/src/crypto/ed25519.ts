import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { isCanonicalScalar, parseDidKey, parseDidKeyUrl, weakPointReason, type DidKey } from '@agentid/core'
import { BoundedCache } from '../internal/bounded-cache.js'

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** A did:key whose public key is ready for node:crypto. */
export interface ResolvedKey extends DidKey {
  readonly keyObject: KeyObject
}

// Parsing a did:key and building its KeyObject costs more than a signature check: keep them.
// DIDs and key ids are cached apart, so that a key id is never accepted where a DID is required.
const dids = new BoundedCache<string, ResolvedKey>(4096)
const keyIds = new BoundedCache<string, ResolvedKey>(4096)

function resolve(value: string, cache: BoundedCache<string, ResolvedKey>, parse: (value: string) => DidKey): ResolvedKey {
  const cached = cache.get(value)
  if (cached) return cached
  const parsed = parse(value)
  const resolved = { ...parsed, keyObject: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, parsed.publicKey]), format: 'der', type: 'spki' }) }
  cache.set(value, resolved)
  return resolved
}

/**
 * Resolves a did:key (a DID, not a DID URL: `iss` and `sub` name a subject) to a checked Ed25519
 * key, cached.
 * @throws AgentIdError ERR_DID_INVALID, ERR_DID_UNSUPPORTED, ERR_KEY_WEAK
 */
export function resolveDidKey(did: string): ResolvedKey {
  return resolve(did, dids, parseDidKey)
}

/**
 * Resolves a JWS `kid`: a did:key URL whose fragment is the key itself.
 * @throws AgentIdError ERR_DID_INVALID, ERR_DID_UNSUPPORTED, ERR_KEY_WEAK
 */
export function resolveKeyId(keyId: string): ResolvedKey {
  return resolve(keyId, keyIds, parseDidKeyUrl)
}

/**
 * Strict Ed25519 verification: the key was checked when resolved; here R must be canonical and not
 * of small order and S < L, which OpenSSL alone does not all enforce (it accepts ed25519-speccheck
 * cases 0, 1, 2 and 11, and with the identity key it accepts R = identity, S = 0 for any message).
 */
export function verifyEd25519(key: ResolvedKey, data: Buffer, signature: Buffer): boolean {
  if (signature.length !== 64) return false
  if (!isCanonicalScalar(signature) || weakPointReason(signature.subarray(0, 32)) !== undefined) return false
  return verify(null, data, key.keyObject, signature)
}
