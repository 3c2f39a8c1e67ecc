import { DomainError } from '@ree/contracts'
import { ConcurrencyError, IdempotencyKeyReusedError, PreconditionFailedError } from '@ree/event-store'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

interface ProblemKind {
  status: number
  title: string
}

/** The one table from error code to HTTP status and problem `type` (`/problems/<code>`). */
export const problemKinds = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  'bad-header': { status: 400, title: 'A header is not valid' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'concurrent-write': { status: 409, title: 'Another writer changed this first' },
  'precondition-failed': { status: 412, title: 'The resource has changed since the version named in If-Match' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send application/json' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key was already used for another request' },
  'read-model-behind': { status: 503, title: 'The read model has not caught up with the requested version yet' },
  'upstream-unavailable': { status: 503, title: 'A service behind the gateway did not answer' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ProblemKind>

export type ProblemCode = keyof typeof problemKinds

export function problemType(code: string): string {
  return `/problems/${code}`
}

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
  const make = (code: ProblemCode, detail: string, extra: Partial<ProblemBody> = {}): ProblemBody => ({
    type: problemType(code),
    title: problemKinds[code].title,
    status: problemKinds[code].status,
    detail,
    instance,
    ...extra,
  })
  if (error instanceof HttpProblem) {
    return make(error.code, error.message, error.errors ? { errors: error.errors } : {})
  }
  if (error instanceof DomainError) {
    return {
      type: problemType(error.code),
      title: error.code.replaceAll('-', ' '),
      status: domainStatus[error.kind],
      detail: error.message,
      instance,
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
  }
  if (fastifyError.statusCode === 400) {
    const field = (error as { field?: unknown }).field
    const errors = typeof field === 'string' ? { errors: [{ field, message: fastifyError.message }] } : {}
    return make('validation-failed', fastifyError.message, errors)
  }
  return make('internal-error', 'An unexpected error occurred; it has been logged')
}

/** The root error and not-found handlers: every error leaves as RFC 9457 problem+json. */
export const problemPlugin = fp(
  async function problems(app: FastifyInstance) {
    app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
      const problem = toProblem(error, request.url)
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ problem: problem.type, detail: problem.detail }, 'request refused')
      if (error instanceof HttpProblem) reply.headers(error.headers)
      return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem))
    })
    app.setNotFoundHandler((request, reply) => {
      const problem = toProblem(new HttpProblem('not-found', `No route ${request.method} ${request.url}`), request.url)
      return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem))
    })
  },
  { name: 'ree-problems' },
)
