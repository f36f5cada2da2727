import type { Constraints, HoursWindow } from './constraints.js'
import type { Entitlement } from './entitlement.js'
import type { IpNetwork } from './ip-network.js'
import { patternCovers } from './resource.js'

const MINUTES_PER_DAY = 24 * 60

// A window as minute intervals [from, to) within one day: one, or two when it wraps midnight.
function intervals({ start, end }: HoursWindow): Array<[number, number]> {
  return start < end ? [[start, end]] : [[start, MINUTES_PER_DAY], [0, end]]
}

function hoursWithin(child: HoursWindow, parent: HoursWindow): boolean {
  const outer = intervals(parent)
  // The parent's intervals are disjoint and a wrapped window's two parts meet only across
  // midnight, so each child interval must fit inside one of them.
  return intervals(child).every(([from, to]) => outer.some(([pf, pt]) => from >= pf && to <= pt))
}

function networkWithin(child: IpNetwork, parent: IpNetwork): boolean {
  if (child.bytes.length !== parent.bytes.length || child.prefix < parent.prefix) return false
  const whole = parent.prefix >> 3
  for (let i = 0; i < whole; i++) if (child.bytes[i] !== parent.bytes[i]) return false
  const rest = parent.prefix & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (child.bytes[whole]! & mask) === (parent.bytes[whole]! & mask)
}

/**
 * Why the child's constraints are looser than the parent's, or undefined when every constraint
 * the parent has is present in the child and at least as tight. A child may add constraints. A
 * parent constraint this version does not understand cannot be shown to hold: refused.
 */
function constraintsLooser(child: Constraints | undefined, parent: Constraints | undefined): string | undefined {
  if (!parent) return undefined
  if (parent.unknown && parent.unknown.length > 0) return `the parent's constraint "${parent.unknown[0]}" is not understood, so no child can be shown within it`
  if (parent.hours && (!child?.hours || !hoursWithin(child.hours, parent.hours))) return `hours must lie within ${parent.hours.text}`
  if (parent.days && (!child?.days || !child.days.every((d) => parent.days!.includes(d)))) return `days must be among ${parent.days.join(',')}`
  if (parent.networks && (!child?.networks || !child.networks.every((c) => parent.networks!.some((p) => networkWithin(c, p))))) {
    return `networks must lie within ${parent.networks.map((n) => n.text).join(',')}`
  }
  if (parent.maxRecords !== undefined && (child?.maxRecords === undefined || child.maxRecords > parent.maxRecords)) return `maxRecords must be at most ${parent.maxRecords}`
  return undefined
}

/**
 * Why `child` is not within `parent` on some axis, or undefined when it is: resource pattern
 * narrower or equal, actions a subset, purpose equal (or set where the parent left it open),
 * every parent constraint present and at least as tight.
 */
export function entitlementExceeds(child: Entitlement, parent: Entitlement): string | undefined {
  if (!patternCovers(parent.resource, child.resource)) return `resource ${child.resource} is not within ${parent.resource}`
  const extra = child.actions.find((a) => !parent.actions.includes(a))
  if (extra !== undefined) return `action ${extra} is not granted on ${parent.resource}`
  if (parent.purpose !== undefined && child.purpose !== parent.purpose) return `purpose must stay ${parent.purpose}`
  return constraintsLooser(child.constraints, parent.constraints)
}

/**
 * Most child-by-parent entitlement comparisons one link may need. With at most 16 networks a
 * side, one comparison is at most 256 network checks: a link costs well under a millisecond,
 * where unbounded lists let a hostile chain cost seconds of CPU. Past the budget the chain is
 * refused as too complex.
 */
export const ATTENUATION_BUDGET = 256

/**
 * Whether an entitlement may be handed on: as its `delegable` says; where it says nothing (a
 * credential from before the property, or a delegation), yes, unless the credential carries
 * approvals: an approval-gated right is never carried to another agent on its parent's approvals
 * unless the issuer said so.
 */
export function isDelegable(entitlement: Entitlement, carriesApprovals: boolean): boolean {
  return entitlement.delegable ?? !carriesApprovals
}

/**
 * The attenuation rule of delegation (one function, so that the verifier, the agent and the tests
 * agree): every child entitlement must lie within at least one delegable parent entitlement (see
 * {@link isDelegable}; `parentCarriesApprovals` for an issuer's credential with approvals).
 * Returns why not, naming the first child entitlement that escapes, or undefined.
 */
export function attenuationViolation(children: readonly Entitlement[], parents: readonly Entitlement[], options: { parentCarriesApprovals?: boolean } = {}): string | undefined {
  if (children.length * parents.length > ATTENUATION_BUDGET) {
    return `${children.length} entitlements against ${parents.length} is more than ${ATTENUATION_BUDGET} comparisons: too complex to check`
  }
  for (const [i, child] of children.entries()) {
    let first: string | undefined
    let within = false
    for (const parent of parents) {
      const reason = isDelegable(parent, options.parentCarriesApprovals === true) ? entitlementExceeds(child, parent) : `${parent.actions.join(',')} on ${parent.resource} is not delegable`
      if (reason === undefined) {
        within = true
        break
      }
      first ??= reason
    }
    if (!within) return `entitlement ${i} (${child.actions.join(',')} on ${child.resource}) exceeds its parent${parents.length > 1 ? 's' : ''}: ${first}`
  }
  return undefined
}
