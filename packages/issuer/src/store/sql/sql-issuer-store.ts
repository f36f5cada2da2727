import { createHash, randomInt } from 'node:crypto'
import { agentIdError, entitlementToJson, parseEntitlements, RISK_LEVELS, type RiskLevel } from '@agentid/core'
import { auditEntryHash, GENESIS_HASH } from '../../audit/hash-chain.js'
import { reviewDigest } from '../../governance/review-digest.js'
import { openPrivateKey, sealPrivateKey, type KeyEncryptionKey } from '../../keys/key-encryption.js'
import type {
  AccessRequestRecord,
  AgentFilter,
  AgentPosition,
  AgentRecord,
  AlertFeedbackRecord,
  AlertPageFilter, AlertRecord,
  AuditCheckpointRecord,
  AuditEntry,
  AuditInput,
  CredentialDraft,
  CredentialOfferRecord,
  CredentialRecord,
  DecisionFacts,
  DelegationRecord,
  Holding,
  Issuance,
  IssuedRecord,
  IssuerSetup,
  IssuerStore,
  KeyCustodyStores,
  OfferRedemption,
  PartyStart,
  PendingRequest,
  PolicyVersion,
  PrincipalChange,
  PrincipalRecord,
  RequestDecision,
  RetirementStep,
  ReviewCampaignRecord,
  ReviewItemRecord,
  ReviewOpened,
  ReviewSelection,
  RoleTemplate,
  StatusAllocation,
  StatusListRecord,
  SuppressionRecord,
  VoidedApproval,
  WebhookRecord,
} from '../issuer-store.js'
import { nextListIds, pickStatusSlot } from '../status-slots.js'
import { canonicalIdentity, ownedClosure, ownerChain, partyMembers, partyTop } from './parties.js'
import {
  toAgent, toAlert, toApproval, toAudit, toCampaign, toCredential, toDelegation, toItem, toOffer, toPrincipal, toRequest, toRole, toStatusList, toSuppression, toWebhook,
  type AgentRow, type AlertRow, type ApprovalRow, type AuditRow, type CampaignRow, type CredentialRow, type DelegationRow, type ItemRow, type OfferRow,
  type PrincipalRow, type RequestRow, type RoleRow, type StatusListRow, type SuppressionRow, type WebhookRow,
} from './rows.js'
import type { SqlDialect, SqlEngine, SqlSession } from './sql-session.js'

/** A private-key store whose key-encryption key changes once a rotation has committed. */
export interface RekeyableCustody extends KeyCustodyStores {
  /** Opens and seals with `kek` from now on. */
  useKek(kek: KeyEncryptionKey): void
}

/** What {@link SqlIssuerStore} runs on. */
export interface SqlIssuerStoreOptions {
  readonly engine: SqlEngine
  readonly custody: RekeyableCustody
  readonly kek: KeyEncryptionKey
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number
  /** Random index in [0, max) for status-list slots (default crypto.randomInt). */
  readonly randomIndex?: (max: number) => number
}

// Review items are checked and written this many at a time: a campaign over a million live
// credentials is never held in memory whole, and each statement stays within the engines'
// limits on parameters.
const REVIEW_BATCH = 500

/**
 * The issuer's system of record over any SQL backend: every rule (retirement cascades, duty
 * groups, task completion, overdue reviews, lineage revocation and suspension, offer redemption,
 * slot choice, the audit chain) written once, each operation one transaction of its engine.
 */
export class SqlIssuerStore implements IssuerStore {
  readonly backend: string
  readonly custody: KeyCustodyStores
  readonly #engine: SqlEngine
  readonly #d: SqlDialect
  readonly #rekey: (kek: KeyEncryptionKey) => void
  readonly #now: () => number
  readonly #randomIndex: (max: number) => number
  #kek: KeyEncryptionKey

  constructor(options: SqlIssuerStoreOptions) {
    this.#engine = options.engine
    this.backend = options.engine.backend
    this.#d = options.engine.dialect
    const { useKek, ...custody } = options.custody
    this.custody = custody
    this.#rekey = useKek.bind(options.custody)
    this.#kek = options.kek
    this.#now = options.now ?? Date.now
    this.#randomIndex = options.randomIndex ?? ((max) => randomInt(max))
  }

  // Appends one audit entry; the caller's transaction makes it atomic with the change it records
  // (and the engine orders transactions, so that the chain has one head).
  async #appendAudit(tx: SqlSession, input: AuditInput): Promise<AuditEntry> {
    const last = await tx.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
    const seq = (last?.seq ?? 0) + 1
    const prevHash = last?.hash ?? GENESIS_HASH
    const at = this.#now()
    const hash = auditEntryHash(prevHash, seq, at, input)
    await tx.run('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [seq, at, input.actor, input.action, input.target ?? null, JSON.stringify(input.details), prevHash, hash])
    return { ...input, seq, at, prevHash, hash }
  }

  #write<T>(what: string, body: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#engine.write(what, body)
  }

  #read<T>(what: string, body: (db: SqlSession) => Promise<T>): Promise<T> {
    return this.#engine.read(what, body)
  }

  getSetting(key: string): Promise<string | undefined> {
    return this.#read('read setting', async (db) => (await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))?.value)
  }

  pendingWrites(): number {
    return this.#engine.pendingWrites()
  }

  setSetting(key: string, value: string, audit: AuditInput): Promise<void> {
    return this.#write(`set ${key}`, async (tx) => {
      await tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])
      await this.#appendAudit(tx, audit)
    })
  }

  initialize(setup: IssuerSetup, audit: AuditInput): Promise<void> {
    return this.#write('initialize issuer', async (tx) => {
      if (await tx.get('SELECT 1 AS one FROM settings LIMIT 1')) throw agentIdError('ERR_CONFLICT', 'issuer is already initialised')
      for (const [key, value] of Object.entries(setup.settings)) await tx.run('INSERT INTO settings (key, value) VALUES (?, ?)', [key, value])
      const l = setup.statusList
      await tx.run('INSERT INTO status_lists (id, purpose, size, created_at) VALUES (?, ?, ?, ?)', [l.id, l.purpose, l.size, l.createdAt])
      const p = setup.admin
      await tx.run('INSERT INTO principals (id, roles, token_sha256, created_at) VALUES (?, ?, ?, ?)', [p.id, JSON.stringify(p.roles), p.tokenSha256, p.createdAt])
      for (const r of setup.roles) {
        await tx.run('INSERT INTO roles (name, description, entitlements, ttl_seconds) VALUES (?, ?, ?, ?)', [r.name, r.description, JSON.stringify(r.entitlements.map(entitlementToJson)), r.ttlSeconds])
      }
      await this.#appendAudit(tx, audit)
    })
  }

  registerAgent(agent: AgentRecord, audit: AuditInput, initial?: Issuance | PendingRequest): Promise<IssuedRecord | undefined> {
    return this.#write(`register agent ${agent.did}`, async (tx) => {
      if (await tx.get('SELECT 1 AS one FROM agents WHERE did = ?', [agent.did])) throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is already enrolled`)
      await this.#checkPersonRoles(tx, agent)
      await tx.run('INSERT INTO agents (did, name, kind, owner, segment, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [agent.did, agent.name, agent.kind, agent.owner, agent.segment ?? null, agent.role ?? null, agent.status, agent.createdAt])
      await this.#appendAudit(tx, audit)
      if (initial === undefined) return undefined
      if ('request' in initial) {
        await this.#insertRequest(tx, initial.request, initial.audit)
        return undefined
      }
      return this.#issue(tx, initial)
    })
  }

  // Who acts for a person, kept consistent in the enrolling transaction (so that a retirement or
  // another enrolment running at the same time cannot slip between check and insert): an
  // employee agent's owner, when enrolled, is an active person; and a DID that employee agents
  // name as their owner can only be enrolled as a person.
  // Any kind: nobody who has left owns an agent (as a DID, or through a principal's id).
  async #checkPersonRoles(tx: SqlSession, agent: AgentRecord): Promise<void> {
    const owner = await tx.get<{ name: string; kind: string; status: string }>('SELECT name, kind, status FROM agents WHERE did = ?', [await canonicalIdentity(tx, agent.owner)])
    if (owner && owner.status !== 'active') throw agentIdError('ERR_CONFLICT', `${owner.name} (${agent.owner}) is retired and cannot own agents`)
    if (agent.kind === 'employee') {
      if (owner && owner.kind !== 'person') throw agentIdError('ERR_INPUT_INVALID', `an employee agent's owner must be a person; ${agent.owner} is enrolled as a ${owner.kind} agent`)
    } else if (agent.kind !== 'person' && await tx.get("SELECT 1 AS one FROM agents WHERE owner = ? AND kind = 'employee'", [agent.did])) {
      throw agentIdError('ERR_INPUT_INVALID', `${agent.did} owns employee agents: enrol it as a person`)
    }
  }

  getAgent(did: string): Promise<AgentRecord | undefined> {
    return this.#read('read agent', async (db) => {
      const row = await db.get<AgentRow>('SELECT * FROM agents WHERE did = ?', [did])
      return row && toAgent(row)
    })
  }

  listAgents(): Promise<AgentRecord[]> {
    return this.#read('list agents', async (db) => (await db.all<AgentRow>('SELECT * FROM agents ORDER BY created_at, did')).map(toAgent))
  }

  pageAgents(filter: AgentFilter, limit: number, offset: number): Promise<{ agents: AgentRecord[]; total: number }> {
    return this.#read('list agents', async (db) => {
      const { where, args } = this.#agentWhere(filter)
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM agents ${clause}`, args))!.n
      const rows = await db.all<AgentRow>(`SELECT * FROM agents ${clause} ORDER BY created_at, did LIMIT ? OFFSET ?`, [...args, limit, offset])
      return { agents: rows.map(toAgent), total }
    })
  }

  pageAgentsAfter(filter: AgentFilter, limit: number, after?: AgentPosition): Promise<{ agents: AgentRecord[]; next?: AgentPosition }> {
    return this.#read('list agents', async (db) => {
      const { where, args } = this.#agentWhere(filter)
      if (after) {
        // A range of agents_by_created (created_at, did), whatever the page's depth.
        where.push('(created_at, did) > (?, ?)')
        args.push(after.createdAt, after.did)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      // One row more than the page tells whether another page follows.
      const rows = await db.all<AgentRow>(`SELECT * FROM agents ${clause} ORDER BY created_at, did LIMIT ?`, [...args, limit + 1])
      const agents = rows.slice(0, limit).map(toAgent)
      const last = agents[agents.length - 1]
      return { agents, ...(rows.length > limit && last ? { next: { createdAt: last.createdAt, did: last.did } } : {}) }
    })
  }

  #agentWhere(filter: AgentFilter): { where: string[]; args: unknown[] } {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.text !== undefined) {
      where.push(`(${this.#d.contains('lower(name)', 'lower(CAST(? AS TEXT))')} OR ${this.#d.contains('did', '?')})`)
      args.push(filter.text, filter.text)
    }
    for (const key of ['kind', 'owner', 'segment'] as const) {
      if (filter[key] !== undefined) {
        where.push(`${key} = ?`)
        args.push(filter[key])
      }
    }
    if (filter.status === 'retired') where.push("status = 'retired'")
    if (filter.status === 'active') where.push("status = 'active' AND suspended_at IS NULL")
    if (filter.status === 'suspended') where.push("status = 'active' AND suspended_at IS NOT NULL")
    if (filter.risk !== undefined) {
      where.push("EXISTS (SELECT 1 FROM credentials c WHERE c.subject = agents.did AND c.status = 'active' AND c.risk = ?)")
      args.push(filter.risk)
    }
    if (filter.visibleTo !== undefined) {
      where.push(`owner IN ${this.#d.jsonElements('?')}`)
      args.push(JSON.stringify(filter.visibleTo))
    }
    return { where, args }
  }

  getRole(name: string): Promise<RoleTemplate | undefined> {
    return this.#read('read role', async (db) => {
      const row = await db.get<RoleRow>('SELECT * FROM roles WHERE name = ?', [name])
      return row && toRole(row)
    })
  }

  listRoles(): Promise<RoleTemplate[]> {
    return this.#read('list roles', async (db) => (await db.all<RoleRow>('SELECT * FROM roles ORDER BY name')).map(toRole))
  }

  issueCredential(
    draft: CredentialDraft,
    sign: (allocation: StatusAllocation) => Promise<string>,
    audit: (record: CredentialRecord) => AuditInput,
    guard?: Issuance['guard'],
  ): Promise<IssuedRecord> {
    return this.#write(`issue credential ${draft.id}`, (tx) => this.#issue(tx, { draft, sign, audit, ...(guard ? { guard } : {}) }))
  }

  // Inside a write: the agent, enrolled, active and not suspended now (not when the caller looked).
  async #assertActiveAgent(tx: SqlSession, did: string): Promise<void> {
    const agent = await tx.get<{ status: string; suspended_at: number | null }>('SELECT status, suspended_at FROM agents WHERE did = ?', [did])
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
    if (agent.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${did} is ${agent.status}`)
    if (agent.suspended_at !== null) throw agentIdError('ERR_CONFLICT', `agent ${did} is suspended; resume it first`)
  }

  // Inside a transaction: the agent must be active now (not when the caller looked), then the
  // status slot, the signature, the row and its audit entry.
  async #issue(tx: SqlSession, { draft, sign, audit, guard }: Issuance): Promise<IssuedRecord> {
    await this.#assertActiveAgent(tx, draft.subject)
    if (draft.task) await this.#refuseCompletedTask(tx, draft.task.id, draft.subject)
    let grant = draft.id
    if (draft.renews !== undefined) {
      const renewed = await tx.get<{ id: string }>('SELECT id FROM credentials WHERE renews = ?', [draft.renews])
      if (renewed) throw agentIdError('ERR_CONFLICT', `credential ${draft.renews} was renewed already, by ${renewed.id}`)
      // The grant as it is now, in this transaction: a revocation or suspension that committed
      // since the caller looked stops the renewal.
      const from = await tx.get<{ renew_until: number | null; grant_id: string }>('SELECT renew_until, COALESCE(grant_id, id) AS grant_id FROM credentials WHERE id = ?', [draft.renews])
      const stopped = from && await tx.get<{ id: string; status: string }>("SELECT id, status FROM credentials WHERE grant_id = ? AND status != 'active' LIMIT 1", [from.grant_id])
      if (stopped) throw agentIdError(stopped.status === 'revoked' ? 'ERR_VC_REVOKED' : 'ERR_VC_SUSPENDED', `credential ${stopped.id} of this grant is ${stopped.status}`)
      if ((from?.renew_until ?? 0) <= Math.floor(this.#now() / 1000)) throw agentIdError('ERR_NOT_RENEWABLE', `the approved window of credential ${draft.renews} has ended`)
      // A renewal joins the grant of what it renews; anything else starts one.
      grant = from!.grant_id
    }
    if (guard) guard(await this.#dutyGroupHoldings(tx, draft.subject))
    const allocation = await this.#allocateStatusIndex(tx)
    const jwt = await sign(allocation)
    const record: CredentialRecord = {
      ...draft, ...allocation, status: 'active',
      jwtSha256: createHash('sha256').update(jwt).digest('hex'), issuedAt: this.#now(),
    }
    await tx.run(`INSERT INTO credentials (id, subject, issuer, entitlements, task, risk, not_before, expires, status, status_list, status_index, jwt_sha256, issued_at,
        suspension_list, jit, task_id, request_id, approvals, requested_by, jwt, renew_until, renews, grant_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      record.id, record.subject, record.issuer, JSON.stringify(record.entitlements.map(entitlementToJson)), record.task ? JSON.stringify(record.task) : null,
      record.risk ?? null, record.notBefore, record.expires, record.status, record.listId, record.index, record.jwtSha256, record.issuedAt,
      record.suspensionListId ?? null, record.jit ? 1 : 0, record.task?.id ?? null, record.requestId ?? null,
      record.approvals ? JSON.stringify(record.approvals) : null, record.requestedBy ?? null, jwt, record.renewUntil ?? null, record.renews ?? null, grant])
    await this.#appendAudit(tx, audit(record))
    return { record, jwt }
  }

  // Inside a write: a completed task issues and opens nothing more, for whatever the owner who
  // completed it owns (at any depth, the owner's own agent included), or for every agent when an
  // admin did.
  async #refuseCompletedTask(tx: SqlSession, taskId: string, subject: string): Promise<void> {
    const owners = JSON.stringify(['*', ...await ownerChain(tx, subject)])
    const done = await tx.get<{ completed_at: number }>(`SELECT completed_at FROM completed_tasks WHERE task_id = ? AND owner IN ${this.#d.jsonElements('?')} LIMIT 1`, [taskId, owners])
    if (done) throw agentIdError('ERR_CONFLICT', `task ${taskId} was completed at ${new Date(done.completed_at).toISOString()}: nothing more is issued for it`)
  }

  // What a duty group holds: live credentials of every member of the party (suspended ones may
  // come back), and live reported delegations to any of them whose root credential is live.
  async #dutyGroupHoldings(sql: SqlSession, start: PartyStart): Promise<Holding[]> {
    return this.#holdingsOf(sql, await partyMembers(sql, this.#d, start))
  }

  async #holdingsOf(sql: SqlSession, identities: readonly string[]): Promise<Holding[]> {
    const members = JSON.stringify(identities)
    const now = Math.floor(this.#now() / 1000)
    const credentials = (await sql.all<CredentialRow>(`SELECT * FROM credentials WHERE status != 'revoked' AND expires > ? AND subject IN ${this.#d.jsonElements('?')} ORDER BY issued_at, id`,
      [now, members])).map(toCredential)
    const delegations = (await sql.all<DelegationRow>(`SELECT d.* FROM delegations d JOIN credentials c ON c.id = d.root
        WHERE d.expires > ? AND c.status != 'revoked' AND d.delegate IN ${this.#d.jsonElements('?')} ORDER BY d.reported_at, d.id`, [now, members])).map(toDelegation)
    return [
      ...credentials.map((c): Holding => ({ id: c.id, subject: c.subject, entitlements: c.entitlements, via: 'credential' })),
      ...delegations.map((d): Holding => ({ id: d.id, subject: d.delegate, entitlements: parseEntitlements(d.entitlements, 'delegations.entitlements', { allowUnknownConstraints: true }), via: 'delegation' })),
    ]
  }

  dutyGroupHoldings(start: PartyStart): Promise<Holding[]> {
    return this.#read('read duty group', (db) => this.#dutyGroupHoldings(db, start))
  }

  partyTop(start: PartyStart): Promise<string> {
    return this.#read('read party', (db) => partyTop(db, start))
  }

  // Inside the issuing write: a free slot by the rule of every backend (pickStatusSlot). The
  // unique keys on (list, index) stand behind it: a backend whose writers race retries on them.
  // When the newest list is full, the next pair of lists begins, for the same issuer key and of
  // the same size, in this write (audited as `status.list.add`): an issuer never stops issuing
  // for want of status slots, and no index is ever used twice.
  async #allocateStatusIndex(tx: SqlSession): Promise<StatusAllocation> {
    const list = await tx.get<StatusListRow>("SELECT * FROM status_lists WHERE purpose = 'revocation' ORDER BY created_at DESC, id DESC LIMIT 1")
    if (!list) throw agentIdError('ERR_STORE', 'no status list to allocate from; was the issuer initialised?')
    const suspension = await tx.get<{ id: string }>("SELECT id FROM status_lists WHERE purpose = 'suspension' AND size = ? ORDER BY created_at DESC, id DESC LIMIT 1", [list.size])
    const slot = await this.#pickSlot(tx, list, suspension?.id)
    if (slot) return slot
    const ids = nextListIds((await tx.all<{ id: string }>('SELECT id FROM status_lists')).map((l) => l.id))
    // Newest by creation time, as the lists in use are found: later than every list, whatever the clock says.
    const createdAt = Math.max(this.#now(), ((await tx.get<{ at: number | null }>('SELECT MAX(created_at) AS at FROM status_lists'))?.at ?? 0) + 1)
    for (const [id, purpose] of [[ids.revocation, 'revocation'], [ids.suspension, 'suspension']] as const) {
      await tx.run('INSERT INTO status_lists (id, purpose, size, created_at, issuer) VALUES (?, ?, ?, ?, ?)', [id, purpose, list.size, createdAt, list.issuer])
    }
    await this.#appendAudit(tx, { actor: 'system', action: 'status.list.add', target: ids.revocation, details: { lists: [ids.revocation, ids.suspension], after: list.id, size: list.size } })
    const fresh = await this.#pickSlot(tx, { id: ids.revocation, size: list.size }, ids.suspension)
    if (!fresh) throw agentIdError('ERR_STORE', `no free status slot in the new list ${ids.revocation}`)
    return fresh
  }

  #pickSlot(tx: SqlSession, list: { id: string; size: number }, suspension: string | undefined): Promise<StatusAllocation | undefined> {
    return pickStatusSlot(
      { revocation: list, ...(suspension !== undefined ? { suspensionListId: suspension } : {}) },
      async (index) => Boolean(await tx.get('SELECT 1 AS one FROM credentials WHERE status_list = ? AND status_index = ?', [list.id, index])
        || (suspension !== undefined && await tx.get('SELECT 1 AS one FROM credentials WHERE suspension_list = ? AND status_index = ?', [suspension, index]))),
      this.#randomIndex,
    )
  }

  revokeCredential(id: string, audit: (record: CredentialRecord) => AuditInput): Promise<{ record: CredentialRecord; changed: boolean }> {
    return this.#write(`revoke credential ${id}`, async (tx) => {
      const row = await tx.get<CredentialRow>('SELECT * FROM credentials WHERE id = ?', [id])
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no credential ${id}`)
      // The whole grant: the credential and every renewal of its lineage, each audited. Revoked
      // already (a retry whose answer was lost): the same end state, nothing to do.
      const revoked = await this.#revokeLineage(tx, id)
      for (const r of [...revoked].sort((a, b) => Number(b.id === id) - Number(a.id === id))) await this.#appendAudit(tx, audit(r))
      return { record: revoked.find((r) => r.id === id) ?? toCredential(row), changed: revoked.length > 0 }
    })
  }

  // Inside a write: every credential of the grant of `id` (the first of its lineage and every
  // renewal since), oldest first. A grant renewed into several credentials is one grant.
  #lineage(tx: SqlSession, id: string): Promise<CredentialRow[]> {
    return tx.all<CredentialRow>('SELECT * FROM credentials WHERE grant_id = (SELECT COALESCE(grant_id, id) FROM credentials WHERE id = ?) ORDER BY issued_at, id', [id])
  }

  // Inside a write: revokes the lineage of `id` (whatever is not revoked yet); the records changed.
  async #revokeLineage(tx: SqlSession, id: string): Promise<CredentialRecord[]> {
    return this.#revokeRows(tx, (await this.#lineage(tx, id)).filter((r) => r.status !== 'revoked'))
  }

  // Inside a write: revokes these rows, read in the same write; the records as revoked. Every
  // revocation (by id, lineage, review, retirement, task) goes through here.
  async #revokeRows(tx: SqlSession, rows: readonly CredentialRow[]): Promise<CredentialRecord[]> {
    for (const r of rows) await tx.run("UPDATE credentials SET status = 'revoked' WHERE id = ?", [r.id])
    return rows.map((r) => toCredential({ ...r, status: 'revoked' }))
  }

  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]> {
    const what = 'credentialId' in target ? `credential ${target.credentialId}` : `credentials of ${target.agent}`
    return this.#write(`${suspended ? 'suspend' : 'resume'} ${what}`, async (tx) => {
      const from = suspended ? 'active' : 'suspended'
      let rows: CredentialRow[]
      if ('credentialId' in target) {
        const row = await tx.get<CredentialRow>('SELECT * FROM credentials WHERE id = ?', [target.credentialId])
        if (!row) throw agentIdError('ERR_NOT_FOUND', `no credential ${target.credentialId}`)
        // In the state asked for already (a retry whose answer was lost): nothing changes.
        if (row.status === (suspended ? 'suspended' : 'active')) return []
        if (row.status !== from) throw agentIdError('ERR_CONFLICT', `credential ${row.id} is ${row.status}, not ${from}`)
        // A credential its agent's suspension stopped comes back with its agent, not on its own.
        if (!suspended && row.suspended_for === 'agent') throw agentIdError('ERR_CONFLICT', `credential ${row.id} is suspended with its agent ${row.subject}: resume the agent`)
        // With every renewal of its lineage in that state: one grant, suspended or resumed whole.
        rows = (await this.#lineage(tx, row.id)).filter((r) => r.status === from && (suspended || r.suspended_for !== 'agent'))
      } else {
        const agent = await tx.get<{ suspended_at: number | null }>('SELECT suspended_at FROM agents WHERE did = ?', [target.agent])
        if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${target.agent} is not enrolled`)
        // Resuming the agent resumes what its suspension stopped, never a credential suspended on its own.
        rows = suspended
          ? await tx.all<CredentialRow>("SELECT * FROM credentials WHERE subject = ? AND status = 'active' ORDER BY issued_at, id", [target.agent])
          : await tx.all<CredentialRow>("SELECT * FROM credentials WHERE subject = ? AND status = 'suspended' AND suspended_for IS DISTINCT FROM 'credential' ORDER BY issued_at, id", [target.agent])
        // In the state asked for already: nothing changes, nothing is recorded.
        if (rows.length === 0 && (agent.suspended_at !== null) === suspended) return []
        // An agent whose owner was retired waits for a new owner before it comes back.
        if (!suspended && await this.#ownerRetired(tx, target.agent)) throw agentIdError('ERR_CONFLICT', `the owner of ${target.agent} is retired: give it a new owner first (agent transfer)`)
        await tx.run('UPDATE agents SET suspended_at = ? WHERE did = ?', [suspended ? this.#now() : null, target.agent])
      }
      const noSlot = rows.find((r) => r.suspension_list === null)
      if (noSlot) throw agentIdError('ERR_CONFLICT', `credential ${noSlot.id} was issued before suspension lists and cannot be suspended; revoke it instead`)
      const reason = !suspended ? null : 'credentialId' in target ? 'credential' : 'agent'
      const to = suspended ? 'suspended' : 'active'
      for (const r of rows) await tx.run('UPDATE credentials SET status = ?, suspended_for = ? WHERE id = ?', [to, reason, r.id])
      const changed = rows.map((r) => toCredential({ ...r, status: to, suspended_for: reason }))
      await this.#appendAudit(tx, audit(changed))
      return changed
    })
  }

  // Inside a write: whether the agent's owner (as a DID, or the person a principal id speaks for)
  // is a retired agent.
  async #ownerRetired(tx: SqlSession, did: string): Promise<boolean> {
    const row = await tx.get<{ owner: string }>('SELECT owner FROM agents WHERE did = ?', [did])
    if (!row) return false
    const owner = await tx.get<{ status: string }>('SELECT status FROM agents WHERE did = ?', [await canonicalIdentity(tx, row.owner)])
    return owner?.status === 'retired'
  }

  retireAgent(did: string, audit: (step: RetirementStep) => AuditInput, options: { readonly ownedAgents?: 'retire' | 'suspend' } = {}): Promise<RetirementStep[]> {
    return this.#write(`retire ${did}`, async (tx) => {
      const d = this.#d
      const self = await tx.get<{ status: string }>('SELECT status FROM agents WHERE did = ?', [did])
      // Everything the DID owns, at any depth, as a DID or under the id of a principal that speaks
      // for it (disabled ones too); and every principal bound to any of them.
      const closure = JSON.stringify(await ownedClosure(tx, d, did))
      const owned = await tx.all<{ did: string }>(`SELECT did FROM agents WHERE did IN ${d.jsonElements('?')} AND did != ? AND status = 'active' ORDER BY created_at, did`, [closure, did])
      const principals = (await tx.all<{ id: string }>(`SELECT id FROM principals WHERE (id IN ${d.jsonElements('?')} OR did IN ${d.jsonElements('?')}) AND disabled_at IS NULL ORDER BY id`, [closure, closure]))
        .map((p) => p.id)
      const ownsAny = await tx.get(`SELECT 1 AS one FROM agents WHERE did IN ${d.jsonElements('?')} AND did != ? LIMIT 1`, [closure, did])
      if (!self && !ownsAny) throw agentIdError('ERR_NOT_FOUND', `${did} is neither an enrolled agent nor an owner of one`)
      const targets = [...(self?.status === 'active' ? [{ did, cascadeFrom: undefined }] : []), ...owned.map((e) => ({ did: e.did, cascadeFrom: did }))]
      if (targets.length === 0 && principals.length === 0) throw agentIdError('ERR_CONFLICT', self ? `agent ${did} is already retired` : `${did} has no active agents`)
      const now = this.#now()
      // The person's sign-in goes with them, and the approvals they gave that have not issued yet.
      if (principals.length > 0) await tx.run(`UPDATE principals SET disabled_at = ? WHERE id IN ${d.jsonElements('?')}`, [now, JSON.stringify(principals)])
      const voided = await this.#voidApprovals(tx, principals, async () => true)
      const steps: RetirementStep[] = []
      const everyone = JSON.stringify([...targets.map((t) => t.did), ...principals])
      // Requests pending for any of them or filed by any of them end with them.
      const pending = await tx.all<{ id: string }>(`SELECT id FROM access_requests WHERE status = 'pending' AND (subject IN ${d.jsonElements('?')} OR requester IN ${d.jsonElements('?')}) ORDER BY created_at, id`,
        [everyone, everyone])
      for (const r of pending) await tx.run("UPDATE access_requests SET status = 'expired', decided_at = ? WHERE id = ?", [now, r.id])
      const pendingIds = JSON.stringify(pending.map((p) => p.id))
      const closedFor = async (who: string) => (await tx.all<{ id: string }>(`SELECT id FROM access_requests WHERE id IN ${d.jsonElements('?')} AND (subject = ? OR requester = ?) ORDER BY id`,
        [pendingIds, who, who])).map((r) => r.id)
      const byPrincipals: string[] = []
      for (const p of principals) byPrincipals.push(...await closedFor(p))
      for (const [i, target] of targets.entries()) {
        const first = i === 0
        // An owned agent may wait for a new owner, suspended, when the policy says so.
        const outcome = target.cascadeFrom !== undefined && options.ownedAgents === 'suspend' ? 'suspended' : 'retired'
        let revoked: CredentialRecord[] = []
        if (outcome === 'retired') {
          await tx.run("UPDATE agents SET status = 'retired' WHERE did = ?", [target.did])
          revoked = await this.#revokeRows(tx, await tx.all<CredentialRow>("SELECT * FROM credentials WHERE subject = ? AND status != 'revoked' ORDER BY issued_at, id", [target.did]))
        } else {
          await tx.run('UPDATE agents SET suspended_at = COALESCE(suspended_at, ?) WHERE did = ?', [now, target.did])
          await tx.run("UPDATE credentials SET status = 'suspended', suspended_for = 'agent' WHERE subject = ? AND status = 'active' AND suspension_list IS NOT NULL", [target.did])
        }
        const step: RetirementStep = {
          agent: target.did, outcome, revoked,
          principalsDisabled: first ? principals : [], approvalsVoided: first ? voided : [],
          requestsClosed: [...new Set([...await closedFor(target.did), ...(first ? byPrincipals : [])])],
          ...(target.cascadeFrom !== undefined ? { cascadeFrom: target.cascadeFrom } : {}),
        }
        await this.#appendAudit(tx, audit(step))
        steps.push(step)
      }
      // A person who is not enrolled as an agent and owns nothing live: their sign-in still goes.
      if (targets.length === 0) {
        const step: RetirementStep = { agent: did, outcome: 'retired', revoked: [], principalsDisabled: principals, approvalsVoided: voided, requestsClosed: byPrincipals }
        await this.#appendAudit(tx, audit(step))
        steps.push(step)
      }
      return steps
    })
  }

  transferAgent(did: string, owner: string, audit: (previous: AgentRecord, voided: readonly VoidedApproval[]) => AuditInput, guard?: (moving: readonly Holding[], joining: readonly Holding[]) => void): Promise<{ agent: AgentRecord; voided: VoidedApproval[] }> {
    return this.#write(`transfer ${did}`, async (tx) => {
      const d = this.#d
      const row = await tx.get<AgentRow>('SELECT * FROM agents WHERE did = ?', [did])
      if (!row) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
      if (row.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${did} is retired`)
      if (row.owner === owner) throw agentIdError('ERR_CONFLICT', `agent ${did} is owned by ${owner} already`)
      const previous = toAgent(row)
      const next: AgentRecord = { ...previous, owner }
      await this.#checkPersonRoles(tx, next)
      // Not owned by this agent (no cycle of owners); #checkPersonRoles saw that the owner is active.
      const moving = await ownedClosure(tx, d, did)
      if (moving.includes(await canonicalIdentity(tx, owner))) throw agentIdError('ERR_INPUT_INVALID', `${owner} is owned by ${did}: owners cannot form a cycle`)
      // What moves (the agent and what it owns) must not give the party it joins both sides of a duty.
      if (guard) {
        // A team owner makes the agent the top of its own party: it joins nothing.
        const team = !owner.startsWith('did:') && !(await tx.get('SELECT 1 AS one FROM principals WHERE id = ?', [owner]))
        const joining = team ? [] : await this.#holdingsOf(tx, (await partyMembers(tx, d, owner)).filter((m) => !moving.includes(m)))
        guard(await this.#holdingsOf(tx, moving), joining)
      }
      await tx.run('UPDATE agents SET owner = ? WHERE did = ?', [owner, did])
      // Approvals of its pending requests given by its new party no longer count.
      const newParty = new Set(await partyMembers(tx, d, did))
      const approvers: string[] = []
      for (const { principal } of await tx.all<{ principal: string }>(`SELECT DISTINCT a.principal FROM approvals a JOIN access_requests r ON r.id = a.request_id
          WHERE r.status = 'pending' AND r.subject IN ${d.jsonElements('?')} ORDER BY a.principal`, [JSON.stringify(moving)])) {
        if (newParty.has(await canonicalIdentity(tx, principal)) || newParty.has(principal)) approvers.push(principal)
      }
      const movingSet = new Set(moving)
      const voided = await this.#voidApprovals(tx, approvers, async (a) => {
        const subject = (await tx.get<{ subject: string }>('SELECT subject FROM access_requests WHERE id = ?', [a.request_id]))!.subject
        return movingSet.has(subject)
      })
      await this.#appendAudit(tx, audit(previous, voided))
      return { agent: next, voided }
    })
  }

  // Inside a write: the approvals of pending requests given by `principals` (those `voids` picks)
  // stop counting, with every later level of the same request (given on the strength of them).
  async #voidApprovals(tx: SqlSession, principals: readonly string[], voids: (approval: ApprovalRow) => Promise<boolean>): Promise<VoidedApproval[]> {
    if (principals.length === 0) return []
    const given: ApprovalRow[] = []
    for (const a of await tx.all<ApprovalRow>(`SELECT a.* FROM approvals a JOIN access_requests r ON r.id = a.request_id
        WHERE r.status = 'pending' AND a.decision = 'approve' AND a.principal IN ${this.#d.jsonElements('?')} ORDER BY a.request_id, a.level`, [JSON.stringify(principals)])) {
      if (await voids(a)) given.push(a)
    }
    const voided: VoidedApproval[] = []
    const from = new Map<string, number>()
    for (const a of given) if (!from.has(a.request_id)) from.set(a.request_id, a.level)
    for (const [request, level] of from) {
      const rows = await tx.all<ApprovalRow>('SELECT * FROM approvals WHERE request_id = ? AND level >= ? ORDER BY level', [request, level])
      await tx.run('DELETE FROM approvals WHERE request_id = ? AND level >= ?', [request, level])
      voided.push(...rows.map((r) => ({ request, level: r.level, principal: r.principal, role: r.role })))
    }
    return voided
  }

  createPrincipal(principal: PrincipalRecord, audit: AuditInput): Promise<void> {
    return this.#write(`create principal ${principal.id}`, async (tx) => {
      if (await tx.get('SELECT 1 AS one FROM principals WHERE id = ?', [principal.id])) throw agentIdError('ERR_CONFLICT', `principal ${principal.id} exists already`)
      await this.#refuseSecondPrincipal(tx, principal)
      await tx.run('INSERT INTO principals (id, roles, token_sha256, did, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        [principal.id, JSON.stringify(principal.roles), principal.tokenSha256, principal.did ?? null, principal.createdAt, principal.expiresAt ?? null])
      await this.#appendAudit(tx, audit)
    })
  }

  // One person, one principal: the approval rules (never your own request, once per request,
  // never your own agent) count people, not tokens.
  async #refuseSecondPrincipal(tx: SqlSession, principal: PrincipalRecord): Promise<void> {
    const person = principal.did ?? principal.id
    const other = await tx.get<{ id: string }>('SELECT id FROM principals WHERE (did = ? OR id = ?) AND disabled_at IS NULL AND id != ?', [person, person, principal.id])
    if (other) throw agentIdError('ERR_CONFLICT', `another principal (${other.id}) already speaks for ${person}; give that one more roles instead`)
  }

  getPrincipal(id: string): Promise<PrincipalRecord | undefined> {
    return this.#read('read principal', async (db) => {
      const row = await db.get<PrincipalRow>('SELECT * FROM principals WHERE id = ?', [id])
      return row && toPrincipal(row)
    })
  }

  updatePrincipal(id: string, change: (current: PrincipalRecord) => PrincipalChange, audit: (updated: PrincipalRecord, voided: readonly VoidedApproval[]) => AuditInput): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }> {
    return this.#write(`update principal ${id}`, async (tx) => {
      const row = await tx.get<PrincipalRow>('SELECT * FROM principals WHERE id = ?', [id])
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
      if (updated.disabledAt === undefined && current.disabledAt !== undefined) await this.#refuseSecondPrincipal(tx, updated)
      // Nobody locks the issuer out of itself through the API: the last enabled admin stays.
      // An admin whose token expires does not keep the issuer reachable either.
      const stillAdmin = updated.disabledAt === undefined && updated.roles.includes('admin') && updated.expiresAt === undefined
      if (!stillAdmin && current.roles.includes('admin') && current.disabledAt === undefined) {
        const others = await tx.get(`SELECT 1 AS one FROM principals WHERE 'admin' IN ${this.#d.jsonElements('principals.roles')} AND disabled_at IS NULL AND expires_at IS NULL AND id != ? LIMIT 1`, [id])
        if (!others) throw agentIdError('ERR_CONFLICT', `${id} is the last enabled admin without an expiry: create or enable another admin first`)
      }
      await tx.run('UPDATE principals SET roles = ?, token_sha256 = ?, disabled_at = ?, expires_at = ? WHERE id = ?', [next.roles, next.token_sha256, next.disabled_at, next.expires_at, id])
      // Approvals stop counting once their principal is disabled or no longer holds their role.
      const voided = await this.#voidApprovals(tx, [id], async (a) => updated.disabledAt !== undefined || !updated.roles.includes(a.role))
      await this.#appendAudit(tx, audit(updated, voided))
      return { principal: updated, voided }
    })
  }

  principalByToken(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    return this.#read('authenticate', async (db) => {
      const row = await db.get<PrincipalRow>('SELECT * FROM principals WHERE token_sha256 = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)', [tokenSha256, this.#now()])
      return row && toPrincipal(row)
    })
  }

  principalByTokenAnyState(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    return this.#read('look up a token', async (db) => {
      const row = await db.get<PrincipalRow>('SELECT * FROM principals WHERE token_sha256 = ?', [tokenSha256])
      return row && toPrincipal(row)
    })
  }

  listPrincipals(): Promise<PrincipalRecord[]> {
    return this.#read('list principals', async (db) => (await db.all<PrincipalRow>('SELECT * FROM principals ORDER BY created_at, id')).map(toPrincipal))
  }

  currentPolicy(): Promise<PolicyVersion | undefined> {
    return this.#read('read policy', async (db) => {
      const row = await db.get<PolicyRow>('SELECT * FROM policies ORDER BY version DESC LIMIT 1')
      return row && toPolicy(row)
    })
  }

  listPolicies(limit: number, offset: number): Promise<{ versions: PolicyVersion[]; total: number }> {
    return this.#read('list policies', async (db) => {
      const total = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM policies'))!.n
      const rows = await db.all<PolicyRow>('SELECT * FROM policies ORDER BY version DESC LIMIT ? OFFSET ?', [limit, offset])
      return { versions: rows.map(toPolicy), total }
    })
  }

  putPolicy(document: string, createdBy: string, audit: (version: number) => AuditInput): Promise<PolicyVersion> {
    return this.#write('store policy', async (tx) => {
      const last = (await tx.get<{ v: number | null }>('SELECT MAX(version) AS v FROM policies'))!
      const version = (last.v ?? 0) + 1
      const createdAt = this.#now()
      await tx.run('INSERT INTO policies (version, document, created_at, created_by) VALUES (?, ?, ?, ?)', [version, document, createdAt, createdBy])
      await this.#appendAudit(tx, audit(version))
      return { version, document, createdAt, createdBy }
    })
  }

  putRole(role: RoleTemplate, audit: (previous: RoleTemplate | undefined) => AuditInput): Promise<void> {
    return this.#write(`store role ${role.name}`, async (tx) => {
      const row = await tx.get<RoleRow>('SELECT * FROM roles WHERE name = ?', [role.name])
      await tx.run('INSERT INTO roles (name, description, entitlements, ttl_seconds) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET description = excluded.description, entitlements = excluded.entitlements, ttl_seconds = excluded.ttl_seconds',
        [role.name, role.description, JSON.stringify(role.entitlements.map(entitlementToJson)), role.ttlSeconds])
      await this.#appendAudit(tx, audit(row && toRole(row)))
    })
  }

  deleteRole(name: string, audit: (role: RoleTemplate) => AuditInput): Promise<void> {
    return this.#write(`delete role ${name}`, async (tx) => {
      const row = await tx.get<RoleRow>('SELECT * FROM roles WHERE name = ?', [name])
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no role template "${name}"`)
      await tx.run('DELETE FROM roles WHERE name = ?', [name])
      await this.#appendAudit(tx, audit(toRole(row)))
    })
  }

  createRequest(request: AccessRequestRecord, audit: AuditInput): Promise<void> {
    return this.#write(`open request ${request.id}`, (tx) => this.#insertRequest(tx, request, audit))
  }

  // Inside a write: the agent must be active and not suspended, and the same request not pending.
  async #insertRequest(tx: SqlSession, request: AccessRequestRecord, audit: AuditInput): Promise<void> {
    await this.#assertActiveAgent(tx, request.subject)
    if (request.task) await this.#refuseCompletedTask(tx, request.task.id, request.subject)
    const entitlements = JSON.stringify(request.entitlements.map(entitlementToJson))
    const task = request.task ? JSON.stringify(request.task) : null
    const same = await tx.get<{ id: string }>(`SELECT id FROM access_requests WHERE status = 'pending' AND subject = ? AND entitlements = ? AND ttl_seconds = ? AND jit = ? AND task IS NOT DISTINCT FROM ?`,
      [request.subject, entitlements, request.ttlSeconds, request.jit ? 1 : 0, task])
    if (same) throw agentIdError('ERR_CONFLICT', `the same request for ${request.subject} is pending already: ${same.id}`)
    await tx.run(`INSERT INTO access_requests (id, subject, requester, entitlements, ttl_seconds, task, jit, risk, chain, policy_version, justification, status, created_at, expires_at, renewable_seconds)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`, [
      request.id, request.subject, request.requester, entitlements, request.ttlSeconds,
      task, request.jit ? 1 : 0, request.risk, JSON.stringify(request.chain), request.policyVersion,
      request.justification ?? null, request.createdAt, request.expiresAt, request.renewableSeconds ?? null])
    await this.#appendAudit(tx, audit)
  }

  async #loadRequest(sql: SqlSession, id: string): Promise<AccessRequestRecord | undefined> {
    const row = await sql.get<RequestRow>('SELECT * FROM access_requests WHERE id = ?', [id])
    if (!row) return undefined
    const approvals = (await sql.all<ApprovalRow>('SELECT * FROM approvals WHERE request_id = ? ORDER BY level', [id])).map(toApproval)
    return toRequest(row, approvals)
  }

  async #loadRequests(sql: SqlSession, ids: ReadonlyArray<{ id: string }>): Promise<AccessRequestRecord[]> {
    const requests: AccessRequestRecord[] = []
    for (const { id } of ids) requests.push((await this.#loadRequest(sql, id))!)
    return requests
  }

  getRequest(id: string): Promise<AccessRequestRecord | undefined> {
    return this.#read('read request', (db) => this.#loadRequest(db, id))
  }

  pageRequests(filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return this.#read('page requests', async (db) => {
      const where: string[] = []
      const args: unknown[] = []
      if (filter.status === 'decided') where.push("status != 'pending'")
      else if (filter.status !== undefined) {
        where.push('status = ?')
        args.push(filter.status)
      }
      if (filter.subject !== undefined) {
        where.push('subject = ?')
        args.push(filter.subject)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM access_requests ${clause}`, args))!.n
      const ids = await db.all<{ id: string }>(`SELECT id FROM access_requests ${clause} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, [...args, limit, offset])
      return { requests: await this.#loadRequests(db, ids), total }
    })
  }

  pageQueue(filter: { roles: readonly string[]; principal: string; now: number }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return this.#read('page the approval queue', async (db) => {
      // The level a request waits at is the number of approvals it holds (a denial ends it; a
      // voided approval is removed with every later one), its role the chain's entry there.
      const where = `r.status = 'pending' AND r.expires_at > ? AND r.requester != ?
        AND ${this.#d.jsonIndex('r.chain', '(SELECT COUNT(*) FROM approvals a WHERE a.request_id = r.id)')} IN ${this.#d.jsonElements('?')}
        AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.request_id = r.id AND a.principal = ?)`
      const args = [filter.now, filter.principal, JSON.stringify(filter.roles), filter.principal]
      const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM access_requests r WHERE ${where}`, args))!.n
      const ids = await db.all<{ id: string }>(`SELECT r.id FROM access_requests r WHERE ${where} ORDER BY r.created_at, r.id LIMIT ? OFFSET ?`, [...args, limit, offset])
      return { requests: await this.#loadRequests(db, ids), total }
    })
  }

  listRequests(filter: { status?: AccessRequestRecord['status']; subject?: string } = {}): Promise<AccessRequestRecord[]> {
    return this.#read('list requests', async (db) => {
      const where: string[] = []
      const args: unknown[] = []
      if (filter.status !== undefined) {
        where.push('status = ?')
        args.push(filter.status)
      }
      if (filter.subject !== undefined) {
        where.push('subject = ?')
        args.push(filter.subject)
      }
      const ids = await db.all<{ id: string }>(`SELECT id FROM access_requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, args)
      return this.#loadRequests(db, ids)
    })
  }

  decideRequest(id: string, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<{ request: AccessRequestRecord; issued?: IssuedRecord }> {
    return this.#write(`decide request ${id}`, async (tx) => {
      const request = await this.#loadRequest(tx, id)
      if (!request) throw agentIdError('ERR_NOT_FOUND', `no access request ${id}`)
      const { approval, audit, issuance, rejudged } = await this.#decide(tx, request, decide)
      if (rejudged) {
        await tx.run('UPDATE access_requests SET risk = ?, chain = ?, policy_version = ? WHERE id = ?', [rejudged.risk, JSON.stringify(rejudged.chain), rejudged.policyVersion, id])
      }
      await tx.run('INSERT INTO approvals (request_id, level, principal, role, decision, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, approval.level, approval.principal, approval.role, approval.decision, approval.at, approval.reason ?? null])
      await this.#appendAudit(tx, audit)
      let issued: IssuedRecord | undefined
      if (approval.decision === 'deny') {
        await tx.run("UPDATE access_requests SET status = 'denied', decided_at = ? WHERE id = ?", [approval.at, id])
      } else if (issuance) {
        issued = await this.#issue(tx, issuance)
        await tx.run("UPDATE access_requests SET status = 'issued', decided_at = ?, credential_id = ? WHERE id = ?", [approval.at, issued.record.id, id])
      }
      return { request: (await this.#loadRequest(tx, id))!, ...(issued ? { issued } : {}) }
    })
  }

  // Runs `decide` with facts read inside the transaction. `decide` asks synchronously and the
  // session answers asynchronously: a fact not read yet stops the run, is read, and `decide` runs
  // again with it (it is a pure function of the request and the facts), until it has all it asked.
  async #decide(tx: SqlSession, request: AccessRequestRecord, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<RequestDecision> {
    const principals = new Map<string, PrincipalRecord | undefined>()
    const tops = new Map<string, string>()
    for (;;) {
      const missing: { principal?: string; party?: string } = {}
      const facts: DecisionFacts = {
        sameParty: (a, b) => {
          for (const id of [a, b]) {
            if (!tops.has(id)) {
              missing.party = id
              throw MISSING_FACT
            }
          }
          return tops.get(a) === tops.get(b)
        },
        principal: (id) => {
          if (!principals.has(id)) {
            missing.principal = id
            throw MISSING_FACT
          }
          return principals.get(id)
        },
      }
      try {
        return decide(request, facts)
      } catch (error) {
        if (error !== MISSING_FACT) throw error
        if (missing.party !== undefined) tops.set(missing.party, await partyTop(tx, missing.party))
        if (missing.principal !== undefined) {
          const row = await tx.get<PrincipalRow>('SELECT * FROM principals WHERE id = ?', [missing.principal])
          principals.set(missing.principal, row && toPrincipal(row))
        }
      }
    }
  }

  expireRequests(nowMs: number, audit: (request: AccessRequestRecord) => AuditInput): Promise<AccessRequestRecord[]> {
    return this.#write('expire requests', async (tx) => {
      const ids = await tx.all<{ id: string }>("SELECT id FROM access_requests WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id", [nowMs])
      const expired: AccessRequestRecord[] = []
      for (const { id } of ids) {
        await tx.run("UPDATE access_requests SET status = 'expired', decided_at = ? WHERE id = ?", [nowMs, id])
        const request = (await this.#loadRequest(tx, id))!
        await this.#appendAudit(tx, audit(request))
        expired.push(request)
      }
      return expired
    })
  }

  completeTask(taskId: string, by: string, audit: (ended: { revoked: readonly CredentialRecord[]; requestsClosed: readonly string[] }) => AuditInput, owner?: string): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
    return this.#write(`complete task ${taskId}`, async (tx) => {
      const d = this.#d
      // With an owner, only what concerns what it owns (at any depth, its own agent included): a
      // task id is chosen by requesters and another owner's agent may use the same one.
      const scope = owner === undefined ? '' : `AND subject IN ${d.jsonElements('?')}`
      const scoped = owner === undefined ? [] : [JSON.stringify(await ownedClosure(tx, d, owner))]
      const done = owner === undefined ? ['*'] : [await canonicalIdentity(tx, owner)]
      if (await tx.get(`SELECT 1 AS one FROM completed_tasks WHERE task_id = ? AND owner IN ${d.jsonElements('?')} LIMIT 1`, [taskId, JSON.stringify(['*', ...done])])) {
        throw agentIdError('ERR_CONFLICT', `task ${taskId} is completed already`)
      }
      const taskOf = d.jsonField('task', 'id')
      const issued = await tx.get(`SELECT 1 AS one FROM credentials WHERE task_id = ? ${scope} LIMIT 1`, [taskId, ...scoped])
      const requested = await tx.get(`SELECT 1 AS one FROM access_requests WHERE ${taskOf} = ? ${scope} LIMIT 1`, [taskId, ...scoped])
      if (!issued && !requested) throw agentIdError('ERR_NOT_FOUND', `nothing was issued or requested for task ${taskId}`)
      const revoked = await this.#revokeRows(tx, await tx.all<CredentialRow>(`SELECT * FROM credentials WHERE task_id = ? ${scope} AND status != 'revoked' AND expired_at IS NULL ORDER BY issued_at, id`, [taskId, ...scoped]))
      const now = this.#now()
      const pending = (await tx.all<{ id: string }>(`SELECT id FROM access_requests WHERE status = 'pending' AND ${taskOf} = ? ${scope} ORDER BY created_at, id`, [taskId, ...scoped])).map((r) => r.id)
      for (const id of pending) await tx.run("UPDATE access_requests SET status = 'expired', decided_at = ? WHERE id = ?", [now, id])
      for (const who of done) await tx.run('INSERT INTO completed_tasks (task_id, owner, completed_at, completed_by) VALUES (?, ?, ?, ?)', [taskId, who, now, by])
      await this.#appendAudit(tx, audit({ revoked, requestsClosed: pending }))
      return { revoked, requestsClosed: pending }
    })
  }

  sweepExpired(nowSeconds: number, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord[]> {
    return this.#write('sweep expired credentials', async (tx) => {
      const rows = await tx.all<CredentialRow>('SELECT * FROM credentials WHERE expired_at IS NULL AND expires <= ? ORDER BY expires, id LIMIT 1000', [nowSeconds])
      const at = this.#now()
      const swept: CredentialRecord[] = []
      for (const row of rows) {
        await tx.run('UPDATE credentials SET expired_at = ? WHERE id = ?', [at, row.id])
        const record = toCredential({ ...row, expired_at: at })
        await this.#appendAudit(tx, audit(record))
        swept.push(record)
      }
      return swept
    })
  }

  async startReview(campaign: ReviewCampaignRecord, selection: ReviewSelection, itemId: (credentialId: string) => string, audit: (opened: ReviewOpened) => AuditInput): Promise<ReviewOpened> {
    const nowSeconds = Math.floor(this.#now() / 1000)
    // Found outside the write, in SQL (the sweeper asks every 30 s, and few are due): the
    // writers wait only for the items to be written.
    const candidates = await this.#read('find credentials for review', (db) => this.#reviewCandidates(db, selection, nowSeconds))
    if (candidates.length === 0) throw agentIdError('ERR_CONFLICT', 'no credential is due for review')
    return this.#write(`start review ${campaign.id}`, async (tx) => {
      await tx.run('INSERT INTO review_campaigns (id, name, created_by, created_at, deadline, status) VALUES (?, ?, ?, ?, ?, ?)',
        [campaign.id, campaign.name, campaign.createdBy, campaign.createdAt, campaign.deadline, 'open'])
      const taken: string[] = []
      for (let i = 0; i < candidates.length; i += REVIEW_BATCH) {
        // Taken only if it still qualifies: revoked, certified or put in another campaign since
        // the read, it is left out.
        const rows = await this.#reviewCandidates(tx, selection, nowSeconds, candidates.slice(i, i + REVIEW_BATCH).map((c) => c.id))
        if (rows.length === 0) continue
        await tx.run(`INSERT INTO review_items (id, campaign, credential_id, risk) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
          rows.flatMap((row) => [itemId(row.id), campaign.id, row.id, row.risk ?? 'critical']))
        for (const row of rows) taken.push(row.id)
      }
      if (taken.length === 0) throw agentIdError('ERR_CONFLICT', 'no credential is due for review')
      const opened = { items: taken.length, digest: reviewDigest(taken) }
      await this.#appendAudit(tx, audit(opened))
      return opened
    })
  }

  // Live credentials the selection takes and no open campaign waits on (of `ids`, when given).
  #reviewCandidates(db: SqlSession, selection: ReviewSelection, nowSeconds: number, ids?: readonly string[]): Promise<Array<{ id: string; risk: RiskLevel | null }>> {
    const live = `status != 'revoked' AND expired_at IS NULL AND expires > ? AND NOT EXISTS (
      SELECT 1 FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.credential_id = c.id AND k.status = 'open' AND i.decision IS NULL)`
    const select = (where: string, args: readonly unknown[]) => ({ sql: `SELECT id, risk FROM credentials c WHERE ${where} AND ${live}`, args: [...args, nowSeconds] })
    // Due: last certified (or issued) at or before now minus the risk's interval; no risk
    // counts as critical.
    const due = 'due' in selection
      ? [...RISK_LEVELS, null].map((risk) => ({
        sql: `${risk === null ? 'risk IS NULL' : 'risk = ?'} AND COALESCE(reviewed_at, issued_at) <= ?`,
        args: [...(risk === null ? [] : [risk]), selection.due.nowMs - selection.due.intervalSeconds[risk ?? 'critical'] * 1000],
      }))
      : undefined
    if (ids !== undefined) {
      // Given ids, their primary key finds them; the due test only filters.
      const among = `id IN (${ids.map(() => '?').join(', ')})`
      const q = due ? select(`${among} AND (${due.map((d) => `(${d.sql})`).join(' OR ')})`, [...ids, ...due.flatMap((d) => d.args)]) : select(among, ids)
      return db.all(q.sql, q.args)
    }
    if (!due) {
      const q = select('1 = 1', [])
      return db.all(q.sql, q.args)
    }
    // One query per risk, each a range of the index on (risk, last review) of unexpired
    // credentials, which a single query with OR does not get from SQLite's planner.
    const perRisk = due.map((d) => select(d.sql, d.args))
    return db.all(perRisk.map((q) => q.sql).join(' UNION ALL '), perRisk.flatMap((q) => q.args))
  }

  listReviews(): Promise<ReviewCampaignRecord[]> {
    return this.#read('list reviews', async (db) => (await db.all<CampaignRow>('SELECT * FROM review_campaigns ORDER BY created_at, id')).map(toCampaign))
  }

  listReviewItems(campaign?: string): Promise<ReviewItemRecord[]> {
    return this.#read('list review items', async (db) => (campaign === undefined
      ? await db.all<ItemRow>('SELECT * FROM review_items ORDER BY campaign, id')
      : await db.all<ItemRow>('SELECT * FROM review_items WHERE campaign = ? ORDER BY campaign, id', [campaign])).map(toItem))
  }

  getReviewItem(id: string): Promise<ReviewItemRecord | undefined> {
    return this.#read('read review item', async (db) => {
      const row = await db.get<ItemRow>('SELECT * FROM review_items WHERE id = ?', [id])
      return row && toItem(row)
    })
  }

  decideReviewItem(id: string, decision: 'certified' | 'revoked', reviewer: string, audit: (item: ReviewItemRecord) => AuditInput): Promise<ReviewItemRecord> {
    return this.#write(`review item ${id}`, async (tx) => {
      const row = await tx.get<ItemRow & { campaign_status: string }>('SELECT i.*, k.status AS campaign_status FROM review_items i JOIN review_campaigns k ON k.id = i.campaign WHERE i.id = ?', [id])
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no review item ${id}`)
      if (row.decision !== null) throw agentIdError('ERR_CONFLICT', `review item ${id} was decided already (${row.decision})`)
      if (row.campaign_status !== 'open') throw agentIdError('ERR_CONFLICT', `review campaign ${row.campaign} is closed`)
      const at = this.#now()
      await tx.run('UPDATE review_items SET decision = ?, reviewer = ?, decided_at = ? WHERE id = ?', [decision, reviewer, at, id])
      if (decision === 'revoked') await this.#revokeLineage(tx, row.credential_id)
      else await tx.run('UPDATE credentials SET reviewed_at = ? WHERE id = ?', [at, row.credential_id])
      const { campaign_status: _status, ...item } = row
      const decided = toItem({ ...item, decision, reviewer, decided_at: at })
      await this.#appendAudit(tx, audit(decided))
      await this.#closeIfDecided(tx, row.campaign)
      return decided
    })
  }

  async #closeIfDecided(tx: SqlSession, campaign: string): Promise<void> {
    if (!(await tx.get('SELECT 1 AS one FROM review_items WHERE campaign = ? AND decision IS NULL LIMIT 1', [campaign]))) {
      await tx.run("UPDATE review_campaigns SET status = 'closed' WHERE id = ?", [campaign])
    }
  }

  closeOverdueReviews(nowMs: number, revokeUnreviewed: boolean, audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[], part: { readonly index: number; readonly of: number }) => AuditInput): Promise<ReviewItemRecord[]> {
    return this.#write('close overdue reviews', async (tx) => {
      const campaigns = (await tx.all<CampaignRow>("SELECT * FROM review_campaigns WHERE status = 'open' AND deadline <= ? ORDER BY deadline, id", [nowMs])).map(toCampaign)
      const all: ReviewItemRecord[] = []
      for (const campaign of campaigns) {
        const rows = await tx.all<ItemRow>('SELECT * FROM review_items WHERE campaign = ? AND decision IS NULL ORDER BY id', [campaign.id])
        const overdue: ReviewItemRecord[] = []
        for (const row of rows) {
          await tx.run("UPDATE review_items SET decision = 'expired', decided_at = ? WHERE id = ?", [nowMs, row.id])
          if (revokeUnreviewed) await this.#revokeLineage(tx, row.credential_id)
          overdue.push(toItem({ ...row, decision: 'expired', decided_at: nowMs }))
        }
        await tx.run("UPDATE review_campaigns SET status = 'closed' WHERE id = ?", [campaign.id])
        // The alert counts; the items are the campaign's (GET /reviews), and the audit names each.
        if (overdue.length > 0) {
          await this.#insertAlert(tx, { at: nowMs, kind: 'review.overdue', severity: 'high', subject: campaign.id,
            details: { campaign: campaign.id, items: overdue.length, revoked: revokeUnreviewed } })
        }
        const of = Math.max(1, Math.ceil(overdue.length / REVIEW_BATCH))
        for (let index = 1; index <= of; index++) {
          await this.#appendAudit(tx, audit(campaign, overdue.slice((index - 1) * REVIEW_BATCH, index * REVIEW_BATCH), { index, of }))
        }
        all.push(...overdue)
      }
      return all
    })
  }

  writeCheckpoint(sign: (head: { seq: number; hash: string; at: number }) => Promise<string>): Promise<AuditCheckpointRecord | undefined> {
    return this.#write('write audit checkpoint', async (tx) => {
      const last = await tx.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
      const covered = (await tx.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM audit_checkpoints'))!
      if (!last || (covered.seq ?? 0) >= last.seq) return undefined
      const at = this.#now()
      const jwt = await sign({ seq: last.seq, hash: last.hash, at })
      await tx.run('INSERT INTO audit_checkpoints (seq, head, at, jwt) VALUES (?, ?, ?, ?)', [last.seq, last.hash, at, jwt])
      return { seq: last.seq, head: last.hash, at, jwt }
    })
  }

  listCheckpoints(limit?: number): Promise<AuditCheckpointRecord[]> {
    return this.#read('list audit checkpoints', async (db) => {
      const rows = limit === undefined
        ? await db.all<AuditCheckpointRecord>('SELECT * FROM audit_checkpoints ORDER BY seq')
        : await db.all<AuditCheckpointRecord>('SELECT * FROM (SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT ?) AS newest ORDER BY seq', [limit])
      return rows.map((r) => ({ seq: r.seq, head: r.head, at: r.at, jwt: r.jwt }))
    })
  }

  rotateIssuer(rotation: { previous: string; did: string; statement: string; lists: readonly StatusListRecord[] }, audit: AuditInput): Promise<void> {
    return this.#write('rotate the issuer key', async (tx) => {
      await tx.run('UPDATE status_lists SET issuer = ? WHERE issuer IS NULL', [rotation.previous])
      for (const l of rotation.lists) await tx.run('INSERT INTO status_lists (id, purpose, size, created_at, issuer) VALUES (?, ?, ?, ?, ?)', [l.id, l.purpose, l.size, l.createdAt, rotation.did])
      const rotations = JSON.parse((await tx.get<{ value: string }>("SELECT value FROM settings WHERE key = 'rotations'"))?.value ?? '[]') as string[]
      await tx.run("INSERT INTO settings (key, value) VALUES ('rotations', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [JSON.stringify([...rotations, rotation.statement])])
      await tx.run("UPDATE settings SET value = ? WHERE key = 'issuerDid'", [rotation.did])
      await this.#appendAudit(tx, audit)
    })
  }

  async rotateKek(next: KeyEncryptionKey, audit: (count: number) => AuditInput): Promise<number> {
    const count = await this.#write('rotate the key-encryption key', async (tx) => {
      let count = 0
      for (const k of await tx.all<{ alias: string; sealed: string }>('SELECT alias, sealed FROM custody_private_keys ORDER BY alias')) {
        await tx.run('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?', [sealPrivateKey(next, k.alias, openPrivateKey(this.#kek, k.alias, k.sealed)), k.alias])
        count++
      }
      for (const h of await tx.all<{ id: string; secret_sealed: string }>('SELECT id, secret_sealed FROM webhooks ORDER BY id')) {
        await tx.run('UPDATE webhooks SET secret_sealed = ? WHERE id = ?', [sealPrivateKey(next, `webhook:${h.id}`, openPrivateKey(this.#kek, `webhook:${h.id}`, h.secret_sealed)), h.id])
        count++
      }
      await this.#appendAudit(tx, audit(count))
      return count
    })
    // Only once committed: until then, the old key still opens everything.
    this.#kek = next
    this.#rekey(next)
    return count
  }

  recordEvent(audit: AuditInput): Promise<void> {
    return this.#write(`record ${audit.action}`, async (tx) => {
      await this.#appendAudit(tx, audit)
    })
  }

  createWebhook(webhook: WebhookRecord, secret: string, audit: AuditInput): Promise<void> {
    return this.#write(`create webhook ${webhook.id}`, async (tx) => {
      await tx.run('INSERT INTO webhooks (id, url, events, secret_sealed, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [webhook.id, webhook.url, JSON.stringify(webhook.events), sealPrivateKey(this.#kek, `webhook:${webhook.id}`, secret), webhook.createdBy, webhook.createdAt])
      await this.#appendAudit(tx, audit)
    })
  }

  listWebhooks(): Promise<WebhookRecord[]> {
    return this.#read('list webhooks', async (db) => (await db.all<WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id')).map(toWebhook))
  }

  webhookSecrets(): Promise<Array<{ webhook: WebhookRecord; secret: string }>> {
    return this.#read('read webhook secrets', async (db) => (await db.all<WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id'))
      .map((row) => ({ webhook: toWebhook(row), secret: openPrivateKey(this.#kek, `webhook:${row.id}`, row.secret_sealed) })))
  }

  deleteWebhook(id: string, audit: AuditInput): Promise<void> {
    return this.#write(`delete webhook ${id}`, async (tx) => {
      if ((await tx.run('DELETE FROM webhooks WHERE id = ?', [id])) === 0) throw agentIdError('ERR_NOT_FOUND', `no webhook ${id}`)
      await this.#appendAudit(tx, audit)
    })
  }

  addAlerts(alerts: ReadonlyArray<Omit<AlertRecord, 'id'>>, audit?: (alert: AlertRecord) => AuditInput): Promise<AlertRecord[]> {
    return this.#write('store alerts', async (tx) => {
      const stored: AlertRecord[] = []
      for (const a of alerts) {
        const alert = await this.#insertAlert(tx, a)
        if (audit) await this.#appendAudit(tx, audit(alert))
        stored.push(alert)
      }
      return stored
    })
  }

  async #insertAlert(tx: SqlSession, a: Omit<AlertRecord, 'id'>): Promise<AlertRecord> {
    // The score is kept in its own column too, for ranking (`pageAlerts` with order score).
    const score = typeof a.details.score === 'number' && Number.isFinite(a.details.score) ? a.details.score : null
    const row = (await tx.get<{ id: number }>('INSERT INTO alerts (at, kind, severity, subject, details, score) VALUES (?, ?, ?, ?, ?, ?) RETURNING id', [a.at, a.kind, a.severity, a.subject ?? null, JSON.stringify(a.details), score]))!
    return { ...a, id: Number(row.id) }
  }

  retiredAgents(): Promise<string[]> {
    return this.#read('list retired agents', async (db) => (await db.all<{ did: string }>("SELECT did FROM agents WHERE status = 'retired'")).map((r) => r.did))
  }

  saveBaselines(rows: ReadonlyArray<{ readonly key: string; readonly state: string; readonly updatedAt: number }>): Promise<void> {
    if (rows.length === 0) return Promise.resolve()
    return this.#write('save monitoring baselines', async (tx) => {
      for (const r of rows) {
        await tx.run('INSERT INTO monitor_baselines (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at', [r.key, r.state, Math.round(r.updatedAt)])
      }
    })
  }

  loadBaselines(): Promise<Array<{ key: string; state: string }>> {
    return this.#read('load monitoring baselines', (db) => db.all<{ key: string; state: string }>('SELECT key, state FROM monitor_baselines'))
  }

  addSuppression(x: SuppressionRecord, audit: AuditInput): Promise<void> {
    return this.#write(`add suppression ${x.id}`, async (tx) => {
      await tx.run('INSERT INTO alert_suppressions (id, agent, kind, about, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [x.id, x.agent ?? null, x.kind ?? null, x.about ?? null, x.reason, x.createdBy, x.createdAt, x.expiresAt])
      await this.#appendAudit(tx, audit)
    })
  }

  listSuppressions(): Promise<SuppressionRecord[]> {
    return this.#read('list suppressions', async (db) => (await db.all<SuppressionRow>('SELECT * FROM alert_suppressions ORDER BY created_at DESC, id LIMIT 1000')).map(toSuppression))
  }

  endSuppression(id: string, by: string, at: number, audit: AuditInput): Promise<SuppressionRecord> {
    return this.#write(`end suppression ${id}`, async (tx) => {
      const row = await tx.get<SuppressionRow>('SELECT * FROM alert_suppressions WHERE id = ?', [id])
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no suppression ${id}`)
      if (row.ended_at !== null) throw agentIdError('ERR_CONFLICT', `suppression ${id} has already ended`)
      await tx.run('UPDATE alert_suppressions SET ended_at = ?, ended_by = ? WHERE id = ?', [at, by, id])
      await this.#appendAudit(tx, audit)
      return toSuppression({ ...row, ended_at: at, ended_by: by })
    })
  }

  addAlertFeedback(f: AlertFeedbackRecord, audit: AuditInput): Promise<void> {
    return this.#write(`feedback on alert ${f.alertId}`, async (tx) => {
      if (!(await tx.get('SELECT 1 AS one FROM alerts WHERE id = ?', [f.alertId]))) throw agentIdError('ERR_NOT_FOUND', `no alert ${f.alertId}`)
      if (await tx.get('SELECT 1 AS one FROM alert_feedback WHERE alert_id = ?', [f.alertId])) throw agentIdError('ERR_CONFLICT', `alert ${f.alertId} already has a verdict`)
      await tx.run('INSERT INTO alert_feedback (alert_id, verdict, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)', [f.alertId, f.verdict, f.note ?? null, f.decidedBy, f.decidedAt])
      await this.#appendAudit(tx, audit)
    })
  }

  listAlertFeedback(alertIds: readonly number[]): Promise<AlertFeedbackRecord[]> {
    return this.#read('list alert feedback', async (db) => {
      const feedback: AlertFeedbackRecord[] = []
      for (const id of alertIds) {
        const row = await db.get<{ alert_id: number; verdict: 'benign' | 'confirmed'; note: string | null; decided_by: string; decided_at: number }>('SELECT * FROM alert_feedback WHERE alert_id = ?', [id])
        if (row) feedback.push({ alertId: row.alert_id, verdict: row.verdict, ...(row.note !== null ? { note: row.note } : {}), decidedBy: row.decided_by, decidedAt: row.decided_at })
      }
      return feedback
    })
  }

  listAlerts(limit = 100): Promise<AlertRecord[]> {
    return this.#read('list alerts', async (db) => (await db.all<AlertRow>('SELECT * FROM alerts ORDER BY id DESC LIMIT ?', [limit])).map(toAlert))
  }

  getAlert(id: number): Promise<AlertRecord | undefined> {
    return this.#read('read alert', async (db) => {
      const row = await db.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', [id])
      return row && toAlert(row)
    })
  }

  pageAlerts(filter: AlertPageFilter, limit: number, offset: number): Promise<{ alerts: AlertRecord[]; total: number }> {
    return this.#read('list alerts', async (db) => {
      const where: string[] = []
      const args: unknown[] = []
      if (filter.severity !== undefined) {
        where.push('severity = ?')
        args.push(filter.severity)
      }
      if (filter.subject !== undefined) {
        where.push('subject = ?')
        args.push(filter.subject)
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
      const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts ${clause}`, args))!.n
      const order = filter.order === 'score' ? 'score DESC NULLS LAST, id DESC' : 'id DESC'
      return { alerts: (await db.all<AlertRow>(`SELECT * FROM alerts ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`, [...args, limit, offset])).map(toAlert), total }
    })
  }

  currentStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', async (db) =>
      (await db.all<StatusListRow>(`SELECT * FROM status_lists s WHERE NOT EXISTS (
          SELECT 1 FROM status_lists t WHERE t.purpose = s.purpose AND (t.created_at > s.created_at OR (t.created_at = s.created_at AND t.id > s.id)))
        ORDER BY s.purpose = 'suspension', s.id`)).map(toStatusList))
  }

  allStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', async (db) =>
      (await db.all<StatusListRow>("SELECT * FROM status_lists ORDER BY purpose = 'suspension', created_at, id")).map(toStatusList))
  }

  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined> {
    return this.#read('read status list', async (db) => {
      const row = listId === undefined
        ? await db.get<StatusListRow>("SELECT * FROM status_lists WHERE purpose = 'revocation' ORDER BY created_at DESC, id DESC LIMIT 1")
        : await db.get<StatusListRow>('SELECT * FROM status_lists WHERE id = ?', [listId])
      if (!row) return undefined
      const setIndexes = row.purpose === 'revocation'
        ? await db.all<{ status_index: number }>("SELECT status_index FROM credentials WHERE status_list = ? AND status = 'revoked' ORDER BY status_index", [row.id])
        : await db.all<{ status_index: number }>("SELECT status_index FROM credentials WHERE suspension_list = ? AND status = 'suspended' ORDER BY status_index", [row.id])
      return { list: toStatusList(row), setIndexes: setIndexes.map((r) => r.status_index) }
    })
  }

  recordDelegations(records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput, alert?: (record: DelegationRecord) => Omit<AlertRecord, 'id'> | undefined): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
    return this.#write('record delegations', async (tx) => {
      const written: DelegationRecord[] = []
      const alerts: AlertRecord[] = []
      for (const r of records) {
        if (!(await tx.get('SELECT 1 AS one FROM credentials WHERE id = ?', [r.root]))) throw agentIdError('ERR_NOT_FOUND', `credential ${r.root} was not issued here`)
        const known = await tx.get<{ jwt_sha256: string }>('SELECT jwt_sha256 FROM delegations WHERE root = ? AND id = ?', [r.root, r.id])
        if (known) {
          if (known.jwt_sha256 !== r.jwtSha256) throw agentIdError('ERR_CONFLICT', `another delegation with id ${r.id} was reported under ${r.root} before`)
          continue
        }
        await tx.run(`INSERT INTO delegations (id, parent, root, delegator, delegate, entitlements, depth, not_before, expires, jwt_sha256, reported_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [r.id, r.parent, r.root, r.delegator, r.delegate, JSON.stringify(r.entitlements),
          r.depth, r.notBefore, r.expires, r.jwtSha256, r.reportedAt])
        await this.#appendAudit(tx, audit(r))
        written.push(r)
        const raised = alert?.(r)
        if (raised) alerts.push(await this.#insertAlert(tx, raised))
      }
      return { recorded: written, alerts }
    })
  }

  listDelegations(root: string): Promise<DelegationRecord[]> {
    return this.#read('list delegations', async (db) =>
      (await db.all<DelegationRow>('SELECT * FROM delegations WHERE root = ? ORDER BY depth DESC, id', [root])).map(toDelegation))
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', async (db) => {
      const row = await db.get<CredentialRow>('SELECT * FROM credentials WHERE id = ?', [id])
      return row && toCredential(row)
    })
  }

  getCredentialJwt(id: string): Promise<string | undefined> {
    return this.#read('read credential', async (db) => (await db.get<{ jwt: string | null }>('SELECT jwt FROM credentials WHERE id = ?', [id]))?.jwt ?? undefined)
  }

  grantStart(id: string): Promise<number | undefined> {
    return this.#read('read credential', async (db) =>
      (await db.get<{ start: number }>('SELECT g.not_before AS start FROM credentials c JOIN credentials g ON g.id = COALESCE(c.grant_id, c.id) WHERE c.id = ?', [id]))?.start)
  }

  getRenewal(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', async (db) => {
      const row = await db.get<CredentialRow>('SELECT * FROM credentials WHERE renews = ?', [id])
      return row && toCredential(row)
    })
  }

  createOffer(offer: CredentialOfferRecord, audit: AuditInput): Promise<void> {
    return this.#write('create credential offer', async (tx) => {
      await tx.run(`INSERT INTO credential_offers (code_sha256, subject, credentials, tx_code_sha256, failed_attempts, created_by, created_at, expires_at)
        VALUES (?, ?, ?, ?, 0, ?, ?, ?)`, [offer.codeSha256, offer.subject, JSON.stringify(offer.credentials), offer.txCodeSha256 ?? null, offer.createdBy, offer.createdAt, offer.expiresAt])
      await this.#appendAudit(tx, audit)
    })
  }

  redeemOffer(codeSha256: string, txCodeSha256: string | undefined, options: { now: number; maxAttempts: number; holder: string; audit: (offer: CredentialOfferRecord) => AuditInput }): Promise<OfferRedemption> {
    return this.#write('redeem credential offer', async (tx): Promise<OfferRedemption> => {
      const row = await tx.get<OfferRow>('SELECT * FROM credential_offers WHERE code_sha256 = ?', [codeSha256])
      if (!row) return { outcome: 'unknown' }
      const offer = toOffer(row)
      if (offer.redeemedAt !== undefined) return { outcome: 'used', offer }
      if (offer.failedAttempts >= options.maxAttempts) return { outcome: 'burnt', offer }
      if (offer.expiresAt <= options.now) return { outcome: 'expired', offer }
      // Malformed, not a guess: nothing counted.
      if (offer.txCodeSha256 !== undefined && txCodeSha256 === undefined) return { outcome: 'tx-code-missing', offer }
      if (offer.txCodeSha256 === undefined && txCodeSha256 !== undefined) return { outcome: 'tx-code-unexpected', offer }
      const wrong = offer.subject !== options.holder ? 'holder' : offer.txCodeSha256 !== undefined && offer.txCodeSha256 !== txCodeSha256 ? 'tx-code' : undefined
      if (wrong) {
        // Counted in the same write: guessing a short code, or trying a stolen one with another
        // key, is bounded by maxAttempts, not by time.
        await tx.run('UPDATE credential_offers SET failed_attempts = failed_attempts + 1 WHERE code_sha256 = ?', [codeSha256])
        return { outcome: offer.failedAttempts + 1 >= options.maxAttempts ? 'burnt' : wrong, offer }
      }
      await tx.run('UPDATE credential_offers SET redeemed_at = ? WHERE code_sha256 = ?', [options.now, codeSha256])
      await this.#appendAudit(tx, options.audit(offer))
      return { outcome: 'redeemed', offer: { ...offer, redeemedAt: options.now } }
    })
  }

  listCredentials(filter: { subject?: string; taskId?: string; latestOfGrant?: boolean } = {}): Promise<CredentialRecord[]> {
    // One statement per filter: SQLite uses no index for "(? IS NULL OR subject = ?)".
    const where = [
      ...(filter.subject !== undefined ? ['subject = ?'] : []),
      ...(filter.taskId !== undefined ? ['task_id = ?'] : []),
      ...(filter.latestOfGrant ? ['NOT EXISTS (SELECT 1 FROM credentials r WHERE r.renews = c.id)'] : []),
    ]
    const sql = `SELECT * FROM credentials c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at, id`
    const args = [...(filter.subject !== undefined ? [filter.subject] : []), ...(filter.taskId !== undefined ? [filter.taskId] : [])]
    return this.#read('list credentials', async (db) => (await db.all<CredentialRow>(sql, args)).map(toCredential))
  }

  readAudit(fromSeq = 1, limit = 10_000): Promise<AuditEntry[]> {
    return this.#read('read audit log', async (db) =>
      (await db.all<AuditRow>('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?', [fromSeq, limit])).map(toAudit))
  }

  searchAudit(filter: { actor?: string; action?: string; target?: string; before?: number }, limit: number): Promise<{ entries: AuditEntry[]; last: number }> {
    return this.#read('read audit log', async (db) => {
      const where: string[] = []
      const args: unknown[] = []
      if (filter.before !== undefined) {
        where.push('seq < ?')
        args.push(filter.before)
      }
      if (filter.actor !== undefined) {
        where.push('actor = ?')
        args.push(filter.actor)
      }
      if (filter.action !== undefined) {
        where.push('substr(action, 1, length(CAST(? AS TEXT))) = ?')
        args.push(filter.action, filter.action)
      }
      if (filter.target !== undefined) {
        where.push('target = ?')
        args.push(filter.target)
      }
      const rows = await db.all<AuditRow>(`SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`, [...args, limit])
      const last = (await db.get<{ n: number }>('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log'))!.n
      return { entries: rows.map(toAudit), last }
    })
  }

  close(): Promise<void> {
    return this.#engine.close()
  }
}

// Thrown through `decide` when it asks for a fact not read yet (never escapes #decide).
const MISSING_FACT = Symbol('missing fact')

interface PolicyRow { version: number; document: string; created_at: number; created_by: string }

function toPolicy(row: PolicyRow): PolicyVersion {
  return { version: row.version, document: row.document, createdAt: row.created_at, createdBy: row.created_by }
}
