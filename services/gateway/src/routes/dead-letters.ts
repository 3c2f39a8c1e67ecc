import { Problem } from '@ree/contracts'
import { DeadLetter, listDeadLetters, Page, PageQuery } from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'

/** What the projection could not apply, for the people who run the ledger. */
export function deadLetterRoutes(options: { pool: pg.Pool }): FastifyPluginAsyncZod {
  return async function deadLetters(app) {
    app.get(
      '/dead-letters',
      {
        schema: {
          tags: ['Operations'],
          operationId: 'listDeadLetters',
          summary: 'Events the projection set aside, newest first',
          description:
            'An event that is not a valid ledger CloudEvent, or fails to apply three times, is kept here (and, on Kafka, published to `<topic>.dlq`). Later events of the same entity follow it until it is dealt with; other entities go on.',
          querystring: PageQuery.strict(),
          response: { 200: Page(DeadLetter), 400: Problem },
        },
      },
      async (request) => listDeadLetters(options.pool, request.query),
    )
  }
}
