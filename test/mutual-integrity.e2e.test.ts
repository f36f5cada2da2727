import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMutualAgent, generateAgentKey, HANDSHAKE_PATH, MUTUAL_VERSION, mutualHttpHandler, saveAgentKey, type Session } from '@agentid/agent'
import { httpStatusLists } from '@agentid/verifier'
import { noApprovalPolicy } from './support/policies.js'
import { startTestService, type TestService } from './support/service.js'
import { startAgentProcess, type AgentProcess, type CallResult } from './support/mutual-agent-process.js'
import { until } from './support/verifier-process.js'
import { clientAddress, loopbackRequest } from './support/loopback-client.js'

// Properties 7 (the hello limiter) and 8 (mutual sessions verify both ways, every time), with
// real agent processes over HTTP on 127.0.0.1 and the issuer's real service. The test process
// plays the attacker: raw handshake messages, a relay server, a rogue agent of its own.
describe('mutual sessions: both ways, every time (agent processes over HTTP)', function () {
  this.timeout(90_000)
  let t: TestService
  let dir: string
  const keys = { sales: generateAgentKey(), crm: generateAgentKey(), warehouse: generateAgentKey(), spare: generateAgentKey(), gate: generateAgentKey() }
  type Name = keyof typeof keys
  const jwts = {} as Record<Name, string>
  const ids = {} as Record<Name, string>
  const agents = {} as Record<Name, AgentProcess>
  const connect = { resource: 'mesh:agents', action: 'connect' }
  // One way: sales calls crm, warehouse and sales; crm calls sales; warehouse calls no one.
  const segments = { sales: ['crm', 'warehouse', 'sales'], crm: ['sales'] }
  const SEGMENT: Record<Name, string> = { sales: 'sales', crm: 'crm', warehouse: 'warehouse', spare: 'crm', gate: 'crm' }

  before(async () => {
    t = await startTestService({ policy: noApprovalPolicy() })
    dir = mkdtempSync(join(tmpdir(), 'agentid-mutual-integrity-'))
    const common = { issuer: t.issuer.did, origin: t.url, events: `${t.url}/status/events`, requirePeer: connect, segments }
    for (const name of Object.keys(keys) as Name[]) {
      await t.issuer.registerAgent({ did: keys[name].did, name, kind: 'company', owner: 'ops', segment: SEGMENT[name] }, 'test')
      const granted = await t.issuer.grant({ subject: keys[name].did, entitlements: [{ resource: 'db:customers', actions: ['read'] }, { resource: 'mesh:agents', actions: ['connect'] }], ttlSeconds: 3600 }, 'test')
      jwts[name] = granted.jwt
      ids[name] = granted.id
      await saveAgentKey(join(dir, `${name}.key`), keys[name])
    }
    const started = await Promise.all((Object.keys(keys) as Name[]).map((name) => startAgentProcess({
      ...common, key: join(dir, `${name}.key`), credentials: [jwts[name]],
      // The gate's hello limiter is small, and its clock frozen mid-minute: counts cannot roll over during the test.
      ...(name === 'gate' ? { hellos: { perAddress: 3, total: 40, maxAddresses: 8 }, hellosAt: 1_800_000_030_000 } : {}),
    })))
    for (const [i, name] of (Object.keys(keys) as Name[]).entries()) agents[name] = started[i]!
  })

  after(async () => {
    for (const a of Object.values(agents)) a?.stop()
    await t?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const post = async (url: string, message: unknown, from?: string) => {
    const r = await loopbackRequest(url, { method: 'POST', path: HANDSHAKE_PATH, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), ...(from ? { from } : {}) })
    return { status: r.status, body: r.body, headers: r.headers }
  }
  const hello = (from: string, nonce = randomBytes(18).toString('base64url')) => ({ type: 'agentid/hello', v: MUTUAL_VERSION, from, nonce })
  // A code from the client side (the agent process threw before or instead of a request) or the server's answer.
  const outcome = (r: CallResult): string => r.error?.code ?? (r.status === 200 ? 'ok' : String(r.body?.error?.code ?? r.status))

  describe('the hello limiter cannot be wiped by churn through many addresses (property 7)', () => {
    it('keeps one address limited while 30 others send hellos, and bounds what it remembers', async () => {
      const gate = agents.gate
      const hostile = clientAddress(40)
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await post(gate.url, hello(keys.sales.did), hostile)).status)
      assert.deepEqual(statuses, [200, 200, 200, 429])
      const churn: number[] = []
      for (let n = 41; n < 71; n++) {
        const r = await post(gate.url, hello(keys.sales.did), clientAddress(n))
        if (r.status === 429) assert.equal(r.body.error.code, 'ERR_RATE_LIMITED')
        churn.push(r.status)
      }
      // Eight addresses are remembered at most: the hostile one and seven others; the rest are
      // refused rather than let in by forgetting one (the old limiter cleared everything at 5,000).
      assert.deepEqual(churn, [...Array(7).fill(200), ...Array(23).fill(429)])
      const after = await post(gate.url, hello(keys.sales.did), hostile)
      assert.deepEqual([after.status, after.body.error.code], [429, 'ERR_RATE_LIMITED'])
    })
  })

  describe('the client re-checks the server on every request (property 8)', () => {
    it('refuses a suspended server on its next request, before sending it, and takes it back on resume', async () => {
      assert.equal(outcome(await agents.sales.call(agents.crm.url, '/data/db:customers', keys.crm.did)), 'ok')
      await t.issuer.setSuspended({ agent: keys.crm.did }, true, 'test')
      // The client's status source hears of it by push; the server never checks itself.
      await until(async () => outcome(await agents.sales.call(agents.crm.url, '/data/db:customers')), 'ERR_VC_SUSPENDED')
      const refused = await agents.sales.call(agents.crm.url, '/data/db:customers')
      assert.equal(refused.status, undefined, 'refused by the client itself: no request went out')
      await t.issuer.setSuspended({ agent: keys.crm.did }, false, 'test')
      await until(async () => outcome(await agents.sales.call(agents.crm.url, '/data/db:customers')), 'ok')
    })

    it('refuses a revoked server', async () => {
      assert.equal(outcome(await agents.sales.call(agents.spare.url, '/data/db:customers', keys.spare.did)), 'ok')
      await t.issuer.revoke(ids.spare, 'test', 'compromised')
      await until(async () => outcome(await agents.sales.call(agents.spare.url, '/data/db:customers')), 'ERR_VC_REVOKED')
    })
  })

  describe('a hello response cannot be replayed into another handshake (property 8)', () => {
    // Relays a victim is pointed at, each on its own port (a new peer for the victim, so a new
    // handshake): they forward to the real crm agent; the first keeps the responses it sees, the
    // second answers every hello with the one kept, the third changes the nonce of crm's answer.
    type Mode = 'forward' | 'replay' | 'swap'
    const relays: Server[] = []
    const relayUrl = {} as Record<Mode, string>
    let captured: Record<string, unknown> | undefined
    let completesSeen = 0

    function startRelay(mode: Mode): Promise<string> {
      const relay = createServer((req, res) => {
        let body = ''
        req.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', async () => {
          const message = req.url === HANDSHAKE_PATH ? JSON.parse(body) : undefined
          if (message?.type === 'agentid/complete') completesSeen++
          if (message?.type === 'agentid/hello' && mode === 'replay') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(captured))
          const headers: Record<string, string> = { 'content-type': 'application/json' }
          for (const h of ['agentid-session', 'agentid-proof']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string
          const upstream = await fetch(`${agents.crm.url}${req.url}`, { method: req.method!, headers, ...(body ? { body } : {}) })
          let answer = await upstream.text()
          if (message?.type === 'agentid/hello' && upstream.status === 200) {
            const response = JSON.parse(answer)
            if (mode === 'forward') captured = response
            if (mode === 'swap') answer = JSON.stringify({ ...response, nonce: randomBytes(18).toString('base64url') })
          }
          const out: Record<string, string> = { 'content-type': 'application/json' }
          const challenge = upstream.headers.get('www-authenticate')
          if (challenge) out['www-authenticate'] = challenge
          res.writeHead(upstream.status, out).end(answer)
        })
      })
      relays.push(relay)
      return new Promise((resolve) => relay.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`)))
    }

    before(async () => {
      for (const mode of ['forward', 'replay', 'swap'] as const) relayUrl[mode] = await startRelay(mode)
    })
    after(() => Promise.all(relays.map((relay) => new Promise<void>((resolve) => {
      relay.closeAllConnections()
      relay.close(() => resolve())
    }))))

    it('refuses a responder\'s presentation reflected back as an initiator\'s (a session in another agent\'s name)', async () => {
      // The attacker needs no key. It opens a handshake with sales in crm's name...
      const opened = await post(agents.sales.url, hello(keys.crm.did))
      assert.equal(opened.status, 200)
      // ...asks crm to answer a hello "from sales" whose nonce is the one sales just gave...
      const crmAnswer = await post(agents.crm.url, hello(keys.sales.did, opened.body.nonce))
      assert.equal(crmAnswer.status, 200)
      // ...and hands crm's answer (signed by crm, for sales, over that nonce) to sales as crm's
      // completion. Under protocol v1 this opened a session at sales in crm's name.
      const before = t.dump()
      const reflected = await post(agents.sales.url, { type: 'agentid/complete', v: MUTUAL_VERSION, from: keys.crm.did, to: keys.sales.did, nonce: opened.body.nonce, vp: crmAnswer.body.vp })
      assert.deepEqual([reflected.status, reflected.body.error.code], [401, 'ERR_VP_NONCE'])
      assert.equal(t.dump(), before)
    })

    it('refuses a captured response replayed to its agent in another handshake, to another agent, or with its nonce swapped', async () => {
      assert.equal(outcome(await agents.sales.call(relayUrl.forward, '/data/db:customers', keys.crm.did)), 'ok', 'an honest relay is only a relay')
      assert.equal(captured?.to, keys.sales.did)
      const seen = completesSeen
      // The same agent, in a new handshake.
      assert.equal(outcome(await agents.sales.call(relayUrl.replay, '/data/db:customers', keys.crm.did)), 'ERR_VP_NONCE')
      // Another agent.
      assert.equal(outcome(await agents.warehouse.call(relayUrl.replay, '/data/db:customers', keys.crm.did)), 'ERR_VP_AUDIENCE')
      // A fresh answer from crm, its nonce changed on the way.
      assert.equal(outcome(await agents.sales.call(relayUrl.swap, '/data/db:customers', keys.crm.did)), 'ERR_VP_NONCE')
      assert.equal(completesSeen, seen, 'the victims refused before completing: nothing was sent on')
    })
  })

  describe('one-way segment rules (property 8)', () => {
    it('lets sales call warehouse, and refuses warehouse calling sales (by either side\'s rule)', async () => {
      assert.equal(outcome(await agents.sales.call(agents.warehouse.url, '/data/db:customers', keys.warehouse.did)), 'ok')
      // The warehouse agent's own rules forbid it to call sales.
      assert.equal(outcome(await agents.warehouse.call(agents.sales.url, '/data/db:customers', keys.sales.did)), 'ERR_FORBIDDEN')
      // A rogue warehouse agent without rules is refused by sales.
      const rogue = createMutualAgent({ key: keys.warehouse, credentials: [jwts.warehouse], verifier: { trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }) } })
      const { hello: h, pending } = rogue.initiate()
      const response = await post(agents.sales.url, h)
      const { message } = await rogue.complete(response.body, pending)
      const refused = await post(agents.sales.url, message)
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'ERR_FORBIDDEN'])
    })

    it('refuses a request from warehouse in a session that sales opened (one way: the callee may answer, not call)', async () => {
      const rogue = createMutualAgent({ key: keys.warehouse, credentials: [jwts.warehouse], verifier: { trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }) } })
      let opened: Session | undefined
      const server = createServer(mutualHttpHandler(rogue, (_req, res, { session }) => {
        opened = session
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      }))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        assert.equal(outcome(await agents.sales.call(url, '/data/x', keys.warehouse.did)), 'ok')
        assert.ok(opened)
        const headers = rogue.signRequest(opened, { method: 'GET', target: '/data/db:customers' })
        const r = await loopbackRequest(agents.sales.url, { path: '/data/db:customers', headers })
        assert.deepEqual([r.status, r.body.error.code], [403, 'ERR_FORBIDDEN'])
      } finally {
        server.closeAllConnections()
        server.close()
      }
    })
  })
})
