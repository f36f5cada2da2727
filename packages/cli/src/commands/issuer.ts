import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { withOutputFile } from '../files.js'

export function registerIssuer(program: Command, ctx: CommandContext): void {
  const issuer = program.command('issuer').description('the issuer itself')
  issuer
    .command('show')
    .description("print the issuer's DID (what verifiers pass to --trust) and where it keeps its files")
    .action(async () => {
      const opened = await ctx.issuer()
      const { operator } = await import('@agentid/issuer')
      // Counted, not listed: an issuer may hold millions of agents (docs/scale.md).
      const { total: agents } = await opened.pageAgents({}, 1, 0, operator(ctx.actor()))
      ctx.out().result({ did: opened.did, home: opened.home.dir, database: opened.database, backend: opened.store.backend, agents }, () => opened.did)
    })
  issuer
    .command('format [format]')
    .description('show or change the format new credentials and status lists are issued in: vc2.0 (VC Data Model 2.0, VC-JOSE-COSE) or vc1.1 (VC-JWT); what was issued keeps its format, verifiers read both (restart the service after a change)')
    .addHelpText('after', '\nExamples:\n  agentid issuer format\n  agentid issuer format vc1.1')
    .action(async (format: string | undefined) => {
      const opened = await ctx.issuer()
      if (format === undefined) {
        ctx.out().result({ format: opened.credentialFormat }, () => opened.credentialFormat)
        return
      }
      if (format !== 'vc2.0' && format !== 'vc1.1') throw agentIdError('ERR_USAGE', 'the format is vc2.0 or vc1.1')
      const changed = await opened.setCredentialFormat(format, ctx.actor())
      ctx.out().result(changed, () => (changed.previous === changed.format ? `already ${changed.format}` : `new credentials are ${changed.format} (was ${changed.previous}); restart the service`))
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
