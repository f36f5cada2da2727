import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import { createPresentation, createSdJwtPresentation, loadAgentKey } from '@agentid/agent'
import { MAX_PRESENTATION_LIFETIME } from '@agentid/verifier'
import { resolve } from 'node:path'
import type { CommandContext } from '../context.js'
import { readCredentialFile, writeTextFile } from '../files.js'
import { repeatable, ttlSeconds } from '../options.js'

interface PresentOptions { key: string; credential: string[]; audience: string; challenge: string; ttl: string; out?: string; disclose?: string[] }

export function registerPresent(program: Command, ctx: CommandContext): void {
  program
    .command('present')
    .description("make a presentation (VP-JWT) of this agent's credentials for one verifier and its challenge; of an SD-JWT VC, only what --disclose selects, with a key binding JWT")
    .requiredOption('--key <file>', "the agent's key file (from agent keygen)")
    .requiredOption('--credential <file>', 'a credential file (a VC-JWT, or a delegation chain, one JWT per line); repeatable', repeatable)
    .requiredOption('--audience <did>', "the verifier's DID")
    .requiredOption('--challenge <nonce>', "the verifier's challenge")
    .option('--ttl <duration>', `lifetime of a VP-JWT (at most ${MAX_PRESENTATION_LIFETIME / 60}m); an SD-JWT's key binding is accepted for ${MAX_PRESENTATION_LIFETIME / 60}m from its iat`, '2m')
    .option('--out <file>', 'write the presentation here instead of stdout')
    .option('--disclose <selector>', 'SD-JWT VC only: reveal what this selects (db:customers, db:customers:read, #0, agent.name, agent.*, *; docs/formats.md); repeatable', repeatable)
    .addHelpText('after', '\nExample (SD-JWT VC, one entitlement revealed):\n  agentid present --key agent.key --credential c.sd-jwt --audience did:key:z6Mk... --challenge <nonce> --disclose db:customers:read')
    .action(async (opts: PresentOptions) => {
      const ttl = ttlSeconds(opts.ttl, MAX_PRESENTATION_LIFETIME)
      const key = await loadAgentKey(resolve(ctx.io.cwd, opts.key))
      const credentials = (await Promise.all(opts.credential.map((f) => readCredentialFile(ctx.io.cwd, f)))).flat()
      const sdJwt = credentials.some((c) => c.includes('~'))
      // An SD-JWT VC is presented alone, and only with an explicit selection: revealing every
      // entitlement by default is what selective disclosure is meant to avoid.
      if (sdJwt && (credentials.length !== 1 || opts.disclose === undefined)) throw agentIdError('ERR_USAGE', 'an SD-JWT VC is presented alone, with --disclose <selector> (use --disclose "*" to reveal everything)')
      if (!sdJwt && opts.disclose !== undefined) throw agentIdError('ERR_USAGE', '--disclose applies to an SD-JWT VC credential only')
      const vp = sdJwt
        ? createSdJwtPresentation({ key, credential: credentials[0]!, disclose: opts.disclose!, audience: opts.audience, challenge: opts.challenge })
        : createPresentation({ key, credentials, audience: opts.audience, challenge: opts.challenge, ttl })
      const file = opts.out !== undefined ? await writeTextFile(ctx.io.cwd, opts.out, vp) : undefined
      ctx.out().result({ holder: key.did, audience: opts.audience, ...(file ? { file } : { jwt: vp }) }, () => (file ? `presentation for ${opts.audience} -> ${file}` : vp))
    })
}
