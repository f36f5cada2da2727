import assert from 'node:assert/strict'
import { decodeBase64url, encodeBase64url, isStrictBase64url } from '@agentid/core'
import { describeWithVectors, readVectorJson } from '../../../test/support/vectors.js'
import { throwsCode } from './assert-code.js'

// [name, text]: canonical unpadded base64url, with the bytes each decodes to (hex).
const VALID: Array<[string, string, string]> = [
  ['empty', '', ''],
  ['one byte, zero trailing bits', 'AA', '00'],
  ['one byte 0xff', '_w', 'ff'],
  ['two bytes', 'AAE', '0001'],
  ['two bytes 0xffff', '__8', 'ffff'],
  ['three bytes', 'AQID', '010203'],
  ['url-safe characters', '-_-_', 'fbffbf'],
  ['RFC 8037 A.4 header', 'eyJhbGciOiJFZERTQSJ9', Buffer.from('{"alg":"EdDSA"}').toString('hex')],
]

// [name, text]: refused by isStrictBase64url and by decodeBase64url with ERR_INPUT_INVALID.
const INVALID: Array<[string, string]> = [
  ['padding ==', 'AA=='],
  ['padding =', 'AAE='],
  ['padding on a full quantum', 'AQID===='],
  ['lone padding', '='],
  ['standard alphabet +', 'AQ+D'],
  ['standard alphabet /', 'AQ/D'],
  ['space inside', 'AQ ID'],
  ['leading space', ' AQID'],
  ['trailing newline', 'AQID\n'],
  ['tab', 'AQ\tID'],
  ['length % 4 == 1', 'AQIDB'],
  ['single character', 'A'],
  ['non-zero trailing bits, 2 leftover chars (AB)', 'AB'],
  ['non-zero trailing bits, 2 leftover chars (AP)', 'AP'],
  ['non-zero trailing bits, 3 leftover chars (AAF)', 'AAF'],
  ['non-zero trailing bits, 3 leftover chars (AAD)', 'AAD'],
  ['dot', 'AQ.D'],
  ['non-ASCII letter', 'AQé'],
  ['full-width letter', 'ＡＱＩＤ'],
  ['NUL', 'AQ\u0000D'],
]

describe('strict base64url', () => {
  for (const [name, text, hex] of VALID) {
    it(`accepts ${name}`, () => {
      assert.equal(isStrictBase64url(text), true)
      assert.equal(decodeBase64url(text).toString('hex'), hex)
    })
  }

  for (const [name, text] of INVALID) {
    it(`refuses ${name}`, () => {
      assert.equal(isStrictBase64url(text), false)
      throwsCode(() => decodeBase64url(text), 'ERR_INPUT_INVALID')
    })
  }

  it('throws the code the caller asks for', () => {
    throwsCode(() => decodeBase64url('AA==', 'ERR_JWS_MALFORMED', 'signature'), 'ERR_JWS_MALFORMED')
    throwsCode(() => decodeBase64url('AB', 'ERR_JWS_MALFORMED'), 'ERR_JWS_MALFORMED')
  })

  it('refuses exactly the strings that Node decodes leniently to the same bytes', () => {
    // Buffer.from accepts these and gives the bytes of the canonical spelling: two tokens, one meaning.
    for (const [lenient, canonical] of [['AB', 'AA'], ['AA==', 'AA'], ['+/8', '-_8'], ['AQ ID', 'AQID']] as const) {
      assert.deepEqual(Buffer.from(lenient, 'base64url'), Buffer.from(canonical, 'base64url'))
      assert.equal(isStrictBase64url(lenient), false, lenient)
      assert.equal(isStrictBase64url(canonical), true, canonical)
    }
  })

  it('round-trips every length from 0 to 64 bytes and every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    for (let n = 0; n <= 64; n++) {
      const bytes = all.subarray(256 - n)
      const text = encodeBase64url(bytes)
      assert.equal(isStrictBase64url(text), true, text)
      assert.doesNotMatch(text, /[=+/]/)
      assert.deepEqual(new Uint8Array(decodeBase64url(text)), Uint8Array.from(bytes))
    }
    assert.deepEqual(new Uint8Array(decodeBase64url(encodeBase64url(all))), all)
  })

  it('encodes only the viewed bytes of a subarray', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6])
    assert.equal(encodeBase64url(bytes.subarray(2, 5)), encodeBase64url(Uint8Array.from([3, 4, 5])))
  })

  it('encodes a string as UTF-8', () => {
    assert.equal(encodeBase64url('Example of Ed25519 signing'), 'RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc')
    assert.equal(decodeBase64url(encodeBase64url('é€𝄞')).toString('utf8'), 'é€𝄞')
  })
})

interface Rfc8037 {
  'A.4_signature_b64url': string
  'A.4_compact_jws': string
  derived_negative_cases_NOT_from_RFC: Array<{ name: string; jws: string; nodeCryptoRawVerify: boolean }>
}

describeWithVectors('strict base64url against RFC 8037 appendix A', () => {
  const v = readVectorJson<Rfc8037>('rfc8037/rfc8037-appendixA-ed25519.json')

  it('accepts every segment of the A.4 compact JWS', () => {
    const parts = v['A.4_compact_jws'].split('.')
    assert.equal(parts.length, 3)
    for (const part of parts) assert.equal(isStrictBase64url(part), true, part)
    assert.equal(decodeBase64url(v['A.4_signature_b64url']).length, 64)
  })

  // The derived encodings that Node's raw verify accepts (same bytes) must fail the strict check.
  const lenient = v.derived_negative_cases_NOT_from_RFC.filter((c) => c.nodeCryptoRawVerify)
  it('has the three lenient encodings (padding, trailing bits, standard alphabet)', () => {
    assert.equal(lenient.length, 3)
  })
  for (const c of lenient) {
    it(`refuses a segment of: ${c.name}`, () => {
      const segments = c.jws.split('.')
      assert.ok(segments.some((s) => !isStrictBase64url(s)))
      const signature = segments[2]!
      // Node decodes it to the RFC signature bytes: only the strict check tells them apart.
      assert.deepEqual(Buffer.from(signature, 'base64url'), Buffer.from(v['A.4_signature_b64url'], 'base64url'))
      throwsCode(() => decodeBase64url(signature, 'ERR_JWS_MALFORMED'), 'ERR_JWS_MALFORMED')
    })
  }

  it('refuses the header with whitespace inserted', () => {
    const c = v.derived_negative_cases_NOT_from_RFC.find((x) => x.name.includes('whitespace'))
    assert.ok(c)
    assert.equal(isStrictBase64url(c.jws.split('.')[0]!), false)
  })
})
