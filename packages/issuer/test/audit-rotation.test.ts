import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generateAgentKey, signJwt, type AgentKey } from '@agentid/agent'
import { CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { AUDIT_CHECKPOINT_TYPE } from '../src/audit/checkpoints.js'
import { auditEntryHash } from '../src/audit/hash-chain.js'
import { Issuer } from '../src/issuer.js'

// Audit checkpoints across an issuer key rotation. Every checkpoint of the current key and of the
// earlier keys its rotation statements name is held to (never passed over: a new key must not
// launder a log rewritten under the old one); one of any other key is a break; only the current
// key's newest checkpoint anchors the check at start; no checkpoint is signed over a log that
// does not hold.
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

  // Rewrites entry `seq` (its actor) and re-hashes the whole chain after it, behind the store's
  // back (guards lifted): what someone who can write the database, but holds no key, can do.
  function rewriteAndRehash(seq: number): void {
    const db = new Database(join(home, 'issuer.db'))
    try {
      db.exec('DROP TRIGGER IF EXISTS audit_log_no_update')
      const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<{ seq: number; at: number; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string }>
      let prev = rows[0]!.prev_hash
      for (const row of rows) {
        const actor = row.seq === seq ? 'attacker-rewrote-this' : row.actor
        const hash = auditEntryHash(prev, row.seq, row.at, { actor, action: row.action, ...(row.target !== null ? { target: row.target } : {}), details: JSON.parse(row.details) as Record<string, unknown> })
        db.prepare('UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(actor, prev, hash, row.seq)
        prev = hash
      }
    } finally {
      db.close()
    }
  }

  function deleteNewestCheckpoint(): void {
    const db = new Database(join(home, 'issuer.db'))
    db.exec('DROP TRIGGER IF EXISTS audit_checkpoints_no_delete')
    db.prepare('DELETE FROM audit_checkpoints WHERE seq = (SELECT MAX(seq) FROM audit_checkpoints)').run()
    db.close()
  }

  it('verifies after the rotation and a restart: the new key signed the head at once, and the earlier key\'s checkpoint still holds', async () => {
    const { issuer } = await rotatedIssuer()
    try {
      const [newest] = await issuer.listCheckpoints(1)
      assert.ok(newest)
      const rotation = (await issuer.readAudit(newest.seq, 1))[0]
      assert.equal(rotation?.action, 'issuer.rotate', 'the new key\'s checkpoint covers the rotation entry')
      const full = await issuer.verifyAudit()
      assert.ok(full.ok, JSON.stringify(full))
      assert.equal(full.checkpoints, 2, 'both keys\' checkpoints are held to')
      const start = await issuer.verifyAuditSinceCheckpoint()
      assert.ok(start.ok && start.from === newest.seq, JSON.stringify(start))
    } finally {
      await issuer.close()
    }
  })

  it('refuses a checkpoint of a key the issuer never rotated from, wherever it stands (forged with the attacker\'s own key)', async () => {
    const { issuer } = await rotatedIssuer()
    try {
      await issuer.registerAgent({ did: generateAgentKey().did, name: 'later', kind: 'service', owner: 'ops' }, 'test')
      const [head] = (await issuer.readAudit(1, 10_000)).slice(-1)
      for (const forged of [checkpointBy(generateAgentKey(), head!.seq, head!.hash), checkpointBy(generateAgentKey(), 1, '0'.repeat(64))]) {
        const result = await issuer.verifyAudit([forged])
        assert.equal(result.ok, false)
        assert.match(!result.ok ? result.reason : '', /checkpoint 3 is not valid: audit checkpoint is signed by did:key:\S+, not this issuer/)
      }
    } finally {
      await issuer.close()
    }
  })

  it('catches a log rewritten before the rotation: the earlier key\'s checkpoint is still held to, and the rotation refuses to vouch for it', async () => {
    const { issuer } = await Issuer.init({ home, env: {} })
    await issuer.registerAgent({ did: generateAgentKey().did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
    const c1 = await issuer.checkpoint()
    assert.ok(c1)
    await issuer.close()
    rewriteAndRehash(1)
    const tampered = await Issuer.open({ home, env: {} })
    try {
      await assert.rejects(tampered.rotateIssuerKey('test'), (e: Error & { code?: string }) => e.code === 'ERR_AUDIT_BROKEN' && /not rotated/.test(e.message))
      assert.deepEqual(await tampered.rotations(), [], 'nothing changed')
      const full = await tampered.verifyAudit([c1.jwt])
      assert.equal(full.ok, false)
    } finally {
      await tampered.close()
    }
  })

  it('catches a log rewritten after an honest rotation, its new checkpoint deleted: no checkpoint is signed over it, and the earlier key\'s still fails it', async () => {
    const { issuer } = await rotatedIssuer()
    await issuer.close()
    rewriteAndRehash(1)
    deleteNewestCheckpoint()
    const reopened = await Issuer.open({ home, env: {} })
    try {
      await assert.rejects(reopened.checkpoint(), (e: Error & { code?: string }) => e.code === 'ERR_AUDIT_BROKEN' && /no checkpoint signed/.test(e.message))
      assert.equal((await reopened.verifyAuditSinceCheckpoint()).ok, false)
      assert.equal((await reopened.verifyAudit()).ok, false)
    } finally {
      await reopened.close()
    }
  })

  it('refuses to sign a checkpoint over entries edited after the newest one', async () => {
    const { issuer } = await Issuer.init({ home, env: {} })
    try {
      assert.ok(await issuer.checkpoint())
      await issuer.registerAgent({ did: generateAgentKey().did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
      const [head] = (await issuer.readAudit(1, 10_000)).slice(-1)
      const db = new Database(join(home, 'issuer.db'))
      db.exec('DROP TRIGGER IF EXISTS audit_log_no_update')
      db.prepare('UPDATE audit_log SET actor = ? WHERE seq = ?').run('someone-else', head!.seq)
      db.close()
      await assert.rejects(issuer.checkpoint(), { code: 'ERR_AUDIT_BROKEN' })
    } finally {
      await issuer.close()
    }
  })

  it('an issuer rotated without a checkpoint of its new key (an earlier agentid) verifies through its rotation statement, the whole log at start', async () => {
    const { issuer } = await rotatedIssuer()
    await issuer.close()
    deleteNewestCheckpoint()
    const reopened = await Issuer.open({ home, env: {} })
    try {
      const start = await reopened.verifyAuditSinceCheckpoint()
      assert.ok(start.ok && start.from === 0, JSON.stringify(start))
      assert.ok((await reopened.verifyAudit()).ok)
      assert.ok(await reopened.checkpoint(), 'and the service signs one of its key')
      const anchored = await reopened.verifyAuditSinceCheckpoint()
      assert.ok(anchored.ok && anchored.from > 0, JSON.stringify(anchored))
    } finally {
      await reopened.close()
    }
  })
})
