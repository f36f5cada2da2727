import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentKeyFromSeed, agentKeyToFile, createPresentation, generateAgentKey, loadAgentKey, parseAgentKeyFile, saveAgentKey } from '@agentid/agent'
import { parseDidKey } from '@agentid/core'

describe('agent keys', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'agentid-key-')) })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('derives the RFC 8037 did:key from the RFC 8032 test seed', () => {
    const key = agentKeyFromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'))
    assert.equal(key.did, 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw')
    assert.equal(key.keyId, `${key.did}#${key.did.slice(8)}`)
  })

  it('saves owner-only, refuses to overwrite, and loads the same key', async () => {
    const key = generateAgentKey()
    const path = join(dir, 'agent.key')
    await saveAgentKey(path, key)
    assert.equal(statSync(path).mode & 0o777, 0o600)
    await assert.rejects(saveAgentKey(path, generateAgentKey()), { code: 'ERR_CONFLICT' })
    assert.equal((await loadAgentKey(path)).did, key.did)
  })

  it('refuses a key file others can read, a missing one, and malformed ones', async () => {
    const path = join(dir, 'agent.key')
    await saveAgentKey(path, generateAgentKey())
    chmodSync(path, 0o640)
    await assert.rejects(loadAgentKey(path), { code: 'ERR_INPUT_INVALID' })
    await assert.rejects(loadAgentKey(join(dir, 'missing.key')), { code: 'ERR_INPUT_INVALID' })
    const good = agentKeyToFile(generateAgentKey())
    const other = agentKeyToFile(generateAgentKey())
    for (const bad of ['{}', 'not json', JSON.stringify({ ...good, crv: 'X25519' }), JSON.stringify({ ...good, x: other.x }), JSON.stringify({ ...good, kid: other.kid }), JSON.stringify({ ...good, d: `${good.d}=` }), `{"kty":"OKP","kty":"OKP"}`]) {
      assert.throws(() => parseAgentKeyFile(bad), { code: 'ERR_INPUT_INVALID' }, bad)
    }
    writeFileSync(join(dir, 'loose.key'), JSON.stringify(good), { mode: 0o600 })
    assert.equal((await loadAgentKey(join(dir, 'loose.key'))).keyId, good.kid)
  })
})

describe('createPresentation', () => {
  const key = agentKeyFromSeed(new Uint8Array(32).fill(2))
  const audience = agentKeyFromSeed(new Uint8Array(32).fill(3)).did

  it('makes the VP-JWT of DESIGN.md', () => {
    const vp = createPresentation({ key, credentials: ['a.b.c'], audience, challenge: 'n-1', ttl: 60, now: () => 1_800_000_000_000, id: 'urn:uuid:1' })
    const [header, payload] = vp.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>)
    assert.deepEqual(header, { alg: 'EdDSA', typ: 'JWT', kid: key.keyId })
    assert.deepEqual(payload, {
      iss: key.did, aud: audience, nonce: 'n-1', iat: 1_800_000_000, nbf: 1_800_000_000, exp: 1_800_000_060, jti: 'urn:uuid:1',
      vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: ['a.b.c'] },
    })
  })

  it('refuses what no verifier would accept', () => {
    const base = { key, credentials: ['a.b.c'], audience, challenge: 'n-1' }
    assert.throws(() => createPresentation({ ...base, ttl: 301 }), { code: 'ERR_INPUT_INVALID' })
    assert.throws(() => createPresentation({ ...base, ttl: 0 }), { code: 'ERR_INPUT_INVALID' })
    assert.throws(() => createPresentation({ ...base, challenge: '' }), { code: 'ERR_INPUT_INVALID' })
    assert.throws(() => createPresentation({ ...base, credentials: [] }), { code: 'ERR_INPUT_INVALID' })
    assert.throws(() => createPresentation({ ...base, audience: 'did:web:x' }), { code: 'ERR_DID_UNSUPPORTED' })
    assert.equal(parseDidKey(audience).did, audience)
  })
})
