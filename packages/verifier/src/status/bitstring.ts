import { gunzipSync } from 'node:zlib'
import { agentIdError, decodeBase64url } from '@agentid/core'

/** The smallest list the W3C Recommendation allows (herd privacy): 131,072 entries. */
export const MIN_STATUS_LIST_BITS = 131072
// A cap on the decompressed size: a few kilobytes of gzip can expand to gigabytes.
const MAX_STATUS_LIST_BYTES = 2 * 1024 * 1024

/**
 * Decodes `encodedList` (Bitstring Status List v1.0, section 4.2): multibase base64url without
 * padding (prefix `u`) of the GZIP of the bitstring. Anything else fails closed.
 * @throws AgentIdError ERR_STATUS_UNAVAILABLE
 */
export function decodeEncodedList(encodedList: unknown): Uint8Array {
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw agentIdError('ERR_STATUS_UNAVAILABLE', 'status list encodedList must be multibase base64url (prefix "u")')
  }
  if (encodedList.length > MAX_STATUS_LIST_BYTES) throw agentIdError('ERR_STATUS_UNAVAILABLE', 'status list encodedList is too large')
  const compressed = decodeBase64url(encodedList.slice(1), 'ERR_STATUS_UNAVAILABLE', 'status list encodedList')
  let bits: Buffer
  try {
    bits = gunzipSync(compressed, { maxOutputLength: MAX_STATUS_LIST_BYTES })
  } catch (cause) {
    throw agentIdError('ERR_STATUS_UNAVAILABLE', 'status list encodedList is not a complete GZIP stream within 2 MiB', { cause })
  }
  if (bits.length * 8 < MIN_STATUS_LIST_BITS) throw agentIdError('ERR_STATUS_UNAVAILABLE', `status list has fewer than ${MIN_STATUS_LIST_BITS} entries`)
  return bits
}

/**
 * The status value of entry `index` (section 4.3): entry i with `statusSize` s occupies bits
 * i*s .. i*s+s-1, counting from the most significant bit of the first byte. Reading bits
 * least-significant first (as the IETF Token Status List does) gives the wrong entry.
 * @throws AgentIdError ERR_STATUS_UNAVAILABLE when the index is outside the list
 */
export function statusAt(bits: Uint8Array, index: number, statusSize = 1): number {
  const first = index * statusSize
  if (!Number.isSafeInteger(first) || index < 0 || first + statusSize > bits.length * 8) {
    throw agentIdError('ERR_STATUS_UNAVAILABLE', `status index ${index} is outside the list`)
  }
  let value = 0
  for (let bit = first; bit < first + statusSize; bit++) value = (value << 1) | ((bits[bit >> 3]! >> (7 - (bit & 7))) & 1)
  return value
}
