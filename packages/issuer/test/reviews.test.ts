import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateAgentKey } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, operator, policyToJson, reviewDigest } from '@agentid/issuer'

const DAY = 86400_000

// Reviews and the sweeper on a real database, with the issuer's clock in the test's hand.
describe('access reviews and the sweeper', () => {
  let home: string
  let clock: number
  let issuer: Issuer
  const agent = generateAgentKey()
  const rita = { id: 'rita', roles: ['reviewer'] }

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-reviews-'))
    clock = Date.UTC(2026, 10, 30, 9, 0, 0)
    issuer = (await Issuer.init({ home, env: {}, now: () => clock })).issuer
    // Reviews every day for low risk, a 2-day deadline, no approvals: this is about reviews.
    await issuer.setPolicy({
      ...policyToJson(DEFAULT_POLICY),
      approvalChains: { low: [], medium: [], high: [], critical: [] },
      rules: [{ resource: '*', actions: ['read'], risk: 'low', maxTtl: '30d' }, { resource: '*', actions: ['write'], risk: 'high', maxTtl: '30d' }],
      reviewIntervals: { low: '1d', medium: '1d', high: '12h', critical: '1h' },
      reviewDeadline: '2d',
    }, 'test')
    await issuer.registerAgent({ did: agent.did, name: 'bot', kind: 'service', owner: 'ops' }, 'test')
  })

  afterEach(async () => {
    await issuer.close()
    rmSync(home, { recursive: true, force: true })
  })

  const itemsOf = (started: { campaign: string }) => issuer.listReviewItems(started.campaign)
  const grant = (action: string, days = 20) => issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: [action] }], ttlSeconds: days * 86400 }, 'test')

  it('picks the credentials whose review is due by their risk, and certifying restarts the clock', async () => {
    const low = await grant('read')
    const high = await grant('write')
    await assert.rejects(issuer.startReview({}, rita), { code: 'ERR_CONFLICT' }) // nothing due yet
    clock += 13 * 3600_000 // past high's 12 h, not low's day
    const first = await itemsOf(await issuer.startReview({ name: 'first' }, rita))
    assert.deepEqual(first.map((i) => [i.credentialId, i.risk]), [[high.id, 'high']])
    await issuer.decideReview(first[0]!.id, 'certified', rita)
    await assert.rejects(issuer.decideReview(first[0]!.id, 'revoked', rita), { code: 'ERR_CONFLICT' })
    clock += 12 * 3600_000 // low is due now; high was certified 12 h ago: due again
    const second = await itemsOf(await issuer.startReview({ name: 'second' }, rita))
    assert.deepEqual(second.map((i) => i.credentialId).sort(), [low.id, high.id].sort())
    // A credential waiting in an open campaign is not put in another one.
    await assert.rejects(issuer.startReview({ all: true }, rita), { code: 'ERR_CONFLICT' })
    const revoke = second.find((i) => i.credentialId === low.id)!
    await issuer.decideReview(revoke.id, 'revoked', rita)
    assert.equal((await issuer.store.getCredential(low.id))?.status, 'revoked')
  })

  it('revokes what nobody reviewed by the deadline and raises an alert', async () => {
    const c = await grant('read')
    clock += DAY
    const { campaign, items } = await issuer.startReview({}, rita)
    assert.equal(items, 1)
    clock += 2 * DAY + 1000
    const swept = await issuer.sweep()
    assert.equal(swept.reviewItemsOverdue, 1)
    assert.equal((await issuer.store.getCredential(c.id))?.status, 'revoked')
    const [alert] = await issuer.store.listAlerts()
    assert.deepEqual([alert?.kind, alert?.subject], ['review.overdue', campaign])
    assert.equal((await issuer.store.listReviews())[0]?.status, 'closed')
    const actions = (await issuer.store.readAudit()).map((e) => e.action)
    assert.ok(actions.includes('review.start') && actions.includes('review.close'))
  })

  it('tells status listeners of the revocations of an overdue close even when a later batch of it fails', async () => {
    const c = await grant('read')
    clock += DAY
    await issuer.startReview({}, rita)
    clock += 2 * DAY + 1000
    // The first batch commits its revocation; a later one fails (the next sweep would resume it).
    const close = issuer.store.closeOverdueReviews.bind(issuer.store)
    issuer.store.closeOverdueReviews = async (...args) => {
      await close(...args)
      throw Object.assign(new Error('disk full'), { code: 'ERR_STORE' })
    }
    let heard = 0
    issuer.onStatusChange(() => heard++)
    await assert.rejects(issuer.sweep(), { code: 'ERR_STORE' })
    assert.equal((await issuer.store.getCredential(c.id))?.status, 'revoked')
    assert.equal(heard, 1)
  })

  it('opens a campaign by schedule when reviews fall due, once', async () => {
    const c = await grant('read')
    assert.equal((await issuer.sweep()).reviewItemsOpened, 0)
    clock += DAY
    assert.equal((await issuer.sweep()).reviewItemsOpened, 1)
    assert.equal((await issuer.sweep()).reviewItemsOpened, 0, 'not twice while the campaign is open')
    const [campaign] = await issuer.store.listReviews()
    assert.equal(campaign?.createdBy, 'system')
    assert.match(campaign?.name ?? '', /^scheduled-/)
    assert.deepEqual((await issuer.store.listReviewItems(campaign?.id)).map((i) => i.credentialId), [c.id])
  })

  it("names a campaign's items in its audit entry by count and digest, not one by one", async () => {
    const credentials = [await grant('read'), await grant('read'), await grant('write')]
    const started = await issuer.startReview({ name: 'all', all: true }, rita)
    const items = await itemsOf(started)
    assert.deepEqual([started.items, started.digest], [3, reviewDigest(credentials.map((c) => c.id))])
    assert.equal(reviewDigest(items.map((i) => i.credentialId)), started.digest)
    const entry = (await issuer.store.readAudit()).find((e) => e.action === 'review.start')
    assert.deepEqual(entry?.details, { name: 'all', items: 3, digest: started.digest })
  })

  it('only reviewers and admins review', async () => {
    await grant('read')
    await assert.rejects(issuer.startReview({ all: true }, { id: 'aude', roles: ['auditor'] }), { code: 'ERR_FORBIDDEN' })
    const items = await itemsOf(await issuer.startReview({ all: true }, operator('cli:root')))
    await assert.rejects(issuer.decideReview(items[0]!.id, 'certified', { id: 'olga', roles: ['ai-ops'] }), { code: 'ERR_FORBIDDEN' })
  })

  it('records each credential that expired, once, in the audit log', async () => {
    const short = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:x', actions: ['read'] }], ttlSeconds: 60 }, 'test')
    await grant('read')
    clock += 61_000
    assert.equal((await issuer.sweep()).credentialsExpired, 1)
    assert.equal((await issuer.sweep()).credentialsExpired, 0)
    assert.ok((await issuer.store.getCredential(short.id))?.expiredAt)
    assert.equal((await issuer.store.readAudit()).filter((e) => e.action === 'credential.expire' && e.target === short.id).length, 1)
  })
})
