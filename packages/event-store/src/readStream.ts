import type pg from 'pg'
import { assertSchemaName } from './schema.ts'
import { type EventRow, eventColumns, type StoredEvent, toStoredEvent, upcastStored } from './storedEvent.ts'

/** Every event of one stream, in stream order. */
export async function readStream(
  client: pg.ClientBase | pg.Pool,
  options: { schema: string; source: string; streamId: string },
): Promise<StoredEvent[]> {
  const s = assertSchemaName(options.schema)
  const result = await client.query<EventRow>(
    `SELECT ${eventColumns('e')} FROM ${s}.events e WHERE e.stream_id = $1 ORDER BY e.stream_version`,
    [options.streamId],
  )
  return result.rows.map((row) => upcastStored(toStoredEvent(row, options.source)))
}
