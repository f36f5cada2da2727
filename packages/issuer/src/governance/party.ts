import { agentIdError } from '@agentid/core'
import type { IssuerStore } from '../store/issuer-store.js'
import type { Principal } from './principal.js'

// How far ownership is followed down from a principal: a person, their assistant, its sub-agents.
const MAX_OWNER_DEPTH = 4

/**
 * One party: a principal, the person its DID names (enrolled as a `person` agent or not), and every
 * agent owned by them, directly or through agents they own. A party never decides its own access.
 */
export async function partyOf(principal: Principal, store: Pick<IssuerStore, 'ownedAgents'>): Promise<ReadonlySet<string>> {
  const party = new Set<string>([principal.id, ...(principal.did !== undefined ? [principal.did] : [])])
  let frontier = [...party]
  for (let depth = 0; depth < MAX_OWNER_DEPTH && frontier.length > 0; depth++) {
    frontier = (await store.ownedAgents(frontier)).filter((did) => !party.has(did))
    for (const did of frontier) party.add(did)
  }
  return party
}

/**
 * Who stands behind an access request or a credential: who asked (and, for an agent asking for
 * itself or a principal with a DID, the person behind them), the subject, and the subject's owner.
 */
export async function partiesInvolved(
  subject: string,
  requester: string | undefined,
  store: Pick<IssuerStore, 'getAgent' | 'getPrincipal'>,
): Promise<Set<string>> {
  const involved = new Set<string>([subject])
  const agent = await store.getAgent(subject)
  if (agent) involved.add(agent.owner)
  if (requester !== undefined) {
    involved.add(requester)
    const asker = await store.getPrincipal(requester)
    if (asker?.did !== undefined) involved.add(asker.did)
    const askingAgent = requester.startsWith('did:') ? await store.getAgent(requester) : undefined
    if (askingAgent) involved.add(askingAgent.owner)
  }
  return involved
}

/**
 * The four-eyes rule across a whole party: refuses when the deciding principal's party holds
 * anyone involved.
 * @throws AgentIdError ERR_FORBIDDEN
 */
export function assertNotOwnDecision(principal: Principal, party: ReadonlySet<string>, involved: ReadonlySet<string>, what: string): void {
  for (const id of involved) {
    if (party.has(id)) {
      throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not ${what}: ${id === principal.id || id === principal.did ? 'it is their own' : `${id} is theirs or acts for them`} (one party never decides its own access)`)
    }
  }
}
