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
        { name: 'Admin', description: 'What the people who run the ledger can do: replay dead letters, rebuild read models' },
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
    transformObject: (document) => withResponseHeaders(jsonSchemaTransformObject(document)),
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

type HeaderObject = { description: string; schema: Record<string, unknown> }
type Operation = { responses?: Record<string, { headers?: Record<string, HeaderObject> }> }

const commandHeaders: Record<string, HeaderObject> = {
  ETag: { description: 'The new version, to send back as If-Match', schema: { type: 'string', examples: ['"3"'] } },
  'Idempotent-Replayed': {
    description: '`true` when an earlier request with the same Idempotency-Key already did this',
    schema: { type: 'string', enum: ['true'] },
  },
}
const location: HeaderObject = { description: 'Where the new entity is read', schema: { type: 'string' } }
const entityTag: HeaderObject = {
  description: 'The entity version, to send as If-Match with the next command',
  schema: { type: 'string', examples: ['"3"'] },
}
const isEntity = (path: string) => path.endsWith('/{id}')
const retryAfter: HeaderObject = { description: 'Seconds to wait before trying again', schema: { type: 'string' } }

/**
 * The zod transform documents bodies, not headers: this adds the headers every command
 * answers with (and Retry-After on a 503), once for all routes.
 */
function withResponseHeaders<Document>(document: Document): Document {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {}
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (method === 'post' && status === '200') response.headers = { ...commandHeaders, ...response.headers }
        if (method === 'post' && status === '201')
          response.headers = { ...commandHeaders, Location: location, ...response.headers }
        if (status === '503') response.headers = { 'Retry-After': retryAfter, ...response.headers }
        if (method === 'get' && status === '200' && isEntity(path))
          response.headers = { ETag: entityTag, ...response.headers }
      }
    }
  }
  return document
}
