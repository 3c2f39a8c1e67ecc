import { createServer, healthPlugin } from '@ree/platform'
import { migrateReadModels, projectEvent } from '@ree/read-models'
import type { EventTransport } from '@ree/transport'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'

export interface ProjectionDeps {
  pool: pg.Pool
  transport: EventTransport
  logLevel?: string
  logger?: FastifyBaseLogger
}

/**
 * The projection: turns every event into the read models, through whichever
 * transport it is given. Its HTTP surface is health only.
 */
export async function buildProjectionApp(deps: ProjectionDeps) {
  await migrateReadModels(deps.pool)
  const app = createServer({ service: 'projection', ...deps })
  await app.register(healthPlugin, {
    checks: {
      postgres: async () => void (await deps.pool.query('SELECT 1')),
      [deps.transport.name]: async () => {
        if (!deps.transport.isRunning()) throw new Error('the delivery loop is not running')
      },
    },
  })
  app.addHook('onReady', () => deps.transport.start(projectEvent))
  app.addHook('onClose', () => deps.transport.stop())
  return app
}
