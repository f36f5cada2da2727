import { RISK_LEVELS, type RiskLevel } from '@agentid/core'
import type { ReviewCampaignRecord, ReviewItemRecord, ReviewSelection } from '../../issuer-store.js'
import { toCampaign, toItem, type CampaignRow, type ItemRow } from '../rows.js'
import { REVIEW_ITEM_ORDER } from '../shared-migrations.js'
import { SqlRepository } from './repository.js'

/** Access-review campaigns and their items (one per credential reviewed). */
export class ReviewsRepository extends SqlRepository {
  /** Stores the campaign, `opening` (its items are being written; see REVIEW_OPENING), its progress at `at`. */
  async insertOpening(c: ReviewCampaignRecord, at: number): Promise<void> {
    await this.sql.run('INSERT INTO review_campaigns (id, name, created_by, created_at, deadline, status, progress_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [c.id, c.name, c.createdBy, c.createdAt, c.deadline, 'opening', at])
  }

  /** A campaign's status: `opening`, `open`, `closed`, or `abandoned` (being removed). */
  async status(id: string): Promise<string | undefined> {
    return (await this.sql.get<{ status: string }>('SELECT status FROM review_campaigns WHERE id = ?', [id]))?.status
  }

  async setStatus(id: string, status: 'open' | 'closed'): Promise<void> {
    await this.sql.run('UPDATE review_campaigns SET status = ? WHERE id = ?', [status, id])
  }

  /** An opening made progress at `at`. */
  async touchOpening(id: string, at: number): Promise<void> {
    await this.sql.run("UPDATE review_campaigns SET progress_at = ? WHERE id = ? AND status = 'opening'", [at, id])
  }

  /**
   * Marks a campaign that never opened `abandoned` (only if it made no progress since `idleSince`,
   * when given): listed nowhere, added to by nobody, its items removed next (removeAbandoned). How
   * many items it has, or undefined when there was no such opening.
   */
  async abandonOpening(id: string, idleSince?: number): Promise<number | undefined> {
    const row = await this.sql.get<{ status: string; progress_at: number | null; created_at: number }>('SELECT status, progress_at, created_at FROM review_campaigns WHERE id = ?', [id])
    if (row?.status !== 'opening' || (idleSince !== undefined && Number(row.progress_at ?? row.created_at) > idleSince)) return undefined
    await this.sql.run("UPDATE review_campaigns SET status = 'abandoned' WHERE id = ?", [id])
    return Number((await this.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM review_items WHERE campaign = ?', [id]))!.n)
  }

  /** Removes up to `limit` items of an abandoned campaign, and the campaign once none is left: whether it is gone. */
  async removeAbandoned(id: string, limit: number): Promise<boolean> {
    if ((await this.status(id)) !== 'abandoned') return true
    await this.sql.run('DELETE FROM review_items WHERE id IN (SELECT id FROM review_items WHERE campaign = ? LIMIT ?)', [id, limit])
    if (await this.sql.get('SELECT 1 AS one FROM review_items WHERE campaign = ? LIMIT 1', [id])) return false
    await this.sql.run("DELETE FROM review_campaigns WHERE id = ? AND status = 'abandoned'", [id])
    return true
  }

  /** Abandoned campaigns not removed yet (a removal cut short). */
  async abandoned(): Promise<string[]> {
    return (await this.sql.all<{ id: string }>("SELECT id FROM review_campaigns WHERE status = 'abandoned' ORDER BY created_at, id")).map((r) => r.id)
  }

  /** Campaigns still opening that made no progress since `at` (milliseconds). */
  async openingsIdleSince(at: number): Promise<string[]> {
    return (await this.sql.all<{ id: string }>("SELECT id FROM review_campaigns WHERE status = 'opening' AND COALESCE(progress_at, created_at) <= ? ORDER BY created_at, id", [at])).map((r) => r.id)
  }

  /** How far closing an overdue campaign has come: parts planned (null before the first), parts written, items expired, whether their credentials were revoked. */
  async closing(id: string): Promise<{ status: string; parts: number | null; written: number; expired: number; revoked: boolean } | undefined> {
    const row = await this.sql.get<{ status: string; overdue_parts: number | null; overdue_parts_written: number; overdue_items: number; overdue_revoked: number | null }>(
      'SELECT status, overdue_parts, overdue_parts_written, overdue_items, overdue_revoked FROM review_campaigns WHERE id = ?', [id])
    return row && {
      status: row.status, parts: row.overdue_parts === null ? null : Number(row.overdue_parts),
      written: Number(row.overdue_parts_written), expired: Number(row.overdue_items), revoked: Number(row.overdue_revoked) === 1,
    }
  }

  async recordClosing(id: string, progress: { parts: number; written: number; expired: number; revoked: boolean }): Promise<void> {
    await this.sql.run('UPDATE review_campaigns SET overdue_parts = ?, overdue_parts_written = ?, overdue_items = ?, overdue_revoked = ? WHERE id = ?',
      [progress.parts, progress.written, progress.expired, progress.revoked ? 1 : 0, id])
  }

  /** An opened campaign (open or closed). */
  async campaign(id: string): Promise<ReviewCampaignRecord | undefined> {
    const row = await this.sql.get<CampaignRow>("SELECT * FROM review_campaigns WHERE id = ? AND status IN ('open', 'closed')", [id])
    return row && toCampaign(row)
  }

  /** Opened campaigns (open or closed), oldest first. */
  async campaigns(): Promise<ReviewCampaignRecord[]> {
    return (await this.sql.all<CampaignRow>("SELECT * FROM review_campaigns WHERE status IN ('open', 'closed') ORDER BY created_at, id")).map(toCampaign)
  }

  /** Open campaigns whose deadline has passed at `nowMs`, soonest first. */
  async overdueCampaigns(nowMs: number): Promise<ReviewCampaignRecord[]> {
    return (await this.sql.all<CampaignRow>("SELECT * FROM review_campaigns WHERE status = 'open' AND deadline <= ? ORDER BY deadline, id", [nowMs])).map(toCampaign)
  }

  /**
   * Live credentials the selection takes and no open campaign waits on (of `ids`, when given),
   * found in SQL: the due test is a range of the index on (risk, last review) of unexpired
   * credentials for each risk.
   */
  async candidates(selection: ReviewSelection, nowSeconds: number, ids?: readonly string[]): Promise<Array<{ id: string; risk: RiskLevel | null }>> {
    const unexpired = "status != 'revoked' AND expired_at IS NULL AND expires > ?"
    // Not waiting in a campaign: no undecided item (a closed campaign has none; an opening or open one's hold it).
    const live = `${unexpired} AND NOT EXISTS (SELECT 1 FROM review_items i WHERE i.credential_id = c.id AND i.decision IS NULL)`
    const select = (where: string, args: readonly unknown[]) => ({ sql: `SELECT id, risk FROM credentials c WHERE ${where} AND ${live}`, args: [...args, nowSeconds] })
    // Due: last certified (or issued) at or before now minus the risk's interval; no risk
    // counts as critical.
    const due = 'due' in selection
      ? [...RISK_LEVELS, null].map((risk) => ({
        sql: `${risk === null ? 'risk IS NULL' : 'risk = ?'} AND COALESCE(reviewed_at, issued_at) <= ?`,
        args: [...(risk === null ? [] : [risk]), selection.due.nowMs - selection.due.intervalSeconds[risk ?? 'critical'] * 1000],
      }))
      : undefined
    if (ids !== undefined) {
      // Given ids (a batch of a campaign being written): their primary key finds them, and the
      // due test only filters. Whether another campaign holds one is left to insertItems (the
      // index review_items_one_waiting).
      if (ids.length === 0) return []
      const among = `id IN (${ids.map(() => '?').join(', ')})`
      return this.sql.all<{ id: string; risk: RiskLevel | null }>(`SELECT id, risk FROM credentials c WHERE ${among} AND ${unexpired}${due ? ` AND (${due.map((d) => `(${d.sql})`).join(' OR ')})` : ''}`,
        [...ids, nowSeconds, ...(due ? due.flatMap((d) => d.args) : [])])
    }
    if (!due) {
      const q = select('1 = 1', [])
      return this.sql.all(q.sql, q.args)
    }
    // One query per risk, which a single query with OR does not get from SQLite's planner.
    const perRisk = due.map((d) => select(d.sql, d.args))
    return this.sql.all(perRisk.map((q) => q.sql).join(' UNION ALL '), perRisk.flatMap((q) => q.args))
  }

  /**
   * Adds undecided items to a campaign, in one statement (keep batches within the engines'
   * parameter limits), except for credentials that wait in a campaign already (one undecided item
   * per credential: review_items_one_waiting). The credentials added.
   */
  async insertItems(campaign: string, items: ReadonlyArray<{ id: string; credentialId: string; risk: RiskLevel }>): Promise<string[]> {
    if (items.length === 0) return []
    return (await this.sql.all<{ credential_id: string }>(`INSERT INTO review_items (id, campaign, credential_id, risk) VALUES ${items.map(() => '(?, ?, ?, ?)').join(', ')}
        ON CONFLICT DO NOTHING RETURNING credential_id`, items.flatMap((item) => [item.id, campaign, item.credentialId, item.risk]))).map((r) => r.credential_id)
  }

  /** Every item of opened campaigns, or a campaign's, by campaign and id. */
  async items(campaign?: string): Promise<ReviewItemRecord[]> {
    const opened = "EXISTS (SELECT 1 FROM review_campaigns k WHERE k.id = review_items.campaign AND k.status IN ('open', 'closed'))"
    return (campaign === undefined
      ? await this.sql.all<ItemRow>(`SELECT * FROM review_items WHERE ${opened} ORDER BY campaign, id`)
      : await this.sql.all<ItemRow>(`SELECT * FROM review_items WHERE campaign = ? AND ${opened} ORDER BY campaign, id`, [campaign])).map(toItem)
  }

  /** One page of a campaign's items in reviewers' order (undecided first, then by risk, critical first, then by id), with the total. */
  async page(campaign: string, status: 'open' | 'decided' | undefined, limit: number, offset: number): Promise<{ items: ReviewItemRecord[]; total: number }> {
    const where = `campaign = ?${status === undefined ? '' : status === 'open' ? ' AND decision IS NULL' : ' AND decision IS NOT NULL'}`
    const total = Number((await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM review_items WHERE ${where}`, [campaign]))!.n)
    const rows = await this.sql.all<ItemRow>(`SELECT * FROM review_items WHERE ${where} ORDER BY campaign, ${REVIEW_ITEM_ORDER} LIMIT ? OFFSET ?`, [campaign, limit, offset])
    return { items: rows.map(toItem), total }
  }

  /** How many items a campaign has, by decision. */
  async progress(campaign: string): Promise<{ total: number; decided: number; certified: number; revoked: number }> {
    const counts = new Map((await this.sql.all<{ decision: string | null; n: number }>('SELECT decision, COUNT(*) AS n FROM review_items WHERE campaign = ? GROUP BY decision', [campaign]))
      .map((r) => [r.decision, Number(r.n)]))
    const certified = counts.get('certified') ?? 0
    const revoked = counts.get('revoked') ?? 0
    return { total: [...counts.values()].reduce((a, b) => a + b, 0), decided: certified + revoked, certified, revoked }
  }

  /** The first `limit` undecided items of a campaign, by id. */
  async undecidedItems(campaign: string, limit: number): Promise<ReviewItemRecord[]> {
    return (await this.sql.all<ItemRow>('SELECT * FROM review_items WHERE campaign = ? AND decision IS NULL ORDER BY id LIMIT ?', [campaign, limit])).map(toItem)
  }

  async countUndecided(campaign: string): Promise<number> {
    return Number((await this.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM review_items WHERE campaign = ? AND decision IS NULL', [campaign]))!.n)
  }

  async hasUndecided(campaign: string): Promise<boolean> {
    return Boolean(await this.sql.get('SELECT 1 AS one FROM review_items WHERE campaign = ? AND decision IS NULL LIMIT 1', [campaign]))
  }

  /** An item of an opened campaign. */
  async item(id: string): Promise<ReviewItemRecord | undefined> {
    return (await this.itemInCampaign(id))?.item
  }

  /** An item of an opened campaign, with the campaign's status. */
  async itemInCampaign(id: string): Promise<{ item: ReviewItemRecord; campaignStatus: string } | undefined> {
    const row = await this.sql.get<ItemRow & { campaign_status: string }>("SELECT i.*, k.status AS campaign_status FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.id = ? AND k.status IN ('open', 'closed')", [id])
    if (!row) return undefined
    const { campaign_status: campaignStatus, ...item } = row
    return { item: toItem(item), campaignStatus }
  }

  /** Records the item's decision (`reviewer` absent: nobody decided, it expired). */
  async decide(id: string, decision: NonNullable<ReviewItemRecord['decision']>, at: number, reviewer?: string): Promise<void> {
    if (reviewer === undefined) await this.sql.run('UPDATE review_items SET decision = ?, decided_at = ? WHERE id = ?', [decision, at, id])
    else await this.sql.run('UPDATE review_items SET decision = ?, reviewer = ?, decided_at = ? WHERE id = ?', [decision, reviewer, at, id])
  }
}
