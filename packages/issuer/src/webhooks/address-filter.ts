import { parseIpAddress } from '@agentid/core'

// Where webhooks may go: public unicast addresses only, unless the operator allows private ones.
// A webhook URL is chosen by an admin token, and the issuer posts to it from inside the network:
// without this, a stolen admin token (or a name that resolves to 10.0.0.5) turns the issuer into
// a probe of internal services and cloud metadata endpoints (169.254.169.254).
//
// Ranges from the IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and updates).
// IPv6 is refused outside global unicast (2000::/3), except where an IPv4 address is embedded
// (mapped, NAT64, 6to4): then the IPv4 address is what is judged.

type Range = readonly [prefix: readonly number[], bits: number, why: string]

const IPV4_REFUSED: readonly Range[] = [
  [[0], 8, 'this network (0.0.0.0/8, the unspecified address included)'],
  [[10], 8, 'private (10.0.0.0/8)'],
  [[100, 64], 10, 'shared address space (100.64.0.0/10, carrier-grade NAT)'],
  [[127], 8, 'loopback (127.0.0.0/8)'],
  [[169, 254], 16, 'link-local (169.254.0.0/16, cloud metadata included)'],
  [[172, 16], 12, 'private (172.16.0.0/12)'],
  [[192, 0, 0], 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [[192, 0, 2], 24, 'documentation (192.0.2.0/24)'],
  [[192, 88, 99], 24, '6to4 relay anycast (192.88.99.0/24)'],
  [[192, 168], 16, 'private (192.168.0.0/16)'],
  [[198, 18], 15, 'benchmarking (198.18.0.0/15)'],
  [[198, 51, 100], 24, 'documentation (198.51.100.0/24)'],
  [[203, 0, 113], 24, 'documentation (203.0.113.0/24)'],
  [[224], 4, 'multicast (224.0.0.0/4)'],
  [[240], 4, 'reserved (240.0.0.0/4, broadcast included)'],
]

// Inside 2000::/3, the blocks that are not ordinary global unicast.
const IPV6_REFUSED: readonly Range[] = [
  [[0x20, 0x01, 0x00], 23, 'IETF protocol assignments (2001::/23, Teredo included)'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'documentation (2001:db8::/32)'],
  [[0x3f, 0xff], 20, 'documentation (3fff::/20)'],
]

function inRange(bytes: Uint8Array, [prefix, bits]: Range): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3
    const mask = 0x80 >> (i & 7)
    if ((bytes[byte]! & mask) !== ((prefix[byte] ?? 0) & mask)) return false
  }
  return true
}

function ipv4Reason(bytes: Uint8Array): string | undefined {
  return IPV4_REFUSED.find((range) => inRange(bytes, range))?.[2]
}

function ipv6Reason(bytes: Uint8Array): string | undefined {
  const zeros = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0)
  // ::/96 holds the unspecified address (::), loopback (::1) and the deprecated IPv4-compatible
  // form (::a.b.c.d): none is a destination. (::ffff:a.b.c.d arrives as 4 bytes, judged as IPv4.)
  if (zeros(0, 12)) return 'unspecified, loopback or IPv4-compatible (::/96)'
  // NAT64 (64:ff9b::/96): the embedded IPv4 address is where the packets go.
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) {
    const v4 = ipv4Reason(bytes.subarray(12))
    return v4 && `NAT64 of ${v4}`
  }
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b) return 'local-use NAT64 (64:ff9b:1::/48)'
  // 6to4 (2002::/16): the IPv4 address in bits 16-47 is the tunnel's end.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    const v4 = ipv4Reason(bytes.subarray(2, 6))
    return v4 && `6to4 of ${v4}`
  }
  if ((bytes[0]! & 0xe0) !== 0x20) {
    if (bytes[0] === 0xfc || bytes[0] === 0xfd) return 'unique local (fc00::/7)'
    if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return 'link-local (fe80::/10)'
    if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return 'site-local (fec0::/10)'
    if (bytes[0] === 0xff) return 'multicast (ff00::/8)'
    return 'not global unicast (outside 2000::/3)'
  }
  return IPV6_REFUSED.find((range) => inRange(bytes, range))?.[2]
}

/**
 * Why an IP address may not receive webhooks (loopback, private, link-local, unspecified,
 * multicast, documentation, ...), or `undefined` for a public unicast address. IPv4-mapped,
 * NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address they carry. A zone (`%eth0`) is
 * ignored; what does not parse as an address is refused.
 */
export function refusedAddressReason(address: string): string | undefined {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  const zone = text.indexOf('%')
  const bytes = parseIpAddress(zone < 0 ? text : text.slice(0, zone))
  if (!bytes) return 'not an IP address'
  return bytes.length === 4 ? ipv4Reason(bytes) : ipv6Reason(bytes)
}

/** True when `hostname` (as `URL.hostname` spells it: IPv6 in brackets) is an IP address rather than a name. */
export function isAddressLiteral(hostname: string): boolean {
  const text = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  return parseIpAddress(text) !== undefined
}

/**
 * Why a webhook URL's host is refused before any lookup, or `undefined` when it may be
 * registered: an address literal is judged at once ({@link refusedAddressReason}); `localhost`
 * and names under `.localhost` are loopback by definition (RFC 6761). Other names are judged
 * when they are resolved, before each delivery. Pass `URL.hostname`: the URL parser has already
 * turned `0x7f.1`, `2130706433` and `0177.0.0.1` into `127.0.0.1`.
 */
export function refusedHostReason(hostname: string): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback (localhost)'
  return isAddressLiteral(hostname) ? refusedAddressReason(hostname) : undefined
}
