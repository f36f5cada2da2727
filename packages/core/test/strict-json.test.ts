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
  // The single-pass reader's own paths: each value kind, escapes, and text with white space
  // (read a character at a time) beside compact text (read quote to quote).
  ['every escape', '["\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC"]', ['"\\/\b\f\n\r\tA\u00e9\u20ac']],
  ['a lone surrogate escape (a code unit, as JSON.parse reads it)', '"\\ud800x\\uDC00"', '\ud800x\udc00'],
  ['a surrogate pair escape', '"\\ud83d\\ude00"', '\ud83d\ude00'],
  ['an escape, then plain strings with quotes after it', '{"a\\"b":"c","d":"e\\\\","f":"g"}', { 'a"b': 'c', d: 'e\\', f: 'g' }],
  ['pretty-printed text with escapes', '{\n\t"a": "x\\ny",\r\n  "b": [ 1 , "\\u0022" ]\n}', { a: 'x\ny', b: [1, '"'] }],
  ['non-ASCII text, unescaped', '{"\u00e9t\u00e9":"\u2603\ud83d\ude00"}', { '\u00e9t\u00e9': '\u2603\ud83d\ude00' }],
  ['numbers of every form', '[0,-0,1,-1,10,123456789012345,1234567890123456,12345678901234567890,0.5,-0.25,1e2,1E+2,1e-2,-1.5e300,1e400,-1e400,9007199254740993]',
    [0, -0, 1, -1, 10, 123456789012345, 1234567890123456, 12345678901234567890, 0.5, -0.25, 100, 100, 0.01, -1.5e300, Infinity, -Infinity, 9007199254740992]],
  ['literals', '[true,false,null]', [true, false, null]],
  ['a member that names an Object.prototype method', '{"toString":1,"hasOwnProperty":2,"valueOf":3}', { toString: 1, hasOwnProperty: 2, valueOf: 3 }],
  ['integer-like member names', '{"1":"a","0":"b","x":"c"}', { 1: 'a', 0: 'b', x: 'c' }],
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
  ['a duplicate integer-like member', '{"1":1,"01":2,"1":3}', 'ERR_INPUT_INVALID'],
  ['a duplicate in pretty-printed text', '{\n  "a": 1,\n  "a": 2\n}', 'ERR_INPUT_INVALID'],
  ['a duplicate after an escaped name', '{"a\\"":1,"b":2,"b":3}', 'ERR_INPUT_INVALID'],
  ['a raw line feed inside a string', '{"a":"x\ny"}', 'ERR_INPUT_INVALID'],
  ['a raw NUL inside a name', '{"a\u0000":1}', 'ERR_INPUT_INVALID'],
  ['a raw tab inside an escaped string', '["\\n\t"]', 'ERR_INPUT_INVALID'],
  ['a leading zero', '01', 'ERR_INPUT_INVALID'],
  ['a lone minus', '-', 'ERR_INPUT_INVALID'],
  ['a plus sign', '+1', 'ERR_INPUT_INVALID'],
  ['a fraction without digits', '1.', 'ERR_INPUT_INVALID'],
  ['a fraction without an integer part', '.5', 'ERR_INPUT_INVALID'],
  ['an exponent without digits', '1e+', 'ERR_INPUT_INVALID'],
  ['hexadecimal', '0x10', 'ERR_INPUT_INVALID'],
  ['Infinity', 'Infinity', 'ERR_INPUT_INVALID'],
  ['a truncated literal', '[tru]', 'ERR_INPUT_INVALID'],
  ['a literal with letters after it', 'nulll', 'ERR_INPUT_INVALID'],
  ['a short \\u escape', '"\\u12"', 'ERR_INPUT_INVALID'],
  ['a \\u escape with a non-hex digit', '"\\u12g4"', 'ERR_INPUT_INVALID'],
  ['an unknown escape', '"\\a"', 'ERR_INPUT_INVALID'],
  ['a backslash at the end', '"\\', 'ERR_INPUT_INVALID'],
  ['a missing colon', '{"a" 1}', 'ERR_INPUT_INVALID'],
  ['a missing comma', '[1 2]', 'ERR_INPUT_INVALID'],
  ['a leading comma', '[,1]', 'ERR_INPUT_INVALID'],
  ['a trailing comma in an array', '[1,]', 'ERR_INPUT_INVALID'],
  ['a non-breaking space as white space', '[1,\u00a02]', 'ERR_INPUT_INVALID'],
  ['a vertical tab as white space', '[1,\u000b2]', 'ERR_INPUT_INVALID'],
  ['only white space', ' \n ', 'ERR_INPUT_INVALID'],
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
