import { CountryCode, FeedSupplier } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { getDeposit } from '../deposits/queries.ts'
import { Fact } from '../fact.ts'
import { type TemporalQuery, temporalOnly } from '../temporal.ts'
import { allFacilities, type FacilityListQuery, getFacilityView, listFacilityViews } from './queries.ts'
import { FacilityView } from './view.ts'

type Queryable = pg.Pool | pg.ClientBase

export const FacilityFeed = FeedSupplier.extend({
  resolved: z.boolean().meta({
    description:
      'False when the ledger knows no deposit or facility by this id as of the read (yet): the link is kept, never dropped',
  }),
  name: z.string().optional().meta({ description: "The supplier's name, when resolved" }),
  country: CountryCode.optional(),
})
  .extend(Fact.shape)
  .meta({ id: 'FacilityFeed' })
type FacilityFeed = z.output<typeof FacilityFeed>

export const Facility = FacilityView.extend({
  feeds: z
    .array(FacilityFeed)
    .meta({ description: 'What supplies it, each link with its source, resolved against the deposits and facilities' }),
}).meta({ id: 'Facility' })
export type Facility = z.output<typeof Facility>

/** The facilities with their feeds resolved against the deposit and facility read models, as of the same time. */
async function withFeeds(db: Queryable, views: FacilityView[], query: TemporalQuery): Promise<Facility[]> {
  const at = temporalOnly(query)
  const known = new Map<string, Promise<{ name: string; country: string } | undefined>>()
  const lookUp = (kind: FeedSupplier['kind'], id: string) => {
    const key = `${kind}:${id}`
    let found = known.get(key)
    if (!found) {
      found = kind === 'deposit' ? getDeposit(db, id, at) : getFacilityView(db, id, at)
      known.set(key, found)
    }
    return found
  }
  return Promise.all(
    views.map(async (view) => ({
      ...view,
      feeds: await Promise.all(
        view.feeds.map(async (feed): Promise<FacilityFeed> => {
          const supplier = await lookUp(feed.kind, feed.id)
          if (!supplier) return { ...feed, resolved: false }
          return { ...feed, resolved: true, name: supplier.name, country: supplier.country as FacilityFeed['country'] }
        }),
      ),
    })),
  )
}

export async function getFacility(db: Queryable, id: string, query: TemporalQuery = {}): Promise<Facility | undefined> {
  const view = await getFacilityView(db, id, temporalOnly(query))
  if (!view) return undefined
  const [facility] = await withFeeds(db, [view], query)
  return facility
}

export async function listFacilities(db: Queryable, query: FacilityListQuery) {
  const page = await listFacilityViews(db, query)
  return { ...page, items: await withFeeds(db, page.items, query) }
}

export const FedFacility = z
  .object({ id: z.string(), name: z.string(), country: CountryCode, status: FacilityView.shape.status })
  .meta({ id: 'FedFacility' })

/** The facilities a deposit feeds, as they stand now or stood then. */
export async function facilitiesFedByDeposit(db: Queryable, depositId: string, query: TemporalQuery = {}) {
  const views = await allFacilities(db, { ...temporalOnly(query), deposit: depositId })
  return views.map(({ id, name, country, status }) => ({ id, name, country, status }))
}
