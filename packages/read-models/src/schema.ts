import type pg from 'pg'

/** The read models' tables, in their own schema; safe to run at every start. */
export const readModelsSql = `
CREATE SCHEMA IF NOT EXISTS read_models;
CREATE TABLE IF NOT EXISTS read_models.deposits (
  id text PRIMARY KEY,
  name text NOT NULL,
  country text NOT NULL,
  stage text NOT NULL,
  elements text[] NOT NULL,
  operators text[] NOT NULL,
  version integer NOT NULL,
  view jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS deposits_country ON read_models.deposits (country);
CREATE INDEX IF NOT EXISTS deposits_elements ON read_models.deposits USING gin (elements);
CREATE TABLE IF NOT EXISTS read_models.deposit_history (
  deposit_id text NOT NULL,
  stream_version integer NOT NULL,
  effective_date date NOT NULL,
  recorded_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (deposit_id, stream_version)
);
`

export async function migrateReadModels(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('migrate:read_models'))`)
    await client.query(readModelsSql)
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('migrate:read_models'))`).catch(() => undefined)
    client.release()
  }
}
