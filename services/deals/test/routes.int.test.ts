import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import { buildDealsApp } from '../src/index.ts'

const db = await createTestDatabase()
const app = await buildDealsApp({ pool: db.pool, logLevel: 'silent', horizonYears: 1 })
t.teardown(async () => {
  await app.close()
  await db.drop()
})

const sources = [{ publisher: 'Test Gazette' }]
const post = (url: string, payload: object) => app.inject({ method: 'POST', url: `/v1${url}`, payload })
const eventCount = async (streamId: string) =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM deals.events WHERE stream_id = $1', [streamId]))
    .rows[0]?.n
const deal = (id: string, effectiveDate: string) => ({
  id,
  name: `Test deal ${id}`,
  parties: [
    { name: 'United States', type: 'country', country: 'US', role: 'government' },
    { name: 'Test Metals', type: 'company', role: 'seller' },
  ],
  kinds: [{ kind: 'offtake' }],
  sources,
  effectiveDate,
})
const aheadBy = (months: number) => {
  const date = new Date()
  date.setUTCMonth(date.getUTCMonth() + months)
  return date.toISOString().slice(0, 10)
}

t.test('the horizon of effective dates is the one the service was built with', async (t) => {
  const beyond = await post('/deals', deal('horizon-test', aheadBy(18)))
  t.equal(beyond.statusCode, 400, 'a year and a half ahead is past a one-year horizon')
  t.match(beyond.json().errors, [{ field: 'body.effectiveDate' }])
  t.equal(await eventCount('deal-horizon-test'), 0, 'nothing appended')
  t.equal((await post('/deals', deal('horizon-test', aheadBy(6)))).statusCode, 201, 'half a year ahead is within it')
})

t.test('a status learned late takes its place; one that breaks a later fact is refused where it breaks', async (t) => {
  const path = '/deals/late-test'
  t.equal((await post('/deals', deal('late-test', '2024-01-10'))).statusCode, 201)
  const signed = await post(`${path}/status-changes`, { status: 'signed', sources, effectiveDate: '2025-06-01' })
  t.equal(signed.statusCode, 200)
  const [signingId] = signed.json().eventIds
  const mou = await post(`${path}/status-changes`, { status: 'mou', sources, effectiveDate: '2024-09-01' })
  t.equal(mou.statusCode, 200, 'an MoU dated between the report and the signing is accepted')
  const denied = await post(`${path}/status-changes`, { status: 'denied', sources, effectiveDate: '2024-10-01' })
  t.equal(denied.statusCode, 422)
  t.equal(denied.json().type, '/problems/new-report-required-after-denial')
  t.match(denied.json(), { breaksAt: { eventId: signingId, type: 'ree.deal.signed.v1', effectiveDate: '2025-06-01' } })
  t.equal(await eventCount('deal-late-test'), 3, 'nothing appended by the refusal')
})

t.test('retracting the recording leaves the deal unknown to commands', async (t) => {
  const path = '/deals/retracted-test'
  const recorded = await post('/deals', deal('retracted-test', '2024-01-10'))
  const [recordingId] = recorded.json().eventIds
  const retracted = await post(`${path}/retractions`, { eventId: recordingId, reason: 'a duplicate', sources })
  t.equal(retracted.statusCode, 200)
  const later = await post(`${path}/status-changes`, { status: 'announced', sources, effectiveDate: '2024-03-01' })
  t.equal(later.statusCode, 404)
  t.equal(later.json().type, '/problems/deal-not-found')
  const ofAnother = await post('/deals/late-test/retractions', { eventId: recordingId, reason: 'wrong deal', sources })
  t.equal(ofAnother.statusCode, 404, "another deal's event is not in this deal's history")
  t.equal(ofAnother.json().type, '/problems/event-not-found')
})
