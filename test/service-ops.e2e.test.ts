import assert from 'node:assert/strict'
import { get as httpGet } from 'node:http'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createPresentation, generateAgentKey } from '@agentid/agent'
import { Issuer, publicUrlMismatch, startService } from '@agentid/issuer'
import { agentid, AGENTID_BIN, type CliResult } from './support/cli.js'
import { waitForOutput } from './support/process-output.js'
import { freePort, startTestService, type TestService } from './support/service.js'

// What an operator runs the issuer with: an explicit public URL, TLS, an access log, metrics,
// readiness, and error codes that say which of the store's failures happened. Real processes
// and a real service on 127.0.0.1.
describe('operating the service: public URL, TLS, access log, metrics, readiness, error codes', function () {
  this.timeout(120_000)
  let dir: string
  const home = () => join(dir, '.agentid')
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => agentid(['--json', ...args], { cwd: dir, env: { AGENTID_HOME: home(), ...env } })
  const errorOf = (r: CliResult) => JSON.parse(r.stderr.trim().split('\n').pop()!).error as { code: string; message: string }
  const serve = (args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess =>
    spawn(process.execPath, [AGENTID_BIN, '--json', 'serve', '--sweep-interval', '0', ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AGENTID_HOME: home(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const stop = async (child: ChildProcess) => {
    if (child.exitCode !== null) return child.exitCode
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    return exited
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-svc-ops-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  describe('public URL', () => {
    let first: number
    before(async () => {
      first = await freePort()
      const created = await cli(['init', '--public-url', `http://127.0.0.1:${first}/`])
      assert.equal(created.code, 0, created.stderr)
      assert.equal(JSON.parse(created.stdout).publicUrl, `http://127.0.0.1:${first}`, 'a trailing slash is dropped')
    })

    it('refuses to start on another port, naming both URLs, and changes nothing', async () => {
      const other = await freePort()
      const child = serve(['--port', String(other)])
      let out = ''
      child.stderr!.on('data', (d: Buffer) => (out += d))
      assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 2)
      const error = JSON.parse(out.trim().split('\n').pop()!).error
      assert.equal(error.code, 'ERR_PUBLIC_URL_MISMATCH')
      assert.ok(error.message.includes(`http://127.0.0.1:${first}`) && error.message.includes(`http://127.0.0.1:${other}`), error.message)
      assert.match(error.message, /--public-url-mismatch-ok/)
      const doctor = JSON.parse((await cli(['doctor'])).stdout)
      assert.match(doctor.findings.find((f: { check: string }) => f.check === 'public URL').detail, new RegExp(`^http://127\\.0\\.0\\.1:${first}: `))
    })

    it('starts behind a proxy when told, and keeps the public URL', async () => {
      const other = await freePort()
      const child = serve(['--port', String(other), '--public-url-mismatch-ok', '--access-log', 'off'])
      const out = await waitForOutput(child, '"created"')
      const started = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1))
      assert.equal(started.url, `http://127.0.0.1:${other}`)
      assert.equal(started.publicUrl, `http://127.0.0.1:${first}`)
      assert.equal(await stop(child), 0)
    })

    it('a --public-url the service would refuse to start with is not saved', async () => {
      const other = await freePort()
      const child = serve(['--port', String(other), '--public-url', 'https://elsewhere.example:9999'])
      let out = ''
      child.stderr!.on('data', (d: Buffer) => (out += d))
      assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 2)
      assert.equal(JSON.parse(out.trim().split('\n').pop()!).error.code, 'ERR_PUBLIC_URL_MISMATCH')
      const doctor = JSON.parse((await cli(['doctor'])).stdout)
      assert.match(doctor.findings.find((f: { check: string }) => f.check === 'public URL').detail, new RegExp(`^http://127\\.0\\.0\\.1:${first}: `))
    })

    it('--public-url changes it on purpose: audited, and new credentials name the new URL', async () => {
      const key = generateAgentKey()
      const registered = await cli(['agent', 'register', key.did, '--name', 'url-bot', '--kind', 'service', '--owner', 'ops'])
      assert.equal(registered.code, 0, registered.stderr)
      const before = await cli(['grant', key.did, '--resource', 'db:a', '--action', 'read', '--ttl', '1h', '--out', 'before.jwt'])
      assert.equal(before.code, 0, before.stderr)
      const other = await freePort()
      const child = serve(['--port', String(other), '--public-url', `http://127.0.0.1:${other}`, '--access-log', 'off'])
      const out = await waitForOutput(child, '"created"')
      const started = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1))
      assert.equal(started.publicUrl, `http://127.0.0.1:${other}`)
      assert.deepEqual(started.publicUrlChanged, { previous: `http://127.0.0.1:${first}`, liveCredentials: 1 })
      assert.equal(await stop(child), 0)
      const after = await cli(['grant', key.did, '--resource', 'db:b', '--action', 'read', '--ttl', '1h', '--out', 'after.jwt'])
      assert.equal(after.code, 0, after.stderr)
      // The credential document: the payload itself (VC 2.0, the default) or its vc claim (VC 1.1).
      const statusUrl = (file: string) => {
        const payload = JSON.parse(Buffer.from(readFileSync(join(dir, file), 'utf8').split('.')[1]!, 'base64url').toString())
        return (payload.vc ?? payload).credentialStatus[0].statusListCredential
      }
      assert.equal(statusUrl('before.jwt'), `http://127.0.0.1:${first}/status/rev-1`)
      assert.equal(statusUrl('after.jwt'), `http://127.0.0.1:${other}/status/rev-1`)
      const db = new Database(join(home(), 'issuer.db'), { readonly: true })
      const entry = db.prepare("SELECT actor, target, details FROM audit_log WHERE action = 'issuer.public-url'").get() as { actor: string; target: string; details: string }
      db.close()
      assert.equal(entry.target, `http://127.0.0.1:${other}`)
      assert.deepEqual(JSON.parse(entry.details), { previous: `http://127.0.0.1:${first}`, liveCredentials: 1 })
    })

    it('tells a reachable public URL from one that is not', () => {
      const CASES: Array<[string, Parameters<typeof publicUrlMismatch>[1], boolean]> = [
        ['http://127.0.0.1:8470', { protocol: 'http', host: '127.0.0.1', port: 8470 }, true],
        ['http://localhost:8470', { protocol: 'http', host: '127.0.0.1', port: 8470 }, true],
        ['http://127.0.0.1', { protocol: 'http', host: '127.0.0.1', port: 80 }, true],
        ['https://issuer.example.com', { protocol: 'https', host: '0.0.0.0', port: 443 }, true],
        ['https://issuer.example.com:8443', { protocol: 'https', host: '10.0.0.5', port: 8443 }, true],
        ['http://[::1]:8470', { protocol: 'http', host: '::1', port: 8470 }, true],
        ['http://127.0.0.1:8470', { protocol: 'http', host: '127.0.0.1', port: 8471 }, false],
        ['https://127.0.0.1:8470', { protocol: 'http', host: '127.0.0.1', port: 8470 }, false],
        ['http://127.0.0.1:8470', { protocol: 'https', host: '127.0.0.1', port: 8470 }, false],
        ['http://10.0.0.5:8470', { protocol: 'http', host: '10.0.0.6', port: 8470 }, false],
        ['https://issuer.example.com', { protocol: 'https', host: '127.0.0.1', port: 443 }, false],
        ['http://127.0.0.1:8470/issuer', { protocol: 'http', host: '127.0.0.1', port: 8470 }, false],
      ]
      for (const [url, listening, reachable] of CASES) assert.equal(publicUrlMismatch(url, listening) === undefined, reachable, `${url} on ${JSON.stringify(listening)}`)
    })

    it('refuses a public URL that is not an http(s) URL, or carries credentials or a query', async () => {
      for (const bad of ['ftp://x.example', 'http://user:pw@x.example', 'http://x.example/?a=1', 'not a url', 'http://0.0.0.0:8470', 'http://[::]:8470', 'http://0:8470']) {
        const r = await agentid(['--json', 'init', '--public-url', bad], { cwd: dir, env: { AGENTID_HOME: join(dir, `bad-${bad.length}`) } })
        assert.equal(errorOf(r).code, 'ERR_INPUT_INVALID', bad)
      }
    })
  })

  describe('TLS', () => {
    let cert: string
    let key: string
    before(() => {
      cert = join(dir, 'cert.pem')
      key = join(dir, 'key.pem')
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
      chmodSync(key, 0o600)
    })

    it('serves https to a real TLS client that trusts the certificate; the CLI too, with NODE_EXTRA_CA_CERTS', async () => {
      const port = await freePort()
      const url = `https://127.0.0.1:${port}`
      const child = serve(['--port', String(port), '--public-url', url, '--tls-cert', 'cert.pem', '--tls-key', 'key.pem', '--access-log', 'off'])
      try {
        const out = await waitForOutput(child, '"created"')
        assert.equal(JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)).url, url)
        const answer = await new Promise<{ status: number; body: string; protocol: string }>((resolve, reject) => {
          httpsRequest(`${url}/livez`, { ca: readFileSync(cert) }, (res) => {
            let body = ''
            const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol() ?? ''
            res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body, protocol }))
          }).on('error', reject).end()
        })
        assert.deepEqual([answer.status, JSON.parse(answer.body)], [200, { ok: true }])
        assert.match(answer.protocol, /^TLSv1\.[23]$/)
        // A client that does not trust the certificate is told what failed, under its own code.
        const token = readFileSync(join(home(), 'admin.token'), 'utf8').trim()
        const untrusted = await cli(['whoami'], { AGENTID_URL: url, AGENTID_TOKEN: token })
        assert.equal(errorOf(untrusted).code, 'ERR_SERVICE_UNREACHABLE')
        const trusted = await cli(['whoami'], { AGENTID_URL: url, AGENTID_TOKEN: token, NODE_EXTRA_CA_CERTS: cert })
        assert.equal(JSON.parse(trusted.stdout).id, 'admin', trusted.stderr)
        // Plain http on the same port is not answered as if it were the API.
        const plain = await fetch(`http://127.0.0.1:${port}/livez`).then((r) => r.status, () => 'refused')
        assert.notEqual(plain, 200)
      } finally {
        assert.equal(await stop(child), 0)
      }
    })

    it('refuses a key others can read, a key that is not the certificate\'s, and one flag without the other', async () => {
      const port = String(await freePort())
      const run = (...args: string[]) => cli(['serve', '--port', port, '--public-url-mismatch-ok', ...args])
      chmodSync(key, 0o640)
      const readable = await run('--tls-cert', 'cert.pem', '--tls-key', 'key.pem')
      chmodSync(key, 0o600)
      assert.equal(errorOf(readable).code, 'ERR_INPUT_INVALID')
      assert.match(errorOf(readable).message, /readable by others/)
      execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'other.pem')], { stdio: 'ignore' })
      chmodSync(join(dir, 'other.pem'), 0o600)
      const wrong = await run('--tls-cert', 'cert.pem', '--tls-key', 'other.pem')
      assert.equal(errorOf(wrong).code, 'ERR_INPUT_INVALID')
      assert.doesNotMatch(wrong.stderr, /PRIVATE KEY/, 'never quotes the key')
      assert.equal((await run('--tls-cert', 'cert.pem')).code, 2)
    })
  })

  describe('access log', () => {
    it('writes one JSON line per request, owner-only, and never a token, a header, a query or a body', async () => {
      const port = await freePort()
      const child = serve(['--port', String(port), '--public-url-mismatch-ok', '--access-log', 'access.log'])
      const token = readFileSync(join(home(), 'admin.token'), 'utf8').trim()
      const secret = 'query-secret-7f3a'
      try {
        await waitForOutput(child, '"created"')
        const base = `http://127.0.0.1:${port}`
        const auth = { authorization: `Bearer ${token}` }
        assert.equal((await fetch(`${base}/whoami`, { headers: auth })).status, 200)
        assert.equal((await fetch(`${base}/agents?token=${secret}`, { headers: auth })).status, 400)
        assert.equal((await fetch(`${base}/principals`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'logged', roles: ['auditor'] }) })).status, 201)
        assert.equal((await fetch(`${base}/whoami`, { headers: { authorization: `Bearer aid_${'x'.repeat(43)}` } })).status, 401)
        assert.equal((await fetch(`${base}/no/such/${secret}`)).status, 404)
      } finally {
        assert.equal(await stop(child), 0)
      }
      assert.equal(statSync(join(dir, 'access.log')).mode & 0o777, 0o600)
      const text = readFileSync(join(dir, 'access.log'), 'utf8')
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
      assert.deepEqual(lines.map((l) => [l.method, l.route, l.status, l.principal]), [
        ['GET', '/whoami', 200, 'admin'],
        ['GET', '/agents', 400, 'admin'],
        ['POST', '/principals', 201, 'admin'],
        ['GET', '/whoami', 401, undefined],
        ['GET', null, 404, undefined],
      ])
      for (const line of lines) {
        assert.deepEqual(Object.keys(line).filter((k) => k !== 'principal'), ['time', 'method', 'route', 'status', 'ms', 'client'])
        assert.equal(line.client, '127.0.0.1')
        assert.ok(typeof line.ms === 'number' && line.ms >= 0)
      }
      // The new principal's token was in an answer body; the admin's in every header.
      const created = new Database(join(home(), 'issuer.db'), { readonly: true })
      created.close()
      for (const leak of [token, token.slice(4, 20), secret, 'Bearer', 'logged', 'auditor']) assert.ok(!text.includes(leak), `the log holds ${leak}`)
    })
  })

  describe('error codes for what used to be ERR_STORE', () => {
    it('a wrong key-encryption key is ERR_KEK_MISMATCH', async () => {
      const wrong = Buffer.alloc(32, 7).toString('base64url')
      const r = await cli(['agent', 'list'], { AGENTID_KEK: wrong })
      assert.equal(r.code, 1)
      assert.equal(errorOf(r).code, 'ERR_KEK_MISMATCH')
    })

    it('something that answers but is not an agentid issuer is ERR_SERVICE_UNREACHABLE', async () => {
      const proxy = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'))
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
      try {
        const r = await cli(['agent', 'list'], { AGENTID_URL: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, AGENTID_TOKEN: 'aid_x' })
        assert.equal(r.code, 1)
        assert.equal(errorOf(r).code, 'ERR_SERVICE_UNREACHABLE')
      } finally {
        proxy.close()
      }
    })
  })
})

// Parses the Prometheus text format: every sample as "name{labels}" -> value.
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line)
    assert.ok(m, `not a sample line: ${line}`)
    samples.set(m[1]!, Number(m[2]))
  }
  return samples
}

describe('metrics and readiness of a running service', function () {
  this.timeout(60_000)
  let t: TestService

  before(async () => {
    t = await startTestService()
    await t.service.auditChecked
  })
  after(async () => {
    await t.close()
  })

  const scrape = async (token?: string) => {
    const r = await fetch(`${t.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
    assert.equal(r.status, 200)
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
    return parseMetrics(await r.text())
  }

  it('counts requests by route pattern and status, and times issuance and agent verification', async () => {
    const agent = generateAgentKey()
    const enrolled = await t.call(t.tokens.admin, 'POST', '/agents', { did: agent.did, name: 'metric-bot', kind: 'service', owner: 'ops' })
    assert.equal(enrolled.status, 201)
    const before = await scrape()
    for (let i = 0; i < 3; i++) assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject: agent.did, entitlements: [{ resource: `db:m${i}`, actions: ['read'] }], ttl: '1h' })).status, 201)
    assert.equal((await t.call(t.tokens.admin, 'GET', `/agents/${agent.did}`)).status, 200)
    assert.equal((await t.call(t.tokens.admin, 'GET', '/agents/did:key:z6MkNOPE')).status, 400)
    // The agent speaks for itself once, with a good presentation, and once with a replayed one.
    const { body: { challenge } } = await t.call(undefined, 'GET', '/challenge')
    const credential = (await t.call(t.tokens.admin, 'POST', '/requests', { subject: agent.did, entitlements: [{ resource: 'db:self', actions: ['read'] }], ttl: '1h' })).body.credential.jwt
    const vp = createPresentation({ key: agent, credentials: [credential], audience: t.issuer.did, challenge, ttl: 120 })
    const ask = () => t.call(undefined, 'POST', '/requests', { subject: agent.did, entitlements: [{ resource: 'db:self2', actions: ['read'] }], ttl: '1h' }, { authorization: `VP ${vp}` })
    // Issued, or opened for approval (the default policy may rate an agent's own ask higher).
    assert.ok([201, 202].includes((await ask()).status))
    assert.equal((await ask()).status, 401)
    const after = await scrape()
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0)
    assert.ok(delta('agentid_http_requests_total{method="POST",route="/requests",status="201"}') >= 4)
    assert.equal(delta('agentid_http_requests_total{method="GET",route="/agents/:did",status="200"}'), 1)
    assert.equal(delta('agentid_http_requests_total{method="GET",route="/agents/:did",status="400"}'), 1)
    assert.equal(delta('agentid_issuance_duration_seconds_count'), delta('agentid_http_requests_total{method="POST",route="/requests",status="201"}'))
    assert.ok(delta('agentid_issuance_duration_seconds_sum') > 0)
    assert.equal(delta('agentid_verification_duration_seconds_count{outcome="ok"}'), 1)
    assert.equal(delta('agentid_verification_duration_seconds_count{outcome="refused"}'), 1)
    assert.equal(after.get('agentid_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/requests"}'), after.get('agentid_http_request_duration_seconds_count{method="POST",route="/requests"}'))
    for (const gauge of ['agentid_webhook_deliveries_pending', 'agentid_store_writes_pending']) assert.ok(after.has(gauge), gauge)
    // No label carries a path, a DID or a credential id.
    assert.ok(![...after.keys()].some((k) => k.includes('did:key') || k.includes('urn:uuid') || k.includes('db:')))
  })

  it('counts a path no route has under one label, whatever the path', async () => {
    for (const path of ['/a', '/b/c', '/d?x=1']) assert.equal((await t.call(undefined, 'GET', path)).status, 404)
    const samples = await scrape()
    assert.ok((samples.get('agentid_http_requests_total{method="GET",route="unmatched",status="404"}') ?? 0) >= 3)
  })

  it('shows status stream subscribers', async () => {
    const controller = new AbortController()
    const stream = await fetch(`${t.url}/status/events`, { signal: controller.signal })
    const reader = stream.body!.getReader()
    await reader.read() // the stream is open once its first bytes arrive
    assert.equal((await scrape()).get('agentid_status_subscribers{kind="anonymous"}'), 1)
    controller.abort()
    await reader.closed.catch(() => undefined)
  })

  it('lets a loopback client without a token in, and only metrics readers with one', async () => {
    const refused = await t.call(t.tokens.reporter, 'GET', '/metrics')
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'ERR_FORBIDDEN'])
    const scraper = (await t.call(t.tokens.admin, 'POST', '/principals', { id: 'prometheus', roles: ['metrics'] })).body.token
    await scrape(scraper)
    await scrape(t.tokens.security)
    // A metrics scraper reads nothing else.
    assert.equal((await t.call(scraper, 'GET', '/agents')).status, 403)
    // A page that rebound its own host name to loopback is a loopback client too, under that name:
    // it needs a token like anyone else.
    // (node:http: fetch does not let a caller choose the Host header.)
    const status = (host: string) => new Promise<number>((resolve, reject) => {
      httpGet(`${t.url}/metrics`, { headers: { host } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      }).on('error', reject)
    })
    assert.equal(await status('rebound.example:80'), 401)
    assert.equal(await status(`localhost:${new URL(t.url).port}`), 200)
    assert.equal(await status(new URL(t.url).host), 200)
  })

  it('with --metrics token, a loopback client needs a token too; with off there is no /metrics', async () => {
    for (const [metrics, noToken] of [['token', 401], ['off', 404]] as const) {
      const port = await freePort()
      const home = mkdtempSync(join(tmpdir(), 'agentid-metrics-'))
      const { issuer, adminToken } = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` } })
      const service = await startService(issuer, { port, metrics, sweepIntervalMs: 0, log: () => undefined })
      try {
        assert.equal((await fetch(`${service.url}/metrics`)).status, noToken)
        assert.equal((await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).status, metrics === 'token' ? 200 : 404)
      } finally {
        await service.close()
        await issuer.close()
        rmSync(home, { recursive: true, force: true })
      }
    }
  })

  it('/livez answers while /readyz reports each check, and turns 503 with its code when the audit chain or the key breaks', async () => {
    assert.deepEqual((await t.call(undefined, 'GET', '/livez')).body, { ok: true })
    const ready = await t.call(undefined, 'GET', '/readyz')
    assert.equal(ready.status, 200, JSON.stringify(ready.body))
    assert.deepEqual(Object.keys(ready.body.checks), ['store', 'keys', 'audit', 'draining'])
    // A key row someone replaced: the key no longer decrypts.
    const db = new Database(join(t.home, 'issuer.db'))
    const row = db.prepare('SELECT alias, sealed FROM custody_private_keys').get() as { alias: string; sealed: string }
    const [v, iv, body, tag] = row.sealed.split('.')
    db.prepare('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?').run([v, iv, body, Buffer.alloc(16, 1).toString('base64url')].join('.'), row.alias)
    const keyBroken = await t.call(undefined, 'GET', '/readyz')
    assert.deepEqual([keyBroken.status, keyBroken.body.ready, keyBroken.body.error.code], [503, false, 'ERR_KEK_MISMATCH'])
    db.prepare('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?').run(row.sealed, row.alias)
    assert.equal((await t.call(undefined, 'GET', '/readyz')).status, 200)
    // An entry appended after start, then edited: the chain no longer holds.
    await t.call(t.tokens.admin, 'POST', '/principals', { id: 'late', roles: ['auditor'] })
    db.exec('DROP TRIGGER audit_log_no_update')
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT MAX(seq) FROM audit_log)").run()
    db.close()
    const auditBroken = await t.call(undefined, 'GET', '/readyz')
    assert.deepEqual([auditBroken.status, auditBroken.body.error.code, auditBroken.body.checks.audit.ok], [503, 'ERR_AUDIT_BROKEN', false])
    assert.match(auditBroken.body.error.message, /broken at entry \d+/)
    // Liveness does not depend on any of it.
    assert.equal((await t.call(undefined, 'GET', '/livez')).status, 200)
  })
})
