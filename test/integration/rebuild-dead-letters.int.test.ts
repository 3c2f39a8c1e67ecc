import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { depositsContext } from '@ree/contracts'
import { migrateEventStore } from '@ree/event-store'
import { getDeposit, listDeadLetters, migrateReadModels, projectEvent } from '@ree/read-models'
import { createTestDatabase, eventually } from '@ree/testing'
import { migrateTransport, postgresLogTransport } from '@ree/transport'
import { pino } from 'pino'
import t from 'tap'

const db = await createTestDatabase()
const stops: Array<() => Promise<void>> = []
t.teardown(async () => {
  for (const stop of stops.reverse()) await stop()
  await db.drop()
})
await migrateEventStore(db.pool, depositsContext.schema)
await migrateTransport(db.pool)

// One deposit as the previous release stored it, in its read-model layout.
const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/release-1/rows.json'), 'utf8'))
const ridge = (fixture['deposits.events'] as Array<Record<string, unknown>>).filter(
  (row) => row.stream_id === 'deposit-release-one-ridge',
)
const columns = ['stream_id', 'stream_version', 'subject', 'event_id', 'type', 'data', 'effective_date']
const more = ['correlation_id', 'causation_id', 'traceparent', 'recorded_at']
for (const row of ridge) {
  await db.pool.query(
    `INSERT INTO deposits.events (${[...columns, ...more].join(', ')}) VALUES (${[...columns, ...more].map((_, i) => `$${i + 1}`).join(', ')})`,
    [...columns, ...more].map((column) => (column === 'data' ? JSON.stringify(row.data) : row[column])),
  )
}
await db.pool.query('CREATE SCHEMA read_models; CREATE TABLE read_models.deposits (id text PRIMARY KEY)')

t.test('a rebuild tries again the events the previous projection set aside', async (t) => {
  // The previous projection failed on the reversal, set it aside, and read on past it.
  const last = await db.pool.query<{ position: string; xid: string; event_id: string }>(
    `SELECT global_position::text AS position, transaction_id::text AS xid, event_id FROM deposits.events
      ORDER BY global_position DESC LIMIT 1`,
  )
  const reversal = last.rows[0]
  await db.pool.query(
    `INSERT INTO projection.dead_letters (subscription, stream, position, event, error) VALUES ('read-models', 'deposits', $1, $2, $3)`,
    [
      reversal?.position,
      JSON.stringify({ id: reversal?.event_id }),
      'failed 3 times: a failure of the previous release',
    ],
  )
  await db.pool.query(
    `INSERT INTO projection.checkpoints (subscription, stream, transaction_id, global_position) VALUES ('read-models', 'deposits', $1, $2)`,
    [reversal?.xid, reversal?.position],
  )

  t.same(await migrateReadModels(db.pool), { rebuilt: true })
  const transport = postgresLogTransport({
    pool: db.pool,
    subscription: 'read-models',
    sources: [{ schema: depositsContext.schema, source: depositsContext.source }],
    logger: pino({ level: 'silent' }),
    pollIntervalMs: 50,
  })
  await transport.start(projectEvent)
  stops.push(() => transport.stop())
  const view = await eventually(async () => {
    const current = await getDeposit(db.pool, 'release-one-ridge')
    return current?.version === 4 ? current : undefined
  }, 20_000)
  t.equal(view.stage, 'feasibility', 'the reversal set aside before now applies')
  t.same((await listDeadLetters(db.pool, { limit: 10 })).items, [], 'and is no longer listed as a dead letter')
})
