#!/usr/bin/env node
// workload-c: a third, independent fortnight of verifier decisions for judging an anomaly
// detector (a history week to learn from, then the evaluated week), written without sight of the
// detector or of the other two generators.
//
// FLEET (default 150 agents; the mix, team sizes, hours and rates vary per seed)
//   Segments: sales, hr, finance, engineering, support, marketing, platform; regions eu (UTC+1),
//   us (UTC-5), apac (UTC+8); a team is `<segment>/<region>`.
//   employee (~50%): a person's AI assistant ("assistant-<segment>"): the person's own hours
//     (start 7-10h local, 7.5-9.5 h long), sessions of short bursts, lunch dip, mostly single-record
//     reads and list pages, some writes (CRM, tickets, expenses); office / home / VPN addresses;
//     managers also read their reports' HR records; some have unused legacy entitlements.
//   company (~28%): bots inside business apps (crm-sync, helpdesk-triage, hr-chat, invoice-bot,
//     campaign-bot, reporting-bot, code-review-bot): work follows the business day of their
//     region (helpdesk: follow-the-sun), from the SaaS vendor's few cloud egress addresses;
//     reporting bots also refresh dashboards nightly from the warehouse.
//   service (~22%): autonomous services (etl, queue-worker, hourly-sync, backup, indexer,
//     payroll-runner, ci-deployer, api-exporter) on k8s pod addresses (1-3 replicas, pods move).
// BENIGN PATTERNS (agent `traits` name the ones touching it)
//   daily-cycle, weekend-checker, evening-worker, hybrid-home (2-3 home days, direct or VPN),
//   remote-worker, nightly-batch, hourly-job, queue-backlog (an outage then a catch-up with rate
//   limits and retries), new-resource-adoption (a team granted a new warehouse family mid-week,
//   adopted gradually), office-move (a region's office moves to a new address range), holiday
//   (one region, one weekday; 15% still work a little) and its catch-up the next day, travel
//   (a person working 2-4 days from another region's hotel networks and hours), new-hire (joins
//   mid-week, entitlements granted that morning), rescheduled-batch (a nightly job moved to a
//   new hour), deploy-day (pods restarted, new addresses, cache warm-up reads), credential-
//   rotation (a few ERR_VC_EXPIRED then success), rate-limit-retry, api-paging (a daily export
//   paging through a list), payroll-run (monthly run on the Friday of the evaluated week, ~2.5x
//   the daily validation), sick-day / PTO, legitimate suspension / retirement (an employee who
//   leaves, a decommissioned service; both stop being used), stray denials (a link to a record
//   one isn't entitled to, a constraint), pod replicas (several addresses at once).
// ATTACKS (42 on distinct victims: 4 each of the first nine kinds, 3 each of the last two; shaped
//   from the victim's own evaluated-week habits: its families, addresses, hours and sizes)
//   slow-exfiltration: extra reads of its own families in its own hours from its own addresses,
//     the extra volume stepping up 20% every few hours to 20x its baseline (3-4 days).
//   suspended-in-use: suspended while active, then 1-3 h more use: refused ERR_VC_SUSPENDED,
//     a few allowed in the first minutes (stale status caches).
//   retired-in-use: a retired service/bot credential used hours to days later from a forgotten
//     host: mostly ERR_VC_REVOKED, a few allowed.
//   lateral-movement: reads into 2-4 other segments' families (allowed where a legacy
//     entitlement exists, else ERR_NOT_ENTITLED), mixed with its own work, 30-120 min.
//   hr-grab: a non-HR agent (one a noisy multi-family bot where the fleet has one) pulls
//     hr:employees / hr:payroll / hr:reviews lists, 20-60 min.
//   bulk-read: next to the victim's routine warehouse reads, a few reads of 8-25x its usual
//     largest request from the same or a sibling warehouse family.
//   probing: 40-150 requests in 10-45 min, mostly refused ERR_NOT_ENTITLED over 6-12 families.
//   two-networks: a stolen credential used from a foreign VPS while the owner is working
//     (interleaved with the owner's own requests), up to 1-3 h.
//   off-hours-use: starting 01:00-04:30 local on a weekday, 20-90 min, from the victim's own home/VPN/vendor address.
//   rate-flood: 5-20 min at 20-60x its peak minute rate; the limiter refuses part of it.
//   new-action: a read-only agent starts deleting / writing its usual records, 10-30 min.
// DETERMINISM: every purpose draws from its own seeded stream (mulberry32 keyed by seed+label);
//   the benign events do not depend on `attacks`; attack events are merged in afterwards, and the
//   victims' status changes exist only in the attacked run.
//
// CLI: node workload-c.mjs [--seed 1] [--agents 150] [--no-attacks] > events.jsonl

const DAY = 86_400_000
const HOUR = 3_600_000
const MIN = 60_000
const SEC = 1000

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action']
const ATTACK_COUNTS = { 'slow-exfiltration': 4, 'suspended-in-use': 4, 'retired-in-use': 4, 'lateral-movement': 4, 'hr-grab': 4, 'bulk-read': 4, probing: 4, 'two-networks': 4, 'off-hours-use': 4, 'rate-flood': 3, 'new-action': 3 }

// ---------- randomness ----------
function hash32(str) {
  let h = 1779033703 ^ str.length
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353)
    h = (h << 13) | (h >>> 19)
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507)
  h = Math.imul(h ^ (h >>> 13), 3266489909)
  return (h ^= h >>> 16) >>> 0
}
function stream(seed, label) {
  let a = hash32(`wlc:${seed}:${label}`)
  const next = () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const r = {
    next,
    uni: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor((hi - lo + 1) * next()),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    normal: () => {
      let u = 0
      while (u === 0) u = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
    },
    logn: (median, sigma) => median * Math.exp(sigma * r.normal()),
    exp: (mean) => -mean * Math.log(1 - next()),
    poisson: (lambda) => {
      if (lambda <= 0) return 0
      if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.normal()))
      const L = Math.exp(-lambda)
      let k = 0
      let p = 1
      do {
        k++
        p *= next()
      } while (p > L)
      return k - 1
    },
    weighted: (items, weights) => {
      let total = 0
      for (const w of weights) total += w
      let x = next() * total
      for (let i = 0; i < items.length; i++) if ((x -= weights[i]) < 0) return items[i]
      return items[items.length - 1]
    },
    shuffle: (arr) => {
      const a = [...arr]
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[a[i], a[j]] = [a[j], a[i]]
      }
      return a
    },
  }
  return r
}

// ---------- the organisation ----------
const REGIONS = { eu: 1, us: -5, apac: 8 } // UTC offsets in November
const SEGMENT_FAMILIES = {
  sales: ['crm:accounts', 'crm:opportunities', 'crm:contacts', 'dw:sales'],
  hr: ['hr:employees', 'hr:payroll', 'hr:reviews', 'hr:recruiting'],
  finance: ['fin:ledger', 'fin:invoices', 'fin:expenses', 'dw:finance'],
  engineering: ['eng:repos', 'eng:tickets', 'eng:builds', 'eng:deploys'],
  support: ['sup:tickets', 'sup:kb', 'sup:chats'],
  marketing: ['mkt:campaigns', 'mkt:leads', 'dw:marketing'],
  platform: ['it:assets', 'it:identity', 'logs:audit', 'docs:wiki', 'hr:directory'],
}
const NEW_FAMILIES = ['dw:product', 'dw:customer360', 'mkt:analytics', 'sup:insights']
const OWNER = {}
for (const [seg, fams] of Object.entries(SEGMENT_FAMILIES)) for (const f of fams) OWNER[f] = seg
OWNER['hr:directory'] = 'hr'
OWNER['docs:wiki'] = 'platform'
OWNER['dw:product'] = 'engineering'
OWNER['dw:customer360'] = 'sales'
OWNER['mkt:analytics'] = 'marketing'
OWNER['sup:insights'] = 'support'
const SYSTEM = { crm: 'crm', hr: 'people', fin: 'erp', eng: 'devhub', sup: 'helpdesk', mkt: 'marketing-cloud', dw: 'warehouse', it: 'itsm', logs: 'siem', docs: 'wiki' }
const verifierOf = (family) => `did:web:${SYSTEM[family.split(':')[0]] ?? 'gateway'}.verify.acme-c.example`
const HR_SENSITIVE = ['hr:employees', 'hr:payroll', 'hr:reviews']
const ALL_FAMILIES = Object.keys(OWNER)
const WRITABLE = new Set(['crm:accounts', 'crm:opportunities', 'crm:contacts', 'fin:expenses', 'fin:invoices', 'eng:tickets', 'eng:repos', 'sup:tickets', 'sup:chats', 'sup:kb', 'mkt:campaigns', 'mkt:leads', 'hr:recruiting', 'hr:reviews', 'docs:wiki', 'it:assets'])

const ip4 = (a, b, c, d) => `${a}.${b}.${c}.${d}`
const OFFICE = { eu: [10, 10], us: [10, 20], apac: [10, 30] }
const OFFICE_NEW = { eu: [10, 14], us: [10, 24], apac: [10, 34] }
const VPN = { eu: [10, 250], us: [10, 251], apac: [10, 252] }
const DC = { eu: [10, 64], us: [10, 72], apac: [10, 80] }
const HOME_FIRST = { eu: [82, 84, 86, 88, 90, 92, 94], us: [67, 68, 69, 71, 73, 75, 76], apac: [101, 110, 114, 119, 121, 124] }
const VENDOR = { eu: [[3, 120], [35, 198]], us: [[52, 20], [34, 86]], apac: [[13, 212], [35, 185]] }
const FOREIGN = [[45, 142], [185, 220], [193, 32], [91, 219], [5, 188], [146, 70], [104, 244]]

// ---------- the fleet ----------
const COMPANY_PROFILES = {
  sales: ['crm-sync', 'reporting-bot'],
  hr: ['hr-chat'],
  finance: ['invoice-bot', 'reporting-bot'],
  engineering: ['code-review-bot'],
  support: ['helpdesk-triage'],
  marketing: ['campaign-bot', 'reporting-bot'],
  platform: ['reporting-bot'],
}
const SERVICE_PROFILES = [
  ['etl', 'platform'], ['queue-worker', 'support'], ['queue-worker', 'finance'], ['hourly-sync', 'sales'], ['hourly-sync', 'marketing'],
  ['backup', 'platform'], ['indexer', 'platform'], ['payroll-runner', 'hr'], ['ci-deployer', 'engineering'], ['api-exporter', 'sales'],
  ['queue-worker', 'engineering'], ['hourly-sync', 'finance'], ['etl', 'platform'], ['hourly-sync', 'hr'], ['indexer', 'support'],
]

function buildFleet(seed, n) {
  const r = stream(seed, 'fleet')
  const nEmp = Math.round(n * r.uni(0.46, 0.54))
  const nCo = Math.round(n * r.uni(0.25, 0.3))
  const nSvc = n - nEmp - nCo
  const regionW = [r.uni(0.35, 0.45), r.uni(0.3, 0.4), r.uni(0.15, 0.25)]
  const segW = { sales: r.uni(0.22, 0.32), engineering: r.uni(0.18, 0.28), support: r.uni(0.1, 0.18), finance: r.uni(0.07, 0.12), hr: r.uni(0.05, 0.09), marketing: r.uni(0.08, 0.14), platform: 0.03 }
  const segs = Object.keys(segW)
  const regions = Object.keys(REGIONS)
  const agents = []
  const did = (i) => `did:key:z6MkFleetC${String(seed).padStart(3, '0')}x${String(i).padStart(4, '0')}`
  const make = (kind, profile, segment, region) => {
    const id = did(agents.length + 1)
    const a = { id, kind, profile, segment, region, team: `${segment}/${region}`, role: `${kind}:${segment}`, entitled: [], traits: [], p: {} }
    agents.push(a)
    return a
  }
  for (let i = 0; i < nEmp; i++) {
    const seg = r.weighted(segs, segs.map((s) => segW[s]))
    const region = r.weighted(regions, regionW)
    const a = make('employee', `assistant-${seg}`, seg, region)
    const own = SEGMENT_FAMILIES[seg].filter((f) => seg === 'platform' || f !== 'hr:directory')
    const used = r.shuffle(own).slice(0, Math.max(2, own.length - r.int(0, 1)))
    const extra = { sales: ['mkt:leads'], support: ['crm:accounts', 'eng:tickets'], finance: ['crm:opportunities'], engineering: ['sup:tickets'], marketing: ['crm:contacts'], hr: ['fin:expenses'], platform: ['eng:tickets'] }[seg]
    if (r.chance(0.6)) used.push(r.pick(extra))
    a.p.used = [...new Set(used)]
    a.p.weights = a.p.used.map(() => r.logn(1, 0.8))
    a.p.shared = ['docs:wiki', 'hr:directory']
    a.entitled = [...new Set([...a.p.used, ...a.p.shared])]
    a.p.manager = r.chance(0.15) && seg !== 'hr'
    if (a.p.manager) {
      a.entitled.push('hr:employees', 'hr:reviews')
      a.traits.push('manager')
    }
    if (r.chance(0.12)) {
      const legacy = r.pick(ALL_FAMILIES.filter((f) => OWNER[f] !== seg && !HR_SENSITIVE.includes(f) && !a.entitled.includes(f) && !NEW_FAMILIES.includes(f)))
      a.entitled.push(legacy)
      a.traits.push('legacy-entitlement')
    }
    a.p.start = r.uni(7, 10)
    a.p.len = r.uni(7.5, 9.5)
    a.p.sessions = r.logn(8, 0.4)
    a.p.burst = r.logn(7, 0.5)
    a.p.listMedian = r.logn(25, 0.5)
    a.p.listShare = r.uni(0.15, 0.45)
    a.p.writeShare = r.uni(0.03, 0.2)
    const mode = r.weighted(['office', 'hybrid', 'remote'], [0.3, 0.55, 0.15])
    a.p.mode = mode
    a.p.homeDays = mode === 'hybrid' ? r.shuffle([1, 2, 3, 4, 5]).slice(0, r.int(2, 3)) : mode === 'remote' ? [1, 2, 3, 4, 5] : []
    a.p.vpn = r.chance(0.5)
    a.p.home = ip4(r.pick(HOME_FIRST[region]), r.int(1, 254), r.int(0, 255), r.int(2, 254))
    a.p.officeHost = [r.int(0, 63), r.int(2, 254)]
    a.p.evening = r.chance(0.2)
    a.p.weekend = r.chance(0.15)
    a.traits.push('daily-cycle')
    if (mode === 'hybrid') a.traits.push('hybrid-home')
    if (mode === 'remote') a.traits.push('remote-worker')
    if (a.p.evening) a.traits.push('evening-worker')
    if (a.p.weekend) a.traits.push('weekend-checker')
  }
  const coSegW = { sales: 0.25, support: 0.2, engineering: 0.15, finance: 0.14, marketing: 0.12, hr: 0.08, platform: 0.06 }
  for (let i = 0; i < nCo; i++) {
    const seg = r.weighted(Object.keys(coSegW), Object.values(coSegW))
    const region = r.weighted(regions, regionW)
    const profile = r.pick(COMPANY_PROFILES[seg])
    const a = make('company', profile, seg, region)
    const fams = {
      'crm-sync': ['crm:contacts', 'crm:accounts', 'crm:opportunities'],
      'helpdesk-triage': ['sup:tickets', 'sup:kb', 'sup:chats', 'crm:accounts', 'eng:tickets', 'hr:directory', 'it:assets', 'hr:employees'],
      'hr-chat': ['hr:directory', 'hr:employees', 'hr:recruiting', 'docs:wiki'],
      'invoice-bot': ['fin:invoices', 'fin:ledger', 'crm:accounts'],
      'campaign-bot': ['mkt:campaigns', 'mkt:leads', 'crm:contacts'],
      'code-review-bot': ['eng:repos', 'eng:tickets', 'eng:builds'],
      'reporting-bot': seg === 'platform' ? ['dw:sales', 'dw:finance', 'dw:marketing'] : [SEGMENT_FAMILIES[seg].find((f) => f.startsWith('dw:')) ?? 'dw:sales', SEGMENT_FAMILIES[seg][0]],
    }[profile]
    a.p.used = fams
    a.entitled = [...fams]
    if (profile === 'helpdesk-triage') a.traits.push('noisy-multi-family')
    a.p.rate = r.logn(profile === 'crm-sync' ? 40 : profile === 'helpdesk-triage' ? 25 : 12, 0.35) // tasks per business hour
    a.p.vendor = VENDOR[region].map(([x, y]) => ip4(x, y, r.int(0, 255), r.int(2, 254))).concat(r.chance(0.5) ? [ip4(VENDOR[region][0][0], VENDOR[region][0][1], r.int(0, 255), r.int(2, 254))] : [])
    a.p.followSun = profile === 'helpdesk-triage'
    a.p.nightly = profile === 'reporting-bot' ? r.uni(0.5, 3.5) : null
    a.p.pages = r.int(20, 80)
    a.p.pageSize = r.pick([200, 500, 1000])
    a.traits.push('daily-cycle')
    if (a.p.nightly != null) a.traits.push('nightly-batch')
  }
  for (let i = 0; i < nSvc; i++) {
    const [profile, seg] = SERVICE_PROFILES[i % SERVICE_PROFILES.length]
    const region = r.weighted(regions, regionW)
    const a = make('service', profile, seg, region)
    const fams = {
      etl: r.shuffle(['dw:sales', 'dw:finance', 'dw:marketing', 'crm:accounts', 'fin:ledger', 'mkt:leads']).slice(0, r.int(3, 5)),
      'queue-worker': { support: ['sup:tickets', 'sup:chats', 'crm:accounts'], finance: ['fin:invoices', 'fin:ledger'], engineering: ['eng:builds', 'eng:tickets'] }[seg] ?? ['sup:tickets'],
      'hourly-sync': { sales: ['crm:accounts', 'crm:opportunities'], marketing: ['mkt:leads', 'mkt:campaigns'], finance: ['fin:invoices', 'fin:expenses'], hr: ['hr:employees', 'hr:directory'] }[seg],
      backup: r.shuffle(['crm:accounts', 'crm:contacts', 'fin:ledger', 'sup:tickets', 'eng:repos', 'docs:wiki']).slice(0, r.int(3, 5)),
      indexer: seg === 'support' ? ['sup:kb', 'sup:tickets'] : ['docs:wiki', 'sup:kb', 'eng:tickets'],
      'payroll-runner': ['hr:payroll', 'hr:employees', 'fin:ledger'],
      'ci-deployer': ['eng:repos', 'eng:builds', 'eng:deploys'],
      'api-exporter': ['crm:contacts', 'crm:accounts'],
    }[profile]
    a.p.used = fams
    a.entitled = [...fams]
    a.p.replicas = profile === 'queue-worker' || profile === 'indexer' ? r.int(2, 3) : 1
    a.p.subnet = r.int(0, 255)
    a.p.cloud = r.chance(0.2) ? ip4(r.pick([3, 18, 34, 52]), r.int(0, 255), r.int(0, 255), r.int(2, 254)) : null
    a.p.minute = r.uni(0, 59)
    a.p.batchHour = r.uni(0.5, 4.5)
    a.p.rate = r.logn(profile === 'queue-worker' ? 60 : profile === 'indexer' ? 25 : 10, 0.3)
    a.p.len = r.int(8, 40)
    a.p.pageSize = r.pick([500, 1000, 2000, 5000])
    a.p.pages = r.int(30, 200)
    a.p.rotateEvery = r.int(2, 4)
    a.traits.push('credential-rotation')
    a.traits.push({ etl: 'nightly-batch', 'queue-worker': 'queue-consumer', 'hourly-sync': 'hourly-job', backup: 'nightly-batch', indexer: 'continuous', 'payroll-runner': 'daily-job', 'ci-deployer': 'deploy-day', 'api-exporter': 'api-paging' }[profile])
    if (a.p.replicas > 1) a.traits.push('pod-replicas')
  }
  return agents
}

// ---------- the world's calendar (benign, per seed) ----------
function buildWorld(seed, fleet, historyDays, days) {
  const r = stream(seed, 'world')
  const ev = (k) => historyDays + k // evaluated-week day index
  const regions = Object.keys(REGIONS)
  const holidayRegion = r.pick(regions)
  const w = {
    holiday: { region: holidayRegion, day: ev(r.int(1, Math.min(3, days - 2))) },
    officeMove: { region: r.pick(regions.filter((x) => x !== holidayRegion)), day: ev(r.int(0, Math.min(2, days - 1))) },
    deployDays: new Set(),
    payrollDay: ev(Math.min(4, days - 1)),
  }
  for (let d = 0; d < historyDays + days; d++) if ([2, 4].includes((d + r.int(0, 1)) % 7)) w.deployDays.add(d)
  const emps = fleet.filter((a) => a.kind === 'employee')
  // a team adopts a newly granted family
  const teams = {}
  for (const a of fleet) if (a.kind !== 'service') (teams[a.team] ??= []).push(a)
  const bigTeams = Object.entries(teams).filter(([, m]) => m.length >= 3).map(([t]) => t)
  w.adoption = { team: r.pick(bigTeams.length ? bigTeams : Object.keys(teams)), family: r.pick(NEW_FAMILIES), day: ev(r.int(1, Math.min(3, days - 2))), hour: r.uni(9, 11) }
  // new hire: the last employee joins in the evaluated week
  const hire = emps[emps.length - 1]
  w.newHire = { agent: hire.id, day: ev(r.int(1, Math.min(2, days - 2))) }
  // travellers
  const pool = r.shuffle(emps.slice(0, -1))
  w.travel = pool.slice(0, 2).map((a) => ({ agent: a.id, from: ev(r.int(0, Math.max(0, days - 4))), len: r.int(2, 4), to: r.pick(regions.filter((x) => x !== a.region)), hotel: ip4(r.pick([...HOME_FIRST.eu, ...HOME_FIRST.us, ...HOME_FIRST.apac]), r.int(0, 255), r.int(0, 255), r.int(2, 254)) }))
  const svc = fleet.filter((a) => a.kind === 'service')
  const batchers = svc.filter((a) => a.profile === 'etl' || a.profile === 'backup')
  w.reschedule = batchers.length ? { agent: r.pick(batchers).id, day: ev(r.int(1, days - 2)), hour: r.uni(4, 6.5) } : null
  const queues = svc.filter((a) => a.profile === 'queue-worker')
  w.backlog = queues.length ? { agent: r.pick(queues).id, day: ev(r.int(0, days - 2)), hour: r.uni(9, 14), outage: r.uni(1, 3) } : null
  // legitimate suspension / retirement in the evaluated week (they then stop being used)
  const leaver = pool[2]
  const retiredSvc = r.pick(svc.filter((a) => a.profile === 'hourly-sync' || a.profile === 'indexer' || a.profile === 'api-exporter') .concat(svc.slice(0, 1)))
  w.benignStatus = [
    { agent: leaver.id, status: 'suspended', at: 0, day: ev(r.int(1, days - 3)), hour: r.uni(16, 18) },
    { agent: retiredSvc.id, status: 'retired', at: 0, day: ev(r.int(2, days - 2)), hour: r.uni(10, 15) },
  ]
  const cos = fleet.filter((a) => a.kind === 'company' && a.profile !== 'helpdesk-triage')
  if (cos.length > 3 && fleet.length >= 60) w.benignStatus.push({ agent: r.pick(cos).id, status: 'retired', at: 0, day: ev(r.int(1, days - 2)), hour: r.uni(9, 17) })
  return w
}

// ---------- benign generation ----------
function businessCurve(h) {
  // activity of a business day at local hour h (0..1)
  if (h < 6.5 || h > 20) return 0.03
  const morning = Math.exp(-(((h - 10.5) / 1.8) ** 2))
  const afternoon = Math.exp(-(((h - 15) / 2) ** 2))
  const lunch = h > 12 && h < 13.3 ? 0.6 : 1
  return Math.max(0.05, Math.min(1, (morning + afternoon) * lunch))
}

function generateBenign(seed, fleet, world, start, historyDays, days, scale) {
  const totalDays = historyDays + days
  const out = []
  const statusEnd = new Map()
  for (const s of world.benignStatus) {
    const a = fleet.find((x) => x.id === s.agent)
    s.at = Math.floor(start + s.day * DAY + (s.hour - REGIONS[a.region]) * HOUR)
    statusEnd.set(s.agent, s.at)
  }
  const grants = []
  const adoptMembers = fleet.filter((a) => a.team === world.adoption.team && a.kind !== 'service')
  const adoptAt = new Map()
  const ad = world.adoption
  for (const a of adoptMembers) {
    const at = Math.floor(start + ad.day * DAY + (ad.hour - REGIONS[a.region]) * HOUR)
    adoptAt.set(a.id, at)
    a.traits.push('new-resource-adoption')
    if (!a.entitled.includes(ad.family)) grants.push({ agent: a.id, family: ad.family, at })
  }
  const hire = fleet.find((a) => a.id === world.newHire.agent)
  const hireAt = Math.floor(start + world.newHire.day * DAY + (8.5 - REGIONS[hire.region]) * HOUR)
  hire.traits.push('new-hire')
  for (const f of hire.entitled) grants.push({ agent: hire.id, family: f, at: hireAt + (grants.length % 5) * MIN })
  hire.entitled = []
  for (const a of fleet) if (a.region === world.officeMove.region && a.kind === 'employee') a.traits.push('office-move')
  for (const a of fleet) if (a.region === world.holiday.region && a.kind !== 'service') a.traits.push('holiday')
  for (const t of world.travel) fleet.find((a) => a.id === t.agent).traits.push('travel')
  if (world.reschedule) fleet.find((a) => a.id === world.reschedule.agent).traits.push('rescheduled-batch')
  if (world.backlog) fleet.find((a) => a.id === world.backlog.agent).traits.push('queue-backlog', 'rate-limit-retry')
  for (const s of world.benignStatus) fleet.find((a) => a.id === s.agent).traits.push(s.status === 'suspended' ? 'leaver-suspended' : 'decommissioned')

  for (const a of fleet) {
    const r = stream(seed, `benign:${a.id}`)
    const off = REGIONS[a.region]
    const stop = statusEnd.get(a.id) ?? Infinity
    const begin = a.id === hire.id ? hireAt + 20 * MIN : -Infinity
    const recCounter = {}
    const recId = (family, hot = true) => {
      const abbr = family.split(':')[1].slice(0, 3)
      const space = hot ? 400 : 50_000
      const n = hot ? Math.floor(space * r.next() ** 2.5) : Math.floor(space * r.next())
      return `${family}/${abbr}-${(hash32(a.id) % 9000) + n}`
    }
    const emit = (at, family, action, records, ip, decision = 'allow', code) => {
      at = Math.floor(at)
      if (at >= stop || at < begin || at < start || at >= start + totalDays * DAY) return
      const e = { at, agent: a.id, decision }
      if (code) e.code = code
      e.resource = typeof family === 'string' && family.includes('/') ? family : recId(family)
      e.action = action
      if (action === 'read' && decision === 'allow') e.records = Math.max(0, Math.round(records))
      e.ip = ip
      const fam = e.resource.split('/')[0]
      e.segment = OWNER[fam]
      e.verifier = verifierOf(fam)
      out.push(e)
    }
    const families = (at) => {
      const fams = [...a.p.used]
      if (adoptAt.has(a.id) && at >= adoptAt.get(a.id)) fams.push(ad.family)
      return fams
    }
    const adoptionWeight = (at) => {
      if (!adoptAt.has(a.id) || at < adoptAt.get(a.id)) return 0
      return Math.min(1.2, 0.15 + (at - adoptAt.get(a.id)) / (3 * DAY)) // gradual uptake
    }
    if (a.kind === 'employee') {
      const trip = world.travel.find((t) => t.agent === a.id)
      for (let d = 0; d < totalDays; d++) {
        const day0 = start + d * DAY
        const dow = new Date(day0).getUTCDay()
        const weekend = dow === 0 || dow === 6
        const traveling = trip && d >= trip.from && d < trip.from + trip.len
        const tz = traveling ? (REGIONS[trip.to] + off) / 2 + (r.chance(0.5) ? 1 : 0) : off // jet lag: somewhere between
        const at = (h) => day0 + (h - tz) * HOUR
        const holiday = world.holiday.region === a.region && world.holiday.day === d
        const catchup = world.holiday.region === a.region && world.holiday.day === d - 1 ? r.uni(1.3, 1.6) : 1
        const sick = r.chance(0.04)
        const home = traveling ? false : a.p.homeDays.includes(dow)
        const moved = a.region === world.officeMove.region && d >= world.officeMove.day
        const office = moved ? OFFICE_NEW[a.region] : OFFICE[a.region]
        const officeIp = ip4(office[0], office[1] + (moved ? 0 : 0), a.p.officeHost[0] + (r.chance(0.1) ? 64 : 0), a.p.officeHost[1])
        const vpnIp = () => ip4(VPN[a.region][0], VPN[a.region][1], r.int(0, 15), r.int(2, 254))
        const homeIp = () => (a.p.vpn ? vpnIp() : a.p.home)
        const ipFor = () => (traveling ? (r.chance(0.6) ? trip.hotel : vpnIp()) : home ? homeIp() : officeIp)
        let nSessions
        let hours
        if (weekend || sick) {
          if (!a.p.weekend || !r.chance(0.45) || sick) continue
          nSessions = r.int(1, 2)
          hours = [10, 22]
        } else if (holiday) {
          if (!r.chance(0.15)) continue
          nSessions = r.int(1, 3)
          hours = [10, 17]
        } else {
          nSessions = r.poisson(a.p.sessions * catchup * (d < 2 && a.id === hire.id ? 0.5 : 1))
          const s = a.p.start + 0.4 * r.normal()
          hours = [s, s + a.p.len + 0.5 * r.normal() + (catchup > 1 ? 1 : 0)]
        }
        const sessionsAt = []
        for (let i = 0; i < nSessions; i++) {
          let h = r.uni(hours[0], hours[1])
          if (h > 12 && h < 13 && r.chance(0.6)) h = r.uni(hours[0], hours[1])
          sessionsAt.push(h)
        }
        if (a.p.evening && !weekend && !holiday && r.chance(0.45)) sessionsAt.push(r.uni(19.5, 22.5))
        for (const h of sessionsAt) {
          let t = at(h)
          const ip = weekend || h > 19 ? homeIp() : ipFor()
          const fams = families(t)
          const w = fams.map((f, i) => (i < a.p.weights.length ? a.p.weights[i] : adoptionWeight(t)))
          let fam = r.weighted(fams, w)
          const k = 1 + r.poisson(a.p.burst)
          for (let j = 0; j < k; j++) {
            if (r.chance(0.3)) fam = r.weighted(fams, w)
            if (r.chance(0.04)) fam = r.pick(a.p.shared)
            if (a.p.manager && r.chance(0.02)) fam = r.pick(['hr:employees', 'hr:reviews'])
            const x = r.next()
            if (x < 0.0015) emit(t, recId(r.pick(ALL_FAMILIES.filter((f) => !a.entitled.includes(f) && !NEW_FAMILIES.includes(f))), false), 'read', 0, ip, 'deny', 'ERR_NOT_ENTITLED')
            else if (x < 0.004) emit(t, fam, 'read', 0, ip, 'deny', 'ERR_CONSTRAINT')
            else if (WRITABLE.has(fam) && r.chance(a.p.writeShare)) emit(t, fam, r.chance(0.85) ? 'write' : 'update', 0, ip)
            else if (r.chance(a.p.listShare)) emit(t, fam, 'read', Math.min(500, r.logn(a.p.listMedian, 0.6)), ip)
            else emit(t, fam, 'read', 1, ip)
            t += r.logn(20, 0.9) * SEC
          }
        }
      }
    } else if (a.kind === 'company') {
      const vendorIp = () => a.p.vendor[Math.floor(r.next() ** 1.5 * a.p.vendor.length)]
      for (let d = 0; d < totalDays; d++) {
        const day0 = start + d * DAY
        const dow = new Date(day0).getUTCDay()
        const weekend = dow === 0 || dow === 6
        const holiday = world.holiday.region === a.region && world.holiday.day === d
        const catchup = world.holiday.region === a.region && world.holiday.day === d - 1 ? 1.35 : 1
        for (let hh = 0; hh < 24; hh++) {
          const h0 = day0 + hh * HOUR
          let level
          if (a.p.followSun) {
            level = 0
            for (const [reg, o] of Object.entries(REGIONS)) {
              const lh = (((hh + o) % 24) + 24) % 24
              const ldow = new Date(h0 + o * HOUR).getUTCDay()
              level += (ldow === 0 || ldow === 6 ? 0.15 : 1) * businessCurve(lh) * (reg === a.region ? 0.5 : 0.25)
            }
          } else {
            const lh = (((hh + off) % 24) + 24) % 24
            level = businessCurve(lh) * (weekend ? 0.06 : 1) * (holiday ? 0.2 : 1) * catchup
          }
          const tasks = r.poisson(a.p.rate * level * scale)
          for (let i = 0; i < tasks; i++) {
            let t = h0 + r.next() * HOUR
            const ip = vendorIp()
            const fams = families(t)
            const steps = a.profile === 'helpdesk-triage' ? r.int(2, 6) : r.int(1, 4)
            for (let j = 0; j < steps; j++) {
              const fam = j === 0 ? fams[0] : r.weighted(fams, fams.map((f, k) => (f === ad.family ? adoptionWeight(t) : 1 / (k + 1))))
              if (r.chance(0.002)) emit(t, fam, 'read', 0, ip, 'deny', 'ERR_CONSTRAINT')
              else if (WRITABLE.has(fam) && j === steps - 1 && a.profile !== 'reporting-bot' && r.chance(0.4)) emit(t, fam, 'write', 0, ip)
              else emit(t, fam, 'read', a.profile === 'reporting-bot' ? r.logn(150, 0.7) : r.chance(0.7) ? 1 : r.logn(20, 0.6), ip)
              t += r.logn(1.5, 0.7) * SEC
            }
          }
        }
        // api paging by crm-sync: a full contact list walk once a day
        if (a.profile === 'crm-sync' && r.chance(0.8)) {
          let t = day0 + (r.uni(5, 6.5) - off) * HOUR
          const pages = Math.round(a.p.pages * r.uni(0.9, 1.1))
          for (let p = 0; p < pages; p++) {
            emit(t, `crm:contacts/page-${p + 1}`, 'read', p === pages - 1 ? r.int(1, 100) : 100, vendorIp())
            t += r.logn(0.8, 0.3) * SEC
          }
        }
        if (a.p.nightly != null && !(weekend && r.chance(0.5))) {
          let t = day0 + (a.p.nightly + r.uni(-0.05, 0.1) - off) * HOUR
          const dw = a.p.used.filter((f) => f.startsWith('dw:'))
          for (const fam of dw) {
            const pages = Math.round(a.p.pages * r.uni(0.85, 1.15))
            for (let p = 0; p < pages; p++) {
              emit(t, `${fam}/extract-${p + 1}`, 'read', p === pages - 1 ? r.int(10, a.p.pageSize) : a.p.pageSize, vendorIp())
              t += r.logn(2, 0.4) * SEC
            }
          }
        }
      }
    } else {
      // services
      let pods = []
      const newPods = () => {
        pods = Array.from({ length: a.p.replicas }, () => a.p.cloud ?? ip4(DC[a.region][0], DC[a.region][1], (a.p.subnet + r.int(0, 3)) % 256, r.int(2, 254)))
      }
      newPods()
      const podIp = () => pods[Math.floor(r.next() * pods.length)]
      const resched = world.reschedule && world.reschedule.agent === a.id ? world.reschedule : null
      let lastRotate = -1
      for (let d = 0; d < totalDays; d++) {
        const day0 = start + d * DAY
        const dow = new Date(day0).getUTCDay()
        const weekend = dow === 0 || dow === 6
        const deploy = world.deployDays.has(d)
        if (deploy && (a.segment === 'engineering' || r.chance(0.5))) newPods()
        else if (r.chance(0.12)) newPods()
        const lt = (h) => day0 + (h - off) * HOUR
        // credential rotation every few days: a few refused with an expired credential, then ok
        if (d - lastRotate >= a.p.rotateEvery) {
          lastRotate = d
          if (r.chance(0.35)) {
            let t = day0 + r.uni(0, 24) * HOUR
            const fam = a.p.used[0]
            const n = r.int(1, 4)
            for (let i = 0; i < n; i++) {
              emit(t, fam, 'read', 0, podIp(), 'deny', 'ERR_VC_EXPIRED')
              t += r.uni(2, 30) * SEC
            }
          }
        }
        // deploy-day cache warm-up
        if (deploy && (a.profile === 'indexer' || a.profile === 'queue-worker' || a.profile === 'ci-deployer')) {
          let t = lt(r.uni(10, 16))
          for (let i = 0; i < r.int(5, 20); i++) {
            emit(t, r.pick(a.p.used), 'read', r.logn(200, 0.5), podIp())
            t += r.uni(0.2, 2) * SEC
          }
        }
        if (a.profile === 'queue-worker') {
          const bl = world.backlog && world.backlog.agent === a.id && world.backlog.day === d ? world.backlog : null
          let owed = 0
          for (let slot = 0; slot < 144; slot++) {
            const t0 = day0 + slot * 10 * MIN
            const lh = (((slot / 6 + off) % 24) + 24) % 24
            let n = r.poisson((a.p.rate / 6) * (0.15 + businessCurve(lh) * (weekend ? 0.2 : 1)) * scale)
            const lhStart = bl ? bl.hour : 0
            if (bl && lh >= lhStart && lh < lhStart + bl.outage) {
              owed += n
              continue
            }
            let limited = false
            if (owed > 0) {
              const extra = Math.min(owed, Math.round((a.p.rate / 6) * 3))
              owed -= extra
              n += extra
              limited = true
            }
            for (let i = 0; i < n; i++) {
              let t = t0 + r.next() * 10 * MIN
              const ip = podIp()
              const fam = a.p.used[0]
              if (limited && r.chance(0.15)) {
                emit(t, fam, 'read', 0, ip, 'deny', 'ERR_RATE_LIMITED')
                t += r.uni(1, 8) * SEC // retry with back-off
              } else if (!limited && r.chance(0.003)) {
                emit(t, fam, 'read', 0, ip, 'deny', 'ERR_RATE_LIMITED')
                t += r.uni(1, 8) * SEC
              }
              emit(t, `${fam}/${'msg'}-${hash32(`${a.id}${t}`) % 1e6}`, 'read', 1, ip)
              if (r.chance(0.5)) emit(t + r.uni(0.1, 1) * SEC, r.pick(a.p.used.slice(1).concat(fam)), 'read', r.int(1, 5), ip)
              if (WRITABLE.has(fam) || r.chance(0.3)) emit(t + r.uni(1, 2) * SEC, a.p.used.find((f) => WRITABLE.has(f)) ?? fam, 'write', 0, ip)
            }
          }
        } else if (a.profile === 'hourly-sync') {
          for (let hh = 0; hh < 24; hh++) {
            let t = day0 + hh * HOUR + a.p.minute * MIN + r.uni(0, 90) * SEC
            const lh = (((hh + off) % 24) + 24) % 24
            const busy = 0.3 + businessCurve(lh) * (weekend ? 0.2 : 1)
            const n = Math.max(2, Math.round(a.p.len * r.uni(0.8, 1.2)))
            for (let i = 0; i < n; i++) {
              const fam = a.p.used[i % a.p.used.length]
              if (r.chance(0.004)) {
                emit(t, fam, 'read', 0, podIp(), 'deny', 'ERR_RATE_LIMITED')
                t += r.uni(2, 10) * SEC
              }
              emit(t, fam, 'read', Math.round(r.logn(60 * busy, 0.5)), podIp())
              t += r.uni(0.3, 3) * SEC
            }
          }
        } else if (a.profile === 'etl' || a.profile === 'backup') {
          const hour = resched && d >= resched.day ? resched.hour : a.p.batchHour
          const isBackup = a.profile === 'backup'
          const full = isBackup && dow === 0
          let t = lt(hour + r.uni(-0.03, 0.08))
          for (const fam of a.p.used) {
            const pages = Math.round(a.p.pages * (weekend && !isBackup ? 0.6 : 1) * (full ? 3 : 1) * r.uni(0.85, 1.15) * (isBackup ? 0.5 : 1))
            for (let p = 0; p < pages; p++) {
              emit(t, `${fam}/${isBackup ? 'snap' : 'part'}-${p + 1}`, 'read', p === pages - 1 ? r.int(1, a.p.pageSize) : a.p.pageSize, podIp())
              t += r.logn(1.5, 0.5) * SEC
            }
            if (!isBackup && fam.startsWith('dw:')) for (let p = 0; p < r.int(3, 10); p++, t += 2 * SEC) emit(t, `${fam}/load-${p + 1}`, 'write', 0, podIp())
          }
          if (!isBackup) {
            // hourly incremental loads
            for (let hh = 0; hh < 24; hh++) {
              let t2 = day0 + hh * HOUR + a.p.minute * MIN + r.uni(0, 60) * SEC
              for (const fam of a.p.used.filter((f) => !f.startsWith('dw:'))) {
                emit(t2, fam, 'read', Math.round(r.logn(40, 0.6)), podIp())
                t2 += r.uni(1, 5) * SEC
              }
            }
          }
        } else if (a.profile === 'indexer') {
          let t = day0 + r.uni(0, 3) * MIN
          while (t < day0 + DAY) {
            const lh = (((t - day0) / HOUR + off) % 24 + 24) % 24
            emit(t, r.pick(a.p.used), 'read', Math.round(r.logn(8, 0.8)), podIp())
            t += r.exp(60 / (a.p.rate * (0.3 + businessCurve(lh)) * scale)) * MIN
          }
        } else if (a.profile === 'payroll-runner') {
          const run = d === world.payrollDay
          let t = lt(6 + r.uni(0, 0.1))
          const pages = Math.round(a.p.pages * 0.3 * (run ? 2.5 : 1) * (weekend ? 0.5 : 1))
          for (let p = 0; p < pages; p++) {
            emit(t, `hr:payroll/batch-${p + 1}`, 'read', a.p.pageSize / 10, podIp())
            t += r.logn(1.2, 0.4) * SEC
            if (p % 10 === 0) emit(t, 'hr:employees', 'read', r.int(20, 200), podIp())
          }
          if (run) for (let p = 0; p < r.int(20, 40); p++, t += 3 * SEC) emit(t, 'fin:ledger', 'write', 0, podIp())
        } else if (a.profile === 'ci-deployer') {
          for (let hh = 0; hh < 24; hh++) {
            const lh = (((hh + off) % 24) + 24) % 24
            const pushes = r.poisson(a.p.rate * 0.8 * businessCurve(lh) * (weekend ? 0.05 : 1) * scale)
            for (let i = 0; i < pushes; i++) {
              let t = day0 + hh * HOUR + r.next() * HOUR
              emit(t, 'eng:repos', 'read', r.int(1, 30), podIp())
              t += r.uni(30, 300) * SEC
              emit(t, 'eng:builds', 'write', 0, podIp())
            }
          }
          if (deploy) {
            let t = lt(r.uni(13, 15))
            for (let i = 0; i < r.int(5, 15); i++, t += r.uni(20, 120) * SEC) emit(t, 'eng:deploys', 'write', 0, podIp())
          }
        } else if (a.profile === 'api-exporter') {
          let t = lt(r.uni(2, 2.3))
          const pages = Math.round(a.p.pages * r.uni(0.95, 1.05))
          for (let p = 0; p < pages; p++) {
            emit(t, `${a.p.used[0]}/page-${p + 1}`, 'read', 100, podIp())
            t += r.logn(0.6, 0.3) * SEC
            if (r.chance(0.01)) {
              emit(t, `${a.p.used[0]}/page-${p + 2}`, 'read', 0, podIp(), 'deny', 'ERR_RATE_LIMITED')
              t += r.uni(5, 20) * SEC
            }
          }
          for (let hh = 8; hh < 18; hh++) emit(lt(hh + r.uni(0, 1)), a.p.used[1], 'read', r.int(1, 50), podIp())
        }
      }
    }
  }
  out.sort((x, y) => x.at - y.at)
  return { events: out, grants: grants.sort((x, y) => x.at - y.at) }
}

// ---------- attacks ----------
function habits(a, evts, from, to) {
  const mine = evts.filter((e) => e.at >= from && e.at < to)
  const fams = {}
  const ips = {}
  let maxRec = 0
  const recs = []
  const perMin = {}
  for (const e of mine) {
    const f = e.resource.split('/')[0]
    fams[f] = (fams[f] ?? 0) + 1
    ips[e.ip] = (ips[e.ip] ?? 0) + 1
    if (e.records != null) recs.push(e.records)
    const m = Math.floor(e.at / MIN)
    perMin[m] = (perMin[m] ?? 0) + 1
  }
  recs.sort((x, y) => x - y)
  maxRec = recs.length ? recs[Math.floor(recs.length * 0.99)] : 1
  const peakMin = Math.max(1, ...Object.values(perMin))
  const wrote = mine.some((e) => e.action !== 'read')
  const famList = Object.entries(fams).sort((x, y) => y[1] - x[1]).map(([f]) => f).filter((f) => a.entitled.includes(f) || !f)
  return { events: mine, fams: famList.length ? famList : a.entitled.slice(0, 2), ips: Object.entries(ips).sort((x, y) => y[1] - x[1]).map(([i]) => i), maxRec, medRec: recs.length ? recs[recs.length >> 1] : 1, peakMin, wrote, readRecords: recs.reduce((s, x) => s + x, 0) }
}

function generateAttacks(seed, fleet, benign, world, start, evalFrom, end) {
  const r = stream(seed, 'attacks')
  const byAgent = new Map(fleet.map((a) => [a.id, []]))
  for (const e of benign.events) byAgent.get(e.agent).push(e)
  const excluded = new Set([world.newHire.agent, ...world.benignStatus.map((s) => s.agent)])
  const info = new Map()
  for (const a of fleet) if (!excluded.has(a.id)) info.set(a.id, habits(a, byAgent.get(a.id), evalFrom, end))
  const hist = new Map()
  const histOf = (a) => {
    if (!hist.has(a.id)) hist.set(a.id, habits(a, byAgent.get(a.id), start, evalFrom))
    return hist.get(a.id)
  }
  const used = new Set()
  const events = []
  const attacks = []
  const statusChanges = []
  const ENT = (a, f) => a.entitled.includes(f)
  const mk = (a, at, family, action, records, ip, decision = 'allow', code) => {
    const fam = family.split('/')[0]
    const e = { at: Math.floor(at), agent: a.id, decision }
    if (code) e.code = code
    e.resource = family.includes('/') ? family : `${family}/${fam.split(':')[1].slice(0, 3)}-${r.int(1000, 60000)}`
    e.action = action
    if (action === 'read' && decision === 'allow') e.records = Math.max(0, Math.round(records))
    e.ip = ip
    e.segment = OWNER[fam]
    e.verifier = verifierOf(fam)
    return e
  }
  const activeEvent = (h, from = evalFrom, to = end - 6 * HOUR, filter = () => true) => {
    const c = h.events.filter((e) => e.at >= from && e.at < to && filter(e))
    return c.length ? r.pick(c) : null
  }
  const pickVictim = (pred, prefer = () => true) => {
    let pool = fleet.filter((a) => info.has(a.id) && !used.has(a.id) && info.get(a.id).events.length > 20 && pred(a, info.get(a.id)))
    const pref = pool.filter(prefer)
    if (pref.length) pool = pref
    if (!pool.length) pool = fleet.filter((a) => info.has(a.id) && !used.has(a.id) && info.get(a.id).events.length > 20)
    const v = r.pick(pool)
    used.add(v.id)
    return v
  }
  const foreignIp = () => {
    const [x, y] = r.pick(FOREIGN)
    return ip4(x, y, r.int(0, 255), r.int(2, 254))
  }
  const localHour = (a, t) => ((((t % DAY) / HOUR + REGIONS[a.region]) % 24) + 24) % 24
  const plant = (kind, a, evs) => {
    evs.sort((x, y) => x.at - y.at)
    const inRange = evs.filter((e) => e.at >= evalFrom && e.at < end)
    if (!inRange.length) throw new Error(`workload-c: ${kind} on ${a.id} planted no events`)
    events.push(...inRange)
    attacks.push({ kind, agent: a.id, start: inRange[0].at, end: inRange[inRange.length - 1].at })
  }
  const kinds = r.shuffle(ATTACK_KINDS.flatMap((k) => Array(ATTACK_COUNTS[k]).fill(k)))
  // the harder-to-place kinds choose first
  kinds.sort((x, y) => ATTACK_KINDS.indexOf(x) - ATTACK_KINDS.indexOf(y))
  let hrNoisy = false
  for (const kind of kinds) {
    const evs = []
    let a
    if (kind === 'slow-exfiltration') {
      a = pickVictim((v, h) => h.readRecords > 2000 && v.kind !== 'company' && new Set(h.events.filter((e) => e.records > 0 && e.at >= evalFrom + DAY).map((e) => Math.floor(e.at / HOUR))).size >= 30)
      const h = info.get(a.id)
      // ride on the victim's own active hours: the extra volume in each active hour is (mult - 1)
      // x what the victim itself read in that hour; mult steps up 20% every few active hours to
      // 20x, then holds there for a while
      const begin = evalFrom + r.uni(0, 1) * DAY
      const byHour = new Map()
      for (const e of h.events) if (e.at >= begin && e.records != null && e.records > 0) {
        const k = Math.floor(e.at / HOUR)
        if (!byHour.has(k)) byHour.set(k, [])
        byHour.get(k).push(e)
      }
      const hours = [...byHour.keys()].sort((x, y) => x - y)
      const perStep = Math.max(1, Math.round((hours.length * 0.55) / 17))
      let mult = 1.2
      let step = 0
      let hold = 0
      for (let i = 0; i < hours.length && hold <= perStep * 4; i++) {
        const window = byHour.get(hours[i])
        const baseRecs = window.reduce((s, e) => s + e.records, 0)
        const extra = (mult - 1) * baseRecs
        const n = Math.max(1, Math.min(120, Math.round(window.length * Math.min(1, 0.3 + mult / 10))))
        for (let j = 0; j < n; j++) {
          const c = r.pick(window)
          evs.push(mk(a, c.at + r.uni(5, 120) * SEC, c.resource.split('/')[0], 'read', Math.max(1, Math.ceil((extra / n) * r.uni(0.8, 1.2))), c.ip))
        }
        if (++step % perStep === 0) {
          if (mult < 20) mult = Math.min(20, mult * 1.2)
          else hold++
        }
        if (mult >= 20) hold += 1 / perStep
      }
    } else if (kind === 'suspended-in-use') {
      a = pickVictim((v) => v.kind !== 'service', (v) => v.kind === 'employee')
      const h = info.get(a.id)
      const anchor = activeEvent(h, evalFrom + 0.5 * DAY, end - 2 * DAY)
      const T = anchor ? anchor.at - r.uni(2, 20) * MIN : evalFrom + 2 * DAY
      statusChanges.push({ agent: a.id, status: 'suspended', at: Math.floor(T) })
      let t = T + r.uni(1, 10) * MIN
      const stopT = t + r.uni(1, 3) * HOUR
      const ip = anchor?.ip ?? h.ips[0]
      while (t < stopT) {
        const fam = r.pick(h.fams.slice(0, 3))
        const stale = t < T + 15 * MIN && r.chance(0.3)
        evs.push(stale ? mk(a, t, fam, 'read', r.int(1, Math.max(2, h.medRec)), ip) : mk(a, t, fam, 'read', 0, ip, 'deny', 'ERR_VC_SUSPENDED'))
        t += r.logn(90, 0.8) * SEC
      }
    } else if (kind === 'retired-in-use') {
      a = pickVictim((v) => v.kind !== 'employee', (v) => v.kind === 'service')
      const h = info.get(a.id)
      const T = evalFrom + r.uni(0.3, 3) * DAY
      statusChanges.push({ agent: a.id, status: 'retired', at: Math.floor(T) })
      let t = T + r.uni(6, 40) * HOUR
      const ip = r.chance(0.5) ? ip4(DC[a.region][0], DC[a.region][1] + 1, r.int(0, 255), r.int(2, 254)) : ip4(r.pick([3, 18, 34, 52]), r.int(0, 255), r.int(0, 255), r.int(2, 254))
      const stopT = t + r.uni(20, 60) * MIN
      while (t < stopT) {
        const fam = r.pick(h.fams)
        evs.push(r.chance(0.12) ? mk(a, t, fam, 'read', Math.max(1, h.medRec), ip) : mk(a, t, fam, 'read', 0, ip, 'deny', 'ERR_VC_REVOKED'))
        t += r.logn(30, 0.8) * SEC
      }
    } else if (kind === 'lateral-movement') {
      a = pickVictim(() => true, (v) => v.traits.includes('legacy-entitlement') || r.chance(0.3))
      const h = info.get(a.id)
      const anchor = activeEvent(h)
      const ip = anchor?.ip ?? h.ips[0]
      let t = (anchor?.at ?? evalFrom + DAY) + r.uni(1, 10) * MIN
      const otherSegs = r.shuffle(Object.keys(SEGMENT_FAMILIES).filter((s) => s !== a.segment && s !== 'hr' && s !== 'platform')).slice(0, r.int(2, 4))
      const targets = [...a.entitled.filter((f) => OWNER[f] !== a.segment && !h.fams.includes(f) && f !== 'docs:wiki' && f !== 'hr:directory'), ...otherSegs.flatMap((s) => r.shuffle(SEGMENT_FAMILIES[s]).slice(0, 2))]
      const stopT = t + r.uni(30, 120) * MIN
      while (t < stopT) {
        if (r.chance(0.25)) evs.push(mk(a, t, r.pick(h.fams), 'read', Math.max(1, h.medRec), ip))
        else {
          const f = r.pick(targets)
          evs.push(ENT(a, f) ? mk(a, t, f, 'read', r.logn(80, 0.7), ip) : mk(a, t, f, 'read', 0, ip, 'deny', 'ERR_NOT_ENTITLED'))
        }
        t += r.logn(45, 0.8) * SEC
      }
    } else if (kind === 'hr-grab') {
      const wantNoisy = !hrNoisy
      a = pickVictim((v) => v.segment !== 'hr' && v.profile !== 'payroll-runner' && v.profile !== 'hourly-sync', (v) => (wantNoisy ? v.traits.includes('noisy-multi-family') : !v.traits.includes('noisy-multi-family') && v.entitled.some((f) => HR_SENSITIVE.includes(f))))
      if (a.traits.includes('noisy-multi-family')) hrNoisy = true
      const h = info.get(a.id)
      const anchor = activeEvent(h)
      const ip = anchor?.ip ?? h.ips[0]
      let t = (anchor?.at ?? evalFrom + DAY) + r.uni(1, 20) * MIN
      const stopT = t + r.uni(20, 60) * MIN
      while (t < stopT) {
        const f = r.weighted(HR_SENSITIVE, [3, 2, 1])
        evs.push(ENT(a, f) ? mk(a, t, f, 'read', r.logn(150, 0.6), ip) : mk(a, t, f, 'read', 0, ip, 'deny', 'ERR_NOT_ENTITLED'))
        t += r.logn(50, 0.7) * SEC
      }
    } else if (kind === 'bulk-read') {
      a = pickVictim((v, h) => h.events.some((e) => e.resource.startsWith('dw:') && e.records >= 100))
      const h = info.get(a.id)
      const dwEv = h.events.filter((e) => e.resource.startsWith('dw:') && e.records != null)
      const anchor = dwEv.length ? r.pick(dwEv.filter((e) => e.at < end - 3 * HOUR).concat(dwEv.slice(0, 1))) : activeEvent(h)
      const fam0 = anchor.resource.split('/')[0]
      const sibling = a.entitled.filter((f) => f.startsWith('dw:') && f !== fam0)
      const fam = sibling.length && r.chance(0.5) ? r.pick(sibling) : fam0
      const big = Math.max(...dwEv.map((e) => e.records), h.maxRec, 100)
      let t = anchor.at + r.uni(0.5, 10) * MIN
      const n = r.int(5, 20)
      for (let i = 0; i < n; i++) {
        evs.push(mk(a, t, `${fam}/export-${r.int(1, 99)}`, 'read', big * r.uni(8, 25), anchor.ip))
        t += r.logn(40, 0.6) * SEC
      }
    } else if (kind === 'probing') {
      a = pickVictim(() => true)
      const h = info.get(a.id)
      const anchor = activeEvent(h)
      const ip = anchor?.ip ?? h.ips[0]
      let t = (anchor?.at ?? evalFrom + DAY) + r.uni(1, 30) * MIN
      const n = r.int(40, 150)
      const span = r.uni(10, 45) * MIN
      const targets = r.shuffle(ALL_FAMILIES.filter((f) => !ENT(a, f) && !NEW_FAMILIES.includes(f))).slice(0, r.int(6, 12))
      for (let i = 0; i < n; i++) {
        const x = r.next()
        if (x < 0.82) evs.push(mk(a, t, r.pick(targets), r.chance(0.8) ? 'read' : 'write', 0, ip, 'deny', 'ERR_NOT_ENTITLED'))
        else if (x < 0.92) evs.push(mk(a, t, r.pick(h.fams), 'read', 0, ip, 'deny', 'ERR_CONSTRAINT'))
        else evs.push(mk(a, t, r.pick(h.fams), 'read', Math.max(1, h.medRec), ip))
        t += (span / n) * r.uni(0.3, 1.7)
      }
    } else if (kind === 'two-networks') {
      a = pickVictim((v) => v.kind === 'employee')
      const h = info.get(a.id)
      // while the owner is actually working: an anchor with at least 6 of the owner's own
      // requests in the next two hours; the attacker's use stops soon after the owner's does
      const evsOwn = h.events
      const busy = evsOwn.filter((e, i) => e.at < end - 6 * HOUR && i + 5 < evsOwn.length && evsOwn[i + 5].at - e.at <= 2 * HOUR)
      const anchor = busy.length ? r.pick(busy) : activeEvent(h)
      const ip = foreignIp()
      let t = anchor.at + r.uni(0, 10) * MIN
      const horizon = t + r.uni(1, 3) * HOUR
      const lastOwner = Math.max(...evsOwn.filter((e) => e.at >= t && e.at <= horizon).map((e) => e.at), t)
      const stopT = Math.max(t + 20 * MIN, Math.min(horizon, lastOwner + 15 * MIN))
      while (t < stopT) {
        const fam = r.pick(h.fams.slice(0, 4))
        evs.push(mk(a, t, fam, 'read', r.chance(0.6) ? 1 : r.logn(Math.max(5, h.medRec * 3), 0.5), ip))
        t += r.logn(3, 0.9) * MIN
      }
    } else if (kind === 'off-hours-use') {
      a = pickVictim((v) => v.kind === 'employee' ? !v.p.evening && !v.p.weekend : v.kind === 'company' && !v.p.followSun && v.p.nightly == null && v.profile !== 'crm-sync')
      const h = info.get(a.id)
      let day = evalFrom + r.int(0, 5) * DAY
      if ([0, 6].includes(new Date(day).getUTCDay())) day += 2 * DAY
      if (day >= end - DAY) day = evalFrom + DAY
      const lh = r.uni(1, 4.5)
      let t = day + (lh - REGIONS[a.region]) * HOUR
      if (t < evalFrom) t += DAY
      const ip = a.kind === 'employee' ? (a.p.vpn ? ip4(VPN[a.region][0], VPN[a.region][1], r.int(0, 15), r.int(2, 254)) : a.p.home) : r.pick(a.p.vendor)
      const stopT = t + r.uni(20, 90) * MIN
      const n = r.int(20, 80)
      for (let i = 0; i < n && t < stopT; i++) {
        evs.push(mk(a, t, r.pick(h.fams.slice(0, 4)), 'read', r.chance(0.5) ? 1 : r.logn(Math.max(5, h.medRec * 2), 0.5), ip))
        t += ((stopT - t) / (n - i)) * r.uni(0.3, 1.7)
      }
      void localHour
    } else if (kind === 'rate-flood') {
      a = pickVictim(() => true)
      const h = info.get(a.id)
      const anchor = activeEvent(h)
      const ip = anchor?.ip ?? h.ips[0]
      let t = (anchor?.at ?? evalFrom + DAY) + r.uni(1, 10) * MIN
      const perMin = Math.min(2000, Math.max(30, h.peakMin * r.uni(10, 30)))
      const stopT = t + r.uni(5, 20) * MIN
      const t0 = t
      while (t < stopT) {
        const fam = r.pick(h.fams.slice(0, 2))
        const limited = t - t0 > 60 * SEC && r.chance(0.5)
        evs.push(limited ? mk(a, t, fam, 'read', 0, ip, 'deny', 'ERR_RATE_LIMITED') : mk(a, t, fam, 'read', Math.max(1, h.medRec), ip))
        t += r.exp(MIN / perMin)
      }
    } else if (kind === 'new-action') {
      a = pickVictim((v, h) => !h.wrote && !histOf(v).wrote)
      const h = info.get(a.id)
      const anchor = activeEvent(h)
      const ip = anchor?.ip ?? h.ips[0]
      let t = (anchor?.at ?? evalFrom + DAY) + r.uni(1, 10) * MIN
      const stopT = t + r.uni(10, 30) * MIN
      const n = r.int(5, 40)
      for (let i = 0; i < n && t < stopT; i++) {
        evs.push(mk(a, t, r.pick(h.fams.slice(0, 3)), r.chance(0.75) ? 'delete' : 'write', 0, ip))
        t += ((stopT - t) / (n - i)) * r.uni(0.3, 1.7)
      }
    }
    plant(kind, a, evs)
  }
  events.sort((x, y) => x.at - y.at)
  attacks.sort((x, y) => ATTACK_KINDS.indexOf(x.kind) - ATTACK_KINDS.indexOf(y.kind) || x.start - y.start)
  return { events, attacks, statusChanges }
}

// ---------- the fortnight ----------
export function generateWeek({ seed = 1, agents = 150, historyDays = 7, days = 7, attacks = true, start = Date.UTC(2026, 10, 2), scale = 1 } = {}) {
  const evalFrom = start + historyDays * DAY
  const end = evalFrom + days * DAY
  const fleet = buildFleet(seed, agents)
  const world = buildWorld(seed, fleet, historyDays, days)
  const benign = generateBenign(seed, fleet, world, start, historyDays, days, scale)
  const benignStatus = world.benignStatus.map(({ agent, status, at }) => ({ agent, status, at }))
  let events = benign.events
  let planted = []
  let statusChanges = benignStatus
  if (attacks) {
    const att = generateAttacks(seed, fleet, benign, world, start, evalFrom, end)
    // merge: on equal times benign events come first, so the benign order is unchanged
    const merged = new Array(events.length + att.events.length)
    let i = 0
    let j = 0
    let k = 0
    while (i < events.length || j < att.events.length) {
      if (j >= att.events.length || (i < events.length && events[i].at <= att.events[j].at)) merged[k++] = events[i++]
      else merged[k++] = att.events[j++]
    }
    events = merged
    planted = att.attacks
    statusChanges = [...benignStatus, ...att.statusChanges]
  }
  statusChanges.sort((x, y) => x.at - y.at)
  const agentsOut = fleet.map(({ id, kind, profile, segment, region, team, role, entitled, traits }) => ({ id, kind, profile, segment, region, team, role, entitled: [...entitled], traits: [...new Set(traits)] }))
  return { events, evalFrom, end, start, attacks: planted, statusChanges, grants: benign.grants, agents: agentsOut }
}

// ---------- CLI ----------
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : fallback
  }
  const week = generateWeek({ seed: Number(arg('seed', 1)), agents: Number(arg('agents', 150)), attacks: !process.argv.includes('--no-attacks') })
  const out = process.stdout
  out.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  let buf = ''
  for (const e of week.events) {
    buf += `${JSON.stringify(e)}\n`
    if (buf.length > 1 << 20) {
      out.write(buf)
      buf = ''
    }
  }
  out.write(buf)
  process.stderr.write(`workload-c: ${week.events.length} events, ${week.agents.length} agents, ${week.attacks.length} attacks, eval from ${new Date(week.evalFrom).toISOString()}\n`)
}
