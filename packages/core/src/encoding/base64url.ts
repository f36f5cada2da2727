import { agentIdError } from '../errors/agentid-error.js'
import type { ErrorCode } from '../errors/codes.js'

// Node's Buffer.from(s, 'base64url') accepts padding, the standard alphabet, whitespace and
// non-zero trailing bits, so two different strings can decode to the same bytes. A signed token
// must have exactly one encoding: we check the alphabet, the length and the unused bits first.
const ALPHABET = /^[A-Za-z0-9_-]*$/
const CHAR_VALUE = new Int8Array(128).fill(-1)
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => {
  CHAR_VALUE[c.charCodeAt(0)] = i
})

/** True when `text` is canonical unpadded base64url (RFC 7515 section 2). */
export function isStrictBase64url(text: string): boolean {
  const rem = text.length % 4
  if (rem === 1 || !ALPHABET.test(text)) return false
  if (rem === 0) return true
  const last = CHAR_VALUE[text.charCodeAt(text.length - 1)]!
  // 2 leftover chars carry 4 unused bits, 3 leftover chars carry 2.
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0
}

/**
 * Decodes canonical unpadded base64url.
 * @throws AgentIdError `code` (default ERR_INPUT_INVALID) when the text is not canonical.
 */
export function decodeBase64url(text: string, code: ErrorCode = 'ERR_INPUT_INVALID', field = 'value'): Buffer {
  if (!isStrictBase64url(text)) throw agentIdError(code, `${field} is not canonical base64url`)
  return Buffer.from(text, 'base64url')
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array | string): string {
  return (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64url')
}
