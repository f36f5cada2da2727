import { randomUUID } from 'node:crypto'
import {
  AGENTID_CONTEXT_V1,
  agentIdError,
  attenuationViolation,
  CREDENTIALS_CONTEXT_V1,
  CREDENTIALS_CONTEXT_V2,
  DELEGATION_CREDENTIAL_TYPE,
  delegationSubjectToJson,
  MAX_DELEGATION_DEPTH,
  parseDidKey,
  parseEntitlements,
  parseTaskId,
} from '@agentid/core'
import { checkAnyCredentialJwt, VC_JWT_TYPE } from '@agentid/verifier'
import { signJwt, signTyped, type AgentKey } from '../key/agent-key.js'

/** Options of {@link createDelegation}. */
export interface DelegationOptions {
  /** The delegator's key: the subject of `parent`. */
  readonly key: AgentKey
  /** The credential delegated from (VC-JWT): an entitlement credential or a delegation. */
  readonly parent: string
  /** The delegate's DID. */
  readonly to: string
  /** What is handed on, in JSON form: within the parent's entitlements. */
  readonly entitlements: readonly unknown[]
  /** Lifetime in seconds; cut to the parent's expiry when longer. */
  readonly ttl: number
  /**
   * Further delegations allowed below this one (default: one less than the parent's, or 0 when
   * the parent is an issuer's credential).
   */
  readonly depth?: number
  /**
   * The longest chain the verifiers that will see this accept (default 4, their default): a
   * delegation directly under an issuer's credential may allow at most this minus one more.
   */
  readonly maxChainLength?: number
  readonly task?: string
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Credential id (default a random `urn:uuid:`). */
  readonly id?: string
}

/**
 * Makes an AgentDelegationCredential (VC-JWT) signed by the delegator for the delegate, offline:
 * the issuer is not involved. It refuses, with ERR_DELEGATION, anything a verifier would refuse:
 * a delegator that is not the parent's subject, entitlements beyond the parent's or that the
 * parent does not let be delegated (`delegable: false`), a parent that allows no further delegation.
 * @throws AgentIdError ERR_DELEGATION, ERR_INPUT_INVALID, ERR_DID_*, and the parent's own codes
 */
export function createDelegation(options: DelegationOptions): string {
  const parent = checkAnyCredentialJwt(options.parent)
  if (parent.subject !== options.key.did) throw agentIdError('ERR_DELEGATION', `only ${parent.subject}, the parent's subject, may delegate from it`)
  const to = parseDidKey(options.to).did
  const entitlements = parseEntitlements(options.entitlements, 'entitlements')
  const violation = attenuationViolation(entitlements, parent.entitlements, { parentCarriesApprovals: parent.kind === 'entitlement' && (parent.claims.approvals?.length ?? 0) > 0 })
  if (violation !== undefined) throw agentIdError('ERR_DELEGATION', violation)
  const parentDepth = parent.kind === 'delegation' ? parent.delegation.depth : undefined
  if (parentDepth === 0) throw agentIdError('ERR_DELEGATION', `credential ${parent.id} allows no further delegation`)
  const depth = options.depth ?? (parentDepth === undefined ? 0 : parentDepth - 1)
  const maxDepth = parentDepth === undefined ? Math.min(MAX_DELEGATION_DEPTH, (options.maxChainLength ?? 4) - 1) : parentDepth - 1
  if (!Number.isSafeInteger(depth) || depth < 0 || depth > maxDepth) throw agentIdError('ERR_DELEGATION', `depth must be an integer from 0 to ${maxDepth}`)
  if (!Number.isSafeInteger(options.ttl) || options.ttl < 1) throw agentIdError('ERR_INPUT_INVALID', 'ttl must be a positive number of seconds')
  const parentTask = parent.kind === 'delegation' ? parent.delegation.task : parent.claims.task
  if (options.task !== undefined && parentTask !== undefined && options.task !== parentTask.id) {
    throw agentIdError('ERR_DELEGATION', `the parent serves task ${parentTask.id}; a delegation from it cannot name another`)
  }
  const now = Math.floor((options.now ?? Date.now)() / 1000)
  const notBefore = Math.max(now, parent.notBefore ?? now)
  const expires = Math.min(notBefore + options.ttl, parent.expires)
  if (expires <= notBefore) throw agentIdError('ERR_DELEGATION', `parent ${parent.id} has expired`)
  const subject = {
    entitlements,
    parent: parent.id,
    depth,
    ...(options.task !== undefined ? { task: { id: parseTaskId(options.task, 'task') } } : {}),
  }
  const id = options.id ?? `urn:uuid:${randomUUID()}`
  // In its parent's format: a VC 2.0 credential delegates as VC 2.0 (a chain is one format).
  if (parent.format === 'vc2.0') {
    return signTyped(options.key, VC_JWT_TYPE, {
      '@context': [CREDENTIALS_CONTEXT_V2, AGENTID_CONTEXT_V1],
      type: ['VerifiableCredential', DELEGATION_CREDENTIAL_TYPE],
      id,
      issuer: options.key.did,
      validFrom: new Date(notBefore * 1000).toISOString(),
      validUntil: new Date(expires * 1000).toISOString(),
      credentialSubject: delegationSubjectToJson(to, subject),
    })
  }
  return signJwt(options.key, {
    iss: options.key.did,
    sub: to,
    jti: id,
    nbf: notBefore,
    exp: expires,
    vc: {
      '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
      type: ['VerifiableCredential', DELEGATION_CREDENTIAL_TYPE],
      credentialSubject: delegationSubjectToJson(to, subject),
    },
  })
}
