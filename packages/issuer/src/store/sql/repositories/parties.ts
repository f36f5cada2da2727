import type { PartyStart } from '../../issuer-store.js'
import { canonicalIdentity, ownedClosure, ownerChain, partyMembers, partyTop } from '../parties.js'
import { SqlRepository } from './repository.js'

/** Who belongs together, read from agents and principals (the walks are in ../parties.ts). */
export class PartiesRepository extends SqlRepository {
  /** A principal id stands for the person its DID names; anything else for itself. */
  canonical(identity: string): Promise<string> {
    return canonicalIdentity(this.sql, identity)
  }

  /** The identity and its owners, upwards to the top of its party. */
  ownerChain(start: PartyStart): Promise<string[]> {
    return ownerChain(this.sql, start)
  }

  top(start: PartyStart): Promise<string> {
    return partyTop(this.sql, start)
  }

  /** The identity and everything it owns, at any depth. */
  ownedBy(identity: string): Promise<string[]> {
    return ownedClosure(this.sql, this.dialect, identity)
  }

  /** Every identity of the party `start` belongs to. */
  members(start: PartyStart): Promise<string[]> {
    return partyMembers(this.sql, this.dialect, start)
  }
}
