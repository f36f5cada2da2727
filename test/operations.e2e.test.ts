import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { agentid, AGENTID_BIN, type CliResult } from './support/cli.js'
import { waitForOutput } from './support/process-output.js'
import { freePort } from './support/service.js'

// backup, restore and doctor as an operator runs them: real processes, a real database, a
// running service for the online backup.
describe('operations: backup while serving, restore that refuses bad files, doctor', function () {
  this.timeout(120_000)
  let dir: string
  const home = () => join(dir, '.agentid')
  const run = (...args: string[]): Promise<CliResult> => agentid(['--json', ...args], { cwd: dir, env: { AGENTID_HOME: home() } })
  const ok = (r: CliResult): any => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout)
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-ops-'))
    ok(await run('init'))
    for (let i = 0; i < 3; i++) {
      const did = ok(await run('agent', 'keygen', '--out', `a${i}.key`)).did
      ok(await run('agent', 'register', did, '--name', `bot-${i}`, '--kind', 'service', '--owner', 'ops'))
    }
    ok(await run('audit', 'checkpoint'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('takes a consistent backup while the service runs, owner-only', async () => {
    const port = await freePort()
    const server = spawn(process.execPath, [AGENTID_BIN, 'serve', '--port', String(port), '--public-url-mismatch-ok'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AGENTID_HOME: home() }, stdio: ['ignore', 'pipe', 'pipe'] })
    await waitForOutput(server, 'listening')
    try {
      const backup = ok(await run('backup', 'backup-1.db'))
      assert.equal(statSync(backup.file).mode & 0o777, 0o600)
      assert.equal((await run('backup', 'backup-1.db')).code, 1, 'never overwrites')
      const restoreWhileServing = await run('restore', 'backup-1.db')
      assert.equal(JSON.parse(restoreWhileServing.stderr).error.code, 'ERR_CONFLICT', 'refuses to restore under a running service')
    } finally {
      server.kill('SIGTERM')
      await new Promise((r) => server.once('exit', r))
    }
    const checked = ok(await run('restore', 'backup-1.db', '--check'))
    assert.equal(checked.auditEntries >= 4, true)
    assert.equal(checked.checkpoints, 1)
  })

  it('restores a good backup, keeping the database it replaces', async () => {
    const restored = ok(await run('restore', 'backup-1.db'))
    assert.ok(restored.previous && existsSync(restored.previous))
    assert.equal(ok(await run('agent', 'list')).agents.length, 3)
    assert.equal(ok(await run('audit', 'verify')).ok, true)
  })

  it('refuses a backup that fails the integrity or the audit check, and changes nothing', async () => {
    const before = readdirSync(home()).sort()
    // A file that is not a database.
    copyFileSync(join(dir, 'a0.key'), join(dir, 'not-a-db.db'))
    const r1 = await run('restore', 'not-a-db.db')
    assert.equal(JSON.parse(r1.stderr).error.code, 'ERR_STORE')
    // A database whose audit log was edited.
    copyFileSync(join(dir, 'backup-1.db'), join(dir, 'edited.db'))
    const db = new Database(join(dir, 'edited.db'))
    db.exec('DROP TRIGGER audit_log_no_update')
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run()
    db.close()
    const r2 = await run('restore', 'edited.db')
    assert.equal(r2.code, 1)
    assert.equal(JSON.parse(r2.stderr).error.code, 'ERR_AUDIT_BROKEN')
    assert.match(JSON.parse(r2.stderr).error.message, /audit log is broken at entry 2/)
    assert.deepEqual(readdirSync(home()).sort(), before)
  })

  it('doctor: all good, then names a file others can read and how to fix it', async () => {
    const good = ok(await run('doctor'))
    assert.equal(good.ok, true, JSON.stringify(good.findings.filter((f: { ok: boolean }) => !f.ok)))
    chmodSync(join(home(), 'issuer.db'), 0o644)
    const bad = await run('doctor')
    assert.equal(bad.code, 1)
    const finding = JSON.parse(bad.stdout).findings.find((f: { check: string }) => f.check === 'database permissions')
    assert.equal(finding.ok, false)
    assert.match(finding.fix, /chmod 600/)
    chmodSync(join(home(), 'issuer.db'), 0o600)
  })
})
