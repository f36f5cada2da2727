import assert from 'node:assert/strict'
import { AnomalyDetector, type AgentContext, type Anomaly } from '@agentid/issuer'

// An autoscaled pool's peaks (issue 21). A worker pool sharing one identity reads its queue all
// day; every few days, at no set hour, its demand peaks: some thirty requests in a minute where
// four are usual, and the rate limiter refuses the excess of its everyday requests in a burst. Its
// first peak is said (a burst of refusals, medium; its rate spike of a minute is a brief burst,
// low since December 2026); a peak no more than twice as large, its reporter having found one on
// one of the eight days before, is its habit: low, an alert still. A peak three times as large,
// one another reporter found, one asking what the pool never asks, or one after a fortnight
// without, is said as before; a peak twice as large every day is said every other day.
describe('anomaly detection: a pool at its peak', () => {
  const base = Date.UTC(2026, 10, 2)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const agent = 'did:web:pool-webhooks.example'
  const context = (): AgentContext => ({ groups: ['team:platform/service', 'segment:customer', 'role:worker-pool'], entitlements: new Map([['queue:webhooks', base - 90 * DAY]]) })
  type Event = { at: number; agent: string; decision: 'allow' | 'deny'; code?: string; resource: string; action: string; ip: string; records: number; reporter: string }
  type Peak = { day: number; hour?: number; size?: number; minutes?: number; reporter?: string; action?: string }
  const ev = (at: number, decision: 'allow' | 'deny', reporter = 'gw-a', action = 'read'): Event =>
    ({ at, agent, decision, ...(decision === 'deny' ? { code: 'ERR_RATE_LIMITED' } : {}), resource: `queue:webhooks/${(Math.floor(at / 1000) * 7919) % 10007}`, action, ip: '10.4.0.9', records: 1, reporter })

  // Its days, up to `days`: a read every fifteen seconds around the clock; each peak at `hour`
  // (14:00), `size` requests within a minute (thirty), of which the limiter lets ten through, for
  // `minutes` minutes (one).
  function events(days: number, peaks: Peak[]): Event[] {
    const out: Event[] = []
    for (let at = base; at < base + days * DAY; at += 15_000) out.push(ev(at, 'allow'))
    for (const p of peaks) {
      const start = base + p.day * DAY + (p.hour ?? 14) * HOUR + 1000
      const n = p.size ?? 30
      for (let k = 0; k < (p.minutes ?? 1); k++) {
        for (let i = 0; i < n; i++) out.push(ev(start + k * MINUTE + Math.floor((i * 55_000) / n), i < 10 ? 'allow' : 'deny', p.reporter, i < 10 ? 'read' : (p.action ?? 'read')))
      }
    }
    return out.sort((x, y) => x.at - y.at)
  }
  function run(list: Event[]): Anomaly[] {
    const d = new AnomalyDetector({ context })
    const found: Anomaly[] = []
    for (const { reporter, ...e } of list) found.push(...d.observe(e, { reporter }))
    return found
  }
  // Alerts (medium or above) of rate spikes and refusal bursts on `day`, as kind/severity.
  const peakOn = (found: Anomaly[], day: number) =>
    [...new Set(found.filter((a) => a.severity !== 'low' && (a.kind === 'rate-spike' || a.kind === 'denial-burst') && a.at >= base + day * DAY && a.at < base + (day + 1) * DAY).map((a) => `${a.kind}/${a.severity}`))].sort()

  it('its first peak is said; one a few days later, at another hour, no more than twice as large, is its habit, said low', () => {
    const found = run(events(12, [{ day: 4 }, { day: 7, hour: 19, size: 45 }, { day: 10, hour: 9 }]))
    // (Its rate spike, a minute's, is a brief burst: low whatever its habit; anomaly-rate.test.ts.)
    assert.deepEqual(peakOn(found, 4), ['denial-burst/medium'])
    assert.ok(found.some((a) => a.kind === 'rate-spike' && a.at >= base + 4 * DAY && a.at < base + 5 * DAY && a.severity === 'low' && a.details.brief === true), 'its minute, brief')
    assert.deepEqual(peakOn(found, 7), [])
    assert.deepEqual(peakOn(found, 10), [])
    const low = found.filter((a) => a.at >= base + 7 * DAY && a.kind === 'denial-burst')
    assert.ok(low.length > 0 && low.every((a) => a.severity === 'low' && typeof a.details.peakBefore === 'number'))
  })

  it('a peak three times as large, or one another reporter found, is said', () => {
    assert.ok(peakOn(run(events(12, [{ day: 4 }, { day: 7, size: 90 }])), 7).length > 0, 'three times as large')
    assert.ok(peakOn(run(events(12, [{ day: 4, reporter: 'gw-b' }, { day: 7 }])), 7).length > 0, 'another reporter')
  })

  it('refusals of what the pool never asks are said, whatever its peaks', () => {
    assert.ok(peakOn(run(events(12, [{ day: 4 }, { day: 7, action: 'delete' }])), 7).some((k) => k.startsWith('denial-burst/')))
  })

  it('a peak nine days after the last is said', () => {
    const found = run(events(16, [{ day: 4 }, { day: 13 }]))
    assert.equal(found.find((a) => a.kind === 'denial-burst' && a.at >= base + 13 * DAY)?.severity, 'medium', 'its first refusals')
  })

  // From an adversarial review: each lowered day's mark lowered the next, so one alerted peak let
  // a flood through every day for a month.
  it('the habit lapses eight days after the last peak said, however often lowered since', () => {
    const found = run(events(16, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((day) => ({ day }))))
    for (const day of [5, 8, 12]) assert.deepEqual(peakOn(found, day), [], `day ${day}`)
    assert.ok(peakOn(found, 13).length > 0, 'nine days after the one said')
  })

  // From the same review: refusals are kept sixty-four at most, so a burst counted at the cap may
  // be any flood (a mark of 35 let 80 refused a minute through).
  it('a burst of as many refusals as are kept lowers nothing', () => {
    const found = run(events(12, [{ day: 4, size: 45 }, { day: 7, size: 110 }]))
    assert.ok(peakOn(found, 7).includes('denial-burst/medium'), `${peakOn(found, 7)}`)
  })

  // From a third review: a thief's own flood of an hour, alerted once, let floods as long through
  // on each of the next eight days. A peak is a few minutes; a longer day makes no habit.
  it('a flood of an hour, said, makes no habit: the same flood the next days is said', () => {
    const found = run(events(12, [{ day: 4, minutes: 60 }, { day: 5, minutes: 60 }, { day: 8, minutes: 20 }]))
    for (const day of [5, 8]) assert.ok(peakOn(found, day).length > 0, `day ${day}`)
  })

  it('three peaks in a day where one was said are said from the third', () => {
    const found = run(events(12, [{ day: 4 }, { day: 7, hour: 9 }, { day: 7, hour: 12 }, { day: 7, hour: 15 }]))
    assert.deepEqual(found.filter((a) => a.severity !== 'low' && a.kind === 'denial-burst' && a.at >= base + 7 * DAY && a.at < base + 8 * DAY).map((a) => new Date(a.at).getUTCHours()).slice(0, 1), [15])
  })

  it('a peak twice as large every day is said every other day', () => {
    // (Twenty refused, then forty, then eighty.)
    const found = run(events(12, [{ day: 4, size: 30 }, { day: 5, size: 50 }, { day: 6, size: 90 }]))
    assert.deepEqual(peakOn(found, 5), [], 'within twice the first')
    assert.ok(peakOn(found, 6).length > 0, 'measured from the first, not the second')
  })
})
