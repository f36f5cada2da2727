import { generateWeek } from './workload.mjs'
import { AnomalyDetector } from '@agentid/issuer'
const [seed, id] = [Number(process.argv[2]), process.argv[3]]
const w = generateWeek({ seed, attacks: false })
const ag = w.agents.find((a) => a.id === id)
const d = new AnomalyDetector({ context: () => ({ groups: ['g'], entitlements: new Map(ag.entitled.map(f=>[f,0])) }) })
const hist = new Map()
for (const e of w.events) if (e.agent === id) {
  const fam = e.resource.split('/')[0]; const h = hist.get(fam) ?? []; h.push(e); hist.set(fam, h)
  for (const a of d.observe(e)) if (a.severity !== 'low') { console.log(new Date(e.at).toISOString(), a.kind, a.severity, JSON.stringify(a.details)); console.log(h.slice(-30).map(x => x.records).join(' ')) }
}
