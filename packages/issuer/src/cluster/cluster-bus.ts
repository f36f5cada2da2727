/** What one replica tells the others: `status`, some credential's status changed (a list to re-check). */
export type ClusterTopic = 'status'

/**
 * What replicas of one issuer share beside the database itself: announcements (a status change
 * made here reaches the status streams of every replica at once), duties that one replica at a
 * time performs (the sweeper, audit checkpoints), and single-use keys (an assertion, a DPoP
 * proof, a nonce or a challenge used at one replica is refused at every other).
 *
 * With one process (SQLite) it is {@link localBus}: nothing to share. With PostgreSQL,
 * {@link openPostgresBus}: LISTEN/NOTIFY, session advisory locks and a table of used keys.
 */
export interface ClusterBus {
  /** Whether other processes may serve the same issuer (a networked database). */
  readonly replicated: boolean
  /** Tells the other replicas (never this one: it knows). */
  announce(topic: ClusterTopic): Promise<void>
  /**
   * Hears what the other replicas announce, from the moment the promise resolves (and across
   * reconnections, where announcements made meanwhile are lost: announcements are hints, and the
   * service re-checks what they announce periodically too). Resolves to the unsubscribe.
   * @throws AgentIdError ERR_STORE when the database does not answer
   */
  subscribe(listener: (topic: ClusterTopic) => void): Promise<() => void>
  /**
   * Runs `task` if this replica holds `duty` (taking it when no live replica does) and returns
   * its result; `undefined`, without running it, when another replica holds it. A duty stays
   * with its replica while that replica's connection lives: when it dies, the next replica to ask
   * takes it over.
   */
  lead<T>(duty: string, task: () => Promise<T>): Promise<T | undefined>
  /**
   * Reserves a single-use key until `expiresAtMs` for every replica: `ok` once, `replay` while
   * it lives. Callers keep their in-memory caches too: those bound memory and answer replays
   * seen here without a round trip.
   * @throws AgentIdError ERR_STORE when the database does not answer (callers refuse: fail closed)
   */
  reserve(key: string, expiresAtMs: number, nowMs: number): Promise<'ok' | 'replay'>
  /** Where console sessions live so that every replica knows them (absent with one process: they stay in memory). */
  readonly sessions?: SharedSessionTable
  close(): Promise<void>
}

/** A console session as every replica stores it: by the hash of its id, its secrets sealed by the caller. */
export interface SharedSessionRow {
  readonly principal: string
  readonly sealed: string
  readonly expiresAt: number
}

/** Console sessions shared by the replicas (see ConsoleSessions). */
export interface SharedSessionTable {
  /** Stores a session; the principal's sessions beyond `maxPerPrincipal` end, its oldest first. */
  put(idSha256: string, row: SharedSessionRow, maxPerPrincipal: number): Promise<void>
  /** The session, unless it ended or expired. */
  get(idSha256: string, nowMs: number): Promise<SharedSessionRow | undefined>
  delete(idSha256: string): Promise<void>
}

/** The bus of a single process: nothing to announce, every duty its own, keys single-use by the callers' own caches. */
export function localBus(): ClusterBus {
  return {
    replicated: false,
    announce: async () => undefined,
    subscribe: async () => () => undefined,
    lead: (_duty, task) => task(),
    reserve: async () => 'ok',
    close: async () => undefined,
  }
}
