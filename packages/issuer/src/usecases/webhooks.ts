// Webhook registrations: where the service posts signed events.
import { randomBytes, randomUUID } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import type { Principal } from '../governance/principal.js'
import type { WebhookRecord } from '../store/issuer-store.js'
import { refusedHostReason } from '../webhooks/address-filter.js'
import type { IssuerContext } from './context.js'
import { requireRole } from './rules.js'

/** Event types a webhook can receive. */
export const WEBHOOK_EVENTS = ['status', 'alert'] as const

// An http(s) URL without credentials in it (they would sit in the database and the audit log).
export function parseWebhookUrl(value: unknown): string {
  let url: URL
  try {
    if (typeof value !== 'string' || value.length > 2048) throw new Error('not a string')
    url = new URL(value)
  } catch {
    throw agentIdError('ERR_INPUT_INVALID', '"url" must be an http(s) URL of at most 2048 characters')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw agentIdError('ERR_INPUT_INVALID', '"url" must be http or https')
  if (url.username !== '' || url.password !== '') throw agentIdError('ERR_INPUT_INVALID', '"url" must not carry credentials: webhooks are authenticated by their signature')
  return url.href
}

/**
 * Registers a webhook the service posts signed events to (`status`: a status list changed).
 * Returns its secret once (HMAC-SHA256 key; stored sealed with the key-encryption key). A URL
 * whose host is a loopback, private or link-local address (or `localhost`) is refused unless
 * private webhooks are allowed; the attempt is audited (`webhook.refuse`). Names are checked
 * again, resolved, before each delivery.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
 */
export async function createWebhook(ctx: Pick<IssuerContext, 'allowPrivateWebhooks' | 'now' | 'store'>, input: { url: string; events?: readonly string[] }, by: string | Principal): Promise<{ webhook: WebhookRecord; secret: string }> {
  const principal = requireRole(by, 'admin', 'manage webhooks')
  const url = parseWebhookUrl(input.url)
  const refused = ctx.allowPrivateWebhooks ? undefined : refusedHostReason(new URL(url).hostname)
  if (refused) {
    await ctx.store.recordEvent({ actor: principal.id, action: 'webhook.refuse', target: url, details: { url, reason: refused } })
    throw agentIdError('ERR_INPUT_INVALID', `"url" points at ${refused}: webhooks go to public addresses; run the service with --allow-private-webhooks to allow it`)
  }
  const events = input.events ?? [...WEBHOOK_EVENTS]
  if (!Array.isArray(events) || events.length === 0 || events.some((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e)) || new Set(events).size !== events.length) {
    throw agentIdError('ERR_INPUT_INVALID', `"events" must be a list of ${WEBHOOK_EVENTS.join(', ')}`)
  }
  const webhook: WebhookRecord = { id: `wh-${randomUUID()}`, url, events, createdBy: principal.id, createdAt: ctx.now() }
  const secret = `whsec_${randomBytes(32).toString('base64url')}`
  await ctx.store.createWebhook(webhook, secret, { actor: principal.id, action: 'webhook.create', target: webhook.id, details: { url, events } })
  return { webhook, secret }
}

/** @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE */
export async function deleteWebhook(ctx: Pick<IssuerContext, 'store'>, id: string, by: string | Principal): Promise<void> {
  const principal = requireRole(by, 'admin', 'manage webhooks')
  await ctx.store.deleteWebhook(id, { actor: principal.id, action: 'webhook.delete', target: id, details: {} })
}
