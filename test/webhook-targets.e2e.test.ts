import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentid } from './support/cli.js'
import { startTestService } from './support/service.js'

// Webhook targets: the issuer posts from inside the network, so an admin token must not be able
// to point it at loopback, private or link-local services. Only loopback is contacted here.
describe('webhook targets: loopback, private and link-local are refused unless allowed', function () {
  this.timeout(60_000)

  const REFUSED = [
    'http://127.0.0.1:9/hook',
    'http://127.1/hook',
    'http://2130706433/hook',
    'http://0x7f000001/hook',
    'http://0177.0.0.1/hook',
    'http://0.0.0.0/hook',
    'http://localhost:8470/hook',
    'http://[::1]/hook',
    'http://[::]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'https://169.254.169.254/latest/meta-data',
    'http://10.0.0.8/hook',
    'http://172.20.1.1/hook',
    'http://192.168.1.1/hook',
    'http://100.64.0.1/hook',
    'http://[fd00::1]/hook',
    'http://[fe80::1]/hook',
  ]

  it('refuses each at registration (ERR_INPUT_INVALID), audits who tried, and changes nothing else', async () => {
    const t = await startTestService()
    try {
      for (const url of REFUSED) {
        const before = JSON.parse(t.dump()) as Array<[string, unknown[]]>
        const answer = await t.call(t.tokens.admin, 'POST', '/webhooks', { url })
        assert.equal(answer.status, 400, `${url}: ${JSON.stringify(answer.body)}`)
        assert.equal(answer.body.error.code, 'ERR_INPUT_INVALID')
        assert.match(answer.body.error.message, /allow-private-webhooks/)
        const after = JSON.parse(t.dump()) as Array<[string, unknown[]]>
        // Only the audit log grew, by one entry naming the admin and the URL.
        const changed = after.filter(([name, rows], i) => JSON.stringify(rows) !== JSON.stringify(before[i]![1]) && name !== 'audit_checkpoints').map(([name]) => name)
        assert.deepEqual(changed, ['audit_log'], url)
        const entry = (await t.call(t.tokens.auditor, 'GET', '/audit?limit=1000')).body.entries.at(-1)
        assert.deepEqual([entry.actor, entry.action, entry.details.url], ['admin', 'webhook.refuse', new URL(url).href])
      }
      assert.deepEqual((await t.call(t.tokens.auditor, 'GET', '/webhooks')).body.webhooks, [])
      // A public name is registered (it is judged again, resolved, before each delivery).
      assert.equal((await t.call(t.tokens.admin, 'POST', '/webhooks', { url: 'https://hooks.example/agentid' })).status, 201)
    } finally {
      await t.close()
    }
  })

  it('refuses at delivery a stored loopback webhook when private ones are not allowed: nothing is posted', async () => {
    let posts = 0
    const receiver: Server = createServer((req, res) => {
      posts++
      req.resume().on('end', () => res.writeHead(204).end())
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    let refused: (line: string) => void = () => undefined
    const logged = new Promise<string>((resolve) => { refused = resolve })
    const t = await startTestService({ log: (line) => { if (line.includes('refused')) refused(line) } })
    try {
      // As a webhook registered while private ones were allowed, then the setting turned off.
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/agentid`
      await t.issuer.store.createWebhook({ id: 'wh-00000000-0000-4000-8000-000000000001', url, events: ['status'], createdBy: 'test', createdAt: Date.now() }, 'whsec_test', { actor: 'test', action: 'webhook.create', details: {} })
      const agent = (await import('@agentid/agent')).generateAgentKey().did
      await t.issuer.registerAgent({ did: agent, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
      await t.issuer.grant({ subject: agent, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
      await t.call(t.tokens.admin, 'POST', `/agents/${agent}/retire`)
      assert.match(await logged, /127\.0\.0\.1.* is loopback/)
      assert.equal(posts, 0)
    } finally {
      receiver.close()
      await t.close()
    }
  })

  it('posts to a loopback webhook when the operator allows private webhooks', async () => {
    let resolvePost: () => void = () => undefined
    const posted = new Promise<void>((resolve) => { resolvePost = resolve })
    const receiver: Server = createServer((req, res) => {
      req.resume().on('end', () => { res.writeHead(204).end(); resolvePost() })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const t = await startTestService({ allowPrivateWebhooks: true })
    try {
      const hook = await t.call(t.tokens.admin, 'POST', '/webhooks', { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/agentid` })
      assert.equal(hook.status, 201, JSON.stringify(hook.body))
      const agent = (await import('@agentid/agent')).generateAgentKey().did
      await t.issuer.registerAgent({ did: agent, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
      await t.issuer.grant({ subject: agent, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
      await t.call(t.tokens.admin, 'POST', `/agents/${agent}/retire`)
      await posted
    } finally {
      receiver.close()
      await t.close()
    }
  })

  it('the CLI refuses a loopback webhook (exit 1, ERR_INPUT_INVALID) unless AGENTID_ALLOW_PRIVATE_WEBHOOKS=1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-webhook-cli-'))
    try {
      const env = { AGENTID_HOME: join(dir, '.agentid') }
      assert.equal((await agentid(['init'], { cwd: dir, env })).code, 0)
      const refused = await agentid(['--json', 'webhook', 'add', 'http://127.0.0.1:9/hook'], { cwd: dir, env })
      assert.equal(refused.code, 1)
      assert.equal(JSON.parse(refused.stderr).error.code, 'ERR_INPUT_INVALID')
      const allowed = await agentid(['--json', 'webhook', 'add', 'http://127.0.0.1:9/hook'], { cwd: dir, env: { ...env, AGENTID_ALLOW_PRIVATE_WEBHOOKS: '1' } })
      assert.equal(allowed.code, 0, allowed.stderr)
      const audit = (await agentid(['audit', 'export'], { cwd: dir, env })).stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string })
      assert.deepEqual(audit.filter((e) => e.action.startsWith('webhook.')).map((e) => e.action), ['webhook.refuse', 'webhook.create'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
