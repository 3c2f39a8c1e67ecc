import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, readWhenCaughtUp, rfc7946Violations, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

const directory = resolve(import.meta.dirname, '../../seeds')
type Seed = { file: string; key: string; path: string; body: Record<string, unknown> }
const seeds: Seed[] = readdirSync(directory)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) =>
    (JSON.parse(readFileSync(resolve(directory, file), 'utf8')) as Omit<Seed, 'file'>[]).map((seed) => ({
      file,
      ...seed,
    })),
  )

/** The entity a seed command is about: `/v1/deposits` creates `body.id`, `/v1/deposits/{id}/…` adds to `id`. */
function entityOf(seed: Seed): string {
  const [, , collection, id] = seed.path.split('/')
  return `${collection}/${id ?? seed.body.id}`
}
const entities = [...new Set(seeds.map(entityOf))]
const factCount = (entity: string) => seeds.filter((seed) => entityOf(seed) === entity).length

const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const seeded = await loadSeeds(ledger.gateway, directory, ledger.seedKey)
// An admin key: these tests use the Operations and Admin routes too (roles are tested in trust.e2e.test.ts).
const api = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'test-client'))
const get = async (url: string) => {
  const response = await readWhenCaughtUp(api, url)
  return { status: response.statusCode, body: response.json() }
}

type HistoryEvent = {
  type: string
  effectivedate: string
  data: { sources: Array<{ publisher: string; url?: string }>; confidence: string; note?: string } & Record<
    string,
    unknown
  >
}
const historyOf = async (entity: string): Promise<HistoryEvent[]> =>
  (await get(`/v1/${entity}/history?limit=100&minVersion=${factCount(entity)}`)).body.items
/** The deposit once every seed about it is in the read model, now or as of a date. */
const deposit = async (id: string, asOf?: string) =>
  get(`/v1/deposits/${id}?minVersion=${factCount(`deposits/${id}`)}${asOf ? `&asOf=${asOf}` : ''}`)

t.test('every seed loads on an empty ledger with no refusal, and loading again appends nothing', async (t) => {
  t.same(seeded, { applied: seeds.length, replayed: 0, changed: [], refused: [] }, `${seeds.length} seeds applied`)
  const again = await loadSeeds(ledger.gateway, directory, ledger.seedKey)
  t.same(again, { applied: 0, replayed: seeds.length, changed: [], refused: [] }, 'a second load replays every key')
})

t.test('every seed body carries its sources and its confidence, and the ledger keeps them', async (t) => {
  const unsourced = seeds.filter((seed) => {
    const sources = seed.body.sources as Array<{ publisher?: unknown }> | undefined
    return !sources?.length || sources.some((source) => typeof source.publisher !== 'string' || !source.publisher)
  })
  t.same(
    unsourced.map((seed) => seed.key),
    [],
    'every seed names its sources, each with its publisher',
  )
  const unmarked = seeds.filter((seed) => seed.body.confidence !== 'normal' && seed.body.confidence !== 'low')
  t.same(
    unmarked.map((seed) => seed.key),
    [],
    'every seed states its confidence',
  )
  for (const entity of entities) {
    const history = await historyOf(entity)
    t.equal(history.length, factCount(entity), `${entity}: one event per seed`)
    t.ok(
      history.every((event) => event.data.sources.length > 0 && ['normal', 'low'].includes(event.data.confidence)),
      `${entity}: every event carries its sources and confidence`,
    )
  }
})

t.test('no seed text speaks of the fact sheet or of its marks', async (t) => {
  const texts = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(texts) : []
  const sheetTalk = /facts\.md|fact sheet|\[C/i
  const offending = seeds.filter((seed) => texts(seed.body).some((text) => sheetTalk.test(text)))
  t.same(
    offending.map((seed) => seed.key),
    [],
    'no note, source or claim names facts.md, the fact sheet or a [C] mark',
  )
})

t.test('Mountain Pass reads as its sources tell it, as of a few dates', async (t) => {
  t.equal((await deposit('mountain-pass', '1951-12-31')).status, 404, 'before it opened in 1952 it is not there')
  const opened = (await deposit('mountain-pass', '1960-01-01')).body
  t.match(opened, { stage: 'production', stageSince: '1952-01-01', operators: [{ name: 'Molycorp', role: 'owner' }] })
  t.ok(
    opened.registration.sources.some((source: { url?: string }) => source.url?.includes('smenet.org')),
    'its opening is sourced to SME',
  )
  t.match((await deposit('mountain-pass', '2005-01-01')).body, { stage: 'closed', stageSince: '2002-01-01' })
  t.match((await deposit('mountain-pass', '2013-06-01')).body, {
    stage: 'production',
    stageSince: '2012-01-01',
    operators: [{ name: 'Molycorp', role: 'operator' }],
  })
  const now = (await deposit('mountain-pass')).body
  t.match(now, { stage: 'production', stageSince: '2012-01-01', operators: [{ name: 'MP Materials' }] })
  t.same(
    now.stageHistory.map((change: { kind: string; stage: string; effectiveDate: string }) => [
      change.kind,
      change.stage,
      change.effectiveDate,
    ]),
    [
      ['registered', 'production', '1952-01-01'],
      ['advanced', 'closed', '2002-01-01'],
      ['reversed', 'production', '2012-01-01'],
    ],
  )
  t.match((await deposit('mountain-pass', '2018-01-01')).body.operators, [{ name: 'MP Materials' }], 'MP from 2017')
  const reported1948 = (await historyOf('deposits/mountain-pass')).filter(
    (event) => event.data.confidence === 'low' && /1948/.test(event.data.note ?? ''),
  )
  t.ok(
    reported1948.some((event) => event.data.sources.some((source) => source.url?.includes('enacademic.com'))),
    'the 1948 opening stays visible, at low confidence, with its source',
  )
})

t.test("a resource statement's date is not a production start", async (t) => {
  const registeredAtProduction = seeds.filter(
    (seed) => seed.path === '/v1/deposits' && seed.body.stage === 'production',
  )
  t.ok(registeredAtProduction.length > 0)
  for (const registration of registeredAtProduction) {
    const id = registration.body.id as string
    const estimateDates = seeds
      .filter((seed) => seed.path === `/v1/deposits/${id}/resource-estimates`)
      .map((seed) => seed.body.effectiveDate)
    t.notOk(estimateDates.includes(registration.body.effectiveDate), `${id}: production is not dated by an estimate`)
  }
  const mountWeld = (await deposit('mount-weld')).body
  t.match(mountWeld.registration, { effectiveDate: '2007-01-01', datePrecision: 'year', confidence: 'low' })
  const may2011 = (await historyOf('deposits/mount-weld')).filter((event) => /May 2011/.test(event.data.note ?? ''))
  t.ok(
    may2011.some(
      (event) =>
        event.data.confidence === 'low' &&
        event.data.sources.some((source) => source.url?.includes('wikipedia.org/wiki/Mount_Weld')),
    ),
    'the disagreeing first-ore date (May 2011) stays visible, at low confidence, with its source',
  )
})

t.test('the other lifecycles the sources date', async (t) => {
  t.equal((await deposit('steenkampskraal', '1951-06-01')).status, 404)
  t.match((await deposit('steenkampskraal', '1960-01-01')).body, {
    stage: 'production',
    operators: [{ name: 'Anglo American' }],
  })
  t.match((await deposit('steenkampskraal', '1990-01-01')).body, { stage: 'closed', stageSince: '1963-01-01' })
  t.match((await deposit('steenkampskraal')).body, {
    stage: 'care-and-maintenance',
    operators: [{ name: 'Steenkampskraal Monazite Mine' }],
  })
  t.match((await deposit('lovozero', '1940-01-01')).body, { stage: 'production', stageSince: '1939-01-01' })
  t.equal((await deposit('beylikova', '2023-04-17')).status, 404, 'Beylikova is recorded from its pilot plant')
  t.match((await deposit('beylikova', '2023-04-18')).body, {
    stage: 'feasibility',
    registration: { confidence: 'low', datePrecision: 'day' },
  })
  for (const id of ['round-top', 'kvanefjeld', 'tanbreez', 'araxa', 'nolans']) {
    const stages = (await deposit(id)).body.stageHistory.map((change: { stage: string }) => change.stage)
    t.notOk(stages.includes('production'), `${id} has never produced`)
  }
  t.match((await deposit('nolans', '2024-01-01')).body, { stage: 'feasibility', operators: [{ name: 'Arafura' }] })
})

t.test(
  'deposits with coordinates have exactly those the sources give, at low confidence; the others none',
  async (t) => {
    const expected: Record<string, { lat: number; lon: number }> = {
      'mountain-pass': { lat: 35.475, lon: -115.53 },
      'mount-weld': { lat: -28.86, lon: 122.548 },
      'bayan-obo': { lat: 41.78, lon: 109.97 },
      kvanefjeld: { lat: 60.98, lon: -46 },
      nolans: { lat: -22.594, lon: 133.238 },
      steenkampskraal: { lat: -30.986, lon: 18.629 },
      lovozero: { lat: 67.846, lon: 34.67 },
    }
    const depositIds = entities.filter((entity) => entity.startsWith('deposits/')).map((entity) => entity.slice(9))
    t.ok(
      depositIds.includes('beylikova') && depositIds.includes('araxa'),
      'deposits without coordinates are seeded too',
    )
    const placed: Record<string, unknown> = {}
    for (const id of depositIds) {
      const view = (await deposit(id)).body
      if (view.coordinates !== undefined) placed[id] = view.coordinates
      const located = (await historyOf(`deposits/${id}`)).filter(
        (event) => (event.data.changes as { coordinates?: unknown } | undefined)?.coordinates ?? event.data.coordinates,
      )
      t.equal(located.length > 0, id in expected, `${id}: ${id in expected ? 'a' : 'no'} fact places it`)
      t.ok(
        located.every((event) => event.data.confidence === 'low'),
        `${id}: coordinates are recorded at low confidence`,
      )
    }
    t.same(placed, expected)
  },
)

/** The facility once every seed about it is in the read model, now or as of a date. */
const facility = async (id: string, asOf?: string) =>
  get(`/v1/facilities/${id}?minVersion=${factCount(`facilities/${id}`)}${asOf ? `&asOf=${asOf}` : ''}`)

t.test('facilities read as their sources tell them', async (t) => {
  const facilityIds = entities.filter((entity) => entity.startsWith('facilities/')).map((entity) => entity.slice(11))
  t.equal(facilityIds.length, 17, 'every facility of the sources is seeded')
  for (const id of facilityIds) await facility(id)

  const magnets = (await get('/v1/facilities?country=US&stage=magnet&limit=100')).body.items
  const fortWorth = magnets.find((entry: { id: string }) => entry.id === 'mp-independence')
  t.match(fortWorth, {
    name: 'MP Materials Independence',
    region: 'Fort Worth, Texas',
    stages: ['metal', 'alloy', 'magnet'],
    status: 'operating',
    statusSince: '2025-01-22',
    capacities: [{ capacity: { value: 1000, unit: 't/yr', product: 'NdFeB magnets', bound: 'approximately' } }],
    feeds: [{ kind: 'facility', id: 'mp-mountain-pass-separation', resolved: true }],
  })
  t.ok(
    fortWorth.capacities[0].sources.some((source: { url?: string }) => source.url?.includes('pm-review.com')),
    "MP's Fort Worth plant lists its capacity with its sources",
  )
  t.ok(
    magnets.every(
      (entry: { country: string; stages: string[] }) => entry.country === 'US' && entry.stages.includes('magnet'),
    ),
  )

  const malaysia = (await get('/v1/facilities?country=MY')).body.items
  t.same(
    malaysia.map((entry: { id: string }) => entry.id),
    ['lynas-malaysia'],
    "Lynas's separation plant is the one Malaysian facility",
  )
  t.same(
    malaysia[0].feeds.map((feed: { id: string; resolved: boolean }) => [feed.id, feed.resolved]),
    [
      ['mount-weld', true],
      ['lynas-kalgoorlie', true],
    ],
    'fed by Mount Weld and Kalgoorlie, both known to the ledger',
  )
  const capacityOf = async (asOf?: string) =>
    (await facility('lynas-malaysia', asOf)).body.capacities.map(
      (stated: { capacity: { value: number } }) => stated.capacity.value,
    )
  t.same(await capacityOf('2024-05-31'), [7200], 'before the June 2024 upgrade: 7,200 t/yr')
  t.same(await capacityOf(), [7200, 10500], 'after it, both figures side by side')
  t.same(
    (await facility('lynas-malaysia', '2024-05-31')).body.feeds.map((feed: { id: string }) => feed.id),
    ['mount-weld'],
  )
  t.match((await facility('lynas-kalgoorlie', '2024-07-01')).body, { status: 'commissioning' })
  t.match((await facility('lynas-kalgoorlie')).body, { status: 'operating', statusSince: '2024-11-01' })
  t.match((await facility('lynas-seadrift')).body, { status: 'stalled', statusSince: '2025-08-27' })
  t.match((await facility('usar-stillwater')).body.registration, { confidence: 'low' })
  t.match((await facility('ef-white-mesa')).body.capacities[0].capacity, { value: 850, valueMax: 1000 })
  t.match((await deposit('mount-weld')).body.facilities, [{ id: 'lynas-kalgoorlie' }, { id: 'lynas-malaysia' }])

  for (const id of facilityIds) {
    t.notOk((await facility(id)).body.coordinates, `${id}: no source gives coordinates, so it has none`)
  }
  const seeded = seeds.filter((seed) => seed.file === 'facilities.json')
  t.same(
    seeded.filter((seed) => JSON.stringify(seed.body.sources).includes('"http:')).map((seed) => seed.key),
    [],
    'every source address is https',
  )
})

t.test('deals name the facilities they fund or buy from, and a facility the deals behind it', async (t) => {
  const deal = async (id: string) => get(`/v1/deals/${id}?minVersion=${factCount(`deals/${id}`)}`)
  t.match((await deal('dod-mp-2025')).body, {
    facilityIds: ['mp-10x'],
    facilities: [{ id: 'mp-10x', resolved: true, country: 'US', status: 'planned' }],
    unresolvedFacilityIds: [],
  })
  t.match((await deal('ussm-fwo-2025')).body.facilities, [{ id: 'ussm-pakistan', resolved: true }])
  t.match((await deal('dod-lynas-texas')).body.facilities, [{ id: 'lynas-seadrift', resolved: true }])
  t.same(
    (await facility('mp-10x')).body.deals.map((linked: { id: string }) => linked.id),
    ['dod-mp-2025'],
    "the 10X plant's deal",
  )
  t.same((await facility('lynas-malaysia')).body.deals, [], 'no seeded deal names Lynas Malaysia')
  const linked = (await get('/v1/deals?facility=lynas-seadrift')).body.items.map((item: { id: string }) => item.id)
  t.same(linked, ['dod-lynas-texas'], 'the deal list filters by facility')
})

t.test('deposits.geojson validates as RFC 7946 with a Point for every deposit that has coordinates', async (t) => {
  const response = await get('/v1/deposits.geojson')
  t.equal(response.status, 200)
  t.same(rfc7946Violations(response.body), [])
  const depositIds = entities.filter((entity) => entity.startsWith('deposits/')).map((entity) => entity.slice(9))
  const placed = []
  for (const id of depositIds) {
    const coordinates = (await deposit(id)).body.coordinates
    if (coordinates) placed.push({ id, coordinates: [coordinates.lon, coordinates.lat] })
  }
  t.ok(placed.length >= 7)
  t.same(
    response.body.features.map((feature: { id: string; geometry: { coordinates: number[] } }) => ({
      id: feature.id,
      coordinates: feature.geometry.coordinates,
    })),
    placed.sort((a, b) => a.id.localeCompare(b.id)),
    'one Point per placed deposit, longitude first',
  )
  t.equal(response.body.excluded, depositIds.length - placed.length, 'the others are counted as left out')
  t.ok(
    response.body.features.every(
      (feature: { properties: { coordinatesFact?: { confidence: string; sources: unknown[] } } }) =>
        feature.properties.coordinatesFact?.confidence === 'low' &&
        feature.properties.coordinatesFact.sources.length > 0,
    ),
    'each point says where it comes from, at low confidence',
  )
  const facilities = (await get('/v1/facilities.geojson')).body
  t.same(rfc7946Violations(facilities), [])
  t.same(facilities.features, [], 'no facility has coordinates')
  t.equal(facilities.excluded, 17)
})
