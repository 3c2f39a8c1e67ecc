import { randomUUID } from 'node:crypto'
import type { CloudEvent } from '@ree/contracts'
import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import {
  getRestriction,
  listCorridors,
  listRestrictions,
  migrateReadModels,
  projectEvent,
  StreamGapError,
} from '../src/index.ts'

const db = await createTestDatabase()
t.teardown(() => db.drop())
await migrateReadModels(db.pool)

const provenance = { sources: [{ publisher: 'Test Gazette' }], confidence: 'normal' }
const cloudEvent = (
  subject: string,
  streamversion: number,
  type: string,
  effectivedate: string,
  data: Record<string, unknown>,
): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/ree/trade-flows',
  type,
  subject,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  streamversion,
  effectivedate,
  correlationid: randomUUID(),
  causationid: randomUUID(),
  data: { ...data, ...provenance },
})

const imposed = cloudEvent('test-controls', 1, 'ree.restriction.imposed.v1', '2025-04-04', {
  restrictionId: 'test-controls',
  name: 'Test controls',
  actor: { type: 'country', country: 'CN' },
  kind: 'export-control',
  origin: 'CN',
  destinations: 'all',
  elements: ['Dy'],
  forms: [],
})
const suspended = cloudEvent('test-controls', 2, 'ree.restriction.suspended.v1', '2025-11-07', {
  restrictionId: 'test-controls',
  until: '2026-11-10',
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

t.test('applying a restriction event twice changes nothing', async (t) => {
  await apply(imposed)
  await apply(suspended)
  const once = await getRestriction(db.pool, 'test-controls')
  await apply(imposed)
  await apply(suspended)
  t.same(await getRestriction(db.pool, 'test-controls'), once)
  const history = await db.pool.query('SELECT count(*)::int AS n FROM read_models.restriction_events')
  t.equal(history.rows[0].n, 2)
  t.match(await getRestriction(db.pool, 'test-controls', { asOf: '2026-11-10' }), {
    status: 'suspended',
    suspendedUntil: '2026-11-10',
    version: 2,
  })
  t.match(
    await getRestriction(db.pool, 'test-controls', { asOf: '2026-11-11' }),
    { status: 'in-force', statusSince: '2026-11-11', version: 2 },
    'a suspension runs out after its last day, with no event to say so',
  )
  t.notOk((await getRestriction(db.pool, 'test-controls', { asOf: '2026-11-11' }))?.suspendedUntil)
  t.match(await getRestriction(db.pool, 'test-controls', { inForceOn: '2025-12-01' }), { inForce: false })
  t.match(await getRestriction(db.pool, 'test-controls', { inForceOn: '2026-11-11' }), { inForce: true })
})

t.test('a gap in a stream is refused, not skipped', async (t) => {
  const late = cloudEvent('test-controls', 4, 'ree.restriction.lifted.v1', '2027-01-01', {
    restrictionId: 'test-controls',
  })
  const refused = await apply(late).catch((error: unknown) => error)
  t.ok(refused instanceof StreamGapError, 'the projection stops at the gap')
})

t.test('in force on a day, from the dated events', async (t) => {
  const page = (inForceOn: string) =>
    listRestrictions(db.pool, { inForceOn, element: 'Dy', limit: 20 }).then((result) =>
      result.items.map((item) => item.id),
    )
  t.same(await page('2025-04-03'), [], 'not before it took effect')
  t.same(await page('2025-06-01'), ['test-controls'])
  t.same(await page('2025-12-01'), [], 'not while suspended')
  t.same(await page('2026-11-10'), [], 'the last day of the suspension')
  t.same(await page('2026-11-11'), ['test-controls'], 'in force again once it ends')
})

t.test('shipments feed the corridors, tonnage never invented', async (t) => {
  await apply(
    cloudEvent('test-shipment', 1, 'ree.shipment.recorded.v1', '2025-10-02', {
      shipmentId: 'test-shipment',
      origin: 'PK',
      destination: 'US',
      elements: ['Nd'],
      otherCommodities: [],
      status: 'delivered',
    }),
  )
  await apply(
    cloudEvent('test-shipment-2', 1, 'ree.shipment.recorded.v1', '2025-11-20', {
      shipmentId: 'test-shipment-2',
      origin: 'PK',
      destination: 'US',
      form: 'oxide',
      elements: ['Nd'],
      otherCommodities: [],
      quantityTonnes: 2.5,
      value: { amount: 100, currency: 'USD' },
      status: 'shipped',
    }),
  )
  const { items } = await listCorridors(db.pool, { from: 'PK', to: 'US', limit: 20 })
  t.match(items, [
    {
      shipmentCount: 2,
      disclosedTonnes: 2.5,
      undisclosedTonnageCount: 1,
      values: [{ currency: 'USD', amount: 100 }],
      breakdown: [
        {
          element: 'Nd',
          form: null,
          quarter: '2025-Q4',
          shipmentCount: 1,
          undisclosedTonnageCount: 1,
          disclosedTonnes: 0,
        },
        { element: 'Nd', form: 'oxide', quarter: '2025-Q4', shipmentCount: 1, disclosedTonnes: 2.5 },
      ],
    },
  ])
})

t.test('a suspension to the last day a date can name never lapses, and the projection goes on', async (t) => {
  const subject = 'test-controls-last-day'
  await apply({ ...imposed, id: randomUUID(), subject, data: { ...imposed.data, restrictionId: subject } })
  await apply(
    cloudEvent(subject, 2, 'ree.restriction.suspended.v1', '2025-11-07', { restrictionId: subject, until: '9999-12-31' }),
  )
  t.match(await getRestriction(db.pool, subject, { asOf: '9999-12-31' }), {
    status: 'suspended',
    suspendedUntil: '9999-12-31',
    version: 2,
  })
  t.match(await getRestriction(db.pool, subject, { inForceOn: '9999-12-31' }), { inForce: false })
})
