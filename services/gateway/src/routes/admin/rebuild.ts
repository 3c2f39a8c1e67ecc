import { randomUUID } from 'node:crypto'
import { ledgerContexts, Problem } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import { migrateReadModels, projectEvent, readModelsSql } from '@ree/read-models'
import { type RebuildProgress, rebuildReadModels } from '@ree/transport'
import type { FastifyBaseLogger } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'

/** The read models by name, and the tables each owns. */
const readModels = {
  all: undefined,
  deposits: ['deposit_'],
  deals: ['deal_'],
  shipments: ['shipment_'],
  restrictions: ['restriction_'],
  'country-figures': ['country_figures_'],
} as const satisfies Record<string, readonly string[] | undefined>
const ReadModelName = z.enum(Object.keys(readModels) as [keyof typeof readModels, ...Array<keyof typeof readModels>])

const Rebuild = z
  .object({
    id: z.string(),
    readModel: ReadModelName,
    phase: z.enum(['replaying', 'copying', 'switching', 'done', 'failed']),
    events: z.number().int().meta({ description: 'Events applied so far' }),
    failed: z
      .number()
      .int()
      .meta({ description: 'Events that could not be applied (left out, as the projection does)' }),
    eventsPerSecond: z.number().int(),
    tables: z.array(z.string()).meta({ description: 'The tables switched over' }),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
  })
  .meta({
    id: 'Rebuild',
    example: {
      id: '6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f',
      readModel: 'deposits',
      phase: 'done',
      events: 2056,
      failed: 0,
      eventsPerSecond: 1850,
      tables: ['deposit_events', 'deposit_states', 'deposit_streams'],
      startedAt: '2026-12-01T23:10:00.000Z',
      finishedAt: '2026-12-01T23:10:01.200Z',
    },
  })
type Rebuild = z.infer<typeof Rebuild>

/**
 * Rebuilds a read model from the event stores beside the live tables and switches
 * readers over atomically; reads never fail meanwhile. One rebuild runs at a time.
 */
export function adminRebuildRoutes(options: { pool: pg.Pool; logger: FastifyBaseLogger }): FastifyPluginAsyncZod {
  const rebuilds = new Map<string, Rebuild>()
  let running: Rebuild | undefined
  return async function adminRebuilds(app) {
    app.post(
      '/admin/read-models/:name/rebuild',
      {
        schema: {
          tags: ['Admin'],
          operationId: 'rebuildReadModel',
          summary: 'Rebuild a read model from the events, without downtime (admin)',
          description:
            'Starts building the read model (or `all`) afresh from the event stores into new tables beside the live ones, then switches readers over atomically. Answers 202 at once; follow `Location`. While a rebuild runs, asking again answers that one.',
          params: z.object({ name: ReadModelName }),
          response: { 202: Rebuild, 400: Problem },
        },
      },
      async (request, reply) => {
        const current = running ?? start(request.params.name)
        return reply.code(202).header('location', `/v1/admin/rebuilds/${current.id}`).send(current)
      },
    )
    app.get(
      '/admin/rebuilds/:id',
      {
        schema: {
          tags: ['Admin'],
          operationId: 'getRebuild',
          summary: 'How a rebuild stands: its phase, events applied and rate (admin)',
          params: z.object({ id: z.string().uuid() }),
          response: { 200: Rebuild, 400: Problem, 404: Problem },
        },
      },
      async (request) => {
        const rebuild = rebuilds.get(request.params.id)
        if (!rebuild) throw new HttpProblem('not-found', `no rebuild ${request.params.id}`)
        return rebuild
      },
    )
  }

  function start(name: keyof typeof readModels): Rebuild {
    const rebuild: Rebuild = {
      id: randomUUID(),
      readModel: name,
      phase: 'replaying',
      events: 0,
      failed: 0,
      eventsPerSecond: 0,
      tables: [],
      startedAt: new Date().toISOString(),
    }
    rebuilds.set(rebuild.id, rebuild)
    running = rebuild
    const prefixes = readModels[name]
    const update = (progress: RebuildProgress) => Object.assign(rebuild, progress)
    const finish = (outcome: Partial<Rebuild>) => {
      Object.assign(rebuild, outcome, { finishedAt: new Date().toISOString() })
      running = undefined
    }
    rebuildReadModels({
      databaseUrl: String(options.pool.options.connectionString),
      sources: ledgerContexts,
      schemaSql: readModelsSql,
      migrate: migrateReadModels,
      handler: projectEvent,
      ...(prefixes ? { tablePrefixes: prefixes } : {}),
      logger: options.logger.child({ rebuild: rebuild.id, readModel: name }),
      onProgress: update,
    }).then(finish, (error: Error) => {
      options.logger.error({ err: error, rebuild: rebuild.id }, 'rebuild failed; the live read models are untouched')
      finish({ phase: 'failed', error: error.message })
    })
    return { ...rebuild }
  }
}
