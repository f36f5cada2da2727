import { createHash, randomInt } from 'node:crypto'
import type Database from 'better-sqlite3'
import { agentIdError, entitlementToJson, isAgentIdError, parseApprovals, parseEntitlements, type AgentKind, type RiskLevel, type TaskRef } from '@agentid/core'
import { auditEntryHash, GENESIS_HASH } from '../../audit/hash-chain.js'
import { openPrivateKey, sealPrivateKey, type KeyEncryptionKey } from '../../keys/key-encryption.js'
import type {
  AccessRequestRecord,
  AgentFilter,
  AgentRecord,
  AuditCheckpointRecord,
  AlertFeedbackRecord,
  AlertRecord,
  SuppressionRecord,
  ApprovalRecord,
  AuditEntry,
  AuditInput,
  CredentialDraft,
  CredentialRecord,
  CredentialOfferRecord,
  DecisionFacts,
  DelegationRecord,
  Holding,
  IssuerSetup,
  PartyStart,
  Issuance,
  IssuedRecord,
  IssuerStore,
  OfferRedemption,
  KeyCustodyStores,
  PendingRequest,
  PolicyVersion,
  PrincipalChange,
  PrincipalRecord,
  RequestDecision,
  RetirementStep,
  ReviewCampaignRecord,
  ReviewItemRecord,
  RoleTemplate,
  StatusAllocation,
  StatusListRecord,
  VoidedApproval,
  WebhookRecord,
} from '../issuer-store.js'
import { SqliteDidStore, SqliteKeyStore, SqlitePrivateKeyStore } from './custody-stores.js'
import { GroupCommit } from './group-commit.js'
import { canonicalIdentity, ownedClosure, ownerChain, partyMembers, partyTop } from './parties.js'
import { preparedStatements, type Statements } from './statements.js'
import { openDatabase, openReader } from './open-database.js'
import { pickStatusSlot } from '../status-slots.js'

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  readonly path: string
  readonly kek: KeyEncryptionKey
  readonly create: boolean
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Random index in [0, max) for status-list slots (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
}

interface AgentRow { did: string; name: string; kind: string; owner: string; segment: string | null; role: string | null; status: string; created_at: number; suspended_at: number | null }
interface CredentialRow {
  id: string; subject: string; issuer: string; entitlements: string; task: string | null; risk: string | null
  not_before: number; expires: number; status: string; status_list: string; status_index: number; jwt_sha256: string; issued_at: number
  suspension_list: string | null
  jit: number; task_id: string | null; request_id: string | null; approvals: string | null; expired_at: number | null; reviewed_at: number | null
  requested_by: string | null; suspended_for: string | null
  jwt: string | null; renew_until: number | null; renews: string | null
}
interface OfferRow {
  code_sha256: string; subject: string; credentials: string; tx_code_sha256: string | null; failed_attempts: number
  created_by: string; created_at: number; expires_at: number; redeemed_at: number | null
}
interface AuditRow { seq: number; at: number; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string }
interface DelegationRow {
  id: string; parent: string; root: string; delegator: string; delegate: string; entitlements: string; depth: number
  not_before: number; expires: number; jwt_sha256: string; reported_at: number
}
interface RoleRow { name: string; description: string; entitlements: string; ttl_seconds: number }
interface PrincipalRow { id: string; roles: string; token_sha256: string; did: string | null; created_at: number; disabled_at: number | null; expires_at: number | null }
interface RequestRow {
  id: string; subject: string; requester: string; entitlements: string; ttl_seconds: number; task: string | null; jit: number; risk: string
  chain: string; policy_version: number; justification: string | null; status: string; created_at: number; expires_at: number
  decided_at: number | null; credential_id: string | null; renewable_seconds: number | null
}
interface ApprovalRow { request_id: string; level: number; principal: string; role: string; decision: string; at: number; reason: string | null }
interface CampaignRow { id: string; name: string; created_by: string; created_at: number; deadline: number; status: string }
interface ItemRow { id: string; campaign: string; credential_id: string; risk: string; decision: string | null; reviewer: string | null; decided_at: number | null }
interface WebhookRow { id: string; url: string; events: string; secret_sealed: string; created_by: string; created_at: number }
interface AlertRow { id: number; at: number; kind: string; severity: string; subject: string | null; details: string }
interface StatusListRow { id: string; purpose: string; size: number; created_at: number; issuer: string | null }

function toAgent(row: AgentRow): AgentRecord {
  return {
    did: row.did, name: row.name, kind: row.kind as AgentKind, owner: row.owner,
    ...(row.segment !== null ? { segment: row.segment } : {}),
    ...(row.role !== null ? { role: row.role } : {}),
    status: row.status as AgentRecord['status'], createdAt: row.created_at,
    ...(row.suspended_at !== null ? { suspendedAt: row.suspended_at } : {}),
  }
}

function toCredential(row: CredentialRow): CredentialRecord {
  return {
    id: row.id, subject: row.subject, issuer: row.issuer,
    // Rows are parsed like any other input: a hand-edited database must not smuggle in grants.
    entitlements: parseEntitlements(JSON.parse(row.entitlements), 'credentials.entitlements'),
    ...(row.task !== null ? { task: JSON.parse(row.task) as TaskRef } : {}),
    ...(row.risk !== null ? { risk: row.risk as RiskLevel } : {}),
    notBefore: row.not_before, expires: row.expires, status: row.status as CredentialRecord['status'],
    listId: row.status_list, index: row.status_index, jwtSha256: row.jwt_sha256, issuedAt: row.issued_at,
    ...(row.suspension_list !== null ? { suspensionListId: row.suspension_list } : {}),
    ...(row.jit === 1 ? { jit: true } : {}),
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    ...(row.approvals !== null ? { approvals: parseApprovals(JSON.parse(row.approvals), 'credentials.approvals') } : {}),
    ...(row.expired_at !== null ? { expiredAt: row.expired_at } : {}),
    ...(row.reviewed_at !== null ? { reviewedAt: row.reviewed_at } : {}),
    ...(row.requested_by !== null ? { requestedBy: row.requested_by } : {}),
    ...(row.suspended_for !== null ? { suspendedFor: row.suspended_for as 'credential' | 'agent' } : {}),
    ...(row.renew_until !== null ? { renewUntil: row.renew_until } : {}),
    ...(row.renews !== null ? { renews: row.renews } : {}),
  }
}

function toPrincipal(row: PrincipalRow): PrincipalRecord {
  return {
    id: row.id, roles: JSON.parse(row.roles) as string[], tokenSha256: row.token_sha256, createdAt: row.created_at,
    ...(row.did !== null ? { did: row.did } : {}),
    ...(row.disabled_at !== null ? { disabledAt: row.disabled_at } : {}),
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
  }
}

function toApproval(row: ApprovalRow): ApprovalRecord {
  return {
    level: row.level, principal: row.principal, role: row.role, decision: row.decision as ApprovalRecord['decision'], at: row.at,
    ...(row.reason !== null ? { reason: row.reason } : {}),
  }
}

function toRequest(row: RequestRow, approvals: readonly ApprovalRecord[]): AccessRequestRecord {
  return {
    id: row.id, subject: row.subject, requester: row.requester,
    entitlements: parseEntitlements(JSON.parse(row.entitlements), 'access_requests.entitlements'),
    ttlSeconds: row.ttl_seconds,
    ...(row.task !== null ? { task: JSON.parse(row.task) as TaskRef } : {}),
    jit: row.jit === 1, risk: row.risk as RiskLevel, chain: JSON.parse(row.chain) as string[], policyVersion: row.policy_version,
    ...(row.justification !== null ? { justification: row.justification } : {}),
    ...(row.renewable_seconds !== null ? { renewableSeconds: row.renewable_seconds } : {}),
    status: row.status as AccessRequestRecord['status'], createdAt: row.created_at, expiresAt: row.expires_at,
    ...(row.decided_at !== null ? { decidedAt: row.decided_at } : {}),
    ...(row.credential_id !== null ? { credentialId: row.credential_id } : {}),
    approvals,
  }
}

function toOffer(row: OfferRow): CredentialOfferRecord {
  return {
    codeSha256: row.code_sha256, subject: row.subject, credentials: JSON.parse(row.credentials) as string[],
    ...(row.tx_code_sha256 !== null ? { txCodeSha256: row.tx_code_sha256 } : {}),
    failedAttempts: row.failed_attempts, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at,
    ...(row.redeemed_at !== null ? { redeemedAt: row.redeemed_at } : {}),
  }
}

function toCampaign(row: CampaignRow): ReviewCampaignRecord {
  return { id: row.id, name: row.name, createdBy: row.created_by, createdAt: row.created_at, deadline: row.deadline, status: row.status as ReviewCampaignRecord['status'] }
}

function toItem(row: ItemRow): ReviewItemRecord {
  return {
    id: row.id, campaign: row.campaign, credentialId: row.credential_id, risk: row.risk as RiskLevel,
    ...(row.decision !== null ? { decision: row.decision as NonNullable<ReviewItemRecord['decision']> } : {}),
    ...(row.reviewer !== null ? { reviewer: row.reviewer } : {}),
    ...(row.decided_at !== null ? { decidedAt: row.decided_at } : {}),
  }
}

function toWebhook(row: WebhookRow): WebhookRecord {
  return { id: row.id, url: row.url, events: JSON.parse(row.events) as string[], createdBy: row.created_by, createdAt: row.created_at }
}

function toStatusList(row: StatusListRow): StatusListRecord {
  return { id: row.id, purpose: row.purpose as StatusListRecord['purpose'], size: row.size, createdAt: row.created_at, ...(row.issuer ? { issuer: row.issuer } : {}) }
}

function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id, at: row.at, kind: row.kind, severity: row.severity as RiskLevel,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    details: JSON.parse(row.details) as Record<string, unknown>,
  }
}

function toAudit(row: AuditRow): AuditEntry {
  return {
    seq: row.seq, at: row.at, actor: row.actor, action: row.action,
    ...(row.target !== null ? { target: row.target } : {}),
    details: JSON.parse(row.details) as Record<string, unknown>, prevHash: row.prev_hash, hash: row.hash,
  }
}

function toDelegation(row: DelegationRow): DelegationRecord {
  return {
    id: row.id, parent: row.parent, root: row.root, delegator: row.delegator, delegate: row.delegate,
    entitlements: JSON.parse(row.entitlements) as unknown[], depth: row.depth,
    notBefore: row.not_before, expires: row.expires, jwtSha256: row.jwt_sha256, reportedAt: row.reported_at,
  }
}

function toRole(row: RoleRow): RoleTemplate {
  return { name: row.name, description: row.description, entitlements: parseEntitlements(JSON.parse(row.entitlements), `roles.${row.name}`), ttlSeconds: row.ttl_seconds }
}

/** better-sqlite3 errors become ERR_STORE (or ERR_CONFLICT for a unique key), once, here. */
function storeError(error: unknown, what: string): Error {
  if (isAgentIdError(error)) return error
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return agentIdError('ERR_CONFLICT', `${what}: already exists`, { cause: error })
  return agentIdError('ERR_STORE', `${what} failed: ${(error as Error).message}`, { cause: error })
}

/**
 * The embedded SQLite backend (better-sqlite3, WAL, synchronous=FULL).
 * @throws AgentIdError ERR_STORE
 */
export function openSqliteStore(options: SqliteStoreOptions): IssuerStore {
  const db = openDatabase(options.path, { create: options.create })
  let reader: Database.Database
  try {
    reader = openReader(options.path)
  } catch (error) {
    db.close()
    throw error
  }
  return new SqliteStore(db, reader, options)
}

class SqliteStore implements IssuerStore {
  readonly backend = 'sqlite'
  readonly custody: KeyCustodyStores
  // Two connections: writes go through one, in group commits; reads through the other, so that a
  // read never sees a write that is not committed yet (a transaction stays open while it signs).
  readonly #db: Database.Database
  readonly #reader: Database.Database
  readonly #writes: GroupCommit
  // Statements on the write and the read connection.
  readonly #w: Statements
  readonly #r: Statements
  readonly #now: () => number
  readonly #randomIndex: (max: number) => number
  #kek: KeyEncryptionKey

  constructor(db: Database.Database, reader: Database.Database, options: SqliteStoreOptions) {
    this.#db = db
    this.#kek = options.kek
    this.#reader = reader
    this.#writes = new GroupCommit(db, (error) => storeError(error, 'commit'))
    this.#w = preparedStatements(db)
    this.#r = preparedStatements(reader)
    this.#now = options.now ?? Date.now
    this.#randomIndex = options.randomIndex ?? ((max) => randomInt(max))
    this.custody = { keyStore: new SqliteKeyStore(db), privateKeyStore: new SqlitePrivateKeyStore(db, options.kek), didStore: new SqliteDidStore(db) }
  }

  // Appends one audit entry; the caller's transaction makes it atomic with the change it records.
  #appendAudit(input: AuditInput): AuditEntry {
    const last = this.#w('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined
    const seq = (last?.seq ?? 0) + 1
    const prevHash = last?.hash ?? GENESIS_HASH
    const at = this.#now()
    const hash = auditEntryHash(prevHash, seq, at, input)
    this.#w('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(seq, at, input.actor, input.action, input.target ?? null, JSON.stringify(input.details), prevHash, hash)
    return { ...input, seq, at, prevHash, hash }
  }

  // One write operation (it may await: signing) in its own savepoint of a group commit: all of it
  // is committed, with its audit entry, or none of it.
  #write<T>(what: string, body: () => T | Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      try {
        return await body()
      } catch (error) {
        throw storeError(error, what)
      }
    })
  }

  #read<T>(what: string, body: () => T): Promise<T> {
    try {
      return Promise.resolve(body())
    } catch (error) {
      return Promise.reject(storeError(error, what))
    }
  }

  getSetting(key: string): Promise<string | undefined> {
    return this.#read('read setting', () => (this.#r('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value)
  }

  pendingWrites(): number {
    return this.#writes.waiting
  }

  setSetting(key: string, value: string, audit: AuditInput): Promise<void> {
    return this.#write(`set ${key}`, () => {
      this.#w('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value)
      this.#appendAudit(audit)
    })
  }

  initialize(setup: IssuerSetup, audit: AuditInput): Promise<void> {
    return this.#write('initialize issuer', () => {
      if (this.#w('SELECT 1 FROM settings LIMIT 1').get()) throw agentIdError('ERR_CONFLICT', 'issuer is already initialised')
      const setting = this.#w('INSERT INTO settings (key, value) VALUES (?, ?)')
      for (const [key, value] of Object.entries(setup.settings)) setting.run(key, value)
      const l = setup.statusList
      this.#w('INSERT INTO status_lists (id, purpose, size, created_at) VALUES (?, ?, ?, ?)').run(l.id, l.purpose, l.size, l.createdAt)
      const p = setup.admin
      this.#w('INSERT INTO principals (id, roles, token_sha256, created_at) VALUES (?, ?, ?, ?)').run(p.id, JSON.stringify(p.roles), p.tokenSha256, p.createdAt)
      const role = this.#w('INSERT INTO roles (name, description, entitlements, ttl_seconds) VALUES (?, ?, ?, ?)')
      for (const r of setup.roles) role.run(r.name, r.description, JSON.stringify(r.entitlements.map(entitlementToJson)), r.ttlSeconds)
      this.#appendAudit(audit)
    })
  }

  registerAgent(agent: AgentRecord, audit: AuditInput, initial?: Issuance | PendingRequest): Promise<IssuedRecord | undefined> {
    return this.#write(`register agent ${agent.did}`, async () => {
      if (this.#w('SELECT 1 FROM agents WHERE did = ?').get(agent.did)) throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is already enrolled`)
      this.#checkPersonRoles(agent)
      this.#w('INSERT INTO agents (did, name, kind, owner, segment, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(agent.did, agent.name, agent.kind, agent.owner, agent.segment ?? null, agent.role ?? null, agent.status, agent.createdAt)
      this.#appendAudit(audit)
      if (initial === undefined) return undefined
      if ('request' in initial) {
        this.#insertRequest(initial.request, initial.audit)
        return undefined
      }
      return this.#issue(initial)
    })
  }

  // Who acts for a person, kept consistent in the enrolling transaction (so that a retirement or
  // another enrolment running at the same time cannot slip between check and insert): an
  // employee agent's owner, when enrolled, is an active person; and a DID that employee agents
  // name as their owner can only be enrolled as a person.
  // Any kind: nobody who has left owns an agent (as a DID, or through a principal's id).
  #checkPersonRoles(agent: AgentRecord): void {
    const owner = this.#w('SELECT name, kind, status FROM agents WHERE did = ?').get(canonicalIdentity(this.#w, agent.owner)) as { name: string; kind: string; status: string } | undefined
    if (owner && owner.status !== 'active') throw agentIdError('ERR_CONFLICT', `${owner.name} (${agent.owner}) is retired and cannot own agents`)
    if (agent.kind === 'employee') {
      if (owner && owner.kind !== 'person') throw agentIdError('ERR_INPUT_INVALID', `an employee agent's owner must be a person; ${agent.owner} is enrolled as a ${owner.kind} agent`)
    } else if (agent.kind !== 'person' && this.#w("SELECT 1 FROM agents WHERE owner = ? AND kind = 'employee'").get(agent.did)) {
      throw agentIdError('ERR_INPUT_INVALID', `${agent.did} owns employee agents: enrol it as a person`)
    }
  }

  getAgent(did: string): Promise<AgentRecord | undefined> {
    return this.#read('read agent', () => {
      const row = this.#r('SELECT * FROM agents WHERE did = ?').get(did) as AgentRow | undefined
      return row && toAgent(row)
    })
  }

  listAgents(): Promise<AgentRecord[]> {
    return this.#read('list agents', () => (this.#r('SELECT * FROM agents ORDER BY created_at, did').all() as AgentRow[]).map(toAgent))
  }

  pageAgents(filter: AgentFilter, limit: number, offset: number): Promise<{ agents: AgentRecord[]; total: number }> {
    return this.#read('list agents', () => {
      const where: string[] = []
      const args: Record<string, unknown> = { limit, offset }
      if (filter.text !== undefined) {
        where.push("(instr(lower(name), lower(@text)) > 0 OR instr(did, @text) > 0)")
        args.text = filter.text
      }
      for (const key of ['kind', 'owner', 'segment'] as const) {
        if (filter[key] !== undefined) {
          where.push(`${key} = @${key}`)
          args[key] = filter[key]
        }
      }
      if (filter.status === 'retired') where.push("status = 'retired'")
      if (filter.status === 'active') where.push("status = 'active' AND suspended_at IS NULL")
      if (filter.status === 'suspended') where.push("status = 'active' AND suspended_at IS NOT NULL")
      if (filter.risk !== undefined) {
        where.push("EXISTS (SELECT 1 FROM credentials c WHERE c.subject = agents.did AND c.status = 'active' AND c.risk = @risk)")
        args.risk = filter.risk
      }
      if (filter.visibleTo !== undefined) {
        where.push(`owner IN (SELECT value FROM json_each(@visible))`)
        args.visible = JSON.stringify(filter.visibleTo)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const total = (this.#r(`SELECT COUNT(*) AS n FROM agents ${clause}`).get(args) as { n: number }).n
      const rows = this.#r(`SELECT * FROM agents ${clause} ORDER BY created_at, did LIMIT @limit OFFSET @offset`).all(args) as AgentRow[]
      return { agents: rows.map(toAgent), total }
    })
  }

  getRole(name: string): Promise<RoleTemplate | undefined> {
    return this.#read('read role', () => {
      const row = this.#r('SELECT * FROM roles WHERE name = ?').get(name) as RoleRow | undefined
      return row && toRole(row)
    })
  }

  listRoles(): Promise<RoleTemplate[]> {
    return this.#read('list roles', () => (this.#r('SELECT * FROM roles ORDER BY name').all() as RoleRow[]).map(toRole))
  }

  issueCredential(
    draft: CredentialDraft,
    sign: (allocation: StatusAllocation) => Promise<string>,
    audit: (record: CredentialRecord) => AuditInput,
    guard?: Issuance['guard'],
  ): Promise<IssuedRecord> {
    return this.#write(`issue credential ${draft.id}`, () => this.#issue({ draft, sign, audit, ...(guard ? { guard } : {}) }))
  }

  // Inside a write: the agent, enrolled, active and not suspended now (not when the caller looked).
  #assertActiveAgent(did: string): void {
    const agent = this.#w('SELECT status, suspended_at FROM agents WHERE did = ?').get(did) as { status: string; suspended_at: number | null } | undefined
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
    if (agent.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${did} is ${agent.status}`)
    if (agent.suspended_at !== null) throw agentIdError('ERR_CONFLICT', `agent ${did} is suspended; resume it first`)
  }

  // Inside a transaction: the agent must be active now (not when the caller looked), then the
  // status slot, the signature, the row and its audit entry.
  async #issue({ draft, sign, audit, guard }: Issuance): Promise<IssuedRecord> {
    this.#assertActiveAgent(draft.subject)
    if (draft.task) this.#refuseCompletedTask(draft.task.id, draft.subject)
    if (draft.renews !== undefined) {
      const renewed = this.#w('SELECT id FROM credentials WHERE renews = ?').get(draft.renews) as { id: string } | undefined
      if (renewed) throw agentIdError('ERR_CONFLICT', `credential ${draft.renews} was renewed already, by ${renewed.id}`)
      // The grant as it is now, in this transaction: a revocation or suspension that committed
      // since the caller looked stops the renewal.
      const from = this.#w('SELECT renew_until, COALESCE(grant_id, id) AS grant_id FROM credentials WHERE id = ?').get(draft.renews) as { renew_until: number | null; grant_id: string } | undefined
      const stopped = from && this.#w("SELECT id, status FROM credentials WHERE grant_id = ? AND status != 'active' LIMIT 1").get(from.grant_id) as { id: string; status: string } | undefined
      if (stopped) throw agentIdError(stopped.status === 'revoked' ? 'ERR_VC_REVOKED' : 'ERR_VC_SUSPENDED', `credential ${stopped.id} of this grant is ${stopped.status}`)
      if ((from?.renew_until ?? 0) <= Math.floor(this.#now() / 1000)) throw agentIdError('ERR_NOT_RENEWABLE', `the approved window of credential ${draft.renews} has ended`)
    }
    if (guard) guard(this.#dutyGroupHoldings(draft.subject))
    const allocation = this.#allocateStatusIndex()
    const jwt = await sign(allocation)
    const record: CredentialRecord = {
      ...draft, ...allocation, status: 'active',
      jwtSha256: createHash('sha256').update(jwt).digest('hex'), issuedAt: this.#now(),
    }
    this.#w(`INSERT INTO credentials (id, subject, issuer, entitlements, task, risk, not_before, expires, status, status_list, status_index, jwt_sha256, issued_at,
        suspension_list, jit, task_id, request_id, approvals, requested_by, jwt, renew_until, renews, grant_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      record.id, record.subject, record.issuer, JSON.stringify(record.entitlements.map(entitlementToJson)), record.task ? JSON.stringify(record.task) : null,
      record.risk ?? null, record.notBefore, record.expires, record.status, record.listId, record.index, record.jwtSha256, record.issuedAt,
      record.suspensionListId ?? null, record.jit ? 1 : 0, record.task?.id ?? null, record.requestId ?? null,
      record.approvals ? JSON.stringify(record.approvals) : null, record.requestedBy ?? null, jwt, record.renewUntil ?? null, record.renews ?? null,
      // A renewal joins the grant of what it renews; anything else starts one.
      record.renews !== undefined ? (this.#w('SELECT COALESCE(grant_id, id) AS g FROM credentials WHERE id = ?').get(record.renews) as { g: string }).g : record.id)
    this.#appendAudit(audit(record))
    return { record, jwt }
  }

  // Inside a write: a completed task issues and opens nothing more, for whatever the owner who
  // completed it owns (at any depth, the owner's own agent included), or for every agent when an
  // admin did.
  #refuseCompletedTask(taskId: string, subject: string): void {
    const owners = JSON.stringify(['*', ...ownerChain(this.#w, subject)])
    const done = this.#w('SELECT completed_at FROM completed_tasks WHERE task_id = ? AND owner IN (SELECT value FROM json_each(?)) LIMIT 1').get(taskId, owners) as { completed_at: number } | undefined
    if (done) throw agentIdError('ERR_CONFLICT', `task ${taskId} was completed at ${new Date(done.completed_at).toISOString()}: nothing more is issued for it`)
  }

  // What a duty group holds: live credentials of every member of the party (suspended ones may
  // come back), and live reported delegations to any of them whose root credential is live.
  #dutyGroupHoldings(start: PartyStart, sql: Statements = this.#w): Holding[] {
    return this.#holdingsOf(partyMembers(sql, start), sql)
  }

  #holdingsOf(identities: readonly string[], sql: Statements = this.#w): Holding[] {
    const members = JSON.stringify(identities)
    const now = Math.floor(this.#now() / 1000)
    const credentials = (sql(`SELECT * FROM credentials WHERE status != 'revoked' AND expires > ? AND subject IN (SELECT value FROM json_each(?)) ORDER BY issued_at, id`)
      .all(now, members) as CredentialRow[]).map(toCredential)
    const delegations = (sql(`SELECT d.* FROM delegations d JOIN credentials c ON c.id = d.root
        WHERE d.expires > ? AND c.status != 'revoked' AND d.delegate IN (SELECT value FROM json_each(?)) ORDER BY d.reported_at, d.id`)
      .all(now, members) as DelegationRow[]).map(toDelegation)
    return [
      ...credentials.map((c): Holding => ({ id: c.id, subject: c.subject, entitlements: c.entitlements, via: 'credential' })),
      ...delegations.map((d): Holding => ({ id: d.id, subject: d.delegate, entitlements: parseEntitlements(d.entitlements, 'delegations.entitlements', { allowUnknownConstraints: true }), via: 'delegation' })),
    ]
  }

  dutyGroupHoldings(start: PartyStart): Promise<Holding[]> {
    return this.#read('read duty group', () => this.#dutyGroupHoldings(start, this.#r))
  }

  partyTop(start: PartyStart): Promise<string> {
    return this.#read('read party', () => partyTop(this.#r, start))
  }

  // Inside the issuing write: a free slot by the rule of every backend (pickStatusSlot), this
  // backend saying which indexes are taken.
  #allocateStatusIndex(): StatusAllocation {
    const list = this.#w("SELECT id, size FROM status_lists WHERE purpose = 'revocation' ORDER BY created_at DESC, id DESC LIMIT 1").get() as { id: string; size: number } | undefined
    if (!list) throw agentIdError('ERR_STORE', 'no status list to allocate from; was the issuer initialised?')
    const used = this.#w('SELECT 1 FROM credentials WHERE status_list = ? AND status_index = ?')
    const suspension = this.#w("SELECT id FROM status_lists WHERE purpose = 'suspension' AND size = ? ORDER BY created_at DESC, id DESC LIMIT 1").get(list.size) as { id: string } | undefined
    const usedInSuspension = this.#w('SELECT 1 FROM credentials WHERE suspension_list = ? AND status_index = ?')
    return pickStatusSlot(
      { revocation: list, ...(suspension ? { suspensionListId: suspension.id } : {}) },
      (index) => Boolean(used.get(list.id, index) || (suspension && usedInSuspension.get(suspension.id, index))),
      this.#randomIndex,
    )
  }

  revokeCredential(id: string, audit: (record: CredentialRecord) => AuditInput): Promise<{ record: CredentialRecord; changed: boolean }> {
    return this.#write(`revoke credential ${id}`, () => {
      const row = this.#w('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no credential ${id}`)
      // The whole grant: the credential and every renewal of its lineage, each audited. Revoked
      // already (a retry whose answer was lost): the same end state, nothing to do.
      const revoked = this.#revokeLineage(id)
      for (const r of [...revoked].sort((a, b) => Number(b.id === id) - Number(a.id === id))) this.#appendAudit(audit(r))
      return { record: revoked.find((r) => r.id === id) ?? toCredential(row), changed: revoked.length > 0 }
    })
  }

  // Inside a write: every credential of the grant of `id` (the first of its lineage and every
  // renewal since), oldest first. A grant renewed into several credentials is one grant.
  #lineage(id: string): CredentialRow[] {
    return this.#w(`SELECT * FROM credentials WHERE grant_id = (SELECT COALESCE(grant_id, id) FROM credentials WHERE id = ?) ORDER BY issued_at, id`).all(id) as CredentialRow[]
  }

  // Inside a write: revokes the lineage of `id` (whatever is not revoked yet); the records changed.
  #revokeLineage(id: string): CredentialRecord[] {
    return this.#revokeRows(this.#lineage(id).filter((r) => r.status !== 'revoked'))
  }

  // Inside a write: revokes these rows, read in the same write; the records as revoked. Every
  // revocation (by id, lineage, review, retirement, task) goes through here.
  #revokeRows(rows: readonly CredentialRow[]): CredentialRecord[] {
    const revoke = this.#w("UPDATE credentials SET status = 'revoked' WHERE id = ?")
    for (const r of rows) revoke.run(r.id)
    return rows.map((r) => toCredential({ ...r, status: 'revoked' }))
  }

  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]> {
    const what = 'credentialId' in target ? `credential ${target.credentialId}` : `credentials of ${target.agent}`
    return this.#write(`${suspended ? 'suspend' : 'resume'} ${what}`, () => {
      const from = suspended ? 'active' : 'suspended'
      let rows: CredentialRow[]
      if ('credentialId' in target) {
        const row = this.#w('SELECT * FROM credentials WHERE id = ?').get(target.credentialId) as CredentialRow | undefined
        if (!row) throw agentIdError('ERR_NOT_FOUND', `no credential ${target.credentialId}`)
        // In the state asked for already (a retry whose answer was lost): nothing changes.
        if (row.status === (suspended ? 'suspended' : 'active')) return []
        if (row.status !== from) throw agentIdError('ERR_CONFLICT', `credential ${row.id} is ${row.status}, not ${from}`)
        // A credential its agent's suspension stopped comes back with its agent, not on its own.
        if (!suspended && row.suspended_for === 'agent') throw agentIdError('ERR_CONFLICT', `credential ${row.id} is suspended with its agent ${row.subject}: resume the agent`)
        // With every renewal of its lineage in that state: one grant, suspended or resumed whole.
        rows = this.#lineage(row.id).filter((r) => r.status === from && (suspended || r.suspended_for !== 'agent'))
      } else {
        const agent = this.#w('SELECT suspended_at FROM agents WHERE did = ?').get(target.agent) as { suspended_at: number | null } | undefined
        if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${target.agent} is not enrolled`)
        // Resuming the agent resumes what its suspension stopped, never a credential suspended on its own.
        rows = (suspended
          ? this.#w("SELECT * FROM credentials WHERE subject = ? AND status = 'active' ORDER BY issued_at, id").all(target.agent)
          : this.#w("SELECT * FROM credentials WHERE subject = ? AND status = 'suspended' AND suspended_for IS NOT 'credential' ORDER BY issued_at, id").all(target.agent)) as CredentialRow[]
        // In the state asked for already: nothing changes, nothing is recorded.
        if (rows.length === 0 && (agent.suspended_at !== null) === suspended) return []
        // An agent whose owner was retired waits for a new owner before it comes back.
        if (!suspended && this.#ownerRetired(target.agent)) throw agentIdError('ERR_CONFLICT', `the owner of ${target.agent} is retired: give it a new owner first (agent transfer)`)
        this.#w('UPDATE agents SET suspended_at = ? WHERE did = ?').run(suspended ? this.#now() : null, target.agent)
      }
      const noSlot = rows.find((r) => r.suspension_list === null)
      if (noSlot) throw agentIdError('ERR_CONFLICT', `credential ${noSlot.id} was issued before suspension lists and cannot be suspended; revoke it instead`)
      const reason = !suspended ? null : 'credentialId' in target ? 'credential' : 'agent'
      const update = this.#w('UPDATE credentials SET status = ?, suspended_for = ? WHERE id = ?')
      const to = suspended ? 'suspended' : 'active'
      for (const r of rows) update.run(to, reason, r.id)
      const changed = rows.map((r) => toCredential({ ...r, status: to, suspended_for: reason }))
      this.#appendAudit(audit(changed))
      return changed
    })
  }

  // Inside a write: whether the agent's owner (as a DID, or the person a principal id speaks for)
  // is a retired agent.
  #ownerRetired(did: string): boolean {
    const row = this.#w('SELECT owner FROM agents WHERE did = ?').get(did) as { owner: string } | undefined
    if (!row) return false
    const owner = this.#w('SELECT status FROM agents WHERE did = ?').get(canonicalIdentity(this.#w, row.owner)) as { status: string } | undefined
    return owner?.status === 'retired'
  }

  retireAgent(did: string, audit: (step: RetirementStep) => AuditInput, options: { readonly ownedAgents?: 'retire' | 'suspend' } = {}): Promise<RetirementStep[]> {
    return this.#write(`retire ${did}`, () => {
      const self = this.#w('SELECT status FROM agents WHERE did = ?').get(did) as { status: string } | undefined
      // Everything the DID owns, at any depth, as a DID or under the id of a principal that speaks
      // for it (disabled ones too); and every principal bound to any of them.
      const closure = JSON.stringify(ownedClosure(this.#w, did))
      const owned = this.#w(`SELECT did FROM agents WHERE did IN (SELECT value FROM json_each(?)) AND did != ? AND status = 'active' ORDER BY created_at, did`).all(closure, did) as Array<{ did: string }>
      const principals = (this.#w('SELECT id FROM principals WHERE (id IN (SELECT value FROM json_each(@closure)) OR did IN (SELECT value FROM json_each(@closure))) AND disabled_at IS NULL ORDER BY id')
        .all({ closure }) as Array<{ id: string }>).map((p) => p.id)
      const ownsAny = this.#w('SELECT 1 FROM agents WHERE did IN (SELECT value FROM json_each(?)) AND did != ? LIMIT 1').get(closure, did)
      if (!self && !ownsAny) throw agentIdError('ERR_NOT_FOUND', `${did} is neither an enrolled agent nor an owner of one`)
      const targets = [...(self?.status === 'active' ? [{ did, cascadeFrom: undefined }] : []), ...owned.map((e) => ({ did: e.did, cascadeFrom: did }))]
      if (targets.length === 0 && principals.length === 0) throw agentIdError('ERR_CONFLICT', self ? `agent ${did} is already retired` : `${did} has no active agents`)
      const live = this.#w("SELECT * FROM credentials WHERE subject = ? AND status != 'revoked' ORDER BY issued_at, id")
      const now = this.#now()
      // The person's sign-in goes with them, and the approvals they gave that have not issued yet.
      if (principals.length > 0) this.#w('UPDATE principals SET disabled_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(now, JSON.stringify(principals))
      const voided = this.#voidApprovals(principals, () => true)
      const steps: RetirementStep[] = []
      const everyone = [...targets.map((t) => t.did), ...principals]
      // Requests pending for any of them or filed by any of them end with them.
      const pending = this.#w(`SELECT id FROM access_requests WHERE status = 'pending' AND (subject IN (SELECT value FROM json_each(@who)) OR requester IN (SELECT value FROM json_each(@who))) ORDER BY created_at, id`)
        .all({ who: JSON.stringify(everyone) }) as Array<{ id: string }>
      const closeRequest = this.#w("UPDATE access_requests SET status = 'expired', decided_at = ? WHERE id = ?")
      for (const r of pending) closeRequest.run(now, r.id)
      const closedFor = (who: string) => (this.#w(`SELECT id FROM access_requests WHERE id IN (SELECT value FROM json_each(?)) AND (subject = ? OR requester = ?) ORDER BY id`)
        .all(JSON.stringify(pending.map((p) => p.id)), who, who) as Array<{ id: string }>).map((r) => r.id)
      const byPrincipals = principals.flatMap(closedFor)
      for (const [i, target] of targets.entries()) {
        const first = i === 0
        // An owned agent may wait for a new owner, suspended, when the policy says so.
        const outcome = target.cascadeFrom !== undefined && options.ownedAgents === 'suspend' ? 'suspended' : 'retired'
        let revoked: CredentialRecord[] = []
        if (outcome === 'retired') {
          this.#w("UPDATE agents SET status = 'retired' WHERE did = ?").run(target.did)
          revoked = this.#revokeRows(live.all(target.did) as CredentialRow[])
        } else {
          this.#w('UPDATE agents SET suspended_at = COALESCE(suspended_at, ?) WHERE did = ?').run(now, target.did)
          this.#w("UPDATE credentials SET status = 'suspended', suspended_for = 'agent' WHERE subject = ? AND status = 'active' AND suspension_list IS NOT NULL").run(target.did)
        }
        const step: RetirementStep = {
          agent: target.did, outcome, revoked,
          principalsDisabled: first ? principals : [], approvalsVoided: first ? voided : [],
          requestsClosed: [...new Set([...closedFor(target.did), ...(first ? byPrincipals : [])])],
          ...(target.cascadeFrom !== undefined ? { cascadeFrom: target.cascadeFrom } : {}),
        }
        this.#appendAudit(audit(step))
        steps.push(step)
      }
      // A person who is not enrolled as an agent and owns nothing live: their sign-in still goes.
      if (targets.length === 0) {
        const step: RetirementStep = { agent: did, outcome: 'retired', revoked: [], principalsDisabled: principals, approvalsVoided: voided, requestsClosed: byPrincipals }
        this.#appendAudit(audit(step))
        steps.push(step)
      }
      return steps
    })
  }

  transferAgent(did: string, owner: string, audit: (previous: AgentRecord, voided: readonly VoidedApproval[]) => AuditInput, guard?: (moving: readonly Holding[], joining: readonly Holding[]) => void): Promise<{ agent: AgentRecord; voided: VoidedApproval[] }> {
    return this.#write(`transfer ${did}`, () => {
      const row = this.#w('SELECT * FROM agents WHERE did = ?').get(did) as AgentRow | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
      if (row.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${did} is retired`)
      if (row.owner === owner) throw agentIdError('ERR_CONFLICT', `agent ${did} is owned by ${owner} already`)
      const previous = toAgent(row)
      const next: AgentRecord = { ...previous, owner }
      this.#checkPersonRoles(next)
      // Not owned by this agent (no cycle of owners); #checkPersonRoles saw that the owner is active.
      const moving = ownedClosure(this.#w, did)
      if (moving.includes(canonicalIdentity(this.#w, owner))) throw agentIdError('ERR_INPUT_INVALID', `${owner} is owned by ${did}: owners cannot form a cycle`)
      // What moves (the agent and what it owns) must not give the party it joins both sides of a duty.
      if (guard) {
        // A team owner makes the agent the top of its own party: it joins nothing.
        const team = !owner.startsWith('did:') && !this.#w('SELECT 1 FROM principals WHERE id = ?').get(owner)
        const joining = team ? [] : this.#holdingsOf(partyMembers(this.#w, owner).filter((m) => !moving.includes(m)))
        guard(this.#holdingsOf(moving), joining)
      }
      this.#w('UPDATE agents SET owner = ? WHERE did = ?').run(owner, did)
      // Approvals of its pending requests given by its new party no longer count.
      const newParty = new Set(partyMembers(this.#w, did))
      const approvers = (this.#w(`SELECT DISTINCT a.principal FROM approvals a JOIN access_requests r ON r.id = a.request_id WHERE r.status = 'pending' AND r.subject IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(moving)) as Array<{ principal: string }>).map((a) => a.principal).filter((p) => newParty.has(canonicalIdentity(this.#w, p)) || newParty.has(p))
      const movingSet = new Set(moving)
      const voided = this.#voidApprovals(approvers, (a) => {
        const subject = (this.#w('SELECT subject FROM access_requests WHERE id = ?').get(a.request_id) as { subject: string }).subject
        return movingSet.has(subject)
      })
      this.#appendAudit(audit(previous, voided))
      return { agent: next, voided }
    })
  }

  // Inside a write: the approvals of pending requests given by `principals` (those `voids` picks)
  // stop counting, with every later level of the same request (given on the strength of them).
  #voidApprovals(principals: readonly string[], voids: (approval: ApprovalRow) => boolean): VoidedApproval[] {
    if (principals.length === 0) return []
    const given = (this.#w(`SELECT a.* FROM approvals a JOIN access_requests r ON r.id = a.request_id
        WHERE r.status = 'pending' AND a.decision = 'approve' AND a.principal IN (SELECT value FROM json_each(?)) ORDER BY a.request_id, a.level`)
      .all(JSON.stringify(principals)) as ApprovalRow[]).filter(voids)
    const voided: VoidedApproval[] = []
    const from = new Map<string, number>()
    for (const a of given) if (!from.has(a.request_id)) from.set(a.request_id, a.level)
    for (const [request, level] of from) {
      const rows = this.#w('SELECT * FROM approvals WHERE request_id = ? AND level >= ? ORDER BY level').all(request, level) as ApprovalRow[]
      this.#w('DELETE FROM approvals WHERE request_id = ? AND level >= ?').run(request, level)
      voided.push(...rows.map((r) => ({ request, level: r.level, principal: r.principal, role: r.role })))
    }
    return voided
  }

  createPrincipal(principal: PrincipalRecord, audit: AuditInput): Promise<void> {
    return this.#write(`create principal ${principal.id}`, () => {
      if (this.#w('SELECT 1 FROM principals WHERE id = ?').get(principal.id)) throw agentIdError('ERR_CONFLICT', `principal ${principal.id} exists already`)
      this.#refuseSecondPrincipal(principal)
      this.#w('INSERT INTO principals (id, roles, token_sha256, did, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(principal.id, JSON.stringify(principal.roles), principal.tokenSha256, principal.did ?? null, principal.createdAt, principal.expiresAt ?? null)
      this.#appendAudit(audit)
    })
  }

  // One person, one principal: the approval rules (never your own request, once per request,
  // never your own agent) count people, not tokens.
  #refuseSecondPrincipal(principal: PrincipalRecord): void {
    const person = principal.did ?? principal.id
    const other = this.#w('SELECT id FROM principals WHERE (did = ? OR id = ?) AND disabled_at IS NULL AND id != ?').get(person, person, principal.id) as { id: string } | undefined
    if (other) throw agentIdError('ERR_CONFLICT', `another principal (${other.id}) already speaks for ${person}; give that one more roles instead`)
  }

  getPrincipal(id: string): Promise<PrincipalRecord | undefined> {
    return this.#read('read principal', () => {
      const row = this.#r('SELECT * FROM principals WHERE id = ?').get(id) as PrincipalRow | undefined
      return row && toPrincipal(row)
    })
  }

  updatePrincipal(id: string, change: (current: PrincipalRecord) => PrincipalChange, audit: (updated: PrincipalRecord, voided: readonly VoidedApproval[]) => AuditInput): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }> {
    return this.#write(`update principal ${id}`, () => {
      const row = this.#w('SELECT * FROM principals WHERE id = ?').get(id) as PrincipalRow | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no principal ${id}`)
      const current = toPrincipal(row)
      const c = change(current)
      const next: PrincipalRow = {
        ...row,
        ...(c.roles !== undefined ? { roles: JSON.stringify(c.roles) } : {}),
        ...(c.tokenSha256 !== undefined ? { token_sha256: c.tokenSha256 } : {}),
        ...(c.disabledAt !== undefined ? { disabled_at: c.disabledAt } : {}),
        ...(c.expiresAt !== undefined ? { expires_at: c.expiresAt } : {}),
      }
      const updated = toPrincipal(next)
      if (updated.disabledAt === undefined && current.disabledAt !== undefined) this.#refuseSecondPrincipal(updated)
      // Nobody locks the issuer out of itself through the API: the last enabled admin stays.
      // An admin whose token expires does not keep the issuer reachable either.
      const stillAdmin = updated.disabledAt === undefined && updated.roles.includes('admin') && updated.expiresAt === undefined
      if (!stillAdmin && current.roles.includes('admin') && current.disabledAt === undefined) {
        const others = this.#w("SELECT 1 FROM principals, json_each(principals.roles) r WHERE r.value = 'admin' AND principals.disabled_at IS NULL AND principals.expires_at IS NULL AND principals.id != ? LIMIT 1").get(id)
        if (!others) throw agentIdError('ERR_CONFLICT', `${id} is the last enabled admin without an expiry: create or enable another admin first`)
      }
      this.#w('UPDATE principals SET roles = ?, token_sha256 = ?, disabled_at = ?, expires_at = ? WHERE id = ?').run(next.roles, next.token_sha256, next.disabled_at, next.expires_at, id)
      // Approvals stop counting once their principal is disabled or no longer holds their role.
      const voided = this.#voidApprovals([id], (a) => updated.disabledAt !== undefined || !updated.roles.includes(a.role))
      this.#appendAudit(audit(updated, voided))
      return { principal: updated, voided }
    })
  }

  principalByToken(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    return this.#read('authenticate', () => {
      const row = this.#r('SELECT * FROM principals WHERE token_sha256 = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)').get(tokenSha256, this.#now()) as PrincipalRow | undefined
      return row && toPrincipal(row)
    })
  }

  principalByTokenAnyState(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    return this.#read('look up a token', () => {
      const row = this.#r('SELECT * FROM principals WHERE token_sha256 = ?').get(tokenSha256) as PrincipalRow | undefined
      return row && toPrincipal(row)
    })
  }

  listPrincipals(): Promise<PrincipalRecord[]> {
    return this.#read('list principals', () => (this.#r('SELECT * FROM principals ORDER BY created_at, id').all() as PrincipalRow[]).map(toPrincipal))
  }

  currentPolicy(): Promise<PolicyVersion | undefined> {
    return this.#read('read policy', () => {
      const row = this.#r('SELECT * FROM policies ORDER BY version DESC LIMIT 1').get() as { version: number; document: string; created_at: number; created_by: string } | undefined
      return row && { version: row.version, document: row.document, createdAt: row.created_at, createdBy: row.created_by }
    })
  }

  listPolicies(limit: number, offset: number): Promise<{ versions: PolicyVersion[]; total: number }> {
    return this.#read('list policies', () => {
      const total = (this.#r('SELECT COUNT(*) AS n FROM policies').get() as { n: number }).n
      const rows = this.#r('SELECT * FROM policies ORDER BY version DESC LIMIT ? OFFSET ?').all(limit, offset) as Array<{ version: number; document: string; created_at: number; created_by: string }>
      return { versions: rows.map((row) => ({ version: row.version, document: row.document, createdAt: row.created_at, createdBy: row.created_by })), total }
    })
  }

  putPolicy(document: string, createdBy: string, audit: (version: number) => AuditInput): Promise<PolicyVersion> {
    return this.#write('store policy', () => {
      const last = this.#w('SELECT MAX(version) AS v FROM policies').get() as { v: number | null }
      const version = (last.v ?? 0) + 1
      const createdAt = this.#now()
      this.#w('INSERT INTO policies (version, document, created_at, created_by) VALUES (?, ?, ?, ?)').run(version, document, createdAt, createdBy)
      this.#appendAudit(audit(version))
      return { version, document, createdAt, createdBy }
    })
  }

  putRole(role: RoleTemplate, audit: (previous: RoleTemplate | undefined) => AuditInput): Promise<void> {
    return this.#write(`store role ${role.name}`, () => {
      const row = this.#w('SELECT * FROM roles WHERE name = ?').get(role.name) as RoleRow | undefined
      this.#w('INSERT INTO roles (name, description, entitlements, ttl_seconds) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET description = excluded.description, entitlements = excluded.entitlements, ttl_seconds = excluded.ttl_seconds')
        .run(role.name, role.description, JSON.stringify(role.entitlements.map(entitlementToJson)), role.ttlSeconds)
      this.#appendAudit(audit(row && toRole(row)))
    })
  }

  deleteRole(name: string, audit: (role: RoleTemplate) => AuditInput): Promise<void> {
    return this.#write(`delete role ${name}`, () => {
      const row = this.#w('SELECT * FROM roles WHERE name = ?').get(name) as RoleRow | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no role template "${name}"`)
      this.#w('DELETE FROM roles WHERE name = ?').run(name)
      this.#appendAudit(audit(toRole(row)))
    })
  }

  createRequest(request: AccessRequestRecord, audit: AuditInput): Promise<void> {
    return this.#write(`open request ${request.id}`, () => this.#insertRequest(request, audit))
  }

  // Inside a write: the agent must be active and not suspended, and the same request not pending.
  #insertRequest(request: AccessRequestRecord, audit: AuditInput): void {
    this.#assertActiveAgent(request.subject)
    if (request.task) this.#refuseCompletedTask(request.task.id, request.subject)
    const entitlements = JSON.stringify(request.entitlements.map(entitlementToJson))
    const task = request.task ? JSON.stringify(request.task) : null
    const same = this.#w(`SELECT id FROM access_requests WHERE status = 'pending' AND subject = ? AND entitlements = ? AND ttl_seconds = ? AND jit = ? AND task IS ?`)
      .get(request.subject, entitlements, request.ttlSeconds, request.jit ? 1 : 0, task) as { id: string } | undefined
    if (same) throw agentIdError('ERR_CONFLICT', `the same request for ${request.subject} is pending already: ${same.id}`)
    this.#w(`INSERT INTO access_requests (id, subject, requester, entitlements, ttl_seconds, task, jit, risk, chain, policy_version, justification, status, created_at, expires_at, renewable_seconds)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`).run(
      request.id, request.subject, request.requester, entitlements, request.ttlSeconds,
      task, request.jit ? 1 : 0, request.risk, JSON.stringify(request.chain), request.policyVersion,
      request.justification ?? null, request.createdAt, request.expiresAt, request.renewableSeconds ?? null)
    this.#appendAudit(audit)
  }

  // On the read connection by default; inside a write, on the write connection (`write: true`).
  #loadRequest(id: string, write = false): AccessRequestRecord | undefined {
    const sql = (q: string) => (write ? this.#w(q) : this.#r(q))
    const row = sql('SELECT * FROM access_requests WHERE id = ?').get(id) as RequestRow | undefined
    if (!row) return undefined
    const approvals = (sql('SELECT * FROM approvals WHERE request_id = ? ORDER BY level').all(id) as ApprovalRow[]).map(toApproval)
    return toRequest(row, approvals)
  }

  getRequest(id: string): Promise<AccessRequestRecord | undefined> {
    return this.#read('read request', () => this.#loadRequest(id))
  }

  pageRequests(filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return this.#read('page requests', () => {
      const where = `(@status IS NULL OR status = @status OR (@status = 'decided' AND status != 'pending')) AND (@subject IS NULL OR subject = @subject)`
      const args = { status: filter.status ?? null, subject: filter.subject ?? null }
      const total = (this.#r(`SELECT COUNT(*) AS n FROM access_requests WHERE ${where}`).get(args) as { n: number }).n
      const ids = this.#r(`SELECT id FROM access_requests WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`).all({ ...args, limit, offset }) as Array<{ id: string }>
      return { requests: ids.map((r) => this.#loadRequest(r.id)!), total }
    })
  }

  pageQueue(filter: { roles: readonly string[]; principal: string; now: number }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return this.#read('page the approval queue', () => {
      // The level a request waits at is the number of approvals it holds (a denial ends it; a
      // voided approval is removed with every later one), its role the chain's entry there.
      const where = `r.status = 'pending' AND r.expires_at > @now AND r.requester != @principal
        AND json_extract(r.chain, '$[' || (SELECT COUNT(*) FROM approvals a WHERE a.request_id = r.id) || ']') IN (SELECT value FROM json_each(@roles))
        AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.request_id = r.id AND a.principal = @principal)`
      const args = { now: filter.now, principal: filter.principal, roles: JSON.stringify(filter.roles) }
      const total = (this.#r(`SELECT COUNT(*) AS n FROM access_requests r WHERE ${where}`).get(args) as { n: number }).n
      const ids = this.#r(`SELECT r.id FROM access_requests r WHERE ${where} ORDER BY r.created_at, r.id LIMIT @limit OFFSET @offset`).all({ ...args, limit, offset }) as Array<{ id: string }>
      return { requests: ids.map((r) => this.#loadRequest(r.id)!), total }
    })
  }

  listRequests(filter: { status?: AccessRequestRecord['status']; subject?: string } = {}): Promise<AccessRequestRecord[]> {
    return this.#read('list requests', () => {
      const ids = this.#r(`SELECT id FROM access_requests WHERE (@status IS NULL OR status = @status) AND (@subject IS NULL OR subject = @subject)
        ORDER BY created_at, id`).all({ status: filter.status ?? null, subject: filter.subject ?? null }) as Array<{ id: string }>
      return ids.map((r) => this.#loadRequest(r.id)!)
    })
  }

  decideRequest(id: string, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<{ request: AccessRequestRecord; issued?: IssuedRecord }> {
    return this.#write(`decide request ${id}`, async () => {
      const request = this.#loadRequest(id, true)
      if (!request) throw agentIdError('ERR_NOT_FOUND', `no access request ${id}`)
      const { approval, audit, issuance, rejudged } = decide(request, {
        sameParty: (a, b) => partyTop(this.#w, a) === partyTop(this.#w, b),
        principal: (principalId) => {
          const row = this.#w('SELECT * FROM principals WHERE id = ?').get(principalId) as PrincipalRow | undefined
          return row && toPrincipal(row)
        },
      })
      if (rejudged) {
        this.#w('UPDATE access_requests SET risk = ?, chain = ?, policy_version = ? WHERE id = ?').run(rejudged.risk, JSON.stringify(rejudged.chain), rejudged.policyVersion, id)
      }
      this.#w('INSERT INTO approvals (request_id, level, principal, role, decision, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, approval.level, approval.principal, approval.role, approval.decision, approval.at, approval.reason ?? null)
      this.#appendAudit(audit)
      let issued: IssuedRecord | undefined
      if (approval.decision === 'deny') {
        this.#w("UPDATE access_requests SET status = 'denied', decided_at = ? WHERE id = ?").run(approval.at, id)
      } else if (issuance) {
        issued = await this.#issue(issuance)
        this.#w("UPDATE access_requests SET status = 'issued', decided_at = ?, credential_id = ? WHERE id = ?").run(approval.at, issued.record.id, id)
      }
      return { request: this.#loadRequest(id, true)!, ...(issued ? { issued } : {}) }
    })
  }

  expireRequests(nowMs: number, audit: (request: AccessRequestRecord) => AuditInput): Promise<AccessRequestRecord[]> {
    return this.#write('expire requests', () => {
      const ids = this.#w("SELECT id FROM access_requests WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id").all(nowMs) as Array<{ id: string }>
      return ids.map(({ id }) => {
        this.#w("UPDATE access_requests SET status = 'expired', decided_at = ? WHERE id = ?").run(nowMs, id)
        const request = this.#loadRequest(id, true)!
        this.#appendAudit(audit(request))
        return request
      })
    })
  }

  completeTask(taskId: string, by: string, audit: (ended: { revoked: readonly CredentialRecord[]; requestsClosed: readonly string[] }) => AuditInput, owner?: string): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
    return this.#write(`complete task ${taskId}`, () => {
      // With an owner, only what concerns what it owns (at any depth, its own agent included): a
      // task id is chosen by requesters and another owner's agent may use the same one.
      const scope = owner === undefined ? '' : 'AND subject IN (SELECT value FROM json_each(@owned))'
      const args = { task: taskId, owned: JSON.stringify(owner === undefined ? [] : ownedClosure(this.#w, owner)) }
      const done = owner === undefined ? ['*'] : [canonicalIdentity(this.#w, owner)]
      if (this.#w("SELECT 1 FROM completed_tasks WHERE task_id = ? AND owner IN (SELECT value FROM json_each(?)) LIMIT 1").get(taskId, JSON.stringify(['*', ...done]))) {
        throw agentIdError('ERR_CONFLICT', `task ${taskId} is completed already`)
      }
      const issued = this.#w(`SELECT 1 FROM credentials WHERE task_id = @task ${scope} LIMIT 1`).get(args)
      const requested = this.#w(`SELECT 1 FROM access_requests WHERE json_extract(task, '$.id') = @task ${scope} LIMIT 1`).get(args)
      if (!issued && !requested) throw agentIdError('ERR_NOT_FOUND', `nothing was issued or requested for task ${taskId}`)
      const revoked = this.#revokeRows(this.#w(`SELECT * FROM credentials WHERE task_id = @task ${scope} AND status != 'revoked' AND expired_at IS NULL ORDER BY issued_at, id`).all(args) as CredentialRow[])
      const now = this.#now()
      const pending = (this.#w(`SELECT id FROM access_requests WHERE status = 'pending' AND json_extract(task, '$.id') = @task ${scope} ORDER BY created_at, id`).all(args) as Array<{ id: string }>).map((r) => r.id)
      const close = this.#w("UPDATE access_requests SET status = 'expired', decided_at = ? WHERE id = ?")
      for (const id of pending) close.run(now, id)
      const record = this.#w('INSERT INTO completed_tasks (task_id, owner, completed_at, completed_by) VALUES (?, ?, ?, ?)')
      for (const who of done) record.run(taskId, who, now, by)
      this.#appendAudit(audit({ revoked, requestsClosed: pending }))
      return { revoked, requestsClosed: pending }
    })
  }

  sweepExpired(nowSeconds: number, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord[]> {
    return this.#write('sweep expired credentials', () => {
      const rows = this.#w('SELECT * FROM credentials WHERE expired_at IS NULL AND expires <= ? ORDER BY expires, id LIMIT 1000').all(nowSeconds) as CredentialRow[]
      const at = this.#now()
      const mark = this.#w('UPDATE credentials SET expired_at = ? WHERE id = ?')
      return rows.map((row) => {
        mark.run(at, row.id)
        const record = toCredential({ ...row, expired_at: at })
        this.#appendAudit(audit(record))
        return record
      })
    })
  }

  startReview(
    campaign: ReviewCampaignRecord,
    select: (live: readonly CredentialRecord[]) => ReadonlyArray<{ id: string; credential: CredentialRecord }>,
    audit: (items: readonly ReviewItemRecord[]) => AuditInput,
  ): Promise<ReviewItemRecord[]> {
    return this.#write(`start review ${campaign.id}`, () => {
      // Live, and not already waiting in an open campaign.
      const live = (this.#w(`SELECT * FROM credentials c WHERE status != 'revoked' AND expires > ? AND NOT EXISTS (
          SELECT 1 FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.credential_id = c.id AND k.status = 'open' AND i.decision IS NULL)
        ORDER BY issued_at, id`).all(Math.floor(this.#now() / 1000)) as CredentialRow[]).map(toCredential)
      const picked = select(live)
      if (picked.length === 0) throw agentIdError('ERR_CONFLICT', 'no credential is due for review')
      this.#w('INSERT INTO review_campaigns (id, name, created_by, created_at, deadline, status) VALUES (?, ?, ?, ?, ?, ?)')
        .run(campaign.id, campaign.name, campaign.createdBy, campaign.createdAt, campaign.deadline, 'open')
      const insert = this.#w('INSERT INTO review_items (id, campaign, credential_id, risk) VALUES (?, ?, ?, ?)')
      const items = picked.map(({ id, credential }) => {
        const risk = credential.risk ?? 'critical'
        insert.run(id, campaign.id, credential.id, risk)
        return { id, campaign: campaign.id, credentialId: credential.id, risk }
      })
      this.#appendAudit(audit(items))
      return items
    })
  }

  listReviews(): Promise<ReviewCampaignRecord[]> {
    return this.#read('list reviews', () => (this.#r('SELECT * FROM review_campaigns ORDER BY created_at, id').all() as CampaignRow[]).map(toCampaign))
  }

  listReviewItems(campaign?: string): Promise<ReviewItemRecord[]> {
    return this.#read('list review items', () =>
      (this.#r('SELECT * FROM review_items WHERE (@campaign IS NULL OR campaign = @campaign) ORDER BY campaign, id').all({ campaign: campaign ?? null }) as ItemRow[]).map(toItem))
  }

  getReviewItem(id: string): Promise<ReviewItemRecord | undefined> {
    return this.#read('read review item', () => {
      const row = this.#r('SELECT * FROM review_items WHERE id = ?').get(id) as ItemRow | undefined
      return row && toItem(row)
    })
  }

  decideReviewItem(id: string, decision: 'certified' | 'revoked', reviewer: string, audit: (item: ReviewItemRecord) => AuditInput): Promise<ReviewItemRecord> {
    return this.#write(`review item ${id}`, () => {
      const row = this.#w('SELECT i.*, k.status AS campaign_status FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.id = ?').get(id) as (ItemRow & { campaign_status: string }) | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no review item ${id}`)
      if (row.decision !== null) throw agentIdError('ERR_CONFLICT', `review item ${id} was decided already (${row.decision})`)
      if (row.campaign_status !== 'open') throw agentIdError('ERR_CONFLICT', `review campaign ${row.campaign} is closed`)
      const at = this.#now()
      this.#w('UPDATE review_items SET decision = ?, reviewer = ?, decided_at = ? WHERE id = ?').run(decision, reviewer, at, id)
      if (decision === 'revoked') this.#revokeLineage(row.credential_id)
      else this.#w('UPDATE credentials SET reviewed_at = ? WHERE id = ?').run(at, row.credential_id)
      const item = toItem({ ...row, decision, reviewer, decided_at: at })
      this.#appendAudit(audit(item))
      this.#closeIfDecided(row.campaign)
      return item
    })
  }

  #closeIfDecided(campaign: string): void {
    if (!this.#w('SELECT 1 FROM review_items WHERE campaign = ? AND decision IS NULL LIMIT 1').get(campaign)) {
      this.#w("UPDATE review_campaigns SET status = 'closed' WHERE id = ?").run(campaign)
    }
  }

  closeOverdueReviews(nowMs: number, revokeUnreviewed: boolean, audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[]) => AuditInput): Promise<ReviewItemRecord[]> {
    return this.#write('close overdue reviews', () => {
      const campaigns = (this.#w("SELECT * FROM review_campaigns WHERE status = 'open' AND deadline <= ? ORDER BY deadline, id").all(nowMs) as CampaignRow[]).map(toCampaign)
      const all: ReviewItemRecord[] = []
      for (const campaign of campaigns) {
        const rows = this.#w('SELECT * FROM review_items WHERE campaign = ? AND decision IS NULL ORDER BY id').all(campaign.id) as ItemRow[]
        const overdue = rows.map((row) => {
          this.#w("UPDATE review_items SET decision = 'expired', decided_at = ? WHERE id = ?").run(nowMs, row.id)
          if (revokeUnreviewed) this.#revokeLineage(row.credential_id)
          return toItem({ ...row, decision: 'expired', decided_at: nowMs })
        })
        this.#w("UPDATE review_campaigns SET status = 'closed' WHERE id = ?").run(campaign.id)
        if (overdue.length > 0) {
          this.#insertAlert({ at: nowMs, kind: 'review.overdue', severity: 'high', subject: campaign.id,
            details: { campaign: campaign.id, items: overdue.map((i) => i.id), credentials: overdue.map((i) => i.credentialId), revoked: revokeUnreviewed } })
        }
        this.#appendAudit(audit(campaign, overdue))
        all.push(...overdue)
      }
      return all
    })
  }

  writeCheckpoint(sign: (head: { seq: number; hash: string; at: number }) => Promise<string>): Promise<AuditCheckpointRecord | undefined> {
    return this.#write('write audit checkpoint', async () => {
      const last = this.#w('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined
      const covered = this.#w('SELECT MAX(seq) AS seq FROM audit_checkpoints').get() as { seq: number | null }
      if (!last || (covered.seq ?? 0) >= last.seq) return undefined
      const at = this.#now()
      const jwt = await sign({ seq: last.seq, hash: last.hash, at })
      this.#w('INSERT INTO audit_checkpoints (seq, head, at, jwt) VALUES (?, ?, ?, ?)').run(last.seq, last.hash, at, jwt)
      return { seq: last.seq, head: last.hash, at, jwt }
    })
  }

  listCheckpoints(limit?: number): Promise<AuditCheckpointRecord[]> {
    return this.#read('list audit checkpoints', () => {
      const rows = (limit === undefined
        ? this.#r('SELECT * FROM audit_checkpoints ORDER BY seq').all()
        : this.#r('SELECT * FROM (SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT ?) ORDER BY seq').all(limit)) as AuditCheckpointRecord[]
      return rows.map((r) => ({ seq: r.seq, head: r.head, at: r.at, jwt: r.jwt }))
    })
  }

  rotateIssuer(rotation: { previous: string; did: string; statement: string; lists: readonly StatusListRecord[] }, audit: AuditInput): Promise<void> {
    return this.#write('rotate the issuer key', () => {
      this.#w('UPDATE status_lists SET issuer = ? WHERE issuer IS NULL').run(rotation.previous)
      const insert = this.#w('INSERT INTO status_lists (id, purpose, size, created_at, issuer) VALUES (?, ?, ?, ?, ?)')
      for (const l of rotation.lists) insert.run(l.id, l.purpose, l.size, l.createdAt, rotation.did)
      const rotations = JSON.parse((this.#w("SELECT value FROM settings WHERE key = 'rotations'").get() as { value: string } | undefined)?.value ?? '[]') as string[]
      this.#w("INSERT INTO settings (key, value) VALUES ('rotations', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify([...rotations, rotation.statement]))
      this.#w("UPDATE settings SET value = ? WHERE key = 'issuerDid'").run(rotation.did)
      this.#appendAudit(audit)
    })
  }

  async rotateKek(next: KeyEncryptionKey, audit: (count: number) => AuditInput): Promise<number> {
    const count = await this.#write('rotate the key-encryption key', () => {
      let count = 0
      const keys = this.#w('SELECT alias, sealed FROM custody_private_keys').all() as Array<{ alias: string; sealed: string }>
      const updateKey = this.#w('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?')
      for (const k of keys) {
        updateKey.run(sealPrivateKey(next, k.alias, openPrivateKey(this.#kek, k.alias, k.sealed)), k.alias)
        count++
      }
      const hooks = this.#w('SELECT id, secret_sealed FROM webhooks').all() as Array<{ id: string; secret_sealed: string }>
      const updateHook = this.#w('UPDATE webhooks SET secret_sealed = ? WHERE id = ?')
      for (const h of hooks) {
        updateHook.run(sealPrivateKey(next, `webhook:${h.id}`, openPrivateKey(this.#kek, `webhook:${h.id}`, h.secret_sealed)), h.id)
        count++
      }
      this.#appendAudit(audit(count))
      return count
    })
    // Only once committed: until then, the old key still opens everything.
    this.#kek = next
    ;(this.custody.privateKeyStore as SqlitePrivateKeyStore).useKek(next)
    return count
  }

  recordEvent(audit: AuditInput): Promise<void> {
    return this.#write(`record ${audit.action}`, () => {
      this.#appendAudit(audit)
    })
  }

  createWebhook(webhook: WebhookRecord, secret: string, audit: AuditInput): Promise<void> {
    return this.#write(`create webhook ${webhook.id}`, () => {
      this.#w('INSERT INTO webhooks (id, url, events, secret_sealed, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(webhook.id, webhook.url, JSON.stringify(webhook.events), sealPrivateKey(this.#kek, `webhook:${webhook.id}`, secret), webhook.createdBy, webhook.createdAt)
      this.#appendAudit(audit)
    })
  }

  listWebhooks(): Promise<WebhookRecord[]> {
    return this.#read('list webhooks', () => (this.#r('SELECT * FROM webhooks ORDER BY created_at, id').all() as WebhookRow[]).map(toWebhook))
  }

  webhookSecrets(): Promise<Array<{ webhook: WebhookRecord; secret: string }>> {
    return this.#read('read webhook secrets', () => (this.#r('SELECT * FROM webhooks ORDER BY created_at, id').all() as WebhookRow[])
      .map((row) => ({ webhook: toWebhook(row), secret: openPrivateKey(this.#kek, `webhook:${row.id}`, row.secret_sealed) })))
  }

  deleteWebhook(id: string, audit: AuditInput): Promise<void> {
    return this.#write(`delete webhook ${id}`, () => {
      if (this.#w('DELETE FROM webhooks WHERE id = ?').run(id).changes === 0) throw agentIdError('ERR_NOT_FOUND', `no webhook ${id}`)
      this.#appendAudit(audit)
    })
  }

  addAlerts(alerts: ReadonlyArray<Omit<AlertRecord, 'id'>>, audit?: (alert: AlertRecord) => AuditInput): Promise<AlertRecord[]> {
    return this.#write('store alerts', () => alerts.map((a) => {
      const alert = this.#insertAlert(a)
      if (audit) this.#appendAudit(audit(alert))
      return alert
    }))
  }

  #insertAlert(a: Omit<AlertRecord, 'id'>): AlertRecord {
    const id = this.#w('INSERT INTO alerts (at, kind, severity, subject, details) VALUES (?, ?, ?, ?, ?)').run(a.at, a.kind, a.severity, a.subject ?? null, JSON.stringify(a.details)).lastInsertRowid
    return { ...a, id: Number(id) }
  }

  retiredAgents(): Promise<string[]> {
    return this.#read('list retired agents', () => (this.#r("SELECT did FROM agents WHERE status = 'retired'").all() as Array<{ did: string }>).map((r) => r.did))
  }

  saveBaselines(rows: ReadonlyArray<{ readonly key: string; readonly state: string; readonly updatedAt: number }>): Promise<void> {
    if (rows.length === 0) return Promise.resolve()
    return this.#write('save monitoring baselines', () => {
      const upsert = this.#w('INSERT INTO monitor_baselines (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at')
      for (const r of rows) upsert.run(r.key, r.state, Math.round(r.updatedAt))
    })
  }

  loadBaselines(): Promise<Array<{ key: string; state: string }>> {
    return this.#read('load monitoring baselines', () => this.#r('SELECT key, state FROM monitor_baselines').all() as Array<{ key: string; state: string }>)
  }

  addSuppression(x: SuppressionRecord, audit: AuditInput): Promise<void> {
    return this.#write(`add suppression ${x.id}`, () => {
      this.#w('INSERT INTO alert_suppressions (id, agent, kind, about, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(x.id, x.agent ?? null, x.kind ?? null, x.about ?? null, x.reason, x.createdBy, x.createdAt, x.expiresAt)
      this.#appendAudit(audit)
    })
  }

  listSuppressions(): Promise<SuppressionRecord[]> {
    return this.#read('list suppressions', () => (this.#r('SELECT * FROM alert_suppressions ORDER BY created_at DESC, id LIMIT 1000').all() as SuppressionRow[]).map(toSuppression))
  }

  endSuppression(id: string, by: string, at: number, audit: AuditInput): Promise<SuppressionRecord> {
    return this.#write(`end suppression ${id}`, () => {
      const row = this.#w('SELECT * FROM alert_suppressions WHERE id = ?').get(id) as SuppressionRow | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no suppression ${id}`)
      if (row.ended_at !== null) throw agentIdError('ERR_CONFLICT', `suppression ${id} has already ended`)
      this.#w('UPDATE alert_suppressions SET ended_at = ?, ended_by = ? WHERE id = ?').run(at, by, id)
      this.#appendAudit(audit)
      return toSuppression({ ...row, ended_at: at, ended_by: by })
    })
  }

  addAlertFeedback(f: AlertFeedbackRecord, audit: AuditInput): Promise<void> {
    return this.#write(`feedback on alert ${f.alertId}`, () => {
      if (!this.#w('SELECT 1 FROM alerts WHERE id = ?').get(f.alertId)) throw agentIdError('ERR_NOT_FOUND', `no alert ${f.alertId}`)
      if (this.#w('SELECT 1 FROM alert_feedback WHERE alert_id = ?').get(f.alertId)) throw agentIdError('ERR_CONFLICT', `alert ${f.alertId} already has a verdict`)
      this.#w('INSERT INTO alert_feedback (alert_id, verdict, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)').run(f.alertId, f.verdict, f.note ?? null, f.decidedBy, f.decidedAt)
      this.#appendAudit(audit)
    })
  }

  listAlertFeedback(alertIds: readonly number[]): Promise<AlertFeedbackRecord[]> {
    return this.#read('list alert feedback', () => {
      const one = this.#r('SELECT * FROM alert_feedback WHERE alert_id = ?')
      return alertIds.flatMap((id) => {
        const row = one.get(id) as { alert_id: number; verdict: 'benign' | 'confirmed'; note: string | null; decided_by: string; decided_at: number } | undefined
        return row ? [{ alertId: row.alert_id, verdict: row.verdict, ...(row.note !== null ? { note: row.note } : {}), decidedBy: row.decided_by, decidedAt: row.decided_at }] : []
      })
    })
  }

  listAlerts(limit = 100): Promise<AlertRecord[]> {
    return this.#read('list alerts', () => (this.#r('SELECT * FROM alerts ORDER BY id DESC LIMIT ?').all(limit) as AlertRow[]).map(toAlert))
  }

  getAlert(id: number): Promise<AlertRecord | undefined> {
    return this.#read('read alert', () => {
      const row = this.#r('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined
      return row && toAlert(row)
    })
  }

  pageAlerts(filter: { severity?: string; subject?: string }, limit: number, offset: number): Promise<{ alerts: AlertRecord[]; total: number }> {
    return this.#read('list alerts', () => {
      const args = { severity: filter.severity ?? null, subject: filter.subject ?? null, limit, offset }
      const clause = 'WHERE (@severity IS NULL OR severity = @severity) AND (@subject IS NULL OR subject = @subject)'
      const total = (this.#r(`SELECT COUNT(*) AS n FROM alerts ${clause}`).get(args) as { n: number }).n
      return { alerts: (this.#r(`SELECT * FROM alerts ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all(args) as AlertRow[]).map(toAlert), total }
    })
  }

  currentStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', () =>
      (this.#r(`SELECT * FROM status_lists s WHERE NOT EXISTS (
          SELECT 1 FROM status_lists t WHERE t.purpose = s.purpose AND (t.created_at > s.created_at OR (t.created_at = s.created_at AND t.id > s.id)))
        ORDER BY s.purpose = 'suspension', s.id`).all() as StatusListRow[]).map(toStatusList))
  }

  allStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', () =>
      (this.#r("SELECT * FROM status_lists ORDER BY purpose = 'suspension', created_at, id").all() as StatusListRow[]).map(toStatusList))
  }

  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined> {
    return this.#read('read status list', () => {
      const row = (listId === undefined
        ? this.#r("SELECT * FROM status_lists WHERE purpose = 'revocation' ORDER BY created_at DESC, id DESC LIMIT 1").get()
        : this.#r('SELECT * FROM status_lists WHERE id = ?').get(listId)) as StatusListRow | undefined
      if (!row) return undefined
      const setIndexes = (row.purpose === 'revocation'
        ? this.#r("SELECT status_index FROM credentials WHERE status_list = ? AND status = 'revoked' ORDER BY status_index").all(row.id)
        : this.#r("SELECT status_index FROM credentials WHERE suspension_list = ? AND status = 'suspended' ORDER BY status_index").all(row.id)) as Array<{ status_index: number }>
      const indexes = setIndexes.map((r) => r.status_index)
      return { list: toStatusList(row), setIndexes: indexes }
    })
  }

  recordDelegations(records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput, alert?: (record: DelegationRecord) => Omit<AlertRecord, 'id'> | undefined): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
    return this.#write('record delegations', () => {
      const written: DelegationRecord[] = []
      const alerts: AlertRecord[] = []
      for (const r of records) {
        if (!this.#w('SELECT 1 FROM credentials WHERE id = ?').get(r.root)) throw agentIdError('ERR_NOT_FOUND', `credential ${r.root} was not issued here`)
        const known = this.#w('SELECT jwt_sha256 FROM delegations WHERE root = ? AND id = ?').get(r.root, r.id) as { jwt_sha256: string } | undefined
        if (known) {
          if (known.jwt_sha256 !== r.jwtSha256) throw agentIdError('ERR_CONFLICT', `another delegation with id ${r.id} was reported under ${r.root} before`)
          continue
        }
        this.#w(`INSERT INTO delegations (id, parent, root, delegator, delegate, entitlements, depth, not_before, expires, jwt_sha256, reported_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.id, r.parent, r.root, r.delegator, r.delegate, JSON.stringify(r.entitlements),
          r.depth, r.notBefore, r.expires, r.jwtSha256, r.reportedAt)
        this.#appendAudit(audit(r))
        written.push(r)
        const raised = alert?.(r)
        if (raised) alerts.push(this.#insertAlert(raised))
      }
      return { recorded: written, alerts }
    })
  }

  listDelegations(root: string): Promise<DelegationRecord[]> {
    return this.#read('list delegations', () =>
      (this.#r('SELECT * FROM delegations WHERE root = ? ORDER BY depth DESC, id').all(root) as DelegationRow[]).map(toDelegation))
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', () => {
      const row = this.#r('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined
      return row && toCredential(row)
    })
  }

  getCredentialJwt(id: string): Promise<string | undefined> {
    return this.#read('read credential', () => (this.#r('SELECT jwt FROM credentials WHERE id = ?').get(id) as { jwt: string | null } | undefined)?.jwt ?? undefined)
  }

  grantStart(id: string): Promise<number | undefined> {
    return this.#read('read credential', () => (this.#r('SELECT g.not_before AS start FROM credentials c JOIN credentials g ON g.id = COALESCE(c.grant_id, c.id) WHERE c.id = ?').get(id) as { start: number } | undefined)?.start)
  }

  getRenewal(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', () => {
      const row = this.#r('SELECT * FROM credentials WHERE renews = ?').get(id) as CredentialRow | undefined
      return row && toCredential(row)
    })
  }

  createOffer(offer: CredentialOfferRecord, audit: AuditInput): Promise<void> {
    return this.#write('create credential offer', () => {
      this.#w(`INSERT INTO credential_offers (code_sha256, subject, credentials, tx_code_sha256, failed_attempts, created_by, created_at, expires_at)
        VALUES (?, ?, ?, ?, 0, ?, ?, ?)`).run(offer.codeSha256, offer.subject, JSON.stringify(offer.credentials), offer.txCodeSha256 ?? null, offer.createdBy, offer.createdAt, offer.expiresAt)
      this.#appendAudit(audit)
    })
  }

  redeemOffer(codeSha256: string, txCodeSha256: string | undefined, options: { now: number; maxAttempts: number; holder: string; audit: (offer: CredentialOfferRecord) => AuditInput }): Promise<OfferRedemption> {
    return this.#write('redeem credential offer', () => {
      const row = this.#w('SELECT * FROM credential_offers WHERE code_sha256 = ?').get(codeSha256) as OfferRow | undefined
      if (!row) return { outcome: 'unknown' } as const
      const offer = toOffer(row)
      if (offer.redeemedAt !== undefined) return { outcome: 'used', offer } as const
      if (offer.failedAttempts >= options.maxAttempts) return { outcome: 'burnt', offer } as const
      if (offer.expiresAt <= options.now) return { outcome: 'expired', offer } as const
      // Malformed, not a guess: nothing counted.
      if (offer.txCodeSha256 !== undefined && txCodeSha256 === undefined) return { outcome: 'tx-code-missing', offer } as const
      if (offer.txCodeSha256 === undefined && txCodeSha256 !== undefined) return { outcome: 'tx-code-unexpected', offer } as const
      const wrong = offer.subject !== options.holder ? 'holder' : offer.txCodeSha256 !== undefined && offer.txCodeSha256 !== txCodeSha256 ? 'tx-code' : undefined
      if (wrong) {
        // Counted in the same write: guessing a short code, or trying a stolen one with another
        // key, is bounded by maxAttempts, not by time.
        this.#w('UPDATE credential_offers SET failed_attempts = failed_attempts + 1 WHERE code_sha256 = ?').run(codeSha256)
        return { outcome: offer.failedAttempts + 1 >= options.maxAttempts ? 'burnt' : wrong, offer } as const
      }
      this.#w('UPDATE credential_offers SET redeemed_at = ? WHERE code_sha256 = ?').run(options.now, codeSha256)
      this.#appendAudit(options.audit(offer))
      return { outcome: 'redeemed', offer: { ...offer, redeemedAt: options.now } } as const
    })
  }

  listCredentials(filter: { subject?: string; taskId?: string; latestOfGrant?: boolean } = {}): Promise<CredentialRecord[]> {
    // One statement per filter: SQLite uses no index for "(? IS NULL OR subject = ?)".
    const where = [
      ...(filter.subject !== undefined ? ['subject = @subject'] : []),
      ...(filter.taskId !== undefined ? ['task_id = @task'] : []),
      ...(filter.latestOfGrant ? ['NOT EXISTS (SELECT 1 FROM credentials r WHERE r.renews = c.id)'] : []),
    ]
    const sql = `SELECT * FROM credentials c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at, id`
    return this.#read('list credentials', () =>
      (this.#r(sql).all({ ...(filter.subject !== undefined ? { subject: filter.subject } : {}), ...(filter.taskId !== undefined ? { task: filter.taskId } : {}) }) as CredentialRow[]).map(toCredential))
  }

  readAudit(fromSeq = 1, limit = 10_000): Promise<AuditEntry[]> {
    return this.#read('read audit log', () =>
      (this.#r('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?').all(fromSeq, limit) as AuditRow[]).map(toAudit))
  }

  searchAudit(filter: { actor?: string; action?: string; target?: string; before?: number }, limit: number): Promise<{ entries: AuditEntry[]; last: number }> {
    return this.#read('read audit log', () => {
      const args = { actor: filter.actor ?? null, action: filter.action ?? null, target: filter.target ?? null, before: filter.before ?? null, limit }
      const rows = this.#r(`SELECT * FROM audit_log WHERE (@before IS NULL OR seq < @before) AND (@actor IS NULL OR actor = @actor)
          AND (@action IS NULL OR substr(action, 1, length(@action)) = @action) AND (@target IS NULL OR target = @target)
          ORDER BY seq DESC LIMIT @limit`).all(args) as AuditRow[]
      const last = (this.#r('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log').get() as { n: number }).n
      return { entries: rows.map(toAudit), last }
    })
  }

  async close(): Promise<void> {
    // Queued behind every pending write, so that in-flight work commits first.
    await this.#writes.run(() => undefined)
    this.#reader.close()
    this.#db.close()
  }
}

interface SuppressionRow {
  id: string
  agent: string | null
  kind: string | null
  about: string | null
  reason: string
  created_by: string
  created_at: number
  expires_at: number
  ended_at: number | null
  ended_by: string | null
}

function toSuppression(row: SuppressionRow): SuppressionRecord {
  return {
    id: row.id, ...(row.agent !== null ? { agent: row.agent } : {}), ...(row.kind !== null ? { kind: row.kind } : {}), ...(row.about !== null ? { about: row.about } : {}),
    reason: row.reason, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at,
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}), ...(row.ended_by !== null ? { endedBy: row.ended_by } : {}),
  }
}
