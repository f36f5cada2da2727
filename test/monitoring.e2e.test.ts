import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPresentation, generateAgentKey } from '@agentid/agent'
import { createVerifier, httpEventSink, jsonlEventSink } from '@agentid/verifier'
import { noApprovalPolicy } from './support/policies.js'
import { startTestService } from './support/service.js'

// A verifier reports its decisions to the issuer; the issuer learns the agent's usual behaviour
// and raises an alert when it reaches for something else, then contains it by policy.
describe('monitoring: verification events, anomaly alerts, containment', function () {
  this.timeout(60_000)

  it('alerts within seconds when a sales agent that reads customers asks for HR records, and suspends it by policy', async () => {
    // The hour of use happens in the recent past (events from the future are refused), so the
    // issuer grants from three hours ago.
    const t = await startTestService({ policy: { ...noApprovalPolicy(), autoSuspend: 'high' }, now: () => Date.now() - 3 * 3_600_000 })
    try {
      const agent = generateAgentKey()
      const verifierKey = generateAgentKey()
      await t.issuer.registerAgent({ did: agent.did, name: 'sales-bot', kind: 'company', owner: 'sales', segment: 'sales' }, 'test')
      const credential = (await t.issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers/*', actions: ['read'] }], ttlSeconds: 86400 }, 'test')).jwt
      const reporter = (await t.issuer.createPrincipal({ id: 'crm-service', roles: ['reporter'] }, 'test')).token
      const sink = httpEventSink(`${t.url}/events`, { token: reporter, flushMs: 50 })
      // The verifier's clock runs a minute per request: an hour of ordinary use, quickly (status is
      // not what this test is about, and the lists would look old to the moving clock).
      let clock = Date.now() - 2 * 3_600_000
      const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [t.issuer.did], statusLists: 'unchecked', events: sink, segment: 'crm', now: () => clock, externalChallenges: true })
      const ask = async (resource: string) => {
        const vp = createPresentation({ key: agent, credentials: [credential], audience: verifierKey.did, challenge: 'c', now: () => clock })
        const result = await verifier.verifyPresentation(vp, { challenge: 'c' })
        return verifier.authorize(result, { resource, action: 'read', context: { ip: '10.1.2.3', records: 100 } })
      }
      for (let i = 0; i < 70; i++) {
        assert.equal((await ask(`db:customers/${i}`)).allow, true)
        clock += 60_000
      }
      await sink.flush()
      assert.deepEqual((await t.call(t.tokens.auditor, 'GET', '/alerts')).body.alerts, [], 'ordinary use raises nothing')
      const denied = await ask('hr:records/salaries')
      assert.equal(denied.allow === false && denied.code, 'ERR_NOT_ENTITLED')
      const start = Date.now()
      let alerts: Array<{ kind: string; subject: string; severity: string }> = []
      while (Date.now() - start < 10_000 && alerts.length === 0) {
        await new Promise((r) => setTimeout(r, 50))
        alerts = (await t.call(t.tokens.auditor, 'GET', '/alerts')).body.alerts
      }
      assert.deepEqual(alerts.map((a) => [a.kind, a.subject, a.severity]), [['anomaly.new-resource', agent.did, 'high']])
      const record = (await t.call(t.tokens.admin, 'GET', `/agents/${agent.did}`)).body
      assert.ok(record.agent.suspendedAt, 'suspended by policy')
      assert.ok(record.credentials.every((c: { status: string }) => c.status === 'suspended'))
      const audit = (await t.call(t.tokens.auditor, 'GET', '/audit?limit=1000')).body.entries as Array<{ actor: string; action: string }>
      assert.ok(audit.some((e) => e.actor === 'system:monitor' && e.action === 'credential.suspend'), 'the containment is audited')
      assert.equal(sink.dropped, 0)
      await sink.close()
    } finally {
      await t.close()
    }
  })

  it('never slows a decision: a full queue drops and counts; a JSON Lines sink writes one event per line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-events-'))
    try {
      const file = join(dir, 'events.jsonl')
      const sink = jsonlEventSink(file, { maxQueue: 3, flushMs: 60_000 })
      for (let i = 0; i < 5; i++) sink.emit({ at: i, agent: 'did:key:z6Mkx', decision: 'allow', resource: `db:x/${i}` })
      assert.equal(sink.dropped, 2)
      await sink.close()
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      assert.deepEqual(lines.map((e) => e.resource), ['db:x/0', 'db:x/1', 'db:x/2'])
      // A sink whose receiver is down loses the batch (counted), never the verification.
      const down = httpEventSink('http://127.0.0.1:9/events', { token: 'aid_x', flushMs: 60_000 })
      down.emit({ at: 0, agent: 'did:key:z6Mkx', decision: 'deny' })
      await down.close()
      assert.equal(down.dropped, 1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('skips events about an agent not enrolled yet, and counts them once it is', async () => {
    const t = await startTestService()
    try {
      const late = generateAgentKey()
      const events = () => ({ events: [{ at: Date.now(), agent: late.did, decision: 'allow', resource: 'db:x', action: 'read' }] })
      const before = await t.call(t.tokens.admin, 'POST', '/events', events())
      assert.deepEqual([before.body.observed, before.body.skipped], [0, 1])
      await t.issuer.registerAgent({ did: late.did, name: 'late', kind: 'service', owner: 'ops' }, 'test')
      const after = await t.call(t.tokens.admin, 'POST', '/events', events())
      assert.deepEqual([after.body.observed, after.body.skipped], [1, 0])
    } finally {
      await t.close()
    }
  })
})
