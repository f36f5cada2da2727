import { createHash } from 'node:crypto'
import { agentIdError, parseEntitlements } from '@agentid/core'
import type { AccessRequestRecord, AgentRecord, AuditInput, CredentialRecord, Holding, Issuance, IssuedRecord, PartyStart, PendingRequest, StatusAllocation } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'
import { nextListIds, pickStatusSlot } from '../status-slots.js'

// The rules of enrolment, issuance and requests, each run inside one write transaction.

/** Enrols the agent, with its first credential or its first request when given. */
export async function enrol(t: Tx, agent: AgentRecord, audit: AuditInput, initial?: Issuance | PendingRequest): Promise<IssuedRecord | undefined> {
  if (await t.agents.get(agent.did)) throw agentIdError('ERR_CONFLICT', `agent ${agent.did} is already enrolled`)
  await checkPersonRoles(t, agent)
  await t.agents.insert(agent)
  await t.record(audit)
  if (initial === undefined) return undefined
  if ('request' in initial) {
    await openRequest(t, initial.request, initial.audit)
    return undefined
  }
  return issue(t, initial)
}

/**
 * Who acts for a person, kept consistent in the enrolling transaction (so that a retirement or
 * another enrolment running at the same time cannot slip between check and insert): an employee
 * agent's owner, when enrolled, is an active person; and a DID that employee agents name as their
 * owner can only be enrolled as a person. Any kind: nobody who has left owns an agent (as a DID,
 * or through a principal's id).
 */
export async function checkPersonRoles(t: Tx, agent: AgentRecord): Promise<void> {
  const owner = await t.agents.get(await t.parties.canonical(agent.owner))
  if (owner && owner.status !== 'active') throw agentIdError('ERR_CONFLICT', `${owner.name} (${agent.owner}) is retired and cannot own agents`)
  if (agent.kind === 'employee') {
    if (owner && owner.kind !== 'person') throw agentIdError('ERR_INPUT_INVALID', `an employee agent's owner must be a person; ${agent.owner} is enrolled as a ${owner.kind} agent`)
  } else if (agent.kind !== 'person' && await t.agents.ownsEmployees(agent.did)) {
    throw agentIdError('ERR_INPUT_INVALID', `${agent.did} owns employee agents: enrol it as a person`)
  }
}

/** The agent, enrolled, active and not suspended now (not when the caller looked). */
export async function assertActiveAgent(t: Tx, did: string): Promise<void> {
  const agent = await t.agents.get(did)
  if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${did} is not enrolled`)
  if (agent.status !== 'active') throw agentIdError('ERR_CONFLICT', `agent ${did} is ${agent.status}`)
  if (agent.suspendedAt !== undefined) throw agentIdError('ERR_CONFLICT', `agent ${did} is suspended; resume it first`)
}

/**
 * Issues: the agent must be active now, a renewal must still be allowed, the duty guard must pass;
 * then the status slot, the signature, the row and its audit entry.
 */
export async function issue(t: Tx, { draft, sign, audit, guard }: Issuance): Promise<IssuedRecord> {
  await assertActiveAgent(t, draft.subject)
  if (draft.task) await refuseCompletedTask(t, draft.task.id, draft.subject)
  let grant = draft.id
  if (draft.renews !== undefined) {
    const renewed = await t.credentials.renewalOf(draft.renews)
    if (renewed) throw agentIdError('ERR_CONFLICT', `credential ${draft.renews} was renewed already, by ${renewed.id}`)
    // The grant as it is now, in this transaction: a revocation or suspension that committed
    // since the caller looked stops the renewal.
    const from = await t.credentials.grantOf(draft.renews)
    const stopped = from && await t.credentials.stoppedInGrant(from.grant)
    if (stopped) throw agentIdError(stopped.status === 'revoked' ? 'ERR_VC_REVOKED' : 'ERR_VC_SUSPENDED', `credential ${stopped.id} of this grant is ${stopped.status}`)
    if ((from?.renewUntil ?? 0) <= Math.floor(t.now() / 1000)) throw agentIdError('ERR_NOT_RENEWABLE', `the approved window of credential ${draft.renews} has ended`)
    // A renewal joins the grant of what it renews; anything else starts one.
    grant = from!.grant
  }
  if (guard) guard(await dutyGroupHoldings(t, draft.subject))
  const allocation = await allocateStatusIndex(t)
  const jwt = await sign(allocation)
  const record: CredentialRecord = {
    ...draft, ...allocation, status: 'active',
    jwtSha256: createHash('sha256').update(jwt).digest('hex'), issuedAt: t.now(),
  }
  await t.credentials.insert(record, jwt, grant)
  await t.record(audit(record))
  return { record, jwt }
}

/**
 * A completed task issues and opens nothing more, for whatever the owner who completed it owns (at
 * any depth, the owner's own agent included), or for every agent when an admin did.
 */
export async function refuseCompletedTask(t: Tx, taskId: string, subject: string): Promise<void> {
  const at = await t.tasks.completedAt(taskId, ['*', ...await t.parties.ownerChain(subject)])
  if (at !== undefined) throw agentIdError('ERR_CONFLICT', `task ${taskId} was completed at ${new Date(at).toISOString()}: nothing more is issued for it`)
}

/**
 * What a duty group holds: live credentials of every member of the party (suspended ones may come
 * back), and live reported delegations to any of them whose root credential is live.
 */
export async function dutyGroupHoldings(t: Tx, start: PartyStart): Promise<Holding[]> {
  return holdingsOf(t, await t.parties.members(start))
}

export async function holdingsOf(t: Tx, identities: readonly string[]): Promise<Holding[]> {
  const now = Math.floor(t.now() / 1000)
  const credentials = await t.credentials.heldBy(identities, now)
  const delegations = await t.delegations.liveTo(identities, now)
  return [
    ...credentials.map((c): Holding => ({ id: c.id, subject: c.subject, entitlements: c.entitlements, via: 'credential' })),
    ...delegations.map((d): Holding => ({ id: d.id, subject: d.delegate, entitlements: parseEntitlements(d.entitlements, 'delegations.entitlements', { allowUnknownConstraints: true }), via: 'delegation' })),
  ]
}

/**
 * A free slot by the rule of every backend (pickStatusSlot). The unique keys on (list, index)
 * stand behind it: a backend whose writers race retries on them. When the newest list is full,
 * the next pair of lists begins, for the same issuer key and of the same size, in this write
 * (audited as `status.list.add`): an issuer never stops issuing for want of status slots, and no
 * index is ever used twice.
 */
export async function allocateStatusIndex(t: Tx): Promise<StatusAllocation> {
  const list = await t.statusLists.newest('revocation')
  if (!list) throw agentIdError('ERR_STORE', 'no status list to allocate from; was the issuer initialised?')
  const suspension = await t.statusLists.newest('suspension', list.size)
  const slot = await pickSlot(t, list, suspension?.id)
  if (slot) return slot
  const ids = nextListIds(await t.statusLists.ids())
  // Newest by creation time, as the lists in use are found: later than every list, whatever the clock says.
  const createdAt = Math.max(t.now(), await t.statusLists.latestCreation() + 1)
  for (const [id, purpose] of [[ids.revocation, 'revocation'], [ids.suspension, 'suspension']] as const) {
    await t.statusLists.insert({ id, purpose, size: list.size, createdAt, ...(list.issuer ? { issuer: list.issuer } : {}) })
  }
  await t.record({ actor: 'system', action: 'status.list.add', target: ids.revocation, details: { lists: [ids.revocation, ids.suspension], after: list.id, size: list.size } })
  const fresh = await pickSlot(t, { id: ids.revocation, size: list.size }, ids.suspension)
  if (!fresh) throw agentIdError('ERR_STORE', `no free status slot in the new list ${ids.revocation}`)
  return fresh
}

function pickSlot(t: Tx, list: { id: string; size: number }, suspension: string | undefined): Promise<StatusAllocation | undefined> {
  return pickStatusSlot(
    { revocation: list, ...(suspension !== undefined ? { suspensionListId: suspension } : {}) },
    (index) => t.credentials.slotTaken({ revocation: list.id, ...(suspension !== undefined ? { suspension } : {}) }, index),
    (max) => t.randomIndex(max),
  )
}

/** Opens a request: the agent must be active and not suspended, and the same request not pending. */
export async function openRequest(t: Tx, request: AccessRequestRecord, audit: AuditInput): Promise<void> {
  await assertActiveAgent(t, request.subject)
  if (request.task) await refuseCompletedTask(t, request.task.id, request.subject)
  const same = await t.requests.samePending(request)
  if (same) throw agentIdError('ERR_CONFLICT', `the same request for ${request.subject} is pending already: ${same}`)
  await t.requests.insert(request)
  await t.record(audit)
}
