#!/usr/bin/env node
// npm run demo: the issuer service and two agent processes on 127.0.0.1. A reporting agent (segment
// "sales") and a CRM agent (segment "crm") verify each other, the reporting agent reads customer
// data, is denied HR records, then is suspended at the issuer and loses access mid-session.
// Everything is real: HTTP on loopback, SQLite, separate processes. Files go to a temporary folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startLineProcess } from './line-process.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(join(root, 'packages', 'issuer', 'dist', 'index.js'))) {
  console.error('agentid is not built yet: run "npm install" (it builds), or "npm run build".')
  process.exit(1)
}
const { generateAgentKey, saveAgentKey } = await import('@agentid/agent')
const { DEFAULT_POLICY, Issuer, policyToJson, startService } = await import('@agentid/issuer')

const ms = (start) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`
const say = (text) => console.log(text)
const dir = mkdtempSync(join(tmpdir(), 'agentid-demo-'))
const port = await freePort()
const { issuer, adminToken } = await Issuer.init({ home: join(dir, 'issuer'), env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` } })
const service = await startService(issuer, { port, log: () => undefined })
say(`Issuer service on ${service.url} (issuer ${issuer.did.slice(0, 24)}…), files in ${dir}`)
// The default policy, plus: connecting to other agents is a low-risk action (no approval).
const policy = policyToJson(DEFAULT_POLICY)
policy.rules.push({ resource: 'mesh:*', actions: ['connect'], risk: 'low', maxTtl: '1d' })
await issuer.setPolicy(policy, 'demo')
say('Policy: the default, plus "connecting to other agents is low risk".\n')

// Two agents, each with its own key; the issuer enrols them in their segments and grants each
// what it needs, including the right to connect to other agents.
const agents = {}
for (const [name, segment, resource] of [['reporting', 'sales', 'db:customers'], ['crm', 'crm', 'crm:accounts/*']]) {
  const key = generateAgentKey()
  await saveAgentKey(join(dir, `${name}.key`), key)
  await issuer.registerAgent({ did: key.did, name: `${name}-agent`, kind: 'company', owner: 'ops', segment }, 'demo')
  const credential = await issuer.grant({ subject: key.did, entitlements: [{ resource, actions: ['read'] }, { resource: 'mesh:agents', actions: ['connect'] }], ttlSeconds: 3600 }, 'demo')
  agents[name] = { key, credential: credential.jwt }
  say(`Enrolled the ${name} agent ${key.did.slice(0, 24)}… in segment "${segment}": may read ${resource}, may connect to agents.`)
}

async function startAgent(name) {
  const child = await startLineProcess(join(root, 'scripts', 'mutual-agent-process.mjs'), {
    ...process.env,
    AGENTID_AGENT: JSON.stringify({
      key: join(dir, `${name}.key`), credentials: [agents[name].credential], issuer: issuer.did, origin: service.url, events: `${service.url}/status/events`,
      requirePeer: { resource: 'mesh:agents', action: 'connect' }, segments: { sales: ['crm'], crm: ['sales'] },
    }),
  })
  return { ...child.info, call: (url, path) => child.request({ call: { url, path } }), stop: () => child.stop() }
}

const reporting = await startAgent('reporting')
const crm = await startAgent('crm')
say(`\nTwo agent processes are up: reporting agent on ${reporting.url}, CRM agent on ${crm.url}.`)

const outcome = (r) => (r.status === 200 ? `allowed, ${r.body.records.length} records` : `refused: ${r.body?.error?.code ?? r.error?.code} (${r.body?.error?.message ?? r.error?.message})`)
try {
  say('\n1. The reporting agent contacts the CRM agent. They verify each other (hello, two presentations),')
  say('   then it reads customer data with one signed proof.')
  let start = process.hrtime.bigint()
  let r = await reporting.call(crm.url, '/data/db:customers')
  say(`   handshake + first read: ${outcome(r)}  (${ms(start)})`)
  start = process.hrtime.bigint()
  r = await reporting.call(crm.url, '/data/db:customers')
  say(`   second read, same session, one proof: ${outcome(r)}  (${ms(start)})`)

  say('\n2. It asks for HR records, which it was never granted.')
  start = process.hrtime.bigint()
  r = await reporting.call(crm.url, '/data/db:hr-records')
  say(`   ${outcome(r)}  (${ms(start)})`)

  say('\n3. Security suspends the reporting agent at the issuer (the incident-response button).')
  start = process.hrtime.bigint()
  const suspended = await fetch(`${service.url}/agents/${agents.reporting.key.did}/suspend`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } })
  say(`   issuer: ${suspended.status === 200 ? 'suspended' : `HTTP ${suspended.status}`}; the status list change is pushed to the CRM agent.`)
  let tries = 0
  do {
    r = await reporting.call(crm.url, '/data/db:customers')
    tries++
  } while (r.status === 200 && tries < 500)
  say(`   the same session, next read: ${outcome(r)}  (${ms(start)} after the suspension, ${tries} attempt${tries === 1 ? '' : 's'})`)

  say('\n4. Security resumes it.')
  await fetch(`${service.url}/agents/${agents.reporting.key.did}/resume`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } })
  start = process.hrtime.bigint()
  tries = 0
  do {
    r = await reporting.call(crm.url, '/data/db:customers')
    tries++
  } while (r.status !== 200 && tries < 500)
  say(`   read after a new handshake: ${outcome(r)}  (${ms(start)})`)
  say('\nEvery step is in the issuer\'s audit log; the two agents never asked the issuer anything but public status lists.')
} finally {
  reporting.stop()
  crm.stop()
  await service.close()
  await issuer.close()
  rmSync(dir, { recursive: true, force: true })
}
