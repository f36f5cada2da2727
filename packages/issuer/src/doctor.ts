import { stat } from 'node:fs/promises'
import Database from 'better-sqlite3'
import { kekFromEnv, type IssuerHome } from './home.js'
import { Issuer } from './issuer.js'
import { databaseTarget } from './usecases/database.js'
import { LATEST_SCHEMA, schemaVersion } from './store/sqlite/migrations.js'

/** One thing `agentid doctor` looked at. */
export interface DoctorFinding {
  readonly check: string
  readonly ok: boolean
  readonly detail: string
  /** How to fix it, when not ok. */
  readonly fix?: string
}

async function mode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777
  } catch {
    return undefined
  }
}

/**
 * Checks an issuer installation and says how to fix each problem: file modes (home 0700; the
 * database, the key-encryption key and the admin token 0600), the key-encryption key present and
 * opening the issuer key, SQLite's journal mode and integrity, the schema version, the audit log,
 * and the clock (not behind the newest audit entry). synchronous and foreign_keys are
 * per-connection: the issuer sets and reads them back at every start, and refuses to run without.
 * On PostgreSQL (`database`, or AGENTID_DATABASE), the database checks are that it answers and
 * its schema is one this agentid knows (opening the issuer checks both); PostgreSQL checks its
 * own integrity.
 */
export async function runDoctor(home: IssuerHome, env: NodeJS.ProcessEnv, now: () => number = Date.now, database?: string): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = []
  const add = (check: string, ok: boolean, detail: string, fix?: string) => findings.push({ check, ok, detail, ...(ok || fix === undefined ? {} : { fix }) })
  const target = databaseTarget(home, database, env)
  const homeMode = await mode(home.dir)
  if (homeMode === undefined) {
    add('home', false, `${home.dir} does not exist`, 'run "agentid init" (or set AGENTID_HOME to the issuer\'s folder)')
    return findings
  }
  add('home permissions', (homeMode & 0o077) === 0, `${home.dir} is ${homeMode.toString(8)}`, `chmod 700 ${home.dir}`)
  if (target.kind === 'sqlite') {
    const dbMode = await mode(home.database)
    if (dbMode === undefined) {
      add('database', false, `${home.database} does not exist`, 'run "agentid init"')
      return findings
    }
    add('database permissions', (dbMode & 0o077) === 0, `${home.database} is ${dbMode.toString(8)}`, `chmod 600 ${home.database}`)
  }
  const fromEnv = kekFromEnv(env)
  const kekMode = await mode(home.kekFile)
  if (fromEnv) add('key-encryption key', true, 'from AGENTID_KEK')
  else if (kekMode === undefined) add('key-encryption key', false, `neither AGENTID_KEK nor ${home.kekFile}`, 'set AGENTID_KEK to the key the database was created with, or restore the kek file')
  else add('key-encryption key permissions', (kekMode & 0o077) === 0, `${home.kekFile} is ${kekMode.toString(8)}`, `chmod 600 ${home.kekFile}`)
  if (!fromEnv && kekMode !== undefined) add('key-encryption key location', true, `${home.kekFile} is beside the database: a backup of this folder holds both; prefer AGENTID_KEK from a secret manager in production`)
  const tokenMode = await mode(home.adminTokenFile)
  if (tokenMode !== undefined) add('admin token permissions', (tokenMode & 0o077) === 0, `${home.adminTokenFile} is ${tokenMode.toString(8)}`, `chmod 600 ${home.adminTokenFile}`)

  let newestAudit: number | undefined
  if (target.kind === 'sqlite') {
    const db = new Database(home.database, { readonly: true, fileMustExist: true })
    try {
      const journal = db.pragma('journal_mode', { simple: true })
      add('journal mode', journal === 'wal', `journal_mode=${String(journal)}`, 'open the issuer once with this agentid (it sets WAL at start)')
      const integrity = db.pragma('integrity_check', { simple: true })
      add('integrity', integrity === 'ok', `integrity_check: ${String(integrity)}`, 'restore the latest good backup ("agentid restore <file>")')
      const schema = schemaVersion(db)
      add('schema', schema <= LATEST_SCHEMA, `schema ${schema}, this agentid knows up to ${LATEST_SCHEMA}${schema < LATEST_SCHEMA ? ' (migrated at the next start)' : ''}`, 'upgrade agentid')
      newestAudit = (db.prepare('SELECT COALESCE(MAX(at), 0) AS at FROM audit_log').get() as { at: number }).at
    } finally {
      db.close()
    }
  }

  let issuer: Issuer | undefined
  try {
    issuer = await Issuer.open({ home: home.dir, env, ...(database !== undefined ? { database } : {}) })
    if (target.kind === 'postgres') add('database', true, `${target.display} answers; its schema is one this agentid knows`)
    add('issuer key', true, `${issuer.did} opens with the key-encryption key`)
    add('public URL', true, `${issuer.publicUrl}: every credential names ${issuer.publicUrl}/status/<list> for its status; "agentid serve" refuses to start where it does not reach the service (unless --public-url-mismatch-ok), "agentid serve --public-url" changes it`)
    const audit = await issuer.verifyAudit()
    add('audit log', audit.ok, audit.ok ? `${audit.entries} entries, ${audit.checkpoints} checkpoints hold` : `broken at entry ${audit.seq}: ${audit.reason}`, 'investigate: someone changed the database; compare with your backups and published checkpoints')
    newestAudit ??= (await issuer.searchAudit({}, 1)).entries[0]?.at ?? 0
  } catch (error) {
    const code = (error as { code?: string }).code
    if (target.kind === 'postgres' && code !== 'ERR_KEK_MISMATCH') add('database', false, `${target.display}: ${code ?? 'error'}: ${(error as Error).message}`, code === 'ERR_NOT_FOUND' ? 'run "agentid init --database <url>", or "agentid migrate --to <url>" to move the SQLite issuer there' : 'check that PostgreSQL runs, the URL and the schema, and the database user\'s rights (docs/operations.md)')
    else add('issuer key', false, `${code ?? 'error'}: ${(error as Error).message}`, 'set AGENTID_KEK (or the kek file) to the key this database was created with')
  } finally {
    await issuer?.close()
  }
  if (newestAudit !== undefined) {
    const clock = now()
    add('clock', clock >= newestAudit - 60_000, `now ${new Date(clock).toISOString()}, newest audit entry ${new Date(newestAudit).toISOString()}`, 'the system clock is behind what the issuer already recorded: fix NTP before issuing (expiry and nbf depend on it)')
  }
  return findings
}
