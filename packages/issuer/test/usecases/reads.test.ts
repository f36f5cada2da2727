import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateAgentKey } from '@agentid/agent'
import { Issuer } from '../../src/issuer.js'
import type { Principal } from '../../src/governance/principal.js'

// Who sees what, read through the facade on a real issuer: an owner sees its own agents and
// what hangs off them; the rest does not exist for it, and a probe for it is on record.
describe('reads and their visibility rules', () => {
  let home: string
  let issuer: Issuer
  let clock = Date.UTC(2026, 11, 3, 9, 0, 0)
  const mine = generateAgentKey()
  const theirs = generateAgentKey()
  const admin: Principal = { id: 'admin', roles: ['admin'] }
  const olga: Principal = { id: 'olga', roles: ['agent-owner'] }
  const auditor: Principal = { id: 'audrey', roles: ['auditor'] }
  const read = [{ resource: 'crm:contacts', actions: ['read'] }]

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'agentid-reads-'))
    issuer = (await Issuer.init({ home, env: {}, now: () => clock })).issuer
    await issuer.registerAgent({ did: mine.did, name: 'mine', kind: 'service', owner: 'olga' }, admin)
    await issuer.registerAgent({ did: theirs.did, name: 'theirs', kind: 'service', owner: 'someone-else' }, admin)
    await issuer.grant({ subject: mine.did, entitlements: read, ttlSeconds: 3600, task: { id: 'task-1' } }, admin)
    await issuer.grant({ subject: theirs.did, entitlements: read, ttlSeconds: 3600, task: { id: 'task-1' } }, admin)
    await issuer.requestAccess({ subject: mine.did, entitlements: [{ resource: 'crm:contacts', actions: ['write'] }], ttlSeconds: 3600 }, admin)
    await issuer.requestAccess({ subject: theirs.did, entitlements: [{ resource: 'crm:contacts', actions: ['write'] }], ttlSeconds: 3600 }, admin)
  })

  after(async () => {
    await issuer.close()
    rmSync(home, { recursive: true, force: true })
  })

  const probes = async () => (await issuer.readAudit(1, 1000)).filter((e) => e.action === 'access.refused' && e.actor === 'olga')

  it('an owner sees its own agent; another\'s answers as not enrolled, and the probe is recorded', async () => {
    assert.equal((await issuer.visibleAgent(mine.did, olga)).did, mine.did)
    await assert.rejects(issuer.visibleAgent(theirs.did, olga), { code: 'ERR_NOT_FOUND' })
    const [probe] = await probes()
    assert.equal(probe?.target, theirs.did)
    assert.equal((await issuer.visibleAgent(theirs.did, auditor)).did, theirs.did)
    assert.equal(await issuer.findVisibleAgent(theirs.did, olga), undefined)
  })

  it('lists and pages only what the principal may see', async () => {
    assert.deepEqual((await issuer.listAgents(olga)).map((a) => a.did), [mine.did])
    assert.equal((await issuer.listAgents(auditor)).length, 2)
    const page = await issuer.pageAgents({}, 10, 0, olga)
    assert.deepEqual([page.agents.map((a) => a.did), page.total], [[mine.did], 1])
    assert.deepEqual((await issuer.listRequests({}, olga)).map((r) => r.subject), [mine.did])
    await assert.rejects(issuer.pageRequests({}, 10, 0, olga), { code: 'ERR_FORBIDDEN' })
    await assert.rejects(issuer.pageRequests({ subject: theirs.did }, 10, 0, olga), { code: 'ERR_NOT_FOUND' })
    assert.equal((await issuer.pageRequests({ subject: mine.did }, 10, 0, olga)).total, 1)
    assert.equal((await issuer.pageRequests({ status: 'pending' }, 1, 0, auditor)).total, 2)
    assert.equal((await issuer.listRequests({ status: 'pending' }, auditor)).length, 2)
  })

  it('an owner lists credentials per agent, its own; an inventory reader by task', async () => {
    await assert.rejects(issuer.listCredentials({}, olga), { code: 'ERR_FORBIDDEN' })
    await assert.rejects(issuer.listCredentials({ subject: theirs.did }, olga), { code: 'ERR_NOT_FOUND' })
    const own = await issuer.listCredentials({ subject: mine.did }, olga)
    assert.equal(own.length, 1)
    assert.equal((await issuer.listCredentials({ taskId: 'task-1' }, auditor)).length, 2)
    const other = (await issuer.listCredentials({ subject: theirs.did }, auditor))[0]!
    await assert.rejects(issuer.visibleCredential(other.id, olga), { code: 'ERR_NOT_FOUND' })
    await assert.rejects(issuer.visibleCredentialJwt(other.id, olga), { code: 'ERR_NOT_FOUND' })
    assert.equal((await issuer.visibleCredentialJwt(own[0]!.id, olga)).id, own[0]!.id)
    await assert.rejects(issuer.visibleCredential('urn:uuid:nothing', auditor), { code: 'ERR_NOT_FOUND' })
  })

  it('the approval queue holds what waits for this principal\'s role, not what it asked for', async () => {
    const opsAda: Principal = { id: 'ada', roles: ['ai-ops'] }
    const queue = await issuer.approvalQueue(opsAda, 50, 0)
    assert.deepEqual([queue.requests.length, queue.total], [2, 2])
    assert.deepEqual((await issuer.approvalQueue(opsAda, 1, 1)).requests.map((r) => r.id), [queue.requests[1]!.id])
    assert.equal((await issuer.approvalQueue({ id: 'admin', roles: ['admin', 'ai-ops'] }, 50, 0)).total, 0) // admin asked for both
    assert.equal((await issuer.approvalQueue({ id: 'sam', roles: ['security'] }, 50, 0)).total, 0) // not their level yet
    clock = Math.max(...queue.requests.map((r) => r.expiresAt))
    assert.equal((await issuer.approvalQueue(opsAda, 50, 0)).total, 0) // expired by then, on the issuer's clock
  })
})
