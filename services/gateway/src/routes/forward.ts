import { context, propagation } from '@opentelemetry/api'
import { CommandAccepted, CommandHeaders, type CommandRoute, Problem, Slug } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import type { TemporalModel } from '@ree/read-models'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { type CommandClient, UpstreamUnavailableError } from '../commandClient.ts'
import { CONSISTENCY_HEADER, consistencyTokenOf } from '../consistency.ts'

const forwardedRequestHeaders = ['if-match', 'idempotency-key', 'x-correlation-id', 'traceparent'] as const
const relayedResponseHeaders = ['content-type', 'etag', 'location', 'idempotent-replayed'] as const
const IdParams = z.object({ id: Slug })

/**
 * Documents and validates each command route of a context, then forwards it to the
 * write service that owns it and relays the answer.
 */
export function forwardCommands(options: {
  routes: readonly CommandRoute[]
  client: CommandClient
  tag: string
  /** The read model the commands' writes land in: named by the consistency token of each answer. */
  // biome-ignore lint/suspicious/noExplicitAny: any temporal model
  model: TemporalModel<any, any>
}): FastifyPluginAsyncZod {
  return async function commands(app) {
    for (const route of options.routes) {
      const accepted = route.creates ? 201 : 200
      app.post(
        route.path,
        {
          schema: {
            tags: [options.tag],
            operationId: route.operationId ?? route.name.charAt(0).toLowerCase() + route.name.slice(1),
            summary: route.summary,
            ...(route.description ? { description: route.description } : {}),
            body: route.body,
            headers: CommandHeaders,
            ...(route.creates ? {} : { params: route.params ?? IdParams }),
            response: {
              [accepted]: CommandAccepted.describe('Accepted: the new stream version, also sent as ETag'),
              400: Problem.describe('Bad input: each bad field is named'),
              404: Problem.describe('No such entity'),
              409: Problem.describe('Already exists, or another writer appended first'),
              412: Problem.describe('If-Match names a version the entity is no longer at'),
              413: Problem.describe('The body is larger than 256 KiB'),
              415: Problem.describe('The body is not application/json'),
              422: Problem.describe('A rule of the domain forbids the command; `type` names the rule'),
              503: Problem.describe('The write service did not answer'),
            },
          },
        },
        async (request, reply) => {
          const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': request.id }
          for (const name of forwardedRequestHeaders) {
            const value = request.headers[name]
            if (typeof value === 'string') headers[name] = value
          }
          // With tracing on, the write service continues this request's span rather than the client's.
          propagation.inject(context.active(), headers)
          let response: Awaited<ReturnType<CommandClient['send']>>
          try {
            response = await options.client.send({ method: 'POST', url: request.url, headers, body: request.body })
          } catch (error) {
            if (error instanceof UpstreamUnavailableError) {
              throw new HttpProblem('upstream-unavailable', error.message, { headers: { 'retry-after': '1' } })
            }
            throw error
          }
          for (const name of relayedResponseHeaders) {
            const value = response.headers[name]
            if (value !== undefined) reply.header(name, value)
          }
          reply.code(response.statusCode)
          if (response.statusCode === 200 || response.statusCode === 201) {
            // Accepted: the answer names the write, so that any read can wait for it.
            const accepted = JSON.parse(String(response.body)) as CommandAccepted
            const consistencyToken = consistencyTokenOf(options.model, accepted.id, accepted.streamVersion)
            return reply.header(CONSISTENCY_HEADER, consistencyToken).send({ ...accepted, consistencyToken })
          }
          // A refusal is already problem+json from the write service: relay it as it is.
          return reply.send(response.body as never)
        },
      )
    }
  }
}
