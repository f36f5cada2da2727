import { createHash, randomBytes, randomInt } from 'node:crypto'
import { agentIdError, isAgentIdError, type AgentIdError } from '@agentid/core'
import { isSdJwt } from '@agentid/verifier'
import type { CredentialFormat, Issuer } from '../issuer.js'
import { assertMayActOn, hasRole, type Principal } from '../governance/principal.js'
import { vcFormatOf } from '../usecases/issuance.js'
import type { CredentialOfferRecord } from '../store/issuer-store.js'

/** OpenID4VCI 1.0 pre-authorized code grant type. */
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code'
/** The credential configuration of agentid's entitlement credential as a VC 1.1 VC-JWT (OpenID4VCI format `jwt_vc_json`). */
export const ENTITLEMENT_CONFIGURATION = 'AgentEntitlementCredential_jwt_vc_json'
/**
 * The configuration of the same credential as VC 2.0 secured by VC-JOSE-COSE. OpenID4VCI 1.0
 * registers no format for it: agentid names it by its media type, `vc+jwt` (docs/issuance.md).
 */
export const ENTITLEMENT_CONFIGURATION_VC2 = 'AgentEntitlementCredential_vc+jwt'

/** The configuration an issuer's credentials are delivered under, by its format. */
export function configurationOf(format: CredentialFormat): string {
  return format === 'vc2.0' ? ENTITLEMENT_CONFIGURATION_VC2 : ENTITLEMENT_CONFIGURATION
}

/** Whether a configuration id is one of this issuer's. */
export function isConfiguration(id: unknown): boolean {
  return id === ENTITLEMENT_CONFIGURATION || id === ENTITLEMENT_CONFIGURATION_VC2
}

/** What a credential offer gives the agent, and what its creator must pass on to it. */
export interface CreatedOffer {
  /** The Credential Offer object (OpenID4VCI section 4.1.1). */
  readonly offer: Record<string, unknown>
  /** `openid-credential-offer://?credential_offer=…` */
  readonly uri: string
  /** The transaction code, when asked for: sent to the agent by another channel than the offer. */
  readonly txCode?: string
  readonly expiresAt: string
}

const OFFER_TTL_DEFAULT = 600
/** The longest an offer may live, in seconds. */
export const OFFER_TTL_MAX = 86_400
const TX_CODE_LENGTH = 6
/** Most credentials one offer (or one credential token) names. */
export const MAX_OFFER_CREDENTIALS = 64

/**
 * Creates a credential offer with a pre-authorized code for credentials of one agent. Admins
 * offer any agent's, an owner those of the agents it owns (seeing an agent is not enough: an
 * auditor who also owns agents offers only its own). The code is stored as a hash, lives
 * `ttlSeconds` (default 600, at most a day), and is redeemed once, with the agent's key.
 * @throws AgentIdError ERR_FORBIDDEN, ERR_NOT_FOUND, ERR_INPUT_INVALID, ERR_CONFLICT (not live), ERR_STORE
 */
export async function createCredentialOffer(issuer: Issuer, credentialIds: readonly string[], by: Principal, options: { txCode?: boolean; ttlSeconds?: number } = {}): Promise<CreatedOffer> {
  if (!hasRole(by, 'admin') && !hasRole(by, 'agent-owner')) throw agentIdError('ERR_FORBIDDEN', `${by.id} may not offer credentials: admin or agent-owner only`)
  const credentials = [...new Set(credentialIds)]
  if (credentials.length === 0 || credentials.length > MAX_OFFER_CREDENTIALS) throw agentIdError('ERR_INPUT_INVALID', `an offer is for 1 to ${MAX_OFFER_CREDENTIALS} credentials`)
  const ttl = options.ttlSeconds ?? OFFER_TTL_DEFAULT
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > OFFER_TTL_MAX) throw agentIdError('ERR_INPUT_INVALID', `an offer lives from 1 s to ${OFFER_TTL_MAX} s`)
  const createdAt = issuer.now()
  const nowSeconds = Math.floor(createdAt / 1000)
  let subject: string | undefined
  const configurations = new Set<string>()
  for (const id of credentials) {
    const record = await issuer.credentialRecord(id)
    const agent = record && (await issuer.agentRecord(record.subject))
    if (!record || !agent) throw agentIdError('ERR_NOT_FOUND', `no credential ${id}`)
    // Only for an agent it may act on; what it may not see does not exist for it (ERR_NOT_FOUND).
    // Either way the attempt is on record.
    try {
      assertMayActOn(by, agent, 'offer credentials')
    } catch (error) {
      await issuer.recordRefusal(by, 'credential.offer', id, error as AgentIdError)
      throw isAgentIdError(error) && error.code === 'ERR_NOT_FOUND' ? agentIdError('ERR_NOT_FOUND', `no credential ${id}`) : error
    }
    if (subject !== undefined && record.subject !== subject) throw agentIdError('ERR_INPUT_INVALID', 'an offer is for credentials of one agent')
    subject = record.subject
    const renewable = record.renewUntil !== undefined && record.renewUntil > nowSeconds
    if (record.status !== 'active' || (record.expires <= nowSeconds && !renewable)) throw agentIdError('ERR_CONFLICT', `credential ${id} is ${record.status === 'active' ? 'expired' : record.status}: nothing to offer`)
    const jwt = await issuer.store.getCredentialJwt(id)
    if (jwt !== undefined && isSdJwt(jwt)) throw agentIdError('ERR_CONFLICT', `credential ${id} is an SD-JWT VC, which OpenID4VCI does not deliver here: hand it over with agentid credential jwt`)
    configurations.add(configurationOf(vcFormatOf(jwt, issuer.credentialFormat)))
  }
  const code = randomBytes(32).toString('base64url')
  const txCode = options.txCode ? String(randomInt(0, 10 ** TX_CODE_LENGTH)).padStart(TX_CODE_LENGTH, '0') : undefined
  const record: CredentialOfferRecord = {
    codeSha256: sha256(code), subject: subject!, credentials, ...(txCode !== undefined ? { txCodeSha256: sha256(txCode) } : {}),
    failedAttempts: 0, createdBy: by.id, createdAt, expiresAt: createdAt + ttl * 1000,
  }
  await issuer.store.createOffer(record, {
    actor: by.id, action: 'credential.offer', target: record.subject,
    details: { credentials, expiresAt: record.expiresAt, txCode: txCode !== undefined, codeSha256: record.codeSha256 },
  })
  const offer = {
    credential_issuer: issuer.publicUrl.replace(/\/$/, ''),
    credential_configuration_ids: [...configurations],
    grants: {
      [PRE_AUTHORIZED_GRANT]: {
        'pre-authorized_code': code,
        ...(txCode !== undefined ? { tx_code: { input_mode: 'numeric', length: TX_CODE_LENGTH, description: 'the code your operator gave you beside this offer' } } : {}),
      },
    },
  }
  return {
    offer,
    uri: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`,
    ...(txCode !== undefined ? { txCode } : {}),
    expiresAt: new Date(record.expiresAt).toISOString(),
  }
}

/** How pre-authorized codes and transaction codes are kept: SHA-256, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
