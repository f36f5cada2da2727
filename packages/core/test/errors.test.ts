import assert from 'node:assert/strict'
import { AgentIdError, agentIdError, ERROR_CODES, isErrorCode, type ErrorCode } from '@agentid/core'

// The codes DESIGN.md promises, at least.
const PROMISED = [
  'ERR_INPUT_INVALID', 'ERR_JWS_MALFORMED', 'ERR_JWS_ALG', 'ERR_JWS_HEADER', 'ERR_SIGNATURE', 'ERR_DID_INVALID',
  'ERR_DID_UNSUPPORTED', 'ERR_KEY_WEAK', 'ERR_VC_EXPIRED', 'ERR_VC_NOT_YET_VALID', 'ERR_VC_CLAIMS_MISMATCH',
  'ERR_VC_ISSUER_UNTRUSTED', 'ERR_VC_REVOKED', 'ERR_VC_SUSPENDED', 'ERR_STATUS_UNAVAILABLE', 'ERR_VP_AUDIENCE',
  'ERR_VP_NONCE', 'ERR_VP_REPLAY', 'ERR_VP_HOLDER_BINDING', 'ERR_VP_EXPIRED', 'ERR_TYPE_CONFUSION', 'ERR_NOT_ENTITLED',
  'ERR_PURPOSE', 'ERR_CONSTRAINT', 'ERR_DELEGATION', 'ERR_SOD_CONFLICT', 'ERR_APPROVAL_REQUIRED', 'ERR_NOT_FOUND',
  'ERR_CONFLICT', 'ERR_UNAUTHORIZED', 'ERR_FORBIDDEN', 'ERR_STORE',
]

describe('error codes', () => {
  it('include every code of DESIGN.md', () => {
    for (const code of PROMISED) assert.ok(isErrorCode(code), code)
  })

  it('give each code a class, an HTTP status and an exit code', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const error = agentIdError(code, 'x')
      assert.ok(error instanceof AgentIdError)
      assert.equal(error.code, code)
      assert.ok(error.status >= 200 && error.status < 600, code)
      assert.ok([1, 2].includes(error.exitCode), code)
      assert.match(code, /^ERR_[A-Z]+(_[A-Z]+)*$/)
    }
    assert.equal(agentIdError('ERR_USAGE', 'x').exitCode, 2)
  })

  it('keep the cause and serialise to {code, message}', () => {
    const cause = new Error('inner')
    const error = agentIdError('ERR_STORE', 'outer', { cause })
    assert.equal(error.cause, cause)
    assert.deepEqual(JSON.parse(JSON.stringify(error)), { code: 'ERR_STORE', message: 'outer' })
    assert.equal(error.name, 'StoreError')
  })
})
