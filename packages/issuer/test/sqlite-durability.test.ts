import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WalSync } from '../src/store/sqlite/wal-sync.js'

// "Nothing is answered, by a write or by a read, before it is durable", with COMMIT no longer
// syncing (WAL, synchronous=NORMAL) and the -wal file synced on the thread pool. The syncs here
// are held by the test and released by it: no sleeps, no timing; "not answered" is checked after
// turns of the event loop, which is where an answer would otherwise have been given.

/** A sync the test holds: each call waits for release() (or fail()). */
function heldSyncs() {
  const calls: Array<{ release: () => void; fail: (error: Error) => void }> = []
  let arrived: (() => void) | undefined
  return {
    calls,
    sync: (_fd: number) => new Promise<void>((resolve, reject) => {
      calls.push({ release: resolve, fail: reject })
      arrived?.()
    }),
    /** Resolves when the `n`th sync (1-based) has been asked for. */
    async asked(n: number): Promise<void> {
      while (calls.length < n) await new Promise<void>((resolve) => (arrived = resolve))
    },
  }
}

/** The promise's state after every callback queued so far (and the ones they queue) has run. */
async function settled<T>(promise: Promise<T>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending'
  promise.then(() => (state = 'fulfilled'), () => (state = 'rejected'))
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
  return state
}

const toError = (error: unknown) => Object.assign(new Error(`store: ${(error as Error).message}`), { code: 'ERR_STORE' })

describe('WalSync: a commit is durable after a sync that started after it', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-walsync-'))
    writeFileSync(join(dir, 'x-wal'), '')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('does not count a sync that was running when the commit was made', async () => {
    const held = heldSyncs()
    const wal = new WalSync(join(dir, 'x-wal'), { syncFile: held.sync, toError })
    const first = wal.until(wal.committed())!
    await held.asked(1)
    const second = wal.until(wal.committed())!
    assert.equal(held.calls.length, 1, 'one sync at a time')
    held.calls[0]!.release()
    assert.equal(await settled(first), 'fulfilled')
    assert.equal(await settled(second), 'pending', 'the first sync may have missed the second commit')
    await held.asked(2)
    assert.equal(wal.pending, true)
    held.calls[1]!.release()
    assert.equal(await settled(second), 'fulfilled')
    assert.equal(wal.pending, false)
    assert.equal(wal.until(), undefined, 'nothing pending: no promise to wait for')
    await wal.close()
  })

  it('shares a sync among the commits made while the previous one ran', async () => {
    const held = heldSyncs()
    const wal = new WalSync(join(dir, 'x-wal'), { syncFile: held.sync, toError })
    const first = wal.until(wal.committed())!
    await held.asked(1)
    const later = [1, 2, 3].map(() => wal.until(wal.committed())!)
    held.calls[0]!.release()
    await held.asked(2)
    held.calls[1]!.release()
    assert.deepEqual(await Promise.all([first, ...later].map(settled)), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    assert.equal(held.calls.length, 2)
    await wal.close()
  })

  it('refuses every waiter, and every later one, once a sync failed', async () => {
    const held = heldSyncs()
    const wal = new WalSync(join(dir, 'x-wal'), { syncFile: held.sync, toError })
    const first = wal.until(wal.committed())!
    await held.asked(1)
    const second = wal.until(wal.committed())!
    held.calls[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await assert.rejects(first, { code: 'ERR_STORE', message: /EIO/ })
    await assert.rejects(second, { code: 'ERR_STORE' })
    await assert.rejects(wal.until(wal.committed())!, { code: 'ERR_STORE' })
    assert.equal(held.calls.length, 1, 'no sync after a failed one')
    await assert.rejects(wal.close(), { code: 'ERR_STORE' })
  })
})
