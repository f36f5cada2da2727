import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ErrorCode } from '@agentid/core'

/** The header an agentid issuer signs its webhook posts with. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-agentid-signature'

/**
 * The value of {@link WEBHOOK_SIGNATURE_HEADER} for `body` sent at `timestamp` (seconds):
 * `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
 */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * Checks a webhook post from an agentid issuer: the signature over the exact body bytes, made
 * with the webhook's secret, at most `toleranceSeconds` (default 300) from now, compared in
 * constant time. Refuse the post on any failure; a replayed post within the tolerance is the
 * receiver's to detect (the event's content is idempotent: refetch the list).
 */
export function verifyWebhookSignature(options: { secret: string; body: string; signature: string | undefined; now?: number; toleranceSeconds?: number }):
  { readonly ok: true } | { readonly ok: false; readonly code: Extract<ErrorCode, 'ERR_SIGNATURE'>; readonly message: string } {
  const fail = (message: string) => ({ ok: false as const, code: 'ERR_SIGNATURE' as const, message })
  const m = /^t=([0-9]{1,12}),v1=([0-9a-f]{64})$/.exec(options.signature ?? '')
  if (!m) return fail(`missing or malformed ${WEBHOOK_SIGNATURE_HEADER}`)
  const timestamp = Number(m[1])
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return fail('webhook timestamp is outside the tolerance')
  const expected = Buffer.from(signWebhook(options.secret, options.body, timestamp).slice(-64), 'hex')
  if (!timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'))) return fail('webhook signature does not match')
  return { ok: true }
}
