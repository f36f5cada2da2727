/**
 * Migrations whose SQL both backends take as it is, or nearly (each list numbers them in its own
 * sequence: SQLite 10 and 11, PostgreSQL 2 and 3).
 */
export const LARGE_ISSUER_INDEXES = {
  name: 'indexes for large issuers: review items by credential, agents by creation, set status bits',
  // What the scale simulation (docs/scale.md) found read whole tables: opening a review looked up
  // each live credential's review items with no index on them; an inventory page sorted every
  // agent; a status list's state read every credential row of the list.
  sql: `
    CREATE INDEX review_items_by_credential ON review_items(credential_id);
    CREATE INDEX agents_by_created ON agents(created_at, did);
    CREATE INDEX credentials_revoked_slots ON credentials(status_list, status_index) WHERE status = 'revoked';
    CREATE INDEX credentials_suspended_slots ON credentials(suspension_list, status_index) WHERE status = 'suspended';
  `,
} as const

/**
 * Alerts ranked by score (`GET /alerts?order=score`): the score becomes a column of its own,
 * backfilled from the alert's details (`details.score`, absent on alerts that carry none: those
 * rank last). Alerts are append-only, so the backfill lifts the guard for its one statement and
 * puts it back in the same transaction. The JSON functions differ: each backend gives its backfill.
 */
export const ALERT_SCORES = {
  name: 'alerts ranked by score: a score column, backfilled from the details',
  column: (type: string) => `ALTER TABLE alerts ADD COLUMN score ${type};`,
  // Highest first, alerts without a score last, newest first among equals.
  index: (nullsLast: string) => `CREATE INDEX alerts_by_score ON alerts(score DESC${nullsLast}, id DESC);`,
} as const
