import { randomUUID } from 'node:crypto'
import {
  type AggregateState,
  CommandAccepted,
  CommandHeaders,
  type CommandRoute,
  type ContextDefinition,
  type DomainEventOf,
  type EventDefinition,
  Problem,
  type RetractFact,
  Slug,
  slugify,
} from '@ree/contracts'
import { type Decider, handleCommand } from '@ree/event-store'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'
import { countedCommand } from './commandOutcome.ts'
import { commandContext, replyAccepted } from './commands.ts'
import { HttpProblem } from './problem.ts'

export interface CommandRouterOptions<
  Events extends readonly EventDefinition[],
  Command,
  State extends AggregateState,
> {
  pool: pg.Pool
  context: ContextDefinition<Events>
  routes: readonly CommandRoute[]
  decider: Decider<Command, DomainEventOf<Events[number]>, State>
  /** `deposit-<id>`. */
  streamId: (id: string) => string
  /** The public path of one entity, for `Location`. */
  location: (id: string) => string
  /** Builds the domain command from a validated body (without `effectiveDate`). */
  toCommand: (name: string, id: string, data: Record<string, unknown>) => Command
  /** How many years ahead an effective date may lie (an announced change); default 2. */
  horizonYears?: number | undefined
  /** True when a relay publishes the outbox (distributed mode): each command then writes its outbox rows. */
  relaysOutbox?: boolean | undefined
}

/** What a write service's deployment decides for its command routes. */
export type CommandSettings = Pick<CommandRouterOptions<never, never, never>, 'horizonYears' | 'relaysOutbox'>

const IdParams = z.object({ id: Slug })
const errorResponses = { 400: Problem, 404: Problem, 409: Problem, 412: Problem, 422: Problem }
type AcceptedResponses = { 200: typeof CommandAccepted; 201: typeof CommandAccepted } & typeof errorResponses

/**
 * Mounts every command route of a context: validate, decide, append, answer with the
 * new version. The gateway mounts the same routes to forward them.
 */
export function commandRouter<Events extends readonly EventDefinition[], Command, State extends AggregateState>(
  options: CommandRouterOptions<Events, Command, State>,
): FastifyPluginAsyncZod {
  const horizonYears = options.horizonYears ?? 2
  return async function commands(app) {
    for (const route of options.routes) {
      app.post(
        route.path,
        {
          schema: {
            body: route.body,
            headers: CommandHeaders,
            ...(route.creates ? {} : { params: route.params ?? IdParams }),
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
            effectiveDate?: string
            id?: string
            name?: string
          }
          refuseBeyondHorizon(effectiveDate, horizonYears)
          const id = route.creates
            ? (chosenId ?? slugify(String(data.name ?? '')) ?? randomUUID())
            : (request.params as { id: string }).id
          const context = commandContext(request)
          const result = await countedCommand({ service: options.context.name, command: route.name }, () =>
            handleCommand({
              pool: options.pool,
              context: options.context,
              decider: options.decider,
              streamId: options.streamId(id),
              subject: id,
              command:
                route.name === 'RetractFact'
                  ? { type: 'RetractFact', data: data as RetractFact['data'] }
                  : options.toCommand(route.name, id, data),
              metadata: {
                effectiveDate,
                correlationId: context.correlationId,
                causationId: context.causationId,
                traceparent: context.traceparent,
              },
              ifMatch: context.ifMatch,
              idempotency: context.idempotency,
              outbox: options.relaysOutbox === true,
            }),
          )
          request.log.info({ command: route.name, id, streamVersion: result.streamVersion }, 'command handled')
          return replyAccepted(reply, { id, result, ...(route.creates ? { location: options.location(id) } : {}) })
        },
      )
    }
  }
}

/**
 * Facts may be announced ahead (a control that takes effect next month), but not past
 * the horizon: a date years ahead is a typing mistake, not an announcement.
 */
function refuseBeyondHorizon(effectiveDate: string | undefined, years: number): void {
  if (effectiveDate === undefined) return
  const today = new Date()
  const horizon = new Date(Date.UTC(today.getUTCFullYear() + years, today.getUTCMonth(), today.getUTCDate()))
  const latest = horizon.toISOString().slice(0, 10)
  if (effectiveDate <= latest) return
  const message = `must be on or before ${latest}: an effective date may lie at most ${years} years ahead`
  throw new HttpProblem('validation-failed', `body.effectiveDate ${message}`, {
    errors: [{ field: 'body.effectiveDate', message }],
  })
}

/** The command settings among a write service's deps, with only the ones that are set. */
export function settingsOf(deps: {
  horizonYears?: number | undefined
  relaysOutbox?: boolean | undefined
}): CommandSettings {
  return {
    ...(deps.horizonYears === undefined ? {} : { horizonYears: deps.horizonYears }),
    ...(deps.relaysOutbox === undefined ? {} : { relaysOutbox: deps.relaysOutbox }),
  }
}
