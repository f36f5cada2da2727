// Issuer settings an admin changes while it runs: the public URL and the credential format.
import { agentIdError } from '@agentid/core'
import { asPrincipal, hasRole, type Principal } from '../governance/principal.js'
import { parsePublicUrl } from '../public-url.js'
import type { IssuerContext } from './context.js'
import { requireRole } from './rules.js'
import { type CredentialFormat, parseCredentialFormat } from './types.js'

/**
 * Changes the public URL (admin, audited). Credentials issued before keep the old one in their
 * status entries, and a verifier only takes a list from the URL the credential names: they
 * fail their status check unless the old URL still reaches this issuer (a proxy, a redirect
 * kept in place) or they are issued again. `liveCredentials` says how many that is.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
 */
export async function setPublicUrl(ctx: Pick<IssuerContext, 'now' | 'publicUrl' | 'store'>, value: string, by: string | Principal): Promise<{ previous: string; url: string; changed: boolean; liveCredentials: number }> {
  const principal = requireRole(by, 'admin', 'change the public URL')
  const url = parsePublicUrl(value)
  const previous = ctx.publicUrl()
  if (url === previous) return { previous, url, changed: false, liveCredentials: 0 }
  const now = Math.floor(ctx.now() / 1000)
  const liveCredentials = (await ctx.store.listCredentials()).filter((c) => (c.status === 'active' || c.status === 'suspended') && c.expires > now).length
  await ctx.store.setSetting('publicUrl', url, { actor: principal.id, action: 'issuer.public-url', target: url, details: { previous, liveCredentials } })
  return { previous, url, changed: true, liveCredentials }
}

/**
 * Changes the format of what is issued from now on (admin only, audited). Credentials issued
 * before keep theirs; verifiers read both.
 * @throws AgentIdError ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
 */
export async function setCredentialFormat(ctx: Pick<IssuerContext, 'credentialFormat' | 'store'>, format: CredentialFormat, by: string | Principal): Promise<{ previous: CredentialFormat; format: CredentialFormat }> {
  const principal = asPrincipal(by)
  if (!hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not change the credential format: admin only`)
  const parsed = parseCredentialFormat(format, '"format"')
  const previous = ctx.credentialFormat()
  if (parsed !== previous) await ctx.store.setSetting('credentialFormat', parsed, { actor: principal.id, action: 'issuer.credential-format', target: parsed, details: { previous } })
  return { previous, format: parsed }
}
