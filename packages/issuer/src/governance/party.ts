import { agentIdError } from '@agentid/core'
import type { Principal } from './principal.js'

/**
 * One party: a principal, the person its DID names (enrolled as a `person` agent or not), every
 * principal that speaks for that person, and every agent owned by any of them, at any depth and of
 * any kind. Two identities are one party when the tops of their chains of owners are the same
 * (the store computes them: `IssuerStore.partyTop`, `DecisionFacts.sameParty`).
 */
export type SameParty = (a: string, b: string) => boolean

/**
 * The four-eyes rule across a whole party: a principal never decides (approves, denies, certifies)
 * something that anyone of its own party asked for, holds, or owns.
 * @param involved who asked (a principal id or an agent DID) and for whom (the subject DID)
 * @throws AgentIdError ERR_FORBIDDEN
 */
export function assertNotOwnDecision(principal: Principal, involved: ReadonlyArray<string | undefined>, sameParty: SameParty, what: string): void {
  for (const id of involved) {
    if (id === undefined) continue
    const own = id === principal.id || id === principal.did || sameParty(principal.id, id) || (principal.did !== undefined && sameParty(principal.did, id))
    if (own) {
      throw agentIdError('ERR_FORBIDDEN', `${principal.id} may not ${what}: ${id === principal.id || id === principal.did ? 'it is their own' : `${id} is of their own party`} (one party never decides its own access)`)
    }
  }
}

/** {@link SameParty} for checks made outside a transaction, from the tops the store reads. */
export async function samePartyNow(store: { partyTop(identity: string): Promise<string> }, identities: readonly string[]): Promise<SameParty> {
  const tops = new Map<string, string>()
  for (const id of new Set(identities)) tops.set(id, await store.partyTop(id))
  return (a, b) => tops.get(a) !== undefined && tops.get(a) === tops.get(b)
}
