import assert from 'node:assert/strict'
import { createHash, createPublicKey, sign, verify } from 'node:crypto'
import { agentKeyFromSeed } from '@agentid/agent'
import { decodeBase64url, didKeyFromPublicKey, isAgentIdError, isStrictBase64url, type ErrorCode } from '@agentid/core'
import { decodeJwt, jwtSignatureValid, resolveDidKey, resolveKeyId, verifyEd25519, type JwtLimits } from '@agentid/verifier'
import { describeWithVectors, readVectorJson } from '../../../test/support/vectors.js'


const b64u = (data: string | Uint8Array): string => Buffer.from(data).toString('base64url')

interface Rfc8037File {
  readonly 'A.1_private_key_hex': string
  readonly 'A.2_public_key_hex': string
  readonly 'A.2_public_key_jwk': { readonly x: string }
  readonly 'A.3_thumbprint_input': string
  readonly 'A.3_thumbprint_sha256_b64url': string
  readonly 'A.4_protected_header': string
  readonly 'A.4_protected_header_b64url': string
  readonly 'A.4_payload': string
  readonly 'A.4_payload_b64url': string
  readonly 'A.4_signing_input': string
  readonly 'A.4_signature_b64url': string
  readonly 'A.4_compact_jws': string
  readonly 'A.5_validation': { readonly jws: string; readonly expected: string }
  readonly derived_negative_cases_NOT_from_RFC: ReadonlyArray<{ name: string; jws: string; nodeCryptoRawVerify: boolean }>
}

// Why each derived negative is refused: a part that is not canonical base64url, or (every part
// canonical) a signature that does not verify. `lax` marks the signature respellings that Node's
// Buffer.from(s, 'base64url') decodes to the original signature bytes anyway.
const RFC8037_NEGATIVES: ReadonlyArray<readonly [prefix: string, reason: 'base64url' | 'signature', lax: boolean]> = [
  ['payload modified', 'base64url', false], // the new last char also sets unused trailing bits
  ['alg header changed to none', 'signature', false],
  ['signature truncated by one byte', 'signature', false],
  ['signature with standard-base64 padding', 'base64url', true],
  ['signature last char g->h', 'base64url', true],
  ['signature with standard base64 alphabet', 'base64url', true],
  ['header segment with whitespace', 'base64url', false],
]

describeWithVectors('JWS: RFC 8037 appendix A (Ed25519)', () => {
  const f = readVectorJson<Rfc8037File>('rfc8037/rfc8037-appendixA-ed25519.json')
  const publicKey = (): Buffer => Buffer.from(f['A.2_public_key_hex'], 'hex')
  const strictKey = () => resolveDidKey(didKeyFromPublicKey(publicKey()).did)

  it('A.1/A.2: the seed gives the public key x', () => {
    const key = agentKeyFromSeed(Buffer.from(f['A.1_private_key_hex'], 'hex'))
    assert.equal(Buffer.from(key.publicKey).toString('hex'), f['A.2_public_key_hex'])
    assert.equal(b64u(key.publicKey), f['A.2_public_key_jwk'].x)
  })

  it('A.3: JWK thumbprint', () => {
    assert.equal(createHash('sha256').update(f['A.3_thumbprint_input']).digest('base64url'), f['A.3_thumbprint_sha256_b64url'])
  })

  it('A.4: signing reproduces the compact JWS byte for byte', () => {
    const key = agentKeyFromSeed(Buffer.from(f['A.1_private_key_hex'], 'hex'))
    const header = b64u(JSON.stringify({ alg: 'EdDSA' }))
    assert.equal(header, f['A.4_protected_header_b64url'])
    assert.equal(Buffer.from(header, 'base64url').toString(), f['A.4_protected_header'])
    const payload = b64u(f['A.4_payload'])
    assert.equal(payload, f['A.4_payload_b64url'])
    const signingInput = `${header}.${payload}`
    assert.equal(signingInput, f['A.4_signing_input'])
    const signature = sign(null, Buffer.from(signingInput), key.privateKey)
    assert.equal(b64u(signature), f['A.4_signature_b64url'])
    assert.equal(`${signingInput}.${b64u(signature)}`, f['A.4_compact_jws'])
  })

  it('A.5: the JWS verifies with verifyEd25519', () => {
    assert.equal(f['A.5_validation'].expected, 'valid')
    const parts = f['A.5_validation'].jws.split('.')
    assert.equal(parts.length, 3)
    assert.ok(parts.every(isStrictBase64url))
    const signature = decodeBase64url(parts[2]!)
    assert.equal(verifyEd25519(strictKey(), Buffer.from(`${parts[0]}.${parts[1]}`), signature), true)
  })

  it('has exactly the 7 derived negatives this table names', () => {
    const names = f.derived_negative_cases_NOT_from_RFC.map((c) => c.name)
    assert.equal(names.length, RFC8037_NEGATIVES.length)
    for (const [prefix] of RFC8037_NEGATIVES) assert.equal(names.filter((n) => n.startsWith(prefix)).length, 1, prefix)
  })

  for (const [prefix, reason, lax] of RFC8037_NEGATIVES) {
    it(`derived negative "${prefix}": rejected (${reason})${lax ? '; Node base64url alone decodes it to the valid signature' : ''}`, () => {
      const c = f.derived_negative_cases_NOT_from_RFC.find((n) => n.name.startsWith(prefix))!
      const parts = c.jws.split('.')
      assert.equal(parts.length, 3)
      const [header, payload, sig] = parts as [string, string, string]
      const canonical = parts.every(isStrictBase64url)
      assert.equal(canonical ? 'signature' : 'base64url', reason)
      if (canonical) {
        assert.equal(verifyEd25519(strictKey(), Buffer.from(`${header}.${payload}`), decodeBase64url(sig)), false)
      } else {
        const bad = parts.find((p) => !isStrictBase64url(p))!
        assert.throws(() => decodeBase64url(bad, 'ERR_JWS_MALFORMED'), { code: 'ERR_JWS_MALFORMED' })
      }
      // What a verifier on Node's lax decoder alone would answer; the file records the same.
      const laxSignature = Buffer.from(sig, 'base64url')
      const nodeKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: f['A.2_public_key_jwk'].x }, format: 'jwk' })
      assert.equal(verify(null, Buffer.from(`${header}.${payload}`), nodeKey, laxSignature), c.nodeCryptoRawVerify)
      const respelled = sig !== f['A.4_signature_b64url'] && laxSignature.equals(Buffer.from(f['A.4_signature_b64url'], 'base64url'))
      assert.equal(respelled, lax)
      assert.equal(c.nodeCryptoRawVerify, lax)
    })
  }

  it('decodeJwt refuses the alg-none variant as ERR_JWS_ALG', () => {
    const c = f.derived_negative_cases_NOT_from_RFC.find((n) => n.name.startsWith('alg header changed to none'))!
    assert.throws(() => decodeJwt(c.jws, { maxLength: 4096, maxDepth: 8 }, 'token'), { code: 'ERR_JWS_ALG' })
  })
})

// ---------------------------------------------------------------------------------------------

const LIMITS: JwtLimits = { maxLength: 4096, maxDepth: 8 }
const SIG = b64u(Buffer.alloc(64, 7))
const ED = '{"alg":"EdDSA"}'
const PAYLOAD = '{"iss":"did:key:z6Mk","n":1}'

/** A compact JWS from raw header and payload text (so that duplicates survive) and a signature. */
function jws(header: string | Buffer, payload: string | Buffer = PAYLOAD, sig = SIG): string {
  return `${b64u(header)}.${b64u(payload)}.${sig}`
}

/** The same part with one unused trailing bit set: a second spelling of the same bytes. */
function withTrailingBit(part: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  assert.notEqual(part.length % 4, 0)
  return part.slice(0, -1) + alphabet[alphabet.indexOf(part.slice(-1)) | 1]!
}

const nested = (depth: number): string => `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`
// 64 bytes whose base64url holds both '-' and '_' (standard base64: '+' and '/').
const SIG_SYMBOLS = b64u(Buffer.alloc(64, 0xfb))
const PAYLOAD_B64 = b64u(PAYLOAD)
const HEADER_B64 = b64u(ED)

const DECODE_CASES: ReadonlyArray<readonly [name: string, token: unknown, code: ErrorCode]> = [
  ['alg none', jws('{"alg":"none"}'), 'ERR_JWS_ALG'],
  ['alg NONE', jws('{"alg":"NONE"}'), 'ERR_JWS_ALG'],
  ['alg HS256', jws('{"alg":"HS256"}'), 'ERR_JWS_ALG'],
  ['alg RS256', jws('{"alg":"RS256"}'), 'ERR_JWS_ALG'],
  ['alg ES256', jws('{"alg":"ES256"}'), 'ERR_JWS_ALG'],
  ['alg Ed25519 (fully specified, not EdDSA)', jws('{"alg":"Ed25519"}'), 'ERR_JWS_ALG'],
  ['alg eddsa (case differs)', jws('{"alg":"eddsa"}'), 'ERR_JWS_ALG'],
  ['alg as an array', jws('{"alg":["EdDSA"]}'), 'ERR_JWS_ALG'],
  ['alg missing', jws('{"typ":"JWT"}'), 'ERR_JWS_ALG'],
  ['header jwk', jws('{"alg":"EdDSA","jwk":{"kty":"OKP"}}'), 'ERR_JWS_HEADER'],
  ['header jku', jws('{"alg":"EdDSA","jku":"https://example.com/jwks"}'), 'ERR_JWS_HEADER'],
  ['header x5u', jws('{"alg":"EdDSA","x5u":"https://example.com/cert"}'), 'ERR_JWS_HEADER'],
  ['header x5c', jws('{"alg":"EdDSA","x5c":["MIIB"]}'), 'ERR_JWS_HEADER'],
  ['header crit', jws('{"alg":"EdDSA","crit":["exp"],"exp":1}'), 'ERR_JWS_HEADER'],
  ['header b64 false', jws('{"alg":"EdDSA","b64":false,"crit":["b64"]}'), 'ERR_JWS_HEADER'],
  ['header unknown member', jws('{"alg":"EdDSA","foo":1}'), 'ERR_JWS_HEADER'],
  ['typ not accepted', jws('{"alg":"EdDSA","typ":"dpop+jwt"}'), 'ERR_JWS_HEADER'],
  ['typ not a string', jws('{"alg":"EdDSA","typ":1}'), 'ERR_JWS_HEADER'],
  ['kid not a string', jws('{"alg":"EdDSA","kid":1}'), 'ERR_JWS_HEADER'],
  ['not a string', 42, 'ERR_JWS_MALFORMED'],
  ['one part', HEADER_B64, 'ERR_JWS_MALFORMED'],
  ['two parts', `${HEADER_B64}.${PAYLOAD_B64}`, 'ERR_JWS_MALFORMED'],
  ['four parts', `${jws(ED)}.${SIG}`, 'ERR_JWS_MALFORMED'],
  ['all parts empty', '..', 'ERR_JWS_MALFORMED'],
  ['empty header', `.${PAYLOAD_B64}.${SIG}`, 'ERR_JWS_MALFORMED'],
  ['empty payload', `${HEADER_B64}..${SIG}`, 'ERR_JWS_MALFORMED'],
  ['padded payload', `${HEADER_B64}.${PAYLOAD_B64}${'='.repeat(4 - (PAYLOAD_B64.length % 4))}.${SIG}`, 'ERR_JWS_MALFORMED'],
  ['padded signature', `${HEADER_B64}.${PAYLOAD_B64}.${SIG}==`, 'ERR_JWS_MALFORMED'],
  ["'+' in signature", `${HEADER_B64}.${PAYLOAD_B64}.${SIG_SYMBOLS.replaceAll('-', '+')}`, 'ERR_JWS_MALFORMED'],
  ["'/' in signature", `${HEADER_B64}.${PAYLOAD_B64}.${SIG_SYMBOLS.replaceAll('_', '/')}`, 'ERR_JWS_MALFORMED'],
  ['space in payload', `${HEADER_B64}.${PAYLOAD_B64.slice(0, 4)} ${PAYLOAD_B64.slice(4)}.${SIG}`, 'ERR_JWS_MALFORMED'],
  ['tab in header', `${HEADER_B64.slice(0, 4)}\t${HEADER_B64.slice(4)}.${PAYLOAD_B64}.${SIG}`, 'ERR_JWS_MALFORMED'],
  ['trailing newline', `${jws(ED)}\n`, 'ERR_JWS_MALFORMED'],
  ['non-zero trailing bits in payload', `${HEADER_B64}.${withTrailingBit(PAYLOAD_B64)}.${SIG}`, 'ERR_JWS_MALFORMED'],
  ['non-zero trailing bits in signature', `${HEADER_B64}.${PAYLOAD_B64}.${withTrailingBit(SIG)}`, 'ERR_JWS_MALFORMED'],
  ['non-zero trailing bits in header', jws('{"alg":"EdDSA" }').replace(/^[^.]+/, (h) => withTrailingBit(h)), 'ERR_JWS_MALFORMED'],
  ['duplicate header member', jws('{"alg":"EdDSA","alg":"EdDSA"}'), 'ERR_JWS_MALFORMED'],
  ['duplicate header member, escaped', jws('{"alg":"EdDSA","\\u0061lg":"none"}'), 'ERR_JWS_MALFORMED'],
  ['duplicate payload member', jws(ED, '{"sub":"a","sub":"b"}'), 'ERR_JWS_MALFORMED'],
  ['__proto__ in header', jws('{"alg":"EdDSA","__proto__":{}}'), 'ERR_JWS_MALFORMED'],
  ['__proto__ in payload', jws(ED, '{"__proto__":{"admin":true}}'), 'ERR_JWS_MALFORMED'],
  ['__proto__ nested in payload', jws(ED, '{"vc":{"__proto__":{"admin":true}}}'), 'ERR_JWS_MALFORMED'],
  ['__proto__ escaped in payload', jws(ED, '{"\\u005f_proto__":{}}'), 'ERR_JWS_MALFORMED'],
  ['payload deeper than maxDepth', jws(ED, nested(LIMITS.maxDepth + 1)), 'ERR_JWS_MALFORMED'],
  ['header nested', jws('{"alg":"EdDSA","kid":{"a":{}}}'), 'ERR_JWS_MALFORMED'],
  ['token longer than maxLength', jws(ED, JSON.stringify({ pad: 'x'.repeat(LIMITS.maxLength) })), 'ERR_JWS_MALFORMED'],
  ['invalid UTF-8 in payload (0xff)', jws(ED, Buffer.from('7b2261223a22ff227d', 'hex')), 'ERR_JWS_MALFORMED'],
  ['invalid UTF-8 in payload (surrogate)', jws(ED, Buffer.from('7b2261223a22eda080227d', 'hex')), 'ERR_JWS_MALFORMED'],
  ['invalid UTF-8 in payload (overlong)', jws(ED, Buffer.from('7b2261223a22c0af227d', 'hex')), 'ERR_JWS_MALFORMED'],
  ['invalid UTF-8 in header', jws(Buffer.from('7b22616c67223a224564445341222c226b6964223a22ff227d', 'hex')), 'ERR_JWS_MALFORMED'],
  ['BOM before payload', jws(ED, `\uFEFF${PAYLOAD}`), 'ERR_JWS_MALFORMED'],
  ['header an array', jws('["EdDSA"]'), 'ERR_JWS_MALFORMED'],
  ['payload not JSON', jws(ED, 'Example of Ed25519 signing'), 'ERR_JWS_MALFORMED'],
  ['payload an array', jws(ED, '[]'), 'ERR_JWS_MALFORMED'],
  ['payload a string', jws(ED, '"sub"'), 'ERR_JWS_MALFORMED'],
  ['payload a number', jws(ED, '1'), 'ERR_JWS_MALFORMED'],
  ['payload null', jws(ED, 'null'), 'ERR_JWS_MALFORMED'],
  ['signature 63 bytes', jws(ED, PAYLOAD, b64u(Buffer.alloc(63, 7))), 'ERR_SIGNATURE'],
  ['signature 65 bytes', jws(ED, PAYLOAD, b64u(Buffer.alloc(65, 7))), 'ERR_SIGNATURE'],
  // An empty third part is well-formed base64url of zero bytes: a missing signature, not a bad part.
  ['signature empty', jws(ED, PAYLOAD, ''), 'ERR_SIGNATURE'],
]

describe('decodeJwt: negative table', () => {
  it('accepts the baseline token the table mutates', () => {
    const token = jws('{"alg":"EdDSA","typ":"JWT","kid":"did:key:z6Mk#z6Mk"}')
    const decoded = decodeJwt(token, LIMITS, 'token')
    assert.deepEqual(decoded.header, { alg: 'EdDSA', typ: 'JWT', kid: 'did:key:z6Mk#z6Mk' })
    assert.deepEqual(decoded.payload, { iss: 'did:key:z6Mk', n: 1 })
    assert.equal(decoded.token, token)
    assert.deepEqual(decoded.signature, Buffer.alloc(64, 7))
  })

  it('accepts each allowed typ, the depth cap and the length cap exactly', () => {
    for (const typ of ['JWT', 'vc+jwt', 'vp+jwt']) decodeJwt(jws(`{"alg":"EdDSA","typ":"${typ}"}`), LIMITS, 'token')
    // The drafts' JSON-LD types are another format's (issue 16): refused, not read as VC 1.1.
    for (const typ of ['vc+ld+jwt', 'vp+ld+jwt']) assert.throws(() => decodeJwt(jws(`{"alg":"EdDSA","typ":"${typ}"}`), LIMITS, 'token'), { code: 'ERR_JWS_HEADER' })
    decodeJwt(jws(ED, nested(LIMITS.maxDepth)), LIMITS, 'token')
    const token = jws(ED)
    decodeJwt(token, { maxLength: token.length, maxDepth: 8 }, 'token')
    assert.throws(() => decodeJwt(token, { maxLength: token.length - 1, maxDepth: 8 }, 'token'), { code: 'ERR_JWS_MALFORMED' })
  })

  it('the lax variants in the table decode, under Node alone, to the baseline bytes', () => {
    assert.deepEqual(Buffer.from(withTrailingBit(PAYLOAD_B64), 'base64url'), Buffer.from(PAYLOAD))
    assert.deepEqual(Buffer.from(withTrailingBit(SIG), 'base64url'), Buffer.alloc(64, 7))
    assert.deepEqual(Buffer.from(`${SIG}==`, 'base64url'), Buffer.alloc(64, 7))
    assert.deepEqual(Buffer.from(SIG_SYMBOLS.replaceAll('-', '+').replaceAll('_', '/'), 'base64url'), Buffer.alloc(64, 0xfb))
  })

  it('a token signed by an agent key decodes and verifies; one flipped bit does not', () => {
    const key = agentKeyFromSeed(Buffer.alloc(32, 1))
    const signingInput = `${b64u(`{"alg":"EdDSA","kid":"${key.keyId}"}`)}.${PAYLOAD_B64}`
    const token = `${signingInput}.${b64u(sign(null, Buffer.from(signingInput), key.privateKey))}`
    const decoded = decodeJwt(token, LIMITS, 'token')
    assert.equal(jwtSignatureValid(decoded, resolveKeyId(decoded.header.kid!)), true)
    const flipped = Buffer.from(decoded.signature)
    flipped[10]! ^= 0x80
    assert.equal(jwtSignatureValid({ ...decoded, signature: flipped }, resolveDidKey(key.did)), false)
  })

  for (const [name, token, code] of DECODE_CASES) {
    it(`${name} -> ${code}`, () => {
      assert.throws(() => decodeJwt(token, LIMITS, 'token'), (error: unknown) => {
        assert.ok(isAgentIdError(error), `not an AgentIdError: ${String(error)}`)
        assert.equal(error.code, code)
        return true
      })
    })
  }
})

interface WycheproofJws {
  readonly numberOfTests: number
  readonly testGroups: ReadonlyArray<{ readonly comment: string; readonly tests: ReadonlyArray<{ tcId: number; comment: string; jws: string; result: string }> }>
}

/** The `alg` a lax reader would see, or undefined. */
function laxAlg(token: string): unknown {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg?: unknown }).alg
  } catch {
    return undefined
  }
}

describeWithVectors('decodeJwt: Wycheproof json_web_signature_test.json', () => {
  const file = readVectorJson<WycheproofJws>('wycheproof/json_web_signature_test.json')
  const cases = file.testGroups.flatMap((g) => g.tests.map((t) => ({ group: g.comment, ...t })))
  // tcId 17 is the JSON serialisation; every other case is a compact string (some with 1, 2 or 4 parts).
  const isJsonSerialisation = (jwsText: string): boolean => jwsText.trimStart().startsWith('{')

  it('runs 401 cases: 400 compact, 1 JSON serialisation, none with alg EdDSA', () => {
    assert.equal(cases.length, file.numberOfTests)
    assert.equal(cases.length, 401)
    assert.equal(cases.filter((c) => !isJsonSerialisation(c.jws)).length, 400)
    assert.equal(cases.filter((c) => laxAlg(c.jws) === 'EdDSA').length, 0)
  })

  for (const c of cases) {
    it(`tcId ${c.tcId} ${c.group} ${c.comment} (${c.result}, alg ${String(laxAlg(c.jws))}): refused`, () => {
      assert.throws(() => decodeJwt(c.jws, { maxLength: 64 * 1024, maxDepth: 16 }, 'token'), (error: unknown) => {
        assert.ok(isAgentIdError(error), `not an AgentIdError: ${String(error)}`)
        assert.match(error.code, /^ERR_(JWS|SIGNATURE)/)
        return true
      })
    })
  }
})
