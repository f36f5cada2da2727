import assert from 'node:assert/strict'
import { generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, policyToJson } from '@agentid/issuer'
import { startTestService, type TestService } from './support/service.js'

// The routes the console pages through: server-side pages and filters, the queue, alert
// acknowledgement, the audit search and state, policy history, review items, change events.
describe('console API routes', function () {
  this.timeout(60_000)
  let t: TestService
  const dids: string[] = []

  before(async () => {
    // Maker-checker on payments: initiating is low risk (no approval), approving critical.
    const policy = {
      ...policyToJson(DEFAULT_POLICY),
      rules: [
        { resource: 'db:*', actions: ['read'], risk: 'low', maxTtl: '7d' },
        { resource: 'payments:transfers', actions: ['initiate'], risk: 'low', maxTtl: '1d' },
        { resource: 'payments:transfers', actions: ['approve'], risk: 'critical', maxTtl: '1h' },
      ],
    }
    t = await startTestService({ policy })
    const agents = [
      { name: 'alpha-bot', kind: 'company', owner: 'sales', segment: 'crm' },
      { name: 'beta-bot', kind: 'service', owner: 'sales', segment: 'crm' },
      { name: 'gamma-bot', kind: 'service', owner: 'ops', segment: 'infra' },
      { name: 'delta-bot', kind: 'company', owner: 'ops' },
      { name: 'epsilon-bot', kind: 'service', owner: 'owen' },
    ]
    for (const a of agents) {
      const did = generateAgentKey().did
      dids.push(did)
      assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did, ...a })).status, 201)
    }
  })
  after(async () => {
    await t.close()
  })

  it('pages and filters the inventory in the store, with the total', async () => {
    const page1 = await t.call(t.tokens.auditor, 'GET', '/agents?limit=2')
    assert.deepEqual([page1.body.agents.map((a: { name: string }) => a.name), page1.body.total, page1.body.limit, page1.body.offset], [['alpha-bot', 'beta-bot'], 5, 2, 0])
    const page3 = await t.call(t.tokens.auditor, 'GET', '/agents?limit=2&offset=4')
    assert.deepEqual(page3.body.agents.map((a: { name: string }) => a.name), ['epsilon-bot'])
    const names = async (q: string) => (await t.call(t.tokens.auditor, 'GET', `/agents?${q}`)).body.agents.map((a: { name: string }) => a.name)
    assert.deepEqual(await names('kind=company'), ['alpha-bot', 'delta-bot'])
    assert.deepEqual(await names('owner=ops&segment=infra'), ['gamma-bot'])
    assert.deepEqual(await names('q=ETA'), ['beta-bot'])
    assert.deepEqual(await names(`q=${encodeURIComponent(dids[3]!.slice(-12))}`), ['delta-bot'])
    await t.call(t.tokens.admin, 'POST', '/requests', { subject: dids[1], ttl: '1h', entitlements: [{ resource: 'db:customers', actions: ['read'] }] })
    assert.deepEqual(await names('risk=low'), ['beta-bot'])
    await t.call(t.tokens.security, 'POST', `/agents/${dids[1]}/suspend`, {})
    assert.deepEqual(await names('status=suspended'), ['beta-bot'])
    assert.equal((await names('status=active')).includes('beta-bot'), false)
    // An agent owner's page holds only its own agents, whatever it filters by.
    const owner = await t.call(t.tokens['agent-owner'], 'GET', '/agents?limit=50&owner=sales')
    assert.deepEqual([owner.body.agents, owner.body.total], [[], 0])
    assert.deepEqual((await t.call(t.tokens['agent-owner'], 'GET', '/agents?limit=50')).body.agents.map((a: { name: string }) => a.name), ['epsilon-bot'])
  })

  it('pages the inventory by cursor (after), filters and visibility included, without a total; the unfiltered list stays whole', async () => {
    const walk = async (token: string, q: string) => {
      const pages: string[][] = []
      let after = ''
      for (;;) {
        const page = await t.call(token, 'GET', `/agents?${q}&after=${after}`)
        assert.equal(page.status, 200, JSON.stringify(page.body))
        assert.equal(page.body.total, undefined)
        pages.push(page.body.agents.map((a: { name: string }) => a.name))
        if (page.body.next === undefined) return pages
        after = page.body.next
      }
    }
    const all = (await t.call(t.tokens.auditor, 'GET', '/agents')).body.agents.map((a: { name: string }) => a.name)
    assert.equal(all.length, 5)
    assert.deepEqual(await walk(t.tokens.auditor, 'limit=2'), [all.slice(0, 2), all.slice(2, 4), all.slice(4)])
    assert.deepEqual((await walk(t.tokens.auditor, 'limit=1&kind=company')).flat(), ['alpha-bot', 'delta-bot'])
    assert.deepEqual((await walk(t.tokens['agent-owner'], 'limit=1')).flat(), ['epsilon-bot'])
    // An offset page gives the cursor of its last agent too: a client may go on from there.
    const first = await t.call(t.tokens.auditor, 'GET', '/agents?limit=3')
    const rest = await t.call(t.tokens.auditor, 'GET', `/agents?limit=3&after=${first.body.next}`)
    assert.deepEqual(rest.body.agents.map((a: { name: string }) => a.name), all.slice(3))
    assert.equal((await t.call(t.tokens.auditor, 'GET', '/agents?limit=5')).body.next, undefined)
  })

  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const BAD_CURSORS: ReadonlyArray<[string, string]> = [
    ['not base64url', '/agents?after=a.b'],
    ['not JSON', `/agents?after=${Buffer.from('{').toString('base64url')}`],
    ['not a pair', `/agents?after=${cursor({ createdAt: 1, did: 'did:key:z' })}`],
    ['a negative time', `/agents?after=${cursor([-1, 'did:key:z'])}`],
    ['a time that is not whole', `/agents?after=${cursor([1.5, 'did:key:z'])}`],
    ['an empty DID', `/agents?after=${cursor([1, ''])}`],
    ['a DID too long', `/agents?after=${cursor([1, 'd'.repeat(257)])}`],
    ['a cursor too long', `/agents?after=${'A'.repeat(513)}`],
    ['given with an offset', `/agents?after=&offset=2`],
  ]
  for (const [name, path] of BAD_CURSORS) {
    it(`refuses a cursor that is ${name} with 400 ERR_INPUT_INVALID`, async () => {
      const answer = await t.call(t.tokens.admin, 'GET', path)
      assert.deepEqual([answer.status, answer.body.error?.code], [400, 'ERR_INPUT_INVALID'])
    })
  }

  const BAD_PAGES: ReadonlyArray<[string, string]> = [
    ['a limit of 0', '/agents?limit=0'],
    ['a limit over 200', '/alerts?limit=201'],
    ['a negative offset', '/agents?offset=-1'],
    ['an unknown status', '/agents?status=gone&limit=5'],
    ['an unknown filter', '/alerts?sort=risk'],
    ['an unknown alert order', '/alerts?order=risk'],
  ]
  for (const [name, path] of BAD_PAGES) {
    it(`refuses ${name} with 400 ERR_INPUT_INVALID`, async () => {
      const answer = await t.call(t.tokens.admin, 'GET', path)
      assert.equal(answer.status, 400)
      assert.equal(answer.body.error.code, 'ERR_INPUT_INVALID')
    })
  }

  it('queues a request for the role of its current level only, and flags a duty conflict approving would meet', async () => {
    const subject = dids[2]!
    const filed = await t.call(t.tokens.admin, 'POST', '/requests', { subject, ttl: '1h', justification: 'month end', entitlements: [{ resource: 'payments:transfers', actions: ['approve'] }] })
    assert.equal(filed.status, 202, JSON.stringify(filed.body))
    const id = filed.body.request.id
    const queued = async (role: 'ai-ops' | 'security' | 'compliance') => (await t.call(t.tokens[role], 'GET', '/queue')).body.requests.filter((r: { id: string }) => r.id === id)
    const [first] = await queued('ai-ops')
    assert.equal(first.agent.name, 'gamma-bot')
    assert.equal(first.agent.owner, 'ops')
    assert.equal(first.dutyConflict, undefined)
    assert.deepEqual(await queued('security'), [])
    // The other side of maker-checker is granted meanwhile (low risk, at once): approving now
    // would give the party both sides.
    assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject, ttl: '1h', entitlements: [{ resource: 'payments:transfers', actions: ['initiate'] }] })).status, 201)
    const [flagged] = await queued('ai-ops')
    assert.match(flagged.dutyConflict, /payments-maker-checker/)
    const refused = await t.call(t.tokens['ai-ops'], 'POST', `/requests/${id}/approve`, {})
    assert.equal(refused.body.error.code, 'ERR_SOD_CONFLICT')
  })

  it('moves a request from one approver\'s queue to the next as levels are approved', async () => {
    const filed = await t.call(t.tokens.admin, 'POST', '/requests', { subject: dids[0], ttl: '1h', entitlements: [{ resource: 'payments:transfers', actions: ['approve'] }] })
    const id = filed.body.request.id
    const ids = async (role: 'ai-ops' | 'security' | 'compliance') => (await t.call(t.tokens[role], 'GET', '/queue?limit=200')).body.requests.map((r: { id: string }) => r.id)
    assert.ok((await ids('ai-ops')).includes(id))
    assert.equal((await t.call(t.tokens['ai-ops'], 'POST', `/requests/${id}/approve`, {})).status, 200)
    assert.equal((await ids('ai-ops')).includes(id), false)
    assert.ok((await ids('security')).includes(id))
    assert.equal((await ids('compliance')).includes(id), false)
  })

  it('pages the queue and an agent\'s requests in the store: totals, pages, newest decided first, an owner per agent only', async () => {
    const subject = generateAgentKey().did
    assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did: subject, name: 'paged-bot', kind: 'service', owner: 'ops' })).status, 201)
    const filed: string[] = []
    for (let i = 0; i < 7; i++) {
      const answer = await t.call(t.tokens.admin, 'POST', '/requests', { subject, ttl: '1h', justification: `page ${i}`, entitlements: [{ resource: `payments:batch${i}`, actions: ['approve'] }] })
      assert.equal(answer.status, 202, JSON.stringify(answer.body))
      filed.push(answer.body.request.id)
    }
    const all = (await t.call(t.tokens['ai-ops'], 'GET', '/queue?limit=200')).body
    const first = (await t.call(t.tokens['ai-ops'], 'GET', '/queue?limit=3')).body
    const second = (await t.call(t.tokens['ai-ops'], 'GET', '/queue?limit=3&offset=3')).body
    assert.equal(first.total, all.total)
    assert.deepEqual([...first.requests, ...second.requests].map((r: { id: string }) => r.id), all.requests.slice(0, 6).map((r: { id: string }) => r.id))
    // Denied ones leave the queue and head the agent's decided requests.
    assert.equal((await t.call(t.tokens['ai-ops'], 'POST', `/requests/${filed[6]}/deny`, {})).status, 200)
    assert.equal((await t.call(t.tokens['ai-ops'], 'GET', '/queue?limit=200')).body.total, all.total - 1)
    const decided = (await t.call(t.tokens.admin, 'GET', `/requests?subject=${encodeURIComponent(subject)}&status=decided&limit=1`)).body
    assert.deepEqual([decided.requests[0].id, decided.requests.length], [filed[6], 1])
    const pending = (await t.call(t.tokens.admin, 'GET', `/requests?subject=${encodeURIComponent(subject)}&status=pending&limit=2&offset=1`)).body
    assert.deepEqual(pending.requests.map((r: { id: string }) => r.id), [filed[4], filed[3]])
    assert.equal((await t.call(t.tokens['agent-owner'], 'GET', '/requests?limit=5')).status, 403)
  })

  it('pages alerts by severity and subject, newest or highest score first, and acknowledges one (audited)', async () => {
    await t.issuer.store.addAlerts([
      { at: Date.now(), kind: 'anomaly.denial-burst', severity: 'high', subject: dids[0]!, details: { reporter: 'x' } },
      { at: Date.now(), kind: 'anomaly.new-resource', severity: 'medium', subject: dids[1]!, details: { score: 0.8 } },
      { at: Date.now(), kind: 'anomaly.rate-spike', severity: 'high', subject: dids[1]!, details: { score: 0.3 } },
    ])
    const high = await t.call(t.tokens.security, 'GET', '/alerts?severity=high&limit=1')
    assert.deepEqual([high.body.alerts.length, high.body.total, high.body.alerts[0].kind], [1, 2, 'anomaly.rate-spike'])
    const about = await t.call(t.tokens.security, 'GET', `/alerts?subject=${dids[1]}`)
    assert.equal(about.body.total, 2)
    const ranked = await t.call(t.tokens.security, 'GET', `/alerts?subject=${dids[1]}&order=score`)
    assert.deepEqual(ranked.body.alerts.map((a: { kind: string }) => a.kind), ['anomaly.new-resource', 'anomaly.rate-spike'])
    const id = high.body.alerts[0].id
    const ack = await t.call(t.tokens.security, 'POST', `/alerts/${id}/acknowledge`, { note: 'looking' })
    assert.equal(ack.status, 200)
    assert.equal(ack.body.acknowledged.by, 'sam')
    const again = await t.call(t.tokens.auditor, 'GET', '/alerts?severity=high')
    assert.equal(again.body.alerts.find((a: { id: number }) => a.id === id).acknowledged.note, 'looking')
    assert.equal((await t.call(t.tokens.security, 'POST', '/alerts/987654/acknowledge', {})).body.error.code, 'ERR_NOT_FOUND')
    const audit = await t.call(t.tokens.auditor, 'GET', '/audit/search?action=alert.acknowledge')
    assert.deepEqual(audit.body.entries.map((e: { actor: string; target: string }) => [e.actor, e.target]), [['sam', String(id)]])
  })

  it('searches the audit log newest first and pages it by `before`; states the chain and the latest checkpoint', async () => {
    const first = await t.call(t.tokens.auditor, 'GET', '/audit/search?action=agent.&limit=2')
    assert.equal(first.body.entries.length, 2)
    assert.ok(first.body.entries[0].seq > first.body.entries[1].seq)
    assert.ok(first.body.entries.every((e: { action: string }) => e.action.startsWith('agent.')))
    const second = await t.call(t.tokens.auditor, 'GET', `/audit/search?action=agent.&limit=2&before=${first.body.next}`)
    assert.ok(second.body.entries[0].seq < first.body.entries[1].seq)
    const byActor = await t.call(t.tokens.auditor, 'GET', '/audit/search?actor=sam&limit=200')
    assert.ok(byActor.body.entries.length > 0 && byActor.body.entries.every((e: { actor: string }) => e.actor === 'sam'))
    await t.service.auditChecked
    await t.issuer.checkpoint()
    const state = await t.call(t.tokens.auditor, 'GET', '/audit/state')
    assert.equal(state.body.chain.ok, true)
    assert.equal(state.body.entries, first.body.last >= state.body.entries ? first.body.last : state.body.entries)
    assert.ok(state.body.lastCheckpoint.seq > 0)
    const exported = await fetch(`${t.url}/audit/export`, { headers: { authorization: `Bearer ${t.tokens.auditor}` } })
    assert.match(exported.headers.get('content-disposition')!, /attachment/)
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { seq: number })
    assert.deepEqual(lines.map((l) => l.seq), lines.map((_, i) => i + 1))
  })

  it('lists policy versions newest first', async () => {
    const current = await t.call(t.tokens.auditor, 'GET', '/policy')
    await t.call(t.tokens.admin, 'PUT', '/policy', current.body.policy)
    const history = await t.call(t.tokens.reviewer, 'GET', '/policy/history?limit=1')
    assert.deepEqual([history.body.versions[0].version, history.body.total, history.body.versions[0].createdBy], [current.body.version + 1, current.body.version + 1, 'admin'])
  })

  it('pages review campaigns with their progress, and a campaign\'s items open first', async () => {
    const started = await t.call(t.tokens.reviewer, 'POST', '/reviews', { all: true, name: 'paging' })
    assert.equal(started.status, 201, JSON.stringify(started.body))
    const [first] = started.body.items
    await t.call(t.tokens.reviewer, 'POST', `/reviews/items/${first.id}/certify`, {})
    const campaigns = await t.call(t.tokens.auditor, 'GET', '/reviews?limit=5')
    const campaign = campaigns.body.reviews.find((c: { id: string }) => c.id === started.body.id)
    assert.deepEqual(campaign.progress, { total: started.body.items.length, decided: 1, certified: 1, revoked: 0 })
    assert.equal(campaign.items, undefined)
    const open = await t.call(t.tokens.auditor, 'GET', `/reviews/${started.body.id}/items?status=open`)
    assert.equal(open.body.total, started.body.items.length - 1)
    const all = await t.call(t.tokens.auditor, 'GET', `/reviews/${started.body.id}/items?limit=200`)
    assert.equal(all.body.items.at(-1).id, first.id, 'decided items come last')
    assert.ok(all.body.items[0].agent.name.endsWith('-bot'))
  })

  it('tells open consoles that something changed, by topic only', async () => {
    const controller = new AbortController()
    const stream = await fetch(`${t.url}/console/events`, { headers: { authorization: `Bearer ${t.tokens.auditor}` }, signal: controller.signal })
    assert.equal(stream.headers.get('content-type'), 'text/event-stream')
    const reader = stream.body!.getReader()
    let text = ''
    const read = async (until: string) => {
      while (!text.includes(until)) text += new TextDecoder().decode((await reader.read()).value)
    }
    await read('event: ready')
    await t.call(t.tokens.security, 'POST', `/agents/${dids[4]}/suspend`, {})
    await read('"topic":"agents"')
    assert.ok(!text.includes(dids[4]!), 'no record named')
    controller.abort()
  })
})
