import { createHash, randomInt } from 'node:crypto'
import type Database from 'better-sqlite3'
import { agentIdError, entitlementToJson, isAgentIdError, parseEntitlements, type AgentKind, type RiskLevel, type TaskRef } from '@agentid/core'
import { auditEntryHash, GENESIS_HASH } from '../../audit/hash-chain.js'
import type { KeyEncryptionKey } from '../../keys/key-encryption.js'
import { SerialQueue } from '../../internal/serial-queue.js'
import type {
  AgentRecord,
  AuditEntry,
  AuditInput,
  CredentialDraft,
  CredentialRecord,
  DelegationRecord,
  IssuerSetup,
  Issuance,
  IssuedRecord,
  IssuerStore,
  KeyCustodyStores,
  RoleTemplate,
  StatusAllocation,
  StatusListRecord,
} from '../issuer-store.js'
import { SqliteDidStore, SqliteKeyStore, SqlitePrivateKeyStore } from './custody-stores.js'
import { openDatabase } from './open-database.js'

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

interface AgentRow { did: string; name: string; kind: string; owner: string; segment: string | null; role: string | null; status: string; created_at: number }
interface CredentialRow {
  id: string; subject: string; issuer: string; entitlements: string; task: string | null; risk: string | null
  not_before: number; expires: number; status: string; status_list: string; status_index: number; jwt_sha256: string; issued_at: number
  suspension_list: string | null
}
interface AuditRow { seq: number; at: number; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string }
interface DelegationRow {
  id: string; parent: string; root: string; delegator: string; delegate: string; entitlements: string; depth: number
  not_before: number; expires: number; jwt_sha256: string; reported_at: number
}
interface RoleRow { name: string; description: string; entitlements: string; ttl_seconds: number }

function toAgent(row: AgentRow): AgentRecord {
  return {
    did: row.did, name: row.name, kind: row.kind as AgentKind, owner: row.owner,
    ...(row.segment !== null ? { segment: row.segment } : {}),
    ...(row.role !== null ? { role: row.role } : {}),
    status: row.status as AgentRecord['status'], createdAt: row.created_at,
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
  return new SqliteStore(db, options)
}

class SqliteStore implements IssuerStore {
  readonly backend = 'sqlite'
  readonly custody: KeyCustodyStores
  readonly #db: Database.Database
  readonly #now: () => number
  readonly #randomIndex: (max: number) => number
  readonly #writes = new SerialQueue()

  constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.#db = db
    this.#now = options.now ?? Date.now
    this.#randomIndex = options.randomIndex ?? ((max) => randomInt(max))
    this.custody = { keyStore: new SqliteKeyStore(db), privateKeyStore: new SqlitePrivateKeyStore(db, options.kek), didStore: new SqliteDidStore(db) }
  }

  // Appends one audit entry; the caller's transaction makes it atomic with the change it records.
  #appendAudit(input: AuditInput): AuditEntry {
    const last = this.#db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined
    const seq = (last?.seq ?? 0) + 1
    const prevHash = last?.hash ?? GENESIS_HASH
    const at = this.#now()
    const hash = auditEntryHash(prevHash, seq, at, input)
    this.#db.prepare('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(seq, at, input.actor, input.action, input.target ?? null, JSON.stringify(input.details), prevHash, hash)
    return { ...input, seq, at, prevHash, hash }
  }

  // One synchronous write transaction, serialized with the asynchronous ones.
  #write<T>(what: string, body: () => T): Promise<T> {
    return this.#writes.run(async () => {
      try {
        return this.#db.transaction(body).immediate()
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
    return this.#read('read setting', () => (this.#db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value)
  }

  initialize(setup: IssuerSetup, audit: AuditInput): Promise<void> {
    return this.#write('initialize issuer', () => {
      if (this.#db.prepare('SELECT 1 FROM settings LIMIT 1').get()) throw agentIdError('ERR_CONFLICT', 'issuer is already initialised')
      const setting = this.#db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)')
      for (const [key, value] of Object.entries(setup.settings)) setting.run(key, value)
      const l = setup.statusList
      this.#db.prepare('INSERT INTO status_lists (id, purpose, size, created_at) VALUES (?, ?, ?, ?)').run(l.id, l.purpose, l.size, l.createdAt)
      const p = setup.admin
      this.#db.prepare('INSERT INTO principals (id, roles, token_sha256, created_at) VALUES (?, ?, ?, ?)').run(p.id, JSON.stringify(p.roles), p.tokenSha256, p.createdAt)
      const role = this.#db.prepare('INSERT INTO roles (name, description, entitlements, ttl_seconds) VALUES (?, ?, ?, ?)')
      for (const r of setup.roles) role.run(r.name, r.description, JSON.stringify(r.entitlements.map(entitlementToJson)), r.ttlSeconds)
      this.#appendAudit(audit)
    })
  }

  registerAgent(agent: AgentRecord, audit: AuditInput, initial?: Issuance): Promise<IssuedRecord | undefined> {
    return this.#transaction(`register agent ${agent.did}`, async () => {
      if (this.#db.prepare('SELECT 1 FROM agents WHERE did = ?').get(agent.did)) throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is already enrolled`)
      this.#db.prepare('INSERT INTO agents (did, name, kind, owner, segment, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(agent.did, agent.name, agent.kind, agent.owner, agent.segment ?? null, agent.role ?? null, agent.status, agent.createdAt)
      this.#appendAudit(audit)
      return initial ? this.#issue(initial) : undefined
    })
  }

  getAgent(did: string): Promise<AgentRecord | undefined> {
    return this.#read('read agent', () => {
      const row = this.#db.prepare('SELECT * FROM agents WHERE did = ?').get(did) as AgentRow | undefined
      return row && toAgent(row)
    })
  }

  listAgents(): Promise<AgentRecord[]> {
    return this.#read('list agents', () => (this.#db.prepare('SELECT * FROM agents ORDER BY created_at, did').all() as AgentRow[]).map(toAgent))
  }

  getRole(name: string): Promise<RoleTemplate | undefined> {
    return this.#read('read role', () => {
      const row = this.#db.prepare('SELECT * FROM roles WHERE name = ?').get(name) as RoleRow | undefined
      return row && toRole(row)
    })
  }

  listRoles(): Promise<RoleTemplate[]> {
    return this.#read('list roles', () => (this.#db.prepare('SELECT * FROM roles ORDER BY name').all() as RoleRow[]).map(toRole))
  }

  issueCredential(
    draft: CredentialDraft,
    sign: (allocation: StatusAllocation) => Promise<string>,
    audit: (record: CredentialRecord) => AuditInput,
  ): Promise<IssuedRecord> {
    return this.#transaction(`issue credential ${draft.id}`, () => this.#issue({ draft, sign, audit }))
  }

  // One write transaction that may await (signing). The serial queue keeps every other write out
  // while it is open; any failure rolls all of it back.
  #transaction<T>(what: string, body: () => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      const db = this.#db
      try {
        db.exec('BEGIN IMMEDIATE')
      } catch (error) {
        throw storeError(error, what)
      }
      try {
        const result = await body()
        db.exec('COMMIT')
        return result
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw storeError(error, what)
      }
    })
  }

  // Inside a transaction: the agent must be active now (not when the caller looked), then the
  // status slot, the signature, the row and its audit entry.
  async #issue({ draft, sign, audit }: Issuance): Promise<IssuedRecord> {
    const agent = this.#db.prepare('SELECT status FROM agents WHERE did = ?').get(draft.subject) as { status: string } | undefined
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${draft.subject} is not enrolled`)
    if (agent.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${draft.subject} is ${agent.status}`)
    const allocation = this.#allocateStatusIndex()
    const jwt = await sign(allocation)
    const record: CredentialRecord = {
      ...draft, ...allocation, status: 'active',
      jwtSha256: createHash('sha256').update(jwt).digest('hex'), issuedAt: this.#now(),
    }
    this.#db.prepare(`INSERT INTO credentials (id, subject, issuer, entitlements, task, risk, not_before, expires, status, status_list, status_index, jwt_sha256, issued_at, suspension_list)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      record.id, record.subject, record.issuer, JSON.stringify(record.entitlements.map(entitlementToJson)), record.task ? JSON.stringify(record.task) : null,
      record.risk ?? null, record.notBefore, record.expires, record.status, record.listId, record.index, record.jwtSha256, record.issuedAt,
      record.suspensionListId ?? null)
    this.#appendAudit(audit(record))
    return { record, jwt }
  }

  // A random free slot in the newest revocation list (herd privacy: the index says nothing about
  // when the credential was issued). Slots are never freed, so an index is never reused.
  #allocateStatusIndex(): StatusAllocation {
    const list = this.#db.prepare("SELECT id, size FROM status_lists WHERE purpose = 'revocation' ORDER BY created_at DESC, id DESC LIMIT 1").get() as { id: string; size: number } | undefined
    if (!list) throw agentIdError('ERR_STORE', 'no status list to allocate from; was the issuer initialised?')
    const used = this.#db.prepare('SELECT 1 FROM credentials WHERE status_list = ? AND status_index = ?')
    const suspension = this.#db.prepare("SELECT id FROM status_lists WHERE purpose = 'suspension' AND size = ? ORDER BY created_at DESC, id DESC LIMIT 1").get(list.size) as { id: string } | undefined
    const usedInSuspension = this.#db.prepare('SELECT 1 FROM credentials WHERE suspension_list = ? AND status_index = ?')
    for (let attempt = 0; attempt < 64; attempt++) {
      const index = this.#randomIndex(list.size)
      if (used.get(list.id, index) || (suspension && usedInSuspension.get(suspension.id, index))) continue
      return { listId: list.id, index, ...(suspension ? { suspensionListId: suspension.id } : {}) }
    }
    throw agentIdError('ERR_STORE', `status list ${list.id} is too full to allocate from; create a new list`)
  }

  revokeCredential(id: string, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord> {
    return this.#write(`revoke credential ${id}`, () => {
      const row = this.#db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined
      if (!row) throw agentIdError('ERR_NOT_FOUND', `no credential ${id}`)
      if (row.status === 'revoked') throw agentIdError('ERR_CONFLICT', `credential ${id} is already revoked`)
      this.#db.prepare("UPDATE credentials SET status = 'revoked' WHERE id = ?").run(id)
      const record = toCredential({ ...row, status: 'revoked' })
      this.#appendAudit(audit(record))
      return record
    })
  }

  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]> {
    const what = 'credentialId' in target ? `credential ${target.credentialId}` : `credentials of ${target.agent}`
    return this.#write(`${suspended ? 'suspend' : 'resume'} ${what}`, () => {
      const from = suspended ? 'active' : 'suspended'
      const to = suspended ? 'suspended' : 'active'
      let rows: CredentialRow[]
      if ('credentialId' in target) {
        const row = this.#db.prepare('SELECT * FROM credentials WHERE id = ?').get(target.credentialId) as CredentialRow | undefined
        if (!row) throw agentIdError('ERR_NOT_FOUND', `no credential ${target.credentialId}`)
        if (row.status !== from) throw agentIdError('ERR_CONFLICT', `credential ${row.id} is ${row.status}, not ${from}`)
        rows = [row]
      } else {
        if (!this.#db.prepare('SELECT 1 FROM agents WHERE did = ?').get(target.agent)) throw agentIdError('ERR_NOT_FOUND', `agent ${target.agent} is not enrolled`)
        rows = this.#db.prepare('SELECT * FROM credentials WHERE subject = ? AND status = ? ORDER BY issued_at, id').all(target.agent, from) as CredentialRow[]
      }
      const noSlot = rows.find((r) => r.suspension_list === null)
      if (noSlot) throw agentIdError('ERR_CONFLICT', `credential ${noSlot.id} was issued before suspension lists and cannot be suspended; revoke it instead`)
      const update = this.#db.prepare('UPDATE credentials SET status = ? WHERE id = ?')
      for (const r of rows) update.run(to, r.id)
      const changed = rows.map((r) => toCredential({ ...r, status: to }))
      this.#appendAudit(audit(changed))
      return changed
    })
  }

  retireAgent(did: string, audit: (revoked: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]> {
    return this.#write(`retire agent ${did}`, () => {
      const agent = this.#db.prepare('SELECT status FROM agents WHERE did = ?').get(did) as { status: string } | undefined
      if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
      if (agent.status === 'retired') throw agentIdError('ERR_CONFLICT', `agent ${did} is already retired`)
      const rows = this.#db.prepare("SELECT * FROM credentials WHERE subject = ? AND status != 'revoked' ORDER BY issued_at, id").all(did) as CredentialRow[]
      this.#db.prepare("UPDATE agents SET status = 'retired' WHERE did = ?").run(did)
      this.#db.prepare("UPDATE credentials SET status = 'revoked' WHERE subject = ? AND status != 'revoked'").run(did)
      const revoked = rows.map((r) => toCredential({ ...r, status: 'revoked' }))
      this.#appendAudit(audit(revoked))
      return revoked
    })
  }

  currentStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', () =>
      (this.#db.prepare(`SELECT * FROM status_lists s WHERE NOT EXISTS (
          SELECT 1 FROM status_lists t WHERE t.purpose = s.purpose AND (t.created_at > s.created_at OR (t.created_at = s.created_at AND t.id > s.id)))
        ORDER BY s.purpose = 'suspension', s.id`).all() as Array<{ id: string; purpose: string; size: number; created_at: number }>)
        .map((r) => ({ id: r.id, purpose: r.purpose as StatusListRecord['purpose'], size: r.size, createdAt: r.created_at })))
  }

  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined> {
    return this.#read('read status list', () => {
      const row = (listId === undefined
        ? this.#db.prepare("SELECT * FROM status_lists WHERE purpose = 'revocation' ORDER BY created_at DESC, id DESC LIMIT 1").get()
        : this.#db.prepare('SELECT * FROM status_lists WHERE id = ?').get(listId)) as { id: string; purpose: string; size: number; created_at: number } | undefined
      if (!row) return undefined
      const setIndexes = (row.purpose === 'revocation'
        ? this.#db.prepare("SELECT status_index FROM credentials WHERE status_list = ? AND status = 'revoked' ORDER BY status_index").all(row.id)
        : this.#db.prepare("SELECT status_index FROM credentials WHERE suspension_list = ? AND status = 'suspended' ORDER BY status_index").all(row.id)) as Array<{ status_index: number }>
      const indexes = setIndexes.map((r) => r.status_index)
      return { list: { id: row.id, purpose: row.purpose as StatusListRecord['purpose'], size: row.size, createdAt: row.created_at }, setIndexes: indexes }
    })
  }

  recordDelegations(records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput): Promise<DelegationRecord[]> {
    return this.#write('record delegations', () => {
      const written: DelegationRecord[] = []
      for (const r of records) {
        if (!this.#db.prepare('SELECT 1 FROM credentials WHERE id = ?').get(r.root)) throw agentIdError('ERR_NOT_FOUND', `credential ${r.root} was not issued here`)
        const known = this.#db.prepare('SELECT jwt_sha256 FROM delegations WHERE root = ? AND id = ?').get(r.root, r.id) as { jwt_sha256: string } | undefined
        if (known) {
          if (known.jwt_sha256 !== r.jwtSha256) throw agentIdError('ERR_CONFLICT', `another delegation with id ${r.id} was reported under ${r.root} before`)
          continue
        }
        this.#db.prepare(`INSERT INTO delegations (id, parent, root, delegator, delegate, entitlements, depth, not_before, expires, jwt_sha256, reported_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.id, r.parent, r.root, r.delegator, r.delegate, JSON.stringify(r.entitlements),
          r.depth, r.notBefore, r.expires, r.jwtSha256, r.reportedAt)
        this.#appendAudit(audit(r))
        written.push(r)
      }
      return written
    })
  }

  listDelegations(root: string): Promise<DelegationRecord[]> {
    return this.#read('list delegations', () =>
      (this.#db.prepare('SELECT * FROM delegations WHERE root = ? ORDER BY depth DESC, id').all(root) as DelegationRow[]).map(toDelegation))
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', () => {
      const row = this.#db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined
      return row && toCredential(row)
    })
  }

  listCredentials(subject?: string): Promise<CredentialRecord[]> {
    return this.#read('list credentials', () => {
      const rows = subject === undefined
        ? this.#db.prepare('SELECT * FROM credentials ORDER BY issued_at, id').all()
        : this.#db.prepare('SELECT * FROM credentials WHERE subject = ? ORDER BY issued_at, id').all(subject)
      return (rows as CredentialRow[]).map(toCredential)
    })
  }

  readAudit(fromSeq = 1, limit = 10_000): Promise<AuditEntry[]> {
    return this.#read('read audit log', () =>
      (this.#db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?').all(fromSeq, limit) as AuditRow[]).map(toAudit))
  }

  close(): Promise<void> {
    return this.#writes.run(async () => {
      this.#db.close()
    })
  }
}
