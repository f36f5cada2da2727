import assert from 'node:assert/strict'
// @ts-expect-error: plain ES module scripts, typed by use
import * as a from '../../../scripts/workload.mjs'
// @ts-expect-error: as above
import * as b from '../../../scripts/workload-b.mjs'
// @ts-expect-error: as above
import * as c from '../../../scripts/workload-c.mjs'
// @ts-expect-error: as above
import * as d from '../../../scripts/workload-d.mjs'
// @ts-expect-error: as above
import * as e from '../../../scripts/workload-e.mjs'
// @ts-expect-error: as above
import * as f from '../../../scripts/workload-f.mjs'
// @ts-expect-error: as above
import * as g from '../../../scripts/workload-g.mjs'
// @ts-expect-error: as above
import * as h from '../../../scripts/workload-h.mjs'

interface Week { events: Array<Record<string, unknown>>; attacks: Array<{ kind: string; agent: string; start: number; end: number }>; statusChanges: Array<{ agent: string }> }
type Generator = { ATTACK_KINDS: string[]; generateWeek: (o: Record<string, unknown>) => Week }

// The evaluation scores an alert as caused by an attack only against a control run of the same
// benign fortnight (issue 21): each generator must give the same benign events whether or not
// attacks are planted, and the same for a seed every time.
describe('the evaluation fortnights (scripts/workload*.mjs): a control run that is the benign part of the attacked one', () => {
  for (const [name, gen] of [['workload.mjs', a], ['workload-b.mjs', b], ['workload-c.mjs', c], ['workload-d.mjs', d], ['workload-e.mjs', e], ['workload-f.mjs', f], ['workload-g.mjs', g], ['workload-h.mjs', h]] as Array<[string, Generator]>) {
    it(`${name}: deterministic per seed; every benign event of the control run is in the attacked run; every attack has events`, () => {
      const control = gen.generateWeek({ seed: 3, agents: 60, attacks: false })
      const attacked = gen.generateWeek({ seed: 3, agents: 60, attacks: true })
      const again = gen.generateWeek({ seed: 3, agents: 60, attacks: false }).events
      assert.equal(again.length, control.events.length)
      assert.deepEqual(again.filter((_, i) => i % 997 === 0), control.events.filter((_, i) => i % 997 === 0))
      const left = new Map<string, number>()
      for (const e of attacked.events) left.set(JSON.stringify(e), (left.get(JSON.stringify(e)) ?? 0) + 1)
      let missing = 0
      for (const e of control.events) {
        const k = JSON.stringify(e)
        const n = left.get(k) ?? 0
        if (n === 0) missing++
        else left.set(k, n - 1)
      }
      assert.equal(missing, 0)
      assert.ok(attacked.events.length > control.events.length)
      const victims = new Set(attacked.attacks.map((x) => x.agent))
      assert.equal(victims.size, attacked.attacks.length, 'distinct victims')
      assert.deepEqual(attacked.statusChanges.filter((s) => !victims.has(s.agent)), control.statusChanges.filter((s) => !victims.has(s.agent)))
      for (let i = 1; i < attacked.events.length; i++) assert.ok((attacked.events[i]!.at as number) >= (attacked.events[i - 1]!.at as number), 'sorted by time')
      for (const x of attacked.attacks) assert.ok(gen.ATTACK_KINDS.includes(x.kind) && x.end >= x.start, JSON.stringify(x))
    })
  }
})
