import { entitlementToJson } from '@agentid/core'
import type { AccessRequestRecord, ApprovalRecord } from '../../issuer-store.js'
import { toApproval, toRequest, type ApprovalRow, type RequestRow } from '../rows.js'
import { SqlRepository, Where } from './repository.js'

/** An approval as stored, with the request it belongs to. */
export interface StoredApproval extends ApprovalRecord {
  readonly request: string
}

/** Access requests and the approvals given on them, level by level. */
export class RequestsRepository extends SqlRepository {
  /** The request with its approvals, lowest level first. */
  async get(id: string): Promise<AccessRequestRecord | undefined> {
    const row = await this.sql.get<RequestRow>('SELECT * FROM access_requests WHERE id = ?', [id])
    if (!row) return undefined
    const approvals = (await this.sql.all<ApprovalRow>('SELECT * FROM approvals WHERE request_id = ? ORDER BY level', [id])).map(toApproval)
    return toRequest(row, approvals)
  }

  async #getAll(ids: ReadonlyArray<{ id: string }>): Promise<AccessRequestRecord[]> {
    const requests: AccessRequestRecord[] = []
    for (const { id } of ids) requests.push((await this.get(id))!)
    return requests
  }

  async insert(request: AccessRequestRecord): Promise<void> {
    await this.sql.run(`INSERT INTO access_requests (id, subject, requester, entitlements, ttl_seconds, task, jit, risk, chain, policy_version, justification, status, created_at, expires_at, renewable_seconds)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`, [
      request.id, request.subject, request.requester, JSON.stringify(request.entitlements.map(entitlementToJson)), request.ttlSeconds,
      request.task ? JSON.stringify(request.task) : null, request.jit ? 1 : 0, request.risk, JSON.stringify(request.chain), request.policyVersion,
      request.justification ?? null, request.createdAt, request.expiresAt, request.renewableSeconds ?? null])
  }

  /** A pending request for the same agent, entitlements, duration, kind and task, if any. */
  async samePending(request: AccessRequestRecord): Promise<string | undefined> {
    return (await this.sql.get<{ id: string }>(`SELECT id FROM access_requests WHERE status = 'pending' AND subject = ? AND entitlements = ? AND ttl_seconds = ? AND jit = ? AND task IS NOT DISTINCT FROM ?`,
      [request.subject, JSON.stringify(request.entitlements.map(entitlementToJson)), request.ttlSeconds, request.jit ? 1 : 0, request.task ? JSON.stringify(request.task) : null]))?.id
  }

  /** Newest first, with the total; `decided` is every status but pending. */
  async page(filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    const where = new Where().equals('subject', filter.subject)
    if (filter.status === 'decided') where.add("status != 'pending'")
    else where.equals('status', filter.status)
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM access_requests ${where}`, where.args))!.n
    const ids = await this.sql.all<{ id: string }>(`SELECT id FROM access_requests ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, [...where.args, limit, offset])
    return { requests: await this.#getAll(ids), total }
  }

  /**
   * Pending, unexpired requests waiting at a level whose role is one of `roles`, that the
   * principal neither filed nor approved, oldest first, with the total.
   */
  async queue(filter: { roles: readonly string[]; principal: string; now: number }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    // The level a request waits at is the number of approvals it holds (a denial ends it; a
    // voided approval is removed with every later one), its role the chain's entry there.
    const where = `r.status = 'pending' AND r.expires_at > ? AND r.requester != ?
      AND ${this.dialect.jsonIndex('r.chain', '(SELECT COUNT(*) FROM approvals a WHERE a.request_id = r.id)')} IN ${this.dialect.jsonElements('?')}
      AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.request_id = r.id AND a.principal = ?)`
    const args = [filter.now, filter.principal, JSON.stringify(filter.roles), filter.principal]
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM access_requests r WHERE ${where}`, args))!.n
    const ids = await this.sql.all<{ id: string }>(`SELECT r.id FROM access_requests r WHERE ${where} ORDER BY r.created_at, r.id LIMIT ? OFFSET ?`, [...args, limit, offset])
    return { requests: await this.#getAll(ids), total }
  }

  /** Oldest first. */
  async list(filter: { status?: AccessRequestRecord['status']; subject?: string }): Promise<AccessRequestRecord[]> {
    const where = new Where().equals('status', filter.status).equals('subject', filter.subject)
    return this.#getAll(await this.sql.all<{ id: string }>(`SELECT id FROM access_requests ${where} ORDER BY created_at, id`, where.args))
  }

  /** Stores the request's judgement by the policy now in force. */
  async setJudgement(id: string, judged: { risk: string; chain: readonly string[]; policyVersion: number }): Promise<void> {
    await this.sql.run('UPDATE access_requests SET risk = ?, chain = ?, policy_version = ? WHERE id = ?', [judged.risk, JSON.stringify(judged.chain), judged.policyVersion, id])
  }

  /** Ends the request: denied, issued (with its credential) or expired, at `at`. */
  async close(id: string, status: 'denied' | 'issued' | 'expired', at: number, credentialId?: string): Promise<void> {
    if (status === 'issued') await this.sql.run("UPDATE access_requests SET status = 'issued', decided_at = ?, credential_id = ? WHERE id = ?", [at, credentialId ?? null, id])
    else await this.sql.run('UPDATE access_requests SET status = ?, decided_at = ? WHERE id = ?', [status, at, id])
  }

  /** Pending requests whose time is up at `nowMs`, soonest first. */
  async pendingExpiredBy(nowMs: number): Promise<string[]> {
    return (await this.sql.all<{ id: string }>("SELECT id FROM access_requests WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id", [nowMs])).map((r) => r.id)
  }

  /** Pending requests for any of `identities` or filed by any of them, oldest first. */
  async pendingConcerning(identities: readonly string[]): Promise<string[]> {
    const ids = JSON.stringify(identities)
    return (await this.sql.all<{ id: string }>(`SELECT id FROM access_requests WHERE status = 'pending' AND (subject IN ${this.dialect.jsonElements('?')} OR requester IN ${this.dialect.jsonElements('?')}) ORDER BY created_at, id`,
      [ids, ids])).map((r) => r.id)
  }

  /** Those of the requests `ids` that are for `identity` or filed by it, by id. */
  async amongConcerning(ids: readonly string[], identity: string): Promise<string[]> {
    return (await this.sql.all<{ id: string }>(`SELECT id FROM access_requests WHERE id IN ${this.dialect.jsonElements('?')} AND (subject = ? OR requester = ?) ORDER BY id`,
      [JSON.stringify(ids), identity, identity])).map((r) => r.id)
  }

  /** Whether anything was requested for the task (for one of `subjects`, when given). */
  async anyForTask(taskId: string, subjects?: readonly string[]): Promise<boolean> {
    const scope = this.#scope(subjects)
    return Boolean(await this.sql.get(`SELECT 1 AS one FROM access_requests WHERE ${this.dialect.jsonField('task', 'id')} = ? ${scope.sql} LIMIT 1`, [taskId, ...scope.args]))
  }

  /** The task's pending requests (for `subjects`, when given), oldest first. */
  async pendingForTask(taskId: string, subjects?: readonly string[]): Promise<string[]> {
    const scope = this.#scope(subjects)
    return (await this.sql.all<{ id: string }>(`SELECT id FROM access_requests WHERE status = 'pending' AND ${this.dialect.jsonField('task', 'id')} = ? ${scope.sql} ORDER BY created_at, id`, [taskId, ...scope.args]))
      .map((r) => r.id)
  }

  #scope(subjects: readonly string[] | undefined): { sql: string; args: unknown[] } {
    return subjects === undefined ? { sql: '', args: [] } : { sql: `AND subject IN ${this.dialect.jsonElements('?')}`, args: [JSON.stringify(subjects)] }
  }

  async insertApproval(request: string, a: ApprovalRecord): Promise<void> {
    await this.sql.run('INSERT INTO approvals (request_id, level, principal, role, decision, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [request, a.level, a.principal, a.role, a.decision, a.at, a.reason ?? null])
  }

  /** Approvals of pending requests given by any of `principals`, by request and level. */
  async approvalsOfPendingBy(principals: readonly string[]): Promise<StoredApproval[]> {
    return (await this.sql.all<ApprovalRow>(`SELECT a.* FROM approvals a JOIN access_requests r ON r.id = a.request_id
        WHERE r.status = 'pending' AND a.decision = 'approve' AND a.principal IN ${this.dialect.jsonElements('?')} ORDER BY a.request_id, a.level`, [JSON.stringify(principals)]))
      .map((row) => ({ request: row.request_id, ...toApproval(row) }))
  }

  /** Who approved or denied pending requests for any of `subjects`. */
  async decidersOfPendingFor(subjects: readonly string[]): Promise<string[]> {
    return (await this.sql.all<{ principal: string }>(`SELECT DISTINCT a.principal FROM approvals a JOIN access_requests r ON r.id = a.request_id
        WHERE r.status = 'pending' AND r.subject IN ${this.dialect.jsonElements('?')} ORDER BY a.principal`, [JSON.stringify(subjects)])).map((r) => r.principal)
  }

  /** Removes the request's approvals from `level` up; those removed. */
  async removeApprovalsFrom(request: string, level: number): Promise<ApprovalRecord[]> {
    const rows = await this.sql.all<ApprovalRow>('SELECT * FROM approvals WHERE request_id = ? AND level >= ? ORDER BY level', [request, level])
    await this.sql.run('DELETE FROM approvals WHERE request_id = ? AND level >= ?', [request, level])
    return rows.map(toApproval)
  }
}
