import assert from 'node:assert/strict'
import { signJwt } from '@agentid/agent'
import { encodeBase64url } from '@agentid/core'
import { createVerifier, type VerifierOptions } from '@agentid/verifier'
import { KEYS, makeVc, makeVp, S0, signRaw, T0, vcPayload, vpPayload } from '../../../test/support/tokens.js'

const TOL = 60
const L = (1n << 252n) + 27742317777372353535851937790883648493n

function verifier(options: Partial<VerifierOptions> = {}) {
  return createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true, clockTolerance: TOL, ...options })
}

function withSignature(jwt: string, signature: string): string {
  return `${jwt.slice(0, jwt.lastIndexOf('.'))}.${signature}`
}

/** S + L: a second encoding of the same signature (malleability), refused by strict verifiers. */
function malleate(jwt: string): string {
  const sig = Buffer.from(jwt.slice(jwt.lastIndexOf('.') + 1), 'base64url')
  let s = 0n
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!)
  s += L
  for (let i = 32; i < 64; i++) {
    sig[i] = Number(s & 0xffn)
    s >>= 8n
  }
  return withSignature(jwt, encodeBase64url(sig))
}

function vpWithHeader(header: Record<string, unknown> | string): string {
  return signRaw(KEYS.agent, header, vpPayload([makeVc()]))
}

const valid = makeVp()
// A signed VP whose header and payload parts end in a partial base64url group (`rem` leftover
// characters, 2 or 3), padding the payload's JSON with spaces until they do; then `edit` spoils
// one part's spelling. The decoder must refuse it as malformed before any signature is checked.
function respelled(rem: 2 | 3, part: 0 | 1, edit: (text: string) => string): string {
  const header = JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: KEYS.agent.keyId }) + ' '.repeat([0, 1, 2].find((n) => encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: KEYS.agent.keyId }) + ' '.repeat(n)).length % 4 === rem)!)
  const body = JSON.stringify(vpPayload([makeVc()]))
  const payload = body + ' '.repeat([0, 1, 2].find((n) => encodeBase64url(body + ' '.repeat(n)).length % 4 === rem)!)
  const parts = signRaw(KEYS.agent, header, payload).split('.')
  parts[part] = edit(parts[part]!)
  return parts.join('.')
}
// The last character with its unused low bits set (2 leftover characters carry 4, 3 carry 2).
const setUnusedBits = (text: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  return text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1)!) | 1]
}
const vcHeader = { alg: 'EdDSA', typ: 'JWT', kid: KEYS.agent.keyId }
const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)])

// [name, presentation, code]: each must be refused with exactly this code, as a value.
const CASES: Array<[string, unknown, string]> = [
  // Token and header
  ['not a string', 42, 'ERR_JWS_MALFORMED'],
  ['empty string', '', 'ERR_JWS_MALFORMED'],
  ['two parts', valid.split('.').slice(0, 2).join('.'), 'ERR_JWS_MALFORMED'],
  ['four parts', `${valid}.x`, 'ERR_JWS_MALFORMED'],
  ['alg none, no signature', `${encodeBase64url('{"alg":"none"}')}.${valid.split('.')[1]}.`, 'ERR_JWS_ALG'],
  ['alg HS256', vpWithHeader({ alg: 'HS256', typ: 'JWT' }), 'ERR_JWS_ALG'],
  ['alg ES256', vpWithHeader({ alg: 'ES256' }), 'ERR_JWS_ALG'],
  ['alg Ed25519 (not the JOSE name)', vpWithHeader({ alg: 'Ed25519' }), 'ERR_JWS_ALG'],
  ['alg missing', vpWithHeader({ typ: 'JWT' }), 'ERR_JWS_ALG'],
  ['embedded jwk header', vpWithHeader({ ...vcHeader, jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } }), 'ERR_JWS_HEADER'],
  ['jku header', vpWithHeader({ ...vcHeader, jku: 'https://evil.example/keys' }), 'ERR_JWS_HEADER'],
  ['x5u header', vpWithHeader({ ...vcHeader, x5u: 'https://evil.example/cert' }), 'ERR_JWS_HEADER'],
  ['x5c header', vpWithHeader({ ...vcHeader, x5c: ['MIIB'] }), 'ERR_JWS_HEADER'],
  ['crit header', vpWithHeader({ ...vcHeader, crit: ['exp'], exp: 1 }), 'ERR_JWS_HEADER'],
  ['b64 false header', vpWithHeader({ ...vcHeader, b64: false }), 'ERR_JWS_HEADER'],
  ['unknown header member', vpWithHeader({ ...vcHeader, foo: 1 }), 'ERR_JWS_HEADER'],
  ['typ not accepted', vpWithHeader({ ...vcHeader, typ: 'dpop+jwt' }), 'ERR_JWS_HEADER'],
  ['an access token where a presentation is expected', vpWithHeader({ ...vcHeader, typ: 'at+jwt' }), 'ERR_TYPE_CONFUSION'],
  ['duplicate alg in header', vpWithHeader('{"alg":"EdDSA","alg":"none"}'), 'ERR_JWS_MALFORMED'],
  ['kid of another DID', vpWithHeader({ alg: 'EdDSA', kid: KEYS.other.keyId }), 'ERR_JWS_HEADER'],
  ['kid fragment not the key', vpWithHeader({ alg: 'EdDSA', kid: `${KEYS.agent.did}#key-1` }), 'ERR_DID_INVALID'],
  // Encoding
  ['signature with padding', `${valid}==`, 'ERR_JWS_MALFORMED'],
  ['signature with non-zero trailing bits', withSignature(valid, valid.slice(valid.lastIndexOf('.') + 1).replace(/.$/, (c) => String.fromCharCode(c.charCodeAt(0) + 1))), 'ERR_JWS_MALFORMED'],
  ['payload in the standard alphabet', valid.replace(/-/g, '+').replace(/_/g, '/'), 'ERR_JWS_MALFORMED'],
  ['whitespace inside', valid.replace('.', ' .'), 'ERR_JWS_MALFORMED'],
  // Each part of the token must be canonical base64url (Node's decoder reads all of these).
  ['payload with padding', respelled(2, 1, (p) => `${p}==`), 'ERR_JWS_MALFORMED'],
  ['payload with non-zero unused bits (2 leftover characters)', respelled(2, 1, setUnusedBits), 'ERR_JWS_MALFORMED'],
  ['payload with non-zero unused bits (3 leftover characters)', respelled(3, 1, setUnusedBits), 'ERR_JWS_MALFORMED'],
  ['payload with a line feed inside', respelled(2, 1, (p) => `${p.slice(0, 10)}\n${p.slice(10)}`), 'ERR_JWS_MALFORMED'],
  ['payload with a "+" (standard alphabet) inside', respelled(2, 1, (p) => `${p.slice(0, 5)}+${p.slice(6)}`), 'ERR_JWS_MALFORMED'],
  ['payload with a "/" (standard alphabet) inside', respelled(3, 1, (p) => `${p.slice(0, 5)}/${p.slice(6)}`), 'ERR_JWS_MALFORMED'],
  ['payload of 4n + 1 characters', respelled(2, 1, (p) => `${p.slice(0, -2)}A`), 'ERR_JWS_MALFORMED'],
  ['header with padding', respelled(2, 0, (h) => `${h}==`), 'ERR_JWS_MALFORMED'],
  ['header with non-zero unused bits', respelled(3, 0, setUnusedBits), 'ERR_JWS_MALFORMED'],
  ['signature of 63 bytes', withSignature(valid, encodeBase64url(new Uint8Array(63))), 'ERR_SIGNATURE'],
  // JSON
  ['duplicate member in payload', signRaw(KEYS.agent, vcHeader, JSON.stringify(vpPayload([makeVc()])).replace('{', `{"aud":"${KEYS.other.did}",`)), 'ERR_JWS_MALFORMED'],
  ['__proto__ member in payload', signRaw(KEYS.agent, vcHeader, JSON.stringify(vpPayload([makeVc()])).replace('{', '{"__proto__":{"admin":true},')), 'ERR_JWS_MALFORMED'],
  ['payload nested too deep', makeVp([makeVc()], { extra: deep(40) }), 'ERR_JWS_MALFORMED'],
  ['presentation over the size cap', makeVp([makeVc()], { extra: 'x'.repeat(70_000) }), 'ERR_JWS_MALFORMED'],
  ['payload is an array', signRaw(KEYS.agent, vcHeader, '[1]'), 'ERR_JWS_MALFORMED'],
  // Signature and keys
  ['signature by another key under the holder kid', makeVp([makeVc()], {}, KEYS.other).replace(/^[^.]+/, valid.split('.')[0]!), 'ERR_SIGNATURE'],
  ['payload changed after signing', `${valid.split('.')[0]}.${encodeBase64url(JSON.stringify(vpPayload([makeVc()], { nonce: 'nonce-2' })))}.${valid.split('.')[2]}`, 'ERR_SIGNATURE'],
  ['S + L (malleated signature)', malleate(valid), 'ERR_SIGNATURE'],
  ['holder key of small order', signRaw(KEYS.agent, { alg: 'EdDSA' }, vpPayload([makeVc()], { iss: 'did:key:z6MkeXATEjyXENzBXBxgC5EHk2JE5aqd7qMGGtDpLUH1e2Sj' })), 'ERR_KEY_WEAK'],
  ['holder key non-canonical', signRaw(KEYS.agent, { alg: 'EdDSA' }, vpPayload([makeVc()], { iss: 'did:key:z6MkvUK5T7wX3YKPL8TakfM6vdwQQtkJSzV8fTKGdgosTh6E' })), 'ERR_KEY_WEAK'],
  ['holder not a did:key', makeVp([makeVc()], { iss: 'did:web:evil.example' }), 'ERR_DID_UNSUPPORTED'],
  ['iss missing', makeVp([makeVc()], { iss: undefined }), 'ERR_INPUT_INVALID'],
  // Type confusion
  ['a credential given as a presentation', makeVc(), 'ERR_TYPE_CONFUSION'],
  ['both vc and vp claims', makeVp([makeVc()], { vc: vcPayload().vc }), 'ERR_TYPE_CONFUSION'],
  ['vp type without VerifiablePresentation', makeVp([makeVc()], { vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], verifiableCredential: [makeVc()] } }), 'ERR_TYPE_CONFUSION'],
  ['a presentation inside a presentation', makeVp([makeVp()]), 'ERR_TYPE_CONFUSION'],
  // Audience
  ['audience another verifier', makeVp([makeVc()], { aud: KEYS.other.did }), 'ERR_VP_AUDIENCE'],
  ['audience missing', makeVp([makeVc()], { aud: undefined }), 'ERR_VP_AUDIENCE'],
  ['audience of two, one of them us', makeVp([makeVc()], { aud: [KEYS.verifier.did, KEYS.other.did] }), 'ERR_VP_AUDIENCE'],
  ['audience empty list', makeVp([makeVc()], { aud: [] }), 'ERR_VP_AUDIENCE'],
  // Nonce
  ['nonce for another challenge', makeVp([makeVc()], { nonce: 'nonce-2' }), 'ERR_VP_NONCE'],
  ['nonce missing', makeVp([makeVc()], { nonce: undefined }), 'ERR_VP_NONCE'],
  ['nonce not a string', makeVp([makeVc()], { nonce: 1 }), 'ERR_VP_NONCE'],
  // Presentation time
  ['presentation expired at the boundary', makeVp([makeVc()], { iat: S0 - 200, nbf: S0 - 200, exp: S0 - TOL }), 'ERR_VP_EXPIRED'],
  ['presentation lives longer than 5 minutes', makeVp([makeVc()], { exp: S0 + 301 }), 'ERR_VP_EXPIRED'],
  ['presentation not yet valid', makeVp([makeVc()], { iat: S0 + TOL + 1, nbf: S0 + TOL + 1, exp: S0 + TOL + 100 }), 'ERR_VP_EXPIRED'],
  ['presentation exp missing', makeVp([makeVc()], { exp: undefined }), 'ERR_INPUT_INVALID'],
  ['presentation exp null', makeVp([makeVc()], { exp: null }), 'ERR_INPUT_INVALID'],
  ['presentation exp string', makeVp([makeVc()], { exp: String(S0 + 60) }), 'ERR_INPUT_INVALID'],
  ['presentation exp in milliseconds', makeVp([makeVc()], { exp: T0 + 60_000 }), 'ERR_INPUT_INVALID'],
  ['presentation exp 0', makeVp([makeVc()], { exp: 0 }), 'ERR_VP_EXPIRED'],
  ['presentation without iat or nbf', makeVp([makeVc()], { iat: undefined, nbf: undefined }), 'ERR_INPUT_INVALID'],
  // Credentials inside a valid presentation
  ['no credentials', makeVp([]), 'ERR_INPUT_INVALID'],
  ['credential not a string', makeVp([{ id: 'x' } as unknown as string]), 'ERR_INPUT_INVALID'],
  ['tampered credential', makeVp([makeVc().replace(/.{4}$/, 'AAAA')]), 'ERR_SIGNATURE'],
  ['credential payload swapped under a valid signature', makeVp([`${makeVc().split('.')[0]}.${makeVc({ sub: KEYS.other.did }).split('.')[1]}.${makeVc().split('.')[2]}`]), 'ERR_SIGNATURE'],
  ['credential from an untrusted issuer', makeVp([makeVc({ iss: KEYS.otherIssuer.did }, {}, KEYS.otherIssuer)]), 'ERR_VC_ISSUER_UNTRUSTED'],
  ['credential signed by one issuer claiming another', makeVp([signRaw(KEYS.otherIssuer, { alg: 'EdDSA' }, vcPayload())]), 'ERR_SIGNATURE'],
  ['credential expired at the boundary', makeVp([makeVc({ exp: S0 - TOL })]), 'ERR_VC_EXPIRED'],
  ['credential not yet valid', makeVp([makeVc({ nbf: S0 + TOL + 1 })]), 'ERR_VC_NOT_YET_VALID'],
  ['credential exp missing', makeVp([makeVc({ exp: undefined })]), 'ERR_INPUT_INVALID'],
  ['credential exp null', makeVp([makeVc({ exp: null })]), 'ERR_INPUT_INVALID'],
  ['credential exp 0', makeVp([makeVc({ exp: 0, nbf: undefined })]), 'ERR_VC_EXPIRED'],
  ['credential exp string', makeVp([makeVc({ exp: String(S0 + 3600) })]), 'ERR_INPUT_INVALID'],
  ['credential exp in milliseconds', makeVp([makeVc({ exp: T0 + 3_600_000 })]), 'ERR_INPUT_INVALID'],
  ['credential exp fractional', makeVp([makeVc({ exp: S0 + 0.5 })]), 'ERR_INPUT_INVALID'],
  ['credential vc.issuer differs from iss', makeVp([makeVc({}, { issuer: KEYS.otherIssuer.did })]), 'ERR_VC_CLAIMS_MISMATCH'],
  ['credential vc.issuer.id differs from iss', makeVp([makeVc({}, { issuer: { id: KEYS.otherIssuer.did } })]), 'ERR_VC_CLAIMS_MISMATCH'],
  ['credentialSubject.id differs from sub', makeVp([makeVc({}, { credentialSubject: { ...(vcPayload().vc as { credentialSubject: object }).credentialSubject, id: KEYS.other.did } })]), 'ERR_VC_CLAIMS_MISMATCH'],
  ['credential vc.id differs from jti', makeVp([makeVc({}, { id: 'urn:uuid:other' })]), 'ERR_VC_CLAIMS_MISMATCH'],
  ['credential without jti', makeVp([makeVc({ jti: undefined })]), 'ERR_INPUT_INVALID'],
  ['credential of another type', makeVp([makeVc({}, { type: ['VerifiableCredential', 'UniversityDegreeCredential'] })]), 'ERR_TYPE_CONFUSION'],
  ['credential with malformed entitlements', makeVp([makeVc({}, { credentialSubject: { agent: { name: 'x', kind: 'company', owner: 'ops' }, entitlements: [{ resource: 'db:*x', actions: ['read'] }] } })]), 'ERR_INPUT_INVALID'],
  ['holder is not the subject', makeVp([makeVc({ sub: KEYS.other.did })]), 'ERR_VP_HOLDER_BINDING'],
  ['vp.holder differs from the signer', makeVp([makeVc()], { vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], holder: KEYS.other.did, verifiableCredential: [makeVc()] } }), 'ERR_VP_HOLDER_BINDING'],
  ['stolen presentation re-signed by the thief', makeVp([makeVc()], {}, KEYS.other), 'ERR_JWS_HEADER'],
  ['stolen credential presented by the thief', makeVp([makeVc()], { iss: KEYS.other.did }, KEYS.other), 'ERR_VP_HOLDER_BINDING'],
  ['credential with a status entry and no status source', makeVp([makeVc({}, { credentialStatus: { id: 'https://i.example/status/1#5', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: 'https://i.example/status/1' } })]), 'ERR_STATUS_UNAVAILABLE'],
]

describe('verifyPresentation: hostile input is refused with its code', () => {
  it('accepts the valid presentation the cases are built from', async () => {
    const result = await verifier().verifyPresentation(valid, { challenge: 'nonce-1' })
    assert.equal(result.ok, true, JSON.stringify(result))
  })

  for (const [name, input, code] of CASES) {
    it(name, async () => {
      const result = await verifier().verifyPresentation(input, { challenge: 'nonce-1' })
      assert.equal(result.ok, false)
      assert.equal(result.ok === false && result.code, code, result.ok ? '' : result.message)
    })
  }

  it('accepts one second inside each time boundary', async () => {
    for (const vp of [
      makeVp([makeVc({ exp: S0 - TOL + 1 })]),
      makeVp([makeVc({ nbf: S0 + TOL })]),
      makeVp([makeVc()], { iat: S0 - 200, nbf: S0 - 200, exp: S0 - TOL + 1 }),
      makeVp([makeVc()], { iat: S0 + TOL, nbf: S0 + TOL, exp: S0 + TOL + 300 }),
    ]) {
      const result = await verifier().verifyPresentation(vp, { challenge: 'nonce-1' })
      assert.equal(result.ok, true, result.ok ? '' : result.message)
    }
  })

  it('throws only for a caller mistake', async () => {
    await assert.rejects(verifier().verifyPresentation(valid, undefined as unknown as { challenge: string }), { code: 'ERR_USAGE' })
  })
})

describe('challenges and replay', () => {
  it('accepts a challenge this verifier issued, once', async () => {
    const v = verifier({ externalChallenges: false })
    const challenge = v.challenge()
    const vp = makeVp([makeVc()], { nonce: challenge })
    assert.equal((await v.verifyPresentation(vp, { challenge })).ok, true)
    const again = await v.verifyPresentation(vp, { challenge })
    assert.equal(again.ok === false && again.code, 'ERR_VP_REPLAY')
    // A new presentation over the used challenge is refused too.
    const second = await v.verifyPresentation(makeVp([makeVc()], { nonce: challenge, jti: 'urn:uuid:other' }), { challenge })
    assert.equal(second.ok === false && second.code, 'ERR_VP_REPLAY')
  })

  it('refuses a challenge it never issued, and an expired one', async () => {
    let now = T0
    const v = verifier({ externalChallenges: false, now: () => now, challengeTtl: 30 })
    const unknown = await v.verifyPresentation(makeVp([makeVc()], { nonce: 'made-up' }), { challenge: 'made-up' })
    assert.equal(unknown.ok === false && unknown.code, 'ERR_VP_NONCE')
    const challenge = v.challenge()
    now += 31_000
    const late = await v.verifyPresentation(makeVp([makeVc()], { nonce: challenge }), { challenge })
    assert.equal(late.ok === false && late.code, 'ERR_VP_NONCE')
  })

  it('refuses the same presentation twice with external challenges', async () => {
    const v = verifier()
    assert.equal((await v.verifyPresentation(valid, { challenge: 'nonce-1' })).ok, true)
    const again = await v.verifyPresentation(valid, { challenge: 'nonce-1' })
    assert.equal(again.ok === false && again.code, 'ERR_VP_REPLAY')
  })

  it('issues distinct unpredictable challenges', () => {
    const v = verifier({ externalChallenges: false })
    const seen = new Set(Array.from({ length: 100 }, () => v.challenge()))
    assert.equal(seen.size, 100)
    for (const c of seen) assert.match(c, /^[A-Za-z0-9_-]{51}$/)
  })

  // Property 7: a verifier keeps no state per challenge issued, so no flood of challenge requests
  // can push out the ones already given (a store of the newest 10,000 could be flushed).
  it('keeps a challenge good however many challenges are issued after it', async () => {
    const v = verifier({ externalChallenges: false })
    const first = v.challenge()
    for (let i = 0; i < 20_000; i++) v.challenge()
    assert.equal((await v.verifyPresentation(makeVp([makeVc()], { nonce: first }), { challenge: first })).ok, true)
  })

  it('refuses a challenge with a forged MAC, a moved expiry, another spelling, or from another verifier', async () => {
    let now = T0
    const v = verifier({ externalChallenges: false, now: () => now, challengeTtl: 30 })
    const challenge = v.challenge()
    const bytes = Buffer.from(challenge, 'base64url')
    const flip = (at: number) => {
      const b = Buffer.from(bytes)
      b[at]! ^= 1
      return b.toString('base64url')
    }
    const later = Buffer.from(bytes)
    later.writeUIntBE(T0 + 3_600_000, 16, 6) // an hour's life, MAC unchanged
    const otherVerifier = verifier({ externalChallenges: false, now: () => now }).challenge()
    // The last character of 51 carries 2 unused bits: another spelling of the same bytes.
    const last = challenge.at(-1)!
    const respelled = challenge.slice(0, -1) + ('AQgw'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last)
    const CASES: Array<[string, string]> = [
      ['random part changed', flip(0)], ['expiry changed', flip(20)], ['MAC changed', flip(37)],
      ['expiry extended', later.toString('base64url')], ['issued by another verifier', otherVerifier],
      ['too short', challenge.slice(0, 50)], ['padded', `${challenge}=`],
    ]
    if (respelled !== challenge) CASES.push(['another spelling of the same bytes', respelled])
    for (const [name, nonce] of CASES) {
      const r = await v.verifyPresentation(makeVp([makeVc()], { nonce }), { challenge: nonce })
      assert.equal(r.ok === false && r.code, 'ERR_VP_NONCE', name)
    }
    now += 29_000
    assert.equal((await v.verifyPresentation(makeVp([makeVc()], { nonce: challenge }), { challenge })).ok, true, 'the genuine one, untouched by the refusals')
  })

  it('gives a challenge back when its presentation is refused, and keeps it once one is accepted', async () => {
    const v = verifier({ externalChallenges: false })
    const challenge = v.challenge()
    // A stranger answers first with a presentation this verifier refuses (untrusted issuer): the
    // challenge is not burnt for its rightful holder.
    const refused = await v.verifyPresentation(makeVp([makeVc({ iss: KEYS.otherIssuer.did }, {}, KEYS.otherIssuer)], { nonce: challenge }), { challenge })
    assert.equal(refused.ok === false && refused.code, 'ERR_VC_ISSUER_UNTRUSTED')
    assert.equal((await v.verifyPresentation(makeVp([makeVc()], { nonce: challenge, jti: 'urn:uuid:second' }), { challenge })).ok, true)
    const third = await v.verifyPresentation(makeVp([makeVc()], { nonce: challenge, jti: 'urn:uuid:third' }), { challenge })
    assert.equal(third.ok === false && third.code, 'ERR_VP_REPLAY')
  })

  it('refuses answers past replayCacheSize live answered challenges rather than forget one', async () => {
    let now = T0
    const v = verifier({ externalChallenges: false, now: () => now, replayCacheSize: 2, challengeTtl: 60 })
    const challenges = [v.challenge(), v.challenge(), v.challenge()]
    for (const [i, c] of challenges.slice(0, 2).entries()) assert.equal((await v.verifyPresentation(makeVp([makeVc()], { nonce: c, jti: `j-${i}` }), { challenge: c })).ok, true)
    const full = await v.verifyPresentation(makeVp([makeVc()], { nonce: challenges[2], jti: 'j-2' }), { challenge: challenges[2]! })
    assert.equal(full.ok === false && full.code, 'ERR_VP_REPLAY')
    // Once the answered challenges (and their presentations) have expired, there is room again.
    now += 200_000
    const fresh = v.challenge()
    assert.equal((await v.verifyPresentation(makeVp([makeVc()], { nonce: fresh, jti: 'j-3', iat: S0 + 200, nbf: S0 + 200, exp: S0 + 300 }), { challenge: fresh })).ok, true)
  })
})

describe('trusted issuers scoped to resources', () => {
  it('accepts an issuer only for the patterns it may grant', async () => {
    const scoped = verifier({ trustedIssuers: [{ did: KEYS.issuer.did, resources: ['db:customers', 'crm:*'.replace('*', 'accounts/*')] }] })
    assert.equal((await scoped.verifyPresentation(valid, { challenge: 'nonce-1' })).ok, true)
    const narrow = verifier({ trustedIssuers: [{ did: KEYS.issuer.did, resources: ['db:customers'] }] })
    const result = await narrow.verifyPresentation(valid, { challenge: 'nonce-1' })
    assert.equal(result.ok === false && result.code, 'ERR_VC_ISSUER_UNTRUSTED')
  })
})

describe('verifyCredential', () => {
  it('checks a lone credential and refuses a presentation', async () => {
    const v = verifier()
    const ok = await v.verifyCredential(makeVc())
    assert.equal(ok.ok, true)
    const vp = await v.verifyCredential(valid)
    assert.equal(vp.ok === false && vp.code, 'ERR_TYPE_CONFUSION')
    const expired = await v.verifyCredential(makeVc({ nbf: S0 - 7200, exp: S0 - 3600 }))
    assert.equal(expired.ok === false && expired.code, 'ERR_VC_EXPIRED')
  })

  it('re-checks time and trust for a cached credential', async () => {
    let now = T0
    const v = verifier({ now: () => now })
    const vc = makeVc()
    assert.equal((await v.verifyCredential(vc)).ok, true)
    now = T0 + 3600_000 + TOL * 1000
    const later = await v.verifyCredential(vc)
    assert.equal(later.ok === false && later.code, 'ERR_VC_EXPIRED')
  })
})

describe('authorize', () => {
  async function verified(now = T0) {
    const v = verifier({ now: () => now })
    const result = await v.verifyPresentation(valid, { challenge: 'nonce-1' })
    assert.equal(result.ok, true)
    return { v, result }
  }

  const REQUESTS: Array<[string, Parameters<ReturnType<typeof verifier>['authorize']>[1], string | true]> = [
    ['allowed read with purpose, network and count', { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.20.3.4', records: 10 } }, true],
    ['allowed under a wildcard', { resource: 'crm:accounts/eu/42', action: 'list' }, true],
    ['action not granted', { resource: 'db:customers', action: 'delete', purpose: 'monthly-report', context: { ip: '10.20.3.4', records: 1 } }, 'ERR_NOT_ENTITLED'],
    ['resource not granted (HR records)', { resource: 'db:hr-records', action: 'read' }, 'ERR_NOT_ENTITLED'],
    ['wildcard does not cover its own base', { resource: 'crm:accounts', action: 'read' }, 'ERR_NOT_ENTITLED'],
    ['wrong purpose', { resource: 'db:customers', action: 'read', purpose: 'marketing', context: { ip: '10.20.3.4', records: 1 } }, 'ERR_PURPOSE'],
    ['no purpose where one is required', { resource: 'db:customers', action: 'read', context: { ip: '10.20.3.4', records: 1 } }, 'ERR_PURPOSE'],
    ['too many records', { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.20.3.4', records: 5001 } }, 'ERR_CONSTRAINT'],
    ['outside the network', { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.21.0.1', records: 1 } }, 'ERR_CONSTRAINT'],
    ['no source address', { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { records: 1 } }, 'ERR_CONSTRAINT'],
    ['malformed resource', { resource: 'db:../etc', action: 'read' }, 'ERR_INPUT_INVALID'],
  ]

  for (const [name, request, expected] of REQUESTS) {
    it(name, async () => {
      const { v, result } = await verified()
      const decision = v.authorize(result, request)
      if (expected === true) assert.equal(decision.allow, true, decision.allow ? '' : decision.message)
      else assert.equal(!decision.allow && decision.code, expected)
    })
  }

  it('denies once the credential has expired, even for a verified presentation', async () => {
    let now = T0
    const v = verifier({ now: () => now })
    const result = await v.verifyPresentation(valid, { challenge: 'nonce-1' })
    now = T0 + (3600 + TOL) * 1000
    const decision = v.authorize(result, { resource: 'crm:accounts/1', action: 'read' })
    assert.equal(!decision.allow && decision.code, 'ERR_VC_EXPIRED')
  })

  it('passes a failed verification through', async () => {
    const v = verifier()
    const result = await v.verifyPresentation('nope', { challenge: 'nonce-1' })
    const decision = v.authorize(result, { resource: 'crm:accounts/1', action: 'read' })
    assert.equal(!decision.allow && decision.code, 'ERR_JWS_MALFORMED')
  })

  it('denies an entitlement whose constraint this verifier does not understand', async () => {
    const vp = makeVp([makeVc({}, { credentialSubject: { agent: { name: 'x', kind: 'service', owner: 'ops' }, entitlements: [{ resource: 'db:x', actions: ['read'], constraints: { geofence: 'eu' } }] } })])
    const v = verifier()
    const result = await v.verifyPresentation(vp, { challenge: 'nonce-1' })
    assert.equal(result.ok, true)
    const decision = v.authorize(result, { resource: 'db:x', action: 'read' })
    assert.equal(!decision.allow && decision.code, 'ERR_CONSTRAINT')
  })
})

describe('options', () => {
  it('refuses a clock tolerance above 300 seconds and a bad DID', () => {
    assert.throws(() => verifier({ clockTolerance: 301 }), { code: 'ERR_USAGE' })
    assert.throws(() => verifier({ did: 'did:web:x' }), { code: 'ERR_DID_UNSUPPORTED' })
    assert.throws(() => verifier({ trustedIssuers: ['did:key:zBad'] }), (e: { code?: string }) => String(e.code).startsWith('ERR_DID'))
  })

  it('signs presentations with the agent library that this verifier accepts', async () => {
    const jwt = signJwt(KEYS.agent, vpPayload([makeVc()]))
    assert.equal((await verifier().verifyPresentation(jwt, { challenge: 'nonce-1' })).ok, true)
  })
})

describe('hardening (review findings)', () => {
  it('cannot be flushed: refused presentations do not evict the record of an accepted one', async () => {
    const v = verifier({ replayCacheSize: 3 })
    assert.equal((await v.verifyPresentation(valid, { challenge: 'nonce-1' })).ok, true)
    // Junk signed by the attacker's own key, with a credential that fails: each is refused and
    // leaves nothing behind.
    for (let i = 0; i < 10; i++) {
      const junk = makeVp([makeVc({ iss: KEYS.otherIssuer.did, sub: KEYS.other.did }, {}, KEYS.otherIssuer)], { iss: KEYS.other.did, jti: `junk-${i}` }, KEYS.other)
      assert.equal((await v.verifyPresentation(junk, { challenge: 'nonce-1' })).ok, false)
    }
    const again = await v.verifyPresentation(valid, { challenge: 'nonce-1' })
    assert.equal(again.ok === false && again.code, 'ERR_VP_REPLAY')
  })

  it('fails closed when the replay cache is full of live presentations, and recovers as they expire', async () => {
    let now = T0
    const v = verifier({ replayCacheSize: 2, now: () => now })
    for (let i = 0; i < 2; i++) assert.equal((await v.verifyPresentation(makeVp([makeVc()], { jti: `p-${i}` }), { challenge: 'nonce-1' })).ok, true)
    const third = makeVp([makeVc()], { jti: 'p-2' })
    const full = await v.verifyPresentation(third, { challenge: 'nonce-1' })
    assert.equal(full.ok === false && full.code, 'ERR_VP_REPLAY')
    now = T0 + (120 + TOL + 1) * 1000
    const later = makeVp([makeVc()], { jti: 'p-3', iat: S0 + 181, nbf: S0 + 181, exp: S0 + 300 })
    assert.equal((await v.verifyPresentation(later, { challenge: 'nonce-1' })).ok, true)
  })

  it('caches a credential from its second sighting on, frozen, so a caller cannot widen a cached grant', async () => {
    const v = verifier()
    const credential = makeVc()
    // First sighting: not cached, so the result is the caller's alone; editing it changes nothing later.
    const first = await v.verifyPresentation(makeVp([credential], { jti: 'a' }), { challenge: 'nonce-1' })
    assert.ok(first.ok)
    assert.equal(Object.isFrozen(first.credentials[0]), false)
    ;(first.credentials[0]!.entitlements as unknown as object[]).push({ resource: 'db:hr/*', actions: ['delete'] })
    // Second sighting: cached, and frozen.
    const second = await v.verifyPresentation(makeVp([credential], { jti: 'b' }), { challenge: 'nonce-1' })
    assert.ok(second.ok)
    assert.notEqual(second.credentials[0], first.credentials[0])
    assert.throws(() => (second.credentials[0]!.entitlements as unknown as object[]).push({ resource: 'db:hr/*', actions: ['delete'] }), TypeError)
    const actions = second.credentials[0]!.entitlements[0]!.actions
    assert.equal(Reflect.set(actions, 0, 'delete'), false)
    assert.equal(actions[0], 'read')
    // Third: the same cached object, unchanged.
    const third = await v.verifyPresentation(makeVp([credential], { jti: 'c' }), { challenge: 'nonce-1' })
    assert.ok(third.ok)
    assert.equal(third.credentials[0], second.credentials[0])
    const decision = v.authorize(third, { resource: 'db:hr/payroll', action: 'delete' })
    assert.equal(!decision.allow && decision.code, 'ERR_NOT_ENTITLED')
  })

  it('does not take a changed credential for its cached original (same signature, other bytes)', async () => {
    const v = verifier()
    const credential = makeVc()
    for (const jti of ['a', 'b', 'c']) assert.ok((await v.verifyPresentation(makeVp([credential], { jti }), { challenge: 'nonce-1' })).ok)
    const [h, p, sig] = credential.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString())
    payload.vc.credentialSubject.entitlements[0].actions = ['delete']
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`
    const result = await v.verifyPresentation(makeVp([forged], { jti: 'd' }), { challenge: 'nonce-1' })
    assert.equal(!result.ok && result.code, 'ERR_SIGNATURE')
  })

  it('answers ill-typed request contexts with a code, never an exception', async () => {
    const v = verifier()
    const result = await v.verifyPresentation(valid, { challenge: 'nonce-1' })
    for (const context of [{ time: '2026-11-30T09:00:00Z' }, { time: Number.NaN }, { time: new Date('nope') }, { ip: 167772161 }, { records: '10' }, { records: -1 }, 'ctx']) {
      const decision = v.authorize(result, { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context } as never)
      assert.equal(!decision.allow && decision.code, 'ERR_INPUT_INVALID', JSON.stringify(context))
    }
  })

  it('refuses a DID URL where a DID is required (iss, sub)', async () => {
    const asUrl = (did: string) => `${did}#${did.slice(8)}`
    for (const vp of [
      makeVp([makeVc()], { iss: asUrl(KEYS.agent.did) }),
      makeVp([makeVc({ iss: asUrl(KEYS.issuer.did) })]),
      makeVp([makeVc({ sub: asUrl(KEYS.agent.did) })]),
    ]) {
      const result = await verifier().verifyPresentation(vp, { challenge: 'nonce-1' })
      assert.equal(result.ok === false && result.code, 'ERR_DID_INVALID')
    }
  })

  it('refuses a token whose typ names the other kind', async () => {
    const vc = signRaw(KEYS.issuer, { alg: 'EdDSA', typ: 'vp+jwt' }, vcPayload())
    const result = await verifier().verifyPresentation(makeVp([vc]), { challenge: 'nonce-1' })
    assert.equal(result.ok === false && result.code, 'ERR_TYPE_CONFUSION')
  })

  it('refuses bad options with ERR_USAGE or ERR_INPUT_INVALID', () => {
    for (const bad of [{ challengeTtl: Number.NaN }, { challengeTtl: Infinity }, { credentialCacheSize: -1 }, { replayCacheSize: 0 }, { statusLists: {} as never }, { statusLists: 'skip' as never }]) {
      assert.throws(() => verifier(bad), { code: 'ERR_USAGE' }, JSON.stringify(bad))
    }
    assert.throws(() => verifier({ trustedIssuers: [{ did: KEYS.issuer.did, resources: ['crm:x/*'] }, KEYS.issuer.did] }), { code: 'ERR_INPUT_INVALID' })
  })

  it('treats any status answer but ok: true as a refusal', async () => {
    const entry = { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '1', statusListCredential: 'https://i.example/s' } }
    for (const answer of [{ ok: 'yes' }, {}, undefined, { ok: false, code: 'ERR_NOT_A_CODE', message: 'x' }]) {
      const v = verifier({ statusLists: { check: () => answer as never } })
      const result = await v.verifyPresentation(makeVp([makeVc({}, entry)]), { challenge: 'nonce-1' })
      assert.equal(result.ok === false && result.code, 'ERR_STATUS_UNAVAILABLE', JSON.stringify(answer))
    }
  })
})
