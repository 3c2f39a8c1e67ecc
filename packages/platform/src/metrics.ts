import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import client from 'prom-client'

/** One registry per process: in embedded mode every service's series share it, told apart by `service`. */
export const metricsRegistry = new client.Registry()
client.collectDefaultMetrics({ register: metricsRegistry })

const registers = [metricsRegistry]

export const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by service, method, route and status code',
  labelNames: ['service', 'method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
})

export const commandsTotal = new client.Counter({
  name: 'ree_commands_total',
  help: 'Commands handled, by outcome: accepted, replayed (same Idempotency-Key), refused (a rule), conflict (409/412), not-found, error',
  labelNames: ['service', 'command', 'outcome'],
  registers,
})

export const eventsAppendedTotal = new client.Counter({
  name: 'ree_events_appended_total',
  help: 'Events appended to the event store',
  labelNames: ['service'],
  registers,
})

export const readYourWritesTimeoutsTotal = new client.Counter({
  name: 'ree_read_your_writes_timeouts_total',
  help: 'Reads with minVersion that gave up waiting for the read model (503)',
  registers,
})

export interface Sample {
  labels: Record<string, string | number>
  value: number
}
export type Probe = () => Promise<Sample[]>

/** Gauges read at scrape time from whoever registered a probe (a pool, a transport, a relay). */
const probedGauges = {
  ree_outbox_backlog: { help: 'Outbox rows not yet published to Kafka', labelNames: ['service'] },
  ree_outbox_oldest_unsent_age_seconds: {
    help: 'Age of the oldest outbox row not yet published (0 when none)',
    labelNames: ['service'],
  },
  ree_broker_up: { help: '1 when the Kafka broker answers, 0 when it does not', labelNames: ['service'] },
  ree_consumer_lag: {
    help: "Messages behind the partition's high-water mark, from the offsets the projection applied",
    labelNames: ['group', 'topic', 'partition'],
  },
  ree_projection_behind_head: {
    help: 'Events in an event store the projection has not applied yet (Postgres log)',
    labelNames: ['subscription', 'stream'],
  },
  ree_dead_letters: { help: 'Dead letters not yet resolved', labelNames: ['subscription'] },
  ree_readiness: { help: '1 when a readiness check passes, 0 when it fails', labelNames: ['service', 'check'] },
} as const
export type ProbedGauge = keyof typeof probedGauges

const probes = new Map<ProbedGauge, Set<Probe>>()
for (const [name, definition] of Object.entries(probedGauges) as Array<
  [ProbedGauge, (typeof probedGauges)[ProbedGauge]]
>) {
  probes.set(name, new Set())
  new client.Gauge({
    name,
    help: definition.help,
    labelNames: [...definition.labelNames],
    registers,
    async collect() {
      this.reset()
      for (const probe of probes.get(name) ?? []) {
        // A probe whose dependency is down leaves its series out rather than failing the scrape.
        const samples = await probe().catch(() => [])
        for (const sample of samples) this.set(sample.labels, sample.value)
      }
    },
  })
}

/** Registers a probe for a gauge; returns the function that removes it (at close). */
export function addProbe(gauge: ProbedGauge, probe: Probe): () => void {
  probes.get(gauge)?.add(probe)
  return () => void probes.get(gauge)?.delete(probe)
}

/** `/metrics` in the Prometheus text format, and the HTTP duration of every request of this app. */
declare module 'fastify' {
  interface FastifyInstance {
    /** The service this app is, as its metrics and readiness name it. */
    serviceName: string
  }
}

export const metricsPlugin = fp(
  async function metrics(app: FastifyInstance, options: { service: string }) {
    app.decorate('serviceName', options.service)
    app.addHook('onResponse', async (request, reply) => {
      httpRequestDuration.observe(
        {
          service: options.service,
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: reply.statusCode,
        },
        reply.elapsedTime / 1000,
      )
    })
    app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) =>
      reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics()),
    )
  },
  { name: 'ree-metrics' },
)
