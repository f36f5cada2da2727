import { agentIdError } from '@agentid/core'
import type { StatusAllocation } from './issuer-store.js'

/** How many random picks are tried before a list counts as too full. */
export const SLOT_ATTEMPTS = 64

/** The lists a slot is picked from: the newest revocation list and the suspension list beside it. */
export interface SlotLists {
  readonly revocation: { readonly id: string; readonly size: number }
  readonly suspensionListId?: string
}

// The candidates, in the order they are tried: SLOT_ATTEMPTS random indexes of the revocation list.
function* candidates(lists: SlotLists, randomIndex: (max: number) => number): Generator<StatusAllocation> {
  const { revocation, suspensionListId } = lists
  for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
    yield { listId: revocation.id, index: randomIndex(revocation.size), ...(suspensionListId !== undefined ? { suspensionListId } : {}) }
  }
}

function tooFull(lists: SlotLists): Error {
  return agentIdError('ERR_STORE', `status list ${lists.revocation.id} is too full to allocate from; create a new list`)
}

/**
 * Picks a credential's status slot: a random index of the newest revocation list (herd privacy:
 * the index says nothing about when the credential was issued), the same index in the suspension
 * list beside it, tried again while taken. Slots are never freed, so an index is never reused.
 * The rule of every backend, written once: a backend says which indexes are taken, inside the
 * transaction that will hold the slot.
 * @throws AgentIdError ERR_STORE when {@link SLOT_ATTEMPTS} picks find none free (make a new list)
 */
export function pickStatusSlot(lists: SlotLists, taken: (index: number) => boolean, randomIndex: (max: number) => number): StatusAllocation {
  for (const slot of candidates(lists, randomIndex)) if (!taken(slot.index)) return slot
  throw tooFull(lists)
}

/** {@link pickStatusSlot} for a backend that answers asynchronously whether an index is taken. */
export async function pickStatusSlotAsync(lists: SlotLists, taken: (index: number) => Promise<boolean>, randomIndex: (max: number) => number): Promise<StatusAllocation> {
  for (const slot of candidates(lists, randomIndex)) if (!(await taken(slot.index))) return slot
  throw tooFull(lists)
}
