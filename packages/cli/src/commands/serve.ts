import type { Command } from 'commander'
import { agentIdError, isAgentIdError, parseDuration } from '@agentid/core'
import type { CommandContext } from '../context.js'

interface ServeOptions { port: string; host: string; init?: boolean; allowPrivateWebhooks?: boolean; sweepInterval: string; rate: string; principalRate: string; headersTimeout: string; requestTimeout: string; keepAliveTimeout: string; maxConnectionsPerAddress: string }

export function registerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description('run the issuer HTTP service (JSON API, OpenAPI at /openapi.json, public status lists); stops cleanly on SIGINT or SIGTERM')
    .option('--port <port>', 'port to listen on (0: any free port)', '8470')
    .option('--host <address>', 'address to listen on; anything but loopback exposes the issuer', '127.0.0.1')
    .option('--init', 'create the issuer first when AGENTID_HOME holds none (what "npm start" does)')
    .option('--sweep-interval <duration>', 'how often expiries and overdue reviews are swept (0 to disable)', '30s')
    .option('--rate <per-second>', 'requests a second per client address (burst twice that); 0 turns rate limits off', '200')
    .option('--principal-rate <per-second>', 'requests a second per authenticated principal (burst twice that)', '100')
    .option('--headers-timeout <duration>', 'time a client has to send the headers of a request (slow clients get 408 and are cut off)', '10s')
    .option('--request-timeout <duration>', 'time a client has to send a whole request, body included', '30s')
    .option('--allow-private-webhooks', 'let webhooks go to loopback, private and link-local addresses (refused by default, when registered and when delivered); also AGENTID_ALLOW_PRIVATE_WEBHOOKS=1')
    .option('--keep-alive-timeout <duration>', 'an idle keep-alive connection is closed this long (plus 1 s) after its last answer; keep it above the idle timeout of a proxy in front', '72s')
    .option('--max-connections-per-address <n>', 'connections one client address may hold open at once (one more gets 429 and is closed); 0 turns the cap off, behind a proxy', '64')
    .addHelpText('after', '\nExample:\n  agentid serve --init --port 8470\n  curl -H "Authorization: Bearer $(cat .agentid/admin.token)" http://127.0.0.1:8470/agents')
    .action(async (opts: ServeOptions) => {
      if (!/^[0-9]{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw agentIdError('ERR_USAGE', '--port must be a number from 0 to 65535')
      const sweepIntervalMs = opts.sweepInterval === '0' ? 0 : parseDuration(opts.sweepInterval, '--sweep-interval', 86400) * 1000
      for (const [name, value] of [['--rate', opts.rate], ['--principal-rate', opts.principalRate]] as const) {
        if (!/^[0-9]{1,6}$/.test(value)) throw agentIdError('ERR_USAGE', `${name} must be a whole number of requests a second`)
      }
      if (!/^[0-9]{1,6}$/.test(opts.maxConnectionsPerAddress)) throw agentIdError('ERR_USAGE', '--max-connections-per-address must be a whole number')
      const maxConnectionsPerAddress = Number(opts.maxConnectionsPerAddress)
      const rateLimits = opts.rate === '0' ? false as const : {
        perAddress: { perSecond: Number(opts.rate), burst: 2 * Number(opts.rate) },
        perPrincipal: { perSecond: Math.max(1, Number(opts.principalRate)), burst: 2 * Math.max(1, Number(opts.principalRate)) },
      }
      const [headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs] = ([['--headers-timeout', opts.headersTimeout], ['--request-timeout', opts.requestTimeout], ['--keep-alive-timeout', opts.keepAliveTimeout]] as const)
        .map(([name, value]) => parseDuration(value, name, 3600) * 1000) as [number, number, number]
      const { Issuer, startService } = await import('@agentid/issuer')
      const home = ctx.home()
      const allowPrivateWebhooks = opts.allowPrivateWebhooks === true || ctx.allowPrivateWebhooks()
      let created = false
      const issuer = await Issuer.open({ home, env: ctx.io.env, allowPrivateWebhooks }).catch(async (error: unknown) => {
        if (!opts.init || (error as { code?: string }).code !== 'ERR_NOT_FOUND') throw error
        created = true
        return (await Issuer.init({ home, env: ctx.io.env, allowPrivateWebhooks })).issuer
      })
      const out = ctx.out()
      let service
      try {
        service = await startService(issuer, { port: Number(opts.port), host: opts.host, sweepIntervalMs, rateLimits, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnectionsPerAddress, log: (line) => ctx.io.stderr(`${line}\n`) })
      } catch (error) {
        await issuer.close()
        if (isAgentIdError(error)) throw error
        throw agentIdError('ERR_USAGE', `cannot listen on ${opts.host}:${opts.port}: ${(error as Error).message}`)
      }
      out.result(
        { url: service.url, did: issuer.did, home: issuer.home.dir, adminTokenFile: issuer.home.adminTokenFile, created },
        () => [
          `agentid issuer listening on ${service.url}${created ? ` (created in ${issuer.home.dir})` : ''}`,
          `  issuer DID   ${issuer.did}`,
          `  admin token  ${issuer.home.adminTokenFile} (mode 0600)`,
          `  API          ${service.url}/openapi.json`,
          'Ctrl-C stops it after in-flight requests finish.',
        ].join('\n'),
      )
      await new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      out.note('stopping: finishing in-flight requests')
      await service.close()
      await issuer.close()
      out.note('stopped')
    })
}
