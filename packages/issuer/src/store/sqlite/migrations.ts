import { ALERT_SCORES, LARGE_ISSUER_INDEXES, REVIEW_DUE_INDEX, REVIEW_OPENING } from '../sql/shared-migrations.js'
/**
 * Numbered schema migrations, applied in order, each in its own transaction. Never edit one that
 * has shipped: add the next number. `rebuildsTables` runs it with foreign keys off (SQLite's way
 * to rebuild a table others refer to), and the references are checked before it commits.
 */
/** The schema version a database has reached (0 for none): the highest migration applied. */
export function schemaVersion(db: { prepare(sql: string): { get(): unknown } }): number {
  return (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
}

export const MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly name: string; readonly sql: string; readonly rebuildsTables?: true }> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- Veramo key custody. Private keys are sealed with the operator's key-encryption key.
      CREATE TABLE custody_keys (
        kid TEXT PRIMARY KEY,
        kms TEXT NOT NULL,
        type TEXT NOT NULL,
        public_key_hex TEXT NOT NULL,
        meta TEXT
      ) STRICT;
      CREATE TABLE custody_private_keys (
        alias TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        sealed TEXT NOT NULL
      ) STRICT;
      CREATE TABLE custody_dids (
        did TEXT PRIMARY KEY,
        alias TEXT,
        provider TEXT NOT NULL,
        document TEXT NOT NULL
      ) STRICT;

      CREATE TABLE agents (
        did TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('company', 'employee', 'service')),
        owner TEXT NOT NULL,
        segment TEXT,
        role TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE roles (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        ttl_seconds INTEGER NOT NULL CHECK (ttl_seconds > 0)
      ) STRICT;

      CREATE TABLE status_lists (
        id TEXT PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
        size INTEGER NOT NULL CHECK (size >= 131072),
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES agents(did),
        issuer TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        task TEXT,
        risk TEXT,
        not_before INTEGER NOT NULL,
        expires INTEGER NOT NULL CHECK (expires > not_before),
        status TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'suspended')),
        status_list TEXT NOT NULL REFERENCES status_lists(id),
        status_index INTEGER NOT NULL CHECK (status_index >= 0),
        jwt_sha256 TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        -- A status index is never reused: reusing one would revoke or revive someone else.
        UNIQUE (status_list, status_index)
      ) STRICT;
      CREATE INDEX credentials_by_subject ON credentials(subject);

      CREATE TABLE principals (
        id TEXT PRIMARY KEY,
        roles TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      ) STRICT;

      -- Append-only, hash-chained: each entry carries the hash of the one before.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'reported delegations',
    sql: `
      -- Delegations are made offline by agents; the ones reported are kept for the audit trail
      -- and so that revoking a credential can name every delegation below it.
      -- Keyed by root and id: ids are chosen by delegators, so one under another root must not
      -- stand in the way of this root's.
      CREATE TABLE delegations (
        id TEXT NOT NULL,
        parent TEXT NOT NULL,
        root TEXT NOT NULL REFERENCES credentials(id),
        delegator TEXT NOT NULL,
        delegate TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        depth INTEGER NOT NULL CHECK (depth >= 0),
        not_before INTEGER NOT NULL,
        expires INTEGER NOT NULL CHECK (expires > not_before),
        jwt_sha256 TEXT NOT NULL,
        reported_at INTEGER NOT NULL,
        PRIMARY KEY (root, id)
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'suspension list',
    sql: `
      -- A second list, for suspension (reversible), beside the revocation list. A credential
      -- holds the same index in both; those issued before this migration have no suspension slot.
      INSERT INTO status_lists (id, purpose, size, created_at)
        SELECT 'sus-1', 'suspension', 131072, COALESCE(MAX(created_at), 0) FROM status_lists
        WHERE NOT EXISTS (SELECT 1 FROM status_lists WHERE purpose = 'suspension');
      ALTER TABLE credentials ADD COLUMN suspension_list TEXT REFERENCES status_lists(id);
      CREATE UNIQUE INDEX credentials_suspension_slot ON credentials(suspension_list, status_index) WHERE suspension_list IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'governance',
    sql: `
      -- Principals may be people with a DID (an agent's owner); a disabled one authenticates no more.
      ALTER TABLE principals ADD COLUMN did TEXT;
      ALTER TABLE principals ADD COLUMN disabled_at INTEGER;

      -- An agent suspended as a whole (the incident-response button) gets nothing new until resumed.
      ALTER TABLE agents ADD COLUMN suspended_at INTEGER;

      -- After an issuer key rotation each list is signed by the issuer DID of its credentials:
      -- NULL is the first issuer's.
      ALTER TABLE status_lists ADD COLUMN issuer TEXT;

      -- The policy document, one row per version; the newest is in force.
      CREATE TABLE policies (
        version INTEGER PRIMARY KEY CHECK (version >= 1),
        document TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL
      ) STRICT;

      CREATE TABLE access_requests (
        id TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES agents(did),
        requester TEXT NOT NULL,
        entitlements TEXT NOT NULL,
        ttl_seconds INTEGER NOT NULL CHECK (ttl_seconds > 0),
        task TEXT,
        jit INTEGER NOT NULL CHECK (jit IN (0, 1)),
        risk TEXT NOT NULL,
        chain TEXT NOT NULL,
        policy_version INTEGER NOT NULL,
        justification TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'denied', 'expired')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        decided_at INTEGER,
        credential_id TEXT REFERENCES credentials(id)
      ) STRICT;
      CREATE INDEX access_requests_pending ON access_requests(expires_at) WHERE status = 'pending';

      -- One row per decision. A principal decides a request once; a level is decided once.
      CREATE TABLE approvals (
        request_id TEXT NOT NULL REFERENCES access_requests(id),
        level INTEGER NOT NULL CHECK (level >= 0),
        principal TEXT NOT NULL,
        role TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
        at INTEGER NOT NULL,
        reason TEXT,
        PRIMARY KEY (request_id, level),
        UNIQUE (request_id, principal)
      ) STRICT;

      -- Just-in-time grants end with their task; the sweeper records when a credential expired.
      ALTER TABLE credentials ADD COLUMN jit INTEGER NOT NULL DEFAULT 0 CHECK (jit IN (0, 1));
      ALTER TABLE credentials ADD COLUMN task_id TEXT;
      ALTER TABLE credentials ADD COLUMN request_id TEXT REFERENCES access_requests(id);
      ALTER TABLE credentials ADD COLUMN approvals TEXT;
      ALTER TABLE credentials ADD COLUMN expired_at INTEGER;
      UPDATE credentials SET task_id = json_extract(task, '$.id') WHERE task IS NOT NULL;
      CREATE INDEX credentials_by_task ON credentials(task_id) WHERE task_id IS NOT NULL;
      CREATE INDEX credentials_unexpired ON credentials(expires) WHERE expired_at IS NULL;
      CREATE INDEX agents_by_owner ON agents(owner);

      -- Access reviews: a campaign holds one item per open credential due for review.
      CREATE TABLE review_campaigns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed'))
      ) STRICT;
      CREATE TABLE review_items (
        id TEXT PRIMARY KEY,
        campaign TEXT NOT NULL REFERENCES review_campaigns(id),
        credential_id TEXT NOT NULL REFERENCES credentials(id),
        risk TEXT NOT NULL,
        decision TEXT CHECK (decision IN ('certified', 'revoked', 'expired')),
        reviewer TEXT,
        decided_at INTEGER,
        UNIQUE (campaign, credential_id)
      ) STRICT;
      ALTER TABLE credentials ADD COLUMN reviewed_at INTEGER;

      -- Signed checkpoints of the audit log: the head of the chain at a moment, signed by the issuer
      -- key, so that a truncated or wholly re-hashed log no longer matches. Append-only too.
      CREATE TABLE audit_checkpoints (
        seq INTEGER PRIMARY KEY,
        head TEXT NOT NULL,
        at INTEGER NOT NULL,
        jwt TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
      CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;

      -- Signed webhooks: each secret sealed with the key-encryption key, like private keys.
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret_sealed TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        subject TEXT,
        details TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'people: the person kind',
    rebuildsTables: true,
    // A CHECK constraint cannot be altered in SQLite: the agents table is rebuilt with the same
    // rows, and the tables that refer to it by name now refer to the new one.
    sql: `
      CREATE TABLE agents_v5 (
        did TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('company', 'employee', 'service', 'person')),
        owner TEXT NOT NULL,
        segment TEXT,
        role TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
        created_at INTEGER NOT NULL,
        suspended_at INTEGER
      ) STRICT;
      INSERT INTO agents_v5 (did, name, kind, owner, segment, role, status, created_at, suspended_at)
        SELECT did, name, kind, owner, segment, role, status, created_at, suspended_at FROM agents;
      DROP TABLE agents;
      ALTER TABLE agents_v5 RENAME TO agents;
      CREATE INDEX agents_by_owner ON agents(owner);
    `,
  },
  {
    version: 6,
    name: 'governance integrity: principal lifecycle, who asked, why suspended, completed tasks',
    sql: `
      -- A principal's token may expire; roles and tokens change (rotation), audited.
      ALTER TABLE principals ADD COLUMN expires_at INTEGER;
      -- Who asked for a credential (the grant's caller, the request's requester, the enrolling
      -- admin): a reviewer must not certify what they asked for.
      ALTER TABLE credentials ADD COLUMN requested_by TEXT;
      UPDATE credentials SET requested_by = (SELECT requester FROM access_requests r WHERE r.id = credentials.request_id) WHERE request_id IS NOT NULL;
      -- Why a credential is suspended: 'credential' (on its own) or 'agent' (its agent was); an
      -- agent's resumption resumes only what the agent's suspension stopped.
      ALTER TABLE credentials ADD COLUMN suspended_for TEXT CHECK (suspended_for IN ('credential', 'agent'));
      UPDATE credentials SET suspended_for = CASE WHEN (SELECT suspended_at FROM agents a WHERE a.did = credentials.subject) IS NOT NULL THEN 'agent' ELSE 'credential' END WHERE status = 'suspended';
      -- A completed task issues nothing more: per owner when an owner completed it, everywhere
      -- when an admin did (owner '*').
      CREATE TABLE completed_tasks (
        task_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        completed_at INTEGER NOT NULL,
        completed_by TEXT NOT NULL,
        PRIMARY KEY (task_id, owner)
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'alerts are append-only',
    // Alerts are evidence (what monitoring saw, and why an agent was suspended), kept like the
    // audit log: never changed, never deleted. Acknowledging one, if it comes, is a row in a
    // table of its own, not an update of this one.
    sql: `
      CREATE TRIGGER alerts_no_update BEFORE UPDATE ON alerts
        BEGIN SELECT RAISE(ABORT, 'alerts is append-only'); END;
      CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
        BEGIN SELECT RAISE(ABORT, 'alerts is append-only'); END;
    `,
  },
  {
    version: 8,
    name: 'credential delivery (OpenID4VCI): kept JWTs, renewal windows and lineage, credential offers',
    sql: `
      -- The issued JWT, kept so that its subject (and those who may see it) can fetch it again:
      -- a credential is not a secret (presenting it takes the subject's key). NULL before this.
      ALTER TABLE credentials ADD COLUMN jwt TEXT;
      -- The end of the approved window (seconds): a credential may be renewed until then. NULL:
      -- not renewable.
      ALTER TABLE credentials ADD COLUMN renew_until INTEGER;
      -- The credential this one renews. Each credential is renewed at most once: a lineage is a
      -- line, never a tree, whatever the races.
      ALTER TABLE credentials ADD COLUMN renews TEXT REFERENCES credentials(id);
      CREATE UNIQUE INDEX credentials_renews ON credentials(renews) WHERE renews IS NOT NULL;
      -- The grant a credential belongs to: the id of the first credential of its lineage. One
      -- grant is revoked, suspended and judged as one, whatever it was renewed into.
      ALTER TABLE credentials ADD COLUMN grant_id TEXT;
      UPDATE credentials SET grant_id = id;
      CREATE INDEX credentials_grant ON credentials(grant_id);
      -- The window an access request asks the approvers for (seconds), beside the credential's ttl.
      ALTER TABLE access_requests ADD COLUMN renewable_seconds INTEGER;
      -- Pre-authorized codes (OpenID4VCI): stored as hashes, single use, short-lived, for one
      -- agent's credentials; a transaction code guessed wrong too often burns the offer.
      CREATE TABLE credential_offers (
        code_sha256 TEXT PRIMARY KEY,
        subject TEXT NOT NULL REFERENCES agents(did),
        credentials TEXT NOT NULL,
        tx_code_sha256 TEXT,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        redeemed_at INTEGER
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'monitoring: persisted baselines, suppressions, feedback on alerts',
    // Baselines are what monitoring learned (per agent, per peer group), kept so that a restart
    // or a replica does not forget them: derived data, replaced as it changes, never evidence.
    // Suppressions and feedback are operators' decisions: written once, with an audit entry; a
    // suppression ends by its expiry or by an operator (ended_at), never by deletion. Feedback on
    // an alert is a row of its own: alerts stay append-only.
    sql: `
      CREATE TABLE monitor_baselines (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE alert_suppressions (
        id TEXT PRIMARY KEY,
        agent TEXT,
        kind TEXT,
        about TEXT,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        ended_at INTEGER,
        ended_by TEXT
      ) STRICT;
      CREATE TABLE alert_feedback (
        alert_id INTEGER PRIMARY KEY REFERENCES alerts (id),
        verdict TEXT NOT NULL CHECK (verdict IN ('benign', 'confirmed')),
        note TEXT,
        decided_by TEXT NOT NULL,
        decided_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: LARGE_ISSUER_INDEXES.name,
    sql: LARGE_ISSUER_INDEXES.sql,
  },
  {
    version: 11,
    name: ALERT_SCORES.name,
    // SQLite sorts NULL lowest: descending, alerts without a score come last already.
    sql: `
      ${ALERT_SCORES.column('REAL')}
      DROP TRIGGER alerts_no_update;
      UPDATE alerts SET score = json_extract(details, '$.score')
        WHERE json_valid(details) AND json_type(details, '$.score') IN ('integer', 'real');
      CREATE TRIGGER alerts_no_update BEFORE UPDATE ON alerts
        BEGIN SELECT RAISE(ABORT, 'alerts is append-only'); END;
      ${ALERT_SCORES.index('')}
    `,
  },
  {
    version: 12,
    name: REVIEW_DUE_INDEX.name,
    sql: REVIEW_DUE_INDEX.sql,
  },
  {
    version: 13,
    name: REVIEW_OPENING.name,
    rebuildsTables: true,
    // The campaigns table rebuilt with the same rows; review_items refers to it by name.
    sql: `
      CREATE TABLE review_campaigns_v13 (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        status TEXT NOT NULL ${REVIEW_OPENING.statuses},
        ${REVIEW_OPENING.progressColumns('INTEGER').join(',\n        ')}
      ) STRICT;
      INSERT INTO review_campaigns_v13 (id, name, created_by, created_at, deadline, status)
        SELECT id, name, created_by, created_at, deadline, status FROM review_campaigns;
      DROP TABLE review_campaigns;
      ALTER TABLE review_campaigns_v13 RENAME TO review_campaigns;
      ${REVIEW_OPENING.itemsIndex}
    `,
  },
]

/** The schema version this agentid migrates databases to. */
export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1]!.version
