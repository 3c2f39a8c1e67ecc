import { KafkaBrokers, KafkaPartitions, LogLevel, Port, PostgresUrl } from '@ree/platform'
import { z } from 'zod'

export const DealsConfig = z.object({
  DATABASE_URL: PostgresUrl,
  PORT: Port(3002),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
  KAFKA_BROKERS: KafkaBrokers.optional(),
  KAFKA_PARTITIONS: KafkaPartitions,
})
export type DealsConfig = z.output<typeof DealsConfig>
