import { setTimeout as sleep } from 'node:timers/promises'
import { addProbe, createServer, healthPlugin } from '@ree/platform'
import { migrateReadModels, projectEvent } from '@ree/read-models'
import { type EventTransport, unresolvedDeadLetters } from '@ree/transport'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'

export interface ProjectionDeps {
  pool: pg.Pool
  transport: EventTransport
  /** The consumer group or the Postgres-log subscription, as the metrics name it. */
  subscription?: string
  /** Events behind head beyond which the projection is not ready. */
  maxLag?: number
  logLevel?: string
  logger?: FastifyBaseLogger
}

/**
 * The projection: turns every event into the read models, through whichever
 * transport it is given. Its HTTP surface is health and metrics only.
 */
export async function buildProjectionApp(deps: ProjectionDeps) {
  await migrateReadModels(deps.pool)
  const { transport } = deps
  const maxLag = deps.maxLag ?? 10_000
  const subscription = deps.subscription ?? 'read-models'
  const app = createServer({ service: 'projection', ...deps })
  await app.register(healthPlugin, {
    checks: {
      postgres: async () => void (await deps.pool.query('SELECT 1')),
      [transport.name]: async () => {
        if (!transport.isRunning()) throw new Error('the delivery loop is not running')
      },
      lag: async () => {
        const lags = await Promise.race([
          transport.lag(),
          sleep(3000).then(() => {
            throw new Error('the lag could not be measured within 3 s')
          }),
        ])
        const behind = lags.reduce((sum, lag) => sum + lag.behind, 0)
        if (behind > maxLag) throw new Error(`${behind} events behind head (PROJECTION_MAX_LAG=${maxLag})`)
      },
    },
  })
  const lagProbe = async () =>
    (await transport.lag()).map((lag) => ({
      labels:
        lag.partition === undefined
          ? { subscription, stream: lag.stream }
          : { group: subscription, topic: lag.stream, partition: lag.partition },
      value: lag.behind,
    }))
  const removeProbes = [
    addProbe(transport.name === 'kafka' ? 'ree_consumer_lag' : 'ree_projection_behind_head', lagProbe),
    addProbe('ree_dead_letters', async () => {
      const counts = new Map([[subscription, 0]])
      for (const row of await unresolvedDeadLetters(deps.pool)) counts.set(row.subscription, row.count)
      return [...counts].map(([name, count]) => ({ labels: { subscription: name }, value: count }))
    }),
  ]
  app.addHook('onReady', () => transport.start(projectEvent))
  app.addHook('onClose', async () => {
    for (const remove of removeProbes) remove()
    await transport.stop()
  })
  return app
}
