import type { Command } from 'commander'
import { agentIdError, parseDuration } from '@agentid/core'
import type { StatusSource } from '@agentid/verifier'
import { readTextFile } from './files.js'
import { repeatable } from './options.js'

/** The status options of `verify` and `inspect`, as commander gives them. */
export interface StatusOptions {
  statusList?: string[]
  statusUrl?: boolean
  statusMaxAge: string
  statusTimeout: string
  skipStatus?: boolean
}

// A status list of 131,072 entries is a few kilobytes compressed; 1 MiB leaves room and no more.
const MAX_STATUS_LIST_BYTES = 1024 * 1024

/** Adds the options that say where revocation and suspension are looked up. */
export function statusOptions(command: Command): Command {
  return command
    .option('--status-list <file>', 'status list credentials (from status publish, one JWT per line); repeatable', repeatable)
    .option('--status-url', "fetch each credential's status list online, from the http(s) URL in its own credentialStatus (verified like a file's; one fetch per list)")
    .option('--status-max-age <duration>', 'refuse status lists published longer ago than this', '1h')
    .option('--status-timeout <duration>', 'with --status-url: how long one fetch may take, body included', '5s')
}

/**
 * The status source the options name: the files, the credentials' own URLs, or none.
 * @throws AgentIdError ERR_USAGE (options that exclude each other), ERR_INPUT_INVALID (a file, a duration)
 */
export async function statusSourceFromOptions(cwd: string, opts: StatusOptions): Promise<StatusSource | 'unchecked' | undefined> {
  const ways = [opts.statusList !== undefined, opts.statusUrl === true, opts.skipStatus === true].filter(Boolean).length
  if (ways > 1) throw agentIdError('ERR_USAGE', '--status-list, --status-url and --skip-status exclude each other')
  const maxAge = parseDuration(opts.statusMaxAge, '--status-max-age', 30 * 86400)
  const timeoutMs = parseDuration(opts.statusTimeout, '--status-timeout', 60) * 1000
  if (opts.skipStatus) return 'unchecked'
  const { httpStatusLists, statusListsFromJwts } = await import('@agentid/verifier')
  if (opts.statusUrl) {
    // Only http(s), one deadline per fetch, the body capped: httpStatusLists refuses the rest
    // with ERR_STATUS_UNAVAILABLE, which is what the verifier then reports.
    return httpStatusLists({ maxAge, refreshAfter: maxAge, timeoutMs, maxBytes: MAX_STATUS_LIST_BYTES })
  }
  if (opts.statusList === undefined) return undefined
  const lists = (await Promise.all(opts.statusList.map((f) => readTextFile(cwd, f, 'status list')))).flatMap((text) => text.split(/\s+/)).filter((jwt) => jwt !== '')
  return lists.length > 0 ? statusListsFromJwts(lists, { maxAge }) : undefined
}
