import { agentIdError } from '../errors/agentid-error.js'

// Byte-level checks (little-endian, as encoded) because they run on every signature the verifier
// checks; BigInt arithmetic would cost more than the rest of the parsing.

// p = 2^255 - 19, the field prime.
const P_BYTES = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xed : i === 31 ? 0x7f : 0xff))
// L = 2^252 + 27742317777372353535851937790883648493, the group order (RFC 8032 section 5.1).
const L_BYTES = Uint8Array.from(Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex'))

// Canonical encodings (sign bit cleared) of the y-coordinates of the eight small-order points:
// y = 1 (order 1), p - 1 (order 2), 0 (order 4) and the two y values of the order-8 points.
// A point with one of these y values has small order whatever the sign of x; such a public key
// or R lets one signature verify for many messages (ed25519-speccheck cases 0-2, ZIP-215).
const SMALL_ORDER_Y = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
].map((hex) => Uint8Array.from(Buffer.from(hex, 'hex')))

/** Compares two 32-byte little-endian numbers; `maskTop` clears bit 255 of `a` (the sign of x). */
function compareLittleEndian(a: Uint8Array, b: Uint8Array, maskTop: boolean): number {
  for (let i = 31; i >= 0; i--) {
    const x = i === 31 && maskTop ? a[i]! & 0x7f : a[i]!
    if (x !== b[i]) return x < b[i]! ? -1 : 1
  }
  return 0
}

/**
 * Why an encoded Edwards point (a public key or a signature's R) is unacceptable, or undefined.
 * Strict policy of libsodium and "Dalek strict": the y-coordinate must be canonical (< p) and the
 * point must not be of small order.
 */
export function weakPointReason(encoded: Uint8Array): string | undefined {
  if (encoded.length !== 32) return 'is not 32 bytes'
  if (compareLittleEndian(encoded, P_BYTES, true) >= 0) return 'is a non-canonical encoding'
  for (const y of SMALL_ORDER_Y) if (compareLittleEndian(encoded, y, true) === 0) return 'is a point of small order'
  // x = 0 exists only for y = 1 and y = p - 1 (refused above), so the sign bit needs no check.
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
  return signature.length === 64 && compareLittleEndian(signature.subarray(32, 64), L_BYTES, false) < 0
}
