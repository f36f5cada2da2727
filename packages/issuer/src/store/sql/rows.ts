import { parseApprovals, parseEntitlements, type AgentKind, type RiskLevel, type TaskRef } from '@agentid/core'
import type {
  AccessRequestRecord,
  AgentRecord,
  AlertRecord,
  ApprovalRecord,
  AuditEntry,
  CredentialOfferRecord,
  CredentialRecord,
  DelegationRecord,
  PrincipalRecord,
  ReviewCampaignRecord,
  ReviewItemRecord,
  RoleTemplate,
  StatusListRecord,
  SuppressionRecord,
  WebhookRecord,
} from '../issuer-store.js'

// Rows as both backends return them (column names and types are the same in their schemas), and
// their parsing into records: rows are parsed like any other input.

export interface AgentRow { did: string; name: string; kind: string; owner: string; segment: string | null; role: string | null; status: string; created_at: number; suspended_at: number | null }
export interface CredentialRow {
  id: string; subject: string; issuer: string; entitlements: string; task: string | null; risk: string | null
  not_before: number; expires: number; status: string; status_list: string; status_index: number; jwt_sha256: string; issued_at: number
  suspension_list: string | null
  jit: number; task_id: string | null; request_id: string | null; approvals: string | null; expired_at: number | null; reviewed_at: number | null
  requested_by: string | null; suspended_for: string | null
  jwt: string | null; renew_until: number | null; renews: string | null
}
export interface OfferRow {
  code_sha256: string; subject: string; credentials: string; tx_code_sha256: string | null; failed_attempts: number
  created_by: string; created_at: number; expires_at: number; redeemed_at: number | null
}
export interface AuditRow { seq: number; at: number; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string }
export interface DelegationRow {
  id: string; parent: string; root: string; delegator: string; delegate: string; entitlements: string; depth: number
  not_before: number; expires: number; jwt_sha256: string; reported_at: number
}
export interface RoleRow { name: string; description: string; entitlements: string; ttl_seconds: number }
export interface PrincipalRow { id: string; roles: string; token_sha256: string; did: string | null; created_at: number; disabled_at: number | null; expires_at: number | null }
export interface RequestRow {
  id: string; subject: string; requester: string; entitlements: string; ttl_seconds: number; task: string | null; jit: number; risk: string
  chain: string; policy_version: number; justification: string | null; status: string; created_at: number; expires_at: number
  decided_at: number | null; credential_id: string | null; renewable_seconds: number | null
}
export interface ApprovalRow { request_id: string; level: number; principal: string; role: string; decision: string; at: number; reason: string | null }
export interface CampaignRow { id: string; name: string; created_by: string; created_at: number; deadline: number; status: string }
export interface ItemRow { id: string; campaign: string; credential_id: string; risk: string; decision: string | null; reviewer: string | null; decided_at: number | null }
export interface WebhookRow { id: string; url: string; events: string; secret_sealed: string; created_by: string; created_at: number }
export interface AlertRow { id: number; at: number; kind: string; severity: string; subject: string | null; details: string }
export interface StatusListRow { id: string; purpose: string; size: number; created_at: number; issuer: string | null }
export interface SuppressionRow {
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

export function toAgent(row: AgentRow): AgentRecord {
  return {
    did: row.did, name: row.name, kind: row.kind as AgentKind, owner: row.owner,
    ...(row.segment !== null ? { segment: row.segment } : {}),
    ...(row.role !== null ? { role: row.role } : {}),
    status: row.status as AgentRecord['status'], createdAt: row.created_at,
    ...(row.suspended_at !== null ? { suspendedAt: row.suspended_at } : {}),
  }
}

export function toCredential(row: CredentialRow): CredentialRecord {
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

export function toPrincipal(row: PrincipalRow): PrincipalRecord {
  return {
    id: row.id, roles: JSON.parse(row.roles) as string[], tokenSha256: row.token_sha256, createdAt: row.created_at,
    ...(row.did !== null ? { did: row.did } : {}),
    ...(row.disabled_at !== null ? { disabledAt: row.disabled_at } : {}),
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
  }
}

export function toApproval(row: ApprovalRow): ApprovalRecord {
  return {
    level: row.level, principal: row.principal, role: row.role, decision: row.decision as ApprovalRecord['decision'], at: row.at,
    ...(row.reason !== null ? { reason: row.reason } : {}),
  }
}

export function toRequest(row: RequestRow, approvals: readonly ApprovalRecord[]): AccessRequestRecord {
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

export function toOffer(row: OfferRow): CredentialOfferRecord {
  return {
    codeSha256: row.code_sha256, subject: row.subject, credentials: JSON.parse(row.credentials) as string[],
    ...(row.tx_code_sha256 !== null ? { txCodeSha256: row.tx_code_sha256 } : {}),
    failedAttempts: row.failed_attempts, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at,
    ...(row.redeemed_at !== null ? { redeemedAt: row.redeemed_at } : {}),
  }
}

export function toCampaign(row: CampaignRow): ReviewCampaignRecord {
  return { id: row.id, name: row.name, createdBy: row.created_by, createdAt: row.created_at, deadline: row.deadline, status: row.status as ReviewCampaignRecord['status'] }
}

export function toItem(row: ItemRow): ReviewItemRecord {
  return {
    id: row.id, campaign: row.campaign, credentialId: row.credential_id, risk: row.risk as RiskLevel,
    ...(row.decision !== null ? { decision: row.decision as NonNullable<ReviewItemRecord['decision']> } : {}),
    ...(row.reviewer !== null ? { reviewer: row.reviewer } : {}),
    ...(row.decided_at !== null ? { decidedAt: row.decided_at } : {}),
  }
}

export function toWebhook(row: WebhookRow): WebhookRecord {
  return { id: row.id, url: row.url, events: JSON.parse(row.events) as string[], createdBy: row.created_by, createdAt: row.created_at }
}

export function toStatusList(row: StatusListRow): StatusListRecord {
  return { id: row.id, purpose: row.purpose as StatusListRecord['purpose'], size: row.size, createdAt: row.created_at, ...(row.issuer ? { issuer: row.issuer } : {}) }
}

export function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id, at: row.at, kind: row.kind, severity: row.severity as RiskLevel,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    details: JSON.parse(row.details) as Record<string, unknown>,
  }
}

export function toAudit(row: AuditRow): AuditEntry {
  return {
    seq: row.seq, at: row.at, actor: row.actor, action: row.action,
    ...(row.target !== null ? { target: row.target } : {}),
    details: JSON.parse(row.details) as Record<string, unknown>, prevHash: row.prev_hash, hash: row.hash,
  }
}

export function toDelegation(row: DelegationRow): DelegationRecord {
  return {
    id: row.id, parent: row.parent, root: row.root, delegator: row.delegator, delegate: row.delegate,
    entitlements: JSON.parse(row.entitlements) as unknown[], depth: row.depth,
    notBefore: row.not_before, expires: row.expires, jwtSha256: row.jwt_sha256, reportedAt: row.reported_at,
  }
}

export function toRole(row: RoleRow): RoleTemplate {
  return { name: row.name, description: row.description, entitlements: parseEntitlements(JSON.parse(row.entitlements), `roles.${row.name}`), ttlSeconds: row.ttl_seconds }
}

export function toSuppression(row: SuppressionRow): SuppressionRecord {
  return {
    id: row.id, ...(row.agent !== null ? { agent: row.agent } : {}), ...(row.kind !== null ? { kind: row.kind } : {}), ...(row.about !== null ? { about: row.about } : {}),
    reason: row.reason, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at,
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}), ...(row.ended_by !== null ? { endedBy: row.ended_by } : {}),
  }
}
