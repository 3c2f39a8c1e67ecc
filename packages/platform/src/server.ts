import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { loggerOptions } from './logger.ts'
import { problemPlugin } from './problem.ts'

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
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const incoming = request.headers['x-request-id']
      return typeof incoming === 'string' && uuidPattern.test(incoming) ? incoming : randomUUID()
    },
    ajv: { customOptions: { coerceTypes: false } },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.register(problemPlugin)
  return app.withTypeProvider<ZodTypeProvider>()
}

export type Server = ReturnType<typeof createServer>
export type { FastifyInstance }
