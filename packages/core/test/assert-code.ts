import assert from 'node:assert/strict'
import { isAgentIdError } from '@agentid/core'

/** Asserts that `fn` throws an AgentIdError with exactly `code` (never looks at the message). */
export function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isAgentIdError(error), `expected an AgentIdError with ${code}, got ${String(error)}`)
    assert.equal(error.code, code)
    return true
  })
}
