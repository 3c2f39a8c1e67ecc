import { KafkaBrokers, KafkaPartitions, LogFormat, LogLevel, Port, PostgresUrl } from '@ree/platform'
import { z } from 'zod'

export const ProjectionConfig = z.object({
  DATABASE_URL: PostgresUrl.meta({
    description: 'Where the read models (and, for the Postgres log, the event stores) live',
  }),
  PORT: Port(3004),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
  LOG_FORMAT: LogFormat,
  KAFKA_BROKERS: KafkaBrokers.optional(),
  KAFKA_PARTITIONS: KafkaPartitions,
  KAFKA_GROUP_ID: z.string().min(1).default('ree-projection'),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(6000),
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().positive().default(500),
  PROJECTION_MAX_LAG: z.coerce.number().int().min(0).default(10_000),
})
export type ProjectionConfig = z.output<typeof ProjectionConfig>
