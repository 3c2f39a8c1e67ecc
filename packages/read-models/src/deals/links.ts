import { CountryCode, countryName, DealStatus, DepositStage, FacilityStatus, IsoDate } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { getDeposit } from '../deposits/queries.ts'
import { DepositView } from '../deposits/view.ts'
import { FedFacility } from '../facilities/links.ts'
import { getFacilityView } from '../facilities/queries.ts'
import { type TemporalQuery, temporalOnly } from '../temporal.ts'
import { allDeals, getDeal } from './queries.ts'
import { DealView } from './view.ts'

type Queryable = pg.Pool | pg.ClientBase

export const LinkedDeposit = z
  .object({
    id: z.string(),
    resolved: z.boolean().meta({ description: 'False when the ledger knows no deposit by this id (yet)' }),
    name: z.string().optional(),
    country: CountryCode.optional(),
    countryName: z.string().optional(),
    stage: DepositStage.optional(),
  })
  .meta({ id: 'LinkedDeposit' })
type LinkedDeposit = z.output<typeof LinkedDeposit>

export const LinkedFacility = z
  .object({
    id: z.string(),
    resolved: z.boolean().meta({ description: 'False when the ledger knows no facility by this id (yet)' }),
    name: z.string().optional(),
    country: CountryCode.optional(),
    status: FacilityStatus.optional(),
  })
  .meta({ id: 'LinkedFacility' })
type LinkedFacility = z.output<typeof LinkedFacility>

export const DealDetail = DealView.extend({
  deposits: z.array(LinkedDeposit).meta({ description: 'The linked deposits, with their names and countries' }),
  unresolvedDepositIds: z
    .array(z.string())
    .meta({ description: 'Linked deposit ids the ledger does not know: kept, never dropped' }),
  facilities: z
    .array(LinkedFacility)
    .meta({ description: 'The facilities it funds, builds or buys from, as they stand on the same date' }),
  unresolvedFacilityIds: z
    .array(z.string())
    .meta({ description: 'Linked facility ids the ledger does not know: kept, never dropped' }),
}).meta({ id: 'DealDetail' })
export type DealDetail = z.output<typeof DealDetail>

export const LinkedDeal = z
  .object({
    id: z.string(),
    name: z.string(),
    status: DealStatus,
    date: IsoDate,
    countries: z.array(CountryCode),
    kinds: z.array(z.string()),
  })
  .meta({ id: 'LinkedDeal' })

export const DepositDetail = DepositView.extend({
  deals: z.array(LinkedDeal).meta({ description: 'The deals that link this deposit' }),
  facilities: z.array(FedFacility).meta({ description: 'The facilities this deposit feeds, as of the same date' }),
}).meta({ id: 'DepositDetail' })

/** A deal with its deposits resolved against the deposits read model, as of the same time. */
export async function getDealDetail(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<DealDetail | undefined> {
  const view = await getDeal(db, id, temporalOnly(query))
  if (!view) return undefined
  const deposits = await Promise.all(
    view.depositIds.map(async (depositId): Promise<LinkedDeposit> => {
      const deposit = await getDeposit(db, depositId, temporalOnly(query))
      if (!deposit) return { id: depositId, resolved: false }
      const { name, country, stage } = deposit
      return { id: depositId, resolved: true, name, country, countryName: countryName(country), stage }
    }),
  )
  const facilities = await Promise.all(
    view.facilityIds.map(async (facilityId): Promise<LinkedFacility> => {
      const facility = await getFacilityView(db, facilityId, temporalOnly(query))
      if (!facility) return { id: facilityId, resolved: false }
      const { name, country, status } = facility
      return { id: facilityId, resolved: true, name, country, status }
    }),
  )
  const unresolved = (links: ReadonlyArray<{ id: string; resolved: boolean }>) =>
    links.filter((link) => !link.resolved).map((link) => link.id)
  return {
    ...view,
    deposits,
    unresolvedDepositIds: unresolved(deposits),
    facilities,
    unresolvedFacilityIds: unresolved(facilities),
  }
}

/** The deals that link a deposit, in date order, as they stand now or stood then. */
export async function dealsLinkingDeposit(db: Queryable, depositId: string, query: TemporalQuery = {}) {
  return linkedDeals(await allDeals(db, { ...temporalOnly(query), deposit: depositId }))
}

/** The deals that fund, build or buy from a facility, in date order, as they stand now or stood then. */
export async function dealsLinkingFacility(db: Queryable, facilityId: string, query: TemporalQuery = {}) {
  return linkedDeals(await allDeals(db, { ...temporalOnly(query), facility: facilityId }))
}

function linkedDeals(views: DealView[]): Array<z.output<typeof LinkedDeal>> {
  return views
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id))
    .map(({ id, name, status, date, countries, kinds }) => ({
      id,
      name,
      status,
      date,
      countries,
      kinds: kinds.map((term) => term.kind),
    }))
}
