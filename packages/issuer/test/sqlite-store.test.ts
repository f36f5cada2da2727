import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateKek, openSqliteStore } from '@agentid/issuer'
import { storeContract } from './store-contract.js'

storeContract('sqlite', async ({ now, randomIndex }) => {
  const dir = mkdtempSync(join(tmpdir(), 'agentid-store-'))
  const store = openSqliteStore({ path: join(dir, 'issuer.db'), kek: generateKek(), create: true, now, ...(randomIndex ? { randomIndex } : {}) })
  return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }) } }
})

describe('SQLite backend', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'agentid-sqlite-')) })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('runs with WAL, synchronous=FULL and foreign keys, read back', async () => {
    const path = join(dir, 'issuer.db')
    const store = openSqliteStore({ path, kek: generateKek(), create: true })
    await store.close()
    const db = new Database(path)
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
    assert.deepEqual(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), [{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }])
    db.close()
  })

  it('refuses a database from a newer agentid', async () => {
    const path = join(dir, 'issuer.db')
    await openSqliteStore({ path, kek: generateKek(), create: true }).close()
    const db = new Database(path)
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future')
    db.close()
    assert.throws(() => openSqliteStore({ path, kek: generateKek(), create: false }), { code: 'ERR_STORE' })
  })

  it('keeps the audit log append-only', async () => {
    const path = join(dir, 'issuer.db')
    const store = openSqliteStore({ path, kek: generateKek(), create: true })
    await store.initialize({
      settings: { a: 'b' }, statusList: { id: 'l', purpose: 'revocation', size: 131072, createdAt: 0 },
      admin: { id: 'admin', roles: ['admin'], tokenSha256: 'x', createdAt: 0 }, roles: [],
    }, { actor: 'system', action: 'issuer.init', details: {} })
    await store.close()
    const db = new Database(path)
    assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run(), /append-only/)
    assert.throws(() => db.prepare('DELETE FROM audit_log').run(), /append-only/)
    db.close()
  })

  it('does not open a missing database', () => {
    assert.throws(() => openSqliteStore({ path: join(dir, 'none.db'), kek: generateKek(), create: false }), { code: 'ERR_STORE' })
  })
})
