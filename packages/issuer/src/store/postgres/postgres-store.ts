import type { CustomTypesConfig, Pool, PoolClient, PoolConfig } from 'pg'
import { agentIdError, isAgentIdError } from '@agentid/core'
import type { KeyEncryptionKey } from '../../keys/key-encryption.js'
import type { IssuerStore } from '../issuer-store.js'
import { SqlIssuerStore } from '../sql/sql-issuer-store.js'
import type { SqlDialect, SqlEngine, SqlSession } from '../sql/sql-session.js'
import { SqlDidStore, SqlKeyStore, SqlPrivateKeyStore } from '../sql/custody-stores.js'
import { POSTGRES_LATEST_SCHEMA, POSTGRES_MIGRATIONS } from './migrations.js'

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** A connection string, `postgres://user@host:port/database`. */
  readonly url: string
  readonly kek: KeyEncryptionKey
  /** Create the schema and its tables when they do not exist (else: ERR_NOT_FOUND, as for a home without an issuer). */
  readonly create: boolean
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Random index in [0, max) for status-list slots (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
  /** The PostgreSQL schema the issuer's tables live in (default `public`). */
  readonly schema?: string
  /** Connections in each of the two pools, writes and reads (default 8). */
  readonly poolSize?: number
}

/** How many times a write runs when PostgreSQL refuses it for a race it can win on a second try. */
export const WRITE_ATTEMPTS = 8

// Advisory lock classes (the first key of pg_advisory_xact_lock(int, int)); the second key is
// the schema's hash, so that issuers in other schemas of one database do not wait for each other.
const WRITER_LOCK = 0x61676901
const MIGRATION_LOCK = 0x61676902

/** PostgreSQL's spellings (jsonb, strpos, LATERAL). */
export const postgresDialect: SqlDialect = {
  jsonElements: (json) => `(SELECT jsonb_array_elements_text(CAST(${json} AS jsonb)))`,
  jsonField: (json, field) => `(CAST(${json} AS jsonb) ->> '${field}')`,
  jsonIndex: (json, index) => `(CAST(${json} AS jsonb) ->> CAST(${index} AS integer))`,
  contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
  // PostgreSQL allows one reference to the recursive table: both kinds of edge in one LATERAL.
  ownedClosure: `WITH RECURSIVE owned(id) AS (
      SELECT CAST(? AS TEXT)
      UNION SELECT x.id FROM owned o CROSS JOIN LATERAL (
        SELECT a.did AS id FROM agents a WHERE a.owner = o.id
        UNION ALL SELECT p.id FROM principals p WHERE p.did = o.id) x)
    SELECT id FROM owned`,
}

interface PgError { code?: string; constraint?: string; message?: string }

// A race PostgreSQL lost for us: a serialization failure, a deadlock, or two replicas picking one
// status index (the unique keys stand behind the pick). The whole transaction runs again.
function retryable(error: unknown): boolean {
  const e = error as PgError
  if (e.code === '40001' || e.code === '40P01') return true
  return e.code === '23505' && (e.constraint === 'credentials_revocation_slot' || e.constraint === 'credentials_suspension_slot')
}

/** pg errors become ERR_STORE (or ERR_CONFLICT for a unique key), once, here: as on SQLite. */
function storeError(error: unknown, what: string): Error {
  if (isAgentIdError(error)) return error
  if ((error as PgError).code === '23505') return agentIdError('ERR_CONFLICT', `${what}: already exists`, { cause: error })
  return agentIdError('ERR_STORE', `${what} failed: ${(error as Error).message}`, { cause: error })
}

// The project writes `?`; PostgreSQL numbers its parameters. Converted once per statement text,
// which also names it: pg prepares a named statement once per connection.
const converted = new Map<string, { text: string; name: string }>()
function statement(sql: string): { text: string; name: string } {
  let s = converted.get(sql)
  if (!s) {
    let n = 0
    let quoted = false
    let text = ''
    for (const c of sql) {
      if (c === "'") quoted = !quoted
      text += c === '?' && !quoted ? `$${++n}` : c
    }
    s = { text, name: `agentid_${converted.size}` }
    converted.set(sql, s)
  }
  return s
}

type Queryable = Pick<PoolClient, 'query'>

function session(db: Queryable): SqlSession {
  const query = async (sql: string, params: readonly unknown[]) => {
    const { text, name } = statement(sql)
    return db.query({ text, name, values: params as unknown[] })
  }
  return {
    get: async <T>(sql: string, params: readonly unknown[] = []) => (await query(sql, params)).rows[0] as T | undefined,
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await query(sql, params)).rows as T[],
    run: async (sql: string, params: readonly unknown[] = []) => (await query(sql, params)).rowCount ?? 0,
  }
}

/** Most writes one transaction carries: bounds how long an early caller waits for its group. */
const MAX_GROUP = 64

interface QueuedWrite {
  readonly what: string
  readonly body: (tx: SqlSession) => Promise<unknown>
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * Transactions on a pool, for several replicas on one database. Every write transaction takes the
 * schema's writer lock (a transaction-scoped advisory lock) before its first statement, so writes
 * from every replica run one after another, each seeing all committed before it: what the SQLite
 * backend's single writer gives, and what the rules in store/sql rely on (approvals, duty groups,
 * slot choice, offer redemption, renewals, the audit chain's one head). The unique keys stand
 * behind it. Reads run on a second pool and never wait for the lock: signing inside a write reads
 * the custody stores from there.
 *
 * Group commit, as on SQLite: the writes that queued at this replica while its previous
 * transaction ran share the next one (one lock, one commit, one WAL flush), each in a savepoint
 * of its own, so that one that fails is rolled back alone. None is answered before the group
 * commits; a failed commit fails them all. Without it, every write would hold the lock across its
 * own flush, and the whole issuer would write no faster than one flush at a time.
 */
class PostgresEngine implements SqlEngine {
  readonly backend = 'postgres'
  readonly dialect = postgresDialect
  readonly #writer: Pool
  readonly #reader: Pool
  readonly #schemaKey: number
  readonly #queue: QueuedWrite[] = []
  #draining: Promise<void> | undefined

  constructor(writer: Pool, reader: Pool, schemaKey: number) {
    this.#writer = writer
    this.#reader = reader
    this.#schemaKey = schemaKey
  }

  write<T>(what: string, body: (tx: SqlSession) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ what, body, resolve: resolve as (value: unknown) => void, reject })
      this.#draining ??= this.#drain()
    })
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // Let the requests already received reach the queue first (as GroupCommit does on SQLite).
        await new Promise((resolve) => setImmediate(resolve))
        await this.#group(this.#queue.splice(0, MAX_GROUP))
      }
    } finally {
      // Cleared in the same step that finds the queue empty: a write queued after it starts a
      // new drain (cleared later, in a callback, a write queued in between would wait forever).
      this.#draining = undefined
    }
  }

  async #group(group: readonly QueuedWrite[]): Promise<void> {
    let client: PoolClient
    try {
      client = await this.#writer.connect()
    } catch (error) {
      for (const op of group) op.reject(storeError(error, op.what))
      return
    }
    let broken = false
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [WRITER_LOCK, this.#schemaKey])
      for (const op of group) outcomes.push(await this.#inSavepoint(client, op))
      // Answered only once COMMIT returned: a commit that fails (or whose answer is lost) is an
      // error to every caller of the group, never a result.
      await client.query('COMMIT')
    } catch (error) {
      broken = !(await rolledBack(client))
      for (const op of group) op.reject(storeError(error, op.what))
      return
    } finally {
      client.release(broken)
    }
    group.forEach((op, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) op.resolve(outcome.value)
      else op.reject(storeError(outcome.error, op.what))
    })
  }

  // One write in its savepoint: rolled back alone when it throws; run again (from scratch: its
  // callbacks too) after a serialization failure, a deadlock or a lost slot race.
  async #inSavepoint(client: PoolClient, op: QueuedWrite): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    for (let attempt = 1; ; attempt++) {
      await client.query('SAVEPOINT agentid_write')
      try {
        const value = await op.body(session(client))
        await client.query('RELEASE SAVEPOINT agentid_write')
        return { ok: true, value }
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT agentid_write')
        await client.query('RELEASE SAVEPOINT agentid_write')
        if (!(retryable(error) && attempt < WRITE_ATTEMPTS)) return { ok: false, error }
      }
    }
  }

  async read<T>(what: string, body: (db: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await body(session(this.#reader))
    } catch (error) {
      throw storeError(error, what)
    }
  }

  /** A session on the read pool, outside any transaction (Veramo's custody stores). */
  get autocommit(): SqlSession {
    return session(this.#reader)
  }

  pendingWrites(): number {
    return this.#queue.length
  }

  async close(): Promise<void> {
    // Queued and in-flight writes commit (or fail) first.
    while (this.#draining) await this.#draining
    await Promise.all([this.#writer.end(), this.#reader.end()])
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** The schema version a PostgreSQL schema has reached (0 for none). */
async function schemaVersion(client: Queryable): Promise<number> {
  return (await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0]!.v
}

// Creates the schema if asked and applies pending migrations, all in one transaction under the
// migration lock: replicas starting together apply each migration once, and the others find it done.
async function migrate(pool: Pool, schema: string, schemaKey: number, create: boolean): Promise<void> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK, schemaKey])
    const found = await client.query('SELECT to_regclass($1) AS t', [`${quoteIdent(schema)}.schema_migrations`])
    if (found.rows[0]?.t === null) {
      if (!create) throw agentIdError('ERR_NOT_FOUND', `no issuer in schema "${schema}" (no schema_migrations table); run agentid init`)
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)')
    }
    const current = await schemaVersion(client)
    if (current > POSTGRES_LATEST_SCHEMA) throw agentIdError('ERR_STORE', `database schema ${current} is newer than this agentid (${POSTGRES_LATEST_SCHEMA}); upgrade agentid`)
    for (const m of POSTGRES_MIGRATIONS) {
      if (m.version <= current) continue
      await client.query(m.sql)
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()])
    }
    await client.query('COMMIT')
  } catch (error) {
    broken = !(await rolledBack(client))
    throw error
  } finally {
    client.release(broken)
  }
}

// Rolls back the connection's transaction; false when even that failed (the connection is then
// released as broken, not handed out again).
async function rolledBack(client: PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK')
    return true
  } catch {
    return false
  }
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * The PostgreSQL backend, for issuers that run as several replicas on one database (`pg` pools,
 * parameterised statements, numbered migrations). Key custody as on SQLite: private keys sealed
 * under the key-encryption key, never in clear.
 * @throws AgentIdError ERR_INPUT_INVALID (schema name), ERR_NOT_FOUND (no issuer there and `create` false), ERR_STORE (cannot connect, a newer schema)
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<IssuerStore> {
  const schema = options.schema ?? 'public'
  if (!SCHEMA_NAME.test(schema)) throw agentIdError('ERR_INPUT_INVALID', '"schema" must be a plain SQL identifier (letters, digits, underscores)')
  // Loaded here, not with the package: an issuer on SQLite never loads the driver.
  const { default: pg } = await import('pg')
  const int8 = (value: string) => {
    const n = Number(value)
    if (!Number.isSafeInteger(n)) throw agentIdError('ERR_STORE', `integer ${value} is beyond 2^53`)
    return n
  }
  const config: PoolConfig = {
    connectionString: options.url,
    // Every connection works in the issuer's schema only.
    options: `-c search_path=${quoteIdent(schema)}`,
    // Milliseconds and counts are BIGINT: numbers here, as on SQLite.
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.INT8 ? int8 : pg.types.getTypeParser(oid, format ?? 'text')) } as CustomTypesConfig,
  }
  const writer = new pg.Pool({ ...config, max: options.poolSize ?? 8 })
  const reader = new pg.Pool({ ...config, max: options.poolSize ?? 8 })
  // An idle connection the server drops is replaced on the next checkout; libraries never print.
  writer.on('error', () => undefined)
  reader.on('error', () => undefined)
  try {
    const schemaKey = (await reader.query<{ k: number }>('SELECT hashtext($1) AS k', [schema])).rows[0]!.k
    await migrate(writer, schema, schemaKey, options.create)
    const engine = new PostgresEngine(writer, reader, schemaKey)
    const privateKeyStore = new SqlPrivateKeyStore(engine.autocommit, options.kek)
    return new SqlIssuerStore({
      engine,
      custody: { keyStore: new SqlKeyStore(engine.autocommit), privateKeyStore, didStore: new SqlDidStore(engine.autocommit), useKek: (kek) => privateKeyStore.useKek(kek) },
      kek: options.kek,
      ...(options.now ? { now: options.now } : {}),
      ...(options.randomIndex ? { randomIndex: options.randomIndex } : {}),
    })
  } catch (error) {
    await Promise.allSettled([writer.end(), reader.end()])
    throw isAgentIdError(error) ? error : agentIdError('ERR_STORE', `cannot open PostgreSQL store: ${(error as Error).message}`, { cause: error })
  }
}
