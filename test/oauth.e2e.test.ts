import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDelegation, createDpopProof, createJwtBearerAssertion, createPresentation, generateAgentKey, signJwt, type AgentKey } from '@agentid/agent'
import { checkAccessToken, jwkThumbprint } from '@agentid/verifier'
import { policyToJson, DEFAULT_POLICY } from '@agentid/issuer'
import { AGENTID_BIN } from './support/cli.js'
import { waitForOutput } from './support/process-output.js'
import { freePort, startTestService, type TestService } from './support/service.js'

// The authorization server for agents (issue 14), attacked as an agent, a stranger and a
// principal would, against a real issuer service on 127.0.0.1. Each refusal is an RFC 6749 error
// whose description starts with the agentid code, issues nothing, and is on record.

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const VP_TYPE = 'urn:agentid:params:oauth:token-type:vp-jwt'
const MCP = 'http://127.0.0.1:9/mcp'
const OTHER_MCP = 'http://127.0.0.1:10/mcp'
const PAYROLL_MCP = 'http://127.0.0.1:12/mcp'

function policy(): Record<string, unknown> {
  return {
    ...policyToJson(DEFAULT_POLICY),
    approvalChains: { low: [], medium: [], high: [], critical: [] },
    rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '30d' }],
    resourceServers: [{ url: MCP, resources: ['db:*'] }, { url: OTHER_MCP, resources: ['crm:*'] }, { url: PAYROLL_MCP, resources: ['db:hr/payroll'] }],
  }
}

describe('OAuth authorization server for agents (real service on 127.0.0.1)', function () {
  this.timeout(60_000)
  let clock = Date.UTC(2026, 11, 2, 9)
  const now = () => clock
  let t: TestService
  let tokenUrl: string
  before(async () => {
    t = await startTestService({ now, policy: policy() })
    tokenUrl = `${t.url}/oauth/token`
  })
  after(async () => {
    await t.close()
  })

  async function enrol(name: string, entitlements: unknown[] = [{ resource: 'db:customers', actions: ['read'] }, { resource: 'hr:records', actions: ['read'] }], ttlSeconds = 3600) {
    const key = generateAgentKey()
    await t.issuer.registerAgent({ did: key.did, name, kind: 'company', owner: 'ops' }, 'test')
    const granted = await t.issuer.grant({ subject: key.did, entitlements: entitlements as never, ttlSeconds }, 'test')
    return { key, jwt: granted.jwt, id: granted.id }
  }

  const seconds = () => Math.floor(clock / 1000)
  const assertion = (key: AgentKey, extra: Record<string, unknown> = {}) => createJwtBearerAssertion(key, { audience: t.url, iat: seconds(), ...extra })
  const proof = (key: AgentKey, extra: Partial<Parameters<typeof createDpopProof>[1]> = {}) => createDpopProof(key, { method: 'POST', url: tokenUrl, iat: seconds(), ...extra })

  async function post(params: Record<string, string>, headers: Record<string, string> = {}, path = '/oauth/token') {
    const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() })
    return { status: response.status, body: await response.json() as any, headers: response.headers }
  }
  const bearerGrant = (key: AgentKey, extra: Record<string, string> = {}) => ({ grant_type: JWT_BEARER, assertion: assertion(key), resource: MCP, ...extra })
  const tokensIssued = () => (t.dump().match(/oauth\.token/g) ?? []).length

  async function refused(params: Record<string, string>, headers: Record<string, string>, error: string, code: string) {
    const before = tokensIssued()
    const answer = await post(params, headers)
    assert.equal(answer.body.error, error, JSON.stringify(answer.body))
    assert.ok(String(answer.body.error_description).startsWith(`${code}: `), answer.body.error_description)
    assert.equal(answer.headers.get('cache-control'), 'no-store')
    assert.equal(tokensIssued(), before, 'nothing issued')
    assert.ok(t.refusals().some((r) => r.code === code), `refusal ${code} on record`)
    return answer
  }

  it('publishes RFC 8414 metadata and the key set tokens are signed with', async () => {
    const metadata = await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json() as any
    assert.equal(metadata.issuer, t.url)
    assert.equal(metadata.token_endpoint, tokenUrl)
    assert.deepEqual(metadata.grant_types_supported, [JWT_BEARER, TOKEN_EXCHANGE, 'urn:ietf:params:oauth:grant-type:pre-authorized_code'])
    assert.deepEqual(metadata.dpop_signing_alg_values_supported, ['EdDSA'])
    assert.equal(metadata.agentid_issuer_did, t.issuer.did)
    const jwks = await (await fetch(metadata.jwks_uri)).json() as any
    assert.equal(jwks.keys.length, 1)
    assert.ok(jwks.keys[0].kid.startsWith(`${t.issuer.did}#`))
    const authorize = await fetch(metadata.authorization_endpoint)
    assert.equal(authorize.status, 400)
    assert.equal((await authorize.json() as any).error, 'unsupported_response_type')
  })

  it('grants a DPoP-bound token on a jwt-bearer assertion: only the entitlements on that server, never outliving them', async () => {
    const agent = await enrol('bearer-ok', undefined, 120)
    const answer = await post(bearerGrant(agent.key), { dpop: proof(agent.key) })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(answer.body.token_type, 'DPoP')
    assert.equal(answer.body.expires_in, 120, 'cut to the credential expiry (2 min), not 5 min')
    const claims = checkAccessToken(answer.body.access_token, { issuer: t.url, signers: [t.issuer.did], audience: MCP, nowSeconds: seconds() })
    assert.equal(claims.subject, agent.key.did)
    assert.equal(claims.clientId, agent.key.did)
    assert.equal(claims.jkt, jwkThumbprint(agent.key.publicKey))
    assert.deepEqual(claims.entitlements.map((e) => e.entitlement.resource), ['db:customers'], 'hr:records is not served there')
    assert.deepEqual(claims.entitlements[0]!.credentials, [agent.id])
    assert.equal(claims.credentialStatus[agent.id]!.length, 2)
    assert.equal(answer.body.authorization_details[0].resource, 'db:customers')
  })

  it('cuts an entitlement wider than the server down to the server\'s resources', async () => {
    const agent = await enrol('hr-wide', [{ resource: 'db:hr/*', actions: ['read'] }])
    const answer = await post(bearerGrant(agent.key, { resource: PAYROLL_MCP }), { dpop: proof(agent.key) })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.deepEqual(answer.body.authorization_details.map((d: any) => d.resource), ['db:hr/payroll'])
    const outside = JSON.stringify([{ type: 'agentid_entitlement', resource: 'db:hr/salaries', actions: ['read'] }])
    await refused(bearerGrant(agent.key, { resource: PAYROLL_MCP, authorization_details: outside }), { dpop: proof(agent.key) }, 'invalid_authorization_details', 'ERR_NOT_ENTITLED')
  })

  it('narrows to the authorization_details asked for, and refuses to widen them', async () => {
    const agent = await enrol('narrow', [{ resource: 'db:orders/*', actions: ['read', 'write'] }])
    const asked = JSON.stringify([{ type: 'agentid_entitlement', resource: 'db:orders/eu', actions: ['read'] }])
    const answer = await post(bearerGrant(agent.key, { authorization_details: asked }), { dpop: proof(agent.key) })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.deepEqual(answer.body.authorization_details.map((d: any) => [d.resource, d.actions]), [['db:orders/eu', ['read']]])
    const wider = JSON.stringify([{ type: 'agentid_entitlement', resource: 'db:orders/eu', actions: ['delete'] }])
    await refused(bearerGrant(agent.key, { authorization_details: wider }), { dpop: proof(agent.key) }, 'invalid_authorization_details', 'ERR_NOT_ENTITLED')
  })

  it('refuses to carry more entitlements than a token holds, and grants the ones asked for', async () => {
    const many = (from: number) => Array.from({ length: 40 }, (_, i) => ({ resource: `db:table${from + i}`, actions: ['read'] }))
    const agent = await enrol('hoarder', many(0))
    await t.issuer.grant({ subject: agent.key.did, entitlements: many(40) as never, ttlSeconds: 3600 }, 'test')
    await refused(bearerGrant(agent.key), { dpop: proof(agent.key) }, 'invalid_authorization_details', 'ERR_INPUT_INVALID')
    const asked = JSON.stringify([{ type: 'agentid_entitlement', resource: 'db:table7', actions: ['read'] }])
    assert.equal((await post(bearerGrant(agent.key, { authorization_details: asked }), { dpop: proof(agent.key) })).status, 200)
  })

  describe('refuses every bad input, audits it, and issues nothing', () => {
    let agent: Awaited<ReturnType<typeof enrol>>
    before(async () => {
      agent = await enrol('target')
    })

    it('a forged assertion (another key claiming the agent)', async () => {
      const thief = generateAgentKey()
      const forged = signJwt(thief, { iss: agent.key.did, sub: agent.key.did, aud: t.url, iat: seconds(), exp: seconds() + 60, jti: 'forged-0001' })
      await refused({ grant_type: JWT_BEARER, assertion: forged, resource: MCP }, { dpop: proof(thief) }, 'invalid_grant', 'ERR_TOKEN_INVALID')
    })

    it('a replayed assertion', async () => {
      const once = assertion(agent.key)
      assert.equal((await post({ grant_type: JWT_BEARER, assertion: once, resource: MCP }, { dpop: proof(agent.key) })).status, 200)
      await refused({ grant_type: JWT_BEARER, assertion: once, resource: MCP }, { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_TOKEN_INVALID')
    })

    it('an assertion for another server, expired, or living too long', async () => {
      await refused({ grant_type: JWT_BEARER, assertion: assertion(agent.key, { audience: 'http://127.0.0.1:1' }), resource: MCP }, { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_TOKEN_INVALID')
      await refused({ grant_type: JWT_BEARER, assertion: assertion(agent.key, { iat: seconds() - 400 }), resource: MCP }, { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_TOKEN_INVALID')
      const long = signJwt(agent.key, { iss: agent.key.did, sub: agent.key.did, aud: t.url, iat: seconds(), exp: seconds() + 3600, jti: 'long-lived-1' })
      await refused({ grant_type: JWT_BEARER, assertion: long, resource: MCP }, { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_TOKEN_INVALID')
    })

    it('no DPoP proof, a replayed one, one by another key, for another URL or method, or carrying a private key', async () => {
      await refused(bearerGrant(agent.key), {}, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      const once = proof(agent.key)
      assert.equal((await post(bearerGrant(agent.key), { dpop: once })).status, 200)
      await refused(bearerGrant(agent.key), { dpop: once }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      await refused(bearerGrant(agent.key), { dpop: proof(generateAgentKey()) }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      await refused(bearerGrant(agent.key), { dpop: proof(agent.key, { url: `${t.url}/oauth/other` }) }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      await refused(bearerGrant(agent.key), { dpop: proof(agent.key, { method: 'GET' }) }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      await refused(bearerGrant(agent.key), { dpop: proof(agent.key, { iat: seconds() - 3600 }) }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      await refused(bearerGrant(agent.key), { dpop: proof(agent.key, { accessToken: 'x' }) }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
      const jwk = agent.key.privateKey.export({ format: 'jwk' })
      const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d } })).toString('base64url')
      const leaky = `${header}.${proof(agent.key).split('.').slice(1).join('.')}`
      await refused(bearerGrant(agent.key), { dpop: leaky }, 'invalid_dpop_proof', 'ERR_DPOP_PROOF')
    })

    it('an unknown or repeated resource, an unknown grant type, a JSON or oversized body', async () => {
      await refused({ ...bearerGrant(agent.key), resource: 'http://127.0.0.1:11/mcp' }, { dpop: proof(agent.key) }, 'invalid_target', 'ERR_NOT_FOUND')
      await refused({ ...bearerGrant(agent.key), resource: 'not a url' }, { dpop: proof(agent.key) }, 'invalid_target', 'ERR_INPUT_INVALID')
      await refused({ ...bearerGrant(agent.key), grant_type: 'client_credentials' }, { dpop: proof(agent.key) }, 'unsupported_grant_type', 'ERR_INPUT_INVALID')
      const twice = `${new URLSearchParams(bearerGrant(agent.key)).toString()}&resource=${encodeURIComponent(OTHER_MCP)}`
      const answer = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof(agent.key) }, body: twice })
      assert.equal(answer.status, 400)
      assert.equal((await answer.json() as any).error, 'invalid_request')
      const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json', dpop: proof(agent.key) }, body: JSON.stringify(bearerGrant(agent.key)) })
      assert.equal(json.status, 400)
      assert.match((await json.json() as any).error_description, /^ERR_INPUT_INVALID: /)
      const huge = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=x&pad=${'a'.repeat(70 * 1024)}` })
      assert.equal(huge.status, 400)
      assert.equal((await huge.json() as any).error, 'invalid_request')
    })

    it('an agent not enrolled, suspended, or whose credential is revoked', async () => {
      const stranger = generateAgentKey()
      await refused(bearerGrant(stranger), { dpop: proof(stranger) }, 'invalid_grant', 'ERR_UNAUTHORIZED')
      const suspended = await enrol('suspended')
      await t.issuer.setSuspended({ agent: suspended.key.did }, true, 'test')
      await refused(bearerGrant(suspended.key), { dpop: proof(suspended.key) }, 'invalid_grant', 'ERR_VC_SUSPENDED')
      const revoked = await enrol('revoked')
      await t.issuer.revoke(revoked.id, 'test')
      await refused(bearerGrant(revoked.key), { dpop: proof(revoked.key) }, 'invalid_grant', 'ERR_NOT_ENTITLED')
    })

    it('records who tried once their signature held, the address otherwise', async () => {
      const stranger = generateAgentKey()
      await post({ ...bearerGrant(agent.key), resource: OTHER_MCP }, { dpop: proof(agent.key) })
      const last = t.refusals().at(-1)!
      assert.equal(last.actor, agent.key.did)
      assert.equal(last.code, 'ERR_NOT_ENTITLED')
      clock += 60_000 // past the refusal window of the address
      await post(bearerGrant(stranger), {})
      assert.match(t.refusals().at(-1)!.actor, /^address:/)
    })
  })

  describe('token exchange of a presentation (RFC 8693)', () => {
    async function challenge(): Promise<string> {
      return (await (await fetch(`${t.url}/challenge`)).json() as any).challenge
    }
    const exchange = (vp: string, extra: Record<string, string> = {}) => ({ grant_type: TOKEN_EXCHANGE, subject_token: vp, subject_token_type: VP_TYPE, resource: MCP, ...extra })

    it('exchanges a delegation chain: sub is the delegator, act the delegate, and a revoked root cuts it', async () => {
      const boss = await enrol('boss', [{ resource: 'db:reports', actions: ['read'] }])
      const helper = await enrol('helper', [{ resource: 'crm:notes', actions: ['read'] }])
      const link = createDelegation({ key: boss.key, parent: boss.jwt, to: helper.key.did, entitlements: [{ resource: 'db:reports', actions: ['read'] }], ttl: 600, now })
      const vp = async () => createPresentation({ key: helper.key, credentials: [helper.jwt, boss.jwt, link], audience: t.issuer.did, challenge: await challenge(), now })
      const answer = await post(exchange(await vp()), { dpop: proof(helper.key) })
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(answer.body.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token')
      const claims = checkAccessToken(answer.body.access_token, { issuer: t.url, signers: [t.issuer.did], audience: MCP, nowSeconds: seconds() })
      assert.equal(claims.subject, boss.key.did)
      assert.deepEqual(claims.act, { sub: helper.key.did })
      assert.equal(claims.clientId, helper.key.did)
      assert.deepEqual(claims.entitlements[0]!.credentials.length, 2)
      await t.issuer.revoke(boss.id, 'test')
      await refused(exchange(await vp()), { dpop: proof(helper.key) }, 'invalid_grant', 'ERR_DELEGATION')
    })

    it('refuses a presentation for another issuer, without a fresh challenge, or replayed', async () => {
      const agent = await enrol('exchanger')
      const other = generateAgentKey().did
      await refused(exchange(createPresentation({ key: agent.key, credentials: [agent.jwt], audience: other, challenge: await challenge(), now })), { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_VP_AUDIENCE')
      await refused(exchange(createPresentation({ key: agent.key, credentials: [agent.jwt], audience: t.issuer.did, challenge: 'made-up-challenge-0001', now })), { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_VP_NONCE')
      const vp = createPresentation({ key: agent.key, credentials: [agent.jwt], audience: t.issuer.did, challenge: await challenge(), now })
      assert.equal((await post(exchange(vp), { dpop: proof(agent.key) })).status, 200)
      await refused(exchange(vp), { dpop: proof(agent.key) }, 'invalid_grant', 'ERR_VP_REPLAY')
      await refused(exchange(vp, { subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' }), { dpop: proof(agent.key) }, 'invalid_request', 'ERR_INPUT_INVALID')
    })
  })

  it('introspection: active until a credential behind the token is revoked; only for those who may', async () => {
    const agent = await enrol('introspected')
    const token = (await post(bearerGrant(agent.key), { dpop: proof(agent.key) })).body.access_token
    const introspect = (bearer?: string) => post({ token }, bearer ? { authorization: `Bearer ${bearer}` } : {}, '/oauth/introspect')
    const active = await introspect(t.tokens.reporter)
    assert.equal(active.body.active, true)
    assert.equal(active.body.client_id, agent.key.did)
    assert.equal((await introspect()).status, 401)
    const forbidden = await introspect(t.tokens['agent-owner'])
    assert.equal(forbidden.status, 403)
    assert.ok(t.refusals().some((r) => r.actor === 'owen' && r.code === 'ERR_FORBIDDEN'))
    await t.issuer.revoke(agent.id, 'test')
    assert.equal((await introspect(t.tokens.reporter)).body.active, false)
    assert.equal((await post({ token: 'garbage' }, { authorization: `Bearer ${t.tokens.security}` }, '/oauth/introspect')).body.active, false)
  })
})

describe('OAuth authorization server with DPoP nonces required', function () {
  this.timeout(60_000)
  let t: TestService
  before(async () => {
    t = await startTestService({ policy: policy(), oauth: { requireDpopNonce: true } })
  })
  after(async () => {
    await t.close()
  })

  it('answers use_dpop_nonce with a DPoP-Nonce, then grants with it', async () => {
    const key = generateAgentKey()
    await t.issuer.registerAgent({ did: key.did, name: 'noncer', kind: 'company', owner: 'ops' }, 'test')
    await t.issuer.grant({ subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
    const url = `${t.url}/oauth/token`
    const send = (nonce?: string) => fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url, ...(nonce ? { nonce } : {}) }) },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: createJwtBearerAssertion(key, { audience: t.url }), resource: MCP }).toString(),
    })
    const first = await send()
    assert.equal(first.status, 400)
    assert.equal((await first.json() as any).error, 'use_dpop_nonce')
    const nonce = first.headers.get('dpop-nonce')
    assert.ok(nonce)
    const second = await send(nonce)
    assert.equal(second.status, 200, await second.clone().text())
    assert.equal((await send('stale-nonce-value')).status, 400)
  })
})

describe('agentid serve --dpop-nonce (a real process)', function () {
  this.timeout(60_000)
  it('the token endpoint of the CLI\'s service asks for a DPoP nonce', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-oauth-serve-'))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const server = spawn(process.execPath, [AGENTID_BIN, '--json', 'serve', '--init', '--port', String(port), '--dpop-nonce', '--access-log', 'off'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      await waitForOutput(server, '"adminTokenFile"')
      const key = generateAgentKey()
      const tokenUrl = `${url}/oauth/token`
      const answer = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url: tokenUrl }) },
        body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: createJwtBearerAssertion(key, { audience: url }), resource: MCP }).toString(),
      })
      assert.equal(answer.status, 400)
      assert.equal((await answer.json() as any).error, 'use_dpop_nonce')
      assert.ok(answer.headers.get('dpop-nonce'))
    } finally {
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('an authorization server on plain http', function () {
  this.timeout(60_000)
  it('warns at start when its public URL is http on another host than loopback, not on loopback', async () => {
    const { Issuer, startService } = await import('@agentid/issuer')
    for (const [publicUrl, warned] of [['http://issuer.example', true], ['http://127.0.0.1:8470', false]] as const) {
      const home = mkdtempSync(join(tmpdir(), 'agentid-oauth-http-'))
      const { issuer } = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: publicUrl } })
      const lines: string[] = []
      const service = await startService(issuer, { port: 0, publicUrlMismatchOk: true, sweepIntervalMs: 0, log: (line) => lines.push(line) })
      try {
        assert.equal(lines.some((l) => /warning: the public URL .* is plain http/.test(l)), warned, `${publicUrl}: ${lines.join('\n')}`)
      } finally {
        await service.close()
        await issuer.close()
        rmSync(home, { recursive: true, force: true })
      }
    }
  })
})
