import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type CloudEvent, depositsContext } from '@ree/contracts'
import { freePort } from '@ree/embedded'
import { readStream } from '@ree/event-store'
import { depositModel, type StateRow, statesOfHistory } from '@ree/read-models'
import { createTestDatabase, eventually, processKeys } from '@ree/testing'
import { createKafka, deadLetterTopic } from '@ree/transport'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { pino } from 'pino'
import t from 'tap'
import { startKafka } from '../../infra/kafka/kafka.ts'

const root = resolve(import.meta.dirname, '../..')
const ajv = new Ajv.default({ strict: false })
addFormats.default(ajv)
const isCloudEvent = ajv.compile(
  JSON.parse(readFileSync(resolve(root, '../shared/conformance/cloudevents.schema.json'), 'utf8')),
)

// This file stops and restarts its broker, so it runs one of its own on a fixed port and data dir.
const kafkaDir = await mkdtemp(join(tmpdir(), 'ree-kafka-'))
const kafkaPort = await freePort()
let broker = await startKafka({ port: kafkaPort, dataDir: kafkaDir })
const brokers = broker.brokers
const db = await createTestDatabase()
const logger = pino({ level: 'silent' })
const kafka = createKafka({ brokers: [brokers], clientId: 'kafka-e2e', logger })

const children = new Set<ChildProcess>()
t.teardown(async () => {
  await Promise.all([...children].map((child) => stopProcess(child, 'SIGTERM')))
  await broker.stop()
  await rm(kafkaDir, { recursive: true, force: true })
  await db.drop()
})

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  children.delete(child)
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill(signal)
  return exited
}

/** One service as its own process, configured from the environment alone. */
async function service(entry: string, env: Record<string, string> = {}) {
  const port = await freePort()
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      KAFKA_PARTITIONS: '3',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.add(child)
  const base = `http://127.0.0.1:${port}`
  await eventually(
    () =>
      fetch(`${base}/health/ready`).then(
        (response) => (response.status === 200 ? true : undefined),
        () => undefined,
      ),
    30_000,
  )
  return { base, child }
}

const deposits = await service('services/deposits/src/main.ts')
const deals = await service('services/deals/src/main.ts')
const tradeFlows = await service('services/trade-flows/src/main.ts')
let projection = await service('services/projection/src/main.ts')
// The gateway takes its keys from the environment, as hashes only.
const keys = processKeys('e2e')
const gateway = await service('services/gateway/src/main.ts', {
  DEPOSITS_URL: deposits.base,
  DEALS_URL: deals.base,
  TRADE_FLOWS_URL: tradeFlows.base,
  API_KEYS: keys.API_KEYS,
})

const register = (id: string) =>
  fetch(`${gateway.base}/v1/deposits`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `register-${id}`,
      authorization: keys.editor,
    },
    body: JSON.stringify({
      id,
      name: `Deposit ${id}`,
      country: 'FI',
      elements: [{ element: 'Dy' }],
      effectiveDate: '2025-07-07',
      sources: [{ publisher: 'kafka e2e' }],
    }),
  }).then(
    (response) => response.status,
    () => 0,
  )

const readModelCount = async (prefix: string) =>
  (
    await db.pool.query('SELECT count(*)::int AS n FROM read_models.deposit_streams WHERE id LIKE $1 AND version > 0', [
      `${prefix}%`,
    ])
  ).rows[0].n as number

t.test('commands through the gateway become CloudEvents on the topic and show up in the read models', async (t) => {
  t.equal(await register('kafka-first'), 201)
  const consumer = kafka.consumer({ groupId: 'e2e-reader' })
  await consumer.connect()
  await consumer.subscribe({ topic: depositsContext.topic, fromBeginning: true })
  const seen: Array<{ key: string; event: CloudEvent; contentType: string; traceparent: string }> = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({
        key: message.key?.toString() ?? '',
        event: JSON.parse(message.value?.toString() ?? '{}'),
        contentType: message.headers?.['content-type']?.toString() ?? '',
        traceparent: message.headers?.traceparent?.toString() ?? '',
      })
    },
  })
  const published = await eventually(async () => seen.find((entry) => entry.key === 'kafka-first'), 20_000)
  await consumer.disconnect()
  t.ok(isCloudEvent(published.event), 'valid against the published CloudEvents schema')
  t.match(published.event, {
    specversion: '1.0',
    type: 'ree.deposit.registered.v1',
    source: '/ree/deposits',
    subject: 'kafka-first',
    streamversion: 1,
    data: { depositId: 'kafka-first', country: 'FI' },
  })
  t.match(published.contentType, /^application\/cloudevents\+json/)
  t.match(published.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'a trace is started and carried in the headers')
  t.equal(published.event.traceparent, published.traceparent, 'and in the CloudEvent')
  const read = await fetch(`${gateway.base}/v1/deposits/kafka-first?minVersion=1`)
  t.equal(read.status, 200, 'the projection consumed it into the read model')
})

t.test('every context publishes to its own topic and the projection reads all of them', async (t) => {
  const post = (path: string, payload: object) =>
    fetch(`${gateway.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: keys.editor },
      body: JSON.stringify(payload),
    })
  const seed = (file: string, path: string) => {
    const commands = JSON.parse(readFileSync(resolve(root, 'seeds', file), 'utf8')) as Array<{
      path: string
      body: object
    }>
    const first = commands.find((command) => command.path === path)
    if (!first) throw new Error(`no ${path} command in ${file}`)
    return first.body
  }
  const deal = await post('/v1/deals', { ...seed('deals.json', '/v1/deals'), id: 'kafka-deal' })
  const restriction = await post('/v1/restrictions', {
    ...seed('trade-flows.json', '/v1/restrictions'),
    id: 'kafka-halt',
  })
  t.same([deal.status, restriction.status], [201, 201], 'a deal and a restriction are recorded')
  t.equal(
    (await fetch(`${gateway.base}/v1/deals/kafka-deal?minVersion=1`)).status,
    200,
    'the deal reached its read model',
  )
  t.equal(
    (await fetch(`${gateway.base}/v1/restrictions/kafka-halt?minVersion=1`)).status,
    200,
    'the restriction reached its read model',
  )
  const admin = kafka.admin()
  await admin.connect()
  for (const topic of ['ree.deals.events.v1', 'ree.trade-flows.events.v1']) {
    const offsets = await admin.fetchTopicOffsets(topic)
    t.ok(
      offsets.some((partition) => Number(partition.high) > 0),
      `${topic} holds the event`,
    )
  }
  await admin.disconnect()
})

t.test('facilities, country figures and blockings ride the deposits topic and reach their read models', async (t) => {
  const post = (path: string, payload: object) =>
    fetch(`${gateway.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: keys.editor },
      body: JSON.stringify(payload),
    })
  const provenance = { effectiveDate: '2025-06-01', sources: [{ publisher: 'Kafka Gazette' }] }
  const facility = await post('/v1/facilities', {
    id: 'kafka-plant',
    name: 'Kafka Plant',
    country: 'US',
    stages: ['magnet'],
    status: 'operating',
    ...provenance,
  })
  const figure = await post('/v1/countries/US/figures', {
    year: 2024,
    metric: 'mine-production',
    value: 45000,
    unit: 't REO',
    ...provenance,
  })
  const deposit = await register('kafka-blocked')
  const blocked = await post('/v1/deposits/kafka-blocked/blockings', {
    kind: 'blocked',
    authority: { type: 'court', name: 'A court' },
    legalReference: 'Order 1',
    ...provenance,
    effectiveDate: '2025-08-01',
  })
  t.same(
    [facility.status, figure.status, deposit, blocked.status],
    [201, 200, 201, 200],
    'a facility, a country figure and a blocking are recorded',
  )
  const tokens = [facility, figure, blocked].map((response) => response.headers.get('consistency-token'))
  const read = async (path: string) =>
    (await (await fetch(`${gateway.base}${path}`, { headers: { 'consistency-token': tokens.join(',') } })).json()) as {
      items?: unknown[]
      figures?: unknown[]
    }
  t.match(await read('/v1/facilities?country=US&stage=magnet'), { items: [{ id: 'kafka-plant' }] })
  t.match((await read('/v1/countries/US')).figures, [{ metric: 'mine-production', value: 45000 }])
  t.match(await read('/v1/deposits/kafka-blocked'), { blocked: true, blocking: { legalReference: 'Order 1' } })
  const admin = kafka.admin()
  await admin.connect()
  const offsets = await admin.fetchTopicOffsets('ree.deposits.events.v1')
  await admin.disconnect()
  t.ok(
    offsets.reduce((sum, partition) => sum + Number(partition.high), 0) >= 4,
    'the deposits topic holds them (and the deposits before them)',
  )
})

t.test('the broker stops during a burst of commands and comes back: every accepted command arrives once', async (t) => {
  const statuses: number[] = []
  const burst = (async () => {
    for (let n = 0; n < 60; n++) {
      statuses.push(await register(`burst-${String(n).padStart(2, '0')}`))
      await sleep(30)
    }
  })()
  await sleep(500)
  await broker.stop()
  await sleep(2000)
  broker = await startKafka({ port: kafkaPort, dataDir: kafkaDir })
  await burst
  const accepted = statuses.filter((status) => status === 201).length
  t.equal(accepted, 60, 'the write side accepts commands while the broker is down')
  await eventually(async () => ((await readModelCount('burst-')) === accepted ? true : undefined), 60_000)
  const history = await db.pool.query(
    `SELECT id, count(*)::int AS n FROM read_models.deposit_events WHERE id LIKE 'burst-%' GROUP BY id`,
  )
  t.equal(history.rows.length, accepted, 'every accepted command reached the read model')
  t.ok(
    history.rows.every((row) => row.n === 1),
    'none twice',
  )
})

t.test(
  'the projection killed mid-batch and restarted: the read model equals a rebuild from the event store',
  async (t) => {
    const burst = Promise.all(Array.from({ length: 80 }, (_, n) => register(`crash-${String(n).padStart(2, '0')}`)))
    await eventually(async () => ((await readModelCount('crash-')) > 5 ? true : undefined), 30_000)
    await stopProcess(projection.child, 'SIGKILL')
    await burst
    projection = await service('services/projection/src/main.ts')
    await eventually(async () => ((await readModelCount('crash-')) === 80 ? true : undefined), 60_000)

    const ids = await db.pool.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM deposits.events WHERE subject LIKE 'crash-%' ORDER BY stream_id`,
    )
    const rebuilt: StateRow[] = []
    for (const { stream_id } of ids.rows) {
      const history = await readStream(db.pool, { schema: 'deposits', source: '/ree/deposits', streamId: stream_id })
      rebuilt.push(
        ...statesOfHistory(
          depositModel,
          history.map((stored) => stored.event),
        ),
      )
    }
    const stored = await db.pool.query<{
      id: string
      valid_from: string
      valid_to: string
      recorded_from: Date
      recorded_to: string
      view: Record<string, unknown>
    }>(
      `SELECT id, valid_from::text, valid_to::text, recorded_from, recorded_to::text, view
       FROM read_models.deposit_states WHERE id LIKE 'crash-%'`,
    )
    const key = (row: { id: string; validFrom: string; recordedFrom: string }) =>
      `${row.id}|${row.validFrom}|${row.recordedFrom}`
    const asRows = stored.rows.map((row) => ({
      id: row.id,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      recordedFrom: row.recorded_from.toISOString(),
      recordedTo: row.recorded_to === 'infinity' ? 'infinity' : new Date(row.recorded_to).toISOString(),
      view: row.view,
    }))
    t.equal(new Set(asRows.map((row) => row.id)).size, 80, 'the same deposits')
    t.same(
      Object.fromEntries(asRows.map((row) => [key(row), row])),
      Object.fromEntries(rebuilt.map((row) => [key(row), row])),
      'and the same states, in both times, as a rebuild from scratch: none applied twice or skipped',
    )
  },
)

t.test('a poison event goes to the DLQ and later events on its partition are still applied', async (t) => {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic: depositsContext.topic,
    messages: [{ key: 'after-poison', value: JSON.stringify({ specversion: '1.0', type: 'nonsense' }) }],
  })
  await producer.disconnect()
  t.equal(await register('after-poison'), 201)
  await eventually(async () => ((await readModelCount('after-poison')) === 1 ? true : undefined), 30_000)
  const dlq = kafka.consumer({ groupId: 'e2e-dlq-reader' })
  await dlq.connect()
  await dlq.subscribe({ topic: deadLetterTopic(depositsContext.topic), fromBeginning: true })
  const letters: string[] = []
  await dlq.run({
    eachMessage: async ({ message }) => void letters.push(message.headers?.['dlq-error']?.toString() ?? ''),
  })
  await eventually(async () => (letters.length > 0 ? true : undefined), 20_000)
  await dlq.disconnect()
  t.match(letters[0], /not a ledger CloudEvent/)
  const recorded = (await (
    await fetch(`${gateway.base}/v1/dead-letters`, { headers: { authorization: keys.admin } })
  ).json()) as {
    items: Array<{ stream: string; error: string; position: string }>
  }
  t.match(
    recorded.items,
    [{ stream: depositsContext.topic, error: /not a ledger CloudEvent/, position: /^\d+:\d+$/ }],
    'operators see it through the API too',
  )
})
