import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, eventually, readWhenCaughtUp, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

const root = resolve(import.meta.dirname, '../..')
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
await loadSeeds(ledger.gateway, resolve(root, 'seeds'), ledger.seedKey)
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))

type Figure = {
  metric: string
  year: number
  value: number
  unit: string
  kind: string
  stage?: string
  eventId: string
  effectiveDate: string
  confidence: string
  sources: Array<{ publisher: string; url?: string }>
}
const source = { publisher: 'Test Gazette', url: 'https://example.org/countries' }
const figure = (extra: object = {}) => ({
  year: 2024,
  metric: 'mine-production',
  value: 1000,
  unit: 't REO',
  effectiveDate: '2025-06-01',
  sources: [source],
  ...extra,
})
const post = (url: string, payload: object) => api.inject({ method: 'POST', url, payload })
const read = async (url: string) => (await readWhenCaughtUp(api, url)).json()
const eventCount = async (streamId: string) =>
  (await db.pool.query('SELECT count(*)::int AS n FROM deposits.events WHERE stream_id = $1', [streamId])).rows[0]
    .n as number
const seeds = JSON.parse(readFileSync(resolve(root, 'seeds/countries.json'), 'utf8')) as Array<{ path: string }>
/** A country read once every seeded figure of it is in the read model. */
const seededFigures = (country: string) =>
  `/v1/countries/${country}?minVersion=${seeds.filter((seed) => seed.path === `/v1/countries/${country}/figures`).length}`

t.test("China's 2024 mine production reads as USGS gives it, with its source and low confidence", async (t) => {
  const china = await read(seededFigures('CN'))
  t.match(china, { id: 'CN', country: 'CN', countryName: 'China' })
  const production = china.figures.filter((entry: Figure) => entry.metric === 'mine-production' && entry.year === 2024)
  t.equal(production.length, 1)
  t.match(production[0], {
    value: 270000,
    unit: 't REO',
    kind: 'reported',
    confidence: 'low',
    effectiveDate: '2025-01-31',
    datePrecision: 'month',
    publication: 'USGS Mineral Commodity Summaries 2025',
  })
  t.ok(
    production[0].sources.some((entry: { url?: string }) => entry.url?.startsWith('https://pubs.usgs.gov/')),
    'sourced to USGS',
  )
  const shares = china.figures.filter((entry: Figure) => entry.metric === 'share-of-world')
  t.same(
    shares
      .map((entry: Figure & { scope?: string }) =>
        [entry.stage, entry.scope, entry.year, entry.value, entry.kind].filter((part) => part !== undefined).join(' '),
      )
      .sort(),
    [
      'magnet 2025 94 reported',
      'magnet high-strength magnets 2022 95 reported',
      'mining 2023 62 reported',
      'mining 2030 54 projected',
      'separation-refining 2023 92 reported',
      'separation-refining 2025 91 reported',
      'separation-refining 2030 77 projected',
    ],
    'every share by stage, the 2030 ones as projections',
  )
  t.ok(china.deposits.count >= 1 && china.deposits.byStage.production >= 1, 'with its deposits by stage (Bayan Obo)')
})

t.test('as of 2020, the United States shows no figure published in 2025, and its deposits then', async (t) => {
  const now = await read(seededFigures('US'))
  t.same(now.figures.map((entry: Figure) => `${entry.metric} ${entry.value}`).sort(), [
    'mine-production 45000',
    'reserves 1900000',
  ])
  const then = (await api.inject('/v1/countries/US?asOf=2020-01-01')).json()
  t.same(then.figures, [], 'the 2025 publications were not yet out')
  t.ok(then.deposits.byStage.production >= 1, 'Mountain Pass was producing')
  t.match(then, { id: 'US', countryName: 'United States' })
  const unknown = await api.inject('/v1/countries/FR')
  t.equal(unknown.statusCode, 200, 'a country the ledger knows nothing of is still a country')
  t.match(unknown.json(), {
    figures: [],
    deposits: { count: 0, byStage: {}, blocked: 0 },
    version: 0,
    lastRecordedAt: null,
  })
})

t.test('listing figures across countries by metric and year', async (t) => {
  const page = await read('/v1/countries?metric=mine-production&year=2024&limit=100')
  t.same(
    page.items.map((item: { id: string }) => item.id),
    ['AU', 'BR', 'CN', 'IN', 'MM', 'NG', 'RU', 'TH', 'US'],
  )
  t.ok(
    page.items.every((item: { figures: Figure[] }) =>
      item.figures.every((entry) => entry.metric === 'mine-production' && entry.year === 2024),
    ),
    'each with only the figures asked for',
  )
  const first = (await api.inject('/v1/countries?metric=reserves&limit=3')).json()
  t.equal(first.items.length, 3)
  const next = (await api.inject(`/v1/countries?metric=reserves&limit=3&cursor=${first.nextCursor}`)).json()
  t.ok(next.items[0].id > first.items[2].id, 'pages continue by ISO code')
})

t.test('a retracted figure leaves current reads; as known before the retraction it is still there', async (t) => {
  const recorded = await post('/v1/countries/NO/figures', figure({ country: 'NO', value: 1234 }))
  t.equal(recorded.statusCode, 200, recorded.body)
  t.equal(recorded.headers.etag, '"1"')
  const [eventId] = recorded.json().eventIds
  const disagreeing = await post('/v1/countries/NO/figures', figure({ value: 1500, sources: [{ publisher: 'Other' }] }))
  t.equal(disagreeing.statusCode, 200, 'a disagreeing figure stands beside it')
  const copy = await post('/v1/countries/NO/figures', figure({ country: 'NO', value: 1234 }))
  t.equal(copy.statusCode, 422)
  t.equal(copy.json().type, '/problems/country-figure-already-recorded')
  const both = await read('/v1/countries/NO?minVersion=2')
  t.same(both.figures.map((entry: Figure) => entry.value).sort(), [1234, 1500])
  const before = new Date().toISOString()
  const retraction = await post('/v1/countries/NO/retractions', {
    eventId,
    reason: 'recorded by mistake',
    sources: [source],
  })
  t.equal(retraction.statusCode, 200, retraction.body)
  const now = await read('/v1/countries/NO?minVersion=3')
  t.same(
    now.figures.map((entry: Figure) => entry.value),
    [1500],
    'the retracted figure is out of current reads',
  )
  const known = (await api.inject(`/v1/countries/NO?recordedAsOf=${before}`)).json()
  t.same(known.figures.map((entry: Figure) => entry.value).sort(), [1234, 1500], 'as known before, it is there')
  const history = (await api.inject('/v1/countries/NO/history')).json()
  t.same(
    history.items.map((event: { type: string }) => event.type),
    ['ree.country.figure-recorded.v1', 'ree.country.figure-recorded.v1', 'ree.country.fact-retracted.v1'],
  )
  t.ok(
    history.items.every((event: { source: string; subject: string }) => event.source === '/ree/deposits'),
    'under the deposits source',
  )
})

t.test('bad input is a 400 problem naming the field, and nothing is appended', async (t) => {
  const before = await eventCount('country-NO')
  const cases: Array<[string, string, object, string]> = [
    [
      'a share over 100 %',
      '/v1/countries/NO/figures',
      figure({ metric: 'share-of-world', stage: 'mining', unit: 'percent', value: 120 }),
      'body.value',
    ],
    ["'percent' on mine production", '/v1/countries/NO/figures', figure({ unit: 'percent' }), 'body.unit'],
    ['a zero value', '/v1/countries/NO/figures', figure({ value: 0 }), 'body.value'],
    [
      'a share with no stage',
      '/v1/countries/NO/figures',
      figure({ metric: 'share-of-world', unit: 'percent', value: 5 }),
      'body.stage',
    ],
    ['another country in the body', '/v1/countries/NO/figures', figure({ country: 'SE' }), 'body.country'],
    ['an unassigned code', '/v1/countries/XX/figures', figure(), 'params.id'],
    ['a three-letter code', '/v1/countries/ZZZ/figures', figure(), 'params.id'],
  ]
  for (const [name, url, payload, field] of cases) {
    const response = await post(url, payload)
    t.equal(response.statusCode, 400, `${name}: 400`)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    t.ok(
      response.json().errors?.some((error: { field: string }) => error.field === field),
      `${name}: names ${field} (${response.body})`,
    )
  }
  t.equal(await eventCount('country-NO'), before, 'nothing was appended')
  t.equal((await eventCount('country-XX')) + (await eventCount('country-ZZZ')), 0)
  for (const url of ['/v1/countries/XX', '/v1/countries/ZZZ', '/v1/countries/us', '/v1/countries/XX/history']) {
    t.equal((await api.inject(url)).statusCode, 400, `GET ${url} is a 400`)
  }
})

t.test("the README's country example runs as written", async (t) => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8')
  const example = /countries\/CA\/figures[\s\S]*?-d '(\{[^']*\})'/.exec(readme)?.[1]
  t.ok(example, 'the README records a figure for CA')
  const recorded = await post('/v1/countries/CA/figures', JSON.parse(example ?? '{}'))
  t.equal(recorded.statusCode, 200, recorded.body)
  const canada = await read('/v1/countries/CA?minVersion=1')
  t.match(canada.figures, [{ metric: 'reserves', year: 2024, bound: 'approximately', confidence: 'normal' }])
  for (const url of [
    '/v1/countries/CN',
    '/v1/countries/US?asOf=2020-01-01',
    '/v1/countries?metric=mine-production&year=2024',
  ]) {
    t.ok(readme.includes(`localhost:3000${url}`), `the README reads ${url}`)
    t.equal((await api.inject(url)).statusCode, 200, `${url} answers`)
  }
})

t.test('the seeded figures keep the world out of the countries and say what their sources say', async (t) => {
  const seeds = JSON.parse(readFileSync(resolve(root, 'seeds/countries.json'), 'utf8')) as Array<{
    path: string
    body: { metric: string; confidence: string; note: string; sources: Array<{ url?: string }> }
  }>
  t.ok(
    seeds.every((seed) => /^\/v1\/countries\/[A-Z]{2}\/figures$/.test(seed.path)),
    'every seed is a figure of one country',
  )
  t.ok(
    seeds.every((seed) => seed.body.confidence === 'low'),
    'every figure is at low confidence, as its sources warrant',
  )
  t.ok(
    seeds.every((seed) => seed.body.sources.every((source) => source.url?.startsWith('https://'))),
    'with https sources',
  )
  const totals = seeds.filter((seed) => seed.body.metric !== 'share-of-world')
  t.ok(
    totals.every((seed) => /of a world total of (about )?[\d,.]+( million)? t/.test(seed.body.note)),
    'production and reserves carry the world total in their notes',
  )
})

t.test('the country figures read model rebuilds alone from the events, to the same answers', async (t) => {
  const admin = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'rebuild-client'))
  const before = (await api.inject('/v1/countries/CN')).json()
  const started = await admin.inject({ method: 'POST', url: '/v1/admin/read-models/country-figures/rebuild' })
  t.equal(started.statusCode, 202, started.body)
  const done = await eventually(async () => {
    const status = (await admin.inject(String(started.headers.location))).json()
    return status.phase === 'done' || status.phase === 'failed' ? status : undefined
  }, 60_000)
  t.match(done, { phase: 'done', failed: 0 })
  t.same(done.tables, ['country_figures_events', 'country_figures_states', 'country_figures_streams'])
  t.same((await api.inject('/v1/countries/CN')).json(), before)
})

t.test("a country's profile: deals, shipments and restrictions by and on it, as of a date", async (t) => {
  // The seeded trade flows are in the read model before this reads them.
  await api.inject('/v1/restrictions/cn-export-controls-2025-10?minVersion=2')
  await api.inject('/v1/shipments/pk-us-first-shipment?minVersion=1')
  const pakistan = (await api.inject('/v1/countries/PK?asOf=2025-12-01')).json()
  t.match(pakistan.shipments.out, { count: 1, byCountry: { US: 1 }, byStatus: { delivered: 1 } })
  t.equal(pakistan.shipments.in.count, 0)
  const mou = pakistan.deals.byStatus.find((group: { key: string }) => group.key === 'mou')
  t.ok(mou?.deals >= 1, 'the USSM–FWO MoU among its deals by status')
  t.match(mou.disclosedValue, [{ currency: 'USD' }], 'with its disclosed value, per currency')
  t.equal(
    pakistan.deals.count,
    pakistan.deals.byStatus.reduce((sum: number, group: { deals: number }) => sum + group.deals, 0),
  )
  const listed = (await api.inject(pakistan.shipments.out.list)).json()
  t.same(
    listed.items.map((shipment: { id: string }) => shipment.id),
    ['pk-us-first-shipment'],
    'the link lists the shipments counted',
  )

  const china = (await api.inject('/v1/countries/CN?asOf=2025-12-01')).json()
  const imposed = Object.fromEntries(
    china.restrictions.imposedBy.map((restriction: { id: string; inForce: boolean }) => [
      restriction.id,
      restriction.inForce,
    ]),
  )
  t.same(
    imposed,
    { 'cn-export-controls-2025-04': true, 'cn-export-controls-2025-10': false },
    'China imposed both; on 1 Dec 2025 the October controls are suspended',
  )
  const us = (await api.inject('/v1/countries/US?asOf=2025-12-01')).json()
  t.same(
    us.restrictions.on.map((restriction: { id: string }) => restriction.id).sort(),
    ['cn-export-controls-2025-04', 'cn-export-controls-2025-10'],
    "China's controls target every destination, the US among them",
  )
  t.same(
    us.restrictions.imposedBy.map((restriction: { id: string }) => restriction.id),
    ['mp-halts-china-2025'],
    'a US company’s own halt is counted under the US',
  )
  await api.inject('/v1/facilities/mp-independence?minVersion=2')
  t.ok(us.facilities.byStage.magnet >= 2, `US magnet plants on 1 Dec 2025: ${us.facilities.byStage.magnet}`)
  t.ok(us.facilities.byStatus.operating >= 1)
  t.equal(us.facilities.byCountry.US, us.facilities.count, 'all of them in the US')
  const usFacilities = (await api.inject(`${us.facilities.list}&limit=100`)).json()
  t.equal(usFacilities.items.length, us.facilities.count, 'the link lists the facilities counted')
  const before = (await api.inject('/v1/countries/CN?asOf=2025-01-01')).json()
  t.same(before.restrictions.imposedBy, [], 'none had been imposed by 1 Jan 2025')
})
