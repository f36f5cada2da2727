import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDidKey } from '@agentid/core'
import { checkCredentialJwt } from '@agentid/verifier'
import { generateAgentKey } from '@agentid/agent'
import { assessEntitlements, DEFAULT_POLICY } from '../../src/governance/policy.js'
import { generateKek } from '../../src/keys/key-encryption.js'
import { IssuerSigner } from '../../src/signing/issuer-signer.js'
import type { AgentRecord, CredentialRecord, IssuerStore } from '../../src/store/issuer-store.js'
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { prepareIssuance, type IssuingContext } from '../../src/usecases/issuance.js'

const T = Date.UTC(2026, 11, 3, 9, 0, 0)

// What minting prepares for the store, from an explicit context: a real store holding a real
// issuer key, a frozen clock and a fixed id.
describe('prepareIssuance', () => {
  let dir: string
  let store: IssuerStore
  let ctx: IssuingContext
  const agent: AgentRecord = { did: generateAgentKey().did, name: 'report-bot', kind: 'company', owner: 'sales', status: 'active', createdAt: T }
  const read = { resource: 'crm:contacts', actions: ['read'] }
  const initiate = { resource: 'payments:eu', actions: ['initiate'] }
  const judged = (entitlements: typeof read[]) => ({ policy: DEFAULT_POLICY, assessment: assessEntitlements(DEFAULT_POLICY, entitlements) })

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-issuance-'))
    store = openSqliteStore({ path: join(dir, 'issuer.db'), kek: generateKek(), create: true, now: () => T })
    const identifier = await (await new IssuerSigner(store, 'did:key:unused', undefined, 0).veramo()).didManagerCreate({ provider: 'did:key', alias: 'issuer', options: { keyType: 'Ed25519' } })
    const did = parseDidKey(identifier.did).did
    ctx = {
      did, now: () => T, randomId: () => 'urn:uuid:fixed', publicUrl: () => 'https://issuer.example', credentialFormat: () => 'vc2.0', sdJwtByDefault: false,
      signer: new IssuerSigner(store, did, undefined, 0),
    }
  })

  after(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('drafts the grant on the context\'s clock, id and DID, and signs it with the slot the store allocates', async () => {
    const { draft, sign, audit, guard } = prepareIssuance(ctx, agent, { subject: agent.did, entitlements: [read], ttlSeconds: 600, risk: 'medium' }, 'ada', judged([read]))
    assert.deepEqual([draft.id, draft.issuer, draft.subject, draft.notBefore, draft.expires, draft.risk], ['urn:uuid:fixed', ctx.did, agent.did, T / 1000, T / 1000 + 600, 'medium'])
    assert.deepEqual(draft.entitlements, [read]) // delegable under the policy, and no approvals: said by saying nothing
    assert.equal(guard, undefined) // touches no duty rule
    const jwt = await sign({ listId: 'rev-1', index: 5, suspensionListId: 'sus-1' })
    const checked = checkCredentialJwt(jwt)
    assert.deepEqual([checked.id, checked.issuer, checked.expires], ['urn:uuid:fixed', ctx.did, T / 1000 + 600])
    assert.deepEqual(checked.status.map((s) => [s.statusPurpose, s.statusListCredential, s.statusListIndex]), [['revocation', 'https://issuer.example/status/rev-1', '5'], ['suspension', 'https://issuer.example/status/sus-1', '5']])
    const entry = audit({ ...draft, listId: 'rev-1', index: 5, status: 'active', issuedAt: T, jwtSha256: 'h' } as CredentialRecord)
    assert.deepEqual([entry.actor, entry.action, entry.target], ['ada', 'credential.issue', 'urn:uuid:fixed'])
  })

  it('writes delegable where a verifier would read it otherwise, and guards a side of a duty rule', () => {
    const approvals = [{ role: 'ai-ops', approver: 'ada', at: '2026-12-03T09:00:00Z' }]
    const narrowed = prepareIssuance(ctx, agent, { subject: agent.did, entitlements: [{ ...read, delegable: false }], ttlSeconds: 60 }, 'ada', judged([read]))
    assert.deepEqual(narrowed.draft.entitlements, [{ ...read, delegable: false }])
    const approved = prepareIssuance(ctx, agent, { subject: agent.did, entitlements: [read], ttlSeconds: 60 }, 'ada', { ...judged([read]), approvals })
    assert.deepEqual(approved.draft.entitlements, [{ ...read, delegable: true }])
    assert.deepEqual(approved.draft.approvals, approvals)
    const duty = prepareIssuance(ctx, agent, { subject: agent.did, entitlements: [initiate], ttlSeconds: 60 }, 'ada', judged([initiate]))
    assert.deepEqual(duty.draft.entitlements, [{ ...initiate, delegable: false }])
    assert.throws(() => duty.guard!([{ id: 'c', subject: agent.did, via: 'credential', entitlements: [{ resource: 'payments:eu', actions: ['approve'] }] }]), { code: 'ERR_SOD_CONFLICT' })
  })

  it('opens a renewal window, or keeps the one of the credential it renews', () => {
    const fresh = prepareIssuance(ctx, agent, { subject: agent.did, entitlements: [read], ttlSeconds: 600, renewableForSeconds: 86400 }, 'ada', judged([read]))
    assert.equal(fresh.draft.renewUntil, T / 1000 + 86400)
    const renews = { id: 'urn:uuid:old', renewUntil: T / 1000 + 3600 } as CredentialRecord
    const renewal = prepareIssuance(ctx, agent, { subject: agent.did, entitlements: [read], ttlSeconds: 600, renewableForSeconds: 86400 }, agent.did, { ...judged([read]), renews })
    assert.deepEqual([renewal.draft.renewUntil, renewal.draft.renews], [T / 1000 + 3600, 'urn:uuid:old'])
    assert.equal(renewal.audit({ ...renewal.draft, listId: 'rev-1', index: 1, status: 'active', issuedAt: T, jwtSha256: 'h' } as CredentialRecord).action, 'credential.renew')
  })

  it('refuses what is out of bounds before anything is drafted', () => {
    const CASES: Array<[string, Parameters<typeof prepareIssuance>[2]]> = [
      ['a ttl over 30 days', { subject: agent.did, entitlements: [read], ttlSeconds: 30 * 86400 + 1 }],
      ['an unknown constraint', { subject: agent.did, entitlements: [{ ...read, constraints: { nobodyKnowsThis: 1 } }], ttlSeconds: 60 }],
      ['an unknown format', { subject: agent.did, entitlements: [read], ttlSeconds: 60, format: 'jwt' as never }],
    ]
    for (const [name, input] of CASES) assert.throws(() => prepareIssuance(ctx, agent, input, 'ada', judged([read])), { code: 'ERR_INPUT_INVALID' }, name)
  })
})
