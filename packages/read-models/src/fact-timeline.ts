import { CloudEvent, IsoDate } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { EntityKind, EventTypeQuery, entityKinds } from './changes.ts'
import { decodeCursor, encodeCursor, InvalidCursorError, PageQuery } from './cursor.ts'
import { TemporalQuery } from './temporal.ts'
import { cursorBinding } from './temporal-model.ts'

type Queryable = pg.Pool | pg.ClientBase

export const TimelineQuery = z
  .object({
    from: IsoDate.optional().meta({ description: 'Only facts dated on or after this day (valid time)' }),
    to: IsoDate.optional().meta({ description: 'Only facts dated on or before this day' }),
    kind: EntityKind.optional(),
    type: EventTypeQuery.meta({ description: 'Only facts of this type' }),
    retracted: z
      .enum(['exclude', 'include'])
      .default('exclude')
      .meta({ description: '`include`: facts taken back are listed too, marked `retracted` with the retraction' }),
    recordedAsOf: TemporalQuery.shape.recordedAsOf,
  })
  .extend(PageQuery.shape)
  .strict()
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    message: 'to is before from',
    path: ['to'],
  })
export type TimelineQuery = z.output<typeof TimelineQuery>

export const TimelineEntry = z
  .object({
    kind: EntityKind,
    id: z.string(),
    effectiveDate: IsoDate,
    recordedAt: z.string(),
    retracted: z.boolean(),
    retractedBy: z.string().optional().meta({ description: 'The id of the retraction event that took it back' }),
    event: CloudEvent,
  })
  .meta({ id: 'TimelineEntry' })
export type TimelineEntry = z.output<typeof TimelineEntry>

const TimelineCursor = z.object({
  b: z.string(),
  d: z.string(),
  r: z.string(),
  k: z.string(),
  id: z.string(),
  v: z.number().int(),
})

/**
 * Every fact across contexts in effective-date order (then record order), as the ledger
 * knows it at `recordedAsOf` (default now), read from the events the projection keeps.
 * Retractions are not facts: they mark what they take back, which is left out unless asked for.
 */
export async function listTimeline(db: Queryable, query: TimelineQuery) {
  const binding = cursorBinding('timeline', { ...query, limit: undefined, cursor: undefined })
  const after = query.cursor ? decodeCursor(TimelineCursor, query.cursor) : undefined
  if (after && after.b !== binding) {
    throw new InvalidCursorError('cursor was issued for another list, other filters or another time')
  }
  const knownAt = query.recordedAsOf ? new Date(query.recordedAsOf).toISOString() : new Date().toISOString()
  const values: unknown[] = [knownAt]
  const conditions = ['e.recorded_at <= $1::timestamptz', "e.event->>'type' NOT LIKE '%.fact-retracted.v%'"]
  if (query.from) conditions.push(`e.effective_date >= $${values.push(query.from)}::date`)
  if (query.to) conditions.push(`e.effective_date <= $${values.push(query.to)}::date`)
  if (query.type) conditions.push(`e.event->>'type' = $${values.push(query.type)}`)
  const selected = Object.entries(entityKinds).filter(([kind]) => query.kind === undefined || query.kind === kind)
  const unions = selected.map(
    ([kind, model]) =>
      `SELECT '${kind}'::text AS kind, e.id, e.stream_version, e.effective_date::text AS effective_date,
              e.recorded_at, e.recorded_at::text AS recorded_key, e.event, r.retracted_by
       FROM read_models.${model.name}_events e
       LEFT JOIN LATERAL (
         SELECT r.event->>'id' AS retracted_by FROM read_models.${model.name}_events r
         WHERE r.id = e.id AND r.recorded_at <= $1::timestamptz
           AND r.event->>'type' LIKE '%.fact-retracted.v%'
           AND (r.event->'data'->>'retractedEventId' = e.event->>'id'
                OR (r.event->'data'->>'endsLifecycle' = 'true' AND r.stream_version > e.stream_version))
         ORDER BY r.stream_version LIMIT 1) r ON true
       WHERE ${conditions.join(' AND ')}`,
  )
  const where: string[] = []
  if (query.retracted === 'exclude') where.push('retracted_by IS NULL')
  if (after) {
    const [d, r, k, id, v] = [after.d, after.r, after.k, after.id, after.v].map((value) => `$${values.push(value)}`)
    where.push(`(effective_date, recorded_at, kind, id, stream_version) > (${d}, ${r}::timestamptz, ${k}, ${id}, ${v})`)
  }
  const limit = values.push(query.limit + 1)
  const result = await db.query<{
    kind: string
    id: string
    stream_version: number
    effective_date: string
    recorded_at: Date
    recorded_key: string
    event: z.output<typeof CloudEvent>
    retracted_by: string | null
  }>(
    `SELECT * FROM (${unions.join('\nUNION ALL\n')}) facts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY effective_date, recorded_at, kind, id, stream_version LIMIT $${limit}`,
    values,
  )
  const rows = result.rows.slice(0, query.limit)
  const last = rows.at(-1)
  return {
    items: rows.map(
      (row): TimelineEntry => ({
        kind: row.kind as TimelineEntry['kind'],
        id: row.id,
        effectiveDate: row.effective_date,
        recordedAt: row.recorded_at.toISOString(),
        retracted: row.retracted_by !== null,
        ...(row.retracted_by === null ? {} : { retractedBy: row.retracted_by }),
        event: row.event,
      }),
    ),
    nextCursor:
      result.rows.length > query.limit && last
        ? encodeCursor({
            b: binding,
            d: last.effective_date,
            r: last.recorded_key,
            k: last.kind,
            id: last.id,
            v: last.stream_version,
          })
        : null,
  }
}
