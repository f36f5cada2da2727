import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentKeyFromSeed, createDelegation, createPresentation, signJwt } from '@agentid/agent'
import { createVerifier, statusListsFromJwts } from '@agentid/verifier'
import { findChainBreak, generateKek, Issuer } from '@agentid/issuer'
import { noApprovalPolicy } from '../../../test/support/policies.js'

const T = Date.UTC(2026, 10, 30, 9, 0, 0)
const ISSUER_SEED = new Uint8Array(32).fill(9)
const agent = agentKeyFromSeed(new Uint8Array(32).fill(2))
const verifierKey = agentKeyFromSeed(new Uint8Array(32).fill(3))

// Fixed key, frozen clock, fixed id, fixed status index: this exact credential, byte for byte.
const GOLDEN_JWT = [
  'eyJraWQiOiJkaWQ6a2V5Ono2TWt3VkRmQ2c5TGJiWTZ4akgzRVprOFlTRlFadWpWNVk0eTFaV2VFUjl0RGlOMyN6Nk1rd1ZEZkNnOUxiYlk2eGpIM0VaazhZU0ZRWnVqVjVZNHkxWldlRVI5dERpTjMiLCJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9',
  'eyJleHAiOjE3OTYxMTU2MDAsInZjIjp7IkBjb250ZXh0IjpbImh0dHBzOi8vd3d3LnczLm9yZy8yMDE4L2NyZWRlbnRpYWxzL3YxIiwiaHR0cHM6Ly93d3cudzMub3JnL25zL2NyZWRlbnRpYWxzL3N0YXR1cy92MSIsImh0dHBzOi8vdzNpZC5vcmcvYWdlbnRpZC92MSJdLCJ0eXBlIjpbIlZlcmlmaWFibGVDcmVkZW50aWFsIiwiQWdlbnRFbnRpdGxlbWVudENyZWRlbnRpYWwiXSwiY3JlZGVudGlhbFN1YmplY3QiOnsiYWdlbnQiOnsibmFtZSI6InJlcG9ydC1ib3QiLCJraW5kIjoiY29tcGFueSIsIm93bmVyIjoic2FsZXMtdGVhbSIsInNlZ21lbnQiOiJzYWxlcyJ9LCJlbnRpdGxlbWVudHMiOlt7InJlc291cmNlIjoiZGI6Y3VzdG9tZXJzIiwiYWN0aW9ucyI6WyJyZWFkIl0sInB1cnBvc2UiOiJtb250aGx5LXJlcG9ydCIsImNvbnN0cmFpbnRzIjp7Im1heFJlY29yZHMiOjUwMDB9fV0sInRhc2siOnsiaWQiOiJ0YXNrLTIwMjYtMTEtcmVwb3J0IiwiZGVzY3JpcHRpb24iOiJOb3ZlbWJlciByZXBvcnQifSwicmlzayI6Im1lZGl1bSJ9LCJjcmVkZW50aWFsU3RhdHVzIjpbeyJpZCI6Imh0dHA6Ly8xMjcuMC4wLjE6ODQ3MC9zdGF0dXMvcmV2LTEjOTQ1NjciLCJ0eXBlIjoiQml0c3RyaW5nU3RhdHVzTGlzdEVudHJ5Iiwic3RhdHVzUHVycG9zZSI6InJldm9jYXRpb24iLCJzdGF0dXNMaXN0SW5kZXgiOiI5NDU2NyIsInN0YXR1c0xpc3RDcmVkZW50aWFsIjoiaHR0cDovLzEyNy4wLjAuMTo4NDcwL3N0YXR1cy9yZXYtMSJ9LHsiaWQiOiJodHRwOi8vMTI3LjAuMC4xOjg0NzAvc3RhdHVzL3N1cy0xIzk0NTY3IiwidHlwZSI6IkJpdHN0cmluZ1N0YXR1c0xpc3RFbnRyeSIsInN0YXR1c1B1cnBvc2UiOiJzdXNwZW5zaW9uIiwic3RhdHVzTGlzdEluZGV4IjoiOTQ1NjciLCJzdGF0dXNMaXN0Q3JlZGVudGlhbCI6Imh0dHA6Ly8xMjcuMC4wLjE6ODQ3MC9zdGF0dXMvc3VzLTEifV19LCJzdWIiOiJkaWQ6a2V5Ono2TWtvOWhUZ2dNd2pTVEVhSmFQVWZFNnRxY3kyeHZVNkJuTnEzZTNvOHFWQml5SCIsImp0aSI6InVybjp1dWlkOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSIsIm5iZiI6MTc5NjAyOTIwMCwiaXNzIjoiZGlkOmtleTp6Nk1rd1ZEZkNnOUxiYlk2eGpIM0VaazhZU0ZRWnVqVjVZNHkxWldlRVI5dERpTjMifQ',
  '91c3LpqYWPCLi-CuhlE6pNzctOEczs0AJrS3874CMr8xMrBJugrZxGvRhKhPkXJJbDS0RfVvBU_dVs5Bzae_AA',
].join('.')

describe('Issuer engine', () => {
  let home: string
  let env: NodeJS.ProcessEnv
  let issuer: Issuer

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-issuer-'))
    env = {}
    let id = 0
    issuer = (await Issuer.init({ home, env, credentialFormat: 'vc1.1', now: () => T, issuerSeed: ISSUER_SEED, randomId: () => `urn:uuid:00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`, randomIndex: () => 94567 + id - 1 })).issuer
    // Governance has its own tests: here every grant is issued at once.
    await issuer.setPolicy(noApprovalPolicy(), 'test')
  })

  afterEach(async () => {
    await issuer.close().catch(() => undefined)
    rmSync(home, { recursive: true, force: true })
  })

  it('issues exactly the golden credential for a fixed key, clock, id and index', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales' }, 'test')
    const issued = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }], ttlSeconds: 86400, task: { id: 'task-2026-11-report', description: 'November report' }, risk: 'medium' }, 'test')
    const [header, payload] = issued.jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>)
    assert.deepEqual(header, { kid: `${issuer.did}#${issuer.did.slice(8)}`, alg: 'EdDSA', typ: 'JWT' })
    assert.deepEqual(payload, {
      exp: T / 1000 + 86400,
      vc: {
        '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/status/v1', 'https://w3id.org/agentid/v1'],
        type: ['VerifiableCredential', 'AgentEntitlementCredential'],
        credentialSubject: {
          agent: { name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales' },
          entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }],
          task: { id: 'task-2026-11-report', description: 'November report' },
          risk: 'medium',
        },
        credentialStatus: [
          {
            id: 'http://127.0.0.1:8470/status/rev-1#94567',
            type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '94567',
            statusListCredential: 'http://127.0.0.1:8470/status/rev-1',
          },
          {
            id: 'http://127.0.0.1:8470/status/sus-1#94567',
            type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: '94567',
            statusListCredential: 'http://127.0.0.1:8470/status/sus-1',
          },
        ],
      },
      sub: agent.did,
      jti: 'urn:uuid:00000000-0000-4000-8000-000000000001',
      nbf: T / 1000,
      iss: issuer.did,
    })
    // Ed25519 is deterministic: the same inputs give the same bytes every time.
    assert.equal(issued.jwt, GOLDEN_JWT)
  })

  it('returns a credential only once its row and audit entry are committed', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
    const issued = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 60 }, 'test')
    const record = await issuer.store.getCredential(issued.id)
    assert.equal(record?.jwtSha256.length, 64)
    const entries = await issuer.store.readAudit()
    assert.deepEqual(entries.map((e) => e.action), ['issuer.init', 'policy.update', 'agent.register', 'credential.issue'])
    assert.equal(findChainBreak(entries), undefined)
  })

  it('issues a role template\'s entitlements on registration', async () => {
    const { credentials } = await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team', role: 'sales-reporter' }, 'test')
    assert.equal(credentials.length, 1)
    assert.deepEqual(credentials[0]!.record.entitlements.map((e) => e.resource), ['db:customers'])
  })

  it('changes nothing on an unknown role, an unknown agent or a bad grant', async () => {
    const before = (await issuer.store.readAudit()).length
    await assert.rejects(issuer.registerAgent({ did: agent.did, name: 'x', kind: 'company', owner: 'ops', role: 'no-such-role' }, 'test'), { code: 'ERR_NOT_FOUND' })
    assert.equal(await issuer.store.getAgent(agent.did), undefined)
    await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 60 }, 'test'), { code: 'ERR_NOT_FOUND' })
    await issuer.registerAgent({ did: agent.did, name: 'x', kind: 'company', owner: 'ops' }, 'test')
    await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 0 }, 'test'), { code: 'ERR_INPUT_INVALID' })
    await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [], ttlSeconds: 60 }, 'test'), { code: 'ERR_INPUT_INVALID' })
    await assert.rejects(issuer.registerAgent({ did: 'did:key:z6MkeXATEjyXENzBXBxgC5EHk2JE5aqd7qMGGtDpLUH1e2Sj', name: 'x', kind: 'company', owner: 'ops' }, 'test'), { code: 'ERR_KEY_WEAK' })
    await assert.rejects(issuer.registerAgent({ did: verifierKey.did, name: 'assistant', kind: 'employee', owner: 'sales-team' }, 'test'), { code: 'ERR_INPUT_INVALID' })
    assert.equal((await issuer.store.readAudit()).length, before + 1)
    assert.equal((await issuer.store.listCredentials()).length, 0)
  })

  it('reopens with the same DID, and refuses a second init', async () => {
    const did = issuer.did
    await issuer.close()
    issuer = await Issuer.open({ home, env })
    assert.equal(issuer.did, did)
    await assert.rejects(Issuer.init({ home, env }), { code: 'ERR_CONFLICT' })
  })

  it('keeps private keys sealed: not in the database in clear, not openable with another key', async () => {
    await issuer.close()
    const seedHex = Buffer.from(ISSUER_SEED).toString('hex')
    for (const file of readdirSync(home).filter((f) => f.startsWith('issuer.db'))) {
      assert.ok(!readFileSync(join(home, file)).toString('latin1').includes(seedHex), `${file} holds the private key in clear`)
    }
    await assert.rejects(Issuer.open({ home, env: { AGENTID_KEK: generateKek().toString('base64url') } }), { code: 'ERR_KEK_MISMATCH' })
    issuer = await Issuer.open({ home, env })
  })

  it('writes secrets owner-only and refuses a key file others can read', async () => {
    for (const file of ['kek', 'admin.token', 'issuer.db']) assert.equal(statSync(join(home, file)).mode & 0o077, 0, file)
    await issuer.close()
    chmodSync(join(home, 'kek'), 0o644)
    await assert.rejects(Issuer.open({ home, env }), { code: 'ERR_INPUT_INVALID' })
    chmodSync(join(home, 'kek'), 0o600)
    issuer = await Issuer.open({ home, env })
  })

  it('issues exactly the constraints it was given (hours, days, networks), parsed at the boundary', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
    const constraints = { hours: '08:00-18:00Z', days: ['mon', 'tue'], networks: ['10.20.0.0/16', 'fd00::/8'], maxRecords: 10 }
    const issued = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'], constraints }], ttlSeconds: 60 }, 'test')
    const payload = JSON.parse(Buffer.from(issued.jwt.split('.')[1]!, 'base64url').toString()) as { vc: { credentialSubject: { entitlements: Array<{ constraints: unknown }> } } }
    assert.deepEqual(payload.vc.credentialSubject.entitlements[0]!.constraints, constraints)
    for (const bad of [{ resource: 'db:x', actions: ['read'], constraints: { geofence: 'eu' } }, { resource: 'db:x', actions: ['read'], constraints: { hours: { start: 0, end: 1 } } }, { resource: 'db:x', actions: 'read' }]) {
      await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [bad], ttlSeconds: 60 }, 'test'), { code: 'ERR_INPUT_INVALID' })
    }
  })

  it('leaves nothing behind when init cannot complete, and never changes the mode of a home it did not make', async () => {
    const other = mkdtempSync(join(tmpdir(), 'agentid-init-'))
    chmodSync(other, 0o755)
    writeFileSync(join(other, 'admin.token'), 'stale\n')
    await assert.rejects(Issuer.init({ home: other, env: {} }), { code: 'ERR_CONFLICT' })
    assert.deepEqual(readdirSync(other), ['admin.token'])
    rmSync(join(other, 'admin.token'))
    // Open to others: refused, with the fix, and left as it was.
    await assert.rejects(Issuer.init({ home: other, env: {} }), (error: Error & { code?: string }) => error.code === 'ERR_INPUT_INVALID' && /chmod 700/.test(error.message))
    assert.equal(statSync(other).mode & 0o777, 0o755)
    assert.deepEqual(readdirSync(other), [])
    chmodSync(other, 0o700)
    await (await Issuer.init({ home: other, env: {} })).issuer.close()
    assert.equal(statSync(other).mode & 0o777, 0o700)
    rmSync(other, { recursive: true, force: true })
  })

  it('refuses a sealed key whose authentication tag was truncated', async () => {
    await issuer.close()
    const db = new Database(join(home, 'issuer.db'))
    const row = db.prepare('SELECT alias, sealed FROM custody_private_keys').get() as { alias: string; sealed: string }
    const parts = row.sealed.split('.')
    const truncated = [...parts.slice(0, 3), Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url')].join('.')
    db.prepare('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?').run(truncated, row.alias)
    db.close()
    await assert.rejects(Issuer.open({ home, env }), { code: 'ERR_STORE' })
    const restore = new Database(join(home, 'issuer.db'))
    restore.prepare('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?').run(row.sealed, row.alias)
    restore.close()
    issuer = await Issuer.open({ home, env })
  })

  it('takes the key-encryption key from AGENTID_KEK instead of a file', async () => {
    const other = mkdtempSync(join(tmpdir(), 'agentid-kek-'))
    const kek = generateKek().toString('base64url')
    const { issuer: viaEnv } = await Issuer.init({ home: other, env: { AGENTID_KEK: kek } })
    await viaEnv.close()
    assert.ok(!readdirSync(other).includes('kek'))
    await (await Issuer.open({ home: other, env: { AGENTID_KEK: kek } })).close()
    await assert.rejects(Issuer.open({ home: other, env: {} }), { code: 'ERR_NOT_FOUND' })
    rmSync(other, { recursive: true, force: true })
  })

  it('records a reported delegation chain once, and refuses chains it did not root', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
    const root = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const assistant = agentKeyFromSeed(new Uint8Array(32).fill(21))
    const link = createDelegation({ key: agent, parent: root.jwt, to: assistant.did, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read'] }], ttl: 300, now: () => T })
    const { recorded, alerts } = await issuer.reportDelegation([root.jwt, link], 'test')
    assert.deepEqual(recorded.map((r) => [r.root, r.delegator, r.delegate]), [[root.id, agent.did, assistant.did]])
    assert.deepEqual(alerts, [], 'an agent delegating to a sub-agent is ordinary')
    assert.deepEqual(await issuer.reportDelegation([root.jwt, link], 'test'), { recorded: [], alerts: [] })
    assert.equal((await issuer.store.listDelegations(root.id)).length, 1)
    assert.equal((await issuer.store.readAudit()).filter((e) => e.action === 'delegation.report').length, 1)
    // A chain whose root another issuer signed, or an escalating link, is not recorded.
    const foreign = signJwt(verifierKey, { iss: verifierKey.did, sub: agent.did, jti: 'urn:foreign', nbf: T / 1000, exp: T / 1000 + 600, vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential', 'AgentEntitlementCredential'], credentialSubject: { agent: { name: 'x', kind: 'company', owner: 'ops' }, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }] } } })
    const foreignLink = createDelegation({ key: agent, parent: foreign, to: assistant.did, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read'] }], ttl: 300, now: () => T })
    await assert.rejects(issuer.reportDelegation([foreign, foreignLink], 'test'), { code: 'ERR_NOT_FOUND' })
    const wider = signJwt(agent, { iss: agent.did, sub: assistant.did, jti: 'urn:wider', nbf: T / 1000, exp: T / 1000 + 60, vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential', 'AgentDelegationCredential'], credentialSubject: { entitlements: [{ resource: 'crm:accounts/*', actions: ['write'] }], parent: root.id, depth: 0 } } })
    await assert.rejects(issuer.reportDelegation([root.jwt, wider], 'test'), { code: 'ERR_DELEGATION' })
    assert.equal((await issuer.store.listDelegations(root.id)).length, 1)
  })

  it("records a person's delegation to anyone but their own active employee agents with a high alert", async () => {
    const erin = agent
    const [mine, theirs] = [agentKeyFromSeed(new Uint8Array(32).fill(25)), agentKeyFromSeed(new Uint8Array(32).fill(26))]
    const other = agentKeyFromSeed(new Uint8Array(32).fill(27))
    const sub = agentKeyFromSeed(new Uint8Array(32).fill(29))
    await issuer.registerAgent({ did: erin.did, name: 'erin', kind: 'person', owner: 'finance' }, 'test')
    await issuer.registerAgent({ did: other.did, name: 'omar', kind: 'person', owner: 'finance' }, 'test')
    await issuer.registerAgent({ did: mine.did, name: 'erin-assistant', kind: 'employee', owner: erin.did }, 'test')
    await issuer.registerAgent({ did: theirs.did, name: 'omar-assistant', kind: 'employee', owner: other.did }, 'test')
    const root = await issuer.grant({ subject: erin.did, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const to = (did: string, resource = 'crm:accounts/eu/*') => createDelegation({ key: erin, parent: root.jwt, to: did, entitlements: [{ resource, actions: ['read'] }], ttl: 300, depth: 1, now: () => T })
    const stray = (did: string, resource?: string) => { const link = to(did, resource); return { link, report: issuer.reportDelegation([root.jwt, link], 'test') } }

    // Her own assistant, and on from it to a sub-agent: ordinary.
    const own = to(mine.did)
    const onward = createDelegation({ key: mine, parent: own, to: sub.did, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read'] }], ttl: 300, now: () => T })
    assert.deepEqual((await issuer.reportDelegation([root.jwt, own, onward], 'test')).alerts, [])
    // Someone else's assistant: recorded, audited as stray, and a high alert names her.
    const { link, report } = stray(theirs.did, 'crm:accounts/us/*')
    const { recorded, alerts } = await report
    assert.deepEqual(recorded.map((r) => r.id), [JSON.parse(Buffer.from(link.split('.')[1]!, 'base64url').toString()).jti])
    assert.deepEqual(alerts.map((a) => [a.kind, a.severity, a.subject]), [['delegation.stray', 'high', erin.did]])
    assert.match(String(alerts[0]!.details.reason), /not one of their active employee agents/)
    assert.deepEqual((await issuer.store.listAlerts()).map((a) => a.id), alerts.map((a) => a.id))
    assert.ok((await issuer.store.readAudit()).some((e) => e.action === 'delegation.report' && typeof (e.details as { stray?: string }).stray === 'string'))
    // A retired assistant is no longer hers to delegate to.
    await issuer.retireAgent(mine.did, 'test')
    assert.equal((await stray(mine.did, 'crm:accounts/apac/*').report).alerts.length, 1)
  })

  it("enrols who acts for a person consistently, whatever the order", async () => {
    const owner = agentKeyFromSeed(new Uint8Array(32).fill(30))
    const assistant = agentKeyFromSeed(new Uint8Array(32).fill(31))
    const company = agentKeyFromSeed(new Uint8Array(32).fill(32))
    await issuer.registerAgent({ did: company.did, name: 'bot', kind: 'company', owner: 'ops' }, 'test')
    await assert.rejects(issuer.registerAgent({ did: assistant.did, name: 'x', kind: 'employee', owner: company.did }, 'test'), { code: 'ERR_INPUT_INVALID', message: /must be a person/ })
    // The assistant first, its owner after: the owner can then only be enrolled as a person.
    await issuer.registerAgent({ did: assistant.did, name: 'x-assistant', kind: 'employee', owner: owner.did }, 'test')
    await assert.rejects(issuer.registerAgent({ did: owner.did, name: 'x', kind: 'service', owner: 'ops' }, 'test'), { code: 'ERR_INPUT_INVALID', message: /enrol it as a person/ })
    await issuer.registerAgent({ did: owner.did, name: 'xavier', kind: 'person', owner: 'ops' }, 'test')
    await issuer.retireAgent(owner.did, 'test')
    await assert.rejects(issuer.registerAgent({ did: agentKeyFromSeed(new Uint8Array(32).fill(33)).did, name: 'late', kind: 'employee', owner: owner.did }, 'test'), { code: 'ERR_CONFLICT', message: /retired/ })
  })

  it('keys reported delegations by root, so another root cannot take an id first; keeps unknown constraints verbatim', async () => {
    const mallory = agentKeyFromSeed(new Uint8Array(32).fill(22))
    await issuer.registerAgent({ did: agent.did, name: 'victim', kind: 'company', owner: 'ops' }, 'test')
    await issuer.registerAgent({ did: mallory.did, name: 'mallory', kind: 'company', owner: 'ops' }, 'test')
    const grant = (did: string) => issuer.grant({ subject: did, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const [victimRoot, malloryRoot] = [await grant(agent.did), await grant(mallory.did)]
    const to = agentKeyFromSeed(new Uint8Array(32).fill(23)).did
    const entitlements = [{ resource: 'crm:accounts/eu/*', actions: ['read'], constraints: { geofence: 'eu' } }]
    const stolenId = createDelegation({ key: mallory, parent: malloryRoot.jwt, to, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read'] }], ttl: 60, id: 'urn:uuid:victim-1', now: () => T })
    await issuer.reportDelegation([malloryRoot.jwt, stolenId], 'test')
    const victimLink = signJwt(agent, { iss: agent.did, sub: to, jti: 'urn:uuid:victim-1', nbf: T / 1000, exp: T / 1000 + 60, vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential', 'AgentDelegationCredential'], credentialSubject: { entitlements, parent: victimRoot.id, depth: 0 } } })
    const { recorded } = await issuer.reportDelegation([victimRoot.jwt, victimLink], 'test')
    assert.equal(recorded.length, 1)
    assert.deepEqual((await issuer.store.listDelegations(victimRoot.id))[0]!.entitlements, entitlements)
  })

  it('keeps issuing when its status list is full: the next lists begin, are published, and verifiers check them', async () => {
    // An issuer whose every slot pick is index 7: the second credential finds rev-1 full.
    const fullHome = mkdtempSync(join(tmpdir(), 'agentid-issuer-full-'))
    const full = (await Issuer.init({ home: fullHome, env: {}, credentialFormat: 'vc1.1', now: () => T, randomIndex: () => 7 })).issuer
    try {
      await full.setPolicy(noApprovalPolicy(), 'test')
      await full.registerAgent({ did: agent.did, name: 'bot', kind: 'company', owner: 'ops' }, 'test')
      const [first, second] = [await full.grant({ subject: agent.did, entitlements: [{ resource: 'db:a', actions: ['read'] }], ttlSeconds: 600 }, 'test'), await full.grant({ subject: agent.did, entitlements: [{ resource: 'db:b', actions: ['read'] }], ttlSeconds: 600 }, 'test')]
      const status = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { vc: { credentialStatus: Array<{ statusListCredential: string; statusListIndex: string }> } }).vc.credentialStatus.map((e) => `${e.statusListCredential.replace(/^.*\/status\//, '')}#${e.statusListIndex}`)
      assert.deepEqual(status(first.jwt), ['rev-1#7', 'sus-1#7'])
      assert.deepEqual(status(second.jwt), ['rev-2#7', 'sus-2#7'])
      assert.deepEqual(await full.statusListIds(), ['rev-1', 'rev-2', 'sus-1', 'sus-2'])
      const verify = async (jwt: string) => {
        const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [full.did], now: () => T, statusLists: statusListsFromJwts(await full.publishStatusLists()) })
        const challenge = verifier.challenge()
        const result = await verifier.verifyPresentation(createPresentation({ key: agent, credentials: [jwt], audience: verifierKey.did, challenge, now: () => T }), { challenge })
        return result.ok ? 'ok' : result.code
      }
      assert.equal(await verify(second.jwt), 'ok')
      await full.revoke(second.id, 'test')
      assert.equal(await verify(second.jwt), 'ERR_VC_REVOKED')
      assert.equal(await verify(first.jwt), 'ok', 'the same index in the first list is another credential, untouched')
    } finally {
      await full.close()
      rmSync(fullHome, { recursive: true, force: true })
    }
  })

  it('deprovisioning an owner cuts off every delegation below its credentials, once the list is published', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'alice-bot', kind: 'company', owner: 'ops' }, 'test')
    const root = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const assistant = agentKeyFromSeed(new Uint8Array(32).fill(24))
    // The delegate is enrolled too, and presents its own credential (its standing) beside the chain.
    await issuer.registerAgent({ did: assistant.did, name: 'assistant', kind: 'service', owner: 'ops' }, 'test')
    const standing = await issuer.grant({ subject: assistant.did, entitlements: [{ resource: 'ops:standing', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const link = createDelegation({ key: agent, parent: root.jwt, to: assistant.did, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read'] }], ttl: 300, now: () => T })
    const verifyWith = async (lists: string[]) => {
      const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], now: () => T, statusLists: statusListsFromJwts(lists) })
      const challenge = verifier.challenge()
      return verifier.verifyPresentation(createPresentation({ key: assistant, credentials: [root.jwt, link, standing.jwt], audience: verifierKey.did, challenge, now: () => T }), { challenge })
    }
    assert.equal((await verifyWith(await issuer.publishStatusLists())).ok, true)
    assert.deepEqual((await issuer.retireAgent(agent.did, 'test')).flatMap((step) => step.revoked.map((r) => r.id)), [root.id])
    const after = await verifyWith(await issuer.publishStatusLists())
    assert.equal(after.ok === false && after.code, 'ERR_DELEGATION')
    assert.match(after.ok ? '' : after.message, /ERR_VC_REVOKED/)
    await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }], ttlSeconds: 60 }, 'test'), { code: 'ERR_CONFLICT' })
    assert.deepEqual((await issuer.store.readAudit()).slice(-1).map((e) => e.action), ['agent.retire'])
  })

  it('retiring or suspending a delegate stops it using a chain whose root is still valid, once the lists are published', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'alice-bot', kind: 'company', owner: 'ops' }, 'test')
    const root = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const delegates = [agentKeyFromSeed(new Uint8Array(32).fill(25)), agentKeyFromSeed(new Uint8Array(32).fill(26))]
    const presentations: Array<{ delegate: typeof agent; credentials: string[] }> = []
    // One after the other: this test's status slots follow its credential ids.
    for (const [i, delegate] of delegates.entries()) {
      await issuer.registerAgent({ did: delegate.did, name: `delegate-${i}`, kind: 'service', owner: 'ops' }, 'test')
      const standing = await issuer.grant({ subject: delegate.did, entitlements: [{ resource: 'ops:standing', actions: ['read'] }], ttlSeconds: 600 }, 'test')
      const link = createDelegation({ key: agent, parent: root.jwt, to: delegate.did, entitlements: [{ resource: 'crm:accounts/eu/*', actions: ['read'] }], ttl: 300, now: () => T })
      presentations.push({ delegate, credentials: [root.jwt, link, standing.jwt] })
    }
    const verifyWith = async (lists: string[], { delegate, credentials }: { delegate: typeof agent; credentials: string[] }) => {
      const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], now: () => T, statusLists: statusListsFromJwts(lists) })
      const challenge = verifier.challenge()
      return verifier.verifyPresentation(createPresentation({ key: delegate, credentials, audience: verifierKey.did, challenge, now: () => T }), { challenge })
    }
    const [retiree, suspendee] = presentations as [typeof presentations[0], typeof presentations[0]]
    const before = await issuer.publishStatusLists()
    assert.equal((await verifyWith(before, retiree)).ok, true)
    await issuer.retireAgent(retiree.delegate.did, 'test')
    await issuer.setSuspended({ agent: suspendee.delegate.did }, true, 'test')
    const lists = await issuer.publishStatusLists()
    const retired = await verifyWith(lists, retiree)
    assert.equal(retired.ok === false && retired.code, 'ERR_VC_REVOKED')
    const suspended = await verifyWith(lists, suspendee)
    assert.equal(suspended.ok === false && suspended.code, 'ERR_VC_SUSPENDED')
    // The root is untouched: its own subject still uses it.
    const challengeFree = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], now: () => T, statusLists: statusListsFromJwts(lists) })
    const challenge = challengeFree.challenge()
    assert.equal((await challengeFree.verifyPresentation(createPresentation({ key: agent, credentials: [root.jwt], audience: verifierKey.did, challenge, now: () => T }), { challenge })).ok, true)
  })

  it('publishes a status list that verifiers use offline', async () => {
    await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
    const issued = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 600 }, 'test')
    const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], now: () => T, statusLists: statusListsFromJwts(await issuer.publishStatusLists()) })
    const challenge = verifier.challenge()
    const vp = createPresentation({ key: agent, credentials: [issued.jwt], audience: verifierKey.did, challenge, now: () => T })
    const result = await verifier.verifyPresentation(vp, { challenge })
    assert.equal(result.ok, true, result.ok ? '' : result.message)
    assert.equal(result.ok && result.statusChecked, true)
  })
})

describe('Issuer engine: credential formats', () => {
  let home: string
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  const header = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { typ?: string }
  const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, any>

  it('a new issuer issues VC 2.0 (vc+jwt, the payload is the credential) with 2.0 status lists, and they verify', async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-issuer-'))
    const { issuer } = await Issuer.init({ home, env: {}, now: () => T })
    try {
      assert.equal(issuer.credentialFormat, 'vc2.0')
      await issuer.setPolicy(noApprovalPolicy(), 'test')
      await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
      const { jwt } = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
      assert.equal(header(jwt).typ, 'vc+jwt')
      const vc = payload(jwt)
      assert.deepEqual([vc['@context'][0], vc.issuer, vc.credentialSubject.id, vc.vc], ['https://www.w3.org/ns/credentials/v2', issuer.did, agent.did, undefined])
      assert.equal(vc.validUntil, new Date(T + 3600_000).toISOString().replace('.000Z', 'Z'))
      const lists = await Promise.all((await issuer.statusListIds()).map(async (id) => (await issuer.publishStatusList(id)).jwt))
      for (const list of lists) assert.equal(header(list).typ, 'vc+jwt')
      const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], now: () => T, externalChallenges: true, statusLists: statusListsFromJwts(lists) })
      const vp = createPresentation({ key: agent, credentials: [jwt], audience: verifierKey.did, challenge: 'c-1', now: () => T })
      assert.equal(header(vp).typ, 'vp+jwt')
      const result = await verifier.verifyPresentation(vp, { challenge: 'c-1' })
      assert.equal(result.ok, true, JSON.stringify(result))
    } finally {
      await issuer.close()
    }
  })

  it('renews a grant in the format it was issued in, whatever the issuer issues now (a chain stays one format)', async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-issuer-'))
    let clock = T
    const { issuer } = await Issuer.init({ home, env: {}, now: () => clock, credentialFormat: 'vc1.1' })
    try {
      await issuer.setPolicy(noApprovalPolicy(), 'test')
      await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
      const old = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 60, renewableForSeconds: 3600 }, 'test')
      await issuer.setCredentialFormat('vc2.0', 'test')
      clock += 31_000
      const renewed = await issuer.currentCredential(old.id, agent.did)
      assert.equal(renewed.renewed, true)
      assert.equal(header(renewed.jwt).typ, 'JWT')
      const fresh = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:orders', actions: ['read'] }], ttlSeconds: 60 }, 'test')
      assert.equal(header(fresh.jwt).typ, 'vc+jwt', 'a new grant comes in the issuer\'s format now')
    } finally {
      await issuer.close()
    }
  })

  it('keeps VC 1.1 per issuer setting: at init, or changed later by an admin (audited), and an issuer made before says nothing and stays on 1.1', async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-issuer-'))
    const { issuer } = await Issuer.init({ home, env: {}, now: () => T, credentialFormat: 'vc1.1' })
    try {
      await issuer.setPolicy(noApprovalPolicy(), 'test')
      await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
      const grant = () => issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
      assert.equal(header((await grant()).jwt).typ, 'JWT')
      await assert.rejects(issuer.setCredentialFormat('vc2.0', { id: 'rita', roles: ['reviewer'] }), { code: 'ERR_FORBIDDEN' })
      await assert.rejects(issuer.setCredentialFormat('vc3' as never, 'test'), { code: 'ERR_INPUT_INVALID' })
      assert.deepEqual(await issuer.setCredentialFormat('vc2.0', 'test'), { previous: 'vc1.1', format: 'vc2.0' })
      assert.equal(header((await grant()).jwt).typ, 'vc+jwt')
      assert.ok((await issuer.store.readAudit()).some((e) => e.action === 'issuer.credential-format' && e.target === 'vc2.0'))
    } finally {
      await issuer.close()
    }
    // An issuer whose database says nothing (made before VC 2.0): VC 1.1.
    const db = new Database(join(home, 'issuer.db'))
    db.prepare("DELETE FROM settings WHERE key = 'credentialFormat'").run()
    db.close()
    const reopened = await Issuer.open({ home, env: {} })
    try {
      assert.equal(reopened.credentialFormat, 'vc1.1')
    } finally {
      await reopened.close()
    }
  })
})
