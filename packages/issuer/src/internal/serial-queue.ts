/**
 * Runs async tasks one at a time, in order. The SQLite store holds one connection, and an
 * issuance keeps a transaction open across an await (signing): nothing else may run inside it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task)
    this.#tail = result.catch(() => undefined)
    return result
  }
}
