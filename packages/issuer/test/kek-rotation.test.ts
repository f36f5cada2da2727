import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateAgentKey } from '@agentid/agent'
import { generateKek, Issuer } from '@agentid/issuer'

describe('key-encryption-key rotation', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'agentid-kek-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  it('re-encrypts every sealed value in one transaction; the old key opens nothing after', async () => {
    const { issuer } = await Issuer.init({ home, env: {} })
    const agent = generateAgentKey()
    await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
    await issuer.createWebhook({ url: 'https://hooks.example/a' }, 'test')
    const oldKek = readFileSync(join(home, 'kek'), 'utf8').trim()
    const rotated = await issuer.rotateKek('test', {})
    assert.equal(rotated.reencrypted, 2, 'the issuer key and the webhook secret')
    await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 60 }, 'test')
    assert.equal((await issuer.store.webhookSecrets()).length, 1)
    await issuer.close()
    const newKek = readFileSync(join(home, 'kek'), 'utf8').trim()
    assert.notEqual(newKek, oldKek)
    assert.equal(statSync(join(home, 'kek')).mode & 0o777, 0o600)
    const reopened = await Issuer.open({ home, env: {} })
    await reopened.grant({ subject: agent.did, entitlements: [{ resource: 'db:y', actions: ['read'] }], ttlSeconds: 60 }, 'test')
    assert.ok((await reopened.store.readAudit()).some((e) => e.action === 'kek.rotate'))
    await reopened.close()
    await assert.rejects(Issuer.open({ home, env: { AGENTID_KEK: oldKek } }), { code: 'ERR_KEK_MISMATCH' })
  })

  it('finishes a rotation that committed before the kek file was replaced', async () => {
    const { issuer } = await Issuer.init({ home, env: {} })
    const oldKek = readFileSync(join(home, 'kek'), 'utf8')
    await issuer.rotateKek('test', {})
    await issuer.close()
    // As if the process died between the commit and the rename.
    writeFileSync(join(home, 'kek.next'), readFileSync(join(home, 'kek')), { mode: 0o600 })
    writeFileSync(join(home, 'kek'), oldKek, { mode: 0o600 })
    const reopened = await Issuer.open({ home, env: {} })
    await reopened.close()
    assert.equal(existsSync(join(home, 'kek.next')), false)
    await (await Issuer.open({ home, env: {} })).close()
  })

  it('with AGENTID_KEK, returns the new key to set', async () => {
    const env = { AGENTID_KEK: generateKek().toString('base64url') }
    const { issuer } = await Issuer.init({ home, env })
    const rotated = await issuer.rotateKek('test', env)
    await issuer.close()
    assert.match(rotated.newKek ?? '', /^[A-Za-z0-9_-]{43}$/)
    await assert.rejects(Issuer.open({ home, env }), { code: 'ERR_KEK_MISMATCH' })
    await (await Issuer.open({ home, env: { AGENTID_KEK: rotated.newKek! } })).close()
  })
})
