import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMutualAgent, generateAgentKey, HANDSHAKE_PATH, saveAgentKey, type AgentKey, type MutualAgent } from '@agentid/agent'
import { httpStatusLists, subscribeStatusEvents, type StatusSubscription } from '@agentid/verifier'
import { a2aMutualFetch, AGENTID_EXTENSION_URI, fetchAgentCard, verifyAgentCard } from '@agentid/a2a'
import { Role, type AgentCard, type Message } from '@a2a-js/sdk'
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client'
import { noApprovalPolicy } from './support/policies.js'
import { startTestService, type TestService } from './support/service.js'
import { startA2aAgentProcess, type A2aAgentProcess } from './support/a2a-agent-process.js'

// A real @a2a-js/sdk server (express, JSON-RPC) in its own process behind @agentid/a2a's guard,
// publishing its signed Agent Card; real @a2a-js/sdk clients in this process, speaking the
// agentid extension through a2aMutualFetch; a real issuer service for credentials and status.
describe('A2A: signed Agent Cards and the agentid mutual extension, with @a2a-js/sdk on 127.0.0.1', function () {
  this.timeout(60_000)
  let t: TestService
  let dir: string
  let crm: A2aAgentProcess
  const keys = { crm: generateAgentKey(), reporting: generateAgentKey(), mallory: generateAgentKey(), brief: generateAgentKey() }
  const jwts: Record<string, string> = {}
  const ids: Record<string, string> = {}
  const subscriptions: StatusSubscription[] = []
  // Each client agent's status-list refreshes, by the agent: resolves its waiters when it has
  // stored a list the issuer's push made it fetch again.
  const listRefreshed = new Map<MutualAgent, (resolve: () => void) => void>()
  const nextListFetch = (agent: MutualAgent) => new Promise<void>((resolve) => listRefreshed.get(agent)!(resolve))

  async function enrol(name: keyof typeof keys, entitlements: Array<{ resource: string; actions: string[] }>): Promise<void> {
    await t.issuer.registerAgent({ did: keys[name].did, name, kind: 'company', owner: 'ops' }, 'test')
    const granted = await t.issuer.grant({ subject: keys[name].did, entitlements, ttlSeconds: 3600 }, 'test')
    jwts[name] = granted.jwt
    ids[name] = granted.id
  }

  /** A client agent in this process: its mutual agent, its status lists pushed by the issuer. */
  async function clientAgent(name: keyof typeof keys): Promise<MutualAgent> {
    let waiters: Array<() => void> = []
    const statusLists = httpStatusLists({ allowedOrigins: [t.url] })
    // The push refreshes through this source: its waiters resolve once the refreshed list is
    // stored (an event, not a timer). Only the waiters already there when the refresh started: a
    // refresh begun before a change must not pass for the one the change pushed.
    const pushed = {
      ...statusLists,
      refresh: async (url: string) => {
        const waiting = waiters
        waiters = []
        await statusLists.refresh(url)
        for (const resolve of waiting) resolve()
      },
    }
    const events = subscribeStatusEvents(pushed, `${t.url}/status/events`, { reconnectMs: 200 })
    subscriptions.push(events)
    await events.ready
    const agent = createMutualAgent({ key: keys[name], credentials: [jwts[name]!], verifier: { trustedIssuers: [t.issuer.did], statusLists } })
    listRefreshed.set(agent, (resolve) => waiters.push(resolve))
    return agent
  }

  /** An @a2a-js/sdk client for the card, sending through `fetchImpl`. */
  const sdkClient = (card: unknown, fetchImpl: typeof fetch = fetch) =>
    new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl })] })).createFromAgentCard(card as AgentCard)

  const message = (text: string): Message => ({
    messageId: `m-${Math.random().toString(36).slice(2)}`, role: Role.ROLE_USER, contextId: '', taskId: '', extensions: [], metadata: {}, referenceTaskIds: [],
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
  }) as Message
  const send = (client: Awaited<ReturnType<typeof sdkClient>>, text: string) => client.sendMessage({ tenant: '', message: message(text), configuration: undefined, metadata: {} } as never)
  const replyText = (result: unknown) => ((result as Message).parts[0]!.content as { value: string }).value

  // A raw JSON-RPC call, to see statuses and codes the SDK client folds into its errors.
  const rpc = (headers: Record<string, string> = {}, body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId: 'x', role: 'ROLE_USER', parts: [{ text: 'hi' }] } } })) =>
    fetch(`${crm.url}/a2a/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, challenge: r.headers.get('www-authenticate') ?? '' }))

  before(async () => {
    t = await startTestService({ policy: noApprovalPolicy() })
    dir = mkdtempSync(join(tmpdir(), 'agentid-a2a-'))
    await enrol('crm', [{ resource: 'crm:accounts/*', actions: ['read'] }, { resource: 'mesh:agents', actions: ['connect'] }])
    await enrol('reporting', [{ resource: 'mesh:agents', actions: ['connect'] }])
    await enrol('brief', [{ resource: 'mesh:agents', actions: ['connect'] }])
    await enrol('mallory', [{ resource: 'db:customers', actions: ['read'] }]) // no mesh:agents connect
    await saveAgentKey(join(dir, 'crm.key'), keys.crm)
    crm = await startA2aAgentProcess({
      key: join(dir, 'crm.key'), credentials: [jwts.crm], issuer: t.issuer.did, origin: t.url, events: `${t.url}/status/events`,
      requirePeer: { resource: 'mesh:agents', action: 'connect' },
      skills: { 'customer-lookup': [{ resource: 'crm:accounts/acme', action: 'read' }] },
    })
  })

  after(async () => {
    crm?.stop()
    for (const s of subscriptions) s.close()
    await t?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  describe('refusals', () => {
    it('an unverified caller: a plain @a2a-js/sdk client, and a raw call, get 401 ERR_UNAUTHORIZED with the handshake to do', async () => {
      const raw = await rpc()
      assert.deepEqual([raw.status, raw.body.error.code], [401, 'ERR_UNAUTHORIZED'])
      assert.match(raw.challenge, new RegExp(`^AgentID .*error="ERR_UNAUTHORIZED".*handshake="${HANDSHAKE_PATH}"`))
      const card = await fetchAgentCard(crm.url)
      const plain = await sdkClient(card.card)
      await assert.rejects(send(plain, 'hello'), /401|ERR_UNAUTHORIZED|Unauthorized/)
    })

    it('a made-up session and proof: 401, never reaching the A2A handler', async () => {
      const raw = await rpc({ 'agentid-session': 'x'.repeat(43), 'agentid-proof': 'a.b.c' })
      assert.deepEqual([raw.status, raw.body.error.code], [401, 'ERR_UNAUTHORIZED'])
    })

    it('a card altered on the way (ERR_SIGNATURE), claiming another DID than expected (ERR_CARD_SIGNER), a server that proves another DID (ERR_VP_HOLDER_BINDING)', async () => {
      const altering = (async (input: string | URL | Request, init?: RequestInit) => {
        const r = await fetch(input, init)
        const card = (await r.json()) as Record<string, any>
        card.supportedInterfaces[0].url = 'http://127.0.0.1:1/evil'
        return new Response(JSON.stringify(card), { status: 200, headers: { 'content-type': 'application/json' } })
      }) as typeof fetch
      await assert.rejects(fetchAgentCard(crm.url, { fetch: altering }), { code: 'ERR_SIGNATURE' })
      await assert.rejects(fetchAgentCard(crm.url, { expectDid: keys.mallory.did }), { code: 'ERR_CARD_SIGNER' })
      const reporting = await clientAgent('reporting')
      const wrongPeer = a2aMutualFetch(reporting, { expectPeer: keys.mallory.did })
      await assert.rejects(wrongPeer(`${crm.url}/a2a/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), { code: 'ERR_VP_HOLDER_BINDING' })
    })

    it('a caller without the required entitlement: 403 ERR_NOT_ENTITLED at the handshake', async () => {
      const mallory = await clientAgent('mallory')
      const call = a2aMutualFetch(mallory, { expectPeer: crm.did })
      await assert.rejects(call(`${crm.url}/a2a/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), { code: 'ERR_NOT_ENTITLED' })
    })

    it('a replayed per-request proof (ERR_VP_REPLAY), and a proof over another body (ERR_SIGNATURE)', async () => {
      const reporting = await clientAgent('reporting')
      const sent: Array<{ url: string; headers: Record<string, string>; body: string }> = []
      const capturing = (async (input: string | URL | Request, init?: RequestInit) => {
        if (!String(input).endsWith(HANDSHAKE_PATH)) sent.push({ url: String(input), headers: init?.headers as Record<string, string>, body: String(init?.body) })
        return fetch(input, init)
      }) as typeof fetch
      const client = await sdkClient((await fetchAgentCard(crm.url, { expectDid: crm.did })).card, a2aMutualFetch(reporting, { expectPeer: crm.did, fetch: capturing }))
      assert.equal(replyText(await send(client, 'once')), `${keys.reporting.did} said: once`)
      const captured = sent.at(-1)!
      const replayed = await rpc(captured.headers, captured.body)
      assert.deepEqual([replayed.status, replayed.body.error.code], [401, 'ERR_VP_REPLAY'])
      const changed = await rpc(captured.headers, captured.body.replace('once', 'twice'))
      assert.deepEqual([changed.status, changed.body.error.code], [401, 'ERR_SIGNATURE'])
    })
  })

  describe('two agents that verify each other', () => {
    it('the client verifies the signed card, shakes hands once, and sends messages the server attributes to its DID; the extension is named both ways', async () => {
      const reporting = await clientAgent('reporting')
      const card = await fetchAgentCard(crm.url, { expectDid: crm.did })
      assert.equal(card.did, crm.did)
      assert.equal((card.card.capabilities as any).extensions[0].uri, AGENTID_EXTENSION_URI)
      const seen: string[] = []
      const watching = (async (input: string | URL | Request, init?: RequestInit) => {
        const r = await fetch(input, init)
        seen.push(`${new URL(String(input)).pathname} ${new Headers(init?.headers).get('a2a-extensions') ?? ''} -> ${r.headers.get('a2a-extensions') ?? ''}`)
        return r
      }) as typeof fetch
      const a2aFetch = a2aMutualFetch(reporting, { expectPeer: card.did, fetch: watching })
      const client = await sdkClient(card.card, a2aFetch)
      assert.equal(replyText(await send(client, 'hello')), `${keys.reporting.did} said: hello`)
      assert.equal(replyText(await send(client, 'again')), `${keys.reporting.did} said: again`)
      assert.deepEqual(seen.filter((s) => s.startsWith(HANDSHAKE_PATH)).length, 2, 'one handshake (hello, complete) for both messages')
      assert.deepEqual(seen.filter((s) => s.startsWith('/a2a/')), [`/a2a/jsonrpc ${AGENTID_EXTENSION_URI} -> ${AGENTID_EXTENSION_URI}`, `/a2a/jsonrpc ${AGENTID_EXTENSION_URI} -> ${AGENTID_EXTENSION_URI}`])
      // The server's live credentials cover the skill its card advertises (from the handshake).
      const session = a2aFetch.peers.get(new URL(crm.url).origin)!.session!
      const covered = verifyAgentCard(card.card, { credentials: { presentation: session.presentation, authorize: (_p, request) => reporting.authorize(session, request) } })
      assert.ok(covered.ok, covered.ok ? '' : `${covered.code} ${covered.message}`)
      assert.deepEqual(Object.keys(covered.skills ?? {}), ['customer-lookup'])
    })

    it('two A2A agent processes call each other: each verifies the other\'s card and shakes hands, each sees the other\'s DID', async () => {
      await saveAgentKey(join(dir, 'reporting.key'), keys.reporting)
      const reporting = await startA2aAgentProcess({
        name: 'Reporting agent', key: join(dir, 'reporting.key'), credentials: [jwts.reporting], issuer: t.issuer.did, origin: t.url, events: `${t.url}/status/events`,
        requirePeer: { resource: 'mesh:agents', action: 'connect' },
      })
      try {
        assert.deepEqual(await reporting.call(crm.url, 'from reporting', crm.did).then((r) => r.reply ?? r.error), `${keys.reporting.did} said: from reporting`)
        assert.deepEqual(await crm.call(reporting.url, 'from crm', reporting.did).then((r) => r.reply ?? r.error), `${keys.crm.did} said: from crm`)
        // A card that is not the DID the caller expects: refused before any message.
        const wrong = await crm.call(reporting.url, 'to the wrong agent', keys.mallory.did)
        assert.equal(wrong.error?.code, 'ERR_CARD_SIGNER')
      } finally {
        reporting.stop()
      }
    })

    it('the same over the HTTP+JSON (REST) transport: a verified call goes through, an unverified one is refused', async () => {
      const reporting = await clientAgent('reporting')
      const card = await fetchAgentCard(crm.url, { expectDid: crm.did })
      const rest = (fetchImpl: typeof fetch) => new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new RestTransportFactory({ fetchImpl })], preferredTransports: ['HTTP+JSON'] })).createFromAgentCard(card.card as unknown as AgentCard)
      const client = await rest(a2aMutualFetch(reporting, { expectPeer: card.did }))
      assert.equal(replyText(await send(client, 'over rest')), `${keys.reporting.did} said: over rest`)
      await assert.rejects(send(await rest(fetch), 'plain'), /401|ERR_UNAUTHORIZED|complete a handshake/)
    })

    it('a caller revoked at the issuer mid-session is refused on its next request (ERR_VC_REVOKED), once the server has the pushed status', async () => {
      const brief = await clientAgent('brief')
      const card = await fetchAgentCard(crm.url, { expectDid: crm.did })
      const a2aFetch = a2aMutualFetch(brief, { expectPeer: crm.did })
      const client = await sdkClient(card.card, a2aFetch)
      assert.equal(replyText(await send(client, 'before')), `${keys.brief.did} said: before`)
      const session = a2aFetch.peers.get(new URL(crm.url).origin)!.session!
      const before = await crm.fetches()
      await t.issuer.revoke(ids.brief!, 'test')
      // The push makes the server refresh its status list: wait for that event.
      await crm.waitFetches(before + 1)
      const { signRequest } = brief
      const body = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'SendMessage', params: { message: { messageId: 'y', role: 'ROLE_USER', parts: [{ text: 'after' }] } } })
      const refused = await rpc(signRequest(session, { method: 'POST', target: '/a2a/jsonrpc', body }), body)
      assert.deepEqual([refused.status, refused.body.error.code], [401, 'ERR_VC_REVOKED'])
      // The SDK's next call: the server dropped the session, a new handshake meets the same verdict.
      await assert.rejects(send(client, 'after'), { code: 'ERR_VC_REVOKED' })
    })

    // Last: it revokes the server's own credential.
    it('a server revoked at the issuer mid-session is refused by the client before its request leaves (ERR_VC_REVOKED)', async () => {
      const reporting = await clientAgent('reporting')
      const card = await fetchAgentCard(crm.url, { expectDid: crm.did })
      let sent = 0
      const counting = (async (input: string | URL | Request, init?: RequestInit) => {
        if (!String(input).endsWith(HANDSHAKE_PATH)) sent++
        return fetch(input, init)
      }) as typeof fetch
      const client = await sdkClient(card.card, a2aMutualFetch(reporting, { expectPeer: crm.did, fetch: counting }))
      assert.equal(replyText(await send(client, 'before')), `${keys.reporting.did} said: before`)
      const fetched = nextListFetch(reporting)
      await t.issuer.revoke(ids.crm!, 'test')
      await fetched
      await assert.rejects(send(client, 'after'), { code: 'ERR_VC_REVOKED' })
      assert.equal(sent, 1, 'the refused request never left')
    })
  })
})
