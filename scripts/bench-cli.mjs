#!/usr/bin/env node
// CLI start-up (issue 19): the wall time of one `agentid` command above bare `node -e 0`, for the
// read-only commands people type all day. Target: under 150 ms above bare node.
// `agent list`, `requests` and `whoami` go to a running `agentid serve` (AGENTID_URL and
// AGENTID_TOKEN set; the service has its own CPU when taskset exists); `verify` checks a
// presentation offline; `inspect` is measured when this build has the command.
// Each figure is the median of interleaved runs (bare node, then each command, repeated), so that
// a noisy moment on the machine hits all of them alike.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { agentKeyFromSeed, createPresentation, signJwt } from '@agentid/agent'
import { freePort } from './line-process.mjs'
import { median, printRows, scaled } from './bench-support.mjs'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'bin', 'agentid.js')
const TARGET_MS = 150
const work = mkdtempSync(join(tmpdir(), 'agentid-bench-cli-'))
const home = join(work, 'home')

/** `agentid serve --init` in its own process; resolves with its URL and a stop function. */
async function startServe() {
  const port = await freePort()
  const args = [BIN, '--json', 'serve', '--init', '--port', String(port), '--sweep-interval', '0']
  // The service on CPU 1, the measured commands on CPU 0 (where bench.mjs pins itself).
  const pinned = existsSync('/usr/bin/taskset')
  const child = spawn(pinned ? 'taskset' : process.execPath, pinned ? ['-c', '1', process.execPath, ...args] : args, {
    env: { ...process.env, AGENTID_HOME: home, AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
  // serve --json prints one JSON document (over several lines) once it listens.
  const url = await new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', (code) => reject(new Error(`agentid serve exited (${code}) before listening: ${err}`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      out += line
      try {
        resolve(JSON.parse(out).url)
      } catch {
        // not the whole document yet
      }
    })
  })
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** One run's wall time in ms; throws when the command fails. */
function timeOnce(argv, env) {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, argv, { cwd: work, env, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} failed (${r.status}): ${r.stderr}`)
  return ms
}

/** A presentation for the offline rows, with what `verify` needs to accept it. */
function offlineFiles() {
  const issuer = agentKeyFromSeed(new Uint8Array(32).fill(11))
  const agent = agentKeyFromSeed(new Uint8Array(32).fill(12))
  const verifier = agentKeyFromSeed(new Uint8Array(32).fill(13))
  const now = Math.floor(Date.now() / 1000)
  const vc = signJwt(issuer, {
    iss: issuer.did, sub: agent.did, jti: 'urn:uuid:00000000-0000-4000-8000-000000000001', nbf: now - 60, exp: now + 3600,
    vc: {
      '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/agentid/v1'],
      type: ['VerifiableCredential', 'AgentEntitlementCredential'],
      credentialSubject: { agent: { name: 'report-bot', kind: 'company', owner: 'sales-team' }, entitlements: [{ resource: 'db:customers', actions: ['read'] }] },
    },
  })
  // 300 s, the longest a presentation may live: the bench's runs take well under that.
  const vp = createPresentation({ key: agent, credentials: [vc], audience: verifier.did, challenge: 'bench-challenge', ttl: 300 })
  writeFileSync(join(work, 'bench.vp.jwt'), `${vp}\n`)
  return { audience: verifier.did, trust: issuer.did }
}

async function main() {
  const serve = await startServe()
  try {
    const token = readFileSync(join(home, 'admin.token'), 'utf8').trim()
    const bare = { ...process.env }
    delete bare.AGENTID_URL
    delete bare.AGENTID_TOKEN
    const remote = { ...bare, AGENTID_URL: serve.url, AGENTID_TOKEN: token }
    // Something to list: one agent.
    const bot = agentKeyFromSeed(new Uint8Array(32).fill(14))
    timeOnce([BIN, 'agent', 'register', bot.did, '--name', 'bench-bot', '--kind', 'service', '--owner', 'bench'], remote)

    const offline = offlineFiles()
    const commands = [
      ['agentid agent list, remote', ['agent', 'list'], remote],
      ['agentid requests, remote', ['requests'], remote],
      ['agentid whoami, remote', ['whoami'], remote],
      ['agentid verify, offline', ['verify', 'bench.vp.jwt', '--audience', offline.audience, '--challenge', 'bench-challenge', '--trust', offline.trust, '--skip-status'], bare],
    ]
    // inspect is another change of issue 19: measured once this build has it (and it takes a
    // presentation file as its one argument; said so, rather than failing the bench, otherwise).
    const help = spawnSync(process.execPath, [BIN, '--help'], { cwd: work, env: bare, encoding: 'utf8' }).stdout
    if (/^\s+inspect\b/m.test(help)) {
      const probe = spawnSync(process.execPath, [BIN, 'inspect', 'bench.vp.jwt'], { cwd: work, env: bare, encoding: 'utf8' })
      if (probe.status === 0) commands.push(['agentid inspect, offline', ['inspect', 'bench.vp.jwt'], bare])
      else console.log(`agentid inspect: not measured, "agentid inspect bench.vp.jwt" exited ${probe.status}: ${probe.stderr.trim()}`)
    }
    commands.push(['agentid --version', ['--version'], bare])

    const runs = scaled(21, 3)
    const bareTimes = []
    const times = commands.map(() => [])
    // Fill the file cache first.
    timeOnce(['-e', '0'], bare)
    commands.forEach(([, args, env]) => timeOnce([BIN, ...args], env))
    for (let i = 0; i < runs; i++) {
      bareTimes.push(timeOnce(['-e', '0'], bare))
      commands.forEach(([, args, env], c) => times[c].push(timeOnce([BIN, ...args], env)))
    }
    const bareMs = median(bareTimes)
    printRows(commands.map(([what], c) => {
      const above = median(times[c]) - bareMs
      return [`${what}, above bare node`, `${above.toFixed(1)} ms`, `median of ${runs}: ${median(times[c]).toFixed(1)} ms, bare node -e 0 ${bareMs.toFixed(1)} ms (target < ${TARGET_MS} ms above)`]
    }))
  } finally {
    await serve.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
