import { tradeFlowsContext } from '@ree/contracts'
import { migrateEventStore } from '@ree/event-store'
import { createServer, healthPlugin, settingsOf } from '@ree/platform'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import { restrictionRoutes } from './restriction/routes.ts'
import { shipmentRoutes } from './shipment/routes.ts'

export interface TradeFlowsDeps {
  pool: pg.Pool
  logLevel?: string
  logger?: FastifyBaseLogger
  /** How many years ahead an effective date may lie; the router's default (2) when absent. */
  horizonYears?: number
  /** True when a relay publishes the outbox (distributed mode): commands then write outbox rows. */
  relaysOutbox?: boolean
}

/** The trade-flows write service: shipment and restriction commands under `/v1`. Never listens by itself. */
export async function buildTradeFlowsApp(deps: TradeFlowsDeps) {
  await migrateEventStore(deps.pool, tradeFlowsContext.schema)
  const app = createServer({ service: 'trade-flows', ...deps })
  await app.register(healthPlugin, { checks: { postgres: async () => void (await deps.pool.query('SELECT 1')) } })
  await app.register(shipmentRoutes(deps.pool, settingsOf(deps)), { prefix: '/v1' })
  await app.register(restrictionRoutes(deps.pool, settingsOf(deps)), { prefix: '/v1' })
  return app
}
