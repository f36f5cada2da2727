import type { AuditEntry, AuditInput } from '../../issuer-store.js'
import type { SqlDialect, SqlSession } from '../sql-session.js'
import { AgentsRepository } from './agents.js'
import { AlertsRepository } from './alerts.js'
import { AuditRepository } from './audit.js'
import { PoliciesRepository, RolesRepository, SettingsRepository } from './configuration.js'
import { CredentialsRepository } from './credentials.js'
import { DelegationsRepository, OffersRepository, SealedKeysRepository, TasksRepository, WebhooksRepository } from './deliveries.js'
import { PartiesRepository } from './parties.js'
import { PrincipalsRepository } from './principals.js'
import { RequestsRepository } from './requests.js'
import { ReviewsRepository } from './reviews.js'
import { StatusListsRepository } from './status-lists.js'

export { AgentsRepository, AlertsRepository, AuditRepository, CredentialsRepository, DelegationsRepository, OffersRepository, PartiesRepository, PoliciesRepository,
  PrincipalsRepository, RequestsRepository, ReviewsRepository, RolesRepository, SealedKeysRepository, SettingsRepository, StatusListsRepository, TasksRepository, WebhooksRepository }
export type { StoredApproval } from './requests.js'

/**
 * The tables, one repository each, over one session: reads and writes only, no rule. Every
 * repository of one `Repositories` runs in the same transaction (or the same read).
 */
export interface Repositories {
  readonly agents: AgentsRepository
  readonly alerts: AlertsRepository
  readonly audit: AuditRepository
  readonly credentials: CredentialsRepository
  readonly delegations: DelegationsRepository
  readonly offers: OffersRepository
  readonly parties: PartiesRepository
  readonly policies: PoliciesRepository
  readonly principals: PrincipalsRepository
  readonly requests: RequestsRepository
  readonly reviews: ReviewsRepository
  readonly roles: RolesRepository
  readonly sealedKeys: SealedKeysRepository
  readonly settings: SettingsRepository
  readonly statusLists: StatusListsRepository
  readonly tasks: TasksRepository
  readonly webhooks: WebhooksRepository
}

/** What the rules (../../rules) run in: the repositories of one transaction, its clock and its audit trail. */
export interface Tx extends Repositories {
  /** The issuer's clock, milliseconds. */
  now(): number
  /** A random index in [0, max), for status slots. */
  randomIndex(max: number): number
  /** Appends an audit entry in this transaction, at `now()`. */
  record(input: AuditInput): Promise<AuditEntry>
}

function repositories(sql: SqlSession, dialect: SqlDialect): Repositories {
  return {
    agents: new AgentsRepository(sql, dialect),
    alerts: new AlertsRepository(sql, dialect),
    audit: new AuditRepository(sql, dialect),
    credentials: new CredentialsRepository(sql, dialect),
    delegations: new DelegationsRepository(sql, dialect),
    offers: new OffersRepository(sql, dialect),
    parties: new PartiesRepository(sql, dialect),
    policies: new PoliciesRepository(sql, dialect),
    principals: new PrincipalsRepository(sql, dialect),
    requests: new RequestsRepository(sql, dialect),
    reviews: new ReviewsRepository(sql, dialect),
    roles: new RolesRepository(sql, dialect),
    sealedKeys: new SealedKeysRepository(sql, dialect),
    settings: new SettingsRepository(sql, dialect),
    statusLists: new StatusListsRepository(sql, dialect),
    tasks: new TasksRepository(sql, dialect),
    webhooks: new WebhooksRepository(sql, dialect),
  }
}

export function transaction(sql: SqlSession, dialect: SqlDialect, clock: { now(): number; randomIndex(max: number): number }): Tx {
  const repos = repositories(sql, dialect)
  return { ...repos, now: clock.now, randomIndex: clock.randomIndex, record: (input) => repos.audit.append(input, clock.now()) }
}
