import { CountryCode, CountryMetric, countryName } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { PageQuery } from '../cursor.ts'
import { CountryActivity, countryActivity } from '../supply/country.ts'
import { type HistoryQuery, readAt, TemporalQuery } from '../temporal.ts'
import { eventPage, getState, listStates, streamVersion } from '../temporal-model.ts'
import { countryFiguresModel } from './projection.ts'
import { type CountryFiguresView, CountryFigureView } from './view.ts'

type Queryable = pg.Pool | pg.ClientBase

export const CountryFigureFilters = z.object({
  metric: CountryMetric.optional(),
  year: z.coerce.number().int().min(1800).max(2200).optional().meta({ description: 'The year the figures are for' }),
})
export type CountryFigureFilters = z.output<typeof CountryFigureFilters>

export const CountryFigureListQuery = CountryFigureFilters.extend(PageQuery.shape).extend(TemporalQuery.shape).strict()
export type CountryFigureListQuery = z.output<typeof CountryFigureListQuery>

export const CountryProfile = z
  .object({
    id: CountryCode,
    country: CountryCode,
    countryName: z.string(),
    figures: z.array(CountryFigureView),
  })
  .extend(CountryActivity.shape)
  .extend({
    version: z.number().int().meta({
      description:
        "Stream version of the country's figures, the ETag to send as If-Match; 0 when none is recorded (or, with recordedAsOf, none was in force then)",
    }),
    lastRecordedAt: z
      .string()
      .nullable()
      .meta({ description: 'When the figures read were last changed; null when none is in force' }),
  })
  .meta({
    id: 'CountryProfile',
    examples: [
      {
        id: 'US',
        country: 'US',
        countryName: 'United States',
        figures: [],
        asOf: '2020-01-01',
        deposits: {
          count: 1,
          byStage: { production: 1 },
          blocked: 0,
          list: '/v1/deposits?country=US&asOf=2020-01-01',
        },
        facilities: {
          count: 0,
          byStage: {},
          byStatus: {},
          byCountry: {},
          list: '/v1/facilities?country=US&asOf=2020-01-01',
        },
        deals: { count: 0, byStatus: [], list: '/v1/deals?country=US&asOf=2020-01-01' },
        shipments: {
          out: { count: 0, byCountry: {}, byStatus: {}, list: '/v1/shipments?origin=US&asOf=2020-01-01' },
          in: { count: 0, byCountry: {}, byStatus: {}, list: '/v1/shipments?destination=US&asOf=2020-01-01' },
        },
        restrictions: { imposedBy: [], on: [] },
        version: 2,
        lastRecordedAt: null,
      },
    ],
  })
export type CountryProfile = z.output<typeof CountryProfile>

/**
 * A country as of a date and as known at a time: its figures, and its deposits, deals,
 * shipments and restrictions. Every assigned ISO code is a country, so one the ledger
 * knows nothing of has none of these.
 */
export async function getCountryProfile(
  db: Queryable,
  country: string,
  query: TemporalQuery = {},
): Promise<CountryProfile> {
  const read = readAt(query)
  const [view, activity] = await Promise.all([
    getState(db, countryFiguresModel, country, read),
    countryActivity(db, country, query),
  ])
  return {
    id: country,
    country,
    countryName: countryName(country),
    figures: view?.figures ?? [],
    ...activity,
    version: view?.version ?? (query.recordedAsOf === undefined ? await countryFiguresVersion(db, country) : 0),
    lastRecordedAt: view?.lastRecordedAt ?? null,
  }
}

/** Countries with figures that match, a page at a time, each with only its matching figures. */
export async function listCountryFigures(db: Queryable, query: CountryFigureListQuery) {
  const { limit, cursor, asOf, recordedAsOf, ...filters } = query
  const page = await listStates(db, countryFiguresModel, {
    list: 'country-figures',
    filters,
    limit,
    cursor,
    ...readAt({ asOf, recordedAsOf }),
  })
  const matches = (figure: CountryFiguresView['figures'][number]) =>
    (filters.metric === undefined || figure.metric === filters.metric) &&
    (filters.year === undefined || figure.year === filters.year)
  return {
    ...page,
    items: page.items.map((view) => ({ ...view, figures: view.figures.filter(matches) })),
  }
}

/** The version the read model has reached for a country's figures (0 when none): for read-your-writes. */
export async function countryFiguresVersion(db: Queryable, country: string): Promise<number> {
  return streamVersion(db, countryFiguresModel, country)
}

/** A country's figure events, in record order, as CloudEvents (retractions and what they retract included). */
export async function countryFiguresHistory(db: Queryable, country: string, query: HistoryQuery) {
  return eventPage(db, countryFiguresModel, country, query)
}
