import assert from 'node:assert/strict'
import { createPublicKey, sign, verify } from 'node:crypto'
import { assertStrongEd25519PublicKey, isCanonicalScalar, weakPointReason } from '@agentid/core'
import { describeWithVectors, readVectorJson } from '../../../test/support/vectors.js'
import { throwsCode } from './assert-code.js'
import { hex, privateKeyFromSeed, publicKeyFromSeed, seedOf } from './ed25519.js'

const P = (1n << 255n) - 19n
const L = (1n << 252n) + 27742317777372353535851937790883648493n

/** 32-byte little-endian encoding of n, with bit 255 (the sign of x) set when `sign`. */
function le(n: bigint, sign = false): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn)
  if (sign) out[31] = out[31]! | 0x80
  return out
}

/** A 64-byte signature with R from a valid key and the given S. */
const withS = (s: bigint | Uint8Array): Uint8Array => {
  const sig = new Uint8Array(64)
  sig.set(publicKeyFromSeed(seedOf(1)), 0)
  sig.set(typeof s === 'bigint' ? le(s) : s, 32)
  return sig
}

// The order-8 points' y values, from RFC 8032's curve: independent of the list in src.
const ORDER8_Y = [
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
]

// [name, encoding, weak]
const POINTS: Array<[string, Uint8Array, boolean]> = [
  ['identity, y = 1', le(1n), true],
  ['identity with the sign bit (x = -0)', le(1n, true), true],
  ['order 2, y = p - 1', le(P - 1n), true],
  ['order 2 with the sign bit', le(P - 1n, true), true],
  ['order 4, y = 0', le(0n), true],
  ['order 4, y = 0, other x', le(0n, true), true],
  ...ORDER8_Y.flatMap((y): Array<[string, Uint8Array, boolean]> => [
    [`order 8, y = ${y.slice(0, 8)}…`, hex(y), true],
    [`order 8, y = ${y.slice(0, 8)}…, other x`, le(BigInt(`0x${Buffer.from(hex(y)).reverse().toString('hex')}`), true), true],
  ]),
  ['y = p (non-canonical 0)', le(P), true],
  ['y = p with the sign bit', le(P, true), true],
  ['y = p + 1 (non-canonical 1)', le(P + 1n), true],
  ['y = p + 18 = 2^255 - 1', le(P + 18n), true],
  ['all bits set', new Uint8Array(32).fill(0xff), true],
  ['RFC 8032 TEST 1 public key', hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'), false],
  ['RFC 8032 TEST 2 public key', hex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'), false],
  ['a key from the all-zero seed', publicKeyFromSeed(seedOf(0)), false],
  ['31 bytes', new Uint8Array(31).fill(9), true],
  ['33 bytes', new Uint8Array(33).fill(9), true],
  ['empty', new Uint8Array(0), true],
]

describe('strict Ed25519 points', () => {
  for (const [name, encoding, weak] of POINTS) {
    it(`${weak ? 'refuses' : 'accepts'} ${name}`, () => {
      assert.equal(weakPointReason(encoding) !== undefined, weak)
      if (weak) throwsCode(() => assertStrongEd25519PublicKey(encoding), 'ERR_KEY_WEAK')
      else assert.doesNotThrow(() => assertStrongEd25519PublicKey(encoding))
    })
  }

  it('accepts y = p - 2, the largest canonical y that is not small order', () => {
    // Whether it is on the curve is node:crypto's business; the encoding check must not refuse it.
    assert.equal(weakPointReason(le(P - 2n)), undefined)
  })

  it('accepts the public keys of 64 fixed seeds', () => {
    for (let n = 0; n < 64; n++) assert.equal(weakPointReason(publicKeyFromSeed(seedOf(n))), undefined, String(n))
  })
})

// [name, S, canonical]
const SCALARS: Array<[string, bigint | Uint8Array, boolean]> = [
  ['S = 0', 0n, true],
  ['S = 1', 1n, true],
  ['S = L - 1', L - 1n, true],
  ['S = L', L, false],
  ['S = L + 1', L + 1n, false],
  ['S = 2^252 (below L)', 1n << 252n, true],
  ['S = 2^253', 1n << 253n, false],
  ['S = p', P, false],
  ['S = 2^256 - 1', (1n << 256n) - 1n, false],
]

describe('canonical signature scalar', () => {
  for (const [name, s, canonical] of SCALARS) it(`${name} is ${canonical ? '' : 'not '}canonical`, () => assert.equal(isCanonicalScalar(withS(s)), canonical))

  it('refuses signatures that are not 64 bytes', () => {
    assert.equal(isCanonicalScalar(new Uint8Array(63)), false)
    assert.equal(isCanonicalScalar(new Uint8Array(65)), false)
    assert.equal(isCanonicalScalar(new Uint8Array(0)), false)
  })

  it('accepts real signatures and refuses S + L, which node:crypto also accepts', () => {
    const key = privateKeyFromSeed(seedOf(3))
    for (let n = 0; n < 16; n++) {
      const sig = new Uint8Array(sign(null, Buffer.from(`message ${n}`), key))
      assert.equal(isCanonicalScalar(sig), true)
      let s = 0n
      for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!)
      if (s + L < 1n << 256n) assert.equal(isCanonicalScalar(withRAndS(sig, s + L)), false)
    }
  })
})

function withRAndS(sig: Uint8Array, s: bigint): Uint8Array {
  const out = Uint8Array.from(sig)
  out.set(le(s), 32)
  return out
}

/** The strict policy core makes possible: canonical, not-small-order A and R, S < L, then node:crypto. */
function strictVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (weakPointReason(publicKey) !== undefined || signature.length !== 64) return false
  if (weakPointReason(signature.subarray(0, 32)) !== undefined || !isCanonicalScalar(signature)) return false
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' })
    return verify(null, message, key, signature)
  } catch {
    return false
  }
}

describeWithVectors('strict Ed25519 against ZIP-215 and ed25519-speccheck', () => {
  const zip215 = readVectorJson<Array<{ vk_bytes: string; sig_bytes: string; valid_legacy: boolean }>>('rfc8032/zip215.json')

  it('refuses every public key of ZIP-215 (all small order, canonical or not)', () => {
    const keys = new Set(zip215.map((v) => v.vk_bytes))
    assert.equal(keys.size, 14)
    for (const k of keys) assert.notEqual(weakPointReason(hex(k)), undefined, k)
  })

  it('refuses every R of ZIP-215 that is small order or non-canonical', () => {
    const rs = new Set(zip215.map((v) => v.sig_bytes.slice(0, 64)))
    for (const r of rs) if (new Set(zip215.map((v) => v.vk_bytes)).has(r)) assert.notEqual(weakPointReason(hex(r)), undefined, r)
  })

  const cases = readVectorJson<Array<{ message: string; pub_key: string; signature: string }>>('ed25519-speccheck/cases.json')
  it('has the 12 speccheck cases', () => assert.equal(cases.length, 12))
  // README: the strict policy (libsodium, "Dalek strict") accepts only case 3.
  cases.forEach((c, i) => {
    it(`speccheck case ${i}: ${i === 3 ? 'accepted' : 'refused'} by the strict policy`, () => {
      assert.equal(strictVerify(hex(c.pub_key), hex(c.message), hex(c.signature)), i === 3)
    })
  })
})
