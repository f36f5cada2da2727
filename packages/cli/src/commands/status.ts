import type { Command } from 'commander'
import type { CommandContext } from '../context.js'
import { writeTextFile } from '../files.js'
import { ttlSeconds } from '../options.js'

export function registerStatus(program: Command, ctx: CommandContext): void {
  const status = program.command('status').description('status lists: what verifiers use to refuse revoked credentials')
  status
    .command('publish')
    .description('sign the current revocation list as a status list credential (VC-JWT) for offline verifiers')
    .option('--list <id>', 'the list to publish (default the newest revocation list)')
    .option('--ttl <duration>', 'how long the published list is valid', '1h')
    .requiredOption('--out <file>', 'where to write the status list credential')
    .addHelpText('after', '\nVerifiers load it with: agentid verify ... --status-list <file>')
    .action(async (opts: { list?: string; ttl: string; out: string }) => {
      const ttl = ttlSeconds(opts.ttl, 7 * 86400)
      const published = await (await ctx.issuer()).publishStatusList(opts.list, ttl)
      const file = await writeTextFile(ctx.io.cwd, opts.out, published.jwt)
      ctx.out().result({ listId: published.listId, url: published.url, file }, () => `status list ${published.listId} (${published.url}) -> ${file}`)
    })
}
