// The common case of `POST /events`, read straight from the body's bytes: compact ASCII JSON, the
// way reporters send it. Measured on the bench's batches (1,000 events, 210 kB; docs/performance.md):
// the general path (the body decoded to one string, parseStrictJson, then Ajv against the route's
// schema) took 2.1-3.6 µs an event of the ingest's 8-13; this reader 0.9-1.05. Much of the
// difference is the one large string: V8 puts a string over 128 KiB in its large-object space,
// and making one there ran at ~250 MB/s where a 64 KiB one ran at 6-7 GB/s.
//
// It never refuses anything itself. It returns a body only when it is sure that the general path
// would return the same one (valid JSON with one meaning, valid against the schema), and otherwise
// `undefined`, and the general path decides, with its own error. What it is sure of: the body is
// ASCII; no string has an escape or a control character; numbers are plain whole numbers of at
// most 15 digits; every object is the schema's, member by member. Anything else (an escape, a
// fraction, an unknown or repeated member, a wrong type, a value out of bounds) goes the general way.

/** A JSON Schema, as in schemas.ts. */
type Schema = Readonly<Record<string, unknown>>

// How one member of an event is checked, from its schema.
type Field =
  | { readonly kind: 'string'; readonly name: string; readonly minLength: number; readonly maxLength: number; readonly pattern?: RegExp }
  | { readonly kind: 'integer'; readonly name: string; readonly minimum: number; readonly maximum: number }
  | { readonly kind: 'enum'; readonly name: string; readonly values: ReadonlySet<string> }

/** What {@link eventBatchReader} returns: the body, as the general path would (`{ events: [...] }`). */
export type EventBatch = Record<string, Array<Record<string, string | number>>>

/**
 * A reader for bodies of the shape `{ "<list>": [ { flat object }, … ] }` described by `schema`
 * (the route's, so that the two cannot differ). Knows the keywords `type` (object, array,
 * string, integer), `additionalProperties: false`, `required`, `properties`, `maxItems`,
 * `items`, `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`, `enum` (of strings).
 * @throws Error when the schema has another keyword or shape: a schema the reader does not
 *   understand must not be read by it (the service would not start).
 */
export function eventBatchReader(schema: Schema): (body: Buffer) => EventBatch | undefined {
  only(schema, ['type', 'additionalProperties', 'required', 'properties'], 'the body')
  const properties = schema.properties as Record<string, Schema>
  const [listName, ...others] = Object.keys(properties)
  if (listName === undefined || others.length > 0 || schema.type !== 'object' || schema.additionalProperties !== false || !sameNames(schema.required, [listName])) {
    throw new Error('the body must be an object with one required list')
  }
  const list = properties[listName]!
  only(list, ['type', 'maxItems', 'items'], listName)
  const item = list.items as Schema
  only(item, ['type', 'additionalProperties', 'required', 'properties'], `${listName} items`)
  if (list.type !== 'array' || item.type !== 'object' || item.additionalProperties !== false) throw new Error(`${listName} must be an array of closed objects`)
  const fields = Object.entries(item.properties as Record<string, Schema>).map(([name, s]) => field(name, s))
  if (fields.length > 30) throw new Error('at most 30 members (a bit mask tells which were seen)')
  const required = (item.required as string[]).reduce((mask, name) => {
    const index = fields.findIndex((f) => f.name === name)
    if (index < 0) throw new Error(`${listName} items: "${name}" is required but not described`)
    return mask | (1 << index)
  }, 0)
  const shape: BatchShape = {
    listName,
    listBytes: ascii(listName),
    maxItems: typeof list.maxItems === 'number' ? list.maxItems : Infinity,
    fields,
    names: fields.map((f) => ascii(f.name)),
    required,
    order: new Int32Array(fields.length),
    from: new Int32Array(fields.length),
    to: new Int32Array(fields.length),
    numbers: new Float64Array(fields.length),
    guess: new Int32Array(fields.length).fill(-1),
  }
  return (body) => readBatch(body, shape)
}

interface BatchShape {
  readonly listName: string
  readonly listBytes: Uint8Array
  readonly maxItems: number
  readonly fields: readonly Field[]
  readonly names: readonly Uint8Array[]
  readonly required: number
  // Scratch space for the event being read (reading is synchronous): which field each member
  // is, where its string is, or its number.
  readonly order: Int32Array
  readonly from: Int32Array
  readonly to: Int32Array
  readonly numbers: Float64Array
  // The field each member was in the event before: a reporter writes its events' members in one
  // order, and the name is then compared with one field's, not looked for among all of them.
  readonly guess: Int32Array
}

function only(schema: Schema, keywords: readonly string[], what: string): void {
  for (const keyword of Object.keys(schema)) if (!keywords.includes(keyword)) throw new Error(`${what}: keyword "${keyword}" is not known to the event batch reader`)
}

function sameNames(value: unknown, names: readonly string[]): boolean {
  return Array.isArray(value) && value.length === names.length && names.every((n) => value.includes(n))
}

function field(name: string, schema: Schema): Field {
  if (Array.isArray(schema.enum)) {
    only(schema, ['enum'], name)
    if (!schema.enum.every((v) => typeof v === 'string')) throw new Error(`${name}: only enums of strings are known`)
    return { kind: 'enum', name, values: new Set(schema.enum as string[]) }
  }
  if (schema.type === 'string') {
    only(schema, ['type', 'minLength', 'maxLength', 'pattern'], name)
    return {
      kind: 'string', name, minLength: (schema.minLength as number | undefined) ?? 0, maxLength: (schema.maxLength as number | undefined) ?? Infinity,
      // As Ajv compiles it (its default `unicodeRegExp`).
      ...(typeof schema.pattern === 'string' ? { pattern: new RegExp(schema.pattern, 'u') } : {}),
    }
  }
  if (schema.type === 'integer') {
    only(schema, ['type', 'minimum', 'maximum'], name)
    return { kind: 'integer', name, minimum: (schema.minimum as number | undefined) ?? -Infinity, maximum: (schema.maximum as number | undefined) ?? Infinity }
  }
  throw new Error(`${name}: only strings, integers and enums of strings are known`)
}

// A member name's bytes as they appear in the body (printable ASCII needs no escape in JSON).
function ascii(name: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(name) || /["\\]/.test(name)) throw new Error(`"${name}": only names of printable ASCII without escapes are known`)
  return Uint8Array.from(name, (c) => c.charCodeAt(0))
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const ZERO = 0x30
const NINE = 0x39
// Whole numbers of at most this many digits are exact in a double (< 2^53).
const MAX_DIGITS = 15

// Thrown (and caught in readBatch) to leave the body to the general path.
const GENERAL = Symbol('general path')
const general = (): never => {
  throw GENERAL
}

function readBatch(body: Buffer, shape: BatchShape): EventBatch | undefined {
  try {
    const events: Array<Record<string, string | number>> = []
    let pos = expect(body, space(body, 0), OPEN_OBJECT)
    pos = space(body, pos)
    const nameEnd = stringEnd(body, pos)
    if (!sameBytes(body, pos + 1, nameEnd, shape.listBytes)) general()
    pos = expect(body, space(body, nameEnd + 1), COLON)
    pos = expect(body, space(body, pos), OPEN_ARRAY)
    pos = space(body, pos)
    if (body[pos] === CLOSE_ARRAY) pos++
    else {
      for (;;) {
        if (events.length === shape.maxItems) general()
        pos = readEvent(body, space(body, pos), shape, events)
        pos = space(body, pos)
        if (body[pos] === COMMA) pos++
        else {
          pos = expect(body, pos, CLOSE_ARRAY)
          break
        }
      }
    }
    pos = expect(body, space(body, pos), CLOSE_OBJECT)
    if (space(body, pos) !== body.length) general()
    return { [shape.listName]: events }
  } catch (error) {
    if (error === GENERAL) return undefined
    throw error
  }
}

// Reads one flat event object at `start` into `events`; returns the position after it.
function readEvent(body: Buffer, start: number, shape: BatchShape, events: Array<Record<string, string | number>>): number {
  let pos = expect(body, start, OPEN_OBJECT)
  const { order, from, to, numbers, guess, names } = shape
  let members = 0
  let seen = 0
  pos = space(body, pos)
  if (body[pos] !== CLOSE_OBJECT) {
    for (;;) {
      const nameEnd = stringEnd(body, pos)
      const guessed = guess[members]!
      const index = guessed >= 0 && sameBytes(body, pos + 1, nameEnd, names[guessed]!) ? guessed : fieldAt(body, pos + 1, nameEnd, names)
      if (index < 0 || (seen & (1 << index)) !== 0) general()
      seen |= 1 << index
      guess[members] = index
      order[members] = index
      pos = expect(body, space(body, nameEnd + 1), COLON)
      pos = space(body, pos)
      const f = shape.fields[index]!
      if (f.kind === 'integer') {
        let end = pos
        let value = 0
        for (let c = body[end]!; c >= ZERO && c <= NINE; c = body[++end]!) value = value * 10 + (c - ZERO)
        const digits = end - pos
        // (A leading zero or a sign is the general path's to read; so are a fraction and an
        // exponent, which no member ends with.)
        if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && body[pos] === ZERO) || value < f.minimum || value > f.maximum) general()
        numbers[members++] = value
        pos = end
      } else {
        const end = stringEnd(body, pos)
        from[members] = pos + 1
        to[members++] = end
        pos = end + 1
      }
      pos = space(body, pos)
      if (body[pos] === COMMA) pos = space(body, pos + 1)
      else break
    }
  }
  pos = expect(body, pos, CLOSE_OBJECT)
  if ((seen & shape.required) !== shape.required) general()
  // The event's text, decoded once (a short string: not the large-object space); its values are
  // cut from it.
  const text = body.toString('latin1', start, pos)
  const event: Record<string, string | number> = {}
  for (let i = 0; i < members; i++) {
    const f = shape.fields[order[i]!]!
    if (f.kind === 'integer') {
      event[f.name] = numbers[i]!
      continue
    }
    const value = text.slice(from[i]! - start, to[i]! - start)
    if (f.kind === 'enum') {
      if (!f.values.has(value)) general()
    } else if (value.length < f.minLength || value.length > f.maxLength || (f.pattern !== undefined && !f.pattern.test(value))) general()
    event[f.name] = value
  }
  events.push(event)
  return pos
}

// The position of the closing quote of the string that opens at `pos`; the general path's when
// the string holds anything but printable ASCII without escapes.
function stringEnd(body: Buffer, pos: number): number {
  if (body[pos] !== QUOTE) general()
  for (let i = pos + 1; i < body.length; i++) {
    const c = body[i]!
    if (c === QUOTE) return i
    if (c < 0x20 || c === BACKSLASH || c >= 0x80) general()
  }
  return general()
}

function fieldAt(body: Buffer, from: number, to: number, names: readonly Uint8Array[]): number {
  for (let i = 0; i < names.length; i++) if (sameBytes(body, from, to, names[i]!)) return i
  return -1
}

function sameBytes(body: Buffer, from: number, to: number, bytes: Uint8Array): boolean {
  if (to - from !== bytes.length) return false
  for (let i = 0; i < bytes.length; i++) if (body[from + i] !== bytes[i]) return false
  return true
}

// JSON's four white-space characters.
function space(body: Buffer, pos: number): number {
  let c = body[pos]
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = body[++pos]
  return pos
}

function expect(body: Buffer, pos: number, byte: number): number {
  if (body[pos] !== byte) general()
  return pos + 1
}
