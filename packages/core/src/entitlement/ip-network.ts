import { agentIdError } from '../errors/agentid-error.js'

/** An IPv4 or IPv6 network: address bytes (4 or 16) and prefix length. */
export interface IpNetwork {
  /** A frozen array, so that a network held in a cache cannot be widened in place. */
  readonly bytes: readonly number[]
  readonly prefix: number
  /** Canonical text, e.g. `10.20.0.0/16`. */
  readonly text: string
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    out[i] = value
  }
  return out
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  // The dotted IPv4 form may only end the address (RFC 4291 section 2.2): the last group of the
  // last half.
  const groups = (half: string, last: boolean): number[] | undefined => {
    if (half === '') return []
    const out: number[] = []
    const parts = half.split(':')
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      if (last && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part)
        if (!v4) return undefined
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined
        out.push(parseInt(part, 16))
      }
    }
    return out
  }
  const head = groups(halves[0]!, halves.length === 1)
  const tail = halves.length === 2 ? groups(halves[1]!, true) : []
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail]
  const out = new Uint8Array(16)
  all.forEach((g, i) => {
    out[2 * i] = g >> 8
    out[2 * i + 1] = g & 0xff
  })
  return out
}

/**
 * Parses an IP address (IPv4 dotted quad or IPv6). An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, as Node reports IPv4 peers on dual-stack sockets) becomes plain IPv4.
 * Returns undefined when `text` is not an address.
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (text.includes(':')) {
    const v6 = parseIpv6(text)
    if (v6 && v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) return v6.slice(12)
    return v6
  }
  return parseIpv4(text)
}

/**
 * Parses CIDR notation (`10.20.0.0/16`, `2001:db8::/32`). Host bits must be zero, so that a
 * network has one spelling.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseIpNetwork(text: unknown, field = 'network'): IpNetwork {
  if (typeof text !== 'string') throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a CIDR string`)
  const known = parsedNetworks.get(text)
  if (known !== undefined) return known
  const network = parseNetworkText(text, field)
  if (parsedNetworks.size >= MAX_PARSED_NETWORKS) parsedNetworks.clear()
  parsedNetworks.set(text, network)
  return network
}

// Every credential of an issuer tends to carry the same few networks, and the verifier parses
// each new credential's constraints: valid networks are kept by their text (they are frozen, so
// one object can be shared). Bounded; only networks that parsed are kept, so a refusal and its
// message (which names the field) are never cached.
const MAX_PARSED_NETWORKS = 256
const parsedNetworks = new Map<string, IpNetwork>()

function parseNetworkText(text: string, field: string): IpNetwork {
  const slash = text.indexOf('/')
  if (slash < 0) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be CIDR (address/prefix)`)
  const address = text.slice(0, slash)
  const bytes = address.includes(':') ? parseIpv6(address) : parseIpv4(address)
  const prefixText = text.slice(slash + 1)
  if (!bytes || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" is not a valid CIDR network`)
  const prefix = Number(prefixText)
  if (prefix > bytes.length * 8) throw agentIdError('ERR_INPUT_INVALID', `"${field}" prefix is longer than the address`)
  if (!hostBitsZero(bytes, prefix)) {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}" has host bits set`)
  }
  return Object.freeze({ bytes: Object.freeze(Array.from(bytes)), prefix, text })
}

function hostBitsZero(bytes: ArrayLike<number>, prefix: number): boolean {
  for (let i = prefix; i < bytes.length * 8; i++) if ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) return false
  return true
}

/** True when the first `bits` bits of a and b are equal. */
function hasPrefix(a: ArrayLike<number>, b: ArrayLike<number>, bits: number): boolean {
  const whole = bits >> 3
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false
  const rest = bits & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (a[whole]! & mask) === (b[whole]! & mask)
}

/** True when `address` (bytes from {@link parseIpAddress}) lies inside `network`. */
export function networkContains(network: IpNetwork, address: Uint8Array): boolean {
  return address.length === network.bytes.length && hasPrefix(address, network.bytes, network.prefix)
}
