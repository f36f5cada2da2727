import type { Command } from 'commander'
import { agentIdError, entitlementToJson, type RequestContext } from '@agentid/core'
import { createVerifier, isSdJwt, type Decision } from '@agentid/verifier'
import type { CommandContext } from '../context.js'
import { readTextFile } from '../files.js'
import { collect } from '../options.js'
import { statusOptions, statusSourceFromOptions, type StatusOptions } from '../status-options.js'

interface VerifyOptions extends StatusOptions {
  audience: string; challenge: string; trust: string[]
  resource?: string; action?: string; purpose?: string; ip?: string; records?: string; time?: string
}

function requestContext(opts: VerifyOptions): RequestContext {
  const context: { ip?: string; records?: number; time?: number } = {}
  if (opts.ip !== undefined) context.ip = opts.ip
  if (opts.records !== undefined) {
    if (!/^[0-9]{1,15}$/.test(opts.records)) throw agentIdError('ERR_INPUT_INVALID', '--records must be a whole number')
    context.records = Number(opts.records)
  }
  if (opts.time !== undefined) {
    const ms = Date.parse(opts.time)
    if (!/^\d{4}-\d\d-\d\dT/.test(opts.time) || Number.isNaN(ms)) throw agentIdError('ERR_INPUT_INVALID', '--time must be an ISO 8601 date-time, e.g. 2026-11-30T09:00:00Z')
    context.time = ms
  }
  return context
}

export function registerVerify(program: Command, ctx: CommandContext): void {
  statusOptions(program
    .command('verify <vp-file>')
    .description('verify a presentation offline and, with --resource and --action, decide a request')
    .requiredOption('--audience <did>', "this verifier's DID (the presentation must name it)")
    .requiredOption('--challenge <nonce>', 'the challenge this verifier gave')
    .requiredOption('--trust <did>', 'a trusted issuer DID; repeatable', collect)
    .option('--resource <resource>', 'the resource the request touches')
    .option('--action <action>', 'the action the request performs')
    .option('--purpose <purpose>', 'the purpose the request states')
    .option('--ip <address>', 'the request source address (for network constraints)')
    .option('--records <n>', 'how many records the request touches (for maxRecords)')
    .option('--time <iso>', 'when the request happens (default now)'))
    .option('--skip-status', 'accept credentials without checking revocation (offline tests only; says so in the result)')
    .addHelpText('after', [
      '',
      'One process checks the challenge value it is given; refusing a reused presentation needs a',
      'long-lived verifier (the library\'s createVerifier).',
      '',
      'A credential with a credentialStatus entry is refused (ERR_STATUS_UNAVAILABLE) unless its',
      'status list is given with --status-list, or fetched with --status-url, and is fresh enough.',
      'With --status-url, a list that cannot be fetched (unreachable, slower than --status-timeout,',
      'over 1 MiB, not http(s)) or does not verify is ERR_STATUS_UNAVAILABLE.',
      '',
      'Examples:',
      '  agentid verify vp.jwt --audience $ME --challenge c-7f3a --trust $ISSUER --status-list status.jwt \\',
      '    --resource db:customers --action read --purpose monthly-report',
      '  agentid verify vp.jwt --audience $ME --challenge c-7f3a --trust $ISSUER --status-url',
      '',
      'Exit status: 0 valid (and allowed), 1 invalid or denied, 2 usage.',
    ].join('\n'))
    .action(async (vpFile: string, opts: VerifyOptions) => {
      if ((opts.resource === undefined) !== (opts.action === undefined)) throw agentIdError('ERR_USAGE', '--resource and --action go together')
      const context = requestContext(opts)
      const statusLists = await statusSourceFromOptions(ctx.io.cwd, opts)
      const vp = await readTextFile(ctx.io.cwd, vpFile, 'presentation')
      const verifier = createVerifier({
        did: opts.audience,
        trustedIssuers: opts.trust,
        externalChallenges: true,
        ...(statusLists !== undefined ? { statusLists } : {}),
      })
      // An SD-JWT VC presentation (it has a `~`, which a compact JWS never has) has its own check.
      const result = isSdJwt(vp) ? await verifier.verifySdJwtPresentation(vp, { challenge: opts.challenge }) : await verifier.verifyPresentation(vp, { challenge: opts.challenge })
      if (!result.ok) throw agentIdError(result.code, result.message)
      const out = ctx.out()
      let decision: Decision | undefined
      if (opts.resource !== undefined && opts.action !== undefined) {
        decision = verifier.authorize(result, { resource: opts.resource, action: opts.action, ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}), context })
      }
      // An SD-JWT VC presentation carries one credential, as disclosed.
      const credentials = (result.sdJwt ? [result.sdJwt] : result.credentials).map((c) => ({ id: c.id, issuer: c.issuer, expires: new Date(c.expires * 1000).toISOString() }))
      const decisionJson = decision?.allow ? { ...decision, entitlement: entitlementToJson(decision.entitlement) } : decision
      out.result({ valid: true, holder: result.holder, statusChecked: result.statusChecked, credentials, ...(decisionJson ? { decision: decisionJson } : {}) }, () => {
        const lines = [`valid presentation from ${result.holder} (${credentials.length} credential${credentials.length === 1 ? '' : 's'})`]
        if (!result.statusChecked) lines.push('  warning: revocation status NOT checked (--skip-status)')
        if (decision?.allow) {
          lines.push(`allowed: ${opts.action} on ${opts.resource} by credential ${decision.credentialId}`)
          if (decision.chain.length > 1) lines.push(`  delegated: ${decision.chain.join(' -> ')}`)
        }
        else if (decision) lines.push(`denied: ${decision.code}: ${decision.message}`)
        return lines.join('\n')
      })
      if (decision && !decision.allow) ctx.exitCode = 1
    })
}
