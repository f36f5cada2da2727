import { createHash, randomBytes } from 'node:crypto'
import {
  encodeBase64url,
  entitlementToJson,
  ENTITLEMENT_VCT,
  parseDidKey,
  SD_JWT_BITSTRING_STATUS,
  SD_JWT_DIGEST_ALG,
  SD_JWT_VC_TYPE,
  type AgentProfile,
  type ApprovalEvidence,
  type Entitlement,
  type RiskLevel,
  type TaskRef,
} from '@agentid/core'

/** What {@link issueSdJwtVc} mints: agentid's entitlement credential as an SD-JWT VC. */
export interface SdJwtVcInput {
  /** The issuer's did:key (`iss`; `kid` is its key id). */
  readonly issuer: string
  /** Signs the JWS signing input with the issuer's Ed25519 key. */
  readonly sign: (data: Buffer) => Buffer
  /** The agent's did:key: `sub`, and its key as `cnf.jwk`. */
  readonly subject: string
  /** `jti`. */
  readonly id: string
  readonly notBefore: number
  readonly expires: number
  readonly agent: AgentProfile
  readonly entitlements: readonly Entitlement[]
  readonly task?: TaskRef
  readonly risk?: RiskLevel
  readonly approvals?: readonly ApprovalEvidence[]
  /** Bitstring Status List entries, carried as `status.bitstring_status_list`. */
  readonly status?: readonly Record<string, unknown>[]
  /**
   * Decoy digests added to the agent's `_sd` and to the entitlement list (RFC 9901, section
   * 4.2.5), so that a verifier cannot count what was left undisclosed (default 0).
   */
  readonly decoys?: number
  /** Source of salts and decoys (default `crypto.randomBytes`): injected for golden tests. */
  readonly random?: (size: number) => Buffer
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('base64url')
}

/**
 * Mints an SD-JWT VC entitlement credential (RFC 9901; SD-JWT VC draft; docs/formats.md,
 * "SD-JWT VC"): header `{ alg: EdDSA, typ: dc+sd-jwt, kid }`, payload with `iss`, `sub`, `jti`,
 * `iat`, `nbf`, `exp`, `vct`, `cnf.jwk`, `_sd_alg: sha-256`, `status`, the agent's `kind`,
 * `task`, `risk`, `approvals` in the clear, and each entitlement (an array element disclosure) and
 * the agent's `name`, `owner`, `segment` (object property disclosures) separately disclosable.
 * Returns `<issuer-signed JWT>~<disclosure>~…~`, every disclosure included.
 */
export function issueSdJwtVc(input: SdJwtVcInput): string {
  const random = input.random ?? randomBytes
  const salt = (): string => encodeBase64url(random(16))
  const decoyDigest = (): string => encodeBase64url(createHash('sha256').update(random(32)).digest())
  const decoys = input.decoys ?? 0
  const disclosures: string[] = []
  const disclose = (parts: unknown[]): string => {
    const text = encodeBase64url(JSON.stringify(parts))
    disclosures.push(text)
    return digest(text)
  }

  const agentSd: string[] = []
  for (const name of ['name', 'owner', 'segment'] as const) {
    const value = input.agent[name]
    if (value !== undefined) agentSd.push(disclose([salt(), name, value]))
  }
  for (let i = 0; i < decoys; i++) agentSd.push(decoyDigest())
  // Sorted, so that the order of digests says nothing about which claim is which (section 4.2.4.1).
  agentSd.sort()

  const entitlements: Array<{ '...': string }> = input.entitlements.map((e) => ({ '...': disclose([salt(), entitlementToJson(e)]) }))
  for (let i = 0; i < decoys; i++) {
    const at = random(1)[0]! % (entitlements.length + 1)
    entitlements.splice(at, 0, { '...': decoyDigest() })
  }

  const x = encodeBase64url(parseDidKey(input.subject).publicKey)
  const payload: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    jti: input.id,
    iat: input.notBefore,
    nbf: input.notBefore,
    exp: input.expires,
    vct: ENTITLEMENT_VCT,
    cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x } },
    _sd_alg: SD_JWT_DIGEST_ALG,
    ...(input.status && input.status.length > 0 ? { status: { [SD_JWT_BITSTRING_STATUS]: input.status } } : {}),
    agent: { kind: input.agent.kind, _sd: agentSd },
    entitlements,
    ...(input.task ? { task: { ...input.task } } : {}),
    ...(input.risk ? { risk: input.risk } : {}),
    ...(input.approvals && input.approvals.length > 0 ? { approvals: input.approvals.map((a) => ({ role: a.role, approver: a.approver, at: a.at })) } : {}),
  }
  const header = { alg: 'EdDSA', typ: SD_JWT_VC_TYPE, kid: parseDidKey(input.issuer).keyId }
  const signingInput = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(payload))}`
  const jwt = `${signingInput}.${encodeBase64url(input.sign(Buffer.from(signingInput, 'latin1')))}`
  return `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`
}
