import assert from 'node:assert/strict'
import { WEEKDAYS, constraintViolation, constraintsToJson, parseConstraints, parseStrictJson, type Constraints, type RequestContext } from '@agentid/core'
import { throwsCode } from './assert-code.js'

// Monday 2024-01-01 00:00:00.000 UTC; every time below is an offset from it (no wall clock).
const MON = Date.UTC(2024, 0, 1)
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const at = (day: number, hh: number, mm = 0, ms = 0): number => MON + day * DAY + hh * HOUR + mm * MIN + ms
// A fixed "now" that the tests never expect to be used unless the context has no time.
const NOW = at(2, 12) // Wednesday 12:00 UTC

const ok = (constraints: Constraints, context: RequestContext, nowMs = NOW): void => assert.equal(constraintViolation(constraints, context, nowMs), undefined)
const violated = (constraints: Constraints, context: RequestContext, nowMs = NOW): void => assert.equal(typeof constraintViolation(constraints, context, nowMs), 'string')

// [input, start, end]
const HOURS: Array<[string, number, number]> = [
  ['08:00-18:00Z', 480, 1080],
  ['00:00-24:00Z', 0, 1440],
  ['22:00-06:00Z', 1320, 360],
  ['23:59-00:00Z', 1439, 0],
  ['18:00-24:00Z', 1080, 1440],
  ['00:00-00:01Z', 0, 1],
  ['09:30-09:45Z', 570, 585],
]

// [name, constraints, code]
const INVALID: Array<[string, unknown, string]> = [
  ['null', null, 'ERR_INPUT_INVALID'],
  ['an array', [], 'ERR_INPUT_INVALID'],
  ['a string', 'hours=08:00-18:00Z', 'ERR_INPUT_INVALID'],
  ['an unknown constraint', { geo: 'eu' }, 'ERR_INPUT_INVALID'],
  ['an unknown constraint beside known ones', { maxRecords: 5, region: 'eu' }, 'ERR_INPUT_INVALID'],
  ['a constraint name in another case', { MaxRecords: 5 }, 'ERR_INPUT_INVALID'],
  ['hours without Z', { hours: '08:00-18:00' }, 'ERR_INPUT_INVALID'],
  ['hours with a lower-case z', { hours: '08:00-18:00z' }, 'ERR_INPUT_INVALID'],
  ['hours with an offset', { hours: '08:00-18:00+01:00' }, 'ERR_INPUT_INVALID'],
  ['hours with one-digit hour', { hours: '8:00-18:00Z' }, 'ERR_INPUT_INVALID'],
  ['hours with spaces', { hours: '08:00 - 18:00Z' }, 'ERR_INPUT_INVALID'],
  ['hours with seconds', { hours: '08:00:00-18:00:00Z' }, 'ERR_INPUT_INVALID'],
  ['hours with a trailing space', { hours: '08:00-18:00Z ' }, 'ERR_INPUT_INVALID'],
  ['hours starting at 24:00', { hours: '24:00-08:00Z' }, 'ERR_INPUT_INVALID'],
  ['hours ending at 24:01', { hours: '08:00-24:01Z' }, 'ERR_INPUT_INVALID'],
  ['hours ending at 24:30', { hours: '22:00-24:30Z' }, 'ERR_INPUT_INVALID'],
  ['hours ending at 25:00', { hours: '08:00-25:00Z' }, 'ERR_INPUT_INVALID'],
  ['hours with minute 60', { hours: '08:60-18:00Z' }, 'ERR_INPUT_INVALID'],
  ['an empty window', { hours: '08:00-08:00Z' }, 'ERR_INPUT_INVALID'],
  ['an empty window at midnight', { hours: '00:00-00:00Z' }, 'ERR_INPUT_INVALID'],
  ['hours as a number', { hours: 8 }, 'ERR_INPUT_INVALID'],
  ['hours null', { hours: null }, 'ERR_INPUT_INVALID'],
  ['hours empty', { hours: '' }, 'ERR_INPUT_INVALID'],
  ['hours as an object', { hours: { start: '08:00', end: '18:00' } }, 'ERR_INPUT_INVALID'],
  ['days empty', { days: [] }, 'ERR_INPUT_INVALID'],
  ['days as a string', { days: 'mon' }, 'ERR_INPUT_INVALID'],
  ['a capitalised day', { days: ['Mon'] }, 'ERR_INPUT_INVALID'],
  ['a day spelled out', { days: ['monday'] }, 'ERR_INPUT_INVALID'],
  ['a day as a number', { days: [1] }, 'ERR_INPUT_INVALID'],
  ['a repeated day', { days: ['mon', 'tue', 'mon'] }, 'ERR_INPUT_INVALID'],
  ['eight days', { days: [...WEEKDAYS, 'mon'] }, 'ERR_INPUT_INVALID'],
  ['days null', { days: null }, 'ERR_INPUT_INVALID'],
  ['networks empty', { networks: [] }, 'ERR_INPUT_INVALID'],
  ['networks as a string', { networks: '10.0.0.0/8' }, 'ERR_INPUT_INVALID'],
  ['a network with host bits', { networks: ['10.0.0.1/8'] }, 'ERR_INPUT_INVALID'],
  ['a network without prefix', { networks: ['10.0.0.1'] }, 'ERR_INPUT_INVALID'],
  ['a null network', { networks: [null] }, 'ERR_INPUT_INVALID'],
  ['65 networks', { networks: Array.from({ length: 65 }, (_, i) => `10.${i}.0.0/16`) }, 'ERR_INPUT_INVALID'],
  ['maxRecords 0', { maxRecords: 0 }, 'ERR_INPUT_INVALID'],
  ['maxRecords negative', { maxRecords: -1 }, 'ERR_INPUT_INVALID'],
  ['maxRecords fractional', { maxRecords: 1.5 }, 'ERR_INPUT_INVALID'],
  ['maxRecords as a string', { maxRecords: '5000' }, 'ERR_INPUT_INVALID'],
  ['maxRecords NaN', { maxRecords: Number.NaN }, 'ERR_INPUT_INVALID'],
  ['maxRecords Infinity', { maxRecords: Number.POSITIVE_INFINITY }, 'ERR_INPUT_INVALID'],
  ['maxRecords 2^53', { maxRecords: 2 ** 53 }, 'ERR_INPUT_INVALID'],
  ['maxRecords null', { maxRecords: null }, 'ERR_INPUT_INVALID'],
]

describe('parseConstraints', () => {
  it('starts the week on Sunday, as getUTCDay does', () => {
    assert.deepEqual([...WEEKDAYS], ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])
    assert.equal(WEEKDAYS[new Date(MON).getUTCDay()], 'mon')
  })

  for (const [text, start, end] of HOURS) {
    it(`parses hours ${text}`, () => assert.deepEqual(parseConstraints({ hours: text }).hours, { start, end, text }))
  }

  it('parses days, networks and maxRecords', () => {
    const c = parseConstraints({ days: ['mon', 'fri'], networks: ['10.20.0.0/16', '2001:db8::/32'], maxRecords: 5000 })
    assert.deepEqual(c.days, ['mon', 'fri'])
    assert.deepEqual(c.networks?.map((n) => [n.text, n.prefix]), [['10.20.0.0/16', 16], ['2001:db8::/32', 32]])
    assert.equal(c.maxRecords, 5000)
    assert.equal(c.hours, undefined)
    assert.equal(c.unknown, undefined)
  })

  it('accepts all seven days, 16 networks and the largest safe maxRecords', () => {
    assert.equal(parseConstraints({ days: [...WEEKDAYS] }).days?.length, 7)
    assert.equal(parseConstraints({ networks: Array.from({ length: 16 }, (_, i) => `10.${i}.0.0/16`) }).networks?.length, 16)
    throwsCode(() => parseConstraints({ networks: Array.from({ length: 17 }, (_, i) => `10.${i}.0.0/16`) }), 'ERR_INPUT_INVALID')
    throwsCode(() => parseConstraints({ networks: ['10.0.0.0/8', '10.0.0.0/8'] }), 'ERR_INPUT_INVALID')
    assert.equal(parseConstraints({ maxRecords: Number.MAX_SAFE_INTEGER }).maxRecords, Number.MAX_SAFE_INTEGER)
    assert.equal(parseConstraints({ maxRecords: 1 }).maxRecords, 1)
  })

  it('accepts an empty object as no constraint', () => assert.deepEqual(parseConstraints({}), {}))

  for (const [name, value, code] of INVALID) it(`refuses ${name}`, () => throwsCode(() => parseConstraints(value), code))

  it('keeps unknown constraint names when allowUnknown (a verifier denies them later)', () => {
    const c = parseConstraints({ geo: 'eu', maxRecords: 5, mfa: true }, 'constraints', { allowUnknown: true })
    assert.deepEqual(c.unknown, ['geo', 'mfa'])
    assert.equal(c.maxRecords, 5)
  })

  it('still checks known constraints when allowUnknown', () => {
    throwsCode(() => parseConstraints({ geo: 'eu', maxRecords: 0 }, 'constraints', { allowUnknown: true }), 'ERR_INPUT_INVALID')
  })

  it('treats a __proto__ member of parsed JSON as unknown, never as a prototype', () => {
    const value = JSON.parse('{"__proto__":{"maxRecords":1}}') as unknown
    throwsCode(() => parseConstraints(value), 'ERR_INPUT_INVALID')
    assert.deepEqual(parseConstraints(value, 'c', { allowUnknown: true }).unknown, ['__proto__'])
    // And the strict parser refuses it before it gets here.
    throwsCode(() => parseStrictJson('{"__proto__":{"maxRecords":1}}'), 'ERR_INPUT_INVALID')
  })

  it('round-trips known constraints through constraintsToJson', () => {
    const json = { hours: '22:00-06:00Z', days: ['sat', 'sun'], networks: ['10.20.0.0/16', '2001:db8::/32'], maxRecords: 10 }
    const parsed = parseConstraints(json)
    assert.deepEqual(constraintsToJson(parsed), json)
    assert.deepEqual(parseConstraints(constraintsToJson(parsed)), parsed)
    assert.deepEqual(constraintsToJson(parseConstraints({})), {})
  })

  it('does not lose unknown constraints in constraintsToJson', () => {
    const parsed = parseConstraints({ geo: 'eu', maxRecords: 5 }, 'constraints', { allowUnknown: true })
    let reparsed: Constraints | undefined
    try {
      reparsed = parseConstraints(constraintsToJson(parsed), 'constraints', { allowUnknown: true })
    } catch {
      return // refusing to serialise is an acceptable fix
    }
    assert.deepEqual(reparsed.unknown, ['geo'])
  })
})

describe('constraintViolation', () => {
  const hours = (text: string): Constraints => parseConstraints({ hours: text })

  // [window, time, inside]
  const HOUR_CASES: Array<[string, number, boolean]> = [
    ['08:00-18:00Z', at(0, 7, 59, 59_999), false],
    ['08:00-18:00Z', at(0, 8), true],
    ['08:00-18:00Z', at(0, 12), true],
    ['08:00-18:00Z', at(0, 17, 59, 59_999), true],
    ['08:00-18:00Z', at(0, 18), false],
    ['08:00-18:00Z', at(0, 0), false],
    ['22:00-06:00Z', at(0, 21, 59, 59_999), false],
    ['22:00-06:00Z', at(0, 22), true],
    ['22:00-06:00Z', at(0, 23, 59, 59_999), true],
    ['22:00-06:00Z', at(1, 0), true],
    ['22:00-06:00Z', at(1, 5, 59, 59_999), true],
    ['22:00-06:00Z', at(1, 6), false],
    ['22:00-06:00Z', at(1, 12), false],
    ['18:00-24:00Z', at(0, 17, 59, 59_999), false],
    ['18:00-24:00Z', at(0, 18), true],
    ['18:00-24:00Z', at(0, 23, 59, 59_999), true],
    ['18:00-24:00Z', at(1, 0), false],
    ['00:00-24:00Z', at(0, 0), true],
    ['00:00-24:00Z', at(0, 23, 59, 59_999), true],
    ['23:59-00:00Z', at(0, 23, 58, 59_999), false],
    ['23:59-00:00Z', at(0, 23, 59), true],
    ['23:59-00:00Z', at(1, 0), false],
    ['00:00-00:01Z', at(3, 0), true],
    ['00:00-00:01Z', at(3, 0, 1), false],
  ]
  for (const [window, time, inside] of HOUR_CASES) {
    const when = new Date(time).toISOString()
    it(`hours ${window} at ${when}: ${inside ? 'allowed' : 'violated'}`, () => {
      if (inside) ok(hours(window), { time })
      else violated(hours(window), { time })
      // The same answer when the time comes as a Date, or as the verifier's clock.
      assert.equal(constraintViolation(hours(window), { time: new Date(time) }, NOW) === undefined, inside)
      assert.equal(constraintViolation(hours(window), {}, time) === undefined, inside)
    })
  }

  it('prefers the request time to nowMs', () => {
    ok(hours('08:00-18:00Z'), { time: at(0, 9) }, at(0, 20))
    violated(hours('08:00-18:00Z'), { time: at(0, 20) }, at(0, 9))
  })

  it('denies when the time is not a valid date', () => {
    violated(hours('00:00-24:00Z'), { time: Number.NaN })
    violated(hours('22:00-06:00Z'), { time: new Date(Number.NaN) })
    violated(parseConstraints({ days: [...WEEKDAYS] }), { time: Number.NaN })
  })

  // [days, time, allowed]
  const DAY_CASES: Array<[string[], number, boolean]> = [
    [['mon'], at(0, 0), true],
    [['mon'], at(0, 23, 59, 59_999), true],
    [['mon'], at(1, 0), false],
    [['mon'], at(0, 0) - 1, false], // Sunday 23:59:59.999 UTC
    [['sun'], at(0, 0) - 1, true],
    [['mon', 'tue'], at(1, 12), true],
    [['mon', 'tue'], at(2, 12), false],
    [['sat', 'sun'], at(5, 12), true],
    [['sat', 'sun'], at(6, 12), true],
    [['sat', 'sun'], at(7, 12), false],
    [[...WEEKDAYS], at(4, 4), true],
  ]
  for (const [days, time, allowed] of DAY_CASES) {
    it(`days ${days.join(',')} on ${new Date(time).toISOString()}: ${allowed ? 'allowed' : 'violated'}`, () => {
      assert.equal(constraintViolation(parseConstraints({ days }), { time }, NOW) === undefined, allowed)
    })
  }

  it('reads the day in UTC, whatever the local time zone would say', () => {
    // Monday 02:00 UTC is still Sunday in New York: the UTC day decides.
    ok(parseConstraints({ days: ['mon'] }), { time: at(0, 2) })
    violated(parseConstraints({ days: ['sun'] }), { time: at(0, 2) })
  })

  const NETS = parseConstraints({ networks: ['10.20.0.0/16', '2001:db8::/32'] })
  // [ip, allowed]
  const IP_CASES: Array<[string | undefined, boolean]> = [
    ['10.20.0.1', true],
    ['10.20.255.255', true],
    ['10.21.0.1', false],
    ['::ffff:10.20.3.4', true],
    ['::ffff:10.21.3.4', false],
    ['2001:db8::1', true],
    ['2001:db8:abcd::', true],
    ['2001:db9::1', false],
    ['::1', false],
    ['127.0.0.1', false],
    [undefined, false],
    ['', false],
    ['not an address', false],
    ['10.20.0.1/32', false],
    ['010.20.0.1', false],
    ['10.20.0.1 ', false],
  ]
  for (const [ip, allowed] of IP_CASES) {
    it(`networks 10.20.0.0/16, 2001:db8::/32 with ip ${JSON.stringify(ip)}: ${allowed ? 'allowed' : 'violated'}`, () => {
      const context: RequestContext = ip === undefined ? {} : { ip }
      assert.equal(constraintViolation(NETS, context, NOW) === undefined, allowed)
    })
  }

  // [records, allowed]
  const RECORD_CASES: Array<[number | undefined, boolean]> = [
    [0, true],
    [1, true],
    [5000, true],
    [5001, false],
    [undefined, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    [2 ** 53, false],
  ]
  for (const [records, allowed] of RECORD_CASES) {
    it(`maxRecords 5000 with records ${String(records)}: ${allowed ? 'allowed' : 'violated'}`, () => {
      const context: RequestContext = records === undefined ? {} : { records }
      assert.equal(constraintViolation(parseConstraints({ maxRecords: 5000 }), context, NOW) === undefined, allowed)
    })
  }

  it('denies an unknown constraint whatever the context', () => {
    const c = parseConstraints({ geo: 'eu' }, 'constraints', { allowUnknown: true })
    violated(c, {})
    violated(c, { time: at(0, 12), ip: '10.20.0.1', records: 1 })
    violated(parseConstraints({ geo: 'eu', maxRecords: 10 }, 'constraints', { allowUnknown: true }), { records: 1 })
  })

  it('allows anything under no constraint', () => {
    ok({}, {})
    ok(parseConstraints({}), { ip: 'junk', records: -5 })
  })

  it('needs every constraint to hold', () => {
    const c = parseConstraints({ hours: '08:00-18:00Z', days: ['mon', 'tue', 'wed', 'thu', 'fri'], networks: ['10.20.0.0/16'], maxRecords: 100 })
    const good: RequestContext = { time: at(2, 9), ip: '10.20.1.1', records: 100 }
    ok(c, good)
    violated(c, { ...good, time: at(2, 19) })
    violated(c, { ...good, time: at(5, 9) }) // Saturday
    violated(c, { ...good, ip: '10.30.1.1' })
    violated(c, { ...good, records: 101 })
    violated(c, { time: at(2, 9), records: 100 }) // no ip
    violated(c, { time: at(2, 9), ip: '10.20.1.1' }) // no records
  })
})
