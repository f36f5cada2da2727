import assert from 'node:assert/strict'
import { createVerifier } from '@agentid/verifier'
import { KEYS, makeVc, makeVp, S0, T0 } from '../../../test/support/tokens.js'

// VC Data Model 1.1, section 6.3.1 (JWT encoding): `exp` represents `expirationDate` and `nbf`
// represents `issuanceDate`. When a credential carries both forms they must say the same time,
// to the second: a verifier that reads one must not see a longer life than one that reads the
// other. The credential of these vectors has nbf = S0 - 3600 and exp = S0 + 3600.
const iso = (seconds: number, fraction = '') => new Date(seconds * 1000).toISOString().replace('.000Z', `${fraction}Z`)
const NBF = S0 - 3600
const EXP = S0 + 3600

function verifier() {
  return createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true, statusLists: 'unchecked' })
}

// [name, payload overrides, vc overrides, code or 'ok']
const VECTORS: ReadonlyArray<readonly [string, Record<string, unknown>, Record<string, unknown>, string]> = [
  ['both dates agree with exp and nbf', {}, { issuanceDate: iso(NBF), expirationDate: iso(EXP) }, 'ok'],
  ['expirationDate agrees, with milliseconds within the second', {}, { expirationDate: iso(EXP, '.999') }, 'ok'],
  ['expirationDate agrees, written with an offset', {}, { expirationDate: new Date(EXP * 1000 + 3_600_000).toISOString().replace('.000Z', '+01:00') }, 'ok'],
  ['no dates in vc (the usual JWT form)', {}, {}, 'ok'],
  ['expirationDate a year after exp', {}, { expirationDate: iso(EXP + 365 * 86400) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['expirationDate one second after exp', {}, { expirationDate: iso(EXP + 1) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['expirationDate one second before exp', {}, { expirationDate: iso(EXP - 1) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['issuanceDate a day before nbf', {}, { issuanceDate: iso(NBF - 86400) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['issuanceDate one second after nbf', {}, { issuanceDate: iso(NBF + 1) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['issuanceDate without nbf', { nbf: undefined }, { issuanceDate: iso(NBF) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['validUntil (VC 2.0 name) after exp', {}, { validUntil: iso(EXP + 86400) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['validFrom (VC 2.0 name) before nbf', {}, { validFrom: iso(NBF - 86400) }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['validUntil agrees with exp', {}, { validUntil: iso(EXP) }, 'ok'],
  ['expirationDate without a time zone', {}, { expirationDate: iso(EXP).replace('Z', '') }, 'ERR_INPUT_INVALID'],
  ['expirationDate as a number', {}, { expirationDate: EXP }, 'ERR_INPUT_INVALID'],
  ['expirationDate null', {}, { expirationDate: null }, 'ERR_INPUT_INVALID'],
  ['expirationDate not a date', {}, { expirationDate: 'never' }, 'ERR_INPUT_INVALID'],
  ['expirationDate as a date only', {}, { expirationDate: iso(EXP).slice(0, 10) }, 'ERR_INPUT_INVALID'],
  ['expirationDate on 30 February', {}, { expirationDate: '2026-02-30T00:00:00Z' }, 'ERR_INPUT_INVALID'],
  ['issuanceDate as an array', {}, { issuanceDate: [iso(NBF)] }, 'ERR_INPUT_INVALID'],
  ['expirationDate in year 26 (not 1926, not 2026)', {}, { expirationDate: `0026${iso(EXP).slice(4)}` }, 'ERR_VC_CLAIMS_MISMATCH'],
  ['expirationDate with an offset beyond 14 hours', {}, { expirationDate: iso(EXP).replace('Z', '+15:00') }, 'ERR_INPUT_INVALID'],
]

describe('credential dates: vc.expirationDate / vc.issuanceDate agree with exp / nbf', () => {
  for (const [name, payload, vc, expected] of VECTORS) {
    it(`${name}: ${expected}`, async () => {
      const overrides = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined))
      let credential = makeVc(overrides, vc)
      if ('nbf' in payload && payload.nbf === undefined) {
        // A credential without nbf: signed again without the claim.
        const { signJwt } = await import('@agentid/agent')
        const parsed = JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
        delete parsed.nbf
        credential = signJwt(KEYS.issuer, parsed)
      }
      const v = verifier()
      const alone = await v.verifyCredential(credential)
      const presented = await v.verifyPresentation(makeVp([credential]), { challenge: 'nonce-1' })
      for (const result of [alone, presented]) {
        if (expected === 'ok') assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.message}`)
        else assert.equal(result.ok === false && result.code, expected, result.ok ? 'accepted' : result.message)
      }
    })
  }
})
