#!/usr/bin/env node
// Revocation reaching verifiers (issue 4), against the real issuer service on loopback:
// - push latency: a verifier in another process, subscribed to GET /status/events, polling only
//   every 5 minutes; for each of 100 credentials, the time from the revocation request to the
//   first refused presentation (median and worst; target: under 1 s);
// - the status check's cost per verification with a warm cache, against no status check
//   (paired rounds; target: under 5%);
// - revoking 10,000 credentials of one agent (retiring it) and signing the new list.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPresentation, generateAgentKey } from '@agentid/agent'
import { Issuer, startService } from '@agentid/issuer'
import { createVerifier, httpStatusLists } from '@agentid/verifier'
import { median, printRows, scaled } from './bench-support.mjs'
import { freePort, startLineProcess } from './line-process.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const REVOCATIONS = scaled(100, 3)

const home = mkdtempSync(join(tmpdir(), 'agentid-bench-revocation-'))
const port = await freePort()
const { issuer, adminToken } = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` } })
const service = await startService(issuer, { port, sweepIntervalMs: 0, rateLimits: false, log: () => undefined })
const agent = generateAgentKey()
const verifierDid = generateAgentKey().did
await issuer.registerAgent({ did: agent.did, name: 'bench-bot', kind: 'service', owner: 'bench' }, 'bench')
const issued = []
for (let i = 0; i < REVOCATIONS + 1; i++) issued.push(await issuer.grant({ subject: agent.did, entitlements: [{ resource: `db:t${i}`, actions: ['read'] }], ttlSeconds: 3600 }, 'bench'))

// The verifier process.
const child = await startLineProcess(join(here, 'verifier-process.mjs'), {
  ...process.env, AGENTID_VERIFIER: JSON.stringify({ did: verifierDid, issuer: issuer.did, origin: service.url, maxAge: 300, refreshAfter: 300, events: `${service.url}/status/events` }),
})
const verify = async (jwt) => {
  const answer = await child.request({ vp: createPresentation({ key: agent, credentials: [jwt], audience: verifierDid, challenge: 'challenge' }) })
  return answer.ok ? 'ok' : answer.code
}

const latencies = []
for (let i = 0; i < REVOCATIONS; i++) {
  const c = issued[i]
  if ((await verify(c.jwt)) !== 'ok') throw new Error('not accepted before revocation')
  const start = process.hrtime.bigint()
  const r = await fetch(`${service.url}/credentials/${encodeURIComponent(c.id)}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } })
  if (r.status !== 200) throw new Error(`revoke: ${r.status}`)
  let answer
  while ((answer = await verify(c.jwt)) === 'ok') await new Promise((resolve) => setTimeout(resolve, 1))
  if (answer !== 'ERR_VC_REVOKED') throw new Error(`refused with ${answer}`)
  latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
}
if ((await verify(issued[REVOCATIONS].jwt)) !== 'ok') throw new Error('an unrevoked credential was refused')
child.stop()

// The status check with a warm cache, against none, in this process.
const N = scaled(3000, 50)
const survivor = issued[REVOCATIONS].jwt
const lists = httpStatusLists({ maxAge: 300, allowedOrigins: [service.url] })
const withStatus = createVerifier({ did: verifierDid, trustedIssuers: [issuer.did], statusLists: lists, externalChallenges: true })
const without = createVerifier({ did: verifierDid, trustedIssuers: [issuer.did], statusLists: 'unchecked', externalChallenges: true })
const vps = (n) => Array.from({ length: n }, () => createPresentation({ key: agent, credentials: [survivor], audience: verifierDid, challenge: 'c' }))
async function rate(verifier, presentations) {
  const start = process.hrtime.bigint()
  for (const vp of presentations) {
    const r = await verifier.verifyPresentation(vp, { challenge: 'c' })
    if (!r.ok) throw new Error(r.code)
  }
  return presentations.length / (Number(process.hrtime.bigint() - start) / 1e9)
}
await rate(withStatus, vps(scaled(200, 10))) // warm: the lists are fetched once
await rate(without, vps(scaled(200, 10)))
const overheads = []
for (let round = 0; round < scaled(11); round++) {
  // Alternating which side runs first, so that warming up and drift favour neither.
  const first = round % 2 === 0 ? await rate(without, vps(N)) : await rate(withStatus, vps(N))
  const second = round % 2 === 0 ? await rate(withStatus, vps(N)) : await rate(without, vps(N))
  const [a, b] = round % 2 === 0 ? [first, second] : [second, first]
  overheads.push(a / b - 1)
}

// 10,000 credentials of one agent: retire it, then sign the new revocation list.
const big = generateAgentKey()
await issuer.registerAgent({ did: big.did, name: 'big-bot', kind: 'service', owner: 'bench' }, 'bench')
const BIG = scaled(10_000, 100)
let next = 0
await Promise.all(Array.from({ length: 32 }, async () => {
  while (next < BIG) {
    const i = next++
    await issuer.grant({ subject: big.did, entitlements: [{ resource: `db:big/${i}`, actions: ['read'] }], ttlSeconds: 3600 }, 'bench')
  }
}))
const t0 = process.hrtime.bigint()
const steps = await issuer.retireAgent(big.did, 'bench')
const t1 = process.hrtime.bigint()
await issuer.publishStatusList('rev-1')
const t2 = process.hrtime.bigint()
if (steps[0].revoked.length !== BIG) throw new Error('not all revoked')

await service.close()
await issuer.close()
rmSync(home, { recursive: true, force: true })

const pct = (x) => `${(x * 100).toFixed(1)}%`
const rows = [
  [`revocation to refusal, push (${REVOCATIONS} revocations)`, `${median(latencies).toFixed(0)} ms`, `median; worst ${Math.max(...latencies).toFixed(0)} ms (target < 1 s)`],
  ['status check per verification, warm cache', pct(median(overheads)), `on top of verification (target < 5%; rounds ${pct(Math.min(...overheads))} to ${pct(Math.max(...overheads))})`],
  [`revoke ${BIG.toLocaleString('en')} credentials of one agent`, `${(Number(t1 - t0) / 1e6).toFixed(0)} ms`, `retire, one transaction; then sign the new list: ${(Number(t2 - t1) / 1e6).toFixed(0)} ms`],
]
printRows(rows)
