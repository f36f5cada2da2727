#!/usr/bin/env node
// The issuer on PostgreSQL with several replicas (issue 17), beside SQLite, in one run:
// - grants per second through POST /requests (durable), 32 clients in another process sending
//   each request to the next replica in turn, with 1, 2 and 3 `agentid serve` processes on one
//   PostgreSQL database, and with one process on SQLite;
// - revocation to refusal across replicas: a verifier in another process takes its status lists
//   and their events from one replica, the revocation goes to another; the time from the
//   revocation request to the first refused presentation (target: under 1 s).
// Needs PostgreSQL (AGENTID_TEST_DATABASE, default the local server); says so and skips without.
// Not pinned: the replicas, PostgreSQL and the clients share the machine's cores, as they would.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createPresentation, generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, policyToJson } from '@agentid/issuer'
import { banner, median, printRows, runOnCpu1, scaled } from './bench-support.mjs'
import { freePort, startLineProcess } from './line-process.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const BIN = join(here, '..', 'packages', 'cli', 'bin', 'agentid.js')
const SERVER = process.env.AGENTID_TEST_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/test'
const TOTAL = scaled(1000, 30)
const CONCURRENCY = 32
const ROUNDS = scaled(3)
const REVOCATIONS = scaled(50, 3)

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

const NO_APPROVALS = { ...policyToJson(DEFAULT_POLICY), approvalChains: { low: [], medium: [], high: [], critical: [] }, rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '30d' }] }

/** A new issuer (SQLite in its home, or a fresh PostgreSQL schema) with one agent to grant to. */
async function makeIssuer(database, publicUrl) {
  const home = mkdtempSync(join(tmpdir(), 'agentid-bench-replicas-'))
  const { issuer, adminToken } = await Issuer.init({ home, ...(database ? { database } : {}), env: { AGENTID_PUBLIC_URL: publicUrl } })
  await issuer.setPolicy(NO_APPROVALS, 'bench')
  const agent = generateAgentKey()
  await issuer.registerAgent({ did: agent.did, name: 'bench-bot', kind: 'service', owner: 'bench' }, 'bench')
  await issuer.close()
  return { home, adminToken, agent }
}

/** `agentid serve` on a port, resolved once it listens. */
async function serve(home, database, port) {
  const child = spawn(process.execPath, [BIN, '--json', ...(database ? ['--database', database] : []), 'serve', '--port', String(port), '--public-url-mismatch-ok', '--rate', '0', '--access-log', 'off', '--max-connections-per-address', '0'], {
    env: { ...process.env, AGENTID_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
  await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line.includes('"url"') && resolve())
    child.once('exit', (code) => reject(new Error(`agentid serve exited (${code}): ${err}`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') }) }
}

async function dropSchema(schema) {
  const client = new pg.Client({ connectionString: SERVER })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
  await client.end()
}

/** Grants per second through `replicas` serve processes (PostgreSQL), or one on SQLite (replicas 0). */
async function grantRate(replicas) {
  const schema = `agentid_bench_${randomBytes(6).toString('hex')}`
  const database = replicas > 0 ? `${SERVER}?schema=${schema}` : undefined
  const ports = await Promise.all(Array.from({ length: Math.max(1, replicas) }, () => freePort()))
  const { home, adminToken, agent } = await makeIssuer(database, `http://127.0.0.1:${ports[0]}`)
  const servers = []
  try {
    for (const port of ports) servers.push(await serve(home, database, port))
    const urls = servers.map((s) => s.url).join(',')
    await runOnCpu1([join(here, 'bench-issuer-client.mjs'), urls, adminToken, agent.did, String(scaled(100, 5)), String(CONCURRENCY)]) // warm-up
    const rates = []
    for (let round = 0; round < ROUNDS; round++) rates.push((await runOnCpu1([join(here, 'bench-issuer-client.mjs'), urls, adminToken, agent.did, String(TOTAL), String(CONCURRENCY)])).rate)
    return median(rates)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(home, { recursive: true, force: true })
    if (database) await dropSchema(schema)
  }
}

/** Revocation at replica A to the first refusal by a verifier listening to replica B. */
async function revocationAcrossReplicas() {
  const schema = `agentid_bench_${randomBytes(6).toString('hex')}`
  const database = `${SERVER}?schema=${schema}`
  const [portA, portB] = [await freePort(), await freePort()]
  // The credentials name replica B for their status: the verifier fetches and listens there.
  const { home, adminToken, agent } = await makeIssuer(database, `http://127.0.0.1:${portB}`)
  const servers = []
  try {
    servers.push(await serve(home, database, portA), await serve(home, database, portB))
    const [a, b] = servers
    const grant = async (i) => {
      const r = await fetch(`${a.url}/requests`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: agent.did, entitlements: [{ resource: `db:t${i}`, actions: ['read'] }], ttl: '1h' }) })
      if (r.status !== 201) throw new Error(`grant: ${r.status}`)
      return (await r.json()).credential
    }
    const issued = []
    for (let i = 0; i < REVOCATIONS; i++) issued.push(await grant(i))
    const issuerDid = (await (await fetch(`${b.url}/issuer`)).json()).did
    const verifierDid = generateAgentKey().did
    const child = await startLineProcess(join(here, 'verifier-process.mjs'), {
      ...process.env, AGENTID_VERIFIER: JSON.stringify({ did: verifierDid, issuer: issuerDid, origin: b.url, maxAge: 300, refreshAfter: 300, events: `${b.url}/status/events` }),
    })
    const verify = async (jwt) => {
      const answer = await child.request({ vp: createPresentation({ key: agent, credentials: [jwt], audience: verifierDid, challenge: 'challenge' }) })
      return answer.ok ? 'ok' : answer.code
    }
    const latencies = []
    for (const c of issued) {
      if ((await verify(c.jwt)) !== 'ok') throw new Error('not accepted before revocation')
      const start = process.hrtime.bigint()
      const r = await fetch(`${a.url}/credentials/${encodeURIComponent(c.id)}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } })
      if (r.status !== 200) throw new Error(`revoke: ${r.status}`)
      let answer
      while ((answer = await verify(c.jwt)) === 'ok') await new Promise((resolve) => setTimeout(resolve, 1))
      if (answer !== 'ERR_VC_REVOKED') throw new Error(`refused with ${answer}`)
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    child.stop()
    return latencies
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(home, { recursive: true, force: true })
    await dropSchema(schema)
  }
}

console.log(banner('agentid bench: replicas on PostgreSQL'))
if (!(await postgresAnswers())) {
  console.log(`skipped: no PostgreSQL at ${SERVER.replace(/:[^:@/]*@/, ':***@')} (set AGENTID_TEST_DATABASE)`)
} else {
  const sqlite = await grantRate(0)
  const rows = [['issuer service, grants over HTTP, SQLite, 1 process', `${sqlite.toFixed(0)}/s`, `${CONCURRENCY} clients, POST /requests, durable`]]
  for (const replicas of [1, 2, 3]) {
    const rate = await grantRate(replicas)
    rows.push([`issuer service, grants over HTTP, PostgreSQL, ${replicas} replica${replicas === 1 ? '' : 's'}`, `${rate.toFixed(0)}/s`, `${(rate / sqlite * 100).toFixed(0)}% of SQLite; round-robin over the replicas`])
  }
  const latencies = await revocationAcrossReplicas()
  rows.push([`revocation to refusal across replicas (${latencies.length})`, `${median(latencies).toFixed(0)} ms`, `median; worst ${Math.max(...latencies).toFixed(0)} ms (target < 1 s): revoked at one replica, verifier listening to another`])
  printRows(rows)
}
