import { parseDidKey } from '../did/did-key.js'
import { agentIdError } from '../errors/agentid-error.js'
import { entitlementToJson, parseEntitlements, type Entitlement } from '../entitlement/entitlement.js'

/** JSON-LD context of the W3C VC Data Model 1.1. */
export const CREDENTIALS_CONTEXT_V1 = 'https://www.w3.org/2018/credentials/v1'
/**
 * JSON-LD context of the Bitstring Status List terms for VC 1.1 documents (Bitstring Status List
 * v1.0, section 5.2); VC 2.0's own context has them.
 */
export const CREDENTIALS_STATUS_CONTEXT_V1 = 'https://www.w3.org/ns/credentials/status/v1'
/** JSON-LD context of the W3C VC Data Model 2.0 (it defines the Bitstring Status List terms too). */
export const CREDENTIALS_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2'
/**
 * JSON-LD context of agentid terms. Every context agentid names ships as a file in
 * `@agentid/core/contexts/` (README there): nothing is ever fetched.
 */
export const AGENTID_CONTEXT_V1 = 'https://w3id.org/agentid/v1'
/** `type` of an entitlement credential. */
export const ENTITLEMENT_CREDENTIAL_TYPE = 'AgentEntitlementCredential'

export const AGENT_KINDS = ['company', 'employee', 'service', 'person'] as const
/**
 * Who a subject is: an agent the organisation deployed (`company`), an employee's personal
 * assistant (`employee`, owned by that person's DID), an autonomous `service`, or a `person`
 * enrolled in their own right: an employee whose own credential is the root of what they
 * delegate to their assistants.
 */
export type AgentKind = (typeof AGENT_KINDS)[number]

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

/** What a credential says about the agent it was issued to. */
export interface AgentProfile {
  readonly name: string
  readonly kind: AgentKind
  /** The DID (or team name) accountable for the agent. */
  readonly owner: string
  readonly segment?: string
}

/** The task a grant was made for. */
export interface TaskRef {
  readonly id: string
  readonly description?: string
}

/**
 * One approval a grant received before it was issued: which role approved it, who (a principal
 * id or DID) and when (`YYYY-MM-DDTHH:MM:SSZ`). Verifiers can require given roles per risk level.
 */
export interface ApprovalEvidence {
  readonly role: string
  readonly approver: string
  readonly at: string
}

/** `credentialSubject` of an entitlement credential, less its `id` (carried by `sub`). */
export interface EntitlementSubject {
  readonly agent: AgentProfile
  readonly entitlements: readonly Entitlement[]
  readonly task?: TaskRef
  readonly risk?: RiskLevel
  /** The approval chain the grant went through, in order (absent when none was needed). */
  readonly approvals?: readonly ApprovalEvidence[]
}

/** Most approvals a credential may carry (the longest chain a policy may set). */
export const MAX_APPROVALS = 8

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const OWNER_TEAM = /^[a-z0-9][a-z0-9._-]{0,63}$/
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/
const ROLE = /^[a-z][a-z0-9-]{0,31}$/
const PRINCIPAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/
const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be an object`)
  return value as Record<string, unknown>
}

/**
 * Checks an agent name (`report-bot`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseAgentName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !NAME.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be 1-64 letters, digits, . _ - (starting with a letter or digit)`)
  return value
}

/**
 * Checks an agent kind.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseAgentKind(value: unknown, field = 'kind'): AgentKind {
  if (typeof value !== 'string' || !(AGENT_KINDS as readonly string[]).includes(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be one of ${AGENT_KINDS.join(', ')}`)
  return value as AgentKind
}

/**
 * Checks an owner: a did:key (a person) or a lower-case team name.
 * @throws AgentIdError ERR_INPUT_INVALID, or the did:key codes for a malformed DID
 */
export function parseOwner(value: unknown, field = 'owner'): string {
  if (typeof value === 'string' && value.startsWith('did:')) return parseDidKey(value).did
  if (typeof value !== 'string' || !OWNER_TEAM.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a did:key or a lower-case team name`)
  return value
}

/**
 * Checks a segment name (`sales`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseSegment(value: unknown, field = 'segment'): string {
  if (typeof value !== 'string' || !OWNER_TEAM.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a lower-case segment name`)
  return value
}

/**
 * Checks a task id.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseTaskId(value: unknown, field = 'task.id'): string {
  if (typeof value !== 'string' || !TASK_ID.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be 1-128 letters, digits, . _ : -`)
  return value
}

/**
 * Checks a principal role name (`admin`, `ai-ops`, `security`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseRoleName(value: unknown, field = 'role'): string {
  if (typeof value !== 'string' || !ROLE.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be 1-32 lower-case letters, digits and -, starting with a letter`)
  return value
}

/**
 * Checks a principal id (`alice`, `svc:reporting`, or a DID).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parsePrincipalId(value: unknown, field = 'principal'): string {
  if (typeof value === 'string' && value.startsWith('did:')) return parseDidKey(value).did
  if (typeof value !== 'string' || !PRINCIPAL_ID.test(value)) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be 1-128 letters, digits, . _ : @ - (or a did:key)`)
  return value
}

/**
 * Parses the approval evidence of a credential subject.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseApprovals(value: unknown, field = 'approvals'): ApprovalEvidence[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_APPROVALS) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a list of 1-${MAX_APPROVALS} approvals`)
  return value.map((item, i) => {
    const r = object(item, `${field}[${i}]`)
    const extra = Object.keys(r).find((k) => k !== 'role' && k !== 'approver' && k !== 'at')
    if (extra !== undefined) throw agentIdError('ERR_INPUT_INVALID', `"${field}[${i}].${extra}" is not an approval field`)
    if (typeof r.at !== 'string' || !UTC_SECONDS.test(r.at) || Number.isNaN(Date.parse(r.at))) throw agentIdError('ERR_INPUT_INVALID', `"${field}[${i}].at" must be a UTC time YYYY-MM-DDTHH:MM:SSZ`)
    return { role: parseRoleName(r.role, `${field}[${i}].role`), approver: parsePrincipalId(r.approver, `${field}[${i}].approver`), at: r.at }
  })
}

/**
 * Parses a task reference `{ id, description? }` (a description of at most 256 printable characters).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseTaskRef(value: unknown, field = 'task'): TaskRef {
  const t = object(value, field)
  const extra = Object.keys(t).find((k) => k !== 'id' && k !== 'description')
  if (extra !== undefined) throw agentIdError('ERR_INPUT_INVALID', `"${field}.${extra}" is not a task field`)
  const task: { id: string; description?: string } = { id: parseTaskId(t.id, `${field}.id`) }
  if (t.description !== undefined) {
    if (typeof t.description !== 'string' || t.description.length > 256 || /[\u0000-\u001f\u007f]/.test(t.description)) {
      throw agentIdError('ERR_INPUT_INVALID', `"${field}.description" must be at most 256 printable characters`)
    }
    task.description = t.description
  }
  return task
}

/**
 * Parses the agent profile of a credential subject.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseAgentProfile(value: unknown, field = 'agent'): AgentProfile {
  const r = object(value, field)
  const out: { -readonly [K in keyof AgentProfile]: AgentProfile[K] } = {
    name: parseAgentName(r.name, `${field}.name`),
    kind: parseAgentKind(r.kind, `${field}.kind`),
    owner: parseOwner(r.owner, `${field}.owner`),
  }
  if (r.segment !== undefined) out.segment = parseSegment(r.segment, `${field}.segment`)
  return out
}

/**
 * Parses `credentialSubject` of an entitlement credential (its `id` is checked by the caller
 * against `sub`). Unknown constraints are kept so that matching denies them.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseEntitlementSubject(value: unknown, field = 'credentialSubject'): EntitlementSubject {
  const r = object(value, field)
  const out: { -readonly [K in keyof EntitlementSubject]: EntitlementSubject[K] } = {
    agent: parseAgentProfile(r.agent, `${field}.agent`),
    entitlements: parseEntitlements(r.entitlements, `${field}.entitlements`, { allowUnknownConstraints: true }),
  }
  if (r.task !== undefined) out.task = parseTaskRef(r.task, `${field}.task`)
  if (r.risk !== undefined) {
    if (typeof r.risk !== 'string' || !(RISK_LEVELS as readonly string[]).includes(r.risk)) throw agentIdError('ERR_INPUT_INVALID', `"${field}.risk" must be one of ${RISK_LEVELS.join(', ')}`)
    out.risk = r.risk as RiskLevel
  }
  if (r.approvals !== undefined) out.approvals = parseApprovals(r.approvals, `${field}.approvals`)
  return out
}

/** The JSON form of an entitlement subject, with the subject DID as `id`. */
export function entitlementSubjectToJson(subjectDid: string, subject: EntitlementSubject): Record<string, unknown> {
  const out: Record<string, unknown> = { id: subjectDid, agent: { ...subject.agent }, entitlements: subject.entitlements.map(entitlementToJson) }
  if (subject.task) out.task = { ...subject.task }
  if (subject.risk) out.risk = subject.risk
  if (subject.approvals) out.approvals = subject.approvals.map((a) => ({ role: a.role, approver: a.approver, at: a.at }))
  return out
}
