/**
 * Migrations whose SQL both backends take as it is, or nearly (each list numbers them in its own
 * sequence: SQLite 10 to 13, PostgreSQL 2 to 5).
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

/** Which unexpired credentials are due for review, per risk: the sweeper's question, as an index. */
export const REVIEW_DUE_INDEX = {
  name: 'index for the sweeper: unexpired credentials by risk and last review',
  // The sweeper asks every 30 s which live credentials are due for review, per risk: "last
  // certified (or issued) at or before now minus the risk's interval", a range of this index for
  // each risk, instead of every live credential read into memory.
  sql: `
    CREATE INDEX credentials_review_due ON credentials(risk, (COALESCE(reviewed_at, issued_at))) WHERE expired_at IS NULL;
  `,
} as const

/** The order of a campaign's items for reviewers, after the campaign: the ORDER BY and the index share it. */
export const REVIEW_ITEM_ORDER = "(decision IS NOT NULL), (CASE risk WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END), id"

/**
 * Large review campaigns. A campaign is written in batches, each its own transaction, so that
 * opening one over a million credentials never holds the writer for minutes: while its items are
 * being written it is `opening` (listed nowhere, its items decided by nobody, its credentials
 * taken by no other campaign), then `open` with its audit entry; one that fails or whose opener
 * died is `abandoned`, and its items removed in batches too. SQLite cannot alter a CHECK
 * constraint: each backend gives its own SQL for that. An opening's last progress
 * (`progress_at`) tells a live opener from a dead one. Closing an overdue campaign is batched too,
 * its progress kept in the row (`overdue_parts`, `overdue_parts_written`, `overdue_items`,
 * `overdue_revoked`) so that
 * a close resumed after a crash, or run by two sweepers at once, numbers its audit parts and
 * counts its alert as one close would. And a campaign's items are paged in the order reviewers
 * work in (undecided first, then by risk, critical first), from an index.
 */
export const REVIEW_OPENING = {
  name: 'large review campaigns: opened and closed in batches (the opening status, progress), items paged from an index',
  statuses: "CHECK (status IN ('opening', 'open', 'closed', 'abandoned'))",
  progressColumns: (integer: string) => ['progress_at', 'overdue_parts', 'overdue_revoked'].map((c) => `${c} ${integer}`)
    .concat(['overdue_parts_written', 'overdue_items'].map((c) => `${c} ${integer} NOT NULL DEFAULT 0`)),
  // Reviewers' pages; a campaign's undecided items (what an overdue close takes 500 at a time:
  // decided items leave this index, so no batch scans past those before it); and the rule that a
  // credential waits in one campaign at a time, as a constraint: a batch being written inserts
  // its items and skips those it holds already (ON CONFLICT DO NOTHING), a probe of this index
  // for each, whatever plan the database would choose for a query over a campaign being written
  // (PostgreSQL's, with the statistics of before the campaign, scanned every undecided item).
  itemsIndex: `CREATE INDEX review_items_by_order ON review_items(campaign, ${REVIEW_ITEM_ORDER});
      CREATE INDEX review_items_undecided ON review_items(campaign, id) WHERE decision IS NULL;
      CREATE UNIQUE INDEX review_items_one_waiting ON review_items(credential_id) WHERE decision IS NULL;`,
} as const

