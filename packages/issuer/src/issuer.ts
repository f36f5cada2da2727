import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { access, rm } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import {
  AGENTID_CONTEXT_V1,
  agentIdError,
  CREDENTIALS_CONTEXT_V1,
  ENTITLEMENT_CREDENTIAL_TYPE,
  entitlementSubjectToJson,
  entitlementToJson,
  parseAgentKind,
  parseAgentName,
  MAX_DELEGATION_DEPTH,
  parseDidKey,
  parseEntitlements,
  parseEntitlementSubject,
  parseOwner,
  parseSegment,
  type RiskLevel,
  type TaskRef,
} from '@agentid/core'
import { chainExceeds, checkAnyCredentialJwt, checkCredentialJwt, checkStatusListJwt, resolveChains } from '@agentid/verifier'
import { DEFAULT_ROLES } from './default-roles.js'
import { createKek, ensureHomeDir, issuerHome, loadKek, writeSecretFile, type IssuerHome } from './home.js'
import type { AgentRecord, AuditInput, CredentialDraft, CredentialRecord, DelegationRecord, Issuance, IssuerStore, StatusAllocation } from './store/issuer-store.js'
import { openSqliteStore } from './store/sqlite/sqlite-store.js'
import { createIssuerAgent, type IssuerAgent } from './veramo/issuer-agent.js'

/** Options shared by {@link Issuer.init} and {@link Issuer.open}. */
export interface IssuerOptions {
  /** The issuer's home (default `AGENTID_HOME`, else `./.agentid`). */
  readonly home?: string
  /** Environment to read `AGENTID_HOME`, `AGENTID_KEK` and `AGENTID_PUBLIC_URL` from. */
  readonly env?: NodeJS.ProcessEnv
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Credential ids (default random `urn:uuid:`). */
  readonly randomId?: () => string
  /** Status-list slot in [0, max) (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
  /** Ed25519 seed for the issuer key at init (default random). For tests and fixed vectors. */
  readonly issuerSeed?: Uint8Array
}

/** A credential the issuer has committed and hands out. */
export interface IssuedCredential {
  readonly id: string
  readonly jwt: string
  readonly record: CredentialRecord
}

/** Input of {@link Issuer.registerAgent}: an agent record before enrolment sets its state. */
export type RegisterAgentInput = Omit<AgentRecord, 'status' | 'createdAt'>

/** Input of {@link Issuer.grant}. */
export interface GrantInput {
  readonly subject: string
  /** Entitlements in their JSON form (as in a credential); parsed strictly here. */
  readonly entitlements: readonly unknown[]
  /** Lifetime in seconds: every grant expires. */
  readonly ttlSeconds: number
  readonly task?: TaskRef
  readonly risk?: RiskLevel
}

/** Longest lifetime a single grant may have (30 days); shorter is better. */
export const MAX_GRANT_TTL = 30 * 86400
const STATUS_LIST_SIZE = 131072
const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8470'

/**
 * The issuer engine: enrols agents and mints entitlement credentials (VC-JWT, EdDSA) through a
 * Veramo agent whose keys live in the store, sealed with the operator's key-encryption key.
 */
export class Issuer {
  readonly did: string
  readonly home: IssuerHome
  readonly store: IssuerStore
  readonly #agent: IssuerAgent
  readonly #keyId: string
  readonly #publicUrl: string
  readonly #now: () => number
  readonly #randomId: () => string

  private constructor(fields: { did: string; home: IssuerHome; store: IssuerStore; agent: IssuerAgent; publicUrl: string; options: IssuerOptions }) {
    this.did = fields.did
    this.#keyId = parseDidKey(fields.did).keyId
    this.home = fields.home
    this.store = fields.store
    this.#agent = fields.agent
    this.#publicUrl = fields.publicUrl
    this.#now = fields.options.now ?? Date.now
    this.#randomId = fields.options.randomId ?? (() => `urn:uuid:${randomUUID()}`)
  }

  /**
   * Creates a new issuer: home directory, key-encryption key, database, issuer did:key, first
   * status list, role templates and an admin token (written to a 0600 file).
   * @throws AgentIdError ERR_CONFLICT when the home already holds an issuer, ERR_STORE
   */
  static async init(options: IssuerOptions = {}): Promise<{ issuer: Issuer; adminToken: string; kekSource: string }> {
    const env = options.env ?? process.env
    const home = issuerHome(options.home, env)
    const kekFromEnv = env.AGENTID_KEK !== undefined && env.AGENTID_KEK !== ''
    for (const file of [home.database, home.adminTokenFile, ...(kekFromEnv ? [] : [home.kekFile])]) {
      if (await exists(file)) throw agentIdError('ERR_CONFLICT', `${file} already exists: an issuer (or part of one) is in ${home.dir}`)
    }
    await ensureHomeDir(home)
    // Everything init creates is removed again if any step fails: no half-made issuer is left,
    // and no secret outlives the database it belongs to.
    const created: string[] = []
    let store: IssuerStore | undefined
    try {
      const { kek, source } = await createKek(home, env)
      if (!kekFromEnv) created.push(home.kekFile)
      created.push(home.database, `${home.database}-wal`, `${home.database}-shm`)
      store = openSqliteStore({ path: home.database, kek, create: true, ...clockOptions(options) })
      const agent = createIssuerAgent(store.custody)
      const identifier = await agent.didManagerCreate({
        provider: 'did:key',
        alias: 'issuer',
        options: { keyType: 'Ed25519', ...(options.issuerSeed ? { privateKeyHex: Buffer.from(options.issuerSeed).toString('hex') } : {}) },
      })
      const did = parseDidKey(identifier.did).did
      const now = (options.now ?? Date.now)()
      const adminToken = `aid_${randomBytes(32).toString('base64url')}`
      const publicUrl = env.AGENTID_PUBLIC_URL ?? DEFAULT_PUBLIC_URL
      const listId = 'rev-1'
      await writeSecretFile(home.adminTokenFile, `${adminToken}\n`)
      created.push(home.adminTokenFile)
      await store.initialize(
        {
          settings: { issuerDid: did, publicUrl },
          statusList: { id: listId, purpose: 'revocation', size: STATUS_LIST_SIZE, createdAt: now },
          admin: { id: 'admin', roles: ['admin'], tokenSha256: createHash('sha256').update(adminToken).digest('hex'), createdAt: now },
          roles: DEFAULT_ROLES,
        },
        { actor: 'system', action: 'issuer.init', target: did, details: { statusList: listId, roles: DEFAULT_ROLES.map((r) => r.name), kek: kekFromEnv ? 'env' : 'file' } },
      )
      return { issuer: new Issuer({ did, home, store, agent, publicUrl, options }), adminToken, kekSource: source }
    } catch (error) {
      await store?.close()
      await Promise.all(created.map((file) => rm(file, { force: true })))
      throw error
    }
  }

  /**
   * Opens an existing issuer.
   * @throws AgentIdError ERR_NOT_FOUND when there is none, ERR_STORE
   */
  static async open(options: IssuerOptions = {}): Promise<Issuer> {
    const env = options.env ?? process.env
    const home = issuerHome(options.home, env)
    if (!(await exists(home.database))) throw agentIdError('ERR_NOT_FOUND', `no issuer in ${home.dir}; run "agentid init" first (or set AGENTID_HOME)`)
    const kek = await loadKek(home, env)
    const store = openSqliteStore({ path: home.database, kek, create: false, ...clockOptions(options) })
    try {
      const did = await store.getSetting('issuerDid')
      const publicUrl = await store.getSetting('publicUrl')
      if (did === undefined || publicUrl === undefined) throw agentIdError('ERR_STORE', `issuer database in ${home.dir} is incomplete; was "agentid init" interrupted?`)
      const agent = createIssuerAgent(store.custody)
      // Fails now, not at the first grant, when the key-encryption key is the wrong one.
      const identifier = await agent.didManagerGet({ did })
      await store.custody.privateKeyStore.getKey({ alias: identifier.controllerKeyId ?? '' })
      return new Issuer({ did: parseDidKey(did).did, home, store, agent, publicUrl, options })
    } catch (error) {
      await store.close()
      throw error
    }
  }

  /**
   * Enrols an agent by its did:key. With a role, issues the role's entitlements in the same
   * transaction: the agent is enrolled with its credential, or not at all.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_DID_*, ERR_NOT_FOUND (role), ERR_CONFLICT, ERR_STORE
   */
  async registerAgent(input: RegisterAgentInput, actor: string): Promise<{ agent: AgentRecord; credentials: IssuedCredential[] }> {
    const agent: AgentRecord = {
      did: parseDidKey(input.did).did,
      name: parseAgentName(input.name),
      kind: parseAgentKind(input.kind),
      owner: parseOwner(input.owner),
      ...(input.segment !== undefined ? { segment: parseSegment(input.segment) } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      status: 'active',
      createdAt: this.#now(),
    }
    // An employee's assistant acts for one person: its owner is that person's DID, the only key
    // that can delegate the employee's rights to it.
    if (agent.kind === 'employee' && !agent.owner.startsWith('did:')) throw agentIdError('ERR_INPUT_INVALID', "an employee agent's --owner must be the employee's did:key")
    const role = input.role === undefined ? undefined : await this.store.getRole(input.role)
    if (input.role !== undefined && role === undefined) throw agentIdError('ERR_NOT_FOUND', `no role template "${input.role}"`)
    const initial = role && this.#issuance(agent, { subject: agent.did, entitlements: role.entitlements.map(entitlementToJson), ttlSeconds: role.ttlSeconds, task: { id: `role:${role.name}` } }, actor)
    const { did: _did, ...details } = agent
    const issued = await this.store.registerAgent(agent, { actor, action: 'agent.register', target: agent.did, details }, initial)
    return { agent, credentials: issued ? [{ id: issued.record.id, jwt: issued.jwt, record: issued.record }] : [] }
  }

  /**
   * Issues an entitlement credential. Returned only once its row, status index and audit entry
   * are committed together.
   * @throws AgentIdError ERR_NOT_FOUND (agent), ERR_CONFLICT (not active), ERR_INPUT_INVALID, ERR_STORE
   */
  async grant(input: GrantInput, actor: string): Promise<IssuedCredential> {
    const agent = await this.store.getAgent(parseDidKey(input.subject).did)
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${input.subject} is not enrolled`)
    const { draft, sign, audit } = this.#issuance(agent, input, actor)
    const { record, jwt } = await this.store.issueCredential(draft, sign, audit)
    return { id: record.id, jwt, record }
  }

  // Parses a grant at the boundary (entitlements strictly: an unknown constraint is never
  // issued) and prepares what the store runs inside its transaction.
  #issuance(agent: AgentRecord, input: GrantInput, actor: string): Issuance {
    if (!Number.isSafeInteger(input.ttlSeconds) || input.ttlSeconds < 1 || input.ttlSeconds > MAX_GRANT_TTL) {
      throw agentIdError('ERR_INPUT_INVALID', `ttl must be between 1 second and ${MAX_GRANT_TTL / 86400} days`)
    }
    const entitlements = parseEntitlements(input.entitlements, 'entitlements')
    const profile = { name: agent.name, kind: agent.kind, owner: agent.owner, ...(agent.segment ? { segment: agent.segment } : {}) }
    const subject = parseEntitlementSubject(entitlementSubjectToJson(agent.did, {
      agent: profile, entitlements, ...(input.task ? { task: input.task } : {}), ...(input.risk ? { risk: input.risk } : {}),
    }))
    const notBefore = Math.floor(this.#now() / 1000)
    const draft: CredentialDraft = {
      id: this.#randomId(),
      subject: agent.did,
      issuer: this.did,
      entitlements,
      ...(subject.task ? { task: subject.task } : {}),
      ...(subject.risk ? { risk: subject.risk } : {}),
      notBefore,
      expires: notBefore + input.ttlSeconds,
    }
    const sign = async ({ listId, index, suspensionListId }: StatusAllocation): Promise<string> => {
      const entry = (purpose: 'revocation' | 'suspension', list: string) => {
        const url = `${this.#publicUrl}/status/${list}`
        return { id: `${url}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: url }
      }
      const credentialStatus = suspensionListId === undefined ? entry('revocation', listId) : [entry('revocation', listId), entry('suspension', suspensionListId)]
      const result = await this.#agent.createVerifiableCredential({
        credential: {
          '@context': [CREDENTIALS_CONTEXT_V1, AGENTID_CONTEXT_V1],
          type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
          id: draft.id,
          issuer: { id: this.did },
          issuanceDate: new Date(draft.notBefore * 1000).toISOString(),
          expirationDate: new Date(draft.expires * 1000).toISOString(),
          credentialSubject: entitlementSubjectToJson(agent.did, subject),
          credentialStatus,
        },
        proofFormat: 'jwt',
        header: { kid: this.#keyId },
      } as Parameters<IssuerAgent['createVerifiableCredential']>[0])
      return parseIssuedJwt(result, draft, String(index), Array.isArray(credentialStatus) ? credentialStatus.length : 1)
    }
    const audit = (r: CredentialRecord): AuditInput => ({
      actor,
      action: 'credential.issue',
      target: r.id,
      details: { subject: r.subject, entitlements: r.entitlements.map(entitlementToJson), notBefore: r.notBefore, expires: r.expires, statusList: r.listId, statusIndex: r.index, jwtSha256: r.jwtSha256 },
    })
    return { draft, sign, audit }
  }

  /**
   * Revokes a credential, for good. Verifiers refuse it once they hold a status list published
   * after this (`publishStatusList`), and with it every delegation below it.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  async revoke(credentialId: string, actor: string, reason?: string): Promise<CredentialRecord> {
    return this.store.revokeCredential(credentialId, (r) => ({
      actor, action: 'credential.revoke', target: r.id,
      details: { subject: r.subject, statusList: r.listId, statusIndex: r.index, ...(reason !== undefined ? { reason } : {}) },
    }))
  }

  /**
   * Suspends (or, with `suspended: false`, resumes) one credential or all of an agent's: the
   * reversible stop, for incident response. Verifiers refuse them (ERR_VC_SUSPENDED) once they
   * hold a suspension list published after this.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  async setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, actor: string): Promise<CredentialRecord[]> {
    const checked = 'agent' in target ? { agent: parseDidKey(target.agent).did } : target
    return this.store.setSuspended(checked, suspended, (changed) => ({
      actor, action: suspended ? 'credential.suspend' : 'credential.resume', target: 'agent' in checked ? checked.agent : checked.credentialId,
      details: { credentials: changed.map((c) => c.id) },
    }))
  }

  /** Every current status list (revocation and suspension), signed: what offline verifiers load. */
  async publishStatusLists(ttlSeconds = 3600): Promise<string[]> {
    const jwts: string[] = []
    for (const id of await this.statusListIds()) jwts.push((await this.publishStatusList(id, ttlSeconds)).jwt)
    return jwts
  }

  /** The ids of this issuer's current status lists: the newest revocation list, then suspension. */
  async statusListIds(): Promise<string[]> {
    return (await this.store.currentStatusLists()).map((l) => l.id)
  }

  /**
   * Deprovisions an agent: retired, and every credential it holds revoked, in one transaction.
   * Delegations made from those credentials fall with them.
   * @throws AgentIdError ERR_DID_*, ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  async retireAgent(did: string, actor: string): Promise<CredentialRecord[]> {
    const agent = parseDidKey(did).did
    return this.store.retireAgent(agent, (revoked) => ({
      actor, action: 'agent.retire', target: agent, details: { revoked: revoked.map((r) => r.id) },
    }))
  }

  /**
   * Records a delegation chain an agent reports (root first, as in a chain file): for the audit
   * log, and so that the issuer knows what hangs below each of its credentials. The chain must be sound
   * (signatures, continuity, attenuation: the verifier's own checks) and its root a credential
   * this issuer issued, byte for byte. Reporting twice is harmless.
   * @returns the delegations newly recorded
   * @throws AgentIdError ERR_DELEGATION, ERR_NOT_FOUND (root), ERR_CONFLICT, the credential codes
   */
  async reportDelegation(chain: readonly string[], actor: string): Promise<DelegationRecord[]> {
    if (chain.length < 2) throw agentIdError('ERR_INPUT_INVALID', 'a delegation chain has a root credential and at least one delegation')
    const credentials = chain.map((jwt) => checkAnyCredentialJwt(jwt))
    const leaf = credentials[credentials.length - 1]!
    const chains = resolveChains(credentials, leaf.subject, MAX_DELEGATION_DEPTH)
    if (chains.length !== 1) throw agentIdError('ERR_DELEGATION', 'a report holds one chain, root first')
    const [root, ...links] = chains[0]!.links
    const issued = await this.store.getCredential(root.id)
    if (root.issuer !== this.did || !issued) throw agentIdError('ERR_NOT_FOUND', `credential ${root.id} was not issued by this issuer`)
    if (issued.jwtSha256 !== createHash('sha256').update(root.jwt).digest('hex')) throw agentIdError('ERR_CONFLICT', `credential ${root.id} differs from the one issued`)
    // Attenuation last: it is the costly check, and only our own roots get this far.
    const exceeds = chainExceeds(chains[0]!)
    if (exceeds !== undefined) throw agentIdError('ERR_DELEGATION', exceeds)
    const reportedAt = this.#now()
    const records: DelegationRecord[] = links.map((l) => ({
      id: l.id, parent: l.delegation.parent, root: root.id, delegator: l.issuer, delegate: l.subject, entitlements: rawEntitlements(l.jwt),
      depth: l.delegation.depth, notBefore: l.notBefore!, expires: l.expires, jwtSha256: createHash('sha256').update(l.jwt).digest('hex'), reportedAt,
    }))
    return this.store.recordDelegations(records, (r) => ({
      actor, action: 'delegation.report', target: r.id,
      details: { root: r.root, parent: r.parent, delegator: r.delegator, delegate: r.delegate, entitlements: r.entitlements, depth: r.depth, expires: r.expires },
    }))
  }

  /**
   * Signs the current state of a status list (the newest revocation list by default) as a
   * BitstringStatusListCredential VC-JWT (Bitstring Status List v1.0, section 2.2), valid for
   * `ttlSeconds`. Verifiers use it offline and refuse it once older than their maximum age.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
   */
  async publishStatusList(listId?: string, ttlSeconds = 3600): Promise<{ listId: string; url: string; jwt: string }> {
    const state = await this.store.statusListState(listId)
    if (!state) throw agentIdError('ERR_NOT_FOUND', `no status list ${listId ?? ''}`.trim())
    const bits = new Uint8Array(state.list.size / 8)
    // Most significant bit first: index 0 is mask 0x80 of byte 0 (section 4.3).
    for (const index of state.setIndexes) bits[index >> 3]! |= 0x80 >> (index & 7)
    const url = `${this.#publicUrl}/status/${state.list.id}`
    const now = Math.floor(this.#now() / 1000)
    const result = await this.#agent.createVerifiableCredential({
      credential: {
        '@context': [CREDENTIALS_CONTEXT_V1],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        id: url,
        issuer: { id: this.did },
        issuanceDate: new Date(now * 1000).toISOString(),
        expirationDate: new Date((now + ttlSeconds) * 1000).toISOString(),
        credentialSubject: {
          id: `${url}#list`,
          type: 'BitstringStatusList',
          statusPurpose: state.list.purpose,
          encodedList: `u${gzipSync(bits).toString('base64url')}`,
        },
      },
      proofFormat: 'jwt',
      header: { kid: this.#keyId },
    } as Parameters<IssuerAgent['createVerifiableCredential']>[0])
    const jwt = (result as { proof?: { jwt?: unknown } }).proof?.jwt
    if (typeof jwt !== 'string') throw agentIdError('ERR_STORE', 'Veramo returned a status list without a JWT proof')
    if (checkStatusListJwt(jwt).url !== url) throw agentIdError('ERR_STORE', 'Veramo returned a status list for another URL')
    return { listId: state.list.id, url, jwt }
  }

  close(): Promise<void> {
    return this.store.close()
  }
}

/**
 * Parses what Veramo returned: it must be a VC-JWT that our own verifier accepts, saying exactly
 * what the draft says (ids, times, entitlements, status slot). A credential that differs from the
 * record, or that a verifier would refuse, is never handed out.
 */
function parseIssuedJwt(result: unknown, draft: CredentialDraft, statusIndex: string, statusEntries: number): string {
  const jwt = (result as { proof?: { jwt?: unknown } } | undefined)?.proof?.jwt
  if (typeof jwt !== 'string') throw agentIdError('ERR_STORE', 'Veramo returned a credential without a JWT proof')
  const c = checkCredentialJwt(jwt)
  const same = c.id === draft.id && c.subject === draft.subject && c.issuer === draft.issuer &&
    c.notBefore === draft.notBefore && c.expires === draft.expires &&
    c.status.length === statusEntries && c.status.every((e) => e.statusListIndex === statusIndex) &&
    JSON.stringify(c.claims.entitlements.map(entitlementToJson)) === JSON.stringify(draft.entitlements.map(entitlementToJson))
  if (!same) throw agentIdError('ERR_STORE', 'Veramo returned a credential that does not match the grant')
  return jwt
}

// The entitlements as the delegation states them (its signature was checked): kept verbatim, so
// that a constraint this version does not know is recorded rather than dropped.
function rawEntitlements(jwt: string): unknown[] {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { vc: { credentialSubject: { entitlements: unknown[] } } }
  return payload.vc.credentialSubject.entitlements
}

function clockOptions(options: IssuerOptions): { now?: () => number; randomIndex?: (max: number) => number } {
  return { ...(options.now ? { now: options.now } : {}), ...(options.randomIndex ? { randomIndex: options.randomIndex } : {}) }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
