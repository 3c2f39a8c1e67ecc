import { KafkaBrokers, KafkaPartitions, LogLevel, Port, PostgresUrl } from '@ree/platform'
import { z } from 'zod'

export const DepositsConfig = z.object({
  DATABASE_URL: PostgresUrl,
  PORT: Port(3001),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
  KAFKA_BROKERS: KafkaBrokers.optional(),
  KAFKA_PARTITIONS: KafkaPartitions,
})
export type DepositsConfig = z.output<typeof DepositsConfig>
