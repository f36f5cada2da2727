import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'
import { daysOfReads, newDayVolume, readsOverUsual } from '../src/monitoring/day-volume.js'
import { HIST, learnSize, lightFloor, newSizeHistogram } from '../src/monitoring/size-histogram.js'
import { uniform } from './support/uniform.js'

// A light family's own sizes bound its drift evidence (volume-checks.ts, ownFloor): a person's
// assistant reads a family record by record and lists it now and then, a few requests a working
// day. Until its sizes weigh enough to judge it alone (weeks), the family is judged by the shape
// of the agent's busiest family, where its list pages are rare: a stationary mix added up over
// days and was said day after day (workload-h's largest benign cause). Simulated time and seeded
// noise only: nothing here waits or reads the wall clock.
const HOUR = 3_600_000
const DAY = 24 * HOUR
const t0 = Date.UTC(2026, 10, 2, 0)
const agent = 'did:key:z6MkAssistant'

type Read = (minute: number, records: number) => void

// Logs searched every 12 minutes of the working day (weekends off), and `chat:messages` read
// `perDay` times a working day: a lookup of one record or (by default three times in ten, and the
// second request of its first day) a list of 10 to 250 records. `thief`: more reads of chat:messages on
// `day`, at a minute of it. `reads`: the working days chat:messages is read (every one by default);
// `lists`: their share of its requests and their sizes (median, spread in natural log, most).
interface Lists { share: number; median: number; spread: number; most: number }
const CHAT_LISTS: Lists = { share: 0.3, median: 40, spread: 0.7, most: 250 }
function assistant(seed: number, days: number, perDay = 5, thief: (day: number, read: Read) => void = () => {}, reads: (day: number) => boolean = () => true, lists = CHAT_LISTS): Anomaly[] {
  const d = new AnomalyDetector()
  const u = uniform(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())
  const events: Array<{ at: number; resource: string; records: number }> = []
  let id = 0
  for (let day = 0; day < days; day++) {
    if (day % 7 >= 5) continue
    for (let at = t0 + day * DAY + 8 * HOUR; at < t0 + day * DAY + 17 * HOUR; at += 12 * 60_000) {
      events.push({ at, resource: 'obs:logs/q', records: Math.max(1, Math.round(5 * Math.exp(0.4 * gauss()))) })
    }
    for (let k = 0; k < (reads(day) ? perDay : 0); k++) {
      const at = t0 + day * DAY + 8 * HOUR + Math.floor(u() * 9 * HOUR) + 30_000
      const list = u() < lists.share || (day === 0 && k === 1)
      events.push(list ? { at, resource: 'chat:messages', records: Math.min(lists.most, Math.max(10, Math.round(lists.median * Math.exp(lists.spread * gauss())))) } : { at, resource: `chat:messages/m-${id++}`, records: 1 })
    }
    thief(day, (minute, records) => events.push({ at: t0 + day * DAY + minute * 60_000 + 15_000, resource: 'chat:messages', records }))
  }
  events.sort((a, b) => a.at - b.at)
  return events.flatMap((e) => d.observe({ at: e.at, agent, decision: 'allow', resource: e.resource, action: 'read', ip: '10.0.0.1', records: e.records }, { receivedAt: e.at }))
}

// The family read `perDay` times on Monday, Wednesday and Thursday of its first week, then every
// working day of the second: no drift said in the second week, on eight seeds.
function noDriftInSecondWeek(perDay: number, lists: Lists): void {
  const reads = (day: number) => day >= 7 || day === 0 || day === 2 || day === 3
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const found = chat(assistant(seed, 14, perDay, undefined, reads, lists), 7).filter((a) => a.kind === 'volume-drift')
    assert.deepEqual(found.map((a) => a.kind), [], `seed ${seed}: ${byDay(found)}`)
  }
}

const chat = (found: Anomaly[], from: number) => found.filter((a) => (a.kind === 'volume-drift' || a.kind === 'records-jump') && a.details.about === 'chat:messages' && a.severity !== 'low' && a.at >= t0 + from * DAY)
const byDay = (found: Anomaly[]) => found.map((a) => `${a.kind}/${a.severity} day ${((a.at - t0) / DAY).toFixed(2)} ${String(a.details.records)}`).join('; ')

describe('a light family of lookups and lists: its own sizes bound its drift evidence', () => {
  it('its lists among its lookups, five requests a working day, are no volume alert from its second week to its fourth (five seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const found = chat(assistant(seed, 28), 7)
      assert.deepEqual(found.map((a) => a.kind), [], `seed ${seed}: ${byDay(found)}`)
    }
  })

  // A habit is three days (docs/monitoring.md): a person who read the family on three days of
  // its first week has its own sizes for the floor. Asked for five, workload-h's people reading
  // the warehouse on three or four days a week were said the next week, every seed (10 of its 29
  // benign volume-drift alerts on seeds 1-3).
  it('queries read on three days of its first week (Monday, Wednesday, Thursday), then every working day: no drift in its second week (eight seeds)', () => {
    // Six requests a day, half of them lists of about 300 records (ten to thousands), as
    // workload-h's people read the warehouse; with five days asked for, seeds 1, 2, 7 and 8 were said.
    noDriftInSecondWeek(6, { share: 0.5, median: 300, spread: 1, most: Infinity })
  })

  // Its days of reads are counted before its requests are judged: the first of a day used to be
  // judged before the day before was kept (day-volume.ts keeps a day when the next one's first
  // read is counted), so a family read on three days had two at its next day's first request,
  // and a run its lists added up over the first week, under the other family's shape, was said
  // there (workload-h's calendar lists of a dozen among lookups of one).
  it('the first read of a day counts the day before among its days of reads (eight seeds)', () => {
    noDriftInSecondWeek(10, { share: 0.5, median: 13, spread: 0.4, most: Infinity })
  })

  // An adversarial review's probe: a family read twice a working day stays light for good, and
  // three lists every Monday, a fifth larger each week, were a tenth of its requests at every
  // day's start: the lowest start of the week followed them a week behind, and no list ever went
  // far beyond the floor (3941098: seed 4 never said in 300 days). The floor now rises at
  // most a tenth a week above twice its first, and the lists go beyond it: said after about 28
  // and 31 weeks here (reads of 10,000 to 17,000 records; some 250,000 in all), on the review's
  // own generator after 13 to 17 weeks. Slow: what a thief patient for months gets is written in
  // docs/monitoring.md.
  it('three lists every Monday, a fifth larger each week, in a family read twice a working day: said within 35 weeks (two seeds)', () => {
    const from = 21
    const weeks = 35
    const thief = (day: number, read: Read) => {
      if (day >= from && day % 7 === 0) for (let k = 0; k < 3; k++) read(10 * 60 + 90 * k, Math.round(60 * 1.2 ** ((day - from) / 7)))
    }
    for (const seed of [4, 6]) {
      const quiet = chat(assistant(seed, from + 7 * weeks, 2), from)
      const found = chat(assistant(seed, from + 7 * weeks, 2, thief), from).filter((a) => !quiet.some((q) => q.kind === a.kind))
      assert.ok(found.length > 0, `seed ${seed}: nothing caused (control: ${byDay(quiet)})`)
    }
  })

  // On a day of more than three times the family's usual requests the floor bounds nothing (a
  // thief's many reads of the family's usual sizes are the other family's shape's to judge, as
  // before): how busy the day is, with the request at hand.
  it('how busy the family is today: its requests so far and the one at hand over its usual day', () => {
    const v = newDayVolume()
    assert.equal(readsOverUsual(v, 10), Infinity)
    v.volDays = [[7, 80, 2, 'r'], [8, 60, 3, 'r'], [9, 90, 2, 'r']]
    v.volDay = 10
    v.volReads = 5
    assert.equal(readsOverUsual(v, 10), 3)
    assert.deepEqual([daysOfReads(v, 10), daysOfReads(v, 11)], [3, 4])
    // Day 11's first read: day 10 (five requests) is over, not yet kept, and counts (median 2.5).
    assert.equal(readsOverUsual(v, 11), 1 / 2.5)
  })

  describe('the floor: what the family regularly read all week (lightFloor)', () => {
    const day = (n: number) => t0 + n * DAY + 9 * HOUR
    // Four requests a day: three lookups of one record and a list of 40.
    const usualDay = (h: ReturnType<typeof newSizeHistogram>, n: number) => {
      for (let k = 0; k < 4; k++) learnSize(h, k === 3 ? Math.log(40) : 0, day(n) + k * HOUR)
    }

    it('none before the family weighs enough at a day\'s start, nor once its own sizes judge it', () => {
      const h = newSizeHistogram()
      usualDay(h, 0)
      usualDay(h, 1)
      assert.equal(lightFloor(h, day(2)), undefined, `weight ${h.histTotal} < ${HIST.floorWeight}`)
      usualDay(h, 2)
      usualDay(h, 3)
      assert.ok(lightFloor(h, day(4)) !== undefined)
      for (let n = 4; n < 30; n++) usualDay(h, n)
      assert.ok(h.histTotal >= HIST.minWeight)
      assert.equal(lightFloor(h, day(30)), undefined)
    })

    it('a day\'s own requests do not raise it, nor does one read far beyond it the next days; a tenth of its requests larger, every day of a week, does, up to twice its first', () => {
      const h = newSizeHistogram()
      for (let n = 0; n < 5; n++) usualDay(h, n)
      const floor = lightFloor(h, day(5))!
      assert.ok(Math.abs(Math.exp(floor) - 40) < 15, `floor ${Math.exp(floor)}`)
      // Within the day: lists of 400, as many as the family's lists of the day before.
      for (let k = 0; k < 4; k++) learnSize(h, Math.log(400), day(5) + HOUR + k)
      assert.equal(lightFloor(h, day(5) + 2 * HOUR), floor)
      // One primer of 5,000 records, then ordinary days: the floor stays where it was.
      const p = newSizeHistogram()
      for (let n = 0; n < 5; n++) usualDay(p, n)
      learnSize(p, Math.log(5000), day(5))
      usualDay(p, 5)
      for (let n = 6; n < 14; n++) {
        usualDay(p, n)
        assert.ok(lightFloor(p, day(n))! < Math.log(100), `day ${n}: ${Math.exp(lightFloor(p, day(n))!)}`)
      }
      // A lookup and a list of 40 a day for ten days, then a list of 400 a day besides: a third of
      // its requests from the first day's start on; the lowest start of the week keeps the floor
      // at 40 until every kept day began with them, and then it is at most twice its first (and
      // a tenth more a week).
      const r = newSizeHistogram()
      const twice = (n: number) => { learnSize(r, 0, day(n)); learnSize(r, Math.log(40), day(n) + HOUR) }
      for (let n = 0; n < 10; n++) twice(n)
      const seen: number[] = []
      for (let n = 10; n < 22; n++) {
        seen.push(Math.round(Math.exp(lightFloor(r, day(n))!)))
        twice(n)
        learnSize(r, Math.log(400), day(n) + 5 * HOUR)
      }
      assert.ok(seen.slice(0, HIST.reachDays).every((x) => x < 100), seen.join(' '))
      assert.ok(seen[seen.length - 1]! > 60 && seen[seen.length - 1]! < 100, seen.join(' '))
    })
  })
})
