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
CREATE TABLE IF NOT EXISTS read_models.shipments (
  id text PRIMARY KEY,
  origin text NOT NULL,
  destination text NOT NULL,
  status text NOT NULL,
  form text,
  elements text[] NOT NULL,
  quantity_tonnes double precision,
  flow_date date NOT NULL,
  version integer NOT NULL,
  view jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS shipments_corridor ON read_models.shipments (origin, destination);
CREATE INDEX IF NOT EXISTS shipments_elements ON read_models.shipments USING gin (elements);
CREATE TABLE IF NOT EXISTS read_models.shipment_history (
  shipment_id text NOT NULL,
  stream_version integer NOT NULL,
  effective_date date NOT NULL,
  recorded_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (shipment_id, stream_version)
);
CREATE TABLE IF NOT EXISTS read_models.restrictions (
  id text PRIMARY KEY,
  origin text NOT NULL,
  destinations text[],
  kind text NOT NULL,
  status text NOT NULL,
  elements text[] NOT NULL,
  forms text[] NOT NULL,
  imposed_on date NOT NULL,
  version integer NOT NULL,
  view jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS restrictions_origin ON read_models.restrictions (origin);
CREATE TABLE IF NOT EXISTS read_models.restriction_history (
  restriction_id text NOT NULL,
  stream_version integer NOT NULL,
  effective_date date NOT NULL,
  recorded_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (restriction_id, stream_version)
);
CREATE TABLE IF NOT EXISTS read_models.deals (
  id text PRIMARY KEY,
  name text NOT NULL,
  status text NOT NULL,
  countries text[] NOT NULL,
  parties text[] NOT NULL,
  kinds text[] NOT NULL,
  elements text[] NOT NULL,
  stages text[] NOT NULL,
  deposit_ids text[] NOT NULL,
  deal_date date NOT NULL,
  value_amount numeric,
  value_currency text,
  version integer NOT NULL,
  view jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS deals_countries ON read_models.deals USING gin (countries);
CREATE INDEX IF NOT EXISTS deals_deposit_ids ON read_models.deals USING gin (deposit_ids);
CREATE INDEX IF NOT EXISTS deals_date ON read_models.deals (deal_date, id);
CREATE TABLE IF NOT EXISTS read_models.deal_history (
  deal_id text NOT NULL,
  stream_version integer NOT NULL,
  effective_date date NOT NULL,
  recorded_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (deal_id, stream_version)
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
