// Status changes of credentials: revocation, suspension and resumption, task completion.
import { agentIdError, parseDidKey, parseTaskId } from '@agentid/core'
import { asPrincipal, hasRole, type Principal } from '../governance/principal.js'
import type { CredentialRecord } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'

/**
 * Revokes a credential, for good. Verifiers refuse it once they hold a status list published
 * after this (`publishStatusList`), and with it every delegation below it. Revoking it again
 * changes nothing (`changed: false`): a client may retry a revocation whose answer it lost.
 * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
 */
export async function revoke(ctx: Pick<IssuerContext, 'events' | 'store'>, credentialId: string, by: string | Principal, reason?: string): Promise<{ record: CredentialRecord; changed: boolean }> {
  const actor = asPrincipal(by).id
  return ctx.events.changesStatus(ctx.store.revokeCredential(credentialId, (r) => ({
    actor, action: 'credential.revoke', target: r.id,
    details: { subject: r.subject, statusList: r.listId, statusIndex: r.index, ...(reason !== undefined ? { reason } : {}) },
  })))
}

/**
 * Suspends (or, with `suspended: false`, resumes) one credential or all of an agent's: the
 * reversible stop, for incident response. Verifiers refuse them (ERR_VC_SUSPENDED) once they
 * hold a suspension list published after this.
 * `why` goes into the audit entry (monitoring names the reporters and alerts behind it).
 * @throws AgentIdError ERR_NOT_FOUND, ERR_CONFLICT, ERR_STORE
 */
export async function setSuspended(ctx: Pick<IssuerContext, 'events' | 'store'>, target: { credentialId: string } | { agent: string }, suspended: boolean, by: string | Principal, why: Readonly<Record<string, unknown>> = {}): Promise<CredentialRecord[]> {
  const actor = asPrincipal(by).id
  const checked = 'agent' in target ? { agent: parseDidKey(target.agent).did } : target
  return ctx.events.changesStatus(ctx.store.setSuspended(checked, suspended, (changed) => ({
    actor, action: suspended ? 'credential.suspend' : 'credential.resume', target: 'agent' in checked ? checked.agent : checked.credentialId,
    details: { ...why, credentials: changed.map((c) => c.id) },
  })))
}

/**
 * Ends a task: revokes at once every live credential issued for it ("revoked on completion or
 * after the TTL, whichever comes first"), closes the requests pending for it, and issues nothing
 * for it from then on (for the owner's agents, or everywhere when an admin completes it).
 * @throws AgentIdError ERR_NOT_FOUND (nothing was issued or requested for it), ERR_CONFLICT (completed already), ERR_FORBIDDEN, ERR_STORE
 */
export async function completeTask(ctx: Pick<IssuerContext, 'events' | 'store'>, taskId: string, by: string | Principal): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
  const principal = asPrincipal(by)
  const task = parseTaskId(taskId, 'task id')
  // Admins end a task everywhere; an agent owner, for what they own, at any depth, their own
  // agent included (checked inside the same transaction as the revocation).
  let owner: string | undefined
  if (!hasRole(principal, 'admin')) {
    if (!hasRole(principal, 'agent-owner')) throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not complete tasks: admin or agent owner only`)
    owner = principal.did ?? principal.id
  }
  return ctx.events.changesStatus(ctx.store.completeTask(task, principal.id, ({ revoked, requestsClosed }) => ({
    actor: principal.id, action: 'task.complete', target: `task:${task}`, details: { revoked: revoked.map((r) => r.id), requestsClosed, scope: owner ?? 'all' },
  }), owner))
}
