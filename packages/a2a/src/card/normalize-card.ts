import { agentIdError } from '@agentid/core'

type Json = Record<string, unknown>

// Fields of the A2A v1.0 AgentCard messages (specification/a2a.proto) that are neither REQUIRED
// nor `optional`: proto3 fields with implicit presence, left out of the canonical form when they
// hold their default (spec 8.4.1, rule 1). Optional and required fields stay as given.
const IMPLICIT: Readonly<Record<string, Readonly<Record<string, 'string' | 'bool' | 'list' | 'map'>>>> = {
  card: { securitySchemes: 'map', securityRequirements: 'list' },
  interface: { tenant: 'string' },
  capabilities: { extensions: 'list' },
  extension: { uri: 'string', description: 'string', required: 'bool' },
  skill: { examples: 'list', inputModes: 'list', outputModes: 'list', securityRequirements: 'list' },
}

function isDefault(value: unknown, kind: 'string' | 'bool' | 'list' | 'map'): boolean {
  switch (kind) {
    case 'string': return value === ''
    case 'bool': return value === false
    case 'list': return Array.isArray(value) && value.length === 0
    case 'map': return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A copy of `message` without `undefined` members and without implicit-presence fields at their default. */
function prune(message: unknown, kind: keyof typeof IMPLICIT): unknown {
  if (!isObject(message)) return message
  const rules = IMPLICIT[kind] ?? {}
  const out: Json = {}
  for (const [name, value] of Object.entries(message)) {
    if (value === undefined) continue
    const rule = rules[name]
    if (rule !== undefined && isDefault(value, rule)) continue
    out[name] = value
  }
  return out
}

const eachOf = (list: unknown, kind: keyof typeof IMPLICIT) => (Array.isArray(list) ? list.map((m) => prune(m, kind)) : list)

/**
 * The Agent Card as it is signed (A2A spec 8.4.1): without `signatures`, and without the fields of
 * implicit presence (proto3, neither REQUIRED nor `optional`) that hold their default value ("",
 * false, [], {}), at the card, interface, capabilities, extension and skill levels; members whose
 * value is `undefined` are absent. Fields outside the v1.0 schema are kept, so the signature
 * covers them (the SDK drops them, leaving them unsigned: docs/a2a.md).
 * @throws AgentIdError ERR_INPUT_INVALID when the card is not a JSON object
 */
export function normalizeAgentCard(card: unknown): Json {
  if (!isObject(card)) throw agentIdError('ERR_INPUT_INVALID', 'an Agent Card must be a JSON object')
  const { signatures: _signatures, ...rest } = card
  const out = prune(rest, 'card') as Json
  if ('supportedInterfaces' in out) out.supportedInterfaces = eachOf(out.supportedInterfaces, 'interface')
  if ('skills' in out) out.skills = eachOf(out.skills, 'skill')
  if (isObject(out.capabilities)) {
    const capabilities = prune(out.capabilities, 'capabilities') as Json
    if ('extensions' in capabilities) capabilities.extensions = eachOf(capabilities.extensions, 'extension')
    out.capabilities = capabilities
  }
  return out
}
