import { agentIdError } from '../errors/agentid-error.js'

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const
const MAX_SECONDS = 366 * 86400

/**
 * Parses a duration such as `30s`, `15m`, `24h`, `7d` into whole seconds (positive, at most one
 * year: every grant expires).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseDuration(value: unknown, field = 'ttl', maxSeconds = MAX_SECONDS): number {
  const m = typeof value === 'string' ? /^([1-9][0-9]{0,7})([smhd])$/.exec(value) : null
  if (!m) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be a positive duration such as 15m, 24h or 7d`)
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS]
  if (seconds > maxSeconds) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be at most ${maxSeconds} seconds`)
  return seconds
}
