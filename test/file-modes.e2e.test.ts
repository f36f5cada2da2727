import assert from 'node:assert/strict'
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backupIssuer, Issuer, issuerHome } from '@agentid/issuer'
import { agentid } from './support/cli.js'

// Files that hold secrets are the owner's from the moment they exist, and init does not touch
// what it did not make.
describe('file modes: backups and the issuer home', function () {
  this.timeout(120_000)
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'agentid-modes-')) })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  // Runs `body` with a umask that would leave new files world-readable.
  async function withOpenUmask<T>(body: () => Promise<T>): Promise<T> {
    const previous = process.umask(0)
    try {
      return await body()
    } finally {
      process.umask(previous)
    }
  }

  it('a backup is 0600 from its first byte, whatever the umask: no window where others can read it', async () => {
    const home = join(dir, '.agentid')
    const { issuer } = await Issuer.init({ home, env: {} })
    await issuer.close()
    const file = join(dir, 'backup.db')
    const modes: number[] = []
    await withOpenUmask(() => backupIssuer(issuerHome(home, {}), file, {
      // Called after each step of SQLite's backup, the first while the copy has barely begun.
      progress: () => {
        modes.push(statSync(file).mode & 0o777)
        return 1
      },
    }))
    assert.ok(modes.length > 1, 'the copy took several steps')
    assert.deepEqual([...new Set(modes)], [0o600])
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })

  it('a backup never follows a link planted at its path (ERR_CONFLICT), and writes nothing where it points', async () => {
    const home = join(dir, '.agentid')
    const { issuer } = await Issuer.init({ home, env: {} })
    await issuer.close()
    const target = join(dir, 'planted-target.db')
    const link = join(dir, 'backup.db')
    symlinkSync(target, link)
    await assert.rejects(backupIssuer(issuerHome(home, {}), link), { code: 'ERR_CONFLICT' })
    assert.equal(existsSync(target), false, 'nothing was written through the link')
    assert.ok(lstatSync(link).isSymbolicLink())
    // The CLI says the same, with the exit code.
    const r = await agentid(['--json', 'backup', 'backup.db'], { cwd: dir, env: { AGENTID_HOME: home } })
    assert.equal(r.code, 1)
    assert.equal(JSON.parse(r.stderr).error.code, 'ERR_CONFLICT')
    assert.equal(existsSync(target), false)
  })

  it('agentid init refuses a home that exists with loose permissions, naming the fix, and changes nothing in it', async () => {
    const home = join(dir, 'shared')
    mkdirSync(home)
    chmodSync(home, 0o755)
    const r = await agentid(['--json', 'init'], { cwd: dir, env: { AGENTID_HOME: home } })
    assert.equal(r.code, 1, r.stdout)
    const error = JSON.parse(r.stderr).error
    assert.equal(error.code, 'ERR_INPUT_INVALID')
    assert.match(error.message, /chmod 700/)
    assert.equal(statSync(home).mode & 0o777, 0o755, 'its mode is left as it was')
    assert.deepEqual(readdirSync(home), [], 'nothing was created in it')
  })

  it('agentid init takes an existing owner-only home as it is, and makes a missing one 0700', async () => {
    const existing = join(dir, 'mine')
    mkdirSync(existing, { mode: 0o700 })
    chmodSync(existing, 0o700)
    assert.equal((await agentid(['init'], { cwd: dir, env: { AGENTID_HOME: existing } })).code, 0)
    assert.equal(statSync(existing).mode & 0o777, 0o700)
    const created = join(dir, 'new', 'home')
    await withOpenUmask(async () => {
      const { issuer } = await Issuer.init({ home: created, env: {} })
      await issuer.close()
    })
    assert.equal(statSync(created).mode & 0o777, 0o700, 'a directory init made is the owner\'s')
  })
})
