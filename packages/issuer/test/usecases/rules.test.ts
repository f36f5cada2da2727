import assert from 'node:assert/strict'
import type { Entitlement } from '@agentid/core'
import { DEFAULT_POLICY, type Policy } from '../../src/governance/policy.js'
import { checkTtl, dutyGuard, isoSeconds, isPrefix, judgeEntitlements, requireRole } from '../../src/usecases/rules.js'

const initiate: Entitlement = { resource: 'payments:eu', actions: ['initiate'] }
const approve: Entitlement = { resource: 'payments:eu', actions: ['approve'] }
const read: Entitlement = { resource: 'crm:contacts', actions: ['read'] }

describe('use-case rules', () => {
  describe('dutyGuard', () => {
    it('is undefined for a grant that touches no conflict rule: no look at the holdings needed', () => {
      assert.equal(dutyGuard(DEFAULT_POLICY, [read]), undefined)
    })

    it('refuses a grant that holds both sides alone, and one beside a holding of the other side', () => {
      assert.throws(() => dutyGuard(DEFAULT_POLICY, [initiate, approve])!([]), { code: 'ERR_SOD_CONFLICT' })
      const guard = dutyGuard(DEFAULT_POLICY, [initiate])!
      assert.doesNotThrow(() => guard([{ id: 'c1', subject: 'did:key:zA', entitlements: [read], via: 'credential' }]))
      assert.throws(() => guard([{ id: 'c2', subject: 'did:key:zA', entitlements: [approve], via: 'delegation' }]), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_SOD_CONFLICT')
        assert.match(error.message, /delegation c2/)
        return true
      })
    })
  })

  describe('checkTtl', () => {
    const CASES: Array<[string, number, number, 'ERR_INPUT_INVALID' | 'ERR_CONFLICT' | undefined, 'ERR_INPUT_INVALID' | 'ERR_CONFLICT' | undefined]> = [
      ['zero', 0, 60, undefined, 'ERR_INPUT_INVALID'],
      ['a fraction', 1.5, 60, undefined, 'ERR_INPUT_INVALID'],
      ['over the limit, asked now', 61, 60, undefined, 'ERR_INPUT_INVALID'],
      ['over the limit, of a pending request', 61, 60, 'ERR_CONFLICT', 'ERR_CONFLICT'],
      ['a fraction, of a pending request, is still bad input', 0.5, 60, 'ERR_CONFLICT', 'ERR_INPUT_INVALID'],
    ]
    for (const [name, ttl, max, tooLong, code] of CASES) {
      it(`refuses ${name}`, () => assert.throws(() => checkTtl(ttl, max, false, tooLong), { code }))
    }
    it('accepts the limit itself', () => assert.doesNotThrow(() => checkTtl(60, 60, true)))
  })

  describe('judgeEntitlements', () => {
    it('keeps the policy\'s judgement when nothing raises it', () => {
      assert.deepEqual(judgeEntitlements(DEFAULT_POLICY, [read], { byAgent: false }), { risk: 'low', chain: [], maxTtlSeconds: 7 * 86400 })
    })

    it('takes the chain of a risk floor above the assessed risk', () => {
      assert.deepEqual(judgeEntitlements(DEFAULT_POLICY, [read], { riskFloor: 'high', byAgent: false }).chain, ['ai-ops', 'security'])
    })

    it('gives an agent asking for itself at least the medium chain, else the first approver role', () => {
      assert.deepEqual(judgeEntitlements(DEFAULT_POLICY, [read], { byAgent: true }).chain, ['ai-ops'])
      const noMedium: Policy = { ...DEFAULT_POLICY, approvalChains: { low: [], medium: [], high: [], critical: [] } }
      assert.deepEqual(judgeEntitlements(noMedium, [read], { byAgent: true }).chain, ['ai-ops'])
      const nobody: Policy = { ...noMedium, approverRoles: [] }
      assert.throws(() => judgeEntitlements(nobody, [read], { byAgent: true }), { code: 'ERR_FORBIDDEN' })
    })
  })

  it('isPrefix, requireRole and isoSeconds', () => {
    assert.equal(isPrefix(['a'], ['a', 'b']), true)
    assert.equal(isPrefix(['a', 'b'], ['a']), false)
    assert.equal(isPrefix(['b'], ['a', 'b']), false)
    assert.deepEqual(requireRole({ id: 'ada', roles: ['admin'] }, 'admin', 'do it'), { id: 'ada', roles: ['admin'] })
    assert.throws(() => requireRole({ id: 'bob', roles: ['auditor'] }, 'admin', 'do it'), { code: 'ERR_FORBIDDEN' })
    assert.equal(isoSeconds(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05Z')
  })
})
