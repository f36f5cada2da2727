import { agentIdError, attenuationViolation } from '@agentid/core'
import type { CheckedCredential, VerifiedCredential, VerifiedDelegation } from '../credential/verify-credential.js'

/** A credential the holder may use, with the credentials it descends from. */
export interface Chain {
  /** Root first: an entitlement credential from an issuer, then each delegation in turn. */
  readonly links: readonly [VerifiedCredential, ...VerifiedDelegation[]]
  /** The last link: what the holder presents as its own. */
  readonly leaf: CheckedCredential
}

function refuse(reason: string): never {
  throw agentIdError('ERR_DELEGATION', reason)
}

// One link, the cheap checks: the delegation against the credential it names as parent.
function checkLink(child: VerifiedDelegation, parent: CheckedCredential, maxChainLength: number): void {
  if (child.issuer !== parent.subject) refuse(`delegation ${child.id} is signed by ${child.issuer}, not by ${parent.subject}, the subject of its parent`)
  const parentTask = parent.kind === 'delegation' ? parent.delegation.task : parent.claims.task
  if (parentTask && child.delegation.task && child.delegation.task.id !== parentTask.id) {
    refuse(`delegation ${child.id} names task ${child.delegation.task.id}, not its parent's ${parentTask.id}`)
  }
  if (child.expires > parent.expires) refuse(`delegation ${child.id} expires after its parent ${parent.id}`)
  if (parent.notBefore !== undefined && child.notBefore! < parent.notBefore) refuse(`delegation ${child.id} starts before its parent ${parent.id}`)
  if (parent.kind === 'delegation' && child.delegation.depth >= parent.delegation.depth) {
    refuse(`delegation ${child.id} has depth ${child.delegation.depth}, not less than its parent's ${parent.delegation.depth}`)
  }
  if (parent.kind === 'entitlement' && child.delegation.depth >= maxChainLength) {
    refuse(`delegation ${child.id} allows ${child.delegation.depth} further delegations; this verifier allows chains of ${maxChainLength}`)
  }
}

/**
 * Groups the credentials of a presentation into chains and checks their structure (issue 7,
 * "Verification"): every delegation names a presented parent; each link is signed by the previous
 * link's subject, keeps its task, ends no later, starts no earlier, and has a strictly smaller
 * depth; no cycles; at most `maxChainLength` delegations; and each leaf (a credential no other one
 * descends from) belongs to the holder. Signatures were checked already. Time, trust, then
 * attenuation ({@link chainExceeds}, the costly check, run only on chains that are otherwise
 * acceptable) and status are the caller's.
 * @throws AgentIdError ERR_DELEGATION, ERR_VP_HOLDER_BINDING
 */
export function resolveChains(credentials: readonly CheckedCredential[], holder: string, maxChainLength: number): Chain[] {
  // At most 8 credentials (the presentation's cap): linear searches, no Map or Set to hash ids into.
  let delegated = false
  for (let i = 0; i < credentials.length; i++) {
    const c = credentials[i]!
    for (let j = 0; j < i; j++) if (credentials[j]!.id === c.id) refuse(`credential ${c.id} is presented twice`)
    if (c.kind === 'delegation') delegated = true
  }
  // Without delegations every credential is a chain of its own.
  if (!delegated) {
    const chains: Chain[] = []
    for (const c of credentials) {
      if (c.kind === 'entitlement') chains.push({ links: [c], leaf: c })
    }
    return holderBound(chains, holder)
  }
  const chains: Chain[] = []
  const reached = new Array<boolean>(credentials.length).fill(false)
  for (let l = 0; l < credentials.length; l++) {
    const leaf = credentials[l]!
    if (isParent(credentials, leaf.id)) continue
    const delegations: VerifiedDelegation[] = []
    const seen: string[] = [leaf.id]
    reached[l] = true
    let current: CheckedCredential = leaf
    while (current.kind === 'delegation') {
      if (delegations.length >= maxChainLength) refuse(`chain ending in ${leaf.id} is longer than ${maxChainLength} delegations`)
      const parentId: string = current.delegation.parent
      const at = indexOfId(credentials, parentId)
      if (at < 0) refuse(`delegation ${current.id} names parent ${parentId}, which is not presented`)
      const parent = credentials[at]!
      if (seen.includes(parent.id)) refuse(`delegation chain ending in ${leaf.id} has a cycle at ${parent.id}`)
      // A chain is one format: a delegation says what it delegates from in its parent's terms.
      if (current.format !== parent.format) throw agentIdError('ERR_TYPE_CONFUSION', `delegation ${current.id} is ${current.format === 'vc2.0' ? 'VC 2.0' : 'VC 1.1'} but its parent ${parent.id} is not`)
      seen.push(parent.id)
      reached[at] = true
      checkLink(current, parent, maxChainLength)
      delegations.unshift(current)
      current = parent
    }
    chains.push({ links: [current, ...delegations], leaf })
  }
  // Every credential is a leaf or an ancestor of one; a cycle with no leaf leaves some unreached.
  const stray = reached.indexOf(false)
  if (stray >= 0) refuse(`credential ${credentials[stray]!.id} belongs to no chain ending with the holder (a cycle?)`)
  return holderBound(chains, holder)
}

function isParent(credentials: readonly CheckedCredential[], id: string): boolean {
  for (const c of credentials) if (c.kind === 'delegation' && c.delegation.parent === id) return true
  return false
}

function indexOfId(credentials: readonly CheckedCredential[], id: string): number {
  for (let i = 0; i < credentials.length; i++) if (credentials[i]!.id === id) return i
  return -1
}

function holderBound(chains: Chain[], holder: string): Chain[] {
  for (const { leaf } of chains) {
    if (leaf.subject === holder) continue
    // Holder binding at the end of every chain: only the leaf's subject may use it.
    if (leaf.kind === 'delegation') refuse(`delegation ${leaf.id} is presented by ${holder}, not by its subject`)
    throw agentIdError('ERR_VP_HOLDER_BINDING', `holder is not the subject of credential ${leaf.id}`)
  }
  return chains
}

/**
 * Why a link of the chain grants more than its parent, or hands on what its parent does not allow
 * to be delegated (the attenuation rule of core), or undefined.
 */
export function chainExceeds(chain: Chain): string | undefined {
  for (let i = 1; i < chain.links.length; i++) {
    const child = chain.links[i]!
    const parent = chain.links[i - 1]!
    // An issuer's credential that carries approvals hands on only what it marks delegable.
    const violation = attenuationViolation(child.entitlements, parent.entitlements, { parentCarriesApprovals: parent.kind === 'entitlement' && (parent.claims.approvals?.length ?? 0) > 0 })
    if (violation !== undefined) return `delegation ${child.id}: ${violation}`
  }
  return undefined
}
