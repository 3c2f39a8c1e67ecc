import type pg from 'pg'

/** The channel on which an append announces new events, once its transaction commits. */
export const EVENTS_CHANNEL = 'ree_events'

const identifier = /^[a-z_][a-z0-9_]*$/

export function assertSchemaName(schema: string): string {
  if (!identifier.test(schema)) throw new Error(`invalid schema name "${schema}"`)
  return schema
}

/**
 * One event store per write service, in its own Postgres schema. `transaction_id`
 * lets a reader by global position hold back until every earlier transaction has
 * committed, since sequence values become visible out of order.
 */
export function eventStoreSql(schema: string): string {
  const s = assertSchemaName(schema)
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.events (
  global_position bigserial PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_version integer NOT NULL CHECK (stream_version > 0),
  subject text NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  data jsonb NOT NULL,
  effective_date date NOT NULL,
  correlation_id uuid NOT NULL,
  causation_id uuid NOT NULL,
  traceparent text,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (stream_id, stream_version)
);
ALTER TABLE ${s}.events ADD COLUMN IF NOT EXISTS traceparent text;
-- The time of the insert, not of the transaction's start: a stream's record times then
-- rise with its versions, since a later version is inserted after the earlier one committed.
ALTER TABLE ${s}.events ALTER COLUMN recorded_at SET DEFAULT clock_timestamp();
CREATE INDEX IF NOT EXISTS events_by_transaction ON ${s}.events (transaction_id, global_position);
CREATE TABLE IF NOT EXISTS ${s}.outbox (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE REFERENCES ${s}.events (event_id),
  topic text NOT NULL,
  message_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending ON ${s}.outbox (id) WHERE published_at IS NULL;
CREATE TABLE IF NOT EXISTS ${s}.idempotency_keys (
  key text PRIMARY KEY,
  request_hash text NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
`
}

/** Creates the schema and its tables; safe to run at every start, and by several processes at once. */
export async function migrateEventStore(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`])
    await client.query(eventStoreSql(schema))
    await assertTransactionIdsBehindServer(client, schema)
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`]).catch(() => undefined)
    client.release()
  }
}

/**
 * Readers order the store by (transaction id, position), so every stored transaction id must
 * lie behind this server's next one. A store restored from a logical dump (pg_dump) onto
 * another server breaks that: its new events would sort before the old ones and readers
 * past the old ids would never see them. Such a start is refused, saying why.
 */
export class TransactionIdsAheadError extends Error {
  override readonly name = 'TransactionIdsAheadError'
}

async function assertTransactionIdsBehindServer(client: pg.PoolClient, schema: string): Promise<void> {
  const s = assertSchemaName(schema)
  const { rows } = await client.query<{ stored: string | null; next: string }>(
    // xmax of a snapshot is the next transaction id to be assigned: reading it assigns none.
    `SELECT (SELECT max(transaction_id) FROM ${s}.events)::text AS stored,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
  )
  const { stored, next } = rows[0] ?? { stored: null, next: '0' }
  if (stored !== null && BigInt(stored) >= BigInt(next)) {
    throw new TransactionIdsAheadError(
      `the event store ${s} holds transaction ids up to ${stored}, ahead of this PostgreSQL server's next (${next}): ` +
        'it was probably restored from a logical dump onto another server, and events appended now would be read out of order; ' +
        'restore a physical backup (pg_basebackup) or upgrade with pg_upgrade, which keep transaction ids',
    )
  }
}
