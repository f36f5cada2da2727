// The two Veramo VP-JWTs of ../shared/vectors/veramo (decentralized-identity/veramo,
// credential-w3c issue-verify-flow test): real EdDSA presentations by did:key holders whose
// signatures verify, rejected by Veramo for time reasons (expired in 2022; nbf in 2054).
// Our verifier rejects them too, but earlier: they name no audience ("aud"), which we check before
// the time claims, and their credentials lack our type, which we check before theirs. The last
// cases add "aud" and "nonce" (re-signed by a test key) so that the same time claims reach our clock.
import assert from 'node:assert/strict'
import { agentKeyFromSeed, signJwt } from '@agentid/agent'
import { createVerifier, decodeJwt, jwtSignatureValid, resolveDidKey, type DecodedJwt } from '@agentid/verifier'
import { verifyCredential, verifyPresentation } from 'did-jwt-vc'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import { describeWithVectors, readVectorJson, readVectorText } from './support/vectors.js'

interface SignedClaims {
  readonly sig: boolean
  readonly iss: string
  readonly exp?: number
  readonly nbf?: number
  readonly nonce?: string
}
interface ExpectedFile {
  readonly source: string
  readonly cases: Record<string, { readonly expected: string; readonly signaturesValidOffline: { readonly vp: SignedClaims; readonly embeddedVc: SignedClaims } }>
}

const LIMITS = { maxLength: 64 * 1024, maxDepth: 12 }
const VERIFIER = agentKeyFromSeed(new Uint8Array(32).fill(1))
const TEST_HOLDER = agentKeyFromSeed(new Uint8Array(32).fill(2))
const REAL_TIME = Date.now()

interface Vector {
  readonly file: string
  /** Clocks (ms) at which the vector is inside, before and after its validity window. */
  readonly clocks: ReadonlyArray<[string, number]>
  /** A clock (seconds) at which did-jwt-vc accepts the VP, and one for its credential. */
  readonly theirVpTime: number
  readonly theirVcTime: number
  /** What did-jwt-vc says at real time. */
  readonly theirRealTime: RegExp
}

const VECTORS: readonly Vector[] = [
  {
    file: 'vp-expired.jwt',
    clocks: [['at real time', REAL_TIME], ['at its nbf = exp (2022-08-12)', 1660297210_000], ['in 1970', 0]],
    theirVpTime: 1660297210,
    theirVcTime: 1660297210,
    theirRealTime: /^invalid_jwt: JWT has expired/,
  },
  {
    file: 'vp-nbf-future.jwt',
    clocks: [['at real time', REAL_TIME], ['at its nbf (2054)', 2660298588_000], ['at its credential nbf (2339)', 11660298588_000]],
    theirVpTime: 2660298588,
    theirVcTime: 11660298588,
    theirRealTime: /^invalid_jwt: JWT not valid before nbf/,
  },
]

function credentialOf(vp: DecodedJwt): string {
  const list = (vp.payload.vp as { verifiableCredential?: unknown } | undefined)?.verifiableCredential
  assert.ok(Array.isArray(list) && list.length === 1 && typeof list[0] === 'string', 'one VC-JWT inside')
  return list[0] as string
}

function codeAt(clockMs: number): { presentation: (jwt: string, challenge: string) => Promise<string>; credential: (jwt: string) => Promise<string> } {
  // A fresh verifier per check: a presentation is single use within one verifier.
  const make = (issuer: string) =>
    createVerifier({ did: VERIFIER.did, trustedIssuers: [issuer], statusLists: 'unchecked', externalChallenges: true, now: () => clockMs })
  return {
    async presentation(jwt, challenge) {
      const issuer = decodeJwt(credentialOf(decodeJwt(jwt, LIMITS, 'presentation')), LIMITS, 'credential').payload.iss as string
      const result = await make(issuer).verifyPresentation(jwt, { challenge })
      return result.ok ? 'ok' : result.code
    },
    async credential(jwt) {
      const result = await make(decodeJwt(jwt, LIMITS, 'credential').payload.iss as string).verifyCredential(jwt)
      return result.ok ? 'ok' : result.code
    },
  }
}

async function didJwtVc(run: () => Promise<{ verified: boolean }>): Promise<string> {
  try {
    return (await run()).verified ? 'verified' : 'not verified'
  } catch (error) {
    return (error as Error).message
  }
}

describeWithVectors('Veramo VP vectors (shared/vectors/veramo)', () => {
  const resolver = new Resolver(getResolver())
  let expected: ExpectedFile

  before(() => {
    expected = readVectorJson<ExpectedFile>('veramo/expected.json')
    assert.deepEqual(Object.keys(expected.cases).sort(), VECTORS.map((v) => v.file).sort())
  })

  for (const vector of VECTORS) {
    describe(vector.file, () => {
      let jwt: string
      let vp: DecodedJwt
      let vc: DecodedJwt
      let vcJwt: string
      before(() => {
        jwt = readVectorText(`veramo/${vector.file}`)
        vp = decodeJwt(jwt, LIMITS, 'presentation')
        vcJwt = credentialOf(vp)
        vc = decodeJwt(vcJwt, LIMITS, 'credential')
      })

      it('has valid Ed25519 signatures (VP and its VC) under our strict checks, so a rejection is not a signature problem', () => {
        const claims = expected.cases[vector.file]!.signaturesValidOffline
        for (const [decoded, want] of [[vp, claims.vp], [vc, claims.embeddedVc]] as const) {
          assert.equal(want.sig, true)
          assert.equal(decoded.header.alg, 'EdDSA')
          assert.equal(decoded.header.kid, undefined)
          assert.equal(decoded.payload.iss, want.iss)
          assert.equal(decoded.payload.exp, want.exp)
          assert.equal(decoded.payload.nbf, want.nbf)
          if (want.nonce !== undefined) assert.equal(decoded.payload.nonce, want.nonce)
          const key = resolveDidKey(want.iss)
          assert.equal(jwtSignatureValid(decoded, key), true)
          // Sanity: the check can fail.
          const flipped = Buffer.from(decoded.signature)
          flipped[40] = flipped[40]! ^ 1
          assert.equal(jwtSignatureValid({ ...decoded, signature: flipped }, key), false)
        }
        // What our checks will trip on first: no "aud" on the VP, not our type on the VC.
        assert.equal(vp.payload.aud, undefined)
        assert.deepEqual((vc.payload.vc as { type?: unknown }).type, ['VerifiableCredential'])
      })

      it('is rejected by did-jwt-vc at real time, for time only: with an injected clock it verifies', async () => {
        const challenge = typeof vp.payload.nonce === 'string' ? vp.payload.nonce : undefined
        const options = challenge === undefined ? {} : { challenge }
        assert.match(await didJwtVc(() => verifyPresentation(jwt, resolver, options)), vector.theirRealTime)
        assert.equal(await didJwtVc(() => verifyPresentation(jwt, resolver, { ...options, policies: { now: vector.theirVpTime } })), 'verified')
        assert.equal(await didJwtVc(() => verifyCredential(vcJwt, resolver, { policies: { now: vector.theirVcTime } })), 'verified')
      })

      for (const [label, clock] of vector.clocks) {
        it(`is rejected by our verifier with ERR_VP_AUDIENCE ${label}: "aud" is checked before the time claims`, async () => {
          const challenge = typeof vp.payload.nonce === 'string' ? vp.payload.nonce : 'no-nonce-in-vector'
          assert.equal(await codeAt(clock).presentation(jwt, challenge), 'ERR_VP_AUDIENCE')
        })

        it(`has a credential our verifier rejects with ERR_TYPE_CONFUSION ${label}: the type is checked before sub, jti and exp`, async () => {
          assert.equal(await codeAt(clock).credential(vcJwt), 'ERR_TYPE_CONFUSION')
        })
      }

      describe('with "aud" and "nonce" added (re-signed by a test holder), its time claims reach our clock', () => {
        // Our VP needs "exp" (at most 300 s after iat/nbf): vp-nbf-future has none.
        function resigned(extra: Record<string, unknown>): string {
          return signJwt(TEST_HOLDER, { ...vp.payload, iss: TEST_HOLDER.did, aud: VERIFIER.did, nonce: 'n-1', ...extra })
        }

        if (vector.file === 'vp-expired.jwt') {
          // exp = nbf = 1660297210; tolerance 60 s.
          const CASES: ReadonlyArray<[string, number, string]> = [
            ['at real time: expired', REAL_TIME, 'ERR_VP_EXPIRED'],
            ['at exp + 59 s: VP accepted, then its credential', (1660297210 + 59) * 1000, 'ERR_TYPE_CONFUSION'],
            ['at exp + 60 s: expired (tolerance is exclusive)', (1660297210 + 60) * 1000, 'ERR_VP_EXPIRED'],
            ['at nbf - 60 s: VP accepted, then its credential', (1660297210 - 60) * 1000, 'ERR_TYPE_CONFUSION'],
            ['at nbf - 61 s: not valid yet (reported as ERR_VP_EXPIRED)', (1660297210 - 61) * 1000, 'ERR_VP_EXPIRED'],
          ]
          for (const [label, clock, code] of CASES) {
            it(`${label}: ${code}`, async () => {
              assert.equal(await codeAt(clock).presentation(resigned({}), 'n-1'), code)
            })
          }
        } else {
          const NBF = 2660298588
          it('without "exp": ERR_INPUT_INVALID at any clock (exp is required)', async () => {
            for (const clock of [REAL_TIME, NBF * 1000]) assert.equal(await codeAt(clock).presentation(resigned({}), 'n-1'), 'ERR_INPUT_INVALID')
          })
          const CASES: ReadonlyArray<[string, number, string]> = [
            ['at real time: not valid yet (reported as ERR_VP_EXPIRED)', REAL_TIME, 'ERR_VP_EXPIRED'],
            ['at nbf - 61 s: not valid yet', (NBF - 61) * 1000, 'ERR_VP_EXPIRED'],
            ['at nbf - 60 s: VP accepted, then its credential', (NBF - 60) * 1000, 'ERR_TYPE_CONFUSION'],
          ]
          for (const [label, clock, code] of CASES) {
            it(`with exp = nbf + 120, ${label}: ${code}`, async () => {
              assert.equal(await codeAt(clock).presentation(resigned({ exp: NBF + 120 }), 'n-1'), code)
            })
          }
        }
      })
    })
  }
})
