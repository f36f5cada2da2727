import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'

// High is what automatic containment acts on (issue 21: suspension only on evidence strong enough
// to justify it). One line of evidence about an agent, however strong its check finds it, has an
// innocent cause often enough (a cache warmed, a phone beside a laptop, a dormant grant put to
// use in an incident): it is said medium, and says it wants corroboration. Another aspect of the
// agent's behaviour within the hour makes it high. A few findings stand alone.
describe('severity: high on two lines of evidence', () => {
  const t0 = Date.UTC(2026, 10, 2)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const agent = 'did:key:z6MkSeverity'
  const dormant = t0 - 90 * DAY

  // Three days of reads of its own family, every ten minutes, day and night, from its network.
  function history(entitled: readonly string[] = ['db:a']): { d: AnomalyDetector; at: number } {
    const d = new AnomalyDetector({ context: () => ({ groups: ['team:sales'], entitlements: new Map(entitled.map((f) => [f, dormant])) }) })
    let i = 0
    for (let at = t0; at < t0 + 3 * DAY; at += 10 * MINUTE, i++) d.observe({ at, agent, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1', records: Math.round(100 * (1 + 0.3 * Math.sin(i))) })
    return { d, at: t0 + 3 * DAY }
  }
  // Two reads of 120 times the family's level: a records jump its check grades high.
  const bulk = (d: AnomalyDetector, at: number) => [0, 1].flatMap((i) => d.observe({ at: at + i * MINUTE, agent, decision: 'allow', resource: 'db:a/9', action: 'read', ip: '10.0.0.1', records: 12_000 }))
  // Back and forth with a public network new to it, minute by minute: two networks at once.
  const twoNetworks = (d: AnomalyDetector, at: number) => [...Array(6).keys()].flatMap((i) => d.observe({ at: at + i * MINUTE, agent, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: i % 2 ? '185.1.2.3' : '10.0.0.1', records: 100 }))
  // A burst of its own reads refused with `code`.
  const refused = (d: AnomalyDetector, at: number, code: string) => [...Array(12).keys()].flatMap((i) => d.observe({ at: at + i * 4000, agent, decision: 'deny', code, resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1' }))
  const of = (found: Anomaly[], kind: string) => found.filter((a) => a.kind === kind && a.severity !== 'low')
  const show = (found: Anomaly[]) => JSON.stringify(found.map((a) => [a.kind, a.severity, a.details.uncorroborated, a.details.corroboratedBy]))

  it('one line of evidence is medium however strong its check finds it, and says it wants corroboration', () => {
    const jump = history()
    const jumped = of(bulk(jump.d, jump.at), 'records-jump')
    assert.ok(jumped.length > 0, 'a bulk read is found')
    assert.deepEqual(jumped.map((a) => [a.severity, a.details.uncorroborated]).at(-1), ['medium', true], show(jumped))
    const moved = history()
    const two = of(twoNetworks(moved.d, moved.at), 'two-networks')
    assert.ok(two.length > 0, 'two networks at once are found')
    assert.ok(two.every((a) => a.severity === 'medium'), show(two))
    assert.ok(two.some((a) => a.details.uncorroborated === true), show(two))
  })

  it('another aspect of its behaviour within the hour makes it high, and names what corroborated it', () => {
    const { d, at } = history()
    twoNetworks(d, at)
    const jumped = of(bulk(d, at + 10 * MINUTE), 'records-jump')
    assert.equal(jumped.at(-1)?.severity, 'high', show(jumped))
    assert.deepEqual(jumped.at(-1)?.details.corroboratedBy, ['two-networks'])
  })

  // An on-call engineer at night, from home beside the VPN: the hour and the networks are one
  // circumstance of one person, not two lines of evidence against its agent.
  it('an hour off and a second network are one line: two networks at night stay medium; with a bulk read they make it high', () => {
    const dayOnly = () => {
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:sales'] }) })
      let i = 0
      for (let day = 0; day < 5; day++) for (let at = t0 + day * DAY + 8 * HOUR; at < t0 + day * DAY + 18 * HOUR; at += 10 * MINUTE, i++) d.observe({ at, agent, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1', records: Math.round(100 * (1 + 0.3 * Math.sin(i))) })
      return { d, night: t0 + 5 * DAY + 2 * HOUR }
    }
    const { d, night } = dayOnly()
    const found = twoNetworks(d, night)
    assert.ok(of(found, 'off-hours').length > 0 && of(found, 'two-networks').length > 0, show(found))
    assert.ok(of(found, 'off-hours').concat(of(found, 'two-networks')).every((a) => a.severity === 'medium' && a.details.corroboratedBy === undefined), show(found))
    const jumped = of(bulk(d, night + 10 * MINUTE), 'records-jump')
    assert.equal(jumped.at(-1)?.severity, 'high', show(jumped))
    assert.deepEqual([...(jumped.at(-1)?.details.corroboratedBy as string[])].sort(), ['off-hours', 'two-networks'])
  })

  // From an adversarial review: the last hour's findings were kept eight at most, oldest out first,
  // whoever reported them, so a hostile reporter's flood of one line pushed out another's evidence.
  it("a hostile reporter's flood of made-up findings of one line does not push out an honest verifier's evidence of another", () => {
    const { d, at } = history()
    const by = (reporter: string) => ({ reporter })
    const jumped = [0, 1].flatMap((i) => d.observe({ at: at + i * MINUTE, agent, decision: 'allow', resource: 'db:a/9', action: 'read', ip: '10.0.0.1', records: 12_000 }, by('honest')))
    assert.ok(of(jumped, 'records-jump').length > 0, show(jumped))
    // Ten made-up switches to ten networks, each said.
    const madeUp: Anomaly[] = []
    for (let n = 0; n < 10; n++) for (let k = 0; k < 6; k++) madeUp.push(...d.observe({ at: at + 5 * MINUTE + n * 2 * MINUTE + k * 15_000, agent, decision: 'allow', resource: `db:a/${k}`, action: 'read', ip: k % 2 ? `185.1.${n}.3` : '10.0.0.1', records: 100 }, by('hostile')))
    madeUp.push(...d.release(at + 40 * MINUTE))
    assert.ok(new Set(of(madeUp, 'two-networks').map((a) => a.details.about)).size >= 9, show(madeUp))
    const real: Anomaly[] = []
    for (let k = 0; k < 8; k++) real.push(...d.observe({ at: at + 45 * MINUTE + k * MINUTE, agent, decision: 'allow', resource: `db:a/${k}`, action: 'read', ip: k % 2 ? '77.7.7.7' : '10.0.0.1', records: 100 }, by('honest')))
    real.push(...d.release(at + 59 * MINUTE, true))
    const two = of(real, 'two-networks').filter((a) => a.evidence.includes('honest'))
    assert.ok(two.length > 0, show(real))
    assert.equal(two.at(-1)!.severity, 'high', show(real))
    assert.deepEqual(two.at(-1)!.details.corroboratedBy, ['records-jump'])
  })

  it('evidence more than an hour before corroborates nothing', () => {
    const { d, at } = history()
    twoNetworks(d, at)
    const jumped = of(bulk(d, at + 2 * HOUR), 'records-jump')
    assert.ok(jumped.length > 0 && jumped.every((a) => a.severity === 'medium'), show(jumped))
  })

  // Refusals for going over a rate limit are the surge itself, and refusals: they corroborate
  // neither a size nor its everyday refusals (from a review: a rate-limited burst, made up by a
  // hostile reporter or a surge's own, raised a job's everyday refusals to high). Refusals of what
  // it may not do are another aspect than its sizes.
  it('findings of one aspect are one line of evidence: refused for its rate, a bulk read or its everyday refusals stay medium; refused for its constraints, a bulk read is high', () => {
    const limited = history()
    const limits = of(refused(limited.d, limited.at, 'ERR_RATE_LIMITED'), 'denial-burst')
    assert.ok(limits.length > 0, 'the refusals are a burst')
    const jumped = of(bulk(limited.d, limited.at + 5 * MINUTE), 'records-jump')
    assert.ok(jumped.length > 0 && jumped.every((a) => a.severity === 'medium'), show(jumped))
    for (const reporter of [undefined, 'evil']) {
      const everyday = history()
      for (let i = 0; i < 12; i++) everyday.d.observe({ at: everyday.at + i * 4000, agent, decision: 'deny', code: 'ERR_RATE_LIMITED', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1' }, reporter ? { reporter } : undefined)
      const constrained = of(refused(everyday.d, everyday.at + 2 * MINUTE, 'ERR_CONSTRAINT'), 'denial-burst')
      assert.ok(constrained.length > 0 && constrained.every((a) => a.severity === 'medium'), `${reporter ?? 'its own verifier'}: ${show(constrained)}`)
    }
    const constrained = history()
    refused(constrained.d, constrained.at, 'ERR_CONSTRAINT')
    const raised = of(bulk(constrained.d, constrained.at + 5 * MINUTE), 'records-jump')
    assert.equal(raised.at(-1)?.severity, 'high', show(raised))
    assert.deepEqual(raised.at(-1)?.details.corroboratedBy, ['denial-burst'])
  })

  // From a review: a thief bulk-reading its own family from its own network, in its hours, is one
  // line of evidence, and was never high. Kept up for ten minutes, it is no cache warming up.
  it('a bulk read kept up for ten minutes is high on its own; a burst of large reads within a minute is not', () => {
    const { d, at } = history()
    const found = [...Array(30).keys()].flatMap((i) => d.observe({ at: at + i * MINUTE, agent, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1', records: 12_000 }))
    const jumps = of(found, 'records-jump')
    const high = jumps.find((a) => a.severity === 'high')
    assert.ok(high !== undefined && high.at - at >= 10 * MINUTE && high.at - at <= 12 * MINUTE, show(jumps))
    assert.equal(high.details.corroboratedBy, undefined)
    const warm = history()
    const burst = of([...Array(20).keys()].flatMap((i) => warm.d.observe({ at: warm.at + i * 2000, agent, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1', records: 12_000 })), 'records-jump')
    assert.ok(burst.length > 0 && burst.every((a) => a.severity === 'medium'), show(burst))
  })

  // From a second review: a thief pausing eleven minutes between bursts, or moving to another of
  // its families every nine, was never kept up (each a new incident); and a hostile reporter
  // keeping a made-up incident going made an honest verifier's one jump high.
  describe('a bulk read kept up is judged per reporter, across pauses and families', () => {
    const families = ['db:a', 'db:b', 'db:c']
    function spread(): { d: AnomalyDetector; at: number } {
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:sales'], entitlements: new Map(families.map((f) => [f, dormant])) }) })
      let i = 0
      for (let at = t0; at < t0 + 3 * DAY; at += 10 * MINUTE, i++) d.observe({ at, agent, decision: 'allow', resource: `${families[i % 3]}/${i}`, action: 'read', ip: '10.0.0.1', records: Math.round(100 * (1 + 0.3 * Math.sin(i))) }, { reporter: 'crm', receivedAt: at })
      return { d, at: t0 + 3 * DAY }
    }
    const read = (d: AnomalyDetector, at: number, family: string, reporter = 'crm') => d.observe({ at, agent, decision: 'allow', resource: `${family}/9`, action: 'read', ip: '10.0.0.1', records: 12_000 }, { reporter, receivedAt: at })
    const high = (found: Anomaly[]) => found.filter((a) => (a.kind === 'records-jump' || a.kind === 'volume-drift') && a.severity === 'high')

    it('ten large reads a minute apart, then eleven quiet minutes, again and again: high within the hour', () => {
      const { d, at } = spread()
      const found = [0, 1, 2].flatMap((round) => [...Array(10).keys()].flatMap((i) => read(d, at + round * 21 * MINUTE + i * MINUTE, 'db:a')))
      assert.ok(high(found).length > 0 && high(found)[0]!.at - at <= HOUR, show(found.filter((a) => a.severity !== 'low')))
    })

    it('another of its families every nine minutes: high within the hour', () => {
      const { d, at } = spread()
      const found = [...Array(30).keys()].flatMap((i) => read(d, at + i * MINUTE, families[Math.floor(i / 9) % 3]!))
      assert.ok(high(found).length > 0, show(found.filter((a) => a.severity !== 'low')))
    })

    it("a hostile reporter's made-up jumps for ten minutes do not make an honest verifier's one jump high", () => {
      const { d, at } = spread()
      for (const minute of [0, 3, 6, 9]) read(d, at + minute * MINUTE, 'db:a', 'evil')
      const honest = read(d, at + 13 * MINUTE, 'db:a', 'crm').filter((a) => a.evidence.includes('crm'))
      assert.deepEqual(high(honest), [], show(honest))
    })
  })

  // A family it holds an entitlement to but never used (an incident's legacy grant, an audit)
  // against one it holds none to.
  it('the first uses of a dormant entitlement want another line; of a family it holds no entitlement to, they stand alone', () => {
    // (Held a few minutes for its team, which might be taking the family up too: released after.)
    const use = (d: AnomalyDetector, at: number) => [...[0, 1, 2].flatMap((k) => d.observe({ at: at + k * 5 * MINUTE, agent, decision: 'allow', resource: `hr:records/${k}`, action: 'read', ip: '10.0.0.1', records: 50 })), ...d.release(at + HOUR)]
    const held = history(['db:a', 'hr:records'])
    const grant = of(use(held.d, held.at), 'new-resource')
    assert.ok(grant.length > 0 && grant.every((a) => a.severity === 'medium'), show(grant))
    assert.ok(grant.some((a) => a.details.uncorroborated === true), show(grant))
    const none = history(['db:a'])
    const taken = of(use(none.d, none.at), 'new-resource')
    assert.ok(taken.some((a) => a.severity === 'high' && a.details.uncorroborated === undefined), show(taken))
  })

  // A refused reach into a family it holds no entitlement to stands alone once kept up: three
  // tries over ten minutes. Twice, ten minutes apart, is a link followed twice.
  it('a refused reach kept up stands alone: three tries over ten minutes, not two', () => {
    const refusal = (d: AnomalyDetector, at: number) => d.observe({ at, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:records/7', action: 'read', ip: '10.0.0.1', segment: 'hr' })
    const high = (found: Anomaly[]) => found.filter((a) => a.kind === 'new-resource' && a.severity === 'high')
    const twice = history()
    const two = [...refusal(twice.d, twice.at), ...refusal(twice.d, twice.at + 11 * MINUTE), ...twice.d.release(twice.at + 2 * HOUR)]
    assert.deepEqual(high(two), [], show(two))
    const thrice = history()
    const three = [...refusal(thrice.d, thrice.at), ...refusal(thrice.d, thrice.at + 5 * MINUTE), ...refusal(thrice.d, thrice.at + 11 * MINUTE), ...thrice.d.release(thrice.at + 2 * HOUR)]
    assert.ok(high(three).length > 0, show(three))
  })

  // Found on a fifth, independent fleet (workload-e): an identity provider's outage refused every
  // agent's credential as expired for 47 minutes, and 94 of its 108 benign agents were a medium
  // denial burst. The same code refused across the organisation at once is the outage's.
  describe('a refusal burst the whole organisation has at once', () => {
    const fleet = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((x) => `did:key:z6MkOutage${x}`)
    function organisation(): { d: AnomalyDetector; at: number } {
      const d = new AnomalyDetector({ context: () => ({ groups: ['team:ops'], entitlements: new Map([['db:a', dormant]]) }) })
      let i = 0
      for (let at = t0; at < t0 + 3 * DAY; at += 10 * MINUTE, i++) for (const [k, who] of fleet.entries()) d.observe({ at: at + k * 1000, agent: who, decision: 'allow', resource: `db:a/${i}`, action: 'read', ip: `10.0.0.${k + 1}`, records: 100 })
      return { d, at: t0 + 3 * DAY }
    }
    // Each agent's client retries a dozen times, a minute after the one before it.
    const outage = (d: AnomalyDetector, at: number, code: string, who = fleet) => who.map((agent, k) => [...Array(12).keys()].flatMap((i) => d.inspect({ at: at + k * MINUTE + i * 3000, agent, decision: 'deny', code, resource: `db:a/${i}`, action: 'read', ip: `10.0.0.${k + 1}` })).filter((a) => a.kind === 'denial-burst' && (a.reported || a.explained)))
    const levels = (found: Anomaly[][]) => found.map((f) => [...new Set(f.map((a) => a.severity))].join())
    // Each agent's findings said (alerts, and those held for the others: explained, no alerts),
    // those its hold released later (at another agent's event, or at the end) with them.
    const perAgent = (d: AnomalyDetector, found: Anomaly[][], end: number) => {
      const all = [...found.flat(), ...d.release(end).filter((a) => a.kind === 'denial-burst')]
      return fleet.map((agent) => all.filter((a) => a.agent === agent))
    }

    // Its first agents were medium (workload-e: the first five of an outage, on each of three
    // seeds): they are held as a refusal is, and the others' bursts within the quarter hour explain them.
    it('its credentials refused as expired: the first agents are held low and explained by those after them, which are low at once, saying how many shared it', () => {
      const { d, at } = organisation()
      const found = perAgent(d, outage(d, at, 'ERR_VC_EXPIRED'), at + 2 * HOUR)
      assert.deepEqual(levels(found), Array(8).fill('low'))
      for (const f of found.slice(0, 5)) assert.ok(f.every((a) => typeof a.details.held === 'string'), show(f))
      assert.equal(found[7]![0]!.details.orgWide, 7)
    })

    it("a rate limiter's refusals are said as usual: a flood is refused so", () => {
      const { d, at } = organisation()
      assert.deepEqual(levels(outage(d, at, 'ERR_RATE_LIMITED')), ['medium', 'medium', 'medium', 'medium', 'medium', 'low', 'low', 'low'])
    })

    // From a review of the hold: five other agents' bursts made up by another reporter, after the
    // honest verifier's or before it (holding the agent's burst first), explained it away.
    it("another reporter's bursts, made up after or before, explain nothing the honest verifier saw", () => {
      const burst = (d: AnomalyDetector, agent: string, at: number, reporter: string) =>
        [...Array(12).keys()].flatMap((i) => d.observe({ at: at + i * 3000, agent, decision: 'deny', code: 'ERR_VC_EXPIRED', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1' }, { receivedAt: at + i * 3000, reporter }))
      const said = (found: Anomaly[], d: AnomalyDetector, end: number) => [...found, ...d.release(end)].filter((a) => a.kind === 'denial-burst' && a.agent === fleet[0] && a.severity !== 'low' && a.evidence.includes('honest'))
      const after = organisation()
      const a = [...burst(after.d, fleet[0]!, after.at, 'honest'), ...fleet.slice(1, 6).flatMap((agent, k) => burst(after.d, agent, after.at + (6 + k) * MINUTE, 'hostile'))]
      assert.equal(said(a, after.d, after.at + 2 * HOUR).length, 1, show(a))
      const before = organisation()
      const b = [...burst(before.d, fleet[0]!, before.at, 'hostile'), ...fleet.slice(1, 6).flatMap((agent) => burst(before.d, agent, before.at, 'hostile')), ...burst(before.d, fleet[0]!, before.at + 20 * MINUTE, 'honest')]
      assert.equal(said(b, before.d, before.at + 2 * HOUR).length, 1, show(b))
    })

    // The same review: a held finding was dated by the event that released it, any reporter's; one
    // dated a month ahead moved it out of the hour of the agent's other findings (no corroboration).
    it('a held burst is dated when it became due, whatever event releases it, and corroborated so', () => {
      const { d, at } = organisation()
      const agent = fleet[0]!
      const found = [
        ...d.observe({ at: at - 10 * MINUTE, agent, decision: 'allow', resource: 'db:a/x', action: 'read', ip: '10.0.0.1', records: 7000 }, { reporter: 'v1', receivedAt: at - 10 * MINUTE }),
        ...[...Array(12).keys()].flatMap((i) => d.observe({ at: at + i * 3000, agent, decision: 'deny', code: 'ERR_VC_EXPIRED', resource: `db:a/${i}`, action: 'read', ip: '10.0.0.1' }, { reporter: 'v1', receivedAt: at + i * 3000 })),
        ...d.observe({ at: at + 30 * DAY, agent: 'did:key:z6MkMadeUp', decision: 'allow', resource: 'db:a/1', action: 'read', ip: '10.9.9.9' }, { reporter: 'hostile', receivedAt: at + 31 * MINUTE }),
      ]
      const released = found.filter((a) => a.kind === 'denial-burst' && a.agent === agent && a.severity !== 'low')
      assert.equal(released.length, 1, show(found))
      assert.ok(released[0]!.at <= at + 31 * MINUTE, new Date(released[0]!.at).toISOString())
      assert.equal(released[0]!.severity, 'high', show(released))
    })

    // From a review: a credential presented without its holder's key, replayed or revoked is a
    // stolen or forged one, and five made-up agents' bursts made an honest verifier's low.
    it('not for authorization refusals (the signal of a reach), nor a stolen or revoked credential, nor for bursts more than fifteen minutes apart', () => {
      for (const code of ['ERR_CONSTRAINT', 'ERR_VP_HOLDER_BINDING', 'ERR_VC_REVOKED', 'ERR_SIGNATURE']) {
        const constrained = organisation()
        assert.deepEqual(levels(outage(constrained.d, constrained.at, code)), Array(8).fill('medium'), code)
      }
      // Each one alone: held, then said medium.
      const apart = organisation()
      const found = perAgent(apart.d, fleet.map((agent, k) => outage(apart.d, apart.at + k * 16 * MINUTE, 'ERR_VC_EXPIRED', [agent])[0]!), apart.at + 4 * HOUR)
      assert.deepEqual(levels(found), Array(8).fill('low,medium'))
    })
  })
})
