import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createPresentation, generateAgentKey } from '@agentid/agent'
import { ROLE_PRINCIPALS, startTestService, type RoleName, type TestService } from './support/service.js'

// Who may call what, written out here independently of the route table it checks.
type Expected = 'public' | 'any' | readonly string[]
const APPROVERS = ['ai-ops', 'security', 'compliance']
// Every role that governs reads the inventory; a reporter does not.
const READERS = ['admin', 'auditor', 'reviewer', 'security', 'agent-owner', ...APPROVERS.filter((r) => r !== 'security')]
const UNKNOWN_DID = generateAgentKey().did

interface Case {
  readonly route: string
  readonly path: string
  readonly access: Expected
  /** Status for a principal allowed in, with these (mostly unknown) inputs. */
  readonly allowed: number
  readonly body?: unknown
  /** Where the route's own rules answer some roles otherwise than `access` says. */
  readonly statusFor?: (role: RoleName) => number | undefined
  /** An OAuth route: a form body, and RFC 6749 errors (`invalid_client` for 401 and 403). */
  readonly form?: Record<string, string>
  /** A JSON route that answers errors as OAuth does (`{ error, error_description }`): the OpenID4VCI credential endpoint. */
  readonly oauthErrors?: true
  /** Status without a token, when not 401 (a route a loopback client may call without one). */
  readonly noToken?: number
}

const CASES: readonly Case[] = [
  { route: 'GET /health', path: '/health', access: 'public', allowed: 200 },
  { route: 'GET /issuer', path: '/issuer', access: 'public', allowed: 200 },
  { route: 'GET /service', path: '/service', access: 'public', allowed: 200 },
  { route: 'GET /challenge', path: '/challenge', access: 'public', allowed: 200 },
  { route: 'GET /openapi.json', path: '/openapi.json', access: 'public', allowed: 200 },
  { route: 'GET /livez', path: '/livez', access: 'public', allowed: 200 },
  { route: 'GET /readyz', path: '/readyz', access: 'public', allowed: 200 },
  // The test's client is on loopback, which reads metrics without a token by default.
  { route: 'GET /metrics', path: '/metrics', access: ['admin', 'security', 'auditor', 'metrics'], allowed: 200, noToken: 200 },
  { route: 'GET /status/:list', path: '/status/rev-1', access: 'public', allowed: 200 },
  { route: 'GET /status/events', path: '/status/events', access: 'public', allowed: 200 },
  { route: 'GET /whoami', path: '/whoami', access: 'any', allowed: 200 },
  { route: 'GET /principals', path: '/principals', access: ['admin', 'auditor'], allowed: 200 },
  { route: 'POST /principals', path: '/principals', access: ['admin'], allowed: 201, body: { id: 'perm-test', roles: ['auditor'] } },
  { route: 'POST /principals/:id/disable', path: '/principals/nobody/disable', access: ['admin'], allowed: 404 },
  { route: 'POST /principals/:id/enable', path: '/principals/nobody/enable', access: ['admin'], allowed: 404 },
  // Every principal may rotate its own token; another's, only an admin.
  { route: 'POST /principals/:id/rotate', path: '/principals/nobody/rotate', access: 'any', allowed: 404, statusFor: (role) => (role === 'admin' ? undefined : 403) },
  { route: 'PUT /principals/:id/roles', path: '/principals/nobody/roles', access: ['admin'], allowed: 404, body: { roles: ['auditor'] } },
  { route: 'GET /policy', path: '/policy', access: READERS, allowed: 200 },
  { route: 'PUT /policy', path: '/policy', access: ['admin'], allowed: 400, body: { rules: [] } },
  { route: 'GET /roles', path: '/roles', access: READERS, allowed: 200 },
  { route: 'PUT /roles/:name', path: '/roles/perm-role', access: ['admin'], allowed: 200, body: { description: 'x', entitlements: [{ resource: 'db:x', actions: ['read'] }], ttl: '1h' } },
  { route: 'DELETE /roles/:name', path: '/roles/no-such-role', access: ['admin'], allowed: 404 },
  { route: 'GET /agents', path: '/agents', access: READERS, allowed: 200 },
  { route: 'POST /agents', path: '/agents', access: ['admin'], allowed: 400, body: { did: 'did:key:zNotAKey', name: 'x', kind: 'company', owner: 'ops' } },
  { route: 'GET /agents/:did', path: `/agents/${UNKNOWN_DID}`, access: READERS, allowed: 404 },
  { route: 'POST /agents/:did/retire', path: `/agents/${UNKNOWN_DID}/retire`, access: ['admin'], allowed: 404 },
  { route: 'POST /agents/:did/owner', path: `/agents/${UNKNOWN_DID}/owner`, access: ['admin'], allowed: 404, body: { owner: 'ops' } },
  { route: 'POST /agents/:did/suspend', path: `/agents/${UNKNOWN_DID}/suspend`, access: ['admin', 'security'], allowed: 404 },
  { route: 'POST /agents/:did/resume', path: `/agents/${UNKNOWN_DID}/resume`, access: ['admin', 'security'], allowed: 404 },
  { route: 'GET /credentials', path: `/credentials?subject=${UNKNOWN_DID}`, access: READERS, allowed: 404 },
  { route: 'GET /credentials/:id', path: '/credentials/urn:uuid:nope', access: READERS, allowed: 404 },
  { route: 'POST /credentials/:id/revoke', path: '/credentials/urn:uuid:nope/revoke', access: ['admin', 'security'], allowed: 404 },
  { route: 'GET /credentials/:id/jwt', path: '/credentials/urn:uuid:nope/jwt', access: ['admin', 'agent-owner'], allowed: 404 },
  { route: 'POST /credentials/:id/offer', path: '/credentials/urn:uuid:nope/offer', access: ['admin', 'agent-owner'], allowed: 404 },
  { route: 'POST /credentials/:id/suspend', path: '/credentials/urn:uuid:nope/suspend', access: ['admin', 'security'], allowed: 404 },
  { route: 'POST /credentials/:id/resume', path: '/credentials/urn:uuid:nope/resume', access: ['admin', 'security'], allowed: 404 },
  { route: 'POST /delegations', path: '/delegations', access: ['admin', 'agent-owner', 'agent'], allowed: 400, body: { chain: ['x', 'y'] } },
  { route: 'GET /requests', path: '/requests', access: READERS, allowed: 200 },
  { route: 'POST /requests', path: '/requests', access: ['admin', 'agent-owner', 'agent'], allowed: 404, body: { subject: UNKNOWN_DID, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttl: '1h' } },
  { route: 'GET /requests/:id', path: '/requests/req-nope', access: READERS, allowed: 404 },
  { route: 'POST /requests/:id/approve', path: '/requests/req-nope/approve', access: APPROVERS, allowed: 404 },
  { route: 'POST /requests/:id/deny', path: '/requests/req-nope/deny', access: APPROVERS, allowed: 404 },
  { route: 'POST /tasks/:id/complete', path: '/tasks/no-task/complete', access: ['admin', 'agent-owner'], allowed: 404 },
  { route: 'GET /reviews', path: '/reviews', access: ['admin', 'reviewer', 'auditor'], allowed: 200 },
  { route: 'POST /reviews', path: '/reviews', access: ['admin', 'reviewer'], allowed: 409, body: {} },
  { route: 'POST /reviews/items/:id/certify', path: '/reviews/items/item-nope/certify', access: ['admin', 'reviewer'], allowed: 404 },
  { route: 'POST /reviews/items/:id/revoke', path: '/reviews/items/item-nope/revoke', access: ['admin', 'reviewer'], allowed: 404 },
  { route: 'GET /webhooks', path: '/webhooks', access: ['admin', 'auditor'], allowed: 200 },
  { route: 'POST /webhooks', path: '/webhooks', access: ['admin'], allowed: 400, body: { url: 'ftp://example.com/hook' } },
  { route: 'DELETE /webhooks/:id', path: '/webhooks/wh-nope', access: ['admin'], allowed: 404 },
  { route: 'GET /alerts', path: '/alerts', access: ['admin', 'auditor', 'security'], allowed: 200 },
  { route: 'POST /events', path: '/events', access: ['admin', 'reporter'], allowed: 200, body: { events: [] } },
  { route: 'GET /monitoring/controls', path: '/monitoring/controls', access: ['admin', 'security', 'auditor'], allowed: 200 },
  { route: 'PUT /monitoring/controls', path: '/monitoring/controls', access: ['admin', 'security'], allowed: 400, body: { sensitivity: { 'retired-agent': 0 } } },
  { route: 'GET /monitoring/suppressions', path: '/monitoring/suppressions', access: ['admin', 'security', 'auditor'], allowed: 200 },
  { route: 'POST /monitoring/suppressions', path: '/monitoring/suppressions', access: ['admin', 'security'], allowed: 400, body: { minutes: 10, reason: 'everything' } },
  { route: 'DELETE /monitoring/suppressions/:id', path: '/monitoring/suppressions/sup-nope', access: ['admin', 'security'], allowed: 404 },
  { route: 'POST /alerts/:id/feedback', path: '/alerts/999999/feedback', access: ['admin', 'security'], allowed: 404, body: { verdict: 'benign' } },
  { route: 'GET /audit/checkpoints', path: '/audit/checkpoints', access: 'public', allowed: 200 },
  { route: 'GET /audit', path: '/audit', access: ['admin', 'auditor'], allowed: 200 },
  // The web console: its files (GET /console follows to the built index), sign-in, and its reads.
  { route: 'GET /console', path: '/console', access: 'public', allowed: 200 },
  { route: 'GET /console/assets/:file', path: '/console/assets/none.js', access: 'public', allowed: 404 },
  { route: 'POST /console/session', path: '/console/session', access: 'public', allowed: 401, body: { token: 'aid_not_a_token' } },
  { route: 'GET /console/session', path: '/console/session', access: 'any', allowed: 200 },
  { route: 'POST /console/session/end', path: '/console/session/end', access: 'any', allowed: 200 },
  { route: 'GET /console/events', path: '/console/events', access: 'any', allowed: 200 },
  { route: 'GET /queue', path: '/queue', access: APPROVERS, allowed: 200 },
  { route: 'POST /alerts/:id/acknowledge', path: '/alerts/999999/acknowledge', access: ['admin', 'security'], allowed: 404 },
  { route: 'GET /audit/search', path: '/audit/search?limit=5', access: ['admin', 'auditor'], allowed: 200 },
  { route: 'GET /audit/state', path: '/audit/state', access: ['admin', 'auditor'], allowed: 200 },
  { route: 'GET /audit/export', path: '/audit/export', access: ['admin', 'auditor'], allowed: 200 },
  { route: 'GET /policy/history', path: '/policy/history', access: READERS, allowed: 200 },
  { route: 'GET /reviews/:id/items', path: '/reviews/camp-nope/items', access: ['admin', 'reviewer', 'auditor'], allowed: 404 },
  { route: 'GET /.well-known/oauth-authorization-server', path: '/.well-known/oauth-authorization-server', access: 'public', allowed: 200 },
  { route: 'GET /oauth/jwks', path: '/oauth/jwks', access: 'public', allowed: 200 },
  { route: 'GET /.well-known/openid-credential-issuer', path: '/.well-known/openid-credential-issuer', access: 'public', allowed: 200 },
  { route: 'POST /oid4vci/nonce', path: '/oid4vci/nonce', access: 'public', allowed: 200 },
  { route: 'POST /oid4vci/credential', path: '/oid4vci/credential', access: 'public', allowed: 401, body: {}, oauthErrors: true },
  { route: 'GET /oauth/authorize', path: '/oauth/authorize', access: 'public', allowed: 400 },
  { route: 'POST /oauth/token', path: '/oauth/token', access: 'public', allowed: 400, form: { grant_type: 'client_credentials' } },
  { route: 'POST /oauth/introspect', path: '/oauth/introspect', access: ['admin', 'security', 'auditor', 'reporter'], allowed: 200, form: { token: 'not-a-token' } },
]

const ROLES = Object.keys(ROLE_PRINCIPALS) as RoleName[]

function expectedStatus(c: Case, role: RoleName | undefined): number {
  if (c.access === 'public') return c.allowed
  if (role === undefined) return c.noToken ?? 401
  const own = c.statusFor?.(role)
  if (own !== undefined) return own
  if (c.access === 'any') return c.allowed
  return c.access.includes(role) ? c.allowed : 403
}

// The routes fastify registered, read from its route tree (`printRoutes`), HEAD aside.
function registeredRoutes(tree: string): string[] {
  const routes: string[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line)
    if (!m) continue
    const depth = m[1]!.length / 4
    stack.length = depth
    stack.push(m[2]!)
    for (const method of (m[3] ?? '').split(', ').filter((x) => x !== '' && x !== 'HEAD')) routes.push(`${method} ${stack.join('')}`)
  }
  return routes.sort()
}

describe('issuer service API', function () {
  this.timeout(60_000)
  let t: TestService

  before(async () => {
    t = await startTestService()
    await t.service.auditChecked
  })
  after(async () => {
    await t.close()
  })

  it('documents every route it serves in /openapi.json (OpenAPI 3.1), and serves every route it documents', async () => {
    const { status, body: doc } = await t.call(undefined, 'GET', '/openapi.json')
    assert.equal(status, 200)
    assert.equal(doc.openapi, '3.1.0')
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)).sort()
    const served = registeredRoutes(t.service.app.printRoutes({ commonPrefix: false }))
    assert.deepEqual(documented, served)
    // And the permission table below covers exactly these routes.
    assert.deepEqual(CASES.map((c) => c.route).sort(), served)
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.responses, `${method} ${path} documents its responses`)
        const expected = CASES.find((c) => c.route === `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)!
        assert.equal(op.security.length === 0, expected.access === 'public', `${method} ${path}: security matches its access`)
      }
    }
  })

  it('docs/api.md lists every route with its access, and no other', async () => {
    const doc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8')
    const rows = [...doc.matchAll(/^\| (GET|POST|PUT|DELETE) \| `([^`]+)` \| ([^|]+) \|/gm)]
      .map((m) => [`${m[1]} ${m[2]!.replace(/\{(\w+)\}/g, ':$1')}`, m[3]!.trim()] as const)
    assert.deepEqual(rows.map(([route]) => route).sort(), CASES.map((c) => c.route).sort())
    for (const [route, access] of rows) {
      const expected = CASES.find((c) => c.route === route)!.access
      const written = access === 'public' || access === 'any' ? access : access === 'approver' ? APPROVERS : access === 'readers' ? READERS : access.split(', ')
      assert.deepEqual(written, expected, route)
    }
  })

  describe('permission table: every route x every role x no token', () => {
    for (const c of CASES) {
      it(c.route, async () => {
        for (const role of [...ROLES, undefined]) {
          const { status, body } = c.form
            ? await t.call(role && t.tokens[role], 'POST', c.path, new URLSearchParams(c.form).toString(), { 'content-type': 'application/x-www-form-urlencoded' })
            : await t.call(role && t.tokens[role], c.route.split(' ')[0]!, c.path, c.body)
          assert.equal(status, expectedStatus(c, role), `${c.route} as ${role ?? 'no token'}: ${JSON.stringify(body)}`)
          const code = c.form || c.oauthErrors ? String(body.error_description ?? '').split(':')[0] : body.error?.code
          if (status === 401) assert.equal(code, 'ERR_UNAUTHORIZED')
          if (status === 403) assert.equal(code, 'ERR_FORBIDDEN')
        }
      })
    }

    it('refuses a malformed, unknown or wrongly sent token with 401 and a WWW-Authenticate challenge', async () => {
      for (const authorization of ['Bearer ', 'Bearer aid_short', `Bearer aid_${'A'.repeat(43)}`, `Basic ${Buffer.from('admin:x').toString('base64')}`, t.tokens.admin]) {
        const { status, body, headers } = await t.call(undefined, 'GET', '/whoami', undefined, { authorization })
        assert.equal(status, 401, authorization)
        assert.equal(body.error.code, 'ERR_UNAUTHORIZED')
        assert.match(headers.get('www-authenticate') ?? '', /^Bearer realm="agentid"/)
      }
    })
  })

  it('limits requests per address and per principal: 429 ERR_RATE_LIMITED with Retry-After', async () => {
    const limited = await startTestService({ rateLimits: { perAddress: { perSecond: 1, burst: 30 }, perPrincipal: { perSecond: 1, burst: 5 } } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) statuses.push((await limited.call(limited.tokens.admin, 'GET', '/whoami')).status)
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429], 'the principal has a burst of 5')
      const refused = await limited.call(limited.tokens.admin, 'GET', '/whoami')
      assert.equal(refused.body.error.code, 'ERR_RATE_LIMITED')
      assert.match(refused.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/)
      assert.equal((await limited.call(limited.tokens.auditor, 'GET', '/whoami')).status, 200, 'another principal is not held back')
      const anonymous: number[] = []
      for (let i = 0; i < 30; i++) anonymous.push((await limited.call(undefined, 'GET', '/health')).status)
      assert.ok(anonymous.includes(429), 'the address runs out too')
    } finally {
      await limited.close()
    }
  })

  it('limits an agent that speaks for itself by presentation like any principal, by its DID', async () => {
    const limited = await startTestService({ rateLimits: { perAddress: { perSecond: 1, burst: 100 }, perPrincipal: { perSecond: 1, burst: 3 } } })
    try {
      const bot = generateAgentKey()
      const { credentials } = await limited.issuer.registerAgent({ did: bot.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
        .then(async () => ({ credentials: [(await limited.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 600 }, 'test')).jwt] }))
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) {
        const { body } = await limited.call(undefined, 'GET', '/challenge')
        const vp = createPresentation({ key: bot, credentials, audience: limited.issuer.did, challenge: body.challenge })
        statuses.push((await limited.call(undefined, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:y', actions: ['read'] }], ttl: '1h' }, { authorization: `VP ${vp}` })).status)
      }
      assert.deepEqual(statuses.slice(3), [429, 429], `statuses ${statuses.join(',')}`)
      assert.ok(statuses.slice(0, 3).every((s) => s !== 429), `statuses ${statuses.join(',')}`)
    } finally {
      await limited.close()
    }
  })

  describe('hostile input: a 4xx with its code, and the database unchanged', () => {
    const agentKey = generateAgentKey()
    const validAgent = { did: agentKey.did, name: 'report-bot', kind: 'company', owner: 'sales-ops' }
    const entitlement = { resource: 'db:customers', actions: ['read'] }
    const big = (n: number) => 'x'.repeat(n)

    before(async () => {
      // One agent and one pending request exist, so that duplicates have something to collide with.
      assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', validAgent)).status, 201)
      const opened = await t.call(t.tokens.admin, 'POST', '/requests', { subject: agentKey.did, entitlements: [{ resource: 'db:customers', actions: ['write'] }], ttl: '1h' })
      assert.equal(opened.status, 202, JSON.stringify(opened.body))
    })

    const HOSTILE: ReadonlyArray<{ name: string; method: string; path: string; body: unknown; status: number; code: string; headers?: Record<string, string> }> = [
      { name: 'malformed JSON', method: 'POST', path: '/agents', body: '{"did": ', status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'JSON that is not an object', method: 'POST', path: '/agents', body: '[1,2]', status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a duplicate member', method: 'POST', path: '/agents', body: '{"did":"x","did":"y","name":"a","kind":"company","owner":"ops"}', status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a __proto__ member', method: 'POST', path: '/agents', body: `{"__proto__":{"admin":true},${JSON.stringify(validAgent).slice(1)}`, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a wrong type', method: 'POST', path: '/agents', body: { ...validAgent, did: generateAgentKey().did, name: 42 }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'an unknown field', method: 'POST', path: '/agents', body: { ...validAgent, did: generateAgentKey().did, admin: true }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'an unknown field inside an entitlement', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: [{ ...entitlement, sudo: true }], ttl: '1h' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'an unknown constraint', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: [{ ...entitlement, constraints: { geo: 'eu' } }], ttl: '1h' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a 10 MB body', method: 'POST', path: '/agents', body: JSON.stringify({ ...validAgent, name: big(10 * 1024 * 1024) }), status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a 10,000-entry array', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: Array.from({ length: 10_000 }, () => entitlement), ttl: '1h' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'nesting past the depth cap', method: 'PUT', path: '/policy', body: '{"a":'.repeat(40) + '1' + '}'.repeat(40), status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'control characters in a name', method: 'POST', path: '/agents', body: { ...validAgent, did: generateAgentKey().did, name: 'bot\u0000\u001b[31m' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'control characters in a justification', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: [entitlement], ttl: '1h', justification: 'ok\r\nX-Injected: 1' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a very long name', method: 'POST', path: '/agents', body: { ...validAgent, did: generateAgentKey().did, name: big(5000) }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'SQL metacharacters in a name', method: 'POST', path: '/agents', body: { ...validAgent, did: generateAgentKey().did, name: "x'); DROP TABLE agents;--" }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'SQL metacharacters in an owner', method: 'POST', path: '/agents', body: { ...validAgent, did: generateAgentKey().did, owner: "ops' OR '1'='1" }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'SQL metacharacters in a path id', method: 'GET', path: `/credentials/${encodeURIComponent("x' OR 1=1 --")}`, body: undefined, status: 404, code: 'ERR_NOT_FOUND' },
      { name: 'path metacharacters in a resource', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: [{ resource: 'files:reports/../hr', actions: ['read'] }], ttl: '1h' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'path metacharacters in a role name', method: 'PUT', path: `/roles/${encodeURIComponent('../admin')}`, body: { description: 'x', entitlements: [entitlement], ttl: '1h' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a did:key that is not Ed25519', method: 'POST', path: '/agents', body: { ...validAgent, did: 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme' }, status: 400, code: 'ERR_DID_UNSUPPORTED' },
      { name: 'a TTL past the policy limit', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: [entitlement], ttl: '400d' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a duplicated enrolment', method: 'POST', path: '/agents', body: validAgent, status: 409, code: 'ERR_CONFLICT' },
      { name: 'a duplicated pending request', method: 'POST', path: '/requests', body: { subject: agentKey.did, entitlements: [{ resource: 'db:customers', actions: ['write'] }], ttl: '1h' }, status: 409, code: 'ERR_CONFLICT' },
      { name: 'a duplicated principal', method: 'POST', path: '/principals', body: { id: 'olga', roles: ['ai-ops'] }, status: 409, code: 'ERR_CONFLICT' },
      { name: 'a webhook URL with credentials in it', method: 'POST', path: '/webhooks', body: { url: 'https://user:pass@hooks.example/x' }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a role that does not exist', method: 'POST', path: '/principals', body: { id: 'mallory', roles: ['root'] }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a body where none is taken', method: 'POST', path: '/tasks/t1/complete', body: { force: true }, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a page too long', method: 'GET', path: '/agents?limit=500', body: undefined, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'an unknown query parameter', method: 'GET', path: '/agents?sort=name', body: undefined, status: 400, code: 'ERR_INPUT_INVALID' },
      { name: 'a body that is not JSON', method: 'POST', path: '/agents', body: 'did=x', status: 400, code: 'ERR_INPUT_INVALID', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { name: 'an unknown route', method: 'GET', path: '/admin/secrets', body: undefined, status: 404, code: 'ERR_NOT_FOUND' },
    ]

    for (const h of HOSTILE) {
      it(h.name, async () => {
        const before = t.dump()
        const { status, body } = await t.call(t.tokens.admin, h.method, h.path, h.body, h.headers)
        assert.equal(status, h.status, JSON.stringify(body).slice(0, 300))
        assert.equal(body.error.code, h.code)
        assert.equal(typeof body.error.message, 'string')
        assert.equal(t.dump(), before, 'the database is unchanged')
      })
    }
  })
})
