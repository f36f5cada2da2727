import assert from 'node:assert/strict'
import { pickStatusSlot, SLOT_ATTEMPTS } from '../../src/store/status-slots.js'

describe('pickStatusSlot', () => {
  const revocation = { id: 'rev-1', size: 16 }

  it('takes the first free random index, the same in the suspension list', () => {
    const picks = [3, 3, 9]
    const slot = pickStatusSlot({ revocation, suspensionListId: 'sus-1' }, (i) => i === 3, () => picks.shift()!)
    assert.deepEqual(slot, { listId: 'rev-1', index: 9, suspensionListId: 'sus-1' })
    assert.deepEqual(picks, [])
  })

  it('asks for indexes below the list size, and names no suspension list when there is none', () => {
    const asked: number[] = []
    assert.deepEqual(pickStatusSlot({ revocation }, () => false, (max) => { asked.push(max); return 0 }), { listId: 'rev-1', index: 0 })
    assert.deepEqual(asked, [16])
  })

  it(`gives up after ${SLOT_ATTEMPTS} taken picks: the list is too full`, () => {
    let tries = 0
    assert.throws(() => pickStatusSlot({ revocation }, () => true, () => tries++), { code: 'ERR_STORE' })
    assert.equal(tries, SLOT_ATTEMPTS)
  })
})
