import { buildLedger } from '@ree/embedded'
import { createTestDatabase, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

// Read-your-writes on every read: the token a command answers with makes any read wait for that write.
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))
const sources = [{ publisher: 'Test Gazette' }]
const post = (url: string, payload: object) => api.inject({ method: 'POST', url, payload })
const read = (url: string, token: string) => api.inject({ url, headers: { 'consistency-token': token } })

t.test('a command answers with a token naming its write, in the body and as a header', async (t) => {
  const created = await post('/v1/deposits', {
    id: 'token-ridge',
    name: 'Token Ridge',
    country: 'CA',
    effectiveDate: '2025-01-01',
    sources,
  })
  t.equal(created.statusCode, 201)
  const body = created.json()
  t.type(body.consistencyToken, 'string')
  t.equal(created.headers['consistency-token'], body.consistencyToken)
  const list = await read('/v1/deposits?q=Token%20Ridge', body.consistencyToken)
  t.same(
    list.json().items.map((deposit: { id: string }) => deposit.id),
    ['token-ridge'],
    'a list read with it sees the write',
  )
})

t.test('under concurrent load, a list read with a fresh token never misses the write', async (t) => {
  const writers = 24
  const results = await Promise.all(
    Array.from({ length: writers }, async (_, n) => {
      const name = `Concurrent Deposit ${n}`
      const created = await post('/v1/deposits', {
        id: `concurrent-${n}`,
        name,
        country: 'AU',
        stage: 'exploration',
        effectiveDate: '2025-01-01',
        sources,
      })
      const token = created.json().consistencyToken as string
      const advanced = await post(`/v1/deposits/concurrent-${n}/stage-advances`, {
        stage: 'feasibility',
        effectiveDate: '2025-06-01',
        sources,
      })
      const later = advanced.json().consistencyToken as string
      const list = await read(`/v1/deposits?q=${encodeURIComponent(name)}&stage=feasibility`, later)
      const supply = await read('/v1/countries/AU', `${token},${later}`)
      return {
        listed: list.json().items.some((deposit: { id: string }) => deposit.id === `concurrent-${n}`),
        counted: supply.json().deposits.byStage.feasibility as number,
      }
    }),
  )
  t.equal(results.filter((result) => result.listed).length, writers, `${writers} of ${writers} lists saw their write`)
  t.ok(
    results.every((result) => result.counted >= 1),
    'every country profile read with both tokens counted at least its own write',
  )
})

t.test('corridors and aggregates wait for the write too', async (t) => {
  const shipment = await post('/v1/shipments', {
    id: 'token-shipment',
    origin: 'VN',
    destination: 'KR',
    elements: ['Nd'],
    status: 'shipped',
    quantityTonnes: 12,
    effectiveDate: '2025-03-01',
    sources,
  })
  t.equal(shipment.statusCode, 201)
  const corridor = await read('/v1/corridors?from=VN&to=KR', shipment.json().consistencyToken)
  t.match(corridor.json().items, [{ from: 'VN', to: 'KR', shipmentCount: 1, disclosedTonnes: 12 }])
})

t.test('a token the API did not issue is a 400; a write that does not arrive, a 503 with Retry-After', async (t) => {
  for (const bad of ['nonsense!', Buffer.from('planet:x:1').toString('base64url'), 'a,'.repeat(30)]) {
    const response = await read('/v1/deposits', bad)
    t.equal(response.statusCode, 400, `${bad.slice(0, 20)}: 400`)
    t.match(response.json(), { type: '/problems/validation-failed', errors: [{ field: 'headers.consistency-token' }] })
  }
  const ahead = Buffer.from('deposit:token-ridge:99').toString('base64url')
  const started = Date.now()
  const behind = await read('/v1/deposits', ahead)
  t.equal(behind.statusCode, 503)
  t.equal(behind.headers['retry-after'], '1')
  t.equal(behind.json().type, '/problems/read-model-behind')
  t.ok(Date.now() - started >= 4500, 'after waiting its bound')
})
