// Scores an anomaly detector on the realistic fortnight of scripts/workload.mjs (issue 21): the
// same benign weeks with and without attacks; an attack counts as detected only when it *caused*
// an alert (medium or above, at or after its start) of a kind the control run did not raise for
// that agent in the evaluated week. A benign agent (not attacked) counts as a false positive on
// any alert of medium or above in the evaluated week. The history week is for learning only.
// The detector is passed in: this module knows nothing of how it works. So is the workload (a
// module exporting `ATTACK_KINDS` and `generateWeek`, e.g. ./workload-b.mjs), ./workload.mjs by
// default; the scoring is the same whichever generates the fortnight.
import * as defaultWorkload from './workload.mjs'

const RANK = { low: 0, medium: 1, high: 2, critical: 3 }
const DAY = 86_400_000

/** How events are reported to the detector: see runDetector. */
export const REPORTERS = ['one', 'verifier', 'replicas']

function reporterOf(event, reporters) {
  if (reporters === 'one') return undefined
  if (reporters === 'verifier') return { reporter: event.verifier }
  // Which replica: a hash of the request's time and agent, so the same week routes the same way.
  let h = Math.floor(event.at) % 1_000_003
  for (let i = 0; i < event.agent.length; i++) h = (h * 31 + event.agent.charCodeAt(i)) % 1_000_003
  return { reporter: `${event.verifier}#${h % 2}` }
}

/**
 * Runs one week through a fresh detector, feeding it what an issuer knows (groups, status, grants).
 * `reporters`: 'one' reports every event through one reporter; 'verifier' through the verifier
 * that decided it (each service reports its own requests, as deployed verifiers do); 'replicas'
 * through one of two replicas of that verifier, each under its own name, request by request (a
 * load balancer's round robin).
 */
export function runDetector(AnomalyDetector, week, options = {}, reporters = 'one') {
  const status = new Map()
  const entitlements = new Map()
  const info = new Map(week.agents.map((a) => [a.id, a]))
  const granted = week.start ?? week.evalFrom - 7 * DAY
  for (const a of week.agents) entitlements.set(a.id, new Map(a.entitled.map((f) => [f, granted - 30 * DAY])))
  const contexts = new Map(week.agents.map((a) => [a.id, { groups: [`team:${a.team}/${a.kind}`, `segment:${a.segment}`, `role:${a.role}`], entitlements: entitlements.get(a.id) }]))
  const changes = [...week.statusChanges.map((c) => ({ at: c.at, apply: () => status.set(c.agent, c.status) })), ...week.grants.map((g) => ({ at: g.at, apply: () => entitlements.get(g.agent)?.set(g.family, g.at) }))].sort((x, y) => x.at - y.at)
  const detector = new AnomalyDetector({
    ...options,
    context: (agent) => {
      const c = contexts.get(agent)
      if (!c) return undefined
      const s = status.get(agent)
      return s ? { ...c, status: s } : c
    },
  })
  const alerts = []
  let next = 0
  const started = process.hrtime.bigint()
  for (const event of week.events) {
    while (next < changes.length && changes[next].at <= event.at) changes[next++].apply()
    for (const a of detector.observe(event, reporterOf(event, reporters))) alerts.push({ agent: a.agent, kind: a.kind, severity: a.severity, at: a.at, score: a.score })
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  void info
  return { alerts, rate: week.events.length / seconds, events: week.events.length }
}

/** Evaluates one seed; returns the figures and a per-kind table. */
export function evaluateSeed(AnomalyDetector, { seed, agents = 150, scale = 1, options = {}, workload = defaultWorkload, reporters = 'one' } = {}) {
  const { ATTACK_KINDS, generateWeek } = workload
  const control = generateWeek({ seed, agents, scale, attacks: false })
  const attacked = generateWeek({ seed, agents, scale, attacks: true })
  const c = runDetector(AnomalyDetector, control, options, reporters)
  const r = runDetector(AnomalyDetector, attacked, options, reporters)
  const inWeek = (a) => a.at >= attacked.evalFrom
  const controlKinds = new Set(c.alerts.filter(inWeek).map((a) => `${a.agent}\u0000${a.kind}`))
  const victims = new Set(attacked.attacks.map((x) => x.agent))
  // (`high`: caught with a caused alert of high or above, what automatic containment acts on.)
  const perKind = Object.fromEntries(ATTACK_KINDS.map((k) => [k, { planted: 0, caught: 0, high: 0, times: [] }]))
  const misses = []
  for (const x of attacked.attacks) {
    const row = perKind[x.kind]
    row.planted++
    const caused = r.alerts.filter((a) => a.agent === x.agent && a.at >= x.start && a.at <= x.end + DAY && RANK[a.severity] >= RANK.medium && !controlKinds.has(`${a.agent}\u0000${a.kind}`))
    if (caused.length > 0) {
      row.caught++
      row.times.push(Math.min(...caused.map((a) => a.at)) - x.start)
      if (caused.some((a) => RANK[a.severity] >= RANK.high)) row.high++
    } else misses.push({ kind: x.kind, agent: x.agent, profile: attacked.agents.find((y) => y.id === x.agent)?.profile, seen: [...new Set(r.alerts.filter((a) => a.agent === x.agent && a.at >= x.start && a.at <= x.end + DAY).map((a) => `${a.kind}/${a.severity}`))] })
  }
  const benign = attacked.agents.filter((a) => !victims.has(a.id))
  const flagged = new Map()
  for (const a of r.alerts) {
    if (!inWeek(a) || victims.has(a.agent) || RANK[a.severity] < RANK.medium) continue
    const worst = flagged.get(a.agent)
    if (!worst || RANK[a.severity] > RANK[worst.severity]) flagged.set(a.agent, a)
  }
  const flaggedHigh = [...flagged.values()].filter((a) => RANK[a.severity] >= RANK.high)
  const times = Object.entries(perKind).filter(([k]) => k !== 'slow-exfiltration').flatMap(([, v]) => v.times)
  const planted = attacked.attacks.length
  const caught = Object.values(perKind).reduce((s, v) => s + v.caught, 0)
  return {
    seed, agents, events: r.events, detectorRate: Math.min(c.rate, r.rate),
    recall: caught / planted, caught, planted, perKind,
    benign: benign.length, benignAlerted: flagged.size / benign.length, benignHigh: flaggedHigh.length / benign.length,
    falsePositives: [...flagged.values()].map((a) => ({ agent: a.agent, kind: a.kind, severity: a.severity, kindOfAgent: attacked.agents.find((x) => x.id === a.agent)?.kind, profile: attacked.agents.find((x) => x.id === a.agent)?.profile })),
    // Alerts said in the evaluated week (every agent, every severity; one per incident), and at medium or above.
    alertsSaid: r.alerts.filter(inWeek).length, alertsSaidMedium: r.alerts.filter((a) => inWeek(a) && RANK[a.severity] >= RANK.medium).length,
    medianMinutes: median(times) / 60_000,
    slowDriftHours: median(perKind['slow-exfiltration'].times) / 3_600_000,
    slowDriftWorstHours: Math.max(...perKind['slow-exfiltration'].times, -Infinity) / 3_600_000,
    misses,
  }
}

/** The targets of issue 21, checked on one seed's figures; returns what failed (empty: all met). */
export function unmetTargets(result) {
  const failed = []
  if (result.recall < 0.9) failed.push(`recall ${(result.recall * 100).toFixed(1)}% < 90%`)
  for (const [kind, v] of Object.entries(result.perKind)) if (v.planted > 0 && v.caught / v.planted < 0.75) failed.push(`${kind} ${v.caught}/${v.planted} < 75%`)
  if (result.benignAlerted > 0.02) failed.push(`benign alerted ${(result.benignAlerted * 100).toFixed(1)}% > 2%`)
  if (result.benignHigh > 0.005) failed.push(`benign high/critical ${(result.benignHigh * 100).toFixed(1)}% > 0.5%`)
  if (!(result.medianMinutes < 5)) failed.push(`median time to alert ${result.medianMinutes.toFixed(1)} min >= 5`)
  if (result.perKind['slow-exfiltration'].caught > 0 && !(result.slowDriftHours < 24)) failed.push(`slow drift: median time to alert ${result.slowDriftHours.toFixed(1)} h >= 24`)
  return failed
}

function median(values) {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
