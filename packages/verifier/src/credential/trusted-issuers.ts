import { agentIdError, parseDidKey, parseResourcePattern, patternCovers, type Entitlement } from '@agentid/core'

/** An issuer this verifier trusts, optionally only for some resource patterns. */
export interface TrustedIssuer {
  readonly did: string
  /** Resource patterns the issuer may grant; all when absent. */
  readonly resources?: readonly string[]
  /** For a successor known by a rotation statement: the DID its lineage began with. */
  readonly origin?: string
}

/** Trusted issuers by DID. */
export type TrustPolicy = ReadonlyMap<string, TrustedIssuer>

/**
 * Parses the `trustedIssuers` option: DIDs, or `{ did, resources }` to scope an issuer.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_DID_*
 */
export function parseTrustedIssuers(value: unknown): TrustPolicy {
  if (!Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', 'trustedIssuers must be a list')
  const out = new Map<string, TrustedIssuer>()
  for (const [i, item] of value.entries()) {
    const entry = typeof item === 'string' ? { did: item } : (item as { did?: unknown; resources?: unknown })
    if (typeof entry !== 'object' || entry === null) throw agentIdError('ERR_INPUT_INVALID', `trustedIssuers[${i}] must be a DID or { did, resources }`)
    const did = parseDidKey(entry.did).did
    // A repeated DID would silently widen or narrow the scope depending on its position.
    if (out.has(did)) throw agentIdError('ERR_INPUT_INVALID', `trustedIssuers[${i}] repeats ${did}`)
    if (entry.resources === undefined) {
      out.set(did, { did })
    } else {
      if (!Array.isArray(entry.resources) || entry.resources.length === 0) throw agentIdError('ERR_INPUT_INVALID', `trustedIssuers[${i}].resources must be a non-empty list`)
      out.set(did, { did, resources: entry.resources.map((r, j) => parseResourcePattern(r, `trustedIssuers[${i}].resources[${j}]`)) })
    }
  }
  return out
}

/**
 * Why `issuer` may not grant these entitlements, or undefined when it may.
 */
export function untrustedReason(policy: TrustPolicy, issuer: string, entitlements: readonly Entitlement[]): string | undefined {
  const trusted = policy.get(issuer)
  if (!trusted) return `issuer ${issuer} is not trusted`
  if (!trusted.resources) return undefined
  for (const e of entitlements) {
    if (!trusted.resources.some((p) => patternCovers(p, e.resource))) return `issuer ${issuer} is not trusted to grant ${e.resource}`
  }
  return undefined
}

/** `type` of a rotation statement: a trusted issuer's key names its successor. */
export const ISSUER_ROTATION_TYPE = 'IssuerRotationCredential'

/**
 * Extends the trust to the successors named by rotation statements (in order, so that a rotation
 * of a rotation follows): a statement must be signed by an issuer already trusted (strict
 * Ed25519), be an `IssuerRotationCredential`, and name a did:key; the successor gets the same
 * scope as its predecessor.
 * @throws AgentIdError ERR_USAGE for a statement that does not hold
 */
export function withRotations(policy: TrustPolicy, statements: readonly unknown[], check: (jwt: unknown) => { issuer: string; payload: Record<string, unknown> }): TrustPolicy {
  const out = new Map(policy)
  for (const [i, jwt] of statements.entries()) {
    let issuer: string
    let payload: Record<string, unknown>
    try {
      ;({ issuer, payload } = check(jwt))
    } catch (error) {
      throw agentIdError('ERR_USAGE', `issuerRotations[${i}] does not verify: ${(error as Error).message}`)
    }
    const predecessor = out.get(issuer)
    if (!predecessor) throw agentIdError('ERR_USAGE', `issuerRotations[${i}] is signed by ${issuer}, which this verifier does not trust`)
    const vc = payload.vc as { type?: unknown; credentialSubject?: { id?: unknown } } | undefined
    if (!Array.isArray(vc?.type) || !vc.type.includes(ISSUER_ROTATION_TYPE)) throw agentIdError('ERR_USAGE', `issuerRotations[${i}] is not an ${ISSUER_ROTATION_TYPE}`)
    const successor = parseDidKey(vc.credentialSubject?.id ?? payload.sub).did
    out.set(successor, { ...predecessor, did: successor, origin: predecessor.origin ?? predecessor.did })
  }
  return out
}
