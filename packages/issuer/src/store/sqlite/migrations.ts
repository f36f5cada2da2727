/**
 * Numbered schema migrations, applied in order, each in its own transaction. Never edit one that
 * has shipped: add the next number.
 */
export const MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly name: string; readonly sql: string }> = [
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
]
