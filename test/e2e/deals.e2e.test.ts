import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, eventually, withApiKey } from '@ree/testing'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
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

const ajv = new Ajv.default({ strict: false })
addFormats.default(ajv)
const isCloudEvent = ajv.compile(
  JSON.parse(readFileSync(resolve(root, '../shared/conformance/cloudevents.schema.json'), 'utf8')),
)

type Item = { id: string } & Record<string, unknown>
const get = async (url: string) => {
  const response = await api.inject(url)
  return { status: response.statusCode, headers: response.headers, body: response.json() }
}
const ids = (page: { items: Item[] }) => page.items.map((item) => item.id)
const source = { publisher: 'Test Gazette', url: 'https://example.org/deals' }
const body = (extra: object) => ({ effectiveDate: '2025-06-01', sources: [source], ...extra })
const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  api.inject({ method: 'POST', url, payload, headers })
const countEvents = async (streamId?: string) =>
  (
    await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deals.events ${streamId ? 'WHERE stream_id = $1' : ''}`,
      streamId ? [streamId] : [],
    )
  ).rows[0]?.n ?? 0
const newDeal = (id: string, extra: object = {}) =>
  body({
    id,
    name: `Test deal ${id}`,
    parties: [
      { name: 'United States', type: 'country', country: 'US', role: 'government' },
      { name: 'Test Metals', type: 'company', country: 'CA', role: 'seller' },
    ],
    kinds: [{ kind: 'offtake' }],
    ...extra,
  })

// The last seeded deal projected means every earlier one is too; its deposit link resolved means the deposits are.
await eventually(async () => {
  const tanbreez = await get('/v1/deals/us-crml-tanbreez?minVersion=2')
  return tanbreez.body.deposits?.[0]?.resolved ? true : undefined
}, 10_000)

t.test('done when 1: the USSM–FWO MoU by country, and the denied Beylikova report with its history', async (t) => {
  const pakistan = await get('/v1/deals?country=PK')
  t.equal(pakistan.status, 200)
  t.same(ids(pakistan.body), ['ussm-fwo-2025'])
  t.match(pakistan.body.items[0], {
    status: 'mou',
    binding: false,
    value: { amount: 500_000_000, currency: 'USD' },
    statusSince: '2025-09-08',
  })

  const beylikova = await get('/v1/deals/us-tr-beylikova')
  t.equal(beylikova.status, 200)
  t.equal(beylikova.body.status, 'denied')
  t.equal(beylikova.headers.etag, '"2"')
  t.same(
    beylikova.body.statusHistory.map((change: { status: string; effectiveDate: string }) => [
      change.status,
      change.effectiveDate,
    ]),
    [
      ['reported', '2025-10-06'],
      ['denied', '2025-10-08'],
    ],
  )
  t.match(beylikova.body.deposits, [{ id: 'beylikova', resolved: true, name: 'Beylikova', country: 'TR' }])

  const history = await get('/v1/deals/us-tr-beylikova/history')
  t.equal(history.status, 200)
  t.same(
    history.body.items.map((event: { type: string; effectivedate: string }) => [event.type, event.effectivedate]),
    [
      ['ree.deal.recorded.v1', '2025-10-06'],
      ['ree.deal.denied.v1', '2025-10-08'],
    ],
  )
  for (const event of history.body.items) {
    t.ok(isCloudEvent(event), `${event.type} is a valid CloudEvent`)
    t.equal(event.source, '/ree/deals')
    t.ok(event.data.sources.length > 0 && event.data.sources.every((entry: { publisher: string }) => entry.publisher))
  }
  t.match(history.body.items[1].data, { by: 'Türkiye', from: 'reported' })
})

t.test('the seeded status histories', async (t) => {
  const lynas = (await get('/v1/deals/dod-lynas-texas')).body
  t.same(
    lynas.statusHistory.map((change: { status: string }) => change.status),
    ['signed', 'stalled'],
    'from contract to stalled',
  )
  t.match(lynas.amendments, [
    { changes: { facilityIds: ['lynas-seadrift'] }, previous: { facilityIds: [] } },
    {
      changes: { value: { amount: 258_000_000, bound: 'approximately' } },
      previous: { value: { amount: 120_000_000 } },
    },
  ])
  t.match(lynas.facilities, [{ id: 'lynas-seadrift', resolved: true }], 'the plant the funding is for')
  t.match(lynas.reports, [{ report: { claim: /unlikely to proceed/ }, datePrecision: 'month' }])
  t.equal(lynas.binding, true)

  const maaden = (await get('/v1/deals/maaden-mp-2025')).body
  t.same(
    maaden.statusHistory.map((change: { status: string }) => change.status),
    ['mou', 'signed'],
  )
  t.same(maaden.countries, ['SA', 'US'])

  const ussm = (await get('/v1/deals/ussm-fwo-2025')).body
  t.match(
    ussm.reports,
    [{ report: { aspect: 'date', date: '2025-09-09' }, confidence: 'low' }],
    'the conflicting date is kept beside',
  )
  t.same(ussm.deposits, [], 'no deposit is tied to it')

  const mp = (await get('/v1/deals/dod-mp-2025')).body
  t.match(
    mp.kinds.find((term: { kind: string }) => term.kind === 'price-floor'),
    { price: 110, unit: 'kg', currency: 'USD', termYears: 10, product: 'NdPr' },
  )
  t.notOk('value' in mp, 'no total value is invented')
})

t.test('listing deals: filters, sorting, cursor', async (t) => {
  const check = async (query: string, expected: string[], message: string) =>
    t.same(ids((await get(`/v1/deals?${query}&limit=100`)).body).sort(), [...expected].sort(), message)
  await check('party=mp materials', ['apple-mp-2025', 'dod-mp-2025', 'maaden-mp-2025'], 'party, any case')
  await check('kind=price-floor', ['dod-mp-2025'], 'kind')
  await check('status=signed', ['maaden-mp-2025', 'us-au-framework-2025', 'us-ua-fund-2025'], 'status')
  await check('status=stalled', ['cn-tr-beylikova-2024', 'dod-lynas-texas'], 'a stalled deal is not listed as signed')
  await check('element=Pr', ['dod-mp-2025'], 'element')
  await check('stage=recycling', ['apple-mp-2025'], 'stage')
  await check('deposit=tanbreez', ['us-crml-tanbreez'], 'linked deposit')
  await check(
    'from=2025-10-01&to=2025-10-31',
    ['us-au-framework-2025', 'us-crml-tanbreez', 'us-tr-beylikova'],
    'date range',
  )
  await check('country=SA&kind=joint-venture', ['maaden-mp-2025'], 'filters combine')

  const byValue = (await get('/v1/deals?sort=-value&limit=100')).body.items as Array<{
    id: string
    value?: { amount: number }
  }>
  t.equal(byValue[0]?.id, 'us-au-framework-2025', 'the largest disclosed value first')
  const amounts = byValue.map((deal) => deal.value?.amount ?? -1)
  t.same(
    amounts,
    [...amounts].sort((a, b) => b - a),
    'descending, undisclosed last',
  )
  const ascending = (await get('/v1/deals?sort=value&limit=100')).body.items as Array<{ value?: { amount: number } }>
  t.ok(
    ascending.at(-1)?.value === undefined && ascending[0]?.value !== undefined,
    'undisclosed last when ascending too',
  )
  const byDate = (await get('/v1/deals?sort=date&limit=100')).body.items as Array<{ id: string; date: string }>
  t.equal(byDate[0]?.id, 'dod-lynas-texas', 'the oldest first')
  t.same(
    byDate.map((deal) => deal.date),
    byDate.map((deal) => deal.date).sort(),
  )

  for (const sort of ['date', '-date', 'value', '-value']) {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { status: number; body: { items: Item[]; nextCursor: string | null } } = await get(
        `/v1/deals?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      t.equal(page.status, 200)
      seen.push(...ids(page.body))
      cursor = page.body.nextCursor
    } while (cursor)
    t.same(seen, ids((await get(`/v1/deals?sort=${sort}&limit=100`)).body), `pages of 2 walk the whole ${sort} order`)
  }

  const first = (await get('/v1/deals?sort=date&limit=2')).body
  const otherSort = await get(`/v1/deals?sort=value&cursor=${first.nextCursor}`)
  t.equal(otherSort.status, 400, 'a cursor of another sort order is refused')
  t.match(otherSort.body.errors, [{ field: 'querystring.cursor' }])
  const badCursor = await get('/v1/deals?cursor=nonsense')
  t.equal(badCursor.status, 400)
  t.match(badCursor.headers['content-type'], /^application\/problem\+json/)

  const bad = await get('/v1/deals?country=XX&kind=barter&sort=size&from=2025-02-30')
  t.equal(bad.status, 400)
  t.same(
    bad.body.errors.map((error: { field: string }) => error.field).sort(),
    ['querystring.country', 'querystring.from', 'querystring.kind', 'querystring.sort'],
    'each bad parameter is named',
  )
})

t.test('aggregates by country pair, kind, stage and year', async (t) => {
  const group = (groups: Array<{ key: string }>, key: string) => groups.find((entry) => entry.key === key)
  const pairs = await get('/v1/deals/aggregates?by=country-pair')
  t.equal(pairs.status, 200)
  t.match(group(pairs.body.groups, 'PK-US'), {
    deals: 1,
    disclosedValue: [{ currency: 'USD', amount: 500_000_000, deals: 1 }],
  })
  t.match(group(pairs.body.groups, 'TR-US'), { deals: 1, disclosedValue: [], undisclosedValue: 1 })
  t.match(group(pairs.body.groups, 'US-US'), { deals: 2 }, 'deals between parties of one country')
  t.match(group(pairs.body.groups, 'US-unknown'), { deals: 1 }, 'a party without a known country is not dropped')

  const kinds = (await get('/v1/deals/aggregates?by=kind')).body
  t.match(group(kinds.groups, 'price-floor'), { deals: 1 })
  t.match(group(kinds.groups, 'government-agreement'), { deals: 6 })

  const stages = (await get('/v1/deals/aggregates?by=stage')).body
  t.match(group(stages.groups, 'separation-refining'), { deals: 4 })
  t.match(group(stages.groups, 'unspecified'), { deals: 2 })

  const years = (await get('/v1/deals/aggregates?by=year')).body
  t.same(
    years.groups.map((entry: { key: string; deals: number }) => [entry.key, entry.deals]),
    [
      ['2022', 1],
      ['2024', 1],
      ['2025', 8],
    ],
  )
  const signed2025 = (await get('/v1/deals/aggregates?by=year&status=signed&from=2025-01-01')).body
  t.match(signed2025.groups, [{ key: '2025', deals: 3 }], 'the list filters apply')
  const bad = await get('/v1/deals/aggregates?by=colour')
  t.equal(bad.status, 400)
  t.match(bad.body.errors, [{ field: 'querystring.by' }])
  for (const path of ['/v1/deals', '/v1/deals/aggregates']) {
    const backwards = await get(`${path}?from=2025-06-01&to=2025-01-01`)
    t.equal(backwards.status, 400, `${path}: a range that ends before it starts is refused, not answered empty`)
    t.match(backwards.body.errors, [{ field: 'querystring.to', message: /on or after from \(2025-06-01\)/ }])
    t.equal((await get(`${path}?from=2025-06-01&to=2025-06-01`)).status, 200, 'a one-day range is fine')
  }
})

t.test('a deposit shows the deals that link it; a deal shows its deposits, unknown ones kept', async (t) => {
  const mountainPass = await get('/v1/deposits/mountain-pass')
  t.equal(mountainPass.status, 200)
  t.match(mountainPass.body.deals, [{ id: 'apple-mp-2025', status: 'announced', countries: ['US'] }])
  const beylikova = (await get('/v1/deposits/beylikova')).body
  t.match(beylikova.deals, [
    { id: 'cn-tr-beylikova-2024', status: 'stalled', date: '2024-10-01' },
    { id: 'us-tr-beylikova', status: 'denied', date: '2025-10-06' },
  ])
  t.same((await get('/v1/deposits/lovozero')).body.deals, [], 'a deposit no deal links')
  const then = (await get('/v1/deposits/beylikova?asOf=2025-10-07')).body
  t.match(
    then.deals,
    [
      { id: 'cn-tr-beylikova-2024', status: 'stalled' },
      { id: 'us-tr-beylikova', status: 'reported' },
    ],
    'as of a date, the deals as they stood then',
  )

  const created = await post('/v1/deals', newDeal('unknown-link', { depositIds: ['mountain-pass', 'atlantis'] }))
  t.equal(created.statusCode, 201)
  const detail = await get(`/v1/deals/unknown-link?minVersion=${created.json().streamVersion}`)
  t.match(detail.body.deposits, [
    { id: 'mountain-pass', resolved: true, name: 'Mountain Pass', country: 'US', countryName: 'United States' },
    { id: 'atlantis', resolved: false },
  ])
  t.same(detail.body.unresolvedDepositIds, ['atlantis'], 'the unknown link is kept and reported')
  t.same(detail.body.depositIds, ['mountain-pass', 'atlantis'])
})

t.test('commands: record, change status, amend, milestone, report; ETag, If-Match, Idempotency-Key', async (t) => {
  const created = await post(
    '/v1/deals',
    newDeal('test-offtake', { status: 'reported', value: { amount: 10_000_000, currency: 'USD' } }),
  )
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, '/v1/deals/test-offtake')
  t.equal(created.headers.etag, '"1"')
  const taken = await post('/v1/deals', newDeal('test-offtake'))
  t.equal(taken.statusCode, 409)
  t.equal(taken.json().type, '/problems/deal-already-recorded')
  const generated = await post('/v1/deals', newDeal('x', { id: undefined, name: 'Ünïcode Offtake' }))
  t.equal(generated.headers.location, '/v1/deals/unicode-offtake', 'an id is generated from the name when absent')

  const signed = await post('/v1/deals/test-offtake/status-changes', body({ status: 'signed', statement: 'binding' }), {
    'if-match': '"1"',
  })
  t.equal(signed.statusCode, 200)
  t.equal(signed.headers.etag, '"2"')
  const stale = await post('/v1/deals/test-offtake/status-changes', body({ status: 'in-effect' }), {
    'if-match': '"1"',
  })
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().type, '/problems/precondition-failed')

  const amended = await post(
    '/v1/deals/test-offtake/amendments',
    body({ changes: { value: { amount: 12_000_000, currency: 'USD' }, stages: ['magnet'] }, description: 'raised' }),
  )
  t.equal(amended.statusCode, 200)
  const key = { 'idempotency-key': 'test-offtake-milestone-1' }
  const milestone = body({ effectiveDate: '2025-09-01', milestone: { kind: 'first-shipment-delivered' } })
  const first = await post('/v1/deals/test-offtake/milestones', milestone, key)
  const retry = await post('/v1/deals/test-offtake/milestones', milestone, key)
  t.equal(first.statusCode, 200)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.same(retry.json(), first.json(), 'a retry answers the first result')
  const report = await post(
    '/v1/deals/test-offtake/reports',
    body({
      confidence: 'low',
      report: { aspect: 'value', claim: 'a trade paper says US$15M', value: { amount: 15_000_000, currency: 'USD' } },
    }),
  )
  t.equal(report.statusCode, 200)
  t.equal(report.headers.etag, '"5"')

  const view = (await get('/v1/deals/test-offtake?minVersion=5')).body
  t.match(view, {
    status: 'signed',
    binding: true,
    value: { amount: 12_000_000 },
    stages: ['magnet'],
    amendments: [{ previous: { value: { amount: 10_000_000 } }, description: 'raised' }],
    milestones: [{ milestone: { kind: 'first-shipment-delivered' }, effectiveDate: '2025-09-01' }],
    reports: [{ report: { value: { amount: 15_000_000 } }, confidence: 'low', sources: [source] }],
    version: 5,
  })
  t.equal(await countEvents('deal-test-offtake'), 5)
  const history = (await get('/v1/deals/test-offtake/history?limit=2')).body
  t.equal(history.items.length, 2)
  const rest = (await get(`/v1/deals/test-offtake/history?cursor=${history.nextCursor}`)).body
  t.same(
    [...history.items, ...rest.items].map((event: { type: string }) => event.type),
    [
      'ree.deal.recorded.v1',
      'ree.deal.signed.v1',
      'ree.deal.amended.v1',
      'ree.deal.milestone-reached.v1',
      'ree.deal.report-recorded.v1',
    ],
  )
})

t.test(
  'done when 2: illegal transitions are 422 naming the rule, bad input 400 naming the field; nothing is appended',
  async (t) => {
    const refused = async (url: string, payload: object, type: string, message: string) => {
      const before = await countEvents()
      const response = await post(url, payload)
      t.equal(response.statusCode, 422, message)
      t.match(response.headers['content-type'], /^application\/problem\+json/)
      t.match(response.json(), { type, status: 422, detail: String })
      t.equal(await countEvents(), before, `${message}: nothing appended`)
    }
    await post('/v1/deals', newDeal('denied-talks'))
    await post('/v1/deals/denied-talks/status-changes', body({ status: 'denied', by: 'Canada' }))
    await refused(
      '/v1/deals/denied-talks/status-changes',
      body({ status: 'signed' }),
      '/problems/new-report-required-after-denial',
      'no "signed" after "denied" without a new report',
    )
    await refused(
      '/v1/deals/denied-talks/milestones',
      body({ milestone: { kind: 'financing-closed' } }),
      '/problems/milestone-on-denied-deal',
      'no milestone on a denied deal',
    )
    const renewed = await post('/v1/deals/denied-talks/status-changes', body({ status: 'reported' }))
    t.equal(renewed.statusCode, 200, 'a new report is accepted')
    const signed = await post('/v1/deals/denied-talks/status-changes', body({ status: 'signed' }))
    t.equal(signed.statusCode, 200, 'and then it can be signed')
    await refused(
      '/v1/deals/denied-talks/status-changes',
      body({ status: 'mou' }),
      '/problems/status-cannot-go-back',
      'signed → mou',
    )
    await refused(
      '/v1/deals/denied-talks/status-changes',
      body({ status: 'denied' }),
      '/problems/binding-deal-cannot-be-denied',
      'a binding deal is not denied',
    )
    await post('/v1/deals/denied-talks/status-changes', body({ status: 'terminated' }))
    await refused(
      '/v1/deals/denied-talks/milestones',
      body({ milestone: { kind: 'first-shipment-delivered' } }),
      '/problems/milestone-on-terminated-deal',
      'no milestone on a terminated deal',
    )
    await refused(
      '/v1/deals/denied-talks/status-changes',
      body({ status: 'in-effect' }),
      '/problems/deal-terminated',
      'terminated is final',
    )

    const before = await countEvents()
    const badInputs: Array<[string, object, string[]]> = [
      ['/v1/deals', newDeal('one-party', { parties: [{ name: 'Solo', type: 'company' }] }), ['body.parties']],
      [
        '/v1/deals',
        newDeal('bad-floor', { kinds: [{ kind: 'price-floor', unit: 'kg', currency: 'usd' }] }),
        ['body.kinds.0.currency', 'body.kinds.0.price'],
      ],
      [
        '/v1/deals',
        newDeal('bad-value', { value: { amount: -5, currency: 'USD' }, effectiveDate: '2025-02-30' }),
        ['body.effectiveDate', 'body.value.amount'],
      ],
      [
        '/v1/deals',
        newDeal('no-country', {
          parties: [
            { name: 'Nowhere', type: 'country' },
            { name: 'B', type: 'company' },
          ],
        }),
        ['body.parties.0.country'],
      ],
      ['/v1/deals/denied-talks/status-changes', body({ status: 'rumoured' }), ['body.status']],
      ['/v1/deals/denied-talks/amendments', body({ changes: {} }), ['body.changes']],
      [
        '/v1/deals/denied-talks/reports',
        { report: { aspect: 'value', claim: 'x' }, effectiveDate: '2025-01-01', sources: [] },
        ['body.sources'],
      ],
    ]
    for (const [url, payload, fields] of badInputs) {
      const response = await post(url, payload)
      t.equal(response.statusCode, 400, `${url} ${fields.join(', ')}`)
      t.equal(response.json().type, '/problems/validation-failed')
      t.same(
        response
          .json()
          .errors.map((error: { field: string }) => error.field)
          .sort(),
        fields,
        'names the field',
      )
    }
    t.equal(await countEvents(), before, 'no bad input appended anything')

    const unknown = await post('/v1/deals/no-such-deal/status-changes', body({ status: 'signed' }))
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().type, '/problems/deal-not-found')
    t.equal((await get('/v1/deals/no-such-deal')).status, 404)
    t.equal((await get('/v1/deals/no-such-deal/history')).status, 404)
  },
)

t.test('as of a past date, and as the ledger knew it', async (t) => {
  const then = await get('/v1/deals/us-tr-beylikova?asOf=2025-10-07')
  t.equal(then.body.status, 'reported', 'before the denial, only the report')
  t.equal((await get('/v1/deals/us-tr-beylikova?asOf=2025-10-01')).status, 404, 'before the report, nothing')
  const lynas2023 = (await get('/v1/deals/dod-lynas-texas?asOf=2022-12-31')).body
  t.match(lynas2023.value, { amount: 120_000_000 }, 'the value before it was raised')
  const reported = (await get('/v1/deals?asOf=2025-10-07&status=reported')).body
  t.ok(ids(reported).includes('us-tr-beylikova'), 'lists filter the state as of the date')
  const pages = (await get('/v1/deals?asOf=2025-12-31&sort=date&limit=3')).body
  const next = (await get(`/v1/deals?asOf=2025-12-31&sort=date&limit=3&cursor=${pages.nextCursor}`)).body
  t.ok(next.items.length > 0 && next.items[0].date >= pages.items[2].date, 'as-of lists page on')
  t.same(
    (await get('/v1/deals?recordedAsOf=2000-01-01T00:00:00Z')).body.items,
    [],
    'nothing was known before anything was recorded',
  )
  const history = (await get('/v1/deals/us-tr-beylikova/history?asOf=2025-10-07')).body
  t.equal(history.items.length, 1)
  const aggregate = (await get('/v1/deals/aggregates?by=year&asOf=2022-12-31')).body
  t.same(aggregate.groups, [
    {
      key: '2022',
      deals: 1,
      disclosedValue: [{ currency: 'USD', amount: 120_000_000, deals: 1 }],
      undisclosedValue: 0,
    },
  ])
})

t.test('the OpenAPI document describes the deals routes', async (t) => {
  const spec = (await get('/openapi.json')).body
  t.ok(spec.tags.some((tag: { name: string }) => tag.name === 'Deals'))
  for (const path of [
    '/v1/deals',
    '/v1/deals/aggregates',
    '/v1/deals/{id}',
    '/v1/deals/{id}/history',
    '/v1/deals/{id}/status-changes',
    '/v1/deals/{id}/amendments',
    '/v1/deals/{id}/milestones',
    '/v1/deals/{id}/reports',
  ]) {
    t.ok(spec.paths[path], `${path} is documented`)
  }
  t.match(spec.paths['/v1/deals/{id}/status-changes'].post.tags, ['Deals'])
})
