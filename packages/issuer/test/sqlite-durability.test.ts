import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateKek, openSqliteStore, type IssuerStore } from '@agentid/issuer'
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

describe('SQLite store: nothing answered before it is durable', () => {
  let dir: string
  let path: string
  let held: ReturnType<typeof heldSyncs>
  let store: IssuerStore
  let closed: boolean
  const audit = { actor: 'test', action: 'setting.set', details: {} }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-durable-'))
    path = join(dir, 'issuer.db')
    held = heldSyncs()
    closed = false
    store = openSqliteStore({ path, kek: generateKek(), create: true, syncWal: held.sync })
    const init = store.initialize({
      settings: { issuerDid: 'did:key:zIssuer' }, statusList: { id: 'l', purpose: 'revocation', size: 131072, createdAt: 0 },
      admin: { id: 'admin', roles: ['admin'], tokenSha256: 'x', createdAt: 0 }, roles: [],
    }, { actor: 'system', action: 'issuer.init', details: {} })
    await held.asked(1)
    held.calls[0]!.release()
    await init
  })
  afterEach(async () => {
    if (!closed) {
      for (const call of held.calls) call.release()
      const closing = store.close()
      // close() commits a last (empty) group and waits for its sync.
      await held.asked(held.calls.length + 1)
      held.calls.at(-1)!.release()
      await closing
    }
    rmSync(dir, { recursive: true, force: true })
  })

  /** What another connection sees: committed state, durable or not. */
  const committedValue = (key: string) => {
    const db = new Database(path, { readonly: true })
    try {
      return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value
    } finally {
      db.close()
    }
  }

  it('answers a write, and a read that could see it, only once its sync returned', async () => {
    const write = store.setSetting('publicUrl', 'https://a.example', audit)
    await held.asked(2) // COMMIT returned: the sync of its frames has started
    assert.equal(committedValue('publicUrl'), 'https://a.example', 'committed, visible to other connections')
    const read = store.getSetting('publicUrl')
    assert.equal(await settled(write), 'pending', 'the write is not answered before its sync')
    assert.equal(await settled(read), 'pending', 'nor is a read that saw it')
    held.calls[1]!.release()
    await write
    assert.equal(await read, 'https://a.example')
  })

  it('answers a read at once when no commit is waiting for its sync', async () => {
    const calls = held.calls.length
    assert.equal(await store.getSetting('issuerDid'), 'did:key:zIssuer')
    assert.equal(held.calls.length, calls, 'no sync asked for')
  })

  it('keeps committing while a sync is held, and answers each group after a sync that covers it', async () => {
    const first = store.setSetting('a', '1', audit)
    await held.asked(2)
    const second = store.setSetting('b', '2', audit)
    // The second group runs and commits while the first one's sync is held: the event loop is free.
    for (let turn = 0; turn < 100 && committedValue('b') !== '2'; turn++) await new Promise((resolve) => setImmediate(resolve))
    assert.equal(committedValue('b'), '2', 'the second group committed while the first sync was held')
    assert.equal(held.calls.length, 2, 'its sync waits for the one running')
    held.calls[1]!.release()
    assert.equal(await settled(first), 'fulfilled')
    assert.equal(await settled(second), 'pending', 'the sync that ended started before its commit')
    const read = store.getSetting('b')
    assert.equal(await settled(read), 'pending')
    await held.asked(3)
    held.calls[2]!.release()
    await second
    assert.equal(await read, '2')
  })

  it('answers a refused write only once the state that refused it is durable', async () => {
    const agent = { did: 'did:key:zAgent', name: 'bot', kind: 'service', owner: 'ops', status: 'active', createdAt: 0 } as const
    const first = store.registerAgent(agent, { actor: 'test', action: 'agent.register', details: {} })
    await held.asked(2)
    // The same DID again: refused, because of the first one, which is not durable yet.
    const again = store.registerAgent(agent, { actor: 'test', action: 'agent.register', details: {} })
    assert.equal(await settled(again), 'pending')
    held.calls[1]!.release()
    await first
    // Refused in its own (empty) group: that group's commit waits for the next sync.
    if ((await settled(again)) === 'pending') {
      await held.asked(3)
      held.calls[2]!.release()
    }
    await assert.rejects(again, { code: 'ERR_CONFLICT' })
  })

  it('answers Veramo\'s custody writes and reads only once durable', async () => {
    const key = { kid: 'k1', kms: 'local', type: 'Ed25519' as const, publicKeyHex: '00' }
    const imported = store.custody.keyStore.importKey(key)
    await held.asked(2)
    const got = store.custody.keyStore.getKey({ kid: 'k1' })
    assert.equal(await settled(imported), 'pending')
    assert.equal(await settled(got), 'pending')
    held.calls[1]!.release()
    assert.equal(await imported, true)
    assert.equal((await got).kid, 'k1')
  })

  it('answers a read of another process\'s commit only once this process has synced it too', async () => {
    // A second store on the same file stands for the CLI working locally beside a running service.
    const other = heldSyncs()
    const second = openSqliteStore({ path, kek: generateKek(), create: false, syncWal: other.sync })
    try {
      const write = store.setSetting('publicUrl', 'https://a.example', audit)
      await held.asked(2) // committed by the first store, its sync held
      const read = second.getSetting('publicUrl')
      await other.asked(1) // the second store saw a commit it did not make: it syncs the file
      assert.equal(await settled(read), 'pending')
      other.calls[0]!.release()
      assert.equal(await read, 'https://a.example', 'its own sync of the file covers the other\'s frames')
      assert.equal(await settled(write), 'pending', 'the writer still answers after its own sync')
      held.calls[1]!.release()
      await write
      // Nothing committed elsewhere since: the next read asks for no sync.
      assert.equal(await second.getSetting('publicUrl'), 'https://a.example')
      assert.equal(other.calls.length, 1)
    } finally {
      const closing = second.close()
      await other.asked(other.calls.length + 1)
      other.calls.at(-1)!.release()
      await closing
    }
  })

  it('fails the write and the reads waiting with it when the sync fails, and later ones too', async () => {
    const write = store.setSetting('publicUrl', 'https://a.example', audit)
    await held.asked(2)
    const read = store.getSetting('publicUrl')
    held.calls[1]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await assert.rejects(write, { code: 'ERR_STORE' })
    await assert.rejects(read, { code: 'ERR_STORE' })
    await assert.rejects(store.getSetting('issuerDid'), { code: 'ERR_STORE' })
    await assert.rejects(store.setSetting('x', 'y', audit), { code: 'ERR_STORE' })
    assert.equal(committedValue('x'), undefined, 'no write runs once a sync has failed')
    // close() still closes the connections, and reports the failure.
    closed = true
    await assert.rejects(store.close(), { code: 'ERR_STORE' })
    assert.equal(held.calls.length, 2, 'no sync after the failed one')
  })
})
