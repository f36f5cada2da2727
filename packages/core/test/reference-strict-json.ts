// The strict JSON parser as it was before the single-pass reader (a duplicate-member scan, then
// JSON.parse), kept as the reference the reader is fuzzed against (test/fuzz.test.ts): on every
// input both must accept with the same value, or both refuse.
import { agentIdError, type ErrorCode } from '@agentid/core'

interface StrictJsonLimits {
  /** Maximum length in UTF-16 code units (default 64 KiB). */
  readonly maxLength?: number
  /** Maximum nesting of objects and arrays (default 16). */
  readonly maxDepth?: number
}

const DEFAULT_MAX_LENGTH = 64 * 1024
const DEFAULT_MAX_DEPTH = 16

/**
 * Parses JSON that must have one meaning: no duplicate member names (JSON.parse keeps the last,
 * other parsers the first), no `__proto__` member (prototype pollution when merged later), and
 * bounded size and depth. The structural scan runs before JSON.parse so that hostile input is
 * refused before any object is built from it.
 * @throws AgentIdError `code` (default ERR_INPUT_INVALID)
 */
export function referenceStrictJson(
  text: string,
  limits: StrictJsonLimits = {},
  code: ErrorCode = 'ERR_INPUT_INVALID',
  field = 'JSON',
): unknown {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH
  if (text.length > maxLength) throw agentIdError(code, `${field} is larger than ${maxLength} characters`)
  scanMembers(text, maxDepth, code, field)
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw agentIdError(code, `${field} is not valid JSON`, { cause })
  }
}

function scanMembers(text: string, maxDepth: number, code: ErrorCode, field: string): void {
  // One entry per open container: the member names seen so far, or null for an array. A small
  // array first (objects in credentials have a handful of members, where a linear search beats
  // building a Set, and this runs on every token the verifier sees), a Set past 16 names so that
  // an object with thousands of members stays linear.
  const stack: Array<string[] | Set<string> | null> = []
  let expectKey = false
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      // Jump from quote to quote (long values such as embedded JWTs are most of the text); a
      // quote preceded by an odd run of backslashes is escaped and does not end the string.
      let j = text.indexOf('"', i + 1)
      while (j > 0 && text.charCodeAt(j - 1) === 0x5c && isEscaped(text, j)) j = text.indexOf('"', j + 1)
      if (j < 0) j = n // unterminated: JSON.parse reports it
      if (expectKey) {
        const names = stack[stack.length - 1]
        if (names) {
          const raw = text.slice(i + 1, j)
          const name = raw.includes('\\') ? decodeKey(text.slice(i, j + 1), code, field) : raw
          if (name === '__proto__') throw agentIdError(code, `${field} has a "__proto__" member`)
          if (Array.isArray(names)) {
            if (names.includes(name)) throw agentIdError(code, `${field} has a duplicate member "${name}"`)
            names.push(name)
            if (names.length > 16) stack[stack.length - 1] = new Set(names)
          } else {
            if (names.has(name)) throw agentIdError(code, `${field} has a duplicate member "${name}"`)
            names.add(name)
          }
        }
        expectKey = false
      }
      i = j
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) throw agentIdError(code, `${field} is nested deeper than ${maxDepth}`)
      const isObject = c === 0x7b
      stack.push(isObject ? [] : null)
      expectKey = isObject
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop()
      expectKey = false
    } else if (c === 0x2c /* , */) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null
    }
  }
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0
  for (let k = quote - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++
  return backslashes % 2 === 1
}

function decodeKey(quoted: string, code: ErrorCode, field: string): string {
  try {
    return JSON.parse(quoted) as string
  } catch (cause) {
    throw agentIdError(code, `${field} is not valid JSON`, { cause })
  }
}
