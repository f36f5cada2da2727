import assert from 'node:assert/strict'
import { AnomalyDetector, type AgentContext, type Anomaly } from '@agentid/issuer'

// A person's own large reads now and then (issue 21): an assistant that reads one record at a
// time lists a hundred from one family or another every few days; a person exports a ledger, ten
// times larger one day than another. On workload-c and -e each such list or export was said
// medium or high, every time. And what must still be said beside them: a third within the hour,
// more than twice as many in a day, one beyond four times what was said before, one after jumps
// another reporter made up or too small to be said, and a bulk read from a family that reads
// little beside another's routine volumes or jumps. Simulated time only: nothing here waits or
// reads the wall clock.
describe('anomaly detection: large reads an agent makes now and then', () => {
  const base = Date.UTC(2026, 10, 2)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const LONG_AGO = base - 90 * DAY
  const agent = 'did:key:z6MkLoneJumps'
  const grants = new Map([['crm:accounts', LONG_AGO], ['crm:contacts', LONG_AGO], ['dw:sales', LONG_AGO], ['dw:marketing', LONG_AGO]])
  const context = (): AgentContext => ({ groups: ['team:sales/eu'], entitlements: grants })
  const id = (i: number) => (i * 7919) % 100_003
  // A large read: on `day` at `hour` (fractions for minutes), `records` from `family`, seen by `reporter`.
  interface Large { day: number; hour: number; records: number; family?: string; reporter?: string }
  // Working days: a read of one record every ten minutes, 8:00-17:00 UTC, of its two families in
  // turn (and, with `warehouse`, a read of about two thousand from dw:sales every ten minutes as
  // well), all seen by the 'crm' verifier; and the large reads of `plan`.
  function run(days: number, plan: Large[], warehouse = false, suppressed?: (at: number) => boolean): Anomaly[] {
    const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, context, ...(suppressed ? { suppressed: (_agent, kind, _about, at) => kind === 'records-jump' && suppressed(at) } : {}) })
    const events: Array<{ at: number; records: number; resource: string; reporter: string }> = []
    let i = 0
    for (let day = 0; day < days; day++) {
      for (let at = base + day * DAY + 8 * HOUR; at < base + day * DAY + 17 * HOUR; at += 10 * MINUTE) {
        events.push({ at, records: 1, resource: `crm:${i % 2 ? 'accounts' : 'contacts'}/${id(i)}`, reporter: 'crm' })
        if (warehouse) events.push({ at: at + 1000, records: 1800 + (i % 5) * 100, resource: `dw:sales/${id(i)}`, reporter: 'crm' })
        i++
      }
    }
    for (const [k, x] of plan.entries()) events.push({ at: base + x.day * DAY + x.hour * HOUR + 7000, records: x.records, resource: `${x.family ?? 'crm:accounts'}/list-${k}`, reporter: x.reporter ?? 'crm' })
    events.sort((a, b) => a.at - b.at)
    const found: Anomaly[] = []
    for (const e of events) {
      found.push(...d.observe({ at: e.at, agent, decision: 'allow', resource: e.resource, action: 'read', ip: '10.20.5.7', segment: e.resource.startsWith('dw:') ? 'data' : 'sales', records: e.records }, { receivedAt: e.at, reporter: e.reporter }))
    }
    return found
  }
  const jumpsOn = (found: Anomaly[], day: number) =>
    found.filter((a) => a.kind === 'records-jump' && a.severity !== 'low' && a.at >= base + day * DAY && a.at < base + (day + 1) * DAY).map((a) => `@${Math.round((a.at - base - day * DAY) / MINUTE)}`)
  // Lists of about a hundred on two earlier days, from one family and then the other.
  const earlier: Large[] = [{ day: 2, hour: 11, records: 100, family: 'crm:contacts' }, { day: 3, hour: 14, records: 120 }]

  it('one or two lists within the hour, up to four times as large as those said on two earlier days, are its own; a third is said', () => {
    const found = run(6, [...earlier, { day: 5, hour: 10, records: 300 }, { day: 5, hour: 10.3, records: 250 }, { day: 5, hour: 10.6, records: 280 }])
    assert.ok(jumpsOn(found, 2).length > 0, 'said on its first day')
    assert.deepEqual(jumpsOn(found, 3), [], 'its second day like the first: explained (no alert)')
    assert.deepEqual(jumpsOn(found, 5), ['@636'], 'the third within the hour only')
  })

  it('more than twice as many in a day as on those days are said', () => {
    const found = run(6, [...earlier, { day: 5, hour: 9, records: 110 }, { day: 5, hour: 12, records: 90 }, { day: 5, hour: 15, records: 100 }])
    assert.deepEqual(jumpsOn(found, 5), ['@900'], 'the third of the day')
  })

  it('one beyond four times what was said before is said', () => {
    assert.equal(jumpsOn(run(6, [...earlier, { day: 5, hour: 10, records: 700 }]), 5).length, 1)
  })

  it("another reporter's earlier lists excuse nothing the honest verifier sees", () => {
    const madeUp = earlier.map((x) => ({ ...x, reporter: 'hostile' }))
    assert.equal(jumpsOn(run(6, [...madeUp, { day: 5, hour: 10, records: 110 }]), 5).length, 1)
  })

  // From an adversarial review of the first version, which counted every jump: a thief's lone
  // reads too small to be said (45 records, where the agent reads one), on two days, excused reads
  // four times as large, up to fifty a day, and each day's excused ones raised the next day's
  // allowance. Only said jumps count.
  it('reads below what is said excuse nothing', () => {
    const quiet: Large[] = [2, 3].flatMap((day) => [9, 11, 13, 15].map((hour) => ({ day, hour, records: 45 })))
    const found = run(6, [...quiet, { day: 5, hour: 10, records: 180 }])
    for (const day of [2, 3]) assert.deepEqual(jumpsOn(found, day), [], `day ${day}: not said`)
    assert.equal(jumpsOn(found, 5).length, 1)
  })

  // The same review: a warehouse's jumps, said on two days, excused one four times as large from
  // crm:accounts, whose requests are one record. Only families of about its level or below count.
  it("a warehouse's jumps excuse none from a family whose requests are one record", () => {
    const warehouse: Large[] = [2, 3].map((day) => ({ day, hour: 11, records: 150_000, family: 'dw:sales' }))
    const found = run(6, [...warehouse, { day: 5, hour: 10, records: 400_000 }], true)
    assert.equal(jumpsOn(found, 2).length, 1, 'day 2: said')
    assert.equal(jumpsOn(found, 5).length, 1)
  })

  it("another family's routine volumes excuse no bulk read from a family that reads little", () => {
    // Two thousand a request from the warehouse all day, every day: ordinary there. Two thousand
    // from crm:accounts, whose requests are one record, is said.
    assert.equal(jumpsOn(run(6, [{ day: 5, hour: 10, records: 2000 }], true), 5).length, 1)
  })

  describe('a light family: four lookups of one record a day, and a query of up to two hundred most days', () => {
    // Too few requests for its sizes to judge a drift (workload-c's assistants: each query was
    // said a jump of fifty or more times its level of one record).
    const light = (days: number): Large[] => Array.from({ length: days }, (_, day) => [
      ...[9, 11, 13, 15].map((hour) => ({ day, hour, records: 1, family: 'dw:marketing' })),
      ...(day % 3 === 2 ? [] : [{ day, hour: 14, records: 50 + ((day * 37) % 150), family: 'dw:marketing' }]),
    ]).flat()
    const on8 = (...x: Array<[number, number]>): Large[] => x.map(([hour, records]) => ({ day: 8, hour, records, family: 'dw:marketing' }))

    it('after a week of them, a query of two hundred, or a lone one of eight hundred, is its own', () => {
      assert.deepEqual(jumpsOn(run(9, [...light(8), ...on8([10, 200])]), 8), [])
      assert.deepEqual(jumpsOn(run(9, [...light(8), ...on8([10, 800])]), 8), [])
    })

    it('a lone read of three thousand (over ten times the largest it regularly made) is said', () => {
      assert.equal(jumpsOn(run(9, [...light(8), ...on8([10, 3000])]), 8).length, 1)
    })

    // From an adversarial review of the first version, which took the reach from the day's start
    // alone: reads made four and a half times larger day by day on a family of lookups (each
    // learned, below a jump), then a drain, were said by the build before and not by it.
    it('reads made larger day by day, then a drain, are said as before: the reach rises at most threefold in a week', () => {
      const lookups = Array.from({ length: 12 }, (_, day) => [9, 11, 13, 15].map((hour) => ({ day, hour, records: 1, family: 'dw:marketing' }))).flat()
      const ramp = [19, 86, 385, 1731, 19_478].map((records, k) => ({ day: 6 + k, hour: 10, records, family: 'dw:marketing' }))
      const found = run(12, [...lookups, ...ramp])
      for (const day of [7, 8, 9, 10]) assert.equal(jumpsOn(found, day).length, 1, `day ${day}`)
    })

    it("the day's own large reads do not raise what its next read is measured from", () => {
      // Two reads of 900 (within five times the largest, about 220) are learned; one of 4,000 is
      // still measured from what it regularly read before the day.
      assert.deepEqual(jumpsOn(run(9, [...light(8), ...on8([10, 900], [10.5, 900], [11, 4000])]), 8), ['@660'])
    })
  })

  // An adversarial review of the first version of the own second day (c870124), which took the
  // first day's bar from every jump said that day: reads of twenty thousand slipped in among the
  // agent's own warm-up, inside the incident its first read opened (no alert of their own), made
  // reads of thirty-eight thousand two days later low; one read said after a second day's count
  // ran out made that day's explained jumps a first day's (twenty thousand a read, a fortnight
  // on, low); and a first day an operator suppressed still counted. A second day is now bounded
  // by four times the largest jump reported as an alert that day too (in families of about its
  // level), and only a day with one makes a first day.
  describe("a second day is measured by what the first day's alerts told", () => {
    const warmUp = (day: number, records = 200): Large[] => Array.from({ length: 10 }, (_, k) => ({ day, hour: 10 + k / 180, records }))
    const spaced = (day: number, n: number, records: number): Large[] => Array.from({ length: n }, (_, k) => ({ day, hour: 8.5 + k / 2, records }))

    it('reads slipped in among its warm-up, told of by no alert, set no bar', () => {
      const hidden: Large[] = Array.from({ length: 10 }, (_, k) => ({ day: 2, hour: 10.1 + k / 180, records: 20_000 }))
      assert.ok(jumpsOn(run(5, [...warmUp(2), ...hidden, ...spaced(4, 14, 38_000)]), 4).length > 0)
      // (Its own warm-up two days later, as the first: explained.)
      assert.deepEqual(jumpsOn(run(5, [...warmUp(2), ...warmUp(4)]), 4), [])
    })

    it("a read said after a second day's count ran out makes no first day of that day's explained jumps", () => {
      const day2 = [...spaced(2, 10, 10_000), { day: 2, hour: 15.5, records: 300 }]
      const found = run(17, [...spaced(1, 5, 5000), ...day2, ...spaced(16, 12, 20_000)])
      assert.ok(jumpsOn(found, 16).length > 0, JSON.stringify(jumpsOn(found, 16)))
    })

    // A review of 48792d9: what the day's alerts told was taken from any family, so an export
    // alerted from the warehouse left the bar of a family of lookups to reads slipped in there.
    it("what the alerts told of another family's level sets no bar", () => {
      const hidden: Large[] = [{ day: 2, hour: 11, records: 150_000, family: 'dw:sales' }, { day: 2, hour: 14, records: 200 }, { day: 2, hour: 14.05, records: 150_000 }, { day: 2, hour: 14.1, records: 150_000 }]
      assert.ok(jumpsOn(run(5, [...hidden, ...spaced(4, 4, 300_000)], true), 4).length > 0)
    })

    it('a first day an operator suppressed is no first day', () => {
      const onDay2 = (at: number) => at >= base + 2 * DAY && at < base + 3 * DAY
      assert.ok(jumpsOn(run(5, [...warmUp(2), ...warmUp(4)], false, onDay2), 4).length > 0)
    })
  })

  it("a deploy's warm-up into whichever of its families is a habit of the agent's, not of each family", () => {
    // Ten reads of about two hundred after each deploy (two days a week), into one family or the other.
    const warmUp = (day: number, family: string): Large[] => Array.from({ length: 10 }, (_, k) => ({ day, hour: 10 + k / 180, records: 180 + 5 * k, family }))
    const found = run(11, [...warmUp(1, 'crm:accounts'), ...warmUp(3, 'crm:contacts'), ...warmUp(8, 'crm:accounts'), ...warmUp(10, 'crm:contacts')])
    assert.ok(jumpsOn(found, 1).length > 0, 'day 1: said')
    for (const day of [3, 8, 10]) assert.deepEqual(jumpsOn(found, day), [], `day ${day}: its second day like the first, then its habit`)
  })
})
