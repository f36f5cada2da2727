import { entitlementToJson } from '@agentid/core'
import type { PolicyInForce } from './issuer.js'
import { policyToJson } from './governance/policy.js'
import type {
  AccessRequestRecord,
  AgentRecord,
  AlertRecord,
  AuditEntry,
  CredentialRecord,
  DelegationRecord,
  PrincipalRecord,
  RetirementStep,
  ReviewCampaignRecord,
  ReviewItemRecord,
  RoleTemplate,
  WebhookRecord,
} from './store/issuer-store.js'

// The JSON shapes the service answers with and the CLI prints with --json, the same whether the
// CLI works on the local database or through the service. Times are ISO 8601 UTC.

const iso = (ms: number): string => new Date(ms).toISOString()
const isoSeconds = (s: number): string => iso(s * 1000)

export function agentView(a: AgentRecord): Record<string, unknown> {
  return { did: a.did, name: a.name, kind: a.kind, owner: a.owner, ...(a.segment ? { segment: a.segment } : {}), ...(a.role ? { role: a.role } : {}), status: a.status, ...(a.suspendedAt !== undefined ? { suspendedAt: iso(a.suspendedAt) } : {}), createdAt: iso(a.createdAt) }
}

export function credentialView(c: CredentialRecord): Record<string, unknown> {
  return {
    id: c.id,
    subject: c.subject,
    status: c.status,
    ...(c.expiredAt !== undefined ? { expiredAt: iso(c.expiredAt) } : {}),
    entitlements: c.entitlements.map(entitlementToJson),
    ...(c.risk ? { risk: c.risk } : {}),
    ...(c.task ? { task: c.task } : {}),
    ...(c.jit ? { jit: true } : {}),
    ...(c.requestId ? { request: c.requestId } : {}),
    ...(c.approvals ? { approvals: c.approvals } : {}),
    notBefore: isoSeconds(c.notBefore),
    expires: isoSeconds(c.expires),
    ...(c.renewUntil !== undefined ? { renewableUntil: isoSeconds(c.renewUntil) } : {}),
    ...(c.renews !== undefined ? { renews: c.renews } : {}),
    issuedAt: iso(c.issuedAt),
    ...(c.reviewedAt !== undefined ? { reviewedAt: iso(c.reviewedAt) } : {}),
    statusList: c.listId,
    statusIndex: c.index,
  }
}

export function requestView(r: AccessRequestRecord): Record<string, unknown> {
  return {
    id: r.id,
    subject: r.subject,
    requester: r.requester,
    status: r.status,
    risk: r.risk,
    chain: r.chain,
    next: r.status === 'pending' ? r.chain[r.approvals.length] : undefined,
    entitlements: r.entitlements.map(entitlementToJson),
    ttlSeconds: r.ttlSeconds,
    ...(r.renewableSeconds !== undefined ? { renewableForSeconds: r.renewableSeconds } : {}),
    ...(r.task ? { task: r.task } : {}),
    jit: r.jit,
    ...(r.justification ? { justification: r.justification } : {}),
    policyVersion: r.policyVersion,
    createdAt: iso(r.createdAt),
    expiresAt: iso(r.expiresAt),
    ...(r.decidedAt !== undefined ? { decidedAt: iso(r.decidedAt) } : {}),
    ...(r.credentialId ? { credential: r.credentialId } : {}),
    approvals: r.approvals.map((a) => ({ level: a.level + 1, role: a.role, principal: a.principal, decision: a.decision, at: iso(a.at), ...(a.reason ? { reason: a.reason } : {}) })),
  }
}

/** A principal without its token hash: that never leaves the store. */
export function principalView(p: PrincipalRecord): Record<string, unknown> {
  return {
    id: p.id, roles: p.roles, ...(p.did ? { did: p.did } : {}), createdAt: iso(p.createdAt),
    ...(p.disabledAt !== undefined ? { disabledAt: iso(p.disabledAt) } : {}), ...(p.expiresAt !== undefined ? { expiresAt: iso(p.expiresAt) } : {}),
  }
}

export function roleView(r: RoleTemplate): Record<string, unknown> {
  return { name: r.name, description: r.description, entitlements: r.entitlements.map(entitlementToJson), ttlSeconds: r.ttlSeconds }
}

export function policyView(p: PolicyInForce): Record<string, unknown> {
  return { version: p.version, policy: policyToJson(p.policy) }
}

export function retirementView(steps: readonly RetirementStep[]): Record<string, unknown> {
  return {
    retired: steps.map((s) => ({
      agent: s.agent, outcome: s.outcome, revoked: s.revoked.map((c) => c.id), ...(s.cascadeFrom ? { cascadeFrom: s.cascadeFrom } : {}),
      ...(s.principalsDisabled.length > 0 ? { principalsDisabled: s.principalsDisabled } : {}), ...(s.requestsClosed.length > 0 ? { requestsClosed: s.requestsClosed } : {}),
      ...(s.approvalsVoided.length > 0 ? { approvalsVoided: s.approvalsVoided.map((v) => ({ ...v, level: v.level + 1 })) } : {}),
    })),
  }
}

export function campaignView(c: ReviewCampaignRecord, items: readonly ReviewItemRecord[]): Record<string, unknown> {
  return { id: c.id, name: c.name, status: c.status, createdBy: c.createdBy, createdAt: iso(c.createdAt), deadline: iso(c.deadline), items: items.map(reviewItemView) }
}

export function reviewItemView(i: ReviewItemRecord): Record<string, unknown> {
  return { id: i.id, campaign: i.campaign, credential: i.credentialId, risk: i.risk, ...(i.decision ? { decision: i.decision } : {}), ...(i.reviewer ? { reviewer: i.reviewer } : {}), ...(i.decidedAt !== undefined ? { decidedAt: iso(i.decidedAt) } : {}) }
}

export function alertView(a: AlertRecord): Record<string, unknown> {
  return { id: a.id, at: iso(a.at), kind: a.kind, severity: a.severity, ...(a.subject ? { subject: a.subject } : {}), details: a.details }
}

export function auditView(e: AuditEntry): Record<string, unknown> {
  return { seq: e.seq, at: iso(e.at), actor: e.actor, action: e.action, ...(e.target ? { target: e.target } : {}), details: e.details, prevHash: e.prevHash, hash: e.hash }
}

export function delegationView(d: DelegationRecord): Record<string, unknown> {
  return { id: d.id, parent: d.parent, delegator: d.delegator, delegate: d.delegate, depth: d.depth, entitlements: d.entitlements, notBefore: isoSeconds(d.notBefore), expires: isoSeconds(d.expires), reportedAt: iso(d.reportedAt) }
}

/** A webhook without its secret: that is shown once, when it is created. */
export function webhookView(w: WebhookRecord): Record<string, unknown> {
  return { id: w.id, url: w.url, events: w.events, createdBy: w.createdBy, createdAt: iso(w.createdAt) }
}
