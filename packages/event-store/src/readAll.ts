import type pg from 'pg'
import { assertSchemaName } from './schema.ts'
import { type EventRow, eventColumns, type StoredEvent, toStoredEvent, upcastStored } from './storedEvent.ts'

/** Where a reader of the whole store stands: the last (transaction, position) it has handled. */
export interface GlobalCheckpoint {
  transactionId: string
  globalPosition: string
}

export const START_OF_STORE: GlobalCheckpoint = { transactionId: '0', globalPosition: '0' }

/**
 * The events after a checkpoint, in commit-safe order. Only transactions older than
 * every transaction still running are read, so an event whose transaction commits
 * late (with a lower position than events already visible) is never skipped.
 */
export async function readAll(
  client: pg.ClientBase | pg.Pool,
  options: { schema: string; source: string; after: GlobalCheckpoint; limit: number },
): Promise<StoredEvent[]> {
  const s = assertSchemaName(options.schema)
  const result = await client.query<EventRow>(
    // Ordered by the table's own columns: the selected ones are text, and text order would skip events.
    `SELECT ${eventColumns('e')} FROM ${s}.events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.global_position
     LIMIT $3`,
    [options.after.transactionId, options.after.globalPosition, options.limit],
  )
  return result.rows.map((row) => upcastStored(toStoredEvent(row, options.source)))
}
