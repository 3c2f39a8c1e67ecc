import { createServer, healthPlugin, type ReadinessCheck } from '@ree/platform'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import type { CommandClient } from './commandClient.ts'
import { registerOpenApi } from './openapi.ts'
import { depositRoutes } from './routes/deposits.ts'

export interface GatewayDeps {
  /** The read models' database. */
  pool: pg.Pool
  /** One client per write service. */
  commands: { deposits: CommandClient }
  /** Readiness checks besides the database, e.g. the in-process projection. */
  readiness?: Record<string, ReadinessCheck>
  logLevel?: string
  logger?: FastifyBaseLogger
}

/** The one public surface: documented REST reads from the read models, commands forwarded. */
export async function buildGatewayApp(deps: GatewayDeps) {
  const app = createServer({ service: 'gateway', ...deps })
  await registerOpenApi(app)
  await app.register(healthPlugin, {
    checks: { postgres: async () => void (await deps.pool.query('SELECT 1')), ...deps.readiness },
  })
  await app.register(depositRoutes({ pool: deps.pool, commands: deps.commands.deposits }), { prefix: '/v1' })
  return app
}
