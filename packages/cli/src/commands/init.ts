import type { Command } from 'commander'
import type { CommandContext } from '../context.js'

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('create the issuer in AGENTID_HOME: database, issuer did:key, key-encryption key, first status list, admin token')
    .addHelpText('after', '\nExample:\n  AGENTID_HOME=./.agentid agentid init\n\nSet AGENTID_KEK (32 bytes, base64url) to keep the key-encryption key out of the home directory.')
    .action(async () => {
      const { Issuer } = await import('@agentid/issuer')
      const { issuer, kekSource } = await Issuer.init({ home: ctx.home(), env: ctx.io.env })
      await issuer.close()
      ctx.out().result(
        { did: issuer.did, home: issuer.home.dir, database: issuer.home.database, adminTokenFile: issuer.home.adminTokenFile, kek: kekSource },
        () => [
          `issuer created in ${issuer.home.dir}`,
          `  issuer DID      ${issuer.did}`,
          `  database        ${issuer.home.database}`,
          `  admin token     ${issuer.home.adminTokenFile} (mode 0600)`,
          `  encryption key  ${kekSource}${kekSource === 'AGENTID_KEK' ? '' : ' (mode 0600; back it up apart from the database)'}`,
        ].join('\n'),
      )
    })
}
