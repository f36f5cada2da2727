#!/usr/bin/env node
// Why the anomaly evaluation scored as it did, for one seed: each benign agent alerted (medium or
// above) in the evaluated week with its profile and traits (the benign patterns that touch it,
// when the generator gives them) and its alerts by kind; each attack with the alerts it got; then
// the benign agents counted by the set of kinds they got (what to look into first). Runs the
// attacked week only (the control run is what eval-anomaly.mjs adds). Build first.
//
//   node scripts/eval-anomaly-explain.mjs --workload b|c|d|e|f|g|h|i --seed 1 [--reporters verifier|replicas]
import { AnomalyDetector } from '@agentid/issuer'
import { runDetector } from './anomaly-eval.mjs'
import { loadWorkload, readOptions } from './eval-options.mjs'

const USAGE = `usage: node scripts/eval-anomaly-explain.mjs [options]   (build first: npm run build)
  --workload a|b|c|d|e|f|g|h|i
                         the fortnight's generator (a: ./workload.mjs, the default), or a module path
  --seed 1               the one seed to explain (default 1)
  --agents 150           agents in the fleet (default 150)
  --reporters one|verifier|replicas
                         who reports each event (default one reporter for all)
  -h, --help             this text`
const { values: opts, fail } = readOptions(USAGE, { workload: { type: 'string', default: 'a' }, seed: { type: 'string', default: '1' } })
const seed = Number(opts.seed)
if (!Number.isSafeInteger(seed)) fail(`--seed: a whole number, not ${opts.seed}`)
const reporters = opts.reporters
const { generateWeek } = await loadWorkload(opts.workload)
const week = generateWeek({ seed, agents: opts.agents, attacks: true })
const { alerts } = runDetector(AnomalyDetector, week, {}, reporters)
const RANK = { low: 0, medium: 1, high: 2, critical: 3 }
const DAY = 86_400_000
const when = (t) => new Date(t).toISOString().slice(5, 16).replace('T', ' ')
const victims = new Set(week.attacks.map((x) => x.agent))
const inWeek = new Map()
for (const a of alerts) {
  if (a.at < week.evalFrom || RANK[a.severity] < RANK.medium || victims.has(a.agent)) continue
  if (!inWeek.has(a.agent)) inWeek.set(a.agent, [])
  inWeek.get(a.agent).push(a)
}
for (const agent of week.agents) {
  const list = inWeek.get(agent.id)
  if (!list) continue
  console.log(`benign ${agent.id} ${agent.kind}${agent.profile ? `/${agent.profile}` : ''} ${agent.segment}/${agent.region}${agent.traits ? ` [${agent.traits.join(', ')}]` : ''}`)
  const byKind = new Map()
  for (const a of list) byKind.set(`${a.kind}/${a.severity}`, [...(byKind.get(`${a.kind}/${a.severity}`) ?? []), a])
  for (const [kind, l] of byKind) console.log(`    ${kind} x${l.length}, ${when(l[0].at)} to ${when(l[l.length - 1].at)} UTC`)
}
for (const x of week.attacks) {
  const got = alerts.filter((a) => a.agent === x.agent && a.at >= x.start && a.at <= x.end + DAY)
  const first = new Map()
  for (const a of got) if (!first.has(`${a.kind}/${a.severity}`)) first.set(`${a.kind}/${a.severity}`, a.at - x.start)
  const agent = week.agents.find((a) => a.id === x.agent)
  console.log(`attack ${x.kind} on ${x.agent} ${agent.kind}${agent.profile ? `/${agent.profile}` : ''}, ${when(x.start)} to ${when(x.end)} UTC: ${[...first].map(([k, t]) => `${k} +${Math.round(t / 60_000)} min`).join(', ') || 'no alert'}`)
}
const bySet = new Map()
for (const list of inWeek.values()) {
  const set = [...new Set(list.map((a) => a.kind))].sort().join(' + ')
  bySet.set(set, (bySet.get(set) ?? 0) + 1)
}
console.log(`benign agents at medium or above by the kinds they got: ${inWeek.size} of ${week.agents.length - victims.size}`)
for (const [set, n] of [...bySet].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))) console.log(`  ${String(n).padStart(3)}  ${set}`)
