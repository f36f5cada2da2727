import { createHash, randomUUID } from 'node:crypto'
import type { Client } from 'pg'
import { agentIdError } from '@agentid/core'
import type { ClusterBus, ClusterTopic, SharedSessionRow } from './cluster-bus.js'

/** Options of {@link openPostgresBus}. */
export interface PostgresBusOptions {
  /** A `postgres://` connection string. */
  readonly url: string
  /** The schema the issuer's tables live in: replicas of one issuer share it, other issuers on the server do not hear them. */
  readonly schema: string
  /** Where a lost connection is reported (it is opened again at the next use). */
  readonly log?: (line: string) => void
}

const TOPICS: readonly ClusterTopic[] = ['status']
/** Used keys deleted once they expired, at most every this many reservations. */
const PURGE_EVERY = 1000

// A 32-bit key for advisory locks: PostgreSQL's two-int form keeps duties of different issuers
// (schemas) on one server apart.
function lockKey(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0)
}

/**
 * The replicas' bus on PostgreSQL (see {@link ClusterBus}).
 *
 * - Announcements: NOTIFY on a channel named for the schema, heard on a connection of its own
 *   that LISTENs (opened again after it breaks; meanwhile the service's periodic re-check of
 *   the status lists still finds every change, only later).
 * - Duties: session advisory locks held on one connection of its own. PostgreSQL releases them
 *   when that connection ends, a replica killed with -9 included, and the next replica to ask
 *   takes the duty. When the connection breaks, this replica forgets every duty it held.
 * - Single-use keys: a table `replay_keys` (key hash, expiry) in the schema; a key is reserved by
 *   an insert that succeeds, or overwrites an expired row, in one statement.
 * - Console sessions: a table `console_sessions` (id hash, principal, sealed secrets, expiry).
 */
export async function openPostgresBus(options: PostgresBusOptions): Promise<ClusterBus> {
  // Loaded here, not with the package: an issuer on SQLite never loads the driver.
  const { default: pg } = await import('pg')
  const log = options.log ?? (() => undefined)
  const schema = pg.escapeIdentifier(options.schema)
  const channel = `agentid_${createHash('sha256').update(options.schema).digest('hex').slice(0, 24)}`
  const replica = randomUUID()
  const schemaKey = lockKey(`agentid schema ${options.schema}`)
  const pool = new pg.Pool({ connectionString: options.url, max: 2 })
  pool.on('error', (error) => log(`agentid: cluster bus: ${error.message}`))
  const failed = (what: string) => (cause: unknown) => {
    throw agentIdError('ERR_STORE', `cluster bus: ${what}: ${(cause as Error).message}`, { cause })
  }
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(failed('cannot reach the database'))
  // Derived, short-lived data (no numbered migration): a replica of any version may create it.
  for (const table of [
    'replay_keys (key_sha256 text PRIMARY KEY, expires_at bigint NOT NULL)',
    'console_sessions (id_sha256 text PRIMARY KEY, principal text NOT NULL, sealed text NOT NULL, expires_at bigint NOT NULL, opened bigserial NOT NULL)',
  ]) {
    await pool.query(`CREATE TABLE IF NOT EXISTS ${schema}.${table}`).catch((cause: { code?: string }) => {
      // Two replicas starting together both try to create it: one wins, the other sees it.
      if (cause.code !== '23505' && cause.code !== '42P07') failed(`cannot create ${table.split(' ')[0]}`)(cause)
    })
  }

  const listeners = new Set<(topic: ClusterTopic) => void>()
  let closed = false
  let listener: Promise<Client> | undefined
  const listen = (): Promise<Client> => {
    listener ??= (async () => {
      const client = new pg.Client({ connectionString: options.url })
      client.on('error', (error) => {
        log(`agentid: cluster bus: lost the announcement connection (${error.message}); listening again`)
        listener = undefined
        void client.end().catch(() => undefined)
        if (!closed && listeners.size > 0) void listen().catch(() => undefined)
      })
      client.on('notification', (message) => {
        if (message.channel !== channel || message.payload === undefined) return
        const [from, topic] = message.payload.split(' ')
        if (from === replica || !TOPICS.includes(topic as ClusterTopic)) return
        for (const heard of listeners) heard(topic as ClusterTopic)
      })
      await client.connect()
      await client.query(`LISTEN ${channel}`)
      return client
    })().catch((cause: unknown) => {
      listener = undefined
      throw cause
    })
    return listener
  }

  // Duties held, on the one connection that holds their locks.
  let leader: { client: Client; duties: Set<string> } | undefined
  const leaderConnection = async (): Promise<{ client: Client; duties: Set<string> }> => {
    if (leader) return leader
    const client = new pg.Client({ connectionString: options.url })
    const held = { client, duties: new Set<string>() }
    client.on('error', (error) => {
      if (held.duties.size > 0) log(`agentid: cluster bus: lost the duties connection (${error.message}); gave up ${[...held.duties].join(', ')}`)
      held.duties.clear()
      if (leader === held) leader = undefined
      void client.end().catch(() => undefined)
    })
    await client.connect()
    leader = held
    return held
  }
  // Duties asked for at once are taken one at a time: a connection runs one query at a time anyway.
  let leading: Promise<unknown> = Promise.resolve()

  let reservations = 0
  return {
    replicated: true,
    async announce(topic) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, `${replica} ${topic}`]).catch(failed('cannot announce'))
    },
    async subscribe(heard) {
      await listen().catch(failed('cannot listen for announcements'))
      listeners.add(heard)
      return () => listeners.delete(heard)
    },
    async lead(duty, task) {
      const held = await (leading = leading.catch(() => undefined).then(async () => {
        const connection = await leaderConnection()
        if (connection.duties.has(duty)) return true
        const { rows } = await connection.client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS taken', [schemaKey, lockKey(duty)])
        if (rows[0]?.taken === true) connection.duties.add(duty)
        return rows[0]?.taken === true
      })).catch(failed(`cannot take the duty ${duty}`))
      return held ? task() : undefined
    },
    async reserve(key, expiresAtMs, nowMs) {
      const hash = createHash('sha256').update(key).digest('hex')
      const { rowCount } = await pool.query(
        `INSERT INTO ${schema}.replay_keys (key_sha256, expires_at) VALUES ($1, $2)
         ON CONFLICT (key_sha256) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE replay_keys.expires_at <= $3`,
        [hash, Math.ceil(expiresAtMs), Math.floor(nowMs)],
      ).catch(failed('cannot reserve a single-use key'))
      if (++reservations % PURGE_EVERY === 0) {
        void pool.query(`DELETE FROM ${schema}.replay_keys WHERE expires_at <= $1`, [Math.floor(nowMs)]).catch(() => undefined)
        void pool.query(`DELETE FROM ${schema}.console_sessions WHERE expires_at <= $1`, [Math.floor(nowMs)]).catch(() => undefined)
      }
      return rowCount === 1 ? 'ok' : 'replay'
    },
    sessions: {
      async put(idSha256, row, maxPerPrincipal) {
        // One statement: the new session, and the principal's oldest beyond the limit ended.
        await pool.query(
          `WITH added AS (INSERT INTO ${schema}.console_sessions (id_sha256, principal, sealed, expires_at) VALUES ($1, $2, $3, $4) RETURNING id_sha256)
           DELETE FROM ${schema}.console_sessions WHERE principal = $2 AND id_sha256 IN (
             SELECT id_sha256 FROM ${schema}.console_sessions WHERE principal = $2 ORDER BY opened DESC OFFSET $5)`,
          [idSha256, row.principal, row.sealed, row.expiresAt, Math.max(0, maxPerPrincipal - 1)],
        ).catch(failed('cannot store a console session'))
      },
      async get(idSha256, nowMs) {
        const { rows } = await pool.query<{ principal: string; sealed: string; expires_at: string }>(
          `SELECT principal, sealed, expires_at FROM ${schema}.console_sessions WHERE id_sha256 = $1 AND expires_at > $2`, [idSha256, Math.floor(nowMs)],
        ).catch(failed('cannot read a console session'))
        const row = rows[0]
        return row ? { principal: row.principal, sealed: row.sealed, expiresAt: Number(row.expires_at) } satisfies SharedSessionRow : undefined
      },
      async delete(idSha256) {
        await pool.query(`DELETE FROM ${schema}.console_sessions WHERE id_sha256 = $1`, [idSha256]).catch(failed('cannot end a console session'))
      },
    },
    async close() {
      closed = true
      listeners.clear()
      const ending: Array<Promise<unknown>> = [pool.end()]
      if (listener) ending.push(listener.then((client) => client.end(), () => undefined))
      if (leader) ending.push(leader.client.end())
      leader = undefined
      await Promise.allSettled(ending)
    },
  }
}
