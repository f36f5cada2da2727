// An agent that uses MCP tools through the official SDK's client, with agentid's OAuth client:
// tokens from the issuer with the agent's own key, DPoP on every call, no human in the loop.
// Run by `npm run demo:mcp`; a line process: commands { call: { name, arguments } },
// { requestAccess: { justification } } (files what the last refusal asked for), { refresh: true };
// first line { ready, did }. Configuration: AGENTID_MCP_AGENT (JSON: { key, credential, issuer, issuerDid, server }).
import { createInterface } from 'node:readline'
import { createPresentation, loadAgentKey } from '@agentid/agent'
import { agentOAuth } from '@agentid/mcp'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

const config = JSON.parse(process.env.AGENTID_MCP_AGENT)
const key = await loadAgentKey(config.key)
const oauth = agentOAuth(key, { authorizationServer: config.issuer, clientName: 'crm-assistant' })
const client = new Client({ name: 'crm-assistant', version: '1.0.0' })
await client.connect(new StreamableHTTPClientTransport(new URL(config.server), { authProvider: oauth.provider, fetch: oauth.fetch }))
process.stdout.write(`${JSON.stringify({ ready: true, did: key.did })}\n`)

// An access request for what the server said it needs, signed by the agent itself (a presentation
// to the issuer over its challenge), to where the server said to file it.
async function requestAccess(justification) {
  const need = oauth.lastStepUp()
  if (!need?.resource || !need.action || !need.requestUri) throw new Error('no refusal said what to request')
  const { challenge } = await (await fetch(`${config.issuer}/challenge`)).json()
  const vp = createPresentation({ key, credentials: [config.credential], audience: config.issuerDid, challenge })
  const answer = await fetch(need.requestUri, {
    method: 'POST',
    headers: { authorization: `VP ${vp}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: key.did, entitlements: [{ resource: need.resource, actions: [need.action] }], ttl: '1h', justification }),
  })
  return { status: answer.status, body: await answer.json() }
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line)
  let answer
  const hint = oauth.lastStepUp()
  try {
    if (command.call) answer = { ok: true, text: (await client.callTool(command.call)).content[0].text }
    else if (command.requestAccess) answer = { ok: true, ...(await requestAccess(command.requestAccess.justification)) }
    else if (command.refresh) answer = { ok: oauth.refresh() === undefined }
  } catch (error) {
    // A step-up hint only when this refusal gave one (a 403 insufficient_scope).
    answer = { ok: false, error: error.message, ...(oauth.lastStepUp() !== hint ? { need: oauth.lastStepUp() } : {}) }
  }
  process.stdout.write(`${JSON.stringify({ id: command.id, ...answer })}\n`)
}
await client.close()
