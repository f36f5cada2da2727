import { mkdtempSync, rmSync } from 'node:fs'
import { freePort } from '../../scripts/line-process.mjs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Issuer, startService, type RunningService, type ServiceOptions } from '@agentid/issuer'

/** The principals every service test has: one per role, and an owner with a DID. */
export const ROLE_PRINCIPALS = {
  admin: { id: 'admin', roles: ['admin'] },
  'ai-ops': { id: 'olga', roles: ['ai-ops'] },
  security: { id: 'sam', roles: ['security'] },
  compliance: { id: 'carla', roles: ['compliance'] },
  reviewer: { id: 'rita', roles: ['reviewer'] },
  auditor: { id: 'aude', roles: ['auditor'] },
  'agent-owner': { id: 'owen', roles: ['agent-owner'] },
  reporter: { id: 'rex', roles: ['reporter'] },
} as const

export type RoleName = keyof typeof ROLE_PRINCIPALS

export interface Answer {
  readonly status: number
  readonly body: any
  readonly headers: Headers
}

export interface TestService {
  readonly issuer: Issuer
  readonly service: RunningService
  readonly url: string
  readonly home: string
  readonly tokens: Record<RoleName, string>
  /** A JSON call with a bearer token (or none). */
  call(token: string | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>
  /** Every table of the database, in order: to prove that a refused call changed nothing. */
  dump(): string
  /** The audit log's records of refused attempts, oldest first: who tried what, and the code. */
  refusals(): Array<{ actor: string; attempt: string; code: string; target?: string }>
  close(): Promise<void>
}

export { freePort } from '../../scripts/line-process.mjs'

/**
 * A real issuer (SQLite file in a temporary home) served on 127.0.0.1, with one principal per
 * role. `now` lets a test move the issuer's clock.
 */
export async function startTestService(options: {
  now?: () => number
  ownerDid?: string
  policy?: unknown
  rateLimits?: ServiceOptions['rateLimits']
  /** Monitoring's clock and tuning (the issuer's `now` does not move it). */
  monitor?: ServiceOptions['monitor']
  /** Webhooks to loopback and private addresses (a test receiver on 127.0.0.1). */
  allowPrivateWebhooks?: boolean
  /** Where the service's log lines go (default: nowhere). */
  log?: (line: string) => void
  timeouts?: Pick<ServiceOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'statusCheckIntervalMs'>
  /** Limits a test is about: connections per address, event streams. */
  limits?: Pick<ServiceOptions, 'maxConnectionsPerAddress' | 'statusEvents'>
  /** The OAuth authorization server's settings (DPoP nonces, token lifetime). */
  oauth?: ServiceOptions['oauth']
} = {}): Promise<TestService> {
  const home = mkdtempSync(join(tmpdir(), 'agentid-service-'))
  const port = await freePort()
  const { issuer, adminToken } = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` }, ...(options.now ? { now: options.now } : {}), ...(options.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}) })
  if (options.policy !== undefined) await issuer.setPolicy(options.policy, 'test')
  const tokens = { admin: adminToken } as Record<RoleName, string>
  for (const [role, p] of Object.entries(ROLE_PRINCIPALS)) {
    if (role === 'admin') continue
    const owner = role === 'agent-owner' && options.ownerDid ? { did: options.ownerDid } : {}
    tokens[role as RoleName] = (await issuer.createPrincipal({ id: p.id, roles: [...p.roles], ...owner }, 'test')).token
  }
  // Rate limits off unless a test is about them: tests fire requests faster than any client would.
  const service = await startService(issuer, { port, sweepIntervalMs: 0, rateLimits: options.rateLimits ?? false, log: options.log ?? (() => undefined), ...(options.monitor ? { monitor: options.monitor } : {}), ...options.timeouts, ...options.limits, ...(options.oauth ? { oauth: options.oauth } : {}) }).catch(async (error: unknown) => {
    await issuer.close()
    rmSync(home, { recursive: true, force: true })
    throw error
  })
  const url = service.url
  return {
    issuer, service, url, home, tokens,
    async call(token, method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      })
      // An event stream never ends: its status and headers are the answer.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel()
        return { status: response.status, body: '', headers: response.headers }
      }
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON (a status list): keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers }
    },
    dump() {
      const db = new Database(join(home, 'issuer.db'), { readonly: true, fileMustExist: true })
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
        // A refused attempt is recorded (access.refused) and changes nothing else: those entries
        // are left out, so that a dump before and after a refusal compares equal; `refusals()`
        // shows them. Signed checkpoints are left out too: the service writes them on its own
        // clock (a busy machine may cross the interval during a test), not because of a request.
        return JSON.stringify(tables.filter(({ name }) => name !== 'audit_checkpoints')
          .map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ${name === 'audit_log' ? "WHERE action != 'access.refused'" : ''} ORDER BY rowid`).all()]))
      } finally {
        db.close()
      }
    },
    refusals() {
      const db = new Database(join(home, 'issuer.db'), { readonly: true, fileMustExist: true })
      try {
        const rows = db.prepare("SELECT actor, target, details FROM audit_log WHERE action = 'access.refused' ORDER BY seq").all() as Array<{ actor: string; target: string | null; details: string }>
        return rows.map((r) => {
          const d = JSON.parse(r.details) as { attempt: string; code: string }
          return { actor: r.actor, attempt: d.attempt, code: d.code, ...(r.target !== null ? { target: r.target } : {}) }
        })
      } finally {
        db.close()
      }
    },
    async close() {
      await service.close()
      await issuer.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
