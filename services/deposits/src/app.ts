import { depositsContext } from '@ree/contracts'
import { migrateEventStore } from '@ree/event-store'
import { createServer, healthPlugin, settingsOf } from '@ree/platform'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import { countryRoutes } from './country/routes.ts'
import { depositRoutes } from './deposit/routes.ts'
import { facilityRoutes } from './facility/routes.ts'

export interface DepositsDeps {
  pool: pg.Pool
  logLevel?: string
  logger?: FastifyBaseLogger
  /** How many years ahead an effective date may lie; the router's default (2) when absent. */
  horizonYears?: number
  /** True when a relay publishes the outbox (distributed mode): commands then write outbox rows. */
  relaysOutbox?: boolean
}

/** The deposits write service (deposits and facilities, the supply side): command endpoints under `/v1`. Never listens by itself. */
export async function buildDepositsApp(deps: DepositsDeps) {
  await migrateEventStore(deps.pool, depositsContext.schema)
  const app = createServer({ service: 'deposits', ...deps })
  await app.register(healthPlugin, { checks: { postgres: async () => void (await deps.pool.query('SELECT 1')) } })
  await app.register(depositRoutes(deps.pool, settingsOf(deps)), { prefix: '/v1' })
  await app.register(countryRoutes(deps.pool, settingsOf(deps)), { prefix: '/v1' })
  await app.register(facilityRoutes(deps.pool, settingsOf(deps)), { prefix: '/v1' })
  return app
}
