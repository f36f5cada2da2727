import assert from 'node:assert/strict'
import { AnomalyDetector, type Anomaly } from '@agentid/issuer'
import { uniform } from './support/uniform.js'

// A release of one kind of agent on all its instances at once (volume-checks.ts, groupResize):
// five broker-portal assistants of one team read a family record by record; from a Tuesday
// morning their new version lists it, twenty-five records a page or so. Each instance alone
// looks like a bulk read and then a drift for days (workload-i's portal release, workload-f's
// ticket triage: every instance said, most of them high). The first two members are said, as
// for any group change; the others take part in the group's change. Simulated time and seeded
// noise only: nothing here waits or reads the wall clock.
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const t0 = Date.UTC(2026, 10, 2, 0) // a Monday
const RELEASE_DAY = 22 // a Tuesday, the fourth week
const instances = [1, 2, 3, 4, 5].map((k) => `did:key:z6MkPortal${k}`)

interface Read {
  at: number
  agent: string
  resource: string
  action: string
  records: number
  reporter: string
}

interface Options {
  // The groups of each instance (its team by default, shared by all five).
  groups?: (k: number) => string[]
  // Which instances take the release (all five by default); the others go on reading one record.
  released?: (k: number) => boolean
  // What an operator suppressed.
  suppressed?: (agent: string, kind: string, about: string) => boolean
  // Who reports an instance's requests (one verifier, the portal's service, by default).
  reporter?: (k: number) => string
  // More requests: a thief's, colluders', a hostile reporter's made-up ones.
  extra?: (push: (r: Read) => void) => void
}

// Three weeks and a half of working days, 08:00-18:00 UTC, a request every ten minutes or so per
// instance: an account looked up and a contract read; from RELEASE_DAY at 06:30, with each
// instance's first slot after it (a rolling restart, a few minutes apart), a list of contracts.
function run(seed: number, options: Options = {}): Anomaly[] {
  const groups = options.groups ?? (() => ['team:broker-portal', 'segment:broker', 'role:broker-portal-assistant'])
  const reporter = options.reporter ?? (() => 'v-portal')
  const released = options.released ?? (() => true)
  const d = new AnomalyDetector({ context: (agent) => ({ groups: groups(instances.indexOf(agent)) }), ...(options.suppressed ? { suppressed: options.suppressed } : {}) })
  const u = uniform(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())
  const reads: Read[] = []
  let id = 0
  for (let day = 0; day < RELEASE_DAY + 5; day++) {
    if (day % 7 >= 5) continue
    for (const [k, agent] of instances.entries()) {
      const release = released(k) ? t0 + RELEASE_DAY * DAY + 6.5 * HOUR + k * 7 * MINUTE : Infinity
      for (let at = t0 + day * DAY + 8 * HOUR + k * MINUTE; at < t0 + day * DAY + 18 * HOUR; at += Math.round((6 + 8 * u()) * MINUTE)) {
        const base = { agent, reporter: reporter(k) }
        reads.push({ ...base, at, resource: `broker:accounts/a-${id++}`, action: 'read', records: 1 })
        if (at < release) reads.push({ ...base, at: at + 20_000, resource: `policy:contracts/c-${id++}`, action: 'read', records: 1 })
        else reads.push({ ...base, at: at + 20_000, resource: 'policy:contracts', action: 'list', records: Math.min(100, Math.max(1, Math.round(25 * Math.exp(0.7 * gauss())))) })
      }
    }
  }
  options.extra?.((r) => reads.push(r))
  reads.sort((a, b) => a.at - b.at)
  return reads.flatMap((r) => d.observe({ at: r.at, agent: r.agent, decision: 'allow', resource: r.resource, action: r.action, ip: '10.1.0.1', records: r.records }, { receivedAt: r.at, reporter: r.reporter }))
}

// Two colluding instances (the first two) each list `policy:contracts` three times from `at`,
// ten minutes apart, as `reporter` reports it.
function colluders(push: (r: Read) => void, at: number, sizes: readonly number[], reporter = 'v-portal'): void {
  for (const k of [0, 1]) for (const [i, records] of sizes.entries()) push({ at: at + k * 10 * MINUTE + i * 3 * MINUTE, agent: instances[k]!, resource: 'policy:contracts', action: 'list', records, reporter })
}

// Volume alerts of medium or above on `policy:contracts` from the release on, per instance.
function volume(found: Anomaly[]): string[][] {
  return instances.map((agent) => found.filter((a) => a.agent === agent && (a.kind === 'records-jump' || a.kind === 'volume-drift') && a.severity !== 'low' && a.details.about === 'policy:contracts' && a.at >= t0 + RELEASE_DAY * DAY).map((a) => `${a.kind}/${a.severity}`))
}

describe('a release on all instances of a team at once is its group change, not an intrusion per instance', () => {
  it('the first two instances are said; the other three take part in the change: no volume alert on them that week (three seeds)', () => {
    for (const seed of [1, 2, 3]) {
      const said = volume(run(seed))
      assert.equal(said.filter((kinds) => kinds.length > 0).length, 2, `seed ${seed}: ${JSON.stringify(said)}`)
    }
  })

  it('a role shared across teams is no group: each instance in a team of its own is said', () => {
    const said = volume(run(1, { groups: (k) => [`team:portal-${k}`, 'role:broker-portal-assistant'] }))
    assert.ok(said.every((kinds) => kinds.length > 0), JSON.stringify(said))
  })

  // (Taking part, the instance's level moved to the fleet's lists, as a benign verdict on its
  // jump would have moved it: ten times them is a drift of its own, no longer a jump.)
  it("a thief's reads at ten times the fleet's lists, on the release morning, are said", () => {
    const at = t0 + RELEASE_DAY * DAY + 9 * HOUR
    const thief = (push: (r: Read) => void) => {
      for (let i = 0; i < 6; i++) push({ at: at + i * 4 * MINUTE, agent: instances[4]!, resource: 'policy:contracts', action: 'list', records: 250 + 40 * i, reporter: 'v-portal' })
    }
    assert.deepEqual(volume(run(1))[4], [])
    const said = volume(run(1, { extra: thief }))
    assert.ok(said[4]!.length > 0, JSON.stringify(said))
  })

  // An adversarial review of the first version: its bound was the peers' largest lists, so a
  // member that took no release could read eight times the fleet's typical list beside its own
  // reads, for days. Its own ordinary reads go on: no new version's.
  it("a member that took no release, listing beside its own reads of one record, is said (three seeds)", () => {
    for (const seed of [1, 2, 3]) {
      const at = t0 + RELEASE_DAY * DAY + 9 * HOUR
      const thief = (push: (r: Read) => void) => {
        for (let i = 0; i < 100; i++) push({ at: at + i * 5 * MINUTE, agent: instances[4]!, resource: 'policy:contracts', action: 'list', records: 60 + (i % 5) * 8, reporter: 'v-portal' })
      }
      const said = volume(run(seed, { released: (k) => k < 4, extra: thief }))
      assert.ok(said[4]!.length > 0, `seed ${seed}: ${JSON.stringify(said)}`)
    }
  })

  // The review's other ways around it: two team mates whose alerts an operator suppressed (no
  // alert anyone sees makes a change known), and a thief beside two colluders' lists, reading on
  // for hours after them (the first version's part in a change lasted two days, in every family).
  it('suppressed alerts make no change; a thief beside two colluders is said', () => {
    const at = t0 + 15 * DAY + 9 * HOUR
    const collude = (push: (r: Read) => void) => {
      colluders(push, at, [60, 60, 60])
      for (let i = 0; i < 90; i++) push({ at: at + 45 * MINUTE + i * 4 * MINUTE, agent: instances[4]!, resource: 'policy:contracts', action: 'list', records: 100, reporter: 'v-portal' })
    }
    const thief = (found: Anomaly[]) => found.filter((a) => a.agent === instances[4] && a.severity !== 'low' && a.at >= at && a.at < at + DAY && a.details.about === 'policy:contracts')
    assert.ok(thief(run(1, { extra: collude })).length > 0)
    const quiet = (agent: string) => agent === instances[0] || agent === instances[1]
    const found = run(1, { extra: collude, suppressed: (agent) => quiet(agent) })
    assert.deepEqual(found.filter((a) => quiet(a.agent) && a.at >= at && a.at < at + DAY).length, 0)
    assert.ok(thief(found).length > 0)
  })

  // A second review: two colluders' alerts, then a burst of lists far beyond theirs fitted
  // between two of the thief's own reads (1.5 million records unsaid on dc44eac, with the
  // colluders' largest grown by their unreported repeats). Only the colluders' alerts bound it
  // now, and a part shut by an ordinary read says what it excused. (This one is said on dc44eac
  // too, its burst tipped by its own size; the review's exact timing is not reproduced here.)
  it("a burst between two of a thief's own reads, beside two colluders' alerts, is said", () => {
    const at = t0 + 15 * DAY + 9 * HOUR
    const burst = (push: (r: Read) => void) => {
      colluders(push, at, [250, 250, 1000])
      for (let i = 0; i < 40; i++) push({ at: at + 45 * MINUTE + i * 1000, agent: instances[4]!, resource: 'policy:contracts', action: 'list', records: 1900, reporter: 'v-portal' })
    }
    const found = run(1, { extra: burst }).filter((a) => a.agent === instances[4] && a.severity !== 'low' && a.at >= at && a.at < at + DAY && a.details.about === 'policy:contracts')
    assert.ok(found.length > 0)
  })

  it("one reporter's made-up release explains nothing another verifier reports", () => {
    // Instances 1 and 2 reported by a hostile reporter only; instance 3 by the portal's verifier,
    // whose own view has no change of the group's: its lists are said.
    const said = volume(run(1, { reporter: (k) => (k < 2 ? 'v-evil' : 'v-portal') }))
    assert.ok(said[2]!.length > 0, JSON.stringify(said))
  })

  // A third review: a hostile reporter's made-up change and a made-up list of the agent's opened
  // a part that the honest verifier's next ordinary read shut, pinning a medium alert of made-up
  // requests on it. Only the reporter a part was excused to shuts it.
  it("a hostile reporter's made-up part pins no alert on the honest verifier's reads", () => {
    const at = t0 + 15 * DAY + 9 * HOUR
    const madeUp = (push: (r: Read) => void) => {
      colluders(push, at, [250, 250, 1000], 'v-evil')
      push({ at: at + 30 * MINUTE, agent: instances[4]!, resource: 'policy:contracts', action: 'list', records: 300, reporter: 'v-evil' })
    }
    const pinned = run(1, { extra: madeUp }).filter((a) => a.agent === instances[4] && a.details.excusedRequests !== undefined)
    assert.deepEqual(pinned.map((a) => `${a.kind}/${a.severity}`), [])
  })

  it('a bulk read by one instance alone, on an ordinary day, is said', () => {
    const at = t0 + 15 * DAY + 10 * HOUR
    const thief = (push: (r: Read) => void) => {
      for (let i = 0; i < 4; i++) push({ at: at + i * 5 * MINUTE, agent: instances[3]!, resource: 'policy:contracts', action: 'list', records: 30 + 10 * i, reporter: 'v-portal' })
    }
    const found = run(1, { extra: thief }).filter((a) => a.agent === instances[3] && a.kind === 'records-jump' && a.severity !== 'low' && a.at >= at && a.at < at + DAY)
    assert.ok(found.length > 0)
  })
})
