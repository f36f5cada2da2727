import type { Command } from 'commander'
import { createPresentation, loadAgentKey } from '@agentid/agent'
import { MAX_PRESENTATION_LIFETIME } from '@agentid/verifier'
import { resolve } from 'node:path'
import type { CommandContext } from '../context.js'
import { readCredentialFile, writeTextFile } from '../files.js'
import { repeatable, ttlSeconds } from '../options.js'

interface PresentOptions { key: string; credential: string[]; audience: string; challenge: string; ttl: string; out?: string }

export function registerPresent(program: Command, ctx: CommandContext): void {
  program
    .command('present')
    .description("make a presentation (VP-JWT) of this agent's credentials for one verifier and its challenge")
    .requiredOption('--key <file>', "the agent's key file (from agent keygen)")
    .requiredOption('--credential <file>', 'a credential file (a VC-JWT, or a delegation chain, one JWT per line); repeatable', repeatable)
    .requiredOption('--audience <did>', "the verifier's DID")
    .requiredOption('--challenge <nonce>', "the verifier's challenge")
    .option('--ttl <duration>', `lifetime (at most ${MAX_PRESENTATION_LIFETIME / 60}m)`, '2m')
    .option('--out <file>', 'write the presentation here instead of stdout')
    .action(async (opts: PresentOptions) => {
      const ttl = ttlSeconds(opts.ttl, MAX_PRESENTATION_LIFETIME)
      const key = await loadAgentKey(resolve(ctx.io.cwd, opts.key))
      const credentials = (await Promise.all(opts.credential.map((f) => readCredentialFile(ctx.io.cwd, f)))).flat()
      const vp = createPresentation({ key, credentials, audience: opts.audience, challenge: opts.challenge, ttl })
      const file = opts.out !== undefined ? await writeTextFile(ctx.io.cwd, opts.out, vp) : undefined
      ctx.out().result({ holder: key.did, audience: opts.audience, ...(file ? { file } : { jwt: vp }) }, () => (file ? `presentation for ${opts.audience} -> ${file}` : vp))
    })
}
