import { dealsContext } from '@ree/contracts'
import { migrateEventStore } from '@ree/event-store'
import { createServer, healthPlugin, settingsOf } from '@ree/platform'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import { dealRoutes } from './deal/routes.ts'

export interface DealsDeps {
  pool: pg.Pool
  logLevel?: string
  logger?: FastifyBaseLogger
  /** How many years ahead an effective date may lie; the router's default (2) when absent. */
  horizonYears?: number
  /** True when a relay publishes the outbox (distributed mode): commands then write outbox rows. */
  relaysOutbox?: boolean
}

/** The deals write service: command endpoints under `/v1`. Never listens by itself. */
export async function buildDealsApp(deps: DealsDeps) {
  await migrateEventStore(deps.pool, dealsContext.schema)
  const app = createServer({ service: 'deals', ...deps })
  await app.register(healthPlugin, { checks: { postgres: async () => void (await deps.pool.query('SELECT 1')) } })
  await app.register(dealRoutes(deps.pool, settingsOf(deps)), { prefix: '/v1' })
  return app
}
