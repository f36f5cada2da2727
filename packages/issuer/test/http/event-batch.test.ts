import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Ajv } from 'ajv'
import { isAgentIdError, parseStrictJson } from '@agentid/core'
import { eventBatchReader } from '../../src/http/event-batch.js'
import { eventsBody } from '../../src/http/schemas.js'

// The reader of `POST /events` bodies from their bytes must never give a body the general path
// (decode, parseStrictJson, Ajv against the same schema, as the service runs them) would not
// give, nor another one: it either gives the same body or leaves it to the general path.
const ajv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, addUsedSchema: false, validateSchema: false })
const validate = ajv.compile(eventsBody)
const read = eventBatchReader(eventsBody)

function general(body: Buffer): { value: unknown } | { refused: string } {
  try {
    const value = parseStrictJson(body.toString('utf8'), { maxLength: 1024 * 1024, maxDepth: 16 }, 'ERR_INPUT_INVALID', 'request body')
    return validate(value) ? { value } : { refused: 'schema' }
  } catch (error) {
    if (isAgentIdError(error)) return { refused: error.code }
    throw error
  }
}

// The reader's answer is the general path's, or none.
function agrees(body: Buffer): boolean {
  const fast = read(body)
  if (fast === undefined) return true
  assert.deepEqual(general(body), { value: fast }, `the reader read ${JSON.stringify(body.toString('latin1').slice(0, 300))}`)
  return true
}

const AGENT = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const EVENT = { at: 1796000000000, agent: AGENT, decision: 'allow', resource: 'db:customers/3374', action: 'read', records: 59, ip: '10.50.3.132', segment: 'sales', verifier: 'did:web:sales.example.com' }
const batch = (...events: unknown[]) => Buffer.from(JSON.stringify({ events }))

describe('the event batch reader (POST /events from its bytes)', () => {
  it('reads what reporters send, as the general path does: every member, in order, a batch of 1,000', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ ...EVENT, at: EVENT.at + i, records: i, ...(i % 3 === 0 ? { decision: 'deny', code: 'ERR_SCOPE_DENIED' } : {}), ...(i % 7 === 0 ? { credential: `urn:uuid:${i}`, purpose: 'support' } : {}) }))
    const body = batch(...events)
    const fast = read(body)
    assert.ok(fast, 'the reader must read the compact form')
    assert.deepEqual({ value: fast }, general(body))
    assert.deepEqual(Object.keys(fast.events![0]!), Object.keys(events[0]!))
    // White space between tokens (JSON's four characters) and an empty list are read too.
    const spaced = Buffer.from(JSON.stringify({ events: [EVENT, EVENT] }, null, '\t').replace(/\n/g, '\r\n'))
    assert.deepEqual(read(spaced), { events: [EVENT, EVENT] })
    assert.deepEqual(read(Buffer.from(' { "events" : [ ] } ')), { events: [] })
  })

  it('leaves to the general path what it is not sure of: each of these reads as undefined', () => {
    const cases: Array<[string, string]> = [
      ['an escape', JSON.stringify({ events: [{ ...EVENT, resource: 'db:a\\b' }] })],
      ['an escaped name', '{"events":[{"\\u0061t":1,"agent":"did:x","decision":"allow"}]}'],
      ['non-ASCII text', JSON.stringify({ events: [{ ...EVENT, resource: 'db:café' }] })],
      ['a control character in a string', `{"events":[{"at":1,"agent":"did:x\u0001","decision":"allow"}]}`],
      ['a fraction', '{"events":[{"at":1.0,"agent":"did:x","decision":"allow"}]}'],
      ['an exponent', '{"events":[{"at":1e3,"agent":"did:x","decision":"allow"}]}'],
      ['a sign', '{"events":[{"at":-0,"agent":"did:x","decision":"allow"}]}'],
      ['a leading zero', '{"events":[{"at":01,"agent":"did:x","decision":"allow"}]}'],
      ['16 digits', '{"events":[{"at":1000000000000000,"agent":"did:x","decision":"allow"}]}'],
      ['a number past the maximum', '{"events":[{"at":1,"agent":"did:x","decision":"allow","records":1000000000001}]}'],
      ['a repeated member', '{"events":[{"at":1,"at":2,"agent":"did:x","decision":"allow"}]}'],
      ['"__proto__"', '{"events":[{"__proto__":{},"at":1,"agent":"did:x","decision":"allow"}]}'],
      ['an unknown member', '{"events":[{"at":1,"agent":"did:x","decision":"allow","extra":1}]}'],
      ['a required member missing', '{"events":[{"at":1,"agent":"did:x"}]}'],
      ['a value of another type', '{"events":[{"at":"1","agent":"did:x","decision":"allow"}]}'],
      ['null', '{"events":[{"at":1,"agent":null,"decision":"allow"}]}'],
      ['a nested value', '{"events":[{"at":1,"agent":["did:x"],"decision":"allow"}]}'],
      ['a value outside the enum', '{"events":[{"at":1,"agent":"did:x","decision":"maybe"}]}'],
      ['a string against its pattern', '{"events":[{"at":1,"agent":"did:x","decision":"allow","ip":"10.0.0.g"}]}'],
      ['an empty string', '{"events":[{"at":1,"agent":"did:x","decision":"allow","segment":""}]}'],
      ['a string past its length', JSON.stringify({ events: [{ ...EVENT, action: 'r'.repeat(33) }] })],
      ['a trailing comma', '{"events":[{"at":1,"agent":"did:x","decision":"allow",}]}'],
      ['a trailing comma in the list', '{"events":[{"at":1,"agent":"did:x","decision":"allow"},]}'],
      ['another member beside the list', '{"events":[],"more":1}'],
      ['a repeated list', '{"events":[],"events":[]}'],
      ['text after the document', '{"events":[]} x'],
      ['a byte order mark', '\ufeff{"events":[]}'],
      ['no list', '{}'],
      ['a list that is not one', '{"events":{}}'],
      ['an unclosed document', '{"events":[{"at":1,"agent":"did:x","decision":"allow"}'],
      ['an unclosed string', '{"events":[{"at":1,"agent":"did:x'],
    ]
    for (const [what, text] of cases) {
      const body = Buffer.from(text)
      assert.equal(read(body), undefined, what)
      agrees(body)
    }
    // 1,001 events: past the schema's maxItems.
    assert.equal(read(batch(...Array.from({ length: 1001 }, () => EVENT))), undefined)
  })

  it('never differs from the general path: generated batches, and each of them cut, changed or grown by a byte', () => {
    const text = (max: number) => fc.oneof(
      fc.stringMatching(new RegExp(`^[ -~]{0,${max}}$`)),
      fc.constantFrom('', 'did:', 'did:key:z6Mk', 'db:a/b', 'read', 'é', '\\', '"', '\u0000', 'ERR_SCOPE_DENIED', 'ERR_x', '10.0.0.1', '::1', 'fe80::1%eth0'),
    )
    const number = fc.oneof(fc.nat({ max: 2e12 }), fc.constantFrom(0, -1, 1.5, 1e21, 8640000000000000, 8640000000000001, 999999999999999))
    const value = fc.oneof(text(70), number, fc.constantFrom(null, true, [], {}))
    const member = fc.tuple(fc.constantFrom('at', 'agent', 'decision', 'code', 'credential', 'resource', 'action', 'purpose', 'records', 'ip', 'segment', 'verifier', 'other', '__proto__'), value)
    // Mostly valid events (the reader's path), with members of any kind and order mixed in.
    const valid = fc.record({
      at: fc.nat({ max: 2e12 }), agent: fc.constantFrom(AGENT, 'did:web:x'), decision: fc.constantFrom('allow', 'deny'),
      resource: fc.stringMatching(/^[ -~]{1,40}$/), records: fc.nat({ max: 1e12 }), ip: fc.constantFrom('10.0.0.1', '::1', 'fe80::a'), action: fc.constantFrom('read', 'write'),
    }, { requiredKeys: ['at', 'agent', 'decision'] })
    const mixed = fc.tuple(valid, fc.array(member, { maxLength: 3 })).map(([v, extra]) => Object.assign({ ...v }, Object.fromEntries(extra)))
    const body = fc.array(fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: mixed }), { maxLength: 6 }).map((events) => JSON.stringify({ events }))
    // A byte cut, replaced or put in at some place (fast-check's seed decides which and where).
    const edited = fc.tuple(body, fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...'{}[],:"\\ \t0123456789-.eE"aé\u0000'.split(''))).map(([b, at, how, c]) => {
      const i = b.length === 0 ? 0 : at % b.length
      return how === 0 ? b.slice(0, i) + b.slice(i + 1) : how === 1 ? b.slice(0, i) + c + b.slice(i + 1) : b.slice(0, i) + c + b.slice(i)
    })
    let readByTheReader = 0
    fc.assert(fc.property(fc.oneof(body, edited), (text) => {
      const bytes = Buffer.from(text)
      if (read(bytes) !== undefined) readByTheReader++
      return agrees(bytes)
    }), { numRuns: 3000, seed: 20261205 })
    // (The property means something only if most bodies took the reader's path.)
    assert.ok(readByTheReader > 600, `only ${readByTheReader} of 3,000 bodies were read by the reader`)
  })

  it('refuses a schema with a keyword it does not know, so that the route cannot be read more loosely than its schema', () => {
    const item = (eventsBody.properties as { events: { items: { properties: Record<string, unknown> } } }).events.items
    const withFormat = { ...eventsBody, properties: { events: { ...(eventsBody.properties as { events: object }).events, items: { ...item, properties: { ...item.properties, ip: { type: 'string', format: 'ipv4' } } } } } }
    assert.throws(() => eventBatchReader(withFormat), /keyword "format"/)
    assert.throws(() => eventBatchReader({ ...eventsBody, additionalProperties: true }), /one required list/)
  })
})
