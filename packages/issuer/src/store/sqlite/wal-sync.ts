import { closeSync, fdatasync, fstatSync, openSync } from 'node:fs'

/** Makes a file's written data durable (default: `fdatasync` on libuv's thread pool). */
export type SyncFile = (fd: number) => Promise<void>

export const fdatasyncFile: SyncFile = (fd) => new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())))

interface Waiter {
  readonly seq: number
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/**
 * Durability of the writer's commits when SQLite no longer syncs at COMMIT (WAL with
 * synchronous=NORMAL): the commit's frames are in the -wal file (the page cache) when COMMIT
 * returns, and this syncs that file off the event loop, on a descriptor of its own.
 *
 * Commits are numbered in order ({@link committed}); {@link until} resolves once a sync that
 * *started after* that commit returned has completed, so its frames, and every earlier frame of
 * the file, are on disk. On Linux fsync and fdatasync act on the file (the inode's dirty pages),
 * not on the descriptor that wrote them: SQLite's writes through its own descriptor are flushed
 * by a sync of ours. One sync runs at a time; the commits made while it runs are covered by the
 * next one, which starts when it ends (so syncs are shared the way group commit shares commits).
 *
 * A failed sync is final: what the file holds on disk is then unknown (Linux may have dropped the
 * dirty pages and reports the error once), so every waiter, and every later one, is refused.
 */
export class WalSync {
  readonly #fd: number
  readonly #sync: SyncFile
  readonly #toError: (error: unknown) => Error
  readonly #waiters: Waiter[] = []
  #committed = 0
  #durable = 0
  #syncing = false
  #failure: Error | undefined
  #closed = false

  /** Opens `walPath` (it must exist: the writer connection holds it open in WAL mode). */
  constructor(walPath: string, options: { syncFile?: SyncFile; toError: (error: unknown) => Error }) {
    this.#toError = options.toError
    this.#sync = options.syncFile ?? fdatasyncFile
    try {
      this.#fd = openSync(walPath, 'r')
    } catch (error) {
      throw this.#toError(error)
    }
  }

  /** Commits not yet known durable. */
  get pending(): boolean {
    return this.#durable < this.#committed
  }

  /** The failure of a sync, once one failed: nothing should be written or answered any more. */
  get failure(): Error | undefined {
    return this.#failure
  }

  /** Call right after a commit returned on the writer: numbers it and has it synced. */
  committed(): number {
    const seq = ++this.#committed
    this.#next()
    return seq
  }

  /**
   * Resolves when commit `seq` (by default every commit made so far) is durable; undefined when it
   * already is (no promise, no turn of the event loop). Rejects once a sync has failed.
   */
  until(seq: number = this.#committed): Promise<void> | undefined {
    if (this.#failure) return Promise.reject(this.#failure)
    if (seq <= this.#durable) return undefined
    return new Promise<void>((resolve, reject) => this.#waiters.push({ seq, resolve, reject }))
  }

  /** Waits for every commit to be durable, then closes the descriptor. */
  async close(): Promise<void> {
    if (this.#closed) return
    try {
      await this.until()
    } finally {
      this.#closed = true
      closeSync(this.#fd)
    }
  }

  #next(): void {
    if (this.#syncing || this.#failure || this.#durable >= this.#committed) return
    this.#syncing = true
    // Everything committed so far was written before this sync starts: it covers them all.
    const target = this.#committed
    this.#sync(this.#fd).then(
      () => {
        this.#syncing = false
        // SQLite only unlinks the -wal file when its last connection closes; were it replaced,
        // this descriptor would sync a file nobody reads any more.
        if (fstatSync(this.#fd).nlink === 0) return this.#fail(new Error('the -wal file was removed while the store had it open'))
        this.#durable = target
        let done = 0
        while (done < this.#waiters.length && this.#waiters[done]!.seq <= target) this.#waiters[done++]!.resolve()
        this.#waiters.splice(0, done)
        this.#next()
      },
      (error: unknown) => {
        this.#syncing = false
        this.#fail(error)
      },
    )
  }

  #fail(error: unknown): void {
    this.#failure = this.#toError(error)
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure)
  }
}
