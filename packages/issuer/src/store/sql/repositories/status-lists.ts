import type { StatusListRecord } from '../../issuer-store.js'
import { toStatusList, type StatusListRow } from '../rows.js'
import { SqlRepository } from './repository.js'

/** Bitstring status lists (their bits are the credentials' states: see CredentialsRepository.setIndexes). */
export class StatusListsRepository extends SqlRepository {
  async get(id: string): Promise<StatusListRecord | undefined> {
    const row = await this.sql.get<StatusListRow>('SELECT * FROM status_lists WHERE id = ?', [id])
    return row && toStatusList(row)
  }

  /** The newest list of a purpose (of one size, when given). */
  async newest(purpose: 'revocation' | 'suspension', size?: number): Promise<StatusListRecord | undefined> {
    const row = size === undefined
      ? await this.sql.get<StatusListRow>('SELECT * FROM status_lists WHERE purpose = ? ORDER BY created_at DESC, id DESC LIMIT 1', [purpose])
      : await this.sql.get<StatusListRow>('SELECT * FROM status_lists WHERE purpose = ? AND size = ? ORDER BY created_at DESC, id DESC LIMIT 1', [purpose, size])
    return row && toStatusList(row)
  }

  async ids(): Promise<string[]> {
    return (await this.sql.all<{ id: string }>('SELECT id FROM status_lists')).map((l) => l.id)
  }

  /** The latest creation time of any list (0 when there is none). */
  async latestCreation(): Promise<number> {
    return (await this.sql.get<{ at: number | null }>('SELECT MAX(created_at) AS at FROM status_lists'))?.at ?? 0
  }

  async insert(list: StatusListRecord): Promise<void> {
    await this.sql.run('INSERT INTO status_lists (id, purpose, size, created_at, issuer) VALUES (?, ?, ?, ?, ?)', [list.id, list.purpose, list.size, list.createdAt, list.issuer ?? null])
  }

  /** Lists created before issuers were recorded belong to `issuer`. */
  async claimUnowned(issuer: string): Promise<void> {
    await this.sql.run('UPDATE status_lists SET issuer = ? WHERE issuer IS NULL', [issuer])
  }

  /** The newest list of each purpose: revocation first. */
  async current(): Promise<StatusListRecord[]> {
    return (await this.sql.all<StatusListRow>(`SELECT * FROM status_lists s WHERE NOT EXISTS (
        SELECT 1 FROM status_lists t WHERE t.purpose = s.purpose AND (t.created_at > s.created_at OR (t.created_at = s.created_at AND t.id > s.id)))
      ORDER BY s.purpose = 'suspension', s.id`)).map(toStatusList)
  }

  /** Every list: revocation lists first, oldest first. */
  async all(): Promise<StatusListRecord[]> {
    return (await this.sql.all<StatusListRow>("SELECT * FROM status_lists ORDER BY purpose = 'suspension', created_at, id")).map(toStatusList)
  }
}
