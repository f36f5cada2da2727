// Minting one entitlement credential: the draft, its signature in the issuer's format once the
// store has allocated its status slot, the check of what was signed, and its audit entry.
import { AGENTID_CONTEXT_V1, agentIdError, type ApprovalEvidence, CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2, CREDENTIALS_STATUS_CONTEXT_V1, type Entitlement, ENTITLEMENT_CREDENTIAL_TYPE, entitlementSubjectToJson, entitlementToJson, parseEntitlements, parseEntitlementSubject } from '@agentid/core'
import { checkCredentialJwt, isSdJwt, VC_JWT_TYPE } from '@agentid/verifier'
import { type Assessment, delegableUnder, maxRisk, type Policy } from '../governance/policy.js'
import type { Principal } from '../governance/principal.js'
import type { AgentRecord, AuditInput, CredentialDraft, CredentialRecord, Issuance, StatusAllocation } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'
import { checkTtl, dutyGuard, isoSeconds } from './rules.js'
import { type CredentialFormat, type GrantFormat, type GrantInput, type IssuedCredential, MAX_GRANT_TTL } from './types.js'

/** What minting a credential needs: the issuer's identity, settings, clock, ids and signer. */
export type IssuingContext = Pick<IssuerContext, 'credentialFormat' | 'did' | 'now' | 'publicUrl' | 'randomId' | 'sdJwtByDefault' | 'signer'>

export async function issueNow(ctx: IssuingContext & Pick<IssuerContext, 'events' | 'store'>, agent: AgentRecord, input: GrantInput, principal: Principal, judged: { policy: Policy; assessment: Assessment }): Promise<IssuedCredential> {
  const { draft, sign, audit, guard } = prepareIssuance(ctx, agent, input, principal.id, { ...judged, requestedBy: principal.id })
  const { record, jwt } = await ctx.events.timed(ctx.store.issueCredential(draft, sign, audit, guard), () => true)
  return { id: record.id, jwt, record }
}

// Parses a grant at the boundary (entitlements strictly: an unknown constraint is never
// issued) and prepares what the store runs inside its transaction.
export function prepareIssuance(
  ctx: IssuingContext,
  agent: AgentRecord,
  input: GrantInput,
  actor: string,
  judged: { policy: Policy; assessment: Assessment; approvals?: readonly ApprovalEvidence[]; requestId?: string; requestedBy?: string; renews?: CredentialRecord; renewsJwt?: string },
): Issuance {
  checkTtl(input.ttlSeconds, MAX_GRANT_TTL, false)
  const carriesApprovals = (judged.approvals?.length ?? 0) > 0
  // Delegable as the policy in force says (a caller may only narrow it to false), written where
  // a verifier would otherwise read it differently: false always, true on a credential with
  // approvals (where saying nothing means not delegable).
  const entitlements = parseEntitlements(input.entitlements, 'entitlements').map((e): Entitlement => {
    const { delegable: asked, ...rest } = e
    const delegable = asked !== false && delegableUnder(judged.policy, rest)
    return delegable && !carriesApprovals ? rest : { ...rest, delegable }
  })
  const profile = { name: agent.name, kind: agent.kind, owner: agent.owner, ...(agent.segment ? { segment: agent.segment } : {}) }
  const risk = input.risk !== undefined ? maxRisk(judged.assessment.risk, input.risk) : judged.assessment.risk
  const subject = parseEntitlementSubject(entitlementSubjectToJson(agent.did, {
    agent: profile, entitlements, ...(input.task ? { task: input.task } : {}), risk,
    ...(judged.approvals && judged.approvals.length > 0 ? { approvals: judged.approvals } : {}),
  }))
  const notBefore = Math.floor(ctx.now() / 1000)
  const draft: CredentialDraft = {
    id: ctx.randomId(),
    subject: agent.did,
    issuer: ctx.did,
    entitlements,
    ...(subject.task ? { task: subject.task } : {}),
    ...(subject.risk ? { risk: subject.risk } : {}),
    notBefore,
    expires: notBefore + input.ttlSeconds,
    ...(input.jit ? { jit: true } : {}),
    ...(judged.requestId !== undefined ? { requestId: judged.requestId } : {}),
    ...(subject.approvals ? { approvals: subject.approvals } : {}),
    ...(judged.requestedBy !== undefined ? { requestedBy: judged.requestedBy } : {}),
    // A renewal keeps its grant's window; a new grant opens one when it asked for it.
    ...(judged.renews?.renewUntil !== undefined ? { renewUntil: judged.renews.renewUntil, renews: judged.renews.id }
      : input.renewableForSeconds !== undefined ? { renewUntil: notBefore + input.renewableForSeconds } : {}),
  }
  // A renewal keeps its grant's VC format: a chain delegated from it, and the delegate's own
  // credential beside it, stay one format through an issuer's switch (docs/formats.md).
  const format = judged.renews !== undefined ? vcFormatOf(judged.renewsJwt, ctx.credentialFormat()) : ctx.credentialFormat()
  const sdJwt = parseGrantFormat(input.format ?? (ctx.sdJwtByDefault ? 'sd-jwt' : 'vc')) === 'sd-jwt'
  const sign = async ({ listId, index, suspensionListId }: StatusAllocation): Promise<string> => {
    const entry = (purpose: 'revocation' | 'suspension', list: string) => {
      const url = `${ctx.publicUrl()}/status/${list}`
      return { id: `${url}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: String(index), statusListCredential: url }
    }
    const credentialStatus = suspensionListId === undefined ? entry('revocation', listId) : [entry('revocation', listId), entry('suspension', suspensionListId)]
    // SD-JWT VC: signed here with the issuer key (Veramo has no SD-JWT), same draft, same status.
    if (sdJwt) return ctx.signer.signSdJwtVc(draft, agent, subject, Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus], String(index))
    const body = {
      type: ['VerifiableCredential', ENTITLEMENT_CREDENTIAL_TYPE],
      id: draft.id,
      credentialSubject: entitlementSubjectToJson(agent.did, subject),
      credentialStatus,
    }
    // VC 2.0 secured by VC-JOSE-COSE is signed here (node:crypto, the custody key); VC 1.1
    // through Veramo, as before. Either way the result is checked below before it is stored.
    const jwt = format === 'vc2.0'
      ? await ctx.signer.signJwt(VC_JWT_TYPE, { '@context': [CREDENTIALS_CONTEXT_V2, AGENTID_CONTEXT_V1], ...body, issuer: ctx.did, validFrom: isoSeconds(draft.notBefore * 1000), validUntil: isoSeconds(draft.expires * 1000) })
      // VC 1.1 names the Bitstring Status List context: status libraries recognise the entries by it.
      : await ctx.signer.signVc(ctx.did, 'credential', { '@context': [CREDENTIALS_CONTEXT_V1, CREDENTIALS_STATUS_CONTEXT_V1, AGENTID_CONTEXT_V1], ...body, issuanceDate: new Date(draft.notBefore * 1000).toISOString(), expirationDate: new Date(draft.expires * 1000).toISOString() })
    return checkIssuedJwt(jwt, draft, String(index), Array.isArray(credentialStatus) ? credentialStatus.length : 1)
  }
  const audit = (r: CredentialRecord): AuditInput => ({
    actor,
    action: r.renews !== undefined ? 'credential.renew' : 'credential.issue',
    target: r.id,
    details: {
      ...(r.renews !== undefined ? { renews: r.renews } : {}), ...(r.renewUntil !== undefined ? { renewUntil: r.renewUntil } : {}),
      subject: r.subject, entitlements: r.entitlements.map(entitlementToJson), risk: r.risk, notBefore: r.notBefore, expires: r.expires,
      statusList: r.listId, statusIndex: r.index, jwtSha256: r.jwtSha256,
      ...(r.jit ? { jit: true } : {}), ...(r.task ? { task: r.task.id } : {}), ...(r.requestId ? { request: r.requestId } : {}),
      ...(r.approvals ? { approvals: r.approvals } : {}),
    },
  })
  // Separation of duties inside the transaction, against what the duty group holds then.
  const guard = dutyGuard(judged.policy, entitlements)
  return { draft, sign, audit, ...(guard ? { guard } : {}) }
}

// The VC format a stored credential was issued in (its JOSE typ), else the issuer's now. An
// SD-JWT renews as a VC of the issuer's format (docs/formats.md).
export function vcFormatOf(jwt: string | undefined, fallback: CredentialFormat): CredentialFormat {
  // (String(): isSdJwt narrows what it is given, and a VC-JWT string is still read below.)
  if (jwt === undefined || isSdJwt(String(jwt))) return fallback
  try {
    const typ = (JSON.parse(Buffer.from(jwt.slice(0, jwt.indexOf('.')), 'base64url').toString('utf8')) as { typ?: unknown }).typ
    return typ === VC_JWT_TYPE ? 'vc2.0' : 'vc1.1'
  } catch {
    return fallback
  }
}

export function parseGrantFormat(value: unknown): GrantFormat {
  if (value !== 'vc' && value !== 'sd-jwt') throw agentIdError('ERR_INPUT_INVALID', 'a grant\'s format must be vc or sd-jwt')
  return value
}

/**
 * Checks what Veramo signed: a VC-JWT that our own verifier accepts, saying exactly what the draft
 * says (ids, times, entitlements, status slot). A credential that differs from the record, or that
 * a verifier would refuse, is never handed out.
 */
export function checkIssuedJwt(jwt: string, draft: CredentialDraft, statusIndex: string, statusEntries: number): string {
  const c = checkCredentialJwt(jwt)
  const same = c.id === draft.id && c.subject === draft.subject && c.issuer === draft.issuer &&
    c.notBefore === draft.notBefore && c.expires === draft.expires &&
    c.status.length === statusEntries && c.status.every((e) => e.statusListIndex === statusIndex) &&
    JSON.stringify(c.claims.entitlements.map(entitlementToJson)) === JSON.stringify(draft.entitlements.map(entitlementToJson))
  if (!same) throw agentIdError('ERR_STORE', 'Veramo returned a credential that does not match the grant')
  return jwt
}
