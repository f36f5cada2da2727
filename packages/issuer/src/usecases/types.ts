// The inputs and results of the issuer's use cases, public through the `Issuer` facade.
import { agentIdError, type RiskLevel, type TaskRef } from '@agentid/core'
import type { Policy } from '../governance/policy.js'
import type { AccessRequestRecord, AgentRecord, CredentialRecord } from '../store/issuer-store.js'

/** The formats an issuer mints credentials in. */
export const CREDENTIAL_FORMATS = ['vc2.0', 'vc1.1'] as const
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number]

export function parseCredentialFormat(value: unknown, what: string): CredentialFormat {
  if (!CREDENTIAL_FORMATS.includes(value as CredentialFormat)) throw agentIdError('ERR_INPUT_INVALID', `${what} must be ${CREDENTIAL_FORMATS.join(' or ')}`)
  return value as CredentialFormat
}

/**
 * Format of one grant's credential: `vc`, the issuer's `credentialFormat` (VC 2.0 or VC 1.1), or
 * `sd-jwt`, an SD-JWT VC (`dc+sd-jwt`) with selectively disclosable entitlements.
 */
export type GrantFormat = 'vc' | 'sd-jwt'

/** A credential the issuer has committed and hands out. */
export interface IssuedCredential {
  readonly id: string
  readonly jwt: string
  readonly record: CredentialRecord
}

/** Input of {@link Issuer.registerAgent}: an agent record before enrolment sets its state. */
export type RegisterAgentInput = Omit<AgentRecord, 'status' | 'createdAt'>

/** Input of {@link Issuer.grant} and {@link Issuer.requestAccess}. */
export interface GrantInput {
  readonly subject: string
  /** Entitlements in their JSON form (as in a credential); parsed strictly here. */
  readonly entitlements: readonly unknown[]
  /** Lifetime in seconds: every grant expires. */
  readonly ttlSeconds: number
  readonly task?: TaskRef
  /** A floor for the risk level; the policy's assessment wins when it is higher. */
  readonly risk?: RiskLevel
  /** Just-in-time: short-lived, for one task (required), revoked when the task completes. */
  readonly jit?: boolean
  /** Why the access is needed (kept with the request and in the audit log). */
  readonly justification?: string
  /**
   * The approved window, in seconds from issuance: the subject may renew the credential
   * (OpenID4VCI, docs/issuance.md) until then, each renewal living `ttlSeconds` at most.
   */
  readonly renewableForSeconds?: number
  /**
   * Mint this grant's credential in this format (default the issuer's `credentialFormat`). Kept
   * only when the credential is issued at once: after approvals the issuer's setting applies, and
   * renewals (OpenID4VCI, which delivers VC formats only) are in the issuer's VC format.
   */
  readonly format?: GrantFormat
}

/** What {@link Issuer.requestAccess} led to: a credential at once, or a request awaiting approvals. */
export type AccessOutcome =
  | { readonly credential: IssuedCredential; readonly request?: undefined }
  | { readonly credential?: undefined; readonly request: AccessRequestRecord }

/** The policy in force: version 0 is the built-in default, never stored. */
export interface PolicyInForce {
  readonly version: number
  readonly policy: Policy
}

/** Input of {@link Issuer.putRole}. */
export interface RoleInput {
  readonly name: string
  readonly description: string
  readonly entitlements: readonly unknown[]
  readonly ttlSeconds: number
}

/** Longest lifetime a single grant may have (30 days); shorter is better. */
export const MAX_GRANT_TTL = 30 * 86400
