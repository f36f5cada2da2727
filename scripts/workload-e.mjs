// workload-e.mjs — independent workload generator: a simulated fortnight of a company's AI-agent fleet.
//
// Fortnight: Thu 2026-03-26 00:00 UTC .. Thu 2026-04-09 00:00 UTC. History week = first 7 days, evaluated week = last 7.
// Regions: us-east (UTC-4, already on summer time), eu-central (CET -> CEST on Sun 29 Mar 01:00 UTC), ap-south (UTC+5:30).
//
// Benign habits modelled (each is commented where it is generated):
//  - daily cycles in local time with a lunch dip, shorter Fridays, rare weekend peeks; token expiry on the first call of the day
//  - hybrid workers: office days on the office LAN, other days from home ISP addresses (some via VPN), DHCP changes
//  - people on phones: mobile-carrier addresses that change every session (meetings, evenings)
//  - daylight-saving shift: eu-central people and eu-central local-time crons move one hour in UTC mid-fortnight
//  - 24/7 support rotation: day/swing/night shifts that rotate at the week boundary (day people on nights in week 2)
//  - contractors with narrow hours on three weekdays only
//  - nightly batches (ETL, backups, payroll), hourly service jobs (syncs, discovery, quality checks), 1-min/5-min pollers
//  - paging API clients walking lists page by page (offset in the record id)
//  - queue backlogs: ticket triage bots scaled down at night/weekends drain backlogs on Monday morning; invoice matching
//    only in business hours drains the overnight backlog; candidate screening queue
//  - a team (analytics) adopting a newly granted resource (ml:features), with a curious denied attempt before the grant
//  - new hires (grants on their first morning, one grant forgotten until the next day)
//  - office move: sales-na moves to a new office subnet on Mon 6 Apr
//  - holidays: Good Friday (eu-central, ap-south), Easter Monday (eu-central) and the catch-up day after
//  - quarter end (31 Mar) and Q1 reporting spike in finance in the first business days of April (late hours, exports)
//  - people back from two weeks of vacation (no history, inbox catch-up; a rare phone peek while away)
//  - extended leave (credential suspended at leave start), leavers (credential retired), decommissioned services
//    (one with a forgotten cron still calling hourly and being refused for a day)
//  - short-lived sub-agents enrolled for a one-day task, granted that morning and retired that evening
//  - a new agent version rolled out (canary then team) to support-t1 triage bots: 'search' replaces 'list'
//  - cloud region failover: the payments service group moves to another address range at once, then fails back
//  - an org-wide identity outage: ERR_VC_EXPIRED with client retries, then a catch-up burst after recovery
//  - a nightly ETL job that fails part way (constraint errors) and is re-run in the afternoon; downstream report delayed
//  - conference travel: two eu-central sales people work from a US hotel in US hours
//  - noise: occasional out-of-scope requests (ERR_NOT_ENTITLED), constraint errors on writes/exports, rate limiting
//  - over-provisioned entitlements (families granted long ago and never used), stale HR access
//
// Attack shapes (evaluated week only, each on a distinct agent):
//  slow-exfiltration  compromised agent adds reads to its main family at its own times/addresses, volume x1.2 per step to ~20x
//  suspended-in-use   credential of someone on leave used from elsewhere; most verifiers refuse, cached ones allow for a while
//  retired-in-use     credential of a leaver / decommissioned service / retired sub-agent reused; same verifier behaviour
//  lateral-movement   agent enumerates and reads families of other segments (over-provisioned ones allow, others refuse)
//  hr-grab            non-HR agent (some of them already noisy) pages through / exports HR employee and payroll records
//  bulk-read          huge warehouse reads hidden inside the agent's routine warehouse run
//  probing            refused requests across many families and actions (fast burst or slow trickle)
//  two-networks       stolen credential used from an outside network while the owner works from the usual one
//  off-hours-use      agent used at 01:00-04:30 local from known addresses
//  rate-flood         10-25 minutes at tens of times the normal rate, mostly rate-limited
//  new-action         an agent that only reads a family starts deleting records in it

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action'];

// ---------------------------------------------------------------- time
const SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN, DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 26); // Thursday
const DAYS = 14;
const EVAL_FROM = START + 7 * DAY, END = START + DAYS * DAY;
const DST_EU = Date.UTC(2026, 2, 29, 1);
const OUTAGE = [Date.UTC(2026, 3, 8, 14, 5), Date.UTC(2026, 3, 8, 14, 52)];     // identity provider outage (day 13)
const FAILOVER = [Date.UTC(2026, 3, 7, 9, 42), Date.UTC(2026, 3, 8, 11, 3)];    // payments group in secondary region
const dow = d => ((4 + d) % 7 + 7) % 7; // 0 = Sunday
const isWeekend = d => dow(d) === 0 || dow(d) === 6;
// finance quarter end (d5 = 31 Mar) and Q1 reporting in the first business days of April
const QE_DAYS = { 4: 1.2, 5: 1.7, 6: 1.5, 7: 2.1, 8: 1.9, 11: 1.6, 12: 2.3, 13: 1.7 };

const REGIONS = {
  'us-east': { off: () => -4 * HOUR, holidays: [], office: 20, vpn: 16, dc: 100, home: [73, 98, 24, 71], mobile: [[172, 58], [172, 56], [174, 205]], catchup: {} },
  'eu-central': { off: t => (t < DST_EU ? 1 : 2) * HOUR, holidays: [8, 11], office: 40, vpn: 17, dc: 102, home: [84, 91, 178, 87], mobile: [[80, 187], [109, 40], [176, 6]], catchup: { 12: 1.45 } },
  'ap-south': { off: () => 5.5 * HOUR, holidays: [8], office: 60, vpn: 18, dc: 104, home: [49, 122, 117, 59], mobile: [[106, 200], [49, 36], [157, 48]], catchup: { 11: 1.2 } },
};
const localDay0 = (region, d) => START + d * DAY - REGIONS[region].off(START + d * DAY + 12 * HOUR);
const atLocal = (region, d, h) => localDay0(region, d) + h * HOUR;
const localHour = (region, t) => ((((t + REGIONS[region].off(t)) - START) % DAY) + DAY) % DAY / HOUR;
const localDayIdx = (region, t) => Math.floor((t + REGIONS[region].off(t) - START) / DAY);
const isOffDay = (region, d) => isWeekend(d) || REGIONS[region].holidays.includes(d);

// ---------------------------------------------------------------- PRNG (mulberry32 + helpers)
function fnv(str) { let h = 0x811c9dc5; for (let i = 0; i < str.length; i++) { h ^= str.charCodeAt(i); h = Math.imul(h, 0x01000193); } return h >>> 0; }
class Rng {
  constructor(seed) { this.s = seed >>> 0; }
  next() { let t = (this.s = (this.s + 0x6D2B79F5) >>> 0); t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }
  int(n) { return Math.floor(this.next() * n); }
  range(a, b) { return a + this.next() * (b - a); }
  irange(a, b) { return a + this.int(b - a + 1); }
  chance(p) { return this.next() < p; }
  pick(a) { return a[this.int(a.length)]; }
  normal() { const u = this.next() || 1e-12, v = this.next(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v); }
  logn(median, sigma) { return median * Math.exp(sigma * this.normal()); }
  expo(mean) { return -mean * Math.log(1 - this.next()); }
  poisson(l) { if (l <= 0) return 0; if (l > 40) return Math.max(0, Math.round(l + Math.sqrt(l) * this.normal())); const L = Math.exp(-l); let k = 0, p = 1; do { k++; p *= this.next(); } while (p > L); return k - 1; }
  geom(mean) { if (mean <= 1) return 1; return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - 1 / mean)); }
  wpick(items, wf = x => x[1]) { let s = 0; for (const x of items) s += wf(x); let u = this.next() * s; for (const x of items) { u -= wf(x); if (u < 0) return x; } return items[items.length - 1]; }
  shuffle(a) { for (let i = a.length - 1; i > 0; i--) { const j = this.int(i + 1); [a[i], a[j]] = [a[j], a[i]]; } return a; }
}
const rngFor = (seed, ...parts) => new Rng(fnv(String(seed) + '|' + parts.join('|')));
const ip = (a, b, c, d) => `${a}.${b}.${c}.${d}`;
let SCALE = 1;

// ---------------------------------------------------------------- resource catalogue
// family: [segment, verifier, population, median rows of a 'read', median rows of an 'export']
const FAMILIES = {
  'crm:accounts': ['sales', 'crm-api', 42000, 1, 4000], 'crm:opportunities': ['sales', 'crm-api', 13000, 1, 2500],
  'crm:contacts': ['sales', 'crm-api', 160000, 1, 8000],
  'dw:sales': ['data', 'warehouse', 5e6, 300, 60000], 'dw:finance': ['data', 'warehouse', 2e6, 250, 40000],
  'dw:product': ['data', 'warehouse', 8e6, 400, 80000], 'dw:customers': ['data', 'warehouse', 9e5, 150, 30000],
  'ml:features': ['data', 'feature-store', 3e6, 200, 20000],
  'hr:directory': ['hr', 'hr-api', 2600, 1, 2600], 'hr:employees': ['hr', 'hr-api', 2600, 1, 2600],
  'hr:payroll': ['hr', 'payroll-api', 2600, 1, 2600], 'hr:candidates': ['hr', 'ats-api', 9000, 1, 1500],
  'fin:ledger': ['finance', 'ledger-api', 8e5, 5, 20000], 'fin:invoices': ['finance', 'billing-api', 2.2e5, 1, 5000],
  'fin:expenses': ['finance', 'expense-api', 6e4, 1, 3000],
  'eng:repos': ['engineering', 'git-gw', 900, 1, 200], 'eng:ci': ['engineering', 'ci-api', 3e5, 1, 500],
  'eng:deploys': ['engineering', 'deploy-api', 2e4, 1, 300],
  'support:tickets': ['support', 'tickets-api', 4e5, 1, 3000], 'support:kb': ['support', 'kb-api', 5200, 1, 500],
  'ops:monitoring': ['ops', 'metrics-api', 1e6, 60, 5000], 'ops:inventory': ['ops', 'cmdb-api', 15000, 1, 15000],
  'ops:iam': ['ops', 'iam-api', 5000, 1, 800],
  'docs:wiki': ['corp', 'wiki-api', 30000, 1, 400], 'cal:events': ['corp', 'calendar-api', 5e5, 8, 200],
  'mail:outbound': ['corp', 'mail-gw', 1e6, 1, 100],
};
const FAM = {};
for (const [k, v] of Object.entries(FAMILIES)) FAM[k] = { seg: v[0], ver: v[1], pop: v[2], readRows: v[3], exportRows: v[4] };
const FAM_NAMES = Object.keys(FAM);
const READS = new Set(['read', 'list', 'search', 'export']);
const WRITES = new Set(['write', 'update', 'delete']);

const mix = spec => spec.map(([fam, w, acts]) => ({ fam, w, acts: acts.split(' ').map(s => { const [a, x] = s.split(':'); return [a, +x]; }) }));

// employee roles: what their personal assistant agent touches
const EMP_ROLES = {
  'account-exec': mix([['crm:accounts', 30, 'read:6 list:2 search:2 update:1.5'], ['crm:opportunities', 22, 'read:5 list:2 update:2 write:0.6'], ['crm:contacts', 14, 'read:5 search:3 update:0.5'], ['dw:sales', 4, 'read:1'], ['mail:outbound', 10, 'write:1'], ['cal:events', 10, 'read:3 write:1'], ['docs:wiki', 5, 'read:3 search:2'], ['hr:directory', 3, 'read:1 search:1']]),
  'sales-analyst': mix([['dw:sales', 40, 'read:6 export:0.4 list:1'], ['dw:customers', 12, 'read:4 export:0.2'], ['crm:opportunities', 15, 'read:3 list:3'], ['crm:accounts', 8, 'read:3 search:1'], ['docs:wiki', 8, 'read:2 search:1'], ['mail:outbound', 6, 'write:1'], ['cal:events', 6, 'read:1'], ['hr:directory', 2, 'read:1']]),
  'hr-partner': mix([['hr:employees', 35, 'read:6 search:2 update:1.2 list:1'], ['hr:directory', 15, 'read:3 search:2'], ['hr:payroll', 5, 'read:3'], ['hr:candidates', 6, 'read:2'], ['mail:outbound', 12, 'write:1'], ['cal:events', 12, 'read:3 write:1'], ['docs:wiki', 6, 'read:1']]),
  'recruiter': mix([['hr:candidates', 50, 'read:5 list:2 search:2 update:2 write:0.6'], ['hr:directory', 8, 'read:1 search:1'], ['mail:outbound', 20, 'write:1'], ['cal:events', 15, 'read:2 write:1.5']]),
  'accountant': mix([['fin:ledger', 30, 'read:5 list:2 write:1 update:1 export:0.2'], ['fin:invoices', 25, 'read:5 list:2 update:1'], ['fin:expenses', 20, 'read:4 list:1 update:1.5'], ['dw:finance', 8, 'read:3 export:0.1'], ['mail:outbound', 8, 'write:1'], ['cal:events', 6, 'read:1'], ['hr:directory', 2, 'read:1']]),
  'fpa-analyst': mix([['dw:finance', 40, 'read:6 export:0.5'], ['fin:ledger', 25, 'read:4 list:2 export:0.2'], ['dw:sales', 8, 'read:2'], ['docs:wiki', 8, 'read:2'], ['mail:outbound', 8, 'write:1'], ['cal:events', 8, 'read:1']]),
  'engineer': mix([['eng:repos', 32, 'read:6 list:2 write:1 search:1'], ['eng:ci', 30, 'read:5 list:3'], ['eng:deploys', 8, 'read:2 write:0.4'], ['ops:monitoring', 10, 'read:3'], ['docs:wiki', 12, 'read:3 search:2 update:0.4'], ['cal:events', 5, 'read:1'], ['hr:directory', 2, 'read:1']]),
  'data-engineer': mix([['dw:product', 20, 'read:4 write:0.5'], ['dw:customers', 10, 'read:3'], ['eng:repos', 25, 'read:4 write:1.5'], ['eng:ci', 20, 'read:4'], ['ops:monitoring', 10, 'read:2'], ['docs:wiki', 8, 'read:2 update:0.5']]),
  'support-agent': mix([['support:tickets', 55, 'read:6 update:3 list:1 search:2'], ['support:kb', 25, 'read:4 search:3'], ['crm:accounts', 10, 'read:1'], ['mail:outbound', 10, 'write:1']]),
  'data-analyst': mix([['dw:product', 30, 'read:6 export:0.3'], ['dw:customers', 15, 'read:4'], ['dw:sales', 15, 'read:4'], ['docs:wiki', 10, 'read:2 update:0.5'], ['cal:events', 5, 'read:1'], ['mail:outbound', 5, 'write:1']]),
  'sre': mix([['ops:monitoring', 40, 'read:6 list:2'], ['ops:inventory', 20, 'read:3 update:1 list:1'], ['eng:deploys', 15, 'read:3 write:1'], ['ops:iam', 5, 'read:2 update:0.3'], ['docs:wiki', 10, 'read:2 update:0.6'], ['cal:events', 4, 'read:1']]),
  'exec-assistant': mix([['mail:outbound', 25, 'write:1'], ['cal:events', 35, 'read:3 write:2 update:1'], ['docs:wiki', 10, 'read:2 search:1'], ['dw:finance', 8, 'read:2'], ['hr:directory', 12, 'read:2 search:2'], ['crm:accounts', 5, 'read:1']]),
  'contractor-eng': mix([['eng:repos', 60, 'read:6 write:2 list:1'], ['eng:ci', 40, 'read:5']]),
  'contractor-support': mix([['support:tickets', 70, 'read:6 update:3'], ['support:kb', 30, 'read:4 search:2']]),
};
const ML_MIX = mix([['ml:features', 0, 'read:5 list:1 export:0.2']])[0];

// ---------------------------------------------------------------- roster template (150 agents)
// [team, segment, region, [[kind, role, count, flag?], ...]]
const TEAMS = [
  ['sales-na', 'sales', 'us-east', [['employee', 'account-exec', 7], ['employee', 'sales-analyst', 2], ['employee', 'account-exec', 1, 'newhire'], ['company', 'pipeline-bot', 1], ['company', 'sales-insights', 1]]],
  ['sales-emea', 'sales', 'eu-central', [['employee', 'account-exec', 7], ['employee', 'sales-analyst', 2], ['company', 'pipeline-bot', 1]]],
  ['sales-ops', 'sales', 'us-east', [['service', 'crm-sync', 2], ['service', 'crm-sync-v1', 1]]],
  ['people-ops', 'hr', 'eu-central', [['employee', 'hr-partner', 4], ['company', 'onboarding-assistant', 1], ['service', 'hris-connector', 1], ['service', 'payroll-sync', 1]]],
  ['recruiting', 'hr', 'us-east', [['employee', 'recruiter', 4], ['company', 'candidate-screener', 2]]],
  ['accounting', 'finance', 'us-east', [['employee', 'accountant', 4], ['company', 'invoice-matcher', 2], ['company', 'expense-auditor', 1]]],
  ['fpa', 'finance', 'eu-central', [['employee', 'fpa-analyst', 3], ['service', 'report-builder', 1], ['company', 'board-pack-bot', 1]]],
  ['payments', 'finance', 'us-east', [['service', 'billing-svc', 3], ['service', 'payments-api', 5]]],
  ['platform', 'engineering', 'eu-central', [['employee', 'engineer', 7], ['company', 'code-reviewer', 1], ['service', 'ci-runner', 2], ['service', 'deploy-svc', 1]]],
  ['mobile', 'engineering', 'ap-south', [['employee', 'engineer', 5], ['employee', 'contractor-eng', 2], ['company', 'code-reviewer', 1], ['service', 'ci-runner', 1]]],
  ['core-eng', 'engineering', 'us-east', [['employee', 'engineer', 5], ['employee', 'engineer', 1, 'newhire'], ['company', 'release-bot', 1]]],
  ['support-t1', 'support', 'us-east', [['employee', 'support-agent', 8, 'shift'], ['employee', 'contractor-support', 2], ['company', 'ticket-triage', 2], ['service', 'ticket-ingest', 1]]],
  ['support-apac', 'support', 'ap-south', [['employee', 'support-agent', 4], ['company', 'ticket-triage', 1]]],
  ['customer-success', 'support', 'eu-central', [['employee', 'support-agent', 5], ['company', 'ticket-triage', 1]]],
  ['data-eng', 'data', 'eu-central', [['employee', 'data-engineer', 2], ['service', 'etl-loader', 4], ['service', 'search-indexer', 1], ['service', 'dw-quality', 1]]],
  ['analytics', 'data', 'us-east', [['employee', 'data-analyst', 5], ['company', 'analytics-assistant', 2], ['service', 'report-builder', 1]]],
  ['it-ops', 'ops', 'us-east', [['employee', 'sre', 3], ['company', 'ops-assistant', 1], ['service', 'cmdb-discovery', 1], ['service', 'backup-svc', 1], ['service', 'metrics-scraper', 2]]],
  ['sre-apac', 'ops', 'ap-south', [['employee', 'sre', 3], ['service', 'metrics-scraper', 1]]],
  ['security', 'ops', 'eu-central', [['employee', 'sre', 2], ['service', 'access-reviewer', 1], ['service', 'log-shipper', 1]]],
  ['exec-office', 'corp', 'us-east', [['employee', 'exec-assistant', 3]]],
  ['legacy', 'data', 'us-east', [['service', 'legacy-report-svc', 1]]],
  ['task-force', 'data', 'us-east', [['company', 'sub-agent', 5]]],
];

// ---------------------------------------------------------------- event emission (internal form)
function statusAt(st, t) { let s = null; for (const c of st.status) if (c.at <= t) s = c; return s; }
function entitledAt(st, fam, t) { if (st.ent.has(fam)) return true; for (const g of st.grants) if (g.family === fam && g.at <= t) return true; return false; }
function recId(st, fam) {
  const F = FAM[fam]; let ws = st.ws[fam];
  if (!ws) { ws = st.ws[fam] = []; const n = 5 + st.rng.int(60); for (let i = 0; i < n; i++) ws.push(1 + st.rng.int(F.pop)); }
  return st.rng.next() < 0.6 ? st.rng.pick(ws) : 1 + st.rng.int(F.pop);
}
function recsFor(r, fam, action) {
  const F = FAM[fam];
  if (action === 'read') return F.readRows === 1 ? (r.chance(0.92) ? 1 : r.irange(2, 6)) : Math.max(0, Math.round(r.logn(F.readRows, 1.0)));
  if (action === 'list') return Math.min(100, Math.max(1, Math.round(r.logn(30, 0.6))));
  if (action === 'search') return r.chance(0.1) ? 0 : Math.min(200, Math.round(r.logn(8, 0.9)));
  if (action === 'export') return Math.max(1, Math.round(r.logn(F.exportRows, 0.8)));
  return null;
}
// opts: { code, id, lag } ; lag = verifier status-cache TTL map (attacks only)
function emit(st, t, fam, action, recs, ipStr, opts) {
  t = Math.round(t);
  if (t < st.lo || t >= END) return null;
  let code = (opts && opts.code) || null;
  if (!code) {
    const s = statusAt(st, t);
    if (s) {
      const ttl = opts && opts.lag ? (opts.lag[FAM[fam].ver] || 0) : 0; // verifiers with a cached status list
      if (t - s.at >= ttl) code = s.status === 'retired' ? 'ERR_VC_REVOKED' : 'ERR_VC_SUSPENDED';
    }
  }
  if (!code && !entitledAt(st, fam, t)) code = 'ERR_NOT_ENTITLED';
  if (!code) { const p = action === 'export' ? 0.015 : WRITES.has(action) ? 0.004 : 0.0005; if (st.rng.next() < p) code = 'ERR_CONSTRAINT'; }
  if (recs === undefined) recs = recsFor(st.rng, fam, action);
  const e = { at: t, fam, id: (opts && opts.id != null) ? opts.id : recId(st, fam), action, ip: ipStr || st.ipAt(t), code, recs: code || !READS.has(action) ? null : Math.max(0, Math.round(recs ?? 1)) };
  st.ev.push(e);
  return e;
}
function pickAct(r, acts) { return r.wpick(acts)[0]; }

// a burst of tool calls by an assistant working on one task
function burst(st, t, mixArr, ipStr, sizeMean) {
  const r = st.rng;
  if (r.chance(0.004)) { // out-of-scope request: the assistant tries something its principal asked about
    const fam = r.pick(FAM_NAMES); const n = r.irange(1, 2);
    for (let i = 0; i < n; i++) { emit(st, t, fam, r.pick(['read', 'search', 'list']), undefined, ipStr); t += 1500 + r.int(4000); }
    return t;
  }
  const m = r.wpick(mixArr, x => x.w);
  const n = r.geom(sizeMean);
  const hasFinder = m.acts.filter(a => a[0] === 'list' || a[0] === 'search');
  for (let i = 0; i < n; i++) {
    const action = i === 0 && hasFinder.length && r.chance(0.5) ? r.wpick(hasFinder)[0] : pickAct(r, m.acts);
    emit(st, t, m.fam, action, undefined, ipStr);
    t += 700 + r.int(r.chance(0.2) ? 40000 : 9000);
  }
  return t;
}
// walk a list page by page (paging API clients); returns end time
function paging(st, t, fam, total, page, gapMs, ipStr) {
  total = Math.max(1, Math.round(total));
  for (let off = 0; off < total; off += page) {
    emit(st, t, fam, 'list', Math.min(page, total - off), ipStr, { id: off });
    t += gapMs * (0.6 + 0.8 * st.rng.next());
  }
  return t;
}
function bizCurve(h) {
  if (h < 7) return 0.02; if (h < 8) return 0.3; if (h < 9) return 0.7; if (h < 12) return 1; if (h < 13) return 0.6;
  if (h < 17) return 1; if (h < 18) return 0.6; if (h < 20) return 0.25; if (h < 23) return 0.08; return 0.02;
}
function demand(t, regs) { // customer demand mixing several regions' business days
  let s = 0;
  for (const [r, w] of regs) {
    const d = localDayIdx(r, t); let f = bizCurve(localHour(r, t)) * 0.85 + 0.15;
    if (isOffDay(r, d)) f *= 0.35;
    s += w * f;
  }
  return s;
}
const GLOBAL = [['us-east', 0.5], ['eu-central', 0.35], ['ap-south', 0.15]];
// Poisson arrivals at 1-minute resolution with a rate (per hour) function
function arrivals(r, t0, t1, perHour, cb) {
  for (let t = t0; t < t1; t += MIN) { const lam = perHour(t) / 60; if (lam <= 0) continue; let n = r.poisson(lam); while (n-- > 0) cb(t + r.int(MIN)); }
}
function dayFactor(region, d) { if (isWeekend(d)) return 0.04; if (REGIONS[region].holidays.includes(d)) return 0.08; return REGIONS[region].catchup[d] || 1; }
// team-facing company assistant: tasks follow the team's business day
function assistantTasks(st, mixFn, tph, sizeMean, region = st.a.region) {
  for (let d = 0; d < DAYS; d++) {
    const f = dayFactor(region, d) * SCALE, m = mixFn(d);
    const t0 = localDay0(region, d);
    arrivals(st.rng, t0, t0 + DAY, t => tph * f * bizCurve(localHour(region, t)), t => burst(st, t, m, null, sizeMean));
  }
}
function hourly(st, minute, cb) { for (let h = 0; h < DAYS * 24; h++) cb(START + h * HOUR + minute * MIN + st.rng.int(90 * SEC), Math.floor(h / 24)); }
function dailyLocal(st, region, hour, cb) { for (let d = -1; d < DAYS; d++) cb(atLocal(region, d, hour) + st.rng.int(2 * MIN), d); }
function every(st, periodMs, cb) { const p = periodMs / SCALE; for (let t = START + st.rng.int(p); t < END; t += p) cb(t + st.rng.int(3 * SEC)); }

// ---------------------------------------------------------------- company-agent and service behaviours
const TRIAGE_V2 = { canary: Date.UTC(2026, 2, 31, 15, 0), team: Date.UTC(2026, 3, 2, 16, 10) }; // agent version rollout

const ROLES = {
  // ---- company agents
  'pipeline-bot': { fams: ['crm:opportunities', 'crm:accounts', 'dw:sales'], profile: 'team assistant, business hours, hourly pipeline refresh', gen(st) {
    const m = mix([['crm:opportunities', 5, 'read:4 list:2 update:2'], ['crm:accounts', 3, 'read:4 search:1'], ['dw:sales', 1, 'read:1']]);
    assistantTasks(st, () => m, 7, 4);
    hourly(st, 0, (t, d) => { const lh = localHour(st.a.region, t); if (!isOffDay(st.a.region, d) && lh >= 7 && lh < 19) paging(st, t, 'crm:opportunities', st.rng.logn(300, 0.4) * SCALE, 100, 600); });
  } },
  'sales-insights': { fams: ['dw:sales', 'dw:customers', 'crm:accounts'], profile: 'daily 07:00 sales report + on-demand analysis', gen(st) {
    const m = mix([['dw:sales', 6, 'read:5 export:0.2'], ['crm:accounts', 2, 'read:3'], ['dw:customers', 2, 'read:2']]);
    assistantTasks(st, () => m, 3, 5);
    dailyLocal(st, st.a.region, 7, (t, d) => { if (d < 0 || isOffDay(st.a.region, d)) return; for (let i = 0; i < 30 * SCALE; i++) { emit(st, t, 'dw:sales', 'read'); t += 2000 + st.rng.int(20000); } emit(st, t, 'dw:sales', 'export'); emit(st, t + 9000, 'dw:customers', 'export'); });
  } },
  'onboarding-assistant': { fams: ['hr:employees', 'hr:directory', 'ops:inventory', 'cal:events'], profile: 'onboarding tasks in business hours', gen(st) {
    const m = mix([['hr:employees', 4, 'read:4 update:1 write:0.3'], ['hr:directory', 3, 'read:2 write:0.5'], ['ops:inventory', 2, 'read:1 update:1'], ['cal:events', 2, 'write:1 read:1']]);
    assistantTasks(st, () => m, 2.5, 5);
  } },
  'candidate-screener': { fams: ['hr:candidates', 'mail:outbound'], profile: 'application queue, processed around the clock', gen(st) {
    // queue backlog: applications arrive 24/7 from the careers site, processed at a steady capacity
    const r = st.rng; let backlog = 0, credit = 0;
    for (let m = 0; m < DAYS * 1440; m++) {
      const t = START + m * MIN;
      backlog += r.poisson(0.09 * SCALE * demand(t, GLOBAL));
      credit = Math.min(credit + 0.06 * SCALE, 2);
      while (backlog > 0 && credit >= 1) { backlog--; credit--; let tt = t + r.int(MIN); const id = 1 + r.int(9000);
        emit(st, tt, 'hr:candidates', 'read', 1, null, { id }); tt += 3000 + r.int(8000); emit(st, tt, 'hr:candidates', 'read', 1, null, { id }); tt += 20000 + r.int(40000);
        emit(st, tt, 'hr:candidates', 'update', null, null, { id }); if (r.chance(0.07)) emit(st, tt + 5000, 'mail:outbound', 'write'); }
    }
  } },
  'invoice-matcher': { fams: ['fin:invoices', 'fin:ledger'], profile: 'invoice queue, business hours only (overnight backlog)', gen(st) {
    const r = st.rng, reg = st.a.region; let backlog = 0, credit = 0;
    for (let m = 0; m < DAYS * 1440; m++) {
      const t = START + m * MIN, d = localDayIdx(reg, t), lh = localHour(reg, t);
      if (m % 60 === 7) backlog += r.poisson(22 * SCALE * demand(t, GLOBAL) * (QE_DAYS[d] || 1)); // hourly batch from billing
      if (isOffDay(reg, d) || lh < 6 || lh >= 21) continue;
      credit = Math.min(credit + 1.6 * SCALE, 3);
      while (backlog > 0 && credit >= 1) { backlog--; credit--; let tt = t + r.int(MIN); const id = 1 + r.int(2.2e5);
        emit(st, tt, 'fin:invoices', 'read', 1, null, { id }); tt += 1500 + r.int(3000); emit(st, tt, 'fin:ledger', 'read'); tt += 1500 + r.int(3000);
        if (r.chance(0.85)) { emit(st, tt, 'fin:ledger', 'write'); emit(st, tt + 800, 'fin:invoices', 'update', null, null, { id }); } }
    }
  } },
  'expense-auditor': { fams: ['fin:expenses', 'mail:outbound'], profile: 'daily 08:00 expense audit, paging', gen(st) {
    dailyLocal(st, st.a.region, 8, (t, d) => { if (d < 0 || isOffDay(st.a.region, d)) return; const n = Math.round(st.rng.logn(150, 0.4) * SCALE * (QE_DAYS[d] || 1));
      t = paging(st, t, 'fin:expenses', n, 50, 1200);
      for (let i = 0; i < n; i++) { emit(st, t, 'fin:expenses', 'read'); t += 800 + st.rng.int(3000); if (st.rng.chance(0.3)) { emit(st, t, 'fin:expenses', 'update'); t += 500; } if (st.rng.chance(0.03)) emit(st, t, 'mail:outbound', 'write'); } });
  } },
  'board-pack-bot': { fams: ['dw:finance', 'fin:ledger', 'docs:wiki', 'mail:outbound'], profile: 'exec reporting; heavy at quarter end', gen(st) {
    const m = mix([['dw:finance', 6, 'read:5 export:1'], ['fin:ledger', 3, 'read:3 list:1 export:0.5'], ['docs:wiki', 1, 'write:1 read:1']]);
    for (let d = 0; d < DAYS; d++) { const q = QE_DAYS[d]; if (!q || isOffDay(st.a.region, d)) continue; const t0 = localDay0(st.a.region, d); // Q1 board pack
      arrivals(st.rng, t0, t0 + DAY, t => 6 * (q - 1) * SCALE * bizCurve(localHour(st.a.region, t)), t => burst(st, t, m, null, 6)); }
    dailyLocal(st, st.a.region, 8, (t, d) => { if (d < 0 || isOffDay(st.a.region, d)) return; for (let i = 0; i < 5; i++) emit(st, t + i * 4000, 'dw:finance', 'read'); emit(st, t + 30000, 'mail:outbound', 'write'); });
  } },
  'code-reviewer': { fams: ['eng:repos', 'eng:ci'], profile: 'reviews pull requests during the team day', gen(st) {
    for (let d = 0; d < DAYS; d++) { const reg = st.a.region, t0 = localDay0(reg, d), f = dayFactor(reg, d) * SCALE;
      arrivals(st.rng, t0, t0 + DAY, t => 4 * f * bizCurve(localHour(reg, t)), t => { const r = st.rng, repo = 1 + r.int(900); emit(st, t, 'eng:repos', 'list', undefined, null, { id: repo });
        for (let i = r.irange(8, 25); i > 0; i--) { t += 500 + r.int(2500); emit(st, t, 'eng:repos', 'read', undefined, null, { id: repo }); }
        emit(st, t + 1000, 'eng:ci', 'read'); emit(st, t + 2500, 'eng:ci', 'read'); for (let i = r.irange(1, 3); i > 0; i--) emit(st, t + 4000 + i * 900, 'eng:repos', 'write', null, null, { id: repo }); }); }
  } },
  'release-bot': { fams: ['eng:ci', 'eng:deploys', 'ops:monitoring'], profile: 'release trains 10:00 and 15:00 on weekdays', gen(st) {
    for (const h of [10, 15]) dailyLocal(st, st.a.region, h, (t, d) => { if (d < 0 || isOffDay(st.a.region, d)) return; const r = st.rng;
      for (let i = 0; i < 10; i++) { emit(st, t, 'eng:ci', 'read'); t += 1000 + r.int(3000); } emit(st, t, 'eng:deploys', 'write'); t += 60000;
      for (let i = 0; i < 6; i++) { emit(st, t, 'ops:monitoring', 'read'); t += 30000 + r.int(30000); } emit(st, t, 'eng:deploys', 'write'); emit(st, t + 2000, 'eng:deploys', 'read'); });
  } },
  'ticket-triage': { fams: ['support:tickets', 'support:kb', 'crm:accounts'], profile: '24/7 ticket queue, scaled down nights/weekends', gen(st) {
    // queue backlog: capacity drops at night and weekends, backlog is drained next morning
    const r = st.rng, reg = st.a.region, p = st.p; let backlog = 0, credit = 0;
    const regs = reg === 'us-east' ? [['us-east', 0.8], ['eu-central', 0.2]] : reg === 'ap-south' ? [['ap-south', 1]] : [['eu-central', 1]];
    for (let m = 0; m < DAYS * 1440; m++) {
      const t = START + m * MIN, d = localDayIdx(reg, t), lh = localHour(reg, t);
      backlog += r.poisson(p.peak * SCALE * demand(t, regs));
      const cap = p.peak * 1.15 * SCALE * (isOffDay(reg, d) ? 0.3 : 1) * (lh < 7 || lh >= 20 ? 0.45 : 1);
      credit = Math.min(credit + cap, 1 + cap * 2);
      while (backlog > 0 && credit >= 1) {
        backlog--; credit--; let tt = t + r.int(MIN); const id = 1 + r.int(4e5);
        const v2 = p.v2At != null && tt >= p.v2At; // new agent version uses 'search' instead of 'list'
        emit(st, tt, 'support:tickets', v2 ? 'search' : 'list', v2 ? Math.round(r.logn(12, 0.6)) : Math.min(100, backlog + 1)); tt += 800 + r.int(2000);
        emit(st, tt, 'support:tickets', 'read', 1, null, { id }); tt += 1000 + r.int(3000);
        if (v2) { emit(st, tt, 'support:kb', 'search'); tt += 900 + r.int(2000); }
        emit(st, tt, 'support:kb', 'read'); tt += 1000 + r.int(3000);
        if (r.chance(0.3)) { emit(st, tt, 'crm:accounts', 'read'); tt += 1000 + r.int(2000); }
        emit(st, tt, 'support:tickets', 'update', null, null, { id });
      }
    }
  } },
  'analytics-assistant': { fams: ['dw:product', 'dw:sales', 'dw:customers', 'docs:wiki'], profile: 'analysis assistant for the analytics team', gen(st) {
    const base = mix([['dw:product', 5, 'read:5 export:0.3'], ['dw:sales', 3, 'read:4 export:0.2'], ['dw:customers', 2, 'read:4'], ['docs:wiki', 1, 'read:1 write:0.3']]);
    assistantTasks(st, d => adoptMix(st, base, d), 8, 5);
  } },
  'ops-assistant': { fams: ['ops:monitoring', 'ops:inventory', 'eng:deploys'], profile: 'pager-driven ops helper, around the clock', gen(st) {
    const m = mix([['ops:monitoring', 6, 'read:6 list:1'], ['ops:inventory', 3, 'read:3'], ['eng:deploys', 1, 'read:1']]);
    arrivals(st.rng, START, END, t => (0.8 + 4 * bizCurve(localHour(st.a.region, t)) * (isOffDay(st.a.region, localDayIdx(st.a.region, t)) ? 0.1 : 1)) * SCALE, t => burst(st, t, m, null, 6));
  } },
  'sub-agent': { fams: [], profile: 'short-lived task agent', gen(st) {
    // sub-agent enrolled for one day: granted in the morning, works through a task list, retired in the evening
    const p = st.p, r = st.rng, T = SUB_TASKS[p.task];
    let t = p.grantAt - r.int(3 * MIN);
    if (r.chance(0.5)) for (let i = r.irange(1, 3); i > 0; i--) { emit(st, t, T.fams[0], T.steps[0][1]); t += 2000 + r.int(5000); } // raced the grant
    t = p.grantAt + r.int(10 * MIN);
    while (t < p.doneAt) {
      for (const [fam, action] of T.steps) { emit(st, t, fam, action); t += 400 + r.int(2500); }
      t += r.expo(9000 / SCALE);
    }
  } },
  // ---- services
  'crm-sync': { fams: ['crm:accounts', 'crm:contacts', 'dw:customers'], profile: 'hourly paging sync + nightly full sync', gen(st) {
    hourly(st, 5 + 7 * st.p.n, (t) => { const n = st.rng.logn(400, 0.5) * SCALE * (0.4 + demand(t, GLOBAL)); t = paging(st, t, 'crm:accounts', n, 100, 700); for (let i = Math.ceil(n / 200); i > 0; i--) { emit(st, t, 'dw:customers', 'write'); t += 1500; } });
    if (st.p.n === 0) for (let d = 0; d < DAYS; d++) paging(st, START + d * DAY + 2 * HOUR + st.rng.int(5 * MIN), 'crm:contacts', 160000 * SCALE, 1000, 1800);
  } },
  'crm-sync-v1': { fams: ['crm:opportunities', 'dw:sales'], profile: 'legacy sync every 2h, decommissioned mid-fortnight', gen(st) {
    hourly(st, 35, (t) => { if (Math.floor((t - START) / HOUR) % 2 || t > st.p.stopAt) return; const n = st.rng.logn(250, 0.5) * SCALE; t = paging(st, t, 'crm:opportunities', n, 100, 900); emit(st, t, 'dw:sales', 'write'); });
  } },
  'hris-connector': { fams: ['hr:employees', 'hr:directory'], profile: 'hourly paging of HR records into the directory', gen(st) {
    hourly(st, 20, (t) => { t = paging(st, t, 'hr:employees', 2600 * Math.min(1, SCALE * 1.2), 100, 500); for (let i = st.rng.poisson(2); i > 0; i--) { emit(st, t, 'hr:directory', 'update'); t += 700; } });
  } },
  'payroll-sync': { fams: ['hr:payroll', 'fin:ledger'], profile: 'nightly 23:00 Europe/Berlin, month-end payroll run', gen(st) {
    dailyLocal(st, st.a.region, 23, (t, d) => { t = paging(st, t, 'hr:payroll', 2600 * SCALE, 100, 800);
      const w = d === 5 ? 52 : 20; for (let i = 0; i < w * SCALE; i++) { emit(st, t, 'fin:ledger', 'write'); t += 1500 + st.rng.int(2000); }
      if (d === 5) emit(st, t, 'hr:payroll', 'export', 2600); });
  } },
  'report-builder': { fams: ['dw:finance', 'dw:sales', 'dw:product', 'mail:outbound'], profile: 'morning report batch (local time)', gen(st) {
    const fin = st.a.team === 'fpa', reg = st.a.region;
    const run = (t, d, size) => { const r = st.rng; for (let i = 0; i < size * SCALE; i++) { emit(st, t, fin ? 'dw:finance' : r.pick(['dw:sales', 'dw:product']), 'read', Math.round(r.logn(2000, 0.8))); t += 3000 + r.int(15000); }
      emit(st, t, fin ? 'dw:finance' : 'dw:sales', 'export'); for (let i = 0; i < 3; i++) emit(st, t + 5000 + i * 2000, 'mail:outbound', 'write'); };
    dailyLocal(st, reg, fin ? 5.5 : 6, (t, d) => { if (d < 0) return; if (!fin && isWeekend(d)) return;
      if (fin && d === 11) t = atLocal(reg, d, 15.6); // waits for the re-run ETL after the failed night load
      run(t, d, fin ? 20 : 25);
      if (fin && QE_DAYS[d] >= 1.5) { run(atLocal(reg, d, 13) + st.rng.int(MIN), d, 30); run(atLocal(reg, d, 17) + st.rng.int(MIN), d, 30); } });
  } },
  'billing-svc': { fams: ['fin:invoices', 'fin:ledger'], profile: 'continuous billing traffic following customers', gen(st) {
    arrivals(st.rng, START, END, t => 120 * SCALE * demand(t, GLOBAL), t => { const u = st.rng.next(); if (u < 0.6) emit(st, t, 'fin:invoices', 'write'); else if (u < 0.85) emit(st, t, 'fin:invoices', 'read'); else emit(st, t, 'fin:ledger', 'write'); });
  } },
  'payments-api': { fams: ['fin:invoices', 'crm:accounts'], profile: 'continuous payment API traffic', gen(st) {
    arrivals(st.rng, START, END, t => 80 * SCALE * demand(t, GLOBAL), t => { const u = st.rng.next(); if (u < 0.4) emit(st, t, 'fin:invoices', 'read'); else if (u < 0.7) emit(st, t, 'fin:invoices', 'update'); else emit(st, t, 'crm:accounts', 'read'); });
  } },
  'ci-runner': { fams: ['eng:repos', 'eng:ci'], profile: 'builds triggered by the team\'s pushes', gen(st) {
    for (let d = 0; d < DAYS; d++) { const reg = st.a.region, t0 = localDay0(reg, d), f = dayFactor(reg, d) * SCALE;
      arrivals(st.rng, t0, t0 + DAY, t => (5 * f * bizCurve(localHour(reg, t)) + 0.2 * SCALE), t => { const r = st.rng, repo = 1 + r.int(900);
        for (let i = r.irange(3, 8); i > 0; i--) { emit(st, t, 'eng:repos', 'read', undefined, null, { id: repo }); t += 300 + r.int(1500); }
        for (let i = r.irange(2, 5); i > 0; i--) { t += 20000 + r.int(90000); emit(st, t, 'eng:ci', 'write'); } emit(st, t + 1000, 'eng:ci', 'read'); }); }
  } },
  'deploy-svc': { fams: ['eng:deploys', 'ops:monitoring', 'ops:inventory'], profile: 'deploys in business hours', gen(st) {
    for (let d = 0; d < DAYS; d++) { const reg = st.a.region; if (isOffDay(reg, d)) continue; const t0 = localDay0(reg, d);
      arrivals(st.rng, t0, t0 + DAY, t => 1.4 * SCALE * bizCurve(localHour(reg, t)), t => { const r = st.rng; emit(st, t, 'eng:deploys', 'read'); emit(st, t + 2000, 'eng:deploys', 'write'); t += 30000;
        for (let i = 0; i < 5; i++) { emit(st, t, 'ops:monitoring', 'read'); t += 20000 + r.int(40000); } emit(st, t, 'ops:inventory', 'update'); }); }
  } },
  'ticket-ingest': { fams: ['support:tickets', 'crm:contacts'], profile: 'email-to-ticket ingestion stream', gen(st) {
    arrivals(st.rng, START, END, t => 40 * SCALE * demand(t, [['us-east', 0.8], ['eu-central', 0.2]]), t => { emit(st, t, 'crm:contacts', 'search'); emit(st, t + 300 + st.rng.int(900), 'support:tickets', 'write'); });
  } },
  'etl-loader': { fams: [], profile: 'nightly ETL 02:00 Europe/Berlin + hourly micro-batch', gen(st) {
    const [src, dst] = ETL_PAIRS[st.p.n % ETL_PAIRS.length], r = st.rng, reg = st.a.region;
    const load = (t, frac, failAt) => { const n = r.logn(30000, 0.3) * SCALE * frac; let off = 0;
      for (; off < n; off += 1000) { if (failAt && off > n * failAt) { for (let i = 0; i < 4; i++) { emit(st, t, dst, 'write', null, null, { code: 'ERR_CONSTRAINT' }); t += 5000 * (i + 1); } return t; }
        emit(st, t, src, 'list', Math.min(1000, Math.round(n - off)), null, { id: off }); t += 1500 + r.int(2000); emit(st, t, dst, 'write'); t += 1000 + r.int(2000); }
      for (let i = 0; i < 10; i++) { emit(st, t, dst, 'read', Math.round(r.logn(5000, 0.7))); t += 2000 + r.int(6000); } return t; };
    dailyLocal(st, reg, 2 + st.p.n / 3, (t, d) => { if (d < 0) return;
      if (d === 11 && st.p.n === 0) { load(t, 1, 0.35); load(atLocal(reg, d, 14.5) + r.int(5 * MIN), 1.05); return; } // failed night load, afternoon re-run
      load(t, 1); });
    hourly(st, 15 + 5 * st.p.n, t => { if (localHour(reg, t) >= 1 && localHour(reg, t) < 4) return; t = paging(st, t, src, r.logn(300, 0.5) * SCALE * (0.3 + demand(t, GLOBAL)), 200, 900); emit(st, t, dst, 'write'); });
  } },
  'search-indexer': { fams: ['docs:wiki', 'support:kb'], profile: 'indexes changed pages every 15 minutes', gen(st) {
    every(st, 15 * MIN, t => { for (const fam of ['docs:wiki', 'support:kb']) { const n = st.rng.poisson(5 * demand(t, GLOBAL)); emit(st, t, fam, 'list', n); for (let i = 0; i < n; i++) { t += 300 + st.rng.int(800); emit(st, t, fam, 'read'); } t += 2000; } });
  } },
  'dw-quality': { fams: ['dw:sales', 'dw:finance', 'dw:product', 'dw:customers'], profile: 'hourly data-quality checks', gen(st) {
    hourly(st, 40, t => { for (const fam of ['dw:sales', 'dw:finance', 'dw:product', 'dw:customers', 'dw:sales', 'dw:product']) { emit(st, t, fam, 'read', Math.round(st.rng.logn(3, 1))); t += 2000 + st.rng.int(8000); } });
  } },
  'cmdb-discovery': { fams: ['ops:inventory'], profile: 'hourly inventory scan (paging)', gen(st) {
    hourly(st, 30, t => { t = paging(st, t, 'ops:inventory', 15000 * Math.min(1, SCALE), 500, 1500); for (let i = st.rng.poisson(3); i > 0; i--) { emit(st, t, 'ops:inventory', 'update'); t += 900; } });
  } },
  'backup-svc': { fams: ['hr:employees', 'crm:accounts', 'crm:contacts', 'fin:ledger', 'fin:invoices', 'support:kb', 'docs:wiki', 'eng:repos', 'ops:inventory'], profile: 'nightly 00:30 UTC export backups across systems', gen(st) {
    for (let d = 0; d < DAYS; d++) { let t = START + d * DAY + 30 * MIN + st.rng.int(3 * MIN);
      for (const fam of ROLES['backup-svc'].fams) { const total = FAM[fam].pop * (d === 3 || d === 10 ? 1 : 0.05) * SCALE; // full on Sundays, incremental otherwise
        for (let off = 0; off < total; off += 5000) { emit(st, t, fam, 'export', Math.min(5000, Math.round(total - off)), null, { id: off }); t += 2000 + st.rng.int(4000); } } }
  } },
  'metrics-scraper': { fams: ['ops:monitoring'], profile: 'every minute push, 5-minute reads', gen(st) {
    every(st, MIN, t => emit(st, t, 'ops:monitoring', 'write', null, null, { id: 1 + st.p.n }));
    every(st, 5 * MIN, t => emit(st, t, 'ops:monitoring', 'read', 500));
  } },
  'access-reviewer': { fams: ['ops:iam', 'hr:directory', 'hr:employees'], profile: 'daily 06:00 UTC access review, weekly full', gen(st) {
    for (let d = 0; d < DAYS; d++) { let t = START + d * DAY + 6 * HOUR + st.rng.int(4 * MIN); t = paging(st, t, 'ops:iam', 5000, 200, 1200); t = paging(st, t, 'hr:directory', 2600, 200, 1200);
      if (dow(d) === 1) paging(st, t, 'hr:employees', 2600, 200, 1500); } // Monday full review
  } },
  'log-shipper': { fams: ['ops:monitoring'], profile: 'ships logs every 5 minutes', gen(st) { every(st, 5 * MIN, t => emit(st, t, 'ops:monitoring', 'write')); } },
  'legacy-report-svc': { fams: ['dw:sales', 'mail:outbound'], profile: 'legacy report service, decommissioned, cron left behind', gen(st) {
    // its hourly cron keeps firing for a day after the credential is retired, until ops removes it
    hourly(st, 50, t => { if (t > st.p.cronRemovedAt) return; for (let i = 0; i < 3; i++) emit(st, t + i * 4000, 'dw:sales', 'read'); });
    dailyLocal(st, 'us-east', 0, (t, d) => { if (d >= 0 && t < st.p.cronRemovedAt) { emit(st, t, 'dw:sales', 'export'); emit(st, t + 20000, 'mail:outbound', 'write'); } });
  } },
};
const ETL_PAIRS = [['crm:opportunities', 'dw:sales'], ['fin:ledger', 'dw:finance'], ['support:tickets', 'dw:product'], ['crm:contacts', 'dw:customers']];
const SUB_TASKS = {
  'crm-dedupe': { fams: ['crm:contacts', 'crm:accounts'], steps: [['crm:contacts', 'search'], ['crm:contacts', 'read'], ['crm:accounts', 'read'], ['crm:contacts', 'update']] },
  'invoice-backfill': { fams: ['fin:invoices', 'dw:finance'], steps: [['fin:invoices', 'list'], ['fin:invoices', 'read'], ['dw:finance', 'write']] },
  'ticket-tagging': { fams: ['support:tickets'], steps: [['support:tickets', 'list'], ['support:tickets', 'read'], ['support:tickets', 'update']] },
  'doc-migration': { fams: ['docs:wiki'], steps: [['docs:wiki', 'list'], ['docs:wiki', 'read'], ['docs:wiki', 'write']] },
};
const SUB_DAYS = [[1, 'doc-migration'], [4, 'crm-dedupe'], [7, 'invoice-backfill'], [8, 'ticket-tagging'], [12, 'crm-dedupe']];

// new resource adoption (analytics team, ml:features)
function adoptMix(st, base, d) {
  const p = st.p; if (p.adoptDay == null || d < p.adoptDay) return base;
  const w = 12 * Math.min(1, (d - p.adoptDay + 1) / 5) * (base.reduce((s, x) => s + x.w, 0) / 100);
  return base.concat([{ ...ML_MIX, w }]);
}

// ---------------------------------------------------------------- employees
const SHIFT_H = { day: 7, swing: 15, night: 23 };
function employeeIp(st, loc, d) {
  const p = st.p, r = st.rng, reg = REGIONS[st.a.region];
  if (loc === 'office') {
    if (r.chance(0.1)) p.host = 10 + r.int(240); // DHCP lease changed
    return p.moveDay != null && d >= p.moveDay ? ip(10, 28, 4 + p.floor, p.host) : ip(10, reg.office, 16 + p.floor, p.host); // office move
  }
  if (loc === 'home') {
    if (r.chance(0.04)) p.home[3] = 1 + r.int(254); // ISP reassigned the home address
    return p.vpn ? ip(172, reg.vpn, r.int(16), 2 + r.int(250)) : p.home.join('.');
  }
  if (loc === 'hotel') return p.hotel;
  const m = r.pick(reg.mobile); return ip(m[0], m[1] + r.int(4), r.int(256), 1 + r.int(254)); // carrier address, new each session
}
function genEmployee(st) {
  const p = st.p, r = st.rng, a = st.a;
  const roleMix = EMP_ROLES[a.role];
  for (let d = 0; d < DAYS; d++) {
    if (p.firstDay != null && d < p.firstDay) continue;
    if (p.lastDay != null && d > p.lastDay) continue;
    const region = p.travel && p.travel.includes(d) ? 'us-east' : a.region;
    let m = roleMix;
    if (p.quarterEnd && QE_DAYS[d]) m = m.map(x => ({ ...x, acts: x.acts.map(([ac, w]) => [ac, ac === 'export' ? w * 4 : w]) })); // Q-end exports
    m = adoptMix(st, m, d);
    const peek = (prob) => { if (!r.chance(prob)) return; // weekend / vacation peek, often from the phone
      const t = atLocal(region, d, r.range(9, 21.5)); const ipS = p.mobile || r.chance(0.5) ? employeeIp(st, 'mobile', d) : employeeIp(st, 'home', d);
      let tt = t; for (let i = r.irange(1, 2); i > 0; i--) tt = burst(st, tt + r.int(5 * MIN), m.slice(0, 3), ipS, 3); };
    if (p.away && d >= p.away[0] && d <= p.away[1]) { peek(0.1); continue; }
    let works, startH, len, f = SCALE;
    if (p.shift) { // 24/7 rotation: shift per week, two days off per week
      works = !p.daysOff.includes(dow(d)); startH = SHIFT_H[p.shift[d < 7 ? 0 : 1]] + r.normal() * 0.15; len = 8 + r.normal() * 0.2;
    } else if (p.contractDays) { // contractor: narrow hours on contract days
      works = p.contractDays.includes(dow(d)) && !REGIONS[region].holidays.includes(d); startH = p.startH + r.normal() * 0.15; len = p.len + r.normal() * 0.2;
    } else {
      works = !isOffDay(region, d); startH = p.startH + r.normal() * 0.35; len = p.len + r.normal() * 0.5;
      if (dow(d) === 5) len -= 0.8;
      f *= REGIONS[region].catchup[d] || 1; // catch-up after the holiday
      if (p.quarterEnd && QE_DAYS[d]) { f *= QE_DAYS[d]; len += QE_DAYS[d] > 1.5 ? 2.5 : 1; }
    }
    if (!works) { peek(p.weekendP); continue; }
    if (p.backDay === d) f *= 1.7; // back from vacation: inbox and ticket catch-up
    if (p.firstDay === d) f *= 0.6;
    let loc;
    if (p.travel && p.travel.includes(d)) loc = 'hotel';
    else if (p.style === 'office') loc = 'office';
    else if (p.style === 'remote') loc = 'home';
    else loc = p.officeDays.includes(dow(d)) ? (r.chance(0.9) ? 'office' : 'home') : (r.chance(0.1) ? 'office' : 'home');
    const sessIp = employeeIp(st, loc, d);
    const t0 = atLocal(region, d, startH), t1 = t0 + len * HOUR;
    let t = t0 + r.int(10 * MIN);
    if (r.chance(0.12)) { emit(st, t, m[0].fam, 'read', undefined, sessIp, { code: 'ERR_VC_EXPIRED' }); t += 1500 + r.int(3000); } // stale token first thing
    if (p.curiousDay === d) { for (let i = 0; i < 3; i++) emit(st, t + 3 * HOUR + i * 20000, 'ml:features', 'list', undefined, sessIp); } // tried before the grant
    while (true) {
      const lh = p.shift ? 10 : startH + (t - t0) / HOUR;
      const shape = lh >= 12 && lh < 13.1 ? 0.35 : 1; // lunch
      t += r.expo(HOUR / (p.tph * f * shape));
      if (t >= t1) break;
      const ipS = p.mobile && r.chance(0.08) ? employeeIp(st, 'mobile', d) : sessIp; // in a meeting, on the phone
      t = burst(st, t, m, ipS, p.burst);
    }
    if (p.mobile && r.chance(0.3)) { const te = atLocal(region, d, r.range(19, 22.5)); burst(st, te, m, employeeIp(st, 'mobile', d), 3); } // evening phone check
  }
}

// ---------------------------------------------------------------- fleet construction
function b58(r, n) { const A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'; let s = ''; for (let i = 0; i < n; i++) s += A[r.int(58)]; return s; }
function scaleCounts(N) {
  const entries = []; for (const [ti, [team, seg, region, list]] of TEAMS.entries()) for (const [kind, role, count, flag] of list) entries.push({ ti, team, seg, region, kind, role, count, flag });
  const T = entries.reduce((s, e) => s + e.count, 0);
  let tot = 0; for (const e of entries) { e.exact = e.count * N / T; e.n = Math.floor(e.exact); tot += e.n; }
  const order = entries.map((e, i) => i).sort((i, j) => (entries[j].exact - entries[j].n) - (entries[i].exact - entries[i].n) || i - j);
  for (let k = 0; tot < N; k = (k + 1) % order.length) { entries[order[k]].n++; tot++; }
  return entries;
}
function buildFleet(seed, N) {
  const R = rngFor(seed, 'fleet');
  const sts = [], ids = new Set();
  const status = [], grants = [];
  for (const e of scaleCounts(N)) {
    for (let k = 0; k < e.n; k++) {
      const idx = sts.length, r = rngFor(seed, 'agent', idx);
      let id; do { id = 'did:key:z6Mk' + b58(r, 44); } while (ids.has(id)); ids.add(id);
      const a = { id, kind: e.kind, profile: '', segment: e.seg, region: e.region, team: e.team, role: e.role, entitled: [] };
      const st = { a, idx, rng: r, ent: new Set(), grants: [], status: [], ev: [], ws: {}, lo: START, p: { n: k, floor: e.ti % 16 }, flag: e.flag, roleDef: ROLES[e.role] };
      const reg = REGIONS[e.region];
      if (e.kind === 'employee') {
        for (const x of EMP_ROLES[e.role]) st.ent.add(x.fam);
        const p = st.p;
        p.style = r.wpick([['hybrid', 60], ['office', 15], ['remote', 25]])[0];
        p.officeDays = r.pick([[2, 3, 4], [1, 2, 4], [2, 4], [1, 3, 4], [2, 3]]);
        p.mobile = r.chance(0.35); p.vpn = r.chance(0.4); p.host = 10 + r.int(240);
        p.home = [r.pick(reg.home), r.int(256), r.int(256), 1 + r.int(254)];
        p.startH = r.range(7.6, 9.8); p.len = r.range(7.8, 9.4); p.tph = r.logn(4, 0.35); p.burst = r.logn(5, 0.3); p.weekendP = r.range(0.02, 0.12);
        if (e.role.startsWith('contractor')) { p.contractDays = r.pick([[2, 3, 4], [1, 2, 3]]); p.startH = r.pick([10, 13]); p.len = 4; p.style = 'remote'; }
        if (e.flag === 'shift') { p.style = 'office'; }
        if (e.team === 'sales-na') p.moveDay = 11;
        if (e.seg === 'finance') p.quarterEnd = true;
        p.hotel = ip(64, 124 + r.int(4), r.int(256), 1 + r.int(254));
      } else {
        for (const f of ROLES[e.role].fams) st.ent.add(f);
        if (e.role === 'etl-loader') for (const f of ETL_PAIRS[k % ETL_PAIRS.length]) st.ent.add(f);
        const dc = e.kind === 'company' ? 110 : reg.dc, pool = []; for (let i = 0; i < (e.kind === 'company' ? 3 : 6); i++) pool.push(10 + r.int(200));
        const sub = 32 + e.ti;
        st.ipAt = t => (e.team === 'payments' && t >= FAILOVER[0] && t < FAILOVER[1]) ? ip(10, 164, sub, r.pick(pool)) : ip(10, dc, sub, r.pick(pool)); // region failover
      }
      if (e.kind === 'employee') st.ipAt = () => '10.0.0.1';
      // over-provisioned entitlements granted long ago and never used
      if (r.chance(0.3)) for (let i = r.irange(1, 2); i > 0; i--) st.ent.add(r.pick(FAM_NAMES));
      // stale HR access from a past project
      if (e.seg !== 'hr' && r.chance(e.kind === 'employee' ? 0.08 : 0.2)) st.ent.add('hr:employees');
      sts.push(st);
    }
  }
  const byRole = role => sts.filter(s => s.a.role === role);
  const emps = sts.filter(s => s.a.kind === 'employee');
  const plain = R.shuffle(emps.filter(s => !s.flag && !s.a.role.startsWith('contractor') && s.a.team !== 'sales-emea'));
  const q = (x) => Math.max(1, Math.round(x * N / 150));
  // support rotation: day people move to nights in week 2
  const PAT = ['day', 'day', 'day', 'day', 'swing', 'swing', 'night', 'night'];
  byRole('support-agent').filter(s => s.flag === 'shift').forEach((s, i) => { s.p.shift = [PAT[i % 8], PAT[(i + 6) % 8]]; const o = R.int(7); s.p.daysOff = [o, (o + 1) % 7]; });
  // new hires: grants on the first morning, one family forgotten until the next day
  for (const s of sts.filter(s => s.flag === 'newhire')) {
    const fd = s.a.team === 'core-eng' ? 4 : 11; s.p.firstDay = fd; s.lo = atLocal(s.a.region, fd, 8);
    const fams = [...s.ent]; s.ent = new Set();
    fams.forEach((f, i) => { const at = i === fams.length - 1 ? atLocal(s.a.region, fd + 1, 11) : atLocal(s.a.region, fd, 9.5) + R.int(20 * MIN); grants.push({ agent: s.a.id, family: f, at }); s.grants.push({ family: f, at }); });
    s.p.startH = 9; s.p.profileNote = 'new hire';
  }
  let pi = 0;
  // back from two weeks of vacation
  for (let i = 0; i < q(3) && pi < plain.length; i++) { const s = plain[pi++]; const back = s.a.region === 'eu-central' ? 12 : 7; s.p.away = [0, back - 1]; s.p.backDay = back; s.p.profileNote = 'back from vacation'; }
  // extended leave: credential suspended at leave start
  const LEAVE = [2, 4, 5, 6, 7, 8, 9, 11];
  for (let i = 0; i < q(8) && pi < plain.length; i++) { const s = plain[pi++]; const ld = LEAVE[i % LEAVE.length]; s.p.lastDay = ld - 1; const at = START + ld * DAY + 6 * HOUR + R.int(2 * HOUR);
    status.push({ agent: s.a.id, status: 'suspended', at }); s.status.push({ status: 'suspended', at }); s.p.profileNote = 'extended leave'; }
  // leavers: credential retired after the last day
  const LEFT = [5, 7, 8];
  for (let i = 0; i < q(3) && pi < plain.length; i++) { const s = plain[pi++]; const ld = LEFT[i % 3]; s.p.lastDay = ld; const at = atLocal(s.a.region, ld, 22.6) + R.int(2 * HOUR);
    status.push({ agent: s.a.id, status: 'retired', at }); s.status.push({ status: 'retired', at }); s.p.profileNote = 'leaving the company'; }
  // conference travel (eu sales to a US hotel)
  byRole('account-exec').filter(s => s.a.team === 'sales-emea').slice(0, q(2)).forEach(s => { s.p.travel = [12, 13]; s.p.profileNote = 'travelling'; });
  // analytics adopts ml:features (granted on day 5), adoption spreads over the following days
  const gAt = atLocal('us-east', 5, 10) ;
  sts.filter(s => s.a.team === 'analytics' && s.a.kind !== 'service').forEach((s, i) => {
    const at = gAt + R.int(15 * MIN); grants.push({ agent: s.a.id, family: 'ml:features', at }); s.grants.push({ family: 'ml:features', at });
    s.p.adoptDay = i === 3 ? null : 5 + (i % 3) + (s.a.kind === 'company' ? 1 : 0); if (i === 0) s.p.curiousDay = 4; });
  // legacy services: decommissioned
  for (const s of byRole('legacy-report-svc')) { const at = START + 6 * DAY + 12 * HOUR + R.int(HOUR); status.push({ agent: s.a.id, status: 'retired', at }); s.status.push({ status: 'retired', at }); s.p.cronRemovedAt = START + 7 * DAY + 10 * HOUR; }
  for (const s of byRole('crm-sync-v1')) { const at = START + 9 * DAY + 15 * HOUR + R.int(HOUR); s.p.stopAt = at - 20 * MIN; status.push({ agent: s.a.id, status: 'retired', at }); s.status.push({ status: 'retired', at }); }
  // ticket triage bots of support-t1 get the new agent version (canary first)
  byRole('ticket-triage').forEach((s, i) => { s.p.peak = s.a.team === 'support-t1' ? 0.45 : s.a.team === 'support-apac' ? 0.3 : 0.35;
    if (s.a.team === 'support-t1') s.p.v2At = i === 0 ? TRIAGE_V2.canary : TRIAGE_V2.team + R.int(20 * MIN); });
  // sub-agents: enrolled for a one-day task, granted that morning, retired that evening
  byRole('sub-agent').forEach((s, i) => { const [d, task] = SUB_DAYS[i % SUB_DAYS.length]; s.p.task = task; s.lo = atLocal(s.a.region, d, 8.5);
    s.p.grantAt = atLocal(s.a.region, d, 9) + R.int(20 * MIN); s.p.doneAt = atLocal(s.a.region, d, R.range(15.5, 17)); const ret = s.p.doneAt + R.int(90 * MIN);
    for (const f of SUB_TASKS[task].fams) { grants.push({ agent: s.a.id, family: f, at: s.p.grantAt }); s.grants.push({ family: f, at: s.p.grantAt }); }
    status.push({ agent: s.a.id, status: 'retired', at: ret }); s.status.push({ status: 'retired', at: ret }); s.ent = new Set(); s.p.profileNote = 'sub-agent: ' + task; });
  for (const s of sts) {
    s.a.entitled = [...s.ent].sort();
    const p = s.p;
    s.a.profile = s.a.kind === 'employee'
      ? [p.shift ? `support rotation ${p.shift[0]}->${p.shift[1]}` : p.contractDays ? 'contractor, narrow hours' : p.style, p.mobile ? 'phone' : null, p.vpn ? 'vpn' : null, p.profileNote].filter(Boolean).join(', ')
      : [ROLES[s.a.role].profile, p.profileNote, s.a.team === 'payments' ? 'failover group' : null].filter(Boolean).join(', ');
  }
  status.sort((x, y) => x.at - y.at); grants.sort((x, y) => x.at - y.at);
  return { sts, status, grants };
}

// ---------------------------------------------------------------- post passes (benign)
const LIMIT = { employee: 60, company: 150, service: 600 };
function sortEv(ev) { ev.sort((x, y) => x.at - y.at); }
function outagePass(st) { // identity outage: tokens cannot be refreshed; clients retry, then catch up after recovery
  const add = [], r = st.rng;
  for (const e of st.ev) {
    if (e.at < OUTAGE[0] || e.at >= OUTAGE[1] || e.code) continue;
    const recs = e.recs; e.code = 'ERR_VC_EXPIRED'; e.recs = null;
    let t = e.at, b = 2000;
    for (let i = r.int(3); i > 0; i--) { t += b + r.int(b); b *= 3; if (t >= OUTAGE[1]) break; add.push({ ...e, at: t }); }
    if (r.chance(0.8)) add.push({ ...e, at: Math.round(OUTAGE[1] + r.expo(3 * MIN)), code: null, recs });
  }
  if (add.length) { for (const e of add) if (e.at < END) st.ev.push(e); sortEv(st.ev); }
}
function ratePass(st, lim) { let m = -1, c = 0; for (const e of st.ev) { const mm = Math.floor(e.at / MIN); if (mm !== m) { m = mm; c = 0; } c++; if (c > lim && !e.code) { e.code = 'ERR_RATE_LIMITED'; e.recs = null; } } }
function pub(id, e) {
  const F = FAM[e.fam];
  const o = { at: e.at, agent: id, decision: e.code ? 'deny' : 'allow' };
  if (e.code) o.code = e.code;
  o.resource = e.fam + '/' + e.id; o.action = e.action; o.ip = e.ip; o.segment = F.seg; o.verifier = F.ver;
  if (!e.code && e.recs != null) o.records = e.recs;
  return o;
}

// ---------------------------------------------------------------- attacks
const ATTACKER_NETS = [185, 45, 193, 5, 146, 194, 89, 103];
const CACHE_TTL = { 'warehouse': 20 * HOUR, 'wiki-api': 26 * HOUR, 'kb-api': 12 * HOUR, 'calendar-api': 8 * HOUR }; // verifiers with cached status lists
function genAttacks(seed, N, fleet) {
  const R = rngFor(seed, 'attacks');
  const out = [], evs = [], used = new Set();
  const attIp = () => ip(R.pick(ATTACKER_NETS), R.int(256), R.int(256), 1 + R.int(254));
  const stats = st => { if (st._s) return st._s;
    const fams = {}; let hist = 0, histDeny = 0; const evalEv = [];
    for (const e of st.ev) { if (e.at < EVAL_FROM) { hist++; if (e.code) { histDeny++; continue; } const f = fams[e.fam] ||= { n: 0, recs: 0, acts: {}, days: new Set() }; f.n++; f.recs += e.recs || 0; f.acts[e.action] = (f.acts[e.action] || 0) + 1; f.days.add(Math.floor((e.at - START) / DAY)); } else if (!e.code) evalEv.push(e); }
    const evalDays = new Set(evalEv.map(e => Math.floor((e.at - START) / DAY)));
    return (st._s = { fams, hist, histDeny, evalEv, evalDays }); };
  const active = st => st.a.role !== 'sub-agent' && !st.status.length && !st.grants.length && stats(st).hist >= 100 && stats(st).evalEv.length >= 100;
  const mkA = st => ({ a: st.a, ent: st.ent, grants: st.grants, status: st.status, rng: R, ev: [], ws: {}, lo: EVAL_FROM, ipAt: () => attIp() });
  const usualMix = st => Object.entries(stats(st).fams).sort((x, y) => y[1].n - x[1].n).slice(0, 6);
  const sampleUsual = (st) => { const u = usualMix(st); const [fam, f] = R.wpick(u, x => x[1].n); const [action] = R.wpick(Object.entries(f.acts)); return [fam, action]; };
  const anchorsIn = (st, t0, t1) => stats(st).evalEv.filter(e => e.at >= t0 && e.at < t1);
  const quota = k => Math.max(1, Math.round((k === 'rate-flood' || k === 'new-action' ? 3 : 4) * N / 150));
  const choose = (k, pred, rank) => { let c = fleet.sts.filter(s => !used.has(s.a.id) && pred(s)); if (rank) c = c.sort((x, y) => rank(y) - rank(x)).slice(0, Math.max(quota(k) * 3, 6)); return R.shuffle(c).slice(0, quota(k)); };
  const sessionAnchor = (st, minN = 20) => { // a day where the victim works, and its events that day
    const days = R.shuffle([...stats(st).evalDays]);
    for (const d of days) { const an = anchorsIn(st, START + d * DAY, START + (d + 1) * DAY); if (an.length >= minN) return an; }
    return stats(st).evalEv; };
  const record = (kind, st, A) => { const e = A.ev.filter(x => x.at >= EVAL_FROM && x.at < END); if (!e.length) return false;
    e.sort((x, y) => x.at - y.at); out.push({ kind, agent: st.a.id, start: e[0].at, end: e[e.length - 1].at }); for (const x of e) evs.push([st.a.id, x]); used.add(st.a.id); return true; };
  const shapes = {
    // credential of a suspended / retired agent used again; most verifiers refuse, a cached one may still allow for a while
    'suspended-in-use': st => credentialReuse(st),
    'retired-in-use': st => credentialReuse(st),
    'bulk-read': st => { const A = mkA(st); const dw = Object.entries(stats(st).fams).filter(([f]) => f.startsWith('dw:')).sort((x, y) => y[1].recs - x[1].recs);
      const [fam, f] = dw[0]; const daily = f.recs / Math.max(1, f.days.size); const an = R.shuffle(stats(st).evalEv.filter(e => e.fam === fam)).slice(0, 60).sort((x, y) => x.at - y.at);
      if (!an.length) an.push(...stats(st).evalEv.slice(0, 60));
      const day = Math.floor((R.pick(an).at - START) / DAY); const dayAn = an.filter(e => Math.floor((e.at - START) / DAY) === day);
      const extra = daily * R.range(4, 9) + 200000; const n = R.irange(12, 40);
      for (let i = 0; i < n; i++) { const x = R.pick(dayAn.length ? dayAn : an); emit(A, x.at + 200 + R.int(20000), fam, R.chance(0.6) ? 'export' : 'read', extra / n * R.range(0.7, 1.3), x.ip, { code: null }); }
      return A; },
    'hr-grab': st => { const A = mkA(st); const an = sessionAnchor(st); const x = R.pick(an); let t = x.at + R.int(60000);
      const first = emit(A, t, 'hr:employees', 'list', 100, x.ip, { id: 0 }); t += 1500 + R.int(3000);
      if (!first || first.code) { // refused: a few other ways in, then give up
        for (let i = R.irange(3, 8); i > 0; i--) { emit(A, t, R.pick(['hr:employees', 'hr:payroll']), R.pick(['search', 'read', 'export', 'list']), undefined, x.ip); t += 2000 + R.int(30000); }
        return A; }
      t = paging(A, t, 'hr:employees', 2500, 100, 1500, x.ip);
      if (R.chance(0.6)) { emit(A, t + 20000, 'hr:employees', 'export', 2600, x.ip); t += 30000; }
      if (R.chance(0.5)) { for (let i = 0; i < R.irange(3, 10); i++) { emit(A, t, 'hr:payroll', R.pick(['list', 'read', 'export']), undefined, x.ip); t += 3000 + R.int(9000); } }
      for (let i = R.irange(10, 60); i > 0; i--) { emit(A, t, 'hr:employees', 'read', 1, x.ip); t += 800 + R.int(4000); }
      return A; },
    'new-action': st => { const A = mkA(st); const ro = Object.entries(stats(st).fams).filter(([f, s]) => s.n >= 30 && Object.keys(s.acts).every(a => READS.has(a)) && st.ent.has(f)).sort((x, y) => y[1].n - x[1].n);
      const fam = ro[0][0]; const an = sessionAnchor(st).filter((e, i, arr) => e.at <= arr[0].at + 2 * HOUR);
      for (let i = R.irange(15, 80); i > 0; i--) { const x = R.pick(an); emit(A, x.at + 500 + R.int(60000), fam, 'delete', null, x.ip); }
      return A; },
    'slow-exfiltration': st => { const A = mkA(st); const rd = Object.entries(stats(st).fams).filter(([, s]) => Object.keys(s.acts).some(a => READS.has(a)) && s.n >= 30).sort((x, y) => y[1].recs - x[1].recs);
      const [fam, f] = rd[0]; const act = Object.entries(f.acts).filter(([a]) => READS.has(a)).sort((x, y) => y[1] - x[1])[0][0];
      const perDay = f.recs / 7, perEv = Math.max(1, f.recs / f.n); const all = stats(st).evalEv;
      const t0 = EVAL_FROM + R.range(2, 20) * HOUR, K = 17, stepLen = (END - 2 * HOUR - t0) / K;
      for (let k = 1; k <= K; k++) { const w0 = t0 + (k - 1) * stepLen, an = all.filter(e => e.at >= w0 && e.at < w0 + stepLen); if (!an.length) continue;
        const factor = Math.pow(1.2, k), extra = perDay * (stepLen / DAY) * (factor - 1), per = perEv * Math.sqrt(factor);
        const n = Math.min(500, Math.max(1, Math.round(extra / per)));
        for (let i = 0; i < n; i++) { const x = R.pick(an); emit(A, x.at + 300 + R.int(30000), fam, act, per * R.range(0.7, 1.3), x.ip); } }
      return A; },
    'off-hours-use': st => { const A = mkA(st); const d = R.irange(8, 13); const ips = [...new Set(stats(st).evalEv.map(e => e.ip))]; const ipS = R.chance(0.7) ? R.pick(ips) : attIp();
      let t = atLocal(st.a.region, d, R.range(1, 3.5)); const t1 = t + R.range(20, 90) * MIN; const n = R.irange(40, 200);
      for (let i = 0; i < n && t < t1; i++) { const [fam, action] = sampleUsual(st); emit(A, t, fam, R.chance(0.1) ? 'export' : action, undefined, ipS); t += R.expo((t1 - t) / (n - i)); }
      return A; },
    'two-networks': st => { const A = mkA(st); const an = sessionAnchor(st, 30); const ipS = attIp(); const span = an[an.length - 1].at - an[0].at;
      let t = an[0].at + R.range(0.1, 0.5) * span; const t1 = Math.min(an[an.length - 1].at, t + R.range(1, 4) * HOUR); const n = R.irange(30, 200);
      for (let i = 0; i < n && t < t1; i++) { const [fam, action] = sampleUsual(st); emit(A, t, fam, action, undefined, ipS); t += R.expo(Math.max(10000, (t1 - t) / (n - i))); }
      return A; },
    'lateral-movement': st => { const A = mkA(st); const own = new Set(Object.keys(stats(st).fams).map(f => FAM[f].seg));
      const other = FAM_NAMES.filter(f => !own.has(FAM[f].seg) && FAM[f].seg !== 'corp');
      const targets = R.shuffle(other.filter(f => st.ent.has(f))).concat(R.shuffle(other.filter(f => !st.ent.has(f))).slice(0, R.irange(4, 9)));
      const an = sessionAnchor(st); const x = R.pick(an); const ipS = R.chance(0.5) ? x.ip : ip(10, R.pick([100, 102, 104, 20, 40]), R.int(256), 1 + R.int(254));
      let t = x.at + R.int(5 * MIN);
      for (const fam of R.shuffle(targets)) { let e = emit(A, t, fam, 'list', undefined, ipS); t += 2000 + R.int(20000);
        if (e && e.code) for (let i = R.irange(1, 4); i > 0; i--) { e = emit(A, t, fam, R.pick(['read', 'search', 'list']), undefined, ipS); t += 1500 + R.int(15000); } // other ways in
        if (e && !e.code) for (let i = R.irange(5, 25); i > 0; i--) { emit(A, t, fam, R.pick(['read', 'read', 'list']), undefined, ipS); t += 1000 + R.int(8000); }
        if (e && !e.code && R.chance(0.3)) emit(A, t, fam, 'export', undefined, ipS);
        t += R.expo(20 * MIN); }
      return A; },
    'probing': st => { const A = mkA(st); const x = R.pick(stats(st).evalEv); const ipS = R.chance(0.5) ? x.ip : attIp(); const fast = R.chance(0.5);
      const n = fast ? R.irange(60, 150) : R.irange(40, 80); const span = fast ? R.range(10, 40) * MIN : R.range(6, 20) * HOUR; let t = x.at;
      for (let i = 0; i < n; i++) { const fam = R.pick(FAM_NAMES), action = R.pick(['read', 'list', 'export', 'delete', 'write', 'update', 'search', 'admin']);
        const ent = entitledAt(A, fam, t); emit(A, t, fam, action, undefined, ipS, ent && action !== 'read' && action !== 'list' && R.chance(0.8) ? { code: 'ERR_CONSTRAINT' } : undefined); t += R.expo(span / n); }
      return A; },
    'rate-flood': st => { const A = mkA(st); const x = R.pick(sessionAnchor(st)); const [fam] = sampleUsual(st); const action = R.pick(['read', 'list', 'search']);
      const dur = R.range(10, 25) * MIN, rate = R.range(150, 500); let t = x.at; const t1 = t + dur;
      const benign = {}; for (const e of st.ev) if (e.at >= t && e.at < t1) { const m = Math.floor(e.at / MIN); benign[m] = (benign[m] || 0) + 1; }
      const cnt = {}; const lim = LIMIT[st.a.kind];
      while (t < t1) { const m = Math.floor(t / MIN); cnt[m] = (cnt[m] || 0) + 1; emit(A, t, fam, action, undefined, x.ip, cnt[m] + (benign[m] || 0) > lim ? { code: 'ERR_RATE_LIMITED' } : undefined); t += R.expo(MIN / rate); }
      return A; },
  };
  function credentialReuse(st) {
    const A = mkA(st), s = st.status[st.status.length - 1]; const fams = usualMix(st).map(x => x[0]);
    if (!fams.length) fams.push(...st.ent, ...st.grants.map(g => g.family));
    let t = Math.max(EVAL_FROM + R.range(1, 60) * HOUR, s.at + R.range(1, 40) * HOUR); if (t > END - 4 * HOUR) t = END - R.range(4, 12) * HOUR;
    const ipS = R.chance(0.7) ? attIp() : ip(10, R.pick([20, 40, 100, 102]), R.int(256), 1 + R.int(254));
    const worked = [];
    for (let sess = R.irange(1, 3); sess > 0; sess--) {
      for (let i = R.irange(10, 60); i > 0; i--) {
        const fam = worked.length && R.chance(0.7) ? R.pick(worked) : R.pick(fams);
        const e = emit(A, t, fam, R.wpick([['read', 5], ['list', 2], ['export', 1], ['search', 1]])[0], undefined, ipS, { lag: CACHE_TTL });
        if (e && !e.code && !worked.includes(fam)) worked.push(fam);
        t += 1500 + R.int(40000);
      }
      t += R.range(2, 10) * HOUR; if (t > END - HOUR) break;
    }
    return A;
  }
  const hasDw = st => Object.keys(stats(st).fams).some(f => f.startsWith('dw:'));
  const dwRecs = st => Object.entries(stats(st).fams).filter(([f]) => f.startsWith('dw:')).reduce((s, [, x]) => s + x.recs, 0);
  const PLAN = [
    ['suspended-in-use', s => s.status.some(c => c.status === 'suspended' && c.at < END - 30 * HOUR) && s.ev.length >= 20],
    ['retired-in-use', s => s.status.some(c => c.status === 'retired' && c.at < END - 30 * HOUR) && s.ev.length >= 20],
    ['bulk-read', s => active(s) && hasDw(s) && dwRecs(s) > 20000, dwRecs],
    ['hr-grab', s => active(s) && s.a.segment !== 'hr' && !stats(s).fams['hr:employees'] && !stats(s).fams['hr:payroll']],
    ['new-action', s => active(s) && Object.entries(stats(s).fams).some(([f, x]) => x.n >= 30 && Object.keys(x.acts).every(a => READS.has(a)) && s.ent.has(f)) && !Object.values(stats(s).fams).some(x => x.acts.delete)],
    ['slow-exfiltration', s => active(s) && stats(s).evalDays.size >= 5 && Object.values(stats(s).fams).some(x => x.n >= 30 && Object.keys(x.acts).some(a => READS.has(a)))],
    ['off-hours-use', s => active(s) && (s.a.kind === 'employee' ? !s.p.shift : s.a.role === 'pipeline-bot' || s.a.role === 'analytics-assistant' || s.a.role === 'sales-insights') && stats(s).evalDays.size >= 3],
    ['two-networks', s => active(s) && s.a.kind === 'employee' && stats(s).evalDays.size >= 3],
    ['lateral-movement', s => active(s)],
    ['probing', s => active(s)],
    ['rate-flood', s => active(s)],
  ];
  for (const [kind, pred, rank] of PLAN) {
    let cands;
    if (kind === 'hr-grab') { // half of them among already-noisy agents
      const pool = fleet.sts.filter(s => !used.has(s.a.id) && pred(s)); const noisy = pool.slice().sort((x, y) => (stats(y).hist + 20 * stats(y).histDeny) - (stats(x).hist + 20 * stats(x).histDeny)).slice(0, 10);
      const ent = pool.filter(s => s.ent.has('hr:employees') && !noisy.includes(s)); const rest = pool.filter(s => !noisy.includes(s) && !ent.includes(s));
      const h = Math.ceil(quota(kind) / 2); cands = R.shuffle(noisy).slice(0, h).concat(R.shuffle(ent).concat(R.shuffle(rest))).slice(0, quota(kind) * 3);
    } else cands = choose(kind, pred, rank).concat(R.shuffle(fleet.sts.filter(s => !used.has(s.a.id) && pred(s))));
    let done = 0; const tried = new Set();
    for (const st of cands) { if (done >= quota(kind)) break; if (used.has(st.a.id) || tried.has(st)) continue; tried.add(st); if (record(kind, st, shapes[kind](st))) done++; }
  }
  return { attacks: out, events: evs };
}

// ---------------------------------------------------------------- main
export function generateWeek({ seed = 1, agents = 150, scale = 1, attacks = true } = {}) {
  SCALE = scale;
  const fleet = buildFleet(seed, agents);
  let benign = [];
  for (const st of fleet.sts) {
    if (st.a.kind === 'employee') genEmployee(st); else ROLES[st.a.role].gen(st);
    sortEv(st.ev); outagePass(st); ratePass(st, LIMIT[st.a.kind]);
    for (const e of st.ev) benign.push(pub(st.a.id, e));
  }
  benign.sort((x, y) => x.at - y.at); // stable: ties keep agent order
  let events = benign, atk = [], status = fleet.status, grants = fleet.grants;
  if (attacks) {
    const g = genAttacks(seed, agents, fleet);
    atk = g.attacks.sort((x, y) => x.start - y.start);
    const ae = g.events.map(([id, e]) => pub(id, e)).sort((x, y) => x.at - y.at);
    events = new Array(benign.length + ae.length);
    let i = 0, j = 0, k = 0;
    while (i < benign.length || j < ae.length) events[k++] = (j >= ae.length || (i < benign.length && benign[i].at <= ae[j].at)) ? benign[i++] : ae[j++];
  }
  return { agents: fleet.sts.map(s => s.a), events, attacks: atk, statusChanges: status, grants, evalFrom: EVAL_FROM, start: START, end: END };
}
