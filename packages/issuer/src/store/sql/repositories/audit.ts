import { auditEntryHash, GENESIS_HASH } from '../../../audit/hash-chain.js'
import type { AuditCheckpointRecord, AuditEntry, AuditInput } from '../../issuer-store.js'
import { toAudit, type AuditRow } from '../rows.js'
import { SqlRepository, Where } from './repository.js'

/** The audit log (a hash chain) and its signed checkpoints. */
export class AuditRepository extends SqlRepository {
  /** The newest entry's position and hash; undefined for an empty log. */
  head(): Promise<{ seq: number; hash: string } | undefined> {
    return this.sql.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
  }

  /**
   * Appends one entry after the head, chained to it. The caller's transaction makes it atomic with
   * the change it records, and the engine orders transactions, so that the chain has one head.
   */
  async append(input: AuditInput, at: number): Promise<AuditEntry> {
    const last = await this.head()
    const seq = (last?.seq ?? 0) + 1
    const prevHash = last?.hash ?? GENESIS_HASH
    // Hashed as stored and read back (JSON), not as the caller's objects: a Date, a toJSON or an
    // undefined in a list would otherwise hash one way when written and another when verified.
    const text = JSON.stringify(input.details)
    const entry = { ...input, details: JSON.parse(text) as Record<string, unknown> }
    const hash = auditEntryHash(prevHash, seq, at, entry)
    await this.sql.run('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [seq, at, input.actor, input.action, input.target ?? null, text, prevHash, hash])
    return { ...entry, seq, at, prevHash, hash }
  }

  async read(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return (await this.sql.all<AuditRow>('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?', [fromSeq, limit])).map(toAudit)
  }

  /** Newest first; `action` is a prefix, not a pattern. */
  async search(filter: { actor?: string; action?: string; target?: string; before?: number }, limit: number): Promise<AuditEntry[]> {
    const where = new Where().equals('actor', filter.actor).equals('target', filter.target)
    if (filter.before !== undefined) where.add('seq < ?', filter.before)
    if (filter.action !== undefined) where.add('substr(action, 1, length(CAST(? AS TEXT))) = ?', filter.action, filter.action)
    const rows = await this.sql.all<AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY seq DESC LIMIT ?`, [...where.args, limit])
    return rows.map(toAudit)
  }

  async lastSeq(): Promise<number> {
    return (await this.sql.get<{ n: number }>('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log'))!.n
  }

  /** The last entry any checkpoint covers (0 when none does). */
  async checkpointedSeq(): Promise<number> {
    return (await this.sql.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM audit_checkpoints'))!.seq ?? 0
  }

  async insertCheckpoint(c: AuditCheckpointRecord): Promise<void> {
    await this.sql.run('INSERT INTO audit_checkpoints (seq, head, at, jwt) VALUES (?, ?, ?, ?)', [c.seq, c.head, c.at, c.jwt])
  }

  /** Oldest first; with a limit, the newest `limit`. */
  async checkpoints(limit?: number): Promise<AuditCheckpointRecord[]> {
    const rows = limit === undefined
      ? await this.sql.all<AuditCheckpointRecord>('SELECT * FROM audit_checkpoints ORDER BY seq')
      : await this.sql.all<AuditCheckpointRecord>('SELECT * FROM (SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT ?) AS newest ORDER BY seq', [limit])
    return rows.map((r) => ({ seq: r.seq, head: r.head, at: r.at, jwt: r.jwt }))
  }
}
