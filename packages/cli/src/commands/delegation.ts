import type { Command } from 'commander'
import type { CommandContext } from '../context.js'
import { readCredentialFile } from '../files.js'

export function registerDelegation(program: Command, ctx: CommandContext): void {
  const delegation = program.command('delegation').description('delegations agents made offline')
  delegation
    .command('report <chain-file>')
    .description('record a delegation chain (from agentid delegate) in the issuer, with audit entries, under the credential it descends from')
    .action(async (file: string) => {
      const chain = await readCredentialFile(ctx.io.cwd, file)
      const issuer = await ctx.issuer()
      const { recorded, alerts } = await issuer.reportDelegation(chain, ctx.actor())
      const known = chain.length - 1 - recorded.length
      ctx.out().result(
        {
          recorded: recorded.map((r) => ({ id: r.id, delegator: r.delegator, delegate: r.delegate, expires: new Date(r.expires * 1000).toISOString() })),
          alreadyKnown: known,
          alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, subject: a.subject, reason: a.details.reason })),
        },
        () => [
          `recorded ${recorded.length} delegation${recorded.length === 1 ? '' : 's'}${known > 0 ? ` (${known} already known)` : ''}`,
          ...alerts.map((a) => `alert ${a.id} (${a.severity}, ${a.kind}): ${String(a.details.reason)}`),
        ].join('\n'),
      )
    })
}
