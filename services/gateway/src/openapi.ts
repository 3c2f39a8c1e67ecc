import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

const description = `An event-sourced ledger of the rare-earth supply chain outside China: deposits and how far
they have come, deals between countries and companies, and how material flows.

Every fact is an event with its effective date (valid time), its record time and its sources.
Reads take \`asOf\` (valid time) and \`recordedAsOf\` (record time). Commands answer with the new
stream version and an \`ETag\`; send it back as \`If-Match\` for optimistic concurrency, and an
\`Idempotency-Key\` to make retries safe. Errors are RFC 9457 \`application/problem+json\`.`

/** OpenAPI 3.1 at `/openapi.json`, generated from the routes' zod schemas; Swagger UI at `/docs`. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rare Earth Ledger API', version: '1.0.0', description },
      tags: [
        { name: 'Deposits', description: 'Deposits, their estimates, stages and production' },
        { name: 'Operations', description: 'What the people who run the ledger need to see' },
        {
          name: 'Deals',
          description:
            'Deals between countries, companies and agencies: parties, kinds, value, status from reported talks to completion or denial, milestones, amendments and conflicting reports',
        },
        {
          name: 'Shipments',
          description: 'Shipments between countries: booked, shipped, delivered or cancelled; tonnage when disclosed',
        },
        {
          name: 'Restrictions',
          description:
            'Export halts, export controls, bans and tariffs, by countries or companies, and when they are in force',
        },
        { name: 'Corridors', description: 'What flows from one country to another, by element, form and quarter' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
