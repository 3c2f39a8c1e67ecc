import { CountryCode, DepositStage, RareEarthElement } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { BlockedQuery } from '../blocking.ts'
import { PageQuery } from '../cursor.ts'
import { type HistoryQuery, readAt, TemporalQuery } from '../temporal.ts'
import { eventPage, getState, hasEvents, listStates } from '../temporal-model.ts'
import { depositModel } from './projection.ts'
import type { DepositView } from './view.ts'

export const DepositFilters = z.object({
  country: CountryCode.optional(),
  element: RareEarthElement.optional(),
  stage: DepositStage.optional(),
  blocked: BlockedQuery,
  operator: z.string().min(1).max(200).optional().meta({ description: "Part of an operator's name, any case" }),
  q: z.string().min(1).max(200).optional().meta({ description: 'Part of the name, any case' }),
})
export type DepositFilters = z.output<typeof DepositFilters>

export const DepositListQuery = DepositFilters.extend(PageQuery.shape).extend(TemporalQuery.shape).strict()
export type DepositListQuery = z.output<typeof DepositListQuery>

type Queryable = pg.Pool | pg.ClientBase

/** A page of deposits; `list` names it in its cursors (the map of the same list pages with its own). */
export async function listDeposits(db: Queryable, query: DepositListQuery, list = 'deposits') {
  const { limit, cursor, asOf, recordedAsOf, ...filters } = query
  return listStates(db, depositModel, { list, filters, limit, cursor, ...readAt({ asOf, recordedAsOf }) })
}

export async function getDeposit(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<DepositView | undefined> {
  return getState(db, depositModel, id, readAt(query))
}

/** A deposit's events, in record order, as CloudEvents (retractions and what they retract included). */
export async function depositHistory(db: Queryable, id: string, query: HistoryQuery) {
  return eventPage(db, depositModel, id, query)
}

export async function depositExists(db: Queryable, id: string): Promise<boolean> {
  return hasEvents(db, depositModel, id)
}
