import { sign } from 'node:crypto'
import { agentKeyFromSeed, signJwt, type AgentKey } from '@agentid/agent'
import { AGENTID_CONTEXT_V1, CREDENTIALS_CONTEXT_V1, encodeBase64url } from '@agentid/core'

/** A frozen clock: 2026-11-30T09:00:00Z, in milliseconds. */
export const T0 = Date.UTC(2026, 10, 30, 9, 0, 0)
/** T0 in seconds. */
export const S0 = T0 / 1000

function seed(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte)
}

/** Fixed keys, so failures reproduce. */
export const KEYS = {
  issuer: agentKeyFromSeed(seed(1)),
  agent: agentKeyFromSeed(seed(2)),
  verifier: agentKeyFromSeed(seed(3)),
  other: agentKeyFromSeed(seed(4)),
  otherIssuer: agentKeyFromSeed(seed(5)),
} as const

/** Signs any header and payload (objects, or raw JSON text to smuggle in what JSON.stringify cannot). */
export function signRaw(key: AgentKey, header: Record<string, unknown> | string, payload: Record<string, unknown> | string): string {
  const h = encodeBase64url(typeof header === 'string' ? header : JSON.stringify(header))
  const p = encodeBase64url(typeof payload === 'string' ? payload : JSON.stringify(payload))
  return `${h}.${p}.${encodeBase64url(sign(null, Buffer.from(`${h}.${p}`), key.privateKey))}`
}

/** The payload of a valid entitlement credential from KEYS.issuer to KEYS.agent, at T0. */
export function vcPayload(overrides: Record<string, unknown> = {}, vcOverrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: KEYS.issuer.did,
    sub: KEYS.agent.did,
    jti: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    nbf: S0 - 3600,
    exp: S0 + 3600,
    vc: {
      '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
      type: ['VerifiableCredential', 'AgentEntitlementCredential'],
      credentialSubject: {
        agent: { name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales' },
        entitlements: [
          { resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000, networks: ['10.20.0.0/16'] } },
          { resource: 'crm:accounts/*', actions: ['read', 'list'] },
        ],
      },
      ...vcOverrides,
    },
    ...overrides,
  }
}

/** A signed credential (issuer KEYS.issuer unless `key` says otherwise). */
export function makeVc(overrides: Record<string, unknown> = {}, vcOverrides: Record<string, unknown> = {}, key: AgentKey = KEYS.issuer): string {
  return signJwt(key, vcPayload(overrides, vcOverrides))
}

/** The payload of a valid presentation by KEYS.agent for KEYS.verifier, at T0. */
export function vpPayload(credentials: readonly string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: KEYS.agent.did,
    aud: KEYS.verifier.did,
    nonce: 'nonce-1',
    iat: S0,
    nbf: S0,
    exp: S0 + 120,
    jti: 'urn:uuid:00000000-0000-4000-8000-0000000000aa',
    vp: { '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiablePresentation'], verifiableCredential: [...credentials] },
    ...overrides,
  }
}

/** A signed presentation (holder KEYS.agent unless `key` says otherwise). */
export function makeVp(credentials: readonly string[] = [makeVc()], overrides: Record<string, unknown> = {}, key: AgentKey = KEYS.agent): string {
  return signJwt(key, vpPayload(credentials, overrides))
}
