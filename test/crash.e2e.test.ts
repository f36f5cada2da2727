import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateAgentKey } from '@agentid/agent'
import { Issuer } from '@agentid/issuer'
import { AGENTID_BIN } from './support/cli.js'
import { waitForOutput } from './support/process-output.js'
import { freePort } from './support/service.js'

// The issuer as a real process under a stream of grants and revocations, killed with SIGKILL at
// random moments and restarted. After each restart: every credential a client received has its
// row and its audit entry, no status index is used twice, the audit chain verifies, and SQLite's
// integrity check is ok. `npm test` runs a few kills; `npm run crash` runs 50 (AGENTID_CRASH_KILLS).
const KILLS = Number(process.env.AGENTID_CRASH_KILLS ?? 4)

describe(`crash safety: ${KILLS} SIGKILLs under load`, function () {
  this.timeout(0)
  let dir: string
  let home: string
  let token: string
  const agent = generateAgentKey()
  const received = new Map<string, string>() // credential id -> its JWT, as clients got them
  const revoked = new Set<string>()

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-crash-'))
    home = join(dir, '.agentid')
    const { issuer, adminToken } = await Issuer.init({ home, env: {} })
    await issuer.registerAgent({ did: agent.did, name: 'crash-bot', kind: 'service', owner: 'ops' }, 'test')
    await issuer.close()
    token = adminToken
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  async function start(port: number): Promise<ChildProcess> {
    // A new port at each restart, so the stored public URL (http://127.0.0.1:8470) is not where it
    // listens: told so, as an operator behind a proxy would. What is tested is what a kill loses.
    const child = spawn(process.execPath, [AGENTID_BIN, 'serve', '--port', String(port), '--sweep-interval', '0', '--public-url-mismatch-ok', '--access-log', 'off'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AGENTID_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
    await waitForOutput(child, 'listening')
    return child
  }

  // Clients: grants (kept when answered 201) and revocations of what they received.
  function load(url: string, stop: { now: boolean; answered: () => void }): Promise<void> {
    let n = 0
    const one = async () => {
      while (!stop.now) {
        try {
          if (received.size > 0 && n++ % 4 === 0) {
            const id = [...received.keys()].find((c) => !revoked.has(c))
            if (id) {
              const r = await fetch(`${url}/credentials/${encodeURIComponent(id)}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
              if (r.status === 200) revoked.add(id)
              await r.body?.cancel()
              continue
            }
          }
          const r = await fetch(`${url}/requests`, {
            method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ subject: agent.did, entitlements: [{ resource: `db:t/${n}`, actions: ['read'] }], ttl: '1h' }),
          })
          if (r.status === 201) {
            const { credential } = (await r.json()) as { credential: { id: string; jwt: string } }
            received.set(credential.id, credential.jwt)
            stop.answered()
          } else await r.body?.cancel()
        } catch {
          return // the server died: this client stops
        }
      }
    }
    return Promise.all(Array.from({ length: 8 }, one)).then(() => undefined)
  }

  it('keeps every answered credential, never reuses a status index, and the audit chain and database stay sound', async () => {
    for (let kill = 0; kill < KILLS; kill++) {
      const port = await freePort()
      const server = await start(port)
      // Killed after a random number (1 to 12) of answered grants, not after a span of time: the
      // kill lands mid-load however fast or busy the machine is.
      const target = 1 + Math.floor(Math.random() * 12)
      let answered = 0
      let reached!: () => void
      const enough = new Promise<void>((resolve) => (reached = resolve))
      const stop = { now: false, answered: () => { if (++answered >= target) reached() } }
      const clients = load(`http://127.0.0.1:${port}`, stop)
      await enough
      const exited = new Promise((r) => server.once('exit', r))
      server.kill('SIGKILL')
      await exited
      stop.now = true
      await clients

      const db = new Database(join(home, 'issuer.db'))
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
        const rows = new Map((db.prepare('SELECT id, jwt_sha256 FROM credentials').all() as Array<{ id: string; jwt_sha256: string }>).map((r) => [r.id, r.jwt_sha256]))
        const issued = new Set((db.prepare("SELECT target FROM audit_log WHERE action = 'credential.issue'").all() as Array<{ target: string }>).map((r) => r.target))
        for (const [id] of received) {
          assert.ok(rows.has(id), `kill ${kill}: credential ${id} was answered but has no row`)
          assert.ok(issued.has(id), `kill ${kill}: credential ${id} was answered but has no audit entry`)
        }
        const slots = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT status_index) AS d FROM credentials').get() as { n: number; d: number }
        assert.equal(slots.n, slots.d, `kill ${kill}: a status index was used twice`)
        for (const id of revoked) assert.equal((db.prepare('SELECT status FROM credentials WHERE id = ?').get(id) as { status: string }).status, 'revoked')
      } finally {
        db.close()
      }
      const issuer = await Issuer.open({ home, env: {} })
      try {
        const audit = await issuer.verifyAudit()
        assert.equal(audit.ok, true, `kill ${kill}: ${JSON.stringify(audit)}`)
      } finally {
        await issuer.close()
      }
    }
    assert.ok(received.size > 0, 'the load issued credentials')
    console.log(`      ${received.size} credentials answered and ${revoked.size} revocations across ${KILLS} kills, all accounted for`)
    // The JWTs clients hold are the ones recorded.
    const { createHash } = await import('node:crypto')
    const db = new Database(join(home, 'issuer.db'), { readonly: true })
    for (const [id, jwt] of received) assert.equal((db.prepare('SELECT jwt_sha256 FROM credentials WHERE id = ?').get(id) as { jwt_sha256: string }).jwt_sha256, createHash('sha256').update(jwt).digest('hex'))
    db.close()
  })
})
