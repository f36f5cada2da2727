import { entitlementToJson } from '@agentid/core'
import type { CredentialRecord } from '../../issuer-store.js'
import { toCredential, type CredentialRow } from '../rows.js'
import { SqlRepository } from './repository.js'

/** Issued credentials (their JWT kept for delivery, their state, their grant). */
export class CredentialsRepository extends SqlRepository {
  async get(id: string): Promise<CredentialRecord | undefined> {
    const row = await this.sql.get<CredentialRow>('SELECT * FROM credentials WHERE id = ?', [id])
    return row && toCredential(row)
  }

  async jwt(id: string): Promise<string | undefined> {
    return (await this.sql.get<{ jwt: string | null }>('SELECT jwt FROM credentials WHERE id = ?', [id]))?.jwt ?? undefined
  }

  /** `grant`: the id of the first credential of its lineage (its own id when it renews nothing). */
  async insert(record: CredentialRecord, jwt: string, grant: string): Promise<void> {
    await this.sql.run(`INSERT INTO credentials (id, subject, issuer, entitlements, task, risk, not_before, expires, status, status_list, status_index, jwt_sha256, issued_at,
        suspension_list, jit, task_id, request_id, approvals, requested_by, jwt, renew_until, renews, grant_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      record.id, record.subject, record.issuer, JSON.stringify(record.entitlements.map(entitlementToJson)), record.task ? JSON.stringify(record.task) : null,
      record.risk ?? null, record.notBefore, record.expires, record.status, record.listId, record.index, record.jwtSha256, record.issuedAt,
      record.suspensionListId ?? null, record.jit ? 1 : 0, record.task?.id ?? null, record.requestId ?? null,
      record.approvals ? JSON.stringify(record.approvals) : null, record.requestedBy ?? null, jwt, record.renewUntil ?? null, record.renews ?? null, grant])
  }

  /** The credential that renews `id`, if any. */
  async renewalOf(id: string): Promise<CredentialRecord | undefined> {
    const row = await this.sql.get<CredentialRow>('SELECT * FROM credentials WHERE renews = ?', [id])
    return row && toCredential(row)
  }

  /** The grant `id` belongs to, and the end of its approved window (seconds; null: not renewable). */
  async grantOf(id: string): Promise<{ grant: string; renewUntil: number | null } | undefined> {
    const row = await this.sql.get<{ renew_until: number | null; grant_id: string }>('SELECT renew_until, COALESCE(grant_id, id) AS grant_id FROM credentials WHERE id = ?', [id])
    return row && { grant: row.grant_id, renewUntil: row.renew_until }
  }

  /** When the grant started: the notBefore of its first credential. */
  async grantStart(id: string): Promise<number | undefined> {
    return (await this.sql.get<{ start: number }>('SELECT g.not_before AS start FROM credentials c JOIN credentials g ON g.id = COALESCE(c.grant_id, c.id) WHERE c.id = ?', [id]))?.start
  }

  /** A credential of the grant that is revoked or suspended, if any. */
  stoppedInGrant(grant: string): Promise<{ id: string; status: string } | undefined> {
    return this.sql.get<{ id: string; status: string }>("SELECT id, status FROM credentials WHERE grant_id = ? AND status != 'active' LIMIT 1", [grant])
  }

  /** Every credential of the grant of `id` (the first of its lineage and each renewal since), oldest first. */
  async lineage(id: string): Promise<CredentialRecord[]> {
    return this.#records('SELECT * FROM credentials WHERE grant_id = (SELECT COALESCE(grant_id, id) FROM credentials WHERE id = ?) ORDER BY issued_at, id', [id])
  }

  /** The agent's credentials, oldest first: not revoked (`live`), `active`, or suspended with the agent (not on their own). */
  ofSubject(subject: string, which: 'live' | 'active' | 'suspended-with-agent'): Promise<CredentialRecord[]> {
    const where = { live: "status != 'revoked'", active: "status = 'active'", 'suspended-with-agent': "status = 'suspended' AND suspended_for IS DISTINCT FROM 'credential'" }[which]
    return this.#records(`SELECT * FROM credentials WHERE subject = ? AND ${where} ORDER BY issued_at, id`, [subject])
  }

  /** Live (not revoked, not expired at `nowSeconds`) credentials of any of `subjects`, oldest first. */
  heldBy(subjects: readonly string[], nowSeconds: number): Promise<CredentialRecord[]> {
    return this.#records(`SELECT * FROM credentials WHERE status != 'revoked' AND expires > ? AND subject IN ${this.dialect.jsonElements('?')} ORDER BY issued_at, id`,
      [nowSeconds, JSON.stringify(subjects)])
  }

  async exists(id: string): Promise<boolean> {
    return Boolean(await this.sql.get('SELECT 1 AS one FROM credentials WHERE id = ?', [id]))
  }

  /** Whether an index of a revocation list, or of a suspension list, is held. */
  async slotTaken(list: { revocation: string; suspension?: string }, index: number): Promise<boolean> {
    return Boolean(await this.sql.get('SELECT 1 AS one FROM credentials WHERE status_list = ? AND status_index = ?', [list.revocation, index])
      || (list.suspension !== undefined && await this.sql.get('SELECT 1 AS one FROM credentials WHERE suspension_list = ? AND status_index = ?', [list.suspension, index])))
  }

  /** The indexes set in a list: revoked credentials of a revocation list, suspended ones of a suspension list. */
  async setIndexes(listId: string, purpose: 'revocation' | 'suspension'): Promise<number[]> {
    const rows = purpose === 'revocation'
      ? await this.sql.all<{ status_index: number }>("SELECT status_index FROM credentials WHERE status_list = ? AND status = 'revoked' ORDER BY status_index", [listId])
      : await this.sql.all<{ status_index: number }>("SELECT status_index FROM credentials WHERE suspension_list = ? AND status = 'suspended' ORDER BY status_index", [listId])
    return rows.map((r) => r.status_index)
  }

  /** Whether anything was issued for the task (to one of `subjects`, when given). */
  async anyForTask(taskId: string, subjects?: readonly string[]): Promise<boolean> {
    const scope = this.#scope(subjects)
    return Boolean(await this.sql.get(`SELECT 1 AS one FROM credentials WHERE task_id = ? ${scope.sql} LIMIT 1`, [taskId, ...scope.args]))
  }

  /** The task's credentials neither revoked nor expired (of `subjects`, when given), oldest first. */
  liveForTask(taskId: string, subjects?: readonly string[]): Promise<CredentialRecord[]> {
    const scope = this.#scope(subjects)
    return this.#records(`SELECT * FROM credentials WHERE task_id = ? ${scope.sql} AND status != 'revoked' AND expired_at IS NULL ORDER BY issued_at, id`, [taskId, ...scope.args])
  }

  #scope(subjects: readonly string[] | undefined): { sql: string; args: unknown[] } {
    return subjects === undefined ? { sql: '', args: [] } : { sql: `AND subject IN ${this.dialect.jsonElements('?')}`, args: [JSON.stringify(subjects)] }
  }

  /** Credentials past their expiry that the sweeper has not recorded yet, soonest first. */
  dueForSweep(nowSeconds: number, limit: number): Promise<CredentialRecord[]> {
    return this.#records('SELECT * FROM credentials WHERE expired_at IS NULL AND expires <= ? ORDER BY expires, id LIMIT ?', [nowSeconds, limit])
  }

  /** Oldest first; one statement per filter (SQLite uses no index for "(? IS NULL OR subject = ?)"). */
  list(filter: { subject?: string; taskId?: string; latestOfGrant?: boolean }): Promise<CredentialRecord[]> {
    const where = [
      ...(filter.subject !== undefined ? ['subject = ?'] : []),
      ...(filter.taskId !== undefined ? ['task_id = ?'] : []),
      ...(filter.latestOfGrant ? ['NOT EXISTS (SELECT 1 FROM credentials r WHERE r.renews = c.id)'] : []),
    ]
    const args = [...(filter.subject !== undefined ? [filter.subject] : []), ...(filter.taskId !== undefined ? [filter.taskId] : [])]
    return this.#records(`SELECT * FROM credentials c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at, id`, args)
  }

  async markRevoked(id: string): Promise<void> {
    await this.sql.run("UPDATE credentials SET status = 'revoked' WHERE id = ?", [id])
  }

  /** Active again (reason null), or suspended on its own or with its agent. */
  async setSuspension(id: string, status: 'active' | 'suspended', reason: 'credential' | 'agent' | null): Promise<void> {
    await this.sql.run('UPDATE credentials SET status = ?, suspended_for = ? WHERE id = ?', [status, reason, id])
  }

  /** Suspends every active credential of the agent that has a suspension slot, with the agent. */
  async suspendActiveWithAgent(subject: string): Promise<void> {
    await this.sql.run("UPDATE credentials SET status = 'suspended', suspended_for = 'agent' WHERE subject = ? AND status = 'active' AND suspension_list IS NOT NULL", [subject])
  }

  async markExpired(id: string, at: number): Promise<void> {
    await this.sql.run('UPDATE credentials SET expired_at = ? WHERE id = ?', [at, id])
  }

  async markReviewed(id: string, at: number): Promise<void> {
    await this.sql.run('UPDATE credentials SET reviewed_at = ? WHERE id = ?', [at, id])
  }

  async #records(sql: string, args: readonly unknown[]): Promise<CredentialRecord[]> {
    return (await this.sql.all<CredentialRow>(sql, args)).map(toCredential)
  }
}
