import type { PartyStart } from '../issuer-store.js'
import type { SqlDialect, SqlSession } from './sql-session.js'

// Who belongs together, read from the agents and principals tables (the rule that a party never
// decides its own access lives in governance/party.ts). Owners are DIDs, principal ids, or team
// names; a principal id stands for the person its DID names. Every walk keeps a set of what it has
// seen, so a chain of owners of any depth, or a cycle, ends. Written once for every backend.

/** A principal id stands for the person its DID names (disabled principals too); anything else for itself. */
export async function canonicalIdentity(sql: SqlSession, identity: string): Promise<string> {
  const row = await sql.get<{ did: string }>('SELECT did FROM principals WHERE id = ? AND did IS NOT NULL', [identity])
  return row?.did ?? identity
}

/**
 * The identity and its owners, upwards: an agent, its owner, that one's owner... up to a person
 * (an agent of kind `person`, a DID that is not enrolled, a principal), or to an agent owned by a
 * team, which is its own top. The last one is the top of the party.
 */
export async function ownerChain(sql: SqlSession, start: PartyStart): Promise<string[]> {
  const read = (did: string) => sql.get<{ kind: string; owner: string }>('SELECT kind, owner FROM agents WHERE did = ?', [did])
  let current = await canonicalIdentity(sql, typeof start === 'string' ? start : start.did)
  let record = typeof start === 'string' ? await read(current) : start
  const chain = [current]
  while (record && record.kind !== 'person') {
    const owner = record.owner
    if (!owner.startsWith('did:') && !(await sql.get('SELECT 1 AS one FROM principals WHERE id = ?', [owner]))) break // a team: the agent is its own top
    const next = await canonicalIdentity(sql, owner)
    if (chain.includes(next)) break
    chain.push(next)
    current = next
    record = await read(current)
  }
  return chain
}

/** The top of the party an identity belongs to. */
export async function partyTop(sql: SqlSession, start: PartyStart): Promise<string> {
  return (await ownerChain(sql, start)).at(-1)!
}

/**
 * An identity and everything it owns, downwards and of any depth: the agents owned by it or by
 * any principal that speaks for it, the agents those own, and the principals bound to any of them.
 * Identities are DIDs and principal ids.
 */
export async function ownedClosure(sql: SqlSession, dialect: SqlDialect, identity: string): Promise<string[]> {
  const root = await canonicalIdentity(sql, identity)
  const rows = await sql.all<{ id: string }>(dialect.ownedClosure, [root])
  return rows.map((r) => r.id)
}

/** Every identity of the party `start` belongs to: everything its top owns. */
export async function partyMembers(sql: SqlSession, dialect: SqlDialect, start: PartyStart): Promise<string[]> {
  const members = await ownedClosure(sql, dialect, await partyTop(sql, start))
  const self = typeof start === 'string' ? start : start.did
  return members.includes(self) ? members : [...members, self]
}
