// Workload I: a fortnight of AI-agent access requests at "Company I" (i.example), a European
// insurance group, with attacks planted in the second week. Written independently of the anomaly
// detector and of the other workloads: plain ES module, Node 20, no dependencies, deterministic
// from a seed. Used by scripts/anomaly-eval.mjs (`--workload scripts/workload-i.mjs`).
//
// THE FORTNIGHT
//   start    Mon 20 Sep 2027 00:00 UTC; evalFrom Mon 27 Sep 2027 (week 2 is scored); end Mon 4 Oct.
//   zones    Munich, Madrid, Warsaw on CEST (UTC+2); Dublin on IST (UTC+1). No DST change
//            (Europe changes on 28 Mar and 31 Oct 2027).
//   day d    0 = Mon 20 Sep ... 6 = Sun 26 Sep | 7 = Mon 27 Sep ... 10 = Thu 30 Sep (month and
//            quarter end) ... 13 = Sun 3 Oct.
//
// NETWORKS (data only, nothing is contacted)
//   offices       Munich HQ NAT 193.28.114.10-13, Madrid 185.47.220.34-36, Warsaw 91.238.52.66-67,
//                 Dublin 87.232.15.130-131; corporate VPN egress 193.28.115.20-27.
//   homes         DE 79.192/10, 84.128/10, 91.0/10, 95.88/14; ES 83.32/11, 88.0/11, 90.160/12;
//                 PL 83.0/11, 89.64/12; IE 86.40/13, 89.100/15. Some DE lines get a new address
//                 every day; ~15% of hybrid workers have a new home address in week 2.
//   mobile        carrier CGNAT pools, a new address per session: DE 80.187.64/18, 109.43/16;
//                 ES 88.26/16, 213.143.32/19; PL 37.248/16; IE 37.228/16.
//   data centre   on-prem services 10.40.0.0/16, autoscaled pods 10.44.0.0/16, business-app cloud
//                 egress 34.89.140.16-23; NEW cloud NAT 35.246.180.32-47 (migration, Wed 29 Sep).
//   attackers     Tor exits, bulletproof VPS and residential proxies (185.220.101/24, 45.155.205/24,
//                 103.251.167/24, 5.188.62/24, 91.92.240/24, 194.26.29/24, 179.43.128/24, 23.129.64/24)
//                 or the victim's own networks.
//
// VERIFIERS (did:web:<host>.i.example), their segment and families
//   claims (claims): claims:cases, claims:documents, claims:payments
//   policy-admin (policy): policy:contracts, policy:quotes
//   crm (customer): customers:profiles, customers:contacts
//   fraud-engine (risk): fraud:scores, fraud:investigations
//   broker-hub (broker): broker:accounts, broker:commissions
//   dwh (analytics): dw:tables, dw:queries
//   ledger (finance): finance:ledger, finance:payments
//   hris (hr): hr:employees, hr:payroll, hr:absences
//   dms (documents): docs:archive            mailer (messaging): mail:outbox
//   telematics (telematics): telematics:trips, telematics:devices
//   reinsurance (reinsurance): reinsurance:treaties, reinsurance:bordereaux
//   wiki (collab): wiki:pages                chat (collab): chat:messages
//   Each verifier refreshes its status list on its own period (5 min to 24 h), so a credential
//   suspended or retired a moment ago is still accepted by some for a while.
//
// THE FLEET (150 agents at the default size; counts are apportioned for other sizes and shuffled
// a little per seed)
//   ~82 employees' personal assistants: claims handlers (Munich motor/property, Madrid, Warsaw;
//     team leads among them), field adjusters on mobile networks, underwriters (Munich, Dublin),
//     actuaries, contact-centre agents in shifts (Madrid; Warsaw's German-language desk) incl.
//     evenings and Saturdays, broker account managers (Dublin), finance (Munich, Warsaw SSC), HR,
//     IT (weekly on-call rotation), legal, fraud investigators (SIU), reinsurance analysts, product.
//   ~30 company agents in business apps: claims-intake bots (DE/ES/PL), document OCR/classifiers,
//     fraud-scoring assistants, 5 broker-portal assistant instances, customer chat bots, policy-
//     renewal assistants, payments assistants, claims-triage copilots, underwriting copilots,
//     contact-centre copilots, HR and IT helpdesk bots.
//   ~38 services: actuarial batches, reserving run, reinsurance export, 4 DW ETL extractors, mail
//     sender, letter printing, 2 document archivers, 2 backup exporters, CRM sync, telematics ingest,
//     scorer and worker pool (pods sharing one identity), payments reconciler, claims worker pool
//     (autoscaled pods sharing one identity), broker commission run, renewal batch, health checker,
//     search indexer, GDPR erasure, sanctions screening, SMS notifier, 2 BI report generators, chat
//     archiver, ledger poster, SLA monitor, dunning, fraud-model training, payroll run, pricing
//     engine, legacy FTP export and fax gateway (both decommissioned in week 2).
//
// EVENTS OF NOTE (benign, in both runs)
//   - Storm "Sturmtief Quirin" hits Germany Tue 28 Sep evening: DE claims intake x3 on Wed-Thu,
//     x1.8 Fri, elevated over the weekend; Munich handlers and DE adjusters work overtime and on
//     Saturday; the intake bot, OCR, fraud scoring, triage copilots, SMS notifier, claims worker
//     pool (more pods) scale up; Warsaw's German desk opens on Sunday 3 Oct (10-16 CEST).
//   - Month/quarter end Thu 30 Sep: finance close Wed-Fri (long days, some Saturday work), month-end
//     reserving run (nights of 30 Sep and 1 Oct, several times the weekly flash run), broker
//     commission final run (night of 30 Sep), quarterly bordereaux, BI month-end packs, 1 Oct
//     renewal wave, broker managers fielding commission questions on Fri 1 Oct.
//   - Payroll run Fri 24 Sep (week 1); only corrections in week 2.
//   - Holidays: days off in both weeks, some handlers away in week 2 with a colleague covering
//     their cases; a few people on long leave from early week 2 (their assistants go quiet).
//   - Madrid claims team granted telematics:trips Tue 28 Sep; members adopt it over days (some
//     never). Fraud investigators granted telematics:devices Wed 22 Sep.
//   - Data-centre migration Wed 29 Sep: ETL, backup, archivers and others move from 10.40/16 to the
//     new cloud NAT range, each at its own cut-over time.
//   - Broker-portal assistant v2 released Tue 28 Sep 06:30 CEST: all instances switch from single
//     reads to list pages (fewer requests, more records each).
//   - A Dublin underwriter leaves Fri 24 Sep: assistant retired; his laptop's client retries on
//     Monday morning (ERR_VC_REVOKED). A contact-centre agent's contract ends Wed 29 Sep (retired,
//     retries next morning). A DE field adjuster loses his phone on Wed 29 Sep (suspended; the phone
//     retries, ERR_VC_SUSPENDED); a replacement assistant (new DID) starts Thu 30 Sep. A new claims
//     handler joins in Munich on Mon 27 Sep (no history). A legacy FTP export and a fax gateway
//     are switched off after the migration (nobody retires their credentials).
//   - IT on-call: a different person each week, paged at night now and then.
//
// NOISE
//   Daily/weekly cycles per zone, lognormal task rates and request sizes with heavy tails, meetings
//   and lunch gaps (late lunch in Madrid, short Fridays in Germany), occasional evening and weekend
//   check-ins, shift rotas changing between the weeks, office NAT / home ISP / VPN / carrier CGNAT,
//   credential expiry on Monday mornings (ERR_VC_EXPIRED then renewed), rate-limit bursts at peaks
//   (ERR_RATE_LIMITED, retried), stray ERR_NOT_ENTITLED, ERR_CONSTRAINT (limits, four-eyes) and
//   ERR_PURPOSE (contact centre without an open call).
//
// ATTACKS (week 2 only, about 3 per kind per 150 agents, each on a distinct victim, shaped from the
// victim's own history where the kind allows)
//   slow-exfiltration  extra traffic riding on the victim's own requests to one family, growing
//                      from ~1.3x by ~35-70% a day to 10-20x over 5-6 days.
//   suspended-in-use   an agent gone quiet (owner on leave, pilot ended) is suspended (attacked run
//                      only), then used; stale verifiers still allow some requests.
//   retired-in-use     the same for retired agents (leavers, decommissioned services).
//   lateral-movement   families/segments the agent never used, mixed with its own; some refused.
//   hr-grab            HR records (employees, payroll) pulled by a non-HR agent.
//   bulk-read          one big paginated pull of a family the agent reads, far beyond its sizes.
//   probing            many refused requests across families, a few allowed.
//   two-networks       the agent used from a distant network while in use from its own.
//   off-hours-use      a weekday-only agent used at night or at the weekend.
//   rate-flood         4-8x the agent's busiest hour, for 30-90 minutes.
//   new-action         deletes/exports/updates on a family the agent only ever read.
//   claims-payment-fraud  (own) payee/bank-detail changes and new payments on claims outside the
//                      agent's case load, an attempted self-approval refused.
//   policy-harvest     (own) a working day of one-by-one reads enumerating customers' policies and
//                      profiles, several times the agent's usual distinct records.

const DAY = 86_400_000
const HOUR = 3_600_000
const MIN = 60_000
const SEC = 1_000
const START = Date.UTC(2027, 8, 20) // Monday 20 September 2027
const EVAL_FROM = START + 7 * DAY
const END = START + 14 * DAY
const DOMAIN = 'i.example'

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action', 'claims-payment-fraud', 'policy-harvest']

// ---------------------------------------------------------------------------------------------
// Seeded randomness: one independent stream per (seed, name).

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

function rngFor(seed, stream) {
  let s = hash32(`company-i|${seed}|${stream}`)
  const r = () => {
    s = (s + 0x6d2b79f5) | 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  r.int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1))
  r.range = (lo, hi) => lo + r() * (hi - lo)
  r.chance = (p) => r() < p
  r.pick = (a) => a[Math.floor(r() * a.length)]
  r.normal = (m = 0, sd = 1) => {
    let u = 0
    while (u === 0) u = r()
    return m + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r())
  }
  r.lognormal = (median, sigma) => median * Math.exp(sigma * r.normal())
  r.exp = (mean) => -mean * Math.log(1 - r())
  r.poisson = (lambda) => {
    if (lambda <= 0) return 0
    if (lambda > 40) return Math.max(0, Math.round(r.normal(lambda, Math.sqrt(lambda))))
    const L = Math.exp(-lambda)
    let k = 0
    let p = 1
    do {
      k++
      p *= r()
    } while (p > L)
    return k - 1
  }
  r.weighted = (entries) => {
    let total = 0
    for (const e of entries) total += e[0]
    let x = r() * total
    for (const e of entries) if ((x -= e[0]) < 0) return e[1]
    return entries[entries.length - 1][1]
  }
  r.shuffle = (a) => {
    const b = [...a]
    for (let i = b.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1))
      ;[b[i], b[j]] = [b[j], b[i]]
    }
    return b
  }
  r.sample = (a, n) => r.shuffle(a).slice(0, n)
  return r
}

const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x))
const pad = (n, w) => String(Math.floor(n)).padStart(w, '0')
/** A request size: lognormal around `median`, heavy-tailed, clamped. */
const size = (rng, median, sigma, lo, hi) => clamp(Math.round(rng.lognormal(median, sigma)), lo, hi)
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const didKey = (rng) => {
  let s = 'did:key:z6Mk'
  for (let i = 0; i < 48; i++) s += B58[Math.floor(rng() * 58)]
  return s
}

// ---------------------------------------------------------------------------------------------
// Services, verifiers, families.

const SERVICES = [
  // host, segment, families, status-list refresh period (minutes)
  ['claims', 'claims', ['claims:cases', 'claims:documents', 'claims:payments'], 5],
  ['policy-admin', 'policy', ['policy:contracts', 'policy:quotes'], 15],
  ['crm', 'customer', ['customers:profiles', 'customers:contacts'], 60],
  ['fraud-engine', 'risk', ['fraud:scores', 'fraud:investigations'], 10],
  ['broker-hub', 'broker', ['broker:accounts', 'broker:commissions'], 30],
  ['dwh', 'analytics', ['dw:tables', 'dw:queries'], 360],
  ['ledger', 'finance', ['finance:ledger', 'finance:payments'], 5],
  ['hris', 'hr', ['hr:employees', 'hr:payroll', 'hr:absences'], 5],
  ['dms', 'documents', ['docs:archive'], 720],
  ['mailer', 'messaging', ['mail:outbox'], 60],
  ['telematics', 'telematics', ['telematics:trips', 'telematics:devices'], 360],
  ['reinsurance', 'reinsurance', ['reinsurance:treaties', 'reinsurance:bordereaux'], 1440],
  ['wiki', 'collab', ['wiki:pages'], 1440],
  ['chat', 'collab', ['chat:messages'], 1440],
]
const FAM = {}
for (const [host, segment, families, refresh] of SERVICES) {
  const phase = (hash32(host) % refresh) * MIN
  for (const f of families) FAM[f] = { verifier: `did:web:${host}.${DOMAIN}`, segment, refresh: refresh * MIN, phase }
}
const ALL_FAMILIES = Object.keys(FAM)

const DW_TABLES = ['claims_fact', 'claims_reserve_fact', 'policy_dim', 'customer_dim', 'premium_fact', 'reserve_triangle_nl', 'reserve_triangle_motor', 'payment_fact', 'broker_dim', 'telematics_agg', 'rating_motor', 'rating_property', 'fx_rates', 'loss_ratio_mart', 'cat_exposure_de', 'lapse_mart', 'commission_fact', 'gl_mart']
const GL = ['4000', '4010', '4100', '4200', '4300', '4410', '5000', '5100', '5200', '5300', '6000', '6100', '7000', '7100', '1200', '1210', '1600', '2100', '2200', '3300']
const WIKI = ['claims/motor-handbook', 'claims/property-handbook', 'claims/storm-playbook', 'claims/payment-authority', 'claims/telematics-evidence', 'uw/motor-guidelines', 'uw/property-guidelines', 'uw/referral-limits', 'actuarial/reserving-method', 'finance/close-calendar', 'finance/intercompany', 'hr/leave-policy', 'hr/onboarding', 'it/runbooks/claims-api', 'it/runbooks/dwh', 'it/runbooks/vpn', 'it/oncall', 'legal/litigation-holds', 'siu/red-flags', 'brokers/commission-schedule', 'brokers/portal-faq', 'contact/scripts-de', 'contact/scripts-es', 'product/motor-2028', 'security/acceptable-use']
const IDS = {
  'claims:cases': (r) => `CL-27-${pad(r.int(100000, 699999), 6)}`,
  'claims:documents': (r) => `DOC-${pad(r.int(10000000, 99999999), 9)}`,
  'claims:payments': (r) => `PAY-${pad(r.int(1000000, 9999999), 7)}`,
  'policy:contracts': (r) => `P${pad(r.int(10000000, 39999999), 8)}`,
  'policy:quotes': (r) => `Q-27-${pad(r.int(0, 999999), 6)}`,
  'customers:profiles': (r) => `C${pad(r.int(10000000, 29999999), 8)}`,
  'customers:contacts': (r) => `C${pad(r.int(10000000, 29999999), 8)}`,
  'fraud:scores': (r) => `FS-${pad(r.int(100000, 699999), 6)}`,
  'fraud:investigations': (r) => `INV-${pad(r.int(1000, 9999), 5)}`,
  'broker:accounts': (r) => `BRK-${pad(r.int(1, 820), 4)}`,
  'broker:commissions': (r) => `COM-2027-09-${pad(r.int(1, 820), 4)}`,
  'dw:tables': (r) => r.pick(DW_TABLES),
  'dw:queries': (r) => `q-${r.int(0, 0xffffff).toString(16).padStart(6, '0')}`,
  'finance:ledger': (r) => `GL-${r.pick(GL)}-2027-09`,
  'finance:payments': (r) => `FP-${pad(r.int(100000, 999999), 6)}`,
  'hr:employees': (r) => `E${pad(r.int(10000, 16500), 5)}`,
  'hr:payroll': (r) => `PR-2027-09-E${pad(r.int(10000, 16500), 5)}`,
  'hr:absences': (r) => `AB-${pad(r.int(1, 99999), 5)}`,
  'docs:archive': (r) => `ARC-${pad(r.int(0, 999999999), 9)}`,
  'mail:outbox': (r) => `MSG-${pad(r.int(0, 99999999), 8)}`,
  'telematics:trips': (r) => `TRIP-${pad(r.int(0, 999999999), 10)}`,
  'telematics:devices': (r) => `TLM-${pad(r.int(100000, 399999), 6)}`,
  'reinsurance:treaties': (r) => `TRT-2027-${pad(r.int(1, 48), 2)}`,
  'reinsurance:bordereaux': (r) => `BDX-2027-${r.pick(['Q3', 'M09'])}-${pad(r.int(1, 48), 2)}`,
  'wiki:pages': (r) => r.pick(WIKI),
  'chat:messages': (r) => `ch-${pad(r.int(1, 400), 4)}`,
}

// ---------------------------------------------------------------------------------------------
// Networks.

const range = (prefix, lo, hi) => Array.from({ length: hi - lo + 1 }, (_, i) => `${prefix}.${lo + i}`)
const NET = {
  office: { munich: range('193.28.114', 10, 13), madrid: range('185.47.220', 34, 36), warsaw: range('91.238.52', 66, 67), dublin: range('87.232.15', 130, 131) },
  vpn: range('193.28.115', 20, 27),
  appCloud: range('34.89.140', 16, 23),
  newCloud: range('35.246.180', 32, 47),
}
const HOME_RANGES = { DE: [[79, 192, 255], [84, 128, 191], [91, 0, 63], [95, 88, 91]], ES: [[83, 32, 63], [88, 0, 31], [90, 160, 175]], PL: [[83, 0, 31], [89, 64, 79]], IE: [[86, 40, 47], [89, 100, 101]] }
const MOBILE_RANGES = { DE: [[80, 187, 64, 127], [109, 43, 0, 255]], ES: [[88, 26, 0, 255], [213, 143, 32, 63]], PL: [[37, 248, 0, 255]], IE: [[37, 228, 0, 255]] }
const ATTACKER_NETS = ['185.220.101', '45.155.205', '103.251.167', '5.188.62', '91.92.240', '194.26.29', '179.43.128', '23.129.64']
const homeIp = (country, r) => {
  const [a, lo, hi] = r.pick(HOME_RANGES[country])
  return `${a}.${r.int(lo, hi)}.${r.int(0, 255)}.${r.int(1, 254)}`
}
const mobileIp = (country, r) => {
  const [a, b, lo, hi] = r.pick(MOBILE_RANGES[country])
  return `${a}.${b}.${r.int(lo, hi)}.${r.int(1, 254)}`
}
const dcIp = (r) => `10.40.${r.int(8, 63)}.${r.int(2, 250)}`
const podIp = (r) => `10.44.${r.int(0, 15)}.${r.int(2, 250)}`
const attackerIp = (r) => `${r.pick(ATTACKER_NETS)}.${r.int(2, 254)}`

// ---------------------------------------------------------------------------------------------
// The calendar.

const SITES = {
  munich: { country: 'DE', tz: 2, city: 'Munich' },
  madrid: { country: 'ES', tz: 2, city: 'Madrid' },
  warsaw: { country: 'PL', tz: 2, city: 'Warsaw' },
  dublin: { country: 'IE', tz: 1, city: 'Dublin' },
}
/** UTC ms of local hour `h` (may be fractional or > 24) on day `d` in zone `tz`. */
const at = (d, h, tz = 2) => START + d * DAY + (h - tz) * HOUR
const localHour = (t, tz) => ((((t - START) / HOUR + tz) % 24) + 24) % 24
const localDay = (t, tz) => Math.floor(((t - START) / HOUR + tz) / 24)
const weekday = (d) => ((d % 7) + 7) % 7 // 0 Monday ... 6 Sunday
const STORM_AT = at(8, 18.5)
/** Claims intake multiplier in Germany: storm from Tue 28 Sep evening. */
function storm(t) {
  if (t < STORM_AT) return 1
  const d = localDay(t, 2)
  if (d === 8) return 1 + 2.2 * Math.min(1, (t - STORM_AT) / (3 * HOUR))
  return [1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 1.8, 1.5, 1.3][d] ?? 1
}
const MONTH_END = [1, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.5, 2.2, 2, 1, 1] // finance close by day
const monthEnd = (t) => MONTH_END[localDay(t, 2)] ?? 1
const RELEASE_V2 = at(8, 6.5)
const MIGRATION_DAY = 9

// Hourly shapes (local time), 0..23.
const SHAPES = {
  customer: [0.14, 0.09, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.8, 1, 1, 0.95, 0.85, 0.88, 0.95, 0.95, 0.9, 0.85, 0.82, 0.8, 0.74, 0.6, 0.42, 0.24],
  office: [0.01, 0, 0, 0, 0, 0.01, 0.05, 0.3, 0.75, 1, 1, 0.95, 0.6, 0.75, 0.95, 0.95, 0.8, 0.55, 0.25, 0.12, 0.06, 0.04, 0.02, 0.01],
  officeES: [0.01, 0, 0, 0, 0, 0, 0.02, 0.1, 0.55, 0.95, 1, 1, 0.95, 0.9, 0.35, 0.6, 0.9, 0.85, 0.6, 0.3, 0.1, 0.04, 0.02, 0.01],
  driving: [0.08, 0.04, 0.03, 0.03, 0.06, 0.2, 0.55, 1, 0.95, 0.6, 0.5, 0.55, 0.6, 0.55, 0.55, 0.65, 0.85, 1, 0.9, 0.65, 0.45, 0.35, 0.25, 0.15],
  contact: [0, 0, 0, 0, 0, 0, 0, 0.55, 0.95, 1, 0.95, 0.9, 0.8, 0.8, 0.85, 0.85, 0.8, 0.75, 0.7, 0.6, 0.45, 0, 0, 0],
}
function shape(name, t, tz) {
  const h = localHour(t, tz)
  const a = SHAPES[name]
  const i = Math.floor(h)
  const f = h - i
  return a[i] * (1 - f) + a[(i + 1) % 24] * f
}
const WEEKEND = { customer: [1.05, 1, 1, 1, 0.95, 0.55, 0.4], office: [1, 1, 1, 1, 0.85, 0.03, 0.02], driving: [1, 1, 1, 1, 1.05, 0.75, 0.6], contact: [1.1, 1, 1, 1, 0.95, 0.4, 0] }
const dayShape = (name, t, tz) => shape(name === 'officeES' ? 'officeES' : name, t, tz) * (WEEKEND[name === 'officeES' ? 'office' : name] ?? WEEKEND.office)[weekday(localDay(t, tz))]

// ---------------------------------------------------------------------------------------------
// Event builder.

function makeEvent(agent, at, family, action, ip, id, records, code) {
  const f = FAM[family]
  const e = { at, agent, decision: code ? 'deny' : 'allow' }
  if (code) e.code = code
  e.resource = id === undefined ? family : `${family}/${id}`
  e.action = action
  e.ip = ip
  e.segment = f.segment
  e.verifier = f.verifier
  if (!code && records !== undefined) e.records = records
  return e
}

/**
 * A request context for one agent's stream: the time cursor `t`, the current source `ip`, the
 * output array. `deny(family, at)` decides a refusal code (entitlement, status) when none is given.
 */
function context(a, rng, out, deny) {
  const c = {
    a, rng, out, t: START, ip: '', gap: a.kind === 'service' ? 180 : a.kind === 'company' ? 450 : 1100,
    req(family, action, id, records, code) {
      const at = Math.round(c.t)
      const refused = code || deny(family, at)
      if (at >= START && at < END) out.push(makeEvent(a.id, at, family, action, c.ip, id, records, refused))
      c.t += rng.lognormal(c.gap, 0.75)
      return !refused
    },
    id: (family) => {
      const favs = a.favs?.[family]
      return favs && rng.chance(0.8) ? rng.pick(favs) : IDS[family](rng)
    },
    read: (family, id) => c.req(family, 'read', id ?? c.id(family), 1),
    list: (family, n) => c.req(family, 'list', undefined, n),
    search: (family, n) => c.req(family, 'search', undefined, n),
    write: (family, id) => c.req(family, 'write', id),
    update: (family, id) => c.req(family, 'update', id ?? c.id(family)),
    del: (family, id) => c.req(family, 'delete', id ?? c.id(family)),
    exp: (family, n) => c.req(family, 'export', undefined, n),
    think: (ms) => {
      c.t += ms
    },
  }
  return c
}

function benignDeny(a) {
  return (family, t) => {
    if (a.status && t >= a.status.at) return a.status.status === 'retired' ? 'ERR_VC_REVOKED' : 'ERR_VC_SUSPENDED'
    const g = a.ent.get(family)
    if (g === undefined || g > t) return 'ERR_NOT_ENTITLED'
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// The fleet.

// [key, kind, count per 150 agents]
const TEMPLATES = [
  ['claims-de-motor', 'employee', 4], ['claims-de-property', 'employee', 4], ['claims-es', 'employee', 8], ['claims-pl', 'employee', 6],
  ['adjuster-de', 'employee', 5], ['adjuster-es', 'employee', 2], ['uw-de', 'employee', 6], ['uw-ie', 'employee', 2], ['actuary', 'employee', 4],
  ['contact-es', 'employee', 5], ['contact-pl', 'employee', 4], ['broker-mgr', 'employee', 7], ['finance-de', 'employee', 5], ['finance-pl', 'employee', 2],
  ['hr', 'employee', 4], ['it', 'employee', 5], ['legal', 'employee', 2], ['siu', 'employee', 4], ['reins-analyst', 'employee', 2], ['product', 'employee', 1],
  ['intake-bot', 'company', 3], ['ocr', 'company', 3], ['fraud-scoring', 'company', 2], ['broker-portal', 'company', 5], ['chatbot', 'company', 3],
  ['renewal-assistant', 'company', 3], ['payments-assistant', 'company', 2], ['triage-copilot', 'company', 3], ['uw-copilot', 'company', 2],
  ['contact-copilot', 'company', 2], ['hr-helpdesk', 'company', 1], ['it-helpdesk', 'company', 1],
  ['actuarial-batch', 'service', 2], ['reserving-run', 'service', 1], ['reinsurance-export', 'service', 1], ['etl', 'service', 4], ['mail-sender', 'service', 1],
  ['letters-print', 'service', 1], ['archiver', 'service', 2], ['backup', 'service', 2], ['crm-sync', 'service', 1], ['telematics-ingest', 'service', 1],
  ['telematics-scorer', 'service', 1], ['telematics-workers', 'service', 1], ['payments-reconciler', 'service', 1],
  ['claims-workers', 'service', 1], ['commission-run', 'service', 1], ['renewal-batch', 'service', 1], ['health-checker', 'service', 1],
  ['search-indexer', 'service', 1], ['gdpr-erasure', 'service', 1], ['sanctions-screening', 'service', 1], ['sms-notifier', 'service', 1],
  ['bi-reports', 'service', 2], ['chat-archiver', 'service', 1], ['ledger-poster', 'service', 1], ['sla-monitor', 'service', 1],
  ['dunning', 'service', 1], ['fraud-training', 'service', 1], ['payroll-run', 'service', 1], ['pricing-engine', 'service', 1],
  ['legacy-ftp-export', 'service', 1], ['fax-gateway', 'service', 1],
]
const SHUFFLABLE = new Set(['claims-de-motor', 'claims-de-property', 'claims-es', 'claims-pl', 'adjuster-de', 'uw-de', 'contact-es', 'contact-pl', 'broker-mgr', 'finance-de', 'it', 'siu', 'broker-portal', 'triage-copilot', 'ocr', 'chatbot', 'etl', 'bi-reports', 'archiver'])

function apportion(n, rng) {
  const total = TEMPLATES.reduce((s, t) => s + t[2], 0)
  const quotas = TEMPLATES.map((t) => (t[2] * n) / total)
  const counts = quotas.map(Math.floor)
  let left = n - counts.reduce((s, x) => s + x, 0)
  const order = quotas.map((q, i) => [q - Math.floor(q) + rng() * 1e-6, i]).sort((x, y) => y[0] - x[0])
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k][1]]++
  // Per seed, move a few heads between similar teams of the same kind.
  for (let i = 0; i < 6; i++) {
    const from = rng.int(0, TEMPLATES.length - 1)
    const to = rng.int(0, TEMPLATES.length - 1)
    if (from === to || !SHUFFLABLE.has(TEMPLATES[from][0]) || !SHUFFLABLE.has(TEMPLATES[to][0])) continue
    if (TEMPLATES[from][1] !== TEMPLATES[to][1] || counts[from] < 2) continue
    counts[from]--
    counts[to]++
  }
  return new Map(TEMPLATES.map((t, i) => [t[0], counts[i]]))
}

const FIRST = {
  DE: ['Lukas', 'Anna', 'Maximilian', 'Sophie', 'Jonas', 'Lea', 'Felix', 'Marie', 'Tobias', 'Katharina', 'Stefan', 'Julia', 'Hannah', 'Florian', 'Sabine', 'Andreas', 'Birgit', 'Markus', 'Elif', 'Deniz'],
  ES: ['Lucía', 'Javier', 'Marta', 'Pablo', 'Carmen', 'Sergio', 'Nuria', 'Elena', 'Álvaro', 'Raquel', 'Iñigo', 'Paula', 'Jorge', 'Ainhoa'],
  PL: ['Piotr', 'Agnieszka', 'Tomasz', 'Katarzyna', 'Marcin', 'Magdalena', 'Andrzej', 'Joanna', 'Paweł', 'Ewa', 'Krzysztof', 'Oksana'],
  IE: ['Siobhán', 'Cian', 'Aoife', 'Darragh', 'Niamh', 'Conor', 'Ciara', 'Seán', 'Róisín', 'Oisín', 'Gráinne', 'Ruairí'],
}

/**
 * Builds the fleet. Each agent: its public fields plus internal ones (site, habits, favourites,
 * the behaviour that generates its requests).
 */
function buildFleet(seed, n, scale) {
  const rng = rngFor(seed, 'fleet')
  const counts = apportion(n, rng)
  const agents = []
  const usedNames = new Set()
  const person = (site = 'munich') => {
    let name
    do name = `${rng.pick(FIRST[SITES[site].country])} ${String.fromCharCode(65 + rng.int(0, 25))}.`
    while (usedNames.has(name) && usedNames.size < 900)
    usedNames.add(name)
    return name
  }
  const add = (key, kind, o) => {
    const site = SITES[o.site ?? 'munich']
    const a = {
      id: o.id ?? didKey(rng), kind, team: o.team, segment: o.segment, role: o.role, profile: o.profile,
      key, site: o.site ?? 'munich', country: site.country, tz: site.tz, behaviour: o.behaviour,
      ent: new Map(), entitled: [...new Set(o.entitled)], p: o.p ?? {}, favs: o.favs, rate: (o.rate ?? 1) * scale,
    }
    for (const f of a.entitled) a.ent.set(f, -Infinity)
    agents.push(a)
    return a
  }
  const svcName = new Map()
  const svc = (name) => {
    const k = (svcName.get(name) ?? 0) + 1
    svcName.set(name, k)
    return `did:web:svc.${DOMAIN}:${k > 1 ? `${name}-${k}` : name}`
  }
  // Person habits common to the office roles.
  const habits = (site, o = {}) => {
    const country = SITES[site].country
    const style = o.style ?? rng.weighted([[0.35, 'office'], [0.65, 'hybrid']])
    const start = { munich: rng.normal(7.9, 0.6), madrid: rng.normal(8.7, 0.35), warsaw: rng.normal(8.0, 0.4), dublin: rng.normal(8.9, 0.4) }[site]
    const len = { munich: rng.normal(8.6, 0.5), madrid: rng.normal(9.4, 0.4), warsaw: rng.normal(8.3, 0.3), dublin: rng.normal(8.5, 0.4) }[site]
    const lunch = site === 'madrid' ? rng.normal(14.1, 0.2) : rng.normal(12.2, 0.3)
    const weekdays = rng.chance(0.12) ? [0, 1, 2, 3, 4].filter((x) => x !== rng.pick([2, 4, 0])) : [0, 1, 2, 3, 4]
    const homeDays = style === 'hybrid' ? rng.sample([0, 1, 2, 3, 4], rng.int(1, 3)) : []
    const home = homeIp(country, rng)
    return {
      style, start, len, lunch, weekdays, homeDays, home,
      home2: rng.chance(0.15) ? homeIp(country, rng) : home, dynamicHome: country === 'DE' && rng.chance(0.12),
      vpnAtHome: rng.chance(0.3), evening: rng.chance(0.35) ? rng.range(0.03, 0.14) : 0.005, weekend: rng.chance(0.25) ? rng.range(0.04, 0.15) : 0.004,
      expiryMonday: rng.chance(0.3), intensity: rng.lognormal(1, 0.35), shortFriday: country === 'DE' ? rng.range(-3, -1.5) : country === 'ES' ? rng.range(-3.8, -2.5) : 0,
      absent: new Set(),
    }
  }
  const cases = (lo, hi, k) => Array.from({ length: k }, () => `CL-27-${pad(rng.int(lo, hi), 6)}`)
  const some = (family, k) => Array.from({ length: k }, () => IDS[family](rng))

  const COMMON = ['wiki:pages', 'chat:messages']
  for (const [key, kind] of TEMPLATES) {
    const k = counts.get(key)
    for (let i = 0; i < k; i++) {
      switch (key) {
        case 'claims-de-motor':
        case 'claims-de-property':
        case 'claims-es':
        case 'claims-pl': {
          const site = key === 'claims-es' ? 'madrid' : key === 'claims-pl' ? 'warsaw' : 'munich'
          const lead = i === 0
          const motor = key !== 'claims-de-property'
          const base = { munich: 100000, madrid: 300000, warsaw: 500000 }[site]
          const who = person(site)
          const entitled = ['claims:cases', 'claims:documents', 'claims:payments', 'policy:contracts', 'customers:profiles', 'customers:contacts', 'fraud:scores', 'docs:archive', 'mail:outbox', ...COMMON]
          if (key === 'claims-de-motor') entitled.push('telematics:trips')
          if (lead) entitled.push('hr:absences', 'hr:employees')
          if (rng.chance(0.3)) entitled.push('policy:quotes')
          if (rng.chance(0.2)) entitled.push('dw:queries')
          add(key, kind, {
            site, team: key, segment: 'claims', role: lead ? 'claims-team-lead' : 'claims-handler', entitled,
            profile: `${lead ? 'claims team lead' : 'claims handler'} (${who}), ${SITES[site].city}, ${key === 'claims-de-property' ? 'property' : motor && site === 'munich' ? 'motor' : 'motor & property'}`,
            behaviour: 'person', p: { ...habits(site), tasks: 'claims', lead, motor: key === 'claims-de-motor', caseBase: base }, favs: { 'claims:cases': cases(base, base + 199999, rng.int(40, 120)) },
          })
          break
        }
        case 'adjuster-de':
        case 'adjuster-es': {
          const site = key === 'adjuster-de' ? 'munich' : 'madrid'
          const base = site === 'munich' ? 100000 : 300000
          const who = person(site)
          add(key, kind, {
            site, team: key === 'adjuster-de' ? 'field-de' : 'field-es', segment: 'claims', role: 'field-adjuster',
            entitled: ['claims:cases', 'claims:documents', 'policy:contracts', 'customers:contacts', 'telematics:trips', 'mail:outbox', ...COMMON],
            profile: `field adjuster (${who}), ${site === 'munich' ? 'Bavaria' : 'Madrid region'}, works from the car on mobile networks`,
            behaviour: 'person', p: { ...habits(site, { style: 'field' }), tasks: 'adjuster', caseBase: base }, favs: { 'claims:cases': cases(base, base + 199999, rng.int(15, 40)) },
          })
          break
        }
        case 'uw-de':
        case 'uw-ie': {
          const site = key === 'uw-de' ? 'munich' : 'dublin'
          const who = person(site)
          const entitled = ['policy:quotes', 'policy:contracts', 'customers:profiles', 'dw:queries', 'reinsurance:treaties', 'docs:archive', 'broker:accounts', 'mail:outbox', ...COMMON]
          if (rng.chance(0.5)) entitled.push('claims:cases')
          add(key, kind, {
            site, team: key === 'uw-de' ? 'underwriting-de' : 'underwriting-ie', segment: 'underwriting', role: 'underwriter', entitled,
            profile: `underwriter (${who}), ${SITES[site].city}, ${rng.pick(['commercial property', 'motor fleet', 'SME package', 'liability'])}`,
            behaviour: 'person', p: { ...habits(site), tasks: 'underwriter' }, favs: { 'dw:queries': some('dw:queries', rng.int(4, 12)), 'broker:accounts': some('broker:accounts', rng.int(10, 40)) },
          })
          break
        }
        case 'actuary': {
          const who = person()
          add(key, kind, {
            site: 'munich', team: 'actuarial', segment: 'analytics', role: 'actuary',
            entitled: ['dw:tables', 'dw:queries', 'reinsurance:treaties', 'claims:cases', 'finance:ledger', ...COMMON],
            profile: `actuary (${who}), Munich, ${rng.pick(['non-life reserving', 'pricing', 'capital modelling', 'motor pricing'])}`,
            behaviour: 'person', p: { ...habits('munich'), tasks: 'actuary' }, favs: { 'dw:queries': some('dw:queries', rng.int(6, 20)) },
          })
          break
        }
        case 'contact-es':
        case 'contact-pl': {
          const site = key === 'contact-es' ? 'madrid' : 'warsaw'
          const who = person(site)
          add(key, kind, {
            site, team: key === 'contact-es' ? 'contact-centre-es' : 'contact-centre-pl-de-desk', segment: 'contact-centre', role: 'contact-centre-agent',
            entitled: ['customers:profiles', 'customers:contacts', 'policy:contracts', 'claims:cases', 'mail:outbox', ...COMMON],
            profile: `contact-centre agent (${who}), ${site === 'madrid' ? 'Madrid, Spanish line' : "Warsaw, German-language desk"}, shifts`,
            behaviour: 'person', p: { ...habits(site, { style: 'shift' }), tasks: 'contact', rota: [rng.pick(['early', 'mid', 'late']), rng.pick(['early', 'mid', 'late'])], saturday: rng.int(0, 2) },
          })
          break
        }
        case 'broker-mgr': {
          const who = person('dublin')
          add(key, kind, {
            site: 'dublin', team: 'broker-relations', segment: 'broker', role: 'broker-account-manager',
            entitled: ['broker:accounts', 'broker:commissions', 'policy:contracts', 'policy:quotes', 'customers:profiles', 'mail:outbox', 'dw:queries', ...COMMON],
            profile: `broker account manager (${who}), Dublin, ${rng.int(20, 70)} brokers`,
            behaviour: 'person', p: { ...habits('dublin'), tasks: 'broker' }, favs: { 'broker:accounts': some('broker:accounts', rng.int(20, 70)) },
          })
          break
        }
        case 'finance-de':
        case 'finance-pl': {
          const site = key === 'finance-de' ? 'munich' : 'warsaw'
          const who = person(site)
          const lead = i === 0 && site === 'munich'
          const entitled = ['finance:ledger', 'finance:payments', 'claims:payments', 'reinsurance:bordereaux', 'dw:queries', 'broker:commissions', 'mail:outbox', ...COMMON]
          if (lead) entitled.push('hr:absences', 'hr:employees')
          add(key, kind, {
            site, team: key === 'finance-de' ? 'finance-de' : 'finance-ssc-pl', segment: 'finance', role: lead ? 'finance-controller' : 'accountant', entitled,
            profile: `${lead ? 'financial controller' : 'accountant'} (${who}), ${SITES[site].city}${site === 'warsaw' ? ' shared-service centre' : ''}`,
            behaviour: 'person', p: { ...habits(site), tasks: 'finance' }, favs: { 'dw:queries': some('dw:queries', 6) },
          })
          break
        }
        case 'hr': {
          const site = i === 3 ? 'madrid' : 'munich'
          const payroll = i === 1
          const who = person(site)
          add(key, kind, {
            site, team: 'hr', segment: 'hr', role: payroll ? 'payroll-specialist' : 'hr-partner',
            entitled: ['hr:employees', 'hr:absences', 'hr:payroll', 'mail:outbox', 'docs:archive', ...COMMON],
            profile: `${payroll ? 'payroll specialist' : 'HR business partner'} (${who}), ${SITES[site].city}`,
            behaviour: 'person', p: { ...habits(site), tasks: 'hr', payroll },
          })
          break
        }
        case 'it': {
          const site = i >= 3 ? 'warsaw' : 'munich'
          const who = person(site)
          const lead = i === 0
          const entitled = ['dw:tables', 'claims:cases', 'policy:contracts', 'telematics:devices', 'mail:outbox', ...COMMON]
          if (lead) entitled.push('hr:absences', 'hr:employees')
          add(key, kind, {
            site, team: 'it-ops', segment: 'it', role: lead ? 'it-lead' : 'it-engineer', entitled,
            profile: `${lead ? 'IT operations lead' : 'IT engineer'} (${who}), ${SITES[site].city}, in the on-call rotation`,
            behaviour: 'person', p: { ...habits(site), tasks: 'it' },
          })
          break
        }
        case 'legal': {
          const who = person()
          add(key, kind, {
            site: 'munich', team: 'legal', segment: 'legal', role: 'legal-counsel',
            entitled: ['docs:archive', 'claims:cases', 'claims:documents', 'policy:contracts', 'mail:outbox', ...COMMON],
            profile: `legal counsel (${who}), Munich, litigated claims`,
            behaviour: 'person', p: { ...habits('munich'), tasks: 'legal' },
          })
          break
        }
        case 'siu': {
          const site = i % 2 ? 'madrid' : 'munich'
          const who = person(site)
          add(key, kind, {
            site, team: 'siu', segment: 'risk', role: 'fraud-investigator',
            entitled: ['fraud:investigations', 'fraud:scores', 'claims:cases', 'claims:documents', 'customers:profiles', 'customers:contacts', 'policy:contracts', 'telematics:trips', 'dw:queries', 'docs:archive', ...COMMON],
            profile: `fraud investigator (${who}), special investigations unit, ${SITES[site].city}`,
            behaviour: 'person', p: { ...habits(site), tasks: 'siu' }, favs: { 'fraud:investigations': some('fraud:investigations', rng.int(8, 25)) },
          })
          break
        }
        case 'reins-analyst': {
          const who = person()
          add(key, kind, {
            site: 'munich', team: 'reinsurance', segment: 'reinsurance', role: 'reinsurance-analyst',
            entitled: ['reinsurance:treaties', 'reinsurance:bordereaux', 'dw:queries', 'finance:ledger', 'claims:cases', ...COMMON],
            profile: `reinsurance analyst (${who}), Munich`,
            behaviour: 'person', p: { ...habits('munich'), tasks: 'reins' }, favs: { 'dw:queries': some('dw:queries', 8) },
          })
          break
        }
        case 'product': {
          const who = person()
          add(key, kind, {
            site: 'munich', team: 'product', segment: 'product', role: 'product-manager',
            entitled: ['dw:queries', 'policy:quotes', 'policy:contracts', ...COMMON],
            profile: `product manager (${who}), Munich, motor 2028 tariff`,
            behaviour: 'person', p: { ...habits('munich'), tasks: 'product' }, favs: { 'dw:queries': some('dw:queries', 5) },
          })
          break
        }
        // ---- company agents
        case 'intake-bot': {
          const country = ['DE', 'ES', 'PL'][i % 3]
          add(key, kind, {
            site: { DE: 'munich', ES: 'madrid', PL: 'warsaw' }[country], team: 'claims-platform', segment: 'claims', role: 'claims-intake-bot',
            entitled: ['claims:cases', 'claims:documents', 'customers:profiles', 'policy:contracts', 'mail:outbox'],
            profile: `claims-intake bot (${country}), web/email first notice of loss`, behaviour: 'intake', p: { country, base: { DE: 34, ES: 20, PL: 14 }[country] * rng.range(0.85, 1.15) },
          })
          break
        }
        case 'ocr': {
          const country = ['DE', 'ES', 'PL'][i % 3]
          add(key, kind, {
            site: { DE: 'munich', ES: 'madrid', PL: 'warsaw' }[country], team: 'document-platform', segment: 'claims', role: 'document-classifier',
            entitled: ['claims:documents', 'docs:archive', 'policy:contracts'],
            profile: `document OCR/classifier (${country} claims centre)`, behaviour: 'ocr', p: { country, base: { DE: 34, ES: 20, PL: 14 }[country] * rng.range(2.4, 3.4) },
          })
          break
        }
        case 'fraud-scoring': {
          add(key, kind, {
            site: 'munich', team: 'risk-analytics', segment: 'risk', role: 'fraud-scoring-assistant',
            entitled: ['claims:cases', 'customers:profiles', 'telematics:trips', 'fraud:scores', 'fraud:investigations', 'policy:contracts'],
            profile: `fraud-scoring assistant (${i % 2 ? 'property' : 'motor'} claims)`, behaviour: 'fraudScoring', p: { motor: i % 2 === 0 },
          })
          break
        }
        case 'broker-portal': {
          add(key, kind, {
            site: 'dublin', team: 'broker-portal', segment: 'broker', role: 'broker-portal-assistant',
            entitled: ['broker:accounts', 'broker:commissions', 'policy:contracts', 'policy:quotes', 'customers:profiles'],
            profile: `broker-portal assistant, instance ${i + 1} (v1 single reads; v2 from Tue 28 Sep lists)`, behaviour: 'brokerPortal', p: { base: rng.range(16, 30) },
          })
          break
        }
        case 'chatbot': {
          const country = ['DE', 'ES', 'PL'][i % 3]
          add(key, kind, {
            site: { DE: 'munich', ES: 'madrid', PL: 'warsaw' }[country], team: 'digital-service', segment: 'customer', role: 'customer-chat-bot',
            entitled: ['customers:profiles', 'policy:contracts', 'claims:cases', 'chat:messages', 'claims:documents'],
            profile: `customer chat bot (${country})`, behaviour: 'chatbot', p: { country, base: { DE: 30, ES: 18, PL: 11 }[country] * rng.range(0.8, 1.2) },
          })
          break
        }
        case 'renewal-assistant': {
          const country = ['DE', 'ES', 'IE'][i % 3]
          add(key, kind, {
            site: { DE: 'munich', ES: 'madrid', IE: 'dublin' }[country], team: 'policy-platform', segment: 'policy', role: 'policy-renewal-assistant',
            entitled: ['policy:contracts', 'policy:quotes', 'customers:profiles', 'mail:outbox'],
            profile: `policy-renewal assistant (${country} book)`, behaviour: 'renewalAssistant', p: { base: rng.range(4, 8) },
          })
          break
        }
        case 'payments-assistant': {
          add(key, kind, {
            site: i ? 'warsaw' : 'munich', team: 'finance-systems', segment: 'finance', role: 'payments-assistant',
            entitled: ['claims:payments', 'finance:payments', 'claims:cases', 'customers:contacts'],
            profile: `claims payments assistant (${i ? 'ES/PL' : 'DE'})`, behaviour: 'paymentsAssistant', p: {},
          })
          break
        }
        case 'triage-copilot': {
          const country = ['DE', 'ES', 'PL'][i % 3]
          add(key, kind, {
            site: { DE: 'munich', ES: 'madrid', PL: 'warsaw' }[country], team: 'claims-platform', segment: 'claims', role: 'claims-triage-copilot',
            entitled: ['claims:cases', 'claims:documents', 'fraud:scores', 'policy:contracts', 'claims:payments'],
            profile: `claims-triage copilot in the claims app (${country} centre)`, behaviour: 'triage', p: { country, base: { DE: 28, ES: 20, PL: 15 }[country] * rng.range(0.8, 1.2) },
          })
          break
        }
        case 'uw-copilot': {
          add(key, kind, {
            site: i ? 'dublin' : 'munich', team: 'underwriting-platform', segment: 'underwriting', role: 'underwriting-copilot',
            entitled: ['policy:quotes', 'policy:contracts', 'customers:profiles', 'dw:queries', 'reinsurance:treaties'],
            profile: `underwriting copilot (${i ? 'Dublin pilot, ends Tue 28 Sep' : 'Munich'})`, behaviour: 'uwCopilot', p: { pilot: i === 1 },
          })
          break
        }
        case 'contact-copilot': {
          add(key, kind, {
            site: i ? 'warsaw' : 'madrid', team: 'contact-platform', segment: 'contact-centre', role: 'contact-centre-copilot',
            entitled: ['customers:profiles', 'customers:contacts', 'policy:contracts', 'claims:cases'],
            profile: `contact-centre copilot (${i ? 'Warsaw German desk' : 'Madrid'})`, behaviour: 'contactCopilot', p: { base: rng.range(30, 45) },
          })
          break
        }
        case 'hr-helpdesk':
          add(key, kind, { site: 'munich', team: 'hr-systems', segment: 'hr', role: 'hr-helpdesk-bot', entitled: ['hr:absences', 'hr:employees', 'wiki:pages'], profile: 'HR helpdesk bot (leave requests, self-service)', behaviour: 'helpdesk', p: { hr: true } })
          break
        case 'it-helpdesk':
          add(key, kind, { site: 'munich', team: 'it-ops', segment: 'it', role: 'it-helpdesk-bot', entitled: ['wiki:pages', 'chat:messages', 'telematics:devices', 'hr:employees'], profile: 'IT helpdesk bot (account resets, directory look-ups)', behaviour: 'helpdesk', p: { hr: false } })
          break
        // ---- services
        default: {
          const o = SERVICE_DEFS[key]?.(i, rng)
          if (!o) break
          add(key, kind, { id: svc(o.name), site: 'munich', segment: o.segment, team: o.team, role: o.role ?? key, entitled: o.entitled, profile: o.profile, behaviour: o.behaviour ?? key, p: { ip: dcIp(rng), ...o.p } })
        }
      }
    }
  }

  // Designations (all from the fleet stream, so identical with and without attacks).
  const byKey = (k) => agents.filter((a) => a.key === k)
  const people = agents.filter((a) => a.kind === 'employee')
  const pickFrom = (list, pred = () => true) => {
    const c = list.filter((a) => !a.p.designated && pred(a))
    if (c.length === 0) return undefined
    const a = rng.pick(c)
    a.p.designated = true
    return a
  }
  // New joiner (Munich claims, from Mon 27 Sep).
  const joiner = pickFrom([...byKey('claims-de-motor'), ...byKey('claims-de-property')], (a) => !a.p.lead)
  if (joiner) {
    joiner.p.startAt = at(7, 9.5)
    joiner.p.intensity *= 0.6
    joiner.profile += ', new joiner from Mon 27 Sep (no history)'
    joiner.favs['claims:cases'] = joiner.favs['claims:cases'].slice(0, 15)
  }
  // Lost phone (a DE adjuster), and a replacement assistant with a new identity.
  const lost = pickFrom(byKey('adjuster-de'))
  const notes = { statusChanges: [], grants: [] }
  if (lost) {
    lost.p.lostAt = at(9, 13.6)
    lost.status = { at: at(9, 15.1), status: 'suspended' }
    lost.profile += ', phone lost Wed 29 Sep (assistant suspended)'
    notes.statusChanges.push({ at: lost.status.at, agent: lost.id, status: 'suspended' })
    const r = add('adjuster-de', 'employee', {
      site: 'munich', team: lost.team, segment: lost.segment, role: lost.role, entitled: lost.entitled,
      profile: `replacement assistant of a field adjuster after a lost phone, from Thu 30 Sep (no history)`, behaviour: 'person',
      p: { ...lost.p, absent: new Set(), startAt: at(10, 7.5), lostAt: undefined, designated: true, replacement: true }, favs: lost.favs,
    })
    r.status = undefined
    // Keep the fleet size: the replacement takes the place of the last DE adjuster or another head.
    const drop = agents.findIndex((a) => a.key === 'product' || a.key === 'legal')
    if (agents.length > n && drop >= 0) agents.splice(drop, 1)
  }
  // Leaver (Dublin underwriter, Fri 24 Sep), retries on Monday morning.
  const leaver = pickFrom(byKey('uw-ie').length ? byKey('uw-ie') : byKey('uw-de'))
  if (leaver) {
    leaver.p.quietFrom = at(4, 16.5, leaver.tz)
    leaver.status = { at: at(4, 17.5, leaver.tz), status: 'retired' }
    leaver.p.retries = { at: at(7, 8.3, leaver.tz), code: 'ERR_VC_REVOKED' }
    leaver.profile += ', left the company Fri 24 Sep (assistant retired)'
    leaver.p.pool = 'retired'
    notes.statusChanges.push({ at: leaver.status.at, agent: leaver.id, status: 'retired' })
  }
  // Contract end in the contact centre, Wed 29 Sep.
  const ender = pickFrom([...byKey('contact-es'), ...byKey('contact-pl')])
  if (ender) {
    ender.p.quietFrom = at(9, 12)
    ender.status = { at: at(9, 14), status: 'retired' }
    ender.p.retries = { at: at(10, 7.1), code: 'ERR_VC_REVOKED' }
    ender.profile += ', contract ended Wed 29 Sep (assistant retired)'
    notes.statusChanges.push({ at: ender.status.at, agent: ender.id, status: 'retired' })
  }
  // Long leave from early week 2 (assistant goes quiet; nobody suspends it in the control run).
  const longLeave = Math.max(2, Math.round((6 * n) / 150))
  for (let k = 0; k < longLeave; k++) {
    const a = pickFrom(people, (x) => !['hr', 'it'].includes(x.key) && !x.p.startAt && !x.p.quietFrom)
    if (!a) break
    const d = rng.pick([7, 7, 8, 9])
    a.p.quietFrom = at(d, 5)
    a.p.pool = 'suspended'
    a.profile += `, ${rng.pick(['parental leave', 'sabbatical', 'long sick leave', 'three weeks of holiday'])} from ${['Mon 27', 'Tue 28', 'Wed 29'][d - 7]} Sep`
  }
  // Contractors whose contract ended last Friday: nobody retired their assistants.
  const contractors = Math.max(1, Math.round((2 * n) / 150))
  for (let k = 0; k < contractors; k++) {
    const a = pickFrom(people, (x) => ['uw-de', 'finance-de', 'it', 'claims-es', 'claims-pl', 'actuary'].includes(x.key) && !x.p.quietFrom && !x.p.startAt && !x.p.lead)
    if (!a) break
    a.p.quietFrom = at(4, 15)
    a.p.pool = 'retired'
    a.profile += ', external contractor, contract ended Fri 24 Sep'
  }
  for (const a of agents) if (a.key === 'legacy-ftp-export' || a.key === 'fax-gateway') a.p.pool = 'retired'
  for (const a of agents) if (a.key === 'uw-copilot' && a.p.pilot) a.p.pool = 'suspended'
  // Holidays: days off in both weeks; in week 2 some claims handlers away with a colleague covering.
  for (const a of people) {
    if (rng.chance(0.12)) for (let d = rng.pick([0, 1, 2, 3, 4]), k = rng.int(1, 3); k > 0 && d < 5; d++, k--) a.p.absent.add(d)
    if (rng.chance(0.1)) a.p.absent.add(rng.pick([7, 8, 9, 10, 11]))
  }
  for (const key of ['claims-de-motor', 'claims-de-property', 'claims-es', 'claims-pl']) {
    const team = byKey(key).filter((a) => !a.p.startAt && !a.p.quietFrom)
    if (team.length < 3 || !rng.chance(key === 'claims-es' || key === 'claims-pl' ? 0.85 : 0.6)) continue
    const away = rng.pick(team)
    const cover = rng.pick(team.filter((a) => a !== away))
    const from = rng.pick([7, 8, 9])
    const to = Math.min(11, from + rng.int(2, 4))
    for (let d = from; d <= to; d++) away.p.absent.add(d)
    cover.p.cover = { from, to, cases: away.favs['claims:cases'], ip: null }
    away.profile += `, on holiday ${from === 7 ? 'Mon' : from === 8 ? 'Tue' : 'Wed'}-${['', '', '', '', '', '', '', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri'][to]} of week 2`
    cover.profile += ', covers a colleague\'s cases in week 2'
  }
  // Rota: IT on-call, a different engineer each week.
  const it = byKey('it').filter((a) => !a.p.quietFrom)
  if (it.length >= 2) {
    const [w1, w2] = rng.sample(it, 2)
    w1.p.onCall = 0
    w2.p.onCall = 1
    w2.profile += ', on call in week 2'
  }
  // Grants: the Madrid claims team gets telematics:trips on Tue 28 Sep; SIU gets telematics:devices on Wed 22 Sep.
  for (const a of byKey('claims-es')) {
    const g = at(8, 9.2)
    notes.grants.push({ at: g, agent: a.id, family: 'telematics:trips' })
    a.ent.set('telematics:trips', g)
    a.p.adopt = rng.chance(0.8) ? localDayStart(8 + Math.min(5, Math.floor(rng.exp(1.3))), a.tz) + rng.range(8, 16) * HOUR : Infinity
  }
  for (const a of byKey('siu')) {
    const g = at(2, 10)
    notes.grants.push({ at: g, agent: a.id, family: 'telematics:devices' })
    a.ent.set('telematics:devices', g)
    a.p.adoptDevices = g + rng.range(0.1, 3) * DAY
  }
  // DC migration: cut-over times per service.
  for (const a of agents) {
    if (a.kind !== 'service' || !MIGRATES.has(a.key)) continue
    a.p.cutover = at(MIGRATION_DAY, 2) + rng.range(6, 13) * HOUR
    a.p.cloudIps = rng.sample(NET.newCloud, rng.int(1, 3))
  }
  // Company agents: their app cluster's egress addresses.
  for (const a of agents) if (a.kind === 'company') a.p.ips = rng.sample(NET.appCloud, rng.int(2, 4))
  for (const a of agents) if (a.p.expiryMonday === undefined) a.p.expiryMonday = false
  return { agents, notes }
}

const localDayStart = (d, tz) => START + d * DAY - tz * HOUR
const MIGRATES = new Set(['etl', 'backup', 'archiver', 'bi-reports', 'chat-archiver', 'search-indexer', 'renewal-batch', 'sanctions-screening', 'crm-sync'])

// Services: name, team, segment, entitled families, profile, params.
const SERVICE_DEFS = {
  'actuarial-batch': (i) => ({ name: i ? 'actuarial-life-batch' : 'actuarial-nonlife-batch', team: 'actuarial-it', segment: 'analytics', entitled: ['dw:tables', 'dw:queries', 'reinsurance:treaties'], profile: `nightly actuarial batch (${i ? 'life, weeknights' : 'non-life, every night'})`, p: { life: i === 1 } }),
  'reserving-run': () => ({ name: 'reserving-run', team: 'actuarial-it', segment: 'analytics', entitled: ['dw:queries', 'dw:tables', 'claims:cases', 'finance:ledger', 'reinsurance:treaties'], profile: 'reserving run (weekly flash Sunday night; month-end full run)' }),
  'reinsurance-export': () => ({ name: 'reinsurance-export', team: 'finance-systems', segment: 'reinsurance', entitled: ['reinsurance:treaties', 'reinsurance:bordereaux', 'claims:cases', 'claims:payments'], profile: 'reinsurance bordereaux export (weekly, Friday night; quarterly in week 2)' }),
  etl: (i) => ({ name: `dwh-etl-${['claims', 'policy', 'crm', 'finance'][i % 4]}`, team: 'data-platform', segment: 'analytics', entitled: [...{ 0: ['claims:cases', 'claims:documents', 'claims:payments'], 1: ['policy:contracts', 'policy:quotes'], 2: ['customers:profiles', 'customers:contacts'], 3: ['finance:ledger', 'finance:payments'] }[i % 4], 'dw:tables'], profile: `data-warehouse ETL extractor (${['claims', 'policy', 'crm', 'finance'][i % 4]}), migrates to the cloud Wed 29 Sep`, p: { src: i % 4 } }),
  'mail-sender': () => ({ name: 'mail-sender', team: 'output-management', segment: 'messaging', entitled: ['mail:outbox'], profile: 'email/letters sender, polls the outbox' }),
  'letters-print': () => ({ name: 'letters-print', team: 'output-management', segment: 'messaging', entitled: ['mail:outbox', 'docs:archive'], profile: 'print-letter batch (weekdays 18:30)' }),
  archiver: (i) => ({ name: i ? 'archiver-messages' : 'archiver-claims-docs', team: 'document-platform', segment: 'documents', entitled: i ? ['mail:outbox', 'docs:archive'] : ['claims:documents', 'docs:archive'], profile: `document archiver (${i ? 'sent mail, nightly' : 'closed claims documents, hourly'})`, p: { msgs: i === 1 } }),
  backup: (i) => ({ name: i ? 'backup-exporter-corp' : 'backup-exporter-core', team: 'infrastructure', segment: 'infrastructure', entitled: i ? ['finance:ledger', 'finance:payments', 'hr:employees', 'hr:payroll', 'hr:absences'] : ['claims:cases', 'claims:payments', 'policy:contracts', 'customers:profiles', 'docs:archive'], profile: `backup exporter (${i ? 'finance and HR' : 'core insurance'}), nightly incremental, Saturday full`, p: { corp: i === 1 } }),
  'crm-sync': () => ({ name: 'crm-sync', team: 'crm-platform', segment: 'customer', entitled: ['customers:profiles', 'customers:contacts'], profile: 'CRM sync with the broker CRM (every 5 min)' }),
  'telematics-ingest': () => ({ name: 'telematics-ingest', team: 'telematics', segment: 'telematics', entitled: ['telematics:trips', 'telematics:devices'], profile: 'telematics ingest (trip batches from pay-how-you-drive boxes)' }),
  'telematics-scorer': () => ({ name: 'telematics-scorer', team: 'telematics', segment: 'telematics', entitled: ['telematics:trips', 'telematics:devices', 'dw:tables'], profile: 'telematics driving-score service' }),
  'telematics-workers': () => ({ name: 'telematics-worker', team: 'telematics', segment: 'telematics', entitled: ['telematics:trips', 'telematics:devices'], profile: 'telematics enrichment workers (pods sharing one identity)' }),
  'payments-reconciler': () => ({ name: 'payments-reconciler', team: 'finance-systems', segment: 'finance', entitled: ['finance:payments', 'claims:payments', 'finance:ledger'], profile: 'payments reconciler (bank statements vs payments)' }),
  'claims-workers': () => ({ name: 'claims-worker', team: 'claims-platform', segment: 'claims', entitled: ['claims:cases', 'claims:documents', 'claims:payments', 'mail:outbox'], profile: 'claims async workers (autoscaled pods sharing one identity)' }),
  'commission-run': () => ({ name: 'broker-commission-run', team: 'broker-systems', segment: 'broker', entitled: ['broker:accounts', 'broker:commissions', 'policy:contracts', 'finance:payments'], profile: 'broker commission run (weekly preliminary, month-end final)' }),
  'renewal-batch': () => ({ name: 'renewal-batch', team: 'policy-platform', segment: 'policy', entitled: ['policy:contracts', 'policy:quotes', 'mail:outbox'], profile: 'nightly renewal batch' }),
  'health-checker': () => ({ name: 'health-checker', team: 'infrastructure', segment: 'infrastructure', entitled: ['claims:cases', 'policy:contracts', 'customers:profiles', 'fraud:scores', 'broker:accounts', 'dw:tables', 'finance:ledger', 'docs:archive', 'mail:outbox', 'wiki:pages'], profile: 'synthetic health checks (canary records every 5 min)' }),
  'search-indexer': () => ({ name: 'search-indexer', team: 'collab-platform', segment: 'collab', entitled: ['docs:archive', 'wiki:pages', 'claims:documents'], profile: 'enterprise search indexer' }),
  'gdpr-erasure': () => ({ name: 'gdpr-erasure', team: 'privacy', segment: 'customer', entitled: ['customers:profiles', 'customers:contacts', 'docs:archive'], profile: 'GDPR erasure job (Sunday night)' }),
  'sanctions-screening': () => ({ name: 'sanctions-screening', team: 'compliance', segment: 'customer', entitled: ['customers:profiles', 'broker:accounts'], profile: 'sanctions screening (daily delta, Saturday full)' }),
  'sms-notifier': () => ({ name: 'sms-notifier', team: 'output-management', segment: 'messaging', entitled: ['claims:cases', 'customers:contacts', 'mail:outbox'], profile: 'claim-status SMS notifier' }),
  'bi-reports': (i) => ({ name: i ? 'bi-reports-finance' : 'bi-reports-claims', team: 'data-platform', segment: 'analytics', entitled: ['dw:queries', 'dw:tables', 'mail:outbox'], profile: `BI report generator (${i ? 'finance' : 'claims'}; month-end packs)`, p: { fin: i === 1 } }),
  'chat-archiver': () => ({ name: 'chat-archiver', team: 'collab-platform', segment: 'collab', entitled: ['chat:messages', 'docs:archive'], profile: 'chat archiver (nightly)' }),
  'ledger-poster': () => ({ name: 'ledger-poster', team: 'finance-systems', segment: 'finance', entitled: ['claims:payments', 'finance:ledger', 'finance:payments'], profile: 'ledger poster (claims payments to GL, hourly)' }),
  'sla-monitor': () => ({ name: 'claims-sla-monitor', team: 'claims-platform', segment: 'claims', entitled: ['claims:cases', 'mail:outbox'], profile: 'claims SLA monitor (every 15 min)' }),
  dunning: () => ({ name: 'dunning', team: 'finance-systems', segment: 'finance', entitled: ['finance:ledger', 'mail:outbox', 'customers:contacts'], profile: 'premium dunning run (weekday mornings)' }),
  'fraud-training': () => ({ name: 'fraud-model-training', team: 'risk-analytics', segment: 'risk', entitled: ['dw:tables', 'dw:queries', 'fraud:scores'], profile: 'fraud model training (weekly, Saturday night)' }),
  'payroll-run': () => ({ name: 'payroll-run', team: 'hr-systems', segment: 'hr', entitled: ['hr:payroll', 'hr:employees', 'finance:payments'], profile: 'payroll run (Fri 24 Sep; nightly HR sync; corrections)' }),
  'pricing-engine': () => ({ name: 'pricing-engine', team: 'underwriting-platform', segment: 'policy', entitled: ['policy:quotes', 'dw:tables', 'customers:profiles'], profile: 'pricing engine (quotes from portal and underwriters)' }),
  'legacy-ftp-export': () => ({ name: 'legacy-ftp-export', team: 'policy-platform', segment: 'policy', entitled: ['policy:contracts', 'broker:accounts'], profile: 'legacy FTP export to brokers, switched off after the migration (Wed 29 Sep)' }),
  'fax-gateway': () => ({ name: 'fax-gateway', team: 'output-management', segment: 'messaging', entitled: ['claims:documents', 'claims:cases'], profile: 'fax gateway to repair shops, switched off Tue 28 Sep' }),
}

// ---------------------------------------------------------------------------------------------
// People: days, sessions, tasks.

/** The sessions of a person's day: [{ from, to, ip, rate, kind }]. */
function personSessions(a, rng, d) {
  const p = a.p
  const wd = weekday(d)
  const L = (h) => at(d, h, a.tz)
  const out = []
  const week = d < 7 ? 0 : 1
  const homeAddr = () => (p.vpnAtHome ? rng.pick(NET.vpn) : p.dynamicHome ? homeIp(a.country, rngFor(`${a.id}`, `home-${d}`)) : week ? p.home2 : p.home)
  const day = rng.lognormal(1, 0.22)
  if (p.absent.has(d)) return out
  const push = (from, to, ip, rate, kind = 'work') => {
    if (to - from > 2 * MIN) out.push({ from, to, ip, rate, kind })
  }
  const role = p.tasks
  // Overtime and special days.
  let extend = 0
  let rateF = 1
  let saturday = false
  if (a.country === 'DE' && (role === 'claims' || role === 'adjuster') && d >= 9 && d <= 11) {
    extend = rng.range(1.5, 3.2)
    rateF = 1.35
  }
  if (a.country === 'DE' && (role === 'claims' || role === 'adjuster') && d === 12) saturday = rng.chance(0.55)
  if (role === 'finance') {
    rateF = MONTH_END[d]
    if (d >= 9 && d <= 11) extend = rng.range(0.5, 3)
    if (d === 12) saturday = rng.chance(0.3)
  }
  if ((role === 'actuary' || role === 'reins') && (d === 10 || d === 11)) {
    rateF = 1.5
    extend = rng.range(0, 2)
  }
  if (role === 'broker' && d === 11) rateF = 1.4

  if (p.style === 'shift') {
    const shift = p.rota[week]
    const wdShift = { early: [7, 15], mid: [10, 18], late: [13, 21] }[shift]
    let hours = null
    if (wd < 5 && !(wd === 2 && p.saturday === week + 1)) hours = wdShift
    if (wd === 5 && p.saturday === week + 1) hours = [9, 14]
    if (d === 13 && a.key === 'contact-pl' && rng.chance(0.6)) hours = [10, 16] // storm Sunday opening
    if (!hours) return out
    const s = L(hours[0] + rng.normal(0, 0.08))
    const e = L(hours[1] + rng.normal(0.1, 0.15))
    const brk = L((hours[0] + hours[1]) / 2 + rng.normal(0, 0.5))
    const ip = NET.office[a.site][d % NET.office[a.site].length]
    const stormCalls = a.key === 'contact-pl' ? storm(s + 4 * HOUR) ** 0.6 : 1
    push(s, brk, ip, day * stormCalls)
    push(brk + rng.range(25, 40) * MIN, e, ip, day * stormCalls)
    return out
  }

  if (p.style === 'field') {
    const works = wd < 5 || saturday || (a.country === 'DE' && d === 12 && rng.chance(0.6))
    if (!works) return out
    const stormF = a.country === 'DE' ? storm(L(12)) : 1
    const begin = L(rng.normal(7.6, 0.3))
    // Morning planning from home or the office.
    const office = rng.chance(0.3)
    const plan = office ? NET.office[a.site][0] : homeAddr()
    push(begin, begin + rng.range(20, 50) * MIN, plan, 3 * day, 'plan')
    let t = begin + rng.range(50, 80) * MIN
    const visits = clamp(Math.round(rng.normal(4 * Math.sqrt(stormF), 1)), 1, 10)
    for (let v = 0; v < visits && t < L(19.5); v++) {
      t += rng.range(15, 55) * MIN // driving
      const len = rng.range(20, 60) * MIN
      push(t, t + len, mobileIp(a.country, rng), 5 * day, 'visit')
      t += len
    }
    if (rng.chance(0.55)) {
      const s = Math.max(t + rng.range(20, 60) * MIN, L(16.5))
      push(s, s + rng.range(30, 90) * MIN, homeAddr(), 4 * day, 'report')
    }
    return out
  }

  // Office and hybrid.
  let works = p.weekdays.includes(wd)
  if (wd >= 5) works = saturday
  if (works) {
    const sat = wd >= 5
    let s = sat ? L(rng.normal(9, 0.4)) : L(p.start + rng.normal(wd === 0 ? 0.25 : 0, 0.3))
    let e = sat ? s + rng.range(3, 5) * HOUR : s + (p.len + rng.normal(0, 0.5) + (wd === 4 ? p.shortFriday : 0) + extend) * HOUR
    const atHome = p.style === 'hybrid' && (p.homeDays.includes(wd) !== rng.chance(0.1))
    const ip = atHome || sat ? homeAddr() : rng.pick(NET.office[a.site])
    const lunch = L(p.lunch + rng.normal(0, 0.25))
    const lunchEnd = lunch + rng.range(30, 70) * MIN
    const parts = lunch > s && lunch < e ? [[s, lunch], [lunchEnd, e]] : [[s, e]]
    // Meetings: gaps with almost no requests.
    for (const [x, y] of parts) {
      let cur = x
      const meetings = rng.poisson((y - x) / (3 * HOUR))
      const starts = Array.from({ length: meetings }, () => x + rng() * (y - x)).sort((m, n) => m - n)
      for (const m of starts) {
        if (m <= cur) continue
        push(cur, m, ip, day * rateF)
        cur = m + rng.range(30, 90) * MIN
      }
      if (cur < y) push(cur, y, ip, day * rateF)
    }
    // Monday morning: the credential expired over the weekend; refused, then renewed.
    if (wd === 0 && p.expiryMonday && out.length) out[0].expired = true
    // Occasional evening check-in.
    if (!sat && rng.chance(p.evening)) {
      const x = L(rng.range(19.5, 22.8))
      push(x, x + rng.range(8, 40) * MIN, homeAddr(), 2 * day, 'evening')
    }
  } else if (wd >= 5 && rng.chance(p.weekend)) {
    const x = L(rng.range(9, 22))
    push(x, x + rng.range(10, 50) * MIN, homeAddr(), 2, 'weekend')
  }
  // IT on-call nights.
  if (p.onCall === week) {
    const pages = rng.poisson(wd >= 5 ? 0.9 : 0.45)
    for (let k = 0; k < pages; k++) {
      const x = L(rng.pick([rng.range(0, 6), rng.range(19, 24)]))
      push(x, x + rng.range(10, 60) * MIN, rng.chance(0.6) ? rng.pick(NET.vpn) : homeAddr(), 8, 'incident')
    }
  }
  return out
}

const TASKS = {}

/** Picks a case: own case load, a new case, or (covering) a colleague's. */
function pickCase(c) {
  const a = c.a
  if (c.coverCases && c.rng.chance(0.5)) return c.rng.pick(c.coverCases)
  if (c.rng.chance(0.78)) return c.rng.pick(a.favs['claims:cases'])
  const base = a.p.caseBase ?? 100000
  return `CL-27-${pad(base + 190000 + Math.floor((c.t - START) / (DAY / 700)) - c.rng.int(0, 1500), 6)}`
}

TASKS.claims = [
  [42, (c) => {
    const cs = pickCase(c)
    c.read('claims:cases', cs)
    c.list('claims:documents', size(c.rng, 7, 0.7, 1, 80))
    for (let k = c.rng.int(0, 4); k > 0; k--) c.read('claims:documents')
    if (c.rng.chance(0.6)) c.read('policy:contracts')
    if (c.rng.chance(0.4)) c.read('customers:profiles')
    if (c.rng.chance(0.22)) c.read('fraud:scores', `FS-${cs.slice(6)}`)
    if (c.a.p.motor && c.rng.chance(0.12)) c.read('telematics:trips')
    if (c.a.p.adopt !== undefined && c.t > c.a.p.adopt && c.rng.chance(0.15)) c.req('telematics:trips', c.rng.chance(0.6) ? 'read' : 'list', undefined, c.rng.int(1, 25))
    c.think(c.rng.range(20, 300) * SEC)
    if (c.rng.chance(0.45)) c.update('claims:cases', cs)
    if (c.rng.chance(0.1)) c.write('claims:documents')
    if (c.rng.chance(0.12)) c.write('mail:outbox')
  }],
  [12, (c) => {
    c.search('claims:cases', size(c.rng, 12, 1.1, 0, 250))
    for (let k = c.rng.int(0, 3); k > 0; k--) c.read('claims:cases')
  }],
  [6, (c) => {
    const cs = pickCase(c)
    c.read('claims:cases', cs)
    c.list('claims:payments', c.rng.int(1, 8))
    const over = c.rng.chance(0.04)
    c.req('claims:payments', 'write', undefined, undefined, over ? 'ERR_CONSTRAINT' : undefined)
    if (over && c.rng.chance(0.7)) c.write('claims:payments')
  }],
  [6, (c) => {
    c.read('wiki:pages')
    if (c.rng.chance(0.3)) c.search('wiki:pages', size(c.rng, 6, 0.8, 0, 40))
  }],
  [8, (c) => {
    c.read('customers:contacts')
    c.write('mail:outbox')
  }],
  [5, (c) => {
    c.search('docs:archive', size(c.rng, 6, 1, 0, 60))
    for (let k = c.rng.int(0, 2); k > 0; k--) c.read('docs:archive')
  }],
  [11, (c) => {
    c.list('chat:messages', size(c.rng, 15, 0.6, 1, 80))
    c.write('chat:messages')
  }],
  [0.5, (c) => {
    // Stray: a family the handler may not read (SIU's investigations, HR records...).
    c.read(c.rng.pick(['fraud:investigations', 'fraud:investigations', 'hr:employees', 'finance:payments', 'reinsurance:treaties']))
  }],
  [1.2, (c) => {
    // Team lead: approve payments over the handler's authority; absences; weekly case-load export.
    if (!c.a.p.lead) return c.read('claims:cases', pickCase(c))
    c.list('claims:payments', size(c.rng, 8, 0.6, 1, 40))
    for (let k = c.rng.int(1, 4); k > 0; k--) c.req('claims:payments', 'approve', c.id('claims:payments'))
    if (c.rng.chance(0.3)) c.list('hr:absences', c.rng.int(2, 14))
    if (weekday(localDay(c.t, c.a.tz)) === 4 && c.rng.chance(0.4)) c.exp('claims:cases', size(c.rng, 600, 0.7, 80, 4000))
  }],
]

TASKS.adjuster = [
  [50, (c) => {
    const cs = pickCase(c)
    c.read('claims:cases', cs)
    c.list('claims:documents', size(c.rng, 6, 0.6, 1, 50))
    if (c.rng.chance(0.5)) c.read('policy:contracts')
    if (c.rng.chance(0.25)) c.read('telematics:trips')
    for (let k = size(c.rng, 5, 0.6, 0, 25); k > 0; k--) c.write('claims:documents') // site photos
    c.update('claims:cases', cs)
  }],
  [15, (c) => {
    c.read('customers:contacts')
    if (c.rng.chance(0.5)) c.write('mail:outbox')
  }],
  [12, (c) => {
    c.read('claims:cases', pickCase(c))
    c.think(c.rng.range(30, 200) * SEC)
    c.update('claims:cases')
  }],
  [6, (c) => c.read('wiki:pages')],
  [6, (c) => c.write('chat:messages')],
]

TASKS.underwriter = [
  [40, (c) => {
    const q = c.id('policy:quotes')
    c.read('policy:quotes', q)
    if (c.rng.chance(0.5)) c.read('customers:profiles')
    if (c.rng.chance(0.3)) c.read('broker:accounts')
    if (c.rng.chance(0.35)) c.search('policy:contracts', size(c.rng, 15, 0.9, 0, 150))
    c.think(c.rng.range(60, 600) * SEC)
    if (c.rng.chance(0.6)) c.update('policy:quotes', q)
  }],
  [14, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 400, 1.2, 1, 20000))],
  [8, (c) => c.read('reinsurance:treaties')],
  [8, (c) => c.read('policy:contracts')],
  [6, (c) => c.search('docs:archive', size(c.rng, 5, 1, 0, 40))],
  [8, (c) => c.read('wiki:pages')],
  [10, (c) => c.write('chat:messages')],
  [4, (c) => c.write('mail:outbox')],
  [0.4, (c) => c.read(c.rng.pick(['claims:cases', 'finance:ledger', 'fraud:scores']))],
]

TASKS.actuary = [
  [40, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 8000, 1.4, 10, 900000))],
  [15, (c) => c.list('dw:tables', size(c.rng, 18, 0.3, 5, 60))],
  [6, (c) => c.exp('dw:queries', size(c.rng, 40000, 1.1, 500, 2000000))],
  [6, (c) => c.read('reinsurance:treaties')],
  [5, (c) => c.list('finance:ledger', size(c.rng, 60, 0.8, 5, 800))],
  [4, (c) => c.read('claims:cases')],
  [12, (c) => c.read('wiki:pages')],
  [12, (c) => c.write('chat:messages')],
]

TASKS.contact = [
  [70, (c) => {
    // A call: find the customer, open the policy, maybe the claim.
    const noPurpose = c.rng.chance(0.008)
    c.search('customers:profiles', size(c.rng, 2, 0.8, 0, 25))
    c.req('customers:profiles', 'read', c.id('customers:profiles'), 1, noPurpose ? 'ERR_PURPOSE' : undefined)
    if (c.rng.chance(0.8)) c.read('policy:contracts')
    if (c.rng.chance(c.a.key === 'contact-pl' ? 0.35 * storm(c.t) : 0.35)) c.read('claims:cases')
    c.think(c.rng.range(90, 420) * SEC)
    if (c.rng.chance(0.12)) c.update('customers:contacts')
    if (c.rng.chance(0.15)) c.write('mail:outbox')
  }],
  [8, (c) => c.read('wiki:pages')],
  [6, (c) => c.write('chat:messages')],
  [0.3, (c) => c.read(c.rng.pick(['claims:documents', 'fraud:scores', 'claims:payments']))],
]

TASKS.broker = [
  [30, (c) => {
    c.read('broker:accounts')
    if (c.rng.chance(0.5)) c.search('policy:contracts', size(c.rng, 20, 1, 0, 300))
    if (c.rng.chance(0.3)) c.read('policy:quotes')
  }],
  [14, (c) => {
    const d = localDay(c.t, c.a.tz)
    c.read('broker:commissions', `COM-2027-09-${c.id('broker:accounts').slice(4)}`)
    if (c.rng.chance(d === 11 ? 0.5 : 0.15)) c.list('broker:commissions', size(c.rng, 12, 0.7, 1, 100))
  }],
  [10, (c) => c.read('customers:profiles')],
  [12, (c) => c.write('mail:outbox')],
  [4, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 150, 1, 1, 3000))],
  [8, (c) => c.read('wiki:pages')],
  [12, (c) => c.write('chat:messages')],
  [0.3, (c) => c.read(c.rng.pick(['finance:payments', 'claims:cases']))],
]

TASKS.finance = [
  [25, (c) => {
    c.search('finance:ledger', size(c.rng, 40, 1, 1, 600))
    for (let k = c.rng.int(0, 3); k > 0; k--) c.read('finance:ledger')
  }],
  [15, (c) => {
    c.list('finance:payments', size(c.rng, 25, 0.8, 1, 400))
    if (c.rng.chance(0.4)) c.req('finance:payments', 'approve', c.id('finance:payments'))
    if (c.rng.chance(0.3)) c.update('finance:payments')
  }],
  [10, (c) => c.list('claims:payments', size(c.rng, 30, 0.9, 1, 500))],
  [8, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 500, 1.1, 1, 30000))],
  [4, (c) => c.read('reinsurance:bordereaux')],
  [4, (c) => c.read('broker:commissions')],
  [2, (c) => c.exp('finance:ledger', size(c.rng, 3000 * monthEnd(c.t) ** 2, 0.8, 100, 80000))],
  [6, (c) => c.update('finance:ledger')],
  [6, (c) => c.read('wiki:pages')],
  [12, (c) => c.write('chat:messages')],
  [3, (c) => c.write('mail:outbox')],
  [0.8, (c) => {
    if (!c.a.ent.has('hr:absences')) return c.read('hr:payroll') // stray
    c.list('hr:absences', c.rng.int(1, 10))
  }],
]

TASKS.hr = [
  [35, (c) => {
    c.read('hr:employees')
    if (c.rng.chance(0.4)) c.update('hr:employees')
  }],
  [20, (c) => {
    c.list('hr:absences', size(c.rng, 10, 0.7, 1, 120))
    if (c.rng.chance(0.3)) c.update('hr:absences')
  }],
  [12, (c) => (c.a.p.payroll ? c.list('hr:payroll', size(c.rng, 30, 1, 1, 1500)) : c.search('hr:employees', size(c.rng, 8, 0.9, 0, 200)))],
  [6, (c) => (c.a.p.payroll || c.rng.chance(0.3) ? c.read('hr:payroll') : c.read('hr:employees'))],
  [6, (c) => c.read('docs:archive')],
  [10, (c) => c.write('mail:outbox')],
  [8, (c) => c.read('wiki:pages')],
  [10, (c) => c.write('chat:messages')],
]

TASKS.it = [
  [25, (c) => c.read('wiki:pages')],
  [20, (c) => {
    c.list('chat:messages', size(c.rng, 20, 0.7, 1, 200))
    c.write('chat:messages')
  }],
  [12, (c) => c.list('dw:tables', size(c.rng, 18, 0.4, 1, 60))],
  [8, (c) => c.read(c.rng.pick(['claims:cases', 'policy:contracts']))],
  [6, (c) => c.list('telematics:devices', size(c.rng, 10, 0.8, 1, 200))],
  [4, (c) => c.write('mail:outbox')],
  [1.5, (c) => (c.a.ent.has('hr:absences') ? c.list('hr:absences', c.rng.int(1, 8)) : c.read('customers:profiles'))],
  [0.4, (c) => c.read(c.rng.pick(['customers:profiles', 'finance:ledger', 'docs:archive']))],
]

TASKS.legal = [
  [35, (c) => {
    c.search('docs:archive', size(c.rng, 8, 1, 0, 120))
    for (let k = c.rng.int(1, 4); k > 0; k--) c.read('docs:archive')
  }],
  [25, (c) => {
    c.read('claims:cases')
    c.list('claims:documents', size(c.rng, 12, 0.8, 1, 150))
    for (let k = c.rng.int(0, 3); k > 0; k--) c.read('claims:documents')
  }],
  [10, (c) => c.read('policy:contracts')],
  [10, (c) => c.write('mail:outbox')],
  [10, (c) => c.read('wiki:pages')],
  [10, (c) => c.write('chat:messages')],
]

TASKS.siu = [
  [30, (c) => {
    const inv = c.id('fraud:investigations')
    c.read('fraud:investigations', inv)
    for (let k = c.rng.int(1, 6); k > 0; k--) c.read('claims:cases')
    if (c.rng.chance(0.5)) c.list('claims:documents', size(c.rng, 10, 0.8, 1, 120))
    if (c.rng.chance(0.4)) c.update('fraud:investigations', inv)
  }],
  [15, (c) => c.search('fraud:scores', size(c.rng, 60, 0.9, 1, 800))],
  [10, (c) => {
    c.read('customers:profiles')
    if (c.rng.chance(0.5)) c.read('customers:contacts')
    if (c.rng.chance(0.5)) c.search('policy:contracts', size(c.rng, 4, 1, 0, 40))
  }],
  [8, (c) => c.req('telematics:trips', 'list', undefined, size(c.rng, 20, 0.9, 1, 400))],
  [6, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 300, 1.2, 1, 20000))],
  [3, (c) => c.write('fraud:investigations')],
  [2, (c) => (c.t > (c.a.p.adoptDevices ?? Infinity) ? c.read('telematics:devices') : c.read('claims:cases'))],
  [5, (c) => c.search('docs:archive', size(c.rng, 6, 1, 0, 60))],
  [8, (c) => c.write('chat:messages')],
]

TASKS.reins = [
  [30, (c) => c.read('reinsurance:treaties')],
  [20, (c) => c.list('reinsurance:bordereaux', size(c.rng, 40, 1, 1, 2000))],
  [20, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 2500, 1.2, 10, 200000))],
  [8, (c) => c.list('finance:ledger', size(c.rng, 30, 0.8, 1, 400))],
  [6, (c) => c.read('claims:cases')],
  [8, (c) => c.read('wiki:pages')],
  [8, (c) => c.write('chat:messages')],
]

TASKS.product = [
  [35, (c) => c.req('dw:queries', 'read', c.id('dw:queries'), size(c.rng, 1500, 1.3, 1, 100000))],
  [20, (c) => c.read('policy:quotes')],
  [10, (c) => c.search('policy:contracts', size(c.rng, 30, 1, 0, 400))],
  [20, (c) => c.read('wiki:pages')],
  [15, (c) => c.write('chat:messages')],
]

TASKS.incident = [
  [30, (c) => c.read('wiki:pages', c.rng.pick(['it/oncall', 'it/runbooks/claims-api', 'it/runbooks/dwh', 'it/runbooks/vpn']))],
  [30, (c) => c.write('chat:messages')],
  [20, (c) => c.list('dw:tables', size(c.rng, 18, 0.4, 1, 60))],
  [15, (c) => c.read(c.rng.pick(['claims:cases', 'policy:contracts']))],
  [5, (c) => c.list('telematics:devices', size(c.rng, 10, 0.8, 1, 200))],
]

const TASK_RATE = { claims: 5.5, adjuster: 2, underwriter: 5, actuary: 3, contact: 8, broker: 6, finance: 6, hr: 5, it: 5, legal: 3, siu: 5, reins: 4, product: 3 }

function pickTask(table, rng) {
  let total = 0
  for (const t of table) total += t[0]
  let x = rng() * total
  for (const t of table) if ((x -= t[0]) < 0) return t[1]
  return table[0][1]
}

function runPerson(a, rng, out) {
  const c = context(a, rng, out, benignDeny(a))
  const p = a.p
  const base = TASK_RATE[p.tasks] * p.intensity * a.rate
  for (let d = 0; d < 14; d++) {
    const sessions = personSessions(a, rng, d)
    for (const s of sessions) {
      if (p.startAt !== undefined && s.to <= p.startAt) continue
      if (p.quietFrom !== undefined && s.from >= p.quietFrom) continue
      if (p.lostAt !== undefined && s.from >= p.lostAt) continue
      c.ip = s.ip
      let t = Math.max(s.from, p.startAt ?? -Infinity)
      const to = Math.min(s.to, p.quietFrom ?? Infinity, p.lostAt ?? Infinity)
      const covering = p.cover && d >= p.cover.from && d <= p.cover.to
      c.coverCases = covering ? p.cover.cases : undefined
      if (s.expired) {
        c.t = t
        const fam = p.tasks === 'claims' ? 'claims:cases' : a.entitled[0]
        for (let k = rng.int(1, 3); k > 0; k--) c.req(fam, 'read', c.id(fam), 1, 'ERR_VC_EXPIRED')
        t = c.t + rng.range(20, 120) * SEC
      }
      const table = s.kind === 'incident' ? TASKS.incident : TASKS[p.tasks]
      const rate = (s.kind === 'incident' ? 4 : base * (covering ? 1.25 : 1)) * s.rate
      for (;;) {
        t += rng.exp(HOUR / rate)
        if (t >= to) break
        c.t = t
        pickTask(table, rng)(c)
        t = Math.max(t, c.t)
      }
    }
  }
  // Clients of retired/suspended credentials retrying a few times.
  if (p.retries) {
    c.ip = p.style === 'shift' ? NET.office[a.site][0] : p.home
    c.t = p.retries.at
    const fam = p.tasks === 'claims' || p.tasks === 'contact' ? 'customers:profiles' : a.entitled[0]
    for (let k = rng.int(3, 6); k > 0; k--) {
      c.req(fam, 'read', c.id(fam), 1, p.retries.code)
      c.think(rng.range(5, 200) * SEC)
    }
  }
  if (p.lostAt !== undefined) {
    c.t = a.status.at + rng.range(2, 10) * MIN
    for (let k = rng.int(4, 8); k > 0; k--) {
      c.ip = mobileIp(a.country, rng)
      c.req('claims:cases', 'read', c.id('claims:cases'), 1, 'ERR_VC_SUSPENDED')
      c.think(rng.range(3, 15) * MIN)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Company agents: load-driven jobs in 5-minute slots.

const SLOT = 5 * MIN
/**
 * Jobs arriving at `ratePerHour(t)` (Poisson per 5-minute slot); jobs run concurrently, so each
 * starts at its own time. `burst(t)`: the chance per slot that a backlog is released at once
 * (a mail poller catching up, a queue drained after a hiccup): many jobs in a minute or two.
 */
function slots(a, rng, c, ratePerHour, job, burst) {
  for (let t = START; t < END; t += SLOT) {
    const rate = ratePerHour(t) * a.rate
    let n = rng.poisson((rate * SLOT) / HOUR)
    let width = SLOT
    if (burst && rng.chance(burst(t))) {
      n += Math.round(rate * rng.range(0.4, 0.9))
      width = rng.range(60, 150) * SEC
    }
    if (n === 0) continue
    const times = Array.from({ length: n }, () => t + rng() * width).sort((x, y) => x - y)
    for (const x of times) {
      c.t = x
      job(c, x)
    }
  }
}
const appIp = (c) => c.rng.pick(c.a.p.ips)
const countryTz = { DE: 2, ES: 2, PL: 2, IE: 1 }
const newCase = (country, t, rng) => `CL-27-${pad({ DE: 100000, ES: 300000, PL: 500000 }[country] + 190000 + Math.floor((t - START) / (DAY / 700)) - rng.int(0, 40), 6)}`

const COMPANY = {
  intake(a, rng, c) {
    const { country, base } = a.p
    const tz = countryTz[country]
    slots(a, rng, c, (t) => base * dayShape('customer', t, tz) * (country === 'DE' ? storm(t) : 1), (c, x) => {
      c.ip = appIp(c)
      c.search('customers:profiles', size(rng, 1.5, 0.6, 0, 8))
      c.read('policy:contracts')
      const invalid = rng.chance(0.02)
      c.req('claims:cases', 'write', undefined, undefined, invalid ? 'ERR_CONSTRAINT' : undefined)
      if (invalid) return
      for (let k = size(rng, country === 'DE' && storm(x) > 1 ? 4 : 2.5, 0.6, 0, 15); k > 0; k--) c.write('claims:documents')
      c.write('mail:outbox')
    }, (t) => 0.004 * dayShape('customer', t, tz) * (country === 'DE' ? storm(t) : 1))
  },
  ocr(a, rng, c) {
    const { country, base } = a.p
    const tz = countryTz[country]
    slots(a, rng, c, (t) => base * dayShape('customer', t, tz) * (country === 'DE' ? storm(t) : 1), () => {
      c.ip = appIp(c)
      const doc = c.id('claims:documents')
      c.read('claims:documents', doc)
      c.update('claims:documents', doc)
      if (rng.chance(0.06)) c.read('policy:contracts')
      if (rng.chance(0.04)) c.write('docs:archive')
    })
    // Nightly re-OCR of the backlog.
    for (let d = 0; d < 14; d++) {
      c.t = at(d, 1.5 + rng.range(0, 0.5), tz)
      c.ip = appIp(c)
      for (let k = rng.int(2, 8); k > 0; k--) {
        c.list('claims:documents', size(rng, 200, 0.5, 20, 500))
        c.think(rng.range(30, 240) * SEC)
      }
    }
  },
  fraudScoring(a, rng, c) {
    const { motor } = a.p
    slots(a, rng, c, (t) => 26 * (0.55 * dayShape('customer', t, 2) * storm(t) + 0.45 * dayShape('customer', t, 2)), (c, x) => {
      c.ip = appIp(c)
      const cs = newCase(rng.chance(0.55) ? 'DE' : rng.pick(['ES', 'PL']), x, rng)
      c.read('claims:cases', cs)
      c.read('customers:profiles')
      c.search('claims:cases', size(rng, 2, 1, 0, 30))
      if (motor && rng.chance(0.5)) c.req('telematics:trips', 'list', undefined, size(rng, 6, 0.9, 0, 120))
      if (!motor && rng.chance(0.3)) c.read('policy:contracts')
      c.write('fraud:scores', `FS-${cs.slice(6)}`)
      if (rng.chance(0.025)) c.write('fraud:investigations')
    })
    for (let d = 0; d < 14; d++) {
      c.t = at(d, 2 + rng.range(0, 0.3))
      c.ip = appIp(c)
      for (let k = rng.int(15, 35); k > 0; k--) c.list('claims:cases', 500)
      for (let k = size(rng, 150, 0.4, 40, 500); k > 0; k--) {
        c.update('fraud:scores')
        c.think(rng.range(700, 1500))
      }
    }
  },
  brokerPortal(a, rng, c) {
    slots(a, rng, c, (t) => a.p.base * shape('office', t, 1) * [1, 1, 1, 1, 0.9, 0.08, 0.03][weekday(localDay(t, 1))] * (localDay(t, 1) === 11 ? 1.3 : 1), (c, x) => {
      c.ip = appIp(c)
      const v2 = x >= RELEASE_V2
      c.read('broker:accounts')
      if (!v2) {
        for (let k = size(rng, 3, 0.6, 1, 14); k > 0; k--) c.read('policy:contracts')
        if (rng.chance(0.3)) c.read('policy:quotes')
        if (rng.chance(localDay(x, 1) === 11 ? 0.3 : 0.1)) c.read('broker:commissions')
      } else {
        c.list('policy:contracts', size(rng, 25, 0.7, 1, 100))
        if (rng.chance(0.3)) c.list('policy:quotes', size(rng, 6, 0.6, 1, 30))
        if (rng.chance(localDay(x, 1) === 11 ? 0.3 : 0.1)) c.list('broker:commissions', size(rng, 6, 0.6, 1, 24))
      }
      if (rng.chance(0.15)) c.write('policy:quotes')
      if (rng.chance(0.05)) c.read('customers:profiles')
    })
  },
  chatbot(a, rng, c) {
    const { country, base } = a.p
    slots(a, rng, c, (t) => base * dayShape('customer', t, 2) * (country === 'DE' ? storm(t) ** 0.9 : 1), (c, x) => {
      c.ip = appIp(c)
      c.read('customers:profiles')
      if (rng.chance(0.75)) c.read('policy:contracts')
      if (rng.chance(country === 'DE' && storm(x) > 1 ? 0.7 : 0.35)) c.read('claims:cases')
      for (let k = rng.int(1, 5); k > 0; k--) {
        c.think(rng.range(10, 60) * SEC)
        c.write('chat:messages')
      }
      if (rng.chance(0.04)) {
        c.write('claims:cases')
        c.write('claims:documents')
      }
    }, (t) => 0.002 * dayShape('customer', t, 2) * (country === 'DE' ? storm(t) : 1))
  },
  renewalAssistant(a, rng, c) {
    const tz = a.tz
    slots(a, rng, c, (t) => a.p.base * dayShape('office', t, tz) * (localDay(t, tz) >= 7 && localDay(t, tz) <= 9 ? 1.6 : 1), () => {
      c.ip = appIp(c)
      c.list('policy:contracts', size(rng, 60, 0.6, 5, 300))
      for (let k = rng.int(2, 8); k > 0; k--) {
        c.read('customers:profiles')
        c.write('policy:quotes')
        if (rng.chance(0.7)) c.write('mail:outbox')
      }
    })
  },
  paymentsAssistant(a, rng, c) {
    slots(a, rng, c, (t) => 6 * dayShape('office', t, 2) * monthEnd(t) ** 0.8, () => {
      c.ip = appIp(c)
      c.list('claims:payments', size(rng, 30, 0.7, 1, 300))
      for (let k = rng.int(1, 6); k > 0; k--) {
        const pay = c.id('claims:payments')
        c.read('claims:payments', pay)
        c.update('claims:payments', pay)
        if (rng.chance(0.6)) c.write('finance:payments')
        if (rng.chance(0.08)) c.read('customers:contacts')
      }
    })
  },
  triage(a, rng, c) {
    const { country, base } = a.p
    slots(a, rng, c, (t) => base * dayShape(country === 'ES' ? 'officeES' : 'office', t, 2) * (country === 'DE' ? storm(t) : 1), () => {
      c.ip = appIp(c)
      const cs = c.id('claims:cases')
      c.read('claims:cases', cs)
      c.list('claims:documents', size(rng, 6, 0.6, 1, 60))
      for (let k = rng.int(0, 4); k > 0; k--) c.read('claims:documents')
      if (rng.chance(0.5)) c.read('fraud:scores', `FS-${cs.slice(6)}`)
      if (rng.chance(0.2)) c.read('policy:contracts')
      if (rng.chance(0.05)) c.list('claims:payments', rng.int(0, 6))
      if (rng.chance(0.7)) c.update('claims:cases', cs)
    })
  },
  uwCopilot(a, rng, c) {
    const end = a.p.pilot ? at(8, 12, a.tz) : END
    slots(a, rng, c, (t) => (t < end ? 9 * dayShape('office', t, a.tz) : 0), () => {
      c.ip = appIp(c)
      c.read('policy:quotes')
      c.read('customers:profiles')
      c.req('dw:queries', 'read', c.id('dw:queries'), size(rng, 300, 1, 1, 8000))
      if (rng.chance(0.2)) c.search('policy:contracts', size(rng, 25, 0.8, 0, 200))
      if (rng.chance(0.2)) c.read('reinsurance:treaties')
    })
  },
  contactCopilot(a, rng, c) {
    const pl = a.site === 'warsaw'
    slots(a, rng, c, (t) => {
      const d = localDay(t, 2)
      const h = localHour(t, 2)
      if (pl && d === 13 && h >= 10 && h < 16) return a.p.base * 0.7
      return a.p.base * dayShape('contact', t, 2) * (pl ? storm(t) ** 0.6 : 1)
    }, () => {
      c.ip = appIp(c)
      c.search('customers:profiles', size(rng, 2, 0.8, 0, 25))
      c.read('customers:profiles')
      c.read('policy:contracts')
      if (rng.chance(0.45)) c.read('claims:cases')
      if (rng.chance(0.06)) c.read('customers:contacts')
    })
  },
  helpdesk(a, rng, c) {
    slots(a, rng, c, (t) => 10 * dayShape('office', t, 2), () => {
      c.ip = appIp(c)
      if (a.p.hr) {
        c.read('hr:absences')
        if (rng.chance(0.3)) c.write('hr:absences')
        if (rng.chance(0.2)) c.read('hr:employees')
        if (rng.chance(0.3)) c.read('wiki:pages', 'hr/leave-policy')
      } else {
        c.search('wiki:pages', size(rng, 8, 0.7, 0, 40))
        c.read('wiki:pages')
        c.write('chat:messages')
        if (rng.chance(0.05)) c.read('telematics:devices')
        if (rng.chance(0.12)) c.read('hr:employees')
      }
    })
  },
}

// ---------------------------------------------------------------------------------------------
// Services: schedules and continuous loops.

function svcIp(a, rng, t) {
  if (a.p.cutover !== undefined && t >= a.p.cutover) return rng.pick(a.p.cloudIps)
  return a.p.ip
}
/** Runs `fn` at local hour `h` (+- jitter minutes) on the days `days` (array). */
function daily(a, rng, c, days, h, jitterMin, fn) {
  for (const d of days) {
    c.t = at(d, h, 2) + rng.range(0, jitterMin) * MIN
    if (c.t >= END) continue
    c.ip = svcIp(a, rng, c.t)
    fn(d)
  }
}
const ALL_DAYS = [...Array(14).keys()]
const WEEKDAYS = ALL_DAYS.filter((d) => weekday(d) < 5)
/** Every `periodMin` minutes with the given activity (0..1 skips). */
function every(a, rng, c, periodMin, fn, jitterSec = 20) {
  for (let t = START + rng.range(0, periodMin) * MIN; t < END; t += periodMin * MIN) {
    c.t = t + rng.range(0, jitterSec) * SEC
    c.ip = svcIp(a, rng, c.t)
    fn(t)
  }
}
const claimsActivity = (t) => 0.5 * dayShape('office', t, 2) * storm(t) + 0.3 * dayShape('office', t, 2) + 0.2 * dayShape('officeES', t, 2)
const pages = (c, family, total, pageSize, action = 'list') => {
  for (let left = Math.round(total); left > 0; left -= pageSize) c.req(family, action, undefined, Math.min(pageSize, left))
}

const SERVICE_RUN = {
  'actuarial-batch'(a, rng, c) {
    daily(a, rng, c, a.p.life ? ALL_DAYS.filter((d) => weekday(d) < 5) : ALL_DAYS, 0.75, 40, (d) => {
      const heavy = d === 10 || d === 11 ? 1.6 : 1
      c.list('dw:tables', DW_TABLES.length)
      for (let k = Math.round(rng.int(15, 35) * heavy); k > 0; k--) {
        c.req('dw:queries', 'read', c.id('dw:queries'), size(rng, 80000, 0.6, 1000, 900000))
        c.think(rng.range(60, 400) * SEC)
      }
      for (let k = rng.int(3, 8); k > 0; k--) c.write('dw:tables', rng.pick(DW_TABLES))
      if (rng.chance(0.3)) c.read('reinsurance:treaties')
    })
  },
  'reserving-run'(a, rng, c) {
    // Weekly flash: Sunday 22:00.
    daily(a, rng, c, [6, 13], 22, 20, () => {
      for (let k = rng.int(30, 60); k > 0; k--) {
        c.req('dw:queries', 'read', c.id('dw:queries'), size(rng, 60000, 0.7, 2000, 400000))
        c.think(rng.range(20, 120) * SEC)
      }
      for (let k = rng.int(20, 50); k > 0; k--) c.write('finance:ledger')
      c.write('dw:tables', 'claims_reserve_fact')
    })
    // Month-end (and quarter-end) full runs: nights of Thu 30 Sep and Fri 1 Oct.
    daily(a, rng, c, [10, 11], 23, 30, () => {
      for (let k = rng.int(200, 380); k > 0; k--) {
        c.req('dw:queries', 'read', c.id('dw:queries'), size(rng, 70000, 0.8, 2000, 900000))
        c.think(rng.range(10, 60) * SEC)
      }
      for (let k = rng.int(3, 5); k > 0; k--) c.exp('claims:cases', size(rng, 300000, 0.3, 100000, 600000))
      for (let k = rng.int(15, 30); k > 0; k--) c.read('reinsurance:treaties')
      for (let k = rng.int(150, 300); k > 0; k--) c.write('finance:ledger')
      for (let k = rng.int(4, 10); k > 0; k--) c.write('dw:tables', rng.pick(DW_TABLES))
    })
  },
  'reinsurance-export'(a, rng, c) {
    daily(a, rng, c, [4, 11], 21, 30, (d) => {
      const q = d === 11 ? 3 : 1
      for (let k = rng.int(10, 20); k > 0; k--) c.read('reinsurance:treaties')
      pages(c, 'claims:cases', rng.int(10000, 25000) * q, 1000)
      if (d === 11) pages(c, 'claims:payments', rng.int(20000, 40000), 1000)
      for (let k = rng.int(2, 4) * q; k > 0; k--) c.exp('reinsurance:bordereaux', size(rng, 30000, 0.4, 5000, 120000))
      if (d === 11) for (let k = rng.int(4, 12); k > 0; k--) c.write('reinsurance:bordereaux')
    })
  },
  etl(a, rng, c) {
    const src = a.p.src
    const fams = [['claims:cases', 'claims:documents', 'claims:payments'], ['policy:contracts', 'policy:quotes'], ['customers:profiles', 'customers:contacts'], ['finance:ledger', 'finance:payments']][src]
    const vol = [[2500, 9000, 700], [3000, 1500], [2000, 1200], [5000, 900]][src]
    daily(a, rng, c, ALL_DAYS, 1.5 + src * 0.5, 25, (d) => {
      const prev = d - 1
      const storming = src === 0 && prev >= 8 && prev <= 12 ? [1, 1, 2.6, 2.6, 1.7, 1.4, 1.2][prev - 7] ?? 1 : 1
      const closing = src === 3 ? MONTH_END[Math.max(0, prev)] : 1
      const weekendLow = weekday(prev) >= 5 ? 0.35 : 1
      fams.forEach((f, i) => pages(c, f, size(rng, vol[i] * storming * closing * weekendLow, 0.25, 50, 200000), 1000))
      for (let k = rng.int(4, 12); k > 0; k--) c.write('dw:tables', rng.pick(DW_TABLES))
    })
    // Claims extractor: hourly micro-batches in the day.
    if (src === 0)
      every(a, rng, c, 60, (t) => {
        const h = localHour(t, 2)
        if (h < 7 || h > 20) return
        c.list('claims:cases', size(rng, 120 * claimsActivity(t) + 5, 0.4, 0, 2000))
        c.write('dw:tables', 'claims_fact')
      }, 120)
    // Finance extractor: extra intraday loads at month end.
    if (src === 3) daily(a, rng, c, [9, 10, 11], 12.5, 30, () => pages(c, 'finance:ledger', rng.int(3000, 9000), 1000))
  },
  'mail-sender'(a, rng, c) {
    every(a, rng, c, 2, (t) => {
      const n = rng.poisson(10 * (0.7 * dayShape('customer', t, 2) * (0.6 + 0.4 * storm(t)) + 0.05))
      c.list('mail:outbox', n)
      for (let k = Math.min(n, 8); k > 0; k--) c.update('mail:outbox')
    }, 10)
  },
  'letters-print'(a, rng, c) {
    daily(a, rng, c, WEEKDAYS, 18.5, 20, (d) => {
      const n = size(rng, 900 * (a.p.x ?? 1) * (d >= 9 && d <= 11 ? 1.8 : 1), 0.4, 50, 8000)
      pages(c, 'mail:outbox', n, 500)
      c.exp('mail:outbox', n)
      if (rng.chance(0.5)) c.write('docs:archive')
    })
  },
  archiver(a, rng, c) {
    if (a.p.msgs) {
      daily(a, rng, c, ALL_DAYS, 2.5, 30, () => {
        const n = size(rng, 3000, 0.4, 200, 20000)
        pages(c, 'mail:outbox', n, 500)
        for (let k = Math.ceil(n / 250); k > 0; k--) c.write('docs:archive')
      })
      return
    }
    every(a, rng, c, 60, (t) => {
      const n = size(rng, 150 * (0.3 + claimsActivity(t)), 0.5, 0, 1500)
      c.list('claims:documents', n)
      for (let k = Math.ceil(n / 25); k > 0; k--) {
        c.write('docs:archive')
        c.del('claims:documents')
      }
    }, 300)
  },
  backup(a, rng, c) {
    const fams = a.p.corp ? ['finance:ledger', 'finance:payments', 'hr:employees', 'hr:payroll', 'hr:absences'] : ['claims:cases', 'claims:payments', 'policy:contracts', 'customers:profiles', 'docs:archive']
    const full = a.p.corp ? [400000, 150000, 6200, 6200, 30000] : [900000, 300000, 2600000, 1900000, 5000000]
    daily(a, rng, c, ALL_DAYS, 23.5, 15, (d) => {
      const sat = weekday(d) === 5
      fams.forEach((f, i) => {
        const n = sat || (a.p.corp && f.startsWith('hr:')) ? full[i] : size(rng, full[i] * 0.004, 0.4, 10, full[i])
        c.exp(f, Math.round(n * rng.range(0.98, 1.02)))
        c.think(rng.range(2, 30) * MIN)
      })
    })
  },
  'crm-sync'(a, rng, c) {
    every(a, rng, c, 5, (t) => {
      const n = rng.poisson(25 * dayShape('office', t, 2) + 0.5)
      c.list('customers:profiles', n)
      for (let k = Math.min(n, 10); k > 0; k--) c.update('customers:profiles')
      if (n > 0 && rng.chance(0.4)) c.update('customers:contacts')
    }, 40)
  },
  'telematics-ingest'(a, rng, c) {
    every(a, rng, c, 1, (t) => {
      for (let k = rng.poisson(4 * dayShape('driving', t, 2)); k > 0; k--) c.write('telematics:trips')
    }, 50)
    every(a, rng, c, 60, () => c.list('telematics:devices', size(rng, 30, 0.6, 0, 300)), 300)
  },
  'telematics-scorer'(a, rng, c) {
    every(a, rng, c, 10, (t) => {
      c.list('telematics:trips', size(rng, 600 * dayShape('driving', t, 2) + 20, 0.3, 0, 5000))
      for (let k = rng.int(0, 3); k > 0; k--) c.update('telematics:devices')
    }, 60)
    daily(a, rng, c, ALL_DAYS, 4, 30, () => c.write('dw:tables', 'telematics_agg'))
  },
  'telematics-workers'(a, rng, c) {
    const pods = Array.from({ length: 6 }, () => podIp(rng))
    slots(a, rng, c, (t) => 70 * dayShape('driving', t, 2) + 3, (c, x) => {
      if (rng.chance(0.002)) pods[rng.int(0, pods.length - 1)] = podIp(rng)
      const live = 2 + Math.round(4 * dayShape('driving', x, 2))
      c.ip = x >= (a.p.cutover ?? Infinity) ? rng.pick(a.p.cloudIps) : pods[rng.int(0, live - 1)]
      const trip = c.id('telematics:trips')
      c.read('telematics:trips', trip)
      c.update('telematics:trips', trip)
    })
  },
  'payments-reconciler'(a, rng, c) {
    every(a, rng, c, 15, (t) => {
      const h = localHour(t, 2)
      const d = localDay(t, 2)
      const busy = weekday(d) < 5 && h >= 6 && h < 22
      if (!busy && rng.chance(0.75)) return
      const m = MONTH_END[d] ?? 1
      c.list('finance:payments', size(rng, 80 * m, 0.7, 0, 3000))
      c.list('claims:payments', size(rng, 50 * m, 0.7, 0, 2000))
      for (let k = rng.poisson(2 * m); k > 0; k--) c.update('finance:payments')
      if (rng.chance(0.2)) c.read('finance:ledger')
    }, 60)
  },
  'claims-workers'(a, rng, c) {
    let pods = Array.from({ length: 12 }, () => podIp(rng))
    let lastDay = -1
    slots(a, rng, c, (t) => 150 * claimsActivity(t) + 6, (c, x) => {
      const d = localDay(x, 2)
      if (d !== lastDay) {
        lastDay = d
        pods = pods.map((ip) => (rng.chance(0.4) ? podIp(rng) : ip))
      }
      const live = clamp(Math.round(3 + 7 * claimsActivity(x)), 2, pods.length)
      c.ip = pods[rng.int(0, live - 1)]
      const cs = c.id('claims:cases')
      c.read('claims:cases', cs)
      for (let k = rng.int(0, 3); k > 0; k--) c.read('claims:documents')
      c.update('claims:cases', cs)
      if (rng.chance(0.3)) c.write('mail:outbox')
      if (rng.chance(0.08)) c.update('claims:payments')
    })
  },
  'commission-run'(a, rng, c) {
    const run = (brokers, final) => {
      pages(c, 'broker:accounts', 820, 200)
      for (let b = 0; b < brokers; b++) {
        const id = `BRK-${pad(rng.int(1, 820), 4)}`
        c.req('policy:contracts', 'search', undefined, size(rng, 60, 1, 1, 3000))
        c.write('broker:commissions', `COM-2027-09-${id.slice(4)}`)
      }
      c.exp('broker:commissions', brokers)
      if (final) for (let k = Math.round(brokers / 2); k > 0; k--) c.write('finance:payments')
    }
    for (const d of [4]) {
      c.t = at(d, 20, 1) + rng.range(0, 20) * MIN
      c.ip = svcIp(a, rng, c.t)
      run(rng.int(120, 220), false)
    }
    c.t = at(10, 23, 1) + rng.range(0, 20) * MIN
    c.ip = svcIp(a, rng, c.t)
    run(rng.int(700, 820), true)
  },
  'renewal-batch'(a, rng, c) {
    daily(a, rng, c, ALL_DAYS, 3.5, 20, (d) => {
      const n = size(rng, (d >= 6 && d <= 9 ? 2200 : 900) * (weekday(d) >= 5 ? 0.5 : 1), 0.3, 50, 8000)
      pages(c, 'policy:contracts', n, 500)
      for (let k = Math.ceil(n / 50); k > 0; k--) c.write('policy:quotes')
      for (let k = Math.ceil(n / 100); k > 0; k--) c.write('mail:outbox')
    })
  },
  'health-checker'(a, rng, c) {
    const fams = a.entitled
    every(a, rng, c, 5, () => {
      for (const f of fams) c.req(f, 'read', f === 'dw:tables' ? 'fx_rates' : f === 'wiki:pages' ? 'it/oncall' : 'CANARY-0001', 1)
    }, 5)
  },
  'search-indexer'(a, rng, c) {
    every(a, rng, c, 10, (t) => {
      c.list('docs:archive', rng.poisson(40 * dayShape('office', t, 2) + 1))
      c.list('wiki:pages', rng.poisson(3 * dayShape('office', t, 2)))
      c.list('claims:documents', rng.poisson(90 * claimsActivity(t) + 2))
    }, 60)
  },
  'gdpr-erasure'(a, rng, c) {
    daily(a, rng, c, [6, 13], 3, 20, () => {
      const n = rng.int(5, 40)
      c.search('customers:profiles', n)
      for (let k = 0; k < n; k++) {
        const id = c.id('customers:profiles')
        c.del('customers:contacts', id)
        c.update('customers:profiles', id)
        for (let j = rng.int(0, 3); j > 0; j--) c.del('docs:archive')
      }
    })
  },
  'sanctions-screening'(a, rng, c) {
    daily(a, rng, c, ALL_DAYS, 5, 20, (d) => {
      const full = weekday(d) === 5
      pages(c, 'customers:profiles', full ? 1900000 : size(rng, 45000, 0.2, 5000, 200000), 1000)
      c.list('broker:accounts', 820)
    })
  },
  'sms-notifier'(a, rng, c) {
    slots(a, rng, c, (t) => 28 * (0.6 * dayShape('customer', t, 2) * storm(t) + 0.4 * dayShape('customer', t, 2)) * (localHour(t, 2) < 8 || localHour(t, 2) > 21 ? 0.1 : 1), () => {
      c.ip = svcIp(a, rng, c.t)
      c.read('claims:cases')
      c.read('customers:contacts')
      c.write('mail:outbox')
    })
  },
  'bi-reports'(a, rng, c) {
    daily(a, rng, c, WEEKDAYS, 6, 20, (d) => {
      const me = a.p.fin && d >= 10 ? 3 : d === 11 ? 2 : 1
      for (let k = rng.int(10, 25) * me; k > 0; k--) c.req('dw:queries', 'read', c.id('dw:queries'), size(rng, 4000, 1.1, 10, 300000))
      for (let k = rng.int(2, 5) * me; k > 0; k--) c.exp('dw:queries', size(rng, 12000, 0.9, 200, 400000))
      for (let k = rng.int(5, 20); k > 0; k--) c.write('mail:outbox')
    })
  },
  'chat-archiver'(a, rng, c) {
    daily(a, rng, c, ALL_DAYS, 1, 20, (d) => {
      const n = size(rng, weekday(d) >= 5 ? 1500 : 7000, 0.3, 100, 40000)
      pages(c, 'chat:messages', n, 1000)
      for (let k = Math.ceil(n / 2000); k > 0; k--) c.write('docs:archive')
    })
  },
  'ledger-poster'(a, rng, c) {
    every(a, rng, c, 20, (t) => {
      const d = localDay(t, 2)
      const h = localHour(t, 2)
      const me = (MONTH_END[d] ?? 1) > 1.4
      if (weekday(d) >= 5 || h < 7 || h > 20) return
      if (!me && Math.floor(h * 3) % 3 !== 0) return // hourly, every 20 min at month end
      const n = size(rng, 40 * (MONTH_END[d] ?? 1), 0.7, 0, 800)
      c.list('claims:payments', n)
      for (let k = Math.ceil(n / 40); k > 0; k--) c.write('finance:ledger')
      if (me && rng.chance(0.5)) c.list('finance:payments', size(rng, 100, 0.6, 1, 1000))
    }, 60)
  },
  'sla-monitor'(a, rng, c) {
    every(a, rng, c, 15, (t) => {
      c.search('claims:cases', size(rng, 60 * (0.5 + storm(t)), 0.4, 0, 3000))
      if (localHour(t, 2) > 8 && localHour(t, 2) < 18 && weekday(localDay(t, 2)) < 5) for (let k = rng.poisson(1); k > 0; k--) c.write('mail:outbox')
    }, 30)
  },
  dunning(a, rng, c) {
    daily(a, rng, c, WEEKDAYS, 7, 20, () => {
      c.list('finance:ledger', size(rng, 1200, 0.5, 100, 8000))
      for (let k = rng.int(5, 30); k > 0; k--) c.write('mail:outbox')
      for (let k = rng.int(0, 6); k > 0; k--) c.read('customers:contacts')
      for (let k = rng.int(1, 8); k > 0; k--) c.update('finance:ledger')
    })
  },
  'fraud-training'(a, rng, c) {
    daily(a, rng, c, [5, 12], 2, 30, () => {
      for (let k = rng.int(3, 6); k > 0; k--) c.exp('dw:tables', size(rng, 2500000, 0.15, 1000000, 4000000))
      for (let k = rng.int(5, 15); k > 0; k--) c.req('dw:queries', 'read', c.id('dw:queries'), size(rng, 50000, 0.5, 1000, 500000))
      c.write('dw:tables', 'claims_fact')
      c.update('fraud:scores', 'model-config')
    })
  },
  'payroll-run'(a, rng, c) {
    daily(a, rng, c, ALL_DAYS, 4, 20, () => c.list('hr:employees', rng.poisson(6)))
    daily(a, rng, c, [4], 6, 20, () => {
      pages(c, 'hr:payroll', 6200, 500)
      pages(c, 'hr:employees', 6200, 1000)
      for (let k = 124; k > 0; k--) c.write('finance:payments')
      c.exp('hr:payroll', 6200)
    })
    daily(a, rng, c, [10], 10, 60, () => {
      for (let k = rng.int(5, 20); k > 0; k--) c.read('hr:payroll')
      for (let k = rng.int(1, 5); k > 0; k--) c.write('finance:payments')
    })
  },
  'pricing-engine'(a, rng, c) {
    slots(a, rng, c, (t) => 70 * dayShape('office', t, 2) + 1, () => {
      c.ip = svcIp(a, rng, c.t)
      const q = c.id('policy:quotes')
      c.read('policy:quotes', q)
      c.req('dw:tables', 'read', rng.pick(['rating_motor', 'rating_property']), size(rng, 20, 0.8, 1, 300))
      if (rng.chance(0.15)) c.read('customers:profiles')
      c.update('policy:quotes', q)
    })
  },
  'legacy-ftp-export'(a, rng, c) {
    daily(a, rng, c, ALL_DAYS.filter((d) => d <= 9), 4, 15, () => {
      c.list('broker:accounts', 820)
      for (let k = rng.int(2, 5); k > 0; k--) c.exp('policy:contracts', size(rng, 1200, 0.5, 100, 6000))
    })
  },
  'fax-gateway'(a, rng, c) {
    slots(a, rng, c, (t) => (t < at(8, 10) ? 2.5 * dayShape('office', t, 2) : 0), () => {
      c.ip = a.p.ip
      c.read('claims:cases')
      for (let k = rng.int(1, 3); k > 0; k--) c.read('claims:documents')
    })
  },
}

/** A service's loop: sets the IP per request time for slot-driven ones too. */
function runService(a, rng, out) {
  const c = context(a, rng, out, benignDeny(a))
  c.ip = a.p.ip
  SERVICE_RUN[a.behaviour](a, rng, c)
}

/** Rate limits: requests beyond a per-minute quota per verifier are refused, then retried. */
const RATE_LIMIT = { company: 45, service: 400, employee: 60 }
function applyRateLimit(a, events, rng) {
  const limit = RATE_LIMIT[a.kind]
  const counts = new Map()
  const retried = []
  for (const e of events) {
    const k = `${Math.floor(e.at / MIN)}|${e.verifier}`
    const n = (counts.get(k) ?? 0) + 1
    counts.set(k, n)
    if (n > limit && e.decision === 'allow' && a.kind !== 'service') {
      const again = { ...e, at: Math.min(END - 1, (Math.floor(e.at / MIN) + 1) * MIN + rng.int(500, 20000)) }
      e.decision = 'deny'
      delete e.records
      const { at: at0, agent, decision, resource, action, ip, segment, verifier } = e
      Object.keys(e).forEach((x) => delete e[x])
      Object.assign(e, { at: at0, agent, decision, code: 'ERR_RATE_LIMITED', resource, action, ip, segment, verifier })
      retried.push(again)
    }
  }
  return retried.length ? [...events, ...retried].sort((x, y) => x.at - y.at) : events
}

function benignEvents(seed, a) {
  const rng = rngFor(seed, `agent:${a.id}`)
  const out = []
  if (a.behaviour === 'person') runPerson(a, rng, out)
  else if (COMPANY[a.behaviour]) {
    const c = context(a, rng, out, benignDeny(a))
    COMPANY[a.behaviour](a, rng, c)
  } else runService(a, rng, out)
  out.sort((x, y) => x.at - y.at)
  return applyRateLimit(a, out, rngFor(seed, `ratelimit:${a.id}`))
}

// ---------------------------------------------------------------------------------------------
// Attacks.

/** What an agent's own traffic looks like (from its benign events). */
function habitsOf(a, events) {
  const hist = events.filter((e) => e.at < EVAL_FROM && e.decision === 'allow')
  const week2 = events.filter((e) => e.at >= EVAL_FROM && e.decision === 'allow')
  const fams = new Map()
  const ips = new Map()
  const hours = new Map()
  let night = 0
  let weekend = 0
  for (const e of hist) {
    const f = e.resource.split('/')[0]
    let x = fams.get(f)
    if (!x) fams.set(f, (x = { n: 0, actions: new Map(), records: [] }))
    x.n++
    x.actions.set(e.action, (x.actions.get(e.action) ?? 0) + 1)
    if (e.records !== undefined) x.records.push(e.records)
    ips.set(e.ip, (ips.get(e.ip) ?? 0) + 1)
    const hk = Math.floor(e.at / HOUR)
    hours.set(hk, (hours.get(hk) ?? 0) + 1)
    const h = localHour(e.at, a.tz)
    if (h < 6 || h >= 22) night++
    if (weekday(localDay(e.at, a.tz)) >= 5) weekend++
  }
  const maxHour = Math.max(0, ...hours.values())
  const topIp = [...ips.entries()].sort((x, y) => y[1] - x[1])[0]?.[0]
  return { hist, week2, fams, ips, maxHour, night, weekend, topIp }
}

const q = (arr, p) => {
  if (arr.length === 0) return 1
  const s = [...arr].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]
}

/** Samples a request like one of the agent's own (family, action, size) from its history. */
function likeOwn(rng, h) {
  const e = rng.pick(h.hist)
  const family = e.resource.split('/')[0]
  const hasId = e.resource.includes('/')
  return { family, action: e.action, records: e.records, hasId }
}

function planAttacks(seed, fleet, benign) {
  const rng = rngFor(seed, 'attacks')
  const per = Math.max(1, Math.round((3 * fleet.length) / 150))
  const habits = new Map()
  const H = (a) => {
    if (!habits.has(a.id)) habits.set(a.id, habitsOf(a, benign.get(a.id)))
    return habits.get(a.id)
  }
  const used = new Set()
  const busy = (a) => H(a).hist.length >= 40 && H(a).week2.length >= 20
  const normal = (a) => !a.p.pool && !a.p.startAt && !a.status && !a.p.designated && busy(a)
  const eligible = {
    'suspended-in-use': (a) => a.p.pool === 'suspended' && !a.status && H(a).hist.length >= 30,
    'retired-in-use': (a) => a.p.pool === 'retired' && !a.status && H(a).hist.length >= 10,
    'claims-payment-fraud': (a) => normal(a) && a.ent.has('claims:payments') && ['claims-handler', 'claims-team-lead', 'payments-assistant', 'claims-triage-copilot'].includes(a.role),
    'policy-harvest': (a) => normal(a) && a.ent.has('policy:contracts') && a.ent.has('customers:profiles') && ['contact-centre-agent', 'broker-account-manager', 'broker-portal-assistant', 'customer-chat-bot', 'underwriter', 'contact-centre-copilot', 'claims-handler'].includes(a.role),
    'off-hours-use': (a) => normal(a) && a.kind !== 'service' && H(a).night === 0 && H(a).weekend <= 2 && a.p.style !== 'shift',
    'hr-grab': (a) => normal(a) && a.segment !== 'hr' && a.kind !== 'service',
    'two-networks': (a) => normal(a) && a.kind !== 'service' && a.p.style !== 'field',
    'slow-exfiltration': (a) => normal(a) && [...H(a).fams.values()].some((x) => x.records.length >= 25),
    'bulk-read': (a) => normal(a) && [...H(a).fams.values()].some((x) => x.records.length >= 10),
    'new-action': (a) => normal(a) && [...H(a).fams.values()].some((x) => x.n >= 10 && !x.actions.has('delete') && !x.actions.has('export') && !x.actions.has('update') && !x.actions.has('write')),
    'lateral-movement': normal,
    probing: normal,
    'rate-flood': normal,
  }
  const order = ['suspended-in-use', 'retired-in-use', 'claims-payment-fraud', 'policy-harvest', 'off-hours-use', 'hr-grab', 'two-networks', 'new-action', 'slow-exfiltration', 'bulk-read', 'lateral-movement', 'probing', 'rate-flood']
  const plan = []
  for (const kind of order) {
    // Spread victims across kinds of agent where the pool allows.
    let pool = rng.shuffle(fleet.filter((a) => !used.has(a.id) && eligible[kind](a)))
    if (kind === 'hr-grab') {
      // Most hr-grab victims hold an HR entitlement they barely use (team leads, IT helpdesk);
      // one in three does not (the attacker is refused and gives up).
      const holds = pool.filter((a) => a.ent.has('hr:employees'))
      const not = pool.filter((a) => !a.ent.has('hr:employees'))
      const k = Math.floor(per / 3)
      for (const a of [...holds.slice(0, per - k), ...not.slice(0, per - Math.min(per - k, holds.length))]) {
        used.add(a.id)
        plan.push({ kind, a })
      }
      continue
    }
    const byKind = { employee: [], company: [], service: [] }
    for (const a of pool) byKind[a.kind].push(a)
    const mix = ['employee', 'company', 'employee', 'service', 'employee', 'company']
    for (let i = 0, m = 0; i < per && pool.length; m++) {
      const want = mix[m % mix.length]
      let a = byKind[want].find((x) => !used.has(x.id))
      if (!a && m > 12) a = pool.find((x) => !used.has(x.id))
      if (!a) {
        if (m > 30) break
        continue
      }
      used.add(a.id)
      plan.push({ kind, a })
      i++
    }
  }
  const events = []
  const attacks = []
  const statusChanges = []
  plan.forEach(({ kind, a }, i) => {
    const r = rngFor(seed, `attack:${kind}:${i}`)
    const out = []
    const sc = ATTACK[kind](a, r, H(a), out, benign.get(a.id))
    const inside = out.filter((e) => e.at >= EVAL_FROM && e.at < END)
    if (inside.length === 0) return
    inside.sort((x, y) => x.at - y.at)
    for (const e of inside) events.push(e)
    attacks.push({ kind, agent: a.id, start: inside[0].at, end: inside[inside.length - 1].at })
    if (sc) statusChanges.push(sc)
  })
  attacks.sort((x, y) => ATTACK_KINDS.indexOf(x.kind) - ATTACK_KINDS.indexOf(y.kind) || x.start - y.start)
  return { events, attacks, statusChanges }
}

/** An attacker's context: entitlement as issued; a status change seen through stale verifiers. */
function attackContext(a, rng, out, status) {
  return context(a, rng, out, (family, t) => {
    if (status && t >= status.at) {
      const f = FAM[family]
      const lastRefresh = Math.floor((t - f.phase) / f.refresh) * f.refresh + f.phase
      if (lastRefresh >= status.at) return status.status === 'retired' ? 'ERR_VC_REVOKED' : 'ERR_VC_SUSPENDED'
    }
    const g = a.ent.get(family)
    if (g === undefined || g > t) return 'ERR_NOT_ENTITLED'
    return undefined
  })
}

/** A moment in week 2 when the victim is at work (one of its own week-2 requests), or undefined. */
function duringWork(rng, h, pred = () => true) {
  const c = h.week2.filter((e) => pred(e))
  return c.length ? rng.pick(c) : undefined
}

/** Replays requests like the victim's own, from `from` for `n` requests, one per `gapMs` on average. */
function replayLike(c, rng, h, n, gapMs) {
  for (let k = 0; k < n; k++) {
    const x = likeOwn(rng, h)
    c.req(x.family, x.action, x.hasId ? c.id(x.family) : undefined, x.records)
    c.t += rng.exp(gapMs)
  }
}

const JUICY = ['customers:profiles', 'customers:contacts', 'finance:ledger', 'finance:payments', 'hr:employees', 'hr:payroll', 'dw:tables', 'dw:queries', 'fraud:investigations', 'reinsurance:treaties', 'broker:accounts', 'broker:commissions', 'docs:archive', 'claims:payments', 'policy:contracts', 'telematics:trips']

const ATTACK = {
  'slow-exfiltration'(a, rng, h, out) {
    const fams = [...h.fams.entries()].filter(([, x]) => x.records.length >= 25).sort((x, y) => y[1].records.length - x[1].records.length)
    const [family] = rng.pick(fams.slice(0, 2))
    const c = attackContext(a, rng, out)
    const startDay = rng.pick([7, 7, 8])
    const days = rng.int(5, 6)
    const begin = at(startDay, 0, a.tz)
    const finish = Math.min(END - HOUR, begin + days * DAY)
    const r0 = rng.range(1.2, 1.4)
    const target = rng.range(10, 20)
    const g = Math.log(target / r0) / (days - 1)
    for (const e of h.week2) {
      if (e.at < begin || e.at >= finish || (e.resource !== family && !e.resource.startsWith(`${family}/`)) || e.records === undefined) continue
      const f = r0 * Math.exp(g * ((e.at - begin) / DAY))
      let extra = (f - 1) * e.records
      c.t = e.at + rng.range(200, 4000)
      c.ip = e.ip
      const hasId = e.resource.includes('/')
      for (let k = 0; k < 60 && (extra > 0.5 || (extra > 0 && rng.chance(extra))); k++) {
        const n = Math.max(1, Math.round(Math.min(extra, e.records * rng.range(1, 2))))
        c.req(family, e.action, hasId ? c.id(family) : undefined, n)
        extra -= n
      }
    }
  },
  'suspended-in-use'(a, rng, h, out) {
    return misuseAfterStatus(a, rng, h, out, 'suspended')
  },
  'retired-in-use'(a, rng, h, out) {
    return misuseAfterStatus(a, rng, h, out, 'retired')
  },
  'lateral-movement'(a, rng, h, out) {
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(5, 60) * SEC
    c.ip = e0.ip
    const fresh = rng.shuffle(JUICY.filter((f) => !h.fams.has(f))).slice(0, rng.int(3, 7))
    const n = rng.int(20, 70)
    const span = rng.range(20, 90) * MIN
    for (let k = 0; k < n; k++) {
      if (rng.chance(0.3)) {
        const x = likeOwn(rng, h)
        c.req(x.family, x.action, x.hasId ? c.id(x.family) : undefined, x.records)
      } else {
        const f = rng.pick(fresh)
        const act = rng.weighted([[4, 'list'], [3, 'search'], [3, 'read']])
        c.req(f, act, act === 'read' ? c.id(f) : undefined, act === 'read' ? 1 : size(rng, 60, 0.8, 1, 500))
      }
      c.t += rng.exp(span / n)
    }
  },
  'hr-grab'(a, rng, h, out) {
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(10, 300) * SEC
    c.ip = e0.ip
    c.search('hr:employees', size(rng, 120, 0.6, 20, 800))
    const n = rng.int(40, 250)
    const span = rng.range(15, 120) * MIN
    let refused = 0
    const patience = rng.int(8, 25)
    for (let k = 0; k < n && refused < patience; k++) {
      const payroll = rng.chance(0.3)
      const ok = c.read(payroll ? 'hr:payroll' : 'hr:employees')
      if (!ok) refused++
      c.t += rng.exp(span / n)
      if (rng.chance(0.05)) c.list('hr:employees', size(rng, 100, 0.5, 20, 500))
    }
  },
  'bulk-read'(a, rng, h, out) {
    const fams = [...h.fams.entries()].filter(([, x]) => x.records.length >= 10)
    const [family, x] = rng.pick(fams)
    const usual = q(x.records, 0.99)
    const daily = x.records.reduce((s, y) => s + y, 0) / 5
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(1, 30) * MIN
    c.ip = e0.ip
    const pageSize = Math.max(rng.pick([200, 250, 500, 1000]), Math.round(usual * rng.range(2, 5)))
    const total = Math.max(rng.range(15000, 60000), daily * rng.range(20, 60))
    const act = x.actions.has('list') ? 'list' : x.actions.has('search') ? 'search' : x.actions.has('export') ? 'export' : 'list'
    const pagesN = Math.min(400, Math.ceil(total / pageSize))
    const span = rng.range(5, 40) * MIN
    for (let k = 0; k < pagesN; k++) {
      c.req(family, act, undefined, pageSize)
      c.t += rng.exp(span / pagesN)
    }
  },
  probing(a, rng, h, out) {
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(-2, 2) * HOUR
    c.ip = rng.chance(0.5) ? e0.ip : attackerIp(rng)
    const fams = rng.shuffle(ALL_FAMILIES).slice(0, rng.int(8, 20))
    const n = rng.int(40, 180)
    const span = rng.range(10, 60) * MIN
    for (let k = 0; k < n; k++) {
      const f = rng.pick(fams)
      const act = rng.weighted([[4, 'read'], [3, 'list'], [2, 'search'], [1, 'export'], [1, 'delete']])
      const entitled = a.ent.has(f)
      const code = entitled && (act === 'export' || act === 'delete') ? rng.pick(['ERR_CONSTRAINT', 'ERR_PURPOSE']) : undefined
      c.req(f, act, act === 'read' || act === 'delete' ? c.id(f) : undefined, act === 'read' ? 1 : size(rng, 20, 1, 0, 500), code)
      c.t += rng.exp(span / n)
    }
  },
  'two-networks'(a, rng, h, out) {
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(-10, 10) * MIN
    c.ip = rng.chance(0.6) ? attackerIp(rng) : homeIp(rng.pick(['DE', 'ES', 'PL', 'IE'].filter((x) => x !== a.country)), rng)
    const span = rng.range(30, 120) * MIN
    const ownRate = h.week2.filter((e) => Math.abs(e.at - e0.at) < span).length
    const n = clamp(Math.round(ownRate * rng.range(0.5, 1.5)), 12, 400)
    replayLike(c, rng, h, n, span / n)
  },
  'off-hours-use'(a, rng, h, out) {
    const c = attackContext(a, rng, out)
    const d = rng.pick([8, 9, 10, 11, 12, 13])
    const weekendDay = weekday(d) >= 5
    c.t = at(d, weekendDay ? rng.range(10, 22) : rng.pick([rng.range(0.5, 4.5), rng.range(22.5, 23.5)]), a.tz)
    c.ip = rng.chance(0.5) ? h.topIp : rng.chance(0.5) ? attackerIp(rng) : homeIp(a.country, rng)
    const n = rng.int(20, 120)
    replayLike(c, rng, h, n, (rng.range(20, 90) * MIN) / n)
  },
  'rate-flood'(a, rng, h, out) {
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    const from = e0.at + rng.range(0, 30) * MIN
    c.ip = e0.ip
    const minutes = rng.range(30, 90)
    const perHour = Math.max(120, h.maxHour * rng.range(4, 8))
    const n = Math.round((perHour * minutes) / 60)
    const counts = new Map()
    const limit = RATE_LIMIT[a.kind]
    for (let k = 0; k < n; k++) {
      c.t = from + ((k + rng()) * minutes * MIN) / n
      const x = likeOwn(rng, h)
      const key = `${Math.floor(c.t / MIN)}|${FAM[x.family].verifier}`
      const m = (counts.get(key) ?? 0) + 1
      counts.set(key, m)
      c.req(x.family, x.action, x.hasId ? c.id(x.family) : undefined, x.records, m > limit ? 'ERR_RATE_LIMITED' : undefined)
    }
  },
  'new-action'(a, rng, h, out) {
    const fams = [...h.fams.entries()].filter(([, x]) => x.n >= 10 && !x.actions.has('delete') && !x.actions.has('export') && !x.actions.has('update') && !x.actions.has('write'))
    const [family] = rng.pick(fams)
    const e0 = duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(1, 40) * MIN
    c.ip = e0.ip
    const n = rng.int(6, 40)
    const span = rng.range(5, 30) * MIN
    for (let k = 0; k < n; k++) {
      const act = rng.weighted([[4, 'delete'], [2, 'export'], [3, 'update']])
      c.req(family, act, act === 'export' ? undefined : c.id(family), act === 'export' ? size(rng, 5000, 1, 500, 80000) : undefined, rng.chance(0.25) ? 'ERR_CONSTRAINT' : undefined)
      c.t += rng.exp(span / n)
    }
  },
  'claims-payment-fraud'(a, rng, h, out) {
    const e0 = duringWork(rng, h, (e) => localHour(e.at, a.tz) >= 14 && e.at < END - 3 * HOUR) ?? duringWork(rng, h, (e) => e.at < END - 3 * HOUR)
    const c = attackContext(a, rng, out)
    c.t = e0.at + rng.range(1, 20) * MIN
    c.ip = e0.ip
    const targets = rng.int(5, 14)
    const span = rng.range(20, 70) * MIN
    for (let k = 0; k < targets; k++) {
      const cs = `CL-27-${pad(rng.int(100000, 699999), 6)}`
      c.read('claims:cases', cs)
      c.list('claims:payments', rng.int(1, 6))
      if (a.ent.has('customers:contacts')) {
        const cust = c.id('customers:contacts')
        c.read('customers:contacts', cust)
        if (rng.chance(0.5)) c.update('customers:contacts', cust)
      }
      const pay = c.id('claims:payments')
      c.update('claims:payments', pay)
      if (rng.chance(0.4)) c.write('claims:payments')
      if (rng.chance(0.3)) c.req('claims:payments', 'approve', pay, undefined, 'ERR_CONSTRAINT')
      c.t += rng.exp(span / targets)
    }
  },
  'policy-harvest'(a, rng, h, out) {
    // A working day of one-by-one reads, walking through policy numbers.
    const days = [...new Set(h.week2.map((e) => localDay(e.at, a.tz)))].filter((d) => d < 13)
    const d = rng.pick(days)
    const dayEvents = h.week2.filter((e) => localDay(e.at, a.tz) === d)
    const c = attackContext(a, rng, out)
    const from = dayEvents[0].at + rng.range(10, 90) * MIN
    const to = Math.max(from + 3 * HOUR, dayEvents[dayEvents.length - 1].at)
    const usual = h.hist.filter((e) => e.resource.startsWith('policy:contracts')).length / 5
    const n = clamp(Math.round(Math.max(300, usual * rng.range(4, 8))), 300, 2500)
    let pol = rng.int(10000000, 39000000)
    c.t = from
    c.ip = dayEvents[0].ip
    for (let k = 0; k < n; k++) {
      pol += rng.int(1, 40)
      c.read('policy:contracts', `P${pad(pol, 8)}`)
      if (rng.chance(0.6)) c.read('customers:profiles')
      if (rng.chance(0.03)) c.search('policy:contracts', size(rng, 25, 0.5, 1, 100))
      c.t += rng.exp((to - from) / n)
    }
  },
}

/** An agent gone quiet gets a status change (attacked run only), then someone uses it. */
function misuseAfterStatus(a, rng, h, out, status) {
  const last = h.hist.length ? Math.max(h.hist[h.hist.length - 1].at, h.week2.length ? h.week2[h.week2.length - 1].at : 0) : EVAL_FROM
  const when = Math.max(last + rng.range(2, 20) * HOUR, EVAL_FROM + rng.range(6, 30) * HOUR)
  const existing = a.status && a.status.status === status ? a.status.at : undefined
  const statusAt = existing ?? Math.min(when, END - 2 * DAY)
  // The attacker comes while some verifiers (those the victim used that refresh their status lists
  // least often) have not yet seen the change.
  const slowest = Math.max(5 * MIN, ...[...h.fams.keys()].map((f) => FAM[f].refresh))
  const c = attackContext(a, rng, out, { at: statusAt, status })
  const start = Math.max(EVAL_FROM + rng.range(1, 20) * HOUR, statusAt + Math.max(MIN, rng.range(0.05, 0.5) * Math.min(slowest, 4 * HOUR)))
  c.t = start
  c.ip = rng.chance(0.5) ? attackerIp(rng) : rng.chance(0.5) ? h.topIp : homeIp(a.country, rng)
  const n = rng.int(20, 140)
  replayLike(c, rng, h, n, (rng.range(20, 120) * MIN) / n)
  return existing ? undefined : { at: Math.round(statusAt), agent: a.id, status }
}

// ---------------------------------------------------------------------------------------------
// The fortnight.

export function generateWeek({ seed = 1, agents = 150, scale = 1, attacks = true } = {}) {
  const { agents: fleet, notes } = buildFleet(seed, agents, scale)
  const benign = new Map()
  for (const a of fleet) benign.set(a.id, benignEvents(seed, a))
  let events = []
  for (const a of fleet) for (const e of benign.get(a.id)) events.push(e)
  let planted = []
  const statusChanges = [...notes.statusChanges]
  if (attacks) {
    const plan = planAttacks(seed, fleet, benign)
    planted = plan.attacks
    statusChanges.push(...plan.statusChanges)
    for (const e of plan.events) events.push(e)
  }
  events.sort((x, y) => x.at - y.at)
  statusChanges.sort((x, y) => x.at - y.at)
  return {
    agents: fleet.map((a) => ({ id: a.id, kind: a.kind, team: a.team, segment: a.segment, role: a.role, entitled: a.entitled, profile: a.profile })),
    events,
    attacks: planted,
    statusChanges,
    grants: [...notes.grants].sort((x, y) => x.at - y.at),
    evalFrom: EVAL_FROM,
    start: START,
    end: END,
  }
}
