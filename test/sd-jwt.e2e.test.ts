import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSdJwtPresentation, generateAgentKey, saveAgentKey } from '@agentid/agent'
import { agentid } from './support/cli.js'
import { Issuer } from '@agentid/issuer'
import { checkSdJwtCredential, createVerifier, httpStatusLists, type Verifier } from '@agentid/verifier'
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
    return verifier.verifySdJwtPresentation(token, { challenge })
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

  it('the CLI: present --disclose reveals one entitlement; verify allows it and denies an undisclosed one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-sdjwt-'))
    try {
      await saveAgentKey(join(dir, 'bot.key'), agent)
      writeFileSync(join(dir, 'bot.sd-jwt'), `${credential}\n`)
      const present = await agentid(['--json', 'present', '--key', 'bot.key', '--credential', 'bot.sd-jwt', '--audience', verifierKey.did, '--challenge', 'c-1', '--disclose', 'db:orders:read', '--out', 'bot.vp'], { cwd: dir })
      assert.equal(present.code, 0, present.stderr)
      const verify = (resource: string, action: string) => agentid(['--json', 'verify', 'bot.vp', '--audience', verifierKey.did, '--challenge', 'c-1', '--trust', t.issuer.did, '--status-url', '--resource', resource, '--action', action], { cwd: dir })
      const allowed = await verify('db:orders', 'read')
      assert.equal(allowed.code, 0, allowed.stderr)
      assert.equal(JSON.parse(allowed.stdout).decision.allow, true)
      const denied = await verify('db:customers', 'read')
      assert.equal(denied.code, 1)
      assert.equal(JSON.parse(denied.stdout).decision.code, 'ERR_NOT_ENTITLED')
      // Presenting an SD-JWT VC needs an explicit selection.
      const bare = await agentid(['--json', 'present', '--key', 'bot.key', '--credential', 'bot.sd-jwt', '--audience', verifierKey.did, '--challenge', 'c-2'], { cwd: dir })
      assert.equal(bare.code, 2)
      assert.equal(JSON.parse(bare.stderr).error.code, 'ERR_USAGE')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a revoked SD-JWT credential is refused', async () => {
    assert.equal((await t.call(t.tokens.security, 'POST', `/credentials/${encodeURIComponent(id)}/revoke`, { reason: 'test' })).status, 200)
    // A new verifier, so that its status source reads the list as published now.
    verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [t.issuer.did], statusLists: httpStatusLists({ allowedOrigins: [t.url] }) })
    const result = await presentFor(['db:orders'])
    assert.equal(!result.ok && result.code, 'ERR_VC_REVOKED', JSON.stringify(result))
  })

  it('an issuer with sdJwtByDefault mints SD-JWT VCs for grants that do not say, and its VC format when one asks for vc', async () => {
    const home = mkdtempSync(join(tmpdir(), 'agentid-sdjwt-issuer-'))
    try {
      const { issuer } = await Issuer.init({ home, env: {}, sdJwtByDefault: true, sdJwtDecoys: 3 })
      try {
        await issuer.setPolicy(noApprovalPolicy(), 'test')
        await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
        const sd = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:a', actions: ['read'] }], ttlSeconds: 600 }, 'test')
        assert.equal(checkSdJwtCredential(sd.jwt).id, sd.id)
        // Three decoys beside the one entitlement, and three beside the agent's two fields.
        const payload = JSON.parse(Buffer.from(sd.jwt.split('.')[1]!, 'base64url').toString()) as { entitlements: unknown[]; agent: { _sd: unknown[] } }
        assert.equal(payload.entitlements.length, 4)
        assert.equal(payload.agent._sd.length, 5)
        const vc = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:b', actions: ['read'] }], ttlSeconds: 600, format: 'vc' }, 'test')
        assert.equal(vc.jwt.includes('~'), false)
        await assert.rejects(issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:c', actions: ['read'] }], ttlSeconds: 600, format: 'sd' as never }, 'test'), { code: 'ERR_INPUT_INVALID' })
        await assert.rejects(Issuer.open({ home, env: {}, sdJwtDecoys: 17 }), { code: 'ERR_USAGE' })
      } finally {
        await issuer.close()
      }
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('OpenID4VCI delivery: an SD-JWT VC is not handed out as jwt_vc_json; its renewal is a VC-JWT', async () => {
    const home = mkdtempSync(join(tmpdir(), 'agentid-sdjwt-renew-'))
    let clock = Date.now()
    try {
      const { issuer } = await Issuer.init({ home, env: {}, now: () => clock })
      try {
        await issuer.setPolicy(noApprovalPolicy(), 'test')
        await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
        const sd = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:a', actions: ['read'] }], ttlSeconds: 600, renewableForSeconds: 3600, format: 'sd-jwt' }, 'test')
        await assert.rejects(issuer.currentCredential(sd.id, agent.did), { code: 'ERR_CONFLICT' })
        clock += 400_000
        const renewed = await issuer.currentCredential(sd.id, agent.did)
        assert.equal(renewed.renewed, true)
        assert.equal(renewed.jwt.includes('~'), false)
      } finally {
        await issuer.close()
      }
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})
