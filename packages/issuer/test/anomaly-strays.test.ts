import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'

// A stray is a refused request into a family the agent holds no entitlement to (a link
// followed, a tool's guess), held low. An agent refused rarely does it in one request: a search
// refused is followed by a read of a record it named, a client retries. Those refusals, one
// after the other in the same family within minutes, are the stray's one attempt; a fourth, a
// pause, or anything else between them makes them a reach.
describe('a stray is one attempt, not one request', () => {
  const t0 = Date.UTC(2026, 10, 2)
  const MINUTE = 60_000
  const DAY = 24 * 60 * MINUTE
  const agent = 'did:key:z6MkStrays'

  // A week of its own reads, every ten minutes.
  function history(): { d: AnomalyDetector; at: number } {
    const d = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) }) })
    let i = 0
    for (let at = t0; at < t0 + 7 * DAY; at += 10 * MINUTE, i++) d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 })
    return { d, at: t0 + 7 * DAY + 10 * 60 * MINUTE }
  }
  // Requests at the given seconds after `at`: refused into hr:candidates, or (`own`) its own read.
  const requests = (d: AnomalyDetector, at: number, steps: ReadonlyArray<[number, 'refused' | 'own']>) => [
    ...steps.flatMap(([second, what], i) => d.observe(what === 'own'
      ? { at: at + second * 1000, agent, decision: 'allow', resource: `eng:repos/x${i}`, action: 'read', ip: '10.0.0.1', records: 5 }
      : { at: at + second * 1000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `hr:candidates/${i}`, action: i % 2 ? 'read' : 'search', ip: '10.0.0.1' })),
    ...d.release(at + 3 * 60 * MINUTE),
  ]
  const alerted = (found: Anomaly[]) => found.filter((a) => a.severity !== 'low').map((a) => `${a.kind}/${a.severity}`)

  it('a search refused and a read of what it named, seconds apart: a stray, said low', () => {
    const { d, at } = history()
    const found = requests(d, at, [[0, 'refused'], [4, 'refused']])
    assert.deepEqual(alerted(found), [])
    assert.ok(found.some((a) => a.kind === 'new-resource' && a.severity === 'low'), 'seen, at low')
  })

  it('three refusals one after the other are a stray; a fourth is a reach', () => {
    const three = history()
    assert.deepEqual(alerted(requests(three.d, three.at, [[0, 'refused'], [20, 'refused'], [60, 'refused']])), [])
    const four = history()
    assert.ok(alerted(requests(four.d, four.at, [[0, 'refused'], [20, 'refused'], [60, 'refused'], [90, 'refused']])).includes('new-resource/medium'))
  })

  it('a refusal more than two minutes after the last is a reach', () => {
    const { d, at } = history()
    assert.ok(alerted(requests(d, at, [[0, 'refused'], [150, 'refused']])).includes('new-resource/medium'))
  })

  // From a review: an attempt let a read be followed by a delete and an export, and another
  // verifier's report of the same reach no longer made it one.
  it('a refused read followed by a refused delete is a reach', () => {
    const { d, at } = history()
    const found = [
      ...d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:payroll/0', action: 'read', ip: '10.0.0.1' }),
      ...d.observe({ at: at + 20_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:payroll/1', action: 'delete', ip: '10.0.0.1' }),
      ...d.release(at + 3 * 60 * MINUTE),
    ]
    assert.ok(alerted(found).some((k) => k.startsWith('new-resource/')), JSON.stringify(alerted(found)))
  })

  it('the same refusal seen by a second verifier is a reach, not the stray\'s attempt', () => {
    const { d, at } = history()
    const refusal = (second: number, reporter: string) => d.observe({ at: at + second * 1000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:payroll/1', action: 'read', ip: '10.0.0.1' }, { reporter, receivedAt: at + second * 1000 })
    const found = [...refusal(0, 'hr-service'), ...refusal(1, 'payroll-service'), ...d.release(at + 3 * 60 * MINUTE)]
    assert.ok(alerted(found).includes('new-resource/high'), JSON.stringify(alerted(found)))
  })

  // From the fifth fleet: an HR grab's refusals into payroll, with others between them.
  it('a request into another family between two refusals ends the attempt: the second is a reach', () => {
    const { d, at } = history()
    assert.ok(alerted(requests(d, at, [[0, 'refused'], [10, 'own'], [20, 'refused']])).includes('new-resource/medium'))
  })

  // From workload-c: a person's assistant follows a link it may not read now and then, in
  // proportion to its requests; a fixed two a week alerted one assistant in seven each week.
  it('strays as often as its requests bring them are no alert: two on a day, five in a week into as many families; the next that week is a reach', () => {
    const { d } = history()
    // Its own reads go on, every ten minutes; a refused read into `fam` at `hour` of `day`.
    let i = 0
    const day = (n: number, strays: ReadonlyArray<[number, string]>) => {
      const found: Anomaly[] = []
      const start = t0 + n * DAY
      let next = 0
      for (let at = start; at < start + DAY; at += 10 * MINUTE, i++) {
        found.push(...d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 }))
        for (; next < strays.length && start + strays[next]![0] * 60 * MINUTE <= at; next++) {
          found.push(...d.observe({ at: at + 1000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${strays[next]![1]}/1`, action: 'read', ip: '10.0.0.1' }))
        }
      }
      return alerted([...found, ...d.release(start + DAY)])
    }
    assert.deepEqual(day(7, [[10, 'hr:payroll'], [14, 'fin:ledger']]), [], 'two on a day, hours apart')
    assert.deepEqual([day(8, [[11, 'legal:cases']]), day(9, [[9, 'mkt:leads']]), day(10, [[15, 'ops:runbooks']])].flat(), [], 'five in a week')
    assert.ok(day(11, [[10, 'sales:deals']]).includes('new-resource/medium'), 'a sixth that week')
  })

  // From a review: at about 106,000 requests a day the allowance's count never ended (e^-expected
  // is 0), and a refused request hung the detector.
  it('an agent at 170,000 requests a day is judged too: a stray is explained, a ninth new family within the day is a reach', () => {
    const d = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) }) })
    for (let at = t0, i = 0; at < t0 + DAY; at += 500, i++) d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 })
    const strays = Array.from({ length: 9 }, (_, k) => {
      const at = t0 + DAY + (1 + 2 * k) * 60 * MINUTE
      return alerted([...d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `fam${k}:records/1`, action: 'read', ip: '10.0.0.1' }), ...d.release(at + 90 * MINUTE)])
    })
    assert.deepEqual(strays.slice(0, 8).flat(), [], 'eight strays, two hours apart')
    assert.ok(strays[8]!.includes('new-resource/medium'), JSON.stringify(strays))
  })

  // From a second review: known families' strays and new families' were counted apart (known,
  // known, new, new were four strays on a day allowed two), and a suspended agent's allowed
  // requests, which count no day, raised its average day for good.
  describe('one allowance for the day\'s strays', () => {
    const refusal = (d: AnomalyDetector, at: number, fam: string) =>
      alerted([...d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${fam}/1`, action: 'read', ip: '10.0.0.1' }), ...d.release(at + 90 * MINUTE)])
    const hour = (day: number, h: number) => t0 + day * DAY + h * 60 * MINUTE

    it('families strayed into before and new ones share it, in either order', () => {
      const first = history()
      refusal(first.d, hour(7, 10), 'hr:payroll')
      refusal(first.d, hour(7, 13), 'fin:ledger')
      const knownFirst = ['hr:payroll', 'fin:ledger', 'legal:cases'].map((fam, k) => refusal(first.d, hour(9, 10 + 2 * k), fam))
      assert.deepEqual(knownFirst.slice(0, 2).flat(), [], 'two strays again, a day allowed two')
      assert.ok(knownFirst[2]!.includes('new-resource/medium'), `a new family after them: ${JSON.stringify(knownFirst)}`)
      const next = history()
      refusal(next.d, hour(7, 10), 'hr:payroll')
      const newFirst = ['fin:ledger', 'legal:cases', 'hr:payroll'].map((fam, k) => refusal(next.d, hour(9, 10 + 2 * k), fam))
      assert.deepEqual(newFirst.slice(0, 2).flat(), [], 'two new families')
      assert.ok(newFirst[2]!.includes('new-resource/medium'), `a stray again after them: ${JSON.stringify(newFirst)}`)
    })

    it('kept through a restart: the day\'s strays and its allowed requests are read back; a row claiming more allowed than all is held to all', () => {
      const { d } = history()
      refusal(d, hour(7, 10), 'hr:payroll')
      refusal(d, hour(7, 13), 'fin:ledger')
      const rows = d.takeDirty()
      const row = rows.find((r) => r.key === `agent:${agent}`)!
      const state = JSON.parse(row.state) as { allowed: number; events: number; strayTimes: number[] }
      assert.deepEqual([state.allowed, state.strayTimes.length], [7 * 144, 2])
      const restarted = (json: string) => {
        const r = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) }) })
        assert.equal(r.load([{ key: row.key, state: json }]), 1)
        return refusal(r, hour(7, 16), 'legal:cases')
      }
      assert.ok(restarted(row.state).includes('new-resource/medium'), 'a third that day, after a restart')
      assert.ok(restarted(JSON.stringify({ ...state, allowed: 1e12, events: state.events })).includes('new-resource/medium'), 'a crafted count of allowed requests')
    })

    it("a suspended agent's allowed requests raise no allowance", () => {
      let status: 'suspended' | undefined
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]), ...(status ? { status } : {}) }) })
      let i = 0
      for (let at = t0; at < t0 + 7 * DAY; at += 10 * MINUTE, i++) d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 })
      status = 'suspended'
      for (let at = t0 + 7 * DAY; at < t0 + 7 * DAY + 20_000 * 1000; at += 1000, i++) d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 })
      status = undefined
      const strays = ['hr:payroll', 'fin:ledger', 'legal:cases'].map((fam, k) => refusal(d, hour(9, 10 + 2 * k), fam))
      assert.deepEqual(strays.slice(0, 2).flat(), [], 'two on a day')
      assert.ok(strays[2]!.includes('new-resource/medium'), JSON.stringify(strays))
    })

    // From a third review: the day's strays reach back across midnight, its traffic did not; a
    // quiet agent had one new family a week; a restart forgot a reach earlier that day; a retry
    // into another segment rode on the stray's attempt.
    it("a busy evening's known strays go on past midnight as strays", () => {
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) }) })
      let i = 0
      const reads = (from: number, to: number, every: number) => {
        for (let at = from; at < to; at += every, i++) d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 })
      }
      // Three weeks at about 1,000 requests a day; eight families strayed into, four a day.
      reads(t0, t0 + 21 * DAY, 86_400)
      const families = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((x) => `${x}:records`)
      families.forEach((fam, k) => refusal(d, hour(21 + (k >> 2), 1 + 3 * (k & 3)), fam))
      reads(t0 + 22 * DAY + 12 * 3_600_000, hour(24, 14), 86_400)
      // Its busy evening (about 3,300 requests) meets seven of them again, then more after midnight.
      const evening: string[][] = []
      for (let k = 0; k < 7; k++) {
        reads(hour(24, 14 + 1.3 * k), hour(24, 14 + 1.3 * (k + 1)), 3000)
        evening.push(refusal(d, hour(24, 14 + 1.3 * (k + 1)) + 1000, families[k]!))
      }
      reads(hour(24, 23.1), hour(25, 1), 3000)
      assert.deepEqual([...evening, refusal(d, hour(25, 1) + 1000, families[7]!)].flat(), [])
    })

    it('a quiet agent is allowed two new families a week', () => {
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) }) })
      for (let at = t0, i = 0; at < t0 + 14 * DAY; at += 240 * MINUTE, i++) d.observe({ at, agent, decision: 'allow', resource: `eng:repos/${i}`, action: 'read', ip: '10.0.0.1', records: 5 })
      const strays = ['hr:payroll', 'fin:ledger', 'legal:cases'].map((fam, k) => refusal(d, hour(14 + 2 * k, 10), fam))
      assert.deepEqual(strays.slice(0, 2).flat(), [], 'two, days apart')
      assert.ok(strays[2]!.includes('new-resource/medium'), JSON.stringify(strays))
    })

    it('a reach earlier that day is remembered through a restart', () => {
      const { d } = history()
      refusal(d, hour(7, 10), 'hr:payroll')
      refusal(d, hour(7, 10) + 30_000, 'fin:ledger')
      assert.ok(refusal(d, hour(7, 10) + 60_000, 'legal:cases').includes('new-resource/medium'), 'a third family within the hour')
      const restarted = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) }) })
      restarted.load(d.takeDirty())
      assert.ok(refusal(restarted, hour(7, 14), 'ops:runbooks').includes('new-resource/medium'), 'a fourth family four hours later')
    })

    it("a refusal into the stray's family from another segment is no part of its attempt", () => {
      const { d, at } = history()
      const found = [
        ...d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:payroll/1', action: 'read', ip: '10.0.0.1', segment: 'hr' }),
        ...d.observe({ at: at + 20_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:payroll/1', action: 'read', ip: '10.0.0.1', segment: 'finance' }),
        ...d.release(at + 3 * 60 * MINUTE),
      ]
      assert.ok(alerted(found).some((k) => /^new-(resource|segment)\/(medium|high)$/.test(k)), JSON.stringify(alerted(found)))
    })
  })

  // From the sixth fleet (workload-f): a person's assistant is asked now and then for what it may
  // not read, one refused request each time into any family; two within an hour, into two other
  // segments, made lateral movement at high: with autoSuspend at high, a third of the fleet's
  // assistants in a week. Said medium next (refused, one attempt each), they were still the
  // largest share of its benign agents alerted: one request each, they are two strays now; tried
  // beyond one request, medium; going on, or a third family, high.
  describe('refused reaches into two families within the hour', () => {
    const ownSegment = (d: AnomalyDetector, at: number) => d.observe({ at, agent, decision: 'allow', resource: 'eng:repos/1', action: 'read', ip: '10.0.0.1', records: 5, segment: 'eng' })
    // A week of its own reads in its own segment, every ten minutes.
    // (`every`: three minutes makes 480 requests a day, four strays a day allowed; 86.4 s, 1,000 and five.)
    const context = () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY]]) })
    function week(every = 10 * MINUTE): { d: AnomalyDetector; at: number } {
      const d = new AnomalyDetector({ context })
      for (let at = t0; at < t0 + 7 * DAY; at += every) ownSegment(d, at)
      return { d, at: t0 + 7 * DAY + 10 * 60 * MINUTE }
    }
    const refused = (d: AnomalyDetector, at: number, resource: string, segment: string, reporter = 'gateway', action = 'read', receivedAt = at) =>
      d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource, action, ip: '10.0.0.1', segment }, { reporter, receivedAt })
    const lateral = (found: Anomaly[]) => found.filter((a) => a.kind === 'lateral-movement').map((a) => a.severity)
    const worst = (found: Anomaly[]) => (['critical', 'high', 'medium', 'low'] as const).find((level) => found.some((a) => a.severity === level))

    it('a refused read of payroll, and twenty minutes later one of the ledger, one request each: two strays, nothing said; a third family that day is a reach', () => {
      const { d, at } = week()
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...ownSegment(d, at + 10 * MINUTE), ...refused(d, at + 20 * MINUTE, 'fin:ledger/3', 'finance'), ...d.release(at + 3 * 60 * MINUTE)]
      assert.deepEqual(alerted(found), [])
      // (The day's allowance, two strays, is spent: 144 requests a day bring no more.)
      const later = [...refused(d, at + 4 * 60 * MINUTE, 'legal:cases/1', 'legal'), ...d.release(at + 6 * 60 * MINUTE)]
      assert.ok(alerted(later).includes('new-resource/medium'), JSON.stringify(alerted(later)))
    })

    it('two families of one segment, one request each, are two strays too', () => {
      const { d, at } = week()
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...refused(d, at + 20 * MINUTE, 'hr:reviews/3', 'hr', 'reviews-service'), ...d.release(at + 3 * 60 * MINUTE)]
      assert.deepEqual(alerted(found), [])
    })

    it('the second family tried beyond one request (a search, then a read of what it named): lateral movement at medium, nothing high', () => {
      const { d, at } = week()
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...refused(d, at + 20 * MINUTE, 'fin:ledger/search', 'finance', 'gateway', 'search'), ...refused(d, at + 20 * MINUTE + 20_000, 'fin:ledger/3', 'finance'), ...d.release(at + 3 * 60 * MINUTE)]
      assert.deepEqual(lateral(found), ['medium'])
      assert.equal(worst(found), 'medium')
    })

    // From a review of the first version, which took any reach at the request's instant for its
    // own, counted segment reaches as the pair's, and kept no count through a restart: each of
    // these went unsaid for an agent allowed three strays a day or more.
    describe('a pair is two requests, one family each, once in two hours', () => {
      const said = (d: AnomalyDetector, at: number, found: Anomaly[]) => alerted([...found, ...d.release(at + 3 * 60 * MINUTE)])
      it('a second and a third family at the same instant, or the second seen by another verifier then, are high', () => {
        const burst = week(3 * MINUTE)
        const both = said(burst.d, burst.at, [...refused(burst.d, burst.at, 'hr:payroll/7', 'hr'), ...refused(burst.d, burst.at + 20 * MINUTE, 'fin:ledger/3', 'finance'), ...refused(burst.d, burst.at + 20 * MINUTE, 'legal:cases/1', 'legal')])
        assert.ok(both.includes('lateral-movement/high'), JSON.stringify(both))
        const twice = week(3 * MINUTE)
        const late = said(twice.d, twice.at, [...refused(twice.d, twice.at, 'hr:payroll/7', 'hr'), ...refused(twice.d, twice.at + 20 * MINUTE, 'fin:ledger/3', 'finance'), ...refused(twice.d, twice.at + 20 * MINUTE, 'fin:ledger/3', 'finance', 'ledger-service', 'read', twice.at + 20 * MINUTE + 30_000)])
        assert.ok(late.includes('lateral-movement/high'), JSON.stringify(late))
      })

      it('a refusal of its own family from another segment, then a family of a third: high', () => {
        const { d, at } = week(3 * MINUTE)
        const found = said(d, at, [...refused(d, at, 'hr:payroll/7', 'hr'), ...refused(d, at + 10 * MINUTE, 'eng:repos/3', 'finance'), ...refused(d, at + 20 * MINUTE, 'eng:repos/4', 'legal'), ...refused(d, at + 30 * MINUTE, 'ops:runbooks/1', 'ops')])
        assert.ok(found.includes('lateral-movement/high'), JSON.stringify(found))
      })

      it('a family it strayed into the day before, tried again after a second family: high', () => {
        const { d, at: before } = week(86_400)
        said(d, before, refused(d, before, 'hr:payroll/7', 'hr'))
        const at = before + DAY
        const found = said(d, at, [...refused(d, at, 'hr:payroll/7', 'hr'), ...[20, 30, 45, 55].flatMap((m, k) => refused(d, at + m * MINUTE, k === 0 ? 'fin:ledger/3' : 'hr:payroll/7', k === 0 ? 'finance' : 'hr'))])
        assert.ok(found.some((a) => a.endsWith('/high')), JSON.stringify(found))
      })

      it('two strays, a restart, and a third family within the hour: a reach', () => {
        const { d, at } = week(3 * MINUTE)
        refused(d, at, 'hr:payroll/7', 'hr')
        refused(d, at + 20 * MINUTE, 'fin:ledger/3', 'finance')
        const restarted = new AnomalyDetector({ context })
        restarted.load(d.takeDirty())
        const found = said(restarted, at, refused(restarted, at + 30 * MINUTE, 'legal:cases/1', 'legal'))
        assert.ok(found.includes('new-resource/medium'), JSON.stringify(found))
      })

      it('strays every thirty-five minutes into new families: the third is a reach', () => {
        const { d, at } = week(3 * MINUTE)
        const found = said(d, at, [0, 35, 70].flatMap((m, k) => refused(d, at + m * MINUTE, `f${k}:records/1`, `s${k}`)))
        assert.ok(found.includes('new-resource/medium'), JSON.stringify(found))
      })
    })

    it('a third family within the hour is high', () => {
      const { d, at } = week()
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...refused(d, at + 20 * MINUTE, 'fin:ledger/3', 'finance'), ...refused(d, at + 30 * MINUTE, 'legal:cases/1', 'legal'), ...d.release(at + 3 * 60 * MINUTE)]
      assert.ok(lateral(found).includes('high'), JSON.stringify(lateral(found)))
    })

    it('a family tried again, after a pause or beyond a stray\'s three requests, is high', () => {
      const paused = week()
      const again = [...refused(paused.d, paused.at, 'hr:payroll/7', 'hr'), ...refused(paused.d, paused.at + 20 * MINUTE, 'fin:ledger/3', 'finance'), ...refused(paused.d, paused.at + 25 * MINUTE, 'fin:ledger/4', 'finance'), ...paused.d.release(paused.at + 3 * 60 * MINUTE)]
      assert.ok(lateral(again).includes('high'), JSON.stringify(lateral(again)))
      const many = week()
      const four = [...refused(many.d, many.at, 'hr:payroll/7', 'hr'), ...[0, 20, 40, 60].flatMap((second) => refused(many.d, many.at + 20 * MINUTE + second * 1000, `fin:ledger/${second}`, 'finance')), ...many.d.release(many.at + 3 * 60 * MINUTE)]
      assert.ok(lateral(four).includes('high'), JSON.stringify(lateral(four)))
    })

    it('the same refusal seen by a second verifier is high', () => {
      const { d, at } = week()
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...refused(d, at + 20 * MINUTE, 'fin:ledger/3', 'finance'), ...refused(d, at + 20 * MINUTE + 1000, 'fin:ledger/3', 'finance', 'ledger-service'), ...d.release(at + 3 * 60 * MINUTE)]
      assert.ok(lateral(found).includes('high'), JSON.stringify(lateral(found)))
    })

    // From a review of the first version, which judged families only: refused requests for its
    // own family reported from three other segments' verifiers every four minutes, or a flood of
    // refusals pushing the earlier try of a family out of the hour's list (which keeps 32). (Ids
    // out of order: a walk of them is another line of evidence, which makes any finding high.)
    it('segments reached again and again, or a third segment, are high', () => {
      const { d, at } = week()
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...[...Array(14).keys()].flatMap((k) => refused(d, at + (k + 1) * 4 * MINUTE, `eng:repos/${(k * 7919) % 1000}`, ['finance', 'legal', 'ops'][k % 3]!)), ...d.release(at + 3 * 60 * MINUTE)]
      assert.ok(lateral(found).includes('high'), JSON.stringify(lateral(found)))
    })

    it('a family tried again after a flood of refusals pushed its first try out of the list is high', () => {
      const { d, at } = week()
      const found = [
        ...refused(d, at, 'hr:payroll/7', 'hr'),
        ...[...Array(33).keys()].flatMap((k) => refused(d, at + 60_000 + k * 20_000, `eng:repos/${(k * 7919) % 1000}`, 'finance')),
        ...refused(d, at + 30 * MINUTE, 'hr:payroll/8', 'hr'),
        ...d.release(at + 3 * 60 * MINUTE),
      ]
      assert.ok(lateral(found).includes('high'), JSON.stringify(lateral(found)))
    })

    it('one of the two allowed (an old grant in another segment) is high', () => {
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:eng'], entitlements: new Map([['eng:repos', t0 - 90 * DAY], ['fin:ledger', t0 - 90 * DAY]]) }) })
      for (let t = t0; t < t0 + 7 * DAY; t += 10 * MINUTE) ownSegment(d, t)
      const at = t0 + 7 * DAY + 10 * 60 * MINUTE
      const found = [...refused(d, at, 'hr:payroll/7', 'hr'), ...d.observe({ at: at + 20 * MINUTE, agent, decision: 'allow', resource: 'fin:ledger/3', action: 'read', ip: '10.0.0.1', records: 40, segment: 'finance' }, { reporter: 'gateway', receivedAt: at + 20 * MINUTE }), ...d.release(at + 3 * 60 * MINUTE)]
      assert.ok(lateral(found).includes('high'), JSON.stringify(lateral(found)))
    })
  })
})
