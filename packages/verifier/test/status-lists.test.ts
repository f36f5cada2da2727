import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { signJwt, type AgentKey } from '@agentid/agent'
import { CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { createVerifier, decodeEncodedList, statusAt, statusListsFromJwts } from '@agentid/verifier'
import { describeWithVectors, readVectorJson } from '../../../test/support/vectors.js'
import { KEYS, makeVc, makeVp, S0, T0 } from '../../../test/support/tokens.js'

const LIST_URL = 'https://issuer.example/status/rev-1'

function encodedList(setIndexes: number[], bits = 131072): string {
  const bytes = new Uint8Array(bits / 8)
  for (const i of setIndexes) bytes[i >> 3]! |= 0x80 >> (i & 7)
  return `u${gzipSync(bytes).toString('base64url')}`
}

function listJwt(options: { set?: number[]; purpose?: string; iat?: number; nbf?: number; validFrom?: string; exp?: number; key?: AgentKey; encoded?: string } = {}): string {
  const key = options.key ?? KEYS.issuer
  return signJwt(key, {
    iss: key.did,
    jti: LIST_URL,
    sub: `${LIST_URL}#list`,
    iat: options.iat ?? S0 - 60,
    nbf: options.nbf ?? options.iat ?? S0 - 60,
    ...(options.exp !== undefined ? { exp: options.exp } : { exp: S0 + 3600 }),
    vc: {
      '@context': [CREDENTIALS_CONTEXT_V1],
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      ...(options.validFrom !== undefined ? { validFrom: options.validFrom } : {}),
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: options.purpose ?? 'revocation', encodedList: options.encoded ?? encodedList(options.set ?? []) },
    },
  })
}

function statusEntry(index: number, purpose = 'revocation') {
  return { credentialStatus: { id: `${LIST_URL}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: LIST_URL } }
}

async function verifyWith(lists: string[], index = 94567, purpose = 'revocation', maxAge = 3600) {
  const verifier = createVerifier({
    did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true,
    statusLists: statusListsFromJwts(lists, { maxAge }),
  })
  return verifier.verifyPresentation(makeVp([makeVc({}, statusEntry(index, purpose))]), { challenge: 'nonce-1' })
}

describe('status lists: offline checks fail closed', () => {
  it('accepts a credential whose bit is clear', async () => {
    assert.equal((await verifyWith([listJwt({ set: [1, 94566, 94568] })])).ok, true)
  })

  const CASES: Array<[string, () => Promise<Awaited<ReturnType<typeof verifyWith>>>, string]> = [
    ['revoked (bit set)', () => verifyWith([listJwt({ set: [94567] })]), 'ERR_VC_REVOKED'],
    ['suspended (bit set in a suspension list)', () => verifyWith([listJwt({ set: [94567], purpose: 'suspension' })], 94567, 'suspension'), 'ERR_VC_SUSPENDED'],
    ['no list for the credential', () => verifyWith([]), 'ERR_STATUS_UNAVAILABLE'],
    ['list older than the maximum age', () => verifyWith([listJwt({ iat: S0 - 7200 })]), 'ERR_STATUS_UNAVAILABLE'],
    ['list expired', () => verifyWith([listJwt({ exp: S0 - 1 })]), 'ERR_STATUS_UNAVAILABLE'],
    ['list signed by another issuer', () => verifyWith([listJwt({ key: KEYS.otherIssuer })]), 'ERR_STATUS_UNAVAILABLE'],
    ['list for another purpose', () => verifyWith([listJwt({ purpose: 'suspension' })]), 'ERR_STATUS_UNAVAILABLE'],
    ['index outside the list', () => verifyWith([listJwt()], 131072), 'ERR_STATUS_UNAVAILABLE'],
    ['unsupported purpose', () => verifyWith([listJwt({ purpose: 'message' })], 5, 'message'), 'ERR_STATUS_UNAVAILABLE'],
    ['list not valid before (nbf) an hour from now', () => verifyWith([listJwt({ nbf: S0 + 3600 })]), 'ERR_STATUS_UNAVAILABLE'],
    ['list with validFrom an hour from now', () => verifyWith([listJwt({ validFrom: new Date(T0 + 3_600_000).toISOString() })]), 'ERR_STATUS_UNAVAILABLE'],
  ]
  for (const [name, run, code] of CASES) {
    it(name, async () => {
      const result = await run()
      assert.equal(result.ok === false && result.code, code, result.ok ? '' : result.message)
    })
  }

  it('passes over a version dated in the future for the newest usable one (it neither replaces nor jams it)', async () => {
    const future = listJwt({ iat: S0 + 3600, set: [] })
    const result = await verifyWith([listJwt({ set: [94567] }), future])
    assert.equal(result.ok === false && result.code, 'ERR_VC_REVOKED')
  })

  it('refuses an unusable list when it is loaded', () => {
    assert.throws(() => statusListsFromJwts([listJwt({ encoded: encodedList([], 65536) })]), { code: 'ERR_STATUS_UNAVAILABLE' })
    assert.throws(() => statusListsFromJwts([listJwt().replace(/.{4}$/, 'AAAA')]), { code: 'ERR_STATUS_UNAVAILABLE' })
    assert.throws(() => statusListsFromJwts(['not a jwt']), { code: 'ERR_STATUS_UNAVAILABLE' })
    assert.throws(() => statusListsFromJwts([listJwt({ validFrom: 'tomorrow' })]), { code: 'ERR_STATUS_UNAVAILABLE' })
  })

  it('caps a decompression bomb', () => {
    const bomb = `u${gzipSync(new Uint8Array(64 * 1024 * 1024)).toString('base64url')}`
    assert.throws(() => decodeEncodedList(bomb), { code: 'ERR_STATUS_UNAVAILABLE' })
  })
})

interface ListVector { name: string; encodedList: string; statusSize?: number; setIndexes_specOrder_MSBfirst?: number[]; setIndexes_if_LSBfirst_WRONG?: number[]; expected?: string; statusListIndex?: string; decodedBits?: number }

describeWithVectors('Bitstring Status List vectors', () => {
  const vectors = readVectorJson<{ derived_generated_by_this_research: ListVector[]; negative_derived: ListVector[]; published: ListVector[] }>('bitstring-status-list/status-list-vectors.json')

  for (const v of vectors.derived_generated_by_this_research) {
    it(`decodes "${v.name}" most significant bit first`, () => {
      const bits = decodeEncodedList(v.encodedList)
      const size = v.statusSize ?? 1
      if (size === 1) {
        const set: number[] = []
        for (let i = 0; i < (bits.length * 8) / size; i++) if (statusAt(bits, i, size) !== 0) set.push(i)
        assert.deepEqual(set, v.setIndexes_specOrder_MSBfirst)
        // The trap: reading least significant bit first would find other indexes.
        if (v.setIndexes_if_LSBfirst_WRONG && v.setIndexes_if_LSBfirst_WRONG.join() !== set.join()) {
          for (const wrong of v.setIndexes_if_LSBfirst_WRONG) if (!set.includes(wrong)) assert.equal(statusAt(bits, wrong), 0)
        }
      } else {
        // "entry 0 -> 0x1, entry 3 -> 0x3, entry 492847 -> 0x2"
        assert.equal(statusAt(bits, 0, 2), 1)
        assert.equal(statusAt(bits, 3, 2), 3)
        assert.equal(statusAt(bits, 492847, 2), 2)
        assert.equal(statusAt(bits, 1, 2), 0)
      }
    })
  }

  it('decodes the W3C specification example (no entry set)', () => {
    const spec = vectors.published.find((v) => v.name.startsWith('W3C spec example'))!
    const bits = decodeEncodedList(spec.encodedList)
    assert.equal(bits.length * 8, 131072)
    assert.ok(bits.every((b) => b === 0))
  })

  // The index-variants case has a valid list; its indexes are tested against credentials below.
  for (const v of vectors.negative_derived.filter((n) => typeof n.encodedList === 'string' && !('statusListIndex_variants' in n))) {
    it(`refuses "${v.name}"`, () => {
      assert.throws(() => {
        const bits = decodeEncodedList(v.encodedList)
        if (v.statusListIndex !== undefined) statusAt(bits, Number(v.statusListIndex))
      }, { code: 'ERR_STATUS_UNAVAILABLE' })
    })
  }

  it('refuses malformed statusListIndex values in a credential', async () => {
    for (const index of ['-1', '1.5', '0x10', '1e3', ' 7', '07', 7]) {
      const entry = { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: index, statusListCredential: LIST_URL } }
      const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true, statusLists: statusListsFromJwts([listJwt()]) })
      const result = await verifier.verifyPresentation(makeVp([makeVc({}, entry)]), { challenge: 'nonce-1' })
      assert.equal(result.ok === false && result.code, 'ERR_INPUT_INVALID', String(index))
    }
  })
})
