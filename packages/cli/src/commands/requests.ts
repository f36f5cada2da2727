import type { Command } from 'commander'
import { agentIdError, formatDuration, parseDidKey, parseRoleName, parseTaskId } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { withOutputFile } from '../files.js'
import { entitlementText, relativeTime, table } from '../human.js'
import { credentialState, type CredentialView } from './credential.js'

interface RequestView {
  id: string; subject: string; requester: string; status: string; risk: string; chain: string[]; next?: string; expiresAt: string
  entitlements: Array<{ resource: string; actions: string[]; purpose?: string; constraints?: Record<string, unknown> }>
  approvals: Array<{ level: number; role: string; principal: string; decision: string; at: string; reason?: string }>
  ttlSeconds: number; task?: { id: string; description?: string }; jit: boolean; justification?: string
  policyVersion: number; createdAt: string; decidedAt?: string; credential?: string
}

function requestLine(r: RequestView): string {
  const what = r.entitlements.map((e) => `${e.actions.join(',')} ${e.resource}`).join('; ')
  const progress = r.status === 'pending' ? `waiting for ${r.next} (${r.approvals.length}/${r.chain.length})` : r.status
  return `${r.id}  ${r.risk}  ${progress}  ${what}  for ${r.subject}  by ${r.requester}`
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

function checkId(id: string, what: string): string {
  if (!ID.test(id)) throw agentIdError('ERR_INPUT_INVALID', `${what} must be 1-128 letters, digits, . _ : -`)
  return id
}

/** `agentid request show <id>`, under the `request` command (which asks for access). */
export function registerRequestShow(request: Command, ctx: CommandContext): void {
  request
    .command('show <request-id>')
    .description('one access request: what it asks for, its approval chain and who decided what')
    .addHelpText('after', '\nExample:\n  agentid request show req-3f2a...')
    .action(async (id: string) => {
      const r = (await (await ctx.api()).call('GET', `/requests/${encodeURIComponent(checkId(id, 'request id'))}`)).body as RequestView
      const now = Date.now()
      ctx.out().result(r, () => [
        `${r.id}  ${r.status}${r.status === 'pending' ? `, waiting for ${r.next}` : ''}`,
        `  subject      ${r.subject}`,
        `  requester    ${r.requester}`,
        ...r.entitlements.map((e, i) => `  ${i === 0 ? 'asks for    ' : '            '} ${entitlementText(e)} for ${formatDuration(r.ttlSeconds)}`),
        `  risk         ${r.risk} (policy version ${r.policyVersion})`,
        `  chain        ${r.chain.join(' then ')}`,
        ...r.approvals.map((a) => `  level ${a.level}      ${a.decision} by ${a.principal} as ${a.role} at ${a.at}${a.reason ? `: ${a.reason}` : ''}`),
        ...(r.task ? [`  task         ${r.task.id}${r.jit ? ' (just-in-time)' : ''}`] : []),
        ...(r.justification ? [`  why          ${r.justification}`] : []),
        `  opened       ${r.createdAt}`,
        r.status === 'pending' ? `  expires      ${r.expiresAt} (${relativeTime(r.expiresAt, now)})` : `  decided      ${r.decidedAt ?? '-'}`,
        ...(r.credential ? [`  credential   ${r.credential}`] : []),
      ].join('\n'))
    })
}

export function registerRequests(program: Command, ctx: CommandContext): void {
  program
    .command('requests')
    .description('list access requests')
    .option('--status <status>', 'pending | issued | denied | expired')
    .option('--subject <did>', 'only this agent')
    .action(async (opts: { status?: string; subject?: string }) => {
      if (opts.status !== undefined && !['pending', 'issued', 'denied', 'expired'].includes(opts.status)) throw agentIdError('ERR_USAGE', '--status must be pending, issued, denied or expired')
      const query = new URLSearchParams({ ...(opts.status ? { status: opts.status } : {}), ...(opts.subject ? { subject: parseDidKey(opts.subject).did } : {}) }).toString()
      const { requests } = (await (await ctx.api()).call('GET', `/requests${query ? `?${query}` : ''}`)).body as { requests: RequestView[] }
      ctx.out().result({ requests }, () => (requests.length === 0 ? 'no access requests' : requests.map(requestLine).join('\n')))
    })

  program
    .command('approve <request-id>')
    .description("approve the current level of an access request, as the principal of AGENTID_TOKEN; the last approval issues the credential")
    .option('--role <role>', 'the approver role you act in (must be the level\'s role)')
    .option('--reason <text>', 'why, for the audit log')
    .option('--out <file>', 'when this approval issues the credential, write it here')
    .addHelpText('after', '\nApprovals are made by principals: set AGENTID_TOKEN (and AGENTID_URL for a remote issuer).')
    .action(async (id: string, opts: { role?: string; reason?: string; out?: string }) => {
      const body = { ...(opts.role !== undefined ? { role: parseRoleName(opts.role, '--role') } : {}), ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }
      const path = `/requests/${encodeURIComponent(checkId(id, 'request id'))}/approve`
      const { result: answer, file } = await withOutputFile(ctx.io.cwd, opts.out, {}, async () =>
        (await (await ctx.api()).call('POST', path, body)).body as { request: RequestView; credential?: { id: string; expires: string; jwt: string } }, (a) => a.credential?.jwt)
      const { request, credential } = answer
      ctx.out().result(
        { request, ...(credential ? { credential: { id: credential.id, expires: credential.expires, ...(file ? { file } : { jwt: credential.jwt }) } } : {}) },
        () => (credential
          ? `approved: ${request.id} is issued as ${credential.id} until ${credential.expires}${file ? ` -> ${file}` : `\n${credential.jwt}`}`
          : `approved level ${request.approvals.length} of ${request.chain.length}; ${request.id} now waits for ${request.next}`),
      )
    })

  program
    .command('deny <request-id>')
    .description('deny an access request, as the principal of AGENTID_TOKEN: one denial ends it')
    .option('--role <role>', 'the approver role you act in')
    .option('--reason <text>', 'why, for the audit log and the requester')
    .action(async (id: string, opts: { role?: string; reason?: string }) => {
      const body = { ...(opts.role !== undefined ? { role: parseRoleName(opts.role, '--role') } : {}), ...(opts.reason !== undefined ? { reason: opts.reason } : {}) }
      const { request } = (await (await ctx.api()).call('POST', `/requests/${encodeURIComponent(checkId(id, 'request id'))}/deny`, body)).body as { request: RequestView }
      ctx.out().result({ request }, () => `denied ${request.id}`)
    })

  const task = program.command('task').description('tasks that just-in-time grants serve')
  task
    .command('list')
    .description('tasks named by credentials or requests: live credentials, time left, requests still pending')
    .option('--all', 'also tasks with nothing live or pending any more')
    .addHelpText('after', '\nExample:\n  agentid task list && agentid task complete incident-42')
    .action(async (opts: { all?: boolean }) => {
      const api = await ctx.api()
      const { credentials } = (await api.call('GET', '/credentials')).body as { credentials: CredentialView[] }
      const { requests } = (await api.call('GET', '/requests')).body as { requests: RequestView[] }
      const now = Date.now()
      const tasks = taskSummaries(credentials, requests, now).filter((t) => opts.all || t.live > 0 || t.pending > 0)
      ctx.out().result({ tasks }, () => (tasks.length === 0
        ? `no tasks${opts.all ? '' : ' with live credentials or pending requests (--all for every one)'}`
        : table(['TASK', 'JIT', 'LIVE', 'ENDED', 'PENDING', 'LAST EXPIRY'], tasks.map((t) => [
          t.id, t.jit ? 'yes' : 'no', String(t.live), String(t.ended), String(t.pending), t.lastExpiry ? `${t.lastExpiry} (${relativeTime(t.lastExpiry, now)})` : '-',
        ]))))
    })
  task
    .command('complete <task-id>')
    .description('end a task: revoke at once every live credential issued for it')
    .action(async (id: string) => {
      const answer = (await (await ctx.api()).call('POST', `/tasks/${encodeURIComponent(parseTaskId(id, 'task id'))}/complete`)).body as { task: string; revoked: string[] }
      ctx.out().result(answer, () => `task ${answer.task} complete; revoked ${answer.revoked.join(', ')}`)
    })
}

/** One task as `task list` shows it. */
interface TaskSummary {
  id: string; description?: string; jit: boolean
  /** Credentials issued for it that are active and not expired. */
  live: number
  /** Revoked, suspended or expired ones. */
  ended: number
  /** Requests for it still waiting for approval. */
  pending: number
  /** The latest expiry of its live credentials. */
  lastExpiry?: string
  credentials: string[]
  requests: string[]
}

// Tasks have no table of their own: they are what credentials and requests name.
function taskSummaries(credentials: readonly CredentialView[], requests: readonly RequestView[], now: number): TaskSummary[] {
  const tasks = new Map<string, TaskSummary>()
  const of = (task: { id: string; description?: string }): TaskSummary => {
    let t = tasks.get(task.id)
    if (!t) {
      t = { id: task.id, ...(task.description ? { description: task.description } : {}), jit: false, live: 0, ended: 0, pending: 0, credentials: [], requests: [] }
      tasks.set(task.id, t)
    }
    return t
  }
  for (const c of credentials) {
    if (!c.task) continue
    const t = of(c.task)
    t.credentials.push(c.id)
    t.jit ||= c.jit === true
    if (credentialState(c, now) === 'active') {
      t.live += 1
      if (t.lastExpiry === undefined || c.expires > t.lastExpiry) t.lastExpiry = c.expires
    } else t.ended += 1
  }
  for (const r of requests) {
    if (!r.task) continue
    const t = of(r.task)
    t.requests.push(r.id)
    t.jit ||= r.jit
    if (r.status === 'pending') t.pending += 1
  }
  return [...tasks.values()].sort((a, b) => a.id.localeCompare(b.id))
}
