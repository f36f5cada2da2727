// Reads, with who may see what. A principal with a reader role (admin, auditor, reviewer, an
// approver role) sees the inventory; one with only narrow roles (agent owner, agent) its own agents
// and what hangs off them, and the rest does not exist for it: ERR_NOT_FOUND, as for a record
// that is not there, with the probe on record. The routes' role lists say who may call a read at
// all; these rules say what it answers.
import { agentIdError, parseDidKey, type AgentIdError } from '@agentid/core'
import { assertMayActOn, canSee, readsInventory, type Principal } from '../governance/principal.js'
import type { AccessRequestRecord, AgentFilter, AgentPosition, AgentRecord, CredentialRecord, ReviewCampaignRecord, ReviewItemRecord, ReviewProgress } from '../store/issuer-store.js'
import { recordRefusal } from './audit.js'
import type { IssuerContext } from './context.js'

/**
 * The agent `did`, when the principal may see it.
 * @throws AgentIdError ERR_DID_* (not a did:key), ERR_NOT_FOUND (not enrolled, or not theirs: the probe is audited)
 */
export async function visibleAgent(ctx: Pick<IssuerContext, 'store'>, did: string, principal: Principal): Promise<AgentRecord> {
  const agent = await ctx.store.getAgent(parseDidKey(did).did)
  // What a principal may not see does not exist for them: no probing for other owners' records.
  // The probe itself is on record.
  const refusal = agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
  if (agent && !canSee(principal, agent)) await recordRefusal(ctx, principal, 'agent.read', agent.did, refusal)
  if (!agent || !canSee(principal, agent)) throw refusal
  return agent
}

/**
 * The agent `did` when it is enrolled and the principal may see it, else nothing: for an agent a
 * record names (a request's subject), not one the principal asked for, so there is no probe to audit.
 */
export async function findVisibleAgent(ctx: Pick<IssuerContext, 'store'>, did: string, principal: Principal): Promise<AgentRecord | undefined> {
  const agent = await ctx.store.getAgent(did)
  return agent && canSee(principal, agent) ? agent : undefined
}

/** Every agent the principal may see. */
export async function listAgents(ctx: Pick<IssuerContext, 'store'>, principal: Principal): Promise<AgentRecord[]> {
  return (await ctx.store.listAgents()).filter((a) => canSee(principal, a))
}

/** One page of the agents the principal may see that match `filter`, with their total. */
export function pageAgents(ctx: Pick<IssuerContext, 'store'>, filter: Omit<AgentFilter, 'visibleTo'>, limit: number, offset: number, principal: Principal): Promise<{ agents: AgentRecord[]; total: number }> {
  return ctx.store.pageAgents(visibleFilter(filter, principal), limit, offset)
}

/** The agents the principal may see that match `filter` after `after`, a page at a time (keyset). */
export function pageAgentsAfter(ctx: Pick<IssuerContext, 'store'>, filter: Omit<AgentFilter, 'visibleTo'>, limit: number, after: AgentPosition | undefined, principal: Principal): Promise<{ agents: AgentRecord[]; next?: AgentPosition }> {
  return ctx.store.pageAgentsAfter(visibleFilter(filter, principal), limit, after)
}

function visibleFilter(filter: Omit<AgentFilter, 'visibleTo'>, principal: Principal): AgentFilter {
  return { ...filter, ...(readsInventory(principal) ? {} : { visibleTo: [principal.id, ...(principal.did ? [principal.did] : [])] }) }
}

/**
 * Credentials by subject or task. A principal that does not read the inventory lists them per
 * agent, one it may see.
 * @throws AgentIdError ERR_FORBIDDEN (an owner without `subject`), ERR_NOT_FOUND (an agent it may not see)
 */
export async function listCredentials(ctx: Pick<IssuerContext, 'store'>, filter: { subject?: string; taskId?: string }, principal: Principal): Promise<CredentialRecord[]> {
  if (!readsInventory(principal) && filter.subject === undefined) throw agentIdError('ERR_FORBIDDEN', 'an agent owner lists credentials per agent: give ?subject=')
  if (filter.subject !== undefined) await visibleAgent(ctx, filter.subject, principal)
  return ctx.store.listCredentials({ ...(filter.subject !== undefined ? { subject: parseDidKey(filter.subject).did } : {}), ...(filter.taskId !== undefined ? { taskId: filter.taskId } : {}) })
}

/**
 * A credential record, when the principal may see its agent.
 * @throws AgentIdError ERR_NOT_FOUND
 */
export async function visibleCredential(ctx: Pick<IssuerContext, 'store'>, id: string, principal: Principal): Promise<CredentialRecord> {
  const record = await ctx.store.getCredential(id)
  if (!record) throw agentIdError('ERR_NOT_FOUND', `no credential ${id}`)
  await visibleAgent(ctx, record.subject, principal)
  return record
}

/**
 * A credential as issued (its JWT), to hand to its agent: for an admin, or the agent's owner
 * (seeing an agent is not enough: a reader who also owns agents gets only its own's). A refusal is
 * on record.
 * @throws AgentIdError ERR_NOT_FOUND (also for a credential issued before agentid kept them), ERR_FORBIDDEN
 */
export async function visibleCredentialJwt(ctx: Pick<IssuerContext, 'store'>, id: string, principal: Principal): Promise<{ id: string; jwt: string }> {
  const record = await visibleCredential(ctx, id, principal)
  const agent = (await ctx.store.getAgent(record.subject))!
  try {
    assertMayActOn(principal, agent, 'read credentials as issued')
  } catch (error) {
    await recordRefusal(ctx, principal, 'credential.jwt', record.id, error as AgentIdError)
    throw error
  }
  const jwt = await ctx.store.getCredentialJwt(record.id)
  if (jwt === undefined) throw agentIdError('ERR_NOT_FOUND', `credential ${record.id} was issued before agentid kept credentials; its agent renews it over OpenID4VCI, or grant it again`)
  return { id: record.id, jwt }
}

/** Access requests by status and subject; a principal that does not read the inventory gets those of the agents it may see. */
export async function listRequests(ctx: Pick<IssuerContext, 'store'>, filter: { status?: AccessRequestRecord['status']; subject?: string }, principal: Principal): Promise<AccessRequestRecord[]> {
  const all = await ctx.store.listRequests({ ...(filter.status ? { status: filter.status } : {}), ...(filter.subject ? { subject: parseDidKey(filter.subject).did } : {}) })
  if (readsInventory(principal)) return all
  const visible: AccessRequestRecord[] = []
  for (const r of all) if (canSee(principal, (await ctx.store.getAgent(r.subject))!)) visible.push(r)
  return visible
}

/**
 * One page of access requests, newest first (`decided`: any status but pending), and their
 * total. A principal that does not read the inventory pages them per agent, one it may see.
 * @throws AgentIdError ERR_FORBIDDEN (an owner without `subject`), ERR_NOT_FOUND (an agent it may not see)
 */
export async function pageRequests(ctx: Pick<IssuerContext, 'store'>, filter: { status?: AccessRequestRecord['status'] | 'decided'; subject?: string }, limit: number, offset: number, principal: Principal): Promise<{ requests: AccessRequestRecord[]; total: number }> {
  if (!readsInventory(principal) && filter.subject === undefined) throw agentIdError('ERR_FORBIDDEN', 'an agent owner pages requests per agent: give ?subject=')
  if (filter.subject !== undefined) await visibleAgent(ctx, filter.subject, principal)
  return ctx.store.pageRequests({ ...(filter.status ? { status: filter.status } : {}), ...(filter.subject ? { subject: parseDidKey(filter.subject).did } : {}) }, limit, offset)
}

/**
 * An access request, when the principal may see its agent.
 * @throws AgentIdError ERR_NOT_FOUND
 */
export async function visibleRequest(ctx: Pick<IssuerContext, 'store'>, id: string, principal: Principal): Promise<AccessRequestRecord> {
  const request = await ctx.store.getRequest(id)
  if (!request) throw agentIdError('ERR_NOT_FOUND', `no access request ${id}`)
  await visibleAgent(ctx, request.subject, principal)
  return request
}

/**
 * One page of the requests waiting for this principal's decision, oldest first, and their total:
 * pending and unexpired on the issuer's clock, at a level whose role it holds, neither asked by
 * it nor already decided by it (paged in the store).
 */
export function approvalQueue(ctx: Pick<IssuerContext, 'now' | 'store'>, principal: Principal, limit: number, offset: number): Promise<{ requests: AccessRequestRecord[]; total: number }> {
  return ctx.store.pageQueue({ roles: principal.roles, principal: principal.id, now: ctx.now() }, limit, offset)
}

/**
 * A review campaign and its items.
 * @throws AgentIdError ERR_NOT_FOUND
 */
export async function reviewCampaign(ctx: Pick<IssuerContext, 'store'>, id: string): Promise<{ campaign: ReviewCampaignRecord; items: ReviewItemRecord[] }> {
  const campaign = await ctx.store.getReview(id)
  if (!campaign) throw agentIdError('ERR_NOT_FOUND', `no review campaign ${id}`)
  return { campaign, items: await ctx.store.listReviewItems(campaign.id) }
}

/**
 * One page of a review campaign's items in reviewers' order (undecided first, then by risk), with
 * the total and the campaign's progress: the cost of a page does not grow with the campaign.
 * @throws AgentIdError ERR_NOT_FOUND
 */
export async function reviewItemsPage(ctx: Pick<IssuerContext, 'store'>, id: string, filter: { readonly status?: 'open' | 'decided' }, limit: number, offset: number): Promise<{ campaign: ReviewCampaignRecord; items: ReviewItemRecord[]; total: number; progress: ReviewProgress }> {
  const campaign = await ctx.store.getReview(id)
  if (!campaign) throw agentIdError('ERR_NOT_FOUND', `no review campaign ${id}`)
  const { items, total } = await ctx.store.pageReviewItems(id, filter, limit, offset)
  return { campaign, items, total, progress: await ctx.store.reviewProgress(id) }
}

/** What a review item is about: its credential and that credential's agent (either may be gone). */
export async function reviewedAccess(ctx: Pick<IssuerContext, 'store'>, item: ReviewItemRecord): Promise<{ credential?: CredentialRecord; agent?: AgentRecord }> {
  const credential = await ctx.store.getCredential(item.credentialId)
  const agent = credential ? await ctx.store.getAgent(credential.subject) : undefined
  return { ...(credential ? { credential } : {}), ...(agent ? { agent } : {}) }
}
