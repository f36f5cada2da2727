import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { checkCredentialId } from './credential.js'

export function registerRevoke(program: Command, ctx: CommandContext): void {
  program
    .command('revoke <credential-id>')
    .description('revoke a credential for good (and every delegation made from it); publish the status list after')
    .option('--reason <text>', 'why, for the audit log')
    .addHelpText('after', '\nVerifiers refuse it once they hold a list published after this: agentid status publish --out status.jwt')
    .action(async (id: string, opts: { reason?: string }) => {
      checkCredentialId(id)
      if (opts.reason !== undefined && opts.reason.length > 256) throw agentIdError('ERR_INPUT_INVALID', '--reason must be at most 256 characters')
      const record = (await (await ctx.api()).call('POST', `/credentials/${encodeURIComponent(id)}/revoke`, opts.reason !== undefined ? { reason: opts.reason } : {})).body as { id: string; subject: string; status: string; changed: boolean }
      ctx.out().result({ id: record.id, subject: record.subject, status: record.status, changed: record.changed }, () => record.changed
        ? `revoked ${record.id} (of ${record.subject}); run "agentid status publish" so that verifiers learn it`
        : `${record.id} was revoked already; nothing changed`)
    })
}

export function registerSuspend(program: Command, ctx: CommandContext): void {
  for (const [name, suspended] of [['suspend', true], ['resume', false]] as const) {
    program
      .command(`${name} <credential-id>`)
      .description(suspended ? 'suspend a credential (reversible: resume lifts it); publish the status lists after' : 'lift the suspension of a credential; publish the status lists after')
      .action(async (id: string) => {
        checkCredentialId(id)
        const answer = (await (await ctx.api()).call('POST', `/credentials/${encodeURIComponent(id)}/${name}`)).body as { id: string; status: string; changed: boolean }
        ctx.out().result({ id: answer.id, status: answer.status, changed: answer.changed }, () => answer.changed
          ? `${answer.id} is ${answer.status}; run "agentid status publish" so that verifiers learn it`
          : `${answer.id} is ${answer.status} already; nothing changed`)
      })
  }
}
