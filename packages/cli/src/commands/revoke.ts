import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'

export function registerRevoke(program: Command, ctx: CommandContext): void {
  program
    .command('revoke <credential-id>')
    .description('revoke a credential for good (and every delegation made from it); publish the status list after')
    .option('--reason <text>', 'why, for the audit log')
    .addHelpText('after', '\nVerifiers refuse it once they hold a list published after this: agentid status publish --out status.jwt')
    .action(async (id: string, opts: { reason?: string }) => {
      if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw agentIdError('ERR_INPUT_INVALID', 'credential id must be 1-256 printable characters, e.g. urn:uuid:…')
      if (opts.reason !== undefined && opts.reason.length > 256) throw agentIdError('ERR_INPUT_INVALID', '--reason must be at most 256 characters')
      const record = await (await ctx.issuer()).revoke(id, ctx.actor(), opts.reason)
      ctx.out().result({ id: record.id, subject: record.subject, status: record.status }, () => `revoked ${record.id} (of ${record.subject}); run "agentid status publish" so that verifiers learn it`)
    })
}
