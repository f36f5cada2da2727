import { open, readFile, rm, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { agentIdError } from '@agentid/core'

const MAX_FILE = 256 * 1024

/**
 * Reads a small text file a user named (a credential, a presentation), trimmed.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export async function readTextFile(cwd: string, path: string, what: string): Promise<string> {
  let text: string
  try {
    text = await readFile(resolve(cwd, path), 'utf8')
  } catch (cause) {
    throw agentIdError('ERR_INPUT_INVALID', `cannot read ${what} ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause })
  }
  if (text.length > MAX_FILE) throw agentIdError('ERR_INPUT_INVALID', `${what} ${path} is larger than ${MAX_FILE} bytes`)
  return text.trim()
}

/**
 * Reads a file of JWTs, one per line (blank lines and surrounding space ignored).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export async function readJwtLines(cwd: string, path: string, what: string): Promise<string[]> {
  return (await readTextFile(cwd, path, what)).split(/\s+/).filter((line) => line !== '')
}

/**
 * Reads a credential file: one VC-JWT, or a delegation chain (one JWT per line, root first).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export async function readCredentialFile(cwd: string, path: string): Promise<string[]> {
  const jwts = await readJwtLines(cwd, path, 'credential')
  if (jwts.length === 0 || jwts.length > 8) throw agentIdError('ERR_INPUT_INVALID', `credential file ${path} must hold 1 to 8 JWTs, one per line`)
  return jwts
}

/**
 * Writes an output file the user named; refuses to overwrite unless asked.
 * @throws AgentIdError ERR_CONFLICT, ERR_INPUT_INVALID
 */
export async function writeTextFile(cwd: string, path: string, content: string, options: { mode?: number } = {}): Promise<string> {
  const file = await reserveOutputFile(cwd, path, options)
  await file.write(content)
  return file.path
}

/** An output file created empty before the work that fills it, so that a bad path fails first. */
interface ReservedFile {
  readonly path: string
  write(content: string): Promise<void>
  /** Removes the empty file when the work failed. */
  discard(): Promise<void>
}

/**
 * Creates an output file (refusing to overwrite) before an operation that cannot be undone, such
 * as issuing a credential: the operation must not commit and then fail to deliver its result.
 * @throws AgentIdError ERR_CONFLICT, ERR_INPUT_INVALID
 */
async function reserveOutputFile(cwd: string, path: string, options: { mode?: number } = {}): Promise<ReservedFile> {
  const full = resolve(cwd, path)
  let handle
  try {
    handle = await open(full, 'wx', options.mode ?? 0o644)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') throw agentIdError('ERR_CONFLICT', `${path} already exists; choose another --out`, { cause })
    throw agentIdError('ERR_INPUT_INVALID', `cannot write ${path}: ${(cause as Error).message}`, { cause })
  }
  await handle.close()
  return {
    path: full,
    write: (content) => writeFile(full, content.endsWith('\n') ? content : `${content}\n`),
    discard: () => rm(full, { force: true }),
  }
}

/**
 * Reserves the output file `path` names (when it names one), then runs `work`: an operation that
 * cannot be undone (issuing, creating a token) never commits and then fails to deliver its result.
 * The file then receives `contentOf(result)`; it is removed when `work` fails or its result has
 * nothing to write (a request opened instead of a credential issued).
 * @returns the result, and the full path of the file written, if one was
 * @throws AgentIdError ERR_CONFLICT, ERR_INPUT_INVALID (the file), or what `work` throws
 */
export async function withOutputFile<T>(cwd: string, path: string | undefined, options: { mode?: number }, work: () => Promise<T>, contentOf: (result: T) => string | undefined): Promise<{ result: T; file: string | undefined }> {
  const file = path !== undefined ? await reserveOutputFile(cwd, path, options) : undefined
  let result: T
  try {
    result = await work()
  } catch (error) {
    await file?.discard()
    throw error
  }
  const content = contentOf(result)
  if (file && content !== undefined) {
    await file.write(content)
    return { result, file: file.path }
  }
  await file?.discard()
  return { result, file: undefined }
}
