/**
 * What the backend-neutral store ({@link SqlIssuerStore}) needs from a database: statements with
 * positional `?` parameters, in a transaction for writes, and the few spellings that differ
 * between SQL dialects. Every business rule is written once above this; a backend provides only
 * connections, transactions, these spellings, its migrations and its custody stores.
 */
export interface SqlSession {
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs a statement; how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>
}

/** The spellings that differ between SQLite and PostgreSQL. */
export interface SqlDialect {
  /** A subquery yielding the text elements of a JSON array (a column or a `?` holding JSON text). */
  jsonElements(json: string): string
  /** The text of a top-level field of a JSON object held as text (NULL when absent). */
  jsonField(json: string, field: string): string
  /** The text of element `index` (an SQL integer expression) of a JSON array held as text. */
  jsonIndex(json: string, index: string): string
  /** Whether `needle` occurs in `haystack` (both text). */
  contains(haystack: string, needle: string): string
  /**
   * The query (one `?`: a canonical identity) returning, as `id`, that identity and every agent
   * and principal it owns at any depth: agents whose owner is in the set, principals whose DID is.
   */
  readonly ownedClosure: string
}

/**
 * A backend's connection and transaction handling. `write` runs `body` in a transaction that
 * commits before the promise settles (nothing is answered before it is durable) and rolls back
 * when `body` throws; errors come out as AgentIdError (ERR_CONFLICT for a unique key, ERR_STORE).
 * A backend may run `body` again after a serialization failure: bodies then start from scratch.
 */
export interface SqlEngine {
  readonly backend: string
  readonly dialect: SqlDialect
  write<T>(what: string, body: (tx: SqlSession) => Promise<T>): Promise<T>
  /** Reads committed state only. */
  read<T>(what: string, body: (db: SqlSession) => Promise<T>): Promise<T>
  /** Writes waiting to be committed (a metric). */
  pendingWrites(): number
  /** Lets pending writes finish, then closes the connections. */
  close(): Promise<void>
}
