import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { type CommandAccepted, entityTag, versionFromIfMatch } from '@ree/contracts'
import type { CommandResult } from '@ree/event-store'
import { context, propagation } from '@opentelemetry/api'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface CommandRequestContext {
  ifMatch: number | '*' | undefined
  idempotency: { key: string; requestHash: string } | undefined
  correlationId: string
  causationId: string
  traceparent: string
}

/** What a command takes from its HTTP request: preconditions, idempotency, and tracing ids. */
export function commandContext(request: FastifyRequest): CommandRequestContext {
  const headers = request.headers as Record<string, string | undefined>
  const key = headers['idempotency-key']
  return {
    ifMatch: versionFromIfMatch(headers['if-match']),
    idempotency: key ? { key, requestHash: requestHash(request) } : undefined,
    correlationId: headers['x-correlation-id'] ?? randomUUID(),
    traceparent: activeTraceparent() ?? headers.traceparent ?? startTrace(),
    causationId: request.id,
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex')
}

/** Answers an accepted command: the new version as body and `ETag`, `Location` when created. */
export function replyAccepted(
  reply: FastifyReply,
  options: { id: string; result: CommandResult; location?: string },
): CommandAccepted {
  const { id, result, location } = options
  reply.header('etag', entityTag(result.streamVersion))
  if (result.replayed) reply.header('idempotent-replayed', 'true')
  if (location) reply.code(201).header('location', location)
  return { id, streamVersion: result.streamVersion, eventIds: result.eventIds }
}

/** The span this request runs in, when tracing is on: the event then continues the request's trace. */
function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent
}

/** A new W3C trace context, for a command that arrives without one. */
function startTrace(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`
}
