import type { AgentFilter, AgentPosition, AgentRecord } from '../../issuer-store.js'
import { toAgent, type AgentRow } from '../rows.js'
import { SqlRepository, Where } from './repository.js'

/** Enrolled agents. */
export class AgentsRepository extends SqlRepository {
  async get(did: string): Promise<AgentRecord | undefined> {
    const row = await this.sql.get<AgentRow>('SELECT * FROM agents WHERE did = ?', [did])
    return row && toAgent(row)
  }

  async insert(agent: AgentRecord): Promise<void> {
    await this.sql.run('INSERT INTO agents (did, name, kind, owner, segment, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [agent.did, agent.name, agent.kind, agent.owner, agent.segment ?? null, agent.role ?? null, agent.status, agent.createdAt])
  }

  /** Whether any employee agent names `did` as its owner. */
  async ownsEmployees(did: string): Promise<boolean> {
    return Boolean(await this.sql.get("SELECT 1 AS one FROM agents WHERE owner = ? AND kind = 'employee'", [did]))
  }

  async list(): Promise<AgentRecord[]> {
    return (await this.sql.all<AgentRow>('SELECT * FROM agents ORDER BY created_at, did')).map(toAgent)
  }

  /** In enrolment order, with the total the filter matches. */
  async page(filter: AgentFilter, limit: number, offset: number): Promise<{ agents: AgentRecord[]; total: number }> {
    const where = this.#where(filter)
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM agents ${where}`, where.args))!.n
    const rows = await this.sql.all<AgentRow>(`SELECT * FROM agents ${where} ORDER BY created_at, did LIMIT ? OFFSET ?`, [...where.args, limit, offset])
    return { agents: rows.map(toAgent), total }
  }

  /** In enrolment order after a position (a keyset page), with the position of the next page if any. */
  async pageAfter(filter: AgentFilter, limit: number, after?: AgentPosition): Promise<{ agents: AgentRecord[]; next?: AgentPosition }> {
    const where = this.#where(filter)
    // A range of agents_by_created (created_at, did), whatever the page's depth.
    if (after) where.add('(created_at, did) > (?, ?)', after.createdAt, after.did)
    // One row more than the page tells whether another page follows.
    const rows = await this.sql.all<AgentRow>(`SELECT * FROM agents ${where} ORDER BY created_at, did LIMIT ?`, [...where.args, limit + 1])
    const agents = rows.slice(0, limit).map(toAgent)
    const last = agents[agents.length - 1]
    return { agents, ...(rows.length > limit && last ? { next: { createdAt: last.createdAt, did: last.did } } : {}) }
  }

  #where(filter: AgentFilter): Where {
    const where = new Where().equals('kind', filter.kind).equals('owner', filter.owner).equals('segment', filter.segment)
    if (filter.text !== undefined) where.add(`(${this.dialect.contains('lower(name)', 'lower(CAST(? AS TEXT))')} OR ${this.dialect.contains('did', '?')})`, filter.text, filter.text)
    if (filter.status === 'retired') where.add("status = 'retired'")
    if (filter.status === 'active') where.add("status = 'active' AND suspended_at IS NULL")
    if (filter.status === 'suspended') where.add("status = 'active' AND suspended_at IS NOT NULL")
    if (filter.risk !== undefined) where.add("EXISTS (SELECT 1 FROM credentials c WHERE c.subject = agents.did AND c.status = 'active' AND c.risk = ?)", filter.risk)
    if (filter.visibleTo !== undefined) where.add(`owner IN ${this.dialect.jsonElements('?')}`, JSON.stringify(filter.visibleTo))
    return where
  }

  async retiredDids(): Promise<string[]> {
    return (await this.sql.all<{ did: string }>("SELECT did FROM agents WHERE status = 'retired'")).map((r) => r.did)
  }

  /** The active agents among `dids`, except one, in enrolment order. */
  async activeAmong(dids: readonly string[], except: string): Promise<string[]> {
    return (await this.sql.all<{ did: string }>(`SELECT did FROM agents WHERE did IN ${this.dialect.jsonElements('?')} AND did != ? AND status = 'active' ORDER BY created_at, did`,
      [JSON.stringify(dids), except])).map((r) => r.did)
  }

  /** Whether any of `dids`, except one, is an enrolled agent (in any state). */
  async anyAmong(dids: readonly string[], except: string): Promise<boolean> {
    return Boolean(await this.sql.get(`SELECT 1 AS one FROM agents WHERE did IN ${this.dialect.jsonElements('?')} AND did != ? LIMIT 1`, [JSON.stringify(dids), except]))
  }

  async markRetired(did: string): Promise<void> {
    await this.sql.run("UPDATE agents SET status = 'retired' WHERE did = ?", [did])
  }

  /** Suspended since `at`, or resumed with null. */
  async setSuspendedAt(did: string, at: number | null): Promise<void> {
    await this.sql.run('UPDATE agents SET suspended_at = ? WHERE did = ?', [at, did])
  }

  /** Suspended since `at` unless suspended already (then since then). */
  async suspendSince(did: string, at: number): Promise<void> {
    await this.sql.run('UPDATE agents SET suspended_at = COALESCE(suspended_at, ?) WHERE did = ?', [at, did])
  }

  async setOwner(did: string, owner: string): Promise<void> {
    await this.sql.run('UPDATE agents SET owner = ? WHERE did = ?', [owner, did])
  }
}
