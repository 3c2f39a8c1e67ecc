import { CloudEvent, CountryCode, countryCommandRoutes, entityTag, Problem } from '@ree/contracts'
import {
  CountryFigureListQuery,
  CountryFiguresView,
  CountryProfile,
  countryFiguresHistory,
  countryFiguresModel,
  getCountryProfile,
  HistoryQuery,
  listCountryFigures,
  Page,
  TemporalQuery,
} from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import type { CommandClient } from '../commandClient.ts'
import { ConsistencyQuery, waitForVersion } from '../consistency.ts'
import { forwardCommands } from './forward.ts'

const tag = 'Countries'
const IdParams = z.object({ id: CountryCode })

export function countryRoutes(options: { pool: pg.Pool; commands: CommandClient }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function countries(app) {
    app.get(
      '/countries',
      {
        schema: {
          tags: [tag],
          operationId: 'listCountryFigures',
          summary: 'Country figures across countries, filtered by metric and year, a page of countries at a time',
          description:
            'Ordered by ISO code. Each country is listed with only its figures that match; countries with none are left out. `asOf` and `recordedAsOf` as on one country.',
          querystring: CountryFigureListQuery,
          response: { 200: Page(CountryFiguresView), 400: Problem },
        },
      },
      async (request) => listCountryFigures(pool, request.query),
    )

    app.get(
      '/countries/:id',
      {
        schema: {
          tags: [tag],
          operationId: 'getCountry',
          summary: "A country's figures and its deposits by stage, now or as of a past date",
          description:
            "`id` is the ISO 3166-1 alpha-2 code. Every assigned code is a country: one the ledger knows nothing of answers 200 with no figures and no deposits; an unassigned code is a 400. Figures are dated by when they were published or first known (`effectiveDate`), not by the year they are about, so `asOf` shows what was known of the country's figures on that date.",
          querystring: TemporalQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: CountryProfile, 400: Problem, 503: Problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params
        const { minVersion, ...query } = request.query
        await waitForVersion(pool, countryFiguresModel, id, minVersion)
        const profile = await getCountryProfile(pool, id, query)
        reply.header('etag', entityTag(profile.version))
        return profile
      },
    )

    app.get(
      '/countries/:id/history',
      {
        schema: {
          tags: [tag],
          operationId: 'getCountryHistory',
          summary: "A country's figure events, as CloudEvents, in the order they were recorded",
          description: 'Empty for a country the ledger has no figure of.',
          querystring: HistoryQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: Page(CloudEvent), 400: Problem, 503: Problem },
        },
      },
      async (request) => {
        const { id } = request.params
        const { minVersion, ...query } = request.query
        await waitForVersion(pool, countryFiguresModel, id, minVersion)
        return countryFiguresHistory(pool, id, query)
      },
    )

    await app.register(
      forwardCommands({ routes: countryCommandRoutes, client: options.commands, tag, model: countryFiguresModel }),
    )
  }
}
