import type { Command, Option } from 'commander'
import { agentIdError } from '@agentid/core'
import { allCommands } from '../command-tree.js'
import type { CommandContext } from '../context.js'

/** What completion needs of one command: its sub-commands and options, by the words that run it. */
interface CompletionEntry {
  /** The words after `agentid`: '' for the program, `agent register`. */
  readonly path: string
  readonly subcommands: readonly string[]
  readonly options: readonly string[]
  /** The options that take a value: the word after one is not a sub-command. */
  readonly valueOptions: readonly string[]
}

function entries(program: Command): CompletionEntry[] {
  return allCommands(program).map((command) => {
    const words: string[] = []
    for (let c: Command | null = command; c && c !== program; c = c.parent) words.unshift(c.name())
    const options = command.options as readonly Option[]
    return {
      path: words.join(' '),
      subcommands: command.commands.map((c) => c.name()).filter((n) => n !== 'help'),
      options: [...options.flatMap((o) => (o.long ? [o.long] : [])), '--help'],
      valueOptions: options.filter((o) => o.long && (o.required || o.optional)).map((o) => o.long!),
    }
  })
}

// Only letters, digits, space and - reach the scripts: command and option names are ours, but
// nothing that could break out of a quoted case label is let through even so.
function word(text: string): string {
  if (!/^[A-Za-z0-9 -]*$/.test(text)) throw agentIdError('ERR_USAGE', `cannot complete the name "${text}"`)
  return text
}

// The shared tables, as shell functions: identical for bash and zsh.
function tables(all: readonly CompletionEntry[]): string {
  const fn = (name: string, pick: (e: CompletionEntry) => readonly string[]) => [
    `_agentid_${name}() {`,
    '  case "$1" in',
    ...all.map((e) => `    "${word(e.path)}") echo "${pick(e).map(word).join(' ')}" ;;`),
    '  esac',
    '}',
  ].join('\n')
  return [fn('subcommands', (e) => e.subcommands), fn('options', (e) => e.options), fn('value_options', (e) => e.valueOptions)].join('\n')
}

// Walks the words before the cursor: sub-command names extend the path; an option that takes a
// value skips the word after it; anything else (an argument) is passed over.
const WALK = `  local cmdpath="" w i skip=0
  for ((i = FIRST; i < LAST; i++)); do
    w=\${WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      [[ " $(_agentid_value_options "$cmdpath") $(_agentid_value_options "") " == *" $w "* ]] && skip=1
      continue
    fi
    [[ " $(_agentid_subcommands "$cmdpath") " == *" $w "* ]] && cmdpath=\${cmdpath:+$cmdpath }$w
  done`

/** The bash completion script for the command tree of `program`. */
export function bashCompletion(program: Command): string {
  return [
    '# agentid completion for bash, generated from the command tree by "agentid completion bash".',
    '# Load it with: source <(agentid completion bash)   (or save it in bash-completion\'s directory)',
    tables(entries(program)),
    '_agentid() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
    WALK.replace('FIRST', '1').replace('LAST', 'COMP_CWORD').replace('WORDS', 'COMP_WORDS'),
    '  COMPREPLY=()',
    '  if ((skip)); then return; fi  # the value of an option: files, by -o default',
    '  if [[ $cur == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$(_agentid_options "$cmdpath") ${cmdpath:+$(_agentid_options "")}" -- "$cur"))',
    '  else',
    '    COMPREPLY=($(compgen -W "$(_agentid_subcommands "$cmdpath")" -- "$cur"))',
    '  fi',
    '}',
    'complete -o default -F _agentid agentid',
    '',
  ].join('\n')
}

/** The zsh completion script (native: compadd), from the same tables. */
export function zshCompletion(program: Command): string {
  return [
    '#compdef agentid',
    '# agentid completion for zsh, generated from the command tree by "agentid completion zsh".',
    '# Load it with: source <(agentid completion zsh)   (or save it as _agentid in a directory of $fpath)',
    tables(entries(program)),
    '_agentid() {',
    '  local cur=${words[CURRENT]}',
    // zsh arrays start at 1, and words[1] is "agentid".
    WALK.replace('FIRST', '2').replace('LAST', 'CURRENT').replace('WORDS', 'words'),
    '  if ((skip)); then _files; return; fi',
    '  if [[ $cur == -* ]]; then',
    '    compadd -- ${=$(_agentid_options "$cmdpath")} ${cmdpath:+${=$(_agentid_options "")}}',
    '  else',
    '    local subs=$(_agentid_subcommands "$cmdpath")',
    '    if [[ -n $subs ]]; then compadd -- ${=subs}; else _files; fi',
    '  fi',
    '}',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _agentid "$@"; else compdef _agentid agentid; fi',
    '',
  ].join('\n')
}

export function registerCompletion(program: Command, ctx: CommandContext): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script (bash or zsh) for every command, sub-command and option')
    .addHelpText('after', [
      '',
      'Examples:',
      '  source <(agentid completion bash)                      # in ~/.bashrc',
      '  agentid completion bash > /etc/bash_completion.d/agentid',
      '  agentid completion zsh > "${fpath[1]}/_agentid"        # then restart zsh',
    ].join('\n'))
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw agentIdError('ERR_USAGE', 'completion takes bash or zsh (see agentid completion --help)')
      ctx.io.stdout(shell === 'bash' ? bashCompletion(program) : zshCompletion(program))
    })
}
