// Renewal of a grant's credential (OpenID4VCI, docs/issuance.md): the current credential of a
// lineage, renewed from half its life while the grant stands.
import { agentIdError, entitlementToJson, isAgentIdError } from '@agentid/core'
import { isSdJwt } from '@agentid/verifier'
import { samePartyNow } from '../governance/party.js'
import { renewalDue, renewalEnd } from '../governance/renewal.js'
import type { IssuerContext } from './context.js'
import { type IssuingContext, prepareIssuance } from './issuance.js'
import { judgeEntitlements } from './rules.js'
import { type GrantInput, type IssuedCredential, MAX_GRANT_TTL } from './types.js'

/**
 * The subject's current credential of a grant (docs/issuance.md), from any credential of its
 * lineage: the newest, as issued, until half its life; from then on a renewal minted now (a new
 * credential with its own status entry, audited as `credential.renew` of the old one), while the
 * grant stands: not revoked or suspended, its agent active, inside the approved window, and the
 * policy in force still allowing it as it was granted. A renewal never outlives the window.
 * @throws AgentIdError ERR_NOT_FOUND (no such credential of this subject), ERR_VC_REVOKED,
 *   ERR_VC_SUSPENDED, ERR_FORBIDDEN (retired), ERR_NOT_RENEWABLE, ERR_APPROVAL_REQUIRED, ERR_CONFLICT (task completed), ERR_STORE
 */
export async function currentCredential(ctx: IssuingContext & Pick<IssuerContext, 'events' | 'policy' | 'store'>, id: string, subject: string): Promise<IssuedCredential & { readonly renewed: boolean }> {
  let record = await ctx.store.getCredential(id)
  if (!record || record.subject !== subject) throw agentIdError('ERR_NOT_FOUND', `no credential ${id} of ${subject}`)
  for (let next = await ctx.store.getRenewal(record.id); next; next = await ctx.store.getRenewal(record.id)) record = next
  const nowSeconds = Math.floor(ctx.now() / 1000)
  const agent = await ctx.store.getAgent(subject)
  if (record.status === 'active' && record.expires > nowSeconds && !renewalDue(record, nowSeconds)) {
    const jwt = await ctx.store.getCredentialJwt(record.id)
    // OpenID4VCI has configurations for the VC formats only (jwt_vc_json, vc+jwt; docs/issuance.md):
    // an SD-JWT VC is not handed out under one of them; it renews as a VC once its renewal is due.
    if (jwt !== undefined && isSdJwt(jwt)) throw agentIdError('ERR_CONFLICT', `credential ${record.id} is an SD-JWT VC, which OpenID4VCI does not deliver here; it is renewed in the issuer's VC format from half its life`)
    if (jwt !== undefined && agent?.status === 'active' && agent.suspendedAt === undefined) return { id: record.id, jwt, record, renewed: false }
  }
  const renewsJwt = await ctx.store.getCredentialJwt(record.id)
  // The grant's start: the credential its lineage began with.
  const start = (await ctx.store.grantStart(record.id)) ?? record.notBefore
  const { policy } = await ctx.policy()
  const assessment = judgeEntitlements(policy, record.entitlements, { ...(record.risk ? { riskFloor: record.risk } : {}), byAgent: false })
  const sameParty = await samePartyNow(ctx.store, [subject, ...(record.approvals ?? []).map((a) => a.approver)])
  const judged = renewalEnd(record, agent, nowSeconds, { start, sameParty: (approver) => sameParty(approver, subject) }, {
    chain: assessment.chain, maxTtlSeconds: Math.min(assessment.maxTtlSeconds, record.jit ? policy.jitMaxTtlSeconds : MAX_GRANT_TTL),
  })
  if ('refusal' in judged) throw judged.refusal
  const input: GrantInput = {
    subject, entitlements: record.entitlements.map(entitlementToJson), ttlSeconds: Math.min(record.expires - record.notBefore, judged.ends - nowSeconds),
    ...(record.task ? { task: record.task } : {}), ...(record.jit ? { jit: true } : {}), ...(record.risk ? { risk: record.risk } : {}),
    // A VC, whatever sdJwtByDefault says: OpenID4VCI delivers VCs here (its format is the grant's, prepareIssuance).
    format: 'vc',
  }
  const { draft, sign, audit, guard } = prepareIssuance(ctx, agent!, input, subject, {
    policy, assessment, renews: record, ...(renewsJwt !== undefined ? { renewsJwt } : {}),
    ...(record.approvals ? { approvals: record.approvals } : {}), ...(record.requestId ? { requestId: record.requestId } : {}), ...(record.requestedBy ? { requestedBy: record.requestedBy } : {}),
  })
  try {
    const issued = await ctx.events.timed(ctx.store.issueCredential(draft, sign, audit, guard), () => true)
    return { id: issued.record.id, jwt: issued.jwt, record: issued.record, renewed: true }
  } catch (error) {
    // Another request renewed it first: that renewal is the answer.
    const renewal = isAgentIdError(error) && error.code === 'ERR_CONFLICT' ? await ctx.store.getRenewal(record.id) : undefined
    const jwt = renewal && (await ctx.store.getCredentialJwt(renewal.id))
    if (renewal && jwt) return { id: renewal.id, jwt, record: renewal, renewed: false }
    throw error
  }
}
