import pg from 'pg'

/** The server the PostgreSQL tests use (`AGENTID_TEST_DATABASE`; default: the local one, trust auth). */
export const TEST_DATABASE = process.env.AGENTID_TEST_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * The test server's URL when it answers. Where none does, the PostgreSQL suites skip and say so;
 * on CI (`CI=true`) that is a failure instead: CI starts PostgreSQL itself (.ci/run).
 */
export async function postgresForTests(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE, connectionTimeoutMillis: 10_000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return TEST_DATABASE
  } catch (error) {
    const message = `no PostgreSQL at ${TEST_DATABASE.replace(/:[^:@/]*@/, ':***@')} (${(error as Error).message}); set AGENTID_TEST_DATABASE to run these tests`
    if (process.env.CI === 'true') throw new Error(message)
    console.warn(`      skipped: ${message}`)
    return undefined
  } finally {
    await client.end().catch(() => undefined)
  }
}
