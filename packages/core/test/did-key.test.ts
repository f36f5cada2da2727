import assert from 'node:assert/strict'
import { didKeyFromPublicKey, encodeBase58btc, parseDidKey, parseDidKeyUrl } from '@agentid/core'
import { throwsCode } from './assert-code.js'
import { hex, publicKeyFromSeed, seedOf } from './ed25519.js'

// The did:key of the all-zero seed, as every did:key implementation spells it.
const ZERO_SEED_DID = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'

/** did:key:z + base58btc(prefix || key): lets a test build any multicodec payload. */
const didOf = (...parts: Array<ArrayLike<number>>): string => `did:key:z${encodeBase58btc(Uint8Array.from(parts.flatMap((p) => Array.from(p))))}`

const KEY = publicKeyFromSeed(seedOf(7))
const DID = didKeyFromPublicKey(KEY)
const OTHER = didKeyFromPublicKey(publicKeyFromSeed(seedOf(8)))
const MB = DID.did.slice('did:key:'.length)

const P_MINUS_1 = hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
const P = hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')

// [name, did, code]: parseDidKey must refuse each with exactly this code.
const PARSE_CASES: Array<[string, unknown, string]> = [
  ['a number', 42, 'ERR_DID_INVALID'],
  ['null', null, 'ERR_DID_INVALID'],
  ['undefined', undefined, 'ERR_DID_INVALID'],
  ['an object', { did: DID.did }, 'ERR_DID_INVALID'],
  ['the empty string', '', 'ERR_DID_INVALID'],
  ['not a DID', 'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'ERR_DID_INVALID'],
  ['upper-case scheme', DID.did.replace('did:', 'DID:'), 'ERR_DID_INVALID'],
  ['leading space', ` ${DID.did}`, 'ERR_DID_INVALID'],
  ['trailing space', `${DID.did} `, 'ERR_DID_INVALID'],
  ['trailing newline', `${DID.did}\n`, 'ERR_DID_INVALID'],
  ['a fragment (use parseDidKeyUrl)', DID.keyId, 'ERR_DID_INVALID'],
  ['a query', `${DID.did}?x=1`, 'ERR_DID_INVALID'],
  ['a path', `${DID.did}/x`, 'ERR_DID_INVALID'],
  ['longer than 128 characters', `did:key:z${'a'.repeat(121)}`, 'ERR_DID_INVALID'],
  ['did:web', 'did:web:example.com', 'ERR_DID_UNSUPPORTED'],
  ['did:jwk', 'did:jwk:eyJrdHkiOiJPS1AifQ', 'ERR_DID_UNSUPPORTED'],
  ['did:KEY (methods are case-sensitive)', DID.did.replace('did:key:', 'did:KEY:'), 'ERR_DID_UNSUPPORTED'],
  ['empty method-specific id', 'did:key:', 'ERR_DID_INVALID'],
  ['multibase prefix only', 'did:key:z', 'ERR_DID_INVALID'],
  ['upper-case Z multibase (base58flickr)', `did:key:Z${MB.slice(1)}`, 'ERR_DID_INVALID'],
  ['base64url multibase', `did:key:u${Buffer.from([0xed, 0x01, ...KEY]).toString('base64url')}`, 'ERR_DID_INVALID'],
  ['a versioned form did:key:1:z…', `did:key:1:${MB}`, 'ERR_DID_INVALID'],
  ['a character outside base58', `${DID.did.slice(0, -1)}0`, 'ERR_DID_INVALID'],
  ['codec only', didOf([0xed, 0x01]), 'ERR_DID_INVALID'],
  ['31-byte key', didOf([0xed, 0x01], KEY.subarray(1)), 'ERR_DID_INVALID'],
  ['33-byte key', didOf([0xed, 0x01], KEY, [0]), 'ERR_DID_INVALID'],
  ['non-minimal varint 0xed 0x81 0x00', didOf([0xed, 0x81, 0x00], KEY), 'ERR_DID_INVALID'],
  ['varint that never ends', didOf([0xed, 0x81, 0x80, 0x80, 0x80, 0x01], KEY), 'ERR_DID_INVALID'],
  ['unknown multicodec 0x01', didOf([0x01], KEY), 'ERR_DID_INVALID'],
  ['leading zero byte before the codec', didOf([0x00, 0xed, 0x01], KEY), 'ERR_DID_INVALID'],
  ['x25519-pub (0xec)', didOf([0xec, 0x01], KEY), 'ERR_DID_UNSUPPORTED'],
  ['secp256k1-pub (0xe7)', didOf([0xe7, 0x01], [0x02], KEY), 'ERR_DID_UNSUPPORTED'],
  ['p256-pub (0x1200)', didOf([0x80, 0x24], [0x02], KEY), 'ERR_DID_UNSUPPORTED'],
  ['p384-pub (0x1201)', didOf([0x81, 0x24], [0x02], KEY, KEY.subarray(0, 16)), 'ERR_DID_UNSUPPORTED'],
  ['p521-pub (0x1202)', didOf([0x82, 0x24], [0x02], KEY, KEY, [1]), 'ERR_DID_UNSUPPORTED'],
  ['bls12_381-g1-pub (0xea)', didOf([0xea, 0x01], KEY, KEY.subarray(0, 16)), 'ERR_DID_UNSUPPORTED'],
  ['ed25519-priv (0x1300)', didOf([0x80, 0x26], KEY), 'ERR_DID_UNSUPPORTED'],
  ['identity point (y = 1)', didOf([0xed, 0x01], hex('0100000000000000000000000000000000000000000000000000000000000000')), 'ERR_KEY_WEAK'],
  ['order-2 point (y = p - 1)', didOf([0xed, 0x01], P_MINUS_1), 'ERR_KEY_WEAK'],
  ['order-4 point (y = 0)', didOf([0xed, 0x01], new Uint8Array(32)), 'ERR_KEY_WEAK'],
  ['non-canonical y = p', didOf([0xed, 0x01], P), 'ERR_KEY_WEAK'],
]

// [name, DID URL, code]: parseDidKeyUrl must refuse each with exactly this code.
const URL_CASES: Array<[string, unknown, string]> = [
  ['not a string', 7, 'ERR_DID_INVALID'],
  ['a fragment that is not the key', `${DID.did}#key-1`, 'ERR_DID_INVALID'],
  ['an empty fragment', `${DID.did}#`, 'ERR_DID_INVALID'],
  ['the fragment of another did:key', `${DID.did}#${OTHER.did.slice(8)}`, 'ERR_DID_INVALID'],
  ['the right fragment twice', `${DID.keyId}#${MB}`, 'ERR_DID_INVALID'],
  ['the fragment with a suffix', `${DID.keyId}x`, 'ERR_DID_INVALID'],
  ['a query', `${DID.did}?service=x`, 'ERR_DID_INVALID'],
  ['a query before the fragment', `${DID.did}?x#${MB}`, 'ERR_DID_INVALID'],
  ['a path', `${DID.did}/path`, 'ERR_DID_INVALID'],
  ['a path and query before the fragment', `${DID.did}/path?service=x#${MB}`, 'ERR_DID_INVALID'],
  ['a query inside the fragment', `${DID.keyId}?x`, 'ERR_DID_INVALID'],
  ['a did:web key', 'did:web:example.com#key-1', 'ERR_DID_UNSUPPORTED'],
  ['a weak key with its own fragment', `${didOf([0xed, 0x01], P)}#${didOf([0xed, 0x01], P).slice(8)}`, 'ERR_KEY_WEAK'],
]

describe('did:key', () => {
  it('encodes the all-zero seed as the well-known DID', () => {
    const key = didKeyFromPublicKey(publicKeyFromSeed(seedOf(0)))
    assert.equal(key.did, ZERO_SEED_DID)
    assert.equal(key.keyId, `${ZERO_SEED_DID}#${ZERO_SEED_DID.slice(8)}`)
  })

  it('spells every Ed25519 did:key as did:key:z6Mk… of 56 characters', () => {
    for (let n = 0; n < 32; n++) {
      const { did } = didKeyFromPublicKey(publicKeyFromSeed(seedOf(n)))
      assert.match(did, /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/)
    }
  })

  it('round-trips DID -> public key -> DID', () => {
    for (let n = 0; n < 32; n++) {
      const publicKey = publicKeyFromSeed(seedOf(n))
      const made = didKeyFromPublicKey(publicKey)
      const parsed = parseDidKey(made.did)
      assert.deepEqual(new Uint8Array(parsed.publicKey), publicKey)
      assert.equal(parsed.did, made.did)
      assert.equal(parsed.keyId, made.keyId)
      assert.equal(didKeyFromPublicKey(parsed.publicKey).did, made.did)
    }
  })

  it('copies the key given to didKeyFromPublicKey', () => {
    const publicKey = Uint8Array.from(KEY)
    const made = didKeyFromPublicKey(publicKey)
    publicKey.fill(0)
    assert.deepEqual(made.publicKey, KEY)
  })

  it('gives a public key exactly 32 bytes long', () => {
    assert.equal(parseDidKey(DID.did).publicKey.length, 32)
  })

  for (const [name, did, code] of PARSE_CASES) it(`parseDidKey refuses ${name}`, () => throwsCode(() => parseDidKey(did), code))

  it('refuses to make a DID from a key that is not 32 bytes', () => {
    throwsCode(() => didKeyFromPublicKey(KEY.subarray(1)), 'ERR_INPUT_INVALID')
    throwsCode(() => didKeyFromPublicKey(new Uint8Array(33)), 'ERR_INPUT_INVALID')
    throwsCode(() => didKeyFromPublicKey(new Uint8Array(0)), 'ERR_INPUT_INVALID')
  })

  it('refuses to make a DID from a weak key', () => {
    throwsCode(() => didKeyFromPublicKey(new Uint8Array(32)), 'ERR_KEY_WEAK')
    throwsCode(() => didKeyFromPublicKey(P), 'ERR_KEY_WEAK')
    throwsCode(() => didKeyFromPublicKey(P_MINUS_1), 'ERR_KEY_WEAK')
  })
})

describe('did:key URLs', () => {
  it('accepts the DID alone', () => {
    assert.deepEqual(parseDidKeyUrl(DID.did), parseDidKey(DID.did))
  })

  it('accepts the DID with its only key fragment', () => {
    const key = parseDidKeyUrl(DID.keyId)
    assert.equal(key.did, DID.did)
    assert.equal(key.keyId, DID.keyId)
    assert.deepEqual(new Uint8Array(key.publicKey), KEY)
  })

  for (const [name, url, code] of URL_CASES) it(`parseDidKeyUrl refuses ${name}`, () => throwsCode(() => parseDidKeyUrl(url), code))
})
