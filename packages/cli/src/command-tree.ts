import type { Command, CommanderError, Option } from 'commander'
import { agentIdError, type AgentIdError } from '@agentid/core'

/** Every command under `root` (itself included), parents before their sub-commands. */
export function allCommands(root: Command): Command[] {
  return [root, ...root.commands.flatMap((c) => allCommands(c as Command))]
}

/** The words that run `command`: `agentid agent list`. */
export function commandPath(command: Command): string {
  const words: string[] = []
  for (let c: Command | null = command; c; c = c.parent) words.unshift(c.name())
  return words.join(' ')
}

/**
 * Makes every option that takes one value refuse a second occurrence (ERR_USAGE): commander
 * keeps the last one silently, so `--resource a --resource b` would drop `a`. Options whose
 * parser is in `collectors` keep every value instead; a flag given twice says the same thing
 * twice and is accepted.
 */
export function refuseRepeatedOptions(root: Command, collectors: ReadonlySet<unknown>): void {
  for (const command of allCommands(root)) {
    for (const option of command.options as readonly Option[]) {
      if (collectors.has(option.parseArg) || option.isBoolean() || option.negate) continue
      let given = false
      command.on(`option:${option.name()}`, () => {
        if (given) throw agentIdError('ERR_USAGE', `${option.long ?? option.flags} is given twice; it takes one value (see ${commandPath(command)} --help)`)
        given = true
      })
    }
  }
}

/** Calls `onEnter` with each sub-command commander dispatches to, outermost first. */
export function onDispatch(root: Command, onEnter: (command: Command) => void): void {
  for (const command of allCommands(root)) {
    if (command.commands.length > 0) command.hook('preSubcommand', (_parent, sub) => onEnter(sub))
  }
}

/**
 * Commander's refusal as one line with its code, pointing at the `--help` of the command it
 * concerns. Commander's own text can hold a second line ("(Did you mean list?)") and, for a
 * command group run without a sub-command, is only "(outputHelp)".
 */
export function usageError(error: CommanderError, command: Command): AgentIdError {
  const help = `(see ${commandPath(command)} --help)`
  if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') {
    const subs = command.commands.map((c) => c.name()).filter((name) => name !== 'help')
    return agentIdError('ERR_USAGE', `${commandPath(command)} needs a command: ${subs.join(', ')} ${help}`)
  }
  if (error.code === 'commander.excessArguments' && command.commands.length > 0) {
    // A group with an action of its own (`status`): an extra word is a sub-command mistyped.
    const subs = command.commands.map((c) => c.name()).filter((name) => name !== 'help')
    const word = command.args.find((a) => !a.startsWith('-'))
    return agentIdError('ERR_USAGE', `unknown command${word !== undefined ? ` '${word}'` : ''} for ${commandPath(command)}; its commands: ${subs.join(', ')} ${help}`)
  }
  const text = error.message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*\(Did you mean (.+)\?\)\s*$/s, '; did you mean $1?')
    .replace(/\s+/g, ' ')
    .replace(/\.$/, '')
    .trim()
  return agentIdError('ERR_USAGE', `${text} ${help}`)
}
