import { Problem } from '@ree/contracts'
import { CorridorQuery, CorridorView, listCorridors, Page } from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'

export function corridorRoutes(options: { pool: pg.Pool }): FastifyPluginAsyncZod {
  const { pool } = options
  return async function corridors(app) {
    app.get(
      '/corridors',
      {
        schema: {
          tags: ['Corridors'],
          operationId: 'listCorridors',
          summary: 'Trade corridors: what flows from one country to another',
          description:
            'One entry per origin → destination pair (`from=PK&to=US` for one corridor), from every shipment not cancelled: disclosed tonnes, shipment count and disclosed value, in total and by element, form and quarter, with the count of shipments whose tonnage is undisclosed. Tonnages are never estimated.',
          querystring: CorridorQuery,
          response: { 200: Page(CorridorView), 400: Problem },
        },
      },
      async (request) => listCorridors(pool, request.query),
    )
  }
}
