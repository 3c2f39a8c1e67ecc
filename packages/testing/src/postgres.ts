import { randomUUID } from 'node:crypto'
import pg from 'pg'

/** The server the test run started (see test/run.ts), or one the developer named. */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('DATABASE_URL is not set: run the tests with `pnpm test`, which starts PostgreSQL')
  return url
}

export interface TestDatabase {
  url: string
  pool: pg.Pool
  drop(): Promise<void>
}

/** A fresh database on the test server, so test files never see each other's data. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl()
  const name = `test_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 })
  // DROP … WITH (FORCE) at teardown ends any connection still open; that is expected.
  pool.on('error', () => undefined)
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end()
      const cleanup = new pg.Client({ connectionString: serverUrl })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    },
  }
}
