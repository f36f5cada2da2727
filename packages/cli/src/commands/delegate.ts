import type { Command } from 'commander'
import { createDelegation, loadAgentKey } from '@agentid/agent'
import { agentIdError, entitlementToJson, parseDidKey } from '@agentid/core'
import { resolve } from 'node:path'
import type { CommandContext } from '../context.js'
import { readCredentialFile, writeTextFile } from '../files.js'
import { collect, entitlementsFromOptions, repeatable, ttlSeconds } from '../options.js'

interface DelegateOptions {
  key: string; parent: string; to: string; resource: string[]; action: string[]; purpose?: string
  constraint?: string[]; ttl: string; depth?: string; task?: string; out: string
}

export function registerDelegate(program: Command, ctx: CommandContext): void {
  program
    .command('delegate')
    .description('hand a subset of your rights to another agent, offline: signs a delegation with your key')
    .requiredOption('--key <file>', 'your key file: you must be the subject of the parent credential')
    .requiredOption('--parent <file>', 'your credential (or your delegation chain file); its last credential is delegated from')
    .requiredOption('--to <did>', "the delegate's DID")
    .requiredOption('--resource <pattern>', 'within the parent\'s resource (equal or narrower); repeatable: one entitlement per resource', repeatable)
    .requiredOption('--action <action>', 'among the parent\'s actions; repeat or comma-separate', collect)
    .option('--purpose <purpose>', 'required when the parent names one (and then the same)')
    .option('--constraint <key=value>', 'every parent constraint must be repeated, equal or tighter; repeatable', repeatable)
    .option('--ttl <duration>', 'lifetime, cut to the parent\'s expiry', '1h')
    .option('--depth <n>', 'further delegations allowed below this one (default one less than the parent\'s, 0 under an issuer\'s credential)')
    .option('--task <id>', 'task the delegation serves')
    .requiredOption('--out <file>', 'the chain file to write: the parent chain plus this delegation, one JWT per line')
    .addHelpText('after', [
      '',
      'Example: an employee hands its assistant read access to one folder for an hour.',
      '  agentid delegate --key alice.key --parent alice.vc.jwt --to did:key:z6Mk... \\',
      '    --resource files:reports/2026/* --action read --ttl 1h --out assistant.chain',
      'The delegate presents the whole chain: agentid present --credential assistant.chain ...',
    ].join('\n'))
    .action(async (opts: DelegateOptions) => {
      const to = parseDidKey(opts.to).did
      const entitlements = entitlementsFromOptions(opts)
      const ttl = ttlSeconds(opts.ttl)
      if (opts.depth !== undefined && !/^[0-9]{1,2}$/.test(opts.depth)) throw agentIdError('ERR_INPUT_INVALID', '--depth must be a whole number')
      const key = await loadAgentKey(resolve(ctx.io.cwd, opts.key))
      const chain = await readCredentialFile(ctx.io.cwd, opts.parent)
      const jwt = createDelegation({
        key, parent: chain[chain.length - 1]!, to, entitlements: entitlements.map(entitlementToJson), ttl,
        ...(opts.depth !== undefined ? { depth: Number(opts.depth) } : {}),
        ...(opts.task !== undefined ? { task: opts.task } : {}),
      })
      const file = await writeTextFile(ctx.io.cwd, opts.out, [...chain, jwt].join('\n'))
      ctx.out().result({ delegate: to, links: chain.length, file }, () => `delegated to ${to} (chain of ${chain.length + 1} credentials) -> ${file}`)
    })
}
