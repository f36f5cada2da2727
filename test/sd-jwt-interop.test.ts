// SD-JWT VC interop with an implementation nobody here wrote: the OpenWallet Foundation's
// @sd-jwt/* packages (0.19.0; 0.20.0 does not install from the registry, as it needs an
// unpublished @owf/identity-common alpha). Both ways: an SD-JWT VC the library issues and presents
// verifies in agentid with the trust and keys set up accordingly, and agentid's verifies in the
// library. Then the strictness probe: hostile SD-JWTs that agentid refuses, with what the library
// answers asserted too, so that this file documents the difference (docs/formats.md) and notices
// when it changes.
import assert from 'node:assert/strict'
import { createHash, sign, verify } from 'node:crypto'
import { encodeBase64url, ENTITLEMENT_VCT, parseEntitlement } from '@agentid/core'
import { agentKeyFromSeed, createSdJwtPresentation, type AgentKey } from '@agentid/agent'
import { issueSdJwtVc } from '@agentid/issuer'
import { createVerifier, type PresentationResult } from '@agentid/verifier'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { digest as sdDigest, generateSalt } from '@sd-jwt/crypto-nodejs'

const NOW = 1_790_000_000_000
const NOW_SEC = NOW / 1000
const issuerKey = agentKeyFromSeed(new Uint8Array(32).fill(11))
const agentKey = agentKeyFromSeed(new Uint8Array(32).fill(12))
const verifierKey = agentKeyFromSeed(new Uint8Array(32).fill(13))
const b64 = (value: unknown): string => encodeBase64url(JSON.stringify(value))
const digest = (text: string): string => createHash('sha256').update(text).digest('base64url')

const signerOf = (key: AgentKey) => async (data: string): Promise<string> => encodeBase64url(sign(null, Buffer.from(data), key.privateKey))
const verifierOf = (key: AgentKey) => async (data: string, signature: string): Promise<boolean> => verify(null, Buffer.from(data), key.privateKey, Buffer.from(signature, 'base64url'))

function library(): SDJwtVcInstance {
  return new SDJwtVcInstance({
    signer: signerOf(issuerKey), signAlg: 'EdDSA', verifier: verifierOf(issuerKey),
    kbSigner: signerOf(agentKey), kbSignAlg: 'EdDSA', kbVerifier: verifierOf(agentKey),
    hasher: sdDigest, hashAlg: 'sha-256', saltGenerator: generateSalt,
  })
}

function agentidVerifier() {
  return createVerifier({ did: verifierKey.did, trustedIssuers: [issuerKey.did], statusLists: 'unchecked', now: () => NOW, externalChallenges: true })
}

async function agentidVerifies(token: string): Promise<PresentationResult> {
  return agentidVerifier().verifySdJwtPresentation(token, { challenge: 'n-1' })
}

// The library's verdict on a presentation: true when it accepts it.
async function libraryAccepts(token: string): Promise<boolean> {
  try {
    await library().verify(token, { keyBindingNonce: 'n-1', currentDate: NOW_SEC })
    return true
  } catch {
    return false
  }
}

const payload = {
  iss: issuerKey.did, sub: agentKey.did, jti: 'urn:uuid:00000000-0000-4000-8000-000000000002', iat: NOW_SEC - 60, exp: NOW_SEC + 3600, vct: ENTITLEMENT_VCT,
  cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(agentKey.publicKey) } },
  agent: { kind: 'service', name: 'lib-bot', owner: 'team-lib' },
  entitlements: [{ resource: 'db:customers', actions: ['read'] }, { resource: 'db:orders', actions: ['write'] }, { resource: 'mail:outbox', actions: ['send'] }],
}

describe('SD-JWT VC interop with @sd-jwt/sd-jwt-vc', () => {
  it('an SD-JWT VC issued and presented by the library verifies in agentid, disclosing only what it chose', async () => {
    const lib = library()
    const issued = await lib.issue(payload as never, { agent: { _sd: ['name', 'owner'] }, entitlements: { _sd: [0, 1, 2] } } as never, { header: { kid: issuerKey.keyId } })
    const presented = await lib.present(issued, { entitlements: { 1: true } } as never, { kb: { payload: { iat: NOW_SEC, aud: verifierKey.did, nonce: 'n-1' } } as never })
    const result = await agentidVerifies(presented)
    assert.ok(result.ok, JSON.stringify(result))
    assert.equal(result.holder, agentKey.did)
    assert.deepEqual(result.entitlements.map((g) => g.entitlement.resource), ['db:orders'])
    const v = agentidVerifier()
    assert.equal(v.authorize(result, { resource: 'db:orders', action: 'write' }).allow, true)
    assert.equal(v.authorize(result, { resource: 'db:customers', action: 'read' }).allow, false)
  })

  it("agentid's SD-JWT VC and presentation verify in the library, which sees only the disclosed entitlement", async () => {
    const credential = issueSdJwtVc({
      issuer: issuerKey.did, sign: (data) => sign(null, data, issuerKey.privateKey), subject: agentKey.did, id: 'urn:uuid:3', notBefore: NOW_SEC - 60, expires: NOW_SEC + 3600,
      agent: { kind: 'company', name: 'agentid-bot', owner: 'team-a', segment: 'sales' }, entitlements: payload.entitlements.map((e) => parseEntitlement(e)), decoys: 2,
    })
    const token = createSdJwtPresentation({ key: agentKey, credential, disclose: ['mail:outbox:send'], audience: verifierKey.did, challenge: 'n-1', now: () => NOW })
    const verified = await library().verify(token, { keyBindingNonce: 'n-1', currentDate: NOW_SEC })
    const claims = verified.payload as unknown as { entitlements: Array<{ resource: string }>; agent: Record<string, unknown>; vct: string }
    assert.equal(claims.vct, ENTITLEMENT_VCT)
    assert.deepEqual(claims.entitlements.map((e) => e.resource), ['mail:outbox'])
    assert.deepEqual(claims.agent, { kind: 'company' })
    assert.equal((verified.kb?.payload as { aud?: string } | undefined)?.aud, verifierKey.did)
    // And the whole credential, every disclosure, reads the same there.
    const all = await library().verify(credential, { currentDate: NOW_SEC })
    assert.equal((all.payload as unknown as { entitlements: unknown[] }).entitlements.length, 3)
  })

  describe('strictness probe: agentid refuses, the library answers as asserted', () => {
    const ent = b64(['salt-1', { resource: 'db:customers', actions: ['read'] }])
    const other = b64(['salt-2', { resource: 'db:orders', actions: ['read'] }])
    function signedJwt(body: Record<string, unknown>, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'dc+sd-jwt', kid: issuerKey.keyId }): string {
      const input = `${b64(header)}.${b64(body)}`
      return `${input}.${encodeBase64url(sign(null, Buffer.from(input), issuerKey.privateKey))}`
    }
    function bound(presented: string, claims: Record<string, unknown> = {}): string {
      const input = `${b64({ alg: 'EdDSA', typ: 'kb+jwt' })}.${b64({ iat: NOW_SEC, aud: verifierKey.did, nonce: 'n-1', sd_hash: digest(presented), ...claims })}`
      return `${presented}${input}.${encodeBase64url(sign(null, Buffer.from(input), agentKey.privateKey))}`
    }
    const base = (extra: Record<string, unknown>) => ({ ...payload, _sd_alg: 'sha-256', agent: { kind: 'service' }, entitlements: [{ '...': digest(ent) }], ...extra })
    const make = (extra: Record<string, unknown>, disclosures: string[], kb: Record<string, unknown> = {}, header?: Record<string, unknown>) =>
      bound(`${signedJwt(base(extra), header)}~${disclosures.map((d) => `${d}~`).join('')}`, kb)

    // [case, token, what @sd-jwt 0.19.0 answers (true = accepts)]
    const PROBES: Array<[string, () => string, boolean]> = [
      ['baseline (both accept)', () => make({}, [ent]), true],
      ['a disclosure no digest references', () => make({}, [ent, other]), true],
      ['a repeated disclosure', () => make({}, [ent, ent]), true],
      ['a KB-JWT for another audience', () => make({}, [ent], { aud: 'did:key:someone-else' }), true],
      ['a KB-JWT issued an hour ago', () => make({}, [ent], { iat: NOW_SEC - 3600 }), true],
      ['an issuer JWT typed JWT', () => make({}, [ent], {}, { alg: 'EdDSA', typ: 'JWT', kid: issuerKey.keyId }), true],
      ['a disclosed claim that overwrites one in the clear', () => {
        const d = b64(['salt-k', 'kind', 'company'])
        return make({ agent: { kind: 'service', _sd: [digest(d)] } }, [ent, d])
      }, true],
      ['a digest met twice', () => make({ entitlements: [{ '...': digest(ent) }, { '...': digest(ent) }] }, [ent]), true],
      ['a disclosure named _sd', () => {
        const d = b64(['salt-r', '_sd', 'x'])
        return make({ agent: { kind: 'service', _sd: [digest(d)] } }, [ent, d])
      }, true],
      ['"..." as an object member', () => make({ agent: { kind: 'service', '...': digest(ent) } }, []), true],
      ['a selectively disclosed exp', () => {
        const d = b64(['salt-e', 'exp', NOW_SEC + 99999])
        return make({ exp: undefined, _sd: [digest(d)] }, [ent, d])
      }, true],
      ['a disclosure with a duplicate JSON member', () => {
        const d = Buffer.from('["salt-d",{"resource":"db:customers","resource":"db:admin","actions":["read"]}]').toString('base64url')
        return make({ entitlements: [{ '...': digest(d) }] }, [d])
      }, true],
      ['a disclosure salt that is a number', () => {
        const d = b64([7, { resource: 'db:customers', actions: ['read'] }])
        return make({ entitlements: [{ '...': digest(d) }] }, [d])
      }, true],
    ]

    for (const [name, token, libraryVerdict] of PROBES) {
      it(name, async () => {
        const t = token()
        const ours = await agentidVerifies(t)
        const baseline = name.startsWith('baseline')
        assert.equal(ours.ok, baseline, !ours.ok ? `${ours.code}: ${ours.message}` : 'accepted')
        assert.equal(await libraryAccepts(t), libraryVerdict, '@sd-jwt verdict changed: update docs/formats.md')
      })
    }
  })
})
