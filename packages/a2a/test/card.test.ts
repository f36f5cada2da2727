import assert from 'node:assert/strict'
import { sign } from 'node:crypto'
import { agentKeyFromSeed, type AgentKey } from '@agentid/agent'
import { encodeBase64url } from '@agentid/core'
import { createVerifier } from '@agentid/verifier'
import { agentCardPayload, agentIdExtension, AGENTID_EXTENSION_URI, normalizeAgentCard, signAgentCard, verifyAgentCard } from '@agentid/a2a'
import { canonicalizeAgentCard, generateAgentCardSignature, verifyAgentCardSignature, type AgentCard } from '@a2a-js/sdk'
import { KEYS, makeVc, makeVp, T0 } from '../../../test/support/tokens.js'

const key = KEYS.agent
const other = agentKeyFromSeed(new Uint8Array(32).fill(9))

/** A v1.0 card as the SDK's types make one write it: implicit-presence fields at their defaults. */
function card(did = key.did): AgentCard {
  return {
    name: 'CRM agent',
    description: 'Looks customers up',
    supportedInterfaces: [{ url: 'http://127.0.0.1:9000/a2a/jsonrpc', protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: { organization: 'Example', url: 'https://example.com' },
    version: '1.0.0',
    capabilities: {
      streaming: false,
      pushNotifications: false,
      extensions: [agentIdExtension({ did, skills: { 'customer-lookup': [{ resource: 'crm:accounts/acme', action: 'read' }] } }) as AgentCard['capabilities'] extends { extensions: Array<infer E> } ? E : never],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'customer-lookup', name: 'Customer lookup', description: 'Finds a customer', tags: ['crm'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
    documentationUrl: 'https://example.com/docs',
    signatures: [],
  } as AgentCard
}

/** A detached EdDSA JWS over the card's canonical form, with any header, by any key. */
function signWith(signer: AgentKey, header: Record<string, unknown> | string, c: object = card()): Record<string, unknown> {
  const encoded = encodeBase64url(typeof header === 'string' ? header : JSON.stringify(header))
  const payload = encodeBase64url(agentCardPayload(c))
  return { protected: encoded, signature: encodeBase64url(sign(null, Buffer.from(`${encoded}.${payload}`), signer.privateKey)) }
}

const signed = signAgentCard(card(), key)
const header = { alg: 'EdDSA', typ: 'JOSE', kid: key.keyId }
const caps = signed.capabilities!
const withSignatures = (signatures: unknown, c: object = signed) => ({ ...c, signatures })

// [name, card, code]: each refused with exactly this code, as a value.
const CASES: Array<[string, unknown, string]> = [
  ['altered after signing (description)', { ...signed, description: 'Deletes customers' }, 'ERR_SIGNATURE'],
  ['altered after signing (a skill added)', { ...signed, skills: [...signed.skills, { id: 'delete', name: 'Delete', description: 'x', tags: ['crm'] }] }, 'ERR_SIGNATURE'],
  ['altered after signing (a field outside the schema added)', { ...signed, x: 1 }, 'ERR_SIGNATURE'],
  ['kid names the DID, signed by another key', withSignatures([signWith(other, header)]), 'ERR_SIGNATURE'],
  ['signed by another key that it names (kid = the other DID)', withSignatures([signWith(other, { ...header, kid: other.keyId })]), 'ERR_CARD_SIGNER'],
  ['another agent\'s signature (over its own card) on a card claiming this DID', withSignatures(signAgentCard(card(other.did), other).signatures, card(key.did)), 'ERR_SIGNATURE'],
  ['claiming another DID than the one that signed it', withSignatures([signWith(other, { ...header, kid: other.keyId }, card(key.did))], card(key.did)), 'ERR_CARD_SIGNER'],
  ['no signatures member', { ...card(), signatures: undefined }, 'ERR_CARD_UNSIGNED'],
  ['an empty signatures list', card(), 'ERR_CARD_UNSIGNED'],
  ['the same signature twice', withSignatures([signed.signatures[0], signed.signatures[0]]), 'ERR_INPUT_INVALID'],
  ['signatures not a list', withSignatures(signed.signatures[0]), 'ERR_INPUT_INVALID'],
  ['nine signatures', withSignatures(Array.from({ length: 9 }, (_, i) => signWith(key, { ...header, jku: `https://example.com/${i}` }))), 'ERR_INPUT_INVALID'],
  ['alg ES256', withSignatures([signWith(key, { ...header, alg: 'ES256' })]), 'ERR_JWS_ALG'],
  ['alg none, empty signature', withSignatures([{ protected: encodeBase64url('{"alg":"none","typ":"JOSE","kid":"x"}'), signature: '' }]), 'ERR_JWS_ALG'],
  ['alg missing', withSignatures([signWith(key, { typ: 'JOSE', kid: key.keyId })]), 'ERR_JWS_ALG'],
  ['kid not a DID', withSignatures([signWith(key, { ...header, kid: 'key-1' })]), 'ERR_JWS_HEADER'],
  ['kid a bare DID (no verification method)', withSignatures([signWith(key, { ...header, kid: key.did })]), 'ERR_JWS_HEADER'],
  ['kid a did:web', withSignatures([signWith(key, { ...header, kid: 'did:web:example.com#key-1' })]), 'ERR_DID_UNSUPPORTED'],
  ['kid a did:key with another fragment', withSignatures([signWith(key, { ...header, kid: `${key.did}#${other.did.slice(8)}` })]), 'ERR_DID_INVALID'],
  ['kid missing', withSignatures([signWith(key, { alg: 'EdDSA', typ: 'JOSE' })]), 'ERR_JWS_HEADER'],
  ['typ missing', withSignatures([signWith(key, { alg: 'EdDSA', kid: key.keyId })]), 'ERR_JWS_HEADER'],
  ['typ JWT', withSignatures([signWith(key, { ...header, typ: 'JWT' })]), 'ERR_JWS_HEADER'],
  ['embedded jwk', withSignatures([signWith(key, { ...header, jwk: { kty: 'OKP' } })]), 'ERR_JWS_HEADER'],
  ['crit', withSignatures([signWith(key, { ...header, crit: ['b64'], b64: false })]), 'ERR_JWS_HEADER'],
  ['kid in the unprotected header', withSignatures([{ ...signed.signatures[0], header: { kid: other.keyId } }]), 'ERR_JWS_HEADER'],
  ['duplicate member in the protected header', withSignatures([signWith(key, `{"alg":"EdDSA","typ":"JOSE","kid":"${key.keyId}","alg":"none"}`)]), 'ERR_JWS_MALFORMED'],
  ['protected header not base64url', withSignatures([{ ...signed.signatures[0], protected: `${signed.signatures[0]!.protected}=` }]), 'ERR_JWS_MALFORMED'],
  ['signature cut short', withSignatures([{ ...signed.signatures[0], signature: signed.signatures[0]!.signature.slice(0, 40) }]), 'ERR_SIGNATURE'],
  ['an unknown member in a signature', withSignatures([{ ...signed.signatures[0], payload: 'x' }]), 'ERR_INPUT_INVALID'],
  ['a good signature beside a bad one', withSignatures([signed.signatures[0], signWith(other, { ...header, kid: other.keyId }, { ...card(), name: 'x' })]), 'ERR_SIGNATURE'],
  ['no agentid extension', { ...signed, capabilities: { ...caps, extensions: [] } }, 'ERR_INPUT_INVALID'],
  ['the agentid extension twice', { ...signed, capabilities: { ...caps, extensions: [...caps.extensions, ...caps.extensions] } }, 'ERR_INPUT_INVALID'],
  ['a DID that is not a did:key', { ...signed, capabilities: { ...caps, extensions: [{ ...caps.extensions[0], params: { did: 'did:web:example.com', handshake: '/h' } }] } }, 'ERR_DID_UNSUPPORTED'],
  ['not an object', [signed], 'ERR_INPUT_INVALID'],
  ['JSON text with a duplicate member', JSON.stringify(signed).replace('{"name":"CRM agent"', '{"name":"CRM agent","name":"Evil agent"'), 'ERR_INPUT_INVALID'],
]

describe('verifyAgentCard: refusals', () => {
  for (const [name, input, code] of CASES) {
    it(name, () => {
      const result = verifyAgentCard(input)
      assert.equal(result.ok, false, `${name} was accepted`)
      if (!result.ok) assert.equal(result.code, code, result.message)
    })
  }

  it('a card that names another DID than the one expected: ERR_CARD_SIGNER', () => {
    const result = verifyAgentCard(signed, { expectDid: other.did })
    assert.deepEqual(result.ok ? undefined : result.code, 'ERR_CARD_SIGNER')
  })

  it('signAgentCard refuses a card that names another DID than its key', () => {
    assert.throws(() => signAgentCard(card(other.did), key), { code: 'ERR_INPUT_INVALID' })
  })
})

describe('verifyAgentCard: a card signed by its agent', () => {
  it('verifies, as an object and as JSON text, naming the DID and its signer', () => {
    for (const input of [signed, JSON.stringify(signed)]) {
      const result = verifyAgentCard(input, { expectDid: key.did })
      assert.ok(result.ok, result.ok ? '' : `${result.code} ${result.message}`)
      assert.equal(result.did, key.did)
      assert.deepEqual(result.signers, [key.did])
      assert.equal(result.extension.handshake, '/.well-known/agentid/handshake')
    }
  })

  it('the signature: detached, protected header exactly {alg EdDSA, typ JOSE, kid}', () => {
    assert.equal(signed.signatures.length, 1)
    assert.deepEqual(JSON.parse(Buffer.from(signed.signatures[0]!.protected, 'base64url').toString()), { alg: 'EdDSA', typ: 'JOSE', kid: key.keyId })
    assert.equal(Buffer.from(signed.signatures[0]!.signature, 'base64url').length, 64)
  })

  it('golden: fixed key and card give this exact signature (Ed25519 is deterministic)', () => {
    const again = signAgentCard(card(), key)
    assert.deepEqual(again.signatures, signed.signatures)
  })

  it('the payload drops signatures and implicit-presence defaults, keeps optional fields set to their default (A2A spec 8.4.1)', () => {
    const normal = normalizeAgentCard(card())
    assert.equal('signatures' in normal, false)
    assert.equal('securitySchemes' in normal, false)
    assert.equal('securityRequirements' in normal, false)
    assert.equal('tenant' in (normal.supportedInterfaces as object[])[0]!, false)
    assert.deepEqual(Object.keys((normal.skills as object[])[0]!).sort(), ['description', 'id', 'name', 'tags'])
    assert.deepEqual(normal.capabilities, { streaming: false, pushNotifications: false, extendedAgentCard: false, extensions: card().capabilities!.extensions })
    // The spec's own example (8.4.1).
    const example = { name: 'Example Agent', description: '', capabilities: { streaming: false, pushNotifications: false, extensions: [] }, skills: [] }
    assert.equal(agentCardPayload(example), '{"capabilities":{"pushNotifications":false,"streaming":false},"description":"","name":"Example Agent","skills":[]}')
  })

  it('a co-signature by another did:key beside the agent\'s own: verified, both signers named', () => {
    const both = withSignatures([signed.signatures[0], signWith(other, { ...header, kid: other.keyId })])
    const result = verifyAgentCard(both)
    assert.ok(result.ok)
    assert.deepEqual(result.signers, [key.did, other.did])
  })

  it('a jku in the protected header is accepted and never fetched (the key is the did:key)', () => {
    const result = verifyAgentCard(withSignatures([signWith(key, { ...header, jku: 'http://192.0.2.1/never-fetched.json' })]))
    assert.ok(result.ok)
  })
})

describe('interoperability with @a2a-js/sdk 1.3 card signing', () => {
  it('our canonical payload is the SDK\'s canonicalizeAgentCard for the same card', () => {
    assert.equal(agentCardPayload(signed), canonicalizeAgentCard(signed as AgentCard))
  })

  it('the SDK verifies a card we signed (EdDSA, key from the did:key)', async () => {
    const publicKey = { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(key.publicKey) }
    let asked: string | undefined
    await verifyAgentCardSignature(async (kid) => {
      asked = kid
      return publicKey
    })(signed as AgentCard)
    assert.equal(asked, key.keyId)
  })

  it('we verify a card the SDK signed with the agent key; and refuse it altered', async () => {
    const sdkSigned = await generateAgentCardSignature(key.privateKey, { alg: 'EdDSA', typ: 'JOSE', kid: key.keyId })(card())
    assert.ok(verifyAgentCard(sdkSigned).ok)
    const altered = verifyAgentCard({ ...sdkSigned, version: '2.0.0' })
    assert.equal(altered.ok ? 'accepted' : altered.code, 'ERR_SIGNATURE')
  })
})

describe('verifyAgentCard with credentials: the skills it advertises', () => {
  const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => T0, externalChallenges: true })
  const authorize = verifier.authorize.bind(verifier)
  // A presentation is single use: verified once for every test here.
  let presentation: Awaited<ReturnType<typeof verifier.verifyPresentation>>
  before(async () => {
    presentation = await verifier.verifyPresentation(makeVp(), { challenge: 'nonce-1' })
  })

  it('covered: each skill names the credential that grants it', async () => {
    const result = verifyAgentCard(signed, { credentials: { presentation, authorize } })
    assert.ok(result.ok, result.ok ? '' : result.message)
    assert.deepEqual(result.skills, { 'customer-lookup': ['urn:uuid:00000000-0000-4000-8000-000000000001'] })
  })

  it('refused: a skill whose entitlement the credential lacks, a skill with no mapping, a presentation by another holder, a presentation that failed', async () => {
    const lacking = signAgentCard({ ...card(), capabilities: { ...card().capabilities!, extensions: [agentIdExtension({ did: key.did, skills: { 'customer-lookup': [{ resource: 'crm:accounts/acme', action: 'delete' }] } })] } } as AgentCard, key)
    const r1 = verifyAgentCard(lacking, { credentials: { presentation, authorize } })
    assert.equal(r1.ok ? 'accepted' : r1.code, 'ERR_CARD_SKILLS')
    const unmapped = signAgentCard({ ...card(), capabilities: { ...card().capabilities!, extensions: [agentIdExtension({ did: key.did })] } } as AgentCard, key)
    const r2 = verifyAgentCard(unmapped, { credentials: { presentation, authorize } })
    assert.equal(r2.ok ? 'accepted' : r2.code, 'ERR_CARD_SKILLS')
    const otherCard = signAgentCard(card(other.did), other)
    const r3 = verifyAgentCard(otherCard, { credentials: { presentation, authorize } })
    assert.equal(r3.ok ? 'accepted' : r3.code, 'ERR_VP_HOLDER_BINDING')
    const failed = await verifier.verifyPresentation(makeVp(), { challenge: 'nonce-2' })
    const r4 = verifyAgentCard(signed, { credentials: { presentation: failed, authorize } })
    assert.equal(r4.ok ? 'accepted' : r4.code, failed.ok ? 'accepted' : failed.code)
  })

  it('the extension URI is the documented one', () => assert.equal(AGENTID_EXTENSION_URI, 'https://agentid.dev/a2a/ext/mutual/v1'))
})
