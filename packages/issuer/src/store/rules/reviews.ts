import { agentIdError } from '@agentid/core'
import { reviewDigest } from '../../governance/review-digest.js'
import type { AuditInput, ReviewCampaignRecord, ReviewItemRecord, ReviewOpened, ReviewSelection } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'
import { revokeLineage } from './revocation.js'

// Review items are checked and written this many at a time: a campaign over a million live
// credentials is never held in memory whole, and each statement stays within the engines'
// limits on parameters.
export const REVIEW_BATCH = 500

/**
 * Opens a campaign over `candidates` (found before the write): each is taken only if it still
 * qualifies now (revoked, certified or put in another campaign since, it is left out).
 */
export async function openReview(t: Tx, campaign: ReviewCampaignRecord, selection: ReviewSelection, candidates: ReadonlyArray<{ id: string }>, itemId: (credentialId: string) => string, audit: (opened: ReviewOpened) => AuditInput): Promise<ReviewOpened> {
  const nowSeconds = Math.floor(t.now() / 1000)
  await t.reviews.insertCampaign(campaign)
  const taken: string[] = []
  for (let i = 0; i < candidates.length; i += REVIEW_BATCH) {
    const still = await t.reviews.candidates(selection, nowSeconds, candidates.slice(i, i + REVIEW_BATCH).map((c) => c.id))
    await t.reviews.insertItems(campaign.id, still.map((c) => ({ id: itemId(c.id), credentialId: c.id, risk: c.risk ?? 'critical' })))
    for (const c of still) taken.push(c.id)
  }
  if (taken.length === 0) throw agentIdError('ERR_CONFLICT', 'no credential is due for review')
  const opened = { items: taken.length, digest: reviewDigest(taken) }
  await t.record(audit(opened))
  return opened
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
  if (!(await t.reviews.hasUndecided(item.campaign))) await t.reviews.closeCampaign(item.campaign)
  return decided
}

/**
 * Closes every open campaign past its deadline: its undecided items expire (their credentials
 * revoked when `revokeUnreviewed`), a `review.overdue` alert counts them, and the audit names each,
 * 500 to an entry.
 */
export async function closeOverdueReviews(t: Tx, nowMs: number, revokeUnreviewed: boolean, audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[], part: { readonly index: number; readonly of: number }) => AuditInput): Promise<ReviewItemRecord[]> {
  const all: ReviewItemRecord[] = []
  for (const campaign of await t.reviews.overdueCampaigns(nowMs)) {
    const overdue: ReviewItemRecord[] = []
    for (const item of await t.reviews.undecidedItems(campaign.id)) {
      await t.reviews.decide(item.id, 'expired', nowMs)
      if (revokeUnreviewed) await revokeLineage(t, item.credentialId)
      overdue.push({ ...item, decision: 'expired', decidedAt: nowMs })
    }
    await t.reviews.closeCampaign(campaign.id)
    // The alert counts; the items are the campaign's (GET /reviews), and the audit names each.
    if (overdue.length > 0) {
      await t.alerts.insert({ at: nowMs, kind: 'review.overdue', severity: 'high', subject: campaign.id, details: { campaign: campaign.id, items: overdue.length, revoked: revokeUnreviewed } })
    }
    const of = Math.max(1, Math.ceil(overdue.length / REVIEW_BATCH))
    for (let index = 1; index <= of; index++) {
      await t.record(audit(campaign, overdue.slice((index - 1) * REVIEW_BATCH, index * REVIEW_BATCH), { index, of }))
    }
    all.push(...overdue)
  }
  return all
}
