// Interoperability with the reference stack (DESIGN.md, "Why the verifier does not run through a
// Veramo agent"): what agentid issues and presents is read by did-jwt-vc and Veramo; what a plain
// Veramo agent issues and presents passes our verifier; on valid input both sides agree; on the
// hostile inputs below we refuse what did-jwt-vc / Veramo accept. The third-party behaviour is
// asserted too, so that this file documents the difference and notices when it changes.
import assert from 'node:assert/strict'
import { createPublicKey, randomUUID, verify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AGENTID_CONTEXT_V1,
  CREDENTIALS_CONTEXT_V1,
  ENTITLEMENT_CREDENTIAL_TYPE,
  encodeBase58btc,
  encodeBase64url,
  entitlementSubjectToJson,
  entitlementToJson,
  parseEntitlement,
  type AgentKind,
  type AgentProfile,
  type Entitlement,
} from '@agentid/core'
import { createPresentation, generateAgentKey, signJwt, type AgentKey } from '@agentid/agent'
import { Issuer, type IssuedCredential } from '@agentid/issuer'
import { createVerifier, resolveDidKey, statusListsFromJwts, type CheckedCredential, type VerifiedCredential, type Verifier } from '@agentid/verifier'
import {
  createAgent,
  type ICredentialPlugin,
  type IDIDManager,
  type IIdentifier,
  type IKeyManager,
  type IResolver,
  type TAgent,
} from '@veramo/core'
import { CredentialPlugin } from '@veramo/credential-w3c'
import { CredentialProviderJWT } from '@veramo/credential-jwt'
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager'
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key'
import { DIDResolverPlugin } from '@veramo/did-resolver'
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager'
import { KeyManagementSystem } from '@veramo/kms-local'
import { verifyCredential, verifyPresentation } from 'did-jwt-vc'
import { Resolver, type DIDResolutionResult, type Resolvable } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import { noApprovalPolicy } from './support/policies.js'

type VeramoAgent = TAgent<IDIDManager & IKeyManager & ICredentialPlugin & IResolver>

/** A JWT payload as did-jwt-vc reports it (its types are loose). */
type Payload = Record<string, unknown> & { vc?: Record<string, unknown>; vp?: Record<string, unknown> }

function createVeramoAgent(): VeramoAgent {
  return createAgent<IDIDManager & IKeyManager & ICredentialPlugin & IResolver>({
    plugins: [
      new KeyManager({ store: new MemoryKeyStore(), kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) } }),
      new DIDManager({ store: new MemoryDIDStore(), defaultProvider: 'did:key', providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) } }),
      new CredentialPlugin([new CredentialProviderJWT()]),
      new DIDResolverPlugin({ ...getDidKeyResolver() }),
    ],
  })
}

function jwtOf(result: unknown): string {
  const jwt = (result as { proof?: { jwt?: unknown } }).proof?.jwt
  assert.equal(typeof jwt, 'string', 'Veramo returned a JWT proof')
  return jwt as string
}

function codeOf(result: { readonly ok: boolean; readonly code?: string }): string {
  return result.ok ? 'ok' : (result.code ?? '?')
}

/** did-jwt-vc's outcome in one word: "verified", or the error message when it throws. */
async function didJwtVc(run: () => Promise<{ verified: boolean }>): Promise<string> {
  try {
    return (await run()).verified ? 'verified' : 'not verified'
  } catch (error) {
    return `throws: ${(error as Error).message}`
  }
}

const nowSec = (): number => Math.floor(Date.now() / 1000)
const profile = (name: string, kind: AgentKind = 'company', owner = 'sales-ops'): AgentProfile => ({ name, kind, owner })

describe('interop with did-jwt-vc and Veramo', function () {
  this.timeout(20_000)

  let home: string
  let issuer: Issuer
  /** A second, offline issuer: a plain key that signs VC-JWTs itself (no nbf, odd exp, …). */
  let offline: AgentKey
  /** The DID of our verifier (its audience). */
  let me: AgentKey
  let veramo: VeramoAgent
  const resolver = new Resolver(getResolver())

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-interop-'))
    issuer = (await Issuer.init({ home, env: {}, credentialFormat: 'vc1.1' })).issuer
    await issuer.setPolicy(noApprovalPolicy(), 'admin')
    offline = generateAgentKey()
    me = generateAgentKey()
    veramo = createVeramoAgent()
  })

  after(async () => {
    await issuer?.close()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  async function enrol(name: string, kind: AgentKind = 'company'): Promise<AgentKey> {
    const key = generateAgentKey()
    // An employee's assistant is owned by the employee (a did:key); others by a team.
    const owner = kind === 'employee' ? generateAgentKey().did : 'sales-ops'
    await issuer.registerAgent({ did: key.did, name, kind, owner }, 'admin')
    return key
  }

  async function issuerVerifier(extraTrusted: readonly string[] = []): Promise<Verifier> {
    const lists = await issuer.publishStatusLists()
    return createVerifier({ did: me.did, trustedIssuers: [issuer.did, ...extraTrusted], statusLists: statusListsFromJwts(lists) })
  }

  /** An entitlement credential signed by the offline key, with the payload fields given. */
  function offlineCredential(holder: string, entitlements: readonly Entitlement[], fields: Record<string, unknown>): string {
    return signJwt(offline, {
      iss: offline.did,
      sub: holder,
      jti: `urn:uuid:${randomUUID()}`,
      ...fields,
      vc: {
        '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
        type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
        credentialSubject: entitlementSubjectToJson(holder, { agent: profile('offline-bot', 'service'), entitlements }),
      },
    })
  }

  describe('agentid credentials and presentations, read by did-jwt-vc', () => {
    const entitlements = [
      parseEntitlement({
        resource: 'db:customers',
        actions: ['read'],
        purpose: 'monthly-report',
        constraints: { hours: '08:00-18:00Z', networks: ['10.20.0.0/16'], maxRecords: 5000 },
      }),
      parseEntitlement({ resource: 'api:crm/*', actions: ['read', 'write'] }),
    ]
    let agent: AgentKey
    let credential: IssuedCredential
    let verifier: Verifier

    before(async () => {
      agent = generateAgentKey()
      await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-ops', segment: 'sales' }, 'admin')
      credential = await issuer.grant(
        { subject: agent.did, entitlements: entitlements.map(entitlementToJson), ttlSeconds: 3600, task: { id: 'task-2026-11-report', description: 'November report' }, risk: 'medium' },
        'admin',
      )
      verifier = await issuerVerifier()
    })

    it('did-jwt-vc verifyCredential accepts an issued VC and reports iss, sub, jti, nbf, exp, type, entitlements', async () => {
      const result = await verifyCredential(credential.jwt, resolver)
      assert.equal(result.verified, true)
      assert.equal(result.issuer, issuer.did)
      assert.equal(result.signer.controller, issuer.did)
      const payload = result.payload as Payload
      assert.equal(payload.iss, issuer.did)
      assert.equal(payload.sub, agent.did)
      assert.equal(payload.jti, credential.id)
      assert.equal(payload.nbf, credential.record.notBefore)
      assert.equal(payload.exp, credential.record.expires)
      assert.equal(credential.record.expires - credential.record.notBefore, 3600)
      assert.deepEqual(payload.vc?.type, ['VerifiableCredential', 'AgentEntitlementCredential'])
      const subject = payload.vc?.credentialSubject as Record<string, unknown>
      assert.deepEqual(subject.entitlements, entitlements.map(entitlementToJson))
      assert.deepEqual(subject.agent, { name: 'report-bot', kind: 'company', owner: 'sales-ops', segment: 'sales' })
      // did-jwt-vc's W3C form of the same credential.
      const vc = result.verifiableCredential as unknown as Record<string, unknown>
      assert.equal(vc.id, credential.id)
      assert.deepEqual(vc.issuer, { id: issuer.did })
      assert.equal((vc.credentialSubject as Record<string, unknown>).id, agent.did)
      assert.equal(vc.issuanceDate, new Date(credential.record.notBefore * 1000).toISOString())
      assert.equal(vc.expirationDate, new Date(credential.record.expires * 1000).toISOString())
    })

    it('our verifier reads the same claims as did-jwt-vc, with status checked against the published list', async () => {
      const theirs = (await verifyCredential(credential.jwt, resolver)).payload as Payload
      const ours = await verifier.verifyCredential(credential.jwt)
      assert.ok(ours.ok, codeOf(ours))
      assert.equal(ours.statusChecked, true)
      assert.equal(ours.credential.issuer, theirs.iss)
      assert.equal(ours.credential.subject, theirs.sub)
      assert.equal(ours.credential.id, theirs.jti)
      assert.equal(ours.credential.notBefore, theirs.nbf)
      assert.equal(ours.credential.expires, theirs.exp)
      assert.deepEqual(ours.credential.claims.entitlements.map(entitlementToJson), (theirs.vc?.credentialSubject as Record<string, unknown>).entitlements)
    })

    it('did-jwt-vc verifyPresentation accepts a VP from createPresentation, with { challenge, domain }', async () => {
      const challenge = verifier.challenge()
      const vp = createPresentation({ key: agent, credentials: [credential.jwt], audience: me.did, challenge })
      const result = await verifyPresentation(vp, resolver, { challenge, domain: me.did })
      assert.equal(result.verified, true)
      const payload = result.payload as Payload
      assert.equal(payload.iss, agent.did)
      assert.equal(payload.aud, me.did)
      assert.equal(payload.nonce, challenge)
      assert.equal((payload.exp as number) - (payload.iat as number), 120)
      assert.deepEqual(payload.vp?.verifiableCredential, [credential.jwt])
      // A VP with "aud" needs the verifier to name itself, in did-jwt as in agentid.
      assert.match(await didJwtVc(() => verifyPresentation(vp, resolver, { challenge })), /audience is required/)
      // So does a Veramo agent (which, like did-jwt-vc, does not look inside the credentials).
      const byVeramo = await veramo.verifyPresentation({ presentation: vp, challenge, domain: me.did })
      assert.equal(byVeramo.verified, true)

      const ours = await verifier.verifyPresentation(vp, { challenge })
      assert.ok(ours.ok, codeOf(ours))
      assert.equal(ours.holder, agent.did)
      assert.equal(ours.statusChecked, true)
      assert.equal(verifier.authorize(ours, { resource: 'api:crm/accounts', action: 'write' }).allow, true)
      const inHours = Date.UTC(2026, 10, 30, 12)
      const read = verifier.authorize(ours, { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.20.3.4', records: 10, time: inHours } })
      assert.equal(read.allow, true)
    })
  })

  describe('a plain Veramo agent as issuer and holder, checked by our verifier', () => {
    let veramoIssuer: IIdentifier
    let holder: IIdentifier
    let vcJwt: string
    const credentialId = `urn:uuid:${randomUUID()}`

    before(async () => {
      veramoIssuer = await veramo.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } })
      holder = await veramo.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } })
      const now = Date.now()
      vcJwt = jwtOf(
        await veramo.createVerifiableCredential({
          proofFormat: 'jwt',
          credential: {
            '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
            type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
            id: credentialId,
            issuer: { id: veramoIssuer.did },
            issuanceDate: new Date(now).toISOString(),
            expirationDate: new Date(now + 3600_000).toISOString(),
            credentialSubject: {
              id: holder.did,
              agent: { name: 'veramo-bot', kind: 'service', owner: 'platform' },
              entitlements: [{ resource: 'db:customers', actions: ['read'] }, { resource: 'files:reports/*', actions: ['read', 'list'] }],
            },
          },
        }),
      )
    })

    const variants: ReadonlyArray<[string, (challenge: string, domain: string) => Promise<unknown>]> = [
      ['expiresIn: 120', (challenge, domain) =>
        veramo.createVerifiablePresentation({ presentation: { holder: holder.did, verifiableCredential: [vcJwt] }, proofFormat: 'jwt', challenge, domain, expiresIn: 120 } as Parameters<VeramoAgent['createVerifiablePresentation']>[0])],
      ['expirationDate in 5 minutes', (challenge, domain) =>
        veramo.createVerifiablePresentation({
          presentation: { holder: holder.did, verifiableCredential: [vcJwt], expirationDate: new Date(Date.now() + 300_000).toISOString() },
          proofFormat: 'jwt',
          challenge,
          domain,
        })],
    ]
    for (const [name, makeVp] of variants) {
      it(`its VC and VP (${name}) pass our verifier; authorize allows the grant and denies the rest`, async () => {
        const verifier = createVerifier({ did: me.did, trustedIssuers: [veramoIssuer.did] })
        const challenge = verifier.challenge()
        const vp = jwtOf(await makeVp(challenge, me.did))
        const result = await verifier.verifyPresentation(vp, { challenge })
        assert.ok(result.ok, codeOf(result) + (result.ok ? '' : ` ${result.message}`))
        assert.equal(result.holder, holder.did)
        assert.deepEqual(result.credentials.map((c) => [c.id, c.issuer, c.subject]), [[credentialId, veramoIssuer.did, holder.did]])
        assert.equal(result.statusChecked, true)
        const allow = verifier.authorize(result, { resource: 'db:customers', action: 'read' })
        assert.ok(allow.allow)
        assert.equal(allow.credentialId, credentialId)
        assert.equal(verifier.authorize(result, { resource: 'files:reports/2026/q4', action: 'list' }).allow, true)
        const deny = verifier.authorize(result, { resource: 'db:customers', action: 'write' })
        assert.equal(deny.allow ? 'allowed' : deny.code, 'ERR_NOT_ENTITLED')
        // The same presentation a second time is a replay.
        assert.equal(codeOf(await verifier.verifyPresentation(vp, { challenge })), 'ERR_VP_REPLAY')
      })
    }
  })

  describe('agreement on valid input: our verifier and did-jwt-vc both accept', () => {
    const POOL: readonly Entitlement[] = [
      parseEntitlement({ resource: 'db:customers', actions: ['read'] }),
      parseEntitlement({ resource: 'api:crm/*', actions: ['read', 'write'], purpose: 'sync' }),
      parseEntitlement({ resource: 'files:reports/2026/*', actions: ['list', 'read'] }),
      parseEntitlement({ resource: 'queue:jobs', actions: ['consume', 'ack'], constraints: { maxRecords: 100 } }),
      parseEntitlement({ resource: 'db:orders', actions: ['read'], constraints: { hours: '00:00-24:00Z', networks: ['10.0.0.0/8', 'fd00::/8'] } }),
      parseEntitlement({ resource: 'mail:outbox', actions: ['send'], purpose: 'customer-notice', constraints: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } }),
    ]
    const TTLS = [60, 300, 3600, 86400, 7 * 86400, 30 * 86400]
    const VP_TTLS = [5, 30, 120, 300]
    const KINDS: readonly AgentKind[] = ['company', 'employee', 'service']
    const COUNT = 24
    // The plan is fixed when the file loads (so each case has its title); keys and JWTs are made
    // in before(), since issuing is asynchronous.
    interface CredentialPlan {
      readonly source: 'issuer' | 'offline'
      readonly nbf: boolean
      readonly ttl: number
      readonly entitlements: readonly Entitlement[]
    }
    interface CasePlan {
      readonly kind: AgentKind
      readonly credentials: readonly CredentialPlan[]
      readonly vpTtl: number
    }
    const PLAN: CasePlan[] = []
    for (let i = 0; i < COUNT; i++) {
      const credentials: CredentialPlan[] = []
      for (let j = 0; j < 1 + (i % 4); j++) {
        credentials.push({
          source: (i + j) % 2 === 0 ? 'issuer' : 'offline',
          // Our issuer always sets nbf; offline credentials have it in half of the cases.
          nbf: (i + j) % 2 === 0 || i % 4 < 2,
          ttl: TTLS[(i + j) % TTLS.length]!,
          entitlements: [POOL[(i + j) % POOL.length]!, ...(j % 2 === 1 ? [POOL[(i + 3 * j + 1) % POOL.length]!] : [])],
        })
      }
      PLAN.push({ kind: KINDS[i % KINDS.length]!, credentials, vpTtl: VP_TTLS[i % VP_TTLS.length]! })
    }
    const describeCase = (plan: CasePlan): string =>
      `${plan.credentials.map((c) => `${c.source}${c.nbf ? '' : '/no-nbf'}/${c.ttl}s/${c.entitlements.length}e`).join(' + ')}; VP ${plan.vpTtl}s`
    const holders: AgentKey[] = []
    const jwts: string[][] = []
    let verifier: Verifier

    before(async () => {
      for (const [i, plan] of PLAN.entries()) {
        const holder = await enrol(`agree-${i}`, plan.kind)
        const credentials: string[] = []
        for (const c of plan.credentials) {
          if (c.source === 'issuer') {
            credentials.push((await issuer.grant({ subject: holder.did, entitlements: c.entitlements.map(entitlementToJson), ttlSeconds: c.ttl }, 'admin')).jwt)
          } else {
            const now = nowSec()
            credentials.push(offlineCredential(holder.did, c.entitlements, c.nbf ? { nbf: now, exp: now + c.ttl } : { iat: now, exp: now + c.ttl }))
          }
        }
        holders.push(holder)
        jwts.push(credentials)
      }
      verifier = await issuerVerifier([offline.did])
    })

    for (const [i, plan] of PLAN.entries()) {
      it(`case ${i}: ${describeCase(plan)}`, async () => {
        const c = { holder: holders[i]!, credentials: jwts[i]!, entitlements: plan.credentials.flatMap((p) => p.entitlements) }
        const challenge = verifier.challenge()
        const vp = createPresentation({ key: c.holder, credentials: c.credentials, audience: me.did, challenge, ttl: plan.vpTtl })

        const ours = await verifier.verifyPresentation(vp, { challenge })
        assert.ok(ours.ok, ours.ok ? '' : `${ours.code}: ${ours.message}`)
        assert.equal(ours.holder, c.holder.did)
        assert.equal(ours.statusChecked, true)
        assert.deepEqual(ours.entitlements.map((g) => entitlementToJson(g.entitlement)), c.entitlements.map(entitlementToJson))

        const theirs = await verifyPresentation(vp, resolver, { challenge, domain: me.did })
        assert.equal(theirs.verified, true)
        const inner = (theirs.payload as Payload).vp?.verifiableCredential as string[]
        assert.deepEqual(inner, c.credentials)
        for (const [k, jwt] of inner.entries()) {
          const vc = await verifyCredential(jwt, resolver)
          assert.equal(vc.verified, true)
          const p = vc.payload as Payload
          const mine: CheckedCredential = ours.credentials[k]!
          assert.deepEqual([p.iss, p.sub, p.jti, p.nbf, p.exp], [mine.issuer, mine.subject, mine.id, mine.notBefore, mine.expires])
        }

        const first = c.entitlements[0]!
        const request = {
          resource: first.resource.replace(/\/\*$/, '/x'),
          action: first.actions[0]!,
          ...(first.purpose ? { purpose: first.purpose } : {}),
          context: { ip: '10.1.2.3', records: 1 },
        }
        assert.equal(verifier.authorize(ours, request).allow, true)
        const denied = verifier.authorize(ours, { resource: 'db:secrets', action: 'read' })
        assert.equal(denied.allow ? 'allowed' : denied.code, 'ERR_NOT_ENTITLED')
      })
    }
  })

  describe('where we are stricter than did-jwt-vc and Veramo', () => {
    let veramoIssuer: IIdentifier
    let holder: IIdentifier
    let stranger: IIdentifier
    let vcJwt: string
    let verifier: Verifier

    before(async () => {
      veramoIssuer = await veramo.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } })
      holder = await veramo.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } })
      stranger = await veramo.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } })
      vcJwt = jwtOf(
        await veramo.createVerifiableCredential({
          proofFormat: 'jwt',
          credential: {
            '@context': [CREDENTIALS_CONTEXT_V1],
            type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
            id: `urn:uuid:${randomUUID()}`,
            issuer: { id: veramoIssuer.did },
            expirationDate: new Date(Date.now() + 3600_000).toISOString(),
            credentialSubject: { id: holder.did, agent: { name: 'victim-bot', kind: 'company', owner: 'sales-ops' }, entitlements: [{ resource: 'db:customers', actions: ['read'] }] },
          },
        }),
      )
      verifier = createVerifier({ did: me.did, trustedIssuers: [veramoIssuer.did, offline.did] })
    })

    async function veramoVp(signer: IIdentifier, credential: string, challenge: string): Promise<string> {
      return jwtOf(
        await veramo.createVerifiablePresentation({
          presentation: { holder: signer.did, verifiableCredential: [credential] },
          proofFormat: 'jwt',
          challenge,
          domain: me.did,
          expiresIn: 120,
        } as Parameters<VeramoAgent['createVerifiablePresentation']>[0]),
      )
    }

    it('a VP whose inner VC has a tampered signature: Veramo and did-jwt-vc accept the VP; ours ERR_SIGNATURE', async () => {
      const [h, p, s] = vcJwt.split('.') as [string, string, string]
      const tampered = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`
      const challenge = verifier.challenge()
      const vp = await veramoVp(holder, tampered, challenge)

      assert.equal((await veramo.verifyPresentation({ presentation: vp, challenge, domain: me.did })).verified, true)
      assert.equal(await didJwtVc(() => verifyPresentation(vp, resolver, { challenge, domain: me.did })), 'verified')
      // Only checking the credential on its own finds it.
      assert.match(await didJwtVc(() => verifyCredential(tampered, resolver)), /invalid_signature/)
      assert.equal((await veramo.verifyCredential({ credential: tampered })).verified, false)

      assert.equal(codeOf(await verifier.verifyPresentation(vp, { challenge })), 'ERR_SIGNATURE')
    })

    it('a VP of a credential whose subject is not the holder: Veramo and did-jwt-vc accept; ours ERR_VP_HOLDER_BINDING', async () => {
      const challenge = verifier.challenge()
      const vp = await veramoVp(stranger, vcJwt, challenge)

      assert.equal((await veramo.verifyPresentation({ presentation: vp, challenge, domain: me.did })).verified, true)
      assert.equal(await didJwtVc(() => verifyPresentation(vp, resolver, { challenge, domain: me.did })), 'verified')
      assert.equal(await didJwtVc(() => verifyCredential(vcJwt, resolver)), 'verified')

      assert.equal(codeOf(await verifier.verifyPresentation(vp, { challenge })), 'ERR_VP_HOLDER_BINDING')
    })

    // [name, payload time fields, our code, did-jwt-vc's verdict on the VC alone and on a VP that
    //  carries it (the same, observed), the expirationDate did-jwt-vc reports when it accepts]
    const now = nowSec()
    const OK = /^verified$/
    const MS = /^throws: schema_error: "\d+" is not a unix timestamp in seconds$/
    const EXP_CASES: ReadonlyArray<[string, Record<string, unknown>, string, RegExp, string | undefined]> = [
      ['exp = 0 (with nbf)', { nbf: now, exp: 0 }, 'ERR_INPUT_INVALID', OK, undefined],
      ['exp = 0 (without nbf)', { iat: now, exp: 0 }, 'ERR_VC_EXPIRED', OK, undefined],
      ['exp = null', { nbf: now, exp: null }, 'ERR_INPUT_INVALID', OK, undefined],
      ['exp = "" (string)', { nbf: now, exp: '' }, 'ERR_INPUT_INVALID', OK, undefined],
      ['exp = "99999999999" (numeric string)', { nbf: now, exp: '99999999999' }, 'ERR_INPUT_INVALID', OK, '5138-11-16T09:46:39.000Z'],
      ['exp absent', { nbf: now }, 'ERR_INPUT_INVALID', OK, undefined],
      // did-jwt skips the check (NaN compares false); did-jwt-vc then fails converting it to a
      // date, also when it normalizes the VP that carries it: a throw, not a verdict.
      ['exp = "never" (string)', { nbf: now, exp: 'never' }, 'ERR_INPUT_INVALID', /^throws: Invalid time value$/, undefined],
      // Here did-jwt-vc agrees: its schema check refuses a timestamp of 12 digits or more.
      ['exp in milliseconds', { nbf: now, exp: (now + 3600) * 1000 }, 'ERR_INPUT_INVALID', MS, undefined],
    ]
    for (const [name, fields, code, theirs, expirationDate] of EXP_CASES) {
      const verdict = (r: RegExp): string => (r === OK ? 'accepts' : 'refuses (throws)')
      it(`a VC with ${name}: did-jwt-vc ${verdict(theirs)} it, alone and in a VP; ours ${code}`, async () => {
        const entitlements = [parseEntitlement({ resource: 'db:customers', actions: ['read'] })]
        const holderKey = generateAgentKey()
        const credential = offlineCredential(holderKey.did, entitlements, fields)
        assert.match(await didJwtVc(() => verifyCredential(credential, resolver)), theirs)
        if (theirs === OK) {
          const vc = (await verifyCredential(credential, resolver)).verifiableCredential as unknown as Record<string, unknown>
          assert.equal(vc.expirationDate, expirationDate)
        }
        const challenge = verifier.challenge()
        const vp = createPresentation({ key: holderKey, credentials: [credential], audience: me.did, challenge })
        assert.match(await didJwtVc(() => verifyPresentation(vp, resolver, { challenge, domain: me.did })), theirs)
        // Ours, through the whole pipeline and on the credential alone.
        assert.equal(codeOf(await verifier.verifyPresentation(vp, { challenge })), code)
        assert.equal(codeOf(await verifier.verifyCredential(credential)), code)
      })
    }

    describe('the identity point as a public key', () => {
      const identity = new Uint8Array(32)
      identity[0] = 1 // y = 1, x = 0: the neutral element, encoded
      // didKeyFromPublicKey refuses it, so the did:key is spelled out: multicodec ed25519-pub + key.
      const multibase = `z${encodeBase58btc(Uint8Array.from([0xed, 0x01, ...identity]))}`
      const identityDid = `did:key:${multibase}`
      const identityKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]), format: 'der', type: 'spki' })
      const allZero = Buffer.alloc(64)
      const identityR = Buffer.concat([identity, Buffer.alloc(32)]) // R = identity, S = 0

      function forgedCredential(signature: Buffer): string {
        const header = encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: `${identityDid}#${multibase}` }))
        const now = nowSec()
        const payload = encodeBase64url(JSON.stringify({
          iss: identityDid, sub: me.did, jti: `urn:uuid:${randomUUID()}`, nbf: now, exp: now + 600,
          vc: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
            credentialSubject: entitlementSubjectToJson(me.did, { agent: profile('forged'), entitlements: [parseEntitlement({ resource: 'db:customers', actions: ['read', 'write'] })] }) },
        }))
        return `${header}.${payload}.${encodeBase64url(signature)}`
      }

      // A resolver that hands out whatever key the DID encodes, as a did:web or a cache might.
      const permissive: Resolvable = {
        resolve: async (): Promise<DIDResolutionResult> => ({
          didResolutionMetadata: {},
          didDocumentMetadata: {},
          didDocument: {
            id: identityDid,
            verificationMethod: [{ id: `${identityDid}#${multibase}`, type: 'Ed25519VerificationKey2020', controller: identityDid, publicKeyMultibase: multibase }],
            assertionMethod: [`${identityDid}#${multibase}`],
          },
        }),
      }

      it("Node's verify accepts (R = identity, S = 0) for any message; the all-zero signature it refuses", () => {
        for (const message of ['', 'anything', 'transfer everything']) {
          assert.equal(verify(null, Buffer.from(message), identityKey, identityR), true)
          assert.equal(verify(null, Buffer.from(message), identityKey, allZero), false)
        }
      })

      it('did-jwt (cofactored, ZIP-215) accepts both forgeries when a resolver yields the key; key-did-resolver refuses the DID', async () => {
        for (const signature of [allZero, identityR]) {
          const jwt = forgedCredential(signature)
          assert.equal(await didJwtVc(() => verifyCredential(jwt, permissive)), 'verified')
          assert.match(await didJwtVc(() => verifyCredential(jwt, resolver)), /resolver_error: .*invalidDid/)
        }
      })

      it('ours refuses the key itself: ERR_KEY_WEAK as issuer, as trusted issuer, and as holder', async () => {
        assert.throws(() => resolveDidKey(identityDid), { code: 'ERR_KEY_WEAK' })
        assert.throws(() => createVerifier({ did: me.did, trustedIssuers: [identityDid] }), { code: 'ERR_KEY_WEAK' })
        for (const signature of [allZero, identityR]) {
          assert.equal(codeOf(await verifier.verifyCredential(forgedCredential(signature))), 'ERR_KEY_WEAK')
        }
        // A presentation "signed" by the identity key.
        const challenge = verifier.challenge()
        const header = encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))
        const now = nowSec()
        const payload = encodeBase64url(JSON.stringify({
          iss: identityDid, aud: me.did, nonce: challenge, iat: now, exp: now + 60, jti: `urn:uuid:${randomUUID()}`,
          vp: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiablePresentation'], verifiableCredential: [forgedCredential(identityR)] },
        }))
        const vp = `${header}.${payload}.${encodeBase64url(identityR)}`
        assert.equal(await didJwtVc(() => verifyPresentation(vp, permissive, { challenge, domain: me.did })), 'verified')
        assert.equal(codeOf(await verifier.verifyPresentation(vp, { challenge })), 'ERR_KEY_WEAK')
      })
    })
  })
})
