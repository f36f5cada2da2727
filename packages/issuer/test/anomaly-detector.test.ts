import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'
// @ts-expect-error: a plain ES module script, typed by use
import { generateWorkload } from '../../../scripts/workload.mjs'

describe('anomaly detection over a generated workload', function () {
  this.timeout(60_000)

  it('finds at least 95% of the planted anomalies and flags at most 1% of benign agents (100,000 events, 200 agents)', () => {
    const { events, labels, retiredAt } = generateWorkload({ agents: 200, events: 100_000, seed: 7 }) as {
      events: Array<{ at: number; agent: string }>; labels: Map<string, string | undefined>; retiredAt: Map<string, number>
    }
    assert.ok(events.length >= 100_000)
    const retired = new Set<string>()
    const detector = new AnomalyDetector({ isRetired: (agent) => retired.has(agent) })
    const found = new Map<string, Anomaly[]>()
    for (const event of events) {
      const at = retiredAt.get(event.agent)
      if (at !== undefined && event.at >= at) retired.add(event.agent)
      for (const a of detector.observe(event as never)) found.set(a.agent, [...(found.get(a.agent) ?? []), a])
    }
    const planted = [...labels].filter(([, kind]) => kind !== undefined)
    const benign = [...labels].filter(([, kind]) => kind === undefined)
    const caught = planted.filter(([agent, kind]) => found.get(agent)?.some((a) => a.kind === kind))
    const flagged = benign.filter(([agent]) => found.has(agent))
    const recall = caught.length / planted.length
    const falsePositives = flagged.length / benign.length
    console.log(`      recall ${(recall * 100).toFixed(1)}% (${caught.length}/${planted.length}), benign agents flagged ${(falsePositives * 100).toFixed(1)}% (${flagged.length}/${benign.length})`)
    const missed = planted.filter(([agent, kind]) => !found.get(agent)?.some((a) => a.kind === kind)).map(([, kind]) => kind)
    assert.ok(recall >= 0.95, `recall ${recall}; missed kinds: ${missed.join(', ')}`)
    assert.ok(falsePositives <= 0.01, `benign flagged: ${flagged.map(([a]) => found.get(a)!.map((x) => x.kind).join('+')).join(', ')}`)
    // Every kind was planted and every kind is found.
    for (const kind of new Set(planted.map(([, k]) => k))) assert.ok(caught.some(([, k]) => k === kind), `no ${kind} caught`)
  })

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

  it('takes IPv4-mapped IPv6 addresses (a dual-stack server) as the IPv4 networks they are', () => {
    const detector = new AnomalyDetector({ learnEvents: 3, learnMinutes: 0 })
    const base = Date.UTC(2026, 10, 2, 10)
    const ev = (i: number, ip: string) => ({ at: base + i * 60_000, agent: 'did:key:z6Mky', decision: 'allow' as const, resource: 'db:a/1', ip })
    for (let i = 0; i < 3; i++) detector.observe(ev(i, '::ffff:10.0.0.1'))
    assert.deepEqual(detector.observe(ev(4, '10.0.0.7')), [], 'the same /24, spelt without the mapping')
    assert.equal(detector.observe(ev(5, '::ffff:203.0.113.9'))[0]?.kind, 'new-network')
  })
})
