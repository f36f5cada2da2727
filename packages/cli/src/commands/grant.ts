import type { Command } from 'commander'
import { entitlementToJson, parseDidKey, parseTaskId } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { reserveOutputFile } from '../files.js'
import { collect, entitlementFromOptions, repeatable, ttlSeconds } from '../options.js'

interface GrantOptions { resource: string; action: string[]; purpose?: string; ttl: string; constraint?: string[]; task?: string; out?: string }

export function registerGrant(program: Command, ctx: CommandContext): void {
  program
    .command('grant <did>')
    .description('issue an entitlement credential (VC-JWT) to an enrolled agent')
    .requiredOption('--resource <pattern>', 'scheme:path, optionally ending in /* (e.g. db:customers, crm:accounts/*)')
    .requiredOption('--action <action>', 'allowed action; repeat or comma-separate (read,list)', collect)
    .option('--purpose <purpose>', 'the only purpose this grant may be used for')
    .option('--ttl <duration>', 'lifetime: 30s, 15m, 24h, 7d (at most 30d)', '24h')
    .option('--constraint <key=value>', 'hours=08:00-18:00Z | days=mon,tue | networks=10.0.0.0/8,fd00::/8 | maxRecords=5000; repeatable', repeatable)
    .option('--task <id>', 'task this grant serves')
    .option('--out <file>', 'write the credential here instead of stdout')
    .addHelpText('after', '\nExample:\n  agentid grant did:key:z6Mk... --resource db:customers --action read --purpose monthly-report --ttl 24h --constraint maxRecords=5000 --out report-bot.vc.jwt')
    .action(async (did: string, opts: GrantOptions) => {
      const subject = parseDidKey(did).did
      const entitlement = entitlementFromOptions(opts)
      const { MAX_GRANT_TTL } = await import('@agentid/issuer')
      const ttl = ttlSeconds(opts.ttl, MAX_GRANT_TTL)
      const task = opts.task !== undefined ? { id: parseTaskId(opts.task, '--task') } : undefined
      const reserved = opts.out !== undefined ? await reserveOutputFile(ctx.io.cwd, opts.out) : undefined
      let issued
      try {
        const issuer = await ctx.issuer()
        issued = await issuer.grant({ subject, entitlements: [entitlementToJson(entitlement)], ttlSeconds: ttl, ...(task ? { task } : {}) }, ctx.actor())
      } catch (error) {
        await reserved?.discard()
        throw error
      }
      await reserved?.write(issued.jwt)
      const file = reserved?.path
      const out = ctx.out()
      out.result(
        { id: issued.id, subject, expires: new Date(issued.record.expires * 1000).toISOString(), ...(file ? { file } : { jwt: issued.jwt }) },
        () => (file ? `issued ${issued.id} to ${subject} until ${new Date(issued.record.expires * 1000).toISOString()} -> ${file}` : issued.jwt),
      )
      if (!file) out.note(`issued ${issued.id} until ${new Date(issued.record.expires * 1000).toISOString()}`)
    })
}
