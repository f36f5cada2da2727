// Making and opening an issuer: its home, key-encryption key, database and issuer key, and what
// the facade is built from.
import { hkdfSync, randomBytes } from 'node:crypto'
import { readFile, rename, rm, stat } from 'node:fs/promises'
import { agentIdError, parseDidKey } from '@agentid/core'
import type { ClusterBus } from '../cluster/cluster-bus.js'
import { DEFAULT_ROLES } from '../default-roles.js'
import { tokenHash, newToken } from '../governance/principal.js'
import { createKek, ensureHomeDir, issuerHome, kekFromEnv, loadKek, pathExists, writeSecretFile, type IssuerHome } from '../home.js'
import { parseKek, type KeyEncryptionKey } from '../keys/key-encryption.js'
import { parsePublicUrl } from '../public-url.js'
import { checkIssuerKey } from '../signing/issuer-signer.js'
import type { IssuerStore } from '../store/issuer-store.js'
import { databaseTarget, openStoreAt, type DatabaseTarget } from './database.js'
import type { IssuerAgent } from '../veramo/issuer-agent.js'
import { parseCredentialFormat, type CredentialFormat } from './types.js'

/** Options shared by {@link Issuer.init} and {@link Issuer.open}. */
export interface IssuerOptions {
  /** The issuer's home (default `AGENTID_HOME`, else `./.agentid`). */
  readonly home?: string
  /** Environment to read `AGENTID_HOME`, `AGENTID_KEK`, `AGENTID_DATABASE` and `AGENTID_PUBLIC_URL` from. */
  readonly env?: NodeJS.ProcessEnv
  /**
   * The database: a `postgres://` URL (`?schema=` names the schema, default `public`), which
   * several replicas may share (docs/operations.md); default `AGENTID_DATABASE`, else the SQLite
   * file in the home. The home keeps the key-encryption key file and the admin token either way.
   */
  readonly database?: string
  /** Where a replica reports a lost connection to the other replicas' bus (default: nowhere). */
  readonly log?: (line: string) => void
  /**
   * At init: the issuer's public URL, written into every credential's status entry (default
   * `AGENTID_PUBLIC_URL`, else http://127.0.0.1:8470). Change it later with {@link Issuer.setPublicUrl}.
   */
  readonly publicUrl?: string
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Credential ids (default random `urn:uuid:`). */
  readonly randomId?: () => string
  /** Status-list slot in [0, max) (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
  /** Ed25519 seed for the issuer key at init (default random). For tests and fixed vectors. */
  readonly issuerSeed?: Uint8Array
  /**
   * Webhooks to loopback, private and link-local addresses (default false: refused when
   * registered and when delivered; `agentid serve --allow-private-webhooks`).
   */
  readonly allowPrivateWebhooks?: boolean
  /**
   * At init: the format of the credentials and status lists it issues (docs/formats.md): VC Data
   * Model 2.0 secured by VC-JOSE-COSE (`vc2.0`, the default for new issuers), or VC 1.1 VC-JWT
   * (`vc1.1`, for verifiers that need it; issuers made before 2.0 existed keep it). Change it later
   * with {@link Issuer.setCredentialFormat}.
   */
  readonly credentialFormat?: CredentialFormat
  /**
   * Mint grants that do not name a format as SD-JWT VCs (docs/formats.md, "SD-JWT VC") rather
   * than in `credentialFormat` (default false). An option of this process, not a stored setting.
   */
  readonly sdJwtByDefault?: boolean
  /**
   * Decoy digests in each SD-JWT VC, in the agent's `_sd` and in the entitlement list (RFC 9901,
   * section 4.2.5), so that a verifier cannot count what was left undisclosed: 0 to 16 (default 0).
   */
  readonly sdJwtDecoys?: number
}

/** What the `Issuer` facade is built from: an issuer made by {@link initIssuer} or opened by {@link openIssuer}. */
export interface IssuerFields {
  readonly did: string
  readonly home: IssuerHome
  readonly store: IssuerStore
  /** Where the store is, for people (a path, or a URL without its password). */
  readonly database: string
  /** Veramo, when init already loaded it. */
  readonly agent?: IssuerAgent
  readonly publicUrl: string
  readonly credentialFormat: CredentialFormat
  readonly options: IssuerOptions
  /** What replicas share beside the database (one process: {@link localBus}). */
  readonly cluster: ClusterBus
  /** A key for `purpose` that every replica of this issuer derives alike (from the key-encryption key). */
  readonly sharedSecret: (purpose: string) => Buffer
}

const STATUS_LIST_SIZE = 131072
const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8470'

/**
 * Creates a new issuer: home directory, key-encryption key, database, issuer did:key, first
 * status list, role templates and an admin token (written to a 0600 file).
 * @throws AgentIdError ERR_CONFLICT when the home already holds an issuer, ERR_STORE
 */
export async function initIssuer(options: IssuerOptions = {}): Promise<{ fields: IssuerFields; adminToken: string; kekSource: string }> {
  // Checked before anything is created or opened.
  if (options.sdJwtDecoys !== undefined) parseDecoys(options.sdJwtDecoys)
  const env = options.env ?? process.env
  const home = issuerHome(options.home, env)
  const keyInEnv = kekFromEnv(env)
  const target = databaseTarget(home, options.database, env)
  for (const file of [...(target.kind === 'sqlite' ? [home.database] : []), home.adminTokenFile, ...(keyInEnv ? [] : [home.kekFile])]) {
    if (await pathExists(file)) throw agentIdError('ERR_CONFLICT', `${file} already exists: an issuer (or part of one) is in ${home.dir}`)
  }
  await ensureHomeDir(home)
  // Everything init creates is removed again if any step fails: no half-made issuer is left,
  // and no secret outlives the database it belongs to.
  const created: string[] = []
  let opened: { store: IssuerStore; cluster: ClusterBus } | undefined
  try {
    const { kek, source } = await createKek(home, env)
    if (!keyInEnv) created.push(home.kekFile)
    if (target.kind === 'sqlite') created.push(home.database, `${home.database}-wal`, `${home.database}-shm`)
    opened = await openStoreAt(target, { kek, create: true, ...clockOptions(options), ...(options.log ? { log: options.log } : {}) })
    const { store, cluster } = opened
    // A shared database outlives the home: nothing (not even a key) is written into an issuer there.
    if ((await store.getSetting('issuerDid')) !== undefined) throw agentIdError('ERR_CONFLICT', `${target.display} already holds an issuer; open it with its key-encryption key instead of running init again`)
    const agent = (await import('../veramo/issuer-agent.js')).createIssuerAgent(store.custody)
    const identifier = await agent.didManagerCreate({
      provider: 'did:key',
      alias: 'issuer',
      options: { keyType: 'Ed25519', ...(options.issuerSeed ? { privateKeyHex: Buffer.from(options.issuerSeed).toString('hex') } : {}) },
    })
    const did = parseDidKey(identifier.did).did
    const now = (options.now ?? Date.now)()
    const adminToken = newToken()
    const publicUrl = parsePublicUrl(options.publicUrl ?? env.AGENTID_PUBLIC_URL ?? DEFAULT_PUBLIC_URL, options.publicUrl !== undefined ? 'the public URL' : 'AGENTID_PUBLIC_URL')
    const listId = 'rev-1'
    const credentialFormat = parseCredentialFormat(options.credentialFormat ?? 'vc2.0', 'the credential format')
    await writeSecretFile(home.adminTokenFile, `${adminToken}\n`)
    created.push(home.adminTokenFile)
    await store.initialize(
      {
        settings: { issuerDid: did, publicUrl, credentialFormat },
        statusList: { id: listId, purpose: 'revocation', size: STATUS_LIST_SIZE, createdAt: now },
        admin: { id: 'admin', roles: ['admin'], tokenSha256: tokenHash(adminToken), createdAt: now },
        roles: DEFAULT_ROLES,
      },
      { actor: 'system', action: 'issuer.init', target: did, details: { statusList: listId, roles: DEFAULT_ROLES.map((r) => r.name), kek: keyInEnv ? 'env' : 'file', credentialFormat } },
    )
    return { fields: { did, home, store, database: target.display, agent, publicUrl, credentialFormat, options, cluster, sharedSecret: sharedSecrets(kek, cluster.replicated) }, adminToken, kekSource: source }
  } catch (error) {
    await opened?.store.close()
    await opened?.cluster.close()
    await Promise.all(created.map((file) => rm(file, { force: true })))
    throw error
  }
}

/**
 * Opens an existing issuer.
 * @throws AgentIdError ERR_NOT_FOUND when there is none, ERR_STORE
 */
export async function openIssuer(options: IssuerOptions = {}): Promise<IssuerFields> {
  if (options.sdJwtDecoys !== undefined) parseDecoys(options.sdJwtDecoys)
  const env = options.env ?? process.env
  const home = issuerHome(options.home, env)
  const target = databaseTarget(home, options.database, env)
  if (target.kind === 'sqlite' && !(await pathExists(home.database))) throw agentIdError('ERR_NOT_FOUND', `no issuer in ${home.dir}; run "agentid init" first (or set AGENTID_HOME)`)
  await refuseReadableSecrets(home)
  try {
    return await openWith(home, target, await loadKek(home, env), options)
  } catch (error) {
    // A key-encryption-key rotation that committed but did not get to replace the kek file:
    // the new key is in kek.next. Finish the rotation.
    const nextFile = `${home.kekFile}.next`
    if ((error as { code?: string }).code !== 'ERR_KEK_MISMATCH' || kekFromEnv(env) || !(await pathExists(nextFile))) throw error
    const fields = await openWith(home, target, parseKek(await readFile(nextFile, 'utf8'), nextFile), options)
    await rename(nextFile, home.kekFile)
    return fields
  }
}

async function openWith(home: IssuerHome, target: DatabaseTarget, kek: KeyEncryptionKey, options: IssuerOptions): Promise<IssuerFields> {
  const { store, cluster } = await openStoreAt(target, { kek, create: false, ...clockOptions(options), ...(options.log ? { log: options.log } : {}) })
  try {
    const did = await store.getSetting('issuerDid')
    const publicUrl = await store.getSetting('publicUrl')
    if (did === undefined && target.kind === 'postgres') throw agentIdError('ERR_NOT_FOUND', `no issuer in ${target.display}; run "agentid init --database <url>" first`)
    if (did === undefined || publicUrl === undefined) throw agentIdError('ERR_STORE', `issuer database ${target.display} is incomplete; was "agentid init" interrupted?`)
    // Fails now, not at the first grant, when the key-encryption key is the wrong one.
    await checkIssuerKey(store, did)
    // Issuers made before VC 2.0 existed say nothing: they keep issuing VC 1.1.
    const credentialFormat = parseCredentialFormat((await store.getSetting('credentialFormat')) ?? 'vc1.1', 'the stored credential format')
    return { did: parseDidKey(did).did, home, store, database: target.display, publicUrl, credentialFormat, options, cluster, sharedSecret: sharedSecrets(kek, cluster.replicated) }
  } catch (error) {
    await store.close()
    await cluster.close()
    throw error
  }
}

/**
 * The MAC keys of stateless nonces and challenges, one per purpose. With replicas, every replica
 * derives them alike (HKDF-SHA256 of the key-encryption key, which every replica holds), so that
 * one a replica gave out is good at another; single use is then kept in the database they share
 * (ClusterBus.reserve), which outlives any replica. A new key-encryption key changes them at the
 * next start: nonces and challenges live minutes, and are then asked for again. One process
 * draws them at random at each start instead: its single-use memory is its own and ends with it,
 * so what it gave out must end with it too (a challenge answered before a restart cannot be
 * answered again after it).
 */
function sharedSecrets(kek: KeyEncryptionKey, replicated: boolean): (purpose: string) => Buffer {
  const derived = new Map<string, Buffer>()
  return (purpose) => {
    let key = derived.get(purpose)
    if (!key) derived.set(purpose, (key = replicated ? Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), `agentid shared secret: ${purpose}`, 32)) : randomBytes(32)))
    return key
  }
}

export function parseDecoys(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 16) throw agentIdError('ERR_USAGE', 'sdJwtDecoys must be an integer from 0 to 16')
  return value
}

function clockOptions(options: IssuerOptions): { now?: () => number; randomIndex?: (max: number) => number } {
  return { ...(options.now ? { now: options.now } : {}), ...(options.randomIndex ? { randomIndex: options.randomIndex } : {}) }
}

// The database (sealed keys, token hashes) and the admin token must be the owner's alone: refused at
// start otherwise, with the fix (the kek file is checked where it is read).
async function refuseReadableSecrets(home: IssuerHome): Promise<void> {
  for (const file of [home.database, home.adminTokenFile]) {
    let mode: number
    try {
      mode = (await stat(file)).mode
    } catch {
      continue
    }
    if ((mode & 0o077) !== 0) throw agentIdError('ERR_INPUT_INVALID', `${file} is readable by others; chmod 600 ${file} (agentid doctor checks the rest)`)
  }
}

