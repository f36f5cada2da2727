import assert from 'node:assert/strict'
import { parseStrictJson } from '@agentid/core'
import { throwsCode } from './assert-code.js'

const nested = (open: string, close: string, depth: number, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth)

// [name, text, expected value]: accepted, with the value JSON.parse gives.
const VALID: Array<[string, string, unknown]> = [
  ['an object', '{"a":1,"b":[true,false,null],"c":"x"}', { a: 1, b: [true, false, null], c: 'x' }],
  ['a top-level array', '[1,"two",{"three":3}]', [1, 'two', { three: 3 }]],
  ['a scalar', '42', 42],
  ['a string', '"hi"', 'hi'],
  ['whitespace around tokens', ' { "a" : 1 , "b" : 2 } ', { a: 1, b: 2 }],
  ['the same name at different levels', '{"a":{"a":{"a":1}}}', { a: { a: { a: 1 } } }],
  ['the same name in sibling objects', '{"x":{"a":1},"y":{"a":2}}', { x: { a: 1 }, y: { a: 2 } }],
  ['an array of objects with the same members', '[{"a":1,"b":2},{"a":3,"b":4}]', [{ a: 1, b: 2 }, { a: 3, b: 4 }]],
  ['objects in an array inside an object', '{"l":[{"a":1},{"a":2}],"a":3}', { l: [{ a: 1 }, { a: 2 }], a: 3 }],
  ['values that repeat a name', '{"a":"a","b":"a"}', { a: 'a', b: 'a' }],
  ['a value that looks like a key', '{"a":"b","b":"\\"a\\""}', { a: 'b', b: '"a"' }],
  ['braces and brackets inside strings', '{"a":"{\\"a\\":1}","b":"}]],{","c":"[{"}', { a: '{"a":1}', b: '}]],{', c: '[{' }],
  ['quotes and backslashes inside strings', '{"a":"x\\\\","b":"\\\\\\"","c":"\\\\"}', { a: 'x\\', b: '\\"', c: '\\' }],
  ['a key ending in a backslash', '{"a\\\\":1,"a":2}', { 'a\\': 1, a: 2 }],
  ['a comma inside a string value', '{"a":",\\"a\\":","b":1}', { a: ',"a":', b: 1 }],
  ['escaped names that differ', '{"\\u0061":1,"\\u0062":2}', { a: 1, b: 2 }],
  ['__proto__ as a value', '{"a":"__proto__"}', { a: '__proto__' }],
  ['__proto__ as an array element', '["__proto__"]', ['__proto__']],
  ['a name that contains __proto__', '{"__proto__x":1,"x__proto__":2}', { __proto__x: 1, x__proto__: 2 }],
  ['constructor and prototype names', '{"constructor":1,"prototype":2}', { constructor: 1, prototype: 2 }],
  ['empty containers', '{"a":{},"b":[],"c":[{}]}', { a: {}, b: [], c: [{}] }],
  ['16 levels of nesting (the default cap)', nested('[', ']', 16), JSON.parse(nested('[', ']', 16))],
]

// [name, text, code]: refused, with the default code.
const INVALID: Array<[string, string, string]> = [
  ['a duplicate member', '{"a":1,"a":2}', 'ERR_INPUT_INVALID'],
  ['a duplicate member with other members between', '{"a":1,"b":2,"c":3,"a":4}', 'ERR_INPUT_INVALID'],
  ['a duplicate spelled with a \\u escape', '{"a":1,"\\u0061":2}', 'ERR_INPUT_INVALID'],
  ['a duplicate spelled with a \\u escape first', '{"\\u0061":1,"a":2}', 'ERR_INPUT_INVALID'],
  ['a duplicate spelled with two different escapes', '{"\\u0061":1,"\\u0041":2,"\\u0061":3}', 'ERR_INPUT_INVALID'],
  ['a duplicate spelled with a \\/ escape', '{"a/b":1,"a\\/b":2}', 'ERR_INPUT_INVALID'],
  ['a duplicate in a nested object', '{"x":{"b":1,"b":2}}', 'ERR_INPUT_INVALID'],
  ['a duplicate after a nested object', '{"a":{"z":1},"a":2}', 'ERR_INPUT_INVALID'],
  ['a duplicate after a nested array of strings', '{"a":["x","y"],"a":1}', 'ERR_INPUT_INVALID'],
  ['a duplicate in an object inside an array', '[{"a":1},{"a":1,"a":2}]', 'ERR_INPUT_INVALID'],
  ['a duplicate after a string full of braces', '{"a":"}{][,","a":1}', 'ERR_INPUT_INVALID'],
  ['a duplicate after a string ending in an escaped backslash', '{"a":"\\\\","a":1}', 'ERR_INPUT_INVALID'],
  ['a duplicate after a string with an escaped quote', '{"a":"\\",\\"a\\":","a":1}', 'ERR_INPUT_INVALID'],
  ['a duplicate empty name', '{"":1,"":2}', 'ERR_INPUT_INVALID'],
  ['a __proto__ member', '{"__proto__":{"admin":true}}', 'ERR_INPUT_INVALID'],
  ['a __proto__ member after others', '{"a":1,"__proto__":{}}', 'ERR_INPUT_INVALID'],
  ['a __proto__ member spelled with escapes', '{"\\u005f\\u005fproto\\u005f\\u005f":{}}', 'ERR_INPUT_INVALID'],
  ['a __proto__ member with one escaped letter', '{"__pr\\u006fto__":1}', 'ERR_INPUT_INVALID'],
  ['a nested __proto__ member', '{"a":[{"b":{"__proto__":null}}]}', 'ERR_INPUT_INVALID'],
  ['17 levels of arrays', nested('[', ']', 17), 'ERR_INPUT_INVALID'],
  ['17 levels of objects', nested('{"a":', '}', 17), 'ERR_INPUT_INVALID'],
  ['17 levels of mixed containers', nested('[{"a":', '}]', 9), 'ERR_INPUT_INVALID'],
  ['deep nesting that is not even closed', '['.repeat(100_000), 'ERR_INPUT_INVALID'],
  ['more than 64 KiB', `"${'x'.repeat(64 * 1024)}"`, 'ERR_INPUT_INVALID'],
  ['empty text', '', 'ERR_INPUT_INVALID'],
  ['a trailing comma', '{"a":1,}', 'ERR_INPUT_INVALID'],
  ['single quotes', "{'a':1}", 'ERR_INPUT_INVALID'],
  ['an unquoted name', '{a:1}', 'ERR_INPUT_INVALID'],
  ['an unterminated string', '{"a":"x}', 'ERR_INPUT_INVALID'],
  ['an unterminated escaped name', '{"a\\u00', 'ERR_INPUT_INVALID'],
  ['an invalid escape in a name', '{"\\x41":1}', 'ERR_INPUT_INVALID'],
  ['two documents', '{}{}', 'ERR_INPUT_INVALID'],
  ['a comment', '{"a":1 /* c */}', 'ERR_INPUT_INVALID'],
  ['NaN', 'NaN', 'ERR_INPUT_INVALID'],
  ['mismatched brackets', '{"a":[1}', 'ERR_INPUT_INVALID'],
  ['a stray closing bracket', ']', 'ERR_INPUT_INVALID'],
  ['a byte order mark', '\ufeff{}', 'ERR_INPUT_INVALID'],
]

describe('parseStrictJson', () => {
  for (const [name, text, value] of VALID) it(`accepts ${name}`, () => assert.deepEqual(parseStrictJson(text), value))

  for (const [name, text, code] of INVALID) it(`refuses ${name}`, () => throwsCode(() => parseStrictJson(text), code))

  it('throws the code the caller asks for, for every kind of failure', () => {
    for (const text of ['{"a":1,"a":2}', '{"__proto__":1}', nested('[', ']', 17), 'nope', `"${'x'.repeat(64 * 1024)}"`]) {
      throwsCode(() => parseStrictJson(text, {}, 'ERR_JWS_MALFORMED', 'payload'), 'ERR_JWS_MALFORMED')
    }
  })

  it('applies the size cap to the length in UTF-16 code units, inclusive', () => {
    const text = `"${'x'.repeat(98)}"`
    assert.equal(parseStrictJson(text, { maxLength: 100 }), 'x'.repeat(98))
    throwsCode(() => parseStrictJson(`"${'x'.repeat(99)}"`, { maxLength: 100 }), 'ERR_INPUT_INVALID')
    assert.equal(parseStrictJson(`"${'x'.repeat(64 * 1024 - 2)}"`), 'x'.repeat(64 * 1024 - 2))
  })

  it('applies the depth cap, inclusive, to arrays and objects alike', () => {
    assert.deepEqual(parseStrictJson(nested('[', ']', 3), { maxDepth: 3 }), [[[1]]])
    assert.deepEqual(parseStrictJson(nested('{"a":', '}', 3), { maxDepth: 3 }), { a: { a: { a: 1 } } })
    throwsCode(() => parseStrictJson(nested('[', ']', 4), { maxDepth: 3 }), 'ERR_INPUT_INVALID')
    throwsCode(() => parseStrictJson('[{"a":[{}]}]', { maxDepth: 3 }), 'ERR_INPUT_INVALID')
    assert.equal(parseStrictJson('7', { maxDepth: 0 }), 7)
    throwsCode(() => parseStrictJson('[]', { maxDepth: 0 }), 'ERR_INPUT_INVALID')
  })

  it('counts depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 1000 }, () => '{"a":[1]}').join(',')}]`
    assert.equal((parseStrictJson(wide) as unknown[]).length, 1000)
  })

  it('does not count brackets inside strings towards depth', () => {
    const text = `{"a":"${'['.repeat(50)}${'{'.repeat(50)}"}`
    assert.deepEqual(parseStrictJson(text), { a: '['.repeat(50) + '{'.repeat(50) })
  })

  it('keeps the cause when JSON.parse fails', () => {
    assert.throws(
      () => parseStrictJson('{"a":}'),
      (e: unknown) => e instanceof Error && 'code' in e && e.code === 'ERR_INPUT_INVALID' && e.cause instanceof SyntaxError,
    )
  })

  it('never gives an object whose prototype was replaced', () => {
    const value = parseStrictJson('{"a":{"b":1}}') as Record<string, unknown>
    assert.equal(Object.getPrototypeOf(value), Object.prototype)
    assert.equal(Object.getPrototypeOf(value.a), Object.prototype)
  })
})
