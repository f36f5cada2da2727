import { randomUUID } from 'node:crypto'
import type { IIdentifier, IKey, ManagedKeyInfo, TKeyType } from '@veramo/core-types'
import type { AbstractDIDStore } from '@veramo/did-manager'
import type { AbstractKeyStore, AbstractPrivateKeyStore, ImportablePrivateKey, ManagedPrivateKey } from '@veramo/key-manager'
import { openPrivateKey, sealPrivateKey, type KeyEncryptionKey } from '../../keys/key-encryption.js'
import type { SqlSession } from './sql-session.js'

// Veramo's key, private-key and DID stores over either backend's SqlSession (statements that
// commit on their own: PostgreSQL's pool, SQLite's writer connection). Veramo's own stores need
// TypeORM; these keep the same contracts: missing records throw, as Veramo's memory stores do,
// and its managers rely on that. They implement Veramo's abstract classes (abstract methods only)
// rather than extend them: opening the store then loads no Veramo module, which the service needs
// only once it signs (a restart answers sooner). Private keys are sealed with the key-encryption
// key (AES-256-GCM, bound to the alias): the database never holds one in clear.

interface KeyRow { kid: string; kms: string; type: string; public_key_hex: string; meta: string | null }

/** Veramo key metadata (public part). */
export class SqlKeyStore implements AbstractKeyStore {
  constructor(private readonly sql: SqlSession) {}

  async importKey(args: Partial<IKey>): Promise<boolean> {
    if (!args.kid || !args.kms || !args.type || !args.publicKeyHex) throw new Error('invalid_argument: kid, kms, type and publicKeyHex are required')
    await this.sql.run(`INSERT INTO custody_keys (kid, kms, type, public_key_hex, meta) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (kid) DO UPDATE SET kms = excluded.kms, type = excluded.type, public_key_hex = excluded.public_key_hex, meta = excluded.meta`,
    [args.kid, args.kms, args.type, args.publicKeyHex, args.meta ? JSON.stringify(args.meta) : null])
    return true
  }

  async getKey({ kid }: { kid: string }): Promise<IKey> {
    const row = await this.sql.get<KeyRow>('SELECT * FROM custody_keys WHERE kid = ?', [kid])
    if (!row) throw new Error('not_found: Key not found')
    return toKey(row)
  }

  async deleteKey({ kid }: { kid: string }): Promise<boolean> {
    return (await this.sql.run('DELETE FROM custody_keys WHERE kid = ?', [kid])) > 0
  }

  async listKeys(_args: object = {}): Promise<ManagedKeyInfo[]> {
    return (await this.sql.all<KeyRow>('SELECT * FROM custody_keys ORDER BY kid')).map(toKey)
  }
}

function toKey(row: KeyRow): IKey {
  const key: IKey = { kid: row.kid, kms: row.kms, type: row.type as TKeyType, publicKeyHex: row.public_key_hex }
  if (row.meta) key.meta = JSON.parse(row.meta) as NonNullable<IKey['meta']>
  return key
}

/** Veramo private keys, sealed with the key-encryption key. */
export class SqlPrivateKeyStore implements AbstractPrivateKeyStore {
  constructor(
    private readonly sql: SqlSession,
    private kek: KeyEncryptionKey,
  ) {}

  /** After a key-encryption-key rotation committed: open with the new key from now on. */
  useKek(kek: KeyEncryptionKey): void {
    this.kek = kek
  }

  async importKey(args: ImportablePrivateKey): Promise<ManagedPrivateKey> {
    const alias = args.alias ?? randomUUID()
    const existing = await this.find(alias)
    if (existing && existing.privateKeyHex !== args.privateKeyHex) throw new Error('key_already_exists: a different key has this alias')
    if (!existing) {
      // Two replicas importing the same key at once: the second insert finds the first's row.
      await this.sql.run('INSERT INTO custody_private_keys (alias, type, sealed) VALUES (?, ?, ?) ON CONFLICT (alias) DO NOTHING', [alias, args.type, sealPrivateKey(this.kek, alias, args.privateKeyHex)])
      const stored = await this.find(alias)
      if (stored?.privateKeyHex !== args.privateKeyHex) throw new Error('key_already_exists: a different key has this alias')
    }
    return { alias, type: args.type, privateKeyHex: args.privateKeyHex }
  }

  async getKey({ alias }: { alias: string }): Promise<ManagedPrivateKey> {
    const key = await this.find(alias)
    if (!key) throw new Error(`not_found: PrivateKey not found for alias=${alias}`)
    return key
  }

  async deleteKey({ alias }: { alias: string }): Promise<boolean> {
    return (await this.sql.run('DELETE FROM custody_private_keys WHERE alias = ?', [alias])) > 0
  }

  async listKeys(_args: object = {}): Promise<ManagedPrivateKey[]> {
    const rows = await this.sql.all<{ alias: string }>('SELECT alias FROM custody_private_keys ORDER BY alias')
    return Promise.all(rows.map((r) => this.getKey(r)))
  }

  private async find(alias: string): Promise<ManagedPrivateKey | undefined> {
    const row = await this.sql.get<{ alias: string; type: string; sealed: string }>('SELECT alias, type, sealed FROM custody_private_keys WHERE alias = ?', [alias])
    if (!row) return undefined
    return { alias: row.alias, type: row.type as TKeyType, privateKeyHex: openPrivateKey(this.kek, row.alias, row.sealed) }
  }
}

/** Veramo identifiers (DIDs and their key references). */
export class SqlDidStore implements AbstractDIDStore {
  constructor(private readonly sql: SqlSession) {}

  async importDID(args: IIdentifier): Promise<boolean> {
    // Never persist private key material in the DID document row.
    const identifier: IIdentifier = { ...args, keys: args.keys.map(({ privateKeyHex: _secret, ...key }) => key) }
    await this.sql.run(`INSERT INTO custody_dids (did, alias, provider, document) VALUES (?, ?, ?, ?)
      ON CONFLICT (did) DO UPDATE SET alias = excluded.alias, provider = excluded.provider, document = excluded.document`,
    [identifier.did, identifier.alias ?? null, identifier.provider, JSON.stringify(identifier)])
    return true
  }

  async getDID(args: { did: string }): Promise<IIdentifier>
  async getDID(args: { alias: string }): Promise<IIdentifier>
  async getDID(args: { did?: string; alias?: string }): Promise<IIdentifier> {
    const row = args.did !== undefined
      ? await this.sql.get<{ document: string }>('SELECT document FROM custody_dids WHERE did = ?', [args.did])
      : args.alias !== undefined
        ? await this.sql.get<{ document: string }>('SELECT document FROM custody_dids WHERE alias = ? ORDER BY did LIMIT 1', [args.alias])
        : undefined
    if (!row) throw new Error(`not_found: IIdentifier not found`)
    return JSON.parse(row.document) as IIdentifier
  }

  async deleteDID({ did }: { did: string }): Promise<boolean> {
    return (await this.sql.run('DELETE FROM custody_dids WHERE did = ?', [did])) > 0
  }

  async listDIDs(args: { alias?: string; provider?: string } = {}): Promise<IIdentifier[]> {
    const where: string[] = []
    const params: unknown[] = []
    if (args.alias !== undefined) {
      where.push('alias = ?')
      params.push(args.alias)
    }
    if (args.provider !== undefined) {
      where.push('provider = ?')
      params.push(args.provider)
    }
    const rows = await this.sql.all<{ document: string }>(`SELECT document FROM custody_dids ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY did`, params)
    return rows.map((r) => JSON.parse(r.document) as IIdentifier)
  }
}
