import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('create the issuer in AGENTID_HOME: database, issuer did:key, key-encryption key, first status list, admin token')
    .option('--public-url <url>', 'where verifiers will reach this issuer (written into every credential\'s status entry; default AGENTID_PUBLIC_URL, else http://127.0.0.1:8470)')
    .option('--credential-format <format>', 'vc2.0 (VC Data Model 2.0 secured by VC-JOSE-COSE, the default) or vc1.1 (VC-JWT, for verifiers that need it); see docs/formats.md')
    .addHelpText('after', '\nExample:\n  AGENTID_HOME=./.agentid agentid init --public-url https://issuer.example.com:8470\n\nSet AGENTID_KEK (32 bytes, base64url) to keep the key-encryption key out of the home directory.\n"agentid serve" refuses to start where the public URL does not reach it (see docs/operations.md).')
    .action(async (opts: { publicUrl?: string; credentialFormat?: string }) => {
      const { Issuer, CREDENTIAL_FORMATS } = await import('@agentid/issuer')
      if (opts.credentialFormat !== undefined && !(CREDENTIAL_FORMATS as readonly string[]).includes(opts.credentialFormat)) throw agentIdError('ERR_USAGE', `--credential-format must be ${CREDENTIAL_FORMATS.join(' or ')}`)
      const { issuer, kekSource } = await Issuer.init({
        home: ctx.home(), ...ctx.database(), env: ctx.io.env, ...(opts.publicUrl !== undefined ? { publicUrl: opts.publicUrl } : {}),
        ...(opts.credentialFormat !== undefined ? { credentialFormat: opts.credentialFormat as 'vc2.0' | 'vc1.1' } : {}),
      })
      await issuer.close()
      ctx.out().result(
        { did: issuer.did, home: issuer.home.dir, database: issuer.database, adminTokenFile: issuer.home.adminTokenFile, kek: kekSource, publicUrl: issuer.publicUrl, credentialFormat: issuer.credentialFormat },
        () => [
          `issuer created in ${issuer.home.dir}`,
          `  issuer DID      ${issuer.did}`,
          `  public URL      ${issuer.publicUrl}`,
          `  issues          ${issuer.credentialFormat === 'vc2.0' ? 'VC 2.0 (vc+jwt)' : 'VC 1.1 (VC-JWT)'}`,
          `  database        ${issuer.database}`,
          `  admin token     ${issuer.home.adminTokenFile} (mode 0600)`,
          `  encryption key  ${kekSource}${kekSource === 'AGENTID_KEK' ? '' : ' (mode 0600; back it up apart from the database)'}`,
        ].join('\n'),
      )
    })
}
