#!/usr/bin/env node
// A synthetic workload of verification events for a fleet of agents, with labelled, planted
// anomalies: for the anomaly-detection tests and the bench. Deterministic for a seed.
//
//   node scripts/workload.mjs [--agents 200] [--events 100000] [--seed 7] > events.jsonl
//
// Each benign agent has a segment, two or three families of resources it reads, one or two
// source networks, working hours (UTC), a modest request rate with small bursts, records per
// request around its own typical size, and rare denials. A share of the agents (`anomalous`) get
// one planted anomaly each, of one kind, well after their first days: a resource family or a
// segment they never touched, a rate spike, off-hours activity, a burst of denials, a jump in
// records, a new source network, or use after the agent was retired.

export const ANOMALY_KINDS = ['new-resource', 'new-segment', 'rate-spike', 'off-hours', 'denial-burst', 'records-jump', 'new-network', 'retired-agent']

function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEGMENTS = {
  sales: ['db:customers', 'crm:accounts', 'reports:sales', 'db:orders'],
  support: ['tickets:support', 'crm:contacts', 'kb:articles'],
  finance: ['ledger:entries', 'db:invoices', 'reports:finance'],
  ops: ['metrics:hosts', 'logs:app', 'deploy:status'],
}
const DAY = 86_400_000

/**
 * `agentDids` names the agents (real DIDs, for an issuer that must know them); `start` is when the
 * five days of activity begin.
 * @returns {{ events: object[], labels: Map<string, string | undefined>, retiredAt: Map<string, number> }}
 *   events in time order; labels: agent → planted kind (undefined for benign agents)
 */
export function generateWorkload({ agents = 200, events = 100_000, seed = 7, anomalous = 0.3, start = Date.UTC(2026, 10, 2), agentDids } = {}) {
  const rand = prng(seed)
  const pick = (list) => list[Math.floor(rand() * list.length)]
  const perAgent = Math.floor(events / agents)
  const out = []
  const labels = new Map()
  const retiredAt = new Map()
  const segmentNames = Object.keys(SEGMENTS)
  for (let i = 0; i < agents; i++) {
    const agent = agentDids?.[i] ?? `did:key:z6MkWorkload${String(i).padStart(4, '0')}`
    const segment = segmentNames[i % segmentNames.length]
    const families = [...SEGMENTS[segment]].sort(() => rand() - 0.5).slice(0, 2 + Math.floor(rand() * 2))
    const networks = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => `10.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`)
    const startHour = 6 + Math.floor(rand() * 6)
    const hours = 8 + Math.floor(rand() * 3)
    const typicalRecords = 20 + Math.floor(rand() * 400)
    const kind = i < agents * anomalous ? ANOMALY_KINDS[i % ANOMALY_KINDS.length] : undefined
    labels.set(agent, kind)
    // Benign activity over 5 working days, inside the agent's hours.
    const times = []
    for (let n = 0; n < perAgent; n++) {
      const day = Math.floor(rand() * 5)
      times.push(start + day * DAY + (startHour + rand() * hours) * 3_600_000)
    }
    times.sort((x, y) => x - y)
    // Small benign bursts: a few requests a few seconds apart.
    for (let n = 1; n < times.length; n++) if (rand() < 0.05) times[n] = times[n - 1] + 2000 + rand() * 5000
    times.sort((x, y) => x - y)
    const event = (at, overrides = {}) => ({
      at: Math.round(at), agent, decision: rand() < 0.01 ? 'deny' : 'allow', resource: `${pick(families)}/${Math.floor(rand() * 1000)}`, action: 'read',
      records: Math.max(1, Math.round(typicalRecords * (0.5 + rand()))), ip: `${pick(networks)}.${1 + Math.floor(rand() * 250)}`, segment, ...overrides,
    })
    for (const at of times) out.push(event(at))
    if (!kind) continue
    // The anomaly, on the fourth or fifth day, inside working hours unless it is about hours.
    const when = start + (3 + Math.floor(rand() * 2)) * DAY + (startHour + 1 + rand() * (hours - 2)) * 3_600_000
    switch (kind) {
      case 'new-resource': out.push(event(when, { resource: `hr:records/${Math.floor(rand() * 100)}`, decision: 'deny', code: 'ERR_NOT_ENTITLED' })); break
      case 'new-segment': out.push(event(when, { segment: 'hr' })); break
      case 'rate-spike': for (let n = 0; n < 150; n++) out.push(event(when + n * 300)); break
      case 'off-hours': for (let n = 0; n < 3; n++) out.push(event(start + 4 * DAY + ((startHour + hours + 6 + n) % 24) * 3_600_000)); break
      case 'denial-burst': for (let n = 0; n < 20; n++) out.push(event(when + n * 1500, { decision: 'deny', code: 'ERR_NOT_ENTITLED' })); break
      case 'records-jump': out.push(event(when, { records: typicalRecords * 60 })); break
      case 'new-network': out.push(event(when, { ip: `203.0.113.${1 + Math.floor(rand() * 250)}` })); break
      case 'retired-agent': retiredAt.set(agent, when); out.push(event(when + 60_000)); break
    }
  }
  out.sort((x, y) => x.at - y.at)
  return { events: out, labels, retiredAt }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? Number(process.argv[i + 1]) : fallback
  }
  const { events, labels } = generateWorkload({ agents: arg('agents', 200), events: arg('events', 100_000), seed: arg('seed', 7) })
  for (const e of events) process.stdout.write(`${JSON.stringify({ ...e, label: labels.get(e.agent) ?? null })}\n`)
}
