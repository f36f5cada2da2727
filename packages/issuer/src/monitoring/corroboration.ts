import { agentIdError } from '@agentid/core'

/** What an automatic suspension needs besides one alert (options of the service's monitoring). */
export interface CorroborationOptions {
  /** Distinct reporters whose own evidence about an agent, within the window, suspends it (default 2; 1 to 16). */
  readonly reporters?: number
  /**
   * Or: one reporter's evidence spread over at least this many minutes of the issuer's clock,
   * within the window (default 10); `false` leaves distinct reporters as the only way.
   */
  readonly spreadMinutes?: number | false
  /** Evidence older than this many minutes of the issuer's clock no longer counts (default 60). */
  readonly windowMinutes?: number
  /** Most agents one reporter holds evidence about at a time (default 1,000); past it, its evidence about further agents is not kept. */
  readonly maxAgentsPerReporter?: number
}

/** Severities that can suspend (the policy's `autoSuspend` levels). */
export type ContainmentLevel = 'high' | 'critical'

/** Whether the evidence about an agent is enough, and whose it is. */
export interface Verdict {
  readonly corroborated: boolean
  /** Reporters with evidence at the level within the window, sorted. */
  readonly reporters: readonly string[]
  /** Alert ids behind that evidence. */
  readonly alerts: readonly number[]
}

const PER_REPORTER_TIMES = 16
const MAX_REPORTERS_PER_AGENT = 16
const MAX_ALERT_IDS = 16

interface Evidence {
  /** Issuer's clock, ascending: findings at `high` or above, and at `critical`. */
  readonly high: number[]
  readonly critical: number[]
  readonly alerts: number[]
}

/**
 * The evidence for automatic containment, kept per agent and reporter on the issuer's clock: a
 * suspension needs `reporters` distinct reporters, or one reporter's evidence spread over
 * `spreadMinutes`, within `windowMinutes`. One reporter's single burst is never enough, however
 * it dates its events. Bounded: at most 16 reporters per agent (once full, the threshold is met,
 * as it is at most 16), 16 times per reporter and level, `maxAgentsPerReporter` agents per
 * reporter. A reporter can only fill its own share, never push out another's evidence.
 */
export class Corroboration {
  readonly #reporters: number
  readonly #spreadMs: number | undefined
  readonly #windowMs: number
  readonly #maxAgentsPerReporter: number
  readonly #byAgent = new Map<string, Map<string, Evidence>>()
  readonly #agentsOf = new Map<string, number>()
  #lastSweep = -Infinity

  /** @throws AgentIdError ERR_USAGE for settings out of range (a configuration mistake, found at start) */
  constructor(options: CorroborationOptions = {}) {
    this.#reporters = options.reporters ?? 2
    if (!Number.isSafeInteger(this.#reporters) || this.#reporters < 1 || this.#reporters > MAX_REPORTERS_PER_AGENT) throw agentIdError('ERR_USAGE', 'corroboration.reporters must be a whole number from 1 to 16')
    const spread = options.spreadMinutes ?? 10
    if (spread !== false && !(Number.isFinite(spread) && spread >= 0)) throw agentIdError('ERR_USAGE', 'corroboration.spreadMinutes must be a number of minutes, or false')
    this.#spreadMs = spread === false ? undefined : spread * 60_000
    this.#windowMs = (options.windowMinutes ?? 60) * 60_000
    if (!(this.#windowMs > 0) || (this.#spreadMs !== undefined && this.#spreadMs > this.#windowMs)) throw agentIdError('ERR_USAGE', 'corroboration.windowMinutes must be positive and not shorter than spreadMinutes')
    this.#maxAgentsPerReporter = options.maxAgentsPerReporter ?? 1000
  }

  /** How long evidence counts (issuer's clock). */
  get windowMs(): number {
    return this.#windowMs
  }

  /** Records one reporter's finding about an agent at `severity`, received at `at` (issuer's clock). */
  add(agent: string, reporter: string, severity: ContainmentLevel, at: number): void {
    let reporters = this.#byAgent.get(agent)
    if (reporters) this.#prune(agent, reporters, at)
    reporters = this.#byAgent.get(agent)
    let evidence = reporters?.get(reporter)
    if (!evidence) {
      // At its cap, the reporter's evidence that left the window (about agents nobody reports on
      // any more) makes room first; at most once a minute, as it looks at every agent.
      if ((this.#agentsOf.get(reporter) ?? 0) >= this.#maxAgentsPerReporter && at - this.#lastSweep >= 60_000) {
        this.#lastSweep = at
        for (const [a, r] of [...this.#byAgent]) this.#prune(a, r, at)
      }
      if ((this.#agentsOf.get(reporter) ?? 0) >= this.#maxAgentsPerReporter) return
      if (reporters && reporters.size >= MAX_REPORTERS_PER_AGENT) return
      if (!reporters) this.#byAgent.set(agent, (reporters = new Map()))
      evidence = { high: [], critical: [], alerts: [] }
      reporters.set(reporter, evidence)
      this.#agentsOf.set(reporter, (this.#agentsOf.get(reporter) ?? 0) + 1)
    }
    push(evidence.high, at)
    if (severity === 'critical') push(evidence.critical, at)
  }

  /** Ties an alert (once stored) to a reporter's evidence about an agent. */
  attach(agent: string, reporter: string, alertId: number): void {
    const alerts = this.#byAgent.get(agent)?.get(reporter)?.alerts
    if (alerts && alerts.length < MAX_ALERT_IDS) alerts.push(alertId)
  }

  /** Whether the evidence about `agent` at `level` is corroborated now. */
  verdict(agent: string, level: ContainmentLevel, now: number): Verdict {
    const reporters = this.#byAgent.get(agent)
    if (!reporters) return { corroborated: false, reporters: [], alerts: [] }
    this.#prune(agent, reporters, now)
    const holding = [...reporters].filter(([, e]) => e[level].length > 0)
    const spread = this.#spreadMs
    const corroborated = holding.length >= this.#reporters ||
      (spread !== undefined && holding.some(([, e]) => e[level][e[level].length - 1]! - e[level][0]! >= spread))
    return { corroborated, reporters: holding.map(([r]) => r).sort(), alerts: holding.flatMap(([, e]) => e.alerts).sort((a, b) => a - b) }
  }

  /** Drops the evidence about an agent (it was contained: a resumed agent starts afresh). */
  forget(agent: string): void {
    const reporters = this.#byAgent.get(agent)
    if (!reporters) return
    for (const reporter of reporters.keys()) this.#release(reporter)
    this.#byAgent.delete(agent)
  }

  /** Agents with evidence, and the largest number any one reporter holds. */
  stats(): { agents: number; mostPerReporter: number } {
    return { agents: this.#byAgent.size, mostPerReporter: Math.max(0, ...this.#agentsOf.values()) }
  }

  #prune(agent: string, reporters: Map<string, Evidence>, now: number): void {
    const from = now - this.#windowMs
    for (const [reporter, e] of reporters) {
      for (const times of [e.high, e.critical]) while (times.length > 0 && times[0]! < from) times.shift()
      if (e.high.length === 0) {
        reporters.delete(reporter)
        this.#release(reporter)
      }
    }
    if (reporters.size === 0) this.#byAgent.delete(agent)
  }

  #release(reporter: string): void {
    const held = (this.#agentsOf.get(reporter) ?? 1) - 1
    if (held > 0) this.#agentsOf.set(reporter, held)
    else this.#agentsOf.delete(reporter)
  }
}

// Keeps the first and the newest times: the spread is what counts, not every step between.
function push(times: number[], at: number): void {
  if (times.length > 0 && at < times[times.length - 1]!) at = times[times.length - 1]!
  if (times.length >= PER_REPORTER_TIMES) times.splice(1, 1)
  times.push(at)
}
