import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { generateAgentKey } from '@agentid/agent'
import { auditEntryHash } from '../../src/audit/hash-chain.js'
import { ReadinessProbe } from '../../src/http/readiness.js'
import { Issuer } from '../../src/issuer.js'
import { freshSchema, postgresUnavailable, TEST_DATABASE } from '../store/postgres-support.js'

// Readiness at start verifies the audit log from its newest signed checkpoint, and the whole log
// in the background after: each kind of damage is caught by the one that can see it, on both
// backends. The log is damaged behind the store's back, with its append-only guards lifted.
interface Backend {
  readonly database?: string
  /** Runs one statement on the issuer's database (`?` placeholders), guards lifted. */
  exec(sql: string, args?: unknown[]): Promise<void>
  cleanup(): Promise<void>
}

const pgUnavailable = await postgresUnavailable()

async function sqliteBackend(home: string): Promise<Backend> {
  return {
    async exec(sql, args = []) {
      const db = new Database(join(home, 'issuer.db'))
      try {
        db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_checkpoints_no_update')
        db.prepare(sql).run(...args)
      } finally {
        db.close()
      }
    },
    async cleanup() {},
  }
}

async function postgresBackend(): Promise<Backend> {
  const { schema, drop } = freshSchema()
  return {
    database: `${TEST_DATABASE}?schema=${schema}`,
    async exec(sql, args = []) {
      const client = new pg.Client({ connectionString: TEST_DATABASE })
      await client.connect()
      try {
        await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`)
        await client.query('ALTER TABLE audit_log DISABLE TRIGGER USER; ALTER TABLE audit_checkpoints DISABLE TRIGGER USER')
        let n = 0
        await client.query(sql.replace(/\?/g, () => `$${++n}`), args)
        await client.query('ALTER TABLE audit_log ENABLE TRIGGER USER; ALTER TABLE audit_checkpoints ENABLE TRIGGER USER')
      } finally {
        await client.end()
      }
    },
    cleanup: drop,
  }
}

for (const name of ['sqlite', 'postgres'] as const) {
  describe(`readiness verifies the audit log from its newest checkpoint at start, and in full after: ${name}`, function () {
    let home: string
    let backend: Backend
    let issuer: Issuer
    let log: string[]

    before(function () {
      if (name === 'postgres' && pgUnavailable !== undefined) {
        if (process.env.CI === 'true') assert.fail(`CI must have PostgreSQL: ${pgUnavailable}`)
        this.skip()
      }
    })

    beforeEach(async () => {
      home = mkdtempSync(join(tmpdir(), 'agentid-readiness-'))
      backend = name === 'sqlite' ? await sqliteBackend(home) : await postgresBackend()
      issuer = (await Issuer.init({ home, env: {}, ...(backend.database ? { database: backend.database } : {}) })).issuer
      log = []
    })

    afterEach(async () => {
      await issuer.close()
      await backend.cleanup()
      rmSync(home, { recursive: true, force: true })
    })

    const enrol = async (n: number) => {
      for (let i = 0; i < n; i++) await issuer.registerAgent({ did: generateAgentKey().did, name: `bot-${i}`, kind: 'service', owner: 'ops' }, 'test')
    }
    // Entries 1..before, a checkpoint covering them, then `after` more entries.
    const history = async (after: number) => {
      await enrol(3)
      const checkpoint = (await issuer.checkpoint())!
      await enrol(after)
      return checkpoint.seq
    }
    // A probe started on a fresh issuer over the same database, as a restarted service would.
    // The background verification waits for the test before it starts and between pages.
    let release: () => void = () => undefined
    const restart = async () => {
      let gate = new Promise<void>((resolve) => (release = resolve))
      const pause = async () => {
        await gate
        gate = new Promise<void>((resolve) => (release = resolve))
      }
      const probe = new ReadinessProbe(issuer, (line) => log.push(line), pause)
      await probe.start()
      return probe
    }
    const code = async (probe: ReadinessProbe) => (await probe.check(false)).code
    const verifyInFull = async (probe: ReadinessProbe) => {
      let done = false
      const verified = probe.verified().then(() => (done = true))
      while (!done) {
        release()
        await new Promise((resolve) => setImmediate(resolve))
      }
      await verified
    }
    const stop = async (probe: ReadinessProbe) => {
      const settled = probe.settled()
      release()
      await settled
    }
    const alter = (seq: number) => backend.exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", [seq])

    it('is ready once the log from the checkpoint holds, and stays so when the full verification agrees', async () => {
      await history(2)
      const probe = await restart()
      assert.equal((await probe.check(false)).ready, true)
      await verifyInFull(probe)
      assert.equal((await probe.check(false)).ready, true)
      assert.deepEqual(log, [])
      await stop(probe)
    })

    it('without a checkpoint verifies the whole log at start, as before', async () => {
      await enrol(3)
      await alter(2)
      const probe = await restart()
      assert.equal(await code(probe), 'ERR_AUDIT_BROKEN')
      await stop(probe)
    })

    it('is not ready at start when an entry after the checkpoint was altered', async () => {
      const seq = await history(2)
      await alter(seq + 1)
      const probe = await restart()
      assert.equal(await code(probe), 'ERR_AUDIT_BROKEN')
      assert.match(log.join('\n'), new RegExp(`not ready: audit log is broken at entry ${seq + 1}`))
      await stop(probe)
    })

    it('is ready at start when an entry before the checkpoint was altered, and not ready once the full verification finds it', async () => {
      await history(2)
      await alter(2)
      const probe = await restart()
      assert.equal((await probe.check(false)).ready, true)
      await verifyInFull(probe)
      const after = await probe.check(false)
      assert.deepEqual([after.ready, after.code], [false, 'ERR_AUDIT_BROKEN'])
      assert.match(after.checks.audit.detail, /broken at entry 2: .*full verification after start/)
      assert.equal(log.length, 1)
      // It stays so: a later tail check does not undo what the full verification found.
      assert.equal(await code(probe), 'ERR_AUDIT_BROKEN')
      await stop(probe)
    })

    const forgeries: Array<[string, (seq: number) => Promise<void>]> = [
      ['a checkpoint whose signature does not verify', async (seq) => {
        const [cp] = await issuer.listCheckpoints(1)
        const [header, payload, signature] = cp!.jwt.split('.')
        const bad = Buffer.from(signature!, 'base64url')
        bad[0] = bad[0]! ^ 1
        await backend.exec('UPDATE audit_checkpoints SET jwt = ? WHERE seq = ?', [[header, payload, bad.toString('base64url')].join('.'), seq])
      }],
      ['a checkpoint record naming an entry its signature does not cover', async (seq) => {
        await backend.exec('UPDATE audit_checkpoints SET head = ? WHERE seq = ?', ['f'.repeat(64), seq])
      }],
      ['a log rewritten and re-hashed from before the checkpoint (the stored entry is not the one signed)', async () => {
        const entries = await issuer.readAudit()
        let prev = entries[1]!.prevHash
        for (const e of entries.slice(1)) {
          const actor = e.seq === 2 ? 'mallory' : e.actor
          const hash = auditEntryHash(prev, e.seq, e.at, { ...e, actor })
          await backend.exec('UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?', [actor, prev, hash, e.seq])
          prev = hash
        }
      }],
      ['a log truncated before the checkpoint\'s entry', async (seq) => {
        await backend.exec('UPDATE audit_log SET seq = seq + 1000 WHERE seq >= ?', [seq])
      }],
    ]
    for (const [what, forge] of forgeries) {
      it(`is not ready at start with ${what}`, async () => {
        const seq = await history(2)
        await forge(seq)
        const probe = await restart()
        assert.equal(await code(probe), 'ERR_AUDIT_BROKEN')
        await stop(probe)
      })
    }
  })
}
