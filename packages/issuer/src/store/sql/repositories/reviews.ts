import { RISK_LEVELS, type RiskLevel } from '@agentid/core'
import type { ReviewCampaignRecord, ReviewItemRecord, ReviewSelection } from '../../issuer-store.js'
import { toCampaign, toItem, type CampaignRow, type ItemRow } from '../rows.js'
import type { SqlSession } from '../sql-session.js'

/** Access-review campaigns and their items (one per credential reviewed). */
export class ReviewsRepository {
  readonly #sql: SqlSession

  constructor(sql: SqlSession) {
    this.#sql = sql
  }

  /** Stores the campaign, open. */
  async insertCampaign(c: ReviewCampaignRecord): Promise<void> {
    await this.#sql.run('INSERT INTO review_campaigns (id, name, created_by, created_at, deadline, status) VALUES (?, ?, ?, ?, ?, ?)',
      [c.id, c.name, c.createdBy, c.createdAt, c.deadline, 'open'])
  }

  async campaigns(): Promise<ReviewCampaignRecord[]> {
    return (await this.#sql.all<CampaignRow>('SELECT * FROM review_campaigns ORDER BY created_at, id')).map(toCampaign)
  }

  /** Open campaigns whose deadline has passed at `nowMs`, soonest first. */
  async overdueCampaigns(nowMs: number): Promise<ReviewCampaignRecord[]> {
    return (await this.#sql.all<CampaignRow>("SELECT * FROM review_campaigns WHERE status = 'open' AND deadline <= ? ORDER BY deadline, id", [nowMs])).map(toCampaign)
  }

  async closeCampaign(id: string): Promise<void> {
    await this.#sql.run("UPDATE review_campaigns SET status = 'closed' WHERE id = ?", [id])
  }

  /**
   * Live credentials the selection takes and no open campaign waits on (of `ids`, when given),
   * found in SQL: the due test is a range of the index on (risk, last review) of unexpired
   * credentials for each risk.
   */
  candidates(selection: ReviewSelection, nowSeconds: number, ids?: readonly string[]): Promise<Array<{ id: string; risk: RiskLevel | null }>> {
    const live = `status != 'revoked' AND expired_at IS NULL AND expires > ? AND NOT EXISTS (
      SELECT 1 FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.credential_id = c.id AND k.status = 'open' AND i.decision IS NULL)`
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
      // Given ids, their primary key finds them; the due test only filters.
      const among = `id IN (${ids.map(() => '?').join(', ')})`
      const q = due ? select(`${among} AND (${due.map((d) => `(${d.sql})`).join(' OR ')})`, [...ids, ...due.flatMap((d) => d.args)]) : select(among, ids)
      return this.#sql.all(q.sql, q.args)
    }
    if (!due) {
      const q = select('1 = 1', [])
      return this.#sql.all(q.sql, q.args)
    }
    // One query per risk, which a single query with OR does not get from SQLite's planner.
    const perRisk = due.map((d) => select(d.sql, d.args))
    return this.#sql.all(perRisk.map((q) => q.sql).join(' UNION ALL '), perRisk.flatMap((q) => q.args))
  }

  /** Adds undecided items to a campaign, in one statement (keep batches within the engines' parameter limits). */
  async insertItems(campaign: string, items: ReadonlyArray<{ id: string; credentialId: string; risk: RiskLevel }>): Promise<void> {
    if (items.length === 0) return
    await this.#sql.run(`INSERT INTO review_items (id, campaign, credential_id, risk) VALUES ${items.map(() => '(?, ?, ?, ?)').join(', ')}`,
      items.flatMap((item) => [item.id, campaign, item.credentialId, item.risk]))
  }

  /** Every item, or a campaign's, by campaign and id. */
  async items(campaign?: string): Promise<ReviewItemRecord[]> {
    return (campaign === undefined
      ? await this.#sql.all<ItemRow>('SELECT * FROM review_items ORDER BY campaign, id')
      : await this.#sql.all<ItemRow>('SELECT * FROM review_items WHERE campaign = ? ORDER BY campaign, id', [campaign])).map(toItem)
  }

  async undecidedItems(campaign: string): Promise<ReviewItemRecord[]> {
    return (await this.#sql.all<ItemRow>('SELECT * FROM review_items WHERE campaign = ? AND decision IS NULL ORDER BY id', [campaign])).map(toItem)
  }

  async hasUndecided(campaign: string): Promise<boolean> {
    return Boolean(await this.#sql.get('SELECT 1 AS one FROM review_items WHERE campaign = ? AND decision IS NULL LIMIT 1', [campaign]))
  }

  async item(id: string): Promise<ReviewItemRecord | undefined> {
    const row = await this.#sql.get<ItemRow>('SELECT * FROM review_items WHERE id = ?', [id])
    return row && toItem(row)
  }

  /** The item with its campaign's status. */
  async itemInCampaign(id: string): Promise<{ item: ReviewItemRecord; campaignStatus: string } | undefined> {
    const row = await this.#sql.get<ItemRow & { campaign_status: string }>('SELECT i.*, k.status AS campaign_status FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.id = ?', [id])
    if (!row) return undefined
    const { campaign_status: campaignStatus, ...item } = row
    return { item: toItem(item), campaignStatus }
  }

  /** Records the item's decision (`reviewer` absent: nobody decided, it expired). */
  async decide(id: string, decision: NonNullable<ReviewItemRecord['decision']>, at: number, reviewer?: string): Promise<void> {
    if (reviewer === undefined) await this.#sql.run('UPDATE review_items SET decision = ?, decided_at = ? WHERE id = ?', [decision, at, id])
    else await this.#sql.run('UPDATE review_items SET decision = ?, reviewer = ?, decided_at = ? WHERE id = ?', [decision, reviewer, at, id])
  }
}
