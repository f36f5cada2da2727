import { agentIdError, decodeBase64url, isAgentIdError, isStrictBase64url, parseStrictJson, type AccessRequest, type ErrorCode } from '@agentid/core'
import { resolveKeyId, verifyEd25519, type Decision, type PresentationResult } from '@agentid/verifier'
import { agentCardPayload } from './sign-card.js'
import { readAgentIdExtension, type AgentIdExtensionParams } from './extension.js'

/** Largest card accepted, in characters of its JSON text. */
export const MAX_CARD_LENGTH = 256 * 1024
const MAX_SIGNATURES = 8
const MAX_PROTECTED = 2048
// The protected header holds alg, typ, kid and, optionally, jku (A2A spec 8.4.2) and nothing else:
// members that would carry another key or change how the JWS is read (jwk, x5c, crit, b64, ...)
// are refused as in every agentid JWS (docs/verification.md). `jku` is never fetched: the key is
// the did:key the `kid` names.
const PROTECTED_MEMBERS = new Set(['alg', 'typ', 'kid', 'jku'])
// Members that only count when protected: an unprotected header carrying them is refused, so that
// no verifier reads an unsigned key hint.
const FORBIDDEN_UNPROTECTED = ['alg', 'kid', 'typ', 'jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64', 'zip']

/** Options of {@link verifyAgentCard}. */
export interface VerifyAgentCardOptions {
  /** Refuse a card that names another DID (`ERR_CARD_SIGNER`). */
  readonly expectDid?: string
  /**
   * Also check that the agent holds live agentid credentials for every skill it advertises:
   * `presentation` is the agent's presentation as verified by `@agentid/verifier` (over a
   * handshake, `session.presentation`), `authorize` the verifier's (or the mutual agent's).
   * Each skill must have an entry in the extension's `params.skills`, and each entitlement
   * there must be allowed now (`ERR_CARD_SKILLS`); the presentation's holder must be the card's
   * DID (`ERR_VP_HOLDER_BINDING`).
   */
  readonly credentials?: {
    readonly presentation: PresentationResult
    readonly authorize: (presentation: PresentationResult, request: AccessRequest) => Decision
  }
}

/** A card whose signature and DID hold. */
export interface VerifiedAgentCard {
  readonly ok: true
  /** The DID the card names, which signed it. */
  readonly did: string
  /** The card as given (parsed, when given as text). */
  readonly card: Record<string, unknown>
  readonly extension: AgentIdExtensionParams
  /** Every DID whose signature on the card verified (the card's own among them). */
  readonly signers: readonly string[]
  /** Skill id → the credential that covers it, when `credentials` was given. */
  readonly skills?: Readonly<Record<string, readonly string[]>>
}

/** Outcome of {@link verifyAgentCard}. */
export type AgentCardResult = VerifiedAgentCard | { readonly ok: false; readonly code: ErrorCode; readonly message: string }

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks one signature's form and value; returns the DID whose key made it. */
function checkSignature(entry: unknown, index: number, payload: string): string {
  const at = `signatures[${index}]`
  if (!isObject(entry)) throw agentIdError('ERR_INPUT_INVALID', `${at} must be an object`)
  for (const name of Object.keys(entry)) {
    if (name !== 'protected' && name !== 'signature' && name !== 'header') throw agentIdError('ERR_INPUT_INVALID', `${at} has an unknown member "${name}"`)
  }
  const { protected: encoded, signature, header } = entry
  if (typeof encoded !== 'string' || encoded.length > MAX_PROTECTED || !isStrictBase64url(encoded)) throw agentIdError('ERR_JWS_MALFORMED', `${at}.protected must be base64url`)
  if (typeof signature !== 'string' || !isStrictBase64url(signature)) throw agentIdError('ERR_JWS_MALFORMED', `${at}.signature must be base64url`)
  if (header !== undefined) {
    if (!isObject(header)) throw agentIdError('ERR_JWS_HEADER', `${at}.header must be an object`)
    const bad = Object.keys(header).find((k) => FORBIDDEN_UNPROTECTED.includes(k))
    if (bad !== undefined) throw agentIdError('ERR_JWS_HEADER', `${at}.header carries "${bad}", which counts only when protected`)
  }
  const parsed = parseStrictJson(decodeBase64url(encoded, 'ERR_JWS_MALFORMED', `${at}.protected`).toString('utf8'), { maxLength: MAX_PROTECTED, maxDepth: 2 }, 'ERR_JWS_MALFORMED', `${at}.protected`)
  if (!isObject(parsed)) throw agentIdError('ERR_JWS_MALFORMED', `${at}.protected must be a JSON object`)
  if (parsed.alg !== 'EdDSA') throw agentIdError('ERR_JWS_ALG', `${at}: alg must be EdDSA, not ${JSON.stringify(parsed.alg)}`)
  const bad = Object.keys(parsed).find((k) => !PROTECTED_MEMBERS.has(k))
  if (bad !== undefined) throw agentIdError('ERR_JWS_HEADER', `${at}: protected header member "${bad}" is not accepted`)
  // A2A spec 8.4.2: typ MUST be present and SHOULD be "JOSE"; media types are case-insensitive.
  if (typeof parsed.typ !== 'string' || !/^(application\/)?jose(\+json)?$/i.test(parsed.typ)) throw agentIdError('ERR_JWS_HEADER', `${at}: typ must be "JOSE"`)
  if (parsed.jku !== undefined && typeof parsed.jku !== 'string') throw agentIdError('ERR_JWS_HEADER', `${at}: jku must be a URL`)
  if (typeof parsed.kid !== 'string' || !parsed.kid.startsWith('did:') || !parsed.kid.includes('#')) {
    throw agentIdError('ERR_JWS_HEADER', `${at}: kid must be a did:key verification method (did:key:z…#z…)`)
  }
  const key = resolveKeyId(parsed.kid)
  const bytes = decodeBase64url(signature, 'ERR_JWS_MALFORMED', `${at}.signature`)
  if (!verifyEd25519(key, Buffer.from(`${encoded}.${payload}`), bytes)) throw agentIdError('ERR_SIGNATURE', `${at} does not verify over this card under ${parsed.kid}`)
  return key.did
}

function skillCoverage(card: Record<string, unknown>, extension: AgentIdExtensionParams, did: string, credentials: NonNullable<VerifyAgentCardOptions['credentials']>): Record<string, string[]> {
  const { presentation, authorize } = credentials
  if (!presentation.ok) throw agentIdError(presentation.code, `the agent's presentation does not verify: ${presentation.message}`)
  if (presentation.holder !== did) throw agentIdError('ERR_VP_HOLDER_BINDING', `the presentation is by ${presentation.holder}, not the card's ${did}`)
  const skills = Array.isArray(card.skills) ? card.skills : []
  const covered: Record<string, string[]> = {}
  for (const skill of skills) {
    const id = (skill as { id?: unknown } | null)?.id
    if (typeof id !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'a skill has no id')
    const needs = extension.skills?.[id]
    if (needs === undefined) throw agentIdError('ERR_CARD_SKILLS', `skill "${id}" names no entitlement in the agentid extension (deny by default)`)
    covered[id] = needs.map((request) => {
      const decision = authorize(presentation, request)
      if (!decision.allow) throw agentIdError('ERR_CARD_SKILLS', `skill "${id}": ${request.action} on ${request.resource} is not covered (${decision.code}: ${decision.message})`)
      return decision.credentialId
    })
  }
  return covered
}

/**
 * Verifies a signed A2A Agent Card (A2A spec 8.4.3): every signature is a JWS with alg EdDSA,
 * typ JOSE and a did:key `kid`, over the RFC 8785 form of the card without `signatures` (and
 * without default-valued fields of implicit presence); the card names its DID in the agentid
 * extension, and that DID signed it. Given as text, the card is parsed strictly (no duplicate
 * members, size and depth caps). With `credentials`, the agent must also hold live entitlements
 * for every skill it advertises. A "no" is a value with a code.
 * Codes: ERR_INPUT_INVALID (malformed card or signatures, duplicated signature), ERR_CARD_UNSIGNED,
 * ERR_JWS_MALFORMED, ERR_JWS_ALG, ERR_JWS_HEADER, ERR_DID_INVALID, ERR_DID_UNSUPPORTED, ERR_KEY_WEAK,
 * ERR_SIGNATURE (altered card, another key), ERR_CARD_SIGNER (signed by, or expected, another DID),
 * and with `credentials` ERR_VP_HOLDER_BINDING, ERR_CARD_SKILLS or the presentation's code.
 * @see https://a2a-protocol.org/v1.0.0/specification/#843-signature-verification
 */
export function verifyAgentCard(card: unknown, options: VerifyAgentCardOptions = {}): AgentCardResult {
  try {
    const value = typeof card === 'string' ? parseStrictJson(card, { maxLength: MAX_CARD_LENGTH, maxDepth: 32 }, 'ERR_INPUT_INVALID', 'Agent Card') : card
    if (!isObject(value)) throw agentIdError('ERR_INPUT_INVALID', 'an Agent Card must be a JSON object')
    const signatures = value.signatures
    if (signatures === undefined || (Array.isArray(signatures) && signatures.length === 0)) throw agentIdError('ERR_CARD_UNSIGNED', 'the card carries no signature')
    if (!Array.isArray(signatures) || signatures.length > MAX_SIGNATURES) throw agentIdError('ERR_INPUT_INVALID', `"signatures" must be a list of 1 to ${MAX_SIGNATURES}`)
    // The same signature twice adds nothing and hides a mistake or a probe: refused.
    const seen = new Set(signatures.map((s) => (isObject(s) ? `${String(s.protected)}.${String(s.signature)}` : '')))
    if (seen.size !== signatures.length) throw agentIdError('ERR_INPUT_INVALID', 'the card carries the same signature twice')
    const extension = readAgentIdExtension(value)
    const did = extension.did
    if (options.expectDid !== undefined && did !== options.expectDid) throw agentIdError('ERR_CARD_SIGNER', `the card names ${did}, not the expected ${options.expectDid}`)
    const payload = Buffer.from(agentCardPayload(value)).toString('base64url')
    // Every signature must verify: a card carrying one that does not is refused, whoever made it.
    const signers = signatures.map((s, i) => checkSignature(s, i, payload))
    if (!signers.includes(did)) throw agentIdError('ERR_CARD_SIGNER', `the card names ${did} but is signed by ${[...new Set(signers)].join(', ')}`)
    const skills = options.credentials ? skillCoverage(value, extension, did, options.credentials) : undefined
    return { ok: true, did, card: value, extension, signers: [...new Set(signers)], ...(skills !== undefined ? { skills } : {}) }
  } catch (error) {
    if (isAgentIdError(error)) return { ok: false, code: error.code, message: error.message }
    throw error
  }
}
