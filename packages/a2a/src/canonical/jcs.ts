import { agentIdError } from '@agentid/core'

// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const MAX_DEPTH = 64

function serialize(value: unknown, depth: number, path: string, out: string[]): void {
  if (depth > MAX_DEPTH) throw agentIdError('ERR_INPUT_INVALID', `${path} is nested deeper than ${MAX_DEPTH}`)
  if (value === null || value === true || value === false) {
    out.push(String(value))
  } else if (typeof value === 'number') {
    // RFC 8785 3.2.2.3: the ECMAScript Number serialization, which JSON.stringify is; -0 gives "0".
    if (!Number.isFinite(value)) throw agentIdError('ERR_INPUT_INVALID', `${path} is not a finite number (I-JSON)`)
    out.push(JSON.stringify(value))
  } else if (typeof value === 'string') {
    // I-JSON (RFC 7493) forbids lone surrogates; JSON.stringify would escape them rather than fail.
    if (LONE_SURROGATE.test(value)) throw agentIdError('ERR_INPUT_INVALID', `${path} holds a lone surrogate (not I-JSON)`)
    out.push(JSON.stringify(value))
  } else if (Array.isArray(value)) {
    out.push('[')
    value.forEach((item, i) => {
      if (i > 0) out.push(',')
      serialize(item, depth + 1, `${path}[${i}]`, out)
    })
    out.push(']')
  } else if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    // RFC 8785 3.2.3: members sorted by their names as arrays of UTF-16 code units, which is what
    // the default string comparison of Array.prototype.sort does.
    const record = value as Record<string, unknown>
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort()
    out.push('{')
    keys.forEach((key, i) => {
      if (i > 0) out.push(',')
      if (LONE_SURROGATE.test(key)) throw agentIdError('ERR_INPUT_INVALID', `${path} has a member name with a lone surrogate (not I-JSON)`)
      out.push(JSON.stringify(key), ':')
      serialize(record[key], depth + 1, `${path}.${key}`, out)
    })
    out.push('}')
  } else {
    throw agentIdError('ERR_INPUT_INVALID', `${path} is not a JSON value (${typeof value})`)
  }
}

/**
 * The JSON Canonicalization Scheme (RFC 8785) of a JSON value: members sorted by UTF-16 code
 * units, ECMAScript number and string serialization, no whitespace. Members whose value is
 * `undefined` are left out, as JSON.stringify does.
 * @throws AgentIdError ERR_INPUT_INVALID for what is not I-JSON: NaN, Infinity, lone surrogates,
 *   values that are not JSON (functions, bigints, class instances), nesting deeper than 64
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalizeJson(value: unknown): string {
  const out: string[] = []
  serialize(value, 0, '$', out)
  return out.join('')
}
