import { randomUUID } from 'node:crypto'
import { appendToStream, migrateEventStore } from '@ree/event-store'
import { createTestDatabase, eventually } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'
import { createKafka, deadLetterTopic, ensureTopics, kafkaTransport, outboxRelay } from '../src/index.ts'

const brokers = process.env.KAFKA_BROKERS
if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the tests with `pnpm test`, which starts a broker')

const logger = pino({ level: 'silent' })
const db = await createTestDatabase()
const run = randomUUID().slice(0, 8)
const schema = 'relay_test'
const source = '/ree/deposits'
const topic = `test.relay-${run}.events.v1`
const kafka = createKafka({ brokers: brokers.split(','), clientId: `test-${run}`, logger })
await migrateEventStore(db.pool, schema)
await ensureTopics(kafka, [topic], { partitions: 3 })
await ensureTopics(kafka, [topic], { partitions: 3 })

const stops: Array<() => Promise<void>> = []
t.teardown(async () => {
  for (const stop of stops.reverse()) await stop()
  await db.drop()
})

async function append(subject: string, version: number, data: Record<string, unknown> = { n: version }) {
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN')
    await appendToStream(client, {
      schema,
      streamId: `deposit-${subject}`,
      subject,
      expectedVersion: version - 1,
      outbox: { topic },
      events: [
        {
          type: 'ree.deposit.stage-advanced.v1',
          data,
          effectiveDate: '2025-05-05',
          correlationId: randomUUID(),
          causationId: randomUUID(),
        },
      ],
    })
    await client.query('COMMIT')
  } finally {
    client.release()
  }
}

t.test('topics are created with explicit partitions and unlimited retention, with a DLQ', async (t) => {
  const admin = kafka.admin()
  await admin.connect()
  const metadata = await admin.fetchTopicMetadata({ topics: [topic, deadLetterTopic(topic)] })
  t.same(
    metadata.topics.map((entry) => entry.partitions.length),
    [3, 3],
  )
  const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] })
  const retention = configs.resources[0]?.configEntries.find((entry) => entry.configName === 'retention.ms')
  t.equal(retention?.configValue, '-1')
  await admin.disconnect()
})

t.test('the relay publishes in order per aggregate, keyed by aggregate id; one relay leads', async (t) => {
  const first = outboxRelay({ pool: db.pool, kafka, schema, source, logger })
  const second = outboxRelay({ pool: db.pool, kafka, schema, source, logger })
  first.start()
  stops.push(() => first.stop())
  await eventually(async () => (first.isLeader() ? true : undefined))
  second.start()
  stops.push(() => second.stop())
  for (let version = 1; version <= 5; version++) {
    await append('alpha', version)
    await append('beta', version)
  }
  const pending = async () =>
    (await db.pool.query(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL`)).rows[0].n
  await eventually(async () => ((await pending()) === 0 ? true : undefined), 15_000)
  t.notOk(second.isLeader(), 'the second relay stands by')

  const consumer = kafka.consumer({ groupId: `reader-${run}` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: Array<{ key: string; version: number; type: string; correlation: string }> = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}')
      seen.push({
        key: message.key?.toString() ?? '',
        version: event.streamversion,
        type: event.type,
        correlation: message.headers?.['correlation-id']?.toString() ?? '',
      })
    },
  })
  await eventually(async () => (seen.length >= 10 ? true : undefined), 15_000)
  await consumer.disconnect()
  t.equal(seen.length, 10, 'every event published once')
  for (const key of ['alpha', 'beta']) {
    t.same(
      seen.filter((entry) => entry.key === key).map((entry) => entry.version),
      [1, 2, 3, 4, 5],
      `${key} arrives in stream order`,
    )
  }
  t.ok(seen.every((entry) => entry.type === 'ree.deposit.stage-advanced.v1' && entry.correlation.length === 36))

  await first.stop()
  await append('gamma', 1)
  await eventually(async () => (second.isLeader() && (await pending()) === 0 ? true : undefined), 15_000)
  t.pass('when the leader stops, the stand-by takes over and publishes')
})

t.test('the consumer group applies each event once, keeps offsets in Postgres, and sets poison aside', async (t) => {
  await db.pool.query('CREATE TABLE applied (event_id uuid PRIMARY KEY, subject text, version int)')
  const transport = kafkaTransport({ kafka, pool: db.pool, groupId: `projection-${run}`, topics: [topic], logger })
  await transport.start(async (client, event) => {
    if (event.data.poison) throw new Error('this event cannot be applied')
    await client.query('INSERT INTO applied VALUES ($1, $2, $3)', [event.id, event.subject, event.streamversion])
  })
  stops.push(() => transport.stop())
  t.ok(transport.isRunning())
  const applied = async () => (await db.pool.query('SELECT count(*)::int AS n FROM applied')).rows[0].n as number
  await eventually(async () => ((await applied()) === 11 ? true : undefined), 20_000)

  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic,
    messages: [
      { key: 'alpha', value: 'not json at all' },
      { key: 'alpha', value: Buffer.from([0x7b, 0x00, 0xff, 0x7d]) },
    ],
  })
  await producer.disconnect()
  await append('delta', 1, { poison: true })
  await append('delta', 2)
  await append('epsilon', 1)
  await eventually(async () => ((await applied()) === 13 ? true : undefined), 20_000)
  t.pass('events after the poison ones are still applied')

  const dlq = kafka.consumer({ groupId: `dlq-${run}` })
  await dlq.connect()
  await dlq.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true })
  const letters: Array<{ error: string; value: string }> = []
  await dlq.run({
    eachMessage: async ({ message }) => {
      letters.push({ error: message.headers?.['dlq-error']?.toString() ?? '', value: message.value?.toString() ?? '' })
    },
  })
  await eventually(async () => (letters.length >= 3 ? true : undefined), 15_000)
  await dlq.disconnect()
  t.match(
    letters.map((letter) => letter.error).sort(),
    [/^failed 3 times: this event cannot be applied/, /^not a ledger CloudEvent/, /^not a ledger CloudEvent/],
    'each with the error that made it poison',
  )
  const offsets = await db.pool.query(
    'SELECT sum(next_offset)::int AS n FROM projection.kafka_offsets WHERE group_id = $1',
    [`projection-${run}`],
  )
  t.equal(offsets.rows[0].n, 16, 'the consumed positions are stored in Postgres, past the poison events')
  const stored = await db.pool.query(
    `SELECT event FROM projection.dead_letters WHERE subscription = $1 AND event ? 'base64'`,
    [`projection-${run}`],
  )
  t.same(stored.rows, [{ event: { base64: 'ewD/fQ==' } }], 'bytes PostgreSQL cannot store as text are kept in base64')
})

t.test('two projection instances in one group share the partitions and apply each event once', async (t) => {
  const shared = `test.shared-${run}.events.v1`
  await ensureTopics(kafka, [shared], { partitions: 4 })
  await db.pool.query('CREATE TABLE shared_applied (event_id uuid PRIMARY KEY, instance text NOT NULL)')
  const groupId = `shared-${run}`
  const instance = () => kafkaTransport({ kafka, pool: db.pool, groupId, topics: [shared], logger })
  const [first, second] = [instance(), instance()]
  for (const [name, transport] of [
    ['first', first],
    ['second', second],
  ] as const) {
    await transport.start(async (client, event) => {
      await client.query('INSERT INTO shared_applied VALUES ($1, $2)', [event.id, name])
    })
    stops.push(() => transport.stop())
  }
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const events = Array.from({ length: 40 }, (_, n) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/ree/deposits',
    type: 'ree.deposit.stage-advanced.v1',
    subject: `shared-${n}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    streamversion: 1,
    effectivedate: '2025-05-05',
    correlationid: randomUUID(),
    causationid: randomUUID(),
    data: {},
  }))
  await producer.send({
    topic: shared,
    acks: -1,
    messages: events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
  })
  await producer.disconnect()
  const applied = async () =>
    (
      await db.pool.query<{ instance: string; n: number }>(
        'SELECT instance, count(*)::int AS n FROM shared_applied GROUP BY instance ORDER BY instance',
      )
    ).rows
  const rows = await eventually(async () => {
    const current = await applied()
    return current.reduce((sum, row) => sum + row.n, 0) === 40 ? current : undefined
  }, 30_000)
  t.equal(
    rows.length,
    2,
    `both instances applied events (${rows.map((row) => `${row.instance}: ${row.n}`).join(', ')})`,
  )
})
