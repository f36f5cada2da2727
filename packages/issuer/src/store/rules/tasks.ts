import { agentIdError } from '@agentid/core'
import type { AuditInput, CredentialRecord } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'
import { revokeAll } from './revocation.js'

/**
 * Completes a task once: its live credentials revoked, its pending requests closed, and nothing
 * issued or opened for it afterwards. With an owner, only what concerns what it owns (at any
 * depth, its own agent included): a task id is chosen by requesters and another owner's agent may
 * use the same one. Without one (an admin), for every agent.
 */
export async function completeTask(t: Tx, taskId: string, by: string, audit: (ended: { revoked: readonly CredentialRecord[]; requestsClosed: readonly string[] }) => AuditInput, owner?: string): Promise<{ revoked: CredentialRecord[]; requestsClosed: string[] }> {
  const scope = owner === undefined ? undefined : await t.parties.ownedBy(owner)
  const done = owner === undefined ? ['*'] : [await t.parties.canonical(owner)]
  if (await t.tasks.completedAt(taskId, ['*', ...done]) !== undefined) throw agentIdError('ERR_CONFLICT', `task ${taskId} is completed already`)
  if (!(await t.credentials.anyForTask(taskId, scope)) && !(await t.requests.anyForTask(taskId, scope))) {
    throw agentIdError('ERR_NOT_FOUND', `nothing was issued or requested for task ${taskId}`)
  }
  const revoked = await revokeAll(t, await t.credentials.liveForTask(taskId, scope))
  const now = t.now()
  const pending = await t.requests.pendingForTask(taskId, scope)
  for (const id of pending) await t.requests.close(id, 'expired', now)
  for (const who of done) await t.tasks.insertCompletion(taskId, who, now, by)
  await t.record(audit({ revoked, requestsClosed: pending }))
  return { revoked, requestsClosed: pending }
}
