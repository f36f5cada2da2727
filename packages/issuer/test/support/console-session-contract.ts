import assert from 'node:assert/strict'
import type { ConsoleSessions } from '../../src/http/console-session.js'

/**
 * What console sessions promise, in memory (one process) and shared by replicas (the PostgreSQL
 * suite runs it on the cluster bus's table).
 */
export function consoleSessionContract(name: string, make: (now: () => number) => Promise<ConsoleSessions>): void {
  describe(`console sessions: ${name}`, () => {
    it('opens a session with random ids, ends it at close, and at its age limit or its token\'s expiry', async () => {
      let now = 1_000_000
      const sessions = await make(() => now)
      const a = await sessions.open('aid_a', 'alice')
      const b = await sessions.open('aid_b', 'bob', now + 60_000)
      assert.notEqual(a.id, b.id)
      assert.notEqual(a.csrf, a.id)
      assert.equal((await sessions.get(a.id))?.token, 'aid_a')
      assert.equal(b.maxAgeSeconds, 60)
      now += 60_000
      assert.equal(await sessions.get(b.id), undefined, 'not past the token\'s expiry')
      assert.ok(await sessions.get(a.id))
      now += 8 * 3600 * 1000
      assert.equal(await sessions.get(a.id), undefined, 'at most 8 hours')
      const c = await sessions.open('aid_c', 'carol')
      await sessions.close(c.id)
      assert.equal(await sessions.get(c.id), undefined)
    })

    it('holds a few sessions per principal: opening more ends that principal\'s own oldest, never another\'s', async () => {
      const sessions = await make(() => 1_000_000)
      const victim = await sessions.open('aid_victim', 'victim')
      const own = []
      for (let i = 0; i < 50; i++) own.push(await sessions.open('aid_flood', 'flooder'))
      assert.ok(await sessions.get(victim.id), 'a flood of sign-ins by one principal signs nobody else out')
      assert.equal((await Promise.all(own.map((s) => sessions.get(s.id)))).filter(Boolean).length, 10)
      assert.ok(await sessions.get(own.at(-1)!.id))
    })
  })
}
