import { CloudEvent, entityTag, Problem, restrictionCommandRoutes, Slug } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import {
  getRestriction,
  HistoryQuery,
  listRestrictions,
  Page,
  RestrictionListQuery,
  RestrictionReadQuery,
  RestrictionView,
  restrictionExists,
  restrictionHistory,
  restrictionModel,
} from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import type { CommandClient } from '../commandClient.ts'
import { ConsistencyQuery, waitForVersion } from '../consistency.ts'
import { forwardCommands } from './forward.ts'

const tag = 'Restrictions'
const IdParams = z.object({ id: Slug })
const notFound = (id: string) => new HttpProblem('not-found', `no restriction ${id} is known to the read model`)

export function restrictionRoutes(options: { pool: pg.Pool; commands: CommandClient }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function restrictions(app) {
    app.get(
      '/restrictions',
      {
        schema: {
          tags: [tag],
          operationId: 'listRestrictions',
          summary: 'List trade restrictions, or those in force on a day',
          description:
            'Ordered by id. `inForceOn=2025-12-01&element=Dy` answers from the dated events: each restriction as it stood that day, kept when it was in force (a suspension ends after its `until` day). `element` and `form` also match measures that name no element or form. With `asOf` or `recordedAsOf`, each restriction is shown as it stood then.',
          querystring: RestrictionListQuery,
          response: { 200: Page(RestrictionView), 400: Problem },
        },
      },
      async (request) => listRestrictions(pool, request.query),
    )

    app.get(
      '/restrictions/:id',
      {
        schema: {
          tags: [tag],
          operationId: 'getRestriction',
          summary: 'One trade restriction, now, as of a past date, or judged in force on a day',
          querystring: RestrictionReadQuery.extend(ConsistencyQuery.shape)
            .strict()
            .refine((query) => query.inForceOn === undefined || query.asOf === undefined, {
              message: 'give inForceOn or asOf, not both',
              path: ['inForceOn'],
            }),
          params: IdParams,
          response: { 200: RestrictionView, 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request, reply) => {
        const { id } = request.params
        await waitForVersion(pool, restrictionModel, id, request.query.minVersion)
        const view = await getRestriction(pool, id, request.query)
        if (!view) throw notFound(id)
        reply.header('etag', entityTag(view.version))
        return view
      },
    )

    app.get(
      '/restrictions/:id/history',
      {
        schema: {
          tags: [tag],
          operationId: 'getRestrictionHistory',
          summary: "A restriction's events, as CloudEvents, in the order they were recorded",
          querystring: HistoryQuery.extend(ConsistencyQuery.shape).strict(),
          params: IdParams,
          response: { 200: Page(CloudEvent), 400: Problem, 404: Problem, 503: Problem },
        },
      },
      async (request) => {
        const { id } = request.params
        await waitForVersion(pool, restrictionModel, id, request.query.minVersion)
        if (!(await restrictionExists(pool, id))) throw notFound(id)
        return restrictionHistory(pool, id, request.query)
      },
    )

    await app.register(
      forwardCommands({ routes: restrictionCommandRoutes, client: options.commands, tag, model: restrictionModel }),
    )
  }
}
