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
  if (seconds > maxSeconds) throw agentIdError('ERR_INPUT_INVALID', `"${field}" must be at most ${formatDuration(maxSeconds)}`)
  return seconds
}

/**
 * Formats whole seconds for people in the units `parseDuration` reads: the largest unit that
 * divides the value exactly (`28800` is `8h`, `5400` is `90m`, `86400` is `1d`), so that what is
 * shown can be typed back. With `{ approximate: true }`, the largest unit the value reaches and up
 * to one more (`1d 2h`, `3h 12m`), for ages and time left, which are rarely whole.
 * @throws AgentIdError ERR_INPUT_INVALID for a value that is not a whole number of seconds >= 0
 */
export function formatDuration(seconds: number, options: { approximate?: boolean } = {}): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw agentIdError('ERR_INPUT_INVALID', `a duration must be a whole number of seconds >= 0, not ${seconds}`)
  const units = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const
  if (!options.approximate) {
    const [unit, size] = units.find(([, size]) => seconds % size === 0 && seconds >= size) ?? ['s', 1]
    return `${seconds / size}${unit}`
  }
  const first = units.findIndex(([, size]) => seconds >= size)
  if (first < 0) return '0s'
  const [unit, size] = units[first]!
  const whole = Math.floor(seconds / size)
  const next = units[first + 1]
  const rest = next ? Math.floor((seconds - whole * size) / next[1]) : 0
  return rest > 0 && next ? `${whole}${unit} ${rest}${next[0]}` : `${whole}${unit}`
}
