import {
  agentIdError,
  conflictsTouched,
  entitlementTouches,
  formatDuration,
  parseActionSet,
  parseDuration,
  parseDutyConflicts,
  parseResourceScope,
  parseRoleName,
  parseStrictJson,
  RISK_LEVELS,
  type DutyConflict,
  type Entitlement,
  type ResourceScope,
  type RiskLevel,
} from '@agentid/core'
import { AGENT_ROLE, BUILT_IN_ROLES } from './principal.js'

/** What a policy says about some actions on some resources. */
export interface PolicyRule {
  readonly resource: ResourceScope
  /** Action names; `*` is any action. */
  readonly actions: readonly string[]
  readonly risk: RiskLevel
  /** Longest lifetime a grant covered by this rule may have, in seconds. */
  readonly maxTtlSeconds?: number
  /**
   * `true`: a grant needs approval even at a risk whose chain is empty (then it is refused).
   * `false`: no approval, whatever the risk. Absent: approval when the risk's chain is not empty.
   */
  readonly approval?: boolean
  /**
   * Whether what this rule covers may be handed on by delegation. Absent: yes, unless it needs
   * approval or is a side of a duty conflict. Where several rules say, `false` wins.
   */
  readonly delegable?: boolean
}

/**
 * The issuer's policy document: risk per resource and action, the approval chain per risk, the
 * duties that conflict, and the timings of requests and reviews. Versioned in the store; every
 * change is audited.
 */
export interface Policy {
  /** Roles that may approve; the chains below may name only these. */
  readonly approverRoles: readonly string[]
  /** Ordered approver roles per risk level. */
  readonly approvalChains: Readonly<Record<RiskLevel, readonly string[]>>
  /** Every rule that overlaps a grant applies: the highest risk and the shortest TTL win. */
  readonly rules: readonly PolicyRule[]
  readonly conflicts: readonly DutyConflict[]
  /** Seconds a pending access request waits for its approvals before it expires. */
  readonly requestTtlSeconds: number
  /** Longest lifetime of a just-in-time grant, in seconds. */
  readonly jitMaxTtlSeconds: number
  /** Seconds between reviews of an open credential, per risk level. */
  readonly reviewIntervalSeconds: Readonly<Record<RiskLevel, number>>
  /** Seconds a reviewer has to decide an item of a review campaign. */
  readonly reviewDeadlineSeconds: number
  /** Revoke items left undecided past their deadline. */
  readonly revokeUnreviewed: boolean
  /** Suspend an agent automatically when monitoring raises an alert of this severity (or `never`, the default). */
  readonly autoSuspend: 'never' | 'critical' | 'high'
  /**
   * What retiring a person does to the agents they own: `retire` them too (the default), or
   * `suspend` them pending a new owner (`POST /agents/<did>/owner`, then resume).
   */
  readonly onOwnerRetired: 'retire' | 'suspend'
  /**
   * The OAuth resource servers (MCP servers) the authorization server issues access tokens for,
   * each with the resources it serves: a token for one carries only the agent's entitlements on
   * those resources. A `resource` not listed here gets no token (RFC 8707 `invalid_target`).
   */
  readonly resourceServers: readonly ResourceServer[]
}

/** An OAuth resource server known to the authorization server. */
export interface ResourceServer {
  /** Its resource identifier (RFC 8707, RFC 9728 `resource`): an absolute http(s) URL without fragment. */
  readonly url: string
  /** agentid resource patterns it serves (`db:customers`, `crm:*`). */
  readonly resources: readonly ResourceScope[]
}

/** How a policy judges a set of entitlements. */
export interface Assessment {
  readonly risk: RiskLevel
  /** The shortest limit of every rule that applies. */
  readonly maxTtlSeconds: number
  /** Ordered approver roles; empty when no approval is needed. */
  readonly chain: readonly string[]
}

const DAY = 86400

/**
 * The policy a new issuer starts with. Safe by default: reading is low risk, anything that
 * changes data (write, update, create, delete, execute) is at least high and needs `ai-ops`
 * then `security`; HR records and payments are high and critical whatever the action; an action
 * no rule names is critical.
 */
export const DEFAULT_POLICY: Policy = {
  approverRoles: ['ai-ops', 'security', 'compliance'],
  approvalChains: { low: [], medium: ['ai-ops'], high: ['ai-ops', 'security'], critical: ['ai-ops', 'security', 'compliance'] },
  rules: [
    { resource: '*', actions: ['read', 'list'], risk: 'low', maxTtlSeconds: 7 * DAY },
    { resource: '*', actions: ['write', 'update', 'create', 'delete', 'execute'], risk: 'high', maxTtlSeconds: DAY },
    { resource: 'hr:*', actions: ['*'], risk: 'high', maxTtlSeconds: DAY },
    { resource: 'payments:*', actions: ['*'], risk: 'critical', maxTtlSeconds: 3600 },
  ],
  conflicts: [
    { name: 'payments-maker-checker', sides: [{ resource: 'payments:*', actions: ['initiate'] }, { resource: 'payments:*', actions: ['approve'] }] },
    { name: 'code-merge-deploy', sides: [{ resource: 'code:*', actions: ['merge'] }, { resource: 'code:*', actions: ['deploy-approve'] }] },
  ],
  requestTtlSeconds: 3 * DAY,
  jitMaxTtlSeconds: 8 * 3600,
  reviewIntervalSeconds: { critical: 30 * DAY, high: 90 * DAY, medium: 180 * DAY, low: 365 * DAY },
  reviewDeadlineSeconds: 14 * DAY,
  revokeUnreviewed: true,
  autoSuspend: 'never',
  onOwnerRetired: 'retire',
  resourceServers: [],
}

const RISK_ORDER: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2, critical: 3 }
const MAX_RULES = 512

/** The higher of two risk levels. */
export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER[a] >= RISK_ORDER[b] ? a : b
}

/**
 * Judges entitlements: every (entitlement, action) pair takes the highest risk of the rules that
 * touch it, and the grant takes the highest of those. A pair no rule touches is `critical`: a
 * policy that forgot something must not make it free.
 */
export function assessEntitlements(policy: Policy, entitlements: readonly Entitlement[]): Assessment {
  let risk: RiskLevel = 'low'
  let maxTtlSeconds = Number.MAX_SAFE_INTEGER
  let approvalForced = false
  let approvalWaived = true
  for (const entitlement of entitlements) {
    for (const action of entitlement.actions) {
      const single = { ...entitlement, actions: [action] }
      const rules = policy.rules.filter((r) => entitlementTouches(single, r.resource, r.actions))
      if (rules.length === 0) {
        risk = 'critical'
        approvalWaived = false
        continue
      }
      for (const rule of rules) {
        risk = maxRisk(risk, rule.risk)
        if (rule.maxTtlSeconds !== undefined) maxTtlSeconds = Math.min(maxTtlSeconds, rule.maxTtlSeconds)
        if (rule.approval === true) approvalForced = true
      }
      if (!rules.every((r) => r.approval === false)) approvalWaived = false
    }
  }
  const riskChain = policy.approvalChains[risk]
  const chain = approvalWaived && !approvalForced ? [] : riskChain
  if (approvalForced && chain.length === 0) throw agentIdError('ERR_FORBIDDEN', `policy requires approval for this grant but names no approvers for risk ${risk}`)
  return { risk, maxTtlSeconds, chain }
}

/**
 * Whether the policy lets an entitlement be handed on by delegation: as the rules that touch it
 * say (`false` wins); where none says, yes unless it needs approval on its own or is a side of a
 * duty conflict (those rights were given to one agent, by name, after people looked).
 */
export function delegableUnder(policy: Policy, entitlement: Entitlement): boolean {
  const said = policy.rules.filter((r) => r.delegable !== undefined && entitlementTouches(entitlement, r.resource, r.actions)).map((r) => r.delegable)
  if (said.length > 0) return !said.includes(false)
  if (conflictsTouched(policy.conflicts, [entitlement]).length > 0) return false
  return assessEntitlements(policy, [entitlement]).chain.length === 0
}

/**
 * Parses a policy document (JSON text or a parsed value). Durations are written `15m`, `24h`,
 * `30d`. Unknown fields are refused: a misspelt rule must not be silently ignored.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parsePolicy(value: unknown): Policy {
  const doc = typeof value === 'string' ? parseStrictJson(value, {}, 'ERR_INPUT_INVALID', 'policy') : value
  const r = object(doc, 'policy', ['approverRoles', 'approvalChains', 'rules', 'conflicts', 'requestTtl', 'jitMaxTtl', 'reviewIntervals', 'reviewDeadline', 'revokeUnreviewed', 'autoSuspend', 'onOwnerRetired', 'resourceServers'])
  const approverRoles = list(r.approverRoles, 'policy.approverRoles', 16).map((role, i) => parseRoleName(role, `policy.approverRoles[${i}]`))
  if (new Set(approverRoles).size !== approverRoles.length) throw agentIdError('ERR_INPUT_INVALID', '"policy.approverRoles" repeats a role')
  for (const reserved of [...BUILT_IN_ROLES, AGENT_ROLE]) {
    if (approverRoles.includes(reserved)) throw agentIdError('ERR_INPUT_INVALID', `"policy.approverRoles" cannot include the built-in role "${reserved}"`)
  }
  const chains = object(r.approvalChains, 'policy.approvalChains', RISK_LEVELS)
  const approvalChains = Object.fromEntries(RISK_LEVELS.map((level) => {
    const chain = list(chains[level], `policy.approvalChains.${level}`, 8).map((role, i) => {
      const name = parseRoleName(role, `policy.approvalChains.${level}[${i}]`)
      if (!approverRoles.includes(name)) throw agentIdError('ERR_INPUT_INVALID', `"policy.approvalChains.${level}[${i}]": "${name}" is not in approverRoles`)
      return name
    })
    if (new Set(chain).size !== chain.length) throw agentIdError('ERR_INPUT_INVALID', `"policy.approvalChains.${level}" repeats a role`)
    return [level, chain]
  })) as Record<RiskLevel, string[]>
  const rules = list(r.rules, 'policy.rules', MAX_RULES).map((rule, i) => parseRule(rule, `policy.rules[${i}]`))
  if (rules.length === 0) throw agentIdError('ERR_INPUT_INVALID', '"policy.rules" must hold at least one rule')
  const intervals = object(r.reviewIntervals, 'policy.reviewIntervals', RISK_LEVELS)
  return {
    approverRoles,
    approvalChains,
    rules,
    conflicts: parseDutyConflicts(r.conflicts ?? [], 'policy.conflicts'),
    requestTtlSeconds: parseDuration(r.requestTtl, 'policy.requestTtl', 30 * DAY),
    jitMaxTtlSeconds: parseDuration(r.jitMaxTtl, 'policy.jitMaxTtl', DAY),
    reviewIntervalSeconds: Object.fromEntries(RISK_LEVELS.map((level) => [level, parseDuration(intervals[level], `policy.reviewIntervals.${level}`, 3 * 366 * DAY)])) as Record<RiskLevel, number>,
    reviewDeadlineSeconds: parseDuration(r.reviewDeadline, 'policy.reviewDeadline', 90 * DAY),
    revokeUnreviewed: bool(r.revokeUnreviewed, 'policy.revokeUnreviewed'),
    autoSuspend: parseAutoSuspend(r.autoSuspend),
    onOwnerRetired: parseOnOwnerRetired(r.onOwnerRetired),
    resourceServers: parseResourceServers(r.resourceServers ?? []),
  }
}

/** The JSON document of a policy, as `parsePolicy` reads it. */
export function policyToJson(policy: Policy): Record<string, unknown> {
  return {
    approverRoles: [...policy.approverRoles],
    approvalChains: Object.fromEntries(RISK_LEVELS.map((l) => [l, [...policy.approvalChains[l]]])),
    rules: policy.rules.map((rule) => ({
      resource: rule.resource,
      actions: [...rule.actions],
      risk: rule.risk,
      ...(rule.maxTtlSeconds !== undefined ? { maxTtl: formatDuration(rule.maxTtlSeconds) } : {}),
      ...(rule.approval !== undefined ? { approval: rule.approval } : {}),
      ...(rule.delegable !== undefined ? { delegable: rule.delegable } : {}),
    })),
    conflicts: policy.conflicts.map((c) => ({ name: c.name, sides: c.sides.map((s) => ({ resource: s.resource, actions: [...s.actions] })) })),
    requestTtl: formatDuration(policy.requestTtlSeconds),
    jitMaxTtl: formatDuration(policy.jitMaxTtlSeconds),
    reviewIntervals: Object.fromEntries(RISK_LEVELS.map((l) => [l, formatDuration(policy.reviewIntervalSeconds[l])])),
    reviewDeadline: formatDuration(policy.reviewDeadlineSeconds),
    revokeUnreviewed: policy.revokeUnreviewed,
    autoSuspend: policy.autoSuspend,
    onOwnerRetired: policy.onOwnerRetired,
    resourceServers: policy.resourceServers.map((server) => ({ url: server.url, resources: [...server.resources] })),
  }
}

function parseResourceServers(value: unknown): ResourceServer[] {
  const servers = list(value, 'policy.resourceServers', 256).map((item, i) => {
    const field = `policy.resourceServers[${i}]`
    const r = object(item, field, ['url', 'resources'])
    const resources = list(r.resources, `${field}.resources`, 64).map((resource, j) => parseResourceScope(resource, `${field}.resources[${j}]`))
    if (resources.length === 0) throw agentIdError('ERR_INPUT_INVALID', `"${field}.resources" must name at least one resource`)
    return { url: parseResourceIndicator(r.url, `${field}.url`), resources }
  })
  if (new Set(servers.map((s) => s.url)).size !== servers.length) throw agentIdError('ERR_INPUT_INVALID', '"policy.resourceServers" lists a URL twice')
  return servers
}

/**
 * A resource indicator (RFC 8707, section 2): an absolute http(s) URL with no fragment, in the
 * form it is compared in (exactly, as the token's `aud`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseResourceIndicator(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a URL of at most 512 characters`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an absolute URL`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '' || value.includes('#') || url.username !== '' || url.password !== '') {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an http(s) URL without fragment or credentials`)
  }
  // Compared as written: the one spelling a resource server publishes in its metadata.
  if (url.href !== value && `${url.href}` !== `${value}/`) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be written in its normal form (${url.href})`)
  return value
}

function parseOnOwnerRetired(value: unknown): Policy['onOwnerRetired'] {
  if (value === undefined) return 'retire'
  if (value !== 'retire' && value !== 'suspend') throw agentIdError('ERR_INPUT_INVALID', '"policy.onOwnerRetired" must be retire or suspend')
  return value
}

function parseAutoSuspend(value: unknown): Policy['autoSuspend'] {
  if (value === undefined) return 'never'
  if (value !== 'never' && value !== 'critical' && value !== 'high') throw agentIdError('ERR_INPUT_INVALID', '"policy.autoSuspend" must be never, critical or high')
  return value
}

function parseRule(value: unknown, field: string): PolicyRule {
  const r = object(value, field, ['resource', 'actions', 'risk', 'maxTtl', 'approval', 'delegable'])
  if (typeof r.risk !== 'string' || !(RISK_LEVELS as readonly string[]).includes(r.risk)) throw agentIdError('ERR_INPUT_INVALID', `"${field}.risk" must be one of ${RISK_LEVELS.join(', ')}`)
  return {
    resource: parseResourceScope(r.resource, `${field}.resource`),
    actions: parseActionSet(r.actions, `${field}.actions`),
    risk: r.risk as RiskLevel,
    ...(r.maxTtl !== undefined ? { maxTtlSeconds: parseDuration(r.maxTtl, `${field}.maxTtl`, 366 * DAY) } : {}),
    ...(r.approval !== undefined ? { approval: bool(r.approval, `${field}.approval`) } : {}),
    ...(r.delegable !== undefined ? { delegable: bool(r.delegable, `${field}.delegable`) } : {}),
  }
}

function object(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object`)
  const extra = Object.keys(value).find((k) => !allowed.includes(k))
  if (extra !== undefined) throw agentIdError('ERR_INPUT_INVALID', `"${field}.${extra}" is not a policy field (expected ${allowed.join(', ')})`)
  return value as Record<string, unknown>
}

function list(value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length > max) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of at most ${max} items`)
  return value
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be true or false`)
  return value
}
