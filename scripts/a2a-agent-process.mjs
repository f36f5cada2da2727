// An A2A agent in its own process for tests and benches: an @a2a-js/sdk server (express,
// JSON-RPC and HTTP+JSON) behind @agentid/a2a's guard, publishing its signed Agent Card. It answers a message
// with who asked (the peer DID the guard verified) and what they said. One JSON command per line
// on stdin, one JSON answer per line on stdout; first line { ready, url, did }. It also calls
// other A2A agents on command: { id, call: { url, text, expectDid? } } answers { reply } or
// { error: { code, message } } (their card verified, then the SDK's client through a2aMutualFetch).
// Configuration: AGENTID_A2A (JSON: { key, credentials, issuer, origin, events?, requirePeer?,
// skills?, require?, name? }). Commands: { id, fetches: true } answers how many status-list refreshes
// this agent has completed (list stored); { id, waitFetches: n } answers once it has completed n
// (an event, not a timer: a revocation's push makes the agent refresh its list).
import { createInterface } from 'node:readline'
import { randomUUID } from 'node:crypto'
import express from 'express'
import { AGENT_CARD_PATH as SDK_CARD_PATH } from '@a2a-js/sdk'
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server'
import { agentCardHandler, jsonRpcHandler, restHandler } from '@a2a-js/sdk/server/express'
import { createMutualAgent, loadAgentKey } from '@agentid/agent'
import { httpStatusLists, subscribeStatusEvents } from '@agentid/verifier'
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client'
import { a2aMutualFetch, a2aMutualGuard, agentIdExtension, agentIdUserBuilder, fetchAgentCard, signAgentCard } from '@agentid/a2a'

const config = JSON.parse(process.env.AGENTID_A2A)
const key = await loadAgentKey(config.key)
let fetches = 0
let waiters = []
const statusLists = httpStatusLists({ maxAge: 300, allowedOrigins: [config.origin] })
// The pushes refresh through this source, which counts refreshes once the list is stored.
const pushed = {
  ...statusLists,
  refresh: async (listUrl) => {
    await statusLists.refresh(listUrl).finally(() => {
      fetches++
      waiters = waiters.filter((w) => (fetches >= w.n ? (w.resolve(), false) : true))
    })
  },
}
const subscription = config.events ? subscribeStatusEvents(pushed, config.events, { reconnectMs: 200 }) : undefined
const mutual = createMutualAgent({
  key, verifier: { trustedIssuers: [config.issuer], statusLists }, credentials: config.credentials,
  ...(config.requirePeer ? { requirePeer: config.requirePeer } : {}),
})

const app = express()
const server = await new Promise((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s))
})
const url = `http://127.0.0.1:${server.address().port}`
const card = signAgentCard({
  name: config.name ?? 'CRM agent',
  description: 'Answers questions about customers',
  supportedInterfaces: [
    { url: `${url}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    { url: `${url}/a2a/rest`, protocolBinding: 'HTTP+JSON', tenant: '', protocolVersion: '1.0' },
  ],
  provider: { organization: 'agentid tests', url: 'https://agentid.dev' },
  version: '1.0.0',
  capabilities: { streaming: false, pushNotifications: false, extensions: [agentIdExtension({ did: key.did, skills: config.skills ?? {} })], extendedAgentCard: false },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [{ id: 'customer-lookup', name: 'Customer lookup', description: 'Finds a customer', tags: ['crm'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
  signatures: [],
}, key)

const executor = {
  async execute(context, bus) {
    const text = context.userMessage.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')
    bus.publish(AgentEvent.message({
      messageId: randomUUID(), role: 2, contextId: context.contextId, taskId: '', extensions: [], metadata: {}, referenceTaskIds: [],
      parts: [{ content: { $case: 'text', value: `${context.context?.user?.userName ?? '?'} said: ${text}` }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
    }))
    bus.finished()
  },
  async cancelTask() {},
}
const requestHandler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor)
app.use(`/${SDK_CARD_PATH}`, agentCardHandler({ agentCardProvider: requestHandler }))
app.use(a2aMutualGuard(mutual, config.require ? { require: config.require } : {}))
app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler, userBuilder: agentIdUserBuilder }))
app.use('/a2a/rest', restHandler({ requestHandler, userBuilder: agentIdUserBuilder }))

if (subscription) await subscription.ready
process.stdout.write(`${JSON.stringify({ ready: true, url, did: key.did })}\n`)

// As a client: the peer's card verified, then the SDK's client through the agentid extension.
const peers = new Map()
async function call({ url: peerUrl, text, expectDid }) {
  let client = peers.get(`${peerUrl} ${expectDid}`)
  if (!client) {
    const card = await fetchAgentCard(peerUrl, expectDid ? { expectDid } : {})
    const fetchImpl = a2aMutualFetch(mutual, { expectPeer: card.did })
    client = await new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl })] })).createFromAgentCard(card.card)
    peers.set(`${peerUrl} ${expectDid}`, client)
  }
  const message = {
    messageId: randomUUID(), role: 1, contextId: '', taskId: '', extensions: [], metadata: {}, referenceTaskIds: [],
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
  }
  const reply = await client.sendMessage({ tenant: '', message, configuration: undefined, metadata: {} })
  return reply.parts[0].content.value
}

for await (const line of createInterface({ input: process.stdin })) {
  const { id, fetches: ask, waitFetches, call: toCall } = JSON.parse(line)
  if (ask) process.stdout.write(`${JSON.stringify({ id, fetches })}\n`)
  else if (toCall) {
    void call(toCall).then(
      (reply) => process.stdout.write(`${JSON.stringify({ id, reply })}\n`),
      (error) => process.stdout.write(`${JSON.stringify({ id, error: { code: error.code ?? 'ERR_INPUT_INVALID', message: error.message } })}\n`),
    )
  }
  else if (waitFetches !== undefined) {
    void new Promise((resolve) => (fetches >= waitFetches ? resolve() : waiters.push({ n: waitFetches, resolve }))).then(() => process.stdout.write(`${JSON.stringify({ id, fetches })}\n`))
  }
}
subscription?.close()
server.close()
