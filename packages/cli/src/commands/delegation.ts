import type { Command } from 'commander'
import type { CommandContext } from '../context.js'
import { readCredentialFile } from '../files.js'

interface Reported {
  recorded: Array<{ id: string; delegator: string; delegate: string; expires: string }>
  alreadyKnown: number
  alerts: Array<{ id: number; kind: string; severity: string; subject?: string; details: { reason?: unknown } }>
}

export function registerDelegation(program: Command, ctx: CommandContext): void {
  const delegation = program.command('delegation').description('delegations agents made offline')
  delegation
    .command('report <chain-file>')
    .description('record a delegation chain (from agentid delegate) in the issuer, with audit entries, under the credential it descends from')
    .action(async (file: string) => {
      const chain = await readCredentialFile(ctx.io.cwd, file)
      const { recorded, alreadyKnown, alerts } = (await (await ctx.api()).call('POST', '/delegations', { chain })).body as Reported
      ctx.out().result(
        {
          recorded: recorded.map((r) => ({ id: r.id, delegator: r.delegator, delegate: r.delegate, expires: r.expires })),
          alreadyKnown,
          alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, subject: a.subject, reason: a.details.reason })),
        },
        () => [
          `recorded ${recorded.length} delegation${recorded.length === 1 ? '' : 's'}${alreadyKnown > 0 ? ` (${alreadyKnown} already known)` : ''}`,
          ...alerts.map((a) => `alert ${a.id} (${a.severity}, ${a.kind}): ${String(a.details.reason)}`),
        ].join('\n'),
      )
    })
}
