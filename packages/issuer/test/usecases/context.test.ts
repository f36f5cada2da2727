import assert from 'node:assert/strict'
import { IssuerEvents } from '../../src/usecases/context.js'

describe('IssuerEvents', () => {
  it('tells the issuance listeners how long an operation took, only when it issued something', async () => {
    const events = new IssuerEvents()
    const heard: number[] = []
    const stop = events.onIssued((seconds) => heard.push(seconds))
    assert.equal(await events.timed(Promise.resolve('issued'), (r) => r === 'issued'), 'issued')
    assert.equal(await events.timed(Promise.resolve('nothing'), (r) => r === 'issued'), 'nothing')
    assert.equal(heard.length, 1)
    assert.ok(heard[0]! >= 0)
    stop()
    await events.timed(Promise.resolve('issued'), () => true)
    assert.equal(heard.length, 1)
  })

  it('tells the status listeners once a change is committed, never when it failed', async () => {
    const events = new IssuerEvents()
    let told = 0
    const stop = events.onStatusChange(() => told++)
    assert.equal(await events.changesStatus(Promise.resolve(7)), 7)
    assert.equal(told, 1)
    await assert.rejects(events.changesStatus(Promise.reject(Object.assign(new Error('no'), { code: 'ERR_STORE' }))), { code: 'ERR_STORE' })
    assert.equal(told, 1)
    stop()
    await events.changesStatus(Promise.resolve(undefined))
    assert.equal(told, 1)
  })
})
