import { randomUUID } from 'node:crypto'
import { buildLedger } from '@ree/embedded'
import { createTestDatabase, readWhenCaughtUp, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

const db = await createTestDatabase()
const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
// An admin key: these tests read the Operations routes too (roles are tested in trust.e2e.test.ts).
const api = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'test-client'))

/** Fresh ids, so the test owns what it asserts on. */
const run = randomUUID().slice(0, 8)
const fresh = (name: string) => `${name}-${run}`
const sources = [{ publisher: 'Test Gazette', url: 'https://example.org/timeline' }]
const post = async (url: string, payload: object) => {
  const response = await api.inject({ method: 'POST', url, payload })
  return { status: response.statusCode, body: response.json() }
}
const get = async (url: string) => {
  const response = await readWhenCaughtUp(api, url)
  return { status: response.statusCode, body: response.json() }
}
const countEvents = async (schema: string) =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.events`)).rows[0]?.n ?? 0
const instant = () => new Date().toISOString()
const pause = () => new Promise((resolve) => setTimeout(resolve, 20))

t.test('a construction start learned late takes its place between exploration and production', async (t) => {
  const id = fresh('late-ridge')
  const path = `/v1/deposits/${id}`
  t.equal(
    (
      await post('/v1/deposits', {
        id,
        name: 'Late Ridge',
        country: 'CA',
        stage: 'exploration',
        effectiveDate: '2018-03-01',
        sources,
      })
    ).status,
    201,
  )
  t.equal(
    (await post(`${path}/stage-advances`, { stage: 'production', effectiveDate: '2024-05-01', sources })).status,
    200,
  )
  const beforeTheLateFact = instant()
  await pause()
  const late = await post(`${path}/stage-advances`, { stage: 'construction', effectiveDate: '2022-02-01', sources })
  t.equal(late.status, 200, 'accepted: the timeline with it still keeps every rule')

  t.match((await get(`${path}?asOf=2023-01-01&minVersion=3`)).body, { stage: 'construction', stageSince: '2022-02-01' })
  t.match((await get(path)).body, { stage: 'production' }, 'the current state stays production')
  t.match(
    (await get(`${path}?asOf=2023-01-01&recordedAsOf=${beforeTheLateFact}`)).body,
    { stage: 'exploration' },
    'as known before it arrived, 2023 was still exploration',
  )

  const events = await countEvents('deposits')
  const early = await post(`${path}/production-reports`, {
    production: { periodStart: '2019-01-01', periodEnd: '2019-12-31', quantityTonnes: 10, basis: 'REO' },
    effectiveDate: '2019-12-31',
    sources,
  })
  t.equal(early.status, 422)
  t.equal(early.body.type, '/problems/production-before-construction', 'a production report before any construction')
  const breaking = await post(`${path}/stage-advances`, { stage: 'closed', effectiveDate: '2023-06-01', sources })
  t.equal(breaking.status, 422)
  t.equal(breaking.body.type, '/problems/stage-reversal-required')
  t.match(
    breaking.body.breaksAt,
    { effectiveDate: '2024-05-01', type: 'ree.deposit.stage-advanced.v2' },
    'the refusal names the later fact that would break',
  )
  t.equal(await countEvents('deposits'), events, 'nothing appended')
})

t.test('a stage advance recorded by mistake is retracted', async (t) => {
  const id = fresh('mistaken')
  const path = `/v1/deposits/${id}`
  await post('/v1/deposits', {
    id,
    name: 'Mistaken',
    country: 'AU',
    stage: 'feasibility',
    effectiveDate: '2020-01-01',
    sources,
  })
  const mistake = await post(`${path}/stage-advances`, { stage: 'closed', effectiveDate: '2025-01-01', sources })
  t.equal(mistake.status, 200)
  const [mistakenEvent] = mistake.body.eventIds
  const refused = await post(`${path}/stage-advances`, { stage: 'production', effectiveDate: '2025-06-01', sources })
  t.equal(refused.status, 422, 'while the mistake stands, a real change is refused')
  const beforeRetraction = instant()
  await pause()
  const retraction = await post(`${path}/retractions`, {
    eventId: mistakenEvent,
    reason: 'the closure was another deposit',
    sources,
  })
  t.equal(retraction.status, 200)
  t.match((await get(`${path}?minVersion=3`)).body, { stage: 'feasibility', version: 3 }, 'gone from the current state')
  t.match((await get(`${path}?asOf=2025-03-01`)).body, { stage: 'feasibility' }, 'and from as-of reads')
  t.match(
    (await get(`${path}?recordedAsOf=${beforeRetraction}`)).body,
    { stage: 'closed' },
    'read as known before the retraction, it is still there',
  )
  const history = (await get(`${path}/history`)).body.items
  t.same(
    history.map((event: { type: string }) => event.type),
    ['ree.deposit.registered.v1', 'ree.deposit.stage-advanced.v2', 'ree.deposit.fact-retracted.v1'],
  )
  t.equal(history[2].data.retractedEventId, mistakenEvent, 'the history shows the fact and its retraction')
  t.equal(
    (await post(`${path}/stage-advances`, { stage: 'production', effectiveDate: '2025-06-01', sources })).status,
    200,
    'a later real change is accepted',
  )
})

t.test('retractions that make no sense are refused, and append nothing', async (t) => {
  const id = fresh('refusals')
  const other = fresh('other')
  const path = `/v1/deposits/${id}`
  await post('/v1/deposits', {
    id,
    name: 'Refusals',
    country: 'US',
    stage: 'exploration',
    effectiveDate: '2019-01-01',
    sources,
  })
  await post('/v1/deposits', { id: other, name: 'Other', country: 'US', effectiveDate: '2019-01-01', sources })
  const construction = await post(`${path}/stage-advances`, {
    stage: 'construction',
    effectiveDate: '2021-01-01',
    sources,
  })
  await post(`${path}/production-reports`, {
    production: { periodStart: '2022-01-01', periodEnd: '2022-12-31', quantityTonnes: 3, basis: 'REO' },
    effectiveDate: '2022-12-31',
    sources,
  })
  const otherEvents = (await get(`/v1/deposits/${other}/history?minVersion=1`)).body.items
  const events = await countEvents('deposits')
  const retract = (eventId: string) => post(`${path}/retractions`, { eventId, reason: 'test', sources })

  const unknown = await retract(randomUUID())
  t.match([unknown.status, unknown.body.type], [404, '/problems/event-not-found'])
  const foreign = await retract(otherEvents[0].id)
  t.match([foreign.status, foreign.body.type], [404, '/problems/event-not-found'], "another entity's event")
  const breaking = await retract(construction.body.eventIds[0])
  t.match(
    [breaking.status, breaking.body.type],
    [422, '/problems/production-before-construction'],
    'without the construction, the production report would break the timeline',
  )
  const notAnId = await post(`${path}/retractions`, { eventId: 'not-a-uuid', reason: 'test', sources })
  t.match([notAnId.status, notAnId.body.errors], [400, [{ field: 'body.eventId' }]])
  t.equal(await countEvents('deposits'), events, 'nothing appended by any of them')

  const report = (await get(`${path}/history?minVersion=3`)).body.items[2]
  const first = await retract(report.id)
  t.equal(first.status, 200)
  const twice = await retract(report.id)
  t.match([twice.status, twice.body.type], [422, '/problems/already-retracted'])
  const ofRetraction = await retract(first.body.eventIds[0])
  t.match([ofRetraction.status, ofRetraction.body.type], [422, '/problems/retraction-not-retractable'])
})

t.test('retracting the registration takes an entity out of current reads; its history stays', async (t) => {
  const id = fresh('never-was')
  const created = await post('/v1/deposits', {
    id,
    name: 'Never Was',
    country: 'NO',
    effectiveDate: '2024-01-01',
    sources,
  })
  await post(`/v1/deposits/${id}/retractions`, {
    eventId: created.body.eventIds[0],
    reason: 'duplicate entry',
    sources,
  })
  t.equal((await get(`/v1/deposits/${id}?minVersion=2`)).status, 404)
  const listed = (await get('/v1/deposits?country=NO&limit=100')).body.items.map((item: { id: string }) => item.id)
  t.notOk(listed.includes(id))
  t.equal((await get(`/v1/deposits/${id}/history`)).body.items.length, 2)
  const again = await post('/v1/deposits', {
    id,
    name: 'Now Is',
    country: 'NO',
    stage: 'feasibility',
    effectiveDate: '2023-01-01',
    sources,
  })
  t.equal(again.status, 201, 'the id may be recorded again, as a new lifecycle')
  t.match((await get(`/v1/deposits/${id}?minVersion=3`)).body, { name: 'Now Is', stage: 'feasibility' })
  const old = await post(`/v1/deposits/${id}/retractions`, {
    eventId: created.body.eventIds[0],
    reason: 'again',
    sources,
  })
  t.equal(old.body.type, '/problems/already-retracted')
})

t.test('effective dates are bounded: 1800 at the earliest, the horizon at the latest', async (t) => {
  const id = fresh('bounded')
  const events = await countEvents('deposits')
  for (const effectiveDate of ['9999-12-31', '1799-12-31']) {
    const response = await post('/v1/deposits', { id, name: 'Bounded', country: 'CA', effectiveDate, sources })
    t.equal(response.status, 400, effectiveDate)
    t.match(response.body.errors, [{ field: 'body.effectiveDate' }])
  }
  t.equal(await countEvents('deposits'), events, 'nothing appended')
  const nextMonth = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10)
  t.equal(
    (await post('/v1/deposits', { id, name: 'Bounded', country: 'CA', effectiveDate: nextMonth, sources })).status,
    201,
    'an announced fact ahead is accepted',
  )
  t.equal((await get(`/v1/deposits/${id}?minVersion=1`)).status, 404, 'and takes effect on its day, not before')
})

t.test('corridors and deal aggregates answer as of both times', async (t) => {
  const [from, to] = ['NA', 'BW']
  const shipment = fresh('first-shipment')
  await post('/v1/shipments', {
    id: shipment,
    origin: from,
    destination: to,
    elements: ['Nd'],
    status: 'delivered',
    effectiveDate: '2025-10-02',
    sources,
  })
  await get(`/v1/shipments/${shipment}?minVersion=1`)
  const now = await get(`/v1/corridors?from=${from}&to=${to}`)
  const before = await get(`/v1/corridors?from=${from}&to=${to}&asOf=2025-09-01`)
  t.equal(now.body.items[0]?.shipmentCount, 1)
  t.same(before.body.items, [], 'before the shipment, no corridor')
  const disclosedAt = instant()
  await pause()
  await post(`/v1/shipments/${shipment}/quantity-disclosures`, {
    quantityTonnes: 12,
    effectiveDate: '2025-11-01',
    sources,
  })
  await get(`/v1/shipments/${shipment}?minVersion=2`)
  t.equal((await get(`/v1/corridors?from=${from}&to=${to}`)).body.items[0]?.disclosedTonnes, 12)
  t.equal(
    (await get(`/v1/corridors?from=${from}&to=${to}&recordedAsOf=${disclosedAt}`)).body.items[0]
      ?.undisclosedTonnageCount,
    1,
    'as known before the disclosure, the tonnage was undisclosed',
  )

  const deal = fresh('timeline-deal')
  await post('/v1/deals', {
    id: deal,
    name: 'Timeline deal',
    parties: [
      { name: 'Namibia', type: 'country', country: from },
      { name: 'Botswana', type: 'country', country: to },
    ],
    kinds: [{ kind: 'government-agreement' }],
    value: { amount: 7, currency: 'USD' },
    effectiveDate: '2025-03-01',
    sources,
  })
  await get(`/v1/deals/${deal}?minVersion=1`)
  const pair = async (query: string) =>
    (await get(`/v1/deals/aggregates?by=country-pair${query}`)).body.groups.find(
      (group: { key: string }) => group.key === 'BW-NA',
    )
  t.match(await pair(''), { deals: 1 })
  t.equal(await pair('&asOf=2025-01-01'), undefined, 'before the deal')
})

t.test('every read refuses a parameter it does not declare, naming it', async (t) => {
  for (const url of [
    '/v1/deposits?colour=red',
    '/v1/deposits/mountain-pass?colour=red',
    '/v1/deposits/mountain-pass/history?colour=red',
    '/v1/deals?colour=red',
    '/v1/deals/aggregates?colour=red',
    '/v1/shipments?colour=red',
    '/v1/restrictions?colour=red',
    '/v1/restrictions/no-such-restriction?colour=red',
    '/v1/corridors?colour=red',
    '/v1/dead-letters?colour=red',
  ]) {
    const response = await get(url)
    t.equal(response.status, 400, url)
    t.match(response.body.errors, [{ field: 'querystring.colour' }], url)
  }
})

t.test('a restriction detail judges it in force on a day', async (t) => {
  const id = fresh('controls')
  const path = `/v1/restrictions/${id}`
  await post('/v1/restrictions', {
    id,
    name: 'Test controls',
    actor: { type: 'country', country: 'CN' },
    kind: 'export-control',
    origin: 'CN',
    destinations: 'all',
    elements: ['Dy'],
    effectiveDate: '2025-04-04',
    sources,
  })
  await post(`${path}/suspensions`, { until: '2025-12-31', effectiveDate: '2025-11-07', sources })
  await get(`${path}?minVersion=2`)
  t.match((await get(`${path}?inForceOn=2025-06-01`)).body, { inForce: true, status: 'in-force' })
  t.match((await get(`${path}?inForceOn=2025-12-01`)).body, { inForce: false, status: 'suspended' })
  t.match(
    (await get(`${path}?inForceOn=2026-01-01`)).body,
    { inForce: true, status: 'in-force' },
    'after the suspension',
  )
  t.equal((await get(`${path}?inForceOn=2025-06-01&asOf=2025-06-01`)).status, 400, 'one valid time at a time')
})
