import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateAgentKey } from '@agentid/agent'
import { Issuer } from '@agentid/issuer'

// A full disk, for real: the issuer on a small tmpfs (mounting one needs root, as CI is; elsewhere
// the test says so and skips). Grants go on until the disk is full; the one that fails says
// ERR_STORE and leaves nothing half-written.
describe('a full disk', function () {
  this.timeout(120_000)
  let mount: string | undefined

  before(function () {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-tinyfs-'))
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir], { stdio: 'ignore' })
      mount = dir
    } catch {
      rmSync(dir, { recursive: true, force: true })
      console.log('      (skipped: mounting a small tmpfs needs root)')
      this.skip()
    }
  })

  after(() => {
    if (!mount) return
    try {
      execFileSync('umount', [mount], { stdio: 'ignore' })
    } finally {
      rmSync(mount, { recursive: true, force: true })
    }
  })

  it('fails a grant with ERR_STORE and leaves no credential without its audit entry, or the reverse', async () => {
    const home = join(mount!, '.agentid')
    const { issuer } = await Issuer.init({ home, env: {} })
    let failure: { code?: string } | undefined
    let issued = 0
    try {
      const agent = generateAgentKey()
      await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
      for (let i = 0; i < 50_000 && !failure; i++) {
        try {
          await issuer.grant({ subject: agent.did, entitlements: [{ resource: `db:table/${i}`, actions: ['read'], purpose: 'a-purpose-long-enough-to-fill-pages-quickly' }], ttlSeconds: 3600 }, 'test')
          issued++
        } catch (error) {
          failure = error as { code?: string }
        }
      }
    } finally {
      await issuer.close().catch(() => undefined)
    }
    assert.equal(failure?.code, 'ERR_STORE', `after ${issued} grants: ${JSON.stringify(failure)}`)
    assert.ok(issued > 10)
    console.log(`      the disk filled after ${issued} grants`)
    const db = new Database(join(home, 'issuer.db'), { readonly: true })
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
      const credentials = (db.prepare('SELECT COUNT(*) AS n FROM credentials').get() as { n: number }).n
      const audited = (db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'credential.issue'").get() as { n: number }).n
      assert.equal(credentials, issued, 'every row is one that was answered')
      assert.equal(audited, issued, 'every answered credential has its audit entry')
    } finally {
      db.close()
    }
  })
})
