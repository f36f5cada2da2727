import assert from 'node:assert/strict'
import { createVerifier, type VerifierOptions } from '@agentid/verifier'
import { KEYS, makeVc, makeVp, T0 } from '../../../test/support/tokens.js'

// requireApprovals and dutyConflicts: the evidence of the issuer's governance, checked offline.
describe('verifier: required approvals and duty conflicts', () => {
  const subject = (extra: Record<string, unknown>, entitlements = [{ resource: 'db:customers', actions: ['write'] }]) => ({
    credentialSubject: { id: KEYS.agent.did, agent: { name: 'bot', kind: 'company', owner: 'ops' }, entitlements, ...extra },
  })
  const approvals = (...roles: string[]) => roles.map((role, i) => ({ role, approver: `p${i}`, at: '2026-11-30T08:00:00Z' }))
  let n = 0

  async function decide(options: Partial<VerifierOptions>, vcExtra: Record<string, unknown>, entitlements?: Array<{ resource: string; actions: string[] }>) {
    const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true, ...options })
    const vc = makeVc({ jti: `urn:uuid:00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` }, subject(vcExtra, entitlements))
    const result = await verifier.verifyPresentation(makeVp([vc], { jti: `urn:uuid:vp-${n}` }), { challenge: 'nonce-1' })
    if (!result.ok) return { code: result.code }
    const d = verifier.authorize(result, { resource: 'db:customers', action: 'write' })
    return d.allow ? { allow: true } : { code: d.code }
  }

  const table: Array<[string, Record<string, unknown>, { allow?: true; code?: string }]> = [
    ['high risk with security among its approvals', { risk: 'high', approvals: approvals('ai-ops', 'security') }, { allow: true }],
    ['high risk without security', { risk: 'high', approvals: approvals('ai-ops') }, { code: 'ERR_APPROVAL_REQUIRED' }],
    ['high risk with no approvals at all', { risk: 'high' }, { code: 'ERR_APPROVAL_REQUIRED' }],
    ['low risk: nothing required', { risk: 'low' }, { allow: true }],
    ['no risk stated: held to every role listed', { approvals: approvals('security') }, { code: 'ERR_APPROVAL_REQUIRED' }],
    ['no risk stated, every role shown', { approvals: approvals('security', 'compliance') }, { allow: true }],
  ]
  for (const [name, extra, expected] of table) {
    it(name, async () => {
      assert.deepEqual(await decide({ requireApprovals: { high: ['security'], critical: ['security', 'compliance'] } }, extra), expected)
    })
  }

  it('without requireApprovals, approvals are not looked at', async () => {
    assert.deepEqual(await decide({}, { risk: 'critical' }), { allow: true })
  })

  it('refuses malformed approval evidence in a credential', async () => {
    assert.deepEqual(await decide({}, { risk: 'high', approvals: [{ role: 'security', approver: 'p', at: 'yesterday' }] }), { code: 'ERR_INPUT_INVALID' })
    assert.deepEqual(await decide({}, { risk: 'high', approvals: [{ role: 'security', approver: 'p', at: '2026-11-30T08:00:00Z', extra: 1 }] }), { code: 'ERR_INPUT_INVALID' })
  })

  it('refuses a presentation holding both sides of a duty rule', async () => {
    const dutyConflicts = [{ name: 'maker-checker', sides: [{ resource: 'payments:*', actions: ['initiate'] }, { resource: 'payments:*', actions: ['approve'] }] }] as const
    const both = [{ resource: 'payments:x', actions: ['initiate'] }, { resource: 'payments:x', actions: ['approve'] }]
    assert.deepEqual(await decide({ dutyConflicts }, {}, both), { code: 'ERR_SOD_CONFLICT' })
    assert.deepEqual(await decide({ dutyConflicts }, {}, [both[0]!, { resource: 'db:customers', actions: ['write'] }]), { allow: true })
  })

  it('treats bad options as a usage error', () => {
    const base = { did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did] }
    for (const bad of [{ requireApprovals: { severe: ['x'] } }, { requireApprovals: { high: 'security' } }, { requireApprovals: { high: ['Security!'] } }, { dutyConflicts: [{ name: 'x', sides: [] }] }]) {
      assert.throws(() => createVerifier({ ...base, ...bad } as unknown as VerifierOptions), { code: 'ERR_USAGE' })
    }
  })
})
