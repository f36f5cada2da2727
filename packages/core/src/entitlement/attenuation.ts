import type { Constraints, HoursWindow } from './constraints.js'
import type { Entitlement } from './entitlement.js'
import type { IpNetwork } from './ip-network.js'
import { patternCovers } from './resource.js'

const MINUTES_PER_DAY = 24 * 60

function minutesOf(window: HoursWindow): (minute: number) => boolean {
  const { start, end } = window
  return start < end ? (m) => m >= start && m < end : (m) => m >= start || m < end
}

// Windows are minute-grained, so comparing minute by minute is exact (and cheap: 1,440 steps).
function hoursWithin(child: HoursWindow, parent: HoursWindow): boolean {
  const inChild = minutesOf(child)
  const inParent = minutesOf(parent)
  for (let m = 0; m < MINUTES_PER_DAY; m++) if (inChild(m) && !inParent(m)) return false
  return true
}

function networkWithin(child: IpNetwork, parent: IpNetwork): boolean {
  if (child.bytes.length !== parent.bytes.length || child.prefix < parent.prefix) return false
  for (let bit = 0; bit < parent.prefix; bit++) {
    const mask = 0x80 >> (bit & 7)
    if (((child.bytes[bit >> 3]! ^ parent.bytes[bit >> 3]!) & mask) !== 0) return false
  }
  return true
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
 * The attenuation rule of delegation (one function, so that the verifier, the agent and the tests
 * agree): every child entitlement must lie within at least one parent entitlement. Returns why
 * not, naming the first child entitlement that escapes, or undefined.
 */
export function attenuationViolation(children: readonly Entitlement[], parents: readonly Entitlement[]): string | undefined {
  for (const [i, child] of children.entries()) {
    if (parents.some((p) => entitlementExceeds(child, p) === undefined)) continue
    const reasons = parents.map((p) => entitlementExceeds(child, p))
    return `entitlement ${i} (${child.actions.join(',')} on ${child.resource}) exceeds its parent: ${reasons.join('; ')}`
  }
  return undefined
}
