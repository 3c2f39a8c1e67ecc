import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'

/**
 * Applies one event inside the transport's transaction. Throwing marks the event
 * poison: it is set aside as a dead letter and the stream moves on.
 */
export type EventHandler = (client: pg.ClientBase, event: CloudEvent) => Promise<void>

/** Delivers every event of the ledger to a handler, at least once, in per-aggregate order. */
export interface EventTransport {
  readonly name: string
  start(handler: EventHandler): Promise<void>
  stop(): Promise<void>
  /** True while the delivery loop runs (for readiness). */
  isRunning(): boolean
  /** How many events each stream (or partition) holds that have not been applied yet. */
  lag(): Promise<Lag[]>
}

export interface Lag {
  /** The event store schema (Postgres log) or the topic (Kafka). */
  stream: string
  partition?: number
  behind: number
}

/** What a log-reading consumer needs to know about each event store. */
export interface EventSource {
  schema: string
  source: string
}

export const transportSql = `
CREATE SCHEMA IF NOT EXISTS projection;
CREATE TABLE IF NOT EXISTS projection.checkpoints (
  subscription text NOT NULL,
  stream text NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT '0',
  global_position bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription, stream)
);
CREATE TABLE IF NOT EXISTS projection.kafka_offsets (
  group_id text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  next_offset bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);
CREATE TABLE IF NOT EXISTS projection.dead_letters (
  id bigserial PRIMARY KEY,
  subscription text NOT NULL,
  stream text NOT NULL,
  position text NOT NULL,
  event jsonb NOT NULL,
  error text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription, stream, position)
);
ALTER TABLE projection.dead_letters ADD COLUMN IF NOT EXISTS resolved_at timestamptz;
ALTER TABLE projection.dead_letters ADD COLUMN IF NOT EXISTS resolution text;
`

/** Creates the projection's bookkeeping tables; safe to run by several instances at once. */
export async function migrateTransport(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('migrate:projection'))`)
    await client.query(transportSql)
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('migrate:projection'))`).catch(() => undefined)
    client.release()
  }
}
