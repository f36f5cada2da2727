import { agentIdError } from '@agentid/core'
import type {
  AccessRequestRecord, AuditInput, DecisionFacts, IssuedRecord, PrincipalChange, PrincipalRecord, RequestDecision, VoidedApproval,
} from '../issuer-store.js'
import type { StoredApproval, Tx } from '../sql/repositories/index.js'
import { issue } from './issuance.js'

// Decisions on requests, and the principals who make them, each inside one write transaction.

/** Decides a request as it is in this transaction; an approval that completes it issues. */
export async function decideRequest(t: Tx, id: string, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<{ request: AccessRequestRecord; issued?: IssuedRecord }> {
  const request = await t.requests.get(id)
  if (!request) throw agentIdError('ERR_NOT_FOUND', `no access request ${id}`)
  const { approval, audit, issuance, rejudged } = await withFacts(t, request, decide)
  if (rejudged) await t.requests.setJudgement(id, rejudged)
  await t.requests.insertApproval(id, approval)
  await t.record(audit)
  let issued: IssuedRecord | undefined
  if (approval.decision === 'deny') {
    await t.requests.close(id, 'denied', approval.at)
  } else if (issuance) {
    issued = await issue(t, issuance)
    await t.requests.close(id, 'issued', approval.at, issued.record.id)
  }
  return { request: (await t.requests.get(id))!, ...(issued ? { issued } : {}) }
}

// Thrown through `decide` when it asks for a fact not read yet (never escapes withFacts).
const MISSING_FACT = Symbol('missing fact')

/**
 * Runs `decide` with facts read inside the transaction. `decide` asks synchronously and the
 * session answers asynchronously: a fact not read yet stops the run, is read, and `decide` runs
 * again with it (it is a pure function of the request and the facts), until it has all it asked.
 */
async function withFacts(t: Tx, request: AccessRequestRecord, decide: (request: AccessRequestRecord, facts: DecisionFacts) => RequestDecision): Promise<RequestDecision> {
  const principals = new Map<string, PrincipalRecord | undefined>()
  const tops = new Map<string, string>()
  for (;;) {
    const missing: { principal?: string; party?: string } = {}
    const facts: DecisionFacts = {
      sameParty: (a, b) => {
        for (const id of [a, b]) {
          if (!tops.has(id)) {
            missing.party = id
            throw MISSING_FACT
          }
        }
        return tops.get(a) === tops.get(b)
      },
      principal: (id) => {
        if (!principals.has(id)) {
          missing.principal = id
          throw MISSING_FACT
        }
        return principals.get(id)
      },
    }
    try {
      return decide(request, facts)
    } catch (error) {
      if (error !== MISSING_FACT) throw error
      if (missing.party !== undefined) tops.set(missing.party, await t.parties.top(missing.party))
      if (missing.principal !== undefined) principals.set(missing.principal, await t.principals.get(missing.principal))
    }
  }
}

/** Ends every pending request whose time is up at `nowMs`, each audited. */
export async function expireRequests(t: Tx, nowMs: number, audit: (request: AccessRequestRecord) => AuditInput): Promise<AccessRequestRecord[]> {
  const expired: AccessRequestRecord[] = []
  for (const id of await t.requests.pendingExpiredBy(nowMs)) {
    await t.requests.close(id, 'expired', nowMs)
    const request = (await t.requests.get(id))!
    await t.record(audit(request))
    expired.push(request)
  }
  return expired
}

/**
 * The approvals of pending requests given by `principals` (those `voids` picks) stop counting,
 * with every later level of the same request (given on the strength of them).
 */
export async function voidApprovals(t: Tx, principals: readonly string[], voids: (approval: StoredApproval) => Promise<boolean>): Promise<VoidedApproval[]> {
  if (principals.length === 0) return []
  const given: StoredApproval[] = []
  for (const a of await t.requests.approvalsOfPendingBy(principals)) {
    if (await voids(a)) given.push(a)
  }
  const from = new Map<string, number>()
  for (const a of given) if (!from.has(a.request)) from.set(a.request, a.level)
  const voided: VoidedApproval[] = []
  for (const [request, level] of from) {
    voided.push(...(await t.requests.removeApprovalsFrom(request, level)).map((a) => ({ request, level: a.level, principal: a.principal, role: a.role })))
  }
  return voided
}

export async function createPrincipal(t: Tx, principal: PrincipalRecord, audit: AuditInput): Promise<void> {
  if (await t.principals.get(principal.id)) throw agentIdError('ERR_CONFLICT', `principal ${principal.id} exists already`)
  await refuseSecondPrincipal(t, principal)
  await t.principals.insert(principal)
  await t.record(audit)
}

// One person, one principal: the approval rules (never your own request, once per request,
// never your own agent) count people, not tokens.
async function refuseSecondPrincipal(t: Tx, principal: PrincipalRecord): Promise<void> {
  const person = principal.did ?? principal.id
  const other = await t.principals.otherSpeakingFor(person, principal.id)
  if (other) throw agentIdError('ERR_CONFLICT', `another principal (${other}) already speaks for ${person}; give that one more roles instead`)
}

/**
 * Changes a principal as `change` decides on it as it is now. Re-enabling it must not make a
 * second principal for one person; the last enabled admin without an expiry stays; approvals
 * stop counting once their principal is disabled or no longer holds their role.
 */
export async function updatePrincipal(t: Tx, id: string, change: (current: PrincipalRecord) => PrincipalChange, audit: (updated: PrincipalRecord, voided: readonly VoidedApproval[]) => AuditInput): Promise<{ principal: PrincipalRecord; voided: VoidedApproval[] }> {
  const current = await t.principals.get(id)
  if (!current) throw agentIdError('ERR_NOT_FOUND', `no principal ${id}`)
  const updated = applyChange(current, change(current))
  if (updated.disabledAt === undefined && current.disabledAt !== undefined) await refuseSecondPrincipal(t, updated)
  // Nobody locks the issuer out of itself through the API: the last enabled admin stays.
  // An admin whose token expires does not keep the issuer reachable either.
  const stillAdmin = updated.disabledAt === undefined && updated.roles.includes('admin') && updated.expiresAt === undefined
  if (!stillAdmin && current.roles.includes('admin') && current.disabledAt === undefined && !(await t.principals.anotherLastingAdmin(id))) {
    throw agentIdError('ERR_CONFLICT', `${id} is the last enabled admin without an expiry: create or enable another admin first`)
  }
  await t.principals.update(updated)
  const voided = await voidApprovals(t, [id], async (a) => updated.disabledAt !== undefined || !updated.roles.includes(a.role))
  await t.record(audit(updated, voided))
  return { principal: updated, voided }
}

// A change applied: a field it leaves out is kept, null clears disabling or expiry.
function applyChange(current: PrincipalRecord, c: PrincipalChange): PrincipalRecord {
  const { disabledAt, expiresAt, ...rest } = current
  const disabled = c.disabledAt !== undefined ? c.disabledAt : disabledAt
  const expires = c.expiresAt !== undefined ? c.expiresAt : expiresAt
  return {
    ...rest,
    ...(c.roles !== undefined ? { roles: [...c.roles] } : {}),
    ...(c.tokenSha256 !== undefined ? { tokenSha256: c.tokenSha256 } : {}),
    ...(disabled !== null && disabled !== undefined ? { disabledAt: disabled } : {}),
    ...(expires !== null && expires !== undefined ? { expiresAt: expires } : {}),
  }
}
