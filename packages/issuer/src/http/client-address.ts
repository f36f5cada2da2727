import { parseIpAddress } from '@agentid/core'

/**
 * The key under which a client address is limited: an IPv4 address as itself (an IPv4-mapped
 * IPv6 address included), an IPv6 address by its /64 network, since one host is normally given a
 * whole /64 and could otherwise take a fresh address for every connection. Anything else (no
 * address, a zone id) is kept as it is.
 */
export function clientAddressKey(address: string | undefined): string {
  const bytes = address === undefined ? undefined : parseIpAddress(address)
  if (!bytes) return address ?? ''
  if (bytes.length === 4) return bytes.join('.')
  return `${Buffer.from(bytes.subarray(0, 8)).toString('hex')}::/64`
}
