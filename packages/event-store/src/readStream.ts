import type pg from 'pg'
import { assertSchemaName } from './schema.ts'
import { EVENT_COLUMNS, type EventRow, type StoredEvent, toStoredEvent } from './storedEvent.ts'

/** Every event of one stream, in stream order. */
export async function readStream(
  client: pg.ClientBase | pg.Pool,
  options: { schema: string; source: string; streamId: string },
): Promise<StoredEvent[]> {
  const s = assertSchemaName(options.schema)
  const result = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 ORDER BY stream_version`,
    [options.streamId],
  )
  return result.rows.map((row) => toStoredEvent(row, options.source))
}
