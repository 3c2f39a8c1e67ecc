import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor } from './cursor.ts'
import { isTemporal, type TemporalQuery, visibleAt } from './temporal.ts'

type Queryable = pg.Pool | pg.ClientBase

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

/** The view as it stands now, or folded from its history as of a past time. */
export async function getView<View>(
  db: Queryable,
  model: VersionedView<View>,
  id: string,
  query: TemporalQuery = {},
): Promise<View | undefined> {
  if (isTemporal(query)) return foldView(model, await eventsOf(db, model, id), query)
  const result = await db.query<{ view: View }>(`SELECT view FROM read_models.${model.table} WHERE id = $1`, [id])
  return result.rows[0]?.view
}

/** The version the read model has reached for one stream (0 when unknown): for read-your-writes. */
export async function viewVersion<View>(db: Queryable, model: VersionedView<View>, id: string): Promise<number> {
  const result = await db.query<{ version: number }>(`SELECT version FROM read_models.${model.table} WHERE id = $1`, [
    id,
  ])
  return result.rows[0]?.version ?? 0
}

export async function hasHistory<View>(db: Queryable, model: VersionedView<View>, id: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM read_models.${model.historyTable} WHERE ${model.historyKey} = $1 LIMIT 1`,
    [id],
  )
  return result.rowCount === 1
}

const HistoryCursor = z.object({ v: z.number().int() })

/** One stream's events, in stream order, as CloudEvents, a page at a time. */
export async function historyPage<View>(
  db: Queryable,
  model: VersionedView<View>,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
) {
  const after = query.cursor ? decodeCursor(HistoryCursor, query.cursor).v : 0
  const events = (await eventsOf(db, model, id)).filter(
    (event) => event.streamversion > after && visibleAt(event, query),
  )
  const page = events.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page,
    nextCursor: events.length > query.limit && last ? encodeCursor({ v: last.streamversion }) : null,
  }
}

/** Every view folded from its history as of a past time, in id order. */
export async function foldAllViews<View extends { id: string }>(
  db: Queryable,
  model: VersionedView<View>,
  query: TemporalQuery,
): Promise<View[]> {
  const result = await db.query<{ events: CloudEvent[] }>(
    `SELECT jsonb_agg(event ORDER BY stream_version) AS events
     FROM read_models.${model.historyTable} GROUP BY ${model.historyKey} ORDER BY ${model.historyKey}`,
  )
  // Sorted here, by code unit, because callers page with JavaScript comparisons and the
  // database's collation (en_US ignores hyphens) need not agree with them.
  return result.rows
    .flatMap((row) => foldView(model, row.events, query) ?? [])
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

async function eventsOf<View>(db: Queryable, model: VersionedView<View>, id: string): Promise<CloudEvent[]> {
  const result = await db.query<{ event: CloudEvent }>(
    `SELECT event FROM read_models.${model.historyTable} WHERE ${model.historyKey} = $1 ORDER BY stream_version`,
    [id],
  )
  return result.rows.map((row) => row.event)
}

function foldView<View>(model: VersionedView<View>, events: CloudEvent[], query: TemporalQuery): View | undefined {
  return events.filter((event) => visibleAt(event, query)).reduce<View | undefined>(model.evolve, undefined)
}
