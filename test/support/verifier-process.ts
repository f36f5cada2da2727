import { fileURLToPath } from 'node:url'
import { createPresentation, type AgentKey } from '@agentid/agent'
import { startLineProcess } from '../../scripts/line-process.mjs'

const SCRIPT = fileURLToPath(new URL('../../scripts/verifier-process.mjs', import.meta.url))

export interface VerifierProcess {
  /** Verifies a fresh presentation of `credentials` by `holder`; resolves to its code or 'ok'. */
  verify(holder: AgentKey, credentials: string[]): Promise<string>
  stop(): void
}

/** Starts a verifying agent in another process (see verifier-process.mjs). */
export async function startVerifierProcess(config: { did: string; issuer: string; origin: string; maxAge: number; refreshAfter: number; events?: string }): Promise<VerifierProcess> {
  const child = await startLineProcess(SCRIPT, { PATH: process.env.PATH, AGENTID_VERIFIER: JSON.stringify(config) })
  return {
    async verify(holder, credentials) {
      const answer = (await child.request({ vp: createPresentation({ key: holder, credentials, audience: config.did, challenge: 'challenge' }) })) as { ok: boolean; code?: string }
      return answer.ok ? 'ok' : answer.code!
    },
    stop: () => child.stop(),
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
