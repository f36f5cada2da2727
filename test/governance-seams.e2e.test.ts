import assert from 'node:assert/strict'
import { createDelegation, generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, policyToJson } from '@agentid/issuer'
import { startTestService, type TestService } from './support/service.js'

// Attacks found by an adversarial review of the governance-integrity work, kept as tests: each
// `it` asserts the secure behaviour (each failed before its fix).

describe('governance seams found by review (real service on 127.0.0.1)', function () {
  this.timeout(60_000)
  let clock = Date.UTC(2026, 11, 1, 9)
  let t: TestService
  before(async () => {
    t = await startTestService({ now: () => clock })
  })
  after(async () => {
    await t.close()
  })

  // A person and her personal assistant, enrolled.
  async function household(name: string) {
    const person = generateAgentKey()
    const assistant = generateAgentKey()
    await t.issuer.registerAgent({ did: person.did, name, kind: 'person', owner: 'finance' }, 'test')
    await t.issuer.registerAgent({ did: assistant.did, name: `${name}-assistant`, kind: 'employee', owner: person.did }, 'test')
    return { person, assistant }
  }

  describe('parties, duties, tasks and transfers across every way a person owns agents', () => {
    const permissive = () => {
      const p = policyToJson(DEFAULT_POLICY)
      p.rules = [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '7d' }]
      return p
    }

    it('F1 a principal with an expiring token cannot shed its expiry by rotating its own token', async () => {
      const temp = await t.call(t.tokens.admin, 'POST', '/principals', { id: 'contractor', roles: ['ai-ops'], ttl: '1h' })
      assert.equal(temp.status, 201)
      const rotated = await t.call(temp.body.token, 'POST', '/principals/contractor/rotate', {})
      const longer = await t.call(rotated.body.token, 'POST', '/principals/contractor/rotate', { ttl: '366d' })
      clock += 2 * 3600_000
      const who = await t.call(longer.body.token ?? rotated.body.token, 'GET', '/whoami')
      assert.equal(who.status, 401, `token still valid 2h after a 1h ttl: ${JSON.stringify(who.body)}`)
    })

    it('F2 a principal bound to an agent its person owns cannot decide for that person or her other agents', async () => {
      const { person, assistant } = await household('pia')
      const etl = generateAgentKey()
      await t.issuer.registerAgent({ did: etl.did, name: 'pia-etl', kind: 'company', owner: person.did }, 'test')
      // A service principal for her company agent (bound to its DID), given an approver role.
      const etlToken = (await t.issuer.createPrincipal({ id: 'pia-etl-svc', roles: ['ai-ops'], did: etl.did }, 'test')).token
      const results: string[] = []
      for (const subject of [person.did, assistant.did]) {
        const r = await t.call(t.tokens.admin, 'POST', '/requests', { subject, entitlements: [{ resource: `db:x/${subject.slice(-6)}`, actions: ['write'] }], ttl: '1h' })
        assert.equal(r.status, 202)
        const a = await t.call(etlToken, 'POST', `/requests/${r.body.request.id}/approve`, {})
        results.push(`${subject === person.did ? 'person' : 'assistant'}: ${a.status}`)
      }
      assert.deepEqual(results, ['person: 403', 'assistant: 403'])
    })

    it('F3 SoD: agents a person owns under her principal id and under her DID are one duty group', async () => {
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', permissive())).status, 200)
      try {
        const person = generateAgentKey()
        const byId = generateAgentKey()
        const byDid = generateAgentKey()
        await t.issuer.createPrincipal({ id: 'rosa', roles: ['agent-owner', 'ai-ops'], did: person.did }, 'test')
        await t.issuer.registerAgent({ did: byId.did, name: 'rosa-bot-1', kind: 'service', owner: 'rosa' }, 'test')
        await t.issuer.registerAgent({ did: byDid.did, name: 'rosa-bot-2', kind: 'service', owner: person.did }, 'test')
        const merge = await t.call(t.tokens.admin, 'POST', '/requests', { subject: byId.did, entitlements: [{ resource: 'code:app', actions: ['merge'] }], ttl: '1h' })
        assert.equal(merge.status, 201, JSON.stringify(merge.body))
        const deploy = await t.call(t.tokens.admin, 'POST', '/requests', { subject: byDid.did, entitlements: [{ resource: 'code:app', actions: ['deploy-approve'] }], ttl: '1h' })
        assert.equal(deploy.status, 409, `both sides now held by rosa's agents: ${deploy.status} ${JSON.stringify(deploy.body).slice(0, 200)}`)
      } finally {
        await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))
      }
    })

    it('F4 retiring a person retires agents owned under her principal id even when that principal was disabled first', async () => {
      const person = generateAgentKey()
      const bot = generateAgentKey()
      await t.issuer.createPrincipal({ id: 'sven', roles: ['agent-owner'], did: person.did }, 'test')
      await t.issuer.registerAgent({ did: person.did, name: 'sven', kind: 'person', owner: 'sales' }, 'test')
      await t.issuer.registerAgent({ did: bot.did, name: 'sven-bot', kind: 'service', owner: 'sven' }, 'test')
      const held = await t.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:sales', actions: ['read'] }], ttlSeconds: 600 }, 'test')
      assert.equal((await t.call(t.tokens.admin, 'POST', '/principals/sven/disable', {})).status, 200)
      const retired = await t.call(t.tokens.admin, 'POST', `/agents/${person.did}/retire`, {})
      const after = await t.call(t.tokens.auditor, 'GET', `/agents/${bot.did}`)
      assert.deepEqual([after.body.agent.status, after.body.credentials.find((c: { id: string }) => c.id === held.id).status], ['retired', 'revoked'])
    })

    it('F4b a new principal for the same person (old one disabled) may not decide for agents owned under the old principal id', async () => {
      const person = generateAgentKey()
      const bot = generateAgentKey()
      await t.issuer.createPrincipal({ id: 'tara', roles: ['agent-owner'], did: person.did }, 'test')
      await t.issuer.registerAgent({ did: bot.did, name: 'tara-bot', kind: 'service', owner: 'tara' }, 'test')
      assert.equal((await t.call(t.tokens.admin, 'POST', '/principals/tara/disable', {})).status, 200)
      const tara2 = (await t.issuer.createPrincipal({ id: 'tara2', roles: ['ai-ops'], did: person.did }, 'test')).token
      const r = await t.call(t.tokens.admin, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:tara', actions: ['write'] }], ttl: '1h' })
      const a = await t.call(tara2, 'POST', `/requests/${r.body.request.id}/approve`, {})
      assert.equal(a.status, 403, JSON.stringify(a.body))
    })

    it('F5 owner chains deeper than 4: party, retirement and SoD all stop at depth 4', async () => {
      const person = generateAgentKey()
      const chain = [person]
      await t.issuer.registerAgent({ did: person.did, name: 'uma', kind: 'person', owner: 'ops' }, 'test')
      const uma = (await t.issuer.createPrincipal({ id: 'uma', roles: ['ai-ops'], did: person.did }, 'test')).token
      for (let i = 1; i <= 6; i++) {
        const k = generateAgentKey()
        await t.issuer.registerAgent({ did: k.did, name: `uma-${i}`, kind: i === 1 ? 'employee' : 'service', owner: chain[i - 1]!.did }, 'test')
        chain.push(k)
      }
      const deep = chain[6]!
      const r = await t.call(t.tokens.admin, 'POST', '/requests', { subject: deep.did, entitlements: [{ resource: 'db:deep', actions: ['write'] }], ttl: '1h' })
      const a = await t.call(uma, 'POST', `/requests/${r.body.request.id}/approve`, {})
      const problems: string[] = []
      if (a.status !== 403) problems.push(`uma approved her depth-6 agent's request: ${a.status}`)
      // SoD: the person holds one side, her depth-5 agent gets the other.
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', permissive())).status, 200)
      try {
        assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject: person.did, entitlements: [{ resource: 'code:deep', actions: ['merge'] }], ttl: '1h' })).status, 201)
        const other = await t.call(t.tokens.admin, 'POST', '/requests', { subject: chain[5]!.did, entitlements: [{ resource: 'code:deep', actions: ['deploy-approve'] }], ttl: '1h' })
        if (other.status !== 409) problems.push(`SoD: depth-5 agent got the other side: ${other.status}`)
      } finally {
        await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))
      }
      await t.call(t.tokens.admin, 'POST', `/agents/${person.did}/retire`, {})
      for (const i of [5, 6]) {
        const s = (await t.call(t.tokens.auditor, 'GET', `/agents/${chain[i]!.did}`)).body.agent.status
        if (s !== 'retired') problems.push(`depth-${i} agent is ${s} after its person retired`)
      }
      assert.deepEqual(problems, [])
    })

    it('F6 completing a task as owner ends it for sub-agents owned through her assistant', async () => {
      const person = generateAgentKey()
      const assistant = generateAgentKey()
      const sub = generateAgentKey()
      const vic = (await t.issuer.createPrincipal({ id: 'vic', roles: ['agent-owner'], did: person.did }, 'test')).token
      await t.issuer.registerAgent({ did: person.did, name: 'vic', kind: 'person', owner: 'ops' }, 'test')
      await t.issuer.registerAgent({ did: assistant.did, name: 'vic-assistant', kind: 'employee', owner: person.did }, 'test')
      await t.issuer.registerAgent({ did: sub.did, name: 'vic-sub', kind: 'service', owner: assistant.did }, 'test')
      const jit = (subject: string, resource: string) => ({ subject, entitlements: [{ resource, actions: ['read'] }], ttl: '1h', jit: true, task: { id: 'inc-7' } })
      assert.equal((await t.call(vic, 'POST', '/requests', jit(assistant.did, 'db:a'))).status, 201)
      const subCred = await t.call(t.tokens.admin, 'POST', '/requests', jit(sub.did, 'db:b'))
      assert.equal(subCred.status, 201)
      const done = await t.call(vic, 'POST', '/tasks/inc-7/complete', {})
      assert.equal(done.status, 200, JSON.stringify(done.body))
      const problems: string[] = []
      if (!done.body.revoked.includes(subCred.body.credential.id)) problems.push('sub-agent credential for the task not revoked')
      const again = await t.call(t.tokens.admin, 'POST', '/requests', jit(sub.did, 'db:c'))
      if (again.status !== 409) problems.push(`a new grant for the completed task was issued to her sub-agent: ${again.status}`)
      const self = await t.call(t.tokens.admin, 'POST', '/requests', jit(person.did, 'db:d'))
      if (self.status !== 409) problems.push(`a new grant for the completed task was issued to the person herself: ${self.status}`)
      assert.deepEqual(problems, [])
    })

    it('F7a transferring an agent into a party that holds the other side of a duty is refused', async () => {
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', permissive())).status, 200)
      try {
        const person = generateAgentKey()
        const mine = generateAgentKey()
        const orphan = generateAgentKey()
        await t.issuer.registerAgent({ did: person.did, name: 'wes', kind: 'person', owner: 'ops' }, 'test')
        await t.issuer.registerAgent({ did: mine.did, name: 'wes-bot', kind: 'service', owner: person.did }, 'test')
        await t.issuer.registerAgent({ did: orphan.did, name: 'ops-bot', kind: 'service', owner: 'ops' }, 'test')
        assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject: mine.did, entitlements: [{ resource: 'payments:t', actions: ['initiate'] }], ttl: '1h' })).status, 201)
        assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject: orphan.did, entitlements: [{ resource: 'payments:t', actions: ['approve'] }], ttl: '1h' })).status, 201)
        const moved = await t.call(t.tokens.admin, 'POST', `/agents/${orphan.did}/owner`, { owner: person.did })
        assert.equal(moved.status, 409, `wes's party now holds initiate and approve: ${moved.status}`)
      } finally {
        await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))
      }
    })

    it('F7b an approval given before the subject was moved into the approver\'s party does not issue', async () => {
      const person = generateAgentKey()
      const bot = generateAgentKey()
      await t.issuer.registerAgent({ did: person.did, name: 'xena', kind: 'person', owner: 'ops' }, 'test')
      await t.issuer.registerAgent({ did: bot.did, name: 'xena-bot', kind: 'service', owner: 'ops' }, 'test')
      const xena = (await t.issuer.createPrincipal({ id: 'xena', roles: ['ai-ops'], did: person.did }, 'test')).token
      const r = await t.call(t.tokens.admin, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:xena', actions: ['write'] }], ttl: '1h' })
      assert.equal((await t.call(xena, 'POST', `/requests/${r.body.request.id}/approve`, {})).status, 200)
      assert.equal((await t.call(t.tokens.admin, 'POST', `/agents/${bot.did}/owner`, { owner: person.did })).status, 200)
      const last = await t.call(t.tokens.security, 'POST', `/requests/${r.body.request.id}/approve`, {})
      assert.notEqual(last.body.request?.status, 'issued', `issued to xena's agent on xena's own approval: ${JSON.stringify(last.body.credential?.approvals)}`)
    })
  })

  describe('views, resumption, the last admin, delegations to people, refusals on record', () => {
    const permissive = (delegable = false) => {
      const p = policyToJson(DEFAULT_POLICY)
      p.rules = [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '7d', ...(delegable ? { delegable: true } : {}) }]
      return p
    }

    it('B1 an agent owner who also reports events sees only its own agents', async () => {
      const mine = generateAgentKey()
      const theirs = generateAgentKey()
      await t.issuer.registerAgent({ did: mine.did, name: 'mine', kind: 'service', owner: 'yuri' }, 'test')
      await t.issuer.registerAgent({ did: theirs.did, name: 'theirs', kind: 'service', owner: 'ops' }, 'test')
      await t.issuer.grant({ subject: theirs.did, entitlements: [{ resource: 'db:secret', actions: ['read'] }], ttlSeconds: 600 }, 'test')
      const yuri = (await t.issuer.createPrincipal({ id: 'yuri', roles: ['agent-owner', 'reporter'] }, 'test')).token
      // Listings hold only its own agent; another owner's agent does not exist for it.
      for (const path of ['/agents', '/requests']) {
        const r = await t.call(yuri, 'GET', path)
        assert.equal(r.status, 200)
        assert.ok(!JSON.stringify(r.body).includes(theirs.did), `${path} shows another owner's agent`)
      }
      assert.equal((await t.call(yuri, 'GET', '/credentials')).status, 403, 'credentials are listed per agent')
      assert.equal((await t.call(yuri, 'GET', `/agents/${theirs.did}`)).status, 404)
      assert.equal((await t.call(yuri, 'GET', `/credentials?subject=${theirs.did}`)).status, 404)
    })

    it('B2 an agent suspended pending a new owner cannot be resumed while its owner is retired', async () => {
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', { ...policyToJson(DEFAULT_POLICY), onOwnerRetired: 'suspend' })).status, 200)
      try {
        const leaver = generateAgentKey()
        const bot = generateAgentKey()
        await t.issuer.registerAgent({ did: leaver.did, name: 'zed', kind: 'person', owner: 'sales' }, 'test')
        await t.issuer.registerAgent({ did: bot.did, name: 'zed-etl', kind: 'company', owner: leaver.did }, 'test')
        await t.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:sales', actions: ['read'] }], ttlSeconds: 600 }, 'test')
        assert.equal((await t.call(t.tokens.admin, 'POST', `/agents/${leaver.did}/retire`, {})).status, 200)
        const resumed = await t.call(t.tokens.security, 'POST', `/agents/${bot.did}/resume`, {})
        const agent = (await t.call(t.tokens.auditor, 'GET', `/agents/${bot.did}`)).body.agent
        assert.equal(resumed.status, 409, `resumed with its owner still the retired ${agent.owner === leaver.did ? 'person' : agent.owner}: ${JSON.stringify(resumed.body)}`)
      } finally {
        await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))
      }
    })

    it('B3 the last-admin rule does not count an admin whose token has expired', async () => {
      const t2 = await startTestService({ now: () => clock })
      try {
        await t2.issuer.createPrincipal({ id: 'temp-admin', roles: ['admin'], ttlSeconds: 3600 }, 'test')
        clock += 2 * 3600_000
        const r = await t2.call(t2.tokens.admin, 'PUT', '/principals/admin/roles', { roles: ['auditor'] })
        const stillAdmin = await t2.call(t2.tokens.admin, 'GET', '/principals')
        assert.equal(r.status, 409, 'the only usable admin demoted itself: nobody can administer over the API')
      } finally {
        await t2.close()
      }
    })

    it('B4 a disabled principal using its token is on record', async () => {
      const tok = (await t.issuer.createPrincipal({ id: 'gone', roles: ['ai-ops'] }, 'test')).token
      await t.call(t.tokens.admin, 'POST', '/principals/gone/disable', {})
      const before = (await t.call(t.tokens.auditor, 'GET', '/audit?limit=1000')).body.entries.length
      const r = await t.call(tok, 'POST', '/requests/req-x/approve', {})
      assert.equal(r.status, 401)
      const entries = (await t.call(t.tokens.auditor, 'GET', '/audit?limit=1000')).body.entries.slice(before)
      assert.ok(entries.some((e: { actor: string }) => e.actor === 'gone'), 'no audit entry names the disabled principal that tried')
    })

    it('B5 a delegation to a person known only by DID is weighed for SoD against her agents', async () => {
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', permissive(true))).status, 200)
      try {
        const person = generateAgentKey() // not enrolled as an agent; owns an agent
        const hers = generateAgentKey()
        const other = generateAgentKey()
        await t.issuer.createPrincipal({ id: 'abby', roles: ['agent-owner'], did: person.did }, 'test')
        await t.issuer.registerAgent({ did: hers.did, name: 'abby-bot', kind: 'service', owner: person.did }, 'test')
        await t.issuer.registerAgent({ did: other.did, name: 'other', kind: 'service', owner: 'ops' }, 'test')
        assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject: hers.did, entitlements: [{ resource: 'payments:x', actions: ['initiate'] }], ttl: '1h' })).status, 201)
        const approve = await t.call(t.tokens.admin, 'POST', '/requests', { subject: other.did, entitlements: [{ resource: 'payments:x', actions: ['approve'] }], ttl: '1h' })
        assert.equal(approve.status, 201)
        const jwt = approve.body.credential.jwt
        let link: string
        try {
          link = createDelegation({ key: other, parent: jwt, to: person.did, entitlements: [{ resource: 'payments:x', actions: ['approve'] }], ttl: 600, now: () => clock })
        } catch (e) {
          return
        }
        const reported = await t.call(t.tokens.admin, 'POST', '/delegations', { chain: [jwt, link] })
        assert.equal(reported.status, 409, `delegation of the other side to the person herself recorded: ${reported.status}`)
      } finally {
        await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))
      }
    })
  })

  describe('retirement cascades to the principals of retired agents; read probes on record; a principal disabled mid-decision', () => {

    it('C1 principals bound to agents retired in a cascade are disabled with them', async () => {
      const { person, assistant } = await household('pia2')
      const stranger = generateAgentKey()
      await t.issuer.registerAgent({ did: stranger.did, name: 'stranger', kind: 'service', owner: 'ops' }, 'test')
      const tok = (await t.issuer.createPrincipal({ id: 'pia-assistant-svc', roles: ['ai-ops', 'reviewer'], did: assistant.did }, 'test')).token
      const retired = await t.call(t.tokens.admin, 'POST', `/agents/${person.did}/retire`, {})
      assert.equal(retired.status, 200)
      // Nobody who has left owns a new agent, of any kind.
      const late = await t.call(t.tokens.admin, 'POST', '/agents', { did: generateAgentKey().did, name: 'late-etl', kind: 'company', owner: person.did })
      assert.deepEqual([late.status, late.body.error?.code], [409, 'ERR_CONFLICT'])
      const r = await t.call(t.tokens.admin, 'POST', '/requests', { subject: stranger.did, entitlements: [{ resource: 'db:s', actions: ['write'] }], ttl: '1h' })
      const who = await t.call(tok, 'GET', '/whoami')
      const a = await t.call(tok, 'POST', `/requests/${r.body.request.id}/approve`, {})
      assert.deepEqual([who.status, a.status], [401, 401], `the retired assistant's principal still works: whoami ${who.status}, approve ${a.status}`)
    })

    it('C2 an owner probing other owners\' records on read routes is on record like on POST /requests', async () => {
      const theirs = generateAgentKey()
      await t.issuer.registerAgent({ did: theirs.did, name: 'theirs2', kind: 'service', owner: 'ops' }, 'test')
      const c = await t.issuer.grant({ subject: theirs.did, entitlements: [{ resource: 'db:z', actions: ['read'] }], ttlSeconds: 600 }, 'test')
      const seen = t.refusals().length
      for (const path of [`/agents/${theirs.did}`, `/credentials/${encodeURIComponent(c.id)}`, `/credentials?subject=${theirs.did}`]) {
        const r = await t.call(t.tokens['agent-owner'], 'GET', path)
        assert.equal(r.status, 404)
      }
      assert.equal(t.refusals().length - seen, 3, 'probes by an owner on read routes leave no audit entry')
    })

    it('D1 an approval recorded after its principal was disabled (auth checked earlier) does not count', async () => {
      const bot = generateAgentKey()
      await t.issuer.registerAgent({ did: bot.did, name: 'd1', kind: 'service', owner: 'ops' }, 'test')
      const token = (await t.issuer.createPrincipal({ id: 'racer', roles: ['ai-ops'] }, 'test')).token
      const r = await t.issuer.requestAccess({ subject: bot.did, entitlements: [{ resource: 'db:d1', actions: ['write'] }], ttlSeconds: 600 }, 'test')
      const principal = (await t.issuer.authenticate(token))! // what the service holds after onRequest
      await t.issuer.setPrincipalEnabled('racer', false, 'test') // meanwhile, an admin disables it
      await assert.rejects(t.issuer.decide(r.request!.id, 'approve', principal), { code: 'ERR_UNAUTHORIZED' })
      assert.deepEqual((await t.issuer.store.getRequest(r.request!.id))!.approvals, [], 'no approval recorded')
    })
  })
})
