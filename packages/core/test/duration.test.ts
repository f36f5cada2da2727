import assert from 'node:assert/strict'
import { formatDuration, parseDuration } from '@agentid/core'
import { throwsCode } from './assert-code.js'

// [input, seconds]
const VALID: Array<[string, number]> = [
  ['30s', 30],
  ['1s', 1],
  ['15m', 900],
  ['24h', 86_400],
  ['7d', 604_800],
  ['366d', 366 * 86_400],
  ['8784h', 366 * 86_400],
  ['31622400s', 366 * 86_400],
  ['90m', 5400],
]

// [name, input, code]
const INVALID: Array<[string, unknown, string]> = [
  ['negative', '-5m', 'ERR_INPUT_INVALID'],
  ['zero', '0m', 'ERR_INPUT_INVALID'],
  ['zero seconds', '0s', 'ERR_INPUT_INVALID'],
  ['no unit', '5', 'ERR_INPUT_INVALID'],
  ['weeks', '5w', 'ERR_INPUT_INVALID'],
  ['years', '1y', 'ERR_INPUT_INVALID'],
  ['milliseconds', '500ms', 'ERR_INPUT_INVALID'],
  ['fractional', '1.5h', 'ERR_INPUT_INVALID'],
  ['empty', '', 'ERR_INPUT_INVALID'],
  ['unit only', 'h', 'ERR_INPUT_INVALID'],
  ['leading zero', '05m', 'ERR_INPUT_INVALID'],
  ['plus sign', '+5m', 'ERR_INPUT_INVALID'],
  ['upper-case unit', '5M', 'ERR_INPUT_INVALID'],
  ['space before the unit', '5 m', 'ERR_INPUT_INVALID'],
  ['leading space', ' 5m', 'ERR_INPUT_INVALID'],
  ['trailing newline', '5m\n', 'ERR_INPUT_INVALID'],
  ['two units', '1h30m', 'ERR_INPUT_INVALID'],
  ['ISO 8601', 'PT15M', 'ERR_INPUT_INVALID'],
  ['exponent', '1e3s', 'ERR_INPUT_INVALID'],
  ['a number', 900, 'ERR_INPUT_INVALID'],
  ['null', null, 'ERR_INPUT_INVALID'],
  ['over a year by one day', '367d', 'ERR_INPUT_INVALID'],
  ['over a year by one second', '31622401s', 'ERR_INPUT_INVALID'],
  ['over a year in hours', '8785h', 'ERR_INPUT_INVALID'],
  ['nine digits', '100000000s', 'ERR_INPUT_INVALID'],
  ['absurdly many days', '99999999d', 'ERR_INPUT_INVALID'],
]

describe('parseDuration', () => {
  for (const [input, seconds] of VALID) it(`parses ${input}`, () => assert.equal(parseDuration(input), seconds))

  for (const [name, input, code] of INVALID) it(`refuses ${name}: ${JSON.stringify(input)}`, () => throwsCode(() => parseDuration(input), code))

  it('applies the maximum the caller gives, inclusive', () => {
    assert.equal(parseDuration('5m', 'ttl', 300), 300)
    throwsCode(() => parseDuration('301s', 'ttl', 300), 'ERR_INPUT_INVALID')
    throwsCode(() => parseDuration('6m', 'ttl', 300), 'ERR_INPUT_INVALID')
  })
})

describe('formatDuration', () => {
  // [seconds, exact, approximate]
  const CASES: Array<[number, string, string]> = [
    [0, '0s', '0s'],
    [45, '45s', '45s'],
    [1800, '30m', '30m'],
    [5400, '90m', '1h 30m'],
    [28_800, '8h', '8h'],
    [86_400, '1d', '1d'],
    [90_000, '25h', '1d 1h'],
    [2_592_000, '30d', '30d'],
    [3661, '3661s', '1h 1m'],
    [366 * 86_400, '366d', '366d'],
  ]
  for (const [seconds, exact, approximate] of CASES) {
    it(`formats ${seconds} as ${exact} (about ${approximate})`, () => {
      assert.equal(formatDuration(seconds), exact)
      assert.equal(formatDuration(seconds, { approximate: true }), approximate)
    })
  }

  it('formats what parseDuration reads back to the same seconds', () => {
    for (const seconds of [1, 59, 60, 61, 3599, 3600, 86_399, 86_400, 604_800, 31_622_400]) assert.equal(parseDuration(formatDuration(seconds)), seconds)
  })

  for (const bad of [-1, 1.5, Number.NaN, Infinity]) it(`refuses ${bad}`, () => throwsCode(() => formatDuration(bad), 'ERR_INPUT_INVALID'))
})
