import type { ContextDefinition } from '@ree/contracts'
import { relayToKafka } from '@ree/transport'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import { pino } from 'pino'
import { z } from 'zod'
import { EffectiveDateHorizonYears, KafkaBrokers, KafkaPartitions, LogLevel, Port, PostgresUrl } from './config.ts'
import { createPool } from './database.ts'
import { loggerOptions } from './logger.ts'
import type { Server } from './server.ts'
import { closeOnSignals } from './shutdown.ts'

/** The environment of a write service; with `KAFKA_BROKERS` set, its outbox is relayed to Kafka. */
export const WriteServiceConfig = (defaultPort: number) =>
  z.object({
    DATABASE_URL: PostgresUrl,
    PORT: Port(defaultPort),
    HOST: z.string().default('127.0.0.1'),
    LOG_LEVEL: LogLevel,
    KAFKA_BROKERS: KafkaBrokers.optional(),
    KAFKA_PARTITIONS: KafkaPartitions,
    EFFECTIVE_DATE_HORIZON_YEARS: EffectiveDateHorizonYears,
  })
export type WriteServiceConfig = z.output<ReturnType<typeof WriteServiceConfig>>

/** Runs a write service until a signal: its pool, its app, the Kafka relay when configured, then listens. */
export async function runWriteService(options: {
  context: ContextDefinition
  config: WriteServiceConfig
  buildApp: (deps: { pool: pg.Pool; logger: FastifyBaseLogger; horizonYears: number }) => Promise<Server>
}): Promise<void> {
  const { context, config } = options
  const logger = pino(loggerOptions(context.name, config.LOG_LEVEL))
  const pool = createPool(config.DATABASE_URL, logger)
  const app = await options.buildApp({ pool, logger, horizonYears: config.EFFECTIVE_DATE_HORIZON_YEARS })
  const relay = config.KAFKA_BROKERS
    ? await relayToKafka({ pool, context, brokers: config.KAFKA_BROKERS, partitions: config.KAFKA_PARTITIONS, logger })
    : undefined
  closeOnSignals(logger, async () => {
    await app.close()
    await relay?.stop()
    await pool.end()
  })
  await app.listen({ port: config.PORT, host: config.HOST })
}
