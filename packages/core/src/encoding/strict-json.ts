import { agentIdError, isAgentIdError } from '../errors/agentid-error.js'
import type { ErrorCode } from '../errors/codes.js'

/** Limits applied before and while parsing untrusted JSON. */
export interface StrictJsonLimits {
  /** Maximum length in UTF-16 code units (default 64 KiB). */
  readonly maxLength?: number
  /** Maximum nesting of objects and arrays (default 16). */
  readonly maxDepth?: number
}

const DEFAULT_MAX_LENGTH = 64 * 1024
const DEFAULT_MAX_DEPTH = 16

/**
 * Parses JSON (RFC 8259, exactly the grammar `JSON.parse` accepts) that must have one meaning: no
 * duplicate member names (JSON.parse keeps the last, other parsers the first), no `__proto__`
 * member (prototype pollution when merged later), and bounded size and depth. One pass: each
 * member name is checked before its value is read, and a container past the depth cap is refused
 * before anything inside it is, so hostile input never builds more than the valid part before it.
 * @throws AgentIdError `code` (default ERR_INPUT_INVALID)
 */
export function parseStrictJson(
  text: string,
  limits: StrictJsonLimits = {},
  code: ErrorCode = 'ERR_INPUT_INVALID',
  field = 'JSON',
): unknown {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH
  if (text.length > maxLength) throw agentIdError(code, `${field} is larger than ${maxLength} characters`)
  const reader = new StrictJsonReader(text, maxDepth, code, field)
  try {
    const value = reader.value(0)
    if (reader.skipSpace() === reader.text.length) return value
    reader.syntax('text after the JSON document')
  } catch (cause) {
    // A depth cap far above any caller's could still overflow the stack: a refusal all the same.
    if (isAgentIdError(cause)) throw cause
    throw agentIdError(code, `${field} is not valid JSON`, { cause })
  }
}

// Character codes.
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

const hasOwn = Object.prototype.hasOwnProperty
// U+0000 to U+001F: never allowed unescaped inside a JSON string.
const CONTROL_CHARACTER = /[\u0000-\u001f]/

// A recursive-descent reader over the text's UTF-16 code units. `charCodeAt` past the end gives
// NaN, which matches no expected character: every read past the end is a syntax error.
class StrictJsonReader {
  pos = 0
  // Strings are found by searching for their closing quote (the engine's indexOf, not a loop per
  // character: embedded JWTs are most of a token's text). That needs two facts to be true of the
  // text between the quotes: no control character (checked once for the whole text: compact JSON
  // has none, and text that has any is read a character at a time) and no backslash (the
  // position of the next one is kept, and moves only forward).
  readonly plain: boolean
  nextBackslash: number

  constructor(
    readonly text: string,
    readonly maxDepth: number,
    readonly code: ErrorCode,
    readonly field: string,
  ) {
    this.plain = !CONTROL_CHARACTER.test(text)
    this.nextBackslash = text.indexOf('\\')
    if (this.nextBackslash < 0) this.nextBackslash = text.length
  }

  syntax(what: string): never {
    // SyntaxError as the cause, as JSON.parse would throw.
    throw agentIdError(this.code, `${this.field} is not valid JSON`, { cause: new SyntaxError(`${what} at position ${this.pos}`) })
  }

  // Skips JSON's four white-space characters; returns the position of the next character.
  skipSpace(): number {
    const text = this.text
    let i = this.pos
    let c = text.charCodeAt(i)
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i)
    this.pos = i
    return i
  }

  // `depth`: how many containers enclose this value.
  value(depth: number): unknown {
    const text = this.text
    const c = text.charCodeAt(this.skipSpace())
    if (c === QUOTE) return this.string()
    if (c === OPEN_OBJECT) return this.object(depth)
    if (c === OPEN_ARRAY) return this.array(depth)
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number()
    if (c === 0x74 /* t */ && text.startsWith('true', this.pos)) return this.literal(4, true)
    if (c === 0x66 /* f */ && text.startsWith('false', this.pos)) return this.literal(5, false)
    if (c === 0x6e /* n */ && text.startsWith('null', this.pos)) return this.literal(4, null)
    return this.syntax(Number.isNaN(c) ? 'unexpected end' : 'unexpected character')
  }

  literal<T>(length: number, value: T): T {
    this.pos += length
    return value
  }

  deeper(depth: number): void {
    if (depth >= this.maxDepth) throw agentIdError(this.code, `${this.field} is nested deeper than ${this.maxDepth}`)
  }

  object(depth: number): Record<string, unknown> {
    this.deeper(depth)
    this.pos++
    const text = this.text
    const object: Record<string, unknown> = {}
    let c = text.charCodeAt(this.skipSpace())
    if (c === CLOSE_OBJECT) {
      this.pos++
      return object
    }
    for (;;) {
      if (c !== QUOTE) this.syntax('expected a member name')
      const name = this.string()
      // Checked before the value is read: nothing is built for a member that will be refused.
      if (name === '__proto__') throw agentIdError(this.code, `${this.field} has a "__proto__" member`)
      if (hasOwn.call(object, name)) throw agentIdError(this.code, `${this.field} has a duplicate member "${name}"`)
      if (text.charCodeAt(this.skipSpace()) !== COLON) this.syntax('expected ":"')
      this.pos++
      object[name] = this.value(depth + 1)
      c = text.charCodeAt(this.skipSpace())
      if (c === COMMA) {
        this.pos++
        c = text.charCodeAt(this.skipSpace())
      } else if (c === CLOSE_OBJECT) {
        this.pos++
        return object
      } else {
        this.syntax('expected "," or "}"')
      }
    }
  }

  array(depth: number): unknown[] {
    this.deeper(depth)
    this.pos++
    const text = this.text
    const array: unknown[] = []
    if (text.charCodeAt(this.skipSpace()) === CLOSE_ARRAY) {
      this.pos++
      return array
    }
    for (;;) {
      array.push(this.value(depth + 1))
      const c = text.charCodeAt(this.skipSpace())
      if (c === COMMA) {
        this.pos++
      } else if (c === CLOSE_ARRAY) {
        this.pos++
        return array
      } else {
        this.syntax('expected "," or "]"')
      }
    }
  }

  // At the opening quote. Most strings have no escape: one slice of the text.
  string(): string {
    const text = this.text
    const start = this.pos + 1
    if (this.plain) {
      if (this.nextBackslash < start) {
        this.nextBackslash = text.indexOf('\\', start)
        if (this.nextBackslash < 0) this.nextBackslash = text.length
      }
      const quote = text.indexOf('"', start)
      if (quote < 0) {
        this.pos = text.length
        return this.syntax('unterminated string')
      }
      if (quote < this.nextBackslash) {
        this.pos = quote + 1
        return text.slice(start, quote)
      }
      return this.escaped(start, this.nextBackslash)
    }
    const end = text.length
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i)
      if (c === QUOTE) {
        this.pos = i + 1
        return text.slice(start, i)
      }
      if (c === BACKSLASH) return this.escaped(start, i)
      if (c < 0x20) {
        this.pos = i
        this.syntax('control character in a string')
      }
    }
    this.pos = end
    return this.syntax('unterminated string')
  }

  escaped(start: number, backslash: number): string {
    const text = this.text
    const end = text.length
    let out = text.slice(start, backslash)
    let i = backslash
    while (i < end) {
      const c = text.charCodeAt(i)
      if (c === QUOTE) {
        this.pos = i + 1
        return out
      }
      if (c < 0x20) {
        this.pos = i
        this.syntax('control character in a string')
      }
      if (c !== BACKSLASH) {
        let j = i + 1
        while (j < end) {
          const d = text.charCodeAt(j)
          if (d === QUOTE || d === BACKSLASH || d < 0x20) break
          j++
        }
        out += text.slice(i, j)
        i = j
        continue
      }
      const e = text.charCodeAt(i + 1)
      switch (e) {
        case QUOTE: out += '"'; break
        case BACKSLASH: out += '\\'; break
        case 0x2f: out += '/'; break
        case 0x62: out += '\b'; break
        case 0x66: out += '\f'; break
        case 0x6e: out += '\n'; break
        case 0x72: out += '\r'; break
        case 0x74: out += '\t'; break
        case 0x75: {
          let unit = 0
          for (let k = i + 2; k < i + 6; k++) {
            const h = hexValue(text.charCodeAt(k))
            if (h < 0) {
              this.pos = k
              this.syntax('bad \\u escape')
            }
            unit = (unit << 4) | h
          }
          // Code units, as JSON.parse reads them: a lone surrogate stays one.
          out += String.fromCharCode(unit)
          i += 6
          continue
        }
        default:
          this.pos = i
          this.syntax('bad escape')
      }
      i += 2
    }
    this.pos = end
    return this.syntax('unterminated string')
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  number(): number {
    const text = this.text
    const start = this.pos
    let i = start
    let c = text.charCodeAt(i)
    const negative = c === MINUS
    if (negative) c = text.charCodeAt(++i)
    let integer = 0
    if (c === ZERO) {
      c = text.charCodeAt(++i)
    } else if (c > ZERO && c <= NINE) {
      do {
        integer = integer * 10 + (c - ZERO)
        c = text.charCodeAt(++i)
      } while (c >= ZERO && c <= NINE)
    } else {
      this.pos = i
      return this.syntax('expected a digit')
    }
    let plain = true
    if (c === DOT) {
      plain = false
      c = text.charCodeAt(++i)
      if (!(c >= ZERO && c <= NINE)) {
        this.pos = i
        this.syntax('expected a digit after "."')
      }
      do c = text.charCodeAt(++i)
      while (c >= ZERO && c <= NINE)
    }
    if (c === 0x65 || c === 0x45) {
      plain = false
      c = text.charCodeAt(++i)
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i)
      if (!(c >= ZERO && c <= NINE)) {
        this.pos = i
        this.syntax('expected a digit in the exponent')
      }
      do c = text.charCodeAt(++i)
      while (c >= ZERO && c <= NINE)
    }
    this.pos = i
    // An integer of at most 15 digits is exact as accumulated; anything else is converted by the
    // engine, rounding as JSON.parse does. (-0 stays -0.)
    if (plain && i - start <= 15) return negative ? -integer : integer
    return Number(text.slice(start, i))
  }
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  return -1
}
