import type { Command } from 'commander'
import { agentIdError, entitlementToJson, formatDuration, parseDidKey, parseDuration, parsePrincipalId, parseRoleName } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { readTextFile, withOutputFile } from '../files.js'
import { collect, entitlementOptions, entitlementsFromOptions, ttlSeconds } from '../options.js'
import { entitlementLines } from './agent.js'

interface PrincipalView { id: string; roles: string[]; did?: string; createdAt: string; disabledAt?: string; expiresAt?: string }
interface VoidedView { request: string; level: number; principal: string; role: string }

// One line for a principal's change, and the approvals it voided.
function principalChange(verb: string, p: PrincipalView, voided: readonly VoidedView[] = []): string {
  const lines = [`${p.id} ${verb} (${p.roles.join(', ')})${p.expiresAt ? `, token expires ${p.expiresAt}` : ''}`]
  for (const v of voided) lines.push(`  approval voided: ${v.request} level ${v.level} (${v.role})`)
  return lines.join('\n')
}
interface RoleView { name: string; description: string; ttlSeconds: number; entitlements: Array<{ resource: string; actions: string[]; purpose?: string }> }

export function registerAdmin(program: Command, ctx: CommandContext): void {
  const principal = program.command('principal').description('people and services that call the issuer, with their roles')
  principal
    .command('create <id>')
    .description('create a principal and its bearer token (shown once: only its hash is kept)')
    .requiredOption('--role <role>', 'admin | reviewer | auditor | agent-owner | an approver role of the policy (ai-ops, security, compliance); repeatable', collect)
    .option('--did <did>', "the person's did:key: they own the agents whose owner it is")
    .option('--ttl <duration>', 'the token expires after this long (1m to 366d; default: never)')
    .option('--token-out <file>', 'write the token here (mode 0600) instead of printing it')
    .action(async (id: string, opts: { role: string[]; did?: string; ttl?: string; tokenOut?: string }) => {
      const body = {
        id: parsePrincipalId(id, 'id'), roles: opts.role.map((r) => parseRoleName(r, '--role')), ...(opts.did !== undefined ? { did: parseDidKey(opts.did).did } : {}),
        ...(opts.ttl !== undefined ? { ttl: checkedTokenTtl(opts.ttl) } : {}),
      }
      const { result: created, file } = await withOutputFile(ctx.io.cwd, opts.tokenOut, { mode: 0o600 }, async () =>
        (await (await ctx.api()).call('POST', '/principals', body)).body as { principal: PrincipalView; token: string }, (c) => c.token)
      ctx.out().result({ principal: created.principal, ...(file ? { tokenFile: file } : { token: created.token }) }, () =>
        `created ${created.principal.id} (${created.principal.roles.join(', ')})\n${file ? `  token written to ${file} (mode 0600)` : `  token ${created.token}\n  (shown once; give it to ${created.principal.id} over a safe channel)`}`)
    })
  principal
    .command('list')
    .description('list principals (never their tokens)')
    .action(async () => {
      const { principals } = (await (await ctx.api()).call('GET', '/principals')).body as { principals: PrincipalView[] }
      ctx.out().result({ principals }, () => principals.map((p) => `${p.id}  ${p.roles.join(',')}${p.did ? `  ${p.did}` : ''}${p.disabledAt ? '  (disabled)' : ''}${p.expiresAt ? `  (token expires ${p.expiresAt})` : ''}`).join('\n'))
    })
  for (const [verb, done] of [['disable', 'disabled'], ['enable', 'enabled']] as const) {
    principal
      .command(`${verb} <id>`)
      .description(verb === 'disable'
        ? 'disable a principal: its token is refused at once, and its approvals of requests not issued yet stop counting'
        : 'enable a disabled principal again')
      .action(async (id: string) => {
        const answer = (await (await ctx.api()).call('POST', `/principals/${encodeURIComponent(parsePrincipalId(id, 'id'))}/${verb}`, {})).body as { principal: PrincipalView; approvalsVoided?: VoidedView[] }
        ctx.out().result(answer, () => principalChange(done, answer.principal, answer.approvalsVoided))
      })
  }
  principal
    .command('rotate <id>')
    .description("replace a principal's token (an admin rotates anyone's, the first admin's included; every principal its own): the old one is refused at once")
    .option('--ttl <duration>', 'the new token expires after this long (1m to 366d; default: never)')
    .option('--token-out <file>', 'write the new token here (mode 0600) instead of printing it')
    .action(async (id: string, opts: { ttl?: string; tokenOut?: string }) => {
      const path = `/principals/${encodeURIComponent(parsePrincipalId(id, 'id'))}/rotate`
      const body = opts.ttl !== undefined ? { ttl: checkedTokenTtl(opts.ttl) } : {}
      const { result: rotated, file } = await withOutputFile(ctx.io.cwd, opts.tokenOut, { mode: 0o600 }, async () =>
        (await (await ctx.api()).call('POST', path, body)).body as { principal: PrincipalView; token: string }, (r) => r.token)
      ctx.out().result({ principal: rotated.principal, ...(file ? { tokenFile: file } : { token: rotated.token }) }, () =>
        `${principalChange('rotated', rotated.principal)}\n${file ? `  new token written to ${file} (mode 0600)` : `  token ${rotated.token}\n  (shown once; the old token is refused from now on)`}`)
    })
  principal
    .command('update <id>')
    .description("replace a principal's roles; approvals it gave in a role it loses stop counting")
    .requiredOption('--role <role>', 'the new roles, all of them; repeatable', collect)
    .action(async (id: string, opts: { role: string[] }) => {
      const answer = (await (await ctx.api()).call('PUT', `/principals/${encodeURIComponent(parsePrincipalId(id, 'id'))}/roles`, { roles: opts.role.map((r) => parseRoleName(r, '--role')) })).body as { principal: PrincipalView; approvalsVoided?: VoidedView[] }
      ctx.out().result(answer, () => principalChange('updated', answer.principal, answer.approvalsVoided))
    })
  program
    .command('whoami')
    .description('the principal the token (AGENTID_TOKEN or AGENTID_TOKEN_FILE) authenticates, or the local operator')
    .action(async () => {
      const me = (await (await ctx.api()).call('GET', '/whoami')).body as { id: string; roles: string[]; did?: string; expiresAt?: string }
      ctx.out().result(me, () => `${me.id} (${me.roles.join(', ')})${me.did ? `\n  did ${me.did}` : ''}${me.expiresAt ? `\n  token expires ${me.expiresAt}` : ''}`)
    })

  const policy = program.command('policy').description('the policy: risk per resource and action, approval chains, duty conflicts, review intervals')
  policy
    .command('show')
    .description('print the policy in force (JSON) and its version')
    .action(async () => {
      const answer = (await (await ctx.api()).call('GET', '/policy')).body as { version: number; policy: unknown }
      ctx.out().result(answer, () => `# policy version ${answer.version}${answer.version === 0 ? ' (built-in default)' : ''}\n${JSON.stringify(answer.policy, null, 2)}`)
    })
  policy
    .command('set <file>')
    .description('replace the policy with the JSON document in <file> (a new version, audited); start from "agentid policy show --json"')
    .action(async (file: string) => {
      const text = await readTextFile(ctx.io.cwd, file, 'policy')
      let document: unknown
      try {
        document = JSON.parse(text)
      } catch (cause) {
        throw agentIdError('ERR_INPUT_INVALID', `policy ${file} is not JSON: ${(cause as Error).message}`)
      }
      // `policy show --json` prints { version, policy }: accept that as well as the bare document.
      const body = typeof document === 'object' && document !== null && 'policy' in document && 'version' in document ? (document as { policy: unknown }).policy : document
      const answer = (await (await ctx.api()).call('PUT', '/policy', body)).body as { version: number }
      ctx.out().result(answer, () => `policy version ${answer.version} is in force`)
    })

  const webhook = program.command('webhook').description('signed webhooks: the issuer posts an event when a status list changes')
  webhook
    .command('add <url>')
    .description('register a webhook; its secret (HMAC-SHA256 key) is shown once. Receivers check posts with verifyWebhookSignature from @agentid/verifier')
    .option('--event <type>', 'event type to receive (status); repeatable', collect)
    .option('--secret-out <file>', 'write the secret here (mode 0600) instead of printing it')
    .action(async (url: string, opts: { event?: string[]; secretOut?: string }) => {
      const { result: created, file } = await withOutputFile(ctx.io.cwd, opts.secretOut, { mode: 0o600 }, async () =>
        (await (await ctx.api()).call('POST', '/webhooks', { url, ...(opts.event ? { events: opts.event } : {}) })).body as { webhook: { id: string; url: string; events: string[] }; secret: string }, (c) => c.secret)
      ctx.out().result({ webhook: created.webhook, ...(file ? { secretFile: file } : { secret: created.secret }) }, () =>
        `webhook ${created.webhook.id} -> ${created.webhook.url} (${created.webhook.events.join(', ')})\n${file ? `  secret written to ${file} (mode 0600)` : `  secret ${created.secret} (shown once)`}`)
    })
  webhook
    .command('list')
    .description('list webhooks (never their secrets)')
    .action(async () => {
      const { webhooks } = (await (await ctx.api()).call('GET', '/webhooks')).body as { webhooks: Array<{ id: string; url: string; events: string[] }> }
      ctx.out().result({ webhooks }, () => (webhooks.length === 0 ? 'no webhooks' : webhooks.map((w) => `${w.id}  ${w.url}  ${w.events.join(',')}`).join('\n')))
    })
  webhook
    .command('remove <id>')
    .description('remove a webhook')
    .action(async (id: string) => {
      if (!/^wh-[0-9a-f-]{36}$/.test(id)) throw agentIdError('ERR_INPUT_INVALID', 'a webhook id looks like wh-<uuid>; see "agentid webhook list"')
      const answer = (await (await ctx.api()).call('DELETE', `/webhooks/${id}`)).body as { deleted: string }
      ctx.out().result(answer, () => `webhook ${answer.deleted} removed`)
    })

  const role = program.command('role').description('role templates: the entitlements an agent enrolled with --role gets at once')
  role
    .command('list')
    .description('list role templates')
    .action(async () => {
      const { roles } = (await (await ctx.api()).call('GET', '/roles')).body as { roles: RoleView[] }
      ctx.out().result({ roles }, () => roles.map((r) => `${r.name}  ${entitlementLines(r).join('; ')}  ${formatDuration(r.ttlSeconds)}  ${r.description}`).join('\n'))
    })
  const roleSet = role
    .command('set <name>')
    .description('create or replace a role template: one entitlement per --resource')
    .requiredOption('--description <text>', 'what agents in this role do')
  // --ttl: the lifetime of the credentials issued on enrolment
  entitlementOptions(roleSet, '24h')
    .action(async (name: string, opts: { description: string; resource: string[]; action: string[]; purpose?: string; constraint?: string[]; ttl: string }) => {
      const entitlements = entitlementsFromOptions(opts)
      ttlSeconds(opts.ttl)
      const saved = (await (await ctx.api()).call('PUT', `/roles/${encodeURIComponent(name)}`, { description: opts.description, entitlements: entitlements.map(entitlementToJson), ttl: opts.ttl })).body as RoleView
      ctx.out().result(saved, () => `role ${saved.name} saved`)
    })
  role
    .command('delete <name>')
    .description('delete a role template (agents enrolled with it keep their credentials)')
    .action(async (name: string) => {
      const answer = (await (await ctx.api()).call('DELETE', `/roles/${encodeURIComponent(name)}`)).body as { deleted: string }
      ctx.out().result(answer, () => `role ${answer.deleted} deleted`)
    })
}

// A token's lifetime as the service takes it (`15m`, `90d`), checked before anything is sent.
function checkedTokenTtl(value: string): string {
  const seconds = parseDuration(value, '--ttl', 366 * 86400)
  if (seconds < 60) throw agentIdError('ERR_INPUT_INVALID', '--ttl must be at least 1m')
  return value
}
