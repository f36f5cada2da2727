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
import { WalSync, type SyncFile } from './wal-sync.js'

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  readonly path: string
  readonly kek: KeyEncryptionKey
  readonly create: boolean
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Random index in [0, max) for status-list slots (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
  /**
   * Makes the -wal file's written data durable (default `fdatasync` on the thread pool). Tests
   * pass one that they hold, to see that nothing is answered before it returns.
   */
  readonly syncWal?: SyncFile
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
 * For a read that has run: resolves when everything it may have seen is durable (undefined when
 * that is already so). Our own commits are numbered by `wal`; another process's (the CLI on the
 * same database beside a running service) show as a change of the writer's `PRAGMA data_version`,
 * which moves when any other connection commits: then this process syncs the -wal file too (a
 * sync of the file covers frames whoever wrote them).
 */
function readDurability(db: Database.Database, wal: WalSync): () => Promise<void> | undefined {
  const version = db.prepare('PRAGMA data_version').pluck()
  let seen = version.get()
  return () => {
    const now = version.get()
    if (now === seen) return wal.until()
    seen = now
    return wal.until(wal.committed())
  }
}

// Veramo's stores use the writer connection outside group commit. A statement that runs outside a
// transaction commits by itself: a write is answered once its commit is durable, a read once what
// it may have seen is. Inside a transaction (a group's, while it signs) neither waits: the group's
// answer waits for its own commit, which covers everything before it.
function custodySession(db: Database.Database, sql: Statements, wal: WalSync, readDurable: () => Promise<void> | undefined): SqlSession {
  const durable = async <T>(value: T, wrote: boolean): Promise<T> => {
    if (db.inTransaction) return value
    const pending = wrote ? wal.until(wal.committed()) : readDurable()
    if (pending) await pending
    return value
  }
  return {
    get: <T>(text: string, params: readonly unknown[] = []) => durable(sql(text).get(...params) as T | undefined, false),
    all: <T>(text: string, params: readonly unknown[] = []) => durable(sql(text).all(...params) as T[], false),
    run: (text: string, params: readonly unknown[] = []) => durable(sql(text).run(...params).changes, true),
  }
}

/**
 * Two connections: writes go through one, in group commits; reads through the other, so that a
 * read never sees a write that is not committed yet (a transaction stays open while it signs).
 * The single writer is what orders every write, the audit chain's included.
 *
 * Durability without blocking the event loop: COMMIT does not sync (WAL, synchronous=NORMAL);
 * after it, the -wal file is synced on the thread pool ({@link WalSync}) while the next group
 * works, and the group is answered when that sync is done. The reader connection sees a commit
 * as soon as COMMIT returns, before it is durable: so a read, once its body has run, waits for
 * every commit made until then to be durable before it answers (at once when none is pending).
 * Nothing is answered, by a write or by a read, before what it tells of is on disk.
 */
class SqliteEngine implements SqlEngine {
  readonly backend = 'sqlite'
  readonly dialect = sqliteDialect
  readonly #db: Database.Database
  readonly #reader: Database.Database
  readonly #wal: WalSync
  readonly #readDurable: () => Promise<void> | undefined
  readonly #writes: GroupCommit
  readonly #w: SqlSession
  readonly #r: SqlSession

  constructor(db: Database.Database, reader: Database.Database, wal: WalSync, readDurable: () => Promise<void> | undefined) {
    this.#db = db
    this.#reader = reader
    this.#wal = wal
    this.#readDurable = readDurable
    this.#writes = new GroupCommit(db, (error) => storeError(error, 'commit'), () => wal.until(wal.committed()))
    this.#w = session(preparedStatements(db))
    this.#r = session(preparedStatements(reader))
  }

  // One write operation (it may await: signing) in its own savepoint of a group commit: all of it
  // is committed, with its audit entry, or none of it.
  write<T>(what: string, body: (tx: SqlSession) => Promise<T>): Promise<T> {
    // After a failed sync what is on disk is unknown: write nothing more (reopen the store).
    const failure = this.#wal.failure
    if (failure) return Promise.reject(failure)
    return this.#writes.run(async () => {
      try {
        return await body(this.#w)
      } catch (error) {
        throw storeError(error, what)
      }
    })
  }

  async read<T>(what: string, body: (db: SqlSession) => Promise<T>): Promise<T> {
    let value: T
    try {
      value = await body(this.#r)
    } catch (error) {
      // A refusal (not found, a conflict) tells of the state too: it waits as an answer does.
      const pending = this.#readDurable()
      if (pending) await pending
      throw storeError(error, what)
    }
    // Its statements saw at most the commits made until now.
    const pending = this.#readDurable()
    if (pending) await pending
    return value
  }

  pendingWrites(): number {
    return this.#writes.waiting
  }

  async close(): Promise<void> {
    // Queued behind every pending write, so that in-flight work commits first.
    let failure: unknown
    try {
      await this.#writes.run(() => undefined)
    } catch (error) {
      failure = error
    }
    try {
      await this.#wal.close()
    } catch (error) {
      failure ??= error
    }
    this.#reader.close()
    this.#db.close()
    if (failure !== undefined) throw failure
  }
}

/**
 * The embedded SQLite backend (better-sqlite3, WAL; opened and migrated with synchronous=FULL,
 * then run with synchronous=NORMAL and the -wal file synced off the event loop before anything
 * is answered: see SqliteEngine).
 * @throws AgentIdError ERR_STORE
 */
export function openSqliteStore(options: SqliteStoreOptions): IssuerStore {
  const db = openDatabase(options.path, { create: options.create })
  let reader: Database.Database
  let wal: WalSync
  try {
    reader = openReader(options.path)
    try {
      // The -wal file exists while a connection has the database open in WAL mode.
      db.pragma('synchronous = NORMAL')
      if (db.pragma('synchronous', { simple: true }) !== 1) throw agentIdError('ERR_STORE', 'synchronous=NORMAL did not take')
      wal = new WalSync(`${options.path}-wal`, { ...(options.syncWal ? { syncFile: options.syncWal } : {}), toError: (error) => storeError(error, 'sync of the -wal file') })
    } catch (error) {
      reader.close()
      throw error
    }
  } catch (error) {
    db.close()
    throw error
  }
  // Veramo's stores write through the writer connection, as the issuer's own writes do.
  const readDurable = readDurability(db, wal)
  const custody = custodySession(db, preparedStatements(db), wal, readDurable)
  const privateKeyStore = new SqlPrivateKeyStore(custody, options.kek)
  return new SqlIssuerStore({
    engine: new SqliteEngine(db, reader, wal, readDurable),
    custody: { keyStore: new SqlKeyStore(custody), privateKeyStore, didStore: new SqlDidStore(custody), useKek: (kek) => privateKeyStore.useKek(kek) },
    kek: options.kek,
    ...(options.now ? { now: options.now } : {}),
    ...(options.randomIndex ? { randomIndex: options.randomIndex } : {}),
  })
}
