import type { AgentKind, ApprovalEvidence, Entitlement, RiskLevel, TaskRef } from '@agentid/core'
import type { AbstractDIDStore } from '@veramo/did-manager'
import type { AbstractKeyStore, AbstractPrivateKeyStore } from '@veramo/key-manager'
import type { KeyEncryptionKey } from '../keys/key-encryption.js'

/** An enrolled agent. */
export interface AgentRecord {
  readonly did: string
  readonly name: string
  readonly kind: AgentKind
  readonly owner: string
  readonly segment?: string
  readonly role?: string
  readonly status: 'active' | 'retired'
  /** Milliseconds since the epoch. */
  readonly createdAt: number
  /** Set while the agent as a whole is suspended: it is issued nothing. */
  readonly suspendedAt?: number
}

/** The status-list slot a credential holds (Bitstring Status List v1.0). */
export interface StatusAllocation {
  /** The revocation list. */
  readonly listId: string
  readonly index: number
  /** The suspension list, where the credential holds the same index (absent before migration 3). */
  readonly suspensionListId?: string
}

/** What the engine asks the store to issue. */
export interface CredentialDraft {
  readonly id: string
  readonly subject: string
  readonly issuer: string
  readonly entitlements: readonly Entitlement[]
  readonly task?: TaskRef
  readonly risk?: RiskLevel
  /** Seconds since the epoch. */
  readonly notBefore: number
  readonly expires: number
  /** A just-in-time grant: it ends when its task completes. */
  readonly jit?: boolean
  /** The access request it was issued for. */
  readonly requestId?: string
  /** The approvals it carries (as in `credentialSubject.approvals`). */
  readonly approvals?: readonly ApprovalEvidence[]
  /** Who asked for it: the grant's caller, the request's requester, or the enrolling admin. */
  readonly requestedBy?: string
  /** End of the approved window (seconds): renewable until then (docs/issuance.md). Absent: not renewable. */
  readonly renewUntil?: number
  /** The credential this one renews. */
  readonly renews?: string
}

/** An issued credential as the store keeps it (never the JWT itself: only its hash). */
export interface CredentialRecord extends CredentialDraft, StatusAllocation {
  readonly status: 'active' | 'revoked' | 'suspended'
  /** SHA-256 of the VC-JWT, hex. */
  readonly jwtSha256: string
  /** Milliseconds since the epoch. */
  readonly issuedAt: number
  /** When the sweeper saw it expire (milliseconds). */
  readonly expiredAt?: number
  /** When a reviewer last certified it (milliseconds). */
  readonly reviewedAt?: number
  /** Why it is suspended: on its own, or because its agent is. */
  readonly suspendedFor?: 'credential' | 'agent'
}

/**
 * An issuance the store runs inside a transaction: slot, signature, row and audit entry. A backend
 * that retries a write (PostgreSQL, after a serialization failure or a lost slot race) calls
 * `sign`, `audit` and `guard` again; only the committed attempt is answered.
 */
export interface Issuance {
  readonly draft: CredentialDraft
  /** Makes the VC-JWT once the status slot is known. */
  readonly sign: (allocation: StatusAllocation) => Promise<string>
  readonly audit: (record: CredentialRecord) => AuditInput
  /**
   * Separation of duties, checked inside the transaction: receives what the subject's duty group
   * holds (see {@link IssuerStore.dutyGroupHoldings}) and throws to refuse.
   */
  readonly guard?: (held: readonly Holding[]) => void
}

/**
 * Entitlements someone in a duty group holds: a live credential of this issuer, or a live
 * delegation reported below one.
 */
export interface Holding {
  /** The credential's or the delegation's id. */
  readonly id: string
  readonly subject: string
  readonly entitlements: readonly Entitlement[]
  readonly via: 'credential' | 'delegation'
}

/** An OpenID4VCI credential offer: a pre-authorized code (kept as a hash) for one agent's credentials. */
export interface CredentialOfferRecord {
  readonly codeSha256: string
  /** The agent that may redeem it (its key signs the proofs). */
  readonly subject: string
  readonly credentials: readonly string[]
  /** SHA-256 of the transaction code, when the offer asks for one. */
  readonly txCodeSha256?: string
  readonly failedAttempts: number
  readonly createdBy: string
  /** Milliseconds since the epoch. */
  readonly createdAt: number
  readonly expiresAt: number
  readonly redeemedAt?: number
}

/** What redeeming a pre-authorized code came to. */
export type OfferRedemption =
  | { readonly outcome: 'redeemed'; readonly offer: CredentialOfferRecord }
  | { readonly outcome: 'unknown' | 'expired' | 'used' | 'tx-code' | 'tx-code-missing' | 'tx-code-unexpected' | 'holder' | 'burnt'; readonly offer?: CredentialOfferRecord }

/** A committed credential and its JWT. */
export interface IssuedRecord {
  readonly record: CredentialRecord
  readonly jwt: string
}

/** A delegation an agent made offline and reported to the issuer. */
export interface DelegationRecord {
  readonly id: string
  readonly parent: string
  /** The issuer's credential at the root of the chain. */
  readonly root: string
  readonly delegator: string
  readonly delegate: string
  /** As they appear in the delegation (constraints this version does not know included). */
  readonly entitlements: readonly unknown[]
  readonly depth: number
  readonly notBefore: number
  readonly expires: number
  readonly jwtSha256: string
  readonly reportedAt: number
}

/** A role template: what an agent enrolled in this role is granted at once. */
export interface RoleTemplate {
  readonly name: string
  readonly description: string
  readonly entitlements: readonly Entitlement[]
  readonly ttlSeconds: number
}

/** A status list the issuer allocates indexes from. */
export interface StatusListRecord {
  readonly id: string
  readonly purpose: 'revocation' | 'suspension'
  readonly size: number
  readonly createdAt: number
  /** The issuer DID that signs it (absent: the first issuer's). */
  readonly issuer?: string
}

/** A principal that authenticates with a bearer token (stored only as a hash). */
export interface PrincipalRecord {
  readonly id: string
  readonly roles: readonly string[]
  readonly tokenSha256: string
  /** A person's DID: they own the agents whose owner it is. */
  readonly did?: string
  readonly createdAt: number
  readonly disabledAt?: number
  /** Milliseconds since the epoch after which its token is refused. */
  readonly expiresAt?: number
}

/** A change to a principal; `null` clears a field. */
export interface PrincipalChange {
  readonly roles?: readonly string[]
  readonly tokenSha256?: string
  readonly disabledAt?: number | null
  readonly expiresAt?: number | null
}

/** An approval that stopped counting: its principal was disabled or lost the role it approved in. */
export interface VoidedApproval {
  readonly request: string
  readonly level: number
  readonly principal: string
  readonly role: string
}

/** One version of the policy document. */
export interface PolicyVersion {
  readonly version: number
  /** The document, JSON. */
  readonly document: string
  readonly createdAt: number
  readonly createdBy: string
}

/** One decision on an access request. */
export interface ApprovalRecord {
  readonly level: number
  readonly principal: string
  readonly role: string
  readonly decision: 'approve' | 'deny'
  /** Milliseconds since the epoch. */
  readonly at: number
  readonly reason?: string
}

/** A request for entitlements that walks an approval chain. */
export interface AccessRequestRecord {
  readonly id: string
  readonly subject: string
  /** The principal who asked. */
  readonly requester: string
  readonly entitlements: readonly Entitlement[]
  readonly ttlSeconds: number
  readonly task?: TaskRef
  readonly jit: boolean
  readonly risk: RiskLevel
  /** Ordered approver roles. */
  readonly chain: readonly string[]
  readonly policyVersion: number
  readonly justification?: string
  /** The window asked for (seconds from issuance) in which the credential may be renewed. */
  readonly renewableSeconds?: number
  readonly status: 'pending' | 'issued' | 'denied' | 'expired'
  /** Milliseconds since the epoch. */
  readonly createdAt: number
  readonly expiresAt: number
  readonly decidedAt?: number
  readonly credentialId?: string
  readonly approvals: readonly ApprovalRecord[]
}

/** An access request to open, with its audit entry. */
export interface PendingRequest {
  readonly request: AccessRequestRecord
  readonly audit: AuditInput
}

/** What `decideRequest` writes: the decision, its audit entry, and the issuance that completes it. */
export interface RequestDecision {
  readonly approval: ApprovalRecord
  readonly audit: AuditInput
  readonly issuance?: Issuance
  /** The request judged again by the policy in force: stored with the decision. */
  readonly rejudged?: { readonly risk: RiskLevel; readonly chain: readonly string[]; readonly policyVersion: number }
}

/** What a decision may look up inside its transaction, as it is then. */
export interface DecisionFacts {
  /** Whether two identities (DIDs or principal ids) belong to one party. */
  sameParty(a: string, b: string): boolean
  /** A principal's record now (disabled, expired and roles included). */
  principal(id: string): PrincipalRecord | undefined
}

/** Where a party is looked up from: an identity (a DID or a principal id), or an agent not enrolled yet. */
export type PartyStart = string | { readonly did: string; readonly kind: string; readonly owner: string }

/** One agent retired, with the credentials that retiring it revoked. */
export interface RetirementStep {
  readonly agent: string
  readonly revoked: readonly CredentialRecord[]
  /** Set when retired because its owner was: the owner's DID. */
  readonly cascadeFrom?: string
  /** Principals of this DID disabled with it. */
  readonly principalsDisabled: readonly string[]
  /** Access requests that were pending for it or by it, closed (status `expired`) with it. */
  readonly requestsClosed: readonly string[]
  /** `suspended` when the policy suspends an owner's agents pending a new owner instead of retiring them. */
  readonly outcome: 'retired' | 'suspended'
  /** Approvals by the principals disabled here that no longer count. */
  readonly approvalsVoided: readonly VoidedApproval[]
}

/** An access-review campaign. */
export interface ReviewCampaignRecord {
  readonly id: string
  readonly name: string
  readonly createdBy: string
  readonly createdAt: number
  /** Milliseconds since the epoch: undecided items are overdue after this. */
  readonly deadline: number
  readonly status: 'open' | 'closed'
}

/** One credential to certify or revoke in a campaign. */
export interface ReviewItemRecord {
  readonly id: string
  readonly campaign: string
  readonly credentialId: string
  readonly risk: RiskLevel
  readonly decision?: 'certified' | 'revoked' | 'expired'
  readonly reviewer?: string
  readonly decidedAt?: number
}

/**
 * Which live credentials a review campaign takes (a live one already waiting in an open
 * campaign is never taken twice): every one, or those due, whose last certification (or, never
 * certified, their issuance) is at least their risk's review interval before `nowMs` (a
 * credential without a risk counts as critical).
 */
export type ReviewSelection =
  | { readonly all: true }
  | { readonly due: { readonly nowMs: number; readonly intervalSeconds: Readonly<Record<RiskLevel, number>> } }

/** What a campaign was opened over: its item count, and the digest of their credentials (`reviewDigest`). */
export interface ReviewOpened {
  readonly items: number
  /** SHA-256 (hex) over the credential ids, sorted, each followed by a line feed. */
  readonly digest: string
}

/** How far a review campaign is. */
export interface ReviewProgress {
  readonly total: number
  /** Certified or revoked (not expired). */
  readonly decided: number
  readonly certified: number
  readonly revoked: number
}

/** A signed checkpoint of the audit log: its head entry at a moment. */
export interface AuditCheckpointRecord {
  /** The last entry it covers. */
  readonly seq: number
  /** That entry's hash. */
  readonly head: string
  /** Milliseconds since the epoch. */
  readonly at: number
  /** The issuer's signature over it: a VC-JWT (`AuditCheckpointCredential`). */
  readonly jwt: string
}

/** A webhook the issuer posts signed events to. */
export interface WebhookRecord {
  readonly id: string
  readonly url: string
  /** Event types it receives (`status`). */
  readonly events: readonly string[]
  readonly createdBy: string
  readonly createdAt: number
}

/** An alert record: an overdue review, an anomaly from verification events, a stray delegation. */
export interface AlertRecord {
  readonly id: number
  readonly at: number
  readonly kind: string
  readonly severity: RiskLevel
  readonly subject?: string
  readonly details: Readonly<Record<string, unknown>>
}

/** How a page of alerts is ordered: `newest` (the default) or `score`, highest first. */
export const ALERT_ORDERS = ['newest', 'score'] as const
export type AlertOrder = (typeof ALERT_ORDERS)[number]

/** Which alerts a page holds, and in what order ({@link IssuerStore.pageAlerts}). */
export interface AlertPageFilter {
  readonly severity?: string
  readonly subject?: string
  readonly order?: AlertOrder
}

/** An operator's suppression of monitoring findings: what it matches (absent: any) and until when. */
export interface SuppressionRecord {
  readonly id: string
  readonly agent?: string
  readonly kind?: string
  readonly about?: string
  readonly reason: string
  readonly createdBy: string
  readonly createdAt: number
  readonly expiresAt: number
  readonly endedAt?: number
  readonly endedBy?: string
}

/** An operator's verdict on an alert: `benign` teaches monitoring's baseline, `confirmed` records a true finding. */
export interface AlertFeedbackRecord {
  readonly alertId: number
  readonly verdict: 'benign' | 'confirmed'
  readonly note?: string
  readonly decidedBy: string
  readonly decidedAt: number
}

/** What an audit entry records, before the store chains it. */
export interface AuditInput {
  /** Who did it: `cli:<user>`, a principal id, or `system`. */
  readonly actor: string
  /** What happened, `area.verb` (`agent.register`, `credential.issue`). */
  readonly action: string
  /** What it happened to (a DID, a credential id). */
  readonly target?: string
  readonly details: Readonly<Record<string, unknown>>
}

/** An audit entry as stored: hash-chained to the one before. */
export interface AuditEntry extends AuditInput {
  readonly seq: number
  /** Milliseconds since the epoch. */
  readonly at: number
  readonly prevHash: string
  readonly hash: string
}

/** First-time set-up, written in one transaction. */
export interface IssuerSetup {
  readonly settings: Readonly<Record<string, string>>
  readonly statusList: StatusListRecord
  readonly admin: PrincipalRecord
  readonly roles: readonly RoleTemplate[]
}

/** Veramo's key, private-key and DID stores, provided by each backend. */
export interface KeyCustodyStores {
  readonly keyStore: AbstractKeyStore
  readonly privateKeyStore: AbstractPrivateKeyStore
  readonly didStore: AbstractDIDStore
}

/**
 * The issuer's system of record. Every method is one business-level atomic operation: it either
 * happens entirely, with its audit entry, or not at all (`ERR_STORE`, `ERR_CONFLICT`, ...).
 * Asynchronous so that a networked backend (PostgreSQL, for several replicas) can implement it.
 */
export interface IssuerStore {
  readonly backend: string
  readonly custody: KeyCustodyStores
  getSetting(key: string): Promise<string | undefined>
  /** Writes waiting to be committed (a metric). */
  pendingWrites(): number
  /** Sets one of the issuer's settings, with its audit entry. @throws AgentIdError ERR_STORE */
  setSetting(key: string, value: string, audit: AuditInput): Promise<void>
  initialize(setup: IssuerSetup, audit: AuditInput): Promise<void>
  /**
   * Enrols an agent and, with `initial`, issues its first credential (or opens the request for it)
   * in the same transaction: both happen or neither does.
   * @throws AgentIdError ERR_CONFLICT when the DID is enrolled already, ERR_STORE
   */
  registerAgent(agent: AgentRecord, audit: AuditInput, initial?: Issuance | PendingRequest): Promise<IssuedRecord | undefined>
  getAgent(did: string): Promise<AgentRecord | undefined>
  listAgents(): Promise<AgentRecord[]>
  /**
   * One page of the inventory, filtered in SQL (the console's list): and how many match in all.
   * Its cost grows with the agents the filter leaves (the count) and with `offset` (skipped
   * rows are read); {@link pageAgentsAfter} does not.
   */
  pageAgents(filter: AgentFilter, limit: number, offset: number): Promise<{ agents: AgentRecord[]; total: number }>
  /**
   * Keyset paging of the inventory in its order (created, then DID): up to `limit` agents that
   * match `filter` after `after` (from the first without it), and the position of the last one
   * when more follow. No total: each page reads only its rows, however deep.
   */
  pageAgentsAfter(filter: AgentFilter, limit: number, after?: AgentPosition): Promise<{ agents: AgentRecord[]; next?: AgentPosition }>
  getRole(name: string): Promise<RoleTemplate | undefined>
  listRoles(): Promise<RoleTemplate[]>
  /**
   * Checks that the subject is an active agent, allocates a fresh random status index, lets
   * `sign` make the VC-JWT with it, then commits the credential row, the index and the audit
   * entry together. Nothing is kept when any step fails.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (agent not active, duplicate id), ERR_STORE
   */
  issueCredential(
    draft: CredentialDraft,
    sign: (allocation: StatusAllocation) => Promise<string>,
    audit: (record: CredentialRecord) => AuditInput,
    guard?: Issuance['guard'],
  ): Promise<IssuedRecord>
  /**
   * Revokes a credential: final, and published with the next status list. Revoking a revoked one
   * changes nothing (`changed: false`, no audit entry): a retry is safe.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
   */
  revokeCredential(id: string, audit: (record: CredentialRecord) => AuditInput): Promise<{ record: CredentialRecord; changed: boolean }>
  /**
   * Suspends (`suspended: true`) or resumes credentials: one by id, or all of an agent's (then the
   * agent itself too: it is issued nothing until resumed). Revoked credentials stay revoked; a
   * credential without a suspension slot cannot be suspended. A target already in the state asked
   * for changes nothing (an empty list, no audit entry): a retry is safe.
   * @returns the credentials changed
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]>
  /**
   * Deprovisioning, in one transaction: retires the agent `did` (if enrolled) and every agent it
   * owns (directly, through its agents, or under its principals' ids; with `ownedAgents:
   * 'suspend'` those are suspended instead, pending a new owner), revokes every credential of the
   * retired ones, closes the requests pending for or filed by any of them, disables the principals
   * of that DID and voids their approvals. One audit entry per agent.
   * @throws AgentIdError ERR_NOT_FOUND (neither an agent nor an owner), ERR_CONFLICT (nothing left to retire), ERR_STORE
   */
  retireAgent(did: string, audit: (step: RetirementStep) => AuditInput, options?: { readonly ownedAgents?: 'retire' | 'suspend' }): Promise<RetirementStep[]>
  /**
   * Gives an agent a new owner (an agent suspended because its owner was retired waits for one).
   * `guard` sees what moves (the agent and what it owns) and what the party it joins holds, and
   * throws to refuse; approvals of its pending requests given by its new party are voided.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (retired, same owner), ERR_INPUT_INVALID (an employee agent's owner must be an active person), ERR_STORE
   */
  transferAgent(did: string, owner: string, audit: (previous: AgentRecord, voided: readonly VoidedApproval[]) => AuditInput, guard?: (moving: readonly Holding[], joining: readonly Holding[]) => void): Promise<{ agent: AgentRecord; voided: VoidedApproval[] }>
  /**
   * What the agent's duty group holds (live credentials, and live reported delegations whose root
   * is live): the group is the whole party the agent belongs to, the person at the top of its
   * chain of owners (the topmost enrolled agent, or the DID that owns it) and every agent owned
   * from there down, of any kind. What separation of duties weighs a grant against.
   */
  dutyGroupHoldings(start: PartyStart): Promise<Holding[]>
  /**
   * The top of the party an identity belongs to: two identities are one party when their tops are
   * the same (see governance/party.ts).
   */
  partyTop(start: PartyStart): Promise<string>

  createPrincipal(principal: PrincipalRecord, audit: AuditInput): Promise<void>
  getPrincipal(id: string): Promise<PrincipalRecord | undefined>
  /**
   * Changes a principal in one transaction: `change` sees it as it is now and throws to refuse.
   * Disabling it, or taking a role away, voids its approvals of pending requests (and every later
   * level of those requests: they were given on the strength of the voided one).
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (another enabled principal speaks for the same person; the last enabled admin), what `change` throws, ERR_STORE
   */
  updatePrincipal(id: string, change: (current: PrincipalRecord) => PrincipalChange, audit: (updated: PrincipalRecord, voided: readonly VoidedApproval[]) => AuditInput): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }>
  /** The enabled, unexpired principal with this token hash. */
  principalByToken(tokenSha256: string): Promise<PrincipalRecord | undefined>
  /** The principal with this token hash whatever its state (to record who tried a disabled or expired token). */
  principalByTokenAnyState(tokenSha256: string): Promise<PrincipalRecord | undefined>
  listPrincipals(): Promise<PrincipalRecord[]>

  /** The policy in force (the newest version), if one was ever set. */
  currentPolicy(): Promise<PolicyVersion | undefined>
  /** Policy versions, newest first, one page, and how many there are. */
  listPolicies(limit: number, offset: number): Promise<{ versions: PolicyVersion[]; total: number }>
  /** Stores the next policy version. */
  putPolicy(document: string, createdBy: string, audit: (version: number) => AuditInput): Promise<PolicyVersion>
  /** Creates or replaces a role template. */
  putRole(role: RoleTemplate, audit: (previous: RoleTemplate | undefined) => AuditInput): Promise<void>
  /** @throws AgentIdError ERR_NOT_FOUND */
  deleteRole(name: string, audit: (role: RoleTemplate) => AuditInput): Promise<void>

  /**
   * Opens an access request (status `pending`).
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (agent not active, the same request pending), ERR_STORE
   */
  createRequest(request: AccessRequestRecord, audit: AuditInput): Promise<void>
  getRequest(id: string): Promise<AccessRequestRecord | undefined>
  listRequests(filter?: { status?: AccessRequestRecord['status']; subject?: string }): Promise<AccessRequestRecord[]>
  /** One page of requests, newest first (`decided`: any status but pending), and how many match. */
  pageRequests(filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }>
  /**
   * One page of the requests waiting for a principal's decision, oldest first: pending, unexpired,
   * at a level whose role it holds, not asked by it, not decided by it already.
   */
  pageQueue(filter: { roles: readonly string[]; principal: string; now: number }, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }>
  /**
   * Records one decision on a request, in one transaction with what it causes: `decide` sees the
   * request as it is now (inside the transaction) and throws to refuse; a denial ends the
   * request; an issuance (the last approval) issues the credential and closes it. `decide` must
   * be pure: it may run more than once (again when it asks a fact not read yet, and on PostgreSQL
   * again when the write is retried); only the committed run counts.
   * @throws AgentIdError ERR_NOT_FOUND, what `decide` throws, ERR_STORE
   */
  decideRequest(id: string, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<{ request: AccessRequestRecord; issued?: IssuedRecord }>
  /** Expires pending requests whose time is up, each with its audit entry. */
  expireRequests(nowMs: number, audit: (request: AccessRequestRecord) => AuditInput): Promise<AccessRequestRecord[]>

  /**
   * Ends a task (with `owners`, for the agents they own; else everywhere): revokes every live
   * credential issued for it, closes the requests pending for it, and records it as completed so
   * that nothing more is issued or requested for it.
   * @throws AgentIdError ERR_NOT_FOUND (nothing was ever issued or requested for it), ERR_CONFLICT (completed already), ERR_STORE
   */
  completeTask(taskId: string, by: string, audit: (ended: { revoked: readonly CredentialRecord[]; requestsClosed: readonly string[] }) => AuditInput, owner?: string): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }>
  /** Marks credentials whose `exp` has passed, each with its audit entry. */
  sweepExpired(nowSeconds: number, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord[]>

  /**
   * Opens a review campaign over the live credentials `selection` takes, one item each (its id
   * from `itemId(credential id)`), with one audit entry that gives their count and digest, not
   * the items. The selection is read before writing; the items are written in batches of 500,
   * each its own transaction that takes only what still qualifies, while the campaign is
   * `opening` (listed nowhere, its items decided by nobody, its credentials taken by no other
   * campaign); the last transaction opens it with its audit entry. An opening that fails is
   * abandoned (audited `review.abandon`) and its items removed in batches; one whose process died
   * is abandoned so by `closeOverdueReviews` once it has made no progress for ten minutes.
   * @throws AgentIdError ERR_CONFLICT (nothing to review), ERR_STORE
   */
  startReview(campaign: ReviewCampaignRecord, selection: ReviewSelection, itemId: (credentialId: string) => string, audit: (opened: ReviewOpened) => AuditInput): Promise<ReviewOpened>
  listReviews(): Promise<ReviewCampaignRecord[]>
  /** An opened campaign (never one still opening). */
  getReview(id: string): Promise<ReviewCampaignRecord | undefined>
  listReviewItems(campaign?: string): Promise<ReviewItemRecord[]>
  /**
   * One page of a campaign's items, in the order reviewers work in: undecided first, then by
   * risk (critical first), then by id; `open` only undecided ones, `decided` the others; with the
   * total. From an index: a page costs the same in a campaign of any size.
   */
  pageReviewItems(campaign: string, filter: { readonly status?: 'open' | 'decided' }, limit: number, offset: number): Promise<{ items: ReviewItemRecord[]; total: number }>
  /** How many items a campaign has; decided (certified or revoked), certified, revoked. */
  reviewProgress(campaign: string): Promise<ReviewProgress>
  getReviewItem(id: string): Promise<ReviewItemRecord | undefined>
  /**
   * Certifies or revokes one review item (revoking revokes its credential), with its audit entry.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (decided already, campaign closed), ERR_STORE
   */
  decideReviewItem(id: string, decision: 'certified' | 'revoked', reviewer: string, audit: (item: ReviewItemRecord) => AuditInput): Promise<ReviewItemRecord>
  /**
   * Closes campaigns past their deadline: undecided items become `expired` (their credentials
   * revoked when `revokeUnreviewed`), an alert counting them is raised for each, all audited: one
   * entry per campaign and batch of at most 500 overdue items (`part`: 1 of 1 for a campaign with
   * none), so that no entry grows with the campaign. Each batch is its own transaction (other
   * writes run between them); the last closes the campaign and raises the alert. The progress is
   * kept with the campaign: a close cut short is resumed by the next call, and two calls at once
   * number the parts and raise the alert as one would. Also removes campaigns left `opening` with
   * no progress for ten minutes.
   */
  closeOverdueReviews(nowMs: number, revokeUnreviewed: boolean, audit: (campaign: ReviewCampaignRecord, overdue: readonly ReviewItemRecord[], part: { readonly index: number; readonly of: number }) => AuditInput): Promise<ReviewItemRecord[]>
  listAlerts(limit?: number): Promise<AlertRecord[]>
  getAlert(id: number): Promise<AlertRecord | undefined>
  /**
   * One page of alerts by severity and subject, and how many match: newest first, or with
   * `order: 'score'` highest score first (`details.score`; alerts without one last), newest first
   * among equals.
   */
  pageAlerts(filter: AlertPageFilter, limit: number, offset: number): Promise<{ alerts: AlertRecord[]; total: number }>
  /**
   * Stores alerts raised by monitoring, in one transaction, each with its audit entry when
   * `audit` is given. Alerts are append-only: never updated or deleted.
   */
  addAlerts(alerts: ReadonlyArray<Omit<AlertRecord, 'id'>>, audit?: (alert: AlertRecord) => AuditInput): Promise<AlertRecord[]>
  /** The DIDs of retired agents (monitoring flags any use of them). */
  retiredAgents(): Promise<string[]>
  /** Writes monitoring's baselines (derived data: replaced, not audited). */
  saveBaselines(rows: ReadonlyArray<{ readonly key: string; readonly state: string; readonly updatedAt: number }>): Promise<void>
  /** Every stored baseline, for monitoring to start from. */
  loadBaselines(): Promise<Array<{ key: string; state: string }>>
  /** Records a suppression, audited. */
  addSuppression(suppression: SuppressionRecord, audit: AuditInput): Promise<void>
  /** Suppressions, newest first (ended and expired ones included). */
  listSuppressions(): Promise<SuppressionRecord[]>
  /** Ends a suppression before its expiry, audited. @throws ERR_NOT_FOUND, ERR_CONFLICT when already ended */
  endSuppression(id: string, by: string, at: number, audit: AuditInput): Promise<SuppressionRecord>
  /** Records the verdict on an alert, once, audited. @throws ERR_NOT_FOUND (no such alert), ERR_CONFLICT (already decided) */
  addAlertFeedback(feedback: AlertFeedbackRecord, audit: AuditInput): Promise<void>
  /** Verdicts given on alerts, by alert id. */
  listAlertFeedback(alertIds: readonly number[]): Promise<AlertFeedbackRecord[]>

  /**
   * Signs the head of the audit log (with `sign`, inside the transaction) and stores the
   * checkpoint; nothing when no entry was added since the last one.
   */
  writeCheckpoint(sign: (head: { seq: number; hash: string; at: number }) => Promise<string>): Promise<AuditCheckpointRecord | undefined>
  /** Checkpoints in order (the newest `limit`, when given). */
  listCheckpoints(limit?: number): Promise<AuditCheckpointRecord[]>
  /**
   * Re-encrypts every sealed value (private keys, webhook secrets) from the current key-encryption
   * key to `next`, in one transaction; the store uses `next` from then on.
   * @returns how many values were re-encrypted
   */
  rotateKek(next: KeyEncryptionKey, audit: (count: number) => AuditInput): Promise<number>
  /**
   * Records an issuer key rotation in one transaction: the lists in use stay with the previous
   * DID, new lists (for the new DID's credentials) are added, the settings name the new DID and
   * keep the signed rotation statement.
   */
  rotateIssuer(rotation: { previous: string; did: string; statement: string; lists: readonly StatusListRecord[] }, audit: AuditInput): Promise<void>
  /**
   * Writes an audit entry that records no other change: a refused attempt (who tried what, and
   * why it was refused), an access token granted.
   */
  recordEvent(audit: AuditInput): Promise<void>
  /** Stores a webhook; its secret is sealed with the key-encryption key. */
  createWebhook(webhook: WebhookRecord, secret: string, audit: AuditInput): Promise<void>
  listWebhooks(): Promise<WebhookRecord[]>
  /** The webhooks with their secrets, for delivery only. */
  webhookSecrets(): Promise<Array<{ webhook: WebhookRecord; secret: string }>>
  /** @throws AgentIdError ERR_NOT_FOUND */
  deleteWebhook(id: string, audit: AuditInput): Promise<void>
  /** The lists in use: the newest of each purpose (revocation first). */
  currentStatusLists(): Promise<StatusListRecord[]>
  /** Every list: revocation lists, then suspension lists, oldest first (after a key rotation, the previous key's lists still speak for its credentials). */
  allStatusLists(): Promise<StatusListRecord[]>
  /** The newest revocation list (or the one named) and the indexes whose bit is set. */
  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined>
  /**
   * Records reported delegations (root first), each with its audit entry, in one transaction.
   * One already recorded under the same root with the same JWT is skipped; with another JWT it is
   * a conflict.
   * @returns the records newly written
   * @throws AgentIdError ERR_CONFLICT, ERR_NOT_FOUND (root), ERR_STORE
   */
  recordDelegations(records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput, alert?: (record: DelegationRecord) => Omit<AlertRecord, 'id'> | undefined): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }>
  /** The reported delegations below a credential of this issuer. */
  listDelegations(root: string): Promise<DelegationRecord[]>
  getCredential(id: string): Promise<CredentialRecord | undefined>
  /** The JWT of a credential, as issued (absent for credentials issued before it was kept). */
  getCredentialJwt(id: string): Promise<string | undefined>
  /** When the grant of this credential started: the first credential of its lineage (seconds). */
  grantStart(id: string): Promise<number | undefined>
  /** The credential that renews this one, if it was renewed. */
  getRenewal(id: string): Promise<CredentialRecord | undefined>
  /** Stores a credential offer with its audit entry. */
  createOffer(offer: CredentialOfferRecord, audit: AuditInput): Promise<void>
  /**
   * Redeems a pre-authorized code once, in one transaction: unknown, expired, used or burnt codes
   * change nothing; a wrong transaction code, or a holder other than the offer's subject, counts a
   * failed attempt, and the `maxAttempts`th burns it.
   */
  redeemOffer(codeSha256: string, txCodeSha256: string | undefined, options: { now: number; maxAttempts: number; holder: string; audit: (offer: CredentialOfferRecord) => AuditInput }): Promise<OfferRedemption>
  /** Credentials by subject and task; `latestOfGrant`: only the newest of each grant (what was renewed left out). */
  listCredentials(filter?: { subject?: string; taskId?: string; latestOfGrant?: boolean }): Promise<CredentialRecord[]>
  /** Audit entries in order, from `fromSeq` (default 1). */
  readAudit(fromSeq?: number, limit?: number): Promise<AuditEntry[]>
  /** Audit entries newest first, below `before` (a sequence number), by actor, action prefix and target; and the newest entry's number. */
  searchAudit(filter: { actor?: string; action?: string; target?: string; before?: number }, limit: number): Promise<{ entries: AuditEntry[]; last: number }>
  close(): Promise<void>
}

/** An agent's place in the inventory's order: what keyset paging continues after. */
export interface AgentPosition {
  readonly createdAt: number
  readonly did: string
}

/** What the console filters the inventory by; `visibleTo` keeps the agents owned by these ids or DIDs. */
export interface AgentFilter {
  readonly text?: string
  readonly kind?: string
  readonly owner?: string
  readonly segment?: string
  /** `suspended` is an active agent whose credentials are suspended. */
  readonly status?: 'active' | 'suspended' | 'retired'
  /** Agents holding a live credential of this risk. */
  readonly risk?: string
  readonly visibleTo?: readonly string[]
}
