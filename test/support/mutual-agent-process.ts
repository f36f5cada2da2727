import { fileURLToPath } from 'node:url'
import { startLineProcess } from '../../scripts/line-process.mjs'

const SCRIPT = fileURLToPath(new URL('../../scripts/mutual-agent-process.mjs', import.meta.url))

export interface CallResult {
  readonly status?: number
  readonly body?: any
  readonly handshake?: boolean
  readonly error?: { code: string; message: string }
}

export interface AgentProcess {
  readonly url: string
  readonly did: string
  /** Has this agent call another agent's `path` (a mutual handshake first, when needed). */
  call(url: string, path: string, expectPeer?: string): Promise<CallResult>
  stop(): void
}

/** Starts an agent process (scripts/mutual-agent-process.mjs). */
export async function startAgentProcess(config: Record<string, unknown>): Promise<AgentProcess> {
  const child = await startLineProcess<{ url: string; did: string }>(SCRIPT, { PATH: process.env.PATH, AGENTID_AGENT: JSON.stringify(config) })
  return {
    url: child.info.url,
    did: child.info.did,
    call: (url, path, expectPeer) => child.request({ call: { url, path, ...(expectPeer ? { expectPeer } : {}) } }) as Promise<CallResult>,
    stop: () => child.stop(),
  }
}
