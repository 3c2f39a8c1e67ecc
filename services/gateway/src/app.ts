import { countryFiguresContext, facilitiesContext, ledgerContexts } from '@ree/contracts'
import { createServer, healthPlugin, type ReadinessCheck } from '@ree/platform'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import { registerAsyncApi } from './asyncapi.ts'
import type { CommandClient } from './commandClient.ts'
import { readYourWrites } from './consistency.ts'
import { registerOpenApi } from './openapi.ts'
import { adminDeadLetterRoutes } from './routes/admin/dead-letters.ts'
import { adminRebuildRoutes } from './routes/admin/rebuild.ts'
import { changeRoutes } from './routes/changes.ts'
import { corridorRoutes } from './routes/corridors.ts'
import { countryRoutes } from './routes/countries.ts'
import { deadLetterRoutes } from './routes/dead-letters.ts'
import { dealRoutes } from './routes/deals.ts'
import { depositRoutes } from './routes/deposits.ts'
import { facilityRoutes } from './routes/facilities.ts'
import { restrictionRoutes } from './routes/restrictions.ts'
import { shipmentRoutes } from './routes/shipments.ts'
import { supplyRoutes } from './routes/supply.ts'
import { timelineRoutes } from './routes/timeline.ts'
import { type TrustOptions, trustPlugin } from './trust/plugin.ts'
import { problemPages } from './trust/problemPages.ts'

export interface GatewayDeps {
  /** The read models' database. */
  pool: pg.Pool
  /** One client per write service. */
  commands: { deposits: CommandClient; deals: CommandClient; tradeFlows: CommandClient }
  /** Readiness checks besides the database, e.g. the in-process projection. */
  readiness?: Record<string, ReadinessCheck>
  /** API keys, roles, rate limits, CORS. */
  trust: TrustOptions
  logLevel?: string
  logger?: FastifyBaseLogger
}

/** The one public surface: documented REST reads from the read models, commands forwarded. */
export async function buildGatewayApp(deps: GatewayDeps) {
  const app = createServer({ service: 'gateway', ...deps })
  await app.register(trustPlugin, deps.trust)
  await registerOpenApi(app, { reads: deps.trust.reads })
  await registerAsyncApi(app, [...ledgerContexts, countryFiguresContext, facilitiesContext])
  await app.register(problemPages)
  await app.register(readYourWrites, { pool: deps.pool })
  await app.register(healthPlugin, {
    checks: { postgres: async () => void (await deps.pool.query('SELECT 1')), ...deps.readiness },
  })
  await app.register(depositRoutes({ pool: deps.pool, commands: deps.commands.deposits }), { prefix: '/v1' })
  await app.register(countryRoutes({ pool: deps.pool, commands: deps.commands.deposits }), { prefix: '/v1' })
  await app.register(facilityRoutes({ pool: deps.pool, commands: deps.commands.deposits }), { prefix: '/v1' })
  await app.register(dealRoutes({ pool: deps.pool, commands: deps.commands.deals }), { prefix: '/v1' })
  await app.register(shipmentRoutes({ pool: deps.pool, commands: deps.commands.tradeFlows }), { prefix: '/v1' })
  await app.register(restrictionRoutes({ pool: deps.pool, commands: deps.commands.tradeFlows }), { prefix: '/v1' })
  await app.register(corridorRoutes({ pool: deps.pool }), { prefix: '/v1' })
  await app.register(changeRoutes({ pool: deps.pool }), { prefix: '/v1' })
  await app.register(timelineRoutes({ pool: deps.pool }), { prefix: '/v1' })
  await app.register(supplyRoutes({ pool: deps.pool }), { prefix: '/v1' })
  await app.register(deadLetterRoutes({ pool: deps.pool }), { prefix: '/v1' })
  await app.register(adminDeadLetterRoutes({ pool: deps.pool }), { prefix: '/v1' })
  await app.register(adminRebuildRoutes({ pool: deps.pool, logger: app.log }), { prefix: '/v1' })
  return app
}
