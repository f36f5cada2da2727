import type { PartyStart } from '../../issuer-store.js'
import { canonicalIdentity, ownedClosure, ownerChain, partyMembers, partyTop } from '../parties.js'
import type { SqlDialect, SqlSession } from '../sql-session.js'

/** Who belongs together, read from agents and principals (the walks are in ../parties.ts). */
export class PartiesRepository {
  readonly #sql: SqlSession
  readonly #d: SqlDialect

  constructor(sql: SqlSession, dialect: SqlDialect) {
    this.#sql = sql
    this.#d = dialect
  }

  /** A principal id stands for the person its DID names; anything else for itself. */
  canonical(identity: string): Promise<string> {
    return canonicalIdentity(this.#sql, identity)
  }

  /** The identity and its owners, upwards to the top of its party. */
  ownerChain(start: PartyStart): Promise<string[]> {
    return ownerChain(this.#sql, start)
  }

  top(start: PartyStart): Promise<string> {
    return partyTop(this.#sql, start)
  }

  /** The identity and everything it owns, at any depth. */
  ownedBy(identity: string): Promise<string[]> {
    return ownedClosure(this.#sql, this.#d, identity)
  }

  /** Every identity of the party `start` belongs to. */
  members(start: PartyStart): Promise<string[]> {
    return partyMembers(this.#sql, this.#d, start)
  }
}
