import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { agentKeyFromSeed, createDelegation, signJwt, type AgentKey } from '@agentid/agent'
import { AGENTID_CONTEXT_V1, CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { createVerifier, statusListsFromJwts, type VerifierOptions } from '@agentid/verifier'
import { KEYS, makeVc, makeVp, S0, T0 } from '../../../test/support/tokens.js'

// The root: KEYS.issuer grants KEYS.agent (A). A delegates to B, B to C, C to D.
const A = KEYS.agent
const B = agentKeyFromSeed(new Uint8Array(32).fill(11))
const C = agentKeyFromSeed(new Uint8Array(32).fill(12))
const D = agentKeyFromSeed(new Uint8Array(32).fill(13))
const ROOT_ID = 'urn:uuid:00000000-0000-4000-8000-000000000001'
const root = makeVc() // db:customers read for monthly-report (maxRecords 5000, network), crm:accounts/* read,list

const narrow = [{ resource: 'crm:accounts/eu/*', actions: ['read'] }]

interface Link { from: AgentKey; to: AgentKey; parent: string; entitlements?: unknown[]; depth?: number; nbf?: number; exp?: number; id: string }

/** A delegation signed by hand, so that hostile ones can be built too. */
function link({ from, to, parent, entitlements = narrow, depth = 0, nbf = S0 - 60, exp = S0 + 1800, id }: Link): string {
  return signJwt(from, {
    iss: from.did, sub: to.did, jti: id, nbf, exp,
    vc: {
      '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
      type: ['VerifiableCredential', 'AgentDelegationCredential'],
      credentialSubject: { entitlements, parent, depth },
    },
  })
}

const ab = (o: Partial<Link> = {}) => link({ from: A, to: B, parent: ROOT_ID, id: 'urn:ab', depth: 2, ...o })
const bc = (o: Partial<Link> = {}) => link({ from: B, to: C, parent: 'urn:ab', id: 'urn:bc', depth: 1, ...o })
const cd = (o: Partial<Link> = {}) => link({ from: C, to: D, parent: 'urn:bc', id: 'urn:cd', depth: 0, ...o })

function verifier(options: Partial<VerifierOptions> = {}) {
  return createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true, ...options })
}

/**
 * The holder's own credential from the issuer, with nothing the chains grant: its standing
 * (not retired, not suspended), which a delegate presents beside its chains.
 */
function standing(holder: AgentKey, extra: Record<string, unknown> = {}, key: AgentKey = KEYS.issuer): string {
  const n = holder.did.slice(-8).toLowerCase().replace(/[^0-9a-f]/g, '0')
  return makeVc({ iss: key.did, sub: holder.did, jti: `urn:uuid:00000000-0000-4000-8000-0000${n}`, ...extra }, {
    credentialSubject: { agent: { name: 'standing', kind: 'service', owner: 'ops' }, entitlements: [{ resource: 'ops:standing', actions: ['read'] }] },
  }, key)
}

async function verify(credentials: string[], holder: AgentKey, options: Partial<VerifierOptions> = {}, own: string[] = [standing(holder)]) {
  return verifier(options).verifyPresentation(makeVp([...credentials, ...own], { iss: holder.did }, holder), { challenge: 'nonce-1' })
}

describe('delegation chains', () => {
  it('accepts chains of 1, 2 and 3 delegations and authorizes against the leaf, reporting the chain', async () => {
    for (const [credentials, holder, chain] of [
      [[root, ab()], B, [ROOT_ID, 'urn:ab']],
      [[root, ab(), bc()], C, [ROOT_ID, 'urn:ab', 'urn:bc']],
      [[root, ab(), bc(), cd()], D, [ROOT_ID, 'urn:ab', 'urn:bc', 'urn:cd']],
    ] as const) {
      const v = verifier()
      const result = await v.verifyPresentation(makeVp([...credentials, standing(holder)], { iss: holder.did }, holder), { challenge: 'nonce-1' })
      assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.message}`)
      const allowed = v.authorize(result, { resource: 'crm:accounts/eu/7', action: 'read' })
      assert.deepEqual(allowed.allow && allowed.chain, chain)
      const parentOnly = v.authorize(result, { resource: 'crm:accounts/us/7', action: 'read' })
      assert.equal(!parentOnly.allow && parentOnly.code, 'ERR_NOT_ENTITLED')
      const action = v.authorize(result, { resource: 'crm:accounts/eu/7', action: 'list' })
      assert.equal(!action.allow && action.code, 'ERR_NOT_ENTITLED')
    }
  })

  it('accepts delegations made with createDelegation', async () => {
    const d1 = createDelegation({ key: A, parent: root, to: B.did, entitlements: narrow, ttl: 600, depth: 1, now: () => T0 })
    const d2 = createDelegation({ key: B, parent: d1, to: C.did, entitlements: [{ resource: 'crm:accounts/eu/1', actions: ['read'] }], ttl: 600, now: () => T0 })
    const result = await verify([root, d1, d2], C)
    assert.equal(result.ok, true, result.ok ? '' : result.message)
    assert.throws(() => createDelegation({ key: C, parent: d2, to: D.did, entitlements: [{ resource: 'crm:accounts/eu/1', actions: ['read'] }], ttl: 60, now: () => T0 }), { code: 'ERR_DELEGATION' })
    assert.throws(() => createDelegation({ key: B, parent: root, to: C.did, entitlements: narrow, ttl: 60, now: () => T0 }), { code: 'ERR_DELEGATION' })
    assert.throws(() => createDelegation({ key: A, parent: root, to: B.did, entitlements: [{ resource: 'crm:accounts/*', actions: ['write'] }], ttl: 60, now: () => T0 }), { code: 'ERR_DELEGATION' })
    const withTask = makeVc({}, { credentialSubject: { agent: { name: 'a', kind: 'service', owner: 'ops' }, entitlements: narrow, task: { id: 'task-1' } } })
    assert.throws(() => createDelegation({ key: A, parent: withTask, to: B.did, entitlements: narrow, ttl: 60, task: 'other-task', now: () => T0 }), { code: 'ERR_DELEGATION' })
    assert.ok(createDelegation({ key: A, parent: withTask, to: B.did, entitlements: narrow, ttl: 60, task: 'task-1', now: () => T0 }))
  })

  // [name, credentials, holder, code]: each escalation refused.
  const ESCALATIONS: Array<[string, () => string[], AgentKey, string]> = [
    ['a wider resource', () => [root, ab({ entitlements: [{ resource: 'crm:*'.replace('*', 'leads'), actions: ['read'] }] })], B, 'ERR_DELEGATION'],
    ['an extra action', () => [root, ab({ entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read', 'delete'] }] })], B, 'ERR_DELEGATION'],
    ['a changed purpose', () => [root, ab({ entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'marketing', constraints: { maxRecords: 10, networks: ['10.20.0.0/16'] } }] })], B, 'ERR_DELEGATION'],
    ['a dropped constraint', () => [root, ab({ entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { networks: ['10.20.0.0/16'] } }] })], B, 'ERR_DELEGATION'],
    ['a loosened constraint', () => [root, ab({ entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 9000, networks: ['10.20.0.0/16'] } }] })], B, 'ERR_DELEGATION'],
    ['a later expiry than the parent', () => [root, ab({ exp: S0 + 3601 })], B, 'ERR_DELEGATION'],
    ['a start before the parent', () => [root, ab({ nbf: S0 - 3601 })], B, 'ERR_DELEGATION'],
    ['depth not decreasing', () => [root, ab({ depth: 1 }), bc({ depth: 1 })], C, 'ERR_DELEGATION'],
    ['delegating below depth 0', () => [root, ab({ depth: 0 }), bc({ depth: 0 })], C, 'ERR_DELEGATION'],
    ['a chain longer than allowed', () => [root, ab({ depth: 3 }), bc({ depth: 2 }), cd({ depth: 1 })], D, 'ERR_DELEGATION'],
    ['a link signed by someone other than the previous subject', () => [root, ab(), link({ from: D, to: C, parent: 'urn:ab', id: 'urn:bc', depth: 1 })], C, 'ERR_DELEGATION'],
    ['a cycle', () => [root, link({ from: A, to: B, parent: 'urn:bc', id: 'urn:ab', depth: 2 }), link({ from: B, to: A, parent: 'urn:ab', id: 'urn:bc', depth: 1 })], B, 'ERR_DELEGATION'],
    ['a parent that is not presented', () => [ab()], B, 'ERR_DELEGATION'],
    ['an untrusted root', () => [makeVc({ iss: KEYS.otherIssuer.did }, {}, KEYS.otherIssuer), ab()], B, 'ERR_DELEGATION'],
    ['an expired root', () => [makeVc({ nbf: S0 - 7200, exp: S0 - 3600 }), ab({ nbf: S0 - 7200, exp: S0 - 3600 })], B, 'ERR_DELEGATION'],
    ['a root with a tampered signature', () => [root.replace(/.{4}$/, 'AAAA'), ab()], B, 'ERR_SIGNATURE'],
    ['a leaf presented by someone other than its subject', () => [root, ab()], C, 'ERR_DELEGATION'],
    ['the root presented by the delegate as its own', () => [root], B, 'ERR_VP_HOLDER_BINDING'],
    ['the same credential twice', () => [root, ab(), ab()], B, 'ERR_DELEGATION'],
    ['a delegation carrying a status entry', () => [root, signJwt(A, { iss: A.did, sub: B.did, jti: 'urn:ab', nbf: S0, exp: S0 + 60, vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'AgentDelegationCredential'], credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '1', statusListCredential: 'https://x/s' }, credentialSubject: { entitlements: narrow, parent: ROOT_ID, depth: 0 } } })], B, 'ERR_INPUT_INVALID'],
    ['a delegation without nbf', () => [root, signJwt(A, { iss: A.did, sub: B.did, jti: 'urn:ab', exp: S0 + 60, vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'AgentDelegationCredential'], credentialSubject: { entitlements: narrow, parent: ROOT_ID, depth: 0 } } })], B, 'ERR_INPUT_INVALID'],
  ]

  for (const [name, credentials, holder, code] of ESCALATIONS) {
    it(`refuses ${name} (${code})`, async () => {
      const result = await verify(credentials(), holder, { maxChainLength: 2 + (name === 'a chain longer than allowed' ? 0 : 2) })
      assert.equal(result.ok, false)
      assert.equal(result.ok === false && result.code, code, result.ok ? '' : result.message)
      if (code === 'ERR_DELEGATION') assert.ok(!result.ok && result.message.length > 10)
    })
  }

  it('cuts off every descendant when an ancestor is revoked', async () => {
    const listUrl = 'https://issuer.example/status/rev-1'
    const withStatus = makeVc({}, { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '42', statusListCredential: listUrl } })
    const bits = new Uint8Array(131072 / 8)
    const list = (revoked: boolean) => {
      bits[42 >> 3] = revoked ? 0x80 >> (42 & 7) : 0
      return signJwt(KEYS.issuer, {
        iss: KEYS.issuer.did, jti: listUrl, iat: S0 - 10, nbf: S0 - 10, exp: S0 + 600,
        vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'BitstringStatusListCredential'], credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: `u${gzipSync(bits).toString('base64url')}` } },
      })
    }
    const chain = [withStatus, ab(), bc()]
    assert.equal((await verify(chain, C, { statusLists: statusListsFromJwts([list(false)]) })).ok, true)
    const revoked = await verify(chain, C, { statusLists: statusListsFromJwts([list(true)]) })
    assert.equal(revoked.ok === false && revoked.code, 'ERR_DELEGATION')
    assert.match(revoked.ok ? '' : revoked.message, /ERR_VC_REVOKED/)
    const unknown = await verify(chain, C)
    assert.equal(unknown.ok === false && unknown.code, 'ERR_STATUS_UNAVAILABLE')
  })

  it('keeps the holder\'s own credentials and delegated ones apart', async () => {
    const own = makeVc({ sub: B.did, jti: 'urn:own' }, { credentialSubject: { agent: { name: 'b', kind: 'service', owner: 'ops' }, entitlements: [{ resource: 'tickets:all', actions: ['read'] }] } })
    const v = verifier()
    const result = await v.verifyPresentation(makeVp([root, ab(), own], { iss: B.did }, B), { challenge: 'nonce-1' })
    assert.equal(result.ok, true, result.ok ? '' : result.message)
    const mine = v.authorize(result, { resource: 'tickets:all', action: 'read' })
    assert.deepEqual(mine.allow && mine.chain, ['urn:own'])
    const rootOnly = v.authorize(result, { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.20.0.1', records: 1 } })
    assert.equal(!rootOnly.allow && rootOnly.code, 'ERR_NOT_ENTITLED')
  })

  it('checks trust before attenuation (the costly check), so an untrusted chain is refused without it', async () => {
    // The link also escalates; the reason given is the untrusted root, which shows the order
    // (checked by outcome, not by timing).
    const untrustedRoot = makeVc({ iss: KEYS.otherIssuer.did, sub: A.did }, { credentialSubject: { agent: { name: 'a', kind: 'service', owner: 'ops' }, entitlements: narrow } }, KEYS.otherIssuer)
    const result = await verify([untrustedRoot, ab({ entitlements: [{ resource: 'crm:accounts/*', actions: ['delete'] }] })], B)
    assert.equal(result.ok === false && result.code, 'ERR_DELEGATION')
    assert.match(result.ok ? '' : result.message, /ERR_VC_ISSUER_UNTRUSTED/)
    assert.doesNotMatch(result.ok ? '' : result.message, /exceeds/)
  })

  it('refuses a link whose entitlement comparisons exceed the budget, even under a trusted root', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ resource: `crm:accounts/r${i}`, actions: ['read'] }))
    const wideRoot = makeVc({}, { credentialSubject: { agent: { name: 'a', kind: 'service', owner: 'ops' }, entitlements: many } })
    const result = await verify([wideRoot, ab({ entitlements: many })], B)
    assert.equal(result.ok === false && result.code, 'ERR_DELEGATION')
    assert.match(result.ok ? '' : result.message, /too complex/)
  })

  it('refuses a link that relabels its parent\'s task', async () => {
    const withTask = makeVc({}, { credentialSubject: { agent: { name: 'a', kind: 'service', owner: 'ops' }, entitlements: narrow, task: { id: 'task-1' } } })
    const relabel = signJwt(A, { iss: A.did, sub: B.did, jti: 'urn:ab', nbf: S0 - 60, exp: S0 + 60, vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'AgentDelegationCredential'], credentialSubject: { entitlements: narrow, parent: ROOT_ID, depth: 0, task: { id: 'other-task' } } } })
    const result = await verify([withTask, relabel], B)
    assert.equal(result.ok === false && result.code, 'ERR_DELEGATION')
  })

  it('refuses fractional or too long chain lengths as options', () => {
    for (const maxChainLength of [2.5, 8, -1]) assert.throws(() => verifier({ maxChainLength }), { code: 'ERR_USAGE' })
  })

  describe('the delegate\'s standing: a retired or suspended delegate cannot use a chain whose root is still valid', () => {
    const listUrl = 'https://issuer.example/status/rev-1'
    const entry = (purpose: string, index: number) => ({ type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: `${listUrl.replace('rev-1', purpose)}` })
    const list = (purpose: string, set: number[]) => {
      const bits = new Uint8Array(131072 / 8)
      for (const i of set) bits[i >> 3]! |= 0x80 >> (i & 7)
      return signJwt(KEYS.issuer, {
        iss: KEYS.issuer.did, jti: listUrl.replace('rev-1', purpose), iat: S0 - 10, nbf: S0 - 10, exp: S0 + 600,
        vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'BitstringStatusListCredential'], credentialSubject: { type: 'BitstringStatusList', statusPurpose: purpose, encodedList: `u${gzipSync(bits).toString('base64url')}` } },
      })
    }
    const own = (index: number) => makeVc({ sub: B.did, jti: `urn:uuid:00000000-0000-4000-8000-00000000b00${index}` }, {
      credentialSubject: { agent: { name: 'b', kind: 'service', owner: 'ops' }, entitlements: [{ resource: 'ops:standing', actions: ['read'] }] },
      credentialStatus: [entry('revocation', index), entry('suspension', index)],
    })

    it('refuses a delegate that presents no credential of its own (ERR_DELEGATION), unless the verifier opts out', async () => {
      const bare = await verify([root, ab()], B, {}, [])
      assert.equal(bare.ok === false && bare.code, 'ERR_DELEGATION')
      assert.match(bare.ok ? '' : bare.message, /standing/)
      assert.equal((await verify([root, ab()], B, { requireDelegateStanding: false }, [])).ok, true)
      assert.throws(() => verifier({ requireDelegateStanding: 'yes' as unknown as boolean }), { code: 'ERR_USAGE' })
    })

    it('refuses a delegate whose own credential is revoked (retired) or suspended, once the published lists say so', async () => {
      const lists = (revoked: number[], suspended: number[]) => ({ statusLists: statusListsFromJwts([list('revocation', revoked), list('suspension', suspended)]) })
      assert.equal((await verify([root, ab()], B, lists([], []), [own(1)])).ok, true)
      const retired = await verify([root, ab()], B, lists([1], []), [own(1)])
      assert.equal(retired.ok === false && retired.code, 'ERR_VC_REVOKED')
      const suspended = await verify([root, ab()], B, lists([], [1]), [own(1)])
      assert.equal(suspended.ok === false && suspended.code, 'ERR_VC_SUSPENDED')
      // Leaving the revoked credential out does not help.
      const hidden = await verify([root, ab()], B, lists([1], []), [])
      assert.equal(hidden.ok === false && hidden.code, 'ERR_DELEGATION')
    })

    it('refuses standing from another issuer than the chain\'s root, trusted or not', async () => {
      const other = standing(B, {}, KEYS.otherIssuer)
      const result = await verify([root, ab()], B, { trustedIssuers: [KEYS.issuer.did, KEYS.otherIssuer.did] }, [other])
      assert.equal(result.ok === false && result.code, 'ERR_DELEGATION')
    })

    it('refuses an expired own credential as standing', async () => {
      const stale = standing(B, { nbf: S0 - 7200, exp: S0 - 3600 })
      const result = await verify([root, ab()], B, {}, [stale])
      assert.equal(result.ok === false && result.code, 'ERR_VC_EXPIRED')
    })
  })

  describe('delegable: an issuer says what may be handed on', () => {
    const approvals = [{ role: 'security', approver: 'sam', at: '2026-11-30T08:00:00Z' }]
    const rootWith = (entitlements: unknown[], extra: Record<string, unknown> = {}) =>
      makeVc({}, { credentialSubject: { agent: { name: 'a', kind: 'service', owner: 'ops' }, entitlements, risk: 'high', ...extra } })
    const crm = { resource: 'crm:accounts/*', actions: ['read'] }

    it('refuses a link under an entitlement marked delegable: false, and createDelegation refuses to make it', async () => {
      const parent = rootWith([{ ...crm, delegable: false }])
      const result = await verify([parent, ab()], B)
      assert.equal(result.ok === false && result.code, 'ERR_DELEGATION')
      assert.match(result.ok ? '' : result.message, /not delegable/)
      assert.throws(() => createDelegation({ key: A, parent, to: B.did, entitlements: narrow, ttl: 600, now: () => T0 }), { code: 'ERR_DELEGATION' })
    })

    it('never carries a credential\'s approvals to another agent unless the issuer marked the entitlement delegable', async () => {
      const gated = rootWith([crm], { approvals })
      const refused = await verify([gated, ab()], B, { requireApprovals: { high: ['security'] } })
      assert.equal(refused.ok === false && refused.code, 'ERR_DELEGATION')
      assert.throws(() => createDelegation({ key: A, parent: gated, to: B.did, entitlements: narrow, ttl: 600, now: () => T0 }), { code: 'ERR_DELEGATION' })
      const v = verifier({ requireApprovals: { high: ['security'] } })
      const open = rootWith([{ ...crm, delegable: true }], { approvals })
      const accepted = await v.verifyPresentation(makeVp([open, ab(), standing(B)], { iss: B.did }, B), { challenge: 'nonce-1' })
      assert.equal(accepted.ok, true, accepted.ok ? '' : accepted.message)
      assert.equal(v.authorize(accepted, { resource: 'crm:accounts/eu/1', action: 'read' }).allow, true)
    })

    it('keeps a root without approvals and without the property delegable (credentials from before it)', async () => {
      assert.equal((await verify([rootWith([crm]), ab()], B)).ok, true)
    })
  })

  it('refuses a delegation verified alone', async () => {
    const result = await verifier().verifyCredential(ab())
    assert.equal(result.ok === false && result.code, 'ERR_DELEGATION')
  })
})
