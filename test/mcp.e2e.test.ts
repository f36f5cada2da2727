import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { createDelegation, createDpopProof, createJwtBearerAssertion, createMutualAgent, createPresentation, generateAgentKey, type AgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, policyToJson } from '@agentid/issuer'
import { agentMutualFetch, agentOAuth, agentPresentationFetch, createMcpGuard } from '@agentid/mcp'
import { createVerifier, httpEventSink, httpStatusLists, subscribeStatusEvents, type HttpStatusSource, type StatusSubscription } from '@agentid/verifier'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { z } from 'zod'
import { freePort, startTestService, type TestService } from './support/service.js'

// The MCP kit end to end with the official SDK on 127.0.0.1: the SDK's own client (with the
// agent's OAuth provider and DPoP fetch) and server (behind the kit's guard), the issuer service,
// and two agents.

describe('MCP servers and clients with agentid (official SDK, real service on 127.0.0.1)', function () {
  this.timeout(60_000)
  let t: TestService
  let mcpUrl: string
  let otherMcpUrl: string
  let evilMcpUrl: string
  // A resource server that names an authorization server of its own choosing (127.0.0.1, another port).
  let evilAs: Server
  const evilAsSeen: string[] = []
  let server: Server
  let events: StatusSubscription
  let statusLists: HttpStatusSource
  // The MCP server is an agent too, for the offline modes.
  const serverKey = generateAgentKey()
  // Resolves the waiters when the kit has fetched a status list again (pushed by the issuer).
  let listFetched: Array<() => void> = []
  const nextListFetch = () => new Promise<void>((resolve) => listFetched.push(resolve))

  before(async () => {
    const port = await freePort()
    mcpUrl = `http://127.0.0.1:${port}/mcp`
    otherMcpUrl = `http://127.0.0.1:${port}/other`
    evilMcpUrl = `http://127.0.0.1:${port}/evil`
    t = await startTestService({
      policy: {
        ...policyToJson(DEFAULT_POLICY),
        // Writing customers needs ai-ops then security; the rest is free.
        approvalChains: { low: [], medium: [], high: ['ai-ops', 'security'], critical: [] },
        rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '30d' }, { resource: 'db:customers', actions: ['write'], risk: 'high', maxTtl: '1d' }],
        resourceServers: [{ url: mcpUrl, resources: ['db:*'] }, { url: otherMcpUrl, resources: ['db:*'] }, { url: evilMcpUrl, resources: ['db:*'] }],
      },
    })
    statusLists = httpStatusLists({
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        // Only the waiters already there when this fetch started: a fetch begun before a change
        // (a background refresh) must not pass for the one the change pushed.
        const waiting = listFetched
        listFetched = []
        const answer = await fetch(input, init)
        await answer.clone().arrayBuffer()
        for (const resolve of waiting) resolve()
        return answer
      }) as typeof fetch,
    })
    events = subscribeStatusEvents(statusLists, `${t.url}/status/events`)
    await events.ready
    await t.issuer.registerAgent({ did: serverKey.did, name: 'crm-tools', kind: 'company', owner: 'ops' }, 'test')
    const serverCredential = (await t.issuer.grant({ subject: serverKey.did, entitlements: [{ resource: 'mesh:agents', actions: ['connect'] }], ttlSeconds: 3600 }, 'test')).jwt
    const guard = createMcpGuard({
      verifier: createVerifier({ did: serverKey.did, trustedIssuers: [t.issuer.did], statusLists }),
      mutual: createMutualAgent({ key: serverKey, credentials: [serverCredential], verifier: { trustedIssuers: [t.issuer.did], statusLists } }),
      resource: mcpUrl,
      authorizationServer: { issuer: t.url, signers: [t.issuer.did] },
      statusLists,
      tools: {
        query_customers: { resource: 'db:customers', action: 'read', context: (args) => ({ records: Number(args.limit) }) },
        update_customer: { resource: 'db:customers', action: 'write' },
        read_reports: { resource: 'db:reports', action: 'read' },
      },
      resources: (uri) => (uri === 'docs://handbook' ? { resource: 'db:handbook', action: 'read' } : undefined),
    })
    const mcp = () => {
      const s = new McpServer({ name: 'crm-tools', version: '1.0.0' })
      s.registerTool('query_customers', { inputSchema: { limit: z.number() } }, async ({ limit }, extra) => ({ content: [{ type: 'text', text: `${limit} customers for ${extra.authInfo?.clientId}` }] }))
      s.registerTool('update_customer', { inputSchema: { id: z.string() } }, async ({ id }) => ({ content: [{ type: 'text', text: `updated ${id}` }] }))
      s.registerTool('read_reports', {}, async () => ({ content: [{ type: 'text', text: 'reports' }] }))
      s.registerResource('handbook', 'docs://handbook', {}, async (uri) => ({ contents: [{ uri: uri.href, text: 'the handbook' }] }))
      s.registerResource('payroll', 'hr://payroll', {}, async (uri) => ({ contents: [{ uri: uri.href, text: 'salaries' }] }))
      s.registerPrompt('summarise', {}, async () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'summarise the payroll' } }] }))
      return s
    }
    const evilAsPort = await freePort()
    evilAs = createServer((request, response) => {
      evilAsSeen.push(`${request.method} ${request.url}`)
      // It claims to be the trusted issuer, with a token endpoint of its own.
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: t.url, token_endpoint: `http://127.0.0.1:${evilAsPort}/token`, authorization_endpoint: `http://127.0.0.1:${evilAsPort}/authorize`, response_types_supported: [] }))
    })
    await new Promise<void>((resolve) => evilAs.listen(evilAsPort, '127.0.0.1', resolve))
    const guarded = guard.handler(async (request, response, body) => {
      const s = mcp()
      const transport = new StreamableHTTPServerTransport({})
      response.on('close', () => {
        void transport.close()
        void s.close()
      })
      await s.connect(transport)
      await transport.handleRequest(request, response, body)
    })
    server = createServer((request, response) => {
      // The evil path answers every call with a challenge naming the other authorization server.
      if (request.url?.includes('/evil')) {
        if (request.url.startsWith('/.well-known/oauth-protected-resource')) {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource: evilMcpUrl, authorization_servers: [`http://127.0.0.1:${evilAsPort}`] }))
          return
        }
        response.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/evil"` }).end()
        return
      }
      void guarded(request, response)
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  })
  after(async () => {
    events.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    evilAs.closeAllConnections()
    await new Promise((resolve) => evilAs.close(resolve))
    await t.close()
  })

  async function enrol(name: string, entitlements: unknown[]) {
    const key = generateAgentKey()
    await t.issuer.registerAgent({ did: key.did, name, kind: 'company', owner: 'ops' }, 'test')
    const granted = await t.issuer.grant({ subject: key.did, entitlements: entitlements as never, ttlSeconds: 3600 }, 'test')
    return { key, jwt: granted.jwt, id: granted.id }
  }

  async function connect(key: AgentKey, url = mcpUrl) {
    const { provider, fetch: dpopFetch } = agentOAuth(key, { authorizationServer: t.url })
    const client = new Client({ name: 'agent', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: dpopFetch }))
    return { client, provider }
  }
  const text = (result: any) => result.content[0].text as string

  it('allows a call its entitlements cover, refuses one they do not (and one past a constraint), and a revocation cuts it off mid-session', async () => {
    const agent = await enrol('crm-reader', [{ resource: 'db:customers', actions: ['read'], constraints: { maxRecords: 100 } }])
    const { client } = await connect(agent.key)
    assert.equal(text(await client.callTool({ name: 'query_customers', arguments: { limit: 10 } })), `10 customers for ${agent.key.did}`)
    await assert.rejects(client.callTool({ name: 'update_customer', arguments: { id: 'c1' } }), /403|ERR_NOT_ENTITLED/)
    await assert.rejects(client.callTool({ name: 'query_customers', arguments: { limit: 5000 } }), /403|ERR_CONSTRAINT/)
    assert.equal(text(await client.callTool({ name: 'query_customers', arguments: { limit: 5 } })), `5 customers for ${agent.key.did}`)
    await t.issuer.revoke(agent.id, 'test')
    // The status event the revocation pushes makes the kit fetch the list again.
    await nextListFetch()
    await assert.rejects(client.callTool({ name: 'query_customers', arguments: { limit: 5 } }), /401|ERR_/)
    await client.close()
  })

  describe('refuses tokens presented wrongly', () => {
    let agent: Awaited<ReturnType<typeof enrol>>
    let token: string
    before(async () => {
      agent = await enrol('raw', [{ resource: 'db:customers', actions: ['read'] }])
      const { provider } = await connect(agent.key)
      token = (await provider.tokens())!.access_token
    })
    const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })
    async function call(headers: Record<string, string>, url = mcpUrl) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: initialize })
      const body = await response.text()
      return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', body }
    }
    const proof = (key: AgentKey, extra: Partial<Parameters<typeof createDpopProof>[1]> = {}) => createDpopProof(key, { method: 'POST', url: mcpUrl, accessToken: token, ...extra })

    it('answers an anonymous call with the resource metadata, served per RFC 9728', async () => {
      const answer = await call({})
      assert.equal(answer.status, 401)
      const metadataUrl = /resource_metadata="([^"]+)"/.exec(answer.challenge)![1]!
      const metadata = await (await fetch(metadataUrl)).json() as any
      assert.equal(metadata.resource, mcpUrl)
      assert.deepEqual(metadata.authorization_servers, [t.url])
      assert.equal(metadata.dpop_bound_access_tokens_required, true)
    })

    it('a token as Bearer, without its proof, with a proof for another URL or method, by another key, or replayed', async () => {
      assert.equal((await call({ authorization: `DPoP ${token}`, dpop: proof(agent.key) })).status, 200)
      const refused = async (headers: Record<string, string>, code: string) => {
        const answer = await call(headers)
        assert.equal(answer.status, 401, answer.body)
        assert.match(answer.body, new RegExp(code))
      }
      await refused({ authorization: `Bearer ${token}` }, 'ERR_TOKEN_INVALID')
      assert.equal((await call({ authorization: `dpop ${token}`, dpop: proof(agent.key) })).status, 200, 'the scheme is case-insensitive')
      await refused({ authorization: `DPoP ${token}` }, 'ERR_DPOP_PROOF')
      await refused({ authorization: `DPoP ${token}`, dpop: proof(agent.key, { url: otherMcpUrl }) }, 'ERR_DPOP_PROOF')
      await refused({ authorization: `DPoP ${token}`, dpop: proof(agent.key, { method: 'GET' }) }, 'ERR_DPOP_PROOF')
      await refused({ authorization: `DPoP ${token}`, dpop: proof(generateAgentKey()) }, 'ERR_DPOP_PROOF')
      await refused({ authorization: `DPoP ${token}`, dpop: proof(agent.key, { accessToken: 'another-token' }) }, 'ERR_DPOP_PROOF')
      const once = proof(agent.key)
      assert.equal((await call({ authorization: `DPoP ${token}`, dpop: once })).status, 200)
      await refused({ authorization: `DPoP ${token}`, dpop: once }, 'ERR_DPOP_PROOF')
    })

    it('a tools/call sent without an id (as a notification) is decided all the same', async () => {
      const notification = await fetch(mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `DPoP ${token}`, dpop: proof(agent.key) },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'update_customer', arguments: { id: 'c1' } } }),
      })
      assert.equal(notification.status, 403)
      assert.match(await notification.text(), /ERR_NOT_ENTITLED/)
    })

    it('a token it has checked before still expires on time (the kit keeps checked tokens)', async () => {
      let clock = Date.now()
      const guard = createMcpGuard({ resource: mcpUrl, authorizationServer: { issuer: t.url, signers: [t.issuer.did] }, statusLists, tools: {}, now: () => clock })
      const request = () => ({ method: 'POST', headers: { authorization: `DPoP ${token}`, dpop: createDpopProof(agent.key, { method: 'POST', url: mcpUrl, accessToken: token, iat: Math.floor(clock / 1000) }) } }) as never
      assert.equal((await guard.authenticate(request(), mcpUrl)).clientId, agent.key.did)
      assert.equal((await guard.authenticate(request(), mcpUrl)).clientId, agent.key.did)
      clock += 306_000 // past the 5-minute lifetime and the 5 s of skew allowed
      await assert.rejects(guard.authenticate(request(), mcpUrl), (error: any) => error.status === 401 && error.code === 'ERR_TOKEN_INVALID')
    })

    it('a token for another MCP server, and a forged one', async () => {
      // The other server's token, got straight from the authorization server.
      const tokenUrl = `${t.url}/oauth/token`
      const answer = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(agent.key, { method: 'POST', url: tokenUrl }) },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: createJwtBearerAssertion(agent.key, { audience: t.url }), resource: otherMcpUrl }).toString(),
      })
      const otherToken = (await answer.json() as any).access_token as string
      const refusal = await call({ authorization: `DPoP ${otherToken}`, dpop: createDpopProof(agent.key, { method: 'POST', url: mcpUrl, accessToken: otherToken }) })
      assert.equal(refusal.status, 401)
      assert.match(refusal.body, /ERR_TOKEN_INVALID/)
      const parts = token.split('.')
      const forged = `${parts[0]}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()), authorization_details: [{ type: 'agentid_entitlement', resource: 'db:customers', actions: ['write'], credentials: [agent.id] }] })).toString('base64url')}.${parts[2]}`
      const forgedAnswer = await call({ authorization: `DPoP ${forged}`, dpop: createDpopProof(agent.key, { method: 'POST', url: mcpUrl, accessToken: forged }) })
      assert.equal(forgedAnswer.status, 401)
      assert.match(forgedAnswer.body, /ERR_TOKEN_INVALID/)
    })
  })

  it('reports every decision to the issuer\'s monitoring as any verifier does', async () => {
    const answers: any[] = []
    const sent: any[] = []
    const events = httpEventSink(`${t.url}/events`, {
      token: t.tokens.reporter,
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        sent.push(...JSON.parse(String(init?.body)).events)
        const answer = await fetch(input, init)
        answers.push(await answer.clone().json())
        return answer
      }) as typeof fetch,
    })
    const port = await freePort()
    const reportingUrl = `http://127.0.0.1:${port}/mcp`
    const current = policyToJson((await t.issuer.policy()).policy)
    await t.issuer.setPolicy({ ...current, resourceServers: [...(current.resourceServers as unknown[]), { url: reportingUrl, resources: ['db:*'] }] }, 'test')
    const guard = createMcpGuard({ resource: reportingUrl, authorizationServer: { issuer: t.url, signers: [t.issuer.did] }, statusLists, events, tools: { query_customers: { resource: 'db:customers', action: 'read' }, update_customer: { resource: 'db:customers', action: 'write' } } })
    const reporting = createServer(guard.handler(async (request, response, body) => {
      const s = new McpServer({ name: 'reporting', version: '1.0.0' })
      s.registerTool('query_customers', {}, async () => ({ content: [{ type: 'text', text: 'ok' }] }))
      s.registerTool('update_customer', {}, async () => ({ content: [{ type: 'text', text: 'ok' }] }))
      const transport = new StreamableHTTPServerTransport({})
      await s.connect(transport)
      await transport.handleRequest(request, response, body)
    }))
    await new Promise<void>((resolve) => reporting.listen(port, '127.0.0.1', resolve))
    try {
      const agent = await enrol('watched', [{ resource: 'db:customers', actions: ['read'] }])
      const { client } = await connect(agent.key, reportingUrl)
      await client.callTool({ name: 'query_customers', arguments: {} })
      await assert.rejects(client.callTool({ name: 'update_customer', arguments: {} }), /403/)
      await client.close()
      await events.flush()
      assert.deepEqual(sent.map((e) => [e.agent, e.decision, e.resource, e.action, e.code ?? null]).slice(0, 2), [
        [agent.key.did, 'allow', 'db:customers', 'read', null],
        [agent.key.did, 'deny', 'db:customers', 'write', 'ERR_NOT_ENTITLED'],
      ])
      assert.ok(answers.reduce((n, a) => n + a.observed, 0) >= 2, JSON.stringify(answers))
    } finally {
      await events.close()
      reporting.closeAllConnections()
      await new Promise((resolve) => reporting.close(resolve))
    }
  })

  it('decides resource reads and prompts too: only what a rule maps and the token covers; anything else is refused', async () => {
    const reader = await enrol('handbook-reader', [{ resource: 'db:handbook', actions: ['read'] }])
    const { client } = await connect(reader.key)
    assert.equal(((await client.readResource({ uri: 'docs://handbook' })).contents[0] as any).text, 'the handbook')
    await assert.rejects(client.readResource({ uri: 'hr://payroll' }), /403/)
    await assert.rejects(client.getPrompt({ name: 'summarise' }), /403/)
    assert.ok((await client.listResources()).resources.length >= 2, 'listing stays open')
    await client.close()
    const other = await enrol('not-a-reader', [{ resource: 'db:customers', actions: ['read'] }])
    const second = await connect(other.key)
    await assert.rejects(second.client.readResource({ uri: 'docs://handbook' }), /403/)
    await second.client.close()
  })

  it('never sends an assertion to an authorization server a resource server names instead of the trusted one', async () => {
    const agent = await enrol('careful', [{ resource: 'db:customers', actions: ['read'] }])
    const oauth = agentOAuth(agent.key, { authorizationServer: t.url })
    const client = new Client({ name: 'agent', version: '1.0.0' })
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(evilMcpUrl), { authProvider: oauth.provider, fetch: oauth.fetch })), /refusing to discover/)
    assert.deepEqual(evilAsSeen, [], 'nothing was fetched from it')
  })

  it('one agentOAuth serves one MCP server: a second server needs its own', async () => {
    const agent = await enrol('two-servers', [{ resource: 'db:customers', actions: ['read'] }])
    const oauth = agentOAuth(agent.key, { authorizationServer: t.url })
    const first = new Client({ name: 'agent', version: '1.0.0' })
    await first.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: oauth.provider, fetch: oauth.fetch }))
    const second = new Client({ name: 'agent', version: '1.0.0' })
    await assert.rejects(second.connect(new StreamableHTTPClientTransport(new URL(otherMcpUrl), { authProvider: oauth.provider, fetch: oauth.fetch })))
    await first.close()
  })

  it('steps up: a refused call says what to request, two principals approve, and the call then succeeds in the same session', async () => {
    const agent = await enrol('crm-writer', [{ resource: 'db:customers', actions: ['read'] }])
    const oauth = agentOAuth(agent.key, { authorizationServer: t.url })
    const client = new Client({ name: 'agent', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: oauth.provider, fetch: oauth.fetch }))
    await assert.rejects(client.callTool({ name: 'update_customer', arguments: { id: 'c7' } }), /403/)
    const need = oauth.lastStepUp()!
    assert.deepEqual([need.resource, need.action, need.requestUri], ['db:customers', 'write', `${t.url}/requests`])
    assert.match(need.description, /^ERR_NOT_ENTITLED: /)
    // The agent files the request itself, with a presentation to the issuer.
    const challenge = (await (await fetch(`${t.url}/challenge`)).json() as any).challenge
    const vp = createPresentation({ key: agent.key, credentials: [agent.jwt], audience: t.issuer.did, challenge })
    const filed = await fetch(need.requestUri!, {
      method: 'POST',
      headers: { authorization: `VP ${vp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: agent.key.did, entitlements: [{ resource: need.resource, actions: [need.action] }], ttl: '1h', justification: 'update customer c7' }),
    })
    assert.equal(filed.status, 202, await filed.clone().text())
    const request = (await filed.json() as any).request.id as string
    assert.equal((await t.call(t.tokens['ai-ops'], 'POST', `/requests/${request}/approve`, {})).status, 200)
    await assert.rejects(client.callTool({ name: 'update_customer', arguments: { id: 'c7' } }), /403/, 'one approval of two is not enough')
    assert.equal((await t.call(t.tokens.security, 'POST', `/requests/${request}/approve`, {})).status, 200)
    oauth.refresh()
    assert.equal(text(await client.callTool({ name: 'update_customer', arguments: { id: 'c7' } })), 'updated c7')
    await client.close()
  })

  describe('offline, with no authorization server in the path', () => {
    async function offlineClient(fetchFn: typeof fetch) {
      const client = new Client({ name: 'agent', version: '1.0.0' })
      await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { fetch: fetchFn }))
      return client
    }

    it('mutual handshake and a proof per request: allowed, refused, and cut off by a revocation', async () => {
      const agent = await enrol('mutual-reader', [{ resource: 'db:customers', actions: ['read'] }])
      const mutual = createMutualAgent({ key: agent.key, credentials: [agent.jwt], verifier: { trustedIssuers: [t.issuer.did], statusLists } })
      const client = await offlineClient(agentMutualFetch(mutual, mcpUrl, { expectServer: serverKey.did }))
      assert.equal(text(await client.callTool({ name: 'query_customers', arguments: { limit: 3 } })), `3 customers for ${agent.key.did}`)
      await assert.rejects(client.callTool({ name: 'update_customer', arguments: { id: 'c1' } }), /403|ERR_NOT_ENTITLED/)
      await t.issuer.revoke(agent.id, 'test')
      // The status event the revocation pushes makes the kit fetch the list again.
      await nextListFetch()
      await assert.rejects(client.callTool({ name: 'query_customers', arguments: { limit: 3 } }), /401|ERR_VC_REVOKED/)
    })

    it('refuses a server that is not the DID the agent expects', async () => {
      const agent = await enrol('mutual-picky', [{ resource: 'db:customers', actions: ['read'] }])
      const mutual = createMutualAgent({ key: agent.key, credentials: [agent.jwt], verifier: { trustedIssuers: [t.issuer.did], statusLists } })
      await assert.rejects(offlineClient(agentMutualFetch(mutual, mcpUrl, { expectServer: generateAgentKey().did })), (error: any) => error.code === 'ERR_VP_HOLDER_BINDING')
    })

    it('a presentation per request, over the server\'s own challenge: allowed, refused, never twice, never for another server', async () => {
      const agent = await enrol('vp-reader', [{ resource: 'db:customers', actions: ['read'] }])
      const client = await offlineClient(agentPresentationFetch(agent.key, [agent.jwt], mcpUrl, { serverDid: serverKey.did }))
      assert.equal(text(await client.callTool({ name: 'query_customers', arguments: { limit: 4 } })), `4 customers for ${agent.key.did}`)
      await assert.rejects(client.callTool({ name: 'update_customer', arguments: { id: 'c1' } }), /403|ERR_NOT_ENTITLED/)
      await assert.rejects(offlineClient(agentPresentationFetch(agent.key, [agent.jwt], mcpUrl, { serverDid: generateAgentKey().did })), /is did:key/)
      const challenge = (await (await fetch(new URL('/.well-known/agentid/challenge', mcpUrl))).json() as any).challenge
      const vp = createPresentation({ key: agent.key, credentials: [agent.jwt], audience: serverKey.did, challenge })
      const send = (presentation: string) => fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `VP ${presentation}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'query_customers', arguments: { limit: 1 } } }) })
      assert.equal((await send(vp)).status, 200)
      const replay = await send(vp)
      assert.equal(replay.status, 401)
      assert.match(await replay.text(), /ERR_VP_REPLAY/)
      const elsewhere = createPresentation({ key: agent.key, credentials: [agent.jwt], audience: generateAgentKey().did, challenge: (await (await fetch(new URL('/.well-known/agentid/challenge', mcpUrl))).json() as any).challenge })
      const misaddressed = await send(elsewhere)
      assert.equal(misaddressed.status, 401)
      assert.match(await misaddressed.text(), /ERR_VP_AUDIENCE/)
    })
  })

  it('a delegate uses a delegation chain through token exchange, until its root is revoked', async () => {
    const boss = await enrol('reports-owner', [{ resource: 'db:reports', actions: ['read'] }])
    const helper = await enrol('reports-helper', [{ resource: 'crm:notes', actions: ['read'] }])
    const link = createDelegation({ key: boss.key, parent: boss.jwt, to: helper.key.did, entitlements: [{ resource: 'db:reports', actions: ['read'] }], ttl: 600 })
    const tokenUrl = `${t.url}/oauth/token`
    const challenge = (await (await fetch(`${t.url}/challenge`)).json() as any).challenge
    const vp = createPresentation({ key: helper.key, credentials: [helper.jwt, boss.jwt, link], audience: t.issuer.did, challenge })
    const answer = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(helper.key, { method: 'POST', url: tokenUrl }) },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: vp, subject_token_type: 'urn:agentid:params:oauth:token-type:vp-jwt', resource: mcpUrl }).toString(),
    })
    assert.equal(answer.status, 200)
    const token = (await answer.json() as any).access_token as string
    const callReports = () => fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `DPoP ${token}`, dpop: createDpopProof(helper.key, { method: 'POST', url: mcpUrl, accessToken: token }) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'read_reports', arguments: {} } }),
    })
    const allowed = await callReports()
    assert.equal(allowed.status, 200, await allowed.clone().text())
    assert.match(await allowed.text(), /reports/)
    await t.issuer.revoke(boss.id, 'test')
    // The status event the revocation pushes makes the kit fetch the list again.
    await nextListFetch()
    const cut = await callReports()
    assert.equal(cut.status, 401)
    assert.match(await cut.text(), /ERR_VC_REVOKED/)
  })
})
