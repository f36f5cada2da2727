// An agent in its own process for tests, benches and the demo: an HTTP server that admits peers
// by mutual verification and serves `GET /data/<resource>?purpose=...` to those entitled to
// read it; and a client that calls other agents on command. One JSON command per line on stdin
// ({ id, call: { url, path, expectPeer? } }), one JSON answer per line on stdout; first line
// { ready, url, did }. Configuration: AGENTID_AGENT (JSON: { key, credentials, issuer, origin,
// events?, requirePeer?, segments?, sessionTtl?, hellos?, hellosAt? }); hellosAt freezes the
// clock of the hello limiter (tests).
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'
import { createMutualAgent, loadAgentKey, mutualFetch, mutualHttpHandler } from '@agentid/agent'
import { httpStatusLists, subscribeStatusEvents } from '@agentid/verifier'

const config = JSON.parse(process.env.AGENTID_AGENT)
const key = await loadAgentKey(config.key)
const statusLists = httpStatusLists({ maxAge: 300, allowedOrigins: [config.origin] })
const subscription = config.events ? subscribeStatusEvents(statusLists, config.events, { reconnectMs: 200 }) : undefined
const mutual = createMutualAgent({
  key, verifier: { trustedIssuers: [config.issuer], statusLists }, credentials: config.credentials,
  ...(config.requirePeer ? { requirePeer: config.requirePeer } : {}),
  ...(config.segments ? { segments: config.segments } : {}),
  ...(config.sessionTtl ? { sessionTtl: config.sessionTtl } : {}),
})

const server = createServer(mutualHttpHandler(mutual, (req, res, { session }) => {
  const url = new URL(req.url, 'http://agent')
  const resource = decodeURIComponent(url.pathname.replace(/^\/data\//, ''))
  const decision = mutual.authorize(session, { resource, action: 'read', ...(url.searchParams.get('purpose') ? { purpose: url.searchParams.get('purpose') } : {}) })
  if (!decision.allow) {
    res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: decision.code, message: decision.message } }))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource, peer: session.peer, records: [{ id: 1 }, { id: 2 }] }))
}, { ...(config.hellos ? { hellos: config.hellos } : {}), ...(config.hellosAt ? { now: () => config.hellosAt } : {}) }))
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
if (subscription) await subscription.ready
const url = `http://127.0.0.1:${server.address().port}`
process.stdout.write(`${JSON.stringify({ ready: true, url, did: key.did })}\n`)

const clients = new Map()
for await (const line of createInterface({ input: process.stdin })) {
  const { id, call } = JSON.parse(line)
  try {
    let client = clients.get(call.url)
    if (!client) clients.set(call.url, (client = mutualFetch(mutual, call.url, call.expectPeer ? { expectPeer: call.expectPeer } : {})))
    const hadSession = client.session?.id
    const response = await client(call.path)
    process.stdout.write(`${JSON.stringify({ id, status: response.status, body: await response.json(), handshake: client.session?.id !== hadSession })}\n`)
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, error: { code: error.code ?? 'ERR_INPUT_INVALID', message: error.message } })}\n`)
  }
}
subscription?.close()
server.close()
