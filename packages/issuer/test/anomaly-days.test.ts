import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'

// An agent's own days and hours (issue 21): a weekday agent on a weekend, a nightly batch at
// lunchtime. Histories built by hand on explicit clocks: Monday 2 November 2026 is day 0.
describe('anomaly detection: an agent\'s own days and hours', () => {
  const MONDAY = Date.UTC(2026, 10, 2)
  const HOUR = 3_600_000
  const DAY = 24 * HOUR
  const MINUTE = 60_000
  const detector = (groups: Record<string, string[]> = {}) => new AnomalyDetector({ learnEvents: 20, learnMinutes: 0, context: (a) => ({ groups: groups[a] ?? ['team:x'] }) })
  const ev = (agent: string, at: number, fields: Record<string, unknown> = {}) => ({ at, agent, decision: 'allow' as const, resource: 'db:a/1', action: 'read', ip: '10.0.0.1', ...fields })
  const found: Anomaly[] = []
  // Working hours [from, to) UTC on days `days` (day 0 Monday), `perHour` requests an hour.
  const work = (d: AnomalyDetector, agent: string, days: number[], from: number, to: number, perHour = 4, ip = '10.0.0.1') => {
    const out: Anomaly[] = []
    for (const day of days) for (let t = MONDAY + day * DAY + from * HOUR; t < MONDAY + day * DAY + to * HOUR; t += HOUR / perHour) out.push(...d.observe(ev(agent, t, { ip })))
    found.push(...out)
    return out
  }
  const weekdays = (weeks: number) => Array.from({ length: weeks * 7 }, (_, i) => i).filter((i) => i % 7 < 5)
  const everyDay = (n: number) => Array.from({ length: n }, (_, i) => i)
  const kinds = (list: Anomaly[]) => list.map((a) => `${a.kind}/${a.severity}${a.details.weekend ? '/weekend' : ''}`)

  it('an office assistant never used on a weekend, used on Saturday afternoon at its usual hours and network: off-days, medium', () => {
    const d = detector()
    // A daytime colleague every day keeps the team's hours wide (the hour of day excuses nothing).
    work(d, 'did:key:z6Mkmate', everyDay(20), 6, 20, 2)
    assert.deepEqual(work(d, 'did:key:z6Mka', weekdays(3), 8, 17), [])
    const sat = work(d, 'did:key:z6Mka', [19], 13, 15)
    assert.deepEqual([...new Set(kinds(sat))], ['off-days/medium/weekend'])
    assert.match(String(sat[0]!.details.expected), /working days only/)
    assert.match(String(sat[0]!.details.seen), /^Sat/)
  })

  it('after a single quiet weekend a weekend use is said low (weekend work now and then is ordinary; one weekend says little)', () => {
    const d = detector()
    work(d, 'did:key:z6Mkmate', everyDay(13), 6, 20, 2)
    work(d, 'did:key:z6Mka', weekdays(2), 8, 17)
    assert.deepEqual([...new Set(kinds(work(d, 'did:key:z6Mka', [12], 13, 15)))], ['off-days/low/weekend'])
  })

  it('its own day, not UTC midnight: a US employee\'s Friday evening (Saturday UTC) and an Australian\'s Monday morning (Sunday UTC) are working days', () => {
    const d = detector()
    // US, UTC-5: 9:00-18:00 local is 14:00-23:00 UTC; Friday runs late to 21:00 local (02:00 Saturday UTC).
    work(d, 'did:key:z6Mkus', weekdays(2), 14, 23)
    assert.deepEqual(work(d, 'did:key:z6Mkus', [11], 23, 26), [])
    // Australia, UTC+11: 8:00-17:00 local is 21:00 the day before to 06:00 UTC.
    work(d, 'did:key:z6Mkau', weekdays(2).map((x) => x), -3, 6)
    assert.deepEqual(work(d, 'did:key:z6Mkau', [14], -3, 6), [], 'Monday morning (Sunday UTC)')
  })

  it('weekend work ordinary for its role: on-call colleagues worked earlier weekends; a whole team working a weekend together is the group\'s change (low after the first two)', () => {
    const groups = { 'did:key:z6Mkon1': ['team:ops'], 'did:key:z6Mkon2': ['team:ops'], 'did:key:z6Mkon3': ['team:ops'] }
    const d = detector(groups)
    for (const a of Object.keys(groups)) work(d, a, weekdays(1), 8, 17)
    // Two of them on call the first weekend (days 5 and 6), the third on its first on-call weekend later.
    work(d, 'did:key:z6Mkon1', [5, 6], 2, 3)
    work(d, 'did:key:z6Mkon2', [5, 6], 2, 3)
    for (const a of Object.keys(groups)) work(d, a, weekdays(3).slice(5), 8, 17)
    assert.deepEqual(work(d, 'did:key:z6Mkon3', [19], 2, 3).filter((a) => a.details.weekend), [])

    const team = Array.from({ length: 4 }, (_, i) => `did:key:z6Mkteam${i}`)
    const d2 = detector(Object.fromEntries(team.map((a) => [a, ['team:t']])))
    for (const a of team) work(d2, a, weekdays(3), 8, 17)
    const severities = team.map((a, i) => work(d2, a, [19], 10 + i * 0.1, 12).filter((f) => f.details.weekend).map((f) => f.severity))
    assert.deepEqual([...new Set(severities[0])], ['medium'], 'the first is said: the change is not known yet')
    assert.deepEqual(severities.slice(2).flat().filter((s) => s !== 'low'), [], JSON.stringify(severities))
  })

  it('one weekend event of a peer (made up, or of another owner with the same role) does not make weekend work ordinary', () => {
    const groups = { 'did:key:z6Mka': ['team:a', 'role:company'], 'did:key:z6Mkp': ['team:p', 'role:company'], 'did:key:z6Mkq': ['team:a', 'role:company'] }
    const d = detector(groups)
    for (const a of Object.keys(groups)) work(d, a, weekdays(1), 8, 17)
    work(d, 'did:key:z6Mkp', [5], 10, 10.1) // another owner's agent, same role
    work(d, 'did:key:z6Mkq', [6], 10, 10.1) // a teammate, one weekend day
    for (const a of Object.keys(groups)) work(d, a, weekdays(3).slice(5), 8, 17)
    assert.ok(work(d, 'did:key:z6Mka', [19], 14, 16).some((a) => a.kind === 'off-days' && a.severity === 'medium'))
  })

  // workload-d: a teammate's night use ran on to within three hours of its day, was learned there
  // as its own and its team's hour, and the team's hours then reached three hours further: another
  // member's use at 03:00 local was said by nothing.
  it('a night session running on into the hours near its day teaches them neither to it nor to its team', () => {
    const team = ['did:key:z6Mkn1', 'did:key:z6Mkn2', 'did:key:z6Mkn3']
    const d = detector(Object.fromEntries(team.map((a) => [a, ['team:n']])))
    for (const a of team) work(d, a, weekdays(2), 12, 21)
    // Day 15 (Tuesday), the first member from 06:30 to 09:30 at 40 an hour: said at 06:30.
    assert.ok(work(d, team[0]!, [15], 6.5, 9.5, 40).some((a) => a.kind === 'off-hours' && a.severity === 'medium'))
    for (const a of team) work(d, a, [15], 12, 21)
    // Day 16, the second member from 06:00 to 07:00.
    const second = work(d, team[1]!, [16], 6, 7, 20).filter((a) => a.kind === 'off-hours')
    assert.ok(second.some((a) => a.severity === 'medium'), JSON.stringify(kinds(second)))
  })

  it('services and bots active every day are not judged on their days', () => {
    const d = detector()
    assert.deepEqual(work(d, 'did:key:z6Mksvc', everyDay(14), 0, 24, 2), [])
  })

  it('a nightly batch used at lunchtime is judged by its own hours, not its daytime team\'s: off-hours medium; a late run, a DST shift and a backlog running on are not', () => {
    const d = detector({ 'did:key:z6Mkbatch': ['team:bots'], 'did:key:z6Mkday': ['team:bots'] })
    work(d, 'did:key:z6Mkday', weekdays(2), 7, 19, 6)
    work(d, 'did:key:z6Mkbatch', everyDay(10), 1, 2, 30)
    assert.deepEqual(work(d, 'did:key:z6Mkbatch', [10], 2, 3, 30), [], 'an hour later (daylight saving)')
    assert.deepEqual(work(d, 'did:key:z6Mkbatch', [11], 3, 4, 30), [], 'two hours late after an outage')
    const lunch = work(d, 'did:key:z6Mkbatch', [11], 12, 12.7, 15)
    assert.deepEqual([...new Set(kinds(lunch))], ['off-hours/medium'])
    assert.equal(lunch[0]!.details.ownSchedule, true)
    assert.deepEqual(work(d, 'did:key:z6Mkbatch', [12], 4, 10, 30), [], 'a backlog from 4:00 running on to 10:00')
  })

  // Workload-h: teams spread over Berlin, Bangalore and Austin are awake somewhere at every hour,
  // so a person's assistant used at 3 a.m. was never said. Its team's hours are those of the
  // members working where it works (its office), when two or more do and they are quieter.
  describe('a team spread over time zones: its hours are those of the members in its office', () => {
    const history = [0, 1, 2, 3, 4, 7, 8]
    // The agent and `mates` at their office by day; three members of the team elsewhere, working
    // while the office sleeps. Returns what the agent's use at 2:00 UTC on day 9 raised.
    const nightUse = (o: { mates?: number; matesIp?: string; agentIp?: string; elsewhereIp?: string; visit?: boolean; at?: [day: number, from: number, to: number]; ip?: string; thenIp?: string } = {}) => {
      const office = '64.124.88.10'
      const d = detector()
      for (let i = 0; i < (o.mates ?? 2); i++) {
        work(d, `did:key:z6Mkmate${i}`, history, 8, 17, 4, o.matesIp ?? office)
        // (A visit: one request from the agent's office after working elsewhere all along.)
        if (o.visit) work(d, `did:key:z6Mkmate${i}`, [8], 17, 17.25, 4, office)
      }
      for (let i = 0; i < 3; i++) work(d, `did:key:z6Mkfar${i}`, history, 20, 29, 4, o.elsewhereIp ?? '185.54.12.10')
      work(d, 'did:key:z6Mka', history, 8, 17, 4, o.agentIp ?? office)
      const [day, from, to] = o.at ?? [9, 2, 2.7]
      const first = work(d, 'did:key:z6Mka', [day], from, to, 30, o.ip ?? o.agentIp ?? office)
      // (`thenIp`: the rest of the same hour from another place, its findings marked `then`, said
      // or not: within the incident's quiet period, the same finding is not said again.)
      const then: string[] = []
      if (o.thenIp !== undefined) {
        for (let t = MONDAY + day * DAY + to * HOUR; t < MONDAY + day * DAY + (to + 0.2) * HOUR; t += HOUR / 30) {
          for (const f of d.inspect(ev('did:key:z6Mka', t, { ip: o.thenIp }))) then.push(`then ${f.kind}/${f.severity}`)
        }
      }
      return [...kinds(first), ...then].filter((k) => k.includes('off-hours'))
    }

    it('used at night from its office, where its two office mates never work then: off-hours, medium', () => {
      assert.deepEqual([...new Set(nightUse())], ['off-hours/medium'])
    })

    it('one office mate is no office: the whole team excuses it, as before', () => {
      assert.deepEqual(nightUse({ mates: 1 }), [])
    })

    it('an agent working from home, where no member of its team works: judged with the whole team', () => {
      assert.deepEqual(nightUse({ agentIp: '99.61.127.10' }), [])
    })

    it("members that only visited its office (one request, the network not theirs) are not its office mates", () => {
      assert.deepEqual(nightUse({ matesIp: '24.155.231.10', visit: true }), [])
    })

    // From an adversarial review: a visit to the team's office in another zone, at its hours.
    it("used from the team's other office at that office's hours: judged with that office's members too", () => {
      assert.deepEqual(nightUse({ ip: '185.54.12.10' }), [])
    })

    it('the same hour from its office, then from the other office: each place judged by its own members', () => {
      assert.deepEqual([...new Set(nightUse({ thenIp: '185.54.12.10' }))], ['off-hours/medium'])
    })

    // Workload-g: an on-call engineer working from home, called out at night over the VPN, whose
    // other users work by day: the place it is used from makes no office where its own make none.
    it('working from home, used at night from where two members work by day: judged with the whole team', () => {
      assert.deepEqual(nightUse({ agentIp: '99.61.127.10', ip: '64.124.88.10' }), [])
    })

    // From the review too: members that moved away keep their office's network established.
    it('office mates that have not worked there for a month are no office', () => {
      assert.deepEqual(nightUse({ at: [40, 2, 2.7] }), [])
    })

    // A second review: an office it moved away from is no longer where it works.
    it('an agent that left its office a month ago for home: its old office mates are no office', () => {
      const office = '64.124.88.10'
      const d = detector()
      const later = Array.from({ length: 33 }, (_, i) => 10 + i).filter((day) => day % 7 < 5)
      for (let i = 0; i < 2; i++) work(d, `did:key:z6Mkmate${i}`, [...history, ...later], 8, 17, 4, office)
      for (let i = 0; i < 3; i++) work(d, `did:key:z6Mkfar${i}`, [...history, ...later], 20, 29, 4, '185.54.12.10')
      work(d, 'did:key:z6Mka', history, 8, 17, 4, office)
      work(d, 'did:key:z6Mka', later, 8, 17, 4, '99.61.127.10')
      assert.deepEqual(kinds(work(d, 'did:key:z6Mka', [44], 2, 2.7, 30, '99.61.127.10')).filter((k) => k.startsWith('off-hours')), [])
    })

    it("a site's private networks are one place (its /16): the night shift on another ward's subnet excuses it", () => {
      assert.deepEqual(nightUse({ agentIp: '10.40.101.10', matesIp: '10.40.101.11', elsewhereIp: '10.40.102.10' }), [])
    })
  })

  it('a batch rescheduled by its whole team at once is the group\'s change (low after the first two)', () => {
    const bots = Array.from({ length: 4 }, (_, i) => `did:key:z6Mkbot${i}`)
    const d = detector(Object.fromEntries([...bots, 'did:key:z6Mkday'].map((a) => [a, ['team:bots']])))
    work(d, 'did:key:z6Mkday', weekdays(2), 7, 19, 6)
    for (const a of bots) work(d, a, everyDay(10), 1, 2, 30)
    const severities = bots.map((a, i) => work(d, a, [10], 13 + i * 0.1, 13.5, 30).filter((f) => f.kind === 'off-hours').map((f) => f.severity))
    assert.deepEqual(severities.slice(2).flat().filter((s) => s !== 'low'), [], JSON.stringify(severities))
  })

  it('walk-around: hiding behind daytime peers is closed (the team\'s hours do not excuse a narrow schedule); a weekend use is not learned from its own alarm', () => {
    const d = detector()
    work(d, 'did:key:z6Mkmate', everyDay(21), 6, 20, 2)
    work(d, 'did:key:z6Mka', weekdays(3), 8, 17)
    assert.ok(work(d, 'did:key:z6Mka', [19], 13, 14).some((a) => a.details.weekend && a.severity === 'medium'))
    // The next day it is still a weekday agent: the first alarm taught nothing.
    assert.ok(work(d, 'did:key:z6Mka', [20], 13, 14).some((a) => a.details.weekend && a.severity === 'medium'))
  })

  it('state survives a snapshot and restore; rows written before days were kept still load', () => {
    const d = detector()
    work(d, 'did:key:z6Mkmate', everyDay(20), 6, 20, 2)
    work(d, 'did:key:z6Mka', weekdays(3), 8, 17)
    const rows = d.takeDirty()
    const d2 = detector()
    assert.equal(d2.load(rows), rows.length)
    assert.ok(work(d2, 'did:key:z6Mka', [19], 13, 14).some((a) => a.details.weekend && a.severity === 'medium'), 'restored')
    const old = rows.map((r) => {
      const o = JSON.parse(r.state) as Record<string, unknown>
      delete o.days
      delete o.weekend
      return { key: r.key, state: JSON.stringify(o) }
    })
    const d3 = detector()
    assert.equal(d3.load(old), rows.length)
    assert.deepEqual(work(d3, 'did:key:z6Mka', [19], 13, 14).filter((a) => a.details.weekend), [], 'older rows: days counted from now')
  })
})
