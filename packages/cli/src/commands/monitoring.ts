import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { collect } from '../options.js'

interface SuppressionView { id: string; agent?: string; kind?: string; about?: string; reason: string; createdBy: string; expiresAt: string; endedAt?: string }

function suppressionLine(s: SuppressionView): string {
  const what = [s.agent, s.kind, s.about].filter((x) => x !== undefined).join(' ')
  return `${s.id}  ${what}  until ${s.endedAt ?? s.expiresAt}${s.endedAt ? ' (ended)' : ''}  by ${s.createdBy}: ${s.reason}`
}

// A number option, refused with a stable code when it is not one (the service checks ranges).
function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) throw agentIdError('ERR_INPUT_INVALID', `--${name} must be a number`)
  return Number(value)
}

/**
 * `agentid monitoring …` and `agentid alerts feedback`: the operator's controls of anomaly
 * detection, over the same routes as the API (admin or security; auditors read). Each change is
 * audited by the issuer.
 */
export function registerMonitoring(program: Command, ctx: CommandContext): void {
  const monitoring = program.command('monitoring').description("anomaly detection's controls: learning period, sensitivity per kind, suppressions (docs/monitoring.md)")
  monitoring
    .command('controls')
    .description('show the controls in force, or replace them (what is not given returns to the default)')
    .option('--learn-minutes <n>', 'minutes after an agent first appears before checks on one event run (default 30)')
    .option('--learn-events <n>', 'events that only build a new agent\'s baseline (default 60)')
    .option('--mature-hours <n>', 'hours before habits (hours, rates, volumes) are judged (default 48)')
    .option('--sensitivity <kind=level>', 'per anomaly kind: 0 off, 1 default, up to 4; repeat', collect)
    .addHelpText('after', '\nExamples:\n  agentid monitoring controls\n  agentid monitoring controls --sensitivity off-hours=0.5 --sensitivity new-network=0 --mature-hours 72')
    .action(async (opts: { learnMinutes?: string; learnEvents?: string; matureHours?: string; sensitivity?: string[] }) => {
      const api = await ctx.api()
      const changing = opts.learnMinutes !== undefined || opts.learnEvents !== undefined || opts.matureHours !== undefined || opts.sensitivity !== undefined
      let controls: Record<string, unknown>
      if (!changing) controls = (await api.call('GET', '/monitoring/controls')).body.controls
      else {
        const sensitivity: Record<string, number> = {}
        for (const pair of opts.sensitivity ?? []) {
          const [kind, level] = pair.split('=')
          if (!kind || level === undefined) throw agentIdError('ERR_INPUT_INVALID', '--sensitivity takes kind=level (new-network=0)')
          sensitivity[kind] = number(level, 'sensitivity')!
        }
        const body = {
          ...(opts.learnMinutes !== undefined ? { learnMinutes: number(opts.learnMinutes, 'learn-minutes') } : {}),
          ...(opts.learnEvents !== undefined ? { learnEvents: number(opts.learnEvents, 'learn-events') } : {}),
          ...(opts.matureHours !== undefined ? { matureHours: number(opts.matureHours, 'mature-hours') } : {}),
          ...(opts.sensitivity !== undefined ? { sensitivity } : {}),
        }
        controls = (await api.call('PUT', '/monitoring/controls', body)).body.controls
      }
      ctx.out().result({ controls }, () => (Object.keys(controls).length === 0 ? 'defaults' : JSON.stringify(controls, null, 2)))
    })
  monitoring
    .command('suppress')
    .description('hold back findings about an agent, a kind and/or a subject for a while (at most 30 days); never the use of a suspended or retired agent')
    .option('--agent <did>', 'only about this agent')
    .option('--kind <kind>', 'only this anomaly kind (new-network, off-hours, …)')
    .option('--about <subject>', 'only findings about this (a family, a network, an hour)')
    .requiredOption('--minutes <n>', 'how long')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .addHelpText('after', '\nExamples:\n  agentid monitoring suppress --kind new-network --about 10.200.0 --minutes 1440 --reason "office move"')
    .action(async (opts: { agent?: string; kind?: string; about?: string; minutes: string; reason: string }) => {
      const body = { ...(opts.agent !== undefined ? { agent: opts.agent } : {}), ...(opts.kind !== undefined ? { kind: opts.kind } : {}), ...(opts.about !== undefined ? { about: opts.about } : {}), minutes: number(opts.minutes, 'minutes'), reason: opts.reason }
      const { suppression } = (await (await ctx.api()).call('POST', '/monitoring/suppressions', body)).body as { suppression: SuppressionView }
      ctx.out().result({ suppression }, () => suppressionLine(suppression))
    })
  monitoring
    .command('suppressions')
    .description('suppressions, newest first (ended and expired ones included)')
    .action(async () => {
      const { suppressions } = (await (await ctx.api()).call('GET', '/monitoring/suppressions')).body as { suppressions: SuppressionView[] }
      ctx.out().result({ suppressions }, () => (suppressions.length === 0 ? 'no suppressions' : suppressions.map(suppressionLine).join('\n')))
    })
  monitoring
    .command('unsuppress <id>')
    .description('end a suppression now')
    .action(async (id: string) => {
      if (!/^sup-[0-9a-f-]{36}$/.test(id)) throw agentIdError('ERR_INPUT_INVALID', 'a suppression id looks like sup-<uuid>; see "agentid monitoring suppressions"')
      const { suppression } = (await (await ctx.api()).call('DELETE', `/monitoring/suppressions/${id}`)).body as { suppression: SuppressionView }
      ctx.out().result({ suppression }, () => suppressionLine(suppression))
    })

  const alerts = program.commands.find((c) => c.name() === 'alerts')
  if (!alerts) return
  alerts
    .command('feedback <id>')
    .description('your verdict on an alert, once: benign (monitoring learns what it was about) or confirmed')
    .requiredOption('--verdict <verdict>', 'benign or confirmed')
    .option('--note <text>', 'why (kept in the audit log)')
    .addHelpText('after', '\nExamples:\n  agentid alerts feedback 42 --verdict benign --note "new holiday planner, agreed with HR"')
    .action(async (id: string, opts: { verdict: string; note?: string }) => {
      if (!/^[1-9][0-9]{0,11}$/.test(id)) throw agentIdError('ERR_INPUT_INVALID', 'an alert id is a number; see "agentid alerts"')
      const answer = (await (await ctx.api()).call('POST', `/alerts/${id}/feedback`, { verdict: opts.verdict, ...(opts.note !== undefined ? { note: opts.note } : {}) })).body as { alert: number; verdict: string; learned: boolean }
      ctx.out().result(answer, () => `alert ${answer.alert}: ${answer.verdict}${answer.learned ? ' (learned)' : ''}`)
    })
}
