import type { Command } from 'commander'
import type { CommandContext } from '../context.js'
import { writeTextFile } from '../files.js'
import { ttlSeconds } from '../options.js'

export function registerStatus(program: Command, ctx: CommandContext): void {
  const status = program.command('status').description('status lists: what verifiers use to refuse revoked credentials')
  status
    .command('publish')
    .description('sign the status lists (revocation and suspension; after a key rotation, those of the previous key too) as status list credentials (VC-JWT) for offline verifiers')
    .option('--list <id>', 'publish only this list (default: every list, one JWT per line)')
    .option('--ttl <duration>', 'how long the published list is valid', '1h')
    .requiredOption('--out <file>', 'where to write the status list credential')
    .addHelpText('after', '\nVerifiers load it with: agentid verify ... --status-list <file>')
    .action(async (opts: { list?: string; ttl: string; out: string }) => {
      const ttl = ttlSeconds(opts.ttl, 7 * 86400)
      const issuer = await ctx.issuer()
      const ids = opts.list !== undefined ? [opts.list] : await issuer.statusListIds()
      const published: Array<{ listId: string; url: string; jwt: string }> = []
      for (const id of ids) published.push(await issuer.publishStatusList(id, ttl))
      const file = await writeTextFile(ctx.io.cwd, opts.out, published.map((p) => p.jwt).join('\n'))
      ctx.out().result({ lists: published.map((p) => ({ listId: p.listId, url: p.url })), file }, () => `status lists ${published.map((p) => p.listId).join(', ')} -> ${file}`)
    })
}
