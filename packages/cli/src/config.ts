import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command, Option } from 'commander'
import { agentIdError, parseStrictJson } from '@agentid/core'

/**
 * The settings of a config file (JSON: no dependency, and the format `--json` speaks). Paths in
 * it are resolved against the file's directory. Flags beat the environment, which beats the file,
 * which beats the defaults.
 */
export interface CliConfig {
  /** The file these settings came from; undefined when there is none. */
  readonly file?: string
  /** The issuer service, as AGENTID_URL. */
  readonly url?: string
  /** A file holding a principal's token, as AGENTID_TOKEN_FILE. */
  readonly tokenFile?: string
  /** A token itself: only in a file nobody else can read (refused otherwise). */
  readonly token?: string
  /** The issuer home, as AGENTID_HOME. */
  readonly home?: string
  /** `json` prints as `--json` does; `text` (the default) for people. */
  readonly output?: 'json' | 'text'
  /** Defaults for `agentid serve`: its long option names in camelCase (`port`, `sweepInterval`). */
  readonly serve?: Readonly<Record<string, string | number | boolean>>
}

/** The name looked for in the issuer home. */
export const CONFIG_NAME = 'agentid.json'
const MAX_CONFIG = 64 * 1024
const KEYS = new Set(['url', 'tokenFile', 'token', 'home', 'output', 'serve'])

/**
 * Finds and reads the config file: `explicit` (from `--config` or AGENTID_CONFIG), which must
 * exist; else `<home>/agentid.json` when it exists; else none. Never one found in the working
 * directory: a checkout or a shared folder someone else filled could name a service (and a file
 * to send it as a token) of their choosing. A config file must be a regular file (not a link)
 * of this user's (or root's) that nobody else may write.
 * @throws AgentIdError ERR_INPUT_INVALID for a file that cannot be read, is not the expected
 *   JSON, holds a token while others can read it, is not this user's, or others can write
 */
export function loadConfig(options: { explicit?: string; cwd: string; home: string }): CliConfig {
  const path = options.explicit !== undefined ? resolve(options.cwd, options.explicit) : resolve(options.home, CONFIG_NAME)
  const cannot = (cause: unknown) => agentIdError('ERR_INPUT_INVALID', `cannot read config file ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause })
  let fd: number
  try {
    // No link followed, no wait on a FIFO: what is checked below is what is read.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && options.explicit === undefined) return {}
    if ((cause as NodeJS.ErrnoException).code === 'ELOOP') throw agentIdError('ERR_INPUT_INVALID', `config file ${path} is a symbolic link; name the file itself`)
    throw cannot(cause)
  }
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) throw agentIdError('ERR_INPUT_INVALID', `config file ${path} is not a regular file`)
    const uid = process.getuid?.()
    if (uid !== undefined && info.uid !== uid && info.uid !== 0) throw agentIdError('ERR_INPUT_INVALID', `config file ${path} belongs to another user (uid ${info.uid}); it could send your token anywhere`)
    // Anyone who can write it can send your token to a service of their choosing.
    if ((info.mode & 0o022) !== 0) throw agentIdError('ERR_INPUT_INVALID', `config file ${path} is writable by others (mode ${(info.mode & 0o777).toString(8)}); chmod go-w it`)
    if (info.size > MAX_CONFIG) throw agentIdError('ERR_INPUT_INVALID', `config file ${path} is larger than ${MAX_CONFIG} bytes`)
    let text: string
    try {
      text = readFileSync(fd, 'utf8')
    } catch (cause) {
      throw cannot(cause)
    }
    if (text.length > MAX_CONFIG) throw agentIdError('ERR_INPUT_INVALID', `config file ${path} is larger than ${MAX_CONFIG} bytes`)
    return parseConfig(parseStrictJson(text, { maxLength: MAX_CONFIG, maxDepth: 4 }, 'ERR_INPUT_INVALID', `config file ${path}`), path, info.mode)
  } finally {
    closeSync(fd)
  }
}

function parseConfig(document: unknown, path: string, mode: number): CliConfig {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw agentIdError('ERR_INPUT_INVALID', `config file ${path} must hold one JSON object`)
  const d = document as Record<string, unknown>
  for (const key of Object.keys(d)) {
    if (!KEYS.has(key)) throw agentIdError('ERR_INPUT_INVALID', `config file ${path}: unknown key "${key}" (known: ${[...KEYS].join(', ')})`)
  }
  const text = (key: string): string | undefined => {
    const value = d[key]
    if (value === undefined) return undefined
    if (typeof value !== 'string' || value === '' || value.length > 4096) throw agentIdError('ERR_INPUT_INVALID', `config file ${path}: "${key}" must be a non-empty string`)
    return value
  }
  const dir = dirname(path)
  const token = text('token')
  if (token !== undefined && (mode & 0o077) !== 0) {
    throw agentIdError('ERR_INPUT_INVALID', `config file ${path} holds a token and is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it, or name a token file with "tokenFile"`)
  }
  const output = text('output')
  if (output !== undefined && output !== 'json' && output !== 'text') throw agentIdError('ERR_INPUT_INVALID', `config file ${path}: "output" must be "json" or "text"`)
  const serve = d.serve
  if (serve !== undefined && (typeof serve !== 'object' || serve === null || Array.isArray(serve))) throw agentIdError('ERR_INPUT_INVALID', `config file ${path}: "serve" must be an object of serve options`)
  const url = text('url')
  const tokenFile = text('tokenFile')
  const home = text('home')
  return {
    file: path,
    ...(url !== undefined ? { url } : {}),
    ...(tokenFile !== undefined ? { tokenFile: resolve(dir, tokenFile) } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(home !== undefined ? { home: resolve(dir, home) } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(serve !== undefined ? { serve: serve as Record<string, string | number | boolean> } : {}),
  }
}

/**
 * Gives `command` the values of a config section for the options not set on the command line:
 * each key is an option's camelCase name (`maxConnectionsPerAddress`); a flag takes true or false,
 * an option with a value a string or a number. The command's own checks then apply as to a flag.
 * @throws AgentIdError ERR_INPUT_INVALID for an unknown key or a value of the wrong type
 */
export function applyConfigSection(command: Command, section: Readonly<Record<string, unknown>>, where: string): void {
  const options = command.options as readonly Option[]
  for (const [key, value] of Object.entries(section)) {
    const option = options.find((o) => o.attributeName() === key && o.long !== undefined)
    if (!option) throw agentIdError('ERR_INPUT_INVALID', `${where}: "${key}" is not an option of this command (known: ${options.map((o) => o.attributeName()).join(', ')})`)
    const source = command.getOptionValueSource(key)
    if (source === 'cli' || source === 'env') continue
    if (option.isBoolean()) {
      if (typeof value !== 'boolean') throw agentIdError('ERR_INPUT_INVALID', `${where}: "${key}" must be true or false`)
      if (value) command.setOptionValueWithSource(key, true, 'config')
    } else {
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) throw agentIdError('ERR_INPUT_INVALID', `${where}: "${key}" must be a string or a number`)
      command.setOptionValueWithSource(key, String(value), 'config')
    }
  }
}

/**
 * Refuses a token file others can read: the token is as good as the password of its principal.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function checkTokenFileMode(path: string): void {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch {
    return // reading it says what is wrong
  }
  if ((mode & 0o077) !== 0) throw agentIdError('ERR_INPUT_INVALID', `token file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`)
}
