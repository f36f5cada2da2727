import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { createMutualAgent, type MutualAgent } from '@agentid/agent'
import { a2aMutualFetch, a2aMutualGuard, a2aSessionOf, agentIdUserBuilder, AGENTID_EXTENSION_URI } from '@agentid/a2a'
import { statusListsFromJwts } from '@agentid/verifier'
import { KEYS, makeVc } from '../../../test/support/tokens.js'

// express ships no types (@types/express is not a dependency of the repository): loaded untyped.
type Handler = (req: any, res: any, next?: () => void) => void | Promise<void>
const express = createRequire(import.meta.url)('express') as (() => { get(path: string, h: Handler): void; use(...args: unknown[]): void; listen(port: number, host: string, cb: () => void): Server }) & { Router(): { post(path: string, h: Handler): void } }

// The guard in front of a plain express app (what the SDK's handlers are mounted on), with two
// agents in this process: what reaches the handlers, under a mount path, and per-request `require`.
describe('a2aMutualGuard on express', () => {
  let server: Server
  let url: string
  const seen: Array<{ path: string; body: unknown; user: string; session: string | undefined }> = []
  const nowS = Math.floor(Date.now() / 1000)
  const credential = (subject: string) => makeVc({ sub: subject, nbf: nowS - 60, exp: nowS + 3600 })
  const agent = (key: typeof KEYS.agent): MutualAgent =>
    createMutualAgent({ key, credentials: [credential(key.did)], verifier: { trustedIssuers: [KEYS.issuer.did], statusLists: statusListsFromJwts([]) } })
  const serverAgent = agent(KEYS.verifier)
  const clientAgent = agent(KEYS.agent)

  before(async () => {
    const app = express()
    app.get('/.well-known/agent-card.json', (_req: unknown, res: { json(v: unknown): void }) => {
      res.json({ card: true })
    })
    app.use(a2aMutualGuard(serverAgent, {
      // Reading accounts needs crm:accounts read; anything else is let through.
      require: (_session, body) => ((body as { method?: string } | undefined)?.method === 'ReadAccounts' ? { resource: 'crm:accounts/eu', action: 'read' } : (body as { method?: string } | undefined)?.method === 'DeleteAccounts' ? { resource: 'crm:accounts/eu', action: 'delete' } : undefined),
    }))
    const router = express.Router()
    router.post('/rpc', async (req: any, res: any) => {
      const user = await agentIdUserBuilder(req)
      seen.push({ path: req.originalUrl, body: req.body, user: user.userName, session: a2aSessionOf(req)?.id })
      res.json({ ok: true })
    })
    app.use('/mounted', router)
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => server?.close())

  const post = (call: ReturnType<typeof a2aMutualFetch>, body: unknown) =>
    call(`${url}/mounted/rpc?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('lets a GET of the card through, refuses anything else without a session', async () => {
    assert.deepEqual(await (await fetch(`${url}/.well-known/agent-card.json`)).json(), { card: true })
    const r = await fetch(`${url}/mounted/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    assert.equal(r.status, 401)
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'ERR_UNAUTHORIZED')
  })

  it('under a mount path, hands the handler the parsed body and the verified caller; names the extension back', async () => {
    const call = a2aMutualFetch(clientAgent, { expectPeer: KEYS.verifier.did })
    const r = await post(call, { method: 'ReadAccounts', params: { n: 1 } })
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('a2a-extensions'), AGENTID_EXTENSION_URI)
    const last = seen.at(-1)!
    assert.deepEqual(last.body, { method: 'ReadAccounts', params: { n: 1 } })
    assert.equal(last.user, KEYS.agent.did)
    assert.equal(last.path, '/mounted/rpc?x=1')
    assert.equal(last.session, call.peers.get(url)!.session!.id)
  })

  it('decides `require` per request against the caller\'s entitlements: 403 ERR_NOT_ENTITLED, the handler not reached', async () => {
    const call = a2aMutualFetch(clientAgent, { expectPeer: KEYS.verifier.did })
    const before = seen.length
    const r = await post(call, { method: 'DeleteAccounts' })
    assert.equal(r.status, 403)
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'ERR_NOT_ENTITLED')
    assert.equal(seen.length, before)
  })

  it('refuses a JSON body with a duplicate member (400 ERR_INPUT_INVALID)', async () => {
    const call = a2aMutualFetch(clientAgent, { expectPeer: KEYS.verifier.did })
    const r = await call(`${url}/mounted/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"method":"ReadAccounts","method":"DeleteAccounts"}' })
    assert.equal(r.status, 400)
  })

  it('a2aMutualFetch refuses a Request object and a body that is not text (ERR_USAGE)', async () => {
    const call = a2aMutualFetch(clientAgent)
    await assert.rejects(call(new Request(`${url}/mounted/rpc`)), { code: 'ERR_USAGE' })
    await assert.rejects(call(`${url}/mounted/rpc`, { method: 'POST', body: new Uint8Array(2) }), { code: 'ERR_USAGE' })
  })
})
