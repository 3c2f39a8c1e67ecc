import { buildLedger } from '@ree/embedded'
import { createTestDatabase, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

// What the ledger learned between two record times, across contexts, with each entity's state before and after.
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))
const sources = [{ publisher: 'Test Gazette' }]
const post = (url: string, payload: object) => api.inject({ method: 'POST', url, payload })
const read = async (url: string, token?: string) =>
  (await api.inject({ url, headers: token ? { 'consistency-token': token } : {} })).json()
const pause = () => new Promise((resolve) => setTimeout(resolve, 20))

const deal = {
  id: 'changes-offtake',
  name: 'Changes offtake',
  parties: [
    { name: 'Buyer', type: 'company', country: 'JP' },
    { name: 'Seller', type: 'company', country: 'AU' },
  ],
  kinds: [{ kind: 'offtake' }],
  status: 'mou',
  effectiveDate: '2025-02-01',
  sources,
}

t.test("a deal's status change: listed with its status before and after", async (t) => {
  const recorded = await post('/v1/deals', deal)
  t.equal(recorded.statusCode, 201)
  await read('/v1/deals/changes-offtake', recorded.json().consistencyToken)
  await pause()
  const before = new Date().toISOString()
  await pause()
  const signed = await post('/v1/deals/changes-offtake/status-changes', {
    status: 'signed',
    effectiveDate: '2025-06-01',
    sources,
  })
  t.equal(signed.statusCode, 200, signed.body)
  const deposit = await post('/v1/deposits', {
    id: 'changes-ridge',
    name: 'Changes Ridge',
    country: 'CA',
    effectiveDate: '2025-01-01',
    sources,
  })
  await read('/v1/deposits/changes-ridge', deposit.json().consistencyToken)
  await read('/v1/deals/changes-offtake', signed.json().consistencyToken)
  await pause()
  const after = new Date().toISOString()

  const changes = await read(`/v1/changes?since=${before}&until=${after}`)
  t.equal(changes.until, after)
  t.same(
    changes.items.map((item: { kind: string; id: string }) => `${item.kind} ${item.id}`),
    ['deal changes-offtake', 'deposit changes-ridge'],
    'both entities the ledger learned of in the interval, and nothing learned before it',
  )
  t.match(changes.items[0], {
    events: 1,
    types: ['ree.deal.signed.v1'],
    before: { status: 'mou' },
    after: { status: 'signed' },
  })
  t.match(changes.items[1], { before: null, after: { name: 'Changes Ridge' } }, 'a new entity has no before')

  const deals = await read(`/v1/changes?since=${before}&until=${after}&kind=deal`)
  t.same(
    deals.items.map((item: { id: string }) => item.id),
    ['changes-offtake'],
    'filtered by kind',
  )
  const typed = await read(`/v1/changes?since=${before}&until=${after}&type=ree.deposit.registered.v1`)
  t.same(
    typed.items.map((item: { id: string }) => item.id),
    ['changes-ridge'],
    'filtered by event type',
  )
  const then = await read(`/v1/changes?since=${before}&until=${after}&kind=deal&asOf=2025-03-01`)
  t.match(
    then.items[0],
    { before: { status: 'mou' }, after: { status: 'mou' } },
    'on 1 Mar 2025 it was an MoU either way',
  )

  const first = await read(`/v1/changes?since=${before}&limit=1`)
  t.equal(first.items.length, 1)
  const second = await read(`/v1/changes?since=${before}&limit=1&cursor=${first.nextCursor}`)
  t.same(
    [...first.items, ...second.items].map((item: { id: string }) => item.id),
    ['changes-offtake', 'changes-ridge'],
    'paged by cursor, one interval for every page',
  )
  t.equal(second.until, first.until)
})

t.test('bad instants, since after until, unknown filters: 400 naming the parameter', async (t) => {
  const now = new Date().toISOString()
  const cases: Array<[string, string]> = [
    ['/v1/changes', 'querystring.since'],
    ['/v1/changes?since=yesterday', 'querystring.since'],
    [`/v1/changes?since=${now}&until=2000-01-01T00:00:00Z`, 'querystring.until'],
    [`/v1/changes?since=${now}&kind=planet`, 'querystring.kind'],
    [`/v1/changes?since=${now}&type=deal-signed`, 'querystring.type'],
    [`/v1/changes?since=${now}&colour=red`, 'querystring'],
    [`/v1/changes?since=${now}&cursor=nonsense`, 'querystring.cursor'],
  ]
  for (const [url, field] of cases) {
    const response = await api.inject(url)
    t.equal(response.statusCode, 400, url)
    t.match(response.json(), { type: '/problems/validation-failed' })
    t.ok(
      response.json().errors.some((error: { field: string }) => error.field === field || error.field.startsWith(field)),
      `${url}: names ${field}`,
    )
  }
})
