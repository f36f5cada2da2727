import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'
import { graded } from './support/graded.js'
import { addToDrift, clearDrift, DRIFT_CUSUM, isDrift, STEP, type DriftState } from '../src/monitoring/drift-cusum.js'

// Simulated time and seeded noise only: nothing here waits or reads the wall clock.
const HOUR = 3_600_000
const DAY = 24 * HOUR
const t0 = Date.UTC(2026, 10, 2, 0)

// Deterministic noise: log-normal records around `level`, spread 0.4 in natural log.
function noise(seed: number): () => number {
  let a = seed >>> 0
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) * 0.4
}

const fresh = (): DriftState => ({ cusum: 0, cusumSince: 0, cusumHits: 0, cusumLevel: 0, cusumLog: 0, cusumReads: 0, cusumAbove: 0, cusumCalm: 0, cusumCalmLog: 0, cusumBlind: 0, cusumTop: 0, cusumOwn: 0 })

describe('slow drift: the CUSUM of excess records (drift-cusum.ts)', () => {
  const level = Math.log(100)
  const spread = 0.5

  it('one outlier, however large, adds at most the cap and is no drift', () => {
    const s = fresh()
    assert.equal(addToDrift(s, Math.log(100_000), level, spread, t0) > 0, true)
    assert.equal(s.cusum, DRIFT_CUSUM.cap)
    assert.equal(isDrift(s, t0 + DAY, 1), false)
  })

  it('ordinary requests take the sum back to nothing', () => {
    const s = fresh()
    addToDrift(s, Math.log(600), level, spread, t0)
    for (let i = 1; i <= 20; i++) addToDrift(s, level, level, spread, t0 + i * 60_000)
    assert.deepEqual(s, fresh())
  })

  it('adds up a share of larger requests across days, a few a day, and says drift', () => {
    const s = fresh()
    let fired: number | undefined
    // Four requests a day at the level and two at eight times it, over three days.
    for (let day = 0; day < 3 && fired === undefined; day++) {
      for (let i = 0; i < 6; i++) {
        const at = t0 + day * DAY + (9 + i) * HOUR
        addToDrift(s, i % 3 === 2 ? Math.log(800) : level, level, spread, at)
        if (isDrift(s, at, 1)) { fired = at; break }
      }
    }
    assert.ok(fired !== undefined && fired > t0 + DAY, `evidence from more than one day: ${fired}`)
  })

  it('a run where nearly every request sits above its starting level is a step, not a drift', () => {
    const s = fresh()
    const results = [...Array(12).keys()].map((i) => addToDrift(s, level + (i % 2 ? 1.2 : 0.6), level, spread, t0 + i * HOUR))
    assert.ok(results.includes(STEP), results.join())
    assert.equal(isDrift(s, t0 + 12 * HOUR, 1), false)
  })

  it('a drifting third with the ordinary requests above the level by chance (seven of the first eight) is not a step: the evidence is kept', () => {
    // One request in three at five times the level; the ordinary ones just above it, but for one.
    const s = fresh()
    const ordinary = [0.1, 0.2, 0.05, -0.1, 0.15]
    const results: number[] = []
    for (let i = 0; i < 8; i++) results.push(addToDrift(s, i % 3 === 0 ? level + Math.log(5) : level + ordinary.shift()!, level, spread, t0 + i * 20 * 60_000))
    assert.deepEqual([s.cusumReads, s.cusumAbove], [8, 7])
    assert.ok(!results.includes(STEP), results.join())
    assert.ok(s.cusum > 0 && s.cusumHits === 3)
  })

  // An evening when the ordinary requests run a little above the level and a third are drained
  // at four times it: decided a step, the level must move to where the ordinary ones are, not to
  // the quick level the larger ones lift (a victim's level lifted 1.8 times so, its spread with
  // it, was drained at ten to twenty times for a day before it was said, on workload.mjs seed 21).
  it("a step puts the level where the run's ordinary requests are, not where its larger ones lift it", () => {
    const s = fresh()
    let i = 0
    let result = 0
    while (result !== STEP && i < 60) {
      result = addToDrift(s, i % 3 === 0 ? level + Math.log(4) : level + 0.3, level, spread, t0 + i * 20 * 60_000)
      i++
    }
    assert.equal(result, STEP)
    assert.ok(Math.abs(s.cusumLevel - (level + 0.3)) < 1e-9, `${s.cusumLevel - level}`)
    assert.equal(s.cusum, 0)
  })

  it('a step is decided as a sequential test: ten requests in a row above the level, or fourteen of fifteen', () => {
    for (const [pattern, decided] of [['a'.repeat(12), 10], ['aaabaaaaaaaaaaaaa', 15]] as const) {
      const s = fresh()
      const step = [...pattern].findIndex((c, i) => addToDrift(s, level + (c === 'a' ? 0.9 : -0.1), level, spread, t0 + i * HOUR) === STEP)
      assert.equal(step + 1, decided, pattern)
    }
  })

  it('clearDrift forgets the run; sensitivity halves the threshold; 0 turns it off', () => {
    const s = fresh()
    for (let i = 0; i < 3; i++) { addToDrift(s, Math.log(800), level, spread, t0 + i * HOUR); addToDrift(s, level - 0.5, level, spread, t0 + i * HOUR + 1) }
    assert.equal(isDrift(s, t0 + 3 * HOUR, 1), false)
    addToDrift(s, Math.log(800), level, spread, t0 + 3 * HOUR)
    assert.equal(isDrift(s, t0 + 3 * HOUR, 2), true)
    assert.equal(isDrift(s, t0 + 3 * HOUR, 0), false)
    clearDrift(s)
    assert.deepEqual(s, fresh())
  })
})

describe('slow drift in the detector: fires on a creep, not on a step the baseline learns, not on an outlier', () => {
  const agent = 'did:key:z6MkDrift'
  // A service reading one family every 20 minutes for four days (its baseline), then `after`.
  function run(after: (i: number, at: number, usual: () => number) => number | undefined, seed = 7): Anomaly[] {
    const d = new AnomalyDetector()
    const rand = noise(seed)
    const found: Anomaly[] = []
    let i = 0
    for (let at = t0; at < t0 + 10 * DAY; at += 20 * 60_000, i++) {
      const usual = () => Math.max(1, Math.round(200 * Math.exp(rand())))
      const records = at < t0 + 4 * DAY ? usual() : after(i, at, usual)
      if (records === undefined) continue
      found.push(...d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records }))
    }
    return found
  }
  const drifts = (found: Anomaly[]) => found.filter((a) => a.kind === 'volume-drift' || a.kind === 'records-jump')

  it('a share of its reads creeping up 20% every two hours is a volume-drift within a day, before ten times the level', () => {
    const start = t0 + 4 * DAY
    const found = run((i, at, usual) => (i % 3 === 0 ? Math.round(200 * 1.2 ** Math.floor((at - start) / (2 * HOUR)) * Math.exp(0.3 * noise(i)())) : usual()))
    const first = found.find((a) => a.kind === 'volume-drift')
    assert.ok(first, JSON.stringify(found.map((a) => a.kind)))
    assert.ok(first.at - start < DAY, `${(first.at - start) / HOUR} h`)
    assert.ok(Number(first.details.records) < 2000, `records ${String(first.details.records)}`)
  })

  it('the same creep on an agent reading the family only in working hours is caught on its next working day, from evidence kept overnight', () => {
    // From noon; a read every 20 minutes from 9:00 to 17:00, every third one growing.
    const start = t0 + 4 * DAY + 12 * HOUR
    const found = run((i, at, usual) => {
      const hour = Math.floor((at % DAY) / HOUR)
      if (at >= t0 + 4 * DAY && (hour < 9 || hour >= 17)) return undefined
      return at >= start && i % 3 === 0 ? Math.round(200 * 1.2 ** Math.floor((at - start) / (2 * HOUR))) : usual()
    })
    const first = found.find((a) => a.kind === 'volume-drift')
    assert.ok(first, JSON.stringify(found.map((a) => a.kind)))
    assert.ok(first.at - start < 30 * HOUR, `${(first.at - start) / HOUR} h`)
    assert.equal(found.filter((a) => a.at < first.at).length, 0, 'nothing before it')
  })

  it('a step of the whole distribution (a report two and a half times bigger from one day on) is learned, not alerted', () => {
    for (const seed of [1, 2, 3]) assert.deepEqual(drifts(run((_i, _at, usual) => Math.round(2.5 * usual()), seed)).map((a) => a.kind), [], `seed ${seed}`)
  })

  it('a single large export among ordinary reads is not a drift', () => {
    assert.deepEqual(run((i, _at, usual) => (i === 400 ? 200 * 15 : usual())).filter((a) => a.kind === 'volume-drift'), [])
  })

  it('organic growth of 5% a week is learned', () => {
    assert.deepEqual(drifts(run((_i, at, usual) => Math.round(usual() * 1.05 ** ((at - t0) / (7 * DAY))))), [])
  })
})

describe('a creep of every request at once: records per request far above anything the family held a day or more before', () => {
  const agent = 'did:key:z6MkCreep'
  // One family read every `everyMin` minutes (or, with `hours`, only within those UTC hours and
  // `batch` at night): four days of baseline at `usual` records, then `after`.
  function run(options: { everyMin: number; records: (at: number, usual: () => number) => number; days?: number; hours?: [number, number]; seed?: number }): Anomaly[] {
    const d = new AnomalyDetector()
    const rand = noise(options.seed ?? 5)
    const found: Anomaly[] = []
    let i = 0
    for (let at = t0; at < t0 + (options.days ?? 10) * DAY; at += options.everyMin * 60_000, i++) {
      const hour = Math.floor((at % DAY) / HOUR)
      if (options.hours && (hour < options.hours[0] || hour >= options.hours[1])) continue
      const usual = () => Math.max(1, Math.round(200 * Math.exp(rand())))
      found.push(...d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records: options.records(at, usual) }))
    }
    return found
  }
  const start = t0 + 4 * DAY
  const creep = (at: number, usual: () => number) => (at < start ? usual() : Math.round(usual() * Math.min(20, 1.2 ** Math.floor((at - start) / (2 * HOUR)))))
  const volume = (found: Anomaly[]) => found.filter((a) => a.kind === 'volume-drift' || a.kind === 'records-jump')

  for (const everyMin of [20, 60]) {
    it(`every request growing 20% every two hours (a read every ${everyMin} minutes) is a volume-drift within 36 hours, none in its first 12`, () => {
      const found = volume(run({ everyMin, records: creep }))
      const times = found.map((a) => `${a.kind} ${String(a.details.held ?? '')} at ${(a.at - start) / HOUR} h`).join(', ')
      assert.ok(found.length > 0 && found[0]!.at - start >= 12 * HOUR, times)
      // Said by the held-floor test (the share test may say it first, by chance of the noise).
      const held = found.find((a) => a.kind === 'volume-drift' && a.details.held !== undefined)
      assert.ok(held && held.at - start < 36 * HOUR, times)
      assert.match(String(held.details.expected), /held a day or more before/)
    })
  }

  it('a family read in two regimes (a nightly batch at ten times the daytime requests) is not alerted', () => {
    for (const seed of [1, 2, 3]) {
      const found = run({ everyMin: 5, seed, records: (at, usual) => (Math.floor((at % DAY) / HOUR) < 3 ? 10 * usual() : usual()), hours: [0, 18] })
      assert.deepEqual(volume(found).map((a) => [a.kind, (a.at - t0) / HOUR]), [], `seed ${seed}`)
    }
  })

  // The quick level moves a step a request: after a hundred large requests in a minute it takes
  // dozens of ordinary ones, hours here, to come back down. Those say nothing of every request.
  it('after a minute of a hundred requests at twenty times (a client paging in a loop), the ordinary requests that follow are no creep', () => {
    const d = new AnomalyDetector()
    const rand = noise(5)
    const usual = () => Math.max(1, Math.round(200 * Math.exp(rand())))
    const loop = start + 2 * HOUR
    const said: Anomaly[] = []
    let i = 0
    for (let at = t0; at < start + 14 * HOUR; at += 20 * 60_000, i++) {
      said.push(...d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records: usual() }))
      if (at === loop) for (let k = 0; k < 100; k++) d.observe({ at: at + 1000 + k * 500, agent, decision: 'allow', resource: `db:orders/${900_000 + k}`, action: 'read', ip: '10.0.0.1', records: 20 * usual() })
    }
    const creepSaid = said.filter((a) => a.kind === 'volume-drift' && a.details.held !== undefined && a.at > loop)
    assert.deepEqual(creepSaid.map((a) => `${a.severity} ${(a.at - loop) / HOUR} h, ${String(a.details.records)} records`), [])
  })

  it('a step of the whole distribution (two and a half times from one day on), organic growth, and a daily creep of 5% are not alerted', () => {
    assert.deepEqual(volume(run({ everyMin: 20, records: (at, usual) => (at < start ? usual() : Math.round(2.5 * usual())) })), [])
    assert.deepEqual(volume(run({ everyMin: 20, records: (at, usual) => Math.round(usual() * 1.05 ** ((at - t0) / DAY)) })), [])
  })

  // Every request creeping up to eight times and staying there (a new regime); the first drift
  // alert is acknowledged as benign, or not.
  function regime(verdict: boolean): { taught: number | undefined; after: Anomaly[] } {
    const d = new AnomalyDetector()
    const rand = noise(9)
    const after: Anomaly[] = []
    let taught: number | undefined
    let i = 0
    for (let at = t0; at < t0 + 10 * DAY; at += 20 * 60_000, i++) {
      const usual = Math.max(1, Math.round(200 * Math.exp(rand())))
      const records = at < start ? usual : Math.round(usual * Math.min(8, 1.2 ** Math.floor((at - start) / (2 * HOUR))))
      for (const a of d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records })) {
        if (taught === undefined && a.kind === 'volume-drift') {
          taught = a.at
          if (verdict) assert.equal(d.teach(agent, 'volume-drift', String(a.details.about), { records: Number(a.details.typical) }), true)
        } else if (taught !== undefined) after.push(a)
      }
    }
    return { taught, after }
  }

  it('what was held is kept through a restart (persisted with the baseline): the creep is still alerted', () => {
    let d = new AnomalyDetector()
    const rand = noise(5)
    const found: Anomaly[] = []
    let i = 0
    for (let at = t0; at < t0 + 8 * DAY; at += 20 * 60_000, i++) {
      if (at === start + 12 * HOUR) {
        const rows = d.takeDirty()
        assert.ok(rows.some((r) => /"held":[0-9]/.test(r.state)), 'held in the stored row')
        d = new AnomalyDetector()
        assert.ok(d.load(rows) > 0)
      }
      const usual = () => Math.max(1, Math.round(200 * Math.exp(rand())))
      found.push(...d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records: creep(at, usual) }, { receivedAt: at }))
    }
    const held = found.find((a) => a.kind === 'volume-drift' && a.details.held !== undefined)
    assert.ok(held && held.at - start < 36 * HOUR, JSON.stringify(found.map((a) => [a.kind, (a.at - start) / HOUR])))
  })

  it('a benign verdict on a share of larger requests does not hold its size for every request: a creep after it is still alerted', () => {
    const d = new AnomalyDetector()
    const rand = noise(3)
    const creepFrom = start + 3 * DAY
    let taught = false
    const after: Anomaly[] = []
    let i = 0
    for (let at = t0; at < t0 + 10 * DAY; at += 20 * 60_000, i++) {
      const usual = Math.max(1, Math.round(200 * Math.exp(rand())))
      // One read in three at five times from `start` (a share, acknowledged), every read creeping from `creepFrom`.
      const share = at >= start && at < creepFrom && i % 3 === 0 ? 5 : 1
      const records = Math.round(usual * share * (at < creepFrom ? 1 : Math.min(20, 1.2 ** Math.floor((at - creepFrom) / (2 * HOUR)))))
      for (const a of d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records })) {
        if (!taught && a.kind === 'volume-drift') {
          taught = true
          assert.ok(at < creepFrom)
          assert.equal(d.teach(agent, 'volume-drift', String(a.details.about), { records: Number(a.details.typical) }), true)
        } else if (taught && at >= creepFrom) after.push(a)
      }
    }
    assert.ok(taught)
    const held = after.find((a) => a.kind === 'volume-drift' && a.details.held !== undefined)
    // What is held is the ordinary requests' quick level (about 200, a little more with the share), not the share's size (about 1,000).
    const seen = JSON.stringify(after.slice(0, 5).map((a) => [a.kind, a.details.held, (a.at - creepFrom) / HOUR]))
    assert.ok(held && Number(held.details.held) < 500 && held.at - creepFrom < 30 * HOUR, seen)
  })

  it('acknowledged as benign, the new level is accepted: not alerted again (unacknowledged, it is said until held)', () => {
    const accepted = regime(true)
    assert.ok(accepted.taught !== undefined && accepted.taught - start < 36 * HOUR)
    assert.deepEqual(volume(accepted.after).map((a) => [a.kind, (a.at - start) / HOUR]), [])
    assert.ok(volume(regime(false).after).length > 0)
  })
})

describe("a family known for less than a week is judged with its agent's weekly regimes", () => {
  const agent = 'did:key:z6MkRenamed'
  // Two families read every 20 minutes at about 200 records and, with `batch`, on Saturdays
  // (days 5 and 12; t0 is a Monday) every 5 minutes from 0:00 to 6:00 at ten times that. From day
  // 8 the second is renamed (`db:cases` for `db:tickets`), and its requests are `renamed`'s.
  function run(renamed: (at: number, usual: number, batch: boolean) => number, batch = true): Anomaly[] {
    const d = new AnomalyDetector()
    const rand = noise(3)
    const found: Anomaly[] = []
    let i = 0
    for (let at = t0; at < t0 + 14 * DAY; at += 5 * 60_000, i++) {
      const day = Math.floor((at - t0) / DAY)
      const inBatch = batch && day % 7 === 5 && (at - t0) % DAY < 6 * HOUR
      if (!inBatch && i % 4 !== 0) continue
      const usual = () => Math.max(1, Math.round(200 * Math.exp(rand())))
      d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records: inBatch ? 10 * usual() : usual() })
      const records = day < 8 ? (inBatch ? 10 * usual() : usual()) : renamed(at, usual(), inBatch)
      found.push(...d.observe({ at: at + 1000, agent, decision: 'allow', resource: `${day < 8 ? 'db:tickets' : 'db:cases'}/${i}`, action: 'read', ip: '10.0.0.1', records }))
    }
    return found.filter((a) => a.kind === 'volume-drift' || a.kind === 'records-jump')
  }
  const day10 = t0 + 10 * DAY
  const creep = (at: number, usual: number) => (at < day10 ? usual : Math.round(usual * Math.min(30, 1.2 ** Math.floor((at - day10) / (2 * HOUR)))))

  it("a family renamed midweek meets its agent's weekend batch: not a creep", () => {
    // (Said hourly through the batch before: four days had held nothing of it.)
    assert.deepEqual(run((_, usual, inBatch) => (inBatch ? 10 * usual : usual)).filter((a) => a.details.about === 'db:cases').map((a) => `${a.kind} ${a.details.about} at ${(a.at - t0) / HOUR} h`), [])
  })

  it("a rise of the renamed family begun with its agent's batch and kept up after it is said once the batch is over", () => {
    const batchEnd = t0 + 12 * DAY + 6 * HOUR
    const found = run((at, usual) => (at >= t0 + 12 * DAY ? 10 * usual : usual)).filter((a) => a.details.about === 'db:cases')
    assert.ok(found.length > 0 && found[0]!.at >= batchEnd && found[0]!.at - batchEnd < 3 * HOUR, found.map((a) => `${a.kind} at ${(a.at - batchEnd) / HOUR} h after the batch`).join(', '))
  })

  for (const batch of [true, false]) {
    it(`every request of the renamed family creeping 20% every two hours is still said within 36 hours (${batch ? 'its agent with a weekend batch' : 'no weekly regime'})`, () => {
      const found = run(creep, batch)
      const held = found.find((a) => a.kind === 'volume-drift' && a.details.held !== undefined && a.details.about === 'db:cases')
      assert.ok(held && held.at >= day10 && held.at - day10 < 36 * HOUR, found.map((a) => `${a.kind} ${a.details.about} at ${(a.at - day10) / HOUR} h`).join(', '))
    })
  }
})

describe('a benign verdict on a drift is remembered: the same share is accepted, a larger one is still a drift', () => {
  const agent = 'did:key:z6MkAccepted'
  const start = t0 + 4 * DAY
  // A service reading one family every 20 minutes: four days of baseline, then one read in three
  // at `factor(at)` times its level (none: ordinary). The first drift is acknowledged as benign.
  function run(factor: (at: number) => number | undefined, options: { days?: number; restartAt?: number } = {}): { taught: number | undefined; after: Anomaly[] } {
    let d = new AnomalyDetector()
    const rand = noise(11)
    let taught: number | undefined
    let restarted = false
    const after: Anomaly[] = []
    let i = 0
    for (let at = t0; at < t0 + (options.days ?? 12) * DAY; at += 20 * 60_000, i++) {
      if (!restarted && options.restartAt !== undefined && at >= options.restartAt) {
        // A restart: the baselines as the store keeps them, read back by a new detector.
        const rows = d.takeDirty()
        d = new AnomalyDetector()
        assert.ok(d.load(rows) > 0)
        restarted = true
      }
      const usual = Math.max(1, Math.round(200 * Math.exp(rand())))
      const f = at >= start && i % 3 === 0 ? factor(at) : undefined
      const records = f === undefined ? usual : Math.round(200 * f * Math.exp(0.3 * rand()))
      for (const a of d.observe({ at, agent, decision: 'allow', resource: `db:orders/${i}`, action: 'read', ip: '10.0.0.1', records })) {
        if (taught === undefined && a.kind === 'volume-drift') {
          taught = a.at
          // As the service does (event-monitor.ts): the run's typical request is accepted.
          assert.equal(d.teach(agent, 'volume-drift', String(a.details.about), { records: Number(a.details.typical) }), true)
        } else if (taught !== undefined) after.push(a)
      }
    }
    return { taught, after }
  }
  const volume = (found: Anomaly[]) => found.filter((a) => a.kind === 'volume-drift' || a.kind === 'records-jump').map((a) => a.kind)

  it('the same share, going on for a week after the verdict, is not alerted again', () => {
    const { taught, after } = run(() => 5)
    assert.ok(taught !== undefined && taught - start < 2 * DAY, 'drift alerted first')
    assert.deepEqual(volume(after), [])
  })

  it('kept through a restart (persisted with the baseline)', () => {
    const { taught, after } = run(() => 5, { restartAt: start + 3 * DAY })
    assert.ok(taught !== undefined && taught < start + 3 * DAY)
    assert.deepEqual(volume(after), [])
  })

  for (const more of [3, 5]) {
    it(`does not blind the detector: the share growing ${more} times more after the verdict is alerted`, () => {
      const { taught, after } = run((at) => (at < start + 4 * DAY ? 5 : 5 * more))
      assert.ok(taught !== undefined && taught < start + 4 * DAY)
      const found = after.filter((a) => a.kind === 'volume-drift' || a.kind === 'records-jump')
      assert.ok(found.length > 0 && found[0]!.at - (start + 4 * DAY) < DAY, JSON.stringify(after.map((a) => [a.kind, (a.at - start) / HOUR])))
    })
  }

  it('fades like the rest of the baseline: the share back after two months unseen is a drift again', () => {
    const { taught, after } = run((at) => (at < start + 3 * DAY || at >= start + 63 * DAY ? 5 : undefined), { days: 70 })
    assert.ok(taught !== undefined && taught < start + 3 * DAY)
    assert.ok(after.some((a) => a.kind === 'volume-drift' && a.at >= start + 63 * DAY), JSON.stringify(after.map((a) => [a.kind, (a.at - start) / DAY])))
  })
})

// From the second review of the drift's severity: the bar a run must pass to be high is the
// largest the family read before the run began, which a thief could raise by reading the run's
// size quietly for a few days first (one read in twelve, cleared by the drift test's slack). The
// bar rises at most three times over the kept days, as the reach does.
describe('a drift\'s severity: reads made larger quietly for days before the run do not make it ordinary', () => {
  const agent = 'did:key:z6MkSingleMode'
  // A family of about ten records a request, a read every five minutes in working hours; from day
  // 10, one read in `preEvery` of `big` records for four days; then one in four.
  function run(seed: number, preEvery: number): Anomaly[] {
    const d = new AnomalyDetector()
    const rand = noise(seed)
    const found: Anomaly[] = []
    let k = 0
    for (let at = t0; at < t0 + 20 * DAY; at += 5 * 60_000) {
      const hour = Math.floor((at % DAY) / HOUR)
      if (hour < 8 || hour >= 18) continue
      k++
      const quiet = preEvery > 0 && at >= t0 + 10 * DAY && at < t0 + 14 * DAY && k % preEvery === 0
      const records = (at >= t0 + 14 * DAY && k % 4 === 0) || quiet ? 100 : Math.max(1, Math.round(10 * Math.exp(rand())))
      found.push(...d.observe({ at, agent, decision: 'allow', resource: `api:orders/${k % 50}`, action: 'read', ip: '10.0.0.1', records }, { receivedAt: at }))
    }
    return found.filter((a) => a.kind === 'volume-drift' && a.at >= t0 + 14 * DAY)
  }
  it('one read in four at ten times the level is high, with four quiet days of the same reads before it or not (three seeds)', () => {
    for (const seed of [1, 2, 3]) {
      for (const preEvery of [0, 12]) {
        const found = run(seed, preEvery)
        assert.ok(found.some((a) => graded(a) === 'high'), `seed ${seed}, one in ${preEvery} before: ${JSON.stringify(found.map((a) => [a.severity, a.details.typical, a.details.largestBefore]))}`)
      }
    }
  })
})

// A period close: the finance team takes up the close's report family together, and each member
// reads its own families more, and larger, for the day. A drift then is the change's, said low;
// what the rule must not become is a way to hide a drain (issue 21, 2026-12-05).
describe('a drift within a day of a group change the agent took part in is said low', () => {
  const [agent, ...mates] = ['did:key:z6MkCloseA', 'did:key:z6MkCloseB', 'did:key:z6MkCloseC']
  const members = [agent!, ...mates]
  const LONG_AGO = t0 - 90 * DAY
  const grants = new Map([['db:a', LONG_AGO], ['reports:close', LONG_AGO], ['reports:audit', LONG_AGO]])
  const honest = 'did:web:verifier.example'
  interface Plan {
    /** Take-ups of a family by every member, or by `who` (family, when, its reporter, its decision, the segment it is served from). */
    takeUps?: Array<{ family: string; at: number; by?: string; decision?: 'allow' | 'deny'; who?: string[]; segment?: string }>
    /** From when one of the agent's reads in three is five times its level (none: undefined). */
    driftFrom?: number
    /** The end of the run (two days after the drift begins, by default). */
    until?: number
    /** Another finding about the agent at this time (a read of a family it holds no entitlement to). */
    strayAt?: number
    /** Reads of the usual size the agent adds to each slot (more requests: a day's volume). */
    more?: (at: number) => number
    /** The issuer restarts then: its baselines stored and loaded into a new detector. */
    restartAt?: number
  }
  // Three members reading db:a every 20 minutes (about 200 records) for a week, then the plan.
  function run(plan: Plan, seed = 3): Anomaly[] {
    const options = { context: () => ({ groups: ['team:fin'], entitlements: grants }) }
    let d = new AnomalyDetector(options)
    const rand = noise(seed)
    const events: Array<{ event: Parameters<AnomalyDetector['observe']>[0]; by: string }> = []
    let i = 0
    for (let at = t0; at < (plan.until ?? plan.driftFrom! + 2 * DAY); at += 20 * 60_000, i++) {
      for (const [k, m] of members.entries()) {
        const big = m === agent && plan.driftFrom !== undefined && at >= plan.driftFrom && i % 3 === 0
        const records = Math.max(1, Math.round(200 * (big ? 5 : 1) * Math.exp(rand())))
        events.push({ event: { at: at + k * 1000, agent: m, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1', records }, by: honest })
      }
      for (let j = 0; j < (plan.more?.(at) ?? 0); j++) events.push({ event: { at: at + 30_000 + j * 2000, agent, decision: 'allow', resource: `db:a/m${i}.${j}`, action: 'read', ip: '10.0.0.1', records: 200 }, by: honest })
    }
    for (const t of plan.takeUps ?? []) {
      for (const [k, m] of (t.who ?? members).entries()) events.push({ event: { at: t.at + k * 20_000, agent: m, decision: t.decision ?? 'allow', resource: `${t.family}/q3`, action: 'read', ip: '10.0.0.1', records: 5, ...(t.segment !== undefined ? { segment: t.segment } : {}) }, by: t.by ?? honest })
    }
    if (plan.strayAt !== undefined) events.push({ event: { at: plan.strayAt, agent, decision: 'allow', resource: 'hr:payroll/7', action: 'read', ip: '10.0.0.1', records: 1 }, by: honest })
    events.sort((x, y) => x.event.at - y.event.at)
    const found: Anomaly[] = []
    let restart = plan.restartAt
    for (const { event, by } of events) {
      if (restart !== undefined && event.at >= restart) {
        const rows = d.takeDirty()
        d = new AnomalyDetector(options)
        d.load(rows)
        restart = undefined
      }
      // Said, or said low as explained (evidence, not an alert).
      found.push(...d.inspect(event, { reporter: by, receivedAt: event.at }).filter((f) => f.reported || f.explained))
    }
    return found.filter((a) => a.agent === agent && a.kind === 'volume-drift')
  }
  const first = (found: Anomaly[]) => found[0] ? `${found[0].severity}${found[0].details.groupChange ? ` (${String(found[0].details.groupChange)})` : ''}` : 'none'
  const day8 = t0 + 7 * DAY + 9 * HOUR

  it('the same drift is medium with no group change, low within the day after its team took up the close with it', () => {
    assert.equal(first(run({ driftFrom: day8 })), 'medium')
    assert.equal(first(run({ driftFrom: day8, takeUps: [{ family: 'reports:close', at: day8 - HOUR }] })), 'low (reports:close)')
  })

  it('not when the take-up was made up by another reporter: what the honest verifier reports is said as before', () => {
    assert.equal(first(run({ driftFrom: day8, takeUps: [{ family: 'reports:close', at: day8 - HOUR, by: 'did:web:rogue.example' }] })), 'medium')
  })

  it('not a day or more after the group change, nor after a refused one', () => {
    assert.equal(first(run({ driftFrom: day8 + DAY, takeUps: [{ family: 'reports:close', at: day8 - 2 * HOUR }] })), 'medium')
    assert.equal(first(run({ driftFrom: day8, takeUps: [{ family: 'reports:close', at: day8 - HOUR, decision: 'deny' }] })), 'medium')
  })

  it('once a fortnight: a second change taken up days later does not cover a drift, through a restart too', () => {
    const takeUps = [{ family: 'reports:close', at: day8 - HOUR }, { family: 'reports:audit', at: day8 + 3 * DAY - HOUR }]
    assert.equal(first(run({ driftFrom: day8 + 3 * DAY, takeUps })), 'medium')
    // (A review: the change was in memory only, so a restart between the two let the second cover it.)
    assert.equal(first(run({ driftFrom: day8 + 3 * DAY, takeUps, restartAt: day8 + 2 * DAY })), 'medium')
  })

  it('not a first use excused only by a segment its mates took up with families of their own', () => {
    // The mates take up the close from the finance segment, new to them; the agent, a minute
    // later, a family of its own there that nobody took up with it.
    const takeUps = [{ family: 'reports:close', at: day8 - HOUR, who: mates, segment: 'finance' }, { family: 'reports:audit', at: day8 - HOUR + 60_000, who: [agent!], segment: 'finance' }]
    assert.equal(first(run({ driftFrom: day8, takeUps })), 'medium')
  })

  it("not a day's volume: more requests of the usual size, beyond its limit on the day of the change, are said as before", () => {
    // The day before up three times, then from 10:00 nine times the usual requests.
    const more = (at: number) => (at >= t0 + 6 * DAY && at < t0 + 7 * DAY ? 2 : at >= day8 + HOUR && at < t0 + 8 * DAY ? 8 : 0)
    const found = run({ until: t0 + 8 * DAY, more, takeUps: [{ family: 'reports:close', at: day8 - HOUR }] })
    const day = found.find((a) => a.details.perDay !== undefined)
    assert.equal(day?.severity, 'medium', JSON.stringify(found.map((a) => [a.severity, a.details.perDay, a.details.ratio])))
  })

  it('still evidence: another finding within the hour makes it high', () => {
    const found = run({ driftFrom: day8, takeUps: [{ family: 'reports:close', at: day8 - HOUR }] })
    const low = found.find((a) => a.severity === 'low')
    assert.ok(low, first(found))
    const withStray = run({ driftFrom: day8, takeUps: [{ family: 'reports:close', at: day8 - HOUR }], strayAt: low.at - 10 * 60_000 })
    assert.equal(graded(withStray[0]!), 'high', JSON.stringify(withStray[0]?.details))
  })
})
