import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto'
import { readFile, rename, rm, stat } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import {
  encodeBase64url,
  AGENTID_CONTEXT_V1,
  agentIdError,
  isAgentIdError,
  conflictsTouched,
  CREDENTIALS_CONTEXT_V1,
  CREDENTIALS_CONTEXT_V2,
  CREDENTIALS_STATUS_CONTEXT_V1,
  ENTITLEMENT_CREDENTIAL_TYPE,
  entitlementSubjectToJson,
  entitlementToJson,
  parseAgentKind,
  parseAgentName,
  findDutyConflict,
  MAX_DELEGATION_DEPTH,
  parseDidKey,
  parseEntitlements,
  parseEntitlementSubject,
  parseOwner,
  parsePrincipalId,
  parseSegment,
  parseTaskId,
  parseTaskRef,
  type AgentIdError,
  type ApprovalEvidence,
  type Entitlement,
  type RiskLevel,
  type TaskRef,
} from '@agentid/core'
import { chainExceeds, checkAnyCredentialJwt, checkCredentialJwt, checkStatusListJwt, ISSUER_ROTATION_TYPE, resolveChains, VC_JWT_TYPE } from '@agentid/verifier'
import { checkSdJwtCredential } from '@agentid/verifier'
import type { EntitlementSubject } from '@agentid/core'
import { issueSdJwtVc } from './credentials/sd-jwt-vc.js'
import { DEFAULT_ROLES } from './default-roles.js'
import { parsePublicUrl } from './public-url.js'
import { createKek, ensureHomeDir, issuerHome, kekFromEnv, loadKek, pathExists, writeSecretFile, type IssuerHome } from './home.js'
import { generateKek, parseKek, type KeyEncryptionKey } from './keys/key-encryption.js'
import { AUDIT_CHECKPOINT_TYPE, checkCheckpointJwt, verifyAuditLog, type AuditVerification } from './audit/checkpoints.js'
import { checkDecision } from './governance/approval-chain.js'
import { assessEntitlements, DEFAULT_POLICY, delegableUnder, maxRisk, parsePolicy, policyToJson, type Assessment, type Policy } from './governance/policy.js'
import { AGENT_ROLE, asPrincipal, assertMayActOn, hasRole, isTokenShaped, mayActOn, newToken, parsePrincipalRoles, tokenHash, type Principal } from './governance/principal.js'
import { assertNotOwnDecision, samePartyNow } from './governance/party.js'
import { checkRenewWindow, renewalDue, renewalEnd } from './governance/renewal.js'
import type {
  AccessRequestRecord,
  AgentRecord,
  AlertRecord,
  AuditCheckpointRecord,
  AuditInput,
  CredentialDraft,
  CredentialRecord,
  DelegationRecord,
  Holding,
  Issuance,
  IssuerStore,
  PendingRequest,
  PrincipalChange,
  PrincipalRecord,
  RetirementStep,
  ReviewItemRecord,
  RoleTemplate,
  StatusAllocation,
  VoidedApproval,
  WebhookRecord,
} from './store/issuer-store.js'
import { openSqliteStore } from './store/sqlite/sqlite-store.js'
import type { IssuerAgent } from './veramo/issuer-agent.js'
import { refusedHostReason } from './webhooks/address-filter.js'

/** Options shared by {@link Issuer.init} and {@link Issuer.open}. */
export interface IssuerOptions {
  /** The issuer's home (default `AGENTID_HOME`, else `./.agentid`). */
  readonly home?: string
  /** Environment to read `AGENTID_HOME`, `AGENTID_KEK` and `AGENTID_PUBLIC_URL` from. */
  readonly env?: NodeJS.ProcessEnv
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

/** The formats an issuer mints credentials in. */
export const CREDENTIAL_FORMATS = ['vc2.0', 'vc1.1'] as const
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number]

function parseCredentialFormat(value: unknown, what: string): CredentialFormat {
  if (!CREDENTIAL_FORMATS.includes(value as CredentialFormat)) throw agentIdError('ERR_INPUT_INVALID', `${what} must be ${CREDENTIAL_FORMATS.join(' or ')}`)
  return value as CredentialFormat
}

/**
 * Format of one grant's credential: `vc`, the issuer's `credentialFormat` (VC 2.0 or VC 1.1), or
 * `sd-jwt`, an SD-JWT VC (`dc+sd-jwt`) with selectively disclosable entitlements.
 */
export type GrantFormat = 'vc' | 'sd-jwt'

/** A credential the issuer has committed and hands out. */
export interface IssuedCredential {
  readonly id: string
  readonly jwt: string
  readonly record: CredentialRecord
}

/** Input of {@link Issuer.registerAgent}: an agent record before enrolment sets its state. */
export type RegisterAgentInput = Omit<AgentRecord, 'status' | 'createdAt'>

/** Input of {@link Issuer.grant} and {@link Issuer.requestAccess}. */
export interface GrantInput {
  readonly subject: string
  /** Entitlements in their JSON form (as in a credential); parsed strictly here. */
  readonly entitlements: readonly unknown[]
  /** Lifetime in seconds: every grant expires. */
  readonly ttlSeconds: number
  readonly task?: TaskRef
  /** A floor for the risk level; the policy's assessment wins when it is higher. */
  readonly risk?: RiskLevel
  /** Just-in-time: short-lived, for one task (required), revoked when the task completes. */
  readonly jit?: boolean
  /** Why the access is needed (kept with the request and in the audit log). */
  readonly justification?: string
  /**
   * The approved window, in seconds from issuance: the subject may renew the credential
   * (OpenID4VCI, docs/issuance.md) until then, each renewal living `ttlSeconds` at most.
   */
  readonly renewableForSeconds?: number
  /**
   * Mint this grant's credential in this format (default the issuer's `credentialFormat`). Kept
   * only when the credential is issued at once: after approvals the issuer's setting applies, and
   * renewals (OpenID4VCI, which delivers VC formats only) are in the issuer's VC format.
   */
  readonly format?: GrantFormat
}

/** What {@link Issuer.requestAccess} led to: a credential at once, or a request awaiting approvals. */
export type AccessOutcome =
  | { readonly credential: IssuedCredential; readonly request?: undefined }
  | { readonly credential?: undefined; readonly request: AccessRequestRecord }

/** The policy in force: version 0 is the built-in default, never stored. */
export interface PolicyInForce {
  readonly version: number
  readonly policy: Policy
}

/** Input of {@link Issuer.putRole}. */
export interface RoleInput {
  readonly name: string
  readonly description: string
  readonly entitlements: readonly unknown[]
  readonly ttlSeconds: number
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
  // Veramo, loaded at the first signature: opening the issuer and answering reads needs none of
  // it, and loading it is most of what a start costs.
  #agent: Promise<IssuerAgent> | undefined
  #publicUrl: string
  readonly #now: () => number
  readonly #randomId: () => string
  #policyCache: PolicyInForce | undefined
  readonly #statusListeners = new Set<() => void>()
  #jwtKey: { readonly did: string; readonly key: KeyObject } | undefined
  readonly #sdJwtByDefault: boolean
  readonly #sdJwtDecoys: number
  readonly #issuedListeners = new Set<(seconds: number) => void>()
  // When a disabled or expired principal's token was last recorded (bounded by the principals).
  readonly #staleTokenSeen = new Map<string, number>()
  /** Whether webhooks may go to loopback, private and link-local addresses ({@link IssuerOptions}). */
  readonly allowPrivateWebhooks: boolean

  #credentialFormat: CredentialFormat

  private constructor(fields: { did: string; home: IssuerHome; store: IssuerStore; agent?: IssuerAgent; publicUrl: string; credentialFormat: CredentialFormat; options: IssuerOptions }) {
    this.did = fields.did
    this.#credentialFormat = fields.credentialFormat
    this.home = fields.home
    this.store = fields.store
    this.#agent = fields.agent ? Promise.resolve(fields.agent) : undefined
    this.#publicUrl = fields.publicUrl
    this.#now = fields.options.now ?? Date.now
    this.#sdJwtByDefault = fields.options.sdJwtByDefault === true
    this.#sdJwtDecoys = parseDecoys(fields.options.sdJwtDecoys ?? 0)
    this.#randomId = fields.options.randomId ?? (() => `urn:uuid:${randomUUID()}`)
    this.allowPrivateWebhooks = fields.options.allowPrivateWebhooks === true
  }

  /**
   * Creates a new issuer: home directory, key-encryption key, database, issuer did:key, first
   * status list, role templates and an admin token (written to a 0600 file).
   * @throws AgentIdError ERR_CONFLICT when the home already holds an issuer, ERR_STORE
   */
  static async init(options: IssuerOptions = {}): Promise<{ issuer: Issuer; adminToken: string; kekSource: string }> {
    // Checked before anything is created or opened.
    if (options.sdJwtDecoys !== undefined) parseDecoys(options.sdJwtDecoys)
    const env = options.env ?? process.env
    const home = issuerHome(options.home, env)
    const keyInEnv = kekFromEnv(env)
    for (const file of [home.database, home.adminTokenFile, ...(keyInEnv ? [] : [home.kekFile])]) {
      if (await pathExists(file)) throw agentIdError('ERR_CONFLICT', `${file} already exists: an issuer (or part of one) is in ${home.dir}`)
    }
    await ensureHomeDir(home)
    // Everything init creates is removed again if any step fails: no half-made issuer is left,
    // and no secret outlives the database it belongs to.
    const created: string[] = []
    let store: IssuerStore | undefined
    try {
      const { kek, source } = await createKek(home, env)
      if (!keyInEnv) created.push(home.kekFile)
      created.push(home.database, `${home.database}-wal`, `${home.database}-shm`)
      store = openSqliteStore({ path: home.database, kek, create: true, ...clockOptions(options) })
      const agent = (await import('./veramo/issuer-agent.js')).createIssuerAgent(store.custody)
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
      return { issuer: new Issuer({ did, home, store, agent, publicUrl, credentialFormat, options }), adminToken, kekSource: source }
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
    if (options.sdJwtDecoys !== undefined) parseDecoys(options.sdJwtDecoys)
    const env = options.env ?? process.env
    const home = issuerHome(options.home, env)
    if (!(await pathExists(home.database))) throw agentIdError('ERR_NOT_FOUND', `no issuer in ${home.dir}; run "agentid init" first (or set AGENTID_HOME)`)
    await refuseReadableSecrets(home)
    try {
      return await Issuer.#openWith(home, await loadKek(home, env), options)
    } catch (error) {
      // A key-encryption-key rotation that committed but did not get to replace the kek file:
      // the new key is in kek.next. Finish the rotation.
      const nextFile = `${home.kekFile}.next`
      if ((error as { code?: string }).code !== 'ERR_KEK_MISMATCH' || kekFromEnv(env) || !(await pathExists(nextFile))) throw error
      const issuer = await Issuer.#openWith(home, parseKek(await readFile(nextFile, 'utf8'), nextFile), options)
      await rename(nextFile, home.kekFile)
      return issuer
    }
  }

  static async #openWith(home: IssuerHome, kek: KeyEncryptionKey, options: IssuerOptions): Promise<Issuer> {
    const store = openSqliteStore({ path: home.database, kek, create: false, ...clockOptions(options) })
    try {
      const did = await store.getSetting('issuerDid')
      const publicUrl = await store.getSetting('publicUrl')
      if (did === undefined || publicUrl === undefined) throw agentIdError('ERR_STORE', `issuer database in ${home.dir} is incomplete; was "agentid init" interrupted?`)
      // Fails now, not at the first grant, when the key-encryption key is the wrong one.
      await checkIssuerKey(store, did)
      // Issuers made before VC 2.0 existed say nothing: they keep issuing VC 1.1.
      const credentialFormat = parseCredentialFormat((await store.getSetting('credentialFormat')) ?? 'vc1.1', 'the stored credential format')
      return new Issuer({ did: parseDidKey(did).did, home, store, publicUrl, credentialFormat, options })
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
  async registerAgent(input: RegisterAgentInput, by: string | Principal): Promise<{ agent: AgentRecord; credentials: IssuedCredential[]; request?: AccessRequestRecord }> {
    const principal = asPrincipal(by)
    if (!hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not enrol agents: admin only`)
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
    // that can delegate the employee's rights to it (the store checks the rest in its transaction).
    if (agent.kind === 'employee' && !agent.owner.startsWith('did:')) throw agentIdError('ERR_INPUT_INVALID', "an employee agent's --owner must be the employee's did:key")
    const role = input.role === undefined ? undefined : await this.store.getRole(input.role)
    if (input.role !== undefined && role === undefined) throw agentIdError('ERR_NOT_FOUND', `no role template "${input.role}"`)
    // A role template is onboarding an admin wrote (audited): issued at once when the policy in
    // force needs no approval for it, else enrolled with a request that walks its chain. Its TTL
    // and separation of duties are checked against the policy in force, not the one it was saved under.
    let initial: Issuance | PendingRequest | undefined
    let pending: AccessRequestRecord | undefined
    if (role) {
      const { policy, version } = await this.policy()
      const assessment = assessEntitlements(policy, role.entitlements)
      const input: GrantInput = { subject: agent.did, entitlements: role.entitlements.map(entitlementToJson), ttlSeconds: role.ttlSeconds, task: { id: `role:${role.name}` } }
      checkTtl(role.ttlSeconds, Math.min(assessment.maxTtlSeconds, MAX_GRANT_TTL), false)
      if (assessment.chain.length === 0) {
        initial = this.#issuance(agent, input, principal.id, { policy, assessment, requestedBy: principal.id })
      } else {
        // Refused now, against what the new agent's party holds, rather than after the approvers' work.
        dutyGuard(policy, role.entitlements)?.(await this.store.dutyGroupHoldings(agent))
        pending = this.#newRequest(agent, input, role.entitlements, principal, { policy, version, assessment })
        initial = { request: pending, audit: this.#requestAudit(pending) }
      }
    }
    const { did: _did, ...details } = agent
    const issued = await this.#timed(this.store.registerAgent(agent, { actor: principal.id, action: 'agent.register', target: agent.did, details }, initial), (r) => r !== undefined)
    return { agent, credentials: issued ? [{ id: issued.record.id, jwt: issued.jwt, record: issued.record }] : [], ...(pending ? { request: pending } : {}) }
  }

  /**
   * Issues an entitlement credential now, when the policy needs no approval for it. Returned only
   * once its row, status index and audit entry are committed together.
   * @throws AgentIdError ERR_APPROVAL_REQUIRED (nothing is opened: use requestAccess),
   *   ERR_SOD_CONFLICT, ERR_NOT_FOUND (agent), ERR_CONFLICT (not active), ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  async grant(input: GrantInput, by: string | Principal): Promise<IssuedCredential> {
    const { agent, policy, assessment, principal } = await this.#judge(input, by)
    if (assessment.chain.length > 0) {
      throw agentIdError('ERR_APPROVAL_REQUIRED', `policy rates this grant ${assessment.risk} and requires approval by ${assessment.chain.join(' then ')}; open an access request`)
    }
    return this.#issueNow(agent, input, principal, { policy, assessment })
  }

  /**
   * Asks for entitlements: issued at once when the policy needs no approval, else opened as an
   * access request that walks the policy's approval chain for its risk level.
   * @throws AgentIdError ERR_SOD_CONFLICT, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  async requestAccess(input: GrantInput, by: string | Principal): Promise<AccessOutcome> {
    const { agent, policy, version, assessment, principal, entitlements } = await this.#judge(input, by)
    if (assessment.chain.length === 0) return { credential: await this.#issueNow(agent, input, principal, { policy, assessment }) }
    // Refused now rather than after the approvers' work; checked again when issued.
    const guard = dutyGuard(policy, entitlements)
    if (guard) guard(await this.store.dutyGroupHoldings(agent))
    const request = this.#newRequest(agent, input, entitlements, principal, { policy, version, assessment })
    await this.store.createRequest(request, this.#requestAudit(request))
    return { request }
  }

  #newRequest(agent: AgentRecord, input: GrantInput, entitlements: readonly Entitlement[], principal: Principal, judged: { policy: Policy; version: number; assessment: Assessment }): AccessRequestRecord {
    const now = this.#now()
    return {
      id: `req-${randomUUID()}`,
      subject: agent.did,
      requester: principal.id,
      entitlements,
      ttlSeconds: input.ttlSeconds,
      ...(input.task ? { task: input.task } : {}),
      jit: input.jit === true,
      risk: judged.assessment.risk,
      chain: judged.assessment.chain,
      policyVersion: judged.version,
      ...(input.justification !== undefined ? { justification: input.justification } : {}),
      ...(input.renewableForSeconds !== undefined ? { renewableSeconds: input.renewableForSeconds } : {}),
      status: 'pending',
      createdAt: now,
      expiresAt: now + judged.policy.requestTtlSeconds * 1000,
      approvals: [],
    }
  }

  #requestAudit(r: AccessRequestRecord): AuditInput {
    return {
      actor: r.requester, action: 'request.open', target: r.id,
      details: {
        subject: r.subject, entitlements: r.entitlements.map(entitlementToJson), ttlSeconds: r.ttlSeconds, risk: r.risk, chain: r.chain, jit: r.jit, policyVersion: r.policyVersion,
        ...(r.task ? { task: r.task.id } : {}), ...(r.justification ? { justification: r.justification } : {}),
        ...(r.renewableSeconds !== undefined ? { renewableSeconds: r.renewableSeconds } : {}),
      },
    }
  }

  /**
   * Records an approval or a denial on an access request. The request is judged again by the
   * policy in force (risk, chain, TTL, duties): a tightened policy is never walked around by a
   * request opened under an older one. The last approval of the chain issues the credential
   * (carrying every approval as evidence) in the same transaction.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (decided, expired, already decided by this principal, no longer
   *   within the policy in force), ERR_FORBIDDEN (own party's request, wrong role, out of order), ERR_SOD_CONFLICT, ERR_STORE
   */
  async decide(requestId: string, decision: 'approve' | 'deny', by: string | Principal, options: { role?: string; reason?: string } = {}): Promise<{ request: AccessRequestRecord; credential?: IssuedCredential }> {
    const principal = asPrincipal(by)
    if (options.reason !== undefined && (typeof options.reason !== 'string' || options.reason.length > 512)) throw agentIdError('ERR_INPUT_INVALID', '"reason" must be at most 512 characters')
    const { policy, version } = await this.policy()
    const pending = await this.store.getRequest(requestId)
    if (!pending) throw agentIdError('ERR_NOT_FOUND', `no access request ${requestId}`)
    const agent = await this.store.getAgent(pending.subject)
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${pending.subject} is not enrolled`)
    const judged = judgeEntitlements(policy, pending.entitlements, { riskFloor: pending.risk, byAgent: pending.requester === pending.subject })
    const guard = decision === 'approve' ? dutyGuard(policy, pending.entitlements) : undefined
    // Refused at every approval, not only the last, against what the party holds now.
    guard?.(await this.store.dutyGroupHoldings(agent.did))
    const result = await this.#timed(this.store.decideRequest(requestId, (stored, facts) => {
      const now = this.#now()
      // The principal as it is now, inside the transaction: disabled, expired or stripped of a
      // role since it was authenticated, it decides nothing.
      const current = facts.principal(principal.id)
      if (current && (current.disabledAt !== undefined || (current.expiresAt !== undefined && current.expiresAt <= now))) {
        throw agentIdError('ERR_UNAUTHORIZED', `${principal.id} is disabled or its token expired`)
      }
      const acting: Principal = current ? { ...principal, roles: current.roles } : principal
      // Who asked and for whom never decide it, whichever principal or agent of their party they
      // act through; ownership is read here, in the transaction, as it is now.
      assertNotOwnDecision(acting, [stored.requester, stored.subject], facts.sameParty, `decide request ${stored.id}`)
      // The chain the policy in force asks for; one that only shortened the stored chain keeps it.
      const chain = isPrefix(judged.chain, stored.chain) ? stored.chain : judged.chain
      const request: AccessRequestRecord = { ...stored, chain, risk: judged.risk }
      if (!stored.approvals.every((a, i) => a.role === chain[i])) {
        throw agentIdError('ERR_CONFLICT', `policy version ${version} asks request ${stored.id} for ${chain.join(' then ')}; the approvals given under the earlier chain no longer fit: deny it and file it again`)
      }
      if (decision === 'approve') {
        const maxTtl = Math.min(judged.maxTtlSeconds, stored.jit ? policy.jitMaxTtlSeconds : MAX_GRANT_TTL)
        checkTtl(stored.ttlSeconds, maxTtl, stored.jit, 'ERR_CONFLICT')
        if (stored.renewableSeconds !== undefined) checkRenewWindow(stored.renewableSeconds, stored.ttlSeconds, maxTtl, 'ERR_CONFLICT')
      }
      const allowed = checkDecision(request, agent, acting, decision, now, options.role)
      const approval = { level: allowed.level, principal: principal.id, role: allowed.role, decision, at: now, ...(options.reason !== undefined ? { reason: options.reason } : {}) }
      const changed = stored.policyVersion !== version || stored.risk !== request.risk || stored.chain.join() !== chain.join()
      const rejudged = changed ? { risk: request.risk, chain, policyVersion: version } : undefined
      const audit: AuditInput = {
        actor: principal.id, action: decision === 'approve' ? 'request.approve' : 'request.deny', target: request.id,
        details: {
          level: allowed.level + 1, of: chain.length, role: allowed.role, ...(options.reason !== undefined ? { reason: options.reason } : {}),
          ...(rejudged ? { rejudged: { policyVersion: version, risk: request.risk, chain, was: { policyVersion: stored.policyVersion, risk: stored.risk, chain: stored.chain } } } : {}),
        },
      }
      if (decision === 'deny' || !allowed.completes) return { approval, audit, ...(rejudged ? { rejudged } : {}) }
      // An earlier approval by someone who has since become of the subject's party (an agent
      // moved to them) does not count towards issuing.
      const tainted = stored.approvals.find((a) => facts.sameParty(a.principal, stored.subject) || facts.sameParty(a.principal, stored.requester))
      if (tainted) throw agentIdError('ERR_CONFLICT', `the approval of ${tainted.principal} at level ${tainted.level + 1} no longer counts: they are of the subject's party now; deny the request and file it again`)
      const approvals: ApprovalEvidence[] = [...request.approvals, approval].map((a) => ({ role: a.role, approver: a.principal, at: isoSeconds(a.at) }))
      const assessment: Assessment = { risk: request.risk, chain, maxTtlSeconds: request.ttlSeconds }
      const issuance = this.#issuance(agent, {
        subject: request.subject, entitlements: request.entitlements.map(entitlementToJson), ttlSeconds: request.ttlSeconds,
        ...(request.task ? { task: request.task } : {}), jit: request.jit,
        ...(request.renewableSeconds !== undefined ? { renewableForSeconds: request.renewableSeconds } : {}),
      }, principal.id, { policy, assessment, approvals, requestId: request.id, requestedBy: request.requester })
      return { approval, audit, issuance, ...(rejudged ? { rejudged } : {}) }
    }), (r) => r.issued !== undefined)
    return { request: result.request, ...(result.issued ? { credential: { id: result.issued.record.id, jwt: result.issued.jwt, record: result.issued.record } } : {}) }
  }

  // The checks common to a grant and a request: who asks, for which agent, what the policy says.
  async #judge(input: GrantInput, by: string | Principal) {
    const principal = asPrincipal(by)
    const agent = await this.store.getAgent(parseDidKey(input.subject).did)
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${input.subject} is not enrolled`)
    try {
      assertMayActOn(principal, agent, 'ask for access')
    } catch (error) {
      // The same answer as for an agent that is not enrolled, but the attempt is on record.
      await this.recordRefusal(principal, 'request.open', agent.did, error as AgentIdError)
      throw error
    }
    if (agent.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is ${agent.status}`)
    if (agent.suspendedAt !== undefined) throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is suspended; resume it first`)
    const entitlements = parseEntitlements(input.entitlements, 'entitlements')
    const { policy, version } = await this.policy()
    const assessment = judgeEntitlements(policy, entitlements, { ...(input.risk !== undefined ? { riskFloor: input.risk } : {}), byAgent: hasRole(principal, AGENT_ROLE) })
    const maxTtl = Math.min(assessment.maxTtlSeconds, input.jit ? policy.jitMaxTtlSeconds : MAX_GRANT_TTL)
    checkTtl(input.ttlSeconds, maxTtl, input.jit === true)
    if (input.renewableForSeconds !== undefined) checkRenewWindow(input.renewableForSeconds, input.ttlSeconds, maxTtl)
    if (input.task !== undefined) parseTaskRef(input.task, 'task')
    if (input.jit && !input.task) throw agentIdError('ERR_INPUT_INVALID', 'a just-in-time grant is for one task: give its id')
    if (input.justification !== undefined && (typeof input.justification !== 'string' || input.justification.length > 512)) throw agentIdError('ERR_INPUT_INVALID', '"justification" must be at most 512 characters')
    return { agent, policy, version, assessment, principal, entitlements }
  }

  /**
   * Records a refused attempt in the audit log, with who tried. The service records every
   * refusal of an authenticated caller by a governance rule (ERR_FORBIDDEN, ERR_SOD_CONFLICT,
   * ERR_DELEGATION, ERR_APPROVAL_REQUIRED) through this; `authenticate` a disabled or expired
   * principal's token; the routes an owner's probe for an agent it may not see.
   */
  /**
   * What separation of duties would say of approving this request now (the console flags it
   * before anyone decides): the refusal's message, or undefined when no rule is touched.
   */
  async dutyConflict(request: AccessRequestRecord): Promise<string | undefined> {
    const guard = dutyGuard((await this.policy()).policy, request.entitlements)
    if (!guard) return undefined
    try {
      guard(await this.store.dutyGroupHoldings(request.subject))
      return undefined
    } catch (error) {
      if (isAgentIdError(error) && error.code === 'ERR_SOD_CONFLICT') return error.message
      throw error
    }
  }

  /** Marks an alert as seen by a responder (a setting, audited as `alert.acknowledge`). */
  async acknowledgeAlert(id: number, by: Principal, note?: string): Promise<{ by: string; at: string; note?: string }> {
    const alert = await this.store.getAlert(id)
    if (!alert) throw agentIdError('ERR_NOT_FOUND', `no alert ${id}`)
    const ack = { by: by.id, at: new Date(this.#now()).toISOString(), ...(note !== undefined ? { note } : {}) }
    await this.store.setSetting(`alert.ack.${id}`, JSON.stringify(ack), { actor: by.id, action: 'alert.acknowledge', target: String(id), details: { kind: alert.kind, ...(note !== undefined ? { note } : {}) } })
    return ack
  }

  /** The acknowledgement of an alert, if any. */
  async alertAcknowledgement(id: number): Promise<{ by: string; at: string; note?: string } | undefined> {
    const value = await this.store.getSetting(`alert.ack.${id}`)
    return value === undefined ? undefined : JSON.parse(value) as { by: string; at: string; note?: string }
  }

  async recordRefusal(by: Principal, attempt: string, target: string | undefined, error: { code: string; message: string }): Promise<void> {
    await this.store.recordEvent({ actor: by.id, action: 'access.refused', ...(target !== undefined ? { target } : {}), details: { attempt, code: error.code, message: error.message } })
  }

  async #issueNow(agent: AgentRecord, input: GrantInput, principal: Principal, judged: { policy: Policy; assessment: Assessment }): Promise<IssuedCredential> {
    const { draft, sign, audit, guard } = this.#issuance(agent, input, principal.id, { ...judged, requestedBy: principal.id })
    const { record, jwt } = await this.#timed(this.store.issueCredential(draft, sign, audit, guard), () => true)
    return { id: record.id, jwt, record }
  }

  // Parses a grant at the boundary (entitlements strictly: an unknown constraint is never
  // issued) and prepares what the store runs inside its transaction.
  #issuance(
    agent: AgentRecord,
    input: GrantInput,
    actor: string,
    judged: { policy: Policy; assessment: Assessment; approvals?: readonly ApprovalEvidence[]; requestId?: string; requestedBy?: string; renews?: CredentialRecord; renewsJwt?: string },
  ): Issuance {
    checkTtl(input.ttlSeconds, MAX_GRANT_TTL, false)
    const carriesApprovals = (judged.approvals?.length ?? 0) > 0
    // Delegable as the policy in force says (a caller may only narrow it to false), written where
    // a verifier would otherwise read it differently: false always, true on a credential with
    // approvals (where saying nothing means not delegable).
    const entitlements = parseEntitlements(input.entitlements, 'entitlements').map((e): Entitlement => {
      const { delegable: asked, ...rest } = e
      const delegable = asked !== false && delegableUnder(judged.policy, rest)
      return delegable && !carriesApprovals ? rest : { ...rest, delegable }
    })
    const profile = { name: agent.name, kind: agent.kind, owner: agent.owner, ...(agent.segment ? { segment: agent.segment } : {}) }
    const risk = input.risk !== undefined ? maxRisk(judged.assessment.risk, input.risk) : judged.assessment.risk
    const subject = parseEntitlementSubject(entitlementSubjectToJson(agent.did, {
      agent: profile, entitlements, ...(input.task ? { task: input.task } : {}), risk,
      ...(judged.approvals && judged.approvals.length > 0 ? { approvals: judged.approvals } : {}),
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
      ...(input.jit ? { jit: true } : {}),
      ...(judged.requestId !== undefined ? { requestId: judged.requestId } : {}),
      ...(subject.approvals ? { approvals: subject.approvals } : {}),
      ...(judged.requestedBy !== undefined ? { requestedBy: judged.requestedBy } : {}),
      // A renewal keeps its grant's window; a new grant opens one when it asked for it.
      ...(judged.renews?.renewUntil !== undefined ? { renewUntil: judged.renews.renewUntil, renews: judged.renews.id }
        : input.renewableForSeconds !== undefined ? { renewUntil: notBefore + input.renewableForSeconds } : {}),
    }
    // A renewal keeps its grant's VC format: a chain delegated from it, and the delegate's own
    // credential beside it, stay one format through an issuer's switch (docs/formats.md).
    const format = judged.renews !== undefined ? vcFormatOf(judged.renewsJwt, this.#credentialFormat) : this.#credentialFormat
    const sdJwt = parseGrantFormat(input.format ?? (this.#sdJwtByDefault ? 'sd-jwt' : 'vc')) === 'sd-jwt'
    const sign = async ({ listId, index, suspensionListId }: StatusAllocation): Promise<string> => {
      const entry = (purpose: 'revocation' | 'suspension', list: string) => {
        const url = `${this.#publicUrl}/status/${list}`
        return { id: `${url}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: url }
      }
      const credentialStatus = suspensionListId === undefined ? entry('revocation', listId) : [entry('revocation', listId), entry('suspension', suspensionListId)]
      // SD-JWT VC: signed here with the issuer key (Veramo has no SD-JWT), same draft, same status.
      if (sdJwt) return this.#signSdJwtVc(draft, agent, subject, Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus], String(index))
      const body = {
        type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
        id: draft.id,
        credentialSubject: entitlementSubjectToJson(agent.did, subject),
        credentialStatus,
      }
      // VC 2.0 secured by VC-JOSE-COSE is signed here (node:crypto, the custody key); VC 1.1
      // through Veramo, as before. Either way the result is checked below before it is stored.
      const jwt = format === 'vc2.0'
        ? await this.signJwt(VC_JWT_TYPE, { '@context': [CREDENTIALS_CONTEXT_V2, AGENTID_CONTEXT_V1], ...body, issuer: this.did, validFrom: isoSeconds(draft.notBefore * 1000), validUntil: isoSeconds(draft.expires * 1000) })
        // VC 1.1 names the Bitstring Status List context: status libraries recognise the entries by it.
        : await this.#signVc(this.did, 'credential', { '@context': [CREDENTIALS_CONTEXT_V1, CREDENTIALS_STATUS_CONTEXT_V1, AGENTID_CONTEXT_V1], ...body, issuanceDate: new Date(draft.notBefore * 1000).toISOString(), expirationDate: new Date(draft.expires * 1000).toISOString() })
      return checkIssuedJwt(jwt, draft, String(index), Array.isArray(credentialStatus) ? credentialStatus.length : 1)
    }
    const audit = (r: CredentialRecord): AuditInput => ({
      actor,
      action: r.renews !== undefined ? 'credential.renew' : 'credential.issue',
      target: r.id,
      details: {
        ...(r.renews !== undefined ? { renews: r.renews } : {}), ...(r.renewUntil !== undefined ? { renewUntil: r.renewUntil } : {}),
        subject: r.subject, entitlements: r.entitlements.map(entitlementToJson), risk: r.risk, notBefore: r.notBefore, expires: r.expires,
        statusList: r.listId, statusIndex: r.index, jwtSha256: r.jwtSha256,
        ...(r.jit ? { jit: true } : {}), ...(r.task ? { task: r.task.id } : {}), ...(r.requestId ? { request: r.requestId } : {}),
        ...(r.approvals ? { approvals: r.approvals } : {}),
      },
    })
    // Separation of duties inside the transaction, against what the duty group holds then.
    const guard = dutyGuard(judged.policy, entitlements)
    return { draft, sign, audit, ...(guard ? { guard } : {}) }
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
  async currentCredential(id: string, subject: string): Promise<IssuedCredential & { readonly renewed: boolean }> {
    let record = await this.store.getCredential(id)
    if (!record || record.subject !== subject) throw agentIdError('ERR_NOT_FOUND', `no credential ${id} of ${subject}`)
    for (let next = await this.store.getRenewal(record.id); next; next = await this.store.getRenewal(record.id)) record = next
    const nowSeconds = Math.floor(this.#now() / 1000)
    const agent = await this.store.getAgent(subject)
    if (record.status === 'active' && record.expires > nowSeconds && !renewalDue(record, nowSeconds)) {
      const jwt = await this.store.getCredentialJwt(record.id)
      // OpenID4VCI has configurations for the VC formats only (jwt_vc_json, vc+jwt; docs/issuance.md):
      // an SD-JWT VC is not handed out under one of them; it renews as a VC once its renewal is due.
      if (jwt?.includes('~')) throw agentIdError('ERR_CONFLICT', `credential ${record.id} is an SD-JWT VC, which OpenID4VCI does not deliver here; it is renewed in the issuer's VC format from half its life`)
      if (jwt !== undefined && agent?.status === 'active' && agent.suspendedAt === undefined) return { id: record.id, jwt, record, renewed: false }
    }
    const renewsJwt = await this.store.getCredentialJwt(record.id)
    // The grant's start: the credential its lineage began with.
    const start = (await this.store.grantStart(record.id)) ?? record.notBefore
    const { policy } = await this.policy()
    const assessment = judgeEntitlements(policy, record.entitlements, { ...(record.risk ? { riskFloor: record.risk } : {}), byAgent: false })
    const sameParty = await samePartyNow(this.store, [subject, ...(record.approvals ?? []).map((a) => a.approver)])
    const judged = renewalEnd(record, agent, nowSeconds, { start, sameParty: (approver) => sameParty(approver, subject) }, {
      chain: assessment.chain, maxTtlSeconds: Math.min(assessment.maxTtlSeconds, record.jit ? policy.jitMaxTtlSeconds : MAX_GRANT_TTL),
    })
    if ('refusal' in judged) throw judged.refusal
    const input: GrantInput = {
      subject, entitlements: record.entitlements.map(entitlementToJson), ttlSeconds: Math.min(record.expires - record.notBefore, judged.ends - nowSeconds),
      ...(record.task ? { task: record.task } : {}), ...(record.jit ? { jit: true } : {}), ...(record.risk ? { risk: record.risk } : {}),
      // What the OpenID4VCI configurations advertise (the issuer's VC format), whatever sdJwtByDefault says.
      format: 'vc',
    }
    const { draft, sign, audit, guard } = this.#issuance(agent!, input, subject, {
      policy, assessment, renews: record, ...(renewsJwt !== undefined ? { renewsJwt } : {}),
      ...(record.approvals ? { approvals: record.approvals } : {}), ...(record.requestId ? { requestId: record.requestId } : {}), ...(record.requestedBy ? { requestedBy: record.requestedBy } : {}),
    })
    try {
      const issued = await this.#timed(this.store.issueCredential(draft, sign, audit, guard), () => true)
      return { id: issued.record.id, jwt: issued.jwt, record: issued.record, renewed: true }
    } catch (error) {
      // Another request renewed it first: that renewal is the answer.
      const renewal = isAgentIdError(error) && error.code === 'ERR_CONFLICT' ? await this.store.getRenewal(record.id) : undefined
      const jwt = renewal && (await this.store.getCredentialJwt(renewal.id))
      if (renewal && jwt) return { id: renewal.id, jwt, record: renewal, renewed: false }
      throw error
    }
  }

  /**
   * Revokes a credential, for good. Verifiers refuse it once they hold a status list published
   * after this (`publishStatusList`), and with it every delegation below it. Revoking it again
   * changes nothing (`changed: false`): a client may retry a revocation whose answer it lost.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
   */
  async revoke(credentialId: string, by: string | Principal, reason?: string): Promise<{ record: CredentialRecord; changed: boolean }> {
    const actor = asPrincipal(by).id
    return this.#changesStatus(this.store.revokeCredential(credentialId, (r) => ({
      actor, action: 'credential.revoke', target: r.id,
      details: { subject: r.subject, statusList: r.listId, statusIndex: r.index, ...(reason !== undefined ? { reason } : {}) },
    })))
  }

  /**
   * Calls `listener` after every committed change of a credential's status (revocation,
   * suspension, resumption, retirement, task completion, a review's revocation): what the service
   * pushes to subscribed verifiers. Returns the function that unsubscribes.
   */
  onStatusChange(listener: () => void): () => void {
    this.#statusListeners.add(listener)
    return () => this.#statusListeners.delete(listener)
  }

  /**
   * Hears the duration in seconds of every credential issuance (signing and commit) once it is
   * committed: the service's metrics. Returns how to stop listening.
   */
  onIssued(listener: (seconds: number) => void): () => void {
    this.#issuedListeners.add(listener)
    return () => this.#issuedListeners.delete(listener)
  }

  // Passes an operation's result through; when it issued a credential, tells the listeners how long it took.
  async #timed<T>(operation: Promise<T>, issued: (result: T) => boolean): Promise<T> {
    const start = performance.now()
    const result = await operation
    if (this.#issuedListeners.size > 0 && issued(result)) {
      const seconds = (performance.now() - start) / 1000
      for (const listener of this.#issuedListeners) listener(seconds)
    }
    return result
  }

  // Passes the result through, telling the listeners once it is committed.
  async #changesStatus<T>(change: Promise<T>): Promise<T> {
    const result = await change
    for (const listener of this.#statusListeners) listener()
    return result
  }

  /**
   * Suspends (or, with `suspended: false`, resumes) one credential or all of an agent's: the
   * reversible stop, for incident response. Verifiers refuse them (ERR_VC_SUSPENDED) once they
   * hold a suspension list published after this.
   * `why` goes into the audit entry (monitoring names the reporters and alerts behind it).
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
   */
  async setSuspended(target: { credentialId: string } | { agent: string }, suspended: boolean, by: string | Principal, why: Readonly<Record<string, unknown>> = {}): Promise<CredentialRecord[]> {
    const actor = asPrincipal(by).id
    const checked = 'agent' in target ? { agent: parseDidKey(target.agent).did } : target
    return this.#changesStatus(this.store.setSuspended(checked, suspended, (changed) => ({
      actor, action: suspended ? 'credential.suspend' : 'credential.resume', target: 'agent' in checked ? checked.agent : checked.credentialId,
      details: { ...why, credentials: changed.map((c) => c.id) },
    })))
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
    const principal = requireRole(by, 'admin', 'change the public URL')
    const url = parsePublicUrl(value)
    const previous = this.#publicUrl
    if (url === previous) return { previous, url, changed: false, liveCredentials: 0 }
    const now = Math.floor(this.#now() / 1000)
    const liveCredentials = (await this.store.listCredentials()).filter((c) => (c.status === 'active' || c.status === 'suspended') && c.expires > now).length
    await this.store.setSetting('publicUrl', url, { actor: principal.id, action: 'issuer.public-url', target: url, details: { previous, liveCredentials } })
    this.#publicUrl = url
    return { previous, url, changed: true, liveCredentials }
  }

  /**
   * The Veramo agent the issuer signs with (loaded on first use). For benchmarks and diagnostics:
   * credentials made with it directly are not recorded, have no status slot and are not audited.
   */
  veramo(): Promise<IssuerAgent> {
    this.#agent ??= import('./veramo/issuer-agent.js').then((m) => m.createIssuerAgent(this.store.custody))
    return this.#agent
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
  async publishStatusLists(ttlSeconds = 3600): Promise<string[]> {
    const jwts: string[] = []
    for (const id of await this.statusListIds()) jwts.push((await this.publishStatusList(id, ttlSeconds)).jwt)
    return jwts
  }

  /**
   * The ids of this issuer's status lists: the revocation and suspension lists, and after a key
   * rotation the previous key's too (they still speak for the credentials it issued).
   */
  async statusListIds(): Promise<string[]> {
    return (await this.store.allStatusLists()).map((l) => l.id)
  }

  // A person hands their rights to the assistants enrolled for them (kind `employee`, owned by
  // their DID, active): the issuer's record of who acts for whom. Verifiers check chains offline
  // and cannot know that roster, so a delegation to anyone else is not refused here (that would
  // only hide it) but flagged: link id -> why. Only a person's own links are judged; an
  // assistant handing part of it on to a sub-agent is ordinary delegation.
  async #strayPersonDelegations(links: ReadonlyArray<{ readonly id: string; readonly issuer: string; readonly subject: string }>): Promise<Map<string, string>> {
    const stray = new Map<string, string>()
    for (const link of links) {
      const delegator = await this.store.getAgent(link.issuer)
      if (delegator?.kind !== 'person') continue
      const delegate = await this.store.getAgent(link.subject)
      if (delegate?.kind !== 'employee' || delegate.owner !== delegator.did || delegate.status !== 'active') {
        stray.set(link.id, `${delegator.name} (a person) delegated to ${link.subject}, which is not one of their active employee agents (enrol it with --kind employee --owner ${delegator.did}, or revoke ${delegator.name}'s credential)`)
      }
    }
    return stray
  }

  /**
   * Deprovisions, in one transaction: retires the agent (if `did` is one) and every agent `did`
   * owns, of any kind (suspended pending a new owner instead when the policy's `onOwnerRetired`
   * says so), revokes every credential of the retired (and so every delegation below them),
   * closes the requests pending for or filed by any of them, and disables the principals of that
   * DID, voiding their approvals. Each step is audited.
   * @throws AgentIdError ERR_DID_*, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  async retireAgent(did: string, by: string | Principal): Promise<RetirementStep[]> {
    const principal = asPrincipal(by)
    if (!hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not retire agents: admin only`)
    const target = parseDidKey(did).did
    const { policy } = await this.policy()
    return this.#changesStatus(this.store.retireAgent(target, (step) => ({
      actor: principal.id, action: 'agent.retire', target: step.agent,
      details: {
        outcome: step.outcome, revoked: step.revoked.map((r) => r.id), ...(step.cascadeFrom ? { cascadeFrom: step.cascadeFrom } : {}),
        ...(step.principalsDisabled.length > 0 ? { principalsDisabled: step.principalsDisabled } : {}), ...(step.requestsClosed.length > 0 ? { requestsClosed: step.requestsClosed } : {}),
        ...(step.approvalsVoided.length > 0 ? { approvalsVoided: step.approvalsVoided } : {}),
      },
    }), { ownedAgents: policy.onOwnerRetired }))
  }

  /**
   * Gives an agent a new owner (a person's DID, or a team); an agent its owner's retirement
   * suspended waits for one, then is resumed (`setSuspended`). Audited with both owners.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  async transferAgent(did: string, owner: string, by: string | Principal): Promise<{ agent: AgentRecord; voided: readonly VoidedApproval[] }> {
    const principal = requireRole(by, 'admin', 'give agents a new owner')
    const target = parseDidKey(did).did
    const newOwner = parseOwner(owner)
    const { policy } = await this.policy()
    // What moves must not give the party it joins both sides of a duty (checked in the transaction).
    const guard = (moving: readonly Holding[], joining: readonly Holding[]) => {
      for (const held of moving) dutyGuard(policy, held.entitlements)?.(joining)
    }
    return this.store.transferAgent(target, newOwner, (previous, voided) => ({
      actor: principal.id, action: 'agent.transfer', target, details: { from: previous.owner, to: newOwner, ...(voided.length > 0 ? { approvalsVoided: voided } : {}) },
    }), guard)
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
  async reportDelegation(chain: readonly string[], by: string | Principal): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
    const principal = asPrincipal(by)
    const actor = principal.id
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
    // Anyone but an admin reports only a chain it takes part in (as delegator or delegate, or as
    // the owner of one): what it may not act on does not exist for it.
    if (!hasRole(principal, 'admin')) {
      const parties = await Promise.all([root.subject, ...links.map((l) => l.subject)].map((did) => this.store.getAgent(did)))
      if (!parties.some((agent) => agent !== undefined && mayActOn(principal, agent))) throw agentIdError('ERR_NOT_FOUND', `credential ${root.id} was not issued by this issuer`)
    }
    // Separation of duties holds through delegation too: a delegate's party must not come to
    // hold both sides (a re-report of the same link is weighed without itself).
    const { policy } = await this.policy()
    // (The delegate need not be enrolled: a person known only by the DID that owns agents has a party too.)
    for (const l of links) {
      const guard = dutyGuard(policy, l.entitlements)
      if (guard) guard((await this.store.dutyGroupHoldings(l.subject)).filter((h) => h.id !== l.id))
    }
    const stray = await this.#strayPersonDelegations(links)
    const reportedAt = this.#now()
    const records: DelegationRecord[] = links.map((l) => ({
      id: l.id, parent: l.delegation.parent, root: root.id, delegator: l.issuer, delegate: l.subject, entitlements: rawEntitlements(l.jwt),
      depth: l.delegation.depth, notBefore: l.notBefore!, expires: l.expires, jwtSha256: createHash('sha256').update(l.jwt).digest('hex'), reportedAt,
    }))
    return this.store.recordDelegations(records, (r) => ({
      actor, action: 'delegation.report', target: r.id,
      details: { root: r.root, parent: r.parent, delegator: r.delegator, delegate: r.delegate, entitlements: r.entitlements, depth: r.depth, expires: r.expires, ...(stray.has(r.id) ? { stray: stray.get(r.id) } : {}) },
    }), (r) => {
      const reason = stray.get(r.id)
      return reason === undefined ? undefined : { at: reportedAt, kind: 'delegation.stray', severity: 'high', subject: r.delegator, details: { delegation: r.id, delegate: r.delegate, root: r.root, reason } }
    })
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
    // A list is signed by the issuer DID of its credentials: after a rotation, the previous key
    // keeps signing the lists of what it issued.
    const signer = state.list.issuer ?? this.did
    const body = {
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      id: url,
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: state.list.purpose,
        encodedList: `u${gzipSync(bits).toString('base64url')}`,
      },
    }
    // In the issuer's format now: verifiers read both, and a list outlives the format its first
    // credentials were issued in.
    const jwt = this.#credentialFormat === 'vc2.0'
      ? await this.signJwt(VC_JWT_TYPE, { '@context': [CREDENTIALS_CONTEXT_V2], ...body, issuer: signer, validFrom: isoSeconds(now * 1000), validUntil: isoSeconds((now + ttlSeconds) * 1000) }, signer)
      : await this.#signVc(signer, 'status list', { '@context': [CREDENTIALS_CONTEXT_V1, CREDENTIALS_STATUS_CONTEXT_V1], ...body, issuanceDate: new Date(now * 1000).toISOString(), expirationDate: new Date((now + ttlSeconds) * 1000).toISOString() })
    if (checkStatusListJwt(jwt).url !== url) throw agentIdError('ERR_STORE', 'Veramo returned a status list for another URL')
    return { listId: state.list.id, url, jwt }
  }

  /** The policy in force: the newest stored version, else the built-in default (version 0). */
  async policy(): Promise<PolicyInForce> {
    const stored = await this.store.currentPolicy()
    if (!stored) return { version: 0, policy: DEFAULT_POLICY }
    if (this.#policyCache?.version !== stored.version) this.#policyCache = { version: stored.version, policy: parsePolicy(stored.document) }
    return this.#policyCache
  }

  /**
   * Replaces the policy with a new version (audited with the whole document).
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
   */
  async setPolicy(document: unknown, by: string | Principal): Promise<PolicyInForce> {
    const principal = requireRole(by, 'admin', 'change the policy')
    const policy = parsePolicy(document)
    const json = policyToJson(policy)
    const text = JSON.stringify(json)
    const stored = await this.store.putPolicy(text, principal.id, (version) => ({
      actor: principal.id, action: 'policy.update', target: `policy:${version}`, details: { version, sha256: createHash('sha256').update(text).digest('hex'), document: json },
    }))
    return { version: stored.version, policy }
  }

  /**
   * Creates or replaces a role template. Its entitlements must fit the policy's TTL and must not
   * hold both sides of a duty conflict.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_SOD_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  async putRole(input: RoleInput, by: string | Principal): Promise<RoleTemplate> {
    const principal = requireRole(by, 'admin', 'manage role templates')
    if (typeof input.description !== 'string' || input.description.length > 256 || /[\u0000-\u001f\u007f]/.test(input.description)) {
      throw agentIdError('ERR_INPUT_INVALID', '"description" must be at most 256 printable characters')
    }
    const role: RoleTemplate = { name: parseRoleTemplateName(input.name), description: input.description, entitlements: parseEntitlements(input.entitlements, 'entitlements'), ttlSeconds: input.ttlSeconds }
    const { policy } = await this.policy()
    checkTtl(role.ttlSeconds, Math.min(assessEntitlements(policy, role.entitlements).maxTtlSeconds, MAX_GRANT_TTL), false)
    dutyGuard(policy, role.entitlements)?.([]) // a template that holds both sides alone
    await this.store.putRole(role, (previous) => ({
      actor: principal.id, action: previous ? 'role.update' : 'role.create', target: `role:${role.name}`,
      details: { description: role.description, entitlements: role.entitlements.map(entitlementToJson), ttlSeconds: role.ttlSeconds },
    }))
    return role
  }

  /** @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE */
  async deleteRole(name: string, by: string | Principal): Promise<void> {
    const principal = requireRole(by, 'admin', 'manage role templates')
    await this.store.deleteRole(parseRoleTemplateName(name), (role) => ({ actor: principal.id, action: 'role.delete', target: `role:${role.name}`, details: {} }))
  }

  /**
   * Creates a principal and returns its bearer token, once: only its hash is stored. With
   * `ttlSeconds`, the token is refused after that long.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  async createPrincipal(input: { id: string; roles: readonly string[]; did?: string; ttlSeconds?: number }, by: string | Principal): Promise<{ principal: PrincipalRecord; token: string }> {
    const principal = requireRole(by, 'admin', 'create principals')
    const { policy } = await this.policy()
    const token = newToken()
    const id = parsePrincipalId(input.id, 'id')
    // A principal named by a DID is that person; it cannot also claim another DID.
    const did = input.did !== undefined ? parseDidKey(input.did).did : id.startsWith('did:') ? id : undefined
    if (did !== undefined && id.startsWith('did:') && id !== did) throw agentIdError('ERR_INPUT_INVALID', `principal ${id} is a DID and cannot be given another DID`)
    if (did !== undefined) await this.#refuseRetiredPerson(did)
    const now = this.#now()
    const record: PrincipalRecord = {
      id,
      roles: parsePrincipalRoles(input.roles, policy.approverRoles),
      tokenSha256: tokenHash(token),
      ...(did !== undefined ? { did } : {}),
      createdAt: now,
      ...(input.ttlSeconds !== undefined ? { expiresAt: now + tokenTtl(input.ttlSeconds) * 1000 } : {}),
    }
    await this.store.createPrincipal(record, {
      actor: principal.id, action: 'principal.create', target: record.id,
      details: { roles: record.roles, ...(record.did ? { did: record.did } : {}), ...(record.expiresAt !== undefined ? { expiresAt: isoSeconds(record.expiresAt) } : {}) },
    })
    return { principal: record, token }
  }

  /**
   * Disables a principal: its token is refused at once, and the approvals it gave to requests not
   * issued yet stop counting (with every later level of those requests). `enable` undoes it.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT (already so; the last enabled admin; another principal speaks for the same person), ERR_FORBIDDEN, ERR_STORE
   */
  async setPrincipalEnabled(id: string, enabled: boolean, by: string | Principal): Promise<{ principal: PrincipalRecord; voided: readonly VoidedApproval[] }> {
    const actor = requireRole(by, 'admin', `${enabled ? 'enable' : 'disable'} principals`)
    const current = await this.store.getPrincipal(id)
    if (enabled && current?.did !== undefined) await this.#refuseRetiredPerson(current.did)
    return this.#changePrincipal(id, actor, enabled ? 'principal.enable' : 'principal.disable', (p) => {
      if ((p.disabledAt === undefined) === enabled) throw agentIdError('ERR_CONFLICT', `principal ${id} is ${enabled ? 'enabled' : 'disabled'} already`)
      return { disabledAt: enabled ? null : this.#now() }
    })
  }

  /**
   * Replaces a principal's token: the old one is refused at once. An admin rotates any principal's
   * token (the first admin's included), and every principal its own. The expiry stays as it was;
   * an admin's `ttlSeconds` sets a new one, a principal's own can only bring it closer.
   * @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE
   */
  async rotatePrincipalToken(id: string, by: string | Principal, options: { ttlSeconds?: number } = {}): Promise<{ principal: PrincipalRecord; token: string }> {
    const actor = asPrincipal(by)
    const admin = hasRole(actor, 'admin')
    if (!admin && actor.id !== id) throw agentIdError('ERR_FORBIDDEN', `${actor.id} may rotate only its own token: admin only for others`)
    const token = newToken()
    const asked = options.ttlSeconds !== undefined ? this.#now() + tokenTtl(options.ttlSeconds) * 1000 : undefined
    const { principal } = await this.#changePrincipal(id, actor, 'principal.rotate', (current) => {
      // A token's expiry is the admin's to set: rotating keeps it, and a principal rotating its
      // own token can only bring it closer, never lift or push it back.
      if (admin) return { tokenSha256: tokenHash(token), ...(asked !== undefined ? { expiresAt: asked } : {}) }
      const kept = current.expiresAt
      return { tokenSha256: tokenHash(token), ...(asked !== undefined ? { expiresAt: kept === undefined ? asked : Math.min(kept, asked) } : {}) }
    })
    return { principal, token }
  }

  /**
   * Replaces a principal's roles. Approvals it gave in a role it no longer holds stop counting.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_NOT_FOUND, ERR_CONFLICT (the last enabled admin), ERR_FORBIDDEN, ERR_STORE
   */
  async setPrincipalRoles(id: string, roles: readonly string[], by: string | Principal): Promise<{ principal: PrincipalRecord; voided: readonly VoidedApproval[] }> {
    const actor = requireRole(by, 'admin', 'change roles')
    const parsed = parsePrincipalRoles(roles, (await this.policy()).policy.approverRoles)
    return this.#changePrincipal(id, actor, 'principal.update', () => ({ roles: parsed }))
  }

  #changePrincipal(id: string, actor: Principal, action: string, change: (current: PrincipalRecord) => PrincipalChange): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }> {
    return this.store.updatePrincipal(id, change, (p, voided) => ({
      actor: actor.id, action, target: id,
      details: {
        roles: p.roles, ...(p.disabledAt !== undefined ? { disabledAt: isoSeconds(p.disabledAt) } : {}), ...(p.expiresAt !== undefined ? { expiresAt: isoSeconds(p.expiresAt) } : {}),
        ...(voided.length > 0 ? { approvalsVoided: voided } : {}),
      },
    }))
  }

  // A retired person signs in no more: no principal is made or enabled for their DID.
  async #refuseRetiredPerson(did: string): Promise<void> {
    if ((await this.store.getAgent(did))?.status === 'retired') throw agentIdError('ERR_CONFLICT', `${did} is retired: no principal may speak for them`)
  }

  /**
   * The enabled, unexpired principal a bearer token belongs to, or `undefined`. A token of a
   * disabled or expired principal is refused like an unknown one, and the attempt is recorded
   * with that principal's id.
   */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (!isTokenShaped(token)) return undefined
    const record = await this.store.principalByToken(tokenHash(token))
    if (!record) {
      const stale = await this.store.principalByTokenAnyState(tokenHash(token))
      // Once a minute per principal at most: a leaked old token must not let anyone fill the log.
      const now = this.#now()
      if (stale && now - (this.#staleTokenSeen.get(stale.id) ?? -Infinity) >= 60_000) {
        this.#staleTokenSeen.set(stale.id, now)
        await this.recordRefusal({ id: stale.id, roles: stale.roles }, 'authenticate', stale.id, { code: 'ERR_UNAUTHORIZED', message: stale.disabledAt !== undefined ? 'a disabled principal\'s token' : 'an expired token' })
      }
      return undefined
    }
    return { id: record.id, roles: record.roles, ...(record.did ? { did: record.did } : {}), ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}) }
  }

  /**
   * Ends a task: revokes at once every live credential issued for it ("revoked on completion or
   * after the TTL, whichever comes first"), closes the requests pending for it, and issues nothing
   * for it from then on (for the owner's agents, or everywhere when an admin completes it).
   * @throws AgentIdError ERR_NOT_FOUND (nothing was issued or requested for it), ERR_CONFLICT (completed already), ERR_FORBIDDEN, ERR_STORE
   */
  async completeTask(taskId: string, by: string | Principal): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
    const principal = asPrincipal(by)
    const task = parseTaskId(taskId, 'task id')
    // Admins end a task everywhere; an agent owner, for what they own, at any depth, their own
    // agent included (checked inside the same transaction as the revocation).
    let owner: string | undefined
    if (!hasRole(principal, 'admin')) {
      if (!hasRole(principal, 'agent-owner')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not complete tasks: admin or agent owner only`)
      owner = principal.did ?? principal.id
    }
    return this.#changesStatus(this.store.completeTask(task, principal.id, ({ revoked, requestsClosed }) => ({
      actor: principal.id, action: 'task.complete', target: `task:${task}`, details: { revoked: revoked.map((r) => r.id), requestsClosed, scope: owner ?? 'all' },
    }), owner))
  }

  /**
   * Opens an access-review campaign over the live credentials due for review (their last
   * certification, or their issuance, is older than their risk's review interval), or over all
   * of them with `all`.
   * @throws AgentIdError ERR_CONFLICT (nothing due), ERR_FORBIDDEN, ERR_INPUT_INVALID, ERR_STORE
   */
  async startReview(input: { name?: string; all?: boolean }, by: string | Principal): Promise<{ campaign: string; items: ReviewItemRecord[] }> {
    const principal = asPrincipal(by)
    if (!hasRole(principal, 'admin') && !hasRole(principal, 'reviewer')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not start reviews: admin or reviewer only`)
    if (input.name !== undefined && (typeof input.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input.name))) throw agentIdError('ERR_INPUT_INVALID', '"name" must be 1-64 letters, digits, . _ -')
    return this.#openReview(input.name ?? `review-${isoSeconds(this.#now()).slice(0, 10)}`, input.all === true, principal.id)
  }

  async #openReview(name: string, all: boolean, actor: string): Promise<{ campaign: string; items: ReviewItemRecord[] }> {
    const { policy } = await this.policy()
    const now = this.#now()
    const id = `rev-${randomUUID()}`
    const items = await this.store.startReview(
      { id, name, createdBy: actor, createdAt: now, deadline: now + policy.reviewDeadlineSeconds * 1000, status: 'open' },
      (live) => live.filter((c) => all || (c.reviewedAt ?? c.issuedAt) + policy.reviewIntervalSeconds[c.risk ?? 'critical'] * 1000 <= now)
        .map((credential) => ({ id: `item-${randomUUID()}`, credential })),
      (picked) => ({ actor, action: 'review.start', target: id, details: { name, items: picked.map((i) => ({ item: i.id, credential: i.credentialId, risk: i.risk })) } }),
    )
    return { campaign: id, items }
  }

  /**
   * A reviewer's decision on one item: certify (the credential stays, its review clock restarts)
   * or revoke (revoked at once).
   * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_FORBIDDEN, ERR_STORE
   */
  async decideReview(itemId: string, decision: 'certified' | 'revoked', by: string | Principal): Promise<ReviewItemRecord> {
    const principal = asPrincipal(by)
    if (!hasRole(principal, 'reviewer') && !hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not review access: reviewer or admin only`)
    // Certifying keeps access: never by the party that holds it or asked for it. Revoking only
    // takes access away, which anyone reviewing may do.
    if (decision === 'certified') {
      const item = await this.store.getReviewItem(itemId)
      const credential = item && (await this.store.getCredential(item.credentialId))
      if (credential) {
        const requester = credential.requestedBy ?? (credential.requestId ? (await this.store.getRequest(credential.requestId))?.requester : undefined)
        const involved = [credential.subject, requester]
        const sameParty = await samePartyNow(this.store, [principal.id, ...(principal.did ? [principal.did] : []), ...involved.filter((x): x is string => x !== undefined)])
        assertNotOwnDecision(principal, involved, sameParty, `certify review item ${itemId}`)
      }
    }
    const decided = this.store.decideReviewItem(itemId, decision, principal.id, (item) => ({
      actor: principal.id, action: decision === 'certified' ? 'review.certify' : 'review.revoke', target: item.id, details: { campaign: item.campaign, credential: item.credentialId },
    }))
    return decision === 'revoked' ? this.#changesStatus(decided) : decided
  }

  /**
   * The sweeper: expires pending requests and records expired credentials, closes overdue
   * reviews (revoking what nobody certified, when the policy says so, and raising an alert), and
   * opens a review campaign for the credentials whose review falls due (the schedule is each
   * risk's review interval). Nothing waits for a person. Run it periodically (`agentid serve` does).
   */
  async sweep(): Promise<{ requestsExpired: number; credentialsExpired: number; reviewItemsOverdue: number; reviewItemsOpened: number }> {
    const now = this.#now()
    const { policy } = await this.policy()
    const requests = await this.store.expireRequests(now, (r) => ({ actor: 'system', action: 'request.expire', target: r.id, details: { subject: r.subject, approvals: r.approvals.length, of: r.chain.length } }))
    const credentials = await this.store.sweepExpired(Math.floor(now / 1000), (c) => ({ actor: 'system', action: 'credential.expire', target: c.id, details: { subject: c.subject, expires: c.expires } }))
    const closing = this.store.closeOverdueReviews(now, policy.revokeUnreviewed, (campaign, items) => ({
      actor: 'system', action: 'review.close', target: campaign.id,
      details: { overdue: items.map((i) => ({ item: i.id, credential: i.credentialId })), revoked: policy.revokeUnreviewed ? items.map((i) => i.credentialId) : [] },
    }))
    const overdue = await (policy.revokeUnreviewed ? this.#changesStatus(closing) : closing)
    const scheduled = await this.#openReview(`scheduled-${isoSeconds(now).slice(0, 10)}`, false, 'system').catch((error: unknown) => {
      if ((error as { code?: string }).code === 'ERR_CONFLICT') return undefined // nothing due
      throw error
    })
    return { requestsExpired: requests.length, credentialsExpired: credentials.length, reviewItemsOverdue: overdue.length, reviewItemsOpened: scheduled?.items.length ?? 0 }
  }

  /**
   * Signs the head of the audit log now (a VC-JWT `AuditCheckpointCredential` by the issuer key)
   * and stores it; nothing when no entry was added since the last checkpoint. Publish them
   * (`GET /audit/checkpoints`) or keep copies elsewhere: a copy outside the database also catches
   * someone who deletes the stored ones.
   */
  async checkpoint(): Promise<AuditCheckpointRecord | undefined> {
    return this.store.writeCheckpoint(async ({ seq, hash, at }) => {
      const jwt = await this.#signVc(this.did, 'checkpoint', {
        '@context': [CREDENTIALS_CONTEXT_V1],
        type: ['VerifiableCredential', AUDIT_CHECKPOINT_TYPE],
        issuanceDate: new Date(Math.floor(at / 1000) * 1000).toISOString(),
        credentialSubject: { id: `${this.#publicUrl}/audit#log`, seq, head: hash, at },
      })
      const claim = checkCheckpointJwt(jwt, this.did)
      if (claim.seq !== seq || claim.head !== hash) throw agentIdError('ERR_STORE', 'Veramo returned a checkpoint that does not say what was signed')
      return jwt
    })
  }

  /**
   * A checkpoint when `everyEntries` entries were added since the last one, or some were and the
   * last one is older than `everyMs`. The service calls it every few seconds.
   */
  async maybeCheckpoint(options: { everyEntries: number; everyMs: number }): Promise<AuditCheckpointRecord | undefined> {
    const [last] = await this.store.listCheckpoints(1)
    const since = (last?.seq ?? 0) + 1
    // Audit sequence numbers have no gaps: two single-row reads tell "any new" and "enough new".
    if ((await this.store.readAudit(since, 1)).length === 0) return undefined
    const enough = (await this.store.readAudit(since + options.everyEntries - 1, 1)).length > 0
    if (!enough && last !== undefined && this.#now() - last.at < options.everyMs) return undefined
    return this.checkpoint()
  }

  /** Verifies the audit log's chain and its signed checkpoints (and any kept elsewhere): see {@link verifyAuditLog}. */
  verifyAudit(externalCheckpoints: readonly string[] = [], onProgress?: (entries: number) => void): Promise<AuditVerification> {
    return verifyAuditLog(this.store, this.did, externalCheckpoints, onProgress)
  }

  /**
   * Rotates the issuer key: a new issuer did:key signs everything issued from now on, announced by
   * a rotation statement the previous key signs (a VC-JWT `IssuerRotationCredential` whose
   * subject is the new DID). The previous key keeps signing the status lists of the credentials it
   * issued; new lists begin for the new DID. Verifiers that trust the previous DID accept the new
   * one once given the statement (`issuerRotations`). Stop the service first, then restart it.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_STORE
   */
  async rotateIssuerKey(by: string | Principal): Promise<{ previous: string; did: string; statement: string }> {
    const principal = requireRole(by, 'admin', 'rotate the issuer key')
    const lists = await this.store.currentStatusLists()
    const generation = (await this.rotations()).length + 2
    const identifier = await (await this.veramo()).didManagerCreate({ provider: 'did:key', alias: `issuer-${generation}`, options: { keyType: 'Ed25519' } })
    const did = parseDidKey(identifier.did).did
    const now = Math.floor(this.#now() / 1000)
    const statement = await this.#signVc(this.did, 'rotation statement', {
      '@context': [CREDENTIALS_CONTEXT_V1],
      type: ['VerifiableCredential', ISSUER_ROTATION_TYPE],
      issuanceDate: new Date(now * 1000).toISOString(),
      credentialSubject: { id: did, predecessor: this.did },
    })
    const created = this.#now()
    await this.store.rotateIssuer({
      previous: this.did, did, statement,
      lists: lists.map((l) => ({ id: `${l.purpose === 'revocation' ? 'rev' : 'sus'}-${generation}`, purpose: l.purpose, size: l.size, createdAt: created })),
    }, { actor: principal.id, action: 'issuer.rotate', target: did, details: { previous: this.did } })
    return { previous: this.did, did, statement }
  }

  /** The signed rotation statements of this issuer's keys, oldest first. */
  async rotations(): Promise<string[]> {
    const stored = await this.store.getSetting('rotations')
    return stored ? (JSON.parse(stored) as string[]) : []
  }

  /**
   * Rotates the key-encryption key: every sealed private key and webhook secret is re-encrypted
   * with a new key in one transaction. With a `kek` file, the new key is written beside it first
   * (`kek.next`, 0600) and replaces it after the commit (a crash in between is finished at the
   * next open). With `AGENTID_KEK`, the new key is returned: set it before the next start.
   * @throws AgentIdError ERR_FORBIDDEN, ERR_STORE
   */
  async rotateKek(by: string | Principal, env: NodeJS.ProcessEnv = process.env): Promise<{ reencrypted: number; newKek?: string; kekFile?: string }> {
    const principal = requireRole(by, 'admin', 'rotate the key-encryption key')
    const next = generateKek()
    const fromEnv = kekFromEnv(env)
    const nextFile = `${this.home.kekFile}.next`
    if (!fromEnv) {
      await rm(nextFile, { force: true })
      await writeSecretFile(nextFile, `${next.toString('base64url')}\n`)
    }
    const reencrypted = await this.store.rotateKek(next, (count) => ({ actor: principal.id, action: 'kek.rotate', target: this.did, details: { reencrypted: count, source: fromEnv ? 'AGENTID_KEK' : 'file' } }))
    if (fromEnv) return { reencrypted, newKek: next.toString('base64url') }
    await rename(nextFile, this.home.kekFile)
    return { reencrypted, kekFile: this.home.kekFile }
  }

  /**
   * Registers a webhook the service posts signed events to (`status`: a status list changed).
   * Returns its secret once (HMAC-SHA256 key; stored sealed with the key-encryption key). A URL
   * whose host is a loopback, private or link-local address (or `localhost`) is refused unless
   * private webhooks are allowed; the attempt is audited (`webhook.refuse`). Names are checked
   * again, resolved, before each delivery.
   * @throws AgentIdError ERR_INPUT_INVALID, ERR_FORBIDDEN, ERR_STORE
   */
  async createWebhook(input: { url: string; events?: readonly string[] }, by: string | Principal): Promise<{ webhook: WebhookRecord; secret: string }> {
    const principal = requireRole(by, 'admin', 'manage webhooks')
    const url = parseWebhookUrl(input.url)
    const refused = this.allowPrivateWebhooks ? undefined : refusedHostReason(new URL(url).hostname)
    if (refused) {
      await this.store.recordEvent({ actor: principal.id, action: 'webhook.refuse', target: url, details: { url, reason: refused } })
      throw agentIdError('ERR_INPUT_INVALID', `"url" points at ${refused}: webhooks go to public addresses; run the service with --allow-private-webhooks to allow it`)
    }
    const events = input.events ?? [...WEBHOOK_EVENTS]
    if (!Array.isArray(events) || events.length === 0 || events.some((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e)) || new Set(events).size !== events.length) {
      throw agentIdError('ERR_INPUT_INVALID', `"events" must be a list of ${WEBHOOK_EVENTS.join(', ')}`)
    }
    const webhook: WebhookRecord = { id: `wh-${randomUUID()}`, url, events, createdBy: principal.id, createdAt: this.#now() }
    const secret = `whsec_${randomBytes(32).toString('base64url')}`
    await this.store.createWebhook(webhook, secret, { actor: principal.id, action: 'webhook.create', target: webhook.id, details: { url, events } })
    return { webhook, secret }
  }

  /** @throws AgentIdError ERR_NOT_FOUND, ERR_FORBIDDEN, ERR_STORE */
  async deleteWebhook(id: string, by: string | Principal): Promise<void> {
    const principal = requireRole(by, 'admin', 'manage webhooks')
    await this.store.deleteWebhook(id, { actor: principal.id, action: 'webhook.delete', target: id, details: {} })
  }

  /** The issuer's clock, milliseconds since the epoch (injected in tests). */
  now(): number {
    return this.#now()
  }

  /**
   * Signs a JWT that is not a credential (an OAuth access token) with the issuer key: header
   * `{ alg: EdDSA, typ, kid: <issuer did:key URL> }`.
   */
  async signJwt(typ: string, payload: Record<string, unknown>, signer = this.did): Promise<string> {
    // The key of the issuer's DID, loaded once per DID (it changes at a rotation); an earlier
    // key of this issuer (its status lists) is loaded each time.
    if (signer === this.did && this.#jwtKey?.did !== this.did) this.#jwtKey = { did: this.did, key: await issuerSigningKey(this.store, this.did) }
    const key = signer === this.did ? this.#jwtKey!.key : await issuerSigningKey(this.store, signer)
    const signingInput = `${encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ, kid: parseDidKey(signer).keyId }))}.${encodeBase64url(JSON.stringify(payload))}`
    return `${signingInput}.${encodeBase64url(sign(null, Buffer.from(signingInput), key))}`
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
    const principal = asPrincipal(by)
    if (!hasRole(principal, 'admin')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not change the credential format: admin only`)
    const parsed = parseCredentialFormat(format, '"format"')
    const previous = this.#credentialFormat
    if (parsed !== previous) await this.store.setSetting('credentialFormat', parsed, { actor: principal.id, action: 'issuer.credential-format', target: parsed, details: { previous } })
    this.#credentialFormat = parsed
    return { previous, format: parsed }
  }

  // An entitlement credential as SD-JWT VC, checked as a verifier would before it is committed.
  async #signSdJwtVc(draft: CredentialDraft, agent: AgentRecord, subject: EntitlementSubject, status: readonly Record<string, unknown>[], statusIndex: string): Promise<string> {
    if (this.#jwtKey?.did !== this.did) this.#jwtKey = { did: this.did, key: await issuerSigningKey(this.store, this.did) }
    const key = this.#jwtKey.key
    const sdJwt = issueSdJwtVc({
      issuer: this.did, sign: (data) => sign(null, data, key), subject: agent.did, id: draft.id, notBefore: draft.notBefore, expires: draft.expires,
      agent: subject.agent, entitlements: subject.entitlements, status, decoys: this.#sdJwtDecoys,
      ...(subject.task ? { task: subject.task } : {}), ...(subject.risk ? { risk: subject.risk } : {}), ...(subject.approvals ? { approvals: subject.approvals } : {}),
    })
    const c = checkSdJwtCredential(sdJwt)
    const same = c.id === draft.id && c.subject === draft.subject && c.issuer === draft.issuer && c.notBefore === draft.notBefore && c.expires === draft.expires &&
      c.status.length === status.length && c.status.every((e) => e.statusListIndex === statusIndex) &&
      JSON.stringify(c.entitlements.map(entitlementToJson)) === JSON.stringify(draft.entitlements.map(entitlementToJson))
    if (!same) throw agentIdError('ERR_STORE', 'the SD-JWT VC minted does not match the grant')
    return sdJwt
  }

  // Every VC-JWT the issuer makes goes through Veramo here: signed by `signer` (this issuer, or a
  // previous key for its own status lists), with its key id in the header.
  async #signVc(signer: string, what: string, credential: Record<string, unknown>): Promise<string> {
    const result = await (await this.veramo()).createVerifiableCredential({
      credential: { ...credential, issuer: { id: signer } },
      proofFormat: 'jwt',
      header: { kid: parseDidKey(signer).keyId },
    } as Parameters<IssuerAgent['createVerifiableCredential']>[0])
    const jwt = (result as { proof?: { jwt?: unknown } } | undefined)?.proof?.jwt
    if (typeof jwt !== 'string') throw agentIdError('ERR_STORE', `Veramo returned a ${what} without a JWT proof`)
    return jwt
  }

  close(): Promise<void> {
    return this.store.close()
  }
}

// The issuer's key pair as the custody tables hold it: its DID record names the key, whose sealed
// private part must decrypt (a wrong key-encryption key fails here, ERR_KEK_MISMATCH).
async function checkIssuerKey(store: IssuerStore, did: string): Promise<void> {
  await issuerPrivateKeyHex(store, did)
}

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * The issuer's private key as a node:crypto key, for the JWTs that are not credentials (access
 * tokens): Veramo's key manager takes about 1.2 ms of CPU per signature where node:crypto takes
 * 60 µs (measured on the development VM), and the token endpoint signs on every grant. The key
 * stays in the custody tables, sealed; this copy lives in the process's memory, as the
 * key-encryption key does. Checked against the DID before use.
 */
async function issuerSigningKey(store: IssuerStore, did: string): Promise<KeyObject> {
  const hex = await issuerPrivateKeyHex(store, did)
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(hex, 'hex').subarray(0, 32)]), format: 'der', type: 'pkcs8' })
  const x = createPublicKey(key).export({ format: 'jwk' }).x
  if (x !== encodeBase64url(parseDidKey(did).publicKey)) throw agentIdError('ERR_STORE', `the custody key of ${did} is not that DID's key`)
  return key
}

async function issuerPrivateKeyHex(store: IssuerStore, did: string): Promise<string> {
  let identifier
  try {
    identifier = await store.custody.didStore.getDID({ did })
  } catch (cause) {
    throw agentIdError('ERR_STORE', `the issuer's DID ${did} has no key record in this database`, { cause })
  }
  const alias = identifier.controllerKeyId ?? identifier.keys[0]?.kid
  if (alias === undefined) throw agentIdError('ERR_STORE', `the issuer's DID ${did} names no key`)
  return (await store.custody.privateKeyStore.getKey({ alias })).privateKeyHex
}

/** Event types a webhook can receive. */
export const WEBHOOK_EVENTS = ['status', 'alert'] as const

// An http(s) URL without credentials in it (they would sit in the database and the audit log).
function parseWebhookUrl(value: unknown): string {
  let url: URL
  try {
    if (typeof value !== 'string' || value.length > 2048) throw new Error('not a string')
    url = new URL(value)
  } catch {
    throw agentIdError('ERR_INPUT_INVALID', '"url" must be an http(s) URL of at most 2048 characters')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw agentIdError('ERR_INPUT_INVALID', '"url" must be http or https')
  if (url.username !== '' || url.password !== '') throw agentIdError('ERR_INPUT_INVALID', '"url" must not carry credentials: webhooks are authenticated by their signature')
  return url.href
}

function requireRole(by: string | Principal, role: string, what: string): Principal {
  const principal = asPrincipal(by)
  if (!hasRole(principal, role)) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not ${what}: ${role} only`)
  return principal
}

// Separation of duties for a grant of `entitlements`: a check of what the duty group holds, for
// the rules the grant touches, or undefined when it touches none (most grants: no look needed).
function dutyGuard(policy: Policy, entitlements: readonly Entitlement[]): ((held: readonly Holding[]) => void) | undefined {
  const conflicts = conflictsTouched(policy.conflicts, entitlements)
  if (conflicts.length === 0) return undefined
  return (held) => {
    const conflict = findDutyConflict(conflicts, entitlements, held)
    if (conflict === undefined) return
    throw agentIdError('ERR_SOD_CONFLICT', conflict.holder === undefined
      ? `separation of duties: this grant would hold both sides of rule "${conflict.rule}"`
      : `separation of duties: rule "${conflict.rule}" forbids this grant beside ${conflict.holder.via} ${conflict.holder.id}, held by ${conflict.holder.subject} of the same party`)
  }
}

// `tooLong` is ERR_INPUT_INVALID for what a caller asks now, ERR_CONFLICT for a request whose TTL
// the policy in force no longer allows.
function checkTtl(ttlSeconds: number, max: number, jit: boolean, tooLong: 'ERR_INPUT_INVALID' | 'ERR_CONFLICT' = 'ERR_INPUT_INVALID'): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw agentIdError('ERR_INPUT_INVALID', 'ttl must be a whole number of seconds, at least 1')
  if (ttlSeconds > max) throw agentIdError(tooLong, `ttl ${ttlSeconds}s is longer than the ${jit ? 'just-in-time ' : ''}limit of ${max}s the policy in force sets for this grant`)
}

// The policy's judgement of entitlements, with a floor for the risk (the caller's, or the one a
// pending request was opened at), and for an agent asking for itself at least the medium chain (or
// the first approver role when that one is empty): an agent never gets access without a person.
function judgeEntitlements(policy: Policy, entitlements: readonly Entitlement[], options: { riskFloor?: RiskLevel; byAgent: boolean }): Assessment {
  const assessed = assessEntitlements(policy, entitlements)
  const risk = options.riskFloor !== undefined ? maxRisk(assessed.risk, options.riskFloor) : assessed.risk
  let chain = risk === assessed.risk ? assessed.chain : policy.approvalChains[risk]
  if (options.byAgent && chain.length === 0) {
    const floor = policy.approvalChains[maxRisk(risk, 'medium')]
    chain = floor.length > 0 ? floor : policy.approverRoles.slice(0, 1)
    if (chain.length === 0) throw agentIdError('ERR_FORBIDDEN', 'an agent may not ask for itself: the policy names no approver roles')
  }
  return { risk, chain, maxTtlSeconds: assessed.maxTtlSeconds }
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((role, i) => of[i] === role)
}

const ROLE_TEMPLATE = /^[a-z][a-z0-9-]{0,63}$/

function parseRoleTemplateName(value: unknown): string {
  if (typeof value !== 'string' || !ROLE_TEMPLATE.test(value)) throw agentIdError('ERR_INPUT_INVALID', '"name" must be 1-64 lower-case letters, digits and -, starting with a letter')
  return value
}

// A principal's token lives from a minute to a year.
function tokenTtl(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > 366 * 86400) throw agentIdError('ERR_INPUT_INVALID', 'a token ttl must be from 1m to 366d')
  return seconds
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * Checks what Veramo signed: a VC-JWT that our own verifier accepts, saying exactly what the draft
 * says (ids, times, entitlements, status slot). A credential that differs from the record, or that
 * a verifier would refuse, is never handed out.
 */
// The VC format a stored credential was issued in (its JOSE typ), else the issuer's now. An
// SD-JWT renews as a VC of the issuer's format (docs/formats.md).
function vcFormatOf(jwt: string | undefined, fallback: CredentialFormat): CredentialFormat {
  if (jwt === undefined || jwt.includes('~')) return fallback
  try {
    const typ = (JSON.parse(Buffer.from(jwt.slice(0, jwt.indexOf('.')), 'base64url').toString('utf8')) as { typ?: unknown }).typ
    return typ === VC_JWT_TYPE ? 'vc2.0' : 'vc1.1'
  } catch {
    return fallback
  }
}

function parseGrantFormat(value: unknown): GrantFormat {
  if (value !== 'vc' && value !== 'sd-jwt') throw agentIdError('ERR_INPUT_INVALID', 'a grant\'s format must be vc or sd-jwt')
  return value
}

function parseDecoys(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 16) throw agentIdError('ERR_USAGE', 'sdJwtDecoys must be an integer from 0 to 16')
  return value
}

function checkIssuedJwt(jwt: string, draft: CredentialDraft, statusIndex: string, statusEntries: number): string {
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
  type Subject = { credentialSubject: { entitlements: unknown[] } }
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Subject & { vc?: Subject }
  // VC 1.1 in the `vc` claim; VC 2.0 is the payload itself.
  return (payload.vc ?? payload).credentialSubject.entitlements
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

