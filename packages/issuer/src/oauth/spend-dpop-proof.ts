import type { Issuer } from '../issuer.js'

/**
 * Spends a checked DPoP proof (RFC 9449, section 11.1) at every replica: the in-memory check in
 * checkDpopProof catches a replay at this one. Remembered while its iat can be in the window
 * (checkDpopProof's defaults: 60 s of age, 5 s of skew either way).
 * @throws AgentIdError ERR_DPOP_PROOF (used at another replica), ERR_STORE
 */
export function spendDpopProof(issuer: Issuer, proof: { readonly jkt: string; readonly jti: string }, nowSeconds: number): Promise<void> {
  return issuer.useOnce(`dpop:${proof.jkt}:${proof.jti}`, (nowSeconds + DPOP_PROOF_WINDOW) * 1000, 'ERR_DPOP_PROOF', 'this DPoP proof was already used')
}
const DPOP_PROOF_WINDOW = 60 + 5 + 5 + 1
