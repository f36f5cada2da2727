import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { ERROR_CODES, type ErrorCode } from '@agentid/core'

// docs/errors.md is written by hand; this keeps it true to the code.
describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
  const rows = new Map([...doc.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d+) \| (\d) \|/gm)].map((m) => [m[1]!, [Number(m[2]), Number(m[3])]]))

  it('lists every code with its HTTP status and exit code, and no other', () => {
    assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort())
    for (const [code, [status, exit]] of rows) {
      const spec = ERROR_CODES[code as ErrorCode]
      assert.deepEqual([status, exit], [spec.status, spec.exit], code)
    }
  })
})
