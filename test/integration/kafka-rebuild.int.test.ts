import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type EventRow, toStoredEvent } from '@ree/event-store'
import { depositHistory, getDeposit, migrateReadModels, projectEvent } from '@ree/read-models'
import { createTestDatabase, eventually } from '@ree/testing'
import { createKafka, ensureTopics, kafkaTransport } from '@ree/transport'
import { pino } from 'pino'
import t from 'tap'

const brokers = process.env.KAFKA_BROKERS
if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests with `pnpm test`, which starts a broker')

const logger = pino({ level: 'silent' })
const db = await createTestDatabase()
const run = randomUUID().slice(0, 8)
const topic = `test.rebuild-${run}.events.v1`
const groupId = `projection-rebuild-${run}`
const kafka = createKafka({ brokers: brokers.split(','), clientId: `test-${run}`, logger })
await ensureTopics(kafka, [topic], { partitions: 2 })
const stops: Array<() => Promise<void>> = []
t.teardown(async () => {
  for (const stop of stops.reverse()) await stop()
  await db.drop()
})

// One deposit's events as the previous release's relay published them: its stage events are v1.
const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/release-1/rows.json'), 'utf8'))
const published = (fixture['deposits.events'] as Array<EventRow & { recorded_at: string }>)
  .filter((row) => row.stream_id === 'deposit-release-one-ridge')
  .map((row) => toStoredEvent({ ...row, recorded_at: new Date(row.recorded_at) }, '/ree/deposits').event)
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
await producer.connect()
await producer.send({
  topic,
  acks: -1,
  messages: published.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
})
await producer.disconnect()

t.test(
  'after an upgrade resets the read models, the Kafka projection rebuilds them from the start of the topics',
  async (t) => {
    // The previous release's layout and its projection, which consumed the topic and committed its offsets.
    await db.pool.query('CREATE SCHEMA read_models; CREATE TABLE read_models.deposits (id text PRIMARY KEY)')
    const previous = kafkaTransport({ kafka, pool: db.pool, groupId, topics: [topic], logger })
    await previous.start(async (client, event) => {
      await client.query('INSERT INTO read_models.deposits VALUES ($1) ON CONFLICT DO NOTHING', [event.subject])
    })
    const consumed = async () => (await db.pool.query('SELECT count(*)::int AS n FROM read_models.deposits')).rows[0].n
    await eventually(async () => ((await consumed()) === 1 ? true : undefined), 30_000)
    const positions = async () =>
      (
        await db.pool.query('SELECT sum(next_offset)::int AS n FROM projection.kafka_offsets WHERE group_id = $1', [
          groupId,
        ])
      ).rows[0].n
    await eventually(async () => ((await positions()) === published.length ? true : undefined), 30_000)
    await previous.stop()

    t.same(await migrateReadModels(db.pool), { rebuilt: true }, 'the new release finds the previous layout')
    const current = kafkaTransport({ kafka, pool: db.pool, groupId, topics: [topic], logger })
    await current.start(projectEvent)
    stops.push(() => current.stop())
    const ridge = await eventually(async () => {
      const view = await getDeposit(db.pool, 'release-one-ridge')
      return view?.version === published.length ? view : undefined
    }, 30_000)
    t.equal(ridge.stage, 'feasibility', 'the v1 stage events on the topic are folded')
    const history = await depositHistory(db.pool, 'release-one-ridge', { limit: 10 })
    t.same(
      history.items.map((event) => event.type),
      [
        'ree.deposit.registered.v1',
        'ree.deposit.stage-advanced.v2',
        'ree.deposit.stage-advanced.v2',
        'ree.deposit.stage-reversed.v2',
      ],
    )
  },
)
