// Public API of @agentid/core. Every exported name is listed here on purpose.
export { ERROR_CODES, isErrorCode } from './errors/codes.js'
export type { ErrorCode } from './errors/codes.js'
export {
  AgentIdError,
  AuthorizationError,
  CredentialError,
  DidError,
  GovernanceError,
  InputError,
  JwsError,
  PresentationError,
  ServiceError,
  SignatureError,
  StoreError,
  agentIdError,
  isAgentIdError,
} from './errors/agentid-error.js'
export { decodeBase64url, encodeBase64url, isStrictBase64url } from './encoding/base64url.js'
export { decodeBase58btc, encodeBase58btc } from './encoding/base58btc.js'
export { parseStrictJson } from './encoding/strict-json.js'
export type { StrictJsonLimits } from './encoding/strict-json.js'
export { didKeyFromPublicKey, parseDidKey, parseDidKeyUrl } from './did/did-key.js'
export type { DidKey } from './did/did-key.js'
export { assertStrongEd25519PublicKey, isCanonicalScalar, weakPointReason } from './did/ed25519-key.js'
export { networkContains, parseIpAddress, parseIpNetwork } from './entitlement/ip-network.js'
export type { IpNetwork } from './entitlement/ip-network.js'
export { parseResource, parseResourcePattern, patternCovers, resourceMatches } from './entitlement/resource.js'
export { WEEKDAYS, constraintViolation, constraintsToJson, parseConstraints } from './entitlement/constraints.js'
export type { Constraints, HoursWindow, RequestContext, Weekday } from './entitlement/constraints.js'
export {
  entitlementToJson,
  matchEntitlements,
  parseAccessRequest,
  parseAction,
  parseEntitlement,
  parseEntitlements,
  parsePurpose,
} from './entitlement/entitlement.js'
export type { AccessRequest, Entitlement, EntitlementMatch } from './entitlement/entitlement.js'
export { formatDuration, parseDuration } from './entitlement/duration.js'
export {
  AGENTID_CONTEXT_V1,
  AGENT_KINDS,
  CREDENTIALS_CONTEXT_V1,
  CREDENTIALS_CONTEXT_V2,
  CREDENTIALS_STATUS_CONTEXT_V1,
  ENTITLEMENT_CREDENTIAL_TYPE,
  MAX_APPROVALS,
  RISK_LEVELS,
  entitlementSubjectToJson,
  parseAgentKind,
  parseAgentName,
  parseAgentProfile,
  parseApprovals,
  parseEntitlementSubject,
  parseOwner,
  parsePrincipalId,
  parseRoleName,
  parseSegment,
  parseTaskId,
  parseTaskRef,
} from './credential/entitlement-credential.js'
export type { ApprovalEvidence, AgentKind, AgentProfile, EntitlementSubject, RiskLevel, TaskRef } from './credential/entitlement-credential.js'
export { attenuationViolation, entitlementExceeds, isDelegable } from './entitlement/attenuation.js'
export {
  DELEGATION_CREDENTIAL_TYPE,
  MAX_DELEGATION_DEPTH,
  delegationSubjectToJson,
  parseDelegationSubject,
} from './credential/delegation-credential.js'
export type { DelegationSubject } from './credential/delegation-credential.js'
export { ENTITLEMENT_VCT, KB_JWT_TYPE, SD_JWT_BITSTRING_STATUS, SD_JWT_DIGEST_ALG, SD_JWT_VC_TYPE } from './credential/sd-jwt-vc.js'
export { ATTENUATION_BUDGET } from './entitlement/attenuation.js'
export {
  conflictsTouched,
  entitlementTouches,
  findDutyConflict,
  heldDutyConflict,
  parseActionSet,
  parseDutyConflicts,
  parseResourceScope,
  scopeOverlaps,
} from './entitlement/duties.js'
export type { DutyConflict, DutyConflictFinding, DutySide, ResourceScope } from './entitlement/duties.js'
