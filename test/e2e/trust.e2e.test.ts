import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildLedger } from '@ree/embedded'
import { addKeysToFile, KeyStore, revokeKeyInFile } from '@ree/gateway'
import { createTestDatabase, eventually } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

const PROBLEM = /^application\/problem\+json/
const silent = pino({ level: 'silent' })
const db = await createTestDatabase()
const keysDir = await mkdtemp(join(tmpdir(), 'ree-keys-'))
const keysFile = join(keysDir, 'api-keys.json')
const [reader, editor, admin] = await addKeysToFile(keysFile, [
  { role: 'reader', name: 'matrix-reader' },
  { role: 'editor', name: 'matrix-editor' },
  { role: 'admin', name: 'matrix-admin' },
])
const keys = new KeyStore({ file: keysFile })
const ledger = await buildLedger({ databaseUrl: db.url, logger: silent, keys })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
  await rm(keysDir, { recursive: true, force: true })
})
const api = ledger.gateway
const bearer = (key: string | undefined) => ({ authorization: `Bearer ${key}` })
const deposit = (id: string) => ({
  id,
  name: 'Trust Hill',
  country: 'CA',
  effectiveDate: '2025-01-01',
  sources: [{ publisher: 'test' }],
})

interface Operation {
  tags?: string[]
  responses: Record<string, unknown>
  security?: unknown[]
}
const document = (await api.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> }
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
)

t.test('done when: a command without a key is 401, with a reader key 403, with an editor key 201', async (t) => {
  const none = await api.inject({ method: 'POST', url: '/v1/deposits', payload: deposit('trust-none') })
  t.equal(none.statusCode, 401)
  t.match(none.headers['content-type'], PROBLEM)
  t.equal(none.json().type, '/problems/unauthorized')
  t.match(none.headers['www-authenticate'], /^Bearer/)
  const asReader = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: bearer(reader?.key),
    payload: deposit('trust-reader'),
  })
  t.equal(asReader.statusCode, 403)
  t.equal(asReader.json().type, '/problems/forbidden')
  const asEditor = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: bearer(editor?.key),
    payload: deposit('trust-editor'),
  })
  t.equal(asEditor.statusCode, 201)
  const stored = await db.pool.query(`SELECT count(*)::int AS n FROM deposits.events WHERE subject LIKE 'trust-%'`)
  t.equal(stored.rows[0].n, 1, 'only the editor’s command was written')
})

t.test('the authorization matrix: every documented route × no key, bad key, reader, editor, admin', async (t) => {
  t.ok(operations.length >= 30, `${operations.length} operations`)
  const callers = {
    none: {},
    bad: bearer('ree_not-a-key-the-ledger-knows'),
    reader: bearer(reader?.key),
    editor: bearer(editor?.key),
    admin: bearer(admin?.key),
  }
  for (const { path, method, operation } of operations) {
    const admin = operation.tags?.some((tag) => tag === 'Operations' || tag === 'Admin')
    const command = method === 'POST'
    const needed = admin ? 'admin' : command ? 'editor' : 'read'
    for (const [caller, headers] of Object.entries(callers)) {
      const url = path.replaceAll('{id}', 'matrix-probe')
      const response = await api.inject({ method: method as 'GET', url, headers, ...(command ? { payload: {} } : {}) })
      const expected =
        caller === 'bad'
          ? [401]
          : caller === 'none'
            ? needed === 'read'
              ? 'served'
              : [401]
            : caller === 'reader' && needed !== 'read'
              ? [403]
              : caller === 'editor' && needed === 'admin'
                ? [403]
                : 'served'
      const name = `${method} ${path} as ${caller}: ${response.statusCode}`
      if (expected === 'served') t.notOk([401, 403].includes(response.statusCode), name)
      else t.same([response.statusCode], expected, name)
      t.ok(operation.responses[String(response.statusCode)], `${name} is documented`)
      if (response.statusCode >= 400) t.match(response.headers['content-type'], PROBLEM, `${name} is problem+json`)
    }
    t.same(
      operation.security,
      needed === 'read' ? [{}, { apiKey: [] }] : [{ apiKey: [] }],
      `${method} ${path} documents its security`,
    )
  }
})

t.test('docs, specs, health and problem pages need no key, whatever key is sent', async (t) => {
  for (const url of ['/docs/', '/openapi.json', '/asyncapi.json', '/health/live', '/problems/unauthorized']) {
    const response = await api.inject({ url, headers: bearer('ree_not-a-key-the-ledger-knows') })
    t.equal(response.statusCode, 200, url)
  }
})

t.test('keys are stored only hashed, and a revoked key stops working without a restart', async (t) => {
  const file = await readFile(keysFile, 'utf8')
  for (const issued of [reader, editor, admin]) {
    t.notOk(file.includes(issued?.key ?? ''), `${issued?.name} is not in the file`)
  }
  t.match(JSON.parse(file).keys[0], { name: 'matrix-reader', role: 'reader', sha256: /^[0-9a-f]{64}$/ })
  const [rotated] = await addKeysToFile(keysFile, [{ role: 'editor', name: 'rotated-in' }])
  const status = async (key: string | undefined) =>
    (await api.inject({ method: 'POST', url: '/v1/deposits', headers: bearer(key), payload: {} })).statusCode
  await eventually(async () => ((await status(rotated?.key)) === 400 ? true : undefined))
  t.pass('a key added to the file is accepted without a restart')
  t.ok(await revokeKeyInFile(keysFile, 'rotated-in'))
  await eventually(async () => ((await status(rotated?.key)) === 401 ? true : undefined))
  t.pass('a key removed from the file is refused without a restart')
})

t.test('done when: ?country=USA is a 400 naming querystring.country', async (t) => {
  for (const url of ['/v1/deposits?country=USA', '/v1/deposits?country=', '/v1/deals?country=usa']) {
    const response = await api.inject(url)
    t.equal(response.statusCode, 400, url)
    t.match(response.json().errors, [{ field: 'querystring.country' }], url)
  }
  const body = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: bearer(editor?.key),
    payload: { ...deposit('three-letters'), country: 'CAN' },
  })
  t.equal(body.statusCode, 400)
  t.match(body.json().errors, [{ field: 'body.country' }])
})

t.test('done when: a shipment valued 5e-324 is refused, and corridors still answer 200', async (t) => {
  const response = await api.inject({
    method: 'POST',
    url: '/v1/shipments',
    headers: bearer(editor?.key),
    payload: {
      origin: 'PK',
      destination: 'US',
      value: { amount: 5e-324, currency: 'USD' },
      quantityTonnes: 5e-324,
      effectiveDate: '2025-01-01',
      sources: [{ publisher: 'test' }],
    },
  })
  t.equal(response.statusCode, 400)
  t.same(
    response
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['body.quantityTonnes', 'body.value.amount'],
  )
  t.equal((await api.inject('/v1/corridors')).statusCode, 200)
})

t.test('two shipments at the largest value each sum past that bound, and corridors still answer 200', async (t) => {
  for (const id of ['largest-value-1', 'largest-value-2']) {
    const response = await api.inject({
      method: 'POST',
      url: '/v1/shipments',
      headers: bearer(editor?.key),
      payload: {
        id,
        origin: 'NA',
        destination: 'IS',
        value: { amount: 1e15, currency: 'USD' },
        quantityTonnes: 1e15,
        effectiveDate: '2025-01-01',
        sources: [{ publisher: 'test' }],
      },
    })
    t.equal(response.statusCode, 201)
  }
  const summed = await eventually(async () => {
    const response = await api.inject('/v1/corridors?from=NA&to=IS')
    if (response.statusCode !== 200) return response.statusCode
    const body = response.json()
    return body.items?.[0]?.shipmentCount === 2 ? body : undefined
  }, 30_000)
  t.match(summed.items[0], { disclosedTonnes: 2e15, values: [{ currency: 'USD', amount: 2e15 }] })
})

t.test('done when: DELETE /v1/deposits is a 405 problem with Allow; an unknown route a 404 problem', async (t) => {
  const deleted = await api.inject({ method: 'DELETE', url: '/v1/deposits' })
  t.equal(deleted.statusCode, 405)
  t.match(deleted.headers['content-type'], PROBLEM)
  t.equal(deleted.headers.allow, 'GET, HEAD, POST')
  t.equal(deleted.json().type, '/problems/method-not-allowed')
  const withBody = await api.inject({
    method: 'PUT',
    url: '/v1/deposits/mountain-pass',
    headers: { 'content-type': 'text/csv' },
    payload: 'a,b',
  })
  t.equal(withBody.statusCode, 405, 'whatever body it sends')
  t.equal(withBody.headers.allow, 'GET, HEAD')
  const unknown = await api.inject('/v1/nothing-here')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], PROBLEM)
})

t.test('over HTTP: long URLs are 414s and large headers 431s, as problem+json', async (t) => {
  const address = await ledger.gateway.listen({ port: 0, host: '127.0.0.1' })
  const longId = await fetch(`${address}/v1/deposits/${'a'.repeat(300)}`)
  t.equal(longId.status, 414)
  t.match(longId.headers.get('content-type'), PROBLEM)
  const longQuery = await fetch(`${address}/v1/deposits?q=${'a'.repeat(5000)}`)
  t.equal(longQuery.status, 414)
  t.equal(((await longQuery.json()) as { type: string }).type, '/problems/uri-too-long')
  const largeHeaders = await fetch(`${address}/v1/deposits`, { headers: { 'x-large': 'a'.repeat(20_000) } })
  t.equal(largeHeaders.status, 431)
  t.match(largeHeaders.headers.get('content-type'), PROBLEM)
  t.equal(((await largeHeaders.json()) as { type: string }).type, '/problems/headers-too-large')
})

t.test('security headers are set; CORS is off by default', async (t) => {
  const response = await api.inject({ url: '/v1/deposits', headers: { origin: 'https://elsewhere.example' } })
  t.equal(response.headers['x-content-type-options'], 'nosniff')
  t.ok(response.headers['content-security-policy'])
  t.notOk(response.headers['access-control-allow-origin'])
})

t.test('reads can be closed; rate limits are per key and per address; CORS answers its allow-list', async (t) => {
  const closedDb = await createTestDatabase()
  const closedKeys = new KeyStore()
  const closed = await buildLedger({
    databaseUrl: closedDb.url,
    logger: silent,
    keys: closedKeys,
    trust: {
      reads: 'reader',
      rateLimit: { perKey: 4, perAddress: 3 },
      corsOrigins: ['https://dashboard.example.org'],
    },
  })
  t.teardown(async () => {
    await closed.close()
    await closedDb.drop()
  })
  const first = closedKeys.issue('reader', 'first-client')
  const second = closedKeys.issue('reader', 'second-client')
  const anonymous = await closed.gateway.inject('/v1/deposits')
  t.equal(anonymous.statusCode, 401, 'a read without a key is a 401 when reads are closed')
  const document = (await closed.gateway.inject('/openapi.json')).json()
  t.same(document.paths['/v1/deposits'].get.security, [{ apiKey: [] }], 'and the document says so')
  const statuses = []
  for (let request = 0; request < 5; request++) {
    statuses.push((await closed.gateway.inject({ url: '/v1/deposits', headers: bearer(first) })).statusCode)
  }
  t.same(statuses, [200, 200, 200, 200, 429], 'the first key is served four times a minute')
  const limited = await closed.gateway.inject({ url: '/v1/deposits', headers: bearer(first) })
  t.equal(limited.statusCode, 429)
  t.match(limited.headers['content-type'], PROBLEM)
  t.equal(limited.json().type, '/problems/rate-limited')
  t.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${limited.headers['retry-after']}`)
  t.equal(
    (await closed.gateway.inject({ url: '/v1/deposits', headers: bearer(second) })).statusCode,
    200,
    'a client with another key is still served',
  )
  const byAddress = []
  for (let request = 0; request < 3; request++) byAddress.push((await closed.gateway.inject('/v1/deposits')).statusCode)
  t.same(byAddress, [401, 429, 429], 'an address sending no key has its own limit (a read and the document used two)')
  const preflight = await closed.gateway.inject({
    method: 'OPTIONS',
    url: '/v1/deposits',
    headers: { origin: 'https://dashboard.example.org', 'access-control-request-method': 'POST' },
  })
  t.equal(preflight.headers['access-control-allow-origin'], 'https://dashboard.example.org')
  const foreign = await closed.gateway.inject({
    method: 'OPTIONS',
    url: '/v1/deposits',
    headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
  })
  t.notOk(foreign.headers['access-control-allow-origin'], 'an origin off the list gets no CORS grant')
})
