import { LogLevel, Port, PostgresUrl } from '@ree/platform'
import { z } from 'zod'

export const DepositsConfig = z.object({
  DATABASE_URL: PostgresUrl,
  PORT: Port(3001),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
})
export type DepositsConfig = z.output<typeof DepositsConfig>
