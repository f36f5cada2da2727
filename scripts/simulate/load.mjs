// Bulk loading for the scale simulation: agents, credentials and their audit entries written
// straight into the SQLite file of an issuer made by Issuer.init, in large transactions, in the
// shapes the issuer itself writes (see packages/issuer/src/store/sqlite/sqlite-store.ts), so that
// the issuer's own code paths can then be measured on it.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import { didKeyFromPublicKey } from '@agentid/core'
import { auditEntryHash, DEFAULT_ROLES, GENESIS_HASH } from '@agentid/issuer'

const DAY = 86_400
/** Entries of one status list (packages/issuer/src/usecases/open-issuer.ts, STATUS_LIST_SIZE). */
export const LIST_SIZE = 131_072
/**
 * How full a list is filled before the loader starts the next one. The issuer picks random free
 * indexes with 64 tries (packages/issuer/src/store/status-slots.ts): at 90 % full one issuance in
 * about 850 fails, so a rollover would have to begin about there.
 */
export const LIST_FILL = Math.floor(LIST_SIZE * 0.9)
/** Rows per transaction. */
const BATCH = 20_000

const KINDS = [['company', 0.2], ['employee', 0.5], ['service', 0.3]]
const SEGMENTS = ['finance', 'sales', 'engineering', 'support', 'operations', 'legal', 'marketing', 'research']
const RISKS = [['low', 0.5], ['medium', 0.3], ['high', 0.15], ['critical', 0.05]]
// Time to live (seconds) and how often: just-in-time grants for an hour, working-day grants, and
// weekly and monthly ones up to MAX_GRANT_TTL (30 days).
const TTLS = [[3600, 0.1], [8 * 3600, 0.2], [DAY, 0.2], [7 * DAY, 0.25], [30 * DAY, 0.25]]
/** Credentials are issued over the last 90 days: at any moment about a sixth are live. */
const HISTORY_SECONDS = 90 * DAY
const REVOKED = 0.03
const SUSPENDED = 0.01
/** The sweeper runs every few minutes: what expired longer ago than this was swept already. */
const SWEEP_LAG_MS = 5 * 60_000

const RESOURCES = [
  'db:customers', 'db:orders', 'db:invoices', 'crm:accounts/*', 'crm:contacts/*', 'tickets:support/*', 'tickets:billing/*',
  'api:payments/refunds', 'api:payments/charges', 'api:shipping/labels', 'files:reports/*', 'files:contracts/*',
  'mail:outbound', 'calendar:team/*', 'repo:services/*', 'ci:pipelines/*', 'kb:articles/*', 'hr:directory',
]
const ACTIONS = [['read'], ['read', 'update'], ['read', 'create'], ['create'], ['read', 'update', 'delete']]
const PURPOSES = [undefined, undefined, 'monthly-report', 'customer-support', 'incident-response', 'billing']

function pick(weighted, r) {
  let acc = 0
  for (const [value, weight] of weighted) if (r < (acc += weight)) return value
  return weighted[weighted.length - 1][0]
}

// A fixed pool of entitlement sets (one to three entitlements, as entitlementToJson writes them):
// realistic variety without building ten million arrays.
function entitlementPool(size) {
  const pool = []
  for (let i = 0; i < size; i++) {
    const n = 1 + (i % 3)
    const set = []
    for (let k = 0; k < n; k++) {
      const purpose = PURPOSES[(i * 7 + k) % PURPOSES.length]
      set.push({ resource: RESOURCES[(i * 5 + k * 3) % RESOURCES.length], actions: ACTIONS[(i + k) % ACTIONS.length], ...(purpose ? { purpose } : {}) })
    }
    pool.push({ value: set, json: JSON.stringify(set) })
  }
  return pool
}

function shuffledIndexes(size) {
  const a = new Uint32Array(size)
  for (let i = 0; i < size; i++) a[i] = i
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const t = a[i]
    a[i] = a[j]
    a[j] = t
  }
  return a
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

// Random bytes drawn a megabyte at a time: one call per credential costs more than the rest of it.
let entropy = Buffer.alloc(0)
let entropyAt = 0
function random(n) {
  if (entropyAt + n > entropy.length) {
    entropy = randomBytes(1 << 20)
    entropyAt = 0
  }
  return entropy.subarray(entropyAt, (entropyAt += n))
}

/**
 * Grows the database of one issuer to a given number of agents and credentials. Keeps between
 * calls what the database cannot tell cheaply (the DIDs enrolled, the free slots of the newest
 * list); reads the audit head again each time (the measurements append entries too).
 */
export class BulkLoader {
  /**
   * @param {{ database: string, issuerDid: string, publicUrl: string, now?: () => number, fill?: number }} options
   * `fill`: taken slots of a list before the next list begins (default {@link LIST_FILL}); with
   * {@link LIST_SIZE} the loader fills a list to the last slot and then refuses to go on.
   */
  constructor(options) {
    this.fill = options.fill ?? LIST_FILL
    this.database = options.database
    this.issuerDid = options.issuerDid
    this.publicUrl = options.publicUrl
    this.now = options.now ?? Date.now
    this.dids = []
    this.credentials = 0
    this.auditEntries = 0
    this.pool = entitlementPool(240)
    this.listNumber = 0
    this.free = undefined
    this.next = 0
    this.taken = 0
  }

  /**
   * Grows to `agents` agents and `credentials` credentials. `onProgress(done, of)` after each
   * transaction; between transactions it yields to the event loop (signals, timers).
   */
  async grow(agents, credentials, onProgress = () => {}) {
    const db = new Database(this.database)
    try {
      // A bulk load: a crash loses the simulation, not anyone's data. No journal while loading
      // (each page written once, not to the WAL and again to the file); WAL again after, as the
      // issuer opens it.
      db.pragma('journal_mode = OFF')
      db.pragma('synchronous = OFF')
      db.pragma('locking_mode = EXCLUSIVE')
      // The loader writes only subjects it enrolled and lists it made: references are kept by
      // construction, and checking each would double the cost of a row.
      db.pragma('foreign_keys = OFF')
      db.pragma('cache_size = -1000000')
      db.pragma('temp_store = MEMORY')
      this.#freeSlots(db)
      // The review campaigns the previous size's measurements opened are removed (their audit
      // entries stay): each size is measured without review history. With history, opening a
      // review costs live credentials x review items ever made (docs/scale.md), which the
      // simulation measures once, at its first size, rather than let it swamp every later one.
      db.prepare('DELETE FROM review_items').run()
      db.prepare('DELETE FROM review_campaigns').run()
      const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get()
      this.seq = head?.seq ?? 0
      this.prevHash = head?.hash ?? GENESIS_HASH
      const st = {
        agent: db.prepare('INSERT INTO agents (did, name, kind, owner, segment, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
        credential: db.prepare(`INSERT INTO credentials (id, subject, issuer, entitlements, task, risk, not_before, expires, status, status_list, status_index,
            jwt_sha256, issued_at, suspension_list, jit, task_id, requested_by, suspended_for, expired_at, jwt, grant_id)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
        audit: db.prepare('INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
        list: db.prepare('INSERT INTO status_lists (id, purpose, size, created_at) VALUES (?, ?, ?, ?)'),
      }
      // The secondary indexes of the credentials are dropped for the load and made again after it
      // from their own SQL (as the migrations wrote them): one sort instead of millions of random
      // B-tree inserts. The constraints written inside CREATE TABLE (primary keys, the unique status
      // slot, the unique audit hash) cannot be dropped and are kept throughout.
      const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'credentials' AND sql IS NOT NULL").all()
      for (const { name } of indexes) db.exec(`DROP INDEX ${name}`)
      const addAgents = agents - this.dids.length
      const addCredentials = credentials - this.credentials
      const total = addAgents + addCredentials
      let done = 0
      // Agents and credentials interleaved in proportion, so that a credential's subject is any
      // agent enrolled before it (older agents have had more time to gather credentials).
      const batch = db.transaction((nAgents, nCredentials) => {
        for (let i = 0; i < nAgents; i++) this.#agent(st)
        for (let i = 0; i < nCredentials; i++) this.#credential(st)
      })
      while (this.dids.length < agents || this.credentials < credentials) {
        const share = Math.max(1, Math.round(BATCH * addAgents / Math.max(1, total)))
        const nAgents = Math.min(agents - this.dids.length, this.dids.length === 0 ? Math.max(share, 1) : share)
        const nCredentials = Math.min(credentials - this.credentials, BATCH - nAgents)
        batch(nAgents, this.dids.length + nAgents > 0 ? nCredentials : 0)
        done += nAgents + nCredentials
        onProgress(done, total)
        await new Promise((resolve) => setImmediate(resolve))
      }
      onProgress(done, total, 'indexing')
      for (const { sql } of indexes) db.exec(sql)
      db.pragma('locking_mode = NORMAL')
      db.pragma('journal_mode = WAL')
    } finally {
      db.close()
    }
  }

  // The free slots of the newest list, read from the database: the issuer may have issued into it
  // since the last load (grant() in the slot-limit experiment).
  #freeSlots(db) {
    if (this.listNumber === 0) {
      // Issuer.init made rev-1 (and migration 3 sus-1): the loader fills them first, then rolls over.
      const lists = db.prepare("SELECT id FROM status_lists WHERE purpose = 'revocation'").all()
      if (lists.length !== 1 || lists[0].id !== 'rev-1') throw new Error(`expected a fresh issuer with one list rev-1, found ${lists.map((l) => l.id).join(', ')}`)
      if (!db.prepare("SELECT 1 FROM status_lists WHERE id = 'sus-1'").get()) throw new Error('expected the suspension list sus-1')
      this.listNumber = 1
      this.lastListAt = this.now()
    }
    const taken = new Uint8Array(LIST_SIZE)
    for (const { i } of db.prepare('SELECT status_index AS i FROM credentials WHERE status_list = ?').iterate(`rev-${this.listNumber}`)) taken[i] = 1
    const all = shuffledIndexes(LIST_SIZE)
    this.free = all.filter((i) => taken[i] === 0)
    this.next = 0
    this.taken = LIST_SIZE - this.free.length
  }

  // What a rollover would do: when the newest list is as full as the allocator can bear, a new
  // revocation list and the suspension list beside it (same size, newer created_at, which is how
  // the store picks the newest; packages/issuer/src/store/sqlite/sqlite-store.ts #allocateStatusIndex).
  #slot(st) {
    if (this.taken >= this.fill) {
      if (this.fill >= LIST_SIZE) throw new Error(`status list rev-${this.listNumber} is full`)
      this.listNumber++
      this.lastListAt = Math.max(this.now(), this.lastListAt + 1)
      st.list.run(`rev-${this.listNumber}`, 'revocation', LIST_SIZE, this.lastListAt)
      st.list.run(`sus-${this.listNumber}`, 'suspension', LIST_SIZE, this.lastListAt)
      this.free = shuffledIndexes(LIST_SIZE)
      this.next = 0
      this.taken = 0
    }
    this.taken++
    return { list: this.listNumber, index: this.free[this.next++] }
  }

  #audit(st, actor, action, target, details) {
    const seq = ++this.seq
    const at = this.now()
    const input = { actor, action, target, details }
    const hash = auditEntryHash(this.prevHash, seq, at, input)
    st.audit.run(seq, at, actor, action, target, JSON.stringify(details), this.prevHash, hash)
    this.prevHash = hash
    this.auditEntries++
  }

  #agent(st) {
    const i = this.dids.length
    const r = Math.random()
    const kind = pick(KINDS, r)
    // An employee's assistant is owned by its person's did:key; the others by one of a thousand teams.
    const owner = kind === 'employee' ? didKeyFromPublicKey(random(32)).did : `team-${String(Math.floor(Math.random() * 1000)).padStart(4, '0')}`
    const did = didKeyFromPublicKey(random(32)).did
    const segment = Math.random() < 0.9 ? SEGMENTS[i % SEGMENTS.length] : undefined
    const role = Math.random() < 0.3 ? DEFAULT_ROLES[i % DEFAULT_ROLES.length].name : undefined
    // Enrolled over the two years before the credentials' history.
    const createdAt = this.now() - (HISTORY_SECONDS + Math.floor(Math.random() * 730 * DAY)) * 1000
    const name = `${kind}-agent-${i}`
    st.agent.run(did, name, kind, owner, segment ?? null, role ?? null, 'active', createdAt)
    this.#audit(st, 'admin', 'agent.register', did, { name, kind, owner, ...(segment ? { segment } : {}), ...(role ? { role } : {}), status: 'active', createdAt })
    this.dids.push(did)
  }

  #credential(st) {
    const now = this.now()
    const id = `urn:uuid:${randomUUID()}`
    const subject = this.dids[Math.floor(Math.random() * this.dids.length)]
    const ent = this.pool[Math.floor(Math.random() * this.pool.length)]
    const risk = pick(RISKS, Math.random())
    const ttl = pick(TTLS, Math.random())
    const jit = ttl === 3600
    const issuedAt = now - Math.floor(Math.random() * HISTORY_SECONDS * 1000)
    const notBefore = Math.floor(issuedAt / 1000)
    const expires = notBefore + ttl
    const task = jit ? { id: `task-${Math.floor(Math.random() * 1e9)}` } : undefined
    const { list, index } = this.#slot(st)
    const listId = `rev-${list}`
    const suspensionListId = `sus-${list}`
    const r = Math.random()
    const status = r < REVOKED ? 'revoked' : r < REVOKED + SUSPENDED ? 'suspended' : 'active'
    const expiredAt = expires * 1000 + SWEEP_LAG_MS < now ? expires * 1000 + Math.floor(Math.random() * SWEEP_LAG_MS) : null
    // A JWT of the real shape and size; its signature bytes are random (nothing measured here
    // checks them, and signing ten million would take the simulation's whole budget).
    const url = `${this.publicUrl}/status`
    const jwt = `${b64({ alg: 'EdDSA', typ: 'vc+jwt', kid: `${this.issuerDid}#${this.issuerDid.slice(8)}` })}.${b64({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://agentid.dev/ns/v1'],
      type: ['VerifiableCredential', 'EntitlementCredential'], id, issuer: this.issuerDid,
      validFrom: new Date(notBefore * 1000).toISOString(), validUntil: new Date(expires * 1000).toISOString(),
      credentialSubject: { id: subject, entitlements: ent.value, ...(task ? { task } : {}) },
      credentialStatus: [
        { id: `${url}/${listId}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(index), statusListCredential: `${url}/${listId}` },
        { id: `${url}/${suspensionListId}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: String(index), statusListCredential: `${url}/${suspensionListId}` },
      ],
    })}.${random(64).toString('base64url')}`
    const jwtSha256 = createHash('sha256').update(jwt).digest('hex')
    st.credential.run(id, subject, this.issuerDid, ent.json, task ? JSON.stringify(task) : null, risk, notBefore, expires, status, listId, index,
      jwtSha256, issuedAt, suspensionListId, jit ? 1 : 0, task?.id ?? null, 'admin', status === 'suspended' ? 'credential' : null, expiredAt, jwt, id)
    this.credentials++
    // The entries the issuer writes: issuance (usecases/issuance.ts), then the revocation or
    // suspension (usecases/status-changes.ts) and the sweeper's expiry (usecases/reviews.ts).
    this.#audit(st, 'admin', 'credential.issue', id, {
      subject, entitlements: ent.value, risk, notBefore, expires, statusList: listId, statusIndex: index, jwtSha256,
      ...(jit ? { jit: true } : {}), ...(task ? { task: task.id } : {}),
    })
    if (status === 'revoked') this.#audit(st, 'admin', 'credential.revoke', id, { subject, statusList: listId, statusIndex: index })
    if (status === 'suspended') this.#audit(st, 'admin', 'credential.suspend', id, { credentials: [id] })
    if (expiredAt !== null) this.#audit(st, 'system', 'credential.expire', id, { subject, expires })
  }
}
