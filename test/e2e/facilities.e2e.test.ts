import { buildLedger } from '@ree/embedded'
import { createTestDatabase, rfc7946Violations, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))

const source = { publisher: 'Test Gazette', url: 'https://example.org/test' }
const body = (extra: object, effectiveDate = '2025-06-01') => ({ effectiveDate, sources: [source], ...extra })
const post = (url: string, payload: object) => api.inject({ method: 'POST', url, payload })
const eventCount = async () =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM deposits.events WHERE stream_id LIKE 'facility-%'`)).rows[0]
    .n as number
/** Registers a facility and returns a reader that waits until the read model has each later fact. */
async function register(payload: Record<string, unknown>, effectiveDate = '2020-01-01') {
  const created = await post('/v1/facilities', body(payload, effectiveDate))
  t.equal(created.statusCode, 201, `${String(payload.id)} is registered`)
  return created
}
const read = async (url: string, minVersion: number) => {
  const separator = url.includes('?') ? '&' : '?'
  return api.inject(`${url}${separator}minVersion=${minVersion}`)
}

const capacity = (value: number, extra: object = {}) => ({
  capacity: { value, product: 'NdPr oxide', basis: 'nameplate', ...extra },
})

t.test('register a facility, state its capacities, read it, list it by country and stage', async (t) => {
  const created = await register({
    id: 'test-separation-plant',
    name: 'Test Separation Plant',
    operators: [{ name: 'Test Metals' }],
    country: 'MY',
    region: 'Pahang',
    stages: ['separation-refining'],
    products: ['NdPr oxide'],
    elements: ['Nd', 'Pr'],
    status: 'operating',
  })
  t.equal(created.headers.location, '/v1/facilities/test-separation-plant')
  t.equal(created.headers.etag, '"1"')
  t.equal(
    (await post('/v1/facilities/test-separation-plant/capacities', body(capacity(7200), '2020-01-01'))).statusCode,
    200,
  )
  const upgrade = capacity(10500, { bound: 'approximately' })
  const upgraded = await post(
    '/v1/facilities/test-separation-plant/capacities',
    body({ ...upgrade, datePrecision: 'month' }, '2024-06-01'),
  )
  t.equal(upgraded.statusCode, 200)
  t.equal(upgraded.json().streamVersion, 3)

  const now = (await read('/v1/facilities/test-separation-plant', 3)).json()
  t.match(now, {
    id: 'test-separation-plant',
    country: 'MY',
    countryName: 'Malaysia',
    stages: ['separation-refining'],
    status: 'operating',
    statusSince: '2020-01-01',
    version: 3,
    registration: { sources: [source], confidence: 'normal' },
  })
  t.same(
    now.capacities.map((stated: { capacity: { value: number }; effectiveDate: string }) => [
      stated.capacity.value,
      stated.effectiveDate,
    ]),
    [
      [7200, '2020-01-01'],
      [10500, '2024-06-01'],
    ],
    'stated capacities accumulate side by side',
  )
  t.match(now.capacities[1], {
    capacity: { unit: 't/yr', bound: 'approximately' },
    datePrecision: 'month',
    sources: [source],
  })
  const before = (await read('/v1/facilities/test-separation-plant?asOf=2023-12-31', 3)).json()
  t.same(
    before.capacities.map((stated: { capacity: { value: number } }) => stated.capacity.value),
    [7200],
    'as of before the upgrade, only the old capacity',
  )
  t.equal(
    (await api.inject('/v1/facilities/test-separation-plant?asOf=2019-12-31')).statusCode,
    404,
    'not there before its registration',
  )

  await register({
    id: 'test-magnet-works',
    name: 'Test Magnet Works',
    country: 'US',
    stages: ['metal', 'magnet'],
    status: 'commissioning',
  })
  await read('/v1/facilities/test-magnet-works', 1)
  const magnets = (await api.inject('/v1/facilities?country=US&stage=magnet')).json()
  t.same(
    magnets.items.map((facility: { id: string }) => facility.id),
    ['test-magnet-works'],
    'country and stage filter',
  )
  const malaysia = (await api.inject('/v1/facilities?country=MY')).json()
  t.same(
    malaysia.items.map((facility: { id: string }) => facility.id),
    ['test-separation-plant'],
  )
  t.equal(malaysia.items[0].capacities.length, 2, 'the list carries the capacities too')
  const separation = (
    await api.inject('/v1/facilities?stage=separation&status=operating&element=Nd&operator=test')
  ).json()
  t.same(
    separation.items.map((facility: { id: string }) => facility.id),
    ['test-separation-plant'],
  )
  t.same((await api.inject('/v1/facilities?stage=metal&country=MY')).json().items, [], 'a stage it does not perform')

  const history = (await read('/v1/facilities/test-separation-plant/history', 3)).json()
  t.same(
    history.items.map((event: { type: string; source: string }) => [event.type, event.source]),
    [
      ['ree.facility.registered.v1', '/ree/deposits'],
      ['ree.facility.capacity-stated.v1', '/ree/deposits'],
      ['ree.facility.capacity-stated.v1', '/ree/deposits'],
    ],
    'its events, on the deposits source',
  )
  const generated = await post(
    '/v1/facilities',
    body({ name: 'Ünïque Refinery', country: 'FR', stages: ['separation-refining'] }),
  )
  t.equal(generated.headers.location, '/v1/facilities/unique-refinery', 'an id is generated from the name')
  t.equal(
    (
      await post('/v1/facilities', body({ name: 'Ünïque Refinery', country: 'FR', stages: ['separation-refining'] }))
    ).json().type,
    '/problems/facility-already-registered',
  )
})

t.test('feed links: a known deposit or facility resolves, an unknown id is kept unresolved', async (t) => {
  const deposit = await post(
    '/v1/deposits',
    body({ id: 'test-feed-mine', name: 'Test Feed Mine', country: 'AU' }, '2019-01-01'),
  )
  t.equal(deposit.statusCode, 201)
  await register({
    id: 'test-cracker',
    name: 'Test Cracker',
    country: 'AU',
    stages: ['concentration'],
    status: 'operating',
  })
  await register({
    id: 'test-refinery',
    name: 'Test Refinery',
    country: 'AU',
    stages: ['separation-refining'],
    status: 'operating',
  })
  const link = (id: string, supplier: object, date = '2024-06-01') =>
    post(`/v1/facilities/${id}/feed-links`, body({ supplier }, date))
  t.equal((await link('test-cracker', { kind: 'deposit', id: 'test-feed-mine' })).statusCode, 200)
  t.equal((await link('test-refinery', { kind: 'facility', id: 'test-cracker' })).statusCode, 200)
  const unknown = await link('test-refinery', { kind: 'deposit', id: 'no-such-mine-yet' })
  t.equal(unknown.statusCode, 200, 'a supplier the write side cannot see is accepted')
  const refinery = (await read('/v1/facilities/test-refinery', 3)).json()
  t.match(refinery.feeds, [
    { kind: 'facility', id: 'test-cracker', resolved: true, name: 'Test Cracker', country: 'AU', sources: [source] },
    { kind: 'deposit', id: 'no-such-mine-yet', resolved: false },
  ])
  t.notOk('name' in refinery.feeds[1], 'an unresolved feed names nothing it does not know')
  const listed = (await api.inject('/v1/facilities?q=test%20refinery')).json()
  t.match(listed.items[0].feeds, [{ resolved: true }, { resolved: false }], 'the list resolves feeds too')
  t.same((await read('/v1/facilities/test-refinery?asOf=2024-01-01', 3)).json().feeds, [], 'not linked before its date')

  const mine = (await read('/v1/deposits/test-feed-mine', 1)).json()
  t.match(
    mine.facilities,
    [{ id: 'test-cracker', name: 'Test Cracker', status: 'operating' }],
    'the deposit names what it feeds',
  )
  t.same((await api.inject('/v1/deposits/test-feed-mine?asOf=2024-01-01')).json().facilities, [], 'as of the same date')
  t.same(
    (await api.inject('/v1/facilities?deposit=test-feed-mine'))
      .json()
      .items.map((facility: { id: string }) => facility.id),
    ['test-cracker'],
  )

  const before = await eventCount()
  const twice = await link('test-cracker', { kind: 'deposit', id: 'test-feed-mine' })
  t.equal(twice.statusCode, 422)
  t.equal(twice.json().type, '/problems/feed-already-linked')
  t.equal(
    (await link('test-cracker', { kind: 'facility', id: 'test-cracker' })).json().type,
    '/problems/feed-links-itself',
  )
  const notLinked = await post(
    '/v1/facilities/test-cracker/feed-unlinks',
    body({ supplier: { kind: 'facility', id: 'test-refinery' } }),
  )
  t.equal(notLinked.json().type, '/problems/feed-not-linked')
  t.equal(await eventCount(), before, 'nothing appended')
  const unlinked = await post(
    '/v1/facilities/test-refinery/feed-unlinks',
    body({ supplier: { kind: 'deposit', id: 'no-such-mine-yet' } }, '2025-01-01'),
  )
  t.equal(unlinked.statusCode, 200)
  t.equal(
    (await read('/v1/facilities/test-refinery', 4)).json().feeds.length,
    1,
    'an unlinked supplier leaves the feeds',
  )
})

t.test(
  'status moves along its lifecycle; a refused move is a 422 naming the rule, and nothing is appended',
  async (t) => {
    await register({
      id: 'test-project',
      name: 'Test Project',
      country: 'CA',
      stages: ['separation-refining', 'metal'],
    })
    const change = (status: string, date: string) =>
      post('/v1/facilities/test-project/status-changes', body({ status }, date))
    t.equal((await change('under-construction', '2022-01-01')).statusCode, 200)
    t.equal((await change('operating', '2024-07-01')).statusCode, 200, 'a step may be skipped forward')
    const before = await eventCount()
    for (const [status, date, type] of [
      ['operating', '2025-01-01', '/problems/status-unchanged'],
      ['planned', '2025-01-01', '/problems/facility-status-move-not-allowed'],
      ['stalled', '2025-01-01', '/problems/facility-status-move-not-allowed'],
    ] as const) {
      const refused = await change(status, date)
      t.equal(refused.statusCode, 422, `${status} is refused`)
      t.match(refused.headers['content-type'], /^application\/problem\+json/)
      t.equal(refused.json().type, type)
    }
    t.equal((await change('closed', '2025-06-01')).statusCode, 200)
    const final = await change('operating', '2026-01-01')
    t.equal(final.json().type, '/problems/facility-status-final', 'nothing leaves closed')
    t.equal(await eventCount(), before + 1, 'only the closure was appended')
    const facility = (await read('/v1/facilities/test-project', 4)).json()
    t.match(facility, { status: 'closed', statusSince: '2025-06-01' })
    t.same(
      facility.statusHistory.map((change: { status: string; from?: string }) => [change.from ?? null, change.status]),
      [
        [null, 'planned'],
        ['planned', 'under-construction'],
        ['under-construction', 'operating'],
        ['operating', 'closed'],
      ],
    )
    t.match((await api.inject('/v1/facilities/test-project?asOf=2023-01-01')).json(), { status: 'under-construction' })
    t.equal((await post('/v1/facilities/no-such-plant/status-changes', body({ status: 'operating' }))).statusCode, 404)
  },
)

t.test('bad input is a 400 naming the field, and nothing is appended', async (t) => {
  await register({ id: 'test-bad-input', name: 'Test Bad Input', country: 'EE', stages: ['magnet'] })
  const before = await eventCount()
  const fieldsOf = async (url: string, payload: object) => {
    const response = await post(url, payload)
    t.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload).slice(0, 80)} is bad input`)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    return response
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort()
  }
  const facility = { name: 'X', country: 'US', stages: ['magnet'] }
  t.same(await fieldsOf('/v1/facilities', body({ ...facility, stages: ['smelting'] })), ['body.stages.0'])
  t.same(await fieldsOf('/v1/facilities', body({ ...facility, stages: [] })), ['body.stages'])
  t.same(await fieldsOf('/v1/facilities', body({ ...facility, stages: ['magnet', 'magnet'] })), ['body.stages'])
  t.same(await fieldsOf('/v1/facilities', body({ ...facility, elements: ['Nd', 'Xx'] })), ['body.elements.1'])
  t.same(await fieldsOf('/v1/facilities', body({ ...facility, country: 'XX' })), ['body.country'])
  t.same(await fieldsOf('/v1/facilities', body({ ...facility, status: 'mothballed' })), ['body.status'])
  const capacities = '/v1/facilities/test-bad-input/capacities'
  t.same(await fieldsOf(capacities, body(capacity(0))), ['body.capacity.value'], 'a zero capacity')
  t.same(await fieldsOf(capacities, body(capacity(-5))), ['body.capacity.value'], 'a negative capacity')
  t.same(await fieldsOf(capacities, body(capacity(1000, { valueMax: 850 }))), ['body.capacity.valueMax'])
  t.same(await fieldsOf(capacities, body(capacity(1000, { unit: 'kg/day' }))), ['body.capacity.unit'])
  t.same(await fieldsOf(capacities, body(capacity(1000, { basis: 'guess' }))), ['body.capacity.basis'])
  t.same(
    await fieldsOf('/v1/facilities/test-bad-input/feed-links', body({ supplier: { kind: 'mine', id: 'Not A Slug' } })),
    ['body.supplier.id', 'body.supplier.kind'],
  )
  t.equal(await eventCount(), before, 'nothing appended')
  const badQuery = await api.inject('/v1/facilities?stage=smelting&country=XX&element=Zz')
  t.equal(badQuery.statusCode, 400)
  t.same(
    badQuery
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['querystring.country', 'querystring.element', 'querystring.stage'],
  )
  t.equal((await api.inject('/v1/facilities/no-such-plant')).statusCode, 404)
})

t.test('GeoJSON lists: RFC 7946 FeatureCollections of Points, lon first, the same filters', async (t) => {
  const placed = await post(
    '/v1/deposits',
    body({ id: 'test-geo-mine', name: 'Test Geo Mine', country: 'ZA', coordinates: { lat: -30.986, lon: 18.629 } }),
  )
  t.equal(placed.statusCode, 201)
  await post('/v1/deposits', body({ id: 'test-geo-unplaced', name: 'Test Geo Unplaced', country: 'ZA' }))
  await register({
    id: 'test-geo-plant',
    name: 'Test Geo Plant',
    country: 'NO',
    stages: ['recycling'],
    coordinates: { lat: 59.9, lon: 10.75 },
  })
  await read('/v1/deposits/test-geo-unplaced', 1)
  await read('/v1/facilities/test-geo-plant', 1)

  const deposits = await api.inject('/v1/deposits.geojson?country=ZA')
  t.equal(deposits.statusCode, 200)
  t.match(deposits.headers['content-type'], /^application\/geo\+json/)
  const collection = deposits.json()
  t.same(rfc7946Violations(collection), [], 'valid RFC 7946')
  t.equal(collection.features.length, 1)
  t.match(
    collection.features,
    [
      {
        type: 'Feature',
        id: 'test-geo-mine',
        geometry: { type: 'Point', coordinates: [18.629, -30.986] },
        properties: {
          name: 'Test Geo Mine',
          country: 'ZA',
          countryName: 'South Africa',
          stage: 'discovered',
          stageSince: '2025-06-01',
          elements: [],
          operators: [],
          coordinatesFact: { effectiveDate: '2025-06-01', sources: [source], confidence: 'normal' },
        },
      },
    ],
    'longitude first, with the fact that placed it',
  )
  t.equal(collection.excluded, 1, 'the deposit without coordinates is counted, not drawn')
  t.equal(collection.nextCursor, null)

  const facilities = (await api.inject('/v1/facilities.geojson?stage=recycling')).json()
  t.same(rfc7946Violations(facilities), [])
  t.match(facilities.features, [
    {
      id: 'test-geo-plant',
      geometry: { type: 'Point', coordinates: [10.75, 59.9] },
      properties: { stages: ['recycling'], status: 'planned' },
    },
  ])
  t.equal(facilities.features.length, 1)
  const all = (await api.inject('/v1/facilities.geojson')).json()
  t.same(rfc7946Violations(all), [])
  t.ok(all.excluded >= 5, 'facilities without coordinates are left out and counted')
  t.same((await api.inject('/v1/facilities.geojson?asOf=2019-01-01')).json().features, [], 'asOf applies')

  const paged = (await api.inject('/v1/deposits.geojson?limit=1')).json()
  t.equal(paged.features.length + paged.excluded, 1, 'a page holds at most limit entities')
  t.type(paged.nextCursor, 'string')
  const next = await api.inject(`/v1/deposits.geojson?limit=1&cursor=${paged.nextCursor}`)
  t.equal(next.statusCode, 200, 'the cursor pages its own map')
  const crossed = await api.inject(`/v1/deposits?limit=1&cursor=${paged.nextCursor}`)
  t.equal(crossed.statusCode, 400, "a map's cursor does not page the JSON list")
  const listPage = (await api.inject('/v1/facilities?limit=1')).json()
  t.type(listPage.nextCursor, 'string')
  const intoMap = await api.inject(`/v1/facilities.geojson?limit=1&cursor=${listPage.nextCursor}`)
  t.equal(intoMap.statusCode, 400, "nor a list's cursor its map")
  const bad = await api.inject('/v1/deposits.geojson?limit=1001&country=XX')
  t.equal(bad.statusCode, 400)
  t.match(bad.headers['content-type'], /^application\/problem\+json/)
  t.same(
    bad
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['querystring.country', 'querystring.limit'],
  )
  t.same(
    rfc7946Violations({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-30, 190] } }],
    }),
    ['features[0] latitude 190 is outside [-90, 90]'],
    'the check itself catches a latitude out of range',
  )
})

t.test('one stage vocabulary: a query may name a stage by its everyday synonym, a body may not', async (t) => {
  const ids = async (url: string) =>
    ((await api.inject(url)).json().items as Array<{ id: string }>).map((facility) => facility.id)
  const canonical = await ids('/v1/facilities?stage=separation-refining&limit=100')
  t.ok(canonical.length >= 2, `${canonical.length} facilities of this test separate and refine`)
  t.same(await ids('/v1/facilities?stage=separation&limit=100'), canonical, '`separation` names separation-refining')
  t.same(await ids('/v1/facilities?stage=refining&limit=100'), canonical, 'and so does `refining`')
  t.same(
    await ids('/v1/facilities?stage=cracking&limit=100'),
    await ids('/v1/facilities?stage=concentration&limit=100'),
  )
  const deals = await api.inject('/v1/deals?stage=separation')
  t.equal(deals.statusCode, 200, "the deals' stage filter takes the same synonyms")
  t.same(deals.json(), (await api.inject('/v1/deals?stage=separation-refining')).json())
  const mine = await post('/v1/facilities', body({ name: 'A Mine', country: 'AU', stages: ['mining'] }))
  t.equal(mine.statusCode, 400, 'a mine is a deposit, not a facility')
  const synonym = await post('/v1/facilities', body({ name: 'Synonym Works', country: 'AU', stages: ['separation'] }))
  t.equal(synonym.statusCode, 400, 'a recorded fact names the stage itself')
  t.match(synonym.json().errors, [{ field: 'body.stages.0' }])
})

t.test('a deal names the facilities it funds; an unknown one is kept unresolved', async (t) => {
  const deal = await post(
    '/v1/deals',
    body({
      id: 'plant-loan',
      name: 'Plant loan',
      parties: [
        { name: 'Lender', type: 'agency', country: 'AU' },
        { name: 'Borrower', type: 'company', country: 'AU' },
      ],
      kinds: [{ kind: 'loan' }],
      status: 'signed',
      facilityIds: ['test-cracker', 'no-such-plant'],
    }),
  )
  t.equal(deal.statusCode, 201, deal.body)
  const detail = (await api.inject('/v1/deals/plant-loan?minVersion=1')).json()
  t.match(detail.facilities, [
    { id: 'test-cracker', resolved: true, country: 'AU' },
    { id: 'no-such-plant', resolved: false },
  ])
  t.same(detail.unresolvedFacilityIds, ['no-such-plant'])
  const cracker = (await api.inject('/v1/facilities/test-cracker')).json()
  t.match(cracker.deals, [{ id: 'plant-loan', status: 'signed' }], "the facility's detail names the deal")
  const bad = await post(
    '/v1/deals',
    body({
      name: 'Bad',
      parties: [
        { name: 'X', type: 'company' },
        { name: 'Y', type: 'company' },
      ],
      kinds: [{ kind: 'loan' }],
      facilityIds: ['Not A Slug', 'ok', 'ok'],
    }),
  )
  t.equal(bad.statusCode, 400)
  t.ok(bad.json().errors.every((error: { field: string }) => error.field.startsWith('body.facilityIds')))
})

t.test('a capacity names a stage the facility performs, or it is refused', async (t) => {
  const refused = await post(
    '/v1/facilities/test-cracker/capacities',
    body({ capacity: { value: 100, product: 'NdFeB magnets', basis: 'nameplate', stage: 'magnet' } }),
  )
  t.equal(refused.statusCode, 422)
  t.equal(refused.json().type, '/problems/capacity-stage-not-performed')
  const stated = await post(
    '/v1/facilities/test-cracker/capacities',
    body({
      capacity: { value: 100, product: 'mixed carbonate', basis: 'nameplate', stage: 'concentration', bound: 'up-to' },
    }),
  )
  t.equal(stated.statusCode, 200, stated.body)
})

t.test('a facility can be blocked or suspended, and unblocked, as a deposit can', async (t) => {
  const authority = { type: 'regulator', name: 'Environment Agency' }
  const suspended = await post(
    '/v1/facilities/test-cracker/blockings',
    body(
      { kind: 'suspended', authority, legalReference: 'Licence condition 7', until: '2025-09-30', reason: 'emissions' },
      '2025-08-01',
    ),
  )
  t.equal(suspended.statusCode, 200, suspended.body)
  const token = suspended.json().consistencyToken
  const during = (
    await api.inject({ url: '/v1/facilities/test-cracker?asOf=2025-09-01', headers: { 'consistency-token': token } })
  ).json()
  t.match(during, {
    blocked: true,
    blocking: { kind: 'suspended', until: '2025-09-30', legalReference: 'Licence condition 7' },
  })
  const after = (await api.inject('/v1/facilities/test-cracker?asOf=2025-10-01')).json()
  t.match(after, {
    blocked: false,
    blockingHistory: [{ kind: 'suspended' }, { kind: 'lapsed', effectiveDate: '2025-10-01' }],
  })
  t.equal(after.status, during.status, 'the status stays what it was')
  const listed = (await api.inject('/v1/facilities?blocked=true&asOf=2025-09-01&limit=100')).json()
  t.same(
    listed.items.map((facility: { id: string }) => facility.id),
    ['test-cracker'],
    'the list filters by blocked on the date',
  )
  const again = await post(
    '/v1/facilities/test-cracker/blockings',
    body({ kind: 'blocked', authority, legalReference: 'Order 2' }, '2025-09-15'),
  )
  t.equal(again.statusCode, 422)
  t.equal(again.json().type, '/problems/already-blocked')
  const lapsed = await post('/v1/facilities/test-cracker/unblockings', body({}, '2025-10-15'))
  t.equal(lapsed.statusCode, 422)
  t.equal(lapsed.json().type, '/problems/not-blocked')
  const bad = await post(
    '/v1/facilities/test-cracker/blockings',
    body({ kind: 'blocked', authority, legalReference: 'x', until: '2026-01-01' }),
  )
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ field: 'body.until' }])
})
