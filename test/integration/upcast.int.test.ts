import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CloudEvent, decodeEvent, depositsContext, upcast } from '@ree/contracts'
import { depositDecider } from '@ree/deposits'
import { handleCommand, migrateEventStore, readAll, readStream, START_OF_STORE, toStoredEvent } from '@ree/event-store'
import { getDeposit, migrateReadModels, projectEvent } from '@ree/read-models'
import { createTestDatabase, eventually } from '@ree/testing'
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import t from 'tap'

const db = await createTestDatabase()
t.teardown(() => db.drop())
await migrateEventStore(db.pool, depositsContext.schema)
await migrateReadModels(db.pool)

interface FixtureRow {
  stream_id: string
  stream_version: number
  subject: string
  event_id: string
  type: string
  data: Record<string, unknown>
  effective_date: string
  correlation_id: string
  causation_id: string
  traceparent: string | null
  recorded_at: string
}

// The rows the previous release wrote for one deposit: registered, two stage advances and a reversal, all v1.
const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/release-1/rows.json'), 'utf8'))
const ridge: FixtureRow[] = fixture['deposits.events'].filter(
  (row: FixtureRow) => row.stream_id === 'deposit-release-one-ridge',
)
const provenance = {
  sources: [{ url: 'https://example.org/release-one', publisher: 'Release One Gazette' }],
  confidence: 'normal',
}
const stageEventsAsV2 = [
  {
    type: 'ree.deposit.stage-advanced.v2',
    data: { depositId: 'release-one-ridge', stage: 'feasibility', ...provenance },
  },
  {
    type: 'ree.deposit.stage-advanced.v2',
    data: { depositId: 'release-one-ridge', stage: 'permitting', ...provenance },
  },
  {
    type: 'ree.deposit.stage-reversed.v2',
    data: {
      depositId: 'release-one-ridge',
      stage: 'feasibility',
      reason: 'The permit application was withdrawn for a new feasibility study',
      ...provenance,
    },
  },
]

const columns = [
  'stream_id',
  'stream_version',
  'subject',
  'event_id',
  'type',
  'data',
  'effective_date',
  'correlation_id',
  'causation_id',
  'traceparent',
  'recorded_at',
] as const
for (const row of ridge) {
  await db.pool.query(
    `INSERT INTO deposits.events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    columns.map((column) => (column === 'data' ? JSON.stringify(row.data) : row[column])),
  )
}
const storedRows = async () =>
  (await db.pool.query('SELECT to_jsonb(e) AS row FROM deposits.events e ORDER BY global_position')).rows
const rowsAsWritten = await storedRows()
const v1Events = (
  await db.pool.query(
    `SELECT global_position::text, transaction_id::text, stream_id, stream_version, subject, event_id, type, data,
            effective_date::text, correlation_id, causation_id, traceparent, recorded_at
       FROM deposits.events ORDER BY global_position`,
  )
).rows.map((row) => toStoredEvent(row, depositsContext.source).event)

t.equal(ridge.length, 4, 'the fixture holds the deposit as the previous release wrote it')
t.same(
  ridge.map((row) => row.type),
  [
    'ree.deposit.registered.v1',
    'ree.deposit.stage-advanced.v1',
    'ree.deposit.stage-advanced.v1',
    'ree.deposit.stage-reversed.v1',
  ],
)

t.test('readStream and readAll return the stored v1 stage events as v2', async (t) => {
  const stream = await readStream(db.pool, {
    schema: 'deposits',
    source: depositsContext.source,
    streamId: 'deposit-release-one-ridge',
  })
  const all = await eventually(async () => {
    const read = await readAll(db.pool, {
      schema: 'deposits',
      source: depositsContext.source,
      after: START_OF_STORE,
      limit: 100,
    })
    return read.length === 4 ? read : undefined
  })
  for (const [name, events] of [
    ['readStream', stream.map((stored) => stored.event)],
    ['readAll', all.map((stored) => stored.event)],
  ] as const) {
    t.same(
      events.slice(1).map((event) => ({ type: event.type, data: event.data })),
      stageEventsAsV2,
      `${name}: type and data are v2, without from`,
    )
    t.same(
      events.map(({ type: _type, data: _data, ...envelope }) => envelope),
      v1Events.map(({ type: _type, data: _data, ...envelope }) => envelope),
      `${name}: id, time, versions and dates are those stored`,
    )
    t.same(events[0], v1Events[0], `${name}: the registration, still current, is read as stored`)
  }
})

t.test('an upcaster never runs on a current event', async (t) => {
  const ran: string[] = []
  const watched = {
    ...depositsContext,
    upcasters: depositsContext.upcasters.map((upcaster) => ({
      ...upcaster,
      data: (data: Record<string, unknown>) => {
        ran.push(upcaster.from.type)
        return upcaster.data(data)
      },
    })),
  }
  const current = v1Events.map((event) => upcast(watched, event))
  t.same(ran, ['ree.deposit.stage-advanced.v1', 'ree.deposit.stage-advanced.v1', 'ree.deposit.stage-reversed.v1'])
  ran.length = 0
  for (const event of current) t.equal(upcast(watched, event), event, `${event.type} is returned as it is`)
  t.same(ran, [], 'no upcaster ran on a v2 event or on a v1 event that is current')
})

t.test('the deposit decider folds the v1 events through handleCommand', async (t) => {
  const command = (data: { type: string; stage?: string; effectiveDate: string; production?: object }) =>
    handleCommand({
      pool: db.pool,
      context: depositsContext,
      streamId: 'deposit-release-one-ridge',
      subject: 'release-one-ridge',
      decider: depositDecider,
      command: {
        type: data.type,
        depositId: 'release-one-ridge',
        data: {
          ...(data.stage ? { stage: data.stage } : {}),
          ...(data.production ? { production: data.production } : {}),
          ...provenance,
        },
      } as Parameters<typeof depositDecider.decide>[0],
      metadata: { effectiveDate: data.effectiveDate, correlationId: randomUUID(), causationId: randomUUID() },
    })
  await t.rejects(
    command({ type: 'AdvanceDepositStage', stage: 'feasibility', effectiveDate: '2025-01-01' }),
    { code: 'stage-unchanged' },
    'the reversal (v1) left it at feasibility',
  )
  await t.rejects(
    command({
      type: 'ReportProduction',
      effectiveDate: '2023-06-01',
      production: { periodStart: '2023-01-01', periodEnd: '2023-05-31', quantityTonnes: 10, basis: 'REO' },
    }),
    { code: 'production-before-construction' },
    'in 2023 it stood at permitting, as the v1 advance put it',
  )
  const accepted = await command({ type: 'AdvanceDepositStage', stage: 'permitting', effectiveDate: '2025-03-01' })
  t.equal(accepted.streamVersion, 5, 'an advance from feasibility is accepted after the v1 events')
  const appended = await db.pool.query('SELECT type, data FROM deposits.events WHERE stream_version = 5')
  t.same(appended.rows, [
    {
      type: 'ree.deposit.stage-advanced.v2',
      data: { depositId: 'release-one-ridge', stage: 'permitting', ...provenance },
    },
  ])
})

async function projectAll(events: CloudEvent[]): Promise<void> {
  const client = await db.pool.connect()
  try {
    for (const event of events) {
      await client.query('BEGIN')
      await projectEvent(client, event)
      await client.query('COMMIT')
    }
  } finally {
    client.release()
  }
}

async function projected(client: pg.Pool) {
  const states = await client.query(
    `SELECT valid_from::text, valid_to::text, recorded_from, recorded_to, stage, view
       FROM read_models.deposit_states WHERE id = 'release-one-ridge' ORDER BY recorded_from, valid_from`,
  )
  const asOf = {
    '2020-01-01': await getDeposit(client, 'release-one-ridge', { asOf: '2020-01-01' }),
    '2022-01-01': await getDeposit(client, 'release-one-ridge', { asOf: '2022-01-01' }),
    '2023-06-01': await getDeposit(client, 'release-one-ridge', { asOf: '2023-06-01' }),
    now: await getDeposit(client, 'release-one-ridge'),
  }
  return { states: states.rows, asOf }
}

t.test('the projection builds the same states from the v1 events as from their v2 equivalents', async (t) => {
  await projectAll(v1Events)
  const fromV1 = await projected(db.pool)
  await db.pool.query('DROP SCHEMA read_models CASCADE')
  await migrateReadModels(db.pool)
  await projectAll(v1Events.map((event, index) => (index === 0 ? event : { ...event, ...stageEventsAsV2[index - 1] })))
  const fromV2 = await projected(db.pool)
  t.same(fromV1, fromV2)
  t.same(
    Object.values(fromV1.asOf).map((view) => view?.stage),
    ['exploration', 'feasibility', 'permitting', 'feasibility'],
    'the stages along the timeline',
  )
  t.equal(fromV1.asOf.now?.version, 4)
})

t.test('decodeEvent reads a v1 CloudEvent as published on Kafka as the v2 domain event', async (t) => {
  const published = CloudEvent.parse(JSON.parse(JSON.stringify(v1Events[3])))
  t.equal(published.type, 'ree.deposit.stage-reversed.v1')
  t.same(decodeEvent(depositsContext, published), {
    type: 'DepositStageReversed',
    data: stageEventsAsV2[2]?.data,
    metadata: { effectiveDate: '2024-06-01' },
  })
})

t.test('the stored rows are unchanged after all this', async (t) => {
  t.same((await storedRows()).slice(0, 4), rowsAsWritten)
})
