import { agentIdError } from '@agentid/core'

// 9999-12-31T23:59:59Z. A larger "seconds" value is almost surely milliseconds, which would
// make a credential live for millennia.
const MAX_NUMERIC_DATE = 253402300799

/**
 * Reads a NumericDate claim (RFC 7519 section 2): an integer number of seconds. did-jwt skips
 * `exp` when it is 0, null or a string; here each of those is an error, never "no expiry".
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function numericDate(payload: Record<string, unknown>, claim: string, what: string, required: true): number
export function numericDate(payload: Record<string, unknown>, claim: string, what: string, required: false): number | undefined
export function numericDate(payload: Record<string, unknown>, claim: string, what: string, required: boolean): number | undefined {
  const value = payload[claim]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_NUMERIC_DATE) {
    throw agentIdError('ERR_INPUT_INVALID', `${what} "${claim}" must be a NumericDate (integer seconds)${value === undefined ? ', and is required' : ''}`)
  }
  return value
}
