import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openPostgresBus, type ClusterBus, type ClusterTopic } from '@agentid/issuer'
import { ConsoleSessions } from '../../src/http/console-session.js'
import { consoleSessionContract } from '../support/console-session-contract.js'
import { dropSchemas, postgresForTests } from '../store/postgres-support.js'

const T = Date.UTC(2026, 11, 3, 9, 0, 0)

describe('PostgreSQL cluster bus (replicas of one issuer)', function () {
  let url: string
  let schema: string
  const opened: ClusterBus[] = []
  const open = async (name = schema): Promise<ClusterBus> => {
    const bus = await openPostgresBus({ url, schema: name })
    opened.push(bus)
    return bus
  }

  before(async function () {
    const server = await postgresForTests()
    if (!server) return this.skip()
    url = server
  })

  beforeEach(() => { schema = `agentid_bus_${randomBytes(6).toString('hex')}` })

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()))
    await dropSchemas([schema, `${schema}_other`])
  })

  it("carries an announcement to the other replicas of the issuer, never back to its sender nor to another issuer's", async () => {
    const [a, b, other, otherPeer] = [await open(), await open(), await open(`${schema}_other`), await open(`${schema}_other`)]
    const heardByA: ClusterTopic[] = []
    const heardByOther: ClusterTopic[] = []
    await a.subscribe((topic) => heardByA.push(topic))
    await other.subscribe((topic) => heardByOther.push(topic))
    const heardByB = await nextAnnouncement(b)
    for (let i = 0; i < 3; i++) await a.announce('status')
    assert.equal(await heardByB.heard, 'status')
    // PostgreSQL delivers notifications in commit order: once A hears B's announcement, made
    // after its own three, it would have heard its own already had they come back to it; and once
    // the other issuer hears its peer's, it would have heard A's had they reached it.
    const aHearsB = await nextAnnouncement(a)
    const otherHearsPeer = await nextAnnouncement(other)
    await b.announce('status')
    await otherPeer.announce('status')
    await Promise.all([aHearsB.heard, otherHearsPeer.heard])
    assert.deepEqual(heardByA, ['status'])
    assert.deepEqual(heardByOther, ['status'])
  })

  it('gives a duty to one replica at a time, and to the next when the holder closes', async () => {
    const [a, b] = [await open(), await open()]
    assert.equal(await a.lead('sweeper', async () => 'a swept'), 'a swept')
    assert.equal(await b.lead('sweeper', async () => 'b swept'), undefined)
    // Another duty is free: duties are taken one by one.
    assert.equal(await b.lead('checkpoints', async () => 'b signed'), 'b signed')
    assert.equal(await a.lead('checkpoints', async () => 'a signed'), undefined)
    // A keeps what it holds.
    assert.equal(await a.lead('sweeper', async () => 'a again'), 'a again')
    await a.close()
    assert.equal(await b.lead('sweeper', async () => 'b took over'), 'b took over')
  })

  it('hands the duty over when its holder is killed with -9', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      import { openPostgresBus } from '@agentid/issuer'
      const bus = await openPostgresBus({ url: process.env.URL, schema: process.env.SCHEMA })
      await bus.lead('sweeper', async () => process.stdout.write('leading\\n'))
      setInterval(() => undefined, 1 << 30)
    `], { env: { ...process.env, URL: url, SCHEMA: schema }, stdio: ['ignore', 'pipe', 'inherit'] })
    const [first] = (await once(child.stdout!, 'data')) as [Buffer]
    assert.equal(first.toString(), 'leading\n')
    const b = await open()
    assert.equal(await b.lead('sweeper', async () => 'b'), undefined)
    child.kill('SIGKILL')
    await once(child, 'exit')
    // The server ends the dead client's session when it reads the closed socket: at once on
    // loopback, but not synchronously with our exit event, so ask until it has (bounded by tries).
    let led: string | undefined
    for (let i = 0; i < 2000 && led === undefined; i++) {
      led = await b.lead('sweeper', async () => 'b took over')
      if (led === undefined) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    assert.equal(led, 'b took over')
  })

  it('reserves a single-use key once across replicas, racing, until it expires', async () => {
    const [a, b] = [await open(), await open()]
    const key = `dpop:${randomBytes(8).toString('hex')}`
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? a : b).reserve(key, T + 60_000, T)))
    assert.equal(outcomes.filter((o) => o === 'ok').length, 1)
    assert.equal(outcomes.filter((o) => o === 'replay').length, 15)
    assert.equal(await a.reserve(key, T + 120_000, T + 59_999), 'replay')
    // Expired: reserved afresh (and then single-use again).
    assert.equal(await b.reserve(key, T + 120_000, T + 60_000), 'ok')
    assert.equal(await a.reserve(key, T + 180_000, T + 60_001), 'replay')
  })

  it('fails closed when the database does not answer', async () => {
    const a = await open()
    await a.close()
    await assert.rejects(a.reserve('k', T + 1000, T), { code: 'ERR_STORE' })
    opened.splice(opened.indexOf(a), 1)
  })
})

/** The next announcement a bus hears, once it listens. */
async function nextAnnouncement(bus: ClusterBus): Promise<{ heard: Promise<ClusterTopic> }> {
  let heard!: (topic: ClusterTopic) => void
  const next = new Promise<ClusterTopic>((resolve) => (heard = resolve))
  const stop = await bus.subscribe((topic) => { stop(); heard(topic) })
  // Wrapped: an async function returning the promise itself would wait for it.
  return { heard: next }
}

describe('console sessions shared by replicas (PostgreSQL)', function () {
  let url: string
  const schema = `agentid_sessions_${randomBytes(6).toString('hex')}`
  const buses: ClusterBus[] = []
  const key = randomBytes(32)

  before(async function () {
    const server = await postgresForTests()
    if (!server) return this.skip()
    url = server
  })
  after(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()))
    if (url) await dropSchemas([schema])
  })

  // Each session store on a bus of its own: what one opens, another (a replica) reads and ends.
  const make = async (now: () => number, sessionKey = key) => {
    const bus = await openPostgresBus({ url, schema })
    buses.push(bus)
    return new ConsoleSessions(now, { table: bus.sessions!, key: sessionKey })
  }
  consoleSessionContract('shared on PostgreSQL', (now) => make(now))

  it('is known at every replica, ends everywhere at sign-out, and keeps no usable secret in the database', async () => {
    const now = () => 1_000_000
    const [a, b] = [await make(now), await make(now)]
    const opened = await a.open('aid_secret_token', 'alice')
    assert.equal((await b.get(opened.id))?.token, 'aid_secret_token')
    assert.equal((await b.get(opened.id))?.csrf, opened.csrf)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query(`SELECT * FROM ${pg.escapeIdentifier(schema)}.console_sessions`)
    const dump = JSON.stringify(rows)
    assert.ok(!dump.includes('aid_secret_token') && !dump.includes(opened.id) && !dump.includes(opened.csrf), 'neither the token, the id nor the CSRF token in clear')
    // A row sealed for another session does not open as this one; nor under another key.
    await client.query(`UPDATE ${pg.escapeIdentifier(schema)}.console_sessions SET sealed = (SELECT sealed FROM ${pg.escapeIdentifier(schema)}.console_sessions WHERE principal = 'alice' LIMIT 1)`)
    const other = await a.open('aid_other', 'bob')
    await client.query(`UPDATE ${pg.escapeIdentifier(schema)}.console_sessions SET sealed = (SELECT sealed FROM ${pg.escapeIdentifier(schema)}.console_sessions WHERE principal = 'alice' ORDER BY opened DESC LIMIT 1) WHERE principal = 'bob'`)
    assert.equal(await b.get(other.id), undefined, "alice's sealed secrets moved onto bob's row do not open")
    await client.end()
    assert.equal(await (await make(now, randomBytes(32))).get(opened.id), undefined, 'another key opens nothing')
    await b.close(opened.id)
    assert.equal(await a.get(opened.id), undefined)
  })
})
