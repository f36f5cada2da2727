import { agentIdError } from '@agentid/core'
import type { AgentRecord, AuditInput, CredentialRecord, Holding, RetirementStep, VoidedApproval } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'
import { checkPersonRoles, holdingsOf } from './issuance.js'
import { voidApprovals } from './approvals.js'
import { revokeAll } from './revocation.js'

// Retirement and transfer of agents, each inside one write transaction.

/**
 * Retires a DID: the agent (if enrolled and active) and everything it owns at any depth (retired,
 * or suspended to wait for a new owner when `ownedAgents` is 'suspend'), with their credentials
 * revoked; the principals that speak for any of them disabled, the approvals those gave voided,
 * and the requests pending for or by any of them closed. One audit entry per agent.
 */
export async function retire(t: Tx, did: string, audit: (step: RetirementStep) => AuditInput, options: { readonly ownedAgents?: 'retire' | 'suspend' }): Promise<RetirementStep[]> {
  const self = await t.agents.get(did)
  // Everything the DID owns, at any depth, as a DID or under the id of a principal that speaks
  // for it (disabled ones too); and every principal bound to any of them.
  const closure = await t.parties.ownedBy(did)
  const owned = await t.agents.activeAmong(closure, did)
  const principals = await t.principals.enabledAmong(closure)
  if (!self && !(await t.agents.anyAmong(closure, did))) throw agentIdError('ERR_NOT_FOUND', `${did} is neither an enrolled agent nor an owner of one`)
  const targets = [...(self?.status === 'active' ? [{ did, cascadeFrom: undefined }] : []), ...owned.map((e) => ({ did: e, cascadeFrom: did }))]
  if (targets.length === 0 && principals.length === 0) throw agentIdError('ERR_CONFLICT', self ? `agent ${did} is already retired` : `${did} has no active agents`)
  const now = t.now()
  // The person's sign-in goes with them, and the approvals they gave that have not issued yet.
  await t.principals.disable(principals, now)
  const voided = await voidApprovals(t, principals, async () => true)
  // Requests pending for any of them or filed by any of them end with them.
  const pending = await t.requests.pendingConcerning([...targets.map((x) => x.did), ...principals])
  for (const id of pending) await t.requests.close(id, 'expired', now)
  const byPrincipals: string[] = []
  for (const p of principals) byPrincipals.push(...await t.requests.amongConcerning(pending, p))
  const steps: RetirementStep[] = []
  for (const [i, target] of targets.entries()) {
    const first = i === 0
    // An owned agent may wait for a new owner, suspended, when the policy says so.
    const outcome = target.cascadeFrom !== undefined && options.ownedAgents === 'suspend' ? 'suspended' : 'retired'
    let revoked: CredentialRecord[] = []
    if (outcome === 'retired') {
      await t.agents.markRetired(target.did)
      revoked = await revokeAll(t, await t.credentials.ofSubject(target.did, 'live'))
    } else {
      await t.agents.suspendSince(target.did, now)
      await t.credentials.suspendActiveWithAgent(target.did)
    }
    const step: RetirementStep = {
      agent: target.did, outcome, revoked,
      principalsDisabled: first ? principals : [], approvalsVoided: first ? voided : [],
      requestsClosed: [...new Set([...await t.requests.amongConcerning(pending, target.did), ...(first ? byPrincipals : [])])],
      ...(target.cascadeFrom !== undefined ? { cascadeFrom: target.cascadeFrom } : {}),
    }
    await t.record(audit(step))
    steps.push(step)
  }
  // A person who is not enrolled as an agent and owns nothing live: their sign-in still goes.
  if (targets.length === 0) {
    const step: RetirementStep = { agent: did, outcome: 'retired', revoked: [], principalsDisabled: principals, approvalsVoided: voided, requestsClosed: byPrincipals }
    await t.record(audit(step))
    steps.push(step)
  }
  return steps
}

/**
 * Gives an agent (and what it owns) a new owner: never a cycle of owners, never an owner who has
 * left, never both sides of a duty in the party it joins (`guard`); approvals its new party gave
 * on its pending requests stop counting.
 */
export async function transfer(t: Tx, did: string, owner: string, audit: (previous: AgentRecord, voided: readonly VoidedApproval[]) => AuditInput, guard?: (moving: readonly Holding[], joining: readonly Holding[]) => void): Promise<{ agent: AgentRecord; voided: VoidedApproval[] }> {
  const previous = await t.agents.get(did)
  if (!previous) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
  if (previous.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${did} is retired`)
  if (previous.owner === owner) throw agentIdError('ERR_CONFLICT', `agent ${did} is owned by ${owner} already`)
  const next: AgentRecord = { ...previous, owner }
  await checkPersonRoles(t, next)
  // Not owned by this agent (no cycle of owners); checkPersonRoles saw that the owner is active.
  const moving = await t.parties.ownedBy(did)
  if (moving.includes(await t.parties.canonical(owner))) throw agentIdError('ERR_INPUT_INVALID', `${owner} is owned by ${did}: owners cannot form a cycle`)
  // What moves (the agent and what it owns) must not give the party it joins both sides of a duty.
  if (guard) {
    // A team owner makes the agent the top of its own party: it joins nothing.
    const team = !owner.startsWith('did:') && !(await t.principals.get(owner))
    const joining = team ? [] : await holdingsOf(t, (await t.parties.members(owner)).filter((m) => !moving.includes(m)))
    guard(await holdingsOf(t, moving), joining)
  }
  await t.agents.setOwner(did, owner)
  // Approvals of its pending requests given by its new party no longer count.
  const newParty = new Set(await t.parties.members(did))
  const approvers: string[] = []
  for (const principal of await t.requests.decidersOfPendingFor(moving)) {
    if (newParty.has(await t.parties.canonical(principal)) || newParty.has(principal)) approvers.push(principal)
  }
  const movingSet = new Set(moving)
  const voided = await voidApprovals(t, approvers, async (a) => movingSet.has((await t.requests.get(a.request))!.subject))
  await t.record(audit(previous, voided))
  return { agent: next, voided }
}
