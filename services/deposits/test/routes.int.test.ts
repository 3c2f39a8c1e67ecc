import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import { buildDepositsApp } from '../src/index.ts'

const db = await createTestDatabase()
const app = await buildDepositsApp({ pool: db.pool, logLevel: 'silent', horizonYears: 1 })
t.teardown(async () => {
  await app.close()
  await db.drop()
})

const sources = [{ publisher: 'Test Survey' }]
const post = (url: string, payload: object) => app.inject({ method: 'POST', url: `/v1${url}`, payload })
const eventCount = async (streamId: string) =>
  (
    await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM deposits.events WHERE stream_id = $1', [
      streamId,
    ])
  ).rows[0]?.n
const deposit = (id: string, effectiveDate: string) => ({
  id,
  name: `Test deposit ${id}`,
  country: 'US',
  elements: [{ element: 'Nd' }],
  stage: 'exploration',
  sources,
  effectiveDate,
})
const aheadBy = (months: number) => {
  const date = new Date()
  date.setUTCMonth(date.getUTCMonth() + months)
  return date.toISOString().slice(0, 10)
}

t.test('the horizon of effective dates is the one the service was built with', async (t) => {
  const beyond = await post('/deposits', deposit('horizon-test', aheadBy(18)))
  t.equal(beyond.statusCode, 400, 'a year and a half ahead is past a one-year horizon')
  t.match(beyond.json().errors, [{ field: 'body.effectiveDate' }])
  t.equal(await eventCount('deposit-horizon-test'), 0, 'nothing appended')
  t.equal(
    (await post('/deposits', deposit('horizon-test', aheadBy(6)))).statusCode,
    201,
    'half a year ahead is within it',
  )
})

t.test('exploration (2018) and production (2024) take a construction start dated 2022', async (t) => {
  const path = '/deposits/late-test'
  t.equal((await post('/deposits', deposit('late-test', '2018-03-01'))).statusCode, 201)
  const production = await post(`${path}/stage-advances`, { stage: 'production', sources, effectiveDate: '2024-06-01' })
  t.equal(production.statusCode, 200)
  const report = {
    production: { periodStart: '2019-01-01', periodEnd: '2019-12-31', quantityTonnes: 10, basis: 'REO' },
    sources,
    effectiveDate: '2020-01-01',
  }
  const early = await post(`${path}/production-reports`, report)
  t.equal(early.statusCode, 422, 'a production report before any construction is refused')
  t.equal(early.json().type, '/problems/production-before-construction')
  const construction = await post(`${path}/stage-advances`, {
    stage: 'construction',
    sources,
    effectiveDate: '2022-05-01',
  })
  t.equal(construction.statusCode, 200, 'construction dated 2022 is accepted')
  const closure = await post(`${path}/stage-advances`, { stage: 'closed', sources, effectiveDate: '2023-01-01' })
  t.equal(closure.statusCode, 422, 'a closure dated before the recorded production is refused')
  t.equal(closure.json().type, '/problems/stage-reversal-required')
  t.match(closure.json(), {
    breaksAt: {
      eventId: production.json().eventIds[0],
      type: 'ree.deposit.stage-advanced.v2',
      effectiveDate: '2024-06-01',
    },
  })
})

t.test('a stage advance recorded by mistake is retracted, and a later real change accepted', async (t) => {
  const path = '/deposits/mistake-test'
  t.equal((await post('/deposits', deposit('mistake-test', '2018-03-01'))).statusCode, 201)
  const mistake = await post(`${path}/stage-advances`, { stage: 'closed', sources, effectiveDate: aheadBy(6) })
  t.equal(mistake.statusCode, 200)
  const blocked = await post(`${path}/stage-advances`, { stage: 'feasibility', sources, effectiveDate: aheadBy(7) })
  t.equal(blocked.json().type, '/problems/stage-reversal-required', 'while it stands, a later advance is refused')
  const [mistakeId] = mistake.json().eventIds
  const retracted = await post(`${path}/retractions`, { eventId: mistakeId, reason: 'a placeholder date', sources })
  t.equal(retracted.statusCode, 200)
  const real = await post(`${path}/stage-advances`, { stage: 'feasibility', sources, effectiveDate: aheadBy(7) })
  t.equal(real.statusCode, 200, 'once it is retracted, the real change is accepted')
  const retractionId = retracted.json().eventIds[0]
  const ofRetraction = await post(`${path}/retractions`, { eventId: retractionId, reason: 'undo', sources })
  t.equal(ofRetraction.statusCode, 422)
  t.equal(ofRetraction.json().type, '/problems/retraction-not-retractable')
  t.equal(await eventCount('deposit-mistake-test'), 4, 'every fact is kept: registration, mistake, retraction, advance')
})
