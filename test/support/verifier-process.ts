import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createPresentation, type AgentKey } from '@agentid/agent'

const SCRIPT = fileURLToPath(new URL('../../scripts/verifier-process.mjs', import.meta.url))

export interface VerifierProcess {
  /** Verifies a fresh presentation of `credentials` by `holder`; resolves to its code or 'ok'. */
  verify(holder: AgentKey, credentials: string[]): Promise<string>
  stop(): void
}

/** Starts a verifying agent in another process (see verifier-process.mjs). */
export async function startVerifierProcess(config: { did: string; issuer: string; origin: string; maxAge: number; refreshAfter: number; events?: string }): Promise<VerifierProcess> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH, AGENTID_VERIFIER: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<number, (code: string) => void>()
  let readyResolve: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (readyResolve = resolve))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as { ready?: true; id?: number; ok?: boolean; code?: string }
    if (message.ready) return readyResolve()
    waiting.get(message.id!)?.(message.ok ? 'ok' : message.code!)
    waiting.delete(message.id!)
  })
  await ready
  let next = 0
  return {
    verify(holder, credentials) {
      const id = ++next
      const vp = createPresentation({ key: holder, credentials, audience: config.did, challenge: 'challenge' })
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        child.stdin!.write(`${JSON.stringify({ id, vp })}\n`)
      })
    },
    stop() {
      child.kill()
    },
  }
}

/** Verifies until the answer is `expected` (or `timeoutMs` passes); returns how long it took. */
export async function until(check: () => Promise<string>, expected: string, timeoutMs = 10_000): Promise<number> {
  const start = Date.now()
  let last = ''
  while (Date.now() - start < timeoutMs) {
    last = await check()
    if (last === expected) return Date.now() - start
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error(`still "${last}" after ${timeoutMs} ms, expected "${expected}"`)
}
