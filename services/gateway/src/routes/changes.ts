import { Problem } from '@ree/contracts'
import { Change, ChangesQuery, listChanges } from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'

export function changeRoutes(options: { pool: pg.Pool }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function changes(app) {
    app.get(
      '/changes',
      {
        schema: {
          tags: ['Changes'],
          operationId: 'listChanges',
          summary: 'What the ledger learned between two record times, across contexts',
          description:
            'Each entity (deposit, facility, country, deal, shipment, restriction) with an event recorded after `since` and up to `until` (default: now), with how many, their types, and its state as the ledger knew it at `since` (`before`) and at `until` (`after`) on the valid date `asOf` (default today): the difference without replaying events. Ordered by kind, then id; `until` as answered is fixed for every page of one list.',
          querystring: ChangesQuery,
          response: {
            200: z.object({
              until: z.string().meta({ description: 'The end of the interval read' }),
              items: z.array(Change),
              nextCursor: z.string().nullable(),
            }),
            400: Problem,
          },
        },
      },
      async (request) => listChanges(pool, request.query),
    )
  }
}
