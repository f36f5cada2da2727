import { formatDuration } from '@agentid/core'

// Formatting for people: JSON output never goes through here.

/** How far `iso` is from `nowMs`: `in 7h 59m`, `2d 3h ago`. */
export function relativeTime(iso: string, nowMs: number): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return iso
  const seconds = Math.round(Math.abs(ms - nowMs) / 1000)
  const span = formatDuration(seconds, { approximate: true })
  return ms >= nowMs ? `in ${span}` : `${span} ago`
}

/** The lifetime between two instants, as `--ttl` takes it: `8h`, `30m`, `1d`. */
export function lifetime(fromIso: string, toIso: string): string {
  const seconds = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000)
  return Number.isSafeInteger(seconds) && seconds >= 0 ? formatDuration(seconds) : '?'
}

/** One entitlement for people: `read,list db:customers for monthly-report (maxRecords=5000)`. */
export function entitlementText(e: { resource: string; actions: readonly string[]; purpose?: string; constraints?: Readonly<Record<string, unknown>> }): string {
  const constraints = e.constraints ? Object.entries(e.constraints).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`) : []
  return `${e.actions.join(',')} ${e.resource}${e.purpose ? ` for ${e.purpose}` : ''}${constraints.length > 0 ? ` (${constraints.join('; ')})` : ''}`
}

/** Rows of cells as aligned columns, two spaces apart. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')
  return [line(header), ...rows.map(line)].join('\n')
}
