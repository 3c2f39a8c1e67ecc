import { type CloudEvent, CountryCode, IsoDate, MaterialForm, RareEarthElement, ShipmentStatus } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, PageQuery } from '../cursor.ts'
import { isTemporal, TemporalQuery, visibleAt } from '../temporal.ts'
import { evolveShipmentView, type ShipmentView } from './shipment-view.ts'

type Queryable = pg.Pool | pg.ClientBase

/** A date range on the day a shipment left (else arrived, else was booked). */
export const DateRange = z.object({
  dateFrom: IsoDate.optional().meta({ description: 'Only those dated on or after this day' }),
  dateTo: IsoDate.optional().meta({ description: 'Only those dated on or before this day' }),
})

export const ShipmentFilters = z
  .object({
    origin: CountryCode.optional(),
    destination: CountryCode.optional(),
    element: RareEarthElement.optional(),
    form: MaterialForm.optional(),
    status: ShipmentStatus.optional(),
  })
  .extend(DateRange.shape)

export const ShipmentListQuery = ShipmentFilters.extend(PageQuery.shape).extend(TemporalQuery.shape)
export type ShipmentListQuery = z.output<typeof ShipmentListQuery>

const IdCursor = z.object({ id: z.string() })

export async function listShipments(db: Queryable, query: ShipmentListQuery) {
  const after = query.cursor ? decodeCursor(IdCursor, query.cursor).id : ''
  const views = isTemporal(query)
    ? (await foldAllShipments(db, query)).filter((view) => view.id > after && shipmentMatches(view, query))
    : await selectShipments(db, query, after, query.limit + 1)
  const page = views.slice(0, query.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: views.length > query.limit && last ? encodeCursor({ id: last.id }) : null }
}

export async function getShipment(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<ShipmentView | undefined> {
  if (isTemporal(query)) return foldShipment(await shipmentEventsOf(db, id), query)
  const result = await db.query<{ view: ShipmentView }>('SELECT view FROM read_models.shipments WHERE id = $1', [id])
  return result.rows[0]?.view
}

/** The version the read model has reached for a shipment (0 when unknown): for read-your-writes. */
export async function shipmentVersion(db: Queryable, id: string): Promise<number> {
  const result = await db.query<{ version: number }>('SELECT version FROM read_models.shipments WHERE id = $1', [id])
  return result.rows[0]?.version ?? 0
}

export async function shipmentExists(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM read_models.shipment_history WHERE shipment_id = $1 LIMIT 1', [id])
  return result.rowCount === 1
}

const HistoryCursor = z.object({ v: z.number().int() })

/** A shipment's events, in stream order, as CloudEvents. */
export async function shipmentHistory(
  db: Queryable,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
) {
  const after = query.cursor ? decodeCursor(HistoryCursor, query.cursor).v : 0
  const events = (await shipmentEventsOf(db, id)).filter(
    (event) => event.streamversion > after && visibleAt(event, query),
  )
  const page = events.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page,
    nextCursor: events.length > query.limit && last ? encodeCursor({ v: last.streamversion }) : null,
  }
}

/** Every shipment that matches the filters, as it stands now: for the corridor read model. */
export async function allShipments(db: Queryable, filters: z.output<typeof ShipmentFilters>): Promise<ShipmentView[]> {
  return selectShipments(db, filters, '', null)
}

async function selectShipments(
  db: Queryable,
  query: z.output<typeof ShipmentFilters>,
  after: string,
  limit: number | null,
): Promise<ShipmentView[]> {
  const conditions = ['id > $1']
  const values: unknown[] = [after]
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(sql(`$${values.length}`))
  }
  if (query.origin) add((p) => `origin = ${p}`, query.origin)
  if (query.destination) add((p) => `destination = ${p}`, query.destination)
  if (query.element) add((p) => `${p} = ANY (elements)`, query.element)
  if (query.form) add((p) => `form = ${p}`, query.form)
  if (query.status) add((p) => `status = ${p}`, query.status)
  if (query.dateFrom) add((p) => `flow_date >= ${p}`, query.dateFrom)
  if (query.dateTo) add((p) => `flow_date <= ${p}`, query.dateTo)
  let limitClause = ''
  if (limit !== null) {
    values.push(limit)
    limitClause = ` LIMIT $${values.length}`
  }
  const result = await db.query<{ view: ShipmentView }>(
    `SELECT view FROM read_models.shipments WHERE ${conditions.join(' AND ')} ORDER BY id${limitClause}`,
    values,
  )
  return result.rows.map((row) => row.view)
}

/** The same filters as `selectShipments`, for views folded at a past time. */
function shipmentMatches(view: ShipmentView, query: z.output<typeof ShipmentFilters>): boolean {
  return (
    (!query.origin || view.origin === query.origin) &&
    (!query.destination || view.destination === query.destination) &&
    (!query.element || view.elements.includes(query.element)) &&
    (!query.form || view.form === query.form) &&
    (!query.status || view.status === query.status) &&
    (!query.dateFrom || view.flowDate >= query.dateFrom) &&
    (!query.dateTo || view.flowDate <= query.dateTo)
  )
}

async function shipmentEventsOf(db: Queryable, id: string): Promise<CloudEvent[]> {
  const result = await db.query<{ event: CloudEvent }>(
    'SELECT event FROM read_models.shipment_history WHERE shipment_id = $1 ORDER BY stream_version',
    [id],
  )
  return result.rows.map((row) => row.event)
}

function foldShipment(events: CloudEvent[], query: TemporalQuery): ShipmentView | undefined {
  return events.filter((event) => visibleAt(event, query)).reduce(evolveShipmentView, undefined)
}

async function foldAllShipments(db: Queryable, query: TemporalQuery): Promise<ShipmentView[]> {
  const result = await db.query<{ events: CloudEvent[] }>(
    `SELECT jsonb_agg(event ORDER BY stream_version) AS events
     FROM read_models.shipment_history GROUP BY shipment_id ORDER BY shipment_id`,
  )
  return result.rows.flatMap((row) => foldShipment(row.events, query) ?? [])
}
