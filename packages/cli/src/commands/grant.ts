import type { Command } from 'commander'
import { agentIdError, entitlementToJson, parseDidKey, parseDuration, parseTaskId } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { withOutputFile } from '../files.js'
import { entitlementOptions, entitlementsFromOptions, ttlSeconds } from '../options.js'
import { registerRequestShow } from './requests.js'

interface AccessOptions {
  resource: string[] | undefined; action: string[] | undefined; purpose?: string; ttl: string; constraint?: string[]; task?: string; out?: string
  jit?: boolean; justification?: string; renewableFor?: string; format?: string
}

interface CredentialAnswer { id: string; subject: string; expires: string; risk?: string; jwt: string }
interface RequestAnswer { id: string; subject: string; risk: string; chain: string[]; next?: string; status: string }

/** The body of `POST /requests` from grant/request options, checked before anything is sent. */
function accessRequest(did: string, opts: AccessOptions & { resource: string[]; action: string[] }): Record<string, unknown> {
  const entitlements = entitlementsFromOptions(opts)
  ttlSeconds(opts.ttl)
  if (opts.renewableFor !== undefined) parseDuration(opts.renewableFor, '--renewable-for')
  return {
    subject: parseDidKey(did).did,
    entitlements: entitlements.map(entitlementToJson),
    ttl: opts.ttl,
    ...(opts.task !== undefined ? { task: { id: parseTaskId(opts.task, '--task') } } : {}),
    ...(opts.jit ? { jit: true } : {}),
    ...(opts.justification !== undefined ? { justification: opts.justification } : {}),
    ...(opts.renewableFor !== undefined ? { renewableFor: opts.renewableFor } : {}),
    ...(opts.format !== undefined ? { format: credentialFormat(opts.format) } : {}),
  }
}

function credentialFormat(value: string): string {
  if (value !== 'vc' && value !== 'sd-jwt') throw agentIdError('ERR_USAGE', '--format must be vc or sd-jwt')
  return value
}

function accessOptions(command: Command, defaultTtl: string): Command {
  return entitlementOptions(command, defaultTtl)
    .option('--task <id>', 'task this grant serves')
    .option('--justification <text>', 'why the access is needed (kept with the request and in the audit log)')
    .option('--renewable-for <duration>', 'the approved window: the agent renews its credential itself (OpenID4VCI, "agentid agent renew") until then, each renewal living --ttl (docs/issuance.md)')
    .option('--out <file>', 'write the credential here instead of stdout (when it is issued at once)')
    .option('--format <format>', 'vc (the issuer\'s VC format), or sd-jwt: an SD-JWT VC whose entitlements the agent discloses one by one (docs/formats.md); kept when issued at once')
}

/**
 * `grant` and `request`: both ask the issuer; the policy decides whether the credential comes at
 * once or a request waits for its approvers. `grant` treats the second as not done (exit 1).
 */
async function ask(ctx: CommandContext, did: string, opts: AccessOptions, waitingIsDone: boolean): Promise<void> {
  // `request` checks these itself: commander would demand them of `request show` too.
  const { resource, action } = opts
  const missing = resource === undefined ? '--resource <pattern>' : action === undefined ? '--action <action>' : undefined
  if (missing !== undefined || resource === undefined || action === undefined) throw agentIdError('ERR_USAGE', `required option '${missing}' not specified (see agentid ${waitingIsDone ? 'request' : 'grant'} --help)`)
  const body = accessRequest(did, { ...opts, resource, action })
  const { result: answer, file } = await withOutputFile(ctx.io.cwd, opts.out, {}, async () =>
    (await (await ctx.api()).call('POST', '/requests', body)).body as { credential?: CredentialAnswer; request?: RequestAnswer }, (a) => a.credential?.jwt)
  const out = ctx.out()
  if (answer.request) {
    const r = answer.request
    out.result({ request: r }, () => `request ${r.id} opened (risk ${r.risk}): it needs approval by ${r.chain.join(' then ')}; approvers run "agentid approve ${r.id}"`)
    if (!waitingIsDone) {
      out.note('no credential yet: the policy requires approval')
      ctx.exitCode = 1
    }
    return
  }
  const c = answer.credential!
  out.result(
    { id: c.id, subject: c.subject, expires: c.expires, ...(c.risk ? { risk: c.risk } : {}), ...(file ? { file } : { jwt: c.jwt }) },
    () => (file ? `issued ${c.id} to ${c.subject} until ${c.expires} -> ${file}` : c.jwt),
  )
  if (!file) out.note(`issued ${c.id} until ${c.expires}`)
}

export function registerGrant(program: Command, ctx: CommandContext): void {
  accessOptions(program.command('grant <did>'), '24h')
    .description('issue an entitlement credential (VC-JWT) to an enrolled agent; when the policy requires approval, open an access request instead (exit 1: no credential yet)')
    .addHelpText('after', '\nExample:\n  agentid grant did:key:z6Mk... --resource db:customers --action read --purpose monthly-report --ttl 24h --constraint maxRecords=5000 --out report-bot.vc.jwt')
    .action((did: string, opts: AccessOptions) => ask(ctx, did, opts, false))

  const request = accessOptions(program.command('request <did>'), '1h')
    .description('ask for entitlements for an agent: issued at once when the policy allows, else an access request that walks its approval chain')
    .option('--jit', 'just-in-time: short-lived, for one --task, revoked when the task completes')
    .addHelpText('after', '\nExamples:\n  agentid request did:key:z6Mk... --resource crm:accounts/eu/* --action update --ttl 4h --justification "fix duplicates"\n  agentid request did:key:z6Mk... --resource db:orders --action delete --jit --ttl 15m --task incident-42\n  agentid request show req-3f2a...    (one request, its approval chain and decisions)')
    .action((did: string, opts: AccessOptions) => ask(ctx, did, opts, true))
  for (const option of request.options) if (option.long === '--resource' || option.long === '--action') option.mandatory = false
  registerRequestShow(request, ctx)
}
