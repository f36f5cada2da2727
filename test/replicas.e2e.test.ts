import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDpopProof, createJwtBearerAssertion, createKeyProof, createPresentation, generateAgentKey, type AgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, policyToJson, startService, type RunningService } from '@agentid/issuer'
import { dropSchemas, postgresForTests } from '../packages/issuer/test/store/postgres-support.js'
import { freePort } from './support/service.js'

// Three replicas of one issuer on one PostgreSQL database, each a real service on 127.0.0.1,
// called in turn by the test as a round-robin load balancer would: what one replica records,
// announces or spends holds at every other.

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

describe('replicas of one issuer on PostgreSQL (three services on 127.0.0.1)', function () {
  this.timeout(120_000)
  let url: string
  let schema: string
  let home: string
  let publicUrl: string
  const issuers: Issuer[] = []
  const services: RunningService[] = []
  let admin: string
  const replica = (n: number) => services[n % services.length]!.url

  before(async function () {
    const server = await postgresForTests()
    if (!server) return this.skip()
    url = server
    schema = `agentid_replicas_${randomBytes(6).toString('hex')}`
    home = mkdtempSync(join(tmpdir(), 'agentid-replicas-'))
    // The address a load balancer would have: every replica's public URL, never bound here.
    publicUrl = `http://127.0.0.1:${await freePort()}`
    const database = `${url}?schema=${schema}`
    const made = await Issuer.init({ home, database, env: { AGENTID_PUBLIC_URL: publicUrl } })
    admin = made.adminToken
    await made.issuer.setPolicy({ ...policyToJson(DEFAULT_POLICY), approvalChains: { low: [], medium: [], high: [], critical: [] }, rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '30d' }] }, 'test')
    issuers.push(made.issuer, await Issuer.open({ home, database, env: {} }), await Issuer.open({ home, database, env: {} }))
    for (const issuer of issuers) {
      // No periodic re-check of the lists (statusCheckIntervalMs 0): a replica learns of another's
      // change only from its announcement, which is what the push test is about.
      services.push(await startService(issuer, { port: 0, publicUrlMismatchOk: true, sweepIntervalMs: 0, statusCheckIntervalMs: 0, rateLimits: false, log: () => undefined }))
    }
  })

  after(async () => {
    await Promise.all(services.map((s) => s.close()))
    await Promise.all(issuers.map((i) => i.close()))
    if (home) rmSync(home, { recursive: true, force: true })
    if (schema) await dropSchemas([schema])
  })

  async function call(n: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${replica(n)}${path}`, {
      method, headers: { authorization: `Bearer ${admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    return { status: response.status, body: await response.json() as any }
  }

  async function form(n: number, path: string, params: Record<string, string>, headers: Record<string, string>) {
    const response = await fetch(`${replica(n)}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() })
    return { status: response.status, body: await response.json() as any }
  }

  async function enrol(n: number): Promise<{ key: AgentKey; id: string; jwt: string }> {
    const key = generateAgentKey()
    assert.equal((await call(n, 'POST', '/agents', { did: key.did, name: `bot-${n}`, kind: 'service', owner: 'ops' })).status, 201)
    const granted = await call(n + 1, 'POST', '/requests', { subject: key.did, entitlements: [{ resource: 'db:orders', actions: ['read'] }], ttl: '1h' })
    assert.equal(granted.status, 201, JSON.stringify(granted.body))
    return { key, id: granted.body.credential.id, jwt: granted.body.credential.jwt }
  }

  const seconds = () => Math.floor(Date.now() / 1000)
  const credentialDetails = JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'AgentEntitlementCredential_vc+jwt' }])
  const tokenProof = (key: AgentKey) => createDpopProof(key, { method: 'POST', url: `${publicUrl}/oauth/token`, iat: seconds() })
  const assertion = (key: AgentKey) => createJwtBearerAssertion(key, { audience: publicUrl, iat: seconds() })

  it('answers every request from the same state, whichever replica took the write', async () => {
    const { key, id } = await enrol(0)
    for (const n of [0, 1, 2]) {
      const seen = await call(n, 'GET', `/credentials/${encodeURIComponent(id)}`)
      assert.equal(seen.status, 200, JSON.stringify(seen.body))
      assert.equal(seen.body.subject, key.did)
    }
    const revoked = await call(2, 'POST', `/credentials/${encodeURIComponent(id)}/revoke`, { reason: 'test' })
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body))
    assert.equal((await call(0, 'GET', `/credentials/${encodeURIComponent(id)}`)).body.status, 'revoked')
  })

  it('pushes a revocation made at one replica to the event streams of the others', async () => {
    const { id } = await enrol(1)
    const streams = await Promise.all([1, 2].map(async (n) => {
      const response = await fetch(`${replica(n)}/status/events`)
      assert.equal(response.status, 200)
      const reader = response.body!.getReader()
      let text = ''
      // The current version of each list is sent on connecting; what comes after is a change.
      const next = async (): Promise<string> => {
        for (;;) {
          const events = text.split('\n\n')
          if (events.length > 1) {
            text = events.slice(1).join('\n\n')
            if (events[0]!.includes('event: status')) return events[0]!
            continue
          }
          const { value, done } = await reader.read()
          if (done) throw new Error('stream ended')
          text += Buffer.from(value).toString()
        }
      }
      return { next, reader, n }
    }))
    // Drain what each stream sends on connecting (one event per list), then revoke elsewhere.
    const lists = (await call(0, 'GET', '/status')).body
    const listCount = Array.isArray(lists.lists) ? lists.lists.length : 2
    for (const stream of streams) for (let i = 0; i < listCount; i++) await stream.next()
    const revokedAt = Date.now()
    assert.equal((await call(0, 'POST', `/credentials/${encodeURIComponent(id)}/revoke`, { reason: 'test' })).status, 200)
    // Another list's change may come first: the enrolment's, carried by the cluster bus, can reach
    // a replica after its stream opened (seen on a busy machine). The revocation list's must come.
    const revocation = async (s: (typeof streams)[number]): Promise<string> => {
      const others: string[] = []
      for (;;) {
        const event = await s.next()
        if (/"list":"rev-1"/.test(event)) return event
        others.push(event)
        assert.ok(others.length <= 8, `replica ${s.n}: no change of rev-1 among ${others.join(' | ')}`)
      }
    }
    const heard = await Promise.all(streams.map(async (s) => ({ event: await revocation(s), ms: Date.now() - revokedAt, n: s.n })))
    for (const { event } of heard) assert.match(event, /"list":"rev-1"/)
    // Reported, not asserted (timing is the bench's business): the issue asks for under a second.
    console.log(`      revocation at replica 0 heard at replicas 1 and 2 after ${heard.map((h) => `${h.ms} ms`).join(' and ')}`)
    await Promise.all(streams.map((s) => s.reader.cancel()))
  })

  it('refuses at one replica an assertion or a DPoP proof spent at another', async () => {
    const { key } = await enrol(2)
    const spent = assertion(key)
    const first = await form(0, '/oauth/token', { grant_type: JWT_BEARER, assertion: spent, authorization_details: credentialDetails }, { dpop: tokenProof(key) })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    const again = await form(1, '/oauth/token', { grant_type: JWT_BEARER, assertion: spent, authorization_details: credentialDetails }, { dpop: tokenProof(key) })
    assert.equal(again.body.error, 'invalid_grant', JSON.stringify(again.body))
    assert.match(again.body.error_description, /^ERR_TOKEN_INVALID: this assertion was already used/)

    const proof = tokenProof(key)
    assert.equal((await form(1, '/oauth/token', { grant_type: JWT_BEARER, assertion: assertion(key), authorization_details: credentialDetails }, { dpop: proof })).status, 200)
    const replayed = await form(2, '/oauth/token', { grant_type: JWT_BEARER, assertion: assertion(key), authorization_details: credentialDetails }, { dpop: proof })
    assert.equal(replayed.body.error, 'invalid_dpop_proof', JSON.stringify(replayed.body))
    assert.match(replayed.body.error_description, /^ERR_DPOP_PROOF: this DPoP proof was already used/)
  })

  it("takes a c_nonce from one replica at another, once", async () => {
    const { key } = await enrol(0)
    const nonce = (await (await fetch(`${replica(0)}/oid4vci/nonce`, { method: 'POST' })).json() as { c_nonce: string }).c_nonce
    const credentialRequest = async (n: number) => {
      const token = await form(n, '/oauth/token', { grant_type: JWT_BEARER, assertion: assertion(key), authorization_details: credentialDetails }, { dpop: tokenProof(key) })
      assert.equal(token.status, 200, JSON.stringify(token.body))
      const endpoint = `${publicUrl}/oid4vci/credential`
      const response = await fetch(`${replica(n)}/oid4vci/credential`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `DPoP ${token.body.access_token}`, dpop: createDpopProof(key, { method: 'POST', url: endpoint, accessToken: token.body.access_token, iat: seconds() }) },
        body: JSON.stringify({ credential_identifier: token.body.authorization_details[0].credential_identifiers[0], proofs: { jwt: [createKeyProof(key, { audience: publicUrl, nonce, iat: seconds() })] } }),
      })
      return { status: response.status, body: await response.json() as any }
    }
    const used = await credentialRequest(1)
    assert.equal(used.status, 200, JSON.stringify(used.body))
    const reused = await credentialRequest(2)
    assert.equal(reused.body.error, 'invalid_nonce', JSON.stringify(reused.body))
    assert.match(reused.body.error_description, /^ERR_PROOF_NONCE: this c_nonce was used already/)
  })

  it("accepts an agent's answer to a challenge from another replica, once", async () => {
    const { key, jwt } = await enrol(1)
    const { challenge, audience } = (await call(0, 'GET', '/challenge')).body
    const presentation = createPresentation({ key, credentials: [jwt], audience, challenge })
    const ask = (n: number) => call(n, 'POST', '/requests', { subject: key.did, entitlements: [{ resource: 'db:orders', actions: ['read'] }], ttl: '1h' }, { authorization: `VP ${presentation}` })
    const asked = await ask(1)
    assert.ok([201, 202].includes(asked.status), JSON.stringify(asked.body))
    const replayed = await ask(2)
    assert.equal(replayed.status, 401, JSON.stringify(replayed.body))
    assert.equal(replayed.body.error.code, 'ERR_VP_REPLAY')
  })
})
