import assert from 'node:assert/strict'
import { AnomalyDetector, type AgentContext, type Anomaly } from '@agentid/issuer'
import { learnSize, newSizeHistogram, sizeReach, tailExcess } from '../src/monitoring/size-histogram.js'
import { uniform } from './support/uniform.js'

// Everyday habits a fourth, independent fleet showed (scripts/workload-d.mjs, issue 21), each said
// medium or high before, and what must still be said beside each; and a drain the detector missed
// there: more requests of the usual sizes. Simulated time and seeded noise only.
describe('anomaly detection: habits and a drain of a fourth independent fleet (workload-d)', () => {
  const base = Date.UTC(2026, 10, 16)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const LONG_AGO = base - 90 * DAY
  const agent = 'did:key:z6MkFleetD'
  type Fields = Record<string, unknown>
  const ev = (at: number, fields: Fields = {}) => ({ at, agent, decision: 'allow' as const, resource: 'crm:accounts/1', action: 'read', ip: '10.20.5.7', segment: 'sales', records: 1, ...fields })
  const medium = (found: Anomaly[]) => found.filter((a) => a.severity !== 'low').map((a) => `${a.kind}/${a.severity}`)
  const entitled = ['crm:accounts', 'crm:contacts', 'fin:expenses', 'logs:app', 'shop:orders']
  const context = (): AgentContext => ({ groups: ['team:sales/eu'], entitlements: new Map(entitled.map((f) => [f, LONG_AGO])) })
  const detector = () => new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, context })
  const id = (i: number) => (i * 7919) % 100_003
  const observe = (d: AnomalyDetector, at: number, fields: Fields = {}) => d.observe(ev(at, fields), { receivedAt: at })

  it('a light family of lookups and list pages is no drift before sizes can judge it; list pages grown twentyfold are', () => {
    // About ten requests a working day, a quarter of them list pages of 8-30 records.
    const rand = uniform(4)
    const d = detector()
    const found: Anomaly[] = []
    let i = 0
    for (let day = 0; day < 12; day++) {
      for (let k = 0; k < 10; k++) {
        const at = base + day * DAY + 8 * HOUR + k * 50 * MINUTE + Math.floor(rand() * 20 * MINUTE)
        const records = rand() < 0.25 ? 8 + Math.floor(rand() * 22) : 1
        found.push(...observe(d, at, { resource: records > 1 ? 'fin:expenses' : `fin:expenses/${id(i++)}`, records, segment: 'finance' }))
      }
    }
    assert.deepEqual(medium(found).filter((x) => x.startsWith('volume-drift') || x.startsWith('records-jump')), [])
    // Then its list pages at 300-600 records, a few an hour.
    const drained = Array.from({ length: 12 }, (_, k) => observe(d, base + 12 * DAY + 8 * HOUR + k * 20 * MINUTE, { resource: 'fin:expenses', records: 300 + 25 * k, segment: 'finance' })).flat()
    assert.ok(medium(drained).some((x) => x.startsWith('volume-drift') || x.startsWith('records-jump')), JSON.stringify(medium(drained)))
  })

  it('a size piled at the top of its bin (an API cap of 500) is as common as the pile in the tail test', () => {
    // Eight lookups of one record for two list pages at the cap: 500 sits near the top of its bin
    // (natural log 6.21 in 6.00-6.25), and a fifth of the requests are there.
    const h = newSizeHistogram()
    const at = base
    for (let i = 0; i < 100; i++) learnSize(h, i % 5 === 0 ? Math.log(500) : 0, at)
    sizeReach(h, at)
    assert.equal(tailExcess(h, Math.log(500), h.histQ90), 0)
    // Beyond the pile, rare is rare.
    assert.ok(tailExcess(h, Math.log(5000), h.histQ90) > 2)
  })

  it('list pages piled at an API cap (500 a request) are ordinary; requests beyond the cap are not', () => {
    // Lookups of one record, and runs of four list pages at the cap, a fifth of its requests.
    const d = detector()
    const found: Anomaly[] = []
    let i = 0
    for (let day = 0; day < 10; day++) {
      for (let at = base + day * DAY + 7 * HOUR; at < base + day * DAY + 17 * HOUR; at += 10 * MINUTE, i++) {
        found.push(...observe(d, at, i % 20 < 4 ? { resource: 'shop:orders', records: 500, segment: 'commerce' } : { resource: `shop:orders/${id(i)}`, segment: 'commerce' }))
      }
    }
    assert.deepEqual(medium(found.filter((a) => a.at >= base + 3 * DAY)), [])
    const beyond = Array.from({ length: 6 }, (_, k) => observe(d, base + 10 * DAY + 8 * HOUR + k * 5 * MINUTE, { resource: 'shop:orders', records: 20_000, segment: 'commerce' })).flat()
    assert.ok(medium(beyond).some((x) => x.startsWith('records-jump')), JSON.stringify(medium(beyond)))
  })

  it('listing or querying a family it reads is no new action; deleting or exporting it is', () => {
    const learned = () => {
      const d = detector()
      for (let day = 0; day < 5; day++) for (let k = 0; k < 40; k++) observe(d, base + day * DAY + 8 * HOUR + k * 12 * MINUTE, { resource: `crm:contacts/${id(day * 40 + k)}` })
      return d
    }
    const at = base + 5 * DAY + 9 * HOUR
    for (const verb of ['list', 'query', 'search', 'get']) {
      const d = learned()
      const found = [0, 1, 2].flatMap((k) => observe(d, at + k * MINUTE, { resource: 'crm:contacts', action: verb, records: 20 }))
      assert.deepEqual(medium(found), [], verb)
    }
    for (const verb of ['delete', 'export']) {
      const d = learned()
      const found = [0, 1, 2].flatMap((k) => observe(d, at + k * MINUTE, { resource: `crm:contacts/${id(k)}`, action: verb, records: verb === 'export' ? 20 : undefined }))
      assert.ok(medium(found).includes('new-action/medium'), `${verb}: ${JSON.stringify(medium(found))}`)
    }
  })

  it('an action used every day is its habit: twice its busiest day is not a burst, five times is', () => {
    // A queue worker reading tickets around the clock, updating 40-50 of them a day, for eight days.
    const worker = () => {
      const d = detector()
      for (let day = 0; day < 8; day++) {
        for (let k = 0; k < 200; k++) observe(d, base + day * DAY + k * 7 * MINUTE, { resource: `sup:tickets/${id(day * 200 + k)}`, segment: 'support' })
        for (let k = 0; k < 40 + (day % 3) * 5; k++) observe(d, base + day * DAY + 30_000 + k * 20 * MINUTE, { resource: `sup:tickets/${id(day * 200 + k)}`, action: 'update', records: undefined, segment: 'support' })
      }
      return d
    }
    const day = (d: AnomalyDetector, updates: number) => medium(Array.from({ length: updates }, (_, k) => observe(d, base + 8 * DAY + 40_000 + k * Math.floor((23 * HOUR) / updates), { resource: `sup:tickets/${id(9000 + k)}`, action: 'update', records: undefined, segment: 'support' })).flat())
    assert.deepEqual(day(worker(), 100), [], 'a sales day: twice its busiest')
    assert.ok(day(worker(), 300).includes('new-action/medium'), 'six times its busiest')
  })

  it('deletes stay watched at twice their busiest day, however many days they were used on', () => {
    const d = detector()
    for (let day = 0; day < 8; day++) {
      for (let k = 0; k < 100; k++) observe(d, base + day * DAY + 8 * HOUR + k * 5 * MINUTE, { resource: `sup:tickets/${id(day * 100 + k)}`, segment: 'support' })
      for (let k = 0; k < 2; k++) observe(d, base + day * DAY + 9 * HOUR + k * HOUR + 30_000, { resource: `sup:tickets/${id(day * 100 + k)}`, action: 'delete', records: undefined, segment: 'support' })
    }
    const burst = Array.from({ length: 10 }, (_, k) => observe(d, base + 8 * DAY + 9 * HOUR + k * 20 * MINUTE, { resource: `sup:tickets/${id(5000 + k)}`, action: 'delete', records: undefined, segment: 'support' })).flat()
    assert.ok(medium(burst).includes('new-action/medium'), JSON.stringify(medium(burst)))
  })

  it('a busy bot following a stray link a day is not a reach; four refused reaches within the hour are', () => {
    // A storefront bot: about 3,000 requests a day around the clock, from its vendor's addresses.
    const busy = () => {
      const d = detector()
      for (let at = base; at < base + 7 * DAY; at += 29_000) observe(d, at, { resource: `shop:orders/${id(at / 29_000)}`, segment: 'commerce', ip: '23.227.38.40' })
      return d
    }
    const refused = { decision: 'deny', code: 'ERR_NOT_ENTITLED', records: undefined, ip: '23.227.38.40' }
    const d = busy()
    const strays: string[] = []
    for (let day = 7; day < 14; day++) {
      for (let at = base + day * DAY; at < base + (day + 1) * DAY; at += 29_000) strays.push(...medium(observe(d, at, { resource: `shop:orders/${id(at / 29_000)}`, segment: 'commerce', ip: '23.227.38.40' })))
      const at = base + day * DAY + (9 + (day % 5) * 2) * HOUR + 7_000
      strays.push(...medium([...observe(d, at, { ...refused, resource: `docs:contracts/${id(day)}`, segment: 'legal' }), ...d.release(at + 2 * HOUR)]))
    }
    assert.deepEqual(strays, [], 'one stray link a day, a week long')
    const probe = busy()
    const at = base + 7 * DAY + 10 * HOUR
    const reach = ['hr:payroll', 'fin:ledger', 'legal:cases', 'it:identity'].flatMap((fam, k) => observe(probe, at + k * 9 * MINUTE, { ...refused, resource: `${fam}/1`, segment: fam.split(':')[0] }))
    assert.ok(medium(reach).includes('new-resource/medium') || medium(reach).includes('new-resource/high'), JSON.stringify(medium(reach)))
  })

  it('a bot meeting the same stray link every day is a stray each time, more than once a day too; beyond what its requests bring within a day, or new families every day of the week, is a reach', () => {
    // A CRM sync bot: about 500 requests a day over its working hours (a stray link in a thousand
    // requests: four a day at most, eight new families a week; strayAllowance).
    const bot = () => {
      const d = detector()
      for (let day = 0; day < 7; day++) for (let at = base + day * DAY + 6 * HOUR; at < base + day * DAY + 20 * HOUR; at += 100_000) observe(d, at, { resource: `crm:contacts/${id(at / 100_000)}`, ip: '13.108.12.104' })
      return d
    }
    const refused = (at: number, fam: string) => ({ at, fields: { decision: 'deny', code: 'ERR_NOT_ENTITLED', records: undefined, ip: '13.108.12.104', resource: `${fam}/${id(at / MINUTE)}`, segment: fam.split(':')[0] } })
    const said = (d: AnomalyDetector, at: number, fam: string) => {
      const r = refused(at, fam)
      return medium([...observe(d, r.at, r.fields), ...d.release(r.at + 2 * HOUR)])
    }
    const d = bot()
    const daily = Array.from({ length: 10 }, (_, k) => said(d, base + (7 + k) * DAY + (8 + (k % 4) * 3) * HOUR, 'docs:contracts'))
    assert.deepEqual(daily.flat(), [], 'the same family once a day, ten days')
    const sameDay = [10, 12, 14, 16, 18].map((h) => said(d, base + 17 * DAY + h * HOUR, 'docs:contracts'))
    assert.deepEqual(sameDay.slice(0, 4).flat(), [], 'four the same day')
    assert.ok(sameDay[4]!.includes('new-resource/medium'), `a fifth the same day: ${JSON.stringify(sameDay)}`)
    // Another family each day, then twice a day: strays at first, a reach within the week.
    const other = bot()
    const families = Array.from({ length: 14 }, (_, k) => said(other, base + (7 + (k >> 1)) * DAY + (9 + (k & 1) * 4) * HOUR, `fam${k}:records`))
    assert.deepEqual(families.slice(0, 4).flat(), [], 'a new family on each of four strays')
    assert.ok(families.some((x) => x.includes('new-resource/medium')), 'new families every day of the week')
  })

  it('a storefront meets more of its stray link on its busiest day, some within the hour; another family beside them is a reach', () => {
    // About 1,500 requests a day for a week, one refused link into the same contracts on each of
    // two days; then a sale day at five times the traffic, with a stray link every two hours and
    // two of them 20 minutes apart (issue 21: workload-d's Black Friday).
    const shop = () => {
      const d = detector()
      for (let at = base; at < base + 7 * DAY; at += 58_000) observe(d, at, { resource: `shop:orders/${id(at / 58_000)}`, segment: 'commerce', ip: '23.227.38.40' })
      for (const day of [5, 6]) observe(d, base + day * DAY + 11 * HOUR, { ...refused(0), resource: `docs:contracts/${id(day)}` })
      return d
    }
    const refused = (k: number) => ({ decision: 'deny', code: 'ERR_NOT_ENTITLED', records: undefined, ip: '23.227.38.40', resource: `docs:contracts/${id(100 + k)}`, segment: 'legal' })
    const saleDay = (d: AnomalyDetector, strays: number[], extra?: { at: number; fam: string }) => {
      const found: Anomaly[] = []
      let next = 0
      for (let at = base + 7 * DAY; at < base + 8 * DAY; at += 11_600) {
        found.push(...observe(d, at, { resource: `shop:orders/${id(at / 11_600)}`, segment: 'commerce', ip: '23.227.38.40' }))
        while (next < strays.length && strays[next]! <= at) found.push(...observe(d, strays[next]!, refused(next++)))
        if (extra && extra.at > at - 11_600 && extra.at <= at) found.push(...observe(d, extra.at, { ...refused(99), resource: `${extra.fam}/1`, segment: extra.fam.split(':')[0] }))
      }
      // (Reaches only: five times the traffic is a surge of its own, judged apart.)
      return medium([...found, ...d.release(base + 9 * DAY)]).filter((x) => /^(new-resource|new-segment|lateral-movement)\//.test(x))
    }
    const strays = [8, 10, 12, 14, 16, 16.34, 18].map((h) => base + 7 * DAY + h * HOUR + 7_000)
    assert.deepEqual(saleDay(shop(), strays), [], 'seven strays into the same contracts on a day of 7,500 requests')
    const beside = saleDay(shop(), strays, { at: base + 7 * DAY + 16.5 * HOUR, fam: 'hr:payroll' })
    assert.ok(beside.includes('new-resource/medium') || beside.includes('new-resource/high'), JSON.stringify(beside))
    // Not beyond what the day's traffic brings: a stray every ten minutes on the same day.
    const every = Array.from({ length: 40 }, (_, k) => base + 7 * DAY + 9 * HOUR + k * 10 * MINUTE + 7_000)
    const flood = saleDay(shop(), every)
    assert.ok(flood.includes('new-resource/medium') || flood.includes('new-resource/high'), JSON.stringify(flood))
  })

  // From adversarial reviews: a thief's own requests raised the day's allowance of strays, and
  // (2026-12-06) refused requests still raised its average day, for good.
  it("refused requests do not raise a stray's allowance: six strays on a day of 18,000 refusals are a reach", () => {
    const reaches = (flood: 'allow' | 'deny') => {
      const d = detector()
      for (let day = 0; day < 7; day++) for (let at = base + day * DAY + 6 * HOUR; at < base + day * DAY + 20 * HOUR; at += 100_000) observe(d, at, { resource: `crm:contacts/${id(at / 100_000)}`, ip: '13.108.12.104' })
      const refused = (at: number) => ({ decision: 'deny', code: 'ERR_NOT_ENTITLED', records: undefined, ip: '13.108.12.104', resource: `docs:contracts/${id(at / MINUTE)}`, segment: 'docs' })
      observe(d, base + 6 * DAY + 9 * HOUR, refused(base + 6 * DAY + 9 * HOUR))
      const found: Anomaly[] = []
      for (let k = 0; k < 18_000; k++) {
        const at = base + 7 * DAY + 6 * HOUR + k * 1_600
        found.push(...observe(d, at, { resource: `crm:contacts/${id(k)}`, ip: '13.108.12.104', ...(flood === 'deny' ? { decision: 'deny', code: 'ERR_CONSTRAINT', records: undefined } : {}) }))
        if (k % 3000 === 2999) found.push(...observe(d, at + 800, refused(at + 800)))
      }
      return medium([...found, ...d.release(base + 9 * DAY)]).filter((x) => /^new-resource\//.test(x))
    }
    assert.deepEqual(reaches('allow'), [], 'six strays with the day of its own allowed requests')
    assert.ok(reaches('deny').length > 0, 'six strays with a day of refusals')
  })

  it("a phone on a mobile carrier's changing addresses beside the office is not two networks; a server elsewhere is", () => {
    const office = '185.61.20.14'
    const phone = (day: number) => `37.228.${(day * 37) % 250}.${10 + day}`
    // Working days at the office, with half an hour a day on the phone as well, switching back
    // and forth; each day the carrier hands out an address of another /24 of its /16.
    const days = (d: AnomalyDetector, n: number, other: (day: number) => string) => {
      const found: Anomaly[] = []
      for (let day = 0; day < n; day++) {
        for (let at = base + day * DAY + 8 * HOUR; at < base + day * DAY + 17 * HOUR; at += 10 * MINUTE) found.push(...observe(d, at, { ip: office, resource: `crm:accounts/${id(at / MINUTE)}` }))
        const at0 = base + day * DAY + 14 * HOUR + 2 * MINUTE
        for (let k = 0; k < 10; k++) found.push(...observe(d, at0 + k * 3 * MINUTE, { ip: k % 2 ? other(day) : office, resource: `crm:contacts/${id(day * 10 + k)}` }))
      }
      return found
    }
    const d = detector()
    days(d, 3, phone)
    const later = days(d, 7, (day) => phone(day + 3)).filter((a) => a.kind === 'two-networks')
    assert.deepEqual(medium(later), [], 'the carrier pool it has used on two earlier days')
    const thief = days(d, 1, () => '45.142.3.9')
    assert.ok(medium(thief).some((x) => x.startsWith('two-networks')), JSON.stringify(medium(thief)))
    // A thief planting its server's /16 with a request on each of two quiet evenings, alone, then
    // working beside the owner (an adversarial review: the first version took those for a pool).
    const planted = detector()
    days(planted, 3, phone)
    for (const [k, ip] of ['45.142.3.9', '45.142.9.9'].entries()) observe(planted, base + (3 + k) * DAY + 19 * HOUR, { ip, resource: `crm:accounts/${id(k)}` })
    const beside = days(planted, 1, () => '45.142.77.9')
    assert.ok(medium(beside).some((x) => x.startsWith('two-networks')), JSON.stringify(medium(beside)))
  })

  // Workload-e: a person working from home through the VPN, which hands out an address of another
  // /24 of its /16 at each session (none used often enough to be learned), beside their phone.
  // Each session the VPN's network was new to it: with the phone's, two networks at once.
  it("a VPN's other /24s of a /16 it worked from on two earlier days are its site; one request a day from another site's /24s plants nothing", () => {
    const vpn = (day: number) => `172.18.${(day * 5) % 16}.${20 + day}`
    const phone = (day: number) => `37.228.${(day * 37) % 250}.${10 + day}`
    // A working day from `home`, with half an hour on the phone as well, switching back and forth.
    const days = (d: AnomalyDetector, from: number, n: number, home: (day: number) => string, other: (day: number) => string) => {
      const found: Anomaly[] = []
      for (let day = from; day < from + n; day++) {
        for (let at = base + day * DAY + 8 * HOUR; at < base + day * DAY + 17 * HOUR; at += 10 * MINUTE) found.push(...observe(d, at, { ip: home(day), resource: `crm:accounts/${id(at / MINUTE)}` }))
        const at0 = base + day * DAY + 14 * HOUR + 2 * MINUTE
        for (let k = 0; k < 10; k++) found.push(...observe(d, at0 + k * 3 * MINUTE, { ip: k % 2 ? other(day) : home(day), resource: `crm:contacts/${id(day * 10 + k)}` }))
      }
      return found.filter((a) => a.kind === 'two-networks')
    }
    // Office days first (its phone beside the office), each with an evening hour through the VPN;
    // `evening` says from where.
    const officeDays = (n: number, evening: (day: number) => Array<[number, string]> = (day) => Array.from({ length: 6 }, (_, k) => [k * 10 * MINUTE, vpn(day)])) => {
      const d = detector()
      for (let day = 0; day < n; day++) {
        days(d, day, 1, () => '185.61.20.14', phone)
        for (const [k, [after, ip]] of evening(day).entries()) observe(d, base + day * DAY + 20 * HOUR + after, { ip, resource: `crm:accounts/${id(day * 6 + k)}` })
      }
      return d
    }
    assert.deepEqual(medium(days(officeDays(3), 3, 7, vpn, phone)), [], 'its VPN pool, from the third day')
    assert.ok(medium(days(officeDays(3), 3, 1, vpn, () => '45.142.3.9')).length > 0, 'a server beside its VPN')
    assert.ok(medium(days(officeDays(3), 3, 1, vpn, () => '10.77.3.9')).length > 0, 'an internal network of another /16')
    assert.ok(medium(days(officeDays(1), 1, 1, vpn, phone)).length > 0, 'one earlier day is no pool yet')
    // An adversarial review of the first version: one request on each of two days from another
    // site's /24s (10.77.1, 10.77.2: said nothing) made its third /24 the agent's site.
    const planted = officeDays(3, (day) => (day === 0 ? [] : [[90 * MINUTE, `10.77.${day}.9`]]))
    assert.ok(medium(days(planted, 3, 1, () => '185.61.20.14', () => '10.77.3.9')).length > 0, 'planted by one request a day')
  })

  describe('records a day from one family', () => {
    // A service reading one record at a time, twice an hour around the clock, for ten days.
    const steady = () => {
      const d = detector()
      let i = 0
      for (let at = base; at < base + 10 * DAY; at += 30 * MINUTE) observe(d, at, { resource: `logs:app/${id(i++)}`, segment: 'ops' })
      return d
    }
    const run = (d: AnomalyDetector, from: number, to: number, extraPerHour: (at: number) => number) => {
      const found: Anomaly[] = []
      let i = 0
      for (let at = from; at < to; at += 30 * MINUTE) {
        found.push(...observe(d, at, { resource: `logs:app/${id(i++)}`, segment: 'ops' }))
        const extra = Math.round(extraPerHour(at) / 2)
        for (let k = 0; k < extra; k++) found.push(...observe(d, at + 1000 + k * Math.floor((29 * MINUTE) / Math.max(extra, 1)), { resource: `logs:app/${id(50_000 + i * 40 + k)}`, segment: 'ops' }))
      }
      return found
    }

    it('more requests of the usual size each day, up 20% every four hours, are said within two days', () => {
      const d = steady()
      const from = base + 10 * DAY
      const found = run(d, from, from + 4 * DAY, (at) => 2 * 1.2 ** Math.floor((at - from) / (4 * HOUR)))
      const said = found.find((a) => a.kind === 'volume-drift' && a.severity !== 'low')
      assert.ok(said, 'said')
      assert.ok(said.at - from < 2 * DAY, `${(said.at - from) / HOUR} h`)
      assert.ok(said.details.perDay !== undefined, JSON.stringify(said.details))
    })

    it('a day accepted as benign is expected from then on, through a restart; five times beyond it is said again', () => {
      let d = steady()
      const from = base + 10 * DAY
      const first = run(d, from, from + 2 * DAY, (at) => (at < from + DAY ? 6 : 20)).find((a) => a.kind === 'volume-drift' && a.severity !== 'low')
      assert.ok(first && first.at >= from + DAY, 'four times a usual day, then ten: said')
      assert.equal(d.teach(agent, 'volume-drift', String(first.details.about), { perDay: { records: Number(first.details.records), requests: Number(first.details.requests) }, at: first.at }), true)
      const rows = d.takeDirty()
      d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, context })
      assert.ok(d.load(rows) > 0)
      assert.deepEqual(medium(run(d, from + 2 * DAY, from + 4 * DAY, () => 20).filter((a) => a.kind === 'volume-drift')), [], 'the accepted day, twice')
      assert.ok(medium(run(d, from + 4 * DAY, from + 6 * DAY, (at) => (at < from + 5 * DAY ? 60 : 200))).some((x) => x.startsWith('volume-drift')), 'three times the accepted day, then ten')
    })

    it('a verdict on a request size, given on a day of ten times the requests, accepts the usual count, not that day\'s', () => {
      const d = steady()
      const from = base + 10 * DAY
      // By noon, ten times a usual day's requests; then an operator calls a size drift benign.
      run(d, from, from + 12 * HOUR, () => 40)
      assert.equal(d.teach(agent, 'volume-drift', 'logs:app', { records: 2, at: from + 12 * HOUR }), true)
      // Then a ramp: it must go beyond that day, the fortnight's busiest, to be said (it is, on its
      // fifth day: twenty times a usual day, a fifth of what accepting that day's count allows).
      const after = run(d, from + DAY, from + 6 * DAY, (at) => 4 * 1.8 ** Math.floor((at - from - DAY) / DAY))
      assert.ok(medium(after).some((x) => x.startsWith('volume-drift')), JSON.stringify(medium(after)))
    })

    it('a stored row dated ahead counts for nothing: the family is judged from its days as before', () => {
      const d = steady()
      const rows = d.takeDirty().map((r) => {
        const o = JSON.parse(r.state)
        if (Array.isArray(o.families)) for (const [, f] of o.families) Object.assign(f, { volDay: 1e7, volAccepted: [1e7, 1e12, 1e12] })
        return { ...r, state: JSON.stringify(o) }
      })
      const back = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, context })
      assert.ok(back.load(rows) > 0)
      const from = base + 10 * DAY
      const found = run(back, from, from + 3 * DAY, (at) => 4 * 2 ** Math.floor((at - from) / DAY))
      assert.ok(medium(found).some((x) => x.startsWith('volume-drift')), JSON.stringify(medium(found)))
    })

    it("a task bot's busy days below its fortnight's busiest are no drift; a day beyond it, growing, is", () => {
      // (workload-b: a bot's tasks come every few days, some twelve times its quiet days; a task
      // spread over three days, each busier, stayed below the busiest of them a week before.)
      const d = steady()
      const from = base + 10 * DAY
      const extra = [24, 0, 8, 12, 22, 40]
      const found = run(d, from, from + extra.length * DAY, (at) => extra[Math.floor((at - from) / DAY)]!)
      const drift = found.filter((a) => a.kind === 'volume-drift' && a.details.perDay !== undefined && a.severity !== 'low')
      const days = drift.map((a) => Math.floor((a.at - from) / DAY))
      // Days 3 and 4: five, seven, then twelve times a quiet day, each up on the day before, all
      // below day 0's thirteen times. Day 5: twenty-one times, beyond it by more than a quarter.
      assert.deepEqual([...new Set(days)], [5], JSON.stringify(drift.map((a) => `${(a.at - from) / HOUR}h ${a.details.share}`)))
    })

    it('a busy day another reporter reported is no bar: a ramp beyond the day before is said', () => {
      // (An adversarial review: a hostile reporter's made-up day of thirteen times the usual,
      // said only as a surge, silenced a thief's ramp through the real verifier for a fortnight.)
      const ramp = (reporterOfDay0: string | undefined) => {
        const d = steady()
        const from = base + 10 * DAY
        const extra = [24, 0, 0, 8, 12, 22]
        const found: Anomaly[] = []
        let i = 0
        for (let at = from; at < from + extra.length * DAY; at += 30 * MINUTE) {
          const day = Math.floor((at - from) / DAY)
          found.push(...observe(d, at, { resource: `logs:app/${id(i++)}`, segment: 'ops' }))
          const n = Math.round(extra[day]! / 2)
          for (let k = 0; k < n; k++) {
            const t = at + 1000 + k * Math.floor((29 * MINUTE) / n)
            const reporter = day === 0 ? reporterOfDay0 : undefined
            found.push(...d.observe(ev(t, { resource: `logs:app/${id(50_000 + i * 40 + k)}`, segment: 'ops' }), reporter ? { receivedAt: t, reporter } : { receivedAt: t }))
          }
        }
        return [...new Set(found.filter((a) => a.kind === 'volume-drift' && a.details.perDay !== undefined && a.severity !== 'low').map((a) => Math.floor((a.at - from) / DAY)))]
      }
      // Made up by another reporter: days 4 and 5 (six, then nine times, each a quarter up) are said.
      assert.deepEqual(ramp('did:web:evil.example'), [4, 5])
      // Reported by the agent's own verifier, that day is its busiest: a ramp below it is not
      // (a thief could as well hold that day's volume flat, which is no drift either).
      assert.deepEqual(ramp(undefined), [])
    })

    it('a rise its team shares (a period close) is low; the same rise alone is said', () => {
      // Three services of one team, each reading its family twice an hour for ten days, then
      // each rising: four times, then ten, then twenty times on three days in a row.
      const members = ['did:key:z6MkCloseA', 'did:key:z6MkCloseB', 'did:key:z6MkCloseC']
      const fleet = (who: string[]) => {
        const d = detector()
        const found: Anomaly[] = []
        let i = 0
        for (let at = base; at < base + 13 * DAY; at += 30 * MINUTE) {
          const day = Math.floor((at - base) / DAY)
          const extra = day < 10 ? 0 : [3, 9, 13][day - 10]!
          for (const agentId of who) {
            for (let k = 0; k <= extra; k++) found.push(...d.observe(ev(at + k * 60_000, { agent: agentId, resource: `logs:app/${id(i++)}`, segment: 'ops' }), { receivedAt: at + k * 60_000 }))
          }
        }
        return found.filter((a) => a.kind === 'volume-drift' && a.details.perDay !== undefined)
      }
      // Four, ten, fourteen times: the team's on its first day said; not again within a fortnight
      // (a second review: team mates an attacker controls, rising beside a thief's ramp every
      // day, made each day of it low).
      const together = fleet(members)
      const ofDay = (day: number) => together.filter((a) => a.at >= base + day * DAY && a.at < base + (day + 1) * DAY).map((a) => a.severity)
      assert.ok(ofDay(11).length > 0 && ofDay(11).every((x) => x === 'low'), JSON.stringify(together.map((a) => `${(a.at - base) / DAY}/${a.severity}`)))
      assert.ok(ofDay(12).includes('medium') || ofDay(12).includes('high'), JSON.stringify(ofDay(12)))
      assert.ok(medium(fleet(members.slice(0, 1))).some((x) => x.startsWith('volume-drift')))
    })

    describe('a rise far beyond the usual day, shared by the team', () => {
      // Members of one team, each reading its family (logs:app unless `family`) once every
      // `every` minutes (30 unless said) for ten days; from day 10 up `rise[k]` times on day
      // 10 + k (up four times on day 10, a day of use before, up as well, unless said), within
      // `hours` of the day on the days it is up (the day's whole rise in those hours); from day 11
      // through `reporter` (the agent's own verifier otherwise; '+' through two reporters, each a
      // request in turn); `madeUp`: on even days up to day 10 (every day: 'daily'), one request
      // only, made up by another reporter; `groups`: its groups (team:sales/eu otherwise).
      // Returns each member's severities of its rise on `judged` (day 11).
      type Member = { rise: number[]; family?: string; every?: number; hours?: [number, number]; reporter?: string; madeUp?: boolean | 'daily'; groups?: string[] }
      const agents = ['A', 'B', 'C', 'D', 'E', 'F'].map((x) => `did:key:z6MkIncident${x}`)
      const team = (members: Member[], { judged = 11, sensitivity = 1 } = {}) => {
        const groupsOf = new Map(members.map((member, m) => [agents[m]!, member.groups ?? ['team:sales/eu']]))
        const d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, sensitivity: { 'volume-drift': sensitivity }, context: (agent) => ({ ...context(), groups: groupsOf.get(agent) ?? [] }) })
        const found: Anomaly[] = []
        let i = 0
        for (let at = base; at < base + (judged + 1) * DAY; at += 10 * MINUTE) {
          const day = Math.floor((at - base) / DAY)
          const hour = ((at - base) / HOUR) % 24
          members.forEach((member, m) => {
            const every = member.every ?? 30
            if (Math.floor((at - base) / MINUTE) % every !== 0) return
            const times = day < 10 ? 1 : member.rise[day - 10] ?? 1
            const [from, to] = times > 1 && day >= 11 && member.hours ? member.hours : [0, 24]
            const madeUp = member.madeUp !== undefined && day <= 10 && (member.madeUp === 'daily' || day % 2 === 0)
            if (madeUp && at - base !== day * DAY) return
            const n = madeUp ? 1 : hour < from || hour >= to ? 0 : Math.round((times * 24) / (to - from))
            for (let k = 0; k < n; k++) {
              const t = at + k * 5_000
              const by = madeUp ? 'did:web:other.example' : day >= 11 ? member.reporter : undefined
              const reporter = by === '+' ? `did:web:verifier-${k % 2}.example` : by
              found.push(...d.observe(ev(t, { agent: agents[m], resource: `${member.family ?? 'logs:app'}/${id(i++)}`, segment: 'ops' }), reporter ? { receivedAt: t, reporter } : { receivedAt: t }))
            }
          })
        }
        return agents.slice(0, members.length).map((a) => found.filter((x) => x.agent === a && x.kind === 'volume-drift' && x.details.perDay !== undefined && x.at >= base + judged * DAY && x.at < base + (judged + 1) * DAY).map((x) => x.severity))
      }
      const said = (severities: string[]) => severities.some((x) => x !== 'low')
      const up = (...rise: number[]): Member => ({ rise: [4, ...rise] })

      it('an incident lifting the whole team to twenty times a usual day is the team\'s: low', () => {
        const days = team([up(20), up(22), up(24)])
        assert.ok(days.every((x) => x.length > 0 && !said(x)), JSON.stringify(days))
      })

      it('a member reading three times what its team mates read that day is said', () => {
        // Its mates up seven times, itself up twenty-four.
        const days = team([up(7), up(7), up(24)])
        assert.ok(said(days[2]!), JSON.stringify(days))
        // Below fifteen times, a rise its team shares is low as before.
        assert.ok(!said(team([up(7), up(7), up(12)])[2]!), 'twelve times beside mates at seven')
      })

      it('a member going on to three times what its team mates read, after they stopped, is said then', () => {
        // Its mates up ten times by noon, then quiet: itself up twenty-four times (low), or forty.
        const morning = (): Member => ({ ...up(10), hours: [0, 12] })
        assert.ok(!said(team([morning(), morning(), up(24)])[2]!), 'twenty-four times beside mates at ten')
        const days = team([morning(), morning(), up(40)])
        assert.ok(said(days[2]!), JSON.stringify(days))
      })

      it('team mates said as they rose (their team not yet risen) are judged beside all of their day', () => {
        // Two members up sixty times over the day, said (the third quiet until noon); the third up
        // sixty times in the afternoon: beside them as far as they went, not where they were said.
        const days = team([up(60), up(60), { ...up(60), hours: [12, 24] }])
        assert.ok(said(days[0]!) && said(days[1]!), JSON.stringify(days))
        assert.ok(days[2]!.length > 0 && !said(days[2]!), JSON.stringify(days))
      })

      it('team mates risen as far in another family, or in a family they read a few times a day, excuse nothing', () => {
        // (Adversarial review: any family's rise counted, as times its own usual day: a few reads
        // of a family read once a day made a large ratio.)
        const elsewhere = team([{ ...up(25), family: 'crm:contacts' }, { ...up(25), family: 'crm:contacts' }, up(40)])
        assert.ok(said(elsewhere[2]!), JSON.stringify(elsewhere))
        // Its mates read logs:app five times a day, then 125 reads: 25 times, a sixteenth of its 1,920.
        const few = team([{ ...up(25), every: 290 }, { ...up(25), every: 290 }, up(40)])
        assert.ok(said(few[2]!), JSON.stringify(few))
      })

      it('team mates\' rise of an earlier day excuses nothing today', () => {
        // (Adversarial review: a member's largest rise was kept while it went on rising twice its
        // usual each day.) Its mates twenty times on day 11, then three times, each in the
        // afternoon (within a day of its start when it goes beyond five times); itself thirty times
        // on day 12.
        const late = (): Member => ({ ...up(20, 3), hours: [12, 24] })
        const days = team([late(), late(), up(4, 30)], { judged: 12 })
        assert.ok(said(days[2]!), JSON.stringify(days))
      })

      it('below fifteen times, team mates\' rise counts within a day of its start, as before', () => {
        // (Adversarial review: noted again at each step of its growth, a rise counted for a day
        // after its last step.) Its mates ten times on day 11, all before noon; itself twelve times
        // on day 12, all before eight.
        const days = team([{ ...up(10), hours: [0, 12] }, { ...up(10), hours: [0, 12] }, { ...up(4, 12), hours: [0, 8] }], { judged: 12 })
        assert.ok(said(days[2]!), JSON.stringify(days))
      })

      it('team mates whose other days another reporter made up (one request a day) are judged on their verifier\'s days', () => {
        // (Second review: its made-up days lowered their usual day, so a real day of eight times
        // looked a thousand times.) The mates read logs:app 144 times a day on odd days, a request
        // made up on even days; up eight times on day 11 (1,152 reads). Itself up forty-five times
        // (2,160 reads).
        const diluted = (): Member => ({ rise: [1, 8], every: 10, madeUp: true })
        const days = team([diluted(), diluted(), up(45)])
        assert.ok(said(days[2]!), JSON.stringify(days))
        // Nothing but made-up days before: no day of its verifier's to judge them on.
        const seeded = (): Member => ({ rise: [1, 8], every: 10, madeUp: 'daily' })
        const none = team([seeded(), seeded(), up(45)])
        assert.ok(said(none[2]!), JSON.stringify(none))
      })

      it('members of another team of its segment excuse nothing far beyond the usual', () => {
        // (Second review: four agents of another owner in its segment, up twenty times in the
        // first two hours, made a stolen credential's forty-five times low.) Itself and a quiet
        // team mate; four of another team.
        const insider = (): Member => ({ rise: [1, 20], hours: [0, 2], groups: ['team:z', 'segment:y'] })
        const days = team([{ ...up(45), groups: ['team:x', 'segment:y'] }, { rise: [], groups: ['team:x', 'segment:y'] }, insider(), insider(), insider(), insider()])
        assert.ok(said(days[0]!), JSON.stringify(days))
      })

      it('team mates made to look busy by another reporter excuse nothing far beyond the usual', () => {
        // The mates' requests from day 11 through a reporter of their own; the member's through its verifier.
        const days = team([{ ...up(20), reporter: 'did:web:other.example' }, { ...up(22), reporter: 'did:web:other.example' }, up(24)])
        assert.ok(said(days[2]!), JSON.stringify(days))
      })

      it('at three times the sensitivity (a limit below twice the usual day), the team\'s rise is judged alike', () => {
        const days = team([up(20), up(22), up(24)], { sensitivity: 3 })
        assert.ok(days.every((x) => x.length > 0 && !said(x)), JSON.stringify(days))
        assert.ok(said(team([up(7), up(7), up(24)], { sensitivity: 3 })[2]!), 'twenty-four times beside mates at seven')
      })

      it('days reported by more than one reporter are said far beyond the usual, as before', () => {
        // (Two replicas of a verifier, each under its own name: whose word is the day's is unknown.)
        const days = team([{ ...up(20), reporter: '+' }, { ...up(22), reporter: '+' }, { ...up(24), reporter: '+' }])
        assert.ok(said(days[2]!), JSON.stringify(days))
      })
    })

    it('a busy day is not said, at three times or at ten after ordinary days; nor a weekly run at eight times', () => {
      const d = steady()
      const from = base + 10 * DAY
      const busy = run(d, from, from + DAY, () => 4)
      assert.deepEqual(medium(busy), [])
      run(d, from + DAY, from + 2 * DAY, () => 0)
      const task = run(d, from + 2 * DAY, from + 3 * DAY, () => 20)
      assert.deepEqual(medium(task.filter((a) => a.kind === 'volume-drift')), [])
      // (The weekly run's hours are the hourly count's to judge, sustained-rate.ts; here, its day.)
      // Day 11 and 18: a weekly run, eight times the day, from day 4's run on (learned there).
      const weekly = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, holdMinutes: 0, context })
      const found = run(weekly, base, base + 19 * DAY, (at) => (Math.floor((at - base) / DAY) % 7 === 4 ? 14 : 0))
      assert.deepEqual(medium(found.filter((a) => a.at >= base + 11 * DAY && a.kind === 'volume-drift')), [])
    })
  })
})
