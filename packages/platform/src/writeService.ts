import type { ContextDefinition } from '@ree/contracts'
import { outboxBacklog, relayToKafka } from '@ree/transport'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import { z } from 'zod'
import {
  EffectiveDateHorizonYears,
  KafkaBrokers,
  KafkaPartitions,
  LogFormat,
  LogLevel,
  Port,
  PostgresUrl,
} from './config.ts'
import { createPool } from './database.ts'
import { createLogger } from './logger.ts'
import { addProbe } from './metrics.ts'
import type { Server } from './server.ts'
import { closeOnSignals } from './shutdown.ts'
import { listenOrExplain } from './start.ts'

/** The environment of a write service; with `KAFKA_BROKERS` set, its outbox is relayed to Kafka. */
export const WriteServiceConfig = (defaultPort: number) =>
  z.object({
    DATABASE_URL: PostgresUrl,
    PORT: Port(defaultPort),
    HOST: z.string().default('127.0.0.1'),
    LOG_LEVEL: LogLevel,
    LOG_FORMAT: LogFormat,
    KAFKA_BROKERS: KafkaBrokers.optional(),
    KAFKA_PARTITIONS: KafkaPartitions,
    EFFECTIVE_DATE_HORIZON_YEARS: EffectiveDateHorizonYears,
    OUTBOX_RETENTION_SECONDS: z.coerce.number().min(0).default(86_400),
    OUTBOX_PRUNE_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
    OUTBOX_MAX_AGE_SECONDS: z.coerce.number().positive().default(30),
  })
export type WriteServiceConfig = z.output<ReturnType<typeof WriteServiceConfig>>

/**
 * Runs a write service until a signal: its pool, its app, the Kafka relay when
 * configured, then listens. At SIGTERM it stops taking requests, lets the commands
 * in flight finish, flushes the relay, and closes the pool.
 */
export async function runWriteService(options: {
  context: ContextDefinition
  config: WriteServiceConfig
  buildApp: (deps: {
    pool: pg.Pool
    logger: FastifyBaseLogger
    horizonYears: number
    relaysOutbox: boolean
  }) => Promise<Server>
}): Promise<void> {
  const { context, config } = options
  const logger = createLogger(context.name, config)
  const pool = createPool(config.DATABASE_URL, logger)
  const app = await options.buildApp({
    pool,
    logger,
    horizonYears: config.EFFECTIVE_DATE_HORIZON_YEARS,
    relaysOutbox: config.KAFKA_BROKERS !== undefined,
  })
  const kafka = config.KAFKA_BROKERS
    ? await relayToKafka({
        pool,
        context,
        brokers: config.KAFKA_BROKERS,
        partitions: config.KAFKA_PARTITIONS,
        logger,
        tuning: {
          retentionMs: config.OUTBOX_RETENTION_SECONDS * 1000,
          pruneIntervalMs: config.OUTBOX_PRUNE_INTERVAL_SECONDS * 1000,
        },
      })
    : undefined
  const removeProbes: Array<() => void> = []
  if (kafka) {
    const service = { service: context.name }
    app.readiness.addReport('kafka', () => kafka.broker.check())
    app.readiness.addReport('outbox', async () => {
      const { oldestAgeSeconds, pending } = await outboxBacklog(pool, context.schema)
      if (oldestAgeSeconds > config.OUTBOX_MAX_AGE_SECONDS) {
        throw new Error(
          `${pending} outbox rows wait; the oldest for ${Math.round(oldestAgeSeconds)} s (OUTBOX_MAX_AGE_SECONDS=${config.OUTBOX_MAX_AGE_SECONDS})`,
        )
      }
    })
    removeProbes.push(
      addProbe('ree_broker_up', async () => [{ labels: service, value: kafka.broker.isUp() ? 1 : 0 }]),
      addProbe('ree_outbox_backlog', async () => [
        { labels: service, value: (await outboxBacklog(pool, context.schema)).pending },
      ]),
      addProbe('ree_outbox_oldest_unsent_age_seconds', async () => [
        { labels: service, value: (await outboxBacklog(pool, context.schema)).oldestAgeSeconds },
      ]),
    )
  }
  closeOnSignals(logger, async () => {
    await app.close()
    await kafka?.relay.stop()
    kafka?.broker.stop()
    for (const remove of removeProbes) remove()
    await pool.end()
  })
  await listenOrExplain(app, { port: config.PORT, host: config.HOST })
}
