import { KafkaBrokers, KafkaPartitions, LogLevel, Port, PostgresUrl } from '@ree/platform'
import { z } from 'zod'

export const ProjectionConfig = z.object({
  DATABASE_URL: PostgresUrl.meta({
    description: 'Where the read models (and, for the Postgres log, the event stores) live',
  }),
  PORT: Port(3004),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
  KAFKA_BROKERS: KafkaBrokers.optional(),
  KAFKA_PARTITIONS: KafkaPartitions,
  KAFKA_GROUP_ID: z.string().min(1).default('ree-projection'),
})
export type ProjectionConfig = z.output<typeof ProjectionConfig>
