import assert from 'node:assert/strict'
import { issuerHome } from '../../src/home.js'
import { generateKek } from '../../src/keys/key-encryption.js'
import { databaseTarget, DEFAULT_POOL_SIZE, openStoreAt } from '../../src/usecases/database.js'
import { freshSchema, postgresUnavailable, TEST_DATABASE, whenPostgres } from '../store/postgres-support.js'

const home = issuerHome('/nonexistent/agentid-home', {})

describe('databaseTarget: which database an issuer uses', () => {
  it('is the home\'s SQLite file without --database or AGENTID_DATABASE', () => {
    assert.deepEqual(databaseTarget(home, undefined, {}), { kind: 'sqlite', path: home.database, display: home.database })
    assert.equal(databaseTarget(home, undefined, { AGENTID_DATABASE: '' }).kind, 'sqlite')
  })

  it('reads the schema and the pool size off the URL, passes neither to the driver, and never shows the password', () => {
    const t = databaseTarget(home, 'postgres://svc:s3cret@db.internal:5432/agentid?schema=issuer&pool=24&sslmode=require', {})
    assert.equal(t.kind, 'postgres')
    if (t.kind !== 'postgres') return
    assert.equal(t.schema, 'issuer')
    assert.equal(t.poolSize, 24)
    assert.equal(t.url, 'postgres://svc:s3cret@db.internal:5432/agentid?sslmode=require')
    assert.ok(!t.display.includes('s3cret'), t.display)
    assert.match(t.display, /\(schema issuer\)$/)
    const defaults = databaseTarget(home, undefined, { AGENTID_DATABASE: 'postgresql://db.internal/agentid' })
    assert.ok(defaults.kind === 'postgres' && defaults.poolSize === DEFAULT_POOL_SIZE && defaults.schema === 'public')
  })

  for (const pool of ['0', '-1', '1.5', '1e1', 'eight', '', '201', '0x10', ' 8']) {
    it(`refuses pool=${JSON.stringify(pool)} with ERR_USAGE, naming where it came from`, () => {
      assert.throws(() => databaseTarget(home, `postgres://db.internal/agentid?pool=${encodeURIComponent(pool)}`, {}), (e: Error & { code?: string }) => e.code === 'ERR_USAGE' && /--database's pool must be a whole number of connections from 1 to 200/.test(e.message))
      assert.throws(() => databaseTarget(home, undefined, { AGENTID_DATABASE: `postgres://db.internal/agentid?pool=${encodeURIComponent(pool)}` }), (e: Error & { code?: string }) => e.code === 'ERR_USAGE' && /^AGENTID_DATABASE's pool/.test(e.message))
    })
  }

  it('refuses what is not a postgres:// URL', () => {
    for (const bad of ['mysql://db/agentid', 'not a url', 'sqlite:///tmp/x.db']) assert.throws(() => databaseTarget(home, bad, {}), (e: Error & { code?: string }) => e.code === 'ERR_USAGE')
  })
})

const unavailable = await postgresUnavailable()

whenPostgres('openStoreAt with ?pool=1: one connection per pool still serves concurrent work', unavailable, () => {
  it('answers twenty concurrent reads and writes through one writer and one reader connection, and opens no more', async () => {
    const { schema, drop } = freshSchema()
    // A name of its own, so that its connections can be counted on the server.
    const name = `agentid-pool-test-${process.pid}-${Date.now()}`
    const target = databaseTarget(home, `${TEST_DATABASE}?schema=${schema}&pool=1&application_name=${name}`, {})
    const { store, cluster } = await openStoreAt(target, { kek: generateKek(), create: true })
    try {
      const audit = { actor: 'test', action: 'setting.set', details: {} }
      const work = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store.setSetting(`k${i}`, String(i), audit) : store.getSetting('k0')))
      await Promise.all(work)
      for (let i = 0; i < 20; i += 2) assert.equal(await store.getSetting(`k${i}`), String(i))
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: TEST_DATABASE })
      await client.connect()
      try {
        const open = (await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0]!.n
        // One writer, one reader, and the bus's listening connection (with the default pools, the
        // same work opened ten).
        assert.ok(Number(open) <= 3, `${open} connections with pool=1`)
      } finally {
        await client.end()
      }
    } finally {
      await cluster.close()
      await store.close()
      await drop()
    }
  })
})
