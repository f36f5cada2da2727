// One measurement of the scale simulation, in a process of its own (a clean heap, its own peak
// memory, and an out-of-memory death that does not take the simulation with it): opens the
// issuer the simulation loaded and times one operation through the issuer's public API.
// Usage: node scripts/simulate/measure.mjs '{"home": "...", "op": "lookup", "samples": "dids.json"}'
// Prints one JSON object on stdout.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { Issuer, policyToJson } from '@agentid/issuer'

const { home, op, samples, agents, name } = JSON.parse(process.argv[2])

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function timed(fn) {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

const opened = await timed(() => Issuer.open({ home, env: {} }))
const issuer = opened.value
const out = { op, openMs: opened.ms }
try {
  const admin = await issuer.authenticate(readFileSync(issuer.home.adminTokenFile, 'utf8').trim())
  if (!admin) throw new Error('the admin token did not authenticate')
  if (op === 'lookup') {
    const dids = JSON.parse(readFileSync(samples, 'utf8'))
    // Warm the statements and the page cache the way a running service has them.
    for (const did of dids.slice(0, 50)) await issuer.visibleAgent(did, admin)
    const byDid = await timed(async () => {
      for (const did of dids) if (!(await issuer.visibleAgent(did, admin))) throw new Error(`agent ${did} not found`)
    })
    out.lookups = dids.length
    out.lookupMs = byDid.ms / dids.length
    const pages = async (filter, offset, times) => {
      const ms = []
      let total = 0
      for (let i = 0; i < times; i++) {
        const t = await timed(() => issuer.pageAgents(filter, 50, offset, admin))
        if (t.value.agents.length === 0) throw new Error('an empty page of agents')
        total = t.value.total
        ms.push(t.ms)
      }
      return { ms: median(ms), total }
    }
    out.firstPageMs = (await pages({}, 0, 5)).ms
    out.middlePageMs = (await pages({}, Math.floor(agents / 2), 3)).ms
    // The same pages by cursor (GET /agents?after=): the middle one after the agent before it,
    // whose position is found untimed.
    const cursorPages = async (after, times) => {
      const ms = []
      for (let i = 0; i < times; i++) {
        const t = await timed(() => issuer.pageAgentsAfter({}, 50, after, admin))
        if (t.value.agents.length === 0) throw new Error('an empty page of agents')
        ms.push(t.ms)
      }
      return median(ms)
    }
    const [beforeMiddle] = (await issuer.pageAgents({}, 1, Math.floor(agents / 2) - 1, admin)).agents
    out.cursorFirstPageMs = await cursorPages(undefined, 5)
    out.cursorMiddlePageMs = await cursorPages({ createdAt: beforeMiddle.createdAt, did: beforeMiddle.did }, 5)
    // One team's agents: the owner of the first sampled agent that a team owns.
    let owner = 'team-0000'
    for (const did of dids) {
      const agent = await issuer.agentRecord(did)
      if (agent?.owner.startsWith('team-')) {
        owner = agent.owner
        break
      }
    }
    const owned = await pages({ owner }, 0, 5)
    out.ownerPageMs = owned.ms
    out.ownerAgents = owned.total
    // GET /agents with no filter answers with every agent (packages/issuer/src/http/routes.ts).
    const all = await timed(() => issuer.listAgents(admin))
    out.listAllMs = all.ms
    out.listAllCount = all.value.length
  } else if (op === 'publish') {
    const t = await timed(() => issuer.publishStatusLists())
    out.ms = t.ms
    out.lists = t.value.length
    out.bytes = t.value.reduce((n, jwt) => n + jwt.length, 0)
  } else if (op === 'readiness') {
    // What /readyz waits for at a start: the log from the newest signed checkpoint. The service
    // signs one every 1,000 entries or minute; here one is signed at the head first, then the
    // verification a restart does is timed (the full one follows it in the background: 'audit').
    const signed = await timed(() => issuer.checkpoint())
    const t = await timed(() => issuer.verifyAuditSinceCheckpoint())
    if (!t.value.ok) throw new Error(`the audit log does not verify from its checkpoint: entry ${t.value.seq}: ${t.value.reason}`)
    out.checkpointMs = signed.ms
    out.ms = t.ms
    out.entries = t.value.entries
    out.from = t.value.from
  } else if (op === 'audit') {
    const t = await timed(() => issuer.verifyAudit())
    if (!t.value.ok) throw new Error(`the audit chain does not verify: entry ${t.value.seq}: ${t.value.reason}`)
    out.ms = t.ms
    out.entries = t.value.entries
  } else if (op === 'sweep' || op === 'sweep-after-review') {
    const t = await timed(() => issuer.sweep())
    out.ms = t.ms
    Object.assign(out, t.value)
  } else if (op === 'sweep-due') {
    // The sweeper's worst case: every live credential due at once (review intervals of a
    // minute), so that it opens one campaign over all of them. The policy is put back after, and
    // the campaign removed below (as the loader removes them), for the review measured next.
    const { policy } = await issuer.policy()
    const document = policyToJson(policy)
    await issuer.setPolicy({ ...document, reviewIntervals: { low: '1m', medium: '1m', high: '1m', critical: '1m' } }, admin)
    try {
      const t = await timed(() => issuer.sweep())
      out.ms = t.ms
      Object.assign(out, t.value)
    } finally {
      await issuer.setPolicy(document, admin)
    }
  } else if (op === 'review') {
    const t = await timed(() => issuer.startReview({ name, all: true }, admin))
    out.ms = t.ms
    out.items = t.value.items
    const [entry] = (await issuer.searchAudit({ action: 'review.start' }, 1)).entries
    out.auditEntryBytes = JSON.stringify(entry?.details ?? null).length
  } else {
    throw new Error(`unknown operation ${op}`)
  }
} catch (error) {
  out.error = `${error.code ?? error.name}: ${error.message}`
} finally {
  await issuer.close()
}
if (op === 'sweep-due') {
  const db = new Database(issuer.home.database)
  db.exec('DELETE FROM review_items; DELETE FROM review_campaigns')
  db.close()
}
// The high-water mark of this process's memory: VmHWM starts again at exec, where getrusage's
// maxRSS would carry the parent's (Linux keeps it across fork and exec).
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
out.maxRssMb = Math.round((hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024)
process.stdout.write(`${JSON.stringify(out)}\n`)
