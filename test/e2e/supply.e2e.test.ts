import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, withApiKey } from '@ree/testing'
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
const get = async (url: string) => (await api.inject(url)).json()
const post = (url: string, payload: object) => api.inject({ method: 'POST', url, payload })
const sources = [{ publisher: 'Test Gazette' }]
// The seeded restrictions are in the read model before any test reads them.
await get('/v1/restrictions/cn-export-controls-2025-10?minVersion=2')

t.test('the restrictions in force on an element on a date', async (t) => {
  const december = await get('/v1/elements/Dy/supply?asOf=2025-12-01')
  const ids = december.restrictionsInForce.map((restriction: { id: string }) => restriction.id)
  t.same(
    ids,
    ['cn-export-controls-2025-04', 'mp-halts-china-2025'],
    "the April 2025 Chinese controls on 1 Dec 2025; MP Materials' halt names no element, so it covers Dy too",
  )
  t.match(december.restrictionsInForce[1], { namesElement: false })
  t.match(december.restrictionsInForce[0], {
    origin: 'CN',
    kind: 'export-control',
    imposedOn: '2025-04-04',
    namesElement: true,
  })
  t.equal(december.asOf, '2025-12-01')
  const march = await get('/v1/elements/Dy/supply?asOf=2025-03-01')
  t.same(march.restrictionsInForce, [], 'none before 4 Apr 2025 (the halt came on 17 Apr)')
  const holmium = await get('/v1/elements/Ho/supply?asOf=2025-10-20')
  t.same(
    holmium.restrictionsInForce.map((restriction: { id: string }) => restriction.id),
    ['cn-export-controls-2025-10', 'mp-halts-china-2025'],
    'the October 2025 controls cover Ho while in force',
  )
  const suspended = await get('/v1/elements/Ho/supply?asOf=2025-12-01')
  t.same(
    suspended.restrictionsInForce.map((restriction: { id: string }) => restriction.id),
    ['mp-halts-china-2025'],
    'and not while suspended',
  )
  const known = await get('/v1/elements/Dy/supply?asOf=2025-12-01&recordedAsOf=2000-01-01T00:00:00Z')
  t.same(known.restrictionsInForce, [], 'as known before the ledger recorded anything: none')
  t.equal(known.recordedAsOf, '2000-01-01T00:00:00.000Z')
})

t.test('deposits by country and stage, and deals by status, that carry an element', async (t) => {
  const before = await get('/v1/elements/Dy/supply')
  const register = (id: string, country: string, stage: string, effectiveDate: string) =>
    post('/v1/deposits', { id, name: id, country, stage, elements: [{ element: 'Dy' }], effectiveDate, sources })
  t.equal((await register('dy-one', 'AU', 'exploration', '2024-01-01')).statusCode, 201)
  t.equal((await register('dy-two', 'AU', 'production', '2024-01-01')).statusCode, 201)
  const late = await register('dy-three', 'CA', 'feasibility', '2025-06-01')
  t.equal(late.statusCode, 201)
  const deal = await post('/v1/deals', {
    id: 'dy-offtake',
    name: 'Dy offtake',
    parties: [
      { name: 'Buyer', type: 'company', country: 'JP' },
      { name: 'Seller', type: 'company', country: 'AU' },
    ],
    kinds: [{ kind: 'offtake' }],
    elements: ['Dy'],
    status: 'mou',
    effectiveDate: '2025-02-01',
    sources,
  })
  t.equal(deal.statusCode, 201, deal.body)
  await get(`/v1/deals/dy-offtake?minVersion=1`)
  await get(`/v1/deposits/dy-three?minVersion=1`)
  const now = await get('/v1/elements/Dy/supply')
  t.equal(now.deposits.count, before.deposits.count + 3)
  t.match(now.deposits.byCountry, [
    { country: 'AU', countryName: 'Australia', count: 2, byStage: { exploration: 1, production: 1 }, blocked: 0 },
    { country: 'CA', count: 1, byStage: { feasibility: 1 } },
  ])
  t.equal(now.deals.count, before.deals.count + 1)
  t.equal(now.deals.byStatus.mou, (before.deals.byStatus.mou ?? 0) + 1)
  const listed = await get(now.deposits.list)
  t.same(
    listed.items.map((deposit: { id: string }) => deposit.id).sort(),
    ['dy-one', 'dy-three', 'dy-two'],
    'the link lists the deposits counted',
  )
  const then = await get('/v1/elements/Dy/supply?asOf=2025-01-01')
  t.same(
    then.deposits.byCountry.map((entry: { country: string; count: number }) => [entry.country, entry.count]),
    [['AU', 2]],
    'as of 2025-01-01 the Canadian deposit, dated later, is not there yet',
  )
  t.equal(then.deals.count, 0, 'nor the deal')
  const neodymium = await get('/v1/elements/Nd/supply')
  t.ok(neodymium.facilities.byCountry.MY >= 1, 'Lynas Malaysia separates Nd')
  t.ok(neodymium.facilities.byStage['separation-refining'] >= 3, 'among the separation plants that name Nd')
  const facilityIds = (await get(`${neodymium.facilities.list}&limit=100`)).items.map(
    (facility: { id: string }) => facility.id,
  )
  t.equal(facilityIds.length, neodymium.facilities.count, 'the link lists the facilities counted')
  t.ok(facilityIds.includes('mp-independence'))
})

t.test('an unknown element is a 400 naming it', async (t) => {
  const bad = await api.inject('/v1/elements/Xx/supply')
  t.equal(bad.statusCode, 400)
  t.match(bad.headers['content-type'], /^application\/problem\+json/)
  t.match(bad.json().errors, [{ field: 'params.symbol' }])
  const badDate = await api.inject('/v1/elements/Dy/supply?asOf=2025-13-01&extra=1')
  t.equal(badDate.statusCode, 400)
  t.same(
    badDate
      .json()
      .errors.map((error: { field: string }) => error.field)
      .sort(),
    ['querystring.asOf', 'querystring.extra'],
  )
})

t.test('concentration at a stage: the share outside China and the HHI, with the facts they rest on', async (t) => {
  // Every seeded figure and facility is in the read model before this reads them.
  await get('/v1/countries/CN?minVersion=9')
  await get('/v1/facilities/lynas-malaysia?minVersion=4')
  const separation = await get('/v1/supply-chain/concentration?stage=separation')
  t.match(separation, {
    stage: 'separation-refining',
    chinaSharePercent: 91,
    shareOutsideChinaPercent: 9,
    hhi: { min: 8281, max: 8362, basis: 'china-share-and-capacities' },
    missing: { chinaFigure: false },
  })
  t.ok(
    separation.hhi.value >= separation.hhi.min && separation.hhi.value <= separation.hhi.max,
    `the index (${separation.hhi.value}) lies between the least and the most it can be`,
  )
  const chinaFact = separation.restsOn.find((fact: { kind: string }) => fact.kind === 'country-figure')
  t.match(chinaFact, { country: 'CN', value: 91, year: 2025, confidence: 'low', sources: [{ publisher: /./ }] })
  const lynas = separation.restsOn.find((fact: { facilityId?: string }) => fact.facilityId === 'lynas-malaysia')
  t.match(
    lynas,
    { kind: 'facility-capacity', country: 'MY', value: 10500, product: 'NdPr oxide' },
    'Lynas after its upgrade',
  )
  t.notOk(
    separation.restsOn.some((fact: { facilityId?: string }) => fact.facilityId === 'lynas-seadrift'),
    'a plant that is not operating adds no capacity',
  )
  t.equal(
    separation.lowConfidence,
    separation.restsOn.filter((fact: { confidence: string }) => fact.confidence === 'low').length,
  )
  t.same(
    separation.alternatives
      .filter((fact: { country: string }) => fact.country === 'CN')
      .map((fact: { value: number; year: number }) => `${fact.value} ${fact.year}`)
      .sort(),
    ['77 2030', '92 2023'],
    "China's older and projected figures stand beside it",
  )
  t.ok(
    separation.alternatives.some(
      (fact: { country: string; value: number }) => fact.country === 'MY' && fact.value === 5,
    ),
    "and Malaysia's 5 % of 2023",
  )
  const counted = separation.restsOn.map((fact: { facilityId?: string }) => fact.facilityId).filter(Boolean)
  t.notOk(counted.includes('shinetsu-vietnam'), "Shin-Etsu's capacity is of magnets, not of its separation")
  t.ok(
    separation.missing.facilitiesWithoutCapacity.includes('src-saskatoon'),
    "Saskatoon's stated capacity is of metal",
  )
  const metal = await get('/v1/supply-chain/concentration?stage=metal')
  t.notOk(
    metal.restsOn.some((fact: { facilityId?: string }) => fact.facilityId === 'mp-independence'),
    "MP's Fort Worth capacity is of magnets: it is not counted as metal",
  )
  t.match(metal, { chinaSharePercent: null, hhi: { value: null } })
  t.ok(metal.notes.some((note: string) => /capacity recorded outside China, not of the world/.test(note)))
  const shares = separation.byCountry.reduce(
    (sum: number, entry: { sharePercent: number }) => sum + entry.sharePercent,
    0,
  )
  t.ok(Math.abs(shares - 100) < 0.1, `the shares add up to 100 (${shares})`)
  t.same(
    await get('/v1/supply-chain/concentration?stage=separation-refining'),
    separation,
    'the synonym names the same stage',
  )

  const early = await get('/v1/supply-chain/concentration?stage=separation&asOf=2025-01-01')
  t.match(early, { chinaSharePercent: 92 }, "before October 2025, the IEA's 2023 figure is the latest known")
  const mining = await get('/v1/supply-chain/concentration?stage=mining')
  t.match(mining, { hhi: { basis: 'mine-production' }, byCountry: [{ country: 'CN' }] })
  t.ok(
    mining.chinaSharePercent > 69 && mining.chinaSharePercent < 69.3,
    `China's 270,000 t of 2024 (${mining.chinaSharePercent} %)`,
  )
  t.ok(
    mining.restsOn.every(
      (fact: { metric: string; year: number }) => fact.metric === 'mine-production' && fact.year === 2024,
    ),
  )
  const before = await get('/v1/supply-chain/concentration?stage=mining&asOf=2020-01-01')
  t.match(before, { chinaSharePercent: null, shareOutsideChinaPercent: null, hhi: { value: null, basis: 'none' } })
  t.match(before.missing, { chinaFigure: true })

  const magnets = await get('/v1/supply-chain/concentration?stage=magnet&element=Nd')
  t.match(magnets, { chinaSharePercent: 94, element: 'Nd' })
  t.ok(
    magnets.alternatives.some((fact: { scope?: string }) => fact.scope === 'high-strength magnets'),
    "Wood Mackenzie's ~95 % of high-strength magnets stands beside it",
  )
  t.ok(magnets.notes.some((note: string) => /rare earths as a whole/.test(note)))

  for (const bad of ['stage=spinning', 'stage=magnet&element=Xx', '', 'stage=magnet&asOf=yesterday']) {
    const response = await api.inject(`/v1/supply-chain/concentration?${bad}`)
    t.equal(response.statusCode, 400, `${bad || 'no stage'}: 400`)
  }
})

t.test('mining: one figure per country and year; one that disagrees stands beside it', async (t) => {
  const before = await get('/v1/supply-chain/concentration?stage=mining')
  const other = await post('/v1/countries/US/figures', {
    year: 2024,
    metric: 'mine-production',
    value: 90000,
    unit: 't REO',
    effectiveDate: '2025-03-01',
    sources,
  })
  t.equal(other.statusCode, 200, other.body)
  const after = await api.inject({
    url: '/v1/supply-chain/concentration?stage=mining',
    headers: { 'consistency-token': other.json().consistencyToken },
  })
  const mining = after.json()
  t.equal(
    mining.byCountry.filter((entry: { country: string }) => entry.country === 'US').length,
    1,
    'the US counted once',
  )
  t.equal(mining.byCountry.length, before.byCountry.length, 'as many countries as before')
  t.ok(
    mining.alternatives.some(
      (fact: { country: string; value: number }) => fact.country === 'US' && fact.value === 45000,
    ),
    "USGS's 45,000 t stands beside the later figure",
  )
  t.ok(mining.restsOn.some((fact: { country: string; value: number }) => fact.country === 'US' && fact.value === 90000))
  t.ok(mining.notes.some((note: string) => /published last/.test(note)))
})
