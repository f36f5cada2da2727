import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { agentIdError } from '@agentid/core'
import { findChainBreak, generateKek, openPostgresStore, type AgentRecord, type CredentialDraft, type IssuerStore } from '@agentid/issuer'
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js'
import { freshSchema, postgresUnavailable, TEST_DATABASE, whenPostgres } from './store/postgres-support.js'

// What only a networked backend can get wrong: two stores on two pools, as two replicas of the
// issuer, against one schema. No sleeps: the races are started together and awaited.

const T = Date.UTC(2026, 10, 30, 9, 0, 0)
const AGENT = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw'
const ISSUER = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'
const agent: AgentRecord = { did: AGENT, name: 'report-bot', kind: 'company', owner: 'sales-team', status: 'active', createdAt: T }
const setup = {
  settings: { issuerDid: ISSUER, publicUrl: 'http://127.0.0.1:8470' },
  statusList: { id: 'rev-1', purpose: 'revocation' as const, size: 131072, createdAt: T },
  admin: { id: 'admin', roles: ['admin'], tokenSha256: 'a'.repeat(64), createdAt: T },
  roles: [],
}
const audit = { actor: 'test', action: 'credential.issue', details: {} }

function draft(id: string): CredentialDraft {
  return { id, subject: AGENT, issuer: ISSUER, entitlements: [{ resource: 'db:customers', actions: ['read'] }], notBefore: T / 1000, expires: T / 1000 + 3600 }
}

async function withClient<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE })
  await client.connect()
  try {
    return await body(client)
  } finally {
    await client.end()
  }
}

const unavailable = await postgresUnavailable()

whenPostgres('PostgreSQL backend: replicas on one database', unavailable, () => {
  describe('PostgreSQL backend: replicas on one database', () => {
    let schema: string
    let drop: () => Promise<void>
    let a: IssuerStore
    let b: IssuerStore
    // Both replicas draw indexes from the same short sequence: every pick after the first collides.
    const sequence = () => {
      let next = 0
      return (max: number) => next++ % Math.min(max, 1000)
    }

    beforeEach(async () => {
      ;({ schema, drop } = freshSchema())
      // Replicas share the operator's key-encryption key.
      const kek = generateKek()
      a = await openPostgresStore({ url: TEST_DATABASE, kek, create: true, schema, now: () => T, randomIndex: sequence() })
      await a.initialize(setup, { actor: 'system', action: 'issuer.init', details: {} })
      await a.registerAgent(agent, { actor: 'test', action: 'agent.register', target: AGENT, details: {} })
      b = await openPostgresStore({ url: TEST_DATABASE, kek, create: false, schema, now: () => T, randomIndex: sequence() })
    })

    afterEach(async () => {
      await Promise.all([a.close(), b.close()])
      await drop()
    })

    it('never gives one status index twice when two replicas issue at once from the same picks', async () => {
      const issue = (store: IssuerStore, name: string, i: number) => store.issueCredential(draft(`urn:uuid:${name}-${i}`), async (slot) => `jwt-${slot.index}`, () => audit)
      const issued = await Promise.all(Array.from({ length: 15 }, (_, i) => [issue(a, 'a', i), issue(b, 'b', i)]).flat())
      const indexes = issued.map((c) => c.record.index)
      assert.equal(new Set(indexes).size, 30)
      // Each JWT was signed with the slot its row holds.
      assert.ok(issued.every((c) => c.jwt === `jwt-${c.record.index}`))
      assert.equal((await b.listCredentials({ subject: AGENT })).length, 30)
      assert.equal(findChainBreak(await a.readAudit()), undefined)
    })

    it('counts one of two approvals of the same level given on two replicas', async () => {
      const request = {
        id: 'req-1', subject: AGENT, requester: 'olga', entitlements: [{ resource: 'db:x', actions: ['write'] }], ttlSeconds: 3600, jit: false, risk: 'high' as const,
        chain: ['ai-ops', 'security'], policyVersion: 0, status: 'pending' as const, createdAt: T, expiresAt: T + 3600_000, approvals: [],
      }
      await a.createRequest(request, audit)
      const approve = (store: IssuerStore, principal: string) => store.decideRequest('req-1', (current) => {
        if (current.approvals.length !== 0) throw agentIdError('ERR_CONFLICT', 'level 1 is decided already')
        return { approval: { level: 0, principal, role: 'ai-ops', decision: 'approve' as const, at: T }, audit: { actor: principal, action: 'request.approve', target: 'req-1', details: {} } }
      })
      const outcomes = await Promise.allSettled([approve(a, 'ada'), approve(b, 'alan')])
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'])
      assert.equal((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_CONFLICT')
      assert.equal((await b.getRequest('req-1'))?.approvals.length, 1)
    })

    it('keeps one audit chain, strictly ordered and without gaps, when both replicas append at once', async () => {
      const before = (await a.readAudit()).length
      await Promise.all(Array.from({ length: 25 }, (_, i) => [
        a.recordEvent({ actor: 'a', action: 'access.refused', details: { i } }),
        b.recordEvent({ actor: 'b', action: 'access.refused', details: { i } }),
      ]).flat())
      const entries = await b.readAudit()
      assert.equal(entries.length, before + 50)
      assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => i + 1))
      assert.equal(findChainBreak(entries), undefined)
    })

    it('renews a credential once when two replicas renew it at once', async () => {
      const renewUntil = T / 1000 + 86400
      await a.issueCredential({ ...draft('urn:uuid:n0'), renewUntil }, async () => 'n0', () => audit)
      const renew = (store: IssuerStore, id: string) => store.issueCredential({ ...draft(id), renews: 'urn:uuid:n0', renewUntil }, async () => id, () => audit)
      const outcomes = await Promise.allSettled([renew(a, 'urn:uuid:n1'), renew(b, 'urn:uuid:n2')])
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'])
      assert.equal((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_CONFLICT')
      const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ record: { id: string } }>).value.record.id
      assert.equal((await a.getRenewal('urn:uuid:n0'))?.id, winner)
      assert.equal((await a.listCredentials({ subject: AGENT })).length, 2)
    })

    it('redeems an offer once when two replicas redeem it at once', async () => {
      await a.issueCredential(draft('urn:uuid:o1'), async () => 'o1', () => audit)
      await a.createOffer({ codeSha256: 'c'.repeat(64), subject: AGENT, credentials: ['urn:uuid:o1'], failedAttempts: 0, createdBy: 'admin', createdAt: T, expiresAt: T + 600_000 }, audit)
      const redeem = (store: IssuerStore) => store.redeemOffer('c'.repeat(64), undefined, { now: T + 1000, maxAttempts: 3, holder: AGENT, audit: () => audit })
      const outcomes = await Promise.all([redeem(a), redeem(b), redeem(a), redeem(b)])
      assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['redeemed', 'used', 'used', 'used'])
    })

    it('keeps nothing of an issuance whose signing fails, while the other replica issues', async () => {
      const before = await a.readAudit()
      const outcomes = await Promise.allSettled([
        a.issueCredential(draft('urn:uuid:fail'), async () => { throw new Error('kms down') }, () => audit),
        b.issueCredential(draft('urn:uuid:ok'), async () => 'ok', () => audit),
      ])
      assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'fulfilled'])
      assert.equal((outcomes[0] as PromiseRejectedResult).reason.code, 'ERR_STORE')
      assert.equal(await b.getCredential('urn:uuid:fail'), undefined)
      const after = await b.readAudit()
      assert.equal(after.length, before.length + 1)
      assert.equal(after.at(-1)?.seq, before.length + 1)
      // The failing replica's connection went back to its pool clean: it issues next.
      await a.issueCredential(draft('urn:uuid:next'), async () => 'next', () => audit)
      assert.ok(await b.getCredential('urn:uuid:next'))
    })

    it('commits the writes that queued together in one transaction, each in its own savepoint: one that fails is rolled back alone', async () => {
      const before = await a.readAudit()
      // Queued in one turn of the event loop: one group, one transaction, one commit.
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) =>
        a.issueCredential(draft(`urn:uuid:group-${i}`), async (slot) => { if (i === 5) throw new Error('kms down'); return `jwt-${slot.index}` }, () => audit)))
      assert.deepEqual(outcomes.map((o) => o.status), Array.from({ length: 12 }, (_, i) => (i === 5 ? 'rejected' : 'fulfilled')))
      assert.equal(await b.getCredential('urn:uuid:group-5'), undefined)
      for (const i of [0, 4, 6, 11]) assert.ok(await b.getCredential(`urn:uuid:group-${i}`))
      const after = await b.readAudit()
      assert.equal(after.length, before.length + 11)
      assert.equal(findChainBreak(after), undefined)
    })

    it('fails every write of a group whose commit is refused, and answers none of them', async () => {
      // Refused at commit when the poisoned row is in it: the writes queued with it share its fate,
      // which shows they share its transaction; none is answered as done.
      await withClient(async (client) => {
        await client.query(`SET search_path = ${schema}`)
        await client.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.id = 'urn:uuid:poison' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NULL; END $$`)
        await client.query('CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON credentials DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_poison()')
      })
      const before = await b.readAudit()
      const ids = ['urn:uuid:with-1', 'urn:uuid:poison', 'urn:uuid:with-2', 'urn:uuid:with-3']
      const outcomes = await Promise.allSettled(ids.map((id) => a.issueCredential(draft(id), async () => 'jwt', () => audit)))
      assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected', 'rejected'])
      for (const id of ids) assert.equal(await b.getCredential(id), undefined)
      assert.deepEqual(await b.readAudit(), before)
      // The next group, without it, commits.
      await a.issueCredential(draft('urn:uuid:after'), async () => 'jwt', () => audit)
      assert.ok(await b.getCredential('urn:uuid:after'))
    })

    it('answers nothing before COMMIT: a transaction refused at commit is an error, and leaves nothing', async () => {
      // A deferred constraint trigger: the row and its audit entry are written, COMMIT refuses.
      await withClient(async (client) => {
        await client.query(`SET search_path = ${schema}`)
        await client.query(`CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.id LIKE 'urn:refuse:%' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NULL; END $$`)
        await client.query('CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON credentials DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()')
      })
      const before = await a.readAudit()
      await assert.rejects(a.issueCredential(draft('urn:refuse:1'), async () => 'jwt', () => audit), { code: 'ERR_STORE' })
      assert.equal(await b.getCredential('urn:refuse:1'), undefined)
      assert.deepEqual(await b.readAudit(), before)
    })

    it('keeps the audit log, its checkpoints and the alerts append-only', async () => {
      await a.writeCheckpoint(async () => 'jwt')
      await a.addAlerts([{ at: T, kind: 'anomaly.rate', severity: 'low', details: {} }])
      await withClient(async (client) => {
        await client.query(`SET search_path = ${schema}`)
        for (const table of ['audit_log', 'audit_checkpoints', 'alerts']) {
          await assert.rejects(client.query(`UPDATE ${table} SET at = 0`), /append-only/)
          await assert.rejects(client.query(`DELETE FROM ${table}`), /append-only/)
          await assert.rejects(client.query(`TRUNCATE ${table} CASCADE`), /append-only/)
        }
      })
    })

    it('keeps private keys sealed: the custody table never holds the key in clear', async () => {
      const secret = 'ab'.repeat(32)
      await a.custody.privateKeyStore.importKey({ alias: 'k1', type: 'Ed25519', privateKeyHex: secret })
      assert.equal((await b.custody.privateKeyStore.getKey({ alias: 'k1' })).privateKeyHex, secret)
      const sealed = await withClient(async (client) => (await client.query(`SELECT sealed FROM ${schema}.custody_private_keys`)).rows.map((r: { sealed: string }) => r.sealed))
      assert.equal(sealed.length, 1)
      assert.ok(!sealed[0]!.includes(secret))
      const raw = Buffer.from(secret, 'hex')
      for (const encoding of ['base64', 'base64url'] as const) assert.ok(!sealed[0]!.includes(raw.toString(encoding)))
    })
  })

  describe('PostgreSQL backend: opening', () => {
    it('applies each migration once when two processes open a new schema together', async () => {
      const { schema, drop } = freshSchema()
      const here = dirname(fileURLToPath(import.meta.url))
      const script = `import { generateKek, openPostgresStore } from '@agentid/issuer'
        const store = await openPostgresStore({ url: process.env.URL, kek: generateKek(), create: true, schema: process.env.SCHEMA })
        await store.close()`
      const open = () => new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: here, env: { ...process.env, URL: TEST_DATABASE, SCHEMA: schema }, stdio: ['ignore', 'ignore', 'inherit'] })
        child.on('error', reject)
        child.on('exit', (code) => resolve(code ?? -1))
      })
      try {
        assert.deepEqual(await Promise.all([open(), open(), open()]), [0, 0, 0])
        const rows = await withClient(async (client) => (await client.query(`SELECT version, COUNT(*)::int AS n FROM ${schema}.schema_migrations GROUP BY version ORDER BY version`)).rows)
        assert.ok(rows.length >= 1)
        assert.ok(rows.every((r: { n: number }) => r.n === 1))
        const lists = await withClient(async (client) => (await client.query(`SELECT id FROM ${schema}.status_lists`)).rows.map((r: { id: string }) => r.id))
        assert.deepEqual(lists, ['sus-1'])
      } finally {
        await drop()
      }
    })

    it('migrates a schema-2 database to alert scores: backfilled from the details, alerts still append-only', async () => {
      const { schema, drop } = freshSchema()
      try {
        await withClient(async (client) => {
          await client.query(`CREATE SCHEMA ${schema}`)
          await client.query(`SET search_path = ${schema}`)
          await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)')
          for (const m of POSTGRES_MIGRATIONS.filter((m) => m.version <= 2)) {
            await client.query(m.sql)
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)', [m.version, m.name])
          }
          for (const [kind, details] of [['anomaly.a', '{"score":0.75}'], ['review.overdue', '{}'], ['anomaly.b', '{"score":1}'], ['anomaly.c', '{"score":"high"}']]) {
            await client.query("INSERT INTO alerts (at, kind, severity, details) VALUES (1, $1, 'high', $2)", [kind, details])
          }
        })
        await (await openPostgresStore({ url: TEST_DATABASE, kek: generateKek(), create: false, schema })).close()
        await withClient(async (client) => {
          const rows = (await client.query(`SELECT kind, score FROM ${schema}.alerts ORDER BY id`)).rows
          assert.deepEqual(rows, [{ kind: 'anomaly.a', score: 0.75 }, { kind: 'review.overdue', score: null }, { kind: 'anomaly.b', score: 1 }, { kind: 'anomaly.c', score: null }])
          await assert.rejects(client.query(`UPDATE ${schema}.alerts SET score = 0`), /append-only/)
          await assert.rejects(client.query(`DELETE FROM ${schema}.alerts`), /append-only/)
        })
      } finally {
        await drop()
      }
    })

    it('refuses a schema without an issuer unless asked to create one, a newer schema, and an unreachable server', async () => {
      const { schema, drop } = freshSchema()
      try {
        await assert.rejects(openPostgresStore({ url: TEST_DATABASE, kek: generateKek(), create: false, schema }), { code: 'ERR_NOT_FOUND' })
        await (await openPostgresStore({ url: TEST_DATABASE, kek: generateKek(), create: true, schema })).close()
        await withClient((client) => client.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`))
        await assert.rejects(openPostgresStore({ url: TEST_DATABASE, kek: generateKek(), create: false, schema }), { code: 'ERR_STORE' })
      } finally {
        await drop()
      }
      await assert.rejects(openPostgresStore({ url: TEST_DATABASE, kek: generateKek(), create: true, schema: 'no; drop' }), { code: 'ERR_INPUT_INVALID' })
      await assert.rejects(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test', kek: generateKek(), create: true }), { code: 'ERR_STORE' })
    })
  })
})
