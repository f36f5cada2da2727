import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createPresentation, createSdJwtPresentation } from '@agentid/agent'
import {
  isAgentIdError,
  isErrorCode,
  parseConstraints,
  parseDidKey,
  parseDuration,
  parseEntitlement,
  parseIpNetwork,
  parseStrictJson,
} from '@agentid/core'
import { createService, Issuer, issueSdJwtVc, operator, parsePolicy } from '@agentid/issuer'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkAnyCredentialJwt, checkSdJwtPresentation, checkStatusListJwt, createVerifier, decodeJwt, resolveDisclosures } from '@agentid/verifier'
import { sign } from 'node:crypto'
import { KEYS, makeVc, T0 } from './support/tokens.js'
import { referenceStrictJson } from '../packages/core/test/reference-strict-json.js'

// Every parser, fed generated input: it returns a value or throws an agentid error with a known
// code, never anything else, and never hangs (inputs stay within the parsers' size caps).
// `npm test` runs a few thousand cases per parser; `npm run fuzz` runs 100,000
// (AGENTID_FUZZ_RUNS). Seeded, so a failure reproduces: fast-check prints the seed and the path.
const RUNS = Number(process.env.AGENTID_FUZZ_RUNS ?? 2000)
const SEED = Number(process.env.AGENTID_FUZZ_SEED ?? 20261130)

function typedOutcome(parse: () => unknown): boolean {
  try {
    parse()
    return true
  } catch (error) {
    if (isAgentIdError(error) && isErrorCode(error.code)) return true
    throw error
  }
}

// Strings that look like what the parsers expect, with noise: real prefixes, separators, escapes.
const tokenish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,200}\.[A-Za-z0-9_=+/-]{0,100}$/),
  fc.tuple(fc.constantFrom('eyJhbGciOiJFZERTQSJ9', 'eyJhbGciOiJub25lIn0', 'e30', ''), fc.base64String({ maxLength: 300 }), fc.string({ maxLength: 90 }))
    .map(([h, p, s]) => `${h}.${p.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')}.${s}`),
)
const json = fc.jsonValue({ maxDepth: 6 })

// Strict JSON texts (see the differential tests below). A string literal is built from pieces,
// so that escapes, raw control characters and non-ASCII text all occur, and names collide after
// decoding ("a" and "\u0061").
const hex4 = fc.tuple(fc.nat({ max: 0xffff }), fc.boolean()).map(([n, upper]) => { const h = n.toString(16).padStart(4, '0'); return `\\u${upper ? h.toUpperCase() : h}` })
const stringPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'ab', 'x'.repeat(20), '__proto__', 'é', '😀', ' ', '{', ']', ',', ':') },
  { weight: 3, arbitrary: fc.constantFrom('\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0061', '\\u0041', '\\u005f', '\\ud800', '\\uDC00', '\\u0000') },
  { weight: 2, arbitrary: hex4 },
  { weight: 1, arbitrary: fc.constantFrom('\\', '\\x', '\\u12', '\n', '\t', '\u0000', '\u001f', '\ufeff', '"') },
)
const stringLiteral = fc.array(stringPiece, { maxLength: 6 }).map((pieces) => `"${pieces.join('')}"`)
const numberLiteral = fc.oneof(
  fc.double().filter(Number.isFinite).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
  fc.constantFrom('0', '-0', '1e400', '-1e-400', '1E+2', '0.0', '01', '-', '1.', '.5', '1e', '+1', '0x1', '9007199254740993', '123456789012345', '1234567890123456'),
)
const space = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ', '\u00a0', '\u000b')
const { tree: jsonTree } = fc.letrec<{ tree: string; scalar: string; array: string; object: string }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('array'), tie('object')),
  scalar: fc.oneof(stringLiteral, numberLiteral, fc.constantFrom('true', 'false', 'null', 'tru', 'nul', 'NaN')),
  array: fc.tuple(space, fc.array(tie('tree'), { maxLength: 4 })).map(([w, items]) => `[${w}${items.join(`,${w}`)}${w}]`),
  object: fc.tuple(space, fc.array(fc.tuple(fc.oneof({ weight: 1, arbitrary: stringLiteral }, { weight: 2, arbitrary: fc.constantFrom('"a"', '"\\u0061"', '"b"', '"a\\/b"', '"a/b"', '"__proto__"', '"__pr\\u006fto__"', '"toString"') }), tie('tree')), { maxLength: 4 }))
    .map(([w, members]) => `{${w}${members.map(([k, v]) => `${k}${w}:${w}${v}`).join(`,${w}`)}${w}}`),
}))
// Valid text with up to three characters inserted, deleted or replaced.
const editChar = fc.constantFrom(...'{}[]",:\\ 0123456789-+.eEtrufalsn\n\t\u0000\u001f\ufeffau')
const mutated = fc.tuple(jsonTree, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), editChar), { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
  let t = text
  for (const [at, kind, c] of edits) {
    const i = t.length === 0 ? 0 : at % t.length
    t = kind === 0 ? t.slice(0, i) + c + t.slice(i) : kind === 1 ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + c + t.slice(i + 1)
  }
  return t
})
// Flat objects whose names often collide, spelled differently.
const collidingNames = fc.tuple(space, fc.array(fc.tuple(fc.constantFrom('"a"', '"\\u0061"', '"\\u0041"', '"A"', '"b"', '"a\\/b"', '"a/b"', '"1"', '"01"', '""'), jsonTree), { minLength: 2, maxLength: 5 }))
  .map(([w, members]) => `{${members.map(([k, v]) => `${w}${k}:${v}`).join(',')}}`)
const jsonTexts = fc.oneof(
  jsonTree,
  collidingNames,
  mutated,
  fc.jsonValue({ maxDepth: 10 }).map((v) => JSON.stringify(v)),
  fc.tuple(fc.nat({ max: 12 }), fc.constantFrom('[', '{"a":')).map(([n, open]) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n)),
  fc.string({ maxLength: 60 }),
)
// Valid JSON as JSON.stringify writes it (compact, or indented: the reader's character-at-a-time
// path), without "__proto__" members, within the depth cap.
const validJson = fc.tuple(
  fc.oneof(fc.jsonValue({ maxDepth: 8 }), fc.unicodeJsonValue({ maxDepth: 8 })).filter((v) => !JSON.stringify(v).includes('"__proto__":')),
  fc.constantFrom(undefined, 0, 1, 2, '\t', ' \n'),
)

function outcome(parse: () => unknown): { value: unknown } | { code: string } {
  try {
    return { value: parse() }
  } catch (error) {
    if (isAgentIdError(error)) return { code: error.code }
    throw error
  }
}

const PARSERS: Array<[string, fc.Arbitrary<unknown>, (input: unknown) => unknown]> = [
  ['strict JSON', fc.oneof(fc.string({ maxLength: 400 }), json.map((v) => JSON.stringify(v)), fc.constantFrom('{"a":1,"a":2}', '{"__proto__":{}}', '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]', '{"\\u0061":1,"a":2}')), (s) => parseStrictJson(s as string)],
  ['JWS (decode)', tokenish, (s) => decodeJwt(s, { maxLength: 16384, maxDepth: 16 }, 'token')],
  ['credential VC-JWT', tokenish, (s) => checkAnyCredentialJwt(s)],
  ['status list VC-JWT', tokenish, (s) => checkStatusListJwt(s)],
  ['did:key', fc.oneof(fc.string({ maxLength: 120 }), fc.stringMatching(/^did:key:z[1-9A-HJ-NP-Za-km-z]{0,60}$/), fc.constant(KEYS.agent.did.slice(0, -1))), (s) => parseDidKey(s)],
  ['entitlement', fc.oneof(json, fc.record({ resource: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('db:x', 'db:x/*', 'db:*/x', 'db:../x')), actions: fc.array(fc.string({ maxLength: 10 }), { maxLength: 20 }), purpose: fc.option(fc.string({ maxLength: 70 })) })), (v) => parseEntitlement(v)],
  ['constraints', fc.oneof(json, fc.record({ hours: fc.string({ maxLength: 20 }), days: fc.array(fc.string({ maxLength: 5 })), networks: fc.array(fc.string({ maxLength: 45 }), { maxLength: 20 }), maxRecords: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] })), (v) => parseConstraints(v, 'constraints')],
  ['CIDR', fc.oneof(fc.string({ maxLength: 50 }), fc.tuple(fc.ipV4(), fc.nat({ max: 40 })).map(([ip, bits]) => `${ip}/${bits}`), fc.tuple(fc.ipV6(), fc.nat({ max: 140 })).map(([ip, bits]) => `${ip}/${bits}`)), (s) => parseIpNetwork(s as string)],
  ['TTL', fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[0-9]{1,12}[smhdwy]?$/)), (s) => parseDuration(s)],
  ['SD-JWT disclosures', fc.tuple(
    fc.oneof(json.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)), fc.record({ _sd: fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string({ maxLength: 50 })), { maxLength: 5 }), list: fc.array(fc.record({ '...': fc.string({ maxLength: 44 }) }), { maxLength: 4 }) })),
    fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.constantFrom('_sd', '...', '__proto__', 'a', '_sd_alg'), fc.string({ maxLength: 8 })), json).map((a) => Buffer.from(JSON.stringify(a)).toString('base64url'))), { maxLength: 6 }),
  ), (v) => { const [payload, ds] = v as [Record<string, unknown>, string[]]; return resolveDisclosures(payload, ds, new Set(['iss'])) }],
  ['SD-JWT presentation', fc.oneof(fc.string({ maxLength: 300 }), fc.array(tokenish, { minLength: 1, maxLength: 4 }).map((parts) => parts.map((p) => (Array.isArray(p) ? p.join('.') : String(p))).join('~'))), (s) => checkSdJwtPresentation(s, KEYS.verifier.did, T0 / 1000, 60)],
  ['policy document', fc.oneof(json, fc.string({ maxLength: 300 })), (v) => parsePolicy(v)],
]

describe(`fuzz: every parser gives a value or a typed error (${RUNS} cases each, seed ${SEED})`, function () {
  this.timeout(0)

  it('inputs at and past the size caps: refused or parsed, never another exception (a hang fails on the test timeout)', function () {
    this.timeout(120_000)
    // 64 KiB is strict JSON's cap; 16 KiB a credential's, 64 KiB a presentation's.
    const big = fc.oneof(
      fc.nat({ max: 70_000 }).map((n) => `{"a":"${'x'.repeat(n)}"}`),
      fc.nat({ max: 70_000 }).map((n) => `[${'1,'.repeat(n)}1]`),
      fc.nat({ max: 2_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      fc.nat({ max: 70_000 }).map((n) => `eyJhbGciOiJFZERTQSJ9.${'A'.repeat(n)}.${'B'.repeat(86)}`),
    )
    fc.assert(fc.property(big, (input) => {
      typedOutcome(() => parseStrictJson(input))
      typedOutcome(() => checkAnyCredentialJwt(input))
      typedOutcome(() => decodeJwt(input, { maxLength: 65536, maxDepth: 16 }, 'token'))
      return true
    }), { numRuns: Math.max(50, Math.floor(RUNS / 50)), seed: SEED })
  })
  // The single-pass strict JSON reader against what it replaced (a duplicate-member scan, then
  // JSON.parse): on any text, both accept with the same value (deepStrictEqual: -0 is not 0), or
  // both refuse with the same code. The inputs aim at where a hand-written reader can differ:
  // escapes (a duplicate may be spelled two ways), white space (the reader's slow path), numbers,
  // literals, depth, and valid text with a few characters changed.
  it('strict JSON: the single-pass reader agrees with the reference (scan + JSON.parse) on any text', () => {
    fc.assert(fc.property(jsonTexts, (text) => {
      const ours = outcome(() => parseStrictJson(text, { maxDepth: 8 }))
      const reference = outcome(() => referenceStrictJson(text, { maxDepth: 8 }))
      assert.deepStrictEqual(ours, reference, `differs on ${JSON.stringify(text)}`)
      return true
    }), { numRuns: RUNS, seed: SEED })
  })

  it('strict JSON: on valid JSON without duplicates or __proto__, the reader gives what JSON.parse gives', () => {
    fc.assert(fc.property(validJson, ([value, indent]) => {
      const text = JSON.stringify(value, null, indent)
      const parsed = parseStrictJson(text, { maxDepth: 16 })
      assert.deepStrictEqual(parsed, JSON.parse(text))
      return true
    }), { numRuns: RUNS, seed: SEED })
  })

  for (const [name, arbitrary, parse] of PARSERS) {
    it(name, () => {
      fc.assert(fc.property(arbitrary, (input) => typedOutcome(() => parse(input))), { numRuns: RUNS, seed: SEED })
    })
  }

  it('HTTP bodies: the service answers any JSON body with a 2xx or a 4xx and its code, never a 5xx', async () => {
    const home = mkdtempSync(join(tmpdir(), 'agentid-fuzz-'))
    const { issuer } = await Issuer.init({ home, env: {} })
    const app = createService(issuer, { localPrincipal: operator('fuzz'), sweepIntervalMs: 0, push: false, rateLimits: false })
    const did = KEYS.agent.did
    const shaped = fc.record({
      subject: fc.oneof(fc.constant(did), fc.string({ maxLength: 40 })),
      entitlements: fc.array(fc.oneof(json, fc.record({ resource: fc.string({ maxLength: 30 }), actions: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }) })), { maxLength: 4 }),
      ttl: fc.oneof(fc.constantFrom('1h', '0s', '99999999d'), fc.string({ maxLength: 6 })),
      task: fc.option(fc.record({ id: fc.string({ maxLength: 20 }) })),
    }, { requiredKeys: [] })
    const routes = ['/requests', '/agents', '/principals', '/roles/fuzz-role', '/policy', '/webhooks', '/events', '/reviews']
    try {
      await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(json, shaped, fc.string({ maxLength: 200 })), async (url, body) => {
        const method = url === '/policy' || url.startsWith('/roles/') ? 'PUT' : 'POST'
        const response = await app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) })
        assert.ok(response.statusCode < 500, `${method} ${url} answered ${response.statusCode}: ${response.body}`)
        if (response.statusCode >= 400) assert.ok(isErrorCode(response.json().error.code))
      }), { numRuns: Math.min(RUNS, 20_000), seed: SEED })
    } finally {
      await app.close()
      await issuer.close()
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('any single-character change to a valid presentation is refused', async () => {
    const credential = makeVc()
    const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], statusLists: 'unchecked', externalChallenges: true, now: () => T0 })
    const vp = createPresentation({ key: KEYS.agent, credentials: [credential], audience: KEYS.verifier.did, challenge: 'challenge-0', now: () => T0 })
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ '
    await fc.assert(fc.asyncProperty(fc.nat({ max: vp.length - 1 }), fc.nat({ max: alphabet.length - 1 }), async (at, c) => {
      const replacement = alphabet[c] === vp[at] ? alphabet[(c + 1) % alphabet.length]! : alphabet[c]!
      const mutated = `${vp.slice(0, at)}${replacement}${vp.slice(at + 1)}`
      const result = await verifier.verifyPresentation(mutated, { challenge: 'challenge-0' })
      assert.equal(result.ok, false, `changing character ${at} to ${replacement} was accepted`)
    }), { numRuns: Math.min(RUNS, 20_000), seed: SEED })
    const untouched = await createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], statusLists: 'unchecked', externalChallenges: true, now: () => T0 }).verifyPresentation(vp, { challenge: 'challenge-0' })
    assert.equal(untouched.ok, true, 'the original is valid')
  })

  it('any single-character change to a valid SD-JWT VC presentation is refused', async () => {
    const S = Math.floor(T0 / 1000)
    const credential = issueSdJwtVc({
      issuer: KEYS.issuer.did, sign: (data) => sign(null, data, KEYS.issuer.privateKey), subject: KEYS.agent.did, id: 'urn:uuid:fuzz', notBefore: S - 60, expires: S + 3600,
      agent: { name: 'bot', kind: 'service', owner: 'ops', segment: 'x' }, entitlements: [parseEntitlement({ resource: 'db:a', actions: ['read'] }), parseEntitlement({ resource: 'db:b', actions: ['read'] })], decoys: 1,
    })
    const token = createSdJwtPresentation({ key: KEYS.agent, credential, disclose: ['db:a', 'agent.name'], audience: KEYS.verifier.did, challenge: 'challenge-0', now: () => T0 })
    const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], statusLists: 'unchecked', externalChallenges: true, now: () => T0 })
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/~ '
    await fc.assert(fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.nat({ max: alphabet.length - 1 }), async (at, c) => {
      const replacement = alphabet[c] === token[at] ? alphabet[(c + 1) % alphabet.length]! : alphabet[c]!
      const mutated = `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`
      const result = await verifier.verifySdJwtPresentation(mutated, { challenge: 'challenge-0' })
      assert.equal(result.ok, false, `changing character ${at} to ${replacement} was accepted`)
    }), { numRuns: Math.min(RUNS, 20_000), seed: SEED })
    const untouched = await createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], statusLists: 'unchecked', externalChallenges: true, now: () => T0 }).verifySdJwtPresentation(token, { challenge: 'challenge-0' })
    assert.equal(untouched.ok, true, 'the original is valid')
  })
})
