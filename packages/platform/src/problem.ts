import { DomainError, type HttpProblemCode, httpProblems, problemCatalog, problemType } from '@ree/contracts'
import { ConcurrencyError, IdempotencyKeyReusedError, PreconditionFailedError } from '@ree/event-store'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'

export { problemType }

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** The HTTP problems by code (`/problems/<code>`), as the catalog in contracts declares them. */
export type ProblemCode = HttpProblemCode

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  errors?: Array<{ field: string; message: string }>
  /** Extension members, e.g. `breaksAt`: the fact where a timeline rule broke. */
  [extension: string]: unknown
}

/** An error that already knows its problem code. */
export class HttpProblem extends Error {
  readonly code: ProblemCode
  readonly errors: Array<{ field: string; message: string }> | undefined
  readonly headers: Record<string, string>
  constructor(
    code: ProblemCode,
    detail: string,
    options: { errors?: Array<{ field: string; message: string }>; headers?: Record<string, string> } = {},
  ) {
    super(detail)
    this.code = code
    this.errors = options.errors
    this.headers = options.headers ?? {}
  }
}

const domainStatus = { rule: 422, 'not-found': 404, conflict: 409 } as const

export function toProblem(error: unknown, instance: string): ProblemBody {
  // A URL too long to answer is too long to echo back.
  const at = instance.length <= 1024 ? { instance } : {}
  const make = (code: ProblemCode, detail: string, extra: Partial<ProblemBody> = {}): ProblemBody => ({
    type: problemType(code),
    title: httpProblems[code].title,
    status: httpProblems[code].status,
    detail,
    ...at,
    ...extra,
  })
  if (error instanceof HttpProblem) {
    return make(error.code, error.message, error.errors ? { errors: error.errors } : {})
  }
  if (error instanceof DomainError) {
    return {
      type: problemType(error.code),
      title: Object.hasOwn(problemCatalog, error.code)
        ? problemCatalog[error.code as keyof typeof problemCatalog].title
        : error.code.replaceAll('-', ' '),
      status: domainStatus[error.kind],
      detail: error.message,
      ...at,
      ...error.details,
    }
  }
  if (error instanceof PreconditionFailedError) return make('precondition-failed', error.message)
  if (error instanceof ConcurrencyError) return make('concurrent-write', `${error.message}; read it again and retry`)
  if (error instanceof IdempotencyKeyReusedError) return make('idempotency-key-reused', error.message)
  const fastifyError = error as FastifyError
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const errors = fastifyError.validation.flatMap((issue) => {
      const path = [fastifyError.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)]
      // An undeclared parameter or field is named itself, so the client sees which one.
      const unknownKeys = issue.keyword === 'unrecognized_keys' ? (issue.params as { keys?: unknown }).keys : undefined
      if (Array.isArray(unknownKeys)) {
        return unknownKeys.map((key) => ({
          field: [...path, String(key)].join('.'),
          message: 'is not a parameter this operation takes',
        }))
      }
      return [{ field: path.join('.'), message: issue.message ?? 'is not valid' }]
    })
    return make('validation-failed', errors.map((issue) => `${issue.field}: ${issue.message}`).join('; '), { errors })
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return make('malformed-json', fastifyError.message)
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make('payload-too-large', fastifyError.message)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return make('unsupported-media-type', fastifyError.message)
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return make('uri-too-long', 'a path segment is longer than the ledger accepts')
    case 'FST_ERR_BAD_URL':
      return make('validation-failed', 'the URL is not validly percent-encoded')
  }
  if (fastifyError.statusCode === 400) {
    const field = (error as { field?: unknown }).field
    const errors = typeof field === 'string' ? { errors: [{ field, message: fastifyError.message }] } : {}
    return make('validation-failed', fastifyError.message, errors)
  }
  return make('internal-error', 'An unexpected error occurred; it has been logged')
}

function sendProblem(reply: FastifyReply, problem: ProblemBody) {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem))
}

const anyMethod = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * The root error and not-found handlers: every error leaves as RFC 9457 problem+json.
 * A path that exists under another method is a 405 with `Allow`, found in a router of
 * its own that mirrors every route registered.
 */
export const problemPlugin = fp(
  async function problems(app: FastifyInstance) {
    const known = FindMyWay()
    app.addHook('onRoute', (route) => {
      // The CORS preflight route answers OPTIONS on every path: it says nothing about which paths exist.
      if (route.url.includes('*')) return
      for (const method of [route.method].flat().map((name) => name.toUpperCase() as HTTPMethod)) {
        if (!known.hasRoute(method, route.url)) known.on(method, route.url, () => undefined)
      }
    })
    app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
      const problem = toProblem(error, request.url)
      // A 503 the ledger chose to answer (behind, not ready, upstream down) is a condition, not a failure with a stack.
      if (problem.status >= 500 && !(error instanceof HttpProblem)) request.log.error({ err: error }, 'request failed')
      else if (problem.status >= 500)
        request.log.warn({ problem: problem.type, detail: problem.detail }, 'request not served')
      else request.log.info({ problem: problem.type, detail: problem.detail }, 'request refused')
      if (error instanceof HttpProblem) reply.headers(error.headers)
      return sendProblem(reply, problem)
    })
    // Answered before the body is parsed: a method the path does not take is a 405 whatever it sends.
    app.addHook('onRequest', async (request, reply) => {
      if (!request.is404) return
      const path = request.url.split('?')[0] ?? '/'
      const allowed = anyMethod.filter((method) => known.find(method, path) !== null)
      if (allowed.length === 0) return
      reply.header('allow', allowed.join(', '))
      const detail = `${request.method} is not allowed on ${path}; it answers ${allowed.join(', ')}`
      throw new HttpProblem('method-not-allowed', detail)
    })
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '/'
      const problem = toProblem(new HttpProblem('not-found', `No route ${request.method} ${path}`), request.url)
      return sendProblem(reply, problem)
    })
  },
  { name: 'ree-problems' },
)

/** Errors Fastify raises before routing (a path segment too long, a URL badly encoded), as problems. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(reply, toProblem(error, request.url))
}

const socketProblems: Record<string, HttpProblemCode> = {
  HPE_HEADER_OVERFLOW: 'headers-too-large',
  HPE_URI_TOO_LONG: 'uri-too-long',
}

/** Errors Node's HTTP parser raises before Fastify sees a request (headers too large), as problems. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const code = socketProblems[error.code ?? ''] ?? 'malformed-request'
  const kind = httpProblems[code]
  const body = JSON.stringify({
    type: problemType(code),
    title: kind.title,
    status: kind.status,
    detail: error.message,
  })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${kind.status} ${STATUS_CODES[kind.status]}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}
