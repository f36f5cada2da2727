import type { PrincipalRecord } from '../../issuer-store.js'
import { toPrincipal, type PrincipalRow } from '../rows.js'
import { SqlRepository } from './repository.js'

/** The people and services that call the API, each with a bearer token (kept as its hash). */
export class PrincipalsRepository extends SqlRepository {
  async get(id: string): Promise<PrincipalRecord | undefined> {
    const row = await this.sql.get<PrincipalRow>('SELECT * FROM principals WHERE id = ?', [id])
    return row && toPrincipal(row)
  }

  async insert(p: PrincipalRecord): Promise<void> {
    await this.sql.run('INSERT INTO principals (id, roles, token_sha256, did, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      [p.id, JSON.stringify(p.roles), p.tokenSha256, p.did ?? null, p.createdAt, p.expiresAt ?? null])
  }

  /** Writes the principal's roles, token, disabling and expiry as given. */
  async update(p: PrincipalRecord): Promise<void> {
    await this.sql.run('UPDATE principals SET roles = ?, token_sha256 = ?, disabled_at = ?, expires_at = ? WHERE id = ?',
      [JSON.stringify(p.roles), p.tokenSha256, p.disabledAt ?? null, p.expiresAt ?? null, p.id])
  }

  /** Another enabled principal (not `except`) whose id or DID is `person`. */
  async otherSpeakingFor(person: string, except: string): Promise<string | undefined> {
    return (await this.sql.get<{ id: string }>('SELECT id FROM principals WHERE (did = ? OR id = ?) AND disabled_at IS NULL AND id != ?', [person, person, except]))?.id
  }

  /** Whether an enabled admin without an expiry other than `except` exists. */
  async anotherLastingAdmin(except: string): Promise<boolean> {
    return Boolean(await this.sql.get(`SELECT 1 AS one FROM principals WHERE 'admin' IN ${this.dialect.jsonElements('principals.roles')} AND disabled_at IS NULL AND expires_at IS NULL AND id != ? LIMIT 1`, [except]))
  }

  /** The enabled principal holding this token, unexpired at `nowMs`. */
  async byToken(tokenSha256: string, nowMs: number): Promise<PrincipalRecord | undefined> {
    const row = await this.sql.get<PrincipalRow>('SELECT * FROM principals WHERE token_sha256 = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)', [tokenSha256, nowMs])
    return row && toPrincipal(row)
  }

  /** The principal holding this token, disabled or expired too. */
  async byTokenAnyState(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    const row = await this.sql.get<PrincipalRow>('SELECT * FROM principals WHERE token_sha256 = ?', [tokenSha256])
    return row && toPrincipal(row)
  }

  async list(): Promise<PrincipalRecord[]> {
    return (await this.sql.all<PrincipalRow>('SELECT * FROM principals ORDER BY created_at, id')).map(toPrincipal)
  }

  /** Enabled principals whose id or DID is one of `identities`. */
  async enabledAmong(identities: readonly string[]): Promise<string[]> {
    const ids = JSON.stringify(identities)
    return (await this.sql.all<{ id: string }>(`SELECT id FROM principals WHERE (id IN ${this.dialect.jsonElements('?')} OR did IN ${this.dialect.jsonElements('?')}) AND disabled_at IS NULL ORDER BY id`, [ids, ids]))
      .map((p) => p.id)
  }

  async disable(ids: readonly string[], at: number): Promise<void> {
    if (ids.length > 0) await this.sql.run(`UPDATE principals SET disabled_at = ? WHERE id IN ${this.dialect.jsonElements('?')}`, [at, JSON.stringify(ids)])
  }
}
