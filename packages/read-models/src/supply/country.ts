import { CountryCode, DepositStage, IsoDate, RestrictionKind, RestrictionStatus, ShipmentStatus } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { aggregateDeals, DealAggregateGroup } from '../deals/aggregates.ts'
import { depositModel } from '../deposits/projection.ts'
import { facilityModel } from '../facilities/projection.ts'
import { readAt, type TemporalQuery } from '../temporal.ts'
import { allStates, countStates } from '../temporal-model.ts'
import { restrictionModel, shipmentModel } from '../trade-flows/projection.ts'
import { inForceOn, type RestrictionView } from '../trade-flows/restriction-view.ts'
import { FacilityCounts, facilitySummary } from './element.ts'

type Queryable = pg.Pool | pg.ClientBase

const Count = z.number().int().min(0)

const RestrictionSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: RestrictionKind,
  actorName: z.string(),
  origin: CountryCode,
  status: RestrictionStatus,
  inForce: z.boolean().meta({ description: 'Whether it applied on the date read' }),
})
type RestrictionSummary = z.output<typeof RestrictionSummary>

const Flow = z.object({
  count: Count.meta({ description: 'Shipments, cancelled ones included' }),
  byCountry: z.record(CountryCode, Count).meta({ description: 'By the country at the other end' }),
  byStatus: z.partialRecord(ShipmentStatus, Count),
  list: z.string(),
})

/** What the ledger holds about a country besides its own figures: the entities that name it, on a date. */
export const CountryActivity = z
  .object({
    asOf: IsoDate,
    deposits: z.object({
      count: Count,
      byStage: z.partialRecord(DepositStage, Count),
      blocked: Count,
      list: z.string(),
    }),
    facilities: FacilityCounts.meta({ description: 'Its facilities, by stage and status' }),
    deals: z.object({
      count: Count.meta({ description: 'Deals with a party of this country' }),
      byStatus: z.array(DealAggregateGroup).meta({ description: 'Count and disclosed value (per currency) by status' }),
      list: z.string(),
    }),
    shipments: z.object({ out: Flow, in: Flow }),
    restrictions: z.object({
      imposedBy: z.array(RestrictionSummary).meta({ description: 'Measures of this state, or of companies of it' }),
      on: z
        .array(RestrictionSummary)
        .meta({ description: "Other countries' measures that target it by name or target every destination" }),
    }),
  })
  .meta({ id: 'CountryActivity' })
export type CountryActivity = z.output<typeof CountryActivity>

const summary = (restriction: RestrictionView, day: string): RestrictionSummary => ({
  id: restriction.id,
  name: restriction.name,
  kind: restriction.kind,
  actorName: restriction.actorName,
  origin: restriction.origin,
  status: restriction.status,
  inForce: inForceOn(restriction, day),
})

/** Deposits, deals, shipments and restrictions of a country as of a date and as known at a time, from the read models. */
export async function countryActivity(db: Queryable, country: string, query: TemporalQuery): Promise<CountryActivity> {
  const at = readAt(query)
  const day = at.asOf ?? at.today
  const times = (filters: Record<string, string>) =>
    new URLSearchParams({ ...filters, asOf: day, ...(at.recordedAsOf ? { recordedAsOf: at.recordedAsOf } : {}) })
  const [deposits, facilities, deals, out, inbound, imposedBy, on] = await Promise.all([
    countStates(db, depositModel, { filters: { country }, by: ['stage', 'blocked'], ...at }),
    countStates(db, facilityModel, { filters: { country }, by: ['id', 'country', 'status', 'stages'], ...at }),
    aggregateDeals(db, { country, by: 'status', ...query }),
    countStates(db, shipmentModel, { filters: { origin: country }, by: ['destination', 'status'], ...at }),
    countStates(db, shipmentModel, { filters: { destination: country }, by: ['origin', 'status'], ...at }),
    allStates<RestrictionView, Record<string, unknown>>(db, restrictionModel, { filters: { origin: country }, ...at }),
    allStates<RestrictionView, Record<string, unknown>>(db, restrictionModel, {
      filters: { destination: country },
      ...at,
    }),
  ])
  const byStage: Partial<Record<DepositStage, number>> = {}
  for (const { key, count } of deposits) {
    const stage = key.stage as DepositStage
    byStage[stage] = (byStage[stage] ?? 0) + count
  }
  const flow = (rows: typeof out, other: 'destination' | 'origin', filters: Record<string, string>) => {
    const byCountry: Record<string, number> = {}
    const byStatus: Partial<Record<z.output<typeof ShipmentStatus>, number>> = {}
    for (const { key, count } of rows) {
      const end = String(key[other])
      const status = key.status as z.output<typeof ShipmentStatus>
      byCountry[end] = (byCountry[end] ?? 0) + count
      byStatus[status] = (byStatus[status] ?? 0) + count
    }
    return { count: total(rows), byCountry, byStatus, list: `/v1/shipments?${times(filters)}` }
  }
  return {
    asOf: day,
    deposits: {
      count: total(deposits),
      byStage,
      blocked: total(deposits.filter((row) => row.key.blocked === 'true')),
      list: `/v1/deposits?${times({ country })}`,
    },
    facilities: facilitySummary(facilities, `/v1/facilities?${times({ country })}`),
    deals: {
      count: deals.groups.reduce((sum, group) => sum + group.deals, 0),
      byStatus: deals.groups,
      list: `/v1/deals?${times({ country })}`,
    },
    shipments: {
      out: flow(out, 'destination', { origin: country }),
      in: flow(inbound, 'origin', { destination: country }),
    },
    restrictions: {
      imposedBy: imposedBy
        .filter((restriction) => restriction.actor.country === country)
        .map((restriction) => summary(restriction, day)),
      on: on.filter((restriction) => restriction.origin !== country).map((restriction) => summary(restriction, day)),
    },
  }
}

const total = (rows: ReadonlyArray<{ count: number }>) => rows.reduce((sum, row) => sum + row.count, 0)
