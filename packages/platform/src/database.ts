import pg from 'pg'

/** A pool with sane limits; errors on idle clients are logged instead of crashing the process. */
export function createPool(
  connectionString: string,
  logger: { error: (object: object, message: string) => void },
  max = 10,
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 })
  pool.on('error', (err: Error & { code?: string }) =>
    logger.error({ error: err.message, code: err.code }, 'idle Postgres client failed'),
  )
  return pool
}
