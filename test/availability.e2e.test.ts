import assert from 'node:assert/strict'
import { createPresentation, generateAgentKey } from '@agentid/agent'
import { startTestService, type TestService } from './support/service.js'
import { clientAddress, loopbackRequest, rawConnection, type LoopbackAnswer } from './support/loopback-client.js'

// Availability of the issuer service under one hostile address (property 7), against the real
// server on 127.0.0.1. Other client addresses are other loopback addresses (127.0.0.N, see
// support/loopback-client.ts): the target is always 127.0.0.1.
describe('issuer availability under one hostile address (real server on 127.0.0.1)', function () {
  this.timeout(60_000)

  // Retries a request until it gives `status`: the server sees a client's close a moment after
  // the client made it, and there is no event to wait for from outside. Bounded by tries, not time.
  async function eventually(call: () => Promise<LoopbackAnswer>, status: number, tries = 200): Promise<LoopbackAnswer> {
    let last: LoopbackAnswer | undefined
    for (let i = 0; i < tries; i++) {
      last = await call()
      if (last.status === status) return last
      last.stream?.destroy()
      await new Promise((resolve) => setImmediate(resolve))
    }
    throw new Error(`still ${last?.status} ${JSON.stringify(last?.body)} after ${tries} tries`)
  }

  describe('GET /challenge cannot be flushed', () => {
    let t: TestService
    const bot = generateAgentKey()
    let credential: string

    before(async () => {
      t = await startTestService()
      await t.issuer.registerAgent({ did: bot.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
      credential = (await t.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 600 }, 'test')).jwt
    })
    after(async () => {
      await t.close()
    })

    const ask = (challenge: string) => t.call(undefined, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:y', actions: ['read'] }], ttl: '1h' },
      { authorization: `VP ${createPresentation({ key: bot, credentials: [credential], audience: t.issuer.did, challenge })}` })

    it('keeps an agent\'s challenge good after one address asks for 10,001 more (the old store kept the newest 10,000)', async () => {
      const { body: mine } = await t.call(undefined, 'GET', '/challenge')
      let left = 10_001
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (left-- > 0) assert.equal((await t.call(undefined, 'GET', '/challenge')).status, 200)
      }))
      const r = await ask(mine.challenge)
      assert.equal(r.status, 202, JSON.stringify(r.body))
      // Still single use: a second answer to it is refused, and changes nothing.
      const before = t.dump()
      const again = await ask(mine.challenge)
      assert.deepEqual([again.status, again.body.error.code], [401, 'ERR_VP_REPLAY'])
      assert.equal(t.dump(), before)
    })

    it('refuses a challenge it did not make (a forged or altered MAC) with ERR_VP_NONCE, changing nothing', async () => {
      const { body } = await t.call(undefined, 'GET', '/challenge')
      const bytes = Buffer.from(body.challenge, 'base64url')
      bytes.writeUIntBE(Date.now() + 86_400_000, 16, 6) // a day's life, under the old MAC
      const before = t.dump()
      const r = await ask(bytes.toString('base64url'))
      assert.deepEqual([r.status, r.body.error.code], [401, 'ERR_VP_NONCE'])
      assert.equal(t.dump(), before)
    })
  })

  describe('GET /status/events: streams per address, and room for verifiers that authenticate', () => {
    let t: TestService
    const open: LoopbackAnswer[] = []
    const events = (from: string, headers: Record<string, string> = {}) => loopbackRequest(t.url, { from, path: '/status/events', headers: { accept: 'text/event-stream', ...headers } })
    const keep = (answer: LoopbackAnswer) => {
      open.push(answer)
      return answer
    }

    before(async () => {
      t = await startTestService({ limits: { statusEvents: { maxPerAddress: 2, maxClients: 3, maxAuthenticated: 2 } } })
    })
    after(async () => {
      for (const a of open) a.stream?.destroy()
      await t.close()
    })

    it('refuses a third anonymous stream from one address (429 ERR_RATE_LIMITED), not from another', async () => {
      const hostile = clientAddress(10)
      for (let i = 0; i < 2; i++) assert.equal(keep(await events(hostile)).status, 200)
      const third = await events(hostile)
      assert.deepEqual([third.status, third.body.error.code], [429, 'ERR_RATE_LIMITED'])
      assert.match(String(third.headers['retry-after']), /^[1-9][0-9]*$/)
      assert.equal(keep(await events(clientAddress(11))).status, 200, 'another address still gets in')
    })

    it('lets an authenticated verifier in when every anonymous slot is taken; anonymous ones get 503', async () => {
      const full = await events(clientAddress(12))
      assert.deepEqual([full.status, full.body.error.code], [503, 'ERR_STATUS_UNAVAILABLE'])
      // From the hostile address itself, with a principal's token.
      const verifier = keep(await events(clientAddress(10), { authorization: `Bearer ${t.tokens.auditor}` }))
      assert.equal(verifier.status, 200)
      const bad = await events(clientAddress(12), { authorization: 'Bearer aid_not-a-token' })
      assert.deepEqual([bad.status, bad.body.error.code], [401, 'ERR_UNAUTHORIZED'])
    })

    it('gives a slot back when its stream closes', async () => {
      const hostile = open.find((a) => a.status === 200)!
      hostile.stream!.destroy()
      keep(await eventually(() => events(clientAddress(12)), 200))
    })
  })

  describe('connections per address, capped at the socket', () => {
    let t: TestService

    before(async () => {
      t = await startTestService({ limits: { maxConnectionsPerAddress: 3 } })
    })
    after(async () => {
      await t.close()
    })

    it('answers a connection past the cap with 429 ERR_RATE_LIMITED and closes it, before reading its request; other addresses are served', async () => {
      const hostile = clientAddress(20)
      // Three idle connections: all this address may hold.
      const held = await Promise.all([0, 1, 2].map(() => rawConnection(t.url, hostile)))
      try {
        const before = t.dump()
        // A fourth, sending a request that would change something (an admin enrolling an agent).
        const body = JSON.stringify({ did: generateAgentKey().did, name: 'sneaky', kind: 'service', owner: 'ops' })
        const fourth = await rawConnection(t.url, hostile)
        fourth.socket.write(`POST /agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.tokens.admin}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
        await fourth.closed
        assert.match(fourth.received(), /^HTTP\/1\.1 429 /)
        assert.equal(JSON.parse(fourth.received().slice(fourth.received().indexOf('\r\n\r\n') + 4)).error.code, 'ERR_RATE_LIMITED')
        assert.equal(t.dump(), before, 'the request on it was never handled')
        // Another address is served meanwhile.
        assert.equal((await loopbackRequest(t.url, { from: clientAddress(21), path: '/health' })).status, 200)
        // One held connection closes: the address may connect again.
        held.pop()!.socket.destroy()
        await eventually(() => loopbackRequest(t.url, { from: hostile, path: '/health' }), 200)
      } finally {
        for (const c of held) c.socket.destroy()
      }
    })

    it('refuses 0-or-more only as a whole number', async () => {
      const { startService } = await import('@agentid/issuer')
      for (const bad of [-1, 1.5, Number.NaN]) await assert.rejects(startService(t.issuer, { port: 0, maxConnectionsPerAddress: bad }), { code: 'ERR_USAGE' })
    })
  })
})
