// Public API of @agentid/verifier. Every exported name is listed here on purpose.
export { createVerifier } from './create-verifier.js'
export type {
  CredentialResult,
  Decision,
  Failure,
  GrantedEntitlement,
  PresentationResult,
  Verifier,
  VerifierOptions,
} from './create-verifier.js'
export { checkAnyCredentialJwt, checkCredentialJwt } from './credential/verify-credential.js'
export type { CheckedCredential, CheckedCredentialFields, CredentialStatusEntry, VerifiedCredential, VerifiedDelegation } from './credential/verify-credential.js'
export { chainExceeds, resolveChains } from './delegation/resolve-chains.js'
export type { Chain } from './delegation/resolve-chains.js'
export { ISSUER_ROTATION_TYPE, type TrustedIssuer } from './credential/trusted-issuers.js'
export type { ApprovalRequirements } from './credential/approval-requirements.js'
export { checkSdJwtCredential, checkSdJwtPresentation, isSdJwt, SD_JWT_LIMITS } from './sd-jwt/verify-sd-jwt-vc.js'
export type { CheckedSdJwtPresentation, DisclosedAgentProfile, DisclosedEntitlementSubject, VerifiedSdJwtCredential } from './sd-jwt/verify-sd-jwt-vc.js'
export { disclosureDigest, DISCLOSURE_LIMITS, resolveDisclosures } from './sd-jwt/disclosures.js'
export type { DisclosureLimits, ResolvedPayload } from './sd-jwt/disclosures.js'
export { MAX_PRESENTATION_LIFETIME } from './presentation/verify-presentation.js'
export { presentationNonce } from './presentation/presentation-nonce.js'
export type { StatusOutcome, StatusSource } from './status/status-source.js'
export { decodeJwt, jwtSignatureValid } from './jws/decode-jwt.js'
export { VC_JWT_TYPE, VP_JWT_TYPE } from './jws/verify-jwt.js'
export type { VcFormat } from './jws/verify-jwt.js'
export type { DecodedJwt, JwtHeader, JwtLimits } from './jws/decode-jwt.js'
export { resolveDidKey, resolveKeyId, verifyEd25519 } from './crypto/ed25519.js'
export type { ResolvedKey } from './crypto/ed25519.js'
export { decodeEncodedList, statusAt, MIN_STATUS_LIST_BITS } from './status/bitstring.js'
export { checkStatusListJwt } from './status/status-list-credential.js'
export type { CheckedStatusList } from './status/status-list-credential.js'
export { statusListsFromJwts } from './status/static-status-lists.js'
export type { StaticStatusListOptions } from './status/static-status-lists.js'
export { httpStatusLists } from './status/http-status-lists.js'
export { subscribeStatusEvents } from './status/status-events.js'
export type { StatusEventOptions, StatusSubscription } from './status/status-events.js'
export type { HttpStatusListOptions, HttpStatusSource } from './status/http-status-lists.js'
export { signWebhook, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js'
export { ReplayCache } from './presentation/challenges.js'
export { httpEventSink, jsonlEventSink } from './events/event-sinks.js'
export type { EventSink, VerificationEvent } from './events/event-sinks.js'
export { accessTokenHash, checkDpopProof, dpopTarget, DPOP_TYPE, jwkThumbprint } from './oauth/dpop.js'
export type { CheckedDpopProof, DpopExpectation } from './oauth/dpop.js'
export { ACCESS_TOKEN_TYPE, checkAccessToken, ENTITLEMENT_DETAIL_TYPE, MAX_ACCESS_TOKEN_DETAILS, MAX_ACCESS_TOKEN_LIFETIME } from './oauth/access-token.js'
export type { AccessTokenClaims, AccessTokenExpectation, ActorClaim, TokenEntitlement } from './oauth/access-token.js'
