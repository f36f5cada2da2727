import assert from 'node:assert/strict'
import { decodeBase58btc, didKeyFromPublicKey, parseDidKey, parseDidKeyUrl } from '@agentid/core'
import { describeWithVectors, readVectorJson } from '../../../test/support/vectors.js'
import { throwsCode } from './assert-code.js'
import { hex, publicKeyFromSeed } from './ed25519.js'

interface Ed25519Vector {
  seed: string
  verificationKeyPair: { id: string; publicKeyBase58?: string; publicKeyJwk?: { x: string } }
  didDocument: { id: string; verificationMethod: Array<{ id: string }> }
}

interface DerivedNegatives {
  valid: Array<{ name: string; did: string; publicKeyHex: string }>
  negative: Array<{ name: string; did: string; kid?: string; expected: string }>
}

// Our code for each derived negative case, keyed by its name (the spec's error names in comments).
const DERIVED_CODES: Record<string, string> = {
  'scheme not did': 'ERR_DID_INVALID', // invalidDid
  'method not key': 'ERR_DID_UNSUPPORTED', // methodNotSupported
  'version not a positive integer': 'ERR_DID_INVALID', // invalidDid
  'multibase not base58btc (no z prefix; u=base64url)': 'ERR_DID_INVALID', // invalidDid
  'illegal character': 'ERR_DID_INVALID', // invalidDid
  'non-base58 characters (0, O, I, l)': 'ERR_DID_INVALID', // invalidDid
  'too short for Ed25519': 'ERR_DID_INVALID', // invalidPublicKeyLength
  'Ed25519 multicodec with 31-byte key': 'ERR_DID_INVALID', // invalidPublicKeyLength
  'Ed25519 multicodec with 33-byte key (trailing byte)': 'ERR_DID_INVALID', // invalidPublicKeyLength
  'X25519 (0xec) key used as signer': 'ERR_DID_UNSUPPORTED', // key agreement only
  'private-key multicodec ed25519-priv 0x1300 (varint 0x80 0x26) in place of a public key': 'ERR_DID_UNSUPPORTED',
  'non-minimal varint for 0xed (0xed 0x81 0x00)': 'ERR_DID_INVALID',
  'secp256k1 key (0xe7) when only Ed25519 supported': 'ERR_DID_UNSUPPORTED', // unsupportedPublicKeyType
  'Ed25519 identity point (small order, all-zero-ish)': 'ERR_KEY_WEAK', // invalidPublicKey
  'Ed25519 point of order 8 (speccheck case 0 key)': 'ERR_KEY_WEAK', // invalidPublicKey
  'Ed25519 non-canonical y encoding (y = p)': 'ERR_KEY_WEAK', // invalidPublicKey
  'did URL fragment does not match key (kid = did#other)': 'ERR_DID_INVALID', // invalidDidUrl
  'query/path in DID URL': 'ERR_DID_INVALID', // invalidDidUrl
}
// A well-formed kid of another DID: the kid parses; the caller's kid-vs-iss comparison refuses it.
const KID_OF_ANOTHER_DID = 'kid is a different did:key than iss'

describeWithVectors('did:key vectors: Ed25519 (w3c-ccg/did-method-key)', () => {
  const vectors = readVectorJson<Record<string, Ed25519Vector>>('did-key/ed25519-x25519.json')

  it('has the 5 Ed25519 vectors', () => assert.equal(Object.keys(vectors).length, 5))

  for (const [did, v] of Object.entries(vectors)) {
    it(`seed ${v.seed.slice(-4)} -> ${did.slice(0, 20)}…`, () => {
      const publicKey = publicKeyFromSeed(hex(v.seed))
      const made = didKeyFromPublicKey(publicKey)
      assert.equal(made.did, did)
      assert.equal(made.keyId, v.didDocument.verificationMethod[0]!.id)
      // Older vectors give the key pair id relative to the DID.
      const pairId = v.verificationKeyPair.id
      assert.equal(made.keyId, pairId.startsWith('#') ? `${did}${pairId}` : pairId)

      const parsed = parseDidKey(did)
      assert.deepEqual(new Uint8Array(parsed.publicKey), publicKey)
      assert.equal(parsed.keyId, made.keyId)
      assert.equal(v.didDocument.id, did)

      const { publicKeyBase58, publicKeyJwk } = v.verificationKeyPair
      if (publicKeyBase58 !== undefined) assert.deepEqual(decodeBase58btc(publicKeyBase58), publicKey)
      if (publicKeyJwk !== undefined) assert.deepEqual(new Uint8Array(Buffer.from(publicKeyJwk.x, 'base64url')), publicKey)

      assert.deepEqual(parseDidKeyUrl(made.keyId), parsed)
      assert.equal(parseDidKeyUrl(made.keyId).did, did)
    })
  }
})

describeWithVectors('did:key vectors: derived negatives', () => {
  const file = readVectorJson<DerivedNegatives>('did-key/derived-negative-did-key.json')

  for (const v of file.valid) {
    it(`accepts ${v.name}`, () => {
      const parsed = parseDidKey(v.did)
      assert.equal(Buffer.from(parsed.publicKey).toString('hex'), v.publicKeyHex)
      assert.equal(didKeyFromPublicKey(hex(v.publicKeyHex)).did, v.did)
      assert.equal(parsed.keyId, `${v.did}#${v.did.slice('did:key:'.length)}`)
    })
  }

  it('maps every negative case of the file to a code', () => {
    for (const c of file.negative) assert.ok(c.name in DERIVED_CODES || c.name === KID_OF_ANOTHER_DID, c.name)
    assert.equal(file.negative.length, Object.keys(DERIVED_CODES).length + 1)
  })

  for (const c of file.negative) {
    if (c.name === KID_OF_ANOTHER_DID) {
      it(`refuses ${c.name} (the kid names another DID)`, () => {
        assert.ok(c.kid)
        const kid = parseDidKeyUrl(c.kid)
        assert.notEqual(kid.did, parseDidKey(c.did).did)
        assert.notEqual(parseDidKeyUrl(c.kid).did, c.did)
      })
      continue
    }
    const code = DERIVED_CODES[c.name]
    it(`refuses ${c.name} with ${code}`, () => {
      assert.ok(code)
      if (c.kid !== undefined) {
        // The DID itself is fine; the URL is what is wrong.
        assert.doesNotThrow(() => parseDidKey(c.did))
        throwsCode(() => parseDidKeyUrl(c.kid), code)
      } else {
        throwsCode(() => parseDidKey(c.did), code)
        throwsCode(() => parseDidKeyUrl(c.did), code)
      }
    })
  }
})

/** Every DID and DID URL a vector file mentions, as keys or as string values. */
function didsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (value.startsWith('did:key:')) out.add(value)
  } else if (Array.isArray(value)) {
    for (const v of value) didsIn(v, out)
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('did:key:')) out.add(k)
      didsIn(v, out)
    }
  }
  return out
}

// [file, number of distinct DIDs in it]
const OTHER_KEY_TYPES: Array<[string, number]> = [
  ['did-key/x25519.json', 4],
  ['did-key/secp256k1.json', 6],
  ['did-key/nist-curves.json', 7],
  ['did-key/rsa.json', 2],
  ['did-key/bls12381.json', 6],
]

describeWithVectors('did:key vectors: other key types are unsupported', () => {
  for (const [file, count] of OTHER_KEY_TYPES) {
    describe(file, () => {
      const all = [...didsIn(readVectorJson<unknown>(file))]
      const dids = all.filter((d) => !d.includes('#'))
      const urls = all.filter((d) => d.includes('#'))

      it(`has ${count} DIDs`, () => assert.equal(dids.length, count))

      for (const did of dids) {
        it(`${did.slice(0, 24)}… (${did.length} chars) gives ERR_DID_UNSUPPORTED`, () => {
          throwsCode(() => parseDidKey(did), 'ERR_DID_UNSUPPORTED')
        })
      }

      for (const url of urls) {
        it(`DID URL ${url.slice(0, 24)}…#${url.split('#')[1]!.slice(0, 8)}… gives ERR_DID_UNSUPPORTED`, () => {
          throwsCode(() => parseDidKeyUrl(url), 'ERR_DID_UNSUPPORTED')
        })
      }

      it('never gives a usable Ed25519 key, whatever the code', () => {
        for (const did of all) {
          assert.throws(() => parseDidKeyUrl(did), (e: unknown) => e instanceof Error && 'code' in e && typeof e.code === 'string' && /^ERR_DID_(INVALID|UNSUPPORTED)$/.test(e.code))
        }
      })
    })
  }
})
