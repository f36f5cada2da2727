import type { Command } from 'commander'
import { generateAgentKey, saveAgentKey } from '@agentid/agent'
import { agentIdError, parseAgentKind, parseAgentName, parseDidKey, parseOwner, parseSegment } from '@agentid/core'
import { resolve } from 'node:path'
import type { IssuerApi } from '../api.js'
import type { CommandContext } from '../context.js'
import { withOutputFile } from '../files.js'
import { registerAgentCredentials } from './agent-credentials.js'

interface AgentView { did: string; name: string; kind: string; owner: string; segment?: string; status: string; suspendedAt?: string }
interface CredentialView { id: string; status: string; notBefore: string; expires: string; entitlements: Array<{ resource: string; actions: string[]; purpose?: string }> }

/** One line per entitlement, for people: `read,list db:customers for monthly-report`. */
export function entitlementLines(c: { entitlements: ReadonlyArray<{ resource: string; actions: readonly string[]; purpose?: string }> }): string[] {
  return c.entitlements.map((e) => `${e.actions.join(',')} ${e.resource}${e.purpose ? ` for ${e.purpose}` : ''}`)
}

function agentLine(a: AgentView): string {
  return [a.did, a.name, a.kind, a.owner, a.segment ?? '-', a.status].join('  ')
}

const path = (did: string): string => `/agents/${encodeURIComponent(did)}`

export function registerAgent(program: Command, ctx: CommandContext): void {
  const agent = program.command('agent').description('agent identities: keys, enrolment, inventory, collecting and renewing credentials')

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
    .requiredOption('--kind <kind>', 'company | employee (an employee\'s assistant: --owner is their did:key) | service | person (an employee enrolled in their own right, to delegate to their assistants)')
    .requiredOption('--owner <owner>', 'accountable owner: a person\'s did:key or a team name')
    .option('--segment <segment>', 'network segment the agent belongs to, e.g. sales')
    .option('--role <role>', 'role template for initial entitlements, e.g. sales-reporter')
    .option('--out <file>', 'with --role: write the issued credential (VC-JWT) here')
    .action(async (did: string, opts: { name: string; kind: string; owner: string; segment?: string; role?: string; out?: string }) => {
      // Everything is checked before the database is opened: bad input changes nothing.
      const input = {
        did: parseDidKey(did).did,
        name: parseAgentName(opts.name, '--name'),
        kind: parseAgentKind(opts.kind, '--kind'),
        owner: parseOwner(opts.owner, '--owner'),
        ...(opts.segment !== undefined ? { segment: parseSegment(opts.segment, '--segment') } : {}),
        ...(opts.role !== undefined ? { role: opts.role } : {}),
      }
      if (opts.out !== undefined && opts.role === undefined) throw agentIdError('ERR_USAGE', '--out needs --role (a plain registration issues no credential)')
      const { result: registered, file: written } = await withOutputFile(ctx.io.cwd, opts.out, {}, async () =>
        (await (await ctx.api()).call('POST', '/agents', input)).body as { agent: AgentView; credentials: Array<CredentialView & { jwt: string }>; request?: { id: string; chain: string[] } },
      (r) => r.credentials[0]?.jwt)
      const { agent: record, credentials, request } = registered
      ctx.out().result(
        { agent: record, credentials: credentials.map(({ jwt, ...c }) => ({ ...c, ...(written ? { file: written } : { jwt }) })), ...(request ? { request } : {}) },
        () => [`registered ${record.name} (${record.kind}) ${record.did}`,
          ...credentials.map((c) => `  issued ${c.id} until ${c.expires}${written ? ` -> ${written}` : ''}`),
          ...(request ? [`  the role needs approval: request ${request.id} waits for ${request.chain.join(' then ')} ("agentid approve ${request.id}")`] : [])].join('\n'),
      )
    })

  agent
    .command('list')
    .description('list enrolled agents')
    .action(async () => {
      const agents = await everyAgent(await ctx.api())
      ctx.out().result({ agents }, () => (agents.length === 0 ? 'no agents enrolled' : ['DID  NAME  KIND  OWNER  SEGMENT  STATUS', ...agents.map(agentLine)].join('\n')))
    })

  agent
    .command('retire <did>')
    .description("deprovision: retire an agent, or a person and every agent they own (suspended pending a new owner instead when the policy's onOwnerRetired says so), revoke their credentials (and so every delegation below them), close their requests, disable that DID's principals and void their approvals")
    .action(async (did: string) => {
      const checked = parseDidKey(did).did
      const { retired: steps } = (await (await ctx.api()).call('POST', `${path(checked)}/retire`)).body as { retired: Array<{ agent: string; outcome: 'retired' | 'suspended'; revoked: string[]; cascadeFrom?: string; requestsClosed?: string[]; approvalsVoided?: unknown[] }> }
      const revoked = steps.flatMap((s) => s.revoked)
      const retired = steps.filter((s) => s.outcome === 'retired').map((s) => s.agent)
      const suspended = steps.filter((s) => s.outcome === 'suspended').map((s) => s.agent)
      ctx.out().result({ did: checked, retired, ...(suspended.length > 0 ? { suspended } : {}), revoked, steps }, () =>
        [...steps.map((s) => `${s.outcome} ${s.agent}${s.cascadeFrom ? ` (owned by ${s.cascadeFrom})` : ''}; revoked ${s.revoked.length} credential${s.revoked.length === 1 ? '' : 's'}` +
          `${s.requestsClosed?.length ? `; closed ${s.requestsClosed.length} request(s)` : ''}${s.approvalsVoided?.length ? `; ${s.approvalsVoided.length} approval(s) voided` : ''}`),
          ...(suspended.length > 0 ? ['give each suspended agent a new owner ("agentid agent transfer <did> --owner <did>"), then resume it'] : []),
          'run "agentid status publish" so that verifiers learn it'].join('\n'))
    })

  agent
    .command('transfer <did>')
    .description('give an agent a new owner (a person\'s did:key, or a team name): one suspended when its owner was retired waits for one; resume it after')
    .requiredOption('--owner <owner>', "the new owner: a person's did:key or a team name")
    .action(async (did: string, opts: { owner: string }) => {
      const checked = parseDidKey(did).did
      const { agent: record } = (await (await ctx.api()).call('POST', `${path(checked)}/owner`, { owner: opts.owner })).body as { agent: AgentView }
      ctx.out().result({ agent: record }, () => `${record.did} is now owned by ${record.owner}${record.suspendedAt ? '; it is still suspended: "agentid agent resume" when ready' : ''}`)
    })

  for (const [name, suspended] of [['suspend', true], ['resume', false]] as const) {
    agent
      .command(`${name} <did>`)
      .description(suspended ? 'the incident-response button: suspend every active credential of an agent at once' : 'resume every suspended credential of an agent')
      .action(async (did: string) => {
        const checked = parseDidKey(did).did
        const key = suspended ? 'suspended' : 'resumed'
        const changed = ((await (await ctx.api()).call('POST', `${path(checked)}/${name}`)).body as Record<string, string[]>)[key]!
        ctx.out().result({ did: checked, [key]: changed }, () =>
          `${suspended ? 'suspended' : 'resumed'} ${changed.length} credential${changed.length === 1 ? '' : 's'} of ${checked}; run "agentid status publish" so that verifiers learn it`)
      })
  }

  agent
    .command('show <did>')
    .description('show one agent, its credentials, and the delegations reported below them')
    .action(async (did: string) => {
      const checked = parseDidKey(did).did
      const { agent: record, credentials } = (await (await ctx.api()).call('GET', path(checked))).body as { agent: AgentView; credentials: Array<CredentialView & { delegations: Array<{ id: string; delegator: string; delegate: string; expires: string }> }> }
      ctx.out().result({ agent: record, credentials }, () =>
        [agentLine(record), ...credentials.flatMap((c) => [
          `  ${c.id}  ${c.status}  until ${c.expires}  ${entitlementLines(c).join('; ')}`,
          ...c.delegations.map((d) => `    delegated ${d.id}: ${d.delegator} -> ${d.delegate} until ${d.expires}`),
        ])].join('\n'))
    })
  registerAgentCredentials(agent, ctx)
}

/**
 * Every agent the caller may see, 200 at a time by cursor: the service never answers them all
 * at once (an answer over the CLI's 8 MB limit, and a read of every agent, on a large issuer).
 * A service from before cursors refuses `after`: then the one answer it gives.
 */
async function everyAgent(api: IssuerApi): Promise<AgentView[]> {
  const agents: AgentView[] = []
  let after = ''
  for (;;) {
    let page: { agents: AgentView[]; next?: string }
    try {
      page = (await api.call('GET', `/agents?limit=200&after=${after}`)).body as { agents: AgentView[]; next?: string }
    } catch (error) {
      if (after !== '' || (error as { code?: string }).code !== 'ERR_INPUT_INVALID') throw error
      return ((await api.call('GET', '/agents')).body as { agents: AgentView[] }).agents
    }
    agents.push(...page.agents)
    if (page.next === undefined) return agents
    after = page.next
  }
}
