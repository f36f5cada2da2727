import { agentIdError, parseAccessRequest, parseDidKey, type AccessRequest } from '@agentid/core'
import { HANDSHAKE_PATH } from '@agentid/agent'

/**
 * URI of the agentid A2A extension (docs/a2a.md): the card's DID, the mutual handshake, and
 * the entitlement each skill needs. Declared in the card's `capabilities.extensions`; a client
 * that uses it names it in the `A2A-Extensions` request header.
 */
export const AGENTID_EXTENSION_URI = 'https://agentid.dev/a2a/ext/mutual/v1'

/** The extension's `params`: who the agent is, where it shakes hands, what each skill needs. */
export interface AgentIdExtensionParams {
  /** The agent's did:key: the card must be signed by its key (`kid` = this DID's key id). */
  readonly did: string
  /** Path of the mutual handshake at the agent's origin (`/.well-known/agentid/handshake`). */
  readonly handshake: string
  /**
   * Skill id → the entitlements a caller can expect the agent to hold for it (all of them).
   * A card verifier that checks the agent's credentials refuses a skill without an entry.
   */
  readonly skills?: Readonly<Record<string, readonly AccessRequest[]>>
}

/** An `AgentExtension` entry of `capabilities.extensions`. */
export interface AgentIdExtension {
  readonly uri: typeof AGENTID_EXTENSION_URI
  readonly description: string
  readonly required: boolean
  readonly params: AgentIdExtensionParams
}

/**
 * The extension entry to put in a card's `capabilities.extensions`.
 * `required` (default true): the server refuses calls without the handshake and proofs, so a
 * client that does not speak the extension cannot use the agent (A2A spec, extensions).
 * @throws AgentIdError ERR_DID_INVALID, ERR_DID_UNSUPPORTED, ERR_INPUT_INVALID (a skill's entitlement)
 */
export function agentIdExtension(options: { did: string; skills?: Readonly<Record<string, readonly AccessRequest[]>>; required?: boolean }): AgentIdExtension {
  parseDidKey(options.did)
  const skills = options.skills === undefined ? undefined : parseSkillMap(options.skills, 'skills')
  return {
    uri: AGENTID_EXTENSION_URI,
    description: 'agentid: the card is signed by the agent DID named here; calls need the mutual handshake and a proof per request',
    required: options.required ?? true,
    params: { did: options.did, handshake: HANDSHAKE_PATH, ...(skills !== undefined ? { skills } : {}) },
  }
}

function parseSkillMap(value: unknown, field: string): Record<string, readonly AccessRequest[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object of skill id to entitlements`)
  const out: Record<string, readonly AccessRequest[]> = {}
  for (const [skill, list] of Object.entries(value)) {
    if (!Array.isArray(list) || list.length === 0 || list.length > 16) throw agentIdError('ERR_INPUT_INVALID', `"${field}.${skill}" must be a list of 1 to 16 entitlements`)
    out[skill] = list.map((r, i) => {
      if (typeof r !== 'object' || r === null) throw agentIdError('ERR_INPUT_INVALID', `"${field}.${skill}[${i}]" must be { resource, action, purpose? }`)
      const { resource, action, purpose } = r as Record<string, unknown>
      if (typeof resource !== 'string' || typeof action !== 'string' || (purpose !== undefined && typeof purpose !== 'string')) {
        throw agentIdError('ERR_INPUT_INVALID', `"${field}.${skill}[${i}]" must be { resource, action, purpose? } of strings`)
      }
      return parseAccessRequest({ resource, action, ...(purpose !== undefined ? { purpose } : {}) })
    })
  }
  return out
}

/**
 * The agentid extension a card declares: exactly one entry with {@link AGENTID_EXTENSION_URI},
 * whose `params.did` is a did:key.
 * @throws AgentIdError ERR_INPUT_INVALID (none, several, or malformed params), ERR_DID_INVALID, ERR_DID_UNSUPPORTED
 */
export function readAgentIdExtension(card: Readonly<Record<string, unknown>>): AgentIdExtensionParams {
  const capabilities = card.capabilities as { extensions?: unknown } | undefined
  const extensions = capabilities?.extensions
  const ours = Array.isArray(extensions) ? extensions.filter((e) => (e as { uri?: unknown } | null)?.uri === AGENTID_EXTENSION_URI) : []
  if (ours.length !== 1) throw agentIdError('ERR_INPUT_INVALID', `the card must declare the extension ${AGENTID_EXTENSION_URI} exactly once in capabilities.extensions (found ${ours.length})`)
  const params = (ours[0] as { params?: unknown }).params
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw agentIdError('ERR_INPUT_INVALID', 'the agentid extension has no params object')
  const { did, handshake, skills } = params as Record<string, unknown>
  if (typeof did !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'the agentid extension params name no "did"')
  parseDidKey(did)
  if (typeof handshake !== 'string' || !handshake.startsWith('/') || handshake.length > 256) throw agentIdError('ERR_INPUT_INVALID', 'the agentid extension params "handshake" must be a path')
  return { did, handshake, ...(skills !== undefined ? { skills: parseSkillMap(skills, 'params.skills') } : {}) }
}
