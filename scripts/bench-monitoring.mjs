#!/usr/bin/env node
// Monitoring and the audit log (issues 6 and 21): verification events ingested per second by the
// issuer service (POST /events, batches of 1,000 from a client in another process; the server on
// one core), the detector alone on the realistic fortnight of scripts/workload.mjs (with the
// issuer's context, as the service runs it), and `audit verify` over 1,000,000 entries.
// Targets: at least 100,000 events/s over HTTP and for the detector alone, on one core, warm;
// audit verify of 1,000,000 entries under 10 s.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { AnomalyDetector, auditEntryHash, GENESIS_HASH, Issuer, startService } from '@agentid/issuer'
import { BENCH_CLOCK, clockOpsPerSecond, median, pinToCpu0, printRows, runOnCpu1, scaled, startClock } from './bench-support.mjs'
import { generateWeek } from './workload.mjs'

const self = fileURLToPath(import.meta.url)
const AGENTS = scaled(150, 60)
const SCALE = scaled(1, 0.02)
// The fortnight, its events renamed to the agents the server enrolled and moved to end now.
function workload(dids) {
  const week = generateWeek({ seed: 11, agents: AGENTS, scale: SCALE, attacks: true })
  const index = new Map(week.agents.map((a, i) => [a.id, i]))
  const shift = dids ? Math.round(Date.now() - week.end) : 0
  const events = week.events.map((e) => ({ ...e, at: e.at + shift, agent: dids ? dids[index.get(e.agent)] : e.agent }))
  return { week, events }
}
if (process.argv[2] === 'client') {
  // The client: posts the workload (of the agents the server enrolled, over the last days) in
  // batches, 4 at a time.
  const [, , , url, token, didsJson] = process.argv
  // Only the last 5 minutes of dates pass the issuer's window unclamped; the rest are clamped,
  // which costs the same: the rate is what counts here.
  const events = workload(JSON.parse(didsJson)).events.slice(-scaled(100_000, 2000))
  const batches = []
  for (let i = 0; i < events.length; i += 1000) batches.push(JSON.stringify({ events: events.slice(i, i + 1000) }))
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < batches.length) {
      const body = batches[next++]
      const r = await fetch(`${url}/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`)
      const answer = await r.json()
      if (answer.skipped !== 0) throw new Error(`the issuer skipped ${answer.skipped} events`)
    }
  }))
  console.log(JSON.stringify({ events: events.length, rate: events.length / (Number(process.hrtime.bigint() - start) / 1e9) }))
  process.exit(0)
}
pinToCpu0(self)

const home = mkdtempSync(join(tmpdir(), 'agentid-bench-monitoring-'))
const { issuer } = await Issuer.init({ home, env: {} })

// The detector alone, with the context the issuer gives it (peer groups, entitlements): the first
// fortnight the process sees (cold), then a second one, a fresh copy of the same events (no string
// or object of the first) through a new detector (warm). The cold pass runs at under half the
// warm one's rate (not compilation, the heap's size, the events or their strings: what was ruled
// out is in docs/performance.md); a long-running service has the engine's state of the second
// after its first minutes, so `stay at least 100,000/s` is the warm figure's to meet. Both shown.
// (In a function: the server below must not carry the bench's 1,150,000 events in its heap.)
function detectorRates() {
  const { week, events } = workload()
  const contexts = new Map(week.agents.map((a) => [a.id, { groups: [`team:${a.team}/${a.kind}`, `segment:${a.segment}`, `role:${a.role}`], entitlements: new Map(a.entitled.map((f) => [f, 0])) }]))
  const detectorPass = (list) => {
    const detector = new AnomalyDetector({ context: (agent) => contexts.get(agent) })
    return clockOpsPerSecond(list.length, (i) => detector.observe(list[i]))
  }
  const cold = detectorPass(events)
  return { cold, warm: detectorPass(JSON.parse(JSON.stringify(events))), events: events.length }
}
const { cold: coldRate, warm: warmRate, events: detectorEvents } = detectorRates()

// Over HTTP, for the enrolled agents (events about unknown agents are skipped).
const { token } = await issuer.createPrincipal({ id: 'bench-reporter', roles: ['reporter'] }, 'bench')
const { generateAgentKey } = await import('@agentid/agent')
const dids = []
for (let i = 0; i < AGENTS; i++) {
  const did = generateAgentKey().did
  await issuer.registerAgent({ did, name: `bench-${i}`, kind: 'service', owner: 'bench' }, 'bench')
  dids.push(did)
}
const service = await startService(issuer, { port: 0, sweepIntervalMs: 0, rateLimits: false, statusCheckIntervalMs: 0, log: () => undefined, publicUrlMismatchOk: true })
// Six rounds of the client's 100,000 events: the first is the server's first traffic (cold);
// the median of the last three is the figure for a server that has been taking events in for a
// few seconds (warm: the first two rounds have run slower than the rest, which are level within
// the VM's noise).
// By the bench's clock: the server's CPU time by default (events per second of its one core,
// whatever else the shared VM runs; its idle wait while the client builds its batches costs
// nothing), or the client's wall clock (AGENTID_BENCH_CLOCK=wall). The wall-clock rates are
// shown beside either way.
const httpRates = []
const wallRates = []
for (let round = 0; round < scaled(6, 2); round++) {
  const args = [self, 'client', service.url, token, JSON.stringify(dids)]
  const elapsed = startClock()
  const { events, rate } = await runOnCpu1(args)
  const seconds = elapsed()
  httpRates.push(BENCH_CLOCK === 'cpu' ? events / seconds : rate)
  wallRates.push(rate)
}
await service.close()

// audit verify over 1,000,000 entries: written straight into the table (as a long-lived issuer
// would have them), then verified by the engine.
await issuer.close()
const ENTRIES = scaled(1_000_000, 1000)
const db = new Database(join(home, 'issuer.db'))
const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get()
const insert = db.prepare('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
let prev = last?.hash ?? GENESIS_HASH
let seq = last?.seq ?? 0
const write = db.transaction((n) => {
  for (let i = 0; i < n; i++) {
    seq++
    const input = { actor: 'bench', action: 'credential.issue', target: `urn:uuid:${seq}`, details: { subject: 'did:key:z6Mkbench', statusIndex: seq % 131072, expires: 1796000000 + seq } }
    const at = 1796000000000 + seq
    const hash = auditEntryHash(prev, seq, at, input)
    insert.run(seq, at, input.actor, input.action, input.target, JSON.stringify(input.details), prev, hash)
    prev = hash
  }
})
while (seq < ENTRIES) write(Math.min(50_000, ENTRIES - seq))
db.close()
const reopened = await Issuer.open({ home, env: {} })
const start = process.hrtime.bigint()
const verified = await reopened.verifyAudit()
const verifySeconds = Number(process.hrtime.bigint() - start) / 1e9
await reopened.close()
rmSync(home, { recursive: true, force: true })
if (!verified.ok) throw new Error(`audit verify failed: ${verified.reason}`)

const clock = BENCH_CLOCK === 'cpu' ? 'CPU time' : 'wall clock'
const rows = [
  ['events ingested by the issuer, POST /events, warm', `${median(httpRates.slice(-3)).toFixed(0)}/s`, `batches of 1,000, 4 at a time, server on one core, median of rounds 4-6, the server's ${clock} (target >= 100,000/s; wall clock ${median(wallRates.slice(-3)).toFixed(0)}/s)`],
  ['events ingested by the issuer, POST /events, cold', `${httpRates[0].toFixed(0)}/s`, `the same, the new server's first 100,000 events (wall clock ${wallRates[0].toFixed(0)}/s)`],
  ['anomaly detector alone, warm', `${warmRate.toFixed(0)}/s`, `${detectorEvents.toLocaleString('en')} events of the realistic fortnight, ${AGENTS} agents, with context, the process's second fortnight, ${clock} (target >= 100,000/s)`],
  ['anomaly detector alone, cold', `${coldRate.toFixed(0)}/s`, 'the same, the first fortnight a new process sees'],
  [`audit verify, ${verified.entries.toLocaleString('en')} entries`, `${verifySeconds.toFixed(1)} s`, `hash chain and ${verified.checkpoints} signed checkpoints (target < 10 s)`],
]
printRows(rows)
