#!/usr/bin/env node
// A realistic fortnight of verification events for a fleet of agents (issue 21), written apart
// from the detector and knowing nothing of it: a week of history, then the evaluated week, with
// the habits a real fleet has and the attacks a real fleet meets. Deterministic for a seed. The
// benign stream does not depend on whether attacks are planted (its own random streams), so the
// same week can be run with and without them and alerts scored as *caused* by an attack.
//
//   node scripts/workload.mjs [--seed 1] [--agents 150] [--no-attacks] > events.jsonl
//
// Benign behaviour:
// - three kinds of agent: `employee` assistants (working days in their region's time zone, lunch
//   dip, late evenings now and then, hybrid workers at home two days a week, some only from the
//   evaluated week on), `company` bots (nightly warehouse batches with very large record counts,
//   sometimes late after a backlog, daytime reports), `service` agents (hourly jobs, a trickle
//   around the clock, expired-credential retries, an outage then a queue backlog drained fast);
// - teams = segment x region; each agent reads some of its segment's families, records per
//   request log-normal around its own level, occasional large exports, a few step changes of
//   scope (a bigger report from one day on), single refusals now and then;
// - in the evaluated week: a new family granted to a whole segment and adopted over days, one
//   region's office moving to a new network, one region's holiday followed by a catch-up day;
//   a few agents are suspended or retired and stop;
// - organic growth: about half the agents read a few percent more records a week (the business
//   grows, a table fills), continuously over the fortnight.
// Attacks (evaluated week, on distinct agents): slow exfiltration (records creeping up 20% every
// two hours towards 20x, riding on the victim's own activity), a suspended agent in use, a retired
// agent in use, lateral movement into other segments, an HR grab by a noisy agent, a bulk read
// hidden in a warehouse agent's volumes, probing, use from two networks at once (a stolen
// credential), night use of an assistant, a request flood, and destructive actions never used.

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action']

const HOUR = 3_600_000
const DAY = 24 * HOUR
const MINUTE = 60_000

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
// A random stream per purpose: mixing the seed with a label keeps streams independent.
function stream(seed, label) {
  let h = seed >>> 0
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 0x9e3779b1) >>> 0
  return prng(h)
}
const normal = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
const poisson = (rand, mean) => {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rand)))
  let k = 0
  for (let p = Math.exp(-mean), s = rand(); s > p; s *= rand()) k++
  return k
}

const SEGMENTS = {
  sales: ['crm:accounts', 'db:customers', 'reports:sales', 'db:orders'],
  support: ['tickets:support', 'crm:contacts', 'kb:articles', 'db:customers'],
  finance: ['ledger:entries', 'db:invoices', 'reports:finance', 'payments:transfers'],
  ops: ['metrics:hosts', 'logs:app', 'deploy:status', 'tickets:support'],
  data: ['dw:facts', 'dw:dims', 'db:customers', 'db:orders', 'reports:sales'],
  hr: ['hr:records', 'hr:payroll', 'kb:articles'],
}
const OWNER = {}
for (const [segment, families] of Object.entries(SEGMENTS)) for (const f of families) OWNER[f] ??= segment
const REGIONS = { eu: 1, us: -5, apac: 8 }
const NEW_FAMILY = { segment: 'support', family: 'chat:transcripts' }

/**
 * @param {{ seed?: number, agents?: number, historyDays?: number, days?: number, attacks?: boolean, start?: number, scale?: number }} options
 *   scale < 1 thins every agent's activity (for a quick test); the patterns stay.
 */
export function generateWeek({ seed = 1, agents = 150, historyDays = 7, days = 7, attacks = true, start = Date.UTC(2026, 10, 2), scale = 1 } = {}) {
  const setup = stream(seed, 'fleet')
  const pick = (rand, list) => list[Math.floor(rand() * list.length)]
  const evalFrom = start + historyDays * DAY
  const end = evalFrom + days * DAY
  const segNames = Object.keys(SEGMENTS)
  const regionNames = Object.keys(REGIONS)
  const holidayRegion = pick(setup, regionNames)
  const moveRegion = pick(setup, regionNames.filter((r) => r !== holidayRegion))
  const holiday = evalFrom + 2 * DAY
  const officeMove = evalFrom + 3 * DAY
  const grantAt = evalFrom + DAY + 10 * HOUR

  const fleet = []
  for (let i = 0; i < agents; i++) {
    const kind = i % 10 < 4 ? 'employee' : i % 10 < 7 ? 'company' : 'service'
    const segment = kind === 'company' && setup() < 0.4 ? 'data' : pick(setup, segNames)
    const region = pick(setup, regionNames)
    const own = SEGMENTS[segment]
    const count = Math.min(own.length, 2 + Math.floor(setup() * 3))
    const families = [...own].sort(() => setup() - 0.5).slice(0, count)
    // Entitled to its segment's families (from its role), granted well before the fortnight.
    // Some agents also hold an old, broad entitlement to another segment's family that they
    // never use (over-provisioning, as access reviews find it).
    const entitled = [...own]
    if (setup() < 0.12) entitled.push(pick(setup, Object.values(SEGMENTS).flat().filter((f) => !own.includes(f))))
    const levels = Object.fromEntries(families.map((f) => [f, f.startsWith('dw:') ? 4000 + setup() * 40000 : kind === 'company' ? 200 + setup() * 3000 : 5 + setup() * 300]))
    fleet.push({
      id: `did:key:z6MkWeek${String(seed).padStart(3, '0')}${String(i).padStart(4, '0')}`, i, kind, segment, region, team: `${segment}/${region}`, role: `${kind}:${segment}`,
      families, entitled, levels,
      writes: setup() < 0.3 ? families[0] : undefined,
      rate: kind === 'employee' ? 3 + setup() * 12 : kind === 'company' ? 1 + setup() * 4 : 1 + setup() * 5,
      startHour: 7.5 + setup() * 2.5, length: 8 + setup() * 1.5,
      hybrid: kind === 'employee' && setup() < 0.6, homeFrom: setup() < 0.25 ? evalFrom : start, homeDays: [1 + Math.floor(setup() * 5), 1 + Math.floor(setup() * 5)],
      home: `81.${Math.floor(setup() * 250)}.${Math.floor(setup() * 250)}`,
      dc: `10.50.${Math.floor(setup() * 4)}`, dc2: setup() < 0.3 ? `10.50.${4 + Math.floor(setup() * 4)}` : undefined,
      batchHour: 0.5 + setup() * 3, hourlyJob: 5 + Math.floor(setup() * 30),
      stepDay: setup() < 0.1 ? Math.floor(setup() * (historyDays + days)) : undefined,
      noisy: setup() < 0.15,
    })
  }

  // The plan (victims, times) is drawn whether or not attacks are planted, from its own stream:
  // the suspensions and retirements behind two kinds happen in the control week too.
  const plan = planAttacks(fleet, stream(seed, 'attacks'), evalFrom)
  // The HR grab is by an agent over-provisioned with HR records long ago: its reads are allowed.
  for (const p of plan) if (p.kind === 'hr-grab' && !p.agent.entitled.includes('hr:records')) p.agent.entitled.push('hr:records')
  const statusChanges = plan.filter((p) => p.kind === 'suspended-in-use' || p.kind === 'retired-in-use')
    .map((p) => ({ agent: p.agent.id, status: p.kind === 'suspended-in-use' ? 'suspended' : 'retired', at: p.statusAt }))
  // A few benign agents are retired or suspended too, and simply stop.
  const statusRand = stream(seed, 'status')
  const planned = new Set(plan.map((p) => p.agent.id))
  for (const a of fleet.filter((x) => !planned.has(x.id)).sort(() => statusRand() - 0.5).slice(0, 3)) {
    statusChanges.push({ agent: a.id, status: statusRand() < 0.5 ? 'suspended' : 'retired', at: evalFrom + Math.floor(statusRand() * days) * DAY + 12 * HOUR })
  }
  const stoppedAt = new Map(statusChanges.map((s) => [s.agent, s.at]))

  // Growth per agent from its own stream: adding it leaves every other draw as it was.
  const growthRand = stream(seed, 'growth')
  for (const a of fleet) a.growthPerWeek = growthRand() < 0.5 ? 0.01 + growthRand() * 0.07 : 0

  const grants = []
  const events = []
  for (const a of fleet) {
    const rand = stream(seed, `agent-${a.i}`)
    const local = REGIONS[a.region]
    const stop = stoppedAt.get(a.id) ?? Infinity
    const adopts = a.segment === NEW_FAMILY.segment && a.kind !== 'service'
    const adoptFrom = grantAt + (0.3 + rand() * 3) * DAY
    if (a.segment === NEW_FAMILY.segment) grants.push({ agent: a.id, family: NEW_FAMILY.family, at: grantAt })
    const office = (at) => {
      const moved = a.region === moveRegion && at >= officeMove
      return `10.${moved ? 200 : 10 + regionNames.indexOf(a.region)}.${moved ? regionNames.indexOf(a.region) : Math.floor(a.i % 3)}`
    }
    const emit = (at, fields = {}) => {
      if (at >= stop || at >= end || at < start) return
      let family = pick(rand, a.families)
      if (adopts && at >= adoptFrom && rand() < 0.25) family = NEW_FAMILY.family
      let level = a.levels[family] ?? 40
      if (a.stepDay !== undefined && at >= start + a.stepDay * DAY && family === a.families[0]) level *= 2.5
      if (a.growthPerWeek > 0) level *= (1 + a.growthPerWeek) ** ((at - start) / (7 * DAY))
      const export_ = rand() < 0.002 ? 8 : 1
      const refused = rand() < (a.noisy ? 0.04 : 0.006)
      const base = {
        at: Math.round(at), agent: a.id, decision: 'allow', resource: `${family}/${Math.floor(rand() * 5000)}`,
        action: a.writes === family && rand() < 0.2 ? 'write' : 'read', records: Math.max(1, Math.round(level * Math.exp(0.5 * normal(rand)) * export_)),
        ip: `${fields.net ?? a.dc}.${1 + Math.floor(rand() * 250)}`, segment: OWNER[family] ?? a.segment, verifier: `did:web:${OWNER[family] ?? a.segment}.example.com`,
      }
      delete fields.net
      if (refused) {
        // A request outside what it holds: another family of its segment, or a write.
        const other = pick(rand, SEGMENTS[a.segment])
        Object.assign(base, { decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${other}/${Math.floor(rand() * 5000)}`, action: rand() < 0.5 ? 'write' : 'read', segment: OWNER[other], verifier: `did:web:${OWNER[other]}.example.com` })
        delete base.records
      }
      events.push({ ...base, ...fields })
    }
    const lastDay = historyDays + days
    const outage = a.kind === 'service' ? start + Math.floor(rand() * lastDay) * DAY + rand() * DAY : undefined
    for (let d = 0; d < lastDay; d++) {
      const dayStart = start + d * DAY
      const weekday = new Date(dayStart).getUTCDay()
      const workday = weekday >= 1 && weekday <= 5
      if (a.kind === 'employee') {
        const isHoliday = a.region === holidayRegion && dayStart === holiday
        const catchUp = a.region === holidayRegion && dayStart === holiday + DAY
        if (!workday || isHoliday) {
          // Now and then a little work on a weekend day, in the daytime.
          if (!workday && rand() < 0.08) for (let n = poisson(rand, 4 * scale); n > 0; n--) emit(dayStart + (10 + rand() * 6 - local) * HOUR, { net: a.hybrid ? a.home : office(dayStart) })
          continue
        }
        const home = a.hybrid && dayStart >= a.homeFrom && a.homeDays.includes(weekday)
        const from = a.startHour + (rand() - 0.5)
        const late = rand() < 0.1 || catchUp ? 1.5 + rand() * 2 : 0
        const until = from + a.length + late
        for (let h = Math.floor(from); h < Math.ceil(until); h++) {
          const lunch = h === 12 ? 0.4 : 1
          const mean = a.rate * lunch * (catchUp ? 1.7 : 1) * scale
          for (let n = poisson(rand, mean); n > 0; n--) {
            const at = dayStart + (h + rand() - local) * HOUR
            if (at < dayStart + (from - local) * HOUR || at > dayStart + (until - local) * HOUR) continue
            emit(at, { net: home ? a.home : office(at) })
          }
        }
      } else if (a.kind === 'company') {
        // The nightly batch: a warehouse-sized run, late by a few hours after a backlog.
        const delay = rand() < 0.12 ? 1 + rand() * 3 : 0
        const batchStart = dayStart + (a.batchHour + delay - local) * HOUR
        const size = poisson(rand, (150 + a.i % 7 * 40) * scale * (delay > 0 ? 1.4 : 1))
        for (let n = 0; n < size; n++) emit(batchStart + rand() * (1.5 + delay / 2) * HOUR, { net: a.dc })
        if (workday) for (let h = 8; h < 18; h++) for (let n = poisson(rand, a.rate * scale); n > 0; n--) emit(dayStart + (h + rand() - local) * HOUR, { net: a.dc })
      } else {
        for (let h = 0; h < 24; h++) {
          const hourStart = dayStart + h * HOUR
          if (outage !== undefined && hourStart >= outage && hourStart < outage + 3 * HOUR) continue
          const backlog = outage !== undefined && hourStart >= outage + 3 * HOUR && hourStart < outage + 4 * HOUR ? 4 : 1
          const job = poisson(rand, a.hourlyJob * scale * backlog)
          for (let n = 0; n < job; n++) emit(hourStart + rand() * 5 * MINUTE * backlog, { net: a.dc2 && rand() < 0.5 ? a.dc2 : a.dc })
          for (let n = poisson(rand, a.rate * scale); n > 0; n--) emit(hourStart + rand() * HOUR, { net: a.dc2 && rand() < 0.5 ? a.dc2 : a.dc })
        }
        // An expired credential retried until it is renewed, now and then.
        if (rand() < 0.1) {
          const at = dayStart + rand() * DAY
          for (let n = 0; n < 6 + Math.floor(rand() * 10); n++) emit(at + n * 8000, { decision: 'deny', code: 'ERR_VC_EXPIRED', records: undefined, net: a.dc })
        }
      }
    }
  }

  const planted = []
  if (attacks) {
    const byAgent = new Map()
    for (const e of events) {
      let list = byAgent.get(e.agent)
      if (!list) byAgent.set(e.agent, (list = []))
      list.push(e)
    }
    for (const list of byAgent.values()) list.sort((x, y) => x.at - y.at)
    for (const p of plan) {
      const made = plant(p, byAgent.get(p.agent.id) ?? [], stream(seed, `attack-${p.agent.i}`))
      const inRange = made.filter((e) => e.at < end)
      if (inRange.length === 0) continue
      events.push(...inRange)
      planted.push({ agent: p.agent.id, kind: p.kind, start: Math.min(...inRange.map((e) => e.at)), end: Math.max(...inRange.map((e) => e.at)) })
    }
  }
  events.sort((x, y) => x.at - y.at)
  for (const e of events) if (e.records === undefined) delete e.records
  return {
    events, evalFrom, end, attacks: planted, statusChanges, grants,
    agents: fleet.map((a) => ({ id: a.id, kind: a.kind, segment: a.segment, region: a.region, team: a.team, role: a.role, entitled: a.entitled })),
    scenario: { holidayRegion, holiday, moveRegion, officeMove, newFamily: NEW_FAMILY, grantAt },
  }
}

// Victims per kind, each chosen for what the attack needs (a warehouse agent for a bulk read
// hidden in its volumes, a noisy agent for the HR grab, an assistant for night use), distinct.
function planAttacks(fleet, rand, evalFrom) {
  const taken = new Set()
  const plan = []
  const counts = { 'slow-exfiltration': 4, 'suspended-in-use': 4, 'retired-in-use': 4, 'lateral-movement': 4, 'hr-grab': 4, 'bulk-read': 4, probing: 4, 'two-networks': 4, 'off-hours-use': 4, 'rate-flood': 3, 'new-action': 3 }
  const fits = {
    'hr-grab': (a) => a.segment !== 'hr' && (a.noisy || a.families.length >= 4),
    'bulk-read': (a) => a.families.some((f) => f.startsWith('dw:')) && a.families.some((f) => !f.startsWith('dw:')),
    'off-hours-use': (a) => a.kind === 'employee',
    'two-networks': (a) => a.kind === 'employee' || a.kind === 'company',
    'lateral-movement': (a) => a.segment !== 'data',
  }
  for (const [kind, n] of Object.entries(counts)) {
    const fit = fits[kind] ?? (() => true)
    let candidates = fleet.filter((a) => !taken.has(a.id) && fit(a))
    if (candidates.length < n) candidates = fleet.filter((a) => !taken.has(a.id))
    candidates.sort(() => rand() - 0.5)
    for (const agent of candidates.slice(0, n)) {
      taken.add(agent.id)
      // Tuesday to Friday of the evaluated week; a slow exfiltration early in it, so that it has
      // the days it needs to creep up to 20 times the usual.
      const at = kind === 'slow-exfiltration' ? evalFrom + (0.5 + rand()) * DAY : evalFrom + (1 + Math.floor(rand() * 4)) * DAY + rand() * DAY
      plan.push({ kind, agent, at, statusAt: at - (1 + rand() * 5) * HOUR })
    }
  }
  return plan
}

// The attack's events, from the victim's own benign events (its networks, families, hours).
function plant(p, own, rand) {
  const a = p.agent
  const out = []
  const last = own.filter((e) => e.decision === 'allow')
  const near = (t) => {
    let best = last[0]
    for (const e of last) if (Math.abs(e.at - t) < Math.abs((best?.at ?? Infinity) - t)) best = e
    return best
  }
  const like = (template, fields) => ({ ...template, ...fields })
  const net = (template) => template?.ip.split('.').slice(0, 3).join('.') ?? a.dc
  const host = (n) => `${n}.${1 + Math.floor(rand() * 250)}`
  const famOf = (e) => e.resource.split('/')[0]
  switch (p.kind) {
    case 'slow-exfiltration': {
      // Rides on the victim's own reads of one family: after some of them, one more read whose
      // records grow 20% every two hours, up to 20 times the usual.
      const family = a.families.find((f) => !f.startsWith('dw:')) ?? a.families[0]
      const base = a.levels[family]
      for (const e of last) {
        if (e.at < p.at || famOf(e) !== family || rand() < 0.5) continue
        const factor = Math.min(20, 1.2 ** Math.floor((e.at - p.at) / (2 * HOUR)))
        out.push(like(e, { at: e.at + 5000 + Math.floor(rand() * 60_000), resource: `${family}/${Math.floor(rand() * 5000)}`, records: Math.round(base * factor * Math.exp(0.3 * normal(rand))) }))
      }
      break
    }
    case 'suspended-in-use':
    case 'retired-in-use': {
      const t = near(p.statusAt - HOUR) ?? { ip: `${a.dc}.9`, resource: `${a.families[0]}/1`, segment: a.segment, verifier: `did:web:${a.segment}.example.com`, action: 'read', agent: a.id, decision: 'allow' }
      const code = p.kind === 'suspended-in-use' ? 'ERR_VC_SUSPENDED' : 'ERR_VC_REVOKED'
      // A verifier with a cached status list still allows for a few minutes, then refuses.
      for (let n = 0; n < 8; n++) {
        const at = p.at + n * 40_000
        out.push(like(t, { at, resource: `${pick(rand, a.families)}/${Math.floor(rand() * 5000)}`, ...(n < 3 ? { decision: 'allow', records: Math.round(a.levels[a.families[0]] ?? 50) } : { decision: 'deny', code, records: undefined }) }))
      }
      break
    }
    case 'lateral-movement': {
      const t = near(p.at)
      const others = Object.keys(SEGMENTS).filter((s) => s !== a.segment && s !== 'data').sort(() => rand() - 0.5).slice(0, 3)
      for (let n = 0; n < 24; n++) {
        const seg = others[n % others.length]
        const family = pick(rand, SEGMENTS[seg].filter((f) => OWNER[f] === seg))
        const allowed = rand() < 0.3
        out.push(like(t, { at: p.at + n * 70_000, resource: `${family}/${Math.floor(rand() * 5000)}`, segment: seg, verifier: `did:web:${seg}.example.com`, action: 'read', ...(allowed ? { decision: 'allow', records: 20 + Math.floor(rand() * 200) } : { decision: 'deny', code: 'ERR_NOT_ENTITLED', records: undefined }) }))
      }
      break
    }
    case 'hr-grab': {
      const t = near(p.at)
      for (let n = 0; n < 30; n++) out.push(like(t, { at: p.at + n * 40_000, resource: `hr:records/${Math.floor(rand() * 5000)}`, segment: 'hr', verifier: 'did:web:hr.example.com', action: 'read', decision: 'allow', records: 50 + Math.floor(rand() * 450) }))
      break
    }
    case 'bulk-read': {
      const family = a.families.find((f) => !f.startsWith('dw:'))
      const warehouse = a.levels[a.families.find((f) => f.startsWith('dw:'))]
      const t = near(p.at)
      for (let n = 0; n < 3; n++) out.push(like(t, { at: p.at + n * 90_000, resource: `${family}/${Math.floor(rand() * 5000)}`, segment: OWNER[family], verifier: `did:web:${OWNER[family]}.example.com`, action: 'read', decision: 'allow', records: Math.round(Math.max(warehouse * (0.5 + rand() * 0.5), a.levels[family] * 30)) }))
      break
    }
    case 'probing': {
      const t = near(p.at)
      const families = Object.values(SEGMENTS).flat()
      for (let n = 0; n < 40; n++) {
        const family = pick(rand, families)
        out.push(like(t, { at: p.at + n * 20_000, resource: `${family}/${Math.floor(rand() * 5000)}`, segment: OWNER[family], verifier: `did:web:${OWNER[family]}.example.com`, action: pick(rand, ['read', 'write', 'delete', 'admin', 'export']), decision: 'deny', code: pick(rand, ['ERR_NOT_ENTITLED', 'ERR_NOT_ENTITLED', 'ERR_PURPOSE', 'ERR_CONSTRAINT']), records: undefined }))
      }
      break
    }
    case 'two-networks': {
      // A stolen credential used from elsewhere while the agent works as usual.
      const active = last.filter((e) => e.at >= p.at)
      const t = active[0] ?? near(p.at)
      const stolen = `185.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`
      for (let n = 0; n < 20; n++) out.push(like(t, { at: t.at + 20_000 + n * 90_000, ip: host(stolen), resource: `${pick(rand, a.families)}/${Math.floor(rand() * 5000)}`, decision: 'allow', action: 'read', records: Math.round((a.levels[a.families[0]] ?? 50) * Math.exp(0.5 * normal(rand))) }))
      break
    }
    case 'off-hours-use': {
      // Three in the morning where the assistant works, from a network it uses.
      const local = REGIONS[a.region]
      const day = Math.floor(p.at / DAY) * DAY
      const at = day + (3 - local + 24) % 24 * HOUR
      const t = near(at)
      for (let n = 0; n < 15; n++) out.push(like(t, { at: at + n * 3 * MINUTE, ip: host(net(t)), resource: `${pick(rand, a.families)}/${Math.floor(rand() * 5000)}`, decision: 'allow', action: 'read', records: Math.round((a.levels[a.families[0]] ?? 50) * Math.exp(0.5 * normal(rand))) }))
      break
    }
    case 'rate-flood': {
      const t = near(p.at)
      for (let n = 0; n < 2000; n++) out.push(like(t, { at: p.at + n * 240, resource: `${famOf(t)}/${Math.floor(rand() * 5000)}`, decision: 'allow', action: 'read', records: Math.round((a.levels[famOf(t)] ?? 50) * Math.exp(0.5 * normal(rand))) }))
      break
    }
    case 'new-action': {
      const t = near(p.at)
      for (let n = 0; n < 12; n++) out.push(like(t, { at: p.at + n * 50_000, resource: `${pick(rand, a.families)}/${Math.floor(rand() * 5000)}`, decision: 'allow', action: pick(rand, ['delete', 'delete', 'admin']), records: 1 }))
      break
    }
  }
  for (const e of out) {
    e.at = Math.round(e.at)
    if (e.records === undefined) delete e.records
  }
  return out
}

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? Number(process.argv[i + 1]) : fallback
  }
  const { events, attacks } = generateWeek({ seed: arg('seed', 1), agents: arg('agents', 150), attacks: !process.argv.includes('--no-attacks') })
  const label = new Map(attacks.map((x) => [x.agent, x]))
  for (const e of events) {
    const x = label.get(e.agent)
    process.stdout.write(`${JSON.stringify({ ...e, attack: x && e.at >= x.start && e.at <= x.end ? x.kind : null })}\n`)
  }
}
