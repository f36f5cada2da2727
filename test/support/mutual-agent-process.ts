import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

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
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH, AGENTID_AGENT: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<number, (r: CallResult) => void>()
  let ready: (info: { url: string; did: string }) => void = () => undefined
  const started = new Promise<{ url: string; did: string }>((resolve) => (ready = resolve))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as { ready?: true; url: string; did: string; id?: number } & CallResult
    if (m.ready) return ready(m)
    waiting.get(m.id!)?.(m)
    waiting.delete(m.id!)
  })
  const info = await started
  let next = 0
  return {
    ...info,
    call(url, path, expectPeer) {
      const id = ++next
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        child.stdin!.write(`${JSON.stringify({ id, call: { url, path, ...(expectPeer ? { expectPeer } : {}) } })}\n`)
      })
    },
    stop() {
      child.kill()
    },
  }
}
