import type { SqlDialect, SqlSession } from '../sql-session.js'

/** What every repository holds: the session of its transaction (or read), and the SQL dialect. */
export abstract class SqlRepository {
  constructor(protected readonly sql: SqlSession, protected readonly dialect: SqlDialect) {}
}
