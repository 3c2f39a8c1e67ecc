import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { ConcurrencyError, isUniqueViolation } from './errors.ts'
import { assertSchemaName, EVENTS_CHANNEL } from './schema.ts'

export interface NewEvent {
  type: string
  data: Record<string, unknown>
  effectiveDate: string
  correlationId: string
  causationId: string
  /** W3C trace context of the request that caused it. */
  traceparent?: string | undefined
}

export interface AppendOptions {
  schema: string
  streamId: string
  subject: string
  /** The version the stream must be at: 0 for a stream that must not exist yet. */
  expectedVersion: number
  events: readonly NewEvent[]
  /** When given, an outbox row per event is written in the same transaction. */
  outbox?: { topic: string }
}

export interface AppendResult {
  nextVersion: number
  eventIds: string[]
}

/**
 * The append as one statement, one round trip: the version check, the events, their
 * outbox rows and the notification. The events are inserted only where the stream is
 * at the expected version; a writer that commits the same versions first makes the
 * unique (stream_id, stream_version) index refuse them. `pg_notify` is queued in the
 * statement and sent at commit, so a reader is woken only by committed events.
 */
const appendSql = (s: string) => `
WITH stream AS (
  SELECT coalesce(max(stream_version), 0)::int AS version FROM ${s}.events WHERE stream_id = $1
), inserted AS (
  INSERT INTO ${s}.events (stream_id, stream_version, subject, event_id, type, data, effective_date, correlation_id, causation_id, traceparent)
  SELECT $1, $2 + e.ordinality, $3, e.event_id, e.type, e.data, e.effective_date, e.correlation_id, e.causation_id, e.traceparent
  FROM stream, unnest($4::uuid[], $5::text[], $6::jsonb[], $7::date[], $8::uuid[], $9::uuid[], $10::text[])
    WITH ORDINALITY AS e(event_id, type, data, effective_date, correlation_id, causation_id, traceparent, ordinality)
  WHERE stream.version = $2
  RETURNING event_id
), outboxed AS (
  INSERT INTO ${s}.outbox (event_id, topic, message_key)
  SELECT event_id, $11, $3 FROM inserted WHERE $11::text IS NOT NULL
  RETURNING 1
), notified AS (
  SELECT pg_notify($12, $13) FROM (SELECT 1 FROM inserted LIMIT 1) appended
)
SELECT (SELECT version FROM stream) AS version, (SELECT count(*)::int FROM inserted) AS inserted,
       (SELECT count(*)::int FROM outboxed) AS outboxed, (SELECT count(*)::int FROM notified) AS notified`

/**
 * Appends events at the expected version, in one round trip. Must run inside the
 * caller's transaction: the events, their outbox rows and the notification commit or
 * vanish together. A `ConcurrencyError` leaves that transaction aborted: roll it back.
 */
export async function appendToStream(client: pg.ClientBase, options: AppendOptions): Promise<AppendResult> {
  const s = assertSchemaName(options.schema)
  const { streamId, expectedVersion } = options
  const eventIds = options.events.map(() => randomUUID())
  const result = await client
    .query<{ version: number; inserted: number }>({
      // A named statement is parsed and planned once per connection.
      name: `append:${s}`,
      text: appendSql(s),
      values: [
        streamId,
        expectedVersion,
        options.subject,
        eventIds,
        options.events.map((event) => event.type),
        options.events.map((event) => JSON.stringify(event.data)),
        options.events.map((event) => event.effectiveDate),
        options.events.map((event) => event.correlationId),
        options.events.map((event) => event.causationId),
        options.events.map((event) => event.traceparent ?? null),
        options.outbox?.topic ?? null,
        EVENTS_CHANNEL,
        s,
      ],
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new ConcurrencyError(streamId, expectedVersion)
      throw error
    })
  const row = result.rows[0]
  if (!row || row.version !== expectedVersion) {
    throw new ConcurrencyError(streamId, expectedVersion, row?.version ?? 0)
  }
  return { nextVersion: expectedVersion + options.events.length, eventIds }
}

export { randomUUID as newEventId }
