import { agentIdError } from '@agentid/core'
import type { AlertRecord, AuditInput, CredentialOfferRecord, DelegationRecord, OfferRedemption } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'

/**
 * Redeems an offer's code once, for its holder, with its transaction code when it has one. A wrong
 * holder or code counts towards burning it, in the same write: guessing a short code, or trying a
 * stolen one with another key, is bounded by `maxAttempts`, not by time.
 */
export async function redeemOffer(t: Tx, codeSha256: string, txCodeSha256: string | undefined, options: { now: number; maxAttempts: number; holder: string; audit: (offer: CredentialOfferRecord) => AuditInput }): Promise<OfferRedemption> {
  const offer = await t.offers.get(codeSha256)
  if (!offer) return { outcome: 'unknown' }
  if (offer.redeemedAt !== undefined) return { outcome: 'used', offer }
  if (offer.failedAttempts >= options.maxAttempts) return { outcome: 'burnt', offer }
  if (offer.expiresAt <= options.now) return { outcome: 'expired', offer }
  // Malformed, not a guess: nothing counted.
  if (offer.txCodeSha256 !== undefined && txCodeSha256 === undefined) return { outcome: 'tx-code-missing', offer }
  if (offer.txCodeSha256 === undefined && txCodeSha256 !== undefined) return { outcome: 'tx-code-unexpected', offer }
  const wrong = offer.subject !== options.holder ? 'holder' : offer.txCodeSha256 !== undefined && offer.txCodeSha256 !== txCodeSha256 ? 'tx-code' : undefined
  if (wrong) {
    await t.offers.countFailure(codeSha256)
    return { outcome: offer.failedAttempts + 1 >= options.maxAttempts ? 'burnt' : wrong, offer }
  }
  await t.offers.markRedeemed(codeSha256, options.now)
  await t.record(options.audit(offer))
  return { outcome: 'redeemed', offer: { ...offer, redeemedAt: options.now } }
}

/**
 * Records reported delegations under credentials issued here, each once (the same report again is
 * passed over; another JWT under a known id is refused), each audited, with the alert `alert` raises.
 */
export async function recordDelegations(t: Tx, records: readonly DelegationRecord[], audit: (record: DelegationRecord) => AuditInput, alert?: (record: DelegationRecord) => Omit<AlertRecord, 'id'> | undefined): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
  const recorded: DelegationRecord[] = []
  const alerts: AlertRecord[] = []
  for (const r of records) {
    if (!(await t.credentials.exists(r.root))) throw agentIdError('ERR_NOT_FOUND', `credential ${r.root} was not issued here`)
    const known = await t.delegations.reportedJwtSha256(r.root, r.id)
    if (known !== undefined) {
      if (known !== r.jwtSha256) throw agentIdError('ERR_CONFLICT', `another delegation with id ${r.id} was reported under ${r.root} before`)
      continue
    }
    await t.delegations.insert(r)
    await t.record(audit(r))
    recorded.push(r)
    const raised = alert?.(r)
    if (raised) alerts.push(await t.alerts.insert(raised))
  }
  return { recorded, alerts }
}
