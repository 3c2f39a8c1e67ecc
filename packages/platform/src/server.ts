import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { loggerOptions } from './logger.ts'
import { HttpProblem, problemPlugin } from './problem.ts'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface ServerOptions {
  service: string
  logLevel?: string
  /** An existing logger to log through (the embedded mode shares one). */
  logger?: FastifyBaseLogger
}

/** A Fastify instance with the ledger's conventions: zod schemas, request ids, problem+json. */
export function createServer(options: ServerOptions) {
  const app = Fastify({
    ...(options.logger
      ? { loggerInstance: options.logger.child({ service: options.service }) }
      : { logger: loggerOptions(options.service, options.logLevel ?? 'info') }),
    bodyLimit: 256 * 1024,
    // The header is read here, not by Fastify, so that only a UUID becomes a causation id.
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id']
      return typeof incoming === 'string' && uuidPattern.test(incoming) ? incoming : randomUUID()
    },
    ajv: { customOptions: { coerceTypes: false } },
  })
  // Commands and queries speak JSON only: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.register(problemPlugin)
  app.addHook('preValidation', async (request) => {
    const fields = [
      ...fieldsWithNul(request.body, 'body'),
      ...fieldsWithNul(request.query, 'querystring'),
      ...fieldsWithNul(request.params, 'params'),
    ]
    if (fields.length > 0) {
      const errors = fields.map((field) => ({ field, message: 'must not contain the NUL character' }))
      throw new HttpProblem('validation-failed', errors.map((error) => `${error.field}: ${error.message}`).join('; '), {
        errors,
      })
    }
  })
  return app.withTypeProvider<ZodTypeProvider>()
}

export type Server = ReturnType<typeof createServer>
export type { FastifyInstance }

/** PostgreSQL cannot store U+0000 in text or jsonb: such input is refused up front, naming the field. */
function fieldsWithNul(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : []
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, entry]) => [
    ...(key.includes('\u0000') ? [path] : []),
    ...fieldsWithNul(entry, `${path}.${key}`),
  ])
}
