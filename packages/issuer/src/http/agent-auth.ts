import { agentIdError } from '@agentid/core'
import { createVerifier, presentationNonce, type PresentationResult, type StatusSource } from '@agentid/verifier'
import type { Issuer } from '../issuer.js'
import { AGENT_ROLE, type Principal } from '../governance/principal.js'

/**
 * Agents authenticate to the issuer as any verifier would have them: a presentation (VP-JWT)
 * addressed to the issuer's DID, over a single-use challenge from `GET /challenge`, holding a
 * live credential of this issuer. The status of that credential is read from the issuer's own
 * records, so a revoked or suspended agent is refused at once.
 */
export interface AgentAuthenticator {
  challenge(): string
  /** @throws AgentIdError with the verifier's code (ERR_VP_NONCE, ERR_VP_REPLAY, ERR_VC_REVOKED, ...) */
  authenticate(presentation: string): Promise<Principal>
  /**
   * Checks a presentation to the issuer as {@link authenticate} does, and returns all of it.
   * @throws AgentIdError as authenticate
   */
  verify(presentation: string): Promise<Extract<PresentationResult, { ok: true }>>
}

const CHALLENGE_TTL = 120
/** The verifier's default clock tolerance (seconds), past a challenge's life. */
const CLOCK_TOLERANCE = 60

export function agentAuthenticator(issuer: Issuer): AgentAuthenticator {
  const statusLists: StatusSource = {
    async check(_entry, credential) {
      const record = await issuer.credentialRecord(credential.id)
      if (!record) return { ok: false, code: 'ERR_STATUS_UNAVAILABLE', message: `credential ${credential.id} is not in this issuer's records` }
      if (record.status === 'revoked') return { ok: false, code: 'ERR_VC_REVOKED', message: `credential ${credential.id} is revoked` }
      if (record.status === 'suspended') return { ok: false, code: 'ERR_VC_SUSPENDED', message: `credential ${credential.id} is suspended` }
      return { ok: true }
    },
  }
  // On the issuer's clock, as everything it records.
  // The challenge key is the one every replica derives: a challenge from one is answered at another.
  const verifier = createVerifier({ did: issuer.did, trustedIssuers: [issuer.did], statusLists, challengeTtl: CHALLENGE_TTL, challengeKey: issuer.sharedSecret('agent-challenge'), now: () => issuer.now() })
  return {
    challenge: () => verifier.challenge(),
    async authenticate(presentation) {
      const result = await this.verify(presentation)
      return { id: result.holder, roles: [AGENT_ROLE], did: result.holder }
    },
    async verify(presentation) {
      const challenge = nonceOf(presentation)
      const result = await verifier.verifyPresentation(presentation, { challenge })
      if (!result.ok) throw agentIdError(result.code, `presentation refused: ${result.message}`)
      // Single use at every replica: the verifier's own cache saw it here only.
      await issuer.useOnce(`agent-challenge:${challenge}`, issuer.now() + (CHALLENGE_TTL + CLOCK_TOLERANCE) * 1000, 'ERR_VP_REPLAY', 'this challenge was already answered')
      return result
    },
  }
}

// The nonce the presentation claims to answer: the verifier then checks that this issuer issued
// it, that it is unused and unexpired, and that the presentation is signed over it.
function nonceOf(presentation: string): string {
  const nonce = presentationNonce(presentation)
  if (nonce === undefined) throw agentIdError('ERR_VP_NONCE', 'the presentation carries no readable nonce: get one from GET /challenge')
  return nonce
}
