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
const isCloudEvent = ajv.compile(
  JSON.parse(readFileSync(resolve(root, '../shared/conformance/cloudevents.schema.json'), 'utf8')),
)

const source = { publisher: 'Test Gazette', url: 'https://example.org/test' }
const body = (extra: object) => ({
  effectiveDate: '2025-06-01',
  sources: [source],
  ...extra,
})
const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  api.inject({ method: 'POST', url, payload, headers })
const get = async (url: string) => (await api.inject(url)).json()
const eventCount = async (streamId?: string) =>
  (
    await db.pool.query(
      streamId
        ? 'SELECT count(*)::int AS n FROM trade_flows.events WHERE stream_id = $1'
        : 'SELECT count(*)::int AS n FROM trade_flows.events',
      streamId ? [streamId] : [],
    )
  ).rows[0].n as number
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id)
// The seeded restrictions and shipment are in the read model before any test reads them.
await get('/v1/restrictions/cn-export-controls-2025-10?minVersion=2')
await get('/v1/shipments/pk-us-first-shipment?minVersion=1')

t.test('Done when 1: restrictions in force on a day, from the dated events', async (t) => {
  const december = await get('/v1/restrictions?inForceOn=2025-12-01&element=Dy')
  t.ok(ids(december).includes('cn-export-controls-2025-04'), 'the April 2025 licence regime is in force on 1 Dec 2025')
  t.notOk(ids(december).includes('cn-export-controls-2025-10'), 'the suspended October 2025 controls are not')
  t.ok(december.items.every((item: { inForce: boolean }) => item.inForce))
  const decemberHo = await get('/v1/restrictions?inForceOn=2025-12-01&element=Ho')
  t.notOk(
    ids(decemberHo).includes('cn-export-controls-2025-10'),
    'nor for Ho, which they cover: they are suspended that day',
  )
  const october = await get('/v1/restrictions?inForceOn=2025-10-20&element=Ho')
  t.ok(ids(october).includes('cn-export-controls-2025-10'), 'the October controls are in force for Ho on 20 Oct 2025')
  t.notOk(ids(october).includes('cn-export-controls-2025-04'), 'the April regime does not name Ho')
  const [asThen] = october.items.filter((item: { id: string }) => item.id === 'cn-export-controls-2025-10')
  t.equal(asThen.status, 'in-force', 'each is shown as it stood that day')
  const afterSuspension = await get('/v1/restrictions?inForceOn=2026-11-11&element=Ho')
  t.ok(
    ids(afterSuspension).includes('cn-export-controls-2025-10'),
    'a suspension until 10 Nov 2026 ends after that day',
  )
  const beforeApril = await get('/v1/restrictions?inForceOn=2025-04-03&element=Dy')
  t.same(ids(beforeApril), [], 'nothing was in force before it was imposed')
  const both = await api.inject('/v1/restrictions?inForceOn=2025-12-01&asOf=2025-12-01')
  t.equal(both.statusCode, 400)
  t.match(both.json().errors, [{ field: 'querystring.inForceOn' }])
})

t.test("Done when 2: the Pakistani shipment's corridor, and MP Materials' halt", async (t) => {
  const corridors = await get('/v1/corridors?from=PK&to=US')
  t.equal(corridors.items.length, 1)
  const [corridor] = corridors.items
  t.match(corridor, {
    from: 'PK',
    to: 'US',
    fromName: 'Pakistan',
    toName: 'United States',
    shipmentCount: 1,
    undisclosedTonnageCount: 1,
    disclosedTonnes: 0,
  })
  const [shipment] = corridor.shipments
  t.equal(shipment.id, 'pk-us-first-shipment')
  t.equal(shipment.tonnageDisclosed, false, 'its tonnage is undisclosed')
  t.notOk('quantityTonnes' in shipment, 'and no tonnage is invented')
  t.same(
    corridor.breakdown.map(
      (row: { element: string; form: string | null; quarter: string }) => `${row.element}|${row.form}|${row.quarter}`,
    ),
    ['Nd|null|2025-Q4', 'Pr|null|2025-Q4'],
    'by element, form and quarter',
  )
  t.ok(corridor.breakdown.every((row: { undisclosedTonnageCount: number }) => row.undisclosedTonnageCount === 1))

  const detail = await get('/v1/shipments/pk-us-first-shipment')
  t.match(detail, {
    origin: 'PK',
    destination: 'US',
    status: 'delivered',
    deliveredOn: '2025-10-02',
    tonnageDisclosed: false,
    elements: ['Nd', 'Pr'],
  })
  t.notOk('quantityTonnes' in detail)

  const restrictions = await get('/v1/restrictions')
  const [halt] = restrictions.items.filter((item: { id: string }) => item.id === 'mp-halts-china-2025')
  t.match(halt, {
    actor: { type: 'company', name: 'MP Materials' },
    actorName: 'MP Materials',
    kind: 'export-halt',
    origin: 'US',
    destinations: ['CN'],
    status: 'in-force',
    imposedOn: '2025-04-17',
  })
  const toChina = await get('/v1/restrictions?origin=US&destination=CN')
  t.same(ids(toChina), ['mp-halts-china-2025'], 'found by its corridor')
  const byActor = await get('/v1/restrictions?actor=mp%20mat')
  t.same(ids(byActor), ['mp-halts-china-2025'], 'and by its actor')
})

t.test('shipments: the lifecycle through the API', async (t) => {
  const created = await post(
    '/v1/shipments',
    body({
      id: 'au-us-test-oxide',
      origin: 'AU',
      destination: 'US',
      exporter: 'Test Exporter',
      form: 'oxide',
      elements: ['Nd', 'Pr'],
      quantityTonnes: 20,
      value: { amount: 1_000_000, currency: 'USD' },
      hsCode: '2846.90',
    }),
  )
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, '/v1/shipments/au-us-test-oxide')
  t.equal(created.headers.etag, '"1"')
  const early = await post('/v1/shipments/au-us-test-oxide/deliveries', body({ effectiveDate: '2025-07-01' }))
  t.equal(early.statusCode, 422, 'a booked shipment is not delivered')
  t.equal(early.json().type, '/problems/shipment-not-shipped')
  const shipped = await post('/v1/shipments/au-us-test-oxide/departures', body({ effectiveDate: '2025-07-01' }), {
    'if-match': '"1"',
  })
  t.equal(shipped.statusCode, 200)
  t.equal(shipped.headers.etag, '"2"')
  const stale = await post('/v1/shipments/au-us-test-oxide/deliveries', body({ effectiveDate: '2025-08-01' }), {
    'if-match': '"1"',
  })
  t.equal(stale.statusCode, 412)
  const key = { 'idempotency-key': 'au-us-test-oxide-delivery' }
  const delivered = await post('/v1/shipments/au-us-test-oxide/deliveries', body({ effectiveDate: '2025-08-01' }), key)
  const retry = await post('/v1/shipments/au-us-test-oxide/deliveries', body({ effectiveDate: '2025-08-01' }), key)
  t.equal(delivered.statusCode, 200)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.same(retry.json(), delivered.json())
  t.equal(await eventCount('shipment-au-us-test-oxide'), 3)

  const view = await get('/v1/shipments/au-us-test-oxide?minVersion=3')
  t.match(view, {
    status: 'delivered',
    bookedOn: '2025-06-01',
    shippedOn: '2025-07-01',
    deliveredOn: '2025-08-01',
    flowDate: '2025-07-01',
    quantityTonnes: 20,
    tonnageDisclosed: true,
  })
  t.same(
    view.statusHistory.map((change: { status: string }) => change.status),
    ['booked', 'shipped', 'delivered'],
  )
  const then = await get('/v1/shipments/au-us-test-oxide?asOf=2025-07-15')
  t.equal(then.status, 'shipped', 'as of a past date')

  const history = await get('/v1/shipments/au-us-test-oxide/history')
  t.equal(history.items.length, 3)
  t.ok(history.items.every((event: unknown) => isCloudEvent(event)))
  t.match(history.items[1], {
    type: 'ree.shipment.shipped.v1',
    source: '/ree/trade-flows',
    subject: 'au-us-test-oxide',
    streamversion: 2,
    effectivedate: '2025-07-01',
  })

  const filtered = await get(
    '/v1/shipments?origin=AU&destination=US&element=Nd&form=oxide&status=delivered&dateFrom=2025-07-01&dateTo=2025-07-31',
  )
  t.same(ids(filtered), ['au-us-test-oxide'], 'filters combine')
  const outside = await get('/v1/shipments?dateFrom=2025-07-02&origin=AU')
  t.same(ids(outside), [], 'the date range applies to the day it left')
  const wasBooked = await get('/v1/shipments?asOf=2025-06-15&status=booked')
  t.ok(ids(wasBooked).includes('au-us-test-oxide'), 'lists as of a date')

  const corridor = (await get('/v1/corridors?from=AU&to=US')).items[0]
  t.match(corridor, {
    shipmentCount: 1,
    disclosedTonnes: 20,
    undisclosedTonnageCount: 0,
    values: [{ currency: 'USD', amount: 1_000_000 }],
  })
  t.match(corridor.breakdown[0], {
    element: 'Nd',
    form: 'oxide',
    quarter: '2025-Q3',
  })

  const disclosed = await post('/v1/shipments/pk-us-first-shipment/quantity-disclosures', body({ quantityTonnes: 0 }))
  t.equal(disclosed.statusCode, 400, 'a tonnage is positive')
  t.match(disclosed.json().errors, [{ field: 'body.quantityTonnes' }])
})

t.test('a delivered shipment cannot be cancelled', async (t) => {
  const before = await eventCount('shipment-pk-us-first-shipment')
  const refused = await post(
    '/v1/shipments/pk-us-first-shipment/cancellations',
    body({ reason: 'changed our minds', effectiveDate: '2025-10-05' }),
  )
  t.equal(refused.statusCode, 422)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.equal(refused.json().type, '/problems/delivered-shipment-not-cancellable')
  t.equal(await eventCount('shipment-pk-us-first-shipment'), before, 'nothing was appended')

  await post('/v1/shipments', body({ id: 'za-cn-test-ore', origin: 'ZA', destination: 'CN', form: 'ore' }))
  const cancelled = await post('/v1/shipments/za-cn-test-ore/cancellations', body({ reason: 'buyer withdrew' }))
  t.equal(cancelled.statusCode, 200, 'a booked one can')
  const again = await post('/v1/shipments/za-cn-test-ore/departures', body({}))
  t.equal(again.json().type, '/problems/shipment-cancelled')
  await get(`/v1/shipments/za-cn-test-ore?minVersion=${cancelled.json().streamVersion}`)
  const corridors = await get('/v1/corridors?from=ZA&to=CN')
  t.same(corridors.items, [], 'a cancelled shipment is not a flow')
})

t.test('restrictions: imposed, expanded, suspended, reinstated, lifted', async (t) => {
  const path = '/v1/restrictions/xx-test-tariff'
  const tariff = await post(
    '/v1/restrictions',
    body({
      id: 'xx-test-tariff',
      name: 'Test tariff on magnets',
      actor: { type: 'country', country: 'US' },
      kind: 'tariff',
      tariffRatePercent: 25,
      origin: 'CN',
      destinations: ['US'],
      elements: ['Nd'],
      forms: ['magnet'],
      effectiveDate: '2025-01-01',
    }),
  )
  t.equal(tariff.statusCode, 201)
  t.equal(tariff.headers.location, path)
  const expanded = await post(`${path}/expansions`, body({ addElements: ['Dy', 'Nd'], effectiveDate: '2025-03-01' }))
  t.equal(expanded.statusCode, 200)
  const nothingNew = await post(`${path}/expansions`, body({ addElements: ['Dy'], effectiveDate: '2025-03-02' }))
  t.equal(nothingNew.statusCode, 422)
  t.equal(nothingNew.json().type, '/problems/expansion-adds-nothing')
  const notSuspended = await post(`${path}/reinstatements`, body({}))
  t.equal(notSuspended.json().type, '/problems/restriction-not-suspended')
  const suspended = await post(`${path}/suspensions`, body({ until: '2025-06-30', effectiveDate: '2025-05-01' }))
  t.equal(suspended.statusCode, 200)
  const twice = await post(`${path}/suspensions`, body({ effectiveDate: '2025-05-02' }))
  t.equal(twice.json().type, '/problems/restriction-already-suspended')
  const reinstated = await post(`${path}/reinstatements`, body({ effectiveDate: '2025-06-01' }))
  t.equal(reinstated.statusCode, 200)
  const lifted = await post(`${path}/liftings`, body({ effectiveDate: '2025-09-01' }))
  t.equal(lifted.statusCode, 200)
  const afterLifting = await post(`${path}/suspensions`, body({ effectiveDate: '2025-09-02' }))
  t.equal(afterLifting.json().type, '/problems/restriction-lifted')
  t.equal(await eventCount('restriction-xx-test-tariff'), 5)

  const view = await get(`${path}?minVersion=5`)
  t.match(view, {
    kind: 'tariff',
    tariffRatePercent: 25,
    status: 'lifted',
    elements: ['Nd', 'Dy'],
  })
  t.same(
    view.statusHistory.map((change: { kind: string }) => change.kind),
    ['imposed', 'expanded', 'suspended', 'reinstated', 'lifted'],
  )
  const dyInMarch = await get('/v1/restrictions?inForceOn=2025-03-15&element=Dy&kind=tariff')
  t.same(ids(dyInMarch), ['xx-test-tariff'], 'covers Dy once expanded')
  const dyInFebruary = await get('/v1/restrictions?inForceOn=2025-02-15&element=Dy&kind=tariff')
  t.same(ids(dyInFebruary), [], 'but not before')
  const inMay = await get('/v1/restrictions?inForceOn=2025-05-15&kind=tariff')
  t.same(ids(inMay), [], 'not while suspended')
  const inJune = await get('/v1/restrictions?inForceOn=2025-06-15&kind=tariff')
  t.same(ids(inJune), ['xx-test-tariff'], 'again once reinstated')
  const inOctober = await get('/v1/restrictions?inForceOn=2025-10-01&kind=tariff')
  t.same(ids(inOctober), [], 'and never after it was lifted')
  const history = await get(`${path}/history?limit=2`)
  t.equal(history.items.length, 2)
  t.ok(history.nextCursor, 'history is paged')
  const rest = await get(`${path}/history?limit=10&cursor=${history.nextCursor}`)
  t.same(
    rest.items.map((event: { type: string }) => event.type),
    ['ree.restriction.suspended.v1', 'ree.restriction.reinstated.v1', 'ree.restriction.lifted.v1'],
  )
  const suspendedThen = await get(`${path}?asOf=2025-05-15`)
  t.match(suspendedThen, { status: 'suspended', suspendedUntil: '2025-06-30' })

  const page1 = await get('/v1/restrictions?limit=2')
  t.equal(page1.items.length, 2)
  const page2 = await get(`/v1/restrictions?limit=2&cursor=${page1.nextCursor}`)
  t.ok(page2.items[0].id > page1.items[1].id, 'cursor pagination')
  const lifted2 = await get('/v1/restrictions?status=lifted')
  t.same(ids(lifted2), ['xx-test-tariff'], 'filtered by status')
  const fromChina = await get('/v1/restrictions?origin=CN&form=magnet')
  t.ok(
    ids(fromChina).includes('cn-export-controls-2025-04') && ids(fromChina).includes('cn-export-controls-2025-10'),
    'a measure that names no form matches every form',
  )
  t.notOk(ids(fromChina).includes('mp-halts-china-2025'))
  const datedRange = await get('/v1/restrictions?dateFrom=2025-04-01&dateTo=2025-04-30')
  t.same(ids(datedRange), ['cn-export-controls-2025-04', 'mp-halts-china-2025'], 'filtered by the day they took effect')
})

t.test('bad input is a 400 naming the field; a refused rule a 422; nothing appended', async (t) => {
  const before = await eventCount()
  const sameCountry = await post('/v1/shipments', body({ origin: 'US', destination: 'US' }))
  t.equal(sameCountry.statusCode, 400)
  t.match(sameCountry.json(), {
    type: '/problems/validation-failed',
    errors: [{ field: 'body.destination' }],
  })
  const negative = await post('/v1/shipments', body({ origin: 'PK', destination: 'US', quantityTonnes: -3 }))
  t.match(negative.json().errors, [{ field: 'body.quantityTonnes' }])
  const badForm = await post(
    '/v1/shipments',
    body({ origin: 'PK', destination: 'US', form: 'powder', elements: ['Xx'] }),
  )
  t.same(
    badForm
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['body.elements.0', 'body.form'],
  )
  const noRate = await post(
    '/v1/restrictions',
    body({
      name: 'Tariff without a rate',
      actor: { type: 'country', country: 'US' },
      kind: 'tariff',
      origin: 'CN',
    }),
  )
  t.match(noRate.json().errors, [{ field: 'body.tariffRatePercent' }])
  const badUntil = await post(
    '/v1/restrictions/mp-halts-china-2025/suspensions',
    body({ until: '2025-05-01', effectiveDate: '2025-06-01' }),
  )
  t.match(badUntil.json().errors, [{ field: 'body.until' }])
  const badDate = await post('/v1/restrictions/mp-halts-china-2025/liftings', body({ effectiveDate: '2025-02-30' }))
  t.match(badDate.json().errors, [{ field: 'body.effectiveDate' }])
  const badActor = await post(
    '/v1/restrictions',
    body({
      name: 'Who?',
      actor: { type: 'company' },
      kind: 'export-halt',
      origin: 'US',
    }),
  )
  t.match(badActor.json().errors, [{ field: /^body\.actor/ }])
  const badQuery = await api.inject('/v1/restrictions?inForceOn=2025-13-01&element=Dz')
  t.equal(badQuery.statusCode, 400)
  t.same(
    badQuery
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['querystring.element', 'querystring.inForceOn'],
  )
  const badCorridor = await api.inject('/v1/corridors?from=XX')
  t.match(badCorridor.json().errors, [{ field: 'querystring.from' }])
  const badCursor = await api.inject('/v1/shipments?cursor=nonsense')
  t.equal(badCursor.statusCode, 400)

  const taken = await post(
    '/v1/restrictions',
    body({
      id: 'mp-halts-china-2025',
      name: 'Again',
      actor: { type: 'company', name: 'MP Materials' },
      kind: 'export-halt',
      origin: 'US',
    }),
  )
  t.equal(taken.statusCode, 409)
  t.equal(taken.json().type, '/problems/restriction-already-imposed')
  const reinstate = await post('/v1/restrictions/mp-halts-china-2025/reinstatements', body({}))
  t.equal(reinstate.statusCode, 422)
  t.equal(reinstate.json().type, '/problems/restriction-not-suspended')
  const unknown = await post('/v1/shipments/no-such-shipment/departures', body({}))
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().type, '/problems/shipment-not-found')
  t.equal(await eventCount(), before, 'no event was appended')

  for (const url of [
    '/v1/shipments/no-such-shipment',
    '/v1/shipments/no-such-shipment/history',
    '/v1/restrictions/no-such-restriction',
    '/v1/restrictions/no-such-restriction/history',
  ]) {
    const missing = await api.inject(url)
    t.equal(missing.statusCode, 404, `${url} is 404`)
    t.match(missing.headers['content-type'], /^application\/problem\+json/)
  }
})

t.test('documented in OpenAPI under their tags', async (t) => {
  const spec = await get('/openapi.json')
  const tags = spec.tags.map((tag: { name: string }) => tag.name)
  for (const name of ['Shipments', 'Restrictions', 'Corridors']) t.ok(tags.includes(name), `tag ${name}`)
  for (const [path, method] of [
    ['/v1/shipments', 'get'],
    ['/v1/shipments', 'post'],
    ['/v1/shipments/{id}', 'get'],
    ['/v1/shipments/{id}/history', 'get'],
    ['/v1/shipments/{id}/cancellations', 'post'],
    ['/v1/restrictions', 'get'],
    ['/v1/restrictions/{id}/suspensions', 'post'],
    ['/v1/corridors', 'get'],
  ] as const) {
    t.ok(spec.paths[path]?.[method], `${method.toUpperCase()} ${path}`)
  }
})

t.test('a suspension survives an expansion, and a new end date extends or renews it', async (t) => {
  const path = '/v1/restrictions/xx-test-suspended'
  await post(
    '/v1/restrictions',
    body({
      id: 'xx-test-suspended',
      name: 'Test control on Dy',
      actor: { type: 'country', country: 'CN' },
      kind: 'export-control',
      origin: 'CN',
      elements: ['Dy'],
      effectiveDate: '2025-01-01',
    }),
  )
  t.equal(
    (await post(`${path}/suspensions`, body({ until: '2025-06-30', effectiveDate: '2025-02-01' }))).statusCode,
    200,
  )
  t.equal(
    (await post(`${path}/expansions`, body({ addElements: ['Tb'], effectiveDate: '2025-03-01' }))).statusCode,
    200,
  )
  await get(`${path}?minVersion=3`)
  const inForce = async (date: string) => ids(await get(`/v1/restrictions?inForceOn=${date}&element=Dy&limit=100`))
  t.notOk((await inForce('2025-04-01')).includes('xx-test-suspended'), 'suspended in April')
  t.ok(
    (await inForce('2025-08-01')).includes('xx-test-suspended'),
    'in force again after the suspension ends, expansion or not',
  )
  t.equal((await get(`${path}?asOf=2025-04-01`)).suspendedUntil, '2025-06-30', 'the expansion kept the suspension')
  t.match(
    await get(path),
    { status: 'in-force', statusSince: '2025-07-01' },
    'today it stands in force again: the suspension ran out after its last day',
  )

  const same = await post(`${path}/suspensions`, body({ until: '2025-06-30', effectiveDate: '2025-04-01' }))
  t.equal(same.json().type, '/problems/restriction-already-suspended', 'the same suspension twice is refused')
  const extended = await post(`${path}/suspensions`, body({ until: '2025-12-31', effectiveDate: '2025-09-01' }))
  t.equal(extended.statusCode, 200, 'a suspension with a new end date is recorded (after the old one lapsed)')
  await get(`${path}?minVersion=4`)
  t.notOk((await inForce('2025-10-01')).includes('xx-test-suspended'), 'suspended again in October')
})

t.test('each shipment lists the restrictions in force on its date that reach it', async (t) => {
  const pakistani = await get('/v1/shipments/pk-us-first-shipment')
  t.same(
    pakistani.compliance,
    { date: '2025-10-02', restrictions: [] },
    'the Pakistan → US first shipment: no restriction recorded on Pakistani exports, none reaches it',
  )

  const shipped = { status: 'shipped' }
  const recorded = [
    { id: 'cn-us-dy-oxide', origin: 'CN', destination: 'US', elements: ['Dy'], form: 'oxide' },
    { id: 'cn-jp-la-oxide', origin: 'CN', destination: 'JP', elements: ['La'], form: 'oxide' },
    { id: 'cn-de-undisclosed', origin: 'CN', destination: 'DE', elements: [] },
    {
      id: 'cn-us-dy-early',
      origin: 'CN',
      destination: 'US',
      elements: ['Dy'],
      form: 'oxide',
      effectiveDate: '2025-03-01',
    },
    {
      id: 'us-cn-mp-concentrate',
      origin: 'US',
      destination: 'CN',
      exporter: 'MP Materials',
      elements: ['Nd'],
      form: 'concentrate',
    },
    {
      id: 'us-cn-other-concentrate',
      origin: 'US',
      destination: 'CN',
      exporter: 'Other Co',
      elements: ['Nd'],
      form: 'concentrate',
    },
  ]
  for (const shipment of recorded) {
    t.equal((await post('/v1/shipments', body({ ...shipped, ...shipment }))).statusCode, 201, `${shipment.id} recorded`)
  }

  const dy = await get('/v1/shipments/cn-us-dy-oxide?minVersion=1')
  t.match(dy.compliance, {
    date: '2025-06-01',
    restrictions: [{ id: 'cn-export-controls-2025-04', applies: 'yes', actorName: /MOFCOM/ }],
  })
  t.equal(dy.compliance.restrictions.length, 1, 'the April 2025 controls, and no other')
  t.notOk('asKnownWhenRecorded' in dy.compliance, 'known the same when it was recorded')
  t.same((await get('/v1/shipments/cn-jp-la-oxide?minVersion=1')).compliance.restrictions, [], 'La is not covered')
  t.same(
    (await get('/v1/shipments/cn-us-dy-early?minVersion=1')).compliance.restrictions,
    [],
    'nor a shipment before 4 Apr',
  )
  t.match((await get('/v1/shipments/cn-de-undisclosed?minVersion=1')).compliance.restrictions, [
    { id: 'cn-export-controls-2025-04', applies: 'possibly', undisclosed: ['elements', 'form'] },
  ])
  t.match((await get('/v1/shipments/us-cn-mp-concentrate?minVersion=1')).compliance.restrictions, [
    { id: 'mp-halts-china-2025', applies: 'yes' },
  ])
  t.same(
    (await get('/v1/shipments/us-cn-other-concentrate?minVersion=1')).compliance.restrictions,
    [],
    "MP Materials' own halt does not reach another exporter",
  )

  const affected = await get('/v1/shipments?affectedBy=cn-export-controls-2025-04&limit=1')
  t.same(ids(affected), ['cn-de-undisclosed'], 'affectedBy pages the shipments it reached')
  const next = await get(`/v1/shipments?affectedBy=cn-export-controls-2025-04&limit=1&cursor=${affected.nextCursor}`)
  t.same(ids(next), ['cn-us-dy-oxide'])
  t.equal(next.nextCursor, null)
  const other = await api.inject(`/v1/shipments?affectedBy=mp-halts-china-2025&cursor=${affected.nextCursor}`)
  t.equal(other.statusCode, 400, "a cursor of one restriction's list does not page another's")
  t.same(ids(await get('/v1/shipments?affectedBy=mp-halts-china-2025')), ['us-cn-mp-concentrate'])
  t.same(ids(await get('/v1/shipments?affectedBy=cn-export-controls-2025-04&destination=DE')), ['cn-de-undisclosed'])
  t.same(ids(await get('/v1/shipments?affectedBy=cn-export-controls-2025-04&origin=US')), [])
  const unknown = await api.inject('/v1/shipments?affectedBy=no-such-restriction')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { type: '/problems/not-found', detail: /no-such-restriction/ })
  const bad = await api.inject('/v1/shipments?affectedBy=Not%20A%20Slug')
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ field: 'querystring.affectedBy' }])

  // A restriction learned after the shipment was recorded: now it reaches it; as known then it did not.
  const late = await post(
    '/v1/restrictions',
    body({
      id: 'cn-la-test-ban',
      name: 'Test ban on La oxide to Japan',
      actor: { type: 'country', country: 'CN' },
      kind: 'ban',
      origin: 'CN',
      destinations: ['JP'],
      elements: ['La'],
      forms: ['oxide'],
      effectiveDate: '2025-05-01',
    }),
  )
  t.equal(late.statusCode, 201, late.body)
  await get('/v1/restrictions/cn-la-test-ban?minVersion=1')
  const known = (await get('/v1/shipments/cn-jp-la-oxide')).compliance
  t.match(known, {
    restrictions: [{ id: 'cn-la-test-ban', applies: 'yes' }],
    asKnownWhenRecorded: { restrictions: [] },
  })
  t.ok(known.asKnownWhenRecorded.recordedAt < new Date().toISOString())
  t.same(ids(await get('/v1/shipments?affectedBy=cn-la-test-ban')), ['cn-jp-la-oxide'])
  const before = await get(
    `/v1/shipments?affectedBy=cn-la-test-ban&recordedAsOf=${known.asKnownWhenRecorded.recordedAt}`,
  )
  t.same(ids(before), [], 'read as the ledger knew it before, the restriction reached nothing')
})
