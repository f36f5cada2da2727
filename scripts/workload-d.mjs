// workload-d.mjs -- an independent, calendar-aware fleet workload for the anomaly detector.
//
// A simulated fortnight at "Acme-D", a mid-size company, late November / early December.
// Default start Mon 16 Nov 2026: history week 16-22 Nov, evaluated week 23-29 Nov, which holds
// US Thanksgiving (Thu 26), Black Friday (Fri 27), a regional holiday in ap-south (Tue 24) and
// the last business days of the month (month-end close).  All calendar effects are computed
// from `start`, so another start date moves them (or drops those outside the window).
//
// FLEET (150 agents at the default size; other sizes scale the counts, specials stay single)
//   employee assistants (60): sales-assistant, finance-assistant, hr-assistant, eng-assistant,
//     sre-assistant, support-assistant, manager-assistant, legal-assistant, marketing-assistant,
//     data-analyst.  Four regions (eu-west +1, us-east -5, us-west -8, ap-south +5:30), personal
//     start/end hours, lunch dip, sessions (bursts of related requests), office NAT shared by
//     everyone in an office, home addresses, corporate VPN egress, mobile tethering.
//   company bots inside business apps (50): crm-sync-bot, support-chat-bot, commerce-bot,
//     finance-close-bot, hr-onboarding-bot, report-bot, marketing-bot, docs-bot, git-bot.  They
//     run from their SaaS vendor's address pools, follow their users' (or customers') day.
//   autonomous services (40): etl-nightly, hourly-sync, queue-worker, stream-sync, index-service,
//     billing-service, backup-service, kb-migrator, audit-agent, legacy-sync.  Pods in a per-region
//     cluster range (10.40-10.43.x.x), pod addresses change at deploys.
//
// BENIGN PATTERNS (names used in agents[].traits)
//   daily-cycle           every agent: local-time curves, weekends, per-day noise
//   sessions              employees: bursts of requests on one family, switches to related ones
//   shared-nat            employees in an office share 2-3 egress addresses with the whole office
//   hybrid-home           fixed WFH weekdays from a residential address (some change address once)
//   remote-worker         always from home, sometimes through the corporate VPN
//   vpn                   some home days go through the shared corporate VPN egress
//   mobile-tether         occasional sessions from a mobile carrier address that changes daily
//   office-move           the us-west office moves mid evaluated week: new NAT addresses for all
//   travel                an eu-west employee works from the New York office for three days
//   holiday / holiday-catch-up   US Thanksgiving + Black Friday half-day, ap-south holiday; more
//                         work the day after
//   weekend-checkins      a few employees glance at work on weekends/holidays
//   evening-checkins      short evening sessions from home
//   leave                 employees away for part of a week, then back
//   sick-days             random days off
//   deadline-late         legal/finance people working until 21-23h before a deadline
//   on-call-pages         SRE assistants paged at night once or twice per week (home address)
//   incident-day          Black Friday evening incident: SREs read logs heavily and touch rarely
//                         used (entitled) families; queue workers stall and drain a backlog
//   review-season         managers' assistants start reading hris:reviews in the evaluated week
//   directory-lookups     many assistants look up a colleague in hris:employees now and then
//   legacy-entitlements   entitlements to other segments' families held from an old role, unused
//   reorg-grant           three support people get commerce families mid-week and start using them
//   new-hire              an employee agent that appears mid-history, another mid-evaluated week
//   leaver                an employee who leaves: suspended after the last day, retired later
//   decommissioned        a legacy service switched off, then suspended and retired
//   month-end-close       finance bots / billing x3 on the month's last 3 business days, x1.4 before
//   black-friday          commerce, support, marketing: a ramp, Thanksgiving evening, 3-5x on BF
//   replica-scale         commerce bots and queue workers scale 2 -> 6 replicas on Black Friday
//   pod-churn             services' pod addresses change at each deploy
//   growth                a growing customer base: +5%/day all fortnight
//   api-verb-change       crm-sync bots switch write/update -> upsert and collection read -> list;
//                         report bots switch list -> query
//   family-rename         tickets:kb replaced by kb:articles (granted at each agent's switch)
//   data-migration        kb-migrator granted tickets:kb, reads it all once in 500-record pages
//   quarterly-audit       audit-agent reads 1-3 records in ~25 families once
//   nightly-batch         ETL in large sequential pages at ~01-02h local
//   hourly-jobs           sync jobs at a fixed minute each hour
//   queue-backlog         queue workers: nightly maintenance pause then drain at capacity
//   weekend-batch         Saturday full reindex, Sunday backups
//   scheduled-reports     report bots' 06:00 weekday runs
//   stray-refusals        ERR_VC_EXPIRED at renewal (then retried), ERR_CONSTRAINT, ERR_NOT_ENTITLED
//                         when following a link to a record of another segment
//   rate-limit-retries    bots over their quota at peaks get ERR_RATE_LIMITED and retry with backoff
//
// ATTACK SHAPES (attacked run only; 42 distinct victims, all within the evaluated week; each shaped
// from the victim's own history: its families, addresses, active times, record sizes)
//   slow-exfiltration  extra reads in one family, x1.2 per step (17 steps) to ~20x, placed in the
//                      victim's own active periods; variants: main family, lightly used family,
//                      growing page sizes, light family via lists
//   suspended-in-use   issuer suspends; use continues: cached verifiers allow then ERR_VC_SUSPENDED,
//                      all denied retries, low-and-slow over a day, or from a new address
//   retired-in-use     same with retirement (ERR_VC_REVOKED once verifiers catch up), zombie pods
//   lateral-movement   reads into other segments: mostly allowed via legacy entitlements; denied
//                      sweep; slow over a day; a service reading other segments
//   hr-grab            a non-HR agent pulls hris records: slowly over hours, in a burst, via the
//                      directory entitlement it already has, or through wh:hr_marts
//   bulk-read          20-100x the victim's usual records per request in a warehouse family it uses
//   probing            fast sweeps (denies over 10-20 families in minutes) and slow ones (one
//                      refusal every 2-6 min for ~2 h, interleaved with normal reads)
//   two-networks       while the owner works: a cloud address next to the vendor's range, a
//                      foreign residential address, a VPS, a public cloud address for a pod service
//   off-hours-use      local 02-04h, a weekend daytime for a weekday-only agent, a holiday
//   rate-flood         10x, 25x, 50x the victim's peak hourly rate for 20-45 min, partly throttled
//   new-action         a read-only agent starts update/write/delete on its own families
//
// Interface: generateWeek({ seed, agents, historyDays, days, attacks, start, scale }) ->
//   { events, evalFrom, end, start, attacks, statusChanges, grants, agents }
// CLI: node workload-d.mjs [--seed 1] [--agents 150] [--no-attacks] [--scale 1] > events.jsonl

const DAY = 86400000, HOUR = 3600000, MIN = 60000, SEC = 1000;

export const ATTACK_KINDS = ['slow-exfiltration', 'suspended-in-use', 'retired-in-use', 'lateral-movement', 'hr-grab', 'bulk-read', 'probing', 'two-networks', 'off-hours-use', 'rate-flood', 'new-action'];

// ---------------------------------------------------------------- PRNG
function hashStr(s) {
  let h = 1779033703 ^ s.length;
  for (let i = 0; i < s.length; i++) { h = Math.imul(h ^ s.charCodeAt(i), 3432918353); h = (h << 13) | (h >>> 19); }
  h = Math.imul(h ^ (h >>> 16), 2246822507); h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}
function mulberry32(a) {
  return function () { a |= 0; a = (a + 0x6D2B79F5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function stream(seed, label) {
  const next = mulberry32(hashStr(`acme-d|${seed}|${label}`));
  const r = {
    f: next,
    int: (a, b) => a + Math.floor(next() * (b - a + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    norm: () => { let u = 0; while (u === 0) u = next(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()); },
    logn: (mu, s) => Math.exp(mu + s * r.norm()),
    poisson: (l) => {
      if (!(l > 0)) return 0;
      if (l < 30) { const L = Math.exp(-l); let k = 0, p = 1; do { k++; p *= next(); } while (p > L); return k - 1; }
      return Math.max(0, Math.round(l + Math.sqrt(l) * r.norm()));
    },
    geom: (mean) => { if (mean <= 1) return 1; const p = 1 / mean; return 1 + Math.floor(Math.log(1 - next()) / Math.log(1 - p)); },
    wpick: (entries) => { let tot = 0; for (const e of entries) tot += e[1]; let x = next() * tot; for (const e of entries) { x -= e[1]; if (x < 0) return e[0]; } return entries[entries.length - 1][0]; },
    shuffle: (arr) => { const a = arr.slice(); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; },
  };
  return r;
}

// ---------------------------------------------------------------- world
const FAMS = {
  'crm:accounts': ['sales', 'acc'], 'crm:contacts': ['sales', 'con'], 'crm:opportunities': ['sales', 'opp'], 'crm:leads': ['sales', 'lead'],
  'erp:invoices': ['finance', 'inv'], 'erp:ledger': ['finance', 'gl'], 'erp:payments': ['finance', 'pay'], 'erp:vendors': ['finance', 'ven'],
  'hris:employees': ['hr', 'emp'], 'hris:payroll': ['hr', 'prl'], 'hris:reviews': ['hr', 'rev'], 'hris:leave': ['hr', 'lv'],
  'git:repos': ['engineering', 'repo'], 'git:pulls': ['engineering', 'pr'], 'git:issues': ['engineering', 'iss'],
  'logs:app': ['ops', 'log'], 'logs:audit': ['ops', 'aud'], 'logs:metrics': ['ops', 'met'],
  'cloud:deployments': ['ops', 'dep'], 'cloud:configs': ['ops', 'cfg'], 'cloud:secrets': ['ops', 'sec'],
  'tickets:tickets': ['support', 'tkt'], 'tickets:kb': ['support', 'kb'], 'tickets:chats': ['support', 'chat'],
  'kb:articles': ['support', 'art'],
  'shop:orders': ['commerce', 'ord'], 'shop:carts': ['commerce', 'cart'], 'shop:catalog': ['commerce', 'sku'], 'shop:refunds': ['commerce', 'rfd'], 'shop:customers': ['commerce', 'cus'],
  'wh:sales_facts': ['data', 'sf'], 'wh:web_events': ['data', 'we'], 'wh:finance_marts': ['data', 'fm'], 'wh:snapshots': ['data', 'snap'], 'wh:hr_marts': ['hr', 'hm'],
  'docs:wiki': ['corp', 'pg'], 'docs:contracts': ['legal', 'ctr'], 'docs:policies': ['legal', 'pol'],
  'mkt:campaigns': ['marketing', 'cmp'], 'mkt:audiences': ['marketing', 'au'],
};
const FAM_LIST = Object.keys(FAMS);
const famSeg = (f) => FAMS[f][0];
const verifierOf = (f) => `did:web:${f.split(':')[0]}.verify.acme-d.example`;
const READS = new Set(['read', 'list', 'search', 'query', 'export']);
const COLLECTION = new Set(['list', 'search', 'query']);

const REGIONS = {
  'eu-west': { tz: 1, short: 'emea', office: ['185.61.20.10', '185.61.20.11'], vpn: '20.86.142.17', home: ['86.44', '89.101', '78.16', '109.78'], mobile: ['37.228', '92.251'], cluster: '10.40' },
  'us-east': { tz: -5, short: 'nae', office: ['64.125.8.20', '64.125.8.21', '64.125.8.22'], vpn: '20.121.77.5', home: ['73.152', '98.217', '71.190', '24.46'], mobile: ['172.56', '174.205'], cluster: '10.41' },
  'us-west': { tz: -8, short: 'naw', office: ['199.87.112.4', '199.87.112.5'], movedOffice: ['204.14.230.66', '204.14.230.67', '204.14.230.68'], vpn: '20.121.77.5', home: ['67.180', '76.102', '98.42'], mobile: ['172.58', '107.77'], cluster: '10.42' },
  'ap-south': { tz: 5.5, short: 'apac', office: ['103.21.56.130', '103.21.56.131'], vpn: '20.193.40.9', home: ['49.36', '106.51', '122.171'], mobile: ['106.205', '157.48'], cluster: '10.43' },
};
const VENDORS = {
  crmcloud: ['13.108.12', '13.108.13', '13.110.54'], helpdesk: ['52.33.208', '52.33.209'], shopplat: ['23.227.38', '23.227.39'],
  erpsaas: ['141.146.150', '141.146.151'], hrsaas: ['34.120.88'], bi: ['35.244.17', '35.244.18'], mktcloud: ['18.204.60', '18.204.61'],
  docsaas: ['104.16.132'], ci: ['140.82.112', '140.82.113', '192.30.252'],
};

// curves by local hour (0..23), values 0..1
const CURVES = {
  business: [0.04, 0.03, 0.03, 0.03, 0.04, 0.06, 0.15, 0.35, 0.7, 0.95, 1, 1, 0.8, 0.85, 1, 0.95, 0.85, 0.6, 0.35, 0.2, 0.13, 0.09, 0.07, 0.05],
  consumer: [0.35, 0.22, 0.14, 0.1, 0.08, 0.1, 0.18, 0.3, 0.45, 0.55, 0.62, 0.68, 0.75, 0.72, 0.7, 0.7, 0.72, 0.78, 0.88, 0.98, 1, 0.92, 0.75, 0.52],
  office: [0, 0, 0, 0, 0, 0, 0.02, 0.2, 0.75, 1, 1, 0.95, 0.55, 0.8, 1, 0.95, 0.85, 0.5, 0.12, 0.03, 0.01, 0, 0, 0],
  flat: [0.8, 0.75, 0.72, 0.7, 0.7, 0.72, 0.8, 0.9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.98, 0.95, 0.92, 0.9, 0.86, 0.82],
};

// profile templates. fams: [family, weight]; acts: [verb, weight]
const EMP = {
  'sales-assistant': { n: 10, seg: 'sales', role: 'account-executive', fams: [['crm:accounts', 5], ['crm:contacts', 4], ['crm:opportunities', 3], ['crm:leads', 1], ['docs:wiki', 0.5]], acts: [['read', 0.72], ['list', 0.08], ['update', 0.15], ['write', 0.05]], sess: 2.4, len: 4, page: 25, link: ['erp:invoices', 'shop:orders'] },
  'finance-assistant': { n: 6, seg: 'finance', role: 'financial-analyst', fams: [['erp:invoices', 4], ['erp:ledger', 3], ['erp:payments', 2], ['erp:vendors', 1], ['wh:finance_marts', 1.5], ['docs:policies', 0.3]], acts: [['read', 0.65], ['list', 0.2], ['update', 0.1], ['write', 0.05]], sess: 2.0, len: 5, page: 50, link: ['crm:accounts', 'shop:orders'] },
  'hr-assistant': { n: 4, seg: 'hr', role: 'hr-partner', fams: [['hris:employees', 4], ['hris:leave', 3], ['hris:reviews', 1], ['hris:payroll', 1], ['docs:policies', 1]], acts: [['read', 0.7], ['list', 0.1], ['update', 0.15], ['write', 0.05]], sess: 1.8, len: 4, page: 25, link: ['erp:payments'] },
  'eng-assistant': { n: 10, seg: 'engineering', role: 'software-engineer', fams: [['git:pulls', 5], ['git:repos', 3], ['git:issues', 3], ['logs:app', 1.5], ['docs:wiki', 1]], acts: [['read', 0.7], ['list', 0.12], ['write', 0.1], ['update', 0.08]], sess: 2.6, len: 5, page: 30, link: ['cloud:configs', 'tickets:tickets'] },
  'sre-assistant': { n: 4, seg: 'ops', role: 'sre', fams: [['logs:app', 5], ['logs:metrics', 4], ['cloud:deployments', 2], ['git:pulls', 1], ['cloud:configs', 0.3], ['logs:audit', 0.08], ['shop:orders', 0.04]], acts: [['read', 0.55], ['list', 0.3], ['search', 0.1], ['update', 0.05]], sess: 2.2, len: 6, page: 200, link: ['wh:web_events'] },
  'support-assistant': { n: 8, seg: 'support', role: 'support-agent', fams: [['tickets:tickets', 6], ['tickets:chats', 3], ['tickets:kb', 3], ['shop:orders', 1.5], ['crm:contacts', 0.5]], acts: [['read', 0.68], ['list', 0.07], ['update', 0.2], ['write', 0.05]], sess: 3.0, len: 4, page: 25, link: ['shop:refunds', 'shop:customers', 'erp:invoices'] },
  'manager-assistant': { n: 6, seg: null, role: 'manager', fams: [['hris:employees', 1], ['hris:reviews', 0.1], ['docs:wiki', 1.5]], acts: [['read', 0.8], ['list', 0.1], ['update', 0.07], ['write', 0.03]], sess: 1.8, len: 4, page: 25, link: ['hris:payroll'] },
  'legal-assistant': { n: 3, seg: 'legal', role: 'counsel', fams: [['docs:contracts', 5], ['docs:policies', 2], ['crm:accounts', 0.5]], acts: [['read', 0.8], ['search', 0.1], ['update', 0.1]], sess: 1.6, len: 5, page: 20, link: ['erp:vendors'] },
  'marketing-assistant': { n: 4, seg: 'marketing', role: 'marketer', fams: [['mkt:campaigns', 4], ['mkt:audiences', 2], ['wh:web_events', 1], ['crm:leads', 1]], acts: [['read', 0.7], ['list', 0.15], ['update', 0.1], ['write', 0.05]], sess: 2.0, len: 4, page: 50, link: ['crm:contacts'] },
  'data-analyst': { n: 5, seg: 'data', role: 'data-analyst', fams: [['wh:sales_facts', 4], ['wh:web_events', 3], ['wh:snapshots', 1], ['wh:finance_marts', 0.5]], acts: [['query', 0.55], ['list', 0.3], ['read', 0.15]], sess: 1.6, len: 4, page: 2000, link: ['crm:accounts'] },
};
const MANAGER_SEGS = [['sales', ['crm:accounts', 'crm:opportunities']], ['engineering', ['git:pulls', 'git:issues']], ['support', ['tickets:tickets']], ['finance', ['erp:ledger']]];

const BOT = {
  'crm-sync-bot': { n: 8, seg: 'sales', role: 'crm-integration', vendor: 'crmcloud', curve: 'business', peak: [40, 110], fams: [['crm:accounts', 4], ['crm:contacts', 4], ['crm:opportunities', 2], ['crm:leads', 2]], acts: [['read', 0.45], ['read*', 0.15], ['write', 0.25], ['update', 0.15]], page: 100, weekend: 0.15 },
  'support-chat-bot': { n: 7, seg: 'support', role: 'support-bot', vendor: 'helpdesk', curve: 'consumer', peak: [50, 140], fams: [['tickets:chats', 5], ['tickets:tickets', 3], ['tickets:kb', 3], ['shop:orders', 2]], acts: [['read', 0.6], ['search', 0.1], ['write', 0.2], ['update', 0.1]], page: 10, weekend: 0.8 },
  'commerce-bot': { n: 6, seg: 'commerce', role: 'storefront-bot', vendor: 'shopplat', curve: 'consumer', peak: [60, 160], fams: [['shop:orders', 4], ['shop:carts', 4], ['shop:catalog', 3], ['shop:customers', 1], ['shop:refunds', 0.4]], acts: [['read', 0.6], ['list', 0.1], ['write', 0.2], ['update', 0.1]], page: 50, weekend: 1.1 },
  'finance-close-bot': { n: 5, seg: 'finance', role: 'finance-bot', vendor: 'erpsaas', curve: 'business', peak: [25, 60], fams: [['erp:invoices', 4], ['erp:ledger', 3], ['erp:payments', 2]], acts: [['read', 0.5], ['list', 0.15], ['write', 0.25], ['update', 0.1]], page: 200, weekend: 0.05 },
  'hr-onboarding-bot': { n: 3, seg: 'hr', role: 'hr-bot', vendor: 'hrsaas', curve: 'business', peak: [6, 14], fams: [['hris:employees', 4], ['hris:leave', 2]], acts: [['read', 0.6], ['write', 0.25], ['update', 0.15]], page: 20, weekend: 0.02 },
  'report-bot': { n: 7, seg: 'data', role: 'bi-bot', vendor: 'bi', curve: 'business', peak: [10, 30], fams: [['wh:sales_facts', 4], ['wh:web_events', 3], ['wh:finance_marts', 2], ['wh:snapshots', 1]], acts: [['list', 0.75], ['read', 0.25]], page: 1000, weekend: 0.1 },
  'marketing-bot': { n: 5, seg: 'marketing', role: 'marketing-bot', vendor: 'mktcloud', curve: 'business', peak: [20, 60], fams: [['mkt:campaigns', 3], ['mkt:audiences', 3], ['crm:leads', 2]], acts: [['read', 0.55], ['list', 0.15], ['write', 0.2], ['update', 0.1]], page: 500, weekend: 0.3 },
  'docs-bot': { n: 5, seg: 'corp', role: 'docs-bot', vendor: 'docsaas', curve: 'business', peak: [15, 45], fams: [['docs:wiki', 5], ['docs:policies', 2], ['docs:contracts', 1]], acts: [['read', 0.8], ['search', 0.2]], page: 10, weekend: 0.08 },
  'git-bot': { n: 4, seg: 'engineering', role: 'ci-bot', vendor: 'ci', curve: 'business', peak: [40, 90], fams: [['git:pulls', 5], ['git:repos', 3], ['git:issues', 1]], acts: [['read', 0.65], ['write', 0.25], ['update', 0.1]], page: 30, weekend: 0.12 },
};

const SVC = {
  'etl-nightly': { n: 6, seg: 'data', role: 'etl', type: 'nightly', fams: [['wh:sales_facts', 3], ['wh:web_events', 3], ['wh:snapshots', 1], ['crm:accounts', 1], ['erp:ledger', 1]], page: [1000, 5000], pages: [150, 500] },
  'hourly-sync': { n: 8, seg: null, role: 'sync', type: 'hourly', page: [50, 200], k: [8, 40] },
  'queue-worker': { n: 8, seg: 'commerce', role: 'queue-consumer', type: 'queue', fams: [['shop:orders', 5], ['shop:customers', 1], ['shop:refunds', 0.4], ['tickets:tickets', 0.6]], peak: [40, 110] },
  'stream-sync': { n: 6, seg: 'ops', role: 'telemetry', type: 'stream', fams: [['logs:metrics', 4], ['logs:app', 2]], peak: [40, 90] },
  'index-service': { n: 4, seg: 'corp', role: 'indexer', type: 'index', fams: [['docs:wiki', 3], ['tickets:kb', 2], ['docs:policies', 1]] },
  'billing-service': { n: 3, seg: 'finance', role: 'billing', type: 'billing', fams: [['shop:orders', 1], ['erp:invoices', 2], ['erp:payments', 1]] },
  'backup-service': { n: 2, seg: 'ops', role: 'backup', type: 'backup', fams: [['git:repos', 2], ['docs:wiki', 1], ['docs:contracts', 1], ['wh:snapshots', 2]] },
  'kb-migrator': { n: 1, seg: 'support', role: 'migration', type: 'migrator', fams: [['kb:articles', 1]], special: true },
  'audit-agent': { n: 1, seg: 'ops', role: 'auditor', type: 'audit', fams: [['logs:audit', 1]], special: true },
  'legacy-sync': { n: 1, seg: 'finance', role: 'sync', type: 'hourly', special: true, page: [100, 100], k: [10, 20] },
};
const SYNC_PAIRS = [
  { seg: 'sales', src: ['crm:accounts', 'crm:contacts'], dst: 'erp:vendors', dstSeg: 'finance' },
  { seg: 'finance', src: ['erp:invoices', 'erp:payments'], dst: 'wh:finance_marts' },
  { seg: 'support', src: ['tickets:tickets'], dst: 'crm:contacts' },
  { seg: 'commerce', src: ['shop:orders', 'shop:refunds'], dst: 'erp:invoices' },
  { seg: 'marketing', src: ['crm:leads'], dst: 'mkt:audiences' },
  { seg: 'hr', src: ['hris:employees'], dst: 'docs:wiki' },
  { seg: 'engineering', src: ['git:issues'], dst: 'tickets:tickets' },
  { seg: 'data', src: ['shop:catalog'], dst: 'wh:snapshots' },
];

// ---------------------------------------------------------------- calendar
function calendar(start, nDays) {
  const info = new Map();
  const ymd = (t) => { const d = new Date(t); return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCDay()]; };
  const thanksgiving = (y) => { const nov1 = new Date(Date.UTC(y, 10, 1)).getUTCDay(); const firstThu = 1 + ((4 - nov1 + 7) % 7); return Date.UTC(y, 10, firstThu + 21); };
  const bizLeft = (t) => { const [y, m] = ymd(t); let n = 0; for (let x = t + DAY; ymd(x)[1] === m; x += DAY) { const w = ymd(x)[3]; if (w !== 0 && w !== 6) n++; } void y; return n; };
  for (let d = -2; d <= nDays + 1; d++) {
    const t = start + d * DAY; const [y, m, dd, dow] = ymd(t);
    const hol = new Set();
    const tg = thanksgiving(y);
    if (t === tg) { hol.add('us-east'); hol.add('us-west'); }
    if (m === 11 && dd === 25) for (const r of Object.keys(REGIONS)) hol.add(r);
    if (y === 2026 && m === 10 && dd === 24) hol.add('ap-south'); // Guru Nanak Jayanti
    if (y !== 2026 && m === 10 && dd === 24 && dow === 2) hol.add('ap-south');
    const weekend = dow === 0 || dow === 6;
    const bfRel = Math.round((t - (tg + DAY)) / DAY);
    const left = weekend ? 99 : bizLeft(t);
    const monthEnd = left <= 2 ? 3 : left <= 4 ? 1.4 : 1;
    info.set(d, { d, t, dow, weekend, hol, bfRel, monthEnd, halfDayUS: bfRel === 0 });
  }
  return (d) => info.get(d) || { d, t: start + d * DAY, dow: (((new Date(start).getUTCDay() + d) % 7) + 7) % 7, weekend: false, hol: new Set(), bfRel: 99, monthEnd: 1 };
}
const BF_FACTOR = { '-4': 1.1, '-3': 1.2, '-2': 1.35, '-1': 1.7, '0': 4.2, '1': 2.9, '2': 2.3, '3': 4.5 };
const bfFactor = (rel) => BF_FACTOR[rel] || 1;

// ---------------------------------------------------------------- fleet
function b58(r, n) { const A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'; let s = ''; for (let i = 0; i < n; i++) s += A[Math.floor(r.f() * A.length)]; return s; }
const ip4 = (prefix, r) => { const parts = prefix.split('.'); while (parts.length < 4) parts.push(String(parts.length === 3 ? r.int(2, 254) : r.int(0, 255))); return parts.join('.'); };

function scaledCounts(table, total, n) {
  const names = Object.keys(table); const out = {};
  let sum = 0;
  for (const k of names) { out[k] = table[k].special ? 1 : Math.max(1, Math.round(table[k].n * n / 150)); sum += out[k]; }
  const adjustable = names.filter((k) => !table[k].special).sort((a, b) => table[b].n - table[a].n);
  let i = 0;
  while (sum !== total && adjustable.length) { const k = adjustable[i % adjustable.length]; if (sum > total && out[k] > 1) { out[k]--; sum--; } else if (sum < total) { out[k]++; sum++; } i++; if (i > 10000) break; }
  return out;
}

function buildFleet(seed, N, C) {
  const r = stream(seed, 'fleet');
  const nEmp = Math.round(N * 0.4), nBot = Math.round(N / 3), nSvc = N - nEmp - nBot;
  const agents = [];
  const usedIds = new Set();
  const newId = (kind) => { let id; do { id = kind === 'service' ? `did:web:svc.acme-d.example:${b58(r, 10)}` : `did:key:z6Mk${b58(r, 44)}`; } while (usedIds.has(id)); usedIds.add(id); return id; };
  const regionPick = () => r.wpick([['eu-west', 0.35], ['us-east', 0.33], ['us-west', 0.16], ['ap-south', 0.16]]);
  const base = (kind, profile, T) => ({ idx: agents.length, id: newId(kind), kind, profile, role: T.role, traits: new Set(['daily-cycle']), ent: new Map(), legacy: [], phases: null, out: [] });

  const ec = scaledCounts(EMP, nEmp, N);
  for (const [p, cnt] of Object.entries(ec)) for (let i = 0; i < cnt; i++) {
    const T = EMP[p]; const a = base('employee', p, T);
    a.region = regionPick(); a.segment = T.seg; a.fams = T.fams.map((x) => x.slice());
    if (p === 'manager-assistant') { const [s, fs] = r.pick(MANAGER_SEGS); a.segment = s; for (const f of fs) a.fams.push([f, 1.5]); a.role = `${s}-manager`; }
    a.team = `${a.segment}-${REGIONS[a.region].short}`;
    a.acts = T.acts; a.sess = T.sess * r.logn(0, 0.25); a.len = T.len * r.logn(0, 0.2); a.page = T.page; a.link = T.link;
    a.startH = 8.2 + r.norm() * 0.7; a.endH = a.startH + 8.5 + r.norm() * 0.6;
    a.traits.add('sessions');
    const mode = r.wpick([['office', 0.35], ['hybrid', 0.5], ['remote', 0.15]]);
    a.homeIp = ip4(r.pick(REGIONS[a.region].home), r);
    if (mode === 'office') { a.wfh = []; a.traits.add('shared-nat'); }
    if (mode === 'hybrid') { a.wfh = r.chance(0.5) ? [1, 5] : [r.int(1, 5)]; a.traits.add('shared-nat'); a.traits.add('hybrid-home'); if (r.chance(0.2)) { a.homeIp2 = ip4(r.pick(REGIONS[a.region].home), r); a.homeIpSwitch = r.int(2, C.total - 2); } }
    if (mode === 'remote') { a.remote = true; a.traits.add('remote-worker'); }
    a.vpnP = (mode !== 'office' && r.chance(0.35)) ? r.f() * 0.6 + 0.2 : 0; if (a.vpnP) a.traits.add('vpn');
    a.mobileP = r.chance(0.15) ? 0.12 : 0; if (a.mobileP) a.traits.add('mobile-tether');
    a.weekendP = r.chance(0.25) ? 0.3 : 0.03; if (a.weekendP > 0.1) a.traits.add('weekend-checkins');
    a.eveningP = r.chance(0.3) ? 0.35 : 0.02; if (a.eveningP > 0.1) a.traits.add('evening-checkins');
    if (a.segment !== 'hr' && p !== 'manager-assistant' && r.chance(0.55)) { a.fams.push(['hris:employees', 0.12]); a.traits.add('directory-lookups'); }
    agents.push(a);
  }
  const bc = scaledCounts(BOT, nBot, N);
  for (const [p, cnt] of Object.entries(bc)) for (let i = 0; i < cnt; i++) {
    const T = BOT[p]; const a = base('company', p, T);
    a.region = regionPick(); a.segment = T.seg; a.team = `${T.seg}-apps-${REGIONS[a.region].short}`;
    a.fams = T.fams.map((x) => [x[0], x[1] * r.logn(0, 0.3)]); a.acts = T.acts; a.page = T.page; a.curve = T.curve; a.weekend = T.weekend;
    a.peak = (T.peak[0] + r.f() * (T.peak[1] - T.peak[0]));
    const pool = VENDORS[T.vendor]; a.vendor = T.vendor;
    a.ips = []; const nIp = r.int(2, 3); for (let k = 0; k < nIp; k++) a.ips.push(ip4(r.pick(pool), r));
    a.ipPhases = [{ from: -Infinity, ips: a.ips }];
    if (r.chance(0.3)) a.traits.add('rate-limit-retries');
    a.quota = a.peak * r.f() * 1.5 + a.peak * 2.2;
    agents.push(a);
  }
  const sc = scaledCounts(SVC, nSvc, N);
  let syncI = 0;
  for (const [p, cnt] of Object.entries(sc)) for (let i = 0; i < cnt; i++) {
    const T = SVC[p]; const a = base('service', p, T);
    a.region = r.wpick([['eu-west', 0.5], ['us-east', 0.4], ['ap-south', 0.1]]); a.type = T.type; a.segment = T.seg;
    if (T.type === 'hourly') {
      const pair = p === 'legacy-sync' ? { seg: 'finance', src: ['erp:ledger'], dst: 'erp:vendors' } : SYNC_PAIRS[syncI++ % SYNC_PAIRS.length];
      a.segment = pair.seg; a.src = pair.src; a.dst = pair.dst; a.fams = [...pair.src.map((f) => [f, 1]), [pair.dst, 1]];
      a.minute = r.int(0, 59); a.k = T.k[0] + r.f() * (T.k[1] - T.k[0]); a.pageSize = r.pick([50, 100, 200]);
      a.traits.add('hourly-jobs');
    } else a.fams = T.fams.map((x) => x.slice());
    a.team = `${a.segment}-platform`; a.role = T.role;
    a.page = T.page ? r.int(T.page[0], T.page[1]) : 500; if (T.pages) a.pages = T.pages[0] + r.f() * (T.pages[1] - T.pages[0]);
    a.peak = T.peak ? T.peak[0] + r.f() * (T.peak[1] - T.peak[0]) : 0;
    a.batchH = 0.8 + r.f() * 1.6;
    a.traits.add('pod-churn');
    // pod epochs: deploys on 2-4 random weekdays at ~14h local
    a.cluster = REGIONS[a.region].cluster; a.replicas = r.int(2, 3);
    const mkPods = (n) => { const ips = []; for (let k = 0; k < n; k++) ips.push(ip4(`${a.cluster}.${r.int(0, 63)}`, r)); return ips; };
    a.mkPods = mkPods; a.ipPhases = [{ from: -Infinity, ips: mkPods(a.replicas) }];
    const deploys = new Set(); const nd = r.int(2, 4); for (let k = 0; k < nd; k++) { const d = r.int(0, C.total - 1); if (!C.day(d).weekend) deploys.add(d); }
    for (const d of [...deploys].sort((x, y) => x - y)) a.ipPhases.push({ from: C.t(d, 14 + r.f() * 2, REGIONS[a.region].tz), ips: mkPods(a.replicas) });
    agents.push(a);
  }
  // entitlements from before the fortnight
  for (const a of agents) for (const [f] of a.fams) a.ent.set(f, -Infinity);
  // legacy entitlements (unused): ~20% of employees/bots
  for (const a of agents) {
    if (a.kind === 'service' && !r.chance(0.1)) continue;
    if (!r.chance(0.22)) continue;
    const others = FAM_LIST.filter((f) => famSeg(f) !== a.segment && !a.ent.has(f) && f !== 'kb:articles' && f !== 'cloud:secrets');
    const n = r.int(1, 3);
    for (let k = 0; k < n; k++) { const f = r.pick(others); if (!a.ent.has(f)) { a.ent.set(f, -Infinity); a.legacy.push(f); } }
    if (a.profile === 'data-analyst' && !a.ent.has('wh:hr_marts') && r.chance(0.5)) { a.ent.set('wh:hr_marts', -Infinity); a.legacy.push('wh:hr_marts'); }
    a.traits.add('legacy-entitlements');
  }
  return agents;
}

// ---------------------------------------------------------------- benign special schedule
function planSpecials(agents, C, seed) {
  const r = stream(seed, 'specials');
  const E = C.hist; const grants = []; const status = [];
  const byP = (p) => agents.filter((a) => a.profile === p);
  const emps = agents.filter((a) => a.kind === 'employee');
  const grant = (a, fam, at) => { a.ent.set(fam, at); grants.push({ agent: a.id, family: fam, at: Math.floor(at) }); };
  const phase = (a, from, fn) => { if (!a.phases) a.phases = [{ from: -Infinity, fams: a.fams }]; const last = a.phases[a.phases.length - 1].fams.map((x) => x.slice()); const next = fn(last) || last; a.phases.push({ from, fams: next }); a.phases.sort((x, y) => x.from - y.from); };
  const tz = (a) => REGIONS[a.region].tz;

  // review season: managers' assistants from the evaluated week
  for (const a of byP('manager-assistant')) { a.traits.add('review-season'); phase(a, C.t(E, 0, tz(a)), (f) => f.map(([x, w]) => [x, x === 'hris:reviews' ? 2.2 : w])); }
  // office move us-west, day E+1
  C.officeMove = { region: 'us-west', at: C.t(E + 1, 0, REGIONS['us-west'].tz) };
  for (const a of emps) if (a.region === 'us-west' && !a.remote) a.traits.add('office-move');
  // holiday
  for (const a of agents) if (a.region === 'us-east' || a.region === 'us-west' || a.region === 'ap-south') { if (a.kind === 'employee') { a.traits.add('holiday'); a.traits.add('holiday-catch-up'); } }
  // travel: one eu-west employee in New York days E..E+2
  const trav = r.shuffle(emps.filter((a) => a.region === 'eu-west' && !a.remote))[0];
  if (trav) { trav.travel = { region: 'us-east', from: E, to: E + 3 }; trav.traits.add('travel'); }
  // leave
  const pool = r.shuffle(emps.filter((a) => !a.travel));
  const leaves = pool.slice(0, 3);
  if (leaves[0]) { leaves[0].leave = [E, E + 3]; leaves[0].traits.add('leave'); }
  if (leaves[1]) { leaves[1].leave = [E - 4, E + 2]; leaves[1].traits.add('leave'); }
  if (leaves[2]) { leaves[2].leave = [E + 2, E + 5]; leaves[2].traits.add('leave'); }
  // deadline late
  for (const a of r.shuffle(emps.filter((x) => ['legal-assistant', 'finance-assistant'].includes(x.profile) && !x.leave)).slice(0, 3)) { a.late = [E + 1, E + 2]; a.traits.add('deadline-late'); }
  // on-call SREs: one or two pages per week, rota
  const sres = byP('sre-assistant');
  sres.forEach((a, i) => { a.traits.add('on-call-pages'); a.pages = []; for (let w = 0; w * 7 < C.total; w++) if ((w + i) % Math.max(2, sres.length) < 2) { const n = r.int(1, 2); for (let k = 0; k < n; k++) a.pages.push({ d: w * 7 + r.int(0, 6), h: r.f() * 5 }); } a.traits.add('incident-day'); a.incident = true; });
  // reorg grant: three support assistants get commerce families on E+2 at 10:00 local
  const sup = r.shuffle(byP('support-assistant').filter((a) => !a.leave)).slice(0, 3);
  for (const a of sup) {
    const at = C.t(E + 2, 10 + r.f(), tz(a)); a.traits.add('reorg-grant');
    for (const f of ['shop:refunds', 'shop:customers']) if (!a.ent.has(f) || a.ent.get(f) > at) grant(a, f, at);
    phase(a, at + 20 * MIN, (f) => [...f.filter(([x]) => x !== 'shop:refunds' && x !== 'shop:customers'), ['shop:refunds', 2.5], ['shop:customers', 1.5]]);
  }
  // new hires
  const nh = r.shuffle(emps.filter((a) => !a.leave && !a.travel && !a.late && !sup.includes(a) && a.profile !== 'sre-assistant' && a.profile !== 'manager-assistant'));
  const hire = (a, d) => { const at = C.t(d, 6.5, tz(a)); a.firstDay = d; a.traits.add('new-hire'); for (const [f] of a.fams) { a.ent.delete(f); grant(a, f, at); } for (const f of a.legacy) a.ent.delete(f); a.legacy = []; a.traits.delete('legacy-entitlements'); };
  if (nh[0]) hire(nh[0], 3); if (nh[1] && C.total > E + 1) hire(nh[1], E + 1);
  // leaver: last day E+2
  const lv = nh[2];
  if (lv) { lv.lastDay = E + 2; lv.traits.add('leaver'); lv.stopAt = C.t(E + 2, lv.endH + 1.2, tz(lv)); status.push({ agent: lv.id, status: 'suspended', at: Math.floor(lv.stopAt + 20 * MIN) }); status.push({ agent: lv.id, status: 'retired', at: Math.floor(C.t(E + 5, 10, tz(lv))) }); }
  // decommissioned legacy-sync
  for (const a of byP('legacy-sync')) { a.traits.add('decommissioned'); a.stopAt = C.t(E + 2, 15.5, tz(a)); status.push({ agent: a.id, status: 'suspended', at: Math.floor(a.stopAt + 90 * MIN) }); status.push({ agent: a.id, status: 'retired', at: Math.floor(C.t(E + 4, 11, tz(a))) }); }
  // month-end & black friday & growth & verb changes
  for (const a of agents) {
    if (['finance-close-bot', 'billing-service'].includes(a.profile)) a.traits.add('month-end-close');
    if (['commerce-bot', 'support-chat-bot', 'marketing-bot', 'queue-worker'].includes(a.profile)) a.traits.add('black-friday');
    if (a.kind !== 'employee' && r.chance(0.15)) { a.growth = 1.05; a.traits.add('growth'); }
    if (a.profile === 'crm-sync-bot') { a.traits.add('api-verb-change'); a.verbAt = C.t(E + 2, 6 + r.f() * 2, 0); a.verbMap = { write: 'upsert', update: 'upsert', 'read*': 'list' }; }
    if (a.profile === 'report-bot' && r.chance(0.5)) { a.traits.add('api-verb-change'); a.verbAt = C.t(E + 1, 5 + r.f() * 3, 0); a.verbMap = { list: 'query' }; }
    if (a.profile === 'report-bot') a.traits.add('scheduled-reports');
    if (a.type === 'nightly') a.traits.add('nightly-batch');
    if (a.type === 'queue') a.traits.add('queue-backlog');
    if (a.type === 'index' || a.type === 'backup') a.traits.add('weekend-batch');
    if (a.kind !== 'service') a.traits.add('stray-refusals');
    if (a.kind === 'company' && a.traits.has('rate-limit-retries')) a.traits.add('stray-refusals');
  }
  // replica scale on Black Friday
  const bfIdx = [...Array(C.total).keys()].find((d) => C.day(d).bfRel === 0);
  if (bfIdx != null) {
    for (const a of agents) {
      if (a.profile === 'commerce-bot' || (a.profile === 'queue-worker')) {
        a.traits.add('replica-scale');
        const t0 = C.t(bfIdx, 7.5, tz(a)), t1 = C.t(bfIdx + 2, 12, tz(a));
        const cur = ipsAt(a, t0);
        const extra = a.kind === 'service' ? a.mkPods(4) : [0, 1, 2, 3].map(() => ip4(r.pick(VENDORS[a.vendor]), r));
        a.ipPhases.push({ from: t0, ips: [...cur, ...extra] }); a.ipPhases.push({ from: t1, ips: cur.slice() }); a.ipPhases.sort((x, y) => x.from - y.from);
      }
    }
    for (const a of sres) a.incidentAt = C.t(bfIdx, 18.5 + r.f(), REGIONS['us-east'].tz);
    C.incident = { at: C.t(bfIdx, 18.5, REGIONS['us-east'].tz), dur: 100 * MIN };
    for (const a of byP('queue-worker')) a.traits.add('incident-day');
  }
  // kb migration and rename
  const mig = byP('kb-migrator')[0];
  if (mig) { mig.traits.add('data-migration'); mig.migAt = C.t(E + 1, 20, 0); grant(mig, 'tickets:kb', mig.migAt); }
  const renameDay = E + 3;
  for (const a of agents) {
    if (a === mig) continue;
    if (!a.fams.some(([f]) => f === 'tickets:kb')) continue;
    const at = C.t(renameDay, 9 + r.f() * 4, 0);
    a.traits.add('family-rename'); grant(a, 'kb:articles', at); a.renameAt = at;
    phase(a, at, (f) => f.map(([x, w]) => [x === 'tickets:kb' ? 'kb:articles' : x, w]).concat([['tickets:kb', 0.05 * (f.find(([x]) => x === 'tickets:kb') || [0, 1])[1]]]));
    phase(a, at + DAY, (f) => f.filter(([x]) => x !== 'tickets:kb'));
  }
  // quarterly audit
  const aud = byP('audit-agent')[0];
  if (aud) { aud.traits.add('quarterly-audit'); aud.auditAt = C.t(E + 2, 9.5, tz(aud)); aud.auditFams = r.shuffle(FAM_LIST.filter((f) => f !== 'cloud:secrets' && f !== 'kb:articles')).slice(0, 25); for (const f of aud.auditFams) if (!aud.ent.has(f)) aud.ent.set(f, -Infinity); }
  return { grants, status };
}
function ipsAt(a, at) { let ips = a.ipPhases[0].ips; for (const p of a.ipPhases) if (p.from <= at) ips = p.ips; return ips; }
function famsAt(a, at) { if (!a.phases) return a.fams; let f = a.phases[0].fams; for (const p of a.phases) if (p.from <= at) f = p.fams; return f; }

// ---------------------------------------------------------------- events
function makeEvent(at, agent, fam, resource, action, ip, decision, code, records) {
  const e = { at: Math.floor(at), agent, decision };
  if (code) e.code = code;
  e.resource = resource; e.action = action;
  if (decision === 'allow' && records != null && READS.has(action)) e.records = records;
  e.ip = ip; e.segment = famSeg(fam); e.verifier = verifierOf(fam);
  return e;
}
function recordId(a, fam, r) {
  const pre = FAMS[fam][1];
  if (!a.ws) a.ws = {};
  let ws = a.ws[fam];
  if (!ws) { ws = []; const base = r.int(10000, 900000); for (let i = 0; i < 40; i++) ws.push(base + r.int(0, 5000)); a.ws[fam] = ws; }
  const n = r.chance(0.7) ? ws[Math.floor(r.f() * r.f() * ws.length)] : r.int(10000, 999999);
  return `${fam}/${pre}-${n}`;
}

function emitter(a, C, r) {
  const isEmp = a.kind === 'employee';
  const constraintP = a.kind === 'service' ? 0.0004 : 0.002;
  const linkP = isEmp ? 0.0012 : a.kind === 'company' ? 0.0003 : 0;
  return function emit(at, fam, action, records, ip, opts) {
    if (at < C.start || at >= C.end) return;
    if (a.stopAt != null && at >= a.stopAt) return;
    if (a.firstDay != null && at < C.start + a.firstDay * DAY - 12 * HOUR) return;
    let verb = action;
    if (a.verbMap && at >= a.verbAt && a.verbMap[verb]) verb = a.verbMap[verb];
    const collection = verb === 'read*' || COLLECTION.has(verb) || (opts && opts.collection);
    if (verb === 'read*') verb = 'read';
    const resource = collection ? fam : (verb === 'create' ? `${fam}/${FAMS[fam][1]}-${r.int(1000000, 9999999)}` : recordId(a, fam, r));
    if (opts && opts.code) { a.out.push(makeEvent(at, a.id, fam, resource, verb, ip, 'deny', opts.code)); return; }
    const g = a.ent.get(fam);
    if (g === undefined || g > at) { a.out.push(makeEvent(at, a.id, fam, resource, verb, ip, 'deny', 'ERR_NOT_ENTITLED')); return; }
    if (!(opts && opts.noStray)) {
      if (linkP && r.chance(linkP)) { const lf = r.pick(a.link || ['docs:contracts']); if (!a.ent.has(lf)) { a.out.push(makeEvent(at, a.id, lf, recordId(a, lf, r), 'read', ip, 'deny', 'ERR_NOT_ENTITLED')); return; } }
      if (r.chance(constraintP)) { a.out.push(makeEvent(at, a.id, fam, resource, verb, ip, 'deny', 'ERR_CONSTRAINT')); if (r.chance(0.6)) a.out.push(makeEvent(at + r.int(5, 60) * SEC, a.id, fam, resource, verb, ip, 'allow', null, records)); return; }
    }
    a.out.push(makeEvent(at, a.id, fam, resource, verb, ip, 'allow', null, records));
  };
}
function recordsFor(a, action, r, mult = 1) {
  if (!READS.has(action) && action !== 'read*') return null;
  if (action === 'read') return r.chance(0.8) ? 1 : r.int(2, 6);
  const p = a.page || 50;
  return Math.max(0, Math.round((r.chance(0.7) ? p : r.int(1, p)) * mult));
}

// ---------- employees
function genEmployee(a, C) {
  const r = stream(C.seed, `benign:${a.idx}`);
  const emit = emitter(a, C, r);
  const reg = REGIONS[a.region];
  let vcNext = r.int(1, 7);
  const session = (t0, ip, d, opts = {}) => {
    let fams = famsAt(a, t0);
    let fam = opts.fam || r.wpick(fams);
    let n = opts.n || r.geom(a.len);
    let t = t0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && r.chance(0.15)) fam = r.wpick(fams);
      let act = r.wpick(a.acts);
      if (fam === 'hris:employees' && a.segment !== 'hr') act = 'read';
      const rec = act === 'query' ? Math.round(r.logn(Math.log(a.page), 0.9)) : recordsFor(a, act, r);
      emit(t, fam, act, rec, ip, act === 'list' ? { collection: true } : null);
      t += (2 + r.logn(2.6, 0.9)) * SEC;
      fams = famsAt(a, t);
    }
    return t;
  };
  for (let d = -1; d <= C.total; d++) {
    if (a.firstDay != null && d < a.firstDay) continue;
    if (a.lastDay != null && d > a.lastDay) break;
    const D = C.day(d);
    const trav = a.travel && d >= a.travel.from && d < a.travel.to;
    const hreg = trav ? a.travel.region : a.region;
    const tz = REGIONS[hreg].tz;
    const onLeave = a.leave && d >= a.leave[0] && d < a.leave[1];
    const holiday = D.hol.has(hreg);
    const halfDay = D.halfDayUS && (hreg === 'us-east' || hreg === 'us-west');
    let working = !D.weekend && !holiday && !onLeave;
    if (working && !a.firstDay && r.chance(0.025)) { working = false; a.traits.add('sick-days'); }
    if (working && halfDay && r.chance(0.55)) working = false;
    const homeIp = (a.homeIp2 && d >= a.homeIpSwitch) ? a.homeIp2 : a.homeIp;
    const mobileIp = ip4(r.pick(reg.mobile), r);
    // pages (on call): any day
    if (a.pages) for (const p of a.pages) if (p.d === d) {
      let t = C.t(d, p.h, tz); const end = t + (20 + r.f() * 45) * MIN;
      while (t < end) t = session(t, r.chance(0.5) ? reg.vpn : homeIp, d, { fam: r.wpick([['logs:app', 4], ['logs:metrics', 3], ['cloud:deployments', 1]]), n: r.int(3, 10) }) + r.int(20, 200) * SEC;
    }
    if (a.incidentAt && Math.floor((a.incidentAt - C.start) / DAY) === d) {
      let t = a.incidentAt; const end = t + (3 + r.f() * 2) * HOUR;
      while (t < end) t = session(t, r.chance(0.6) ? reg.vpn : homeIp, d, { fam: r.wpick([['logs:app', 5], ['logs:metrics', 3], ['logs:audit', 1], ['cloud:configs', 1.5], ['cloud:deployments', 1.5], ['shop:orders', 1.2]]), n: r.int(4, 14) }) + r.int(5, 90) * SEC;
    }
    if (!working) {
      if (!onLeave && (D.weekend || holiday || halfDay) && r.chance(a.weekendP)) {
        const n = r.int(1, 2);
        for (let i = 0; i < n; i++) session(C.t(d, 10 + r.f() * 11, tz), a.vpnP && r.chance(0.5) ? reg.vpn : homeIp, d, { n: r.int(1, 4) });
      }
      continue;
    }
    let loc;
    if (trav) loc = 'travel'; else if (a.remote) loc = 'home'; else if (a.wfh.includes(D.dow)) loc = 'home'; else loc = 'office';
    const useVpn = loc === 'home' && a.vpnP && r.chance(a.vpnP);
    const office = (a.region === C.officeMove.region && REGIONS[a.region].movedOffice && C.t(d, 12, tz) >= C.officeMove.at) ? REGIONS[a.region].movedOffice : REGIONS[a.region].office;
    const ipFor = () => {
      if (a.mobileP && r.chance(a.mobileP)) return mobileIp;
      if (loc === 'travel') return r.pick(REGIONS[hreg].office);
      if (loc === 'office') return r.pick(office);
      return useVpn ? REGIONS[a.region].vpn : homeIp;
    };
    let s = a.startH + 0.35 * r.norm(), e = a.endH + 0.5 * r.norm();
    if (trav) { s -= 1.2; e -= 0.8; }
    if (a.late && a.late.includes(d)) e = 21 + r.f() * 2;
    const prev = C.day(d - 1);
    const catchUp = (prev.hol.has(hreg) || (a.leave && d === a.leave[1])) ? 1.35 : 1;
    const factor = r.logn(0, 0.25) * catchUp;
    const hours = Math.max(2, e - s);
    // VC renewal: first request of the day refused as expired, retried after renewal
    vcNext--;
    let vcPending = vcNext <= 0; if (vcPending) vcNext = r.int(4, 8);
    const nS = r.poisson(a.sess * hours * factor);
    const times = [];
    for (let i = 0; i < nS; i++) { let h; do { h = s + r.f() * hours; } while (h > 12.2 && h < 13.3 && r.chance(0.6)); times.push(h); }
    times.sort((x, y) => x - y);
    for (const h of times) {
      const t0 = C.t(d, h, tz); const ip = ipFor();
      if (vcPending) { const f = r.wpick(famsAt(a, t0)); emit(t0 - r.int(3, 20) * SEC, f, 'read', null, ip, { code: 'ERR_VC_EXPIRED' }); vcPending = false; }
      session(t0, ip, d);
    }
    if (r.chance(a.eveningP)) session(C.t(d, 20 + r.f() * 2.5, tz), a.remote || loc !== 'travel' ? homeIp : ipFor(), d, { n: r.int(1, 5) });
  }
}

// ---------- company bots
function genBot(a, C) {
  const r = stream(C.seed, `benign:${a.idx}`);
  const emit = emitter(a, C, r);
  const tz = REGIONS[a.region].tz; const curve = CURVES[a.curve];
  const bf = a.traits.has('black-friday'), me = a.traits.has('month-end-close');
  let vcNext = r.int(2, 9);
  for (let d = -1; d <= C.total; d++) {
    const D = C.day(d);
    let f = r.logn(0, 0.15) * C.scale;
    if (D.weekend) f *= a.weekend;
    if (D.hol.has(a.region)) f *= a.curve === 'consumer' ? 0.9 : 0.12;
    if (D.halfDayUS && (a.region === 'us-east' || a.region === 'us-west') && a.curve === 'business') f *= 0.45;
    if (C.day(d - 1).hol.has(a.region) && a.curve === 'business' && !D.weekend) f *= 1.3;
    if (bf) f *= bfFactor(D.bfRel);
    if (me) f *= D.monthEnd;
    if (a.growth) f *= Math.pow(a.growth, d);
    vcNext--; let vcPending = vcNext <= 0 && r.chance(0.5); if (vcNext <= 0) vcNext = r.int(3, 9);
    for (let h = 0; h < 24; h++) {
      const t0 = C.t(d, h, tz);
      if (t0 + HOUR <= C.start || t0 >= C.end) continue;
      const lam = a.peak * curve[h] * f;
      const n = r.poisson(lam);
      const ts = []; for (let i = 0; i < n; i++) ts.push(t0 + r.f() * HOUR); ts.sort((x, y) => x - y);
      const over = a.traits.has('rate-limit-retries') && n > a.quota ? (n - a.quota) / n : 0;
      for (const t of ts) {
        const fam = r.wpick(famsAt(a, t)); const act = r.wpick(a.acts); const ip = r.pick(ipsAt(a, t));
        if (vcPending) { emit(t - 2 * SEC, fam, act === 'read*' ? 'read' : act, null, ip, { code: 'ERR_VC_EXPIRED' }); vcPending = false; }
        if (over && r.chance(over * 0.8)) {
          emit(t, fam, act, null, ip, { code: 'ERR_RATE_LIMITED' });
          let back = 1 + r.f(); let tt = t;
          for (let k = 0; k < 4; k++) { tt += back * SEC; back *= 2; if (k < 3 && r.chance(0.3)) emit(tt, fam, act, null, ip, { code: 'ERR_RATE_LIMITED' }); else { emit(tt, fam, act, recordsFor(a, act, r), ip); break; } }
          continue;
        }
        emit(t, fam, act, recordsFor(a, act, r), ip, act === 'list' ? { collection: true } : null);
      }
    }
    // scheduled report runs 06:00 weekdays
    if (a.profile === 'report-bot' && !D.weekend) {
      let t = C.t(d, 6 + a.idx % 5 * 0.1, tz); const n = r.int(8, 25) * (D.monthEnd > 1 ? 2 : 1);
      for (let i = 0; i < n; i++) { const fam = r.wpick(a.fams); emit(t, fam, 'list', Math.round(r.logn(Math.log(a.page), 0.6)), r.pick(ipsAt(a, t)), { collection: true, noStray: true }); t += r.int(2, 25) * SEC; }
    }
    // campaign sends (marketing): an afternoon audience export once or twice a week
    if (a.profile === 'marketing-bot' && !D.weekend && r.chance(bf && D.bfRel >= -3 && D.bfRel <= 3 ? 0.9 : 0.3)) {
      let t = C.t(d, 14 + r.f() * 3, tz); const n = r.int(20, 60);
      for (let i = 0; i < n; i++) { emit(t, 'mkt:audiences', 'list', r.int(200, 500), r.pick(ipsAt(a, t)), { collection: true }); t += r.int(1, 6) * SEC; }
    }
  }
}

// ---------- services
function genService(a, C) {
  const r = stream(C.seed, `benign:${a.idx}`);
  const emit = emitter(a, C, r);
  const tz = REGIONS[a.region].tz;
  const ip = (t) => r.pick(ipsAt(a, t));
  const total = C.total;
  const dayF = (d) => { const D = C.day(d); let f = r.logn(0, 0.1) * C.scale; if (a.growth) f *= Math.pow(a.growth, d); if (a.traits.has('month-end-close')) f *= D.monthEnd; if (a.traits.has('black-friday')) f *= bfFactor(D.bfRel); return f; };
  const seqPages = (t, fam, nPages, pageSize, gap = [0.4, 2.5], verb = 'list') => {
    for (let i = 0; i < nPages; i++) { const last = i === nPages - 1; emit(t, fam, verb, last ? r.int(1, pageSize) : pageSize, ip(t), { collection: true, noStray: true }); t += (gap[0] + r.f() * (gap[1] - gap[0])) * SEC; }
    return t;
  };
  if (a.type === 'nightly') {
    for (let d = -1; d <= total; d++) {
      const D = C.day(d); const f = dayF(d) * (D.weekend ? 0.6 : 1);
      let t = C.t(d, a.batchH + r.f() * 0.15, tz);
      for (const [fam, w] of a.fams) { const n = Math.max(1, Math.round(a.pages * w / 9 * f)); t = seqPages(t, fam, n, a.page); t += r.int(5, 60) * SEC; }
      for (const fam of ['wh:sales_facts', 'wh:web_events']) if (a.ent.has(fam)) { const n = r.int(20, 60); for (let i = 0; i < n; i++) { emit(t, fam, 'write', null, ip(t)); t += r.int(1, 4) * SEC; } }
      for (let h = 7; h < 20; h++) { const n = r.poisson(2); for (let i = 0; i < n; i++) { const tt = C.t(d, h + r.f(), tz); emit(tt, r.wpick(a.fams), 'read', 1, ip(tt)); } }
    }
  } else if (a.type === 'hourly') {
    for (let d = -1; d <= total; d++) {
      const D = C.day(d); const f = dayF(d) * (D.weekend ? 0.7 : 1);
      for (let h = 0; h < 24; h++) {
        let t = C.t(d, h + a.minute / 60, tz) + r.int(0, 40) * SEC;
        const k = Math.max(1, r.poisson(a.k * f * (0.6 + 0.6 * CURVES.business[h])));
        for (let i = 0; i < k; i++) {
          const src = r.pick(a.src);
          emit(t, src, 'list', r.chance(0.8) ? r.int(0, a.pageSize) : a.pageSize, ip(t), { collection: true }); t += r.int(300, 2500);
          if (r.chance(0.6)) { emit(t, a.dst, r.chance(0.7) ? 'update' : 'write', null, ip(t)); t += r.int(200, 1500); }
        }
      }
    }
  } else if (a.type === 'queue') {
    let backlog = 0; const cap = a.peak * 2.5 / 12; // per 5-min bin capacity
    const binMs = 5 * MIN;
    for (let t0 = C.start - DAY; t0 < C.end; t0 += binMs) {
      const lh = ((((t0 - C.start) / HOUR + tz) % 24) + 24) % 24; const d = Math.floor((t0 - C.start + tz * HOUR) / DAY);
      const D = C.day(d); let f = (a.growth ? Math.pow(a.growth, d) : 1) * C.scale * bfFactor(D.bfRel) * (D.weekend ? 1.1 : 1);
      backlog += r.poisson(a.peak * CURVES.consumer[Math.floor(lh)] * f / 12);
      const paused = (lh >= 0.25 && lh < 0.6) || (C.incident && t0 >= C.incident.at && t0 < C.incident.at + C.incident.dur);
      if (paused) continue;
      const cpx = cap * (ipsAt(a, t0).length / a.replicas);
      const n = Math.min(backlog, Math.round(cpx)); backlog -= n;
      for (let i = 0; i < n; i++) { const t = t0 + r.f() * binMs; const fam = r.wpick(a.fams); emit(t, fam, 'read', 1, ip(t)); if (r.chance(0.35)) emit(t + r.int(50, 900), fam, 'update', null, ip(t)); }
    }
  } else if (a.type === 'stream') {
    for (let t0 = C.start - DAY; t0 < C.end; t0 += 10 * MIN) {
      const lh = Math.floor(((((t0 - C.start) / HOUR + tz) % 24) + 24) % 24);
      const n = r.poisson(a.peak / 6 * (0.6 + 0.4 * CURVES.flat[lh]) * C.scale * (a.growth ? Math.pow(a.growth, (t0 - C.start) / DAY) : 1));
      for (let i = 0; i < n; i++) { const t = t0 + r.f() * 10 * MIN; const fam = r.wpick(a.fams); if (fam === 'logs:metrics') emit(t, fam, 'write', null, ip(t)); else emit(t, fam, 'list', r.int(50, 500), ip(t), { collection: true }); }
    }
  } else if (a.type === 'index') {
    for (let d = -1; d <= total; d++) {
      const D = C.day(d);
      for (let h = 0; h < 24; h++) { const t = C.t(d, h + 0.2, tz) + r.int(0, 90) * SEC; for (const [fam] of famsAt(a, t)) emit(t + r.int(0, 20) * SEC, fam, 'list', r.chance(0.3) ? 0 : r.int(1, 40), ip(t), { collection: true, noStray: true }); }
      if (D.dow === 6) { let t = C.t(d, 2 + r.f() * 0.3, tz); for (const [fam, w] of famsAt(a, t)) t = seqPages(t, fam, Math.round(60 * w * r.logn(0, 0.1)), 200); }
    }
  } else if (a.type === 'billing') {
    for (let d = -1; d <= total; d++) {
      const D = C.day(d); const f = dayF(d);
      let t = C.t(d, 4 + r.f() * 0.2, tz);
      t = seqPages(t, 'shop:orders', Math.round(25 * f * (D.weekend ? 1.3 : 1)), 200);
      const n = Math.round(160 * f); for (let i = 0; i < n; i++) { emit(t, 'erp:invoices', 'write', null, ip(t)); t += r.int(300, 3000); }
      const m = Math.round(40 * f); for (let i = 0; i < m; i++) { emit(t, 'erp:payments', 'read', 1, ip(t)); t += r.int(300, 3000); }
      for (let h = 8; h < 18; h++) { const k = r.poisson(3 * f); for (let i = 0; i < k; i++) { const tt = C.t(d, h + r.f(), tz); emit(tt, 'erp:invoices', 'read', 1, ip(tt)); } }
    }
  } else if (a.type === 'backup') {
    for (let d = -1; d <= total; d++) {
      const D = C.day(d);
      let t = C.t(d, 1 + r.f() * 0.2, tz);
      if (D.dow === 0) { for (const [fam, w] of a.fams) t = seqPages(t, fam, Math.round(80 * w * r.logn(0, 0.1)), 1000, [1, 4]); }
      else emit(t, 'wh:snapshots', 'list', r.int(1, 20), ip(t), { collection: true });
    }
  } else if (a.type === 'migrator') {
    for (let d = -1; d <= total; d++) {
      const D = C.day(d); if (D.weekend) continue;
      const n = r.int(3, 15); for (let i = 0; i < n; i++) { const t = C.t(d, 9 + r.f() * 8, tz); emit(t, 'kb:articles', r.chance(0.5) ? 'write' : 'list', r.int(0, 5), ip(t), { noStray: true }); }
    }
    if (a.migAt) {
      let t = a.migAt + r.int(2, 10) * MIN; const pages = r.int(180, 260);
      for (let i = 0; i < pages; i++) {
        emit(t, 'tickets:kb', 'list', i === pages - 1 ? r.int(1, 500) : 500, ip(t), { collection: true, noStray: true }); t += r.int(800, 3000);
        const w = r.int(2, 6); for (let k = 0; k < w; k++) { emit(t, 'kb:articles', 'create', null, ip(t), { noStray: true }); t += r.int(300, 1200); }
        t += r.int(5, 40) * SEC;
      }
      t += 3 * HOUR; seqPages(t, 'kb:articles', r.int(80, 120), 500, [0.5, 2]);
    }
  } else if (a.type === 'audit') {
    for (let d = -1; d <= total; d++) { let t = C.t(d, 7 + r.f() * 0.1, tz); seqPages(t, 'logs:audit', r.int(3, 8), 200); }
    if (a.auditAt) { let t = a.auditAt; for (const fam of a.auditFams) { const n = r.int(1, 3); for (let i = 0; i < n; i++) { emit(t, fam, 'read', r.int(1, 5), ip(t), { noStray: true }); t += r.int(10, 120) * SEC; } t += r.int(30, 240) * SEC; } }
  }
}

// ---------------------------------------------------------------- attacks
function habitsOf(a, C) {
  const H = { n: 0, fams: new Map(), ips: new Map(), acts: new Map(), hours: new Array(24).fill(0), daysActive: new Set(), maxHour: 0, hourCounts: new Map() };
  for (const e of a.out) {
    if (e.at >= C.evalFrom) break;
    H.n++;
    const fam = e.resource.split('/')[0];
    let s = H.fams.get(fam); if (!s) { s = { n: 0, reads: 0, lists: 0, recs: [] }; H.fams.set(fam, s); }
    s.n++; if (e.records != null) { s.reads++; s.recs.push(e.records); if (!e.resource.includes('/')) s.lists++; }
    H.ips.set(e.ip, (H.ips.get(e.ip) || 0) + 1); H.acts.set(e.action, (H.acts.get(e.action) || 0) + 1);
    H.hours[new Date(e.at).getUTCHours()]++;
    H.daysActive.add(Math.floor((e.at - C.start) / DAY));
    const hk = Math.floor(e.at / HOUR); H.hourCounts.set(hk, (H.hourCounts.get(hk) || 0) + 1);
  }
  const hc = [...H.hourCounts.values()].sort((x, y) => x - y); H.peakHour = hc.length ? hc[Math.floor(hc.length * 0.95)] : 1;
  H.topIps = [...H.ips.entries()].sort((x, y) => y[1] - x[1]).map((x) => x[0]);
  H.famsSorted = [...H.fams.entries()].sort((x, y) => y[1].n - x[1].n);
  H.readOnly = [...H.acts.keys()].every((v) => READS.has(v));
  H.localNight = 0; const tz = REGIONS[a.region].tz;
  for (let h = 0; h < 24; h++) { const lh = (((h + tz) % 24) + 24) % 24; if (lh >= 0 && lh < 6) H.localNight += H.hours[h]; }
  H.weekendN = a.out.filter((e) => e.at < C.evalFrom && C.day(Math.floor((e.at - C.start) / DAY)).weekend).length;
  return H;
}
const median = (xs) => { if (!xs.length) return 1; const s = xs.slice().sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const pctl = (xs, p) => { if (!xs.length) return 1; const s = xs.slice().sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

function generateAttacks(agents, C, seed, statusOut) {
  const r = stream(seed, 'attack-plan');
  const E = C.hist;
  const H = new Map(); for (const a of agents) H.set(a, habitsOf(a, C));
  const excluded = (a) => ['leaver', 'decommissioned', 'new-hire', 'quarterly-audit', 'data-migration', 'leave', 'travel'].some((t) => a.traits.has(t)) || H.get(a).n < 80;
  const used = new Set();
  const choose = (n, pred, prefer) => {
    let c = r.shuffle(agents.filter((a) => !used.has(a) && !excluded(a) && pred(a, H.get(a))));
    if (prefer) c = [...c.filter((a) => prefer(a, H.get(a))), ...c.filter((a) => !prefer(a, H.get(a)))];
    const out = c.slice(0, n); for (const a of out) used.add(a); return out;
  };
  const evalEvents = (a, t0, t1) => a.out.filter((e) => e.at >= t0 && e.at < t1);
  const tzOf = (a) => REGIONS[a.region].tz;
  const plan = [];
  const counts = { 'rate-flood': 3, 'new-action': 3 };
  const need = (k) => counts[k] || 4;
  const sel = {};
  sel['new-action'] = choose(need('new-action'), (a, h) => h.readOnly && h.n > 150);
  sel['bulk-read'] = choose(need('bulk-read'), (a, h) => h.famsSorted.some(([f, s]) => f.startsWith('wh:') && s.reads > 10) && a.kind !== 'service', (a) => a.kind === 'employee');
  sel['hr-grab'] = choose(need('hr-grab'), (a) => a.segment !== 'hr' && a.kind !== 'service' && !a.fams.some(([f]) => f === 'hris:payroll'), (a) => a.traits.has('directory-lookups') || a.legacy.includes('wh:hr_marts'));
  sel['lateral-movement'] = choose(need('lateral-movement'), () => true, (a) => a.legacy.length > 0);
  sel['off-hours-use'] = choose(need('off-hours-use'), (a, h) => a.kind !== 'service' && h.localNight < h.n * 0.01 && h.weekendN < h.n * 0.03);
  sel['retired-in-use'] = choose(need('retired-in-use'), () => true, (a) => a.kind !== 'employee');
  sel['suspended-in-use'] = choose(need('suspended-in-use'), () => true, (a) => a.kind !== 'service');
  sel['two-networks'] = choose(need('two-networks'), (a, h) => h.n > 200);
  sel['slow-exfiltration'] = choose(need('slow-exfiltration'), (a, h) => h.famsSorted.some(([, s]) => s.reads > 20) && new Set(a.out.filter((e) => e.at >= C.evalFrom).map((e) => Math.floor((e.at - C.start) / DAY))).size >= 5);
  sel['probing'] = choose(need('probing'), () => true);
  sel['rate-flood'] = choose(need('rate-flood'), (a, h) => h.peakHour >= 5);
  const atkEvents = [];
  const list = [];
  for (const kind of ATTACK_KINDS) (sel[kind] || []).forEach((v, i) => {
    const ar = stream(seed, `attack:${kind}:${i}:${v.idx}`);
    const h = H.get(v);
    const evs = [];
    const ctx = { v, h, r: ar, C, evs, E, tz: tzOf(v), evalEvents, status: statusOut };
    ATTACKS[kind](ctx, i);
    const inWin = evs.filter((e) => e.at >= C.evalFrom && e.at < C.end);
    if (!inWin.length) return;
    inWin.sort((x, y) => x.at - y.at);
    list.push({ kind, agent: v.id, start: inWin[0].at, end: inWin[inWin.length - 1].at });
    atkEvents.push(...inWin);
  });
  return { list, atkEvents };
}

// helpers for attacks
function aEv(ctx, at, fam, action, ip, opts = {}) {
  const { v, r, evs } = ctx;
  const collection = COLLECTION.has(action) || opts.collection;
  const resource = collection ? fam : (action === 'create' || action === 'write' && r.chance(0.5) ? `${fam}/${FAMS[fam][1]}-${r.int(1000000, 9999999)}` : `${fam}/${FAMS[fam][1]}-${r.int(10000, 999999)}`);
  let decision = 'allow', code = opts.code || null;
  if (!code) { const g = v.ent.get(fam); if (g === undefined || g > at) code = 'ERR_NOT_ENTITLED'; }
  if (code) decision = 'deny';
  evs.push(makeEvent(at, v.id, fam, resource, action, ip, decision, code, opts.records));
}
// a time near a victim's benign activity within [t0,t1) (jittered); uniform if none
function activeTime(ctx, t0, t1, pool) {
  const { r } = ctx; const p = pool || ctx.evalEvents(ctx.v, t0, t1);
  if (!p.length) return null;
  const e = p[Math.floor(r.f() * p.length)];
  return Math.min(t1 - 1, Math.max(t0, e.at + r.int(-600, 600) * SEC));
}
function usualRead(ctx, fam) {
  const s = ctx.h.fams.get(fam); const recs = s ? s.recs : [];
  const listy = s && s.reads && s.lists / s.reads > 0.5;
  const verb = listy ? ([...ctx.h.acts.keys()].find((x) => COLLECTION.has(x)) || 'list') : 'read';
  return { verb, rec: median(recs), p95: pctl(recs, 0.95), listy };
}
const topIp = (ctx) => ctx.h.topIps[0] || '10.0.0.1';
const wIp = (ctx) => { const { h, r } = ctx; const tot = h.n; let x = r.f() * tot; for (const [ip, n] of h.ips) { x -= n; if (x < 0) return ip; } return topIp(ctx); };
function busyWindow(ctx, dayFrom, dayTo, hours = 2) {
  // find a window in eval days where the victim is active (its busiest benign hour), random among good ones
  const { v, r, C } = ctx; const cand = [];
  for (let d = dayFrom; d <= dayTo; d++) {
    const evs = ctx.evalEvents(v, C.start + d * DAY, C.start + (d + 1) * DAY);
    if (evs.length < 10) continue;
    const e = evs[Math.floor(r.f() * evs.length)];
    cand.push(e.at);
  }
  if (!cand.length) return C.evalFrom + (2 + r.f()) * DAY;
  void hours; return r.pick(cand);
}

const ATTACKS = {
  'slow-exfiltration'(ctx, i) {
    const { h, r, C } = ctx;
    const readFams = h.famsSorted.filter(([, s]) => s.reads > 0);
    let fam;
    if (i % 2 === 0) fam = readFams[0][0];
    else { const light = readFams.filter(([, s]) => s.n < h.n * 0.12 && s.reads >= 3); fam = (light.length ? light[Math.floor(r.f() * light.length)] : readFams[readFams.length - 1])[0]; }
    const u = usualRead(ctx, fam);
    const s = h.fams.get(fam);
    // the ramp advances over the victim's own active 6-hour buckets (it pauses when the victim is idle)
    const B = 6 * HOUR;
    const bucketsOf = (t0, t1) => { const m = new Map(); for (const e of ctx.v.out) if (e.at >= t0 && e.at < t1) { const b = Math.floor((e.at - C.start) / B); m.set(b, (m.get(b) || 0) + 1); } return [...m.entries()].filter(([, n]) => n >= 3).map(([b]) => b).sort((x, y) => x - y); };
    const hb = Math.max(1, bucketsOf(C.start, C.evalFrom).length);
    const perBucket = Math.max(1.5, s.reads / hb);
    const t0 = C.evalFrom + (0.1 + r.f() * 0.4) * DAY;
    const eb = bucketsOf(t0, C.end - HOUR);
    const ips = h.topIps.slice(0, 2);
    const nb = eb.length;
    eb.forEach((b, j) => {
      const level = Math.pow(1.2, 17 * (j + 1) / nb);
      const ws = Math.max(t0, C.start + b * B), we = Math.min(C.end - HOUR, C.start + (b + 1) * B);
      const pool = ctx.evalEvents(ctx.v, ws, we);
      const n = r.poisson(perBucket * (level - 1) * (i === 2 ? 0.5 : 1));
      for (let k = 0; k < n; k++) {
        const at = activeTime(ctx, ws, we, pool);
        const rec = i === 2 ? Math.max(1, Math.round(u.rec * Math.sqrt(level) * r.logn(0, 0.2))) : Math.max(1, Math.round(u.rec * r.logn(0, 0.3)));
        aEv(ctx, at, fam, u.verb, r.pick(ips), { records: rec, collection: u.listy || i === 3 });
      }
    });
  },
  'suspended-in-use'(ctx, i) { statusAttack(ctx, i, 'suspended', 'ERR_VC_SUSPENDED'); },
  'retired-in-use'(ctx, i) { statusAttack(ctx, i, 'retired', 'ERR_VC_REVOKED'); },
  'lateral-movement'(ctx, i) {
    const { v, h, r, C } = ctx;
    const own = new Set(h.fams.keys());
    const foreign = FAM_LIST.filter((f) => famSeg(f) !== v.segment && !own.has(f) && f !== 'kb:articles');
    const legacy = v.legacy.filter((f) => !own.has(f));
    let targets;
    if (i === 0 && legacy.length) targets = [...legacy, ...r.shuffle(foreign.filter((f) => !legacy.includes(f))).slice(0, 1)];
    else { const seg = r.pick([...new Set(foreign.map(famSeg))]); targets = foreign.filter((f) => famSeg(f) === seg).slice(0, 3); if (legacy.length) targets.push(legacy[0]); targets.push(r.pick(foreign)); }
    targets = [...new Set(targets)];
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const dur = i === 2 ? (6 + r.f() * 4) * HOUR : (1 + r.f() * 2) * HOUR;
    const n = i === 2 ? r.int(25, 40) : r.int(30, 70);
    const pool = ctx.evalEvents(v, t0 - HOUR, t0 + dur);
    const ip = wIp(ctx);
    for (let j = 0; j < n; j++) {
      const at = (i === 2 && pool.length) ? activeTime(ctx, t0, t0 + dur, pool) : t0 + r.f() * dur;
      const fam = r.pick(targets);
      const lst = r.chance(0.4);
      aEv(ctx, at, fam, lst ? 'list' : 'read', ip, { records: lst ? r.int(20, 200) : r.int(1, 3) });
    }
  },
  'hr-grab'(ctx, i) {
    const { v, r } = ctx;
    const fams = v.legacy.includes('wh:hr_marts') ? ['wh:hr_marts', 'hris:employees'] : i % 2 === 0 ? ['hris:employees', 'hris:employees', 'hris:payroll'] : ['hris:employees', 'hris:reviews', 'hris:payroll'];
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const slow = i % 2 === 0;
    const dur = slow ? (4 + r.f() * 3) * HOUR : (15 + r.f() * 20) * MIN;
    const n = slow ? r.int(30, 55) : r.int(25, 45);
    const ip = wIp(ctx);
    const pool = ctx.evalEvents(v, t0, t0 + dur);
    for (let j = 0; j < n; j++) {
      const at = slow && pool.length > 5 ? activeTime(ctx, t0, t0 + dur, pool) : t0 + r.f() * dur;
      const fam = r.pick(fams);
      const lst = r.chance(slow ? 0.6 : 0.85);
      aEv(ctx, at, fam, lst ? (fam.startsWith('wh:') ? 'query' : 'list') : 'read', ip, { records: lst ? r.int(50, 500) : 1 });
    }
  },
  'bulk-read'(ctx, i) {
    const { h, r, v } = ctx;
    const wh = h.famsSorted.filter(([f, s]) => f.startsWith('wh:') && s.reads > 10);
    const [fam] = wh[i % wh.length] || wh[0];
    const u = usualRead(ctx, fam);
    const base = Math.max(u.p95, u.rec, 50);
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const dur = (30 + r.f() * 60) * MIN; const n = r.int(10, 30);
    const mult = [20, 40, 60, 100][i % 4];
    const ip = wIp(ctx);
    for (let j = 0; j < n; j++) aEv(ctx, t0 + r.f() * dur, fam, u.verb === 'read' ? 'list' : u.verb, ip, { records: Math.round(base * mult * r.logn(0, 0.3)), collection: true });
    void v;
  },
  probing(ctx, i) {
    const { v, h, r } = ctx;
    const own = [...h.fams.keys()];
    const foreign = r.shuffle(FAM_LIST.filter((f) => !v.ent.has(f)));
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const slow = i >= 2;
    const dur = slow ? (100 + r.f() * 40) * MIN : (5 + r.f() * 10) * MIN;
    const n = slow ? r.int(25, 45) : r.int(40, 80);
    const targets = foreign.slice(0, slow ? 20 : r.int(10, 16));
    const ip = i === 1 ? ip4(r.pick(['45.155.205', '185.220.101', '194.26.29']), r) : wIp(ctx);
    let t = t0;
    for (let j = 0; j < n; j++) {
      t += slow ? (dur / n) * (0.5 + r.f()) : (dur / n) * (0.3 + r.f() * 1.4);
      if (r.chance(0.15) && own.length) { aEv(ctx, t, r.pick(own), 'read', ip, { records: 1 }); continue; }
      if (i === 3 && r.chance(0.3) && own.length) { aEv(ctx, t, r.pick(own), r.pick(['delete', 'export', 'admin']), ip, { code: 'ERR_CONSTRAINT' }); continue; }
      aEv(ctx, t, r.pick(targets), r.pick(['read', 'list', 'read', 'search']), ip, { records: 1 });
    }
  },
  'two-networks'(ctx, i) {
    const { v, h, r } = ctx;
    let ip;
    if (v.kind === 'company') { const pre = VENDORS[v.vendor][0].split('.'); ip = `${pre[0]}.${pre[1]}.${r.int(150, 250)}.${r.int(2, 250)}`; }
    else if (v.kind === 'service') ip = ip4(r.pick(['34.89', '35.198', '52.14']), r);
    else ip = i % 2 === 0 ? ip4(r.pick(['81.2', '95.91', '190.12', '41.66']), r) : ip4(r.pick(['45.86', '159.65', '167.99']), r);
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const dur = (1 + r.f() * 2) * HOUR;
    const pool = ctx.evalEvents(v, t0 - HOUR, t0 + dur);
    const rate = Math.max(15, Math.min(120, pool.length * 0.5));
    const n = r.int(Math.round(rate * 0.7), Math.round(rate * 1.3));
    const acts = [...h.acts.entries()];
    for (let j = 0; j < n; j++) {
      const fam = r.wpick(h.famsSorted.map(([f, s]) => [f, s.n]));
      const act = r.wpick(acts); const u = usualRead(ctx, fam);
      aEv(ctx, t0 + r.f() * dur, fam, act, ip, { records: READS.has(act) ? Math.max(1, Math.round(u.rec * r.logn(0, 0.4))) : null });
    }
  },
  'off-hours-use'(ctx, i) {
    const { v, h, r, C, tz } = ctx;
    let t0, dur;
    if (i === 2) { let d = ctx.E; for (let k = ctx.E; k < ctx.E + 7; k++) if (C.day(k).dow === 6) { d = k; break; } t0 = C.t(d, 11 + r.f() * 3, tz); dur = (1 + r.f() * 2) * HOUR; }
    else if (i === 3) { let d = -1; for (let k = ctx.E; k < ctx.E + 7; k++) if (C.day(k).hol.has(v.region)) d = k; if (d < 0) for (let k = ctx.E; k < ctx.E + 7; k++) if (C.day(k).dow === 0) d = k; t0 = C.t(d, 2 + r.f() * 2, tz); dur = (40 + r.f() * 60) * MIN; }
    else { t0 = C.t(ctx.E + 1 + r.int(0, 3), 2 + r.f() * 1.5, tz); dur = (30 + r.f() * 60) * MIN; }
    const n = r.int(20, 60);
    const ip = i === 1 ? ip4(r.pick(['45.86', '92.118', '185.107']), r) : wIp(ctx);
    for (let j = 0; j < n; j++) {
      const fam = r.wpick(h.famsSorted.slice(0, 4).map(([f, s]) => [f, s.n]));
      const u = usualRead(ctx, fam); const act = r.chance(0.85) ? u.verb : (r.wpick([...h.acts.entries()]));
      aEv(ctx, t0 + r.f() * dur, fam, act, ip, { records: READS.has(act) ? Math.max(1, Math.round(u.rec * r.logn(0, 0.5))) : null });
    }
  },
  'rate-flood'(ctx, i) {
    const { v, h, r } = ctx;
    const mult = [10, 25, 50][i % 3];
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const dur = (20 + r.f() * 25) * MIN;
    const n = Math.round(h.peakHour * mult * dur / HOUR);
    const denyP = mult >= 50 ? 0.6 : mult >= 25 ? 0.4 : 0.15;
    const fam = h.famsSorted[0][0]; const u = usualRead(ctx, fam);
    const ip = wIp(ctx);
    for (let j = 0; j < n; j++) {
      const at = t0 + r.f() * dur;
      if (r.chance(denyP * Math.min(1, (at - t0) / (5 * MIN)))) aEv(ctx, at, fam, u.verb, ip, { code: 'ERR_RATE_LIMITED' });
      else aEv(ctx, at, r.chance(0.8) ? fam : h.famsSorted[Math.min(1, h.famsSorted.length - 1)][0], u.verb, ip, { records: u.rec });
    }
    void v;
  },
  'new-action'(ctx, i) {
    const { v, h, r } = ctx;
    const t0 = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
    const dur = (40 + r.f() * 80) * MIN;
    const n = r.int(12, 40);
    const fams = h.famsSorted.slice(0, 3).map(([f]) => f);
    const verbs = i === 0 ? [['delete', 3], ['write', 1]] : i === 1 ? [['update', 2], ['write', 2], ['delete', 1]] : [['write', 3], ['delete', 2]];
    const pool = ctx.evalEvents(v, t0, t0 + dur);
    const ip = wIp(ctx);
    for (let j = 0; j < n; j++) {
      const at = pool.length > 5 ? activeTime(ctx, t0, t0 + dur, pool) : t0 + r.f() * dur;
      aEv(ctx, at, r.pick(fams), r.wpick(verbs), ip, r.chance(0.1) ? { code: 'ERR_CONSTRAINT' } : {});
    }
  },
};
function statusAttack(ctx, i, status, code) {
  const { v, h, r, C } = ctx;
  const T = busyWindow(ctx, ctx.E + 1, ctx.E + 5);
  ctx.status.push({ agent: v.id, status, at: Math.floor(T) });
  const fams = h.famsSorted.slice(0, 4).map(([f, s]) => [f, s.n]);
  const acts = [...h.acts.entries()];
  let ip = wIp(ctx);
  if (i === 3) ip = v.kind === 'service' ? ip4(`${v.cluster}.${r.int(64, 127)}`, r) : ip4(r.pick(['45.86', '5.188', '91.219']), r);
  let n, dur, allowFor;
  if (i === 0) { n = r.int(30, 60); dur = (1.5 + r.f()) * HOUR; allowFor = (15 + r.f() * 20) * MIN; }
  else if (i === 1) { n = r.int(12, 30); dur = (30 + r.f() * 40) * MIN; allowFor = 0; }
  else if (i === 2) { n = r.int(15, 30); dur = (14 + r.f() * 8) * HOUR; allowFor = dur; }
  else { n = r.int(20, 40); dur = (2 + r.f() * 2) * HOUR; allowFor = 40 * MIN; }
  const cachedSystem = r.pick(fams)[0].split(':')[0];
  for (let j = 0; j < n; j++) {
    const at = T + (5 + r.f() * (dur / SEC)) * SEC;
    const fam = r.wpick(fams); const act = r.wpick(acts); const u = usualRead(ctx, fam);
    const stale = at - T < allowFor && (i !== 2 || fam.split(':')[0] === cachedSystem);
    if (at >= C.end) continue;
    aEv(ctx, at, fam, act, ip, stale ? { records: READS.has(act) ? u.rec : null } : { code });
  }
}

// ---------------------------------------------------------------- main
export function generateWeek({ seed = 1, agents = 150, historyDays = 7, days = 7, attacks = true, start = Date.UTC(2026, 10, 16), scale = 1 } = {}) {
  const total = historyDays + days;
  const evalFrom = start + historyDays * DAY, end = evalFrom + days * DAY;
  const C = { seed, start, end, evalFrom, hist: historyDays, total, scale, day: calendar(start, total), t: (d, h, tz) => start + d * DAY + (h - tz) * HOUR };
  const fleet = buildFleet(seed, agents, C);
  const { grants, status } = planSpecials(fleet, C, seed);
  for (const a of fleet) {
    if (a.kind === 'employee') genEmployee(a, C); else if (a.kind === 'company') genBot(a, C); else genService(a, C);
    a.out.sort((x, y) => x.at - y.at);
  }
  let benign = [];
  for (const a of fleet) for (const e of a.out) benign.push(e);
  benign.sort((x, y) => x.at - y.at);
  const statusChanges = status.slice();
  let attackList = [], events = benign;
  if (attacks) {
    const { list, atkEvents } = generateAttacks(fleet, C, seed, statusChanges);
    attackList = list;
    atkEvents.sort((x, y) => x.at - y.at);
    events = new Array(benign.length + atkEvents.length);
    let i = 0, j = 0, k = 0;
    while (i < benign.length || j < atkEvents.length) {
      if (j >= atkEvents.length || (i < benign.length && benign[i].at <= atkEvents[j].at)) events[k++] = benign[i++]; else events[k++] = atkEvents[j++];
    }
  }
  statusChanges.sort((x, y) => x.at - y.at);
  grants.sort((x, y) => x.at - y.at);
  const agentsOut = fleet.map((a) => ({ id: a.id, kind: a.kind, profile: a.profile, segment: a.segment, region: a.region, team: a.team, role: a.role, entitled: [...a.ent.entries()].filter(([, t]) => t === -Infinity).map(([f]) => f), traits: [...a.traits] }));
  for (const a of fleet) a.out = null;
  return { events, evalFrom, end, start, attacks: attackList, statusChanges, grants, agents: agentsOut };
}

// ---------------------------------------------------------------- CLI
import { fileURLToPath } from 'node:url';
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2); const opt = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--no-attacks') opt.attacks = false;
    else if (a === '--seed') opt.seed = Number(args[++i]);
    else if (a === '--agents') opt.agents = Number(args[++i]);
    else if (a === '--scale') opt.scale = Number(args[++i]);
    else if (a === '--days') opt.days = Number(args[++i]);
    else if (a === '--history') opt.historyDays = Number(args[++i]);
  }
  const t0 = Date.now();
  const w = generateWeek(opt);
  const out = process.stdout; let buf = [];
  const flush = () => { if (buf.length) { out.write(buf.join('\n') + '\n'); buf = []; } };
  for (const e of w.events) { buf.push(JSON.stringify(e)); if (buf.length >= 5000) flush(); }
  flush();
  const kinds = {}; for (const a of w.agents) kinds[a.kind] = (kinds[a.kind] || 0) + 1;
  process.stderr.write(`workload-d seed=${opt.seed ?? 1} agents=${w.agents.length} ${JSON.stringify(kinds)} events=${w.events.length} attacks=${w.attacks.length} grants=${w.grants.length} statusChanges=${w.statusChanges.length} in ${Date.now() - t0}ms\n`);
}
