#!/usr/bin/env node
// Issuance over HTTP against bare Veramo, in the same run (issue 3): the service (fastify, bearer
// auth, policy, SoD, SQLite with synchronous=FULL, audit chain, the issued JWT checked) with 32
// concurrent clients in another process, beside createVerifiableCredential on the issuer's own
// Veramo agent with the same credential. Target: the service reaches >= 60% of the bare rate.
// The server side is pinned to CPU 0 and the clients to CPU 1 when taskset exists.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateAgentKey } from '@agentid/agent'
import { Issuer, startService } from '@agentid/issuer'
import { median, pinToCpu0, printRows, runOnCpu1, scaled } from './bench-support.mjs'

const self = fileURLToPath(import.meta.url)
pinToCpu0(self)

const TOTAL = scaled(1000, 50)
const CONCURRENCY = 32
const ROUNDS = scaled(5)

const home = mkdtempSync(join(tmpdir(), 'agentid-bench-issuer-'))
const { issuer, adminToken } = await Issuer.init({ home, env: {} })
const agent = generateAgentKey()
await issuer.registerAgent({ did: agent.did, name: 'bench-bot', kind: 'service', owner: 'bench' }, 'bench')

// The same credential the service issues, less what only the service adds (its row, status slot
// and audit entry), signed by the same Veramo agent.
const now = Math.floor(Date.now() / 1000)
const statusUrl = 'http://127.0.0.1:8470/status/rev-1'
const credential = (i) => ({
  '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/agentid/v1'],
  type: ['VerifiableCredential', 'AgentEntitlementCredential'],
  id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  issuer: { id: issuer.did },
  issuanceDate: new Date(now * 1000).toISOString(),
  expirationDate: new Date((now + 3600) * 1000).toISOString(),
  credentialSubject: {
    id: agent.did,
    agent: { name: 'bench-bot', kind: 'service', owner: 'bench' },
    entitlements: [{ resource: `db:customers/${i}`, actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }],
    task: { id: 'bench' },
    risk: 'low',
  },
  credentialStatus: [
    { id: `${statusUrl}#${i}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(i), statusListCredential: statusUrl },
    { id: `${statusUrl.replace('rev-1', 'sus-1')}#${i}`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: String(i), statusListCredential: statusUrl.replace('rev-1', 'sus-1') },
  ],
})
const keyId = issuer.did.slice('did:key:'.length)

const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }

async function bareRate() {
  let next = 0
  const start = process.hrtime.bigint()
  const cpu = cpuSeconds()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < TOTAL) {
      const i = next++
      const r = await (await issuer.veramo()).createVerifiableCredential({ credential: credential(i), proofFormat: 'jwt', header: { kid: `${issuer.did}#${keyId}` } })
      if (typeof r.proof?.jwt !== 'string') throw new Error('no JWT')
    }
  }))
  return { rate: TOTAL / (Number(process.hrtime.bigint() - start) / 1e9), cpu: (cpuSeconds() - cpu) / TOTAL }
}

const service = await startService(issuer, { port: 0, sweepIntervalMs: 0, rateLimits: false, log: () => undefined, publicUrlMismatchOk: true })
// The server's CPU per credential: this process does nothing else while the clients run.
const serviceRound = async () => {
  const cpu = cpuSeconds()
  const result = await clientRound()
  return { ...result, cpu: (cpuSeconds() - cpu) / TOTAL }
}
const clientRound = () => runOnCpu1([join(dirname(self), 'bench-issuer-client.mjs'), service.url, adminToken, agent.did, String(TOTAL), String(CONCURRENCY)])

await bareRate() // warm-up
await serviceRound()
const bare = []
const served = []
const ratios = []
const cpuRatios = []
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await bareRate())
  served.push(await serviceRound())
  ratios.push(served.at(-1).rate / bare.at(-1).rate)
  cpuRatios.push(bare.at(-1).cpu / served.at(-1).cpu)
}
await service.close()
await issuer.close()
rmSync(home, { recursive: true, force: true })

const s = { rate: median(served.map((x) => x.rate)), p50: median(served.map((x) => x.p50)), p99: median(served.map((x) => x.p99)) }
const pct = (x) => `${(x * 100).toFixed(1)}%`
const rows = [
  ['Veramo createVerifiableCredential (bare, same agent)', `${median(bare.map((b) => b.rate)).toFixed(0)}/s`, `${CONCURRENCY} concurrent, ${TOTAL} per round; ${(median(bare.map((b) => b.cpu)) * 1e6).toFixed(0)} us of CPU each`],
  ['issuer service, POST /requests over HTTP', `${s.rate.toFixed(0)}/s`, `${pct(median(ratios))} of bare (target >= 60%; rounds ${pct(Math.min(...ratios))}-${pct(Math.max(...ratios))}); durable, audited`],
  ['… the same by CPU time of the server (one core)', `${(median(served.map((x) => x.cpu)) * 1e6).toFixed(0)} us`, `per credential: ${pct(median(cpuRatios))} of bare's rate per CPU second (target >= 60%; rounds ${pct(Math.min(...cpuRatios))}-${pct(Math.max(...cpuRatios))})`],
  ['issuer service latency, 32 concurrent clients', `${s.p50.toFixed(1)} ms`, `p50; p99 ${s.p99.toFixed(1)} ms`],
]
printRows(rows)
