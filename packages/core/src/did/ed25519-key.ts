import { agentIdError } from '../errors/agentid-error.js'

// Ed25519 field prime p = 2^255 - 19 and group order L (RFC 8032 section 5.1).
const P = (1n << 255n) - 19n
const L = (1n << 252n) + 27742317777372353535851937790883648493n

// y-coordinates of the eight small-order points (orders 1, 2, 4 and 8). A point with one of these
// y values has small order whatever the sign of x; a public key or R among them lets one signature
// verify for many messages (ed25519-speccheck cases 0-2, ZIP-215).
const Y_ORDER_8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n
const SMALL_ORDER_Y = new Set<bigint>([0n, 1n, P - 1n, Y_ORDER_8, P - Y_ORDER_8])

function littleEndian(bytes: Uint8Array, mask255: boolean): bigint {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) {
    const byte = i === 31 && mask255 ? bytes[i]! & 0x7f : bytes[i]!
    value = (value << 8n) | BigInt(byte)
  }
  return value
}

/**
 * Why an encoded Edwards point (a public key or a signature's R) is unacceptable, or undefined.
 * Strict policy of libsodium and "Dalek strict": the y-coordinate must be canonical (< p) and the
 * point must not be of small order.
 */
export function weakPointReason(encoded: Uint8Array): string | undefined {
  if (encoded.length !== 32) return 'is not 32 bytes'
  const y = littleEndian(encoded, true)
  if (y >= P) return 'is a non-canonical encoding'
  if (SMALL_ORDER_Y.has(y)) return 'is a point of small order'
  // x = 0 exists only for y = 1 and y = p - 1 (already refused), so a set sign bit there is moot.
  return undefined
}

/**
 * Checks an Ed25519 public key under the strict policy.
 * @throws AgentIdError ERR_KEY_WEAK
 */
export function assertStrongEd25519PublicKey(publicKey: Uint8Array): void {
  const reason = weakPointReason(publicKey)
  if (reason !== undefined) throw agentIdError('ERR_KEY_WEAK', `Ed25519 public key ${reason}`)
}

/** True when the scalar S of a 64-byte Ed25519 signature is canonical (S < L, RFC 8032 5.1.7). */
export function isCanonicalScalar(signature: Uint8Array): boolean {
  return littleEndian(signature.subarray(32, 64), false) < L
}
