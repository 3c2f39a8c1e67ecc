import type pg from 'pg'
import { z } from 'zod'
import { TemporalQuery } from '../temporal.ts'
import { allDeals, DealFilters, rangeInOrder } from './queries.ts'
import type { DealView } from './view.ts'

export const DealAggregateDimension = z
  .enum(['country-pair', 'kind', 'stage', 'year', 'status'])
  .meta({ id: 'DealAggregateDimension' })
type DealAggregateDimension = z.output<typeof DealAggregateDimension>

export const DealAggregateQuery = DealFilters.extend({
  by: DealAggregateDimension.default('country-pair').meta({
    description:
      '`country-pair`: each pair of party countries (a deal between parties of one country counts as that country twice; a party without a known country as `unknown`); `kind`, `stage` (a deal counts once in each of its kinds or stages; `unspecified` where none is named); `year` of the deal date; `status` on the date read',
  }),
})
  .extend(TemporalQuery.shape)
  .strict()
  .superRefine(rangeInOrder)
export type DealAggregateQuery = z.output<typeof DealAggregateQuery>

const DisclosedValue = z.object({
  currency: z.string(),
  amount: z.number().meta({
    description: 'The sum of the disclosed values, as stated: ranges and approximations count at their stated amount',
  }),
  deals: z.number().int(),
})

export const DealAggregateGroup = z
  .object({
    key: z.string().meta({ examples: ['PK-US', 'offtake', 'magnet', '2025', 'mou'] }),
    deals: z.number().int(),
    disclosedValue: z.array(DisclosedValue).meta({ description: 'Per currency; currencies are never converted' }),
    undisclosedValue: z.number().int().meta({ description: 'Deals in the group whose value is not disclosed' }),
  })
  .meta({ id: 'DealAggregateGroup' })

export const DealAggregates = z
  .object({ by: DealAggregateDimension, groups: z.array(DealAggregateGroup) })
  .meta({ id: 'DealAggregates' })
export type DealAggregates = z.output<typeof DealAggregates>

function keysOf(view: DealView, by: DealAggregateDimension): string[] {
  switch (by) {
    case 'country-pair': {
      const countries = [...view.countries]
      if (view.parties.some((party) => party.country === undefined)) countries.push('unknown')
      if (countries.length === 1) return [`${countries[0]}-${countries[0]}`]
      return countries.flatMap((first, index) => countries.slice(index + 1).map((second) => `${first}-${second}`))
    }
    case 'kind':
      return view.kinds.map((term) => term.kind)
    case 'stage':
      return view.stages.length > 0 ? view.stages : ['unspecified']
    case 'year':
      return [view.date.slice(0, 4)]
    case 'status':
      return [view.status]
    default: {
      const unexpected: never = by
      throw new Error(`unknown dimension ${String(unexpected)}`)
    }
  }
}

/** Deal count and disclosed value per group, over the deals the filters select as of both times. */
export async function aggregateDeals(db: pg.Pool | pg.ClientBase, query: DealAggregateQuery): Promise<DealAggregates> {
  const groups = new Map<
    string,
    { deals: number; undisclosedValue: number; values: Map<string, { amount: number; deals: number }> }
  >()
  const { by: _by, ...selection } = query
  for (const view of await allDeals(db, selection)) {
    for (const key of new Set(keysOf(view, query.by))) {
      const group = groups.get(key) ?? { deals: 0, undisclosedValue: 0, values: new Map() }
      group.deals += 1
      if (view.value) {
        const sum = group.values.get(view.value.currency) ?? { amount: 0, deals: 0 }
        group.values.set(view.value.currency, { amount: sum.amount + view.value.amount, deals: sum.deals + 1 })
      } else {
        group.undisclosedValue += 1
      }
      groups.set(key, group)
    }
  }
  return {
    by: query.by,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, group]) => ({
        key,
        deals: group.deals,
        disclosedValue: [...group.values.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, sum]) => ({ currency, ...sum })),
        undisclosedValue: group.undisclosedValue,
      })),
  }
}
