// workload-g.mjs: a fortnight of verification events for the AI agents of a regional hospital group.
//
// Organisation ("Hospital G", hospital-g.example): three hospitals and their clinics in three time zones,
// the fortnight Mon 22 Mar 2027 00:00 UTC to Mon 5 Apr 2027 00:00 UTC (all after US DST began on 14 Mar,
// so offsets are fixed): Spokane General (WA, UTC-7, network 10.20/16, the flagship, with the on-prem data
// centre 10.8/16), Boise Valley (ID, UTC-6, 10.30/16), Juneau Regional (AK, UTC-8, 10.40/16). Company apps
// run in the data centre or in a cloud (NAT egress 44.224.x / 52.33.x); staff work from ward workstations,
// WOWs on ward Wi-Fi, office floors, home ISPs (Comcast, CenturyLink, Sparklight, GCI), phones on mobile
// carriers (T-Mobile, Verizon, AT&T CGNAT ranges) and the VPN pool 10.250/16; researchers from university
// networks. History week Mon 22-Sun 28 Mar, evaluated week Mon 29 Mar-Sun 4 Apr.
//
// Families (system:collection -> segment): clinical (ehr:notes, ehr:orders, ehr:vitals, ehr:mar, ehr:problems,
// ehr:discharge, adt:beds, adt:encounters, sched:appointments; one EHR gateway verifier per hospital),
// diagnostics (lis:results, lis:orders, pacs:studies, ris:reports), pharmacy (rx:dispense, rx:formulary,
// rx:inventory), finance (billing:claims, billing:coding, billing:invoices, billing:payers, billing:prior-auth),
// corporate (hr:staff, hr:payroll, hr:leave, hr:credentialing, roster:shifts), research (research:cohorts,
// research:consents, dw:deidentified), infrastructure (ops:metrics, ops:backups, iam:directory, dw:warehouse,
// itsm:tickets). The diagnostics and pharmacy verifiers and the Juneau EHR gateway cache the status list
// (refresh every 4 h / 4 h / 6 h), so a just-suspended or just-retired credential may still be allowed there.
//
// Fleet at 150 agents (scaled proportionally for other sizes):
//  employee (~98): ward nurses on rotating 8-h shifts (07-15, 15-23, 23-07; roster re-drawn for week 2, some
//   switch shift), ED/ICU nurses on 12-h shifts (07-19 / 19-07, 3-4 per week), hospitalists (weekday days on
//   site, on-call nights from home/VPN, a weekend rounding day), residents (rotate to another department, one to
//   another hospital, on the Monday of the evaluated week: new families granted that morning or already held),
//   pharmacists (days, some evenings, alternate weekends), lab scientists (incl. night shift), radiologists
//   (day reading + evening tele-reading from home over VPN), billing clerks/coders (hybrid: fixed home days,
//   lunch dip, quarter-end close on Wed 31 Mar with late evenings), an agency nurse enrolled at Boise on Wed of
//   week 2 (evening shifts, no history), HR officers (hybrid; payroll week), IT staff
//   (one on call each week, night call-outs over VPN), researchers (university network + evenings at home),
//   managers (office days + evening phone checks), ward clerks / bed managers.
//  company (~27): discharge-summary writers (per hospital; Spokane's gets v2 on Wed of week 2 reading
//   differently and a new rx:dispense grant), claims coders (day + night batch), bed-management bots (every few
//   minutes, 24/7), scheduling bots (clinic hours + 18:00 reminder batch), research cohort finders (on demand +
//   weekly Tuesday-night run), sepsis-alert CDS (every 5 min), medication reconciliation, ambient scribes,
//   roster assistant (Sunday-evening publication), payroll reconciliation, patient-portal messaging, prior-auth
//   bot, ITSM triage bot, pharmacy reorder bot; a legacy scribe retired on Mon of week 2; a wound-photo triage
//   bot enrolled Thu of week 2 with no history.
//  service (~25): lab interface engines (HL7; early-morning blood-round peak), imaging archive sync, dispensing-
//   cabinet sync, ADT feeds, nightly data-warehouse loads (bigger Sunday full load), backups (nightly + weekly
//   full), monitoring pollers (every 1-5 min), IAM directory sync, payroll/timesheet export, claims
//   clearinghouse submitter, immunisation-registry feed, a legacy fax gateway decommissioned (retired) on Thu of
//   week 1 whose cron keeps firing every 30 min (ERR_VC_REVOKED), a cloud fax relay enrolled Tue of week 2.
//
// Benign patterns: the shift rosters above; daily and weekly cycles, lunch dips, quieter weekends; Seward's Day
// (Mon 29 Mar 2027, Alaska state holiday: Juneau offices and clinics closed, wards as usual); a flu wave at
// Spokane rising across the fortnight; a mass-casualty incident (bus crash) at Boise on Thu 1 Apr from 16:40
// local: ED/ICU/lab/imaging/bed activity x2-3 for ~8 h, off-duty staff called in; planned EHR downtime at
// Spokane Tue 30 Mar 01:00-03:00 local, then a catch-up backlog (interfaces replaying, nurses back-charting,
// some rate-limit refusals); unplanned interface outages (Boise imaging sync Wed of week 1, Juneau lab engine Fri
// of week 2) with rapid retries, rate-limit refusals and a backlog flush; billing:prior-auth granted to the
// billing team Tue of week 2 and adopted; new agents with no history; over-broad old entitlements never used;
// noise: ERR_NOT_ENTITLED (asking for families one may not read), ERR_CONSTRAINT (outside a care relationship,
// policy on actions), ERR_RATE_LIMITED (assistant paging loops, backlogs), ERR_VC_EXPIRED (credential expired,
// refused a few times then renewed; a service's credential rotation failing for 8-25 min, retried); leavers (retired)
// and lost phones (suspended) in week 2 going quiet after a few trailing refusals.
//
// Attacks (evaluated week only, distinct victims, ~3 per kind at 150 agents; shapes vary in size and subtlety):
//  slow-exfiltration: extra reads/lists/exports on the victim's own families from its own networks, growing day
//   by day (x1.3 on day 1 to x5-x15 by day 7), records per export creeping up too.
//  suspended-in-use: the lost phone used after suspension (from a carrier or unfamiliar address): some requests
//   allowed by status-caching verifiers within the refresh window, the rest ERR_VC_SUSPENDED.
//  retired-in-use: a leaver's (or a retired app's) credential used hours to days after retirement, from home or
//   elsewhere: mostly ERR_VC_REVOKED, a few allowed by caching verifiers.
//  lateral-movement: the agent walks into families of 3-5 other segments (directory, HR, finance, research,
//   backups...), mostly ERR_NOT_ENTITLED, allowed where an old over-broad entitlement exists.
//  hr-grab: a clinical or billing agent reads/lists hr:staff, hr:payroll, hr:credentialing (denied, or allowed
//   through an old entitlement).
//  bulk-read: a one-shot large export/list/read sweep of the victim's families within 10-60 min.
//  probing: many refused requests across families and actions (delete/export/update) over minutes to hours.
//  two-networks: the credential used from a second network (VPS, other ISP, foreign carrier) while the owner
//   is working from the usual one, doing owner-like reads.
//  off-hours-use: a day-only agent active at 01:00-05:00 local, with its usual families, sometimes its usual
//   address.
//  rate-flood: a runaway loop, 150-1500 requests/min for 4-20 min, mostly ERR_RATE_LIMITED.
//  new-action: an action never used by the victim on a family it uses (export, delete, update, sign...).
//  record-snooping (own kind): a clinician (or a portal agent) opens the chart of a VIP/colleague patient who is
//   not in their care, across notes, problems, results, imaging reports and meds; some break-the-glass refusals
//   (ERR_CONSTRAINT), most allowed.
//  mass-update (own kind): ransomware-style, thousands of update/delete requests across the victim's writable
//   families within 10-40 min (backups deleted first when it can), rate-limit refusals as it outruns limits.

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action', 'record-snooping', 'mass-update']

const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const START = Date.UTC(2027, 2, 22) // Monday
const BIN = 5 * MIN

// ---------------------------------------------------------------- random streams
function xmur3(str) {
  let h = 1779033703 ^ str.length
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353)
    h = (h << 13) | (h >>> 19)
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507)
    h = Math.imul(h ^ (h >>> 13), 3266489909)
    return (h ^= h >>> 16) >>> 0
  }
}
function hashInt(str) { return xmur3(str)() }
class Rng {
  constructor(key) {
    const s = xmur3(key)
    let a = s(), b = s(), c = s(), d = s()
    this.n = () => {
      a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
      let t = (a + b) | 0
      a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); d = (d + 1) | 0
      t = (t + d) | 0; c = (c + t) | 0
      return (t >>> 0) / 4294967296
    }
    for (let i = 0; i < 15; i++) this.n()
  }
  f() { return this.n() }
  int(a, b) { return a + Math.floor(this.n() * (b - a + 1)) }
  range(a, b) { return a + this.n() * (b - a) }
  pick(arr) { return arr[Math.floor(this.n() * arr.length)] }
  chance(p) { return this.n() < p }
  normal() { let u = 0; while (u === 0) u = this.n(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.n()) }
  poisson(l) {
    if (l <= 0) return 0
    if (l > 40) return Math.max(0, Math.round(l + Math.sqrt(l) * this.normal()))
    const L = Math.exp(-l); let k = 0, p = 1
    do { k++; p *= this.n() } while (p > L)
    return k - 1
  }
  weighted(items, w = (x) => x.w) {
    let tot = 0; for (const x of items) tot += w(x)
    let r = this.n() * tot
    for (const x of items) { r -= w(x); if (r < 0) return x }
    return items[items.length - 1]
  }
  shuffle(arr) { const a = [...arr]; for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(this.n() * (i + 1)); [a[i], a[j]] = [a[j], a[i]] } return a }
  sample(arr, k) { return this.shuffle(arr).slice(0, k) }
}
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
function didKey(R) { let s = 'did:key:z6Mk'; for (let i = 0; i < 44; i++) s += B58[R.int(0, 57)]; return s }

// ---------------------------------------------------------------- organisation
const REG = {
  wa: { off: -7, site: 'spokane', net: 20, isp: [[73, 96, 127], [71, 32, 63], [97, 113, 126]], wards: ['4w-medsurg', '5e-cardiac', '3n-ortho', '2s-oncology'] },
  id: { off: -6, site: 'boise', net: 30, isp: [[24, 116, 119], [174, 16, 31], [184, 155, 159]], wards: ['2-medsurg', '3-telemetry', 'maternity'] },
  ak: { off: -8, site: 'juneau', net: 40, isp: [[24, 237, 237], [209, 193, 193], [216, 67, 67]], wards: ['acute-care', 'birth-center'] },
}
const REGIONS = ['wa', 'id', 'ak']
const MOBILE = [[172, 56, 59], [174, 192, 255], [107, 77, 77], [166, 170, 180]]
const UNI = [[129, 101, 101], [140, 142, 142]]
const CLOUD_NAT = [[44, 224, 255], [52, 33, 43]]
const VPS = [[45, 76, 77], [45, 32, 32], [185, 220, 101], [103, 152, 152], [195, 154, 154], [5, 188, 188]]
function ipIn(R, [a, b1, b2]) { return `${a}.${R.int(b1, b2)}.${R.int(0, 255)}.${R.int(1, 254)}` }

const FAM = {
  'ehr:notes': 'clinical', 'ehr:orders': 'clinical', 'ehr:vitals': 'clinical', 'ehr:mar': 'clinical', 'ehr:problems': 'clinical', 'ehr:discharge': 'clinical', 'adt:beds': 'clinical', 'adt:encounters': 'clinical', 'sched:appointments': 'clinical',
  'lis:results': 'diagnostics', 'lis:orders': 'diagnostics', 'pacs:studies': 'diagnostics', 'ris:reports': 'diagnostics',
  'rx:dispense': 'pharmacy', 'rx:formulary': 'pharmacy', 'rx:inventory': 'pharmacy',
  'billing:claims': 'finance', 'billing:coding': 'finance', 'billing:invoices': 'finance', 'billing:payers': 'finance', 'billing:prior-auth': 'finance',
  'hr:staff': 'corporate', 'hr:payroll': 'corporate', 'hr:leave': 'corporate', 'hr:credentialing': 'corporate', 'roster:shifts': 'corporate',
  'research:cohorts': 'research', 'research:consents': 'research', 'dw:deidentified': 'research',
  'ops:metrics': 'infrastructure', 'ops:backups': 'infrastructure', 'iam:directory': 'infrastructure', 'dw:warehouse': 'infrastructure', 'itsm:tickets': 'infrastructure',
}
const ALL_FAMS = Object.keys(FAM)
const PATIENT_FAMS = new Set(['ehr:notes', 'ehr:orders', 'ehr:vitals', 'ehr:mar', 'ehr:problems', 'ehr:discharge', 'adt:encounters', 'lis:results', 'lis:orders', 'pacs:studies', 'ris:reports', 'rx:dispense', 'research:consents'])
const READS = new Set(['read', 'list', 'search', 'export'])
const VERIFIERS = {
  clinical: (site) => `did:web:ehr-gw.${site}.hospital-g.example`,
  diagnostics: () => 'did:web:diagnostics-gw.hospital-g.example',
  pharmacy: () => 'did:web:pharmacy-gw.hospital-g.example',
  finance: () => 'did:web:revenue-cycle.hospital-g.example',
  corporate: () => 'did:web:workforce.hospital-g.example',
  research: () => 'did:web:research-gw.hospital-g.example',
  infrastructure: () => 'did:web:ops-gw.hospital-g.example',
}
// Status-list cache: refresh period (h) and phase (h) per verifier; 0 = checked live.
const STATUS_CACHE = {
  'did:web:diagnostics-gw.hospital-g.example': [4, 1],
  'did:web:pharmacy-gw.hospital-g.example': [4, 3],
  'did:web:ehr-gw.juneau.hospital-g.example': [6, 2],
}
const RATE_LIMIT = { employee: 60, company: 240, service: 300 } // per agent, per verifier, per minute

function resourceFor(R, fam, site, pt) {
  if (PATIENT_FAMS.has(fam)) return `${fam}/pt-${pt ?? R.int(10000, 99999)}`
  switch (fam) {
    case 'adt:beds': return `${fam}/${site}-${R.pick(REG_BY_SITE[site].wards)}-${R.int(1, 24)}`
    case 'sched:appointments': return `${fam}/appt-${R.int(100000, 999999)}`
    case 'rx:formulary': return `${fam}/drug-${R.int(1000, 4999)}`
    case 'rx:inventory': return `${fam}/cab-${site}-${R.int(1, 40)}`
    case 'billing:claims': return `${fam}/clm-${R.int(1000000, 9999999)}`
    case 'billing:coding': return `${fam}/enc-${R.int(1000000, 9999999)}`
    case 'billing:invoices': return `${fam}/inv-${R.int(100000, 999999)}`
    case 'billing:payers': return `${fam}/payer-${R.int(1, 60)}`
    case 'billing:prior-auth': return `${fam}/pa-${R.int(100000, 999999)}`
    case 'hr:staff': case 'hr:payroll': case 'hr:leave': case 'hr:credentialing': return `${fam}/emp-${R.int(10000, 16999)}`
    case 'roster:shifts': return `${fam}/${site}-wk${R.int(12, 15)}-${R.int(1, 30)}`
    case 'research:cohorts': return `${fam}/cohort-${R.int(1, 80)}`
    case 'dw:deidentified': return `${fam}/ds-${R.int(1, 40)}`
    case 'ops:metrics': return `${fam}/host-${R.int(1, 400)}`
    case 'ops:backups': return `${fam}/job-${R.int(1, 120)}`
    case 'iam:directory': return `${fam}/user-${R.int(10000, 16999)}`
    case 'dw:warehouse': return `${fam}/tbl-${R.int(1, 300)}`
    case 'itsm:tickets': return `${fam}/INC${R.int(100000, 199999)}`
    default: return `${fam}/r-${R.int(1, 99999)}`
  }
}
const REG_BY_SITE = Object.fromEntries(REGIONS.map((r) => [REG[r].site, REG[r]]))
const SITE_OF = Object.fromEntries(REGIONS.map((r) => [r, REG[r].site]))

/** Patient in a bed on a local day (stays of 2-7 days). */
function patientIn(site, ward, bed, day) {
  const h = hashInt(`${site}|${ward}|${bed}`)
  const los = 2 + (h % 6), phase = (h >>> 8) % los
  const stay = Math.floor((day + 30 + phase) / los)
  return 10000 + (hashInt(`${site}|${ward}|${bed}|${stay}`) % 90000)
}

// ---------------------------------------------------------------- time helpers
const lm = (region, d) => START + d * DAY - REG[region].off * HOUR // local midnight of local day d (0 = Mon 22 Mar)
const localHour = (region, t) => (((t + REG[region].off * HOUR - START) % DAY) + DAY) % DAY / HOUR
const localDay = (region, t) => Math.floor((t + REG[region].off * HOUR - START) / DAY)
const dow = (d) => ((d % 7) + 7) % 7 // 0 Mon .. 6 Sun
const isWeekend = (d) => dow(d) >= 5
const HOLIDAY = { ak: new Set([7]) } // Seward's Day, Mon 29 Mar 2027
const isHoliday = (region, d) => HOLIDAY[region]?.has(d) ?? false
const offDay = (region, d) => isWeekend(d) || isHoliday(region, d)

// Environment events (times are UTC ms).
const ENV = {
  mciSite: 'boise', mciFrom: lm('id', 10) + 16.67 * HOUR, mciTo: lm('id', 10) + 25 * HOUR,
  downSite: 'spokane', downFrom: lm('wa', 8) + 1 * HOUR, downTo: lm('wa', 8) + 3 * HOUR,
  labOutage: { site: 'juneau', from: lm('ak', 11) + 10.25 * HOUR, to: lm('ak', 11) + 11 * HOUR },
  imgOutage: { site: 'boise', from: lm('id', 2) + 14.5 * HOUR, to: lm('id', 2) + 15.2 * HOUR },
  quarterEnd: 9, // local day of Wed 31 Mar
}
function surge(site, t, clinical) {
  let m = 1
  if (site === 'spokane' && clinical) m *= 1 + 0.3 * Math.max(0, Math.min(1, (t - START) / (14 * DAY)))
  if (site === ENV.mciSite && clinical && t >= ENV.mciFrom && t < ENV.mciTo) {
    const x = (t - ENV.mciFrom) / (ENV.mciTo - ENV.mciFrom)
    m *= 1 + 1.8 * (x < 0.15 ? x / 0.15 : 1 - (x - 0.15) / 0.85 * 0.8)
  }
  return m
}
const inDowntime = (site, fam, t) => site === ENV.downSite && FAM[fam] === 'clinical' && t >= ENV.downFrom && t < ENV.downTo

// ---------------------------------------------------------------- shapes (local hour -> multiplier)
const officeShape = (h) => h < 8 ? 0.6 : h < 9 ? 0.8 : h < 12 ? 1.15 : h < 13 ? 0.45 : h < 16 ? 1.05 : h < 17 ? 0.75 : 0.5
const censusCurve = (h) => h < 5 ? 0.3 : h < 7 ? 0.6 : h < 8 ? 0.9 : h < 12 ? 1.4 : h < 13 ? 1.1 : h < 17 ? 1.3 : h < 21 ? 0.9 : 0.5
const labCurve = (h) => h < 4 ? 0.4 : h < 8.5 ? 2.2 : h < 12 ? 1.3 : h < 18 ? 1.0 : 0.6
const wardShape = (start) => (h, t) => {
  const since = (t - start) / MIN
  let m = since < 45 ? 1.5 : 1
  for (const r of [8, 12, 17, 20, 22]) if (h >= r && h < r + 0.5) m *= 1.3
  if (h >= 1 && h < 5) m *= 0.45
  if (h >= 5 && h < 7) m *= 1.3
  return m
}

// ---------------------------------------------------------------- mixes: [family, action, weight, recMin, recMax]
const M = (...rows) => rows.map(([f, act, w, r0, r1]) => ({ f, act, w, r0, r1 }))
const MIX = {
  nurse: M(['ehr:vitals', 'write', 22], ['ehr:vitals', 'read', 10], ['ehr:mar', 'read', 14], ['ehr:mar', 'update', 12], ['ehr:notes', 'read', 14], ['ehr:notes', 'write', 7], ['ehr:orders', 'read', 8], ['ehr:problems', 'read', 4], ['lis:results', 'read', 6], ['adt:beds', 'list', 3, 18, 30]),
  edNurse: M(['ehr:vitals', 'write', 22], ['ehr:vitals', 'read', 8], ['ehr:mar', 'read', 10], ['ehr:mar', 'update', 10], ['ehr:notes', 'read', 12], ['ehr:notes', 'write', 8], ['ehr:orders', 'read', 10], ['lis:results', 'read', 9], ['adt:encounters', 'read', 6], ['adt:beds', 'list', 4, 20, 40], ['ris:reports', 'read', 2]),
  doctor: M(['ehr:notes', 'read', 22], ['ehr:notes', 'write', 8], ['ehr:notes', 'sign', 3], ['ehr:orders', 'write', 8], ['ehr:orders', 'read', 6], ['lis:results', 'read', 16], ['ris:reports', 'read', 6], ['pacs:studies', 'read', 3], ['ehr:problems', 'read', 6], ['ehr:problems', 'update', 2], ['ehr:mar', 'read', 5], ['ehr:discharge', 'write', 2], ['ehr:discharge', 'sign', 1], ['rx:formulary', 'read', 2], ['ehr:notes', 'search', 2, 0, 15]),
  pharmacist: M(['rx:dispense', 'read', 18], ['rx:dispense', 'update', 8], ['rx:dispense', 'sign', 6], ['ehr:orders', 'read', 16], ['ehr:orders', 'update', 4], ['ehr:mar', 'read', 10], ['rx:formulary', 'read', 8], ['rx:inventory', 'read', 4], ['rx:inventory', 'update', 2], ['lis:results', 'read', 8], ['rx:dispense', 'list', 3, 10, 60]),
  lab: M(['lis:results', 'write', 20], ['lis:results', 'update', 5], ['lis:results', 'sign', 10], ['lis:results', 'read', 14], ['lis:orders', 'read', 14], ['lis:orders', 'list', 6, 10, 80], ['lis:orders', 'update', 5], ['ehr:notes', 'read', 2]),
  radiologist: M(['pacs:studies', 'read', 30], ['ris:reports', 'write', 14], ['ris:reports', 'sign', 10], ['ris:reports', 'read', 8], ['pacs:studies', 'list', 6, 10, 50], ['ehr:notes', 'read', 6], ['lis:results', 'read', 4], ['ehr:orders', 'read', 4]),
  billing: M(['billing:claims', 'read', 18], ['billing:claims', 'update', 10], ['billing:claims', 'list', 6, 20, 100], ['billing:claims', 'search', 5, 0, 40], ['billing:coding', 'read', 10], ['billing:coding', 'write', 6], ['billing:invoices', 'read', 6], ['billing:payers', 'read', 4], ['ehr:discharge', 'read', 8], ['adt:encounters', 'read', 6]),
  hr: M(['hr:staff', 'read', 20], ['hr:staff', 'update', 5], ['hr:staff', 'search', 6, 0, 30], ['hr:leave', 'read', 12], ['hr:leave', 'update', 8], ['hr:credentialing', 'read', 8], ['hr:credentialing', 'update', 3], ['roster:shifts', 'read', 6], ['hr:payroll', 'read', 4]),
  payroll: M(['hr:payroll', 'read', 20], ['hr:payroll', 'update', 8], ['hr:payroll', 'list', 6, 20, 200], ['hr:staff', 'read', 10], ['hr:leave', 'read', 8], ['roster:shifts', 'read', 8]),
  it: M(['itsm:tickets', 'read', 20], ['itsm:tickets', 'update', 14], ['itsm:tickets', 'list', 6, 10, 50], ['iam:directory', 'read', 12], ['iam:directory', 'update', 5], ['ops:metrics', 'list', 8, 20, 200], ['ops:metrics', 'read', 8], ['ops:backups', 'list', 2, 5, 40]),
  researcher: M(['research:cohorts', 'read', 10], ['research:cohorts', 'search', 12, 0, 300], ['research:cohorts', 'write', 3], ['dw:deidentified', 'read', 14], ['dw:deidentified', 'search', 6, 0, 500], ['dw:deidentified', 'export', 1, 200, 4000], ['research:consents', 'read', 5]),
  manager: M(['adt:beds', 'list', 14, 20, 60], ['roster:shifts', 'read', 16], ['roster:shifts', 'update', 5], ['hr:leave', 'read', 8], ['hr:leave', 'update', 5], ['hr:staff', 'read', 5], ['ops:metrics', 'read', 2], ['sched:appointments', 'list', 4, 10, 80], ['itsm:tickets', 'read', 2]),
  managerPhone: M(['adt:beds', 'list', 10, 20, 60], ['roster:shifts', 'read', 8], ['hr:leave', 'update', 2]),
  clerk: M(['adt:beds', 'list', 16, 20, 40], ['adt:beds', 'update', 10], ['adt:encounters', 'read', 14], ['adt:encounters', 'write', 6], ['sched:appointments', 'read', 10], ['sched:appointments', 'update', 6], ['sched:appointments', 'list', 4, 10, 60]),
  rosterPeek: M(['roster:shifts', 'read', 10], ['hr:leave', 'read', 3]),
}

// Department mixes for residents.
const DEPTS = {
  medicine: { fams: ['ehr:notes', 'ehr:orders', 'ehr:problems', 'ehr:mar', 'lis:results', 'ehr:discharge'], mix: MIX.doctor },
  radiology: { fams: ['pacs:studies', 'ris:reports', 'ehr:notes', 'ehr:orders'], mix: MIX.radiologist },
  emergency: { fams: ['ehr:notes', 'ehr:orders', 'adt:encounters', 'adt:beds', 'lis:results', 'ris:reports', 'ehr:vitals'], mix: M(['ehr:notes', 'read', 18], ['ehr:notes', 'write', 10], ['ehr:orders', 'write', 10], ['adt:encounters', 'read', 10], ['adt:encounters', 'update', 4], ['lis:results', 'read', 12], ['ris:reports', 'read', 6], ['ehr:vitals', 'read', 8], ['adt:beds', 'list', 3, 20, 40]) },
  anaesthesia: { fams: ['ehr:vitals', 'ehr:mar', 'rx:dispense', 'ehr:notes', 'lis:results', 'ehr:orders'], mix: M(['ehr:vitals', 'read', 20], ['ehr:vitals', 'write', 10], ['ehr:mar', 'update', 10], ['rx:dispense', 'read', 8], ['rx:dispense', 'update', 4], ['ehr:notes', 'read', 10], ['ehr:notes', 'write', 6], ['lis:results', 'read', 8], ['ehr:orders', 'write', 4]) },
  obstetrics: { fams: ['ehr:notes', 'ehr:vitals', 'ehr:orders', 'lis:results', 'pacs:studies', 'ehr:discharge'], mix: M(['ehr:notes', 'read', 18], ['ehr:notes', 'write', 8], ['ehr:vitals', 'read', 12], ['ehr:orders', 'write', 8], ['lis:results', 'read', 10], ['pacs:studies', 'read', 6], ['ehr:discharge', 'write', 3]) },
}
const famsOf = (mix) => [...new Set(mix.map((x) => x.f))]

// ---------------------------------------------------------------- fleet
// Each template: [count at 150, build(ctx)] ; ctx = { R, i, region, agentIdx }
const T = []
const tpl = (n, kind, role, build) => T.push({ n, kind, role, build })

const regionCycle = ['wa', 'id', 'wa', 'ak', 'id', 'wa', 'id', 'wa', 'ak', 'wa']

tpl(25, 'employee', 'registered-nurse', ({ R, i }) => {
  const region = regionCycle[i % 10], ward = R.pick(REG[region].wards)
  return { region, team: `nursing-${ward}-${REG[region].site}`, segment: 'clinical', beh: 'nurse8', ward, mix: MIX.nurse, rate: 26, extra: ['hr:leave', 'roster:shifts'], broad: R.chance(0.3) ? R.sample(['pacs:studies', 'rx:dispense', 'sched:appointments', 'ehr:discharge'], 1) : [], profile: `ward nurse's assistant, ${ward} at ${REG[region].site}, rotating 8-h shifts` }
})
tpl(1, 'employee', 'agency-nurse', () => {
  const region = 'id', ward = '2-medsurg'
  return { region, team: `nursing-${ward}-boise`, segment: 'clinical', beh: 'nurse8', ward, mix: MIX.nurse, rate: 26, extra: ['roster:shifts'], broad: [], enrolDay: 9, fixedShift: 'E', profile: 'agency (travel) nurse\'s assistant at Boise, enrolled Wed of week 2, evening shifts (no history)' }
})
tpl(12, 'employee', 'critical-care-nurse', ({ R, i }) => {
  const region = regionCycle[(i + 3) % 10], unit = R.pick(['ed', 'icu'])
  return { region, team: `nursing-${unit}-${REG[region].site}`, segment: 'clinical', beh: 'nurse12', ward: unit, unit, mix: MIX.edNurse, rate: 28, extra: ['hr:leave', 'roster:shifts'], broad: [], profile: `${unit.toUpperCase()} nurse's assistant at ${REG[region].site}, 12-h shifts` }
})
tpl(12, 'employee', 'hospitalist', ({ R, i }) => {
  const region = regionCycle[(i + 1) % 10], ward = R.pick(REG[region].wards)
  return { region, team: `medicine-${REG[region].site}`, segment: 'clinical', beh: 'doctor', ward, mix: MIX.doctor, rate: 30, extra: [], broad: R.chance(0.3) ? ['hr:staff'] : [], profile: `hospitalist's assistant at ${REG[region].site}, days with on-call nights from home` }
})
tpl(8, 'employee', 'resident', ({ R, i }) => {
  const region = i % 3 === 2 ? 'id' : 'wa'
  const from = 'medicine', to = ['radiology', 'emergency', 'anaesthesia', 'obstetrics'][i % 4]
  const crossSite = i === 5 ? 'boise' : null
  return { region, team: `residents-${REG[region].site}`, segment: 'clinical', beh: 'resident', ward: REG[region].wards[0], mix: DEPTS[from].mix, mix2: DEPTS[to].mix, dept: [from, to], crossSite, preheld: i % 3 === 1, rate: 28, extra: [], broad: [], profile: `resident's assistant, ${from} -> ${to} rotation from Mon of week 2${crossSite ? ' at Boise' : ''}` }
})
tpl(6, 'employee', 'pharmacist', ({ R, i }) => {
  const region = ['wa', 'id', 'ak', 'wa', 'id', 'wa'][i % 6]
  return { region, team: `pharmacy-${REG[region].site}`, segment: 'pharmacy', beh: 'pharmacist', evening: i === 3, mix: MIX.pharmacist, rate: 36, extra: [], broad: [], profile: `pharmacist's assistant at ${REG[region].site}` }
})
tpl(4, 'employee', 'lab-scientist', ({ i }) => {
  const region = ['wa', 'wa', 'id', 'ak'][i % 4]
  return { region, team: `laboratory-${REG[region].site}`, segment: 'diagnostics', beh: 'lab', night: i === 1, mix: MIX.lab, rate: 24, extra: ['hr:leave'], broad: [], profile: `lab scientist's assistant at ${REG[region].site}${i === 1 ? ', permanent nights' : ''}` }
})
tpl(3, 'employee', 'radiologist', ({ i }) => {
  const region = ['wa', 'id', 'wa'][i % 3]
  return { region, team: 'imaging', segment: 'diagnostics', beh: 'radiologist', mix: MIX.radiologist, rate: 34, extra: [], broad: [], profile: `radiologist's assistant, day reading at ${REG[region].site} + evening tele-reading over VPN` }
})
tpl(8, 'employee', 'billing-clerk', ({ R, i }) => {
  const region = i < 5 ? 'wa' : i < 7 ? 'id' : 'ak'
  return { region, team: 'revenue-cycle', segment: 'finance', beh: 'office', hybrid: true, mix: MIX.billing, rate: 30, extra: [], broad: R.chance(0.35) ? ['hr:staff'] : [], billing: true, profile: `billing clerk/coder's assistant, hybrid (home ISP on fixed days)` }
})
tpl(4, 'employee', 'hr-officer', ({ i }) => {
  const region = i < 3 ? 'wa' : 'id'
  return { region, team: 'people-and-culture', segment: 'corporate', beh: 'office', hybrid: true, mix: i === 2 ? MIX.payroll : MIX.hr, rate: 18, extra: [], broad: [], payroll: i === 2, profile: i === 2 ? 'payroll officer\'s assistant, hybrid' : 'HR officer\'s assistant, hybrid' }
})
tpl(4, 'employee', 'it-engineer', ({ i }) => {
  const region = i < 3 ? 'wa' : 'id'
  return { region, team: 'it-operations', segment: 'infrastructure', beh: 'it', oncallWeek: i % 2, mix: MIX.it, rate: 14, extra: [], broad: ['hr:staff', 'ehr:notes', 'dw:warehouse'].slice(0, 1 + (i % 3)), profile: 'IT engineer\'s assistant, office days + on-call week with night call-outs over VPN' }
})
tpl(4, 'employee', 'researcher', ({ i }) => {
  const region = i < 3 ? 'wa' : 'id'
  return { region, team: 'clinical-research', segment: 'research', beh: 'researcher', mix: MIX.researcher, rate: 9, extra: [], broad: i === 0 ? ['lis:results'] : [], profile: 'clinical researcher\'s assistant, university network and home evenings' }
})
tpl(4, 'employee', 'nurse-unit-manager', ({ i }) => {
  const region = ['wa', 'id', 'ak', 'wa'][i % 4]
  return { region, team: `nursing-management-${REG[region].site}`, segment: 'clinical', beh: 'manager', mix: MIX.manager, rate: 14, extra: ['ops:metrics'], broad: [], profile: `nurse unit manager's assistant at ${REG[region].site}, evening phone checks` }
})
tpl(3, 'employee', 'ward-clerk', ({ i }) => {
  const region = ['wa', 'id', 'ak'][i % 3]
  return { region, team: `patient-flow-${REG[region].site}`, segment: 'clinical', beh: 'clerk', mix: MIX.clerk, rate: 26, extra: [], broad: [], profile: `ward clerk / bed manager's assistant at ${REG[region].site}, 4x12-h days` }
})

// company agents
const bot = (n, role, build) => tpl(n, 'company', role, build)
bot(3, 'discharge-summary-writer', ({ i }) => {
  const region = REGIONS[i % 3]
  return { region, team: 'clinical-documentation', segment: 'clinical', beh: 'discharge', v2: region === 'wa', host: 'cloud', profile: `discharge-summary writer for ${REG[region].site}${region === 'wa' ? ' (v2 on Wed of week 2)' : ''}`, fams: ['ehr:notes', 'ehr:mar', 'lis:results', 'ehr:problems', 'ehr:discharge'] }
})
bot(2, 'claims-coder', ({ i }) => ({ region: 'wa', team: 'revenue-cycle', segment: 'finance', beh: 'coder', host: 'dc', profile: 'autonomous claims coder, business hours + night batch', fams: ['billing:coding', 'billing:claims', 'ehr:discharge', 'adt:encounters', 'ehr:notes'] }))
bot(3, 'bed-management-bot', ({ i }) => ({ region: REGIONS[i % 3], team: 'patient-flow', segment: 'clinical', beh: 'beds', host: 'dc', profile: `bed-management bot for ${REG[REGIONS[i % 3]].site}, polls every few minutes`, fams: ['adt:beds', 'adt:encounters'] }))
bot(3, 'scheduling-bot', ({ i }) => ({ region: REGIONS[i % 3], team: 'access-center', segment: 'clinical', beh: 'sched', host: 'cloud', profile: `clinic scheduling bot for ${REG[REGIONS[i % 3]].site}, clinic hours + 18:00 reminders`, fams: ['sched:appointments'] }))
bot(2, 'research-cohort-finder', ({ i }) => ({ region: 'wa', team: 'clinical-research', segment: 'research', beh: 'cohort', host: 'cloud', profile: 'research cohort finder, on demand + weekly Tuesday-night run', fams: ['dw:deidentified', 'research:cohorts', 'research:consents'] }))
bot(3, 'sepsis-alert', ({ i }) => ({ region: REGIONS[i % 3], team: 'clinical-decision-support', segment: 'clinical', beh: 'sepsis', host: 'dc', profile: `sepsis early-warning CDS for ${REG[REGIONS[i % 3]].site}, every 5 min`, fams: ['ehr:vitals', 'lis:results', 'ehr:notes'] }))
bot(2, 'med-reconciliation', ({ i }) => ({ region: ['wa', 'id'][i % 2], team: 'pharmacy-informatics', segment: 'pharmacy', beh: 'medrec', host: 'dc', profile: 'medication reconciliation bot on admissions', fams: ['ehr:mar', 'rx:dispense', 'ehr:orders', 'ehr:problems'] }))
bot(3, 'ambient-scribe', ({ i }) => ({ region: REGIONS[i % 3], team: 'clinical-documentation', segment: 'clinical', beh: 'scribe', host: 'cloud', profile: `ambient scribe for outpatient clinics at ${REG[REGIONS[i % 3]].site}`, fams: ['ehr:notes', 'ehr:problems', 'sched:appointments'] }))
bot(1, 'roster-assistant', () => ({ region: 'wa', team: 'workforce', segment: 'corporate', beh: 'roster', host: 'cloud', profile: 'rostering assistant, publishes next week\'s roster on Sunday evening', fams: ['roster:shifts', 'hr:leave', 'hr:staff'] }))
bot(1, 'payroll-reconciliation', () => ({ region: 'wa', team: 'people-and-culture', segment: 'corporate', beh: 'payrecon', host: 'dc', profile: 'payroll reconciliation agent, daily timesheets + payroll week', fams: ['hr:payroll', 'hr:staff', 'roster:shifts'] }))
bot(2, 'patient-portal-agent', ({ i }) => ({ region: ['wa', 'id'][i % 2], team: 'digital-front-door', segment: 'clinical', beh: 'portal', host: 'cloud', profile: 'patient-portal messaging agent (results release, appointment questions)', fams: ['sched:appointments', 'lis:results', 'ehr:notes'] }))
bot(1, 'prior-auth-bot', () => ({ region: 'wa', team: 'revenue-cycle', segment: 'finance', beh: 'priorauth', host: 'cloud', profile: 'prior-authorisation bot, weekdays', fams: ['billing:prior-auth', 'ehr:orders', 'billing:payers'] }))
bot(1, 'itsm-triage-bot', () => ({ region: 'wa', team: 'it-operations', segment: 'infrastructure', beh: 'itsm', host: 'dc', profile: 'ITSM ticket triage bot, 24/7', fams: ['itsm:tickets', 'iam:directory'] }))
bot(1, 'pharmacy-reorder-bot', () => ({ region: 'wa', team: 'pharmacy-informatics', segment: 'pharmacy', beh: 'reorder', host: 'dc', profile: 'pharmacy inventory reorder bot, hourly', fams: ['rx:inventory', 'rx:formulary'] }))
bot(1, 'legacy-scribe', () => ({ region: 'wa', team: 'clinical-documentation', segment: 'clinical', beh: 'scribe', host: 'dc', retireDay: 7, profile: 'legacy dictation/scribe app, retired Mon of week 2', fams: ['ehr:notes', 'ehr:problems', 'sched:appointments'] }))
bot(1, 'wound-photo-triage', () => ({ region: 'id', team: 'clinical-decision-support', segment: 'clinical', beh: 'wound', host: 'cloud', enrolDay: 10, profile: 'wound-photo triage bot, enrolled Thu of week 2 (no history)', fams: ['pacs:studies', 'ehr:notes', 'ehr:problems'] }))

// services
const svc = (n, role, build) => tpl(n, 'service', role, build)
svc(3, 'lab-interface-engine', ({ i }) => ({ region: REGIONS[i % 3], name: `lab-hl7-${REG[REGIONS[i % 3]].site}`, team: 'integration', segment: 'diagnostics', beh: 'labengine', host: 'dc', profile: `HL7 lab-result interface engine for ${REG[REGIONS[i % 3]].site}`, fams: ['lis:results', 'lis:orders', 'ehr:orders'] }))
svc(3, 'imaging-archive-sync', ({ i }) => ({ region: REGIONS[i % 3], name: `pacs-sync-${REG[REGIONS[i % 3]].site}`, team: 'integration', segment: 'diagnostics', beh: 'pacs', host: i === 0 ? 'dc' : 'cloud', profile: `imaging archive sync (${REG[REGIONS[i % 3]].site} to the cloud VNA)`, fams: ['pacs:studies', 'ris:reports'] }))
svc(3, 'dispensing-sync', ({ i }) => ({ region: REGIONS[i % 3], name: `pyxis-sync-${REG[REGIONS[i % 3]].site}`, team: 'integration', segment: 'pharmacy', beh: 'dispense', host: 'dc', profile: `dispensing-cabinet sync for ${REG[REGIONS[i % 3]].site}`, fams: ['rx:dispense', 'rx:inventory', 'ehr:mar'] }))
svc(2, 'adt-feed', ({ i }) => ({ region: ['wa', 'id'][i % 2], name: `adt-feed-${i ? 'east' : 'west'}`, team: 'integration', segment: 'clinical', beh: 'adt', host: 'dc', profile: 'ADT (admit/discharge/transfer) feed', fams: ['adt:encounters', 'adt:beds'] }))
svc(2, 'dw-nightly-load', ({ i }) => ({ region: 'wa', name: `dw-load-${i ? 'finance' : 'clinical'}`, team: 'data-platform', segment: 'infrastructure', beh: 'dwload', which: i, host: 'cloud', profile: `nightly data-warehouse load (${i ? 'finance' : 'clinical'}), bigger Sunday full load`, fams: i ? ['billing:claims', 'billing:invoices', 'billing:coding', 'dw:warehouse'] : ['ehr:notes', 'lis:results', 'adt:encounters', 'ehr:mar', 'dw:warehouse', 'dw:deidentified'] }))
svc(3, 'backup-job', ({ i }) => ({ region: REGIONS[i % 3], name: `backup-${REG[REGIONS[i % 3]].site}`, team: 'it-operations', segment: 'infrastructure', beh: 'backup', host: 'dc', profile: `backup job for ${REG[REGIONS[i % 3]].site}, nightly + Saturday full`, fams: ['ops:backups', 'dw:warehouse'] }))
svc(3, 'monitoring-poller', ({ i }) => ({ region: 'wa', name: `poller-${i}`, team: 'it-operations', segment: 'infrastructure', beh: 'poller', every: [1, 5, 5][i], host: i === 2 ? 'cloud' : 'dc', profile: `monitoring poller every ${[1, 5, 5][i]} min`, fams: ['ops:metrics', 'itsm:tickets'] }))
svc(1, 'iam-directory-sync', () => ({ region: 'wa', name: 'iam-sync', team: 'identity', segment: 'infrastructure', beh: 'iamsync', host: 'dc', profile: 'directory sync every 15 min', fams: ['iam:directory', 'hr:staff'] }))
svc(1, 'payroll-export', () => ({ region: 'wa', name: 'payroll-export', team: 'people-and-culture', segment: 'corporate', beh: 'payexport', host: 'dc', profile: 'timesheet import daily, payroll export Thu of payroll week (only in week 2)', fams: ['hr:payroll', 'roster:shifts'] }))
svc(1, 'claims-clearinghouse', () => ({ region: 'wa', name: 'claims-837-submitter', team: 'revenue-cycle', segment: 'finance', beh: 'clearing', host: 'cloud', profile: 'claims clearinghouse submitter, hourly batches 06-22', fams: ['billing:claims', 'billing:payers'] }))
svc(1, 'immunization-feed', () => ({ region: 'id', name: 'iis-feed', team: 'integration', segment: 'clinical', beh: 'iis', host: 'dc', profile: 'nightly immunisation-registry feed', fams: ['ehr:mar', 'ehr:problems'] }))
svc(1, 'legacy-fax-gateway', () => ({ region: 'wa', name: 'fax-gw-legacy', team: 'integration', segment: 'clinical', beh: 'fax', host: 'dc', retireDay: 3, profile: 'legacy fax gateway, decommissioned Thu of week 1; its cron still fires every 30 min', fams: ['ehr:notes', 'ehr:discharge'] }))
svc(1, 'cloud-fax-relay', () => ({ region: 'wa', name: 'fax-relay-cloud', team: 'integration', segment: 'clinical', beh: 'fax', host: 'cloud', enrolDay: 8, profile: 'cloud fax relay replacing the legacy gateway, enrolled Tue of week 2', fams: ['ehr:notes', 'ehr:discharge'] }))

// ---------------------------------------------------------------- fleet construction
function buildFleet(seed, n) {
  const R = new Rng(`${seed}:fleet`)
  const total = T.reduce((s, t) => s + t.n, 0)
  // largest remainder so the fleet has exactly n agents
  const raw = T.map((t) => (t.n * n) / total)
  const counts = raw.map(Math.floor)
  let left = n - counts.reduce((s, c) => s + c, 0)
  const order = raw.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k][1]]++
  const agents = []
  const names = new Set()
  T.forEach((t, ti) => {
    for (let i = 0; i < counts[ti]; i++) {
      const spec = t.build({ R, i })
      const a = { kind: t.kind, role: t.role, ...spec, idx: agents.length }
      if (t.kind === 'service') {
        let name = spec.name; let k = 2
        while (names.has(name)) name = `${spec.name}-${k++}`
        names.add(name)
        a.id = `did:web:svc.hospital-g.example:${name}`
      } else a.id = didKey(R)
      a.site = REG[a.region].site
      // entitlements
      let fams
      if (t.kind === 'employee') fams = [...famsOf(a.mix), ...(a.extra ?? []), ...(a.broad ?? [])]
      else fams = [...a.fams]
      if (a.beh === 'manager') fams.push('adt:beds')
      if (a.beh === 'resident') {
        a.newFams = famsOf(a.mix2).filter((f) => !famsOf(a.mix).includes(f))
        if (a.preheld) fams.push(...a.newFams)
      }
      if (a.beh === 'discharge' && a.v2) a.v2fams = ['rx:dispense']
      if (a.kind === 'company' && R.chance(0.25) && !a.enrolDay) a.broadBot = R.pick(['ehr:orders', 'lis:results', 'hr:staff', 'billing:claims', 'adt:encounters'])
      if (a.broadBot) fams.push(a.broadBot)
      a.entitled = [...new Set(fams)].filter((f) => FAM[f])
      if (a.enrolDay) { a.fams = a.entitled; a.entitled = [] }
      // networks
      const net = REG[a.region].net
      a.homeIp = ipIn(R, R.pick(REG[a.region].isp))
      a.homeIp2 = R.chance(0.15) ? ipIn(R, R.pick(REG[a.region].isp)) : null // DHCP lease changed mid-fortnight
      a.wardHosts = Array.from({ length: 14 }, () => `10.${net}.${10 + (hashInt(a.team) % 30)}.${R.int(20, 220)}`)
      a.officeIp = `10.${net}.${R.int(50, 53)}.${R.int(10, 240)}`
      a.uniIp = ipIn(R, R.pick(UNI))
      a.dcIps = [`10.8.${R.int(4, 12)}.${R.int(10, 250)}`]
      if (R.chance(0.4)) a.dcIps.push(`10.8.${R.int(4, 12)}.${R.int(10, 250)}`)
      a.cloudIps = [ipIn(R, R.pick(CLOUD_NAT)), ipIn(R, R.pick(CLOUD_NAT))]
      a.traits = traitsOf(a)
      agents.push(a)
    }
  })
  return agents
}
function traitsOf(a) {
  const t = []
  if (a.beh === 'nurse8') t.push('rotating-shifts', 'weekend-roster')
  if (a.beh === 'nurse12') t.push('12h-shifts', 'night-shift', 'weekend-roster')
  if (a.beh === 'doctor') t.push('on-call', 'remote-night-access')
  if (a.beh === 'resident') t.push('rotation', 'on-call')
  if (a.beh === 'lab' && a.night) t.push('night-shift')
  if (a.beh === 'radiologist') t.push('tele-reading', 'vpn')
  if (a.beh === 'pharmacist') t.push('weekend-roster')
  if (a.hybrid) t.push('hybrid', 'home-isp')
  if (a.beh === 'it') t.push('on-call', 'vpn')
  if (a.beh === 'manager') t.push('mobile')
  if (a.beh === 'researcher') t.push('university-network')
  if (a.kind !== 'employee') t.push(['beds', 'sepsis', 'labengine', 'pacs', 'dispense', 'adt', 'poller', 'itsm', 'iamsync'].includes(a.beh) ? '24x7' : ['dwload', 'backup', 'iis', 'fax', 'cohort'].includes(a.beh) ? 'batch' : 'business-hours')
  if (a.enrolDay) t.push('new-agent')
  if (a.v2) t.push('new-version')
  if (a.region === 'ak') t.push('holiday-region')
  if ((a.broad?.length ?? 0) > 0 || a.broadBot) t.push('unused-entitlements')
  return t
}

// ---------------------------------------------------------------- sessions per behaviour
// session: { from, to, rate (events/h), mix, loc, site, shape(h,t), patients, clinical }
function planSessions(a, R) {
  const S = []
  const reg = a.region, site = a.site
  const add = (from, to, rate, loc, extra = {}) => { if (to > from) S.push({ from, to, rate, loc, site, mix: a.mix, clinical: true, ...extra }) }
  const wardPatients = (ward, d, k, siteX = site) => {
    const wi = REG_BY_SITE[siteX].wards.indexOf(ward)
    const beds = R.sample([...Array(24).keys()], k)
    return beds.map((b) => patientIn(siteX, wi < 0 ? ward : wi, b, d))
  }
  const peek = (d) => { // off-duty roster/leave peeks from a phone
    if (R.chance(0.35)) { const t = lm(reg, d) + R.range(8, 21) * HOUR; add(t, t + R.range(2, 6) * MIN, 40, 'mobile', { mix: MIX.rosterPeek, clinical: false, mobileIp: ipIn(R, R.pick(MOBILE)) }) }
  }
  switch (a.beh) {
    case 'nurse8': {
      for (let w = 0; w < 2; w++) {
        const type = w === 0 ? R.pick(['D', 'D', 'E', 'N']) : null
        a.shift = a.shift ?? []
        a.shift[w] = w === 0 ? type : (R.chance(0.4) ? R.pick(['D', 'E', 'N'].filter((x) => x !== a.shift[0])) : a.shift[0])
        if (a.fixedShift) a.shift[w] = a.fixedShift
        const offs = new Set(R.sample([0, 1, 2, 3, 4, 5, 6], 2))
        if (R.chance(0.5)) { offs.clear(); offs.add(5); offs.add(6) } // weekend off this week
        for (let k = 0; k < 7; k++) {
          const d = w * 7 + k
          if (offs.has(k)) { peek(d); continue }
          const [h0, len] = { D: [7, 8], E: [15, 8], N: [23, 8] }[a.shift[w]]
          const from = lm(reg, d) + h0 * HOUR - R.range(5, 15) * MIN, to = lm(reg, d) + (h0 + len) * HOUR + R.range(5, 35) * MIN
          add(from, to, a.rate, 'ward', { patients: wardPatients(a.ward, d, R.int(4, 6)), shape: wardShape(from) })
        }
      }
      if (a.shift[0] === 'N') add(lm(reg, -1) + 23 * HOUR, lm(reg, 0) + 7.3 * HOUR, a.rate, 'ward', { patients: wardPatients(a.ward, -1, 5), shape: wardShape(lm(reg, -1) + 23 * HOUR) })
      break
    }
    case 'nurse12': {
      for (let w = 0; w < 2; w++) {
        const night = w === 0 ? R.chance(0.4) : (R.chance(0.35) ? !a.night0 : a.night0)
        if (w === 0) a.night0 = night
        const days = R.sample([0, 1, 2, 3, 4, 5, 6], R.int(3, 4))
        for (const k of days) {
          const d = w * 7 + k, h0 = night ? 19 : 7
          const from = lm(reg, d) + h0 * HOUR - R.range(5, 20) * MIN, to = lm(reg, d) + (h0 + 12) * HOUR + R.range(10, 45) * MIN
          add(from, to, a.rate, 'ward', { patients: wardPatients(R.pick(REG[reg].wards), d, R.int(2, 4)), shape: wardShape(from), ed: true })
        }
        for (let k = 0; k < 7; k++) if (!days.includes(k)) peek(w * 7 + k)
      }
      // MCI call-in: off-duty Boise ED/ICU nurses come in
      if (site === ENV.mciSite && R.chance(0.6)) add(ENV.mciFrom + R.range(40, 90) * MIN, ENV.mciFrom + R.range(6, 9) * HOUR, a.rate * 1.4, 'ward', { patients: null, ed: true, shape: null })
      break
    }
    case 'doctor': case 'resident': {
      const oncallNights = new Set(R.sample([...Array(14).keys()], a.beh === 'resident' ? 3 : 2))
      const weekendRound = R.pick([5, 6, 12, 13])
      for (let d = -1; d < 14; d++) {
        const rotated = a.beh === 'resident' && d >= 7
        const mix = rotated ? a.mix2 : a.mix
        const siteX = rotated && a.crossSite ? a.crossSite : site
        const regX = rotated && a.crossSite ? 'id' : reg
        const ward = REG_BY_SITE[siteX].wards[R.int(0, REG_BY_SITE[siteX].wards.length - 1)]
        if (d >= 0 && !offDay(regX, d)) {
          const from = lm(regX, d) + R.range(7, 8) * HOUR, to = lm(regX, d) + R.range(17, 19) * HOUR
          add(from, to, a.rate, 'ward', { mix, site: siteX, patients: wardPatients(ward, d, R.int(10, 16), siteX), shape: officeShape, ...(siteX !== site ? { wardHosts: Array.from({ length: 8 }, () => `10.30.${R.int(10, 40)}.${R.int(20, 220)}`) } : {}) })
          if (R.chance(0.3)) { const t = lm(regX, d) + R.range(19.5, 22.5) * HOUR; add(t, t + R.range(10, 40) * MIN, a.rate * 0.6, 'home', { mix, site: siteX, patients: wardPatients(ward, d, 6, siteX) }) }
        }
        if (d === weekendRound) { const from = lm(regX, d) + 8 * HOUR; add(from, from + R.range(4, 6) * HOUR, a.rate, 'ward', { mix, site: siteX, patients: wardPatients(ward, d, 12, siteX) }) }
        if (oncallNights.has(d)) {
          const calls = R.int(2, 5)
          for (let c = 0; c < calls; c++) {
            const t = lm(regX, d) + R.range(20, 30.5) * HOUR
            add(t, t + R.range(6, 25) * MIN, a.rate * 1.6, R.chance(0.6) ? 'vpn' : 'home', { mix, site: siteX, patients: wardPatients(ward, d, 3, siteX), vpnIp: `10.250.${R.int(0, 63)}.${R.int(2, 250)}` })
          }
        }
      }
      if (site === ENV.mciSite && R.chance(0.5)) add(ENV.mciFrom + R.range(30, 70) * MIN, ENV.mciFrom + R.range(5, 8) * HOUR, a.rate * 1.3, 'ward', { patients: null, ed: true })
      break
    }
    case 'pharmacist': {
      const weekendWork = R.chance(0.5) ? [5, 6] : [12, 13]
      for (let d = 0; d < 14; d++) {
        const work = offDay(reg, d) ? weekendWork.includes(d) : !(R.chance(0.1))
        if (!work) continue
        const h0 = a.evening ? 14 : 8, len = a.evening ? 8 : 8.5
        const from = lm(reg, d) + (h0 + R.range(-0.2, 0.2)) * HOUR
        add(from, from + len * HOUR, offDay(reg, d) ? a.rate * 0.7 : a.rate, 'ward', { shape: officeShape })
      }
      break
    }
    case 'lab': {
      for (let w = 0; w < 2; w++) {
        const days = R.sample([0, 1, 2, 3, 4, 5, 6], 5)
        for (const k of days) {
          const d = w * 7 + k, h0 = a.night ? 22 : R.pick([6, 6, 14])
          const from = lm(reg, d) + h0 * HOUR - R.range(0, 10) * MIN
          add(from, from + R.range(8, 8.6) * HOUR, a.rate, 'ward', { shape: (h) => labCurve(h) })
        }
      }
      if (a.night) add(lm(reg, -1) + 22 * HOUR, lm(reg, 0) + 6.5 * HOUR, a.rate, 'ward', {})
      break
    }
    case 'radiologist': {
      for (let d = 0; d < 14; d++) {
        if (!offDay(reg, d)) { const from = lm(reg, d) + R.range(7.5, 8.5) * HOUR; add(from, from + R.range(8, 9.5) * HOUR, a.rate, 'ward', { shape: officeShape }) }
        if (R.chance(offDay(reg, d) ? 0.4 : 0.35)) { const t = lm(reg, d) + R.range(19, 22) * HOUR; add(t, t + R.range(0.5, 2.5) * HOUR, a.rate * 0.9, 'vpn', { vpnIp: `10.250.${R.int(64, 127)}.${R.int(2, 250)}` }) }
      }
      break
    }
    case 'office': { // billing, HR (hybrid)
      const homeDays = new Set(R.sample([0, 1, 2, 3, 4], R.int(1, 3)))
      for (let d = 0; d < 14; d++) {
        if (offDay(reg, d) || R.chance(0.06)) continue
        const home = homeDays.has(dow(d))
        const from = lm(reg, d) + R.range(7.7, 9) * HOUR
        let to = from + R.range(7.8, 8.8) * HOUR
        let rate = a.rate
        if (a.billing && d === ENV.quarterEnd) { to += R.range(1.5, 3) * HOUR; rate *= 1.4 }
        if (a.billing && (d === ENV.quarterEnd - 1 || d === ENV.quarterEnd + 1)) rate *= 1.2
        if (a.payroll && (d === 9 || d === 10)) rate *= 1.6
        const mix = a.billing && d >= 8 && a.paUser ? [...a.mix, ...M(['billing:prior-auth', 'read', 6], ['billing:prior-auth', 'update', 3])] : a.mix
        add(from, to, rate, home ? 'home' : 'office', { shape: officeShape, clinical: false, mix })
        if (R.chance(0.1)) { const t = lm(reg, d) + R.range(19, 21.5) * HOUR; add(t, t + R.range(10, 40) * MIN, rate * 0.7, 'home', { clinical: false, mix }) }
      }
      break
    }
    case 'it': {
      for (let d = 0; d < 14; d++) {
        if (!offDay(reg, d)) { const from = lm(reg, d) + R.range(7.5, 9) * HOUR; add(from, from + R.range(8, 9.5) * HOUR, a.rate, R.chance(0.3) ? 'vpn' : 'office', { shape: officeShape, clinical: false, vpnIp: `10.250.${R.int(128, 191)}.${R.int(2, 250)}` }) }
        if (Math.floor(d / 7) === a.oncallWeek && R.chance(0.45)) {
          const t = lm(reg, d) + R.range(19, 31) * HOUR
          add(t, t + R.range(15, 70) * MIN, a.rate * 2, 'vpn', { clinical: false, vpnIp: `10.250.${R.int(128, 191)}.${R.int(2, 250)}` })
        }
      }
      break
    }
    case 'researcher': {
      for (let d = 0; d < 14; d++) {
        if (offDay(reg, d)) { if (R.chance(0.15)) { const t = lm(reg, d) + R.range(10, 16) * HOUR; add(t, t + R.range(0.5, 2) * HOUR, a.rate, 'home', { clinical: false }) } continue }
        if (R.chance(0.15)) continue
        const from = lm(reg, d) + R.range(9, 10.5) * HOUR
        add(from, from + R.range(6, 8.5) * HOUR, a.rate, 'uni', { clinical: false, shape: officeShape })
        if (R.chance(0.3)) { const t = lm(reg, d) + R.range(20, 23) * HOUR; add(t, t + R.range(0.3, 1.5) * HOUR, a.rate, 'home', { clinical: false }) }
      }
      break
    }
    case 'manager': {
      for (let d = 0; d < 14; d++) {
        if (!offDay(reg, d)) { const from = lm(reg, d) + R.range(7, 8.3) * HOUR; add(from, from + R.range(8.5, 10) * HOUR, a.rate, 'office', { clinical: false, shape: officeShape }) }
        if (R.chance(0.6)) { const t = lm(reg, d) + R.range(18.5, 22) * HOUR; add(t, t + R.range(3, 15) * MIN, 40, 'mobile', { mix: MIX.managerPhone, clinical: false, mobileIp: ipIn(R, R.pick(MOBILE)) }) }
      }
      if (site === ENV.mciSite) add(ENV.mciFrom + 20 * MIN, ENV.mciFrom + 6 * HOUR, a.rate * 1.8, 'office', { clinical: false })
      break
    }
    case 'clerk': {
      for (let w = 0; w < 2; w++) for (const k of R.sample([0, 1, 2, 3, 4, 5, 6], 4)) {
        const d = w * 7 + k, from = lm(reg, d) + R.range(6.8, 7.1) * HOUR
        add(from, from + R.range(12, 12.5) * HOUR, a.rate, 'ward', { shape: censusCurve })
      }
      break
    }
    // ---- company and service agents: continuous curves + tasks
    case 'discharge': {
      for (let d = -1; d < 14; d++) {
        const from = lm(reg, d), mult = isWeekend(d) ? 0.6 : 1
        add(from + 6 * HOUR, from + 23 * HOUR, 5.5 * mult, 'host', { task: 'discharge', shape: (h) => h < 9 ? 0.4 : h < 17 ? 1.6 : 0.6 })
      }
      break
    }
    case 'coder': {
      for (let d = 0; d < 14; d++) {
        if (!isWeekend(d)) add(lm(reg, d) + 7 * HOUR, lm(reg, d) + 18 * HOUR, d === ENV.quarterEnd ? 18 : 12, 'host', { task: 'code', shape: officeShape, clinical: false })
        add(lm(reg, d) + 22 * HOUR, lm(reg, d) + R.range(23.5, 24.8) * HOUR, 40, 'host', { task: 'code', clinical: false })
      }
      break
    }
    case 'beds': { // cron every 3 min: list + a few reads
      S.push({ cron: 3, from: START, to: START + 14 * DAY, site, task: 'beds', loc: 'host', clinical: true })
      break
    }
    case 'sched': {
      for (let d = 0; d < 14; d++) {
        if (offDay(reg, d)) { if (dow(d) === 5 && !isHoliday(reg, d)) add(lm(reg, d) + 8 * HOUR, lm(reg, d) + 12 * HOUR, 20, 'host', { task: 'sched' }); continue }
        add(lm(reg, d) + 7 * HOUR, lm(reg, d) + 19 * HOUR, 55, 'host', { task: 'sched', shape: officeShape })
        add(lm(reg, d) + 18 * HOUR, lm(reg, d) + 18.4 * HOUR, 240, 'host', { task: 'remind' })
      }
      break
    }
    case 'cohort': {
      for (let d = 0; d < 14; d++) {
        if (!offDay(reg, d)) add(lm(reg, d) + 9 * HOUR, lm(reg, d) + 18 * HOUR, 6, 'host', { task: 'cohort', clinical: false, shape: officeShape })
        if (dow(d) === 1) add(lm(reg, d) + 22 * HOUR, lm(reg, d) + 23.5 * HOUR, 60, 'host', { task: 'cohortRun', clinical: false })
      }
      break
    }
    case 'sepsis': S.push({ cron: 5, from: START, to: START + 14 * DAY, site, task: 'sepsis', loc: 'host', clinical: true }); break
    case 'medrec': for (let d = -1; d < 14; d++) add(lm(reg, d), lm(reg, d + 1), 6, 'host', { task: 'medrec', shape: censusCurve }); break
    case 'scribe': {
      for (let d = 0; d < 14; d++) if (!offDay(reg, d)) add(lm(reg, d) + 8 * HOUR, lm(reg, d) + 17.5 * HOUR, 26, 'host', { task: 'scribe', shape: officeShape })
      break
    }
    case 'roster': {
      for (let d = 0; d < 14; d++) {
        if (!isWeekend(d)) add(lm(reg, d) + 8 * HOUR, lm(reg, d) + 17 * HOUR, 12, 'host', { task: 'roster', clinical: false, shape: officeShape })
        if (dow(d) === 6) add(lm(reg, d) + 18 * HOUR, lm(reg, d) + 18.7 * HOUR, 400, 'host', { task: 'publish', clinical: false })
      }
      break
    }
    case 'payrecon': {
      for (let d = 0; d < 14; d++) {
        if (!isWeekend(d)) add(lm(reg, d) + 6 * HOUR, lm(reg, d) + 6.5 * HOUR, 120, 'host', { task: 'timesheet', clinical: false })
        if (d === 9 || d === 10) add(lm(reg, d) + 9 * HOUR, lm(reg, d) + 16 * HOUR, 50, 'host', { task: 'payrun', clinical: false })
      }
      break
    }
    case 'portal': for (let d = -1; d < 14; d++) add(lm(reg, d) + 6 * HOUR, lm(reg, d) + 23 * HOUR, 14, 'host', { task: 'portal', shape: (h) => (h < 8 ? 0.5 : h < 18 ? 1.2 : 0.8) * (isWeekend(d) ? 0.6 : 1) }); break
    case 'priorauth': for (let d = 0; d < 14; d++) if (!isWeekend(d)) add(lm(reg, d) + 7 * HOUR, lm(reg, d) + 18 * HOUR, 16, 'host', { task: 'priorauth', clinical: false, shape: officeShape }); break
    case 'itsm': add(START, START + 14 * DAY, 6, 'host', { task: 'itsm', clinical: false, shape: (h, t) => (h >= 8 && h < 17 ? 2 : 0.5) * (isWeekend(localDay(reg, t)) ? 0.4 : 1) }); break
    case 'reorder': S.push({ cron: 60, from: START, to: START + 14 * DAY, site, task: 'reorder', loc: 'host' }); break
    case 'wound': for (let d = 10; d < 14; d++) add(lm(reg, d) + 8 * HOUR, lm(reg, d) + 20 * HOUR, isWeekend(d) ? 4 : 9, 'host', { task: 'wound', shape: officeShape }); break
    case 'labengine': {
      add(lm(reg, -1), lm(reg, 15), site === 'juneau' ? 12 : 26, 'host', { task: 'hl7', shape: (h) => labCurve(h) })
      break
    }
    case 'pacs': add(lm(reg, -1), lm(reg, 15), 22, 'host', { task: 'pacs', shape: (h, t) => censusCurve(h) * (isWeekend(localDay(reg, t)) ? 0.5 : 1) }); break
    case 'dispense': add(lm(reg, -1), lm(reg, 15), site === 'juneau' ? 9 : 18, 'host', { task: 'dispense', shape: (h) => (h >= 7 && h < 10) || (h >= 20 && h < 22) ? 1.6 : h < 6 ? 0.4 : 1 }); break
    case 'adt': add(lm(reg, -1), lm(reg, 15), 26, 'host', { task: 'adt', shape: censusCurve }); break
    case 'dwload': {
      for (let d = -1; d < 14; d++) {
        const from = lm(reg, d) + (a.which ? 2.5 : 1) * HOUR
        S.push({ job: 'dwload', at: from + R.range(0, 3) * MIN, big: dow(d) === 6, site, loc: 'host' })
      }
      break
    }
    case 'backup': for (let d = -1; d < 14; d++) S.push({ job: 'backup', at: lm(reg, d) + (dow(d) === 5 ? 22 : 2) * HOUR + R.range(0, 2) * MIN, big: dow(d) === 5, site, loc: 'host' }); break
    case 'poller': S.push({ cron: a.every, from: START, to: START + 14 * DAY, site, task: 'poll', loc: 'host' }); break
    case 'iamsync': S.push({ cron: 15, from: START, to: START + 14 * DAY, site, task: 'iam', loc: 'host' }); break
    case 'payexport': {
      for (let d = 0; d < 14; d++) if (!isWeekend(d)) S.push({ job: 'timesheet', at: lm(reg, d) + 5 * HOUR, site, loc: 'host' })
      S.push({ job: 'payexport', at: lm(reg, 10) + 18 * HOUR, site, loc: 'host' })
      break
    }
    case 'clearing': for (let d = 0; d < 14; d++) for (let h = 6; h <= 22; h++) if (!isWeekend(d) || h % 3 === 0) S.push({ job: 'clearing', at: lm(reg, d) + h * HOUR + 7 * MIN + R.range(0, 60) * 1000, site, loc: 'host', big: d === ENV.quarterEnd }); break
    case 'iis': for (let d = -1; d < 14; d++) S.push({ job: 'iis', at: lm(reg, d) + 23 * HOUR + 30 * MIN, site, loc: 'host' }); break
    case 'fax': S.push({ cron: a.retireDay !== undefined ? 30 : 10, from: START, to: START + 14 * DAY, site, task: a.retireDay !== undefined ? 'faxLegacy' : 'fax', loc: 'host' }); break
  }
  return S
}

// ---------------------------------------------------------------- event emission
function ipOf(a, s, R) {
  switch (s.loc) {
    case 'ward': return R.chance(0.15) ? `10.${REG_BY_SITE[s.site].net}.${R.int(100, 103)}.${R.int(2, 250)}` : R.pick(s.wardHosts ?? a.wardHosts)
    case 'office': return a.officeIp
    case 'home': return a.homeIp2 && s.from > START + 9 * DAY ? a.homeIp2 : a.homeIp
    case 'vpn': return s.vpnIp ?? '10.250.0.9'
    case 'mobile': return s.mobileIp
    case 'uni': return a.uniIp
    case 'host': return a.host === 'cloud' ? R.pick(a.cloudIps) : R.pick(a.dcIps)
    default: return a.officeIp
  }
}
function verifierOf(fam, site) {
  const seg = FAM[fam] ?? 'clinical'
  return VERIFIERS[seg](site)
}
function mkEv(a, t, fam, action, R, { site, pt, ip, records, constraint, resource } = {}) {
  const ev = { at: Math.floor(t), agent: a.id, fam, action, ip, site: site ?? a.site }
  ev.resource = resource ?? (action === 'list' || action === 'search' || action === 'export' ? fam : resourceFor(R, fam, ev.site, pt))
  if (READS.has(action)) ev.records = records ?? (action === 'read' ? 1 : action === 'list' ? R.int(10, 50) : action === 'search' ? R.int(0, 25) : R.int(200, 3000))
  if (constraint) ev.constraint = true
  return ev
}
function recordsFor(R, x) { return x.r0 !== undefined ? R.int(x.r0, x.r1) : undefined }

// Tasks for bots/services: emit a small burst at time t.
function runTask(a, s, t, R, out, env) {
  const ip = () => ipOf(a, s, R)
  const site = s.site
  const step = (dt, fam, act, opts = {}) => out.push(mkEv(a, t + dt, fam, act, R, { site, ip: ip(), ...opts }))
  const pt = () => patientIn(site, R.int(0, 7), R.int(0, 23), localDay(a.region, t))
  switch (s.task) {
    case 'discharge': {
      const p = pt(); let dt = 0
      const v2 = a.v2 && t >= env.v2At
      if (v2) {
        step(dt, 'ehr:notes', 'search', { records: R.int(3, 30) }); dt += R.range(0.5, 2) * 1000
        step(dt, 'lis:results', 'search', { records: R.int(2, 40) }); dt += R.range(0.5, 2) * 1000
        step(dt, 'rx:dispense', 'read', { pt: p }); dt += R.range(0.5, 2) * 1000
        step(dt, 'ehr:mar', 'read', { pt: p }); dt += R.range(0.5, 2) * 1000
      } else {
        for (let k = R.int(2, 4); k > 0; k--) { step(dt, 'ehr:notes', 'read', { pt: p }); dt += R.range(0.5, 3) * 1000 }
        step(dt, 'ehr:mar', 'read', { pt: p }); dt += R.range(0.5, 2) * 1000
        step(dt, 'lis:results', 'read', { pt: p }); dt += R.range(0.5, 2) * 1000
        step(dt, 'ehr:problems', 'read', { pt: p }); dt += R.range(0.5, 2) * 1000
      }
      step(dt + R.range(20, 90) * 1000, 'ehr:discharge', 'write', { pt: p })
      break
    }
    case 'code': {
      step(0, 'ehr:discharge', 'read'); step(R.range(1, 4) * 1000, 'adt:encounters', 'read')
      if (R.chance(0.3)) step(R.range(2, 5) * 1000, 'ehr:notes', 'read')
      step(R.range(5, 20) * 1000, 'billing:coding', 'write'); if (R.chance(0.6)) step(R.range(20, 40) * 1000, 'billing:claims', 'update')
      break
    }
    case 'beds': {
      const m = surge(site, t, true)
      step(0, 'adt:beds', 'list', { records: R.int(40, 70) * (site === 'juneau' ? 0.5 : 1) | 0 })
      for (let k = R.poisson(0.6 * m); k > 0; k--) step(R.range(1, 60) * 1000, R.chance(0.6) ? 'adt:beds' : 'adt:encounters', R.chance(0.5) ? 'update' : 'read')
      break
    }
    case 'sched': step(0, 'sched:appointments', R.pick(['read', 'read', 'update', 'write', 'search'])); break
    case 'remind': step(0, 'sched:appointments', R.chance(0.3) ? 'list' : 'read', { records: R.chance(0.3) ? R.int(50, 200) : undefined }); break
    case 'cohort': step(0, R.pick(['dw:deidentified', 'research:cohorts']), R.pick(['search', 'read', 'read']), { records: undefined }); if (R.chance(0.2)) step(R.range(2, 10) * 1000, 'research:consents', 'read'); break
    case 'cohortRun': step(0, 'dw:deidentified', R.chance(0.3) ? 'export' : 'search', { records: R.int(100, 5000) }); if (R.chance(0.3)) step(1000, 'research:cohorts', 'write'); break
    case 'sepsis': {
      const m = surge(site, t, true)
      step(0, 'ehr:vitals', 'search', { records: R.int(60, 160) })
      for (let k = R.poisson(1.2 * m); k > 0; k--) step(R.range(2, 30) * 1000, 'lis:results', 'read', { pt: pt() })
      if (R.chance(0.05 * m)) step(R.range(30, 60) * 1000, 'ehr:notes', 'write', { pt: pt() })
      break
    }
    case 'medrec': { const p = pt(); step(0, 'ehr:mar', 'read', { pt: p }); step(1500, 'rx:dispense', 'read', { pt: p }); step(3000, 'ehr:orders', 'read', { pt: p }); if (R.chance(0.5)) step(5000, 'ehr:problems', 'read', { pt: p }); break }
    case 'scribe': { const p = pt(); step(0, 'sched:appointments', 'read'); step(R.range(5, 30) * 1000, 'ehr:problems', 'read', { pt: p }); step(R.range(60, 300) * 1000, 'ehr:notes', 'write', { pt: p }); break }
    case 'roster': step(0, R.pick(['roster:shifts', 'roster:shifts', 'hr:leave', 'hr:staff']), R.pick(['read', 'read', 'update'])); break
    case 'publish': step(0, 'roster:shifts', R.chance(0.9) ? 'update' : 'read'); break
    case 'timesheet': step(0, R.chance(0.7) ? 'roster:shifts' : 'hr:payroll', 'read'); break
    case 'payrun': step(0, R.pick(['hr:payroll', 'hr:payroll', 'hr:staff']), R.chance(0.7) ? 'read' : 'update'); break
    case 'portal': { const r = R.f(); if (r < 0.5) step(0, 'sched:appointments', 'read'); else if (r < 0.85) step(0, 'lis:results', 'read'); else step(0, 'ehr:notes', 'read'); break }
    case 'priorauth': step(0, 'ehr:orders', 'read'); step(R.range(2, 8) * 1000, 'billing:payers', 'read'); step(R.range(10, 30) * 1000, 'billing:prior-auth', R.chance(0.5) ? 'write' : 'update'); break
    case 'itsm': step(0, 'itsm:tickets', R.pick(['read', 'update', 'update'])); if (R.chance(0.2)) step(2000, 'iam:directory', 'read'); break
    case 'reorder': step(0, 'rx:inventory', 'list', { records: R.int(80, 400) }); for (let k = R.int(0, 6); k > 0; k--) step(R.range(2, 60) * 1000, 'rx:inventory', 'update'); if (R.chance(0.3)) step(70000, 'rx:formulary', 'read'); break
    case 'wound': { const p = pt(); step(0, 'pacs:studies', 'read', { pt: p }); step(R.range(2, 8) * 1000, 'ehr:problems', 'read', { pt: p }); step(R.range(20, 60) * 1000, 'ehr:notes', 'write', { pt: p }); break }
    case 'hl7': { const p = pt(); step(0, 'lis:orders', 'read', { pt: p }); step(R.range(0.2, 2) * 1000, 'lis:results', R.chance(0.85) ? 'write' : 'update', { pt: p }); if (R.chance(0.1)) step(R.range(2, 4) * 1000, 'ehr:orders', 'update', { pt: p }); break }
    case 'pacs': { const p = pt(); step(0, 'pacs:studies', 'write', { pt: p }); if (R.chance(0.4)) step(R.range(1, 5) * 1000, 'ris:reports', 'read', { pt: p }); break }
    case 'dispense': { const p = pt(); step(0, 'rx:dispense', 'write', { pt: p }); if (R.chance(0.3)) step(800, 'rx:inventory', 'update'); if (R.chance(0.2)) step(1500, 'ehr:mar', 'read', { pt: p }); break }
    case 'adt': { const p = pt(); step(0, 'adt:encounters', R.chance(0.6) ? 'update' : 'write', { pt: p }); if (R.chance(0.35)) step(700, 'adt:beds', 'update'); break }
    case 'poll': step(0, 'ops:metrics', 'list', { records: R.int(380, 400) }); if (R.chance(0.004)) step(3000, 'itsm:tickets', 'read'); break
    case 'iam': step(0, 'iam:directory', 'list', { records: R.int(0, 40) }); step(2000, 'hr:staff', 'list', { records: R.int(0, 15) }); for (let k = R.poisson(1.5); k > 0; k--) step(R.range(3, 60) * 1000, 'iam:directory', 'update'); break
    case 'faxLegacy': step(0, 'ehr:discharge', 'list', { records: R.int(0, 12) }); break
    case 'fax': step(0, 'ehr:discharge', 'list', { records: R.int(0, 12) }); if (R.chance(0.5)) step(2000, 'ehr:notes', 'read'); break
  }
}
function runJob(a, s, R, out) {
  const ip = () => ipOf(a, s, R)
  let t = s.at
  const step = (fam, act, opts = {}) => { out.push(mkEv(a, t, fam, act, R, { site: s.site, ip: ip(), ...opts })); t += R.range(0.5, 8) * 1000 }
  switch (s.job) {
    case 'dwload': {
      const fams = a.fams.filter((f) => f !== 'dw:warehouse' && f !== 'dw:deidentified')
      const chunks = s.big ? 40 : 14
      for (const f of fams) for (let k = 0; k < chunks; k++) { step(f, 'export', { records: R.int(2000, 5000) }); step('dw:warehouse', 'write'); t += R.range(5, 40) * 1000 }
      if (a.fams.includes('dw:deidentified')) for (let k = 0; k < (s.big ? 10 : 4); k++) step('dw:deidentified', 'write')
      break
    }
    case 'backup': for (let k = 0; k < (s.big ? 60 : 22); k++) { step('ops:backups', 'write'); if (k % 5 === 0) step('ops:backups', 'list', { records: R.int(20, 120) }); t += R.range(20, 240) * 1000 } step('dw:warehouse', 'read'); break
    case 'timesheet': for (let k = 0; k < 30; k++) step(k % 3 ? 'roster:shifts' : 'hr:payroll', k % 3 ? 'read' : 'update'); break
    case 'payexport': for (let k = 0; k < 16; k++) step('hr:payroll', 'export', { records: R.int(200, 600) }); step('roster:shifts', 'list', { records: 400 }); break
    case 'clearing': { step('billing:claims', 'list', { records: R.int(20, s.big ? 400 : 150) }); for (let k = R.int(5, s.big ? 60 : 25); k > 0; k--) step('billing:claims', 'update'); if (R.chance(0.5)) step('billing:payers', 'read'); break }
    case 'iis': step('ehr:mar', 'list', { records: R.int(100, 400) }); step('ehr:problems', 'list', { records: R.int(50, 200) }); break
  }
}

// ---------------------------------------------------------------- decisions
function cachedAllows(verifier, changeAt, t) {
  const c = STATUS_CACHE[verifier]
  if (!c) return false
  const [every, phase] = c
  const slot = (x) => Math.floor((x - phase * HOUR) / (every * HOUR))
  return slot(t) === slot(changeAt)
}
/** Decides one raw event (status, expiry, entitlement, constraint); rate limiting is applied per agent afterwards. */
function decide(a, ev, env) {
  ev.verifier = verifierOf(ev.fam, ev.site)
  ev.segment = FAM[ev.fam] ?? 'clinical'
  const st = env.status.get(a.id)
  if (st && ev.at >= st.at && !cachedAllows(ev.verifier, st.at, ev.at)) return deny(ev, st.status === 'suspended' ? 'ERR_VC_SUSPENDED' : 'ERR_VC_REVOKED')
  for (const w of env.expiry.get(a.id) ?? []) if (ev.at >= w.from && ev.at < w.to) return deny(ev, 'ERR_VC_EXPIRED')
  const g = env.grantsAt(a, ev.fam)
  if (!(g <= ev.at)) return deny(ev, 'ERR_NOT_ENTITLED')
  if (ev.constraint) return deny(ev, 'ERR_CONSTRAINT')
  ev.decision = 'allow'
  return ev
}
function deny(ev, code) { ev.decision = 'deny'; ev.code = code; if (ev.records !== undefined) ev.records = 0; return ev }
function rateLimit(evs, limit, already) {
  // evs sorted; `already` optional Map key->count seeded by other traffic (read only)
  const counts = new Map()
  for (const ev of evs) {
    const key = `${ev.verifier}|${Math.floor(ev.at / MIN)}`
    const c = (counts.get(key) ?? 0) + 1 + (counts.has(key) ? 0 : (already?.get(key) ?? 0))
    counts.set(key, c)
    if (c > limit && ev.decision === 'allow') deny(ev, 'ERR_RATE_LIMITED')
  }
}
function finalize(ev) {
  const o = { at: ev.at, agent: ev.agent, decision: ev.decision }
  if (ev.decision === 'deny') o.code = ev.code
  o.resource = ev.resource; o.action = ev.action; o.ip = ev.ip; o.segment = ev.segment; o.verifier = ev.verifier
  if (ev.records !== undefined) o.records = ev.records
  return o
}

// ---------------------------------------------------------------- benign generation
function benignFor(a, env, scale) {
  const R = new Rng(`${env.seed}:benign:${a.idx}:${a.role}`)
  const sessions = planSessions(a, R)
  const raw = []
  const stopAt = env.status.get(a.id)?.at ?? Infinity
  const enrolAt = env.enrol.get(a.id) ?? -Infinity
  for (const s of sessions) {
    if (s.job) { if (s.at >= enrolAt && s.at < stopAt) runJob(a, s, R, raw); continue }
    if (s.cron) {
      const phase = R.range(0, s.cron * MIN)
      for (let t = s.from + phase; t < s.to; t += s.cron * MIN) {
        if (t < enrolAt) continue
        if (t >= stopAt && s.task !== 'faxLegacy') break
        runTask(a, s, t + R.range(0, 3000), R, raw, env)
      }
      continue
    }
    const from = Math.max(s.from, enrolAt), to = Math.min(s.to, stopAt)
    for (let b = from; b < to; b += BIN) {
      const e = Math.min(b + BIN, to), mid = (b + e) / 2, h = localHour(a.region, mid)
      let lam = s.rate * scale * ((e - b) / HOUR) * (s.shape ? s.shape(h, mid) : 1)
      if (s.clinical !== false && (a.kind !== 'employee' || s.loc === 'ward')) lam *= surge(s.site, mid, true) * (s.ed && s.site === ENV.mciSite && mid >= ENV.mciFrom && mid < ENV.mciTo ? 1.5 : 1)
      const n = R.poisson(lam)
      for (let k = 0; k < n; k++) {
        const t = b + R.f() * (e - b)
        if (s.task) { runTask(a, s, t, R, raw, env); continue }
        const x = R.weighted(s.mix)
        const pt = s.patients && PATIENT_FAMS.has(x.f) ? R.pick(s.patients) : undefined
        raw.push(mkEv(a, t, x.f, x.act, R, { site: s.site, pt, ip: ipOf(a, s, R), records: recordsFor(R, x) }))
      }
    }
  }
  noiseFor(a, sessions, raw, R, env)
  // interface catch-up and outages
  specialsFor(a, raw, R, env)
  // drop what the EHR downtime prevented; clip to the fortnight
  const kept = raw.filter((ev) => ev.at >= START && ev.at < START + 14 * DAY && !inDowntime(ev.site, ev.fam, ev.at) && ev.at >= enrolAt && (ev.at < stopAt || ev.trailing || a.beh === 'fax'))
  kept.sort((x, y) => x.at - y.at)
  for (const ev of kept) decide(a, ev, env)
  rateLimit(kept, RATE_LIMIT[a.kind])
  return kept
}

/** Refusal noise: asking for what one may not read, outside a care relationship, expired credentials, paging loops. */
function noiseFor(a, sessions, raw, R, env) {
  if (raw.length === 0) return
  const pickEv = () => raw[R.int(0, raw.length - 1)]
  const ent = new Set(a.entitled)
  const notEnt = ALL_FAMS.filter((f) => !ent.has(f))
  if (a.kind === 'employee') {
    const n = R.poisson(raw.length * 0.002)
    for (let k = 0; k < n; k++) {
      const base = pickEv(), f = R.pick(a.segment === 'clinical' ? ['billing:claims', 'hr:staff', 'pacs:studies', 'rx:dispense', 'ris:reports', 'hr:payroll', 'sched:appointments', 'research:cohorts'].filter((x) => !ent.has(x)) : notEnt)
      if (!f) continue
      raw.push(mkEv(a, base.at + R.range(2, 60) * 1000, f, R.chance(0.7) ? 'read' : 'search', R, { site: base.site, ip: base.ip }))
    }
    // outside a care relationship
    if (['nurse8', 'nurse12', 'doctor', 'resident', 'pharmacist', 'clerk'].includes(a.beh)) {
      const m = R.poisson(raw.length * 0.003)
      for (let k = 0; k < m; k++) {
        const base = pickEv()
        if (!PATIENT_FAMS.has(base.fam)) continue
        raw.push(mkEv(a, base.at + R.range(5, 120) * 1000, base.fam, 'read', R, { site: base.site, ip: base.ip, constraint: true }))
      }
    }
  } else {
    if (R.chance(0.15)) { const base = pickEv(); const f = R.pick(notEnt); raw.push(mkEv(a, base.at + 1500, f, 'read', R, { site: base.site, ip: base.ip })) }
    if (a.kind === 'company' && R.chance(0.3)) for (let k = R.int(1, 4); k > 0; k--) { const base = pickEv(); if (PATIENT_FAMS.has(base.fam)) raw.push(mkEv(a, base.at + 900, base.fam, R.pick(['update', 'delete']), R, { site: base.site, ip: base.ip, constraint: true })) }
  }
  // expired credential refused, then renewed
  const exp = []
  if (R.chance(a.kind === 'service' ? 0.2 : 0.12)) {
    const base = pickEv()
    const from = base.at - 1, to = base.at + (a.kind === 'service' ? R.range(8, 25) : R.range(1, 6)) * MIN
    exp.push({ from, to })
    // the client retries while renewing
    for (let k = R.int(1, a.kind === 'service' ? 20 : 3); k > 0; k--) raw.push(mkEv(a, R.range(from, to), base.fam, base.action, R, { site: base.site, ip: base.ip, resource: base.resource, records: base.records }))
  }
  if (exp.length) env.expiry.set(a.id, exp)
  // an assistant paging through a long list in a loop (rate-limit refusals)
  if (a.kind === 'employee' && R.chance(0.04)) {
    const base = pickEv()
    for (let k = R.int(70, 110); k > 0; k--) raw.push(mkEv(a, base.at + R.range(0, 55) * 1000, base.fam, READS.has(base.action) ? 'list' : 'read', R, { site: base.site, ip: base.ip, records: R.int(10, 50) }))
  }
  // trailing requests after a lost phone / a leaver's scheduled brief
  const st = env.status.get(a.id)
  if (st && a.beh !== 'fax') {
    const last = raw.filter((ev) => ev.at < st.at)
    const base = last.length ? last.reduce((x, y) => (y.at > x.at ? y : x)) : raw[0]
    const k = R.int(1, 3)
    for (let i = 0; i < k; i++) {
      const t = st.status === 'suspended' ? st.at + R.range(5, 90) * MIN : lm(a.region, localDay(a.region, st.at) + 1 + i) + R.range(6.9, 7.2) * HOUR
      const ev = mkEv(a, t, base.fam, READS.has(base.action) ? base.action : 'read', R, { site: base.site, ip: base.ip })
      ev.trailing = true
      raw.push(ev)
    }
  }
}

function specialsFor(a, raw, R, env) {
  const site = a.site
  const addBurst = (from, to, n, task, s) => { for (let k = 0; k < n; k++) runTask(a, s, R.range(from, to), R, raw, env) }
  const s0 = { site, loc: 'host' }
  // EHR downtime catch-up at Spokane: interfaces replay their queues
  if (site === ENV.downSite && ['labengine', 'adt', 'dispense'].includes(a.beh)) {
    const n = { labengine: 2200, adt: 400, dispense: 600 }[a.beh]
    addBurst(ENV.downTo + R.range(1, 3) * MIN, ENV.downTo + R.range(14, 22) * MIN, n, null, { ...s0, task: { labengine: 'hl7', adt: 'adt', dispense: 'dispense' }[a.beh] })
  }
  // back-charting by nurses on shift after the downtime
  if (site === ENV.downSite && a.beh === 'nurse8') {
    const onShift = raw.filter((ev) => ev.at >= ENV.downFrom - HOUR && ev.at < ENV.downFrom)
    if (onShift.length) for (let k = R.int(15, 35); k > 0; k--) { const b = R.pick(onShift); raw.push(mkEv(a, ENV.downTo + R.range(2, 70) * MIN, R.pick(['ehr:vitals', 'ehr:mar', 'ehr:notes']), R.pick(['write', 'update']), R, { site, ip: b.ip, resource: b.resource.startsWith('ehr:') ? undefined : undefined })) }
  }
  // unplanned outages: rapid retries of the same messages (backend failing behind the verifier), then a flush
  for (const [o, beh, task] of [[ENV.labOutage, 'labengine', 'hl7'], [ENV.imgOutage, 'pacs', 'pacs']]) {
    if (site !== o.site || a.beh !== beh) continue
    const queue = []
    for (let k = 0; k < 12; k++) queue.push(mkEv(a, 0, task === 'hl7' ? 'lis:results' : 'pacs:studies', 'write', R, { site, ip: ipOf(a, s0, R) }))
    for (let t = o.from; t < o.to; t += R.range(1.5, 4) * 1000) { const q = R.pick(queue); raw.push({ ...q, at: Math.floor(t) }) }
    addBurst(o.to, o.to + R.range(6, 10) * MIN, task === 'hl7' ? 900 : 300, null, { ...s0, task })
  }
}

// ---------------------------------------------------------------- status changes, grants, enrolment
function orgChanges(agents, seed) {
  const R = new Rng(`${seed}:org`)
  const n = agents.length
  const perKind = Math.max(1, Math.round((3 * n) / 150))
  const statusChanges = [], grants = []
  const status = new Map(), enrol = new Map()
  const eligibleEmp = agents.filter((a) => a.kind === 'employee' && !['resident'].includes(a.beh))
  const shuffled = R.shuffle(eligibleEmp)
  const nSusp = perKind + Math.max(1, Math.round(n / 75)), nRet = perKind + Math.max(2, Math.round(n / 50))
  const susp = shuffled.slice(0, nSusp), ret = shuffled.slice(nSusp, nSusp + nRet)
  for (const a of susp) { // lost phone reported in the evening of days 7..10
    const d = R.int(7, 10)
    status.set(a.id, { at: Math.floor(lm(a.region, d) + R.range(17.5, 22) * HOUR), status: 'suspended' })
  }
  for (const a of ret) { // leaver's last day
    const d = R.int(7, 10)
    status.set(a.id, { at: Math.floor(lm(a.region, d) + R.range(16.5, 18) * HOUR), status: 'retired' })
  }
  for (const a of agents) if (a.retireDay !== undefined) status.set(a.id, { at: Math.floor(lm(a.region, a.retireDay) + 12 * HOUR), status: 'retired' })
  for (const [id, s] of status) statusChanges.push({ at: s.at, agent: id, status: s.status })
  // grants
  for (const a of agents) {
    if (a.beh === 'resident' && !a.preheld) for (const f of a.newFams) grants.push({ at: Math.floor(lm(a.region, 7) + R.range(5.5, 6.8) * HOUR), agent: a.id, family: f })
    if (a.enrolDay) {
      const at = Math.floor(lm(a.region, a.enrolDay) + (a.beh === 'wound' ? 7.5 : 9) * HOUR)
      enrol.set(a.id, at + 10 * MIN)
      for (const f of a.fams) grants.push({ at, agent: a.id, family: f })
    }
  }
  const v2 = agents.find((a) => a.v2)
  const v2At = v2 ? Math.floor(lm(v2.region, 9) + 20 * HOUR) : Infinity
  if (v2) for (const f of v2.v2fams) grants.push({ at: v2At - 15 * MIN, agent: v2.id, family: f })
  // billing team adopts prior-auth
  const paAt = Math.floor(lm('wa', 8) + 9 * HOUR)
  for (const a of agents.filter((x) => x.billing)) { grants.push({ at: paAt, agent: a.id, family: 'billing:prior-auth' }); a.paUser = R.chance(0.7) }
  statusChanges.sort((x, y) => x.at - y.at)
  grants.sort((x, y) => x.at - y.at)
  return { statusChanges, grants, status, enrol, v2At, perKind }
}

// ---------------------------------------------------------------- attacks
function plantAttacks(agents, benignByAgent, env, seed, perKind) {
  const R = new Rng(`${seed}:attacks`)
  const evalFrom = START + 7 * DAY, END = START + 14 * DAY
  const used = new Set()
  const out = [], attacks = []
  const ok = (a) => !used.has(a.id) && !env.enrol.has(a.id) && a.beh !== 'fax' && !a.newAgent
  const active = (a) => !env.status.has(a.id)
  const hist = (a) => benignByAgent.get(a.id).filter((e) => e.at < evalFrom)
  const evalEvs = (a) => benignByAgent.get(a.id).filter((e) => e.at >= evalFrom && e.decision === 'allow')
  const pickVictims = (pool, k) => {
    const chosen = []
    for (const a of R.shuffle(pool)) { if (chosen.length >= k) break; if (ok(a)) { chosen.push(a); used.add(a.id) } }
    return chosen
  }
  const spread = (pool) => { // prefer kinds in rotation employee/company/service
    const by = { employee: [], company: [], service: [] }
    for (const a of R.shuffle(pool)) by[a.kind].push(a)
    const res = []; const order = ['employee', 'company', 'service']
    for (let i = 0; res.length < pool.length; i++) { const k = order[i % 3]; const x = by[k].shift(); if (x) res.push(x); if (!by.employee.length && !by.company.length && !by.service.length) break }
    return res
  }
  const pickSpread = (pool, k) => {
    const chosen = []
    for (const a of spread(pool)) { if (chosen.length >= k) break; if (ok(a)) { chosen.push(a); used.add(a.id) } }
    return chosen
  }
  const emit = (a, evs, kind) => {
    if (!evs.length) return
    evs.sort((x, y) => x.at - y.at)
    const clipped = evs.filter((e) => e.at >= evalFrom && e.at < END)
    if (!clipped.length) return
    for (const ev of clipped) decide(a, ev, env)
    // rate limit counting the victim's own benign traffic in the same minutes
    const already = new Map()
    for (const ev of benignByAgent.get(a.id)) { const key = `${ev.verifier}|${Math.floor(ev.at / MIN)}`; already.set(key, (already.get(key) ?? 0) + 1) }
    rateLimit(clipped, RATE_LIMIT[a.kind], already)
    out.push(...clipped)
    attacks.push({ kind, agent: a.id, start: clipped[0].at, end: clipped[clipped.length - 1].at })
  }
  const usualFams = (a) => { const c = new Map(); for (const e of hist(a)) if (e.decision === 'allow') c.set(e.fam, (c.get(e.fam) ?? 0) + 1); return [...c.entries()].sort((x, y) => y[1] - x[1]).map((x) => x[0]) }
  const usualIps = (a) => { const c = new Map(); for (const e of hist(a)) c.set(e.ip, (c.get(e.ip) ?? 0) + 1); return [...c.entries()].sort((x, y) => y[1] - x[1]).map((x) => x[0]) }
  const sampleBenign = (a, from, to) => benignByAgent.get(a.id).filter((e) => e.at >= from && e.at < to)
  const workHours = (a, d) => { const evs = sampleBenign(a, lm(a.region, d), lm(a.region, d + 1)); return evs }
  const dayOnly = (a) => ['office', 'researcher', 'manager', 'sched', 'priorauth', 'scribe', 'roster', 'cohort'].includes(a.beh) || (a.beh === 'pharmacist' && !a.evening)
  const notEnt = (a) => ALL_FAMS.filter((f) => !a.entitled.includes(f))
  // a moment when the victim is at work in the evaluated week (not in its last half-day)
  const baseOf = (a) => R.pick(evalEvs(a).filter((e) => e.at < START + 13.5 * DAY)) ?? R.pick(benignByAgent.get(a.id)) ?? { at: evalFrom + DAY, ip: a.officeIp, fam: a.entitled[0] ?? 'ehr:notes', action: 'read', site: a.site }

  // --- status kinds first (victims constrained)
  const suspended = agents.filter((a) => env.status.get(a.id)?.status === 'suspended')
  for (const [i, a] of pickVictims(suspended, perKind).entries()) {
    const st = env.status.get(a.id), evs = []
    const fams = usualFams(a), ip = i === 1 ? ipIn(R, R.pick(VPS)) : ipIn(R, R.pick(MOBILE))
    const t0 = i === 0 ? st.at + R.range(15, 60) * MIN : st.at + R.range(10, 30) * HOUR
    const n = [R.int(6, 14), R.int(25, 60), R.int(12, 30)][i % 3]
    // prefer families behind status-caching verifiers for the quick variant
    const cachedFams = fams.filter((f) => STATUS_CACHE[verifierOf(f, a.site)])
    for (let k = 0; k < n; k++) {
      const f = i === 0 && cachedFams.length ? R.pick(cachedFams) : R.pick(fams.slice(0, 5))
      const act = i === 1 && k % 3 === 0 ? 'export' : R.chance(0.3) ? 'list' : 'read'
      evs.push(mkEv(a, t0 + k * R.range(15, 120) * 1000, f, act, R, { ip, records: act === 'export' ? R.int(500, 3000) : undefined }))
    }
    emit(a, evs, 'suspended-in-use')
  }
  const retired = agents.filter((a) => env.status.get(a.id)?.status === 'retired' && a.beh !== 'fax')
  for (const [i, a] of pickVictims(retired, perKind).entries()) {
    const st = env.status.get(a.id), evs = []
    const fams = usualFams(a), ips = usualIps(a)
    const home = a.kind === 'employee' ? a.homeIp : ipIn(R, R.pick(VPS))
    const t0 = i % 3 === 0 ? st.at + R.range(2, 4) * HOUR : st.at + R.range(20, 60) * HOUR
    const n = [R.int(20, 50), R.int(8, 16), R.int(60, 150)][i % 3]
    for (let k = 0; k < n; k++) {
      const f = R.pick(fams.slice(0, 6)), act = i % 3 === 2 ? R.pick(['export', 'list', 'read']) : R.pick(['read', 'read', 'list', 'search'])
      evs.push(mkEv(a, t0 + k * R.range(5, 90) * 1000, f, act, R, { ip: i % 3 === 1 && ips[0] ? ips[0] : home }))
    }
    emit(a, evs, 'retired-in-use')
  }
  const live = agents.filter((a) => active(a) && benignByAgent.get(a.id).length > 50)
  // --- off-hours-use: day-only victims
  for (const [i, a] of pickSpread(live.filter(dayOnly), perKind).entries()) {
    const d = R.int(8, 12), evs = []
    const fams = usualFams(a), ips = usualIps(a)
    const t0 = lm(a.region, d) + R.range(1, 3.5) * HOUR
    const n = [R.int(15, 30), R.int(60, 140), R.int(30, 60)][i % 3]
    const ip = i % 3 === 0 ? ips[0] : i % 3 === 1 ? (a.kind === 'employee' ? a.homeIp : ips[0]) : ipIn(R, R.pick(VPS))
    for (let k = 0; k < n; k++) { const f = R.pick(fams.slice(0, 4)); evs.push(mkEv(a, t0 + k * R.range(10, 80) * 1000, f, R.pick(['read', 'read', 'list', 'search']), R, { ip })) }
    emit(a, evs, 'off-hours-use')
  }
  // --- record-snooping: clinical employees (and a portal agent)
  const snoopPool = live.filter((a) => ['nurse8', 'nurse12', 'doctor', 'pharmacist', 'clerk', 'portal'].includes(a.beh))
  for (const [i, a] of pickVictims(snoopPool, perKind).entries()) {
    const evs = []
    const mine = evalEvs(a).filter((e) => e.at < START + 13 * DAY)
    if (!mine.length) continue
    const base = R.pick(mine)
    const vip = [R.int(10000, 99999)]; if (i % 2) vip.push(R.int(10000, 99999))
    const chart = ['ehr:notes', 'ehr:problems', 'lis:results', 'ris:reports', 'ehr:mar', 'adt:encounters', 'rx:dispense', 'ehr:vitals']
    const held = chart.filter((f) => a.entitled.includes(f))
    const fams = held.length ? held : chart
    const n = [R.int(8, 15), R.int(20, 40), R.int(12, 25)][i % 3]
    for (let k = 0; k < n; k++) {
      const f = R.chance(0.08) ? R.pick(chart) : R.pick(fams), otherSite = R.pick(REGIONS.map((r) => REG[r].site))
      evs.push(mkEv(a, base.at + R.range(20, 40) * 1000 + k * R.range(10, 60) * 1000, f, 'read', R, { ip: base.ip, pt: R.pick(vip), site: otherSite, constraint: R.chance(0.2) }))
    }
    emit(a, evs, 'record-snooping')
  }
  // --- hr-grab: clinical or billing agents
  const hrPool = live.filter((a) => (a.kind === 'employee' && ['clinical', 'finance', 'diagnostics', 'pharmacy'].includes(a.segment)) || (a.kind === 'company' && ['clinical', 'finance'].includes(a.segment)))
  const withHr = hrPool.filter((a) => a.entitled.some((f) => f.startsWith('hr:')))
  const hrFirst = pickVictims(withHr, 1)
  const hrVictims = [...hrFirst, ...pickSpread(hrPool, perKind - hrFirst.length)]
  for (const [i, a] of hrVictims.entries()) {
    const evs = [], base = baseOf(a)
    const n = [R.int(15, 30), R.int(60, 200), R.int(8, 15)][i % 3]
    for (let k = 0; k < n; k++) {
      const f = R.pick(['hr:staff', 'hr:staff', 'hr:payroll', 'hr:credentialing', 'hr:leave'])
      evs.push(mkEv(a, base.at + 30000 + k * R.range(5, 60) * 1000, f, R.pick(['read', 'read', 'list', 'search']), R, { ip: base.ip, records: undefined }))
    }
    emit(a, evs, 'hr-grab')
  }
  // --- lateral-movement
  for (const [i, a] of pickSpread(live, perKind).entries()) {
    const evs = [], base = baseOf(a)
    const segs = [...new Set(Object.values(FAM))].filter((s) => s !== a.segment)
    const targets = R.sample(segs, R.int(3, 5)).flatMap((s) => R.sample(ALL_FAMS.filter((f) => FAM[f] === s), R.int(1, 3)))
    const ip = i % 2 ? base.ip : (a.kind === 'employee' ? `10.${REG[a.region].net}.${R.int(10, 60)}.${R.int(2, 250)}` : `10.8.${R.int(4, 12)}.${R.int(10, 250)}`)
    let t = base.at + 60000
    for (const f of targets) for (let k = R.int(2, i % 3 === 2 ? 4 : 12); k > 0; k--) { evs.push(mkEv(a, t, f, R.pick(['list', 'read', 'search']), R, { ip })); t += R.range(3, i % 3 === 2 ? 300 : 40) * 1000 }
    emit(a, evs, 'lateral-movement')
  }
  // --- probing
  for (const [i, a] of pickSpread(live, perKind).entries()) {
    const evs = [], base = baseOf(a)
    const n = [R.int(40, 80), R.int(150, 300), R.int(20, 35)][i % 3]
    const span = [20, 30, 150][i % 3] * MIN
    const ip = i === 1 ? ipIn(R, R.pick(VPS)) : base.ip
    for (let k = 0; k < n; k++) {
      const f = R.chance(0.75) ? R.pick(notEnt(a)) : R.pick(a.entitled)
      const act = R.pick(['read', 'list', 'export', 'delete', 'update', 'write', 'search'])
      evs.push(mkEv(a, base.at + 20000 + R.f() * span, f ?? 'hr:payroll', act, R, { ip, constraint: f && a.entitled.includes(f) && ['delete', 'export'].includes(act) }))
    }
    emit(a, evs, 'probing')
  }
  // --- two-networks: while the owner works
  for (const [i, a] of pickSpread(live.filter((x) => x.beh !== 'poller'), perKind).entries()) {
    const evs = []
    const mine = evalEvs(a).filter((e) => e.at < START + 13.5 * DAY)
    const base = R.pick(mine)
    const win = [R.range(20, 40), R.range(60, 120), R.range(10, 20)][i % 3] * MIN
    const ownerEvs = mine.filter((e) => e.at >= base.at && e.at < base.at + win)
    const ip = i % 3 === 0 ? ipIn(R, R.pick(VPS)) : i % 3 === 1 ? ipIn(R, R.pick(REG[R.pick(REGIONS)].isp)) : ipIn(R, R.pick(MOBILE))
    const n = Math.max(12, Math.round(ownerEvs.length * R.range(0.3, 0.8)))
    for (let k = 0; k < Math.min(n, 200); k++) { const o = ownerEvs.length ? R.pick(ownerEvs) : base; evs.push(mkEv(a, o.at + R.range(-60, 60) * 1000, o.fam, READS.has(o.action) ? o.action : 'read', R, { ip, site: o.site })) }
    emit(a, evs, 'two-networks')
  }
  // --- new-action
  for (const [i, a] of pickSpread(live, perKind).entries()) {
    const evs = []
    const pairs = new Set(benignByAgent.get(a.id).map((e) => `${e.fam}|${e.action}`))
    const fams = usualFams(a).filter((f) => a.entitled.includes(f))
    let fam = null, act = null
    for (const f of fams) { const cand = ['export', 'delete', 'update', 'sign', 'list', 'write'].filter((x) => !pairs.has(`${f}|${x}`)); if (cand.length) { fam = f; act = cand[i % cand.length]; break } }
    if (!fam) continue
    const base = baseOf(a)
    const n = [R.int(3, 6), R.int(15, 40), R.int(2, 3)][i % 3]
    for (let k = 0; k < n; k++) evs.push(mkEv(a, base.at + 15000 + k * R.range(5, 90) * 1000, fam, act, R, { ip: base.ip, site: base.site }))
    emit(a, evs, 'new-action')
  }
  // --- bulk-read
  for (const [i, a] of pickSpread(live, perKind).entries()) {
    const evs = [], base = baseOf(a)
    const fams = usualFams(a).slice(0, 4)
    const n = [R.int(20, 40), R.int(300, 900), R.int(60, 120)][i % 3]
    const span = [15, 50, 25][i % 3] * MIN
    for (let k = 0; k < n; k++) {
      const f = R.pick(fams), act = i % 3 === 1 ? 'read' : R.pick(['export', 'list', 'export'])
      evs.push(mkEv(a, base.at + 10000 + R.f() * span, f, act, R, { ip: base.ip, site: base.site, records: act === 'read' ? 1 : act === 'export' ? R.int(2000, 10000) : R.int(200, 1000) }))
    }
    emit(a, evs, 'bulk-read')
  }
  // --- rate-flood
  for (const [i, a] of pickSpread(live, perKind).entries()) {
    const evs = [], base = baseOf(a)
    const perMin = [R.int(150, 300), R.int(800, 1500), R.int(300, 600)][i % 3], mins = [R.int(4, 8), R.int(10, 20), R.int(5, 10)][i % 3]
    const f = base.fam, act = READS.has(base.action) ? base.action : 'read'
    for (let k = 0; k < perMin * mins; k++) evs.push(mkEv(a, base.at + 5000 + R.f() * mins * MIN, f, act, R, { ip: base.ip, site: base.site, records: act === 'read' ? 1 : R.int(0, 30) }))
    emit(a, evs, 'rate-flood')
  }
  // --- mass-update (ransomware-style): agents that write
  const writers = live.filter((a) => benignByAgent.get(a.id).filter((e) => ['write', 'update'].includes(e.action)).length > 100)
  for (const [i, a] of pickSpread(writers, perKind).entries()) {
    const evs = []
    const mine = evalEvs(a).filter((e) => e.at < START + 13.5 * DAY)
    const nightish = mine.filter((e) => { const h = localHour(a.region, e.at); return h < 5 || h > 22 })
    const base = R.pick(nightish.length && i % 2 === 0 ? nightish : mine)
    const wfams = [...new Set(benignByAgent.get(a.id).filter((e) => ['write', 'update', 'delete'].includes(e.action)).map((e) => e.fam))]
    let t = base.at + 20000
    if (a.entitled.includes('ops:backups')) for (let k = 0; k < 40; k++) { evs.push(mkEv(a, t, 'ops:backups', 'delete', R, { ip: base.ip })); t += R.range(0.5, 3) * 1000 }
    const n = [R.int(1500, 4000), R.int(300, 700), R.int(5000, 9000)][i % 3], span = [20, 40, 12][i % 3] * MIN
    for (let k = 0; k < n; k++) evs.push(mkEv(a, t + R.f() * span, R.pick(wfams), R.chance(0.7) ? 'update' : 'delete', R, { ip: base.ip, site: base.site }))
    emit(a, evs, 'mass-update')
  }
  // --- slow-exfiltration: day-by-day growth of the victim's own reading
  const readers = live.filter((a) => hist(a).filter((e) => READS.has(e.action)).length > 300)
  for (const [i, a] of pickSpread(readers, perKind).entries()) {
    const evs = []
    const finalX = [R.range(4, 6), R.range(8, 12), R.range(12, 16)][i % 3]
    const hReads = hist(a).filter((e) => READS.has(e.action) && e.decision === 'allow')
    const perDay = hReads.length / 7
    const fams = usualFams(a).filter((f) => hReads.some((e) => e.fam === f)).slice(0, 4)
    for (let d = 7; d < 14; d++) {
      const k = d - 7, x = 1 + (finalX - 1) * Math.pow((k + 1) / 7, 1.6)
      const extra = Math.round(perDay * (x - 1) * 0.6)
      const dayEvs = benignByAgent.get(a.id).filter((e) => e.at >= lm(a.region, d) && e.at < lm(a.region, d + 1) && e.decision === 'allow')
      if (!dayEvs.length) continue
      for (let j = 0; j < extra; j++) {
        const o = R.pick(dayEvs), f = R.pick(fams)
        const act = R.chance(0.25 + 0.05 * k) ? 'export' : R.chance(0.5) ? 'list' : 'read'
        evs.push(mkEv(a, o.at + R.range(1, 120) * 1000, f, act, R, { ip: o.ip, site: o.site, records: act === 'export' ? Math.round(R.int(100, 600) * x) : act === 'list' ? R.int(20, 50) : 1 }))
      }
    }
    emit(a, evs, 'slow-exfiltration')
  }
  return { events: out, attacks }
}

// ---------------------------------------------------------------- entry point
export function generateWeek({ seed = 1, agents: n = 150, scale = 1, attacks: withAttacks = true } = {}) {
  const fleet = buildFleet(seed, n)
  const org = orgChanges(fleet, seed)
  const grantIdx = new Map()
  for (const a of fleet) grantIdx.set(a.id, new Map(a.entitled.map((f) => [f, -Infinity])))
  for (const g of org.grants) { const m = grantIdx.get(g.agent); if (!(m.get(g.family) <= g.at)) m.set(g.family, g.at) }
  const env = {
    seed, status: org.status, enrol: org.enrol, v2At: org.v2At, expiry: new Map(),
    grantsAt: (a, f) => grantIdx.get(a.id).get(f) ?? Infinity,
  }
  const benignByAgent = new Map()
  let all = []
  for (const a of fleet) {
    const evs = benignFor(a, env, scale)
    benignByAgent.set(a.id, evs)
    for (const e of evs) all.push(e)
  }
  let attacks = []
  if (withAttacks) {
    const planted = plantAttacks(fleet, benignByAgent, env, seed, org.perKind)
    attacks = planted.attacks.sort((x, y) => x.start - y.start)
    for (const e of planted.events) all.push(e)
  }
  all.sort((x, y) => x.at - y.at || (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0))
  const events = all.map(finalize)
  const agents = fleet.map((a) => ({ id: a.id, kind: a.kind, team: a.team, segment: a.segment, region: a.region, role: a.role, entitled: [...a.entitled], profile: a.profile, traits: [...a.traits] }))
  return { agents, events, attacks, statusChanges: org.statusChanges, grants: org.grants, evalFrom: START + 7 * DAY, start: START, end: START + 14 * DAY }
}
