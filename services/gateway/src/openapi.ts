import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { problemCatalog, problemType } from '@ree/contracts'
import { PROBLEM_CONTENT_TYPE } from '@ree/platform'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { type Access, accessOf } from './trust/plugin.ts'

const description = `An event-sourced ledger of the rare-earth supply chain outside China: deposits and how far
they have come, deals between countries and companies, and how material flows.

Every fact is an event with its effective date (valid time), its record time and its sources.
Reads take \`asOf\` (valid time) and \`recordedAsOf\` (record time). Commands answer with the new
stream version and an \`ETag\`; send it back as \`If-Match\` for optimistic concurrency, and an
\`Idempotency-Key\` to make retries safe. Errors are RFC 9457 \`application/problem+json\`.

## API keys

Send \`Authorization: Bearer <key>\` ("Authorize" above). Keys have a role: \`reader\`, \`editor\`
(every command) or \`admin\` (the Operations and Admin routes). Reads need no key unless the ledger is
configured so (\`READ_ACCESS=reader\`). A missing or unknown key is a 401, too small a role a 403.
Each key, and each address sending no key, has a rate limit per minute: past it, 429 with
\`Retry-After\`.

## Problem types

Each \`type\` below is a page (\`GET /problems/<type>\`; JSON with \`Accept: application/json\`)
saying what it means and what to do.

${Object.entries(problemCatalog)
  .map(([code, problem]) => `- [\`${problemType(code)}\`](${problemType(code)}) (${problem.status}): ${problem.title}`)
  .join('\n')}`

/** OpenAPI 3.1 at `/openapi.json`, generated from the routes' zod schemas; Swagger UI at `/docs`. */
export async function registerOpenApi(app: FastifyInstance, options: { reads: 'open' | 'reader' }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rare Earth Ledger API', version: '1.0.0', description },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (`ree_…`) of role reader, editor or admin, as `Authorization: Bearer <key>`',
          },
        },
      },
      tags: [
        { name: 'Deposits', description: 'Deposits, their estimates, stages and production' },
        {
          name: 'Countries',
          description:
            'Country figures: mine production and reserves in t REO, shares of world output by stage, each dated and sourced',
        },
        {
          name: 'Facilities',
          description:
            'Processing facilities (cracking, separation, metal, alloy, magnet, recycling): status, capacities over time and what feeds them',
        },
        { name: 'Operations', description: 'What the people who run the ledger need to see' },
        {
          name: 'Admin',
          description: 'What the people who run the ledger can do: replay dead letters, rebuild read models',
        },
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
        { name: 'Changes', description: 'What the ledger learned between two record times, across contexts' },
        {
          name: 'Supply chain',
          description: 'Elements across deposits, deals and restrictions, as of any date and as known at any time',
        },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) =>
      withLinks(withProblemResponses(withResponseHeaders(jsonSchemaTransformObject(document)), options.reads)),
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: true } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

type HeaderObject = { description: string; schema: Record<string, unknown> }
type Response = { description?: string; headers?: Record<string, HeaderObject>; content?: Record<string, unknown> }
type Operation = {
  responses?: Record<string, Response>
  tags?: string[]
  security?: unknown[]
  parameters?: Array<Record<string, unknown>>
}

const commandHeaders: Record<string, HeaderObject> = {
  ETag: { description: 'The new version, to send back as If-Match', schema: { type: 'string', examples: ['"3"'] } },
  'Consistency-Token': {
    description: 'Names this write: send it as `Consistency-Token` on any read to read your write',
    schema: { type: 'string', examples: ['ZGVwb3NpdDpleGFtcGxlLXJpZGdlOjI'] },
  },
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
const consistencyTokenParameter = {
  in: 'header',
  name: 'Consistency-Token',
  required: false,
  description:
    'Read your writes: one or more (comma-separated) tokens that commands answered with; the read waits (up to 5 s) until the read models include those writes, then answers, else 503 with Retry-After. A token this API did not issue is a 400.',
  schema: { type: 'string', maxLength: 4000 },
}

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
      if (method === 'get' && path.startsWith('/v1/')) {
        operation.parameters = [...(operation.parameters ?? []), consistencyTokenParameter]
        operation.responses = {
          ...operation.responses,
          '503': operation.responses?.['503'] ?? {
            description: 'The read models did not include the write the Consistency-Token names within 5 s',
            headers: { 'Retry-After': retryAfter },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        }
      }
    }
  }
  return document
}

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } }
const problemResponse = (description: string): Response => ({ description, content: problemContent })

/** The answers any operation can give, whatever its own schema says. */
const everyOperation: Record<string, Response> = {
  '414': problemResponse('The URL is too long (`/problems/uri-too-long`)'),
  '429': {
    ...problemResponse('Over the rate limit of this key or address (`/problems/rate-limited`)'),
    headers: { 'Retry-After': retryAfter },
  },
  '431': problemResponse('The headers are too large (`/problems/headers-too-large`)'),
  '500': problemResponse('A bug: the error is logged and nothing of a command is written (`/problems/internal-error`)'),
}
const unauthorized = problemResponse('No API key, or one the ledger does not know (`/problems/unauthorized`)')
const forbidden = problemResponse("The key's role is too small for this route (`/problems/forbidden`)")

/**
 * Every error is documented as problem+json (the zod transform says application/json),
 * with the statuses keys and limits add, and each operation's security requirement.
 */
function withProblemResponses<Document>(document: Document, reads: 'open' | 'reader'): Document {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {}
  for (const methods of Object.values(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const responses = operation.responses ?? {}
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && response.content) response.content = problemContent
      }
      const access: Access = accessOf({
        method: method.toUpperCase() as 'GET',
        schema: { ...(operation.tags ? { tags: operation.tags } : {}) },
      })
      const needsKey = access !== 'read' || reads === 'reader'
      operation.security = needsKey ? [{ apiKey: [] }] : [{}, { apiKey: [] }]
      operation.responses = {
        ...responses,
        '401': unauthorized,
        ...(access === 'admin' || access === 'editor' ? { '403': forbidden } : {}),
        ...everyOperation,
      }
    }
  }
  return document
}

type LinkedOperation = Operation & { operationId?: string; responses?: Record<string, Response & { links?: object }> }

/**
 * Links from each create to the operations on the entity it created (`id` from the
 * answer), so clients and stateful testers can follow a write to its reads and commands.
 */
function withLinks<Document>(document: Document): Document {
  const paths = (document as { paths?: Record<string, Record<string, LinkedOperation>> }).paths ?? {}
  for (const [path, methods] of Object.entries(paths)) {
    const created = methods.post?.responses?.['201']
    if (!created) continue
    const links: Record<string, object> = {}
    for (const [entityPath, entityMethods] of Object.entries(paths)) {
      if (!entityPath.startsWith(`${path}/{id}`)) continue
      for (const operation of Object.values(entityMethods)) {
        if (operation.operationId) {
          links[operation.operationId] = {
            operationId: operation.operationId,
            parameters: { id: '$response.body#/id' },
          }
        }
      }
    }
    if (Object.keys(links).length > 0) created.links = links
  }
  return document
}
