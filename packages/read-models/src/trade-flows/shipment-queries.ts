import { CountryCode, IsoDate, MaterialForm, RareEarthElement, ShipmentStatus } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, PageQuery } from '../cursor.ts'
import { isTemporal, TemporalQuery } from '../temporal.ts'
import { foldAllViews, getView, hasHistory, historyPage, viewVersion } from '../versioned-view.ts'
import { shipmentViews } from './projection.ts'
import type { ShipmentView } from './shipment-view.ts'

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
    ? (await foldAllViews(db, shipmentViews, query)).filter((view) => view.id > after && shipmentMatches(view, query))
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
  return getView(db, shipmentViews, id, query)
}

/** The version the read model has reached for a shipment (0 when unknown): for read-your-writes. */
export async function shipmentVersion(db: Queryable, id: string): Promise<number> {
  return viewVersion(db, shipmentViews, id)
}

export async function shipmentExists(db: Queryable, id: string): Promise<boolean> {
  return hasHistory(db, shipmentViews, id)
}

/** A shipment's events, in stream order, as CloudEvents. */
export async function shipmentHistory(
  db: Queryable,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
) {
  return historyPage(db, shipmentViews, id, query)
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
