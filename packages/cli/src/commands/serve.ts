import type { Command } from 'commander'
import { agentIdError, isAgentIdError, parseDuration } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { readTls } from '../tls-files.js'

interface ServeOptions {
  port: string; host: string; init?: boolean; allowPrivateWebhooks?: boolean; sweepInterval: string; rate: string; principalRate: string; headersTimeout: string; requestTimeout: string; keepAliveTimeout: string; maxConnectionsPerAddress: string
  publicUrl?: string; publicUrlMismatchOk?: boolean; tlsCert?: string; tlsKey?: string; accessLog: string; metrics: string; dpopNonce?: boolean
}

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
    .option('--public-url <url>', "where verifiers reach this issuer, written into every credential's status entry: set at --init (default: how it listens), or changed here on purpose (credentials issued before keep the old URL)")
    .option('--public-url-mismatch-ok', 'start even when the public URL is not how this service is reached (behind a proxy that forwards it here)')
    .option('--tls-cert <file>', 'serve https with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert (mode 0600: refused when others can read it)')
    .option('--access-log <file>', 'one JSON line per request (no tokens, headers, bodies or queries): "-" for stderr, "off" for none, else a file appended to (created 0600)', '-')
    .option('--dpop-nonce', 'the OAuth token endpoint requires DPoP proofs to carry a server nonce (RFC 9449, section 8; docs/mcp.md)')
    .option('--metrics <who>', 'who may read GET /metrics: local (loopback without a token, or a principal with admin, security, auditor or metrics role), token (such a principal only; use it behind a local proxy), off', 'local')
    .addHelpText('after', '\nExample:\n  agentid serve --init --port 8470\n  curl -H "Authorization: Bearer $(cat .agentid/admin.token)" http://127.0.0.1:8470/agents\n  agentid serve --host 0.0.0.0 --port 8443 --public-url https://issuer.example.com:8443 --tls-cert cert.pem --tls-key key.pem\n\nProbes: GET /livez (the process answers), GET /readyz (store, keys, audit chain, not stopping). See docs/operations.md.')
    .action(async (opts: ServeOptions) => {
      if (!/^[0-9]{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw agentIdError('ERR_USAGE', '--port must be a number from 0 to 65535')
      if (!['local', 'token', 'off'].includes(opts.metrics)) throw agentIdError('ERR_USAGE', '--metrics must be local, token or off')
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw agentIdError('ERR_USAGE', '--tls-cert and --tls-key go together')
      const tls = opts.tlsCert !== undefined && opts.tlsKey !== undefined ? await readTls(ctx.io.cwd, opts.tlsCert, opts.tlsKey) : undefined
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
      const { Issuer, listeningUrl, openAccessLogFile, parsePublicUrl, publicUrlMismatch, startService } = await import('@agentid/issuer')
      const home = ctx.home()
      const allowPrivateWebhooks = opts.allowPrivateWebhooks === true || ctx.allowPrivateWebhooks()
      const wanted = opts.publicUrl !== undefined ? parsePublicUrl(opts.publicUrl, '--public-url') : undefined
      let created = false
      const log = (line: string) => ctx.io.stderr(`${line}\n`)
      const issuer = await Issuer.open({ home, ...ctx.database(), env: ctx.io.env, allowPrivateWebhooks, log }).catch(async (error: unknown) => {
        if (!opts.init || (error as { code?: string }).code !== 'ERR_NOT_FOUND') throw error
        created = true
        return (await Issuer.init({ home, ...ctx.database(), env: ctx.io.env, allowPrivateWebhooks, log, publicUrl: wanted ?? ctx.io.env.AGENTID_PUBLIC_URL ?? defaultPublicUrl(opts, tls !== undefined, listeningUrl) })).issuer
      })
      const out = ctx.out()
      // A public URL given for an existing issuer changes it, on purpose and on record.
      let changed: { previous: string; liveCredentials: number } | undefined
      if (!created && wanted !== undefined && wanted !== issuer.publicUrl) {
        // Checked before it is saved: a URL the service would refuse to start with must not stay.
        const mismatch = Number(opts.port) === 0 || opts.publicUrlMismatchOk ? undefined : publicUrlMismatch(wanted, { protocol: tls ? 'https' : 'http', host: opts.host, port: Number(opts.port) })
        if (mismatch !== undefined) {
          await issuer.close()
          throw agentIdError('ERR_PUBLIC_URL_MISMATCH', `--public-url ${wanted} is not how this service will be reached (${opts.host}:${opts.port}): ${mismatch}; nothing was changed. Behind a proxy that forwards it here, add --public-url-mismatch-ok`)
        }
        changed = await issuer.setPublicUrl(wanted, ctx.actor()).catch(async (error: unknown) => {
          await issuer.close()
          throw error
        })
        out.note(`public URL changed from ${changed.previous} to ${wanted}${changed.liveCredentials > 0 ? `: ${changed.liveCredentials} live credential${changed.liveCredentials === 1 ? '' : 's'} still name the old one for their status (keep it reaching this issuer, or issue them again)` : ''}`)
      }
      const accessLog = opts.accessLog === 'off' ? undefined
        : opts.accessLog === '-' ? { write: (line: string) => ctx.io.stderr(line), close: async () => undefined }
        : await openAccessLogFile(opts.accessLog.startsWith('/') ? opts.accessLog : `${ctx.io.cwd}/${opts.accessLog}`).catch(async (error: unknown) => {
          await issuer.close()
          throw error
        })
      let service
      try {
        service = await startService(issuer, {
          port: Number(opts.port), host: opts.host, sweepIntervalMs, rateLimits, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnectionsPerAddress, log: (line) => ctx.io.stderr(`${line}\n`),
          ...(tls ? { tls } : {}), ...(opts.publicUrlMismatchOk ? { publicUrlMismatchOk: true } : {}), ...(accessLog ? { accessLog: accessLog.write } : {}), metrics: opts.metrics as 'local' | 'token' | 'off',
          ...(opts.dpopNonce ? { oauth: { requireDpopNonce: true } } : {}),
        })
      } catch (error) {
        await issuer.close()
        await accessLog?.close()
        if (isAgentIdError(error)) throw error
        throw agentIdError('ERR_USAGE', `cannot listen on ${opts.host}:${opts.port}: ${(error as Error).message}`)
      }
      // Listening for the stop signals before saying it is ready: whoever waits for that line may
      // send one at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      out.result(
        { url: service.url, publicUrl: service.publicUrl, ...(changed ? { publicUrlChanged: { previous: changed.previous, liveCredentials: changed.liveCredentials } } : {}), did: issuer.did, home: issuer.home.dir, adminTokenFile: issuer.home.adminTokenFile, created },
        () => [
          `agentid issuer listening on ${service.url}${created ? ` (created in ${issuer.home.dir})` : ''}`,
          `  public URL   ${service.publicUrl}${service.publicUrl !== service.url ? ' (through a proxy: --public-url-mismatch-ok)' : ''}`,
          `  issuer DID   ${issuer.did}`,
          `  admin token  ${issuer.home.adminTokenFile} (mode 0600)`,
          `  API          ${service.url}/openapi.json`,
          'Ctrl-C stops it after in-flight requests finish.',
        ].join('\n'),
      )
      await stopped
      out.note('stopping: finishing in-flight requests')
      await service.close()
      await issuer.close()
      await accessLog?.close()
      out.note('stopped')
    })
}

// The public URL of an issuer created by `serve --init` without one: how it listens. A wildcard
// address or a port picked at random says nothing verifiers could use: then one must be given.
function defaultPublicUrl(opts: ServeOptions, https: boolean, listeningUrl: (l: { protocol: 'http' | 'https'; host: string; port: number }) => string): string {
  if (opts.port === '0') throw agentIdError('ERR_USAGE', '--init with --port 0: give --public-url (or AGENTID_PUBLIC_URL): a port picked at random cannot go into credentials')
  if (['0.0.0.0', '::', '[::]'].includes(opts.host)) throw agentIdError('ERR_USAGE', `--init on ${opts.host}: give --public-url (or AGENTID_PUBLIC_URL), the address verifiers will reach this issuer at`)
  return listeningUrl({ protocol: https ? 'https' : 'http', host: opts.host, port: Number(opts.port) })
}
