import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { depositsContext, ledgerContexts } from '@ree/contracts'
import { freePort } from '@ree/embedded'
import { createTestDatabase, eventually, metricValue, parseMetrics, processKeys } from '@ree/testing'
import { createKafka } from '@ree/transport'
import { pino } from 'pino'
import t from 'tap'
import { startKafka } from '../../infra/kafka/kafka.ts'

// Running the distributed mode as an operator would: metrics, readiness, offsets, the outbox, traces.
t.setTimeout(300_000)
const root = resolve(import.meta.dirname, '../..')
// This file stops and restarts its broker, so it runs one of its own on a fixed port and data dir.
const kafkaDir = await mkdtemp(join(tmpdir(), 'ree-kafka-ops-'))
const kafkaPort = await freePort()
let broker = await startKafka({ port: kafkaPort, dataDir: kafkaDir })
const db = await createTestDatabase()
const kafka = createKafka({ brokers: [broker.brokers], clientId: 'operations-e2e', logger: pino({ level: 'silent' }) })

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
}
/** An in-process OTLP/HTTP (JSON) receiver: every service exports its spans here. */
const spans: Array<OtlpSpan & { service: string }> = []
const receiver = createServer((request, response) => {
  let body = ''
  request.on('data', (chunk: Buffer) => (body += chunk))
  request.on('end', () => {
    if (request.url !== '/v1/traces') return void response.writeHead(404).end()
    const exported = JSON.parse(body || '{}') as {
      resourceSpans?: Array<{
        resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }
        scopeSpans: Array<{ spans: OtlpSpan[] }>
      }>
    }
    for (const resource of exported.resourceSpans ?? []) {
      const service = resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? ''
      for (const scope of resource.scopeSpans) for (const span of scope.spans) spans.push({ ...span, service })
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})
await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening))
const receiverAddress = receiver.address()
const otlpEndpoint = `http://127.0.0.1:${typeof receiverAddress === 'object' && receiverAddress ? receiverAddress.port : 0}`

const children = new Set<ChildProcess>()
t.teardown(async () => {
  await Promise.all(
    [...children].map((child) => {
      const exited = new Promise<void>((done) => child.once('exit', () => done()))
      child.kill('SIGTERM')
      return exited
    }),
  )
  receiver.close()
  await broker.stop()
  await rm(kafkaDir, { recursive: true, force: true })
  await db.drop()
})

/** One service as its own process, configured from the environment alone. */
async function service(entry: string, env: Record<string, string> = {}) {
  const port = await freePort()
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      KAFKA_PARTITIONS: '3',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OUTBOX_RETENTION_SECONDS: '1',
      OUTBOX_PRUNE_INTERVAL_SECONDS: '1',
      OUTBOX_MAX_AGE_SECONDS: '3',
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
const projection = await service('services/projection/src/main.ts')
const keys = processKeys('ops')
const gateway = await service('services/gateway/src/main.ts', {
  API_KEYS: keys.API_KEYS,
  DEPOSITS_URL: deposits.base,
  DEALS_URL: deals.base,
  TRADE_FLOWS_URL: tradeFlows.base,
})

const register = (id: string) =>
  fetch(`${gateway.base}/v1/deposits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: keys.editor },
    body: JSON.stringify({
      id,
      name: `Deposit ${id}`,
      country: 'FI',
      elements: [{ element: 'Dy' }],
      effectiveDate: '2025-07-07',
      sources: [{ publisher: 'operations e2e' }],
    }),
  }).then(
    (response) => response.status,
    () => 0,
  )
const inReadModel = (id: string) =>
  eventually(async () => ((await fetch(`${gateway.base}/v1/deposits/${id}`)).status === 200 ? true : undefined), 30_000)
const metricsOf = async (base: string) => parseMetrics(await (await fetch(`${base}/metrics`)).text())

t.test(
  'one trace runs from the HTTP request through the write service, the outbox and Kafka into the projection',
  async (t) => {
    t.equal(await register('ops-traced'), 201)
    const stored = await db.pool.query<{ traceparent: string }>(
      `SELECT traceparent FROM deposits.events WHERE subject = 'ops-traced'`,
    )
    const traceId = stored.rows[0]?.traceparent.split('-')[1] ?? ''
    t.match(traceId, /^[0-9a-f]{32}$/, 'the event carries the trace')
    const expected = [
      ['gateway', 'POST'],
      ['deposits', 'POST'],
      ['deposits', `publish ${depositsContext.topic}`],
      ['projection', 'project ree.deposit.registered.v1'],
      ['projection', 'pg.query'],
    ]
    const trace = await eventually(async () => {
      const inTrace = spans.filter((span) => span.traceId === traceId)
      const complete = expected.every(([service, name]) =>
        inTrace.some((span) => span.service === service && span.name.startsWith(name ?? '')),
      )
      return complete ? inTrace : undefined
    }, 30_000).catch(() => spans.filter((span) => span.traceId === traceId))
    const names = (service: string) => trace.filter((span) => span.service === service).map((span) => span.name)
    t.ok(
      names('gateway').some((name) => name.startsWith('POST')),
      'the gateway received the request',
    )
    t.ok(
      names('deposits').some((name) => name.startsWith('POST')),
      'the write service handled the command',
    )
    t.ok(
      names('deposits').some((name) => name.startsWith('pg.query')),
      'and appended it',
    )
    t.ok(names('deposits').includes(`publish ${depositsContext.topic}`), 'the relay published it to Kafka')
    t.ok(names('projection').includes('project ree.deposit.registered.v1'), 'the projection applied it')
    t.ok(
      names('projection').some((name) => name.startsWith('pg.query')),
      'writing the read models',
    )
    const ids = new Set(trace.map((span) => span.spanId))
    const project = trace.find((span) => span.name === 'project ree.deposit.registered.v1')
    t.ok(project?.parentSpanId && ids.has(project.parentSpanId), 'as a child of a span of the same trace')
  },
)

t.test("the group's offsets committed on the broker equal the positions the projection applied", async (t) => {
  for (let n = 0; n < 12; n++) t.equal(await register(`ops-offsets-${n}`), 201)
  await inReadModel('ops-offsets-11')
  const admin = kafka.admin()
  await admin.connect()
  t.teardown(() => admin.disconnect())
  const topics = ledgerContexts.map((context) => context.topic)
  const compare = async () => {
    const applied = await db.pool.query<{ topic: string; partition: number; next_offset: string }>(
      `SELECT topic, partition, next_offset::text FROM projection.kafka_offsets WHERE group_id = 'ree-projection'
       ORDER BY topic, partition`,
    )
    const committed = await admin.fetchOffsets({ groupId: 'ree-projection', topics })
    const onBroker = committed
      .flatMap(({ topic, partitions }) => partitions.map((p) => ({ key: `${topic}:${p.partition}`, offset: p.offset })))
      .filter((entry) => entry.offset !== '-1')
      .sort((a, b) => a.key.localeCompare(b.key))
    const inPostgres = applied.rows
      .map((row) => ({ key: `${row.topic}:${row.partition}`, offset: row.next_offset }))
      .sort((a, b) => a.key.localeCompare(b.key))
    return { onBroker, inPostgres }
  }
  const offsets = await eventually(async () => {
    const found = await compare()
    return JSON.stringify(found.onBroker) === JSON.stringify(found.inPostgres) ? found : undefined
  }, 20_000).catch(compare)
  t.ok(offsets.inPostgres.length > 1, 'the projection applied events on several partitions')
  t.same(offsets.onBroker, offsets.inPostgres, "Kafka's tools see the true lag")
  const lag = (await metricsOf(projection.base)).filter((sample) => sample.name === 'ree_consumer_lag')
  t.equal(lag.length, 9, 'consumer lag per partition of the three topics')
  t.ok(
    lag.every((sample) => sample.labels.group === 'ree-projection' && sample.value === 0),
    'none behind',
  )
})

t.test('published outbox rows past the retention are pruned; the events stay', async (t) => {
  t.equal(await register('ops-pruned'), 201)
  await inReadModel('ops-pruned')
  const outboxRows = async () =>
    (
      await db.pool.query(
        `SELECT count(*)::int AS n FROM deposits.outbox o JOIN deposits.events e USING (event_id) WHERE e.subject = 'ops-pruned'`,
      )
    ).rows[0].n as number
  await eventually(async () => ((await outboxRows()) === 0 ? true : undefined), 20_000)
  const events = await db.pool.query(`SELECT count(*)::int AS n FROM deposits.events WHERE subject = 'ops-pruned'`)
  t.equal(events.rows[0].n, 1, 'the event itself is kept')
  const old = await db.pool.query(
    `SELECT count(*)::int AS n FROM deposits.outbox WHERE published_at < now() - interval '5 seconds'`,
  )
  t.equal(old.rows[0].n, 0, 'no published row outlives the retention')
  const metrics = await metricsOf(deposits.base)
  t.equal(metricValue(metrics, 'ree_outbox_backlog', { service: 'deposits' }), 0)
  t.equal(metricValue(metrics, 'ree_outbox_oldest_unsent_age_seconds', { service: 'deposits' }), 0)
  t.equal(metricValue(metrics, 'ree_broker_up', { service: 'deposits' }), 1)
  t.equal(metricValue(metrics, 'ree_commands_total', { service: 'deposits', outcome: 'accepted' }), 14)
})

t.test('a broker stopped for 10 s is reported by the write services in readiness and metrics', async (t) => {
  await broker.stop()
  const started = Date.now()
  try {
    t.equal(await register('ops-outage'), 201, 'commands are still accepted: the outbox holds them')
    const degraded = await eventually(async () => {
      const response = await fetch(`${deposits.base}/health/ready`)
      const body = (await response.json()) as { status: string; degraded?: Array<{ check: string }> }
      return response.status === 200 && body.degraded?.some((entry) => entry.check === 'outbox') ? body : undefined
    }, 9000)
    t.match(degraded, {
      status: 'degraded',
      degraded: [
        { check: 'kafka', message: /broker is unreachable/ },
        { check: 'outbox', message: /OUTBOX_MAX_AGE_SECONDS=3/ },
      ],
    })
    const metrics = await metricsOf(deposits.base)
    t.equal(metricValue(metrics, 'ree_broker_up', { service: 'deposits' }), 0)
    t.equal(metricValue(metrics, 'ree_outbox_backlog', { service: 'deposits' }), 1)
    t.equal(metricValue(metrics, 'ree_readiness', { service: 'deposits', check: 'kafka' }), 0)
    await sleep(Math.max(0, 10_000 - (Date.now() - started)))
  } finally {
    broker = await startKafka({ port: kafkaPort, dataDir: kafkaDir })
  }
  await eventually(async () => {
    const body = (await (await fetch(`${deposits.base}/health/ready`)).json()) as { status: string }
    return body.status === 'ready' ? true : undefined
  }, 30_000)
  await inReadModel('ops-outage')
  t.pass('ready again, and the command held in the outbox reached the read model')
})
