import assert from 'node:assert/strict'
import { parseResource, parseResourcePattern, patternCovers, resourceMatches } from '@agentid/core'
import { throwsCode } from './assert-code.js'

const RESOURCES = [
  'db:customers',
  'crm:accounts/eu/42',
  'a:b',
  's3:bucket/key.csv',
  'x-y.z+1:seg',
  'db:hr/payroll~2024@v1_x-y',
  'db:...', // three dots is a name, not a dot segment
  'db:.hidden/..x/x..',
  `db:${'a'.repeat(253)}`, // 256 characters
  `${'s'.repeat(32)}:x`, // the longest scheme
]

// [name, value]: refused by both parseResource and parseResourcePattern.
const INVALID_BOTH: Array<[string, unknown]> = [
  ['a number', 42],
  ['null', null],
  ['an array', ['db:x']],
  ['empty', ''],
  ['no scheme', 'customers'],
  ['empty scheme', ':customers'],
  ['empty path', 'db:'],
  ['upper-case scheme', 'DB:customers'],
  ['scheme starting with a digit', '1db:x'],
  ['scheme longer than 32', `${'s'.repeat(33)}:x`],
  ['scheme with _', 'd_b:x'],
  ['two colons', 'db:a:b'],
  ['leading slash', 'db:/a'],
  ['trailing slash', 'db:a/'],
  ['empty segment', 'db:a//b'],
  ['dot segment', 'db:a/./b'],
  ['dot-dot segment', 'db:a/../b'],
  ['dot segment first', 'db:./a'],
  ['dot-dot segment last', 'db:a/..'],
  ['only a dot', 'db:.'],
  ['only a dot-dot', 'db:..'],
  ['space', 'db:a b'],
  ['leading space', ' db:a'],
  ['trailing newline', 'db:a\n'],
  ['percent-encoding', 'db:a%2Fb'],
  ['backslash', 'db:a\\b'],
  ['query', 'db:a?x=1'],
  ['fragment', 'db:a#x'],
  ['non-ASCII', 'db:café'],
  ['star in a segment', 'db:a*'],
  ['star in the middle', 'db:a/*/b'],
  ['star as scheme', '*:a'],
  ['star as the whole path', 'db:*'],
  ['double star', 'db:a/**'],
  ['star after a trailing slash pair', 'db:a//*'],
  ['star then slash', 'db:a/*/'],
  ['two wildcards', 'db:a/*/*'],
  ['dot segment before the wildcard', 'db:a/../*'],
  ['257 characters', `db:${'a'.repeat(254)}`],
]

describe('resources', () => {
  for (const r of RESOURCES) {
    it(`accepts ${r.length > 40 ? `${r.slice(0, 20)}… (${r.length} chars)` : r}`, () => {
      assert.equal(parseResource(r), r)
      assert.equal(parseResourcePattern(r), r)
    })
  }

  for (const [name, value] of INVALID_BOTH) {
    it(`refuses ${name}`, () => {
      throwsCode(() => parseResource(value), 'ERR_INPUT_INVALID')
      throwsCode(() => parseResourcePattern(value), 'ERR_INPUT_INVALID')
    })
  }

  it('accepts a trailing /* only in a pattern', () => {
    for (const p of ['db:hr/*', 'crm:accounts/eu/*', `db:${'a'.repeat(251)}/*`]) {
      assert.equal(parseResourcePattern(p), p)
      throwsCode(() => parseResource(p), 'ERR_INPUT_INVALID')
    }
  })

  it('caps a pattern at 256 characters, the /* included', () => {
    throwsCode(() => parseResourcePattern(`db:${'a'.repeat(252)}/*`), 'ERR_INPUT_INVALID')
  })
})

// [pattern, resource, matches]
const MATCHES: Array<[string, string, boolean]> = [
  ['db:customers', 'db:customers', true],
  ['db:customers', 'db:customers2', false],
  ['db:customers', 'db:customer', false],
  ['db:customers', 'db:customers/eu', false],
  ['db:customers', 'DB:customers', false],
  ['db:customers', 'dbx:customers', false],
  ['db:Customers', 'db:customers', false],
  ['db:hr/*', 'db:hr/payroll', true],
  ['db:hr/*', 'db:hr/payroll/2024/march', true],
  ['db:hr/*', 'db:hr', false],
  ['db:hr/*', 'db:hr2/x', false],
  ['db:hr/*', 'db:hrx', false],
  ['db:hr/*', 'db:h', false],
  ['db:hr/*', 'crm:hr/payroll', false],
  ['db:hr/payroll/*', 'db:hr/payroll/x', true],
  ['db:hr/payroll/*', 'db:hr/other/x', false],
  ['db:hr/payroll/*', 'db:hr/payroll', false],
  ['db:hr/*', 'db:HR/payroll', false],
]

// [outer, inner, covers]
const COVERS: Array<[string, string, boolean]> = [
  ['db:hr', 'db:hr', true],
  ['db:hr', 'db:hr2', false],
  ['db:hr', 'db:hr/*', false],
  ['db:hr', 'db:hr/x', false],
  ['db:hr/x', 'db:hr', false],
  ['db:hr/*', 'db:hr/*', true],
  ['db:hr/*', 'db:hr/payroll', true],
  ['db:hr/*', 'db:hr/payroll/*', true],
  ['db:hr/*', 'db:hr/payroll/2024/*', true],
  ['db:hr/*', 'db:hr', false],
  ['db:hr/*', 'db:hr2/*', false],
  ['db:hr/*', 'db:hr2/x', false],
  ['db:hr/*', 'db:*', false],
  ['db:hr/payroll/*', 'db:hr/*', false],
  ['db:hr/payroll/*', 'db:hr/payroll', false],
  ['db:hr/*', 'crm:hr/*', false],
  ['db:a/*', 'db:ab/*', false],
]

describe('resource matching', () => {
  for (const [pattern, resource, expected] of MATCHES) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${resource}`, () => assert.equal(resourceMatches(pattern, resource), expected))
  }

  for (const [outer, inner, expected] of COVERS) {
    it(`${outer} ${expected ? 'covers' : 'does not cover'} ${inner}`, () => assert.equal(patternCovers(outer, inner), expected))
  }

  it('agrees with resourceMatches: a covered pattern matches only what its cover matches', () => {
    const resources = ['db:hr', 'db:hr/payroll', 'db:hr/payroll/2024', 'db:hr2/x', 'db:hrx', 'crm:hr/payroll']
    const patterns = ['db:hr', 'db:hr/*', 'db:hr/payroll', 'db:hr/payroll/*', 'db:hr2/*', 'crm:hr/*']
    for (const outer of patterns) {
      for (const inner of patterns) {
        if (!patternCovers(outer, inner)) continue
        for (const r of resources) if (resourceMatches(inner, r)) assert.ok(resourceMatches(outer, r), `${outer} covers ${inner} but not ${r}`)
      }
    }
  })
})
