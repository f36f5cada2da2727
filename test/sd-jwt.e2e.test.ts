import assert from 'node:assert/strict'
import { createSdJwtPresentation, generateAgentKey } from '@agentid/agent'
import { createVerifier, httpStatusLists, type Verifier } from '@agentid/verifier'
import { noApprovalPolicy } from './support/policies.js'
import { startTestService, type TestService } from './support/service.js'

// A real issuer service mints an entitlement credential as SD-JWT VC (POST /requests with
// format: 'sd-jwt'); the agent discloses one entitlement per request; a verifier that reads the
// issuer's status lists over HTTP decides. A revocation reaches SD-JWT credentials as any other.
describe('SD-JWT VC from a real issuer service', function () {
  this.timeout(60_000)
  const agent = generateAgentKey()
  const verifierKey = generateAgentKey()
  let t: TestService
  let credential: string
  let id: string
  let verifier: Verifier

  before(async () => {
    t = await startTestService({ policy: noApprovalPolicy() })
    await t.issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', segment: 'sales' }, 'test')
    const answer = await t.call(t.tokens.admin, 'POST', '/requests', {
      subject: agent.did, ttl: '1h', format: 'sd-jwt',
      entitlements: [{ resource: 'db:customers', actions: ['read'] }, { resource: 'db:orders', actions: ['read'] }, { resource: 'mail:outbox', actions: ['send'] }],
    })
    assert.equal(answer.status, 201, JSON.stringify(answer.body))
    credential = answer.body.credential.jwt
    id = answer.body.credential.id
    verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }) })
  })
  after(async () => {
    await t?.close()
  })

  async function presentFor(disclose: string[]) {
    const challenge = verifier.challenge()
    const token = createSdJwtPresentation({ key: agent, credential, disclose, audience: verifierKey.did, challenge })
    return verifier.verifyPresentation(token, { challenge })
  }

  it('mints dc+sd-jwt with every entitlement and the agent fields as disclosures', () => {
    const header = JSON.parse(Buffer.from(credential.split('.')[0]!, 'base64url').toString()) as { typ: string }
    assert.equal(header.typ, 'dc+sd-jwt')
    assert.equal(credential.split('~').length, 1 + 3 + 3 + 1)
    assert.ok(credential.endsWith('~'))
  })

  it('allows what was disclosed and nothing else, with the status checked', async () => {
    const result = await presentFor(['db:customers:read'])
    assert.ok(result.ok, JSON.stringify(result))
    assert.equal(result.statusChecked, true)
    assert.equal(verifier.authorize(result, { resource: 'db:customers', action: 'read' }).allow, true)
    const refused = verifier.authorize(result, { resource: 'db:orders', action: 'read' })
    assert.equal(!refused.allow && refused.code, 'ERR_NOT_ENTITLED')
    const other = await presentFor(['db:orders'])
    assert.ok(other.ok)
    assert.equal(verifier.authorize(other, { resource: 'db:orders', action: 'read' }).allow, true)
  })

  it('a revoked SD-JWT credential is refused', async () => {
    assert.equal((await t.call(t.tokens.security, 'POST', `/credentials/${encodeURIComponent(id)}/revoke`, { reason: 'test' })).status, 200)
    // A new verifier, so that its status source reads the list as published now.
    verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }) })
    const result = await presentFor(['db:orders'])
    assert.equal(!result.ok && result.code, 'ERR_VC_REVOKED', JSON.stringify(result))
  })
})
