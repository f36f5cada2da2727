import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'
import { parseControls, parseSuppression } from '../src/monitoring/monitor-controls.js'
import { BEYOND_RETRY, beyondRetry, newBlockedUse, noteBlockedUse, requestOf, restoreBlockedUse } from '../src/monitoring/blocked-use.js'

// Simulated time only: nothing here waits or reads the wall clock.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const t0 = Date.UTC(2026, 10, 2, 9)
const agent = 'did:key:z6Mkphone'
const refused = { decision: 'deny' as const, code: 'ERR_VC_SUSPENDED', credential: 'urn:uuid:c1', ip: '10.0.0.1' }

// An agent used for a day (learned), then suspended (or retired) at `t0 + DAY`.
function blocked(status: 'suspended' | 'retired' = 'suspended') {
  const state: { status: 'active' | 'suspended' | 'retired' | undefined } = { status: 'active' }
  // (No status: the issuer could not look the agent up, and gives no context.)
  const context = () => (state.status === undefined ? undefined : { groups: ['team:x'], status: state.status })
  let d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context })
  for (let i = 0; i < 20; i++) d.observe({ at: t0 + i * MINUTE, agent, decision: 'allow', resource: `mail:inbox/${i}`, action: 'read', ip: '10.0.0.1' })
  state.status = status
  const use = (at: number, resource: string, action = 'read', fields: Record<string, unknown> = {}, reporter = 'v1'): Anomaly[] => d.observe({ at, agent, resource, action, ...refused, ...fields }, { reporter })
  const misuse = (found: Anomaly[]) => found.filter((a) => a.kind === 'credential-misuse').map((a) => `${a.severity} ${a.details.status}`)
  const misuseBy = (found: Anomaly[]) => found.filter((a) => a.kind === 'credential-misuse').map((a) => a.evidence.join(','))
  const restart = () => {
    const rows = d.takeDirty()
    d = new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, context })
    assert.ok(d.load(rows) > 0, 'loaded')
  }
  return { state, use, misuse, misuseBy, restart }
}

describe('credential-misuse: a suspended or retired agent used for more than its software retrying', () => {
  it('is a status kind: no sensitivity, no suppression', () => {
    assert.throws(() => parseControls({ sensitivity: { 'credential-misuse': 0 } }), /always reported/)
    assert.throws(() => parseSuppression({ kind: 'credential-misuse', minutes: 60, reason: 'noise' }), /always reported/)
  })

  it("its own software's retries (one request over and over, a phone's three syncs) from its own network are the status alert, low; a fourth different request, medium; a fifth, credential-misuse", () => {
    const { use } = blocked()
    const said = (found: Anomaly[]) => found.map((a) => `${a.kind}/${a.severity}`).sort()
    const found: Anomaly[] = []
    for (let i = 0; i < 30; i++) found.push(...use(t0 + DAY + i * 10 * MINUTE, 'mail:inbox/1'))
    for (const [i, [resource, action]] of [['calendar:events/1', 'read'], ['files:shared/1', 'list']].entries()) found.push(...use(t0 + DAY + 6 * HOUR + i * MINUTE, resource!, action))
    assert.deepEqual([...new Set(said(found))], ['suspended-agent/low'])
    assert.deepEqual(said(use(t0 + DAY + 7 * HOUR, 'contacts:all/1')), ['suspended-agent/medium'], 'a fourth')
    // A fifth different request within the day, from its own network: someone using it there
    // (the status alert, medium a minute before, goes on).
    assert.deepEqual(said(use(t0 + DAY + 7 * HOUR + MINUTE, 'hr:staff/1')), ['credential-misuse/high'], 'a fifth')
  })

  it('five different requests (family and action) within a day are said high, once a day on a reporter\'s word', () => {
    const { use, misuse } = blocked()
    const first = [['mail:inbox/1', 'read'], ['crm:accounts/1', 'read'], ['crm:accounts/2', 'export'], ['files:shared/1', 'list'], ['hr:staff/1', 'read'], ['finance:ledger/1', 'read']]
    const said = first.map(([resource, action], i) => misuse(use(t0 + DAY + 2 * HOUR + i * MINUTE, resource!, action)))
    // (The same family with another action is another request; the same request again is not.)
    assert.deepEqual(said, [[], [], [], [], ['high suspended'], []])
    assert.deepEqual(misuse(use(t0 + DAY + 3 * HOUR, 'crm:accounts/9', 'export')), [], 'the same request again')
    assert.deepEqual(misuse(use(t0 + DAY + 4 * HOUR, 'calendar:events/1')), [], 'another, hours later within the day')
    // More than a day later the earlier ones are gone: five new ones make another session.
    const later = [['docs:wiki/1', 'read'], ['docs:wiki/2', 'list'], ['tickets:all/1', 'read'], ['tickets:all/2', 'update'], ['billing:invoices/1', 'read']]
    const again = later.map(([resource, action], i) => misuse(use(t0 + 2 * DAY + 5 * HOUR + i * MINUTE, resource!, action)))
    assert.deepEqual(again, [[], [], [], [], ['high suspended']])
  })

  it('five spread over more than a day are not (a few syncs a day, for weeks); a request made again counts from its last time', () => {
    const { use, misuse } = blocked()
    const spread = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((fam, i) => misuse(use(t0 + DAY + i * 7 * HOUR, `${fam}:x/1`)))
    assert.deepEqual(spread, [])
    // A request made again counts from its last time: a sync that goes on, with four others within the day, is five.
    const going = blocked()
    going.use(t0 + DAY, 'mail:inbox/1')
    going.use(t0 + DAY + 20 * HOUR, 'mail:inbox/1')
    const later = ['a', 'b', 'c', 'd'].map((fam, i) => going.misuse(going.use(t0 + 2 * DAY + 1 * HOUR + i * MINUTE, `${fam}:x/1`)))
    assert.deepEqual(later, [[], [], [], ['high suspended']])
  })

  it("a hostile reporter's five made-up requests, said on its word, hide nothing an honest verifier sees next, even the thief's own", () => {
    const thief = ['crm:accounts/1', 'hr:staff/1', 'finance:ledger/1', 'mail:inbox/1', 'files:shared/1']
    const { use, misuseBy } = blocked()
    const made = thief.flatMap((resource, i) => misuseBy(use(t0 + DAY + i * MINUTE, resource, 'read', {}, 'evil')))
    assert.deepEqual(made, ['evil'])
    // The thief's browsing, as the honest verifier reports it: said on its word at its first request, once.
    const honest = thief.slice(0, 3).flatMap((resource, i) => misuseBy(use(t0 + DAY + HOUR + i * MINUTE, resource)))
    assert.deepEqual(honest, ['v1'])
  })

  it('the same request reported by two verifiers is one request', () => {
    const { use, misuse } = blocked()
    const found = ['a', 'b', 'c'].flatMap((fam, i) => [...misuse(use(t0 + DAY + i * MINUTE, `${fam}:x/1`, 'read', {}, 'v1')), ...misuse(use(t0 + DAY + i * MINUTE, `${fam}:x/1`, 'read', {}, 'v2'))])
    assert.deepEqual(found, [], 'three requests, each seen by two verifiers')
  })

  it('refused for anything but its status, it is no retry: a verifier took its credential (medium from its own network, high from elsewhere)', () => {
    const { use } = blocked()
    assert.deepEqual(use(t0 + DAY + HOUR, 'mail:inbox/1', 'read', { code: 'ERR_NOT_ENTITLED' }).map((a) => `${a.kind}/${a.severity}`), ['suspended-agent/medium'])
    assert.deepEqual(use(t0 + DAY + 2 * HOUR, 'mail:inbox/1', 'read', { code: 'ERR_NOT_ENTITLED', ip: '34.12.9.1' }).map((a) => `${a.kind}/${a.severity}`), ['suspended-agent/high'])
  })

  it('from elsewhere: retrying, medium; a fourth different request, high', () => {
    const { use } = blocked()
    const said = (found: Anomaly[]) => found.map((a) => `${a.kind}/${a.severity}${a.details.retrying ? ' (retrying)' : ''}`).sort()
    const away = { ip: '34.12.9.1' }
    // (Twenty minutes apart: each past the last one's quiet period, each said.)
    const retries = ['mail:inbox/1', 'calendar:events/1', 'files:shared/1'].flatMap((resource, i) => said(use(t0 + DAY + i * 20 * MINUTE, resource, 'read', away)))
    assert.deepEqual(retries, ['suspended-agent/medium (retrying)', 'suspended-agent/medium (retrying)', 'suspended-agent/medium (retrying)'])
    assert.deepEqual(said(use(t0 + DAY + HOUR + MINUTE, 'crm:accounts/1', 'read', away)), ['suspended-agent/high'], 'a fourth')
  })

  it('a request is its family and action, whatever characters they hold', () => {
    const { use, misuse } = blocked()
    const found = [['a b/1', 'c'], ['a/1', 'b c'], ['a\u0000b/1', 'c'], ['a/1', 'b\u0000c'], ['z/1', 'read']].flatMap(([resource, action], i) => misuse(use(t0 + DAY + i * MINUTE, resource!, action)))
    assert.deepEqual(found, ['high suspended'])
  })

  it('a retired agent too; a restart keeps what it made; resumed, it starts over', () => {
    const retired = blocked('retired')
    for (const [i, fam] of ['a', 'b', 'c', 'd'].entries()) assert.deepEqual(retired.misuse(retired.use(t0 + DAY + i * MINUTE, `${fam}:x/1`, 'read', { code: 'ERR_VC_REVOKED' })), [])
    retired.restart()
    assert.deepEqual(retired.misuse(retired.use(t0 + DAY + 10 * MINUTE, 'e:x/1', 'read', { code: 'ERR_VC_REVOKED' })), ['high retired'], 'the fifth after a restart')

    const resumed = blocked()
    for (const [i, fam] of ['a', 'b', 'c', 'd'].entries()) resumed.use(t0 + DAY + i * MINUTE, `${fam}:x/1`)
    resumed.state.status = 'active'
    resumed.use(t0 + DAY + 5 * MINUTE, 'mail:inbox/1', 'read', { decision: 'allow', code: undefined })
    resumed.state.status = 'suspended'
    assert.deepEqual(resumed.misuse(resumed.use(t0 + DAY + 10 * MINUTE, 'e:x/1')), [], 'four before it was resumed do not count')

    // An event whose agent the issuer could not look up (no context: its cache cleared mid-batch) forgets nothing.
    const unknown = blocked()
    for (const [i, fam] of ['a', 'b', 'c', 'd'].entries()) unknown.use(t0 + DAY + i * MINUTE, `${fam}:x/1`)
    unknown.state.status = undefined
    unknown.use(t0 + DAY + 5 * MINUTE, 'mail:inbox/1', 'read', { decision: 'deny', code: 'ERR_VC_SUSPENDED' })
    unknown.state.status = 'suspended'
    assert.deepEqual(unknown.misuse(unknown.use(t0 + DAY + 10 * MINUTE, 'e:x/1')), ['high suspended'], 'the four before still count')
  })

  it('keeps the sixteen requests made last (the one made longest ago goes); a stored row as far as it is well formed', () => {
    const u = newBlockedUse()
    for (let i = 0; i < BEYOND_RETRY.kept; i++) noteBlockedUse(u, requestOf(`f${i}`, 'read'), t0 + i * MINUTE, 'v1')
    noteBlockedUse(u, requestOf('f0', 'read'), t0 + HOUR, 'v1')
    noteBlockedUse(u, requestOf('new', 'read'), t0 + 2 * HOUR, 'v1')
    assert.equal(u.uses.length, BEYOND_RETRY.kept)
    assert.ok(u.uses.some(([what]) => what === requestOf('f0', 'read')), 'f0, made again, is kept')
    assert.ok(!u.uses.some(([what]) => what === requestOf('f1', 'read')), 'f1 goes')

    // One request reported by many verifiers (replicas, each its own principal) makes room of its
    // own copies first: the thief's other requests still count.
    const spread = newBlockedUse()
    for (const [i, fam] of ['a', 'b', 'c'].entries()) noteBlockedUse(spread, requestOf(fam, 'read'), t0 + i * MINUTE, 'v1')
    for (let r = 0; r < 2 * BEYOND_RETRY.kept; r++) noteBlockedUse(spread, requestOf('x', 'read'), t0 + HOUR + r * MINUTE, `replica-${r}`)
    assert.ok(beyondRetry(spread), `four different requests: ${JSON.stringify(spread.uses.map(([what]) => what))}`)

    const [a, b] = [requestOf('a', 'read'), requestOf('b', 'read')]
    const restored = restoreBlockedUse({ uses: [[a, 10, 'v1'], [a, 11, 'v1'], [a, 12, 'v2'], [b, 99, 'v1'], [requestOf('x'.repeat(600), 'read'), 5, 'v1'], ['a read', 5, 'v1'], [b, 'x', 'v1'], [b, 5], 'junk'], said: [['v1', 10], ['v1', 11], ['v2', 99]] }, 50)
    assert.deepEqual(restored, { uses: [[a, 10, 'v1'], [a, 12, 'v2']], said: [['v1', 10]] }, 'a duplicate, those dated ahead, one too long, one not written so and the malformed are left out')
    assert.deepEqual(restoreBlockedUse(undefined, 50), { uses: [], said: [] })
  })
})
