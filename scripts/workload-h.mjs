// Workload H: a fortnight of verification events of the AI agents of "Company H" (h.example), a
// software/SaaS company, for the anomaly-detection evaluation (scripts/anomaly-eval.mjs). Seeded,
// deterministic, no dependencies. Written without looking at the detector or the other workloads.
//
// ── Spec ─────────────────────────────────────────────────────────────────────────────────────────
// Fortnight: Monday 2027-03-22 00:00 UTC .. Monday 2027-04-05 00:00 UTC. Week 1 = history, week 2 =
// evaluated. Berlin switches CET (UTC+1) -> CEST (UTC+2) on Sunday 2027-03-28 01:00 UTC, so Berlin
// people work one hour earlier in UTC in the evaluated week. Bangalore is UTC+5:30, Austin CDT UTC-5
// (already on summer time since 2027-03-14).
// Offices (NAT'd, four egress addresses each): Berlin 185.54.12.10-13, Bangalore 103.27.140.10-13,
// Austin 64.124.88.10-13. Corporate VPN egress per region (91.198.44.x, 103.27.141.x, 64.124.89.x).
// Home broadband per person (DE 87.123/93.204/77.8/91.64, IN 49.207/106.51/122.171, US 70.112/24.155/
// 99.61), some people get a new address from their ISP in week 2; mobile tethering via carrier CGNAT
// (DE 80.187, IN 157.45/106.203, US 172.56/174.244), a new address per session.
// Cloud: eu-central-1 NAT pool 3.120.18.11-18 (two addresses replaced on day 9), us-east-1
// 52.20.144.x, ap-south-1 13.232.77.x, failover region us-west-2 44.226.31.x, CI runners 35.198.64.x
// / 34.139.12.x. Egress addresses rotate within a pool request by request.
// Verifiers (did:web:<host>.h.example) and their segments / families:
//   git (eng) git:repos git:pulls git:issues · ci (eng) ci:pipelines ci:artifacts · deploy (eng)
//   deploy:releases deploy:config · obs (ops) obs:logs obs:metrics obs:traces obs:dashboards ·
//   pager (ops) pager:incidents · support (customer) support:tickets support:macros · crm (customer)
//   crm:accounts crm:contacts · tenants (customer) tenant:data tenant:config · billing (finance)
//   billing:invoices billing:subscriptions billing:payments · signup (growth) signup:trials
//   signup:leads · marketing (growth) mkt:campaigns mkt:email · warehouse (data) dw:tables dw:queries ·
//   features (data) ml:features ml:models · hr (people) hr:employees hr:payroll hr:reviews
//   hr:recruiting · vault (security) secrets:kv secrets:keys · iam (security) iam:users iam:groups ·
//   workspace (corp) wiki:pages chat:messages cal:events.
// Fleet (of N agents): ~56% employees' assistants (did:key), ~13% company agents (did:key), ~22%
// services (did:web:svc.h.example:<name>), ~9% ephemeral agents enrolled during the fortnight with a
// fresh id (per-pipeline runners, per-incident responders, a post-incident backfill, a customer's
// data-export job) that live hours to a day and are retired.
// Employees: backend/frontend/platform engineers, SRE, support, customer success, billing ops,
// growth, data, ML, people (HR), security, IT; in Berlin, Bangalore, Austin; hybrid (office Tue-Thu),
// remote or office; some night owls, weekend workers, VPN users, mobile tetherers; managers read the
// HR directory; vacations; a weekly on-call rotation (SRE primary, backend secondary) with night
// pages; over-broad "dormant" entitlements nobody uses.
// Company agents: follow-the-sun support copilots (Bangalore -> Berlin -> Austin desks), billing
// agent, analytics assistant (query sizes vary over four orders of magnitude, rate-limited at times),
// triage bot, docs assistant, meeting notes, incident commander, sales research, code-review bot,
// recruiting assistant, onboarding buddy, security scanner.
// Services: CI build bots (merge-driven, bursty), deploy bot (release train Wednesday of week 2 after
// a code freeze Mon-Tue), autoscaled worker pools (one identity, traffic follows customer load, rate
// limits at peaks), nightly ETL, weekly model training (Saturday, feature store read heavily),
// signup bot (marketing campaign on Tuesday of week 2 doubles signups), metrics scraper, nightly
// backups (exports), search indexer, billing reconciler, email sender, feature pipeline, alert
// router, audit exporter, certificate renewer.
// Events of note: a small incident (eu-central degraded) on Tuesday of week 1; a us-east outage on
// Thursday of week 2 (~2.5 h) with many agents reading logs/metrics heavily, us-east services failing
// over to us-west-2 networks for a day, and a backfill job the next day; a reorg in week 2 (some
// backend engineers move to a new "payments" team, billing families granted Mon-Wed and adopted over
// days); a new hire's assistant enrolled Wednesday of week 2; a leaver's assistant retired Tuesday of
// week 2 (its client retries, refused); a lost laptop's assistant suspended Wednesday of week 2
// (retries refused) and a replacement assistant enrolled the next day.
// Noise: rare refusals for families one may not read, expired credentials refused then renewed
// (typically Monday morning), rate-limit bursts, ephemeral runners whose client retries after
// retirement, constraint and purpose refusals.
// Attacks (evaluated week, one distinct victim each, ~3 per kind per 150 agents, shaped from the
// victim's own history): see ATTACK_KINDS; own kinds `secret-harvest` (reading many vault secrets)
// and `tenant-crossing` (a customer-facing agent reading the data of many tenants it never touched).
// Random streams: the fleet, each agent's benign activity and the attacks use separate streams, so
// the benign fortnight is the same with and without attacks.

const DAY = 86_400_000
const HOUR = 3_600_000
const MIN = 60_000
const SEC = 1000
const START = Date.UTC(2027, 2, 22)
const EVAL = START + 7 * DAY
const END = START + 14 * DAY
const BERLIN_DST = Date.UTC(2027, 2, 28, 1)

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action', 'secret-harvest', 'tenant-crossing']

// ── Random streams ───────────────────────────────────────────────────────────────────────────────
function hash32(str) {
  let h = 0x811c9dc5
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
class Rng {
  constructor(...parts) {
    const s = parts.join('/')
    this.a = hash32(s + '#a'); this.b = hash32(s + '#b'); this.c = hash32(s + '#c'); this.d = hash32(s + '#d')
    for (let i = 0; i < 15; i++) this.next()
  }
  next() { // sfc32
    let a = this.a, b = this.b, c = this.c, d = this.d
    const t0 = (a + b) | 0
    a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); d = (d + 1) | 0
    const t = (t0 + d) | 0
    c = (c + t) | 0
    this.a = a; this.b = b; this.c = c; this.d = d
    return (t >>> 0) / 4294967296
  }
  u(a, b) { return a + (b - a) * this.next() }
  int(a, b) { return a + Math.floor(this.next() * (b - a + 1)) }
  chance(p) { return this.next() < p }
  pick(arr) { return arr[Math.floor(this.next() * arr.length)] }
  skew(arr, k = 2) { return arr[Math.floor(Math.pow(this.next(), k) * arr.length)] }
  wpick(entries) { // [[item, weight], ...]
    let total = 0
    for (const e of entries) total += e[1]
    let x = this.next() * total
    for (const e of entries) if ((x -= e[1]) < 0) return e[0]
    return entries[entries.length - 1][0]
  }
  normal() { return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next()) }
  logn(median, sigma) { return median * Math.exp(sigma * this.normal()) }
  exp(mean) { return -mean * Math.log(1 - this.next()) }
  geom(mean) { return 1 + Math.floor(this.exp(Math.max(0.01, mean - 0.5))) }
  poisson(mean) { let n = 0, t = this.exp(1); while (t < mean) { n++; t += this.exp(1) } return n }
  shuffle(arr) { const a = [...arr]; for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(this.next() * (i + 1)); [a[i], a[j]] = [a[j], a[i]] } return a }
}
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const didKey = (r) => { let s = 'did:key:z6Mk'; for (let i = 0; i < 44; i++) s += B58[Math.floor(r.next() * 58)]; return s }

// ── Time ─────────────────────────────────────────────────────────────────────────────────────────
const TZ = { berlin: (t) => (t < BERLIN_DST ? 60 : 120), bangalore: () => 330, austin: () => -300 }
const offsetOf = (region, t) => (TZ[region] ? TZ[region](t) : 0)
const utcOf = (region, day, hour) => { // local day index from START, local hour (float) -> UTC ms
  const guess = START + day * DAY + hour * HOUR
  const t = guess - offsetOf(region, guess) * MIN
  return guess - offsetOf(region, t) * MIN
}
const localHour = (region, t) => { const l = t + offsetOf(region, t) * MIN - START; return (((l % DAY) + DAY) % DAY) / HOUR }
const localDay = (region, t) => Math.floor((t + offsetOf(region, t) * MIN - START) / DAY)
const dow = (day) => ((day % 7) + 7) % 7 // 0 = Monday
const ramp = (h, a, b) => Math.max(0, Math.min(1, h - (a - 1), b + 1 - h)) // 1 on [a,b], 1 h ramps

// ── Catalogue ────────────────────────────────────────────────────────────────────────────────────
const VERIFIERS = { git: 'eng', ci: 'eng', deploy: 'eng', obs: 'ops', pager: 'ops', support: 'customer', crm: 'customer', tenants: 'customer', billing: 'finance', signup: 'growth', marketing: 'growth', warehouse: 'data', features: 'data', hr: 'people', vault: 'security', iam: 'security', workspace: 'corp' }
// family: [verifier, action mix, records median (list/search), sigma, share of record-level requests, id kind]
const FAM = {
  'git:repos': ['git', { read: 5, list: 1, search: 2 }, 25, 0.9, 0.7, 'repo'],
  'git:pulls': ['git', { read: 4, list: 2, write: 1, update: 1 }, 15, 0.7, 0.6, 'pr'],
  'git:issues': ['git', { read: 4, search: 2, write: 1, update: 1 }, 20, 0.8, 0.6, 'issue'],
  'ci:pipelines': ['ci', { read: 4, list: 2, write: 0.5 }, 20, 0.7, 0.6, 'run'],
  'ci:artifacts': ['ci', { read: 3, list: 1 }, 12, 0.8, 0.6, 'artifact'],
  'deploy:releases': ['deploy', { read: 3, list: 2 }, 10, 0.6, 0.5, 'release'],
  'deploy:config': ['deploy', { read: 4, update: 0.3 }, 8, 0.6, 0.6, 'svc'],
  'obs:logs': ['obs', { read: 2, search: 4, list: 1 }, 300, 1.1, 0.3, 'svc'],
  'obs:metrics': ['obs', { read: 3, search: 2, list: 1 }, 80, 0.9, 0.4, 'svc'],
  'obs:traces': ['obs', { read: 3, search: 2 }, 40, 0.9, 0.5, 'trace'],
  'obs:dashboards': ['obs', { read: 4, list: 1 }, 12, 0.5, 0.7, 'dash'],
  'pager:incidents': ['pager', { read: 3, list: 1, update: 1 }, 8, 0.5, 0.6, 'inc'],
  'support:tickets': ['support', { read: 5, search: 2, update: 2, write: 1 }, 15, 0.7, 0.7, 'ticket'],
  'support:macros': ['support', { read: 3, list: 1 }, 10, 0.5, 0.6, 'macro'],
  'crm:accounts': ['crm', { read: 5, search: 2, update: 0.5 }, 12, 0.8, 0.7, 'acct'],
  'crm:contacts': ['crm', { read: 4, search: 2, update: 0.5 }, 15, 0.8, 0.6, 'contact'],
  'tenant:data': ['tenants', { read: 5, search: 1 }, 20, 1.0, 0.9, 'tenant'],
  'tenant:config': ['tenants', { read: 4 }, 6, 0.5, 0.8, 'tenant'],
  'billing:invoices': ['billing', { read: 4, list: 2, write: 0.3 }, 20, 0.9, 0.6, 'invoice'],
  'billing:subscriptions': ['billing', { read: 4, list: 1, update: 0.5 }, 15, 0.8, 0.6, 'acct'],
  'billing:payments': ['billing', { read: 4, list: 1 }, 25, 0.9, 0.5, 'payment'],
  'signup:trials': ['signup', { read: 2, write: 1, update: 1 }, 10, 0.7, 0.6, 'trial'],
  'signup:leads': ['signup', { read: 3, list: 1, write: 1 }, 30, 0.8, 0.5, 'lead'],
  'mkt:campaigns': ['marketing', { read: 3, list: 1, update: 1 }, 8, 0.5, 0.6, 'campaign'],
  'mkt:email': ['marketing', { read: 2, write: 1 }, 40, 0.9, 0.4, 'email'],
  'dw:tables': ['warehouse', { read: 3, list: 1 }, 400, 1.3, 0.6, 'table'],
  'dw:queries': ['warehouse', { read: 3, search: 1 }, 300, 1.8, 0.3, 'query'],
  'ml:features': ['features', { read: 4, list: 1 }, 800, 1.2, 0.5, 'featureset'],
  'ml:models': ['features', { read: 3, write: 0.5 }, 3, 0.5, 0.7, 'model'],
  'hr:employees': ['hr', { read: 4, search: 2 }, 6, 0.7, 0.7, 'emp'],
  'hr:payroll': ['hr', { read: 3 }, 30, 0.9, 0.5, 'emp'],
  'hr:reviews': ['hr', { read: 3, write: 1 }, 5, 0.6, 0.7, 'emp'],
  'hr:recruiting': ['hr', { read: 3, update: 1, write: 1 }, 12, 0.7, 0.6, 'cand'],
  'secrets:kv': ['vault', { read: 5, list: 0.5 }, 8, 0.6, 0.9, 'secret'],
  'secrets:keys': ['vault', { read: 3, list: 0.5 }, 4, 0.5, 0.8, 'key'],
  'iam:users': ['iam', { read: 3, list: 1, update: 0.5 }, 20, 0.8, 0.6, 'emp'],
  'iam:groups': ['iam', { read: 3, list: 1, update: 0.5 }, 15, 0.7, 0.6, 'group'],
  'wiki:pages': ['workspace', { read: 5, search: 2, write: 0.5 }, 10, 0.6, 0.7, 'page'],
  'chat:messages': ['workspace', { read: 4, search: 1, write: 2 }, 30, 0.8, 0.5, 'channel'],
  'cal:events': ['workspace', { read: 3, list: 1, write: 0.5 }, 8, 0.5, 0.5, 'meeting'],
}
const ALL_FAMILIES = Object.keys(FAM)
const segOf = (fam) => VERIFIERS[FAM[fam][0]]
const READS = new Set(['read', 'list', 'search', 'export'])
const WORDS = ['api', 'gateway', 'auth', 'billing', 'search', 'web', 'mobile', 'ingest', 'export', 'notify', 'worker', 'tenant', 'admin', 'portal', 'sdk', 'infra', 'metrics', 'queue', 'cache', 'router', 'ledger', 'docs', 'editor', 'sync', 'media', 'report', 'scheduler', 'audit', 'flags', 'config']
const SVCS = ['api', 'gateway', 'auth', 'billing', 'search', 'web', 'ingest', 'notify', 'worker', 'tenant-api', 'scheduler', 'ledger', 'sync', 'media', 'report']
function makeId(kind, r) {
  switch (kind) {
    case 'repo': return `${r.pick(WORDS)}-${r.pick(WORDS)}`
    case 'pr': return `pr-${r.int(1000, 9999)}`
    case 'issue': return `is-${r.int(10000, 39999)}`
    case 'run': return `run-${r.int(100000, 999999)}`
    case 'artifact': return `art-${r.int(10000, 99999)}`
    case 'release': return `rel-2027.${r.int(10, 14)}.${r.int(0, 9)}`
    case 'svc': return r.pick(SVCS)
    case 'trace': return `tr-${r.int(1e6, 9e6)}`
    case 'dash': return `dash-${r.int(1, 240)}`
    case 'inc': return `inc-${r.int(700, 760)}`
    case 'ticket': return `tk-${r.int(400000, 499999)}`
    case 'macro': return `mac-${r.int(1, 120)}`
    case 'acct': return `acc-${r.int(10000, 14999)}`
    case 'contact': return `ct-${r.int(100000, 199999)}`
    case 'tenant': return `t-${r.int(1000, 5999)}`
    case 'invoice': return `inv-${r.int(500000, 599999)}`
    case 'payment': return `pay-${r.int(1e6, 2e6)}`
    case 'trial': return `tr-${r.int(80000, 99999)}`
    case 'lead': return `ld-${r.int(200000, 299999)}`
    case 'campaign': return `cmp-${r.int(300, 340)}`
    case 'email': return `em-${r.int(1, 400)}`
    case 'table': return `${r.pick(['fct', 'dim', 'stg'])}_${r.pick(WORDS)}`
    case 'query': return `q-${r.int(1, 5000)}`
    case 'featureset': return `fs-${r.pick(WORDS)}`
    case 'model': return `m-${r.pick(['churn', 'ltv', 'spam', 'routing', 'forecast'])}-${r.int(1, 30)}`
    case 'emp': return `e-${r.int(1000, 1899)}`
    case 'cand': return `cand-${r.int(5000, 5999)}`
    case 'secret': return `prod/${r.pick(SVCS)}/${r.pick(['db-password', 'api-token', 'signing-key', 'webhook-secret', 'smtp', 's3-key', 'oauth-client'])}`
    case 'key': return `kms-${r.int(1, 60)}`
    case 'group': return `g-${r.pick(WORDS)}`
    case 'page': return `pg-${r.int(1, 20000)}`
    case 'channel': return `ch-${r.pick(WORDS)}`
    case 'meeting': return `mtg-${r.int(1, 99999)}`
    default: return `${kind}-${r.int(1, 9999)}`
  }
}

// ── Networks ─────────────────────────────────────────────────────────────────────────────────────
const OFFICE = { berlin: '185.54.12.', bangalore: '103.27.140.', austin: '64.124.88.' }
const VPN = { berlin: '91.198.44.', bangalore: '103.27.141.', austin: '64.124.89.' }
const HOME = { berlin: ['87.123.', '93.204.', '77.8.', '91.64.'], bangalore: ['49.207.', '106.51.', '122.171.'], austin: ['70.112.', '24.155.', '99.61.'] }
const MOBILE = { berlin: ['80.187.'], bangalore: ['157.45.', '106.203.'], austin: ['172.56.', '174.244.'] }
const CLOUD = { 'eu-central-1': '3.120.18.', 'us-east-1': '52.20.144.', 'ap-south-1': '13.232.77.', 'us-west-2': '44.226.31.' }
const ATTACKER = ['45.133.', '185.220.101.', '193.32.162.', '104.244.', '5.188.', '198.98.', '146.70.', '94.102.', '23.129.', '176.97.']
const ip4 = (prefix, r) => { const parts = prefix.split('.').filter(Boolean).length; let s = prefix; for (let i = parts; i < 4; i++) s += (i > parts ? '.' : '') + (i === 3 ? r.int(2, 253) : r.int(0, 255)); return s }
const officeIp = (region, r) => OFFICE[region] + r.int(10, 13)
const vpnIp = (region, r) => VPN[region] + r.int(10, 13)
const mobileIp = (region, r) => ip4(r.pick(MOBILE[region]), r)
const EU_POOL_OLD = [11, 12, 13, 14, 15, 16, 17, 18].map((x) => `3.120.18.${x}`)
const EU_POOL_NEW = [11, 12, 13, 14, 15, 16].map((x) => `3.120.18.${x}`).concat(['3.120.19.21', '3.120.19.22'])
function cloudIp(region, t, r, failover) {
  if (region === 'us-east-1' && failover && t >= failover[0] && t < failover[1]) return CLOUD['us-west-2'] + r.int(11, 18)
  if (region === 'eu-central-1') return r.pick(t < START + 9 * DAY ? EU_POOL_OLD : EU_POOL_NEW)
  return CLOUD[region] + r.int(11, 18)
}

// ── Roles ────────────────────────────────────────────────────────────────────────────────────────
const ROLES = {
  'backend-engineer': { seg: 'eng', team: 'backend', w: 0.2, fams: { 'git:repos': 30, 'git:pulls': 16, 'git:issues': 10, 'ci:pipelines': 9, 'ci:artifacts': 2, 'obs:logs': 7, 'obs:metrics': 4, 'deploy:releases': 2, 'wiki:pages': 7, 'chat:messages': 8, 'cal:events': 3 }, dormant: ['tenant:data', 'dw:tables', 'secrets:kv', 'obs:traces', 'crm:accounts'], regions: [['berlin', 4], ['bangalore', 3.5], ['austin', 2.5]] },
  'frontend-engineer': { seg: 'eng', team: 'frontend', w: 0.1, fams: { 'git:repos': 32, 'git:pulls': 18, 'git:issues': 12, 'ci:pipelines': 8, 'ci:artifacts': 4, 'obs:dashboards': 3, 'wiki:pages': 8, 'chat:messages': 10, 'cal:events': 3 }, dormant: ['mkt:campaigns', 'signup:trials', 'obs:logs'], regions: [['berlin', 4], ['bangalore', 3], ['austin', 3]] },
  'platform-engineer': { seg: 'eng', team: 'platform', w: 0.08, fams: { 'git:repos': 20, 'ci:pipelines': 14, 'deploy:releases': 10, 'deploy:config': 8, 'secrets:kv': 4, 'iam:groups': 2, 'obs:metrics': 8, 'obs:logs': 8, 'wiki:pages': 6, 'chat:messages': 8 }, dormant: ['secrets:keys', 'iam:users', 'tenant:config'], regions: [['berlin', 5], ['austin', 3], ['bangalore', 2]] },
  sre: { seg: 'ops', team: 'sre', w: 0.08, fams: { 'obs:logs': 22, 'obs:metrics': 18, 'obs:traces': 8, 'obs:dashboards': 8, 'pager:incidents': 8, 'deploy:releases': 6, 'deploy:config': 3, 'git:repos': 6, 'secrets:kv': 2, 'chat:messages': 8, 'wiki:pages': 4 }, dormant: ['tenant:config', 'iam:groups', 'dw:tables'], regions: [['berlin', 4], ['austin', 3], ['bangalore', 3]] },
  'support-engineer': { seg: 'customer', team: 'support', w: 0.14, fams: { 'support:tickets': 34, 'support:macros': 10, 'crm:accounts': 14, 'crm:contacts': 6, 'tenant:data': 14, 'tenant:config': 4, 'wiki:pages': 8, 'chat:messages': 7, 'billing:invoices': 2 }, dormant: ['billing:subscriptions', 'obs:logs', 'signup:trials'], regions: [['berlin', 1], ['bangalore', 1], ['austin', 1]] },
  'customer-success': { seg: 'customer', team: 'success', w: 0.06, fams: { 'crm:accounts': 28, 'crm:contacts': 16, 'support:tickets': 12, 'billing:subscriptions': 8, 'mkt:campaigns': 4, 'dw:queries': 4, 'cal:events': 10, 'chat:messages': 10, 'wiki:pages': 4 }, dormant: ['billing:invoices', 'tenant:config'], regions: [['berlin', 2], ['austin', 3]] },
  'billing-specialist': { seg: 'finance', team: 'billing-ops', w: 0.04, fams: { 'billing:invoices': 28, 'billing:subscriptions': 20, 'billing:payments': 18, 'crm:accounts': 12, 'support:tickets': 6, 'dw:queries': 4, 'chat:messages': 8, 'wiki:pages': 4 }, dormant: ['dw:tables', 'hr:employees'], regions: [['berlin', 1], ['austin', 1]] },
  marketer: { seg: 'growth', team: 'growth', w: 0.06, fams: { 'mkt:campaigns': 26, 'mkt:email': 18, 'signup:leads': 14, 'signup:trials': 6, 'crm:contacts': 8, 'dw:queries': 6, 'wiki:pages': 8, 'chat:messages': 10, 'cal:events': 4 }, dormant: ['crm:accounts', 'obs:dashboards'], regions: [['austin', 3], ['berlin', 2]] },
  'data-analyst': { seg: 'data', team: 'data', w: 0.07, fams: { 'dw:queries': 34, 'dw:tables': 20, 'obs:dashboards': 6, 'crm:accounts': 4, 'billing:subscriptions': 4, 'wiki:pages': 8, 'chat:messages': 10, 'git:repos': 6 }, dormant: ['ml:features', 'tenant:data', 'billing:payments'], regions: [['berlin', 2], ['bangalore', 2], ['austin', 1]] },
  'ml-engineer': { seg: 'data', team: 'ml', w: 0.05, fams: { 'ml:features': 22, 'ml:models': 16, 'dw:tables': 14, 'dw:queries': 8, 'git:repos': 14, 'ci:pipelines': 6, 'obs:metrics': 4, 'wiki:pages': 6, 'chat:messages': 8 }, dormant: ['tenant:data', 'secrets:kv'], regions: [['bangalore', 2], ['berlin', 1]] },
  'hr-partner': { seg: 'people', team: 'people', w: 0.04, fams: { 'hr:employees': 28, 'hr:recruiting': 18, 'hr:reviews': 10, 'hr:payroll': 6, 'cal:events': 12, 'chat:messages': 10, 'wiki:pages': 8, 'iam:users': 2 }, dormant: ['dw:queries'], regions: [['berlin', 2], ['austin', 1]] },
  'security-engineer': { seg: 'security', team: 'security', w: 0.04, fams: { 'iam:users': 14, 'iam:groups': 10, 'secrets:keys': 6, 'secrets:kv': 4, 'obs:logs': 16, 'git:repos': 12, 'git:issues': 6, 'wiki:pages': 6, 'chat:messages': 8, 'hr:employees': 2 }, dormant: ['tenant:config', 'deploy:config', 'crm:accounts'], regions: [['berlin', 2], ['austin', 1]] },
  'it-admin': { seg: 'corp', team: 'it', w: 0.04, fams: { 'iam:users': 22, 'iam:groups': 14, 'hr:employees': 10, 'cal:events': 12, 'wiki:pages': 12, 'chat:messages': 12, 'obs:dashboards': 4 }, dormant: ['secrets:kv', 'mkt:email'], regions: [['berlin', 1], ['austin', 1], ['bangalore', 1]] },
}
const FIRST = ['Lena', 'Jonas', 'Priya', 'Arjun', 'Maya', 'Tom', 'Ana', 'Ravi', 'Sofia', 'Ben', 'Kavya', 'Luis', 'Hannah', 'Vikram', 'Grace', 'Felix', 'Meera', 'Diego', 'Clara', 'Nikhil', 'Emma', 'Omar', 'Ishita', 'Jake']
const REGION_NAME = { berlin: 'Berlin', bangalore: 'Bangalore', austin: 'Austin' }

// ── Fleet ────────────────────────────────────────────────────────────────────────────────────────
const COMPANY_SEQ = ['support-copilot', 'billing-agent', 'analytics-assistant', 'triage-bot', 'support-copilot', 'docs-assistant', 'incident-commander', 'meeting-notes', 'support-copilot', 'sales-research', 'code-review-bot', 'recruiting-assistant', 'support-copilot', 'onboarding-buddy', 'security-scanner', 'analytics-assistant']
const SERVICE_SEQ = ['ci-build', 'deploy-bot', 'worker-pool', 'etl-nightly', 'signup-bot', 'metrics-scraper', 'trainer-weekly', 'ci-build', 'worker-pool', 'backup-snapshots', 'search-indexer', 'billing-reconciler', 'email-sender', 'feature-pipeline', 'alert-router', 'audit-exporter', 'cert-renewer', 'ci-build', 'worker-pool', 'worker-pool', 'search-indexer', 'ci-build', 'worker-pool', 'metrics-scraper']
const POOLS = ['tenant-sync', 'billing-events', 'notifications', 'webhooks', 'report-render', 'imports', 'search-sync']
const COMPANY = {
  'support-copilot': { seg: 'customer', team: 'support', fams: { 'support:tickets': 34, 'tenant:data': 20, 'crm:accounts': 14, 'support:macros': 10, 'tenant:config': 4, 'wiki:pages': 6, 'billing:invoices': 2 }, traits: ['follow-the-sun', 'shared'], profile: 'follow-the-sun support copilot shared by the Bangalore, Berlin and Austin desks' },
  'billing-agent': { seg: 'finance', team: 'billing-ops', fams: { 'billing:invoices': 30, 'billing:subscriptions': 26, 'billing:payments': 10, 'crm:accounts': 16, 'support:tickets': 8 }, traits: ['customer-facing'], profile: 'customer-facing billing agent answering invoice and plan questions' },
  'analytics-assistant': { seg: 'data', team: 'data', fams: { 'dw:queries': 60, 'dw:tables': 25, 'obs:dashboards': 5 }, traits: ['shared', 'rate-limited'], profile: 'analytics assistant running warehouse queries of wildly varying size for the data team' },
  'triage-bot': { seg: 'eng', team: 'backend', fams: { 'git:issues': 40, 'support:tickets': 25, 'chat:messages': 15, 'obs:logs': 5 }, traits: ['bot'], profile: 'triage bot linking support tickets to engineering issues' },
  'docs-assistant': { seg: 'corp', team: 'it', fams: { 'wiki:pages': 60, 'git:repos': 25, 'chat:messages': 10 }, traits: ['shared'], profile: 'documentation assistant answering questions from the wiki and code' },
  'incident-commander': { seg: 'ops', team: 'sre', fams: { 'pager:incidents': 30, 'obs:metrics': 20, 'obs:logs': 20, 'chat:messages': 20, 'deploy:releases': 5 }, traits: ['incident-driven'], profile: 'incident commander agent that opens channels and summarises incidents' },
  'meeting-notes': { seg: 'corp', team: 'it', fams: { 'cal:events': 45, 'chat:messages': 30, 'wiki:pages': 20 }, traits: ['shared'], profile: 'meeting-notes agent transcribing and filing notes' },
  'sales-research': { seg: 'customer', team: 'success', fams: { 'crm:accounts': 40, 'crm:contacts': 25, 'signup:leads': 20, 'mkt:campaigns': 10 }, traits: [], profile: 'sales research agent enriching accounts and leads' },
  'code-review-bot': { seg: 'eng', team: 'platform', fams: { 'git:pulls': 50, 'git:repos': 30, 'ci:pipelines': 15 }, traits: ['merge-driven'], profile: 'code-review bot commenting on pull requests' },
  'recruiting-assistant': { seg: 'people', team: 'people', fams: { 'hr:recruiting': 60, 'cal:events': 30, 'hr:employees': 10 }, traits: [], profile: 'recruiting assistant scheduling interviews' },
  'onboarding-buddy': { seg: 'corp', team: 'it', fams: { 'wiki:pages': 50, 'iam:users': 20, 'hr:employees': 10, 'cal:events': 20 }, traits: [], profile: 'onboarding buddy agent for new joiners' },
  'security-scanner': { seg: 'security', team: 'security', fams: { 'git:repos': 60, 'secrets:kv': 10, 'iam:groups': 15, 'obs:logs': 15 }, traits: ['nightly'], profile: 'security scanner looking for leaked secrets and stale access' },
}
const SERVICE = {
  'ci-build': { seg: 'eng', team: 'platform', fams: ['git:repos', 'ci:pipelines', 'ci:artifacts', 'secrets:kv'], traits: ['merge-driven', 'bursty'], profile: 'CI build bot running pipelines on merges' },
  'deploy-bot': { seg: 'eng', team: 'platform', fams: ['deploy:releases', 'deploy:config', 'secrets:kv', 'obs:metrics', 'ci:artifacts'], traits: ['release-train'], profile: 'deploy bot rolling out releases (release train Wednesday of week 2)' },
  'worker-pool': { seg: 'customer', team: 'backend', fams: ['tenant:data', 'tenant:config', 'billing:subscriptions'], traits: ['autoscaled', 'shared-identity'], profile: 'autoscaled worker pool whose instances share one identity' },
  'etl-nightly': { seg: 'data', team: 'data', fams: ['crm:accounts', 'billing:invoices', 'support:tickets', 'tenant:config', 'dw:tables'], traits: ['nightly'], profile: 'nightly ETL into the warehouse' },
  'signup-bot': { seg: 'growth', team: 'growth', fams: ['signup:trials', 'signup:leads', 'crm:contacts', 'mkt:email', 'tenant:config'], traits: ['customer-driven'], profile: 'trial-signup bot provisioning trial tenants' },
  'metrics-scraper': { seg: 'ops', team: 'sre', fams: ['obs:metrics'], traits: ['steady'], profile: 'metrics scraper' },
  'trainer-weekly': { seg: 'data', team: 'ml', fams: ['ml:features', 'ml:models', 'dw:tables'], traits: ['weekly'], profile: 'weekly model training job (Saturdays)' },
  'backup-snapshots': { seg: 'ops', team: 'sre', fams: ['tenant:config', 'wiki:pages', 'git:repos', 'crm:accounts'], traits: ['nightly'], profile: 'nightly backup exporting snapshots' },
  'search-indexer': { seg: 'corp', team: 'it', fams: ['wiki:pages', 'support:tickets', 'git:issues'], traits: ['steady'], profile: 'search indexer' },
  'billing-reconciler': { seg: 'finance', team: 'billing-ops', fams: ['billing:payments', 'billing:invoices'], traits: ['nightly'], profile: 'nightly billing reconciler' },
  'email-sender': { seg: 'growth', team: 'growth', fams: ['mkt:email', 'crm:contacts'], traits: ['customer-driven'], profile: 'transactional and campaign email sender' },
  'feature-pipeline': { seg: 'data', team: 'ml', fams: ['dw:tables', 'ml:features'], traits: ['hourly'], profile: 'hourly feature pipeline' },
  'alert-router': { seg: 'ops', team: 'sre', fams: ['pager:incidents', 'obs:metrics'], traits: ['steady', 'incident-driven'], profile: 'alert router paging on-call' },
  'audit-exporter': { seg: 'security', team: 'security', fams: ['obs:logs', 'iam:users'], traits: ['hourly'], profile: 'hourly audit-log exporter' },
  'cert-renewer': { seg: 'security', team: 'platform', fams: ['secrets:keys'], traits: ['daily'], profile: 'certificate renewer' },
}

function weighted(fams, r, jitter = 0.5) {
  return Object.entries(fams).map(([fam, w]) => {
    const base = FAM[fam][1]
    const acts = Object.entries(base).map(([a, x]) => [a, x * r.logn(1, jitter)]).filter(([, x], i) => i === 0 || !r.chance(0.25) || x > 2)
    return { fam, w: w * r.logn(1, jitter), acts, med: FAM[fam][2] * r.logn(1, 0.4), sig: FAM[fam][3], idp: FAM[fam][4], ids: Array.from({ length: r.int(4, 40) }, () => makeId(FAM[fam][5], r)), from: 0 }
  })
}

function buildFleet(seed, N, scale) {
  const r = new Rng(seed, 'fleet')
  const E = Math.max(1, Math.round(N * 0.56))
  const C = Math.max(1, Math.round(N * 0.13))
  const X = Math.max(0, Math.round(N * 0.09))
  const S = Math.max(1, N - E - C - X)
  const fleet = [] // internal state objects, each with .pub (the exported agent)
  const ids = new Set()
  const newKey = () => { let id; do id = didKey(r); while (ids.has(id)); ids.add(id); return id }
  const names = new Map()
  const svcId = (name) => { const n = (names.get(name) ?? 0) + 1; names.set(name, n); const full = n === 1 ? name : `${name}-${n}`; return [`did:web:svc.h.example:${full}`, full] }

  // Employees: role counts by weight (largest remainder), at least one of each when there is room.
  const roleNames = Object.keys(ROLES)
  const counts = roleNames.map((k) => ROLES[k].w * E)
  const whole = counts.map(Math.floor)
  let left = E - whole.reduce((s, x) => s + x, 0)
  const order = roleNames.map((_, i) => i).sort((i, j) => (counts[j] - whole[j]) - (counts[i] - whole[i]))
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) whole[order[k]]++
  const roleList = []
  roleNames.forEach((k, i) => { for (let j = 0; j < whole[i]; j++) roleList.push(k) })
  roleList.forEach((role, i) => {
    const R = ROLES[role]
    const region = r.wpick(R.regions)
    const first = r.pick(FIRST)
    const manager = r.chance(0.12)
    const fams = { ...R.fams, 'wiki:pages': R.fams['wiki:pages'] ?? 5, 'chat:messages': R.fams['chat:messages'] ?? 6, 'cal:events': R.fams['cal:events'] ?? 3 }
    if (manager) { fams['hr:employees'] = (fams['hr:employees'] ?? 0) + 3; fams['hr:reviews'] = (fams['hr:reviews'] ?? 0) + 1 }
    const habits = weighted(fams, r)
    // Some families are entitled and used only now and then: drop a few tail habits to near zero.
    for (const h of habits) if (h.w < 5 && r.chance(0.3)) h.w *= 0.1
    const dormant = r.shuffle(R.dormant).slice(0, r.int(1, Math.min(3, R.dormant.length)))
    const night = role.includes('engineer') && r.chance(0.08)
    const work = r.wpick([['hybrid', 5], ['remote', 3], ['office', 2]])
    const s = {
      kind: 'employee', role, region, first, habits,
      startH: night ? r.u(12, 14) : (region === 'bangalore' ? r.u(9.3, 11) : r.u(7.3, 9.8)), len: r.u(7.5, 9.5),
      tasksPerHour: r.logn(3.2, 0.4) * scale, taskLen: r.logn(6, 0.35), gap: r.logn(9, 0.4) * SEC,
      work, officeDays: work === 'hybrid' ? new Set([1, 2, 3]) : work === 'office' ? new Set([0, 1, 2, 3, 4]) : new Set(),
      vpnP: r.chance(0.4) ? r.u(0.4, 0.95) : r.u(0, 0.1), mobileP: r.chance(0.25) ? r.u(0.05, 0.2) : 0.01,
      eveningP: r.chance(0.3) ? r.u(0.15, 0.5) : 0.02, weekendP: r.chance(0.12) ? r.u(0.3, 0.6) : 0,
      home: ip4(r.pick(HOME[region]), r), home2: r.chance(0.15) ? ip4(r.pick(HOME[region]), r) : null,
      vacation: new Set(), enrolAt: null, retireAt: null, ends: null,
    }
    if (r.chance(0.1)) { const d = r.int(0, 13); for (let k = d; k < Math.min(14, d + r.int(1, 4)); k++) s.vacation.add(k) }
    const traits = [work]
    if (manager) traits.push('manager')
    if (night) traits.push('night-owl')
    if (s.weekendP > 0) traits.push('weekend-worker')
    if (s.vpnP > 0.3) traits.push('vpn')
    if (s.mobileP > 0.04) traits.push('mobile-tethering')
    if (s.eveningP > 0.1) traits.push('evenings')
    if (s.vacation.size) traits.push('vacation')
    if (s.home2) traits.push('isp-change')
    s.pub = { id: newKey(), kind: 'employee', team: R.team, segment: R.seg, region, role, entitled: [...new Set([...habits.map((h) => h.fam), ...dormant])], profile: `${REGION_NAME[region]} ${role.replace(/-/g, ' ')} ${first}'s assistant`, traits }
    fleet.push(s)
  })
  const employees = fleet.slice()

  // Company agents.
  for (let i = 0; i < C; i++) {
    const tpl = COMPANY_SEQ[i % COMPANY_SEQ.length]
    const T = COMPANY[tpl]
    const region = tpl === 'support-copilot' ? 'eu-central-1' : r.pick(['eu-central-1', 'us-east-1'])
    const habits = weighted(T.fams, r, 0.3)
    const s = { kind: 'company', tpl, region, habits, tasksPerHour: r.logn(tpl === 'support-copilot' ? 5 : 4, 0.3) * scale, taskLen: r.logn(tpl === 'analytics-assistant' ? 4 : 6, 0.3), gap: r.logn(5, 0.3) * SEC }
    if (tpl === 'analytics-assistant') for (const h of habits) if (h.fam === 'dw:queries') { h.sig = 2.3; h.med = 200 }
    s.pub = { id: newKey(), kind: 'company', team: T.team, segment: T.seg, region, role: tpl, entitled: habits.map((h) => h.fam), profile: T.profile, traits: [...T.traits] }
    if (tpl === 'support-copilot') s.tenants = Array.from({ length: r.int(150, 400) }, () => makeId('tenant', r))
    fleet.push(s)
  }
  // Services.
  for (let i = 0; i < S; i++) {
    const tpl = SERVICE_SEQ[i % SERVICE_SEQ.length]
    const T = SERVICE[tpl]
    const name = tpl === 'worker-pool' ? `pool-${POOLS[fleet.filter((x) => x.tpl === 'worker-pool').length % POOLS.length]}` : tpl
    const [id, full] = svcId(name)
    const region = tpl === 'worker-pool' || tpl === 'signup-bot' || tpl === 'email-sender' ? r.pick(['us-east-1', 'us-east-1', 'eu-central-1', 'ap-south-1']) : r.pick(['eu-central-1', 'eu-central-1', 'us-east-1'])
    const habits = weighted(Object.fromEntries(T.fams.map((f) => [f, 10])), r, 0.3)
    const s = { kind: 'service', tpl, region, habits, base: r.logn(1, 0.3) * scale, name: full }
    s.pub = { id, kind: 'service', team: T.team, segment: T.seg, region, role: tpl, entitled: [...T.fams], profile: `${T.profile} (${full}, ${region})`, traits: [...T.traits, region === 'us-east-1' ? 'failover' : 'cloud'] }
    fleet.push(s)
  }
  // Ephemeral agents: per-incident responders (2 + 3), backfill, data export, the rest pipeline runners.
  const eph = []
  for (let i = 0; i < X; i++) eph.push(i < 2 ? ['incident-responder', 0] : i < 5 ? ['incident-responder', 1] : i === 5 ? ['backfill', 1] : i === 6 ? ['data-export', 1] : ['pipeline-runner', 0])
  for (const [tpl, inc] of eph) {
    let name, fams, seg, team, profile
    if (tpl === 'incident-responder') { name = `incident-${inc ? 742 : 731}-responder`; fams = { 'obs:logs': 40, 'obs:metrics': 30, 'obs:traces': 15, 'pager:incidents': 10, 'deploy:releases': 5 }; seg = 'ops'; team = 'sre'; profile = `per-incident responder agent (incident ${inc ? 742 : 731})` }
    else if (tpl === 'backfill') { name = 'backfill-inc-742'; fams = { 'tenant:data': 30, 'billing:subscriptions': 20, 'dw:tables': 30 }; seg = 'data'; team = 'data'; profile = 'post-incident backfill job' }
    else if (tpl === 'data-export') { name = `export-${makeId('tenant', r)}`; fams = { 'tenant:data': 80, 'tenant:config': 20 }; seg = 'customer'; team = 'support'; profile = 'one-off job fulfilling a customer data-export request' }
    else { name = `ci-run-${r.int(4000, 9999)}`; fams = { 'ci:pipelines': 30, 'ci:artifacts': 20, 'git:repos': 25, 'secrets:kv': 8, 'deploy:releases': 6 }; seg = 'eng'; team = 'platform'; profile = 'per-pipeline runner agent' }
    const [id, full] = svcId(name)
    const habits = weighted(fams, r, 0.3)
    const s = { kind: 'service', tpl, inc, region: 'eu-central-1', habits, ephemeral: true, name: full, base: scale }
    s.pub = { id, kind: 'service', team, segment: seg, region: s.region, role: tpl, entitled: Object.keys(fams), profile, traits: ['ephemeral'] }
    fleet.push(s)
  }

  // Special employees: leaver, lost laptop (+ replacement), new hire, reorg, on-call.
  const byRole = (pred) => employees.filter((s) => pred(s))
  const eng = byRole((s) => s.role.endsWith('engineer') && ['backend-engineer', 'frontend-engineer'].includes(s.role))
  const pickOut = (list, used) => { const c = list.filter((x) => !used.has(x)); if (!c.length) return null; const x = r.pick(c); used.add(x); return x }
  const used = new Set()
  const leaver = pickOut(eng.length ? eng : employees, used)
  if (leaver) { leaver.retireAt = utcOf(leaver.region, 8, 17.2 + r.u(0, 0.6)); leaver.pub.traits.push('leaver'); leaver.pub.profile += ' (leaving Tuesday of week 2)' }
  const lost = pickOut(employees, used)
  if (lost) { lost.suspendAt = utcOf(lost.region, 9, 11 + r.u(0, 1.5)); lost.pub.traits.push('lost-laptop'); lost.pub.profile += ' (laptop lost Wednesday of week 2)' }
  const newHire = employees.length > 6 ? pickOut(byRole((s) => s.role === 'backend-engineer' || s.role === 'support-engineer'), used) : null
  if (newHire) { newHire.enrolAt = utcOf(newHire.region, 9, 9 + r.u(0, 1.5)); newHire.pub.traits.push('new-hire'); newHire.pub.profile += ' (new hire, starts Wednesday of week 2)'; newHire.rampDays = 2 }
  const replacement = employees.length > 8 && lost ? pickOut(byRole((s) => s.role === lost.role && s !== lost), used) : null
  if (replacement) { // re-purpose: the lost laptop's owner gets a new assistant on Thursday
    Object.assign(replacement, { region: lost.region, first: lost.first, home: lost.home, startH: lost.startH, officeDays: lost.officeDays, vacation: new Set() })
    replacement.habits = lost.habits.map((h) => ({ ...h, w: h.w * r.logn(1, 0.2) }))
    replacement.enrolAt = utcOf(lost.region, 10, 10 + r.u(0, 2))
    replacement.pub.region = lost.region
    replacement.pub.team = lost.pub.team; replacement.pub.segment = lost.pub.segment
    replacement.pub.entitled = lost.pub.entitled.slice()
    replacement.pub.profile = `${lost.pub.profile.replace(' (laptop lost Wednesday of week 2)', '')} on the replacement laptop (enrolled Thursday of week 2)`
    replacement.pub.traits = ['replacement', ...lost.pub.traits.filter((t) => t !== 'lost-laptop')]
  }
  const reorgPool = byRole((s) => s.role === 'backend-engineer' && !used.has(s))
  const grantsPlan = []
  for (const s of r.shuffle(reorgPool).slice(0, Math.max(1, Math.round(employees.length * 0.06)))) {
    if (!s) continue
    used.add(s)
    s.pub.team = 'payments'
    s.pub.traits.push('reorg')
    s.pub.profile += ' (moved to the payments team in week 2)'
    for (const [fam, w] of [['billing:subscriptions', 10], ['billing:payments', 8], ['billing:invoices', 5]]) {
      if (s.pub.entitled.includes(fam)) continue
      const at = utcOf(s.region, 7 + r.int(0, 2), r.u(9, 16))
      grantsPlan.push({ at, agent: s.pub.id, family: fam })
      const h = weighted({ [fam]: w }, r)[0]
      h.from = at; h.rampMs = r.u(0.5, 3) * DAY
      s.habits.push(h)
    }
  }
  // On-call: weekly rotation, primary SRE (or platform) and secondary backend engineer.
  const sres = byRole((s) => s.role === 'sre' || s.role === 'platform-engineer')
  const backs = byRole((s) => s.role === 'backend-engineer' && !used.has(s))
  const oncall = [[], []]
  for (const w of [0, 1]) {
    const p = sres.length ? sres[(Math.floor(r.next() * sres.length) + w) % sres.length] : null
    const q = backs.length ? backs[(Math.floor(r.next() * backs.length) + w * 3) % backs.length] : null
    for (const x of [p, q]) if (x && !oncall[w].includes(x)) { oncall[w].push(x); if (!x.pub.traits.includes('on-call')) x.pub.traits.push('on-call'); x.oncallWeeks = [...(x.oncallWeeks ?? []), w] }
  }
  const incidents = [
    { id: 731, at: START + 1 * DAY + 9.6 * HOUR + r.int(0, 40) * MIN, dur: r.u(70, 100) * MIN, region: 'eu-central-1' },
    { id: 742, at: START + 10 * DAY + 13.8 * HOUR + r.int(0, 40) * MIN, dur: r.u(140, 175) * MIN, region: 'us-east-1' },
  ]
  const failover = [incidents[1].at + 20 * MIN, START + 11 * DAY + 15 * HOUR + r.int(0, 90) * MIN]
  return { fleet, employees, oncall, incidents, failover, grantsPlan }
}

// ── Benign activity ──────────────────────────────────────────────────────────────────────────────
function mkEvent(at, agent, fam, action, ip, records, rid, decision = 'allow', code) {
  const host = FAM[fam][0]
  const e = { at: Math.floor(at), agent, decision }
  if (decision === 'deny') e.code = code
  e.resource = rid ? `${fam}/${rid}` : fam
  e.action = action
  e.ip = ip
  e.segment = VERIFIERS[host]
  e.verifier = `did:web:${host}.h.example`
  if (decision === 'allow' && records != null && READS.has(action)) e.records = records
  return e
}
function habitEvent(s, r, h, t, ip, recMul = 1) {
  const action = r.wpick(h.acts)
  const specific = READS.has(action) ? r.chance(h.idp) && action === 'read' : true
  const fam = h.fam
  let rid = null
  if (specific) rid = fam === 'tenant:data' && s.tenants ? r.skew(s.tenants, 1.5) : FAM[fam][5] === 'ticket' || FAM[fam][5] === 'run' || FAM[fam][5] === 'trace' ? makeId(FAM[fam][5], r) : r.skew(h.ids, 2)
  let records = null
  if (READS.has(action)) records = rid && !fam.startsWith('obs:') ? 1 : Math.max(1, Math.round(r.logn(h.med, h.sig) * recMul))
  return mkEvent(t, s.pub.id, fam, action, ip, records, rid)
}
function pickHabit(s, r, t, only) {
  const hs = only ?? s.habits
  let total = 0
  const w = hs.map((h) => { const x = h.from && t < h.from ? 0 : h.from && h.rampMs ? h.w * Math.min(1, (t - h.from) / h.rampMs) : h.w; total += x; return x })
  if (total <= 0) return hs[0]
  let x = r.next() * total
  for (let i = 0; i < hs.length; i++) if ((x -= w[i]) < 0) return hs[i]
  return hs[hs.length - 1]
}
// A working window: tasks arrive at random; a task is a burst of a few requests, mostly one family.
function window(out, s, r, t0, t1, tasksPerHour, ipOf, only, recMul = 1) {
  if (tasksPerHour <= 0) return
  t0 = Math.max(t0, START); t1 = Math.min(t1, END)
  let t = t0 + r.exp(HOUR / tasksPerHour)
  while (t < t1) {
    let h = pickHabit(s, r, t, only)
    const n = r.geom(s.taskLen ?? 5)
    let u = t
    for (let i = 0; i < n && u < t1; i++) {
      if (i > 0 && r.chance(0.2)) h = pickHabit(s, r, u, only)
      out.push(habitEvent(s, r, h, u, typeof ipOf === 'function' ? ipOf(u) : ipOf, recMul))
      u += r.exp(s.gap ?? 6 * SEC) + 300
    }
    t = Math.max(u, t + r.exp(HOUR / tasksPerHour))
  }
}
// A rate-function process (thinning): rate(t) per hour, max rate bound, fire(t) emits.
function poissonRate(r, t0, t1, maxRate, rate, fire) {
  if (maxRate <= 0) return
  t0 = Math.max(t0, START); t1 = Math.min(t1, END)
  let t = t0 + r.exp(HOUR / maxRate)
  while (t < t1) {
    if (r.next() * maxRate < rate(t)) fire(t)
    t += r.exp(HOUR / maxRate)
  }
}
const customerLoad = (t) => {
  const d = dow(Math.floor((t - START) / DAY))
  const wk = d >= 5 ? 0.45 : 1
  const eu = 0.15 + 0.85 * ramp(localHour('berlin', t), 9, 18)
  const us = 0.15 + 0.85 * ramp(localHour('austin', t), 8, 18)
  const ind = 0.15 + 0.85 * ramp(localHour('bangalore', t), 10, 19)
  return wk * (0.4 * eu + 0.45 * us + 0.15 * ind)
}
const merges = (t) => {
  const day = Math.floor((t - START) / DAY)
  if (dow(day) >= 5) return 0.03
  const freeze = day === 7 || day === 8 ? 0.25 : day === 9 ? 0.6 : day === 10 ? 1.3 : 1
  return freeze * (0.4 * ramp(localHour('berlin', t), 9.5, 17.5) + 0.35 * ramp(localHour('bangalore', t), 10.5, 18.5) + 0.25 * ramp(localHour('austin', t), 9, 17))
}

function employeeActivity(s, r, ctx) {
  const out = []
  const { region } = s
  const id = s.pub.id
  const from = s.enrolAt ?? START
  const until = s.retireAt ?? s.suspendAt ?? END
  for (let day = -1; day < 14; day++) {
    if (s.vacation.has(day)) continue
    const d = dow(day)
    const homeIp = s.home2 && day >= 7 ? s.home2 : s.home
    const remoteIp = (rr) => (rr.chance(s.vpnP) ? vpnIp(region, rr) : homeIp)
    const ramping = s.rampDays && s.enrolAt ? (t) => Math.min(1, 0.3 + (t - s.enrolAt) / (s.rampDays * DAY)) : null
    const rate = (t0) => s.tasksPerHour * (ramping ? ramping(t0) : 1)
    const clip = (a, b) => [Math.max(a, from), Math.min(b, until)]
    if (d >= 5) {
      if (s.weekendP && r.chance(s.weekendP)) { const h = r.u(10, 17); const [a, b] = clip(utcOf(region, day, h), utcOf(region, day, h + r.u(0.5, 2))); if (a < b) window(out, s, r, a, b, rate(a) * 0.8, remoteIp(r)) }
    } else {
      const start = s.startH + r.normal() * 0.4
      const end = start + s.len + r.normal() * 0.6
      const lunch = start + r.u(3, 4.5)
      const office = s.officeDays.has(d) && r.chance(0.85)
      const oip = officeIp(region, r)
      const ip = office ? () => (r.chance(0.7) ? oip : officeIp(region, r)) : remoteIp(r)
      if (office && r.chance(s.mobileP * 2)) { const [a, b] = clip(utcOf(region, day, start - 0.6), utcOf(region, day, start - 0.2)); if (a < b) window(out, s, r, a, b, rate(a) * 0.6, mobileIp(region, r)) }
      for (const [h0, h1] of [[start, lunch], [lunch + r.u(0.5, 1), end]]) {
        const [a, b] = clip(utcOf(region, day, h0), utcOf(region, day, h1))
        if (a < b) window(out, s, r, a, b, rate(a), r.chance(s.mobileP) ? mobileIp(region, r) : ip)
      }
      if (r.chance(s.eveningP)) { const h = r.u(20, 22.5); const [a, b] = clip(utcOf(region, day, h), utcOf(region, day, h + r.u(0.3, 1))); if (a < b) window(out, s, r, a, b, rate(a) * 0.7, remoteIp(r)) }
    }
    // On-call nights: pages between 00:00 and 06:00 local.
    const week = day >= 7 ? 1 : 0
    if (s.oncallWeeks?.includes(week) && day >= 0) {
      const obs = s.habits.filter((h) => h.fam.startsWith('obs:') || h.fam.startsWith('pager:') || h.fam.startsWith('deploy:'))
      for (let k = r.poisson(0.7); k > 0 && obs.length; k--) {
        const h = r.u(0, 6)
        const [a, b] = clip(utcOf(region, day, h), utcOf(region, day, h + r.u(0.25, 1)))
        if (a < b) window(out, s, r, a, b, 10 * s.tasksPerHour, remoteIp(r), obs)
      }
    }
  }
  // Incidents: engineers with observability access who are awake pile in.
  for (const inc of ctx.incidents) {
    const obs = s.habits.filter((h) => h.fam.startsWith('obs:') || h.fam === 'pager:incidents' || h.fam === 'deploy:releases')
    if (!obs.some((h) => h.fam === 'obs:logs')) continue
    const lh = localHour(region, inc.at)
    const oncall = s.oncallWeeks?.includes(inc.at >= EVAL ? 1 : 0)
    const awake = lh > 7.5 && lh < 21 && dow(localDay(region, inc.at)) < 5 && !s.vacation.has(localDay(region, inc.at))
    const joins = oncall || (awake && (s.role === 'sre' ? r.chance(0.85) : r.chance(0.35)))
    if (!joins || inc.at < from || inc.at > until) continue
    const a = inc.at + r.u(2, 25) * MIN
    window(out, s, r, a, inc.at + inc.dur + r.u(0, 30) * MIN, 8 * s.tasksPerHour, awake ? (r.chance(0.5) ? officeIp(region, r) : s.home) : s.home, obs, 1.5)
  }
  // Rare refusals: a family one may not read.
  const deniedFams = ALL_FAMILIES.filter((f) => !s.pub.entitled.includes(f) && segOf(f) !== 'people' && segOf(f) !== 'security')
  const n = r.poisson(out.length * 0.0006)
  for (let i = 0; i < n && out.length; i++) { const e = r.pick(out); const f = r.pick(deniedFams); out.push(mkEvent(e.at + r.int(1, 30) * SEC, id, f, r.pick(['read', 'search', 'list']), e.ip, null, null, 'deny', 'ERR_NOT_ENTITLED')) }
  // Constraint refusals on writes, now and then.
  for (const e of out) if (e.decision === 'allow' && (e.action === 'update' || e.action === 'write') && r.chance(0.004)) { e.decision = 'deny'; e.code = 'ERR_CONSTRAINT'; delete e.records }
  return out
}

// Post-processing shared by humans' and company agents' streams: lapsed credentials on Monday mornings.
function expiries(out, r, id, lapseP) {
  out.sort((x, y) => x.at - y.at)
  for (const day of [0, 7, r.int(1, 13)]) {
    if (!r.chance(lapseP)) continue
    const t = START + day * DAY + r.u(0, 10) * HOUR
    const i = out.findIndex((e) => e.at >= t)
    if (i < 0) continue
    const k = r.int(1, 2)
    for (let j = 0; j < k; j++) {
      const e = out[i]
      out.push({ at: e.at - (k - j) * r.int(200, 2000), agent: id, decision: 'deny', code: 'ERR_VC_EXPIRED', resource: e.resource, action: e.action, ip: e.ip, segment: e.segment, verifier: e.verifier })
    }
  }
}

function companyActivity(s, r, ctx) {
  const out = []
  const region = s.region
  const ip = (t) => cloudIp(region, t, r, ctx.failover)
  switch (s.tpl) {
    case 'support-copilot': { // follow the sun: Bangalore, Berlin, Austin desks
      for (let day = -1; day < 14; day++) {
        const wk = dow(day) >= 5
        for (const [desk, h0, h1] of [['bangalore', 9, 18], ['berlin', 8.5, 17.5], ['austin', 8, 17]]) {
          if (wk && !(desk === 'berlin' || desk === 'austin') ) continue
          const rate = s.tasksPerHour * (wk ? 0.25 : 1) * r.logn(1, 0.2)
          window(out, s, r, utcOf(desk, day, h0 + r.normal() * 0.2), utcOf(desk, day, h1 + r.normal() * 0.3), rate, ip)
        }
      }
      for (const e of out) if (e.resource.startsWith('tenant:data/') && r.chance(0.002)) { e.decision = 'deny'; e.code = 'ERR_PURPOSE'; delete e.records }
      break
    }
    case 'billing-agent': case 'docs-assistant': case 'meeting-notes': case 'triage-bot': case 'sales-research': case 'code-review-bot': {
      const f = s.tpl === 'code-review-bot' ? merges : customerLoad
      const hourly = s.tasksPerHour * (s.tpl === 'code-review-bot' ? 3 : 1.5)
      poissonRate(r, START, END, hourly, (t) => hourly * f(t) * (s.tpl === 'meeting-notes' ? (dow(Math.floor((t - START) / DAY)) >= 5 ? 0.05 : 1) : 1), (t) => burst(out, s, r, t, ip))
      break
    }
    case 'analytics-assistant': {
      for (let day = 0; day < 14; day++) {
        if (dow(day) >= 5) { if (r.chance(0.3)) window(out, s, r, utcOf('berlin', day, 11), utcOf('berlin', day, 12.5), s.tasksPerHour * 0.5, ip); continue }
        window(out, s, r, utcOf('bangalore', day, 10), utcOf('austin', day, 17.5), s.tasksPerHour, ip)
        if (r.chance(0.35)) { // a dashboard refresh storm hits the rate limit
          const t = utcOf('berlin', day, r.u(9, 16))
          const n = r.int(8, 40)
          for (let i = 0; i < n; i++) out.push(mkEvent(t + i * r.int(200, 1500), s.pub.id, 'dw:queries', 'read', ip(t), null, null, 'deny', 'ERR_RATE_LIMITED'))
        }
      }
      break
    }
    case 'incident-commander': {
      poissonRate(r, START, END, 1.5 * s.tasksPerHour, () => 0.15 * s.tasksPerHour, (t) => burst(out, s, r, t, ip))
      for (const inc of ctx.incidents) window(out, s, r, inc.at + 2 * MIN, inc.at + inc.dur + 20 * MIN, 12 * s.tasksPerHour, ip)
      for (const p of ctx.pages) if (r.chance(0.8)) window(out, s, r, p, p + 15 * MIN, 4 * s.tasksPerHour, ip)
      break
    }
    case 'recruiting-assistant': case 'onboarding-buddy': {
      for (let day = 0; day < 14; day++) if (dow(day) < 5) window(out, s, r, utcOf('berlin', day, 9), utcOf('austin', day, 16), s.tasksPerHour * 0.6, ip)
      break
    }
    case 'security-scanner': {
      for (let day = 0; day < 14; day++) window(out, s, r, START + day * DAY + 2 * HOUR, START + day * DAY + 2 * HOUR + r.u(40, 70) * MIN, s.tasksPerHour * 15, ip)
      break
    }
    default:
      window(out, s, r, START, END, s.tasksPerHour * 0.3, ip)
  }
  return out
}
function burst(out, s, r, t, ip) {
  let h = pickHabit(s, r, t)
  const n = r.geom(s.taskLen ?? 5)
  for (let i = 0; i < n; i++) {
    if (t >= END) return
    if (i > 0 && r.chance(0.25)) h = pickHabit(s, r, t)
    out.push(habitEvent(s, r, h, t, typeof ip === 'function' ? ip(t) : ip))
    t += r.exp(s.gap ?? 4 * SEC) + 200
  }
}
const H = (s, fam) => s.habits.find((h) => h.fam === fam) ?? s.habits[0]
function ev(s, r, fam, action, t, ip, records, rid) {
  return mkEvent(t, s.pub.id, fam, action, ip, READS.has(action) ? records : null, rid)
}

function serviceActivity(s, r, ctx) {
  const out = []
  const id = s.pub.id
  const ip = (t) => cloudIp(s.region, t, r, ctx.failover)
  const b = s.base
  const dayStart = (day) => START + day * DAY
  switch (s.tpl) {
    case 'ci-build': {
      const runnerPool = s.region === 'us-east-1' ? '34.139.12.' : '35.198.64.'
      const rip = () => runnerPool + r.int(20, 25)
      poissonRate(r, START, END, 9 * b, (t) => 9 * b * merges(t), (t) => {
        const n = r.int(8, 30)
        let u = t
        const repo = r.skew(H(s, 'git:repos').ids)
        const ipx = rip()
        for (let i = 0; i < n && u < END; i++) {
          const x = r.next()
          if (i === 0) out.push(ev(s, r, 'git:repos', 'read', u, ipx, 1, repo))
          else if (x < 0.45) out.push(ev(s, r, 'ci:pipelines', r.pick(['update', 'read', 'write']), u, ipx, 1, makeId('run', r)))
          else if (x < 0.8) out.push(ev(s, r, 'ci:artifacts', r.pick(['read', 'list']), u, ipx, r.int(1, 30)))
          else out.push(ev(s, r, 'secrets:kv', 'read', u, ipx, 1, r.skew(H(s, 'secrets:kv').ids)))
          u += r.exp(20 * SEC)
        }
      })
      break
    }
    case 'deploy-bot': {
      const deploy = (t) => {
        let u = t
        const svc = r.pick(SVCS)
        out.push(ev(s, r, 'deploy:releases', 'read', u, ip(u), r.int(1, 5)))
        out.push(ev(s, r, 'ci:artifacts', 'read', (u += 3 * SEC), ip(u), 1, makeId('artifact', r)))
        out.push(ev(s, r, 'deploy:config', 'read', (u += 2 * SEC), ip(u), 1, svc))
        for (let i = r.int(2, 6); i > 0; i--) out.push(ev(s, r, 'secrets:kv', 'read', (u += r.int(300, 3000)), ip(u), 1, `prod/${svc}/${r.pick(['db-password', 'api-token', 'signing-key', 'smtp'])}`))
        for (let i = r.int(5, 15); i > 0; i--) out.push(ev(s, r, 'obs:metrics', 'search', (u += r.exp(40 * SEC)), ip(u), r.int(20, 200), svc))
      }
      poissonRate(r, START, END, 3 * b, (t) => 3 * b * merges(t) * (Math.floor((t - START) / DAY) === 9 ? 0.2 : 1), deploy)
      const train = dayStart(9) + (13 + r.u(0, 1)) * HOUR // release train, Wednesday of week 2
      for (let i = 0; i < 30; i++) deploy(train + i * r.u(4, 8) * MIN)
      break
    }
    case 'worker-pool': {
      const peak = 70 * b
      const tenants = Array.from({ length: 3000 }, () => makeId('tenant', r))
      poissonRate(r, START, END, peak, (t) => peak * customerLoad(t), (t) => {
        const x = r.next()
        if (x < 0.7) out.push(ev(s, r, 'tenant:data', r.chance(0.8) ? 'read' : 'update', t, ip(t), 1, r.skew(tenants, 1.3)))
        else if (x < 0.9) out.push(ev(s, r, 'tenant:config', 'read', t, ip(t), 1, r.skew(tenants, 1.3)))
        else out.push(ev(s, r, 'billing:subscriptions', 'read', t, ip(t), 1, makeId('acct', r)))
      })
      for (let day = 0; day < 14; day++) { // at the daily peak the pool trips the rate limiter now and then
        if (!r.chance(0.3)) continue
        const t = utcOf('austin', day, r.u(10, 15))
        for (let i = r.int(10, 60); i > 0; i--) out.push(mkEvent(t + r.int(0, 60000), id, 'tenant:data', 'read', ip(t), null, r.skew(tenants), 'deny', 'ERR_RATE_LIMITED'))
      }
      break
    }
    case 'etl-nightly': {
      for (let day = 0; day < 14; day++) {
        let u = dayStart(day) + (1 + r.u(0, 0.2)) * HOUR
        for (const fam of ['crm:accounts', 'billing:invoices', 'support:tickets', 'tenant:config']) {
          for (let i = r.int(15, 40); i > 0; i--) { out.push(ev(s, r, fam, 'list', u, ip(u), Math.round(r.logn(5000, 0.5)))); u += r.exp(60 * SEC) }
          for (let i = r.int(5, 15); i > 0; i--) { out.push(ev(s, r, 'dw:tables', 'write', u, ip(u), null, makeId('table', r))); u += r.exp(30 * SEC) }
        }
      }
      break
    }
    case 'trainer-weekly': {
      for (const day of [5, 12]) {
        const t0 = dayStart(day) + (2 + r.u(0, 0.5)) * HOUR
        const t1 = t0 + r.u(4, 6) * HOUR
        poissonRate(r, t0, t1, 300 * b, () => 300 * b, (t) => out.push(ev(s, r, 'ml:features', 'read', t, ip(t), Math.round(r.logn(40000, 0.8)), r.skew(H(s, 'ml:features').ids))))
        for (let i = 0; i < 5; i++) out.push(ev(s, r, 'ml:models', 'write', t1 + i * MIN, ip(t1), null, makeId('model', r)))
      }
      for (let day = 0; day < 14; day++) for (let i = r.int(3, 10); i > 0; i--) { const t = dayStart(day) + r.u(3, 4) * HOUR; out.push(ev(s, r, 'ml:models', 'read', t, ip(t), 1, makeId('model', r))) }
      break
    }
    case 'signup-bot': case 'email-sender': {
      const peak = (s.tpl === 'signup-bot' ? 25 : 35) * b
      const campaign = [dayStart(8) + 14 * HOUR, dayStart(9) + 14 * HOUR] // launch Tuesday of week 2, 09:00 Austin
      poissonRate(r, START, END, peak * 2.2, (t) => peak * customerLoad(t) * (t >= campaign[0] && t < campaign[1] ? 2.1 : 1), (t) => {
        if (s.tpl === 'email-sender') { out.push(ev(s, r, 'crm:contacts', 'read', t, ip(t), 1, makeId('contact', r))); out.push(ev(s, r, 'mkt:email', 'write', t + 800, ip(t), null, makeId('email', r))); return }
        let u = t
        const tr = makeId('trial', r)
        out.push(ev(s, r, 'signup:trials', 'write', u, ip(u), null, tr))
        out.push(ev(s, r, 'signup:leads', 'write', (u += r.int(300, 2000)), ip(u), null, makeId('lead', r)))
        if (r.chance(0.7)) out.push(ev(s, r, 'crm:contacts', 'update', (u += r.int(300, 2000)), ip(u), null, makeId('contact', r)))
        out.push(ev(s, r, 'tenant:config', 'write', (u += r.int(1000, 5000)), ip(u), null, makeId('tenant', r)))
        out.push(ev(s, r, 'mkt:email', 'write', (u += r.int(500, 3000)), ip(u), null, 'em-welcome'))
      })
      break
    }
    case 'metrics-scraper': {
      for (let t = START + r.int(0, 60000); t < END; t += 60000 / Math.max(0.25, b) + r.int(-500, 500)) out.push(ev(s, r, 'obs:metrics', 'read', t, ip(t), r.int(200, 400), r.pick(SVCS)))
      break
    }
    case 'backup-snapshots': {
      for (let day = 0; day < 14; day++) {
        let u = dayStart(day) + 3 * HOUR + r.int(0, 600) * SEC
        for (const fam of ['tenant:config', 'wiki:pages', 'git:repos', 'crm:accounts']) for (let i = r.int(4, 12); i > 0; i--) { out.push(ev(s, r, fam, 'export', u, ip(u), Math.round(r.logn(3000, 0.6)))); u += r.exp(90 * SEC) }
      }
      break
    }
    case 'search-indexer': {
      poissonRate(r, START, END, 70 * b, (t) => 20 * b + 50 * b * customerLoad(t), (t) => { const h = pickHabit(s, r, t); out.push(ev(s, r, h.fam, r.chance(0.8) ? 'read' : 'list', t, ip(t), r.int(1, 50), r.chance(0.8) ? makeId(FAM[h.fam][5], r) : null)) })
      break
    }
    case 'billing-reconciler': {
      for (let day = 0; day < 14; day++) { let u = dayStart(day) + 4 * HOUR + r.int(0, 900) * SEC; for (let i = r.int(40, 90); i > 0; i--) { const f = r.chance(0.6) ? 'billing:payments' : 'billing:invoices'; out.push(ev(s, r, f, r.chance(0.7) ? 'list' : 'read', u, ip(u), r.int(50, 800))); u += r.exp(20 * SEC) } }
      break
    }
    case 'feature-pipeline': {
      for (let t = START + r.int(5, 15) * MIN; t < END; t += HOUR) { let u = t; for (let i = r.int(4, 10); i > 0; i--) { out.push(ev(s, r, 'dw:tables', 'read', u, ip(u), r.int(1000, 20000), makeId('table', r))); u += r.exp(30 * SEC) } for (let i = r.int(2, 5); i > 0; i--) { out.push(ev(s, r, 'ml:features', 'write', u, ip(u), null, r.pick(H(s, 'ml:features').ids))); u += r.exp(20 * SEC) } }
      break
    }
    case 'alert-router': {
      for (let t = START + r.int(0, 300) * SEC; t < END; t += 5 * MIN) out.push(ev(s, r, 'obs:metrics', 'search', t, ip(t), r.int(20, 60)))
      for (const p of ctx.pages) out.push(ev(s, r, 'pager:incidents', 'write', p - r.int(30, 120) * SEC, ip(p), null, makeId('inc', r)))
      for (const inc of ctx.incidents) for (let i = 0; i < 12; i++) out.push(ev(s, r, 'pager:incidents', r.chance(0.5) ? 'write' : 'update', inc.at + i * r.int(1, 12) * MIN, ip(inc.at), null, `inc-${inc.id}`))
      break
    }
    case 'audit-exporter': {
      for (let t = START + r.int(1, 10) * MIN; t < END; t += HOUR) { out.push(ev(s, r, 'obs:logs', 'export', t, ip(t), Math.round(r.logn(4000, 0.5)), 'audit')); if (r.chance(0.25)) out.push(ev(s, r, 'iam:users', 'list', t + 5000, ip(t), r.int(180, 260))) }
      break
    }
    case 'cert-renewer': {
      for (let day = 0; day < 14; day++) { const t = dayStart(day) + 5 * HOUR + r.int(0, 900) * SEC; for (let i = r.int(2, 6); i > 0; i--) out.push(ev(s, r, 'secrets:keys', r.chance(0.7) ? 'read' : 'update', t + i * 4000, ip(t), 1, makeId('key', r))) }
      break
    }
  }
  return out
}

function ephemeralActivity(s, r, ctx, statusOut, grantsOut) {
  const out = []
  const id = s.pub.id
  let t0, t1, rate, ip
  if (s.tpl === 'incident-responder') {
    const inc = ctx.incidents[s.inc]
    t0 = inc.at + r.u(5, 20) * MIN; t1 = inc.at + inc.dur + r.u(10, 40) * MIN; rate = 40 * s.base
    ip = (t) => cloudIp('eu-central-1', t, r, null)
  } else if (s.tpl === 'backfill') {
    t0 = START + 11 * DAY + r.u(16, 18) * HOUR; t1 = t0 + r.u(4, 7) * HOUR; rate = 120 * s.base
    ip = (t) => cloudIp('eu-central-1', t, r, null)
  } else if (s.tpl === 'data-export') {
    t0 = START + 11 * DAY + r.u(9, 12) * HOUR; t1 = t0 + r.u(30, 60) * MIN; rate = 0
    const tenant = s.name.replace(/^export-/, '').replace(/-\d+$/, '')
    ip = (t) => cloudIp('us-east-1', t, r, null)
    let u = t0
    out.push(ev(s, r, 'tenant:config', 'read', u, ip(u), 1, tenant))
    for (let i = r.int(20, 60); i > 0; i--) { out.push(ev(s, r, 'tenant:data', 'export', (u += r.exp(50 * SEC)), ip(u), Math.round(r.logn(20000, 0.6)), tenant)) }
    t1 = u + MIN
  } else { // pipeline runner: enrolled on a weekday during work hours, lives hours to a day
    let day
    do day = r.int(0, 11); while (dow(day) >= 5)
    t0 = START + day * DAY + r.u(7, 17) * HOUR; t1 = Math.min(END - HOUR, t0 + r.u(2, 20) * HOUR); rate = 12 * s.base
    ip = () => '35.198.64.' + r.int(20, 25)
  }
  for (const f of s.pub.entitled) grantsOut.push({ at: t0 - r.int(10, 60) * SEC, agent: id, family: f })
  if (rate > 0) {
    // Most of the work comes early, then the agent idles until retired.
    const busy = t0 + (t1 - t0) * r.u(0.3, 0.8)
    window(out, s, r, t0, busy, rate, ip, null, s.tpl === 'backfill' ? 20 : 1)
    window(out, s, r, busy, t1, rate * 0.1, ip)
  }
  const retire = t1 + r.int(2, 20) * MIN
  statusOut.push({ at: retire, agent: id, status: 'retired' })
  if (s.tpl === 'pipeline-runner' && r.chance(0.25)) { // a straggler retries after retirement, refused
    for (let i = r.int(1, 3); i > 0; i--) out.push(mkEvent(retire + r.int(1, 10) * MIN, id, 'ci:artifacts', 'read', ip(retire), null, null, 'deny', 'ERR_VC_REVOKED'))
  }
  s.life = [t0, retire]
  return out
}

// ── Attacks ──────────────────────────────────────────────────────────────────────────────────────
function profileOf(s, events) {
  const hist = events.filter((e) => e.at < EVAL && e.decision === 'allow')
  const all = events.filter((e) => e.decision === 'allow')
  const fams = new Map(), acts = new Map(), ips = new Map(), maxRec = new Map(), tenants = new Set(), hours = new Array(24).fill(0), dayHours = new Set()
  const tz = ['berlin', 'bangalore', 'austin'].includes(s.region) ? s.region : 'utc'
  for (const e of all) {
    const fam = e.resource.split('/')[0]
    if (e.at < EVAL) {
      fams.set(fam, (fams.get(fam) ?? 0) + 1)
      if (!acts.has(fam)) acts.set(fam, new Map())
      acts.get(fam).set(e.action, (acts.get(fam).get(e.action) ?? 0) + 1)
      if (e.records) maxRec.set(fam, Math.max(maxRec.get(fam) ?? 0, e.records))
    }
    ips.set(e.ip, (ips.get(e.ip) ?? 0) + 1)
    if (fam === 'tenant:data' && e.resource.includes('/')) tenants.add(e.resource.slice(12))
    hours[Math.floor(localHour(tz, e.at))]++
    dayHours.add(Math.floor((e.at - START) / HOUR))
  }
  const topFams = [...fams.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f)
  const topIp = [...ips.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
  const evalEv = events.filter((e) => e.at >= EVAL)
  return { hist, fams, acts, ips, maxRec, tenants, hours, dayHours, topFams, topIp, tz, evalEv, last: events.length ? events[events.length - 1].at : START, readsOf: (fam) => hist.filter((e) => e.resource.startsWith(fam) && e.records) }
}

function planAttacks(seed, N, fleet, benignByAgent, benignStatus) {
  const r = new Rng(seed, 'attacks')
  const per = Math.max(1, Math.round((3 * N) / 150))
  const events = [], attacks = [], statusChanges = []
  const used = new Set()
  const profiles = new Map()
  const prof = (s) => { if (!profiles.has(s)) profiles.set(s, profileOf(s, benignByAgent.get(s))); return profiles.get(s) }
  const standing = fleet.filter((s) => !s.ephemeral && !s.retireAt && !s.suspendAt && !s.enrolAt)
  const active = (s) => { const p = prof(s); return p.hist.length >= 60 && p.evalEv.length >= 30 }
  const benignStatusOf = new Map(benignStatus.map((c) => [c.agent, c]))
  const choose = (kind, pred, fallback = active) => {
    const pool = r.shuffle(standing.filter((s) => !used.has(s) && pred(s)))
    let s = pool[0]
    if (!s) s = r.shuffle(standing.filter((x) => !used.has(x) && fallback(x)))[0]
    if (s) used.add(s)
    return s
  }
  const newIp = () => ip4(r.pick(ATTACKER), r)
  // A random benign request of the victim in the evaluated week, not too late.
  const anchor = (p, latest = END - 6 * HOUR) => { const c = p.evalEv.filter((e) => e.decision === 'allow' && e.at < latest); return c.length ? r.pick(c) : null }
  const emit = (kind, s, list) => {
    list = list.filter((e) => e.at >= EVAL && e.at < END).sort((a, b) => a.at - b.at)
    if (!list.length) return false
    events.push(...list)
    attacks.push({ kind, agent: s.pub.id, start: list[0].at, end: list[list.length - 1].at })
    return true
  }
  const like = (s, p, t, ip, fam, action, records, rid, decision = 'allow', code) => mkEvent(t, s.pub.id, fam, action, ip, records, rid, decision, code)
  const usualAction = (p, fam) => { const m = p.acts.get(fam); if (!m) return 'read'; return r.wpick([...m.entries()].filter(([a]) => READS.has(a)).concat([['read', 0.01]])) }
  const recOf = (p, fam) => { const rs = p.readsOf(fam); return rs.length ? r.pick(rs).records : 1 }
  const readFams = (p) => p.topFams.filter((f) => { const m = p.acts.get(f); return m && [...m.keys()].some((a) => READS.has(a)) })

  for (const kind of ATTACK_KINDS) {
    for (let k = 0; k < per; k++) {
      const ar = new Rng(seed, 'attack', kind, k) // each attack's own stream
      let s, p, list = []
      switch (kind) {
        case 'slow-exfiltration': {
          s = choose(kind, (x) => active(x) && readFams(prof(x)).length >= 2 && x.kind !== 'service')
          if (!s) break
          p = prof(s)
          const fams = readFams(p).slice(0, ar.int(1, 3))
          const daily = p.hist.length / 7
          const base = Math.max(2, daily * ar.u(0.04, 0.15))
          const growth = ar.u(1.3, 1.8)
          const startDay = 7 + ar.int(0, 2)
          for (let day = startDay; day < 14; day++) {
            const todays = p.evalEv.filter((e) => e.decision === 'allow' && e.at >= START + day * DAY && e.at < START + (day + 1) * DAY)
            if (!todays.length) continue
            const n = Math.round(base * Math.pow(growth, day - startDay))
            for (let i = 0; i < n; i++) {
              const e = ar.pick(todays)
              const fam = ar.pick(fams)
              const act = usualAction(p, fam)
              list.push(like(s, p, e.at + ar.int(1, 90) * SEC, e.ip, fam, act, Math.max(1, Math.round(recOf(p, fam) * (1 + 0.4 * (day - startDay)) * ar.u(1, 2))), null))
            }
          }
          break
        }
        case 'suspended-in-use': case 'retired-in-use': {
          const status = kind === 'suspended-in-use' ? 'suspended' : 'retired'
          const code = kind === 'suspended-in-use' ? 'ERR_VC_SUSPENDED' : 'ERR_VC_REVOKED'
          let T, ephemeralVictim = null
          if (kind === 'retired-in-use' && k === 0) { // a per-pipeline runner's leaked token, used after it was retired
            ephemeralVictim = r.shuffle(fleet.filter((x) => x.ephemeral && !used.has(x) && benignStatusOf.get(x.pub.id)?.at >= EVAL && benignStatusOf.get(x.pub.id).at < END - 12 * HOUR && benignByAgent.get(x).length >= 10))[0]
          }
          if (ephemeralVictim) { s = ephemeralVictim; used.add(s); p = prof(s); p.hist = benignByAgent.get(s).filter((e) => e.decision === 'allow'); p.topFams = [...new Set(p.hist.map((e) => e.resource.split('/')[0]))]; T = benignStatusOf.get(s.pub.id).at }
          else {
            s = choose(kind, (x) => active(x) && prof(x).last < END - 20 * HOUR && prof(x).last > EVAL + 12 * HOUR)
            if (!s) break
            p = prof(s)
            T = Math.min(END - 8 * HOUR, p.last + ar.u(0.5, 6) * HOUR)
            statusChanges.push({ at: Math.floor(T), agent: s.pub.id, status })
          }
          const fams = p.topFams.slice(0, 4)
          if (!fams.length) break
          const t0 = T + ar.u(3, 120) * MIN
          const dur = ar.u(10, 180) * MIN
          const n = ar.int(3, 40)
          const cacheVerifier = `did:web:${FAM[fams[0]][0]}.h.example`
          const cacheUntil = T + ar.u(15, 60) * MIN
          const ip = ar.chance(0.6) ? newIp() : p.topIp
          for (let i = 0; i < n; i++) {
            const t = t0 + (dur * i) / n + ar.int(0, 30) * SEC
            const fam = ar.pick(fams)
            const cached = `did:web:${FAM[fam][0]}.h.example` === cacheVerifier && t < cacheUntil
            list.push(cached ? like(s, p, t, ip, fam, usualAction(p, fam), recOf(p, fam), null) : like(s, p, t, ip, fam, usualAction(p, fam), null, null, 'deny', code))
          }
          break
        }
        case 'lateral-movement': {
          s = choose(kind, (x) => active(x) && x.pub.entitled.some((f) => segOf(f) !== x.pub.segment && !prof(x).fams.has(f)))
          if (!s) break
          p = prof(s)
          const others = ALL_FAMILIES.filter((f) => segOf(f) !== s.pub.segment && segOf(f) !== 'people' && !p.fams.has(f))
          const dormant = others.filter((f) => s.pub.entitled.includes(f))
          const targets = [...new Set([...ar.shuffle(dormant).slice(0, ar.int(1, 3)), ...ar.shuffle(others).slice(0, ar.int(2, 5))])]
          const a = anchor(p)
          if (!a) break
          const n = ar.int(6, 60)
          const dur = ar.u(10, 90) * MIN
          for (let i = 0; i < n; i++) {
            const fam = targets[Math.min(targets.length - 1, Math.floor((i / n) * targets.length + ar.u(-0.3, 0.3)))] ?? ar.pick(targets)
            const ok = s.pub.entitled.includes(fam)
            const act = ar.pick(['list', 'search', 'read'])
            list.push(like(s, p, a.at + (dur * i) / n + ar.int(0, 20) * SEC, a.ip, fam, act, ok ? Math.round(ar.logn(FAM[fam][2], 0.7)) : null, act === 'read' ? makeId(FAM[fam][5], ar) : null, ok ? 'allow' : 'deny', ok ? undefined : 'ERR_NOT_ENTITLED'))
          }
          break
        }
        case 'hr-grab': {
          s = choose(kind, (x) => active(x) && x.pub.segment !== 'people' && (k === 0 || x.pub.entitled.includes('hr:employees')), (x) => active(x) && x.pub.segment !== 'people')
          if (!s) break
          p = prof(s)
          const a = anchor(p)
          if (!a) break
          const fams = ar.shuffle(['hr:employees', 'hr:payroll', 'hr:reviews']).slice(0, ar.int(1, 3))
          const n = ar.int(4, 50)
          const dur = ar.u(5, 120) * MIN
          for (let i = 0; i < n; i++) {
            const fam = ar.pick(fams)
            const ok = s.pub.entitled.includes(fam) || ar.chance(0.5) // over-broad grants in the HR system
            const act = ar.chance(0.4) ? 'read' : ar.pick(['list', 'search'])
            list.push(like(s, p, a.at + (dur * i) / n, a.ip, fam, act, ok ? (act === 'read' ? 1 : Math.round(ar.logn(fam === 'hr:payroll' ? 400 : 80, 0.8))) : null, act === 'read' ? makeId('emp', ar) : null, ok ? 'allow' : 'deny', ok ? undefined : 'ERR_NOT_ENTITLED'))
          }
          break
        }
        case 'bulk-read': {
          s = choose(kind, (x) => active(x) && readFams(prof(x)).length > 0)
          if (!s) break
          p = prof(s)
          const fam = readFams(p)[ar.int(0, Math.min(2, readFams(p).length - 1))]
          const a = anchor(p)
          if (!a) break
          const max = Math.max(...p.readsOf(fam).map((e) => e.records), 10)
          const act = [...(p.acts.get(fam)?.keys() ?? [])].find((x) => x === 'list' || x === 'search') ?? 'read'
          for (let i = ar.int(1, 4), t = a.at + ar.int(5, 120) * SEC; i > 0; i--, t += ar.int(20, 600) * SEC) list.push(like(s, p, t, a.ip, fam, act, Math.round(Math.max(5000, max * ar.u(30, 300))), null))
          break
        }
        case 'probing': {
          s = choose(kind, active)
          if (!s) break
          p = prof(s)
          const a = anchor(p)
          if (!a) break
          const ip = ar.chance(0.5) ? a.ip : newIp()
          const fams = ar.shuffle(ALL_FAMILIES).slice(0, ar.int(8, 22))
          const n = ar.int(20, 150)
          const dur = ar.u(5, 60) * MIN
          for (let i = 0; i < n; i++) {
            const fam = fams[i % fams.length]
            const act = ar.pick(['read', 'list', 'export', 'delete', 'admin', 'write'])
            const ent = s.pub.entitled.includes(fam)
            const deny = !ent || (act !== 'read' && act !== 'list') || ar.chance(0.3)
            list.push(like(s, p, a.at + (dur * i) / n + ar.int(0, 5) * SEC, ip, fam, act, deny ? null : ar.int(1, 20), null, deny ? 'deny' : 'allow', deny ? (ent ? 'ERR_CONSTRAINT' : 'ERR_NOT_ENTITLED') : undefined))
          }
          break
        }
        case 'two-networks': {
          s = choose(kind, (x) => active(x) && x.kind !== 'service')
          if (!s) break
          p = prof(s)
          const a = anchor(p)
          if (!a) break
          const ip = newIp()
          const fams = p.topFams.slice(0, 5)
          const dur = ar.u(30, 240) * MIN
          const n = Math.max(5, Math.round(ar.u(0.2, 1) * p.evalEv.filter((e) => e.at >= a.at && e.at < a.at + dur).length))
          for (let i = 0; i < n; i++) { const fam = ar.pick(fams); list.push(like(s, p, a.at + ar.u(0, dur), ip, fam, usualAction(p, fam), recOf(p, fam), null)) }
          break
        }
        case 'off-hours-use': {
          s = choose(kind, (x) => active(x) && x.kind === 'employee' && prof(x).hours.filter((h) => h === 0).length >= 6)
          if (!s) break
          p = prof(s)
          const dead = p.hours.map((h, i) => i).filter((i) => p.hours[i] === 0 && p.hours[(i + 1) % 24] === 0 && p.hours[(i + 23) % 24] === 0)
          if (!dead.length) break
          const h = ar.pick(dead)
          let t0 = null
          for (let tries = 0; tries < 20 && t0 == null; tries++) {
            const day = ar.int(7, 13)
            const t = utcOf(p.tz, day, h + ar.u(0, 0.5))
            if (t >= EVAL && t < END - 2 * HOUR) t0 = t
          }
          if (t0 == null) break
          const ip = ar.chance(0.5) ? p.topIp : newIp()
          const fams = p.topFams.slice(0, 4)
          const n = ar.int(10, 80)
          const dur = ar.u(20, 100) * MIN
          for (let i = 0; i < n; i++) { const fam = ar.pick(fams); list.push(like(s, p, t0 + (dur * i) / n + ar.int(0, 30) * SEC, ip, fam, usualAction(p, fam), recOf(p, fam), null)) }
          break
        }
        case 'rate-flood': {
          s = choose(kind, active)
          if (!s) break
          p = prof(s)
          const a = anchor(p)
          if (!a) break
          const fam = p.topFams[0]
          const act = usualAction(p, fam)
          const n = ar.int(400, 4000)
          const period = ar.u(200, 1500)
          const ip = ar.chance(0.7) ? a.ip : newIp()
          const limitAfter = ar.int(60, 300)
          const rid = ar.chance(0.5) ? makeId(FAM[fam][5], ar) : null
          for (let i = 0; i < n; i++) {
            const limited = i > limitAfter && i % 10 !== 0
            list.push(like(s, p, a.at + i * period + ar.int(0, 100), ip, fam, act, limited ? null : recOf(p, fam), rid, limited ? 'deny' : 'allow', limited ? 'ERR_RATE_LIMITED' : undefined))
          }
          break
        }
        case 'new-action': {
          s = choose(kind, (x) => active(x) && prof(x).topFams.some((f) => ['export', 'delete', 'admin'].some((a) => !prof(x).acts.get(f)?.has(a))))
          if (!s) break
          p = prof(s)
          const fam = p.topFams.slice(0, 3).find((f) => ['export', 'delete', 'admin'].some((a) => !p.acts.get(f).has(a)))
          const act = ar.pick(['export', 'delete', 'admin'].filter((a) => !p.acts.get(fam).has(a)))
          const a = anchor(p)
          if (!a) break
          for (let i = ar.int(1, 10), t = a.at + ar.int(10, 300) * SEC; i > 0; i--, t += ar.int(5, 240) * SEC) {
            const deny = act === 'admin' && ar.chance(0.5)
            list.push(like(s, p, t, a.ip, fam, act, act === 'export' ? Math.round(ar.logn(recOf(p, fam) * 20 + 50, 0.5)) : null, act === 'export' ? null : makeId(FAM[fam][5], ar), deny ? 'deny' : 'allow', deny ? 'ERR_CONSTRAINT' : undefined))
          }
          break
        }
        case 'secret-harvest': {
          s = choose(kind, (x) => active(x) && x.pub.entitled.includes('secrets:kv'))
          if (!s) break
          p = prof(s)
          const a = anchor(p)
          if (!a) break
          const ent = s.pub.entitled.includes('secrets:kv')
          const n = ar.int(50, 600)
          const dur = ar.u(5, 60) * MIN
          const ip = ar.chance(0.7) ? a.ip : newIp()
          const seen = new Set()
          list.push(like(s, p, a.at, ip, 'secrets:kv', 'list', ent ? ar.int(300, 900) : null, null, ent ? 'allow' : 'deny', ent ? undefined : 'ERR_NOT_ENTITLED'))
          for (let i = 0; i < n; i++) {
            let path
            do path = `prod/${ar.pick(SVCS)}/${ar.pick(['db-password', 'api-token', 'signing-key', 'webhook-secret', 'smtp', 's3-key', 'oauth-client', 'stripe-key', 'github-app', 'replica-dsn'])}-${ar.int(1, 40)}`; while (seen.has(path))
            seen.add(path)
            const fam = ar.chance(0.85) ? 'secrets:kv' : 'secrets:keys'
            const ok = s.pub.entitled.includes(fam)
            list.push(like(s, p, a.at + 2000 + (dur * i) / n, ip, fam, 'read', ok ? 1 : null, path, ok ? 'allow' : 'deny', ok ? undefined : 'ERR_NOT_ENTITLED'))
          }
          break
        }
        case 'tenant-crossing': {
          s = choose(kind, (x) => active(x) && prof(x).tenants.size > 0 && x.tpl !== 'worker-pool' && x.tpl !== 'data-export', (x) => active(x) && x.pub.entitled.includes('tenant:data'))
          if (!s) s = choose(kind, active)
          if (!s) break
          p = prof(s)
          const a = anchor(p)
          if (!a) break
          const n = ar.int(30, 300)
          const dur = ar.u(20, 180) * MIN
          const ok = s.pub.entitled.includes('tenant:data')
          for (let i = 0; i < n; i++) {
            let t
            do t = `t-${ar.int(1000, 5999)}`; while (p.tenants.has(t))
            const tt = a.at + (dur * i) / n + ar.int(0, 20) * SEC
            list.push(like(s, p, tt, a.ip, 'tenant:data', 'read', ok ? ar.int(1, 200) : null, t, ok ? 'allow' : 'deny', ok ? undefined : 'ERR_NOT_ENTITLED'))
            if (ar.chance(0.3)) list.push(like(s, p, tt + 1500, a.ip, 'tenant:config', 'read', 1, t))
          }
          break
        }
      }
      if (s && list.length) emit(kind, s, list)
    }
  }
  return { events, attacks, statusChanges }
}

// ── The fortnight ────────────────────────────────────────────────────────────────────────────────
export function generateWeek({ seed = 1, agents = 150, scale = 1, attacks = true } = {}) {
  const { fleet, oncall, incidents, failover, grantsPlan } = buildFleet(seed, agents, scale)
  const ctx = { incidents, failover, pages: [] }
  const benignStatus = []
  const grants = [...grantsPlan]
  const benignByAgent = new Map()
  // Employees first (their on-call pages feed the alert router and the incident commander).
  for (const s of fleet) {
    const r = new Rng(seed, 'agent', s.pub.id)
    let out
    if (s.kind === 'employee') {
      out = employeeActivity(s, r, ctx)
      if (s.oncallWeeks) for (const e of out) { const lh = localHour(s.region, e.at); if (lh < 6 && (ctx.pages.length === 0 || e.at - ctx.pages[ctx.pages.length - 1] > HOUR)) ctx.pages.push(e.at) }
      expiries(out, r, s.pub.id, 0.3)
      if (s.enrolAt) for (const f of s.pub.entitled) grants.push({ at: Math.floor(s.enrolAt - r.int(5, 60) * MIN), agent: s.pub.id, family: f })
      if (s.retireAt) { // the leaver: retired; the client retries a few times, refused
        benignStatus.push({ at: Math.floor(s.retireAt), agent: s.pub.id, status: 'retired' })
        for (let i = r.int(2, 6), t = s.retireAt + r.int(5, 40) * MIN; i > 0; i--, t += r.exp(20 * MIN)) out.push(mkEvent(t, s.pub.id, s.habits[0].fam, 'read', s.home, null, null, 'deny', 'ERR_VC_REVOKED'))
      }
      if (s.suspendAt) { // the lost laptop: suspended; the client retries, refused
        benignStatus.push({ at: Math.floor(s.suspendAt), agent: s.pub.id, status: 'suspended' })
        const mip = mobileIp(s.region, r)
        for (let i = r.int(2, 5), t = s.suspendAt + r.int(10, 90) * MIN; i > 0; i--, t += r.exp(15 * MIN)) out.push(mkEvent(t, s.pub.id, pickHabit(s, r, t).fam, 'read', mip, null, null, 'deny', 'ERR_VC_SUSPENDED'))
      }
    }
    benignByAgent.set(s, out ?? [])
  }
  ctx.pages.sort((a, b) => a - b)
  for (const s of fleet) {
    if (s.kind === 'employee') continue
    const r = new Rng(seed, 'agent', s.pub.id)
    let out
    if (s.ephemeral) out = ephemeralActivity(s, r, ctx, benignStatus, grants)
    else if (s.kind === 'company') { out = companyActivity(s, r, ctx); expiries(out, r, s.pub.id, 0.15) }
    else out = serviceActivity(s, r, ctx)
    benignByAgent.set(s, out)
  }
  let benign = []
  for (const s of fleet) {
    const list = benignByAgent.get(s).filter((e) => e.at >= START && e.at < END)
    list.sort((a, b) => a.at - b.at)
    benignByAgent.set(s, list)
    for (const e of list) benign.push(e)
  }
  benign.sort((a, b) => a.at - b.at)
  let events = benign
  let planted = { events: [], attacks: [], statusChanges: [] }
  if (attacks) {
    planted = planAttacks(seed, agents, fleet, benignByAgent, benignStatus)
    const extra = planted.events.sort((a, b) => a.at - b.at)
    events = new Array(benign.length + extra.length)
    let i = 0, j = 0, k = 0
    while (i < benign.length || j < extra.length) events[k++] = j >= extra.length || (i < benign.length && benign[i].at <= extra[j].at) ? benign[i++] : extra[j++]
  }
  const statusChanges = [...benignStatus, ...planted.statusChanges].map((c) => ({ ...c, at: Math.floor(c.at) })).sort((a, b) => a.at - b.at)
  return {
    agents: fleet.map((s) => s.pub),
    events,
    attacks: planted.attacks,
    statusChanges,
    grants: grants.map((g) => ({ ...g, at: Math.floor(g.at) })).sort((a, b) => a.at - b.at),
    evalFrom: EVAL,
    start: START,
    end: END,
  }
}
