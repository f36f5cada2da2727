import { agentIdError } from '../errors/agentid-error.js'
import type { ErrorCode } from '../errors/codes.js'
import { constraintsToJson, constraintViolation, parseConstraints, type Constraints, type RequestContext } from './constraints.js'
import { parseResource, parseResourcePattern, resourceMatches } from './resource.js'

/** One thing an agent may do: actions on a resource pattern, for a purpose, under constraints. */
export interface Entitlement {
  readonly resource: string
  readonly actions: readonly string[]
  readonly purpose?: string
  readonly constraints?: Constraints
  /**
   * Whether the holder may hand this entitlement on by delegation. The issuer writes it on every
   * entitlement it issues, from its policy; absent, it is delegable unless the credential carries
   * approvals (see {@link attenuationViolation}).
   */
  readonly delegable?: boolean
}

/** A concrete request to authorize. */
export interface AccessRequest {
  readonly resource: string
  readonly action: string
  readonly purpose?: string
  readonly context?: RequestContext
}

const ACTION = /^[a-z][a-z0-9_-]{0,31}$/
const PURPOSE = /^[a-z0-9][a-z0-9._-]{0,63}$/
const MAX_ACTIONS = 16

/**
 * Checks an action name (`read`, `write`, `delete`, lower case).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseAction(value: unknown, field = 'action'): string {
  if (typeof value !== 'string' || !ACTION.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a lower-case action name such as read`)
  return value
}

/**
 * Checks a purpose (`monthly-report`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parsePurpose(value: unknown, field = 'purpose'): string {
  if (typeof value !== 'string' || !PURPOSE.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a lower-case purpose of at most 64 characters`)
  return value
}

/**
 * Parses one entitlement (DESIGN.md, "Entitlement credential").
 * @param options.allowUnknownConstraints see {@link parseConstraints}
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseEntitlement(value: unknown, field = 'entitlement', options: { allowUnknownConstraints?: boolean } = {}): Entitlement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object`)
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (key !== 'resource' && key !== 'actions' && key !== 'purpose' && key !== 'constraints' && key !== 'delegable') {
      throw agentIdError('ERR_INPUT_INVALID', `"${field}.${key}" is not an entitlement field`)
    }
  }
  const resource = parseResourcePattern(record.resource, `${field}.resource`)
  const actions = record.actions
  if (!Array.isArray(actions) || actions.length === 0 || actions.length > MAX_ACTIONS) {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}.actions" must be a list of 1 to ${MAX_ACTIONS} actions`)
  }
  const seen = new Set<string>()
  for (const [i, action] of actions.entries()) {
    parseAction(action, `${field}.actions[${i}]`)
    if (seen.has(action as string)) throw agentIdError('ERR_INPUT_INVALID', `"${field}.actions[${i}]" repeats "${action as string}"`)
    seen.add(action as string)
  }
  const out: { -readonly [K in keyof Entitlement]: Entitlement[K] } = { resource, actions: actions as string[] }
  if (record.purpose !== undefined) out.purpose = parsePurpose(record.purpose, `${field}.purpose`)
  if (record.constraints !== undefined) {
    out.constraints = parseConstraints(record.constraints, `${field}.constraints`, { allowUnknown: options.allowUnknownConstraints ?? false })
  }
  if (record.delegable !== undefined) {
    if (typeof record.delegable !== 'boolean') throw agentIdError('ERR_INPUT_INVALID', `"${field}.delegable" must be true or false`)
    out.delegable = record.delegable
  }
  return out
}

/**
 * Parses a non-empty list of entitlements.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseEntitlements(value: unknown, field = 'entitlements', options: { allowUnknownConstraints?: boolean } = {}): Entitlement[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 64) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of 1 to 64 entitlements`)
  return value.map((v, i) => parseEntitlement(v, `${field}[${i}]`, options))
}

/** The JSON form of an entitlement, as it appears in a credential. */
export function entitlementToJson(entitlement: Entitlement): Record<string, unknown> {
  const out: Record<string, unknown> = { resource: entitlement.resource, actions: [...entitlement.actions] }
  if (entitlement.purpose !== undefined) out.purpose = entitlement.purpose
  if (entitlement.constraints !== undefined) out.constraints = constraintsToJson(entitlement.constraints)
  if (entitlement.delegable !== undefined) out.delegable = entitlement.delegable
  return out
}

/**
 * Checks a request: resource, action and purpose well formed, and context values of the right
 * types (`time` a finite number of milliseconds or a valid Date, `ip` a string, `records` a
 * non-negative integer). Matching never sees a value it could misread.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseAccessRequest(request: AccessRequest): AccessRequest {
  if (typeof request !== 'object' || request === null) throw agentIdError('ERR_INPUT_INVALID', 'request must be an object')
  parseResource(request.resource, 'resource')
  parseAction(request.action, 'action')
  if (request.purpose !== undefined) parsePurpose(request.purpose, 'purpose')
  const context = request.context
  if (context === undefined) return request
  if (typeof context !== 'object' || context === null) throw agentIdError('ERR_INPUT_INVALID', '"context" must be an object')
  const { time, ip, records } = context
  if (time !== undefined && !(typeof time === 'number' ? Number.isFinite(time) : time instanceof Date && Number.isFinite(time.getTime()))) {
    throw agentIdError('ERR_INPUT_INVALID', '"context.time" must be milliseconds since the epoch or a valid Date')
  }
  if (ip !== undefined && typeof ip !== 'string') throw agentIdError('ERR_INPUT_INVALID', '"context.ip" must be a string')
  if (records !== undefined && (typeof records !== 'number' || !Number.isSafeInteger(records) || records < 0)) {
    throw agentIdError('ERR_INPUT_INVALID', '"context.records" must be a non-negative integer')
  }
  return request
}

/** Outcome of matching a request against entitlements. */
export type EntitlementMatch =
  | { readonly allow: true; readonly index: number; readonly entitlement: Entitlement }
  | { readonly allow: false; readonly code: ErrorCode; readonly message: string }

// The most specific reason wins: a purpose mismatch says more than "not entitled", a violated
// constraint more than a purpose mismatch.
const RANK: Partial<Record<ErrorCode, number>> = { ERR_NOT_ENTITLED: 0, ERR_PURPOSE: 1, ERR_CONSTRAINT: 2 }

/**
 * Deny-by-default matching (DESIGN.md, "Matching rules"): allowed when one entitlement covers the
 * resource, lists the action exactly, names no purpose or the request's purpose, and has every
 * constraint satisfied by the request context. `nowMs` is used when the context has no time.
 */
export function matchEntitlements(entitlements: readonly Entitlement[], request: AccessRequest, nowMs: number): EntitlementMatch {
  let best: { code: ErrorCode; message: string } = {
    code: 'ERR_NOT_ENTITLED',
    message: `no entitlement allows ${request.action} on ${request.resource}`,
  }
  for (let i = 0; i < entitlements.length; i++) {
    const e = entitlements[i]!
    if (!resourceMatches(e.resource, request.resource) || !e.actions.includes(request.action)) continue
    let failure: { code: ErrorCode; message: string } | undefined
    if (e.purpose !== undefined && e.purpose !== request.purpose) {
      failure = { code: 'ERR_PURPOSE', message: `${request.action} on ${request.resource} is granted only for purpose "${e.purpose}"` }
    } else if (e.constraints !== undefined) {
      const violation = constraintViolation(e.constraints, request.context ?? {}, nowMs)
      if (violation !== undefined) failure = { code: 'ERR_CONSTRAINT', message: violation }
    }
    if (failure === undefined) return { allow: true, index: i, entitlement: e }
    if (RANK[failure.code]! > RANK[best.code]!) best = failure
  }
  return { allow: false, ...best }
}
