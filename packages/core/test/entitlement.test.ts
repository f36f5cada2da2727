import assert from 'node:assert/strict'
import {
  entitlementToJson,
  matchEntitlements,
  parseAccessRequest,
  parseAction,
  parseEntitlement,
  parseEntitlements,
  parsePurpose,
  type AccessRequest,
  type Entitlement,
} from '@agentid/core'
import { throwsCode } from './assert-code.js'

// Monday 2024-01-01 12:00 UTC, fixed: no wall clock.
const NOW = Date.UTC(2024, 0, 1, 12)
const NIGHT = Date.UTC(2024, 0, 1, 23)

const base = { resource: 'db:customers', actions: ['read'] }

// [name, entitlement, code]
const INVALID: Array<[string, unknown, string]> = [
  ['null', null, 'ERR_INPUT_INVALID'],
  ['an array', [base], 'ERR_INPUT_INVALID'],
  ['a string', 'db:customers', 'ERR_INPUT_INVALID'],
  ['an unknown member', { ...base, scope: 'all' }, 'ERR_INPUT_INVALID'],
  ['an id member', { ...base, id: 'e1' }, 'ERR_INPUT_INVALID'],
  ['a misspelled member', { resource: 'db:customers', action: ['read'] }, 'ERR_INPUT_INVALID'],
  ['no resource', { actions: ['read'] }, 'ERR_INPUT_INVALID'],
  ['a bad resource', { ...base, resource: 'customers' }, 'ERR_INPUT_INVALID'],
  ['a wildcard in the middle', { ...base, resource: 'db:*/x' }, 'ERR_INPUT_INVALID'],
  ['a dot-dot segment', { ...base, resource: 'db:hr/../finance' }, 'ERR_INPUT_INVALID'],
  ['no actions', { resource: 'db:customers' }, 'ERR_INPUT_INVALID'],
  ['empty actions', { ...base, actions: [] }, 'ERR_INPUT_INVALID'],
  ['actions as a string', { ...base, actions: 'read' }, 'ERR_INPUT_INVALID'],
  ['a duplicate action', { ...base, actions: ['read', 'write', 'read'] }, 'ERR_INPUT_INVALID'],
  ['a wildcard action', { ...base, actions: ['*'] }, 'ERR_INPUT_INVALID'],
  ['an upper-case action', { ...base, actions: ['Read'] }, 'ERR_INPUT_INVALID'],
  ['an action with a space', { ...base, actions: ['read all'] }, 'ERR_INPUT_INVALID'],
  ['an empty action', { ...base, actions: [''] }, 'ERR_INPUT_INVALID'],
  ['a non-string action', { ...base, actions: [1] }, 'ERR_INPUT_INVALID'],
  ['17 actions', { ...base, actions: Array.from({ length: 17 }, (_, i) => `a${i}`) }, 'ERR_INPUT_INVALID'],
  ['a bad purpose', { ...base, purpose: 'Monthly Report' }, 'ERR_INPUT_INVALID'],
  ['an empty purpose', { ...base, purpose: '' }, 'ERR_INPUT_INVALID'],
  ['a null purpose', { ...base, purpose: null }, 'ERR_INPUT_INVALID'],
  ['constraints not an object', { ...base, constraints: 'none' }, 'ERR_INPUT_INVALID'],
  ['an unknown constraint (issuer side)', { ...base, constraints: { geo: 'eu' } }, 'ERR_INPUT_INVALID'],
  ['a bad constraint', { ...base, constraints: { maxRecords: 0 } }, 'ERR_INPUT_INVALID'],
]

// [name, value, parse]
const NAMES: Array<[string, unknown, (v: unknown) => string]> = [
  ['action 33 chars', `a${'b'.repeat(32)}`, parseAction],
  ['action starting with a digit', '1read', parseAction],
  ['action with a dot', 'read.all', parseAction],
  ['action with a colon', 'db:read', parseAction],
  ['purpose 65 chars', `a${'b'.repeat(64)}`, parsePurpose],
  ['purpose starting with a dash', '-report', parsePurpose],
  ['purpose with a space', 'monthly report', parsePurpose],
  ['purpose with a slash', 'monthly/report', parsePurpose],
  ['purpose as a number', 7, parsePurpose],
]

describe('parseEntitlement', () => {
  it('parses the DESIGN.md example', () => {
    const e = parseEntitlement({
      resource: 'db:customers',
      actions: ['read'],
      purpose: 'monthly-report',
      constraints: { hours: '08:00-18:00Z', networks: ['10.20.0.0/16'], maxRecords: 5000 },
    })
    assert.equal(e.resource, 'db:customers')
    assert.deepEqual(e.actions, ['read'])
    assert.equal(e.purpose, 'monthly-report')
    assert.equal(e.constraints?.maxRecords, 5000)
    assert.deepEqual(e.constraints?.hours, { start: 480, end: 1080, text: '08:00-18:00Z' })
  })

  it('leaves purpose and constraints absent when not given', () => {
    const e = parseEntitlement({ resource: 'db:hr/*', actions: ['read', 'write'] })
    assert.deepEqual(Object.keys(e).sort(), ['actions', 'resource'])
  })

  it('accepts 16 distinct actions and long names', () => {
    assert.equal(parseEntitlement({ ...base, actions: Array.from({ length: 16 }, (_, i) => `a${i}`) }).actions.length, 16)
    assert.equal(parseAction(`a${'b'.repeat(31)}`), `a${'b'.repeat(31)}`)
    assert.equal(parsePurpose(`0${'b'.repeat(63)}`), `0${'b'.repeat(63)}`)
    assert.equal(parseAction('read_all-v2'), 'read_all-v2')
    assert.equal(parsePurpose('q4.report_2024-eu'), 'q4.report_2024-eu')
  })

  for (const [name, value, code] of INVALID) it(`refuses ${name}`, () => throwsCode(() => parseEntitlement(value), code))

  for (const [name, value, parse] of NAMES) it(`refuses ${name}`, () => throwsCode(() => parse(value), 'ERR_INPUT_INVALID'))

  it('keeps unknown constraints when asked (verifier side)', () => {
    const e = parseEntitlement({ ...base, constraints: { geo: 'eu' } }, 'e', { allowUnknownConstraints: true })
    assert.deepEqual(e.constraints?.unknown, ['geo'])
  })

  it('round-trips through entitlementToJson', () => {
    const json = { resource: 'db:hr/*', actions: ['read', 'export'], purpose: 'audit', constraints: { days: ['mon'], maxRecords: 3 } }
    const e = parseEntitlement(json)
    assert.deepEqual(entitlementToJson(e), json)
    assert.deepEqual(parseEntitlement(entitlementToJson(e)), e)
    assert.deepEqual(entitlementToJson(parseEntitlement(base)), base)
  })
})

describe('parseEntitlements', () => {
  it('parses a list', () => assert.equal(parseEntitlements([base, { ...base, resource: 'db:orders' }]).length, 2))

  it('accepts 64 entitlements', () => assert.equal(parseEntitlements(new Array(64).fill(base)).length, 64))

  const CASES: Array<[string, unknown, string]> = [
    ['an empty list', [], 'ERR_INPUT_INVALID'],
    ['not a list', base, 'ERR_INPUT_INVALID'],
    ['null', null, 'ERR_INPUT_INVALID'],
    ['65 entitlements', new Array(65).fill(base), 'ERR_INPUT_INVALID'],
    ['one bad entitlement among good ones', [base, { ...base, actions: [] }], 'ERR_INPUT_INVALID'],
    ['an unknown constraint by default', [{ ...base, constraints: { geo: 'eu' } }], 'ERR_INPUT_INVALID'],
  ]
  for (const [name, value, code] of CASES) it(`refuses ${name}`, () => throwsCode(() => parseEntitlements(value), code))

  it('passes allowUnknownConstraints down', () => {
    const [e] = parseEntitlements([{ ...base, constraints: { geo: 'eu' } }], 'entitlements', { allowUnknownConstraints: true })
    assert.deepEqual(e?.constraints?.unknown, ['geo'])
  })
})

describe('parseAccessRequest', () => {
  it('accepts a request and returns it', () => {
    const request: AccessRequest = { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.0.0.1' } }
    assert.equal(parseAccessRequest(request), request)
    assert.equal(parseAccessRequest({ resource: 'crm:accounts/eu/42', action: 'write' }).action, 'write')
  })

  const CASES: Array<[string, AccessRequest, string]> = [
    ['a pattern as the resource', { resource: 'db:hr/*', action: 'read' }, 'ERR_INPUT_INVALID'],
    ['a dot-dot resource', { resource: 'db:hr/../finance', action: 'read' }, 'ERR_INPUT_INVALID'],
    ['an empty resource', { resource: '', action: 'read' }, 'ERR_INPUT_INVALID'],
    ['an empty action', { resource: 'db:x', action: '' }, 'ERR_INPUT_INVALID'],
    ['a wildcard action', { resource: 'db:x', action: '*' }, 'ERR_INPUT_INVALID'],
    ['an upper-case action', { resource: 'db:x', action: 'READ' }, 'ERR_INPUT_INVALID'],
    ['a bad purpose', { resource: 'db:x', action: 'read', purpose: 'Not OK' }, 'ERR_INPUT_INVALID'],
    ['an empty purpose', { resource: 'db:x', action: 'read', purpose: '' }, 'ERR_INPUT_INVALID'],
  ]
  for (const [name, request, code] of CASES) it(`refuses ${name}`, () => throwsCode(() => parseAccessRequest(request), code))
})

describe('matchEntitlements', () => {
  const E = (value: unknown): Entitlement => parseEntitlement(value, 'e', { allowUnknownConstraints: true })
  const readCustomers = E(base)
  const hrForAudit = E({ resource: 'db:hr/*', actions: ['read', 'export'], purpose: 'audit' })
  const dayOnly = E({ resource: 'db:orders', actions: ['read'], constraints: { hours: '08:00-18:00Z' } })
  const dayOnlyForReport = E({ resource: 'db:orders', actions: ['read'], purpose: 'report', constraints: { hours: '08:00-18:00Z' } })
  const unknownConstraint = E({ resource: 'db:geo', actions: ['read'], constraints: { geo: 'eu' } })
  const ALL = [readCustomers, hrForAudit, dayOnly, unknownConstraint]

  const allowed = (list: readonly Entitlement[], request: AccessRequest, index: number, nowMs = NOW): void => {
    const m = matchEntitlements(list, request, nowMs)
    assert.ok(m.allow, `expected allow, got ${m.allow ? '' : m.code}`)
    assert.equal(m.index, index)
    assert.equal(m.entitlement, list[index])
  }
  const denied = (list: readonly Entitlement[], request: AccessRequest, code: string, nowMs = NOW): void => {
    const m = matchEntitlements(list, request, nowMs)
    assert.equal(m.allow, false)
    if (!m.allow) {
      assert.equal(m.code, code)
      assert.equal(typeof m.message, 'string')
    }
  }

  it('denies everything with no entitlements', () => denied([], { resource: 'db:customers', action: 'read' }, 'ERR_NOT_ENTITLED'))

  it('allows an exact resource and action', () => allowed(ALL, { resource: 'db:customers', action: 'read' }, 0))

  // [name, request, code]: refused by ALL.
  const DENIED: Array<[string, AccessRequest, string]> = [
    ['another action', { resource: 'db:customers', action: 'write' }, 'ERR_NOT_ENTITLED'],
    ['an action prefix', { resource: 'db:customers', action: 're' }, 'ERR_NOT_ENTITLED'],
    ['an action extension', { resource: 'db:customers', action: 'readx' }, 'ERR_NOT_ENTITLED'],
    ['another resource', { resource: 'db:customers2', action: 'read' }, 'ERR_NOT_ENTITLED'],
    ['a deeper resource than an exact grant', { resource: 'db:customers/eu', action: 'read' }, 'ERR_NOT_ENTITLED'],
    ['the base of a wildcard grant', { resource: 'db:hr', action: 'read', purpose: 'audit' }, 'ERR_NOT_ENTITLED'],
    ['a sibling of a wildcard grant', { resource: 'db:hr2/payroll', action: 'read', purpose: 'audit' }, 'ERR_NOT_ENTITLED'],
    ['no purpose where one is required', { resource: 'db:hr/payroll', action: 'read' }, 'ERR_PURPOSE'],
    ['another purpose', { resource: 'db:hr/payroll', action: 'read', purpose: 'marketing' }, 'ERR_PURPOSE'],
    ['a purpose differing in a suffix', { resource: 'db:hr/payroll', action: 'read', purpose: 'audit2' }, 'ERR_PURPOSE'],
    ['outside the hours', { resource: 'db:orders', action: 'read', context: { time: NIGHT } }, 'ERR_CONSTRAINT'],
    ['an unknown constraint', { resource: 'db:geo', action: 'read' }, 'ERR_CONSTRAINT'],
  ]
  for (const [name, request, code] of DENIED) it(`denies ${name} with ${code}`, () => denied(ALL, request, code))

  it('matches a wildcard at any depth with the right purpose', () => {
    allowed(ALL, { resource: 'db:hr/payroll', action: 'export', purpose: 'audit' }, 1)
    allowed(ALL, { resource: 'db:hr/payroll/2024/03', action: 'read', purpose: 'audit' }, 1)
  })

  it('lets an entitlement without purpose match any purpose, or none', () => {
    allowed(ALL, { resource: 'db:customers', action: 'read', purpose: 'anything' }, 0)
    allowed(ALL, { resource: 'db:customers', action: 'read' }, 0)
  })

  it('uses nowMs when the context has no time, and the context time when it has one', () => {
    allowed(ALL, { resource: 'db:orders', action: 'read' }, 2, NOW)
    denied(ALL, { resource: 'db:orders', action: 'read' }, 'ERR_CONSTRAINT', NIGHT)
    allowed(ALL, { resource: 'db:orders', action: 'read', context: { time: NOW } }, 2, NIGHT)
  })

  it('reports the most specific failure: ERR_CONSTRAINT over ERR_PURPOSE over ERR_NOT_ENTITLED', () => {
    const request: AccessRequest = { resource: 'db:orders', action: 'read', purpose: 'other', context: { time: NIGHT } }
    const purposeOnly = E({ resource: 'db:orders', actions: ['read'], purpose: 'billing' })
    const otherAction = E({ resource: 'db:orders', actions: ['write'] })
    // Whatever the order, the most specific reason wins.
    for (const list of [[otherAction, purposeOnly, dayOnly], [dayOnly, purposeOnly, otherAction], [purposeOnly, dayOnly], [dayOnly, purposeOnly]]) {
      denied(list, request, 'ERR_CONSTRAINT')
    }
    for (const list of [[otherAction, purposeOnly], [purposeOnly, otherAction]]) denied(list, request, 'ERR_PURPOSE')
    denied([otherAction], request, 'ERR_NOT_ENTITLED')
  })

  it('checks purpose before constraints on one entitlement', () => {
    denied([dayOnlyForReport], { resource: 'db:orders', action: 'read', purpose: 'other', context: { time: NIGHT } }, 'ERR_PURPOSE')
    denied([dayOnlyForReport], { resource: 'db:orders', action: 'read', purpose: 'report', context: { time: NIGHT } }, 'ERR_CONSTRAINT')
    allowed([dayOnlyForReport], { resource: 'db:orders', action: 'read', purpose: 'report', context: { time: NOW } }, 0)
  })

  it('allows when any one entitlement allows, even after failing ones', () => {
    const list = [dayOnlyForReport, E({ resource: 'db:orders', actions: ['read'] })]
    allowed(list, { resource: 'db:orders', action: 'read', context: { time: NIGHT } }, 1)
  })

  it('returns the first entitlement that allows', () => {
    const list = [E({ resource: 'db:hr/*', actions: ['read'] }), E({ resource: 'db:hr/payroll', actions: ['read'] })]
    allowed(list, { resource: 'db:hr/payroll', action: 'read' }, 0)
  })

  it('denies by default when a constraint needs context the request lacks', () => {
    const list = [E({ ...base, constraints: { networks: ['10.0.0.0/8'], maxRecords: 10 } })]
    denied(list, { resource: 'db:customers', action: 'read' }, 'ERR_CONSTRAINT')
    denied(list, { resource: 'db:customers', action: 'read', context: { ip: '10.1.2.3' } }, 'ERR_CONSTRAINT')
    denied(list, { resource: 'db:customers', action: 'read', context: { records: 1 } }, 'ERR_CONSTRAINT')
    allowed(list, { resource: 'db:customers', action: 'read', context: { ip: '10.1.2.3', records: 10 } }, 0)
  })
})
