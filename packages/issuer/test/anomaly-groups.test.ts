import assert from 'node:assert/strict'
import { AnomalyDetector, type AgentContext, type Anomaly } from '@agentid/issuer'
import { graded } from './support/graded.js'

// Changes shared by a group, and novelty that is not new (issue 21): what a whole group takes up
// at once is a group change, not an alert per member; what one agent does alone still alerts.
describe('anomaly detection: group changes and novelty that is not new', () => {
  const base = Date.UTC(2026, 10, 2, 10)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const LONG_AGO = base - 90 * DAY
  type Fields = Record<string, unknown>
  const ev = (agent: string, at: number, fields: Fields = {}) => ({ at, agent, decision: 'allow' as const, resource: 'db:a/1', action: 'read', ip: '10.0.0.1', segment: 'ops', ...fields })
  const medium = (found: Anomaly[]) => found.filter((a) => a.severity !== 'low').map((a) => `${a.kind}/${graded(a)}`)
  const members = ['did:key:z6Mka', 'did:key:z6Mkb', 'did:key:z6Mkc', 'did:key:z6Mkd']

  // A fleet of four in one team, each with a week of history (reads of db:a from its own network).
  function fleet(context: (agent: string) => AgentContext, nets: (agent: string, i: number) => string = () => '10.0.0.1', action: (agent: string, i: number) => string = () => 'read', learnEvents = 5) {
    const d = new AnomalyDetector({ learnEvents, learnMinutes: 0, matureHours: 0, context })
    for (let day = 0; day < 7; day++) for (const [k, agent] of members.entries()) for (let i = 0; i < 6; i++) d.observe(ev(agent, base + day * DAY + k * MINUTE + i * 10 * MINUTE, { ip: nets(agent, i), action: action(agent, i) }))
    return d
  }
  const later = base + 8 * DAY
  // What was said about each agent (medium or above), held findings included: a finding held for
  // the agent's groups is said on a later event, whoever's, or by release() at the end.
  function said(d: AnomalyDetector, events: ReadonlyArray<ReturnType<typeof ev>>): Map<string, string[]> {
    const out = new Map<string, string[]>()
    const note = (found: Anomaly[]) => {
      for (const a of found) if (a.severity !== 'low') out.set(a.agent, [...(out.get(a.agent) ?? []), `${a.kind}/${graded(a)}`])
    }
    for (const e of events) note(d.observe(e))
    note(d.release(Math.max(...events.map((e) => e.at)) + HOUR))
    return out
  }

  it('a family held for long and taken up by several members at once (a period close) is a group change: below medium from the third', () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    // Members five minutes apart: the first two are said (nobody followed within the hold). (No
    // segment reported: from a verifier of their own segment, a family they hold is low at once.)
    const seen = said(d, members.map((agent, k) => ev(agent, later + k * 5 * MINUTE, { resource: 'reports:close/q3', segment: undefined })))
    assert.deepEqual(members.map((m) => seen.get(m) ?? []), [['new-resource/medium'], ['new-resource/medium'], [], []])
  })

  it('members taking a novelty up within the hold are all a group change, the first ones included', () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    const seen = said(d, members.map((agent, k) => ev(agent, later + k * 40_000, { resource: 'reports:close/q3', segment: undefined })))
    assert.deepEqual([...seen], [])
    // Found at once, low, with what it waits for: evidence, not an alert.
    const e = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    const first = e.inspect(ev(members[0]!, later, { resource: 'reports:close/q3', segment: undefined }))
    assert.deepEqual(first.map((a) => [a.kind, a.severity, typeof a.details.held, a.explained, a.reported]), [['new-resource', 'low', 'string', true, false]])
  })

  // An explained finding is evidence, not an alert (docs/monitoring.md, "Explained findings"):
  // alerted on each member, a group change would also hide, for each of them and that kind,
  // whatever the same week brought.
  it('a group change is no alert for any member: found, explained, and nothing said for it, at once or when the hold is over', () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    const alerts: Anomaly[] = []
    const findings = members.flatMap((agent, k) => {
      const e = ev(agent, later + k * 40_000, { resource: 'reports:close/q3', segment: undefined })
      const found = d.inspect(e)
      alerts.push(...found.filter((f) => f.reported))
      return found
    })
    alerts.push(...d.release(later + HOUR).filter((f) => f.reported))
    assert.deepEqual(alerts, [])
    assert.ok(findings.length >= members.length && findings.every((f) => f.kind === 'new-resource' && f.severity === 'low' && f.explained === true && !f.reported), JSON.stringify(findings.map((f) => [f.agent.slice(-1), f.severity, f.explained])))
    // One member alone, the same first use: said when the hold is over, an alert.
    const alone = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    assert.deepEqual(alone.observe(ev(members[0]!, later, { resource: 'reports:close/q3', segment: undefined })), [], 'held: no alert yet')
    assert.deepEqual(alone.release(later + HOUR).filter((f) => f.reported).map((f) => `${f.kind}/${f.severity}`), ['new-resource/medium'])
  })

  // From a review: a held repeat, explained while it waits, carried the incident on past its quiet
  // period, so the repeat was not said when due.
  it('a reach repeated after its quiet period is said again when its hold is over, each time', () => {
    // (No entitlements known: a first use is held, not said at once as one it holds no grant to.)
    const d = fleet(() => ({ groups: ['team:fin'] }))
    const said: number[] = []
    for (let m = 0; m <= 66; m++) {
      const reach = [0, 15, 40, 55].includes(m)
      for (const a of d.observe(ev(members[0]!, later + m * MINUTE, reach ? { resource: `hr:payroll/${m}`, segment: undefined } : { resource: `db:a/${m}` }))) if (a.kind === 'new-resource') said.push(m)
    }
    assert.deepEqual(said, [3, 18, 43, 58])
  })

  it('a held finding nobody in its groups explains is said at its own severity once the hold is over, on any event or by release()', () => {
    const grants = new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    const hr = { resource: 'hr:payroll/1', segment: undefined }
    d.observe(ev(members[0]!, later, hr))
    assert.deepEqual(medium(d.observe(ev(members[1]!, later + 2 * MINUTE))), [], 'still held')
    const released = d.observe(ev(members[1]!, later + 3 * MINUTE))
    assert.deepEqual(released.map((a) => [a.agent, a.kind, a.severity, a.at, a.details.heldSince]), [[members[0], 'new-resource', 'medium', later + 3 * MINUTE, later]])
    const e = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
    e.observe(ev(members[0]!, later, hr))
    assert.deepEqual(e.release(later + 2 * MINUTE), [])
    assert.deepEqual(e.release(later + 3 * MINUTE).map((a) => `${a.kind}/${a.severity}`), ['new-resource/medium'])
    const off = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, context: () => ({ groups: ['team:fin'], entitlements: grants }) })
    for (let i = 0; i < 6; i++) off.observe(ev(members[0]!, base + i * 10 * MINUTE))
    assert.deepEqual(medium(off.observe(ev(members[0]!, later, hr))), ['new-resource/medium'], 'holdMinutes: 0 says it at once')
  })

  it('one agent alone taking up a family it holds but never used still alerts (an HR grab on an old entitlement)', () => {
    const grants = new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]])
    // From HR's verifier (a segment the agent never worked in), or from one that says no segment.
    for (const segment of ['hr', undefined]) {
      const d = fleet(() => ({ groups: ['team:fin'], entitlements: grants }))
      const found = said(d, [0, 1, 2].map((i) => ev(members[0]!, later + i * MINUTE, { resource: `hr:payroll/${i}`, segment }))).get(members[0]!) ?? []
      assert.ok(found.includes('new-resource/high'), `${segment}: ${JSON.stringify(found)}`)
    }
  })

  it("a family it holds but never used, from a verifier of the segment it is enrolled in, is a duty that comes round (a month's close): low, for each member, the first ones included", () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
    const enrolled = () => ({ groups: ['team:fin', 'segment:ops'], entitlements: grants })
    const d = fleet(enrolled)
    // An hour apart, beyond any hold (each member's schedule reaches the close at its own time), and repeated.
    const events = members.flatMap((agent, k) => [0, 1, 2, 3].map((i) => ev(agent, later + k * HOUR + i * MINUTE, { resource: `reports:close/q${i}` })))
    assert.deepEqual([...said(d, events)], [])
    const first = fleet(enrolled).observe(ev(members[0]!, later, { resource: 'reports:close/q3' }))
    assert.deepEqual(first.map((a) => [a.kind, a.severity, a.details.ownSegment, a.details.entitled]), [['new-resource', 'low', 'ops', true]])
    // Not a family it holds no entitlement to, whichever segment says so.
    const none = fleet(() => ({ groups: ['team:fin', 'segment:ops'], entitlements: new Map([['db:a', LONG_AGO]]) }))
    assert.deepEqual(medium(none.observe(ev(members[0]!, later, { resource: 'reports:close/q3' }))), ['new-resource/high'])
  })

  // From an adversarial review: the first version took any segment the agent had learned as its own.
  describe('a dormant grant in its own segment, under attack', () => {
    const grants = new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO], ['reports:close', LONG_AGO]])
    const sales = () => fleet(() => ({ groups: ['team:sales', 'segment:sales'], entitlements: grants }))
    const payroll = (d: AnomalyDetector, reporter = 'v-hr') => {
      const found: string[] = []
      for (let i = 0; i < 3; i++) found.push(...medium(d.observe(ev(members[0]!, later + 10 * MINUTE + i * MINUTE, { resource: `hr:payroll/${i}`, segment: 'hr' }), { reporter })))
      return [...found, ...medium(d.release(later + HOUR).filter((a) => a.agent === members[0]))]
    }

    it("a segment made learned (a peer's use, one made-up event, a use its grants cover) is not the one it is enrolled in", () => {
      // One made-up event by another reporter: another member at HR's verifier.
      const d = sales()
      d.observe(ev(members[1]!, later, { segment: 'hr' }), { reporter: 'v-evil' })
      d.observe(ev(members[1]!, later + DAY, { segment: 'hr' }), { reporter: 'v-evil' })
      assert.ok(payroll(d).includes('new-resource/high'))
      // A read of a family it knows, at HR's verifier (a use its grants cover: the segment learned).
      const e = sales()
      e.observe(ev(members[0]!, later, { segment: 'hr' }), { reporter: 'v-evil' })
      assert.ok(payroll(e).includes('new-resource/high'))
    })

    // From a second review: a bulk read, an event with no action, and an action bought with one silent first use.
    it('a bulk read, or no action reported, on a dormant family of its own segment is a reach', () => {
      // One agent reading about 20 records a request for a week.
      const own = () => {
        const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: () => ({ groups: ['team:fin', 'segment:ops'], entitlements: grants }) })
        for (let day = 0; day < 7; day++) for (let i = 0; i < 12; i++) d.observe(ev(members[0]!, base + day * DAY + i * 5 * MINUTE, { records: 16 + (i % 9) }))
        return d
      }
      const read = (d: AnomalyDetector, fields: Fields) => [...medium(d.observe(ev(members[0]!, later, { resource: 'reports:close/1', ...fields }))), ...medium(d.release(later + HOUR))]
      assert.deepEqual(read(own(), { records: 40 }), [], 'twice its usual size: a duty')
      assert.ok(read(own(), { records: 50_000 }).includes('new-resource/medium'), 'a bulk read')
      assert.ok(read(own(), { action: undefined }).includes('new-resource/medium'), 'no action reported')
    })

    // From a third review: the size a duty may have, bought with one silent bulk read, and lost at a restart.
    it('one bulk read on a family its peers use does not raise the size a duty may have; a restart does not lower it', () => {
      const withShared = new Map([...grants, ['db:shared', LONG_AGO]])
      const context = () => ({ groups: ['team:fin', 'segment:ops'], entitlements: withShared })
      const build = () => {
        const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context })
        for (let day = 0; day < 7; day++) for (const [k, agent] of members.entries()) for (let i = 0; i < 12; i++) d.observe(ev(agent, base + day * DAY + k * MINUTE + i * 5 * MINUTE, { records: 16 + (i % 9), resource: k > 0 && i % 2 ? 'db:shared/1' : 'db:a/1' }))
        return d
      }
      const read = (d: AnomalyDetector, at: number, records: number) => [...medium(d.observe(ev(members[0]!, at, { resource: 'reports:close/1', records }))), ...medium(d.release(at + HOUR))]
      const d = build()
      assert.deepEqual([...medium(d.observe(ev(members[0]!, later, { resource: 'db:shared/9', records: 60_000 }))), ...medium(d.release(later + HOUR))], [], 'a first use its peers explain')
      assert.ok(read(d, later + 2 * HOUR, 200_000).includes('new-resource/medium'))
      // Its baselines written and read back by a new detector (a restart): its usual size is still a duty.
      const restarted = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context })
      restarted.load(build().takeDirty())
      assert.deepEqual(read(restarted, later, 40), [])
    })

    it('a first silent delete on a family its peers use does not make deletes an action it uses', () => {
      const withShared = new Map([...grants, ['db:shared', LONG_AGO]])
      const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: () => ({ groups: ['team:fin', 'segment:ops'], entitlements: withShared }) })
      // Its peers read db:a and db:shared all week, it reads db:a only; its first use of db:shared is a delete.
      for (let day = 0; day < 7; day++) for (const [k, agent] of members.entries()) for (let i = 0; i < 6; i++) d.observe(ev(agent, base + day * DAY + k * MINUTE + i * 10 * MINUTE, { resource: k > 0 && i % 2 ? 'db:shared/1' : 'db:a/1' }))
      const first = [...medium(d.observe(ev(members[0]!, later, { resource: 'db:shared/7', action: 'delete' }))), ...medium(d.release(later + HOUR))]
      assert.ok(first.some((x) => x.startsWith('new-action/')), JSON.stringify(first))
      const dormant = [...medium(d.observe(ev(members[0]!, later + 2 * HOUR, { resource: 'reports:close/1', action: 'delete' }))), ...medium(d.release(later + 3 * HOUR))]
      assert.ok(dormant.some((x) => x.startsWith('new-resource/')), JSON.stringify(dormant))
    })

    it('an action it never uses on a dormant family of its own segment is a reach, and its low reads are the actions the family learns first', () => {
      const d = fleet(() => ({ groups: ['team:fin', 'segment:ops'], entitlements: grants }))
      assert.ok(medium(d.release(later + HOUR)).length === 0)
      const deletes = [...medium(d.observe(ev(members[0]!, later, { resource: 'reports:close/1', action: 'delete' }))), ...medium(d.release(later + HOUR))]
      assert.deepEqual(deletes, ['new-resource/medium'])
      // Read on two days (low), then a delete on the third, the day the family is learned: its
      // reads were noted, so the delete is not the first action it learns, but a new one.
      const e = fleet(() => ({ groups: ['team:fin', 'segment:ops'], entitlements: grants }))
      for (let day = 0; day < 2; day++) assert.deepEqual(medium(e.observe(ev(members[0]!, later + day * DAY, { resource: 'reports:close/1' }))), [])
      const third = [...medium(e.observe(ev(members[0]!, later + 2 * DAY, { resource: 'reports:close/2', action: 'delete' }))), ...medium(e.release(later + 2 * DAY + HOUR))]
      assert.ok(third.some((x) => x.startsWith('new-action/')), JSON.stringify(third))
    })
  })

  it('a re-org: a team reaching into another segment at once, refused then granted, is a group change; the grant explains the segment', () => {
    const grants = new Map(members.map((m) => [m, new Map([['db:a', LONG_AGO]])]))
    const d = fleet((agent) => ({ groups: ['team:support'], entitlements: grants.get(agent)! }))
    const refused = said(d, members.map((agent, k) => ev(agent, later + k * MINUTE, { resource: 'crm:deals/1', segment: 'sales', decision: 'deny', code: 'ERR_NOT_ENTITLED' })))
    assert.deepEqual([...refused], [], 'the whole team within the hold')
    for (const m of members) grants.get(m)!.set('crm:deals', later + 45 * MINUTE)
    const allowed = members.map((agent, k) => medium(d.observe(ev(agent, later + 50 * MINUTE + k * MINUTE, { resource: 'crm:deals/2', segment: 'sales' }))))
    assert.deepEqual(allowed, [[], [], [], []], 'a grant covering the family explains its segment')
    const nextDay = members.map((agent, k) => medium(d.observe(ev(agent, later + DAY + k * MINUTE, { resource: 'crm:deals/3', segment: 'sales' }))))
    assert.deepEqual(nextDay, [[], [], [], []])
  })

  it('one agent alone reaching into another segment still moves laterally', () => {
    const d = fleet(() => ({ groups: ['team:support'], entitlements: new Map([['db:a', LONG_AGO]]) }))
    const found = said(d, ['crm:deals', 'crm:accounts', 'crm:leads'].map((fam, i) => ev(members[0]!, later + i * MINUTE, { resource: `${fam}/1`, segment: 'sales', decision: 'deny', code: 'ERR_NOT_ENTITLED' }))).get(members[0]!) ?? []
    assert.ok(found.includes('lateral-movement/high'), JSON.stringify(found))
  })

  // The lateral movement its refused reaches make is found by its next event, often one of its own
  // allowed reads: held as long as a refusal is all the same (it was held three minutes, and a
  // re-organised team's first member was said high before the others came).
  it('a re-organised team refused two families of another segment, member after member over twelve minutes, its own reads in between, is a group change', () => {
    const d = fleet(() => ({ groups: ['team:support'], entitlements: new Map([['db:a', LONG_AGO]]) }))
    const events = members.flatMap((agent, k) => {
      const t = later + k * 4 * MINUTE
      const refused = { segment: 'sales', decision: 'deny', code: 'ERR_NOT_ENTITLED' }
      return [ev(agent, t, { ...refused, resource: 'crm:deals/1' }), ev(agent, t + MINUTE, { ...refused, resource: 'crm:accounts/1' }), ev(agent, t + 2 * MINUTE)]
    }).sort((x, y) => x.at - y.at)
    assert.deepEqual([...said(d, events)], [])
  })

  it('a rollout to new node subnets shared by a group (old and new interleaved) is not a stolen credential', () => {
    const own = (agent: string) => members.indexOf(agent) * 3
    const d = fleet(() => ({ groups: ['segment:eng'] }), (agent, i) => `10.244.${own(agent) + (i % 3)}.7`)
    const seen = said(d, members.flatMap((agent, k) => Array.from({ length: 12 }, (_, i) => ev(agent, later + k * 4 * MINUTE + i * 20_000, { ip: i % 2 ? `10.245.${own(agent) + (i % 3)}.9` : `10.244.${own(agent)}.7` }))))
    // Members four minutes apart: the subnets are private, so each waits a quarter of an hour for
    // the others (with the 3-minute hold, the first two were said).
    assert.deepEqual(members.map((m) => (seen.get(m) ?? []).length > 0), [false, false, false, false], JSON.stringify([...seen]))
  })

  it('a VPN failover: many remote workers flapping to the same standby concentrator is not two networks each', () => {
    const d = fleet(() => ({ groups: ['team:remote'] }), (_agent, i) => (i % 2 ? '172.20.1.5' : '172.21.1.5'))
    const events = members.flatMap((agent, k) => Array.from({ length: 12 }, (_, i) => ev(agent, later + k * MINUTE + i * 30_000, { ip: i % 2 ? '172.29.1.5' : '172.20.1.5' })))
    const seen = said(d, events.sort((x, y) => x.at - y.at))
    assert.deepEqual([...seen], [], 'members a minute apart: all within the hold')
  })

  it('a VPN failover reaching its members over a quarter of an hour (a private network of the organisation) is not two networks each', () => {
    const d = fleet(() => ({ groups: ['team:remote'] }), (_agent, i) => (i % 2 ? '172.20.1.5' : '172.21.1.5'))
    const events = members.flatMap((agent, k) => Array.from({ length: 12 }, (_, i) => ev(agent, later + k * 5 * MINUTE + i * 30_000, { ip: i % 2 ? '172.29.1.5' : '172.20.1.5' })))
    const seen = said(d, events.sort((x, y) => x.at - y.at))
    assert.deepEqual([...seen], [], 'members five minutes apart: the private network waits longer for them')
  })

  it('one agent alone switching with a private network new to it is still two networks, once the longer hold is over', () => {
    const d = fleet(() => ({ groups: ['team:remote'] }), (_agent, i) => (i % 2 ? '172.20.1.5' : '172.21.1.5'))
    const seen = said(d, Array.from({ length: 12 }, (_, i) => ev(members[0]!, later + i * 30_000, { ip: i % 2 ? '192.168.77.4' : '172.20.1.5' })))
    assert.ok(seen.get(members[0]!)?.includes('two-networks/high'), JSON.stringify([...seen]))
  })

  // An internal network other agents have long used as theirs, whatever their groups, is the
  // organisation's (its VPN): an on-call engineer's first night on it, beside the office, is not
  // someone else holding its credential. Credibly, and only for internal networks.
  describe("the organisation's own network", () => {
    const users = ['did:key:z6Mkv1', 'did:key:z6Mkv2', 'did:key:z6Mkv3']
    // A week: the engineer at the office, `using` agents (each in a team of its own) on `net`.
    function org(using: readonly string[], net: string, reporterOf: (agent: string) => string) {
      const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: (agent) => ({ groups: [`team:${agent}`] }) })
      for (let day = 0; day < 7; day++) {
        for (let i = 0; i < 6; i++) d.observe(ev(members[0]!, base + day * DAY + i * 10 * MINUTE), { reporter: 'app' })
        for (const [k, u] of using.entries()) for (let i = 0; i < 6; i++) d.observe(ev(u, base + day * DAY + k * MINUTE + i * 10 * MINUTE, { ip: `${net}.5` }), { reporter: reporterOf(u) })
      }
      return d
    }
    // A night back and forth between the office and `net`, reported by an honest verifier.
    const night = (d: AnomalyDetector, net: string) => {
      const found = Array.from({ length: 12 }, (_, i) => d.observe(ev(members[0]!, later + i * 2 * MINUTE, { ip: i % 2 ? `${net}.9` : '10.0.0.1' }), { reporter: 'app' })).flat()
      return medium([...found, ...d.release(later + 2 * HOUR)].filter((a) => a.agent === members[0]))
    }
    const own = (u: string) => `svc-${users.indexOf(u)}`

    it('three other agents using an internal network over days make it the organisation\'s: not two networks', () => {
      assert.deepEqual(night(org(users, '172.20.1', own), '172.20.1'), [])
    })

    it('two agents are not enough; a public network, or one a single other reporter made up their days on, is still two networks', () => {
      assert.ok(night(org(users.slice(0, 2), '172.20.1', own), '172.20.1').includes('two-networks/high'), 'two agents')
      assert.ok(night(org(users, '34.12.9', own), '34.12.9').includes('two-networks/high'), 'a public network')
      assert.ok(night(org(users, '172.20.1', () => 'hostile'), '172.20.1').includes('two-networks/high'), 'made up by one reporter')
    })

    it('one agent an honest reporter saw there and two a hostile one made up are not three', () => {
      const reporterOf = (u: string) => (u === users[0] ? 'svc-0' : 'hostile')
      assert.ok(night(org(users, '172.20.1', reporterOf), '172.20.1').includes('two-networks/high'))
    })

    // From an adversarial review: the excuse made the network the agent's own for good.
    it("a hostile reporter's own events of the agent switching to its made-up network do not excuse what an honest verifier reports later", () => {
      const d = org(users, '172.20.1', () => 'hostile')
      d.observe(ev(members[0]!, later - HOUR, { decision: 'deny', code: 'ERR_CONSTRAINT' }), { reporter: 'hostile' })
      d.observe(ev(members[0]!, later - HOUR + MINUTE, { decision: 'deny', code: 'ERR_CONSTRAINT', ip: '172.20.1.66' }), { reporter: 'hostile' })
      d.release(later - 10 * MINUTE)
      assert.ok(night(d, '172.20.1').includes('two-networks/high'))
    })

    // From the fourth review (2026-12-07): a full list of who saw a member there (sixteen) took a
    // newcomer in place of its first, and the organisation's network counts one other reporter
    // for each member, the first it finds: eighteen made-up identities put a different one first
    // for each of three members, and the thief's network was the organisation's.
    it("a flood of reporter identities on each member's own network does not make three reporters of one", () => {
      const d = org(users, '172.20.1', () => 'gw')
      for (const [k, u] of users.entries()) for (const [i, r] of [...Array.from({ length: 15 }, (_, j) => `fill${j}`), `lead${k}`].entries()) d.observe(ev(u, later - 2 * HOUR + k * MINUTE + i * 1000, { ip: '172.20.1.5' }), { reporter: r })
      assert.ok(night(d, '172.20.1').includes('two-networks/high'), 'flooded')
    })

    it('stays the organisation\'s when many other internal networks, or many one-off agents on it, were seen before', () => {
      const d = org(users, '172.20.1', own)
      for (let i = 0; i < 300; i++) d.observe(ev(`did:key:z6Mkfill${i}`, later - 2 * HOUR + i, { ip: `10.${100 + (i % 50)}.${i}.1` }), { reporter: 'svc-9' })
      for (let i = 0; i < 40; i++) d.observe(ev(`did:key:z6Mkrunner${i}`, later - HOUR + i, { ip: '172.20.1.77' }), { reporter: 'svc-9' })
      assert.deepEqual(night(d, '172.20.1'), [])
    })
  })

  it('a carrier-grade NAT address (100.64/10: mobile carriers, home ISPs, overlay networks) is nobody\'s own: held the usual three minutes', () => {
    const d = fleet(() => ({ groups: ['team:remote'] }), (_agent, i) => (i % 2 ? '172.20.1.5' : '172.21.1.5'))
    const out: Array<[number, string]> = []
    for (let i = 0; i < 12; i++) for (const k of medium(d.observe(ev(members[0]!, later + i * 30_000, { ip: i % 2 ? '100.100.5.9' : '172.20.1.5' })))) out.push([i * 30, k])
    assert.ok(out.some(([seconds, k]) => k === 'two-networks/high' && seconds <= 300), JSON.stringify(out))
  })

  it('one agent alone switching back and forth with an address nobody in its groups uses is two networks', () => {
    const d = fleet(() => ({ groups: ['team:remote'] }), (_agent, i) => (i % 2 ? '172.20.1.5' : '172.21.1.5'))
    const out: string[] = []
    for (let i = 0; i < 8; i++) out.push(...medium(d.observe(ev(members[0]!, later + i * 2 * MINUTE, { ip: i % 2 ? '34.12.9.1' : '172.20.1.5' }))))
    assert.ok(out.includes('two-networks/high'), JSON.stringify(out))
  })

  it('an action the agent itself used on an earlier day without other alarm is not new; a burst of it is', () => {
    const d = fleet(() => ({ groups: ['team:bots'] }))
    d.observe(ev(members[0]!, later, { action: 'delete' }))
    assert.deepEqual(medium(d.release(later + HOUR)), ['new-action/medium'], 'the first delete')
    assert.deepEqual(medium(d.observe(ev(members[0]!, later + 7 * DAY, { action: 'delete' }))), [], 'a weekly cleanup')
    const burst = Array.from({ length: 15 }, (_, i) => medium(d.observe(ev(members[0]!, later + 14 * DAY + i * 20_000, { action: 'delete' })))).flat()
    assert.ok(burst.some((k) => k.startsWith('new-action/')), JSON.stringify(burst))
  })

  // workload-d's nightly ETL: its first writes came amid its first nights' other findings, and
  // were said medium every night for a fortnight, never learned.
  it('a nightly job whose first writes came amid another finding learns them after a quiet night, not never', () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:bots'], entitlements: grants }))
    const night = (n: number, before: Fields | undefined) => {
      const at = later + n * DAY
      const found = before ? [...d.observe(ev(members[0]!, at - 10 * MINUTE, before))] : []
      for (let i = 0; i < 4; i++) found.push(...d.observe(ev(members[0]!, at + i * 2 * MINUTE, { action: 'write' })))
      found.push(...d.release(at + HOUR))
      return medium(found)
    }
    const amid = night(0, { resource: 'reports:close/q3', segment: undefined })
    assert.ok(amid.includes('new-resource/medium') && amid.some((k) => k.startsWith('new-action/')), JSON.stringify(amid))
    // The second night's writes are still a first use said (nothing learned from the first), and
    // this night's first use is quiet: learned from the third night on.
    assert.ok(night(1, undefined).some((k) => k.startsWith('new-action/')), 'the second night')
    assert.deepEqual([night(2, undefined), night(3, undefined)], [[], []])
  })

  // (From the review: a finding held for the agent's groups a minute before, or just after, the
  // day's first write is not yet in the hour the write was judged by.)
  for (const gap of [10 * MINUTE, MINUTE, -MINUTE]) {
    it(`writes whose first use each night comes ${gap > 0 ? `${gap / MINUTE} min after` : 'a minute before'} another finding are never learned`, () => {
      const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO], ['reports:tax', LONG_AGO], ['reports:audit', LONG_AGO], ['reports:risk', LONG_AGO]])
      const d = fleet(() => ({ groups: ['team:bots'], entitlements: grants }))
      const said = ['close', 'tax', 'audit', 'risk'].map((family, n) => {
        const at = later + n * DAY
        const other = ev(members[0]!, at - gap, { resource: `reports:${family}/1`, segment: undefined })
        const writes = Array.from({ length: 4 }, (_, i) => ev(members[0]!, at + i * 2 * MINUTE, { action: 'write' }))
        const found = [...(gap > 0 ? [other, ...writes] : [writes[0]!, other, ...writes.slice(1)])].flatMap((e) => d.observe(e))
        found.push(...d.release(at + HOUR))
        return medium(found).some((k) => k.startsWith('new-action/'))
      })
      assert.deepEqual(said, [true, true, true, true])
    })
  }

  // (A restart forgot the agent's findings of the last hour: the write after it was quiet.)
  it('writes whose first use each night comes ten minutes after another finding and a restart are never learned', () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO], ['reports:tax', LONG_AGO], ['reports:audit', LONG_AGO], ['reports:risk', LONG_AGO]])
    const context = () => ({ groups: ['team:bots'], entitlements: grants })
    let d = fleet(context)
    const said = ['close', 'tax', 'audit', 'risk'].map((family, n) => {
      const at = later + n * DAY
      const found = [...d.observe(ev(members[0]!, at - 10 * MINUTE, { resource: `reports:${family}/1`, segment: undefined })), ...d.release(at - 5 * MINUTE)]
      const rows = d.takeDirty()
      d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context })
      d.load(rows)
      for (let i = 0; i < 4; i++) found.push(...d.observe(ev(members[0]!, at + i * 2 * MINUTE, { action: 'write' })))
      found.push(...d.release(at + HOUR))
      return medium(found).some((k) => k.startsWith('new-action/'))
    })
    assert.deepEqual(said, [true, true, true, true])
  })

  it('writes a reporter dates a day and two ahead teach nothing: the real writes of the next days are said', () => {
    const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:bots'], entitlements: grants }))
    const observe = (at: number, fields: Fields, reporter = 'etl', receivedAt = at) => d.observe(ev(members[0]!, at, fields), { receivedAt, reporter })
    observe(later - 10 * MINUTE, { resource: 'reports:close/q3', segment: undefined })
    observe(later, { action: 'write' })
    observe(later + DAY + 5 * MINUTE, { action: 'write' }, 'evil', later + 3 * HOUR)
    observe(later + 2 * DAY + 5 * MINUTE, { action: 'write' }, 'evil', later + 3 * HOUR)
    d.release(later + 4 * HOUR)
    // The real writes of the next three days are each said (the third day's, begun quietly, teaches).
    const next = [1, 2, 3].map((n) => medium([...observe(later + n * DAY + 30 * MINUTE, { action: 'write' }), ...d.release(later + n * DAY + 2 * HOUR)]).some((k) => k.startsWith('new-action/')))
    assert.deepEqual(next, [true, true, true])
  })

  it("writes by an agent that never writes are new even when its peers write", () => {
    // Two peers have written every day since they were first seen.
    const d = fleet(() => ({ groups: ['team:bots'] }), undefined, (agent, i) => (agent !== members[0] && i === 1 ? 'write' : 'read'))
    const found = Array.from({ length: 10 }, (_, i) => medium(d.observe(ev(members[0]!, later + i * 3 * MINUTE, { action: 'write' })))).flat()
    assert.ok(found.some((k) => k.startsWith('new-action/')), JSON.stringify(found))
  })

  it('updates spreading through a team member by member over days (a review season) are the group\'s from the fourth member; not on made-up first uses, nor across a role', () => {
    // One member a day starts updating db:a, which all of them read (workload-d's managers'
    // assistants): the first three are said, the fourth is the group's change, said low.
    const season = (reporterOf: (k: number) => string, groupsOf: (agent: string) => string[] = () => ['team:managers']) => {
      const d = fleet((agent) => ({ groups: groupsOf(agent) }))
      return members.map((agent, k) => {
        const at = later + k * DAY
        const found = [...d.observe(ev(agent, at, { action: 'update' }), { receivedAt: at, reporter: reporterOf(k) }), ...d.release(at + HOUR)]
        return medium(found.filter((a) => a.agent === agent)).length > 0
      })
    }
    assert.deepEqual(season(() => 'hris'), [true, true, true, false])
    // The first uses of the other three reported by another verifier (made up): the fourth is said.
    assert.deepEqual(season((k) => (k < 3 ? 'hostile' : 'hris')), [true, true, true, true])
    // A role across the organisation is no group whose change this is (an adversarial review:
    // three members anywhere in a role made any other member's first writes low).
    assert.deepEqual(season(() => 'hris', (agent) => [`team:${agent}`, 'role:manager']), [true, true, true, true])
  })

  it('an agent with no history is judged against its groups: a credential never used, from a public network nobody in its groups uses', () => {
    const grants = new Map([['db:a', LONG_AGO]])
    // Alone in its team (a group as new as it is): judged against its segment.
    const d = fleet((agent) => ({ groups: [members.includes(agent) ? 'team:ops' : 'team:solo', 'segment:ops'], entitlements: grants }))
    const found = Array.from({ length: 20 }, (_, i) => medium(d.observe(ev('did:key:z6Mkdormant', later + i * 3 * MINUTE, { ip: '91.12.7.1' })))).flat()
    assert.ok(found.length > 0, 'a dormant credential used from elsewhere')
    // A newly enrolled agent (granted today) from a home address, and one with no history from
    // its team's network, are not.
    const fresh = new Map([['db:a', later - HOUR]])
    const e = fleet((agent) => ({ groups: ['team:ops'], entitlements: agent === 'did:key:z6Mknew' ? fresh : grants }))
    const newcomer = Array.from({ length: 20 }, (_, i) => medium(e.observe(ev('did:key:z6Mknew', later + i * 3 * MINUTE, { ip: '91.12.7.1' })))).flat()
    const back = Array.from({ length: 20 }, (_, i) => medium(e.observe(ev('did:key:z6Mkback', later + i * 3 * MINUTE)))).flat()
    assert.deepEqual([newcomer, back], [[], []])
    // From a review (2026-12-07): one event of a team mate's there two days before, made up by a
    // hostile reporter or a controlled mate's, made that network the team's.
    const made = fleet((agent) => ({ groups: [members.includes(agent) ? 'team:ops' : 'team:solo', 'segment:ops'], entitlements: grants }))
    made.observe(ev(members[1]!, later - HOUR, { ip: '91.12.7.9' }), { reporter: 'hostile' })
    const thief = Array.from({ length: 20 }, (_, i) => medium(made.observe(ev('did:key:z6Mkdormant', later + 2 * DAY + i * 3 * MINUTE, { ip: '91.12.7.1' })))).flat()
    assert.ok(thief.length > 0, 'a made-up event of a mate there')
  })

  // A nightly job of four requests is within the learning period's count (sixty events) for a
  // fortnight, judged as a credential with no history: a data-centre migration moving it to the
  // organisation's new cloud range was said medium on every seed of workload-i (its two backup
  // exporters), a failover so on h. Established agents, whatever their groups, moving to the same
  // public network within the day before, from networks of the job's own /16, are the
  // organisation's move: said low. (Making the job's own days a history was built and withdrawn
  // after two reviews: docs/monitoring-history.md.)
  describe('a quiet job within its learning period moving with the organisation', () => {
    const grants = new Map([['db:a', LONG_AGO]])
    const job = 'did:web:svc.example:backup'
    const movers = ['did:web:svc.example:etl-1', 'did:web:svc.example:etl-2', 'did:web:svc.example:etl-3']
    interface Move { count?: number; hoursBefore?: number; reporter?: string; from?: string; history?: boolean; decision?: 'allow' | 'deny' }
    const moved = ({ count = 3, hoursBefore = 8, reporter = 'dw', from = '10.40.20.5', history = true, decision = 'allow' }: Move = {}) => {
      const d = fleet((agent) => ({ groups: [movers.includes(agent) ? 'team:data' : agent === job ? 'team:infra' : 'team:ops', 'segment:ops'], entitlements: grants }), undefined, undefined, 60)
      const cutover = base + 9 * DAY + 13 * HOUR
      const obs = (e: ReturnType<typeof ev>, by = 'dw') => d.observe(e, { reporter: by })
      for (let n = 0; n < 9; n++) for (let i = 0; i < 4; i++) obs(ev(job, base + n * DAY + 13 * HOUR + i * 10 * MINUTE, { ip: '10.40.56.75' }))
      // The movers: a week of their own (ten requests a day, beyond the learning period) unless
      // `history` is false (agents enrolled that day), then on the new network.
      for (const [k, m] of movers.slice(0, count).entries()) {
        if (history) for (let n = 0; n < 7; n++) for (let i = 0; i < 10; i++) obs(ev(m, base + n * DAY + 2 * HOUR + i * 5 * MINUTE, { ip: from }), reporter)
        const t = cutover - hoursBefore * HOUR + k * MINUTE
        obs(ev(m, t - MINUTE, { ip: from }), reporter)
        obs(ev(m, t, { ip: `35.246.180.${32 + k}`, decision, ...(decision === 'deny' ? { code: 'ERR_NOT_ENTITLED' } : {}) }), reporter)
      }
      // Its night of the cut-over and the two after (more than a day after the others moved).
      return [0, 1, 2].flatMap((n) => Array.from({ length: 4 }, (_, i) => obs(ev(job, cutover + n * DAY + i * 10 * MINUTE, { ip: '35.246.180.43' }))).flat()).map((a) => `${a.kind}/${a.severity}`)
    }

    it('three established agents moved there from its data centre\'s /16 hours before: said low, that night and the next ones', () => {
      assert.deepEqual([...new Set(moved())], ['new-network/low'])
    })

    it('two of them, a day and more before, seen only by another reporter, from another /16, enrolled that day, or refused there: medium, as a credential with no history', () => {
      const cases: Move[] = [{ count: 2 }, { hoursBefore: 25 }, { reporter: 'hostile' }, { from: '10.20.7.9' }, { history: false }, { decision: 'deny' }]
      const said = cases.map((c) => moved(c))
      assert.deepEqual(said.map((x) => x.includes('new-network/medium')), cases.map(() => true), JSON.stringify(said))
    })
  })

  // workload-h's egress pool grown at midnight (two addresses of the next /24 beside the old):
  // the services on the pool took the new network up within minutes of each other, and each
  // business-hours agent on the pool hours later, one by one, back and forth between the two,
  // was said two-networks at medium on every event for two days (an hour after the services,
  // the change no longer counted). Three agents sharing a network taking up the same new one
  // within the hour of each other are that network's change for two days, as a group's is, for
  // the addresses there the reporter saw them use.
  describe("a shared network's change lasting the day (an egress pool grown)", () => {
    const services = ['did:web:svc.example:indexer', 'did:web:svc.example:scraper', 'did:web:svc.example:exporter']
    const assistant = 'did:key:z6Mkrecruiting'
    const detector = () => new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: (agent) => ({ groups: [`team:${agent}`] }) })
    // A week of each agent on its own address (`ipOf`), six requests a day, each in a team of its own.
    const week = (d: AnomalyDetector, agents: readonly string[], ipOf: (k: number) => string, reporter = 'app') => {
      for (let day = 0; day < 7; day++) for (const [k, agent] of agents.entries()) for (let i = 0; i < 6; i++) d.observe(ev(agent, base + day * DAY + k * MINUTE + i * 10 * MINUTE, { ip: ipOf(k) }), { reporter })
    }
    // An agent back and forth between `usual` and the addresses `taken`, two minutes apart.
    const takeUp = (d: AnomalyDetector, agent: string, at: number, usual: string, taken: readonly string[], reporter = 'app') => {
      for (let i = 0; i < 8; i++) d.observe(ev(agent, at + i * 2 * MINUTE, { ip: i % 2 ? taken[(i >> 1) % taken.length]! : usual }), { reporter })
    }
    // What is said of `agent` (medium or above) going back and forth between `usual` and `other`.
    const switching = (d: AnomalyDetector, agent: string, at: number, usual: string, other: string, reporter = 'app') => {
      const found = Array.from({ length: 12 }, (_, i) => d.observe(ev(agent, at + i * 2 * MINUTE, { ip: i % 2 ? other : usual }), { reporter })).flat()
      return medium([...found, ...d.release(at + 2 * HOUR)].filter((a) => a.agent === agent))
    }
    interface Pool { count?: number; apartMinutes?: number; daysAfter?: number; reporter?: string; usual?: string; taken?: string; address?: string; madeUp?: string }
    // The services' take-up of the pool's new addresses `taken`.21 and .22 at midnight, then the
    // assistant's morning back and forth between the old network and `address`. (`madeUp`: an
    // address another reporter says a service used there within the hour.)
    const grown = ({ count = 3, apartMinutes = 5, daysAfter = 0, reporter = 'app', usual = '3.120.18', taken = '3.120.19', address = '3.120.19.22', madeUp }: Pool = {}) => {
      const d = detector()
      week(d, [assistant], () => '3.120.18.11')
      week(d, services, (k) => `${usual}.1${k}`, reporter)
      const midnight = later - 10 * HOUR
      for (const [k, svc] of services.slice(0, count).entries()) takeUp(d, svc, midnight + k * apartMinutes * MINUTE, `${usual}.1${k}`, [`${taken}.21`, `${taken}.22`], reporter)
      if (madeUp !== undefined) d.observe(ev(services[0]!, midnight + 20 * MINUTE, { ip: madeUp }), { reporter: 'evil' })
      d.release(midnight + 6 * HOUR)
      return switching(d, assistant, later + daysAfter * DAY, '3.120.18.11', address)
    }

    it('three agents on its network took the new one up within the hour, nine hours before: not two networks', () => {
      assert.deepEqual(grown(), [])
    })

    it("an hourly job's request from the pool's new address, then from its old one: not two networks either", () => {
      const job = 'did:web:svc.example:audit-exporter'
      const d = detector()
      week(d, [job], () => '3.120.18.11')
      week(d, services, (k) => `3.120.18.1${k}`)
      const midnight = later - 10 * HOUR
      for (const [k, svc] of services.entries()) takeUp(d, svc, midnight + k * 5 * MINUTE, `3.120.18.1${k}`, ['3.120.19.21', '3.120.19.22'])
      d.release(midnight + 6 * HOUR)
      const found = Array.from({ length: 6 }, (_, h) => [0, 1, 2].flatMap((i) => d.observe(ev(job, later + h * HOUR + i * 3 * MINUTE, { ip: i === 0 ? '3.120.19.21' : '3.120.18.11' }), { reporter: 'app' }))).flat()
      assert.deepEqual(medium([...found, ...d.release(later + 8 * HOUR)].filter((a) => a.agent === job)), [])
    })

    it('two of them; three over eighty minutes; two days later; seen by another reporter only; from another network; another new network; or another address of it, even one another reporter says a member used: still two networks', () => {
      const cases: Pool[] = [{ count: 2 }, { apartMinutes: 40 }, { daysAfter: 2 }, { reporter: 'hostile' }, { usual: '3.121.40' }, { taken: '3.120.77' }, { address: '3.120.19.77' }, { address: '3.120.19.77', madeUp: '3.120.19.77' }]
      const said = cases.map((c) => grown(c))
      assert.deepEqual(said.map((x) => x.some((k) => k.startsWith('two-networks/'))), cases.map(() => true), JSON.stringify(said))
    })

    // From the second review (2026-12-07): each walked around the lasting change before it was
    // judged on this event's reporter's addresses alone, and excused each time.
    describe('a thief at another address of the new network', () => {
      const victim = 'did:key:z6Mkvictim'
      const pool = (extra: readonly string[] = []) => {
        const d = detector()
        week(d, [victim, ...extra, ...services], (k) => `3.120.18.1${k}`)
        const midnight = later - 10 * HOUR
        for (const [k, svc] of services.entries()) takeUp(d, svc, midnight + k * 5 * MINUTE, `3.120.18.1${k + 1 + extra.length}`, ['3.120.19.21', '3.120.19.22'])
        d.release(midnight + 6 * HOUR)
        return d
      }
      const thief = (said: string[]) => said.some((k) => k.startsWith('two-networks/'))

      it("after the owner's own use of the pool an hour before: still two networks", () => {
        const d = pool()
        assert.deepEqual(switching(d, victim, later - HOUR, '3.120.18.10', '3.120.19.21'), [], "the owner's use")
        const said = switching(d, victim, later + HOUR, '3.120.18.10', '3.120.19.77')
        assert.ok(thief(said), JSON.stringify(said))
      })

      it("with another reporter's made-up request of the agent from a pool address before each of the thief's: still two networks", () => {
        const d = pool()
        const found: Anomaly[] = []
        for (let i = 0; i < 12; i++) {
          // (Before each of the thief's: its finding, held first, is the one the honest reporter's joins.)
          if (i % 2) d.observe(ev(victim, later + i * 2 * MINUTE - 1000, { ip: '3.120.19.21' }), { reporter: 'evil' })
          found.push(...d.observe(ev(victim, later + i * 2 * MINUTE, { ip: i % 2 ? '3.120.19.77' : '3.120.18.10' }), { reporter: 'app' }))
        }
        const said = medium([...found, ...d.release(later + 3 * HOUR)].filter((a) => a.agent === victim && a.evidence.includes('app')))
        assert.ok(thief(said), JSON.stringify(said))
      })

      it('with one controlled agent on its network taking the new one up alone from that address: still two networks', () => {
        const bot = 'did:web:svc.example:insider-bot'
        const d = pool([bot])
        for (let i = 0; i < 4; i++) d.observe(ev(bot, later - HOUR + i * MINUTE, { ip: i === 0 ? '3.120.18.11' : '3.120.19.77' }), { reporter: 'app' })
        d.release(later - MINUTE)
        const said = switching(d, victim, later, '3.120.18.10', '3.120.19.77')
        assert.ok(thief(said), JSON.stringify(said))
      })

      // From the third review: the address must be one of the change's own members, the earliest
      // three within the hour and within the two days, in that member's first hour.
      it('with a controlled agent taking it up from that address among the followers of nine, or between two of them: still two networks', () => {
        const bot = 'did:web:svc.example:insider-bot'
        const followers = ['did:key:z6Mkfollow1', 'did:key:z6Mkfollow2']
        const nine = later - 5 * HOUR
        for (const botAt of [10 * MINUTE, 55 * MINUTE]) {
          const d = pool([bot, ...followers])
          // (Followers at nine and at nine twenty, or at nine and ten to eleven; the bot between.)
          takeUp(d, followers[0]!, nine, '3.120.18.12', ['3.120.19.22'])
          for (let i = 0; i < 4; i++) d.observe(ev(bot, nine + botAt + i * MINUTE, { ip: i === 0 ? '3.120.18.11' : '3.120.19.77' }), { reporter: 'app' })
          takeUp(d, followers[1]!, nine + 2 * botAt, '3.120.18.13', ['3.120.19.21'])
          d.release(later - MINUTE)
          const said = switching(d, victim, later, '3.120.18.10', '3.120.19.77')
          assert.ok(thief(said), `bot ${botAt / MINUTE} min after nine: ${JSON.stringify(said)}`)
        }
      })

      it('with a controlled agent and two others taking it up from that address four days before, kept alive by a joiner a day: still two networks', () => {
        const bot = 'did:web:svc.example:insider-bot'
        const early = ['did:key:z6Mkearly1', 'did:key:z6Mkearly2']
        const joiners = ['did:key:z6Mkjoin1', 'did:key:z6Mkjoin2', 'did:key:z6Mkjoin3']
        const all = [victim, bot, ...early, ...joiners, ...services]
        const d = detector()
        week(d, all, (k) => `3.120.18.${10 + k}`)
        const start = later
        takeUp(d, early[0]!, start, '3.120.18.12', ['3.120.19.22'])
        for (let i = 0; i < 4; i++) d.observe(ev(bot, start + 20 * MINUTE + i * MINUTE, { ip: i === 0 ? '3.120.18.11' : '3.120.19.77' }), { reporter: 'app' })
        takeUp(d, early[1]!, start + 40 * MINUTE, '3.120.18.13', ['3.120.19.21'])
        for (let day = 1; day <= 4; day++) {
          // Each on its own network each day (learned and recent); one joiner a day keeps the record.
          for (const [k, a] of all.entries()) for (let i = 0; i < 3; i++) d.observe(ev(a, start + day * DAY - 8 * HOUR + k * MINUTE + i * 10 * MINUTE, { ip: `3.120.18.${10 + k}` }), { reporter: 'app' })
          if (day <= 3) takeUp(d, joiners[day - 1]!, start + day * DAY - 5 * HOUR, `3.120.18.${14 + day - 1}`, ['3.120.19.22'])
        }
        // Today the pool grows for real, at midnight.
        const midnight = start + 4 * DAY - 10 * HOUR
        for (const [k, svc] of services.entries()) takeUp(d, svc, midnight + k * 5 * MINUTE, `3.120.18.${17 + k}`, ['3.120.19.21', '3.120.19.22'])
        d.release(midnight + 6 * HOUR)
        const said = switching(d, victim, start + 4 * DAY, '3.120.18.10', '3.120.19.77')
        assert.ok(thief(said), JSON.stringify(said))
      })

      it("with a member of the change using that address once its table of networks forgot the pool: still two networks", () => {
        const insider = 'did:web:svc.example:insider-svc'
        const d = detector()
        week(d, [victim, insider, ...services], (k) => `3.120.18.1${k}`)
        const midnight = later - 13 * HOUR
        for (const [k, svc] of services.entries()) takeUp(d, svc, midnight + k * 5 * MINUTE, `3.120.18.1${k + 2}`, ['3.120.19.21', '3.120.19.22'])
        // The insider in the change (its network half an hour before, then the pool only).
        d.observe(ev(insider, midnight - 30 * MINUTE, { ip: '3.120.18.11' }), { reporter: 'app' })
        for (let i = 0; i < 4; i++) d.observe(ev(insider, midnight + 15 * MINUTE + i * MINUTE, { ip: '3.120.19.21' }), { reporter: 'app' })
        d.release(midnight + 6 * HOUR)
        // At ten, 63 one-off networks fill its table; past the turns' hour, the pool from .77.
        let t = midnight + 10 * HOUR
        for (let x = 0; x < 63; x++) {
          d.observe(ev(insider, t, { ip: '3.120.18.11' }), { reporter: 'app' })
          d.observe(ev(insider, (t += 10_000), { ip: `198.51.${x}.1` }), { reporter: 'app' })
          t += 10_000
        }
        t += 70 * MINUTE
        for (let i = 0; i < 3; i++) d.observe(ev(insider, (t += 30_000), { ip: '3.120.19.77' }), { reporter: 'app' })
        d.release(midnight + 12 * HOUR)
        const said = switching(d, victim, midnight + 13 * HOUR, '3.120.18.10', '3.120.19.77')
        assert.ok(thief(said), JSON.stringify(said))
      })
    })

    // From the adversarial review of the first version (2026-12-07).
    it("another reporter's made-up change does not make a real one of two days the agent's network for good to an honest reporter", () => {
      const victim = 'did:web:svc.example:victim'
      const laptops = ['did:key:z6Mklap1', 'did:key:z6Mklap2', 'did:key:z6Mklap3']
      const madeUp = ['did:key:z6Mkfake1', 'did:key:z6Mkfake2', 'did:key:z6Mkfake3']
      const d = detector()
      week(d, [victim, ...laptops], (k) => `81.2.3.1${k}`)
      // The laptops move to an offsite's network, seen by the honest reporter.
      const change = later - 2 * DAY
      laptops.forEach((l, k) => takeUp(d, l, change + k * 10 * MINUTE, `81.2.3.1${k + 1}`, [`5.6.7.${30 + k}`]))
      d.release(change + 3 * HOUR)
      // A day later a hostile reporter makes up three agents on the office network taking up the
      // offsite's, and the victim there beside them (credible to itself).
      const hostile = change + DAY
      for (const [k, f] of madeUp.entries()) for (let i = 0; i < 6; i++) d.observe(ev(f, hostile - 3 * HOUR + k * MINUTE + i * 10 * MINUTE, { ip: `81.2.3.5${k}` }), { reporter: 'evil' })
      madeUp.forEach((f, k) => takeUp(d, f, hostile + k * 5 * MINUTE, `81.2.3.5${k}`, [`5.6.7.${60 + k}`], 'evil'))
      switching(d, victim, hostile + 30 * MINUTE, '81.2.3.10', '5.6.7.30', 'evil')
      // Ten days later a thief at the offsite's address, reported by the honest verifier.
      const said = switching(d, victim, change + 10 * DAY, '81.2.3.10', '5.6.7.30')
      assert.ok(said.some((k) => k.startsWith('two-networks/')), JSON.stringify(said))
    })

    // A failover: the victim and two others of its network moving to the standby within minutes.
    const failover = (d: AnomalyDetector, at: number) => {
      const peers = ['did:web:svc.example:p1', 'did:web:svc.example:p2']
      peers.forEach((p, k) => takeUp(d, p, at + k * 2 * MINUTE, `81.2.3.1${k + 1}`, [`82.9.9.${k + 1}`]))
      return switching(d, 'did:web:svc.example:victim', at + 5 * MINUTE, '81.2.3.10', '82.9.9.9')
    }
    const onOffice = ['did:web:svc.example:victim', 'did:web:svc.example:p1', 'did:web:svc.example:p2']

    it('a burst of made-up take-ups of three filling the table does not lock the next real change out', () => {
      const d = detector()
      week(d, onOffice, (k) => `81.2.3.1${k}`)
      const burst = later - 3 * HOUR
      for (let t = 0; t < 18; t++) {
        const three = [0, 1, 2].map((k) => `did:key:z6Mkburst${t}x${k}`)
        for (const [k, f] of three.entries()) for (let i = 0; i < 6; i++) d.observe(ev(f, burst - 2 * HOUR + i * MINUTE, { ip: `44.${t}.0.${k + 1}` }), { reporter: 'evil' })
        for (const [k, f] of three.entries()) for (let n = 0; n < 60; n++) d.observe(ev(f, burst + n * 10_000 + k * 1000, { ip: `45.${t}.${n}.${k + 1}` }), { reporter: 'evil' })
      }
      for (const [k, a] of onOffice.entries()) d.observe(ev(a, later - 30 * MINUTE, { ip: `81.2.3.1${k}` }), { reporter: 'app' })
      assert.deepEqual(failover(d, later), [])
    })

    it('a record full of a slow migration over two days still takes the latest members in', () => {
      const d = detector()
      const slow = Array.from({ length: 32 }, (_, k) => `did:web:svc.example:slow${k}`)
      week(d, [...onOffice, ...slow], (k) => `81.2.3.${10 + k}`)
      slow.forEach((a, k) => {
        const at = later - 45 * HOUR + k * 80 * MINUTE
        d.observe(ev(a, at - 10 * MINUTE, { ip: `81.2.3.${13 + k}` }), { reporter: 'app' })
        takeUp(d, a, at, `81.2.3.${13 + k}`, [`82.9.9.${100 + k}`])
      })
      for (const [k, a] of onOffice.entries()) d.observe(ev(a, later - 20 * MINUTE, { ip: `81.2.3.1${k}` }), { reporter: 'app' })
      assert.deepEqual(failover(d, later), [])
    })
  })

  // From an adversarial review: each of these walked around a check before it was fixed.
  it("one event of a peer's from an address is not the group's network: switching with it is still two networks", () => {
    const d = fleet(() => ({ groups: ['team:remote'] }), (_agent, i) => (i % 2 ? '172.20.1.5' : '172.21.1.5'))
    d.observe(ev(members[1]!, later - 3 * DAY, { ip: '34.12.9.1' })) // a controlled peer, or a report about it
    const out: string[] = []
    for (let i = 0; i < 8; i++) out.push(...medium(d.observe(ev(members[0]!, later + i * 2 * MINUTE, { ip: i % 2 ? '34.12.9.1' : '172.20.1.5' }))))
    assert.ok(out.includes('two-networks/high'), JSON.stringify(out))
  })

  // From a review (2026-12-07): a team mate's network counted while anyone in the group used it
  // within the 30 days, the agent itself included: a thief's first day on a network a mate left
  // long ago made it the team's again, and its switches ordinary from the next day.
  describe("a team mate's network, as the reporter saw it used", () => {
    const old = '34.9.0.5'
    const thiefNet = '198.51.100.9'
    const make = () => new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: () => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO]]) }) })
    // 45 days of the team at the office, the second member on `old` on its first four.
    const team = () => {
      const d = make()
      for (let day = 0; day < 45; day++) for (const [k, m] of members.entries()) for (let i = 0; i < 6; i++) {
        const at = base + day * DAY + k * MINUTE + i * 10 * MINUTE
        d.observe(ev(m, at, { ip: m === members[1] && day < 4 ? old : '10.0.0.1' }), { reporter: 'svc', receivedAt: at })
      }
      return d
    }
    const o = (d: AnomalyDetector, agent: string, at: number, ip: string, reporter: string) => medium(d.observe(ev(agent, at, { ip }), { reporter, receivedAt: at }))
    // The first member back and forth between the office and `net`, as the honest verifier saw it.
    const night = (d: AnomalyDetector, at: number, net: string) => {
      const found = Array.from({ length: 8 }, (_, i) => d.observe(ev(members[0]!, at + i * 2 * MINUTE, { ip: i % 2 ? net : '10.0.0.1' }), { reporter: 'svc', receivedAt: at + i * 2 * MINUTE })).flat()
      return medium([...found, ...d.release(at + 2 * HOUR)].filter((a) => a.agent === members[0])).some((k) => k.startsWith('two-networks/'))
    }

    // From a review (2026-12-07): a network was learned at an agent's first use there when a team
    // mate had used it while anyone in the group used it within the 30 days, the agent itself
    // included: a thief's first day on a network a mate left long ago made it the team's again,
    // and its switches ordinary from the next day. Now only a mate that uses it as its own (three
    // days), as the reporter saw it there within the 30 days, teaches it (settledPeers).
    for (const restart of ['', ' (after a restart)']) {
      it(`a network a team mate left long ago is not made the team's again by the agent's own use: the next day is still two networks${restart}`, () => {
        let d = team()
        const first = night(d, base + 45 * DAY + 2 * HOUR, old)
        if (restart) {
          const rows = d.takeDirty()
          d = make()
          d.load(rows)
        }
        assert.deepEqual([first, night(d, base + 46 * DAY + 2 * HOUR, old)], [true, true])
      })
    }

    // From the review of a first mend (f2456f8): a team mate's use made a network learned whoever
    // reported it and however briefly the mate used it, and learned more than a day after the
    // agent's first use there (whoever reported that) is established to every reporter.
    it("nor by a hostile reporter's one made-up event of the mate there, nor a controlled mate's one real use", () => {
      const madeUp = team()
      o(madeUp, members[1]!, base + 44 * DAY + 90 * MINUTE, old, 'hostile')
      const controlled = team()
      o(controlled, members[2]!, base + 45 * DAY + 90 * MINUTE, thiefNet, 'svc')
      assert.deepEqual([night(madeUp, base + 45 * DAY + 2 * HOUR, old), night(madeUp, base + 46 * DAY + 2 * HOUR, old)], [true, true], 'made up')
      assert.deepEqual([night(controlled, base + 48 * DAY + 2 * HOUR, thiefNet), night(controlled, base + 49 * DAY + 2 * HOUR, thiefNet)], [true, true], 'controlled')
    })

    // From the review of the mend (bacda60): a mate's use was noted only for the reporter of its
    // first request of the day there, so with each service reporting its own requests (or a
    // gateway and the service behind it) the team's office was nobody's to the second service;
    // and a ward's or a VPN pool's /24s, each used by a mate on a day or two, were no mate's own.
    it("the team's office, seen by a service that is not the first of the mates' day, is the team's: for a member's first visit and a dormant credential", () => {
      const office = (k: number) => `81.2.3.${10 + k}`
      const x = 'did:key:z6Mkathome'
      const dormant = 'did:key:z6Mkdormant'
      const d = make()
      for (let day = 0; day < 21; day++) {
        for (const [k, m] of members.entries()) for (let i = 0; i < 6; i++) {
          const at = base + day * DAY + k * MINUTE + i * 10 * MINUTE
          d.observe(ev(m, at, { ip: office(k) }), { reporter: i === 0 ? 'svcA' : 'svcB', receivedAt: at })
        }
        for (let i = 0; i < 6; i++) d.observe(ev(x, base + day * DAY + 5 * MINUTE + i * 10 * MINUTE, { ip: '92.1.1.5' }), { reporter: 'svcB', receivedAt: base + day * DAY + 5 * MINUTE + i * 10 * MINUTE })
      }
      const uses = (agent: string, at: number, ips: readonly string[]) => {
        const found = ips.flatMap((ip, i) => d.observe(ev(agent, at + i * 2 * MINUTE, { ip }), { reporter: 'svcB', receivedAt: at + i * 2 * MINUTE }))
        return medium([...found, ...d.release(at + 3 * HOUR)].filter((a) => a.agent === agent))
      }
      const visit = uses(x, base + 21 * DAY + 2 * HOUR, Array(6).fill(office(9)))
      const switching = uses(x, base + 22 * DAY + 2 * HOUR, Array.from({ length: 8 }, (_, i) => (i % 2 ? '92.1.1.5' : office(9))))
      const firstUse = uses(dormant, base + 22 * DAY + 6 * HOUR, Array(10).fill(office(8)))
      assert.deepEqual({ visit, switching, firstUse }, { visit: [], switching: [], firstUse: [] })
    })

    // From the third review: four reporters were kept per mate's use of a network, the first four
    // for good, so a fifth service the mates reach never saw them there.
    for (const services of [6, 18]) {
      it(`the team's office as the last of ${services} services the mates reach sees it: a member's first visit and its next day`, () => {
        const office = (k: number) => `81.2.3.${10 + k}`
        const x = 'did:key:z6Mkathome'
        const last = `svc${services - 1}`
        const d = make()
        for (let day = 0; day < 21; day++) {
          for (const [k, m] of members.entries()) for (let i = 0; i < services; i++) {
            const at = base + day * DAY + k * MINUTE + i * 2 * MINUTE
            d.observe(ev(m, at, { ip: office(k) }), { reporter: `svc${i}`, receivedAt: at })
          }
          for (let i = 0; i < 6; i++) d.observe(ev(x, base + day * DAY + 5 * MINUTE + i * 10 * MINUTE, { ip: '92.1.1.5' }), { reporter: last, receivedAt: base + day * DAY + 5 * MINUTE + i * 10 * MINUTE })
        }
        const uses = (at: number, ips: readonly string[]) => {
          const found = ips.flatMap((ip, i) => d.observe(ev(x, at + i * 2 * MINUTE, { ip }), { reporter: last, receivedAt: at + i * 2 * MINUTE }))
          return medium([...found, ...d.release(at + 3 * HOUR)].filter((a) => a.agent === x))
        }
        const visit = uses(base + 21 * DAY + 2 * HOUR, Array(6).fill(office(9)))
        const switching = uses(base + 22 * DAY + 2 * HOUR, Array.from({ length: 8 }, (_, i) => (i % 2 ? '92.1.1.5' : office(9))))
        assert.deepEqual({ visit, switching }, { visit: [], switching: [] })
      })
    }

    // From the same review: a sighting's time was renewed only every two days, so a service that
    // saw the mates every day gave way to a one-off reporter before those seen after its renewal.
    it("a service that sees the mates there every day keeps its sighting when one-off reporters fill the list", () => {
      const office = (k: number) => `81.2.3.${10 + k}`
      const x = 'did:key:z6Mkathome'
      const d = make()
      const o = (agent: string, at: number, ip: string, reporter: string) => d.observe(ev(agent, at, { ip }), { reporter, receivedAt: at })
      for (let day = 0; day < 21; day++) {
        // (On the last day, before the mates' requests, eleven one-off reporters of each fill its
        // list; after them, one more.)
        if (day === 20) for (const [k, m] of members.entries()) for (let r = 0; r < 11; r++) o(m, base + day * DAY - 2 * HOUR + k * MINUTE + r * 1000, office(k), `oneoff${r}`)
        for (const [k, m] of members.entries()) for (let i = 0; i < 6; i++) o(m, base + day * DAY + k * MINUTE + i * 10 * MINUTE, office(k), day === 0 && i < 4 ? `gw${i}` : 'svc')
        for (let i = 0; i < 6; i++) o(x, base + day * DAY + 5 * MINUTE + i * 10 * MINUTE, '92.1.1.5', 'svc')
      }
      for (const [k, m] of members.entries()) o(m, base + 20 * DAY + 2 * HOUR + k * MINUTE, office(k), 'oneoff11')
      // The next morning, before the mates' first requests: the member back and forth.
      const at = base + 21 * DAY - 2 * HOUR
      const found = Array.from({ length: 8 }, (_, i) => o(x, at + i * 2 * MINUTE, i % 2 ? '92.1.1.5' : office(9), 'svc')).flat()
      assert.deepEqual(medium([...found, ...d.release(at + 3 * HOUR)].filter((a) => a.agent === x)), [])
    })

    it("a ward's /24s, each used by a team mate on a day or two, are the organisation's: a member's first day there and the next are not two networks", () => {
      const d = make()
      const ward = (day: number, k: number) => `10.250.${(day * 7 + k * 3) % 30}.${20 + k}`
      const x = 'did:key:z6Mkrotating'
      for (let day = 0; day < 21; day++) {
        for (const [k, m] of members.entries()) for (let i = 0; i < 6; i++) {
          const at = base + day * DAY + k * MINUTE + i * 10 * MINUTE
          d.observe(ev(m, at, { ip: ward(day, k) }), { reporter: 'svc', receivedAt: at })
        }
        for (let i = 0; i < 6; i++) d.observe(ev(x, base + day * DAY + 5 * MINUTE + i * 10 * MINUTE, { ip: i % 3 ? '10.30.39.7' : '92.1.1.5' }), { reporter: 'svc', receivedAt: base + day * DAY + 5 * MINUTE + i * 10 * MINUTE })
      }
      const uses = (at: number, ips: readonly string[]) => {
        const found = ips.flatMap((ip, i) => d.observe(ev(x, at + i * 2 * MINUTE, { ip }), { reporter: 'svc', receivedAt: at + i * 2 * MINUTE }))
        return medium([...found, ...d.release(at + 3 * HOUR)].filter((a) => a.agent === x))
      }
      const first = uses(base + 21 * DAY + 2 * HOUR, Array(6).fill(ward(15, 1)))
      const next = uses(base + 22 * DAY + 2 * HOUR, Array.from({ length: 8 }, (_, i) => (i % 2 ? '92.1.1.5' : ward(16, 2))))
      assert.deepEqual({ first, next }, { first: [], next: [] })
    })

    it("two made-up events, a mate's and the agent's, on the thief's network do not silence the honest verifier's first day there", () => {
      const d = team()
      const t = base + 45 * DAY + 90 * MINUTE
      assert.deepEqual([...o(d, members[3]!, t, thiefNet, 'hostile'), ...o(d, members[0]!, t + MINUTE, thiefNet, 'hostile')], [], 'quiet')
      assert.ok(night(d, base + 48 * DAY + 2 * HOUR, thiefNet), 'said')
    })
  })

  it('an action learned on one family is still new on another (a scratch delete does not learn payroll deletes)', () => {
    const grants = new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:bots'], entitlements: grants }), undefined)
    // Payroll read on three days (a habit of what it is entitled to), then one scratch delete.
    for (let day = 0; day < 3; day++) d.observe(ev(members[0]!, later + day * DAY, { resource: 'hr:payroll/1' }))
    d.observe(ev(members[0]!, later + 3 * DAY, { action: 'delete' }))
    const payroll = Array.from({ length: 5 }, (_, i) => medium(d.observe(ev(members[0]!, later + 4 * DAY + i * MINUTE, { resource: `hr:payroll/${i}`, action: 'delete' })))).flat()
    assert.ok(payroll.some((k) => k.startsWith('new-action/')), JSON.stringify(payroll))
  })

  // A job that reads `other` (entitled, on three days), then deletes once on db:a, days later:
  // its first delete ever (returned: what was said of it).
  function cleanupJob(other: string) {
    const grants = new Map([['db:a', LONG_AGO], [other, LONG_AGO]])
    const d = fleet(() => ({ groups: ['team:bots'], entitlements: grants }))
    for (let day = 0; day < 3; day++) d.observe(ev(members[0]!, later + day * DAY, { resource: `${other}/1` }))
    // (The reads' findings said, days before: within the hour, they would make it teach nothing.)
    d.release(later + 2 * DAY + HOUR)
    d.observe(ev(members[0]!, later + 5 * DAY, { resource: 'db:a/5', action: 'delete' }))
    return { d, first: medium(d.release(later + 5 * DAY + HOUR)) }
  }

  it('a cleanup job that deleted on one family of its own on an earlier day, deleting once on another it knows, is low (explained to the reporter that saw it, no alert); three deletes there within the hour are medium', () => {
    const { d, first } = cleanupJob('db:b')
    assert.ok(first.length === 1 && first[0]!.startsWith('new-action/'), `its first delete ever: ${JSON.stringify(first)}`)
    const once = d.inspect(ev(members[0]!, later + 10 * DAY, { resource: 'db:b/7', action: 'delete' }))
    assert.deepEqual(once.map((a) => `${a.kind}/${a.severity}/${a.explained ? 'explained' : 'alert'}`), ['new-action/low/explained'])
    assert.deepEqual(medium(d.release(later + 10 * DAY + 30 * MINUTE)), [], 'not said later either')
    const burst = [1, 2].flatMap((i) => medium(d.observe(ev(members[0]!, later + 10 * DAY + 30 * MINUTE + i * MINUTE, { resource: `db:b/${7 + i}`, action: 'delete' }))))
    burst.push(...medium(d.release(later + 10 * DAY + 2 * HOUR)))
    assert.ok(burst.includes('new-action/medium') || burst.includes('new-action/high'), JSON.stringify(burst))
  })

  it('walk-around closed: deletes on another family by a job that deletes elsewhere are low two a day at most, and never teach it', () => {
    const { d } = cleanupJob('hr:payroll')
    // Two deletes of payroll records an hour apart on each of three days: low; a third in a day is not.
    const said: string[] = []
    for (let day = 10; day < 13; day++) {
      for (let i = 0; i < 2; i++) said.push(...d.inspect(ev(members[0]!, later + day * DAY + i * 2 * HOUR, { resource: `hr:payroll/${day * 10 + i}`, action: 'delete' })).map((a) => `${a.kind}/${a.severity}`))
      said.push(...medium(d.release(later + day * DAY + 3 * HOUR)))
    }
    assert.deepEqual([...new Set(said)], ['new-action/low'], JSON.stringify(said))
    d.observe(ev(members[0]!, later + 12 * DAY + 4 * HOUR, { resource: 'hr:payroll/999', action: 'delete' }))
    assert.deepEqual(medium(d.release(later + 12 * DAY + 5 * HOUR)), ['new-action/medium'], 'the third of the day')
  })

  // From a review of explained findings (2026-12-06): what explains the use elsewhere must be a
  // use its reporter saw. Another reporter's made-up delete on a family the job was just granted
  // is learned at once, and explained the thief's deletes elsewhere out of the alerts.
  it("a job's deletes elsewhere explain a delete only to the reporter that saw them: another reporter's made-up delete leaves it an alert", () => {
    const grants = new Map([['db:a', LONG_AGO], ['db:b', LONG_AGO], ['crm:leads', later]])
    const d = fleet(() => ({ groups: ['team:bots'], entitlements: grants }))
    for (let day = 0; day < 3; day++) d.observe(ev(members[0]!, later + day * DAY, { resource: 'db:b/1' }), { reporter: 'db-service' })
    d.release(later + 2 * DAY + HOUR)
    // Made up: a delete on the family just granted, learned at once (the grant explains it).
    assert.deepEqual(d.observe(ev(members[0]!, later + 3 * DAY, { resource: 'crm:leads/1', action: 'delete' }), { reporter: 'hostile' }), [])
    const thief = d.inspect(ev(members[0]!, later + 4 * DAY, { resource: 'db:b/7', action: 'delete' }), { reporter: 'db-service' })
    assert.deepEqual(thief.map((a) => `${a.kind}/${a.severity}/${a.reported}/${a.explained ?? false}`), ['new-action/low/true/false'])
    // The same job's own delete, seen by the same verifier on an earlier day, explains it.
    const { d: job } = cleanupJob('db:b')
    assert.deepEqual(job.inspect(ev(members[0]!, later + 10 * DAY, { resource: 'db:b/7', action: 'delete' }), { reporter: 'another-service' }).map((a) => `${a.kind}/${a.reported}`), ['new-action/true'], 'not to another reporter')
    // Who saw it is kept with the baseline: after a restart it explains the same.
    const { d: kept } = cleanupJob('db:b')
    const restarted = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: () => ({ groups: ['team:bots'], entitlements: new Map([['db:a', LONG_AGO], ['db:b', LONG_AGO]]) }) })
    assert.ok(restarted.load(kept.takeDirty()) > 0)
    assert.deepEqual(restarted.inspect(ev(members[0]!, later + 10 * DAY, { resource: 'db:b/7', action: 'delete' })).map((a) => `${a.kind}/${a.explained ?? false}`), ['new-action/true'])
  })

  it('deletes on another family said medium on a day (the third) are learned from a later quiet day, as any first use said so', () => {
    // A manager who updates the wiki, updating reviews a dozen times a day in review season: each
    // day began with two low uses, which taught nothing, so the third was said every day.
    const { d } = cleanupJob('db:b')
    const deletes = (day: number, n: number) => {
      const said: string[] = []
      for (let i = 0; i < n; i++) said.push(...medium(d.observe(ev(members[0]!, later + day * DAY + i * 20 * MINUTE, { resource: `db:b/${day * 10 + i}`, action: 'delete' }))))
      return [...said, ...medium(d.release(later + day * DAY + 3 * HOUR))]
    }
    assert.deepEqual(deletes(10, 3), ['new-action/medium'], 'the third of its first day')
    assert.deepEqual(deletes(11, 1), [], 'a quiet use on a later day')
    assert.deepEqual(deletes(12, 3), [], 'learned: three a day, as on its first')
  })

  it('uses of a rare action ramped up day by day do not raise their own limit', () => {
    const d = fleet(() => ({ groups: ['team:bots'] }))
    d.observe(ev(members[0]!, later, { action: 'delete' }))
    const days = [5, 20, 80].map((count, k) => Array.from({ length: count }, (_, i) => medium(d.observe(ev(members[0]!, later + (k + 1) * DAY + i * 20_000, { action: 'delete' })))).flat())
    assert.ok(days[1]!.some((x) => x.startsWith('new-action/')) && days[2]!.some((x) => x.startsWith('new-action/')), JSON.stringify(days))
  })

  it('refusals of other members (which anyone can provoke) make no group change of reads it holds no entitlement to', () => {
    const d = fleet(() => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO]]) }))
    for (const [k, m] of members.slice(1, 3).entries()) d.observe(ev(m, later + k * MINUTE, { resource: 'hr:payroll/1', segment: 'hr', decision: 'deny', code: 'ERR_NOT_ENTITLED' }))
    const found = medium(d.observe(ev(members[0]!, later + 10 * MINUTE, { resource: 'hr:payroll/2', segment: 'hr' })))
    assert.ok(found.includes('new-resource/high'), JSON.stringify(found))
  })

  // From an adversarial review of the hold for the group: each of these walked around it.
  describe('the hold for the group, under attack', () => {
    const refusal = (agent: string, at: number, resource = 'hr:payroll/1', action = 'read') => ev(agent, at, { resource, action, segment: 'hr', decision: 'deny', code: 'ERR_NOT_ENTITLED' })
    // A reach: a refused read, and a refused export ten seconds later (one alone, or a read
    // and another read, one stray's attempt, is held low).
    const reach = (d: AnomalyDetector, agent: string, at: number, o: { reporter?: string; receivedAt?: number; resource?: string } = {}) => {
      const { resource = 'hr:payroll/1', ...opts } = o
      d.observe(refusal(agent, at, resource), { ...opts, ...(opts.receivedAt !== undefined ? { receivedAt: opts.receivedAt } : {}) })
      d.observe(refusal(agent, at + 10_000, `${resource.split('/')[0]}/2`, 'export'), { ...opts, ...(opts.receivedAt !== undefined ? { receivedAt: opts.receivedAt + 10_000 } : {}) })
    }
    const heldFleet = () => fleet(() => ({ groups: ['team:fin', 'role:company'], entitlements: new Map([['db:a', LONG_AGO]]) }))
    const highAbout = (found: Anomaly[], agent: string) => found.filter((a) => a.agent === agent && a.severity !== 'low').map((a) => `${a.kind}/${a.severity}`)

    it("first uses made up by one other reporter do not explain away what a verifier saw; from the verifier's own reports they do", () => {
      const d = heldFleet()
      reach(d, members[0]!, later, { reporter: 'hr-service' })
      for (const [k, m] of members.slice(1, 3).entries()) d.observe(refusal(m, later + (k + 1) * MINUTE), { reporter: 'hostile' })
      const hostile = highAbout(d.release(later + HOUR), members[0]!)
      assert.ok(hostile.includes('new-resource/medium'), JSON.stringify(hostile))
      const e = heldFleet()
      reach(e, members[0]!, later, { reporter: 'hr-service' })
      for (const [k, m] of members.slice(1, 3).entries()) e.observe(refusal(m, later + (k + 1) * MINUTE), { reporter: 'hr-service' })
      assert.deepEqual(highAbout(e.release(later + HOUR), members[0]!), [], 'a group refused at once by the same verifier')
    })

    // From the third and fourth reviews: judged for each of its reporters, or as the first one
    // alone sees the group, an honest re-org whose requests a gateway and the service both report
    // (in either order) was said high on both and corroborated: the mates' first uses are
    // remembered with whichever reported them first. And a hostile reporter repeating a member's
    // held finding had it said, on the honest verifier's evidence too.
    it("a group change seen by two verifiers in either order, or repeated by a hostile reporter, is still the group's", () => {
      for (const order of [['hr-gw', 'hr-service'], ['hr-service', 'hr-gw']]) {
        const d = heldFleet()
        // The first member's requests reach one verifier first, its team mates' the other.
        for (const [k, m] of members.slice(0, 3).entries()) for (const [j, r] of (k === 0 ? order : [...order].reverse()).entries()) d.observe(refusal(m, later + k * MINUTE + j * 500), { reporter: r })
        const released = d.release(later + HOUR)
        const both = members.slice(0, 3).flatMap((m) => highAbout(released, m))
        assert.deepEqual(both, [], `two verifiers of the same requests, ${order.join(' then ')} first for the first member`)
      }
      // A hostile repeat of an honest group change is said on its own word alone (which it has
      // anyway: it can make up a finding of its own), never on the honest verifier's evidence.
      const e = heldFleet()
      e.observe(refusal(members[0]!, later), { reporter: 'hr-service' })
      e.observe(refusal(members[0]!, later + 20_000, 'hr:payroll/7'), { reporter: 'hostile' })
      for (const [k, m] of members.slice(1, 3).entries()) e.observe(refusal(m, later + (k + 1) * MINUTE), { reporter: 'hr-service' })
      const repeat = e.release(later + HOUR).filter((a) => a.agent === members[0] && a.severity !== 'low')
      assert.deepEqual([...new Set(repeat.flatMap((a) => a.evidence))], ['hostile'], 'a hostile repeat')
    })

    // From the third and fourth reviews: a hostile reporter's made-up first uses of team mates
    // explained away an honest verifier's finding: when it reported the finding too (first, or as
    // a repeat), with a second colluding reporter, or before the honest report came (at once).
    it('made-up first uses of team mates explain away no honest finding: pre-empted, repeated, from two colluders, or made up before it', () => {
      // What was said about the first member (medium or above) on the honest verifier's evidence.
      const honestSaid = (found: ReturnType<AnomalyDetector['release']>) => found.filter((a) => a.agent === members[0] && a.severity !== 'low' && a.evidence.includes('hr-service')).map((a) => a.kind)
      // Reported first by the hostile reporter, with two mates it made up; then by the honest one.
      const d = heldFleet()
      d.observe(refusal(members[0]!, later - 10_000), { reporter: 'hostile' })
      for (const [k, m] of members.slice(1, 3).entries()) d.observe(refusal(m, later - 20_000 + k * 1000), { reporter: 'hostile' })
      reach(d, members[0]!, later, { reporter: 'hr-service' })
      assert.ok(honestSaid(d.release(later + HOUR)).includes('new-resource'), 'pre-empted')
      // Two colluding reporters, one made-up mate each, on a family of the agent's own segment.
      // (A segment's change, seen by all its services, takes one member from each other reporter:
      // two colluders can make one up. See Credible.)
      const e = heldFleet()
      const ownSegment = (m: string, at: number) => ({ ...refusal(m, at), segment: 'ops' })
      e.observe(ownSegment(members[0]!, later), { reporter: 'hr-service' })
      e.observe({ ...ownSegment(members[0]!, later + 10_000), resource: 'hr:payroll/2', action: 'export' }, { reporter: 'hr-service' })
      for (const [k, m] of members.slice(1, 3).entries()) e.observe(ownSegment(m, later + (k + 1) * MINUTE), { reporter: `hostile-${k}` })
      assert.ok(honestSaid(e.release(later + HOUR)).includes('new-resource'), 'two colluders')
      // Mates made up before the honest report: an allowed use of a family held long and never
      // used (a dormant grant) was a group change at once, `low`, never held.
      const f = fleet(() => ({ groups: ['team:fin', 'role:company'], entitlements: new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]]) }))
      for (const [k, m] of members.slice(1, 3).entries()) f.observe(ev(m, later - 10 * MINUTE + k * MINUTE, { resource: 'hr:payroll/1', segment: 'hr' }), { reporter: 'hostile' })
      const atOnce = f.inspect(ev(members[0]!, later, { resource: 'hr:payroll/2', segment: 'hr' }), { reporter: 'hr-service' })
      assert.ok(!atOnce.some((a) => a.kind === 'new-resource' && a.severity === 'low' && a.details.adoptedBy !== undefined), JSON.stringify(atOnce))
      assert.ok(honestSaid(f.release(later + HOUR)).includes('new-resource'), 'made up before it')
      // The same mates reported by the honest verifier itself are the group's change, at once.
      const g = fleet(() => ({ groups: ['team:fin', 'role:company'], entitlements: new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]]) }))
      for (const [k, m] of members.slice(1, 3).entries()) g.observe(ev(m, later - 10 * MINUTE + k * MINUTE, { resource: 'hr:payroll/1', segment: 'hr' }), { reporter: 'hr-service' })
      const group = g.inspect(ev(members[0]!, later, { resource: 'hr:payroll/2', segment: 'hr' }), { reporter: 'hr-service' })
      assert.deepEqual(group.filter((a) => a.agent === members[0] && a.kind === 'new-resource').map((a) => `${a.severity}/${a.details.adoptedBy}/${a.explained}`), ['low/2/true'])
      assert.deepEqual(honestSaid(g.release(later + HOUR)), [], 'reported by the verifier itself')
    })

    // From a review of who may explain a finding away (fifth session of 2026-12-04): a hostile
    // reporter's own view of the group made lasting changes an honest verifier's view could not undo.
    describe("a hostile reporter's view changes nothing an honest verifier judges", () => {
      const thief = '203.0.113.7'
      function recorder(d: AnomalyDetector) {
        const heard: Anomaly[] = []
        return { heard, o: (e: ReturnType<typeof ev>, reporter: string, receivedAt = e.at) => { heard.push(...d.observe(e, { reporter, receivedAt })) } }
      }
      const saidBy = (heard: Anomaly[], kind: string, reporter: string) => heard.filter((a) => a.agent === members[0] && a.kind === kind && a.severity !== 'low' && a.evidence.includes(reporter))

      // Made-up mates on the thief's network and one made-up use of it by the agent beside them
      // made it the agent's own for good (kept): the thief's switches were never said again.
      it("made-up team mates on a thief's network, and the agent's use beside them, do not make it the agent's own", () => {
        for (const when of ['before', 'during'] as const) {
          const d = heldFleet()
          const { heard, o } = recorder(d)
          const makeUp = (at: number) => {
            for (const [k, m] of members.slice(1, 3).entries()) o(ev(m, at + k * 1000, { ip: thief }), 'hostile')
            o(ev(members[0]!, at + 5000, { ip: thief }), 'hostile')
          }
          o(ev(members[0]!, later - 10 * MINUTE), 'svc')
          if (when === 'before') makeUp(later - 6 * MINUTE)
          for (let i = 0; i < 6; i++) {
            o(ev(members[0]!, later + i * MINUTE, { ip: i % 2 === 0 ? thief : '10.0.0.1' }), 'svc')
            if (when === 'during' && i === 0) makeUp(later + 10_000)
          }
          heard.push(...d.release(later + HOUR))
          const first = saidBy(heard, 'two-networks', 'svc').length
          for (let i = 0; i < 4; i++) o(ev(members[0]!, later + 2 * HOUR + i * MINUTE, { ip: i % 2 === 0 ? thief : '10.0.0.1' }), 'svc')
          heard.push(...d.release(later + 4 * HOUR))
          const again = saidBy(heard, 'two-networks', 'svc').length - first
          assert.ok(first > 0 && again > 0, `${when}: ${first} then ${again}`)
        }
      })

      // From a second review: who reported a first use was kept with no time, so team mates the
      // honest verifier saw take a key up days before, "taking it up" again in made-up events
      // once the group's adoption had ended, counted as the honest verifier's own sightings.
      it("a team's adoption the verifier saw days before does not vouch for the same first uses made up now", () => {
        const grant = () => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]]) })
        const d = fleet(grant)
        const { heard, o } = recorder(d)
        for (const [k, m] of members.slice(1, 3).entries()) o(ev(m, later + k * MINUTE, { resource: 'hr:payroll/1', segment: 'hr' }), 'hr-service')
        // Days of ordinary work (the adoption ends two days after its last member).
        for (let day = 0; day < 4; day++) for (const [k, m] of members.entries()) for (let i = 0; i < 3; i++) o(ev(m, later + day * DAY + 3 * HOUR + k * MINUTE + i * 10 * MINUTE), 'svc')
        const now = later + 3 * DAY + 5 * HOUR
        for (const [k, m] of members.slice(1, 3).entries()) o(ev(m, now + k * MINUTE, { resource: 'hr:payroll/1', segment: 'hr' }), 'hostile')
        const from = heard.length
        o(ev(members[0]!, now + 5 * MINUTE, { resource: 'hr:payroll/2', segment: 'hr' }), 'hr-service')
        heard.push(...d.release(now + 2 * HOUR))
        assert.ok(saidBy(heard.slice(from), 'new-resource', 'hr-service').length > 0, 'a family')
        // The same with a network: a mate seen moving to a new node subnet of 10/8 days before,
        // two "moving" again in made-up events now, and a thief on another subnet of 10/8.
        const e = fleet(() => ({ groups: ['team:fin', 'role:company'], entitlements: new Map([['db:a', LONG_AGO]]) }))
        const net = recorder(e)
        for (let i = 0; i < 3; i++) net.o(ev(members[1]!, later + i * 10_000, { ip: '10.5.0.9' }), 'svc')
        for (let day = 0; day < 4; day++) for (const [k, m] of members.entries()) for (let i = 0; i < 3; i++) net.o(ev(m, later + day * DAY + 3 * HOUR + k * MINUTE + i * 10 * MINUTE), 'svc')
        for (const [k, m] of members.slice(1, 3).entries()) net.o(ev(m, now - 2 * MINUTE + k * 1000, { ip: `10.7.${k}.9` }), 'hostile')
        const at = net.heard.length
        for (let i = 0; i < 8; i++) net.o(ev(members[0]!, now + i * MINUTE, { ip: i % 2 === 0 ? '10.66.6.6' : '10.0.0.1' }), 'svc')
        net.heard.push(...e.release(now + 2 * HOUR))
        assert.ok(saidBy(net.heard.slice(at), 'two-networks', 'svc').length > 0, 'a private block')
      })

      // From a second review: a network kept in a change of its groups was judged, for another
      // reporter, as of when it was first kept, a moment any reporter's word sets: a hostile one
      // chose the moment one real team mate moved and added one made up.
      it('the moment a network was first taken up is judged on the verifier\'s own sightings only', () => {
        const d = fleet(() => ({ groups: ['team:fin', 'role:company'], entitlements: new Map([['db:a', LONG_AGO]]) }))
        const { heard, o } = recorder(d)
        const T = later + 3 * HOUR
        for (let i = 0; i < 3; i++) o(ev(members[1]!, T + i * 10_000, { ip: '10.5.0.9' }), 'svc')
        o(ev(members[2]!, T + 20_000, { ip: '10.7.0.9' }), 'hostile')
        for (let i = 0; i < 4; i++) o(ev(members[0]!, T + 30_000 + i * 5000, { ip: i % 2 === 0 ? '10.66.6.6' : '10.0.0.1' }), 'hostile')
        heard.push(...d.release(T + 2 * HOUR))
        for (const [k, m] of members.entries()) for (let i = 0; i < 3; i++) o(ev(m, T + 3 * HOUR + k * MINUTE + i * 10 * MINUTE), 'svc')
        const from = heard.length
        for (let i = 0; i < 8; i++) o(ev(members[0]!, T + 7 * HOUR + i * MINUTE, { ip: i % 2 === 0 ? '10.66.6.6' : '10.0.0.1' }), 'svc')
        heard.push(...d.release(T + 9 * HOUR))
        assert.ok(saidBy(heard.slice(from), 'two-networks', 'svc').length > 0, JSON.stringify(heard.slice(from).map((a) => `${a.kind}/${a.severity}`)))
      })

      // From a third review: a made-up first use that came first set a real mate's adoption time
      // (three real mates 0, 50 and 100 minutes apart became 0, 50 and 55: a change that lasts two
      // days), and one made-up member of a segment between two real ones did the same.
      it("one hostile reporter cannot make a team's spread adoption a change that lasts two days", () => {
        const grant = () => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO], ['hr:payroll', LONG_AGO]]) })
        const hr = (m: string, at: number) => ev(m, at, { resource: 'hr:payroll/1', segment: 'hr' })
        for (const attack of ['pre-empted', 'segment'] as const) {
          const d = fleet(grant)
          const { heard, o } = recorder(d)
          o(hr(members[1]!, later), 'hr-service')
          if (attack === 'segment') o(ev(members[3]!, later + 25 * MINUTE, { resource: 'hr:reviews/1', segment: 'hr' }), 'hostile')
          o(hr(members[2]!, later + 50 * MINUTE), 'hr-service')
          if (attack === 'pre-empted') {
            o(hr(members[3]!, later + 55 * MINUTE), 'hostile')
            o(hr(members[3]!, later + 100 * MINUTE), 'hr-service')
          }
          heard.push(...d.release(later + 3 * HOUR))
          for (const [k, m] of members.entries()) o(ev(m, later + 20 * HOUR + k * MINUTE), 'svc')
          const from = heard.length
          o(hr(members[0]!, later + DAY), 'hr-service')
          heard.push(...d.release(later + DAY + 2 * HOUR))
          assert.ok(saidBy(heard.slice(from), 'new-resource', 'hr-service').length > 0, attack)
        }
      })

      // From a third review: a network a team mate used as its own long ago, then left, was made
      // the mate's own again by one made-up event there, and so ordinary for a thief beside it.
      it("one made-up event does not revive a network a team mate left long ago", () => {
        const old = '10.9.0.5'
        const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: () => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO]]) }) })
        for (let day = 0; day < 45; day++) for (const [k, m] of members.entries()) for (let i = 0; i < 6; i++) {
          const at = base + day * DAY + k * MINUTE + i * 10 * MINUTE
          d.observe(ev(m, at, { ip: m === members[1] && day < 4 ? old : '10.0.0.1' }), { reporter: 'svc', receivedAt: at })
        }
        const { heard, o } = recorder(d)
        const now = base + 45 * DAY + 2 * HOUR
        o(ev(members[1]!, now - 5 * MINUTE, { ip: old }), 'hostile')
        for (let i = 0; i < 8; i++) o(ev(members[0]!, now + i * MINUTE, { ip: i % 2 === 0 ? old : '10.0.0.1' }), 'svc')
        heard.push(...d.release(now + 2 * HOUR))
        assert.ok(saidBy(heard, 'two-networks', 'svc').length > 0, JSON.stringify(heard.filter((a) => a.agent === members[0]).map((a) => `${a.kind}/${a.severity}`)))
      })

      // From a fourth review: a team mate the detector knew nothing of yet (newly enrolled, or
      // its baseline evicted) learns whatever it first does, and its use counted as a peer's at
      // once: one made-up event of it excused a thief's use of a dormant grant minutes later.
      it("one made-up event of a team mate new to the detector excuses nothing the same day", () => {
        const fresh = 'did:key:z6MkNew'
        const grant = () => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO], ['db:payroll', LONG_AGO]]) })
        for (const what of ['family', 'segment'] as const) {
          const d = fleet(grant)
          const { heard, o } = recorder(d)
          const fields = what === 'family' ? { resource: 'db:payroll/1' } : { segment: 'hr', resource: undefined }
          o(ev(fresh, later - 2 * MINUTE, fields), 'hostile')
          o(ev(members[0]!, later, fields), 'svc')
          heard.push(...d.release(later + 3 * HOUR))
          assert.ok(saidBy(heard, what === 'family' ? 'new-resource' : 'new-segment', 'svc').length > 0, what)
        }
      })

      // From a fourth review: the team's weekend work keeps one latest time for all its members,
      // so one made-up weekend event of a mate that worked weekends long ago made that work recent
      // again, and a thief's Saturday use of a weekday agent ordinary.
      it("one made-up weekend event does not make a team mate's weekend work of long ago recent again", () => {
        const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 30, matureHours: 0, context: () => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO]]) }) })
        const { heard, o } = recorder(d)
        // The second member was on call two weekends in its first three weeks; then weekdays only.
        for (let day = 0; day < 61; day++) {
          const weekday = new Date(base + day * DAY).getUTCDay()
          for (const [k, m] of members.entries()) {
            if ((weekday === 0 || weekday === 6) && !(m === members[1] && day < 21)) continue
            for (let i = 0; i < 6; i++) o(ev(m, base + day * DAY + k * MINUTE + i * 10 * MINUTE), 'svc')
          }
        }
        const saturday = base + 61 * DAY + 5 * MINUTE
        assert.equal(new Date(saturday).getUTCDay(), 6, 'a Saturday')
        o(ev(members[1]!, saturday - 2 * MINUTE), 'hostile')
        const from = heard.length
        for (let i = 0; i < 3; i++) o(ev(members[0]!, saturday + i * MINUTE), 'svc')
        heard.push(...d.release(saturday + 3 * HOUR))
        assert.ok(saidBy(heard.slice(from), 'off-days', 'svc').length > 0, JSON.stringify(heard.slice(from).map((a) => `${a.kind}/${a.severity}`)))
      })

      // From a review (2026-12-07): a network taken up in a change of its groups' was the agent's
      // own, for another reporter, if that reporter saw the change at the moment the agent first
      // took it up; that moment was a hostile reporter's word. Its made-up take-up by three other
      // team mates, and the agent's use beside them, within the two days of a real change an
      // honest verifier saw, made the network the agent's own for good to that verifier; bounded
      // to two days, the next review found those days excused (and so counted towards learning
      // it); a day was too short for services an egress pool's agents reach a day later. It
      // excuses for two days after that moment, and never makes the network the agent's own.
      it("a hostile reporter's made-up take-up within a real change's two days does not make its network the agent's own for good", () => {
        const team = ['did:key:z6Mkteam0', 'did:key:z6Mkteam1', 'did:key:z6Mkteam2', 'did:key:z6Mkteam3', 'did:key:z6Mkteam4', 'did:key:z6Mkteam5', 'did:key:z6Mkteam6']
        const [victim, ...mates] = team as [string, ...string[]]
        const office = (k: number) => `81.2.3.${10 + k}`
        const offsite = '5.6.7'
        // Back and forth between its office address and `other`, two minutes apart.
        const switching = (o: (e: ReturnType<typeof ev>, reporter: string) => void, agent: string, at: number, other: string, reporter: string) => {
          for (let i = 0; i < 8; i++) o(ev(agent, at + i * 2 * MINUTE, { ip: i % 2 ? other : office(team.indexOf(agent)) }), reporter)
        }
        const saidOf = (withHostile: boolean, daysAfter: number, hostileAfter = DAY) => {
          const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: () => ({ groups: ['team:ops'] }) })
          const { heard, o } = recorder(d)
          for (let day = 0; day < 7; day++) for (const [k, m] of team.entries()) for (let i = 0; i < 6; i++) o(ev(m, base + day * DAY + k * MINUTE + i * 10 * MINUTE, { ip: office(k) }), 'svc')
          // Three mates spend a day at an offsite (the group's change, as the honest verifier saw it).
          const change = later
          for (const [k, m] of mates.slice(0, 3).entries()) switching(o, m, change + k * 10 * MINUTE, `${offsite}.${30 + k}`, 'svc')
          heard.push(...d.release(change + 3 * HOUR))
          if (withHostile) {
            // A day or two later, three others "taking it up", and the victim beside them, made up.
            const hostile = change + hostileAfter
            for (const [k, m] of mates.slice(3).entries()) switching(o, m, hostile + k * 5 * MINUTE, `${offsite}.${60 + k}`, 'hostile')
            switching(o, victim, hostile + 30 * MINUTE, `${offsite}.99`, 'hostile')
            heard.push(...d.release(hostile + 3 * HOUR))
          }
          // The victim's ordinary days at the office until the thief at the offsite's address.
          for (let day = 2; day < daysAfter; day++) for (let i = 0; i < 3; i++) o(ev(victim, change + day * DAY + i * 10 * MINUTE, { ip: office(0) }), 'svc')
          const from = heard.length
          switching(o, victim, change + daysAfter * DAY + 2 * HOUR, `${offsite}.99`, 'svc')
          heard.push(...d.release(change + daysAfter * DAY + 5 * HOUR))
          return heard.slice(from).filter((a) => a.agent === victim && a.kind === 'two-networks' && a.severity !== 'low' && a.evidence.includes('svc')).length
        }
        // Forty days on (the mates' use of it long past), or three days after a take-up made up at
        // the end of the change's two days, as without the made-up take-up.
        const cases: Array<[boolean, number, number?]> = [[false, 40], [true, 40], [false, 5], [true, 5, 47 * HOUR]]
        assert.deepEqual(cases.map(([h, days, after]) => saidOf(h, days, after) > 0), cases.map(() => true))
      })

      // From the second review (2026-12-07): what the moment another reporter saw is for. A VPN's
      // users (each in a team of its own) fail over to a standby, each at its own address, each
      // request reported by the service it reaches; one reaches the second service five hours on.
      it("a failover's worker seen by another service hours later is excused that day, as that service saw the change then", () => {
        const workers = Array.from({ length: 6 }, (_, k) => `did:key:z6Mkworker${k}`)
        const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: (a) => ({ groups: [`team:${a}`], entitlements: new Map([['db:a', LONG_AGO]]) }) })
        const { heard, o } = recorder(d)
        const vpn = (k: number) => `34.1.1.${10 + k}`
        const standby = (k: number) => `34.2.2.${10 + k}`
        for (let day = 0; day < 8; day++) for (const [k, w] of workers.entries()) for (let i = 0; i < 6; i++) o(ev(w, base + day * DAY + k * MINUTE + i * 10 * MINUTE, { ip: vpn(k) }), i % 2 ? 'svcB' : 'svcA')
        const failover = base + 8 * DAY + HOUR
        for (const [k, w] of workers.entries()) if (k > 0) for (let i = 0; i < 8; i++) o(ev(w, failover + k * MINUTE + i * 2 * MINUTE, { ip: i % 2 ? standby(k) : vpn(k) }), (i >> 1) % 2 ? 'svcB' : 'svcA')
        for (let i = 0; i < 8; i++) o(ev(workers[0]!, failover + 15 * MINUTE + i * 2 * MINUTE, { ip: i % 2 ? standby(0) : vpn(0) }), 'svcA')
        heard.push(...d.release(failover + 3 * HOUR))
        const from = heard.length
        for (let i = 0; i < 8; i++) o(ev(workers[0]!, failover + 5 * HOUR + i * 2 * MINUTE, { ip: i % 2 ? standby(0) : vpn(0) }), 'svcB')
        heard.push(...d.release(failover + 8 * HOUR))
        const said = heard.slice(from).filter((a) => a.agent === workers[0] && a.kind === 'two-networks' && a.severity !== 'low')
        assert.deepEqual(said.map((a) => a.severity), [])
      })

      // A lateral movement the hostile reporter held first (made-up refusals of three families,
      // explained when due by made-up mates) took the honest verifier's repeat away with it: it
      // was judged by the reaches before its own event. And made-up reaches pushed the honest
      // ones out of the 32 kept.
      it('a lateral movement held first by a hostile reporter, or flooded with its reaches, is still said on the honest evidence', () => {
        const crm = ['crm:a', 'crm:b', 'crm:c', 'crm:d']
        const context = () => ({ groups: ['team:fin', 'role:company'], entitlements: new Map([['db:a', LONG_AGO], ...crm.map((f) => [f, LONG_AGO] as const)]) })
        const erp = (m: string, at: number, fam: string) => ev(m, at, { resource: `${fam}/1`, segment: 'erp', decision: 'deny', code: 'ERR_NOT_ENTITLED' })
        const d = fleet(context)
        const { heard, o } = recorder(d)
        for (const [i, fam] of ['erp:x', 'erp:y', 'erp:z'].entries()) o(erp(members[0]!, later + i * 1000, fam), 'hostile')
        o(ev(members[0]!, later + 4000), 'hostile')
        for (const [k, m] of members.slice(1, 3).entries()) for (const [i, fam] of ['erp:x', 'erp:y', 'erp:z'].entries()) o(erp(m, later + 10_000 + k * 1000 + i * 100, fam), 'hostile')
        for (const [i, fam] of crm.entries()) o(ev(members[0]!, later + MINUTE + i * 20_000, { resource: `${fam}/1`, segment: 'crm' }), 'crm-service')
        assert.ok(saidBy([...heard, ...d.release(later + 2 * HOUR)], 'lateral-movement', 'crm-service').length > 0, 'held first by a hostile reporter')
        const e = heldFleet()
        const flood = recorder(e)
        for (const [i, fam] of crm.entries()) flood.o(ev(members[0]!, later + i * MINUTE, { resource: `${fam}/1`, segment: 'crm', decision: 'deny', code: 'ERR_NOT_ENTITLED' }), 'crm-service')
        // 33 made-up first uses of actions (reaches), then the mates that explain them, sent after.
        for (let i = 0; i < 33; i++) flood.o(ev(members[0]!, later + 5 * MINUTE + i * 30_000, { action: `x${i}` }), 'hostile')
        for (let i = 0; i < 33; i++) for (const [k, m] of members.slice(1, 3).entries()) flood.o(ev(m, later + 5 * MINUTE + 10_000 + i * 30_000 + k * 1000, { action: `x${i}` }), 'hostile', later + 22 * MINUTE)
        assert.ok(saidBy([...flood.heard, ...e.release(later + 2 * HOUR)], 'lateral-movement', 'crm-service').length > 0, 'flooded with made-up reaches')
      })
    })

    // From the second review: the refusal that found it held an allowed reach as long as a refusal.
    it('lateral movement with an allowed reach among refused ones is held as an allowed use is, whatever event finds it', () => {
      const d = fleet(() => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO], ['crm:z', LONG_AGO]]) }))
      const events = [
        ev(members[0]!, later, { resource: 'crm:z/1', segment: 'crm' }),
        ...['crm:a', 'crm:b', 'crm:c'].map((fam, i) => refusal(members[0]!, later + (i + 1) * MINUTE, `${fam}/1`)),
      ]
      for (const e of events) d.observe(e, { receivedAt: e.at })
      const found = highAbout(d.release(later + 10 * MINUTE), members[0]!)
      assert.ok(found.includes('lateral-movement/high'), JSON.stringify(found))
      // From a third review: found first by an ordinary read while all its reaches were refused
      // (held long), then by the allowed reach, it waited the long hold all the same.
      const e = fleet(() => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO], ['crm:z', LONG_AGO]]) }))
      const later2 = [
        ...['crm:a', 'crm:b', 'crm:c'].map((fam, i) => refusal(members[0]!, later + i * MINUTE, `${fam}/1`)),
        ev(members[0]!, later + 4 * MINUTE),
        ev(members[0]!, later + 5 * MINUTE, { resource: 'crm:z/1', segment: 'crm' }),
      ]
      for (const x of later2) e.observe(x, { receivedAt: x.at })
      const early = highAbout(e.release(later + 10 * MINUTE), members[0]!)
      assert.ok(early.includes('lateral-movement/high'), JSON.stringify(early))
      // From a fourth review: only on the word of the reporter that held it. Another reporter's
      // made-up allowed reach cut short an honest re-org's wait and had it said, corroborated.
      const f = fleet(() => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO], ['crm:z', LONG_AGO]]) }))
      const reorg = (m: string, at: number) => ['crm:a', 'crm:b', 'crm:c'].map((fam, i) => refusal(m, at + i * 1000, `${fam}/1`))
      const heard: Anomaly[] = []
      for (const x of [...reorg(members[0]!, later), ev(members[0]!, later + 4 * MINUTE)]) heard.push(...f.observe(x, { receivedAt: x.at, reporter: 'crm-service' }))
      heard.push(...f.observe(ev(members[0]!, later + 5 * MINUTE, { resource: 'crm:z/1', segment: 'crm' }), { receivedAt: later + 5 * MINUTE, reporter: 'hostile' }))
      for (const [k, m] of members.slice(1, 3).entries()) for (const x of reorg(m, later + (8 + 6 * k) * MINUTE)) heard.push(...f.observe(x, { receivedAt: x.at, reporter: 'crm-service' }))
      const cut = highAbout([...heard, ...f.release(later + 20 * MINUTE)], members[0]!)
      assert.ok(!cut.includes('lateral-movement/high'), JSON.stringify(cut))
    })

    it('an organisation-wide role explains no held finding (agents of another owner with the same role)', () => {
      const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context: (agent) => ({ groups: [agent === members[0] ? 'team:fin' : 'team:other', 'role:company'], entitlements: new Map([['db:a', LONG_AGO]]) }) })
      for (let day = 0; day < 7; day++) for (const [k, agent] of members.entries()) for (let i = 0; i < 6; i++) d.observe(ev(agent, base + day * DAY + k * MINUTE + i * 10 * MINUTE))
      reach(d, members[0]!, later, { reporter: 'hr-service' })
      for (const [k, m] of members.slice(1, 3).entries()) d.observe(refusal(m, later + (k + 1) * MINUTE), { reporter: 'hr-service' })
      const found = highAbout(d.release(later + HOUR), members[0]!)
      assert.ok(found.includes('new-resource/medium'), JSON.stringify(found))
    })

    it('lateral movement whose first reach ages out of the hour during the hold is still said', () => {
      const d = fleet(() => ({ groups: ['team:support'], entitlements: new Map([['db:a', LONG_AGO]]) }))
      // Four families (its own segment), the fourth 57 minutes after the first: judged 30 minutes
      // later (a refusal), the first is out of the hour by then, but was not explained.
      const events = ['crm:deals', 'crm:accounts', 'crm:leads', 'crm:quotes'].map((fam, i) => ev(members[0]!, later + i * 19 * MINUTE, { resource: `${fam}/1`, decision: 'deny', code: 'ERR_NOT_ENTITLED' }))
      assert.ok((said(d, events).get(members[0]!) ?? []).includes('lateral-movement/high'))
    })

    it('said at close as of the clock given, not of the end of time; a verdict on its low alert cancels that one only', () => {
      const d = heldFleet()
      reach(d, members[0]!, later)
      const atClose = d.release(later + MINUTE, true).filter((a) => a.kind === 'new-resource' && a.severity !== 'low')
      assert.deepEqual(atClose.map((a) => [a.severity, a.at]), [['medium', later + MINUTE]])
      const e = heldFleet()
      reach(e, members[0]!, later)
      assert.equal(e.teach(members[0]!, 'new-resource', 'hr:payroll'), true)
      assert.ok(highAbout(e.release(later + HOUR), members[0]!).includes('new-resource/medium'), 'a verdict on another alert of the same kind')
      const f = heldFleet()
      reach(f, members[0]!, later)
      f.teach(members[0]!, 'new-resource', 'hr:payroll', { heldSince: later })
      assert.deepEqual(f.release(later + HOUR).filter((a) => a.kind === 'new-resource'), [], 'the verdict on its own low alert')
    })

    it("one agent's flood of novelties does not turn the hold off for the others", () => {
      const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO]])
      // (In a group of its own: filling a group's adoptions, 256 kept, is a hole of its own, documented.)
      const d = fleet((agent) => ({ groups: [agent === 'did:key:z6Mkflood' ? 'team:flood' : 'team:fin'], entitlements: grants }))
      for (let i = 0; i < 20_000; i++) d.observe(refusal('did:key:z6Mkflood', later + i, `made:up${i}/1`))
      const close = said(d, members.map((agent, k) => ev(agent, later + MINUTE + k * 20_000, { resource: 'reports:close/q3' })))
      assert.deepEqual(members.map((m) => close.get(m) ?? []), [[], [], [], []])
    })

    it('a clock stepped back does not keep the findings held behind it waiting', () => {
      const d = heldFleet()
      reach(d, members[0]!, later, { receivedAt: later })
      reach(d, members[1]!, later - HOUR, { receivedAt: later - HOUR, resource: 'hr:salaries/2' })
      const released = d.release(later - HOUR + 31 * MINUTE)
      assert.ok(released.some((a) => a.agent === members[1] && a.severity !== 'low'), JSON.stringify(released))
    })
  })

  it('a group baseline written before adoptions were kept still loads', () => {
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0 })
    const old = JSON.stringify({ v: 1, families: [['db:a', { members: ['did:key:z6Mka'], firsts: [base], last: base }]], networks: [], segments: [], actions: [], hod: new Array(24).fill(0), hodTotal: 0, hodDay: 0 })
    assert.equal(d.load([{ key: 'group:team:x', state: old }]), 1)
  })

  // A finding held for the agent's groups is evidence of when each reporter's event came, not of
  // when it is said (event-monitor.ts counts corroboration from it): one burst stays one moment,
  // and a reporter repeating another's held finding is evidence of its own moment only (a review:
  // the first version dated every reporter's evidence at the first one's).
  it("a held finding carries when each of its reporters' events came", () => {
    const d = fleet(() => ({ groups: ['team:fin'], entitlements: new Map([['db:a', LONG_AGO]]) }))
    const agent = members[0]!
    const refusal = (at: number, reporter: string) => d.inspect(ev(agent, at, { decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:payroll/1', segment: 'hr' }), { reporter, receivedAt: at })
    // Beyond a stray's one attempt, so that it is held as a reach (not a stray, said low).
    for (let i = 0; i < 4; i++) refusal(later + i * 20_000, 'hr-service')
    refusal(later + 9 * MINUTE, 'payroll-service')
    const said = d.release(later + 2 * HOUR).filter((f) => f.agent === agent && f.kind === 'new-resource' && f.reported)
    assert.ok(said.length > 0, 'the reach is said when due')
    for (const f of said) {
      assert.deepEqual(f.evidence, ['hr-service', 'payroll-service'])
      assert.deepEqual(f.evidenceAt, [later, later + 9 * MINUTE])
    }
  })
})
