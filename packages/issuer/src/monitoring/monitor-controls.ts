import { agentIdError } from '@agentid/core'
import { ANOMALY_KINDS, isStatusKind, type AnomalyKind, type DetectorControls } from './anomaly-detector.js'

/** The setting the operator's controls are kept under (audited on change). */
export const CONTROLS_SETTING = 'monitoring.controls'

/** Longest suppression: 30 days. A suppression is a decision to look away; it must be renewed, not forgotten. */
export const MAX_SUPPRESSION_MINUTES = 30 * 24 * 60

/** What an operator asks to suppress (`POST /monitoring/suppressions`). */
export interface SuppressionInput {
  readonly agent?: string
  readonly kind?: AnomalyKind
  readonly about?: string
  readonly minutes: number
  readonly reason: string
}

const fail = (field: string, what: string): never => {
  throw agentIdError('ERR_INPUT_INVALID', `"${field}" ${what}`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function boundedNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(field, `must be a number from ${min} to ${max}`)
  return value as number
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) fail(field, `must be text of 1 to ${max} characters, without control characters`)
  return value as string
}

/**
 * The operator's controls, from a request body or the stored setting: learning period, maturity,
 * sensitivity per kind (0 off, 1 default, at most 4). Unknown fields and kinds are refused.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseControls(value: unknown): DetectorControls {
  if (!isObject(value)) return fail('controls', 'must be an object')
  const out: { learnMinutes?: number; learnEvents?: number; matureHours?: number; sensitivity?: Partial<Record<AnomalyKind, number>> } = {}
  for (const key of Object.keys(value)) if (!['learnMinutes', 'learnEvents', 'matureHours', 'sensitivity'].includes(key)) fail(key, 'is not a monitoring control')
  if (value.learnMinutes !== undefined) out.learnMinutes = boundedNumber(value.learnMinutes, 'learnMinutes', 0, 7 * 24 * 60)
  if (value.learnEvents !== undefined) out.learnEvents = Math.round(boundedNumber(value.learnEvents, 'learnEvents', 0, 100_000))
  if (value.matureHours !== undefined) out.matureHours = boundedNumber(value.matureHours, 'matureHours', 0, 30 * 24)
  if (value.sensitivity !== undefined) {
    if (!isObject(value.sensitivity)) fail('sensitivity', 'must be an object of kind: number')
    const sensitivity: Partial<Record<AnomalyKind, number>> = {}
    for (const [kind, level] of Object.entries(value.sensitivity as Record<string, unknown>)) {
      if (!(ANOMALY_KINDS as readonly string[]).includes(kind)) fail(`sensitivity.${kind}`, 'is not an anomaly kind')
      // Retired or suspended agents in use are always reported: that alert cannot be turned off.
      if (isStatusKind(kind)) fail(`sensitivity.${kind}`, 'cannot be changed: use of a retired or suspended agent is always reported')
      sensitivity[kind as AnomalyKind] = boundedNumber(level, `sensitivity.${kind}`, 0, 4)
    }
    out.sensitivity = sensitivity
  }
  return out
}

/**
 * A suppression request: at least one of agent, kind, about (nothing may silence everything),
 * a duration in minutes (at most 30 days) and a reason.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseSuppression(value: unknown): SuppressionInput {
  if (!isObject(value)) return fail('body', 'must be an object')
  for (const key of Object.keys(value)) if (!['agent', 'kind', 'about', 'minutes', 'reason'].includes(key)) fail(key, 'is not a suppression field')
  const agent = value.agent === undefined ? undefined : text(value.agent, 'agent', 256)
  if (agent !== undefined && !agent.startsWith('did:')) fail('agent', 'must be a DID')
  const kind = value.kind === undefined ? undefined : text(value.kind, 'kind', 64)
  if (kind !== undefined && !(ANOMALY_KINDS as readonly string[]).includes(kind)) fail('kind', 'must be an anomaly kind')
  if (kind !== undefined && isStatusKind(kind)) fail('kind', 'cannot be suppressed: use of a retired or suspended agent is always reported')
  const about = value.about === undefined ? undefined : text(value.about, 'about', 256)
  if (agent === undefined && kind === undefined && about === undefined) fail('body', 'must name an agent, a kind or what a finding is about: a suppression of everything is refused')
  const minutes = boundedNumber(value.minutes, 'minutes', 1, MAX_SUPPRESSION_MINUTES)
  const reason = text(value.reason, 'reason', 500)
  return { ...(agent !== undefined ? { agent } : {}), ...(kind !== undefined ? { kind: kind as AnomalyKind } : {}), ...(about !== undefined ? { about } : {}), minutes, reason }
}

/**
 * A verdict on an alert (`POST /alerts/:id/feedback`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseFeedback(value: unknown): { verdict: 'benign' | 'confirmed'; note?: string } {
  if (!isObject(value)) return fail('body', 'must be an object')
  for (const key of Object.keys(value)) if (!['verdict', 'note'].includes(key)) fail(key, 'is not a feedback field')
  if (value.verdict !== 'benign' && value.verdict !== 'confirmed') fail('verdict', 'must be benign or confirmed')
  const note = value.note === undefined ? undefined : text(value.note, 'note', 500)
  return { verdict: value.verdict as 'benign' | 'confirmed', ...(note !== undefined ? { note } : {}) }
}
