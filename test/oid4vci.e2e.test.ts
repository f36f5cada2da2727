import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { agentKeyFromSeed, createCredentialKeeper, createDpopProof, createJwtBearerAssertion, generateAgentKey, KEY_PROOF_TYPE, type AgentKey, type CredentialKeeper } from '@agentid/agent'
import { startLineProcess } from '../scripts/line-process.mjs'
import { policyToJson, DEFAULT_POLICY } from '@agentid/issuer'
import { signRaw } from './support/tokens.js'
import { startTestService, type TestService } from './support/service.js'

// Credential delivery and renewal over OpenID4VCI 1.0 (issue 15), against a real issuer service
// on 127.0.0.1 with a clock the test moves: nothing here waits on real time. Every refusal carries
// an OpenID4VCI or OAuth error whose description starts with the agentid code, issues nothing,
// and is on record.

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const PRE_AUTHORIZED = 'urn:ietf:params:oauth:grant-type:pre-authorized_code'
const CONFIGURATION = 'AgentEntitlementCredential_jwt_vc_json'
const MCP = 'http://127.0.0.1:9/mcp'
const KEEPER = fileURLToPath(new URL('../scripts/keeper-agent-process.mjs', import.meta.url))

function policy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...policyToJson(DEFAULT_POLICY),
    approvalChains: { low: [], medium: ['security'], high: ['security', 'compliance'], critical: ['security', 'compliance'] },
    rules: [{ resource: 'db:*', actions: ['*'], risk: 'low', maxTtl: '30d' }],
    resourceServers: [{ url: MCP, resources: ['db:*'] }],
    ...overrides,
  }
}

describe('OpenID4VCI: agents collect and renew their own credentials (real service on 127.0.0.1)', function () {
  this.timeout(120_000)
  let clock = Date.UTC(2026, 11, 3, 9)
  const now = () => clock
  const seconds = () => Math.floor(clock / 1000)
  let t: TestService
  before(async () => {
    t = await startTestService({ now, policy: policy() })
  })
  after(async () => {
    await t.close()
  })

  async function enrol(name: string, grant: Record<string, unknown> = {}, key: AgentKey = generateAgentKey()): Promise<{ key: AgentKey; id: string; jwt: string }> {
    const registered = await t.call(t.tokens.admin, 'POST', '/agents', { did: key.did, name, kind: 'company', owner: 'ops' })
    assert.equal(registered.status, 201, JSON.stringify(registered.body))
    const granted = await t.call(t.tokens.admin, 'POST', '/requests', { subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttl: '60s', renewableFor: '1h', ...grant })
    assert.equal(granted.status, 201, JSON.stringify(granted.body))
    return { key, id: granted.body.credential.id, jwt: granted.body.credential.jwt }
  }

  const keeperOf = (key: AgentKey, extra: Partial<Parameters<typeof createCredentialKeeper>[0]> = {}): CredentialKeeper =>
    createCredentialKeeper({ key, issuer: t.url, now, random: () => 0.5, ...extra })

  async function offer(id: string, body: Record<string, unknown> = {}, token = t.tokens.admin) {
    const answer = await t.call(token, 'POST', `/credentials/${encodeURIComponent(id)}/offer`, body)
    assert.equal(answer.status, 201, JSON.stringify(answer.body))
    return answer.body as { offer: any; uri: string; txCode?: string; expiresAt: string }
  }

  // A renewal refused: thrown when nothing valid is left, else reported while the keeper keeps
  // what is still valid.
  async function refusedRenewal(key: AgentKey, code: string): Promise<void> {
    const reported: string[] = []
    const keeper = keeperOf(key, { onError: (e) => reported.push(e.code) })
    const thrown = await keeper.refresh().then(() => undefined, (error: { code?: string }) => error.code)
    assert.deepEqual([thrown ?? reported[0]], [code], `thrown ${thrown}, reported ${reported.join(', ')}`)
  }

  async function rejects(work: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(work, (error: { code?: string; message?: string }) => {
      assert.equal(error.code, code, error.message)
      return true
    })
  }

  async function form(path: string, params: Record<string, string>, headers: Record<string, string>) {
    const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() })
    return { status: response.status, body: await response.json() as any }
  }

  // A credential token by the jwt-bearer grant, as the keeper gets it, for the protocol-level attacks.
  async function credentialToken(key: AgentKey): Promise<{ token: string; identifiers: string[] }> {
    const answer = await form('/oauth/token', {
      grant_type: JWT_BEARER, assertion: createJwtBearerAssertion(key, { audience: t.url, iat: seconds() }),
      authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: CONFIGURATION }]),
    }, { dpop: createDpopProof(key, { method: 'POST', url: `${t.url}/oauth/token`, iat: seconds() }) })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    return { token: answer.body.access_token, identifiers: answer.body.authorization_details[0].credential_identifiers }
  }

  async function nonce(): Promise<string> {
    const response = await fetch(`${t.url}/oid4vci/nonce`, { method: 'POST' })
    assert.equal(response.headers.get('cache-control'), 'no-store')
    return ((await response.json()) as { c_nonce: string }).c_nonce
  }

  const keyProof = (key: AgentKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    signRaw(key, { typ: KEY_PROOF_TYPE, alg: 'EdDSA', kid: key.keyId, ...header }, { aud: t.url, iat: seconds(), ...payload })

  async function credentialRequest(key: AgentKey, token: string, body: Record<string, unknown>) {
    const url = `${t.url}/oid4vci/credential`
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: createDpopProof(key, { method: 'POST', url, accessToken: token, iat: seconds() }) },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: await response.json() as any }
  }

  it('publishes credential issuer metadata naming the token, nonce and credential endpoints', async () => {
    const metadata = (await t.call(undefined, 'GET', '/.well-known/openid-credential-issuer')).body
    assert.equal(metadata.credential_issuer, t.url)
    assert.deepEqual(metadata.authorization_servers, [t.url])
    assert.equal(metadata.credential_endpoint, `${t.url}/oid4vci/credential`)
    assert.equal(metadata.nonce_endpoint, `${t.url}/oid4vci/nonce`)
    const configuration = metadata.credential_configurations_supported[CONFIGURATION]
    assert.equal(configuration.format, 'jwt_vc_json')
    assert.deepEqual(configuration.proof_types_supported, { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } })
    assert.deepEqual(configuration.cryptographic_binding_methods_supported, ['did:key'])
    const as = (await t.call(undefined, 'GET', '/.well-known/oauth-authorization-server')).body
    assert.ok(as.grant_types_supported.includes(PRE_AUTHORIZED))
    assert.equal(as['pre-authorized_grant_anonymous_access_supported'], true)
  })

  it('onboards an agent by a credential offer with a transaction code, redeemed once, and audited', async () => {
    const { key, id, jwt } = await enrol('offered')
    const created = await offer(id, { txCode: true })
    assert.match(created.uri, /^openid-credential-offer:\/\/\?credential_offer=/)
    assert.deepEqual(JSON.parse(decodeURIComponent(created.uri.split('credential_offer=')[1]!)), created.offer)
    // A VC 2.0 issuer (the default) delivers under its vc+jwt configuration.
    assert.deepEqual(created.offer.credential_configuration_ids, ['AgentEntitlementCredential_vc+jwt'])
    assert.deepEqual(created.offer.grants[PRE_AUTHORIZED].tx_code, { input_mode: 'numeric', length: 6, description: created.offer.grants[PRE_AUTHORIZED].tx_code.description })
    assert.match(created.txCode!, /^[0-9]{6}$/)
    const keeper = keeperOf(key)
    const received = await keeper.redeemOffer(created.uri, { txCode: created.txCode! })
    assert.deepEqual(received.map((c) => c.id), [id])
    assert.equal(received[0]!.jwt, jwt, 'before half its life, the credential as issued')
    assert.deepEqual(keeper.jwts(), [jwt])
    // Single use.
    await rejects(keeperOf(key).redeemOffer(created.uri, { txCode: created.txCode! }), 'ERR_OFFER_INVALID')
    const audit = await t.issuer.store.readAudit()
    assert.ok(audit.some((e) => e.action === 'credential.offer' && e.target === key.did))
    assert.ok(audit.some((e) => e.action === 'credential.offer.redeem' && e.actor === key.did))
    // The code is kept as a hash only.
    assert.ok(!t.dump().includes(created.offer.grants[PRE_AUTHORIZED]['pre-authorized_code']))
  })

  it('refuses an expired code, a wrong transaction code (burnt after five), and a code redeemed with another key, changing nothing', async () => {
    const { key, id } = await enrol('offered-2')
    const expiring = await offer(id, { ttl: '5m' })
    clock += 5 * 60_000
    await rejects(keeperOf(key).redeemOffer(expiring.uri), 'ERR_OFFER_INVALID')

    const guarded = await offer(id, { txCode: true })
    const wrong = guarded.txCode === '000000' ? '000001' : '000000'
    await rejects(keeperOf(key).redeemOffer(guarded.uri), 'ERR_TX_CODE')
    for (let i = 0; i < 5; i++) await rejects(keeperOf(key).redeemOffer(guarded.uri, { txCode: wrong }), i < 4 ? 'ERR_TX_CODE' : 'ERR_OFFER_INVALID')
    // Burnt: even the right code no longer works.
    await rejects(keeperOf(key).redeemOffer(guarded.uri, { txCode: guarded.txCode! }), 'ERR_OFFER_INVALID')

    const stolen = await offer(id)
    const before = t.dump()
    await rejects(keeperOf(generateAgentKey()).redeemOffer(stolen.uri), 'ERR_OFFER_INVALID')
    const after = t.dump()
    // Only the failed-attempt count moved; nothing was issued or redeemed.
    assert.equal(before.replace(/"failed_attempts":\d+/g, ''), after.replace(/"failed_attempts":\d+/g, ''))
    assert.ok(t.refusals().some((r) => r.code === 'ERR_OFFER_INVALID'))
    assert.ok(t.refusals().some((r) => r.code === 'ERR_TX_CODE'))
    // The rightful agent still redeems it.
    assert.equal((await keeperOf(key).redeemOffer(stolen.uri)).length, 1)
  })

  it('lets only admins and the owners of an agent make offers', async () => {
    const { id } = await enrol('offered-3')
    for (const role of ['reviewer', 'auditor', 'security', 'reporter'] as const) {
      const answer = await t.call(t.tokens[role], 'POST', `/credentials/${encodeURIComponent(id)}/offer`, {})
      assert.equal(answer.status, 403, `${role}: ${JSON.stringify(answer.body)}`)
    }
    // An owner who does not own the agent learns nothing of it, and the probe is on record.
    const owner = await t.call(t.tokens['agent-owner'], 'POST', `/credentials/${encodeURIComponent(id)}/offer`, {})
    assert.equal(owner.status, 404)
    assert.ok(t.refusals().some((r) => r.actor === 'owen' && r.attempt === 'credential.offer'))
    assert.equal((await t.call(undefined, 'POST', `/credentials/${encodeURIComponent(id)}/offer`, {})).status, 401)
  })

  it('renews 20 times across short lifetimes with no moment without a valid credential (the agent in its own process)', async () => {
    const seed = randomBytes(32)
    const agent = await startLineProcess<{ did: string }>(KEEPER, { PATH: process.env.PATH, AGENTID_KEEPER: JSON.stringify({ seed: seed.toString('hex'), issuer: t.url, now: clock }) })
    try {
      const key = agentKeyFromSeed(seed)
      assert.equal(agent.info.did, key.did)
      const { id } = await enrol('renewing', { renewableFor: '30m' }, key)
      const redeemed = await agent.request({ now: clock, redeem: { offer: (await offer(id)).uri } }) as { held: Array<{ id: string }> }
      assert.deepEqual(redeemed.held.map((c) => c.id), [id])
      const seen = new Set<string>([id])
      // Step the clock 5 s at a time; at every step the agent holds a credential valid then.
      const end = clock + 25 * 60_000
      while (clock < end) {
        clock += 5_000
        const answer = await agent.request({ now: clock, tick: true }) as { held: Array<{ id: string; notBefore: number; expires: number }>; errors: string[]; error?: unknown }
        assert.equal(answer.error, undefined, JSON.stringify(answer))
        assert.deepEqual(answer.errors, [])
        assert.ok(answer.held.some((c) => c.notBefore * 1000 <= clock && c.expires * 1000 > clock), `no valid credential at ${new Date(clock).toISOString()}`)
        for (const c of answer.held) seen.add(c.id)
      }
      const renewals = seen.size - 1
      assert.ok(renewals >= 20, `${renewals} renewals`)
      // Each renewal is a new credential with its own status entry, audited as a renewal of the one before.
      const records = await t.issuer.store.listCredentials({ subject: key.did })
      assert.equal(records.length, renewals + 1)
      assert.equal(new Set(records.map((r) => `${r.listId}#${r.index}`)).size, records.length)
      const renewed = (await t.issuer.store.readAudit()).filter((e) => e.action === 'credential.renew' && records.some((r) => r.id === e.target))
      assert.equal(renewed.length, renewals)
      for (const e of renewed) assert.ok(records.some((r) => r.id === (e.details as { renews: string }).renews))
      assert.ok(records.every((r) => r.expires <= records[0]!.renewUntil!), 'never past the approved window')
    } finally {
      agent.stop()
    }
  })

  it('gives the same credential back before half its life: renewal never multiplies credentials', async () => {
    const { key, id, jwt } = await enrol('early')
    const keeper = keeperOf(key)
    assert.deepEqual((await keeper.refresh()).map((c) => c.jwt), [jwt])
    clock += 29_000
    assert.deepEqual((await keeper.refresh()).map((c) => c.id), [id])
    clock += 1_000
    const [renewed] = await keeper.refresh()
    assert.notEqual(renewed!.id, id)
    // Asked again (a lost answer), the same renewal.
    assert.deepEqual((await keeper.refresh()).map((c) => c.id), [renewed!.id])
    assert.equal((await t.issuer.store.listCredentials({ subject: key.did })).length, 2)
  })

  it('never renews past the approved window, nor a credential granted without one', async () => {
    const { key } = await enrol('windowed', { ttl: '60s', renewableFor: '90s' })
    const keeper = keeperOf(key)
    await keeper.refresh()
    clock += 40_000
    const [second] = await keeper.refresh()
    assert.equal(second!.expires, Math.floor(clock / 1000) - 40 + 90, 'cut at the end of the window')
    clock += 51_000
    await rejects(keeper.refresh(), 'ERR_NOT_RENEWABLE')

    const plain = await enrol('plain', { renewableFor: undefined })
    clock += 30_000
    await rejects(keeperOf(plain.key).refresh(), 'ERR_NOT_RENEWABLE')
    // A window longer than the policy allows the grant is refused when asked for.
    const too = await t.call(t.tokens.admin, 'POST', '/requests', { subject: plain.key.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttl: '60s', renewableFor: '31d' })
    assert.equal(too.status, 400)
  })

  for (const [what, stop, code] of [
    ['revocation', async (t: TestService, id: string) => t.call(t.tokens.admin, 'POST', `/credentials/${encodeURIComponent(id)}/revoke`, {}), 'ERR_VC_REVOKED'],
    ['suspension', async (t: TestService, id: string, did: string) => t.call(t.tokens.security, 'POST', `/agents/${encodeURIComponent(did)}/suspend`, {}), 'ERR_VC_SUSPENDED'],
    ['retirement', async (t: TestService, id: string, did: string) => t.call(t.tokens.admin, 'POST', `/agents/${encodeURIComponent(did)}/retire`, {}), 'ERR_FORBIDDEN'],
  ] as const) {
    it(`refuses renewal after ${what}`, async () => {
      const { key, id } = await enrol(`stopped-${what}`)
      const keeper = keeperOf(key)
      await keeper.refresh()
      const stopped = await stop(t, id, key.did)
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body))
      clock += 31_000
      const before = t.dump()
      await assert.rejects(keeper.refresh(), (error: { code?: string }) => ['ERR_VC_REVOKED', 'ERR_VC_SUSPENDED', 'ERR_FORBIDDEN'].includes(error.code ?? '') && (what !== 'revocation' || error.code === code))
      assert.equal(t.dump(), before)
    })
  }

  it('refuses renewal after its task completes', async () => {
    const { key } = await enrol('tasked', { task: { id: 'quarter-close' }, jit: true, ttl: '60s', renewableFor: '10m' })
    const keeper = keeperOf(key)
    await keeper.refresh()
    assert.equal((await t.call(t.tokens.admin, 'POST', '/tasks/quarter-close/complete', {})).status, 200)
    clock += 31_000
    await rejects(keeper.refresh(), 'ERR_VC_REVOKED')
  })

  it('refuses renewal once the policy in force would not grant it so', async () => {
    const { key } = await enrol('policy-change')
    await keeperOf(key).refresh()
    try {
      // The resource now needs an approval this grant never had.
      await t.issuer.setPolicy(policy({ rules: [{ resource: 'db:*', actions: ['*'], risk: 'medium', maxTtl: '30d' }] }), 'test')
      clock += 31_000
      await refusedRenewal(key, 'ERR_APPROVAL_REQUIRED')
      // Or allows it for less time than the credential lives.
      await t.issuer.setPolicy(policy({ rules: [{ resource: 'db:*', actions: ['*'], risk: 'low', maxTtl: '30s' }] }), 'test')
      await refusedRenewal(key, 'ERR_NOT_RENEWABLE')
    } finally {
      await t.issuer.setPolicy(policy(), 'test')
    }
  })

  it('refuses key proofs over a stale or reused nonce, by another key, or for another audience', async () => {
    const { key } = await enrol('proofs')
    clock += 31_000
    const [id] = (await credentialToken(key)).identifiers
    const stale = await nonce()
    clock += 301_000
    const { token: fresh } = await credentialToken(key)
    const before = t.dump()
    let answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(key, { nonce: stale })] } })
    assert.equal(answer.body.error, 'invalid_nonce')
    assert.match(answer.body.error_description, /^ERR_PROOF_NONCE: /)

    answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(key, { nonce: 'abc.def' })] } })
    assert.equal(answer.body.error, 'invalid_nonce')

    const other = generateAgentKey()
    answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(other, { nonce: await nonce() })] } })
    assert.equal(answer.body.error, 'invalid_proof')
    assert.match(answer.body.error_description, /^ERR_PROOF_INVALID: /)

    answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(key, { nonce: await nonce(), aud: 'http://127.0.0.1:1' })] } })
    assert.equal(answer.body.error, 'invalid_proof')
    answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(key, { nonce: await nonce() }, { typ: 'JWT' })] } })
    assert.equal(answer.body.error, 'invalid_proof')
    answer = await credentialRequest(key, fresh, { credential_identifier: id, proof: { proof_type: 'jwt', jwt: keyProof(key, { nonce: await nonce() }) } })
    assert.equal(answer.body.error, 'invalid_credential_request')
    answer = await credentialRequest(key, fresh, { credential_identifier: 'urn:uuid:not-mine', proofs: { jwt: [keyProof(key, { nonce: await nonce() })] } })
    assert.equal(answer.body.error, 'unknown_credential_identifier')
    assert.equal(t.dump(), before, 'nothing issued by a refused request')

    // A good proof over a nonce works once; the same nonce again is refused.
    const once = await nonce()
    answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(key, { nonce: once })] } })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(typeof answer.body.credentials[0].credential, 'string')
    answer = await credentialRequest(key, fresh, { credential_identifier: id, proofs: { jwt: [keyProof(key, { nonce: once })] } })
    assert.equal(answer.body.error, 'invalid_nonce')
    assert.ok(t.refusals().some((r) => r.actor === key.did && r.code === 'ERR_PROOF_NONCE'))
  })

  it('takes no token but its own: a resource server token, no token, another agent\'s token', async () => {
    const { key } = await enrol('tokens')
    const rs = await form('/oauth/token', { grant_type: JWT_BEARER, assertion: createJwtBearerAssertion(key, { audience: t.url, iat: seconds() }), resource: MCP },
      { dpop: createDpopProof(key, { method: 'POST', url: `${t.url}/oauth/token`, iat: seconds() }) })
    assert.equal(rs.status, 200)
    const body = (nonceValue: string) => ({ credential_identifier: 'x', proofs: { jwt: [keyProof(key, { nonce: nonceValue })] } })
    let answer = await credentialRequest(key, rs.body.access_token, body(await nonce()))
    assert.equal(answer.status, 401)
    assert.equal(answer.body.error, 'invalid_token')
    const response = await fetch(`${t.url}/oid4vci/credential`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(await nonce())) })
    assert.equal(response.status, 401)
    // Another agent's token, with that agent's DPoP key absent: bound to its key.
    const other = await enrol('tokens-other')
    const { token } = await credentialToken(other.key)
    answer = await credentialRequest(key, token, body(await nonce()))
    assert.equal(answer.status, 401)
    assert.equal(answer.body.error, 'invalid_dpop_proof')
  })

  it('lets an admin, or the agent\'s owner, fetch a credential again; seeing the agent is not enough', async () => {
    const { id, jwt } = await enrol('fetched')
    const answer = await t.call(t.tokens.admin, 'GET', `/credentials/${encodeURIComponent(id)}/jwt`)
    assert.equal(answer.status, 200)
    assert.equal(answer.body.jwt, jwt)
    assert.equal((await t.call(t.tokens['agent-owner'], 'GET', `/credentials/${encodeURIComponent(id)}/jwt`)).status, 404)
    for (const role of ['auditor', 'reviewer', 'security', 'reporter'] as const) assert.equal((await t.call(t.tokens[role], 'GET', `/credentials/${encodeURIComponent(id)}/jwt`)).status, 403, role)
    // An owner who also reads the inventory sees the agent, and still may neither fetch nor offer it.
    const both = (await t.call(t.tokens.admin, 'POST', '/principals', { id: 'owner-auditor', roles: ['agent-owner', 'auditor'] })).body.token
    assert.equal((await t.call(both, 'GET', `/credentials/${encodeURIComponent(id)}/jwt`)).status, 403)
    assert.equal((await t.call(both, 'POST', `/credentials/${encodeURIComponent(id)}/offer`, {})).status, 403)
    assert.ok(t.refusals().some((r) => r.actor === 'owner-auditor' && r.attempt === 'credential.offer'))
    assert.ok(t.refusals().some((r) => r.actor === 'owner-auditor' && r.attempt === 'credential.jwt'))
  })

  it('a wrong client_id does not spend an offer', async () => {
    const { key, id } = await enrol('client-id')
    const made = await offer(id)
    const wrong = await form('/oauth/token', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': made.offer.grants[PRE_AUTHORIZED]['pre-authorized_code'], client_id: 'wallet-app' },
      { dpop: createDpopProof(key, { method: 'POST', url: `${t.url}/oauth/token`, iat: seconds() }) })
    assert.equal(wrong.status, 401)
    assert.equal((await keeperOf(key).redeemOffer(made.uri)).length, 1)
  })

  describe('seams an adversarial review found', () => {
    it('revoking or suspending any credential of a grant stops the whole grant, renewals included', async () => {
      const { key, id } = await enrol('lineage')
      const keeper = keeperOf(key)
      await keeper.refresh()
      clock += 31_000
      const [renewed] = await keeper.refresh()
      assert.notEqual(renewed!.id, id)
      // Suspending the first suspends the renewal; resuming it resumes both.
      assert.equal((await t.call(t.tokens.security, 'POST', `/credentials/${encodeURIComponent(id)}/suspend`, {})).status, 200)
      assert.equal((await t.issuer.store.getCredential(renewed!.id))!.status, 'suspended')
      await refusedRenewal(key, 'ERR_VC_SUSPENDED')
      assert.equal((await t.call(t.tokens.security, 'POST', `/credentials/${encodeURIComponent(id)}/resume`, {})).status, 200)
      assert.equal((await t.issuer.store.getCredential(renewed!.id))!.status, 'active')
      // Revoking the first (the id the grant answered with) revokes the renewal, audited each.
      assert.equal((await t.call(t.tokens.admin, 'POST', `/credentials/${encodeURIComponent(id)}/revoke`, {})).status, 200)
      assert.equal((await t.issuer.store.getCredential(renewed!.id))!.status, 'revoked')
      assert.ok((await t.issuer.store.readAudit()).some((e) => e.action === 'credential.revoke' && e.target === renewed!.id))
      await refusedRenewal(key, 'ERR_VC_REVOKED')
      // No resource-server token on it either.
      const rs = await form('/oauth/token', { grant_type: JWT_BEARER, assertion: createJwtBearerAssertion(key, { audience: t.url, iat: seconds() }), resource: MCP },
        { dpop: createDpopProof(key, { method: 'POST', url: `${t.url}/oauth/token`, iat: seconds() }) })
      assert.equal(rs.status, 400)
    })

    it('a renewal racing a revocation never leaves a live renewal of a revoked credential, whatever the interleaving', async () => {
      for (let delay = 0; delay < 24; delay++) {
        const { key, id } = await enrol(`race-${delay}`)
        clock += 31_000
        const renewal = t.issuer.currentCredential(id, key.did).catch((error: unknown) => error)
        const revoke = (async () => {
          for (let i = 0; i < delay; i++) await null
          return t.issuer.revoke(id, 'admin', 'race')
        })()
        await Promise.all([renewal, revoke])
        const child = await t.issuer.store.getRenewal(id)
        assert.notEqual(child?.status, 'active', `delay ${delay}: renewal ${child?.id} of a revoked credential is active`)
      }
    })

    it('a tightened policy shortens a window already approved, counted from the grant\'s start', async () => {
      const { key, id } = await enrol('tightened', { ttl: '60s', renewableFor: '1h' })
      const start = Math.floor(clock / 1000)
      const keeper = keeperOf(key)
      await keeper.refresh()
      try {
        await t.issuer.setPolicy(policy({ rules: [{ resource: 'db:*', actions: ['*'], risk: 'low', maxTtl: '2m' }] }), 'test')
        clock += 31_000
        const [renewed] = await keeper.refresh()
        assert.notEqual(renewed!.id, id)
        assert.ok(renewed!.expires <= start + 120, `expires ${renewed!.expires - start}s after the start`)
        clock += 95_000
        await refusedRenewal(key, 'ERR_NOT_RENEWABLE')
      } finally {
        await t.issuer.setPolicy(policy(), 'test')
      }
    })

    it("an approval by someone who has since become of the agent's party no longer renews", async () => {
      const key = generateAgentKey()
      assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did: key.did, name: 'approved', kind: 'company', owner: 'ops' })).status, 201)
      await t.issuer.setPolicy(policy({ rules: [{ resource: 'db:*', actions: ['*'], risk: 'medium', maxTtl: '30d' }] }), 'test')
      try {
        const opened = await t.call(t.tokens.admin, 'POST', '/requests', { subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttl: '60s', renewableFor: '1h' })
        assert.equal(opened.status, 202, JSON.stringify(opened.body))
        const approved = await t.call(t.tokens.security, 'POST', `/requests/${opened.body.request.id}/approve`, {})
        assert.equal(approved.status, 200, JSON.stringify(approved.body))
        const keeper = keeperOf(key)
        await keeper.refresh()
        clock += 31_000
        assert.equal((await keeper.refresh())[0]!.id !== approved.body.credential.id, true, 'renews while the approver is a stranger')
        // The approver becomes the agent's owner: their approval is of the subject's party now.
        const moved = await t.call(t.tokens.admin, 'POST', `/agents/${encodeURIComponent(key.did)}/owner`, { owner: 'sam' })
        assert.equal(moved.status, 200, JSON.stringify(moved.body))
        clock += 31_000
        await refusedRenewal(key, 'ERR_APPROVAL_REQUIRED')
      } finally {
        await t.issuer.setPolicy(policy(), 'test')
      }
    })

    it('an offer redeemed while its agent is suspended is kept for later; a missing or unexpected transaction code counts no attempt', async () => {
      const { key, id } = await enrol('suspended-offer')
      const made = await offer(id)
      assert.equal((await t.call(t.tokens.security, 'POST', `/agents/${encodeURIComponent(key.did)}/suspend`, {})).status, 200)
      await rejects(keeperOf(key).redeemOffer(made.uri), 'ERR_VC_SUSPENDED')
      assert.equal((await t.call(t.tokens.security, 'POST', `/agents/${encodeURIComponent(key.did)}/resume`, {})).status, 200)
      const token = (params: Record<string, string>) => form('/oauth/token', { grant_type: PRE_AUTHORIZED, ...params }, { dpop: createDpopProof(key, { method: 'POST', url: `${t.url}/oauth/token`, iat: seconds() }) })
      const unexpected = await token({ 'pre-authorized_code': made.offer.grants[PRE_AUTHORIZED]['pre-authorized_code'], tx_code: '123456' })
      assert.deepEqual([unexpected.status, unexpected.body.error], [400, 'invalid_request'])
      assert.equal((await keeperOf(key).redeemOffer(made.uri)).length, 1, 'the offer is still there')
      const guarded = await offer(id, { txCode: true })
      for (let i = 0; i < 6; i++) {
        const missing = await token({ 'pre-authorized_code': guarded.offer.grants[PRE_AUTHORIZED]['pre-authorized_code'] })
        assert.deepEqual([missing.status, missing.body.error], [400, 'invalid_request'])
        assert.match(missing.body.error_description, /^ERR_TX_CODE: /)
      }
      assert.equal((await keeperOf(key).redeemOffer(guarded.uri, { txCode: guarded.txCode! })).length, 1, 'six missing codes burnt nothing')
    })

    it('error descriptions are RFC 6749 text: no quotes, no backslashes, printable ASCII', async () => {
      const { key } = await enrol('descriptions')
      const { token, identifiers } = await credentialToken(key)
      const answer = await credentialRequest(key, token, { credential_identifier: identifiers[0], proofs: { jwt: [keyProof(key, { nonce: await nonce(), aud: 'http://127.0.0.1:1' })] } })
      assert.equal(answer.body.error, 'invalid_proof')
      assert.match(answer.body.error_description, /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/)
    })

    it('the keeper sends nothing to another origin: no redirect followed, no plain http off loopback', async () => {
      const { key } = await enrol('redirected')
      const seen: string[] = []
      const elsewhere = createServer((request, response) => {
        seen.push(request.url ?? '')
        response.end('{}')
      })
      await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve))
      const other = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`
      try {
        // A fetch that answers the token endpoint with a redirect to the other origin.
        const redirecting: typeof fetch = async (input, init) => {
          const url = String(input instanceof Request ? input.url : input)
          if (url.endsWith('/oauth/token')) return fetch(`${other}/redirect`, { ...init, method: 'GET', body: null }).then(() => new Response(null, { status: 307, headers: { location: `${other}/stolen` } }))
          return fetch(input, init)
        }
        const keeper = keeperOf(key, { fetch: redirecting })
        await assert.rejects(keeper.refresh())
        assert.ok(!seen.includes('/stolen'), 'the assertion went to the other origin')
        assert.throws(() => createCredentialKeeper({ key, issuer: 'http://issuer.example' }), { code: 'ERR_USAGE' })
      } finally {
        elsewhere.close()
      }
    })
  })
})
