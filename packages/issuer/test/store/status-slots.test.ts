import assert from 'node:assert/strict'
import { nextListIds, pickStatusSlot, SLOT_ATTEMPTS } from '../../src/store/status-slots.js'

describe('pickStatusSlot', () => {
  const revocation = { id: 'rev-1', size: 16 }

  it('takes the first free random index, the same in the suspension list', async () => {
    const picks = [3, 3, 9]
    const slot = await pickStatusSlot({ revocation, suspensionListId: 'sus-1' }, async (i) => i === 3, () => picks.shift()!)
    assert.deepEqual(slot, { listId: 'rev-1', index: 9, suspensionListId: 'sus-1' })
    assert.deepEqual(picks, [])
  })

  it('asks for indexes below the list size, and names no suspension list when there is none', async () => {
    const asked: number[] = []
    assert.deepEqual(await pickStatusSlot({ revocation }, async () => false, (max) => { asked.push(max); return 0 }), { listId: 'rev-1', index: 0 })
    assert.deepEqual(asked, [16])
  })

  it(`gives up after ${SLOT_ATTEMPTS} taken picks: the list is full, the next lists begin`, async () => {
    let tries = 0
    assert.equal(await pickStatusSlot({ revocation }, async () => true, () => tries++), undefined)
    assert.equal(tries, SLOT_ATTEMPTS)
  })
})

describe('nextListIds', () => {
  it('numbers the next pair after the highest list of either purpose', () => {
    assert.deepEqual(nextListIds(['rev-1', 'sus-1']), { revocation: 'rev-2', suspension: 'sus-2' })
    // After a key rotation (rev-2, sus-2 for the new key) and some rollovers: numbers, not text order.
    assert.deepEqual(nextListIds(['rev-1', 'sus-1', 'rev-2', 'sus-2', 'rev-9', 'sus-9', 'rev-10', 'sus-10']), { revocation: 'rev-11', suspension: 'sus-11' })
    assert.deepEqual(nextListIds(['rev-1']), { revocation: 'rev-2', suspension: 'sus-2' })
    assert.deepEqual(nextListIds(['custom', 'rev-x']), { revocation: 'rev-1', suspension: 'sus-1' })
  })
})
