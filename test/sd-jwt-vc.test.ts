// SD-JWT VC (RFC 9901; SD-JWT VC draft) end to end inside one process: the issuer's minter, the
// agent's selective presentation, the verifier's strict checks, and authorize seeing only what was
// disclosed. Hostile SD-JWTs are built by hand below, signed by the issuer key, so that each case
// reaches the check it is about. Clocks are injected: nothing here depends on machine speed.
import assert from 'node:assert/strict'
import { createHash, sign } from 'node:crypto'
import { encodeBase64url, ENTITLEMENT_VCT, parseEntitlement, type ErrorCode } from '@agentid/core'
import { agentKeyFromSeed, createPresentation, createSdJwtPresentation, type AgentKey } from '@agentid/agent'
import { issueSdJwtVc } from '@agentid/issuer'
import { checkSdJwtCredential, createVerifier, type PresentationResult, type Verifier } from '@agentid/verifier'

const NOW = 1_790_000_000_000
const issuerKey = agentKeyFromSeed(new Uint8Array(32).fill(1))
const agentKey = agentKeyFromSeed(new Uint8Array(32).fill(2))
const otherKey = agentKeyFromSeed(new Uint8Array(32).fill(3))
const verifierKey = agentKeyFromSeed(new Uint8Array(32).fill(4))
const ENTITLEMENTS = [
  parseEntitlement({ resource: 'db:customers', actions: ['read'] }),
  parseEntitlement({ resource: 'db:orders', actions: ['read', 'write'] }),
  parseEntitlement({ resource: 'mail:outbox', actions: ['send'] }),
]
const b64 = (value: unknown): string => encodeBase64url(JSON.stringify(value))
function signCompact(key: AgentKey, header: string, payload: Record<string, unknown>): string {
  const input = `${header}.${b64(payload)}`
  return `${input}.${encodeBase64url(sign(null, Buffer.from(input), key.privateKey))}`
}
const digest = (text: string): string => createHash('sha256').update(text).digest('base64url')
let counter = 0
const random = (size: number): Buffer => Buffer.alloc(size, ++counter % 251)

function mint(options: { decoys?: number; key?: AgentKey } = {}): string {
  return issueSdJwtVc({
    issuer: issuerKey.did, sign: (data) => sign(null, data, issuerKey.privateKey), subject: (options.key ?? agentKey).did,
    id: 'urn:uuid:00000000-0000-4000-8000-000000000001', notBefore: NOW / 1000 - 60, expires: NOW / 1000 + 3600,
    agent: { name: 'report-bot', kind: 'company', owner: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', segment: 'sales' },
    entitlements: ENTITLEMENTS, risk: 'low', random, ...(options.decoys !== undefined ? { decoys: options.decoys } : {}),
  })
}

function verifier(now = NOW): Verifier {
  return createVerifier({ did: verifierKey.did, trustedIssuers: [issuerKey.did], statusLists: 'unchecked', now: () => now, externalChallenges: true })
}

function present(credential: string, disclose: readonly string[], overrides: { audience?: string; challenge?: string; now?: number; key?: AgentKey } = {}): string {
  return createSdJwtPresentation({
    key: overrides.key ?? agentKey, credential, disclose, audience: overrides.audience ?? verifierKey.did,
    challenge: overrides.challenge ?? 'n-1', now: () => overrides.now ?? NOW,
  })
}

// A KB-JWT over `presented` (which ends in "~") with claims the test chooses.
function bind(presented: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'kb+jwt' }, key: AgentKey = agentKey): string {
  const sdHash = createHash('sha256').update(presented).digest('base64url')
  return presented + signCompact(key, b64(header), { iat: NOW / 1000, aud: verifierKey.did, nonce: 'n-1', sd_hash: sdHash, ...claims })
}

// An issuer-signed JWT over any payload, as the issuer key would sign it.
function issuerJwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'dc+sd-jwt', kid: issuerKey.keyId }): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${encodeBase64url(sign(null, Buffer.from(input), issuerKey.privateKey))}`
}

function basePayload(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    iss: issuerKey.did, sub: agentKey.did, jti: 'urn:uuid:x', iat: NOW / 1000 - 60, exp: NOW / 1000 + 3600, vct: ENTITLEMENT_VCT,
    cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(agentKey.publicKey) } }, _sd_alg: 'sha-256', agent: { kind: 'company' }, entitlements: [], ...extra,
  }
}

// A whole presentation from a payload and the disclosures it carries, with a valid KB-JWT.
function handmade(extra: Record<string, unknown>, disclosures: readonly string[], header?: Record<string, unknown>): string {
  return bind(`${issuerJwt(basePayload(extra), header)}~${disclosures.map((d) => `${d}~`).join('')}`)
}

const entDisclosure = b64(['salt-1', { resource: 'db:customers', actions: ['read'] }])
const entDisclosure2 = b64(['salt-2', { resource: 'db:orders', actions: ['read'] }])
const nameDisclosure = b64(['salt-3', 'name', 'report-bot'])

async function check(token: string, now = NOW): Promise<PresentationResult> {
  return verifier(now).verifySdJwtPresentation(token, { challenge: 'n-1' })
}

describe('SD-JWT VC', () => {
  describe('issue, present, verify, authorize', () => {
    it('reveals only the selected entitlements, and authorize sees only those', async () => {
      const credential = mint({ decoys: 2 })
      const result = await check(present(credential, ['db:customers:read']))
      assert.equal(result.ok, true, JSON.stringify(result))
      assert.ok(result.ok)
      assert.equal(result.holder, agentKey.did)
      assert.deepEqual(result.entitlements.map((g) => g.entitlement.resource), ['db:customers'])
      assert.equal(result.sdJwt?.claims.agent.name, undefined)
      const v = verifier()
      assert.deepEqual(v.authorize(result, { resource: 'db:customers', action: 'read' }).allow, true)
      // The credential grants mail:outbox send, but it was not disclosed: it cannot allow anything.
      const denied = v.authorize(result, { resource: 'mail:outbox', action: 'send' })
      assert.equal(denied.allow, false)
      assert.equal(!denied.allow && denied.code, 'ERR_NOT_ENTITLED')
    })

    it('selectors: resource, index, agent fields, everything', async () => {
      const credential = mint()
      const cases: Array<[readonly string[], string[], string | undefined]> = [
        [['db:orders'], ['db:orders'], undefined],
        [['#2', 'agent.name'], ['mail:outbox'], 'report-bot'],
        [['agent.*'], [], 'report-bot'],
        [['*'], ['db:customers', 'db:orders', 'mail:outbox'], 'report-bot'],
      ]
      for (const [disclose, resources, name] of cases) {
        const result = await check(present(credential, disclose))
        assert.ok(result.ok, JSON.stringify(result))
        assert.deepEqual(result.entitlements.map((g) => g.entitlement.resource), resources, disclose.join(','))
        assert.equal(result.sdJwt?.claims.agent.name, name)
      }
      assert.throws(() => present(credential, ['db:nothing']), { code: 'ERR_INPUT_INVALID' })
      assert.throws(() => present(credential, ['db:customers:write']), { code: 'ERR_INPUT_INVALID' })
      assert.throws(() => present(credential, ['*'], { key: otherKey }), { code: 'ERR_VP_HOLDER_BINDING' })
    })

    it('golden: fixed keys, clock and salts give this exact SD-JWT VC', () => {
      let n = 0
      const issued = issueSdJwtVc({
        issuer: issuerKey.did, sign: (data) => sign(null, data, issuerKey.privateKey), subject: agentKey.did, id: 'urn:uuid:00000000-0000-4000-8000-000000000009',
        notBefore: 1790000000, expires: 1790003600, agent: { name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales' },
        entitlements: [parseEntitlement({ resource: 'db:customers', actions: ['read'] })], decoys: 1, random: (size) => Buffer.alloc(size, ++n),
      })
      assert.deepEqual(issued.split('~').slice(1), [
        'WyJBUUVCQVFFQkFRRUJBUUVCQVFFQkFRIiwibmFtZSIsInJlcG9ydC1ib3QiXQ',
        'WyJBZ0lDQWdJQ0FnSUNBZ0lDQWdJQ0FnIiwib3duZXIiLCJzYWxlcy10ZWFtIl0',
        'WyJBd01EQXdNREF3TURBd01EQXdNREF3Iiwic2VnbWVudCIsInNhbGVzIl0',
        'WyJCUVVGQlFVRkJRVUZCUVVGQlFVRkJRIix7InJlc291cmNlIjoiZGI6Y3VzdG9tZXJzIiwiYWN0aW9ucyI6WyJyZWFkIl19XQ',
        '',
      ])
      assert.equal(createHash('sha256').update(issued).digest('hex'), '8c8f1a1275243ad4b8c298e7e6051b300e4cb00c8d9b36bb70cb76e735f02cf8')
    })

    it('the issued credential is checked whole by checkSdJwtCredential', () => {
      const c = checkSdJwtCredential(mint({ decoys: 3 }))
      assert.equal(c.entitlements.length, 3)
      assert.deepEqual(c.claims.agent, { kind: 'company', name: 'report-bot', owner: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', segment: 'sales' })
    })

    it('time: the credential and the KB-JWT follow the injected clock', async () => {
      const credential = mint()
      const later = NOW + 3600_000 + 61_000
      const expired = await check(present(credential, ['*'], { now: later }), later)
      assert.equal(!expired.ok && expired.code, 'ERR_VC_EXPIRED')
      const stale = await check(present(credential, ['*'], { now: NOW - 400_000 }))
      assert.equal(!stale.ok && stale.code, 'ERR_VP_EXPIRED')
      const future = await check(present(credential, ['*'], { now: NOW + 120_000 }))
      assert.equal(!future.ok && future.code, 'ERR_VP_EXPIRED')
    })

    it('verifyPresentation refuses an SD-JWT, and verifySdJwtPresentation a VP-JWT: each result shape only when asked for', async () => {
      const token = present(mint(), ['db:orders'])
      const asVp = await verifier().verifyPresentation(token, { challenge: 'n-1' })
      assert.equal(!asVp.ok && asVp.code, 'ERR_JWS_MALFORMED')
      const vpJwt = createPresentation({ key: agentKey, credentials: [token.slice(0, token.indexOf('~'))], audience: verifierKey.did, challenge: 'n-1', now: () => NOW })
      const asSdJwt = await verifier().verifySdJwtPresentation(vpJwt, { challenge: 'n-1' })
      assert.equal(!asSdJwt.ok && asSdJwt.code, 'ERR_JWS_MALFORMED')
      // The issuer-signed JWT of an SD-JWT VC is not a VC-JWT either.
      const inside = await verifier().verifyPresentation(vpJwt, { challenge: 'n-1' })
      assert.equal(inside.ok, false)
    })

    it('single use: the same presentation twice is a replay', async () => {
      const v = verifier()
      const token = present(mint(), ['db:orders'])
      assert.equal((await v.verifySdJwtPresentation(token, { challenge: 'n-1' })).ok, true)
      const again = await v.verifySdJwtPresentation(token, { challenge: 'n-1' })
      assert.equal(!again.ok && again.code, 'ERR_VP_REPLAY')
    })

    it('an untrusted issuer, or one trusted only for other resources, is refused', async () => {
      const token = present(mint(), ['db:customers'])
      const untrusted = await createVerifier({ did: verifierKey.did, trustedIssuers: [otherKey.did], statusLists: 'unchecked', now: () => NOW, externalChallenges: true }).verifySdJwtPresentation(token, { challenge: 'n-1' })
      assert.equal(!untrusted.ok && untrusted.code, 'ERR_VC_ISSUER_UNTRUSTED')
      const scoped = await createVerifier({ did: verifierKey.did, trustedIssuers: [{ did: issuerKey.did, resources: ['mail:outbox'] } as never], statusLists: 'unchecked', now: () => NOW, externalChallenges: true }).verifySdJwtPresentation(token, { challenge: 'n-1' })
      assert.equal(scoped.ok, false)
    })

    it('a credential with a status entry needs a status source, as a VC-JWT does', async () => {
      const credential = issueSdJwtVc({
        issuer: issuerKey.did, sign: (data) => sign(null, data, issuerKey.privateKey), subject: agentKey.did, id: 'urn:uuid:s', notBefore: NOW / 1000 - 60, expires: NOW / 1000 + 60,
        agent: { name: 'a', kind: 'service', owner: 'team-a' }, entitlements: ENTITLEMENTS,
        status: [{ id: 'https://i.example/status/1#5', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: 'https://i.example/status/1' }],
      })
      const token = present(credential, ['db:orders'])
      const result = await createVerifier({ did: verifierKey.did, trustedIssuers: [issuerKey.did], now: () => NOW, externalChallenges: true }).verifySdJwtPresentation(token, { challenge: 'n-1' })
      assert.equal(!result.ok && result.code, 'ERR_STATUS_UNAVAILABLE')
    })
  })

  describe('refuses', () => {
    const valid = (): string => present(mint(), ['db:customers', 'agent.name'])
    const [jwt, ...tail] = valid().split('~')
    const disclosures = tail.slice(0, -1)
    const presentedWith = (ds: readonly string[]): string => `${jwt}~${ds.map((d) => `${d}~`).join('')}`
    const tamper = (d: string): string => b64((JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[]).map((v, i) => (i === 0 ? 'other-salt' : v)))

    const CASES: Array<[string, () => string, ErrorCode]> = [
      ['a missing KB-JWT', () => presentedWith(disclosures), 'ERR_VP_HOLDER_BINDING'],
      ['a KB-JWT for another audience', () => bind(presentedWith(disclosures), { aud: otherKey.did }), 'ERR_VP_AUDIENCE'],
      ['a KB-JWT with several audiences', () => bind(presentedWith(disclosures), { aud: [verifierKey.did, otherKey.did] }), 'ERR_VP_AUDIENCE'],
      ['a KB-JWT for another nonce', () => bind(presentedWith(disclosures), { nonce: 'n-2' }), 'ERR_VP_NONCE'],
      ['a KB-JWT without nonce', () => bind(presentedWith(disclosures), { nonce: undefined }), 'ERR_VP_NONCE'],
      ['a KB-JWT without iat', () => bind(presentedWith(disclosures), { iat: undefined }), 'ERR_INPUT_INVALID'],
      ['a KB-JWT whose sd_hash misses a disclosure', () => bind(presentedWith(disclosures), { sd_hash: digest(presentedWith(disclosures.slice(0, 1))) }), 'ERR_VP_HOLDER_BINDING'],
      ['a KB-JWT kept while a disclosure is added', () => presentedWith(disclosures.slice(0, 1)) + valid().split('~').at(-1)!, 'ERR_VP_HOLDER_BINDING'],
      ['a KB-JWT signed by another key', () => bind(presentedWith(disclosures), {}, undefined, otherKey), 'ERR_VP_HOLDER_BINDING'],
      ['a KB-JWT typed JWT', () => bind(presentedWith(disclosures), {}, { alg: 'EdDSA', typ: 'JWT' }), 'ERR_TYPE_CONFUSION'],
      ['a KB-JWT with a kid', () => bind(presentedWith(disclosures), {}, { alg: 'EdDSA', typ: 'kb+jwt', kid: agentKey.keyId }), 'ERR_JWS_HEADER'],
      ['a KB-JWT with alg none', () => bind(presentedWith(disclosures), {}, { alg: 'none', typ: 'kb+jwt' }), 'ERR_JWS_ALG'],
      ['a KB-JWT living longer than 300 s', () => bind(presentedWith(disclosures), { exp: NOW / 1000 + 301 }), 'ERR_VP_EXPIRED'],
      ['a KB-JWT with a duplicate member', () => {
        const p = presentedWith(disclosures)
        const body = Buffer.from(`{"iat":${NOW / 1000},"aud":"${verifierKey.did}","nonce":"n-1","nonce":"n-1","sd_hash":"${digest(p)}"}`).toString('base64url')
        const input = `${b64({ alg: 'EdDSA', typ: 'kb+jwt' })}.${body}`
        return `${p}${input}.${encodeBase64url(sign(null, Buffer.from(input), agentKey.privateKey))}`
      }, 'ERR_JWS_MALFORMED'],
      ['a tampered disclosure', () => bind(presentedWith([tamper(disclosures[0]!), ...disclosures.slice(1)])), 'ERR_SD_JWT_DISCLOSURE'],
      ['a repeated disclosure', () => bind(presentedWith([disclosures[0]!, disclosures[0]!])), 'ERR_SD_JWT_DISCLOSURE'],
      ['an empty disclosure', () => bind(presentedWith([disclosures[0]!, ''])), 'ERR_SD_JWT_DISCLOSURE'],
      ['a disclosure not in canonical base64url', () => bind(presentedWith([`${disclosures[0]!}=`])), 'ERR_SD_JWT_DISCLOSURE'],
      ['a disclosure that does not hash to a digest', () => handmade({ entitlements: [{ '...': digest(entDisclosure) }] }, [entDisclosure, entDisclosure2]), 'ERR_SD_JWT_DISCLOSURE'],
      ['a digest met twice', () => handmade({ entitlements: [{ '...': digest(entDisclosure) }, { '...': digest(entDisclosure) }] }, [entDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['a decoy digest met twice', () => handmade({ entitlements: [{ '...': digest('x') }, { '...': digest('x') }] }, []), 'ERR_SD_JWT_DISCLOSURE'],
      ['a digest in _sd and in an array', () => handmade({ agent: { kind: 'company', _sd: [digest(entDisclosure)] }, entitlements: [{ '...': digest(entDisclosure) }] }, [entDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['an array disclosure referenced from _sd', () => handmade({ agent: { kind: 'company', _sd: [digest(entDisclosure)] } }, [entDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['an object disclosure referenced as an array element', () => handmade({ entitlements: [{ '...': digest(nameDisclosure) }] }, [nameDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['_sd that is not an array', () => handmade({ agent: { kind: 'company', _sd: digest(nameDisclosure) } }, [nameDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['"..." as an object member', () => handmade({ agent: { kind: 'company', '...': digest(nameDisclosure) } }, [nameDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['"..." beside another member in an array element', () => handmade({ entitlements: [{ '...': digest(entDisclosure), x: 1 }] }, [entDisclosure]), 'ERR_SD_JWT_DISCLOSURE'],
      ['a digest that is not SHA-256 shaped', () => handmade({ entitlements: [{ '...': 'abc' }] }, []), 'ERR_SD_JWT_DISCLOSURE'],
      ['_sd_alg sha-512', () => handmade({ _sd_alg: 'sha-512' }, []), 'ERR_SD_JWT_DISCLOSURE'],
      ['_sd_alg below the top', () => handmade({ agent: { kind: 'company', _sd_alg: 'sha-256' } }, []), 'ERR_SD_JWT_DISCLOSURE'],
      ...(['_sd', '...', '__proto__', '_sd_alg'] as const).map((name): [string, () => string, ErrorCode] => {
        const d = b64(['salt-r', name, 'x'])
        return [`a disclosure named ${name}`, () => handmade({ agent: { kind: 'company', _sd: [digest(d)] } }, [d]), 'ERR_SD_JWT_DISCLOSURE']
      }),
      ['a disclosed name that already exists', () => {
        const d = b64(['salt-k', 'kind', 'service'])
        return handmade({ agent: { kind: 'company', _sd: [digest(d)] } }, [d])
      }, 'ERR_SD_JWT_DISCLOSURE'],
      ...(['iss', 'exp', 'cnf', 'vct', 'status', 'nbf'] as const).map((name): [string, () => string, ErrorCode] => {
        const d = b64(['salt-t', name, 1])
        return [`a selectively disclosed ${name}`, () => handmade({ _sd: [digest(d)] }, [d]), 'ERR_SD_JWT_DISCLOSURE']
      }),
      ['a disclosure of 4 elements', () => {
        const d = b64(['s', 'name', 'x', 'y'])
        return handmade({ agent: { kind: 'company', _sd: [digest(d)] } }, [d])
      }, 'ERR_SD_JWT_DISCLOSURE'],
      ['a disclosure with a duplicate member', () => {
        const d = Buffer.from('["s",{"resource":"db:a","resource":"db:b","actions":["read"]}]').toString('base64url')
        return handmade({ entitlements: [{ '...': digest(d) }] }, [d])
      }, 'ERR_SD_JWT_DISCLOSURE'],
      ['an oversize disclosure', () => {
        const d = b64(['s', 'name', 'x'.repeat(5000)])
        return handmade({ agent: { kind: 'company', _sd: [digest(d)] } }, [d])
      }, 'ERR_SD_JWT_DISCLOSURE'],
      ['65 disclosures', () => {
        const ds = Array.from({ length: 65 }, (_, i) => b64([`s${i}`, { resource: `db:t${i}`, actions: ['read'] }]))
        return handmade({ entitlements: ds.map((d) => ({ '...': digest(d) })) }, ds)
      }, 'ERR_SD_JWT_DISCLOSURE'],
      ['an oversize presentation', () => `${'a'.repeat(70_000)}~x~`, 'ERR_JWS_MALFORMED'],
      ['nesting deeper than the cap', () => {
        let inner = b64(['s0', 'name', 'x'])
        const ds = [inner]
        for (let i = 1; i < 14; i++) {
          inner = b64([`s${i}`, 'n', { _sd: [digest(inner)] }])
          ds.push(inner)
        }
        return handmade({ agent: { kind: 'company', _sd: [digest(inner)] } }, ds)
      }, 'ERR_SD_JWT_DISCLOSURE'],
      ['typ vc+sd-jwt', () => handmade({}, [], { alg: 'EdDSA', typ: 'vc+sd-jwt', kid: issuerKey.keyId }), 'ERR_TYPE_CONFUSION'],
      ['typ JWT', () => handmade({}, [], { alg: 'EdDSA', typ: 'JWT', kid: issuerKey.keyId }), 'ERR_TYPE_CONFUSION'],
      ['a jwk header', () => handmade({}, [], { alg: 'EdDSA', typ: 'dc+sd-jwt', jwk: { kty: 'OKP' } }), 'ERR_JWS_HEADER'],
      ['another vct', () => handmade({ vct: 'https://example.com/other' }, []), 'ERR_TYPE_CONFUSION'],
      ['no cnf', () => handmade({ cnf: undefined }, []), 'ERR_VP_HOLDER_BINDING'],
      ['cnf of another key than sub', () => handmade({ cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(otherKey.publicKey) } } }, []), 'ERR_VC_CLAIMS_MISMATCH'],
      ['cnf with a kid', () => handmade({ cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(agentKey.publicKey), kid: 'k' } } }, []), 'ERR_VP_HOLDER_BINDING'],
      ['no exp', () => handmade({ exp: undefined }, []), 'ERR_INPUT_INVALID'],
      ['exp in milliseconds as a string', () => handmade({ exp: String(NOW) }, []), 'ERR_INPUT_INVALID'],
      ['a Token Status List status it cannot check', () => handmade({ status: { status_list: { idx: 1, uri: 'https://x' } } }, []), 'ERR_STATUS_UNAVAILABLE'],
      ['a bad issuer signature', () => {
        const token = valid()
        const dot = token.indexOf('~') - 2
        return token.slice(0, dot) + (token[dot] === 'A' ? 'B' : 'A') + token.slice(dot + 1)
      }, 'ERR_SIGNATURE'],
      ['a VP-JWT-like token with ~ inside', () => 'a.b.c~d.e.f', 'ERR_JWS_MALFORMED'],
    ]

    for (const [name, make, code] of CASES) {
      it(name, async () => {
        const result = await check(make())
        assert.equal(result.ok, false, name)
        assert.equal(!result.ok && result.code, code, !result.ok ? result.message : '')
      })
    }

    it('the hand-made baseline itself verifies (so each case fails for its own reason)', async () => {
      const result = await check(handmade({ agent: { kind: 'company', _sd: [digest(nameDisclosure), digest('decoy')] }, entitlements: [{ '...': digest(entDisclosure) }, { '...': digest('decoy-2') }] }, [nameDisclosure, entDisclosure]))
      assert.ok(result.ok, JSON.stringify(result))
      assert.deepEqual(result.entitlements.map((g) => g.entitlement.resource), ['db:customers'])
      assert.equal(result.sdJwt?.claims.agent.name, 'report-bot')
    })
  })
})
