import type { ErrorCode } from '@agentid/core'
import type { CredentialStatusEntry, VerifiedCredential } from '../credential/verify-credential.js'

/** The answer of a status source for one credential. */
export type StatusOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: Extract<ErrorCode, 'ERR_VC_REVOKED' | 'ERR_VC_SUSPENDED' | 'ERR_STATUS_UNAVAILABLE'>; readonly message: string }

/** A source's fail-closed answer when it cannot vouch for a list. */
export function unavailable(message: string): StatusOutcome {
  return { ok: false, code: 'ERR_STATUS_UNAVAILABLE', message }
}

/**
 * Where a verifier learns whether a credential was revoked or suspended (Bitstring Status List).
 * Implementations answer from a cache and must fail closed: a list they cannot vouch for as fresh
 * gives `ERR_STATUS_UNAVAILABLE`, never `ok`.
 */
export interface StatusSource {
  check(entry: CredentialStatusEntry, credential: VerifiedCredential, nowMs: number): StatusOutcome | Promise<StatusOutcome>
}
