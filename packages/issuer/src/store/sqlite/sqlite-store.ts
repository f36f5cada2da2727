import type Database from 'better-sqlite3'
import { agentIdError, isAgentIdError } from '@agentid/core'
import type { KeyEncryptionKey } from '../../keys/key-encryption.js'
import type { IssuerStore } from '../issuer-store.js'
import { SqlIssuerStore } from '../sql/sql-issuer-store.js'
import type { SqlDialect, SqlEngine, SqlSession } from '../sql/sql-session.js'
import { SqlDidStore, SqlKeyStore, SqlPrivateKeyStore } from '../sql/custody-stores.js'
import { GroupCommit } from './group-commit.js'
import { openDatabase, openReader } from './open-database.js'
import { preparedStatements, type Statements } from './statements.js'

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  readonly path: string
  readonly kek: KeyEncryptionKey
  readonly create: boolean
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Random index in [0, max) for status-list slots (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
}

/** SQLite's spellings (JSON1, instr). */
export const sqliteDialect: SqlDialect = {
  jsonElements: (json) => `(SELECT value FROM json_each(${json}))`,
  jsonField: (json, field) => `json_extract(${json}, '$.${field}')`,
  jsonIndex: (json, index) => `json_extract(${json}, '$[' || ${index} || ']')`,
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  ownedClosure: `WITH RECURSIVE owned(id) AS (
      SELECT ?
      UNION SELECT a.did FROM agents a JOIN owned o ON a.owner = o.id
      UNION SELECT p.id FROM principals p JOIN owned o ON p.did = o.id)
    SELECT id FROM owned`,
}

/** better-sqlite3 errors become ERR_STORE (or ERR_CONFLICT for a unique key), once, here. */
function storeError(error: unknown, what: string): Error {
  if (isAgentIdError(error)) return error
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return agentIdError('ERR_CONFLICT', `${what}: already exists`, { cause: error })
  return agentIdError('ERR_STORE', `${what} failed: ${(error as Error).message}`, { cause: error })
}

// better-sqlite3 is synchronous: each statement runs at once, its result handed back resolved.
function session(sql: Statements): SqlSession {
  return {
    get: <T>(text: string, params: readonly unknown[] = []) => Promise.resolve(sql(text).get(...params) as T | undefined),
    all: <T>(text: string, params: readonly unknown[] = []) => Promise.resolve(sql(text).all(...params) as T[]),
    run: (text: string, params: readonly unknown[] = []) => Promise.resolve(sql(text).run(...params).changes),
  }
}

/**
 * Two connections: writes go through one, in group commits (one fsync per group, nothing
 * answered before its group commits); reads through the other, so that a read never sees a write
 * that is not committed yet (a transaction stays open while it signs). The single writer is what
 * orders every write, the audit chain's included.
 */
class SqliteEngine implements SqlEngine {
  readonly backend = 'sqlite'
  readonly dialect = sqliteDialect
  readonly #db: Database.Database
  readonly #reader: Database.Database
  readonly #writes: GroupCommit
  readonly #w: SqlSession
  readonly #r: SqlSession

  constructor(db: Database.Database, reader: Database.Database) {
    this.#db = db
    this.#reader = reader
    this.#writes = new GroupCommit(db, (error) => storeError(error, 'commit'))
    this.#w = session(preparedStatements(db))
    this.#r = session(preparedStatements(reader))
  }

  // One write operation (it may await: signing) in its own savepoint of a group commit: all of it
  // is committed, with its audit entry, or none of it.
  write<T>(what: string, body: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      try {
        return await body(this.#w)
      } catch (error) {
        throw storeError(error, what)
      }
    })
  }

  async read<T>(what: string, body: (db: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await body(this.#r)
    } catch (error) {
      throw storeError(error, what)
    }
  }

  pendingWrites(): number {
    return this.#writes.waiting
  }

  async close(): Promise<void> {
    // Queued behind every pending write, so that in-flight work commits first.
    await this.#writes.run(() => undefined)
    this.#reader.close()
    this.#db.close()
  }
}

/**
 * The embedded SQLite backend (better-sqlite3, WAL, synchronous=FULL).
 * @throws AgentIdError ERR_STORE
 */
export function openSqliteStore(options: SqliteStoreOptions): IssuerStore {
  const db = openDatabase(options.path, { create: options.create })
  let reader: Database.Database
  try {
    reader = openReader(options.path)
  } catch (error) {
    db.close()
    throw error
  }
  // Veramo's stores write through the writer connection, as the issuer's own writes do.
  const custody = session(preparedStatements(db))
  const privateKeyStore = new SqlPrivateKeyStore(custody, options.kek)
  return new SqlIssuerStore({
    engine: new SqliteEngine(db, reader),
    custody: { keyStore: new SqlKeyStore(custody), privateKeyStore, didStore: new SqlDidStore(custody), useKek: (kek) => privateKeyStore.useKek(kek) },
    kek: options.kek,
    ...(options.now ? { now: options.now } : {}),
    ...(options.randomIndex ? { randomIndex: options.randomIndex } : {}),
  })
}
