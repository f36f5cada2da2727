import type { Command } from 'commander'
import type { CommandContext } from '../context.js'
import { writeTextFile } from '../files.js'
import { relativeTime } from '../human.js'
import { ttlSeconds } from '../options.js'

/** What `GET /service` answers. */
interface ServiceView {
  did: string
  publicUrl: string
  statusLists: Array<{ id: string; purpose: string; url: string }>
  lastCheckpoint: { seq: number; head: string; at: string } | null
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  const status = program
    .command('status')
    .description('the issuer at a glance (its DID, public URL, status lists, last signed audit checkpoint); "status publish" signs the status lists')
    .addHelpText('after', [
      '',
      'With AGENTID_URL (or "url" in the config file), asks that service (GET /service: no token',
      'needed); otherwise reads the issuer in AGENTID_HOME. Exit 1 when it cannot be reached.',
      '',
      'Examples:',
      '  agentid status',
      '  AGENTID_URL=https://issuer.example agentid status --json',
    ].join('\n'))
    .action(async () => {
      const api = await ctx.publicApi()
      const service = (await api.call('GET', '/service')).body as ServiceView
      const remote = ctx.remote()
      const now = Date.now()
      const cp = service.lastCheckpoint
      ctx.out().result({ [remote ? 'url' : 'home']: api.target, reachable: true, ...service }, () => [
        remote ? `service          ${api.target} (answering)` : `home             ${api.target}`,
        `issuer DID       ${service.did}`,
        `public URL       ${service.publicUrl}${remote && new URL(service.publicUrl).origin !== new URL(api.target).origin ? '  (not the URL asked: credentials point there)' : ''}`,
        ...service.statusLists.map((l, i) => `${i === 0 ? 'status lists    ' : '                '} ${l.id} (${l.purpose}) ${l.url}`),
        `last checkpoint  ${cp ? `entry ${cp.seq} at ${cp.at} (${relativeTime(cp.at, now)})` : 'none yet ("agentid audit checkpoint" signs one)'}`,
      ].join('\n'))
    })
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
