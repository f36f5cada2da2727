import type { Command } from 'commander'
import type { CommandContext } from '../context.js'
import { withOutputFile } from '../files.js'

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
  issuer
    .command('rotate')
    .description('rotate the issuer key: a new issuer did:key signs from now on; the previous key signs a rotation statement and keeps signing the status lists of what it issued (stop the service first)')
    .requiredOption('--out <file>', 'where to write the rotation statement (VC-JWT) to give verifiers (createVerifier({ issuerRotations }))')
    .action(async (opts: { out: string }) => {
      const opened = await ctx.issuer()
      // The file is reserved first: a rotation is not undone, and its statement must not be lost.
      const { result: rotated, file } = await withOutputFile(ctx.io.cwd, opts.out, {}, () => opened.rotateIssuerKey(ctx.actor()), (r) => r.statement)
      ctx.out().result({ previous: rotated.previous, did: rotated.did, statementFile: file }, () =>
        `the issuer is now ${rotated.did} (was ${rotated.previous}); rotation statement -> ${file}; restart the service`)
    })
}
