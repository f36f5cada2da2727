import Database from 'better-sqlite3'
import { agentIdError, isAgentIdError } from '@agentid/core'
import { issuerHome, loadKek, pathExists } from './home.js'
import { Issuer } from './issuer.js'
import { databaseTarget, openStoreAt } from './usecases/database.js'

/** How far a migration is: the table being copied and its rows copied so far. */
export type MigrationProgress = (progress: { table: string; rows: number; total: number }) => void

/** What a migration moved, once verified. */
export interface MigrationReport {
  readonly issuerDid: string
  readonly to: string
  readonly tables: ReadonlyArray<{ readonly table: string; readonly rows: number }>
  readonly auditEntries: number
  readonly checkpoints: number
}

const BATCH = 500
// SQLite's own bookkeeping, and the schema versions (the target has its own migrations).
const SKIPPED = new Set(['schema_migrations', 'sqlite_sequence', 'sqlite_stat1'])

/**
 * Moves an issuer from its SQLite home to a PostgreSQL database, in one transaction: the target
 * schema is created by the PostgreSQL backend's own migrations, must hold no issuer yet, and
 * receives every row of every table as it is (sealed keys stay sealed under the same
 * key-encryption key, audit entries keep their sequence numbers and hashes). Then it is opened
 * as an issuer and checked: the same rows in every table, the issuer key opening with the
 * key-encryption key, and the audit log's chain and signed checkpoints verifying. The SQLite
 * database is only read (stop the service first: what it writes during the copy is not moved).
 * @throws AgentIdError ERR_NOT_FOUND (no issuer in the home), ERR_CONFLICT (the target holds an issuer), ERR_STORE
 */
export async function migrateToPostgres(options: { home?: string; to: string; env?: NodeJS.ProcessEnv; progress?: MigrationProgress }): Promise<MigrationReport> {
  const env = options.env ?? process.env
  const home = issuerHome(options.home, env)
  if (!(await pathExists(home.database))) throw agentIdError('ERR_NOT_FOUND', `no issuer in ${home.dir}`)
  const target = databaseTarget(home, options.to, {})
  if (target.kind !== 'postgres') throw agentIdError('ERR_USAGE', '--to must be a postgres:// URL')
  const kek = await loadKek(home, env)
  // The target's tables, made by the PostgreSQL backend's migrations.
  const opened = await openStoreAt(target, { kek, create: true })
  try {
    if ((await opened.store.getSetting('issuerDid')) !== undefined) throw agentIdError('ERR_CONFLICT', `${target.display} already holds an issuer; migrate into an empty schema`)
  } finally {
    await opened.store.close()
    await opened.cluster.close()
  }

  const source = new Database(home.database, { readonly: true, fileMustExist: true })
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: target.url, options: `-c search_path=${pg.escapeIdentifier(target.schema)}` })
  const copied: Array<{ table: string; rows: number }> = []
  try {
    await client.connect()
    const tables = await copyOrder(source, client)
    await client.query('BEGIN')
    try {
      // The one cycle (a request names its credential, the credential its request) is deferrable:
      // checked at commit.
      await client.query('SET CONSTRAINTS ALL DEFERRED')
      // What the target's migrations seeded (a first suspension list) comes from the source instead.
      for (const table of [...tables].reverse()) await client.query(`DELETE FROM "${table}"`)
      for (const table of tables) copied.push({ table, rows: await copyTable(source, client, table, options.progress) })
      await resetSequences(client, tables)
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  } catch (error) {
    throw isAgentIdError(error) ? error : agentIdError('ERR_STORE', `migration failed, nothing was kept in ${target.display}: ${(error as Error).message}`, { cause: error })
  } finally {
    source.close()
    await client.end().catch(() => undefined)
  }

  // Checked as an issuer: the key opens, the audit log verifies, every table holds what was copied.
  const issuer = await Issuer.open({ home: home.dir, database: options.to, env })
  try {
    const audit = await issuer.verifyAudit()
    if (!audit.ok) throw agentIdError('ERR_AUDIT_BROKEN', `the migrated audit log is broken at entry ${audit.seq}: ${audit.reason}`)
    const check = new pg.Client({ connectionString: target.url })
    await check.connect()
    try {
      for (const { table, rows } of copied) {
        const { rows: [counted] } = await check.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(target.schema)}.${pg.escapeIdentifier(table)}`)
        if (Number(counted!.n) !== rows) throw agentIdError('ERR_STORE', `${table}: ${rows} rows copied, ${counted!.n} found`)
      }
    } finally {
      await check.end()
    }
    return { issuerDid: issuer.did, to: target.display, tables: copied, auditEntries: audit.entries, checkpoints: audit.checkpoints }
  } finally {
    await issuer.close()
  }
}

interface PgClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>
}

// The SQLite tables with rows to move, each present in the target (a table the target lacks is
// refused), in an order that inserts what a row refers to before the row.
async function copyOrder(source: Database.Database, client: PgClient): Promise<string[]> {
  const tables = (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name).filter((t) => !SKIPPED.has(t))
  const { rows } = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()')
  const present = new Set(rows.map((r) => r.table_name))
  const missing = tables.filter((t) => !present.has(t) && (source.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n > 0)
  if (missing.length > 0) throw agentIdError('ERR_STORE', `the PostgreSQL schema has no table for ${missing.join(', ')}: is this agentid older than the database?`)
  // Tables that others refer to first (status lists before credentials, requests before their
  // approvals); rows of one table in their own order, so that a row that refers to an earlier row
  // of its table (a renewal to what it renews) comes after it.
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint
     WHERE contype = 'f' AND NOT condeferrable AND connamespace = current_schema()::regnamespace AND conrelid <> confrelid`)
  const ordered: string[] = []
  const visit = (table: string, path: readonly string[]) => {
    if (ordered.includes(table)) return
    if (path.includes(table)) throw agentIdError('ERR_STORE', `tables refer to each other in a cycle: ${[...path, table].join(' -> ')}`)
    for (const { parent } of references.filter((r) => r.child === table)) if (present.has(parent)) visit(parent, [...path, table])
    ordered.push(table)
  }
  for (const table of tables.filter((t) => present.has(t))) visit(table, [])
  return ordered.filter((t) => tables.includes(t))
}

async function copyTable(source: Database.Database, client: PgClient, table: string, progress: MigrationProgress | undefined): Promise<number> {
  const sourceColumns = (source.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((c) => c.name)
  const { rows: targetRows } = await client.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table])
  const types = new Map(targetRows.map((r) => [r.column_name, r.data_type]))
  const lost = sourceColumns.filter((c) => !types.has(c))
  if (lost.length > 0) throw agentIdError('ERR_STORE', `${table}: the PostgreSQL schema has no column ${lost.join(', ')}`)
  const total = (source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
  const quoted = sourceColumns.map((c) => `"${c}"`).join(', ')
  let copied = 0
  let batch: unknown[][] = []
  const flush = async () => {
    if (batch.length === 0) return
    const values: unknown[] = []
    const tuples = batch.map((row) => `(${row.map((value) => { values.push(value); return `$${values.length}` }).join(', ')})`)
    await client.query(`INSERT INTO "${table}" (${quoted}) VALUES ${tuples.join(', ')}`, values)
    copied += batch.length
    batch = []
    progress?.({ table, rows: copied, total })
  }
  // In rowid order: audit entries and status lists keep their order.
  for (const row of source.prepare(`SELECT ${quoted} FROM "${table}" ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>) {
    batch.push(row.map((value, i) => convert(value, types.get(sourceColumns[i]!)!)))
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  return copied
}

// SQLite keeps booleans as 0/1 and bytes as Buffers; PostgreSQL takes them as its own types.
function convert(value: unknown, type: string): unknown {
  if (value === null) return null
  if (type === 'boolean') return value === 1 || value === true
  if (typeof value === 'bigint') return value.toString()
  return value
}

// Serial columns continue after the highest value copied (the next audit entry, the next alert).
async function resetSequences(client: PgClient, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await client.query<{ column_name: string; seq: string | null }>(
      `SELECT column_name, pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident($1), column_name) AS seq
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, [table])
    for (const { column_name, seq } of rows) {
      if (seq === null) continue
      await client.query(`SELECT setval($1, GREATEST((SELECT COALESCE(MAX("${column_name}"), 0) FROM "${table}"), 1), (SELECT COUNT(*) > 0 FROM "${table}"))`, [seq])
    }
  }
}
