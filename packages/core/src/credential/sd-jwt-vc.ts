/**
 * The wire names of agentid's SD-JWT VC entitlement credential (docs/formats.md, "SD-JWT VC"):
 * RFC 9901 (SD-JWT) and the IETF SD-JWT VC draft.
 */

/** `typ` of an issuer-signed SD-JWT VC (SD-JWT VC draft, section 3.2.1; `vc+sd-jwt` is the old name). */
export const SD_JWT_VC_TYPE = 'dc+sd-jwt'

/** `typ` of a Key Binding JWT (RFC 9901, section 4.3). */
export const KB_JWT_TYPE = 'kb+jwt'

/** `vct` of an agentid entitlement credential: a collision-resistant name under the project's w3id space. */
export const ENTITLEMENT_VCT = 'https://w3id.org/agentid/vct/entitlement/v1'

/** The only digest algorithm agentid issues and accepts (`_sd_alg`; RFC 9901, section 4.1.1). */
export const SD_JWT_DIGEST_ALG = 'sha-256'

/**
 * Status mechanism member of the SD-JWT VC `status` claim that carries agentid's Bitstring Status
 * List entries (the draft leaves the mechanism open; Token Status List is not implemented).
 */
export const SD_JWT_BITSTRING_STATUS = 'bitstring_status_list'
