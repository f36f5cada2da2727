import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'

// Refusals that trickle (rate-checks.ts, TRICKLE): an assistant acting for a user reaches, request
// after request, for records its delegation does not cover (workload-f's `delegation-overreach`:
// a refusal every few minutes on a constraint, in its own families). Too slow for a burst (ten in
// a minute), in families it uses, so no probing: nothing was said of it at all. A dozen within an
// hour, spread over twenty minutes or more, and twice the most it had in an hour before, is now.
// Simulated time only.
describe('refusals that trickle: a dozen an hour of requests into its own families', () => {
  const t0 = Date.UTC(2026, 10, 2)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const agent = 'did:key:z6MkDelegate'
  const context = () => ({ groups: ['team:sales'], entitlements: new Map([['crm:accounts', t0 - 90 * DAY]]) })

  // A week of its own reads every ten minutes by day; `breaks` refusals an hour on a constraint at
  // 10:00 each day (a job whose constraint it keeps breaking), from `reporter`.
  // (In time order: the detector takes an event dated before the agent's last at that last.)
  function week(breaks = 0): AnomalyDetector {
    const d = new AnomalyDetector({ context })
    let i = 0
    for (let day = 0; day < 7; day++) {
      const reads = Array.from({ length: 48 }, (_, k) => t0 + day * DAY + 9 * HOUR + k * 10 * MINUTE)
      const refusals = Array.from({ length: breaks }, (_, k) => t0 + day * DAY + 10 * HOUR + 2 * MINUTE + Math.floor((k * 50 * MINUTE) / breaks))
      for (const [at, k] of [...reads.map((at) => [at, -1]), ...refusals.map((at, k) => [at, k])].sort((x, y) => x[0]! - y[0]!)) {
        if (k! < 0) d.observe({ at: at!, agent, decision: 'allow', resource: `crm:accounts/${i++}`, action: 'read', ip: '10.0.0.1', records: 1, segment: 'sales' })
        else refusal(d, at!, k!)
      }
    }
    return d
  }
  function refusal(d: AnomalyDetector, at: number, k: number, reporter = 'crm-gateway'): Anomaly[] {
    return d.observe({ at, agent, decision: 'deny', code: 'ERR_CONSTRAINT', resource: `crm:accounts/other-${k}`, action: k % 3 === 0 ? 'write' : 'read', ip: '10.0.0.1', segment: 'sales' }, { reporter, receivedAt: at })
  }
  const later = t0 + 8 * DAY + 14 * HOUR
  // `n` refusals spread evenly over `minutes` from `later` (by reporters taking turns); what was said of them.
  const trickle = (d: AnomalyDetector, n: number, minutes: number, reporters = ['crm-gateway']) =>
    Array.from({ length: n }, (_, k) => refusal(d, later + 3 * MINUTE + Math.floor((k * minutes * MINUTE) / n), k, reporters[k % reporters.length]!)).flat()
      .filter((a) => a.kind === 'denial-burst' && a.details.about === 'hour')

  it('fourteen refusals over 45 minutes are said, medium, with what was expected and seen', () => {
    const said = trickle(week(), 14, 45)
    assert.equal(said.length, 1, JSON.stringify(said))
    assert.equal(said[0]!.severity, 'medium')
    assert.equal(said[0]!.details.slow, true)
    assert.ok(Number(said[0]!.details.denials) >= 12 && Number(said[0]!.details.minutes) >= 20, JSON.stringify(said[0]!.details))
    assert.deepEqual(said[0]!.evidence, ['crm-gateway'])
  })

  it('eleven in an hour, or fourteen within ten minutes, are not a trickle', () => {
    assert.deepEqual(trickle(week(), 11, 55), [])
    assert.deepEqual(trickle(week(), 14, 10), [])
  })

  it('a job that breaks its constraint a dozen times an hour every day is its own; twice as many is said', () => {
    assert.deepEqual(trickle(week(13), 14, 45), [])
    assert.equal(trickle(week(13), 30, 50).length, 1)
  })

  it('kept through a restart: the hour so far and the most before', () => {
    const d = week(13)
    const first = Array.from({ length: 20 }, (_, k) => refusal(d, later + k * 2 * MINUTE, k)).flat()
    assert.deepEqual(first.filter((a) => a.details.about === 'hour'), [])
    const restarted = new AnomalyDetector({ context })
    restarted.load(d.takeDirty())
    // Six more within the same hour: 26, twice its most (13), said; a fresh baseline would not know the hour's twenty.
    const after = Array.from({ length: 6 }, (_, k) => refusal(restarted, later + (40 + k) * MINUTE, 20 + k)).flat()
    assert.equal(after.filter((a) => a.details.about === 'hour').length, 1)
    // The next day, a trickle of 14 is within twice the most it had (learned before the restart).
    const next = Array.from({ length: 14 }, (_, k) => refusal(restarted, later + DAY + k * 3 * MINUTE, k)).flat()
    assert.deepEqual(next.filter((a) => a.details.about === 'hour'), [])
  })

  it("an operator's benign verdict makes an hour of as many its own", () => {
    const d = week()
    assert.equal(trickle(d, 14, 45).length, 1)
    assert.ok(d.teach(agent, 'denial-burst', 'hour', { denials: 14 }))
    const again = Array.from({ length: 20 }, (_, k) => refusal(d, later + DAY + k * 3 * MINUTE, k)).flat()
    assert.deepEqual(again.filter((a) => a.details.about === 'hour'), [], 'twenty is within twice fourteen')
  })

  // From a review of the first version: the hour said taught its count up to the bar (said once,
  // never again), a burst raised the most past what a list of 64 refusals could hold, and a fast
  // trickle filled that list within twenty minutes.
  it('a thief at fourteen an hour is said every day, not once', () => {
    const d = week()
    const daysSaid = [0, 1, 2].map((k) => Array.from({ length: 14 }, (_, i) => refusal(d, later + k * DAY + i * 4 * MINUTE, i)).flat().filter((a) => a.details.about === 'hour').length)
    assert.deepEqual(daysSaid, [1, 1, 1])
  })

  it('a burst (forty in four minutes) teaches nothing: the next day a trickle is said', () => {
    const d = week()
    Array.from({ length: 40 }, (_, i) => refusal(d, later + i * 6_000, i))
    const next = Array.from({ length: 14 }, (_, i) => refusal(d, later + DAY + i * 4 * MINUTE, i)).flat()
    assert.equal(next.filter((a) => a.details.about === 'hour').length, 1)
  })

  it('a refusal every nineteen seconds for half an hour is said; a verdict of forty an hour still leaves ninety said', () => {
    // (Said again, high, once its pace corroborates it as a short flood too.)
    assert.ok(trickle(week(), 95, 30).length > 0)
    const d = week()
    assert.ok(d.teach(agent, 'denial-burst', 'hour', { denials: 40 }))
    assert.ok(d.teach(agent, 'denial-burst', 'hour', { denials: Number.NaN }), 'a verdict without a number teaches no most')
    assert.ok(trickle(d, 90, 40).length > 0)
  })

  it("refusals split across two reporters are said, on neither one's evidence", () => {
    const said = trickle(week(), 14, 45, ['crm-gateway', 'made-up'])
    assert.equal(said.length, 1)
    assert.deepEqual(said[0]!.evidence, [])
  })
})
