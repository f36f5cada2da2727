import { entitlementToJson } from '@agentid/core'
import type { PolicyVersion, RoleTemplate } from '../../issuer-store.js'
import { toRole, type RoleRow } from '../rows.js'
import { SqlRepository } from './repository.js'

/** The issuer's settings: key and value, both text. */
export class SettingsRepository extends SqlRepository {
  async get(key: string): Promise<string | undefined> {
    return (await this.sql.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))?.value
  }

  async any(): Promise<boolean> {
    return Boolean(await this.sql.get('SELECT 1 AS one FROM settings LIMIT 1'))
  }

  async put(key: string, value: string): Promise<void> {
    await this.sql.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])
  }
}

/** Role templates, by name. */
export class RolesRepository extends SqlRepository {
  async get(name: string): Promise<RoleTemplate | undefined> {
    const row = await this.sql.get<RoleRow>('SELECT * FROM roles WHERE name = ?', [name])
    return row && toRole(row)
  }

  async list(): Promise<RoleTemplate[]> {
    return (await this.sql.all<RoleRow>('SELECT * FROM roles ORDER BY name')).map(toRole)
  }

  async put(role: RoleTemplate): Promise<void> {
    await this.sql.run('INSERT INTO roles (name, description, entitlements, ttl_seconds) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET description = excluded.description, entitlements = excluded.entitlements, ttl_seconds = excluded.ttl_seconds',
      [role.name, role.description, JSON.stringify(role.entitlements.map(entitlementToJson)), role.ttlSeconds])
  }

  async delete(name: string): Promise<void> {
    await this.sql.run('DELETE FROM roles WHERE name = ?', [name])
  }
}

interface PolicyRow { version: number; document: string; created_at: number; created_by: string }

function toPolicy(row: PolicyRow): PolicyVersion {
  return { version: row.version, document: row.document, createdAt: row.created_at, createdBy: row.created_by }
}

/** Policy documents, each version kept. */
export class PoliciesRepository extends SqlRepository {
  async current(): Promise<PolicyVersion | undefined> {
    const row = await this.sql.get<PolicyRow>('SELECT * FROM policies ORDER BY version DESC LIMIT 1')
    return row && toPolicy(row)
  }

  /** Newest first, with the total. */
  async page(limit: number, offset: number): Promise<{ versions: PolicyVersion[]; total: number }> {
    const total = (await this.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM policies'))!.n
    const rows = await this.sql.all<PolicyRow>('SELECT * FROM policies ORDER BY version DESC LIMIT ? OFFSET ?', [limit, offset])
    return { versions: rows.map(toPolicy), total }
  }

  /** The newest version number; 0 when none is stored. */
  async latestVersion(): Promise<number> {
    return (await this.sql.get<{ v: number | null }>('SELECT MAX(version) AS v FROM policies'))!.v ?? 0
  }

  async insert(policy: PolicyVersion): Promise<void> {
    await this.sql.run('INSERT INTO policies (version, document, created_at, created_by) VALUES (?, ?, ?, ?)', [policy.version, policy.document, policy.createdAt, policy.createdBy])
  }
}
