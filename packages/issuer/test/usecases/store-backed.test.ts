import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_POLICY, policyToJson } from '../../src/governance/policy.js'
import { newToken, tokenHash } from '../../src/governance/principal.js'
import { generateKek } from '../../src/keys/key-encryption.js'
import type { IssuerStore } from '../../src/store/issuer-store.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { PolicyReader, setPolicy } from '../../src/usecases/policy.js'
import { authenticate } from '../../src/usecases/principals.js'

// Use cases that carry state of their own, on a real database: each gets only what it declares.
describe('use cases on a real store', () => {
  let dir: string
  let store: IssuerStore
  let clock: number
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-usecases-'))
    clock = Date.UTC(2026, 11, 3, 9, 0, 0)
    store = openSqliteStore({ path: join(dir, 'issuer.db'), kek: generateKek(), create: true, now: () => clock })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  describe('PolicyReader', () => {
    it('answers the built-in default as version 0 until a policy is stored, then parses each version once', async () => {
      const reader = new PolicyReader(store)
      assert.deepEqual(await reader.current(), { version: 0, policy: DEFAULT_POLICY })
      const stricter = { ...policyToJson(DEFAULT_POLICY), requestTtl: '1d' }
      assert.equal((await setPolicy({ store }, stricter, { id: 'ada', roles: ['admin'] })).version, 1)
      const first = await reader.current()
      assert.equal(first.version, 1)
      assert.equal(first.policy.requestTtlSeconds, 86400)
      assert.equal(await reader.current(), first) // the same parse, not a new one
      await setPolicy({ store }, policyToJson(DEFAULT_POLICY), { id: 'ada', roles: ['admin'] })
      assert.equal((await reader.current()).version, 2)
    })

    it('refuses a policy change by anyone but an admin, storing nothing', async () => {
      await assert.rejects(setPolicy({ store }, policyToJson(DEFAULT_POLICY), { id: 'sec', roles: ['security'] }), { code: 'ERR_FORBIDDEN' })
      assert.equal(await store.currentPolicy(), undefined)
    })
  })

  describe('authenticate', () => {
    const refusals = async () => (await store.readAudit(1, 1000)).filter((e) => e.action === 'access.refused')

    it('knows an enabled principal\'s token, and records a disabled one\'s at most once a minute', async () => {
      const token = newToken()
      await store.createPrincipal({ id: 'bob', roles: ['auditor'], tokenSha256: tokenHash(token), createdAt: clock }, { actor: 'test', action: 'principal.create', target: 'bob', details: {} })
      const ctx = { store, now: () => clock, staleTokenSeen: new Map<string, number>() }
      assert.deepEqual(await authenticate(ctx, token), { id: 'bob', roles: ['auditor'] })
      assert.equal(await authenticate(ctx, 'not a token'), undefined)
      await store.updatePrincipal('bob', () => ({ disabledAt: clock }), () => ({ actor: 'test', action: 'principal.disable', target: 'bob', details: {} }))
      assert.equal(await authenticate(ctx, token), undefined)
      assert.equal(await authenticate(ctx, token), undefined)
      assert.equal((await refusals()).length, 1)
      clock += 60_000
      assert.equal(await authenticate(ctx, token), undefined)
      const recorded = await refusals()
      assert.equal(recorded.length, 2)
      assert.equal(recorded[1]!.actor, 'bob')
    })
  })
})
