import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'

// PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')

/** The Ed25519 private key object for a 32-byte seed. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
}

/** The raw 32-byte Ed25519 public key for a seed, derived by node:crypto. */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  const jwk = createPublicKey(privateKeyFromSeed(seed)).export({ format: 'jwk' })
  return Uint8Array.from(Buffer.from(String(jwk.x), 'base64url'))
}

/** A fixed seed: 32 bytes all equal to `n`. */
export function seedOf(n: number): Uint8Array {
  return new Uint8Array(32).fill(n)
}

/** Bytes from hex. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'))
}
