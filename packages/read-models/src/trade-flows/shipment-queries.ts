import { CountryCode, IsoDate, MaterialForm, RareEarthElement, ShipmentStatus, Slug } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { PageQuery } from '../cursor.ts'
import { LAST_DAY, readAt, TemporalQuery } from '../temporal.ts'
import { allStates, eventPage, getState, hasEvents, listStates } from '../temporal-model.ts'
import { reachedBy } from './compliance.ts'
import { restrictionModel, shipmentModel } from './projection.ts'
import type { RestrictionView } from './restriction-view.ts'
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
export type ShipmentFilters = z.output<typeof ShipmentFilters>

export const ShipmentListQuery = ShipmentFilters.extend({
  affectedBy: Slug.optional().meta({
    description:
      'A restriction id: only the shipments it reached, each judged on its own date against the restriction as it stood then (origin, destination, elements, forms; a company’s own measure, its exporter), including those it possibly reached because the shipment leaves the deciding detail undisclosed',
  }),
})
  .extend(PageQuery.shape)
  .extend(TemporalQuery.shape)
  .strict()
export type ShipmentListQuery = z.output<typeof ShipmentListQuery>

export async function listShipments(db: Queryable, query: ShipmentListQuery) {
  const { limit, cursor, asOf, recordedAsOf, affectedBy, ...filters } = query
  const at = readAt({ asOf, recordedAsOf })
  if (affectedBy === undefined)
    return listStates(db, shipmentModel, { list: 'shipments', filters, limit, cursor, ...at })
  // Only a shipment from the restriction's origin can be reached: the candidates are read in SQL, judged here.
  const restriction = await getState<RestrictionView>(db, restrictionModel, affectedBy, { ...at, asOf: LAST_DAY })
  const origin = restriction?.origin
  const candidates =
    origin !== undefined && (filters.origin ?? origin) === origin
      ? await allStates(db, shipmentModel, { filters: { ...filters, origin }, ...at })
      : []
  const ids = await reachedBy(db, affectedBy, candidates, { asOf, recordedAsOf })
  return listStates(db, shipmentModel, {
    list: 'shipments-affected',
    filters: { ...filters, ids },
    bindAs: { ...filters, affectedBy },
    limit,
    cursor,
    ...at,
  })
}

export async function getShipment(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<ShipmentView | undefined> {
  return getState(db, shipmentModel, id, readAt(query))
}

export async function shipmentExists(db: Queryable, id: string): Promise<boolean> {
  return hasEvents(db, shipmentModel, id)
}

/** A shipment's events, in record order, as CloudEvents (retractions and what they retract included). */
export async function shipmentHistory(
  db: Queryable,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
) {
  return eventPage(db, shipmentModel, id, query)
}

/** Every shipment that matches the filters, as it stood on a date and as known at a time: for corridors. */
export async function allShipments(db: Queryable, query: ShipmentFilters & TemporalQuery): Promise<ShipmentView[]> {
  const { asOf, recordedAsOf, ...filters } = query
  return allStates(db, shipmentModel, { filters, ...readAt({ asOf, recordedAsOf }) })
}
