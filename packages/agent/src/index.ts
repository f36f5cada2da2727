// Public API of @agentid/agent. Every exported name is listed here on purpose.
export {
  agentKeyFromSeed,
  agentKeyToFile,
  generateAgentKey,
  loadAgentKey,
  parseAgentKeyFile,
  saveAgentKey,
  signJwt,
  signTyped,
} from './key/agent-key.js'
export type { AgentKey, AgentKeyFile } from './key/agent-key.js'
export { createPresentation } from './presentation/create-presentation.js'
export type { PresentationOptions } from './presentation/create-presentation.js'
export { createSdJwtPresentation, SD_JWT_AGENT_FIELDS } from './presentation/create-sd-jwt-presentation.js'
export type { SdJwtPresentationOptions } from './presentation/create-sd-jwt-presentation.js'
export { createDelegation } from './delegation/create-delegation.js'
export type { DelegationOptions } from './delegation/create-delegation.js'
export { createMutualAgent, MUTUAL_NONCE_PREFIX, MUTUAL_VERSION } from './mutual/mutual-agent.js'
export type { CompleteMessage, HandshakeMessage, HelloMessage, MutualAgent, MutualFailure, MutualOptions, ResponseMessage, Session } from './mutual/mutual-agent.js'
export { HANDSHAKE_PATH, mutualFetch, mutualHttpHandler } from './mutual/http.js'
export type { MutualFetch, MutualFetchOptions, MutualHttpOptions, MutualRequestContext } from './mutual/http.js'
export type { HelloLimits } from './mutual/hello-limiter.js'
export { bodyHash, PROOF_TYPE, readProof, signProof } from './mutual/request-proof.js'
export type { ProofClaims } from './mutual/request-proof.js'
export { createDpopProof, createJwtBearerAssertion } from './oauth/dpop.js'
export type { DpopProofOptions, JwtBearerAssertionOptions } from './oauth/dpop.js'
export { createCredentialKeeper, createKeyProof, KEY_PROOF_TYPE } from './credentials/credential-keeper.js'
export type { CredentialKeeper, CredentialKeeperOptions, HeldCredential } from './credentials/credential-keeper.js'
