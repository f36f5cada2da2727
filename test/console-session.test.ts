import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateAgentKey } from '@agentid/agent'
import { Issuer, startService } from '@agentid/issuer'
import { freePort, startTestService, type TestService } from './support/service.js'

// The console's session cookie against the API: same roles and visibility as the token, CSRF on
// every state change, and no life after sign-out, disabling or rotation.
describe('console sessions', function () {
  this.timeout(60_000)
  let t: TestService
  let origin: string

  before(async () => {
    t = await startTestService()
    origin = t.url
  })
  after(async () => {
    await t.close()
  })

  async function signIn(token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const answer = await fetch(`${t.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ token }) })
    assert.equal(answer.status, 200)
    const setCookie = answer.headers.get('set-cookie')!
    const body = await answer.json() as { csrf: string }
    return { cookie: setCookie.split(';')[0]!, csrf: body.csrf, setCookie }
  }

  async function send(cookie: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
    const answer = await fetch(`${t.url}${path}`, { method, headers: { cookie, ...headers }, ...(body !== undefined ? { body } : {}) })
    const text = await answer.text()
    return { status: answer.status, body: text ? JSON.parse(text) : undefined }
  }

  it('answers a session cookie that is HttpOnly, SameSite=Strict, not Secure over plain http, and a CSRF token; never the token', async () => {
    const { setCookie, csrf } = await signIn(t.tokens.reviewer)
    assert.match(setCookie, /^agentid_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/)
    assert.ok(!setCookie.includes(t.tokens.reviewer))
    assert.match(csrf, /^[A-Za-z0-9_-]{43}$/)
  })

  it('gives the cookie the roles and visibility of its token', async () => {
    const owner = generateAgentKey()
    await t.call(t.tokens.admin, 'POST', '/agents', { did: owner.did, name: 'owned-bot', kind: 'service', owner: 'owen' })
    await t.call(t.tokens.admin, 'POST', '/agents', { did: generateAgentKey().did, name: 'other-bot', kind: 'service', owner: 'someone-else' })
    const { cookie } = await signIn(t.tokens['agent-owner'])
    const mine = await send(cookie, 'GET', '/agents?limit=50')
    assert.equal(mine.status, 200)
    assert.deepEqual(mine.body.agents.map((a: { name: string }) => a.name), ['owned-bot'])
    assert.equal(mine.body.total, 1)
    const who = await send(cookie, 'GET', '/console/session')
    assert.equal(who.body.principal.id, 'owen')
    assert.equal((await send(cookie, 'GET', '/audit/state')).status, 403)
    assert.equal((await send(cookie, 'GET', '/queue')).status, 403)
  })

  const CSRF_CASES: ReadonlyArray<[string, (csrf: string) => Record<string, string>, string | undefined]> = [
    ['a cross-site form post (no header, a foreign Origin, a form body)', () => ({ origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }), 'name=x'],
    ['no CSRF token', () => ({ 'content-type': 'application/json', origin: 'SELF' }), '{}'],
    ['a forged CSRF token', () => ({ 'content-type': 'application/json', 'x-csrf-token': 'A'.repeat(43), origin: 'SELF' }), '{}'],
    ['the right token from a foreign origin', (csrf) => ({ 'content-type': 'application/json', 'x-csrf-token': csrf, origin: 'https://evil.example' }), '{}'],
  ]
  for (const [name, headers, body] of CSRF_CASES) {
    it(`refuses a state change with the cookie and ${name}: 403 ERR_CSRF, nothing changed`, async () => {
      const { cookie, csrf } = await signIn(t.tokens.reviewer)
      const before = t.dump()
      const h = Object.fromEntries(Object.entries(headers(csrf)).map(([k, v]) => [k, v === 'SELF' ? origin : v]))
      const answer = await send(cookie, 'POST', '/reviews', h, body)
      assert.equal(answer.status, 403)
      assert.equal(answer.body.error.code, 'ERR_CSRF')
      assert.equal(t.dump(), before)
    })
  }

  it('takes a state change with the cookie, its CSRF token and this origin; and refuses a role the token lacks (403 ERR_FORBIDDEN)', async () => {
    const { cookie, csrf } = await signIn(t.tokens['ai-ops'])
    const did = generateAgentKey().did
    await t.call(t.tokens.admin, 'POST', '/agents', { did, name: 'x-bot', kind: 'service', owner: 'ops' })
    const forged = await send(cookie, 'POST', `/agents/${did}/suspend`, { 'content-type': 'application/json', 'x-csrf-token': csrf, origin }, '{}')
    assert.equal(forged.status, 403)
    assert.equal(forged.body.error.code, 'ERR_FORBIDDEN')
    const security = await signIn(t.tokens.security)
    const done = await send(security.cookie, 'POST', `/agents/${did}/suspend`, { 'content-type': 'application/json', 'x-csrf-token': security.csrf, origin }, '{}')
    assert.equal(done.status, 200)
  })

  it('refuses a sign-in from another origin (login CSRF)', async () => {
    const answer = await fetch(`${t.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ token: t.tokens.reviewer }) })
    assert.equal(answer.status, 403)
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'ERR_CSRF')
    assert.equal(answer.headers.get('set-cookie'), null)
  })

  it('ends the session at sign-out: the cookie is refused after (401)', async () => {
    const { cookie, csrf } = await signIn(t.tokens.auditor)
    assert.equal((await send(cookie, 'GET', '/audit/state')).status, 200)
    const out = await fetch(`${t.url}/console/session/end`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf, origin }, body: '{}' })
    assert.equal(out.status, 200)
    assert.match(out.headers.get('set-cookie')!, /Max-Age=0/)
    const after = await send(cookie, 'GET', '/audit/state')
    assert.equal(after.status, 401)
    assert.equal(after.body.error.code, 'ERR_UNAUTHORIZED')
  })

  it("ends the session's event streams at sign-out", async () => {
    const { cookie, csrf } = await signIn(t.tokens.auditor)
    const stream = await fetch(`${t.url}/console/events`, { headers: { cookie } })
    assert.equal(stream.status, 200)
    const reader = stream.body!.getReader()
    assert.match(new TextDecoder().decode((await reader.read()).value), /event: ready/)
    await fetch(`${t.url}/console/session/end`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf, origin }, body: '{}' })
    let done = false
    while (!done) done = (await reader.read()).done
  })

  it('refuses the cookie once its principal is disabled, or its token rotated', async () => {
    const created = await t.call(t.tokens.admin, 'POST', '/principals', { id: 'short-lived', roles: ['auditor'] })
    const rotated = await t.call(t.tokens.admin, 'POST', '/principals', { id: 'rotating', roles: ['auditor'] })
    const a = await signIn(created.body.token)
    const b = await signIn(rotated.body.token)
    assert.equal((await send(a.cookie, 'GET', '/audit/state')).status, 200)
    assert.equal((await send(b.cookie, 'GET', '/audit/state')).status, 200)
    await t.call(t.tokens.admin, 'POST', '/principals/short-lived/disable', {})
    await t.call(t.tokens.admin, 'POST', '/principals/rotating/rotate', {})
    assert.equal((await send(a.cookie, 'GET', '/audit/state')).status, 401)
    assert.equal((await send(b.cookie, 'GET', '/audit/state')).status, 401)
  })

  it('marks the cookie Secure when the service speaks TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-console-tls-'))
    try {
      const cert = join(dir, 'cert.pem')
      const key = join(dir, 'key.pem')
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
      const port = await freePort()
      const { issuer, adminToken } = await Issuer.init({ home: join(dir, 'home'), env: { AGENTID_PUBLIC_URL: `https://127.0.0.1:${port}` } })
      const service = await startService(issuer, { port, sweepIntervalMs: 0, statusCheckIntervalMs: 0, rateLimits: false, log: () => undefined, tls: { cert: readFileSync(cert), key: readFileSync(key) } })
      try {
        const setCookie = await new Promise<string>((resolve, reject) => {
          const body = JSON.stringify({ token: adminToken })
          httpsRequest(`${service.url}/console/session`, { method: 'POST', ca: readFileSync(cert), headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
            res.resume().on('end', () => resolve(String(res.headers['set-cookie'])))
          }).on('error', reject).end(body)
        })
        assert.match(setCookie, /; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/)
      } finally {
        await service.close()
        await issuer.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('serves the console under a strict Content-Security-Policy (no inline script)', async function () {
    const answer = await fetch(`${t.url}/console`)
    if (answer.status === 404) return this.skip()
    const csp = answer.headers.get('content-security-policy')!
    assert.match(csp, /script-src 'self';/)
    assert.ok(!csp.includes('unsafe-inline'))
    assert.match(csp, /frame-ancestors 'none'/)
    const html = await answer.text()
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script element')
  })
})
