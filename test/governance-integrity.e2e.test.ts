import assert from 'node:assert/strict'
import { createDelegation, generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, policyToJson } from '@agentid/issuer'
import { startTestService, type TestService } from './support/service.js'

// The seams between principals, people, the agents they own and their requests, tried as an
// attacker would: each attempt refused with a stable code, recorded in the audit log with who
// tried, and nothing else changed. A real issuer service on 127.0.0.1, a real SQLite file.

describe('governance integrity: attacks at the seams between principals, people and their agents', function () {
  this.timeout(60_000)
  let clock = Date.UTC(2026, 11, 1, 9)
  let t: TestService
  const person = generateAgentKey() // Petra, a person, who is also an ai-ops approver
  const assistant = generateAgentKey() // her personal assistant
  const subAgent = generateAgentKey() // a sub-agent her assistant owns
  const company = generateAgentKey() // a company agent she owns
  const stranger = generateAgentKey() // an agent nobody here owns
  const tokens: Record<string, string> = {}

  const write = (subject: string, n: number) => ({ subject, entitlements: [{ resource: `db:orders/${n}`, actions: ['write'] }], ttl: '1h' })
  let n = 0

  before(async () => {
    t = await startTestService({ now: () => clock })
    await t.issuer.registerAgent({ did: person.did, name: 'petra', kind: 'person', owner: 'finance' }, 'test')
    await t.issuer.registerAgent({ did: assistant.did, name: 'petra-assistant', kind: 'employee', owner: person.did }, 'test')
    await t.issuer.registerAgent({ did: subAgent.did, name: 'petra-sub', kind: 'service', owner: assistant.did }, 'test')
    await t.issuer.registerAgent({ did: company.did, name: 'petra-etl', kind: 'company', owner: person.did }, 'test')
    await t.issuer.registerAgent({ did: stranger.did, name: 'stranger', kind: 'service', owner: 'ops' }, 'test')
    tokens.petra = (await t.issuer.createPrincipal({ id: 'petra', roles: ['ai-ops', 'agent-owner', 'reviewer'], did: person.did }, 'test')).token
    tokens.quinn = (await t.issuer.createPrincipal({ id: 'quinn', roles: ['ai-ops'] }, 'test')).token
  })
  after(async () => {
    await t.close()
  })

  async function open(token: string, body: unknown): Promise<string> {
    const r = await t.call(token, 'POST', '/requests', body)
    assert.equal(r.status, 202, JSON.stringify(r.body))
    return r.body.request.id
  }

  // Refused with this status and code, recorded as refused with who tried, nothing else written.
  async function refused(token: string, method: string, path: string, body: unknown, status: number, code: string, actor: string) {
    const before = t.dump()
    const seen = t.refusals().length
    const r = await t.call(token, method, path, body)
    assert.equal(r.status, status, JSON.stringify(r.body))
    assert.equal(r.body.error.code, code)
    assert.equal(t.dump(), before, 'nothing written but the record of the attempt')
    const recorded = t.refusals().slice(seen)
    if (status === 403 || status === 409 && code === 'ERR_SOD_CONFLICT') {
      assert.deepEqual(recorded.map((e) => [e.actor, e.code]), [[actor, code]], 'the attempt is on record with who tried')
    }
  }

  describe('1. one party, one identity: nobody decides for their own party', () => {
    it('a principal cannot approve a request for the person its DID names', async () => {
      const id = await open(t.tokens.admin, write(person.did, ++n))
      await refused(tokens.petra!, 'POST', `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN', 'petra')
    })

    it('nor one for an agent it owns, one its assistant owns, or its company agent, at any level of the chain', async () => {
      for (const subject of [assistant.did, subAgent.did, company.did]) {
        const id = await open(t.tokens.admin, write(subject, ++n)) // high risk: ai-ops then security
        await refused(tokens.petra!, 'POST', `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN', 'petra')
        await refused(tokens.petra!, 'POST', `/requests/${id}/deny`, {}, 403, 'ERR_FORBIDDEN', 'petra')
        // Another ai-ops approver may.
        assert.equal((await t.call(tokens.quinn!, 'POST', `/requests/${id}/approve`, {})).status, 200)
      }
    })

    it('nor one its own principal filed for someone else', async () => {
      const id = await open(tokens.petra!, write(assistant.did, ++n))
      await refused(tokens.petra!, 'POST', `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN', 'petra')
    })

    it('an approver may still decide for a stranger', async () => {
      const id = await open(t.tokens.admin, write(stranger.did, ++n))
      assert.equal((await t.call(tokens.petra!, 'POST', `/requests/${id}/approve`, {})).status, 200)
    })

    it('a reviewer cannot certify access of agents they own, nor access they asked for; revoking stays open', async () => {
      const low = { resource: 'crm:accounts/1', actions: ['read'] }
      const owned = await t.call(tokens.petra!, 'POST', '/requests', { subject: assistant.did, entitlements: [low], ttl: '1h' })
      assert.equal(owned.status, 201, JSON.stringify(owned.body))
      const asked = await t.call(tokens.petra!, 'POST', '/requests', { subject: assistant.did, entitlements: [{ ...low, resource: 'crm:accounts/2' }], ttl: '1h' })
      const forStranger = await t.call(t.tokens.admin, 'POST', '/requests', { subject: stranger.did, entitlements: [low], ttl: '1h' })
      const campaign = await t.call(t.tokens.reviewer, 'POST', '/reviews', { all: true, name: 'seams' })
      assert.equal(campaign.status, 201, JSON.stringify(campaign.body))
      const item = (credential: string) => campaign.body.items.find((i: { credential: string }) => i.credential === credential).id as string
      await refused(tokens.petra!, 'POST', `/reviews/items/${item(owned.body.credential.id)}/certify`, {}, 403, 'ERR_FORBIDDEN', 'petra')
      await refused(tokens.petra!, 'POST', `/reviews/items/${item(asked.body.credential.id)}/certify`, {}, 403, 'ERR_FORBIDDEN', 'petra')
      assert.equal((await t.call(tokens.petra!, 'POST', `/reviews/items/${item(forStranger.body.credential.id)}/certify`, {})).status, 200)
      assert.equal((await t.call(tokens.petra!, 'POST', `/reviews/items/${item(asked.body.credential.id)}/revoke`, {})).status, 200)
    })
  })

  describe('2. separation of duties spans the whole party', () => {
    it('her company agent holds one side; no agent of hers, nor she, can be given the other, even through a request', async () => {
      const initiate = await open(t.tokens.admin, { subject: company.did, entitlements: [{ resource: 'payments:transfers', actions: ['initiate'] }], ttl: '1h' })
      for (const token of [tokens.quinn!, t.tokens.security, t.tokens.compliance]) assert.equal((await t.call(token, 'POST', `/requests/${initiate}/approve`, {})).status, 200)
      const approve = (subject: string) => ({ subject, entitlements: [{ resource: 'payments:transfers', actions: ['approve'] }], ttl: '1h' })
      for (const subject of [assistant.did, subAgent.did, person.did]) {
        await refused(t.tokens.admin, 'POST', '/requests', approve(subject), 409, 'ERR_SOD_CONFLICT', 'admin')
      }
      // Someone outside the party is not held back.
      assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', approve(stranger.did))).status, 202)
    })

    it('a conflicting grant is refused against what any agent of the party holds, whatever its kind', async () => {
      const policy = policyToJson(DEFAULT_POLICY)
      policy.rules = [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '7d' }]
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policy)).status, 200)
      try {
        const held = await t.call(t.tokens.admin, 'POST', '/requests', { subject: subAgent.did, entitlements: [{ resource: 'code:app', actions: ['merge'] }], ttl: '1h' })
        assert.equal(held.status, 201, JSON.stringify(held.body))
        for (const subject of [company.did, person.did, assistant.did]) {
          await refused(t.tokens.admin, 'POST', '/requests', { subject, entitlements: [{ resource: 'code:app', actions: ['deploy-approve'] }], ttl: '1h' }, 409, 'ERR_SOD_CONFLICT', 'admin')
        }
        // Someone outside the party is not held back.
        assert.equal((await t.call(t.tokens.admin, 'POST', '/requests', { subject: stranger.did, entitlements: [{ resource: 'code:app', actions: ['deploy-approve'] }], ttl: '1h' })).status, 201)
      } finally {
        assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))).status, 200)
      }
    })
  })

  describe('2. delegation: what needed approval or carries a duty is not handed on, unless the policy says so', () => {
    const worker = generateAgentKey()
    const helper = generateAgentKey()
    before(async () => {
      await t.issuer.registerAgent({ did: worker.did, name: 'worker', kind: 'service', owner: 'ops' }, 'test')
      await t.issuer.registerAgent({ did: helper.did, name: 'helper', kind: 'service', owner: 'ops' }, 'test')
    })

    async function approved(subject: string, entitlement: unknown): Promise<{ jwt: string; entitlements: Array<{ delegable?: boolean }> }> {
      const id = await open(t.tokens.admin, { subject, entitlements: [entitlement], ttl: '1h' })
      assert.equal((await t.call(tokens.quinn!, 'POST', `/requests/${id}/approve`, {})).status, 200)
      const issued = await t.call(t.tokens.security, 'POST', `/requests/${id}/approve`, {})
      assert.equal(issued.body.request.status, 'issued', JSON.stringify(issued.body))
      return issued.body.credential
    }

    it('an approved right is issued not delegable: the holder cannot hand it on, and a forged link is refused when reported', async () => {
      const credential = await approved(worker.did, { resource: 'db:ledger/*', actions: ['write'] })
      assert.deepEqual(credential.entitlements.map((e) => e.delegable), [false])
      const link = { key: worker, parent: credential.jwt, to: helper.did, entitlements: [{ resource: 'db:ledger/eu', actions: ['write'] }], ttl: 600, now: () => clock }
      assert.throws(() => createDelegation(link), { code: 'ERR_DELEGATION' })
    })

    it('a policy rule may make it delegable; the credential says so and the delegation is made and recorded', async () => {
      const policy = policyToJson(DEFAULT_POLICY)
      policy.rules = [...(policy.rules as unknown[]), { resource: 'db:shared/*', actions: ['write'], risk: 'high', delegable: true }]
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policy)).status, 200)
      try {
        const credential = await approved(worker.did, { resource: 'db:shared/*', actions: ['write'] })
        assert.deepEqual(credential.entitlements.map((e) => e.delegable), [true])
        const chain = [credential.jwt, createDelegation({ key: worker, parent: credential.jwt, to: helper.did, entitlements: [{ resource: 'db:shared/eu', actions: ['write'] }], ttl: 600, now: () => clock })]
        const reported = await t.call(t.tokens.admin, 'POST', '/delegations', { chain })
        assert.equal(reported.status, 200, JSON.stringify(reported.body))
      } finally {
        assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))).status, 200)
      }
    })

    it('a reported delegation that would give the delegate\'s party both sides of a duty is refused', async () => {
      const policy = policyToJson(DEFAULT_POLICY)
      policy.rules = [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '7d', delegable: true }]
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policy)).status, 200)
      try {
        const dora = generateAgentKey()
        const doraAssistant = generateAgentKey()
        await t.issuer.registerAgent({ did: dora.did, name: 'dora', kind: 'person', owner: 'eng' }, 'test')
        await t.issuer.registerAgent({ did: doraAssistant.did, name: 'dora-assistant', kind: 'employee', owner: dora.did }, 'test')
        const deploy = await t.call(t.tokens.admin, 'POST', '/requests', { subject: doraAssistant.did, entitlements: [{ resource: 'code:web', actions: ['deploy-approve'] }], ttl: '1h' })
        assert.equal(deploy.status, 201, JSON.stringify(deploy.body))
        const merge = await t.call(t.tokens.admin, 'POST', '/requests', { subject: worker.did, entitlements: [{ resource: 'code:web', actions: ['merge'] }], ttl: '1h' })
        const chain = [merge.body.credential.jwt, createDelegation({ key: worker, parent: merge.body.credential.jwt, to: dora.did, entitlements: [{ resource: 'code:web', actions: ['merge'] }], ttl: 600, now: () => clock })]
        await refused(t.tokens.admin, 'POST', '/delegations', { chain }, 409, 'ERR_SOD_CONFLICT', 'admin')
      } finally {
        assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))).status, 200)
      }
    })
  })

  describe('3. principals have a lifecycle', () => {
    it('a disabled principal is refused at once, and its approvals of requests not issued stop counting', async () => {
      const vera = (await t.issuer.createPrincipal({ id: 'vera', roles: ['ai-ops'] }, 'test')).token
      const id = await open(t.tokens.admin, write(stranger.did, ++n))
      assert.equal((await t.call(vera, 'POST', `/requests/${id}/approve`, {})).body.request.next, 'security')
      const disabled = await t.call(t.tokens.admin, 'POST', '/principals/vera/disable', {})
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body))
      assert.deepEqual(disabled.body.approvalsVoided, [{ request: id, level: 1, principal: 'vera', role: 'ai-ops' }])
      assert.equal((await t.call(vera, 'GET', '/whoami')).status, 401)
      // Security's approval no longer completes it: the ai-ops level is open again.
      await refused(t.tokens.security, 'POST', `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN', 'sam')
      const request = await t.call(t.tokens.auditor, 'GET', `/requests/${id}`)
      assert.equal(request.body.next, 'ai-ops')
      assert.deepEqual(request.body.approvals, [])
      assert.equal((await t.call(tokens.quinn!, 'POST', `/requests/${id}/approve`, {})).status, 200)
      assert.equal((await t.call(t.tokens.security, 'POST', `/requests/${id}/approve`, {})).body.request.status, 'issued')
      // Enabled again, the old token works; the audit log names who did each step.
      assert.equal((await t.call(t.tokens.admin, 'POST', '/principals/vera/enable', {})).status, 200)
      assert.equal((await t.call(vera, 'GET', '/whoami')).status, 200)
      const actions = (await t.call(t.tokens.auditor, 'GET', '/audit?limit=1000')).body.entries.filter((e: { target?: string }) => e.target === 'vera').map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)
      // vera's try with her disabled token is on record too, under her name.
      assert.deepEqual(actions, ['test principal.create', 'admin principal.disable', 'vera access.refused', 'admin principal.enable'])
    })

    it('a rotated token is refused at once; every principal rotates its own, only an admin another\'s', async () => {
      const old = tokens.quinn!
      await refused(old, 'POST', '/principals/petra/rotate', {}, 403, 'ERR_FORBIDDEN', 'quinn')
      const rotated = await t.call(old, 'POST', '/principals/quinn/rotate', {})
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body))
      tokens.quinn = rotated.body.token
      assert.equal((await t.call(old, 'GET', '/whoami')).status, 401)
      assert.equal((await t.call(tokens.quinn!, 'GET', '/whoami')).body.id, 'quinn')
      // The first admin's token too.
      const admin = await t.call(t.tokens.admin, 'POST', '/principals/admin/rotate', {})
      assert.equal((await t.call(t.tokens.admin, 'GET', '/whoami')).status, 401)
      ;(t.tokens as Record<string, string>).admin = admin.body.token
      assert.equal((await t.call(t.tokens.admin, 'GET', '/whoami')).body.id, 'admin')
    })

    it('a token with a ttl is refused once it has passed', async () => {
      const temp = await t.call(t.tokens.admin, 'POST', '/principals', { id: 'contractor', roles: ['auditor'], ttl: '1h' })
      assert.equal(temp.status, 201, JSON.stringify(temp.body))
      assert.equal((await t.call(temp.body.token, 'GET', '/whoami')).body.expiresAt, new Date(clock + 3600_000).toISOString())
      clock += 3600_000
      assert.equal((await t.call(temp.body.token, 'GET', '/whoami')).status, 401)
    })

    it('roles change; approvals given in a role taken away stop counting', async () => {
      const walt = (await t.issuer.createPrincipal({ id: 'walt', roles: ['ai-ops', 'auditor'] }, 'test')).token
      const id = await open(t.tokens.admin, write(stranger.did, ++n))
      assert.equal((await t.call(walt, 'POST', `/requests/${id}/approve`, {})).status, 200)
      const updated = await t.call(t.tokens.admin, 'PUT', '/principals/walt/roles', { roles: ['auditor'] })
      assert.deepEqual(updated.body.principal.roles, ['auditor'])
      assert.equal(updated.body.approvalsVoided.length, 1)
      assert.equal((await t.call(t.tokens.auditor, 'GET', `/requests/${id}`)).body.next, 'ai-ops')
      await refused(walt, 'POST', `/requests/${id}/approve`, {}, 403, 'ERR_FORBIDDEN', 'walt')
    })

    it('the last enabled admin cannot be disabled or lose the role; a second principal for one person cannot be enabled', async () => {
      for (const [path, body] of [['/principals/admin/disable', {}], ['/principals/admin/roles', { roles: ['auditor'] }]] as const) {
        const before = t.dump()
        const r = await t.call(t.tokens.admin, path.endsWith('roles') ? 'PUT' : 'POST', path, body)
        assert.equal(r.status, 409, JSON.stringify(r.body))
        assert.equal(t.dump(), before)
      }
      const twin = generateAgentKey()
      await t.issuer.createPrincipal({ id: 'twin-a', roles: ['auditor'], did: twin.did }, 'test')
      await t.call(t.tokens.admin, 'POST', '/principals/twin-a/disable', {})
      await t.issuer.createPrincipal({ id: 'twin-b', roles: ['auditor'], did: twin.did }, 'test')
      assert.equal((await t.call(t.tokens.admin, 'POST', '/principals/twin-a/enable', {})).body.error.code, 'ERR_CONFLICT')
    })

    it('a reporter reads nothing but itself', async () => {
      for (const path of ['/agents', '/requests', '/policy', '/roles', `/agents/${stranger.did}`]) {
        await refused(t.tokens.reporter, 'GET', path, undefined, 403, 'ERR_FORBIDDEN', 'rex')
      }
      assert.equal((await t.call(t.tokens.reporter, 'GET', '/whoami')).body.id, 'rex')
    })

    it('an owner probing for another owner\'s agent learns nothing, and the probe is on record', async () => {
      const seen = t.refusals().length
      const probe = await t.call(t.tokens['agent-owner'], 'POST', '/requests', { subject: stranger.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttl: '1h' })
      const unknown = await t.call(t.tokens['agent-owner'], 'POST', '/requests', { subject: generateAgentKey().did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttl: '1h' })
      assert.deepEqual([probe.status, probe.body.error.code], [404, 'ERR_NOT_FOUND'])
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'ERR_NOT_FOUND'])
      assert.deepEqual(t.refusals().slice(seen).map((r) => [r.actor, r.attempt, r.target]), [['owen', 'request.open', stranger.did]])
    })
  })

  describe('5. decisions follow the policy in force and the task\'s life', () => {
    it('a chain lengthened after the request was opened must be walked to its new end', async () => {
      const id = await open(t.tokens.admin, write(stranger.did, ++n))
      assert.equal((await t.call(tokens.quinn!, 'POST', `/requests/${id}/approve`, {})).status, 200)
      const policy = policyToJson(DEFAULT_POLICY)
      policy.approvalChains = { ...(policy.approvalChains as object), high: ['ai-ops', 'security', 'compliance'] }
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policy)).status, 200)
      try {
        const second = await t.call(t.tokens.security, 'POST', `/requests/${id}/approve`, {})
        assert.equal(second.body.request.status, 'pending', 'the old chain would have issued here')
        assert.deepEqual(second.body.request.chain, ['ai-ops', 'security', 'compliance'])
        const third = await t.call(t.tokens.compliance, 'POST', `/requests/${id}/approve`, {})
        assert.equal(third.body.request.status, 'issued')
        assert.deepEqual(third.body.credential.approvals.map((a: { role: string }) => a.role), ['ai-ops', 'security', 'compliance'])
      } finally {
        assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))).status, 200)
      }
    })

    it('a TTL the policy in force no longer allows, or a chain that changed order, is not approved', async () => {
      const long = await open(t.tokens.admin, { ...write(stranger.did, ++n), ttl: '20h' })
      const reordered = await open(t.tokens.admin, write(stranger.did, ++n))
      assert.equal((await t.call(tokens.quinn!, 'POST', `/requests/${reordered}/approve`, {})).status, 200)
      const policy = policyToJson(DEFAULT_POLICY)
      policy.rules = (policy.rules as Array<Record<string, unknown>>).map((r) => (r.risk === 'high' ? { ...r, maxTtl: '2h' } : r))
      policy.approvalChains = { ...(policy.approvalChains as object), high: ['security', 'ai-ops'] }
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policy)).status, 200)
      try {
        await refused(t.tokens.security, 'POST', `/requests/${long}/approve`, {}, 409, 'ERR_CONFLICT', 'sam')
        await refused(t.tokens.security, 'POST', `/requests/${reordered}/approve`, {}, 409, 'ERR_CONFLICT', 'sam')
        // Denying stays possible.
        assert.equal((await t.call(t.tokens.security, 'POST', `/requests/${long}/deny`, {})).body.request.status, 'denied')
      } finally {
        assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))).status, 200)
      }
    })

    it('after task complete, pending JIT requests for the task are withdrawn and nothing more is issued for it', async () => {
      const jit = { subject: stranger.did, entitlements: [{ resource: 'db:orders/jit', actions: ['write'] }], ttl: '1h', jit: true, task: { id: 'incident-42' } }
      const id = await open(t.tokens.admin, jit)
      const done = await t.call(t.tokens.admin, 'POST', '/tasks/incident-42/complete', {})
      assert.equal(done.status, 200, JSON.stringify(done.body))
      assert.deepEqual(done.body.requestsClosed, [id])
      await refused(tokens.quinn!, 'POST', `/requests/${id}/approve`, {}, 409, 'ERR_CONFLICT', 'quinn')
      const again = { ...jit, entitlements: [{ resource: 'db:orders/read', actions: ['read'] }] }
      await refused(t.tokens.admin, 'POST', '/requests', again, 409, 'ERR_CONFLICT', 'admin')
      await refused(t.tokens.admin, 'POST', '/tasks/incident-42/complete', {}, 409, 'ERR_CONFLICT', 'admin')
    })
  })

  describe('4. deprovisioning cascades (issuer side)', () => {
    it('retiring the person retires every agent she owns, of any kind and through her assistant, closes what was filed by or for them, and voids her approvals', async () => {
      const forStranger = await open(t.tokens.admin, write(stranger.did, ++n))
      assert.equal((await t.call(tokens.petra!, 'POST', `/requests/${forStranger}/approve`, {})).status, 200)
      const filedByHer = await open(tokens.petra!, write(assistant.did, ++n))
      const forHerAgent = await open(t.tokens.admin, write(company.did, ++n))
      const retired = await t.call(t.tokens.admin, 'POST', `/agents/${person.did}/retire`, {})
      assert.equal(retired.status, 200, JSON.stringify(retired.body))
      assert.deepEqual(retired.body.retired.map((s: { agent: string }) => s.agent).sort(), [person.did, assistant.did, subAgent.did, company.did].sort())
      const first = retired.body.retired[0]
      assert.deepEqual(first.principalsDisabled, ['petra'])
      // Hers, on every request not issued yet (another one for a stranger since part 1 among them).
      assert.ok(first.approvalsVoided.some((v: { request: string; principal: string }) => v.request === forStranger && v.principal === 'petra'))
      assert.ok(first.approvalsVoided.every((v: { principal: string }) => v.principal === 'petra'))
      const closed = retired.body.retired.flatMap((s: { requestsClosed?: string[] }) => s.requestsClosed ?? [])
      assert.ok(closed.includes(forHerAgent), JSON.stringify(retired.body))
      assert.ok(closed.includes(filedByHer))
      assert.equal((await t.call(tokens.petra!, 'GET', '/whoami')).status, 401)
      for (const did of [person.did, assistant.did, subAgent.did, company.did]) {
        assert.equal((await t.call(t.tokens.auditor, 'GET', `/agents/${did}`)).body.agent.status, 'retired')
      }
      assert.equal((await t.call(t.tokens.auditor, 'GET', `/requests/${forStranger}`)).body.next, 'ai-ops')
      // No principal can be enabled or made for her again.
      assert.equal((await t.call(t.tokens.admin, 'POST', '/principals/petra/enable', {})).body.error.code, 'ERR_CONFLICT')
    })
  })

  describe('4. deprovisioning: suspended pending a new owner, when the policy says so', () => {
    it('retiring a person suspends her agents instead; a new owner, then resume, brings them back', async () => {
      const policy = { ...policyToJson(DEFAULT_POLICY), onOwnerRetired: 'suspend' }
      assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policy)).status, 200)
      try {
        const leaver = generateAgentKey()
        const bot = generateAgentKey()
        const heir = generateAgentKey()
        await t.issuer.registerAgent({ did: leaver.did, name: 'lee', kind: 'person', owner: 'sales' }, 'test')
        await t.issuer.registerAgent({ did: heir.did, name: 'hana', kind: 'person', owner: 'sales' }, 'test')
        await t.issuer.registerAgent({ did: bot.did, name: 'lee-etl', kind: 'company', owner: leaver.did }, 'test')
        const held = await t.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:sales', actions: ['read'] }], ttlSeconds: 600 }, 'test')
        const retired = await t.call(t.tokens.admin, 'POST', `/agents/${leaver.did}/retire`, {})
        assert.deepEqual(retired.body.retired.map((s: { agent: string; outcome: string }) => [s.agent, s.outcome]), [[leaver.did, 'retired'], [bot.did, 'suspended']])
        const waiting = await t.call(t.tokens.auditor, 'GET', `/agents/${bot.did}`)
        assert.equal(waiting.body.agent.status, 'active')
        assert.ok(waiting.body.agent.suspendedAt)
        assert.equal(waiting.body.credentials[0].status, 'suspended')
        // A retired owner, a cycle of owners, a retired agent: refused.
        const refusedMove = async (did: string, owner: string, code: string) => {
          const r = await t.call(t.tokens.admin, 'POST', `/agents/${did}/owner`, { owner })
          assert.equal(r.body.error?.code, code, `${did} -> ${owner}: ${JSON.stringify(r.body)}`)
        }
        await refusedMove(bot.did, leaver.did, 'ERR_CONFLICT')
        await refusedMove(leaver.did, heir.did, 'ERR_CONFLICT')
        const moved = await t.call(t.tokens.admin, 'POST', `/agents/${bot.did}/owner`, { owner: heir.did })
        assert.equal(moved.body.agent.owner, heir.did)
        await refusedMove(heir.did, bot.did, 'ERR_INPUT_INVALID')
        assert.deepEqual((await t.call(t.tokens.security, 'POST', `/agents/${bot.did}/resume`, {})).body.resumed, [held.id])
        await refused(t.tokens.security, 'POST', `/agents/${bot.did}/owner`, { owner: 'sales' }, 403, 'ERR_FORBIDDEN', 'sam')
      } finally {
        assert.equal((await t.call(t.tokens.admin, 'PUT', '/policy', policyToJson(DEFAULT_POLICY))).status, 200)
      }
    })
  })

  describe('9. resuming an agent does not resume what was suspended for another reason', () => {
    it('a credential suspended on its own stays suspended when its agent is resumed', async () => {
      const bot = generateAgentKey()
      await t.issuer.registerAgent({ did: bot.did, name: 'resumable', kind: 'service', owner: 'ops' }, 'test')
      const a = await t.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:a', actions: ['read'] }], ttlSeconds: 600 }, 'test')
      const b = await t.issuer.grant({ subject: bot.did, entitlements: [{ resource: 'db:b', actions: ['read'] }], ttlSeconds: 600 }, 'test')
      assert.equal((await t.call(t.tokens.security, 'POST', `/credentials/${encodeURIComponent(a.id)}/suspend`, {})).status, 200)
      assert.deepEqual((await t.call(t.tokens.security, 'POST', `/agents/${bot.did}/suspend`, {})).body.suspended, [b.id])
      assert.deepEqual((await t.call(t.tokens.security, 'POST', `/agents/${bot.did}/resume`, {})).body.resumed, [b.id])
      assert.equal((await t.call(t.tokens.auditor, 'GET', `/credentials/${encodeURIComponent(a.id)}`)).body.status, 'suspended')
    })
  })
})
