import { sign } from 'node:crypto'
import { agentIdError, encodeBase64url } from '@agentid/core'
import type { AgentKey } from '@agentid/agent'
import { canonicalizeJson } from '../canonical/jcs.js'
import { normalizeAgentCard } from './normalize-card.js'
import { readAgentIdExtension } from './extension.js'

/** An `AgentCardSignature` (A2A spec 4.4.7): a JWS in the flattened JSON form, payload detached. */
export interface AgentCardSignature {
  /** base64url of the protected header `{"alg":"EdDSA","typ":"JOSE","kid":"<did:key>#<key>"}`. */
  readonly protected: string
  /** base64url of the Ed25519 signature over `protected || "." || base64url(JCS(card))`. */
  readonly signature: string
  readonly header?: Readonly<Record<string, unknown>>
}

/** The payload a card signature covers: the RFC 8785 form of the normalised card (A2A spec 8.4.1). */
export function agentCardPayload(card: unknown): string {
  return canonicalizeJson(normalizeAgentCard(card))
}

/**
 * Signs an Agent Card with the agent's key (A2A spec 8.4.2): a detached JWS over the RFC 8785
 * canonical card without `signatures`, protected header `{ alg: "EdDSA", typ: "JOSE", kid }` with
 * `kid` the key's did:key verification method. The card must name the same DID in the agentid
 * extension (`agentIdExtension`). Returns a copy of the card whose `signatures` holds this
 * signature in place of any earlier one (a did:key never rotates: one signature is the rule).
 * @throws AgentIdError ERR_INPUT_INVALID (not a card, no or another DID in the extension, not I-JSON)
 * @see https://a2a-protocol.org/v1.0.0/specification/#84-agent-card-signing
 */
export function signAgentCard<T extends object>(card: T, key: AgentKey): T & { signatures: AgentCardSignature[] } {
  const { did } = readAgentIdExtension(card as Record<string, unknown>)
  if (did !== key.did) throw agentIdError('ERR_INPUT_INVALID', `the card names ${did} in its agentid extension, not the signing key's ${key.did}`)
  const protectedHeader = encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: 'JOSE', kid: key.keyId }))
  const payload = encodeBase64url(agentCardPayload(card))
  const signature = encodeBase64url(sign(null, Buffer.from(`${protectedHeader}.${payload}`), key.privateKey))
  return { ...card, signatures: [{ protected: protectedHeader, signature }] }
}
