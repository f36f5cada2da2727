import assert from 'node:assert/strict'
import {
  AGENTID_CONTEXT_V1,
  AGENT_KINDS,
  CREDENTIALS_CONTEXT_V1,
  ENTITLEMENT_CREDENTIAL_TYPE,
  RISK_LEVELS,
  didKeyFromPublicKey,
  entitlementSubjectToJson,
  matchEntitlements,
  parseAgentKind,
  parseAgentName,
  parseAgentProfile,
  parseEntitlementSubject,
  parseOwner,
  parseSegment,
  parseTaskId,
} from '@agentid/core'
import { throwsCode } from './assert-code.js'
import { publicKeyFromSeed, seedOf } from './ed25519.js'

const OWNER = didKeyFromPublicKey(publicKeyFromSeed(seedOf(11))).did
const AGENT = didKeyFromPublicKey(publicKeyFromSeed(seedOf(12))).did
const SMALL_ORDER_DID = 'did:key:z6MkeXATEjyXENzBXBxgC5EHk2JE5aqd7qMGGtDpLUH1e2Sj'

const PROFILE = { name: 'report-bot', kind: 'company', owner: OWNER, segment: 'sales' }
const SUBJECT = {
  id: AGENT,
  agent: PROFILE,
  entitlements: [
    { resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { hours: '08:00-18:00Z', networks: ['10.20.0.0/16'], maxRecords: 5000 } },
  ],
  task: { id: 'task-2026-11-report', description: 'November report' },
  risk: 'medium',
}

describe('credential constants', () => {
  it('name the contexts and type of DESIGN.md', () => {
    assert.equal(CREDENTIALS_CONTEXT_V1, 'https://www.w3.org/2018/credentials/v1')
    assert.equal(ENTITLEMENT_CREDENTIAL_TYPE, 'AgentEntitlementCredential')
    assert.match(AGENTID_CONTEXT_V1, /^https:\/\//)
    assert.deepEqual([...AGENT_KINDS], ['company', 'employee', 'service', 'person'])
    assert.deepEqual([...RISK_LEVELS], ['low', 'medium', 'high', 'critical'])
  })
})

// [name, parse, value, code]
const FIELD_CASES: Array<[string, (v: unknown) => string, unknown, string]> = [
  ['name empty', parseAgentName, '', 'ERR_INPUT_INVALID'],
  ['name with a space', parseAgentName, 'report bot', 'ERR_INPUT_INVALID'],
  ['name starting with a dash', parseAgentName, '-bot', 'ERR_INPUT_INVALID'],
  ['name of 65 characters', parseAgentName, `a${'b'.repeat(64)}`, 'ERR_INPUT_INVALID'],
  ['name with a slash', parseAgentName, 'a/b', 'ERR_INPUT_INVALID'],
  ['name not a string', parseAgentName, 42, 'ERR_INPUT_INVALID'],
  ['kind unknown', parseAgentKind, 'robot', 'ERR_INPUT_INVALID'],
  ['kind capitalised', parseAgentKind, 'Company', 'ERR_INPUT_INVALID'],
  ['kind null', parseAgentKind, null, 'ERR_INPUT_INVALID'],
  ['owner team upper-case', parseOwner, 'Sales', 'ERR_INPUT_INVALID'],
  ['owner empty', parseOwner, '', 'ERR_INPUT_INVALID'],
  ['owner team with a space', parseOwner, 'ai ops', 'ERR_INPUT_INVALID'],
  ['owner not a string', parseOwner, { did: OWNER }, 'ERR_INPUT_INVALID'],
  ['owner a did:web', parseOwner, 'did:web:example.com', 'ERR_DID_UNSUPPORTED'],
  ['owner a malformed did:key', parseOwner, 'did:key:zzz', 'ERR_DID_INVALID'],
  ['owner a small-order did:key', parseOwner, SMALL_ORDER_DID, 'ERR_KEY_WEAK'],
  ['owner a did:key URL', parseOwner, `${OWNER}#${OWNER.slice(8)}`, 'ERR_DID_INVALID'],
  ['segment upper-case', parseSegment, 'Sales', 'ERR_INPUT_INVALID'],
  ['segment empty', parseSegment, '', 'ERR_INPUT_INVALID'],
  ['segment of 65 characters', parseSegment, `a${'b'.repeat(64)}`, 'ERR_INPUT_INVALID'],
  ['task id empty', parseTaskId, '', 'ERR_INPUT_INVALID'],
  ['task id with a space', parseTaskId, 'task 1', 'ERR_INPUT_INVALID'],
  ['task id of 129 characters', parseTaskId, `t${'x'.repeat(128)}`, 'ERR_INPUT_INVALID'],
  ['task id starting with a colon', parseTaskId, ':t', 'ERR_INPUT_INVALID'],
]

describe('agent fields', () => {
  it('accept good values', () => {
    assert.equal(parseAgentName('Report.Bot_2-x'), 'Report.Bot_2-x')
    assert.equal(parseAgentName(`a${'b'.repeat(63)}`), `a${'b'.repeat(63)}`)
    for (const kind of AGENT_KINDS) assert.equal(parseAgentKind(kind), kind)
    assert.equal(parseOwner(OWNER), OWNER)
    assert.equal(parseOwner('ai-ops'), 'ai-ops')
    assert.equal(parseSegment('sales.eu_2'), 'sales.eu_2')
    assert.equal(parseTaskId('task-2026-11-report'), 'task-2026-11-report')
    assert.equal(parseTaskId('urn:jira:ABC-123'), 'urn:jira:ABC-123')
    assert.equal(parseTaskId(`t${'x'.repeat(127)}`), `t${'x'.repeat(127)}`)
  })

  for (const [name, parse, value, code] of FIELD_CASES) it(`refuse ${name}`, () => throwsCode(() => parse(value), code))
})

describe('parseAgentProfile', () => {
  it('parses a profile with and without segment', () => {
    assert.deepEqual(parseAgentProfile(PROFILE), PROFILE)
    const { segment: _segment, ...noSegment } = PROFILE
    const parsed = parseAgentProfile(noSegment)
    assert.deepEqual(parsed, noSegment)
    assert.equal('segment' in parsed, false)
  })

  const CASES: Array<[string, unknown, string]> = [
    ['null', null, 'ERR_INPUT_INVALID'],
    ['an array', [PROFILE], 'ERR_INPUT_INVALID'],
    ['no name', { ...PROFILE, name: undefined }, 'ERR_INPUT_INVALID'],
    ['no kind', { ...PROFILE, kind: undefined }, 'ERR_INPUT_INVALID'],
    ['no owner', { ...PROFILE, owner: undefined }, 'ERR_INPUT_INVALID'],
    ['a bad kind', { ...PROFILE, kind: 'robot' }, 'ERR_INPUT_INVALID'],
    ['a bad segment', { ...PROFILE, segment: 'Sales' }, 'ERR_INPUT_INVALID'],
    ['a null segment', { ...PROFILE, segment: null }, 'ERR_INPUT_INVALID'],
    ['an owner with a weak key', { ...PROFILE, owner: SMALL_ORDER_DID }, 'ERR_KEY_WEAK'],
  ]
  for (const [name, value, code] of CASES) it(`refuses ${name}`, () => throwsCode(() => parseAgentProfile(value), code))
})

describe('parseEntitlementSubject', () => {
  it('parses the DESIGN.md example (its id is the caller\'s business)', () => {
    const s = parseEntitlementSubject(SUBJECT)
    assert.deepEqual(s.agent, PROFILE)
    assert.equal(s.entitlements.length, 1)
    assert.equal(s.entitlements[0]?.purpose, 'monthly-report')
    assert.deepEqual(s.task, SUBJECT.task)
    assert.equal(s.risk, 'medium')
    assert.equal('id' in s, false)
  })

  it('leaves task and risk absent when not given', () => {
    const s = parseEntitlementSubject({ agent: PROFILE, entitlements: SUBJECT.entitlements })
    assert.deepEqual(Object.keys(s).sort(), ['agent', 'entitlements'])
    assert.deepEqual(parseEntitlementSubject({ ...SUBJECT, task: { id: 't1' } }).task, { id: 't1' })
  })

  it('accepts every risk level and a 256-character description', () => {
    for (const risk of RISK_LEVELS) assert.equal(parseEntitlementSubject({ ...SUBJECT, risk }).risk, risk)
    assert.equal(parseEntitlementSubject({ ...SUBJECT, task: { id: 't', description: 'd'.repeat(256) } }).task?.description?.length, 256)
  })

  it('keeps unknown constraints so that matching denies them', () => {
    const s = parseEntitlementSubject({ ...SUBJECT, entitlements: [{ resource: 'db:x', actions: ['read'], constraints: { geo: 'eu' } }] })
    assert.deepEqual(s.entitlements[0]?.constraints?.unknown, ['geo'])
    const m = matchEntitlements(s.entitlements, { resource: 'db:x', action: 'read' }, Date.UTC(2024, 0, 1, 12))
    assert.equal(m.allow, false)
    if (!m.allow) assert.equal(m.code, 'ERR_CONSTRAINT')
  })

  const CASES: Array<[string, unknown, string]> = [
    ['null', null, 'ERR_INPUT_INVALID'],
    ['a string', 'subject', 'ERR_INPUT_INVALID'],
    ['no agent', { ...SUBJECT, agent: undefined }, 'ERR_INPUT_INVALID'],
    ['a bad agent', { ...SUBJECT, agent: { ...PROFILE, name: '' } }, 'ERR_INPUT_INVALID'],
    ['no entitlements', { ...SUBJECT, entitlements: undefined }, 'ERR_INPUT_INVALID'],
    ['empty entitlements', { ...SUBJECT, entitlements: [] }, 'ERR_INPUT_INVALID'],
    ['an entitlement with an unknown member', { ...SUBJECT, entitlements: [{ resource: 'db:x', actions: ['read'], admin: true }] }, 'ERR_INPUT_INVALID'],
    ['an entitlement with duplicate actions', { ...SUBJECT, entitlements: [{ resource: 'db:x', actions: ['read', 'read'] }] }, 'ERR_INPUT_INVALID'],
    ['a task that is a string', { ...SUBJECT, task: 'task-1' }, 'ERR_INPUT_INVALID'],
    ['a task without id', { ...SUBJECT, task: { description: 'x' } }, 'ERR_INPUT_INVALID'],
    ['a task with a bad id', { ...SUBJECT, task: { id: 'a b' } }, 'ERR_INPUT_INVALID'],
    ['a task description of 257 characters', { ...SUBJECT, task: { id: 't', description: 'd'.repeat(257) } }, 'ERR_INPUT_INVALID'],
    ['a task description that is not a string', { ...SUBJECT, task: { id: 't', description: 5 } }, 'ERR_INPUT_INVALID'],
    ['an unknown risk', { ...SUBJECT, risk: 'extreme' }, 'ERR_INPUT_INVALID'],
    ['a capitalised risk', { ...SUBJECT, risk: 'High' }, 'ERR_INPUT_INVALID'],
    ['a numeric risk', { ...SUBJECT, risk: 3 }, 'ERR_INPUT_INVALID'],
    ['a null risk', { ...SUBJECT, risk: null }, 'ERR_INPUT_INVALID'],
  ]
  for (const [name, value, code] of CASES) it(`refuses ${name}`, () => throwsCode(() => parseEntitlementSubject(value), code))

  it('round-trips through entitlementSubjectToJson', () => {
    const s = parseEntitlementSubject(SUBJECT)
    const json = entitlementSubjectToJson(AGENT, s)
    assert.deepEqual(json, SUBJECT)
    assert.deepEqual(parseEntitlementSubject(json), s)
    const minimal = parseEntitlementSubject({ agent: PROFILE, entitlements: [{ resource: 'db:x', actions: ['read'] }] })
    assert.deepEqual(entitlementSubjectToJson(AGENT, minimal), { id: AGENT, agent: PROFILE, entitlements: [{ resource: 'db:x', actions: ['read'] }] })
  })
})
