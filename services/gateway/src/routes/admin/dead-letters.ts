import { Problem } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import { projectEvent } from '@ree/read-models'
import { type DeadLetterSelection, replayDeadLetters } from '@ree/transport'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type pg from 'pg'
import { z } from 'zod'

const ReplayResult = z
  .object({
    applied: z.number().int().meta({ description: 'Dead letters applied and marked resolved' }),
    failed: z.number().int().meta({ description: 'Dead letters that failed again (they stay unresolved)' }),
    outcomes: z.array(
      z.object({ id: z.number().int(), outcome: z.enum(['applied', 'failed']), error: z.string().optional() }),
    ),
  })
  .meta({
    id: 'DeadLetterReplay',
    example: {
      applied: 2,
      failed: 0,
      outcomes: [
        { id: 7, outcome: 'applied' },
        { id: 9, outcome: 'applied' },
      ],
    },
  })

const errors = { 400: Problem, 404: Problem }

/**
 * Re-applies dead letters once their cause is fixed: one by id, or every unresolved
 * one of an entity, in stream order, so the frozen entity catches up.
 */
export function adminDeadLetterRoutes(options: { pool: pg.Pool }): FastifyPluginAsyncZod {
  return async function adminDeadLetters(app) {
    async function replay(selection: DeadLetterSelection, what: string) {
      const outcomes = await replayDeadLetters(options.pool, selection, projectEvent)
      if (outcomes.length === 0) throw new HttpProblem('not-found', `no unresolved dead letter ${what}`)
      return {
        applied: outcomes.filter((outcome) => outcome.outcome === 'applied').length,
        failed: outcomes.filter((outcome) => outcome.outcome === 'failed').length,
        outcomes,
      }
    }

    app.post(
      '/admin/dead-letters/:id/replay',
      {
        schema: {
          tags: ['Admin'],
          operationId: 'replayDeadLetter',
          summary: 'Re-apply one dead letter once its cause is fixed (admin)',
          description:
            'Applies the event to the read models again and marks it resolved. If it fails again it stays unresolved and the error is returned.',
          params: z.object({ id: z.coerce.number().int().positive() }),
          response: { 200: ReplayResult, ...errors },
        },
      },
      async (request) => replay({ id: request.params.id }, `with id ${request.params.id}`),
    )

    app.post(
      '/admin/dead-letters/replay',
      {
        schema: {
          tags: ['Admin'],
          operationId: 'replayDeadLettersOfEntity',
          summary: 'Re-apply every unresolved dead letter of one entity, in stream order (admin)',
          description:
            'A dead letter freezes its entity: later events follow it into the dead letters. Replaying them all, oldest version first, lets the entity catch up. Stops at the first that fails again.',
          body: z
            .object({
              subject: z.string().min(1).max(200).meta({ description: 'The entity id (the CloudEvent subject)' }),
            })
            .meta({ example: { subject: 'mountain-pass' } }),
          response: { 200: ReplayResult, ...errors },
        },
      },
      async (request) => replay({ subject: request.body.subject }, `for entity ${request.body.subject}`),
    )
  }
}
