import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentKeyFromSeed, createPresentation, signTyped } from '@agentid/agent'
import { CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2, CREDENTIALS_STATUS_CONTEXT_V1 } from '@agentid/core'
import { Issuer, type CredentialFormat } from '@agentid/issuer'
import { checkAnyCredentialJwt, checkStatusListJwt, statusAt } from '@agentid/verifier'
import * as bsl from '@digitalbazaar/vc-bitstring-status-list'
import { noApprovalPolicy } from './support/policies.js'

// Status that other stacks check (issue 16), both ways, offline: Digital Bazaar's Bitstring Status
// List library reads agentid's entries and lists in both formats, agentid reads lists that library
// builds; and what SpruceID's didkit (wasm) reads of agentid's credentials and presentations.

const T = Date.UTC(2026, 11, 3, 9)
const CONTEXTS = new Map([
  [CREDENTIALS_CONTEXT_V1, 'credentials-v1.jsonld'],
  [CREDENTIALS_CONTEXT_V2, 'credentials-v2.jsonld'],
  [CREDENTIALS_STATUS_CONTEXT_V1, 'credentials-status-v1.jsonld'],
].map(([url, file]) => [url!, JSON.parse(readFileSync(new URL(`../packages/core/contexts/${file}`, import.meta.url), 'utf8')) as unknown]))

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>

// The credential a JSON-LD stack sees in a JWT whose signature agentid checked: VC 1.1 maps its
// claims into the `vc` object (VC Data Model 1.1, 6.3.1); VC 2.0 is the payload itself.
function documentOf(jwt: string): Record<string, any> {
  const p = payloadOf(jwt)
  if (!p.vc) return p
  return { ...p.vc, id: p.jti, issuer: p.iss, ...(p.sub ? { credentialSubject: { ...p.vc.credentialSubject, id: p.sub } } : {}) }
}

async function issuerWith(format: CredentialFormat) {
  const home = mkdtempSync(join(tmpdir(), 'agentid-status-interop-'))
  const { issuer } = await Issuer.init({ home, env: {}, now: () => T, credentialFormat: format })
  await issuer.setPolicy(noApprovalPolicy(), 'test')
  const agent = agentKeyFromSeed(new Uint8Array(32).fill(format === 'vc2.0' ? 12 : 11))
  await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
  const grant = async () => (await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 3600 }, 'test')).jwt
  const [valid, revoked, suspended] = [await grant(), await grant(), await grant()]
  await issuer.revoke(checkAnyCredentialJwt(revoked).id, 'test')
  await issuer.setSuspended({ credentialId: checkAnyCredentialJwt(suspended).id }, true, 'test')
  const lists = await Promise.all((await issuer.statusListIds()).map(async (id) => (await issuer.publishStatusList(id)).jwt))
  return { issuer, home, agent, valid, revoked, suspended, lists }
}

describe('status interop with Digital Bazaar and didkit (offline)', function () {
  this.timeout(60_000)

  for (const format of ['vc1.1', 'vc2.0'] as const) {
    describe(`an agentid ${format} issuer`, () => {
      let fixture: Awaited<ReturnType<typeof issuerWith>>
      before(async () => {
        fixture = await issuerWith(format)
      })
      after(async () => {
        await fixture.issuer.close()
        rmSync(fixture.home, { recursive: true, force: true })
      })

      // The lists are JWTs: agentid checks each, then hands the library the document it secures.
      const loader = () => {
        const byUrl = new Map(fixture.lists.map((jwt) => [checkStatusListJwt(jwt).url, documentOf(jwt)]))
        return async (url: string) => {
          const document = CONTEXTS.get(url) ?? byUrl.get(url)
          if (document === undefined) throw new Error(`offline: ${url} is not served`)
          return { contextUrl: null, documentUrl: url, document }
        }
      }

      it('Digital Bazaar recognises its status entries and reads valid, revoked and suspended from its lists', async () => {
        for (const [jwt, revoked, suspended] of [[fixture.valid, false, false], [fixture.revoked, true, false], [fixture.suspended, false, true]] as const) {
          const credential = documentOf(jwt)
          assert.equal(bsl.statusTypeMatches({ credential }), true)
          const result = await bsl.checkStatus({ credential, documentLoader: loader(), verifyBitstringStatusListCredential: false, verifyMatchingIssuers: true })
          assert.equal(result.verified, true, JSON.stringify(result.error?.message))
          const byPurpose = Object.fromEntries(result.results.map((r: { credentialStatus: { statusPurpose: string }; status: boolean }) => [r.credentialStatus.statusPurpose, r.status]))
          assert.deepEqual(byPurpose, { revocation: revoked, suspension: suspended })
        }
      })
    })
  }

  it('agentid reads a list Digital Bazaar builds, secured as VC 2.0 by the issuer key', async () => {
    const issuerKey = agentKeyFromSeed(new Uint8Array(32).fill(21))
    const url = 'https://issuer.example/status/db-1'
    const list = await bsl.createList({ length: 131072 })
    for (const index of [0, 42, 131071]) list.setStatus(index, true)
    const document = await bsl.createCredential({ id: url, list, statusPurpose: 'revocation' })
    const jwt = signTyped(issuerKey, 'vc+jwt', { ...document, issuer: issuerKey.did, validFrom: new Date(T).toISOString() })
    const checked = checkStatusListJwt(jwt)
    assert.deepEqual([checked.url, checked.purposes, checked.issuer], [url, ['revocation'], issuerKey.did])
    assert.deepEqual([0, 1, 41, 42, 43, 131071].map((i) => statusAt(checked.bits, i)), [1, 0, 0, 1, 0, 1])
  })

  describe('SpruceID didkit (@spruceid/didkit-wasm-node 0.2.1): what it reads, and its limit', () => {
    const didkit = createRequire(import.meta.url)('@spruceid/didkit-wasm-node') as {
      verifyCredential(jwt: string, options: string): Promise<string>
      verifyPresentation(jwt: string, options: string): Promise<string>
    }
    const errors = async (answer: Promise<string>) => (JSON.parse(await answer) as { errors: string[] }).errors
    // didkit reads the wall clock: this issuer issues now.
    let home: string
    let issuer: Issuer
    const agent = agentKeyFromSeed(new Uint8Array(32).fill(13))
    const verifier = agentKeyFromSeed(new Uint8Array(32).fill(22))
    before(async () => {
      home = mkdtempSync(join(tmpdir(), 'agentid-didkit-'))
      issuer = (await Issuer.init({ home, env: {}, credentialFormat: 'vc1.1' })).issuer
      await issuer.setPolicy(noApprovalPolicy(), 'test')
      await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'test')
    })
    after(async () => {
      await issuer.close()
      rmSync(home, { recursive: true, force: true })
    })

    it('verifies the signature of an agentid VC 1.1 credential with one status entry, and a presentation of it (audience, challenge)', async () => {
      const issued = (await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 3600 }, 'test')).jwt
      // The same claims with the revocation entry alone, signed by the issuer's key.
      const p = payloadOf(issued)
      const one = await issuer.signJwt('JWT', { ...p, vc: { ...p.vc, credentialStatus: p.vc.credentialStatus[0] } })
      assert.deepEqual(await errors(didkit.verifyCredential(one, JSON.stringify({ proofFormat: 'jwt' }))), [])
      const vp = createPresentation({ key: agent, credentials: [one], audience: verifier.did, challenge: 'c-42' })
      assert.deepEqual(await errors(didkit.verifyPresentation(vp, JSON.stringify({ proofFormat: 'jwt', domain: verifier.did, challenge: 'c-42' }))), [])
      assert.notDeepEqual(await errors(didkit.verifyPresentation(vp, JSON.stringify({ proofFormat: 'jwt', domain: verifier.did, challenge: 'c-43' }))), [], 'another challenge is refused')
      const forged = `${one.slice(0, one.lastIndexOf('.'))}.${'A'.repeat(86)}`
      assert.notDeepEqual(await errors(didkit.verifyCredential(forged, JSON.stringify({ proofFormat: 'jwt' }))), [], 'a forged signature is refused')
    })

    it('cannot parse the two status entries agentid writes (its parser takes one object): pinned, so that a didkit that reads them is noticed', async () => {
      const issued = (await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 3600 }, 'test')).jwt
      assert.equal(payloadOf(issued).vc.credentialStatus.length, 2)
      const [refused] = await errors(didkit.verifyCredential(issued, JSON.stringify({ proofFormat: 'jwt' })))
      assert.match(refused ?? '', /invalid type: sequence, expected struct Status/)
      const vp = createPresentation({ key: agent, credentials: [issued], audience: verifier.did, challenge: 'c-44' })
      const [inPresentation] = await errors(didkit.verifyPresentation(vp, JSON.stringify({ proofFormat: 'jwt', domain: verifier.did, challenge: 'c-44' })))
      assert.match(inPresentation ?? '', /invalid type: sequence, expected struct Status/)
    })
  })
})
