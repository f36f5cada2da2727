import type Database from 'better-sqlite3'

/** `sql` → its statement on `db`, prepared on first use: preparing costs more than most queries. */
export type Statements = (sql: string) => Database.Statement

export function preparedStatements(db: Database.Database): Statements {
  const cache = new Map<string, Database.Statement>()
  return (sql) => {
    let statement = cache.get(sql)
    if (!statement) cache.set(sql, (statement = db.prepare(sql)))
    return statement
  }
}
