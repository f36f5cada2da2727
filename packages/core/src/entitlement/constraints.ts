import { agentIdError } from '../errors/agentid-error.js'
import { networkContains, parseIpAddress, parseIpNetwork, type IpNetwork } from './ip-network.js'

/** A daily time window in UTC, minutes since midnight; `start > end` wraps past midnight. */
export interface HoursWindow {
  readonly start: number
  readonly end: number
  readonly text: string
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** Constraints an entitlement may carry. Each one present must hold for a request to be allowed. */
export interface Constraints {
  /** `HH:MM-HH:MMZ`: allowed UTC hours. */
  readonly hours?: HoursWindow
  /** Allowed UTC weekdays. */
  readonly days?: readonly Weekday[]
  /** Allowed source networks (IPv4 and IPv6 CIDR). */
  readonly networks?: readonly IpNetwork[]
  /** Most records one request may touch. */
  readonly maxRecords?: number
  /**
   * Names of constraints this version does not understand. Kept so that a verifier can deny:
   * a constraint it cannot evaluate must never be read as "no constraint".
   */
  readonly unknown?: readonly string[]
}

/** What a request tells about itself, for constraint evaluation. */
export interface RequestContext {
  /** When the request happens (ms since epoch or Date). Defaults to the verifier's clock. */
  readonly time?: number | Date
  /** Source address of the request. */
  readonly ip?: string
  /** Number of records the request reads or changes. */
  readonly records?: number
}

const HOURS = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]|24):([0-5][0-9])Z$/
const KNOWN = new Set(['hours', 'days', 'networks', 'maxRecords'])
// Enough for any real allow-list (aggregate wider networks otherwise), and a bound on the work of
// comparing two lists when a delegation is checked.
const MAX_NETWORKS = 16

function parseHours(value: unknown, field: string): HoursWindow {
  const m = typeof value === 'string' ? HOURS.exec(value) : null
  if (!m) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be HH:MM-HH:MMZ (UTC), e.g. 08:00-18:00Z`)
  const start = Number(m[1]) * 60 + Number(m[2])
  const end = Number(m[3]) * 60 + Number(m[4])
  if (end > 24 * 60 || start === end) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a non-empty window within a day`)
  return { start, end, text: value as string }
}

function parseDays(value: unknown, field: string): Weekday[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 7) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of weekdays (mon..sun)`)
  const seen = new Set<string>()
  for (const [i, day] of value.entries()) {
    if (typeof day !== 'string' || !(WEEKDAYS as readonly string[]).includes(day) || seen.has(day)) {
      throw agentIdError('ERR_INPUT_INVALID', `"${field}[${i}]" must be a distinct weekday: ${WEEKDAYS.join(', ')}`)
    }
    seen.add(day)
  }
  return value as Weekday[]
}

function parseNetworks(value: unknown, field: string): IpNetwork[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_NETWORKS) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of 1 to ${MAX_NETWORKS} CIDR networks`)
  const networks = value.map((v, i) => parseIpNetwork(v, `${field}[${i}]`))
  const texts = new Set(networks.map((n) => n.text))
  if (texts.size !== networks.length) throw agentIdError('ERR_INPUT_INVALID', `"${field}" lists a network twice`)
  return networks
}

function parseMaxRecords(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a positive integer`)
  return value
}

/**
 * Parses an entitlement's `constraints` object.
 * @param options.allowUnknown keep unknown names (verifier: they deny later) instead of refusing
 *   them (issuer: never grant what no verifier can evaluate).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseConstraints(value: unknown, field = 'constraints', options: { allowUnknown?: boolean } = {}): Constraints {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object`)
  const record = value as Record<string, unknown>
  const out: { -readonly [K in keyof Constraints]: Constraints[K] } = {}
  const unknown = Object.keys(record).filter((k) => !KNOWN.has(k))
  if (unknown.length > 0) {
    if (!options.allowUnknown) throw agentIdError('ERR_INPUT_INVALID', `"${field}.${unknown[0]}" is not a known constraint (hours, days, networks, maxRecords)`)
    out.unknown = unknown
  }
  if (record.hours !== undefined) out.hours = parseHours(record.hours, `${field}.hours`)
  if (record.days !== undefined) out.days = parseDays(record.days, `${field}.days`)
  if (record.networks !== undefined) out.networks = parseNetworks(record.networks, `${field}.networks`)
  if (record.maxRecords !== undefined) out.maxRecords = parseMaxRecords(record.maxRecords, `${field}.maxRecords`)
  return out
}

/**
 * The JSON form of parsed constraints, as they appear in a credential.
 * @throws AgentIdError ERR_INPUT_INVALID for constraints with unknown members: written out without
 *   them they would read as "no constraint", a wider grant than the one parsed.
 */
export function constraintsToJson(constraints: Constraints): Record<string, unknown> {
  if (constraints.unknown && constraints.unknown.length > 0) {
    throw agentIdError('ERR_INPUT_INVALID', `constraint "${constraints.unknown[0]}" is not understood and cannot be written back`)
  }
  const out: Record<string, unknown> = {}
  if (constraints.hours) out.hours = constraints.hours.text
  if (constraints.days) out.days = [...constraints.days]
  if (constraints.networks) out.networks = constraints.networks.map((n) => n.text)
  if (constraints.maxRecords !== undefined) out.maxRecords = constraints.maxRecords
  return out
}

/**
 * The first constraint the request context violates, as a message, or undefined when all hold.
 * A missing context value fails its constraint: deny by default.
 */
export function constraintViolation(constraints: Constraints, context: RequestContext, nowMs: number): string | undefined {
  if (constraints.unknown && constraints.unknown.length > 0) return `constraint "${constraints.unknown[0]}" is not understood by this verifier`
  const time = context.time === undefined ? nowMs : typeof context.time === 'number' ? context.time : context.time.getTime()
  if (constraints.hours) {
    const d = new Date(time)
    const minute = d.getUTCHours() * 60 + d.getUTCMinutes()
    const { start, end } = constraints.hours
    const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end
    if (!inside) return `outside allowed hours ${constraints.hours.text}`
  }
  if (constraints.days) {
    const day = WEEKDAYS[new Date(time).getUTCDay()]!
    if (!constraints.days.includes(day)) return `not allowed on ${day}`
  }
  if (constraints.networks) {
    const address = context.ip === undefined ? undefined : parseIpAddress(context.ip)
    if (!address) return 'request source address is missing or invalid'
    if (!constraints.networks.some((n) => networkContains(n, address))) return `source ${context.ip} is outside the allowed networks`
  }
  if (constraints.maxRecords !== undefined) {
    const records = context.records
    if (typeof records !== 'number' || !Number.isSafeInteger(records) || records < 0) return 'request record count is missing or invalid'
    if (records > constraints.maxRecords) return `${records} records exceed the maximum of ${constraints.maxRecords}`
  }
  return undefined
}
