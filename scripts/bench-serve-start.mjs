#!/usr/bin/env node
// npm run bench, "serve: start to first answer": how long `agentid serve` takes from the moment
// its process is spawned to the first answer of GET /livez on an existing, idle issuer (what a
// restart costs; issue 19 aims under 500 ms). The client polls the port every 5 ms: a bench may
// poll, a test may not. Median of several runs, with bare `node -e 0` beside it.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './line-process.mjs'
import { banner, median, printRows, scaled } from './bench-support.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'packages', 'cli', 'bin', 'agentid.js')
const dir = mkdtempSync(join(tmpdir(), 'agentid-bench-start-'))
const home = join(dir, '.agentid')
const path = process.env.AGENTID_BENCH_START_PATH ?? '/livez'

function get(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', () => resolve(undefined))
    req.end()
  })
}

// One port for every run: a restart is the same service coming back, with the public URL it had
// (a new port would change it, an audited change, and the start would sign a checkpoint for it).
const port = await freePort()

async function once() {
  const start = process.hrtime.bigint()
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--public-url', `http://127.0.0.1:${port}`], { env: { ...process.env, AGENTID_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let status
  while (status === undefined) {
    if (child.exitCode !== null) throw new Error(`agentid serve exited: ${err}`)
    status = await get(port)
    if (status === undefined) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  child.kill('SIGTERM')
  await exited
  if (status !== 200) throw new Error(`GET ${path} answered ${status}`)
  return ms
}

try {
  const init = spawnSync(process.execPath, [bin, 'init'], { env: { ...process.env, AGENTID_HOME: home }, encoding: 'utf8' })
  if (init.status !== 0) throw new Error(init.stderr)
  await once() // fill the file cache
  const runs = scaled(11, 2)
  const served = []
  const bare = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    spawnSync(process.execPath, ['-e', '0'])
    bare.push(Number(process.hrtime.bigint() - start) / 1e6)
    served.push(await once())
  }
  console.log(banner('agentid bench: serve start'))
  printRows([[`serve: start to first answer (GET ${path})`, `${median(served).toFixed(0)} ms`, `bare node -e 0: ${median(bare).toFixed(0)} ms; runs ${Math.min(...served).toFixed(0)}-${Math.max(...served).toFixed(0)} ms (target < 500 ms)`]])
} finally {
  rmSync(dir, { recursive: true, force: true })
}
