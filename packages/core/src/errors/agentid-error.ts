import { ERROR_CODES, type ErrorCode } from './codes.js'

/**
 * Base class of every error agentid throws or returns. Callers branch on `code`, never on
 * `message`. `cause` keeps a wrapped third-party error.
 */
export class AgentIdError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }

  override get name(): string {
    return this.constructor.name
  }

  /** HTTP status the issuer service answers with for this code. */
  get status(): number {
    return ERROR_CODES[this.code].status
  }

  /** Process exit code the CLI uses for this code. */
  get exitCode(): 0 | 1 | 2 {
    return ERROR_CODES[this.code].exit
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

/** Malformed input: bad encodings, JSON, fields, sizes. */
export class InputError extends AgentIdError {}
/** A token that is not acceptable as a JWS. */
export class JwsError extends AgentIdError {}
/** A signature that does not verify. */
export class SignatureError extends AgentIdError {}
/** A DID or key that cannot be used. */
export class DidError extends AgentIdError {}
/** A credential that is not valid now. */
export class CredentialError extends AgentIdError {}
/** A presentation that is not valid for this verifier now. */
export class PresentationError extends AgentIdError {}
/** A request the entitlements do not allow. */
export class AuthorizationError extends AgentIdError {}
/** A governance rule (approval, separation of duties, principals) that forbids an operation. */
export class GovernanceError extends AgentIdError {}
/** The store could not do what was asked; nothing was changed. */
export class StoreError extends AgentIdError {}
/** The issuer service cannot be reached, or cannot start as configured. */
export class ServiceError extends AgentIdError {}

const CLASS_OF: { readonly [C in ErrorCode]: typeof AgentIdError } = {
  ERR_USAGE: InputError,
  ERR_INPUT_INVALID: InputError,
  ERR_JWS_MALFORMED: JwsError,
  ERR_JWS_ALG: JwsError,
  ERR_JWS_HEADER: JwsError,
  ERR_SIGNATURE: SignatureError,
  ERR_DID_INVALID: DidError,
  ERR_DID_UNSUPPORTED: DidError,
  ERR_KEY_WEAK: DidError,
  ERR_VC_EXPIRED: CredentialError,
  ERR_VC_NOT_YET_VALID: CredentialError,
  ERR_VC_CLAIMS_MISMATCH: CredentialError,
  ERR_VC_ISSUER_UNTRUSTED: CredentialError,
  ERR_VC_REVOKED: CredentialError,
  ERR_VC_SUSPENDED: CredentialError,
  ERR_STATUS_UNAVAILABLE: CredentialError,
  ERR_VP_AUDIENCE: PresentationError,
  ERR_VP_NONCE: PresentationError,
  ERR_VP_REPLAY: PresentationError,
  ERR_VP_HOLDER_BINDING: PresentationError,
  ERR_VP_EXPIRED: PresentationError,
  ERR_TYPE_CONFUSION: PresentationError,
  ERR_SD_JWT_DISCLOSURE: PresentationError,
  ERR_DPOP_PROOF: PresentationError,
  ERR_DPOP_NONCE: PresentationError,
  ERR_TOKEN_INVALID: PresentationError,
  ERR_OFFER_INVALID: PresentationError,
  ERR_TX_CODE: PresentationError,
  ERR_PROOF_INVALID: PresentationError,
  ERR_PROOF_NONCE: PresentationError,
  ERR_NOT_RENEWABLE: GovernanceError,
  ERR_CARD_UNSIGNED: SignatureError,
  ERR_CARD_SIGNER: SignatureError,
  ERR_CARD_SKILLS: AuthorizationError,
  ERR_NOT_ENTITLED: AuthorizationError,
  ERR_PURPOSE: AuthorizationError,
  ERR_CONSTRAINT: AuthorizationError,
  ERR_DELEGATION: AuthorizationError,
  ERR_SOD_CONFLICT: GovernanceError,
  ERR_APPROVAL_REQUIRED: GovernanceError,
  ERR_NOT_FOUND: GovernanceError,
  ERR_CONFLICT: GovernanceError,
  ERR_UNAUTHORIZED: GovernanceError,
  ERR_FORBIDDEN: GovernanceError,
  ERR_CSRF: GovernanceError,
  ERR_RATE_LIMITED: GovernanceError,
  ERR_STORE: StoreError,
  ERR_KEK_MISMATCH: StoreError,
  ERR_AUDIT_BROKEN: StoreError,
  ERR_SERVICE_UNREACHABLE: ServiceError,
  ERR_PUBLIC_URL_MISMATCH: ServiceError,
}

/** Builds the error of the class that owns `code`. */
export function agentIdError(code: ErrorCode, message: string, options?: { cause?: unknown }): AgentIdError {
  return new CLASS_OF[code](code, message, options)
}

/** Narrow `value` to an {@link AgentIdError}. */
export function isAgentIdError(value: unknown): value is AgentIdError {
  return value instanceof AgentIdError
}
