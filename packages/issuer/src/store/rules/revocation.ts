import { agentIdError } from '@agentid/core'
import type { AuditInput, CredentialRecord } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'

// Revocation, suspension and expiry, each inside one write transaction.

/**
 * Revokes the whole grant of `id`: the credential and every renewal of its lineage, each audited
 * (the one asked for first). Revoked already (a retry whose answer was lost): the same end state,
 * nothing to do.
 */
export async function revokeGrant(t: Tx, id: string, audit: (record: CredentialRecord) => AuditInput): Promise<{ record: CredentialRecord; changed: boolean }> {
  const asked = await t.credentials.get(id)
  if (!asked) throw agentIdError('ERR_NOT_FOUND', `no credential ${id}`)
  const revoked = await revokeLineage(t, id)
  for (const r of [...revoked].sort((a, b) => Number(b.id === id) - Number(a.id === id))) await t.record(audit(r))
  return { record: revoked.find((r) => r.id === id) ?? asked, changed: revoked.length > 0 }
}

/** Revokes the lineage of `id` (whatever is not revoked yet); the records changed. */
export async function revokeLineage(t: Tx, id: string): Promise<CredentialRecord[]> {
  return revokeAll(t, (await t.credentials.lineage(id)).filter((r) => r.status !== 'revoked'))
}

/**
 * Revokes these credentials, read in the same write; the records as revoked. Every revocation (by
 * id, lineage, review, retirement, task) goes through here.
 */
export async function revokeAll(t: Tx, records: readonly CredentialRecord[]): Promise<CredentialRecord[]> {
  for (const r of records) await t.credentials.markRevoked(r.id)
  return records.map((r) => ({ ...r, status: 'revoked' }))
}

/**
 * Suspends or resumes a credential with its whole grant, or every credential of an agent with
 * the agent itself; one audit entry for what changed.
 */
export async function setSuspended(t: Tx, target: { credentialId: string } | { agent: string }, suspended: boolean, audit: (changed: readonly CredentialRecord[]) => AuditInput): Promise<CredentialRecord[]> {
  const from = suspended ? 'active' : 'suspended'
  let records: CredentialRecord[]
  if ('credentialId' in target) {
    const credential = await t.credentials.get(target.credentialId)
    if (!credential) throw agentIdError('ERR_NOT_FOUND', `no credential ${target.credentialId}`)
    // In the state asked for already (a retry whose answer was lost): nothing changes.
    if (credential.status === (suspended ? 'suspended' : 'active')) return []
    if (credential.status !== from) throw agentIdError('ERR_CONFLICT', `credential ${credential.id} is ${credential.status}, not ${from}`)
    // A credential its agent's suspension stopped comes back with its agent, not on its own.
    if (!suspended && credential.suspendedFor === 'agent') throw agentIdError('ERR_CONFLICT', `credential ${credential.id} is suspended with its agent ${credential.subject}: resume the agent`)
    // With every renewal of its lineage in that state: one grant, suspended or resumed whole.
    records = (await t.credentials.lineage(credential.id)).filter((r) => r.status === from && (suspended || r.suspendedFor !== 'agent'))
  } else {
    const agent = await t.agents.get(target.agent)
    if (!agent) throw agentIdError('ERR_NOT_FOUND', `agent ${target.agent} is not enrolled`)
    // Resuming the agent resumes what its suspension stopped, never a credential suspended on its own.
    records = await t.credentials.ofSubject(target.agent, suspended ? 'active' : 'suspended-with-agent')
    // In the state asked for already: nothing changes, nothing is recorded.
    if (records.length === 0 && (agent.suspendedAt !== undefined) === suspended) return []
    // An agent whose owner was retired waits for a new owner before it comes back.
    if (!suspended && await ownerRetired(t, agent.owner)) throw agentIdError('ERR_CONFLICT', `the owner of ${target.agent} is retired: give it a new owner first (agent transfer)`)
    await t.agents.setSuspendedAt(target.agent, suspended ? t.now() : null)
  }
  const noSlot = records.find((r) => r.suspensionListId === undefined)
  if (noSlot) throw agentIdError('ERR_CONFLICT', `credential ${noSlot.id} was issued before suspension lists and cannot be suspended; revoke it instead`)
  const reason = !suspended ? null : 'credentialId' in target ? 'credential' : 'agent'
  const to = suspended ? 'suspended' : 'active'
  for (const r of records) await t.credentials.setSuspension(r.id, to, reason)
  const changed = records.map(({ suspendedFor: _was, ...r }): CredentialRecord => ({ ...r, status: to, ...(reason !== null ? { suspendedFor: reason } : {}) }))
  await t.record(audit(changed))
  return changed
}

/** Whether an owner (a DID, or the person a principal id speaks for) is a retired agent. */
export async function ownerRetired(t: Tx, owner: string): Promise<boolean> {
  return (await t.agents.get(await t.parties.canonical(owner)))?.status === 'retired'
}

/** Records up to 1,000 credentials past their expiry as expired, each audited. */
export async function sweepExpired(t: Tx, nowSeconds: number, audit: (record: CredentialRecord) => AuditInput): Promise<CredentialRecord[]> {
  const due = await t.credentials.dueForSweep(nowSeconds, 1000)
  const at = t.now()
  const swept: CredentialRecord[] = []
  for (const credential of due) {
    await t.credentials.markExpired(credential.id, at)
    const record = { ...credential, expiredAt: at }
    await t.record(audit(record))
    swept.push(record)
  }
  return swept
}
