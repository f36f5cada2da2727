import assert from 'node:assert/strict'
import { assessEntitlements, DEFAULT_POLICY, parsePolicy, policyToJson, type Policy } from '@agentid/issuer'

const e = (resource: string, ...actions: string[]) => ({ resource, actions })

describe('policy', () => {
  it('round-trips the default through its JSON form', () => {
    assert.deepEqual(parsePolicy(policyToJson(DEFAULT_POLICY)), DEFAULT_POLICY)
    assert.deepEqual(parsePolicy(JSON.stringify(policyToJson(DEFAULT_POLICY))), DEFAULT_POLICY)
  })

  describe('judges a grant: highest risk, shortest TTL, the chain of that risk', () => {
    const cases: Array<[string, ReturnType<typeof e>[], string, number, string[]]> = [
      ['a read is low risk, no approval', [e('db:customers', 'read')], 'low', 7 * 86400, []],
      ['a write anywhere is high', [e('db:customers', 'write')], 'high', 86400, ['ai-ops', 'security']],
      ['a delete anywhere is high', [e('files:reports/*', 'delete')], 'high', 86400, ['ai-ops', 'security']],
      ['HR is high even to read', [e('hr:records', 'read')], 'high', 86400, ['ai-ops', 'security']],
      ['a rule about a narrower resource applies to a wider grant', [e('hr:records/*', 'read')], 'high', 86400, ['ai-ops', 'security']],
      ['payments are critical', [e('payments:transfers', 'read')], 'critical', 3600, ['ai-ops', 'security', 'compliance']],
      ['an action no rule names is critical', [e('db:customers', 'frobnicate')], 'critical', Number.MAX_SAFE_INTEGER, ['ai-ops', 'security', 'compliance']],
      ['the riskiest entitlement decides', [e('db:a', 'read'), e('db:b', 'update')], 'high', 86400, ['ai-ops', 'security']],
    ]
    for (const [name, entitlements, risk, maxTtl, chain] of cases) {
      it(name, () => {
        const a = assessEntitlements(DEFAULT_POLICY, entitlements)
        assert.deepEqual([a.risk, a.maxTtlSeconds, a.chain], [risk, maxTtl, chain])
      })
    }
  })

  it('lets a rule waive or force approval', () => {
    const policy = (approval: boolean, risk = 'high'): Policy => parsePolicy({ ...policyToJson(DEFAULT_POLICY), rules: [{ resource: 'db:*', actions: ['*'], risk, approval }] })
    assert.deepEqual(assessEntitlements(policy(false), [e('db:x', 'write')]).chain, [])
    assert.deepEqual(assessEntitlements(policy(true, 'medium'), [e('db:x', 'write')]).chain, ['ai-ops'])
    assert.throws(() => assessEntitlements(policy(true, 'low'), [e('db:x', 'write')]), { code: 'ERR_FORBIDDEN' })
    // A waiver holds only when every rule that applies waives.
    const mixed = parsePolicy({ ...policyToJson(DEFAULT_POLICY), rules: [{ resource: 'db:*', actions: ['*'], risk: 'high', approval: false }, { resource: '*', actions: ['write'], risk: 'high' }] })
    assert.deepEqual(assessEntitlements(mixed, [e('db:x', 'write')]).chain, ['ai-ops', 'security'])
  })

  describe('refuses a malformed document', () => {
    const base = policyToJson(DEFAULT_POLICY)
    const bad: Array<[string, unknown]> = [
      ['not an object', []],
      ['an unknown top-level field', { ...base, approvers: [] }],
      ['an unknown rule field', { ...base, rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTTL: '1h' }] }],
      ['a risk that is not a level', { ...base, rules: [{ resource: '*', actions: ['*'], risk: 'severe' }] }],
      ['no rules', { ...base, rules: [] }],
      ['a chain naming a role not in approverRoles', { ...base, approvalChains: { ...(base.approvalChains as object), high: ['ai-ops', 'root'] } }],
      ['a chain repeating a role', { ...base, approvalChains: { ...(base.approvalChains as object), high: ['ai-ops', 'ai-ops'] } }],
      ['admin as an approver role', { ...base, approverRoles: ['admin'] }],
      ['the agent role as an approver role', { ...base, approverRoles: ['ai-ops', 'agent'] }],
      ['a resource scope with a wildcard in the middle', { ...base, rules: [{ resource: 'db:*/x', actions: ['*'], risk: 'low' }] }],
      ['a duration without a unit', { ...base, requestTtl: '72' }],
      ['duplicated JSON members', '{"rules":[],"rules":[]}'],
      ['a conflict with one side', { ...base, conflicts: [{ name: 'x', sides: [{ resource: '*', actions: ['a'] }] }] }],
      ['two conflicts with one name', { ...base, conflicts: [{ name: 'x', sides: [{ resource: '*', actions: ['a'] }, { resource: '*', actions: ['b'] }] }, { name: 'x', sides: [{ resource: '*', actions: ['a'] }, { resource: '*', actions: ['b'] }] }] }],
    ]
    for (const [name, doc] of bad) it(name, () => assert.throws(() => parsePolicy(doc), { code: 'ERR_INPUT_INVALID' }))
  })
})
