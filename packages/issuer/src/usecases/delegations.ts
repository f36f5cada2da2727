// Delegation chains agents report: checked as a verifier would, separation of duties held
// through them, and a person's stray delegation flagged.
import { createHash } from 'node:crypto'
import { agentIdError, MAX_DELEGATION_DEPTH } from '@agentid/core'
import { chainExceeds, checkAnyCredentialJwt, resolveChains } from '@agentid/verifier'
import { asPrincipal, hasRole, mayActOn, type Principal } from '../governance/principal.js'
import type { AlertRecord, DelegationRecord } from '../store/issuer-store.js'
import type { IssuerContext } from './context.js'
import { dutyGuard } from './rules.js'

/**
 * Records a delegation chain an agent reports (root first, as in a chain file): for the audit
 * log, and so that the issuer knows what hangs below each of its credentials. The chain must be sound
 * (signatures, continuity, attenuation: the verifier's own checks) and its root a credential
 * this issuer issued, byte for byte. Reporting twice is harmless. A person's delegation to an
 * agent that is not one of their active employee agents is recorded too, with a high alert
 * (`delegation.stray`) in the same transaction: verifiers accept it offline, so the issuer must
 * not look away from it.
 * A delegation that would give the delegate's party both sides of a duty conflict is refused
 * (ERR_SOD_CONFLICT), and one that hands on what its parent does not let be delegated too
 * (ERR_DELEGATION): verifiers refuse both as well.
 * @returns the delegations newly recorded, and the alerts raised
 * @throws AgentIdError ERR_DELEGATION, ERR_SOD_CONFLICT, ERR_NOT_FOUND (root), ERR_CONFLICT, the credential codes
 */
export async function reportDelegation(ctx: Pick<IssuerContext, 'did' | 'now' | 'policy' | 'store'>, chain: readonly string[], by: string | Principal): Promise<{ recorded: DelegationRecord[]; alerts: AlertRecord[] }> {
  const principal = asPrincipal(by)
  const actor = principal.id
  if (chain.length < 2) throw agentIdError('ERR_INPUT_INVALID', 'a delegation chain has a root credential and at least one delegation')
  const credentials = chain.map((jwt) => checkAnyCredentialJwt(jwt))
  const leaf = credentials[credentials.length - 1]!
  const chains = resolveChains(credentials, leaf.subject, MAX_DELEGATION_DEPTH)
  if (chains.length !== 1) throw agentIdError('ERR_DELEGATION', 'a report holds one chain, root first')
  const [root, ...links] = chains[0]!.links
  const issued = await ctx.store.getCredential(root.id)
  if (root.issuer !== ctx.did || !issued) throw agentIdError('ERR_NOT_FOUND', `credential ${root.id} was not issued by this issuer`)
  if (issued.jwtSha256 !== createHash('sha256').update(root.jwt).digest('hex')) throw agentIdError('ERR_CONFLICT', `credential ${root.id} differs from the one issued`)
  // Attenuation last: it is the costly check, and only our own roots get this far.
  const exceeds = chainExceeds(chains[0]!)
  if (exceeds !== undefined) throw agentIdError('ERR_DELEGATION', exceeds)
  // Anyone but an admin reports only a chain it takes part in (as delegator or delegate, or as
  // the owner of one): what it may not act on does not exist for it.
  if (!hasRole(principal, 'admin')) {
    const parties = await Promise.all([root.subject, ...links.map((l) => l.subject)].map((did) => ctx.store.getAgent(did)))
    if (!parties.some((agent) => agent !== undefined && mayActOn(principal, agent))) throw agentIdError('ERR_NOT_FOUND', `credential ${root.id} was not issued by this issuer`)
  }
  // Separation of duties holds through delegation too: a delegate's party must not come to
  // hold both sides (a re-report of the same link is weighed without itself).
  const { policy } = await ctx.policy()
  // (The delegate need not be enrolled: a person known only by the DID that owns agents has a party too.)
  for (const l of links) {
    const guard = dutyGuard(policy, l.entitlements)
    if (guard) guard((await ctx.store.dutyGroupHoldings(l.subject)).filter((h) => h.id !== l.id))
  }
  const stray = await strayPersonDelegations(ctx, links)
  const reportedAt = ctx.now()
  const records: DelegationRecord[] = links.map((l) => ({
    id: l.id, parent: l.delegation.parent, root: root.id, delegator: l.issuer, delegate: l.subject, entitlements: rawEntitlements(l.jwt),
    depth: l.delegation.depth, notBefore: l.notBefore!, expires: l.expires, jwtSha256: createHash('sha256').update(l.jwt).digest('hex'), reportedAt,
  }))
  return ctx.store.recordDelegations(records, (r) => ({
    actor, action: 'delegation.report', target: r.id,
    details: { root: r.root, parent: r.parent, delegator: r.delegator, delegate: r.delegate, entitlements: r.entitlements, depth: r.depth, expires: r.expires, ...(stray.has(r.id) ? { stray: stray.get(r.id) } : {}) },
  }), (r) => {
    const reason = stray.get(r.id)
    return reason === undefined ? undefined : { at: reportedAt, kind: 'delegation.stray', severity: 'high', subject: r.delegator, details: { delegation: r.id, delegate: r.delegate, root: r.root, reason } }
  })
}

// A person hands their rights to the assistants enrolled for them (kind `employee`, owned by
// their DID, active): the issuer's record of who acts for whom. Verifiers check chains offline
// and cannot know that roster, so a delegation to anyone else is not refused here (that would
// only hide it) but flagged: link id -> why. Only a person's own links are judged; an
// assistant handing part of it on to a sub-agent is ordinary delegation.
export async function strayPersonDelegations(ctx: Pick<IssuerContext, 'store'>, links: ReadonlyArray<{ readonly id: string; readonly issuer: string; readonly subject: string }>): Promise<Map<string, string>> {
  const stray = new Map<string, string>()
  for (const link of links) {
    const delegator = await ctx.store.getAgent(link.issuer)
    if (delegator?.kind !== 'person') continue
    const delegate = await ctx.store.getAgent(link.subject)
    if (delegate?.kind !== 'employee' || delegate.owner !== delegator.did || delegate.status !== 'active') {
      stray.set(link.id, `${delegator.name} (a person) delegated to ${link.subject}, which is not one of their active employee agents (enrol it with --kind employee --owner ${delegator.did}, or revoke ${delegator.name}'s credential)`)
    }
  }
  return stray
}

// The entitlements as the delegation states them (its signature was checked): kept verbatim, so
// that a constraint this version does not know is recorded rather than dropped.
export function rawEntitlements(jwt: string): unknown[] {
  type Subject = { credentialSubject: { entitlements: unknown[] } }
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Subject & { vc?: Subject }
  // VC 1.1 in the `vc` claim; VC 2.0 is the payload itself.
  return (payload.vc ?? payload).credentialSubject.entitlements
}
