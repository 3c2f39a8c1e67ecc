import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, withApiKey } from '@ree/testing'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { pino } from 'pino'
import t from 'tap'

const root = resolve(import.meta.dirname, '../..')
const db = await createTestDatabase()
const ledger = await buildLedger({
  databaseUrl: db.url,
  logger: pino({ level: 'silent' }),
})
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
await loadSeeds(ledger.gateway, resolve(root, 'seeds'), ledger.seedKey)
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))

const ajv = new Ajv.default({ strict: false })
addFormats.default(ajv)
const cloudEventSchema = JSON.parse(
  readFileSync(resolve(root, '../shared/conformance/cloudevents.schema.json'), 'utf8'),
)
const isCloudEvent = ajv.compile(cloudEventSchema)

const source = { publisher: 'Test Gazette', url: 'https://example.org/test' }
const body = (extra: object) => ({
  effectiveDate: '2025-06-01',
  sources: [source],
  ...extra,
})
const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  api.inject({ method: 'POST', url, payload, headers })
const eventCount = async (streamId: string) =>
  (await db.pool.query('SELECT count(*)::int AS n FROM deposits.events WHERE stream_id = $1', [streamId])).rows[0]
    .n as number

t.test('listing deposits, filtered and paged', async (t) => {
  const all = (await api.inject('/v1/deposits?limit=100')).json()
  const beylikova = all.items.find((deposit: { id: string }) => deposit.id === 'beylikova')
  t.equal(beylikova?.country, 'TR')
  const elements = beylikova.elements.map((entry: { element: string }) => entry.element)
  for (const element of ['Ce', 'La', 'Nd']) t.ok(elements.includes(element), `Beylikova lists ${element}`)
  t.ok(beylikova.registration.sources.length > 0, 'with its sources')

  const us = (await api.inject('/v1/deposits?country=US')).json()
  t.ok(us.items.length >= 2, 'US deposits are found')
  t.ok(
    us.items.every((deposit: { country: string }) => deposit.country === 'US'),
    'and only those',
  )

  const first = (await api.inject('/v1/deposits?limit=3')).json()
  t.equal(first.items.length, 3)
  const second = (await api.inject(`/v1/deposits?limit=3&cursor=${first.nextCursor}`)).json()
  t.ok(second.items[0].id > first.items[2].id, 'the next page continues after the last id')

  const bad = await api.inject('/v1/deposits?country=XX&limit=1000')
  t.equal(bad.statusCode, 400)
  t.match(bad.headers['content-type'], /^application\/problem\+json/)
  t.same(
    bad
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['querystring.country', 'querystring.limit'],
    'each bad parameter is named',
  )
  const badCursor = await api.inject('/v1/deposits?cursor=nonsense')
  t.equal(badCursor.statusCode, 400, 'a cursor the API did not issue is bad input')
  t.match(badCursor.json().errors, [{ field: 'querystring.cursor' }])
})

t.test('register a deposit, read it back, see its history as CloudEvents', async (t) => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  const created = await post(
    '/v1/deposits',
    body({
      id: 'test-ridge',
      name: 'Test Ridge',
      country: 'CA',
      elements: [{ element: 'Nd' }],
      stage: 'exploration',
    }),
    { traceparent },
  )
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, '/v1/deposits/test-ridge')
  t.equal(created.headers.etag, '"1"')
  const { streamVersion } = created.json()
  const read = await api.inject(`/v1/deposits/test-ridge?minVersion=${streamVersion}`)
  t.equal(read.statusCode, 200, 'read-your-writes: the read waits for the projection')
  t.equal(read.json().stage, 'exploration')
  t.equal(read.headers.etag, '"1"')

  const history = (await api.inject('/v1/deposits/test-ridge/history')).json()
  t.equal(history.items.length, 1)
  const [event] = history.items
  t.ok(isCloudEvent(event), 'valid against the published CloudEvents schema')
  t.match(event, {
    specversion: '1.0',
    type: 'ree.deposit.registered.v1',
    source: '/ree/deposits',
    subject: 'test-ridge',
    streamversion: 1,
    effectivedate: '2025-06-01',
    datacontenttype: 'application/json',
    data: {
      depositId: 'test-ridge',
      sources: [source],
      confidence: 'normal',
    },
    traceparent,
  })
  for (const name of Object.keys(event).filter((key) => key !== 'data')) {
    t.match(name, /^[a-z0-9]+$/, `attribute ${name} follows the CloudEvents naming rule`)
  }

  const generated = await post('/v1/deposits', body({ name: 'Araxá Norte', country: 'BR' }))
  t.equal(generated.headers.location, '/v1/deposits/araxa-norte', 'an id is generated from the name when absent')
  const taken = await post('/v1/deposits', body({ name: 'Araxá Norte', country: 'BR' }))
  t.equal(taken.statusCode, 409)
  t.equal(taken.json().type, '/problems/deposit-already-registered')
})

t.test('bad input is a 400 naming the field, and nothing is written', async (t) => {
  const before = (await db.pool.query('SELECT count(*)::int AS n FROM deposits.events')).rows[0].n
  const missingName = await post('/v1/deposits', body({ country: 'US' }))
  t.equal(missingName.statusCode, 400)
  t.match(missingName.headers['content-type'], /^application\/problem\+json/)
  t.match(missingName.json(), {
    type: '/problems/validation-failed',
    status: 400,
    errors: [{ field: 'body.name' }],
  })
  const badDate = await post('/v1/deposits', body({ name: 'X', country: 'US', effectiveDate: '2025-02-30' }))
  t.match(badDate.json().errors, [{ field: 'body.effectiveDate' }])
  const noSource = await post('/v1/deposits', {
    name: 'X',
    country: 'US',
    effectiveDate: '2025-01-01',
    sources: [],
  })
  t.match(noSource.json().errors, [{ field: 'body.sources', message: /source/ }])
  const notJson = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    payload: '{"name":',
    headers: { 'content-type': 'application/json' },
  })
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().type, '/problems/malformed-json')
  const negative = await post(
    '/v1/deposits/mountain-pass/production-reports',
    body({
      production: {
        periodStart: '2024-01-01',
        periodEnd: '2023-12-31',
        quantityTonnes: -5,
        basis: 'REO',
      },
    }),
  )
  t.same(
    negative
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['body.production.periodEnd', 'body.production.quantityTonnes'],
  )
  const after = (await db.pool.query('SELECT count(*)::int AS n FROM deposits.events')).rows[0].n
  t.equal(after, before, 'no event was appended')
  const unknown = await api.inject('/v1/deposits/no-such-deposit')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/problem\+json/)
  const unknownRoute = await api.inject('/v1/nothing-here')
  t.equal(unknownRoute.statusCode, 404)
  t.match(unknownRoute.headers['content-type'], /^application\/problem\+json/)
})

t.test('If-Match, domain rules and Idempotency-Key on stage changes', async (t) => {
  await post(
    '/v1/deposits',
    body({
      id: 'etag-hill',
      name: 'Etag Hill',
      country: 'AU',
      stage: 'exploration',
    }),
  )
  const advance = (stage: string, headers: Record<string, string> = {}) =>
    post('/v1/deposits/etag-hill/stage-advances', body({ stage }), headers)

  const ok = await advance('feasibility', { 'if-match': '"1"' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers.etag, '"2"')
  const stale = await advance('permitting', { 'if-match': '"1"' })
  t.equal(stale.statusCode, 412, 'a stale If-Match is refused')
  t.equal(stale.json().type, '/problems/precondition-failed')
  t.equal(await eventCount('deposit-etag-hill'), 2, 'and appends nothing')

  const backwards = await advance('exploration')
  t.equal(backwards.statusCode, 422)
  t.equal(backwards.json().type, '/problems/stage-reversal-required', 'the rule is named in the type')
  t.equal(await eventCount('deposit-etag-hill'), 2, 'a refused rule appends nothing')

  const reversal = await post(
    '/v1/deposits/etag-hill/stage-reversals',
    body({ stage: 'exploration', reason: 'feasibility study withdrawn' }),
  )
  t.equal(reversal.statusCode, 200)

  const key = { 'idempotency-key': 'etag-hill-advance-0001' }
  const first = await advance('feasibility', key)
  const retry = await advance('feasibility', key)
  t.equal(first.statusCode, 200)
  t.equal(retry.statusCode, 200)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.same(retry.json(), first.json(), 'the retry answers the first result')
  t.equal(await eventCount('deposit-etag-hill'), 4, 'and the command was appended once')
  const reused = await advance('permitting', key)
  t.equal(reused.statusCode, 422)
  t.equal(reused.json().type, '/problems/idempotency-key-reused')

  const badTrace = await advance('permitting', { traceparent: 'not-a-trace' })
  t.equal(badTrace.statusCode, 400)
  t.match(badTrace.json().errors, [{ field: 'headers.traceparent' }])
  const badTag = await advance('permitting', { 'if-match': 'W/"4"' })
  t.equal(badTag.statusCode, 400)
  t.match(badTag.json().errors, [{ field: 'headers.if-match' }])

  const view = (await api.inject('/v1/deposits/etag-hill?minVersion=4')).json()
  t.same(
    view.stageHistory.map((change: { kind: string; stage: string }) => `${change.kind}:${change.stage}`),
    ['registered:exploration', 'advanced:feasibility', 'reversed:exploration', 'advanced:feasibility'],
  )
  const slow = await api.inject('/v1/deposits/etag-hill?minVersion=99')
  t.equal(slow.statusCode, 503, 'a version the read model never reaches is answered, not waited on forever')
})

t.test('a correction changes only the fields it names', async (t) => {
  await post(
    '/v1/deposits',
    body({
      id: 'corrected-creek',
      name: 'Corected Creek',
      country: 'US',
      elements: [{ element: 'La' }, { element: 'Ce' }],
    }),
  )
  const corrected = await post(
    '/v1/deposits/corrected-creek/corrections',
    body({ changes: { name: 'Corrected Creek' } }),
  )
  t.equal(corrected.statusCode, 200)
  const view = (await api.inject('/v1/deposits/corrected-creek?minVersion=2')).json()
  t.equal(view.name, 'Corrected Creek')
  t.same(
    view.elements.map((entry: { element: string }) => entry.element),
    ['La', 'Ce'],
    'the elements it did not name are kept',
  )
  const empty = await post('/v1/deposits/corrected-creek/corrections', body({ changes: {} }))
  t.equal(empty.statusCode, 400, 'a correction that names nothing is bad input')
})

t.test('as of a past date, and as the ledger knew it', async (t) => {
  const then = (await api.inject('/v1/deposits/mountain-pass?asOf=2005-01-01')).json()
  t.equal(then.stage, 'closed', 'Mountain Pass was closed in 2005')
  const now = (await api.inject('/v1/deposits/mountain-pass')).json()
  t.equal(now.stage, 'production')
  const before = await api.inject('/v1/deposits/mountain-pass?asOf=1900-01-01')
  t.equal(before.statusCode, 404, 'it did not exist yet in 1900')
  const closedIn2005 = (await api.inject('/v1/deposits?asOf=2005-01-01&stage=closed')).json()
  t.ok(
    closedIn2005.items.some((deposit: { id: string }) => deposit.id === 'mountain-pass'),
    'lists filter the state as of the date',
  )
  const known = (await api.inject('/v1/deposits?recordedAsOf=2000-01-01T00:00:00Z')).json()
  t.same(known.items, [], 'the ledger knew nothing before it recorded anything')
  const history = (await api.inject('/v1/deposits/mountain-pass/history?asOf=2005-01-01')).json()
  t.ok(
    history.items.every((event: { effectivedate: string }) => event.effectivedate <= '2005-01-01'),
    'history filters by valid time too',
  )
})

t.test('Kvanefjeld is blocked by law from the day the Act came into force', async (t) => {
  const now = (await api.inject('/v1/deposits/kvanefjeld')).json()
  t.match(now, {
    stage: 'permitting',
    blocked: true,
    blocking: {
      kind: 'blocked',
      authority: { type: 'legislature' },
      legalReference: /Act No\. 20/,
      effectiveDate: '2021-12-02',
      confidence: 'normal',
      sources: [{ publisher: /Library of Congress/ }, { publisher: 'World Nuclear News' }],
    },
  })
  const dayBefore = (await api.inject('/v1/deposits/kvanefjeld?asOf=2021-12-01')).json()
  t.match(dayBefore, { stage: 'permitting', blocked: false, blockingHistory: [] }, 'the day before, it was not blocked')
  t.notOk('blocking' in dayBefore)
  const june = await api.inject('/v1/deposits/kvanefjeld?asOf=2021-06-01')
  t.equal(june.statusCode, 200)
  t.match(
    june.json(),
    { stage: 'permitting', blocked: false, blockingHistory: [] },
    'on 2021-06-01: permitting, not blocked',
  )
  const before = await api.inject('/v1/deposits/kvanefjeld?asOf=2020-06-01')
  t.equal(before.statusCode, 404, 'in 2020 the ledger holds no fact of it: its first is of 2021 (year only)')
  t.match(before.json(), { detail: /first dated 2021-01-01.*2020-06-01/ }, 'and the answer says so')
  const suspension = await post(
    '/v1/deposits/kvanefjeld/blockings',
    body({
      kind: 'suspended',
      until: '2026-01-01',
      authority: { type: 'court', name: 'A court' },
      legalReference: 'An order',
      effectiveDate: '2025-01-01',
    }),
  )
  t.equal(
    suspension.statusCode,
    422,
    'a suspension cannot be recorded over the Act, which has no end: it would lapse it',
  )
  t.equal(suspension.json().type, '/problems/already-blocked')
  const blocked = (await api.inject('/v1/deposits?blocked=true&limit=100')).json()
  t.same(
    blocked.items.map((deposit: { id: string }) => deposit.id),
    ['kvanefjeld'],
    'the blocked filter lists it and only it',
  )
  const notBlocked = (await api.inject('/v1/deposits?blocked=false&limit=100')).json()
  t.notOk(notBlocked.items.some((deposit: { id: string }) => deposit.id === 'kvanefjeld'))
  const asOf2021 = (await api.inject('/v1/deposits?blocked=true&asOf=2021-06-01')).json()
  t.same(asOf2021.items, [], 'and filters the state as of the date')
})

t.test('a suspension lapses after its last day; blockings keep their rules and refuse bad input', async (t) => {
  const id = 'blocking-test'
  t.equal(
    (await post('/v1/deposits', body({ id, name: 'Blocking Test', country: 'CA', stage: 'permitting' }))).statusCode,
    201,
  )
  const authority = { type: 'court', name: 'Federal Court' }
  const suspend = await post(
    `/v1/deposits/${id}/blockings`,
    body({
      kind: 'suspended',
      authority,
      legalReference: 'Order 2025-17',
      until: '2025-08-31',
      effectiveDate: '2025-07-01',
    }),
  )
  t.equal(suspend.statusCode, 200, 'a court suspends it until 31 Aug')
  const version = suspend.json().streamVersion
  const during = (await api.inject(`/v1/deposits/${id}?asOf=2025-08-31&minVersion=${version}`)).json()
  t.match(during, { blocked: true, blocking: { kind: 'suspended', until: '2025-08-31' } })
  const after = (await api.inject(`/v1/deposits/${id}?asOf=2025-09-01`)).json()
  t.equal(after.blocked, false, 'from the day after its last day it no longer stands')
  t.match(after.blockingHistory, [{ kind: 'suspended' }, { kind: 'lapsed', effectiveDate: '2025-09-01' }])
  const lapsedList = (await api.inject('/v1/deposits?blocked=true&asOf=2025-09-01&limit=100')).json()
  t.notOk(
    lapsedList.items.some((deposit: { id: string }) => deposit.id === id),
    'lists see the lapse too',
  )

  const events = await eventCount(`deposit-${id}`)
  const again = await post(
    `/v1/deposits/${id}/blockings`,
    body({ kind: 'blocked', authority, legalReference: 'Order 2025-18', effectiveDate: '2025-08-01' }),
  )
  t.equal(again.statusCode, 422)
  t.equal(again.json().type, '/problems/already-blocked')
  const lapsedUnblock = await post(`/v1/deposits/${id}/unblockings`, body({ effectiveDate: '2025-09-15' }))
  t.equal(lapsedUnblock.statusCode, 422)
  t.match(lapsedUnblock.json(), { type: '/problems/not-blocked', detail: /ended on 2025-08-31/ })
  const blockedWithEnd = await post(
    `/v1/deposits/${id}/blockings`,
    body({ kind: 'blocked', authority, legalReference: 'x', until: '2026-01-01' }),
  )
  t.equal(blockedWithEnd.statusCode, 400)
  t.match(blockedWithEnd.json().errors, [{ field: 'body.until', message: /only a suspension/ }])
  const badAuthority = await post(
    `/v1/deposits/${id}/blockings`,
    body({ kind: 'blocked', authority: { type: 'king', name: '' }, until: '2020-01-01' }),
  )
  t.equal(badAuthority.statusCode, 400)
  t.same(
    badAuthority
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['body.authority.name', 'body.authority.type', 'body.legalReference'],
    'each bad field is named',
  )
  const unknown = await post(
    '/v1/deposits/no-such-deposit/blockings',
    body({ kind: 'blocked', authority, legalReference: 'x' }),
  )
  t.equal(unknown.statusCode, 404)
  t.equal(await eventCount(`deposit-${id}`), events, 'nothing was appended by the refused commands')
  const unblocked = await post(
    `/v1/deposits/${id}/unblockings`,
    body({ effectiveDate: '2025-08-15', reason: 'stay lifted' }),
  )
  t.equal(unblocked.statusCode, 200, 'a suspension can be lifted before its last day')
  const lifted = (
    await api.inject(`/v1/deposits/${id}?asOf=2025-08-20&minVersion=${unblocked.json().streamVersion}`)
  ).json()
  t.match(lifted, {
    blocked: false,
    blockingHistory: [{ kind: 'suspended' }, { kind: 'unblocked', reason: 'stay lifted' }],
  })
})
