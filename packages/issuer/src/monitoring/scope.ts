/**
 * One event as the detector's checks see it (anomaly-detector.ts builds it once per event; the
 * checks in volume-checks.ts and rate-checks.ts read it), and how a check says a finding.
 */
import type { RiskLevel } from '@agentid/core'
import type { VerificationEvent } from '@agentid/verifier'
import type { AgentContext, AnomalyKind, Finding } from './anomaly-detector.js'
import type { AgentBaseline, FamilyStats, GroupBaseline } from './baseline.js'

// What #say needs to know of the event a finding is about (or of the release that says it).
export interface Said {
  readonly b: AgentBaseline
  readonly agent: string
  readonly at: number
  readonly receivedAt: number
  readonly decision: string
  readonly found: Finding[]
  /** For an event (not a release): its reporter, the groups that may explain a held finding, the clock moving forward (#elapsed). */
  readonly reporter?: string
  readonly holdGroups?: readonly GroupBaseline[]
  readonly elapsed?: number
  /** For a release: when the held finding occurred (what another finding within the hour is measured from). */
  readonly occurred?: number
  /** For a release: the issuer's clock when each reporter's event came (Finding.evidenceAt). */
  readonly evidenceAt?: readonly number[]
}
// One event as the checks see it (one object per event: the detector reads every event), and
// what they found out on the way.
export interface Scope extends Said {
  readonly reporter: string
  readonly holdGroups: readonly GroupBaseline[]
  readonly elapsed: number
  readonly event: VerificationEvent
  readonly ctx: AgentContext | undefined
  /** Its peer groups, the team first. */
  readonly groups: readonly GroupBaseline[]
  readonly allowed: boolean
  /** Within its learning period; past it and its habits judged (matureHours). */
  readonly learning: boolean
  readonly mature: boolean
  /** The family of the resource used, and its stats once looked up (undefined: none, or the table full). */
  readonly fam: string | undefined
  f: FamilyStats | undefined
  /** Days since 1970 and the hour of the day (UTC) of its time. */
  readonly day: number
  readonly hour: number
  /** False once the use of its family or action is found unexplained: its segment is not learned from it then. */
  familyExplained: boolean
  /** Whether its refusal was found the only refused reach of the agent within the day (#familyUse): its segment's is the same. */
  soleRefusal: boolean
  /** Whether that stray went again into a family it strayed into on an earlier day (#stray). */
  strayAgain: boolean
  /** Whether the use of its family was found a weekly duty's (#weeklyDuty): its segment's first use a week before is the same duty's. */
  weekly: boolean
}

/**
 * Says a finding about the event's agent: `evidence` by default the event's reporter, `severity`
 * by default the kind's. Returns whether it was reported (an alert now: not suppressed, not
 * explained, not an occurrence of an incident already said).
 */
export type Say = (s: Scope, kind: AnomalyKind, about: string, score: number, details: Record<string, unknown>, evidence?: readonly string[], severity?: RiskLevel) => boolean

/**
 * Finds a finding at once and holds it (anomaly-detector.ts, #hold; `low`, evidence, no alert while
 * held): said at `severity` when it is due, unless `explained` by then (on the reporter's word it
 * was held on).
 */
export type Hold = (s: Scope, explained: (at: number, reporter: string) => boolean, kind: AnomalyKind, about: string, score: number, details: Record<string, unknown>, severity: RiskLevel) => void

/** The sensitivity in force for each kind: 1 the default, 2 twice as sensitive, 0 off. */
export type Sens = Readonly<Record<AnomalyKind, number>>
