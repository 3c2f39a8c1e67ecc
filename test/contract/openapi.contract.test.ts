import { validate } from '@readme/openapi-parser'
import { buildLedger } from '@ree/embedded'
import { createTestDatabase } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})

const response = await ledger.gateway.inject('/openapi.json')
const document = response.json()

interface Operation {
  operationId?: string
  parameters?: Array<{ in: string; name: string; schema?: object }>
  requestBody?: { content: Record<string, { schema?: object }> }
  responses: Record<string, { content?: Record<string, { schema?: object }> }>
}

t.test('the document is valid OpenAPI 3.1', async (t) => {
  t.equal(response.statusCode, 200)
  t.equal(document.openapi, '3.1.0')
  const result = await validate(structuredClone(document))
  t.same(result.valid ? [] : result.errors, [], 'no validation errors')
})

t.test('every route is documented with its request, response and error schemas', async (t) => {
  const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
    ([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  )
  t.ok(operations.length >= 10, `${operations.length} operations`)
  for (const { path, method, operation } of operations) {
    const name = `${method.toUpperCase()} ${path}`
    t.ok(operation.operationId, `${name} has an operationId`)
    const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'))
    t.ok(success.length > 0, `${name} documents a success response`)
    for (const status of success) {
      const content = operation.responses[status]?.content
      // The `.geojson` lists answer RFC 7946 `application/geo+json`.
      t.ok(
        (content?.['application/json'] ?? content?.['application/geo+json'])?.schema,
        `${name} ${status} has a schema`,
      )
    }
    t.ok(operation.responses['400']?.content, `${name} documents 400 as a problem`)
    if (method === 'post' && !path.startsWith('/v1/admin/')) {
      t.ok(operation.requestBody?.content['application/json']?.schema, `${name} has a request body schema`)
      for (const status of ['409', '412', '422']) t.ok(operation.responses[status], `${name} documents ${status}`)
      const headers = (operation.parameters ?? []).filter((parameter) => parameter.in === 'header').map((p) => p.name)
      t.ok(
        headers.includes('if-match') && headers.includes('idempotency-key'),
        `${name} documents If-Match and Idempotency-Key`,
      )
    }
  }
  t.ok(document.components?.schemas?.Problem, 'the problem schema is a shared component')
  const created = document.paths['/v1/deposits'].post.responses['201']
  t.ok(created.headers?.ETag && created.headers?.Location, 'a create documents its ETag and Location headers')
  const advanced = document.paths['/v1/deposits/{id}/stage-advances'].post.responses['200']
  t.ok(
    advanced.headers?.ETag && advanced.headers?.['Idempotent-Replayed'],
    'a command documents ETag and Idempotent-Replayed',
  )
  t.ok(advanced.content['application/json'].schema, 'and still its body schema')
})

t.test('Swagger UI is served at /docs', async (t) => {
  const docs = await ledger.gateway.inject('/docs/')
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger/i)
})
