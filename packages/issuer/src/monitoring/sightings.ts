/**
 * Who saw what (issue 21): for each key (a member's first use of something, a network it uses, its
 * weekend work), which reporters saw each member do it, and when. A group's change, a network the
 * organisation settled on, a team's weekend work explain an agent's finding only on the word of
 * the reporter that found it (or of several others, for what many services see): a hostile
 * reporter's made-up members must not explain away what an honest verifier reports.
 */
import { ADOPT_MS, GROUP_CHANGE_MS, seenAcross, type Credible } from './group-adoption.js'

/**
 * Who saw a member do something, and when each first did (parallel arrays; renewed when seen
 * again two days or more later, or, for a use of a network, when seen again at all).
 */
export interface Sighting {
  readonly by: string[]
  readonly at: number[]
}

// Sightings remembered at most (members' first uses, the networks they use, their weekend work),
// and reporters remembered for each (a gateway and the service behind it both report the same
// requests, in either order). In memory: after a restart, what nobody is known to have seen
// explains nothing until it is reported again.
const SIGHTINGS_CAP = 100_000
const REPORTERS_EACH = 4
// A member's use of a network (`uses:`) is seen by every service it reaches, each asked whether
// it saw the member there (OrgNetworks.settledPeers): more reporters are kept, each sighting
// renewed on each note, and a full list takes a newcomer in place of the one past the first four
// that saw it longest ago (a flood of reporters pushes an honest one out: more alerts, not fewer;
// the first four stay, as OrgNetworks.orgSettled counts one other reporter for each member, the
// first it finds: a flood of identities must not put a different one first for each). A first
// use keeps its first four for good: a hostile reporter must not push an honest sighting out.
export const USES_REPORTERS = 16

/** Sightings by key, then by member; bounded (SIGHTINGS_CAP, REPORTERS_EACH, USES_REPORTERS). */
export class Sightings {
  readonly #byKey = new Map<string, Map<string, Sighting>>()
  #count = 0

  /** The members seen doing `key`, with who saw them. */
  of(key: string): ReadonlyMap<string, Sighting> | undefined {
    return this.#byKey.get(key)
  }

  /**
   * Notes that `reporter` saw `agent` do `key` at `at`: up to REPORTERS_EACH reporters each,
   * USES_REPORTERS for a use of a network (past SIGHTINGS_CAP, the key noted longest ago loses its
   * member noted longest ago).
   */
  note(agent: string, key: string, reporter: string, at: number): void {
    let byMember = this.#byKey.get(key)
    const known = byMember?.get(agent)
    if (known) {
      const i = known.by.indexOf(reporter)
      const uses = key.startsWith('uses:')
      // Seen again after an adoption's life: a sighting of the key's next adoption (a use of a
      // network: seen again, at all).
      if (i >= 0) {
        if (at - known.at[i]! > GROUP_CHANGE_MS || (uses && at > known.at[i]!)) known.at[i] = at
      } else if (known.by.length < (uses ? USES_REPORTERS : REPORTERS_EACH)) {
        known.by.push(reporter)
        known.at.push(at)
      } else if (uses) {
        let oldest = REPORTERS_EACH
        for (let j = oldest + 1; j < known.at.length; j++) if (known.at[j]! < known.at[oldest]!) oldest = j
        known.by[oldest] = reporter
        known.at[oldest] = at
      }
      return
    }
    if (this.#count >= SIGHTINGS_CAP) {
      const [oldestKey, members] = this.#byKey.entries().next().value!
      members.delete(members.keys().next().value!)
      if (members.size === 0) this.#byKey.delete(oldestKey)
      this.#count--
      if (oldestKey === key) byMember = this.#byKey.get(key)
    }
    if (!byMember) this.#byKey.set(key, (byMember = new Map()))
    byMember.set(agent, { by: [reporter], at: [at] })
    this.#count++
  }

  /**
   * Members whose first use of `key` `reporter` reported itself, and for a place many services
   * see one for each other reporter `besides` one (see Credible).
   */
  credibleTo(key: string, reporter: string, besides?: string): () => Credible {
    const byMember = this.#byKey.get(key)
    const across = seenAcross(key)
    const within = (seen: Sighting, i: number, first: number) => Math.abs(seen.at[i]! - first) <= ADOPT_MS
    return () => {
      const others = across ? new Set<string>() : undefined
      return {
        own: (m, first) => {
          const seen = byMember?.get(m)
          const i = seen === undefined ? -1 : seen.by.indexOf(reporter)
          return i >= 0 && within(seen!, i, first) ? seen!.at[i] : undefined
        },
        other: (m, first) => {
          const seen = byMember?.get(m)
          if (others === undefined || seen === undefined) return false
          for (let i = 0; i < seen.by.length; i++) {
            const r = seen.by[i]!
            if (r === reporter || r === besides || !within(seen, i, first)) continue
            if (others.has(r)) return false
            others.add(r)
            return true
          }
          return false
        },
      }
    }
  }
}

/** Whether `reporter` saw it within `withinMs` of `at`. */
export function seenLately(seen: Sighting | undefined, reporter: string, at: number, withinMs: number): boolean {
  const i = seen === undefined ? -1 : seen.by.indexOf(reporter)
  return i >= 0 && at - seen!.at[i]! <= withinMs
}
