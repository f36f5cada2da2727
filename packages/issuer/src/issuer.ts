import { randomUUID } from 'node:crypto'
import { agentIdError, type ErrorCode } from '@agentid/core'
import type { ClusterBus } from './cluster/cluster-bus.js'
import type { IssuerHome } from './home.js'
import { verifyAuditLog, verifyAuditSinceCheckpoint, type AuditTailVerification, type AuditVerification } from './audit/checkpoints.js'
import type { Principal } from './governance/principal.js'
import { checkIssuerKey, IssuerSigner } from './signing/issuer-signer.js'
import type {
  AccessRequestRecord,
  AgentFilter,
  AgentPosition,
  AgentRecord,
  AlertPageFilter,
  AlertRecord,
  AuditCheckpointRecord,
  AuditEntry,
  AuditInput,
  CredentialRecord,
  DelegationRecord,
  IssuerStore,
  PolicyVersion,
  PrincipalRecord,
  RetirementStep,
  ReviewCampaignRecord,
  ReviewItemRecord,
  ReviewProgress,
  RoleTemplate,
  StatusListRecord,
  VoidedApproval,
  WebhookRecord,
} from './store/issuer-store.js'
import type { IssuerAgent } from './veramo/issuer-agent.js'
import { IssuerEvents, type IssuerContext } from './usecases/context.js'
import { initIssuer, openIssuer, parseDecoys, type IssuerFields, type IssuerOptions } from './usecases/open-issuer.js'
import type { AccessOutcome, CredentialFormat, GrantInput, IssuedCredential, PolicyInForce, RegisterAgentInput, RoleInput } from './usecases/types.js'
import * as requests from './usecases/access-requests.js'
import * as approvals from './usecases/approvals.js'
import * as audit from './usecases/audit.js'
import * as delegations from './usecases/delegations.js'
import * as enrolment from './usecases/enrolment.js'
import * as keys from './usecases/keys.js'
import { auditKeysOf } from './usecases/rotations.js'
import * as policy from './usecases/policy.js'
import * as principals from './usecases/principals.js'
import * as renewal from './usecases/renewal.js'
import * as reads from './usecases/reads.js'
import * as reviews from './usecases/reviews.js'
import type { ReviewStarted } from './usecases/reviews.js'
import * as settings from './usecases/settings.js'
import * as statusChanges from './usecases/status-changes.js'
import * as statusLists from './usecases/status-lists.js'
import * as webhooks from './usecases/webhooks.js'

export { CREDENTIAL_FORMATS, MAX_GRANT_TTL } from './usecases/types.js'
export type { AccessOutcome, CredentialFormat, GrantFormat, GrantInput, IssuedCredential, PolicyInForce, RegisterAgentInput, RoleInput } from './usecases/types.js'
export { WEBHOOK_EVENTS } from './usecases/webhooks.js'
export type { IssuerOptions } from './usecases/open-issuer.js'

/**
 * The issuer engine: enrols agents and mints entitlement credentials (VC-JWT, EdDSA) through a
 * Veramo agent whose keys live in the store, sealed with the operator's key-encryption key.
 *
 * A facade: each method checks nothing itself and delegates to a use case in `usecases/`, which
 * receives what it needs (store, clock, signer, policy in force) through one {@link IssuerContext}.
 */
export class Issuer {
  readonly did: string
  readonly home: IssuerHome
  readonly store: IssuerStore
  /** Where its records are, for people: the SQLite file, or the PostgreSQL URL without its password. */
  readonly database: string
  /** What this issuer's replicas share beside the database (one process: nothing). */
  readonly cluster: ClusterBus
  /** A key for a purpose that every replica derives alike: MAC keys of stateless nonces and challenges. */
  readonly sharedSecret: (purpose: string) => Buffer
  #publicUrl: string
  readonly #now: () => number
  readonly #signer: IssuerSigner
  readonly #policies: policy.PolicyReader
  readonly #events = new IssuerEvents()
  readonly #ctx: IssuerContext
  /** Whether webhooks may go to loopback, private and link-local addresses ({@link IssuerOptions}). */
  readonly allowPrivateWebhooks: boolean

  #credentialFormat: CredentialFormat

  private constructor(fields: IssuerFields) {
    this.did = fields.did
    this.#credentialFormat = fields.credentialFormat
    this.home = fields.home
    this.store = fields.store
    this.database = fields.database
    this.cluster = fields.cluster
    this.sharedSecret = fields.sharedSecret
    this.#publicUrl = fields.publicUrl
    this.#now = fields.options.now ?? Date.now
    this.allowPrivateWebhooks = fields.options.allowPrivateWebhooks === true
    this.#signer = new IssuerSigner(fields.store, fields.did, fields.agent, parseDecoys(fields.options.sdJwtDecoys ?? 0))
    this.#policies = new policy.PolicyReader(fields.store)
    this.#ctx = {
      did: this.did,
      home: this.home,
      store: this.store,
      now: this.#now,
      randomId: fields.options.randomId ?? (() => `urn:uuid:${randomUUID()}`),
      publicUrl: () => this.#publicUrl,
      credentialFormat: () => this.#credentialFormat,
      sdJwtByDefault: fields.options.sdJwtByDefault === true,
      allowPrivateWebhooks: this.allowPrivateWebhooks,
      policy: () => this.#policies.current(),
      signer: this.#signer,
      events: this.#events,
      staleTokenSeen: new Map<string, number>(),
    }
  }

  /**
   * Creates a new issuer: home directory, key-encryption key, database, issuer did:key, first
   * status list, role templates and an admin token (written to a 0600 file).
   * @throws AgentIdError ERR_CONFLICT when the home already holds an issuer, ERR_STORE
   */
  static async init(options: IssuerOptions = {}): Promise<{ issuer: Issuer; adminToken: string; kekSource: string }> {
    const { fields, adminToken, kekSource } = await initIssuer(options)
    return { issuer: new Issuer(fields), adminToken, kekSource }
  }

  /**
   * Opens an existing issuer.
   * @throws AgentIdError ERR_NOT_FOUND when there is none, ERR_STORE
   */
  static async open(options: IssuerOptions = {}): Promise<Issuer> {
    return new Issuer(await openIssuer(options))
  }

  /**
   * Enrols an agent by its did:key. With a role, issues the role's entitlements in the same
   * transaction: the agent is enrolled with its credential, or not at all.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_DID_*, ERR_NOT_FOUND (role), ERR_CONFLICT, ERR_STORE
   */
  registerAgent(input: RegisterAgentInput, by: string | Principal): Promise<{ agent: AgentRecord; credentials: IssuedCredential[]; request?: AccessRequestRecord }> {
    return enrolment.registerAgent(this.#ctx, input, by)
  }

  /**
   * Issues an entitlement credential now, when the policy needs no approval for it. Returned only
   * once its row, status index and audit entry are committed together.
   * @throws AgentIdError ERR_APPROVAL_REQUIRED (nothing is opened: use requestAccess),
   *   ERR_SOD_CONFLICT, ERR_NOT_FOUND (agent), ERR_CONFLICT (not active), ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  grant(input: GrantInput, by: string | Principal): Promise<IssuedCredential> {
    return requests.grant(this.#ctx, input, by)
  }

  /**
   * Asks for entitlements: issued at once when the policy needs no approval, else opened as an
   * access request that walks the policy's approval chain for its risk level.
   * @throws AgentIdError ERR_SOD_CONFLICT, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  requestAccess(input: GrantInput, by: string | Principal): Promise<AccessOutcome> {
    return requests.requestAccess(this.#ctx, input, by)
  }

  /**
   * Records an approval or a denial on an access request. The request is judged again by the
   * policy in force (risk, chain, TTL, duties): a tightened policy is never walked around by a
   * request opened under an older one. The last approval of the chain issues the credential
   * (carrying every approval as evidence) in the same transaction.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (decided, expired, already decided by this principal, no longer
   *   within the policy in force), ERR_FORBIDDEN (own party's request, wrong role, out of order), ERR_SOD_CONFLICT, ERR_STORE
   */
  decide(requestId: string, decision: 'approve' | 'deny', by: string | Principal, options: { role?: string; reason?: string } = {}): Promise<{ request: AccessRequestRecord; credential?: IssuedCredential }> {
    return approvals.decide(this.#ctx, requestId, decision, by, options)
  }

  /**
   * Records a refused attempt in the audit log, with who tried. The service records every
   * refusal of an authenticated caller by a governance rule (ERR_FORBIDDEN, ERR_SOD_CONFLICT,
   * ERR_DELEGATION, ERR_APPROVAL_REQUIRED) through this; `authenticate` a disabled or expired
   * principal's token; the routes an owner's probe for an agent it may not see.
   */
  recordRefusal(by: Principal, attempt: string, target: string | undefined, error: { code: string; message: string }): Promise<void> {
    return audit.recordRefusal(this.#ctx, by, attempt, target, error)
  }

  /**
   * What separation of duties would say of approving this request now (the console flags it
   * before anyone decides): the refusal's message, or undefined when no rule is touched.
   */
  dutyConflict(request: AccessRequestRecord): Promise<string | undefined> {
    return requests.dutyConflict(this.#ctx, request)
  }

  /** Marks an alert as seen by a responder (a setting, audited as `alert.acknowledge`). */
  acknowledgeAlert(id: number, by: Principal, note?: string): Promise<{ by: string; at: string; note?: string }> {
    return audit.acknowledgeAlert(this.#ctx, id, by, note)
  }

  /** The acknowledgement of an alert, if any. */
  alertAcknowledgement(id: number): Promise<{ by: string; at: string; note?: string } | undefined> {
    return audit.alertAcknowledgement(this.#ctx, id)
  }

  /**
   * The subject's current credential of a grant (docs/issuance.md), from any credential of its
   * lineage: the newest, as issued, until half its life; from then on a renewal minted now (a new
   * credential with its own status entry, audited as `credential.renew` of the old one), while the
   * grant stands: not revoked or suspended, its agent active, inside the approved window, and the
   * policy in force still allowing it as it was granted. A renewal never outlives the window.
   * @throws AgentIdError ERR_NOT_FOUND (no such credential of this subject), ERR_VC_REVOKED,
   *   ERR_VC_SUSPENDED, ERR_FORBIDDEN (retired), ERR_NOT_RENEWABLE, ERR_APPROVAL_REQUIRED, ERR_CONFLICT (task completed), ERR_STORE
   */
  currentCredential(id: string, subject: string): Promise<IssuedCredential & { readonly renewed: boolean }> {
    return renewal.currentCredential(this.#ctx, id, subject)
  }

  /**
   * Revokes a credential, for good. Verifiers refuse it once they hold a status list published
   * after this (`publishStatusList`), and with it every delegation below it. Revoking it again
   * changes nothing (`changed: false`): a client may retry a revocation whose answer it lost.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
   */
  revoke(credentialId: string, by: string | Principal, reason?: string): Promise<{ record: CredentialRecord; changed: boolean }> {
    return statusChanges.revoke(this.#ctx, credentialId, by, reason)
  }

  /**
   * Calls `listener` after every committed change of a credential's status (revocation,
   * suspension, resumption, retirement, task completion, a review's revocation): what the service
   * pushes to subscribed verifiers. Returns the function that unsubscribes.
   */
  onStatusChange(listener: () => void): () => void {
    return this.#events.onStatusChange(listener)
  }

  /**
   * Hears the duration in seconds of every credential issuance (signing and commit) once it is
   * committed: the service's metrics. Returns how to stop listening.
   */
  onIssued(listener: (seconds: number) => void): () => void {
    return this.#events.onIssued(listener)
  }

  /**
   * Suspends (or, with `suspended: false`, resumes) one credential or all of an agent's: the
   * reversible stop, for incident response. Verifiers refuse them (ERR_VC_SUSPENDED) once they
   * hold a suspension list published after this.
   * `why` goes into the audit entry (monitoring names the reporters and alerts behind it).
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, by: string | Principal, why: Readonly<Record<string, unknown>> = {}): Promise<CredentialRecord[]> {
    return statusChanges.setSuspended(this.#ctx, target, suspended, by, why)
  }

  /** The public URL: where verifiers fetch this issuer's status lists (`<url>/status/<list>`). */
  get publicUrl(): string {
    return this.#publicUrl
  }

  /**
   * Changes the public URL (admin, audited). Credentials issued before keep the old one in their
   * status entries, and a verifier only takes a list from the URL the credential names: they
   * fail their status check unless the old URL still reaches this issuer (a proxy, a redirect
   * kept in place) or they are issued again. `liveCredentials` says how many that is.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
   */
  async setPublicUrl(value: string, by: string | Principal): Promise<{ previous: string; url: string; changed: boolean; liveCredentials: number }> {
    const result = await settings.setPublicUrl(this.#ctx, value, by)
    this.#publicUrl = result.url
    return result
  }

  /**
   * The Veramo agent the issuer signs with (loaded on first use). For benchmarks and diagnostics:
   * credentials made with it directly are not recorded, have no status slot and are not audited.
   */
  veramo(): Promise<IssuerAgent> {
    return this.#signer.veramo()
  }

  /**
   * Reads the issuer's private key back from the store and decrypts it: what the readiness
   * check asks of the keys (the store answers, the key-encryption key still opens the key).
   * @throws AgentIdError ERR_KEK_MISMATCH, ERR_STORE
   */
  checkKeys(): Promise<void> {
    return checkIssuerKey(this.store, this.did)
  }

  /** Every current status list (revocation and suspension), signed: what offline verifiers load. */
  publishStatusLists(ttlSeconds = 3600): Promise<string[]> {
    return statusLists.publishStatusLists(this.#ctx, ttlSeconds)
  }

  /**
   * The ids of this issuer's status lists: the revocation and suspension lists, and after a key
   * rotation the previous key's too (they still speak for the credentials it issued).
   */
  statusListIds(): Promise<string[]> {
    return statusLists.statusListIds(this.#ctx)
  }

  /**
   * Deprovisions, in one transaction: retires the agent (if `did` is one) and every agent `did`
   * owns, of any kind (suspended pending a new owner instead when the policy's `onOwnerRetired`
   * says so), revokes every credential of the retired (and so every delegation below them),
   * closes the requests pending for or filed by any of them, and disables the principals of that
   * DID, voiding their approvals. Each step is audited.
   * @throws AgentIdError ERR_DID_*, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  retireAgent(did: string, by: string | Principal): Promise<RetirementStep[]> {
    return enrolment.retireAgent(this.#ctx, did, by)
  }

  /**
   * Gives an agent a new owner (a person's DID, or a team); an agent its owner's retirement
   * suspended waits for one, then is resumed (`setSuspended`). Audited with both owners.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  transferAgent(did: string, owner: string, by: string | Principal): Promise<{ agent: AgentRecord; voided: readonly VoidedApproval[] }> {
    return enrolment.transferAgent(this.#ctx, did, owner, by)
  }

  /**
   * Records a delegation chain an agent reports (root first, as in a chain file): for the audit
   * log, and so that the issuer knows what hangs below each of its credentials. The chain must be sound
   * (signatures, continuity, attenuation: the verifier's own checks) and its root a credential
   * this issuer issued, byte for byte. Reporting twice is harmless. A person's delegation to an
   * agent that is not one of their active employee agents is recorded too, with a high alert
   * (`delegation.stray`) in the same transaction: verifiers accept it offline, so the issuer must
   * not look away from it.
   * A delegation that would give the delegate's party both sides of a duty conflict is refused
   * (ERR_SOD_CONFLICT), and one that hands on what its parent does not let be delegated too
   * (ERR_DELEGATION): verifiers refuse both as well.
   * @returns the delegations newly recorded, and the alerts raised
   * @throws AgentIdError ERR_DELEGATION, ERR_SOD_CONFLICT, ERR_NOT_FOUND (root), ERR_CONFLICT, the credential codes
   */
  reportDelegation(chain: readonly string[], by: string | Principal): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
    return delegations.reportDelegation(this.#ctx, chain, by)
  }

  /**
   * Signs the current state of a status list (the newest revocation list by default) as a
   * BitstringStatusListCredential VC-JWT (Bitstring Status List v1.0, section 2.2), valid for
   * `ttlSeconds`. Verifiers use it offline and refuse it once older than their maximum age.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
   */
  publishStatusList(listId?: string, ttlSeconds = 3600): Promise<{ listId: string; url: string; jwt: string }> {
    return statusLists.publishStatusList(this.#ctx, listId, ttlSeconds)
  }

  /** The policy in force: the newest stored version, else the built-in default (version 0). */
  policy(): Promise<PolicyInForce> {
    return this.#policies.current()
  }

  /**
   * Replaces the policy with a new version (audited with the whole document).
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
   */
  setPolicy(document: unknown, by: string | Principal): Promise<PolicyInForce> {
    return policy.setPolicy(this.#ctx, document, by)
  }

  /**
   * Creates or replaces a role template. Its entitlements must fit the policy's TTL and must not
   * hold both sides of a duty conflict.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_SOD_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  putRole(input: RoleInput, by: string | Principal): Promise<RoleTemplate> {
    return policy.putRole(this.#ctx, input, by)
  }

  /** @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE */
  deleteRole(name: string, by: string | Principal): Promise<void> {
    return policy.deleteRole(this.#ctx, name, by)
  }

  /**
   * Creates a principal and returns its bearer token, once: only its hash is stored. With
   * `ttlSeconds`, the token is refused after that long.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  createPrincipal(input: { id: string; roles: readonly string[]; did?: string; ttlSeconds?: number }, by: string | Principal): Promise<{ principal: PrincipalRecord; token: string }> {
    return principals.createPrincipal(this.#ctx, input, by)
  }

  /**
   * Disables a principal: its token is refused at once, and the approvals it gave to requests not
   * issued yet stop counting (with every later level of those requests). `enable` undoes it.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (already so; the last enabled admin; another principal speaks for the same person), ERR_FORBIDDEN, ERR_STORE
   */
  setPrincipalEnabled(id: string, enabled: boolean, by: string | Principal): Promise<{ principal: PrincipalRecord; voided: readonly VoidedApproval[] }> {
    return principals.setPrincipalEnabled(this.#ctx, id, enabled, by)
  }

  /**
   * Replaces a principal's token: the old one is refused at once. An admin rotates any principal's
   * token (the first admin's included), and every principal its own. The expiry stays as it was;
   * an admin's `ttlSeconds` sets a new one, a principal's own can only bring it closer.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE
   */
  rotatePrincipalToken(id: string, by: string | Principal, options: { ttlSeconds?: number } = {}): Promise<{ principal: PrincipalRecord; token: string }> {
    return principals.rotatePrincipalToken(this.#ctx, id, by, options)
  }

  /**
   * Replaces a principal's roles. Approvals it gave in a role it no longer holds stop counting.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT (the last enabled admin), ERR_FORBIDDEN, ERR_STORE
   */
  setPrincipalRoles(id: string, roles: readonly string[], by: string | Principal): Promise<{ principal: PrincipalRecord; voided: readonly VoidedApproval[] }> {
    return principals.setPrincipalRoles(this.#ctx, id, roles, by)
  }

  /**
   * The enabled, unexpired principal a bearer token belongs to, or `undefined`. A token of a
   * disabled or expired principal is refused like an unknown one, and the attempt is recorded
   * with that principal's id.
   */
  authenticate(token: string): Promise<Principal | undefined> {
    return principals.authenticate(this.#ctx, token)
  }

  /**
   * Ends a task: revokes at once every live credential issued for it ("revoked on completion or
   * after the TTL, whichever comes first"), closes the requests pending for it, and issues nothing
   * for it from then on (for the owner's agents, or everywhere when an admin completes it).
   * @throws AgentIdError ERR_NOT_FOUND (nothing was issued or requested for it), ERR_CONFLICT (completed already), ERR_FORBIDDEN, ERR_STORE
   */
  completeTask(taskId: string, by: string | Principal): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
    return statusChanges.completeTask(this.#ctx, taskId, by)
  }

  /**
   * Opens an access-review campaign over the live credentials due for review (their last
   * certification, or their issuance, is older than their risk's review interval), or over all
   * of them with `all`: its id, item count and their digest (`reviewDigest`); the items are
   * read with {@link listReviewItems}.
   * @throws AgentIdError ERR_CONFLICT (nothing due), ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  startReview(input: { name?: string; all?: boolean }, by: string | Principal): Promise<ReviewStarted> {
    return reviews.startReview(this.#ctx, input, by)
  }

  /**
   * A reviewer's decision on one item: certify (the credential stays, its review clock restarts)
   * or revoke (revoked at once).
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  decideReview(itemId: string, decision: 'certified' | 'revoked', by: string | Principal): Promise<ReviewItemRecord> {
    return reviews.decideReview(this.#ctx, itemId, decision, by)
  }

  /**
   * The sweeper: expires pending requests and records expired credentials, closes overdue
   * reviews (revoking what nobody certified, when the policy says so, and raising an alert), and
   * opens a review campaign for the credentials whose review falls due (the schedule is each
   * risk's review interval). Nothing waits for a person. Run it periodically (`agentid serve` does).
   */
  sweep(): Promise<{ requestsExpired: number; credentialsExpired: number; reviewItemsOverdue: number; reviewItemsOpened: number }> {
    return reviews.sweep(this.#ctx)
  }

  /**
   * Signs the head of the audit log now (a VC-JWT `AuditCheckpointCredential` by the issuer key)
   * and stores it; nothing when no entry was added since the last checkpoint. Publish them
   * (`GET /audit/checkpoints`) or keep copies elsewhere: a copy outside the database also catches
   * someone who deletes the stored ones.
   */
  checkpoint(): Promise<AuditCheckpointRecord | undefined> {
    return audit.checkpoint(this.#ctx)
  }

  /**
   * A checkpoint when `everyEntries` entries were added since the last one, or some were and the
   * last one is older than `everyMs`. The service calls it every few seconds.
   */
  maybeCheckpoint(options: { everyEntries: number; everyMs: number }): Promise<AuditCheckpointRecord | undefined> {
    return audit.maybeCheckpoint(this.#ctx, options)
  }

  /**
   * Verifies the audit log's chain and its signed checkpoints (and any kept elsewhere): see
   * {@link verifyAuditLog}. `onProgress` is awaited after each page of `pageSize` entries.
   */
  verifyAudit(externalCheckpoints: readonly string[] = [], onProgress?: (entries: number) => void | Promise<void>, pageSize?: number): Promise<AuditVerification> {
    return auditKeysOf(this.#ctx, this.did).then((keys) => verifyAuditLog(this.store, keys, externalCheckpoints, onProgress, pageSize))
  }

  /** Verifies the audit log from its newest signed checkpoint to its head: see {@link verifyAuditSinceCheckpoint}. */
  verifyAuditSinceCheckpoint(): Promise<AuditTailVerification> {
    return auditKeysOf(this.#ctx, this.did).then((keys) => verifyAuditSinceCheckpoint(this.store, keys))
  }

  /**
   * Rotates the issuer key: a new issuer did:key signs everything issued from now on, announced by
   * a rotation statement the previous key signs (a VC-JWT `IssuerRotationCredential` whose
   * subject is the new DID). The previous key keeps signing the status lists of the credentials it
   * issued; new lists begin for the new DID. Verifiers that trust the previous DID accept the new
   * one once given the statement (`issuerRotations`). Stop the service first, then restart it.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_STORE
   */
  rotateIssuerKey(by: string | Principal): Promise<{ previous: string; did: string; statement: string }> {
    return keys.rotateIssuerKey(this.#ctx, by)
  }

  /** The signed rotation statements of this issuer's keys, oldest first. */
  rotations(): Promise<string[]> {
    return keys.rotations(this.#ctx)
  }

  /**
   * Rotates the key-encryption key: every sealed private key and webhook secret is re-encrypted
   * with a new key in one transaction. With a `kek` file, the new key is written beside it first
   * (`kek.next`, 0600) and replaces it after the commit (a crash in between is finished at the
   * next open). With `AGENTID_KEK`, the new key is returned: set it before the next start.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_STORE
   */
  rotateKek(by: string | Principal, env: NodeJS.ProcessEnv = process.env): Promise<{ reencrypted: number; newKek?: string; kekFile?: string }> {
    return keys.rotateKek(this.#ctx, by, env)
  }

  /**
   * Registers a webhook the service posts signed events to (`status`: a status list changed).
   * Returns its secret once (HMAC-SHA256 key; stored sealed with the key-encryption key). A URL
   * whose host is a loopback, private or link-local address (or `localhost`) is refused unless
   * private webhooks are allowed; the attempt is audited (`webhook.refuse`). Names are checked
   * again, resolved, before each delivery.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
   */
  createWebhook(input: { url: string; events?: readonly string[] }, by: string | Principal): Promise<{ webhook: WebhookRecord; secret: string }> {
    return webhooks.createWebhook(this.#ctx, input, by)
  }

  /** @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE */
  deleteWebhook(id: string, by: string | Principal): Promise<void> {
    return webhooks.deleteWebhook(this.#ctx, id, by)
  }

  /** The issuer's clock, milliseconds since the epoch (injected in tests). */
  now(): number {
    return this.#now()
  }

  /**
   * Signs a JWT that is not a credential (an OAuth access token) with the issuer key: header
   * `{ alg: EdDSA, typ, kid: <issuer did:key URL> }`.
   */
  signJwt(typ: string, payload: Record<string, unknown>, signer = this.did): Promise<string> {
    return this.#signer.signJwt(typ, payload, signer)
  }

  /** The format new credentials and status lists are issued in (docs/formats.md). */
  get credentialFormat(): CredentialFormat {
    return this.#credentialFormat
  }

  /**
   * Changes the format of what is issued from now on (admin only, audited). Credentials issued
   * before keep theirs; verifiers read both.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  async setCredentialFormat(format: CredentialFormat, by: string | Principal): Promise<{ previous: CredentialFormat; format: CredentialFormat }> {
    const result = await settings.setCredentialFormat(this.#ctx, format, by)
    this.#credentialFormat = result.format
    return result
  }

  // Reads. Those of an agent's records apply who may see what (usecases/reads.ts); the rest answer
  // the store as it is, to callers the service has already checked the roles of.

  /**
   * The agent `did`, when `by` may see it (an owner sees its own; what it may not see does not
   * exist for it, and the probe is audited).
   * @throws AgentIdError ERR_DID_*, ERR_NOT_FOUND
   */
  visibleAgent(did: string, by: Principal): Promise<AgentRecord> {
    return reads.visibleAgent(this.#ctx, did, by)
  }

  /** The agent a record names, when `by` may see it (no probe to audit: `by` did not name it). */
  findVisibleAgent(did: string, by: Principal): Promise<AgentRecord | undefined> {
    return reads.findVisibleAgent(this.#ctx, did, by)
  }

  /** Every agent `by` may see. */
  listAgents(by: Principal): Promise<AgentRecord[]> {
    return reads.listAgents(this.#ctx, by)
  }

  /** One page of the agents `by` may see that match `filter`, with their total. */
  pageAgents(filter: Omit<AgentFilter, 'visibleTo'>, limit: number, offset: number, by: Principal): Promise<{ agents: AgentRecord[]; total: number }> {
    return reads.pageAgents(this.#ctx, filter, limit, offset, by)
  }

  /** The agents `by` may see that match `filter`, `limit` at a time after `after` (keyset paging, no total). */
  pageAgentsAfter(filter: Omit<AgentFilter, 'visibleTo'>, limit: number, after: AgentPosition | undefined, by: Principal): Promise<{ agents: AgentRecord[]; next?: AgentPosition }> {
    return reads.pageAgentsAfter(this.#ctx, filter, limit, after, by)
  }

  /**
   * Credentials by subject or task; a principal that does not read the inventory lists them per agent.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_NOT_FOUND
   */
  listCredentials(filter: { subject?: string; taskId?: string }, by: Principal): Promise<CredentialRecord[]> {
    return reads.listCredentials(this.#ctx, filter, by)
  }

  /** @throws AgentIdError ERR_NOT_FOUND (also when `by` may not see its agent) */
  visibleCredential(id: string, by: Principal): Promise<CredentialRecord> {
    return reads.visibleCredential(this.#ctx, id, by)
  }

  /** The credential as issued. @throws AgentIdError ERR_NOT_FOUND (also when `by` may not see its agent) */
  visibleCredentialJwt(id: string, by: Principal): Promise<{ id: string; jwt: string }> {
    return reads.visibleCredentialJwt(this.#ctx, id, by)
  }

  /** Access requests by status and subject, of the agents `by` may see. */
  listRequests(filter: { status?: AccessRequestRecord['status']; subject?: string }, by: Principal): Promise<AccessRequestRecord[]> {
    return reads.listRequests(this.#ctx, filter, by)
  }

  /** @throws AgentIdError ERR_NOT_FOUND (also when `by` may not see its agent) */
  visibleRequest(id: string, by: Principal): Promise<AccessRequestRecord> {
    return reads.visibleRequest(this.#ctx, id, by)
  }

  /** One page of the requests waiting for `by`'s decision, oldest first, and their total. */
  approvalQueue(by: Principal, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return reads.approvalQueue(this.#ctx, by, limit, offset)
  }

  /**
   * One page of access requests, newest first, and their total; an owner pages them per agent.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_NOT_FOUND
   */
  pageRequests(filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number, by: Principal): Promise<{ requests: AccessRequestRecord[]; total: number }> {
    return reads.pageRequests(this.#ctx, filter, limit, offset, by)
  }

  /** The delegations recorded below a credential. */
  listDelegations(root: string): Promise<DelegationRecord[]> {
    return this.store.listDelegations(root)
  }

  /** A review campaign and its items. @throws AgentIdError ERR_NOT_FOUND */
  reviewCampaign(id: string): Promise<{ campaign: ReviewCampaignRecord; items: ReviewItemRecord[] }> {
    return reads.reviewCampaign(this.#ctx, id)
  }

  /** One page of a review campaign's items, with the total and its progress. @throws AgentIdError ERR_NOT_FOUND */
  reviewItemsPage(id: string, filter: { readonly status?: 'open' | 'decided' }, limit: number, offset: number): Promise<{ campaign: ReviewCampaignRecord; items: ReviewItemRecord[]; total: number; progress: ReviewProgress }> {
    return reads.reviewItemsPage(this.#ctx, id, filter, limit, offset)
  }

  /** How far a review campaign is. */
  reviewProgress(id: string): Promise<ReviewProgress> {
    return this.store.reviewProgress(id)
  }

  /** What a review item is about: its credential and that credential's agent. */
  reviewedAccess(item: ReviewItemRecord): Promise<{ credential?: CredentialRecord; agent?: AgentRecord }> {
    return reads.reviewedAccess(this.#ctx, item)
  }

  listReviews(): Promise<ReviewCampaignRecord[]> {
    return this.store.listReviews()
  }

  listReviewItems(campaign?: string): Promise<ReviewItemRecord[]> {
    return this.store.listReviewItems(campaign)
  }

  listPrincipals(): Promise<PrincipalRecord[]> {
    return this.store.listPrincipals()
  }

  listRoles(): Promise<RoleTemplate[]> {
    return this.store.listRoles()
  }

  /** Policy versions, newest first, with who set each. */
  listPolicies(limit: number, offset: number): Promise<{ versions: PolicyVersion[]; total: number }> {
    return this.store.listPolicies(limit, offset)
  }

  listWebhooks(): Promise<WebhookRecord[]> {
    return this.store.listWebhooks()
  }

  /** Alerts, newest first. */
  listAlerts(): Promise<AlertRecord[]> {
    return this.store.listAlerts()
  }

  /** One page of alerts by severity and subject, newest or highest score first, with their total. */
  pageAlerts(filter: AlertPageFilter, limit: number, offset: number): Promise<{ alerts: AlertRecord[]; total: number }> {
    return this.store.pageAlerts(filter, limit, offset)
  }

  /** The status lists, with their purpose (`statusListIds` has their ids only). */
  statusLists(): Promise<StatusListRecord[]> {
    return this.store.allStatusLists()
  }

  /** The newest signed audit checkpoints, newest first. */
  listCheckpoints(limit?: number): Promise<AuditCheckpointRecord[]> {
    return this.store.listCheckpoints(limit)
  }

  /** Audit entries in order, from a sequence number. */
  readAudit(fromSeq?: number, limit?: number): Promise<AuditEntry[]> {
    return this.store.readAudit(fromSeq, limit)
  }

  /** Audit entries newest first, below `before`, by actor, action prefix or target; and the newest entry's number. */
  searchAudit(filter: { actor?: string; action?: string; target?: string; before?: number }, limit: number): Promise<{ entries: AuditEntry[]; last: number }> {
    return this.store.searchAudit(filter, limit)
  }

  // What the service's own machinery reads and writes (status checks of its own credentials,
  // readiness, refusals of anonymous callers, webhooks): never a principal's view, so no
  // visibility rule applies; routes that answer a principal use the visible* reads above.

  /** A credential's record as the issuer keeps it (its status for the issuer's own checks). */
  credentialRecord(id: string): Promise<CredentialRecord | undefined> {
    return this.store.getCredential(id)
  }

  /** An agent's record as the issuer keeps it (the issuer's own checks of a caller's key). */
  agentRecord(did: string): Promise<AgentRecord | undefined> {
    return this.store.getAgent(did)
  }

  /** A revocation list and the indexes set in it (the newest, or the one named). */
  statusListState(listId?: string): Promise<{ list: StatusListRecord; setIndexes: number[] } | undefined> {
    return this.store.statusListState(listId)
  }

  /** The webhooks with their secrets, for delivery only. */
  webhookDeliveries(): Promise<Array<{ webhook: WebhookRecord; secret: string }>> {
    return this.store.webhookSecrets()
  }

  /**
   * Records an event that changes nothing else (a refused attempt by a caller that is not a
   * principal, a token granted); principals' refusals go through {@link recordRefusal}.
   */
  recordEvent(entry: AuditInput): Promise<void> {
    return this.store.recordEvent(entry)
  }

  /** Whether the store answers and holds this issuer's settings: the readiness probe. @throws AgentIdError ERR_STORE */
  async probeStore(): Promise<void> {
    if ((await this.store.getSetting('issuerDid')) === undefined) throw agentIdError('ERR_STORE', 'the issuer settings are missing')
  }

  /** Writes waiting to be committed (a metric). */
  pendingWrites(): number {
    return this.store.pendingWrites()
  }

  /**
   * Spends a single-use key (a DPoP proof, an assertion, a nonce, a challenge) for every replica,
   * after the caller's own in-memory check: used at another replica already, it is refused with
   * `code`. With one process there is nothing more to check.
   * @throws AgentIdError `code` (used already), ERR_STORE (the database does not answer: refused, never let through)
   */
  async useOnce(key: string, expiresAtMs: number, code: ErrorCode, message: string): Promise<void> {
    if (!this.cluster.replicated) return
    if ((await this.cluster.reserve(key, expiresAtMs, this.#now())) === 'replay') throw agentIdError(code, message)
  }

  async close(): Promise<void> {
    try {
      await this.store.close()
    } finally {
      await this.cluster.close()
    }
  }
}
