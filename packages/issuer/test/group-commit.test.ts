import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { GroupCommit } from '../src/store/sqlite/group-commit.js'

// Group commit's promise: an operation is answered "done" exactly when its writes are committed.
describe('group commit', () => {
  let dir: string
  let db: Database.Database
  let group: GroupCommit
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-group-'))
    db = new Database(join(dir, 'g.db'))
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)')
    group = new GroupCommit(db, (error) => Object.assign(new Error(`store: ${(error as Error).message}`), { code: 'ERR_STORE' }))
  })
  afterEach(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const insert = (k: string, v = 'x') => () => {
    db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(k, v)
    return k
  }
  const rows = () => new Set((db.prepare('SELECT k FROM t').all() as Array<{ k: string }>).map((r) => r.k))

  it('commits the operations that queued together, and rolls back a failing one alone', async () => {
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run(async () => {
        await new Promise((r) => setTimeout(r, 5)) // awaits inside its transaction, as signing does
        insert('b')()
        throw new Error('refused after writing')
      }),
      group.run(insert('a')), // a unique-key failure: rolled back alone
      group.run(insert('c')),
    ])
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    assert.deepEqual([...rows()].sort(), ['a', 'c'])
  })

  it('answers "done" only for what was committed when SQLite aborts the whole transaction (disk full)', async () => {
    db.pragma('max_page_count = 12')
    const big = 'y'.repeat(200_000)
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5']
    const results = await Promise.allSettled(keys.map((k, i) => group.run(insert(k, i === 2 ? big : 'small'))))
    const committed = rows()
    for (const [i, r] of results.entries()) {
      assert.equal(r.status === 'fulfilled', committed.has(keys[i]!), `${keys[i]}: answered ${r.status}, ${committed.has(keys[i]!) ? '' : 'not '}committed`)
    }
    assert.equal(results[2]!.status, 'rejected')
    assert.equal((results[2] as PromiseRejectedResult).reason.code, 'ERR_STORE')
    assert.equal(db.inTransaction, false)
  })
})
