import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateKek, openSqliteStore, type IssuerStore } from '@agentid/issuer'
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

  describe('review campaigns in batches (the single writer is never held for a whole campaign)', () => {
    const T = Date.UTC(2026, 11, 1, 9, 0, 0)
    const AGENT = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw'
    const note = (action: string) => ({ actor: 'test', action, details: {} })
    const campaign = (id: string) => ({ id, name: id, createdBy: 'rita', createdAt: T, deadline: T + 1000, status: 'open' as const })
    let path: string

    async function storeWith(credentials: number) {
      path = join(dir, 'issuer.db')
      let next = 0
      const store = openSqliteStore({ path, kek: generateKek(), create: true, now: () => T, randomIndex: () => next++ })
      await store.initialize({
        settings: { issuerDid: 'did:key:zIssuer' }, statusList: { id: 'rev-1', purpose: 'revocation', size: 131072, createdAt: T },
        admin: { id: 'admin', roles: ['admin'], tokenSha256: 'x', createdAt: T }, roles: [],
      }, note('issuer.init'))
      await store.registerAgent({ did: AGENT, name: 'bot', kind: 'company', owner: 'ops', status: 'active', createdAt: T }, note('agent.register'))
      for (let i = 0; i < credentials; i++) {
        await store.issueCredential({ id: `urn:uuid:c-${i}`, subject: AGENT, issuer: 'did:key:zIssuer', entitlements: [{ resource: 'db:x', actions: ['read'] }], notBefore: T / 1000, expires: T / 1000 + 86400 },
          async () => 'jwt', () => note('credential.issue'))
      }
      return store
    }

    // What a process killed mid-way leaves behind: a campaign in `status` holding the first
    // `items` credentials, written straight into the closed store's file; the store reopened.
    async function leftByCrash(store: IssuerStore, id: string, status: 'opening' | 'abandoned', items: number): Promise<IssuerStore> {
      await store.close()
      const db = new Database(path)
      db.prepare("INSERT INTO review_campaigns (id, name, created_by, created_at, deadline, status, progress_at) VALUES (?, ?, 'rita', ?, ?, ?, ?)").run(id, id, T - 60_000, T + 86400_000, status, T)
      const item = db.prepare('INSERT INTO review_items (id, campaign, credential_id, risk) VALUES (?, ?, ?, \'low\')')
      for (let i = 0; i < items; i++) item.run(`item-${id}-${i}`, id, `urn:uuid:c-${i}`)
      db.close()
      return openSqliteStore({ path, kek: generateKek(), create: false, now: () => T })
    }

    it('lets a write queued during the first batch commit before the campaign opens, and before the last part of its close', async function () {
      this.timeout(120_000)
      const store = await storeWith(501)
      let between: Promise<void> | undefined
      await store.startReview(campaign('rev-big'), { all: true }, (c) => {
        between ??= store.recordEvent(note('test.during-opening'))
        return `item-${c}`
      }, () => note('review.start'))
      await between
      let duringClose: Promise<void> | undefined
      await store.closeOverdueReviews(T + 1000, true, (c, overdue, part) => {
        duringClose ??= store.recordEvent(note('test.during-close'))
        return { ...note('review.close'), details: { ...part } }
      })
      await duringClose
      const order = (await store.readAudit()).map((e) => e.action).filter((a) => a.startsWith('test.') || a.startsWith('review.'))
      assert.deepEqual(order, ['test.during-opening', 'review.start', 'review.close', 'test.during-close', 'review.close'])
      await store.close()
    })

    it('removes a campaign left opening with no progress for ten minutes (its opener died), audited, and frees its credentials', async function () {
      this.timeout(60_000)
      // Its opener killed between two batches.
      const store = await leftByCrash(await storeWith(2), 'rev-dead', 'opening', 1)
      assert.deepEqual(await store.listReviews(), [])
      assert.equal((await store.startReview({ ...campaign('rev-1'), deadline: T + 30 * 86400_000 }, { all: true }, (c) => `item-1-${c}`, () => note('review.start'))).items, 1, 'c-0 is still held by the opening')
      await store.closeOverdueReviews(T + 599_999, false, () => note('review.close'))
      assert.equal((await store.readAudit()).filter((e) => e.action === 'review.abandon').length, 0, 'not ten minutes without progress yet')
      await store.closeOverdueReviews(T + 600_000, false, () => note('review.close'))
      const abandoned = (await store.readAudit()).filter((e) => e.action === 'review.abandon')
      assert.deepEqual(abandoned.map((e) => [e.target, e.details.items]), [['rev-dead', 1]])
      assert.equal((await store.startReview(campaign('rev-2'), { all: true }, (c) => `item-2-${c}`, () => note('review.start'))).items, 1, 'c-0 is free again')
      await store.close()
    })

    it('finishes removing an abandoned campaign whose removal was cut short, in batches, with no second entry', async function () {
      this.timeout(60_000)
      // A removal cut short by a crash: abandoned (its entry written), 600 items left.
      const store = await leftByCrash(await storeWith(600), 'rev-gone', 'abandoned', 600)
      assert.deepEqual([await store.listReviews(), await store.listReviewItems()], [[], []], 'listed nowhere')
      await assert.rejects(store.startReview(campaign('rev-blocked'), { all: true }, (c) => `item-b-${c}`, () => note('review.start')), { code: 'ERR_CONFLICT' })
      await store.closeOverdueReviews(T, false, () => note('review.close'))
      assert.equal((await store.startReview(campaign('rev-after'), { all: true }, (c) => `item-a-${c}`, () => note('review.start'))).items, 600)
      assert.equal((await store.readAudit()).filter((e) => e.action === 'review.abandon').length, 0)
      await store.close()
    })

    it('removes an opening the sweeper found idle once: its opener then fails with ERR_CONFLICT and writes no second entry', async function () {
      this.timeout(120_000)
      const store = await storeWith(501)
      let calls = 0
      let sweeping: Promise<unknown> | undefined
      const opening = store.startReview(campaign('rev-slow'), { all: true }, (c) => {
        // In the second batch: the sweeper of a later clock finds it idle and removes it before it opens.
        if (++calls === 501) sweeping = store.closeOverdueReviews(T + 600_000, false, () => note('review.close'))
        return `item-${c}`
      }, () => note('review.start'))
      await assert.rejects(opening, { code: 'ERR_CONFLICT', message: /no longer opening/ })
      await sweeping
      const entries = (await store.readAudit()).filter((e) => e.action.startsWith('review.'))
      assert.deepEqual(entries.map((e) => [e.action, e.target]), [['review.abandon', 'rev-slow']])
      assert.deepEqual(await store.listReviews(), [])
      await store.close()
    })
  })

  it('does not open a missing database', () => {
    assert.throws(() => openSqliteStore({ path: join(dir, 'none.db'), kek: generateKek(), create: false }), { code: 'ERR_STORE' })
  })
})
