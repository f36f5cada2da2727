import type { PartyStart } from '../issuer-store.js'
import type { Statements } from './statements.js'

// Who belongs together, read from the agents and principals tables (the rule that a party never
// decides its own access lives in governance/party.ts). Owners are DIDs, principal ids, or team
// names; a principal id stands for the person its DID names. Every walk keeps a set of what it has
// seen, so a chain of owners of any depth, or a cycle, ends.

/** A principal id stands for the person its DID names (disabled principals too); anything else for itself. */
export function canonicalIdentity(sql: Statements, identity: string): string {
  const row = sql('SELECT did FROM principals WHERE id = ? AND did IS NOT NULL').get(identity) as { did: string } | undefined
  return row?.did ?? identity
}

/**
 * The identity and its owners, upwards: an agent, its owner, that one's owner... up to a person
 * (an agent of kind `person`, a DID that is not enrolled, a principal), or to an agent owned by a
 * team, which is its own top. The last one is the top of the party.
 */
export function ownerChain(sql: Statements, start: PartyStart): string[] {
  const read = sql('SELECT kind, owner FROM agents WHERE did = ?')
  const isPrincipal = sql('SELECT 1 FROM principals WHERE id = ?')
  let current = canonicalIdentity(sql, typeof start === 'string' ? start : start.did)
  let record = (typeof start === 'string' ? read.get(current) : start) as { kind: string; owner: string } | undefined
  const chain = [current]
  while (record && record.kind !== 'person') {
    const owner = record.owner
    if (!owner.startsWith('did:') && !isPrincipal.get(owner)) break // a team: the agent is its own top
    const next = canonicalIdentity(sql, owner)
    if (chain.includes(next)) break
    chain.push(next)
    current = next
    record = read.get(current) as { kind: string; owner: string } | undefined
  }
  return chain
}

/** The top of the party an identity belongs to. */
export function partyTop(sql: Statements, start: PartyStart): string {
  return ownerChain(sql, start).at(-1)!
}

/**
 * An identity and everything it owns, downwards and of any depth: the agents owned by it or by
 * any principal that speaks for it, the agents those own, and the principals bound to any of them.
 * Identities are DIDs and principal ids.
 */
export function ownedClosure(sql: Statements, identity: string): string[] {
  const root = canonicalIdentity(sql, identity)
  const rows = sql(`WITH RECURSIVE owned(id) AS (
      SELECT @root UNION SELECT id FROM principals WHERE did = @root
      UNION SELECT a.did FROM agents a JOIN owned o ON a.owner = o.id
      UNION SELECT p.id FROM principals p JOIN owned o ON p.did = o.id)
    SELECT id FROM owned`).all({ root }) as Array<{ id: string }>
  return rows.map((r) => r.id)
}

/** Every identity of the party `start` belongs to: everything its top owns. */
export function partyMembers(sql: Statements, start: PartyStart): string[] {
  const members = ownedClosure(sql, partyTop(sql, start))
  const self = typeof start === 'string' ? start : start.did
  return members.includes(self) ? members : [...members, self]
}
