import type { StatusAllocation } from './issuer-store.js'

/** How many random picks are tried before a list counts as full (and the next lists begin). */
export const SLOT_ATTEMPTS = 64

/** The lists a slot is picked from: the newest revocation list and the suspension list beside it. */
export interface SlotLists {
  readonly revocation: { readonly id: string; readonly size: number }
  readonly suspensionListId?: string
}

/**
 * Picks a credential's status slot: a random index of the newest revocation list (herd privacy:
 * the index says nothing about when the credential was issued), the same index in the suspension
 * list beside it, tried again while taken. Slots are never freed, so an index is never reused.
 * The rule of every backend, written once: a backend says which indexes are taken, inside the
 * transaction that will hold the slot.
 * @returns the slot, or undefined when {@link SLOT_ATTEMPTS} picks found none free: the list is
 *   nearly full (at 90% taken, 64 picks all miss once in a thousand), and the next lists begin
 */
export async function pickStatusSlot(lists: SlotLists, taken: (index: number) => Promise<boolean>, randomIndex: (max: number) => number): Promise<StatusAllocation | undefined> {
  const { revocation, suspensionListId } = lists
  for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
    const slot = { listId: revocation.id, index: randomIndex(revocation.size), ...(suspensionListId !== undefined ? { suspensionListId } : {}) }
    if (!(await taken(slot.index))) return slot
  }
  return undefined
}

/**
 * The ids of the next pair of lists, after every list there is: `rev-N` and `sus-N` with N one
 * more than the highest number any list id carries (a key rotation starts pairs too).
 */
export function nextListIds(existing: readonly string[]): { revocation: string; suspension: string } {
  const highest = Math.max(0, ...existing.map((id) => /^(?:rev|sus)-([0-9]{1,9})$/.exec(id)).map((m) => (m ? Number(m[1]) : 0)))
  return { revocation: `rev-${highest + 1}`, suspension: `sus-${highest + 1}` }
}
