import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { agentIdError } from '@agentid/core'
import { generateKek, parseKek, type KeyEncryptionKey } from './keys/key-encryption.js'

/** Where an issuer keeps its files. */
export interface IssuerHome {
  readonly dir: string
  readonly database: string
  readonly kekFile: string
  readonly adminTokenFile: string
}

/** The home of `AGENTID_HOME` (default `./.agentid`), resolved against the working directory. */
export function issuerHome(dir?: string, env: NodeJS.ProcessEnv = process.env): IssuerHome {
  const root = resolve(dir ?? env.AGENTID_HOME ?? '.agentid')
  return { dir: root, database: join(root, 'issuer.db'), kekFile: join(root, 'kek'), adminTokenFile: join(root, 'admin.token') }
}

/** True when something exists at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/** Writes a secret file readable by its owner only; refuses to overwrite. */
export async function writeSecretFile(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, { mode: 0o600, flag: 'wx' })
    await chmod(path, 0o600)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') throw agentIdError('ERR_CONFLICT', `${path} already exists`, { cause })
    throw agentIdError('ERR_STORE', `cannot write ${path}: ${(cause as Error).message}`, { cause })
  }
}

/** True when the key-encryption key comes from `AGENTID_KEK` rather than the home's `kek` file. */
export function kekFromEnv(env: NodeJS.ProcessEnv): boolean {
  return env.AGENTID_KEK !== undefined && env.AGENTID_KEK !== ''
}

/**
 * The key-encryption key: `AGENTID_KEK` (base64url) when set, else the home's `kek` file, which
 * must not be readable by others.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND
 */
export async function loadKek(home: IssuerHome, env: NodeJS.ProcessEnv = process.env): Promise<KeyEncryptionKey> {
  if (kekFromEnv(env)) return parseKek(env.AGENTID_KEK!, 'AGENTID_KEK')
  let info
  try {
    info = await stat(home.kekFile)
  } catch (cause) {
    throw agentIdError('ERR_NOT_FOUND', `no key-encryption key: set AGENTID_KEK or run "agentid init" (looked for ${home.kekFile})`, { cause })
  }
  if ((info.mode & 0o077) !== 0) throw agentIdError('ERR_INPUT_INVALID', `${home.kekFile} is readable by others; chmod 600 it`)
  return parseKek(await readFile(home.kekFile, 'utf8'), home.kekFile)
}

/**
 * For `init`: the key from `AGENTID_KEK` if set, else a new one written to the home's `kek` file.
 */
export async function createKek(home: IssuerHome, env: NodeJS.ProcessEnv = process.env): Promise<{ kek: KeyEncryptionKey; source: string }> {
  if (kekFromEnv(env)) return { kek: parseKek(env.AGENTID_KEK!, 'AGENTID_KEK'), source: 'AGENTID_KEK' }
  const kek = generateKek()
  await writeSecretFile(home.kekFile, `${kek.toString('base64url')}\n`)
  return { kek, source: home.kekFile }
}

/**
 * Creates the home directory owner-only (0700), or takes an existing one as it is when only its
 * owner can enter it. A directory it did not create is never changed: one that others can read
 * or enter (a shared folder, a mode someone chose) is refused, with the fix, rather than quietly
 * tightened under whoever else relies on it.
 * @throws AgentIdError ERR_INPUT_INVALID (an existing directory open to others, or not a directory), ERR_STORE
 */
export async function ensureHomeDir(home: IssuerHome): Promise<void> {
  let created: string | undefined
  try {
    created = await mkdir(home.dir, { recursive: true, mode: 0o700 })
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST' && (cause as NodeJS.ErrnoException).code !== 'ENOTDIR') throw agentIdError('ERR_STORE', `cannot create ${home.dir}: ${(cause as Error).message}`, { cause })
  }
  if (created !== undefined) {
    // Ours: exactly 0700, whatever the umask left.
    await chmod(home.dir, 0o700)
    return
  }
  const info = await stat(home.dir)
  if (!info.isDirectory()) throw agentIdError('ERR_INPUT_INVALID', `${home.dir} exists and is not a directory; set AGENTID_HOME to another path`)
  if ((info.mode & 0o077) !== 0) {
    throw agentIdError('ERR_INPUT_INVALID', `${home.dir} already exists and others can read or enter it (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); it is left as it is: run "chmod 700 ${home.dir}" if it is yours alone, or set AGENTID_HOME to a new directory`)
  }
}
