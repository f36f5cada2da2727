// Access reviews and the sweeper: campaigns, reviewers' decisions, expiry of what is overdue.
import { randomUUID } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import { assertNotOwnDecision, samePartyNow } from '../governance/party.js'
import { asPrincipal, hasRole, type Principal } from '../governance/principal.js'
import type { ReviewItemRecord, ReviewOpened } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'
import { isoSeconds } from './rules.js'

/**
 * Opens an access-review campaign over the live credentials due for review (their last
 * certification, or their issuance, is older than their risk's review interval), or over all
 * of them with `all`. Its items are read with `listReviewItems(campaign)`; the audit entry
 * `review.start` names them by count and digest (`reviewDigest`).
 * @throws AgentIdError ERR_CONFLICT (nothing due), ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
 */
export async function startReview(ctx: Pick<IssuerContext, 'now' | 'policy' | 'store'>, input: { name?: string; all?: boolean }, by: string | Principal): Promise<ReviewStarted> {
  const principal = asPrincipal(by)
  if (!hasRole(principal, 'admin') && !hasRole(principal, 'reviewer')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not start reviews: admin or reviewer only`)
  if (input.name !== undefined && (typeof input.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input.name))) throw agentIdError('ERR_INPUT_INVALID', '"name" must be 1-64 letters, digits, . _ -')
  return openReview(ctx, input.name ?? `review-${isoSeconds(ctx.now()).slice(0, 10)}`, input.all === true, principal.id)
}

/** A campaign just opened: its id, how many items it has, and their digest. */
export interface ReviewStarted extends ReviewOpened {
  readonly campaign: string
}

export async function openReview(ctx: Pick<IssuerContext, 'now' | 'policy' | 'store'>, name: string, all: boolean, actor: string): Promise<ReviewStarted> {
  const { policy } = await ctx.policy()
  const now = ctx.now()
  const id = `rev-${randomUUID()}`
  const opened = await ctx.store.startReview(
    { id, name, createdBy: actor, createdAt: now, deadline: now + policy.reviewDeadlineSeconds * 1000, status: 'open' },
    all ? { all: true } : { due: { nowMs: now, intervalSeconds: policy.reviewIntervalSeconds } },
    () => `item-${randomUUID()}`,
    // The count and a digest, not the items: a campaign over a million credentials would make
    // an entry of about 110 MB, read by every verification of the log.
    ({ items, digest }) => ({ actor, action: 'review.start', target: id, details: { name, items, digest } }),
  )
  return { campaign: id, ...opened }
}

/**
 * A reviewer's decision on one item: certify (the credential stays, its review clock restarts)
 * or revoke (revoked at once).
 * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
 */
export async function decideReview(ctx: Pick<IssuerContext, 'events' | 'store'>, itemId: string, decision: 'certified' | 'revoked', by: string | Principal): Promise<ReviewItemRecord> {
  const principal = asPrincipal(by)
  if (!hasRole(principal, 'reviewer') && !hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not review access: reviewer or admin only`)
  // Certifying keeps access: never by the party that holds it or asked for it. Revoking only
  // takes access away, which anyone reviewing may do.
  if (decision === 'certified') {
    const item = await ctx.store.getReviewItem(itemId)
    const credential = item && (await ctx.store.getCredential(item.credentialId))
    if (credential) {
      const requester = credential.requestedBy ?? (credential.requestId ? (await ctx.store.getRequest(credential.requestId))?.requester : undefined)
      const involved = [credential.subject, requester]
      const sameParty = await samePartyNow(ctx.store, [principal.id, ...(principal.did ? [principal.did] : []), ...involved.filter((x): x is string => x !== undefined)])
      assertNotOwnDecision(principal, involved, sameParty, `certify review item ${itemId}`)
    }
  }
  const decided = ctx.store.decideReviewItem(itemId, decision, principal.id, (item) => ({
    actor: principal.id, action: decision === 'certified' ? 'review.certify' : 'review.revoke', target: item.id, details: { campaign: item.campaign, credential: item.credentialId },
  }))
  return decision === 'revoked' ? ctx.events.changesStatus(decided) : decided
}

/**
 * The sweeper: expires pending requests and records expired credentials, closes overdue
 * reviews (revoking what nobody certified, when the policy says so, and raising an alert), and
 * opens a review campaign for the credentials whose review falls due (the schedule is each
 * risk's review interval). Nothing waits for a person. Run it periodically (`agentid serve` does).
 */
export async function sweep(ctx: Pick<IssuerContext, 'events' | 'now' | 'policy' | 'store'>): Promise<{ requestsExpired: number; credentialsExpired: number; reviewItemsOverdue: number; reviewItemsOpened: number }> {
  const now = ctx.now()
  const { policy } = await ctx.policy()
  const requests = await ctx.store.expireRequests(now, (r) => ({ actor: 'system', action: 'request.expire', target: r.id, details: { subject: r.subject, approvals: r.approvals.length, of: r.chain.length } }))
  const credentials = await ctx.store.sweepExpired(Math.floor(now / 1000), (c) => ({ actor: 'system', action: 'credential.expire', target: c.id, details: { subject: c.subject, expires: c.expires } }))
  const closing = ctx.store.closeOverdueReviews(now, policy.revokeUnreviewed, (campaign, items, part) => ({
    actor: 'system', action: 'review.close', target: campaign.id,
    details: { overdue: items.map((i) => ({ item: i.id, credential: i.credentialId })), revoked: policy.revokeUnreviewed ? items.map((i) => i.credentialId) : [], part: part.index, of: part.of },
  }))
  // Closed in batches, each its own transaction: the listeners hear of the revocations even when
  // a later batch fails (the next sweep resumes it).
  const overdue = await closing.finally(() => {
    if (policy.revokeUnreviewed) ctx.events.statusChanged()
  })
  const scheduled = await openReview(ctx, `scheduled-${isoSeconds(now).slice(0, 10)}`, false, 'system').catch((error: unknown) => {
    if ((error as { code?: string }).code === 'ERR_CONFLICT') return undefined // nothing due
    throw error
  })
  return { requestsExpired: requests.length, credentialsExpired: credentials.length, reviewItemsOverdue: overdue.length, reviewItemsOpened: scheduled?.items ?? 0 }
}
