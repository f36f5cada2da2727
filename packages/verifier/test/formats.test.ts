import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { createDelegation, createPresentation, signJwt, type AgentKey } from '@agentid/agent'
import { AGENTID_CONTEXT_V1, CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2 } from '@agentid/core'
import { checkAnyCredentialJwt, checkStatusListJwt, createVerifier, resolveChains, statusListsFromJwts } from '@agentid/verifier'
import { KEYS, makeVc, S0, signRaw, T0, vcPayload } from '../../../test/support/tokens.js'

// VC Data Model 2.0 secured by VC-JOSE-COSE beside VC 1.1 VC-JWT (issue 16): each accepted by its
// own rules, and every mix of the two, or bend of either, refused with its code.

const ISO = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z')
const LIST_URL = 'https://issuer.example/status/rev-1'
const ENTITLEMENTS = [
  { resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } },
  { resource: 'crm:accounts/*', actions: ['read', 'list'] },
]

/** A VC 2.0 credential document (the JWT payload of a `vc+jwt`). */
function vc2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': [CREDENTIALS_CONTEXT_V2, AGENTID_CONTEXT_V1],
    type: ['VerifiableCredential', 'AgentEntitlementCredential'],
    id: 'urn:uuid:00000000-0000-4000-8000-000000000002',
    issuer: KEYS.issuer.did,
    validFrom: ISO(S0 - 3600),
    validUntil: ISO(S0 + 3600),
    credentialSubject: { id: KEYS.agent.did, agent: { name: 'report-bot', kind: 'company', owner: 'sales-team' }, entitlements: ENTITLEMENTS },
    ...overrides,
  }
}

const header = (key: AgentKey, typ = 'vc+jwt') => ({ alg: 'EdDSA', typ, kid: key.keyId })
const makeVc2 = (overrides: Record<string, unknown> = {}, key: AgentKey = KEYS.issuer, typ = 'vc+jwt') => signRaw(key, header(key, typ), vc2(overrides))
const enveloped = (jwt: string, type = 'application/vc+jwt') => ({ '@context': CREDENTIALS_CONTEXT_V2, type: 'EnvelopedVerifiableCredential', id: `data:${type},${jwt}` })

/** A VC 2.0 presentation document by KEYS.agent for KEYS.verifier. */
function vp2(credentials: readonly unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': [CREDENTIALS_CONTEXT_V2],
    type: ['VerifiablePresentation'],
    holder: KEYS.agent.did,
    verifiableCredential: credentials,
    aud: KEYS.verifier.did, nonce: 'nonce-1', iat: S0, exp: S0 + 120,
    ...overrides,
  }
}
const makeVp2 = (credentials: readonly unknown[] = [enveloped(makeVc2())], overrides: Record<string, unknown> = {}, key: AgentKey = KEYS.agent) => signRaw(key, header(key, 'vp+jwt'), vp2(credentials, overrides))

function verifier(statusLists?: ReturnType<typeof statusListsFromJwts>) {
  return createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true, statusLists: statusLists ?? 'unchecked' })
}

async function refused(vp: string, code: string): Promise<void> {
  const result = await verifier().verifyPresentation(vp, { challenge: 'nonce-1' })
  assert.equal(result.ok, false, 'accepted')
  assert.equal(result.ok === false && result.code, code, result.ok ? '' : result.message)
}

describe('formats: VC 2.0 (VC-JOSE-COSE) beside VC 1.1 (VC-JWT), each by its own rules', () => {
  it('accepts a VC 2.0 credential in a VC 2.0 presentation, and authorizes from it', async () => {
    const result = await verifier().verifyPresentation(makeVp2(), { challenge: 'nonce-1' })
    assert.equal(result.ok, true, JSON.stringify(result))
    const checked = checkAnyCredentialJwt(makeVc2())
    assert.equal(checked.format, 'vc2.0')
    assert.deepEqual([checked.id, checked.subject, checked.issuer, checked.notBefore, checked.expires], ['urn:uuid:00000000-0000-4000-8000-000000000002', KEYS.agent.did, KEYS.issuer.did, S0 - 3600, S0 + 3600])
    assert.equal(checkAnyCredentialJwt(makeVc()).format, 'vc1.1')
  })

  it('accepts cty vc on a VC 2.0 credential (VC-JOSE-COSE: when present, vc)', () => {
    assert.equal(checkAnyCredentialJwt(signRaw(KEYS.issuer, { ...header(KEYS.issuer), cty: 'vc' }, vc2())).format, 'vc2.0')
  })

  it('never chains across formats: a VC 1.1 delegation of a VC 2.0 credential is refused', () => {
    const root = checkAnyCredentialJwt(makeVc2({ credentialSubject: { id: KEYS.agent.did, agent: { name: 'a', kind: 'company', owner: 'o' }, entitlements: [{ resource: 'db:customers', actions: ['read'] }] } }))
    const delegation = checkAnyCredentialJwt(signJwt(KEYS.agent, {
      iss: KEYS.agent.did, sub: KEYS.other.did, jti: 'urn:uuid:d-1', nbf: S0 - 60, exp: S0 + 600,
      vc: { '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1], type: ['VerifiableCredential', 'AgentDelegationCredential'], credentialSubject: { id: KEYS.other.did, parent: root.id, depth: 0, entitlements: [{ resource: 'db:customers', actions: ['read'] }] } },
    }))
    assert.throws(() => resolveChains([root, delegation], KEYS.other.did, 4), { code: 'ERR_TYPE_CONFUSION' })
  })

  it('accepts agreeing JWT claims beside the 2.0 fields', () => {
    const jwt = makeVc2({ iss: KEYS.issuer.did, sub: KEYS.agent.did, jti: 'urn:uuid:00000000-0000-4000-8000-000000000002', nbf: S0 - 3600, exp: S0 + 3600, iat: S0 - 3600 })
    assert.equal(checkAnyCredentialJwt(jwt).expires, S0 + 3600)
  })

  const CREDENTIAL_CASES: Array<[string, () => string, string]> = [
    ['a VC 1.1 payload under the 2.0 typ vc+jwt', () => signRaw(KEYS.issuer, header(KEYS.issuer), vcPayload()), 'ERR_TYPE_CONFUSION'],
    ['a VC 2.0 document under typ JWT (read as 1.1: no vc claim)', () => makeVc2({ iss: KEYS.issuer.did }, KEYS.issuer, 'JWT'), 'ERR_TYPE_CONFUSION'],
    ['a VC 2.0 document under typ JWT without iss', () => makeVc2({}, KEYS.issuer, 'JWT'), 'ERR_TYPE_CONFUSION'],
    ['a VC 1.1 payload under the drafts\' typ vc+ld+jwt', () => signRaw(KEYS.issuer, header(KEYS.issuer, 'vc+ld+jwt'), vcPayload()), 'ERR_JWS_HEADER'],
    ['a VC 1.1 payload with a cty', () => signRaw(KEYS.issuer, { ...header(KEYS.issuer, 'JWT'), cty: 'vc' }, vcPayload()), 'ERR_JWS_HEADER'],
    ['a VC 2.0 credential whose cty says vp', () => signRaw(KEYS.issuer, { ...header(KEYS.issuer), cty: 'vp' }, vc2()), 'ERR_JWS_HEADER'],
    ['a date-time whose offset has 99 minutes', () => makeVc2({ validUntil: '2026-12-01T09:00:00+05:99' }), 'ERR_INPUT_INVALID'],
    ['a VC 2.0 document with the 1.1 context', () => makeVc2({ '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1] }), 'ERR_INPUT_INVALID'],
    ['a VC 1.1 payload whose vc claim has the 2.0 context', () => makeVc({}, { '@context': [CREDENTIALS_CONTEXT_V2, AGENTID_CONTEXT_V1] }), 'ERR_INPUT_INVALID'],
    ['a VC 2.0 document also carrying a vc claim', () => makeVc2({ vc: vcPayload().vc }), 'ERR_TYPE_CONFUSION'],
    ['no validUntil: every credential expires', () => makeVc2({ validUntil: undefined }), 'ERR_INPUT_INVALID'],
    ['validUntil not a date-time with a zone', () => makeVc2({ validUntil: '2026-12-01' }), 'ERR_INPUT_INVALID'],
    ['the 1.1 expirationDate in a 2.0 document', () => makeVc2({ expirationDate: ISO(S0 + 3600) }), 'ERR_INPUT_INVALID'],
    ['exp disagreeing with validUntil', () => makeVc2({ exp: S0 + 7200 }), 'ERR_VC_CLAIMS_MISMATCH'],
    ['nbf disagreeing with validFrom', () => makeVc2({ nbf: S0 - 60 }), 'ERR_VC_CLAIMS_MISMATCH'],
    ['iss naming another issuer than issuer', () => makeVc2({ iss: KEYS.otherIssuer.did }), 'ERR_VC_CLAIMS_MISMATCH'],
    ['sub naming another subject than credentialSubject.id', () => makeVc2({ sub: KEYS.other.did }), 'ERR_VC_CLAIMS_MISMATCH'],
    ['jti differing from id', () => makeVc2({ jti: 'urn:uuid:other' }), 'ERR_VC_CLAIMS_MISMATCH'],
    ['no issuer', () => makeVc2({ issuer: undefined }), 'ERR_INPUT_INVALID'],
    ['signed by another key than its issuer', () => signRaw(KEYS.other, header(KEYS.issuer), vc2()), 'ERR_SIGNATURE'],
    ['kid of another key', () => signRaw(KEYS.issuer, header(KEYS.other), vc2()), 'ERR_JWS_HEADER'],
    ['no credentialSubject.id', () => makeVc2({ credentialSubject: { agent: { name: 'x', kind: 'company', owner: 'o' }, entitlements: ENTITLEMENTS } }), 'ERR_INPUT_INVALID'],
    ['a presentation type', () => makeVc2({ type: ['VerifiableCredential', 'VerifiablePresentation', 'AgentEntitlementCredential'] }), 'ERR_TYPE_CONFUSION'],
    ['validFrom after validUntil', () => makeVc2({ validFrom: ISO(S0 + 7200) }), 'ERR_INPUT_INVALID'],
  ]
  for (const [name, make, code] of CREDENTIAL_CASES) {
    it(`refuses ${name}`, async () => {
      assert.throws(() => checkAnyCredentialJwt(make()), { code })
    })
  }

  const PRESENTATION_CASES: Array<[string, () => string, string]> = [
    ['a VC 1.1 credential in a VC 2.0 presentation', () => makeVp2([enveloped(makeVc(), 'application/vc+jwt')]), 'ERR_TYPE_CONFUSION'],
    ['a VC 2.0 credential in a VC 1.1 presentation', () => signJwt(KEYS.agent, { iss: KEYS.agent.did, aud: KEYS.verifier.did, nonce: 'nonce-1', iat: S0, exp: S0 + 120, vp: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiablePresentation'], verifiableCredential: [makeVc2()] } }), 'ERR_TYPE_CONFUSION'],
    ['a bare JWT string in a VC 2.0 presentation', () => makeVp2([makeVc2()]), 'ERR_INPUT_INVALID'],
    ['an enveloped credential of another media type', () => makeVp2([enveloped(makeVc2(), 'application/jwt')]), 'ERR_INPUT_INVALID'],
    ['an enveloped credential with extra members', () => makeVp2([{ ...enveloped(makeVc2()), credentialSubject: {} }]), 'ERR_INPUT_INVALID'],
    ['a VC 2.0 presentation without holder', () => makeVp2(undefined, { holder: undefined }), 'ERR_INPUT_INVALID'],
    ['a VC 2.0 presentation signed by another key than its holder', () => signRaw(KEYS.other, header(KEYS.agent, 'vp+jwt'), vp2([enveloped(makeVc2())])), 'ERR_SIGNATURE'],
    ['a VC 2.0 presentation by another holder than the credential subject', () => makeVp2(undefined, { holder: KEYS.other.did }, KEYS.other), 'ERR_VP_HOLDER_BINDING'],
    ['a VC 2.0 presentation with the 1.1 context', () => makeVp2(undefined, { '@context': [CREDENTIALS_CONTEXT_V1] }), 'ERR_INPUT_INVALID'],
    ['a VC 1.1 presentation payload under typ vp+jwt', () => signRaw(KEYS.agent, header(KEYS.agent, 'vp+jwt'), { iss: KEYS.agent.did, aud: KEYS.verifier.did, nonce: 'nonce-1', iat: S0, exp: S0 + 120, vp: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiablePresentation'], verifiableCredential: [makeVc()] } }), 'ERR_TYPE_CONFUSION'],
    ['a VC 2.0 presentation for another audience', () => makeVp2(undefined, { aud: KEYS.other.did }), 'ERR_VP_AUDIENCE'],
    ['a VC 2.0 presentation living too long', () => makeVp2(undefined, { exp: S0 + 3600 }), 'ERR_VP_EXPIRED'],
    ['a VC 2.0 credential where a presentation is expected', () => makeVc2(), 'ERR_TYPE_CONFUSION'],
  ]
  for (const [name, make, code] of PRESENTATION_CASES) {
    it(`refuses ${name}`, async () => refused(make(), code))
  }

  it('the agent presents each format in its own presentation, and refuses to mix them', async () => {
    const two = createPresentation({ key: KEYS.agent, credentials: [makeVc2()], audience: KEYS.verifier.did, challenge: 'nonce-1', now: () => T0 })
    assert.equal(JSON.parse(Buffer.from(two.split('.')[0]!, 'base64url').toString()).typ, 'vp+jwt')
    assert.equal((await verifier().verifyPresentation(two, { challenge: 'nonce-1' })).ok, true)
    assert.throws(() => createPresentation({ key: KEYS.agent, credentials: [makeVc2(), makeVc()], audience: KEYS.verifier.did, challenge: 'nonce-1', now: () => T0 }), { code: 'ERR_INPUT_INVALID' })
  })

  it('delegates a VC 2.0 credential as VC 2.0, and the chain verifies', async () => {
    const delegableVc = makeVc2({ credentialSubject: { id: KEYS.agent.did, agent: { name: 'report-bot', kind: 'company', owner: 'sales-team' }, entitlements: [{ resource: 'db:customers', actions: ['read'] }] } })
    const delegation = createDelegation({ key: KEYS.agent, parent: delegableVc, to: KEYS.other.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttl: 600, now: () => T0 })
    assert.equal(checkAnyCredentialJwt(delegation).format, 'vc2.0')
    const own = makeVc2({ id: 'urn:uuid:own', credentialSubject: { id: KEYS.other.did, agent: { name: 'helper', kind: 'company', owner: 'sales-team' }, entitlements: [{ resource: 'db:other', actions: ['read'] }] } })
    const vp = createPresentation({ key: KEYS.other, credentials: [delegableVc, delegation, own], audience: KEYS.verifier.did, challenge: 'nonce-1', now: () => T0 })
    const result = await verifier().verifyPresentation(vp, { challenge: 'nonce-1' })
    assert.equal(result.ok, true, JSON.stringify(result))
  })

  describe('status lists in every shape the Bitstring Status List Recommendation allows', () => {
    const bits = (set: number[]) => {
      const bytes = new Uint8Array(16384)
      for (const i of set) bytes[i >> 3]! |= 0x80 >> (i & 7)
      return `u${gzipSync(bytes).toString('base64url')}`
    }
    const list2 = (subject: Record<string, unknown>, overrides: Record<string, unknown> = {}) => signRaw(KEYS.issuer, header(KEYS.issuer), {
      '@context': [CREDENTIALS_CONTEXT_V2], type: ['VerifiableCredential', 'BitstringStatusListCredential'], id: LIST_URL, issuer: KEYS.issuer.did,
      validFrom: ISO(S0 - 60), validUntil: ISO(S0 + 3600),
      credentialSubject: { id: `${LIST_URL}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: bits([]), ...subject },
      ...overrides,
    })
    const entry = (purpose: string, index = 42) => ({ id: `${LIST_URL}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: LIST_URL })

    it('reads a VC 2.0 list, a statusPurpose array, and a ttl', async () => {
      const list = checkStatusListJwt(list2({ statusPurpose: ['revocation', 'suspension'], ttl: 300000 }))
      assert.deepEqual([list.url, list.purposes, list.issuedAt, list.expires], [LIST_URL, ['revocation', 'suspension'], S0 - 60, S0 + 3600])
      for (const [purpose, set, ok] of [['revocation', [], true], ['suspension', [42], false]] as const) {
        const vp = makeVp2([enveloped(makeVc2({ credentialStatus: entry(purpose) }))])
        const result = await verifier(statusListsFromJwts([list2({ statusPurpose: ['revocation', 'suspension'], encodedList: bits([...set]) })])).verifyPresentation(vp, { challenge: 'nonce-1' })
        assert.equal(result.ok, ok, JSON.stringify(result))
      }
    })

    it('refuses a list that does not name the entry\'s purpose, and malformed purposes or ttl', async () => {
      const vp = makeVp2([enveloped(makeVc2({ credentialStatus: entry('suspension') }))])
      const result = await verifier(statusListsFromJwts([list2({})])).verifyPresentation(vp, { challenge: 'nonce-1' })
      assert.equal(result.ok === false && result.code, 'ERR_STATUS_UNAVAILABLE')
      for (const subject of [{ statusPurpose: [] }, { statusPurpose: ['revocation', 'revocation'] }, { statusPurpose: [1] }, { ttl: -1 }, { ttl: '300' }]) {
        assert.throws(() => checkStatusListJwt(list2(subject)), { code: 'ERR_STATUS_UNAVAILABLE' }, JSON.stringify(subject))
      }
      assert.throws(() => checkStatusListJwt(list2({}, { exp: S0 + 60 })), { code: 'ERR_STATUS_UNAVAILABLE' }, 'exp disagreeing with validUntil')
      assert.throws(() => checkStatusListJwt(list2({}, { vc: {} })), { code: 'ERR_STATUS_UNAVAILABLE' }, 'a 1.1 claim in a 2.0 list')
      assert.throws(() => checkStatusListJwt(list2({}, { validUntil: '2026-02-30T00:00:00Z' })), { code: 'ERR_STATUS_UNAVAILABLE' }, '30 February')
    })

    it('bounds a VC 1.1 list by its expirationDate when it has no exp', () => {
      const list11 = signJwt(KEYS.issuer, {
        iss: KEYS.issuer.did, jti: LIST_URL, iat: S0 - 7200,
        vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'BitstringStatusListCredential'], expirationDate: ISO(S0 - 3600), credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: bits([]) } },
      })
      assert.equal(checkStatusListJwt(list11).expires, S0 - 3600)
    })
  })
})
