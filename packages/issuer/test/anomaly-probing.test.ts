import assert from 'node:assert/strict'
import { AnomalyDetector } from '@agentid/issuer'

// Simulated time only.
describe('probing: refusals across families foreign to the agent and its peers', () => {
  const HOUR = 3_600_000
  const t0 = Date.UTC(2026, 10, 2, 0)
  const agent = 'did:key:z6MkProbe'
  const peer = 'did:key:z6MkPeer'
  const own = ['crm:accounts', 'db:orders', 'reports:sales']

  // Three days of reads of its own segment's families; a peer of its team uses a fourth.
  function history(): { d: AnomalyDetector; at: number } {
    const d = new AnomalyDetector({ context: () => ({ groups: ['team:sales/company'] }) })
    let i = 0
    for (let at = t0; at < t0 + 72 * HOUR; at += 600_000, i++) {
      d.observe({ at, agent, decision: 'allow', resource: `${own[i % 3]}/${i}`, action: 'read', ip: '10.0.0.1', records: 50 })
      d.observe({ at: at + 1, agent: peer, decision: 'allow', resource: `db:customers/${i}`, action: 'read', ip: '10.0.0.2', records: 50 })
    }
    return { d, at: t0 + 72 * HOUR }
  }
  const refuse = (d: AnomalyDetector, at: number, families: readonly string[]) =>
    [...Array(10).keys()].flatMap((i) => d.observe({ at: at + i * 30_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${families[i % families.length]}/${i}`, action: i % 2 ? 'write' : 'read', ip: '10.0.0.1' }))

  it('ten refusals on its own and its peers\' families, reads and writes, are not probing', () => {
    const { d, at } = history()
    const found = refuse(d, at, [...own, 'db:customers'])
    assert.deepEqual(found.filter((a) => a.kind === 'probing'), [])
  })

  it('the same refusals on families foreign to it and its peers are probing, high', () => {
    const { d, at } = history()
    const found = refuse(d, at, ['hr:records', 'payments:transfers', 'ledger:entries'])
    const probing = found.filter((a) => a.kind === 'probing')
    assert.ok(probing.length > 0, JSON.stringify(found.map((a) => a.kind)))
    assert.equal(probing[0]!.severity, 'high')
  })

  it('refusals across three actions are probing whatever the family', () => {
    const { d, at } = history()
    const found = [...Array(10).keys()].flatMap((i) => d.observe({ at: at + i * 30_000, agent, decision: 'deny', code: 'ERR_NOT_ENTITLED', resource: `${own[0]}/${i}`, action: ['read', 'delete', 'admin'][i % 3]!, ip: '10.0.0.1' }))
    assert.ok(found.some((a) => a.kind === 'probing'), JSON.stringify(found.map((a) => a.kind)))
  })
})
