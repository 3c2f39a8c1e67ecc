import { storableText } from '@ree/contracts'
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { loggerOptions } from './logger.ts'
import { metricsPlugin } from './metrics.ts'
import { clientErrorHandler, frameworkErrors, HttpProblem, problemPlugin } from './problem.ts'
import { gracefulClosePlugin } from './shutdown.ts'

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
    // Limits Fastify and Node answer before routing leave as problem+json too (414, 431).
    frameworkErrors,
    clientErrorHandler,
  })
  // Commands and queries speak JSON only: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.register(problemPlugin)
  app.register(metricsPlugin, { service: options.service })
  app.register(gracefulClosePlugin)
  app.addHook('preValidation', async (request) => {
    const errors = [
      ...unstorableFields(request.body, 'body'),
      ...unstorableFields(request.query, 'querystring'),
      ...unstorableFields(request.params, 'params'),
    ]
    if (errors.length > 0) {
      throw new HttpProblem('validation-failed', errors.map((error) => `${error.field}: ${error.message}`).join('; '), {
        errors,
      })
    }
  })
  return app.withTypeProvider<ZodTypeProvider>()
}

export type Server = ReturnType<typeof createServer>
export type { FastifyInstance }

const MAX_DEPTH = 32

/**
 * Characters no name, note or source needs and that hide or reorder what a reader sees:
 * C0 and C1 controls other than tab, line feed and carriage return, DEL, and the
 * bidirectional embeddings, overrides and isolates (a name shown reversed, "Trojan source").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const invisibleControls = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/

/**
 * Text PostgreSQL cannot store (U+0000, or a lone UTF-16 surrogate) and JSON nested
 * deeper than any command needs are refused up front, naming the field. Walked with a
 * stack, not recursion, so no body can exhaust the call stack.
 */
function unstorableFields(root: unknown, rootPath: string): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = []
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootPath, depth: 0 }]
  while (stack.length > 0 && errors.length < 20) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number }
    if (typeof value === 'string') {
      if (value.includes('\u0000')) errors.push({ field: path, message: 'must not contain the NUL character' })
      else if (!value.isWellFormed()) errors.push({ field: path, message: 'must be well-formed Unicode' })
      else if (invisibleControls.test(value)) {
        errors.push({
          field: path,
          message: 'must not contain control characters (other than tab and line breaks) or bidirectional overrides',
        })
      }
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_DEPTH) {
        errors.push({ field: path, message: `is nested more than ${MAX_DEPTH} levels deep` })
        continue
      }
      for (const [key, entry] of Object.entries(value)) {
        if (!storableText(key)) errors.push({ field: path, message: 'has a key that cannot be stored' })
        stack.push({ value: entry, path: `${path}.${key}`, depth: depth + 1 })
      }
    }
  }
  return errors
}
