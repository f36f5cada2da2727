import { agentIdError } from '@agentid/core'
import type { StatusAllocation } from './issuer-store.js'

/** How many random picks are tried before a list counts as too full. */
export const SLOT_ATTEMPTS = 64

/**
 * Picks a credential's status slot: a random index of the newest revocation list (herd privacy:
 * the index says nothing about when the credential was issued), the same index in the suspension
 * list beside it, tried again while taken. Slots are never freed, so an index is never reused.
 * The rule of every backend, written once: a backend says which indexes are taken, inside the
 * transaction that will hold the slot.
 * @throws AgentIdError ERR_STORE when {@link SLOT_ATTEMPTS} picks find none free (make a new list)
 */
export function pickStatusSlot(
  lists: { readonly revocation: { readonly id: string; readonly size: number }; readonly suspensionListId?: string },
  taken: (index: number) => boolean,
  randomIndex: (max: number) => number,
): StatusAllocation {
  const { revocation, suspensionListId } = lists
  for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
    const index = randomIndex(revocation.size)
    if (taken(index)) continue
    return { listId: revocation.id, index, ...(suspensionListId !== undefined ? { suspensionListId } : {}) }
  }
  throw agentIdError('ERR_STORE', `status list ${revocation.id} is too full to allocate from; create a new list`)
}
