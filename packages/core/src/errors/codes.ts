/**
 * The closed list of agentid error codes: the public contract that callers branch on.
 * Each code has an HTTP status (issuer service) and a CLI exit code (0 ok, 1 denied or invalid,
 * 2 usage). Messages are for people and may change; codes do not.
 */
export const ERROR_CODES = {
  ERR_USAGE: { status: 400, exit: 2, summary: 'the command or call was used wrongly' },
  ERR_INPUT_INVALID: { status: 400, exit: 1, summary: 'input is malformed or out of range' },
  ERR_JWS_MALFORMED: { status: 400, exit: 1, summary: 'not a well-formed compact JWS' },
  ERR_JWS_ALG: { status: 400, exit: 1, summary: 'JWS algorithm is not EdDSA' },
  ERR_JWS_HEADER: { status: 400, exit: 1, summary: 'JWS header carries a forbidden or inconsistent member' },
  ERR_SIGNATURE: { status: 401, exit: 1, summary: 'signature does not verify' },
  ERR_DID_INVALID: { status: 400, exit: 1, summary: 'not a valid did:key' },
  ERR_DID_UNSUPPORTED: { status: 400, exit: 1, summary: 'DID method or key type not supported' },
  ERR_KEY_WEAK: { status: 400, exit: 1, summary: 'public key is small-order or non-canonical' },
  ERR_VC_EXPIRED: { status: 401, exit: 1, summary: 'credential has expired' },
  ERR_VC_NOT_YET_VALID: { status: 401, exit: 1, summary: 'credential is not valid yet' },
  ERR_VC_CLAIMS_MISMATCH: { status: 400, exit: 1, summary: 'JWT claims disagree with the credential' },
  ERR_VC_ISSUER_UNTRUSTED: { status: 401, exit: 1, summary: 'issuer is not trusted (for this resource)' },
  ERR_VC_REVOKED: { status: 401, exit: 1, summary: 'credential has been revoked' },
  ERR_VC_SUSPENDED: { status: 401, exit: 1, summary: 'credential is suspended' },
  ERR_STATUS_UNAVAILABLE: { status: 503, exit: 1, summary: 'credential status could not be checked' },
  ERR_VP_AUDIENCE: { status: 401, exit: 1, summary: 'presentation is not addressed to this verifier' },
  ERR_VP_NONCE: { status: 401, exit: 1, summary: 'presentation nonce is missing, wrong or expired' },
  ERR_VP_REPLAY: { status: 401, exit: 1, summary: 'presentation was already used' },
  ERR_VP_HOLDER_BINDING: { status: 401, exit: 1, summary: 'presenter is not the subject of a credential' },
  ERR_VP_EXPIRED: { status: 401, exit: 1, summary: 'presentation has expired or lives too long' },
  ERR_TYPE_CONFUSION: { status: 400, exit: 1, summary: 'a credential was given where a presentation was expected, or the reverse' },
  ERR_SD_JWT_DISCLOSURE: { status: 400, exit: 1, summary: 'an SD-JWT disclosure is malformed, does not match exactly one digest, is repeated, or names a reserved claim' },
  ERR_NOT_ENTITLED: { status: 403, exit: 1, summary: 'no entitlement covers this resource and action' },
  ERR_PURPOSE: { status: 403, exit: 1, summary: 'request purpose does not match the entitlement' },
  ERR_CONSTRAINT: { status: 403, exit: 1, summary: 'request context violates an entitlement constraint' },
  ERR_DELEGATION: { status: 403, exit: 1, summary: 'delegation chain is invalid' },
  ERR_SOD_CONFLICT: { status: 409, exit: 1, summary: 'separation of duties forbids this' },
  ERR_APPROVAL_REQUIRED: { status: 403, exit: 1, summary: 'policy requires approval first' },
  ERR_DPOP_PROOF: { status: 401, exit: 1, summary: 'DPoP proof is missing, malformed, replayed, or not for this request and key' },
  ERR_DPOP_NONCE: { status: 401, exit: 1, summary: 'a DPoP proof must carry the fresh nonce the server gave (DPoP-Nonce)' },
  ERR_TOKEN_INVALID: { status: 401, exit: 1, summary: 'access token or assertion is invalid, expired, replayed, or not for this audience' },
  ERR_OFFER_INVALID: { status: 400, exit: 1, summary: 'the pre-authorized code is unknown, used, expired, or burnt by wrong transaction codes' },
  ERR_TX_CODE: { status: 400, exit: 1, summary: 'the transaction code of a credential offer is wrong' },
  ERR_PROOF_INVALID: { status: 400, exit: 1, summary: 'the proof of possession is malformed, or not by the credential subject for this issuer' },
  ERR_PROOF_NONCE: { status: 400, exit: 1, summary: 'the proof of possession must carry a fresh c_nonce from the nonce endpoint, once' },
  ERR_NOT_RENEWABLE: { status: 403, exit: 1, summary: 'the credential cannot be renewed: no approved window, the window has passed, or the policy in force no longer allows it' },
  ERR_CARD_UNSIGNED: { status: 401, exit: 1, summary: 'A2A Agent Card carries no signature' },
  ERR_CARD_SIGNER: { status: 401, exit: 1, summary: 'A2A Agent Card is not signed by the DID it names' },
  ERR_CARD_SKILLS: { status: 403, exit: 1, summary: "the agent's credentials do not cover a skill its A2A Agent Card advertises" },
  ERR_NOT_FOUND: { status: 404, exit: 1, summary: 'no such record' },
  ERR_CONFLICT: { status: 409, exit: 1, summary: 'record already exists or state forbids the change' },
  ERR_UNAUTHORIZED: { status: 401, exit: 1, summary: 'authentication required' },
  ERR_FORBIDDEN: { status: 403, exit: 1, summary: 'principal lacks the role for this' },
  ERR_CSRF: { status: 403, exit: 1, summary: 'a state change with a console session cookie lacks its CSRF token or comes from another origin' },
  ERR_RATE_LIMITED: { status: 429, exit: 1, summary: 'too many requests; retry after the time given' },
  ERR_STORE: { status: 500, exit: 1, summary: 'storage failed; nothing was changed' },
  ERR_KEK_MISMATCH: { status: 500, exit: 1, summary: "the key-encryption key does not open the issuer's keys (wrong key, or the sealed key was altered)" },
  ERR_AUDIT_BROKEN: { status: 500, exit: 1, summary: 'the audit log\'s hash chain or its signed checkpoints do not hold' },
  ERR_SERVICE_UNREACHABLE: { status: 502, exit: 1, summary: 'the issuer service could not be reached, or what answered is not an agentid issuer' },
  ERR_PUBLIC_URL_MISMATCH: { status: 500, exit: 2, summary: "the issuer's public URL disagrees with where the service listens" },
} as const satisfies Record<string, { status: number; exit: 0 | 1 | 2; summary: string }>

/** A stable agentid error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** True when `value` is one of the codes in {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value)
}
