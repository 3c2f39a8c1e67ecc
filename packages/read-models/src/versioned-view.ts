import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'

export class StreamGapError extends Error {}

/** A read model kept as one JSON view per stream, with its event history and the columns its lists filter on. */
export interface VersionedView<View> {
  /** Names the entity in a gap error. */
  entity: string
  table: string
  historyTable: string
  historyKey: string
  evolve: (view: View | undefined, event: CloudEvent) => View | undefined
  /** The indexed columns beside `id`, `version` and `view`, in the order they are written. */
  columns: (view: View) => Record<string, unknown>
}

/**
 * Applies one event to a versioned view. Applying it again changes nothing: the
 * history row already exists and the stored version is not behind it.
 */
export async function projectVersionedView<View extends { version: number }>(
  client: pg.ClientBase,
  model: VersionedView<View>,
  event: CloudEvent,
): Promise<void> {
  const id = event.subject
  const current = await client.query<{ version: number; view: View }>(
    `SELECT version, view FROM read_models.${model.table} WHERE id = $1 FOR UPDATE`,
    [id],
  )
  const stored = current.rows[0]
  const storedVersion = stored?.version ?? 0
  if (event.streamversion <= storedVersion) return
  if (event.streamversion !== storedVersion + 1) {
    throw new StreamGapError(
      `${model.entity} ${id} is at version ${storedVersion}; event ${event.id} is version ${event.streamversion}`,
    )
  }
  const view = model.evolve(stored?.view, event)
  await client.query(
    `INSERT INTO read_models.${model.historyTable} (${model.historyKey}, stream_version, effective_date, recorded_at, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [id, event.streamversion, event.effectivedate, event.time, JSON.stringify(event)],
  )
  if (!view) return
  const columns = Object.entries({ ...model.columns(view), version: view.version, view: JSON.stringify(view) })
  const names = columns.map(([name]) => name)
  await client.query(
    `INSERT INTO read_models.${model.table} (id, ${names.join(', ')})
     VALUES ($1, ${names.map((_, index) => `$${index + 2}`).join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${names.map((name, index) => `${name} = $${index + 2}`).join(', ')}`,
    [id, ...columns.map(([, value]) => value)],
  )
}
