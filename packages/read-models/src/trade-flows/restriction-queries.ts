import {
  CountryCode,
  IsoDate,
  MaterialForm,
  RareEarthElement,
  RestrictionKind,
  RestrictionStatus,
} from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { PageQuery } from '../cursor.ts'
import { readAt, TemporalQuery } from '../temporal.ts'
import { eventPage, getState, hasEvents, listStates } from '../temporal-model.ts'
import { restrictionModel } from './projection.ts'
import { inForceOn, type RestrictionView } from './restriction-view.ts'

type Queryable = pg.Pool | pg.ClientBase

export const RestrictionFilters = z.object({
  origin: CountryCode.optional().meta({ description: 'The country the restricted material leaves' }),
  destination: CountryCode.optional().meta({ description: 'Restrictions that target this country, or every country' }),
  element: RareEarthElement.optional().meta({ description: 'Restrictions that name this element, or name none' }),
  form: MaterialForm.optional().meta({ description: 'Restrictions that name this form, or name none' }),
  kind: RestrictionKind.optional(),
  status: RestrictionStatus.optional(),
  actor: z.string().min(1).max(200).optional().meta({ description: "Part of the actor's name, any case" }),
  dateFrom: IsoDate.optional().meta({ description: 'Only those that took effect on or after this day' }),
  dateTo: IsoDate.optional().meta({ description: 'Only those that took effect on or before this day' }),
})
export type RestrictionFilters = z.output<typeof RestrictionFilters>

export const InForceQuery = z.object({
  inForceOn: IsoDate.optional().meta({
    description:
      'The restriction as it stood that day, and whether it was in force (a suspension ends after its last day). On a list, only those in force that day. Sets the valid time, so it cannot be combined with `asOf`.',
  }),
})

const oneValidTime = {
  message: 'give inForceOn or asOf, not both',
  path: ['inForceOn'],
}

export const RestrictionListQuery = RestrictionFilters.extend(InForceQuery.shape)
  .extend(PageQuery.shape)
  .extend(TemporalQuery.shape)
  .strict()
  .refine((query) => query.inForceOn === undefined || query.asOf === undefined, oneValidTime)
export type RestrictionListQuery = z.output<typeof RestrictionListQuery>

/** What a restriction's detail read takes: both times, or the day to judge it in force on. */
export const RestrictionReadQuery = InForceQuery.extend(TemporalQuery.shape)
export type RestrictionReadQuery = z.output<typeof RestrictionReadQuery>

export async function listRestrictions(db: Queryable, query: RestrictionListQuery) {
  const { limit, cursor, asOf, recordedAsOf, inForceOn: day, ...filters } = query
  const at = readAt({ asOf: day ?? asOf, recordedAsOf })
  if (day === undefined)
    return listStates(db, restrictionModel, { list: 'restrictions', filters, limit, cursor, ...at })
  const page = await listStates(db, restrictionModel, {
    list: 'restrictions-in-force',
    filters: { ...filters, status: 'in-force' },
    limit,
    cursor,
    ...at,
  })
  return { ...page, items: page.items.map((view) => ({ ...view, inForce: true })) }
}

export async function getRestriction(
  db: Queryable,
  id: string,
  query: RestrictionReadQuery = {},
): Promise<RestrictionView | undefined> {
  const { inForceOn: day, asOf, recordedAsOf } = query
  const view = await getState(db, restrictionModel, id, readAt({ asOf: day ?? asOf, recordedAsOf }))
  return view && day !== undefined ? { ...view, inForce: inForceOn(view, day) } : view
}

export async function restrictionExists(db: Queryable, id: string): Promise<boolean> {
  return hasEvents(db, restrictionModel, id)
}

/** A restriction's events, in record order, as CloudEvents (retractions and what they retract included). */
export async function restrictionHistory(
  db: Queryable,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
) {
  return eventPage(db, restrictionModel, id, query)
}
