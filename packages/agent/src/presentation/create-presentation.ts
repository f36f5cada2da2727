import { randomUUID } from 'node:crypto'
import { agentIdError, CREDENTIALS_CONTEXT_V1, parseDidKey } from '@agentid/core'
import { MAX_PRESENTATION_LIFETIME } from '@agentid/verifier'
import { signJwt, type AgentKey } from '../key/agent-key.js'

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
 * Makes the VP-JWT of DESIGN.md ("Presentation"): `iss` = holder, `aud` = the verifier,
 * `nonce` = its challenge, `iat`/`nbf`, `exp` at most 5 minutes later, `jti`.
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
  const iat = Math.floor((options.now ?? Date.now)() / 1000)
  return signJwt(options.key, {
    iss: options.key.did,
    aud: audience,
    nonce: options.challenge,
    iat,
    nbf: iat,
    exp: iat + ttl,
    jti: options.id ?? `urn:uuid:${randomUUID()}`,
    vp: {
      '@context': [CREDENTIALS_CONTEXT_V1],
      type: ['VerifiablePresentation'],
      verifiableCredential: [...options.credentials],
    },
  })
}
