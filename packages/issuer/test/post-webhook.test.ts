import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { postWebhook, RefusedDestinationError, webhookTarget, type ResolveHost } from '../src/webhooks/post-webhook.js'

// Delivery resolves a webhook's host once, judges every address, and connects to the one it
// judged. Only loopback is ever contacted here: names are resolved by a stub, never by DNS.
describe('webhook delivery: the address checked is the address connected to', () => {
  let server: Server
  let port: number
  const seen: Array<{ host: string | undefined; body: string }> = []
  before(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
        seen.push({ host: req.headers.host, body })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  beforeEach(() => { seen.length = 0 })

  const stub = (answers: Record<string, string[]>): ResolveHost => async (hostname) =>
    (answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))

  it('posts to the address the name resolved to, with the URL\'s host in the Host header (allowed private)', async () => {
    let lookups = 0
    const resolve: ResolveHost = async (hostname) => {
      lookups++
      return stub({ 'hooks.test': ['127.0.0.1'] })(hostname)
    }
    const status = await postWebhook(`http://hooks.test:${port}/agentid?x=1`, { 'content-type': 'application/json' }, '{"a":1}', { allowPrivate: true, resolve, timeoutMs: 5000 })
    assert.equal(status, 204)
    assert.deepEqual(seen, [{ host: `hooks.test:${port}`, body: '{"a":1}' }])
    assert.equal(lookups, 1, 'resolved once: the connection does not look the name up again')
  })

  const REFUSED: ReadonlyArray<readonly [string, string, Record<string, string[]>]> = [
    ['a name that resolves to loopback', 'http://hooks.test/x', { 'hooks.test': ['127.0.0.1'] }],
    ['a name with one private answer among public ones', 'http://hooks.test/x', { 'hooks.test': ['93.184.215.14', '10.0.0.7'] }],
    ['a name that resolves to an IPv4-mapped loopback', 'http://hooks.test/x', { 'hooks.test': ['::ffff:127.0.0.1'] }],
    ['a name that resolves to link-local metadata', 'http://metadata.test/x', { 'metadata.test': ['169.254.169.254'] }],
    ['a loopback literal', `http://127.0.0.1:PORT/x`, {}],
    ['localhost', `http://localhost:PORT/x`, {}],
    ['an IPv6 loopback literal', 'http://[::1]:PORT/x', {}],
  ]
  for (const [name, url, answers] of REFUSED) {
    it(`refuses ${name} before connecting`, async () => {
      const target = url.replace('PORT', String(port))
      await assert.rejects(postWebhook(target, {}, '{}', { allowPrivate: false, resolve: stub(answers), timeoutMs: 5000 }), RefusedDestinationError)
      await assert.rejects(webhookTarget(new URL(target), { allowPrivate: false, resolve: stub(answers) }), RefusedDestinationError)
      assert.deepEqual(seen, [], 'nothing was sent')
    })
  }
})
