#!/usr/bin/env node
// npm run demo:mcp: an MCP server with three tools of different risk (examples/mcp/crm-tools-server.mjs)
// and an agent that uses them (examples/mcp/agent.mjs), each in its own process, on the official
// MCP SDK, with the agentid issuer as their OAuth authorization server. Shows an allowed call, a
// call past a constraint, a denied one, a step-up request approved by two principals and then the
// call succeeding, and a suspension cutting the agent off mid-session, with timings. Everything
// is real: HTTP on 127.0.0.1, SQLite, separate processes. Files go to a temporary folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startLineProcess } from './line-process.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(join(root, 'packages', 'mcp', 'dist', 'index.js'))) {
  console.error('agentid is not built yet: run "npm install" (it builds), or "npm run build".')
  process.exit(1)
}
const { generateAgentKey, saveAgentKey } = await import('@agentid/agent')
const { DEFAULT_POLICY, Issuer, policyToJson, startService } = await import('@agentid/issuer')

const ms = (start) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`
const say = (text) => console.log(text)
const dir = mkdtempSync(join(tmpdir(), 'agentid-demo-mcp-'))
const [issuerPort, mcpPort] = [await freePort(), await freePort()]
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`
const { issuer, adminToken } = await Issuer.init({ home: join(dir, 'issuer'), env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${issuerPort}` } })
const service = await startService(issuer, { port: issuerPort, log: () => undefined, accessLog: undefined, metrics: 'off' })
say(`Issuer service and OAuth authorization server on ${service.url}, files in ${dir}`)

// The default policy (writes need ai-ops then security; hr:* is high risk), plus the MCP server
// and the resources it serves: its tokens carry only entitlements on those.
const policy = policyToJson(DEFAULT_POLICY)
policy.resourceServers = [{ url: mcpUrl, resources: ['db:*', 'hr:*'] }]
await issuer.setPolicy(policy, 'demo')
const olga = (await issuer.createPrincipal({ id: 'olga', roles: ['ai-ops'] }, 'demo')).token
const sam = (await issuer.createPrincipal({ id: 'sam', roles: ['security'] }, 'demo')).token
say(`Policy: the default, with ${mcpUrl} serving db:* and hr:*. Approvers: olga (ai-ops), sam (security).`)

const key = generateAgentKey()
await saveAgentKey(join(dir, 'agent.key'), key)
await issuer.registerAgent({ did: key.did, name: 'crm-assistant', kind: 'company', owner: 'sales-ops' }, 'demo')
const read = await issuer.grant({ subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'], constraints: { maxRecords: 1000 } }], ttlSeconds: 3600 }, 'demo')
say(`Enrolled crm-assistant ${key.did.slice(0, 24)}…: may read db:customers, at most 1,000 records a call.\n`)

const server = await startLineProcess(join(root, 'examples', 'mcp', 'crm-tools-server.mjs'), {
  ...process.env, AGENTID_MCP: JSON.stringify({ issuer: service.url, issuerDid: issuer.did, port: mcpPort }),
})
const agent = await startLineProcess(join(root, 'examples', 'mcp', 'agent.mjs'), {
  ...process.env, AGENTID_MCP_AGENT: JSON.stringify({ key: join(dir, 'agent.key'), credential: read.jwt, issuer: service.url, issuerDid: issuer.did, server: mcpUrl }),
})
say(`MCP server "CRM tools" on ${mcpUrl}; the agent connected (discovery, a DPoP-bound token, initialize).`)

const call = (name, args = {}) => agent.request({ call: { name, arguments: args } })
const outcome = (r) => (r.ok ? `allowed: ${r.text}` : `refused: ${r.need?.description ?? r.error}`)
const approve = (token, id) => fetch(`${service.url}/requests/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })
try {
  say('\n1. query_customers(limit 50): low risk, covered by its credential.')
  let start = process.hrtime.bigint()
  say(`   ${outcome(await call('query_customers', { limit: 50 }))}  (${ms(start)})`)
  start = process.hrtime.bigint()
  say(`   again, same token: ${outcome(await call('query_customers', { limit: 50 }))}  (${ms(start)})`)

  say('\n2. query_customers(limit 5000): past the maxRecords constraint.')
  start = process.hrtime.bigint()
  say(`   ${outcome(await call('query_customers', { limit: 5000 }))}  (${ms(start)})`)

  say('\n3. update_customer: a write it was never granted.')
  start = process.hrtime.bigint()
  const denied = await call('update_customer', { id: 'c-1042' })
  say(`   ${outcome(denied)}  (${ms(start)})`)
  say(`   the refusal says what to request: ${denied.need?.action} on ${denied.need?.resource}, at ${denied.need?.requestUri}`)

  say('\n4. Step-up: the agent files the request itself; olga (ai-ops) then sam (security) approve.')
  start = process.hrtime.bigint()
  const filed = await agent.request({ requestAccess: { justification: 'fix the e-mail address of customer c-1042' } })
  const requestId = filed.body.request.id
  say(`   request ${requestId}: ${filed.body.request.status}, risk ${filed.body.request.risk}, waiting for ${filed.body.request.chain?.join(' then ') ?? 'approvals'}`)
  say(`   olga approves: HTTP ${(await approve(olga, requestId)).status}; sam approves: HTTP ${(await approve(sam, requestId)).status} (the credential is issued)`)
  await agent.request({ refresh: true })
  say(`   update_customer again: ${outcome(await call('update_customer', { id: 'c-1042' }))}  (${ms(start)} from the request to the call)`)

  say('\n5. export_payroll: hr:payroll was never asked for.')
  start = process.hrtime.bigint()
  say(`   ${outcome(await call('export_payroll'))}  (${ms(start)})`)

  say('\n6. Security suspends the agent at the issuer (incident response), mid-session.')
  start = process.hrtime.bigint()
  const suspended = await fetch(`${service.url}/agents/${key.did}/suspend`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: '{}' })
  say(`   issuer: ${suspended.status === 200 ? 'suspended' : `HTTP ${suspended.status}`}; the status lists' change is pushed to the MCP server.`)
  let r
  let tries = 0
  do {
    r = await call('query_customers', { limit: 10 })
    tries++
  } while (r.ok && tries < 500)
  say(`   next call: ${outcome(r)}  (${ms(start)} after the suspension, ${tries} call${tries === 1 ? '' : 's'})`)
  say('\nEvery token granted and every refusal is in the issuer\'s audit log (oauth.token, access.refused).')
} finally {
  agent.stop()
  server.stop()
  await service.close()
  await issuer.close()
  rmSync(dir, { recursive: true, force: true })
}
