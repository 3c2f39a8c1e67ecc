import {
  CloudEvent,
  CountryCode,
  entityTag,
  FacilityStage,
  FacilityStatus,
  facilityCommandRoutes,
  Problem,
  RareEarthElement,
  Slug,
} from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import {
  dealsLinkingFacility,
  Facility,
  FacilityFilters,
  FacilityListQuery,
  facilityExists,
  facilityHistory,
  facilityModel,
  getFacility,
  HistoryQuery,
  LinkedDeal,
  listFacilities,
  listFacilityViews,
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

const FacilityDetail = Facility.extend({
  deals: z.array(LinkedDeal).meta({ description: 'The deals that fund, build or buy from it, as of the same date' }),
}).meta({ id: 'FacilityDetail' })
const tag = 'Facilities'
const IdParams = z.object({ id: Slug })
const notFound = (id: string) => new HttpProblem('not-found', `no facility ${id} is known to the read model`)

const FacilityFeatureProperties = z
  .object({
    name: z.string(),
    country: CountryCode,
    countryName: z.string(),
    region: z.string().optional(),
    stages: z.array(FacilityStage),
    status: FacilityStatus,
    statusSince: z.string(),
    products: z.array(z.string()),
    elements: z.array(RareEarthElement),
    operators: z.array(z.string()),
  })
  .meta({ id: 'FacilityFeatureProperties' })

export function facilityRoutes(options: { pool: pg.Pool; commands: CommandClient }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function facilities(app) {
    app.get(
      '/facilities',
      {
        schema: {
          tags: [tag],
          operationId: 'listFacilities',
          summary: 'List processing facilities, filtered, a page at a time',
          description:
            'Ordered by id. With `asOf` or `recordedAsOf`, each facility is shown as it stood then, and the filters apply to that state. Feeds are resolved as of the same time; a supplier the ledger does not know is listed with `resolved: false`.',
          querystring: FacilityListQuery,
          response: { 200: Page(Facility), 400: Problem },
        },
      },
      async (request) => listFacilities(pool, request.query),
    )

    await app.register(
      geoJsonList({
        path: '/facilities.geojson',
        tag,
        operationId: 'listFacilitiesGeoJson',
        entities: 'facilities',
        querystring: geoJsonQuery(FacilityFilters),
        properties: FacilityFeatureProperties,
        page: (query) => listFacilityViews(pool, query, 'facilities.geojson'),
        // No source gives a seeded facility's coordinates: the map of the seeds is empty, and says why.
        example: { features: [], excluded: 17 },
        toProperties: (facility) => ({
          name: facility.name,
          country: facility.country,
          countryName: facility.countryName,
          ...(facility.region === undefined ? {} : { region: facility.region }),
          stages: facility.stages,
          status: facility.status,
          statusSince: facility.statusSince,
          products: facility.products,
          elements: facility.elements,
          operators: facility.operators.map((operator) => operator.name),
        }),
      }),
    )

    app.get(
      '/facilities/:id',
      {
        schema: {
          tags: [tag],
          operationId: 'getFacility',
          summary:
            'One facility with its capacities, feeds and the deals that fund or buy from it, now or as of a past date',
          querystring: TemporalQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: FacilityDetail, 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params
        await waitForVersion(pool, facilityModel, id, request.query.minVersion)
        const facility = await getFacility(pool, id, request.query)
        if (!facility) throw notFound(id)
        reply.header('etag', entityTag(facility.version))
        return { ...facility, deals: await dealsLinkingFacility(pool, id, request.query) }
      },
    )

    app.get(
      '/facilities/:id/history',
      {
        schema: {
          tags: [tag],
          operationId: 'getFacilityHistory',
          summary: "A facility's events, as CloudEvents, in the order they were recorded",
          querystring: HistoryQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: Page(CloudEvent), 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request) => {
        const { id } = request.params
        await waitForVersion(pool, facilityModel, id, request.query.minVersion)
        if (!(await facilityExists(pool, id))) throw notFound(id)
        return facilityHistory(pool, id, request.query)
      },
    )

    await app.register(
      forwardCommands({ routes: facilityCommandRoutes, client: options.commands, tag, model: facilityModel }),
    )
  }
}
