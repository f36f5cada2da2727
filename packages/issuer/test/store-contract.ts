import assert from 'node:assert/strict'
import { agentIdError } from '@agentid/core'
import { SLOT_ATTEMPTS } from '../src/store/status-slots.js'
import { findChainBreak, generateKek, reviewDigest, type AgentRecord, type CredentialDraft, type IssuerStore } from '@agentid/issuer'

/** Creates a fresh, empty store; `randomIndex` fixes status-list slot choice. */
export type StoreFactory = (options: { now: () => number; randomIndex?: (max: number) => number }) => Promise<{ store: IssuerStore; cleanup: () => Promise<void> }>

const T = Date.UTC(2026, 10, 30, 9, 0, 0)
const AGENT = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw'
const ISSUER = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'

const agent: AgentRecord = { did: AGENT, name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales', status: 'active', createdAt: T }
const setup = {
  settings: { issuerDid: ISSUER, publicUrl: 'http://127.0.0.1:8470' },
  statusList: { id: 'rev-1', purpose: 'revocation' as const, size: 131072, createdAt: T },
  admin: { id: 'admin', roles: ['admin'], tokenSha256: 'a'.repeat(64), createdAt: T },
  roles: [{ name: 'reader', description: 'reads', entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 3600 }],
}

function draft(id: string): CredentialDraft {
  return { id, subject: AGENT, issuer: ISSUER, entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 10 } }], notBefore: T / 1000, expires: T / 1000 + 3600 }
}

const audit = { actor: 'test', action: 'credential.issue', details: {} }
const DAY_S = 86400
const DAY = DAY_S * 1000
const DAILY = { low: DAY_S, medium: DAY_S, high: DAY_S, critical: DAY_S }

/**
 * The contract every IssuerStore backend must meet: atomic business operations, nothing half
 * written, status indexes never reused, a hash chain from the first entry.
 */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(`IssuerStore contract: ${name}`, () => {
    let store: IssuerStore
    let cleanup: () => Promise<void>
    let indexes: number[] = []

    beforeEach(async () => {
      indexes = []
      const made = await factory({ now: () => T, randomIndex: (max) => (indexes.length > 0 ? indexes.shift()! : Math.floor(Math.random() * max)) })
      store = made.store
      cleanup = made.cleanup
      await store.initialize(setup, { actor: 'system', action: 'issuer.init', details: {} })
      await store.registerAgent(agent, { actor: 'test', action: 'agent.register', target: AGENT, details: {} })
    })

    afterEach(async () => cleanup())

    // Issues `count` low-risk credentials `urn:uuid:<name>-0000`..., at status indexes from `firstIndex`: their ids.
    async function issueMany(name: string, count: number, firstIndex: number): Promise<string[]> {
      const ids: string[] = []
      for (let i = 0; i < count; i++) {
        ids.push(`urn:uuid:${name}-${String(i).padStart(4, '0')}`)
        indexes.push(firstIndex + i)
        await store.issueCredential({ ...draft(ids[i]!), risk: 'low' }, async () => 'a', () => audit)
      }
      return ids
    }

    it('initialises once', async () => {
      await assert.rejects(store.initialize(setup, { actor: 'system', action: 'issuer.init', details: {} }), { code: 'ERR_CONFLICT' })
      assert.equal(await store.getSetting('issuerDid'), ISSUER)
      assert.deepEqual((await store.listRoles()).map((r) => r.name), ['reader'])
    })

    it('refuses to enrol the same DID twice and changes nothing', async () => {
      const before = await store.readAudit()
      await assert.rejects(store.registerAgent({ ...agent, name: 'impostor' }, { actor: 'test', action: 'agent.register', details: {} }), { code: 'ERR_CONFLICT' })
      assert.equal((await store.getAgent(AGENT))?.name, 'report-bot')
      assert.deepEqual(await store.readAudit(), before)
    })

    it('commits a credential, its status index and its audit entry together', async () => {
      indexes.push(42)
      const { record, jwt } = await store.issueCredential(draft('urn:uuid:1'), async (a) => `jwt-for-${a.listId}-${a.index}`, (r) => ({ ...audit, target: r.id }))
      assert.equal(jwt, 'jwt-for-rev-1-42')
      assert.equal(record.index, 42)
      assert.deepEqual(await store.getCredential('urn:uuid:1'), record)
      const last = (await store.readAudit()).at(-1)!
      assert.equal(last.target, 'urn:uuid:1')
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    // The entry is hashed as it is stored (JSON), not as the caller's objects: details JSON writes
    // differently (a Date, a toJSON, undefined in a list) must not break the chain once read back.
    it('hashes an audit entry as stored: details JSON writes differently still verify', async () => {
      const details = { when: new Date(0), list: [1, undefined], custom: { toJSON: () => 'j' }, gone: undefined }
      await store.setSetting('x', 'y', { actor: 'test', action: 'test.details', details })
      const entries = await store.readAudit()
      assert.equal(findChainBreak(entries), undefined)
      assert.deepEqual(entries.at(-1)!.details, { when: '1970-01-01T00:00:00.000Z', list: [1, null], custom: 'j' })
    })

    it('begins the next pair of lists when the newest is full, for the same key, and never uses an index twice', async () => {
      indexes.push(5)
      const first = await store.issueCredential(draft('urn:full:1'), async (a) => `jwt-${a.listId}-${a.index}`, () => audit)
      assert.deepEqual([first.record.listId, first.record.index, first.record.suspensionListId], ['rev-1', 5, 'sus-1'])
      // Every pick lands on a taken index of rev-1: it counts as full, and rev-2/sus-2 begin.
      indexes.push(...Array.from({ length: SLOT_ATTEMPTS + 1 }, () => 5))
      const second = await store.issueCredential(draft('urn:full:2'), async (a) => `jwt-${a.listId}-${a.index}`, () => audit)
      assert.equal(second.jwt, 'jwt-rev-2-5')
      assert.deepEqual([second.record.listId, second.record.index, second.record.suspensionListId], ['rev-2', 5, 'sus-2'])
      assert.deepEqual((await store.currentStatusLists()).map((l) => [l.id, l.purpose, l.size]), [['rev-2', 'revocation', 131072], ['sus-2', 'suspension', 131072]])
      assert.deepEqual((await store.allStatusLists()).map((l) => l.id), ['rev-1', 'rev-2', 'sus-1', 'sus-2'])
      const added = (await store.readAudit()).filter((e) => e.action === 'status.list.add')
      assert.deepEqual(added.map((e) => [e.target, e.details]), [['rev-2', { lists: ['rev-2', 'sus-2'], after: 'rev-1', size: 131072 }]])
      assert.equal(findChainBreak(await store.readAudit()), undefined)
      // Revoking the new one sets its bit in the new list only.
      await store.revokeCredential('urn:full:2', () => audit)
      assert.deepEqual((await store.statusListState('rev-2'))?.setIndexes, [5])
      assert.deepEqual((await store.statusListState('rev-1'))?.setIndexes, [])
    })

    it('keeps nothing when signing fails', async () => {
      const before = await store.readAudit()
      await assert.rejects(store.issueCredential(draft('urn:uuid:2'), async () => { throw new Error('kms down') }, () => audit), { code: 'ERR_STORE' })
      assert.equal(await store.getCredential('urn:uuid:2'), undefined)
      assert.deepEqual(await store.readAudit(), before)
      // The store is still usable afterwards.
      await store.issueCredential(draft('urn:uuid:3'), async () => 'jwt', () => audit)
      assert.ok(await store.getCredential('urn:uuid:3'))
    })

    it('keeps nothing when the audit entry cannot be written', async () => {
      await assert.rejects(store.issueCredential(draft('urn:uuid:4'), async () => 'jwt', () => ({ ...audit, details: { loop: BigInt(1) } as unknown as Record<string, unknown> })))
      assert.equal(await store.getCredential('urn:uuid:4'), undefined)
    })

    it('never reuses a status index, retrying a collision', async () => {
      indexes.push(7, 7, 8)
      const a = await store.issueCredential(draft('urn:uuid:a'), async () => 'a', () => audit)
      const b = await store.issueCredential(draft('urn:uuid:b'), async () => 'b', () => audit)
      assert.deepEqual([a.record.index, b.record.index], [7, 8])
    })

    it('refuses a duplicate credential id', async () => {
      await store.issueCredential(draft('urn:uuid:dup'), async () => 'a', () => audit)
      await assert.rejects(store.issueCredential(draft('urn:uuid:dup'), async () => 'b', () => audit), { code: 'ERR_CONFLICT' })
    })

    it('serialises concurrent issuances', async () => {
      const issued = await Promise.all(Array.from({ length: 20 }, (_, i) => store.issueCredential(draft(`urn:uuid:c${i}`), async () => {
        await new Promise((r) => setTimeout(r, Math.random() * 5))
        return `jwt-${i}`
      }, () => audit)))
      assert.equal(new Set(issued.map((c) => c.record.index)).size, 20)
      assert.equal((await store.listCredentials({ subject: AGENT })).length, 20)
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    it('reports the set indexes of a list', async () => {
      indexes.push(3)
      await store.issueCredential(draft('urn:uuid:s'), async () => 'a', () => audit)
      const state = await store.statusListState()
      assert.equal(state?.list.id, 'rev-1')
      assert.deepEqual(state?.setIndexes, [])
    })

    it('enrols an agent with its first credential in one transaction', async () => {
      const other = { ...agent, did: ISSUER }
      const before = await store.readAudit()
      await assert.rejects(store.registerAgent(other, { actor: 'test', action: 'agent.register', details: {} }, { draft: { ...draft('urn:uuid:r1'), subject: ISSUER }, sign: async () => { throw new Error('kms down') }, audit: () => audit }), { code: 'ERR_STORE' })
      assert.equal(await store.getAgent(ISSUER), undefined)
      assert.deepEqual(await store.readAudit(), before)
      const issued = await store.registerAgent(other, { actor: 'test', action: 'agent.register', details: {} }, { draft: { ...draft('urn:uuid:r2'), subject: ISSUER }, sign: async () => 'jwt', audit: () => audit })
      assert.equal(issued?.record.subject, ISSUER)
      assert.equal((await store.readAudit()).length, before.length + 2)
    })

    it('refuses to issue to an agent that is not active, checked inside the transaction', async () => {
      const retired = { ...agent, did: ISSUER, status: 'retired' as const }
      await store.registerAgent(retired, { actor: 'test', action: 'agent.register', details: {} })
      await assert.rejects(store.issueCredential({ ...draft('urn:uuid:ret'), subject: ISSUER }, async () => 'jwt', () => audit), { code: 'ERR_CONFLICT' })
      assert.equal(await store.getCredential('urn:uuid:ret'), undefined)
    })

    it('revokes once, for good, and sets the bit in the list', async () => {
      indexes.push(9)
      await store.issueCredential(draft('urn:uuid:v'), async () => 'jwt', () => audit)
      const revoked = await store.revokeCredential('urn:uuid:v', (r) => ({ ...audit, action: 'credential.revoke', target: r.id }))
      assert.deepEqual([revoked.record.status, revoked.changed], ['revoked', true])
      // A retry changes nothing and records nothing.
      const entries = (await store.readAudit()).length
      const again = await store.revokeCredential('urn:uuid:v', () => audit)
      assert.deepEqual([again.record.status, again.changed], ['revoked', false])
      assert.equal((await store.readAudit()).length, entries)
      await assert.rejects(store.revokeCredential('urn:uuid:none', () => audit), { code: 'ERR_NOT_FOUND' })
      assert.deepEqual((await store.statusListState())?.setIndexes, [9])
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    it('suspends and resumes, by credential or by agent, with the bits in the suspension list', async () => {
      indexes.push(4, 5)
      await store.issueCredential(draft('urn:uuid:s1'), async () => 'a', () => audit)
      await store.issueCredential(draft('urn:uuid:s2'), async () => 'b', () => audit)
      const suspensionList = (await store.getCredential('urn:uuid:s1'))!.suspensionListId!
      assert.ok(suspensionList)
      assert.deepEqual((await store.setSuspended({ credentialId: 'urn:uuid:s1' }, true, () => audit)).map((c) => c.status), ['suspended'])
      // Suspending it again (a retry) changes nothing.
      assert.deepEqual(await store.setSuspended({ credentialId: 'urn:uuid:s1' }, true, () => audit), [])
      assert.deepEqual((await store.statusListState(suspensionList))?.setIndexes, [4])
      assert.deepEqual((await store.setSuspended({ agent: AGENT }, true, () => audit)).map((c) => c.id), ['urn:uuid:s2'])
      assert.deepEqual((await store.statusListState(suspensionList))?.setIndexes, [4, 5])
      // Resuming the agent resumes what its suspension stopped, not s1, suspended on its own.
      await assert.rejects(store.setSuspended({ credentialId: 'urn:uuid:s2' }, false, () => audit), { code: 'ERR_CONFLICT' })
      assert.deepEqual((await store.setSuspended({ agent: AGENT }, false, () => audit)).map((c) => c.id), ['urn:uuid:s2'])
      assert.deepEqual((await store.statusListState(suspensionList))?.setIndexes, [4])
      assert.deepEqual((await store.setSuspended({ credentialId: 'urn:uuid:s1' }, false, () => audit)).map((c) => c.id), ['urn:uuid:s1'])
      assert.deepEqual((await store.statusListState(suspensionList))?.setIndexes, [])
      await store.revokeCredential('urn:uuid:s1', () => audit)
      await assert.rejects(store.setSuspended({ credentialId: 'urn:uuid:s1' }, true, () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.setSuspended({ credentialId: 'urn:uuid:none' }, true, () => audit), { code: 'ERR_NOT_FOUND' })
    })

    it('retires an agent and revokes all its credentials in one step; a retired agent gets nothing new', async () => {
      indexes.push(1, 2)
      await store.issueCredential(draft('urn:uuid:r1'), async () => 'a', () => audit)
      await store.issueCredential(draft('urn:uuid:r2'), async () => 'b', () => audit)
      const steps = await store.retireAgent(AGENT, (step) => ({ ...audit, action: 'agent.retire', details: { revoked: step.revoked.map((r) => r.id) } }))
      assert.deepEqual(steps.map((s) => s.agent), [AGENT])
      assert.deepEqual(steps[0]!.revoked.map((r) => r.id).sort(), ['urn:uuid:r1', 'urn:uuid:r2'])
      assert.equal((await store.getAgent(AGENT))?.status, 'retired')
      assert.deepEqual((await store.statusListState())?.setIndexes, [1, 2])
      await assert.rejects(store.retireAgent(AGENT, () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.issueCredential(draft('urn:uuid:r3'), async () => 'c', () => audit), { code: 'ERR_CONFLICT' })
    })

    it('refuses a credential for an agent that is not enrolled', async () => {
      await assert.rejects(store.issueCredential({ ...draft('urn:uuid:x'), subject: ISSUER }, async () => 'a', () => audit))
      assert.equal(await store.getCredential('urn:uuid:x'), undefined)
    })

    it('pages the inventory by text, kind, owner, segment, status, risk and visibility, with the total', async () => {
      const dids = ['did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG', 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf']
      await store.registerAgent({ ...agent, did: dids[0]!, name: 'ops-bot', kind: 'service', owner: 'ops', segment: 'infra', createdAt: T + 1 }, { actor: 'test', action: 'agent.register', details: {} })
      await store.registerAgent({ ...agent, did: dids[1]!, name: 'Sales-Helper', owner: 'sales-team', createdAt: T + 2 }, { actor: 'test', action: 'agent.register', details: {} })
      await store.registerAgent({ ...agent, did: dids[2]!, name: 'old-bot', owner: 'ops', createdAt: T + 3 }, { actor: 'test', action: 'agent.register', details: {} })
      await store.retireAgent(dids[2]!, () => ({ actor: 'test', action: 'agent.retire', details: {} }))
      await store.issueCredential({ ...draft('urn:uuid:risky'), risk: 'high' }, async () => 'jwt', () => audit)
      const names = async (filter: Parameters<IssuerStore['pageAgents']>[0], limit = 50, offset = 0) => {
        const page = await store.pageAgents(filter, limit, offset)
        return [page.agents.map((a) => a.name), page.total]
      }
      assert.deepEqual(await names({}, 2, 1), [['ops-bot', 'Sales-Helper'], 4])
      assert.deepEqual(await names({ text: 'sales' }), [['Sales-Helper'], 1])
      assert.deepEqual(await names({ text: dids[0]!.slice(20, 30) }), [['ops-bot'], 1])
      assert.deepEqual(await names({ kind: 'service' }), [['ops-bot'], 1])
      assert.deepEqual(await names({ owner: 'ops', status: 'active' }), [['ops-bot'], 1])
      assert.deepEqual(await names({ status: 'retired' }), [['old-bot'], 1])
      assert.deepEqual(await names({ segment: 'infra' }), [['ops-bot'], 1])
      assert.deepEqual(await names({ risk: 'high' }), [['report-bot'], 1])
      assert.deepEqual(await names({ visibleTo: ['sales-team'] }), [['report-bot', 'Sales-Helper'], 2])
      // Filter values are data, never SQL.
      assert.deepEqual(await names({ text: "' OR 1=1 --", owner: "x' OR '1'='1" }), [[], 0])
      await store.setSuspended({ agent: AGENT }, true, () => audit)
      assert.deepEqual(await names({ status: 'suspended' }), [['report-bot'], 1])
    })

    it('pages the inventory by keyset after a position, in the same order, filters and visibility included, with no total', async () => {
      // Two agents created in the same millisecond: the DID breaks the tie, and no page skips or repeats one.
      const dids = ['did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp', 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG', 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf']
      for (const [i, did] of dids.entries()) {
        await store.registerAgent({ ...agent, did, name: `bot-${i}`, owner: i === 0 ? 'ops' : 'sales-team', createdAt: T + (i === 0 ? 0 : 1) }, { actor: 'test', action: 'agent.register', details: {} })
      }
      const walk = async (filter: Parameters<IssuerStore['pageAgentsAfter']>[0], limit: number) => {
        const pages: string[][] = []
        let after: Awaited<ReturnType<IssuerStore['pageAgentsAfter']>>['next']
        do {
          const page = await store.pageAgentsAfter(filter, limit, after)
          pages.push(page.agents.map((a) => a.name))
          after = page.next
        } while (after)
        return pages
      }
      const order = (await store.pageAgents({}, 50, 0)).agents.map((a) => a.name)
      assert.equal(order.length, 4)
      assert.deepEqual((await walk({}, 3)).flat(), order)
      assert.deepEqual(await walk({}, 2), [order.slice(0, 2), order.slice(2)])
      assert.deepEqual(await walk({}, 4), [order], 'a last page that is full says no more follow')
      assert.deepEqual((await walk({ owner: 'sales-team' }, 1)).flat(), order.filter((n) => n === 'report-bot' || n === 'bot-1' || n === 'bot-2'))
      assert.deepEqual((await walk({ visibleTo: ['ops'] }, 1)).flat(), ['bot-0'])
      assert.deepEqual(await store.pageAgentsAfter({}, 10, { createdAt: T + 1, did: 'did:key:z7' }), { agents: [] })
      assert.deepEqual((await store.pageAgentsAfter({}, 10, { createdAt: T + 1, did: "' OR 1=1 --" })).agents.length, 2, 'a position is data, never SQL')
    })

    it('lists policy versions newest first, pages alerts by severity and subject, and searches the audit log newest first', async () => {
      await store.putPolicy('{"v":1}', 'alice', () => audit)
      await store.putPolicy('{"v":2}', 'bob', () => audit)
      const policies = await store.listPolicies(1, 0)
      assert.deepEqual([policies.versions.map((v) => [v.version, v.createdBy]), policies.total], [[[2, 'bob']], 2])
      const added = await store.addAlerts([
        { at: T, kind: 'a', severity: 'high', subject: AGENT, details: {} },
        { at: T, kind: 'b', severity: 'low', subject: AGENT, details: {} },
        { at: T, kind: 'c', severity: 'high', details: {} },
      ])
      const high = await store.pageAlerts({ severity: 'high' }, 1, 0)
      assert.deepEqual([high.alerts.map((a) => a.kind), high.total], [['c'], 2])
      assert.equal((await store.pageAlerts({ subject: AGENT }, 10, 0)).total, 2)
      assert.deepEqual(await store.getAlert(added[0]!.id), added[0])
      assert.equal(await store.getAlert(999_999), undefined)
      const all = await store.readAudit()
      const newest = await store.searchAudit({}, 2)
      assert.deepEqual([newest.entries.map((e) => e.seq), newest.last], [[all.length, all.length - 1], all.length])
      const older = await store.searchAudit({ before: all.length - 1 }, 1)
      assert.deepEqual(older.entries.map((e) => e.seq), [all.length - 2])
      assert.ok((await store.searchAudit({ action: 'agent.' }, 50)).entries.every((e) => e.action.startsWith('agent.')))
      assert.deepEqual((await store.searchAudit({ action: '%' }, 50)).entries, [], 'a prefix, not a pattern')
      assert.ok((await store.searchAudit({ target: AGENT }, 50)).entries.every((e) => e.target === AGENT))
    })
    it('pages alerts by score, highest first, alerts without one last, newest first among equals; within the filters', async () => {
      const added = await store.addAlerts([
        { at: T, kind: 'anomaly.a', severity: 'medium', subject: AGENT, details: { score: 0.4 } },
        { at: T, kind: 'review.overdue', severity: 'high', details: {} },
        { at: T, kind: 'anomaly.b', severity: 'high', subject: AGENT, details: { score: 0.9 } },
        { at: T, kind: 'anomaly.c', severity: 'medium', subject: AGENT, details: { score: 0.4 } },
        { at: T, kind: 'anomaly.d', severity: 'high', details: { score: 'not a number' } },
      ])
      const kinds = async (filter: Parameters<IssuerStore['pageAlerts']>[0], limit = 10, offset = 0) => {
        const page = await store.pageAlerts(filter, limit, offset)
        return [page.alerts.map((a) => a.kind), page.total]
      }
      assert.deepEqual(await kinds({ order: 'score' }), [['anomaly.b', 'anomaly.c', 'anomaly.a', 'anomaly.d', 'review.overdue'], 5])
      assert.deepEqual(await kinds({ order: 'score', subject: AGENT }, 1, 1), [['anomaly.c'], 3])
      assert.deepEqual(await kinds({ order: 'score', severity: 'high' }), [['anomaly.b', 'anomaly.d', 'review.overdue'], 3])
      assert.deepEqual(await kinds({ order: 'newest' }, 2), [['anomaly.d', 'anomaly.c'], 5])
      assert.deepEqual(await kinds({}, 2), [['anomaly.d', 'anomaly.c'], 5])
      // The details come back as they were given: the score column is for ranking only.
      assert.deepEqual(await store.getAlert(added[3]!.id), added[3])
    })

    it('keeps one principal per id, finds it by token while enabled, and never disables the last enabled admin', async () => {
      const bob = { id: 'bob', roles: ['auditor'], tokenSha256: 'b'.repeat(64), createdAt: T }
      await store.createPrincipal(bob, { actor: 'test', action: 'principal.create', target: 'bob', details: {} })
      await assert.rejects(store.createPrincipal({ ...bob, tokenSha256: 'c'.repeat(64) }, { actor: 'test', action: 'principal.create', details: {} }), { code: 'ERR_CONFLICT' })
      assert.equal((await store.principalByToken('b'.repeat(64)))?.id, 'bob')
      const changed = await store.updatePrincipal('bob', () => ({ disabledAt: T }), (p) => ({ actor: 'test', action: 'principal.disable', target: p.id, details: {} }))
      assert.equal(changed.principal.disabledAt, T)
      assert.equal(await store.principalByToken('b'.repeat(64)), undefined)
      assert.equal((await store.principalByTokenAnyState('b'.repeat(64)))?.id, 'bob')
      const before = await store.readAudit()
      await assert.rejects(store.updatePrincipal('admin', () => ({ disabledAt: T }), () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.updatePrincipal('admin', () => ({ roles: ['auditor'] }), () => audit), { code: 'ERR_CONFLICT' })
      // What `change` refuses, the store refuses, writing nothing.
      await assert.rejects(store.updatePrincipal('bob', () => { throw agentIdError('ERR_FORBIDDEN', 'no') }, () => audit), { code: 'ERR_FORBIDDEN' })
      await assert.rejects(store.updatePrincipal('nobody', () => ({}), () => audit), { code: 'ERR_NOT_FOUND' })
      assert.deepEqual(await store.readAudit(), before)
      assert.deepEqual((await store.listPrincipals()).map((p) => p.id).sort(), ['admin', 'bob'])
    })

    it('decides a request as it is inside the transaction: of two approvals racing for one level, one counts', async () => {
      const request = {
        id: 'req-1', subject: AGENT, requester: 'olga', entitlements: [{ resource: 'db:x', actions: ['write'] }], ttlSeconds: 3600, jit: false, risk: 'high' as const,
        chain: ['ai-ops', 'security'], policyVersion: 0, status: 'pending' as const, createdAt: T, expiresAt: T + 3600_000, approvals: [],
      }
      await store.createRequest(request, { actor: 'olga', action: 'request.open', target: 'req-1', details: {} })
      await assert.rejects(store.createRequest({ ...request, id: 'req-dup' }, audit), { code: 'ERR_CONFLICT' }) // the same request pending
      assert.deepEqual((await store.listRequests({ status: 'pending', subject: AGENT })).map((r) => r.id), ['req-1'])
      const approve = (principal: string) => store.decideRequest('req-1', (current) => {
        if (current.approvals.length !== 0) throw agentIdError('ERR_CONFLICT', 'level 1 is decided already')
        return { approval: { level: 0, principal, role: 'ai-ops', decision: 'approve' as const, at: T }, audit: { actor: principal, action: 'request.approve', target: 'req-1', details: {} } }
      })
      const outcomes = await Promise.allSettled([approve('ada'), approve('alan')])
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'])
      assert.equal((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_CONFLICT')
      const stored = (await store.getRequest('req-1'))!
      assert.equal(stored.approvals.length, 1)
      assert.equal(stored.status, 'pending')
      // A denial ends it; then time passing expires nothing more.
      const denied = await store.decideRequest('req-1', () => ({ approval: { level: 1, principal: 'sam', role: 'security', decision: 'deny', at: T }, audit: { actor: 'sam', action: 'request.deny', target: 'req-1', details: {} } }))
      assert.equal(denied.request.status, 'denied')
      assert.deepEqual(await store.expireRequests(T + 7200_000, () => audit), [])
      await assert.rejects(store.decideRequest('req-none', () => { throw new Error('not called') }), { code: 'ERR_NOT_FOUND' })
    })

    it('expires pending requests whose time is up, each once', async () => {
      const request = { id: 'req-e', subject: AGENT, requester: 'olga', entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 60, jit: false, risk: 'medium' as const, chain: ['ai-ops'], policyVersion: 0, status: 'pending' as const, createdAt: T, expiresAt: T + 1000, approvals: [] }
      await store.createRequest(request, audit)
      assert.deepEqual(await store.expireRequests(T + 999, () => audit), [])
      assert.deepEqual((await store.expireRequests(T + 1000, (r) => ({ ...audit, action: 'request.expire', target: r.id }))).map((r) => r.id), ['req-e'])
      assert.deepEqual(await store.expireRequests(T + 2000, () => audit), [])
      assert.equal((await store.getRequest('req-e'))?.status, 'expired')
    })

    it('weighs separation of duties inside the transaction: of two racing grants holding the two sides, one is issued', async () => {
      const side = (action: string) => ({ ...draft(`urn:uuid:sod-${action}`), entitlements: [{ resource: 'payments:eu', actions: [action] }] })
      const guard = (other: string) => (held: readonly { entitlements: readonly { actions: readonly string[] }[] }[]) => {
        if (held.some((h) => h.entitlements.some((e) => e.actions.includes(other)))) throw agentIdError('ERR_SOD_CONFLICT', 'both sides')
      }
      const slowSign = async () => { await new Promise((r) => setTimeout(r, 5)); return 'jwt' }
      const outcomes = await Promise.allSettled([
        store.issueCredential(side('initiate'), slowSign, () => audit, guard('approve')),
        store.issueCredential(side('approve'), slowSign, () => audit, guard('initiate')),
      ])
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'])
      assert.equal((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_SOD_CONFLICT')
      assert.equal((await store.dutyGroupHoldings(AGENT)).length, 1)
      assert.equal((await store.listCredentials({ subject: AGENT })).length, 1)
    })

    it('completes a task once: its live credentials revoked, nothing issued for it afterwards', async () => {
      indexes.push(11, 12)
      await store.issueCredential({ ...draft('urn:uuid:t1'), task: { id: 'task-9' } }, async () => 'a', () => audit)
      await store.issueCredential(draft('urn:uuid:t2'), async () => 'b', () => audit)
      await assert.rejects(store.completeTask('task-none', 'admin', () => audit), { code: 'ERR_NOT_FOUND' })
      const ended = await store.completeTask('task-9', 'admin', (e) => ({ ...audit, action: 'task.complete', details: { revoked: e.revoked.map((r) => r.id) } }))
      assert.deepEqual(ended.revoked.map((r) => r.id), ['urn:uuid:t1'])
      assert.equal((await store.getCredential('urn:uuid:t2'))?.status, 'active')
      assert.deepEqual((await store.statusListState())?.setIndexes, [11])
      await assert.rejects(store.completeTask('task-9', 'admin', () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.issueCredential({ ...draft('urn:uuid:t3'), task: { id: 'task-9' } }, async () => 'c', () => audit))
      assert.equal(await store.getCredential('urn:uuid:t3'), undefined)
    })

    it('sweeps expired credentials once', async () => {
      await store.issueCredential(draft('urn:uuid:old'), async () => 'a', () => audit)
      assert.deepEqual(await store.sweepExpired(T / 1000 + 3599, () => audit), [])
      assert.deepEqual((await store.sweepExpired(T / 1000 + 3600, (r) => ({ ...audit, action: 'credential.expire', target: r.id }))).map((r) => r.id), ['urn:uuid:old'])
      assert.deepEqual(await store.sweepExpired(T / 1000 + 7200, () => audit), [])
    })

    it('keeps role templates, settings and webhooks, each change audited', async () => {
      const role = { name: 'writer', description: 'writes', entitlements: [{ resource: 'db:x', actions: ['write'] }], ttlSeconds: 600 }
      const previous: Array<string | undefined> = []
      await store.putRole(role, (p) => { previous.push(p?.name); return audit })
      await store.putRole({ ...role, description: 'writes more' }, (p) => { previous.push(p?.description); return audit })
      assert.deepEqual(previous, [undefined, 'writes'])
      assert.equal((await store.getRole('writer'))?.description, 'writes more')
      await store.deleteRole('writer', () => audit)
      await assert.rejects(store.deleteRole('writer', () => audit), { code: 'ERR_NOT_FOUND' })
      await store.setSetting('publicUrl', 'https://issuer.example', audit)
      assert.equal(await store.getSetting('publicUrl'), 'https://issuer.example')
      const webhook = { id: 'wh-1', url: 'https://hooks.example/x', events: ['status'], createdBy: 'admin', createdAt: T }
      await store.createWebhook(webhook, 'whsec_secret', audit)
      assert.deepEqual(await store.listWebhooks(), [webhook])
      assert.deepEqual(await store.webhookSecrets(), [{ webhook, secret: 'whsec_secret' }])
      await store.deleteWebhook('wh-1', audit)
      await assert.rejects(store.deleteWebhook('wh-1', audit), { code: 'ERR_NOT_FOUND' })
      assert.deepEqual(await store.listWebhooks(), [])
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    it('signs a checkpoint of the audit head only when the log grew', async () => {
      const heads: number[] = []
      const first = await store.writeCheckpoint(async (head) => { heads.push(head.seq); return `jwt-${head.seq}` })
      assert.equal(first?.seq, (await store.readAudit()).length)
      assert.equal(await store.writeCheckpoint(async () => 'never'), undefined)
      await store.recordEvent({ actor: 'test', action: 'access.refused', details: {} })
      const second = await store.writeCheckpoint(async (head) => { heads.push(head.seq); return `jwt-${head.seq}` })
      assert.equal(second?.seq, first!.seq + 1)
      assert.deepEqual((await store.listCheckpoints()).map((c) => c.jwt), heads.map((s) => `jwt-${s}`))
      assert.deepEqual((await store.listCheckpoints(1)).map((c) => c.seq), [second!.seq])
    })
    it('redeems an offer\'s code once, even when two redemptions race; a wrong holder counts towards burning it', async () => {
      await store.issueCredential(draft('urn:uuid:o1'), async () => 'jwt', () => audit)
      const offer = { codeSha256: 'c'.repeat(64), subject: AGENT, credentials: ['urn:uuid:o1'], failedAttempts: 0, createdBy: 'admin', createdAt: T, expiresAt: T + 600_000 }
      await store.createOffer(offer, audit)
      const redeem = (code: string, holder = AGENT) => store.redeemOffer(code, undefined, { now: T + 1000, maxAttempts: 2, holder, audit: () => audit })
      assert.equal((await redeem('d'.repeat(64))).outcome, 'unknown')
      assert.equal((await redeem('c'.repeat(64), ISSUER)).outcome, 'holder')
      const outcomes = await Promise.all([redeem('c'.repeat(64)), redeem('c'.repeat(64))])
      assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['redeemed', 'used'])
      const burning = { ...offer, codeSha256: 'e'.repeat(64) }
      await store.createOffer(burning, audit)
      assert.equal((await redeem('e'.repeat(64), ISSUER)).outcome, 'holder')
      assert.equal((await redeem('e'.repeat(64), ISSUER)).outcome, 'burnt') // the second of two attempts allowed
      assert.equal((await redeem('e'.repeat(64))).outcome, 'burnt') // even for the right holder, from then on
    })

    it('runs a review campaign: one decision per item even when two reviewers race, and overdue items closed with their credentials revoked', async () => {
      indexes.push(21, 22)
      await store.issueCredential({ ...draft('urn:uuid:rv1'), risk: 'low' }, async () => 'a', () => audit)
      await store.issueCredential({ ...draft('urn:uuid:rv2'), risk: 'high' }, async () => 'b', () => audit)
      const campaign = { id: 'rev-c1', name: 'first', createdBy: 'rita', createdAt: T, deadline: T + 1000, status: 'open' as const }
      const entries = (await store.readAudit()).length
      await assert.rejects(store.startReview({ ...campaign, id: 'rev-none' }, { due: { nowMs: T, intervalSeconds: DAILY } }, (c) => `item-${c}`, () => audit), { code: 'ERR_CONFLICT' })
      assert.deepEqual([(await store.listReviews()).length, (await store.readAudit()).length], [0, entries], 'nothing due: no campaign, no entry')
      const opened = await store.startReview(campaign, { all: true }, (c) => `item-${c}`, (o) => ({ ...audit, action: 'review.start', details: { ...o } }))
      assert.deepEqual(opened, { items: 2, digest: reviewDigest(['urn:uuid:rv1', 'urn:uuid:rv2']) })
      assert.deepEqual((await store.readAudit()).at(-1)?.details, opened)
      const items = await store.listReviewItems(campaign.id)
      assert.deepEqual(items.map((i) => [i.credentialId, i.risk]).sort(), [['urn:uuid:rv1', 'low'], ['urn:uuid:rv2', 'high']])
      const decide = (reviewer: string) => store.decideReviewItem('item-urn:uuid:rv1', 'certified', reviewer, () => audit)
      const outcomes = await Promise.allSettled([decide('rita'), decide('rob')])
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'])
      assert.equal((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_CONFLICT')
      assert.deepEqual(await store.closeOverdueReviews(T + 999, true, () => audit), [])
      const overdue = await store.closeOverdueReviews(T + 1000, true, (c, o) => ({ ...audit, action: 'review.close', target: c.id, details: { overdue: o.map((i) => i.id) } }))
      assert.deepEqual(overdue.map((i) => [i.id, i.decision]), [['item-urn:uuid:rv2', 'expired']])
      assert.equal((await store.getCredential('urn:uuid:rv2'))?.status, 'revoked')
      assert.equal((await store.getCredential('urn:uuid:rv1'))?.status, 'active')
      assert.equal((await store.listReviews())[0]?.status, 'closed')
      await assert.rejects(store.decideReviewItem('item-urn:uuid:rv2', 'revoked', 'rita', () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.decideReviewItem('item-none', 'revoked', 'rita', () => audit), { code: 'ERR_NOT_FOUND' })
    })

    it('opens a review over the credentials due by their risk, found in SQL, each in one open campaign at a time', async () => {
      const risks = ['low', 'medium', 'high', 'critical', undefined] as const
      for (const [i, risk] of risks.entries()) {
        indexes.push(30 + i)
        await store.issueCredential({ ...draft(`urn:uuid:due-${i}`), ...(risk ? { risk } : {}) }, async () => 'a', () => audit)
      }
      await store.issueCredential({ ...draft('urn:uuid:due-revoked'), risk: 'critical' }, async () => 'a', () => audit)
      await store.revokeCredential('urn:uuid:due-revoked', () => audit)
      const campaign = (id: string) => ({ id, name: id, createdBy: 'system', createdAt: T, deadline: T + DAY, status: 'open' as const })
      const due = (nowMs: number) => ({ due: { nowMs, intervalSeconds: { low: 4 * DAY_S, medium: 3 * DAY_S, high: 2 * DAY_S, critical: DAY_S } } })
      const taken = async (id: string) => (await store.listReviewItems(id)).map((i) => [i.credentialId, i.risk]).sort()
      await assert.rejects(store.startReview(campaign('rev-0'), due(T + DAY - 1), (c) => `item-0-${c}`, () => audit), { code: 'ERR_CONFLICT' })
      // A day on: critical, and what has no risk (counted as critical); never the revoked one.
      assert.equal((await store.startReview(campaign('rev-1'), due(T + DAY), (c) => `item-1-${c}`, () => audit)).items, 2)
      assert.deepEqual(await taken('rev-1'), [['urn:uuid:due-3', 'critical'], ['urn:uuid:due-4', 'critical']])
      // Three days on: medium and high, not again those waiting in rev-1.
      assert.equal((await store.startReview(campaign('rev-3'), due(T + 3 * DAY), (c) => `item-3-${c}`, () => audit)).items, 2)
      assert.deepEqual(await taken('rev-3'), [['urn:uuid:due-1', 'medium'], ['urn:uuid:due-2', 'high']])
      // Two campaigns over everything, racing: however their reads and writes interleave, the
      // one that writes second re-checks its candidates and finds them taken.
      const race = await Promise.allSettled(['rev-a', 'rev-b'].map((id) => store.startReview(campaign(id), { all: true }, (c) => `item-${id}-${c}`, () => audit)))
      assert.deepEqual(race.map((r) => (r.status === 'fulfilled' ? r.value.items : (r.reason as { code: string }).code)).sort(), [1, 'ERR_CONFLICT'])
      assert.equal((await store.listReviews()).length, 3)
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    it('opens a campaign larger than one batch whole, and its digest covers every item', async function () {
      this.timeout(120_000)
      const ids = await issueMany('many', 501, 100)
      // Every one due: the re-check of each batch takes the due test as well as the ids.
      const due = { due: { nowMs: T, intervalSeconds: { low: 0, medium: 0, high: 0, critical: 0 } } }
      const opened = await store.startReview({ id: 'rev-many', name: 'many', createdBy: 'rita', createdAt: T, deadline: T + DAY, status: 'open' }, due, (c) => `item-${c}`, () => audit)
      assert.deepEqual(opened, { items: 501, digest: reviewDigest(ids) })
      assert.deepEqual((await store.listReviewItems('rev-many')).map((i) => i.credentialId).sort(), ids)
      // Past its deadline, nothing decided: every item overdue and revoked, audited a batch of at
      // most 500 per entry (each naming its items), and one alert that counts them.
      const before = (await store.readAudit()).length
      const overdue = await store.closeOverdueReviews(T + DAY, true, (c, o, part) => ({ ...audit, action: 'review.close', target: c.id, details: { overdue: o.map((i) => i.credentialId), ...part } }))
      assert.equal(overdue.length, 501)
      const entries = (await store.readAudit()).slice(before)
      assert.deepEqual(entries.map((e) => [e.action, (e.details.overdue as string[]).length, e.details.index, e.details.of]), [['review.close', 500, 1, 2], ['review.close', 1, 2, 2]])
      assert.deepEqual(entries.flatMap((e) => e.details.overdue as string[]).sort(), ids)
      const [alert] = (await store.listAlerts()).filter((a) => a.kind === 'review.overdue')
      assert.deepEqual(alert?.details, { campaign: 'rev-many', items: 501, revoked: true })
      assert.equal((await store.getCredential(ids[500]!))?.status, 'revoked')
    })

    it('pages a campaign\'s items in reviewers\' order (undecided first, then by risk) and counts its progress', async () => {
      const risks = ['low', 'critical', 'medium', 'high', 'critical', 'low'] as const
      for (const [i, risk] of risks.entries()) {
        indexes.push(60 + i)
        await store.issueCredential({ ...draft(`urn:uuid:pg-${i}`), risk }, async () => 'a', () => audit)
      }
      const c = { id: 'rev-pages', name: 'pages', createdBy: 'rita', createdAt: T, deadline: T + DAY, status: 'open' as const }
      await store.startReview(c, { all: true }, (id) => `item-${id.slice(-4)}`, () => audit)
      await store.decideReviewItem('item-pg-1', 'certified', 'rita', () => audit)
      await store.decideReviewItem('item-pg-5', 'revoked', 'rita', () => audit)
      const page = async (status: 'open' | 'decided' | undefined, limit: number, offset: number) => {
        const p = await store.pageReviewItems('rev-pages', status ? { status } : {}, limit, offset)
        return [p.items.map((i) => i.id), p.total]
      }
      assert.deepEqual(await page(undefined, 10, 0), [['item-pg-4', 'item-pg-3', 'item-pg-2', 'item-pg-0', 'item-pg-1', 'item-pg-5'], 6])
      assert.deepEqual(await page(undefined, 2, 3), [['item-pg-0', 'item-pg-1'], 6])
      assert.deepEqual(await page('open', 2, 0), [['item-pg-4', 'item-pg-3'], 4])
      assert.deepEqual(await page('decided', 10, 0), [['item-pg-1', 'item-pg-5'], 2])
      assert.deepEqual(await store.reviewProgress('rev-pages'), { total: 6, decided: 2, certified: 1, revoked: 1 })
      assert.equal((await store.getReview('rev-pages'))?.name, 'pages')
      assert.equal(await store.getReview('rev-none'), undefined)
      assert.deepEqual(await store.pageReviewItems('rev-none', {}, 10, 0), { items: [], total: 0 })
    })

    it('opens a campaign in batches, and a failed opening leaves nothing: never listed, its items never decidable, its credentials free for the next', async function () {
      this.timeout(120_000)
      const ids = await issueMany('fail', 501, 100)
      const campaign = (id: string) => ({ id, name: id, createdBy: 'rita', createdAt: T, deadline: T + DAY, status: 'open' as const })
      let calls = 0
      let probes: Promise<unknown[]> | undefined
      const failing = (c: string) => {
        // The second batch: the first is committed, the campaign still opening.
        if (++calls === 501) {
          probes = Promise.all([store.listReviews(), store.listReviewItems(), store.getReviewItem(`item-${ids[0]}`),
            store.decideReviewItem(`item-${ids[0]}`, 'revoked', 'rob', () => audit).catch((e: { code: string }) => e.code)])
          throw agentIdError('ERR_STORE', 'disk full')
        }
        return `item-${c}`
      }
      await assert.rejects(store.startReview(campaign('rev-fails'), { all: true }, failing, () => audit), { code: 'ERR_STORE' })
      assert.deepEqual(await probes, [[], [], undefined, 'ERR_NOT_FOUND'])
      assert.deepEqual([await store.listReviews(), await store.listReviewItems()], [[], []])
      assert.equal((await store.getCredential(ids[0]!))?.status, 'active', 'no decision was taken on it')
      const abandoned = (await store.readAudit()).at(-1)!
      assert.deepEqual([abandoned.action, abandoned.target, abandoned.details.items], ['review.abandon', 'rev-fails', 500])
      const opened = await store.startReview(campaign('rev-next'), { all: true }, (c) => `item-next-${c}`, (o) => ({ ...audit, action: 'review.start', details: { ...o } }))
      assert.deepEqual(opened, { items: 501, digest: reviewDigest(ids) })
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    it('closes an overdue campaign as one close would, when two sweeps run at once or one is cut short and resumed', async function () {
      this.timeout(120_000)
      await issueMany('close', 501, 2000)
      const campaign = (id: string) => ({ id, name: id, createdBy: 'rita', createdAt: T, deadline: T + 1000, status: 'open' as const })
      const parts = async (id: string) => (await store.readAudit()).filter((e) => e.action === 'review.close' && e.target === id).map((e) => [e.details.n, e.details.index, e.details.of])
      const alerts = async (id: string) => (await store.listAlerts()).filter((a) => a.kind === 'review.overdue' && a.subject === id).map((a) => a.details)
      const close = (fail?: number, revoke = true) => store.closeOverdueReviews(T + 1000, revoke, (c, o, part) => {
        if (part.index === fail) throw agentIdError('ERR_STORE', 'disk full')
        return { ...audit, action: 'review.close', target: c.id, details: { n: o.length, ...part } }
      })
      await store.startReview(campaign('rev-twice'), { all: true }, (c) => `item-a-${c}`, () => audit)
      const [a, b] = await Promise.all([close(), close()])
      assert.equal(a.length + b.length, 501, 'each item expired once')
      assert.deepEqual(await parts('rev-twice'), [[500, 1, 2], [1, 2, 2]])
      assert.deepEqual(await alerts('rev-twice'), [{ campaign: 'rev-twice', items: 501, revoked: true }])
      // Cut short in its second part (nothing of that part stays), then resumed by the next sweep.
      await issueMany('again', 501, 4000)
      await store.startReview(campaign('rev-cut'), { all: true }, (c) => `item-b-${c}`, () => audit)
      await assert.rejects(close(2), { code: 'ERR_STORE' })
      assert.deepEqual(await alerts('rev-cut'), [])
      // Resumed after the policy stopped revoking what nobody reviewed: the alert still says the
      // first part's credentials were revoked.
      assert.equal((await close(undefined, false)).length, 1)
      assert.deepEqual(await parts('rev-cut'), [[500, 1, 2], [1, 2, 2]])
      assert.deepEqual(await alerts('rev-cut'), [{ campaign: 'rev-cut', items: 501, revoked: true }])
      assert.deepEqual([(await store.getCredential('urn:uuid:again-0000'))?.status, (await store.getCredential('urn:uuid:again-0500'))?.status], ['revoked', 'active'])
      assert.equal(findChainBreak(await store.readAudit()), undefined)
    })

    it('raises the overdue alert when reviewers decide the last items of a campaign whose close was cut short', async function () {
      this.timeout(60_000)
      const ids = await issueMany('late', 501, 3000)
      await store.startReview({ id: 'rev-late', name: 'late', createdBy: 'rita', createdAt: T, deadline: T + 1000, status: 'open' }, { all: true }, (c) => `item-${c}`, () => audit)
      await assert.rejects(store.closeOverdueReviews(T + 1000, true, (c, o, part) => {
        if (part.index === 2) throw agentIdError('ERR_STORE', 'disk full')
        return audit
      }), { code: 'ERR_STORE' })
      const [last] = await store.pageReviewItems('rev-late', { status: 'open' }, 10, 0).then((p) => p.items)
      await store.decideReviewItem(last!.id, 'certified', 'rita', () => audit)
      assert.equal((await store.getReview('rev-late'))?.status, 'closed')
      assert.deepEqual((await store.listAlerts()).filter((a) => a.kind === 'review.overdue').map((a) => a.details), [{ campaign: 'rev-late', items: 500, revoked: true }])
    })

    it('ends a suppression once, takes one verdict per alert, and keeps baselines as written', async () => {
      const suppression = { id: 'sup-1', agent: AGENT, reason: 'load test', createdBy: 'sam', createdAt: T, expiresAt: T + 3600_000 }
      await store.addSuppression(suppression, audit)
      assert.deepEqual((await store.listSuppressions()).map((x) => x.id), ['sup-1'])
      assert.equal((await store.endSuppression('sup-1', 'sam', T + 10, audit)).endedBy, 'sam')
      await assert.rejects(store.endSuppression('sup-1', 'sam', T + 20, audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.endSuppression('sup-none', 'sam', T + 20, audit), { code: 'ERR_NOT_FOUND' })
      const [alert] = await store.addAlerts([{ at: T, kind: 'anomaly.rate', severity: 'medium', subject: AGENT, details: {} }])
      await store.addAlertFeedback({ alertId: alert!.id, verdict: 'benign', decidedBy: 'sam', decidedAt: T }, audit)
      await assert.rejects(store.addAlertFeedback({ alertId: alert!.id, verdict: 'confirmed', decidedBy: 'sid', decidedAt: T }, audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.addAlertFeedback({ alertId: 999_999, verdict: 'benign', decidedBy: 'sam', decidedAt: T }, audit), { code: 'ERR_NOT_FOUND' })
      assert.deepEqual((await store.listAlertFeedback([alert!.id])).map((f) => f.verdict), ['benign'])
      await store.saveBaselines([{ key: 'rate:a', state: '{"n":1}', updatedAt: T }])
      await store.saveBaselines([{ key: 'rate:a', state: '{"n":2}', updatedAt: T + 1 }, { key: 'rate:b', state: '{}', updatedAt: T + 1 }])
      assert.deepEqual((await store.loadBaselines()).sort((a, b) => a.key.localeCompare(b.key)), [{ key: 'rate:a', state: '{"n":2}' }, { key: 'rate:b', state: '{}' }])
    })
    it('renews a credential once, even when two renewals race, and finds the renewal from the renewed', async () => {
      const renewUntil = T / 1000 + 86400 // the approved window: renewals happen inside it only
      await store.issueCredential({ ...draft('urn:uuid:n0'), renewUntil }, async () => 'a', () => audit)
      const renew = (id: string) => store.issueCredential({ ...draft(id), renews: 'urn:uuid:n0', renewUntil }, async () => { await new Promise((r) => setTimeout(r, 5)); return id }, () => audit)
      const outcomes = await Promise.allSettled([renew('urn:uuid:n1'), renew('urn:uuid:n2')])
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'])
      assert.equal((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_CONFLICT')
      const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ record: { id: string } }>).value.record.id
      assert.equal((await store.getRenewal('urn:uuid:n0'))?.id, winner)
      assert.equal(await store.getCredentialJwt(winner), winner)
      assert.equal(await store.getRenewal(winner), undefined)
    })

    it('records reported delegations once, refuses another JWT under the same id, and lists them under their root', async () => {
      await store.issueCredential(draft('urn:uuid:root'), async () => 'a', () => audit)
      const link = { id: 'urn:uuid:d1', parent: 'urn:uuid:root', root: 'urn:uuid:root', delegator: AGENT, delegate: ISSUER, entitlements: [{ resource: 'db:customers', actions: ['read'] }], depth: 1, notBefore: T / 1000, expires: T / 1000 + 600, jwtSha256: 'f'.repeat(64), reportedAt: T }
      const first = await store.recordDelegations([link], () => audit, () => ({ at: T, kind: 'delegation.stray', severity: 'high', subject: AGENT, details: {} }))
      assert.deepEqual([first.recorded.map((d) => d.id), first.alerts.map((a) => a.kind)], [['urn:uuid:d1'], ['delegation.stray']])
      assert.deepEqual((await store.recordDelegations([link], () => audit)).recorded, [])
      await assert.rejects(store.recordDelegations([{ ...link, jwtSha256: '0'.repeat(64) }], () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.recordDelegations([{ ...link, id: 'urn:uuid:d2', root: 'urn:uuid:none', parent: 'urn:uuid:none' }], () => audit), { code: 'ERR_NOT_FOUND' })
      assert.deepEqual((await store.listDelegations('urn:uuid:root')).map((d) => d.id), ['urn:uuid:d1'])
      assert.deepEqual((await store.listAlerts()).map((a) => a.kind), ['delegation.stray'])
    })

    it('moves an agent to a new party only when the guard allows it', async () => {
      const other = { ...agent, did: ISSUER, name: 'ops-bot', owner: 'ops' }
      await store.registerAgent(other, { actor: 'test', action: 'agent.register', details: {} })
      // An agent a team owns heads its own party.
      assert.deepEqual([await store.partyTop(AGENT), await store.partyTop(ISSUER)], [AGENT, ISSUER])
      const before = await store.readAudit()
      await assert.rejects(store.transferAgent(ISSUER, 'sales-team', () => audit, () => { throw agentIdError('ERR_SOD_CONFLICT', 'both sides') }), { code: 'ERR_SOD_CONFLICT' })
      assert.equal((await store.getAgent(ISSUER))?.owner, 'ops')
      assert.deepEqual(await store.readAudit(), before)
      const moved = await store.transferAgent(ISSUER, 'sales-team', (previous) => ({ ...audit, action: 'agent.transfer', details: { from: previous.owner } }))
      assert.equal((await store.getAgent(ISSUER))?.owner, moved.agent.owner)
      assert.equal(moved.agent.owner, 'sales-team')
      await assert.rejects(store.transferAgent(ISSUER, 'sales-team', () => audit), { code: 'ERR_CONFLICT' })
      await assert.rejects(store.transferAgent('did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG', 'ops', () => audit), { code: 'ERR_NOT_FOUND' })
    })

    it('rotates the issuer: new lists for the new DID, the previous ones kept; and the key-encryption key, secrets still readable', async () => {
      const NEW = 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf'
      const before = await store.allStatusLists()
      await store.rotateIssuer({ previous: ISSUER, did: NEW, statement: 'jwt', lists: [{ id: 'rev-2', purpose: 'revocation', size: 131072, createdAt: T + 1 }] }, audit)
      assert.equal(await store.getSetting('issuerDid'), NEW)
      assert.equal((await store.currentStatusLists())[0]?.id, 'rev-2')
      assert.deepEqual((await store.allStatusLists()).map((l) => l.id), [...before.map((l) => l.id), 'rev-2'].sort((a, b) => Number(a.startsWith('sus')) - Number(b.startsWith('sus'))))
      await store.createWebhook({ id: 'wh-k', url: 'https://hooks.example/k', events: ['alert'], createdBy: 'admin', createdAt: T }, 'whsec_kept', audit)
      assert.ok((await store.rotateKek(generateKek(), () => audit)) >= 1)
      assert.deepEqual((await store.webhookSecrets()).map((w) => w.secret), ['whsec_kept'])
    })
    it('pages requests newest first and the approval queue oldest first, at the levels a principal holds', async () => {
      const open = (id: string, createdAt: number, chain: string[], requester = 'olga') => store.createRequest({
        id, subject: AGENT, requester, entitlements: [{ resource: `db:${id}`, actions: ['write'] }], ttlSeconds: 60, jit: false, risk: 'high', chain, policyVersion: 0,
        status: 'pending', createdAt, expiresAt: createdAt + 1000, approvals: [],
      }, audit)
      await open('req-a', T, ['ai-ops', 'security'])
      await open('req-b', T + 1, ['security'])
      await open('req-c', T + 2, ['ai-ops'], 'ada')
      await store.decideRequest('req-b', () => ({ approval: { level: 0, principal: 'sam', role: 'security', decision: 'deny', at: T }, audit }))
      const page = await store.pageRequests({}, 2, 0)
      assert.deepEqual([page.requests.map((r) => r.id), page.total], [['req-c', 'req-b'], 3])
      assert.deepEqual((await store.pageRequests({ status: 'decided' }, 10, 0)).requests.map((r) => r.id), ['req-b'])
      assert.deepEqual((await store.pageRequests({ status: 'pending', subject: AGENT }, 10, 1)).requests.map((r) => r.id), ['req-a'])
      const queue = (roles: string[], principal: string, now = T) => store.pageQueue({ roles, principal, now }, 10, 0)
      assert.deepEqual((await queue(['ai-ops'], 'alan')).requests.map((r) => r.id), ['req-a', 'req-c'])
      assert.deepEqual((await queue(['ai-ops'], 'ada')).requests.map((r) => r.id), ['req-a']) // not what it asked for
      assert.deepEqual((await queue(['security'], 'sam')).requests.map((r) => r.id), []) // req-a waits for ai-ops first
      assert.equal((await queue(['ai-ops'], 'alan', T + 1000)).total, 1) // req-a expired by then
    })

    it('knows when a grant started and lists only the newest credential of each grant when asked', async () => {
      const renewUntil = T / 1000 + 86400
      await store.issueCredential({ ...draft('urn:uuid:g0'), renewUntil }, async () => 'a', () => audit)
      await store.issueCredential({ ...draft('urn:uuid:g1'), renews: 'urn:uuid:g0', renewUntil, notBefore: T / 1000 + 60, expires: T / 1000 + 3660 }, async () => 'b', () => audit)
      await store.issueCredential(draft('urn:uuid:h0'), async () => 'c', () => audit)
      assert.equal(await store.grantStart('urn:uuid:g1'), T / 1000)
      assert.equal(await store.grantStart('urn:uuid:none'), undefined)
      assert.deepEqual((await store.listCredentials({ subject: AGENT, latestOfGrant: true })).map((c) => c.id).sort(), ['urn:uuid:g1', 'urn:uuid:h0'])
      assert.equal((await store.listCredentials({ subject: AGENT })).length, 3)
    })
    it('answers the plain reads: agents, retired agents, principals, the policy in force, review items', async () => {
      assert.deepEqual((await store.listAgents()).map((a) => a.did), [AGENT])
      assert.deepEqual(await store.retiredAgents(), [])
      await store.retireAgent(AGENT, () => audit)
      assert.deepEqual(await store.retiredAgents(), [AGENT])
      assert.deepEqual((await store.getPrincipal('admin'))?.roles, ['admin'])
      assert.equal(await store.getPrincipal('nobody'), undefined)
      assert.equal(await store.currentPolicy(), undefined)
      await store.putPolicy('{"v":1}', 'alice', () => audit)
      await store.putPolicy('{"v":2}', 'bob', () => audit)
      assert.deepEqual([(await store.currentPolicy())?.version, (await store.currentPolicy())?.document], [2, '{"v":2}'])
      const other = { ...agent, did: ISSUER, name: 'ops-bot', owner: 'ops' }
      await store.registerAgent(other, { actor: 'test', action: 'agent.register', details: {} })
      await store.issueCredential({ ...draft('urn:uuid:ri'), subject: ISSUER, risk: 'low' }, async () => 'a', () => audit)
      await store.startReview({ id: 'rev-r', name: 'r', createdBy: 'rita', createdAt: T, deadline: T + 1000, status: 'open' }, { all: true }, () => 'item-ri', () => audit)
      assert.deepEqual((await store.listReviewItems('rev-r')).map((i) => i.id), ['item-ri'])
      assert.deepEqual((await store.listReviewItems()).map((i) => i.id), ['item-ri'])
      assert.equal((await store.getReviewItem('item-ri'))?.credentialId, 'urn:uuid:ri')
      assert.equal(await store.getReviewItem('item-none'), undefined)
    })
  })
}
