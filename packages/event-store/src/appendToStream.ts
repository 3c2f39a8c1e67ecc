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
 * Appends events at the expected version. Must run inside the caller's transaction:
 * the events, their outbox rows and the notification commit or vanish together.
 */
export async function appendToStream(client: pg.ClientBase, options: AppendOptions): Promise<AppendResult> {
  const s = assertSchemaName(options.schema)
  const { streamId, expectedVersion } = options
  const current = await client.query<{ version: number }>(
    `SELECT coalesce(max(stream_version), 0)::int AS version FROM ${s}.events WHERE stream_id = $1`,
    [streamId],
  )
  const actualVersion = current.rows[0]?.version ?? 0
  if (actualVersion !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actualVersion)

  const eventIds = options.events.map(() => randomUUID())
  await client.query('SAVEPOINT append')
  try {
    await client.query(
      `INSERT INTO ${s}.events (stream_id, stream_version, subject, event_id, type, data, effective_date, correlation_id, causation_id, traceparent)
       SELECT $1, $2 + ordinality, $3, event_id, type, data, effective_date, correlation_id, causation_id, traceparent
       FROM unnest($4::uuid[], $5::text[], $6::jsonb[], $7::date[], $8::uuid[], $9::uuid[], $10::text[])
         WITH ORDINALITY AS e(event_id, type, data, effective_date, correlation_id, causation_id, traceparent, ordinality)`,
      [
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
      ],
    )
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT append')
    if (isUniqueViolation(error)) throw new ConcurrencyError(streamId, expectedVersion)
    throw error
  }
  if (options.outbox) {
    await client.query(`INSERT INTO ${s}.outbox (event_id, topic, message_key) SELECT unnest($1::uuid[]), $2, $3`, [
      eventIds,
      options.outbox.topic,
      options.subject,
    ])
  }
  await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, s])
  return { nextVersion: expectedVersion + options.events.length, eventIds }
}

export { randomUUID as newEventId }
