import assert from 'node:assert/strict'
import { createDpopProof } from '@agentid/agent'
import { encodeBase64url } from '@agentid/core'
import { accessTokenHash, checkAccessToken, checkDpopProof, jwkThumbprint, ReplayCache, type DpopExpectation } from '@agentid/verifier'
import { KEYS, S0, signRaw } from '../../../test/support/tokens.js'

// DPoP proofs (RFC 9449, 4.3) and agentid access tokens (RFC 9068 profile): every rule as a
// hostile input, each refused with its code.

const URL_ = 'https://tools.example/mcp'
const key = KEYS.agent
const jwk = { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(key.publicKey) }
const header = { typ: 'dpop+jwt', alg: 'EdDSA', jwk }
let n = 0
const claims = (extra: Record<string, unknown> = {}) => ({ jti: `proof-${++n}-xxxxxxxx`, htm: 'POST', htu: URL_, iat: S0, ...extra })
const expect = (extra: Partial<DpopExpectation> = {}): DpopExpectation => ({ method: 'POST', url: URL_, nowSeconds: S0, replay: new ReplayCache(100), ...extra })

describe('checkDpopProof', () => {
  it('accepts a proof of this request by its key, and names the key and its thumbprint', () => {
    const checked = checkDpopProof(signRaw(key, header, claims()), expect())
    assert.equal(checked.did, key.did)
    assert.equal(checked.jkt, jwkThumbprint(key.publicKey))
    // The agent package makes the same proofs; query and fragment are not part of htu.
    assert.equal(checkDpopProof(createDpopProof(key, { method: 'post', url: `${URL_}?x=1#y`, iat: S0 }), expect({ url: `${URL_}?other=2` })).did, key.did)
  })

  const refused: Array<[string, () => string, Partial<DpopExpectation>, string]> = [
    ['no proof', () => '', {}, 'ERR_DPOP_PROOF'],
    ['typ JWT', () => signRaw(key, { ...header, typ: 'JWT' }, claims()), {}, 'ERR_DPOP_PROOF'],
    ['alg none', () => `${encodeBase64url(JSON.stringify({ ...header, alg: 'none' }))}.${encodeBase64url(JSON.stringify(claims()))}.`, {}, 'ERR_DPOP_PROOF'],
    ['a private key in the jwk', () => signRaw(key, { ...header, jwk: { ...jwk, d: encodeBase64url(Buffer.alloc(32)) } }, claims()), {}, 'ERR_DPOP_PROOF'],
    ['a kid beside the jwk', () => signRaw(key, { ...header, kid: key.keyId }, claims()), {}, 'ERR_DPOP_PROOF'],
    ['an EC key', () => signRaw(key, { ...header, jwk: { kty: 'EC', crv: 'P-256', x: jwk.x } }, claims()), {}, 'ERR_DPOP_PROOF'],
    ['signed by another key than its jwk', () => signRaw(KEYS.other, header, claims()), {}, 'ERR_DPOP_PROOF'],
    ['another method', () => signRaw(key, header, claims({ htm: 'GET' })), {}, 'ERR_DPOP_PROOF'],
    ['another URL', () => signRaw(key, header, claims({ htu: 'https://tools.example/other' })), {}, 'ERR_DPOP_PROOF'],
    ['another host', () => signRaw(key, header, claims({ htu: 'https://evil.example/mcp' })), {}, 'ERR_DPOP_PROOF'],
    ['no jti', () => signRaw(key, header, claims({ jti: undefined })), {}, 'ERR_DPOP_PROOF'],
    ['iat a string', () => signRaw(key, header, claims({ iat: String(S0) })), {}, 'ERR_DPOP_PROOF'],
    ['iat too old', () => signRaw(key, header, claims({ iat: S0 - 61 })), {}, 'ERR_DPOP_PROOF'],
    ['iat in the future', () => signRaw(key, header, claims({ iat: S0 + 6 })), {}, 'ERR_DPOP_PROOF'],
    ['ath where no token is presented', () => signRaw(key, header, claims({ ath: accessTokenHash('t') })), {}, 'ERR_DPOP_PROOF'],
    ['no ath with a token', () => signRaw(key, header, claims()), { accessToken: 't' }, 'ERR_DPOP_PROOF'],
    ['ath of another token', () => signRaw(key, header, claims({ ath: accessTokenHash('u') })), { accessToken: 't' }, 'ERR_DPOP_PROOF'],
    ['no nonce when one is asked for', () => signRaw(key, header, claims()), { nonce: () => false }, 'ERR_DPOP_NONCE'],
    ['a stale nonce', () => signRaw(key, header, claims({ nonce: 'old' })), { nonce: (v) => v === 'new' }, 'ERR_DPOP_NONCE'],
    ['duplicate members', () => signRaw(key, header, `{"jti":"dup-jti-0001","jti":"dup-jti-0002","htm":"POST","htu":"${URL_}","iat":${S0}}`), {}, 'ERR_DPOP_PROOF'],
  ]
  for (const [name, make, extra, code] of refused) {
    it(`refuses ${name}: ${code}`, () => {
      assert.throws(() => checkDpopProof(make(), expect(extra)), (error: { code?: string }) => error.code === code)
    })
  }

  it('refuses a replayed proof, and does not reserve one that was refused', () => {
    const replay = new ReplayCache(100)
    const proof = signRaw(key, header, claims())
    assert.throws(() => checkDpopProof(proof, expect({ replay, method: 'GET' })), /htm/)
    checkDpopProof(proof, expect({ replay }))
    assert.throws(() => checkDpopProof(proof, expect({ replay })), /already used/)
  })
})

describe('checkAccessToken', () => {
  const AS = 'https://issuer.example'
  const payload = (extra: Record<string, unknown> = {}) => ({
    iss: AS, sub: key.did, client_id: key.did, aud: URL_, iat: S0, exp: S0 + 300, jti: 'tok-1', cnf: { jkt: jwkThumbprint(key.publicKey) },
    authorization_details: [{ type: 'agentid_entitlement', resource: 'db:customers', actions: ['read'], credentials: ['urn:uuid:1'] }],
    agentid_credential_status: { 'urn:uuid:1': [{ statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: `${AS}/status/rev-1` }] },
    ...extra,
  })
  const token = (extra: Record<string, unknown> = {}, signer = KEYS.issuer, typ = 'at+jwt') => signRaw(signer, { alg: 'EdDSA', typ, kid: signer.keyId }, payload(extra))
  const check = (jwt: string, audience: string | null = URL_) => checkAccessToken(jwt, { issuer: AS, signers: [KEYS.issuer.did], audience, nowSeconds: S0 })

  it('reads a token of a trusted signer for this audience', () => {
    const claims = check(token())
    assert.equal(claims.clientId, key.did)
    assert.equal(claims.entitlements[0]!.entitlement.resource, 'db:customers')
    assert.equal(claims.credentialStatus['urn:uuid:1']![0]!.statusListIndex, '7')
  })

  const refused: Array<[string, () => string, string | null]> = [
    ['typ JWT', () => token({}, KEYS.issuer, 'JWT'), URL_],
    ['an untrusted signer', () => token({}, KEYS.other), URL_],
    ['another issuer identifier', () => token({ iss: 'https://evil.example' }), URL_],
    ['another audience', () => token({ aud: 'https://tools.example/other' }), URL_],
    ['an audience array', () => token({ aud: [URL_] }), URL_],
    ['expired', () => token({ iat: S0 - 400, exp: S0 - 100 }), URL_],
    ['living longer than 5 minutes', () => token({ exp: S0 + 301 }), URL_],
    ['exp a string', () => token({ exp: String(S0 + 60) }), URL_],
    ['not DPoP-bound', () => token({ cnf: undefined }), URL_],
    ['an entitlement without its status entries', () => token({ agentid_credential_status: {} }), URL_],
    ['another authorization_details type', () => token({ authorization_details: [{ type: 'payment', resource: 'db:x', actions: ['read'], credentials: ['urn:uuid:1'] }] }), URL_],
    ['an act with extra members', () => token({ act: { sub: key.did, iss: 'x' } }), URL_],
    ['a sub that is not a did:key', () => token({ sub: 'admin' }), URL_],
  ]
  for (const [name, make, audience] of refused) {
    it(`refuses ${name}: ERR_TOKEN_INVALID`, () => {
      assert.throws(() => check(make(), audience), (error: { code?: string }) => error.code === 'ERR_TOKEN_INVALID')
    })
  }

  it('accepts any single audience only when told to (introspection)', () => {
    assert.equal(check(token({ aud: 'https://elsewhere.example/mcp' }), null).audience, 'https://elsewhere.example/mcp')
  })
})
