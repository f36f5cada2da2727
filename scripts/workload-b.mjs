#!/usr/bin/env node
// A second realistic fortnight of verification events (issue 21), written independently of
// scripts/workload.mjs and of the detector, so that the detector is judged on behaviour it was not
// tuned on. Same interface as workload.mjs (`ATTACK_KINDS`, `generateWeek`), same week object.
// Deterministic for a seed; every purpose has its own random stream, so the benign fortnight is
// the same whether or not attacks are planted (the control run is the same benign weeks).
//
//   node scripts/workload-b.mjs [--seed 1] [--agents 150] [--no-attacks] > events.jsonl
//
// Fleet: seven segments (sales, support, finance, eng, analytics, hr, legal), four regions (eu,
// us, in at +5:30, au at +11). Agents are `employee` assistants, `company` bots and `service`
// agents, each with a profile:
// - employee/office: office network, hybrid days at home (residential CGNAT address);
// - employee/remote: always through the corporate VPN, each request through one of two
//   concentrators (both addresses within minutes, all the time);
// - employee/oncall (eng only): one week in four on call, night incidents (bursts of reads of
//   logs, metrics, deploys from home at 3x the day rate) that the other weeks never show;
// - company/batch: nightly run only, a backlog makes it start late now and then;
// - company/reporter: daytime reports, and a Monday-morning weekly report run with 5x records;
// - company/tasker: volume varies ~100x by task (lookups of a few records, summaries, exports of
//   thousands), drawn request by request; a nightly run on about a third of the days;
// - service: around the clock, following its region's daytime customers, an hourly job, from
//   Kubernetes pods spread over three node subnets.
// Benign patterns:
// - weekly cycle: Monday mornings 1.4x, Fridays 0.7x and ending 1.5 h earlier, weekends nearly
//   empty (a short session now and then);
// - finance period close on Thursday and Friday of the evaluated week (none in the history week,
//   as a month end falls once a month): finance bots and services at 3x requests, 2-4x records,
//   and a third of their reads on `reports:close`, a family they hold but never used in history;
// - daylight saving: region `us` goes from UTC-4 to UTC-5 on the Sunday between the two weeks,
//   so its people and its batches shift an hour in UTC;
// - a re-org: the support team of one region moves to sales on Wednesday; they start reading
//   sales families at once, refused (ERR_NOT_ENTITLED) for the 45 minutes before the grants land,
//   then allowed; their groups in the directory still say support (the directory lags);
// - a canary rollout on Wednesday afternoon: every service of one segment runs a new version
//   that pages at half size (2x requests, half the records) from new node subnets;
// - a VPN failover: on Thursday morning one region's remote workers flap between their usual
//   concentrator and a disaster-recovery one they never used, for two hours;
// - a downstream outage on Tuesday: one segment's backend fails for 45 minutes; services and bots
//   reading its families retry with backoff (3-5 retries a second to half a minute apart), the
//   verifier throttles some retries (ERR_RATE_LIMITED), then an hour of backlog at 3x;
// - newly enrolled agents (a new hire's assistant, a new bot, a new service) on the Tuesday of the
//   evaluated week, granted their families that day, with no history;
// - vacations: some assistants away the whole history week (back on Monday), some leave on the
//   Wednesday of the evaluated week;
// - misconfigured tools: now and then an assistant or bot sends a burst of 5-12 refused requests
//   in a minute or two (a family of a neighbouring segment, or a constraint refusal);
// - rare legitimate deletes: some bots delete a record or two once a week (cleanup);
// - some agents hold an old entitlement to another segment's family they never use;
// - four agents are suspended or retired in the evaluated week and stop; one suspended service
//   (or bot)'s scheduled job keeps trying (refused ERR_VC_SUSPENDED) for two hours before its
//   owner stops it.
// Attacks (evaluated week, distinct victims, 3 per kind), variants of workload.mjs's eleven kinds
// with other shapes, and three kinds workload.mjs lacks:
// - slow-exfiltration: from Monday, extra reads riding on the victim's own working-hours reads,
//   records stepping up daily (1.5x, 2.7x, 4.9x, 8.7x, 15.7x of its usual), nothing at night;
// - suspended-in-use: suspended at night; at the victim's next usual hour after it, and network
//   and pace, four reads allowed by verifiers with a cached status list, then two refusals;
// - retired-in-use: retired at noon; one or two days later three attempts in half an hour, half
//   of the victims' from their usual network (one allowed from a stale cache), half from elsewhere;
// - lateral-movement, slow: one new family of another segment a day (Tuesday on), 3-6 reads
//   within an hour of the victim's working day; allowed where an old entitlement covers it;
// - hr-grab: at the victim's usual working hour and network, 12 reads of HR employees/payroll
//   over 50 minutes, 20-80 records each, allowed (an old over-broad entitlement);
// - bulk-read: a bot reads 8-16x the largest it read in history, in two requests, at its usual
//   hour from its usual network;
// - probing, low and slow: 24 refused requests one every 20-30 minutes over ~10 hours, across
//   segments, actions and refusal codes;
// - two-networks: a stolen credential used just four times in 40 minutes from a cloud address
//   while the victim works as usual;
// - off-hours-use: an assistant on Saturday afternoon from its home/VPN network, or a nightly
//   bot at lunchtime from its data-centre network, at its usual pace;
// - rate-flood at 3x: for two hours, three times the victim's usual hourly rate on top of it;
// - new-action: deletes on a family the victim holds: three deletes in ten minutes where it never
//   deleted, or fifteen in five minutes for a bot that deletes one record a week;
// - dormant-use (new): a credential of an agent idle the whole fortnight (an abandoned
//   integration, still valid) used for an hour from a new network;
// - write-escalation (new): a read-only agent writes ten times in 30 minutes to a family it holds;
// - enumeration (new): a crawl of one family by consecutive record ids, one record each, at twice
//   the victim's usual rate for three hours, from its usual network.

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action', 'dormant-use', 'write-escalation', 'enumeration']

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const WEEK = 7 * DAY

// sfc32 seeded from a string hash: a stream per purpose.
function rng(seed, label) {
  let h = 2166136261 ^ seed
  const mix = (s) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
    h ^= h >>> 13
    h = Math.imul(h, 0x5bd1e995)
    return (h ^= h >>> 15) >>> 0
  }
  let a = mix(`a:${label}`), b = mix(`b:${label}`), c = mix(`c:${label}`), d = mix(`d:${seed}`)
  const next = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  return next
}
const gauss = (r) => {
  const u = 1 - r()
  return Math.sqrt(-2 * Math.log(u)) * Math.sin(2 * Math.PI * r())
}
const count = (r, mean) => {
  if (mean <= 0) return 0
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss(r)))
  let n = 0
  let t = -Math.log(1 - r()) / mean
  while (t < 1) {
    n++
    t += -Math.log(1 - r()) / mean
  }
  return n
}
const choose = (r, list) => list[Math.floor(r() * list.length)]
const shuffle = (r, list) => {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

const SEGMENTS = {
  sales: ['crm:accounts', 'crm:opportunities', 'reports:pipeline', 'db:orders'],
  support: ['tickets:cases', 'kb:articles', 'crm:contacts', 'chat:logs'],
  finance: ['ledger:journal', 'db:invoices', 'payments:payouts', 'reports:close'],
  eng: ['repo:code', 'ci:builds', 'logs:services', 'metrics:latency', 'deploy:releases'],
  analytics: ['dw:events', 'dw:sessions', 'db:orders', 'reports:pipeline'],
  hr: ['hr:employees', 'hr:payroll', 'hr:reviews', 'kb:articles'],
  legal: ['docs:contracts', 'docs:matters', 'crm:accounts'],
}
const OWNER = {}
for (const [segment, families] of Object.entries(SEGMENTS)) for (const f of families) OWNER[f] ??= segment
const CLOSE_ONLY = 'reports:close'
const REGION_NAMES = ['eu', 'us', 'in', 'au']
const TZ = { eu: 1, us: -5, in: 5.5, au: 11 }
const DST_REGION = 'us'
const verifierOf = (family) => `did:web:${family.split(':')[0]}.${OWNER[family]}.corp.example`

/**
 * @param {{ seed?: number, agents?: number, historyDays?: number, days?: number, attacks?: boolean, start?: number, scale?: number }} options
 */
export function generateWeek({ seed = 1, agents = 150, historyDays = 7, days = 7, attacks = true, start = Date.UTC(2026, 10, 2), scale = 1 } = {}) {
  const evalFrom = start + historyDays * DAY
  const end = evalFrom + days * DAY
  const totalDays = historyDays + days
  const S = rng(seed, 'scenario')
  const segNames = Object.keys(SEGMENTS)
  const dstAt = evalFrom - 18 * HOUR
  const tz = (region, at) => (region === DST_REGION ? (at < dstAt ? -4 : -5) : TZ[region])
  const scenario = {
    reorg: { from: 'support', to: 'sales', region: choose(S, REGION_NAMES), at: evalFrom + 2 * DAY + 9 * HOUR },
    canary: { segment: choose(S, ['sales', 'support', 'eng', 'analytics']), at: evalFrom + 2 * DAY + 14 * HOUR },
    failover: { region: choose(S, REGION_NAMES) },
    outage: { segment: choose(S, ['sales', 'analytics', 'finance', 'support']), at: evalFrom + DAY + (9 + S() * 6) * HOUR, length: 45 * MINUTE },
    enrolAt: evalFrom + DAY + 10 * HOUR,
    closeDays: [historyDays + 3, historyDays + 4],
    dstRegion: DST_REGION, dstAt,
  }

  // The fleet.
  const F = rng(seed, 'fleet')
  const fleet = []
  for (let i = 0; i < agents; i++) {
    const u = F()
    const kind = u < 0.45 ? 'employee' : u < 0.75 ? 'company' : 'service'
    const segment = kind === 'company' && F() < 0.3 ? 'analytics' : choose(F, segNames)
    const region = choose(F, REGION_NAMES)
    const ri = REGION_NAMES.indexOf(region)
    const usable = SEGMENTS[segment].filter((f) => f !== CLOSE_ONLY)
    const families = shuffle(F, usable).slice(0, Math.min(usable.length, 2 + Math.floor(F() * 3)))
    const weights = families.map((_, k) => 1 / (k + 1))
    const entitled = [...SEGMENTS[segment]]
    if (F() < 0.15) entitled.push(choose(F, Object.keys(OWNER).filter((f) => !entitled.includes(f))))
    let profile
    if (kind === 'employee') profile = segment === 'eng' && F() < 0.6 ? 'oncall' : F() < 0.3 ? 'remote' : 'office'
    else if (kind === 'company') profile = choose(F, ['batch', 'reporter', 'tasker', 'tasker'])
    else profile = 'service'
    const bigData = (f) => f.startsWith('dw:') || f.startsWith('logs:')
    const levels = Object.fromEntries(families.map((f) => [f, bigData(f) ? 2000 + F() * 20000 : kind === 'employee' ? 3 + F() * 120 : 50 + F() * 1500]))
    fleet.push({
      i, id: `did:key:z6MkFleetB${String(seed).padStart(3, '0')}x${String(i).padStart(4, '0')}`, kind, profile, segment, region, ri,
      team: `${segment}/${region}`, role: `${kind}:${segment}`, families, weights, entitled, levels,
      writes: F() < 0.3 ? families[0] : undefined,
      rareDelete: kind === 'company' && F() < 0.15,
      rate: kind === 'employee' ? 4 + F() * 12 : kind === 'company' ? 1 + F() * 5 : 8 + F() * 40,
      startHour: 7.5 + F() * 2.5, length: 7.5 + F() * 2,
      hybridDays: [1 + Math.floor(F() * 5), 1 + Math.floor(F() * 5)], hybrid: F() < 0.5,
      office: `10.${20 + ri}.${Math.floor(F() * 4)}`, home: `100.${64 + Math.floor(F() * 60)}.${Math.floor(F() * 250)}`,
      vpnA: `172.20.${ri}`, vpnB: `172.21.${ri}`, vpnDR: `172.29.${ri}`,
      dc: `10.100.${ri * 4 + Math.floor(F() * 4)}`,
      nodes: [0, 1, 2].map(() => `10.244.${Math.floor(F() * 64)}`), canaryNodes: [0, 1, 2].map(() => `10.245.${Math.floor(F() * 64)}`),
      batchHour: F() * 4, batchSize: 80 + F() * 300, jobMinute: Math.floor(F() * 60), jobSize: 5 + F() * 30,
      away: kind === 'employee' ? (F() < 0.08 ? 'history' : F() < 0.08 ? 'leaves' : undefined) : undefined,
      misconfig: F() < 0.1,
    })
  }
  // The re-org moves the largest support team; the failover hits the region with most remote workers.
  const most = (test) => REGION_NAMES.map((r) => [r, fleet.filter((a) => a.region === r && test(a)).length]).sort((x, y) => y[1] - x[1])[0][0]
  scenario.reorg.region = most((a) => a.segment === 'support' && a.kind !== 'service')
  scenario.failover.region = most((a) => a.profile === 'remote')
  scenario.reorg.at = evalFrom + 2 * DAY + (9.5 - tz(scenario.reorg.region, evalFrom)) * HOUR
  scenario.reorg.grantAt = scenario.reorg.at + 45 * MINUTE
  scenario.failover.at = evalFrom + 3 * DAY + (10 - tz(scenario.failover.region, evalFrom)) * HOUR
  // Newly enrolled: one of each kind, nothing before the Tuesday of the evaluated week.
  const E = rng(seed, 'enrol')
  const grants = []
  for (const kind of ['employee', 'company', 'service']) {
    const a = shuffle(E, fleet.filter((x) => x.kind === kind && !x.away))[0]
    if (!a) continue
    a.enrolled = scenario.enrolAt
    for (const f of a.entitled) grants.push({ agent: a.id, family: f, at: a.enrolled })
    a.entitled = []
    if (kind === 'employee') a.profile = 'office'
  }

  // Re-org grants: every family of the new segment, 45 minutes after the move.
  const reorged = (a) => a.segment === scenario.reorg.from && a.region === scenario.reorg.region && a.kind !== 'service' && !a.enrolled
  for (const a of fleet.filter(reorged)) {
    a.reorgFamilies = shuffle(rng(seed, `reorg-${a.i}`), SEGMENTS[scenario.reorg.to]).slice(0, 3)
    for (const f of SEGMENTS[scenario.reorg.to]) grants.push({ agent: a.id, family: f, at: scenario.reorg.grantAt })
  }

  // The attack plan is drawn whether or not attacks are planted (its own stream): dormant victims
  // are idle in the control run too, suspensions and retirements happen in both.
  const plan = planAttacks(fleet, rng(seed, 'plan'), evalFrom, tz)
  for (const p of plan) {
    if (p.kind === 'dormant-use') p.agent.dormant = true
    if (p.kind === 'hr-grab') for (const f of ['hr:employees', 'hr:payroll']) if (!p.agent.entitled.includes(f)) p.agent.entitled.push(f)
  }
  const statusChanges = plan.filter((p) => p.statusAt !== undefined).map((p) => ({ agent: p.agent.id, status: p.kind === 'suspended-in-use' ? 'suspended' : 'retired', at: p.statusAt }))
  const T = rng(seed, 'status')
  const victims = new Set(plan.map((p) => p.agent.id))
  const stoppedBenign = shuffle(T, fleet.filter((a) => !victims.has(a.id) && !a.enrolled)).slice(0, 4)
  const retryAfterStop = new Map()
  const retrying = stoppedBenign.find((a) => a.kind === 'service') ?? stoppedBenign.find((a) => a.kind === 'company')
  stoppedBenign.forEach((a, k) => {
    const at = evalFrom + (1 + Math.floor(T() * 5)) * DAY + (8 + T() * 8) * HOUR
    statusChanges.push({ agent: a.id, status: a === retrying || k % 2 === 0 ? 'suspended' : 'retired', at })
    if (a === retrying) retryAfterStop.set(a.id, at)
  })
  const stopAt = new Map(statusChanges.map((s) => [s.agent, s.at]))

  const events = []
  for (const a of fleet) {
    if (a.dormant) continue
    const r = rng(seed, `benign-${a.i}`)
    const stop = stopAt.get(a.id) ?? Infinity
    const from = a.enrolled ?? start
    const finance = a.segment === 'finance' && a.kind !== 'employee'
    const emit = (at, o = {}) => {
      if (at < from || at >= end || at < start) return
      if (at >= stop) {
        const until = retryAfterStop.get(a.id)
        if (until === undefined || at > until + 2 * HOUR) return
        o = { ...o, decision: 'deny', code: 'ERR_VC_SUSPENDED' }
      }
      const day = Math.floor((at - start) / DAY)
      let family = o.family
      if (!family) {
        if (a.reorgFamilies && at >= scenario.reorg.at && r() < 0.6) family = choose(r, a.reorgFamilies)
        else if (finance && scenario.closeDays.includes(day) && r() < 0.33) family = CLOSE_ONLY
        else family = weighted(r, a.families, a.weights)
      }
      let records = o.records ?? sizeFor(a, family, r)
      if (finance && scenario.closeDays.includes(day)) records *= 2 + r() * 2
      if (a.kind === 'service' && OWNER[family] === scenario.canary.segment && a.segment === scenario.canary.segment && at >= scenario.canary.at) records *= 0.5
      const ev = {
        at: Math.round(at), agent: a.id, decision: 'allow', resource: `${family}/${Math.floor(30000 * r() ** 3)}`,
        action: o.action ?? (a.writes === family && r() < 0.15 ? 'write' : 'read'), records: Math.max(1, Math.round(records)),
        ip: `${o.net ?? a.dc}.${1 + Math.floor(r() * 250)}`, segment: OWNER[family], verifier: verifierOf(family),
      }
      if (a.reorgFamilies && a.reorgFamilies.includes(family) && at < scenario.reorg.grantAt) o = { ...o, decision: 'deny', code: 'ERR_NOT_ENTITLED' }
      if (o.decision === 'deny') {
        ev.decision = 'deny'
        ev.code = o.code
        delete ev.records
      }
      events.push(ev)
      // The downstream outage: retries with backoff, some throttled by the verifier.
      const out = scenario.outage
      if (OWNER[family] === out.segment && at >= out.at && at < out.at + out.length && ev.decision === 'allow' && !o.retry) {
        const retries = a.kind === 'employee' ? 1 : 3 + Math.floor(r() * 3)
        for (let k = 0; k < retries; k++) {
          const throttled = r() < 0.12
          emit(at + (2 ** (k + 1) - 1) * 1000 + r() * 500, { ...o, family, records: ev.records, net: o.net, retry: true, ...(throttled ? { decision: 'deny', code: 'ERR_RATE_LIMITED' } : {}) })
        }
      }
    }
    // Networks by time for this agent.
    const remoteNet = (at) => {
      const fo = scenario.failover
      if (a.region === fo.region && at >= fo.at && at < fo.at + 2 * HOUR) return r() < 0.5 ? a.vpnDR : a.vpnA
      return r() < 0.7 ? a.vpnA : a.vpnB
    }
    const serviceNet = (at) => (a.segment === scenario.canary.segment && at >= scenario.canary.at ? choose(r, a.canaryNodes) : choose(r, a.nodes))
    const outageBacklog = (at) => at >= scenario.outage.at + scenario.outage.length && at < scenario.outage.at + scenario.outage.length + HOUR && a.families.some((f) => OWNER[f] === scenario.outage.segment) ? 3 : 1

    for (let d = 0; d < totalDays; d++) {
      const dayStart = start + d * DAY
      const off = tz(a.region, dayStart + 12 * HOUR)
      const at = (localHour) => dayStart + (localHour - off) * HOUR
      const weekday = new Date(dayStart).getUTCDay()
      const workday = weekday >= 1 && weekday <= 5
      const weekly = weekday === 1 ? 1.4 : weekday === 5 ? 0.7 : 1
      const week = Math.floor(d / 7)
      const close = finance && scenario.closeDays.includes(d)
      if (a.kind === 'employee') {
        if (a.away === 'history' && d < historyDays) continue
        if (a.away === 'leaves' && d >= historyDays + 2) continue
        const home = a.hybrid && a.hybridDays.includes(weekday)
        const net = (t) => (a.profile === 'remote' ? remoteNet(t) : home || a.profile === 'oncall' && !workday ? a.home : a.office)
        if (workday) {
          const begin = a.startHour + (r() - 0.5) * 0.8
          const finish = begin + a.length * (weekday === 5 ? 0.85 : 1) + (r() < 0.12 ? 1 + r() * 2 : 0)
          for (let h = Math.floor(begin); h < Math.ceil(finish); h++) {
            const mean = a.rate * (h === 12 ? 0.35 : 1) * (weekday === 1 && h < 12 ? 1.4 : weekday === 5 ? 0.7 : 1) * scale
            for (let n = count(r, mean); n > 0; n--) {
              const lh = h + r()
              if (lh < begin || lh > finish) continue
              emit(at(lh), { net: net(at(lh)) })
            }
          }
          if (a.misconfig && r() < 0.12) {
            const t = at(begin + r() * (finish - begin))
            const foreign = choose(r, Object.keys(OWNER).filter((f) => !a.entitled.includes(f)))
            const constraint = r() < 0.5
            for (let n = 5 + Math.floor(r() * 8); n > 0; n--) emit(t + n * (5000 + r() * 10000), { net: net(t), family: constraint ? a.families[0] : foreign, decision: 'deny', code: constraint ? 'ERR_CONSTRAINT' : 'ERR_NOT_ENTITLED' })
          }
        } else if (r() < 0.05) {
          const lh = 10 + r() * 6
          for (let n = count(r, a.rate * scale); n > 0; n--) emit(at(lh + r()), { net: a.profile === 'remote' ? remoteNet(at(lh)) : a.home })
        }
        // On call one week in four: night incidents.
        if (a.profile === 'oncall' && (a.i + week + seed) % 4 === 0 && r() < 0.3) {
          const lh = r() * 5
          const length = (20 + r() * 50) / 60
          const ops = a.entitled.filter((f) => f.startsWith('logs:') || f.startsWith('metrics:') || f.startsWith('deploy:'))
          for (let n = count(r, 3 * a.rate * length * scale); n > 0; n--) {
            const t = at(lh + r() * length)
            emit(t, { net: r() < 0.5 ? a.vpnA : a.home, family: choose(r, ops.length ? ops : a.families), records: undefined })
          }
        }
      } else if (a.kind === 'company') {
        const nightly = a.profile === 'batch' || r() < 0.3
        if (nightly) {
          const late = r() < 0.1 ? 1 + r() * 3 : 0
          const size = count(r, a.batchSize * (close ? 2 : 1) * (late ? 1.3 : 1) * scale)
          for (let n = 0; n < size; n++) emit(at(a.batchHour + late + r() * (1 + late / 2)), { net: a.dc })
        }
        if (a.profile !== 'batch' && workday) {
          for (let h = 8; h < 18; h++) {
            const t0 = at(h)
            for (let n = count(r, a.rate * weekly * (close ? 3 : 1) * outageBacklog(t0) * scale); n > 0; n--) emit(at(h + r()), { net: a.dc })
          }
          if (a.profile === 'reporter' && weekday === 1) {
            for (let n = 0; n < 40 + Math.floor(r() * 40); n++) emit(at(7 + r() * 0.5), { net: a.dc, records: 5 * sizeFor(a, a.families[0], r), family: a.families[0] })
          }
          if (a.rareDelete && weekday === 2 + (a.i % 3)) for (let n = 1 + Math.floor(r() * 2); n > 0; n--) emit(at(11 + r()), { net: a.dc, action: 'delete', records: 1 })
        }
        if (a.profile === 'batch' && a.rareDelete && weekday === 3) emit(at(a.batchHour + 0.2), { net: a.dc, action: 'delete', records: 1 })
        if (a.misconfig && r() < 0.08) {
          const t = at(9 + r() * 8)
          for (let n = 5 + Math.floor(r() * 8); n > 0; n--) emit(t + n * 3000, { net: a.dc, family: a.families[0], decision: 'deny', code: 'ERR_CONSTRAINT' })
        }
      } else {
        for (let h = 0; h < 24; h++) {
          const t0 = dayStart + h * HOUR
          const lh = (((h + off) % 24) + 24) % 24
          const daylight = lh >= 8 && lh < 20 ? 1 : 0.35
          const canary = a.segment === scenario.canary.segment && t0 >= scenario.canary.at ? 2 : 1
          const mean = a.rate * daylight * (workday ? 1 : 0.6) * canary * (close ? 3 : 1) * outageBacklog(t0) * scale
          for (let n = count(r, mean); n > 0; n--) {
            const t = t0 + r() * HOUR
            emit(t, { net: serviceNet(t) })
          }
          const job = count(r, a.jobSize * canary * scale)
          for (let n = 0; n < job; n++) {
            const t = t0 + a.jobMinute * MINUTE + r() * 3 * MINUTE
            emit(t, { net: serviceNet(t) })
          }
        }
      }
    }
  }

  const planted = []
  if (attacks) {
    const own = new Map()
    for (const e of events) {
      if (!own.has(e.agent)) own.set(e.agent, [])
      own.get(e.agent).push(e)
    }
    for (const list of own.values()) list.sort((x, y) => x.at - y.at)
    for (const p of plan) {
      const made = plant(p, own.get(p.agent.id) ?? [], rng(seed, `attack-${p.kind}-${p.agent.i}`), { start, evalFrom, end, tz }).filter((e) => e.at >= evalFrom && e.at < end)
      if (made.length === 0) continue
      for (const e of made) {
        e.at = Math.round(e.at)
        if (e.decision === 'deny') delete e.records
        else e.records = Math.max(1, Math.round(e.records))
        }
      events.push(...made)
      planted.push({ agent: p.agent.id, kind: p.kind, start: Math.min(...made.map((e) => e.at)), end: Math.max(...made.map((e) => e.at)) })
    }
  }
  events.sort((x, y) => x.at - y.at)
  // Which benign patterns touch an agent, to explain an alert on it (not for the detector).
  const traitsOf = (a) => [
    a.away && `away-${a.away}`, a.enrolled && 'newly-enrolled', a.reorgFamilies && 'reorg', a.dormant && 'dormant',
    a.misconfig && 'misconfigured-tool', a.rareDelete && 'weekly-delete', a.writes && 'writes',
    a.entitled.some((f) => !SEGMENTS[a.segment].includes(f)) && 'stale-entitlement',
    a.region === DST_REGION && a.kind !== 'service' && 'dst-shift',
    a.kind === 'service' && a.segment === scenario.canary.segment && 'canary',
    a.segment === 'finance' && a.kind !== 'employee' && 'period-close',
    a.profile === 'remote' && a.region === scenario.failover.region && 'vpn-failover',
    a.kind !== 'employee' && a.families.some((f) => OWNER[f] === scenario.outage.segment) && 'outage-retries',
    a.profile === 'oncall' && (a.i + 1 + seed) % 4 === 0 && 'oncall-eval-week',
    stopAt.has(a.id) && !victims.has(a.id) && 'stopped', retryAfterStop.has(a.id) && 'retries-after-suspension',
  ].filter(Boolean)
  return {
    events, evalFrom, end, start, attacks: planted, statusChanges, grants,
    agents: fleet.map((a) => ({ id: a.id, kind: a.kind, profile: a.profile, segment: a.segment, region: a.region, team: a.team, role: a.role, entitled: a.entitled, traits: traitsOf(a) })),
    scenario,
  }
}

function weighted(r, list, weights) {
  let total = 0
  for (const w of weights) total += w
  let x = r() * total
  for (let k = 0; k < list.length; k++) if ((x -= weights[k]) <= 0) return list[k]
  return list[list.length - 1]
}

// Records for one request: log-normal around the agent's level; taskers mix tasks 100x apart.
function sizeFor(a, family, r) {
  const level = a.levels[family] ?? (a.kind === 'employee' ? 20 : 300)
  if (a.profile === 'tasker') {
    const u = r()
    const task = u < 0.65 ? 0.05 : u < 0.93 ? 0.6 : 5
    return level * task * Math.exp(0.4 * gauss(r))
  }
  return level * Math.exp(0.6 * gauss(r))
}

function planAttacks(fleet, r, evalFrom, tz) {
  const counts = Object.fromEntries(ATTACK_KINDS.map((k) => [k, 3]))
  const active = (a) => !a.enrolled && !a.away && !a.reorgFamilies
  const fits = {
    'slow-exfiltration': (a) => a.kind === 'employee' || a.profile === 'reporter' || a.profile === 'tasker',
    'lateral-movement': (a) => a.segment !== 'hr',
    'hr-grab': (a) => a.segment !== 'hr',
    'bulk-read': (a) => a.kind === 'company',
    'two-networks': (a) => a.kind === 'employee' || (a.kind === 'company' && a.profile !== 'batch'),
    'off-hours-use': (a) => (a.kind === 'employee' && a.profile !== 'oncall') || a.profile === 'batch',
    'new-action': (a) => !a.writes,
    'write-escalation': (a) => !a.writes,
  }
  const taken = new Set()
  const plan = []
  for (const kind of ATTACK_KINDS) {
    const fit = fits[kind] ?? (() => true)
    let pool = shuffle(r, fleet.filter((a) => active(a) && !taken.has(a.id) && fit(a)))
    if (kind === 'new-action') pool = [...pool.filter((a) => a.rareDelete).slice(0, 1), ...pool.filter((a) => !a.rareDelete)]
    if (kind === 'lateral-movement') pool.sort((x, y) => (y.entitled.length > SEGMENTS[y.segment].length) - (x.entitled.length > SEGMENTS[x.segment].length))
    for (const agent of pool.slice(0, counts[kind])) {
      taken.add(agent.id)
      const day = kind === 'slow-exfiltration' ? 0 : kind === 'lateral-movement' ? 1 : 1 + Math.floor(r() * 4)
      const p = { kind, agent, day, at: evalFrom + day * DAY, u: r() }
      const off = tz(agent.region, p.at)
      if (kind === 'suspended-in-use') p.statusAt = evalFrom + day * DAY + (2 - off) * HOUR
      if (kind === 'retired-in-use') p.statusAt = evalFrom + (day - 1) * DAY + (12 - off) * HOUR
      plan.push(p)
    }
  }
  return plan
}

// An attack's events, shaped from the victim's own benign events (its networks, hours, families).
function plant(p, own, r, { evalFrom, end, tz }) {
  const a = p.agent
  const allowed = own.filter((e) => e.decision === 'allow')
  const history = allowed.filter((e) => e.at < evalFrom)
  const inEval = allowed.filter((e) => e.at >= evalFrom)
  const fam = (e) => e.resource.split('/')[0]
  const netOf = (e) => e.ip.split('.').slice(0, 3).join('.')
  const host = (n) => `${n}.${1 + Math.floor(r() * 250)}`
  const ev = (at, family, net, o = {}) => ({ at, agent: a.id, decision: 'allow', resource: `${family}/${Math.floor(30000 * r() ** 3)}`, action: 'read', records: sizeFor(a, family, r), ip: host(net), segment: OWNER[family], verifier: verifierOf(family), ...o })
  const deny = (code) => ({ decision: 'deny', code })
  const after = (t) => inEval.find((e) => e.at >= t) ?? inEval[inEval.length - 1] ?? history[history.length - 1]
  // The victim's usual local hour of first activity on working days (from history).
  const usualHour = () => {
    const hours = history.map((e) => (((e.at % DAY) / HOUR + tz(a.region, e.at)) % 24 + 24) % 24).sort((x, y) => x - y)
    return hours.length ? hours[Math.floor(hours.length * 0.2)] : 10
  }
  const dayAt = (day, localHour) => evalFrom + day * DAY + (localHour - tz(a.region, evalFrom + day * DAY)) * HOUR
  const hourlyRate = () => Math.max(4, history.length / Math.max(1, new Set(history.map((e) => Math.floor(e.at / HOUR))).size))
  const out = []
  switch (p.kind) {
    case 'slow-exfiltration': {
      const family = a.families[0]
      const base = a.levels[family]
      for (const e of inEval) {
        if (e.at < p.at || fam(e) !== family || r() < 0.5) continue
        const k = Math.floor((e.at - evalFrom) / DAY)
        out.push(ev(e.at + 2000 + r() * 18000, family, netOf(e), { records: base * 1.5 * 1.8 ** k * Math.exp(0.25 * gauss(r)) }))
      }
      break
    }
    case 'suspended-in-use': {
      // Its usual hour after the suspension (2:00 local): a nightly bot's is the next night's.
      const hour = usualHour()
      const t = dayAt(p.day + (dayAt(p.day, hour) <= p.statusAt ? 1 : 0), hour)
      const ref = history.find((e) => e.at % DAY >= t % DAY) ?? history[0]
      const net = ref ? netOf(ref) : a.dc
      for (let n = 0; n < 6; n++) out.push(ev(t + n * (3 + r() * 2) * MINUTE, choose(r, a.families), net, n < 4 ? {} : deny('ERR_VC_SUSPENDED')))
      break
    }
    case 'retired-in-use': {
      const t = p.statusAt + (1 + Math.floor(r() * 2)) * DAY + (r() - 0.5) * 2 * HOUR
      const mine = p.u < 0.5 && history.length > 0
      const net = mine ? netOf(history[history.length - 1]) : `45.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}`
      for (let n = 0; n < 3; n++) out.push(ev(t + n * (5 + r() * 10) * MINUTE, choose(r, a.families), net, mine && n === 0 ? {} : deny('ERR_VC_REVOKED')))
      break
    }
    case 'lateral-movement': {
      const stale = a.entitled.filter((f) => OWNER[f] !== a.segment)
      const foreign = shuffle(r, Object.keys(OWNER).filter((f) => OWNER[f] !== a.segment && !a.entitled.includes(f)))
      const targets = [...stale, ...foreign].slice(0, 4)
      targets.forEach((family, k) => {
        const t0 = after(dayAt(p.day + k, usualHour() + 1 + r() * 3))
        if (!t0) return
        for (let n = 3 + Math.floor(r() * 4); n > 0; n--) out.push(ev(t0.at + r() * HOUR, family, netOf(t0), a.entitled.includes(family) ? { records: 10 + r() * 100 } : deny('ERR_NOT_ENTITLED')))
      })
      break
    }
    case 'hr-grab': {
      const t0 = after(dayAt(p.day, usualHour() + 1))
      for (let n = 0; n < 12; n++) out.push(ev(t0.at + 60_000 + n * (3 + r() * 2) * MINUTE, choose(r, ['hr:employees', 'hr:payroll']), netOf(t0), { records: 20 + r() * 60 }))
      break
    }
    case 'bulk-read': {
      const max = Math.max(1, ...history.map((e) => e.records ?? 0))
      const t0 = after(evalFrom + p.day * DAY + r() * DAY)
      for (let n = 0; n < 2; n++) out.push(ev(t0.at + 30_000 + n * 120_000, fam(t0), netOf(t0), { records: max * (8 + r() * 8) }))
      break
    }
    case 'probing': {
      const t0 = after(dayAt(p.day, usualHour()))
      const all = Object.keys(OWNER)
      let t = t0.at + 5 * MINUTE
      for (let n = 0; n < 24; n++) {
        out.push(ev(t, choose(r, all), netOf(t0), { action: choose(r, ['read', 'read', 'write', 'delete', 'export']), ...deny(choose(r, ['ERR_NOT_ENTITLED', 'ERR_NOT_ENTITLED', 'ERR_PURPOSE', 'ERR_CONSTRAINT'])) }))
        t += (20 + r() * 10) * MINUTE
      }
      break
    }
    case 'two-networks': {
      const t0 = after(evalFrom + p.day * DAY + (0.3 + r() * 0.4) * DAY)
      const cloud = `${choose(r, ['34', '35', '52', '18'])}.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}`
      for (let n = 0; n < 4; n++) out.push(ev(t0.at + 2 * MINUTE + n * (8 + r() * 6) * MINUTE, choose(r, a.families), cloud))
      break
    }
    case 'off-hours-use': {
      const ref = history[history.length - 1]
      const rate = hourlyRate()
      if (a.kind === 'employee') {
        const t = dayAt(5, 14 + r() * 2)
        for (let n = 0; n < 15; n++) out.push(ev(t + n * (60 / Math.min(rate, 15)) * MINUTE, choose(r, a.families), ref ? netOf(ref) : a.home))
      } else {
        const t = dayAt(p.day, 12 + r())
        for (let n = 0; n < 10; n++) out.push(ev(t + n * 4 * MINUTE, choose(r, a.families), a.dc))
      }
      break
    }
    case 'rate-flood': {
      const t0 = after(evalFrom + p.day * DAY + (0.35 + r() * 0.25) * DAY)
      const n = Math.round(3 * hourlyRate() * 2)
      for (let k = 0; k < n; k++) out.push(ev(t0.at + 30_000 + r() * 2 * HOUR, weighted(r, a.families, a.weights), netOf(t0)))
      break
    }
    case 'new-action': {
      const t0 = after(evalFrom + p.day * DAY + (0.3 + r() * 0.4) * DAY)
      const burst = a.rareDelete ? 15 : 3
      const span = a.rareDelete ? 5 * MINUTE : 10 * MINUTE
      for (let n = 0; n < burst; n++) out.push(ev(t0.at + 30_000 + (n / burst) * span, choose(r, a.families), netOf(t0), { action: 'delete', records: 1 }))
      break
    }
    case 'dormant-use': {
      const t = evalFrom + p.day * DAY + r() * DAY
      const net = `${choose(r, ['91', '185', '45'])}.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}`
      for (let n = 0; n < 20; n++) out.push(ev(t + n * 3 * MINUTE, choose(r, a.families), net))
      break
    }
    case 'write-escalation': {
      const t0 = after(evalFrom + p.day * DAY + (0.3 + r() * 0.4) * DAY)
      for (let n = 0; n < 10; n++) out.push(ev(t0.at + 60_000 + n * 3 * MINUTE, a.families[0], netOf(t0), { action: 'write', records: 1 + r() * 5 }))
      break
    }
    case 'enumeration': {
      const t0 = after(evalFrom + p.day * DAY + (0.3 + r() * 0.3) * DAY)
      const family = weighted(r, a.families, a.weights)
      const n = Math.round(2 * hourlyRate() * 3)
      let id = 30000 + Math.floor(r() * 50000)
      for (let k = 0; k < n; k++) out.push({ ...ev(t0.at + 30_000 + (k / n) * 3 * HOUR, family, netOf(t0), { records: 1 }), resource: `${family}/${id++}` })
      break
    }
  }
  return out.filter((e) => e.at < end)
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
