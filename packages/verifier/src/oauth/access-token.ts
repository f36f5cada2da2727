import { agentIdError, isAgentIdError, parseDidKey, parseEntitlement, type Entitlement } from '@agentid/core'
import { resolveKeyId } from '../crypto/ed25519.js'
import type { CredentialStatusEntry } from '../credential/verify-credential.js'
import { decodeJwt, jwtSignatureValid } from '../jws/decode-jwt.js'

/** `typ` of an agentid access token (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt'
/** The RFC 9396 `authorization_details` type of one agentid entitlement. */
export const ENTITLEMENT_DETAIL_TYPE = 'agentid_entitlement'
/** Longest lifetime of an access token, in seconds. */
export const MAX_ACCESS_TOKEN_LIFETIME = 300
/** Most entitlements one access token carries. */
export const MAX_ACCESS_TOKEN_DETAILS = 64

/** One entitlement an access token carries (an `authorization_details` entry). */
export interface TokenEntitlement {
  readonly entitlement: Entitlement
  /** The task the credential was granted for, when it was. */
  readonly task?: string
  /** Credential ids it comes from, the issuer's root first and the holder's own last. */
  readonly credentials: readonly string[]
}

/** RFC 8693 `act`: who acts, and before them whom they act for (outermost is the current actor). */
export interface ActorClaim {
  readonly sub: string
  readonly act?: ActorClaim
}

/** A checked access token. */
export interface AccessTokenClaims {
  /** The authorization server (`iss`). */
  readonly issuer: string
  /** The did:key whose key signed the token (the agentid issuer). */
  readonly signer: string
  /** Whose authority the token carries: the agent, or the root of its delegation chain. */
  readonly subject: string
  /** The agent the token was issued to (`client_id`), whose key it is bound to. */
  readonly clientId: string
  readonly audience: string
  /** `cnf.jkt`: the DPoP key thumbprint every request must prove. */
  readonly jkt: string
  readonly issuedAt: number
  readonly expires: number
  readonly id: string
  readonly entitlements: readonly TokenEntitlement[]
  /** Status entries of every credential the token comes from, by credential id. */
  readonly credentialStatus: Readonly<Record<string, readonly CredentialStatusEntry[]>>
  readonly act?: ActorClaim
}

/** What a resource server expects of a token. */
export interface AccessTokenExpectation {
  /** The authorization server's issuer identifier. */
  readonly issuer: string
  /** DIDs whose keys may sign tokens (the issuer's current DID, and a rotated one's successor). */
  readonly signers: readonly string[]
  /**
   * This resource server's identifier: the token's `aud` must be exactly it. `null` accepts any
   * audience: for the authorization server's own introspection only.
   */
  readonly audience: string | null
  readonly nowSeconds: number
  /** Seconds of skew allowed on `iat` and `exp` (default 5). */
  readonly clockToleranceSeconds?: number
}

const LIMITS = { maxLength: 32 * 1024, maxDepth: 8 }
const MAX_CHAIN = 8

/**
 * Checks an agentid access token (RFC 9068 profile): typ `at+jwt`, EdDSA by a trusted signer's
 * key (`kid`), `iss` and `aud` exactly as expected, `iat`/`exp` present and current, a lifetime of
 * at most {@link MAX_ACCESS_TOKEN_LIFETIME}, `cnf.jkt`, and well-formed entitlements. What is left
 * to the caller: the DPoP proof against `jkt`, the status of `credentialStatus`, and deciding the
 * request against `entitlements`.
 * @throws AgentIdError ERR_TOKEN_INVALID
 */
export function checkAccessToken(token: unknown, expect: AccessTokenExpectation): AccessTokenClaims {
  try {
    return check(token, expect)
  } catch (error) {
    if (isAgentIdError(error) && error.code !== 'ERR_TOKEN_INVALID') throw agentIdError('ERR_TOKEN_INVALID', `access token: ${error.message}`)
    throw error
  }
}

function check(token: unknown, expect: AccessTokenExpectation): AccessTokenClaims {
  const decoded = decodeJwt(token, LIMITS, 'access token')
  if (decoded.header.typ !== ACCESS_TOKEN_TYPE) throw invalid(`typ must be ${ACCESS_TOKEN_TYPE}`)
  if (decoded.header.kid === undefined) throw invalid('the header must name its key (kid)')
  const key = resolveKeyId(decoded.header.kid)
  if (!expect.signers.includes(key.did)) throw invalid('it is not signed by a trusted issuer key')
  if (!jwtSignatureValid(decoded, key)) throw invalid('signature does not verify')
  const p = decoded.payload
  if (p.iss !== expect.issuer) throw invalid(`"iss" must be ${expect.issuer}`)
  if (typeof p.aud !== 'string' || (expect.audience !== null && p.aud !== expect.audience)) throw invalid(`it is for ${typeof p.aud === 'string' ? p.aud : 'another audience'}, not ${expect.audience ?? 'one audience'}`)
  const tolerance = expect.clockToleranceSeconds ?? 5
  const iat = wholeSeconds(p.iat, 'iat')
  const exp = wholeSeconds(p.exp, 'exp')
  if (exp - iat > MAX_ACCESS_TOKEN_LIFETIME || exp <= iat) throw invalid(`it must live more than 0 and at most ${MAX_ACCESS_TOKEN_LIFETIME} s`)
  if (iat > expect.nowSeconds + tolerance) throw invalid('it is dated in the future')
  if (exp <= expect.nowSeconds - tolerance) throw invalid('it has expired')
  const subject = did(p.sub, 'sub')
  const clientId = did(p.client_id, 'client_id')
  const jti = p.jti
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw invalid('"jti" is required')
  const cnf = p.cnf as { jkt?: unknown } | undefined
  if (typeof cnf !== 'object' || cnf === null || typeof cnf.jkt !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(cnf.jkt)) throw invalid('it must be DPoP-bound ("cnf.jkt")')
  const details = p.authorization_details
  if (!Array.isArray(details) || details.length === 0 || details.length > MAX_ACCESS_TOKEN_DETAILS) throw invalid(`"authorization_details" must hold 1 to ${MAX_ACCESS_TOKEN_DETAILS} entries`)
  const credentialStatus = statuses(p.agentid_credential_status)
  const entitlements = details.map((detail: unknown) => tokenEntitlement(detail, credentialStatus))
  return {
    issuer: expect.issuer,
    signer: key.did,
    subject,
    clientId,
    audience: p.aud,
    jkt: cnf.jkt,
    issuedAt: iat,
    expires: exp,
    id: jti,
    entitlements,
    credentialStatus,
    ...(p.act !== undefined ? { act: actor(p.act, 0) } : {}),
  }
}

function tokenEntitlement(value: unknown, status: Readonly<Record<string, unknown>>): TokenEntitlement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('an authorization_details entry must be an object')
  const { type, task, credentials, ...rest } = value as Record<string, unknown>
  if (type !== ENTITLEMENT_DETAIL_TYPE) throw invalid(`authorization_details type must be ${ENTITLEMENT_DETAIL_TYPE}`)
  if (task !== undefined && (typeof task !== 'string' || task.length === 0 || task.length > 128)) throw invalid('"task" must be a short string')
  if (!Array.isArray(credentials) || credentials.length === 0 || credentials.length > MAX_CHAIN) throw invalid(`"credentials" must list 1 to ${MAX_CHAIN} credential ids`)
  for (const id of credentials) {
    if (typeof id !== 'string' || !Object.hasOwn(status, id)) throw invalid('every credential an entitlement comes from must have its status entries in the token')
  }
  return { entitlement: parseEntitlement(rest), ...(task !== undefined ? { task: task as string } : {}), credentials: credentials as string[] }
}

function statuses(value: unknown): Readonly<Record<string, readonly CredentialStatusEntry[]>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('"agentid_credential_status" is required')
  const out: Record<string, CredentialStatusEntry[]> = {}
  for (const [id, entries] of Object.entries(value)) {
    if (!Array.isArray(entries) || entries.length > 4) throw invalid(`status entries of ${id} must be a short array`)
    out[id] = entries.map((entry: unknown) => {
      const e = entry as Record<string, unknown>
      if (typeof e !== 'object' || e === null || typeof e.statusPurpose !== 'string' || typeof e.statusListIndex !== 'string' || typeof e.statusListCredential !== 'string') {
        throw invalid(`a status entry of ${id} is malformed`)
      }
      return { type: 'BitstringStatusListEntry', statusPurpose: e.statusPurpose, statusListIndex: e.statusListIndex, statusListCredential: e.statusListCredential }
    })
  }
  return out
}

function actor(value: unknown, depth: number): ActorClaim {
  if (depth >= MAX_CHAIN || typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('"act" is malformed')
  const a = value as Record<string, unknown>
  for (const name of Object.keys(a)) if (name !== 'sub' && name !== 'act') throw invalid(`"act" member "${name}" is not accepted`)
  return { sub: did(a.sub, 'act.sub'), ...(a.act !== undefined ? { act: actor(a.act, depth + 1) } : {}) }
}

function did(value: unknown, claim: string): string {
  try {
    return parseDidKey(value).did
  } catch {
    throw invalid(`"${claim}" must be a did:key`)
  }
}

function wholeSeconds(value: unknown, claim: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`"${claim}" must be whole seconds`)
  return value
}

function invalid(message: string) {
  return agentIdError('ERR_TOKEN_INVALID', `access token: ${message}`)
}
