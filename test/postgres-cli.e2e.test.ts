import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropSchemas, postgresForTests } from '../packages/issuer/test/store/postgres-support.js'
import { agentid, type CliResult } from './support/cli.js'

// The operator's commands against PostgreSQL, as real processes: init there, migrate an existing
// SQLite issuer there (its audit chain intact, checked), doctor, and the SQLite-only commands
// refused with what to do instead.
describe('the CLI on PostgreSQL: init, migrate, doctor (real processes)', function () {
  this.timeout(180_000)
  let server: string
  let dir: string
  const schemas: string[] = []
  const schema = () => {
    const name = `agentid_cli_${randomBytes(6).toString('hex')}`
    schemas.push(name)
    return name
  }
  const run = (env: Record<string, string>, ...args: string[]): Promise<CliResult> => agentid(['--json', ...args], { cwd: dir, env })
  const ok = (r: CliResult): any => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout)
  }
  const refused = (r: CliResult): string => {
    assert.notEqual(r.code, 0, r.stdout)
    return JSON.parse(r.stderr).error.code
  }

  before(async function () {
    const found = await postgresForTests()
    if (!found) return this.skip()
    server = found
    dir = mkdtempSync(join(tmpdir(), 'agentid-pg-cli-'))
  })
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (server) await dropSchemas(schemas)
  })

  it('creates an issuer in PostgreSQL with AGENTID_DATABASE, works on it, and refuses a second init there', async () => {
    const database = `${server}?schema=${schema()}`
    const env = { AGENTID_HOME: join(dir, 'pg-home'), AGENTID_DATABASE: database }
    const made = ok(await run(env, 'init'))
    assert.match(made.database, /^postgres:\/\//)
    const did = ok(await run(env, 'agent', 'keygen', '--out', 'bot.key')).did
    ok(await run(env, 'agent', 'register', did, '--name', 'bot', '--kind', 'service', '--owner', 'ops'))
    assert.equal(ok(await run(env, 'agent', 'list')).agents.length, 1)
    assert.equal(ok(await run(env, 'audit', 'verify')).ok, true)
    // Another home on the same schema: an issuer is there already, and nothing is written into it.
    assert.equal(refused(await run({ ...env, AGENTID_HOME: join(dir, 'other-home') }, 'init')), 'ERR_CONFLICT')
    assert.equal(ok(await run(env, 'agent', 'list')).agents.length, 1)
    const doctor = ok(await run(env, 'doctor'))
    assert.equal(doctor.ok, true, JSON.stringify(doctor.findings))
    assert.ok(doctor.findings.some((f: { check: string }) => f.check === 'database'))
    assert.equal(refused(await run(env, 'backup', 'x.db')), 'ERR_USAGE')
  })

  it('says there is no issuer in an empty schema, and how to make one', async () => {
    const env = { AGENTID_HOME: join(dir, 'empty-home'), AGENTID_DATABASE: `${server}?schema=${schema()}` }
    ok(await run({ AGENTID_HOME: env.AGENTID_HOME }, 'init'))
    assert.equal(refused(await run(env, 'agent', 'list')), 'ERR_NOT_FOUND')
    assert.equal(refused(await run({ ...env, AGENTID_DATABASE: 'mysql://x' }, 'agent', 'list')), 'ERR_USAGE')
  })

  it('migrates a SQLite issuer with its audit chain, then serves the same state from PostgreSQL', async () => {
    const home = join(dir, 'sqlite-home')
    const local = { AGENTID_HOME: home }
    ok(await run(local, 'init'))
    const dids: string[] = []
    for (let i = 0; i < 3; i++) {
      const did = ok(await run(local, 'agent', 'keygen', '--out', `m${i}.key`)).did
      ok(await run(local, 'agent', 'register', did, '--name', `bot-${i}`, '--kind', 'service', '--owner', 'ops'))
      dids.push(did)
    }
    const granted = ok(await run(local, 'grant', dids[0]!, '--resource', 'db:orders', '--action', 'read', '--ttl', '1h'))
    ok(await run(local, 'revoke', granted.id, '--reason', 'test'))
    ok(await run(local, 'audit', 'checkpoint'))
    const before = ok(await run(local, 'audit', 'verify'))

    const database = `${server}?schema=${schema()}`
    const moved = ok(await run(local, 'migrate', '--to', database))
    assert.equal(moved.auditEntries, before.entries)
    assert.equal(moved.checkpoints, before.checkpoints)
    assert.ok(moved.tables.some((t: { table: string; rows: number }) => t.table === 'credentials' && t.rows === 1))
    const onPostgres = { ...local, AGENTID_DATABASE: database }
    assert.deepEqual(ok(await run(onPostgres, 'agent', 'list')).agents.map((a: { did: string }) => a.did).sort(), [...dids].sort())
    const after = ok(await run(onPostgres, 'audit', 'verify'))
    assert.equal(after.head, before.head)
    // It keeps working where it left off: the next audit entry follows the migrated chain.
    ok(await run(onPostgres, 'agent', 'register', ok(await run(onPostgres, 'agent', 'keygen', '--out', 'm3.key')).did, '--name', 'bot-3', '--kind', 'service', '--owner', 'ops'))
    assert.equal(ok(await run(onPostgres, 'audit', 'verify')).entries, before.entries + 1)
    // Into a schema that holds an issuer now: refused, and nothing changes there.
    assert.equal(refused(await run(local, 'migrate', '--to', database)), 'ERR_CONFLICT')
    assert.equal(ok(await run(onPostgres, 'audit', 'verify')).entries, before.entries + 1)
  })
})
