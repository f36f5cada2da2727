import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateKek, openSqliteStore } from '@agentid/issuer'
import { MIGRATIONS } from '../src/store/sqlite/migrations.js'
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
    assert.deepEqual(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), MIGRATIONS.map((m) => ({ version: m.version })))
    db.close()
  })

  it('migrates a schema-4 database to the person kind, keeping every row and every reference', async () => {
    const path = join(dir, 'issuer.db')
    const old = new Database(path)
    old.pragma('foreign_keys = ON')
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT')
    for (const m of MIGRATIONS.filter((m) => m.version <= 4)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name)
    }
    old.prepare("INSERT INTO agents (did, name, kind, owner, status, created_at, suspended_at) VALUES ('did:key:zA', 'bot', 'company', 'ops', 'active', 1, 7)").run()
    old.prepare("INSERT INTO status_lists (id, purpose, size, created_at) VALUES ('rev-1', 'revocation', 131072, 0)").run()
    old.prepare(`INSERT INTO credentials (id, subject, issuer, entitlements, not_before, expires, status, status_list, status_index, jwt_sha256, issued_at)
      VALUES ('urn:c1', 'did:key:zA', 'did:key:zI', '[]', 1, 2, 'active', 'rev-1', 5, 'h', 1)`).run()
    assert.throws(() => old.prepare("INSERT INTO agents (did, name, kind, owner, status, created_at) VALUES ('did:key:zP', 'erin', 'person', 'hr', 'active', 1)").run(), /CHECK/)
    old.close()

    await openSqliteStore({ path, kek: generateKek(), create: false }).close()
    const db = new Database(path)
    db.pragma('foreign_keys = ON')
    assert.deepEqual(db.prepare('SELECT did, kind, suspended_at FROM agents').all(), [{ did: 'did:key:zA', kind: 'company', suspended_at: 7 }])
    db.prepare("INSERT INTO agents (did, name, kind, owner, status, created_at) VALUES ('did:key:zP', 'erin', 'person', 'hr', 'active', 1)").run()
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM credentials').get() as { n: number }).n, 1)
    // The credentials still refer to the (new) agents table, and the reference is enforced.
    assert.deepEqual((db.pragma('foreign_key_list(credentials)') as Array<{ table: string; from: string }>).filter((k) => k.from === 'subject').map((k) => k.table), ['agents'])
    assert.throws(() => db.prepare(`INSERT INTO credentials (id, subject, issuer, entitlements, not_before, expires, status, status_list, status_index, jwt_sha256, issued_at)
      VALUES ('urn:c2', 'did:key:zNobody', 'did:key:zI', '[]', 1, 2, 'active', 'rev-1', 6, 'h', 1)`).run(), /FOREIGN KEY/)
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }])
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1)
    db.close()
  })

  it('migrates a schema-10 database to alert scores: backfilled from the details, alerts still append-only', async () => {
    const path = join(dir, 'issuer.db')
    const old = new Database(path)
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT')
    for (const m of MIGRATIONS.filter((m) => m.version <= 10)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name)
    }
    const insert = old.prepare('INSERT INTO alerts (at, kind, severity, details) VALUES (1, ?, ?, ?)')
    for (const [kind, details] of [['anomaly.a', '{"score":0.75}'], ['review.overdue', '{}'], ['anomaly.b', '{"score":1}'], ['anomaly.c', '{"score":"high"}']]) insert.run(kind, 'high', details)
    old.close()

    await openSqliteStore({ path, kek: generateKek(), create: false }).close()
    const db = new Database(path)
    assert.deepEqual(db.prepare('SELECT kind, score FROM alerts ORDER BY id').all(), [
      { kind: 'anomaly.a', score: 0.75 }, { kind: 'review.overdue', score: null }, { kind: 'anomaly.b', score: 1 }, { kind: 'anomaly.c', score: null },
    ])
    assert.throws(() => db.prepare('UPDATE alerts SET score = 0').run(), /append-only/)
    assert.throws(() => db.prepare('DELETE FROM alerts').run(), /append-only/)
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
