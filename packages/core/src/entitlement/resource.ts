import { agentIdError } from '../errors/agentid-error.js'

// scheme:segment/segment… ; a pattern may end in "/*" (any deeper path) and nowhere else.
const SCHEME = '[a-z][a-z0-9+.-]{0,31}'
const SEGMENT = '[A-Za-z0-9._~@-]+'
const RESOURCE = new RegExp(`^${SCHEME}:${SEGMENT}(?:/${SEGMENT})*$`)
const PATTERN = new RegExp(`^${SCHEME}:${SEGMENT}(?:/${SEGMENT})*(?:/\\*)?$`)
const MAX_RESOURCE_LENGTH = 256

/**
 * Checks a concrete resource name (`db:customers`, `crm:accounts/eu/42`). Segments may not be
 * `.` or `..`, so that no two names denote the same resource.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseResource(value: unknown, field = 'resource'): string {
  if (typeof value !== 'string' || value.length > MAX_RESOURCE_LENGTH || !RESOURCE.test(value) || hasDotSegment(value)) {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be scheme:path (letters, digits, . _ ~ @ -; segments separated by /)`)
  }
  return value
}

/**
 * Checks a resource pattern: a resource name, optionally ending in `/*`.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseResourcePattern(value: unknown, field = 'resource'): string {
  if (typeof value !== 'string' || value.length > MAX_RESOURCE_LENGTH || !PATTERN.test(value) || hasDotSegment(value)) {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be scheme:path, optionally ending in /*`)
  }
  return value
}

// A "." or ".." segment: right after the scheme's colon or a slash, up to a slash or the end.
const DOT_SEGMENT = /[:/]\.{1,2}(?:\/|$)/

function hasDotSegment(value: string): boolean {
  return DOT_SEGMENT.test(value)
}

/**
 * True when `resource` is covered by `pattern`: equal, or under it when the pattern ends in `/*`
 * (`db:hr/*` covers `db:hr/payroll` and deeper, not `db:hr` itself nor `db:hr2/x`).
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern.endsWith('/*')) {
    const base = pattern.slice(0, -1) // keeps the "/"
    return resource.length > base.length && resource.startsWith(base)
  }
  return pattern === resource
}

/**
 * True when every resource `inner` covers is also covered by `outer` (used to scope trusted
 * issuers and, later, to check delegation).
 */
export function patternCovers(outer: string, inner: string): boolean {
  if (!outer.endsWith('/*')) return outer === inner
  // Compare with the trailing "*" dropped: "db:hr/" covers "db:hr/" (the same pattern),
  // "db:hr/payroll/" (a narrower pattern) and "db:hr/payroll" (a resource under it).
  const innerBase = inner.endsWith('/*') ? inner.slice(0, -1) : inner
  return innerBase.startsWith(outer.slice(0, -1))
}
