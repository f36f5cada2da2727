#!/usr/bin/env node
// Credential delivery (issue 15), in one run: renewals issued by the OpenID4VCI credential
// endpoint per second on one core (the service pinned to CPU 0, 32 clients on CPU 1; each a
// c_nonce, then the token, its DPoP proof and the key proof checked, the grant's standing and the
// policy judged, a new credential signed, self-checked and committed with its status slot and
// audit entry), beside issuing over HTTP (POST /requests) in the same run; target: at least 80%.
// Every round moves the issuer's clock 31 s on, so each agent's newest credential (60 s) is due.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { agentKeyFromSeed } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, policyToJson, startService } from '@agentid/issuer'
import { freePort } from './line-process.mjs'
import { median, pinToCpu0, printRows, runOnCpu1, scaled } from './bench-support.mjs'

const self = fileURLToPath(import.meta.url)
pinToCpu0(self)

const AGENTS = scaled(1000, 40)
const CONCURRENCY = 32
const ROUNDS = scaled(5)

let offset = 0
const home = mkdtempSync(join(tmpdir(), 'agentid-bench-oid4vci-'))
const port = await freePort()
const { issuer, adminToken } = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` }, now: () => Date.now() + offset })
const policy = policyToJson(DEFAULT_POLICY)
policy.rules = [{ resource: 'db:*', actions: ['*'], risk: 'low', maxTtl: '30d' }]
await issuer.setPolicy(policy, 'bench')
for (let i = 0; i < AGENTS; i++) {
  const key = agentKeyFromSeed(Buffer.from(String(i).padStart(32, 'k')))
  await issuer.registerAgent({ did: key.did, name: `bench-${i}`, kind: 'service', owner: 'bench' }, 'bench')
  await issuer.grant({ subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'], constraints: { maxRecords: 5000 } }], ttlSeconds: 60, renewableForSeconds: 30 * 86400 }, 'bench')
}
const service = await startService(issuer, { port, sweepIntervalMs: 0, rateLimits: false, log: () => undefined, metrics: 'off' })
const url = issuer.publicUrl
const here = dirname(self)
const renewRound = () => {
  offset += 31_000
  return runOnCpu1([join(here, 'bench-oid4vci-client.mjs'), url, String(AGENTS), String(offset), String(CONCURRENCY)])
}
const issuedTo = agentKeyFromSeed(new Uint8Array(32).fill(255))
await issuer.registerAgent({ did: issuedTo.did, name: 'bench-issued', kind: 'service', owner: 'bench' }, 'bench')
const issueRound = () => runOnCpu1([join(here, 'bench-issuer-client.mjs'), url, adminToken, issuedTo.did, String(AGENTS), String(CONCURRENCY)])

await renewRound() // warm-up
await issueRound()
const renewals = []
const issues = []
const ratios = []
for (let round = 0; round < ROUNDS; round++) {
  renewals.push(await renewRound())
  issues.push(await issueRound())
  ratios.push(renewals.at(-1).rate / issues.at(-1).rate)
}
const renewed = (await issuer.store.readAudit(1, 10_000_000)).filter((e) => e.action === 'credential.renew').length
if (renewed !== AGENTS * (ROUNDS + 1)) throw new Error(`expected ${AGENTS * (ROUNDS + 1)} renewals, the audit log has ${renewed}`)

await service.close()
await issuer.close()
rmSync(home, { recursive: true, force: true })

const pct = (x) => `${(x * 100).toFixed(1)}%`
printRows([
  ['OpenID4VCI credential endpoint, renewals issued', `${median(renewals.map((g) => g.rate)).toFixed(0)}/s`, `${pct(median(ratios))} of POST /requests in the same run (target >= 80%; rounds ${pct(Math.min(...ratios))}-${pct(Math.max(...ratios))}); p50 ${median(renewals.map((g) => g.p50)).toFixed(1)} ms, nonce + credential request`],
])
