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

// A campaign still opening this long after it was created is taken to be abandoned (its opener
// died): the sweeper removes it, and its credentials become free for another campaign.
export const ABANDONED_OPENING_MS = 60 * 60 * 1000

/** Opening a campaign, step 1: the campaign, `opening` (listed nowhere until it opens). */
export async function beginReview(t: Tx, campaign: ReviewCampaignRecord): Promise<void> {
  await t.reviews.insertOpening(campaign)
}

/**
 * Opening a campaign, step 2, once per batch of candidates found before: each is taken only if it
 * still qualifies now (revoked, certified or put in another campaign since, it is left out). The
 * credential ids taken.
 */
export async function addReviewItems(t: Tx, campaign: string, selection: ReviewSelection, candidates: readonly string[], itemId: (credentialId: string) => string): Promise<string[]> {
  await assertOpening(t, campaign)
  const still = await t.reviews.candidates(selection, Math.floor(t.now() / 1000), candidates)
  await t.reviews.insertItems(campaign, still.map((c) => ({ id: itemId(c.id), credentialId: c.id, risk: c.risk ?? 'critical' })))
  return still.map((c) => c.id)
}

/**
 * Opening a campaign, step 3: it opens with its audit entry (the count and digest of what was
 * taken); with nothing taken, it is removed instead and undefined is answered.
 */
export async function finishReview(t: Tx, campaign: string, taken: readonly string[], audit: (opened: ReviewOpened) => AuditInput): Promise<ReviewOpened | undefined> {
  await assertOpening(t, campaign)
  if (taken.length === 0) {
    await t.reviews.deleteOpening(campaign)
    return undefined
  }
  await t.reviews.setStatus(campaign, 'open')
  const opened = { items: taken.length, digest: reviewDigest(taken) }
  await t.record(audit(opened))
  return opened
}

async function assertOpening(t: Tx, campaign: string): Promise<void> {
  // Removed as abandoned meanwhile (an opening that took longer than ABANDONED_OPENING_MS).
  if ((await t.reviews.status(campaign)) !== 'opening') throw agentIdError('ERR_CONFLICT', `review campaign ${campaign} is no longer opening`)
}

/** Removes a campaign whose opening failed or was abandoned (nothing about it was audited but this). */
export async function abandonReview(t: Tx, campaign: string, why: string): Promise<void> {
  const items = await t.reviews.deleteOpening(campaign)
  await t.record({ actor: 'system', action: 'review.abandon', target: campaign, details: { items, why } })
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
  if (!(await t.reviews.hasUndecided(item.campaign))) await t.reviews.setStatus(item.campaign, 'closed')
  return decided
}

/** Where closing an overdue campaign stands: the part about to be written, and items expired so far. */
export interface OverdueProgress {
  readonly index: number
  readonly of: number
  readonly expired: number
}

/**
 * Closing an overdue campaign, one batch: up to REVIEW_BATCH undecided items expire (their
 * credentials revoked when `revokeUnreviewed`), audited as one part; with the last batch the
 * campaign closes and a `review.overdue` alert counts every item expired. The items expired;
 * `closed` once the campaign is (or was already, by another replica's sweeper).
 */
export async function closeOverduePart(t: Tx, campaign: ReviewCampaignRecord, nowMs: number, revokeUnreviewed: boolean, progress: OverdueProgress,
  audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[], part: { readonly index: number; readonly of: number }) => AuditInput): Promise<{ overdue: ReviewItemRecord[]; closed: boolean }> {
  // Closed between two batches: by a reviewer deciding its last item.
  if ((await t.reviews.status(campaign.id)) !== 'open') {
    await raiseOverdue(t, campaign, nowMs, revokeUnreviewed, progress.expired)
    return { overdue: [], closed: true }
  }
  const overdue: ReviewItemRecord[] = []
  for (const item of await t.reviews.undecidedItems(campaign.id, REVIEW_BATCH)) {
    await t.reviews.decide(item.id, 'expired', nowMs)
    if (revokeUnreviewed) await revokeLineage(t, item.credentialId)
    overdue.push({ ...item, decision: 'expired', decidedAt: nowMs })
  }
  await t.record(audit(campaign, overdue, { index: progress.index, of: Math.max(progress.of, progress.index) }))
  if (await t.reviews.hasUndecided(campaign.id)) return { overdue, closed: false }
  await t.reviews.setStatus(campaign.id, 'closed')
  await raiseOverdue(t, campaign, nowMs, revokeUnreviewed, progress.expired + overdue.length)
  return { overdue, closed: true }
}

// The alert counts; the items are the campaign's (GET /reviews), and the audit names each.
async function raiseOverdue(t: Tx, campaign: ReviewCampaignRecord, nowMs: number, revoked: boolean, items: number): Promise<void> {
  if (items > 0) await t.alerts.insert({ at: nowMs, kind: 'review.overdue', severity: 'high', subject: campaign.id, details: { campaign: campaign.id, items, revoked } })
}
