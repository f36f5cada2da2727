import assert from 'node:assert/strict'
import fc from 'fast-check'
import { agentKeyFromSeed, signJwt } from '@agentid/agent'
import { AGENTID_CONTEXT_V1, CREDENTIALS_CONTEXT_V1, entitlementExceeds, matchEntitlements, parseEntitlement, type Entitlement } from '@agentid/core'
import { createVerifier } from '@agentid/verifier'
import { KEYS, makeVc, makeVp, S0, T0 } from '../../../test/support/tokens.js'

// Small domains, so that random parents and children overlap often enough to exercise both
// answers; seeded, so that a failure reproduces.
const RESOURCES = ['db:hr/*', 'db:hr/payroll/*', 'db:hr/payroll', 'db:hr/x', 'db:crm', 'files:a/*']
const ACTIONS = ['read', 'write', 'list']
const HOURS = ['08:00-18:00Z', '09:00-17:00Z', '22:00-06:00Z', '00:00-24:00Z']
const NETWORKS = ['10.0.0.0/8', '10.20.0.0/16', '10.20.30.0/24', '192.168.0.0/16', 'fd00::/8']

const constraintsArb = fc.record(
  {
    hours: fc.constantFrom(...HOURS),
    days: fc.subarray(['mon', 'tue', 'wed', 'sat'], { minLength: 1 }),
    networks: fc.subarray(NETWORKS, { minLength: 1, maxLength: 2 }),
    maxRecords: fc.constantFrom(1, 10, 100),
  },
  { requiredKeys: [] },
)
const entitlementJsonArb = fc.record(
  {
    resource: fc.constantFrom(...RESOURCES),
    actions: fc.subarray(ACTIONS, { minLength: 1 }),
    purpose: fc.constantFrom('p1', 'p2'),
    constraints: constraintsArb,
  },
  { requiredKeys: ['resource', 'actions'] },
)
type EntitlementJson = { resource: string; actions: string[]; purpose?: string; constraints?: Record<string, unknown> }
const withParsed = (json: EntitlementJson) => ({ json, parsed: parseEntitlement(json) })
const entitlementArb = entitlementJsonArb.map((json) => withParsed(json as EntitlementJson))

// Mostly the parent's own value, sometimes none, sometimes any: children near their parent, so
// that both answers (within, exceeds) come up often.
function near<T>(parentValue: T | undefined, any: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(parentValue) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: any },
  )
}

function childOf(parent: EntitlementJson): fc.Arbitrary<ReturnType<typeof withParsed>> {
  const pc = parent.constraints ?? {}
  return fc
    .record({
      resource: near(parent.resource, fc.constantFrom(...RESOURCES)),
      actions: fc.oneof(fc.subarray(parent.actions, { minLength: 1 }), fc.subarray(ACTIONS, { minLength: 1 })),
      purpose: near(parent.purpose, fc.constantFrom('p1', 'p2')),
      hours: near(pc.hours as string | undefined, fc.constantFrom(...HOURS)),
      days: near(pc.days as string[] | undefined, fc.subarray(['mon', 'tue', 'wed', 'sat'], { minLength: 1 })),
      networks: near(pc.networks as string[] | undefined, fc.subarray(NETWORKS, { minLength: 1, maxLength: 2 })),
      maxRecords: near(pc.maxRecords as number | undefined, fc.constantFrom(1, 10, 100)),
    })
    .map(({ resource, actions, purpose, ...c }) => {
      const constraints = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))
      return withParsed({
        resource: resource ?? parent.resource,
        actions,
        ...(purpose !== undefined ? { purpose } : {}),
        ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
      })
    })
}

const pairArb = entitlementArb.chain((parent) => childOf(parent.json).map((child) => ({ parent, child })))

const requestArb = fc.record({
  resource: fc.constantFrom('db:hr/payroll', 'db:hr/payroll/q1', 'db:hr/x', 'db:crm', 'files:a/b'),
  action: fc.constantFrom(...ACTIONS),
  purpose: fc.option(fc.constantFrom('p1', 'p2'), { nil: undefined }),
  context: fc.record({
    time: fc.constantFrom(Date.UTC(2026, 10, 30, 10, 0), Date.UTC(2026, 10, 30, 23, 0), Date.UTC(2026, 11, 5, 12, 0), Date.UTC(2026, 11, 1, 7, 30)),
    ip: fc.constantFrom('10.20.30.4', '10.21.0.1', '192.168.1.1', 'fd00::1', '8.8.8.8'),
    records: fc.constantFrom(0, 5, 50, 500),
  }),
})

// Requests mostly aimed at what the child grants, so that many are allowed by it.
function requestFor(child: EntitlementJson) {
  const inside = child.resource.endsWith('/*') ? `${child.resource.slice(0, -1)}q1` : child.resource
  return fc.oneof(
    requestArb,
    requestArb.chain((random) => fc.constantFrom(...child.actions).map((action) => ({
      ...random, resource: inside, action, purpose: child.purpose,
    }))),
  )
}

const A = KEYS.agent
const B = agentKeyFromSeed(new Uint8Array(32).fill(11))

function rootWith(entitlement: unknown): string {
  return makeVc({ sub: A.did }, { credentialSubject: { agent: { name: 'a', kind: 'service', owner: 'ops' }, entitlements: [entitlement] } })
}

// B's own credential: a delegate presents its standing beside its chain.
const standing = makeVc({ sub: B.did, jti: 'urn:uuid:00000000-0000-4000-8000-0000000000b1' }, { credentialSubject: { agent: { name: 'b', kind: 'service', owner: 'ops' }, entitlements: [{ resource: 'ops:standing', actions: ['read'] }] } })

function delegation(entitlement: unknown): string {
  return signJwt(A, {
    iss: A.did, sub: B.did, jti: 'urn:child', nbf: S0 - 60, exp: S0 + 600,
    vc: {
      '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
      type: ['VerifiableCredential', 'AgentDelegationCredential'],
      credentialSubject: { entitlements: [entitlement], parent: 'urn:uuid:00000000-0000-4000-8000-000000000001', depth: 0 },
    },
  })
}

describe('delegation properties (fast-check, seeded)', function () {
  this.timeout(120_000)

  it('the verifier accepts a child exactly when the subset function says it lies within its parent', async () => {
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(pairArb, async ({ parent, child }) => {
        const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true })
        const vp = makeVp([rootWith(parent.json), delegation(child.json), standing], { iss: B.did }, B)
        const result = await verifier.verifyPresentation(vp, { challenge: 'nonce-1' })
        const within = entitlementExceeds(child.parsed, parent.parsed) === undefined
        if (result.ok) accepted++
        assert.equal(result.ok, within, result.ok ? 'accepted an escalation' : `${result.code}: ${result.message}`)
        if (!result.ok) assert.equal(result.code, 'ERR_DELEGATION')
      }),
      { seed: 20261130, numRuns: 400 },
    )
    assert.ok(accepted > 60 && accepted < 340, `${accepted} of 400 pairs were within: both answers should come up often`)
  })

  it('no request a child allows is denied by its parent', () => {
    let allowedByChild = 0
    fc.assert(
      fc.property(pairArb.chain((pair) => requestFor(pair.child.json).map((request) => ({ ...pair, request }))), ({ parent, child, request: { purpose, ...rest } }) => {
        fc.pre(entitlementExceeds(child.parsed, parent.parsed) === undefined)
        const request = { ...rest, ...(purpose !== undefined ? { purpose } : {}) }
        const byChild = matchEntitlements([child.parsed as Entitlement], request, T0)
        if (byChild.allow) {
          allowedByChild++
          const byParent = matchEntitlements([parent.parsed as Entitlement], request, T0)
          assert.equal(byParent.allow, true, `child allows ${JSON.stringify(request)} but parent says ${byParent.allow ? '' : byParent.code}`)
        }
      }),
      { seed: 20261130, numRuns: 5000 },
    )
    assert.ok(allowedByChild > 100, `only ${allowedByChild} requests were allowed by a child: the property was barely exercised`)
  })
})
