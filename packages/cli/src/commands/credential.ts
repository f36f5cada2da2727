import type { Command } from 'commander'
import { agentIdError, parseDidKey, parseTaskId } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { entitlementText, lifetime, relativeTime, table } from '../human.js'
import { collect } from '../options.js'

type Entitlement = { resource: string; actions: string[]; purpose?: string; constraints?: Record<string, unknown> }

/** A credential record as the issuer shows it (GET /credentials, never the JWT). */
export interface CredentialView {
  id: string; subject: string; status: 'active' | 'revoked' | 'suspended'; entitlements: Entitlement[]
  notBefore: string; expires: string; issuedAt: string; expiredAt?: string; reviewedAt?: string
  risk?: string; task?: { id: string; description?: string }; jit?: boolean; request?: string
  approvals?: Array<{ role: string; approver: string; at: string }>; statusList: string; statusIndex: number
}

/** What `--status` filters on: the record's status, or `expired` for an active one past its expiry. */
export const CREDENTIAL_STATES = ['active', 'suspended', 'revoked', 'expired'] as const
export type CredentialState = (typeof CREDENTIAL_STATES)[number]

export function credentialState(c: CredentialView, nowMs: number): CredentialState {
  return c.status === 'active' && (c.expiredAt !== undefined || Date.parse(c.expires) <= nowMs) ? 'expired' : c.status
}

/**
 * Refused before anything is sent: a credential id is printable ASCII.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function checkCredentialId(id: string): string {
  if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw agentIdError('ERR_INPUT_INVALID', 'credential id must be 1-256 printable characters, e.g. urn:uuid:…')
  return id
}

export function registerCredential(program: Command, ctx: CommandContext): void {
  const credential = program.command('credential').description('credentials the issuer has issued: records, JWTs, offers for their agents')

  credential
    .command('list')
    .description('list credentials, newest last, with their state and time left')
    .option('--agent <did>', 'only those of this agent (an agent owner must give it)')
    .option('--status <state>', 'only in these states: active | suspended | revoked | expired; repeat or comma-separate', collect)
    .option('--task <id>', 'only those issued for this task')
    .addHelpText('after', '\nExamples:\n  agentid credential list --status active,suspended\n  agentid credential list --agent did:key:z6Mk... --json')
    .action(async (opts: { agent?: string; status?: string[]; task?: string }) => {
      for (const s of opts.status ?? []) {
        if (!(CREDENTIAL_STATES as readonly string[]).includes(s)) throw agentIdError('ERR_USAGE', `--status must be among ${CREDENTIAL_STATES.join(', ')}, not "${s}"`)
      }
      const query = new URLSearchParams({
        ...(opts.agent !== undefined ? { subject: parseDidKey(opts.agent).did } : {}),
        ...(opts.task !== undefined ? { task: parseTaskId(opts.task, '--task') } : {}),
      }).toString()
      const { credentials: all } = (await (await ctx.api()).call('GET', `/credentials${query ? `?${query}` : ''}`)).body as { credentials: CredentialView[] }
      const now = Date.now()
      const credentials = opts.status ? all.filter((c) => opts.status!.includes(credentialState(c, now))) : all
      ctx.out().result({ credentials: credentials.map((c) => ({ ...c, state: credentialState(c, now) })) }, () => credentials.length === 0
        ? 'no credentials'
        : table(['ID', 'STATE', 'SUBJECT', 'EXPIRES', 'GRANTS'], credentials.map((c) => [
          c.id, credentialState(c, now), c.subject, `${c.expires} (${relativeTime(c.expires, now)})`, c.entitlements.map(entitlementText).join('; '),
        ])))
    })

  credential
    .command('show <credential-id>')
    .description('one credential: its state, lifetime, entitlements, task, approvals and status list entry')
    .addHelpText('after', '\nExample:\n  agentid credential show urn:uuid:0b6c...')
    .action(async (id: string) => {
      const c = (await (await ctx.api()).call('GET', `/credentials/${encodeURIComponent(checkCredentialId(id))}`)).body as CredentialView
      const now = Date.now()
      ctx.out().result({ ...c, state: credentialState(c, now) }, () => credentialLines(c, now).join('\n'))
    })

  credential
    .command('offer <id>')
    .description("an OpenID4VCI credential offer for the credential's agent to redeem once with its key (agentid agent fetch --offer): admins, and owners for their agents")
    .option('--also <id>', 'another credential of the same agent in the same offer (repeatable)', collect)
    .option('--tx-code', 'require a transaction code: printed beside the offer, to send the agent by another channel')
    .option('--ttl <duration>', 'how long the offer may be redeemed (default 10m, at most 24h)')
    .addHelpText('after', '\nExample:\n  agentid credential offer urn:uuid:... --tx-code --ttl 30m')
    .action(async (id: string, opts: { also?: string[]; txCode?: boolean; ttl?: string }) => {
      const body = { ...(opts.also ? { also: opts.also.map(checkCredentialId) } : {}), ...(opts.txCode ? { txCode: true } : {}), ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}) }
      const created = (await (await ctx.api()).call('POST', `/credentials/${encodeURIComponent(checkCredentialId(id))}/offer`, body)).body as { uri: string; txCode?: string; expiresAt: string }
      ctx.out().result(created, () => created.uri)
      ctx.out().note(`redeemable once until ${created.expiresAt}${created.txCode !== undefined ? `; transaction code ${created.txCode} (send it by another channel)` : ''}`)
    })

  credential
    .command('jwt <id>')
    .description('the credential as issued (VC-JWT), to hand it to its agent again (agents fetch their own: agentid agent fetch)')
    .action(async (id: string) => {
      const { jwt } = (await (await ctx.api()).call('GET', `/credentials/${encodeURIComponent(checkCredentialId(id))}/jwt`)).body as { jwt: string }
      ctx.out().result({ id, jwt }, () => jwt)
    })
}

function credentialLines(c: CredentialView, now: number): string[] {
  const state = credentialState(c, now)
  return [
    c.id,
    `  state        ${state}${state === 'active' ? `, ${relativeTime(c.expires, now).replace(/^in /, '')} left` : ''}`,
    `  subject      ${c.subject}`,
    `  valid        ${c.notBefore} to ${c.expires} (${lifetime(c.notBefore, c.expires)})`,
    ...c.entitlements.map((e, i) => `  ${i === 0 ? 'grants      ' : '            '} ${entitlementText(e)}`),
    ...(c.risk ? [`  risk         ${c.risk}`] : []),
    ...(c.task ? [`  task         ${c.task.id}${c.jit ? ' (just-in-time: revoked when the task completes)' : ''}`] : []),
    ...(c.request ? [`  request      ${c.request}`] : []),
    ...(c.approvals?.length ? [`  approvals    ${c.approvals.map((a) => `${a.role} by ${a.approver}`).join(', ')}`] : []),
    `  issued       ${c.issuedAt}`,
    ...(c.reviewedAt ? [`  reviewed     ${c.reviewedAt}`] : []),
    `  status list  ${c.statusList} #${c.statusIndex}`,
  ]
}
