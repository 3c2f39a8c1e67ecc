import { HttpProblem, readYourWritesTimeoutsTotal } from '@ree/platform'
import {
  countryFiguresModel,
  dealModel,
  depositModel,
  facilityModel,
  type ReadModelWatch,
  restrictionModel,
  shipmentModel,
  streamVersionOf,
  type TemporalModel,
  watchReadModels,
} from '@ree/read-models'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type pg from 'pg'
import { z } from 'zod'

export const ConsistencyQuery = z.object({
  minVersion: z.coerce.number().int().positive().max(2_147_483_647).optional().meta({
    description:
      'Read-your-writes: wait (up to 5 s) until the read model has reached this version, e.g. the streamVersion a command answered',
  }),
})

const WAIT_MS = 5000

/** One watch of the read models per database: a LISTEN connection shared by every wait. */
const watches = new WeakMap<pg.Pool, ReadModelWatch>()
const watchOf = (pool: pg.Pool) => {
  let watch = watches.get(pool)
  if (!watch) {
    watch = watchReadModels(pool)
    watches.set(pool, watch)
  }
  return watch
}

/** Waits, woken by the projection's notifications, until the read model holds a version; 503 if not in time. */
async function waitUntil(
  pool: pg.Pool,
  // biome-ignore lint/suspicious/noExplicitAny: any temporal model
  model: TemporalModel<any, any>,
  id: string,
  version: number,
): Promise<void> {
  if (await watchOf(pool).reached(model, id, version, WAIT_MS)) return
  readYourWritesTimeoutsTotal.inc()
  const reached = await streamVersionOf(pool, model, id)
  throw new HttpProblem(
    'read-model-behind',
    `the read model is at version ${reached} of ${model.name} ${id}, not yet ${version}`,
    { headers: { 'retry-after': '1' } },
  )
}

/** Waits until the read model has caught up with a write the client made to this entity; 503 if it does not in time. */
export async function waitForVersion(
  pool: pg.Pool,
  // biome-ignore lint/suspicious/noExplicitAny: any temporal model
  model: TemporalModel<any, any>,
  id: string,
  minVersion: number | undefined,
): Promise<void> {
  if (minVersion !== undefined) await waitUntil(pool, model, id, minVersion)
}

/** The read models a command's write lands in, by the name a consistency token carries. */
// biome-ignore lint/suspicious/noExplicitAny: any temporal model has a streams table
const models: Record<string, TemporalModel<any, any>> = Object.fromEntries(
  [depositModel, facilityModel, countryFiguresModel, dealModel, shipmentModel, restrictionModel].map((model) => [
    model.name,
    model,
  ]),
)

/**
 * A consistency token names a write: the read model it lands in, the entity and the
 * version it reached. Opaque to clients (base64url); a read that presents it waits
 * until that write is in the read models, whatever it reads.
 */
// biome-ignore lint/suspicious/noExplicitAny: any temporal model
export function consistencyTokenOf(model: TemporalModel<any, any>, id: string, version: number): string {
  return Buffer.from(`${model.name}:${id}:${version}`, 'utf8').toString('base64url')
}

export const CONSISTENCY_HEADER = 'consistency-token'
const MAX_TOKENS = 20
const tokenPattern = /^([a-z_]+):([A-Za-z0-9-]{1,100}):([1-9][0-9]{0,9})$/

/** The writes a request's tokens name (comma-separated), or a 400 naming the header. */
export function parseConsistencyTokens(header: string): Array<{ model: string; id: string; version: number }> {
  const tokens = header.split(',').map((token) => token.trim())
  const bad = (message: string) =>
    new HttpProblem('validation-failed', `${CONSISTENCY_HEADER}: ${message}`, {
      errors: [{ field: `headers.${CONSISTENCY_HEADER}`, message }],
    })
  if (tokens.length > MAX_TOKENS) throw bad(`at most ${MAX_TOKENS} tokens`)
  return tokens.map((token) => {
    const match = /^[A-Za-z0-9_-]{1,200}$/.test(token)
      ? tokenPattern.exec(Buffer.from(token, 'base64url').toString('utf8'))
      : null
    const [, model, id, version] = match ?? []
    if (!model || !id || !version || !models[model] || Number(version) > 2_147_483_647) {
      throw bad('not a consistency token this API returned')
    }
    return { model, id, version: Number(version) }
  })
}

/**
 * Read-your-writes on every read: a GET that presents the `Consistency-Token` a command
 * answered with waits (up to 5 s) until the read models include that write, then
 * answers; a 503 with Retry-After when they do not in time.
 */
export const readYourWrites = fp(async function readYourWrites(app: FastifyInstance, options: { pool: pg.Pool }) {
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'GET') return
    const header = request.headers[CONSISTENCY_HEADER]
    if (header === undefined) return
    const tokens = parseConsistencyTokens(Array.isArray(header) ? header.join(',') : header)
    await Promise.all(
      tokens.map(({ model, id, version }) => waitUntil(options.pool, models[model] as never, id, version)),
    )
  })
  app.addHook('onClose', async () => {
    await watches.get(options.pool)?.close()
    watches.delete(options.pool)
  })
})
