import type { Command } from 'commander'
import { agentIdError, parseDidKey, parseRoleName, parseTaskId } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { withOutputFile } from '../files.js'

interface RequestView {
  id: string; subject: string; requester: string; status: string; risk: string; chain: string[]; next?: string; expiresAt: string
  entitlements: Array<{ resource: string; actions: string[]; purpose?: string }>
  approvals: Array<{ level: number; role: string; principal: string; decision: string; at: string }>
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
    .command('complete <task-id>')
    .description('end a task: revoke at once every live credential issued for it')
    .action(async (id: string) => {
      const answer = (await (await ctx.api()).call('POST', `/tasks/${encodeURIComponent(parseTaskId(id, 'task id'))}/complete`)).body as { task: string; revoked: string[] }
      ctx.out().result(answer, () => `task ${answer.task} complete; revoked ${answer.revoked.join(', ')}`)
    })
}
