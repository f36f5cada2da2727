import assert from 'node:assert/strict'
import { createHash, createPublicKey, randomBytes, sign } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, policyToJson, startService, type RunningService } from '@agentid/issuer'
import { checkCredentialJwt } from '@agentid/verifier'
import { clientAuthenticationNone, HashAlgorithm, setGlobalConfig } from '@openid4vc/oauth2'
import { Openid4vciClient } from '@openid4vc/openid4vci'
import { freePort } from './support/service.js'

// An independent OpenID4VCI wallet library (the OpenWallet Foundation's oid4vc-ts,
// @openid4vc/openid4vci) against agentid's credential issuer on 127.0.0.1, unmodified: it parses
// the offer and both metadata documents with its own schemas, redeems the pre-authorized code with
// a transaction code and DPoP (EdDSA), gets a c_nonce, makes its own key proof, and receives the
// credential. Its format is OpenID4VCI's registered `jwt_vc_json` (VC 1.1): a VC 1.1 issuer.

describe('OpenID4VCI interop: the oid4vc-ts wallet library against agentid (real service on 127.0.0.1)', function () {
  this.timeout(60_000)
  let home: string
  let issuer: Issuer
  let service: RunningService
  let adminToken: string
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-oid4vci-interop-'))
    const port = await freePort()
    const created = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` }, credentialFormat: 'vc1.1' })
    issuer = created.issuer
    adminToken = created.adminToken
    await issuer.setPolicy({ ...policyToJson(DEFAULT_POLICY), rules: [{ resource: 'db:*', actions: ['*'], risk: 'low', maxTtl: '30d' }] }, 'test')
    service = await startService(issuer, { port, sweepIntervalMs: 0, rateLimits: false, log: () => undefined })
    // Plain http is for loopback only; the library refuses it unless told.
    setGlobalConfig({ allowInsecureUrls: true })
  })
  after(async () => {
    setGlobalConfig({ allowInsecureUrls: false })
    await service.close()
    await issuer.close()
    rmSync(home, { recursive: true, force: true })
  })

  async function admin(method: string, path: string, body: unknown): Promise<any> {
    const response = await fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const answer = await response.json()
    assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(answer)}`)
    return answer
  }

  it('redeems an offer with a transaction code and receives the credential, every answer parsed by the library', async () => {
    const key = generateAgentKey()
    const publicJwk = createPublicKey(key.privateKey).export({ format: 'jwk' })
    await admin('POST', '/agents', { did: key.did, name: 'wallet', kind: 'company', owner: 'ops' })
    const granted = await admin('POST', '/requests', { subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttl: '1h', renewableFor: '1d' })
    const created = await admin('POST', `/credentials/${encodeURIComponent(granted.credential.id)}/offer`, { txCode: true })

    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const client = new Openid4vciClient({
      callbacks: {
        hash: (data: Uint8Array, alg: HashAlgorithm) => {
          assert.equal(alg, HashAlgorithm.Sha256)
          return createHash('sha256').update(data).digest()
        },
        generateRandom: (bytes: number) => randomBytes(bytes),
        signJwt: async (_signer: unknown, { header, payload }: { header: unknown; payload: unknown }) => {
          const input = `${b64(header)}.${b64(payload)}`
          return { jwt: `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`, signerJwk: publicJwk }
        },
        clientAuthentication: clientAuthenticationNone({ clientId: key.did }),
        fetch,
      } as never,
    })
    const offer = await client.resolveCredentialOffer(created.uri)
    const metadata = await client.resolveIssuerMetadata(offer.credential_issuer)
    assert.deepEqual(Object.keys(metadata.knownCredentialConfigurations), ['AgentEntitlementCredential_jwt_vc_json'])
    const dpop = { signer: { method: 'jwk', alg: 'EdDSA', publicJwk } }
    // A wrong transaction code: an OAuth error the library parses.
    await assert.rejects(client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer, issuerMetadata: metadata, txCode: created.txCode === '000000' ? '111111' : '000000', dpop } as never))
    const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer, issuerMetadata: metadata, txCode: created.txCode, dpop } as never)
    const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata: metadata })
    const proof = await client.createCredentialRequestJwtProof({ issuerMetadata: metadata, credentialConfigurationId: offer.credential_configuration_ids[0]!, nonce, signer: { method: 'did', didUrl: key.keyId, alg: 'EdDSA' } } as never)
    const answer = await client.retrieveCredentials({
      issuerMetadata: metadata, accessToken: token.accessTokenResponse.access_token, credentialConfigurationId: offer.credential_configuration_ids[0]!,
      proofs: { jwt: [proof.jwt] }, dpop: token.dpop,
    } as never)
    const credential = (answer.credentialResponse.credentials as Array<{ credential: string }>)[0]!.credential
    assert.equal(credential, granted.credential.jwt)
    assert.equal(checkCredentialJwt(credential).subject, key.did)
  })
})
