import { fileURLToPath } from 'node:url'
import { startLineProcess } from '../../scripts/line-process.mjs'

const SCRIPT = fileURLToPath(new URL('../../scripts/a2a-agent-process.mjs', import.meta.url))

export interface A2aAgentProcess {
  readonly url: string
  readonly did: string
  /** Status-list refreshes the agent has completed (the list stored). */
  fetches(): Promise<number>
  /** Resolves once the agent has completed `n` status-list refreshes (an event, not a timer). */
  waitFetches(n: number): Promise<number>
  /** Has this agent send a message to another A2A agent (its card verified, the handshake first when needed). */
  call(url: string, text: string, expectDid?: string): Promise<{ reply?: string; error?: { code: string; message: string } }>
  stop(): void
}

/** Starts an A2A agent process (scripts/a2a-agent-process.mjs). */
export async function startA2aAgentProcess(config: Record<string, unknown>): Promise<A2aAgentProcess> {
  const child = await startLineProcess<{ url: string; did: string }>(SCRIPT, { PATH: process.env.PATH, AGENTID_A2A: JSON.stringify(config) })
  return {
    url: child.info.url,
    did: child.info.did,
    fetches: async () => ((await child.request({ fetches: true })) as { fetches: number }).fetches,
    waitFetches: async (n) => ((await child.request({ waitFetches: n })) as { fetches: number }).fetches,
    call: (url, text, expectDid) => child.request({ call: { url, text, ...(expectDid ? { expectDid } : {}) } }),
    stop: () => child.stop(),
  }
}
