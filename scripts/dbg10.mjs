import { AnomalyDetector } from '@agentid/issuer'
import { generateWeek } from './workload.mjs'
import { runDetector } from './anomaly-eval.mjs'
const w = generateWeek({ seed: 1 })
const x = w.attacks.find(a => a.agent === process.env.DBG_AGENT)
console.log('start', new Date(x.start).toISOString())
runDetector(AnomalyDetector, w)
