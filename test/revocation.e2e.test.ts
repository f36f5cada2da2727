import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { generateAgentKey } from '@agentid/agent'
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '@agentid/verifier'
import { startTestService, type TestService } from './support/service.js'
import { startVerifierProcess, until, type VerifierProcess } from './support/verifier-process.js'

// The real issuer server on loopback and a verifying agent in another process, fetching the
// issuer's status lists over HTTP: revocation and suspension reach it by push, or by polling
// alone, and it fails closed when the issuer is gone.
describe('revocation reaching a verifier in another process', function () {
  this.timeout(60_000)
  const verifierDid = generateAgentKey().did
  const agent = generateAgentKey()

  async function setUp(): Promise<{ t: TestService; credentials: string[]; ids: string[] }> {
    // The webhook receiver of these tests listens on loopback: the operator's opt-in.
    const t = await startTestService({ allowPrivateWebhooks: true })
    await t.issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
    const issued = []
    for (let i = 0; i < 3; i++) issued.push(await t.issuer.grant({ subject: agent.did, entitlements: [{ resource: `db:t${i}`, actions: ['read'] }], ttlSeconds: 3600 }, 'test'))
    return { t, credentials: issued.map((c) => c.jwt), ids: issued.map((c) => c.id) }
  }

  describe('with push (server-sent events)', () => {
    let t: TestService
    let credentials: string[]
    let ids: string[]
    let verifier: VerifierProcess

    before(async () => {
      ;({ t, credentials, ids } = await setUp())
      // Polling would take five minutes here: only the push can bring a change in time.
      verifier = await startVerifierProcess({ did: verifierDid, issuer: t.issuer.did, origin: t.url, maxAge: 300, refreshAfter: 300, events: `${t.url}/status/events` })
    })
    after(async () => {
      verifier.stop()
      await t.close()
    })

    it('refuses a credential once it is revoked, while the others on the same list keep working', async () => {
      for (const c of credentials) assert.equal(await verifier.verify(agent, [c]), 'ok')
      const revoked = await t.call(t.tokens.security, 'POST', `/credentials/${encodeURIComponent(ids[0]!)}/revoke`, { reason: 'compromised' })
      assert.equal(revoked.status, 200)
      await until(() => verifier.verify(agent, [credentials[0]!]), 'ERR_VC_REVOKED')
      assert.equal(await verifier.verify(agent, [credentials[1]!]), 'ok')
    })

    it('suspends and resumes', async () => {
      assert.equal((await t.call(t.tokens.admin, 'POST', `/credentials/${encodeURIComponent(ids[2]!)}/suspend`)).status, 200)
      await until(() => verifier.verify(agent, [credentials[2]!]), 'ERR_VC_SUSPENDED')
      assert.equal((await t.call(t.tokens.admin, 'POST', `/credentials/${encodeURIComponent(ids[2]!)}/resume`)).status, 200)
      await until(() => verifier.verify(agent, [credentials[2]!]), 'ok')
    })

    it('sees a change made by another process on the same database (the CLI), at the next look', async () => {
      // The store is shared; a revocation that does not pass through this service's engine is
      // found by the periodic check (every 5 s by default).
      await t.issuer.store.revokeCredential(ids[1]!, () => ({ actor: 'cli:other', action: 'credential.revoke', target: ids[1]!, details: {} }))
      await until(() => verifier.verify(agent, [credentials[1]!]), 'ERR_VC_REVOKED', 20_000)
    })
  })

  describe('signed webhooks', () => {
    it('posts a signed status event when a list changes; the receiver checks it, and a changed body fails', async () => {
      const { t, ids } = await setUp()
      const received: Array<{ body: string; signature: string | undefined }> = []
      const receiver: Server = createServer((req, res) => {
        let body = ''
        req.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
          received.push({ body, signature: req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined })
          res.writeHead(204).end()
        })
      })
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
      try {
        const hook = await t.call(t.tokens.admin, 'POST', '/webhooks', { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/agentid` })
        assert.equal(hook.status, 201, JSON.stringify(hook.body))
        const listed = await t.call(t.tokens.auditor, 'GET', '/webhooks')
        assert.equal(JSON.stringify(listed.body).includes(hook.body.secret), false, 'the secret is never listed')
        await t.issuer.revoke(ids[0]!, 'test')
        for (let i = 0; i < 1200 && !received.some((r) => r.body.includes('"rev-1"')); i++) await new Promise((r) => setTimeout(r, 25))
        const post = received.find((r) => r.body.includes('"rev-1"'))!
        assert.ok(post, 'a status event for rev-1 arrived')
        const event = JSON.parse(post.body)
        assert.deepEqual(Object.keys(event).sort(), ['at', 'etag', 'list', 'type', 'url'], 'no credential id in the event')
        assert.deepEqual(verifyWebhookSignature({ secret: hook.body.secret, body: post.body, signature: post.signature }), { ok: true })
        assert.equal(verifyWebhookSignature({ secret: hook.body.secret, body: post.body.replace('rev-1', 'rev-2'), signature: post.signature }).ok, false)
        assert.equal(verifyWebhookSignature({ secret: 'whsec_other', body: post.body, signature: post.signature }).ok, false)
        assert.equal(verifyWebhookSignature({ secret: hook.body.secret, body: post.body, signature: post.signature, now: Date.now() + 600_000 }).ok, false)
      } finally {
        receiver.close()
        await t.close()
      }
    })
  })

  describe('with polling alone', () => {
    it('refuses a revoked credential within the maximum age', async () => {
      const { t, credentials, ids } = await setUp()
      const verifier = await startVerifierProcess({ did: verifierDid, issuer: t.issuer.did, origin: t.url, maxAge: 4, refreshAfter: 1 })
      try {
        assert.equal(await verifier.verify(agent, [credentials[0]!]), 'ok')
        await t.issuer.revoke(ids[0]!, 'test')
        const waited = await until(() => verifier.verify(agent, [credentials[0]!]), 'ERR_VC_REVOKED')
        // A security bound, not a speed target: a revoked credential is never accepted for
        // longer than the maximum age the verifier set.
        assert.ok(waited < 4000, `refused after ${waited} ms`)
        assert.equal(await verifier.verify(agent, [credentials[1]!]), 'ok')
      } finally {
        verifier.stop()
        await t.close()
      }
    })
  })

  describe('when the issuer is gone', () => {
    it('keeps accepting until the cached list is older than the maximum age, then fails closed', async () => {
      const { t, credentials } = await setUp()
      const verifier = await startVerifierProcess({ did: verifierDid, issuer: t.issuer.did, origin: t.url, maxAge: 3, refreshAfter: 1 })
      try {
        assert.equal(await verifier.verify(agent, [credentials[0]!]), 'ok')
        await t.service.close()
        assert.equal(await verifier.verify(agent, [credentials[0]!]), 'ok', 'the cached list still answers')
        await until(() => verifier.verify(agent, [credentials[0]!]), 'ERR_STATUS_UNAVAILABLE')
      } finally {
        verifier.stop()
        await t.issuer.close()
        rmSync(t.home, { recursive: true, force: true })
      }
    })
  })
})
