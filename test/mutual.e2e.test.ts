import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMutualAgent, createPresentation, MUTUAL_NONCE_PREFIX, MUTUAL_VERSION, generateAgentKey, HANDSHAKE_PATH, mutualHttpHandler, saveAgentKey, signProof, bodyHash, type AgentKey, type MutualAgent } from '@agentid/agent'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { httpStatusLists, statusListsFromJwts } from '@agentid/verifier'
import { noApprovalPolicy } from './support/policies.js'
import { startTestService, type TestService } from './support/service.js'
import { startAgentProcess, type AgentProcess } from './support/mutual-agent-process.js'

// Two real agent processes (a reporting agent in segment "sales", a CRM agent in segment "crm")
// that verify each other over HTTP on 127.0.0.1, and the attacks, each refused with its code.
// The test process plays the attacker, with keys and credentials of its own.
describe('agent-to-agent mutual verification (two agent processes over HTTP)', function () {
  this.timeout(60_000)
  let t: TestService
  let dir: string
  let reporting: AgentProcess
  let crm: AgentProcess
  const keys = { reporting: generateAgentKey(), crm: generateAgentKey(), mallory: generateAgentKey(), hr: generateAgentKey(), brief: generateAgentKey() }
  const jwts: Record<string, string> = {}
  const connect = { resource: 'mesh:agents', action: 'connect' }

  async function enrol(name: keyof typeof keys, segment: string, entitlements: Array<{ resource: string; actions: string[] }>, ttlSeconds = 3600): Promise<void> {
    await t.issuer.registerAgent({ did: keys[name].did, name, kind: 'company', owner: 'ops', segment }, 'test')
    jwts[name] = (await t.issuer.grant({ subject: keys[name].did, entitlements, ttlSeconds }, 'test')).jwt
  }

  before(async () => {
    t = await startTestService({ policy: noApprovalPolicy() }) // governance has its own tests
    dir = mkdtempSync(join(tmpdir(), 'agentid-mutual-'))
    await enrol('reporting', 'sales', [{ resource: 'db:customers', actions: ['read'] }, { resource: 'mesh:agents', actions: ['connect'] }])
    await enrol('crm', 'crm', [{ resource: 'crm:accounts/*', actions: ['read'] }, { resource: 'mesh:agents', actions: ['connect'] }])
    await enrol('mallory', 'sales', [{ resource: 'db:customers', actions: ['read'] }]) // no mesh:agents connect
    await enrol('hr', 'hr', [{ resource: 'mesh:agents', actions: ['connect'] }])
    await enrol('brief', 'sales', [{ resource: 'mesh:agents', actions: ['connect'] }])
    const common = { issuer: t.issuer.did, origin: t.url, events: `${t.url}/status/events`, requirePeer: connect, segments: { sales: ['crm', 'sales'], crm: ['sales'] } }
    for (const name of ['reporting', 'crm'] as const) await saveAgentKey(join(dir, `${name}.key`), keys[name])
    reporting = await startAgentProcess({ ...common, key: join(dir, 'reporting.key'), credentials: [jwts.reporting] })
    crm = await startAgentProcess({ ...common, key: join(dir, 'crm.key'), credentials: [jwts.crm] })
  })

  after(async () => {
    reporting?.stop()
    crm?.stop()
    await t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  // The attacker's own side of the protocol, in this process.
  function attacker(key: AgentKey, credential: string): MutualAgent {
    return createMutualAgent({ key, verifier: { trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }) }, credentials: [credential] })
  }
  const post = async (url: string, message: unknown) => {
    const r = await fetch(`${url}${HANDSHAKE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
    return { status: r.status, body: (await r.json()) as any, challenge: r.headers.get('www-authenticate') }
  }
  // A full handshake of the attacker with an agent process; returns its session.
  async function shake(me: MutualAgent, url: string) {
    const { hello, pending } = me.initiate()
    const response = await post(url, hello)
    assert.equal(response.status, 200, JSON.stringify(response.body))
    const { message, session } = await me.complete(response.body, pending)
    const established = await post(url, message)
    return { established, session, response: response.body, complete: message }
  }
  const get = (url: string, path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, challenge: r.headers.get('www-authenticate') }))

  it('verifies both ways: each agent opens a session with the other and reads what it is entitled to', async () => {
    const a = await reporting.call(crm.url, '/data/db:customers', crm.did)
    assert.equal(a.status, 200, JSON.stringify(a))
    assert.equal(a.handshake, true)
    assert.equal(a.body.peer, reporting.did)
    const again = await reporting.call(crm.url, '/data/db:customers')
    assert.deepEqual([again.status, again.handshake], [200, false], 'the session is reused: one proof per request')
    const b = await crm.call(reporting.url, '/data/crm:accounts/eu/42', reporting.did)
    assert.equal(b.status, 200, JSON.stringify(b))
    assert.equal(b.body.peer, crm.did)
  })

  it('denies an HR-records read with ERR_NOT_ENTITLED, inside a valid session', async () => {
    const r = await reporting.call(crm.url, '/data/db:hr-records')
    assert.deepEqual([r.status, r.body.error.code], [403, 'ERR_NOT_ENTITLED'])
  })

  it("refuses B's presentation relayed to a third agent (audience)", async () => {
    const mallory = attacker(keys.mallory, jwts.mallory!)
    // Mallory gets the CRM agent's presentation, made for Mallory, and passes it on to the
    // reporting agent as if it were hers.
    const { hello: helloToCrm } = mallory.initiate()
    const crmsAnswer = await post(crm.url, helloToCrm)
    const opened = await post(reporting.url, mallory.initiate().hello)
    const relayed = await post(reporting.url, { type: 'agentid/complete', v: MUTUAL_VERSION, from: keys.mallory.did, to: reporting.did, nonce: opened.body.nonce, vp: crmsAnswer.body.vp })
    assert.equal(relayed.status, 401)
    assert.equal(relayed.body.error.code, 'ERR_VP_AUDIENCE')
    assert.match(relayed.challenge ?? '', /^AgentID .*error="ERR_VP_AUDIENCE".*handshake=/)
  })

  it('is no signing oracle: a hello naming the issuer and its challenge gets a presentation the issuer refuses', async () => {
    const { body: challenge } = await t.call(undefined, 'GET', '/challenge')
    const answer = await post(reporting.url, { type: 'agentid/hello', v: MUTUAL_VERSION, from: t.issuer.did, nonce: challenge.challenge })
    assert.equal(answer.status, 200)
    const asIssuer = await t.call(undefined, 'POST', '/requests', { subject: reporting.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttl: '1h' }, { authorization: `VP ${answer.body.vp}` })
    assert.deepEqual([asIssuer.status, asIssuer.body.error.code], [401, 'ERR_VP_NONCE'])
  })

  it('refuses a peer without the required entitlement, and a peer from a forbidden segment', async () => {
    const noConnect = attacker(keys.mallory, jwts.mallory!)
    const { hello, pending } = noConnect.initiate()
    const response = await post(crm.url, hello)
    const { message } = await noConnect.complete(response.body, pending).catch(() => ({ message: undefined }))
    // The CRM agent refuses when it verifies Mallory's presentation.
    const r = message ? await post(crm.url, message) : undefined
    assert.deepEqual([r?.status, r?.body.error.code], [403, 'ERR_NOT_ENTITLED'])
    const hr = attacker(keys.hr, jwts.hr!)
    const h = hr.initiate()
    const hrResponse = await post(crm.url, h.hello)
    const hrComplete = await hr.complete(hrResponse.body, h.pending)
    const refused = await post(crm.url, hrComplete.message)
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'ERR_FORBIDDEN'])
  })

  it('refuses a replayed handshake message and a replayed request proof', async () => {
    const me = attacker(keys.brief, jwts.brief!)
    const { established, session, complete } = await shake(me, reporting.url)
    assert.equal(established.status, 200, JSON.stringify(established.body))
    const replayedHandshake = await post(reporting.url, complete)
    assert.deepEqual([replayedHandshake.status, replayedHandshake.body.error.code], [401, 'ERR_VP_NONCE'])
    const headers = me.signRequest(session, { method: 'GET', target: '/data/mesh:agents' })
    assert.equal((await get(reporting.url, '/data/mesh:agents', headers)).status, 403, 'verified, then not entitled to read')
    const replayed = await get(reporting.url, '/data/mesh:agents', headers)
    assert.deepEqual([replayed.status, replayed.body.error.code], [401, 'ERR_VP_REPLAY'])
  })

  it("refuses a proof signed by another key than the session's, and a body changed after signing", async () => {
    const me = attacker(keys.brief, jwts.brief!)
    const { session } = await shake(me, reporting.url)
    const forged = signProof(keys.mallory, { sid: session.id, htm: 'GET', htu: '/data/x', bh: bodyHash('') })
    const r1 = await get(reporting.url, '/data/x', { 'agentid-session': session.id, 'agentid-proof': forged })
    assert.deepEqual([r1.status, r1.body.error.code], [401, 'ERR_SIGNATURE'])
    const signed = me.signRequest(session, { method: 'POST', target: '/data/x', body: '{"records":10}' })
    const r2 = await get(reporting.url, '/data/x', signed, 'POST', '{"records":10000}')
    assert.deepEqual([r2.status, r2.body.error.code], [401, 'ERR_SIGNATURE'])
  })

  it('refuses a request in an expired session (its peer credential expired), on an injected clock', async () => {
    // An agent served over HTTP on 127.0.0.1 in this process, so that its clock can be moved
    // past the peer's credential without waiting for it (no test waits on real time).
    let clock = Date.now()
    const now = () => clock
    const lists = statusListsFromJwts(await t.issuer.publishStatusLists(24 * 3600))
    const server = createMutualAgent({ key: keys.crm, verifier: { trustedIssuers: [t.issuer.did], statusLists: lists, now }, credentials: [jwts.crm!], now })
    const http = createServer(mutualHttpHandler(server, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    }))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
      const me = createMutualAgent({ key: keys.brief, verifier: { trustedIssuers: [t.issuer.did], statusLists: lists, now }, credentials: [jwts.brief!], now })
      const { established, session } = await shake(me, url)
      assert.equal(established.status, 200, JSON.stringify(established.body))
      assert.equal((await get(url, '/data/x', me.signRequest(session, { method: 'GET', target: '/data/x' }))).status, 200)
      clock = session.expires + 1000
      const r = await get(url, '/data/x', me.signRequest(session, { method: 'GET', target: '/data/x' }))
      assert.deepEqual([r.status, r.body.error.code], [401, 'ERR_VP_EXPIRED'])
    } finally {
      http.close()
    }
  })

  it('refuses a presentation stolen without its key: another holder, or an old one replayed', async () => {
    const mallory = attacker(keys.mallory, jwts.mallory!)
    // Mallory presents the reporting agent's credential in a presentation she signs.
    const { hello } = mallory.initiate()
    const opened = await post(crm.url, hello)
    // The challenge of this handshake's complete, computed as docs/protocol.md says.
    const sid = createHash('sha256').update(`agentid-session/1\n${keys.mallory.did}\n${crm.did}\n${hello.nonce}\n${opened.body.nonce}`).digest('base64url')
    const stolenCredential = createPresentation({ key: keys.mallory, credentials: [jwts.reporting!], audience: crm.did, challenge: `${MUTUAL_NONCE_PREFIX}complete:${sid}` })
    const r1 = await post(crm.url, { type: 'agentid/complete', v: MUTUAL_VERSION, from: keys.mallory.did, to: crm.did, nonce: opened.body.nonce, vp: stolenCredential })
    assert.deepEqual([r1.status, r1.body.error.code], [401, 'ERR_VP_HOLDER_BINDING'])
    // A presentation the reporting agent really made, captured, sent again in a new handshake.
    const me = attacker(keys.reporting, jwts.reporting!) // stands in for the wire: Mallory only copies its output
    const captured = (await shake(me, crm.url)).complete
    const fresh = await post(crm.url, { type: 'agentid/hello', v: MUTUAL_VERSION, from: keys.reporting.did, nonce: 'a'.repeat(22) })
    const r2 = await post(crm.url, { ...captured, nonce: fresh.body.nonce })
    assert.deepEqual([r2.status, r2.body.error.code], [401, 'ERR_VP_NONCE'])
  })

  it('cuts a session off when the peer is suspended at the issuer (push), and lets it back on resume', async () => {
    assert.equal((await reporting.call(crm.url, '/data/db:customers')).status, 200)
    await t.issuer.setSuspended({ agent: reporting.did }, true, 'test')
    let last: { status?: number; body?: any; error?: { code: string } } = {}
    // Polled until the push arrives (bounded generously: a busy machine may take seconds).
    for (let i = 0; i < 1200; i++) {
      last = await reporting.call(crm.url, '/data/db:customers')
      if (last.status !== 200) break
      await new Promise((r) => setTimeout(r, 25))
    }
    // Refused mid-session; a new handshake is then refused too (the credential is suspended).
    assert.equal(last.error?.code ?? last.body?.error?.code, 'ERR_VC_SUSPENDED', JSON.stringify(last))
    await t.issuer.setSuspended({ agent: reporting.did }, false, 'test')
    let back: { status?: number } = {}
    for (let i = 0; i < 1200 && back.status !== 200; i++) {
      back = await reporting.call(crm.url, '/data/db:customers')
      if (back.status !== 200) await new Promise((r) => setTimeout(r, 25))
    }
    assert.equal(back.status, 200)
  })

  // Last: it uses up this address's hellos for the current minute.
  it('answers more than 60 hellos a minute from one address with 429 ERR_RATE_LIMITED and Retry-After', async () => {
    const me = attacker(keys.mallory, jwts.mallory!)
    const statuses: number[] = []
    let refused: { status: number; body: any } | undefined
    for (let i = 0; i < 62 && refused === undefined; i++) {
      const r = await fetch(`${crm.url}${HANDSHAKE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(me.initiate().hello) })
      statuses.push(r.status)
      if (r.status === 429) {
        // The seconds left in this minute.
        assert.ok(Number(r.headers.get('retry-after')) >= 1 && Number(r.headers.get('retry-after')) <= 60, String(r.headers.get('retry-after')))
        refused = { status: r.status, body: await r.json() }
      } else await r.body?.cancel()
    }
    assert.ok(refused, `no 429 in ${statuses.join(',')}`)
    assert.equal(refused.body.error.code, 'ERR_RATE_LIMITED')
  })
})
