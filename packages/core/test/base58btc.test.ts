import assert from 'node:assert/strict'
import { decodeBase58btc, encodeBase58btc } from '@agentid/core'
import { throwsCode } from './assert-code.js'

// [hex, base58btc]: classic Bitcoin base58 test vectors.
const KNOWN: Array<[string, string]> = [
  ['', ''],
  ['61', '2g'],
  ['626262', 'a3gV'],
  ['636363', 'aPEr'],
  ['73696d706c792061206c6f6e6720737472696e67', '2cFupjhnEsSn59qHXstmK2ffpLv2'],
  ['00eb15231dfceb60925886b67d065299925915aeb172c06647', '1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L'],
  ['516b6fcd0f', 'ABnLTmg'],
  ['bf4f89001e670274dd', '3SEo3LWLoPntC'],
  ['572e4794', '3EFU7m'],
  ['ecac89cad93923c02321', 'EJDM8drfXA6uyA'],
  ['10c8511e', 'Rt5zm'],
  ['00000000000000000000', '1111111111'],
]

const INVALID: Array<[string, string, string]> = [
  ['zero', '0', 'ERR_DID_INVALID'],
  ['capital O', 'O', 'ERR_DID_INVALID'],
  ['capital I', 'I', 'ERR_DID_INVALID'],
  ['lower-case l', 'l', 'ERR_DID_INVALID'],
  ['space', 'ab c', 'ERR_DID_INVALID'],
  ['non-ASCII', 'abé', 'ERR_DID_INVALID'],
  ['plus', 'a+b', 'ERR_DID_INVALID'],
]

describe('base58btc', () => {
  for (const [hex, text] of KNOWN) {
    it(`encodes and decodes 0x${hex || '(empty)'}`, () => {
      const bytes = Uint8Array.from(Buffer.from(hex, 'hex'))
      assert.equal(encodeBase58btc(bytes), text)
      assert.deepEqual(decodeBase58btc(text), bytes)
    })
  }

  for (const [name, text, code] of INVALID) it(`refuses ${name}`, () => throwsCode(() => decodeBase58btc(text), code))

  it('round-trips leading zero bytes and 34-byte did:key payloads', () => {
    for (let zeros = 0; zeros < 4; zeros++) {
      const bytes = Uint8Array.from([...new Array<number>(zeros).fill(0), 0xed, 0x01, ...Array.from({ length: 32 }, (_, i) => (i * 37 + zeros) & 0xff)])
      assert.deepEqual(decodeBase58btc(encodeBase58btc(bytes)), bytes)
    }
  })
})
