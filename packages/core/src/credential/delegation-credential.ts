import { agentIdError } from '../errors/agentid-error.js'
import { entitlementToJson, parseEntitlements, type Entitlement } from '../entitlement/entitlement.js'
import { parseTaskId, type TaskRef } from './entitlement-credential.js'

/** `type` of a delegation credential. */
export const DELEGATION_CREDENTIAL_TYPE = 'AgentDelegationCredential'
/**
 * The largest remaining depth a delegation may carry: a presentation holds at most 8 credentials,
 * so a chain has at most 7 delegations below its root.
 */
export const MAX_DELEGATION_DEPTH = 6

/** `credentialSubject` of a delegation credential, less its `id` (carried by `sub`). */
export interface DelegationSubject {
  /** What the delegator hands on: within the parent's entitlements. */
  readonly entitlements: readonly Entitlement[]
  /** The id (`jti`) of the credential this one is delegated from. */
  readonly parent: string
  /** How many further delegations may hang below this one (0: none). */
  readonly depth: number
  readonly task?: TaskRef
}

/**
 * Parses the subject of an AgentDelegationCredential. Unknown constraints are kept, as for
 * entitlement credentials, so that they deny.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseDelegationSubject(value: unknown, field = 'credentialSubject'): DelegationSubject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object`)
  const r = value as Record<string, unknown>
  if (typeof r.parent !== 'string' || r.parent.length === 0 || r.parent.length > 256) throw agentIdError('ERR_INPUT_INVALID', `"${field}.parent" must be the parent credential's id`)
  if (typeof r.depth !== 'number' || !Number.isSafeInteger(r.depth) || r.depth < 0 || r.depth > MAX_DELEGATION_DEPTH) {
    throw agentIdError('ERR_INPUT_INVALID', `"${field}.depth" must be an integer from 0 to ${MAX_DELEGATION_DEPTH}`)
  }
  const out: { -readonly [K in keyof DelegationSubject]: DelegationSubject[K] } = {
    entitlements: parseEntitlements(r.entitlements, `${field}.entitlements`, { allowUnknownConstraints: true }),
    parent: r.parent,
    depth: r.depth,
  }
  if (r.task !== undefined) {
    const t = r.task as Record<string, unknown>
    if (typeof t !== 'object' || t === null) throw agentIdError('ERR_INPUT_INVALID', `"${field}.task" must be an object`)
    out.task = { id: parseTaskId(t.id, `${field}.task.id`) }
  }
  return out
}

/** The JSON form of a delegation subject, with the delegate's DID as `id`. */
export function delegationSubjectToJson(delegateDid: string, subject: DelegationSubject): Record<string, unknown> {
  return {
    id: delegateDid,
    entitlements: subject.entitlements.map(entitlementToJson),
    parent: subject.parent,
    depth: subject.depth,
    ...(subject.task ? { task: { id: subject.task.id } } : {}),
  }
}
