import type { AgentKind, Entitlement, RiskLevel, TaskRef } from '@agentid/core'
import type { AbstractDIDStore } from '@veramo/did-manager'
import type { AbstractKeyStore, AbstractPrivateKeyStore } from '@veramo/key-manager'

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
}

/** An issued credential as the store keeps it (never the JWT itself: only its hash). */
export interface CredentialRecord extends CredentialDraft, StatusAllocation {
  readonly status: 'active' | 'revoked' | 'suspended'
  /** SHA-256 of the VC-JWT, hex. */
  readonly jwtSha256: string
  /** Milliseconds since the epoch. */
  readonly issuedAt: number
}

/** An issuance the store runs inside a transaction: slot, signature, row and audit entry. */
export interface Issuance {
  readonly draft: CredentialDraft
  /** Makes the VC-JWT once the status slot is known. */
  readonly sign: (allocation: StatusAllocation) => Promise<string>
  readonly audit: (record: CredentialRecord) => AuditInput
}

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
}

/** A principal that authenticates with a bearer token (stored only as a hash). */
export interface PrincipalRecord {
  readonly id: string
  readonly roles: readonly string[]
  readonly tokenSha256: string
  readonly createdAt: number
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
  initialize(setup: IssuerSetup, audit: AuditInput): Promise<void>
  /**
   * Enrols an agent and, with `initial`, issues its first credential in the same transaction:
   * both happen or neither does.
   * @throws AgentIdError ERR_CONFLICT when the DID is enrolled already, ERR_STORE
   */
  registerAgent(agent: AgentRecord, audit: AuditInput, initial?: Issuance): Promise<IssuedRecord | undefined>
  getAgent(did: string): Promise<AgentRecord | undefined>
  listAgents(): Promise<AgentRecord[]>
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
  ): Promise<IssuedRecord>
  /**
   * Revokes a credential: final, and published with the next status list.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (already revoked), ERR_STORE
   */
  revokeCredential(id: string, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord>
  /**
   * Suspends (`suspended: true`) or resumes credentials: one by id, or all of an agent's. Revoked
   * credentials stay revoked; a credential without a suspension slot cannot be suspended.
   * @returns the credentials changed
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]>
  /**
   * Retires an agent and revokes every credential it holds, in one transaction: deprovisioning.
   * @returns the credentials revoked now
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (already retired), ERR_STORE
   */
  retireAgent(did: string, audit: (revoked: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]>
  /** The lists in use: the newest of each purpose (revocation first). */
  currentStatusLists(): Promise<StatusListRecord[]>
  /** The newest revocation list (or the one named) and the indexes whose bit is set. */
  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined>
  /**
   * Records reported delegations (root first), each with its audit entry, in one transaction.
   * One already recorded under the same root with the same JWT is skipped; with another JWT it is
   * a conflict.
   * @returns the records newly written
   * @throws AgentIdError ERR_CONFLICT, ERR_NOT_FOUND (root), ERR_STORE
   */
  recordDelegations(records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput): Promise<DelegationRecord[]>
  /** The reported delegations below a credential of this issuer. */
  listDelegations(root: string): Promise<DelegationRecord[]>
  getCredential(id: string): Promise<CredentialRecord | undefined>
  listCredentials(subject?: string): Promise<CredentialRecord[]>
  /** Audit entries in order, from `fromSeq` (default 1). */
  readAudit(fromSeq?: number, limit?: number): Promise<AuditEntry[]>
  close(): Promise<void>
}
