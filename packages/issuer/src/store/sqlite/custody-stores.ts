import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { IIdentifier, IKey, ManagedKeyInfo, TKeyType } from '@veramo/core-types'
import type { AbstractDIDStore } from '@veramo/did-manager'
import type { AbstractKeyStore, AbstractPrivateKeyStore, ImportablePrivateKey, ManagedPrivateKey } from '@veramo/key-manager'
import { openPrivateKey, sealPrivateKey, type KeyEncryptionKey } from '../../keys/key-encryption.js'
import { preparedStatements, type Statements } from './statements.js'

// Veramo's own stores need TypeORM; these are the same contracts over better-sqlite3. Missing
// records throw, as Veramo's memory stores do: its managers rely on that. They implement Veramo's
// abstract classes (abstract methods only) rather than extend them: opening the store then loads
// no Veramo module, which the service needs only once it signs (a restart answers sooner).

interface KeyRow { kid: string; kms: string; type: string; public_key_hex: string; meta: string | null }

/** Veramo key metadata (public part) in SQLite. */
export class SqliteKeyStore implements AbstractKeyStore {
  private readonly sql: Statements

  constructor(db: Database.Database) {
    this.sql = preparedStatements(db)
  }

  async importKey(args: Partial<IKey>): Promise<boolean> {
    if (!args.kid || !args.kms || !args.type || !args.publicKeyHex) throw new Error('invalid_argument: kid, kms, type and publicKeyHex are required')
    this.sql('INSERT OR REPLACE INTO custody_keys (kid, kms, type, public_key_hex, meta) VALUES (?, ?, ?, ?, ?)')
      .run(args.kid, args.kms, args.type, args.publicKeyHex, args.meta ? JSON.stringify(args.meta) : null)
    return true
  }

  async getKey({ kid }: { kid: string }): Promise<IKey> {
    const row = this.sql('SELECT * FROM custody_keys WHERE kid = ?').get(kid) as KeyRow | undefined
    if (!row) throw new Error('not_found: Key not found')
    return toKey(row)
  }

  async deleteKey({ kid }: { kid: string }): Promise<boolean> {
    return this.sql('DELETE FROM custody_keys WHERE kid = ?').run(kid).changes > 0
  }

  async listKeys(_args: object = {}): Promise<ManagedKeyInfo[]> {
    return (this.sql('SELECT * FROM custody_keys ORDER BY kid').all() as KeyRow[]).map(toKey)
  }
}

function toKey(row: KeyRow): IKey {
  const key: IKey = { kid: row.kid, kms: row.kms, type: row.type as TKeyType, publicKeyHex: row.public_key_hex }
  if (row.meta) key.meta = JSON.parse(row.meta) as NonNullable<IKey['meta']>
  return key
}

/** Veramo private keys in SQLite, sealed with the key-encryption key (AES-256-GCM). */
export class SqlitePrivateKeyStore implements AbstractPrivateKeyStore {
  private readonly sql: Statements

  constructor(
    db: Database.Database,
    private kek: KeyEncryptionKey,
  ) {
    this.sql = preparedStatements(db)
  }

  /** After a key-encryption-key rotation committed: open with the new key from now on. */
  useKek(kek: KeyEncryptionKey): void {
    this.kek = kek
  }

  async importKey(args: ImportablePrivateKey): Promise<ManagedPrivateKey> {
    const alias = args.alias ?? randomUUID()
    const existing = await this.find(alias)
    if (existing && existing.privateKeyHex !== args.privateKeyHex) throw new Error('key_already_exists: a different key has this alias')
    if (!existing) {
      this.sql('INSERT INTO custody_private_keys (alias, type, sealed) VALUES (?, ?, ?)').run(alias, args.type, sealPrivateKey(this.kek, alias, args.privateKeyHex))
    }
    return { alias, type: args.type, privateKeyHex: args.privateKeyHex }
  }

  async getKey({ alias }: { alias: string }): Promise<ManagedPrivateKey> {
    const key = await this.find(alias)
    if (!key) throw new Error(`not_found: PrivateKey not found for alias=${alias}`)
    return key
  }

  async deleteKey({ alias }: { alias: string }): Promise<boolean> {
    return this.sql('DELETE FROM custody_private_keys WHERE alias = ?').run(alias).changes > 0
  }

  async listKeys(_args: object = {}): Promise<ManagedPrivateKey[]> {
    const rows = this.sql('SELECT alias FROM custody_private_keys ORDER BY alias').all() as Array<{ alias: string }>
    return Promise.all(rows.map((r) => this.getKey(r)))
  }

  private async find(alias: string): Promise<ManagedPrivateKey | undefined> {
    const row = this.sql('SELECT alias, type, sealed FROM custody_private_keys WHERE alias = ?').get(alias) as { alias: string; type: string; sealed: string } | undefined
    if (!row) return undefined
    return { alias: row.alias, type: row.type as TKeyType, privateKeyHex: openPrivateKey(this.kek, row.alias, row.sealed) }
  }
}

/** Veramo identifiers (DIDs and their key references) in SQLite. */
export class SqliteDidStore implements AbstractDIDStore {
  private readonly sql: Statements

  constructor(db: Database.Database) {
    this.sql = preparedStatements(db)
  }

  async importDID(args: IIdentifier): Promise<boolean> {
    // Never persist private key material in the DID document row.
    const identifier: IIdentifier = { ...args, keys: args.keys.map(({ privateKeyHex: _secret, ...key }) => key) }
    this.sql('INSERT OR REPLACE INTO custody_dids (did, alias, provider, document) VALUES (?, ?, ?, ?)')
      .run(identifier.did, identifier.alias ?? null, identifier.provider, JSON.stringify(identifier))
    return true
  }

  async getDID(args: { did: string }): Promise<IIdentifier>
  async getDID(args: { alias: string }): Promise<IIdentifier>
  async getDID(args: { did?: string; alias?: string }): Promise<IIdentifier> {
    const row = (args.did !== undefined
      ? this.sql('SELECT document FROM custody_dids WHERE did = ?').get(args.did)
      : args.alias !== undefined
        ? this.sql('SELECT document FROM custody_dids WHERE alias = ?').get(args.alias)
        : undefined) as { document: string } | undefined
    if (!row) throw new Error(`not_found: IIdentifier not found`)
    return JSON.parse(row.document) as IIdentifier
  }

  async deleteDID({ did }: { did: string }): Promise<boolean> {
    return this.sql('DELETE FROM custody_dids WHERE did = ?').run(did).changes > 0
  }

  async listDIDs(args: { alias?: string; provider?: string } = {}): Promise<IIdentifier[]> {
    const rows = this.sql('SELECT document FROM custody_dids WHERE (@alias IS NULL OR alias = @alias) AND (@provider IS NULL OR provider = @provider) ORDER BY did')
      .all({ alias: args.alias ?? null, provider: args.provider ?? null }) as Array<{ document: string }>
    return rows.map((r) => JSON.parse(r.document) as IIdentifier)
  }
}
