import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { addProbe } from './metrics.ts'
import { PROBLEM_CONTENT_TYPE, problemType } from './problem.ts'

export type ReadinessCheck = () => Promise<void>

export interface Readiness {
  /** A dependency without which the service cannot serve: failing it makes `/health/ready` 503. */
  addCheck(name: string, check: ReadinessCheck): void
  /** A dependency the service works around (a broker down: the outbox holds the events): reported, still 200. */
  addReport(name: string, check: ReadinessCheck): void
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

interface Outcome {
  name: string
  ok: boolean
  message?: string
}

async function run(checks: Map<string, ReadinessCheck>): Promise<Outcome[]> {
  return Promise.all(
    [...checks].map(async ([name, check]) => {
      try {
        await check()
        return { name, ok: true }
      } catch (error) {
        return { name, ok: false, message: (error as Error).message }
      }
    }),
  )
}

/**
 * `/health/live`: the process answers. `/health/ready`: every check passes (else 503);
 * reports that fail are named in the body under `degraded`. Both are also the
 * `ree_readiness` gauge.
 */
export const healthPlugin = fp(
  async function health(
    app: FastifyInstance,
    options: { checks: Record<string, ReadinessCheck>; reports?: Record<string, ReadinessCheck> },
  ) {
    const checks = new Map(Object.entries(options.checks))
    const reports = new Map(Object.entries(options.reports ?? {}))
    app.decorate('readiness', {
      addCheck: (name: string, check: ReadinessCheck) => void checks.set(name, check),
      addReport: (name: string, check: ReadinessCheck) => void reports.set(name, check),
    })
    const service = app.hasDecorator('serviceName') ? app.serviceName : 'service'
    const removeProbe = addProbe('ree_readiness', async () =>
      [...(await run(checks)), ...(await run(reports))].map((outcome) => ({
        labels: { service, check: outcome.name },
        value: outcome.ok ? 1 : 0,
      })),
    )
    app.addHook('onClose', async () => removeProbe())
    const hide = { hide: true }
    app.get('/health/live', { schema: hide, logLevel: 'warn' }, async () => ({ status: 'ok' }))
    app.get('/health/ready', { schema: hide, logLevel: 'warn' }, async (request, reply) => {
      const [results, reported] = await Promise.all([run(checks), run(reports)])
      const failed = results.filter((result) => !result.ok)
      const degraded = reported.filter((result) => !result.ok).map(({ name, message }) => ({ check: name, message }))
      for (const outcome of [...failed, ...degraded]) request.log.warn({ outcome }, 'readiness check failed')
      if (failed.length === 0) {
        return {
          status: degraded.length === 0 ? 'ready' : 'degraded',
          checks: [...results, ...reported].map((result) => result.name),
          ...(degraded.length > 0 ? { degraded } : {}),
        }
      }
      return reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: problemType('not-ready'),
            title: 'Not ready',
            status: 503,
            detail: failed.map((result) => `${result.name}: ${result.message}`).join('; '),
            ...(degraded.length > 0 ? { degraded } : {}),
          }),
        )
    })
  },
  { name: 'ree-health' },
)
