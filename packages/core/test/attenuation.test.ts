import assert from 'node:assert/strict'
import { attenuationViolation, entitlementExceeds, parseEntitlement } from '@agentid/core'

const parent = parseEntitlement({
  resource: 'db:hr/*', actions: ['read', 'list'], purpose: 'payroll',
  constraints: { hours: '08:00-18:00Z', days: ['mon', 'tue', 'wed'], networks: ['10.20.0.0/16', 'fd00::/8'], maxRecords: 100 },
})
const open = parseEntitlement({ resource: 'crm:accounts/*', actions: ['read'] })
const child = (overrides: Record<string, unknown>, constraintOverrides: Record<string, unknown> = {}) => {
  const constraints = { hours: '08:00-18:00Z', days: ['mon', 'tue', 'wed'], networks: ['10.20.0.0/16', 'fd00::/8'], maxRecords: 100, ...constraintOverrides }
  for (const [k, v] of Object.entries(constraints)) if (v === undefined) delete (constraints as Record<string, unknown>)[k]
  return parseEntitlement({ resource: 'db:hr/*', actions: ['read', 'list'], purpose: 'payroll', constraints, ...overrides })
}

// [axis, child, within?]
const CASES: Array<[string, ReturnType<typeof child>, boolean]> = [
  ['identical', child({}), true],
  ['resource: narrower pattern', child({ resource: 'db:hr/payroll/*' }), true],
  ['resource: a concrete resource under it', child({ resource: 'db:hr/payroll' }), true],
  ['resource: wider', child({ resource: 'db:*'.replace('*', 'hr') }), false],
  ['resource: a sibling', child({ resource: 'db:hr2/x' }), false],
  ['resource: another scheme', child({ resource: 'files:hr/x' }), false],
  ['actions: a subset', child({ actions: ['read'] }), true],
  ['actions: an extra one', child({ actions: ['read', 'delete'] }), false],
  ['purpose: changed', child({ purpose: 'marketing' }), false],
  ['purpose: dropped', child({ purpose: undefined }), false],
  ['hours: narrower', child({}, { hours: '09:00-17:00Z' }), true],
  ['hours: wider', child({}, { hours: '07:00-18:00Z' }), false],
  ['hours: wrapping past midnight', child({}, { hours: '17:00-09:00Z' }), false],
  ['hours: dropped', child({}, { hours: undefined }), false],
  ['days: fewer', child({}, { days: ['mon'] }), true],
  ['days: another', child({}, { days: ['mon', 'sun'] }), false],
  ['days: dropped', child({}, { days: undefined }), false],
  ['networks: a subnet', child({}, { networks: ['10.20.30.0/24'] }), true],
  ['networks: an IPv6 subnet', child({}, { networks: ['fd00:1::/32'] }), true],
  ['networks: a wider one', child({}, { networks: ['10.0.0.0/8'] }), false],
  ['networks: one outside', child({}, { networks: ['10.20.0.0/16', '192.168.0.0/16'] }), false],
  ['networks: dropped', child({}, { networks: undefined }), false],
  ['maxRecords: lower', child({}, { maxRecords: 10 }), true],
  ['maxRecords: higher', child({}, { maxRecords: 101 }), false],
  ['maxRecords: dropped', child({}, { maxRecords: undefined }), false],
]

describe('attenuation: a child entitlement within its parent, axis by axis', () => {
  for (const [name, c, within] of CASES) {
    it(`${name}: ${within ? 'within' : 'exceeds'}`, () => {
      const reason = entitlementExceeds(c, parent)
      assert.equal(reason === undefined, within, reason)
    })
  }

  it('lets a child add constraints and set a purpose where the parent left them open', () => {
    const tighter = parseEntitlement({ resource: 'crm:accounts/eu/*', actions: ['read'], purpose: 'support', constraints: { maxRecords: 5 } })
    assert.equal(entitlementExceeds(tighter, open), undefined)
  })

  it('refuses any child of a parent constraint it cannot evaluate', () => {
    const unknown = parseEntitlement({ resource: 'db:x', actions: ['read'], constraints: { geofence: 'eu' } }, 'e', { allowUnknownConstraints: true })
    const same = parseEntitlement({ resource: 'db:x', actions: ['read'], constraints: { geofence: 'eu' } }, 'e', { allowUnknownConstraints: true })
    assert.match(entitlementExceeds(same, unknown) ?? '', /not understood/)
  })

  it('checks every child entitlement against any parent entitlement', () => {
    assert.equal(attenuationViolation([child({ actions: ['read'] }), parseEntitlement({ resource: 'crm:accounts/1', actions: ['read'] })], [parent, open]), undefined)
    assert.match(attenuationViolation([child({}), parseEntitlement({ resource: 'crm:accounts/1', actions: ['write'] })], [parent, open]) ?? '', /entitlement 1/)
  })
})
