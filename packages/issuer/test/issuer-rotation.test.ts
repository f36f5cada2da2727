import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPresentation, generateAgentKey, signJwt } from '@agentid/agent'
import { Issuer } from '@agentid/issuer'
import { checkStatusListJwt, createVerifier, statusListsFromJwts } from '@agentid/verifier'
import { noApprovalPolicy } from '../../../test/support/policies.js'

describe('issuer key rotation', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'agentid-rotate-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  it('a new key signs from then on; the old one keeps signing the lists of what it issued; verifiers follow the signed statement', async () => {
    const { issuer } = await Issuer.init({ home, env: {} })
    await issuer.setPolicy(noApprovalPolicy(), 'test')
    const agent = generateAgentKey()
    const verifierKey = generateAgentKey()
    await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
    const before = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:a', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
    const oldDid = issuer.did
    const rotated = await issuer.rotateIssuerKey('test')
    await issuer.close()
    assert.equal(rotated.previous, oldDid)
    assert.notEqual(rotated.did, oldDid)

    const next = await Issuer.open({ home, env: {} })
    assert.equal(next.did, rotated.did)
    assert.deepEqual(await next.rotations(), [rotated.statement])
    const after = await next.grant({ subject: agent.did, entitlements: [{ resource: 'db:b', actions: ['read'] }], ttlSeconds: 3600 }, 'test')
    assert.equal(after.record.issuer, rotated.did)
    assert.deepEqual(await next.statusListIds(), ['rev-1', 'rev-2', 'sus-1', 'sus-2'])
    await next.revoke(before.id, 'test')
    // Each list is signed by the issuer of its credentials.
    const lists = await Promise.all(['rev-1', 'sus-1', 'rev-2', 'sus-2'].map((id) => next.publishStatusList(id)))
    assert.deepEqual(lists.map((l) => checkStatusListJwt(l.jwt).issuer), [oldDid, oldDid, rotated.did, rotated.did])
    await next.close()

    const verify = async (credential: string, rotations: string[]) => {
      const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [oldDid], issuerRotations: rotations, statusLists: statusListsFromJwts(lists.map((l) => l.jwt)) })
      const challenge = verifier.challenge()
      return verifier.verifyPresentation(createPresentation({ key: agent, credentials: [credential], audience: verifierKey.did, challenge }), { challenge })
    }
    const untrusted = await verify(after.jwt, [])
    assert.equal(untrusted.ok === false && untrusted.code, 'ERR_VC_ISSUER_UNTRUSTED')
    assert.equal((await verify(after.jwt, [rotated.statement])).ok, true, 'the successor is trusted once the statement is given')
    const revoked = await verify(before.jwt, [rotated.statement])
    assert.equal(revoked.ok === false && revoked.code, 'ERR_VC_REVOKED', 'the old list, signed by the old key, still speaks for the old credential')
    // A statement not signed by a trusted issuer is refused.
    const forged = signJwt(agent, { iss: agent.did, sub: agent.did, vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential', 'IssuerRotationCredential'], credentialSubject: { id: agent.did } } })
    assert.throws(() => createVerifier({ did: verifierKey.did, trustedIssuers: [oldDid], issuerRotations: [forged] }), { code: 'ERR_USAGE' })
  })
})
