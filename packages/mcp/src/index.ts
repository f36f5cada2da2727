// Public API of @agentid/mcp. Every exported name is listed here on purpose.
export { CHALLENGE_PATH, createMcpGuard, GuardRefusal } from './resource-server.js'
export type { AgentAuthInfo, AgentAuthority, McpGuard, McpGuardOptions, ToolRule } from './resource-server.js'
export { agentOAuth } from './agent-client.js'
export type { AgentOAuth, AgentOAuthOptions, StepUpHint } from './agent-client.js'
export { agentMutualFetch, agentPresentationFetch } from './offline-client.js'
