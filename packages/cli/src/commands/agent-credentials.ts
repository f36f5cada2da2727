import type { Command } from 'commander'
import { createCredentialKeeper, loadAgentKey, type CredentialKeeper, type HeldCredential } from '@agentid/agent'
import { agentIdError, parseDidKey } from '@agentid/core'
import { rename, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { CommandContext } from '../context.js'

interface KeeperOptions { key: string; issuer?: string; issuerDid?: string; out?: string }

async function keeperFor(ctx: CommandContext, opts: KeeperOptions, watch?: { onError: (message: string) => void; onCredential: (c: HeldCredential) => void }): Promise<CredentialKeeper> {
  const issuer = opts.issuer ?? ctx.url()
  if (issuer === undefined) throw agentIdError('ERR_USAGE', 'give the issuer service: --issuer <url> (or AGENTID_URL)')
  const key = await loadAgentKey(resolve(ctx.io.cwd, opts.key))
  const issuerDid = opts.issuerDid !== undefined ? parseDidKey(opts.issuerDid).did : undefined
  return createCredentialKeeper({ key, issuer, ...(issuerDid ? { issuerDid } : {}), ...(watch ? { onError: (e) => watch.onError(`${e.code}: ${e.message}`), onCredential: watch.onCredential } : {}) })
}

// The credentials held now, one JWT per line, replacing the file at once (never half written).
async function writeHeld(ctx: CommandContext, out: string, keeper: CredentialKeeper): Promise<string> {
  const path = resolve(ctx.io.cwd, out)
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, keeper.jwts().map((j) => `${j}\n`).join(''), { mode: 0o600 })
  await rename(temporary, path)
  return path
}

function heldView(c: HeldCredential): Record<string, unknown> {
  return { id: c.id, notBefore: new Date(c.notBefore * 1000).toISOString(), expires: new Date(c.expires * 1000).toISOString(), renewAt: new Date(c.renewAt).toISOString() }
}

function keeperOptions(command: Command): Command {
  return command
    .requiredOption('--key <file>', "the agent's key file (agentid agent keygen): proofs and requests are signed with it")
    .option('--issuer <url>', 'the issuer service, https (plain http only on loopback; default AGENTID_URL or the config file\'s url)')
    .option('--issuer-did <did>', "the issuer's DID: every credential received must be signed by it (recommended; default: what the service's metadata says)")
    .option('--out <file>', 'write the credentials held (VC-JWT, one per line) here, mode 0600, replaced at once on each renewal')
}

/** `agent fetch` and `agent renew`: an agent collects and renews its own credentials (OpenID4VCI). */
export function registerAgentCredentials(agent: Command, ctx: CommandContext): void {
  keeperOptions(agent.command('fetch'))
    .description("collect this agent's credentials from the issuer (OpenID4VCI): redeem an --offer, or fetch the current credential of every grant the agent holds with its key alone")
    .option('--offer <uri>', 'a credential offer (openid-credential-offer://... or its JSON) to redeem, once')
    .option('--tx-code <code>', "the offer's transaction code, given beside it")
    .addHelpText('after', '\nExamples:\n  agentid agent fetch --key bot.key --issuer https://issuer.example --offer "openid-credential-offer://?credential_offer=..." --tx-code 493817 --out bot.vc.jwt\n  agentid agent fetch --key bot.key --out bot.vc.jwt     (again, any time: the current credential of each grant)')
    .action(async (opts: KeeperOptions & { offer?: string; txCode?: string }) => {
      if (opts.txCode !== undefined && opts.offer === undefined) throw agentIdError('ERR_USAGE', '--tx-code goes with --offer')
      const keeper = await keeperFor(ctx, opts)
      const received = opts.offer !== undefined ? await keeper.redeemOffer(opts.offer, opts.txCode !== undefined ? { txCode: opts.txCode } : {}) : await keeper.refresh()
      const file = opts.out !== undefined ? await writeHeld(ctx, opts.out, keeper) : undefined
      ctx.out().result({ credentials: received.map((c) => ({ ...heldView(c), ...(file ? { file } : { jwt: c.jwt }) })) }, () => (file
        ? received.map((c) => `received ${c.id} until ${heldView(c).expires} -> ${file}`).join('\n')
        : received.map((c) => c.jwt).join('\n')))
      if (received.length === 0) ctx.out().note('the issuer gave no credential')
    })

  keeperOptions(agent.command('renew'))
    .description("renew this agent's credentials before they expire (OpenID4VCI, jwt-bearer grant with its key), while their grants stand; --watch keeps doing so")
    .option('--watch', 'keep running: renew each credential at 60-80% of its life, retry failures with backoff, print a line per credential received')
    .addHelpText('after', '\nExample:\n  agentid agent renew --key bot.key --issuer https://issuer.example --out bot.vc.jwt --watch')
    .action(async (opts: KeeperOptions & { watch?: boolean }) => {
      const out = ctx.out()
      let started = false
      // Each credential received while watching: written out (at once, whole) and reported.
      let writes = Promise.resolve()
      const onCredential = (c: HeldCredential) => {
        if (!started) return
        writes = writes.then(async () => {
          if (opts.out !== undefined) await writeHeld(ctx, opts.out, keeper)
          out.note(`renewed: holding ${c.id} until ${heldView(c).expires}, renewing at ${heldView(c).renewAt}`)
        }).catch((error: unknown) => out.note(`could not write ${opts.out}: ${(error as Error).message}`))
      }
      const keeper = await keeperFor(ctx, opts, opts.watch ? { onError: (message) => out.note(`renewal failed, will retry: ${message}`), onCredential } : undefined)
      const received = await keeper.refresh()
      const file = opts.out !== undefined ? await writeHeld(ctx, opts.out, keeper) : undefined
      out.result({ credentials: received.map((c) => ({ ...heldView(c), ...(file ? { file } : { jwt: c.jwt }) })) }, () => received.map((c) => `holding ${c.id} until ${heldView(c).expires}, renewing at ${heldView(c).renewAt}${file ? ` -> ${file}` : ''}`).join('\n'))
      if (!opts.watch) return
      started = true
      keeper.start()
      // The keeper's timer does not hold the process open; this does, until a signal.
      const alive = setInterval(() => undefined, 1 << 30)
      await new Promise<void>((stop) => {
        const end = () => {
          keeper.stop()
          clearInterval(alive)
          stop()
        }
        process.once('SIGINT', end)
        process.once('SIGTERM', end)
      })
    })
}
