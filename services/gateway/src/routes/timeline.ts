import { Problem } from '@ree/contracts'
import { listTimeline, Page, TimelineEntry, TimelineQuery } from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'

export function timelineRoutes(options: { pool: pg.Pool }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function timeline(app) {
    app.get(
      '/timeline',
      {
        schema: {
          tags: ['Changes'],
          operationId: 'listTimeline',
          summary: 'Every fact across contexts, in the order it happened',
          description:
            'Every fact of every deposit, facility, country, deal, shipment and restriction, in effective-date order (then the order recorded), as the ledger knows it at `recordedAsOf` (default now), each with its CloudEvent; filtered by a date range (`from`, `to`), kind and event type. Retractions are not facts: with `retracted=include`, the facts they took back are listed too, marked `retracted` with the retraction that took them back.',
          querystring: TimelineQuery,
          response: { 200: Page(TimelineEntry), 400: Problem },
        },
      },
      async (request) => listTimeline(pool, request.query),
    )
  }
}
