import {
  CountryCode,
  countryName,
  DealStatus,
  DepositStage,
  FacilityStatus,
  IsoDate,
  RareEarthElement,
  RestrictionKind,
  SupplyChainStage,
} from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { dealModel } from '../deals/projection.ts'
import { depositModel } from '../deposits/projection.ts'
import { facilityModel } from '../facilities/projection.ts'
import { readAt, type TemporalQuery } from '../temporal.ts'
import { allStates, countStates } from '../temporal-model.ts'
import { restrictionModel } from '../trade-flows/projection.ts'
import { inForceOn, type RestrictionView } from '../trade-flows/restriction-view.ts'

type Queryable = pg.Pool | pg.ClientBase

const Count = z.number().int().min(0)

export const FacilityCounts = z
  .object({
    count: Count,
    byStage: z
      .partialRecord(SupplyChainStage, Count)
      .meta({ description: 'A facility counts once in each of its stages' }),
    byStatus: z.partialRecord(FacilityStatus, Count),
    byCountry: z.record(CountryCode, Count),
    list: z.string(),
  })
  .meta({ id: 'FacilityCounts' })

export const ElementSupply = z
  .object({
    element: RareEarthElement,
    asOf: IsoDate.meta({ description: 'The valid date read' }),
    recordedAsOf: z.string().optional(),
    deposits: z.object({
      count: Count.meta({ description: 'Deposits whose recorded elements include it' }),
      byCountry: z.array(
        z.object({
          country: CountryCode,
          countryName: z.string(),
          count: Count,
          byStage: z.partialRecord(DepositStage, Count),
          blocked: Count.meta({ description: 'Of these, how many a law, regulator or court blocks' }),
        }),
      ),
      list: z.string().meta({ description: 'The list of those deposits, with the same times' }),
    }),
    facilities: FacilityCounts.meta({ description: 'Facilities whose recorded elements include it' }),
    deals: z.object({
      count: Count.meta({ description: 'Deals that name it' }),
      byStatus: z.partialRecord(DealStatus, Count),
      list: z.string(),
    }),
    restrictionsInForce: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          kind: RestrictionKind,
          actorName: z.string(),
          origin: CountryCode,
          legalReference: z.string().optional(),
          imposedOn: IsoDate,
          namesElement: z
            .boolean()
            .meta({ description: 'false: the measure names no element, so it covers every one, this one too' }),
        }),
      )
      .meta({ description: 'Restrictions in force on the date that cover it (by name, or by naming no element)' }),
  })
  .meta({
    id: 'ElementSupply',
    examples: [
      {
        element: 'Dy',
        asOf: '2025-12-01',
        deposits: { count: 0, byCountry: [], list: '/v1/deposits?element=Dy&asOf=2025-12-01' },
        facilities: {
          count: 0,
          byStage: {},
          byStatus: {},
          byCountry: {},
          list: '/v1/facilities?element=Dy&asOf=2025-12-01',
        },
        deals: { count: 0, byStatus: {}, list: '/v1/deals?element=Dy&asOf=2025-12-01' },
        restrictionsInForce: [
          {
            id: 'cn-export-controls-2025-04',
            name: "China's export licensing of seven medium and heavy rare earths (Announcement No. 18)",
            kind: 'export-control',
            actorName: 'China (MOFCOM / GAC)',
            origin: 'CN',
            legalReference: 'MOFCOM/GAC Announcement No. 18 (2025)',
            imposedOn: '2025-04-04',
            namesElement: true,
          },
        ],
      },
    ],
  })
export type ElementSupply = z.output<typeof ElementSupply>

/** Where an element stands in the supply chain on a date, as known at a time: counted from the read models. */
export async function elementSupply(
  db: Queryable,
  element: RareEarthElement,
  query: TemporalQuery,
): Promise<ElementSupply> {
  const at = readAt(query)
  const day = at.asOf ?? at.today
  const [depositCounts, facilityCounts, dealCounts, restrictions] = await Promise.all([
    countStates(db, depositModel, { filters: { element }, by: ['country', 'stage', 'blocked'], ...at }),
    countStates(db, facilityModel, { filters: { element }, by: ['id', 'country', 'status', 'stages'], ...at }),
    countStates(db, dealModel, { filters: { element }, by: ['status'], ...at }),
    allStates<RestrictionView, Record<string, unknown>>(db, restrictionModel, { filters: { element }, ...at }),
  ])
  const byCountry = new Map<string, ElementSupply['deposits']['byCountry'][number]>()
  for (const { key, count } of depositCounts) {
    const country = String(key.country)
    const entry = byCountry.get(country) ?? {
      country,
      countryName: countryName(country),
      count: 0,
      byStage: {},
      blocked: 0,
    }
    const stage = key.stage as DepositStage
    entry.count += count
    entry.byStage[stage] = (entry.byStage[stage] ?? 0) + count
    if (key.blocked === 'true') entry.blocked += count
    byCountry.set(country, entry)
  }
  const times = new URLSearchParams({
    element,
    asOf: day,
    ...(at.recordedAsOf ? { recordedAsOf: at.recordedAsOf } : {}),
  })
  return {
    element,
    asOf: day,
    ...(at.recordedAsOf === undefined ? {} : { recordedAsOf: at.recordedAsOf }),
    deposits: {
      count: depositCounts.reduce((sum, row) => sum + row.count, 0),
      byCountry: [...byCountry.values()].sort((a, b) => b.count - a.count || a.country.localeCompare(b.country)),
      list: `/v1/deposits?${times}`,
    },
    facilities: facilitySummary(facilityCounts, `/v1/facilities?${times}`),
    deals: {
      count: dealCounts.reduce((sum, row) => sum + row.count, 0),
      byStatus: Object.fromEntries(dealCounts.map(({ key, count }) => [String(key.status), count])),
      list: `/v1/deals?${times}`,
    },
    restrictionsInForce: restrictions
      .filter((restriction) => inForceOn(restriction, day))
      .map((restriction) => ({
        id: restriction.id,
        name: restriction.name,
        kind: restriction.kind,
        actorName: restriction.actorName,
        origin: restriction.origin,
        ...(restriction.legalReference === undefined ? {} : { legalReference: restriction.legalReference }),
        imposedOn: restriction.imposedOn,
        namesElement: restriction.elements.length > 0,
      })),
  }
}

/**
 * Facility counts from rows grouped by (id, country, status, stage): a facility counts once
 * in all, in its country and in its status, and once in each of its stages.
 */
export function facilitySummary(
  rows: ReadonlyArray<{ key: Record<string, string | null>; count: number }>,
  list: string,
) {
  const ids = new Map<string, { country: string; status: string }>()
  const byStage: Partial<Record<SupplyChainStage, number>> = {}
  for (const { key } of rows) {
    ids.set(String(key.id), { country: String(key.country), status: String(key.status) })
    const stage = key.stages as SupplyChainStage
    byStage[stage] = (byStage[stage] ?? 0) + 1
  }
  const byStatus: Partial<Record<FacilityStatus, number>> = {}
  const byCountry: Record<string, number> = {}
  for (const { country, status } of ids.values()) {
    byStatus[status as FacilityStatus] = (byStatus[status as FacilityStatus] ?? 0) + 1
    byCountry[country] = (byCountry[country] ?? 0) + 1
  }
  return { count: ids.size, byStage, byStatus, byCountry, list }
}
