import assert from 'node:assert/strict'
import { findDutyConflict, heldDutyConflict, parseDutyConflicts, parseResourceScope, scopeOverlaps } from '@agentid/core'

describe('duty conflicts', () => {
  it('reads resource scopes: *, scheme:*, or a pattern', () => {
    for (const ok of ['*', 'payments:*', 'db:hr/*', 'db:hr']) assert.equal(parseResourceScope(ok), ok)
    for (const bad of ['', '**', 'db:*/x', 'DB:*', 'db:hr/../x', 42]) assert.throws(() => parseResourceScope(bad), { code: 'ERR_INPUT_INVALID' })
  })

  it('overlaps when a scope and a pattern share a resource', () => {
    const table: Array<[string, string, boolean]> = [
      ['*', 'db:x', true],
      ['payments:*', 'payments:transfers/eu', true],
      ['payments:*', 'paymentsx:transfers', false],
      ['hr:salaries', 'hr:salaries', true],
      ['db:hr/*', 'db:hr/payroll', true],
      ['db:hr/payroll', 'db:hr/*', true],
      ['db:hr/*', 'db:finance/*', false],
      ['db:hr', 'db:hr/payroll', false],
    ]
    for (const [scope, pattern, expected] of table) assert.equal(scopeOverlaps(scope, pattern), expected, `${scope} ~ ${pattern}`)
  })

  const rules = parseDutyConflicts([{ name: 'maker-checker', sides: [{ resource: 'payments:*', actions: ['initiate'] }, { resource: 'payments:*', actions: ['approve'] }] }])
  const initiate = [{ resource: 'payments:transfers', actions: ['initiate'] }]
  const approve = [{ resource: 'payments:transfers/*', actions: ['approve', 'read'] }]

  it('finds the holder of the other side, or the grant itself holding both', () => {
    assert.deepEqual(findDutyConflict(rules, approve, [{ id: 'c1', entitlements: initiate }]), { rule: 'maker-checker', holder: { id: 'c1', entitlements: initiate } })
    assert.deepEqual(findDutyConflict(rules, [...initiate, ...approve], []), { rule: 'maker-checker', holder: undefined })
    assert.equal(findDutyConflict(rules, [{ resource: 'payments:transfers', actions: ['read'] }], [{ id: 'c1', entitlements: initiate }]), undefined)
    assert.equal(findDutyConflict(rules, approve, [{ id: 'c2', entitlements: [{ resource: 'code:repo', actions: ['initiate'] }] }]), undefined)
    // A conflict already among what is held is not this grant's doing.
    assert.equal(findDutyConflict(rules, [{ resource: 'db:x', actions: ['read'] }], [{ id: 'a', entitlements: initiate }, { id: 'b', entitlements: approve }]), undefined)
  })

  it('finds a rule whose two sides one set of entitlements holds', () => {
    assert.equal(heldDutyConflict(rules, [...initiate, ...approve]), 'maker-checker')
    assert.equal(heldDutyConflict(rules, initiate), undefined)
  })
})
