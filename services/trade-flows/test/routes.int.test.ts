import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import { buildTradeFlowsApp } from '../src/index.ts'

const db = await createTestDatabase()
const app = await buildTradeFlowsApp({ pool: db.pool, logLevel: 'silent', horizonYears: 1 })
t.teardown(async () => {
  await app.close()
  await db.drop()
})

const sources = [{ publisher: 'Test Gazette' }]
const post = (url: string, payload: object) => app.inject({ method: 'POST', url: `/v1${url}`, payload })
const events = async (streamId: string) =>
  (
    await db.pool.query<{ event_id: string; type: string; effective_date: string }>(
      `SELECT event_id, type, to_char(effective_date, 'YYYY-MM-DD') AS effective_date
       FROM trade_flows.events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    )
  ).rows
const aheadBy = (months: number) => {
  const date = new Date()
  date.setUTCMonth(date.getUTCMonth() + months)
  return date.toISOString().slice(0, 10)
}

t.test('the horizon of effective dates is the one the service was built with', async (t) => {
  const shipment = { id: 'horizon-test', origin: 'PK', destination: 'US', sources }
  const beyond = await post('/shipments', { ...shipment, effectiveDate: aheadBy(18) })
  t.equal(beyond.statusCode, 400, 'a year and a half ahead is past a one-year horizon')
  t.match(beyond.json().errors, [{ field: 'body.effectiveDate' }])
  t.same(await events('shipment-horizon-test'), [], 'nothing appended')
  const within = await post('/shipments', { ...shipment, effectiveDate: aheadBy(6) })
  t.equal(within.statusCode, 201, 'half a year ahead is within it')
})

t.test(
  'a shipment: a late departure in place, a cancellation that would break the delivery, a retraction',
  async (t) => {
    const path = '/shipments/late-test'
    t.equal(
      (
        await post('/shipments', {
          id: 'late-test',
          origin: 'PK',
          destination: 'US',
          sources,
          effectiveDate: '2025-09-01',
        })
      ).statusCode,
      201,
    )
    t.equal((await post(`${path}/departures`, { sources, effectiveDate: '2025-09-20' })).statusCode, 200)
    const delivered = await post(`${path}/deliveries`, { sources, effectiveDate: '2025-10-02' })
    t.equal(delivered.statusCode, 200)
    const [deliveryId] = delivered.json().eventIds

    const cancelled = await post(`${path}/cancellations`, { reason: 'withdrawn', sources, effectiveDate: '2025-09-25' })
    t.equal(cancelled.statusCode, 422, 'a cancellation learned late, dated before the delivery, is refused')
    t.equal(cancelled.json().type, '/problems/shipment-cancelled')
    t.match(cancelled.json(), {
      breaksAt: { eventId: deliveryId, type: 'ree.shipment.delivered.v1', effectiveDate: '2025-10-02' },
    })

    const unknown = await post(`${path}/retractions`, {
      eventId: '00000000-0000-4000-8000-00000000dead',
      reason: 'x',
      sources,
    })
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().type, '/problems/event-not-found')
    const retracted = await post(`${path}/retractions`, { eventId: deliveryId, reason: 'recorded by mistake', sources })
    t.equal(retracted.statusCode, 200, 'the delivery is retracted')
    const again = await post(`${path}/retractions`, { eventId: deliveryId, reason: 'twice', sources })
    t.equal(again.statusCode, 422)
    t.equal(again.json().type, '/problems/already-retracted')
    t.equal(
      (await post(`${path}/cancellations`, { reason: 'withdrawn', sources, effectiveDate: '2025-09-25' })).statusCode,
      200,
      'without the delivery, the cancellation fits',
    )
    t.same(
      (await events('shipment-late-test')).map((event) => [event.type, event.effective_date]),
      [
        ['ree.shipment.recorded.v1', '2025-09-01'],
        ['ree.shipment.shipped.v1', '2025-09-20'],
        ['ree.shipment.delivered.v1', '2025-10-02'],
        ['ree.shipment.fact-retracted.v1', '2025-10-02'],
        ['ree.shipment.cancelled.v1', '2025-09-25'],
      ],
      'every fact is kept, the retraction beside the delivery it takes back',
    )
  },
)

t.test('a restriction: a reinstatement after a lapsed suspension is refused, a new suspension accepted', async (t) => {
  const path = '/restrictions/lapse-test'
  const imposed = await post('/restrictions', {
    id: 'lapse-test',
    name: 'Test control',
    actor: { type: 'country', country: 'CN' },
    kind: 'export-control',
    origin: 'CN',
    sources,
    effectiveDate: '2025-01-01',
  })
  t.equal(imposed.statusCode, 201)
  t.equal(
    (await post(`${path}/suspensions`, { until: '2025-06-30', sources, effectiveDate: '2025-02-01' })).statusCode,
    200,
  )
  const lapsed = await post(`${path}/reinstatements`, { sources, effectiveDate: '2025-07-15' })
  t.equal(lapsed.statusCode, 422)
  t.equal(lapsed.json().type, '/problems/restriction-not-suspended')
  t.equal((await post(`${path}/suspensions`, { sources, effectiveDate: '2025-08-01' })).statusCode, 200)
  const lifted = await post(`${path}/liftings`, { sources, effectiveDate: '2025-12-01' })
  t.equal(lifted.statusCode, 200)
  const late = await post(`${path}/liftings`, { sources, effectiveDate: '2025-05-01' })
  t.equal(late.statusCode, 422, 'a lifting learned late, before the recorded suspension, is refused')
  t.equal(late.json().type, '/problems/restriction-lifted')
  t.match(late.json(), { breaksAt: { type: 'ree.restriction.suspended.v1', effectiveDate: '2025-08-01' } })
})
