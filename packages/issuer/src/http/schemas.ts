import { agentIdError, AGENT_KINDS } from '@agentid/core'
import type { AgentPosition } from '../store/issuer-store.js'

// JSON Schemas of the request bodies (OpenAPI 3.1 uses JSON Schema 2020-12; these keep to the
// subset Ajv and OpenAPI read alike). They bound sizes and reject unknown fields; the engine then
// parses every value strictly (resource grammar, did:key, durations) with its own error codes.

type Schema = Record<string, unknown>

const text = (maxLength: number, extra: Schema = {}): Schema => ({ type: 'string', minLength: 1, maxLength, ...extra })
// No control characters in free text: they end up in terminals and logs.
const freeText = (maxLength: number): Schema => ({ type: 'string', maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })

export const did: Schema = text(128, { pattern: '^did:' })
export const duration: Schema = { type: 'string', pattern: '^[1-9][0-9]{0,7}[smhd]$', description: '30s, 15m, 24h, 7d' }

export const entitlement: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['resource', 'actions'],
  properties: {
    resource: text(256),
    actions: { type: 'array', minItems: 1, maxItems: 16, items: text(32) },
    purpose: text(64),
    constraints: { type: 'object', maxProperties: 8 },
  },
}

const entitlements: Schema = { type: 'array', minItems: 1, maxItems: 16, items: entitlement }

const task: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: text(128, { pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' }), description: freeText(256) },
}

export const accessRequestBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['subject', 'entitlements', 'ttl'],
  properties: {
    subject: did,
    entitlements,
    ttl: duration,
    task,
    jit: { type: 'boolean' },
    justification: freeText(512),
    renewableFor: duration,
    format: { enum: ['vc', 'sd-jwt'] },
  },
}

export const offerBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    txCode: { type: 'boolean' },
    ttl: duration,
    also: { type: 'array', maxItems: 63, items: text(128) },
  },
}

export const decisionBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { role: text(32), reason: freeText(512) },
}

export const reasonBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: freeText(512) },
}

export const agentBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['did', 'name', 'kind', 'owner'],
  properties: {
    did,
    name: text(64),
    kind: { enum: [...AGENT_KINDS] },
    owner: text(128),
    segment: text(64),
    role: text(64),
  },
}

export const principalBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'roles'],
  properties: { id: text(128), roles: { type: 'array', minItems: 1, maxItems: 8, items: text(32) }, did, ttl: duration },
}

export const principalRolesBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['roles'],
  properties: { roles: { type: 'array', minItems: 1, maxItems: 8, items: text(32) } },
}

export const delegationReportBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['chain'],
  properties: { chain: { type: 'array', minItems: 2, maxItems: 8, items: { type: 'string', minLength: 1, maxLength: 16384 } } },
}

export const ownerBody: Schema = { type: 'object', additionalProperties: false, required: ['owner'], properties: { owner: text(128) } }

export const rotateBody: Schema = { type: 'object', additionalProperties: false, properties: { ttl: duration } }

export const roleBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'entitlements', 'ttl'],
  properties: { description: freeText(256), entitlements, ttl: duration },
}

// The policy document is checked field by field by parsePolicy (unknown fields refused there);
// here only its outer shape and size.
export const policyBody: Schema = { type: 'object', maxProperties: 16 }

export const webhookBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: { url: text(2048), events: { type: 'array', minItems: 1, maxItems: 4, items: text(32) } },
}

/** A batch of verification events (the verifier library's `VerificationEvent`). */
export const eventsBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    events: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['at', 'agent', 'decision'],
        properties: {
          at: { type: 'integer', minimum: 0, maximum: 8640000000000000 },
          agent: did,
          decision: { enum: ['allow', 'deny'] },
          code: text(64, { pattern: '^ERR_[A-Z_]+$' }),
          credential: text(256),
          resource: text(256),
          action: text(32),
          purpose: text(64),
          records: { type: 'integer', minimum: 0, maximum: 1e12 },
          ip: text(64, { pattern: '^[0-9a-fA-F:.]+$' }),
          segment: text(64),
          verifier: did,
        },
      },
    },
  },
}

/** For actions that take no input: a body, when sent, must be `{}`. */
export const emptyBody: Schema = { type: 'object', additionalProperties: false, maxProperties: 0 }

export const reviewBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: text(64), all: { type: 'boolean' } },
}

export const idParam = (name: string, maxLength = 200): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: [name],
  properties: { [name]: text(maxLength) },
})

export const errorResponse: Schema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
}

/** The console's sign-in: a principal's bearer token, exchanged for a session cookie. */
export const loginBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', minLength: 8, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' } },
}

export const ackBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { note: freeText(512) },
}

/** The query of a paged list: `limit` 1 to 200 (default 50), `offset` from 0. */
export const pageQuery: Schema = { limit: { type: 'string', pattern: '^[0-9]{1,3}$' }, offset: { type: 'string', pattern: '^[0-9]{1,7}$' } }

/**
 * The page a query asks for.
 * @throws AgentIdError ERR_INPUT_INVALID for a limit out of 1..200
 */
export function pageOf(query: Record<string, string | undefined>): { limit: number; offset: number } {
  const limit = query.limit === undefined ? 50 : Number(query.limit)
  const offset = query.offset === undefined ? 0 : Number(query.offset)
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 200) throw agentIdError('ERR_INPUT_INVALID', '"limit" must be a whole number from 1 to 200')
  if (!Number.isSafeInteger(offset) || offset < 0) throw agentIdError('ERR_INPUT_INVALID', '"offset" must be a whole number from 0')
  return { limit, offset }
}

/** The `after` query of a keyset-paged list: a cursor from a previous page's `next`; empty for the first page. */
export const cursorQuery: Schema = { after: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]*$' } }

/** The cursor (`next`, then `after`) of an agent's place in the inventory: opaque to clients. */
export function agentCursor(position: AgentPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.did])).toString('base64url')
}

/**
 * Reads back a cursor {@link agentCursor} made.
 * @throws AgentIdError ERR_INPUT_INVALID for anything else
 */
export function parseAgentCursor(cursor: string): AgentPosition {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    value = undefined
  }
  const [createdAt, did] = Array.isArray(value) && value.length === 2 ? value as unknown[] : []
  if (!Number.isSafeInteger(createdAt) || (createdAt as number) < 0 || typeof did !== 'string' || did.length === 0 || did.length > 256) {
    throw agentIdError('ERR_INPUT_INVALID', '"after" must be the "next" cursor of a previous page')
  }
  return { createdAt: createdAt as number, did }
}

// Monitoring controls (issue 21): the shapes here; ranges, kinds and what may not be silenced are
// checked by the monitor's parsers, which name the field.
export const monitoringControlsBody: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    learnMinutes: { type: 'number' },
    learnEvents: { type: 'number' },
    matureHours: { type: 'number' },
    sensitivity: { type: 'object', maxProperties: 32, additionalProperties: { type: 'number' } },
  },
}

export const suppressionBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['minutes', 'reason'],
  properties: { agent: text(256), kind: text(64), about: text(256), minutes: { type: 'number' }, reason: freeText(500) },
}

export const feedbackBody: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict'],
  properties: { verdict: { type: 'string', enum: ['benign', 'confirmed'] }, note: freeText(500) },
}
