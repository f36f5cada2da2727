import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'
import { graded } from './support/graded.js'

// Simulated time only.
describe('probing: refusals across families foreign to the agent and its peers', () => {
  const HOUR = 3_600_000
  const t0 = Date.UTC(2026, 10, 2, 0)
  const agent = 'did:key:z6MkProbe'
  const peer = 'did:key:z6MkPeer'
  const own = ['crm:accounts', 'db:orders', 'reports:sales']

  // Three days of reads of its own segment's families; a peer of its team uses a fourth.
  function history(): { d: AnomalyDetector; at: number } {
    const d = new AnomalyDetector({ context: () => ({ groups: ['team:sales/company'] }) })
    let i = 0
    for (let at = t0; at < t0 + 72 * HOUR; at += 600_000, i++) {
      d.observe({ at, agent, decision: 'allow', resource: `${own[i % 3]}/${i}`, action: 'read', ip: '10.0.0.1', records: 50 })
      d.observe({ at: at + 1, agent: peer, decision: 'allow', resource: `db:customers/${i}`, action: 'read', ip: '10.0.0.2', records: 50 })
    }
    return { d, at: t0 + 72 * HOUR }
  }
  const refuse = (d: AnomalyDetector, at: number, families: readonly string[]) =>
    [...Array(10).keys()].flatMap((i) => d.observe({ at: at + i * 30_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${families[i % families.length]}/${i}`, action: i % 2 ? 'write' : 'read', ip: '10.0.0.1' }))

  it('ten refusals on its own and its peers\' families, reads and writes, are not probing', () => {
    const { d, at } = history()
    const found = refuse(d, at, [...own, 'db:customers'])
    assert.deepEqual(found.filter((a) => a.kind === 'probing'), [])
  })

  it('the same refusals on families foreign to it and its peers are probing, high', () => {
    const { d, at } = history()
    const found = refuse(d, at, ['hr:records', 'payments:transfers', 'ledger:entries'])
    const probing = found.filter((a) => a.kind === 'probing')
    assert.ok(probing.length > 0, JSON.stringify(found.map((a) => a.kind)))
    assert.equal(probing[0]!.severity, 'high')
  })

  it('refusals across three actions are probing whatever the family', () => {
    const { d, at } = history()
    const found = [...Array(10).keys()].flatMap((i) => d.observe({ at: at + i * 30_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${i}`, action: ['read', 'delete', 'admin'][i % 3]!, ip: '10.0.0.1' }))
    assert.ok(found.some((a) => a.kind === 'probing'), JSON.stringify(found.map((a) => a.kind)))
  })

  // A denial burst is high when the agent asks for more than it has been doing; its everyday
  // requests refused (a misconfigured job) are medium (issue 21, benign alerts at high).
  describe('a burst of refusals: everyday requests refused, or asking for more', () => {
    const burst = (d: AnomalyDetector, at: number, family: string, action = 'read', code = 'ERR_CONSTRAINT') =>
      [...Array(12).keys()].flatMap((i) => d.observe({ at: at + i * 4000, agent, decision: 'deny', code, resource: `${family}/${i}`, action, ip: '10.0.0.1' }))
    const level = (found: ReadonlyArray<Anomaly>) => [...new Set(found.filter((a) => a.kind === 'denial-burst' && a.severity !== 'low').map(graded))]

    // From two adversarial reviews: a hostile reporter's refusals must not make an honest job's
    // burst high (and suspend it on the honest verifier's evidence), nor may splitting a burst
    // across verifiers make a reader's deletes everyday.
    it('its own reads refused for long stay medium; another reporter\'s made-up delete among them changes nothing; deletes split across two verifiers are high', () => {
      const long = history()
      const found = [...Array(200).keys()].flatMap((i) => long.d.observe({ at: long.at + i * 4000, agent, decision: 'deny', code: 'ERR_CONSTRAINT', resource: `${own[0]}/${(i * 7919) % 1000}`, action: 'read', ip: '10.0.0.1' }))
      assert.deepEqual(level(found), ['medium'])
      const split = history()
      const deletes = [...Array(12).keys()].flatMap((i) => split.d.observe({ at: split.at + i * 4000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${(i * 7919) % 1000}`, action: 'delete', ip: '10.0.0.1' }, { reporter: i % 2 ? 'crm' : 'billing' }))
      assert.deepEqual(level(deletes), ['high'])
      // From an adversarial review: a hostile reporter's made-up burst of everyday reads just
      // before made it the only reporter with a burst of its own, and the split deletes everyday.
      const masked = history()
      for (let i = 0; i < 10; i++) masked.d.observe({ at: masked.at - 10_000 + i * 900, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${i}`, action: 'read', ip: '10.0.0.1' }, { reporter: 'evil' })
      const hidden = [...Array(18).keys()].flatMap((i) => masked.d.observe({ at: masked.at + i * 2500, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${(i * 7919) % 1000}`, action: 'delete', ip: '10.0.0.1' }, { reporter: i % 2 ? 'crm' : 'billing' }))
      assert.deepEqual(level(hidden), ['high'])
      const mixed = history()
      const seen = [...Array(12).keys()].flatMap((i) => [
        ...mixed.d.observe({ at: mixed.at + i * 4000, agent, decision: 'deny', code: 'ERR_CONSTRAINT', resource: `${own[0]}/${(i * 7919) % 1000}`, action: 'read', ip: '10.0.0.1' }, { reporter: 'crm' }),
        ...(i === 5 ? mixed.d.observe({ at: mixed.at + i * 4000 + 1, agent, decision: 'deny', code: 'ERR_CONSTRAINT', resource: `${own[0]}/1`, action: 'delete', ip: '10.0.0.1' }, { reporter: 'evil' }) : []),
      ])
      assert.deepEqual(level(seen), ['medium'])
    })

    // From a fourth review: the 64 refusals kept per agent were the latest, whoever reported
    // them, so a flood of made-up everyday refusals pushed an honest verifier's deletes out.
    it("a flood of another reporter's made-up everyday refusals does not push a verifier's refused deletes out", () => {
      const deletes = (d: AnomalyDetector, at: number, from: number, to: number) => [...Array(to - from).keys()].flatMap((k) => d.observe({ at: at + (from + k) * 4000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${from + k}`, action: 'delete', ip: '10.0.0.1' }, { reporter: 'billing' }))
      const flooded = history()
      const before = deletes(flooded.d, flooded.at, 0, 9)
      for (let i = 0; i < 70; i++) flooded.d.observe({ at: flooded.at + 36_000 + i * 10, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${i}`, action: 'read', ip: '10.0.0.1' }, { reporter: 'evil' })
      const after = deletes(flooded.d, flooded.at + 2000, 9, 12)
      const burst = [...before, ...after].filter((a) => a.kind === 'denial-burst' && a.evidence.includes('billing'))
      assert.deepEqual([...new Set(burst.map((a) => a.severity))], ['high'], JSON.stringify([...before, ...after].map((a) => `${a.kind}/${a.severity}/${a.evidence}`)))
    })

    it('its own reads refused are medium; deletes on its own family, or reads of its peers\' family or a foreign one, are high', () => {
      const { d, at } = history()
      const everyday = burst(d, at, own[0]!)
      assert.deepEqual(level(everyday), ['medium'])
      assert.equal(everyday.find((a) => a.kind === 'denial-burst')?.details.everyday, true)
      for (const [family, action] of [[own[0]!, 'delete'], ['db:customers', 'read'], ['hr:records', 'read']] as const) {
        const { d, at } = history()
        assert.deepEqual(level(burst(d, at, family, action, 'ERR_NOT_ENTITLED')), ['high'], `${family} ${action}`)
      }
    })
  })

  // One reach is one piece of evidence, found as a family and as a segment: they do not raise
  // each other to high as if two things had been seen.
  it('a dormant grant used once in another segment is medium, family and segment alike; used a third time, high', () => {
    const d = new AnomalyDetector({ holdMinutes: 0, context: () => ({ groups: ['team:sales/company'], entitlements: new Map([...own, 'hr:records'].map((f) => [f, t0 - 90 * 24 * HOUR])) }) })
    let i = 0
    for (let at = t0; at < t0 + 72 * HOUR; at += 600_000, i++) d.observe({ at, agent, decision: 'allow', resource: `${own[i % 3]}/${i}`, action: 'read', ip: '10.0.0.1', records: 50 })
    const use = (k: number) => d.observe({ at: t0 + 72 * HOUR + k * 5 * 60_000, agent, decision: 'allow', resource: `hr:records/${k}`, action: 'read', ip: '10.0.0.1', segment: 'hr', records: 50 }).map((a) => `${a.kind}/${graded(a)}`)
    assert.deepEqual(use(0).sort(), ['new-resource/medium', 'new-segment/medium'])
    use(1)
    assert.ok(use(2).includes('new-resource/high'))
  })

  // A refused reach gave nothing away: graver as the evidence grows, as containment needs it to.
  describe('a refused reach for a family foreign to it', () => {
    const refusal = (d: AnomalyDetector, at: number, reporter: string) =>
      d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:records/7', action: 'read', ip: '10.0.0.1', segment: 'hr' }, { reporter })
    const about = (found: ReadonlyArray<{ agent: string; kind: string; severity: string }>) => found.filter((a) => a.agent === agent && a.severity !== 'low').map((a) => `${a.kind}/${a.severity}`)

    it("one verifier's burst of tries (a misconfigured tool) is medium, its family and its segment one reach", () => {
      const { d, at } = history()
      // Eight tries ten seconds apart (below a denial burst), the same record.
      const found = [...[...Array(8).keys()].flatMap((i) => refusal(d, at + i * 10_000, 'hr-service')), ...d.release(at + 2 * HOUR)]
      assert.deepEqual(about(found).sort(), ['new-resource/medium', 'new-segment/medium'])
    })

    it('seen by a second verifier, or kept up for ten minutes by one, it is high', () => {
      const two = history()
      refusal(two.d, two.at, 'hr-service')
      const second = [...refusal(two.d, two.at + 30_000, 'payroll-service'), ...two.d.release(two.at + 2 * HOUR)]
      assert.ok(about(second).includes('new-resource/high'), JSON.stringify(about(second)))
      const kept = history()
      refusal(kept.d, kept.at, 'hr-service')
      const early = [...refusal(kept.d, kept.at + 9 * 60_000, 'hr-service')]
      const late = [...refusal(kept.d, kept.at + 10 * 60_000, 'hr-service'), ...kept.d.release(kept.at + 2 * HOUR)]
      assert.deepEqual(about(early), [])
      assert.ok(about(late).includes('new-resource/high'), JSON.stringify(about(late)))
    })

    // From an adversarial review: the first version looked for a ten-minute-old try among the
    // hour's last 32 reaches, which a try every 36 s never has.
    it('kept up at any pace, it is high after ten minutes', () => {
      const { d, at } = history()
      const found = [...Array(30).keys()].flatMap((i) => refusal(d, at + i * 36_000, 'hr-service'))
      assert.ok(about([...found, ...d.release(at + 2 * HOUR)]).includes('new-resource/high'))
    })

    // (The first alone is low: one refused request is a link followed, see anomaly-habits.test.ts.)
    // Two families refused once each, one request each, are two strays (a person asking their
    // assistant twice within the hour for what it may not read, workload-f); a third family
    // within the hour is lateral movement, high (anomaly-strays.test.ts has the rest).
    it('two reaches for different families within the hour, one request each, are two strays: nothing said with the second, high with a third', () => {
      const { d, at } = history()
      const first = refusal(d, at, 'hr-service')
      assert.deepEqual(about(first), [])
      const second = d.observe({ at: at + 20 * 60_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'payments:transfers/1', action: 'read', ip: '10.0.0.1' }, { reporter: 'pay-service' })
      // (A refusal is held 30 minutes: released within the hour of the first.)
      const found = about([...second, ...d.release(at + 55 * 60_000)])
      assert.deepEqual(found, [])
      const third = d.observe({ at: at + 56 * 60_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'legal:cases/1', action: 'read', ip: '10.0.0.1' }, { reporter: 'legal-service' })
      assert.ok(about([...third, ...d.release(at + 100 * 60_000)]).includes('lateral-movement/high'))
    })
  })
})
