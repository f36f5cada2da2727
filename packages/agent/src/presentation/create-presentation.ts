import { randomUUID } from 'node:crypto'
import { agentIdError, CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2, parseDidKey } from '@agentid/core'
import { MAX_PRESENTATION_LIFETIME, VC_JWT_TYPE, VP_JWT_TYPE } from '@agentid/verifier'
import { signJwt, signTyped, type AgentKey } from '../key/agent-key.js'

/** Options of {@link createPresentation}. */
export interface PresentationOptions {
  readonly key: AgentKey
  /** VC-JWTs issued to this agent. */
  readonly credentials: readonly string[]
  /** The verifier's DID. */
  readonly audience: string
  /** The verifier's challenge. */
  readonly challenge: string
  /** Lifetime in seconds (default 120, at most 300). */
  readonly ttl?: number
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Presentation id (default a random `urn:uuid:`). */
  readonly id?: string
}

/**
 * Makes the presentation of DESIGN.md ("Presentation"): `aud` = the verifier, `nonce` = its
 * challenge, `iat`/`nbf`, `exp` at most 5 minutes later, in the format of the credentials it
 * carries (docs/formats.md): a VC 1.1 VP-JWT (`iss` = holder, the credentials in `vp`) for VC 1.1
 * credentials, a VC 2.0 `vp+jwt` (the payload is the presentation, `holder` signs it, each
 * credential an EnvelopedVerifiableCredential) for VC 2.0 ones. Never both in one presentation.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_DID_*
 */
export function createPresentation(options: PresentationOptions): string {
  const audience = parseDidKey(options.audience).did
  if (typeof options.challenge !== 'string' || options.challenge.length === 0 || options.challenge.length > 256) {
    throw agentIdError('ERR_INPUT_INVALID', 'challenge must be a non-empty string of at most 256 characters')
  }
  if (options.credentials.length === 0) throw agentIdError('ERR_INPUT_INVALID', 'a presentation needs at least one credential')
  const ttl = options.ttl ?? 120
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_PRESENTATION_LIFETIME) {
    throw agentIdError('ERR_INPUT_INVALID', `presentation ttl must be 1 to ${MAX_PRESENTATION_LIFETIME} seconds`)
  }
  const secured = options.credentials.map(isSecured)
  if (secured.some((s) => s !== secured[0])) throw agentIdError('ERR_INPUT_INVALID', 'a presentation carries VC 1.1 or VC 2.0 credentials, not both: present them separately')
  const iat = Math.floor((options.now ?? Date.now)() / 1000)
  const id = options.id ?? `urn:uuid:${randomUUID()}`
  const claims = { aud: audience, nonce: options.challenge, iat, nbf: iat, exp: iat + ttl }
  if (secured[0]) {
    return signTyped(options.key, VP_JWT_TYPE, {
      '@context': [CREDENTIALS_CONTEXT_V2],
      type: ['VerifiablePresentation'],
      id,
      holder: options.key.did,
      verifiableCredential: options.credentials.map((jwt) => ({ '@context': CREDENTIALS_CONTEXT_V2, type: 'EnvelopedVerifiableCredential', id: `data:application/${VC_JWT_TYPE},${jwt}` })),
      ...claims,
    })
  }
  return signJwt(options.key, {
    iss: options.key.did,
    ...claims,
    jti: id,
    vp: {
      '@context': [CREDENTIALS_CONTEXT_V1],
      type: ['VerifiablePresentation'],
      verifiableCredential: [...options.credentials],
    },
  })
}

// Whether a credential declares VC 2.0 securing (`typ` vc+jwt); the verifier checks the rest,
// and refuses whatever is not a credential.
function isSecured(jwt: string): boolean {
  try {
    return (JSON.parse(Buffer.from(String(jwt).split('.')[0]!, 'base64url').toString('utf8')) as { typ?: unknown }).typ === VC_JWT_TYPE
  } catch {
    return false
  }
}
