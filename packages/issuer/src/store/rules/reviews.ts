import { agentIdError } from '@agentid/core'
import { reviewDigest } from '../../governance/review-digest.js'
import type { AuditInput, ReviewCampaignRecord, ReviewItemRecord, ReviewOpened, ReviewSelection } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'
import { revokeLineage } from './revocation.js'

// Review campaigns are opened and closed in batches of this many items, each batch its own
// transaction: a campaign over a million live credentials is never held in memory whole, never
// holds the writer for minutes (issuance and revocation run between its batches), and each
// statement stays within the engines' limits on parameters.
export const REVIEW_BATCH = 500

// A campaign still opening that made no progress (no batch written) for this long is taken to be
// abandoned (its opener died): the sweeper removes it, and its credentials become free for another
// campaign. A batch takes well under a second; ten minutes leaves room for a stalled database.
export const ABANDONED_OPENING_MS = 10 * 60 * 1000

/** Opening a campaign, step 1: the campaign, `opening` (listed nowhere until it opens). */
export async function beginReview(t: Tx, campaign: ReviewCampaignRecord): Promise<void> {
  await t.reviews.insertOpening(campaign, t.now())
}

/**
 * Opening a campaign, step 2, once per batch of candidates found before: each is taken only if it
 * still qualifies now (revoked, certified or put in another campaign since, it is left out). The
 * credential ids taken.
 */
export async function addReviewItems(t: Tx, campaign: string, selection: ReviewSelection, candidates: readonly string[], itemId: (credentialId: string) => string): Promise<string[]> {
  await assertOpening(t, campaign)
  const still = await t.reviews.candidates(selection, Math.floor(t.now() / 1000), candidates)
  const taken = await t.reviews.insertItems(campaign, still.map((c) => ({ id: itemId(c.id), credentialId: c.id, risk: c.risk ?? 'critical' })))
  await t.reviews.touchOpening(campaign, t.now())
  return taken
}

/**
 * Opening a campaign, step 3: it opens with its audit entry (the count and digest of what was
 * taken); with nothing taken, it is removed instead and undefined is answered.
 */
export async function finishReview(t: Tx, campaign: string, taken: readonly string[], audit: (opened: ReviewOpened) => AuditInput): Promise<ReviewOpened | undefined> {
  await assertOpening(t, campaign)
  if (taken.length === 0) {
    // No item to remove: the campaign goes at once, and nothing about it was recorded.
    await t.reviews.abandonOpening(campaign)
    await t.reviews.removeAbandoned(campaign, REVIEW_BATCH)
    return undefined
  }
  await t.reviews.setStatus(campaign, 'open')
  const opened = { items: taken.length, digest: reviewDigest(taken) }
  await t.record(audit(opened))
  return opened
}

async function assertOpening(t: Tx, campaign: string): Promise<void> {
  // Abandoned meanwhile (no progress for ABANDONED_OPENING_MS).
  if ((await t.reviews.status(campaign)) !== 'opening') throw agentIdError('ERR_CONFLICT', `review campaign ${campaign} is no longer opening: it was abandoned`)
}

/**
 * Abandons a campaign whose opening failed or whose opener died (with `idleSince`: only if it made
 * no progress since then, checked in this transaction), with a `review.abandon` entry (the only
 * one about it): it is listed nowhere and its opener can add nothing more; its items are then
 * removed in batches (removeAbandonedItems). Nothing when it is not opening (it opened, or was
 * abandoned already) or not idle.
 */
export async function abandonReview(t: Tx, campaign: string, why: string, idleSince?: number): Promise<boolean> {
  const items = await t.reviews.abandonOpening(campaign, idleSince)
  if (items === undefined) return false
  await t.record({ actor: 'system', action: 'review.abandon', target: campaign, details: { items, why } })
  return true
}

/** Removes a batch of an abandoned campaign's items (the campaign with the last): whether it is gone. */
export function removeAbandonedItems(t: Tx, campaign: string): Promise<boolean> {
  return t.reviews.removeAbandoned(campaign, REVIEW_BATCH)
}

/** One decision per item, while its campaign is open; the campaign closes with its last item. */
export async function decideReviewItem(t: Tx, id: string, decision: 'certified' | 'revoked', reviewer: string, audit: (item: ReviewItemRecord) => AuditInput): Promise<ReviewItemRecord> {
  const found = await t.reviews.itemInCampaign(id)
  if (!found) throw agentIdError('ERR_NOT_FOUND', `no review item ${id}`)
  const { item, campaignStatus } = found
  if (item.decision !== undefined) throw agentIdError('ERR_CONFLICT', `review item ${id} was decided already (${item.decision})`)
  if (campaignStatus !== 'open') throw agentIdError('ERR_CONFLICT', `review campaign ${item.campaign} is closed`)
  const at = t.now()
  await t.reviews.decide(id, decision, at, reviewer)
  if (decision === 'revoked') await revokeLineage(t, item.credentialId)
  else await t.credentials.markReviewed(item.credentialId, at)
  const decided: ReviewItemRecord = { ...item, decision, reviewer, decidedAt: at }
  await t.record(audit(decided))
  if (!(await t.reviews.hasUndecided(item.campaign))) {
    await t.reviews.setStatus(item.campaign, 'closed')
    // Its last items decided while the sweeper was closing it as overdue: the alert for those
    // the sweeper expired is raised here.
    const closing = await t.reviews.closing(item.campaign)
    if (closing && closing.expired > 0) await raiseOverdue(t, item.campaign, at, closing.expired, closing.revoked)
  }
  return decided
}

/**
 * Closing an overdue campaign, one batch: up to REVIEW_BATCH undecided items expire (their
 * credentials revoked when `revokeUnreviewed`), audited as one part; with the last batch the
 * campaign closes and a `review.overdue` alert counts every item expired. The progress (parts
 * planned and written, items expired) is kept in the campaign's row, so that a close resumed
 * after a crash, or two sweepers closing at once, number the parts and count the alert as one
 * close would. The items expired; `closed` once the campaign is (or was already).
 */
export async function closeOverduePart(t: Tx, campaign: ReviewCampaignRecord, nowMs: number, revokeUnreviewed: boolean,
  audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[], part: { readonly index: number; readonly of: number }) => AuditInput): Promise<{ overdue: ReviewItemRecord[]; closed: boolean }> {
  const progress = await t.reviews.closing(campaign.id)
  if (progress?.status !== 'open') return { overdue: [], closed: true }
  // Counted once, by the first batch: the parts each later one writes are numbered against it.
  const planned = progress.parts ?? Math.max(1, Math.ceil(await t.reviews.countUndecided(campaign.id) / REVIEW_BATCH))
  const overdue: ReviewItemRecord[] = []
  for (const item of await t.reviews.undecidedItems(campaign.id, REVIEW_BATCH)) {
    await t.reviews.decide(item.id, 'expired', nowMs)
    if (revokeUnreviewed) await revokeLineage(t, item.credentialId)
    overdue.push({ ...item, decision: 'expired', decidedAt: nowMs })
  }
  const index = progress.written + 1
  const expired = progress.expired + overdue.length
  await t.record(audit(campaign, overdue, { index, of: Math.max(planned, index) }))
  // Revoked if any batch revoked (the policy may change between a close cut short and its resumption).
  const revoked = progress.revoked || (revokeUnreviewed && overdue.length > 0)
  await t.reviews.recordClosing(campaign.id, { parts: Math.max(planned, index), written: index, expired, revoked })
  if (await t.reviews.hasUndecided(campaign.id)) return { overdue, closed: false }
  await t.reviews.setStatus(campaign.id, 'closed')
  await raiseOverdue(t, campaign.id, nowMs, expired, revoked)
  return { overdue, closed: true }
}

// The alert counts; the items are the campaign's (GET /reviews), and the audit names each.
async function raiseOverdue(t: Tx, campaign: string, at: number, items: number, revoked: boolean): Promise<void> {
  if (items > 0) await t.alerts.insert({ at, kind: 'review.overdue', severity: 'high', subject: campaign, details: { campaign, items, revoked } })
}
