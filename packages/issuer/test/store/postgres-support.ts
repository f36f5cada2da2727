import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The server the PostgreSQL suites use: AGENTID_TEST_DATABASE, else the local one CI runs. */
export const TEST_DATABASE = process.env.AGENTID_TEST_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Why PostgreSQL cannot be used here (undefined: it answers). */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE, connectionTimeoutMillis: 5000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return `no PostgreSQL at ${TEST_DATABASE.replace(/\/\/[^@/]*@/, '//…@')} (${(error as Error).message}); set AGENTID_TEST_DATABASE to run these tests`
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A fresh schema for one test, and its removal. */
export function freshSchema(): { schema: string; drop: () => Promise<void> } {
  const schema = `agentid_test_${randomBytes(6).toString('hex')}`
  return { schema, drop: () => dropSchemas([schema]) }
}

/** Drops schemas a test made, with all they hold. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE })
  await client.connect()
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
  } finally {
    await client.end()
  }
}

/**
 * Where no server answers, the PostgreSQL suites say so and skip; on CI (CI=true) they fail
 * instead: CI must have PostgreSQL.
 */
export function whenPostgres(title: string, unavailable: string | undefined, suite: () => void): void {
  if (unavailable === undefined) {
    suite()
    return
  }
  describe(title, () => {
    it(`needs a PostgreSQL server: ${unavailable}`, function () {
      if (process.env.CI === 'true') assert.fail(`CI must have PostgreSQL: ${unavailable}`)
      this.skip()
    })
  })
}

/**
 * The test server's URL when it answers, for suites that decide in a `before` hook: undefined
 * (the suite skips, and says why) where none does; on CI (CI=true) a failure instead.
 */
export async function postgresForTests(): Promise<string | undefined> {
  const unavailable = await postgresUnavailable()
  if (unavailable === undefined) return TEST_DATABASE
  if (process.env.CI === 'true') throw new Error(`CI must have PostgreSQL: ${unavailable}`)
  console.warn(`      skipped: ${unavailable}`)
  return undefined
}
