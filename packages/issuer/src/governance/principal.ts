import { createHash, randomBytes } from 'node:crypto'
import { agentIdError, parseRoleName } from '@agentid/core'
import type { AgentRecord } from '../store/issuer-store.js'

/** Who acts: a person or service authenticated by a bearer token, or the local operator. */
export interface Principal {
  readonly id: string
  readonly roles: readonly string[]
  /** A person's DID, when they have one: they own the agents whose owner it is. */
  readonly did?: string
  /** Milliseconds since the epoch after which its token is refused. */
  readonly expiresAt?: number
}

/** Roles every issuer knows; approver roles come from the policy. */
export const BUILT_IN_ROLES = ['admin', 'reviewer', 'auditor', 'agent-owner', 'reporter', 'metrics'] as const

/**
 * The role of an agent authenticated by its own presentation (never held by a token principal):
 * it may ask for access for itself, nothing else.
 */
export const AGENT_ROLE = 'agent'

/**
 * The local operator of the CLI: whoever can open the database and its key-encryption key
 * already controls the issuer, so they act as an admin, under their login name.
 */
export function operator(id: string): Principal {
  return { id, roles: ['admin'] }
}

/** A string actor is the local operator; a principal is itself. */
export function asPrincipal(actor: string | Principal): Principal {
  return typeof actor === 'string' ? operator(actor) : actor
}

export function hasRole(principal: Principal, role: string): boolean {
  return principal.roles.includes(role)
}

/** True when the principal is accountable for the agent (its owner, by id or DID). */
export function owns(principal: Principal, agent: AgentRecord): boolean {
  return agent.owner === principal.id || (principal.did !== undefined && agent.owner === principal.did)
}

/** Admins act on any agent; an agent owner on their own; an agent on itself. */
export function mayActOn(principal: Principal, agent: AgentRecord): boolean {
  if (hasRole(principal, 'admin')) return true
  if (hasRole(principal, 'agent-owner') && owns(principal, agent)) return true
  return hasRole(principal, AGENT_ROLE) && principal.did === agent.did
}

/**
 * Who sees which agents: a principal with a reader role (admin, auditor, reviewer, an approver
 * role) sees the inventory; one with only narrow roles (agent owner, agent, reporter) its own. What a principal may not see does not exist for them.
 */
export function canSee(principal: Principal, agent: AgentRecord): boolean {
  return readsInventory(principal) || owns(principal, agent) || principal.did === agent.did
}

/** Roles that read nothing beyond their own: an owner's agents, an agent itself, a reporter's events, a metrics scraper's `/metrics`. */
const NARROW_ROLES: ReadonlySet<string> = new Set(['agent-owner', AGENT_ROLE, 'reporter', 'metrics'])

/** Whether the principal holds a role that reads the whole inventory (admin, auditor, reviewer, an approver role). */
export function readsInventory(principal: Principal): boolean {
  return principal.roles.some((r) => !NARROW_ROLES.has(r))
}

/**
 * {@link mayActOn}, or a refusal that tells nothing the principal may not see: ERR_NOT_FOUND for an
 * agent outside its view (no probing for other owners' agents), ERR_FORBIDDEN otherwise.
 * @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN
 */
export function assertMayActOn(principal: Principal, agent: AgentRecord, what: string): void {
  if (mayActOn(principal, agent)) return
  if (!canSee(principal, agent)) throw agentIdError('ERR_NOT_FOUND', `agent ${agent.did} is not enrolled`)
  throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not ${what} for ${agent.did}: only an admin, the agent's owner or the agent itself may`)
}

/** A fresh bearer token: `aid_` and 32 random bytes. */
export function newToken(): string {
  return `aid_${randomBytes(32).toString('base64url')}`
}

/** Tokens are stored only as this hash. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const TOKEN = /^aid_[A-Za-z0-9_-]{43}$/

/** True when a string has the shape of a token (checked before hashing and looking it up). */
export function isTokenShaped(value: string): boolean {
  return TOKEN.test(value)
}

/**
 * Parses a principal's roles: built-in roles and the policy's approver roles only.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parsePrincipalRoles(value: unknown, approverRoles: readonly string[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 8) throw agentIdError('ERR_INPUT_INVALID', '"roles" must be a list of 1-8 roles')
  const known = [...BUILT_IN_ROLES, ...approverRoles]
  const roles = value.map((r, i) => {
    const role = parseRoleName(r, `roles[${i}]`)
    if (!known.includes(role)) throw agentIdError('ERR_INPUT_INVALID', `"roles[${i}]": "${role}" is not a role (known: ${known.join(', ')})`)
    return role
  })
  if (new Set(roles).size !== roles.length) throw agentIdError('ERR_INPUT_INVALID', '"roles" repeats a role')
  return roles
}
