import { buildLedger } from '@ree/embedded'
import { createTestDatabase, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

// Inputs an independent review sent to the API: each used to answer 500 or be stored as it came.
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))
const operator = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'test-operator'))
const deposit = (extra: object) => ({
  name: 'Hostile Hill',
  country: 'CA',
  effectiveDate: '2025-01-01',
  sources: [{ publisher: 'test' }],
  ...extra,
})
const fieldsOf = (body: string) => (JSON.parse(body).errors ?? []).map((error: { field: string }) => error.field)
const eventCount = async () => (await db.pool.query('SELECT count(*)::int AS n FROM deposits.events')).rows[0].n

t.test('a request id that is not a UUID is replaced, not stored as the causation id', async (t) => {
  const response = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: { 'x-request-id': 'not-a-uuid' },
    payload: deposit({ id: 'request-id-check' }),
  })
  t.equal(response.statusCode, 201)
  const stored = await db.pool.query(`SELECT causation_id FROM deposits.events WHERE subject = 'request-id-check'`)
  t.match(stored.rows[0].causation_id, /^[0-9a-f-]{36}$/)
})

t.test('the NUL character is refused as bad input, in bodies and in query strings', async (t) => {
  const before = await eventCount()
  const body = await api.inject({ method: 'POST', url: '/v1/deposits', payload: deposit({ name: 'a\u0000b' }) })
  t.equal(body.statusCode, 400)
  t.same(fieldsOf(body.body), ['body.name'])
  const query = await api.inject('/v1/deposits?q=a%00b')
  t.equal(query.statusCode, 400)
  t.same(fieldsOf(query.body), ['querystring.q'])
  const deals = await api.inject('/v1/deals?party=a%00b')
  t.equal(deals.statusCode, 400)
  t.equal(await eventCount(), before, 'nothing was written')
})

t.test(
  'control characters and bidirectional overrides are refused; tabs, line breaks and other scripts are not',
  async (t) => {
    const before = await eventCount()
    for (const name of [
      'Bell\u0007Hill',
      'Escape\u001b[31mHill',
      'C1\u0085Hill',
      'Delete\u007fHill',
      'Hill\u202Eevil',
      'Iso\u2066late',
    ]) {
      const refused = await api.inject({ method: 'POST', url: '/v1/deposits', payload: deposit({ name }) })
      t.equal(refused.statusCode, 400, JSON.stringify(name))
      t.match(JSON.parse(refused.body).errors, [{ field: 'body.name', message: /control characters/ }])
    }
    const query = await api.inject('/v1/deposits?q=a%E2%80%AEb')
    t.equal(query.statusCode, 400)
    t.same(fieldsOf(query.body), ['querystring.q'])
    t.equal(await eventCount(), before, 'nothing was written')
    const kept = await api.inject({
      method: 'POST',
      url: '/v1/deposits',
      payload: deposit({
        id: 'plain-text-kept',
        name: 'Tañon \u062C\u0628\u0644 Hill',
        note: 'line one\n\tline two\r\n',
      }),
    })
    t.equal(kept.statusCode, 201, 'names in other scripts, tabs and line breaks are ordinary text')
  },
)

t.test('year 0000 is not a date', async (t) => {
  const write = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    payload: deposit({ effectiveDate: '0000-01-01' }),
  })
  t.equal(write.statusCode, 400)
  t.same(fieldsOf(write.body), ['body.effectiveDate'])
  for (const url of [
    '/v1/deals?from=0000-01-01',
    '/v1/shipments?dateFrom=0000-01-01',
    '/v1/deposits?asOf=0000-01-01',
    '/v1/deposits?recordedAsOf=0000-01-01T00:00:00Z',
    '/v1/deposits/mountain-pass?recordedAsOf=0000-06-01T00:00:00Z',
    '/v1/corridors?recordedAsOf=0000-01-01T00:00:00Z',
    '/v1/deals/aggregates?recordedAsOf=0001-01-01T00:00:00%2B01:00',
  ]) {
    t.equal((await api.inject(url)).statusCode, 400, url)
  }
})

t.test('only assigned ISO 3166-1 codes are countries', async (t) => {
  const uk = await api.inject({ method: 'POST', url: '/v1/deposits', payload: deposit({ country: 'UK' }) })
  t.equal(uk.statusCode, 400)
  t.match(JSON.parse(uk.body).errors, [{ field: 'body.country', message: /"GB"/ }])
  t.equal((await api.inject('/v1/restrictions?destination=ZZ')).statusCode, 400)
  const gb = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    payload: deposit({ id: 'gb-check', country: 'GB' }),
  })
  t.equal(gb.statusCode, 201)
})

t.test('a source link must be http or https', async (t) => {
  const response = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    payload: deposit({ sources: [{ publisher: 'x', url: 'javascript:alert(document.cookie)' }] }),
  })
  t.equal(response.statusCode, 400)
  t.same(fieldsOf(response.body), ['body.sources.0.url'])
})

t.test('amounts and tonnages are bounded, so sums stay finite', async (t) => {
  const huge = await api.inject({
    method: 'POST',
    url: '/v1/deposits/gb-check/resource-estimates',
    payload: {
      effectiveDate: '2025-01-02',
      sources: [{ publisher: 'x' }],
      estimate: { category: 'resource', oreTonnes: 1.5e308 },
    },
  })
  t.equal(huge.statusCode, 400)
  t.same(fieldsOf(huge.body), ['body.estimate.oreTonnes'])
  t.equal((await api.inject('/v1/deals/aggregates')).statusCode, 200)
  t.equal((await api.inject('/v1/corridors')).statusCode, 200)
})

t.test('a forged deals cursor is bad input, whatever the sort', async (t) => {
  const forged = (cursor: object) => Buffer.from(JSON.stringify(cursor)).toString('base64url')
  for (const [sort, key] of [
    ['-date', 'garbage'],
    ['value', 'abc'],
    ['date', '2025-13-45'],
  ]) {
    const response = await api.inject(`/v1/deals?sort=${sort}&cursor=${forged({ s: sort, k: key, id: 'x' })}`)
    t.equal(response.statusCode, 400, `sort ${sort}, key ${key}`)
    t.same(fieldsOf(response.body), ['querystring.cursor'])
  }
})

t.test('If-Match: * applies only to an entity that exists', async (t) => {
  const created = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: { 'if-match': '*' },
    payload: deposit({ id: 'if-match-star' }),
  })
  t.equal(created.statusCode, 412, 'a create under If-Match: * finds nothing to match')
  t.equal(JSON.parse(created.body).type, '/problems/precondition-failed')
  t.equal(
    (await api.inject({ method: 'POST', url: '/v1/deposits', payload: deposit({ id: 'if-match-star' }) })).statusCode,
    201,
  )
  const corrected = await api.inject({
    method: 'POST',
    url: '/v1/deposits/if-match-star/corrections',
    headers: { 'if-match': '*' },
    payload: { effectiveDate: '2025-01-02', sources: [{ publisher: 'x' }], changes: { region: 'Yukon' } },
  })
  t.equal(corrected.statusCode, 200, 'and matches any version of one that does')
})

t.test('a body that is not JSON is a 415', async (t) => {
  const response = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: { 'content-type': 'text/plain' },
    payload: 'name=Nope',
  })
  t.equal(response.statusCode, 415)
  t.equal(JSON.parse(response.body).type, '/problems/unsupported-media-type')
})

t.test('an event the projection cannot apply is set aside, shown to operators, and the rest goes on', async (t) => {
  const empty = JSON.parse((await operator.inject('/v1/dead-letters')).body)
  t.same(empty, { items: [], nextCursor: null })
  // A row that bypasses the contracts, as a bug or a hand-edited store would write it.
  await db.pool.query(
    `INSERT INTO deposits.events (stream_id, stream_version, subject, event_id, type, data, effective_date, correlation_id, causation_id)
     VALUES ('deposit-broken', 1, 'broken', gen_random_uuid(), 'ree.deposit.registered.v1', '{"depositId": 42}', '2025-01-01', gen_random_uuid(), gen_random_uuid())`,
  )
  const after = await api.inject({ method: 'POST', url: '/v1/deposits', payload: deposit({ id: 'after-broken' }) })
  t.equal(
    (await api.inject(`/v1/deposits/after-broken?minVersion=${JSON.parse(after.body).streamVersion}`)).statusCode,
    200,
  )
  const letters = JSON.parse((await operator.inject('/v1/dead-letters')).body)
  t.match(letters.items, [{ stream: 'deposits', error: /^failed 3 times/, event: { subject: 'broken' } }])
})

t.test('bodies nested too deep, lone surrogates and NULs in cursors are bad input, not 500s', async (t) => {
  const deep = `{"name":${'['.repeat(3000)}${']'.repeat(3000)},"country":"CA","effectiveDate":"2025-01-01","sources":[{"publisher":"x"}]}`
  const nested = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: { 'content-type': 'application/json' },
    payload: deep,
  })
  t.equal(nested.statusCode, 400)
  t.match(JSON.parse(nested.body).errors, [{ message: /nested more than/ }])
  const surrogate = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    headers: { 'content-type': 'application/json' },
    payload: '{"name":"Bad \\ud800 name","country":"CA","effectiveDate":"2025-01-01","sources":[{"publisher":"x"}]}',
  })
  t.equal(surrogate.statusCode, 400)
  t.same(fieldsOf(surrogate.body), ['body.name'])
  const forged = (cursor: object) => Buffer.from(JSON.stringify(cursor)).toString('base64url')
  for (const url of [
    `/v1/deposits?cursor=${forged({ id: '\u0000' })}`,
    `/v1/shipments?cursor=${forged({ id: 'a\u0000' })}`,
    `/v1/restrictions?cursor=${forged({ id: 'a\u0000' })}`,
    `/v1/deals?sort=date&cursor=${forged({ s: 'date', k: '2025-01-01', id: 'a\u0000' })}`,
  ]) {
    t.equal((await api.inject(url)).statusCode, 400, url.slice(0, url.indexOf('?')))
  }
})
