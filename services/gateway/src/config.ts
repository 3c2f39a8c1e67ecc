import { LogFormat, LogLevel, Port, PostgresUrl } from '@ree/platform'
import { z } from 'zod'
import { TrustConfig } from './trust/config.ts'

export const GatewayConfig = z.object({
  DATABASE_URL: PostgresUrl.meta({ description: 'Where the read models live' }),
  PORT: Port(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: LogLevel,
  LOG_FORMAT: LogFormat,
  DEPOSITS_URL: z.url().default('http://127.0.0.1:3001'),
  DEALS_URL: z.url().default('http://127.0.0.1:3002'),
  TRADE_FLOWS_URL: z.url().default('http://127.0.0.1:3003'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  ...TrustConfig.shape,
})
export type GatewayConfig = z.output<typeof GatewayConfig>
