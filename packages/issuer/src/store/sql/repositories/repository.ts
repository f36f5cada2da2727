import type { SqlDialect, SqlSession } from '../sql-session.js'

/** What every repository holds: the session of its transaction (or read), and the SQL dialect. */
export abstract class SqlRepository {
  constructor(protected readonly sql: SqlSession, protected readonly dialect: SqlDialect) {}
}

/** A WHERE clause built from optional conditions, and its parameters in order. */
export class Where {
  readonly #conditions: string[] = []
  readonly args: unknown[] = []

  /** Adds a condition with its parameters. */
  add(condition: string, ...args: unknown[]): this {
    this.#conditions.push(condition)
    this.args.push(...args)
    return this
  }

  /** Adds `column = ?` when the value is given. */
  equals(column: string, value: unknown): this {
    return value === undefined ? this : this.add(`${column} = ?`, value)
  }

  /** `WHERE` and the conditions joined by AND, or nothing without any. */
  toString(): string {
    return this.#conditions.length > 0 ? `WHERE ${this.#conditions.join(' AND ')}` : ''
  }
}
