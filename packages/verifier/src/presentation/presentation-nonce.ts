import { decodeBase64url, parseStrictJson } from '@agentid/core'

/**
 * The challenge a presentation (VP-JWT) claims to answer, read without checking anything else;
 * undefined when it has no readable one. A verifier then checks that it issued that challenge,
 * that it is unused and current, and that the presentation is signed over it.
 */
export function presentationNonce(jwt: string): string | undefined {
  try {
    const payload = decodeBase64url(jwt.split('.')[1] ?? '', 'ERR_VP_NONCE', 'presentation payload').toString('utf8')
    const nonce = (parseStrictJson(payload, { maxLength: 64 * 1024, maxDepth: 16 }) as { nonce?: unknown } | null)?.nonce
    return typeof nonce === 'string' ? nonce : undefined
  } catch {
    return undefined
  }
}
