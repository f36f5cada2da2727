import { agentIdError } from '../errors/agentid-error.js'
import { parseAction, type Entitlement } from './entitlement.js'
import { parseResourcePattern, patternCovers } from './resource.js'

/**
 * A resource scope, as policies and duty rules name them: `*` (every resource), `scheme:*`
 * (every resource of a scheme) or a resource pattern (`payments:transfers/*`).
 */
export type ResourceScope = string

const SCHEME_SCOPE = /^[a-z][a-z0-9+.-]{0,31}:\*$/

/**
 * Checks a resource scope.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseResourceScope(value: unknown, field = 'resource'): ResourceScope {
  if (value === '*' || (typeof value === 'string' && SCHEME_SCOPE.test(value))) return value
  try {
    return parseResourcePattern(value, field)
  } catch {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be *, scheme:* or a resource pattern (scheme:path, optionally ending in /*)`)
  }
}

/**
 * True when a scope and an entitlement's resource pattern share at least one resource: a rule
 * about `hr:salaries` applies to a grant of `hr:*`, and the reverse. With wildcards only at the
 * end, two patterns overlap exactly when one covers the other.
 */
export function scopeOverlaps(scope: ResourceScope, pattern: string): boolean {
  if (scope === '*') return true
  if (scope.endsWith(':*')) return pattern.startsWith(scope.slice(0, -1))
  return patternCovers(scope, pattern) || patternCovers(pattern, scope)
}

/** One side of a duty conflict: any of these actions on resources in this scope. */
export interface DutySide {
  readonly resource: ResourceScope
  /** Action names; `*` is any action. */
  readonly actions: readonly string[]
}

/** Two duties that one agent (or one employee with their agents) must never hold together. */
export interface DutyConflict {
  readonly name: string
  readonly sides: readonly [DutySide, DutySide]
}

const RULE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/
const MAX_CONFLICTS = 256

/**
 * Parses a list of duty conflicts (`[{ name, sides: [{ resource, actions }, { ... }] }]`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseDutyConflicts(value: unknown, field = 'conflicts'): DutyConflict[] {
  if (!Array.isArray(value) || value.length > MAX_CONFLICTS) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of at most ${MAX_CONFLICTS} rules`)
  const names = new Set<string>()
  return value.map((item, i) => {
    const at = `${field}[${i}]`
    const r = plainObject(item, at, ['name', 'sides'])
    if (typeof r.name !== 'string' || !RULE_NAME.test(r.name)) throw agentIdError('ERR_INPUT_INVALID', `"${at}.name" must be 1-64 lower-case letters, digits, . _ -`)
    if (names.has(r.name)) throw agentIdError('ERR_INPUT_INVALID', `"${at}.name" repeats rule "${r.name}"`)
    names.add(r.name)
    if (!Array.isArray(r.sides) || r.sides.length !== 2) throw agentIdError('ERR_INPUT_INVALID', `"${at}.sides" must hold exactly two sides`)
    const sides = r.sides.map((side, j) => parseDutySide(side, `${at}.sides[${j}]`)) as [DutySide, DutySide]
    return { name: r.name, sides }
  })
}

function parseDutySide(value: unknown, field: string): DutySide {
  const r = plainObject(value, field, ['resource', 'actions'])
  return { resource: parseResourceScope(r.resource, `${field}.resource`), actions: parseActionSet(r.actions, `${field}.actions`) }
}

/**
 * Parses a non-empty list of action names where `*` stands for any action.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseActionSet(value: unknown, field = 'actions'): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 32) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of 1-32 actions (or ["*"])`)
  const actions = value.map((a, i) => (a === '*' ? '*' : parseAction(a, `${field}[${i}]`)))
  if (new Set(actions).size !== actions.length) throw agentIdError('ERR_INPUT_INVALID', `"${field}" repeats an action`)
  return actions
}

/** True when an entitlement grants some action of the set on some resource of the scope. */
export function entitlementTouches(entitlement: Entitlement, resource: ResourceScope, actions: readonly string[]): boolean {
  if (!scopeOverlaps(resource, entitlement.resource)) return false
  return actions.includes('*') || entitlement.actions.some((a) => actions.includes(a))
}

function holdsSide(side: DutySide, entitlements: readonly Entitlement[]): boolean {
  return entitlements.some((e) => entitlementTouches(e, side.resource, side.actions))
}

/** What stands in the way of a grant: the rule, and who holds the other side. */
export interface DutyConflictFinding<T> {
  readonly rule: string
  /** The holding that has the other side, or `undefined` when the new entitlements hold both. */
  readonly holder: T | undefined
}

/**
 * Finds a conflict that `added` entitlements would create: they hold both sides of a rule, or
 * one side while something in `held` holds the other. Conflicts already present among `held`
 * alone are not reported here (they are not this grant's doing).
 */
export function findDutyConflict<T extends { readonly entitlements: readonly Entitlement[] }>(
  conflicts: readonly DutyConflict[],
  added: readonly Entitlement[],
  held: readonly T[],
): DutyConflictFinding<T> | undefined {
  for (const rule of conflicts) {
    const [a, b] = rule.sides
    const addsA = holdsSide(a, added)
    const addsB = holdsSide(b, added)
    if (addsA && addsB) return { rule: rule.name, holder: undefined }
    if (!addsA && !addsB) continue
    const other = addsA ? b : a
    const holder = held.find((h) => holdsSide(other, h.entitlements))
    if (holder !== undefined) return { rule: rule.name, holder }
  }
  return undefined
}

/**
 * The rules that entitlements touch on either side: the only ones a grant of them can break.
 * A grant that touches none needs no look at what anyone else holds.
 */
export function conflictsTouched(conflicts: readonly DutyConflict[], entitlements: readonly Entitlement[]): DutyConflict[] {
  return conflicts.filter((rule) => holdsSide(rule.sides[0], entitlements) || holdsSide(rule.sides[1], entitlements))
}

/** The first rule whose two sides are both held by these entitlements together. */
export function heldDutyConflict(conflicts: readonly DutyConflict[], entitlements: readonly Entitlement[]): string | undefined {
  return conflicts.find((rule) => holdsSide(rule.sides[0], entitlements) && holdsSide(rule.sides[1], entitlements))?.name
}

function plainObject(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object`)
  const extra = Object.keys(value).find((k) => !allowed.includes(k))
  if (extra !== undefined) throw agentIdError('ERR_INPUT_INVALID', `"${field}.${extra}" is not a known field`)
  return value as Record<string, unknown>
}
