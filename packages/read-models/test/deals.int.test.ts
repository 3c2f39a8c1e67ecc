import { randomUUID } from 'node:crypto'
import type { CloudEvent } from '@ree/contracts'
import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import {
  aggregateDeals,
  dealHistory,
  dealsLinkingDeposit,
  getDeal,
  getDealDetail,
  migrateReadModels,
  projectEvent,
  StreamGapError,
} from '../src/index.ts'

const db = await createTestDatabase()
t.teardown(() => db.drop())
await migrateReadModels(db.pool)

const provenance = { sources: [{ publisher: 'Test Gazette' }], confidence: 'normal' }
const cloudEvent = (
  streamversion: number,
  type: string,
  effectivedate: string,
  data: Record<string, unknown>,
): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/ree/deals',
  type,
  subject: 'test-deal',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  streamversion,
  effectivedate,
  correlationid: randomUUID(),
  causationid: randomUUID(),
  data: { dealId: 'test-deal', ...data, ...provenance },
})

const recorded = cloudEvent(1, 'ree.deal.recorded.v1', '2025-10-06', {
  name: 'Test talks',
  parties: [
    { name: 'United States', type: 'country', country: 'US', role: 'government' },
    { name: 'Türkiye', type: 'country', country: 'TR', role: 'government' },
  ],
  kinds: [{ kind: 'government-agreement', form: 'agreement' }],
  elements: [],
  commodities: [],
  stages: ['mining'],
  depositIds: ['nowhere-ridge'],
  status: 'reported',
})
const denied = cloudEvent(2, 'ree.deal.denied.v1', '2025-10-08', { from: 'reported', by: 'Türkiye' })
const amended = cloudEvent(3, 'ree.deal.amended.v1', '2025-10-09', {
  changes: { value: { amount: 5, currency: 'USD', bound: 'exact' } },
  previous: {},
})

async function apply(event: CloudEvent) {
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN')
    await projectEvent(client, event)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
}

t.test('applying an event twice changes nothing; a gap is refused', async (t) => {
  await apply(recorded)
  await apply(denied)
  const once = await getDeal(db.pool, 'test-deal')
  await apply(recorded)
  await apply(denied)
  t.same(await getDeal(db.pool, 'test-deal'), once, 'the view is the same after a redelivery')
  t.equal(
    (await dealHistory(db.pool, 'test-deal', { limit: 100 })).items.length,
    2,
    'and the history has each event once',
  )
  const gap = await apply(cloudEvent(4, 'ree.deal.stalled.v1', '2025-10-10', { from: 'denied' })).catch(
    (error) => error,
  )
  t.ok(gap instanceof StreamGapError, 'an event past a gap is refused')
  t.match(once, {
    status: 'denied',
    statusSince: '2025-10-08',
    date: '2025-10-06',
    countries: ['TR', 'US'],
    version: 2,
  })
})

t.test('an amendment changes the terms and keeps what they were', async (t) => {
  await apply(amended)
  const view = await getDeal(db.pool, 'test-deal')
  t.match(view, { value: { amount: 5 }, amendments: [{ changes: { value: { amount: 5 } }, previous: {} }], version: 3 })
  // The version is the knowledge the answer rests on: the latest recorded, whatever the valid date.
  t.match(await getDeal(db.pool, 'test-deal', { asOf: '2025-10-07' }), { status: 'reported', version: 3 })
})

t.test('links to deposits resolve at read time; unknown ones are kept', async (t) => {
  const detail = await getDealDetail(db.pool, 'test-deal')
  t.same(detail?.deposits, [{ id: 'nowhere-ridge', resolved: false }])
  t.same(detail?.unresolvedDepositIds, ['nowhere-ridge'])
  t.match(await dealsLinkingDeposit(db.pool, 'nowhere-ridge'), [{ id: 'test-deal', status: 'denied' }])
  t.same(await dealsLinkingDeposit(db.pool, 'nowhere-ridge', { asOf: '2025-01-01' }), [], 'before the deal, no link')
})

t.test('aggregates count each deal once per group', async (t) => {
  const byPair = await aggregateDeals(db.pool, { by: 'country-pair' })
  t.same(byPair, {
    by: 'country-pair',
    groups: [
      { key: 'TR-US', deals: 1, disclosedValue: [{ currency: 'USD', amount: 5, deals: 1 }], undisclosedValue: 0 },
    ],
  })
  const byStage = await aggregateDeals(db.pool, { by: 'stage', status: 'reported' })
  t.same(byStage.groups, [], 'filters apply before grouping')
})
