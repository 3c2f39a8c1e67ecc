import { randomUUID } from 'node:crypto'
import {
  CommandAccepted,
  CommandHeaders,
  type CommandRoute,
  type ContextDefinition,
  type DomainEventOf,
  type EventDefinition,
  Problem,
  Slug,
  slugify,
} from '@ree/contracts'
import { type Decider, handleCommand } from '@ree/event-store'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import { commandContext, replyAccepted } from './commands.ts'

export interface CommandRouterOptions<Events extends readonly EventDefinition[], Command, State> {
  pool: pg.Pool
  context: ContextDefinition<Events>
  routes: readonly CommandRoute[]
  decider: Decider<Command, DomainEventOf<Events[number]>, State>
  /** `deposit-<id>`. */
  streamId: (id: string) => string
  /** The public path of one entity, for `Location`. */
  location: (id: string) => string
  /** Builds the domain command from a validated body (without `effectiveDate`). */
  toCommand: (name: string, id: string, data: Record<string, unknown>, effectiveDate: string) => Command
}

const IdParams = z.object({ id: Slug })
const errorResponses = { 400: Problem, 404: Problem, 409: Problem, 412: Problem, 422: Problem }
type AcceptedResponses = { 200: typeof CommandAccepted; 201: typeof CommandAccepted } & typeof errorResponses

/**
 * Mounts every command route of a context: validate, decide, append, answer with the
 * new version. The gateway mounts the same routes to forward them.
 */
export function commandRouter<Events extends readonly EventDefinition[], Command, State>(
  options: CommandRouterOptions<Events, Command, State>,
): FastifyPluginAsyncZod {
  return async function commands(app) {
    for (const route of options.routes) {
      app.post(
        route.path,
        {
          schema: {
            body: route.body,
            headers: CommandHeaders,
            ...(route.creates ? {} : { params: IdParams }),
            response: (route.creates
              ? { 201: CommandAccepted, ...errorResponses }
              : { 200: CommandAccepted, ...errorResponses }) as AcceptedResponses,
          },
        },
        async (request, reply) => {
          const {
            effectiveDate,
            id: chosenId,
            ...data
          } = request.body as Record<string, unknown> & {
            effectiveDate: string
            id?: string
            name?: string
          }
          const id = route.creates
            ? (chosenId ?? slugify(String(data.name ?? '')) ?? randomUUID())
            : (request.params as { id: string }).id
          const context = commandContext(request)
          const result = await handleCommand({
            pool: options.pool,
            context: options.context,
            decider: options.decider,
            streamId: options.streamId(id),
            subject: id,
            command: options.toCommand(route.name, id, data, effectiveDate),
            metadata: {
              effectiveDate,
              correlationId: context.correlationId,
              causationId: context.causationId,
              traceparent: context.traceparent,
            },
            ifMatch: context.ifMatch,
            idempotency: context.idempotency,
          })
          request.log.info({ command: route.name, id, streamVersion: result.streamVersion }, 'command handled')
          return replyAccepted(reply, { id, result, ...(route.creates ? { location: options.location(id) } : {}) })
        },
      )
    }
  }
}
