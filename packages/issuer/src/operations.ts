import { constants } from 'node:fs'
import { chmod, copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { agentIdError, isAgentIdError } from '@agentid/core'
import { issuerHome, loadKek, pathExists, type IssuerHome } from './home.js'
import { Issuer } from './issuer.js'
import { LATEST_SCHEMA, schemaVersion } from './store/sqlite/migrations.js'

/** Progress of a backup, after each step of SQLite's backup: return how many pages to copy next. */
export type BackupProgress = (progress: { totalPages: number; remainingPages: number }) => number

/**
 * A consistent copy of the issuer's database while it runs (SQLite's online backup API), written
 * to a new file that is owner-only (0600) from the moment it exists: it is created exclusively
 * with that mode before SQLite writes into it, so there is no window where others can read it,
 * and a link planted at its path is refused rather than followed. It holds sealed keys and token
 * hashes, not the key-encryption key: keep the two apart.
 * @throws AgentIdError ERR_CONFLICT (something exists at the path, a link included), ERR_NOT_FOUND (no issuer), ERR_STORE
 */
export async function backupIssuer(home: IssuerHome, file: string, options: { progress?: BackupProgress } = {}): Promise<{ file: string; bytes: number }> {
  if (!(await pathExists(home.database))) throw agentIdError('ERR_NOT_FOUND', `no issuer in ${home.dir}`)
  try {
    // O_EXCL: fails on anything at the path, a dangling symbolic link included; O_NOFOLLOW too.
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    try {
      // The umask may have taken bits away, never added any; made exact all the same.
      await handle.chmod(0o600)
    } finally {
      await handle.close()
    }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST' || (cause as NodeJS.ErrnoException).code === 'ELOOP') throw agentIdError('ERR_CONFLICT', `${file} already exists; choose another file`, { cause })
    throw agentIdError('ERR_STORE', `cannot create ${file}: ${(cause as Error).message}`, { cause })
  }
  const db = new Database(home.database, { readonly: true, fileMustExist: true })
  try {
    // SQLite writes into the empty file made above (and gives its journal the same mode).
    await (options.progress ? db.backup(file, { progress: options.progress }) : db.backup(file))
  } catch (cause) {
    await rm(file, { force: true })
    throw agentIdError('ERR_STORE', `backup failed: ${(cause as Error).message}`, { cause })
  } finally {
    db.close()
  }
  return { file, bytes: (await stat(file)).size }
}

/** What a backup holds, once checked. */
export interface BackupCheck {
  readonly issuerDid: string
  readonly auditEntries: number
  readonly checkpoints: number
  readonly schema: number
}

/**
 * Checks a backup file without touching the issuer: SQLite's integrity check, a schema this
 * version knows, the issuer key opening with the key-encryption key in use, and the audit log's
 * chain and signed checkpoints.
 * @throws AgentIdError ERR_STORE with the reason it is refused
 */
export async function checkBackup(file: string, env: NodeJS.ProcessEnv, kekHome: IssuerHome): Promise<BackupCheck> {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  let schema: number
  try {
    const integrity = db.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') throw agentIdError('ERR_STORE', `backup fails SQLite's integrity check: ${String(integrity)}`)
    schema = schemaVersion(db)
  } catch (error) {
    throw isAgentIdError(error) ? error : agentIdError('ERR_STORE', `backup is not an agentid database: ${(error as Error).message}`, { cause: error })
  } finally {
    db.close()
  }
  if (schema > LATEST_SCHEMA) throw agentIdError('ERR_STORE', `backup has schema ${schema}, newer than this agentid`)
  // Open a scratch copy as an issuer (migrations may run on it, never on the backup itself).
  const scratch = join(dirname(file), `.agentid-restore-check-${process.pid}-${Date.now()}`)
  await mkdir(scratch, { mode: 0o700 })
  try {
    await copyFile(file, join(scratch, 'issuer.db'))
    // The key-encryption key in use for this home (variable or file), handed to the scratch copy.
    const kek = (await loadKek(kekHome, env)).toString('base64url')
    const issuer = await Issuer.open({ home: scratch, env: { AGENTID_KEK: kek } }).catch((error: unknown) => {
      throw agentIdError(isAgentIdError(error) && error.code === 'ERR_KEK_MISMATCH' ? 'ERR_KEK_MISMATCH' : 'ERR_STORE', `backup does not open with this key-encryption key: ${(error as Error).message}`, { cause: error })
    })
    try {
      const audit = await issuer.verifyAudit()
      if (!audit.ok) throw agentIdError('ERR_AUDIT_BROKEN', `backup's audit log is broken at entry ${audit.seq}: ${audit.reason}`)
      return { issuerDid: issuer.did, auditEntries: audit.entries, checkpoints: audit.checkpoints, schema }
    } finally {
      await issuer.close()
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * Restores a backup into a home, after {@link checkBackup}: the current database is moved aside
 * (`issuer.db.before-restore-<time>`), never deleted. Stop the service first.
 * @throws AgentIdError ERR_STORE (the backup is refused), ERR_CONFLICT (the database is in use)
 */
export async function restoreIssuer(file: string, options: { home?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BackupCheck & { previous?: string }> {
  const env = options.env ?? process.env
  const home = issuerHome(options.home, env)
  const checked = await checkBackup(file, env, home)
  let previous: string | undefined
  if (await pathExists(home.database)) {
    // In WAL mode an exclusive lock is refused while any other process has the database open (a
    // running service always does): then nothing is moved.
    const db = new Database(home.database, { fileMustExist: true, timeout: 200 })
    try {
      db.pragma('locking_mode = EXCLUSIVE')
      db.exec('BEGIN EXCLUSIVE')
      db.exec('COMMIT')
      db.pragma('wal_checkpoint(TRUNCATE)')
    } catch (cause) {
      throw agentIdError('ERR_CONFLICT', `${home.database} is in use; stop the service first`, { cause })
    } finally {
      db.close()
    }
    previous = `${home.database}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
    await rename(home.database, previous)
    await rm(`${home.database}-wal`, { force: true })
    await rm(`${home.database}-shm`, { force: true })
  }
  const staging = `${home.database}.restoring`
  await copyFile(file, staging)
  await chmod(staging, 0o600)
  await rename(staging, home.database)
  return { ...checked, ...(previous ? { previous } : {}) }
}

