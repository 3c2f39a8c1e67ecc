import { CloudEvent, dealCommandRoutes, entityTag, Problem, Slug } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import {
  aggregateDeals,
  DealAggregateQuery,
  DealAggregates,
  DealDetail,
  DealListQuery,
  DealView,
  dealExists,
  dealHistory,
  dealModel,
  getDealDetail,
  HistoryQuery,
  InvalidCursorError,
  listDeals,
  Page,
  TemporalQuery,
} from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import type { CommandClient } from '../commandClient.ts'
import { ConsistencyQuery, waitForVersion } from '../consistency.ts'
import { forwardCommands } from './forward.ts'

const tag = 'Deals'
const IdParams = z.object({ id: Slug })
const notFound = (id: string) => new HttpProblem('not-found', `no deal ${id} is known to the read model`)

/** A cursor the API did not issue is bad input, named like any other bad field. */
async function withCursor<Result>(read: () => Promise<Result>): Promise<Result> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new HttpProblem('validation-failed', `querystring.cursor: ${error.message}`, {
        errors: [{ field: 'querystring.cursor', message: error.message }],
      })
    }
    throw error
  }
}

export function dealRoutes(options: { pool: pg.Pool; commands: CommandClient }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function deals(app) {
    app.get(
      '/deals',
      {
        schema: {
          tags: [tag],
          operationId: 'listDeals',
          summary: 'List deals, filtered and sorted, a page at a time',
          description:
            'With `asOf` or `recordedAsOf`, each deal is shown as it stood then, and the filters apply to that state.',
          querystring: DealListQuery,
          response: { 200: Page(DealView), 400: Problem },
        },
      },
      async (request) => withCursor(() => listDeals(pool, request.query)),
    )

    app.get(
      '/deals/aggregates',
      {
        schema: {
          tags: [tag],
          operationId: 'aggregateDeals',
          summary: 'Deal count and disclosed value by country pair, kind, supply-chain stage or year',
          description: 'Takes the same filters as the list, and `asOf` / `recordedAsOf`.',
          querystring: DealAggregateQuery,
          response: { 200: DealAggregates, 400: Problem },
        },
      },
      async (request) => aggregateDeals(pool, request.query),
    )

    app.get(
      '/deals/:id',
      {
        schema: {
          tags: [tag],
          operationId: 'getDeal',
          summary: 'One deal with its deposits, now or as of a past date',
          querystring: TemporalQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: DealDetail, 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params
        await waitForVersion(pool, dealModel, id, request.query.minVersion)
        const detail = await getDealDetail(pool, id, request.query)
        if (!detail) throw notFound(id)
        reply.header('etag', entityTag(detail.version))
        return detail
      },
    )

    app.get(
      '/deals/:id/history',
      {
        schema: {
          tags: [tag],
          operationId: 'getDealHistory',
          summary: "A deal's events, as CloudEvents, in the order they were recorded",
          querystring: HistoryQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: Page(CloudEvent), 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request) => {
        const { id } = request.params
        await waitForVersion(pool, dealModel, id, request.query.minVersion)
        if (!(await dealExists(pool, id))) throw notFound(id)
        return withCursor(() => dealHistory(pool, id, request.query))
      },
    )

    await app.register(forwardCommands({ routes: dealCommandRoutes, client: options.commands, tag, model: dealModel }))
  }
}
