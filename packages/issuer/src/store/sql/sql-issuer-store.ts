import { randomInt } from 'node:crypto'
import { agentIdError } from '@agentid/core'
import { sealPrivateKey, openPrivateKey, type KeyEncryptionKey } from '../../keys/key-encryption.js'
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
  ReviewProgress,
  ReviewSelection,
  RoleTemplate,
  StatusAllocation,
  StatusListRecord,
  SuppressionRecord,
  VoidedApproval,
  WebhookRecord,
} from '../issuer-store.js'
import { createPrincipal, decideRequest, expireRequests, updatePrincipal } from '../rules/approvals.js'
import { recordDelegations, redeemOffer } from '../rules/delivery.js'
import { dutyGroupHoldings, enrol, issue, openRequest } from '../rules/issuance.js'
import { resealSecrets, rotateIssuer } from '../rules/keys.js'
import { retire, transfer } from '../rules/offboarding.js'
import { ABANDONED_OPENING_MS, abandonReview, addReviewItems, removeAbandonedItems, beginReview, closeOverduePart, decideReviewItem, finishReview, REVIEW_BATCH } from '../rules/reviews.js'
import { revokeGrant, setSuspended, sweepExpired } from '../rules/revocation.js'
import { completeTask } from '../rules/tasks.js'
import { transaction, type Tx } from './repositories/index.js'
import type { SqlEngine } from './sql-session.js'

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

/**
 * The issuer's system of record over any SQL backend, in three layers written once for every
 * backend: the engine's transactions (`SqlEngine`: SQLite, PostgreSQL), persistence-only
 * repositories over them (`./repositories`, one per table), and the rules (`../rules`: retirement
 * cascades, duty groups, task completion, overdue reviews, lineage revocation and suspension,
 * offer redemption, slot choice). Each method here is one transaction (or one read) that runs a
 * rule or a repository call in it, with its audit entry.
 */
export class SqlIssuerStore implements IssuerStore {
  readonly backend: string
  readonly custody: KeyCustodyStores
  readonly #engine: SqlEngine
  readonly #rekey: (kek: KeyEncryptionKey) => void
  readonly #clock: { now(): number; randomIndex(max: number): number }
  #kek: KeyEncryptionKey

  constructor(options: SqlIssuerStoreOptions) {
    this.#engine = options.engine
    this.backend = options.engine.backend
    const { useKek, ...custody } = options.custody
    this.custody = custody
    this.#rekey = useKek.bind(options.custody)
    this.#kek = options.kek
    const randomIndex = options.randomIndex ?? ((max: number) => randomInt(max))
    this.#clock = { now: options.now ?? Date.now, randomIndex }
  }

  /** One write transaction: committed before the promise settles, rolled back when `body` throws. */
  #write<T>(what: string, body: (t: Tx) => Promise<T>): Promise<T> {
    return this.#engine.write(what, (tx) => body(transaction(tx, this.#engine.dialect, this.#clock)))
  }

  /** One read of committed state. */
  #read<T>(what: string, body: (t: Tx) => Promise<T>): Promise<T> {
    return this.#engine.read(what, (db) => body(transaction(db, this.#engine.dialect, this.#clock)))
  }

  #now(): number {
    return this.#clock.now()
  }

  pendingWrites(): number {
    return this.#engine.pendingWrites()
  }

  // Settings, roles, policies

  getSetting(key: string): Promise<string | undefined> {
    return this.#read('read setting', (t) => t.settings.get(key))
  }

  setSetting(key: string, value: string, audit: AuditInput): Promise<void> {
    return this.#write(`set ${key}`, async (t) => {
      await t.settings.put(key, value)
      await t.record(audit)
    })
  }

  initialize(setup: IssuerSetup, audit: AuditInput): Promise<void> {
    return this.#write('initialize issuer', async (t) => {
      if (await t.settings.any()) throw agentIdError('ERR_CONFLICT', 'issuer is already initialised')
      for (const [key, value] of Object.entries(setup.settings)) await t.settings.put(key, value)
      await t.statusLists.insert(setup.statusList)
      await t.principals.insert(setup.admin)
      for (const r of setup.roles) await t.roles.put(r)
      await t.record(audit)
    })
  }

  getRole(name: string): Promise<RoleTemplate | undefined> {
    return this.#read('read role', (t) => t.roles.get(name))
  }

  listRoles(): Promise<RoleTemplate[]> {
    return this.#read('list roles', (t) => t.roles.list())
  }

  putRole(role: RoleTemplate, audit: (previous: RoleTemplate | undefined) => AuditInput): Promise<void> {
    return this.#write(`store role ${role.name}`, async (t) => {
      const previous = await t.roles.get(role.name)
      await t.roles.put(role)
      await t.record(audit(previous))
    })
  }

  deleteRole(name: string, audit: (role: RoleTemplate) => AuditInput): Promise<void> {
    return this.#write(`delete role ${name}`, async (t) => {
      const role = await t.roles.get(name)
      if (!role) throw agentIdError('ERR_NOT_FOUND', `no role template "${name}"`)
      await t.roles.delete(name)
      await t.record(audit(role))
    })
  }

  currentPolicy(): Promise<PolicyVersion | undefined> {
    return this.#read('read policy', (t) => t.policies.current())
  }

  listPolicies(limit: number, offset: number): Promise<{ versions: PolicyVersion[]; total: number }> {
    return this.#read('list policies', (t) => t.policies.page(limit, offset))
  }

  putPolicy(document: string, createdBy: string, audit: (version: number) => AuditInput): Promise<PolicyVersion> {
    return this.#write('store policy', async (t) => {
      const policy = { version: await t.policies.latestVersion() + 1, document, createdAt: this.#now(), createdBy }
      await t.policies.insert(policy)
      await t.record(audit(policy.version))
      return policy
    })
  }

  // Agents

  registerAgent(agent: AgentRecord, audit: AuditInput, initial?: Issuance | PendingRequest): Promise<IssuedRecord | undefined> {
    return this.#write(`register agent ${agent.did}`, (t) => enrol(t, agent, audit, initial))
  }

  getAgent(did: string): Promise<AgentRecord | undefined> {
    return this.#read('read agent', (t) => t.agents.get(did))
  }

  listAgents(): Promise<AgentRecord[]> {
    return this.#read('list agents', (t) => t.agents.list())
  }

  pageAgents(filter: AgentFilter, limit: number, offset: number): Promise<{ agents: AgentRecord[]; total: number }> {
    return this.#read('list agents', (t) => t.agents.page(filter, limit, offset))
  }

  pageAgentsAfter(filter: AgentFilter, limit: number, after?: AgentPosition): Promise<{ agents: AgentRecord[]; next?: AgentPosition }> {
    return this.#read('list agents', (t) => t.agents.pageAfter(filter, limit, after))
  }

  retiredAgents(): Promise<string[]> {
    return this.#read('list retired agents', (t) => t.agents.retiredDids())
  }

  retireAgent(did: string, audit: (step: RetirementStep) => AuditInput, options: { readonly ownedAgents?: 'retire' | 'suspend' } = {}): Promise<RetirementStep[]> {
    return this.#write(`retire ${did}`, (t) => retire(t, did, audit, options))
  }

  transferAgent(did: string, owner: string, audit: (previous: AgentRecord, voided: readonly VoidedApproval[]) => AuditInput, guard?: (moving: readonly Holding[], joining: readonly Holding[]) => void): Promise<{ agent: AgentRecord; voided: VoidedApproval[] }> {
    return this.#write(`transfer ${did}`, (t) => transfer(t, did, owner, audit, guard))
  }

  dutyGroupHoldings(start: PartyStart): Promise<Holding[]> {
    return this.#read('read duty group', (t) => dutyGroupHoldings(t, start))
  }

  partyTop(start: PartyStart): Promise<string> {
    return this.#read('read party', (t) => t.parties.top(start))
  }

  // Credentials

  issueCredential(
    draft: CredentialDraft,
    sign: (allocation: StatusAllocation) => Promise<string>,
    audit: (record: CredentialRecord) => AuditInput,
    guard?: Issuance['guard'],
  ): Promise<IssuedRecord> {
    return this.#write(`issue credential ${draft.id}`, (t) => issue(t, { draft, sign, audit, ...(guard ? { guard } : {}) }))
  }

  revokeCredential(id: string, audit: (record: CredentialRecord) => AuditInput): Promise<{ record: CredentialRecord; changed: boolean }> {
    return this.#write(`revoke credential ${id}`, (t) => revokeGrant(t, id, audit))
  }

  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]> {
    const what = 'credentialId' in target ? `credential ${target.credentialId}` : `credentials of ${target.agent}`
    return this.#write(`${suspended ? 'suspend' : 'resume'} ${what}`, (t) => setSuspended(t, target, suspended, audit))
  }

  sweepExpired(nowSeconds: number, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord[]> {
    return this.#write('sweep expired credentials', (t) => sweepExpired(t, nowSeconds, audit))
  }

  completeTask(taskId: string, by: string, audit: (ended: { revoked: readonly CredentialRecord[]; requestsClosed: readonly string[] }) => AuditInput, owner?: string): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
    return this.#write(`complete task ${taskId}`, (t) => completeTask(t, taskId, by, audit, owner))
  }

  getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', (t) => t.credentials.get(id))
  }

  getCredentialJwt(id: string): Promise<string | undefined> {
    return this.#read('read credential', (t) => t.credentials.jwt(id))
  }

  grantStart(id: string): Promise<number | undefined> {
    return this.#read('read credential', (t) => t.credentials.grantStart(id))
  }

  getRenewal(id: string): Promise<CredentialRecord | undefined> {
    return this.#read('read credential', (t) => t.credentials.renewalOf(id))
  }

  listCredentials(filter: { subject?: string; taskId?: string; latestOfGrant?: boolean } = {}): Promise<CredentialRecord[]> {
    return this.#read('list credentials', (t) => t.credentials.list(filter))
  }

  // Status lists

  currentStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', (t) => t.statusLists.current())
  }

  allStatusLists(): Promise<StatusListRecord[]> {
    return this.#read('list status lists', (t) => t.statusLists.all())
  }

  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined> {
    return this.#read('read status list', async (t) => {
      const list = listId === undefined ? await t.statusLists.newest('revocation') : await t.statusLists.get(listId)
      return list && { list, setIndexes: await t.credentials.setIndexes(list.id, list.purpose) }
    })
  }

  // Principals

  createPrincipal(principal: PrincipalRecord, audit: AuditInput): Promise<void> {
    return this.#write(`create principal ${principal.id}`, (t) => createPrincipal(t, principal, audit))
  }

  getPrincipal(id: string): Promise<PrincipalRecord | undefined> {
    return this.#read('read principal', (t) => t.principals.get(id))
  }

  updatePrincipal(id: string, change: (current: PrincipalRecord) => PrincipalChange, audit: (updated: PrincipalRecord, voided: readonly VoidedApproval[]) => AuditInput): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }> {
    return this.#write(`update principal ${id}`, (t) => updatePrincipal(t, id, change, audit))
  }

  principalByToken(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    return this.#read('authenticate', (t) => t.principals.byToken(tokenSha256, this.#now()))
  }

  principalByTokenAnyState(tokenSha256: string): Promise<PrincipalRecord | undefined> {
    return this.#read('look up a token', (t) => t.principals.byTokenAnyState(tokenSha256))
  }

  listPrincipals(): Promise<PrincipalRecord[]> {
    return this.#read('list principals', (t) => t.principals.list())
  }

  // Requests

  createRequest(request: AccessRequestRecord, audit: AuditInput): Promise<void> {
    return this.#write(`open request ${request.id}`, (t) => openRequest(t, request, audit))
  }

  getRequest(id: string): Promise<AccessRequestRecord | undefined> {
    return this.#read('read request', (t) => t.requests.get(id))
  }

  pageRequests(filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return this.#read('page requests', (t) => t.requests.page(filter, limit, offset))
  }

  pageQueue(filter: { roles: readonly string[]; principal: string; now: number }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return this.#read('page the approval queue', (t) => t.requests.queue(filter, limit, offset))
  }

  listRequests(filter: { status?: AccessRequestRecord['status']; subject?: string } = {}): Promise<AccessRequestRecord[]> {
    return this.#read('list requests', (t) => t.requests.list(filter))
  }

  decideRequest(id: string, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<{ request: AccessRequestRecord; issued?: IssuedRecord }> {
    return this.#write(`decide request ${id}`, (t) => decideRequest(t, id, decide))
  }

  expireRequests(nowMs: number, audit: (request: AccessRequestRecord) => AuditInput): Promise<AccessRequestRecord[]> {
    return this.#write('expire requests', (t) => expireRequests(t, nowMs, audit))
  }

  // Reviews

  async startReview(campaign: ReviewCampaignRecord, selection: ReviewSelection, itemId: (credentialId: string) => string, audit: (opened: ReviewOpened) => AuditInput): Promise<ReviewOpened> {
    // Found outside the writes, in SQL (the sweeper asks every 30 s, and few are due); then
    // written in batches, each its own transaction, so that the writer is never held for the
    // whole campaign (store/rules/reviews.ts).
    const nowSeconds = Math.floor(this.#now() / 1000)
    const candidates = (await this.#read('find credentials for review', (t) => t.reviews.candidates(selection, nowSeconds))).map((c) => c.id)
    if (candidates.length === 0) throw agentIdError('ERR_CONFLICT', 'no credential is due for review')
    await this.#write(`begin review ${campaign.id}`, (t) => beginReview(t, campaign))
    let opened: ReviewOpened | undefined
    try {
      const taken: string[] = []
      for (let i = 0; i < candidates.length; i += REVIEW_BATCH) {
        const batch = candidates.slice(i, i + REVIEW_BATCH)
        taken.push(...await this.#write(`add items to review ${campaign.id}`, (t) => addReviewItems(t, campaign.id, selection, batch, itemId)))
      }
      opened = await this.#write(`open review ${campaign.id}`, (t) => finishReview(t, campaign.id, taken, audit))
    } catch (error) {
      // Nothing of it stays: its credentials are free for the next campaign (unless it opened,
      // or the sweeper abandoned it already). Cut short here, the sweeper finishes the removal.
      await this.#write(`abandon review ${campaign.id}`, (t) => abandonReview(t, campaign.id, (error as Error).message))
        .then(() => this.#removeAbandoned(campaign.id)).catch(() => undefined)
      throw error
    }
    if (!opened) throw agentIdError('ERR_CONFLICT', 'no credential is due for review')
    return opened
  }

  // An abandoned campaign's items, 500 per transaction, then the campaign.
  async #removeAbandoned(campaign: string): Promise<void> {
    while (!(await this.#write(`remove abandoned review ${campaign}`, (t) => removeAbandonedItems(t, campaign)))) { /* next batch */ }
  }

  listReviews(): Promise<ReviewCampaignRecord[]> {
    return this.#read('list reviews', (t) => t.reviews.campaigns())
  }

  listReviewItems(campaign?: string): Promise<ReviewItemRecord[]> {
    return this.#read('list review items', (t) => t.reviews.items(campaign))
  }

  getReview(id: string): Promise<ReviewCampaignRecord | undefined> {
    return this.#read('read review', (t) => t.reviews.campaign(id))
  }

  pageReviewItems(campaign: string, filter: { readonly status?: 'open' | 'decided' }, limit: number, offset: number): Promise<{ items: ReviewItemRecord[]; total: number }> {
    return this.#read('page review items', (t) => t.reviews.page(campaign, filter.status, limit, offset))
  }

  reviewProgress(campaign: string): Promise<ReviewProgress> {
    return this.#read('count review items', (t) => t.reviews.progress(campaign))
  }

  getReviewItem(id: string): Promise<ReviewItemRecord | undefined> {
    return this.#read('read review item', (t) => t.reviews.item(id))
  }

  decideReviewItem(id: string, decision: 'certified' | 'revoked', reviewer: string, audit: (item: ReviewItemRecord) => AuditInput): Promise<ReviewItemRecord> {
    return this.#write(`review item ${id}`, (t) => decideReviewItem(t, id, decision, reviewer, audit))
  }

  async closeOverdueReviews(nowMs: number, revokeUnreviewed: boolean, audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[], part: { readonly index: number; readonly of: number }) => AuditInput): Promise<ReviewItemRecord[]> {
    const idleSince = nowMs - ABANDONED_OPENING_MS
    for (const id of await this.#read('find abandoned reviews', (t) => t.reviews.openingsIdleSince(idleSince))) {
      await this.#write(`abandon review ${id}`, (t) => abandonReview(t, id, 'no progress in ten minutes: its opener stopped', idleSince))
    }
    for (const id of await this.#read('find abandoned reviews', (t) => t.reviews.abandoned())) await this.#removeAbandoned(id)
    const all: ReviewItemRecord[] = []
    for (const campaign of await this.#read('find overdue reviews', (t) => t.reviews.overdueCampaigns(nowMs))) {
      // In batches, each its own transaction that reads and keeps the close's progress
      // (store/rules/reviews.ts): a close cut short (a crash) is resumed by the next sweep.
      for (;;) {
        const part = await this.#write(`close review ${campaign.id}`, (t) => closeOverduePart(t, campaign, nowMs, revokeUnreviewed, audit))
        all.push(...part.overdue)
        if (part.closed) break
      }
    }
    return all
  }

  // Audit

  recordEvent(audit: AuditInput): Promise<void> {
    return this.#write(`record ${audit.action}`, async (t) => {
      await t.record(audit)
    })
  }

  readAudit(fromSeq = 1, limit = 10_000): Promise<AuditEntry[]> {
    return this.#read('read audit log', (t) => t.audit.read(fromSeq, limit))
  }

  searchAudit(filter: { actor?: string; action?: string; target?: string; before?: number }, limit: number): Promise<{ entries: AuditEntry[]; last: number }> {
    return this.#read('read audit log', async (t) => ({ entries: await t.audit.search(filter, limit), last: await t.audit.lastSeq() }))
  }

  writeCheckpoint(sign: (head: { seq: number; hash: string; at: number }) => Promise<string>): Promise<AuditCheckpointRecord | undefined> {
    return this.#write('write audit checkpoint', async (t) => {
      const head = await t.audit.head()
      // Only when the log grew since the last one.
      if (!head || await t.audit.checkpointedSeq() >= head.seq) return undefined
      const at = this.#now()
      const checkpoint = { seq: head.seq, head: head.hash, at, jwt: await sign({ seq: head.seq, hash: head.hash, at }) }
      await t.audit.insertCheckpoint(checkpoint)
      return checkpoint
    })
  }

  listCheckpoints(limit?: number): Promise<AuditCheckpointRecord[]> {
    return this.#read('list audit checkpoints', (t) => t.audit.checkpoints(limit))
  }

  // Keys

  rotateIssuer(rotation: { previous: string; did: string; statement: string; lists: readonly StatusListRecord[] }, audit: AuditInput): Promise<void> {
    return this.#write('rotate the issuer key', (t) => rotateIssuer(t, rotation, audit))
  }

  async rotateKek(next: KeyEncryptionKey, audit: (count: number) => AuditInput): Promise<number> {
    const count = await this.#write('rotate the key-encryption key', async (t) => {
      const resealed = await resealSecrets(t, this.#kek, next)
      await t.record(audit(resealed))
      return resealed
    })
    // Only once committed: until then, the old key still opens everything.
    this.#kek = next
    this.#rekey(next)
    return count
  }

  // Webhooks

  createWebhook(webhook: WebhookRecord, secret: string, audit: AuditInput): Promise<void> {
    return this.#write(`create webhook ${webhook.id}`, async (t) => {
      await t.webhooks.insert(webhook, sealPrivateKey(this.#kek, `webhook:${webhook.id}`, secret))
      await t.record(audit)
    })
  }

  listWebhooks(): Promise<WebhookRecord[]> {
    return this.#read('list webhooks', async (t) => (await t.webhooks.list()).map((w) => w.webhook))
  }

  webhookSecrets(): Promise<Array<{ webhook: WebhookRecord; secret: string }>> {
    return this.#read('read webhook secrets', async (t) => (await t.webhooks.list())
      .map(({ webhook, secretSealed }) => ({ webhook, secret: openPrivateKey(this.#kek, `webhook:${webhook.id}`, secretSealed) })))
  }

  deleteWebhook(id: string, audit: AuditInput): Promise<void> {
    return this.#write(`delete webhook ${id}`, async (t) => {
      if (!(await t.webhooks.delete(id))) throw agentIdError('ERR_NOT_FOUND', `no webhook ${id}`)
      await t.record(audit)
    })
  }

  // Offers and delegations

  createOffer(offer: CredentialOfferRecord, audit: AuditInput): Promise<void> {
    return this.#write('create credential offer', async (t) => {
      await t.offers.insert(offer)
      await t.record(audit)
    })
  }

  redeemOffer(codeSha256: string, txCodeSha256: string | undefined, options: { now: number; maxAttempts: number; holder: string; audit: (offer: CredentialOfferRecord) => AuditInput }): Promise<OfferRedemption> {
    return this.#write('redeem credential offer', (t) => redeemOffer(t, codeSha256, txCodeSha256, options))
  }

  recordDelegations(records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput, alert?: (record: DelegationRecord) => Omit<AlertRecord, 'id'> | undefined): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
    return this.#write('record delegations', (t) => recordDelegations(t, records, audit, alert))
  }

  listDelegations(root: string): Promise<DelegationRecord[]> {
    return this.#read('list delegations', (t) => t.delegations.under(root))
  }

  // Monitoring

  addAlerts(alerts: ReadonlyArray<Omit<AlertRecord, 'id'>>, audit?: (alert: AlertRecord) => AuditInput): Promise<AlertRecord[]> {
    return this.#write('store alerts', async (t) => {
      const stored: AlertRecord[] = []
      for (const a of alerts) {
        const alert = await t.alerts.insert(a)
        if (audit) await t.record(audit(alert))
        stored.push(alert)
      }
      return stored
    })
  }

  listAlerts(limit = 100): Promise<AlertRecord[]> {
    return this.#read('list alerts', (t) => t.alerts.newest(limit))
  }

  getAlert(id: number): Promise<AlertRecord | undefined> {
    return this.#read('read alert', (t) => t.alerts.get(id))
  }

  pageAlerts(filter: AlertPageFilter, limit: number, offset: number): Promise<{ alerts: AlertRecord[]; total: number }> {
    return this.#read('list alerts', (t) => t.alerts.page(filter, limit, offset))
  }

  addAlertFeedback(f: AlertFeedbackRecord, audit: AuditInput): Promise<void> {
    return this.#write(`feedback on alert ${f.alertId}`, async (t) => {
      if (!(await t.alerts.get(f.alertId))) throw agentIdError('ERR_NOT_FOUND', `no alert ${f.alertId}`)
      if (await t.alerts.feedback(f.alertId)) throw agentIdError('ERR_CONFLICT', `alert ${f.alertId} already has a verdict`)
      await t.alerts.insertFeedback(f)
      await t.record(audit)
    })
  }

  listAlertFeedback(alertIds: readonly number[]): Promise<AlertFeedbackRecord[]> {
    return this.#read('list alert feedback', async (t) => {
      const feedback: AlertFeedbackRecord[] = []
      for (const id of alertIds) {
        const f = await t.alerts.feedback(id)
        if (f) feedback.push(f)
      }
      return feedback
    })
  }

  addSuppression(x: SuppressionRecord, audit: AuditInput): Promise<void> {
    return this.#write(`add suppression ${x.id}`, async (t) => {
      await t.alerts.insertSuppression(x)
      await t.record(audit)
    })
  }

  listSuppressions(): Promise<SuppressionRecord[]> {
    return this.#read('list suppressions', (t) => t.alerts.suppressions())
  }

  endSuppression(id: string, by: string, at: number, audit: AuditInput): Promise<SuppressionRecord> {
    return this.#write(`end suppression ${id}`, async (t) => {
      const x = await t.alerts.suppression(id)
      if (!x) throw agentIdError('ERR_NOT_FOUND', `no suppression ${id}`)
      if (x.endedAt !== undefined) throw agentIdError('ERR_CONFLICT', `suppression ${id} has already ended`)
      await t.alerts.endSuppression(id, by, at)
      await t.record(audit)
      return { ...x, endedAt: at, endedBy: by }
    })
  }

  saveBaselines(rows: ReadonlyArray<{ readonly key: string; readonly state: string; readonly updatedAt: number }>): Promise<void> {
    if (rows.length === 0) return Promise.resolve()
    return this.#write('save monitoring baselines', async (t) => {
      for (const r of rows) await t.alerts.saveBaseline(r)
    })
  }

  loadBaselines(): Promise<Array<{ key: string; state: string }>> {
    return this.#read('load monitoring baselines', (t) => t.alerts.baselines())
  }

  close(): Promise<void> {
    return this.#engine.close()
  }
}
