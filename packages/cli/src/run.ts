import { Command, CommanderError } from 'commander'
import { agentIdError } from '@agentid/core'
import { registerAdmin } from './commands/admin.js'
import { registerAgent } from './commands/agent.js'
import { registerAudit } from './commands/audit.js'
import { registerDelegate } from './commands/delegate.js'
import { registerDelegation } from './commands/delegation.js'
import { registerGrant } from './commands/grant.js'
import { registerInit } from './commands/init.js'
import { registerIssuer } from './commands/issuer.js'
import { registerKek, registerOperations } from './commands/operations.js'
import { registerPresent } from './commands/present.js'
import { registerRequests } from './commands/requests.js'
import { registerReview } from './commands/review.js'
import { registerRevoke, registerSuspend } from './commands/revoke.js'
import { registerServe } from './commands/serve.js'
import { registerStatus } from './commands/status.js'
import { registerVerify } from './commands/verify.js'
import { CommandContext } from './context.js'
import { asAgentIdError, Output, type CliIo } from './io.js'

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
    .option('--home <dir>', 'issuer home (default AGENTID_HOME, else ./.agentid)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined })
    .exitOverride()
  // Registered after the settings above, which sub-commands inherit when they are created.
  for (const register of [registerInit, registerServe, registerIssuer, registerAgent, registerGrant, registerRequests, registerRevoke, registerSuspend, registerAdmin, registerReview, registerStatus, registerDelegate, registerDelegation, registerPresent, registerVerify, registerAudit, registerOperations, registerKek]) register(program, ctx)

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return ctx.exitCode
  } catch (error) {
    const out = new Output(io, argv.includes('--json'))
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0 // --help, --version
      return out.error(agentIdError('ERR_USAGE', `${error.message.replace(/^error: /, '')} (see agentid ${usageTopic(program, argv)}--help)`))
    }
    return out.error(asAgentIdError(error))
  } finally {
    await ctx.close()
  }
}

// The sub-command words of argv, to point at the right --help.
function usageTopic(program: Command, argv: readonly string[]): string {
  let topic = ''
  let command = program
  for (const arg of argv) {
    const sub = command.commands.find((c) => c.name() === arg)
    if (!sub) break
    topic += `${arg} `
    command = sub
  }
  return topic
}
