import { CountryCode, FacilityStatus, RareEarthElement, Slug, StageQuery } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { BlockedQuery } from '../blocking.ts'
import { PageQuery } from '../cursor.ts'
import { type HistoryQuery, readAt, TemporalQuery } from '../temporal.ts'
import { allStates, eventPage, getState, hasEvents, listStates } from '../temporal-model.ts'
import { facilityModel } from './projection.ts'
import type { FacilityView } from './view.ts'

export const FacilityFilters = z.object({
  country: CountryCode.optional(),
  stage: StageQuery.optional().meta({
    description: 'Facilities that perform this stage (among others); `separation` names `separation-refining`',
  }),
  status: FacilityStatus.optional(),
  blocked: BlockedQuery,
  element: RareEarthElement.optional(),
  operator: z.string().min(1).max(200).optional().meta({ description: "Part of an operator's name, any case" }),
  deposit: Slug.optional().meta({ description: 'Facilities fed by this deposit id' }),
  q: z.string().min(1).max(200).optional().meta({ description: 'Part of the name, any case' }),
})
export type FacilityFilters = z.output<typeof FacilityFilters>

export const FacilityListQuery = FacilityFilters.extend(PageQuery.shape).extend(TemporalQuery.shape).strict()
export type FacilityListQuery = z.output<typeof FacilityListQuery>

type Queryable = pg.Pool | pg.ClientBase

/** A page of facilities; `list` names it in its cursors (the map of the same list pages with its own). */
export async function listFacilityViews(db: Queryable, query: FacilityListQuery, list = 'facilities') {
  const { limit, cursor, asOf, recordedAsOf, ...filters } = query
  return listStates(db, facilityModel, {
    list,
    filters,
    limit,
    cursor,
    ...readAt({ asOf, recordedAsOf }),
  })
}

export async function getFacilityView(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<FacilityView | undefined> {
  return getState(db, facilityModel, id, readAt(query))
}

/** Every facility matching the filters, as it stood on a date and as known at a time. */
export async function allFacilities(db: Queryable, query: FacilityFilters & TemporalQuery): Promise<FacilityView[]> {
  const { asOf, recordedAsOf, ...filters } = query
  return allStates(db, facilityModel, { filters, ...readAt({ asOf, recordedAsOf }) })
}

/** A facility's events, in record order, as CloudEvents (retractions and what they retract included). */
export async function facilityHistory(db: Queryable, id: string, query: HistoryQuery) {
  return eventPage(db, facilityModel, id, query)
}

export async function facilityExists(db: Queryable, id: string): Promise<boolean> {
  return hasEvents(db, facilityModel, id)
}
