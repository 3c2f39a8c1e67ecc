import { CountryCode, DealKind, DealStatus, IsoDate, RareEarthElement, Slug, StageQuery } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { PageQuery } from '../cursor.ts'
import { type HistoryQuery, readAt, TemporalQuery } from '../temporal.ts'
import { allStates, eventPage, getState, hasEvents, listStates } from '../temporal-model.ts'
import { dealModel } from './projection.ts'
import type { DealView } from './view.ts'

export const DealFilters = z.object({
  country: CountryCode.optional().meta({ description: "A party's country" }),
  party: z.string().min(1).max(200).optional().meta({ description: "Part of a party's name, any case" }),
  kind: DealKind.optional(),
  status: DealStatus.optional(),
  element: RareEarthElement.optional(),
  stage: StageQuery.optional(),
  deposit: Slug.optional().meta({ description: 'A linked deposit id' }),
  facility: Slug.optional().meta({ description: 'A linked facility id' }),
  from: IsoDate.optional().meta({
    description: 'Only deals whose date (when they first became known) is on or after this',
  }),
  to: IsoDate.optional().meta({ description: 'Only deals whose date is on or before this' }),
})
export type DealFilters = z.output<typeof DealFilters>

/** A date range that ends before it starts is a mistake, not an empty answer. */
export function rangeInOrder(query: { from?: string | undefined; to?: string | undefined }, context: z.RefinementCtx) {
  if (query.from !== undefined && query.to !== undefined && query.to < query.from) {
    context.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be on or after from (${query.from})`,
      input: query.to,
    })
  }
}

export const DealSort = z.enum(['date', '-date', 'value', '-value']).default('-date').meta({
  description:
    'By date (when the deal first became known) or by disclosed value (its amount, whatever the currency); `-` for descending. Deals without a disclosed value come last either way.',
})

export const DealListQuery = DealFilters.extend({ sort: DealSort })
  .extend(PageQuery.shape)
  .extend(TemporalQuery.shape)
  .strict()
  .superRefine(rangeInOrder)
export type DealListQuery = z.output<typeof DealListQuery>

type Queryable = pg.Pool | pg.ClientBase

export async function listDeals(db: Queryable, query: DealListQuery) {
  const { limit, cursor, sort, asOf, recordedAsOf, ...filters } = query
  return listStates(db, dealModel, { list: 'deals', filters, sort, limit, cursor, ...readAt({ asOf, recordedAsOf }) })
}

export async function getDeal(db: Queryable, id: string, query: TemporalQuery = {}): Promise<DealView | undefined> {
  return getState(db, dealModel, id, readAt(query))
}

export async function dealExists(db: Queryable, id: string): Promise<boolean> {
  return hasEvents(db, dealModel, id)
}

/** A deal's events, in record order, as CloudEvents (retractions and what they retract included). */
export async function dealHistory(db: Queryable, id: string, query: HistoryQuery) {
  return eventPage(db, dealModel, id, query)
}

/** Every deal matching the filters, as it stood on a date and as known at a time: for aggregates and deposit links. */
export async function allDeals(db: Queryable, query: DealFilters & TemporalQuery): Promise<DealView[]> {
  const { asOf, recordedAsOf, ...filters } = query
  return allStates(db, dealModel, { filters, ...readAt({ asOf, recordedAsOf }) })
}
