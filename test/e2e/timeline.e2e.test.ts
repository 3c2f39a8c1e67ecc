import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, readWhenCaughtUp, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

// Every fact across contexts in the order it happened, retracted ones shown as such when asked.
const root = resolve(import.meta.dirname, '../..')
const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
await loadSeeds(ledger.gateway, resolve(root, 'seeds'), ledger.seedKey)
const api = withApiKey(ledger.gateway, ledger.keys.issue('editor', 'test-client'))
const read = async (url: string, token?: string) =>
  (await api.inject({ url, headers: token ? { 'consistency-token': token } : {} })).json()
type Entry = {
  kind: string
  id: string
  effectiveDate: string
  retracted: boolean
  event: { type: string; id: string }
}
const line = (entry: Entry) => `${entry.effectiveDate} ${entry.kind} ${entry.id} ${entry.event.type}`

t.test('facts of every context, in effective-date order, within a date range', async (t) => {
  await readWhenCaughtUp(api, '/v1/restrictions/cn-export-controls-2025-10?minVersion=2')
  const fifties = await read('/v1/timeline?from=1950-01-01&to=1959-12-31&type=ree.deposit.registered.v1&limit=100')
  t.same(
    fifties.items.map(line),
    [
      '1952-01-01 deposit mountain-pass ree.deposit.registered.v1',
      '1952-01-01 deposit steenkampskraal ree.deposit.registered.v1',
      '1957-01-01 deposit bayan-obo ree.deposit.registered.v1',
    ],
    'the 1950s: two openings in 1952 and Bayan Obo in 1957',
  )
  const all = await read('/v1/timeline?from=1952-01-01&to=1952-01-01&kind=deposit&limit=100')
  t.same(
    all.items.map((entry: Entry) => entry.id),
    ['mountain-pass', 'mountain-pass', 'mountain-pass', 'steenkampskraal', 'steenkampskraal'],
    'every fact of the day, each entity in the order its facts were recorded',
  )
  const april = await read('/v1/timeline?from=2025-04-01&to=2025-04-30&limit=100')
  const kinds = new Set(april.items.map((entry: Entry) => entry.kind))
  t.ok(kinds.has('restriction') && kinds.has('deposit'), `April 2025 spans contexts: ${[...kinds].join(', ')}`)
  const dates = april.items.map((entry: Entry) => entry.effectiveDate)
  t.same(dates, [...dates].sort(), 'in effective-date order')
  t.ok(
    april.items.some((entry: Entry) => entry.id === 'cn-export-controls-2025-04'),
    "China's April controls",
  )
  const restrictions = await read('/v1/timeline?kind=restriction&type=ree.restriction.suspended.v1')
  t.same(restrictions.items.map(line), [
    '2025-11-07 restriction cn-export-controls-2025-10 ree.restriction.suspended.v1',
  ])

  const first = await read('/v1/timeline?kind=deposit&limit=2')
  const second = await read(`/v1/timeline?kind=deposit&limit=2&cursor=${first.nextCursor}`)
  const both = await read('/v1/timeline?kind=deposit&limit=4')
  t.same(
    [...first.items, ...second.items].map(line),
    both.items.slice(0, 4).map(line),
    'pages continue, no gap or repeat',
  )
})

t.test('a retracted fact leaves the timeline, and is shown as retracted when asked', async (t) => {
  const created = await api.inject({
    method: 'POST',
    url: '/v1/deposits',
    payload: {
      id: 'timeline-ridge',
      name: 'Timeline Ridge',
      country: 'CA',
      effectiveDate: '1901-05-05',
      sources: [{ publisher: 'T' }],
    },
  })
  const advanced = await api.inject({
    method: 'POST',
    url: '/v1/deposits/timeline-ridge/stage-advances',
    payload: { stage: 'exploration', effectiveDate: '1902-06-06', sources: [{ publisher: 'T' }] },
  })
  const eventId = advanced.json().eventIds[0]
  await read('/v1/deposits/timeline-ridge', advanced.json().consistencyToken)
  const before = new Date().toISOString()
  const retraction = await api.inject({
    method: 'POST',
    url: '/v1/deposits/timeline-ridge/retractions',
    payload: { eventId, reason: 'another deposit', sources: [{ publisher: 'T' }] },
  })
  t.equal(retraction.statusCode, 200, retraction.body)
  const token = retraction.json().consistencyToken
  const now = await read('/v1/timeline?from=1900-01-01&to=1903-01-01', token)
  t.same(now.items.map(line), ['1901-05-05 deposit timeline-ridge ree.deposit.registered.v1'], 'the advance is out')
  const shown = await read('/v1/timeline?from=1900-01-01&to=1903-01-01&retracted=include', token)
  t.match(shown.items, [
    { id: 'timeline-ridge', retracted: false },
    { id: 'timeline-ridge', retracted: true, retractedBy: retraction.json().eventIds[0], event: { id: eventId } },
  ])
  const known = await read(`/v1/timeline?from=1900-01-01&to=1903-01-01&recordedAsOf=${before}`)
  t.equal(known.items.length, 2, 'as known before the retraction, both facts stand')
  t.equal(created.statusCode, 201)
})

t.test('bad input is a 400 naming the parameter', async (t) => {
  for (const [url, field] of [
    ['/v1/timeline?from=2025-02-30', 'querystring.from'],
    ['/v1/timeline?from=2025-02-01&to=2025-01-01', 'querystring.to'],
    ['/v1/timeline?kind=planet', 'querystring.kind'],
    ['/v1/timeline?retracted=maybe', 'querystring.retracted'],
    ['/v1/timeline?cursor=nonsense', 'querystring.cursor'],
  ] as const) {
    const response = await api.inject(url)
    t.equal(response.statusCode, 400, url)
    t.ok(
      response.json().errors.some((error: { field: string }) => error.field === field),
      `${url} names ${field}`,
    )
  }
})
