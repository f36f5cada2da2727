import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateAgentKey, signJwt, type AgentKey } from '@agentid/agent'
import { CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { AUDIT_CHECKPOINT_TYPE } from '../src/audit/checkpoints.js'
import { Issuer } from '../src/issuer.js'

// Audit checkpoints across an issuer key rotation. Verification trusts only the current key;
// a checkpoint of an earlier key is passed over once one of the current key covers a later entry
// (that one pins the whole log before it), and is a break otherwise: nothing vouches for a key
// the database merely names.
describe('audit checkpoints across an issuer key rotation', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'agentid-audit-rotation-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  async function rotatedIssuer(): Promise<{ issuer: Issuer; previous: string }> {
    const { issuer } = await Issuer.init({ home, env: {} })
    await issuer.registerAgent({ did: generateAgentKey().did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
    assert.ok(await issuer.checkpoint(), 'a checkpoint of the first key')
    const rotated = await issuer.rotateIssuerKey('test')
    await issuer.close()
    const next = await Issuer.open({ home, env: {} })
    assert.equal(next.did, rotated.did)
    return { issuer: next, previous: rotated.previous }
  }

  // A checkpoint as the issuer writes one, signed by `key`.
  function checkpointBy(key: AgentKey, seq: number, head: string): string {
    return signJwt(key, {
      iss: key.did, nbf: Math.floor(Date.now() / 1000),
      vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', AUDIT_CHECKPOINT_TYPE], credentialSubject: { id: 'https://issuer.example/audit#log', seq, head, at: Date.now() } },
    })
  }

  it('verifies after the rotation and a restart: the new key signed the head at once, the earlier key\'s checkpoint is passed over', async () => {
    const { issuer } = await rotatedIssuer()
    try {
      const [newest] = await issuer.listCheckpoints(1)
      assert.ok(newest)
      const rotation = (await issuer.readAudit(newest.seq, 1))[0]
      assert.equal(rotation?.action, 'issuer.rotate', 'the new key\'s checkpoint covers the rotation entry')
      const full = await issuer.verifyAudit()
      assert.ok(full.ok, JSON.stringify(full))
      assert.equal(full.checkpoints, 1, 'only the current key\'s checkpoint counts')
      const start = await issuer.verifyAuditSinceCheckpoint()
      assert.ok(start.ok && start.from === newest.seq, JSON.stringify(start))
    } finally {
      await issuer.close()
    }
  })

  it('refuses a checkpoint of another key that no checkpoint of the current key covers (forged with the attacker\'s own key)', async () => {
    const { issuer } = await rotatedIssuer()
    try {
      await issuer.registerAgent({ did: generateAgentKey().did, name: 'later', kind: 'service', owner: 'ops' }, 'test')
      const [head] = (await issuer.readAudit(1, 10_000)).slice(-1)
      const forged = checkpointBy(generateAgentKey(), head!.seq, head!.hash)
      const result = await issuer.verifyAudit([forged])
      assert.equal(result.ok, false)
      assert.match(!result.ok ? result.reason : '', /checkpoint 3 is not valid: audit checkpoint is signed by did:key:\S+, not this issuer, and no checkpoint of this issuer covers a later entry/)
    } finally {
      await issuer.close()
    }
  })

  it('passes over a checkpoint of another key that one of the current key covers, whatever it claims', async () => {
    const { issuer } = await rotatedIssuer()
    try {
      const stale = checkpointBy(generateAgentKey(), 1, '0'.repeat(64))
      const result = await issuer.verifyAudit([stale])
      assert.ok(result.ok, JSON.stringify(result))
    } finally {
      await issuer.close()
    }
  })

  it('an issuer rotated without a checkpoint of its new key is not ready until one is written, and the log verifies after', async () => {
    const { issuer } = await rotatedIssuer()
    await issuer.close()
    // As an issuer rotated by an earlier agentid: its newest checkpoint is the earlier key's.
    const db = new Database(join(home, 'issuer.db'))
    db.exec('DROP TRIGGER IF EXISTS audit_checkpoints_no_delete')
    db.prepare('DELETE FROM audit_checkpoints WHERE seq = (SELECT MAX(seq) FROM audit_checkpoints)').run()
    db.close()
    const reopened = await Issuer.open({ home, env: {} })
    try {
      const start = await reopened.verifyAuditSinceCheckpoint()
      assert.equal(start.ok, false)
      assert.match(!start.ok ? start.reason : '', /newest checkpoint is not valid: audit checkpoint is signed by did:key:\S+, not this issuer/)
      assert.equal((await reopened.verifyAudit()).ok, false)
      // The repair: a checkpoint of the current key (the service writes one within a minute).
      assert.ok(await reopened.checkpoint())
      assert.ok((await reopened.verifyAuditSinceCheckpoint()).ok)
      assert.ok((await reopened.verifyAudit()).ok)
    } finally {
      await reopened.close()
    }
  })
})
