import assert from 'node:assert/strict'
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateAgentKey } from '@agentid/agent'
import { auditEntryHash, GENESIS_HASH, Issuer } from '@agentid/issuer'
import { agentid } from './support/cli.js'

// Tampering with a real issuer database, as someone holding the file would (dropping the
// append-only triggers first), and `agentid audit verify` naming where each change begins.
describe('audit log tampering, caught', function () {
  this.timeout(60_000)
  let dir: string
  let home: string
  let pristine: string
  let checkpointFile: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-tamper-'))
    home = join(dir, '.agentid')
    const { issuer } = await Issuer.init({ home, env: {} })
    for (let i = 0; i < 8; i++) await issuer.registerAgent({ did: generateAgentKey().did, name: `bot-${i}`, kind: 'service', owner: 'ops' }, 'test')
    const first = await issuer.checkpoint() // covers entries 1-9
    for (let i = 8; i < 12; i++) await issuer.registerAgent({ did: generateAgentKey().did, name: `bot-${i}`, kind: 'service', owner: 'ops' }, 'test')
    const second = await issuer.checkpoint() // covers entries 1-13
    assert.deepEqual([first?.seq, second?.seq], [9, 13])
    assert.equal(await issuer.checkpoint(), undefined, 'nothing new, no checkpoint')
    checkpointFile = join(dir, 'checkpoints.jwt')
    writeFileSync(checkpointFile, `${first!.jwt}\n${second!.jwt}\n`)
    await issuer.close()
    pristine = join(dir, 'pristine.db')
    const db = new Database(join(home, 'issuer.db'))
    await db.backup(pristine)
    db.close()
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  // Restores the pristine database, lets `tamper` change it (triggers dropped), then verifies.
  async function verifyAfter(tamper: (db: Database.Database) => void, extra: string[] = []) {
    rmSync(join(home, 'issuer.db-wal'), { force: true })
    rmSync(join(home, 'issuer.db-shm'), { force: true })
    copyFileSync(pristine, join(home, 'issuer.db'))
    chmodSync(join(home, 'issuer.db'), 0o600) // the issuer refuses a database others can read
    const target = new Database(join(home, 'issuer.db'))
    try {
      for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_checkpoints_no_update', 'audit_checkpoints_no_delete']) target.exec(`DROP TRIGGER IF EXISTS ${t}`)
      tamper(target)
    } finally {
      target.close()
    }
    const r = await agentid(['--json', 'audit', 'verify', ...extra], { cwd: dir, env: { AGENTID_HOME: home } })
    return { code: r.code, result: r.code === 0 ? JSON.parse(r.stdout) : JSON.parse(r.stderr).error }
  }

  type Row = { seq: number; at: number; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string }
  const rows = (db: Database.Database) => db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[]

  it('passes an untouched log, with its checkpoints', async () => {
    const { code, result } = await verifyAfter(() => undefined)
    assert.equal(code, 0, JSON.stringify(result))
    assert.deepEqual([result.entries, result.checkpoints], [13, 2])
  })

  const CASES: Array<[string, (db: Database.Database) => void, number, RegExp]> = [
    ['an edited entry', (db) => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5").run(), 5, /edited/],
    ['a deleted entry', (db) => db.prepare('DELETE FROM audit_log WHERE seq = 6').run(), 6, /deleted or reordered/],
    ['an inserted entry', (db) => {
      const all = rows(db)
      db.prepare('DELETE FROM audit_log WHERE seq >= 4').run()
      const fake = all[2]!
      const insert = db.prepare('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      insert.run(4, fake.at, 'mallory', 'agent.register', null, '{}', fake.hash, 'f'.repeat(64))
      for (const r of all.slice(3)) insert.run(r.seq + 1, r.at, r.actor, r.action, r.target, r.details, r.prev_hash, r.hash)
    }, 4, /edited/],
    ['two entries swapped', (db) => {
      const [a, b] = [rows(db)[6]!, rows(db)[7]!]
      const set = db.prepare('UPDATE audit_log SET at = ?, actor = ?, action = ?, target = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?')
      db.prepare("UPDATE audit_log SET hash = 'swapping' WHERE seq = ?").run(b.seq) // hashes are unique
      set.run(b.at, b.actor, b.action, b.target, b.details, b.prev_hash, b.hash, a.seq)
      set.run(a.at, a.actor, a.action, a.target, a.details, a.prev_hash, a.hash, b.seq)
    }, 7, /inserted, deleted or edited/],
    ['the tail truncated', (db) => db.prepare('DELETE FROM audit_log WHERE seq > 10').run(), 11, /truncated/],
    ['the whole log rewritten and re-hashed from entry 3', (db) => {
      let prev = GENESIS_HASH
      const set = db.prepare('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?')
      for (const r of rows(db)) {
        const details = r.seq === 3 ? JSON.stringify({ rewritten: true }) : r.details
        const hash = auditEntryHash(prev, r.seq, r.at, { actor: r.actor, action: r.action, ...(r.target !== null ? { target: r.target } : {}), details: JSON.parse(details) as Record<string, unknown> })
        set.run(details, prev, hash, r.seq)
        prev = hash
      }
    }, 1, /rewritten and re-hashed/],
    ['a forged checkpoint', (db) => {
      const [cp] = db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1').all() as Array<{ jwt: string }>
      const [h, p, sig] = cp!.jwt.split('.')
      db.prepare('INSERT INTO audit_checkpoints (seq, head, at, jwt) VALUES (?, ?, ?, ?)').run(99, 'e'.repeat(64), 0, `${h}.${p}.${sig!.slice(0, -4)}AAAA`)
    }, 0, /not valid/],
  ]

  for (const [name, tamper, seq, reason] of CASES) {
    it(`names where ${name} begins`, async () => {
      const { code, result } = await verifyAfter(tamper)
      assert.equal(code, 1, JSON.stringify(result))
      assert.equal(result.code, 'ERR_AUDIT_BROKEN')
      assert.match(result.message, new RegExp(`broken at entry ${seq}:`))
      assert.match(result.message, reason)
    })
  }

  it('catches truncation with its stored checkpoints deleted too, from checkpoints kept elsewhere', async () => {
    const truncateAndHide = (db: Database.Database) => {
      db.prepare('DELETE FROM audit_log WHERE seq > 10').run()
      db.prepare('DELETE FROM audit_checkpoints').run()
    }
    assert.equal((await verifyAfter(truncateAndHide)).code, 0, 'without a copy, a clean truncation is invisible')
    const { code, result } = await verifyAfter(truncateAndHide, ['--checkpoint', checkpointFile])
    assert.equal(code, 1)
    assert.match(result.message, /broken at entry 11: .*truncated/)
  })
})
