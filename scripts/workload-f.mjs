// workload-f.mjs: a fifth, independent fortnight for the anomaly evaluation (issue 21).
// Written from how a company fleet behaves, without reading the detector or the other generators
// (only their output shape). Fortnight: Mon 19 Oct 2026 00:00 UTC .. Mon 2 Nov 2026 00:00 UTC;
// week 1 (19-25 Oct) is history, week 2 (26 Oct - 1 Nov) is evaluated.
//
// FLEET (150 agents by default; roles scale with `agents`)
//   employees (60%): personal assistants of account execs, sales leads, accountants, HR partners,
//     engineers, SREs, support reps, analysts, in Dublin, Berlin, New York, Bangalore, Singapore.
//   company (21%): agents inside business apps: CRM enricher, invoice matcher, ticket triage, KB
//     answerer, code reviewer, recruiting screener, forecast bot, meeting-notes bot.
//   service (19%): nightly ETL, hourly CRM->ERP sync, metrics pollers, support queue workers,
//     backup snapshots, Monday report, a one-off backfill job, CI runners.
//
// BENIGN HABITS
//   B1  Work days in local time (five time zones), habitual start +-20 min, lunch dip, slower late
//       afternoon; requests come as "tasks": a burst of 1-10 requests seconds apart.
//   B2  Part-timers: mornings-only, or Mon/Wed/Thu only.
//   B3  Hybrid workers: office days from the office NAT pool, other days from a home ISP address
//       (a few home addresses change mid-fortnight on DHCP renewal); phone sessions from carrier
//       CGNAT addresses on commutes and evenings; rare weekend sessions.
//   B4  DST: Europe leaves summer time on 25 Oct (history week), US on 1 Nov (evaluated Sunday):
//       local-time habits move by an hour in UTC, UTC-scheduled services do not.
//   B5  Services: nightly ETL (01:00 UTC + stagger, full refresh on Sundays), hourly sync at a
//       fixed minute, 15- or 5-minute metrics pollers, daily 03:10 backup snapshot, CI runners
//       following commit activity in Berlin and Bangalore.
//   B6  Queue backlog: helpdesk outage (20 min in history, 75 min on Thu 29 Oct): nobody reaches
//       helpdesk-api during it; queue workers drain the backlog at their top speed afterwards.
//   B7  Holiday: Irish October bank holiday Mon 26 Oct, Dublin staff off; Tuesday catch-up at 1.5x
//       with a longer day.
//   B8  Month-end close: finance staff and the invoice matcher at ~2x on 28-30 Oct, working into
//       the evening, exporting ledger extracts on the last business day; ETL pulls more invoices.
//   B9  On-call: one SRE per site on call each week; 0-2 pages a night, 15-60 min of incident work
//       from home at night.
//   B10 Releases: ticket-triage v2 (Wed 28 Oct) moves from one read per ticket to batched searches;
//       code-reviewer v2 starts reading CI pipeline results (entitled but unused before).
//   B11 Noise: refusals when a user asks the assistant for something out of scope
//       (ERR_NOT_ENTITLED), policy refusals (ERR_CONSTRAINT), rate-limit refusals on bursts,
//       expired credentials refused once then renewed (services, ERR_VC_EXPIRED).
//   B12 Over-broad old entitlements (previous roles); a few used once in the fortnight.
//   B13 New grant adopted by a team: support gets crm:accounts on Tue 27 Oct and starts using it;
//       analysts get fin:invoices on Wed 21 Oct (history).
//   B14 Office move: Berlin office moves to a new building/ISP on Mon 26 Oct (new NAT addresses).
//   B15 (own) Weekly Monday report service: 06:00 Dublin time, reads across CRM, ERP, helpdesk, DW.
//   B16 (own) Backfill migration job: Fri 23 Oct 14:00 UTC to Tue 27 Oct ~09:30 UTC, steady
//       day and night, pausing during the ETL window.
//   B17 (own) Support shift rotation: support reps work 06-14 or 14-22 local; half swap shifts
//       in week 2.
//   B18 (own) Sales conference: New York account execs at a Las Vegas conference Tue-Thu of week 2:
//       hotel wifi and phones, Pacific-time early mornings and evenings.
//   B19 (own) Team lead covering: an account exec on leave all week 2; their sales lead works their
//       accounts (new records, ~1.4x volume).
//   B20 (own) Agent handover: the forecast bot moves from the Berlin team's infrastructure to the
//       New York team's cloud on Wed 28 Oct: new addresses, New York business hours.
//   B21 (own) Leavers and suspensions: some employees leave (retired at end of last day) or are
//       suspended (lost laptop) during week 2 and go quiet; a service decommissioned in week 1 keeps
//       firing its cron, refused (ERR_VC_REVOKED), for half a day.
//   B22 (own) Release train: CI runners at ~2x on Wed 28 Oct afternoon (Berlin).
//
// ATTACKS (evaluated week only; ~3 per kind at 150 agents; distinct victims, rotated across agent
// kinds, some victims chosen among the noisiest agents of the history week)
//   slow-exfiltration   extra list/read requests on the victim's own main family, piggy-backing on
//                       its own sessions (same times, same address), growing ~1.5x a day, records
//                       per request growing too, walking ids sequentially; 5-6 days.
//   suspended-in-use    credential suspended (lost laptop / suspected leak); from 20 min after, an
//                       outside VPS keeps using it for hours; cached verifiers (warehouse 12 h,
//                       wiki 6 h, calendar 4 h) still allow, others refuse ERR_VC_SUSPENDED.
//   retired-in-use      a leaver's credential used after retirement: the same evening (caches may
//                       still allow) or 1-3 days later; from the old home address or a VPS.
//   lateral-movement    from the victim's own address in work hours: searches and reads into 3-5
//                       families of other segments; old over-broad entitlements allowed, others refused.
//   hr-grab             HR directory and reviews: search, pages of 50-200 records, an export; or
//                       refusals when not entitled; from the victim's address or a VPS.
//   bulk-read           15-60 lists/exports of 500-5000 records on the main family within ~20 min.
//   probing             40-150 requests across all families and actions with odd ids, mostly refused.
//   two-networks        while the owner works, a second network (VPS abroad) uses the credential at
//                       about the owner's pace on the owner's families for 1-3 hours.
//   off-hours-use       01:00-04:30 local, from the owner's own home/app address, owner's families.
//   rate-flood          3-6x the victim's busiest hourly rate for 30-90 min, same shape and address.
//   new-action          an action the victim never used (delete, export, write, admin) on its family.
//   token-replay        (own) credential leaked with a password-manager export, replayed for 6-20 h
//                       at a low rate, each request from a different residential-proxy address.
//   write-staging       (own) read pages of the main family, write them into a staging family
//                       (dw:exports / docs:wiki / mail drafts), then export the staging area.
//   delegation-overreach (own) an assistant acting on behalf of a user reaches other users' records in
//                       its own families: policy refusals (ERR_CONSTRAINT), reads outside its working
//                       set, refused writes.

const DAY = 86_400_000, HOUR = 3_600_000, MIN = 60_000, SEC = 1000;
const START = Date.UTC(2026, 9, 19); // Monday 19 October 2026
const DAYS = 14, EVAL_FROM = START + 7 * DAY, END = START + DAYS * DAY;
const EU_DST_END = Date.UTC(2026, 9, 25, 1), US_DST_END = Date.UTC(2026, 10, 1, 6), PT_DST_END = Date.UTC(2026, 10, 1, 9);
const OUTAGES = [[START + 1 * DAY + 9 * HOUR + 40 * MIN, START + 1 * DAY + 10 * HOUR], [START + 10 * DAY + 13 * HOUR + 10 * MIN, START + 10 * DAY + 14 * HOUR + 25 * MIN]];
const OUTAGE_VER = 'helpdesk-api';
const HOLIDAYS = { dublin: [7] }; // Irish October bank holiday, Mon 26 Oct
const MONTH_END = [9, 10, 11];    // Wed 28 - Fri 30 Oct
let SC = 1;

// ---------------------------------------------------------------- randomness
function hash32(s) { let h = 2166136261 >>> 0; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return h >>> 0; }
function rng(seed, label) {
  let s = hash32(`wf:${seed}:${label}`) | 0;
  const next = () => { s = (s + 0x6D2B79F5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const R = {
    next, int: (n) => Math.floor(next() * n), range: (a, b) => a + next() * (b - a), chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    normal: () => { let u = 0; while (!u) u = next(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()); },
    exp: (mean) => -Math.log(1 - next()) * mean,
    poisson: (l) => { if (l <= 0) return 0; if (l > 30) return Math.max(0, Math.round(l + Math.sqrt(l) * R.normal())); const L = Math.exp(-l); let k = 0, p = 1; do { k++; p *= next(); } while (p > L); return k - 1; },
    weighted: (obj) => { const ks = Object.keys(obj); let tot = 0; for (const k of ks) tot += obj[k]; let x = next() * tot; for (const k of ks) { x -= obj[k]; if (x < 0) return k; } return ks[ks.length - 1]; },
    shuffle: (arr) => { const a = arr.slice(); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; },
  };
  return R;
}
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const didKey = (R) => { let s = 'did:key:z6Mk'; for (let i = 0; i < 44; i++) s += B58[R.int(58)]; return s; };

// ---------------------------------------------------------------- time zones
const TZ = {
  dublin: (t) => (t < EU_DST_END ? 60 : 0), berlin: (t) => (t < EU_DST_END ? 120 : 60),
  newyork: (t) => (t < US_DST_END ? -240 : -300), lasvegas: (t) => (t < PT_DST_END ? -420 : -480),
  bangalore: () => 330, singapore: () => 480,
};
/** UTC ms of local hour `h` (may exceed 24) on local calendar day `d` (0 = Mon 19 Oct). */
function loc(tz, d, h) { const base = START + d * DAY + h * HOUR; const g = base - TZ[tz](base) * MIN; return base - TZ[tz](g) * MIN; }
function localOf(tz, t) { const l = t + TZ[tz](t) * MIN - START; const d = Math.floor(l / DAY); return { d, wd: ((d % 7) + 7) % 7, h: (l - d * DAY) / HOUR }; }
/** Business-hours intensity 0..1 at UTC t for a site. */
function business(tz, t) {
  const { wd, h } = localOf(tz, t);
  const base = h < 7 ? 0.03 : h < 8 ? 0.25 : h < 9 ? 0.6 : h < 12 ? 1 : h < 13.5 ? 0.65 : h < 17 ? 0.95 : h < 18.5 ? 0.45 : h < 21 ? 0.15 : 0.05;
  return wd >= 5 ? base * 0.08 : base;
}

// ---------------------------------------------------------------- resources
const FAM = {
  'crm:accounts': { seg: 'sales', ver: 'crm-gw', pre: 'acct', n: 40000, page: [20, 100] },
  'crm:opportunities': { seg: 'sales', ver: 'crm-gw', pre: 'opp', n: 15000, page: [10, 50] },
  'crm:contacts': { seg: 'sales', ver: 'crm-gw', pre: 'ct', n: 200000, page: [25, 100] },
  'fin:ledger': { seg: 'finance', ver: 'erp-api', pre: 'je', n: 500000, page: [50, 500] },
  'fin:invoices': { seg: 'finance', ver: 'erp-api', pre: 'inv', n: 80000, page: [20, 100] },
  'fin:payroll': { seg: 'finance', ver: 'payroll-api', pre: 'pr', n: 3000, page: [10, 50] },
  'hr:employees': { seg: 'hr', ver: 'hr-api', pre: 'emp', n: 2400, page: [10, 50] },
  'hr:reviews': { seg: 'hr', ver: 'hr-api', pre: 'rev', n: 5000, page: [5, 20] },
  'hr:candidates': { seg: 'hr', ver: 'ats-api', pre: 'cand', n: 12000, page: [10, 40] },
  'code:repos': { seg: 'eng', ver: 'git-gw', pre: 'repo', n: 900, page: [10, 30] },
  'ci:pipelines': { seg: 'eng', ver: 'ci-api', pre: 'run', n: 90000, page: [20, 50] },
  'tickets:issues': { seg: 'eng', ver: 'tracker-api', pre: 'ISS', n: 60000, page: [20, 50] },
  'support:tickets': { seg: 'support', ver: 'helpdesk-api', pre: 'tk', n: 300000, page: [20, 50] },
  'support:kb': { seg: 'support', ver: 'kb-api', pre: 'kb', n: 4000, page: [5, 20] },
  'dw:tables': { seg: 'data', ver: 'warehouse', pre: 'tbl', n: 1500, page: [100, 2000] },
  'dw:exports': { seg: 'data', ver: 'warehouse', pre: 'exp', n: 20000, page: [1, 5] },
  'docs:wiki': { seg: 'corp', ver: 'wiki-api', pre: 'pg', n: 30000, page: [5, 25] },
  'mail:messages': { seg: 'corp', ver: 'mail-gw', pre: 'msg', n: 5000000, page: [10, 50] },
  'cal:events': { seg: 'corp', ver: 'calendar-api', pre: 'ev', n: 1000000, page: [5, 30] },
  'ops:metrics': { seg: 'ops', ver: 'ops-api', pre: 'm', n: 5000, page: [50, 300] },
  'ops:incidents': { seg: 'ops', ver: 'ops-api', pre: 'inc', n: 3000, page: [5, 20] },
};
const FAMS = Object.keys(FAM);
const CACHE_TTL = { warehouse: 12 * HOUR, 'wiki-api': 6 * HOUR, 'calendar-api': 4 * HOUR }; // verifiers on cached status lists
const READISH = new Set(['read', 'list', 'search', 'export']);
const CORP = ['docs:wiki', 'mail:messages', 'cal:events'];

// ---------------------------------------------------------------- networks
const ip = (a, b, c, d) => `${a}.${b}.${c}.${d}`;
const OFFICE = { dublin: [87, 44, 12, 10], berlin: [91, 64, 200, 20], berlinNew: [80, 153, 41, 130], nyc: [198, 51, 100, 40], bangalore: [49, 207, 182, 60], singapore: [118, 189, 77, 8] };
const officeIp = (R, o) => { const [a, b, c, d] = OFFICE[o]; return ip(a, b, c, d + R.int(4)); };
const HOME_ISP = { dublin: [[89, 101], [86, 40], [37, 228]], berlin: [[91, 89], [84, 152], [95, 91]], newyork: [[72, 229], [108, 29], [24, 44]], bangalore: [[106, 51], [122, 171], [49, 37]], singapore: [[116, 87], [220, 255], [175, 156]] };
const CARRIER = { dublin: [[46, 7], [188, 141]], berlin: [[176, 0], [2, 206]], newyork: [[172, 56], [174, 205]], bangalore: [[157, 48], [223, 187]], singapore: [[111, 65], [202, 166]], lasvegas: [[172, 58], [107, 77]] };
const homeIp = (R, tz) => { const [a, b] = R.pick(HOME_ISP[tz]); return ip(a, b, R.int(256), 2 + R.int(250)); };
const phoneIp = (R, tz) => { const [a, b] = R.pick(CARRIER[tz] ?? CARRIER.newyork); return ip(a, b, R.int(256), 1 + R.int(254)); };
const HOTEL = [66, 85, 212];
const VPS = [[139, 59], [167, 99], [209, 97], [64, 227], [178, 62], [45, 77], [5, 253], [103, 75]];
const vpsIp = (R) => { const [a, b] = R.pick(VPS); return ip(a, b, R.int(256), 2 + R.int(250)); };

// ---------------------------------------------------------------- roles
const TEAMS = {
  'sales-emea': { seg: 'sales', tz: 'dublin', office: 'dublin' }, 'sales-na': { seg: 'sales', tz: 'newyork', office: 'nyc' },
  finance: { seg: 'finance', tz: 'dublin', office: 'dublin' }, people: { seg: 'hr', tz: 'berlin', office: 'berlin' },
  platform: { seg: 'eng', tz: 'berlin', office: 'berlin' }, 'product-eng': { seg: 'eng', tz: 'bangalore', office: 'bangalore' },
  'sre-eu': { seg: 'ops', tz: 'berlin', office: 'berlin' }, 'sre-us': { seg: 'ops', tz: 'newyork', office: 'nyc' },
  'support-sg': { seg: 'support', tz: 'singapore', office: 'singapore' }, 'support-in': { seg: 'support', tz: 'bangalore', office: 'bangalore' },
  data: { seg: 'data', tz: 'newyork', office: 'nyc' },
};
const EMP = {
  'account-exec': { teams: ['sales-emea', 'sales-na'], fams: { 'crm:accounts': 4, 'crm:opportunities': 3, 'crm:contacts': 3, 'mail:messages': 3, 'cal:events': 2, 'docs:wiki': 1 }, tasks: 5, write: 0.18 },
  'sales-lead': { teams: ['sales-emea', 'sales-na'], fams: { 'crm:accounts': 3, 'crm:opportunities': 4, 'dw:tables': 1, 'mail:messages': 3, 'cal:events': 3 }, tasks: 4, write: 0.1 },
  accountant: { teams: ['finance'], fams: { 'fin:ledger': 4, 'fin:invoices': 4, 'mail:messages': 2, 'cal:events': 1, 'docs:wiki': 1 }, tasks: 4, write: 0.2 },
  'hr-partner': { teams: ['people'], fams: { 'hr:employees': 3, 'hr:reviews': 2, 'hr:candidates': 2, 'mail:messages': 3, 'cal:events': 2 }, tasks: 3.5, write: 0.1 },
  engineer: { teams: ['platform', 'product-eng'], fams: { 'code:repos': 4, 'ci:pipelines': 3, 'tickets:issues': 4, 'docs:wiki': 2, 'mail:messages': 1, 'cal:events': 1 }, tasks: 5, write: 0.2 },
  sre: { teams: ['sre-eu', 'sre-us'], fams: { 'ops:metrics': 4, 'ops:incidents': 3, 'code:repos': 2, 'ci:pipelines': 2, 'docs:wiki': 1 }, tasks: 4, write: 0.1 },
  'support-rep': { teams: ['support-sg', 'support-in'], fams: { 'support:tickets': 6, 'support:kb': 3, 'mail:messages': 1 }, tasks: 7, write: 0.3 },
  analyst: { teams: ['data'], fams: { 'dw:tables': 5, 'docs:wiki': 1, 'mail:messages': 1, 'crm:accounts': 1 }, tasks: 3, write: 0.05 },
};
const COMPANY = {
  'crm-enricher': { teams: ['sales-emea', 'sales-na'], fams: ['crm:accounts', 'crm:contacts'], peak: 40 },
  'invoice-matcher': { teams: ['finance'], fams: ['fin:invoices', 'fin:ledger'], peak: 30 },
  'ticket-triage': { teams: ['support-sg', 'support-in'], fams: ['support:tickets', 'support:kb'], peak: 50 },
  'kb-answerer': { teams: ['support-sg', 'support-in'], fams: ['support:kb', 'docs:wiki'], peak: 25 },
  'code-reviewer': { teams: ['platform', 'product-eng'], fams: ['code:repos', 'tickets:issues', 'ci:pipelines'], peak: 12 },
  'recruit-screener': { teams: ['people'], fams: ['hr:candidates', 'mail:messages'], peak: 10 },
  'forecast-bot': { teams: ['sales-na'], fams: ['crm:opportunities', 'dw:tables'], peak: 8 },
  'meeting-notes': { teams: ['sales-emea', 'sales-na', 'platform', 'finance'], fams: ['cal:events', 'mail:messages', 'docs:wiki'], peak: 15 },
};
const SERVICE = {
  'nightly-etl': { teams: ['data'], fams: ['dw:tables', 'crm:accounts', 'crm:opportunities', 'fin:invoices', 'support:tickets', 'tickets:issues'] },
  'hourly-sync': { teams: ['finance'], fams: ['crm:opportunities', 'fin:invoices'] },
  'metrics-poller': { teams: ['sre-eu', 'sre-us'], fams: ['ops:metrics'] },
  'queue-worker': { teams: ['support-sg', 'support-in'], fams: ['support:tickets', 'support:kb'] },
  'backup-snapshot': { teams: ['sre-eu'], fams: ['docs:wiki', 'code:repos'] },
  'monday-report': { teams: ['data'], fams: ['crm:opportunities', 'fin:invoices', 'support:tickets', 'dw:tables', 'dw:exports'] },
  'backfill-job': { teams: ['data'], fams: ['dw:tables'] },
  'ci-runner': { teams: ['platform', 'product-eng'], fams: ['code:repos', 'ci:pipelines'] },
};
const ROSTER = [
  ['employee', 'account-exec', 16], ['employee', 'sales-lead', 4], ['employee', 'accountant', 10], ['employee', 'hr-partner', 6],
  ['employee', 'engineer', 24], ['employee', 'sre', 6], ['employee', 'support-rep', 15], ['employee', 'analyst', 9],
  ['company', 'crm-enricher', 5], ['company', 'invoice-matcher', 4], ['company', 'ticket-triage', 4], ['company', 'kb-answerer', 3],
  ['company', 'code-reviewer', 5], ['company', 'recruit-screener', 2], ['company', 'forecast-bot', 1], ['company', 'meeting-notes', 8],
  ['service', 'nightly-etl', 5], ['service', 'hourly-sync', 4], ['service', 'metrics-poller', 6], ['service', 'queue-worker', 5],
  ['service', 'backup-snapshot', 2], ['service', 'monday-report', 2], ['service', 'backfill-job', 1], ['service', 'ci-runner', 3],
];
const GRANT_SUPPORT_CRM = START + 8 * DAY + 2 * HOUR;    // Tue 27 Oct 10:00 Singapore
const GRANT_ANALYST_FIN = START + 2 * DAY + 15 * HOUR;   // Wed 21 Oct
const TRIAGE_V2 = START + 9 * DAY + 14 * HOUR, REVIEWER_V2 = START + 9 * DAY + 12 * HOUR, HANDOVER = START + 9 * DAY + 16 * HOUR;
const BACKFILL = [START + 4 * DAY + 14 * HOUR, START + 8 * DAY + 9.5 * HOUR];

// ---------------------------------------------------------------- fleet
function buildFleet(seed, N) {
  const R = rng(seed, 'fleet');
  const tot = ROSTER.reduce((s, r) => s + r[2], 0);
  const raw = ROSTER.map((r) => (r[2] * N) / tot);
  const cnt = raw.map(Math.floor);
  const order = raw.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = N - cnt.reduce((s, x) => s + x, 0); k < left; k++) cnt[order[k % order.length][1]]++;
  const sts = [], ids = new Set(), perRole = {};
  ROSTER.forEach(([kind, role], ri) => {
    for (let j = 0; j < cnt[ri]; j++) {
      const def = kind === 'employee' ? EMP[role] : kind === 'company' ? COMPANY[role] : SERVICE[role];
      const team = def.teams[j % def.teams.length], T = TEAMS[team];
      const n = (perRole[role] = (perRole[role] ?? 0) + 1);
      let id;
      do id = kind === 'employee' || (kind === 'service' && R.chance(0.5)) ? didKey(R) : `did:web:${kind === 'company' ? 'agents' : 'svc'}.northwind.example:${role}-${n}${R.chance(0.3) ? '-' + R.int(100) : ''}`; while (ids.has(id));
      ids.add(id);
      const fams = kind === 'employee' ? Object.keys(def.fams) : def.fams.slice();
      const ent = new Set(fams); if (kind === 'employee') CORP.forEach((f) => ent.add(f));
      const extra = [];
      if (R.chance(kind === 'service' ? 0.15 : 0.22)) for (let k = 1 + R.int(3); k > 0; k--) { const f = R.pick(FAMS); if (!ent.has(f)) { ent.add(f); extra.push(f); } }
      const st = { a: { id, kind, team, segment: T.seg, role, entitled: [...ent], profile: '' }, idx: sts.length, kind, role, team, def, tz: T.tz, office: T.office, ent, extra, ev: [], notes: [] };
      st.rate = Math.exp(0.45 * R.normal()); // personal intensity
      st.ws = {}; for (const f of FAMS) st.ws[f] = Array.from({ length: 15 + R.int(150) }, () => R.int(FAM[f].n));
      st.appIps = [ip(10, kind === 'company' ? 40 : 60, 1 + R.int(200), 10 + R.int(200))]; st.appIps.push(st.appIps[0].replace(/\.\d+$/, '.' + (1 + R.int(254))));
      if (kind === 'employee') {
        const p = R.next();
        st.officeDays = p < 0.2 ? [0, 1, 2, 3, 4] : p < 0.35 ? [] : R.chance(0.5) ? [1, 2, 3] : [0, 2, 3];
        st.startH = role === 'support-rep' ? 6 : 7.3 + R.next() * 2.2; st.dayLen = 8 + R.next() * 1.3;
        st.part = R.chance(0.12) ? R.pick(['mornings', 'mwt']) : null;
        st.home = homeIp(R, T.tz); st.home2 = R.chance(0.1) ? homeIp(R, T.tz) : null; st.homeSwitch = 3 + R.int(9);
        st.weekendP = R.range(0.03, 0.25); st.eveningP = R.range(0.05, 0.4); st.taskLen = R.range(1.5, 5);
        if (role === 'support-rep') { st.shift0 = R.chance(0.5) ? 'A' : 'B'; st.rotates = R.chance(0.5); }
        st.a.profile = `${role} (${team}, ${T.tz}); ${st.officeDays.length === 5 ? 'office every day' : st.officeDays.length === 0 ? 'fully remote' : 'hybrid'}${st.part ? ', part-time ' + st.part : ''}${st.shift0 ? `, shift ${st.shift0}${st.rotates ? ' rotating in week 2' : ''}` : ''}`;
      } else if (kind === 'company') {
        st.a.profile = `${role} app agent for ${team}, business-hours load`;
      } else {
        st.slot = n - 1; st.period = role === 'metrics-poller' ? (R.chance(0.35) ? 5 : 15) : 0;
        st.renewAt = R.chance(0.4) ? R.range(0, 24) : null;
        st.a.profile = `${role} service (${team})${st.period ? `, every ${st.period} min` : ''}`;
      }
      if (extra.length) st.a.profile += `; old entitlements: ${extra.join(', ')}`;
      sts.push(st);
    }
  });
  const by = (role) => sts.filter((s) => s.role === role);
  const grants = [], statusChanges = [];
  // B13 grants
  for (const s of [...by('support-rep'), ...by('ticket-triage')]) if (!s.ent.has('crm:accounts')) { grants.push({ at: GRANT_SUPPORT_CRM, agent: s.a.id, family: 'crm:accounts' }); s.grantCrm = true; s.a.profile += '; granted crm:accounts 27 Oct'; }
  for (const s of by('analyst')) if (!s.ent.has('fin:invoices')) { grants.push({ at: GRANT_ANALYST_FIN, agent: s.a.id, family: 'fin:invoices' }); s.grantFin = true; }
  // B18 conference, B19 leave + cover, B20 handover
  for (const s of by('account-exec')) if (s.team === 'sales-na' && R.chance(0.7)) { s.conference = true; s.a.profile += '; at a Las Vegas conference 27-29 Oct'; }
  const execs = by('account-exec').filter((s) => !s.conference), leads = by('sales-lead');
  if (execs.length && leads.length) {
    const absent = execs[0], lead = leads.find((l) => l.team === absent.team) ?? leads[0];
    absent.leave = [7, 11]; absent.a.profile += '; on leave all of week 2';
    lead.cover = absent; lead.a.profile += '; covering an absent account exec in week 2';
    for (const f of ['crm:accounts', 'crm:opportunities']) lead.ws2 = { ...(lead.ws2 ?? {}), [f]: lead.ws[f].concat(absent.ws[f]) };
  }
  for (const s of by('forecast-bot')) s.a.profile += '; handed over to the New York team 28 Oct';
  // B21 leavers, suspensions, decommissioned service
  const pool = R.shuffle(sts.filter((s) => s.kind === 'employee' && !s.leave && !s.cover && !s.part));
  const nPool = Math.max(1, Math.round((5 * N) / 150));
  for (let k = 0; k < nPool - 1 && pool.length; k++) { const s = pool.pop(); s.retire = true; s.statusAt = loc(s.tz, 7 + 1 + R.int(3), 17.5 + R.next()); s.a.profile += '; leaves the company (retired) in week 2'; }
  for (let k = 0; k < nPool - 1 && pool.length; k++) { const s = pool.pop(); s.susp = true; s.statusAt = loc(s.tz, 7 + R.int(4), 10 + 5 * R.next()); s.a.profile += '; suspended (lost laptop) in week 2'; }
  const svcs = R.shuffle(sts.filter((s) => s.kind === 'service' && ['hourly-sync', 'nightly-etl', 'metrics-poller'].includes(s.role)));
  if (svcs[0]) { svcs[0].retire = true; svcs[0].statusAt = START + 9 * DAY + 10 * HOUR; svcs[0].a.profile += '; decommissioned (retired) 28 Oct'; }
  if (svcs[1]) { svcs[1].retire = true; svcs[1].statusAt = START + 2 * DAY + 9 * HOUR; svcs[1].straggle = 14 * HOUR; svcs[1].a.profile += '; decommissioned 21 Oct, cron kept firing for half a day'; }
  const comp = R.shuffle(sts.filter((s) => s.kind === 'company' && s.role !== 'forecast-bot'));
  if (comp[0]) { comp[0].susp = true; comp[0].statusAt = START + 9 * DAY + 11 * HOUR; comp[0].a.profile += '; suspended for an audit 28 Oct'; }
  for (const s of sts) if (s.retire || s.susp) statusChanges.push({ at: s.statusAt, agent: s.a.id, status: s.retire ? 'retired' : 'suspended' });
  statusChanges.sort((x, y) => x.at - y.at); grants.sort((x, y) => x.at - y.at);
  return { sts, grants, statusChanges };
}

// ---------------------------------------------------------------- request helpers
const rid = (fam, n) => `${FAM[fam].pre}-${n}`;
function recsFor(R, fam, action) {
  const [lo, hi] = FAM[fam].page;
  if (action === 'read') return 1;
  if (action === 'list') return lo + R.int(hi - lo + 1);
  if (action === 'search') return R.int(Math.ceil(hi / 2) + 1);
  if (action === 'export') return hi * (2 + R.int(9));
  return undefined;
}
function pickId(R, st, fam, wsOverride) {
  const ws = wsOverride?.[fam] ?? st.ws[fam];
  if (R.chance(0.1)) return rid(fam, R.int(FAM[fam].n));
  return rid(fam, ws[Math.floor(ws.length * R.next() ** 2)]);
}
function push(st, at, fam, id, action, recs, ip, code) { st.ev.push({ at: Math.round(at), fam, id, action, recs, ip, code }); }
const entAt = (st, fam, t) => st.ent.has(fam) || (st.grantCrm && fam === 'crm:accounts' && t >= GRANT_SUPPORT_CRM) || (st.grantFin && fam === 'fin:invoices' && t >= GRANT_ANALYST_FIN);

/** One assistant task: a burst of requests seconds apart. */
function task(R, st, at, ipAddr, fams, wsO) {
  let fam = R.weighted(fams), t = at;
  const next = () => { t += R.range(0.4, 7) * SEC; };
  if (R.chance(0.012)) { // user asks for something out of scope
    const f = R.pick(FAMS.filter((x) => !entAt(st, x, at))); if (f) { push(st, t, f, R.chance(0.5) ? 'search' : rid(f, R.int(FAM[f].n)), 'read', undefined, ipAddr, 'ERR_NOT_ENTITLED'); next(); }
  }
  if (!entAt(st, fam, t)) fam = Object.keys(fams)[0];
  const r = R.next();
  if (r < 0.45) { push(st, t, fam, 'search', 'search', recsFor(R, fam, 'search'), ipAddr); next(); }
  else if (r < 0.65) { push(st, t, fam, `${FAM[fam].pre}-view-${R.int(4)}`, 'list', recsFor(R, fam, 'list'), ipAddr); next(); }
  for (let n = 1 + R.poisson(st.taskLen ?? 2.5); n > 0; n--) { push(st, t, fam, pickId(R, st, fam, wsO), 'read', 1, ipAddr); next(); }
  if (R.chance(st.def.write ?? 0.1)) { const c = R.chance(0.006) ? 'ERR_CONSTRAINT' : undefined; push(st, t, fam, pickId(R, st, fam, wsO), 'write', undefined, ipAddr, c); next(); }
  return t;
}

// ---------------------------------------------------------------- employees
function shiftOf(st, d) { if (!st.shift0) return null; const wk = d >= 7 ? 1 : 0; return st.rotates && wk ? (st.shift0 === 'A' ? 'B' : 'A') : st.shift0; }
function genEmployee(R, st) {
  const role = st.def, tz0 = st.tz;
  const famsAt = (t) => {
    let f = role.fams;
    if (st.grantCrm && t >= GRANT_SUPPORT_CRM) f = { ...f, 'crm:accounts': Math.min(2.5, 0.5 + (t - GRANT_SUPPORT_CRM) / DAY) };
    if (st.grantFin && t >= GRANT_ANALYST_FIN) f = { ...f, 'fin:invoices': 1.5 };
    return f;
  };
  const officeOn = (d) => (tz0 === 'berlin' && d >= 7 ? 'berlinNew' : st.office);
  const homeOn = (d) => (st.home2 && d >= st.homeSwitch ? st.home2 : st.home);
  const session = (t0, t1, rate, ipFn, wsO, tz = tz0) => {
    for (let t = t0; t < t1; t += 15 * MIN) {
      const { h } = localOf(tz, t);
      const curve = h >= 12.25 && h < 13.25 ? 0.25 : h >= 16.5 ? 0.8 : 1;
      for (let k = R.poisson(rate * curve * 0.25 * SC); k > 0; k--) { const at = t + R.next() * 15 * MIN; if (at < t1) task(R, st, at, ipFn(), famsAt(at), wsO); }
    }
  };
  for (let d = 0; d < DAYS; d++) {
    const wd = d % 7;
    if (st.leave && d >= st.leave[0] && d <= st.leave[1]) continue;
    const holiday = (HOLIDAYS[tz0] ?? []).includes(d);
    const conf = st.conference && d >= 8 && d <= 10;
    if (wd >= 5 || holiday) {
      if (R.chance(st.weekendP)) { const s = loc(tz0, d, 9 + R.next() * 12), ph = R.chance(0.5); const ipS = ph ? phoneIp(R, tz0) : homeOn(d); session(s, s + R.range(10, 50) * MIN, st.def.tasks * 0.8 * st.rate, () => ipS); }
      continue;
    }
    if (st.part === 'mwt' && ![0, 2, 3].includes(wd)) continue;
    if (conf) { // Pacific-time early mornings and evenings, hotel wifi and phone
      const hotel = ip(...HOTEL, 20 + R.int(40));
      session(loc('lasvegas', d, 6.3 + R.next()), loc('lasvegas', d, 8.5), st.def.tasks * st.rate * 1.3, () => hotel, undefined, 'lasvegas');
      for (let k = R.poisson(4); k > 0; k--) { const t = loc('lasvegas', d, 9 + R.next() * 8); task(R, st, t, phoneIp(R, 'lasvegas'), famsAt(t)); }
      session(loc('lasvegas', d, 18.5 + R.next()), loc('lasvegas', d, 21.5 + R.next()), st.def.tasks * st.rate, () => hotel, undefined, 'lasvegas');
      continue;
    }
    const where = st.officeDays.includes(wd) ? 'office' : 'home';
    const ipFn = where === 'office' ? () => officeIp(R, officeOn(d)) : () => homeOn(d);
    let s, e, mult = st.rate * role.tasks;
    const sh = shiftOf(st, d);
    if (sh) { s = (sh === 'A' ? 6 : 14) + 0.15 * R.normal(); e = s + 8 + 0.2 * R.normal(); }
    else { s = st.startH + 0.33 * R.normal(); e = s + (st.part === 'mornings' ? 4.2 : st.dayLen) + 0.4 * R.normal(); }
    if (holiday === false && (HOLIDAYS[tz0] ?? []).includes(d - 1)) { mult *= 1.5; e += 1; } // catch-up after the bank holiday
    if (st.team === 'finance' && MONTH_END.includes(d)) { mult *= 1.9; e = Math.max(e, 19.3 + 0.5 * R.normal()); }
    const wsO = st.cover && d >= 7 && d <= 11 ? st.ws2 : undefined;
    if (wsO) mult *= 1.4;
    if (where === 'office' && R.chance(0.3)) { const c = loc(tz0, d, s - 0.6); const pip = phoneIp(R, tz0); for (let k = 1 + R.int(2); k > 0; k--) task(R, st, c + R.next() * 25 * MIN, pip, famsAt(c)); }
    session(loc(tz0, d, s), loc(tz0, d, e), mult, ipFn, wsO);
    if (R.chance(st.eveningP)) { const c = loc(tz0, d, 19.5 + R.next() * 2.5); const pip = R.chance(0.6) ? phoneIp(R, tz0) : homeOn(d); for (let k = 1 + R.int(3); k > 0; k--) task(R, st, c + R.next() * 20 * MIN, pip, famsAt(c)); }
    if (st.team === 'finance' && d === 11) for (let k = 1 + R.int(2); k > 0; k--) push(st, loc(tz0, d, 15 + R.next() * 3), 'fin:ledger', 'je-export-oct', 'export', recsFor(R, 'fin:ledger', 'export'), ipFn());
  }
  if (st.role === 'sre') { // B9 on-call: one per site per week
    const sres = st.siteSres, i = sres.indexOf(st);
    for (let w = 0; w < 2; w++) if ((w + st.onCallOffset) % sres.length === i) {
      for (let d = w * 7; d < w * 7 + 7; d++) for (let k = R.poisson(0.6); k > 0; k--) {
        const t0 = loc(st.tz, d, 22 + R.next() * 8), len = R.range(15, 60) * MIN, hip = homeOn(d);
        for (let t = t0; t < t0 + len; t += R.exp(2 * MIN)) task(R, st, t, hip, { 'ops:incidents': 3, 'ops:metrics': 4, 'code:repos': 1, 'ci:pipelines': 1 });
      }
      st.a.profile += `; on call week ${w + 1}`;
    }
  }
  if (st.extra.length && R.chance(0.35)) { const f = R.pick(st.extra), t = loc(tz0, R.int(12), 10 + R.next() * 6); push(st, t, f, 'search', 'search', recsFor(R, f, 'search'), st.home); push(st, t + 4 * SEC, f, pickId(R, st, f), 'read', 1, st.home); }
}

// ---------------------------------------------------------------- company agents
function genCompany(R, st) {
  const { role, def } = st; const tz = st.tz, P = def.peak * st.rate * SC;
  for (let t = START; t < END; t += 5 * MIN) {
    let lam;
    if (role === 'ticket-triage' || role === 'kb-answerer') lam = 0.5 * business('singapore', t) + 0.35 * business('bangalore', t) + 0.3 * business('dublin', t) + 0.25 * business('newyork', t) + 0.05;
    else if (role === 'meeting-notes') lam = 0.6 * business('dublin', t) + 0.6 * business('newyork', t) + 0.3 * business('berlin', t);
    else if (role === 'forecast-bot') lam = t < HANDOVER ? business('berlin', t) : business('newyork', t);
    else lam = business(tz, t);
    const ld = localOf(tz, t).d;
    if (role === 'invoice-matcher' && MONTH_END.includes(ld)) lam *= 2.3;
    if (tz === 'dublin' && (HOLIDAYS.dublin ?? []).includes(ld)) lam *= 0.1;
    const ipA = role === 'forecast-bot' && t >= HANDOVER ? ip(10, 70, 8, 11 + R.int(2)) : st.appIps[R.int(2)];
    for (let k = R.poisson((P * lam * 5) / 60); k > 0; k--) {
      let at = t + R.next() * 5 * MIN; const x = () => (at += R.range(0.2, 3) * SEC);
      const E = (fam, id, action, recs) => { push(st, at, fam, id, action, recs, ipA); x(); };
      switch (role) {
        case 'crm-enricher': E('crm:contacts', 'search', 'search', recsFor(R, 'crm:contacts', 'search')); E('crm:accounts', pickId(R, st, 'crm:accounts'), 'read', 1); if (R.chance(0.6)) E('crm:contacts', pickId(R, st, 'crm:contacts'), 'write'); break;
        case 'invoice-matcher': E('fin:invoices', pickId(R, st, 'fin:invoices'), 'read', 1); E('fin:ledger', 'search', 'search', recsFor(R, 'fin:ledger', 'search')); if (R.chance(0.7)) E('fin:invoices', pickId(R, st, 'fin:invoices'), 'write'); break;
        case 'ticket-triage':
          if (at < TRIAGE_V2) { E('support:tickets', rid('support:tickets', R.int(300000)), 'read', 1); E('support:kb', 'search', 'search', recsFor(R, 'support:kb', 'search')); E('support:tickets', rid('support:tickets', R.int(300000)), 'write'); }
          else if (R.chance(0.35)) { E('support:tickets', 'search', 'search', 10 + R.int(30)); E('support:tickets', 'tk-queue-new', 'list', 10 + R.int(40)); if (R.chance(0.5)) E('support:tickets', rid('support:tickets', R.int(300000)), 'write'); }
          if (st.grantCrm && at >= GRANT_SUPPORT_CRM && R.chance(0.2)) E('crm:accounts', pickId(R, st, 'crm:accounts'), 'read', 1);
          break;
        case 'kb-answerer': E('support:kb', 'search', 'search', recsFor(R, 'support:kb', 'search')); E('support:kb', pickId(R, st, 'support:kb'), 'read', 1); if (R.chance(0.3)) E('docs:wiki', pickId(R, st, 'docs:wiki'), 'read', 1); break;
        case 'code-reviewer': E('code:repos', pickId(R, st, 'code:repos'), 'read', 1); E('tickets:issues', pickId(R, st, 'tickets:issues'), 'read', 1); if (at >= REVIEWER_V2) E('ci:pipelines', rid('ci:pipelines', R.int(90000)), 'read', 1); E('code:repos', pickId(R, st, 'code:repos'), 'write'); break;
        case 'recruit-screener': E('hr:candidates', pickId(R, st, 'hr:candidates'), 'read', 1); if (R.chance(0.4)) E('mail:messages', 'search', 'search', recsFor(R, 'mail:messages', 'search')); if (R.chance(0.5)) E('hr:candidates', pickId(R, st, 'hr:candidates'), 'write'); break;
        case 'forecast-bot': E('crm:opportunities', 'opp-view-pipeline', 'list', recsFor(R, 'crm:opportunities', 'list')); if (R.chance(0.3)) E('dw:tables', 'tbl-forecast', 'read', 1); break;
        case 'meeting-notes': E('cal:events', pickId(R, st, 'cal:events'), 'read', 1); if (R.chance(0.5)) E('mail:messages', 'search', 'search', recsFor(R, 'mail:messages', 'search')); E('docs:wiki', rid('docs:wiki', R.int(30000)), 'write'); break;
      }
    }
  }
  if (st.extra.length && R.chance(0.25)) { const f = R.pick(st.extra); push(st, START + R.int(13) * DAY + 11 * HOUR + R.int(HOUR), f, pickId(R, st, f), 'read', 1, st.appIps[0]); }
}

// ---------------------------------------------------------------- services
function genService(R, st) {
  const { role } = st, ipS = st.appIps[0];
  const E = (at, fam, id, action, recs) => push(st, at, fam, id, action, recs, ipS);
  const pages = (t, fam, n, full, gap = [1, 4]) => { for (let p = 0; p < n; p++) { E(t, fam, `${FAM[fam].pre}-page-${p}`, 'list', p < n - 1 ? full : 1 + R.int(full)); t += R.range(...gap) * SEC; } return t; };
  for (let d = 0; d < DAYS; d++) {
    const day = START + d * DAY, wd = d % 7;
    switch (role) {
      case 'nightly-etl': {
        let t = day + HOUR + st.slot * 20 * MIN + R.range(-3, 3) * MIN;
        const srcs = st.def.fams.slice(1).filter((_, i) => (i + st.slot) % 2 === 0 || i === st.slot % 5);
        for (const f of srcs) t = pages(t, f, Math.round((20 + R.int(30)) * (wd === 6 ? 3 : 1) * (f === 'fin:invoices' && MONTH_END.includes(d) ? 1.8 : 1) * SC), FAM[f].page[1]);
        for (let k = 3 + R.int(8); k > 0; k--) { E(t, 'dw:tables', rid('dw:tables', st.ws['dw:tables'][k % 10]), 'write'); t += R.range(2, 10) * SEC; }
        break;
      }
      case 'hourly-sync':
        for (let h = 0; h < 24; h++) { let t = day + h * HOUR + (5 + st.slot * 7) * MIN + R.range(0, 20) * SEC; const busy = business('dublin', t) + 0.1; t = pages(t, 'crm:opportunities', 1 + R.int(2), Math.max(1, Math.round(R.range(1, 40) * busy))); for (let k = R.poisson(3 * busy); k > 0; k--) { E(t, 'fin:invoices', pickId(R, st, 'fin:invoices'), 'write'); t += R.range(0.5, 2) * SEC; } }
        break;
      case 'metrics-poller':
        for (let m = (st.slot * 3) % st.period; m < 1440; m += st.period) { const t = day + m * MIN + R.range(0, 3) * SEC; E(t, 'ops:metrics', `m-dash-${st.slot}`, 'list', 120 + st.slot * 20 + R.int(8)); if (R.chance(0.3)) E(t + 800, 'ops:metrics', `m-alerts-${st.slot}`, 'list', R.int(12)); }
        break;
      case 'backup-snapshot': { let t = day + 3 * HOUR + 10 * MIN + st.slot * 25 * MIN; for (const f of ['docs:wiki', 'code:repos']) t = pages(t, f, Math.round((wd === 6 ? 90 : 30) * SC), 500, [2, 6]); break; }
      case 'monday-report':
        if (wd === 0) { let t = loc('dublin', d, 6 + st.slot * 0.5) + R.range(0, 90) * SEC; for (const f of ['crm:opportunities', 'fin:invoices', 'support:tickets', 'dw:tables']) t = pages(t, f, 6 + R.int(8), FAM[f].page[1], [2, 8]); E(t + 30 * SEC, 'dw:exports', `exp-weekly-${d}-${st.slot}`, 'write'); }
        break;
      case 'backfill-job':
        for (let t = Math.max(day, BACKFILL[0]); t < Math.min(day + DAY, BACKFILL[1]); t += R.range(20, 40) * SEC / SC) {
          const h = (t - day) / HOUR; if (h >= 1 && h < 3) continue;
          E(t, 'dw:tables', `tbl-${R.int(1500)}`, 'list', 1000); if (R.chance(0.5)) E(t + 3 * SEC, 'dw:tables', `tbl-${R.int(1500)}`, 'write');
        }
        break;
      case 'ci-runner': case 'queue-worker': break; // continuous, below
    }
  }
  if (role === 'ci-runner') for (let t = START; t < END; t += 5 * MIN) {
    let lam = 0.6 * business('berlin', t) + 0.6 * business('bangalore', t) + 0.02;
    if (t >= START + 9 * DAY + 13 * HOUR && t < START + 9 * DAY + 17 * HOUR) lam *= 2; // release train
    for (let k = R.poisson((25 * lam * st.rate * SC * 5) / 60); k > 0; k--) { let at = t + R.next() * 5 * MIN; E(at, 'code:repos', pickId(R, st, 'code:repos'), 'read', 1); for (let s = 0; s < 3; s++) { at += R.range(20, 240) * SEC; E(at, 'ci:pipelines', rid('ci:pipelines', R.int(90000)), 'write'); } }
  }
  if (role === 'queue-worker') { // B6: backlog after the helpdesk outage
    let free = START, queue = [];
    for (let t = START; t < END; t += MIN) {
      const lam = (30 * st.rate * SC * (0.5 * business('singapore', t) + 0.35 * business('bangalore', t) + 0.3 * business('dublin', t) + 0.25 * business('newyork', t) + 0.05)) / 60;
      for (let k = R.poisson(lam); k > 0; k--) queue.push(t + R.next() * MIN);
      queue.sort((a, b) => a - b);
      const down = OUTAGES.some(([a, b]) => t >= a && t < b);
      while (!down && queue.length && queue[0] <= t + MIN) {
        let at = Math.max(queue.shift(), free, t) + R.range(0.3, 2) * SEC;
        E(at, 'support:tickets', rid('support:tickets', R.int(300000)), 'read', 1); at += R.range(0.5, 2) * SEC;
        E(at, 'support:kb', 'search', 'search', recsFor(R, 'support:kb', 'search')); at += R.range(0.5, 2) * SEC;
        E(at, 'support:tickets', rid('support:tickets', R.int(300000)), 'write'); free = at + R.range(3, 8) * SEC;
        if (free > t + MIN) break;
      }
    }
  }
}

// ---------------------------------------------------------------- benign post-passes
function finish(R, st) {
  st.ev.sort((x, y) => x.at - y.at);
  // helpdesk outage: the verifier is down, nobody's request reaches it (queue workers already waited)
  if (st.role !== 'queue-worker') st.ev = st.ev.filter((e) => !(FAM[e.fam].ver === OUTAGE_VER && OUTAGES.some(([a, b]) => e.at >= a && e.at < b)));
  // credential expiry: one refusal, renewal, retry (B11)
  if (st.renewAt != null) {
    const add = [];
    for (let d = 0; d < DAYS; d++) { const exp = START + d * DAY + st.renewAt * HOUR; const e = st.ev.find((x) => x.at >= exp && x.at < exp + HOUR); if (e && R.chance(0.6)) { add.push({ ...e, code: 'ERR_VC_EXPIRED', recs: undefined }); e.at += Math.round(R.range(2, 30) * SEC); } }
    st.ev.push(...add); st.ev.sort((x, y) => x.at - y.at);
  }
  // status: quiet after suspension/retirement; a decommissioned cron kept firing for a while
  if (st.statusAt != null) st.ev = st.ev.filter((e) => e.at < st.statusAt || (st.straggle && e.at < st.statusAt + st.straggle && (e.code = 'ERR_VC_REVOKED', e.recs = undefined, true)));
  ratePass(st.ev, LIMIT[st.kind]);
  st.ev = st.ev.filter((e) => e.at >= START && e.at < END);
}
const LIMIT = { employee: 60, company: 240, service: 600 }; // requests per minute per agent
function ratePass(evs, limit, base = []) { // refuse requests over the limit in any sliding minute
  const times = base.map((e) => e.at).sort((a, b) => a - b); let bi = 0, bj = 0; const win = [];
  for (const e of evs) {
    while (bj < times.length && times[bj] <= e.at) bj++; while (bi < bj && times[bi] <= e.at - MIN) bi++;
    while (win.length && win[0] <= e.at - MIN) win.shift();
    if (win.length + (bj - bi) >= limit && !e.code) { e.code = 'ERR_RATE_LIMITED'; e.recs = undefined; }
    win.push(e.at);
  }
}

function pub(st, e) {
  const F = FAM[e.fam]; const o = { at: e.at, agent: st.a.id, decision: e.code ? 'deny' : 'allow' };
  if (e.code) o.code = e.code;
  o.resource = `${e.fam}/${e.id}`; o.action = e.action; o.ip = e.ip; o.segment = F.seg; o.verifier = F.ver;
  if (!e.code && READISH.has(e.action) && e.recs != null) o.records = e.recs;
  return o;
}

// ---------------------------------------------------------------- attacks
export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action', 'token-replay', 'write-staging', 'delegation-overreach'];
const KIND_ROT = ['employee', 'company', 'service'];
function genAttacks(seed, N, fleet) {
  const R = rng(seed, 'attacks');
  const quota = Math.max(1, Math.round((3 * N) / 150));
  const out = [], used = new Set();
  const evalEv = (s) => s.ev.filter((e) => e.at >= EVAL_FROM && !e.code);
  const evalDays = (s) => new Set(evalEv(s).map((e) => Math.floor((e.at - START) / DAY))).size;
  const hist = (s) => s.ev.filter((e) => e.at < EVAL_FROM);
  const mainFam = (s) => { const c = {}; for (const e of hist(s)) if (!e.code && READISH.has(e.action)) c[e.fam] = (c[e.fam] ?? 0) + 1; return Object.keys(c).sort((a, b) => c[b] - c[a])[0]; };
  const famW = (s) => { const c = {}; for (const e of hist(s)) if (!e.code) c[e.fam] = (c[e.fam] ?? 0) + 1; return Object.keys(c).length ? c : { [s.a.entitled[0]]: 1 }; };
  const typRecs = (s, fam) => { const r = hist(s).filter((e) => e.fam === fam && e.recs > 1).map((e) => e.recs).sort((a, b) => a - b); return r.length ? r[r.length >> 1] : FAM[fam].page[1]; };
  const dec = (s, fam, t) => (entAt(s, fam, t) ? undefined : 'ERR_NOT_ENTITLED');
  const ipNear = (s, t) => { let best = s.appIps[0], bd = Infinity; for (const e of s.ev) { const dd = Math.abs(e.at - t); if (dd < bd) { bd = dd; best = e.ip; } } return best; };
  const siteTz = (s) => s.tz;
  /** A work-time moment on an eval day when the victim is active: one of its own events, days 7..12. */
  const activeMoment = (s, lo = 7, hi = 12) => { const c = evalEv(s).filter((e) => { const d = Math.floor((e.at - START) / DAY); return d >= lo && d <= hi; }); return c.length ? R.pick(c).at : null; };
  const noisy = new Set(fleet.sts.slice().sort((x, y) => (hist(y).length + 30 * hist(y).filter((e) => e.code).length) - (hist(x).length + 30 * hist(x).filter((e) => e.code).length)).slice(0, 12));
  const active = (s) => !s.retire && !s.susp && !s.leave && evalEv(s).length >= 30 && evalDays(s) >= 2;
  const A = []; // [agent state, event]
  const mk = (s, at, fam, id, action, recs, ipA, code) => ({ at: Math.round(at), fam, id, action, recs: code ? undefined : recs, ip: ipA, code });

  const SHAPES = {
    'slow-exfiltration': (s) => {
      const fam = mainFam(s); if (!fam) return null;
      const d0 = 7 + R.int(2), evs = []; let cursor = R.int(FAM[fam].n - 5000), base = typRecs(s, fam);
      for (let d = d0; d < DAYS; d++) {
        const anchors = evalEv(s).filter((e) => e.at >= START + d * DAY && e.at < START + (d + 1) * DAY);
        if (!anchors.length) continue;
        const k = d - d0, n = Math.max(1, Math.min(400, Math.round(anchors.length * 0.06 * 1.5 ** k)));
        for (let i = 0; i < n; i++) { const an = R.pick(anchors); const act = R.chance(0.6) ? 'list' : 'read'; evs.push(mk(s, an.at + R.range(1, 40) * SEC, fam, act === 'list' ? `${FAM[fam].pre}-range-${cursor}` : rid(fam, cursor), act, act === 'list' ? Math.round(base * (1 + 0.45 * k) * R.range(0.8, 1.2)) : 1, an.ip)); cursor += act === 'list' ? base : 1; }
      }
      return evs;
    },
    'suspended-in-use': (s) => {
      const evs = [], t0 = s.statusAt + R.range(20, 180) * MIN, len = R.range(3, 8) * HOUR, att = vpsIp(R), fams = { ...famW(s), 'docs:wiki': 3, 'dw:tables': 2 };
      for (let t = t0; t < Math.min(t0 + len, END - MIN); t += R.exp(3 * MIN)) { const f = R.weighted(fams); const ttl = CACHE_TTL[FAM[f].ver]; const code = dec(s, f, t) ?? (ttl && t < s.statusAt + ttl ? undefined : 'ERR_VC_SUSPENDED'); const act = R.pick(['read', 'list', 'search']); evs.push(mk(s, t, f, act === 'read' ? rid(f, R.int(FAM[f].n)) : 'search', act, recsFor(R, f, act), att, code)); }
      return evs;
    },
    'retired-in-use': (s) => {
      const same = R.chance(0.4), t0 = same ? s.statusAt + R.range(2, 8) * HOUR : loc(siteTz(s), Math.floor((s.statusAt - START) / DAY) + 1 + R.int(3), 19 + R.next() * 3);
      const att = s.kind === 'employee' && R.chance(0.5) ? s.home : vpsIp(R), evs = [], fams = { ...famW(s), 'docs:wiki': 2, 'dw:tables': 1 };
      for (let t = t0, n = 10 + R.int(30); n > 0 && t < END - MIN; n--, t += R.exp(90 * SEC)) { const f = R.weighted(fams); const ttl = CACHE_TTL[FAM[f].ver]; const code = ttl && t < s.statusAt + ttl && entAt(s, f, t) ? undefined : 'ERR_VC_REVOKED'; const act = R.pick(['read', 'search', 'export']); evs.push(mk(s, t, f, act === 'read' ? rid(f, R.int(FAM[f].n)) : 'search', act, recsFor(R, f, act), att, code)); }
      return evs;
    },
    'lateral-movement': (s) => {
      const t0 = activeMoment(s); if (!t0) return null; const ipA = ipNear(s, t0), mySegs = new Set([s.a.segment, ...Object.keys(famW(s)).map((f) => FAM[f].seg)]);
      const targets = R.shuffle(FAMS.filter((f) => !mySegs.has(FAM[f].seg))).sort((a, b) => Number(s.ent.has(b)) - Number(s.ent.has(a)) || 0).slice(0, 3 + R.int(3));
      const evs = []; let t = t0;
      for (const f of R.shuffle(targets)) { t += R.range(5, 25) * MIN; const code = dec(s, f, t); evs.push(mk(s, t, f, 'search', 'search', recsFor(R, f, 'search'), ipA, code)); for (let k = (code ? R.int(3) : 2 + R.int(5)); k > 0; k--) { t += R.range(5, 60) * SEC; evs.push(mk(s, t, f, rid(f, R.int(FAM[f].n)), R.chance(0.7) ? 'read' : 'list', code ? undefined : 1 + R.int(30), ipA, code)); } }
      return evs;
    },
    'hr-grab': (s) => {
      const t0 = activeMoment(s); if (!t0) return null; const ipA = R.chance(0.6) ? ipNear(s, t0) : vpsIp(R), evs = []; let t = t0;
      const fams = ['hr:employees', ...(R.chance(0.5) ? ['hr:reviews'] : []), ...(R.chance(0.3) ? ['fin:payroll'] : [])];
      for (const f of fams) {
        const code = dec(s, f, t); evs.push(mk(s, t, f, 'search', 'search', 40 + R.int(160), ipA, code)); t += R.range(10, 60) * SEC;
        const pagesN = code ? 4 + R.int(10) : 15 + R.int(25);
        for (let p = 0; p < pagesN; p++) { evs.push(mk(s, t, f, `${FAM[f].pre}-page-${p}`, 'list', 50 + R.int(150), ipA, code)); t += R.range(5, 50) * SEC; }
        if (!code) { evs.push(mk(s, t, f, `${FAM[f].pre}-all`, 'export', 2000 + R.int(3000), ipA)); t += R.range(30, 120) * SEC; }
      }
      return evs;
    },
    'bulk-read': (s) => {
      const fam = mainFam(s), t0 = activeMoment(s); if (!fam || !t0) return null; const ipA = ipNear(s, t0), evs = []; let t = t0;
      for (let n = 15 + R.int(45); n > 0; n--) { const exp = R.chance(0.25); evs.push(mk(s, t, fam, exp ? `${FAM[fam].pre}-export-${n}` : `${FAM[fam].pre}-range-${n}`, exp ? 'export' : 'list', 500 + R.int(4500), ipA)); t += R.range(8, 40) * SEC; }
      return evs;
    },
    probing: (s) => {
      const t0 = activeMoment(s); if (!t0) return null; const ipA = R.chance(0.5) ? ipNear(s, t0) : vpsIp(R), evs = []; let t = t0;
      const ids = ['0', '1', 'admin', '..%2f..%2fetc', '*', '-1', 'null', 'test', '99999999', 'root', 'config'];
      for (let n = 40 + R.int(110); n > 0; n--) {
        const f = R.pick(FAMS), act = R.pick(['read', 'read', 'list', 'write', 'delete', 'admin', 'export']);
        let code = dec(s, f, t); if (!code && !['read', 'list'].includes(act) && R.chance(0.7)) code = 'ERR_CONSTRAINT';
        evs.push(mk(s, t, f, R.chance(0.6) ? `${FAM[f].pre}-${R.pick(ids)}` : rid(f, R.int(FAM[f].n)), act, code ? undefined : recsFor(R, f, act === 'list' ? 'list' : 'read'), ipA, code)); t += R.exp(25 * SEC);
      }
      return evs;
    },
    'two-networks': (s) => {
      const byDay = {}; for (const e of evalEv(s)) { const d = Math.floor((e.at - START) / DAY); if (d <= 12) (byDay[d] ??= []).push(e); }
      const days = Object.keys(byDay).filter((d) => byDay[d].length >= 20); if (!days.length) return null;
      const dd = byDay[R.pick(days)], t0 = dd[Math.min(4, dd.length - 1)].at + R.range(10, 40) * MIN, len = R.range(1, 3) * HOUR;
      const rate = Math.max(6, dd.length / Math.max(1, (dd[dd.length - 1].at - dd[0].at) / HOUR)) * R.range(0.5, 1.5), att = vpsIp(R), fw = famW(s), evs = [];
      for (let t = t0; t < t0 + len; t += R.exp(HOUR / rate)) { const f = R.weighted(fw), act = R.pick(['read', 'read', 'search', 'list']); evs.push(mk(s, t, f, act === 'read' ? pickId(R, s, f) : 'search', act, recsFor(R, f, act), att, dec(s, f, t))); }
      return evs;
    },
    'off-hours-use': (s) => {
      const d = 8 + R.int(5), tz = siteTz(s), t0 = loc(tz, d, 1 + R.next() * 3.5), len = R.range(30, 120) * MIN, ipA = s.kind === 'employee' ? (s.home2 && d >= s.homeSwitch ? s.home2 : s.home) : s.appIps[0], fw = famW(s), evs = [];
      for (let n = 20 + R.int(60), t = t0; n > 0; n--, t += len / 60 * R.range(0.3, 1.7)) { const f = R.weighted(fw), act = R.pick(['read', 'read', 'list', 'search']); evs.push(mk(s, t, f, act === 'read' ? pickId(R, s, f) : act === 'search' ? 'search' : `${FAM[f].pre}-view-${R.int(4)}`, act, act === 'read' ? 1 : Math.round(recsFor(R, f, act) * R.range(1, 3)), ipA, dec(s, f, t))); }
      return evs;
    },
    'rate-flood': (s) => {
      const t0 = activeMoment(s); if (!t0) return null;
      const perHour = {}; for (const e of hist(s)) { const h = Math.floor(e.at / HOUR); perHour[h] = (perHour[h] ?? 0) + 1; }
      const peak = Math.max(60, ...Object.values(perHour)), rate = peak * R.range(3, 6), len = R.range(30, 90) * MIN, ipA = ipNear(s, t0);
      const near = s.ev.filter((e) => !e.code && Math.abs(e.at - t0) < 2 * DAY), evs = [];
      for (let t = t0; t < t0 + len; t += R.exp(HOUR / rate)) { const m = R.pick(near); evs.push(mk(s, t, m.fam, m.action === 'read' ? pickId(R, s, m.fam) : m.id, m.action, m.recs, ipA)); }
      return evs;
    },
    'new-action': (s) => {
      const usedA = new Set(hist(s).map((e) => e.action)), act = ['delete', 'export', 'admin', 'write'].find((a) => !usedA.has(a)), fam = mainFam(s), t0 = activeMoment(s);
      if (!act || !fam || !t0) return null; const ipA = ipNear(s, t0), evs = []; let t = t0;
      for (let n = 5 + R.int(35); n > 0; n--) { const code = R.chance(0.2) ? 'ERR_CONSTRAINT' : undefined; evs.push(mk(s, t, fam, act === 'export' ? `${FAM[fam].pre}-export-${n}` : pickId(R, s, fam), act, act === 'export' ? 200 + R.int(3000) : undefined, ipA, code)); t += R.range(10, 120) * SEC; }
      return evs;
    },
    'token-replay': (s) => {
      const t0 = START + (7 + R.int(6)) * DAY + R.int(24) * HOUR, len = R.range(6, 20) * HOUR, fw = famW(s), evs = [];
      for (let t = t0; t < Math.min(t0 + len, END - MIN); t += R.exp(6 * MIN)) { const f = R.weighted(fw), act = R.pick(['read', 'search', 'read']); evs.push(mk(s, t, f, act === 'read' ? rid(f, R.int(FAM[f].n)) : 'search', act, recsFor(R, f, act), ip(1 + R.int(223), R.int(256), R.int(256), 1 + R.int(254)), dec(s, f, t))); }
      return evs;
    },
    'write-staging': (s) => {
      const fam = mainFam(s), t0 = activeMoment(s); if (!fam || !t0) return null;
      const stage = ['dw:exports', 'docs:wiki', 'mail:messages'].find((f) => s.ent.has(f) && f !== fam) ?? 'docs:wiki', ipA = ipNear(s, t0), evs = []; let t = t0;
      const pairs = 30 + R.int(70), gap = (R.range(1, 3) * HOUR) / pairs;
      for (let n = 0; n < pairs; n++) { evs.push(mk(s, t, fam, `${FAM[fam].pre}-range-${n}`, 'list', 20 + R.int(60), ipA)); evs.push(mk(s, t + R.range(2, 10) * SEC, stage, `${FAM[stage].pre}-staging-${n % 7}`, 'write', undefined, ipA, dec(s, stage, t))); t += gap * R.range(0.5, 1.5); }
      for (let n = 1 + R.int(3); n > 0; n--) { t += R.range(1, 5) * MIN; evs.push(mk(s, t, stage, `${FAM[stage].pre}-staging-all`, 'export', 1000 + R.int(5000), ipA, dec(s, stage, t))); }
      return evs;
    },
    'delegation-overreach': (s) => {
      const t0 = activeMoment(s); if (!t0) return null; const ipA = ipNear(s, t0), fw = famW(s), evs = []; let t = t0;
      for (let n = 20 + R.int(40); n > 0; n--) { const f = R.weighted(fw), w = R.chance(0.25), code = w ? 'ERR_CONSTRAINT' : R.chance(0.4) ? 'ERR_CONSTRAINT' : dec(s, f, t); evs.push(mk(s, t, f, rid(f, R.int(FAM[f].n)), w ? 'write' : R.pick(['read', 'read', 'list']), code ? undefined : 1 + R.int(20), ipA, code)); t += R.range(30, 240) * SEC; }
      return evs;
    },
  };
  const PRED = {
    'suspended-in-use': (s) => s.susp && s.statusAt >= EVAL_FROM,
    'retired-in-use': (s) => s.retire && s.statusAt >= EVAL_FROM,
    'two-networks': (s) => active(s) && s.kind !== 'service' && evalDays(s) >= 3,
    'off-hours-use': (s) => active(s) && s.kind !== 'service' && s.role !== 'ticket-triage' && s.role !== 'kb-answerer',
    'slow-exfiltration': (s) => active(s) && evalDays(s) >= 5 && !!mainFam(s),
    'delegation-overreach': (s) => active(s) && s.kind !== 'service',
  };
  const NOISY_FIRST = new Set(['bulk-read', 'probing', 'rate-flood', 'new-action', 'lateral-movement', 'hr-grab', 'two-networks']);
  ATTACK_KINDS.forEach((kind, ki) => {
    const pred = PRED[kind] ?? active; const pool = R.shuffle(fleet.sts.filter((s) => !used.has(s.a.id) && pred(s)));
    for (let slot = 0, done = 0; done < quota && slot < quota + 6; slot++) {
      const want = KIND_ROT[(ki + slot) % 3];
      const cand = pool.filter((s) => !used.has(s.a.id)).sort((x, y) => ((slot === 0 && NOISY_FIRST.has(kind) ? Number(noisy.has(y)) - Number(noisy.has(x)) : 0) * 2) + (Number(y.kind === want) - Number(x.kind === want)));
      for (const s of cand.slice(0, 6)) {
        let evs = SHAPES[kind](s); if (!evs) continue;
        evs = evs.filter((e) => e.at >= EVAL_FROM && e.at < END).sort((x, y) => x.at - y.at); if (!evs.length) continue;
        ratePass(evs, LIMIT[s.kind], s.ev);
        used.add(s.a.id); done++;
        out.push({ kind, agent: s.a.id, start: evs[0].at, end: evs[evs.length - 1].at });
        for (const e of evs) A.push(pub(s, e));
        break;
      }
    }
  });
  return { attacks: out, events: A };
}

// ---------------------------------------------------------------- main
export function generateWeek({ seed = 1, agents = 150, scale = 1, attacks = true } = {}) {
  SC = scale;
  const fleet = buildFleet(seed, agents);
  for (const site of ['sre-eu', 'sre-us']) { const sres = fleet.sts.filter((s) => s.role === 'sre' && s.team === site); sres.forEach((s) => { s.siteSres = sres; s.onCallOffset = seed % Math.max(1, sres.length); }); }
  const benign = [];
  for (const st of fleet.sts) {
    const R = rng(seed, `agent:${st.idx}`);
    if (st.kind === 'employee') genEmployee(R, st); else if (st.kind === 'company') genCompany(R, st); else genService(R, st);
    finish(R, st);
    for (const e of st.ev) benign.push(pub(st, e));
  }
  benign.sort((x, y) => x.at - y.at);
  let events = benign, atk = [];
  if (attacks) {
    const g = genAttacks(seed, agents, fleet);
    atk = g.attacks.sort((x, y) => x.start - y.start);
    const ae = g.events.sort((x, y) => x.at - y.at);
    events = new Array(benign.length + ae.length);
    for (let i = 0, j = 0, k = 0; i < benign.length || j < ae.length;) events[k++] = j >= ae.length || (i < benign.length && benign[i].at <= ae[j].at) ? benign[i++] : ae[j++];
  }
  return { agents: fleet.sts.map((s) => s.a), events, attacks: atk, statusChanges: fleet.statusChanges, grants: fleet.grants, evalFrom: EVAL_FROM, start: START, end: END };
}
