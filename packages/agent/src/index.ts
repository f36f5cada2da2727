// Public API of @agentid/agent. Every exported name is listed here on purpose.
export {
  agentKeyFromSeed,
  agentKeyToFile,
  generateAgentKey,
  loadAgentKey,
  parseAgentKeyFile,
  saveAgentKey,
  signJwt,
} from './key/agent-key.js'
export type { AgentKey, AgentKeyFile } from './key/agent-key.js'
export { createPresentation } from './presentation/create-presentation.js'
export type { PresentationOptions } from './presentation/create-presentation.js'
export { createDelegation } from './delegation/create-delegation.js'
export type { DelegationOptions } from './delegation/create-delegation.js'
