import { createHash } from 'node:crypto'
import { agentIdError, encodeBase64url, entitlementToJson, KB_JWT_TYPE, parseDidKey, parseEntitlement } from '@agentid/core'
import { checkSdJwtCredential, disclosureDigest } from '@agentid/verifier'
import { signCompact, type AgentKey } from '../key/agent-key.js'

/** Options of {@link createSdJwtPresentation}. */
export interface SdJwtPresentationOptions {
  readonly key: AgentKey
  /** The SD-JWT VC as issued to this agent (`<issuer-signed JWT>~<disclosure>~…~`). */
  readonly credential: string
  /**
   * What to reveal (docs/formats.md, "Selectors"): `<resource>` or `<resource>:<action>` for the
   * entitlements on that resource (with that action), `#<n>` for the n-th entitlement (from 0),
   * `agent.name`, `agent.owner`, `agent.segment`, `agent.*`, and `*` for everything. A selector
   * that matches nothing is an error: a typo must not silently present less.
   */
  readonly disclose: readonly string[]
  /** The verifier's DID (KB-JWT `aud`). */
  readonly audience: string
  /** The verifier's challenge (KB-JWT `nonce`). */
  readonly challenge: string
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
}

const KB_HEADER = encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: KB_JWT_TYPE }))
const AGENT_FIELDS = ['name', 'owner', 'segment'] as const

interface Candidate {
  readonly text: string
  readonly kind: 'entitlement' | 'agent'
  /** Position among the credential's entitlements, or the agent field's name. */
  readonly index: number
  readonly field?: string
  readonly resource?: string
  readonly actions?: readonly string[]
}

function decodeJson(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
}

/**
 * Makes an SD-JWT VC presentation (RFC 9901, section 4.3): the issuer-signed JWT, only the
 * disclosures that `disclose` selects, and a Key Binding JWT (`typ: kb+jwt`) signed by the agent
 * with `aud` = the verifier, `nonce` = its challenge, `iat` and `sd_hash` over what precedes it.
 * The credential is checked first (signature, disclosures): an agent presents only what is its own.
 * @throws AgentIdError ERR_INPUT_INVALID (a selector that matches nothing), ERR_VP_HOLDER_BINDING
 *   (a credential of another agent), ERR_DID_*, and the checks of checkSdJwtCredential
 */
export function createSdJwtPresentation(options: SdJwtPresentationOptions): string {
  const audience = parseDidKey(options.audience).did
  if (typeof options.challenge !== 'string' || options.challenge.length === 0 || options.challenge.length > 256) {
    throw agentIdError('ERR_INPUT_INVALID', 'challenge must be a non-empty string of at most 256 characters')
  }
  if (!Array.isArray(options.disclose)) throw agentIdError('ERR_USAGE', 'disclose must be a list of selectors')
  const credential = checkSdJwtCredential(options.credential)
  if (credential.subject !== options.key.did) throw agentIdError('ERR_VP_HOLDER_BINDING', `the credential is issued to ${credential.subject}, not to this agent`)

  // Which disclosure is which, read from where its digest sits in the (already checked) payload.
  const [jwt, ...rest] = options.credential.split('~')
  const disclosures = rest.slice(0, -1)
  const payload = decodeJson(jwt!.split('.')[1]!) as { agent?: { _sd?: unknown }; entitlements?: unknown }
  const byDigest = new Map(disclosures.map((d) => [disclosureDigest(d), d]))
  const candidates: Candidate[] = []
  const agentDigests = Array.isArray(payload.agent?._sd) ? (payload.agent._sd as unknown[]) : []
  for (const digest of agentDigests) {
    const text = byDigest.get(digest as string)
    if (text === undefined) continue
    const [, field] = decodeJson(text) as [string, string, unknown]
    candidates.push({ text, kind: 'agent', index: -1, field })
  }
  let position = 0
  for (const element of Array.isArray(payload.entitlements) ? payload.entitlements : []) {
    const digest = typeof element === 'object' && element !== null ? (element as Record<string, unknown>)['...'] : undefined
    const text = typeof digest === 'string' ? byDigest.get(digest) : undefined
    if (text === undefined) continue
    const entitlement = parseEntitlement((decodeJson(text) as [string, unknown])[1], `entitlements[${position}]`, { allowUnknownConstraints: true })
    candidates.push({ text, kind: 'entitlement', index: position++, resource: entitlement.resource, actions: entitlementToJson(entitlement).actions as string[] })
  }

  const chosen = new Set<string>()
  for (const selector of options.disclose) {
    if (typeof selector !== 'string' || selector.length === 0) throw agentIdError('ERR_INPUT_INVALID', 'a selector must be a non-empty string')
    const matches = candidates.filter((c) => selects(selector, c))
    if (matches.length === 0) throw agentIdError('ERR_INPUT_INVALID', `selector ${JSON.stringify(selector)} matches nothing in the credential`)
    for (const m of matches) chosen.add(m.text)
  }
  // In the credential's order: the verifier does not care, and it says nothing about the selection.
  const presented = `${jwt}~${disclosures.filter((d) => chosen.has(d)).map((d) => `${d}~`).join('')}`
  const iat = Math.floor((options.now ?? Date.now)() / 1000)
  const sdHash = createHash('sha256').update(presented, 'latin1').digest('base64url')
  return presented + signCompact(options.key, KB_HEADER, { iat, aud: audience, nonce: options.challenge, sd_hash: sdHash })
}

function selects(selector: string, c: Candidate): boolean {
  if (selector === '*') return true
  if (c.kind === 'agent') return selector === 'agent.*' || selector === `agent.${c.field}`
  if (selector.startsWith('#')) return /^#(0|[1-9][0-9]{0,2})$/.test(selector) && Number(selector.slice(1)) === c.index
  if (selector === c.resource) return true
  return c.actions!.some((a) => selector === `${c.resource}:${a}`)
}

/** The agent fields an SD-JWT VC may disclose, for selectors and help texts. */
export const SD_JWT_AGENT_FIELDS: readonly string[] = AGENT_FIELDS
