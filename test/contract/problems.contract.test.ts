import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { problemCatalog, timelineRules } from '@ree/contracts'
import { dealRules } from '@ree/deals'
import { countryRules, depositRules, facilityRules } from '@ree/deposits'
import { buildLedger } from '@ree/embedded'
import { createTestDatabase } from '@ree/testing'
import { restrictionRules, shipmentRules } from '@ree/trade-flows'
import { pino } from 'pino'
import t from 'tap'

const root = resolve(import.meta.dirname, '../..')
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const catalog = new Set(Object.keys(problemCatalog))
const openApiText = (await ledger.gateway.inject('/openapi.json')).body

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name))
}

t.test('every rule code of every decider is in the catalog', async (t) => {
  for (const [decider, rules] of Object.entries({
    depositRules,
    countryRules,
    facilityRules,
    dealRules,
    shipmentRules,
    restrictionRules,
    timelineRules,
  })) {
    for (const code of Object.values(rules)) t.ok(catalog.has(code), `${decider}: ${code}`)
  }
})

t.test('every problem type the code names is in the catalog', async (t) => {
  const files = (
    await Promise.all(['packages', 'services', 'infra'].map((folder) => sourceFiles(resolve(root, folder))))
  ).flat()
  const named = new Set<string>()
  for (const file of files.filter((file) => file.includes('/src/'))) {
    const text = await readFile(file, 'utf8')
    for (const pattern of [
      /new HttpProblem\(\s*'([a-z-]+)'/g,
      /new DomainError\(\s*'([a-z-]+)'/g,
      /problemType\(\s*'([a-z-]+)'\)/g,
      /\/problems\/([a-z][a-z-]+)/g,
    ]) {
      for (const match of text.matchAll(pattern)) named.add(match[1] ?? '')
    }
  }
  const readme = await readFile(resolve(root, 'README.md'), 'utf8')
  for (const match of readme.matchAll(/\/problems\/([a-z][a-z-]+)/g)) named.add(match[1] ?? '')
  t.ok(named.size >= 15, `${named.size} problem types named in the code and the README`)
  t.same(
    [...named].filter((code) => !catalog.has(code)),
    [],
    'none missing from the catalog',
  )
})

t.test('every type in the catalog is in the OpenAPI text', async (t) => {
  t.same(
    [...catalog].filter((code) => !openApiText.includes(`/problems/${code}`)),
    [],
  )
})

t.test(
  'every error answer in the OpenAPI document is problem+json; every operation documents the generic ones',
  async (t) => {
    const document = JSON.parse(openApiText) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>
    }
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue
          t.same(Object.keys(response.content ?? {}), ['application/problem+json'], `${method} ${path} ${status}`)
        }
        for (const status of ['400', '401', '414', '429', '500']) {
          t.ok(operation.responses[status], `${method} ${path} documents ${status}`)
        }
      }
    }
  },
)

t.test('/problems/<type> is a page, and JSON when asked', async (t) => {
  const page = await ledger.gateway.inject('/problems/validation-failed')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /<h1>The request is not valid<\/h1>/)
  t.match(page.body, /What to do/)
  const json = await ledger.gateway.inject({
    url: '/problems/validation-failed',
    headers: { accept: 'application/json' },
  })
  t.same(json.json(), {
    type: '/problems/validation-failed',
    ...problemCatalog['validation-failed'],
  })
  const index = await ledger.gateway.inject({ url: '/problems', headers: { accept: 'application/json' } })
  t.equal(index.json().length, catalog.size, 'the index lists every type')
  const unknown = await ledger.gateway.inject('/problems/no-such-problem')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
})

interface JsonSchema {
  type?: string | string[]
  maxLength?: number
  maxItems?: number
  enum?: unknown[]
  const?: unknown
  format?: string
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  additionalProperties?: JsonSchema | boolean
  $ref?: string
}

t.test('every string and array a client sends is bounded', async (t) => {
  const document = JSON.parse(openApiText)
  const resolveRef = (schema: JsonSchema): JsonSchema =>
    schema.$ref ? resolveRef(document.components.schemas[schema.$ref.split('/').pop() ?? '']) : schema
  const unbounded: string[] = []
  const boundedFormats = new Set(['date', 'date-time', 'uuid'])
  const walk = (raw: JsonSchema, at: string, depth: number) => {
    if (depth > 12) return
    const schema = resolveRef(raw)
    const types = [schema.type ?? []].flat()
    if (types.includes('string') && schema.maxLength === undefined && !schema.enum && schema.const === undefined) {
      if (!boundedFormats.has(schema.format ?? '')) unbounded.push(at)
    }
    if (types.includes('array') && schema.maxItems === undefined) unbounded.push(at)
    for (const [name, property] of Object.entries(schema.properties ?? {})) walk(property, `${at}.${name}`, depth + 1)
    if (schema.items) walk(schema.items, `${at}[]`, depth + 1)
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${at}.*`, depth + 1)
    for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
      walk(branch, at, depth + 1)
    }
  }
  type Operation = {
    parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
  }
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const parameter of operation.parameters ?? []) {
        walk(parameter.schema ?? {}, `${method} ${path} ${parameter.in}.${parameter.name}`, 0)
      }
      const body = operation.requestBody?.content?.['application/json']?.schema
      if (body) walk(body, `${method} ${path} body`, 0)
    }
  }
  t.same(unbounded, [], 'no unbounded string or array in any request')
})
