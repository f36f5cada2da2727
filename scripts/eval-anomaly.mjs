#!/usr/bin/env node
// The anomaly detector on the realistic fortnight (issue 21), per seed: caused recall per attack
// kind, benign agents alerted, time to alert; with several seeds, then each kind over all of them
// (caught, caught with a high alert, median and slowest time to alert). Build first (`npm run build`).
//
//   npm run eval:anomaly -- --seeds 1,2,3 [--agents 150] [--workload b|c|d|e|f|g|h|i] [--reporters verifier|replicas] [--verbose]
//
// --reporters verifier has each event reported by the verifier that decided it (each service
// reports its own requests) instead of all through one reporter; replicas, by one of two
// replicas of that verifier, each under its own name, request by request.
// --workload picks the fortnight's generator: ./workload.mjs by default, `b` for
// ./workload-b.mjs, `c` to `h` for ./workload-c.mjs to ./workload-h.mjs
// (each written independently of the detector and of the generators before it: other habits and
// attack shapes), or a module path.
import { AnomalyDetector } from '@agentid/issuer'
import { evaluateSeed, unmetTargets } from './anomaly-eval.mjs'
import { loadWorkload, readOptions } from './eval-options.mjs'

const USAGE = `usage: node scripts/eval-anomaly.mjs [options]   (build first: npm run build)
  --seeds 1,2,3          seeds to evaluate, comma-separated (default 1,2,3)
  --agents 150           agents in the fleet (default 150)
  --workload b|...|i     the fortnight's generator: ./workload-<w>.mjs, or a module path
                         (default ./workload.mjs)
  --reporters one|verifier|replicas
                         who reports each event (default one reporter for all)
  --verbose              each miss and each benign agent alerted
  -h, --help             this text
Exits 1 when a target of issue 21 is missed on a seed, 2 on a wrong option.`
const { values: opts, fail } = readOptions(USAGE, { seeds: { type: 'string', default: '1,2,3' }, workload: { type: 'string' }, verbose: { type: 'boolean', default: false } })
const seeds = opts.seeds.split(',').map(Number)
if (seeds.some((x) => !Number.isSafeInteger(x))) fail(`--seeds: whole numbers separated by commas, not ${opts.seeds}`)
const { agents, verbose, reporters } = opts
const workload = opts.workload === undefined ? undefined : await loadWorkload(opts.workload)
const pct = (x) => `${(x * 100).toFixed(1)}%`
let failures = 0
const results = []
for (const seed of seeds) {
  const r = evaluateSeed(AnomalyDetector, { seed, agents, reporters, ...(workload ? { workload } : {}) })
  results.push(r)
  const unmet = unmetTargets(r)
  failures += unmet.length
  console.log(`seed ${seed}: ${r.events.toLocaleString('en')} events (attacked run), ${r.agents} agents, ${r.planted} attacks; detector ${Math.round(r.detectorRate).toLocaleString('en')} events/s; alerts said in the week ${r.alertsSaid.toLocaleString('en')} (medium+ ${r.alertsSaidMedium.toLocaleString('en')})`)
  console.log(`  caused recall ${pct(r.recall)} (${r.caught}/${r.planted}); benign agents alerted (medium+) ${pct(r.benignAlerted)} (${Math.round(r.benignAlerted * r.benign)}/${r.benign}), high/critical ${pct(r.benignHigh)}; median time to alert ${r.medianMinutes.toFixed(1)} min, slow drift median ${Number.isFinite(r.slowDriftHours) ? `${r.slowDriftHours.toFixed(1)} h (slowest ${r.slowDriftWorstHours.toFixed(1)} h)` : 'n/a'}`)
  for (const [kind, v] of Object.entries(r.perKind)) console.log(`    ${kind.padEnd(18)} ${v.caught}/${v.planted} (at high ${v.high})`)
  console.log(`  targets: ${unmet.length === 0 ? 'all met' : `NOT met: ${unmet.join('; ')}`}`)
  if (verbose) {
    for (const m of r.misses) console.log(`    missed ${m.kind} ${m.agent}${m.profile ? ` (${m.profile})` : ''}: ${m.seen.join(', ') || 'nothing'}`)
    for (const f of r.falsePositives) console.log(`    benign ${f.kindOfAgent}${f.profile ? `/${f.profile}` : ''} ${f.agent}: ${f.kind}/${f.severity}`)
  }
}
// The table for docs/monitoring.md.
console.log('\n| seed | caused recall | worst kind | benign alerted (medium+) | benign high/critical | median time to alert | slow drift: median (slowest) |')
console.log('|---|---|---|---|---|---|---|')
for (const r of results) {
  const worst = Object.entries(r.perKind).map(([k, v]) => [k, v.caught / v.planted]).sort((a, b) => a[1] - b[1])[0]
  console.log(`| ${r.seed} | ${pct(r.recall)} (${r.caught}/${r.planted}) | ${worst[0]} ${pct(worst[1])} | ${pct(r.benignAlerted)} | ${pct(r.benignHigh)} | ${r.medianMinutes.toFixed(1)} min | ${Number.isFinite(r.slowDriftHours) ? `${r.slowDriftHours.toFixed(1)} h (${r.slowDriftWorstHours.toFixed(1)} h)` : 'n/a'} |`)
}
// Over all the seeds, by kind: how many were caught, and how long each took to be (from the
// attack's start to its first caused alert, in simulated time).
if (results.length > 1) {
  console.log('\n| kind | caught | caught at high | median time to alert | slowest |\n|---|---|---|---|---|')
  const when = (ms) => (ms >= 120 * 60_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${(ms / 60_000).toFixed(1)} min`)
  for (const kind of Object.keys(results[0].perKind)) {
    const times = results.flatMap((r) => r.perKind[kind].times).sort((a, b) => a - b)
    const caught = results.reduce((n, r) => n + r.perKind[kind].caught, 0)
    const planted = results.reduce((n, r) => n + r.perKind[kind].planted, 0)
    const high = results.reduce((n, r) => n + r.perKind[kind].high, 0)
    console.log(`| ${kind} | ${caught}/${planted} | ${high} | ${times.length ? when(times[(times.length - 1) >> 1]) : 'n/a'} | ${times.length ? when(times[times.length - 1]) : 'n/a'} |`)
  }
}
process.exitCode = failures === 0 ? 0 : 1
