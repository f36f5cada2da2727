import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateAgentKey } from '@agentid/agent'
import { Issuer } from '@agentid/issuer'

describe('a failing audit write', () => {
  it('makes the grant fail and leaves no credential, status slot or entry behind', async () => {
    const home = mkdtempSync(join(tmpdir(), 'agentid-auditfail-'))
    const { issuer } = await Issuer.init({ home, env: {} })
    const agent = generateAgentKey()
    try {
      await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
      // The fault: the audit log refuses the issuance entry (as a full disk or a broken index would).
      const db = new Database(join(home, 'issuer.db'))
      db.exec("CREATE TRIGGER fail_issue_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'credential.issue' BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END")
      db.close()
      const before = (await issuer.store.readAudit()).length
      await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 60 }, 'test'), { code: 'ERR_STORE' })
      assert.deepEqual(await issuer.store.listCredentials({ subject: agent.did }), [])
      assert.equal((await issuer.store.readAudit()).length, before)
      assert.deepEqual((await issuer.store.statusListState('rev-1'))?.setIndexes, [])
    } finally {
      await issuer.close()
      rmSync(home, { recursive: true, force: true })
    }
  })
})
