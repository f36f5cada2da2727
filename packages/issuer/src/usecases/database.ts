// Where an issuer's records live: the SQLite file in its home (the default), or a PostgreSQL
// database named by URL (`--database`, `AGENTID_DATABASE`), which several replicas may share.
import { agentIdError } from '@agentid/core'
import { localBus, type ClusterBus } from '../cluster/cluster-bus.js'
import type { IssuerHome } from '../home.js'
import type { KeyEncryptionKey } from '../keys/key-encryption.js'
import type { IssuerStore } from '../store/issuer-store.js'
import { openSqliteStore } from '../store/sqlite/sqlite-store.js'

/** The issuer's database: the home's SQLite file, or a PostgreSQL schema. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string; readonly display: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly poolSize: number; readonly display: string }

/**
 * The database an issuer uses: `database` (a `postgres://` or `postgresql://` URL, whose
 * `schema` parameter names the schema, default `public`, and `pool` the connections of each of
 * the process's two pools, default {@link DEFAULT_POOL_SIZE}), else `AGENTID_DATABASE`, else the
 * SQLite file in its home. `display` never shows a password.
 * @throws AgentIdError ERR_USAGE for anything else
 */
export function databaseTarget(home: IssuerHome, database: string | undefined, env: NodeJS.ProcessEnv): DatabaseTarget {
  const given = database ?? (env.AGENTID_DATABASE === '' ? undefined : env.AGENTID_DATABASE)
  if (given === undefined) return { kind: 'sqlite', path: home.database, display: home.database }
  const source = database !== undefined ? '--database' : 'AGENTID_DATABASE'
  let url: URL
  try {
    url = new URL(given)
  } catch {
    throw agentIdError('ERR_USAGE', `${source} must be a postgres:// URL (without it, the issuer's SQLite database is in its home)`)
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw agentIdError('ERR_USAGE', `${source} must be a postgres:// URL, not ${url.protocol}//`)
  const schema = url.searchParams.get('schema') ?? 'public'
  const pool = url.searchParams.get('pool')
  const poolSize = pool === null ? DEFAULT_POOL_SIZE : Number(pool)
  if (!Number.isSafeInteger(poolSize) || poolSize < 1 || poolSize > MAX_POOL_SIZE || (pool !== null && !/^[0-9]+$/.test(pool))) {
    throw agentIdError('ERR_USAGE', `${source}'s pool must be a whole number of connections from 1 to ${MAX_POOL_SIZE}, not ${JSON.stringify(pool)}`)
  }
  // Ours, not the driver's: taken off before the URL reaches it.
  url.searchParams.delete('schema')
  url.searchParams.delete('pool')
  const display = new URL(url)
  if (display.password !== '') display.password = '***'
  return { kind: 'postgres', url: url.toString(), schema, poolSize, display: `${display.toString()}${schema === 'public' ? '' : ` (schema ${schema})`}` }
}

/**
 * Connections in each of a replica's two PostgreSQL pools (writes, reads) unless `?pool=` says
 * otherwise. Writes queue behind one writer lock and share a commit (group commit), so the writer
 * pool rarely needs more; reads (status lists, audit pages, the console) use the other.
 */
export const DEFAULT_POOL_SIZE = 8
const MAX_POOL_SIZE = 200

/** Options of {@link openStoreAt}. */
export interface OpenStoreOptions {
  readonly kek: KeyEncryptionKey
  readonly create: boolean
  readonly now?: () => number
  readonly randomIndex?: (max: number) => number
  /** Where the cluster bus reports a lost connection. */
  readonly log?: (line: string) => void
}

/**
 * Opens the store and the bus its replicas share: SQLite with {@link localBus}; PostgreSQL with
 * its bus (announcements, duties, single use) on the same database and schema. The driver is
 * loaded only for PostgreSQL.
 * @throws AgentIdError ERR_STORE (cannot connect, no issuer there and not `create`)
 */
export async function openStoreAt(target: DatabaseTarget, options: OpenStoreOptions): Promise<{ store: IssuerStore; cluster: ClusterBus }> {
  const clock = { ...(options.now ? { now: options.now } : {}), ...(options.randomIndex ? { randomIndex: options.randomIndex } : {}) }
  if (target.kind === 'sqlite') return { store: openSqliteStore({ path: target.path, kek: options.kek, create: options.create, ...clock }), cluster: localBus() }
  const [{ openPostgresStore }, { openPostgresBus }] = await Promise.all([import('../store/postgres/postgres-store.js'), import('../cluster/postgres-bus.js')])
  const store = await openPostgresStore({ url: target.url, schema: target.schema, poolSize: target.poolSize, kek: options.kek, create: options.create, ...clock })
  try {
    return { store, cluster: await openPostgresBus({ url: target.url, schema: target.schema, ...(options.log ? { log: options.log } : {}) }) }
  } catch (error) {
    await store.close()
    throw error
  }
}
