import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, policyToJson } from '@agentid/issuer'
import { dropSchemas, postgresForTests } from '../packages/issuer/test/store/postgres-support.js'
import { AGENTID_BIN } from './support/cli.js'
import { freePort } from './support/service.js'

// Three `agentid serve` processes on one PostgreSQL database, sixteen clients granting and
// revoking through them in turn, and one replica killed with -9 in the middle of that load,
// again and again (AGENTID_REPLICA_KILLS: 5 in npm test, 20 in `npm run replicas`): no answered credential is lost, no status
// index is used twice, the audit chain verifies, and the survivors' subscribers still hear pushes.

const KILLS = Number(process.env.AGENTID_REPLICA_KILLS ?? 5)
const CLIENTS = 16

interface Replica { port: number; child?: ChildProcess; url: string }

describe(`replicas killed with -9 under load (${KILLS} kills, ${CLIENTS} clients, 3 agentid serve processes)`, function () {
  this.timeout(600_000)
  let url: string
  let database: string
  let schema: string
  let home: string
  let admin: string
  const replicas: Replica[] = []

  async function start(replica: Replica): Promise<void> {
    const child = spawn(process.execPath, [AGENTID_BIN, '--json', '--database', database, 'serve', '--port', String(replica.port), '--public-url-mismatch-ok', '--rate', '0', '--access-log', 'off'], {
      env: { ...process.env, AGENTID_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    replica.child = child
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    // Ready once it has said where it listens (the JSON result line).
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! })
      lines.on('line', (line) => {
        if (line.includes('"url"')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`replica on ${replica.port} exited (${code}) before it listened: ${stderr}`)))
    })
  }

  before(async function () {
    const server = await postgresForTests()
    if (!server) return this.skip()
    url = server
    schema = `agentid_kill_${randomBytes(6).toString('hex')}`
    database = `${url}?schema=${schema}`
    home = mkdtempSync(join(tmpdir(), 'agentid-kill-'))
    const publicUrl = `http://127.0.0.1:${await freePort()}`
    const made = await Issuer.init({ home, database, env: { AGENTID_PUBLIC_URL: publicUrl } })
    admin = made.adminToken
    await made.issuer.setPolicy({ ...policyToJson(DEFAULT_POLICY), approvalChains: { low: [], medium: [], high: [], critical: [] }, rules: [{ resource: '*', actions: ['*'], risk: 'low', maxTtl: '30d' }] }, 'test')
    await made.issuer.close()
    for (let i = 0; i < 3; i++) replicas.push({ port: await freePort(), url: '' })
    for (const replica of replicas) {
      replica.url = `http://127.0.0.1:${replica.port}`
      await start(replica)
    }
  })

  after(async () => {
    for (const replica of replicas) replica.child?.kill('SIGKILL')
    if (home) rmSync(home, { recursive: true, force: true })
    if (schema) await dropSchemas([schema])
  })

  // One call through the "load balancer": the next replica in turn; a replica that is down (or
  // dies mid-call) sends the call to the next one, as a client of a load balancer would retry.
  let turn = 0
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; replica: number }> {
    for (let attempt = 0; ; attempt++) {
      const n = turn++ % replicas.length
      try {
        const response = await fetch(`${replicas[n]!.url}${path}`, {
          method, headers: { authorization: `Bearer ${admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        })
        return { status: response.status, body: await response.json(), replica: n }
      } catch (error) {
        if (attempt > 300) throw error
        // Connection refused or reset: that replica is down. Take the next (no wait: another is up).
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
  }

  it('loses no answered credential, reuses no status index, keeps the audit chain, and keeps pushing', async () => {
    const answered: Array<{ id: string; subject: string; list: string; index: number }> = []
    const revoked = new Set<string>()
    let stop = false
    let progress: () => void = () => undefined
    const client = async () => {
      while (!stop) {
        const key = generateAgentKey()
        // A retry after a replica died mid-call may find the agent enrolled already: that counts.
        const enrolled = await call('POST', '/agents', { did: key.did, name: 'load', kind: 'service', owner: 'ops' })
        assert.ok([201, 409].includes(enrolled.status), JSON.stringify(enrolled.body))
        const granted = await call('POST', '/requests', { subject: key.did, entitlements: [{ resource: 'db:orders', actions: ['read'] }], ttl: '1h' })
        assert.equal(granted.status, 201, JSON.stringify(granted.body))
        const c = granted.body.credential
        answered.push({ id: c.id, subject: key.did, list: c.statusList, index: c.statusIndex })
        if (answered.length % 5 === 0) {
          const victim = answered[answered.length - 3]!
          const r = await call('POST', `/credentials/${encodeURIComponent(victim.id)}/revoke`, { reason: 'load' })
          assert.equal(r.status, 200, JSON.stringify(r.body))
          revoked.add(victim.id)
        }
        progress()
      }
    }
    const clients = Array.from({ length: CLIENTS }, client)
    const answeredAtLeast = (n: number) => new Promise<void>((resolve) => {
      progress = () => {
        if (answered.length >= n) resolve()
      }
      progress()
    })
    for (let k = 0; k < KILLS; k++) {
      // Mid-load: only once more credentials were answered since the last kill.
      await answeredAtLeast(answered.length + 8)
      const replica = replicas[k % replicas.length]!
      const exited = new Promise((resolve) => replica.child!.once('exit', resolve))
      replica.child!.kill('SIGKILL')
      await exited
      await start(replica)
    }
    await answeredAtLeast(answered.length + 8)
    stop = true
    await Promise.all(clients)

    // Every answered credential is there, with its status, whichever replica answered it.
    for (const credential of answered) {
      const seen = await call('GET', `/credentials/${encodeURIComponent(credential.id)}`)
      assert.equal(seen.status, 200, `${credential.id} was answered and is lost`)
      assert.equal(seen.body.subject, credential.subject)
      if (revoked.has(credential.id)) assert.equal(seen.body.status, 'revoked')
    }
    const slots = new Set(answered.map((c) => `${c.list}#${c.index}`))
    assert.equal(slots.size, answered.length, 'a status index answered twice')
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    const reused = await db.query(`SELECT status_list, status_index FROM ${pg.escapeIdentifier(schema)}.credentials GROUP BY 1, 2 HAVING count(*) > 1`)
    const total = await db.query(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.credentials`)
    await db.end()
    assert.deepEqual(reused.rows, [], 'a status index used twice in the database')

    const issuer = await Issuer.open({ home, database, env: {} })
    try {
      const audit = await issuer.verifyAudit()
      assert.ok(audit.ok, JSON.stringify(audit))
      console.log(`      ${answered.length} credentials answered (${total.rows[0].n} in the database), ${revoked.size} revoked, ${KILLS} replicas killed; audit chain of ${audit.entries} entries verifies`)
    } finally {
      await issuer.close()
    }

    // The survivors of the last kill still push: a revocation at one reaches the others' streams.
    const listeners = await Promise.all([1, 2].map(async (n) => {
      const response = await fetch(`${replicas[(KILLS + n) % 3]!.url}/status/events`)
      const reader = response.body!.getReader()
      let text = ''
      let events = 0
      return {
        reader,
        async until(count: number) {
          while (events < count) {
            const { value, done } = await reader.read()
            if (done) throw new Error('stream ended')
            text += Buffer.from(value).toString()
            events = (text.match(/event: status/g) ?? []).length
          }
        },
        get events() { return events },
      }
    }))
    const lists = 2
    for (const l of listeners) await l.until(lists)
    const last = answered.find((c) => !revoked.has(c.id))!
    const r = await fetch(`${replicas[KILLS % 3]!.url}/credentials/${encodeURIComponent(last.id)}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"reason":"push"}' })
    assert.equal(r.status, 200)
    for (const l of listeners) await l.until(lists + 1)
    await Promise.all(listeners.map((l) => l.reader.cancel()))
  })
})
