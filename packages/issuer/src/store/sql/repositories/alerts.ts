import type { AlertFeedbackRecord, AlertPageFilter, AlertRecord, SuppressionRecord } from '../../issuer-store.js'
import { toAlert, toSuppression, type AlertRow, type SuppressionRow } from '../rows.js'
import { SqlRepository, Where } from './repository.js'

/** Alerts, operators' verdicts on them, suppressions, and the monitor's learned baselines. */
export class AlertsRepository extends SqlRepository {
  async insert(a: Omit<AlertRecord, 'id'>): Promise<AlertRecord> {
    // The score is kept in its own column too, for ranking (`page` with order score).
    const score = typeof a.details.score === 'number' && Number.isFinite(a.details.score) ? a.details.score : null
    const row = (await this.sql.get<{ id: number }>('INSERT INTO alerts (at, kind, severity, subject, details, score) VALUES (?, ?, ?, ?, ?, ?) RETURNING id', [a.at, a.kind, a.severity, a.subject ?? null, JSON.stringify(a.details), score]))!
    return { ...a, id: Number(row.id) }
  }

  async get(id: number): Promise<AlertRecord | undefined> {
    const row = await this.sql.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', [id])
    return row && toAlert(row)
  }

  /** The newest `limit`. */
  async newest(limit: number): Promise<AlertRecord[]> {
    return (await this.sql.all<AlertRow>('SELECT * FROM alerts ORDER BY id DESC LIMIT ?', [limit])).map(toAlert)
  }

  /** Newest first, or by score (alerts without one last), with the total. */
  async page(filter: AlertPageFilter, limit: number, offset: number): Promise<{ alerts: AlertRecord[]; total: number }> {
    const where = new Where().equals('severity', filter.severity).equals('subject', filter.subject)
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts ${where}`, where.args))!.n
    const order = filter.order === 'score' ? 'score DESC NULLS LAST, id DESC' : 'id DESC'
    return { alerts: (await this.sql.all<AlertRow>(`SELECT * FROM alerts ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, [...where.args, limit, offset])).map(toAlert), total }
  }

  async feedback(alertId: number): Promise<AlertFeedbackRecord | undefined> {
    const row = await this.sql.get<{ alert_id: number; verdict: 'benign' | 'confirmed'; note: string | null; decided_by: string; decided_at: number }>('SELECT * FROM alert_feedback WHERE alert_id = ?', [alertId])
    return row && { alertId: row.alert_id, verdict: row.verdict, ...(row.note !== null ? { note: row.note } : {}), decidedBy: row.decided_by, decidedAt: row.decided_at }
  }

  async insertFeedback(f: AlertFeedbackRecord): Promise<void> {
    await this.sql.run('INSERT INTO alert_feedback (alert_id, verdict, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)', [f.alertId, f.verdict, f.note ?? null, f.decidedBy, f.decidedAt])
  }

  async insertSuppression(x: SuppressionRecord): Promise<void> {
    await this.sql.run('INSERT INTO alert_suppressions (id, agent, kind, about, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [x.id, x.agent ?? null, x.kind ?? null, x.about ?? null, x.reason, x.createdBy, x.createdAt, x.expiresAt])
  }

  async suppression(id: string): Promise<SuppressionRecord | undefined> {
    const row = await this.sql.get<SuppressionRow>('SELECT * FROM alert_suppressions WHERE id = ?', [id])
    return row && toSuppression(row)
  }

  /** The newest thousand. */
  async suppressions(): Promise<SuppressionRecord[]> {
    return (await this.sql.all<SuppressionRow>('SELECT * FROM alert_suppressions ORDER BY created_at DESC, id LIMIT 1000')).map(toSuppression)
  }

  async endSuppression(id: string, by: string, at: number): Promise<void> {
    await this.sql.run('UPDATE alert_suppressions SET ended_at = ?, ended_by = ? WHERE id = ?', [at, by, id])
  }

  async saveBaseline(r: { readonly key: string; readonly state: string; readonly updatedAt: number }): Promise<void> {
    await this.sql.run('INSERT INTO monitor_baselines (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at', [r.key, r.state, Math.round(r.updatedAt)])
  }

  baselines(): Promise<Array<{ key: string; state: string }>> {
    return this.sql.all<{ key: string; state: string }>('SELECT key, state FROM monitor_baselines')
  }
}
