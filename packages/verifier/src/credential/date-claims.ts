import { agentIdError } from '@agentid/core'

// An XML Schema dateTime with a time zone, as VC Data Model 1.1 writes dates (RFC 3339 profile).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/

// Whole seconds since the epoch of a dateTime, or undefined when it is not one (a day that does
// not exist, such as 30 February, included: Date would roll it over).
export function dateTimeSeconds(text: string): number | undefined {
  const m = DATE_TIME.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const offset = m[8] === 'Z' ? 0 : (m[8]!.startsWith('-') ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]))
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || Math.abs(offset) > 14 * 60 || (m[10] !== undefined && Number(m[10]) > 59)) return undefined
  // setUTCFullYear, not Date.UTC: the latter reads years 0-99 as 1900-1999.
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, 0)
  if (date.getUTCDate() !== day) return undefined
  return date.getTime() / 1000 - offset * 60
}

/**
 * Checks that a date the credential states in its `vc` object (VC Data Model 1.1 `issuanceDate`,
 * `expirationDate`, or their 2.0 names `validFrom`, `validUntil`) agrees with the JWT claim that
 * represents it (`nbf`, `exp`; section 6.3.1), to the second. Absent: nothing to check. A
 * verifier that reads the `vc` form must not see another life than one that reads the claims.
 * @throws AgentIdError ERR_INPUT_INVALID (not a dateTime with a time zone), ERR_VC_CLAIMS_MISMATCH
 *   (another second than the claim, or the claim absent)
 */
export function checkDateClaim(value: unknown, claimSeconds: number | undefined, field: string, claim: string): void {
  if (value === undefined) return
  const seconds = typeof value === 'string' ? dateTimeSeconds(value) : undefined
  if (seconds === undefined) throw agentIdError('ERR_INPUT_INVALID', `credential ${field} must be a date-time with a time zone`)
  if (claimSeconds === undefined) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', `credential ${field} is given but "${claim}" is not`)
  if (Math.floor(seconds) !== claimSeconds) throw agentIdError('ERR_VC_CLAIMS_MISMATCH', `credential ${field} differs from "${claim}"`)
}
