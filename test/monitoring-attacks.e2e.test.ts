import assert from 'node:assert/strict'
import { generateAgentKey } from '@agentid/agent'
import { noApprovalPolicy } from './support/policies.js'
import { startTestService, type TestService } from './support/service.js'

// Monitoring cannot be turned against its agents: a reporter (a principal with the `reporter`
// role, trusted for what it reports) can raise alerts, but one reporter's burst cannot suspend an
// agent, backdated events do not end a learning period, a decoy does not silence the alert that
// follows it, and every alert and containment names the reporters behind it.
describe('monitoring under attack: reporters cannot turn it against an agent', function () {
  this.timeout(60_000)

  const MINUTE = 60_000

  interface Setup {
    t: TestService
    agent: string
    reporters: { a: string; b: string }
    clock: { now: number }
    post(token: string, events: unknown[]): Promise<{ status: number; body: any }>
    event(fields: Record<string, unknown>): Record<string, unknown>
    /** Alerts, newest first; a rate spike (medium: it never suspends) is left out, bursts cause one. */
    alerts(): Promise<Array<{ id: number; kind: string; subject?: string; severity: string; details: Record<string, unknown> }>>
    audit(): Promise<Array<{ actor: string; action: string; target?: string; details: Record<string, any> }>>
    state(): Promise<{ suspendedAt?: string; statuses: string[] }>
    learn(): Promise<void>
  }

  // A service whose monitoring runs on a clock the test moves (the issuer's clock: when events
  // were received), with autoSuspend at `high`, one enrolled agent holding one credential, and two
  // reporters.
  // `holdMinutes: 0`: findings said at once, for tests of what is not the hold for the group.
  async function setUp(detector: { holdMinutes?: number } = {}): Promise<Setup> {
    const clock = { now: Date.UTC(2026, 10, 30, 9, 0, 0) }
    const t = await startTestService({ policy: { ...noApprovalPolicy(), autoSuspend: 'high' }, now: () => clock.now, monitor: { now: () => clock.now, detector } })
    const agent = generateAgentKey().did
    await t.issuer.registerAgent({ did: agent, name: 'sales-bot', kind: 'company', owner: 'sales', segment: 'sales' }, 'test')
    await t.issuer.grant({ subject: agent, entitlements: [{ resource: 'db:customers/*', actions: ['read'] }], ttlSeconds: 7 * 86400 }, 'test')
    const a = (await t.issuer.createPrincipal({ id: 'crm-service', roles: ['reporter'] }, 'test')).token
    const b = (await t.issuer.createPrincipal({ id: 'billing-service', roles: ['reporter'] }, 'test')).token
    const s: Setup = {
      t, agent, clock, reporters: { a, b },
      post: (token, events) => t.call(token, 'POST', '/events', { events }),
      event: (fields) => ({ at: clock.now, agent, decision: 'allow', resource: 'db:customers/1', action: 'read', ip: '10.1.2.3', records: 100, ...fields }),
      alerts: async () => (await t.call(t.tokens.auditor, 'GET', '/alerts')).body.alerts.filter((a: { kind: string }) => a.kind !== 'anomaly.rate-spike'),
      audit: async () => (await t.call(t.tokens.auditor, 'GET', '/audit?limit=1000')).body.entries,
      state: async () => {
        const record = (await t.call(t.tokens.admin, 'GET', `/agents/${agent}`)).body
        return { ...(record.agent.suspendedAt ? { suspendedAt: record.agent.suspendedAt } : {}), statuses: record.credentials.map((c: { status: string }) => c.status) }
      },
      // An hour and ten minutes of ordinary use, one event a minute of issuer time, half from each reporter.
      async learn() {
        for (let i = 0; i < 70; i++) {
          clock.now += MINUTE
          const answer = await s.post(i % 2 === 0 ? a : b, [s.event({ resource: `db:customers/${i}` })])
          assert.equal(answer.status, 200, JSON.stringify(answer.body))
        }
        assert.deepEqual(await s.alerts(), [], 'ordinary use raises nothing')
      },
    }
    return s
  }

  it("one reporter's backdated burst does not end the learning period: its events are clamped to the issuer's clock and flagged, and nothing is suspended", async () => {
    const s = await setUp()
    try {
      const before = await s.state()
      // Two hours of "history" in one call, then a reach for HR: by the reporter's dates the
      // learning period (60 events and 30 minutes) is over; by the issuer's clock it has just begun.
      const history = Array.from({ length: 70 }, (_, i) => s.event({ at: s.clock.now - 2 * 3_600_000 + i * MINUTE, resource: `db:customers/${i}` }))
      const answer = await s.post(s.reporters.a, [...history, s.event({ resource: 'hr:records/salaries' })])
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(answer.body.observed, 71)
      assert.equal(answer.body.clamped, 70, 'every event dated outside the accepted window is clamped and counted')
      const alerts = await s.alerts()
      assert.deepEqual(alerts.filter((a) => a.kind.startsWith('anomaly.')), [], 'still learning: no anomaly from a burst')
      // The skewed reporter is flagged, by name, in an alert and its audit entry.
      const skew = alerts.find((a) => a.kind === 'reporter.clock-skew')
      assert.ok(skew, 'the reporter whose clock disagrees is flagged')
      assert.equal(skew.subject, 'crm-service')
      assert.equal(skew.details.clamped, 70)
      const audit = await s.audit()
      assert.ok(audit.some((e) => e.actor === 'crm-service' && e.action === 'alert.raise' && e.details.alert === skew.id), 'the alert is audited with the reporter as actor')
      assert.deepEqual(await s.state(), before, 'the agent and its credential are unchanged')
      assert.equal(audit.some((e) => e.action === 'credential.suspend'), false)
    } finally {
      await s.t.close()
    }
  })

  it("one reporter's run of denials raises an alert but suspends nothing; a second reporter's own evidence does, and the suspension names both", async () => {
    const s = await setUp()
    try {
      await s.learn()
      const before = await s.state()
      const burst = Array.from({ length: 20 }, (_, i) => s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `db:customers/${i}`, action: 'delete' }))
      const first = await s.post(s.reporters.a, burst)
      assert.equal(first.status, 200, JSON.stringify(first.body))
      const alerts = await s.alerts()
      assert.deepEqual(alerts.map((a) => [a.kind, a.subject, a.severity, a.details.reporter]), [['anomaly.denial-burst', s.agent, 'high', 'crm-service']])
      assert.equal(alerts[0]!.details.containment, 'awaiting corroboration')
      let audit = await s.audit()
      assert.ok(audit.some((e) => e.actor === 'crm-service' && e.action === 'alert.raise' && e.target === s.agent && e.details.alert === alerts[0]!.id), 'the alert is audited with the reporter as actor')
      assert.equal(audit.some((e) => e.action === 'credential.suspend'), false, 'one reporter alone suspends nothing')
      assert.deepEqual(await s.state(), before, 'the agent and its credential are unchanged')

      // A second verifier sees the same agent fail on its own: corroborated.
      s.clock.now += 5_000
      const second = await s.post(s.reporters.b, burst.slice(0, 12).map((e) => ({ ...e, at: s.clock.now })))
      assert.equal(second.status, 200, JSON.stringify(second.body))
      const state = await s.state()
      assert.ok(state.suspendedAt, 'suspended once two reporters agree')
      assert.deepEqual(state.statuses, ['suspended'])
      audit = await s.audit()
      const suspension = audit.find((e) => e.action === 'credential.suspend')
      assert.ok(suspension)
      assert.equal(suspension.actor, 'system:monitor')
      assert.deepEqual(suspension.details.reporters, ['billing-service', 'crm-service'])
      assert.ok(Array.isArray(suspension.details.alerts) && suspension.details.alerts.includes(alerts[0]!.id))
    } finally {
      await s.t.close()
    }
  })

  it("one reporter's evidence spread over ten minutes of the issuer's clock is corroboration enough", async () => {
    const s = await setUp()
    try {
      await s.learn()
      const burst = () => Array.from({ length: 12 }, (_, i) => s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `db:customers/${i}`, action: 'delete' }))
      await s.post(s.reporters.a, burst())
      s.clock.now += 4 * MINUTE
      await s.post(s.reporters.a, burst())
      assert.equal((await s.state()).suspendedAt, undefined, 'four minutes apart is still one burst')
      s.clock.now += 7 * MINUTE
      await s.post(s.reporters.a, burst())
      const state = await s.state()
      assert.ok(state.suspendedAt, 'the same reporter, eleven minutes after its first evidence')
      const suspension = (await s.audit()).find((e) => e.action === 'credential.suspend')
      assert.deepEqual(suspension?.details.reporters, ['crm-service'])
      // The third burst is the same incident as the first (said once), yet an alert says what
      // followed: the suspension is never silent.
      const said = (await s.alerts()).filter((a: { kind: string }) => a.kind === 'anomaly.denial-burst').map((a: { details: Record<string, unknown> }) => a.details.containment).reverse()
      assert.deepEqual(said, ['awaiting corroboration', 'suspending'])
      // Its next use is the use of a suspended agent: contained already, not awaiting anything.
      s.clock.now += MINUTE
      await s.post(s.reporters.a, [s.event({ resource: 'db:customers/1' })])
      const use = (await s.alerts()).find((a: { kind: string }) => a.kind === 'anomaly.suspended-agent')
      assert.deepEqual([use?.severity, use?.details.containment], ['critical', 'suspended already'])
      // Resumed by an operator: that use was no evidence against it, so one burst another
      // reporter sees later is one reporter's evidence, not a second suspension.
      const resumed = await s.t.call(s.t.tokens.admin, 'POST', `/agents/${s.agent}/resume`)
      assert.equal(resumed.status, 200, JSON.stringify(resumed.body))
      s.clock.now += 2 * MINUTE
      await s.post(s.reporters.b, burst())
      assert.equal((await s.state()).suspendedAt, undefined, 'not suspended again')
    } finally {
      await s.t.close()
    }
  })

  // A review's probe: refused reaches are held 30 minutes for the agent's groups (a team
  // re-organised before its grants land), then said. Counted as evidence of when they were said,
  // one batch became one reporter's evidence spread over half an hour, and suspended the agent.
  it("one reporter's single burst suspends nothing when the findings it held are said half an hour later", async () => {
    const s = await setUp()
    try {
      await s.learn()
      const before = await s.state()
      const reaches = ['hr:salaries', 'payments:transfers', 'secrets:vault', 'legal:contracts'].flatMap((family) => [0, 1, 2].map((i) => s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${family}/${i}`, action: 'export' })))
      const deletes = Array.from({ length: 12 }, (_, i) => s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `db:customers/${i}`, action: 'delete' }))
      const answer = await s.post(s.reporters.a, [...reaches, ...deletes])
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      const monitor = (s.t.service.app as unknown as { agentidMonitor: { releaseHeld(): Promise<Array<{ kind: string; severity: string }>> } }).agentidMonitor
      // Nothing else comes; the issuer's clock moves on past the hold.
      s.clock.now += 31 * MINUTE
      const said = await monitor.releaseHeld()
      assert.ok(said.some((a) => a.kind === 'anomaly.lateral-movement' && a.severity === 'high'), `the held reaches are said, high: ${JSON.stringify(said)}`)
      assert.deepEqual(await s.state(), before, 'one burst is one moment of evidence, however late its findings are said')
      assert.equal((await s.audit()).some((e) => e.action === 'credential.suspend'), false)
      // A second reporter's own evidence still corroborates it, within the hour of the burst.
      s.clock.now += MINUTE
      await s.post(s.reporters.b, deletes.map((e) => ({ ...e, at: s.clock.now })))
      const suspension = (await s.audit()).find((e) => e.action === 'credential.suspend')
      assert.deepEqual(suspension?.details.reporters, ['billing-service', 'crm-service'])
    } finally {
      await s.t.close()
    }
  })

  it("a suspended agent's credential used for five different requests is credential-misuse, contained already and no evidence once it is resumed: its retries before that are low", async () => {
    const s = await setUp()
    try {
      await s.learn()
      assert.equal((await s.t.call(s.t.tokens.security, 'POST', `/agents/${encodeURIComponent(s.agent)}/suspend`, {})).status, 200)
      const refused = (resource: string, action = 'read') => { s.clock.now += MINUTE; return s.event({ decision: 'deny', code: 'ERR_VC_SUSPENDED', resource, action }) }
      // Its software retrying from its own network: the status alert, low, contained already.
      await s.post(s.reporters.a, [refused('db:customers/1'), refused('db:customers/2')])
      assert.deepEqual((await s.alerts()).map((a) => [a.kind, a.severity, a.details.containment]), [['anomaly.suspended-agent', 'low', 'suspended already']])
      // Someone browsing with it.
      await s.post(s.reporters.a, [refused('crm:accounts/1'), refused('crm:accounts/1', 'export'), refused('hr:staff/1'), refused('finance:ledger/1')])
      const misuse = (await s.alerts()).filter((a) => a.kind === 'anomaly.credential-misuse')
      assert.deepEqual(misuse.map((a) => [a.severity, a.details.containment, a.details.status]), [['high', 'suspended already', 'suspended']])
      // Resumed: another reporter's high finding minutes later is one reporter's evidence, not
      // corroborated by the misuse (no evidence for containment), and suspends nothing.
      assert.equal((await s.t.call(s.t.tokens.admin, 'POST', `/agents/${s.agent}/resume`)).status, 200)
      s.clock.now += 2 * MINUTE
      await s.post(s.reporters.b, Array.from({ length: 12 }, (_, i) => s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `db:customers/${i}`, action: 'delete' })))
      assert.ok((await s.alerts()).some((a) => a.kind === 'anomaly.denial-burst' && a.severity === 'high'), 'the burst is said high')
      assert.equal((await s.state()).suspendedAt, undefined, 'not suspended again')
    } finally {
      await s.t.close()
    }
  })

  // Held evidence counts from when its event came: a hold longer than the window would make two
  // verifiers' refusals, held for the agent's groups, count for nothing once said.
  it('refuses to start with a hold as long as the corroboration window', async () => {
    await assert.rejects(startTestService({ monitor: { detector: { holdMinutes: 6 } } }), (error: { code?: string; message: string }) => error.code === 'ERR_USAGE' && /windowMinutes/.test(error.message))
    const t = await startTestService({ monitor: { detector: { holdMinutes: 6 }, corroboration: { windowMinutes: 90 } } })
    await t.close()
  })

  // High needs two lines of evidence (docs/monitoring.md): a bulk read alone, a minute long, is
  // medium and suspends nothing, however long the agent goes on with its ordinary reads after it
  // (a cache warmed after a deploy); with the agent also switching back and forth with a network
  // new to it, it is high.
  it('one line of evidence, however strong, suspends nothing; a second line within the hour does', async () => {
    const s = await setUp({ holdMinutes: 0 })
    try {
      await s.learn()
      const bulk = async () => {
        for (let i = 0; i < 2; i++) {
          s.clock.now += MINUTE
          assert.equal((await s.post(s.reporters.a, [s.event({ resource: 'db:customers/9', records: 12_000 })])).status, 200)
        }
      }
      await bulk()
      for (let i = 0; i < 11; i++) {
        s.clock.now += MINUTE
        await s.post(s.reporters.a, [s.event({ resource: `db:customers/${i}` })])
      }
      const alone = (await s.alerts()).filter((a) => a.kind === 'anomaly.records-jump')
      assert.ok(alone.length > 0, 'the bulk reads are found')
      assert.deepEqual([...new Set(alone.map((a) => [a.severity, a.details.uncorroborated].join()))], ['medium,true'])
      assert.equal((await s.state()).suspendedAt, undefined, 'one line of evidence suspends nothing')
      // Quiet for the quiet period, then the same reads beside a network new to it, for ten minutes.
      s.clock.now += 15 * MINUTE
      for (let i = 0; i < 6; i++) {
        s.clock.now += MINUTE
        await s.post(s.reporters.a, [s.event({ resource: `db:customers/${i}`, ip: i % 2 ? '185.1.2.3' : '10.1.2.3' })])
      }
      await bulk()
      s.clock.now += 11 * MINUTE
      await bulk()
      const raised = (await s.alerts()).filter((a) => a.kind === 'anomaly.records-jump' && a.severity === 'high')
      assert.ok(raised.length > 0 && raised.every((a) => Array.isArray(a.details.corroboratedBy) && a.details.corroboratedBy.includes('two-networks')), JSON.stringify(raised.map((a) => a.details)))
      assert.ok((await s.state()).suspendedAt, 'two lines of evidence, kept up: suspended')
    } finally {
      await s.t.close()
    }
  })

  it('a decoy cannot silence the alert that follows it: a refused reach for one family, then an allowed one for another', async () => {
    const s = await setUp()
    try {
      await s.learn()
      // The decoy: a denied request for a harmless-looking new family (a stray's one attempt:
      // evidence, held for its groups, no alert).
      await s.post(s.reporters.a, [s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:holidays/2026' })])
      s.clock.now += 10_000
      // The real thing, seconds later and within the quiet period: an allowed read of payments.
      await s.post(s.reporters.a, [s.event({ resource: 'payments:transfers/991' })])
      // And a harmless run of denials (an expired credential, retried) before a run of probes.
      s.clock.now += 10_000
      await s.post(s.reporters.a, Array.from({ length: 10 }, () => s.event({ decision: 'deny', code: 'ERR_VC_EXPIRED' })))
      s.clock.now += 10_000
      await s.post(s.reporters.a, Array.from({ length: 10 }, (_, i) => s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `db:customers/${i}`, action: 'delete' })))
      const found = (await s.alerts()).reverse().map((a) => [a.kind, a.details.resource ?? a.details.lastCode])
      assert.deepEqual(found, [
        ['anomaly.new-resource', 'payments:transfers/991'],
        ['anomaly.denial-burst', 'ERR_VC_EXPIRED'],
        ['anomaly.denial-burst', 'ERR_NOT_ENTITLED'],
      ])
      // The same finding again within the quiet period is still said once.
      s.clock.now += 10_000
      await s.post(s.reporters.a, [s.event({ resource: 'payments:transfers/992' })])
      assert.equal((await s.alerts()).length, 3)
    } finally {
      await s.t.close()
    }
  })

  it('the quiet period runs on the issuer\'s clock: a decoy dated in the future does not stretch it', async () => {
    const s = await setUp({ holdMinutes: 0 })
    try {
      await s.learn()
      // A reach (a refused read and export: one refused request alone is a stray's, no alert),
      // dated four minutes ahead: the quiet period starts when the issuer received it, not then.
      const ahead = s.clock.now + 4 * MINUTE
      await s.post(s.reporters.a, [s.event({ at: ahead, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:holidays/2026' }), s.event({ at: ahead, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:holidays/2025', action: 'export' })])
      s.clock.now += 11 * MINUTE
      await s.post(s.reporters.a, [s.event({ decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: 'hr:holidays/2027' })])
      const found = (await s.alerts()).filter((a) => a.kind === 'anomaly.new-resource')
      assert.equal(found.length, 2, 'said again once the quiet period is over by the issuer\'s clock')
    } finally {
      await s.t.close()
    }
  })

  // Bodies are read from their bytes when they are what reporters send (event-batch.ts); any other
  // form goes the general way. Both must take in the same events and refuse the same hostile ones.
  it('a body in another form is read as before, and a hostile one is refused and changes nothing', async () => {
    const s = await setUp()
    try {
      await s.learn()
      const raw = async (text: string) => {
        const response = await fetch(`${s.t.url}/events`, { method: 'POST', headers: { authorization: `Bearer ${s.reporters.a}`, 'content-type': 'application/json' }, body: text })
        return { status: response.status, body: await response.json() as any }
      }
      // Pretty-printed, with an escape: the general path, the same answer as the compact form.
      const events = [s.event({ resource: 'db:customers/a\\b' }), s.event({ resource: 'db:customers/2' })]
      assert.deepEqual(await raw(JSON.stringify({ events }, null, 2)), { status: 200, body: { observed: 2, skipped: 0, clamped: 0, alerts: [] } })
      const other = generateAgentKey().did
      await s.t.issuer.registerAgent({ did: other, name: 'other-bot', kind: 'company', owner: 'sales', segment: 'sales' }, 'test')
      const audit = await s.audit()
      const compact = JSON.stringify({ events: [s.event({})] }).slice(0, -3)
      for (const hostile of [
        // A second agent smuggled in by a repeated member (JSON.parse would take the last one).
        `${compact},"agent":"${other}"}]}`,
        compact.replace('{"at"', '{"__proto__":{"decision":"deny"},"at"') + '}]}',
        compact.replace('"records":100', '"records":100.5') + '}]}',
        compact.replace('"records":100', '"records":-100') + '}]}',
        `${compact}}],"events":[]}`,
      ]) {
        const answer = await raw(hostile)
        assert.deepEqual([answer.status, answer.body.error?.code], [400, 'ERR_INPUT_INVALID'], hostile)
      }
      assert.deepEqual(await s.audit(), audit, 'nothing audited, nothing alerted')
      // The compact bodies (learn()'s 70) were read from their bytes; the pretty-printed one and
      // the hostile ones the general way.
      const metrics = (await s.t.call(s.t.tokens.admin, 'GET', '/metrics')).body as string
      assert.match(metrics, /agentid_event_bodies_total\{read="bytes"\} 70\n/)
      assert.match(metrics, /agentid_event_bodies_total\{read="general"\} 6\n/)
    } finally {
      await s.t.close()
    }
  })

  it('alerts are append-only: the database refuses to change or delete them', async () => {
    const s = await setUp()
    try {
      await s.learn()
      // (Allowed, though it holds no entitlement to it: said at once.)
      await s.post(s.reporters.a, [s.event({ resource: 'hr:holidays/2026' })])
      const [raised] = await s.alerts()
      assert.ok(raised)
      const { default: Database } = await import('better-sqlite3')
      const { join } = await import('node:path')
      const db = new Database(join(s.t.home, 'issuer.db'))
      try {
        assert.throws(() => db.prepare("UPDATE alerts SET severity = 'low'").run(), /append-only/)
        assert.throws(() => db.prepare('DELETE FROM alerts').run(), /append-only/)
      } finally {
        db.close()
      }
      assert.deepEqual(await s.alerts(), [raised])
    } finally {
      await s.t.close()
    }
  })
})
