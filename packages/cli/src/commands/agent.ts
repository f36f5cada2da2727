import type { Command } from 'commander'
import { generateAgentKey, saveAgentKey } from '@agentid/agent'
import { agentIdError, parseAgentKind, parseAgentName, parseDidKey, parseOwner, parseSegment, type AgentKind } from '@agentid/core'
import type { AgentRecord, CredentialRecord, IssuedCredential } from '@agentid/issuer'
import { resolve } from 'node:path'
import type { CommandContext } from '../context.js'
import { reserveOutputFile } from '../files.js'

function credentialSummary(c: CredentialRecord): { id: string; status: string; notBefore: string; expires: string; entitlements: string[] } {
  return {
    id: c.id,
    status: c.status,
    notBefore: new Date(c.notBefore * 1000).toISOString(),
    expires: new Date(c.expires * 1000).toISOString(),
    entitlements: c.entitlements.map((e) => `${e.actions.join(',')} ${e.resource}${e.purpose ? ` for ${e.purpose}` : ''}`),
  }
}

function agentLine(a: AgentRecord): string {
  return [a.did, a.name, a.kind, a.owner, a.segment ?? '-', a.status].join('  ')
}

export function registerAgent(program: Command, ctx: CommandContext): void {
  const agent = program.command('agent').description('agent identities: keys, enrolment, inventory')

  agent
    .command('keygen')
    .description("make this agent's own Ed25519 key (the private key never leaves this file) and print its DID")
    .requiredOption('--out <file>', 'where to write the key file (JWK, mode 0600; never overwritten)')
    .action(async (opts: { out: string }) => {
      const key = generateAgentKey()
      const path = resolve(ctx.io.cwd, opts.out)
      await saveAgentKey(path, key)
      ctx.out().result({ did: key.did, keyId: key.keyId, file: path }, () => key.did)
      ctx.out().note(`key written to ${path} (mode 0600)`)
    })

  agent
    .command('register <did>')
    .description('enrol an agent by its did:key; with --role, issue the role template\'s entitlements at once')
    .requiredOption('--name <name>', 'short name, e.g. report-bot')
    .requiredOption('--kind <kind>', 'company | employee | service')
    .requiredOption('--owner <owner>', 'accountable owner: a person\'s did:key or a team name')
    .option('--segment <segment>', 'network segment the agent belongs to, e.g. sales')
    .option('--role <role>', 'role template for initial entitlements, e.g. sales-reporter')
    .option('--out <file>', 'with --role: write the issued credential (VC-JWT) here')
    .action(async (did: string, opts: { name: string; kind: string; owner: string; segment?: string; role?: string; out?: string }) => {
      // Everything is checked before the database is opened: bad input changes nothing.
      const input = {
        did: parseDidKey(did).did,
        name: parseAgentName(opts.name, '--name'),
        kind: parseAgentKind(opts.kind, '--kind') as AgentKind,
        owner: parseOwner(opts.owner, '--owner'),
        ...(opts.segment !== undefined ? { segment: parseSegment(opts.segment, '--segment') } : {}),
        ...(opts.role !== undefined ? { role: opts.role } : {}),
      }
      if (opts.out !== undefined && opts.role === undefined) throw agentIdError('ERR_USAGE', '--out needs --role (a plain registration issues no credential)')
      const reserved = opts.out !== undefined ? await reserveOutputFile(ctx.io.cwd, opts.out) : undefined
      let registered
      try {
        registered = await (await ctx.issuer()).registerAgent(input, ctx.actor())
      } catch (error) {
        await reserved?.discard()
        throw error
      }
      const { agent: record, credentials } = registered
      if (reserved && credentials[0]) await reserved.write(credentials[0].jwt)
      const written = reserved?.path
      ctx.out().result(
        { agent: record, credentials: credentials.map((c: IssuedCredential) => ({ ...credentialSummary(c.record), ...(written ? { file: written } : { jwt: c.jwt }) })) },
        () => [`registered ${record.name} (${record.kind}) ${record.did}`,
          ...credentials.map((c) => `  issued ${c.id} until ${new Date(c.record.expires * 1000).toISOString()}${written ? ` -> ${written}` : ''}`)].join('\n'),
      )
    })

  agent
    .command('list')
    .description('list enrolled agents')
    .action(async () => {
      const agents = await (await ctx.issuer()).store.listAgents()
      ctx.out().result({ agents }, () => (agents.length === 0 ? 'no agents enrolled' : ['DID  NAME  KIND  OWNER  SEGMENT  STATUS', ...agents.map(agentLine)].join('\n')))
    })

  agent
    .command('retire <did>')
    .description('deprovision: retire an agent (or every employee agent of an owner DID), revoke every credential they hold (and so every delegation below them), disable that DID\'s principals')
    .action(async (did: string) => {
      const checked = parseDidKey(did).did
      const steps = await (await ctx.issuer()).retireAgent(checked, ctx.actor())
      const revoked = steps.flatMap((s) => s.revoked.map((r) => r.id))
      ctx.out().result({ did: checked, retired: steps.map((s) => s.agent), revoked }, () =>
        [...steps.map((s) => `retired ${s.agent}${s.cascadeFrom ? ` (employee agent of ${s.cascadeFrom})` : ''}; revoked ${s.revoked.length} credential${s.revoked.length === 1 ? '' : 's'}`),
          'run "agentid status publish" so that verifiers learn it'].join('\n'))
    })

  for (const [name, suspended] of [['suspend', true], ['resume', false]] as const) {
    agent
      .command(`${name} <did>`)
      .description(suspended ? 'the incident-response button: suspend every active credential of an agent at once' : 'resume every suspended credential of an agent')
      .action(async (did: string) => {
        const checked = parseDidKey(did).did
        const changed = await (await ctx.issuer()).setSuspended({ agent: checked }, suspended, ctx.actor())
        ctx.out().result({ did: checked, [suspended ? 'suspended' : 'resumed']: changed.map((c) => c.id) }, () =>
          `${suspended ? 'suspended' : 'resumed'} ${changed.length} credential${changed.length === 1 ? '' : 's'} of ${checked}; run "agentid status publish" so that verifiers learn it`)
      })
  }

  agent
    .command('show <did>')
    .description('show one agent, its credentials, and the delegations reported below them')
    .action(async (did: string) => {
      const checked = parseDidKey(did).did
      const issuer = await ctx.issuer()
      const record = await issuer.store.getAgent(checked)
      if (!record) throw agentIdError('ERR_NOT_FOUND', `agent ${checked} is not enrolled`)
      const credentials = await Promise.all((await issuer.store.listCredentials({ subject: checked })).map(async (c) => ({
        ...credentialSummary(c),
        delegations: (await issuer.store.listDelegations(c.id)).map((d) => ({ id: d.id, delegator: d.delegator, delegate: d.delegate, expires: new Date(d.expires * 1000).toISOString() })),
      })))
      ctx.out().result({ agent: record, credentials }, () =>
        [agentLine(record), ...credentials.flatMap((c) => [
          `  ${c.id}  ${c.status}  until ${c.expires}  ${c.entitlements.join('; ')}`,
          ...c.delegations.map((d) => `    delegated ${d.id}: ${d.delegator} -> ${d.delegate} until ${d.expires}`),
        ])].join('\n'))
    })
}
