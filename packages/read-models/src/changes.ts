import { IsoDate } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { countryFiguresModel } from './countries/projection.ts'
import { decodeCursor, encodeCursor, InvalidCursorError, PageQuery } from './cursor.ts'
import { dealModel } from './deals/projection.ts'
import { depositModel } from './deposits/projection.ts'
import { facilityModel } from './facilities/projection.ts'
import { readAt } from './temporal.ts'
import { cursorBinding, getState, type TemporalModel } from './temporal-model.ts'
import { restrictionModel, shipmentModel } from './trade-flows/projection.ts'

type Queryable = pg.Pool | pg.ClientBase

/** The kinds of entity the ledger records, each with its read model. */
// biome-ignore lint/suspicious/noExplicitAny: any temporal model
export const entityKinds: Record<string, TemporalModel<any, any>> = {
  deposit: depositModel,
  facility: facilityModel,
  country: countryFiguresModel,
  deal: dealModel,
  shipment: shipmentModel,
  restriction: restrictionModel,
}
export const EntityKind = z
  .enum(['deposit', 'facility', 'country', 'deal', 'shipment', 'restriction'])
  .meta({ id: 'EntityKind' })

/** An event type a list is filtered by. */
export const EventTypeQuery = z
  .string()
  .max(100)
  .regex(/^ree\.[a-z-]+\.[a-z-]+\.v[0-9]+$/, 'an event type, e.g. ree.deal.signed.v1')
  .optional()

const Instant = z.iso
  .datetime({ offset: true })
  .refine((instant) => Date.parse(instant) >= Date.parse('0001-01-01T00:00:00Z'), 'must be in year 0001 or later')

export const ChangesQuery = z
  .object({
    since: Instant.meta({ description: 'Record time: what the ledger learned after this instant' }),
    until: Instant.optional().meta({ description: 'Record time: up to and including this instant (default: now)' }),
    kind: EntityKind.optional(),
    type: EventTypeQuery.meta({ description: 'Only entities with an event of this type recorded in the interval' }),
    asOf: IsoDate.optional().meta({
      description: 'Valid time of the states before and after (default: today)',
    }),
  })
  .extend(PageQuery.shape)
  .strict()
  .refine((query) => query.until === undefined || Date.parse(query.since) < Date.parse(query.until), {
    message: 'until must be after since',
    path: ['until'],
  })
export type ChangesQuery = z.output<typeof ChangesQuery>

export const Change = z
  .object({
    kind: EntityKind,
    id: z.string(),
    events: z.number().int().meta({ description: 'How many events of it the ledger recorded in the interval' }),
    types: z.array(z.string()).meta({ description: 'Their types, each once' }),
    firstRecordedAt: z.string(),
    lastRecordedAt: z.string(),
    before: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: 'The entity as the ledger knew it at `since`, on `asOf`; null when not known then' }),
    after: z.record(z.string(), z.unknown()).nullable().meta({
      description: 'The entity as the ledger knew it at `until`, on `asOf`; null when retracted or not yet in force',
    }),
  })
  .meta({ id: 'Change' })
export type Change = z.output<typeof Change>

const ChangesCursor = z.object({ b: z.string(), u: z.string(), k: z.string(), id: z.string() })

/**
 * What the ledger learned between two record times, across contexts: each entity with an
 * event recorded in the interval, and its state as known at the start and at the end, on
 * one valid date, so a client sees the difference without replaying events. Ordered by
 * kind, then id; keyset-paged.
 */
export async function listChanges(db: Queryable, query: ChangesQuery) {
  const binding = cursorBinding('changes', { ...query, limit: undefined, cursor: undefined })
  const after = query.cursor ? decodeCursor(ChangesCursor, query.cursor) : undefined
  if (after && after.b !== binding) {
    throw new InvalidCursorError('cursor was issued for another list, other filters or another time')
  }
  // Without `until`, the first page fixes it (now) and its cursor carries it: every page reads one interval.
  const until = query.until ?? after?.u ?? new Date().toISOString()
  const selected = Object.entries(entityKinds).filter(([kind]) => query.kind === undefined || query.kind === kind)
  const values: unknown[] = [new Date(query.since).toISOString(), new Date(until).toISOString()]
  const typeCondition = query.type === undefined ? '' : ` AND event->>'type' = $${values.push(query.type)}`
  const position = after ? ` WHERE (kind, id) > ($${values.push(after.k)}, $${values.push(after.id)})` : ''
  const unions = selected.map(
    ([kind, model]) =>
      `SELECT '${kind}'::text AS kind, id, count(*)::int AS events, array_agg(DISTINCT event->>'type') AS types,
              min(recorded_at) AS first_recorded_at, max(recorded_at) AS last_recorded_at
       FROM read_models.${model.name}_events
       WHERE recorded_at > $1::timestamptz AND recorded_at <= $2::timestamptz${typeCondition}
       GROUP BY id`,
  )
  const limit = values.push(query.limit + 1)
  const result = await db.query<{
    kind: string
    id: string
    events: number
    types: string[]
    first_recorded_at: Date
    last_recorded_at: Date
  }>(`SELECT * FROM (${unions.join('\nUNION ALL\n')}) changed${position} ORDER BY kind, id LIMIT $${limit}`, values)
  const rows = result.rows.slice(0, query.limit)
  const at = (recordedAsOf: string) => readAt({ recordedAsOf, ...(query.asOf ? { asOf: query.asOf } : {}) })
  const items = await Promise.all(
    rows.map(async (row): Promise<Change> => {
      const model = entityKinds[row.kind] as (typeof entityKinds)[string]
      const [before, later] = await Promise.all([
        getState(db, model, row.id, at(query.since)),
        getState(db, model, row.id, at(until)),
      ])
      return {
        kind: row.kind as Change['kind'],
        id: row.id,
        events: row.events,
        types: row.types.sort(),
        firstRecordedAt: row.first_recorded_at.toISOString(),
        lastRecordedAt: row.last_recorded_at.toISOString(),
        before: before ?? null,
        after: later ?? null,
      }
    }),
  )
  const last = rows.at(-1)
  return {
    until,
    items,
    nextCursor:
      result.rows.length > query.limit && last
        ? encodeCursor({ b: binding, u: until, k: last.kind, id: last.id })
        : null,
  }
}
