import { Command, CommanderError } from 'commander'
import { registerAdmin } from './commands/admin.js'
import { registerAgent } from './commands/agent.js'
import { registerAudit } from './commands/audit.js'
import { registerCompletion } from './commands/completion.js'
import { registerCredential } from './commands/credential.js'
import { registerDelegate } from './commands/delegate.js'
import { registerDelegation } from './commands/delegation.js'
import { registerGrant } from './commands/grant.js'
import { registerInit } from './commands/init.js'
import { registerInspect } from './commands/inspect.js'
import { registerIssuer } from './commands/issuer.js'
import { registerKek, registerOperations } from './commands/operations.js'
import { registerPresent } from './commands/present.js'
import { registerRequests } from './commands/requests.js'
import { registerReview } from './commands/review.js'
import { registerMonitoring } from './commands/monitoring.js'
import { registerRevoke, registerSuspend } from './commands/revoke.js'
import { registerServe } from './commands/serve.js'
import { registerStatus } from './commands/status.js'
import { registerVerify } from './commands/verify.js'
import { onDispatch, refuseRepeatedOptions, usageError } from './command-tree.js'
import { applyConfigSection } from './config.js'
import { CommandContext } from './context.js'
import { asAgentIdError, Output, type CliIo } from './io.js'
import { collect, repeatable } from './options.js'

export const VERSION = '0.1.0'

/**
 * Runs the `agentid` command with `argv` (without `node` and the script) and returns the exit
 * code: 0 ok, 1 denied or invalid, 2 usage. Never calls process.exit.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('agentid')
  const ctx = new CommandContext(io, program)
  program
    .description('verifiable identities and least-privilege, expiring access for AI agents')
    .version(VERSION, '-V, --version')
    .option('--json', 'print one JSON document on stdout; errors as {"error":{"code","message"}} on stderr')
    .option('--home <dir>', 'issuer home (default AGENTID_HOME, else the config file\'s "home", else ./.agentid)')
    .option('--database <url>', 'the issuer\'s database: a postgres:// URL (?schema=<name>, default public; ?pool=<n> connections per pool, default 8) that several replicas may share (default AGENTID_DATABASE, else the SQLite file in the home); see docs/operations.md')
    .option('--config <file>', 'config file (default AGENTID_CONFIG, else <home>/agentid.json; never one only found in the working directory); see docs/cli.md')
    // Commander writes help on stderr only for a command group run without its sub-command: that
    // becomes one usage line below instead. Its error text is reworded there too.
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined, outputError: () => undefined })
    .exitOverride()
    .addHelpText('after', [
      '',
      'Examples:',
      '  agentid init && agentid issuer show',
      '  agentid grant did:key:z6Mk... --resource db:customers --action read --ttl 8h --out bot.vc.jwt',
      '  agentid inspect bot.vc.jwt',
      '  AGENTID_URL=http://127.0.0.1:8470 AGENTID_TOKEN_FILE=.agentid/admin.token agentid status',
      '  source <(agentid completion bash)',
      '',
      'Settings: flags beat the environment (AGENTID_URL, AGENTID_TOKEN_FILE, AGENTID_HOME, AGENTID_DATABASE, AGENTID_OUTPUT),',
      'which beats the config file (agentid.json), which beats the defaults. Exit status: 0 ok,',
      '1 denied or invalid, 2 usage.',
    ].join('\n'))
  // Registered after the settings above, which sub-commands inherit when they are created.
  for (const register of [registerInit, registerServe, registerIssuer, registerAgent, registerGrant, registerRequests, registerCredential, registerRevoke, registerSuspend, registerAdmin, registerReview, registerMonitoring, registerStatus, registerDelegate, registerDelegation, registerPresent, registerVerify, registerInspect, registerAudit, registerOperations, registerKek, registerCompletion]) register(program, ctx)
  refuseRepeatedOptions(program, new Set([collect, repeatable]))
  let current: Command = program
  onDispatch(program, (command) => (current = command))
  program.hook('preAction', (_program, action) => {
    // The config file's section for this command (only `serve` has one) fills in what no flag set.
    const section = ctx.config()[action.name() as 'serve']
    if (action.name() === 'serve' && action.parent === program && section) applyConfigSection(action, section, `config file ${ctx.config().file}: "serve"`)
  })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return ctx.exitCode
  } catch (error) {
    const out = new Output(io, jsonWanted(ctx, argv))
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0 // --help, --version
      return out.error(usageError(error, current))
    }
    return out.error(asAgentIdError(error))
  } finally {
    await ctx.close()
  }
}

// The output format for an error, which may come before the options were parsed, or be the
// config file's own.
function jsonWanted(ctx: CommandContext, argv: readonly string[]): boolean {
  if (argv.includes('--json')) return true
  try {
    return ctx.json()
  } catch {
    return false
  }
}
