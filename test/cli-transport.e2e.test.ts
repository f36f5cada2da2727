import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentid } from './support/cli.js'

// The CLI talks to the service with node:http rather than fetch (start-up time: see
// packages/cli/src/http-client.ts). What fetch did for it must still hold against a server that
// answers wrongly: a refusal keeps its code, an oversized answer is cut off, a redirect is not
// followed (the bearer token must not travel to another address), a body is sent whole.
describe('agentid against a service that answers wrongly (real CLI, a local HTTP server)', () => {
  let server: Server
  let url: string
  let cwd: string
  let answer: (req: IncomingMessage, body: string, res: ServerResponse) => void
  const seen: Array<{ method: string; url: string; authorization: string | undefined; body: string }> = []

  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'agentid-transport-'))
    server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8').on('data', (d: string) => (body += d))
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body })
        answer(req, body, res)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
    rmSync(cwd, { recursive: true, force: true })
  })
  beforeEach(() => (seen.length = 0))

  const cli = (...args: string[]) => agentid(['--json', ...args], { cwd, env: { AGENTID_URL: url, AGENTID_TOKEN: 'aid_test-token' } })
  const errorOf = (stderr: string) => (JSON.parse(stderr) as { error: { code: string; message: string } }).error

  it('sends the bearer token and reads a JSON answer', async () => {
    answer = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'olga', roles: ['ai-ops'] }))
    const r = await cli('whoami')
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).id, 'olga')
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.authorization]), [['GET', '/whoami', 'Bearer aid_test-token']])
  })

  it('keeps the code and message of a refusal in the error format', async () => {
    answer = (_req, _body, res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ERR_FORBIDDEN', message: 'not yours' } }))
    const r = await cli('agent', 'list')
    assert.equal(r.code, 1)
    assert.deepEqual(errorOf(r.stderr), { code: 'ERR_FORBIDDEN', message: 'not yours' })
  })

  const agentView = (name: string) => ({ did: `did:key:z6Mk${name}`, name, kind: 'service', owner: 'ops', status: 'active' })
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

  it('lists agents a page at a time, following the cursor, never asking for all at once', async () => {
    answer = (req, _body, res) => {
      const after = new URL(req.url ?? '', url).searchParams.get('after')
      json(res, 200, after === '' ? { agents: [agentView('one'), agentView('two')], limit: 200, next: 'c2' } : { agents: [agentView('three')], limit: 200 })
    }
    const r = await cli('agent', 'list')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout).agents.map((a: { name: string }) => a.name), ['one', 'two', 'three'])
    assert.deepEqual(seen.map((s) => s.url), ['/agents?limit=200&after=', '/agents?limit=200&after=c2'])
  })

  it('lists agents from a service that predates cursors in its one answer', async () => {
    answer = (req, _body, res) => (req.url === '/agents'
      ? json(res, 200, { agents: [agentView('one')] })
      : json(res, 400, { error: { code: 'ERR_INPUT_INVALID', message: 'querystring must NOT have additional properties' } }))
    const r = await cli('agent', 'list')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout).agents.map((a: { name: string }) => a.name), ['one'])
    assert.deepEqual(seen.map((s) => s.url), ['/agents?limit=200&after=', '/agents'])
  })

  it('does not follow a redirect: the token stays with the service it was given for', async () => {
    answer = (req, _body, res) => (req.url === '/elsewhere' ? res.writeHead(200).end('{}') : res.writeHead(302, { location: `${url}/elsewhere` }).end())
    const r = await cli('whoami')
    assert.equal(r.code, 1)
    assert.equal(errorOf(r.stderr).code, 'ERR_SERVICE_UNREACHABLE')
    assert.match(errorOf(r.stderr).message, /answered 302 without an agentid error/)
    assert.deepEqual(seen.map((s) => s.url), ['/whoami'])
  })

  it('cuts off an answer larger than 8 MiB', async () => {
    answer = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = 'x'.repeat(1 << 20)
      let sent = 0
      // Stops on its own once the client hangs up (a write after close fails and is dropped).
      const more = () => { while (sent < 16 && !res.destroyed) { sent++; if (!res.write(chunk)) return void res.once('drain', more) } res.end() }
      res.on('error', () => undefined)
      more()
    }
    const r = await cli('whoami')
    assert.equal(r.code, 1)
    assert.equal(errorOf(r.stderr).code, 'ERR_SERVICE_UNREACHABLE')
    assert.match(errorOf(r.stderr).message, /answered with more than 8388608 bytes/)
  })

  it('refuses an answer that is not JSON', async () => {
    answer = (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>')
    const r = await cli('whoami')
    assert.equal(errorOf(r.stderr).code, 'ERR_SERVICE_UNREACHABLE')
    assert.match(errorOf(r.stderr).message, /answered 200 with a body that is not JSON/)
  })

  it('sends a request body whole, as JSON', async () => {
    answer = (_req, _body, res) => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: 'no such request' } }))
    const r = await cli('deny', 'req-1', '--reason', 'é '.repeat(5000))
    assert.equal(errorOf(r.stderr).code, 'ERR_NOT_FOUND')
    const sent = seen.find((s) => s.method === 'POST')
    assert.ok(sent, JSON.stringify(seen.map((s) => [s.method, s.url])))
    assert.equal(JSON.parse(sent.body).reason, 'é '.repeat(5000))
  })
})
