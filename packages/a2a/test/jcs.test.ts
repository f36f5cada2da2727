import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { canonicalizeJson } from '@agentid/a2a'

// RFC 8785's own examples, shipped in test/vectors/rfc8785.json with their source.
const vectors = JSON.parse(readFileSync(new URL('./vectors/rfc8785.json', import.meta.url), 'utf8')) as {
  documents: Array<{ name: string; input: string; output: string }>
  numbers: Array<[string, string | null]>
}

describe('canonicalizeJson (RFC 8785)', () => {
  for (const { name, input, output } of vectors.documents) {
    it(`RFC 8785 ${name}`, () => assert.equal(canonicalizeJson(JSON.parse(input)), output))
  }

  it('RFC 8785 appendix B: every number sample, NaN and Infinity refused', () => {
    for (const [hex, expected] of vectors.numbers) {
      const value = Buffer.from(hex, 'hex').readDoubleBE(0)
      if (expected === null) assert.throws(() => canonicalizeJson(value), { code: 'ERR_INPUT_INVALID' }, hex)
      else assert.equal(canonicalizeJson(value), expected, hex)
    }
  })

  const REFUSED: Array<[string, unknown]> = [
    ['a lone high surrogate', { a: '\ud800' }],
    ['a lone low surrogate in a name', { '\udc00': 1 }],
    ['undefined at the top', undefined],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
    ['a class instance', { d: new Date(0) }],
    ['nesting deeper than 64', JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`)],
  ]
  for (const [name, value] of REFUSED) {
    it(`refuses ${name}`, () => assert.throws(() => canonicalizeJson(value), { code: 'ERR_INPUT_INVALID' }))
  }

  it('sorts nested members, keeps array order, leaves out undefined members, writes -0 as 0', () => {
    assert.equal(canonicalizeJson({ b: [3, { z: 1, a: -0 }], a: { y: undefined, x: 'é' } }), '{"a":{"x":"é"},"b":[3,{"a":0,"z":1}]}')
  })
})
