import type { Command } from 'commander'
import type { CommandContext } from '../context.js'

export function registerIssuer(program: Command, ctx: CommandContext): void {
  const issuer = program.command('issuer').description('the issuer itself')
  issuer
    .command('show')
    .description("print the issuer's DID (what verifiers pass to --trust) and where it keeps its files")
    .action(async () => {
      const opened = await ctx.issuer()
      const agents = (await opened.store.listAgents()).length
      ctx.out().result({ did: opened.did, home: opened.home.dir, backend: opened.store.backend, agents }, () => opened.did)
    })
}
