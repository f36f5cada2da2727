import assert from 'node:assert/strict'
import { AnomalyDetector, BASELINE_CAPS, Corroboration, type Anomaly } from '@agentid/issuer'
import { graded } from './support/graded.js'
// @ts-expect-error: a plain ES module script, typed by use
import { evaluateSeed, unmetTargets } from '../../../scripts/anomaly-eval.mjs'

interface EvalResult { misses: unknown[]; falsePositives: unknown[]; slowDriftHours: number }

describe('anomaly detection over a realistic fortnight (issue 21)', function () {
  this.timeout(120_000)

  // One seed at a quarter of the activity (the patterns and the 42 attacks stay): simulated time,
  // seeded randomness, nothing measured by the wall clock. `npm run eval:anomaly` runs full size.
  it('meets the targets on seed 2 at reduced size: caused recall >= 90% (every kind >= 75%), benign alerted <= 2%, high on benign <= 0.5%, median time to alert < 5 min', () => {
    const r = evaluateSeed(AnomalyDetector, { seed: 2, scale: 0.25 }) as EvalResult
    const unmet = unmetTargets(r).filter((t: string) => !t.startsWith('slow drift'))
    assert.deepEqual(unmet, [], JSON.stringify({ misses: r.misses, falsePositives: r.falsePositives }))
    // At a quarter of the activity a victim reads the drained family four times less often, so
    // the drift adds up more slowly than at full size (under 24 h on nine of ten seeds, see
    // docs/monitoring-history.md); here it must still come within two days.
    assert.ok(r.slowDriftHours < 48, `slow drift median ${r.slowDriftHours} h`)
  })

  // Each event reported by the verifier that decided it, as deployed: a group change is then
  // excused only as each reporter saw it (a team mate's first use counts to its own reporter).
  it('meets the same targets with each event reported by the verifier that decided it', () => {
    const r = evaluateSeed(AnomalyDetector, { seed: 2, scale: 0.25, reporters: 'verifier' }) as EvalResult
    const unmet = unmetTargets(r).filter((t: string) => !t.startsWith('slow drift'))
    assert.deepEqual(unmet, [], JSON.stringify({ misses: r.misses, falsePositives: r.falsePositives }))
  })
})

describe('anomaly detection: context, learning, controls', () => {
  const base = Date.UTC(2026, 10, 2, 10)
  const MINUTE = 60_000
  const ev = (agent: string, i: number, fields: Record<string, unknown> = {}) => ({ at: base + i * MINUTE, agent, decision: 'allow' as const, resource: 'db:a/1', action: 'read', ip: '10.0.0.1', ...fields })
  const warm = (d: AnomalyDetector, agent: string, n = 10) => { for (let i = 0; i < n; i++) d.observe(ev(agent, i)) }

  it('a recently granted entitlement explains first use; one held for long and used by no peer does not; none at all is high', () => {
    const grants = new Map([['db:a', base - 90 * 86_400_000], ['crm:new', base], ['hr:old', base - 90 * 86_400_000]])
    // Said at once (no hold for the group: that is anomaly-groups.test.ts's).
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, holdMinutes: 0, context: () => ({ groups: ['team:x'], entitlements: grants }) })
    warm(d, 'did:key:z6Mka')
    assert.deepEqual(d.observe(ev('did:key:z6Mka', 20, { resource: 'crm:new/1' })), [], 'newly granted')
    assert.deepEqual(d.observe(ev('did:key:z6Mka', 21, { resource: 'hr:old/1' })).map((a) => [a.kind, a.severity]), [['new-resource', 'medium']])
    assert.deepEqual(d.observe(ev('did:key:z6Mka', 22, { resource: 'payroll:x/1' })).map((a) => [a.kind, a.severity]), [['new-resource', 'high']])
  })

  it("a peer's use of the same day is no habit yet (said low); a suspended agent in use is always reported", () => {
    let status: 'active' | 'suspended' = 'active'
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context: () => ({ groups: ['team:x'], status }) })
    warm(d, 'did:key:z6Mka')
    warm(d, 'did:key:z6Mkb')
    d.observe(ev('did:key:z6Mka', 20, { ip: '10.9.9.1' }))
    // A peer's use of the same day is no habit yet (one made-up event must not excuse a thief's
    // use): the new network is said, `low`, and nothing more.
    assert.deepEqual(d.observe(ev('did:key:z6Mkb', 21, { ip: '10.9.9.2' })).map((a) => [a.kind, a.severity]), [['new-network', 'low']], 'the team took up the new network the same day')
    status = 'suspended'
    assert.deepEqual(d.observe(ev('did:key:z6Mkb', 22)).map((a) => [a.kind, a.severity]), [['suspended-agent', 'critical']])
    // Refused for its status: from its own network, its software retrying (low, an alert still);
    // from elsewhere, someone else may hold its credential (medium; high once it asks for more than
    // a retry: anomaly-blocked-use.test.ts).
    const refused = { decision: 'deny', code: 'ERR_VC_SUSPENDED' }
    assert.deepEqual(d.observe(ev('did:key:z6Mkb', 23, refused)).map((a) => [a.kind, a.severity, a.details.ownNetwork]), [['suspended-agent', 'low', true]])
    assert.deepEqual(d.observe(ev('did:key:z6Mkb', 24, { ...refused, ip: '34.12.9.1' })).map((a) => [a.kind, a.severity]), [['suspended-agent', 'medium']])
  })

  it('a refused use of a suspended agent is its own retrying only from a network it has long used', () => {
    // Each case on a fresh detector (one incident is said once): the agent's own network since
    // learning, one it used once minutes before, and no address at all.
    const refusedFrom = (ip: string | undefined) => {
      let status: 'active' | 'suspended' = 'active'
      const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context: () => ({ groups: ['team:x'], status }) })
      warm(d, 'did:key:z6Mkb')
      d.observe(ev('did:key:z6Mkb', 20, { ip: '10.9.9.3' }))
      status = 'suspended'
      return d.observe(ev('did:key:z6Mkb', 22, { decision: 'deny', code: 'ERR_VC_SUSPENDED', ip })).map((a) => `${a.kind}/${a.severity}`)
    }
    assert.deepEqual(refusedFrom('10.0.0.7'), ['suspended-agent/low'], 'its own network')
    assert.deepEqual(refusedFrom('10.9.9.3'), ['suspended-agent/medium'], 'a network it used once, minutes ago')
    assert.deepEqual(refusedFrom(undefined), ['suspended-agent/medium'], 'no address: nothing says it is its own')
  })

  it('a retired agent in use: allowed, critical; refused from its own network (a decommissioned job\'s cron), low; from elsewhere, medium', () => {
    const use = (fields: Record<string, unknown>) => {
      let status: 'active' | 'retired' = 'active'
      const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context: () => ({ groups: ['team:x'], status }) })
      warm(d, 'did:key:z6Mkb')
      status = 'retired'
      return d.observe(ev('did:key:z6Mkb', 22, fields)).map((a) => `${a.kind}/${a.severity}`)
    }
    const refused = { decision: 'deny', code: 'ERR_VC_REVOKED' }
    assert.deepEqual(use({}), ['retired-agent/critical'], 'allowed by a verifier with a stale status list')
    assert.deepEqual(use({ ...refused, ip: '10.0.0.7' }), ['retired-agent/low'], 'its own network')
    assert.deepEqual(use({ ...refused, ip: '34.12.9.1' }), ['retired-agent/medium'], 'elsewhere')
  })

  // Workload-i: a field adjuster working from the car, handed another /24 of its mobile carrier's
  // /16 at each session, loses the phone; its sync, refused from yet another /24 of that pool,
  // was said high, as if someone elsewhere held the credential.
  it("a suspended phone refused from its carrier's pool (two public /24s of a /16 it was allowed from, each known for more than a day) is its own retrying; one /24, one of minutes, only refused, or private is elsewhere", () => {
    const DAY_MINUTES = 24 * 60
    // Each use: its minute, whether allowed, and the /24 of the /16 it came from (or an address).
    const refusedFromPool = (uses: Array<[minute: number, decision: 'allow' | 'deny', subnet: number | string]>, block = '37.228', refusedAt = 5 * DAY_MINUTES) => {
      let status: 'active' | 'suspended' = 'active'
      const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context: () => ({ groups: ['team:x'], status }) })
      warm(d, 'did:key:z6Mkb')
      for (const [minute, decision, subnet] of uses) d.observe(ev('did:key:z6Mkb', minute, { ip: typeof subnet === 'string' ? subnet : `${block}.${subnet}.7`, decision, ...(decision === 'deny' ? { code: 'ERR_CONSTRAINT' } : {}) }))
      status = 'suspended'
      return d.observe(ev('did:key:z6Mkb', refusedAt, { decision: 'deny', code: 'ERR_VC_SUSPENDED', ip: `${block}.99.7` })).map((a) => `${a.kind}/${a.severity}${a.details.ownNetwork ? ' (own)' : ''}`)
    }
    // A carrier's address of another /24 on each of three afternoons (the last day's, the day its
    // phone was lost, counts for nothing: its /24 was not known a day before its last use).
    const afternoon = (day: number) => day * DAY_MINUTES + 14 * 60
    assert.deepEqual(refusedFromPool([[afternoon(0), 'allow', 10], [afternoon(2), 'allow', 12], [afternoon(4), 'allow', 14]]), ['suspended-agent/low (own)'], 'its carrier pool, /24s days apart')
    assert.deepEqual(refusedFromPool([[afternoon(2), 'allow', 12]]), ['suspended-agent/medium'], 'one /24 of one day')
    // From an adversarial review: a campus's or a cloud region's /16 is many people's; and two
    // UTC days can be ten minutes apart.
    assert.deepEqual(refusedFromPool([[afternoon(0), 'allow', 11], [afternoon(2), 'allow', 11]]), ['suspended-agent/medium'], 'one /24 of the /16 alone, on two days')
    assert.deepEqual(refusedFromPool([[DAY_MINUTES + 23 * 60 + 55, 'allow', 10], [2 * DAY_MINUTES + 5, 'allow', 12], [afternoon(4), 'allow', '10.0.0.1']]), ['suspended-agent/medium'], 'two /24s either side of midnight')
    // A second review: the owner's home /24 over days, and a thief's one request from another /24
    // of its ISP's /16 ten minutes before the suspension.
    assert.deepEqual(refusedFromPool([[afternoon(0), 'allow', 10], [afternoon(1), 'allow', 10], [5 * DAY_MINUTES - 10, 'allow', 200]]), ['suspended-agent/medium'], "a thief's /24 of minutes beside the owner's")
    // A third: and refused a day later still (the thief's request a day old by then).
    assert.deepEqual(refusedFromPool([[afternoon(0), 'allow', 10], [afternoon(1), 'allow', 10], [5 * DAY_MINUTES - 10, 'allow', 200]], '37.228', 6 * DAY_MINUTES + 60), ['suspended-agent/medium'], "a thief's /24 of minutes beside the owner's, a day later")
    assert.deepEqual(refusedFromPool([[afternoon(0), 'allow', 10], [afternoon(2), 'deny', 12], [afternoon(4), 'allow', 14]]), ['suspended-agent/medium'], 'the second /24 only refused')
    // The organisation's private /16s are everyone's: another subnet of them may be an insider's.
    assert.deepEqual(refusedFromPool([[afternoon(0), 'allow', 10], [afternoon(2), 'allow', 12], [afternoon(4), 'allow', 14]], '10.40'), ['suspended-agent/medium'], 'another subnet of a private /16')
  })

  it('the use of a suspended agent is no evidence for anything else, nor raised by it: resumed, its next finding is judged alone', () => {
    let status: 'active' | 'suspended' = 'active'
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, holdMinutes: 0, context: () => ({ groups: ['team:x'], status }) })
    warm(d, 'did:key:z6Mkb')
    // A finding before the suspension (what suspended it): its retries from its own network stay low.
    d.observe(ev('did:key:z6Mkb', 19, { resource: 'hr:x/1', decision: 'deny', code: 'ERR_NOT_ENTITLED' }))
    status = 'suspended'
    const retries = [20, 25, 30, 60, 90].flatMap((i) => d.observe(ev('did:key:z6Mkb', i, { decision: 'deny', code: 'ERR_VC_SUSPENDED' })))
    assert.deepEqual([...new Set(retries.map((a) => `${a.kind}/${a.severity}`))], ['suspended-agent/low'])
    // Resumed more than an hour after that finding: a refused reach by one verifier (its second
    // within the day: the first alone is low) is medium, not raised by its retries of the last hour.
    status = 'active'
    const after = d.observe(ev('did:key:z6Mkb', 95, { resource: 'payroll:y/1', decision: 'deny', code: 'ERR_NOT_ENTITLED' })).filter((a) => a.kind === 'new-resource').map((a) => [a.severity, a.details.corroboratedBy])
    assert.deepEqual(after, [['medium', undefined]])
  })

  it('feedback teaches: a finding acknowledged as benign is learned, not said again', () => {
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0 })
    warm(d, 'did:key:z6Mka')
    assert.equal(d.observe(ev('did:key:z6Mka', 20, { resource: 'hr:x/1' }))[0]?.kind, 'new-resource')
    assert.equal(d.teach('did:key:z6Mka', 'new-resource', 'hr:x'), true)
    assert.deepEqual(d.observe(ev('did:key:z6Mka', 40, { resource: 'hr:x/2' })), [])
    assert.equal(d.teach('did:key:z6Mknobody', 'new-resource', 'hr:x'), false)
  })

  it('sensitivity 0 turns a kind off; a suppressed finding is held back and is no evidence', () => {
    const quiet = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, sensitivity: { 'new-resource': 0 } })
    warm(quiet, 'did:key:z6Mka')
    assert.deepEqual(quiet.observe(ev('did:key:z6Mka', 20, { resource: 'hr:x/1' })), [])
    const suppressed = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, suppressed: (_agent, kind, about) => kind === 'new-resource' && about === 'hr:x' })
    warm(suppressed, 'did:key:z6Mka')
    const [f] = suppressed.inspect(ev('did:key:z6Mka', 20, { resource: 'hr:x/1' }))
    assert.deepEqual([f?.kind, f?.reported, f?.suppressed, f?.evidence], ['new-resource', false, true, []])
  })

  it('baselines survive a restart: what was learned is written as JSON rows and read back; damaged rows are skipped', () => {
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context: () => ({ groups: ['team:x'] }) })
    warm(d, 'did:key:z6Mka')
    const rows = d.takeDirty()
    assert.deepEqual(rows.map((r) => r.key).sort(), ['agent:did:key:z6Mka', 'group:team:x'])
    assert.deepEqual(d.takeDirty(), [], 'nothing changed since')
    const restarted = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context: () => ({ groups: ['team:x'] }) })
    assert.equal(restarted.load([...rows, { key: 'agent:did:key:z6Mkbad', state: '{"v":1,' }, { key: 'other', state: '{}' }]), 2)
    assert.deepEqual(restarted.observe(ev('did:key:z6Mka', 30)), [], 'not learning again, and nothing new')
    // (Held for its groups: a finding, said when the hold is over.)
    assert.equal(restarted.inspect(ev('did:key:z6Mka', 31, { resource: 'hr:x/1' }))[0]?.kind, 'new-resource', 'judged at once: the learning period is over')
  })
})

describe('anomaly detection: the new checks, one by one', () => {
  const HOUR = 3_600_000
  const t0 = Date.UTC(2026, 10, 2, 0)
  const kinds = (found: ReadonlyArray<{ kind: string }>) => [...new Set(found.map((a) => a.kind))]
  // Three days of a service reading one family every ten minutes, 100 records give or take, from one network.
  function history(d: AnomalyDetector, agent: string, records = (i: number) => 100 * (1 + 0.3 * Math.sin(i))) {
    let i = 0
    for (let at = t0; at < t0 + 72 * HOUR; at += 600_000, i++) d.observe({ at, agent, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: `10.0.0.${1 + (i % 200)}`, records: Math.round(records(i)) })
    return t0 + 72 * HOUR
  }

  it('probing: refusals across families and actions; a burst of one kind of refusal is only a burst', () => {
    const d = new AnomalyDetector()
    const at = history(d, 'did:key:z6Mkp')
    const probe = [...Array(10).keys()].flatMap((i) => d.observe({ at: at + i * 20_000, agent: 'did:key:z6Mkp', decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${['hr:x', 'pay:y', 'ops:z'][i % 3]}/1`, action: ['read', 'write', 'delete'][i % 3]!, ip: '10.0.0.1' }))
    assert.ok(kinds(probe).includes('probing'), kinds(probe).join())
    const d2 = new AnomalyDetector()
    const at2 = history(d2, 'did:key:z6Mkq')
    const retries = [...Array(12).keys()].flatMap((i) => d2.observe({ at: at2 + i * 3000, agent: 'did:key:z6Mkq', decision: 'deny', code: 'ERR_VC_EXPIRED', resource: 'db:a/1', action: 'read', ip: '10.0.0.1' }))
    assert.deepEqual(retries.map((a) => [a.kind, a.severity]), [['denial-burst', 'medium']], 'an expired credential retried: medium, no probing')
  })

  it('two networks at once: a network first seen minutes after the usual one, back and forth', () => {
    const d = new AnomalyDetector()
    let at = history(d, 'did:key:z6Mkn')
    const found = []
    for (let i = 0; i < 6; i++) {
      at += 60_000
      found.push(...d.observe({ at, agent: 'did:key:z6Mkn', decision: 'allow', resource: 'db:a/1', action: 'read', ip: i % 2 ? '185.1.2.3' : '10.0.0.7', records: 100 }))
    }
    const two = found.filter((a) => a.kind === 'two-networks')
    assert.ok(two.some((a) => graded(a) === 'high'), JSON.stringify(found.map((a) => [a.kind, a.severity])))
    assert.deepEqual(two[0]?.details.newToIt, ['185.1.2'])
  })

  it('a bulk read is a jump for its family; a slow creep is a drift; a step of the whole level is learned, not alerted', () => {
    const jump = new AnomalyDetector()
    const at = history(jump, 'did:key:z6Mkj')
    const bulk = [0, 1].flatMap((i) => jump.observe({ at: at + i * 60_000, agent: 'did:key:z6Mkj', decision: 'allow', resource: 'db:a/9', action: 'read', ip: '10.0.0.1', records: 12_000 }))
    assert.deepEqual(kinds(bulk), ['records-jump'])
    assert.equal(graded(bulk.at(-1)!), 'high', 'over 100 times the level')

    const creep = new AnomalyDetector()
    let t = history(creep, 'did:key:z6Mkc')
    const drift = []
    // Every other read grows, 20% an hour: the ordinary ones keep the level where it was.
    for (let i = 0; i < 120 && drift.length === 0; i++) {
      t += 600_000
      const big = i % 2 === 1
      drift.push(...creep.observe({ at: t, agent: 'did:key:z6Mkc', decision: 'allow', resource: 'db:a/1', action: 'read', ip: '10.0.0.1', records: Math.round(big ? 100 * 1.2 ** (i / 6) : 100 * (1 + 0.3 * Math.sin(i))) }))
    }
    assert.deepEqual(kinds(drift), ['volume-drift'])
    assert.ok(Number(drift[0]!.details.records) < 2000, `caught before 20 times the level: ${String(drift[0]!.details.records)}`)

    const step = new AnomalyDetector()
    let s = history(step, 'did:key:z6Mks')
    const stepped = []
    for (let i = 0; i < 120; i++) {
      s += 600_000
      stepped.push(...step.observe({ at: s, agent: 'did:key:z6Mks', decision: 'allow', resource: 'db:a/1', action: 'read', ip: '10.0.0.1', records: Math.round(250 * (1 + 0.3 * Math.sin(i))) }))
    }
    assert.deepEqual(stepped, [], 'a report two and a half times bigger from one day on')
  })

  it('lateral movement: reaches into several unexplained families and segments within the hour', () => {
    const d = new AnomalyDetector({ context: () => ({ groups: ['team:x'], entitlements: new Map([['db:a', 0]]) }) })
    const at = history(d, 'did:key:z6Mkl')
    // (Findings: refused reaches are held for the agent's groups before they are said.)
    const found = ['hr:x', 'pay:y', 'ops:z'].flatMap((fam, i) => d.inspect({ at: at + i * 60_000, agent: 'did:key:z6Mkl', decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${fam}/1`, action: 'read', ip: '10.0.0.1', segment: fam.split(':')[0]! }))
    assert.ok(kinds(found).includes('lateral-movement'), kinds(found).join())
  })
})

describe('anomaly detection: checks on one event', () => {
  it('learns before it judges, and says each thing once per quiet period', () => {
    const detector = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0 })
    const base = Date.UTC(2026, 10, 2, 10)
    const ev = (i: number, resource: string) => ({ at: base + i * 60_000, agent: 'did:key:z6Mkx', decision: 'allow' as const, resource, ip: '10.0.0.1' })
    for (let i = 0; i < 5; i++) assert.deepEqual(detector.observe(ev(i, `db:a/${i}`)), [])
    const [first] = detector.observe(ev(6, 'hr:records/1'))
    assert.equal(first?.kind, 'new-resource')
    assert.equal(first?.severity, 'high')
    assert.deepEqual(detector.observe(ev(7, 'hr:records/2')), [], 'not twice within the quiet period')
    // ...but not learned either: after the quiet period it is still outside the baseline.
    assert.equal(detector.observe(ev(20, 'hr:records/3'))[0]?.kind, 'new-resource')
  })

  it('says an incident once: a finding that goes on is said again once an hour, with since when and how often; a new one after a quiet period', () => {
    const detector = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0 })
    const base = Date.UTC(2026, 10, 2, 10)
    const ev = (minute: number, resource: string) => ({ at: base + minute * 60_000, agent: 'did:key:z6Mkinc', decision: 'allow' as const, resource, ip: '10.0.0.1' })
    for (let i = 0; i < 5; i++) detector.observe(ev(i, `db:a/${i}`))
    // A reach for HR records every five minutes for two hours: said at once, then at each hour.
    const said: Array<[number, unknown, unknown]> = []
    for (let minute = 10; minute <= 130; minute += 5) {
      for (const a of detector.observe(ev(minute, `hr:records/${minute}`))) if (a.kind === 'new-resource') said.push([minute, a.details.ongoingSince, a.details.repeats])
    }
    assert.deepEqual(said, [[10, undefined, undefined], [70, base + 10 * 60_000, 11], [130, base + 10 * 60_000, 11]])
    // Quiet for the quiet period (10 minutes): the next one is a new incident.
    const again = detector.observe(ev(141, 'hr:records/141')).filter((a) => a.kind === 'new-resource')
    assert.deepEqual(again.map((a) => [a.severity, a.details.ongoingSince]), [['high', undefined]])
    // An incident kept going by one reporter (made-up events) does not cover another's: said at once.
    const decoyed = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0 })
    for (let i = 0; i < 5; i++) decoyed.observe(ev(i, `db:a/${i}`), { reporter: 'v-hr' })
    for (let minute = 10; minute <= 40; minute += 5) decoyed.observe(ev(minute, 'hr:records/1'), { reporter: 'v-evil' })
    const honest = decoyed.observe(ev(42, 'hr:records/2'), { reporter: 'v-hr' }).filter((a) => a.kind === 'new-resource')
    assert.deepEqual(honest.map((a) => [a.evidence, a.details.ongoingSince]), [[['v-hr'], base + 10 * 60_000]])
    assert.deepEqual(decoyed.observe(ev(44, 'hr:records/3'), { reporter: 'v-hr' }), [], 'then part of the incident')
    // Kept going by the other reporter every eight minutes, the verifier's own later findings, 25
    // minutes apart, are each said (not the one at 50: its own at 44 was within the quiet period).
    const honestAt: number[] = []
    for (let minute = 45; minute <= 130; minute++) {
      if (minute % 8 === 0) decoyed.observe(ev(minute, 'hr:records/1'), { reporter: 'v-evil' })
      if (minute % 25 === 0) for (const a of decoyed.observe(ev(minute, 'hr:records/2'), { reporter: 'v-hr' })) if (a.kind === 'new-resource') honestAt.push(minute)
    }
    assert.deepEqual(honestAt, [75, 100, 125])
  })

  it('takes IPv4-mapped IPv6 addresses (a dual-stack server) as the IPv4 networks they are', () => {
    const detector = new AnomalyDetector({ learnEvents: 3, learnMinutes: 0 })
    const base = Date.UTC(2026, 10, 2, 10)
    const ev = (i: number, ip: string) => ({ at: base + i * 60_000, agent: 'did:key:z6Mky', decision: 'allow' as const, resource: 'db:a/1', ip })
    for (let i = 0; i < 3; i++) detector.observe(ev(i, '::ffff:10.0.0.1'))
    assert.deepEqual(detector.observe(ev(4, '10.0.0.7')), [], 'the same /24, spelt without the mapping')
    assert.equal(detector.observe(ev(5, '::ffff:203.0.113.9'))[0]?.kind, 'new-network')
  })
})

describe('anomaly detection against hostile reporters', () => {
  const base = Date.UTC(2026, 10, 2, 10)
  const MINUTE = 60_000
  const ev = (agent: string, at: number, resource: string, decision: 'allow' | 'deny' = 'allow', code?: string) =>
    ({ at, agent, decision, resource, ip: '10.0.0.1', ...(code ? { code } : {}) })

  it("counts the learning period on the issuer's clock, not on the events' dates", () => {
    const detector = new AnomalyDetector({ learnEvents: 5, learnMinutes: 30 })
    // An hour of dates, all received at once.
    for (let i = 0; i < 60; i++) detector.observe(ev('did:key:z6Mka', base - 60 * MINUTE + i * MINUTE, `db:a/${i}`), { receivedAt: base, reporter: 'r1' })
    assert.deepEqual(detector.observe(ev('did:key:z6Mka', base, 'hr:x/1'), { receivedAt: base + MINUTE, reporter: 'r1' }), [], 'still learning')
    const [late] = detector.observe(ev('did:key:z6Mka', base + 31 * MINUTE, 'hr:y/1'), { receivedAt: base + 31 * MINUTE, reporter: 'r1' })
    assert.equal(late?.kind, 'new-resource')
    assert.deepEqual(late?.evidence, ['r1'])
  })

  it('credits a burst of denials only to a reporter whose own denials make one', () => {
    const detector = new AnomalyDetector({ learnEvents: 0, learnMinutes: 0, denialBurst: 10 })
    const findings = []
    for (let i = 0; i < 9; i++) findings.push(...detector.inspect(ev('did:key:z6Mkb', base, 'db:a/1', 'deny', 'ERR_NOT_ENTITLED'), { reporter: 'hostile' }))
    findings.push(...detector.inspect(ev('did:key:z6Mkb', base, 'db:a/1', 'deny', 'ERR_NOT_ENTITLED'), { reporter: 'honest' }))
    const burst = findings.find((f) => f.kind === 'denial-burst')
    assert.ok(burst?.reported, 'the burst is said')
    assert.deepEqual(burst.evidence, [], "nobody's own denials make it: no evidence for containment")
  })

  it('keeps every active baseline when the table is full: reporting about other agents cannot restart one', () => {
    const detector = new AnomalyDetector({ learnEvents: 3, learnMinutes: 0, maxAgents: 3, idleMs: 60 * MINUTE })
    for (let i = 0; i < 3; i++) detector.observe(ev('did:key:z6Mkx', base + i * MINUTE, `db:a/${i}`), { receivedAt: base + i * MINUTE })
    for (let n = 0; n < 20; n++) detector.observe(ev(`did:key:z6Mkother${n}`, base + 5 * MINUTE, 'db:a/1'), { receivedAt: base + 5 * MINUTE })
    assert.deepEqual(detector.stats(), { agents: 3, untracked: 18, groups: 0 })
    assert.equal(detector.observe(ev('did:key:z6Mkx', base + 6 * MINUTE, 'hr:x/1'), { receivedAt: base + 6 * MINUTE })[0]?.kind, 'new-resource', 'its baseline survived')
    // An hour without events for the others: one of them makes room for a newcomer; x stays.
    detector.observe(ev('did:key:z6Mkx', base + 65 * MINUTE, 'db:a/1'), { receivedAt: base + 65 * MINUTE })
    detector.observe(ev('did:key:z6Mknew', base + 66 * MINUTE, 'db:a/1'), { receivedAt: base + 66 * MINUTE })
    assert.equal(detector.stats().agents, 3)
    assert.equal(detector.observe(ev('did:key:z6Mkx', base + 80 * MINUTE, 'hr:z/1'), { receivedAt: base + 80 * MINUTE })[0]?.kind, 'new-resource', 'still judged, not learning again')
  })

  it('caps what one baseline learns: past the cap, a family stays unusual', () => {
    const detector = new AnomalyDetector({ learnEvents: 200, learnMinutes: 0 })
    for (let i = 0; i < 200; i++) detector.observe(ev('did:key:z6Mkc', base + i * 1000, `fam${i}:x/1`))
    assert.deepEqual(detector.observe(ev('did:key:z6Mkc', base + 300_000, 'fam0:x/2')), [], 'within the cap: learned')
    assert.equal(detector.observe(ev('did:key:z6Mkc', base + 301_000, `fam${BASELINE_CAPS.families + 5}:x/2`))[0]?.kind, 'new-resource', 'past the cap: not learned')
  })
})

describe('corroboration for automatic containment', () => {
  const T = Date.UTC(2026, 10, 2, 10)
  const MINUTE = 60_000

  it('needs two reporters, or one over the spread, within the window', () => {
    const c = new Corroboration()
    c.add('a', 'r1', 'high', T)
    assert.equal(c.verdict('a', 'high', T).corroborated, false, 'one reporter, once')
    c.add('a', 'r1', 'high', T + 9 * MINUTE)
    assert.equal(c.verdict('a', 'high', T + 9 * MINUTE).corroborated, false, 'nine minutes apart')
    c.add('a', 'r1', 'high', T + 10 * MINUTE)
    assert.deepEqual(c.verdict('a', 'high', T + 10 * MINUTE), { corroborated: true, reporters: ['r1'], alerts: [] })
    c.add('b', 'r1', 'high', T)
    c.add('b', 'r2', 'high', T + MINUTE)
    assert.equal(c.verdict('b', 'high', T + MINUTE).corroborated, true, 'two reporters')
    assert.equal(c.verdict('b', 'critical', T + MINUTE).corroborated, false, 'not at critical')
    assert.equal(c.verdict('b', 'high', T + 62 * MINUTE).corroborated, false, 'out of the window')
    assert.throws(() => new Corroboration({ reporters: 0 }), { code: 'ERR_USAGE' })
    assert.equal(new Corroboration({ spreadMinutes: false }).verdict('x', 'high', T).corroborated, false)
  })

  it("bounds each reporter's share, and no reporter can push out another's evidence", () => {
    const c = new Corroboration({ maxAgentsPerReporter: 3 })
    c.add('target', 'honest', 'high', T)
    for (let i = 0; i < 100; i++) c.add(`agent-${i}`, 'hostile', 'high', T)
    assert.deepEqual(c.stats(), { agents: 4, mostPerReporter: 3 })
    for (let i = 0; i < 100; i++) c.add('target', `hostile-${i}`, 'high', T)
    assert.ok(c.verdict('target', 'high', T).reporters.includes('honest'), "the honest reporter's evidence stays")
    c.forget('target')
    assert.equal(c.verdict('target', 'high', T).corroborated, false, 'spent once contained')
    // Its evidence leaves the window: the reporter may hold evidence about new agents again.
    c.add('later', 'hostile', 'high', T + 61 * MINUTE)
    assert.deepEqual(c.verdict('later', 'high', T + 61 * MINUTE).reporters, ['hostile'])
    assert.equal(c.stats().mostPerReporter, 1)
  })
})
