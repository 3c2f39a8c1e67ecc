import {
  CloudEvent,
  CountryCode,
  DepositStage,
  depositCommandRoutes,
  entityTag,
  Problem,
  RareEarthElement,
  Slug,
} from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import {
  DepositDetail,
  DepositFilters,
  DepositListQuery,
  DepositView,
  dealsLinkingDeposit,
  depositExists,
  depositHistory,
  depositModel,
  facilitiesFedByDeposit,
  getDeposit,
  HistoryQuery,
  listDeposits,
  Page,
  TemporalQuery,
} from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import type { CommandClient } from '../commandClient.ts'
import { ConsistencyQuery, waitForVersion } from '../consistency.ts'
import { geoJsonList, geoJsonQuery } from '../geojson.ts'
import { forwardCommands } from './forward.ts'

const tag = 'Deposits'
const IdParams = z.object({ id: Slug })
const notFound = (id: string) => new HttpProblem('not-found', `no deposit ${id} is known to the read model`)

const DepositFeatureProperties = z
  .object({
    name: z.string(),
    country: CountryCode,
    countryName: z.string(),
    region: z.string().optional(),
    depositType: z.string().optional(),
    stage: DepositStage,
    stageSince: z.string(),
    elements: z.array(RareEarthElement),
    operators: z.array(z.string()),
  })
  .meta({ id: 'DepositFeatureProperties' })

export function depositRoutes(options: { pool: pg.Pool; commands: CommandClient }): FastifyPluginAsyncZod {
  const { pool } = options
  /** Not found on a past date: says from when the deposit is known, if it is known at a later one. */
  const notFoundAsOf = async (id: string, query: TemporalQuery) => {
    if (query.asOf === undefined) return notFound(id)
    const { asOf: _asOf, ...known } = query
    const later = await getDeposit(pool, id, { ...known, asOf: '9999-12-31' })
    if (!later || later.registration.effectiveDate <= query.asOf) return notFound(id)
    return new HttpProblem(
      'not-found',
      `deposit ${id} is first dated ${later.registration.effectiveDate}: the ledger holds no fact of it on ${query.asOf}`,
    )
  }
  return async function deposits(app) {
    app.get(
      '/deposits',
      {
        schema: {
          tags: [tag],
          operationId: 'listDeposits',
          summary: 'List deposits, filtered, a page at a time',
          description:
            'Ordered by id. With `asOf` or `recordedAsOf`, each deposit is shown as it stood then, and the filters apply to that state.',
          querystring: DepositListQuery,
          response: { 200: Page(DepositView), 400: Problem },
        },
      },
      async (request) => listDeposits(pool, request.query),
    )

    await app.register(
      geoJsonList({
        path: '/deposits.geojson',
        tag,
        operationId: 'listDepositsGeoJson',
        entities: 'deposits',
        querystring: geoJsonQuery(DepositFilters),
        properties: DepositFeatureProperties,
        page: (query) => listDeposits(pool, query, 'deposits.geojson'),
        example: {
          features: [
            {
              type: 'Feature',
              id: 'mountain-pass',
              geometry: { type: 'Point', coordinates: [-115.53, 35.475] },
              properties: {
                name: 'Mountain Pass',
                country: 'US',
                countryName: 'United States',
                stage: 'production',
                stageSince: '2012-01-01',
                elements: ['Ce', 'La', 'Pr', 'Nd'],
                operators: ['MP Materials'],
              },
            },
          ],
          excluded: 4,
        },
        toProperties: (deposit) => ({
          name: deposit.name,
          country: deposit.country,
          countryName: deposit.countryName,
          ...(deposit.region === undefined ? {} : { region: deposit.region }),
          ...(deposit.depositType === undefined ? {} : { depositType: deposit.depositType }),
          stage: deposit.stage,
          stageSince: deposit.stageSince,
          elements: deposit.elements.map((entry) => entry.element),
          operators: deposit.operators.map((operator) => operator.name),
        }),
      }),
    )

    app.get(
      '/deposits/:id',
      {
        schema: {
          tags: [tag],
          operationId: 'getDeposit',
          summary: 'One deposit with the deals that link it and the facilities it feeds, now or as of a past date',
          querystring: TemporalQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: DepositDetail, 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params
        await waitForVersion(pool, depositModel, id, request.query.minVersion)
        const view = await getDeposit(pool, id, request.query)
        if (!view) throw await notFoundAsOf(id, request.query)
        reply.header('etag', entityTag(view.version))
        const [deals, facilities] = await Promise.all([
          dealsLinkingDeposit(pool, id, request.query),
          facilitiesFedByDeposit(pool, id, request.query),
        ])
        return { ...view, deals, facilities }
      },
    )

    app.get(
      '/deposits/:id/history',
      {
        schema: {
          tags: [tag],
          operationId: 'getDepositHistory',
          summary: "A deposit's events, as CloudEvents, in the order they were recorded",
          querystring: HistoryQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: Page(CloudEvent), 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request) => {
        const { id } = request.params
        await waitForVersion(pool, depositModel, id, request.query.minVersion)
        if (!(await depositExists(pool, id))) throw notFound(id)
        return depositHistory(pool, id, request.query)
      },
    )

    await app.register(
      forwardCommands({ routes: depositCommandRoutes, client: options.commands, tag, model: depositModel }),
    )
  }
}
