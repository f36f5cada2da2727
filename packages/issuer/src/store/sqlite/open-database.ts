import { closeSync, openSync } from 'node:fs'
import Database from 'better-sqlite3'
import { agentIdError } from '@agentid/core'
import { LATEST_SCHEMA, MIGRATIONS, schemaVersion } from './migrations.js'

type SqliteDatabase = Database.Database

/**
 * Opens (creating if asked) the issuer database with the settings durability needs, reads them
 * back, and applies pending migrations.
 * @throws AgentIdError ERR_STORE
 */
export function openDatabase(path: string, options: { create: boolean }): SqliteDatabase {
  let db: SqliteDatabase
  try {
    // The file holds sealed keys and token hashes: owner-only from the first byte. SQLite gives
    // the -wal and -shm files the database file's mode.
    if (options.create) closeSync(openSync(path, 'a', 0o600))
    db = new Database(path, { fileMustExist: !options.create })
  } catch (cause) {
    throw agentIdError('ERR_STORE', `cannot open database ${path}: ${(cause as Error).message}`, { cause })
  }
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // 32 MiB of page cache: the credential and audit indexes stay in memory.
    db.pragma('cache_size = -32768')
    // Read back: a PRAGMA that does not take (a read-only file system, an old SQLite) fails
    // silently, and we would run without the durability we promise.
    const mode = db.pragma('journal_mode', { simple: true })
    const sync = db.pragma('synchronous', { simple: true })
    const fk = db.pragma('foreign_keys', { simple: true })
    if (mode !== 'wal' || sync !== 2 || fk !== 1) {
      throw agentIdError('ERR_STORE', `database settings did not take (journal_mode=${String(mode)}, synchronous=${String(sync)}, foreign_keys=${String(fk)})`)
    }
    migrate(db)
    return db
  } catch (error) {
    db.close()
    throw error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_') ? error : agentIdError('ERR_STORE', `cannot prepare database: ${(error as Error).message}`, { cause: error })
  }
}

function migrate(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT')
  const current = schemaVersion(db)
  if (current > LATEST_SCHEMA) throw agentIdError('ERR_STORE', `database schema ${current} is newer than this agentid (${LATEST_SCHEMA}); upgrade agentid`)
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        db.exec(m.sql)
        const broken = db.pragma('foreign_key_check') as unknown[]
        if (broken.length > 0) throw agentIdError('ERR_STORE', `migration ${m.version} would break ${broken.length} references; nothing was changed`)
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
      }).immediate()
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON')
    }
  }
}

/**
 * A read-only connection to a database `openDatabase` prepared: in WAL mode it reads the last
 * committed state while the write connection works.
 * @throws AgentIdError ERR_STORE
 */
export function openReader(path: string): SqliteDatabase {
  try {
    const reader = new Database(path, { readonly: true, fileMustExist: true })
    reader.pragma('busy_timeout = 5000')
    return reader
  } catch (cause) {
    throw agentIdError('ERR_STORE', `cannot open database ${path} for reading: ${(cause as Error).message}`, { cause })
  }
}
