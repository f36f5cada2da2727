import type Database from 'better-sqlite3'

interface Operation {
  readonly body: () => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/** Most operations one commit carries: bounds how long an early caller waits for the group. */
const MAX_GROUP = 64

/**
 * Runs write operations one at a time on one connection, and commits them in groups: the
 * operations that queued while the previous group was working share one transaction and so one
 * fsync (with synchronous=FULL, the commit's cost). Each runs in its own savepoint, so one that
 * fails is rolled back alone and the others stand; none is answered before the group commits,
 * so a caller never holds a result (a signed credential) that was not made durable. A failed
 * commit fails every operation of its group.
 */
export class GroupCommit {
  readonly #db: Database.Database
  readonly #toError: (error: unknown) => unknown
  readonly #queue: Operation[] = []
  #running = false

  constructor(db: Database.Database, toError: (error: unknown) => unknown) {
    this.#db = db
    this.#toError = toError
  }

  /** Operations queued and not yet started (a metric). */
  get waiting(): number {
    return this.#queue.length
  }

  /** Queues an operation; it may await (signing) while its transaction is open. */
  run<T>(body: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ body, resolve: resolve as (value: unknown) => void, reject })
      if (!this.#running) void this.#drain()
    })
  }

  async #drain(): Promise<void> {
    this.#running = true
    try {
      while (this.#queue.length > 0) {
        // Let the requests already received reach the queue first: signing resolves through
        // microtasks only, so without this turn of the event loop every group would hold one.
        await new Promise((resolve) => setImmediate(resolve))
        await this.#group(this.#queue.splice(0, MAX_GROUP))
      }
    } finally {
      this.#running = false
    }
  }

  async #group(operations: Operation[]): Promise<void> {
    const db = this.#db
    // The operations run in the transaction now open, with their outcomes, not yet answered.
    let batch: Array<{ op: Operation; outcome: { ok: true; value: unknown } | { ok: false; error: unknown } }> = []
    const begin = (): boolean => {
      try {
        db.exec('BEGIN IMMEDIATE')
        return true
      } catch (error) {
        return false
      }
    }
    // SQLite rolled the whole transaction back (SQLITE_FULL, IOERR, NOMEM): every operation run in
    // it is lost, whatever it returned, and is answered with the error that lost it.
    const lose = (error: unknown) => {
      for (const { op } of batch) op.reject(this.#toError(error))
      batch = []
    }
    for (const [i, op] of operations.entries()) {
      if (!db.inTransaction && !begin()) {
        const error = new Error('cannot begin a write transaction')
        for (const rest of operations.slice(i)) rest.reject(this.#toError(error))
        lose(error)
        return
      }
      db.exec('SAVEPOINT op')
      try {
        const value = await op.body()
        db.exec('RELEASE op')
        batch.push({ op, outcome: { ok: true, value } })
      } catch (error) {
        if (db.inTransaction) {
          db.exec('ROLLBACK TO op')
          db.exec('RELEASE op')
          batch.push({ op, outcome: { ok: false, error } })
        } else {
          batch.push({ op, outcome: { ok: false, error } })
          lose(error)
        }
      }
    }
    if (batch.length === 0) return
    try {
      db.exec('COMMIT')
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK')
      lose(error)
      return
    }
    for (const { op, outcome } of batch) {
      if (outcome.ok) op.resolve(outcome.value)
      else op.reject(outcome.error)
    }
  }
}
