import assert from 'node:assert/strict'
import { createPresentation, generateAgentKey, type AgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, policyToJson } from '@agentid/issuer'
import { createVerifier, httpStatusLists, type VerifierOptions } from '@agentid/verifier'
import { startTestService, type TestService } from './support/service.js'

const verifierKey = generateAgentKey()

// A verifier as a peer agent runs it: offline checks, status lists fetched from the issuer.
async function present(t: TestService, holder: AgentKey, credentials: string[], extra: Partial<VerifierOptions> = {}) {
  const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }), ...extra })
  const challenge = verifier.challenge()
  const result = await verifier.verifyPresentation(createPresentation({ key: holder, credentials, audience: verifierKey.did, challenge }), { challenge })
  return { verifier, result }
}

describe('governance through the issuer service (real server, real SQLite, verifier library)', function () {
  this.timeout(60_000)

  describe('the full story', () => {
    const owner = generateAgentKey() // Owen, a person: he owns the agent
    const bot = generateAgentKey()
    let t: TestService

    before(async () => {
      t = await startTestService({ ownerDid: owner.did })
    })
    after(async () => {
      await t.close()
    })

    it('policy, role onboarding, a high-risk request approved by ai-ops then security, verified with requireApprovals, JIT revoked on task completion, retirement revoking everything', async () => {
      const { tokens } = t
      // 1. Policy: CRM writes are high risk (ai-ops then security), reads low.
      const policy = policyToJson(DEFAULT_POLICY)
      policy.rules = [...(policy.rules as unknown[]), { resource: 'crm:*', actions: ['update'], risk: 'high', maxTtl: '8h' }]
      const put = await t.call(tokens.admin, 'PUT', '/policy', policy)
      assert.equal(put.status, 200, JSON.stringify(put.body))
      assert.equal(put.body.version, 1)

      // 2. Onboarding by role: the template's entitlements, exactly, at once.
      const role = { description: 'reads CRM accounts for reports', entitlements: [{ resource: 'crm:accounts/*', actions: ['read'], purpose: 'reporting' }], ttl: '8h' }
      assert.equal((await t.call(tokens.admin, 'PUT', '/roles/crm-reporter', role)).status, 200)
      const enrolled = await t.call(tokens.admin, 'POST', '/agents', { did: bot.did, name: 'crm-bot', kind: 'employee', owner: owner.did, segment: 'sales', role: 'crm-reporter' })
      assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body))
      assert.equal(enrolled.body.agent.owner, owner.did)
      const [initial] = enrolled.body.credentials
      assert.deepEqual(initial.entitlements, role.entitlements)
      assert.equal(initial.risk, 'low')

      // 3. The owner asks for a high-risk write; it waits for ai-ops, then security.
      const asked = await t.call(tokens['agent-owner'], 'POST', '/requests', {
        subject: bot.did, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['update'], purpose: 'data-cleanup' }], ttl: '4h', justification: 'fix duplicated EU accounts',
      })
      assert.equal(asked.status, 202, JSON.stringify(asked.body))
      const requestId = asked.body.request.id
      assert.deepEqual(asked.body.request.chain, ['ai-ops', 'security'])
      assert.equal(asked.body.request.risk, 'high')
      const first = await t.call(tokens['ai-ops'], 'POST', `/requests/${requestId}/approve`, { reason: 'ticket OPS-17' })
      assert.equal(first.status, 200, JSON.stringify(first.body))
      assert.equal(first.body.request.status, 'pending')
      assert.equal(first.body.request.next, 'security')
      assert.equal(first.body.credential, undefined)
      const second = await t.call(tokens.security, 'POST', `/requests/${requestId}/approve`, {})
      assert.equal(second.status, 200, JSON.stringify(second.body))
      assert.equal(second.body.request.status, 'issued')
      const high = second.body.credential
      assert.deepEqual(high.approvals.map((a: { role: string; approver: string }) => [a.role, a.approver]), [['ai-ops', 'olga'], ['security', 'sam']])

      // 4. A peer verifies offline and requires security's approval for high risk.
      const strict = { requireApprovals: { high: ['security'] } }
      const { verifier, result } = await present(t, bot, [initial.jwt, high.jwt], strict)
      assert.equal(result.ok, true, JSON.stringify(result))
      const write = verifier.authorize(result, { resource: 'crm:accounts/eu/42', action: 'update', purpose: 'data-cleanup' })
      assert.equal(write.allow, true, JSON.stringify(write))
      assert.equal(write.allow && write.credentialId, high.id)
      // A verifier that wants approvals for low risk too refuses the role credential's reads.
      const stricter = await present(t, bot, [initial.jwt, high.jwt], { requireApprovals: { low: ['security'], high: ['security'] } })
      const read = stricter.verifier.authorize(stricter.result, { resource: 'crm:accounts/eu/42', action: 'read', purpose: 'reporting' })
      assert.equal(read.allow === false && read.code, 'ERR_APPROVAL_REQUIRED')

      // 5. Just-in-time: a 15-minute delete for one task, revoked the moment the task completes.
      const jit = await t.call(tokens['agent-owner'], 'POST', '/requests', {
        subject: bot.did, entitlements: [{ resource: 'crm:accounts/eu/42', actions: ['update'] }], ttl: '15m', jit: true, task: { id: 'incident-42' },
      })
      assert.equal(jit.status, 202, JSON.stringify(jit.body))
      assert.equal((await t.call(tokens['ai-ops'], 'POST', `/requests/${jit.body.request.id}/approve`)).status, 200)
      const jitIssued = await t.call(tokens.security, 'POST', `/requests/${jit.body.request.id}/approve`)
      const jitCredential = jitIssued.body.credential
      assert.equal(jitCredential.jit, true)
      assert.equal(Date.parse(jitCredential.expires) - Date.parse(jitCredential.notBefore), 15 * 60 * 1000)
      assert.equal((await present(t, bot, [jitCredential.jwt])).result.ok, true)
      const done = await t.call(tokens['agent-owner'], 'POST', '/tasks/incident-42/complete')
      assert.deepEqual(done.body.revoked, [jitCredential.id])
      const afterTask = await present(t, bot, [jitCredential.jwt])
      assert.equal(afterTask.result.ok === false && afterTask.result.code, 'ERR_VC_REVOKED')
      assert.equal((await present(t, bot, [high.jwt])).result.ok, true, 'other credentials on the same list keep working')

      // 6. Deprovisioning: retiring the owner retires their employee agent, revokes everything,
      // and disables the owner's own sign-in.
      const retired = await t.call(tokens.admin, 'POST', `/agents/${owner.did}/retire`)
      assert.equal(retired.status, 200, JSON.stringify(retired.body))
      assert.deepEqual(retired.body.retired.map((s: { agent: string }) => s.agent), [bot.did])
      assert.deepEqual(retired.body.retired[0].principalsDisabled, ['owen'])
      for (const jwt of [initial.jwt, high.jwt]) {
        const after = await present(t, bot, [jwt])
        assert.equal(after.result.ok === false && after.result.code, 'ERR_VC_REVOKED')
      }
      assert.equal((await t.call(tokens['agent-owner'], 'GET', '/whoami')).status, 401)
      const refused = await t.call(tokens.admin, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'crm:accounts/x', actions: ['read'] }], ttl: '1h' })
      assert.equal(refused.body.error.code, 'ERR_CONFLICT')

      // Every step is in the audit log, and the chain holds.
      const audit = await t.call(tokens.auditor, 'GET', '/audit?limit=1000')
      const actions = audit.body.entries.map((e: { action: string }) => e.action)
      for (const action of ['policy.update', 'role.create', 'agent.register', 'request.open', 'request.approve', 'credential.issue', 'task.complete', 'agent.retire']) {
        assert.ok(actions.includes(action), `audited: ${action}`)
      }
      assert.equal(JSON.stringify(audit.body).includes('aid_'), false, 'no token in the audit log')
    })
  })

  describe('an agent asks for itself, authenticated by its presentation to the issuer', () => {
    let t: TestService
    const bot = generateAgentKey()
    const other = generateAgentKey()
    let credential: string

    before(async () => {
      t = await startTestService()
      await t.issuer.putRole({ name: 'reader', description: 'reads', entitlements: [{ resource: 'db:orders', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
      credential = (await t.issuer.registerAgent({ did: bot.did, name: 'bot', kind: 'service', owner: 'ops', role: 'reader' }, 'test')).credentials[0]!.jwt
      await t.issuer.registerAgent({ did: other.did, name: 'other', kind: 'service', owner: 'ops', role: 'reader' }, 'test')
    })
    after(async () => {
      await t.close()
    })

    async function vp(options: { key?: AgentKey; audience?: string; credentials?: string[]; challenge?: string } = {}): Promise<string> {
      const { body } = await t.call(undefined, 'GET', '/challenge')
      assert.equal(body.audience, t.issuer.did)
      return createPresentation({ key: options.key ?? bot, credentials: options.credentials ?? [credential], audience: options.audience ?? t.issuer.did, challenge: options.challenge ?? body.challenge })
    }
    const ask = (presentation: string, subject = bot.did) =>
      t.call(undefined, 'POST', '/requests', { subject, entitlements: [{ resource: 'db:orders', actions: ['update'] }], ttl: '1h' }, { authorization: `VP ${presentation}` })

    it('never gets even low-risk access without a person: its own request takes at least the medium chain', async () => {
      const r = await t.call(undefined, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:anything/*', actions: ['read'] }], ttl: '7d' }, { authorization: `VP ${await vp()}` })
      assert.equal(r.status, 202, JSON.stringify(r.body))
      assert.equal(r.body.request.risk, 'low')
      assert.deepEqual(r.body.request.chain, ['ai-ops'])
    })

    it('opens a request for itself, recorded with its own DID as requester', async () => {
      const r = await ask(await vp())
      assert.equal(r.status, 202, JSON.stringify(r.body))
      assert.equal(r.body.request.requester, bot.did)
    })

    it('refuses, each with its code and nothing written: a replay, another audience, a made-up challenge, another agent, a stolen presentation, a revoked credential, another route', async () => {
      const used = await vp()
      const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
        // Another agent's record does not exist for an agent: the same answer as for one not enrolled (no probing).
        ['another agent as subject', async () => ask(await vp(), other.did), 404, 'ERR_NOT_FOUND'],
        ['a replayed presentation', async () => { await ask(used); return ask(used) }, 401, 'ERR_VP_REPLAY'],
        ['a presentation for another audience', async () => ask(await vp({ audience: other.did })), 401, 'ERR_VP_AUDIENCE'],
        ['a challenge the issuer never gave', async () => ask(await vp({ challenge: 'made-up-challenge-0000' })), 401, 'ERR_VP_NONCE'],
        ['a credential presented by someone else', async () => ask(await vp({ key: other })), 401, 'ERR_VP_HOLDER_BINDING'],
        ['a presentation on a route for principals', async () => t.call(undefined, 'GET', '/requests', undefined, { authorization: `VP ${await vp()}` }), 401, 'ERR_UNAUTHORIZED'],
        ['garbage', async () => ask('not.a.jwt'), 401, 'ERR_VP_NONCE'],
      ]
      for (const [name, call, status, code] of cases) {
        const before = t.dump()
        const r = await call()
        assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`)
        assert.equal(r.body.error.code, code, name)
        if (name !== 'a replayed presentation') assert.equal(t.dump(), before, `${name}: nothing written`)
      }
      const [record] = await t.issuer.store.listCredentials({ subject: bot.did })
      await t.issuer.revoke(record!.id, 'test')
      const revoked = await ask(await vp())
      assert.equal(revoked.body.error.code, 'ERR_VC_REVOKED')
    })
  })

  describe('approval chains: each violation refused with its code, nothing written', () => {
    let clock = Date.now()
    let t: TestService
    const owned = generateAgentKey()
    const ownerKey = generateAgentKey()
    const tokens: Record<string, string> = {}

    before(async () => {
      // The default policy, plus one medium-risk action (one approval level: ai-ops).
      const policy = policyToJson(DEFAULT_POLICY)
      policy.rules = [...(policy.rules as unknown[]), { resource: 'db:*', actions: ['export'], risk: 'medium' }]
      t = await startTestService({ now: () => clock, ownerDid: ownerKey.did, policy })
      await t.issuer.registerAgent({ did: owned.did, name: 'ops-bot', kind: 'company', owner: 'ada' }, 'test')
      // ada owns ops-bot and is an ai-ops approver; duo holds both approver roles of high risk.
      tokens.ada = (await t.issuer.createPrincipal({ id: 'ada', roles: ['agent-owner', 'ai-ops'] }, 'test')).token
      tokens.duo = (await t.issuer.createPrincipal({ id: 'duo', roles: ['ai-ops', 'security'] }, 'test')).token
    })
    after(async () => {
      await t.close()
    })

    let opened = 0
    async function open(token: string, actions: string[]): Promise<string> {
      // A resource of its own per request: the same request twice would be a duplicate.
      const r = await t.call(token, 'POST', '/requests', { subject: owned.did, entitlements: [{ resource: `db:orders/${++opened}`, actions }], ttl: '1h' })
      assert.equal(r.status, 202, JSON.stringify(r.body))
      return r.body.request.id
    }

    async function refused(token: string, path: string, body: unknown, status: number, code: string) {
      const before = t.dump()
      const r = await t.call(token, 'POST', path, body)
      assert.equal(r.status, status, JSON.stringify(r.body))
      assert.equal(r.body.error.code, code)
      assert.equal(t.dump(), before, 'nothing written')
    }

    it('self-approval: the requester cannot approve their own request', async () => {
      const id = await open(tokens.ada!, ['write'])
      await refused(tokens.ada!, `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN')
    })

    it('double approval: one principal decides a request once, even holding the next role too', async () => {
      const id = await open(t.tokens.admin, ['write'])
      assert.equal((await t.call(tokens.duo!, 'POST', `/requests/${id}/approve`, { role: 'ai-ops' })).status, 200)
      await refused(tokens.duo!, `/requests/${id}/approve`, { role: 'security' }, 409, 'ERR_CONFLICT')
    })

    it('a principal holding several roles of the chain names the one it acts in', async () => {
      const id = await open(t.tokens.admin, ['write'])
      await refused(tokens.duo!, `/requests/${id}/approve`, {}, 400, 'ERR_INPUT_INVALID')
    })

    it('one person, one principal: a second principal for the same DID is refused', async () => {
      const before = t.dump()
      for (const body of [{ id: 'owen-ops', roles: ['ai-ops'], did: ownerKey.did }, { id: ownerKey.did, roles: ['security'] }]) {
        const r = await t.call(t.tokens.admin, 'POST', '/principals', body)
        assert.equal(r.status, 409, JSON.stringify(r.body))
        assert.equal(r.body.error.code, 'ERR_CONFLICT')
      }
      assert.equal(t.dump(), before)
    })

    it('out-of-order role: security cannot approve the ai-ops level', async () => {
      const id = await open(t.tokens.admin, ['write'])
      await refused(t.tokens.security, `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN')
      await refused(tokens.duo!, `/requests/${id}/approve`, { role: 'security' }, 403, 'ERR_FORBIDDEN')
    })

    it('the owner cannot be the only approver of their agent', async () => {
      // Medium risk: one level, ai-ops. ada holds ai-ops but owns the agent.
      const id = await open(t.tokens.admin, ['export'])
      await refused(tokens.ada!, `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN')
      assert.equal((await t.call(t.tokens['ai-ops'], 'POST', `/requests/${id}/approve`)).body.request.status, 'issued')
    })

    it('one denial ends the request; nothing is decided after it', async () => {
      const id = await open(t.tokens.admin, ['write'])
      const denied = await t.call(t.tokens['ai-ops'], 'POST', `/requests/${id}/deny`, { reason: 'no ticket' })
      assert.equal(denied.body.request.status, 'denied')
      await refused(tokens.duo!, `/requests/${id}/approve`, {}, 409, 'ERR_CONFLICT')
    })

    it('approval after expiry is refused, and the sweeper expires the request', async () => {
      const id = await open(t.tokens.admin, ['write'])
      clock += 3 * 86400 * 1000 + 1000
      await refused(t.tokens['ai-ops'], `/requests/${id}/approve`, {}, 409, 'ERR_CONFLICT')
      const swept = await t.issuer.sweep()
      assert.ok(swept.requestsExpired >= 1)
      assert.equal((await t.call(t.tokens.auditor, 'GET', `/requests/${id}`)).body.status, 'expired')
    })

    it('a principal with no approver role is refused by the route', async () => {
      const id = await open(t.tokens.admin, ['write'])
      await refused(t.tokens.reviewer, `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN')
      await refused(t.tokens.admin, `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN')
    })
  })

  describe('incident response, deprovisioning, tasks and roles that need approval', () => {
    let t: TestService
    const owner = generateAgentKey()
    const otherOwner = generateAgentKey()
    const bot = generateAgentKey()
    const otherBot = generateAgentKey()
    const read = (resource: string, extra: Record<string, unknown> = {}) => ({ subject: bot.did, entitlements: [{ resource, actions: ['read'] }], ttl: '1h', ...extra })

    before(async () => {
      t = await startTestService({ ownerDid: owner.did })
      await t.issuer.createPrincipal({ id: 'otto', roles: ['agent-owner'], did: otherOwner.did }, 'test')
      await t.issuer.registerAgent({ did: bot.did, name: 'bot', kind: 'employee', owner: owner.did }, 'test')
      await t.issuer.registerAgent({ did: otherBot.did, name: 'other-bot', kind: 'employee', owner: otherOwner.did }, 'test')
    })
    after(async () => {
      await t.close()
    })

    it('a suspended agent is issued nothing, not even by a request approved before, until resumed', async () => {
      const pending = await t.call(t.tokens.admin, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:orders', actions: ['export'] }], ttl: '1h' })
      assert.equal(pending.status, 202, JSON.stringify(pending.body))
      assert.equal((await t.call(t.tokens.security, 'POST', `/agents/${bot.did}/suspend`)).status, 200)
      const refused = await t.call(t.tokens['agent-owner'], 'POST', '/requests', read('db:x'))
      assert.deepEqual([refused.status, refused.body.error.code], [409, 'ERR_CONFLICT'])
      const id = pending.body.request.id
      assert.equal((await t.call(t.tokens['ai-ops'], 'POST', `/requests/${id}/approve`)).status, 200)
      assert.equal((await t.call(t.tokens.security, 'POST', `/requests/${id}/approve`)).status, 200)
      const last = await t.call(t.tokens.compliance, 'POST', `/requests/${id}/approve`)
      assert.deepEqual([last.status, last.body.error.code], [409, 'ERR_CONFLICT'], 'the last approval cannot issue to a suspended agent')
      assert.equal((await t.call(t.tokens.admin, 'GET', `/agents/${bot.did}`)).body.agent.suspendedAt !== undefined, true)
      assert.equal((await t.call(t.tokens.security, 'POST', `/agents/${bot.did}/resume`)).status, 200)
      assert.equal((await t.call(t.tokens['agent-owner'], 'POST', '/requests', read('db:x'))).status, 201)
      assert.equal((await t.call(t.tokens.compliance, 'POST', `/requests/${id}/approve`)).body.request.status, 'issued')
    })

    it('a task id belongs to the owner who completes it: another owner\'s agent using the same id keeps its credential', async () => {
      const mine = await t.call(t.tokens['agent-owner'], 'POST', '/requests', read('db:y', { task: { id: 'incident-9' } }))
      const theirs = await t.call(t.tokens.admin, 'POST', '/requests', { subject: otherBot.did, entitlements: [{ resource: 'db:y', actions: ['read'] }], ttl: '1h', task: { id: 'incident-9' } })
      assert.equal(theirs.status, 201)
      const done = await t.call(t.tokens['agent-owner'], 'POST', '/tasks/incident-9/complete')
      assert.deepEqual(done.body.revoked, [mine.body.credential.id])
      assert.equal((await t.call(t.tokens.admin, 'GET', `/credentials/${encodeURIComponent(theirs.body.credential.id)}`)).body.status, 'active')
    })

    it('checks a task id when the request is opened, not at the last approval', async () => {
      const r = await t.call(t.tokens.admin, 'POST', '/requests', read('db:z', { task: { id: 'bad id\u001b[31m' } }))
      assert.deepEqual([r.status, r.body.error.code], [400, 'ERR_INPUT_INVALID'])
    })

    it('an owner does not learn whether another owner\'s agent exists (404, as for an unknown one)', async () => {
      const r = await t.call(t.tokens['agent-owner'], 'GET', `/agents/${otherBot.did}`)
      assert.deepEqual([r.status, r.body.error.code], [404, 'ERR_NOT_FOUND'])
    })

    it('a role template that the policy says needs approval opens a request at enrolment instead of issuing', async () => {
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/roles/order-writer', { description: 'writes orders', entitlements: [{ resource: 'db:orders', actions: ['write'] }], ttl: '8h' })).status, 200)
      const late = generateAgentKey()
      const r = await t.call(t.tokens.admin, 'POST', '/agents', { did: late.did, name: 'writer', kind: 'service', owner: 'ops', role: 'order-writer' })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.deepEqual(r.body.credentials, [])
      assert.deepEqual(r.body.request.chain, ['ai-ops', 'security'])
    })

    it('retiring an agent closes its pending requests: nothing can be approved for it after', async () => {
      const pending = await t.call(t.tokens.admin, 'POST', '/requests', { subject: bot.did, entitlements: [{ resource: 'db:ledger', actions: ['write'] }], ttl: '1h' })
      assert.equal(pending.status, 202)
      const retired = await t.call(t.tokens.admin, 'POST', `/agents/${bot.did}/retire`)
      assert.ok(retired.body.retired[0].requestsClosed.includes(pending.body.request.id))
      const approve = await t.call(t.tokens['ai-ops'], 'POST', `/requests/${pending.body.request.id}/approve`)
      assert.deepEqual([approve.status, approve.body.error.code], [409, 'ERR_CONFLICT'])
    })
  })

  describe('separation of duties: each conflict refused with ERR_SOD_CONFLICT, naming the rule and the credential in the way', () => {
    let t: TestService
    const person = generateAgentKey() // an employee, enrolled too
    const assistant = generateAgentKey() // the employee's agent
    const other = generateAgentKey() // a second agent of the same employee
    // Payments are low risk here so that grants are immediate: this table is about duties.
    const policy = {
      ...policyToJson(DEFAULT_POLICY),
      rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '7d' }],
    }

    before(async () => {
      t = await startTestService({ policy })
      await t.issuer.registerAgent({ did: person.did, name: 'erin', kind: 'person', owner: 'finance' }, 'test')
      await t.issuer.registerAgent({ did: assistant.did, name: 'erin-assistant', kind: 'employee', owner: person.did }, 'test')
      await t.issuer.registerAgent({ did: other.did, name: 'erin-payments', kind: 'employee', owner: person.did }, 'test')
    })
    after(async () => {
      await t.close()
    })

    const grant = (subject: string, action: string, resource = 'payments:transfers') =>
      t.call(t.tokens.admin, 'POST', '/requests', { subject, entitlements: [{ resource, actions: [action] }], ttl: '1h' })

    async function conflict(call: () => Promise<{ status: number; body: any }>, rule: string, holder?: string) {
      const before = t.dump()
      const r = await call()
      assert.equal(r.status, 409, JSON.stringify(r.body))
      assert.equal(r.body.error.code, 'ERR_SOD_CONFLICT')
      assert.match(r.body.error.message, new RegExp(rule))
      if (holder) assert.match(r.body.error.message, new RegExp(holder))
      assert.equal(t.dump(), before, 'nothing written')
    }

    it('both sides in one grant', async () => {
      await conflict(() => t.call(t.tokens.admin, 'POST', '/requests', { subject: assistant.did, entitlements: [{ resource: 'payments:transfers', actions: ['initiate', 'approve'] }], ttl: '1h' }), 'payments-maker-checker')
    })

    let initiate: string

    it('one side beside a live credential of the same agent', async () => {
      const held = await grant(assistant.did, 'initiate')
      assert.equal(held.status, 201)
      initiate = held.body.credential.id
      await conflict(() => grant(assistant.did, 'approve'), 'payments-maker-checker', initiate)
    })

    it('through an employee and their agent: the agent holds one side, the employee asks for the other', async () => {
      await conflict(() => grant(person.did, 'approve', 'payments:refunds'), 'payments-maker-checker', initiate)
    })

    it('through two agents of the same employee', async () => {
      await conflict(() => grant(other.did, 'approve'), 'payments-maker-checker', initiate)
    })

    it('through a role template: a template holding both sides, and a role that conflicts with the owner\'s other agent', async () => {
      await conflict(() => t.call(t.tokens.admin, 'PUT', '/roles/payments-all', { description: 'both', entitlements: [{ resource: 'payments:batch', actions: ['initiate', 'approve'] }], ttl: '1h' }), 'payments-maker-checker')
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/roles/payments-approver', { description: 'approves transfers', entitlements: [{ resource: 'payments:transfers', actions: ['approve'] }], ttl: '1h' })).status, 200)
      const late = generateAgentKey()
      await conflict(() => t.call(t.tokens.admin, 'POST', '/agents', { did: late.did, name: 'erin-late', kind: 'employee', owner: person.did, role: 'payments-approver' }), 'payments-maker-checker')
      assert.equal((await t.call(t.tokens.admin, 'GET', `/agents/${late.did}`)).status, 404, 'the agent was not enrolled either')
    })

    it('a revoked credential no longer stands in the way', async () => {
      assert.equal((await t.call(t.tokens.security, 'POST', `/credentials/${initiate}/revoke`)).status, 200)
      assert.equal((await grant(assistant.did, 'approve')).status, 201)
    })

    it('a verifier with duty rules refuses a presentation that carries both sides', async () => {
      // Issued before the issuer knew the rule (an old policy): the verifier still catches it.
      const noRules = { ...policy, conflicts: [] }
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', noRules)).status, 200)
      const a = await grant(person.did, 'initiate', 'payments:payroll')
      assert.equal(a.status, 201, JSON.stringify(a.body))
      const both = [(await grant(person.did, 'approve', 'payments:payroll')).body.credential.jwt, a.body.credential.jwt]
      const { result } = await present(t, person, both, { dutyConflicts: DEFAULT_POLICY.conflicts })
      assert.equal(result.ok === false && result.code, 'ERR_SOD_CONFLICT')
      assert.equal((await present(t, person, both)).result.ok, true)
    })
  })
})
