import { ALERT_SCORES, LARGE_ISSUER_INDEXES, REVIEW_DUE_INDEX, REVIEW_OPENING } from '../sql/shared-migrations.js'
/**
 * Numbered schema migrations of the PostgreSQL backend, applied in order under an advisory lock
 * (several replicas may start together), each recorded in `schema_migrations`. Never edit one that
 * has shipped: add the next number. Version 1 is the SQLite schema as of its migration 9, in
 * PostgreSQL's types: the same tables, columns, keys and append-only rules, so that one set of
 * statements (store/sql) serves both backends.
 */
export const POSTGRES_MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly name: string; readonly sql: string }> = [
  {
    version: 1,
    name: 'initial schema (SQLite schema 9)',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- Veramo key custody. Private keys are sealed with the operator's key-encryption key.
      CREATE TABLE custody_keys (
        kid TEXT PRIMARY KEY,
        kms TEXT NOT NULL,
        type TEXT NOT NULL,
        public_key_hex TEXT NOT NULL,
        meta TEXT
      );
      CREATE TABLE custody_private_keys (
        alias TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        sealed TEXT NOT NULL
      );
      CREATE TABLE custody_dids (
        did TEXT PRIMARY KEY,
        alias TEXT,
        provider TEXT NOT NULL,
        document TEXT NOT NULL
      );

      CREATE TABLE agents (
        did TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('company', 'employee', 'service', 'person')),
        owner TEXT NOT NULL,
        segment TEXT,
        role TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
        created_at BIGINT NOT NULL,
        suspended_at BIGINT
      );
      CREATE INDEX agents_by_owner ON agents(owner);

      CREATE TABLE roles (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        ttl_seconds BIGINT NOT NULL CHECK (ttl_seconds > 0)
      );

      CREATE TABLE status_lists (
        id TEXT PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
        size INTEGER NOT NULL CHECK (size >= 131072),
        created_at BIGINT NOT NULL,
        issuer TEXT
      );
      -- The suspension list beside the first revocation list, as SQLite's migration 3 makes it.
      INSERT INTO status_lists (id, purpose, size, created_at) VALUES ('sus-1', 'suspension', 131072, 0);

      CREATE TABLE principals (
        id TEXT PRIMARY KEY,
        roles TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        did TEXT,
        disabled_at BIGINT,
        expires_at BIGINT
      );

      CREATE TABLE policies (
        version INTEGER PRIMARY KEY CHECK (version >= 1),
        document TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL
      );

      CREATE TABLE access_requests (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES agents(did),
        requester TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        ttl_seconds BIGINT NOT NULL CHECK (ttl_seconds > 0),
        task TEXT,
        jit INTEGER NOT NULL CHECK (jit IN (0, 1)),
        risk TEXT NOT NULL,
        chain TEXT NOT NULL,
        policy_version INTEGER NOT NULL,
        justification TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'denied', 'expired')),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        decided_at BIGINT,
        credential_id TEXT,
        renewable_seconds BIGINT
      );
      CREATE INDEX access_requests_pending ON access_requests(expires_at) WHERE status = 'pending';

      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES agents(did),
        issuer TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        task TEXT,
        risk TEXT,
        not_before BIGINT NOT NULL,
        expires BIGINT NOT NULL CHECK (expires > not_before),
        status TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'suspended')),
        status_list TEXT NOT NULL REFERENCES status_lists(id),
        status_index INTEGER NOT NULL CHECK (status_index >= 0),
        jwt_sha256 TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        suspension_list TEXT REFERENCES status_lists(id),
        jit INTEGER NOT NULL DEFAULT 0 CHECK (jit IN (0, 1)),
        task_id TEXT,
        request_id TEXT REFERENCES access_requests(id),
        approvals TEXT,
        expired_at BIGINT,
        reviewed_at BIGINT,
        requested_by TEXT,
        suspended_for TEXT CHECK (suspended_for IN ('credential', 'agent')),
        jwt TEXT,
        renew_until BIGINT,
        -- Each credential is renewed at most once: a lineage is a line, never a tree.
        renews TEXT REFERENCES credentials(id),
        grant_id TEXT,
        -- A status index is never reused: reusing one would revoke or revive someone else. Replicas
        -- racing for one index: one insert wins, the other transaction retries on a fresh pick.
        CONSTRAINT credentials_revocation_slot UNIQUE (status_list, status_index)
      );
      CREATE UNIQUE INDEX credentials_suspension_slot ON credentials(suspension_list, status_index) WHERE suspension_list IS NOT NULL;
      CREATE UNIQUE INDEX credentials_renews ON credentials(renews) WHERE renews IS NOT NULL;
      CREATE INDEX credentials_by_subject ON credentials(subject);
      CREATE INDEX credentials_by_task ON credentials(task_id) WHERE task_id IS NOT NULL;
      CREATE INDEX credentials_unexpired ON credentials(expires) WHERE expired_at IS NULL;
      CREATE INDEX credentials_grant ON credentials(grant_id);
      -- Deferrable: a request and its credential name each other, and agentid migrate copies one table before the other.
      ALTER TABLE access_requests ADD CONSTRAINT access_requests_credential FOREIGN KEY (credential_id) REFERENCES credentials(id) DEFERRABLE INITIALLY IMMEDIATE;

      -- One row per decision. A principal decides a request once; a level is decided once.
      CREATE TABLE approvals (
        request_id TEXT NOT NULL REFERENCES access_requests(id),
        level INTEGER NOT NULL CHECK (level >= 0),
        principal TEXT NOT NULL,
        role TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
        at BIGINT NOT NULL,
        reason TEXT,
        PRIMARY KEY (request_id, level),
        UNIQUE (request_id, principal)
      );

      CREATE TABLE delegations (
        id TEXT NOT NULL,
        parent TEXT NOT NULL,
        root TEXT NOT NULL REFERENCES credentials(id),
        delegator TEXT NOT NULL,
        delegate TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        depth INTEGER NOT NULL CHECK (depth >= 0),
        not_before BIGINT NOT NULL,
        expires BIGINT NOT NULL CHECK (expires > not_before),
        jwt_sha256 TEXT NOT NULL,
        reported_at BIGINT NOT NULL,
        PRIMARY KEY (root, id)
      );

      CREATE TABLE review_campaigns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        deadline BIGINT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed'))
      );
      CREATE TABLE review_items (
        id TEXT PRIMARY KEY,
        campaign TEXT NOT NULL REFERENCES review_campaigns(id),
        credential_id TEXT NOT NULL REFERENCES credentials(id),
        risk TEXT NOT NULL,
        decision TEXT CHECK (decision IN ('certified', 'revoked', 'expired')),
        reviewer TEXT,
        decided_at BIGINT,
        UNIQUE (campaign, credential_id)
      );

      CREATE TABLE completed_tasks (
        task_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        completed_at BIGINT NOT NULL,
        completed_by TEXT NOT NULL,
        PRIMARY KEY (task_id, owner)
      );

      -- Append-only, hash-chained: each entry carries the hash of the one before.
      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      );
      CREATE TABLE audit_checkpoints (
        seq BIGINT PRIMARY KEY,
        head TEXT NOT NULL,
        at BIGINT NOT NULL,
        jwt TEXT NOT NULL
      );

      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret_sealed TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );

      CREATE TABLE alerts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        subject TEXT,
        details TEXT NOT NULL
      );

      CREATE TABLE credential_offers (
        code_sha256 TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES agents(did),
        credentials TEXT NOT NULL,
        tx_code_sha256 TEXT,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        redeemed_at BIGINT
      );

      CREATE TABLE monitor_baselines (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE alert_suppressions (
        id TEXT PRIMARY KEY,
        agent TEXT,
        kind TEXT,
        about TEXT,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        ended_at BIGINT,
        ended_by TEXT
      );
      CREATE TABLE alert_feedback (
        alert_id BIGINT PRIMARY KEY REFERENCES alerts (id),
        verdict TEXT NOT NULL CHECK (verdict IN ('benign', 'confirmed')),
        note TEXT,
        decided_by TEXT NOT NULL,
        decided_at BIGINT NOT NULL
      );

      -- Evidence is never changed or deleted: the audit log, its checkpoints, the alerts.
      CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END
      $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION append_only();
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION append_only();
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION append_only();
      CREATE TRIGGER alerts_append_only BEFORE UPDATE OR DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION append_only();
      CREATE TRIGGER alerts_no_truncate BEFORE TRUNCATE ON alerts FOR EACH STATEMENT EXECUTE FUNCTION append_only();
    `,
  },
  {
    version: 2,
    name: LARGE_ISSUER_INDEXES.name,
    sql: LARGE_ISSUER_INDEXES.sql,
  },
  {
    version: 3,
    name: ALERT_SCORES.name,
    sql: `
      ${ALERT_SCORES.column('DOUBLE PRECISION')}
      ALTER TABLE alerts DISABLE TRIGGER alerts_append_only;
      UPDATE alerts SET score = (details::jsonb ->> 'score')::double precision
        WHERE jsonb_typeof(details::jsonb -> 'score') = 'number';
      ALTER TABLE alerts ENABLE TRIGGER alerts_append_only;
      ${ALERT_SCORES.index(' NULLS LAST')}
    `,
  },
  {
    version: 4,
    name: REVIEW_DUE_INDEX.name,
    sql: REVIEW_DUE_INDEX.sql,
  },
  {
    version: 5,
    name: REVIEW_OPENING.name,
    sql: `
      ALTER TABLE review_campaigns DROP CONSTRAINT review_campaigns_status_check;
      ALTER TABLE review_campaigns ADD CONSTRAINT review_campaigns_status_check ${REVIEW_OPENING.statuses};
      ${REVIEW_OPENING.progressColumns('BIGINT').map((c) => `ALTER TABLE review_campaigns ADD COLUMN ${c};`).join('\n      ')}
      ${REVIEW_OPENING.itemsIndex}
    `,
  },
]

/** The schema version this agentid migrates PostgreSQL databases to. */
export const POSTGRES_LATEST_SCHEMA = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version
