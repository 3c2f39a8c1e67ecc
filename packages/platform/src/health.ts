import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PROBLEM_CONTENT_TYPE, problemType } from './problem.ts'

export type ReadinessCheck = () => Promise<void>

/** `/health/live`: the process answers. `/health/ready`: every dependency answers too. */
export const healthPlugin = fp(
  async function health(app: FastifyInstance, options: { checks: Record<string, ReadinessCheck> }) {
    const hide = { hide: true }
    app.get('/health/live', { schema: hide, logLevel: 'warn' }, async () => ({ status: 'ok' }))
    app.get('/health/ready', { schema: hide, logLevel: 'warn' }, async (request, reply) => {
      const results = await Promise.all(
        Object.entries(options.checks).map(async ([name, check]) => {
          try {
            await check()
            return { name, ok: true as const }
          } catch (error) {
            request.log.warn({ err: error, check: name }, 'readiness check failed')
            return { name, ok: false as const, message: (error as Error).message }
          }
        }),
      )
      const failed = results.filter((result) => !result.ok)
      if (failed.length === 0) return { status: 'ready', checks: results.map((result) => result.name) }
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: problemType('not-ready'),
            title: 'Not ready',
            status: 503,
            detail: failed.map((result) => `${result.name}: ${result.message}`).join('; '),
          }),
        )
    })
  },
  { name: 'ree-health' },
)
