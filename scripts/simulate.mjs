#!/usr/bin/env node
// npm run simulate -- --agents 1000000: the scale simulation (issue 17). Makes a fresh issuer in a
// temporary home, grows it to several sizes on the way to N agents and M credentials by writing
// straight into its SQLite store (scripts/simulate/load.mjs), and at each size times, through the
// issuer's own code (scripts/simulate/measure.mjs, one process per operation): status-list
// publication, audit verification, the sweeper, an access review over every live credential, and
// agent lookups. Progress on stderr, the table on stdout; figures, table and chart in --out.
// Not part of npm test: the full run takes minutes and gigabytes (docs/scale.md).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Issuer } from '@agentid/issuer'
import { chartSvg, renderPng } from './simulate/chart.mjs'
import { BulkLoader } from './simulate/load.mjs'
import { slotLimit } from './simulate/slot-limit.mjs'

const HELP = `Usage: npm run simulate -- [options]

Grows a fresh issuer (temporary home) to several sizes by bulk loading its SQLite store, and
times at each size, through the issuer's code: status-list publication, audit verification
(at a start, from the newest checkpoint; and whole), a sweep, an access review of every live credential, agent lookups and inventory pages.

Options:
  --agents N         agents at the largest size (default 1000000)
  --credentials M    credentials at the largest size (default 10 x agents)
  --sizes LIST       fractions of the largest size to measure at (default 0.01,0.1,0.3,1)
  --out DIR          where results.json, table.md and scale.png go (default .bench/simulate, git-ignored)
  --heap-mb MB       heap limit of each measuring process (default 6144)
  --skip OPS         operations not to run, comma-separated (lookup,publish,readiness,audit,sweep,sweep-due,review)
  --keep             keep the issuer's home (printed) instead of deleting it
  --slot-limit       instead: fill the one status list rev-1 to 50 %, 90 %, ... 100 % and count how many
                     grant() calls the issuer refuses at each (the limit docs/scale.md describes)
  --from FILE        render table.md and scale.png again from a results.json (of a run stopped early)
  --no-chart         do not render scale.png (needs Chromium: AGENTID_CHROMIUM, default /usr/bin/chromium)
  --help             this text
`

const OPS = ['lookup', 'publish', 'readiness', 'audit', 'sweep', 'sweep-due', 'review']

function parseCount(value, name) {
  const n = Number(String(value).replace(/_/g, ''))
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0, not ${value}`)
  return n
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' }, credentials: { type: 'string' }, sizes: { type: 'string' }, out: { type: 'string' },
      'heap-mb': { type: 'string' }, from: { type: 'string' }, 'slot-limit': { type: 'boolean' }, skip: { type: 'string' }, keep: { type: 'boolean' }, 'no-chart': { type: 'boolean' }, help: { type: 'boolean' },
    },
    strict: true,
  })
  const agents = parseCount(values.agents ?? 1_000_000, '--agents')
  const credentials = values.credentials !== undefined ? parseCount(values.credentials, '--credentials') : 10 * agents
  const sizes = (values.sizes ?? '0.01,0.1,0.3,1').split(',').map(Number)
  if (sizes.some((f) => !(f > 0 && f <= 1)) || sizes.some((f, i) => i > 0 && f <= sizes[i - 1])) throw new Error('--sizes must be increasing fractions in (0, 1]')
  const skip = new Set((values.skip ?? '').split(',').filter(Boolean))
  for (const op of skip) if (!OPS.includes(op)) throw new Error(`--skip: no operation ${op} (${OPS.join(', ')})`)
  return {
    help: values.help === true, from: values.from, slotLimit: values['slot-limit'] === true, agents, credentials, sizes, skip, keep: values.keep === true, chart: values['no-chart'] !== true,
    out: resolve(values.out ?? '.bench/simulate'), heapMb: parseCount(values['heap-mb'] ?? 6144, '--heap-mb'),
  }
}

const here = dirname(fileURLToPath(import.meta.url))
const log = (line) => process.stderr.write(`${line}\n`)
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

function measure(options, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${options.heapMb}`, join(here, 'simulate', 'measure.mjs'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise(JSON.parse(out))
      const oom = /heap out of memory|Allocation failed/.test(err)
      resolvePromise({ op: args.op, error: oom ? `out of memory (heap limit ${options.heapMb} MB)` : `exited ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' / ')}` })
    })
  })
}

function sample(list, n) {
  const out = []
  for (let i = 0; i < n; i++) out.push(list[Math.floor(Math.random() * list.length)])
  return out
}

async function main() {
  let options
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${HELP}`)
    return 2
  }
  if (options.help) {
    process.stdout.write(HELP)
    return 0
  }
  mkdirSync(options.out, { recursive: true })
  if (options.slotLimit) {
    const rows = await slotLimit({ log })
    const table = ['| rev-1 full | slots taken | grants tried | refused | time per grant |', '|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${(100 * r.fill).toFixed(1)} % | ${r.taken.toLocaleString('en')} | ${r.grants} | ${r.refused}${r.code ? ` (${r.code})` : ''} | ${r.msPerGrant.toFixed(1)} ms |`)].join('\n')
    process.stdout.write(`${table}\n`)
    writeFileSync(join(options.out, 'slot-limit.json'), JSON.stringify({ machine: machine(), rows }, null, 2))
    return 0
  }
  if (options.from !== undefined) return report(JSON.parse(readFileSync(options.from, 'utf8')).rows, options)
  const home = mkdtempSync(join(tmpdir(), 'agentid-sim-'))
  const started = new Date()
  log(`issuer home ${home}`)
  // Stopped early (Ctrl-C, kill): the home may hold gigabytes; results.json keeps the sizes done.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      if (!options.keep) rmSync(home, { recursive: true, force: true })
      log(`stopped by ${signal}${options.keep ? `; kept ${home}` : ''}; render what was measured with --from ${join(options.out, 'results.json')}`)
      process.exit(130)
    })
  }
  const { issuer } = await Issuer.init({ home, env: {} })
  const loader = new BulkLoader({ database: issuer.home.database, issuerDid: issuer.did, publicUrl: 'http://127.0.0.1:8470' })
  await issuer.close()
  const rows = []
  try {
    for (const fraction of options.sizes) {
      const agents = Math.max(1, Math.round(options.agents * fraction))
      const credentials = Math.max(1, Math.round(options.credentials * fraction))
      log(`\n== ${agents.toLocaleString('en')} agents, ${credentials.toLocaleString('en')} credentials`)
      const before = { agents: loader.dids.length, credentials: loader.credentials }
      const t0 = performance.now()
      let lastReport = 0
      await loader.grow(agents, credentials, (done, of, phase) => {
        const now = performance.now()
        if (phase === 'indexing') log('  indexing')
        else if (now - lastReport > 5000 || done === of) {
          lastReport = now
          log(`  loading ${(100 * done / of).toFixed(0)} % (${Math.round(done / ((now - t0) / 1000)).toLocaleString('en')} rows/s)`)
        }
      })
      const loadMs = performance.now() - t0
      const row = {
        agents, credentials, lists: loader.listNumber, auditEntries: undefined, databaseMb: Math.round(statSync(issuer.home.database).size / 1e6),
        load: { ms: loadMs, perRowUs: (loadMs * 1000) / (agents - before.agents + credentials - before.credentials) },
      }
      const samples = join(home, 'sample-dids.json')
      writeFileSync(samples, JSON.stringify(sample(loader.dids, 2000)))
      // At the first size only: sweep() again once the review's items exist (the cost of review
      // history; quadratic, docs/scale.md).
      const ops = [...OPS, ...(fraction === options.sizes[0] && !options.skip.has('review') ? ['sweep-after-review'] : [])]
      for (const op of ops) {
        if (options.skip.has(op)) continue
        log(`  ${op} ...`)
        const result = await measure(options, { home, op, samples, agents, name: `sim-${agents}` })
        row[op] = result
        log(`  ${op}: ${result.error ?? seconds(result.ms ?? result.lookupMs * result.lookups)} (peak ${result.maxRssMb ?? '?'} MB)`)
        if (op === 'audit' && result.entries) row.auditEntries = result.entries
      }
      rows.push(row)
      writeFileSync(join(options.out, 'results.json'), JSON.stringify({ machine: machine(), command: commandLine(options), started: started.toISOString(), rows }, null, 2))
      log(`  figures so far: ${join(options.out, 'results.json')}`)
    }
  } finally {
    if (options.keep) log(`kept the issuer's home: ${home}`)
    else rmSync(home, { recursive: true, force: true })
  }
  return report(rows, options)
}

async function report(rows, options) {
  const table = renderTable(rows)
  process.stdout.write(`${table}\n`)
  writeFileSync(join(options.out, 'table.md'), `${table}\n`)
  if (options.chart) {
    const png = join(options.out, 'scale.png')
    await renderPng(chartSvg(chartData(rows)), png)
    log(`chart: ${png}`)
  }
  return 0
}

function machine() {
  const c = cpus()
  return { cpu: c[0]?.model ?? 'unknown', cores: c.length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` }
}

function commandLine(options) {
  return `npm run simulate -- --agents ${options.agents} --credentials ${options.credentials} --sizes ${options.sizes.join(',')}`
}

const us = (ms) => (ms === undefined ? '—' : ms * 1000 < 1000 ? `${(ms * 1000).toFixed(1)} µs` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`)
const count = (n) => (n === undefined ? '?' : n.toLocaleString('en'))

// Each operation: its time at a size, and what it works through there (the n its time per item is
// taken over, and the x of its growth exponent).
const OPERATIONS = [
  ['publish every status list', 'credential', (row) => row.publish, (r) => r.ms, (row) => row.credentials],
  ['readiness at start (verifyAuditSinceCheckpoint, checkpoint at the head)', 'call', (row) => row.readiness, (r) => r.ms, () => 1],
  ['verifyAudit (whole chain: at start before, in the background now)', 'entry', (row) => row.audit, (r) => r.ms, (row) => row.audit?.entries],
  ['sweep()', 'live credential', (row) => row.sweep, (r) => r.ms, (row) => row.review?.items],
  ['sweep(), every live credential due (one campaign over all)', 'live credential', (row) => row['sweep-due'], (r) => r.ms, (row) => row['sweep-due']?.reviewItemsOpened],
  ['startReview, every live credential', 'item', (row) => row.review, (r) => r.ms, (row) => row.review?.items],
  ['sweep() with one past review', 'live credential x review item', (row) => row['sweep-after-review'], (r) => r.ms, (row) => (row.review?.items ?? 0) ** 2],
  ['agent by DID (visibleAgent)', 'call', (row) => row.lookup, (r) => r.lookupMs, () => 1],
  ['inventory: first page of 50', 'call', (row) => row.lookup, (r) => r.firstPageMs, () => 1],
  ['inventory: page at the middle', 'call', (row) => row.lookup, (r) => r.middlePageMs, () => 1],
  ['inventory by cursor: first page of 50', 'call', (row) => row.lookup, (r) => r.cursorFirstPageMs, () => 1],
  ['inventory by cursor: page at the middle', 'call', (row) => row.lookup, (r) => r.cursorMiddlePageMs, () => 1],
  ["inventory: one owner's first page", 'call', (row) => row.lookup, (r) => r.ownerPageMs, () => 1],
  ['GET /agents unfiltered (listAgents: every agent)', 'agent', (row) => row.lookup, (r) => r.listAllMs, (row) => row.lookup?.listAllCount],
]

/** How time grows with n between the smallest and the largest size: 1 linear, 0 flat. */
function exponent(points) {
  const ok = points.filter(([n, t]) => n > 0 && t > 0)
  if (ok.length < 2) return undefined
  const [n0, t0] = ok[0]
  const [n1, t1] = ok[ok.length - 1]
  return n1 === n0 ? undefined : Math.log(t1 / t0) / Math.log(n1 / n0)
}

function renderTable(rows) {
  const header = `| operation | ${rows.map((r) => `${count(r.agents)} agents, ${count(r.credentials)} credentials`).join(' | ')} | growth |`
  const lines = [header, `|---|${rows.map(() => '---:').join('|')}|---:|`]
  for (const [name, unit, get, time, n] of OPERATIONS) {
    const cells = rows.map((row) => {
      const r = get(row)
      if (!r) return '—'
      if (r.error) return `failed: ${r.error}`
      const ms = time(r)
      if (ms === undefined) return '—'
      return unit === 'call' ? us(ms) : `${us(ms)} (${us(ms / n(row))} per ${unit}, n = ${count(n(row))})`
    })
    // Per-call operations grow against the number of agents; the others against their n.
    const e = exponent(rows.map((row) => [unit === 'call' ? row.agents : n(row), get(row) && !get(row).error ? time(get(row)) : undefined]))
    lines.push(`| ${name} | ${cells.join(' | ')} | ${e === undefined ? '—' : `n^${e.toFixed(2)}`} |`)
  }
  lines.push(`| (load, per agent or credential) | ${rows.map((row) => us(row.load.perRowUs / 1000)).join(' | ')} | |`)
  lines.push(`| (audit entries; lists; database) | ${rows.map((row) => `${count(row.auditEntries)}; ${row.lists * 2}; ${count(row.databaseMb)} MB`).join(' | ')} | |`)
  lines.push(`| (peak memory of startReview) | ${rows.map((row) => (row.review?.maxRssMb ? `${count(row.review.maxRssMb)} MB` : '—')).join(' | ')} | |`)
  lines.push(`| (peak memory of sweep()) | ${rows.map((row) => (row.sweep?.maxRssMb ? `${count(row.sweep.maxRssMb)} MB` : '—')).join(' | ')} | |`)
  lines.push(`| (review.start audit entry's details) | ${rows.map((row) => (row.review?.auditEntryBytes ? `${count(row.review.auditEntryBytes)} bytes` : '—')).join(' | ')} | |`)
  lines.push(`| (sweep(): review items opened) | ${rows.map((row) => count(row.sweep?.reviewItemsOpened)).join(' | ')} | |`)
  lines.push(`| (peak memory of sweep(), every live credential due) | ${rows.map((row) => (row['sweep-due']?.maxRssMb ? `${count(row['sweep-due'].maxRssMb)} MB` : '—')).join(' | ')} | |`)
  return lines.join('\n')
}

function chartData(rows) {
  const ok = (r) => r && !r.error
  const s = (name, f, dashed) => ({ name, dashed, points: rows.map((row) => [row.credentials, f(row)]).filter(([, y]) => y !== undefined && y > 0) })
  return {
    title: 'agentid issuer: time of each operation against size (log-log)',
    xLabel: 'credentials in the store (agents = a tenth)',
    yLabel: 'time of one operation',
    series: [
      s('publish every status list', (r) => (ok(r.publish) ? r.publish.ms : undefined)),
      s('verifyAudit (whole chain)', (r) => (ok(r.audit) ? r.audit.ms : undefined)),
      s('readiness at start (from checkpoint)', (r) => (ok(r.readiness) ? r.readiness.ms : undefined)),
      s('sweep()', (r) => (ok(r.sweep) ? r.sweep.ms : undefined)),
      s('sweep(), all due', (r) => (ok(r['sweep-due']) ? r['sweep-due'].ms : undefined)),
      s('startReview, all live', (r) => (ok(r.review) ? r.review.ms : undefined)),
      s('inventory, first page', (r) => r.lookup?.firstPageMs),
      s('inventory, middle page', (r) => r.lookup?.middlePageMs),
      s('inventory by cursor, middle page', (r) => r.lookup?.cursorMiddlePageMs),
      s('GET /agents, unfiltered', (r) => r.lookup?.listAllMs),
      s('agent by DID', (r) => r.lookup?.lookupMs),
      s('linear, for reference', (r) => (rows[0].audit?.ms ? rows[0].audit.ms * (r.credentials / rows[0].credentials) : undefined), true),
    ],
  }
}

process.exitCode = await main()
